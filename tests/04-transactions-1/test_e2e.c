/* test_e2e.c: the real program plays the article's part 4 session, and refuses bad command lines
 * and overspending without touching the database. */
#include <string.h>

#include "bc_test.h"

static const gchar *const env[] = {"BC_TARGET_BITS=8", NULL};
static gchar *dir;

static void setup(void)
{
    dir = bc_test_tmpdir();
}

static void teardown(void)
{
    bc_test_tmpdir_remove(dir);
    g_clear_pointer(&dir, g_free);
}

static gchar *db_path(void)
{
    return g_build_filename(dir, "blockchain.db", NULL);
}

/* Runs the program and expects it to succeed with exactly OUT on stdout. */
static void run_ok(const gchar *out, const gchar *const *args)
{
    g_auto(BcRun) run = bc_test_runv(dir, env, args);
    BC_ASSERT_RUN_OK(run);
    if (out != NULL) {
        if (g_strcmp0(run.out, out) != 0)
            g_printerr("\n  expected \"%s\", got \"%s\"\n", out, run.out);
        CU_ASSERT_STRING_EQUAL(run.out, out);
    }
}

#define RUN_OK(out, ...) run_ok(out, (const gchar *const[]){__VA_ARGS__, NULL})

static void check_balance(const gchar *address, gint64 expected)
{
    g_autofree gchar *line =
        g_strdup_printf("Balance of '%s': %" G_GINT64_FORMAT "\n", address, expected);
    RUN_OK(line, "getbalance", "-address", address);
}

/* How many times NEEDLE occurs in HAYSTACK. */
static guint count(const gchar *haystack, const gchar *needle)
{
    guint n = 0;
    for (const gchar *p = strstr(haystack, needle); p != NULL; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* The values of the lines starting with PREFIX, in order. */
static GPtrArray *values(const gchar *out, const gchar *prefix)
{
    GPtrArray *found = g_ptr_array_new_with_free_func(g_free);
    g_auto(GStrv) lines = g_strsplit(out, "\n", -1);
    for (guint i = 0; lines[i] != NULL; i++)
        if (g_str_has_prefix(lines[i], prefix))
            g_ptr_array_add(found, g_strdup(lines[i] + strlen(prefix)));
    return found;
}

static void test_article_session(void)
{
    RUN_OK("Done!\n", "createblockchain", "-address", "Ivan");
    check_balance("Ivan", 10);
    RUN_OK("Success!\n", "send", "-from", "Ivan", "-to", "Pedro", "-amount", "6");
    check_balance("Ivan", 4);
    check_balance("Pedro", 6);
    RUN_OK("Success!\n", "send", "-from", "Pedro", "-to", "Helen", "-amount", "2");
    check_balance("Ivan", 4);
    check_balance("Pedro", 4);
    check_balance("Helen", 2);
    check_balance("Nobody", 0);

    /* Overspending: an error, and not one byte of the database changes. */
    g_autofree gchar *db = db_path();
    gsize len_before = 0, len_after = 0;
    g_autofree gchar *before = bc_test_read_file(db, &len_before);
    CU_ASSERT_PTR_NOT_NULL_FATAL(before);
    g_auto(BcRun) over =
        bc_test_run(dir, env, "send", "-from", "Pedro", "-to", "Ivan", "-amount", "5", NULL);
    CU_ASSERT_EQUAL(over.status, 1);
    CU_ASSERT_STRING_EQUAL(over.out, "");
    CU_ASSERT_TRUE(g_str_has_prefix(over.err, "error: not enough funds"));
    BC_ASSERT_CONTAINS(over.err, "'Pedro' has 4, needs 5");
    g_autofree gchar *after = bc_test_read_file(db, &len_after);
    CU_ASSERT_EQUAL_FATAL(len_before, len_after);
    CU_ASSERT_EQUAL(memcmp(before, after, len_before), 0);
    check_balance("Pedro", 4);
}

/* printchain lists every block mined, newest first, each linked to the next one printed. */
static void test_printchain(void)
{
    RUN_OK("Done!\n", "createblockchain", "-address", "Ivan");
    g_auto(BcRun) first = bc_test_run(dir, env, "printchain", NULL);
    BC_ASSERT_RUN_OK(first);
    g_autoptr(GPtrArray) genesis = values(first.out, "Hash: ");
    CU_ASSERT_EQUAL_FATAL(genesis->len, 1);
    RUN_OK("Success!\n", "send", "-from", "Ivan", "-to", "Pedro", "-amount", "6");
    RUN_OK("Success!\n", "send", "-from", "Pedro", "-to", "Helen", "-amount", "2");

    g_auto(BcRun) run = bc_test_run(dir, env, "printchain", NULL);
    BC_ASSERT_RUN_OK(run);
    CU_ASSERT_EQUAL(count(run.out, "PoW: true\n"), 3);
    CU_ASSERT_EQUAL(count(run.out, "PoW: false"), 0);
    CU_ASSERT_EQUAL(count(run.out, "Transactions: 1\n"), 3);
    g_autoptr(GPtrArray) hashes = values(run.out, "Hash: ");
    g_autoptr(GPtrArray) prevs = values(run.out, "Prev. hash: ");
    CU_ASSERT_EQUAL_FATAL(hashes->len, 3);
    CU_ASSERT_EQUAL_FATAL(prevs->len, 3);
    for (guint i = 0; i < 3; i++) {
        CU_ASSERT_TRUE(g_str_has_prefix(hashes->pdata[i], "00")); /* 8 bits of work */
        if (i + 1 < 3)
            CU_ASSERT_STRING_EQUAL(prevs->pdata[i], hashes->pdata[i + 1]);
    }
    /* The genesis block, printed when it was alone, now comes last. */
    CU_ASSERT_STRING_EQUAL(hashes->pdata[2], genesis->pdata[0]);
    g_autofree gchar *zero = g_strnfill(64, '0');
    CU_ASSERT_STRING_EQUAL(prevs->pdata[2], zero);
}

static void test_gnu_options(void)
{
    RUN_OK("Done!\n", "createblockchain", "--address", "Ivan");
    RUN_OK("Success!\n", "send", "--from", "Ivan", "--to", "Pedro", "--amount", "6");
    RUN_OK("Success!\n", "send", "--from=Pedro", "--to=Helen", "--amount=2");
    RUN_OK("Success!\n", "send", "-amount", "1", "-to", "Ivan", "-from", "Helen");
    check_balance("Ivan", 5);
    RUN_OK("Balance of 'Pedro': 4\n", "getbalance", "--address=Pedro");
    check_balance("Helen", 1);
}

static void check_help(const gchar *command, const gchar *const *options)
{
    g_auto(BcRun) run = bc_test_run(dir, env, command, "--help", NULL);
    BC_ASSERT_RUN_OK(run);
    g_autofree gchar *usage = g_strdup_printf("usage: blockchain %s", command);
    CU_ASSERT_TRUE(g_str_has_prefix(run.out, usage));
    for (guint i = 0; options[i] != NULL; i++)
        BC_ASSERT_CONTAINS(run.out, options[i]);
    CU_ASSERT_STRING_EQUAL(run.err, "");
}

static void test_help(void)
{
    check_help("createblockchain", (const gchar *const[]){"-address ADDRESS", NULL});
    check_help("getbalance", (const gchar *const[]){"-address ADDRESS", NULL});
    check_help("send", (const gchar *const[]){"-from ADDRESS", "-to ADDRESS", "-amount N", NULL});
    check_help("printchain", (const gchar *const[]){"--help", NULL});
    /* The program's own help lists every command. */
    g_auto(BcRun) run = bc_test_run(dir, env, "--help", NULL);
    BC_ASSERT_RUN_OK(run);
    const gchar *commands[] = {"createblockchain", "getbalance", "send", "printchain"};
    for (guint i = 0; i < G_N_ELEMENTS(commands); i++)
        BC_ASSERT_CONTAINS(run.out, commands[i]);
    /* Help is no command: nothing was created. */
    g_autofree gchar *db = db_path();
    CU_ASSERT_FALSE(g_file_test(db, G_FILE_TEST_EXISTS));
}

/* A usage error: exit 2, "error: ..." on stderr, nothing on stdout. */
static void check_usage_error(const gchar *const *args)
{
    g_auto(BcRun) run = bc_test_runv(dir, env, args);
    if (run.status != 2)
        g_printerr("\n  %s ... exited %d: %s%s\n", args[0], run.status, run.out, run.err);
    CU_ASSERT_EQUAL(run.status, 2);
    CU_ASSERT_TRUE(g_str_has_prefix(run.err, "error: "));
    CU_ASSERT_STRING_EQUAL(run.out, "");
}

#define USAGE_ERROR(...) check_usage_error((const gchar *const[]){__VA_ARGS__, NULL})

static void test_bad_command_lines(void)
{
    RUN_OK("Done!\n", "createblockchain", "-address", "Ivan");
    g_autofree gchar *db = db_path();
    gsize len_before = 0, len_after = 0;
    g_autofree gchar *before = bc_test_read_file(db, &len_before);

    const gchar *amounts[] = {"0", "-1", "abc", "99999999999", "1.5", "", "6x"};
    for (guint i = 0; i < G_N_ELEMENTS(amounts); i++) {
        USAGE_ERROR("send", "-from", "Ivan", "-to", "Pedro", "-amount", amounts[i]);
        g_auto(BcRun) run = bc_test_run(dir, env, "send", "-from", "Ivan", "-to", "Pedro",
                                        "-amount", amounts[i], NULL);
        BC_ASSERT_CONTAINS(run.err, "-amount");
    }
    USAGE_ERROR("send", "-from", "Ivan", "-to", "Pedro");
    USAGE_ERROR("send", "-from", "Ivan", "-amount", "1");
    USAGE_ERROR("send", "-to", "Pedro", "-amount", "1");
    USAGE_ERROR("send", "-from", "Ivan", "-to", "Pedro", "-amount");
    USAGE_ERROR("send", "-from", "Ivan", "-from", "Ivan", "-to", "Pedro", "-amount", "1");
    USAGE_ERROR("send", "-from", "Ivan", "-to", "Pedro", "-amount", "1", "extra");
    USAGE_ERROR("send", "-from", "Ivan", "-to", "Pedro", "-amount", "1", "-mine");
    USAGE_ERROR("getbalance");
    USAGE_ERROR("getbalance", "-addr", "Ivan");
    USAGE_ERROR("createblockchain");
    USAGE_ERROR("printchain", "-address", "Ivan");
    USAGE_ERROR("addblock", "-data", "x"); /* chapter 3's command is gone */

    /* An empty address is an error too, though not a usage one. */
    g_auto(BcRun) empty =
        bc_test_run(dir, env, "send", "-from", "", "-to", "Pedro", "-amount", "1", NULL);
    CU_ASSERT_EQUAL(empty.status, 1);
    CU_ASSERT_TRUE(g_str_has_prefix(empty.err, "error: "));

    g_autofree gchar *after = bc_test_read_file(db, &len_after);
    CU_ASSERT_EQUAL_FATAL(len_before, len_after);
    CU_ASSERT_EQUAL(memcmp(before, after, len_before), 0);
    check_balance("Ivan", 10);
}

/* Without a blockchain, every command but createblockchain says so and creates nothing. */
static void test_no_blockchain(void)
{
    g_autofree gchar *db = db_path();
    const gchar *const getbalance[] = {"getbalance", "-address", "Ivan", NULL};
    const gchar *const send[] = {"send", "-from", "Ivan", "-to", "Pedro", "-amount", "1", NULL};
    const gchar *const printchain[] = {"printchain", NULL};
    const gchar *const *commands[] = {getbalance, send, printchain};
    for (guint i = 0; i < G_N_ELEMENTS(commands); i++) {
        g_auto(BcRun) run = bc_test_runv(dir, env, commands[i]);
        CU_ASSERT_EQUAL(run.status, 1);
        CU_ASSERT_STRING_EQUAL(run.out, "");
        CU_ASSERT_TRUE(g_str_has_prefix(run.err, "error: no blockchain"));
        BC_ASSERT_CONTAINS(run.err, "createblockchain -address");
        CU_ASSERT_FALSE(g_file_test(db, G_FILE_TEST_EXISTS));
    }
}

static void test_create_twice(void)
{
    RUN_OK("Done!\n", "createblockchain", "-address", "Ivan");
    g_auto(BcRun) run = bc_test_run(dir, env, "createblockchain", "-address", "Pedro", NULL);
    CU_ASSERT_EQUAL(run.status, 1);
    CU_ASSERT_STRING_EQUAL(run.out, "");
    BC_ASSERT_CONTAINS(run.err, "error: a blockchain already exists");
    check_balance("Ivan", 10);
    check_balance("Pedro", 0);
}

/* Addresses are stored as GVariant strings: bytes that are not UTF-8 are refused up front. */
static void test_address_not_utf8(void)
{
    g_autofree gchar *db = db_path();
    g_auto(BcRun) create = bc_test_run(dir, env, "createblockchain", "-address",
                                       "Iv\xff"
                                       "an",
                                       NULL);
    CU_ASSERT_EQUAL(create.status, 1);
    CU_ASSERT_STRING_EQUAL(create.err, "error: invalid address: it is not UTF-8 text\n");
    CU_ASSERT_FALSE(g_file_test(db, G_FILE_TEST_EXISTS));
    RUN_OK("Done!\n", "createblockchain", "-address", "Ivan");
    g_auto(BcRun) send =
        bc_test_run(dir, env, "send", "-from", "Ivan", "-to", "\xc3", "-amount", "1", NULL);
    CU_ASSERT_EQUAL(send.status, 1);
    CU_ASSERT_STRING_EQUAL(send.err, "error: invalid address: it is not UTF-8 text\n");
    g_auto(BcRun) balance = bc_test_run(dir, env, "getbalance", "-address", "\xff", NULL);
    CU_ASSERT_EQUAL(balance.status, 1);
    /* Any UTF-8 text is a name in this chapter. */
    RUN_OK("Success!\n", "send", "-from", "Ivan", "-to",
           "P\xc3\xa9"
           "dro",
           "-amount", "1");
    RUN_OK("Balance of 'P\xc3\xa9"
           "dro': 1\n",
           "getbalance", "-address",
           "P\xc3\xa9"
           "dro");
}

/* A send whose block would be over the size limit fails, instead of writing a block that no
 * command could read back. Long names make it happen: nine one-coin outputs owned by a
 * 120,000-character address, spent together, sign nine inputs with that address. */
static void test_block_too_large(void)
{
    g_autofree gchar *big = g_strnfill(120000, 'a');
    RUN_OK("Done!\n", "createblockchain", "-address", "Bob");
    for (guint i = 0; i < 9; i++)
        RUN_OK("Success!\n", "send", "-from", "Bob", "-to", big, "-amount", "1");
    g_autofree gchar *db = db_path();
    gsize len_before = 0, len_after = 0;
    g_autofree gchar *before = bc_test_read_file(db, &len_before);
    g_auto(BcRun) run =
        bc_test_run(dir, env, "send", "-from", big, "-to", "Bob", "-amount", "9", NULL);
    CU_ASSERT_EQUAL(run.status, 1);
    CU_ASSERT_TRUE(g_str_has_prefix(run.err, "error: the block would be "));
    BC_ASSERT_CONTAINS(run.err, "over the limit");
    g_autofree gchar *after = bc_test_read_file(db, &len_after);
    CU_ASSERT_EQUAL_FATAL(len_before, len_after);
    CU_ASSERT_EQUAL(memcmp(before, after, len_before), 0);
    check_balance("Bob", 1);
    RUN_OK("Success!\n", "send", "-from", big, "-to", "Bob", "-amount", "8");
    check_balance("Bob", 9);
}

void test_e2e_register(void)
{
    static const BcTest tests[] = {
        {"the article's session", test_article_session},
        {"printchain: every block, newest first", test_printchain},
        {"GNU-style options", test_gnu_options},
        {"--help of every command", test_help},
        {"bad command lines exit 2 and change nothing", test_bad_command_lines},
        {"no blockchain yet", test_no_blockchain},
        {"createblockchain twice", test_create_twice},
        {"addresses must be UTF-8", test_address_not_utf8},
        {"a block over the size limit is not written", test_block_too_large},
        {NULL, NULL},
    };
    bc_test_add_suite("04/e2e", setup, teardown, tests);
}
