/* test_transaction_forgery.c: a signed transaction, changed as a forger would, and every change
 * refused: the signature covers each field, the key must own the output, an output is spent
 * once, and the amounts must add up. */
#include <string.h>

#include "address.h"
#include "bc_error.h"
#include "bc_test.h"
#include "blockchain.h"
#include "transaction_sign.h"
#include "transaction_sign_fixture.h"
#include "wallets.h"

static void set_signature(TxInput *in, const guint8 *sig, gsize len)
{
    g_bytes_unref(in->signature);
    in->signature = g_bytes_new(sig, len);
}

static void set_pubkey(TxInput *in, const guint8 *key, gsize len)
{
    g_bytes_unref(in->pubkey);
    in->pubkey = g_bytes_new(key, len);
}

/* Signs TX again with WALLET, as a forger holding that key would, and gives it its new ID. */
static void resign(Transaction *tx, const Wallet *wallet)
{
    g_autoptr(GError) error = NULL;
    CU_ASSERT_TRUE_FATAL(blockchain_sign_transaction(bc, tx, wallet, &error));
    transaction_set_id(tx);
}

/* Verification of TX fails with BC_ERROR_INVALID and a message containing REASON; a block holding
 * it is refused and the tip stays where it was. */
static void assert_refused(const Transaction *tx, const gchar *reason)
{
    g_autoptr(GError) error = NULL;
    CU_ASSERT_FALSE(blockchain_verify_transaction(bc, tx, &error));
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_INVALID));
    const gchar *message = error != NULL ? error->message : "";
    if (strstr(message, reason) == NULL)
        g_printerr("\n  expected \"%s\" in: %s\n", reason, message);
    CU_ASSERT_PTR_NOT_NULL(strstr(message, reason));

    guint8 tip[BC_HASH_LEN];
    memcpy(tip, bc->tip, BC_HASH_LEN);
    g_autoptr(GBytes) raw = transaction_serialize(tx);
    g_autoptr(GPtrArray) txs = g_ptr_array_new_with_free_func((GDestroyNotify)transaction_free);
    Transaction *copy = transaction_deserialize(raw, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(copy);
    g_ptr_array_add(txs, copy);
    g_autoptr(GError) mine_error = NULL;
    CU_ASSERT_FALSE(blockchain_mine_block(bc, txs, &mine_error));
    CU_ASSERT_TRUE(g_error_matches(mine_error, BC_ERROR, BC_ERROR_INVALID));
    CU_ASSERT_EQUAL(memcmp(tip, bc->tip, BC_HASH_LEN), 0);
}

/* Every signed field, changed after signing (and the ID recomputed, as a forger would): the
 * signature no longer fits. Each change keeps everything else valid, so nothing else can be what
 * refuses it. */
static void test_signed_fields(void)
{
    /* An output's value, lowered so the amounts still add up. */
    g_autoptr(Transaction) value = alice_pays_bob();
    ((TxOutput *)g_ptr_array_index(value->vout, 0))->value = 2;
    transaction_set_id(value);
    assert_refused(value, "input 0's signature is not valid");

    /* The receiver: one bit of an output's key hash. */
    g_autoptr(Transaction) receiver = alice_pays_bob();
    ((TxOutput *)g_ptr_array_index(receiver->vout, 0))->pubkey_hash[7] ^= 0x04;
    transaction_set_id(receiver);
    assert_refused(receiver, "input 0's signature is not valid");

    /* The spent output: Alice's 4-coin change of the same transaction instead of her 6. */
    g_autoptr(Transaction) vout = alice_pays_bob();
    ((TxInput *)g_ptr_array_index(vout->vin, 0))->vout = 1;
    transaction_set_id(vout);
    assert_refused(vout, "input 0's signature is not valid");

    /* The spent transaction: the genesis coinbase, whose output 0 is Alice's too. */
    g_autoptr(Transaction) txid = alice_pays_bob();
    memcpy(((TxInput *)g_ptr_array_index(txid->vin, 0))->txid, genesis_txid, BC_HASH_LEN);
    transaction_set_id(txid);
    assert_refused(txid, "input 0's signature is not valid");

    /* An output added: one coin more for Bob, taken from the change. */
    g_autoptr(Transaction) added = alice_pays_bob();
    ((TxOutput *)g_ptr_array_index(added->vout, 1))->value = 2;
    guint8 bob_hash[BC_RIPEMD160_LEN];
    CU_ASSERT_TRUE_FATAL(address_to_pubkey_hash(bob, bob_hash, NULL));
    transaction_add_output(added, 1, bob_hash);
    transaction_set_id(added);
    assert_refused(added, "input 0's signature is not valid");
}

static void test_signature_bits(void)
{
    g_autoptr(Transaction) tx = alice_pays_bob();
    guint8 sig[WALLET_SIGNATURE_LEN];
    memcpy(sig, g_bytes_get_data(input_signature(tx, 0), NULL), sizeof sig);
    /* Every 5th bit over r and s: 103 flips. */
    for (guint bit = 0; bit < 8 * WALLET_SIGNATURE_LEN; bit += 5) {
        guint8 bad[WALLET_SIGNATURE_LEN];
        memcpy(bad, sig, sizeof bad);
        bad[bit / 8] ^= (guint8)(1u << (bit % 8));
        set_signature(g_ptr_array_index(tx->vin, 0), bad, sizeof bad);
        transaction_set_id(tx);
        g_autoptr(GError) error = NULL;
        CU_ASSERT_FALSE(blockchain_verify_transaction(bc, tx, &error));
        CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_INVALID));
    }
    /* Truncated, extended, empty: not a signature at all. */
    set_signature(g_ptr_array_index(tx->vin, 0), sig, sizeof sig - 1);
    transaction_set_id(tx);
    assert_refused(tx, "input 0 has no well-formed key and signature");
    guint8 longer[WALLET_SIGNATURE_LEN + 1] = {0};
    memcpy(longer, sig, sizeof sig);
    set_signature(g_ptr_array_index(tx->vin, 0), longer, sizeof longer);
    transaction_set_id(tx);
    assert_refused(tx, "input 0 has no well-formed key and signature");
    set_signature(g_ptr_array_index(tx->vin, 0), NULL, 0);
    transaction_set_id(tx);
    assert_refused(tx, "input 0 has no well-formed key and signature");
    /* And the original, put back: fine again. */
    set_signature(g_ptr_array_index(tx->vin, 0), sig, sizeof sig);
    transaction_set_id(tx);
    assert_verifies(tx);
}

/* The Go original's hole: it checked the signature against the key in the input, never that the
 * key is the one the output is locked to. Bob puts his own key in an input spending Alice's
 * output and signs with it; his signature is perfectly valid for that key. */
static void test_someone_elses_key(void)
{
    g_autoptr(Transaction) tx = alice_pays_bob();
    TxInput *in = g_ptr_array_index(tx->vin, 0);
    const Wallet *thief = wallet_of(bob);
    set_pubkey(in, wallet_public_key(thief), WALLET_PUBLIC_KEY_LEN);
    resign(tx, thief);

    /* The signature verifies under Bob's key over exactly what an honest input signs... */
    guint8 alice_hash[BC_RIPEMD160_LEN], digest[BC_HASH_LEN];
    CU_ASSERT_TRUE_FATAL(address_to_pubkey_hash(alice, alice_hash, NULL));
    expected_digest(tx, 0, alice_hash, digest);
    CU_ASSERT_TRUE(
        wallet_verify(wallet_public_key(thief), digest, g_bytes_get_data(in->signature, NULL)));
    /* ...and the transaction is refused all the same: the key does not own the output. */
    assert_refused(tx, "input 0's key does not own the output it spends");

    /* Bob's key with Alice's signature left in place: the same answer. */
    g_autoptr(Transaction) swapped = alice_pays_bob();
    set_pubkey(g_ptr_array_index(swapped->vin, 0), wallet_public_key(thief), WALLET_PUBLIC_KEY_LEN);
    transaction_set_id(swapped);
    assert_refused(swapped, "input 0's key does not own the output it spends");

    /* A key that is Alice's but for one bit, and one cut short. */
    g_autoptr(Transaction) bent = alice_pays_bob();
    guint8 key[WALLET_PUBLIC_KEY_LEN];
    memcpy(key, wallet_public_key(wallet_of(alice)), sizeof key);
    key[40] ^= 1;
    set_pubkey(g_ptr_array_index(bent->vin, 0), key, sizeof key);
    transaction_set_id(bent);
    assert_refused(bent, "input 0's key does not own the output it spends");
    set_pubkey(g_ptr_array_index(bent->vin, 0), key, sizeof key - 1);
    transaction_set_id(bent);
    assert_refused(bent, "input 0 has no well-formed key and signature");
}

/* Spending one output twice in one transaction, validly signed: refused, though the signatures
 * and the sums would pass if the input were counted twice. */
static void test_duplicate_input(void)
{
    g_autoptr(Transaction) tx = alice_pays_bob();
    const TxInput *in = g_ptr_array_index(tx->vin, 0);
    transaction_add_input(tx, in->txid, in->vout, wallet_public_key(wallet_of(alice)),
                          WALLET_PUBLIC_KEY_LEN);
    ((TxOutput *)g_ptr_array_index(tx->vout, 0))->value = 9; /* 9 + 3 = 6 + 6 */
    resign(tx, wallet_of(alice));
    assert_refused(tx, "input 1 spends an output another input already spends");
}

/* The amounts, validly signed by the owner: outputs may not exceed inputs, and must be positive. */
static void test_amounts(void)
{
    g_autoptr(Transaction) more = alice_pays_bob();
    ((TxOutput *)g_ptr_array_index(more->vout, 0))->value = 4; /* 4 + 3 > 6 */
    resign(more, wallet_of(alice));
    assert_refused(more, "outputs are worth 7, more than the inputs' 6");

    const gint64 bad[] = {0, -1, -3, G_MININT64, (gint64)G_MAXINT32 + 1, G_MAXINT64};
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(Transaction) tx = alice_pays_bob();
        ((TxOutput *)g_ptr_array_index(tx->vout, 1))->value = bad[i];
        resign(tx, wallet_of(alice));
        assert_refused(tx, "output 1's value is out of range");
    }
    /* Exactly the inputs' worth, with no change: fine. */
    g_autoptr(Transaction) exact = alice_pays_bob();
    g_ptr_array_remove_index(exact->vout, 1);
    ((TxOutput *)g_ptr_array_index(exact->vout, 0))->value = 6;
    resign(exact, wallet_of(alice));
    assert_verifies(exact);
    /* No outputs at all. */
    g_ptr_array_set_size(exact->vout, 0);
    resign(exact, wallet_of(alice));
    assert_refused(exact, "needs inputs and outputs");
}

/* An input spending a transaction that is not in the chain, or an output it does not have. */
static void test_missing_output(void)
{
    g_autoptr(Transaction) tx = alice_pays_bob();
    TxInput *in = g_ptr_array_index(tx->vin, 0);
    memset(in->txid, 0x5a, BC_HASH_LEN);
    transaction_set_id(tx);
    assert_refused(tx, "which is not in the chain");
    /* The signer cannot sign for it either. */
    g_autoptr(GError) error = NULL;
    CU_ASSERT_FALSE(blockchain_sign_transaction(bc, tx, wallet_of(alice), &error));
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_INVALID));

    const gint32 vouts[] = {2, 100, -1, -2, G_MAXINT32};
    for (gsize i = 0; i < G_N_ELEMENTS(vouts); i++) {
        g_autoptr(Transaction) far = alice_pays_bob();
        ((TxInput *)g_ptr_array_index(far->vin, 0))->vout = vouts[i];
        transaction_set_id(far);
        assert_refused(far, "which has no such output");
    }
}

void test_transaction_forgery_register(void)
{
    static const BcTest tests[] = {
        {"the signature covers every field", test_signed_fields},
        {"changed or cut signatures", test_signature_bits},
        {"someone else's key, validly signed", test_someone_elses_key},
        {"one output spent twice in one transaction", test_duplicate_input},
        {"amounts: more out than in, zero, negative", test_amounts},
        {"missing transaction or output", test_missing_output},
        {NULL, NULL},
    };
    bc_test_add_suite("05/transaction_forgery", setup, teardown, tests);
}
