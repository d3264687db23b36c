/* test_height_index.c: the chain by height ('h' + height -> hash), which answers "which block is
 * at height N" and "is this block on the chain" with lookups instead of a walk. */
#include <string.h>

#include "bc_error.h"
#include "bc_store.h"
#include "bc_test.h"
#include "blockchain.h"
#include "wallet.h"

#define TEST_BITS 4
#define N_MORE 5

static gchar *dir, *db, *address;
static guint8 hashes[N_MORE + 1][BC_HASH_LEN];

/* A chain of genesis and N_MORE blocks, each hash in HASHES, genesis first. */
static Blockchain *make_chain(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(Blockchain) bc = blockchain_create(db, address, TEST_BITS, &error);
    g_assert_no_error(error);
    memcpy(hashes[0], bc->tip, BC_HASH_LEN);
    for (guint i = 1; i <= N_MORE; i++) {
        g_autofree gchar *data = g_strdup_printf("block %u", i);
        g_autoptr(GPtrArray) txs = g_ptr_array_new_with_free_func((GDestroyNotify)transaction_free);
        g_ptr_array_add(txs, transaction_new_coinbase(address, data, NULL));
        g_autoptr(Block) block = blockchain_mine_block(bc, txs, &error);
        g_assert_no_error(error);
        memcpy(hashes[i], block->hash, BC_HASH_LEN);
    }
    return g_steal_pointer(&bc);
}

static void setup(void)
{
    dir = bc_test_tmpdir();
    db = g_build_filename(dir, "blockchain_1.db", NULL);
    guint8 key[WALLET_PRIVATE_KEY_LEN] = {[WALLET_PRIVATE_KEY_LEN - 1] = 9};
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

static void test_hash_at_every_height(void)
{
    g_autoptr(Blockchain) bc = make_chain();
    for (gint32 h = 0; h <= N_MORE; h++) {
        guint8 hash[BC_HASH_LEN];
        g_autoptr(GError) error = NULL;
        CU_ASSERT_TRUE(blockchain_get_hash_at(bc, h, hash, &error));
        CU_ASSERT_EQUAL(memcmp(hash, hashes[h], BC_HASH_LEN), 0);
        gint32 found = -1;
        CU_ASSERT_TRUE(blockchain_find_height(bc, hashes[h], &found, &error));
        CU_ASSERT_EQUAL(found, h);
    }
    const gint32 outside[] = {-1, N_MORE + 1, G_MAXINT32};
    for (guint i = 0; i < G_N_ELEMENTS(outside); i++) {
        guint8 hash[BC_HASH_LEN];
        g_autoptr(GError) error = NULL;
        CU_ASSERT_FALSE(blockchain_get_hash_at(bc, outside[i], hash, &error));
        CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_NOT_FOUND));
    }
    /* The list getblocks answers is the same list, genesis first. */
    g_autoptr(GError) error = NULL;
    g_autoptr(GByteArray) all = blockchain_get_block_hashes(bc, &error);
    g_assert_no_error(error);
    CU_ASSERT_EQUAL_FATAL(all->len, (N_MORE + 1) * BC_HASH_LEN);
    CU_ASSERT_EQUAL(memcmp(all->data, hashes, all->len), 0);
}

/* A block that is stored but not on the chain (a crash left it before the tip moved) and a
 * block nobody has are both "not on the chain". */
static void test_not_on_chain(void)
{
    g_autoptr(Blockchain) bc = make_chain();
    g_autoptr(GPtrArray) txs = g_ptr_array_new_with_free_func((GDestroyNotify)transaction_free);
    g_ptr_array_add(txs, transaction_new_coinbase(address, "side", NULL));
    /* A sibling of the tip, stored under its hash without moving the tip. */
    g_autoptr(Block) side = block_new(txs, hashes[N_MORE - 1], N_MORE, TEST_BITS);
    g_autoptr(GBytes) raw = block_serialize(side);
    g_autoptr(GError) error = NULL;
    CU_ASSERT_TRUE_FATAL(
        bc_store_put(bc->store, BLOCKCHAIN_BLOCK_PREFIX, side->hash, BC_HASH_LEN, raw, &error));
    gint32 height = -1;
    CU_ASSERT_FALSE(blockchain_find_height(bc, side->hash, &height, &error));
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_NOT_FOUND));
    g_clear_error(&error);
    guint8 unknown[BC_HASH_LEN] = {1, 2, 3};
    CU_ASSERT_FALSE(blockchain_find_height(bc, unknown, &height, &error));
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_NOT_FOUND));
    CU_ASSERT_EQUAL(height, -1);
}

/* A height entry missing below the tip is damage, reported as such, not "no block there". */
static void test_missing_entry_is_corrupt(void)
{
    g_autoptr(Blockchain) bc = make_chain();
    guint8 key[4] = {2, 0, 0, 0};
    g_autoptr(GError) error = NULL;
    CU_ASSERT_TRUE_FATAL(bc_store_delete(bc->store, BLOCKCHAIN_HEIGHT_PREFIX, key, 4, &error));
    guint8 hash[BC_HASH_LEN];
    CU_ASSERT_FALSE(blockchain_get_hash_at(bc, 2, hash, &error));
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_CORRUPT));
    g_clear_error(&error);
    g_autoptr(GByteArray) all = blockchain_get_block_hashes(bc, &error);
    CU_ASSERT_PTR_NULL(all);
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_CORRUPT));
}

void test_height_index_register(void)
{
    static const BcTest tests[] = {
        {"the hash at every height, and none outside", test_hash_at_every_height},
        {"a stored block off the chain, or an unknown one, is not on it", test_not_on_chain},
        {"a missing height entry below the tip is damage", test_missing_entry_is_corrupt},
        {0},
    };
    bc_test_add_suite("10/height_index", setup, teardown, tests);
}
