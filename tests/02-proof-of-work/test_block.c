/* test_block.c: the 84-byte header adds bits and nonce to chapter 1's, nonce last. */
#include <string.h>

#include "bc_hex.h"
#include "bc_test.h"
#include "blockchain.h"
#include "proof_of_work.h"

/* SHA-256 of fixed_block()'s header, computed outside this project (Python's hashlib). */
#define FIXED_HASH "1e76fd400c76a7a0894a3a6b14366d65ddd8cf0d6942e95830e572d7cdd3823d"

static Block *fixed_block(void)
{
    Block *block = g_new0(Block, 1);
    block->timestamp = 1234567890;
    block->data = g_bytes_new("Send 1 BTC to Ivan", 18);
    for (guint i = 0; i < BC_HASH_LEN; i++)
        block->prev_hash[i] = (guint8)i;
    block->bits = 8;
    block->nonce = G_GUINT64_CONSTANT(0x0102030405060708);
    return block;
}

static void test_header_layout(void)
{
    g_autoptr(Block) block = fixed_block();
    CU_ASSERT_EQUAL(BLOCK_HEADER_LEN, 84);
    CU_ASSERT_EQUAL(BLOCK_NONCE_OFFSET, 76);
    guint8 header[BLOCK_HEADER_LEN];
    block_header(block, header);
    CU_ASSERT_EQUAL(memcmp(header, block->prev_hash, BC_HASH_LEN), 0);
    const guint8 tail[20] = {0xd2, 0x02, 0x96, 0x49, 0, 0, 0, 0,  /* timestamp */
                             8,    0,    0,    0,                 /* bits */
                             8,    7,    6,    5,    4, 3, 2, 1}; /* nonce */
    CU_ASSERT_EQUAL(memcmp(header + 64, tail, sizeof tail), 0);
    guint8 hash[BC_HASH_LEN];
    block_compute_hash(block, hash);
    g_autofree gchar *hex = bc_hex_encode(hash, BC_HASH_LEN);
    CU_ASSERT_STRING_EQUAL(hex, FIXED_HASH);
}

/* Changing the nonce changes only the last 8 header bytes: what lets mining reuse the rest. */
static void test_nonce_is_the_tail(void)
{
    g_autoptr(Block) block = fixed_block();
    guint8 a[BLOCK_HEADER_LEN], b[BLOCK_HEADER_LEN];
    block_header(block, a);
    block->nonce = ~block->nonce;
    block_header(block, b);
    CU_ASSERT_EQUAL(memcmp(a, b, BLOCK_NONCE_OFFSET), 0);
    for (guint i = BLOCK_NONCE_OFFSET; i < BLOCK_HEADER_LEN; i++)
        CU_ASSERT_NOT_EQUAL(a[i], b[i]);
}

static void test_chain_is_mined_and_linked(void)
{
    static const guint8 zero[BC_HASH_LEN] = {0};
    g_autoptr(Blockchain) bc = blockchain_new(6);
    blockchain_add_block(bc, "one");
    blockchain_add_block(bc, "two");
    CU_ASSERT_EQUAL_FATAL(bc->blocks->len, 3);
    const Block *genesis = g_ptr_array_index(bc->blocks, 0);
    CU_ASSERT_EQUAL(memcmp(genesis->prev_hash, zero, BC_HASH_LEN), 0);
    CU_ASSERT_EQUAL(g_bytes_get_size(genesis->data), strlen("Genesis Block"));
    for (guint i = 0; i < bc->blocks->len; i++) {
        const Block *block = g_ptr_array_index(bc->blocks, i);
        CU_ASSERT_EQUAL(block->bits, 6);
        CU_ASSERT_TRUE(pow_validate(block));
        if (i > 0) {
            const Block *parent = g_ptr_array_index(bc->blocks, i - 1);
            CU_ASSERT_EQUAL(memcmp(block->prev_hash, parent->hash, BC_HASH_LEN), 0);
        }
    }
}

void test_block_register(void)
{
    static const BcTest tests[] = {
        {"header layout and hash", test_header_layout},
        {"the nonce is the header's tail", test_nonce_is_the_tail},
        {"the chain is mined and linked", test_chain_is_mined_and_linked},
        {NULL, NULL},
    };
    bc_test_add_suite("02/block", NULL, NULL, tests);
}
