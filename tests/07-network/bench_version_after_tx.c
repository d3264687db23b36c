/* bench_version_after_tx.c: how long a running node takes to answer a `version` sent right after
 * a 1 MiB transaction of random inputs (issue 9, point 6: within 100 ms), beside the time it
 * takes to answer a `version` with nothing before it, measured in the same run, as a ratio.
 *
 * The node is the real binary (startnode) on a chain of its own (the 10,000-block chain that
 * bench_chain caches, when it is there; else one of a single mined block). We claim a listening
 * port of ours as the sender, with height 0: a node with a longer chain answers with its own
 * version, on a connection to us. A sample is the time from the moment our version is written
 * until the node's answer has arrived; with the transaction, that version is written right after
 * the transaction's last byte, while the node may still be reading or checking it (a node that
 * froze on the transaction would answer late). Also shown: the time from the transaction's first
 * byte to the answer, the transfer of 1 MiB over loopback included.
 * Prints a table and writes BUILD/bench/ch07_version_after_tx.tsv. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "bc_random.h"
#include "message.h"
#include "node.h"
#include "transaction.h"
#include "wallet.h"

#define SAMPLES 15
#define BITS "8"

static gchar *program, *run_dir;
static guint16 node_port, our_port;
static GSocket *listener;

static gdouble now(void)
{
    return (gdouble)g_get_monotonic_time() / G_USEC_PER_SEC;
}

static guint16 free_port(void)
{
    g_autoptr(GSocket) s =
        g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
    g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
    g_autoptr(GSocketAddress) any = g_inet_socket_address_new(loopback, 0);
    g_assert(g_socket_bind(s, any, FALSE, NULL));
    g_autoptr(GSocketAddress) bound = g_socket_get_local_address(s, NULL);
    return g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(bound));
}

static gchar **env_for(void)
{
    gchar **env = g_get_environ();
    g_autofree gchar *id = g_strdup_printf("%u", node_port);
    g_autofree gchar *central = g_strdup_printf("localhost:%u", node_port);
    env = g_environ_setenv(env, "NODE_ID", id, TRUE);
    env = g_environ_setenv(env, "BC_CENTRAL_NODE", central, TRUE);
    return g_environ_setenv(env, "BC_TARGET_BITS", BITS, TRUE);
}

/* Runs "blockchain ARGS" in the run directory; its output, or aborts. */
static gchar *cli(const gchar *const *args)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_ptr_array_add(argv, program);
    for (guint i = 0; args[i] != NULL; i++)
        g_ptr_array_add(argv, (gpointer)args[i]);
    g_ptr_array_add(argv, NULL);
    g_auto(GStrv) env = env_for();
    gchar *out = NULL;
    gint status = 0;
    g_autoptr(GError) error = NULL;
    if (!g_spawn_sync(run_dir, (gchar **)argv->pdata, env, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                      &out, NULL, &status, &error) ||
        !g_spawn_check_wait_status(status, &error))
        g_error("blockchain %s: %s", args[0], error->message);
    return out;
}

/* The node's chain: a copy of bench_chain's 10,000 blocks, renamed for our node, or a new one. */
static const gchar *make_chain(const gchar *bench_dir)
{
    static const gchar *const kinds[] = {"blockchain", "chainstate", "wallet"};
    g_autofree gchar *pattern_dir = g_build_filename(bench_dir, "chains", NULL);
    g_autoptr(GDir) chains = g_dir_open(pattern_dir, 0, NULL);
    const gchar *name;
    while (chains != NULL && (name = g_dir_read_name(chains)) != NULL) {
        if (!g_str_has_suffix(name, "-10000"))
            continue;
        for (guint i = 0; i < G_N_ELEMENTS(kinds); i++) {
            g_autofree gchar *from_name =
                g_strdup_printf("%s_3000.%s", kinds[i], i < 2 ? "db" : "dat");
            g_autofree gchar *to_name =
                g_strdup_printf("%s_%u.%s", kinds[i], node_port, i < 2 ? "db" : "dat");
            g_autofree gchar *from = g_build_filename(pattern_dir, name, from_name, NULL);
            g_autofree gchar *to = g_build_filename(run_dir, to_name, NULL);
            gchar *data = NULL;
            gsize len = 0;
            if (!g_file_get_contents(from, &data, &len, NULL))
                g_error("cannot read %s", from);
            g_assert(g_file_set_contents(to, data, (gssize)len, NULL));
            g_free(data);
        }
        return "10,000 blocks (bench_chain's)";
    }
    g_autofree gchar *created = cli((const gchar *const[]){"createwallet", NULL});
    g_autofree gchar *address = g_strstrip(g_strdup(created + strlen("Your new address: ")));
    g_free(cli((const gchar *const[]){"createblockchain", "-address", address, NULL}));
    g_free(cli((const gchar *const[]){"send", "-from", address, "-to", address, "-amount", "1",
                                      "-mine", NULL}));
    return "1 block (no bench_chain cache)";
}

/* Connects to the node, writes WIRE and closes: one message, as chapter 7's nodes send them. */
static void send_message(GBytes *wire)
{
    g_autoptr(GSocketClient) client = g_socket_client_new();
    g_socket_client_set_enable_proxy(client, FALSE);
    g_autofree gchar *address = g_strdup_printf("127.0.0.1:%u", node_port);
    g_autoptr(GError) error = NULL;
    g_autoptr(GSocketConnection) c =
        g_socket_client_connect_to_host(client, address, 0, NULL, &error);
    if (c == NULL)
        g_error("cannot reach the node: %s", error->message);
    GOutputStream *out = g_io_stream_get_output_stream(G_IO_STREAM(c));
    g_output_stream_write_all(out, g_bytes_get_data(wire, NULL), g_bytes_get_size(wire), NULL, NULL,
                              NULL);
    g_io_stream_close(G_IO_STREAM(c), NULL, NULL);
}

/* Waits for the node's next message to us, and checks that it is a version. */
static void receive_version(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GSocket) peer = g_socket_accept(listener, NULL, &error);
    if (peer == NULL)
        g_error("no answer from the node: %s", error->message);
    g_socket_set_timeout(peer, 30);
    g_autoptr(GByteArray) data = g_byte_array_new();
    guint8 buffer[4096];
    gssize n;
    while ((n = g_socket_receive(peer, (gchar *)buffer, sizeof buffer, NULL, &error)) > 0)
        g_byte_array_append(data, buffer, (guint)n);
    g_autoptr(GBytes) wire = g_byte_array_free_to_bytes(g_steal_pointer(&data));
    g_autoptr(Message) m = message_decode(wire, &error);
    if (m == NULL || m->type != MESSAGE_VERSION)
        g_error("the node answered with something else than a version");
}

/* 1 MiB of random inputs, as bench_chain's refused transaction: 5,900 of them. */
static GBytes *big_tx_message(const gchar *from)
{
    g_autoptr(Transaction) tx = transaction_new();
    guint8 to[BC_RIPEMD160_LEN] = {0};
    transaction_add_output(tx, 1, to);
    for (guint i = 0; i < 5900; i++) {
        guint8 bytes[BC_HASH_LEN + WALLET_PUBLIC_KEY_LEN + WALLET_SIGNATURE_LEN];
        g_assert(bc_random_bytes(bytes, sizeof bytes, NULL));
        transaction_add_input(tx, bytes, 0, bytes + BC_HASH_LEN, WALLET_PUBLIC_KEY_LEN);
        TxInput *in = g_ptr_array_index(tx->vin, tx->vin->len - 1);
        g_bytes_unref(in->signature);
        in->signature =
            g_bytes_new(bytes + BC_HASH_LEN + WALLET_PUBLIC_KEY_LEN, WALLET_SIGNATURE_LEN);
    }
    transaction_set_id(tx);
    g_autoptr(GBytes) raw = transaction_serialize(tx);
    g_assert(g_bytes_get_size(raw) <= TRANSACTION_MAX_SIZE);
    return message_encode_tx(from, raw);
}

/* One sample: seconds from our version to the node's answer, with BEFORE (or nothing) sent
 * first; in *WHOLE, from BEFORE's first byte. */
static gdouble answer_time(GBytes *before, GBytes *version, gdouble *whole)
{
    gdouble first = now();
    if (before != NULL)
        send_message(before);
    gdouble start = now();
    send_message(version);
    receive_version();
    gdouble end = now();
    if (whole != NULL)
        *whole = end - first;
    return end - start;
}

static int compare(gconstpointer a, gconstpointer b)
{
    gdouble x = *(const gdouble *)a, y = *(const gdouble *)b;
    return (x > y) - (x < y);
}

static gdouble median(gdouble *v, gsize n)
{
    qsort(v, n, sizeof *v, compare);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
    (void)argc;
    g_autofree gchar *self = g_canonicalize_filename(argv[0], NULL);
    g_autofree gchar *out_dir = g_path_get_dirname(self);
    g_autofree gchar *build = g_path_get_dirname(out_dir);
    g_autofree gchar *bench_dir = g_build_filename(build, "bench", NULL);
    program = g_build_filename(out_dir, "blockchain", NULL);
    run_dir = g_build_filename(bench_dir, "run", "version-after-tx", NULL);
    g_mkdir_with_parents(run_dir, 0700);
    g_autoptr(GDir) old = g_dir_open(run_dir, 0, NULL); /* a previous run's node, other ports */
    for (const gchar *name; old != NULL && (name = g_dir_read_name(old)) != NULL;) {
        g_autofree gchar *path = g_build_filename(run_dir, name, NULL);
        g_unlink(path);
    }
    node_port = free_port();
    our_port = free_port();
    const gchar *chain = make_chain(bench_dir);

    g_autoptr(GError) error = NULL;
    GSocket *s =
        g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
    g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
    g_autoptr(GSocketAddress) ours = g_inet_socket_address_new(loopback, our_port);
    if (s == NULL || !g_socket_bind(s, ours, TRUE, &error) || !g_socket_listen(s, &error))
        g_error("cannot listen: %s", error->message);
    g_socket_set_timeout(s, 30);
    listener = s;

    g_auto(GStrv) env = env_for();
    const gchar *node_argv[] = {program, "startnode", NULL};
    g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new(
        G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
    g_subprocess_launcher_set_environ(launcher, env);
    g_subprocess_launcher_set_cwd(launcher, run_dir);
    g_autoptr(GSubprocess) node = g_subprocess_launcher_spawnv(launcher, node_argv, &error);
    if (node == NULL)
        g_error("cannot start the node: %s", error->message);
    g_autofree gchar *from = g_strdup_printf("localhost:%u", our_port);
    g_autoptr(GBytes) version = message_encode_version(NODE_VERSION, 0, from);
    g_autoptr(GBytes) big = big_tx_message(from);
    /* Until it listens: the first version it answers is the warm-up. */
    for (gint tries = 0;; tries++) {
        g_autoptr(GSocketClient) client = g_socket_client_new();
        g_autofree gchar *address = g_strdup_printf("127.0.0.1:%u", node_port);
        g_autoptr(GSocketConnection) c =
            g_socket_client_connect_to_host(client, address, 0, NULL, NULL);
        if (c != NULL)
            break;
        if (tries > 300)
            g_error("the node does not listen");
        g_usleep(G_USEC_PER_SEC / 20);
    }
    answer_time(NULL, version, NULL);

    gdouble alone[SAMPLES], after[SAMPLES], whole[SAMPLES];
    for (guint i = 0; i < SAMPLES; i++) { /* interleaved, so both see the same machine */
        alone[i] = answer_time(NULL, version, NULL);
        after[i] = answer_time(big, version, &whole[i]);
    }
    gdouble m_alone = median(alone, SAMPLES), m_after = median(after, SAMPLES);
    gdouble m_whole = median(whole, SAMPLES);
    gdouble worst = after[SAMPLES - 1]; /* sorted by median() */
    g_subprocess_send_signal(node, SIGTERM);
    g_subprocess_wait(node, NULL, NULL);

    GString *tsv = g_string_new("measure\tvalue\tunit\tnote\n");
    g_print("chapter 7, a node at %s, median of %d samples each\n", chain, SAMPLES);
    struct {
        const gchar *what;
        gdouble value;
        const gchar *unit, *note;
    } rows[] = {
        {"version answered, nothing before it", m_alone * 1000, "ms", "reference"},
        {"version answered after a 1 MiB random tx", m_after * 1000, "ms", "goal < 100 ms"},
        {"  the slowest of those", worst * 1000, "ms", NULL},
        {"after a 1 MiB tx, over nothing before", m_after / m_alone, "ratio", NULL},
        {"from the tx's first byte to the answer", m_whole * 1000, "ms", "1 MiB sent first"},
        {"  over the answer with nothing before", m_whole / m_alone, "ratio", NULL},
    };
    for (guint i = 0; i < G_N_ELEMENTS(rows); i++) {
        const gchar *note = rows[i].note != NULL ? rows[i].note : "";
        g_print("  %-46s %14.3f %-10s %s\n", rows[i].what, rows[i].value, rows[i].unit, note);
        g_autofree gchar *what = g_strstrip(g_strdup(rows[i].what));
        g_string_append_printf(tsv, "%s\t%.6f\t%s\t%s\n", what, rows[i].value, rows[i].unit, note);
    }
    g_autofree gchar *tsv_path = g_build_filename(bench_dir, "ch07_version_after_tx.tsv", NULL);
    if (!g_file_set_contents(tsv_path, tsv->str, (gssize)tsv->len, &error))
        g_printerr("error: %s\n", error->message);
    else
        g_print("  (written to %s)\n", tsv_path);
    g_string_free(tsv, TRUE);
    g_object_unref(listener);
    g_free(program);
    g_free(run_dir);
    return 0;
}
