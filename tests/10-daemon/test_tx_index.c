/* test_tx_index.c: the transaction index ('t' + txid -> block hash and height), which answers
 * "is this transaction in the chain" with a few lookups instead of a walk, and counts only
 * entries the chain at their height confirms (a crash between the writes leaves no false
 * positive). The store's read counter proves that no walk happens. */
#include <string.h>

#include "bc_error.h"
#include "bc_store.h"
#include "bc_test.h"
#include "blockchain.h"
#include "validation.h"
#include "wallet.h"

#define TEST_BITS 4
#define N_MORE 300

static gchar *dir, *db, *address;
static guint8 hashes[N_MORE + 1][BC_HASH_LEN];
static guint8 coinbase_ids[N_MORE + 1][BC_HASH_LEN];

static Block *coinbase_block(Blockchain *bc, const gchar *data)
{
    g_autoptr(GPtrArray) txs = g_ptr_array_new_with_free_func((GDestroyNotify)transaction_free);
    g_ptr_array_add(txs, transaction_new_coinbase(address, data, NULL));
    return block_new(txs, bc->tip, bc->height + 1, TEST_BITS);
}

/* Genesis and N_MORE blocks of one coinbase each. */
static Blockchain *make_chain(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(Blockchain) bc = blockchain_create(db, address, TEST_BITS, &error);
    g_assert_no_error(error);
    g_autoptr(Block) genesis = blockchain_get_block(bc, bc->tip, &error);
    g_assert_no_error(error);
    memcpy(hashes[0], genesis->hash, BC_HASH_LEN);
    memcpy(coinbase_ids[0], ((Transaction *)g_ptr_array_index(genesis->transactions, 0))->id,
           BC_HASH_LEN);
    for (guint i = 1; i <= N_MORE; i++) {
        g_autofree gchar *data = g_strdup_printf("block %u", i);
        g_autoptr(Block) block = coinbase_block(bc, data);
        g_assert_true(blockchain_add_block(bc, block, &error));
        memcpy(hashes[i], block->hash, BC_HASH_LEN);
        memcpy(coinbase_ids[i], ((Transaction *)g_ptr_array_index(block->transactions, 0))->id,
               BC_HASH_LEN);
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

/* Every transaction is found in its block, at its height, with at most three reads (index,
 * height, nothing else), whether it is in genesis or the tip. */
static void test_every_transaction_found(void)
{
    g_autoptr(Blockchain) bc = make_chain();
    for (gint32 h = 0; h <= N_MORE; h++) {
        guint8 where[BC_HASH_LEN];
        gint32 height = -1;
        g_autoptr(GError) error = NULL;
        guint64 before = bc_store_read_count(bc->store);
        CU_ASSERT_TRUE(
            blockchain_find_transaction_block(bc, coinbase_ids[h], where, &height, &error));
        CU_ASSERT_TRUE(bc_store_read_count(bc->store) - before <= 2);
        CU_ASSERT_EQUAL(height, h);
        CU_ASSERT_EQUAL(memcmp(where, hashes[h], BC_HASH_LEN), 0);
    }
    /* The whole transaction, through the index: one more read, its block. */
    g_autoptr(GError) error = NULL;
    guint64 before = bc_store_read_count(bc->store);
    g_autoptr(Transaction) tx = blockchain_find_transaction(bc, coinbase_ids[1], &error);
    g_assert_no_error(error);
    CU_ASSERT_TRUE(bc_store_read_count(bc->store) - before <= 3);
    CU_ASSERT_EQUAL(memcmp(tx->id, coinbase_ids[1], BC_HASH_LEN), 0);
}

/* An unknown ID costs one read, and is "not found", not an error. */
static void test_unknown_is_one_read(void)
{
    g_autoptr(Blockchain) bc = make_chain();
    guint8 unknown[BC_HASH_LEN] = {7, 7, 7};
    guint8 where[BC_HASH_LEN];
    gint32 height = -1;
    g_autoptr(GError) error = NULL;
    guint64 before = bc_store_read_count(bc->store);
    CU_ASSERT_FALSE(blockchain_find_transaction_block(bc, unknown, where, &height, &error));
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_NOT_FOUND));
    CU_ASSERT_EQUAL(bc_store_read_count(bc->store) - before, 1);
    CU_ASSERT_EQUAL(height, -1);
}

static void put_entry(Blockchain *bc, const guint8 txid[BC_HASH_LEN], const guint8 *block_hash,
                      guint32 height)
{
    guint8 where[BC_HASH_LEN + 4];
    memcpy(where, block_hash, BC_HASH_LEN);
    guint32 le = GUINT32_TO_LE(height);
    memcpy(where + BC_HASH_LEN, &le, sizeof le);
    g_autoptr(GBytes) value = g_bytes_new(where, sizeof where);
    g_autoptr(GError) error = NULL;
    CU_ASSERT_TRUE_FATAL(
        bc_store_put(bc->store, BLOCKCHAIN_TX_PREFIX, txid, BC_HASH_LEN, value, &error));
}

/* What a crash between the writes leaves: entries for a block the tip never reached (at the
 * next height), or for a sibling of the tip that was written and then lost the race. Neither
 * may say "in the chain". */
static void test_stale_entries_not_found(void)
{
    g_autoptr(Blockchain) bc = make_chain();
    g_autoptr(Block) next = coinbase_block(bc, "never the tip");
    const guint8 *next_id = ((Transaction *)g_ptr_array_index(next->transactions, 0))->id;
    put_entry(bc, next_id, next->hash, N_MORE + 1);
    /* Same height as the tip, another block. */
    guint8 side_id[BC_HASH_LEN] = {9, 9, 9};
    put_entry(bc, side_id, next->hash, N_MORE);
    /* A height no chain has. */
    guint8 far_id[BC_HASH_LEN] = {8, 8, 8};
    put_entry(bc, far_id, hashes[1], G_MAXUINT32);
    const guint8 *ids[] = {next_id, side_id, far_id};
    for (guint i = 0; i < G_N_ELEMENTS(ids); i++) {
        guint8 where[BC_HASH_LEN];
        gint32 height = -1;
        g_autoptr(GError) error = NULL;
        CU_ASSERT_FALSE(blockchain_find_transaction_block(bc, ids[i], where, &height, &error));
        CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_NOT_FOUND));
    }
    /* And the block itself is still accepted: its coinbase does not "repeat" anything. */
    g_autoptr(GError) error = NULL;
    CU_ASSERT_TRUE(validation_check_block(bc, next, &error));
    g_assert_no_error(error);
}

/* An entry of the wrong size is damage, said so. */
static void test_damaged_entry_is_corrupt(void)
{
    g_autoptr(Blockchain) bc = make_chain();
    g_autoptr(GBytes) shorter = g_bytes_new(hashes[3], BC_HASH_LEN);
    g_autoptr(GError) error = NULL;
    CU_ASSERT_TRUE_FATAL(bc_store_put(bc->store, BLOCKCHAIN_TX_PREFIX, coinbase_ids[3], BC_HASH_LEN,
                                      shorter, &error));
    guint8 where[BC_HASH_LEN];
    gint32 height = -1;
    CU_ASSERT_FALSE(blockchain_find_transaction_block(bc, coinbase_ids[3], where, &height, &error));
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_CORRUPT));
}

/* Checking a block at height N_MORE + 1 costs a few reads per transaction, not a walk of the
 * N_MORE blocks below it (it decoded every one of them before the index); and a copy of an old
 * coinbase is still refused. */
static void test_validation_reads_no_chain(void)
{
    g_autoptr(Blockchain) bc = make_chain();
    g_autoptr(Block) next = coinbase_block(bc, "block after");
    g_autoptr(GError) error = NULL;
    guint64 before = bc_store_read_count(bc->store);
    CU_ASSERT_TRUE(validation_check_block(bc, next, &error));
    g_assert_no_error(error);
    guint64 reads = bc_store_read_count(bc->store) - before;
    CU_ASSERT_TRUE(reads <= 10);
    if (reads > 10)
        g_printerr("validation of a one-transaction block read %" G_GUINT64_FORMAT " records\n",
                   reads);

    g_autoptr(GPtrArray) txs = g_ptr_array_new_with_free_func((GDestroyNotify)transaction_free);
    Transaction *old = blockchain_find_transaction(bc, coinbase_ids[1], &error);
    g_assert_no_error(error);
    g_ptr_array_add(txs, old);
    g_autoptr(Block) copy = block_new(txs, bc->tip, bc->height + 1, TEST_BITS);
    CU_ASSERT_FALSE(validation_check_block(bc, copy, &error));
    BC_ASSERT_CONTAINS(error != NULL ? error->message : "", "repeats a transaction of the chain");
}

void test_tx_index_register(void)
{
    static const BcTest tests[] = {
        {"every transaction is found at its block and height, in two reads",
         test_every_transaction_found},
        {"an unknown transaction costs one read", test_unknown_is_one_read},
        {"entries a crash left above or beside the tip are not found",
         test_stale_entries_not_found},
        {"a damaged entry is reported as damage", test_damaged_entry_is_corrupt},
        {"checking a block reads a few records, not the chain", test_validation_reads_no_chain},
        {0},
    };
    bc_test_add_suite("10/tx_index", setup, teardown, tests);
}
