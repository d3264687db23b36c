/* test_validation_order.c: what a peer's block or transaction costs before it is refused, and
 * what the refusal says. The checks that need no lookup come first: a transaction with a
 * signature of the wrong length costs no read at all, a block holding one costs only the
 * "stored already?" lookup (it used to verify every transaction before it, lookups and all).
 * A database that cannot be read keeps its own error code instead of making the peer's block
 * "invalid"; and blockchain_add_block off the tip fails with an error, not FALSE alone. */
#include <string.h>

#include "bc_error.h"
#include "bc_store.h"
#include "bc_test.h"
#include "blockchain.h"
#include "proof_of_work.h"
#include "utxo_set.h"
#include "validation.h"
#include "validation_fixture.h"
#include "wallet.h"

/* A block on our tip holding TXS (taken), mined for real. */
static Block *mine_on_tip(GPtrArray *txs)
{
    Block *block = g_new0(Block, 1);
    block->timestamp = g_get_real_time() / G_USEC_PER_SEC;
    block->transactions = txs;
    memcpy(block->prev_hash, bc->tip, BC_HASH_LEN);
    block->height = bc->height + 1;
    block->bits = bc->bits;
    pow_run(block);
    return block;
}

/* TX with input 0's signature cut by one byte, and its new ID. */
static Transaction *short_signature(Transaction *tx)
{
    TxInput *in = g_ptr_array_index(tx->vin, 0);
    GBytes *cut = g_bytes_new_from_bytes(in->signature, 0, WALLET_SIGNATURE_LEN - 1);
    g_bytes_unref(in->signature);
    in->signature = cut;
    transaction_set_id(tx);
    return tx;
}

/* The chain and the UTXO set, each in its own file. */
static guint64 reads(void)
{
    return bc_store_read_count(bc->store) + bc_store_read_count(bc->chainstate);
}

/* As a peer would send it: serialized and read back. */
static void test_transaction_refused_without_reads(void)
{
    g_autoptr(Transaction) made = short_signature(new_tx(1, 3, 1));
    g_autoptr(Transaction) tx = copy_tx(made);
    guint64 before = reads();
    g_autoptr(GError) error = NULL;
    gboolean ok = validation_check_transaction(bc, tx, &error);
    expect_error(ok, error, BC_ERROR_INVALID, "input 0 has no well-formed key and signature");
    CU_ASSERT_EQUAL(reads() - before, 0);
}

/* A well-formed but forged signature can only be found out with the spent output: lookups. */
static void test_forged_signature_needs_reads(void)
{
    g_autoptr(Transaction) tx = new_tx(1, 3, 1);
    forge_signature(tx);
    guint64 before = reads();
    g_autoptr(GError) error = NULL;
    gboolean ok = validation_check_transaction(bc, tx, &error);
    expect_error(ok, error, BC_ERROR_INVALID, "signature is not valid");
    CU_ASSERT_TRUE(reads() - before > 0);
}

/* A sound transaction first, then one with a short signature: the block is refused before the
 * first transaction is verified. */
static void test_block_shape_checked_before_lookups(void)
{
    g_autoptr(Block) block = mine_on_tip(
        tx_list(coinbase_to(3), new_tx(0, 3, 1), short_signature(new_tx(1, 3, 1)), NULL));
    guint64 before = reads();
    g_autoptr(GError) error = NULL;
    gboolean ok = validation_check_block(bc, block, &error);
    expect_error(ok, error, BC_ERROR_INVALID, "no well-formed key and signature");
    CU_ASSERT_EQUAL(reads() - before, 2); /* "stored already?", "its parent?" (the index) */
}

/* The UTXO record a transaction spends from, damaged under an open chain: checking a block that
 * holds the transaction fails as CORRUPT, the database's fault, not as INVALID. */
static void test_database_fault_keeps_its_code(void)
{
    g_autoptr(Block) block = mine_on_tip(tx_list(coinbase_to(3), new_tx(0, 3, 1), NULL));
    const Transaction *spend = g_ptr_array_index(block->transactions, 1);
    const TxInput *in = g_ptr_array_index(spend->vin, 0);
    g_autoptr(GBytes) junk = g_bytes_new_static("junk", 4);
    g_autoptr(GError) error = NULL;
    CU_ASSERT_TRUE_FATAL(
        bc_store_put(bc->chainstate, UTXO_PREFIX, in->txid, BC_HASH_LEN, junk, &error));
    gboolean ok = validation_check_block(bc, block, &error);
    expect_error(ok, error, BC_ERROR_CORRUPT, "UTXO record");
}

static void test_add_block_off_tip_sets_error(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(Block) block = blockchain_get_block(bc, block1_hash, &error);
    g_assert_no_error(error);
    gboolean ok = blockchain_add_block(bc, block, &error);
    expect_error(ok, error, BC_ERROR_INVALID, "does not extend the tip");
    CU_ASSERT_EQUAL(bc->height, 2);
}

void test_validation_order_register(void)
{
    static const BcTest tests[] = {
        {"a malformed transaction costs no read", test_transaction_refused_without_reads},
        {"a forged signature is found out with lookups", test_forged_signature_needs_reads},
        {"a block's transactions are checked for shape before any lookup",
         test_block_shape_checked_before_lookups},
        {"a database fault keeps its code", test_database_fault_keeps_its_code},
        {"adding a block off the tip sets an error", test_add_block_off_tip_sets_error},
        {NULL, NULL},
    };
    bc_test_add_suite("validation/order and errors", setup, teardown, tests);
}
