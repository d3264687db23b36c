/* bench_control.c: getbalance at 10,000 blocks through a running node's control socket, beside
 * the same getbalance with no node running, in the same run (goal: under 5 ms through the
 * socket, whole process). Both are whole-process times of the chapter's binary (the median of
 * RUNS runs: the machine is shared), and beside them the socket's round trip alone, in this
 * process (connect, request, answer), and what starting the process costs alone (--help). A
 * benchmark, not a test: it prints its figures and never
 * fails on speed.
 *
 * The chain: genesis and 10,000 blocks built with the chapter's own code at BENCH_BITS, each with
 * a coinbase to A and A's signed spend of the previous coinbase and of her last output, so that
 * the UTXO set stays at a few records and what grows is the chain; cached under
 * BUILD/bench/chains/ch10-v1-10000. Prints a table and writes BUILD/bench/ch10_control.tsv. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include "blockchain.h"
#include "control.h"
#include "transaction_sign.h"
#include "wallet.h"
#include "wallets.h"

#define BENCH_BITS 8
#define BENCH_NODE "3000"
#define HEIGHT 10000
#define RUNS 31
#define CHAIN_VERSION 1

static const gchar *const FILES[] = {"blockchain_" BENCH_NODE ".db", "chainstate_" BENCH_NODE ".db",
                                     "wallet_" BENCH_NODE ".dat"};
static gchar *bench_dir, *program;

static gdouble now(void)
{
    return (gdouble)g_get_monotonic_time() / G_USEC_PER_SEC;
}

static void must(gboolean ok, const GError *error)
{
    if (!ok) {
        fprintf(stderr, "bench: %s\n", error != NULL ? error->message : "failed");
        exit(1);
    }
}

static void copy_file(const gchar *from, const gchar *to)
{
    gchar *data = NULL;
    gsize len = 0;
    g_autoptr(GError) error = NULL;
    must(g_file_get_contents(from, &data, &len, &error) &&
             g_file_set_contents_full(to, data, (gssize)len,
                                      G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                      0600, &error),
         error);
    g_free(data);
}

static gchar *chain_dir(void)
{
    return g_strdup_printf("%s/chains/ch10-v%d-%d", bench_dir, CHAIN_VERSION, HEIGHT);
}

/* Builds the chain in WORK and renames it to the cache when done. */
static void build_chain(const gchar *cached)
{
    g_autofree gchar *marker = g_build_filename(cached, FILES[2], NULL);
    if (g_file_test(marker, G_FILE_TEST_EXISTS))
        return;
    g_print("building the benchmark chain of %d blocks (once, cached in %s)...\n", HEIGHT, cached);
    gdouble start = now();
    g_autofree gchar *work = g_strdup_printf("%s.work", cached);
    g_mkdir_with_parents(work, 0700);
    for (guint i = 0; i < G_N_ELEMENTS(FILES); i++) {
        g_autofree gchar *path = g_build_filename(work, FILES[i], NULL);
        g_unlink(path);
    }
    g_autoptr(GError) error = NULL;
    g_autoptr(Wallets) wallets = wallets_new();
    g_autofree gchar *a = wallets_create_wallet(wallets, &error);
    must(a != NULL, error);
    const Wallet *alice = wallets_get_wallet(wallets, a);
    guint8 to_a[BC_RIPEMD160_LEN];
    wallet_hash_pubkey(wallet_public_key(alice), to_a);
    g_autofree gchar *db = g_build_filename(work, FILES[0], NULL);
    g_autoptr(Blockchain) bc = blockchain_create(db, a, BENCH_BITS, &error);
    must(bc != NULL, error);
    g_autoptr(Block) genesis = blockchain_get_block(bc, bc->tip, &error);
    must(genesis != NULL, error);
    Transaction *previous = g_ptr_array_steal_index(genesis->transactions, 0);
    Transaction *gathered = NULL; /* A's last spend: output 0 is all she had before */
    for (gint32 h = 1; h <= HEIGHT; h++) {
        g_autoptr(GPtrArray) txs = g_ptr_array_new_with_free_func((GDestroyNotify)transaction_free);
        Transaction *coinbase = transaction_new_coinbase(a, NULL, &error);
        must(coinbase != NULL, error);
        Transaction *spend = transaction_new();
        g_autoptr(GPtrArray) spent = g_ptr_array_new();
        transaction_add_input(spend, previous->id, 0, wallet_public_key(alice),
                              WALLET_PUBLIC_KEY_LEN);
        g_ptr_array_add(spent, g_ptr_array_index(previous->vout, 0));
        gint64 total = SUBSIDY;
        if (gathered != NULL) {
            transaction_add_input(spend, gathered->id, 0, wallet_public_key(alice),
                                  WALLET_PUBLIC_KEY_LEN);
            g_ptr_array_add(spent, g_ptr_array_index(gathered->vout, 0));
            total += ((TxOutput *)g_ptr_array_index(gathered->vout, 0))->value;
        }
        transaction_add_output(spend, total, to_a);
        must(transaction_sign(spend, alice, spent, &error), error);
        transaction_set_id(spend);
        g_autoptr(GBytes) kept = transaction_serialize(spend);
        transaction_free(gathered);
        gathered = transaction_deserialize(kept, &error);
        g_autoptr(GBytes) raw = transaction_serialize(coinbase);
        g_ptr_array_add(txs, coinbase);
        g_ptr_array_add(txs, spend);
        g_autoptr(Block) block = blockchain_mine_block(bc, txs, &error);
        must(block != NULL, error);
        transaction_free(previous);
        previous = transaction_deserialize(raw, &error);
    }
    transaction_free(previous);
    transaction_free(gathered);
    g_clear_pointer(&bc, blockchain_close);
    g_autofree gchar *wallet_path = g_build_filename(work, FILES[2], NULL);
    must(wallets_save(wallets, wallet_path, &error), error);
    g_mkdir_with_parents(cached, 0700);
    for (guint i = 0; i < G_N_ELEMENTS(FILES); i++) {
        g_autofree gchar *from = g_build_filename(work, FILES[i], NULL);
        g_autofree gchar *to = g_build_filename(cached, FILES[i], NULL);
        copy_file(from, to);
    }
    g_print("built in %.1f s\n", now() - start);
}

static gchar **bench_env(void)
{
    gchar **envp = g_get_environ();
    envp = g_environ_setenv(envp, "NODE_ID", BENCH_NODE, TRUE);
    envp = g_environ_setenv(envp, "BC_TARGET_BITS", G_STRINGIFY(BENCH_BITS), TRUE);
    return envp;
}

/* One run of "blockchain ARGS" in DIR: seconds, and its stdout in *OUT. */
static gdouble run_once(const gchar *dir, const gchar *const *args, gchar **out)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_ptr_array_add(argv, program);
    for (guint i = 0; args[i] != NULL; i++)
        g_ptr_array_add(argv, (gpointer)args[i]);
    g_ptr_array_add(argv, NULL);
    g_auto(GStrv) envp = bench_env();
    gint status = 0;
    g_autoptr(GError) error = NULL;
    g_autofree gchar *err = NULL;
    gdouble start = now();
    gboolean ok = g_spawn_sync(dir, (gchar **)argv->pdata, envp, G_SPAWN_DEFAULT, NULL, NULL, out,
                               &err, &status, &error) &&
                  g_spawn_check_wait_status(status, &error);
    gdouble t = now() - start;
    if (!ok) {
        fprintf(stderr, "bench: %s %s: %s %s\n", program, args[0], error->message,
                err != NULL ? err : "");
        exit(1);
    }
    return t;
}

static int compare(const void *a, const void *b)
{
    gdouble x = *(const gdouble *)a, y = *(const gdouble *)b;
    return x < y ? -1 : x > y;
}

/* The median of RUNS runs; the output of the last in *OUT. */
static gdouble median_run(const gchar *dir, const gchar *const *args, gchar **out)
{
    gdouble t[RUNS];
    for (guint i = 0; i < RUNS; i++) {
        g_free(*out);
        *out = NULL;
        t[i] = run_once(dir, args, out);
    }
    qsort(t, RUNS, sizeof t[0], compare);
    return t[RUNS / 2];
}

/* The socket's round trip alone: connect, getbalance, answer, in this process. */
static gdouble median_round_trip(const gchar *path, const gchar *address)
{
    gdouble t[RUNS];
    for (guint i = 0; i < RUNS; i++) {
        g_autoptr(GError) error = NULL;
        gdouble start = now();
        g_autoptr(GSocket) socket = control_connect(path, &error);
        must(socket != NULL, error);
        ControlRequest request = {.command = CONTROL_GETBALANCE, .address = (gchar *)address};
        g_auto(ControlAnswer) answer = {0};
        must(control_call(socket, &request, &answer, &error) && answer.status == 0, error);
        t[i] = now() - start;
    }
    qsort(t, RUNS, sizeof t[0], compare);
    return t[RUNS / 2];
}

/* A TCP port the kernel says is free, for the node to listen on (nobody dials it). */
static guint16 free_port(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GSocket) s =
        g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
    must(s != NULL, error);
    g_autoptr(GInetAddress) lo = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
    g_autoptr(GSocketAddress) any = g_inet_socket_address_new(lo, 0);
    must(g_socket_bind(s, any, FALSE, &error), error);
    g_autoptr(GSocketAddress) bound = g_socket_get_local_address(s, &error);
    return g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(bound));
}

int main(int argc, char **argv)
{
    (void)argc;
    g_autofree gchar *self = g_canonicalize_filename(argv[0], NULL);
    g_autofree gchar *out_dir = g_path_get_dirname(self);
    g_autofree gchar *build = g_path_get_dirname(out_dir);
    bench_dir = g_build_filename(build, "bench", NULL);
    program = g_build_filename(out_dir, "blockchain", NULL);
    g_mkdir_with_parents(bench_dir, 0700);
    g_autofree gchar *cached = chain_dir();
    build_chain(cached);
    g_autofree gchar *dir = g_strdup_printf("%s/run/ch10-control", bench_dir);
    g_mkdir_with_parents(dir, 0700);
    for (guint i = 0; i < G_N_ELEMENTS(FILES); i++) {
        g_autofree gchar *from = g_build_filename(cached, FILES[i], NULL);
        g_autofree gchar *to = g_build_filename(dir, FILES[i], NULL);
        copy_file(from, to);
    }
    g_autofree gchar *listed = NULL;
    run_once(dir, (const gchar *const[]){"listaddresses", NULL}, &listed);
    g_autofree gchar *a = g_strstrip(g_strdup(listed));

    const gchar *const args[] = {"getbalance", "-address", a, NULL};
    g_autofree gchar *direct_out = NULL, *socket_out = NULL;
    gdouble direct = median_run(dir, args, &direct_out);
    /* What any command costs before it does anything: the process starting, with its libraries. */
    g_autofree gchar *help_out = NULL;
    gdouble help = median_run(dir, (const gchar *const[]){"--help", NULL}, &help_out);

    /* The node: listening on a free port, its central node another free port nobody is on. */
    g_autofree gchar *listen = g_strdup_printf("127.0.0.1:%u", free_port());
    g_autofree gchar *central = g_strdup_printf("127.0.0.1:%u", free_port());
    g_autofree gchar *log = g_build_filename(dir, "node.log", NULL);
    g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_NONE);
    g_subprocess_launcher_set_cwd(launcher, dir);
    g_subprocess_launcher_set_stdout_file_path(launcher, log);
    g_subprocess_launcher_setenv(launcher, "NODE_ID", BENCH_NODE, TRUE);
    g_subprocess_launcher_setenv(launcher, "BC_TARGET_BITS", G_STRINGIFY(BENCH_BITS), TRUE);
    g_subprocess_launcher_setenv(launcher, "BC_CENTRAL_NODE", central, TRUE);
    g_autoptr(GError) error = NULL;
    g_autoptr(GSubprocess) node = g_subprocess_launcher_spawn(
        launcher, &error, program, "startnode", "-listen", listen, "-connect", central, NULL);
    must(node != NULL, error);
    g_autofree gchar *path = g_build_filename(dir, "node_" BENCH_NODE ".sock", NULL);
    gdouble deadline = now() + 60;
    for (;;) {
        g_autoptr(GError) e = NULL;
        g_autoptr(GSocket) s = control_connect(path, &e);
        if (s != NULL)
            break;
        if (now() > deadline) {
            fprintf(stderr, "bench: the node did not open %s (see %s)\n", path, log);
            g_subprocess_force_exit(node);
            return 1;
        }
        g_usleep(20 * 1000);
    }
    gdouble through = median_run(dir, args, &socket_out);
    gdouble trip = median_round_trip(path, a);
    g_subprocess_send_signal(node, SIGTERM);
    g_subprocess_wait(node, NULL, NULL);
    if (g_strcmp0(direct_out, socket_out) != 0) {
        fprintf(stderr, "bench: the answers differ: '%s' and '%s'\n", direct_out, socket_out);
        return 1;
    }

    g_print("chapter 10 control socket: getbalance at %d blocks (median of %d runs)\n", HEIGHT,
            RUNS);
    g_print("  %-52s %10s %12s\n", "", "ms", "x no node");
    g_print("  %-52s %10.2f %12s\n", "no node running (opens the database), whole process",
            direct * 1e3, "1.00");
    g_print("  %-52s %10.2f %12.2f\n", "through the running node's socket, whole process",
            through * 1e3, through / direct);
    g_print("  %-52s %10.2f %12.2f\n", "the socket's round trip alone (in this process)",
            trip * 1e3, trip / direct);
    g_print("  %-52s %10.2f %12.2f\n", "blockchain --help: the process start alone", help * 1e3,
            help / direct);
    g_print("  (goal: under 5 ms through the socket: %s)\n", through < 0.005 ? "met" : "missed");
    g_autofree gchar *tsv = g_strdup_printf(
        "measure\tms\tx_no_node\n"
        "getbalance, no node, whole process\t%.3f\t1\n"
        "getbalance, control socket, whole process\t%.3f\t%.3f\n"
        "control socket round trip\t%.3f\t%.3f\n"
        "process start (--help)\t%.3f\t%.3f\n",
        direct * 1e3, through * 1e3, through / direct, trip * 1e3, trip / direct, help * 1e3,
        help / direct);
    g_autofree gchar *tsv_path = g_build_filename(bench_dir, "ch10_control.tsv", NULL);
    must(g_file_set_contents(tsv_path, tsv, -1, &error), error);
    g_print("  (written to %s)\n", tsv_path);
    return 0;
}
