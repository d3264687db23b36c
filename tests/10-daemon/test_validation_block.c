/* test_validation_block.c: every rule a block from a peer must follow, one test per rule: each
 * broken one is refused with its own error code and reason, and the chain is left as it was; a
 * block that follows them all is accepted and stored. */
#include <string.h>

#include "bc_error.h"
#include "bc_hex.h"
#include "bc_test.h"
#include "blockchain.h"
#include "proof_of_work.h"
#include "utxo_set.h"
#include "validation.h"
#include "validation_fixture.h"
#include "wallet.h"

/* A block we mine ourselves, with whatever fields the test wants: TXS (taken) after PREV at
 * HEIGHT, mined at BITS with the real mining loop. */
static Block *mine(GPtrArray *txs, const guint8 prev[BC_HASH_LEN], gint32 height, guint32 bits)
{
    Block *block = g_new0(Block, 1);
    block->timestamp = g_get_real_time() / G_USEC_PER_SEC;
    block->transactions = txs;
    memcpy(block->prev_hash, prev, BC_HASH_LEN);
    block->height = height;
    block->bits = bits;
    pow_run(block);
    return block;
}

/* A block on our tip, as an honest miner would make it: only the transactions may be wrong. */
static Block *mine_on_tip(GPtrArray *txs)
{
    return mine(txs, bc->tip, bc->height + 1, bc->bits);
}

/* Wallet W's balance in the UTXO set. */
static gint64 balance(guint w)
{
    guint8 hash[BC_RIPEMD160_LEN];
    wallet_hash_pubkey(wallet_public_key(wallets[w]), hash);
    UtxoSet set = {bc};
    g_autoptr(GError) error = NULL;
    g_autoptr(GArray) unspent = utxo_set_find_unspent(&set, hash, &error);
    g_assert_no_error(error);
    gint64 sum = 0;
    for (guint i = 0; i < unspent->len; i++)
        sum += g_array_index(unspent, UnspentOutput, i).value;
    return sum;
}

/* BLOCK is refused with CODE and REASON, and the chain is as it was. Frees BLOCK. */
static void expect_block_refused(Block *block, gint code, const gchar *reason)
{
    g_autoptr(Block) owned = block;
    guint8 tip[BC_HASH_LEN];
    memcpy(tip, bc->tip, BC_HASH_LEN);
    gint32 height = bc->height;
    gint64 balances[N_WALLETS];
    for (guint w = 0; w < N_WALLETS; w++)
        balances[w] = balance(w);
    g_autoptr(GError) error = NULL;
    gboolean ok = validation_check_block(bc, owned, &error);
    expect_error(ok, error, code, reason);
    CU_ASSERT_EQUAL(memcmp(tip, bc->tip, BC_HASH_LEN), 0);
    CU_ASSERT_EQUAL(bc->height, height);
    for (guint w = 0; w < N_WALLETS; w++)
        CU_ASSERT_EQUAL(balance(w), balances[w]);
}

/* ---- blocks ---- */

static void test_valid_block(void)
{
    g_autoptr(Block) block = mine_on_tip(tx_list(coinbase_to(3), new_tx(1, 2, 1), NULL));
    g_autoptr(GError) error = NULL;
    gboolean ok = validation_check_block(bc, block, &error);
    ASSERT_OK(ok, error);
    ok = blockchain_add_block(bc, block, &error);
    ASSERT_OK(ok, error);
    CU_ASSERT_EQUAL(bc->height, 3);
    CU_ASSERT_EQUAL(memcmp(bc->tip, block->hash, BC_HASH_LEN), 0);
    CU_ASSERT_EQUAL(balance(1), 2);
    CU_ASSERT_EQUAL(balance(2), 3);
    CU_ASSERT_EQUAL(balance(3), SUBSIDY);
    /* Once stored, the same block is a duplicate. */
    CU_ASSERT_FALSE(validation_check_block(bc, block, NULL));
}

static void test_block_stored_already(void)
{
    g_autoptr(GError) error = NULL;
    Block *tip = blockchain_get_block(bc, bc->tip, &error);
    g_assert_no_error(error);
    expect_block_refused(tip, BC_ERROR_EXISTS, "is stored already");
    Block *first = blockchain_get_block(bc, block1_hash, &error);
    g_assert_no_error(error);
    expect_block_refused(first, BC_ERROR_EXISTS, "is stored already");
}

static void test_block_unknown_parent(void)
{
    guint8 nowhere[BC_HASH_LEN];
    memset(nowhere, 0xab, sizeof nowhere);
    Block *block = mine(tx_list(coinbase_to(3), NULL), nowhere, bc->height + 1, bc->bits);
    expect_block_refused(block, BC_ERROR_NOT_FOUND, "its parent is unknown");
}

static void test_block_wrong_difficulty(void)
{
    /* Easier than the network's, and harder: both are refused, even with a valid proof. */
    Block *easier = mine(tx_list(coinbase_to(3), NULL), bc->tip, bc->height + 1, bc->bits - 1);
    CU_ASSERT_TRUE(pow_validate(easier));
    expect_block_refused(easier, BC_ERROR_INVALID, "is mined at difficulty 5, the network's is 6");
    Block *harder = mine(tx_list(coinbase_to(3), NULL), bc->tip, bc->height + 1, bc->bits + 1);
    expect_block_refused(harder, BC_ERROR_INVALID, "is mined at difficulty 7, the network's is 6");
}

static void test_block_changed_nonce(void)
{
    /* The hash no longer matches the header. */
    Block *block = mine_on_tip(tx_list(coinbase_to(3), NULL));
    block->nonce++;
    expect_block_refused(block, BC_ERROR_INVALID, "has no valid proof-of-work");
}

static void test_block_hash_above_target(void)
{
    /* The hash is its header's hash, but not below the target: a nonce nobody mined. */
    Block *block = mine_on_tip(tx_list(coinbase_to(3), NULL));
    guint8 target[BC_HASH_LEN];
    pow_target(block->bits, target);
    do {
        block->nonce++;
        block_compute_hash(block, block->hash);
    } while (memcmp(block->hash, target, BC_HASH_LEN) < 0);
    expect_block_refused(block, BC_ERROR_INVALID, "has no valid proof-of-work");
}

static void test_block_tx_changed_after_mining(void)
{
    /* The header commits to the Merkle root: a changed transaction changes the block's hash. */
    Block *block = mine_on_tip(tx_list(coinbase_to(3), new_tx(1, 2, 1), NULL));
    Transaction *tx = g_ptr_array_index(block->transactions, 1);
    TxOutput *out = g_ptr_array_index(tx->vout, 0);
    out->value = 2;
    expect_block_refused(block, BC_ERROR_INVALID, "has no valid proof-of-work");

    /* The same with the transaction's ID made to match its new content. */
    block = mine_on_tip(tx_list(coinbase_to(3), new_tx(1, 2, 1), NULL));
    tx = g_ptr_array_index(block->transactions, 1);
    out = g_ptr_array_index(tx->vout, 0);
    out->value = 2;
    transaction_set_id(tx);
    expect_block_refused(block, BC_ERROR_INVALID, "has no valid proof-of-work");
}

static void test_block_not_on_tip(void)
{
    /* A fork: a second block 2, after block 1. */
    Block *block = mine(tx_list(coinbase_to(3), NULL), block1_hash, 2, bc->bits);
    expect_block_refused(block, BC_ERROR_INVALID, "does not extend our tip");
    /* A second block 1, after genesis. */
    block = mine(tx_list(coinbase_to(3), NULL), genesis_hash, 1, bc->bits);
    expect_block_refused(block, BC_ERROR_INVALID, "does not extend our tip");
}

static void test_block_wrong_height(void)
{
    Block *block = mine(tx_list(coinbase_to(3), NULL), bc->tip, bc->height + 2, bc->bits);
    expect_block_refused(block, BC_ERROR_INVALID, "says height 4, its parent's is 2");
    block = mine(tx_list(coinbase_to(3), NULL), bc->tip, bc->height, bc->bits);
    expect_block_refused(block, BC_ERROR_INVALID, "says height 2, its parent's is 2");
    block = mine(tx_list(coinbase_to(3), NULL), bc->tip, -1, bc->bits);
    expect_block_refused(block, BC_ERROR_INVALID, "says height -1, its parent's is 2");
}

static void test_block_no_transactions(void)
{
    Block *block = mine_on_tip(tx_list(NULL));
    expect_block_refused(block, BC_ERROR_INVALID, "it has no transactions");
}

static void test_block_first_not_coinbase(void)
{
    Block *block = mine_on_tip(tx_list(new_tx(1, 2, 1), NULL));
    expect_block_refused(block, BC_ERROR_INVALID, "its first transaction is not a coinbase");
    block = mine_on_tip(tx_list(new_tx(1, 2, 1), coinbase_to(3), NULL));
    expect_block_refused(block, BC_ERROR_INVALID, "its first transaction is not a coinbase");
}

static void test_block_second_coinbase(void)
{
    Block *block = mine_on_tip(tx_list(coinbase_to(3), coinbase_to(2), NULL));
    expect_block_refused(block, BC_ERROR_INVALID, "transaction 1 is a second coinbase");
}

static void test_block_coinbase_above_subsidy(void)
{
    /* One output over the subsidy. */
    Transaction *coinbase = coinbase_to(3);
    ((TxOutput *)g_ptr_array_index(coinbase->vout, 0))->value = SUBSIDY + 1;
    transaction_set_id(coinbase);
    Block *block = mine_on_tip(tx_list(coinbase, NULL));
    expect_block_refused(block, BC_ERROR_INVALID, "its coinbase output 0 is out of range");

    /* Two outputs, each within it, that add up to more. */
    coinbase = coinbase_to(3);
    TxOutput *out = g_ptr_array_index(coinbase->vout, 0);
    out->value = SUBSIDY / 2 + 1;
    transaction_add_output(coinbase, SUBSIDY / 2 + 1, out->pubkey_hash);
    transaction_set_id(coinbase);
    block = mine_on_tip(tx_list(coinbase, NULL));
    g_autofree gchar *reason =
        g_strdup_printf("its coinbase pays %d, the subsidy is %d", 2 * (SUBSIDY / 2 + 1), SUBSIDY);
    expect_block_refused(block, BC_ERROR_INVALID, reason);

    /* A zero or negative output mints nothing, but is refused too. */
    coinbase = coinbase_to(3);
    ((TxOutput *)g_ptr_array_index(coinbase->vout, 0))->value = 0;
    transaction_set_id(coinbase);
    block = mine_on_tip(tx_list(coinbase, NULL));
    expect_block_refused(block, BC_ERROR_INVALID, "its coinbase output 0 is out of range");
}

static void test_block_coinbase_data_too_long(void)
{
    g_autofree gchar *essay = g_strnfill(257, 'x');
    g_autoptr(GError) error = NULL;
    Transaction *coinbase = transaction_new_coinbase(addresses[3], essay, &error);
    g_assert_no_error(error);
    Block *block = mine_on_tip(tx_list(coinbase, NULL));
    expect_block_refused(block, BC_ERROR_INVALID, "its coinbase carries more than 256 bytes");

    /* 256 bytes are fine. */
    g_autofree gchar *note = g_strnfill(256, 'x');
    coinbase = transaction_new_coinbase(addresses[3], note, &error);
    g_assert_no_error(error);
    g_autoptr(Block) fits = mine_on_tip(tx_list(coinbase, NULL));
    gboolean ok = validation_check_block(bc, fits, &error);
    ASSERT_OK(ok, error);
}

static void test_block_duplicate_transaction(void)
{
    /* Two copies give the Merkle root of one copy (CVE-2012-2459): the hash cannot tell. */
    Transaction *tx = new_tx(1, 2, 1);
    Block *block = mine_on_tip(tx_list(coinbase_to(3), tx, copy_tx(tx), NULL));
    expect_block_refused(block, BC_ERROR_INVALID, "transaction 2 appears twice");
}

static void test_block_invalid_signature(void)
{
    Transaction *tx = new_tx(1, 2, 1);
    forge_signature(tx);
    g_autofree gchar *id = bc_hex_encode(tx->id, BC_HASH_LEN);
    Block *block = mine_on_tip(tx_list(coinbase_to(3), tx, NULL));
    g_autofree gchar *reason =
        g_strdup_printf("invalid transaction %s: input 0's signature is not valid", id);
    expect_block_refused(block, BC_ERROR_INVALID, reason);
}

static void test_block_double_spend_inside(void)
{
    /* Each is valid alone; together they spend wallet 1's one output twice. */
    Block *block = mine_on_tip(tx_list(coinbase_to(3), new_tx(1, 2, 1), new_tx(1, 3, 2), NULL));
    expect_block_refused(block, BC_ERROR_INVALID, "is spent already: a double spend");
}

static void test_block_spends_spent_output(void)
{
    /* Signed validly, but block 2 spent its input already. */
    Block *block = mine_on_tip(tx_list(coinbase_to(3), copy_tx(stale), NULL));
    expect_block_refused(block, BC_ERROR_INVALID, "which is not in the UTXO set (spent already");
}

/* A transaction ID seen twice names two transactions with one UTXO record: the incremental set
 * and a reindex (which keys outputs by ID and index) no longer agree. Only a coinbase can be
 * repeated (its input spends nothing), so a miner could do it at will (BIP 30). The node
 * refuses an ID already in the chain, whether its outputs are unspent (the first test) or all
 * spent (the second). */
static void test_block_repeats_unspent_transaction(void)
{
    /* Block 2's coinbase, whose reward to wallet 0 is unspent, again. */
    g_autoptr(GError) error = NULL;
    g_autoptr(Block) tip = blockchain_get_block(bc, bc->tip, &error);
    g_assert_no_error(error);
    Transaction *coinbase = copy_tx(g_ptr_array_index(tip->transactions, 0));
    g_autofree gchar *id = bc_hex_encode(coinbase->id, BC_HASH_LEN);
    Block *block = mine_on_tip(tx_list(coinbase, NULL));
    expect_block_refused(block, BC_ERROR_INVALID, id);
}

static void test_block_repeats_spent_transaction(void)
{
    /* Genesis's coinbase (same address, same text: the same ID), whose output block 1 spent.
     * Stored, it would bring back genesis's UTXO record, which a reindex counts as spent. */
    g_autoptr(GError) error = NULL;
    Transaction *coinbase = transaction_new_coinbase(addresses[0], GENESIS_COINBASE_DATA, &error);
    g_assert_no_error(error);
    CU_ASSERT_EQUAL(memcmp(coinbase->id, genesis_coinbase_id, BC_HASH_LEN), 0);
    g_autofree gchar *id = bc_hex_encode(coinbase->id, BC_HASH_LEN);
    Block *block = mine_on_tip(tx_list(coinbase, NULL));
    expect_block_refused(block, BC_ERROR_INVALID, id);
}

void test_validation_block_register(void)
{
    static const BcTest tests[] = {
        {"a valid block is accepted and stored", test_valid_block},
        {"block: stored already", test_block_stored_already},
        {"block: unknown parent", test_block_unknown_parent},
        {"block: wrong difficulty", test_block_wrong_difficulty},
        {"block: nonce changed after mining", test_block_changed_nonce},
        {"block: hash above the target", test_block_hash_above_target},
        {"block: transaction changed after mining", test_block_tx_changed_after_mining},
        {"block: not on our tip (fork)", test_block_not_on_tip},
        {"block: wrong height", test_block_wrong_height},
        {"block: no transactions", test_block_no_transactions},
        {"block: first transaction not a coinbase", test_block_first_not_coinbase},
        {"block: second coinbase", test_block_second_coinbase},
        {"block: coinbase above the subsidy", test_block_coinbase_above_subsidy},
        {"block: coinbase data too long", test_block_coinbase_data_too_long},
        {"block: duplicate transaction", test_block_duplicate_transaction},
        {"block: invalid signature inside", test_block_invalid_signature},
        {"block: double spend inside the block", test_block_double_spend_inside},
        {"block: spends an output spent in the chain", test_block_spends_spent_output},
        {"block: repeats an unspent transaction's ID", test_block_repeats_unspent_transaction},
        {"block: repeats a spent transaction's ID", test_block_repeats_spent_transaction},
        {NULL, NULL},
    };
    bc_test_add_suite("10/validation_block", setup, teardown, tests);
}
