/* test_check_before_lookup.c: verification runs every check that needs nothing but the
 * transaction (counts, key and signature lengths, output values, an output spent twice) before
 * its first lookup in the database, and looks inputs up only until the first one that is not in
 * the chain. A made-up transaction (a peer's, in chapter 7) is refused at no cost; it used to
 * cost one chain walk per input (1,000 inputs kept a node busy for seconds). */
#include <string.h>

#include "bc_error.h"
#include "bc_store.h"
#include "bc_test.h"
#include "blockchain.h"
#include "transaction_sign.h"
#include "wallet.h"

static gchar *dir, *db;
static Blockchain *bc;

static void setup(void)
{
    dir = bc_test_tmpdir();
    db = g_build_filename(dir, "chain.db", NULL);
    guint8 key[WALLET_PRIVATE_KEY_LEN] = {[WALLET_PRIVATE_KEY_LEN - 1] = 7};
    g_autoptr(Wallet) wallet = wallet_from_private_key(key, NULL);
    g_autofree gchar *address = wallet_get_address(wallet);
    bc = blockchain_create(db, address, 4, NULL);
    g_assert(bc != NULL);
}

static void teardown(void)
{
    g_clear_pointer(&bc, blockchain_close);
    bc_test_tmpdir_remove(dir);
    g_clear_pointer(&dir, g_free);
    g_clear_pointer(&db, g_free);
}

/* A transaction of N_INPUTS inputs, each spending output 0 of a made-up transaction with a key
 * and a signature of SIG_LEN bytes, and one output. */
static Transaction *made_up(guint n_inputs, gsize sig_len)
{
    Transaction *tx = transaction_new();
    guint8 pubkey[WALLET_PUBLIC_KEY_LEN] = {4}, signature[WALLET_SIGNATURE_LEN + 1] = {0};
    for (guint i = 0; i < n_inputs; i++) {
        guint8 txid[BC_HASH_LEN] = {0xee};
        memcpy(txid + 1, &i, sizeof i);
        transaction_add_input(tx, txid, 0, pubkey, sizeof pubkey);
        TxInput *in = g_ptr_array_index(tx->vin, i);
        g_bytes_unref(in->signature);
        in->signature = g_bytes_new(signature, sig_len);
    }
    guint8 hash[BC_RIPEMD160_LEN] = {1};
    transaction_add_output(tx, 1, hash);
    transaction_set_id(tx);
    return tx;
}

/* Verifies TX, which must be refused with a message containing REASON, and returns how many
 * lookups that cost. */
static guint64 reads(void)
{
    /* The chain and the UTXO set, each in its own file. */
    return bc_store_read_count(bc->store) + bc_store_read_count(bc->chainstate);
}

static guint64 refused_after(const Transaction *tx, const gchar *reason)
{
    guint64 before = reads();
    g_autoptr(GError) error = NULL;
    CU_ASSERT_FALSE(blockchain_verify_transaction(bc, tx, &error));
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_INVALID));
    const gchar *message = error != NULL ? error->message : "";
    BC_ASSERT_CONTAINS(message, reason);
    return reads() - before;
}

static void test_too_many_inputs_costs_no_read(void)
{
    g_autoptr(Transaction) tx = made_up(TRANSACTION_MAX_INPUTS + 1, WALLET_SIGNATURE_LEN);
    CU_ASSERT_EQUAL(refused_after(tx, "over the limits"), 0);
}

static void test_bad_signature_length_costs_no_read(void)
{
    for (gsize len = WALLET_SIGNATURE_LEN - 1; len <= WALLET_SIGNATURE_LEN + 1; len += 2) {
        g_autoptr(Transaction) tx = made_up(3, len);
        CU_ASSERT_EQUAL(refused_after(tx, "input 0 has no well-formed key and signature"), 0);
    }
}

static void test_too_many_outputs_costs_no_read(void)
{
    g_autoptr(Transaction) tx = made_up(1, WALLET_SIGNATURE_LEN);
    guint8 hash[BC_RIPEMD160_LEN] = {1};
    for (guint i = 0; i < TRANSACTION_MAX_OUTPUTS; i++)
        transaction_add_output(tx, 1, hash);
    transaction_set_id(tx);
    CU_ASSERT_EQUAL(refused_after(tx, "over the limits"), 0);
}

/* The most inputs allowed, all well-formed and all made up: the first lookup in the UTXO set
 * finds nothing and verification stops there, instead of one lookup per input. */
static void test_made_up_inputs_cost_one_lookup(void)
{
    g_autoptr(Transaction) tx = made_up(TRANSACTION_MAX_INPUTS, WALLET_SIGNATURE_LEN);
    guint64 one = 0;
    {
        g_autoptr(Transaction) single = made_up(1, WALLET_SIGNATURE_LEN);
        one = refused_after(single, "which is not in the UTXO set");
    }
    CU_ASSERT_EQUAL(refused_after(tx, "input 0 spends output"), one);
}

/* Counts over the limits are refused where the bytes are read, too. */
static void test_decoder_refuses_counts(void)
{
    g_autoptr(Transaction) tx = made_up(TRANSACTION_MAX_INPUTS + 1, WALLET_SIGNATURE_LEN);
    g_autoptr(GBytes) bytes = transaction_serialize(tx);
    g_autoptr(GError) error = NULL;
    g_autoptr(Transaction) back = transaction_deserialize(bytes, &error);
    CU_ASSERT_PTR_NULL(back);
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_TOO_LARGE));
}

void test_check_before_lookup_register(void)
{
    static const BcTest tests[] = {
        {"too many inputs: refused before any lookup", test_too_many_inputs_costs_no_read},
        {"too many outputs: refused before any lookup", test_too_many_outputs_costs_no_read},
        {"a signature of the wrong length: refused before any lookup",
         test_bad_signature_length_costs_no_read},
        {"made-up inputs cost one lookup, not one per input", test_made_up_inputs_cost_one_lookup},
        {"the decoder refuses counts over the limits", test_decoder_refuses_counts},
        {NULL, NULL},
    };
    bc_test_add_suite("transaction/checks before lookups", setup, teardown, tests);
}
