/* test_decentralised.c: the network without a centre. Five nodes, each told of one other, find
 * each other through addr; the first ("central") node is stopped half-way, and a payment handed
 * to another node still reaches the miner, is mined, and every node that is up ends with the same
 * chain. And a node restarted after the central node is gone finds its way back from its address
 * book. */
#include <glib/gstdio.h>

#include "node_harness.h"
#include "picture_check.h"

#define N_NODES 5

static gchar *dir;
static guint16 ports[N_NODES + 1]; /* the five nodes, then the wallet's NODE_ID (never started) */
static Node *nodes[N_NODES];

static void setup(void)
{
    dir = bc_test_tmpdir();
    free_ports(ports, N_NODES + 1);
}

/* BC_TEST_KEEP_LOGS=DIR: the node logs of the five-node test are copied there, for the
 * picture of the run (docs/img/src/08-five-nodes.sh). */
static gboolean keep_logs;

static void copy_logs(void)
{
    const gchar *keep = g_getenv("BC_TEST_KEEP_LOGS");
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const gchar *name;
    g_mkdir_with_parents(keep, 0700);
    while (d != NULL && (name = g_dir_read_name(d)) != NULL) {
        if (!g_str_has_prefix(name, "node-") || !g_str_has_suffix(name, ".log"))
            continue;
        g_autofree gchar *from = g_build_filename(dir, name, NULL);
        g_autofree gchar *to = g_build_filename(keep, name, NULL);
        g_assert(bc_test_copy_file(from, to));
    }
    /* Which port was which node: the lanes of the picture, left to right. */
    g_autoptr(GString) lanes = g_string_new(NULL);
    for (guint i = 0; i < N_NODES; i++)
        g_string_append_printf(lanes, "%u=%s%s", ports[i],
                               i == 0 ? "node 0 (central)"
                               : i == N_NODES - 1 ? "node 4 (miner)"
                                                  : (const gchar *[]){"", "node 1", "node 2",
                                                                      "node 3"}[i],
                               i + 1 < N_NODES ? ";" : "\n");
    g_autofree gchar *path = g_build_filename(keep, "lanes", NULL);
    g_assert(g_file_set_contents(path, lanes->str, -1, NULL));
}

static void teardown(void)
{
    for (guint i = 0; i < N_NODES; i++)
        g_clear_pointer(&nodes[i], node_free);
    if (keep_logs && g_getenv("BC_TEST_KEEP_LOGS") != NULL)
        copy_logs();
    keep_logs = FALSE;
    bc_test_tmpdir_remove(dir);
    g_clear_pointer(&dir, g_free);
}

#define WALLET ports[N_NODES]
#define CLI_OK(port, ...)                                                                          \
    do {                                                                                           \
        g_auto(BcRun) run_ = run_cli(dir, (port), ports[0], __VA_ARGS__);                          \
        BC_ASSERT_RUN_OK(run_);                                                                    \
    } while (0)

static gchar *create_wallet(guint16 port)
{
    g_auto(BcRun) run = run_cli(dir, port, ports[0], "createwallet");
    BC_ASSERT_RUN_OK(run);
    CU_ASSERT_FATAL(g_str_has_prefix(run.out, "Your new address: "));
    return g_strstrip(g_strdup(run.out + strlen("Your new address: ")));
}

static void check_balance(guint16 port, const gchar *address, gint expected)
{
    g_auto(BcRun) run = run_cli(dir, port, ports[0], "getbalance", "-address", address);
    BC_ASSERT_RUN_OK(run);
    g_autofree gchar *line = g_strdup_printf("Balance of '%s': %d\n", address, expected);
    if (g_strcmp0(run.out, line) != 0)
        g_printerr("\n  node %u: expected \"%s\", got \"%s\"", port, line, run.out);
    CU_ASSERT_STRING_EQUAL(run.out, line);
}

/* Node FROM's chain for node TO: the blocks and the UTXO set, each in its own file. */
static void copy_db(guint16 from, guint16 to)
{
    static const gchar *const files[] = {"blockchain", "chainstate"};
    for (guint i = 0; i < G_N_ELEMENTS(files); i++) {
        g_autofree gchar *src = g_strdup_printf("%s/%s_%u.db", dir, files[i], from);
        g_autofree gchar *dst = g_strdup_printf("%s/%s_%u.db", dir, files[i], to);
        g_assert(bc_test_copy_file(src, dst));
    }
}

static void expect_log(Node *node, const gchar *glob)
{
    g_autofree gchar *line = wait_log_glob(node, glob, NODE_HARNESS_DEADLINE_S);
    CU_ASSERT_PTR_NOT_NULL_FATAL(line);
}

/* Node I, told only of node CONNECT (or of nobody when it is -1), mining for MINER if set. */
static Node *start(guint i, gint connect, const gchar *miner)
{
    g_autofree gchar *peer = connect >= 0 ? g_strdup_printf("localhost:%u", ports[connect]) : NULL;
    const gchar *args[5] = {NULL};
    guint n = 0;
    if (peer != NULL)
        args[n++] = "-connect", args[n++] = peer;
    if (miner != NULL)
        args[n++] = "-miner", args[n++] = miner;
    Node *node = start_nodev(dir, ports[i], ports[0], args);
    g_autofree gchar *line = wait_log(node, "listening on", NODE_HARNESS_DEADLINE_S);
    CU_ASSERT_PTR_NOT_NULL_FATAL(line);
    return node;
}

/* A chain of height 2 in node 0's database paying W1 and W2 10 each; the others start from its
 * genesis block, the wallet from the whole chain. */
static void make_chain(const gchar *w1, const gchar *w2)
{
    g_autofree gchar *owner = create_wallet(ports[0]);
    CLI_OK(ports[0], "createblockchain", "-address", owner);
    for (guint i = 1; i < N_NODES; i++)
        copy_db(ports[0], ports[i]);
    CLI_OK(ports[0], "send", "-from", owner, "-to", w1, "-amount", "10", "-mine");
    CLI_OK(ports[0], "send", "-from", owner, "-to", w2, "-amount", "10", "-mine");
    copy_db(ports[0], WALLET);
}

static void test_five_nodes(void)
{
    keep_logs = TRUE;
    g_autofree gchar *w1 = create_wallet(WALLET);
    g_autofree gchar *w2 = create_wallet(WALLET);
    g_autofree gchar *w3 = create_wallet(WALLET);
    g_autofree gchar *w4 = create_wallet(WALLET);
    g_autofree gchar *miner = create_wallet(ports[4]);
    make_chain(w1, w2);

    /* A line: 1 knows 0, 2 knows 1, 3 knows 2, 4 (the miner) knows 3. */
    nodes[0] = start(0, -1, NULL);
    for (guint i = 1; i < N_NODES; i++)
        nodes[i] = start(i, (gint)i - 1, i == N_NODES - 1 ? miner : NULL);

    /* Everyone syncs, and learns every other node's address through addr. */
    for (guint i = 1; i < N_NODES; i++)
        expect_log(nodes[i], "* added block * at height 2");
    for (guint i = 0; i < N_NODES; i++)
        for (guint j = 0; j < N_NODES; j++) {
            if (i == j || (gint)j == (gint)i - 1)
                continue; /* itself, and the one it was told of */
            g_autofree gchar *glob = g_strdup_printf("* learned address localhost:%u *", ports[j]);
            expect_log(nodes[i], glob);
        }

    /* Half-way, the first node goes; the payment goes to node 2, which passes it on. */
    CU_ASSERT_EQUAL(stop_node(nodes[0]), 0);
    g_clear_pointer(&nodes[0], node_free);
    g_autofree gchar *to = g_strdup_printf("localhost:%u", ports[2]);
    CLI_OK(WALLET, "send", "-from", w1, "-to", w3, "-amount", "1", "-connect", to);
    CLI_OK(WALLET, "send", "-from", w2, "-to", w4, "-amount", "1", "-connect", to);
    expect_log(nodes[4], "* mined block * at height 3 with 3 transactions");
    for (guint i = 1; i < N_NODES - 1; i++)
        expect_log(nodes[i], "* added block * at height 3");

    /* Every node that is up has the same chain: the same balances everywhere. */
    g_autoptr(GPtrArray) logs = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 1; i < N_NODES; i++) {
        CU_ASSERT_EQUAL(stop_node(nodes[i]), 0);
        g_clear_pointer(&nodes[i], node_free);
        check_balance(ports[i], w1, 9);
        check_balance(ports[i], w2, 9);
        check_balance(ports[i], w3, 1);
        check_balance(ports[i], w4, 1);
        check_balance(ports[i], miner, 10);
    }

    /* Its picture, drawn from the logs as 'make demo' draws chapter 7's, shows each message. */
    for (guint i = 0; i < N_NODES; i++)
        g_ptr_array_add(logs, g_strdup_printf("%s/node-%u.1.log", dir, ports[i]));
    g_ptr_array_add(logs, NULL);
    g_autofree gchar *balances = g_build_filename(dir, "balances.tsv", NULL);
    g_assert(g_file_set_contents(balances, "name\tgot\nminer\t10\n", -1, NULL));
    g_autofree gchar *out = g_build_filename(dir, "picture", NULL);
    g_autofree gchar *lanes = g_strdup_printf("%u=node 0;%u=node 1", ports[0], ports[1]);
    picture_check(out, lanes, balances, (const gchar *const *)logs->pdata);
}

/* Node 1 was only ever told of node 0 and learnt of node 2 through it. Stopped, and started
 * again without -connect once node 0 is gone, it reconnects from peers_NODE_ID.dat to node 2
 * and syncs the block mined meanwhile. */
static void test_restart_from_address_book(void)
{
    g_autofree gchar *w1 = create_wallet(WALLET);
    g_autofree gchar *w2 = create_wallet(WALLET);
    g_autofree gchar *w3 = create_wallet(WALLET);
    g_autofree gchar *miner = create_wallet(ports[2]);
    make_chain(w1, w2);

    nodes[0] = start(0, -1, NULL);
    nodes[1] = start(1, -1, NULL); /* no -connect: the central node, ports[0] */
    nodes[2] = start(2, 0, miner);
    g_autofree gchar *learned = g_strdup_printf("* learned address localhost:%u *", ports[2]);
    expect_log(nodes[1], learned);
    expect_log(nodes[1], "* added block * at height 2");
    CU_ASSERT_EQUAL(stop_node(nodes[1]), 0);
    g_clear_pointer(&nodes[1], node_free);
    g_autofree gchar *book = g_strdup_printf("%s/peers_%u.dat", dir, ports[1]);
    CU_ASSERT_TRUE(g_file_test(book, G_FILE_TEST_IS_REGULAR));
    CU_ASSERT_EQUAL(stop_node(nodes[0]), 0);
    g_clear_pointer(&nodes[0], node_free);

    /* Meanwhile the miner mines block 3. */
    g_autofree gchar *to = g_strdup_printf("localhost:%u", ports[2]);
    CLI_OK(WALLET, "send", "-from", w1, "-to", w3, "-amount", "1", "-connect", to);
    CLI_OK(WALLET, "send", "-from", w2, "-to", w3, "-amount", "1", "-connect", to);
    expect_log(nodes[2], "* mined block * at height 3 with 3 transactions");

    nodes[1] = start(1, -1, NULL);
    g_autofree gchar *unreachable = g_strdup_printf("* cannot reach localhost:%u*", ports[0]);
    expect_log(nodes[1], unreachable);
    expect_log(nodes[1], "* added block * at height 3");
    CU_ASSERT_EQUAL(stop_node(nodes[1]), 0);
    g_clear_pointer(&nodes[1], node_free);
    check_balance(ports[1], w3, 2);
    check_balance(ports[1], miner, 10);
}

/* A send whose transaction the node refuses (it spends coins already spent) says so and
 * exits 1: Success! means accepted. */
static void test_send_rejected(void)
{
    g_autofree gchar *w1 = create_wallet(WALLET);
    g_autofree gchar *w2 = create_wallet(WALLET);
    make_chain(w1, w2);
    nodes[0] = start(0, -1, NULL);
    g_autofree gchar *to = g_strdup_printf("localhost:%u", ports[0]);
    CLI_OK(WALLET, "send", "-from", w1, "-to", w2, "-amount", "1", "-connect", to);
    /* The same coins again: the wallet's chain has not moved, the node's mempool has. */
    g_auto(BcRun) again =
        run_cli(dir, WALLET, ports[0], "send", "-from", w1, "-to", w2, "-amount", "2", "-connect", to);
    CU_ASSERT_EQUAL(again.status, 1);
    BC_ASSERT_CONTAINS(again.err, "error: ");
    BC_ASSERT_CONTAINS(again.err, "rejected the transaction");
    CU_ASSERT_PTR_NULL(strstr(again.out, "Success!"));
}

void test_decentralised_register(void)
{
    static const BcTest tests[] = {
        {"five nodes told of one other each: discovery, the centre stopped, a payment mined",
         test_five_nodes},
        {"a restarted node reconnects from its address book and syncs", test_restart_from_address_book},
        {"send prints an error when the node rejects the transaction", test_send_rejected},
        {NULL, NULL},
    };
    bc_test_add_suite("10/decentralised", setup, teardown, tests);
}
