/* test_tip_height.c: the tip record holds the tip's hash and its height, and the height must be
 * the block's. A tip record moved back to an older block (the chain would silently look
 * shorter: printchain stopped early, getbalance counted less) is refused, by the library and by
 * the commands, and the file is left as it was; so is a record of the old 32-byte form. */
#include <string.h>

#include "bc_error.h"
#include "bc_hex.h"
#include "bc_store.h"
#include "bc_test.h"
#include "blockchain.h"
#include "wallet.h"

#define TEST_BITS 6

static gchar *dir, *db, *address;

static void setup(void)
{
    dir = bc_test_tmpdir();
    g_autofree gchar *name = g_strdup_printf(BLOCKCHAIN_DB_FILE_FORMAT, "3000");
    db = g_build_filename(dir, name, NULL);
    guint8 key[WALLET_PRIVATE_KEY_LEN] = {[WALLET_PRIVATE_KEY_LEN - 1] = 7};
    g_autoptr(Wallet) wallet = wallet_from_private_key(key, NULL);
    address = wallet_get_address(wallet);
}

static void teardown(void)
{
    bc_test_tmpdir_remove(dir);
    g_clear_pointer(&dir, g_free);
    g_clear_pointer(&db, g_free);
    g_clear_pointer(&address, g_free);
}

/* Genesis and two more blocks; HASHES gets each block's hash, genesis first. */
static void make_chain(guint8 hashes[3][BC_HASH_LEN])
{
    g_autoptr(GError) error = NULL;
    g_autoptr(Blockchain) bc = blockchain_create(db, address, TEST_BITS, &error);
    g_assert_no_error(error);
    memcpy(hashes[0], bc->tip, BC_HASH_LEN);
    for (guint i = 1; i <= 2; i++) {
        g_autofree gchar *data = g_strdup_printf("block %u", i);
        g_autoptr(GPtrArray) txs = g_ptr_array_new_with_free_func((GDestroyNotify)transaction_free);
        g_ptr_array_add(txs, transaction_new_coinbase(address, data, NULL));
        Block *block = blockchain_mine_block(bc, txs, &error);
        g_assert_no_error(error);
        block_free(block);
        memcpy(hashes[i], bc->tip, BC_HASH_LEN);
    }
}

static void put_tip(const void *data, gsize len)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(BcStore) store = bc_store_open(db, BC_STORE_WRITE, &error);
    g_assert_no_error(error);
    g_autoptr(GBytes) value = g_bytes_new(data, len);
    bc_store_put(store, BLOCKCHAIN_TIP_KEY, NULL, 0, value, &error);
    g_assert_no_error(error);
}

static GBytes *get_tip(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(BcStore) store = bc_store_open(db, BC_STORE_READ, &error);
    g_assert_no_error(error);
    GBytes *tip = bc_store_get(store, BLOCKCHAIN_TIP_KEY, NULL, 0, &error);
    g_assert_no_error(error);
    return tip;
}

/* The chain refused as it opens with an error that starts with PREFIX, for reading and for
 * writing and by printchain and getbalance, the file left byte for byte as it was. */
static void check_refused(const gchar *prefix)
{
    gsize before_len = 0, after_len = 0;
    g_autofree gchar *before = bc_test_read_file(db, &before_len);
    for (int write = 0; write <= 1; write++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(Blockchain) bc = blockchain_open(db, write, TEST_BITS, &error);
        CU_ASSERT_PTR_NULL(bc);
        CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_CORRUPT));
        if (error != NULL && !g_str_has_prefix(error->message, prefix))
            g_printerr("\n  expected \"%s...\", got \"%s\"\n", prefix, error->message);
        CU_ASSERT_TRUE(error != NULL && g_str_has_prefix(error->message, prefix));
    }
    const gchar *const env[] = {"BC_TARGET_BITS=6", "NODE_ID=3000", NULL};
    g_autofree gchar *line = g_strdup_printf("error: %s", prefix);
    g_auto(BcRun) print = bc_test_run(dir, env, "printchain", NULL);
    CU_ASSERT_EQUAL(print.status, 1);
    CU_ASSERT_STRING_EQUAL(print.out, "");
    CU_ASSERT_TRUE(g_str_has_prefix(print.err, line));
    g_auto(BcRun) balance = bc_test_run(dir, env, "getbalance", "-address", address, NULL);
    CU_ASSERT_EQUAL(balance.status, 1);
    CU_ASSERT_TRUE(g_str_has_prefix(balance.err, line));
    g_autofree gchar *after = bc_test_read_file(db, &after_len);
    CU_ASSERT_TRUE(before_len == after_len && memcmp(before, after, before_len) == 0);
}

static void test_tip_record_holds_height(void)
{
    guint8 hashes[3][BC_HASH_LEN];
    make_chain(hashes);
    g_autoptr(GBytes) tip = get_tip();
    CU_ASSERT_EQUAL_FATAL(g_bytes_get_size(tip), BLOCKCHAIN_TIP_LEN);
    const guint8 *bytes = g_bytes_get_data(tip, NULL);
    CU_ASSERT_EQUAL(memcmp(bytes, hashes[2], BC_HASH_LEN), 0);
    const guint8 two[4] = {2, 0, 0, 0};
    CU_ASSERT_EQUAL(memcmp(bytes + BC_HASH_LEN, two, 4), 0);
}

/* The tip moved back to block 1 (or to genesis) with the height left at 2: refused. */
static void test_tip_moved_back_refused(void)
{
    guint8 hashes[3][BC_HASH_LEN];
    make_chain(hashes);
    g_autoptr(GBytes) real = get_tip();
    for (int older = 1; older >= 0; older--) {
        guint8 moved[BLOCKCHAIN_TIP_LEN];
        memcpy(moved, g_bytes_get_data(real, NULL), sizeof moved);
        memcpy(moved, hashes[older], BC_HASH_LEN);
        put_tip(moved, sizeof moved);
        g_autofree gchar *hex = bc_hex_encode(hashes[older], BC_HASH_LEN);
        g_autofree gchar *prefix = g_strdup_printf(
            "the tip record names block %s at height 2, but that block is at height %d", hex,
            older);
        check_refused(prefix);
    }
    /* The real record back: the chain opens at height 2. */
    put_tip(g_bytes_get_data(real, NULL), g_bytes_get_size(real));
    g_autoptr(GError) error = NULL;
    g_autoptr(Blockchain) bc = blockchain_open(db, FALSE, TEST_BITS, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(bc);
    CU_ASSERT_EQUAL(bc->height, 2);
}

/* A tip record without its height (the 32 bytes of earlier chapters): refused. */
static void test_tip_without_height_refused(void)
{
    guint8 hashes[3][BC_HASH_LEN];
    make_chain(hashes);
    put_tip(hashes[2], BC_HASH_LEN);
    check_refused("the database has no valid tip record");
}

void test_tip_height_register(void)
{
    static const BcTest tests[] = {
        {"the tip record holds hash and height", test_tip_record_holds_height},
        {"a tip moved back to an older block is refused", test_tip_moved_back_refused},
        {"a tip record without its height is refused", test_tip_without_height_refused},
        {NULL, NULL},
    };
    bc_test_add_suite("database/tip height", setup, teardown, tests);
}
