/* test_load.c: chapter 8's node under load (issue 11's load suite, adapted to lasting, framed
 * connections). Each test starts a node with a chain of LOAD_CHAIN_BLOCKS blocks and puts one
 * kind of load on it:
 *   - 200 peers connecting at once while the node is busy: all get in at once (the kernel queues
 *     them), 64 become inbound peers (PEERS_MAX_INBOUND) and the other 136 are refused cleanly;
 *   - 20,000 messages from 8 handshaken clients (2,500 pings each, every one answered);
 *   - 500 slow connections that trickle a version a byte at a time: 64 are held until the
 *     handshake timeout, the rest refused;
 *   - a peer that never reads asks for blocks until its send queue passes PEER_MAX_SEND_QUEUE
 *     and it is dropped (at most 2,000 getdata of 500 blocks each), then a second one;
 *   - a frame that announces a 100 MiB payload: refused at its header (MESSAGE_MAX_SIZE).
 * After each: the node answers a new peer's handshake and ping, a fresh node syncs its whole
 * chain, the chain is unchanged, and the node's open files and resident memory come back to
 * within LOAD_FD_SLACK and LOAD_RSS_SLACK_KIB of where they were before. Issue 11 bounds the
 * whole suite to 60 s; each load prints its time and figures (figures, not checks).
 *
 * Under SANITIZE=1 the node runs with LeakSanitizer: stop_node() returning 0 means it found no
 * leak at exit, and the RSS bound is printed but not checked (see below). */
#include "fake_peer.h"

#include <glib/gstdio.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>

#include "peer.h"
#include "peers.h"
#include "sync.h"

/* How far the node may stay above its figures from before the load. File descriptors: none
 * should stay open, a few may still be closing. Memory: malloc keeps some freed memory for
 * later, so RSS does not fall back to the byte. A peer that never reads makes the node hold up
 * to PEER_MAX_SEND_QUEUE bytes of frames (each a block of a few hundred bytes), their
 * bookkeeping and the blocks decoded and encoded to make them; malloc keeps that memory for
 * reuse (measured: +22 to +35 MiB here): three times the queue limit. A second such peer
 * reuses it, and may add only LOAD_RSS_SLACK_REUSE_KIB. */
#define LOAD_FD_SLACK 4
#define LOAD_RSS_SLACK_KIB (16 * 1024)
#define LOAD_RSS_SLACK_QUEUE_KIB (3 * PEER_MAX_SEND_QUEUE / 1024)
#define LOAD_RSS_SLACK_REUSE_KIB (4 * 1024)

/* Under AddressSanitizer freed memory waits in a quarantine of up to 256 MiB before it is
 * reused, so RSS grows with any churn, leak or not: the RSS bound is then only printed, and
 * LeakSanitizer, which fails the node's exit status, is the check that nothing was lost. */
#if defined(__SANITIZE_ADDRESS__)
#define LOAD_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LOAD_UNDER_ASAN 1
#endif
#endif
#ifndef LOAD_UNDER_ASAN
#define LOAD_UNDER_ASAN 0
#endif
#define LOAD_CHAIN_BLOCKS 2
#define LOAD_HANDSHAKE_TIMEOUT_S 2

static gchar *dir;
static guint16 node_port, fresh_port, closed_port;
static Node *node;
static gchar *chain; /* the node's printchain before the load */
/* The node's files as createblockchain left them (genesis only) are kept as this node's: no
 * node runs under this ID, it only names the copy. */
#define GENESIS_ID 1

/* A short handshake timeout; pings far apart, so that no client thread is pinged. */
static const gchar *const load_env[] = {
    "BC_HANDSHAKE_TIMEOUT_S=" G_STRINGIFY(LOAD_HANDSHAKE_TIMEOUT_S), "BC_PING_INTERVAL_S=600",
    "BC_PEER_TIMEOUT_S=1200", NULL};

static gchar *cli_ok(guint16 port, const gchar *const *args)
{
    g_auto(BcRun) run = run_cliv(dir, port, closed_port, args);
    BC_ASSERT_RUN_OK(run);
    return g_steal_pointer(&run.out);
}
#define CLI(port, ...) cli_ok((port), (const gchar *const[]){__VA_ARGS__, NULL})

/* Node FROM's chain (blocks and UTXO set) for node TO. */
static void copy_db(guint16 from, guint16 to)
{
    static const gchar *const files[] = {"blockchain", "chainstate"};
    for (guint i = 0; i < G_N_ELEMENTS(files); i++) {
        g_autofree gchar *src = g_strdup_printf("%s/%s_%u.db", dir, files[i], from);
        g_autofree gchar *dst = g_strdup_printf("%s/%s_%u.db", dir, files[i], to);
        g_assert(bc_test_copy_file(src, dst));
    }
}

/* A chain of LOAD_CHAIN_BLOCKS blocks on genesis, the fresh node given the genesis block, the
 * node started (its own central node is down: nobody listens on closed_port). */
static void setup(void)
{
    dir = bc_test_tmpdir();
    guint16 ports[3];
    free_ports(ports, 3);
    node_port = ports[0], fresh_port = ports[1], closed_port = ports[2];
    node_harness_extra_env = load_env;
    g_autofree gchar *created = CLI(node_port, "createwallet");
    g_autofree gchar *owner = g_strstrip(g_strdup(created + strlen("Your new address: ")));
    g_free(CLI(node_port, "createblockchain", "-address", owner));
    copy_db(node_port, GENESIS_ID);
    for (guint i = 0; i < LOAD_CHAIN_BLOCKS; i++)
        g_free(CLI(node_port, "send", "-from", owner, "-to", owner, "-amount", "1", "-mine"));
    chain = CLI(node_port, "printchain");
    node = start_node(dir, node_port, closed_port, NULL);
    g_autofree gchar *line = wait_log(node, "listening on", NODE_HARNESS_DEADLINE_S);
    CU_ASSERT_PTR_NOT_NULL_FATAL(line);
}

static void teardown(void)
{
    g_clear_pointer(&node, node_free);
    node_harness_extra_env = NULL;
    bc_test_tmpdir_remove(dir);
    g_clear_pointer(&dir, g_free);
    g_clear_pointer(&chain, g_free);
}

/* ---- what the node holds ---- */

/* The running node's process id. */
static GPid node_pid(void)
{
    CU_ASSERT_FALSE_FATAL(node_exited(node));
    return node->pid;
}

/* The node's open file descriptors: the entries of /proc/PID/fd. */
static guint node_fds(void)
{
    g_autofree gchar *path = g_strdup_printf("/proc/%d/fd", node_pid());
    g_autoptr(GDir) fds = g_dir_open(path, 0, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(fds);
    guint n = 0;
    while (g_dir_read_name(fds) != NULL)
        n++;
    return n;
}

/* The node's resident memory in KiB: VmRSS in /proc/PID/status. */
static guint64 node_rss_kib(void)
{
    g_autofree gchar *path = g_strdup_printf("/proc/%d/status", node_pid());
    g_autofree gchar *status = bc_test_read_file(path, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(status);
    const gchar *line = strstr(status, "VmRSS:");
    CU_ASSERT_PTR_NOT_NULL_FATAL(line);
    return g_ascii_strtoull(line + strlen("VmRSS:"), NULL, 10);
}

/* How many lines of the node's log contain TEXT. */
static guint count_lines(const gchar *text)
{
    g_autofree gchar *log = node_log(node);
    guint n = 0;
    for (const gchar *p = log; (p = strstr(p, text)) != NULL; p += strlen(text))
        n++;
    return n;
}

/* Waits until the log holds N lines containing TEXT; the count it reached. */
static guint wait_lines(const gchar *text, guint n)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)(NODE_HARNESS_DEADLINE_S * G_USEC_PER_SEC);
    guint seen;
    while ((seen = count_lines(text)) < n && g_get_monotonic_time() < deadline &&
           !node_exited(node))
        g_usleep(50 * 1000);
    return seen;
}

/* ---- before and after ---- */

/* When the first load began: issue 11 wants the whole suite under 60 s, a figure each load
 * prints (a bound stated, not checked: speed is measured by benchmarks). */
static gint64 suite_start;

typedef struct {
    const gchar *name;
    gint64 start;
    guint fds_before, fds_peak;
    guint64 rss_before, rss_peak;
    guint64 rss_slack_kib; /* LOAD_RSS_SLACK_KIB unless the load says otherwise */
} Load;

/* The node still serves: a new peer's handshake, and a ping answered. */
static void expect_answer(void)
{
    g_autoptr(FakePeer) fake = fake_connect("127.0.0.1", node_port);
    fake_handshake(fake);
    CU_ASSERT_TRUE(fake_ping_ok(fake));
}

/* A node that has only the genesis block (node GENESIS_ID's files) downloads the node's whole
 * chain, and has the same chain after. */
static void fresh_sync(void)
{
    copy_db(GENESIS_ID, fresh_port);
    g_autofree gchar *peer = g_strdup_printf("localhost:%u", node_port);
    Node *fresh =
        start_nodev(dir, fresh_port, node_port, (const gchar *const[]){"-connect", peer, NULL});
    g_autofree gchar *tip = g_strdup_printf("* added block * at height %d", LOAD_CHAIN_BLOCKS);
    g_autofree gchar *synced = wait_log_glob(fresh, tip, NODE_HARNESS_DEADLINE_S);
    CU_ASSERT_PTR_NOT_NULL(synced);
    CU_ASSERT_EQUAL(stop_node(fresh), 0);
    node_free(fresh);
    g_auto(BcRun) run = run_cli(dir, fresh_port, closed_port, "printchain");
    BC_ASSERT_RUN_OK(run);
    CU_ASSERT_STRING_EQUAL(run.out, chain);
}

/* The figures before, taken after one sync, so that what a sync allocates once counts. */
static void load_begin(Load *load, const gchar *name)
{
    load->name = name;
    expect_answer();
    fresh_sync();
    load->fds_before = load->fds_peak = node_fds();
    load->rss_before = load->rss_peak = node_rss_kib();
    load->rss_slack_kib = LOAD_RSS_SLACK_KIB;
    load->start = g_get_monotonic_time();
    if (suite_start == 0)
        suite_start = load->start;
}

static void load_sample(Load *load)
{
    load->fds_peak = MAX(load->fds_peak, node_fds());
    load->rss_peak = MAX(load->rss_peak, node_rss_kib());
}

/* The node's files back within LOAD_FD_SLACK (waiting for its timeouts), then the checks. */
static void load_end(Load *load)
{
    gdouble seconds = (gdouble)(g_get_monotonic_time() - load->start) / G_USEC_PER_SEC;
    load_sample(load);
    gint64 deadline = g_get_monotonic_time() + (gint64)(NODE_HARNESS_DEADLINE_S * G_USEC_PER_SEC);
    guint fds;
    while ((fds = node_fds()) > load->fds_before + LOAD_FD_SLACK &&
           g_get_monotonic_time() < deadline)
        g_usleep(100 * 1000);
    guint64 rss = node_rss_kib();
    g_printerr("\n  load %-38s %6.1f s   fds %3u -> peak %4u -> %3u   RSS %6" G_GUINT64_FORMAT
               " -> peak %6" G_GUINT64_FORMAT " -> %6" G_GUINT64_FORMAT
               " KiB (bound +%" G_GUINT64_FORMAT "%s)",
               load->name, seconds, load->fds_before, load->fds_peak, fds, load->rss_before,
               load->rss_peak, rss, load->rss_slack_kib,
               LOAD_UNDER_ASAN ? ", not checked under ASan" : "");
    CU_ASSERT(fds <= load->fds_before + LOAD_FD_SLACK);
    if (!LOAD_UNDER_ASAN)
        CU_ASSERT(rss <= load->rss_before + load->rss_slack_kib);

    expect_answer();
    fresh_sync();
    gint status = stop_node(node);
    if (status != 0)
        node_print_log(node);
    CU_ASSERT_EQUAL(status, 0);
    g_autofree gchar *log = node_log(node);
    CU_ASSERT_PTR_NULL(strstr(log, "added block"));
    g_clear_pointer(&node, node_free);
    g_autofree gchar *after = CLI(node_port, "printchain");
    CU_ASSERT_STRING_EQUAL(after, chain);
    g_printerr("\n  load: the suite so far %.1f s (issue 11's bound for all of it: 60 s)",
               (gdouble)(g_get_monotonic_time() - suite_start) / G_USEC_PER_SEC);
}

/* ---- sockets ---- */

/* The kernel's view of SOCKET: its state (TCP_ESTABLISHED ...). */
static guint8 socket_state(GSocket *socket)
{
    struct tcp_info info = {0};
    socklen_t len = sizeof info;
    if (getsockopt(g_socket_get_fd(socket), IPPROTO_TCP, TCP_INFO, &info, &len) != 0)
        return 0;
    return info.tcpi_state;
}

/* A non-blocking connection to the node, or NULL when the connect fails at once. On loopback
 * the kernel runs the whole handshake during the call when the node's queue has room. */
static GSocket *quick_connect(void)
{
    GSocket *s =
        g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
    if (s == NULL)
        return NULL;
    g_socket_set_blocking(s, FALSE);
    g_autoptr(GSocketAddress) address =
        g_inet_socket_address_new_from_string("127.0.0.1", node_port);
    g_autoptr(GError) error = NULL;
    if (!g_socket_connect(s, address, NULL, &error) &&
        !g_error_matches(error, G_IO_ERROR, G_IO_ERROR_PENDING)) {
        g_object_unref(s);
        return NULL;
    }
    return s;
}

/* A FakePeer over an already connected SOCKET (made blocking, with the harness deadline). */
static FakePeer *fake_from_socket(GSocket *socket)
{
    g_socket_set_blocking(socket, TRUE);
    g_socket_set_timeout(socket, (guint)NODE_HARNESS_DEADLINE_S);
    FakePeer *fake = g_new0(FakePeer, 1);
    fake->connection = g_socket_connection_factory_create_connection(socket);
    fake->in = g_io_stream_get_input_stream(G_IO_STREAM(fake->connection));
    fake->out = g_io_stream_get_output_stream(G_IO_STREAM(fake->connection));
    return fake;
}

/* ---- the loads ---- */

/* 200 peers connect while the node is busy (stopped, here, so that it accepts nothing until all
 * have connected). The kernel completes every connection and queues it: with a backlog of
 * PEERS_MAX_INBOUND, 65 got in and 135 waited 1 s or more for a SYN retransmit. Then the node
 * takes the first 64 as inbound peers, which all finish a handshake, and refuses the other
 * 136, which see the connection closed. */
static void test_concurrent_peers(void)
{
    Load load = {0};
    load_begin(&load, "200 peers at once, the node busy");
    gint pid = node_pid();
    CU_ASSERT_EQUAL_FATAL(kill(pid, SIGSTOP), 0);
    GSocket *sockets[200] = {NULL};
    guint established = 0;
    for (guint i = 0; i < G_N_ELEMENTS(sockets); i++) {
        sockets[i] = quick_connect();
        established += sockets[i] != NULL && socket_state(sockets[i]) == TCP_ESTABLISHED;
    }
    CU_ASSERT_EQUAL_FATAL(kill(pid, SIGCONT), 0);
    g_printerr("\n  load: %u of 200 connected while the node was busy", established);
    CU_ASSERT_EQUAL(established, 200);

    /* In the order they connected: a version each, then the node's version and verack, or the
     * connection closed. */
    FakePeer *fakes[200] = {NULL};
    guint handshaken = 0, refused = 0;
    for (guint i = 0; i < G_N_ELEMENTS(sockets); i++) {
        if (sockets[i] == NULL)
            continue;
        /* Each its own nonce: two connections with one nonce are one node connected twice. */
        g_autoptr(GBytes) version =
            message_encode_version(0, ((guint64)g_random_int() << 32) | i, "");
        fakes[i] = fake_from_socket(sockets[i]);
        fake_write(fakes[i], g_bytes_get_data(version, NULL), g_bytes_get_size(version));
    }
    for (guint i = 0; i < G_N_ELEMENTS(fakes); i++) {
        if (fakes[i] == NULL)
            continue;
        g_autoptr(Message) verack = fake_expect(fakes[i], MESSAGE_VERACK);
        if (verack != NULL) {
            g_autoptr(GBytes) ours = message_encode_empty(MESSAGE_VERACK);
            fake_send(fakes[i], ours);
            handshaken++;
        } else if (fakes[i]->eof) {
            refused++;
        }
        load_sample(&load);
    }
    guint logged = wait_lines("inbound peers already", refused);
    g_printerr("\n  load: %u handshaken, %u refused (%u refusals logged)", handshaken, refused,
               logged);
    CU_ASSERT_EQUAL(handshaken, PEERS_MAX_INBOUND);
    CU_ASSERT_EQUAL(refused, 200 - PEERS_MAX_INBOUND);
    CU_ASSERT_EQUAL(logged, refused);
    CU_ASSERT(load.fds_peak <= load.fds_before + PEERS_MAX_INBOUND + LOAD_FD_SLACK);
    for (guint i = 0; i < G_N_ELEMENTS(fakes); i++) {
        fake_free(fakes[i]);
        g_clear_object(&sockets[i]);
    }
    load_end(&load);
}

/* ---- clients that run in threads: no CUnit in here, failures are counted ---- */

typedef struct {
    FakePeer *fake;
    guint count;
    guint answered; /* pongs with the nonce of one of our pings */
} Client;

/* COUNT pings in batches, each batch's pongs read before the next: every message answered. */
static gpointer client_run(gpointer user_data)
{
    Client *c = user_data;
    const guint batch = 250;
    for (guint sent = 0; sent < c->count;) {
        guint n = MIN(batch, c->count - sent);
        for (guint i = 0; i < n; i++) {
            g_autoptr(GBytes) ping = message_encode_ping(MESSAGE_PING, (guint64)sent + i + 1);
            fake_write(c->fake, g_bytes_get_data(ping, NULL), g_bytes_get_size(ping));
        }
        for (guint i = 0; i < n; i++) {
            g_autoptr(Message) pong = fake_expect(c->fake, MESSAGE_PONG);
            if (pong == NULL)
                return NULL;
            if (pong->nonce == (guint64)sent + i + 1)
                c->answered++;
        }
        sent += n;
    }
    return NULL;
}

/* 8 handshaken clients send N/8 pings each over their one connection, N being issue 11's
 * 20,000 or BC_LOAD_MESSAGES (a multiple of 8); the node answers every one in order. */
static void test_many_messages(void)
{
    guint64 n = 20000;
    const gchar *text = g_getenv("BC_LOAD_MESSAGES");
    if (text != NULL && !g_ascii_string_to_unsigned(text, 10, 8, 1000000, &n, NULL))
        n = 20000;
    n -= n % 8;
    Load load = {0};
    g_autofree gchar *name = g_strdup_printf("%" G_GUINT64_FORMAT " messages from 8 clients", n);
    load_begin(&load, name);
    Client clients[8] = {{0}};
    GThread *threads[8];
    for (guint i = 0; i < 8; i++) {
        g_autofree gchar *ip = g_strdup_printf("127.0.0.%u", 10 + i);
        clients[i] = (Client){fake_connect(ip, node_port), (guint)(n / 8), 0};
        fake_handshake(clients[i].fake);
    }
    for (guint i = 0; i < 8; i++)
        threads[i] = g_thread_new("client", client_run, &clients[i]);
    guint answered = 0;
    for (guint i = 0; i < 8; i++) {
        g_thread_join(threads[i]);
        load_sample(&load);
        answered += clients[i].answered;
        fake_free(clients[i].fake);
    }
    g_printerr("\n  load: %" G_GUINT64_FORMAT " pings, %u answered", n, answered);
    CU_ASSERT_EQUAL(answered, n);
    load_end(&load);
}

/* 500 connections trickle a version, one byte every 200 ms, and never finish it. The node
 * holds PEERS_MAX_INBOUND of them until the handshake timeout and refuses the rest; all 500
 * are closed by the node, and its files stay within the inbound cap. */
static void test_slow_connections(void)
{
    Load load = {0};
    load_begin(&load, "500 slow connections");
    g_autoptr(GBytes) version = message_encode_version(0, g_random_int() | 1, "");
    const gchar *bytes = g_bytes_get_data(version, NULL);
    GSocket *slow[500] = {NULL};
    guint open = 0, closed = 0;
    for (guint i = 0; i < G_N_ELEMENTS(slow); i++)
        open += (slow[i] = quick_connect()) != NULL;
    CU_ASSERT_EQUAL(open, G_N_ELEMENTS(slow));
    gint64 deadline = g_get_monotonic_time() + (gint64)(NODE_HARNESS_DEADLINE_S * G_USEC_PER_SEC);
    for (guint round = 0; open > 0 && g_get_monotonic_time() < deadline; round++) {
        for (guint i = 0; i < G_N_ELEMENTS(slow); i++) {
            if (slow[i] == NULL)
                continue;
            g_autoptr(GError) error = NULL;
            /* A byte out, and a look for the node's close (its version and verack never come:
             * it waits for ours). */
            gchar buf[256];
            gssize got = g_socket_receive(slow[i], buf, sizeof buf, NULL, NULL);
            gboolean gone =
                got == 0 || (g_socket_send(slow[i], bytes + round % g_bytes_get_size(version), 1,
                                           NULL, &error) < 0 &&
                             !g_error_matches(error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK));
            if (gone) {
                g_clear_object(&slow[i]);
                open--, closed++;
            }
        }
        load_sample(&load);
        g_usleep(200 * 1000);
    }
    guint timed_out = wait_lines("no handshake within", PEERS_MAX_INBOUND);
    guint refused = count_lines("inbound peers already");
    g_printerr("\n  load: %u of 500 closed by the node: %u after the %d s handshake timeout, %u "
               "refused",
               closed, timed_out, LOAD_HANDSHAKE_TIMEOUT_S, refused);
    CU_ASSERT_EQUAL(closed, G_N_ELEMENTS(slow));
    CU_ASSERT_EQUAL(timed_out, PEERS_MAX_INBOUND);
    CU_ASSERT_EQUAL(refused, G_N_ELEMENTS(slow) - PEERS_MAX_INBOUND);
    CU_ASSERT(load.fds_peak <= load.fds_before + PEERS_MAX_INBOUND + LOAD_FD_SLACK);
    for (guint i = 0; i < G_N_ELEMENTS(slow); i++)
        g_clear_object(&slow[i]);
    load_end(&load);
}

/* Writes LEN bytes to FAKE: FALSE once the node has closed the connection. */
static gboolean write_ok(FakePeer *fake, const void *data, gsize len)
{
    return g_output_stream_write_all(fake->out, data, len, NULL, NULL, NULL);
}

/* One peer, from FROM_IP, that never reads: it asks for the tip block SYNC_MAX_INV times per
 * getdata (the most one getdata may ask), up to 2,000 getdata, and the answers pile up in its
 * send queue until that passes PEER_MAX_SEND_QUEUE and the node drops it. The number of drops
 * logged so far is DROPS_BEFORE; the getdata written before the drop are printed. */
static void never_reading_peer(Load *load, const gchar *from_ip, guint drops_before)
{
    g_autoptr(FakePeer) fake = fake_connect(from_ip, node_port);
    fake_handshake(fake);
    /* A locator the node does not know: its answer lists its blocks from genesis up. */
    guint8 junk[BC_HASH_LEN] = {1};
    g_autoptr(GBytes) getblocks = message_encode_getblocks(junk, 1);
    fake_send(fake, getblocks);
    g_autoptr(Message) inv = fake_expect(fake, MESSAGE_INV);
    CU_ASSERT_PTR_NOT_NULL_FATAL(inv);
    CU_ASSERT_EQUAL_FATAL(inv->inv.n_items, LOAD_CHAIN_BLOCKS);
    g_autofree guint8 *tips = g_malloc(SYNC_MAX_INV * BC_HASH_LEN);
    for (guint i = 0; i < SYNC_MAX_INV; i++)
        memcpy(tips + i * BC_HASH_LEN, inv->inv.items + (LOAD_CHAIN_BLOCKS - 1) * BC_HASH_LEN,
               BC_HASH_LEN);
    g_autoptr(GBytes) getdata =
        message_encode_inv(MESSAGE_GETDATA, MESSAGE_KIND_BLOCK, tips, SYNC_MAX_INV);
    /* The figure as a number: the macro's text, "(4 * MESSAGE_MAX_SIZE)", once went into the log. */
    g_autofree gchar *dropped =
        g_strdup_printf("its send queue passed %u bytes", (guint)PEER_MAX_SEND_QUEUE);
    guint sent = 0;
    while (sent < 2000 &&
           write_ok(fake, g_bytes_get_data(getdata, NULL), g_bytes_get_size(getdata))) {
        sent++;
        if (sent % 10 == 0) {
            load_sample(load);
            if (count_lines(dropped) > drops_before)
                break;
        }
    }
    guint seen = wait_lines(dropped, drops_before + 1);
    load_sample(load);
    g_printerr("\n  load: %s dropped after %u getdata (%u blocks asked for), RSS %" G_GUINT64_FORMAT
               " KiB",
               from_ip, sent, sent * SYNC_MAX_INV, node_rss_kib());
    CU_ASSERT_EQUAL(seen, drops_before + 1);
    CU_ASSERT(sent < 2000);
}

/* Two such peers, one after the other. The first leaves the node's RSS up to
 * LOAD_RSS_SLACK_QUEUE_KIB higher: malloc keeps what the queue held for reuse. The second
 * reuses it: RSS grows by at most LOAD_RSS_SLACK_REUSE_KIB more, so the memory is bounded by
 * the limit, not by how many peers do this. */
static void test_never_reading_peer(void)
{
    Load load = {0};
    load_begin(&load, "2 peers that never read");
    load.rss_slack_kib = LOAD_RSS_SLACK_QUEUE_KIB;
    never_reading_peer(&load, "127.0.0.20", 0);
    guint64 after_first = node_rss_kib();
    never_reading_peer(&load, "127.0.0.21", 1);
    guint64 after_second = node_rss_kib();
    if (!LOAD_UNDER_ASAN)
        CU_ASSERT(after_second <= after_first + LOAD_RSS_SLACK_REUSE_KIB);
    load_end(&load);
}

/* A frame whose header announces a 100 MiB block, and the 100 MiB after it: the node closes the
 * connection at the header, without reading or keeping the payload. */
static void test_huge_payload(void)
{
    Load load = {0};
    load_begin(&load, "a 100 MiB payload");
    g_autoptr(FakePeer) fake = fake_connect("127.0.0.21", node_port);
    fake_handshake(fake);
    const guint32 len = 100 * 1024 * 1024;
    guint8 header[MESSAGE_HEADER_LEN] = {0};
    memcpy(header, message_magic, MESSAGE_MAGIC_LEN);
    memcpy(header + MESSAGE_MAGIC_LEN, "block", 5);
    guint32 le = GUINT32_TO_LE(len);
    memcpy(header + MESSAGE_MAGIC_LEN + MESSAGE_COMMAND_LEN, &le, 4);
    gsize written = 0;
    if (write_ok(fake, header, sizeof header)) {
        g_autofree guint8 *chunk = g_malloc0(1024 * 1024);
        while (written < len && write_ok(fake, chunk, 1024 * 1024))
            written += 1024 * 1024;
    }
    g_autofree gchar *limit =
        g_strdup_printf("block message of %u bytes, over the limit of %d", len, MESSAGE_MAX_SIZE);
    guint seen = wait_lines(limit, 1);
    g_printerr("\n  load: %" G_GSIZE_FORMAT " MiB of the payload written before the node closed",
               written / (1024 * 1024));
    CU_ASSERT_EQUAL(seen, 1);
    CU_ASSERT(written < len);
    load_end(&load);
}

void test_load_register(void)
{
    static const BcTest tests[] = {
        {"200 peers at once: all queued, 64 taken, 136 refused", test_concurrent_peers},
        {"messages from 8 handshaken clients, each answered", test_many_messages},
        {"500 slow connections: the handshake timeout, the inbound cap", test_slow_connections},
        {"peers that never read are dropped at the send-queue limit", test_never_reading_peer},
        {"a 100 MiB payload is refused at its header", test_huge_payload},
        {NULL, NULL},
    };
    bc_test_add_suite("09/load", setup, teardown, tests);
}
