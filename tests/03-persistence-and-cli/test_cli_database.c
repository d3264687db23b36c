/* test_cli_database.c: the real program on a database it cannot use: locked by another process,
 * not a GDBM file, cut short, or holding a damaged block. Each gives "error: ...", exit 1, and
 * leaves the file as it was. */
#include <string.h>

#include "bc_store.h"
#include "bc_test.h"
#include "blockchain.h"

static const gchar *const env[] = {"BC_TARGET_BITS=8", NULL};

static gchar *dir;
static gchar *db;

static void setup(void)
{
    dir = bc_test_tmpdir();
    db = g_build_filename(dir, BLOCKCHAIN_DB_FILE, NULL);
}

static void teardown(void)
{
    bc_test_tmpdir_remove(dir);
    g_clear_pointer(&dir, g_free);
    g_clear_pointer(&db, g_free);
}

/* A chain of genesis and two blocks made by the program itself; returns the file's bytes. */
static GBytes *make_chain(void)
{
    g_auto(BcRun) a = bc_test_run(dir, env, "addblock", "-data", "first", NULL);
    g_auto(BcRun) b = bc_test_run(dir, env, "addblock", "-data", "second", NULL);
    g_assert(a.status == 0 && b.status == 0);
    gsize len = 0;
    gchar *contents = bc_test_read_file(db, &len);
    g_assert(contents != NULL);
    return g_bytes_new_take(contents, len);
}

static GBytes *read_db(void)
{
    gsize len = 0;
    gchar *contents = bc_test_read_file(db, &len);
    return contents != NULL ? g_bytes_new_take(contents, len) : NULL;
}

static void write_db(const void *data, gsize len)
{
    g_autoptr(GError) error = NULL;
    g_file_set_contents(db, data, (gssize)len, &error);
    g_assert_no_error(error);
}

/* Runs ARGS; it must fail with exit 1, "error: " and MESSAGE on stderr, and leave the file
 * byte for byte as it was. */
static void check_fails(const gchar *const *args, const gchar *message)
{
    g_autoptr(GBytes) before = read_db();
    g_auto(BcRun) run = bc_test_runv(dir, env, args);
    CU_ASSERT_EQUAL(run.status, 1);
    CU_ASSERT_TRUE(g_str_has_prefix(run.err, "error: "));
    if (message != NULL)
        BC_ASSERT_CONTAINS(run.err, message);
    g_autoptr(GBytes) after = read_db();
    CU_ASSERT_TRUE(before != NULL && after != NULL && g_bytes_equal(before, after));
}

static const gchar *const addblock[] = {"addblock", "-data", "more", NULL};
static const gchar *const printchain[] = {"printchain", NULL};

static void test_locked_by_writer(void)
{
    g_bytes_unref(make_chain());
    {
        g_autoptr(GError) error = NULL;
        g_autoptr(BcStore) store = bc_store_open(db, BC_STORE_WRITE, &error);
        CU_ASSERT_PTR_NOT_NULL_FATAL(store);
        check_fails(addblock, "in use by another process");
        check_fails(printchain, "in use by another process");
    }
    /* Once the other process lets go, the chain is usable again. */
    g_auto(BcRun) run = bc_test_run(dir, env, "printchain", NULL);
    BC_ASSERT_RUN_OK(run);
    BC_ASSERT_CONTAINS(run.out, "Data: second\n");
}

/* Readers share the file; a writer must wait for them to finish. */
static void test_locked_by_reader(void)
{
    g_bytes_unref(make_chain());
    g_autoptr(GError) error = NULL;
    g_autoptr(BcStore) store = bc_store_open(db, BC_STORE_READ, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(store);
    check_fails(addblock, "in use by another process");
    g_auto(BcRun) run = bc_test_run(dir, env, "printchain", NULL);
    BC_ASSERT_RUN_OK(run);
    BC_ASSERT_CONTAINS(run.out, "Data: second\n");
}

static void test_not_a_database(void)
{
    static const gchar text[] = "Prev. hash: this is a text file, not a GDBM database at all\n";
    write_db(text, strlen(text));
    check_fails(addblock, "not a valid database");
    check_fails(printchain, "not a valid database");
    /* Random-looking bytes, a whole GDBM block's worth. */
    g_autofree guint8 *noise = g_malloc(4096);
    for (guint i = 0; i < 4096; i++)
        noise[i] = (guint8)(i * 2654435761u >> 13);
    write_db(noise, 4096);
    check_fails(addblock, NULL);
    check_fails(printchain, NULL);
}

static void test_empty_file(void)
{
    write_db("", 0);
    check_fails(addblock, "empty");
    check_fails(printchain, "empty");
}

/* The length of CHAIN without its trailing zero bytes: where the newest record ends. */
static gsize data_end(GBytes *chain)
{
    gsize len = 0;
    const guint8 *data = g_bytes_get_data(chain, &len);
    while (len > 0 && data[len - 1] == 0)
        len--;
    return len;
}

/* Cut short anywhere inside its records, the database is refused and left alone: from the
 * first bytes of its header to the last byte of its newest block. */
static void test_truncated(void)
{
    g_autoptr(GBytes) chain = make_chain();
    const guint8 *data = g_bytes_get_data(chain, NULL);
    gsize end = data_end(chain);
    CU_ASSERT_TRUE_FATAL(end > 512);
    const gsize cuts[] = {1,         16,        100,       512,      end / 4, end / 2,
                          end - 512, end - 200, end - 100, end - 33, end - 1};
    for (guint i = 0; i < G_N_ELEMENTS(cuts); i++) {
        write_db(data, cuts[i]);
        check_fails(printchain, NULL);
        check_fails(addblock, NULL);
    }
    /* The whole file again: the same program reads it as before. */
    write_db(data, g_bytes_get_size(chain));
    g_auto(BcRun) run = bc_test_run(dir, env, "printchain", NULL);
    BC_ASSERT_RUN_OK(run);
}

/* Collects the hashes of the 'b' records. */
static gboolean collect_block(const guint8 *key, gsize key_len, GBytes *value, gpointer user_data)
{
    (void)value;
    if (key_len == BC_HASH_LEN)
        g_ptr_array_add(user_data, g_memdup2(key, key_len));
    return TRUE;
}

/* The hash of the block holding TEXT. */
static guint8 *find_block(const gchar *text)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(BcStore) store = bc_store_open(db, BC_STORE_READ, &error);
    g_assert_no_error(error);
    g_autoptr(GPtrArray) hashes = g_ptr_array_new_with_free_func(g_free);
    bc_store_foreach(store, BLOCKCHAIN_BLOCK_PREFIX, collect_block, hashes, &error);
    g_assert_no_error(error);
    for (guint i = 0; i < hashes->len; i++) {
        g_autoptr(GBytes) raw =
            bc_store_get(store, BLOCKCHAIN_BLOCK_PREFIX, hashes->pdata[i], BC_HASH_LEN, NULL);
        g_autoptr(Block) block = block_deserialize(raw, NULL);
        if (block != NULL && g_bytes_get_size(block->data) == strlen(text) &&
            memcmp(g_bytes_get_data(block->data, NULL), text, strlen(text)) == 0)
            return g_memdup2(hashes->pdata[i], BC_HASH_LEN);
    }
    return NULL;
}

static void replace_block(const guint8 *hash, const void *junk, gsize len)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(BcStore) store = bc_store_open(db, BC_STORE_WRITE, &error);
    g_assert_no_error(error);
    g_autoptr(GBytes) value = g_bytes_new(junk, len);
    bc_store_put(store, BLOCKCHAIN_BLOCK_PREFIX, hash, BC_HASH_LEN, value, &error);
    g_assert_no_error(error);
}

/* A damaged block below the tip: printchain shows the blocks above it, then fails cleanly. */
static void test_corrupt_block(void)
{
    g_bytes_unref(make_chain());
    g_autofree guint8 *first = find_block("first");
    CU_ASSERT_PTR_NOT_NULL_FATAL(first);
    replace_block(first, "not a block record", 18);
    g_autoptr(GBytes) before = read_db();
    g_auto(BcRun) run = bc_test_run(dir, env, "printchain", NULL);
    CU_ASSERT_EQUAL(run.status, 1);
    BC_ASSERT_CONTAINS(run.out, "Data: second\n");
    CU_ASSERT_PTR_NULL(strstr(run.out, "Data: first"));
    CU_ASSERT_PTR_NULL(strstr(run.out, "Genesis Block"));
    CU_ASSERT_TRUE(g_str_has_prefix(run.err, "error: block record"));
    g_autoptr(GBytes) after = read_db();
    CU_ASSERT_TRUE(g_bytes_equal(before, after));
}

/* A damaged newest block: nothing is printed, and no block is mined on top of it. */
static void test_corrupt_tip_block(void)
{
    g_bytes_unref(make_chain());
    g_autofree guint8 *second = find_block("second");
    CU_ASSERT_PTR_NOT_NULL_FATAL(second);
    /* A real record of another block, stored under the wrong hash. */
    g_autofree guint8 *first = find_block("first");
    CU_ASSERT_PTR_NOT_NULL_FATAL(first);
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) other = NULL;
    {
        g_autoptr(BcStore) store = bc_store_open(db, BC_STORE_READ, &error);
        CU_ASSERT_PTR_NOT_NULL_FATAL(store);
        other = bc_store_get(store, BLOCKCHAIN_BLOCK_PREFIX, first, BC_HASH_LEN, &error);
        CU_ASSERT_PTR_NOT_NULL_FATAL(other);
    }
    replace_block(second, g_bytes_get_data(other, NULL), g_bytes_get_size(other));
    check_fails(printchain, "newest block");
    check_fails(addblock, "newest block");
    replace_block(second, "x", 1);
    check_fails(printchain, "newest block");
    check_fails(addblock, "newest block");
}

void test_cli_database_register(void)
{
    static const BcTest tests[] = {
        {"locked by a writer", test_locked_by_writer},
        {"locked by a reader", test_locked_by_reader},
        {"not a GDBM database", test_not_a_database},
        {"empty file", test_empty_file},
        {"truncated database", test_truncated},
        {"corrupt block below the tip", test_corrupt_block},
        {"corrupt newest block", test_corrupt_tip_block},
        {NULL, NULL},
    };
    bc_test_add_suite("03/cli-database", setup, teardown, tests);
}
