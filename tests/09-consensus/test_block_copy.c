/* test_block_copy.c: a copy of a block (what a chain change keeps of each block it connects) has
 * the same header, hash and transactions, and outlives the block it was made from. */
#include <string.h>

#include "bc_test.h"
#include "block.h"
#include "wallet.h"

#define TEST_BITS 4

static void test_copy(void)
{
    guint8 key[WALLET_PRIVATE_KEY_LEN] = {[WALLET_PRIVATE_KEY_LEN - 1] = 9};
    g_autoptr(Wallet) wallet = wallet_from_private_key(key, NULL);
    g_autofree gchar *address = wallet_get_address(wallet);
    g_autoptr(GPtrArray) txs = g_ptr_array_new_with_free_func((GDestroyNotify)transaction_free);
    g_ptr_array_add(txs, transaction_new_coinbase(address, "copy me", NULL));
    static const guint8 parent[BC_HASH_LEN] = {1, 2, 3};
    Block *block = block_new(txs, parent, 5, TEST_BITS);
    g_autoptr(GBytes) before = block_serialize(block);
    guint8 hash[BC_HASH_LEN];
    memcpy(hash, block->hash, BC_HASH_LEN);
    g_autoptr(Block) copy = block_copy(block);
    CU_ASSERT_PTR_NOT_EQUAL(copy, block);
    block_free(block); /* the copy must not depend on it */
    CU_ASSERT_EQUAL(memcmp(copy->hash, hash, BC_HASH_LEN), 0);
    CU_ASSERT_EQUAL(copy->height, 5);
    g_autoptr(GBytes) after = block_serialize(copy);
    CU_ASSERT_TRUE(g_bytes_equal(before, after));
    guint8 computed[BC_HASH_LEN];
    block_compute_hash(copy, computed);
    CU_ASSERT_EQUAL(memcmp(computed, hash, BC_HASH_LEN), 0);
}

void test_block_copy_register(void)
{
    static const BcTest tests[] = {
        {"a copy keeps the block's bytes after the block is freed", test_copy},
        {NULL, NULL},
    };
    bc_test_add_suite("09/block_copy", NULL, NULL, tests);
}
