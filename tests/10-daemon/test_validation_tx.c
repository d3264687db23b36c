/* test_validation_tx.c: every rule a transaction offered for the mempool must follow, one test
 * per rule: each broken one is refused with its own error code and reason; a transaction that
 * follows them all is accepted. */
#include <string.h>

#include "bc_error.h"
#include "bc_hex.h"
#include "bc_test.h"
#include "blockchain.h"
#include "validation.h"
#include "validation_fixture.h"
#include "wallet.h"

/* TX is refused for the mempool with CODE and REASON. Frees TX. */
static void expect_tx_refused(Transaction *tx, gint code, const gchar *reason)
{
    g_autoptr(Transaction) owned = tx;
    g_autoptr(GError) error = NULL;
    gboolean ok = validation_check_transaction(bc, owned, &error);
    expect_error(ok, error, code, reason);
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
        g_strdup_printf("input 0 spends output %s:0, which is not in the UTXO set", hex);
    expect_tx_refused(tx, BC_ERROR_INVALID, reason);

    /* A transaction that is in the chain, but an output it does not have. */
    tx = new_tx(1, 2, 1);
    ((TxInput *)g_ptr_array_index(tx->vin, 0))->vout = 7;
    transaction_set_id(tx);
    expect_tx_refused(tx, BC_ERROR_INVALID, ":7, which is not in the UTXO set");
}

static void test_tx_spent_already(void)
{
    expect_tx_refused(copy_tx(stale), BC_ERROR_INVALID,
                      "which is not in the UTXO set (spent already, or never made)");
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

void test_validation_tx_register(void)
{
    static const BcTest tests[] = {
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
    bc_test_add_suite("10/validation_tx", setup, teardown, tests);
}
