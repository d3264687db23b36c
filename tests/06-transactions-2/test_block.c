/* test_block.c: the header commits to the Merkle root of the serialized transactions, so changing
 * any transaction changes the block's hash; blocks of 1 to 6 transactions round-trip; a block too
 * large to read back is never written. */
#include <string.h>

#include "bc_error.h"
#include "bc_test.h"
#include "blockchain.h"
#include "merkle_tree.h"
#include "proof_of_work.h"
#include "utxo_set.h"
#include "wallet.h"

#define TEST_BITS 6

static gchar *dir, *db, *address;

static void setup(void)
{
    dir = bc_test_tmpdir();
    db = g_build_filename(dir, BLOCKCHAIN_DB_FILE, NULL);
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

/* N coinbases with the data "tx 0", "tx 1", ...: distinct transactions, in a fixed order. */
static GPtrArray *transactions(guint n)
{
    GPtrArray *txs = g_ptr_array_new_with_free_func((GDestroyNotify)transaction_free);
    for (guint i = 0; i < n; i++) {
        g_autofree gchar *data = g_strdup_printf("tx %u", i);
        Transaction *tx = transaction_new_coinbase(address, data, NULL);
        g_assert(tx != NULL);
        g_ptr_array_add(txs, tx);
    }
    return txs;
}

static Block *mined_block(GPtrArray *txs)
{
    static const guint8 parent[BC_HASH_LEN] = {1, 2, 3};
    return block_new(txs, parent, TEST_BITS);
}

/* The Merkle root over each transaction's serialized bytes, in block order. */
static void expected_root(GPtrArray *txs, guint8 out[BC_HASH_LEN])
{
    g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
    for (guint i = 0; i < txs->len; i++)
        g_ptr_array_add(items, transaction_serialize(g_ptr_array_index(txs, i)));
    g_autoptr(MerkleTree) tree = merkle_tree_new(items);
    memcpy(out, merkle_tree_root(tree), BC_HASH_LEN);
}

/* block_hash_transactions is the Merkle root, and it is what bytes 32..63 of the header hold. */
static void test_header_holds_merkle_root(void)
{
    for (guint n = 1; n <= 6; n++) {
        g_autoptr(GPtrArray) txs = transactions(n);
        g_autoptr(Block) block = mined_block(txs);
        guint8 got[BC_HASH_LEN], want[BC_HASH_LEN], header[BLOCK_HEADER_LEN];
        block_hash_transactions(block, got);
        expected_root(txs, want);
        CU_ASSERT_EQUAL(memcmp(got, want, BC_HASH_LEN), 0);
        block_header(block, header);
        CU_ASSERT_EQUAL(memcmp(header + BC_HASH_LEN, want, BC_HASH_LEN), 0);
        /* One transaction: the root is its serialization's SHA-256. */
        if (n == 1) {
            g_autoptr(GBytes) only = transaction_serialize(g_ptr_array_index(txs, 0));
            guint8 leaf[BC_HASH_LEN];
            bc_sha256_bytes(only, leaf);
            CU_ASSERT_EQUAL(memcmp(got, leaf, BC_HASH_LEN), 0);
        }
        guint8 hash[BC_HASH_LEN];
        bc_sha256(header, sizeof header, hash);
        CU_ASSERT_EQUAL(memcmp(hash, block->hash, BC_HASH_LEN), 0);
        CU_ASSERT_TRUE(pow_validate(block));
    }
}

/* Any change to any transaction, or to their order, changes the block's hash, and the block
 * stops validating: the work was done for the old transactions. */
static void test_any_change_changes_hash(void)
{
    for (guint n = 1; n <= 6; n++) {
        g_autoptr(GPtrArray) txs = transactions(n);
        g_autoptr(Block) block = mined_block(txs);
        guint8 mined[BC_HASH_LEN], now[BC_HASH_LEN];
        memcpy(mined, block->hash, BC_HASH_LEN);
        for (guint i = 0; i < n; i++) {
            Transaction *tx = g_ptr_array_index(txs, i);
            TxOutput *out = g_ptr_array_index(tx->vout, 0);
            out->value++;
            block_compute_hash(block, now);
            CU_ASSERT_NOT_EQUAL(memcmp(now, mined, BC_HASH_LEN), 0);
            CU_ASSERT_FALSE(pow_validate(block));
            out->value--;
            out->pubkey_hash[3] ^= 0x10;
            block_compute_hash(block, now);
            CU_ASSERT_NOT_EQUAL(memcmp(now, mined, BC_HASH_LEN), 0);
            out->pubkey_hash[3] ^= 0x10;
            tx->id[31] ^= 1; /* the serialization holds the ID too */
            block_compute_hash(block, now);
            CU_ASSERT_NOT_EQUAL(memcmp(now, mined, BC_HASH_LEN), 0);
            tx->id[31] ^= 1;
        }
        if (n > 1) {
            gpointer first = txs->pdata[0];
            txs->pdata[0] = txs->pdata[n - 1];
            txs->pdata[n - 1] = first;
            block_compute_hash(block, now);
            CU_ASSERT_NOT_EQUAL(memcmp(now, mined, BC_HASH_LEN), 0);
            txs->pdata[n - 1] = txs->pdata[0];
            txs->pdata[0] = first;
        }
        /* A transaction added or removed. */
        Transaction *extra = transaction_new_coinbase(address, "extra", NULL);
        g_ptr_array_add(txs, extra);
        block_compute_hash(block, now);
        CU_ASSERT_NOT_EQUAL(memcmp(now, mined, BC_HASH_LEN), 0);
        g_ptr_array_remove_index(txs, txs->len - 1);
        block_compute_hash(block, now);
        CU_ASSERT_EQUAL(memcmp(now, mined, BC_HASH_LEN), 0); /* all restored */
        CU_ASSERT_TRUE(pow_validate(block));
    }
}

/* Blocks of 1 to 6 transactions come back from their bytes equal; a stored block whose
 * transactions were changed does not decode. */
static void test_round_trip(void)
{
    for (guint n = 1; n <= 6; n++) {
        g_autoptr(GPtrArray) txs = transactions(n);
        g_autoptr(Block) block = mined_block(txs);
        g_autoptr(GBytes) raw = block_serialize(block);
        g_autoptr(GError) error = NULL;
        g_autoptr(Block) back = block_deserialize(raw, &error);
        g_assert_no_error(error);
        CU_ASSERT_PTR_NOT_NULL_FATAL(back);
        CU_ASSERT_EQUAL(memcmp(back->hash, block->hash, BC_HASH_LEN), 0);
        CU_ASSERT_EQUAL(memcmp(back->prev_hash, block->prev_hash, BC_HASH_LEN), 0);
        CU_ASSERT_EQUAL(back->timestamp, block->timestamp);
        CU_ASSERT_EQUAL(back->bits, block->bits);
        CU_ASSERT_EQUAL(back->nonce, block->nonce);
        CU_ASSERT_EQUAL_FATAL(back->transactions->len, n);
        for (guint i = 0; i < n; i++) {
            g_autoptr(GBytes) a = transaction_serialize(g_ptr_array_index(txs, i));
            g_autoptr(GBytes) b = transaction_serialize(g_ptr_array_index(back->transactions, i));
            CU_ASSERT_TRUE(g_bytes_equal(a, b));
        }
        g_autoptr(GBytes) again = block_serialize(back);
        CU_ASSERT_TRUE(g_bytes_equal(raw, again));

        /* The same block with the last transaction's data changed, stored under the old hash. */
        Transaction *last = g_ptr_array_index(txs, n - 1);
        TxInput *in = g_ptr_array_index(last->vin, 0);
        g_bytes_unref(in->pubkey);
        in->pubkey = g_bytes_new_static("forged", 6);
        transaction_set_id(last);
        g_autoptr(GBytes) forged = block_serialize(block);
        g_autoptr(Block) refused = block_deserialize(forged, &error);
        CU_ASSERT_PTR_NULL(refused);
        CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_CORRUPT));
    }
}

/* A block is never empty (a coinbase always pays the miner), but one with no transactions still
 * has a defined root, all zeros, and round-trips. */
static void test_no_transactions(void)
{
    g_autoptr(GPtrArray) txs = transactions(0);
    g_autoptr(Block) block = mined_block(txs);
    guint8 root[BC_HASH_LEN];
    static const guint8 zeros[BC_HASH_LEN] = {0};
    block_hash_transactions(block, root);
    CU_ASSERT_EQUAL(memcmp(root, zeros, BC_HASH_LEN), 0);
    g_autoptr(GBytes) raw = block_serialize(block);
    g_autoptr(Block) back = block_deserialize(raw, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(back);
    CU_ASSERT_EQUAL(back->transactions->len, 0);
}

/* A mined block on the chain: its header's root is the root of what it stores. */
static void test_mined_chain_blocks(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(Blockchain) bc = blockchain_create(db, address, TEST_BITS, &error);
    g_assert_no_error(error);
    for (guint n = 1; n <= 5; n++) {
        g_autoptr(GPtrArray) txs = g_ptr_array_new_with_free_func((GDestroyNotify)transaction_free);
        for (guint i = 0; i < n; i++)
            g_ptr_array_add(txs, transaction_new_coinbase(address, NULL, NULL));
        CU_ASSERT_TRUE_FATAL(blockchain_mine_block(bc, txs, &error));
        g_autoptr(Block) tip = blockchain_get_block(bc, bc->tip, &error);
        CU_ASSERT_PTR_NOT_NULL_FATAL(tip);
        CU_ASSERT_EQUAL(tip->transactions->len, n);
        guint8 got[BC_HASH_LEN], want[BC_HASH_LEN];
        block_hash_transactions(tip, got);
        expected_root(txs, want);
        CU_ASSERT_EQUAL(memcmp(got, want, BC_HASH_LEN), 0);
        CU_ASSERT_TRUE(pow_validate(tip));
    }
}

/* A block too big to be read back is never written: the chain and the set stay as they were. */
static void test_block_too_large(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(Blockchain) bc = blockchain_create(db, address, TEST_BITS, &error);
    g_assert_no_error(error);
    guint8 tip[BC_HASH_LEN];
    memcpy(tip, bc->tip, BC_HASH_LEN);
    g_autofree gchar *data = g_strnfill(BLOCK_MAX_SIZE, 'a');
    g_autoptr(GPtrArray) txs = g_ptr_array_new_with_free_func((GDestroyNotify)transaction_free);
    g_ptr_array_add(txs, transaction_new_coinbase(address, data, NULL));
    CU_ASSERT_FALSE(blockchain_mine_block(bc, txs, &error));
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_TOO_LARGE));
    CU_ASSERT_EQUAL(memcmp(bc->tip, tip, BC_HASH_LEN), 0);
    g_clear_pointer(&bc, blockchain_close);
    g_autoptr(Blockchain) reopened = blockchain_open(db, FALSE, TEST_BITS, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(reopened);
    CU_ASSERT_EQUAL(memcmp(reopened->tip, tip, BC_HASH_LEN), 0);
    UtxoSet set = {reopened};
    guint count = 0;
    CU_ASSERT_TRUE(utxo_set_count_transactions(&set, &count, NULL));
    CU_ASSERT_EQUAL(count, 1);
}

void test_block_register(void)
{
    static const BcTest tests[] = {
        {"the header holds the Merkle root of the transactions", test_header_holds_merkle_root},
        {"changing any transaction changes the hash", test_any_change_changes_hash},
        {"blocks of 1 to 6 transactions round-trip", test_round_trip},
        {"no transactions: an all-zero root", test_no_transactions},
        {"mined blocks commit to what they store", test_mined_chain_blocks},
        {"a block too large to read back is not written", test_block_too_large},
        {NULL, NULL},
    };
    bc_test_add_suite("06/block", setup, teardown, tests);
}
