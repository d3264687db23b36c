/* test_cli.c: the real program: addblock and printchain in a temporary directory, a chain that
 * survives between runs, help, and usage errors that change nothing. */
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

/* The values of the lines of OUT that start with PREFIX, in order. */
static GPtrArray *values(const gchar *out, const gchar *prefix)
{
    GPtrArray *found = g_ptr_array_new_with_free_func(g_free);
    g_auto(GStrv) lines = g_strsplit(out, "\n", -1);
    for (guint i = 0; lines[i] != NULL; i++)
        if (g_str_has_prefix(lines[i], prefix))
            g_ptr_array_add(found, g_strdup(lines[i] + strlen(prefix)));
    return found;
}

/* The names of the files in DIR, sorted, joined with spaces: "" when it is empty. */
static gchar *listing(void)
{
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const gchar *name;
    while (d != NULL && (name = g_dir_read_name(d)) != NULL)
        g_ptr_array_add(names, g_strdup(name));
    g_ptr_array_sort(names, (GCompareFunc)g_strcmp0);
    g_ptr_array_add(names, NULL);
    return g_strjoinv(" ", (gchar **)names->pdata);
}

/* Checks a printchain output: DATA newest first, each block linked to the next one printed. */
static void check_chain(const gchar *out, const gchar *const *data, guint n)
{
    g_autoptr(GPtrArray) got = values(out, "Data: ");
    g_autoptr(GPtrArray) prevs = values(out, "Prev. hash: ");
    g_autoptr(GPtrArray) hashes = values(out, "Hash: ");
    g_autoptr(GPtrArray) pows = values(out, "PoW: ");
    CU_ASSERT_EQUAL_FATAL(got->len, n);
    CU_ASSERT_EQUAL_FATAL(prevs->len, n);
    CU_ASSERT_EQUAL_FATAL(hashes->len, n);
    CU_ASSERT_EQUAL_FATAL(pows->len, n);
    for (guint i = 0; i < n; i++) {
        CU_ASSERT_STRING_EQUAL(got->pdata[i], data[i]);
        CU_ASSERT_STRING_EQUAL(pows->pdata[i], "true");
        CU_ASSERT_TRUE(g_str_has_prefix(hashes->pdata[i], "00"));
        if (i + 1 < n)
            CU_ASSERT_STRING_EQUAL(prevs->pdata[i], hashes->pdata[i + 1]);
    }
    CU_ASSERT_STRING_EQUAL(prevs->pdata[n - 1],
                           "0000000000000000000000000000000000000000000000000000000000000000");
}

static void test_addblock_printchain(void)
{
    g_auto(BcRun) first = bc_test_run(dir, env, "addblock", "-data", "Send 1 BTC to Ivan", NULL);
    BC_ASSERT_RUN_OK(first);
    CU_ASSERT_STRING_EQUAL(first.out, "Success!\n");
    g_auto(BcRun) second =
        bc_test_run(dir, env, "addblock", "--data", "Pay 0.31337 BTC for a coffee", NULL);
    BC_ASSERT_RUN_OK(second);
    g_autofree gchar *files = listing();
    CU_ASSERT_STRING_EQUAL(files, "blockchain.db");

    static const gchar *const data[] = {"Pay 0.31337 BTC for a coffee", "Send 1 BTC to Ivan",
                                        "Genesis Block"};
    g_auto(BcRun) print = bc_test_run(dir, env, "printchain", NULL);
    BC_ASSERT_RUN_OK(print);
    CU_ASSERT_STRING_EQUAL(print.err, "");
    check_chain(print.out, data, 3);

    /* Another process, later: the same chain, byte for byte the same output. */
    g_auto(BcRun) again = bc_test_run(dir, NULL, "printchain", NULL);
    BC_ASSERT_RUN_OK(again);
    CU_ASSERT_STRING_EQUAL(again.out, print.out);
}

/* The GNU spelling --data=VALUE works, and data may hold spaces and newlines. */
static void test_data_forms(void)
{
    g_auto(BcRun) a = bc_test_run(dir, env, "addblock", "--data=two\nlines", NULL);
    BC_ASSERT_RUN_OK(a);
    g_auto(BcRun) b = bc_test_run(dir, env, "addblock", "-data", "", NULL);
    BC_ASSERT_RUN_OK(b);
    g_auto(BcRun) print = bc_test_run(dir, env, "printchain", NULL);
    BC_ASSERT_RUN_OK(print);
    BC_ASSERT_CONTAINS(print.out, "Data: \n");
    BC_ASSERT_CONTAINS(print.out, "Data: two\nlines\n");
}

/* printchain on an empty directory creates the chain with its genesis block, as the article's
 * program does. */
static void test_printchain_fresh(void)
{
    g_auto(BcRun) print = bc_test_run(dir, env, "printchain", NULL);
    BC_ASSERT_RUN_OK(print);
    static const gchar *const data[] = {"Genesis Block"};
    check_chain(print.out, data, 1);
}

static void test_help(void)
{
    static const gchar *const commands[][3] = {
        {"--help", NULL},         {"-h", NULL},
        {"addblock", "--help"},   {"addblock", "-h"},
        {"printchain", "--help"}, {"printchain", "-help"},
    };
    for (guint i = 0; i < G_N_ELEMENTS(commands); i++) {
        g_auto(BcRun) run = bc_test_runv(dir, env, commands[i]);
        BC_ASSERT_RUN_OK(run);
        BC_ASSERT_CONTAINS(run.out, "usage: blockchain");
        CU_ASSERT_STRING_EQUAL(run.err, "");
    }
    g_auto(BcRun) add = bc_test_run(dir, env, "addblock", "--help", NULL);
    BC_ASSERT_CONTAINS(add.out, "-data DATA");
    g_autofree gchar *files = listing();
    CU_ASSERT_STRING_EQUAL(files, ""); /* help creates no database */
}

/* Runs ARGS, which must be a usage error: "error: ..." or the usage, exit 2, DIR unchanged. */
static void check_usage_error(const gchar *const *args, const gchar *message)
{
    g_autofree gchar *before = listing();
    g_autofree gchar *db = g_build_filename(dir, "blockchain.db", NULL);
    gsize len_before = 0;
    g_autofree gchar *db_before = bc_test_read_file(db, &len_before);
    g_auto(BcRun) run = bc_test_runv(dir, env, args);
    CU_ASSERT_EQUAL(run.status, 2);
    CU_ASSERT_STRING_EQUAL(run.out, "");
    if (message != NULL) {
        CU_ASSERT_TRUE(g_str_has_prefix(run.err, "error: "));
        BC_ASSERT_CONTAINS(run.err, message);
    }
    g_autofree gchar *after = listing();
    CU_ASSERT_STRING_EQUAL(after, before);
    gsize len_after = 0;
    g_autofree gchar *db_after = bc_test_read_file(db, &len_after);
    CU_ASSERT_EQUAL(len_after, len_before);
    CU_ASSERT_TRUE(
        (db_before == NULL && db_after == NULL) ||
        (db_before != NULL && db_after != NULL && memcmp(db_before, db_after, len_before) == 0));
}

static void check_all_usage_errors(void)
{
    static const struct {
        const gchar *args[6];
        const gchar *message;
    } cases[] = {
        {{"mine", NULL}, "unknown command 'mine'"},
        {{"addblock", NULL}, "needs -data"},
        {{"addblock", "-data", NULL}, "needs a value"},
        {{"addblock", "-dta", "x", NULL}, "unknown option '-dta'"},
        {{"addblock", "-data", "x", "extra", NULL}, "unexpected argument 'extra'"},
        {{"addblock", "-data", "x", "-data", "y", NULL}, "given twice"},
        {{"printchain", "-lmit", "3", NULL}, "unknown option '-lmit'"},
        {{"printchain", "extra", NULL}, "unexpected argument"},
        {{0}, NULL}, /* no command: the usage, on stderr */
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++)
        check_usage_error(cases[i].args, cases[i].message);
}

static void test_usage_errors_empty_dir(void)
{
    check_all_usage_errors();
    g_autofree gchar *files = listing();
    CU_ASSERT_STRING_EQUAL(files, "");
}

static void test_usage_errors_existing_chain(void)
{
    g_auto(BcRun) add = bc_test_run(dir, env, "addblock", "-data", "keep me", NULL);
    BC_ASSERT_RUN_OK(add);
    check_all_usage_errors();
}

static void test_bad_target_bits(void)
{
    const gchar *bad[] = {"BC_TARGET_BITS=abc", NULL};
    g_auto(BcRun) run = bc_test_run(dir, bad, "addblock", "-data", "x", NULL);
    CU_ASSERT_EQUAL(run.status, 1);
    CU_ASSERT_TRUE(g_str_has_prefix(run.err, "error: BC_TARGET_BITS"));
    g_autofree gchar *files = listing();
    CU_ASSERT_STRING_EQUAL(files, "");
}

void test_cli_register(void)
{
    static const BcTest tests[] = {
        {"addblock twice, printchain, again in a new process", test_addblock_printchain},
        {"--data=VALUE, empty data, newlines", test_data_forms},
        {"printchain on a fresh directory", test_printchain_fresh},
        {"--help for every command", test_help},
        {"usage errors in an empty directory", test_usage_errors_empty_dir},
        {"usage errors leave a chain unchanged", test_usage_errors_existing_chain},
        {"invalid BC_TARGET_BITS", test_bad_target_bits},
        {NULL, NULL},
    };
    bc_test_add_suite("03/cli", setup, teardown, tests);
}
