/* test_block.c: the header commits to the transactions through the hash of their IDs, and a
 * stored block whose transactions were touched no longer decodes. */
#include <string.h>

#include "bc_error.h"
#include "bc_hex.h"
#include "bc_test.h"
#include "block.h"
#include "proof_of_work.h"

/* SHA-256 of the coinbase ID and the spending transaction's ID of test_transaction.c,
 * computed by Python's hashlib from the independently encoded transactions. */
#define TWO_TX_HASH "a8e02adaf6fe6eb9b1950038b6a8cba8d93c4a251147d4b6d4557d83b87ee2b6"
/* Low difficulty: the tests check what is mined, not how long it takes. */
#define TEST_BITS 6

/* SHA-256 with GLib's own implementation, independent of the Nettle one the chapter uses. */
static void glib_sha256(const guint8 *data, gsize len, guint8 out[BC_HASH_LEN])
{
    g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);
    g_checksum_update(sum, data, (gssize)len);
    gsize out_len = BC_HASH_LEN;
    g_checksum_get_digest(sum, out, &out_len);
    g_assert(out_len == BC_HASH_LEN);
}

/* Ivan's coinbase, then a transaction spending it: 6 to Pedro, 4 back to Ivan. */
static GPtrArray *two_transactions(void)
{
    GPtrArray *txs = g_ptr_array_new_with_free_func((GDestroyNotify)transaction_free);
    Transaction *coinbase = transaction_new_coinbase("Ivan", NULL);
    Transaction *spend = transaction_new();
    transaction_add_input(spend, coinbase->id, 0, "Ivan");
    transaction_add_output(spend, 6, "Pedro");
    transaction_add_output(spend, 4, "Ivan");
    transaction_set_id(spend);
    g_ptr_array_add(txs, coinbase);
    g_ptr_array_add(txs, spend);
    return txs;
}

/* A block built by hand, not mined: only the header's content matters here. */
static Block *unmined_block(GPtrArray *txs)
{
    Block *block = g_new0(Block, 1);
    block->transactions = g_ptr_array_ref(txs);
    block->timestamp = 1234567890;
    block->bits = 8;
    return block;
}

static void test_hash_transactions(void)
{
    g_autoptr(GPtrArray) txs = two_transactions();
    g_autoptr(Block) block = unmined_block(txs);
    guint8 got[BC_HASH_LEN], expected[BC_HASH_LEN], ids[2 * BC_HASH_LEN];
    block_hash_transactions(block, got);
    memcpy(ids, ((Transaction *)txs->pdata[0])->id, BC_HASH_LEN);
    memcpy(ids + BC_HASH_LEN, ((Transaction *)txs->pdata[1])->id, BC_HASH_LEN);
    glib_sha256(ids, sizeof ids, expected);
    CU_ASSERT_EQUAL(memcmp(got, expected, BC_HASH_LEN), 0);
    g_autofree gchar *text = bc_hex_encode(got, BC_HASH_LEN);
    CU_ASSERT_STRING_EQUAL(text, TWO_TX_HASH);
    /* It sits right after the previous hash in the header. */
    guint8 header[BLOCK_HEADER_LEN];
    block_header(block, header);
    CU_ASSERT_EQUAL(memcmp(header + BC_HASH_LEN, expected, BC_HASH_LEN), 0);
    /* One transaction: the hash of its ID alone; the order of transactions counts. */
    g_ptr_array_add(txs, g_ptr_array_steal_index(txs, 0));
    guint8 swapped[BC_HASH_LEN];
    block_hash_transactions(block, swapped);
    CU_ASSERT_NOT_EQUAL(memcmp(swapped, expected, BC_HASH_LEN), 0);
    g_ptr_array_set_size(txs, 1);
    const Transaction *only = txs->pdata[0];
    block_hash_transactions(block, got);
    glib_sha256(only->id, BC_HASH_LEN, expected);
    CU_ASSERT_EQUAL(memcmp(got, expected, BC_HASH_LEN), 0);
}

/* Whatever a transaction changes, its ID changes, so the block's hash does too. */
static void test_header_follows_transactions(void)
{
    g_autoptr(GPtrArray) txs = two_transactions();
    g_autoptr(Block) block = unmined_block(txs);
    guint8 before[BC_HASH_LEN], after[BC_HASH_LEN];
    block_compute_hash(block, before);
    TxOutput *out = g_ptr_array_index(((Transaction *)txs->pdata[1])->vout, 0);
    out->value = 60;
    block_compute_hash(block, after);
    CU_ASSERT_EQUAL(memcmp(before, after, BC_HASH_LEN), 0); /* the ID is stale: nothing yet */
    transaction_set_id(txs->pdata[1]);
    block_compute_hash(block, after);
    CU_ASSERT_NOT_EQUAL(memcmp(before, after, BC_HASH_LEN), 0);
}

static void test_round_trip(void)
{
    g_autoptr(GPtrArray) txs = two_transactions();
    guint8 prev[BC_HASH_LEN];
    memset(prev, 0x5a, sizeof prev);
    g_autoptr(Block) block = block_new(txs, prev, TEST_BITS);
    CU_ASSERT_TRUE(pow_validate(block));
    g_autoptr(GBytes) raw = block_serialize(block);
    g_autoptr(GError) error = NULL;
    g_autoptr(Block) back = block_deserialize(raw, &error);
    g_assert_no_error(error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(back);
    CU_ASSERT_EQUAL(back->timestamp, block->timestamp);
    CU_ASSERT_EQUAL(memcmp(back->prev_hash, prev, BC_HASH_LEN), 0);
    CU_ASSERT_EQUAL(memcmp(back->hash, block->hash, BC_HASH_LEN), 0);
    CU_ASSERT_EQUAL(back->bits, TEST_BITS);
    CU_ASSERT_EQUAL(back->nonce, block->nonce);
    CU_ASSERT_EQUAL_FATAL(back->transactions->len, 2);
    for (guint i = 0; i < 2; i++) {
        const Transaction *a = txs->pdata[i], *b = back->transactions->pdata[i];
        CU_ASSERT_EQUAL(memcmp(a->id, b->id, BC_HASH_LEN), 0);
        CU_ASSERT_EQUAL(a->vout->len, b->vout->len);
    }
    CU_ASSERT_TRUE(pow_validate(back));
    g_autoptr(GBytes) again = block_serialize(back);
    CU_ASSERT_TRUE(g_bytes_equal(raw, again));
}

static void test_genesis(void)
{
    static const guint8 zero[BC_HASH_LEN] = {0};
    g_autoptr(Block) genesis =
        block_new_genesis(transaction_new_coinbase("Ivan", GENESIS_COINBASE_DATA), TEST_BITS);
    CU_ASSERT_EQUAL(memcmp(genesis->prev_hash, zero, BC_HASH_LEN), 0);
    CU_ASSERT_EQUAL_FATAL(genesis->transactions->len, 1);
    CU_ASSERT_TRUE(transaction_is_coinbase(genesis->transactions->pdata[0]));
    CU_ASSERT_TRUE(pow_validate(genesis));
}

static gboolean refused(GBytes *bytes, const gchar *message)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(Block) block = block_deserialize(bytes, &error);
    if (block != NULL || !g_error_matches(error, BC_ERROR, BC_ERROR_CORRUPT))
        return FALSE;
    return message == NULL || strstr(error->message, message) != NULL;
}

/* A transaction changed inside the stored bytes: its own ID check catches it. */
static void test_altered_transaction_bytes(void)
{
    g_autoptr(GPtrArray) txs = two_transactions();
    guint8 prev[BC_HASH_LEN] = {0};
    g_autoptr(Block) block = block_new(txs, prev, TEST_BITS);
    g_autoptr(GBytes) raw = block_serialize(block);
    gsize len = 0;
    const guint8 *data = g_bytes_get_data(raw, &len);
    g_autofree guint8 *copy = g_memdup2(data, len);
    guint8 *pedro = memmem(copy, len, "Pedro", 5);
    CU_ASSERT_PTR_NOT_NULL_FATAL(pedro);
    pedro[0] = 'F'; /* Fedro gets the coins */
    g_autoptr(GBytes) bad = g_bytes_new(copy, len);
    CU_ASSERT_TRUE(refused(bad, "does not match its ID"));
}

/* A transaction replaced by a consistent one (ID recomputed): the block's hash catches it. */
static void test_replaced_transaction(void)
{
    g_autoptr(GPtrArray) txs = two_transactions();
    guint8 prev[BC_HASH_LEN] = {0};
    g_autoptr(Block) block = block_new(txs, prev, TEST_BITS);
    Transaction *spend = txs->pdata[1];
    TxOutput *out = g_ptr_array_index(spend->vout, 0);
    g_free(out->script_pub_key);
    out->script_pub_key = g_strdup("Fedro");
    transaction_set_id(spend);
    g_autoptr(GBytes) forged = block_serialize(block); /* still carries the old hash */
    CU_ASSERT_TRUE(refused(forged, "does not match its hash"));
    /* A transaction dropped: the same. */
    g_ptr_array_set_size(txs, 1);
    g_autoptr(GBytes) fewer = block_serialize(block);
    CU_ASSERT_TRUE(refused(fewer, "does not match its hash"));
}

static void test_truncated_and_changed(void)
{
    g_autoptr(GPtrArray) txs = two_transactions();
    guint8 prev[BC_HASH_LEN] = {0};
    g_autoptr(Block) block = block_new(txs, prev, TEST_BITS);
    g_autoptr(GBytes) raw = block_serialize(block);
    gsize len = 0;
    const guint8 *data = g_bytes_get_data(raw, &len);
    for (gsize n = 0; n < len; n++) {
        g_autoptr(GBytes) part = g_bytes_new_from_bytes(raw, 0, n);
        CU_ASSERT_TRUE(refused(part, NULL));
    }
    for (gsize i = 0; i < len; i++) {
        g_autofree guint8 *copy = g_memdup2(data, len);
        copy[i] ^= 0x01;
        g_autoptr(GBytes) bad = g_bytes_new(copy, len);
        if (!refused(bad, NULL))
            g_printerr("\n  block byte %" G_GSIZE_FORMAT " changed was accepted\n", i);
        CU_ASSERT_TRUE(refused(bad, NULL));
    }
}

void test_block_register(void)
{
    static const BcTest tests[] = {
        {"hash of the transactions is SHA-256 of their IDs", test_hash_transactions},
        {"the header follows the transactions", test_header_follows_transactions},
        {"serialize round trip", test_round_trip},
        {"genesis holds one coinbase", test_genesis},
        {"altered transaction bytes are refused", test_altered_transaction_bytes},
        {"a replaced transaction is refused", test_replaced_transaction},
        {"truncated or changed records are refused", test_truncated_and_changed},
        {NULL, NULL},
    };
    bc_test_add_suite("04/block", NULL, NULL, tests);
}
