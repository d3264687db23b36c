/* test_decode.c: decoding a block computes each transaction's ID and the Merkle root once, from
 * the bytes it read, not by serializing what it decoded again. The fast path must agree with the
 * slow one (transaction_hash, block_hash_transactions) and still refuse a wrong ID or root. */
#include <string.h>

#define BC_BLOCK_HAS_HEIGHT 1
#define BC_SUITE_PREFIX "07"

#include "bc_error.h"
#include "bc_test.h"
#include "block.h"
#include "proof_of_work.h"
#include "wallet.h"

#define TEST_BITS 4

static gchar *address;
static Wallet *owner;

static void setup(void)
{
    guint8 key[WALLET_PRIVATE_KEY_LEN] = {[WALLET_PRIVATE_KEY_LEN - 1] = 11};
    owner = wallet_from_private_key(key, NULL);
    address = wallet_get_address(owner);
}

static void teardown(void)
{
    g_clear_pointer(&address, g_free);
    g_clear_pointer(&owner, wallet_free);
}

/* N transactions of different shapes: coinbases, and spends of 1 to 3 made-up inputs with 1 or
 * 2 outputs (decoding checks only the bytes, not what they spend). */
static GPtrArray *transactions(guint n)
{
    GPtrArray *txs = g_ptr_array_new_with_free_func((GDestroyNotify)transaction_free);
    for (guint i = 0; i < n; i++) {
        Transaction *tx;
        if (i % 2 == 0) {
            g_autofree gchar *data = g_strdup_printf("tx %u", i);
            tx = transaction_new_coinbase(address, data, NULL);
        } else {
            tx = transaction_new();
            guint8 prev[BC_HASH_LEN] = {(guint8)i}, to[BC_RIPEMD160_LEN] = {(guint8)i};
            for (guint k = 0; k <= i % 3; k++)
                transaction_add_input(tx, prev, (gint32)k, wallet_public_key(owner),
                                      WALLET_PUBLIC_KEY_LEN);
            transaction_add_output(tx, 3, to);
            if (i % 4 == 1)
                transaction_add_output(tx, 4, to);
            transaction_set_id(tx);
        }
        g_ptr_array_add(txs, tx);
    }
    return txs;
}

static Block *mined_block(GPtrArray *txs)
{
    static const guint8 parent[BC_HASH_LEN] = {4, 5, 6};
#ifdef BC_BLOCK_HAS_HEIGHT
    return block_new(txs, parent, 1, TEST_BITS);
#else
    return block_new(txs, parent, TEST_BITS);
#endif
}

static void test_fast_path_agrees(void)
{
    for (guint n = 1; n <= 7; n++) {
        g_autoptr(GPtrArray) txs = transactions(n);
        g_autoptr(Block) block = mined_block(txs);
        g_autoptr(GBytes) raw = block_serialize(block);
        g_autoptr(GError) error = NULL;
        g_autoptr(Block) back = block_deserialize(raw, &error);
        g_assert_no_error(error);
        CU_ASSERT_PTR_NOT_NULL_FATAL(back);
        for (guint i = 0; i < n; i++) {
            const Transaction *tx = g_ptr_array_index(back->transactions, i);
            guint8 slow[BC_HASH_LEN];
            transaction_hash(tx, slow);
            CU_ASSERT_EQUAL(memcmp(slow, tx->id, BC_HASH_LEN), 0);
        }
        guint8 hash[BC_HASH_LEN];
        block_compute_hash(back, hash);
        CU_ASSERT_EQUAL(memcmp(hash, block->hash, BC_HASH_LEN), 0);
    }
}

/* A transaction whose ID field is wrong, in a block mined over exactly those bytes (so its hash
 * and proof-of-work are right): refused for the ID. */
static void test_wrong_id_refused(void)
{
    for (guint n = 1; n <= 4; n++) {
        for (guint which = 0; which < n; which++) {
            g_autoptr(GPtrArray) txs = transactions(n);
            Transaction *tx = g_ptr_array_index(txs, which);
            tx->id[BC_HASH_LEN - 1] ^= 0x01;
            g_autoptr(Block) block = mined_block(txs);
            g_autoptr(GBytes) raw = block_serialize(block);
            g_autoptr(GError) error = NULL;
            g_autoptr(Block) back = block_deserialize(raw, &error);
            CU_ASSERT_PTR_NULL(back);
            CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_CORRUPT));
            BC_ASSERT_CONTAINS(error != NULL ? error->message : "", "does not match its ID");
        }
    }
}

/* Valid transactions, but not the ones the header's root covers: one changed (with its own ID
 * made right), two swapped, one left out. Refused for the hash. */
static void test_wrong_root_refused(void)
{
    for (guint change = 0; change < 3; change++) {
        g_autoptr(GPtrArray) txs = transactions(4);
        g_autoptr(Block) block = mined_block(txs);
        if (change == 0) {
            Transaction *tx = g_ptr_array_index(txs, 1);
            ((TxOutput *)g_ptr_array_index(tx->vout, 0))->value++;
            transaction_set_id(tx);
        } else if (change == 1) {
            gpointer first = txs->pdata[1];
            txs->pdata[1] = txs->pdata[2];
            txs->pdata[2] = first;
        } else {
            g_ptr_array_remove_index(txs, 3);
        }
        g_autoptr(GBytes) raw = block_serialize(block);
        g_autoptr(GError) error = NULL;
        g_autoptr(Block) back = block_deserialize(raw, &error);
        CU_ASSERT_PTR_NULL(back);
        CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_CORRUPT));
        BC_ASSERT_CONTAINS(error != NULL ? error->message : "", "does not match its hash");
    }
}

void test_decode_register(void)
{
    static const BcTest tests[] = {
        {"IDs and root from the bytes read agree with serializing again", test_fast_path_agrees},
        {"a wrong transaction ID is still refused", test_wrong_id_refused},
        {"a wrong Merkle root is still refused", test_wrong_root_refused},
        {0},
    };
    bc_test_add_suite(BC_SUITE_PREFIX "/decode", setup, teardown, tests);
}
