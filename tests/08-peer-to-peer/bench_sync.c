/* bench_sync.c: a fresh chapter 8 node syncs 10,000 blocks over loopback, from one peer and
 * from three peers at once (each with the whole chain), in blocks/s; beside it, measured in the
 * same run, chapter 7's fresh node syncing the same chain from its central node (one message
 * per connection, as the article has it), and the ratio. The goal is chapter 8 >= 3x chapter 7.
 * The chain is chapter 7's benchmark chain (tests/07-network/bench_chain.c: one signed
 * transaction and a coinbase per block), built the same way here when it is not cached yet under
 * BUILD/bench/chains: chapter 8 stores blocks exactly as chapter 7 does. The time runs from the
 * fresh node's start to its "added block ... at height 10000" line, read as it arrives on its
 * stdout. Chapter 8's nodes use 127.0.0.120 to 127.0.0.123; chapter 7's listen on 127.0.0.1, on
 * ports the kernel says are free. Prints a table and writes BUILD/bench/ch08_sync.tsv.
 * Then chapter 7's bench_chain table for chapter 8, in the same run: the sync from one peer at
 * 1,000 and 10,000 blocks and the per-block time ratio, the signature checks per second of that
 * sync beside raw Nettle ecdsa_verify, whole-process times of getbalance, send -mine, printchain
 * and reindexutxo at 100 and 10,000 blocks, and the syncing node's peak RSS (VmHWM, read from
 * /proc before it stops); written to BUILD/bench/ch08_chain.tsv.
 * Chapter 7's binary must be built ('make ch07'); without it the reference is left out. */
#include <glib-unix.h>
#include <nettle/bignum.h>
#include <nettle/ecc-curve.h>
#include <nettle/ecc.h>
#include <nettle/ecdsa.h>
#include <glib/gstdio.h>
#include <gio/gio.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "blockchain.h"
#include "validation.h"
#include "transaction_sign.h"
#include "wallet.h"
#include "wallets.h"

#define BENCH_BITS 8
#define BENCH_NODE "3000"
#define CHAIN_FORMAT 5 /* tests/07-network/bench_chain.c's: the same chains, the same cache */
#define HEIGHT 10000
#define PORT 18533
#define DEADLINE_S 600.0

static const gchar *const FILES[] = {"blockchain_" BENCH_NODE ".db", "chainstate_" BENCH_NODE ".db",
                                     "wallet_" BENCH_NODE ".dat"};
static const gint32 SNAPSHOTS[] = {0, 100, 200, 400, 1000, 10000};

static gchar *bench_dir, *cli_program;
static GString *tsv; /* ch08_chain.tsv: chapter 7's bench_chain table, for chapter 8 */

static gdouble now(void)
{
    return (gdouble)g_get_monotonic_time() / G_USEC_PER_SEC;
}

/* The copy replaces the file whole (CONSISTENT) and is synced to disk (DURABLE): else the first
 * fsync of the program under test writes the whole copied file back, and its time grows with the
 * file (send -mine's did, twofold). */
static void copy_file(const gchar *from, const gchar *to)
{
    gchar *data = NULL;
    gsize len = 0;
    g_autoptr(GError) error = NULL;
    if (!g_file_get_contents(from, &data, &len, &error) ||
        !g_file_set_contents_full(to, data, (gssize)len,
                                  G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                  0600, &error))
        g_error("cannot copy %s to %s: %s", from, to, error->message);
    g_free(data);
}

static void copy_node(const gchar *from_dir, const gchar *to_dir)
{
    g_mkdir_with_parents(to_dir, 0700);
    for (guint i = 0; i < G_N_ELEMENTS(FILES); i++) {
        g_autofree gchar *from = g_build_filename(from_dir, FILES[i], NULL);
        g_autofree gchar *to = g_build_filename(to_dir, FILES[i], NULL);
        copy_file(from, to);
    }
}

static gchar *snapshot_dir(gint32 height)
{
    return g_strdup_printf("%s/chains/v%d-%d", bench_dir, CHAIN_FORMAT, height);
}

/* Builds genesis and 10,000 blocks, copying the node's files at every height in SNAPSHOTS. Each
 * block holds a coinbase to A and A's signed spend of the previous coinbase and of its own last
 * output, all back to A: the set stays at two records, so that what grows is the chain alone (B
 * is in the wallet file for the CLI's send). */
static void build_chains(void)
{
    g_autofree gchar *last = snapshot_dir(SNAPSHOTS[G_N_ELEMENTS(SNAPSHOTS) - 1]);
    g_autofree gchar *marker = g_build_filename(last, FILES[0], NULL);
    if (g_file_test(marker, G_FILE_TEST_EXISTS))
        return;
    g_print("building the benchmark chains (once, cached in %s/chains)...\n", bench_dir);
    gdouble start = now();
    g_autofree gchar *work = g_strdup_printf("%s/chains/work", bench_dir);
    g_mkdir_with_parents(work, 0700);
    for (guint i = 0; i < G_N_ELEMENTS(FILES); i++) {
        g_autofree gchar *path = g_build_filename(work, FILES[i], NULL);
        g_unlink(path);
    }
    g_autoptr(GError) error = NULL;
    g_autoptr(Wallets) wallets = wallets_new();
    /* One wallet only: the CLI benchmarks send from the wallet file's first address, and a
     * file lists its addresses in sorted order, not in the order they were made. */
    g_autofree gchar *a = wallets_create_wallet(wallets, &error);
    g_assert_no_error(error);
    g_autofree gchar *wallet_path = g_build_filename(work, FILES[2], NULL);
    g_assert(wallets_save(wallets, wallet_path, &error));
    const Wallet *alice = wallets_get_wallet(wallets, a);
    guint8 to_a[BC_RIPEMD160_LEN];
    wallet_hash_pubkey(wallet_public_key(alice), to_a);
    g_autofree gchar *db = g_build_filename(work, FILES[0], NULL);
    Blockchain *bc = blockchain_create(db, a, BENCH_BITS, &error);
    g_assert_no_error(error);
    g_autoptr(Block) genesis = blockchain_get_block(bc, bc->tip, &error);
    g_assert_no_error(error);
    Transaction *previous = g_ptr_array_steal_index(genesis->transactions, 0);
    Transaction *gathered = NULL; /* A's last spend, whose output 0 is all A had */
    guint next = 0;
    for (gint32 h = 0; h <= SNAPSHOTS[G_N_ELEMENTS(SNAPSHOTS) - 1]; h++) {
        if (h > 0) {
            g_autoptr(GPtrArray) txs =
                g_ptr_array_new_with_free_func((GDestroyNotify)transaction_free);
            Transaction *coinbase = transaction_new_coinbase(a, NULL, &error);
            g_assert_no_error(error);
            /* A gathers the previous coinbase and its own last output into one: the set stays
             * at a few records, so what grows is the chain alone. */
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
            g_assert(transaction_sign(spend, alice, spent, &error));
            transaction_set_id(spend);
            g_autoptr(GBytes) kept = transaction_serialize(spend);
            transaction_free(gathered);
            gathered = transaction_deserialize(kept, &error);
            g_ptr_array_add(txs, coinbase);
            g_ptr_array_add(txs, spend);
            g_autoptr(Block) block = blockchain_mine_block(bc, txs, &error);
            g_assert_no_error(error);
            g_assert(block != NULL);
            g_autoptr(GBytes) raw = transaction_serialize(coinbase);
            transaction_free(previous);
            previous = transaction_deserialize(raw, &error);
        }
        if (next < G_N_ELEMENTS(SNAPSHOTS) && h == SNAPSHOTS[next]) {
            blockchain_close(bc);
            g_autofree gchar *dir = snapshot_dir(h);
            copy_node(work, dir);
            bc = blockchain_open(db, TRUE, BENCH_BITS, &error);
            g_assert_no_error(error);
            next++;
        }
    }
    transaction_free(previous);
    transaction_free(gathered);
    blockchain_close(bc);
    g_print("built in %.1f s\n", now() - start);
}

/* The ceiling: what the checks alone allow, without the network (as chapter 7's
 * bench_chain.c measures it). */
/* A fresh node (genesis only) imports the first N blocks of the cached chain; returns seconds. */
static gdouble import(gint32 n, guint *signatures)
{
    g_autofree gchar *source_dir = snapshot_dir(n);
    g_autofree gchar *fresh_dir = g_strdup_printf("%s/run/import-%d", bench_dir, n);
    g_autofree gchar *genesis_dir = snapshot_dir(0);
    copy_node(genesis_dir, fresh_dir);
    g_autofree gchar *source_db = g_build_filename(source_dir, FILES[0], NULL);
    g_autofree gchar *fresh_db = g_build_filename(fresh_dir, FILES[0], NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(Blockchain) source = blockchain_open(source_db, FALSE, BENCH_BITS, &error);
    g_assert_no_error(error);
    g_autoptr(Blockchain) fresh = blockchain_open(fresh_db, TRUE, BENCH_BITS, &error);
    g_assert_no_error(error);
    /* What the peer sends: the serialized blocks, read before the clock starts. */
    g_autoptr(GPtrArray) sent = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
    for (gint32 h = 1; h <= n; h++) {
        guint8 hash[BC_HASH_LEN];
        g_assert(blockchain_get_hash_at(source, h, hash, &error));
        g_autoptr(Block) block = blockchain_get_block(source, hash, &error);
        g_assert_no_error(error);
        g_ptr_array_add(sent, block_serialize(block));
    }
    *signatures = 0;
    gdouble start = now();
    for (guint i = 0; i < sent->len; i++) {
        g_autoptr(Block) block = block_deserialize(g_ptr_array_index(sent, i), &error);
        g_assert_no_error(error);
        if (!validation_check_block(fresh, block, &error) ||
            !blockchain_add_block(fresh, block, &error))
            g_error("import of block %u: %s", i + 1, error->message);
        for (guint t = 1; t < block->transactions->len; t++)
            *signatures += ((Transaction *)g_ptr_array_index(block->transactions, t))->vin->len;
    }
    g_assert(blockchain_sync(fresh, &error));
    return now() - start;
}

/* Node ID's files in DIR: the cached chain of HEIGHT blocks under that NODE_ID. */
static void place_chain(gint32 height, const gchar *dir, const gchar *id)
{
    g_autofree gchar *from_dir = snapshot_dir(height);
    static const gchar *const names[] = {"blockchain", "chainstate", "wallet"};
    static const gchar *const ext[] = {"db", "db", "dat"};
    for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
        g_autofree gchar *from = g_build_filename(from_dir, FILES[i], NULL);
        g_autofree gchar *to = g_strdup_printf("%s/%s_%s.%s", dir, names[i], id, ext[i]);
        copy_file(from, to);
    }
}

typedef struct {
    GSubprocess *proc;
    gint fd;
    GString *pending;
} Running;

/* Every node running: all their pipes are read, so that none blocks on a full one. */
static GPtrArray *running;

/* Reads what is there from R (non-blocking after poll); FALSE at its end. */
static gboolean drain(Running *r)
{
    gchar buf[65536];
    gssize got = read(r->fd, buf, sizeof buf);
    if (got <= 0)
        return FALSE;
    g_string_append_len(r->pending, buf, got);
    return TRUE;
}

/* Starts PROGRAM ARGS as node ID in DIR, its output on a pipe we read. */
static Running *start(const gchar *program, const gchar *dir, const gchar *id,
                      const gchar *central, const gchar *const *args)
{
    gint fds[2];
    g_autoptr(GError) error = NULL;
    if (!g_unix_open_pipe(fds, FD_CLOEXEC, &error))
        g_error("pipe: %s", error->message);
    g_autoptr(GSubprocessLauncher) launcher =
        g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDERR_MERGE);
    g_subprocess_launcher_take_stdout_fd(launcher, fds[1]);
    g_subprocess_launcher_set_cwd(launcher, dir);
    g_subprocess_launcher_setenv(launcher, "NODE_ID", id, TRUE);
    g_subprocess_launcher_setenv(launcher, "BC_TARGET_BITS", "8", TRUE);
    g_subprocess_launcher_setenv(launcher, "BC_CENTRAL_NODE", central, TRUE);
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_ptr_array_add(argv, (gpointer)program);
    g_ptr_array_add(argv, "startnode");
    for (guint i = 0; args != NULL && args[i] != NULL; i++)
        g_ptr_array_add(argv, (gpointer)args[i]);
    g_ptr_array_add(argv, NULL);
    Running *r = g_new0(Running, 1);
    r->proc = g_subprocess_launcher_spawnv(launcher, (const gchar *const *)argv->pdata, &error);
    if (r->proc == NULL)
        g_error("cannot start %s: %s", program, error->message);
    r->fd = fds[0];
    r->pending = g_string_new(NULL);
    g_ptr_array_add(running, r);
    return r;
}

/* Reads every node's output until a line of R holds NEEDLE (ends with it, when AT_END); FALSE
 * when R exits or the deadline passes. The others' lines are read and dropped. */
static gboolean wait_line(Running *r, const gchar *needle, gboolean at_end)
{
    gdouble deadline = now() + DEADLINE_S;
    while (now() < deadline) {
        struct pollfd p[8];
        guint n = MIN(running->len, G_N_ELEMENTS(p));
        for (guint i = 0; i < n; i++)
            p[i] = (struct pollfd){.fd = ((Running *)g_ptr_array_index(running, i))->fd,
                                   .events = POLLIN};
        if (poll(p, n, 200) <= 0)
            continue;
        for (guint i = 0; i < n; i++) {
            Running *other = g_ptr_array_index(running, i);
            if (!(p[i].revents & (POLLIN | POLLHUP)))
                continue;
            if (!drain(other)) {
                if (other == r)
                    return FALSE;
                continue;
            }
            gchar *nl;
            while ((nl = strchr(other->pending->str, '\n')) != NULL) {
                *nl = '\0';
                gboolean found = other == r && (at_end ? g_str_has_suffix(other->pending->str, needle)
                                                       : strstr(other->pending->str, needle) != NULL);
                g_string_erase(other->pending, 0, nl - other->pending->str + 1);
                if (found)
                    return TRUE;
            }
        }
    }
    return FALSE;
}

static void stop(Running *r)
{
    g_ptr_array_remove(running, r);
    g_subprocess_send_signal(r->proc, SIGTERM);
    /* Read to the end: a node blocked on a full pipe would never see its SIGTERM. */
    while (drain(r))
        g_string_truncate(r->pending, 0);
    g_subprocess_wait(r->proc, NULL, NULL);
    g_object_unref(r->proc);
    close(r->fd);
    g_string_free(r->pending, TRUE);
    g_free(r);
}

/* The peak resident set of R's process in KiB (VmHWM), read from the kernel while it runs. */
static gint64 peak_rss_kib(Running *r)
{
    const gchar *pid = g_subprocess_get_identifier(r->proc);
    g_autofree gchar *path = g_strdup_printf("/proc/%s/status", pid != NULL ? pid : "0");
    g_autofree gchar *text = NULL;
    if (!g_file_get_contents(path, &text, NULL, NULL))
        return 0;
    const gchar *line = strstr(text, "VmHWM:");
    return line != NULL ? g_ascii_strtoll(line + strlen("VmHWM:"), NULL, 10) : 0;
}

/* A fresh node syncs HEIGHT blocks from N_SOURCES nodes that have them; blocks/s, or 0 when it
 * did not get there; its peak RSS in KiB into RSS_KIB when not NULL. CHAPTER 7 uses PROGRAM's
 * chapter 7 command line (a central node). */
static gdouble sync_at(const gchar *program, gboolean chapter7, guint n_sources, gint32 height,
                       gint64 *rss_kib)
{
    g_autoptr(GError) error = NULL;
    g_autofree gchar *dir = g_dir_make_tmp("bc-sync-XXXXXX", &error);
    g_assert_no_error(error);
    g_autoptr(GPtrArray) sources = g_ptr_array_new();
    g_autoptr(GPtrArray) fresh_args = g_ptr_array_new_with_free_func(g_free);
    g_autofree gchar *central = NULL;
    gchar fresh_id[16];
    if (chapter7) {
        /* Two ports the kernel says are free on 127.0.0.1, where chapter 7 nodes listen. */
        guint16 ports[2];
        g_autoptr(GSocketListener) probe = g_socket_listener_new();
        for (guint i = 0; i < 2; i++) {
            ports[i] = g_socket_listener_add_any_inet_port(probe, NULL, &error);
            g_assert_no_error(error);
        }
        g_socket_listener_close(probe);
        g_autofree gchar *id = g_strdup_printf("%u", ports[0]);
        central = g_strdup_printf("localhost:%u", ports[0]);
        g_snprintf(fresh_id, sizeof fresh_id, "%u", ports[1]);
        place_chain(height, dir, id);
        g_ptr_array_add(sources, start(program, dir, id, central, NULL));
    } else {
        central = g_strdup_printf("127.0.0.120:%u", PORT);
        g_snprintf(fresh_id, sizeof fresh_id, "%u", 120 + n_sources);
        for (guint i = 0; i < n_sources; i++) {
            g_autofree gchar *id = g_strdup_printf("%u", 120 + i);
            g_autofree gchar *listen = g_strdup_printf("127.0.0.%u:%u", 120 + i, PORT);
            const gchar *args[] = {"-listen", listen, NULL};
            place_chain(height, dir, id);
            g_ptr_array_add(sources, start(program, dir, id, central, args));
            g_ptr_array_add(fresh_args, g_strdup("-connect"));
            g_ptr_array_add(fresh_args, g_strdup(listen));
        }
        g_ptr_array_add(fresh_args, g_strdup("-listen"));
        g_ptr_array_add(fresh_args, g_strdup_printf("127.0.0.%u:%u", 120 + n_sources, PORT));
    }
    g_ptr_array_add(fresh_args, NULL);
    for (guint i = 0; i < sources->len; i++)
        if (!wait_line(g_ptr_array_index(sources, i), "listening on", FALSE))
            g_error("a source node did not start");
    place_chain(0, dir, fresh_id);
    gdouble t0 = now();
    Running *fresh = start(program, dir, fresh_id, central,
                           (const gchar *const *)fresh_args->pdata);
    g_autofree gchar *needle = g_strdup_printf(" at height %d", height);
    gboolean done = wait_line(fresh, needle, TRUE);
    gdouble seconds = now() - t0;
    if (rss_kib != NULL)
        *rss_kib = peak_rss_kib(fresh);
    stop(fresh);
    for (guint i = 0; i < sources->len; i++)
        stop(g_ptr_array_index(sources, i));
    g_autofree gchar *rm = g_strdup_printf("rm -rf '%s'", dir);
    if (system(rm) != 0)
        g_printerr("could not remove %s\n", dir);
    return done ? height / seconds : 0;
}

static gdouble sync_rate(const gchar *program, gboolean chapter7, guint n_sources)
{
    return sync_at(program, chapter7, n_sources, HEIGHT, NULL);
}

static void row(const gchar *what, gdouble value, const gchar *unit, const gchar *note)
{
    g_print("  %-46s %14.3f %-10s %s\n", what, value, unit, note != NULL ? note : "");
    g_string_append_printf(tsv, "%s\t%.6f\t%s\t%s\n", what, value, unit, note != NULL ? note : "");
}

/* Raw Nettle: ecdsa_verify of one valid signature, point and signature set up once (as
 * tests/07-network/bench_chain.c measures it), for about a second. */
static gdouble raw_verify_rate(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(Wallet) w = wallet_new(&error);
    g_assert_no_error(error);
    guint8 digest[BC_HASH_LEN] = {1, 2, 3}, sig[WALLET_SIGNATURE_LEN];
    g_assert(wallet_sign(w, digest, sig, &error));
    const guint8 *pub = wallet_public_key(w);
    mpz_t x, y;
    nettle_mpz_init_set_str_256_u(x, 32, pub);
    nettle_mpz_init_set_str_256_u(y, 32, pub + 32);
    struct ecc_point point;
    ecc_point_init(&point, nettle_get_secp_256r1());
    g_assert(ecc_point_set(&point, x, y));
    struct dsa_signature s;
    dsa_signature_init(&s);
    nettle_mpz_set_str_256_u(s.r, 32, sig);
    nettle_mpz_set_str_256_u(s.s, 32, sig + 32);
    guint n = 0;
    gdouble start = now(), elapsed = 0;
    do {
        for (guint i = 0; i < 100; i++)
            g_assert(ecdsa_verify(&point, BC_HASH_LEN, digest, &s));
        n += 100;
        elapsed = now() - start;
    } while (elapsed < 1.0);
    dsa_signature_clear(&s);
    ecc_point_clear(&point);
    mpz_clears(x, y, NULL);
    return n / elapsed;
}

/* Runs chapter 8's program with ARGS in DIR as node BENCH_NODE; its wall time in seconds. */
static gdouble run_cli(const gchar *dir, const gchar *const *args)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_ptr_array_add(argv, cli_program);
    for (guint i = 0; args[i] != NULL; i++)
        g_ptr_array_add(argv, (gpointer)args[i]);
    g_ptr_array_add(argv, NULL);
    g_auto(GStrv) envp = g_get_environ();
    envp = g_environ_setenv(envp, "NODE_ID", BENCH_NODE, TRUE);
    g_autofree gchar *bits = g_strdup_printf("%d", BENCH_BITS);
    envp = g_environ_setenv(envp, "BC_TARGET_BITS", bits, TRUE);
    gint status = 0;
    g_autoptr(GError) error = NULL;
    g_autofree gchar *err = NULL;
    gdouble start = now();
    if (!g_spawn_sync(dir, (gchar **)argv->pdata, envp, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                      NULL, &err, &status, &error) ||
        !g_spawn_check_wait_status(status, &error))
        g_error("%s %s: %s %s", cli_program, args[0], error->message, err != NULL ? err : "");
    return now() - start;
}

static gchar *first_address(const gchar *dir)
{
    g_autofree gchar *path = g_build_filename(dir, FILES[2], NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(Wallets) wallets = wallets_load(path, &error);
    g_assert_no_error(error);
    g_auto(GStrv) addresses = wallets_get_addresses(wallets);
    return g_strdup(addresses[0]);
}

/* The best of three runs of a command (the machine is shared: one run may wait for a core). */
static gdouble best_of_three(const gchar *dir, const gchar *const *args)
{
    gdouble best = G_MAXDOUBLE;
    for (guint i = 0; i < 3; i++)
        best = MIN(best, run_cli(dir, args));
    return best;
}

/* getbalance, send -mine, printchain and reindexutxo on a copy of the cached chain of N blocks. */
static void cli_times(gint32 n, gdouble out[4])
{
    g_autofree gchar *source = snapshot_dir(n);
    g_autofree gchar *dir = g_strdup_printf("%s/run/ch08-cli-%d", bench_dir, n);
    copy_node(source, dir);
    g_autofree gchar *a = first_address(dir);
    out[0] = best_of_three(dir, (const gchar *const[]){"getbalance", "-address", a, NULL});
    /* Each send adds a block: three in a row differ by a block, nothing to a chain of 100+. */
    out[1] = best_of_three(
        dir, (const gchar *const[]){"send", "-from", a, "-to", a, "-amount", "1", "-mine", NULL});
    out[2] = best_of_three(dir, (const gchar *const[]){"printchain", NULL});
    out[3] = best_of_three(dir, (const gchar *const[]){"reindexutxo", NULL});
}

int main(int argc, char **argv)
{
    (void)argc;
    g_autofree gchar *self = g_canonicalize_filename(argv[0], NULL);
    g_autofree gchar *out_dir = g_path_get_dirname(self);
    g_autofree gchar *build = g_path_get_dirname(out_dir);
    bench_dir = g_build_filename(build, "bench", NULL);
    g_autofree gchar *program = g_build_filename(out_dir, "blockchain", NULL);
    cli_program = program;
    tsv = g_string_new("measure\tvalue\tunit\tnote\n");
    g_autofree gchar *program7 = g_build_filename(build, "07-network", "blockchain", NULL);
    g_mkdir_with_parents(bench_dir, 0700);
    g_setenv("BC_TARGET_BITS", "8", TRUE);
    running = g_ptr_array_new();
    build_chains();

    g_print("chapter 8 sync of %d blocks from genesis (loopback)\n", HEIGHT);
    gboolean have7 = g_file_test(program7, G_FILE_TEST_IS_EXECUTABLE);
    gdouble ch7 = have7 ? sync_rate(program7, TRUE, 1) : 0;
    gdouble one = sync_rate(program, FALSE, 1);
    gdouble three = sync_rate(program, FALSE, 3);
    guint signatures = 0;
    gdouble ceiling = HEIGHT / import(HEIGHT, &signatures);
    g_print("  %-40s %10s %14s\n", "", "blocks/s", "x chapter 7");
    if (have7)
        g_print("  %-40s %10.0f %14s\n", "chapter 7, from its central node", ch7, "1.00");
    else
        g_print("  chapter 7: no %s ('make ch07' first): no reference\n", program7);
    g_print("  %-40s %10.0f %14.2f\n", "chapter 8, from one peer", one, ch7 > 0 ? one / ch7 : 0);
    g_print("  %-40s %10.0f %14.2f\n", "chapter 8, from three peers at once", three,
            ch7 > 0 ? three / ch7 : 0);
    g_print("  %-40s %10.0f %14.2f\n", "the checks alone (import, no network)", ceiling,
            ch7 > 0 ? ceiling / ch7 : 0);
    g_print("  (chapter 8 from one peer: %.2f of what the checks alone allow)\n", one / ceiling);
    g_print("  (goal: chapter 8 >= 3x chapter 7; 0 blocks/s: it did not get there in %.0f s)\n",
            DEADLINE_S);
    /* Since chapter 7 asks for the next block while it checks one, it runs at more than half the
     * rate of the checks alone, and no network can go faster than those checks. */
    if (ch7 > 0)
        g_print("  (no sync can beat the checks alone: %.2fx chapter 7 is the most there is; "
                "chapter 8 from one peer reaches %.0f%% of that)\n",
                ceiling / ch7, 100 * one / ceiling);
    g_autofree gchar *path = g_build_filename(bench_dir, "ch08_sync.tsv", NULL);
    g_autofree gchar *sync_tsv = g_strdup_printf("measure\tblocks_per_s\tx_chapter_7\n"
                                            "chapter 7, central node\t%.1f\t1\n"
                                            "chapter 8, one peer\t%.1f\t%.2f\n"
                                            "chapter 8, three peers\t%.1f\t%.2f\n"
                                            "checks alone, no network\t%.1f\t%.2f\n",
                                            ch7, one, ch7 > 0 ? one / ch7 : 0, three,
                                            ch7 > 0 ? three / ch7 : 0, ceiling,
                                            ch7 > 0 ? ceiling / ch7 : 0);
    g_autoptr(GError) error = NULL;
    if (!g_file_set_contents(path, sync_tsv, -1, &error))
        g_error("%s", error->message);
    g_print("  (written to %s)\n", path);

    /* Chapter 7's bench_chain table, for chapter 8: the network sync at 1,000 and 10,000 blocks
     * from one peer, its signature checks beside raw Nettle, the CLI, the syncing node's RSS. */
    g_print("chapter 8, the same chains (one signed transaction and a coinbase per block)\n");
    gint64 rss_1k = 0, rss_10k = 0;
    gdouble r_1k = sync_at(program, FALSE, 1, 1000, &rss_1k);
    gdouble r_10k = sync_at(program, FALSE, 1, HEIGHT, &rss_10k);
    gdouble raw = raw_verify_rate();
    row("sync 1,000 blocks from one peer", r_1k, "blocks/s", NULL);
    row("sync 10,000 blocks from one peer", r_10k, "blocks/s", "goal >= 1,000");
    row("per-block time, 10,000 over 1,000", r_10k > 0 ? r_1k / r_10k : 0, "ratio",
        "goal <= 1.3");
    /* The 10,000 blocks hold SIGNATURES inputs (counted by the import above): each one checked. */
    gdouble during = r_10k * signatures / HEIGHT;
    row("raw Nettle ecdsa_verify", raw, "verify/s", "same run");
    row("signature checks during the 10,000 sync", during, "verify/s", NULL);
    row("signature checks, sync over raw", during / raw, "ratio",
        "chapter 7's goal >= 0.15; chapter 8 higher");
    gdouble small[4], large[4];
    cli_times(100, small);
    cli_times(HEIGHT, large);
    const gchar *names[] = {"getbalance", "send -mine", "printchain", "reindexutxo"};
    for (guint i = 0; i < 4; i++) {
        g_autofree gchar *a = g_strdup_printf("%s at 100 blocks", names[i]);
        g_autofree gchar *b = g_strdup_printf("%s at 10,000 blocks", names[i]);
        g_autofree gchar *c = g_strdup_printf("%s, 10,000 over 100", names[i]);
        row(a, small[i] * 1000, "ms", NULL);
        row(b, large[i] * 1000, "ms", i == 0 ? "goal < 10 ms" : NULL);
        row(c, large[i] / small[i], "ratio", i < 2 ? "goal <= 1.5" : "linear: up to 100");
    }
    row("peak RSS of the node syncing 1,000 blocks", rss_1k / 1024.0, "MiB", "VmHWM");
    row("peak RSS of the node syncing 10,000 blocks", rss_10k / 1024.0, "MiB", "VmHWM");
    g_autofree gchar *chain_path = g_build_filename(bench_dir, "ch08_chain.tsv", NULL);
    if (!g_file_set_contents(chain_path, tsv->str, (gssize)tsv->len, &error))
        g_error("%s", error->message);
    g_print("  (written to %s)\n", chain_path);
    g_string_free(tsv, TRUE);
    return 0;
}
