/* test_e2e.c: the real program mines three blocks that pass the check, and refuses bad settings. */
#include <string.h>

#include "bc_test.h"

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

static void test_three_valid_blocks(void)
{
    g_autofree gchar *dir = bc_test_tmpdir();
    const gchar *env[] = {"BC_TARGET_BITS=8", NULL};
    g_auto(BcRun) run = bc_test_run(dir, env, NULL);
    bc_test_tmpdir_remove(dir);
    BC_ASSERT_RUN_OK(run);
    CU_ASSERT_EQUAL(count(run.out, "PoW: true\n"), 3);
    CU_ASSERT_EQUAL(count(run.out, "PoW: false"), 0);
    g_autoptr(GPtrArray) data = values(run.out, "Data: ");
    g_autoptr(GPtrArray) hashes = values(run.out, "Hash: ");
    g_autoptr(GPtrArray) prevs = values(run.out, "Prev. hash: ");
    CU_ASSERT_EQUAL_FATAL(data->len, 3);
    CU_ASSERT_EQUAL_FATAL(hashes->len, 3);
    CU_ASSERT_EQUAL_FATAL(prevs->len, 3);
    CU_ASSERT_STRING_EQUAL(data->pdata[0], "Genesis Block");
    CU_ASSERT_STRING_EQUAL(data->pdata[1], "Send 1 BTC to Ivan");
    CU_ASSERT_STRING_EQUAL(data->pdata[2], "Send 2 more BTC to Ivan");
    for (guint i = 0; i < 3; i++) {
        /* 8 target bits: every hash starts with two zero hex digits. */
        CU_ASSERT_TRUE(g_str_has_prefix(hashes->pdata[i], "00"));
        if (i > 0)
            CU_ASSERT_STRING_EQUAL(prevs->pdata[i], hashes->pdata[i - 1]);
    }
}

static void check_bad_bits(const gchar *setting)
{
    g_autofree gchar *dir = bc_test_tmpdir();
    const gchar *env[] = {setting, NULL};
    g_auto(BcRun) run = bc_test_run(dir, env, NULL);
    bc_test_tmpdir_remove(dir);
    CU_ASSERT_EQUAL(run.status, 1);
    CU_ASSERT_TRUE(g_str_has_prefix(run.err, "error: "));
    BC_ASSERT_CONTAINS(run.err, "BC_TARGET_BITS");
    CU_ASSERT_STRING_EQUAL(run.out, ""); /* nothing mined, nothing printed */
}

static void test_bad_target_bits(void)
{
    check_bad_bits("BC_TARGET_BITS=x");
    check_bad_bits("BC_TARGET_BITS=0");
    check_bad_bits("BC_TARGET_BITS=33");
}

void test_e2e_register(void)
{
    static const BcTest tests[] = {
        {"three blocks with valid proof of work", test_three_valid_blocks},
        {"invalid BC_TARGET_BITS is an error", test_bad_target_bits},
        {NULL, NULL},
    };
    bc_test_add_suite("02/e2e", NULL, NULL, tests);
}
