/* test_cli.c: the real program plays the article's part 6 session (wallets, a chain, a send whose
 * block pays the sender, reindexutxo), -mine and --mine, 300 sends in a row, --help. What it
 * refuses is in test_cli_bad_input.c. */
#include <glib/gstdio.h>
#include <string.h>

#include "bc_test.h"
#include "blockchain.h"
#include "cli_fixture.h"
#include "utxo_set.h"
#include "wallets.h"

/* The long run mines 300 blocks: the lowest difficulty, since only the outcome is checked. */
static const gchar *const env_fast[] = {"BC_TARGET_BITS=1", NULL};

/* The article's session: three wallets, a chain whose genesis pays A, and A sending 6 to B. The
 * send's block pays its reward to A: 10 - 6 + 10 = 14. */
static void test_article_session(void)
{
    g_autofree gchar *a = create_wallet();
    g_autofree gchar *b = create_wallet();
    g_autofree gchar *c = create_wallet();
    g_auto(BcRun) list = bc_test_run(dir, env, "listaddresses", NULL);
    BC_ASSERT_RUN_OK(list);
    CU_ASSERT_EQUAL(count(list.out, "\n"), 3);
    BC_ASSERT_CONTAINS(list.out, a);
    BC_ASSERT_CONTAINS(list.out, b);
    BC_ASSERT_CONTAINS(list.out, c);

    RUN_OK("Done!\n", "createblockchain", "-address", a);
    check_balance(a, 10);
    check_balance(b, 0);
    check_reindex(1); /* the genesis coinbase */
    RUN_OK("Success!\n", "send", "-from", a, "-to", b, "-amount", "6", "-mine");
    check_balance(a, 14);
    check_balance(b, 6);
    check_balance(c, 0);
    /* The send (6 to B, 4 back to A) and the new block's coinbase (10 to A). */
    check_reindex(2);
    check_balance(a, 14);
    check_balance(b, 6);

    /* B pays C out of the 6 it got: output 0 of the first send. A still owns output 1. */
    RUN_OK("Success!\n", "send", "-from", b, "-to", c, "-amount", "2", "-mine");
    check_balance(a, 14);
    check_balance(b, 14);
    check_balance(c, 2);
    check_reindex(4);
    /* A spends everything, the 4 of change (output 1) included. */
    RUN_OK("Success!\n", "send", "-from", a, "-to", c, "-amount", "14", "-mine");
    check_balance(a, 10);
    check_balance(c, 16);
    check_reindex(4);
    check_balance(a, 10);
    check_balance(b, 14);
    check_balance(c, 16);

    g_auto(BcRun) chain = bc_test_run(dir, env, "printchain", NULL);
    BC_ASSERT_RUN_OK(chain);
    CU_ASSERT_EQUAL(count(chain.out, "============ Block "), 4);
    CU_ASSERT_EQUAL(count(chain.out, "PoW: true\n"), 4);
    CU_ASSERT_EQUAL(count(chain.out, "--- Transaction "), 7); /* 4 coinbases, 3 sends */
}

/* -mine, --mine or neither: the block is mined here either way and pays the sender. */
static void test_mine_flag(void)
{
    g_autofree gchar *a = create_wallet();
    g_autofree gchar *b = create_wallet();
    RUN_OK("Done!\n", "createblockchain", "-address", a);
    RUN_OK("Success!\n", "send", "-from", a, "-to", b, "-amount", "1", "-mine");
    RUN_OK("Success!\n", "send", "--from", a, "--to", b, "--amount", "1", "--mine");
    RUN_OK("Success!\n", "send", "-mine", "-from", a, "-to", b, "-amount", "1");
    RUN_OK("Success!\n", "send", "-from", a, "-to", b, "-amount", "1");
    check_balance(a, 10 - 4 + 4 * 10);
    check_balance(b, 4);
    /* Which of A's outputs each send spent depends on the set's order: count the records. */
    g_autoptr(GPtrArray) records = keys(UTXO_PREFIX);
    check_reindex(records->len);
    check_balance(a, 46);
}

/* 300 sends in a row, back and forth, every one a success; the balances are what they add up
 * to, before and after a reindex. */
static void test_300_sends(void)
{
    g_autofree gchar *a = create_wallet();
    g_autofree gchar *b = create_wallet();
    const gchar *names[] = {a, b};
    gint64 balance[2] = {10, 0};
    run_ok(env_fast, "Done!\n", (const gchar *const[]){"createblockchain", "-address", a, NULL});
    for (guint i = 0; i < 300; i++) {
        guint from = i % 2, to = 1 - from;
        gint64 amount = MIN(balance[from], 1 + (i * 7) % 13);
        g_autofree gchar *text = g_strdup_printf("%" G_GINT64_FORMAT, amount);
        g_auto(BcRun) run = bc_test_run(dir, env_fast, "send", "-from", names[from], "-to",
                                        names[to], "-amount", text, "-mine", NULL);
        if (run.status != 0)
            g_printerr("\n  send %u failed: %s", i, run.err);
        CU_ASSERT_EQUAL_FATAL(run.status, 0);
        CU_ASSERT_STRING_EQUAL(run.out, "Success!\n");
        balance[from] += SUBSIDY - amount;
        balance[to] += amount;
    }
    CU_ASSERT_EQUAL(balance[0] + balance[1], 301 * SUBSIDY);
    check_balance(a, balance[0]);
    check_balance(b, balance[1]);
    g_auto(BcRun) reindex = bc_test_run(dir, env, "reindexutxo", NULL);
    BC_ASSERT_RUN_OK(reindex);
    CU_ASSERT_TRUE(g_str_has_prefix(reindex.out, "Done! There are "));
    check_balance(a, balance[0]);
    check_balance(b, balance[1]);
    g_auto(BcRun) chain = bc_test_run(dir, env, "printchain", NULL);
    BC_ASSERT_RUN_OK(chain);
    CU_ASSERT_EQUAL(count(chain.out, "PoW: true\n"), 301);
}

static void test_help(void)
{
    g_auto(BcRun) send = bc_test_run(dir, env, "send", "--help", NULL);
    BC_ASSERT_RUN_OK(send);
    BC_ASSERT_CONTAINS(send.out, "-mine");
    BC_ASSERT_CONTAINS(send.out, "reward of 10");
    g_auto(BcRun) reindex = bc_test_run(dir, env, "reindexutxo", "--help", NULL);
    BC_ASSERT_RUN_OK(reindex);
    CU_ASSERT_TRUE(g_str_has_prefix(reindex.out, "usage: blockchain reindexutxo"));
    g_auto(BcRun) all = bc_test_run(dir, env, "--help", NULL);
    BC_ASSERT_RUN_OK(all);
    BC_ASSERT_CONTAINS(all.out, "reindexutxo");
    BC_ASSERT_CONTAINS(all.out, "[-mine]");
    CU_ASSERT_FALSE(g_file_test(db, G_FILE_TEST_EXISTS));
}

void test_cli_register(void)
{
    static const BcTest tests[] = {
        {"the article's session, with reindexutxo", test_article_session},
        {"-mine and --mine", test_mine_flag},
        {"300 sends in a row", test_300_sends},
        {"--help", test_help},
        {NULL, NULL},
    };
    bc_test_add_suite("06/cli", setup, teardown, tests);
}
