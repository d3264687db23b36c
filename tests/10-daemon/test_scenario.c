/* test_scenario.c: three real nodes play the article's network scenario (central node, wallet
 * node, miner) on free ports, with every balance checked when the article checks it, and
 * every node stopping cleanly on SIGTERM with a database that opens afterwards. */
#include <glib/gstdio.h>

#include "node_harness.h"

static gchar *dir;
static guint16 central_port, wallet_port, miner_port;
/* Nodes still running; teardown stops them when an assertion ended the test early. */
static Node *central, *wallet, *miner;

static void setup(void)
{
    dir = bc_test_tmpdir();
    guint16 ports[3];
    free_ports(ports, 3);
    central_port = ports[0];
    wallet_port = ports[1];
    miner_port = ports[2];
}

static void teardown(void)
{
    g_clear_pointer(&central, node_free);
    g_clear_pointer(&wallet, node_free);
    g_clear_pointer(&miner, node_free);
    bc_test_tmpdir_remove(dir);
    g_clear_pointer(&dir, g_free);
}

/* "blockchain ARGS" as node PORT of this network; the test stops when it fails. */
#define CLI_OK(port, ...)                                                                          \
    do {                                                                                           \
        g_auto(BcRun) run_ = run_cli(dir, (port), central_port, __VA_ARGS__);                      \
        BC_ASSERT_RUN_OK(run_);                                                                    \
    } while (0)

static gchar *create_wallet(guint16 port)
{
    g_auto(BcRun) run = run_cli(dir, port, central_port, "createwallet");
    BC_ASSERT_RUN_OK(run);
    const gchar *prefix = "Your new address: ";
    CU_ASSERT_FATAL(g_str_has_prefix(run.out, prefix));
    return g_strstrip(g_strdup(run.out + strlen(prefix)));
}

static void check_balance(guint16 port, const gchar *address, gint expected)
{
    g_auto(BcRun) run = run_cli(dir, port, central_port, "getbalance", "-address", address);
    BC_ASSERT_RUN_OK(run);
    g_autofree gchar *line = g_strdup_printf("Balance of '%s': %d\n", address, expected);
    if (g_strcmp0(run.out, line) != 0)
        g_printerr("\n  node %u: expected \"%s\", got \"%s\"", port, line, run.out);
    CU_ASSERT_STRING_EQUAL(run.out, line);
}

/* "cp SRC_DIR/NAME DST_DIR/NAME" inside the test directory. */
static void copy_file(const gchar *src_dir, const gchar *src_name, const gchar *dst_dir,
                      const gchar *dst_name)
{
    g_autofree gchar *src = g_build_filename(src_dir, src_name, NULL);
    g_autofree gchar *dst = g_build_filename(dst_dir, dst_name, NULL);
    g_autoptr(GFile) from = g_file_new_for_path(src);
    g_autoptr(GFile) to = g_file_new_for_path(dst);
    g_autoptr(GError) error = NULL;
    g_file_copy(from, to, G_FILE_COPY_NONE, NULL, NULL, NULL, &error);
    g_assert_no_error(error);
}

/* "cp blockchain_genesis.db blockchain_PORT.db": the article's way to give a node the chain's
 * first block. */
static void copy_genesis(guint16 port)
{
    g_autofree gchar *name = g_strdup_printf("blockchain_%u.db", port);
    copy_file(dir, "blockchain_genesis.db", dir, name);
}

/* Waits for a log line matching GLOB; the test stops when none comes. */
static void expect_log(Node *node, const gchar *glob)
{
    g_autofree gchar *line = wait_log_glob(node, glob, NODE_HARNESS_DEADLINE_S);
    CU_ASSERT_PTR_NOT_NULL_FATAL(line);
}

/* Stops the node with SIGTERM: it says so and exits 0. */
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

static Node *start_and_listen(guint16 port, const gchar *miner_addr)
{
    Node *node = start_node(dir, port, central_port, miner_addr);
    g_autofree gchar *listening =
        g_strdup_printf("[%u] listening on localhost:%u (height *", port, port);
    g_autofree gchar *line = wait_log_glob(node, listening, NODE_HARNESS_DEADLINE_S);
    if (line == NULL)
        node_free(node);
    CU_ASSERT_PTR_NOT_NULL_FATAL(line);
    return node;
}

static void test_article_scenario(void)
{
    /* 1. Central node: a wallet, the blockchain, and a copy of its genesis block. */
    g_autofree gchar *central_addr = create_wallet(central_port);
    CLI_OK(central_port, "createblockchain", "-address", central_addr);
    g_autofree gchar *central_db = g_strdup_printf("blockchain_%u.db", central_port);
    copy_file(dir, central_db, dir, "blockchain_genesis.db");

    /* 2. Wallet node: four addresses. */
    g_autofree gchar *wallet_1 = create_wallet(wallet_port);
    g_autofree gchar *wallet_2 = create_wallet(wallet_port);
    g_autofree gchar *wallet_3 = create_wallet(wallet_port);
    g_autofree gchar *wallet_4 = create_wallet(wallet_port);

    /* 3. Central node: 10 coins each to WALLET_1 and WALLET_2, mined at once; then it runs. */
    CLI_OK(central_port, "send", "-from", central_addr, "-to", wallet_1, "-amount", "10", "-mine");
    CLI_OK(central_port, "send", "-from", central_addr, "-to", wallet_2, "-amount", "10", "-mine");
    central = start_and_listen(central_port, NULL);

    /* 4. Wallet node: from the genesis block, downloads both blocks; stopped, it has them. */
    copy_genesis(wallet_port);
    wallet = start_and_listen(wallet_port, NULL);
    expect_log(wallet, "* added block * at height 1");
    expect_log(wallet, "* added block * at height 2");
    expect_clean_stop(&wallet);
    check_balance(wallet_port, wallet_1, 10);
    check_balance(wallet_port, wallet_2, 10);
    check_balance(wallet_port, wallet_3, 0);
    check_balance(wallet_port, wallet_4, 0);
    check_balance(wallet_port, central_addr, 10);

    /* 5. Miner node: its wallet, the genesis block, then it syncs. */
    g_autofree gchar *miner_addr = create_wallet(miner_port);
    copy_genesis(miner_port);
    miner = start_and_listen(miner_port, miner_addr);
    expect_log(miner, "* added block * at height 1");
    expect_log(miner, "* added block * at height 2");

    /* 6. Wallet node: two transactions to the central node, which passes them to the miner. */
    CLI_OK(wallet_port, "send", "-from", wallet_1, "-to", wallet_3, "-amount", "1");
    CLI_OK(wallet_port, "send", "-from", wallet_2, "-to", wallet_4, "-amount", "1");

    /* 7. The miner mines both with its coinbase; the central node gets the block. */
    expect_log(miner, "* mined block * at height 3 with 3 transactions");
    expect_log(central, "* added block * at height 3");

    /* 8. Wallet node: started again, downloads the new block; stopped, the article's balances. */
    wallet = start_and_listen(wallet_port, NULL);
    expect_log(wallet, "* added block * at height 3");
    expect_clean_stop(&wallet);
    check_balance(wallet_port, wallet_1, 9);
    check_balance(wallet_port, wallet_2, 9);
    check_balance(wallet_port, wallet_3, 1);
    check_balance(wallet_port, wallet_4, 1);
    check_balance(wallet_port, miner_addr, 10);
    check_balance(wallet_port, central_addr, 10);

    /* The other two stop cleanly too, and their databases agree with the wallet node's. */
    expect_clean_stop(&miner);
    expect_clean_stop(&central);
    const guint16 others[] = {miner_port, central_port};
    for (guint i = 0; i < G_N_ELEMENTS(others); i++) {
        check_balance(others[i], wallet_1, 9);
        check_balance(others[i], wallet_2, 9);
        check_balance(others[i], wallet_3, 1);
        check_balance(others[i], wallet_4, 1);
        check_balance(others[i], miner_addr, 10);
        check_balance(others[i], central_addr, 10);
    }
}

/* A second node on a port in use says so and exits 1; the first keeps running. */
static void test_busy_port(void)
{
    g_autofree gchar *addr = create_wallet(central_port);
    CLI_OK(central_port, "createblockchain", "-address", addr);
    central = start_and_listen(central_port, NULL);

    g_autofree gchar *other_dir = g_build_filename(dir, "other", NULL);
    g_assert(g_mkdir(other_dir, 0700) == 0);
    /* Its own copy of the chain, so only the port is in the way, not the database lock. */
    g_autofree gchar *db = g_strdup_printf("blockchain_%u.db", central_port);
    copy_file(dir, db, other_dir, db);
    g_autoptr(Node) second = start_node(other_dir, central_port, central_port, NULL);
    CU_ASSERT_EQUAL(wait_node(second, NODE_HARNESS_DEADLINE_S), 1);
    g_autofree gchar *log = node_log(second);
    g_autofree gchar *busy = g_strdup_printf("error: port %u is busy", central_port);
    BC_ASSERT_CONTAINS(log, busy);

    CU_ASSERT_FALSE(node_exited(central));
    expect_clean_stop(&central);
}

/* Without -mine, send needs the central node: when nobody listens there, exit 1 and the
 * chain is unchanged. */
static void test_send_without_central(void)
{
    g_autofree gchar *from = create_wallet(wallet_port);
    g_autofree gchar *to = create_wallet(wallet_port);
    CLI_OK(wallet_port, "createblockchain", "-address", from);
    g_auto(BcRun) run =
        run_cli(dir, wallet_port, central_port, "send", "-from", from, "-to", to, "-amount", "1");
    CU_ASSERT_EQUAL(run.status, 1);
    BC_ASSERT_CONTAINS(run.err, "error: ");
    check_balance(wallet_port, from, 10);
    check_balance(wallet_port, to, 0);
}

void test_scenario_register(void)
{
    static const BcTest tests[] = {
        {"the article's scenario: central, wallet and miner nodes", test_article_scenario},
        {"a second node on a busy port exits 1", test_busy_port},
        {"send without -mine fails when the central node is down", test_send_without_central},
        {NULL, NULL},
    };
    bc_test_add_suite("10/scenario", setup, teardown, tests);
}
