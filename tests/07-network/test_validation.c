/* test_validation.c: every rule a block or transaction from a peer must follow, one test per
 * rule: each broken one is refused with its own error code and reason, and the chain is left as
 * it was; a block that follows them all is accepted and stored. */
#include <stdarg.h>
#include <string.h>

#include "bc_error.h"
#include "bc_hex.h"
#include "bc_test.h"
#include "blockchain.h"
#include "proof_of_work.h"
#include "utxo_set.h"
#include "validation.h"
#include "wallet.h"

/* Low difficulty: the tests check the rules, not the mining. */
#define TEST_BITS 6
#define N_WALLETS 4

static gchar *dir;
static Blockchain *bc;
static Wallet *wallets[N_WALLETS];
static gchar *addresses[N_WALLETS];
/* The chain setup builds: genesis pays wallet 0; block 1 sends 5 from wallet 0 to wallet 1;
 * block 2 sends 2 from wallet 1 to wallet 2 (wallet 1 keeps 3 as change). */
static guint8 genesis_hash[BC_HASH_LEN], block1_hash[BC_HASH_LEN];
static guint8 genesis_coinbase_id[BC_HASH_LEN];
/* Wallet 1 -> wallet 3, signed before block 2: it spends the output block 2 spent. */
static Transaction *stale;

/* A failed check that stops the test, showing ERROR. */
#define ASSERT_OK(ok, error)                                                                       \
    do {                                                                                           \
        if (!(ok))                                                                                 \
            g_printerr("\n  %s\n", (error) != NULL ? (error)->message : "(no error set)");         \
        CU_ASSERT_TRUE_FATAL(ok);                                                                  \
    } while (0)

/* A signed transaction from wallet FROM to wallet TO on the chain as it is now. */
static Transaction *new_tx(guint from, guint to, gint64 amount)
{
    g_autoptr(GError) error = NULL;
    Transaction *tx = transaction_new_utxo(wallets[from], addresses[to], amount, bc, &error);
    g_assert_no_error(error);
    return tx;
}

static Transaction *coinbase_to(guint w)
{
    g_autoptr(GError) error = NULL;
    Transaction *tx = transaction_new_coinbase(addresses[w], NULL, &error);
    g_assert_no_error(error);
    return tx;
}

/* An independent copy, as a peer would send it. */
static Transaction *copy_tx(const Transaction *tx)
{
    g_autoptr(GBytes) raw = transaction_serialize(tx);
    g_autoptr(GError) error = NULL;
    Transaction *copy = transaction_deserialize(raw, &error);
    g_assert_no_error(error);
    return copy;
}

/* A list owning the transactions given, NULL-terminated (an empty list when FIRST is NULL). */
static GPtrArray *tx_list(Transaction *first, ...)
{
    GPtrArray *txs = g_ptr_array_new_with_free_func((GDestroyNotify)transaction_free);
    va_list ap;
    va_start(ap, first);
    for (Transaction *tx = first; tx != NULL; tx = va_arg(ap, Transaction *))
        g_ptr_array_add(txs, tx);
    va_end(ap);
    return txs;
}

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

/* Sends and mines in one block on BC, the reward to wallet 0. */
static Block *must_mine(Transaction *tx)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) txs = tx_list(coinbase_to(0), tx, NULL);
    Block *block = blockchain_mine_block(bc, txs, &error);
    ASSERT_OK(block != NULL, error);
    return block;
}

/* Fixed keys 1 ... 4: the same wallets on every run. */
static void setup(void)
{
    dir = bc_test_tmpdir();
    for (guint i = 0; i < N_WALLETS; i++) {
        guint8 key[WALLET_PRIVATE_KEY_LEN] = {0};
        key[WALLET_PRIVATE_KEY_LEN - 1] = (guint8)(i + 1);
        wallets[i] = wallet_from_private_key(key, NULL);
        g_assert(wallets[i] != NULL);
        addresses[i] = wallet_get_address(wallets[i]);
    }
    g_autofree gchar *db = g_build_filename(dir, "blockchain_3000.db", NULL);
    g_autoptr(GError) error = NULL;
    bc = blockchain_create(db, addresses[0], TEST_BITS, &error);
    g_assert_no_error(error);
    memcpy(genesis_hash, bc->tip, BC_HASH_LEN);
    g_autoptr(Block) genesis = blockchain_get_block(bc, genesis_hash, &error);
    g_assert_no_error(error);
    memcpy(genesis_coinbase_id, ((Transaction *)g_ptr_array_index(genesis->transactions, 0))->id,
           BC_HASH_LEN);

    g_autoptr(Block) block1 = must_mine(new_tx(0, 1, 5));
    memcpy(block1_hash, block1->hash, BC_HASH_LEN);
    stale = new_tx(1, 3, 1);
    g_autoptr(Block) block2 = must_mine(new_tx(1, 2, 2));
    g_assert(bc->height == 2);
}

static void teardown(void)
{
    g_clear_pointer(&stale, transaction_free);
    g_clear_pointer(&bc, blockchain_close);
    for (guint i = 0; i < N_WALLETS; i++) {
        g_clear_pointer(&wallets[i], wallet_free);
        g_clear_pointer(&addresses[i], g_free);
    }
    bc_test_tmpdir_remove(dir);
    g_clear_pointer(&dir, g_free);
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

/* The error of a refused check is CODE and its message contains REASON. */
static void expect_error(gboolean ok, const GError *error, gint code, const gchar *reason)
{
    CU_ASSERT_FALSE(ok);
    /* Not fatal: a fatal assertion would jump past the callers' cleanups. */
    CU_ASSERT_PTR_NOT_NULL(error);
    if (error == NULL)
        return;
    if (!g_error_matches(error, BC_ERROR, code))
        g_printerr("\n  expected code %d, got %d: %s\n", code, error->code, error->message);
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, code));
    BC_ASSERT_CONTAINS(error->message, reason);
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
    gboolean ok = validation_check_block(bc, block, &error);
    expect_error(ok, error, code, reason);
    CU_ASSERT_EQUAL(memcmp(tip, bc->tip, BC_HASH_LEN), 0);
    CU_ASSERT_EQUAL(bc->height, height);
    for (guint w = 0; w < N_WALLETS; w++)
        CU_ASSERT_EQUAL(balance(w), balances[w]);
}

/* TX is refused for the mempool with CODE and REASON. Frees TX. */
static void expect_tx_refused(Transaction *tx, gint code, const gchar *reason)
{
    g_autoptr(Transaction) owned = tx;
    g_autoptr(GError) error = NULL;
    gboolean ok = validation_check_transaction(bc, tx, &error);
    expect_error(ok, error, code, reason);
}

/* Flips one bit of input 0's signature and gives TX its new ID: well-formed, but forged. */
static void forge_signature(Transaction *tx)
{
    TxInput *in = g_ptr_array_index(tx->vin, 0);
    gsize len = 0;
    const guint8 *sig = g_bytes_get_data(in->signature, &len);
    g_assert(len == WALLET_SIGNATURE_LEN);
    guint8 forged[WALLET_SIGNATURE_LEN];
    memcpy(forged, sig, len);
    forged[10] ^= 0x01;
    g_bytes_unref(in->signature);
    in->signature = g_bytes_new(forged, sizeof forged);
    transaction_set_id(tx);
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
    expect_block_refused(block, BC_ERROR_INVALID, "is spent already: a double spend");
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

/* ---- transactions offered for the mempool ---- */

static void test_tx_valid(void)
{
    g_autoptr(Transaction) tx = new_tx(1, 2, 1);
    g_autoptr(GError) error = NULL;
    gboolean ok = validation_check_transaction(bc, tx, &error);
    ASSERT_OK(ok, error);
}

static void test_tx_coinbase(void)
{
    expect_tx_refused(coinbase_to(3), BC_ERROR_INVALID,
                      "a coinbase is only valid as a block's first transaction");
}

static void test_tx_bad_signature(void)
{
    Transaction *tx = new_tx(1, 2, 1);
    forge_signature(tx);
    expect_tx_refused(tx, BC_ERROR_INVALID, "input 0's signature is not valid");
}

static void test_tx_unknown_input(void)
{
    /* An input naming a transaction the chain does not have. */
    guint8 nowhere[BC_HASH_LEN];
    memset(nowhere, 0xcd, sizeof nowhere);
    g_autofree gchar *hex = bc_hex_encode(nowhere, BC_HASH_LEN);
    Transaction *tx = transaction_new();
    transaction_add_input(tx, nowhere, 0, wallet_public_key(wallets[1]), WALLET_PUBLIC_KEY_LEN);
    TxInput *in = g_ptr_array_index(tx->vin, 0);
    guint8 sig[WALLET_SIGNATURE_LEN] = {1};
    g_bytes_unref(in->signature);
    in->signature = g_bytes_new(sig, sizeof sig);
    guint8 to[BC_RIPEMD160_LEN];
    wallet_hash_pubkey(wallet_public_key(wallets[2]), to);
    transaction_add_output(tx, 1, to);
    transaction_set_id(tx);
    g_autofree gchar *reason =
        g_strdup_printf("input 0 spends transaction %s, which is not in the chain", hex);
    expect_tx_refused(tx, BC_ERROR_INVALID, reason);

    /* A transaction that is in the chain, but an output it does not have. */
    tx = new_tx(1, 2, 1);
    ((TxInput *)g_ptr_array_index(tx->vin, 0))->vout = 7;
    transaction_set_id(tx);
    expect_tx_refused(tx, BC_ERROR_INVALID, "which has no such output");
}

static void test_tx_spent_already(void)
{
    expect_tx_refused(copy_tx(stale), BC_ERROR_INVALID, "is spent already: a double spend");
}

static void test_tx_someone_elses_key(void)
{
    /* Wallet 2 signs validly with its own key, for wallet 1's output. */
    Transaction *tx = new_tx(1, 3, 1);
    TxInput *in = g_ptr_array_index(tx->vin, 0);
    g_bytes_unref(in->pubkey);
    in->pubkey = g_bytes_new(wallet_public_key(wallets[2]), WALLET_PUBLIC_KEY_LEN);
    g_autoptr(GError) error = NULL;
    gboolean ok = blockchain_sign_transaction(bc, tx, wallets[2], &error);
    ASSERT_OK(ok, error);
    transaction_set_id(tx);
    expect_tx_refused(tx, BC_ERROR_INVALID, "input 0's key does not own the output it spends");
}

static void test_tx_creates_coins(void)
{
    /* Wallet 1 has 3 and pays out 100, signed properly. */
    Transaction *tx = new_tx(1, 2, 1);
    ((TxOutput *)g_ptr_array_index(tx->vout, 0))->value = 100;
    g_autoptr(GError) error = NULL;
    gboolean ok = blockchain_sign_transaction(bc, tx, wallets[1], &error);
    ASSERT_OK(ok, error);
    transaction_set_id(tx);
    expect_tx_refused(tx, BC_ERROR_INVALID, "outputs are worth 102, more than the inputs' 3");
}

static void test_tx_id_not_its_hash(void)
{
    /* A peer's transaction is decoded first: an ID that is not the hash of the content stops
     * it there, before any rule is checked. */
    g_autoptr(Transaction) tx = new_tx(1, 2, 1);
    tx->id[0] ^= 0x01;
    g_autoptr(GBytes) raw = transaction_serialize(tx);
    g_autoptr(GError) error = NULL;
    g_autoptr(Transaction) decoded = transaction_deserialize(raw, &error);
    CU_ASSERT_PTR_NULL(decoded);
    expect_error(decoded != NULL, error, BC_ERROR_CORRUPT, "transaction does not match its ID");
}

void test_validation_register(void)
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
        {"a valid transaction is accepted", test_tx_valid},
        {"tx: a coinbase alone", test_tx_coinbase},
        {"tx: bad signature", test_tx_bad_signature},
        {"tx: spends an unknown transaction or output", test_tx_unknown_input},
        {"tx: spent already", test_tx_spent_already},
        {"tx: someone else's key", test_tx_someone_elses_key},
        {"tx: outputs worth more than the inputs", test_tx_creates_coins},
        {"tx: ID is not its hash", test_tx_id_not_its_hash},
        {NULL, NULL},
    };
    bc_test_add_suite("07/validation", setup, teardown, tests);
}
