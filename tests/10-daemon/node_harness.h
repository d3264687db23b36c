/* node_harness.h: running chapter 8 nodes from CUnit tests: free ports, nodes in the
 * background with their output in a log file, waiting for a log line, stopping with SIGTERM.
 *
 * Header-only on purpose: mk/chapter.mk links only tests/NN/test_*.c into the runner, so each
 * test file that needs nodes includes this header and gets its own static copy.
 *
 * Nothing here measures time: a deadline only turns a hang into a failure. Waiting polls the
 * log file and the process (waitpid with WNOHANG), and pumps no main loop. The nodes are spawned
 * with g_spawn and reaped here, not by GSubprocess: GSubprocess reaps on GLib's worker thread,
 * whose locks ThreadSanitizer cannot see (GLib is not instrumented), so every test starting a
 * node got race reports on memory that thread and the test merely reused (TSAN=1). */
#pragma once
#include <fcntl.h>
#include <gio/gio.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "bc_test.h"

/* Every node and command of one test network mines at this difficulty. */
#ifndef NODE_HARNESS_TARGET_BITS
#define NODE_HARNESS_TARGET_BITS "8"
#endif

/* Generous: under the sanitizers, on a busy machine. Only reached when something is wrong. */
#define NODE_HARNESS_DEADLINE_S 30.0

/* Set by the generated suites.c: the chapter's real binary. */
extern const char *const bc_test_binary;

typedef struct {
    GPid pid;
    gboolean reaped;  /* waited for: PID may now be another process's, never signal it */
    gint wait_status; /* from waitpid, once reaped */
    guint16 port;
    gchar *log_path; /* the node's stdout and stderr */
} Node;

/* N distinct free TCP ports on 127.0.0.1: the kernel picks each when we bind port 0. All
 * sockets stay open until every port is read, so the N ports differ. Another program could
 * take one before the node does; the node then fails with "port N is busy", not silently. */
G_GNUC_UNUSED static void free_ports(guint16 *ports, guint n)
{
    g_autoptr(GPtrArray) sockets = g_ptr_array_new_with_free_func(g_object_unref);
    for (guint i = 0; i < n; i++) {
        g_autoptr(GError) error = NULL;
        GSocket *socket =
            g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
        g_assert_no_error(error);
        g_ptr_array_add(sockets, socket);
        g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
        g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new(loopback, 0);
        g_socket_bind(socket, any_port, FALSE, &error);
        g_assert_no_error(error);
        g_autoptr(GSocketAddress) bound = g_socket_get_local_address(socket, &error);
        g_assert_no_error(error);
        ports[i] = g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(bound));
    }
    for (guint i = 0; i < sockets->len; i++)
        g_socket_close(g_ptr_array_index(sockets, i), NULL);
}

/* More "NAME=VALUE" settings for every node and command a test starts (NULL-terminated, or
 * NULL): the short timeouts of a test, for instance. */
static const gchar *const *node_harness_extra_env;

/* The command the binary runs under, NULL-terminated, or NULL: {"ip", "netns", "exec", NS,
 * NULL} runs the next nodes and commands on the separate host NS (test_separate_hosts.c). */
static const gchar *const *node_harness_prefix;

/* PREFIX, the chapter's binary, then ARGS (NULL-terminated, or NULL): an argv. */
G_GNUC_UNUSED static GPtrArray *node_argv(const gchar *const *args)
{
    GPtrArray *argv = g_ptr_array_new();
    for (guint i = 0; node_harness_prefix != NULL && node_harness_prefix[i] != NULL; i++)
        g_ptr_array_add(argv, (gpointer)node_harness_prefix[i]);
    g_ptr_array_add(argv, (gpointer)bc_test_binary);
    for (guint i = 0; args != NULL && args[i] != NULL; i++)
        g_ptr_array_add(argv, (gpointer)args[i]);
    g_ptr_array_add(argv, NULL);
    return argv;
}

/* The environment of node PORT in a network whose central node is CENTRAL_PORT. */
static gchar **node_env(guint16 port, guint16 central_port)
{
    guint extra = node_harness_extra_env != NULL ? g_strv_length((gchar **)node_harness_extra_env)
                                                 : 0;
    gchar **env = g_new0(gchar *, 4 + extra);
    env[0] = g_strdup_printf("NODE_ID=%u", port);
    env[1] = g_strdup_printf("BC_CENTRAL_NODE=localhost:%u", central_port);
    env[2] = g_strdup("BC_TARGET_BITS=" NODE_HARNESS_TARGET_BITS);
    for (guint i = 0; i < extra; i++)
        env[3 + i] = g_strdup(node_harness_extra_env[i]);
    return env;
}

/* Runs "blockchain ARGS" (NULL-terminated) as node PORT in DIR and waits for it to finish. */
G_GNUC_UNUSED static BcRun run_cliv(const gchar *dir, guint16 port, guint16 central_port,
                                    const gchar *const *args)
{
    g_auto(GStrv) env = node_env(port, central_port);
    if (node_harness_prefix == NULL)
        return bc_test_runv(dir, (const gchar *const *)env, args);
    g_autoptr(GPtrArray) argv = node_argv(args);
    g_auto(GStrv) envp = g_get_environ();
    for (guint i = 0; env[i] != NULL; i++) {
        g_auto(GStrv) kv = g_strsplit(env[i], "=", 2);
        envp = g_environ_setenv(envp, kv[0], kv[1], TRUE);
    }
    BcRun run = {0};
    gint wait_status = 0;
    g_autoptr(GError) error = NULL;
    g_spawn_sync(dir, (gchar **)argv->pdata, envp, G_SPAWN_SEARCH_PATH, NULL, NULL, &run.out,
                 &run.err, &wait_status, &error);
    g_assert_no_error(error);
    run.status = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : -1;
    return run;
}
#define run_cli(dir, port, central_port, ...)                                                      \
    run_cliv((dir), (port), (central_port), (const gchar *const[]){__VA_ARGS__, NULL})

/* Starts "blockchain startnode ARGS" (NULL-terminated, or NULL) as node PORT in DIR, in the
 * background. Its output goes to DIR/node-PORT.N.log, a new file for each start, so a
 * restarted node's log holds only that run. Does not wait: see wait_log. */
G_GNUC_UNUSED static Node *start_nodev(const gchar *dir, guint16 port, guint16 central_port,
                                       const gchar *const *args)
{
    Node *node = g_new0(Node, 1);
    node->port = port;
    for (guint run = 1; node->log_path == NULL || g_file_test(node->log_path, G_FILE_TEST_EXISTS);
         run++) {
        g_free(node->log_path);
        g_autofree gchar *name = g_strdup_printf("node-%u.%u.log", port, run);
        node->log_path = g_build_filename(dir, name, NULL);
    }

    g_auto(GStrv) env = node_env(port, central_port);
    g_auto(GStrv) envp = g_get_environ();
    for (guint i = 0; env[i] != NULL; i++) {
        g_auto(GStrv) kv = g_strsplit(env[i], "=", 2);
        envp = g_environ_setenv(envp, kv[0], kv[1], TRUE);
    }
    gint log_fd = open(node->log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    g_assert(log_fd >= 0);
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_ptr_array_add(argv, "startnode");
    for (guint i = 0; args != NULL && args[i] != NULL; i++)
        g_ptr_array_add(argv, (gpointer)args[i]);
    g_ptr_array_add(argv, NULL);
    g_autoptr(GPtrArray) full = node_argv((const gchar *const *)argv->pdata);
    g_autoptr(GError) error = NULL;
    /* Standard output and error both into the log; standard input inherited. */
    g_spawn_async_with_pipes_and_fds(
        dir, (const gchar *const *)full->pdata, (const gchar *const *)envp,
        G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_SEARCH_PATH | G_SPAWN_CHILD_INHERITS_STDIN, NULL,
        NULL, -1, log_fd, log_fd, NULL, NULL, 0, &node->pid, NULL, NULL, NULL, &error);
    g_assert_no_error(error);
    close(log_fd);
    return node;
}

/* "blockchain startnode [-miner MINER_ADDR]", as in chapter 7. */
G_GNUC_UNUSED static Node *start_node(const gchar *dir, guint16 port, guint16 central_port,
                                      const gchar *miner_addr)
{
    const gchar *args[] = {"-miner", miner_addr, NULL};
    return start_nodev(dir, port, central_port, miner_addr != NULL ? args : NULL);
}

/* Whether the node's process has ended (and been reaped). */
static gboolean node_exited(Node *node)
{
    if (!node->reaped && waitpid(node->pid, &node->wait_status, WNOHANG) == node->pid)
        node->reaped = TRUE;
    return node->reaped;
}

/* The node's log so far ("" when it is still empty). */
G_GNUC_UNUSED static gchar *node_log(Node *node)
{
    gchar *text = bc_test_read_file(node->log_path, NULL);
    return text != NULL ? text : g_strdup("");
}

static void node_print_log(Node *node)
{
    g_autofree gchar *text = node_log(node);
    g_printerr("\n  --- %s\n%s  ---\n", node->log_path, text);
}

/* The first complete line of the node's log that matches, or NULL. A line matches a GLib glob
 * (only '*' and '?' are special) when GLOB is TRUE, else when it contains PATTERN. */
static gchar *node_find_line(Node *node, const gchar *pattern, gboolean glob)
{
    g_autofree gchar *text = node_log(node);
    gchar *end = strrchr(text, '\n');
    if (end == NULL)
        return NULL;
    *end = '\0'; /* a line still being written is not looked at yet */
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    for (guint i = 0; lines[i] != NULL; i++) {
        gboolean match =
            glob ? g_pattern_match_simple(pattern, lines[i]) : strstr(lines[i], pattern) != NULL;
        if (match)
            return g_strdup(lines[i]);
    }
    return NULL;
}

static gchar *wait_log_impl(Node *node, const gchar *pattern, gboolean glob, gdouble deadline_s)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)(deadline_s * G_USEC_PER_SEC);
    for (;;) {
        gchar *line = node_find_line(node, pattern, glob);
        if (line != NULL)
            return line;
        /* Looked once more after the exit: the last lines may have come with it. */
        gboolean gone = node_exited(node);
        if (gone || g_get_monotonic_time() > deadline) {
            line = node_find_line(node, pattern, glob);
            if (line != NULL)
                return line;
            g_printerr("\n  node %u: no line %s \"%s\" (%s)", node->port,
                       glob ? "matching" : "containing", pattern,
                       gone ? "the node exited" : "deadline passed");
            node_print_log(node);
            return NULL;
        }
        g_usleep(20 * 1000);
    }
}

/* Waits until a line of the node's log contains SUBSTRING; returns that line, or NULL (and
 * prints the log) when the node exits first or DEADLINE_S seconds pass. */
G_GNUC_UNUSED static gchar *wait_log(Node *node, const gchar *substring, gdouble deadline_s)
{
    return wait_log_impl(node, substring, FALSE, deadline_s);
}

/* The same with a glob for the whole line: "* added block * at height 2". */
G_GNUC_UNUSED static gchar *wait_log_glob(Node *node, const gchar *glob, gdouble deadline_s)
{
    return wait_log_impl(node, glob, TRUE, deadline_s);
}

/* Waits up to DEADLINE_S seconds for the process to end. */
static gboolean node_wait_exit(Node *node, gdouble deadline_s)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)(deadline_s * G_USEC_PER_SEC);
    while (!node_exited(node)) {
        if (g_get_monotonic_time() > deadline)
            return FALSE;
        g_usleep(10 * 1000);
    }
    return TRUE;
}

/* The exit status of an ended node, or -1 when a signal ended it. */
static gint node_status(Node *node)
{
    return WIFEXITED(node->wait_status) ? WEXITSTATUS(node->wait_status) : -1;
}

/* SIGKILL (a crash, as far as the node can tell), and waits for it to end. */
G_GNUC_UNUSED static void node_kill(Node *node)
{
    if (node->reaped)
        return;
    kill(node->pid, SIGKILL);
    g_assert(waitpid(node->pid, &node->wait_status, 0) == node->pid);
    node->reaped = TRUE;
}

/* Waits for a node that should end by itself (bad arguments, busy port ...): its exit status
 * as for stop_node, and when it still runs after DEADLINE_S seconds, it is killed: -2. */
G_GNUC_UNUSED static gint wait_node(Node *node, gdouble deadline_s)
{
    if (!node_wait_exit(node, deadline_s)) {
        g_printerr("\n  node %u still runs, killing it", node->port);
        node_print_log(node);
        node_kill(node);
        return -2;
    }
    return node_status(node);
}

/* Stops the node with SIGTERM and waits for it: its exit status, or -1 when a signal ended it,
 * or -2 when it ignored SIGTERM until the deadline (then it is killed). A node that already
 * exited is not signalled again. Any status but 0 prints the log, where a sanitizer's report
 * or the node's last lines say why. */
G_GNUC_UNUSED static gint stop_node(Node *node)
{
    if (!node_exited(node))
        kill(node->pid, SIGTERM);
    gint status = wait_node(node, NODE_HARNESS_DEADLINE_S);
    if (status != 0) {
        g_printerr("\n  node %u: exit status %d after SIGTERM", node->port, status);
        node_print_log(node);
    }
    return status;
}

/* Frees the node, stopping it first when it still runs (for teardown after a failure). */
G_GNUC_UNUSED static void node_free(Node *node)
{
    if (node == NULL)
        return;
    if (!node_exited(node))
        stop_node(node);
    g_spawn_close_pid(node->pid);
    g_free(node->log_path);
    g_free(node);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Node, node_free)

/* ---- talking to a node as a peer would: raw TCP on 127.0.0.1 ---- */

G_GNUC_UNUSED static GSocketConnection *connect_to(guint16 port)
{
    g_autoptr(GSocketClient) client = g_socket_client_new();
    g_socket_client_set_timeout(client, (guint)NODE_HARNESS_DEADLINE_S);
    g_autofree gchar *address = g_strdup_printf("127.0.0.1:%u", port);
    g_autoptr(GError) error = NULL;
    GSocketConnection *connection =
        g_socket_client_connect_to_host(client, address, 0, NULL, &error);
    g_assert_no_error(error);
    return connection;
}

/* A connection to 127.0.0.1:PORT from the local address FROM_IP (127.0.0.x: each its own host
 * as far as bans go). */
G_GNUC_UNUSED static GSocketConnection *connect_from(const gchar *from_ip, guint16 port)
{
    g_autoptr(GSocketClient) client = g_socket_client_new();
    g_socket_client_set_timeout(client, (guint)NODE_HARNESS_DEADLINE_S);
    g_autoptr(GInetAddress) local = g_inet_address_new_from_string(from_ip);
    g_autoptr(GSocketAddress) bind = g_inet_socket_address_new(local, 0);
    g_socket_client_set_local_address(client, bind);
    g_autofree gchar *address = g_strdup_printf("127.0.0.1:%u", port);
    g_autoptr(GError) error = NULL;
    GSocketConnection *connection =
        g_socket_client_connect_to_host(client, address, 0, NULL, &error);
    g_assert_no_error(error);
    return connection;
}

/* A socket listening on 127.0.0.1:PORT: our own node address, which a node may connect to. */
G_GNUC_UNUSED static GSocket *listen_socket(guint16 port)
{
    g_autoptr(GError) error = NULL;
    GSocket *socket =
        g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
    g_assert_no_error(error);
    g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
    g_autoptr(GSocketAddress) address = g_inet_socket_address_new(loopback, port);
    g_socket_bind(socket, address, TRUE, &error);
    g_assert_no_error(error);
    g_socket_listen(socket, &error);
    g_assert_no_error(error);
    return socket;
}
