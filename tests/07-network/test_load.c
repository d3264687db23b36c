/* test_load.c: a node under load (issue 11's load suite, issue 9 points 9 and 10). Each test
 * puts one kind of load on a running node: 200 peers at once, and 200 while it is busy; 20,000
 * messages from 8 clients (BC_LOAD_MESSAGES sets another count); 500 connections that trickle a
 * byte at a time while a normal peer syncs; 2,000 replies to a peer that never accepts; a
 * 100 MiB message; connections beyond its file descriptors. Issue 11 bounds the whole suite to
 * 60 s; each load prints its time (a figure, not a check: speed is for benchmarks). After
 * each: the node answers, a fresh node syncs its whole chain, the chain is unchanged, and the
 * node's open files and resident memory come back to within LOAD_FD_SLACK and LOAD_RSS_SLACK_KIB
 * of where they were before. The figures are printed.
 *
 * Under SANITIZE=1 the node runs with LeakSanitizer: stop_node() returning 0 means it found no
 * leak at exit. */
#include "hostile_fixture.h"

#include <glib/gstdio.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>

#include "message.h"
#include "node.h"
#include "server.h"

/* How far the node may stay above its figures from before the load. File descriptors: none
 * should stay open, a few may still be closing. Memory: malloc keeps some freed memory for
 * later, so RSS does not fall back to the byte. */
#define LOAD_FD_SLACK 4
#define LOAD_RSS_SLACK_KIB (16 * 1024)

/* Under AddressSanitizer (make check SANITIZE=1) freed memory waits in a quarantine of up to
 * 256 MiB before it is reused, so RSS grows with any churn, leak or not: the RSS bound is then
 * printed but not checked, and LeakSanitizer, which fails the node's exit status when it
 * stops, is the check that no memory was lost. */
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

/* ---- what the node holds ---- */

static const gchar *node_pid(Node *node)
{
    const gchar *pid = g_subprocess_get_identifier(node->proc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(pid);
    return pid;
}

/* The node's open file descriptors: the entries of /proc/PID/fd. */
static guint node_fds(Node *node)
{
    g_autofree gchar *path = g_strdup_printf("/proc/%s/fd", node_pid(node));
    g_autoptr(GDir) fds = g_dir_open(path, 0, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(fds);
    guint n = 0;
    while (g_dir_read_name(fds) != NULL)
        n++;
    return n;
}

/* The node's resident memory in KiB: VmRSS in /proc/PID/status. */
static guint64 node_rss_kib(Node *node)
{
    g_autofree gchar *path = g_strdup_printf("/proc/%s/status", node_pid(node));
    g_autofree gchar *status = bc_test_read_file(path, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(status);
    const gchar *line = strstr(status, "VmRSS:");
    CU_ASSERT_PTR_NOT_NULL_FATAL(line);
    return g_ascii_strtoull(line + strlen("VmRSS:"), NULL, 10);
}

/* How many lines of the node's log contain TEXT. */
static guint count_lines(Node *node, const gchar *text)
{
    g_autofree gchar *log = node_log(node);
    guint n = 0;
    for (const gchar *p = log; (p = strstr(p, text)) != NULL; p += strlen(text))
        n++;
    return n;
}

/* Waits until the log holds N lines containing TEXT; the count it reached. */
static guint wait_lines(Node *node, const gchar *text, guint n)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)(NODE_HARNESS_DEADLINE_S * G_USEC_PER_SEC);
    guint seen;
    while ((seen = count_lines(node, text)) < n && g_get_monotonic_time() < deadline &&
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
    gchar *chain;
} Load;

/* A version from us: the node answers with its own, which says its height. */
static void expect_answer(void)
{
    g_autoptr(GBytes) version = message_encode_version(NODE_VERSION, 0, listener_addr);
    send_bytes(version);
    g_autoptr(GError) error = NULL;
    CU_ASSERT_FATAL(g_socket_condition_timed_wait(listener, G_IO_IN,
                                                  (gint64)NODE_HARNESS_DEADLINE_S * G_USEC_PER_SEC,
                                                  NULL, &error));
    g_autoptr(Message) reply = receive_message();
    CU_ASSERT_EQUAL_FATAL(reply->type, MESSAGE_VERSION);
    CU_ASSERT_EQUAL(reply->version.best_height, LOAD_CHAIN_BLOCKS);
}

/* A node started from the genesis block downloads the central node's whole chain. */
static void expect_fresh_sync(const gchar *chain)
{
    g_autofree gchar *db = g_strdup_printf("blockchain_%u.db", fresh_port);
    g_autofree gchar *path = g_build_filename(dir, db, NULL);
    g_unlink(path);
    copy_file("blockchain_genesis.db", db);
    fresh = start_and_listen(fresh_port, central_port);
    g_autofree gchar *tip = g_strdup_printf("* added block * at height %d", LOAD_CHAIN_BLOCKS);
    g_autofree gchar *synced = wait_log_glob(fresh, tip, NODE_HARNESS_DEADLINE_S);
    CU_ASSERT_PTR_NOT_NULL(synced);
    CU_ASSERT_EQUAL(stop_node(fresh), 0);
    g_clear_pointer(&fresh, node_free);
    g_autofree gchar *fresh_chain = CLI(fresh_port, "printchain");
    CU_ASSERT_STRING_EQUAL(fresh_chain, chain);
}

/* A chain of LOAD_CHAIN_BLOCKS blocks on top of genesis, the central node serving it, one sync
 * done (so that what a sync allocates once counts as "before"), and the figures before. */
static void load_begin(Load *load, const gchar *name)
{
    load->name = name;
    g_autofree gchar *owner = create_wallet(central_port);
    g_autofree gchar *other = create_wallet(central_port);
    g_free(CLI(central_port, "createblockchain", "-address", owner));
    g_autofree gchar *db = g_strdup_printf("blockchain_%u.db", central_port);
    copy_file(db, "blockchain_genesis.db");
    for (guint i = 0; i < LOAD_CHAIN_BLOCKS; i++)
        g_free(CLI(central_port, "send", "-from", owner, "-to", other, "-amount", "1", "-mine"));
    load->chain = CLI(central_port, "printchain");
    listen_on(listener_port);
    central = start_and_listen(central_port, central_port);
    expect_answer();
    expect_fresh_sync(load->chain);
    load->fds_before = load->fds_peak = node_fds(central);
    load->rss_before = load->rss_peak = node_rss_kib(central);
    load->start = g_get_monotonic_time();
    if (suite_start == 0)
        suite_start = load->start;
}

static void load_sample(Load *load)
{
    load->fds_peak = MAX(load->fds_peak, node_fds(central));
    load->rss_peak = MAX(load->rss_peak, node_rss_kib(central));
}

/* The node's files back within LOAD_FD_SLACK (waiting for its timeouts), then the checks. */
static void load_end(Load *load)
{
    gdouble seconds = (gdouble)(g_get_monotonic_time() - load->start) / G_USEC_PER_SEC;
    load_sample(load);
    gint64 deadline = g_get_monotonic_time() + (gint64)(NODE_HARNESS_DEADLINE_S * G_USEC_PER_SEC);
    guint fds;
    while ((fds = node_fds(central)) > load->fds_before + LOAD_FD_SLACK &&
           g_get_monotonic_time() < deadline)
        g_usleep(100 * 1000);
    guint64 rss = node_rss_kib(central);
    g_printerr("\n  load %-34s %6.1f s   fds %3u -> peak %4u -> %3u   RSS %6" G_GUINT64_FORMAT
               " -> peak %6" G_GUINT64_FORMAT " -> %6" G_GUINT64_FORMAT " KiB",
               load->name, seconds, load->fds_before, load->fds_peak, fds, load->rss_before,
               load->rss_peak, rss);
    CU_ASSERT(fds <= load->fds_before + LOAD_FD_SLACK);
    if (!LOAD_UNDER_ASAN)
        CU_ASSERT(rss <= load->rss_before + LOAD_RSS_SLACK_KIB);

    expect_answer();
    expect_fresh_sync(load->chain);
    gint status = stop_node(central);
    if (status != 0)
        node_print_log(central);
    CU_ASSERT_EQUAL(status, 0);
    g_autofree gchar *log = node_log(central);
    CU_ASSERT_PTR_NULL(strstr(log, "added block"));
    g_clear_pointer(&central, node_free);
    g_autofree gchar *chain_after = CLI(central_port, "printchain");
    CU_ASSERT_STRING_EQUAL(chain_after, load->chain);
    g_free(load->chain);
    g_printerr("\n  load: the suite so far %.1f s (issue 11's bound for all of it: 60 s)",
               (gdouble)(g_get_monotonic_time() - suite_start) / G_USEC_PER_SEC);
}

/* ---- clients that run in threads: no CUnit in here, failures are counted ---- */

typedef struct {
    GBytes *message;
    guint count;
    gint *failures;
    gint *retried; /* connects whose SYN the kernel dropped (the node's queue was full) */
    GMutex *lock;
    GCond *go;
    gboolean *started;
} Client;

/* The kernel's view of SOCKET: its state (TCP_ESTABLISHED...) and its retransmits so far, a
 * dropped SYN included. */
static struct tcp_info socket_tcp_info(GSocket *socket)
{
    struct tcp_info info = {0};
    socklen_t len = sizeof info;
    if (getsockopt(g_socket_get_fd(socket), IPPROTO_TCP, TCP_INFO, &info, &len) != 0)
        info.tcpi_state = 0;
    return info;
}

/* One message over one connection: connect, write, close. A bare socket, as cheap as a client
 * can be, so that the node is what the load measures. *RETRIED grows when the connect had to
 * send its SYN again. */
static gboolean send_once(guint16 port, GBytes *message, gint *retried)
{
    g_autoptr(GSocket) socket =
        g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
    if (socket == NULL)
        return FALSE;
    g_socket_set_timeout(socket, (guint)NODE_HARNESS_DEADLINE_S);
    g_autoptr(GSocketAddress) address = g_inet_socket_address_new_from_string("127.0.0.1", port);
    if (!g_socket_connect(socket, address, NULL, NULL))
        return FALSE;
    if (socket_tcp_info(socket).tcpi_total_retrans > 0)
        g_atomic_int_inc(retried);
    gsize len = 0;
    const gchar *data = g_bytes_get_data(message, &len);
    gboolean ok = g_socket_send(socket, data, len, NULL, NULL) == (gssize)len;
    return g_socket_close(socket, NULL) && ok;
}

static gpointer client_run(gpointer user_data)
{
    Client *c = user_data;
    /* All clients start together: the load is concurrent. */
    g_mutex_lock(c->lock);
    while (!*c->started)
        g_cond_wait(c->go, c->lock);
    g_mutex_unlock(c->lock);
    for (guint i = 0; i < c->count; i++)
        if (!send_once(central_port, c->message, c->retried))
            g_atomic_int_inc(c->failures);
    return NULL;
}

/* N_CLIENTS threads, each sending MESSAGE COUNT times, all at once; the sends that failed. The
 * connects that waited for a SYN retransmit are printed: a client faster than the node fills
 * any queue, and the kernel then slows it down so (1 s each), which costs the node nothing. */
static gint run_clients(Load *load, guint n_clients, guint count, GBytes *message)
{
    gint failures = 0, retried = 0;
    GMutex lock;
    GCond go;
    gboolean started = FALSE;
    g_mutex_init(&lock);
    g_cond_init(&go);
    Client c = {message, count, &failures, &retried, &lock, &go, &started};
    g_autoptr(GPtrArray) threads = g_ptr_array_new();
    for (guint i = 0; i < n_clients; i++)
        g_ptr_array_add(threads, g_thread_new("client", client_run, &c));
    g_mutex_lock(&lock);
    started = TRUE;
    g_cond_broadcast(&go);
    g_mutex_unlock(&lock);
    for (guint i = 0; i < threads->len; i++) {
        g_thread_join(g_ptr_array_index(threads, i));
        if (i % 16 == 0)
            load_sample(load);
    }
    g_mutex_clear(&lock);
    g_cond_clear(&go);
    g_printerr("\n  load: %u connects, %d of them after a dropped SYN (1 s each)",
               n_clients * count, retried);
    return failures;
}

/* Each connection's message was read ("received") or its read evicted for a newer one. */
static void expect_all_accounted(guint n)
{
    g_autofree gchar *received = g_strdup_printf("received version from %s", sink_addr);
    guint seen = wait_lines(central, received, n);
    guint evicted = count_lines(central, "unfinished reads, evicted");
    while (seen + evicted < n) {
        seen = wait_lines(central, received, n - evicted);
        guint again = count_lines(central, "unfinished reads, evicted");
        if (again == evicted)
            break;
        evicted = again;
    }
    g_printerr("\n  load: %u messages: %u read, %u evicted", n, seen, evicted);
    CU_ASSERT_EQUAL(seen + evicted, n);
}

/* ---- the loads ---- */

/* 200 peers connect at once, each sending one version (of our height: no reply). */
static void test_concurrent_peers(void)
{
    Load load = {0};
    load_begin(&load, "200 concurrent peers");
    g_autoptr(GBytes) version = message_encode_version(NODE_VERSION, LOAD_CHAIN_BLOCKS, sink_addr);
    CU_ASSERT_EQUAL(run_clients(&load, 200, 1, version), 0);
    expect_all_accounted(200);
    load_end(&load);
}

/* 8 clients send N/8 messages each, one connection per message, as nodes do. N is issue 11's
 * 20,000, or BC_LOAD_MESSAGES (a multiple of 8). */
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
    g_autoptr(GBytes) version = message_encode_version(NODE_VERSION, LOAD_CHAIN_BLOCKS, sink_addr);
    CU_ASSERT_EQUAL(run_clients(&load, 8, (guint)(n / 8), version), 0);
    expect_all_accounted((guint)n);
    load_end(&load);
}

/* A non-blocking connection to the node, or NULL when the connect fails at once. */
static GSocket *slow_connect(void)
{
    GSocket *s = g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                              NULL);
    if (s == NULL)
        return NULL;
    g_socket_set_blocking(s, FALSE);
    g_autoptr(GSocketAddress) address =
        g_inet_socket_address_new_from_string("127.0.0.1", central_port);
    g_autoptr(GError) error = NULL;
    if (!g_socket_connect(s, address, NULL, &error) &&
        !g_error_matches(error, G_IO_ERROR, G_IO_ERROR_PENDING)) {
        g_object_unref(s);
        return NULL;
    }
    return s;
}

/* 200 peers connect while the node is busy (stopped, here, so that nothing is accepted until
 * all have connected): the kernel completes every connection and queues it for the node, so
 * none has to wait for a SYN retransmit. With a backlog of 64, 65 got in and 135 waited 1 s or
 * more. Each then sends its version, and all 200 are read once the node runs again. */
static void test_peers_while_busy(void)
{
    Load load = {0};
    load_begin(&load, "200 peers while the node is busy");
    g_autoptr(GBytes) version = message_encode_version(NODE_VERSION, LOAD_CHAIN_BLOCKS, sink_addr);
    gint pid = atoi(node_pid(central));
    CU_ASSERT_EQUAL_FATAL(kill(pid, SIGSTOP), 0);
    GSocket *peers[200] = {NULL};
    for (guint i = 0; i < G_N_ELEMENTS(peers); i++)
        peers[i] = slow_connect(); /* the handshake runs in the kernel, during the call */
    guint established = 0;
    for (guint i = 0; i < G_N_ELEMENTS(peers); i++) {
        if (peers[i] == NULL || socket_tcp_info(peers[i]).tcpi_state != TCP_ESTABLISHED)
            continue;
        established++;
        gsize len = 0;
        const gchar *data = g_bytes_get_data(version, &len);
        CU_ASSERT_EQUAL(g_socket_send(peers[i], data, len, NULL, NULL), (gssize)len);
    }
    for (guint i = 0; i < G_N_ELEMENTS(peers); i++)
        g_clear_object(&peers[i]);
    CU_ASSERT_EQUAL_FATAL(kill(pid, SIGCONT), 0);
    g_printerr("\n  load: %u of 200 connected while the node was busy", established);
    CU_ASSERT_EQUAL(established, 200);
    expect_all_accounted(established);
    load_end(&load);
}

/* 500 connections each send a byte of a message every 200 ms and never finish it; one the node
 * closes is opened again at once. Meanwhile a fresh node syncs: the node keeps room for it. */
static void test_slow_connections(void)
{
    Load load = {0};
    load_begin(&load, "500 slow connections");
    GSocket *slow[500] = {NULL};
    g_autofree gchar *db = g_strdup_printf("blockchain_%u.db", fresh_port);
    g_autofree gchar *path = g_build_filename(dir, db, NULL);
    g_unlink(path);
    copy_file("blockchain_genesis.db", db);
    guint reopened = 0;
    gboolean synced = FALSE;
    gint64 deadline = g_get_monotonic_time() + (gint64)(NODE_HARNESS_DEADLINE_S * G_USEC_PER_SEC);
    g_autofree gchar *tip = g_strdup_printf("* added block * at height %d", LOAD_CHAIN_BLOCKS);
    for (guint round = 0; !synced && g_get_monotonic_time() < deadline; round++) {
        for (guint i = 0; i < G_N_ELEMENTS(slow); i++) {
            g_autoptr(GError) error = NULL;
            /* Still connecting (the node's backlog is full) is fine; closed is not. */
            if (slow[i] != NULL && g_socket_send(slow[i], "v", 1, NULL, &error) < 0 &&
                !g_error_matches(error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
                g_clear_object(&slow[i]);
            if (slow[i] == NULL) {
                slow[i] = slow_connect();
                reopened += round > 0;
            }
        }
        /* The fresh node starts once the node is full of slow connections. */
        if (round == 5)
            fresh = start_node(dir, fresh_port, central_port, NULL);
        if (fresh != NULL) {
            g_autofree gchar *line = node_find_line(fresh, tip, TRUE);
            synced = line != NULL;
        }
        load_sample(&load);
        g_usleep(200 * 1000);
    }
    for (guint i = 0; i < G_N_ELEMENTS(slow); i++)
        g_clear_object(&slow[i]);
    g_printerr("\n  load: slow connections opened again after the node closed them: %u",
               reopened);
    if (!synced && fresh != NULL)
        node_print_log(fresh);
    CU_ASSERT_TRUE(synced);
    CU_ASSERT_PTR_NOT_NULL_FATAL(fresh);
    CU_ASSERT_EQUAL(stop_node(fresh), 0);
    g_clear_pointer(&fresh, node_free);
    g_autofree gchar *fresh_chain = CLI(fresh_port, "printchain");
    CU_ASSERT_STRING_EQUAL(fresh_chain, load.chain);
    load_end(&load);
}

/* 2,000 versions of height 0 from a peer that listens but never accepts: the node answers
 * each, and its connections there hang until their timeout. At most SERVER_MAX_SENDS are open
 * at once; the rest wait or are dropped; all of it ends within a few timeouts. */
static void test_never_accepting_peer(void)
{
    Load load = {0};
    load_begin(&load, "2,000 sends to a peer never accepting");
    guint16 port;
    free_ports(&port, 1);
    g_autoptr(GSocket) never = listen_socket(port);
    CU_ASSERT_PTR_NOT_NULL_FATAL(never); /* held open, never accepted from */
    g_autofree gchar *never_addr = g_strdup_printf("localhost:%u", port);
    g_autoptr(GBytes) version = message_encode_version(NODE_VERSION, 0, never_addr);
    for (guint i = 0; i < 2000; i++) {
        send_bytes(version);
        if (i % 100 == 0)
            load_sample(&load);
    }
    expect_log(central, "send queue drained");
    load_sample(&load);
    CU_ASSERT(load.fds_peak <= load.fds_before + SERVER_MAX_SENDS + SERVER_MAX_CONNECTIONS + 8);
    load_end(&load);
}

/* One message of 100 MiB: read up to MESSAGE_MAX_SIZE, then the connection is closed. */
static void test_huge_payload(void)
{
    Load load = {0};
    load_begin(&load, "a 100 MiB payload");
    gsize len = 100 * 1024 * 1024;
    g_autofree guint8 *huge = g_malloc0(len);
    memcpy(huge, "block", 5);
    send_raw(huge, len);
    g_autofree gchar *limit = g_strdup_printf("more than %d bytes", MESSAGE_MAX_SIZE);
    expect_dropped("message", limit);
    load_end(&load);
}

/* A node allowed 40 open files gets 200 silent connections: accept() fails for lack of
 * descriptors. It says so once per run of failures and tries again later, instead of logging
 * each failure in a tight loop (GSocketService did, 200,000 times in 15 s). */
static void test_out_of_files(void)
{
    g_autofree gchar *owner = create_wallet(central_port);
    g_free(CLI(central_port, "createblockchain", "-address", owner));
    central = start_node_limited(dir, central_port, central_port, NULL, 40);
    expect_log(central, "listening on");
    g_autoptr(GPtrArray) silent = g_ptr_array_new_with_free_func(g_object_unref);
    for (guint i = 0; i < 200; i++) {
        GSocket *s = slow_connect();
        if (s != NULL)
            g_ptr_array_add(silent, s);
    }
    expect_log(central, "cannot accept connections");
    /* Two seconds of it: the node's idle timeout frees files, the backlog fills them again. */
    g_usleep(2 * G_USEC_PER_SEC);
    g_ptr_array_set_size(silent, 0);
    guint failures = count_lines(central, "open files");
    g_printerr("\n  load: out of files: %u log lines about it", failures);
    CU_ASSERT(failures <= 40);
    listen_on(listener_port);
    g_autoptr(GBytes) getblocks = message_encode_getblocks(listener_addr);
    gint64 deadline = g_get_monotonic_time() + (gint64)(NODE_HARNESS_DEADLINE_S * G_USEC_PER_SEC);
    /* It answers again once the silent connections are gone. */
    gboolean answered = FALSE;
    while (!answered && g_get_monotonic_time() < deadline) {
        send_bytes(getblocks);
        answered = g_socket_condition_timed_wait(listener, G_IO_IN, G_USEC_PER_SEC, NULL, NULL);
    }
    if (!answered)
        node_print_log(central);
    CU_ASSERT_TRUE(answered);
    CU_ASSERT_EQUAL(stop_node(central), 0);
    g_clear_pointer(&central, node_free);
}

void test_load_register(void)
{
    static const BcTest tests[] = {
        {"200 concurrent peers", test_concurrent_peers},
        {"200 peers while the node is busy: none waits for a retransmit", test_peers_while_busy},
        {"messages from 8 clients", test_many_messages},
        {"500 slow connections, and a normal peer still syncs", test_slow_connections},
        {"2,000 sends to a peer that never accepts", test_never_accepting_peer},
        {"a 100 MiB payload", test_huge_payload},
        {"accept() out of file descriptors does not spin", test_out_of_files},
        {NULL, NULL},
    };
    bc_test_add_suite("07/load", setup, teardown, tests);
}
