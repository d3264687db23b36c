/* test_control_wallet.c: the wallet's unconfirmed spends. Sends through a running node leave out
 * the coins its mempool spends already, so 20 sends in a row without a block spend 20 different
 * coins; getbalance -unconfirmed shows the balance after them; a miner that waits for 20 pooled
 * transactions then puts all 20 in one block. */
#include "node_harness.h"

static gchar *dir;
static guint16 node_port, closed_port;
static Node *node;
static const gchar *const threshold_env[] = {"BC_TEST_MINING_THRESHOLD=20", NULL};

static void setup(void)
{
    dir = bc_test_tmpdir();
    guint16 ports[2];
    free_ports(ports, 2);
    node_port = ports[0];
    closed_port = ports[1];
    node_harness_extra_env = threshold_env;
}

static void teardown(void)
{
    g_clear_pointer(&node, node_free);
    node_harness_extra_env = NULL;
    bc_test_tmpdir_remove(dir);
    g_clear_pointer(&dir, g_free);
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

static gchar *balance_line(const gchar *who, gint64 n)
{
    return g_strdup_printf("Balance of '%s': %" G_GINT64_FORMAT "\n", who, n);
}

static gchar *both_lines(const gchar *who, gint64 confirmed, gint64 unconfirmed)
{
    return g_strdup_printf("Balance of '%s': %" G_GINT64_FORMAT "\n"
                           "Unconfirmed balance of '%s': %" G_GINT64_FORMAT "\n",
                           who, confirmed, who, unconfirmed);
}

static guint count_lines(const gchar *text)
{
    guint n = 0;
    for (const gchar *p = text; *p != '\0'; p++)
        n += *p == '\n';
    return n;
}

static void test_twenty_sends(void)
{
    g_autofree gchar *alice = new_address();
    g_autofree gchar *bob = new_address();
    /* Genesis and 20 blocks, each paying alice 10 and moving 1 of hers back to her: each adds
     * one output at least (spent one, made a coinbase and a payment), so she has 21 coins (outputs)
     * or more, of 1 or more each. */
    g_free(CLI("createblockchain", "-address", alice));
    for (guint i = 0; i < 20; i++)
        g_free(CLI("send", "-from", alice, "-to", alice, "-amount", "1", "-mine"));
    g_autofree gchar *before = CLI("getbalance", "-address", alice, "-unconfirmed");
    g_autofree gchar *expected_before = both_lines(alice, 210, 210);
    CU_ASSERT_STRING_EQUAL(before, expected_before); /* no node: no mempool, one figure twice */

    node = start_node(dir, node_port, closed_port, alice);
    g_autofree gchar *up = wait_log(node, "listening on", NODE_HARNESS_DEADLINE_S);
    CU_ASSERT_PTR_NOT_NULL_FATAL(up);
    for (guint i = 1; i <= 19; i++) {
        g_autofree gchar *out = CLI("send", "-from", alice, "-to", bob, "-amount", "1");
        CU_ASSERT_STRING_EQUAL(out, "Success!\n");
    }
    /* 19 pooled, each spending its own coins (the mempool refuses two that spend one). */
    g_autofree gchar *pool = CLI("getmempool");
    CU_ASSERT_EQUAL(count_lines(pool), 19);
    g_autofree gchar *a = CLI("getbalance", "-address", alice, "-unconfirmed");
    g_autofree gchar *b = CLI("getbalance", "-address", bob, "-unconfirmed");
    g_autofree gchar *expected_a = both_lines(alice, 210, 210 - 19);
    g_autofree gchar *expected_b = both_lines(bob, 0, 19);
    CU_ASSERT_STRING_EQUAL(a, expected_a);
    CU_ASSERT_STRING_EQUAL(b, expected_b);
    /* The miner waits for its 20th transaction: nothing to work on yet. */
    g_autofree gchar *waiting = CLI("getinfo");
    BC_ASSERT_CONTAINS(waiting, "mempool: 19 transactions\nmining: ");
    BC_ASSERT_CONTAINS(waiting, " threads, waiting for transactions\n");
    g_autofree gchar *plain = CLI("getbalance", "-address", bob);
    g_autofree gchar *expected_plain = balance_line(bob, 0);
    CU_ASSERT_STRING_EQUAL(plain, expected_plain);

    /* The 20th: the miner mines, all 20 in one block with its coinbase. */
    g_free(CLI("send", "-from", alice, "-to", bob, "-amount", "1"));
    g_autofree gchar *mined =
        wait_log_glob(node, "* mined block * at height 21 with 21 transactions",
                      NODE_HARNESS_DEADLINE_S);
    CU_ASSERT_PTR_NOT_NULL_FATAL(mined);
    g_autofree gchar *after_b = CLI("getbalance", "-address", bob, "-unconfirmed");
    g_autofree gchar *expected_after_b = both_lines(bob, 20, 20);
    CU_ASSERT_STRING_EQUAL(after_b, expected_after_b);
    g_autofree gchar *after_a = CLI("getbalance", "-address", alice);
    g_autofree gchar *expected_after_a = balance_line(alice, 210 - 20 + 10);
    CU_ASSERT_STRING_EQUAL(after_a, expected_after_a);
    g_autofree gchar *empty = CLI("getmempool");
    CU_ASSERT_STRING_EQUAL(empty, "");
    g_autofree gchar *info = CLI("getinfo");
    BC_ASSERT_CONTAINS(info, "height: 21\n");
    CU_ASSERT_EQUAL(stop_node(node), 0);
    /* And the chain on disk says so too, read with no node running. */
    g_autofree gchar *on_disk = CLI("getbalance", "-address", bob);
    g_autofree gchar *expected_disk = balance_line(bob, 20);
    CU_ASSERT_STRING_EQUAL(on_disk, expected_disk);
    /* The newest block holds the coinbase and the 20 payments to bob. */
    g_autofree gchar *chain = CLI("printchain");
    gchar *second_block = strstr(chain + 1, "============ Block");
    CU_ASSERT_PTR_NOT_NULL_FATAL(second_block);
    *second_block = '\0';
    guint txs = 0;
    for (const gchar *p = chain; (p = strstr(p, "--- Transaction")) != NULL; p++)
        txs++;
    CU_ASSERT_EQUAL(txs, 21);
}

/* With every confirmed coin spent by the mempool, the next send is refused as short of funds,
 * not made into a double spend; the unconfirmed change is not spent (see docs/10-daemon.md). */
static void test_out_of_coins(void)
{
    g_autofree gchar *alice = new_address();
    g_autofree gchar *bob = new_address();
    g_free(CLI("createblockchain", "-address", alice));
    node = start_node(dir, node_port, closed_port, NULL);
    g_autofree gchar *up = wait_log(node, "listening on", NODE_HARNESS_DEADLINE_S);
    CU_ASSERT_PTR_NOT_NULL_FATAL(up);
    g_free(CLI("send", "-from", alice, "-to", bob, "-amount", "1"));
    g_auto(BcRun) second =
        run_cli(dir, node_port, closed_port, "send", "-from", alice, "-to", bob, "-amount", "1");
    CU_ASSERT_EQUAL(second.status, 1);
    g_autofree gchar *expected =
        g_strdup_printf("error: not enough funds: '%s' has 0, needs 1\n", alice);
    CU_ASSERT_STRING_EQUAL(second.err, expected);
    g_autofree gchar *pool = CLI("getmempool");
    CU_ASSERT_EQUAL(count_lines(pool), 1);
    g_autofree gchar *a = CLI("getbalance", "-address", alice, "-unconfirmed");
    g_autofree gchar *expected_a = both_lines(alice, 10, 9);
    CU_ASSERT_STRING_EQUAL(a, expected_a);
}

void test_control_wallet_register(void)
{
    static const BcTest tests[] = {
        {"20 sends in a row without a block all land in one block", test_twenty_sends},
        {"a wallet whose coins the mempool spends is short of funds", test_out_of_coins},
        {NULL, NULL},
    };
    bc_test_add_suite("10/control: the wallet's unconfirmed spends", setup, teardown, tests);
}
