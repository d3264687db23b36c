/* test_control.c: the control socket (control.c) with the real binary. Every command prints the
 * same bytes, to stdout and stderr, with the same exit status, through a running node's socket as
 * with no node running; the socket file is mode 0600, removed when the node stops, and a stale one
 * left by a node that died is removed at start; a second node with the same NODE_ID does not take
 * it over. */
#include "fake_peer.h"

#include "bc_hex.h"

#include <gio/gunixsocketaddress.h>
#include <sys/stat.h>

static gchar *dir;
static guint16 node_port, closed_port;
static Node *node;
static gchar *alice, *bob;

static void setup(void)
{
    dir = bc_test_tmpdir();
    guint16 ports[2];
    free_ports(ports, 2);
    node_port = ports[0];
    closed_port = ports[1];
}

static void teardown(void)
{
    g_clear_pointer(&node, node_free);
    bc_test_tmpdir_remove(dir);
    g_clear_pointer(&dir, g_free);
    g_clear_pointer(&alice, g_free);
    g_clear_pointer(&bob, g_free);
}

static gchar *cli_ok(const gchar *const *args)
{
    g_auto(BcRun) run = run_cliv(dir, node_port, closed_port, args);
    BC_ASSERT_RUN_OK(run);
    return g_steal_pointer(&run.out);
}
#define CLI(...) cli_ok((const gchar *const[]){__VA_ARGS__, NULL})

static gchar *new_address(void)
{
    g_autofree gchar *out = CLI("createwallet");
    return g_strstrip(g_strdup(out + strlen("Your new address: ")));
}

/* Alice's chain: genesis and two blocks mined with send -mine, so she has several coins. */
static void make_chain(void)
{
    alice = new_address();
    bob = new_address();
    g_free(CLI("createblockchain", "-address", alice));
    g_free(CLI("send", "-from", alice, "-to", bob, "-amount", "3", "-mine"));
    g_free(CLI("send", "-from", alice, "-to", alice, "-amount", "1", "-mine"));
}

static gchar *socket_path(void)
{
    g_autofree gchar *name = g_strdup_printf("node_%u.sock", node_port);
    return g_build_filename(dir, name, NULL);
}

static void start(void)
{
    node = start_node(dir, node_port, closed_port, NULL);
    g_autofree gchar *line = wait_log(node, "listening on", NODE_HARNESS_DEADLINE_S);
    CU_ASSERT_PTR_NOT_NULL_FATAL(line);
}

/* The commands compared: every one the socket serves, and some that fail. */
static GPtrArray *commands(void)
{
    GPtrArray *list = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
    g_autofree gchar *stranger = g_strdup("1BoatSLRHtKNngkdXEeobR76b53LETtpyT");
    const gchar *const all[][8] = {
        {"getbalance", "-address", alice},
        {"getbalance", "-address", bob, "-unconfirmed"},
        {"getbalance", "-address", "1notanaddress"},
        {"printchain"},
        {"listaddresses"},
        {"getmempool"},
        {"peers"},
        {"getinfo"},
        /* failures: no key for the sender, not enough funds */
        {"send", "-from", stranger, "-to", alice, "-amount", "1"},
        {"send", "-from", bob, "-to", alice, "-amount", "1000"},
    };
    for (guint i = 0; i < G_N_ELEMENTS(all); i++)
        g_ptr_array_add(list, g_strdupv((gchar **)all[i]));
    return list;
}

static void test_same_answers(void)
{
    make_chain();
    g_autoptr(GPtrArray) list = commands();
    g_autoptr(GPtrArray) direct = g_ptr_array_new();
    for (guint i = 0; i < list->len; i++) {
        BcRun *run = g_new0(BcRun, 1);
        *run = run_cliv(dir, node_port, closed_port, g_ptr_array_index(list, i));
        g_ptr_array_add(direct, run);
    }
    start();
    g_autofree gchar *path = socket_path();
    CU_ASSERT_TRUE(g_file_test(path, G_FILE_TEST_EXISTS));
    for (guint i = 0; i < list->len; i++) {
        gchar **args = g_ptr_array_index(list, i);
        BcRun *before = g_ptr_array_index(direct, i);
        g_auto(BcRun) now = run_cliv(dir, node_port, closed_port, (const gchar *const *)args);
        gboolean same = now.status == before->status && g_str_equal(now.out, before->out) &&
                        g_str_equal(now.err, before->err);
        if (!same)
            g_printerr("\n  %s: direct %d [%s] [%s], through the node %d [%s] [%s]", args[0],
                       before->status, before->out, before->err, now.status, now.out, now.err);
        CU_ASSERT_TRUE(same);
        bc_run_clear(before);
        g_free(before);
    }
    /* Through the node, the chain is the node's: the database is not opened by the command. */
    g_autofree gchar *log = node_log(node);
    CU_ASSERT_PTR_NULL(strstr(log, "error"));
    CU_ASSERT_EQUAL(stop_node(node), 0);
    CU_ASSERT_FALSE(g_file_test(path, G_FILE_TEST_EXISTS)); /* removed at a clean stop */
}

static void test_socket_mode(void)
{
    make_chain();
    start();
    g_autofree gchar *path = socket_path();
    struct stat st;
    CU_ASSERT_EQUAL_FATAL(lstat(path, &st), 0);
    CU_ASSERT_TRUE(S_ISSOCK(st.st_mode));
    CU_ASSERT_EQUAL(st.st_mode & 0777, 0600);
    CU_ASSERT_EQUAL(st.st_uid, getuid());
}

/* A socket file nobody listens on, as a killed node leaves it. */
static void make_stale_socket(const gchar *path)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GSocket) s =
        g_socket_new(G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT, &error);
    g_assert_no_error(error);
    g_autoptr(GSocketAddress) address = g_unix_socket_address_new(path);
    g_socket_bind(s, address, FALSE, &error);
    g_assert_no_error(error);
    g_socket_close(s, NULL);
}

static void test_stale_socket(void)
{
    make_chain();
    g_autofree gchar *path = socket_path();
    make_stale_socket(path);
    /* With nobody listening, commands open the files as when no node runs. */
    g_autofree gchar *info = CLI("getinfo");
    BC_ASSERT_CONTAINS(info, "height: 2");
    start();
    g_autofree gchar *line = wait_log(node, "removed a stale", NODE_HARNESS_DEADLINE_S);
    CU_ASSERT_PTR_NOT_NULL(line);
    g_autofree gchar *again = CLI("getinfo");
    CU_ASSERT_STRING_EQUAL(again, info);
    /* SIGKILL leaves the file; the next start removes it. */
    node_kill(node);
    CU_ASSERT_TRUE(g_file_test(path, G_FILE_TEST_EXISTS));
    g_clear_pointer(&node, node_free);
    start();
    g_autofree gchar *line2 = wait_log(node, "removed a stale", NODE_HARNESS_DEADLINE_S);
    CU_ASSERT_PTR_NOT_NULL(line2);
}

/* A second node with the same NODE_ID fails with a clear error, and the first keeps its
 * socket. */
static void test_second_node(void)
{
    make_chain();
    start();
    g_auto(BcRun) second = run_cli(dir, node_port, closed_port, "startnode");
    CU_ASSERT_NOT_EQUAL(second.status, 0);
    BC_ASSERT_CONTAINS(second.err, "error:");
    g_autofree gchar *info = CLI("getinfo");
    BC_ASSERT_CONTAINS(info, "height: 2");
    g_autofree gchar *path = socket_path();
    CU_ASSERT_TRUE(g_file_test(path, G_FILE_TEST_EXISTS));
}

/* -mine and -connect while the node runs: refused with a reason. */
static void test_send_refusals(void)
{
    make_chain();
    start();
    g_auto(BcRun) mine =
        run_cli(dir, node_port, closed_port, "send", "-from", alice, "-to", bob, "-amount", "1",
                "-mine");
    CU_ASSERT_EQUAL(mine.status, 1);
    BC_ASSERT_CONTAINS(mine.err, "error: send -mine: this node is running");
    g_autofree gchar *central = g_strdup_printf("localhost:%u", closed_port);
    g_auto(BcRun) connect =
        run_cli(dir, node_port, closed_port, "send", "-from", alice, "-to", bob, "-amount", "1",
                "-connect", central);
    CU_ASSERT_EQUAL(connect.status, 1);
    BC_ASSERT_CONTAINS(connect.err, "error: -connect: node");
    g_autofree gchar *pool = CLI("getmempool");
    CU_ASSERT_STRING_EQUAL(pool, "");
}

/* A send through the node is pooled and relayed as a peer's transaction would be: a peer hears of
 * it in an inv, gets it with getdata, and its ID is the one getmempool prints. */
static void test_send_relayed(void)
{
    make_chain();
    start();
    g_autoptr(FakePeer) peer = fake_connect("127.0.0.1", node_port);
    fake_handshake(peer);
    g_free(CLI("send", "-from", alice, "-to", bob, "-amount", "2"));
    g_autofree gchar *pool = CLI("getmempool");
    g_autoptr(Message) inv = NULL;
    for (;;) {
        g_clear_pointer(&inv, message_free);
        inv = fake_expect(peer, MESSAGE_INV);
        CU_ASSERT_PTR_NOT_NULL_FATAL(inv);
        if (inv->inv.kind == MESSAGE_KIND_TX)
            break;
    }
    CU_ASSERT_EQUAL_FATAL(inv->inv.n_items, 1);
    g_autofree gchar *id = bc_hex_encode(inv->inv.items, BC_HASH_LEN);
    CU_ASSERT_TRUE(g_str_has_prefix(pool, id));
    BC_ASSERT_CONTAINS(pool, bob);
    g_autoptr(GBytes) getdata = message_encode_inv(MESSAGE_GETDATA, MESSAGE_KIND_TX,
                                                   inv->inv.items, 1);
    fake_send(peer, getdata);
    g_autoptr(Message) tx = fake_expect(peer, MESSAGE_TX);
    CU_ASSERT_PTR_NOT_NULL(tx);
    g_autofree gchar *peers = CLI("peers");
    BC_ASSERT_CONTAINS(peers, "peer 1 inbound from 127.0.0.1:");
}

void test_control_register(void)
{
    static const BcTest tests[] = {
        {"every command prints the same through the socket as with no node", test_same_answers},
        {"the socket file is mode 0600 and ours", test_socket_mode},
        {"a stale socket file is removed at start", test_stale_socket},
        {"a second node with the same NODE_ID does not take the socket", test_second_node},
        {"send -mine and -connect are refused while the node runs", test_send_refusals},
        {"a send through the node is relayed to its peers", test_send_relayed},
        {NULL, NULL},
    };
    bc_test_add_suite("10/control: the control socket", setup, teardown, tests);
}
