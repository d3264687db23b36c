/* test_format.c: the database records which chapter wrote it ('v', bc_store.h). A file of
 * another chapter, or one without the record, is refused by the library and by every command
 * with a message that says what to do, and is left as it was (it used to be read as this
 * chapter's and fail like corruption: "block record does not decode as ..."). */
#include <string.h>

#include "bc_error.h"
#include "bc_store.h"
#include "bc_test.h"
#include "blockchain.h"
#include "wallet.h"

static gchar *dir, *db, *name;

static void setup(void)
{
    dir = bc_test_tmpdir();
    name = g_strdup_printf(BLOCKCHAIN_DB_FILE_FORMAT, "3000");
    db = g_build_filename(dir, name, NULL);
}

static void teardown(void)
{
    bc_test_tmpdir_remove(dir);
    g_clear_pointer(&dir, g_free);
    g_clear_pointer(&db, g_free);
    g_clear_pointer(&name, g_free);
}

/* A chain of this chapter, closed again. */
static void make_chain(void)
{
    g_autoptr(GError) error = NULL;
    guint8 key[WALLET_PRIVATE_KEY_LEN] = {[WALLET_PRIVATE_KEY_LEN - 1] = 7};
    g_autoptr(Wallet) wallet = wallet_from_private_key(key, NULL);
    g_autofree gchar *address = wallet_get_address(wallet);
    Blockchain *bc = blockchain_create(db, address, 8, &error);
    g_assert_no_error(error);
    blockchain_close(bc);
}

/* Sets the format record to CHAPTER, or deletes it when CHAPTER is 0. */
static void set_format(guint8 chapter)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(BcStore) store = bc_store_open(db, BC_STORE_WRITE, &error);
    g_assert_no_error(error);
    if (chapter != 0)
        bc_store_put_format(store, chapter, &error);
    else
        bc_store_delete(store, BC_STORE_FORMAT_KEY, NULL, 0, &error);
    g_assert_no_error(error);
}

static void test_written_on_create(void)
{
    make_chain();
    g_autoptr(GError) error = NULL;
    g_autoptr(BcStore) store = bc_store_open(db, BC_STORE_READ, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(store);
    g_autoptr(GBytes) format = bc_store_get(store, BC_STORE_FORMAT_KEY, NULL, 0, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(format);
    CU_ASSERT_EQUAL(g_bytes_get_size(format), 1);
    CU_ASSERT_EQUAL(*(const guint8 *)g_bytes_get_data(format, NULL), BLOCKCHAIN_FORMAT);
}

/* The file refused with MESSAGE, by the library (reading and writing) and by printchain, and
 * left byte for byte as it was. */
static void check_refused(const gchar *message)
{
    gsize before_len = 0, after_len = 0;
    g_autofree gchar *before = bc_test_read_file(db, &before_len);
    for (int write = 0; write <= 1; write++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(Blockchain) bc = blockchain_open(db, write, 8, &error);
        CU_ASSERT_PTR_NULL(bc);
        CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_INVALID));
        if (error != NULL)
            CU_ASSERT_STRING_EQUAL(error->message, message);
    }
    const gchar *const env[] = {"BC_TARGET_BITS=8", "NODE_ID=3000", NULL};
    g_auto(BcRun) run = bc_test_run(dir, env, "printchain", NULL);
    CU_ASSERT_EQUAL(run.status, 1);
    g_autofree gchar *line = g_strdup_printf("error: %s\n", message);
    CU_ASSERT_STRING_EQUAL(run.err, line);
    g_autofree gchar *after = bc_test_read_file(db, &after_len);
    CU_ASSERT_TRUE(before_len == after_len && memcmp(before, after, before_len) == 0);
}

static void test_other_chapter_refused(void)
{
    make_chain();
    guint8 other = BLOCKCHAIN_FORMAT == 3 ? 4 : BLOCKCHAIN_FORMAT - 1;
    set_format(other);
    g_autofree gchar *message = g_strdup_printf(
        "%s was written by chapter %u; chapter %u needs its own: use another directory", name,
        other, BLOCKCHAIN_FORMAT);
    check_refused(message);
}

/* A file from before the format record: refused too, since nothing says how it is laid out. */
static void test_no_format_record_refused(void)
{
    make_chain();
    set_format(0);
    g_autofree gchar *message = g_strdup_printf(
        "%s has no format record (an older file, or not one of ours); chapter %u needs its own: "
        "use another directory",
        name, BLOCKCHAIN_FORMAT);
    check_refused(message);
}

void test_format_register(void)
{
    static const BcTest tests[] = {
        {"the format record is written with the chain", test_written_on_create},
        {"another chapter's database is refused, unchanged", test_other_chapter_refused},
        {"a database without a format record is refused, unchanged", test_no_format_record_refused},
        {NULL, NULL},
    };
    bc_test_add_suite("database/format record", setup, teardown, tests);
}
