/* hostile_fixture.h: what the tests of a node under attack share: the attacked node, a node
 * syncing from it, our own listening address and a closed port; the command line; raw TCP to a
 * node, and a listener that reads what a node sends back.
 *
 * Header-only, like node_harness.h: mk/chapter.mk builds only tests/NN/test_*.c, so each test
 * file that includes it gets its own static copy. Helpers that test_unreachable_central.c does
 * not call are G_GNUC_UNUSED. */
#pragma once
#include "node_harness.h"

#include "bc_variant.h"
#include "message.h"

static gchar *dir;
/* The attacked node, a node syncing from it, our own listening address, and a closed port. */
static guint16 central_port, fresh_port, listener_port, closed_port;
static gchar *central_addr, *listener_addr, *sink_addr;
static Node *central, *fresh;
static GSocket *listener;

static void setup(void)
{
    dir = bc_test_tmpdir();
    guint16 ports[4];
    free_ports(ports, 4);
    central_port = ports[0];
    fresh_port = ports[1];
    listener_port = ports[2];
    closed_port = ports[3];
    central_addr = g_strdup_printf("localhost:%u", central_port);
    listener_addr = g_strdup_printf("localhost:%u", listener_port);
    /* The sender of most attacks: a node on this machine that never answers. */
    sink_addr = g_strdup_printf("localhost:%u", closed_port);
}

static void teardown(void)
{
    g_clear_pointer(&central, node_free);
    g_clear_pointer(&fresh, node_free);
    g_clear_object(&listener);
    bc_test_tmpdir_remove(dir);
    g_clear_pointer(&dir, g_free);
    g_clear_pointer(&central_addr, g_free);
    g_clear_pointer(&listener_addr, g_free);
    g_clear_pointer(&sink_addr, g_free);
}

/* ---- the command line and the nodes ---- */

static gchar *cli_ok(guint16 port, guint16 central_port_, const gchar *const *args)
{
    g_auto(BcRun) run = run_cliv(dir, port, central_port_, args);
    BC_ASSERT_RUN_OK(run);
    return g_steal_pointer(&run.out);
}
#define CLI(port, ...) cli_ok((port), central_port, (const gchar *const[]){__VA_ARGS__, NULL})

static gchar *create_wallet(guint16 port)
{
    g_autofree gchar *out = CLI(port, "createwallet");
    const gchar *prefix = "Your new address: ";
    CU_ASSERT_FATAL(g_str_has_prefix(out, prefix));
    return g_strstrip(g_strdup(out + strlen(prefix)));
}

/* "cp FROM_NAME TO_NAME" in the test directory. */
G_GNUC_UNUSED static void copy_file(const gchar *from_name, const gchar *to_name)
{
    g_autofree gchar *src = g_build_filename(dir, from_name, NULL);
    g_autofree gchar *dst = g_build_filename(dir, to_name, NULL);
    g_autoptr(GFile) from = g_file_new_for_path(src);
    g_autoptr(GFile) to = g_file_new_for_path(dst);
    g_autoptr(GError) error = NULL;
    g_file_copy(from, to, G_FILE_COPY_NONE, NULL, NULL, NULL, &error);
    g_assert_no_error(error);
}

G_GNUC_UNUSED static Node *start_and_listen(guint16 port, guint16 central_port_)
{
    Node *node = start_node(dir, port, central_port_, NULL);
    g_autofree gchar *line = wait_log(node, "listening on", NODE_HARNESS_DEADLINE_S);
    if (line == NULL)
        node_free(node);
    CU_ASSERT_PTR_NOT_NULL_FATAL(line);
    return node;
}

/* Waits for a log line of NODE containing TEXT; the test stops when none comes. */
static void expect_log(Node *node, const gchar *text)
{
    g_autofree gchar *line = wait_log(node, text, NODE_HARNESS_DEADLINE_S);
    CU_ASSERT_PTR_NOT_NULL_FATAL(line);
}

/* The node logged "dropped ..." with REASON. */
G_GNUC_UNUSED static void expect_dropped(const gchar *what, const gchar *reason)
{
    g_autofree gchar *line = g_strdup_printf("*] dropped %s*%s*", what, reason);
    g_autofree gchar *found = wait_log_glob(central, line, NODE_HARNESS_DEADLINE_S);
    CU_ASSERT_PTR_NOT_NULL_FATAL(found);
}

/* ---- raw TCP ---- */

/* The same to the attacked node. */
G_GNUC_UNUSED static void send_raw(const void *data, gsize len)
{
    send_raw_to(central_port, data, len);
}

G_GNUC_UNUSED static void send_bytes(GBytes *wire)
{
    send_bytes_to(central_port, wire);
}

/* A message built by hand, as the encoders would refuse to: COMMAND padded to 12 bytes, then
 * PAYLOAD (floating, consumed). */
G_GNUC_UNUSED static GBytes *raw_message(const gchar *command, GVariant *payload)
{
    g_autoptr(GBytes) body = bc_variant_encode(payload);
    GByteArray *wire = g_byte_array_new();
    guint8 name[MESSAGE_COMMAND_LEN] = {0};
    memcpy(name, command, strlen(command));
    g_byte_array_append(wire, name, sizeof name);
    g_byte_array_append(wire, g_bytes_get_data(body, NULL), g_bytes_get_size(body));
    return g_byte_array_free_to_bytes(wire);
}

/* Our own node address: a listening socket the node may connect to. */
G_GNUC_UNUSED static void listen_on(guint16 port)
{
    listener = listen_socket(port);
    /* Only a deadline: a node that never calls fails the test instead of hanging it. */
    g_socket_set_timeout(listener, (guint)NODE_HARNESS_DEADLINE_S);
}

/* The next message a node sends to our listener, decoded. */
G_GNUC_UNUSED static Message *receive_message(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GSocket) peer = g_socket_accept(listener, NULL, &error);
    g_assert_no_error(error);
    g_socket_set_timeout(peer, (guint)NODE_HARNESS_DEADLINE_S);
    g_autoptr(GByteArray) data = g_byte_array_new();
    guint8 buffer[4096];
    gssize n;
    while ((n = g_socket_receive(peer, (gchar *)buffer, sizeof buffer, NULL, &error)) > 0)
        g_byte_array_append(data, buffer, (guint)n);
    g_assert_no_error(error);
    g_autoptr(GBytes) wire = g_byte_array_free_to_bytes(g_steal_pointer(&data));
    Message *m = message_decode(wire, &error);
    g_assert_no_error(error);
    return m;
}
