/* test_gdbm_reason.c: when GDBM cannot read the tip record, the error keeps GDBM's own reason
 * (it used to say only "the database has no valid tip record", and a damaged file read like a
 * missing record). */
#include "bc_error.h"
#include "bc_store.h"
#include "bc_test.h"
#include "blockchain.h"

static gchar *dir, *db;

static void setup(void)
{
    dir = bc_test_tmpdir();
#ifdef BLOCKCHAIN_DB_FILE
    db = g_build_filename(dir, BLOCKCHAIN_DB_FILE, NULL);
#else
    g_autofree gchar *name = g_strdup_printf(BLOCKCHAIN_DB_FILE_FORMAT, "3000");
    db = g_build_filename(dir, name, NULL);
#endif
}

static void teardown(void)
{
    bc_test_tmpdir_remove(dir);
    g_clear_pointer(&dir, g_free);
    g_clear_pointer(&db, g_free);
}

static void test_tip_unreadable_keeps_reason(void)
{
    g_autoptr(GError) error = NULL;
    {
        g_autoptr(BcStore) store = bc_store_open(db, BC_STORE_CREATE, &error);
        CU_ASSERT_PTR_NOT_NULL_FATAL(store);
        guint8 hash[BC_HASH_LEN] = {1};
        g_autoptr(GBytes) tip = g_bytes_new(hash, sizeof hash);
        CU_ASSERT_TRUE(bc_store_put(store, BLOCKCHAIN_TIP_KEY, NULL, 0, tip, &error));
    }
    CU_ASSERT_TRUE_FATAL(bc_test_damage_gdbm_bucket(db));
    for (int write = 0; write <= 1; write++) {
        g_autoptr(Blockchain) bc = blockchain_open(db, write, 8, &error);
        CU_ASSERT_PTR_NULL(bc);
        CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_CORRUPT));
        if (error != NULL)
            BC_ASSERT_CONTAINS(error->message, "is not a valid database: Malformed bucket header");
        g_clear_error(&error);
    }
}

void test_gdbm_reason_register(void)
{
    static const BcTest tests[] = {
        {"an unreadable tip record keeps GDBM's reason", test_tip_unreadable_keeps_reason},
        {NULL, NULL},
    };
    bc_test_add_suite("database/GDBM's reason", setup, teardown, tests);
}
