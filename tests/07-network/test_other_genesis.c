/* test_other_genesis.c: a node whose chain starts from another genesis block than the central
 * node's. It asks for the central node's longer chain once, drops the first block it gets (its
 * parent is unknown here), and stops there: a dropped block asks for the chain again only when
 * it is above our next height, so the two nodes do not trade getblocks, inv and that block
 * forever. Both stop cleanly, and the node's own chain is unchanged. */
#include "node_harness.h"

#include "message.h"

static gchar *dir;
static guint16 central_port, second_port, listener_port;
static Node *central, *second;
static GSocket *listener;

static void setup(void)
{
    dir = bc_test_tmpdir();
    guint16 ports[3];
    free_ports(ports, 3);
    central_port = ports[0];
    second_port = ports[1];
    listener_port = ports[2];
}

static void teardown(void)
{
    g_clear_pointer(&central, node_free);
    g_clear_pointer(&second, node_free);
    g_clear_object(&listener);
    bc_test_tmpdir_remove(dir);
    g_clear_pointer(&dir, g_free);
}

/* "blockchain ARGS" as node PORT of this network: its stdout; the test stops when it fails. */
static gchar *cli_ok(guint16 port, const gchar *const *args)
{
    g_auto(BcRun) run = run_cliv(dir, port, central_port, args);
    BC_ASSERT_RUN_OK(run);
    return g_steal_pointer(&run.out);
}
#define CLI(port, ...) cli_ok((port), (const gchar *const[]){__VA_ARGS__, NULL})

static gchar *create_wallet(guint16 port)
{
    g_autofree gchar *out = CLI(port, "createwallet");
    const gchar *prefix = "Your new address: ";
    CU_ASSERT_FATAL(g_str_has_prefix(out, prefix));
    return g_strstrip(g_strdup(out + strlen(prefix)));
}

static Node *start_and_listen(guint16 port)
{
    Node *node = start_node(dir, port, central_port, NULL);
    g_autofree gchar *line = wait_log(node, "listening on", NODE_HARNESS_DEADLINE_S);
    if (line == NULL)
        node_free(node);
    CU_ASSERT_PTR_NOT_NULL_FATAL(line);
    return node;
}

/* How many lines of NODE's log contain TEXT. */
static guint count_lines(Node *node, const gchar *text)
{
    g_autofree gchar *log = node_log(node);
    g_auto(GStrv) lines = g_strsplit(log, "\n", -1);
    guint n = 0;
    for (guint i = 0; lines[i] != NULL; i++)
        if (strstr(lines[i], text) != NULL)
            n++;
    return n;
}

static void expect_clean_stop(Node **node)
{
    gint status = stop_node(*node);
    if (status != 0)
        node_print_log(*node);
    CU_ASSERT_EQUAL(status, 0);
    g_autofree gchar *log = node_log(*node);
    g_autofree gchar *stopping = g_strdup_printf("[%u] stopping\n", (*node)->port);
    BC_ASSERT_CONTAINS(log, stopping);
    g_clear_pointer(node, node_free);
}

static void test_other_genesis(void)
{
    /* The central node: a chain of height 2. */
    g_autofree gchar *owner = create_wallet(central_port);
    g_autofree gchar *payee = create_wallet(central_port);
    g_free(CLI(central_port, "createblockchain", "-address", owner));
    g_free(CLI(central_port, "send", "-from", owner, "-to", payee, "-amount", "3", "-mine"));
    g_free(CLI(central_port, "send", "-from", owner, "-to", payee, "-amount", "2", "-mine"));
    /* The second node: a genesis block of its own, height 0. */
    g_autofree gchar *own = create_wallet(second_port);
    g_free(CLI(second_port, "createblockchain", "-address", own));
    g_autofree gchar *chain_before = CLI(second_port, "printchain");

    /* Its version (height 0) makes the central node send its own (height 2); the second node
     * asks for the list of blocks and for the first of them, the central node's genesis, which
     * it drops: its parent (none) is not our tip, and no block of ours. */
    central = start_and_listen(central_port);
    second = start_and_listen(second_port);
    g_autofree gchar *dropped_glob =
        g_strdup_printf("[%u] dropped block from localhost:%u: block *: its parent is unknown",
                        second_port, central_port);
    g_autofree gchar *dropped = wait_log_glob(second, dropped_glob, NODE_HARNESS_DEADLINE_S);
    CU_ASSERT_PTR_NOT_NULL_FATAL(dropped);

    /* A harmless message after it: a version from our address at the node's own height, which
     * it only logs. Once that line is there, the old code would have asked for the chain again
     * and dropped the block again, and again; now nothing follows the one drop. */
    /* Our own node address, listening, so that a node could answer it (none should). */
    listener = listen_socket(listener_port);
    g_autofree gchar *listener_addr = g_strdup_printf("localhost:%u", listener_port);
    g_autoptr(GBytes) version = message_encode_version(NODE_VERSION, 0, listener_addr);
    send_bytes_to(second_port, version);
    g_autofree gchar *received = g_strdup_printf("received version from %s", listener_addr);
    g_autofree gchar *marker = wait_log(second, received, NODE_HARNESS_DEADLINE_S);
    CU_ASSERT_PTR_NOT_NULL_FATAL(marker);
    guint drops = count_lines(second, "its parent is unknown");
    g_autofree gchar *getblocks =
        g_strdup_printf("received getblocks from localhost:%u", second_port);
    guint asked = count_lines(central, getblocks);
    if (drops != 1 || asked != 1) {
        node_print_log(second);
        node_print_log(central);
    }
    CU_ASSERT_EQUAL(drops, 1);
    CU_ASSERT_EQUAL(asked, 1);

    /* Both stop on SIGTERM with exit 0; the second node kept its own chain, nothing else. */
    expect_clean_stop(&second);
    expect_clean_stop(&central);
    g_autofree gchar *chain_after = CLI(second_port, "printchain");
    CU_ASSERT_STRING_EQUAL(chain_after, chain_before);
}

void test_other_genesis_register(void)
{
    static const BcTest tests[] = {
        {"a node with another genesis block asks once, drops once, and stops there",
         test_other_genesis},
        {NULL, NULL},
    };
    bc_test_add_suite("07/other_genesis", setup, teardown, tests);
}
