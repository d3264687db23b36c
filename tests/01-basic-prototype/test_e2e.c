/* test_e2e.c: the real program prints the article's three blocks, each linked to the one before. */
#include <string.h>

#include "bc_test.h"

typedef struct {
    gchar *prev, *data, *hash;
} PrintedBlock;

static void printed_block_clear(PrintedBlock *b)
{
    g_free(b->prev);
    g_free(b->data);
    g_free(b->hash);
}

/* Value of "NAME: value" when LINE starts with NAME, else NULL. */
static gchar *field(const gchar *line, const gchar *name)
{
    gsize n = strlen(name);
    if (strncmp(line, name, n) != 0 || strncmp(line + n, ": ", 2) != 0)
        return NULL;
    return g_strdup(line + n + 2);
}

/* The blocks in OUT, each "Prev. hash", "Data", "Hash" and an empty line; NULL if malformed. */
static GArray *parse_blocks(const gchar *out)
{
    g_autoptr(GArray) blocks = g_array_new(FALSE, TRUE, sizeof(PrintedBlock));
    g_array_set_clear_func(blocks, (GDestroyNotify)printed_block_clear);
    g_auto(GStrv) lines = g_strsplit(out, "\n", -1);
    guint n = g_strv_length(lines);
    guint i = 0;
    while (i + 4 <= n) {
        PrintedBlock b = {field(lines[i], "Prev. hash"), field(lines[i + 1], "Data"),
                          field(lines[i + 2], "Hash")};
        gboolean ok = b.prev != NULL && b.data != NULL && b.hash != NULL && *lines[i + 3] == '\0';
        g_array_append_val(blocks, b);
        if (!ok)
            return NULL;
        i += 4;
    }
    /* What is left is the empty string after the last newline. */
    if (i + 1 != n || *lines[i] != '\0')
        return NULL;
    return g_steal_pointer(&blocks);
}

static gboolean is_hash_hex(const gchar *s)
{
    if (strlen(s) != 64)
        return FALSE;
    for (const gchar *p = s; *p; p++)
        if (!g_ascii_isdigit(*p) && !(*p >= 'a' && *p <= 'f'))
            return FALSE;
    return TRUE;
}

static void test_prints_linked_chain(void)
{
    g_autofree gchar *dir = bc_test_tmpdir();
    g_auto(BcRun) run = bc_test_run(dir, NULL, NULL);
    bc_test_tmpdir_remove(dir);
    BC_ASSERT_RUN_OK(run);
    CU_ASSERT_STRING_EQUAL(run.err, "");
    g_autoptr(GArray) blocks = parse_blocks(run.out);
    CU_ASSERT_PTR_NOT_NULL_FATAL(blocks);
    CU_ASSERT_EQUAL_FATAL(blocks->len, 3);
    static const gchar *const data[] = {"Genesis Block", "Send 1 BTC to Ivan",
                                        "Send 2 more BTC to Ivan"};
    for (guint i = 0; i < blocks->len; i++) {
        const PrintedBlock *b = &g_array_index(blocks, PrintedBlock, i);
        CU_ASSERT_STRING_EQUAL(b->data, data[i]);
        CU_ASSERT_TRUE(is_hash_hex(b->prev));
        CU_ASSERT_TRUE(is_hash_hex(b->hash));
        if (i == 0)
            CU_ASSERT_STRING_EQUAL(
                b->prev, "0000000000000000000000000000000000000000000000000000000000000000");
        if (i > 0) {
            const PrintedBlock *parent = &g_array_index(blocks, PrintedBlock, i - 1);
            CU_ASSERT_STRING_EQUAL(b->prev, parent->hash);
            CU_ASSERT_STRING_NOT_EQUAL(b->hash, parent->hash);
        }
    }
}

/* The program writes nothing to disk: the chain lives in memory. */
static void test_leaves_no_files(void)
{
    g_autofree gchar *dir = bc_test_tmpdir();
    g_auto(BcRun) run = bc_test_run(dir, NULL, NULL);
    BC_ASSERT_RUN_OK(run);
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    CU_ASSERT_PTR_NOT_NULL(d);
    CU_ASSERT_PTR_NULL(d != NULL ? g_dir_read_name(d) : NULL);
    bc_test_tmpdir_remove(dir);
}

void test_e2e_register(void)
{
    static const BcTest tests[] = {
        {"prints three linked blocks", test_prints_linked_chain},
        {"leaves no files", test_leaves_no_files},
        {NULL, NULL},
    };
    bc_test_add_suite("01/e2e", NULL, NULL, tests);
}
