/* test_blockchain.c: the in-memory chain starts with genesis and links each block to its parent. */
#include <string.h>

#include "bc_test.h"
#include "blockchain.h"

static gboolean data_is(const Block *block, const gchar *text)
{
    gsize len = 0;
    const gchar *data = g_bytes_get_data(block->data, &len);
    return len == strlen(text) && (len == 0 || memcmp(data, text, len) == 0);
}

static void test_new_has_genesis(void)
{
    static const guint8 zero[BC_HASH_LEN] = {0};
    g_autoptr(Blockchain) bc = blockchain_new();
    CU_ASSERT_EQUAL_FATAL(bc->blocks->len, 1);
    const Block *genesis = g_ptr_array_index(bc->blocks, 0);
    CU_ASSERT_TRUE(data_is(genesis, "Genesis Block"));
    CU_ASSERT_EQUAL(memcmp(genesis->prev_hash, zero, BC_HASH_LEN), 0);
}

static void test_blocks_linked(void)
{
    static const gchar *const data[] = {"first", "second", "third", ""};
    g_autoptr(Blockchain) bc = blockchain_new();
    for (guint i = 0; i < G_N_ELEMENTS(data); i++)
        blockchain_add_block(bc, data[i]);
    CU_ASSERT_EQUAL_FATAL(bc->blocks->len, 1 + G_N_ELEMENTS(data));
    for (guint i = 1; i < bc->blocks->len; i++) {
        const Block *parent = g_ptr_array_index(bc->blocks, i - 1);
        const Block *block = g_ptr_array_index(bc->blocks, i);
        CU_ASSERT_TRUE(data_is(block, data[i - 1]));
        CU_ASSERT_EQUAL(memcmp(block->prev_hash, parent->hash, BC_HASH_LEN), 0);
        /* Each stored hash is the hash of the block's own header. */
        guint8 hash[BC_HASH_LEN];
        block_compute_hash(block, hash);
        CU_ASSERT_EQUAL(memcmp(block->hash, hash, BC_HASH_LEN), 0);
    }
}

/* Blocks with the same data in the same second still differ: their parents differ. */
static void test_same_data_different_hash(void)
{
    g_autoptr(Blockchain) bc = blockchain_new();
    blockchain_add_block(bc, "same");
    blockchain_add_block(bc, "same");
    const Block *a = g_ptr_array_index(bc->blocks, 1);
    const Block *b = g_ptr_array_index(bc->blocks, 2);
    CU_ASSERT_NOT_EQUAL(memcmp(a->hash, b->hash, BC_HASH_LEN), 0);
}

void test_blockchain_register(void)
{
    static const BcTest tests[] = {
        {"a new chain holds genesis", test_new_has_genesis},
        {"blocks link to their parent", test_blocks_linked},
        {"same data, different hash", test_same_data_different_hash},
        {NULL, NULL},
    };
    bc_test_add_suite("01/blockchain", NULL, NULL, tests);
}
