/* test_block.c: a block's hash is SHA-256 over the documented 72-byte header, and nothing else. */
#include <string.h>

#include "bc_hex.h"
#include "bc_test.h"
#include "block.h"

#define FIXED_TIMESTAMP G_GINT64_CONSTANT(1234567890)
#define FIXED_DATA "Send 1 BTC to Ivan"
/* SHA-256 of the header of fixed_block(), computed outside this project (Python's hashlib). */
#define FIXED_HASH "3f4f152abe4dab015612ab4137e7859852c830e9f30b5cdfae43567128a7bca3"

/* A block built by hand, so every field is known: prev_hash is the bytes 0, 1, ..., 31. */
static Block *fixed_block(void)
{
    Block *block = g_new0(Block, 1);
    block->timestamp = FIXED_TIMESTAMP;
    block->data = g_bytes_new(FIXED_DATA, strlen(FIXED_DATA));
    for (guint i = 0; i < BC_HASH_LEN; i++)
        block->prev_hash[i] = (guint8)i;
    return block;
}

/* SHA-256 with GLib's own implementation, independent of the Nettle one the chapter uses. */
static void glib_sha256(const guint8 *data, gsize len, guint8 out[BC_HASH_LEN])
{
    g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);
    g_checksum_update(sum, data, (gssize)len);
    gsize out_len = BC_HASH_LEN;
    g_checksum_get_digest(sum, out, &out_len);
    g_assert(out_len == BC_HASH_LEN);
}

/* The documented layout, written out byte by byte: prev_hash || SHA-256(data) || timestamp LE. */
static void expected_hash(const Block *block, guint8 out[BC_HASH_LEN])
{
    guint8 header[72];
    memcpy(header, block->prev_hash, 32);
    gsize len = 0;
    const guint8 *data = g_bytes_get_data(block->data, &len);
    glib_sha256(data, len, header + 32);
    guint64 ts = (guint64)block->timestamp;
    for (guint i = 0; i < 8; i++)
        header[64 + i] = (guint8)(ts >> (8 * i));
    glib_sha256(header, sizeof header, out);
}

static void test_header_layout(void)
{
    g_autoptr(Block) block = fixed_block();
    CU_ASSERT_EQUAL(BLOCK_HEADER_LEN, 72);
    guint8 header[BLOCK_HEADER_LEN];
    block_header(block, header);
    CU_ASSERT_EQUAL(memcmp(header, block->prev_hash, BC_HASH_LEN), 0);
    guint8 data_hash[BC_HASH_LEN];
    glib_sha256((const guint8 *)FIXED_DATA, strlen(FIXED_DATA), data_hash);
    CU_ASSERT_EQUAL(memcmp(header + 32, data_hash, BC_HASH_LEN), 0);
    /* 1234567890 = 0x499602d2, least significant byte first. */
    const guint8 ts[8] = {0xd2, 0x02, 0x96, 0x49, 0, 0, 0, 0};
    CU_ASSERT_EQUAL(memcmp(header + 64, ts, sizeof ts), 0);
}

static void test_hash_deterministic(void)
{
    g_autoptr(Block) block = fixed_block();
    guint8 first[BC_HASH_LEN], second[BC_HASH_LEN], expected[BC_HASH_LEN];
    block_compute_hash(block, first);
    block_compute_hash(block, second);
    expected_hash(block, expected);
    CU_ASSERT_EQUAL(memcmp(first, second, BC_HASH_LEN), 0);
    CU_ASSERT_EQUAL(memcmp(first, expected, BC_HASH_LEN), 0);
    g_autofree gchar *hex = bc_hex_encode(first, BC_HASH_LEN);
    CU_ASSERT_STRING_EQUAL(hex, FIXED_HASH);
}

/* Returns TRUE when BLOCK's hash differs from the fixed block's, and matches the layout. */
static gboolean hash_changed(const Block *block)
{
    g_autoptr(Block) original = fixed_block();
    guint8 before[BC_HASH_LEN], after[BC_HASH_LEN], expected[BC_HASH_LEN];
    block_compute_hash(original, before);
    block_compute_hash(block, after);
    expected_hash(block, expected);
    return memcmp(after, expected, BC_HASH_LEN) == 0 && memcmp(before, after, BC_HASH_LEN) != 0;
}

static void test_hash_covers_every_field(void)
{
    g_autoptr(Block) block = fixed_block();
    block->timestamp++;
    CU_ASSERT_TRUE(hash_changed(block));

    g_clear_pointer(&block, block_free);
    block = fixed_block();
    g_bytes_unref(block->data);
    block->data = g_bytes_new("Send 1 BTC to Ivan!", 19);
    CU_ASSERT_TRUE(hash_changed(block));

    /* Empty data is data too, and hashes differently. */
    g_bytes_unref(block->data);
    block->data = g_bytes_new(NULL, 0);
    CU_ASSERT_TRUE(hash_changed(block));

    /* Every byte of the parent's hash counts, the first and the last included. */
    for (guint i = 0; i < BC_HASH_LEN; i++) {
        g_clear_pointer(&block, block_free);
        block = fixed_block();
        block->prev_hash[i] ^= 0x01;
        CU_ASSERT_TRUE(hash_changed(block));
    }
}

/* The hash field is the result, not an input: whatever it holds, the computed hash is the same. */
static void test_hash_field_not_hashed(void)
{
    g_autoptr(Block) block = fixed_block();
    guint8 before[BC_HASH_LEN], after[BC_HASH_LEN];
    block_compute_hash(block, before);
    memset(block->hash, 0xab, BC_HASH_LEN);
    block_compute_hash(block, after);
    CU_ASSERT_EQUAL(memcmp(before, after, BC_HASH_LEN), 0);
}

static void test_block_new(void)
{
    guint8 prev[BC_HASH_LEN];
    memset(prev, 0x5a, sizeof prev);
    gint64 start = g_get_real_time() / G_USEC_PER_SEC;
    g_autoptr(Block) block = block_new("some data", prev);
    gint64 end = g_get_real_time() / G_USEC_PER_SEC;
    CU_ASSERT_TRUE(block->timestamp >= start && block->timestamp <= end);
    CU_ASSERT_EQUAL(memcmp(block->prev_hash, prev, BC_HASH_LEN), 0);
    CU_ASSERT_EQUAL(g_bytes_get_size(block->data), 9);
    CU_ASSERT_EQUAL(memcmp(g_bytes_get_data(block->data, NULL), "some data", 9), 0);
    guint8 expected[BC_HASH_LEN];
    expected_hash(block, expected);
    CU_ASSERT_EQUAL(memcmp(block->hash, expected, BC_HASH_LEN), 0);
}

static void test_genesis(void)
{
    static const guint8 zero[BC_HASH_LEN] = {0};
    g_autoptr(Block) genesis = block_new_genesis();
    CU_ASSERT_EQUAL(memcmp(genesis->prev_hash, zero, BC_HASH_LEN), 0);
    gsize len = 0;
    const gchar *data = g_bytes_get_data(genesis->data, &len);
    CU_ASSERT_EQUAL(len, strlen("Genesis Block"));
    CU_ASSERT_EQUAL(strncmp(data, "Genesis Block", len), 0);
    guint8 expected[BC_HASH_LEN];
    expected_hash(genesis, expected);
    CU_ASSERT_EQUAL(memcmp(genesis->hash, expected, BC_HASH_LEN), 0);
}

void test_block_register(void)
{
    static const BcTest tests[] = {
        {"header layout", test_header_layout},
        {"hash is deterministic and matches the layout", test_hash_deterministic},
        {"hash changes with every field", test_hash_covers_every_field},
        {"hash field is not hashed", test_hash_field_not_hashed},
        {"block_new", test_block_new},
        {"genesis", test_genesis},
        {NULL, NULL},
    };
    bc_test_add_suite("01/block", NULL, NULL, tests);
}
