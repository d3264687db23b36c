/* test_transaction_sign.c: a real chain on disk, a transaction made and signed by a wallet, and
 * every change to it refused: the signature covers each field, the key must own the output, and
 * the amounts must add up. */
#include <string.h>

#include "address.h"
#include "bc_error.h"
#include "bc_hex.h"
#include "bc_test.h"
#include "blockchain.h"
#include "transaction_sign.h"
#include "wallets.h"

#define BITS 8

static gchar *dir;
static Wallets *wallets;
static gchar *alice, *bob; /* addresses of two wallets in WALLETS */
static Blockchain *bc;
static guint8 genesis_txid[BC_HASH_LEN], self_txid[BC_HASH_LEN];

static const Wallet *wallet_of(const gchar *address)
{
    const Wallet *wallet = wallets_get_wallet(wallets, address);
    g_assert(wallet != NULL);
    return wallet;
}

/* The transaction of the newest block (each block here holds one). */
static void tip_txid(guint8 out[BC_HASH_LEN])
{
    g_autoptr(Block) block = blockchain_get_block(bc, bc->tip, NULL);
    g_assert(block != NULL && block->transactions->len == 1);
    const Transaction *tx = g_ptr_array_index(block->transactions, 0);
    memcpy(out, tx->id, BC_HASH_LEN);
}

/* Makes TX, signed by FROM, and mines it into a block. */
static void mine_send(const gchar *from, const gchar *to, gint64 amount)
{
    g_autoptr(GError) error = NULL;
    Transaction *tx = transaction_new_utxo(wallet_of(from), to, amount, bc, &error);
    g_assert_no_error(error);
    g_autoptr(GPtrArray) txs = g_ptr_array_new_with_free_func((GDestroyNotify)transaction_free);
    g_ptr_array_add(txs, tx);
    g_assert(blockchain_mine_block(bc, txs, &error));
}

/* A chain with two blocks: the genesis pays Alice 10, then Alice sends 6 to herself, so she owns
 * two outputs of one transaction (6 and 4 change): enough to move an input to another output
 * that Alice also owns, and see that only the signature stops it. */
static void setup(void)
{
    dir = bc_test_tmpdir();
    wallets = wallets_new();
    alice = wallets_create_wallet(wallets, NULL);
    bob = wallets_create_wallet(wallets, NULL);
    g_assert(alice != NULL && bob != NULL);
    g_autofree gchar *path = g_build_filename(dir, BLOCKCHAIN_DB_FILE, NULL);
    g_autoptr(GError) error = NULL;
    bc = blockchain_create(path, alice, BITS, &error);
    g_assert_no_error(error);
    tip_txid(genesis_txid);
    mine_send(alice, alice, 6);
    tip_txid(self_txid);
}

static void teardown(void)
{
    g_clear_pointer(&bc, blockchain_close);
    g_clear_pointer(&wallets, wallets_free);
    g_clear_pointer(&alice, g_free);
    g_clear_pointer(&bob, g_free);
    bc_test_tmpdir_remove(dir);
    g_clear_pointer(&dir, g_free);
}

/* Alice pays Bob 3 out of her 6-coin output, 3 back as change: one input, two outputs. */
static Transaction *alice_pays_bob(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(Transaction) tx = transaction_new_utxo(wallet_of(alice), bob, 3, bc, &error);
    /* Fatal checks stop the test, not the runner, should an earlier step of a failing test
     * have let a forged transaction into the chain. */
    CU_ASSERT_PTR_NOT_NULL_FATAL(tx);
    CU_ASSERT_TRUE_FATAL(tx->vin->len == 1 && tx->vout->len == 2);
    const TxInput *in = g_ptr_array_index(tx->vin, 0);
    CU_ASSERT_TRUE_FATAL(memcmp(in->txid, self_txid, BC_HASH_LEN) == 0 && in->vout == 0);
    return g_steal_pointer(&tx);
}

static GBytes *input_signature(const Transaction *tx, guint i)
{
    return ((const TxInput *)g_ptr_array_index(tx->vin, i))->signature;
}

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

static void assert_verifies(const Transaction *tx)
{
    g_autoptr(GError) error = NULL;
    gboolean ok = blockchain_verify_transaction(bc, tx, &error);
    if (!ok)
        g_printerr("\n  %s\n", error->message);
    CU_ASSERT_TRUE(ok);
}

/* What input INDEX of TX signs, computed here from the article's description rather than taken
 * from transaction_sign.c: the hash (the ID function) of a copy of TX without signatures and
 * keys, in which input INDEX carries the key hash of the output it spends. */
static void expected_digest(const Transaction *tx, guint index, const guint8 spent_hash[20],
                            guint8 out[BC_HASH_LEN])
{
    g_autoptr(Transaction) copy = transaction_new();
    for (guint i = 0; i < tx->vin->len; i++) {
        const TxInput *in = g_ptr_array_index(tx->vin, i);
        transaction_add_input(copy, in->txid, in->vout, i == index ? spent_hash : NULL,
                              i == index ? BC_RIPEMD160_LEN : 0);
    }
    for (guint i = 0; i < tx->vout->len; i++) {
        const TxOutput *o = g_ptr_array_index(tx->vout, i);
        transaction_add_output(copy, o->value, o->pubkey_hash);
    }
    transaction_hash(copy, out);
}

static void test_sign_then_verify(void)
{
    g_autoptr(Transaction) tx = alice_pays_bob();
    const TxInput *in = g_ptr_array_index(tx->vin, 0);
    /* Signed with Alice's key: 64 bytes of r || s, her 64-byte key beside them. */
    CU_ASSERT_EQUAL(g_bytes_get_size(in->signature), WALLET_SIGNATURE_LEN);
    CU_ASSERT_EQUAL_FATAL(g_bytes_get_size(in->pubkey), WALLET_PUBLIC_KEY_LEN);
    CU_ASSERT_EQUAL(memcmp(g_bytes_get_data(in->pubkey, NULL), wallet_public_key(wallet_of(alice)),
                           WALLET_PUBLIC_KEY_LEN),
                    0);
    guint8 alice_hash[BC_RIPEMD160_LEN], digest[BC_HASH_LEN];
    CU_ASSERT_TRUE_FATAL(address_to_pubkey_hash(alice, alice_hash, NULL));
    expected_digest(tx, 0, alice_hash, digest);
    CU_ASSERT_TRUE(wallet_verify(wallet_public_key(wallet_of(alice)), digest,
                                 g_bytes_get_data(in->signature, NULL)));
    /* The ID was computed after signing, so it covers the signature. */
    guint8 id[BC_HASH_LEN];
    transaction_hash(tx, id);
    CU_ASSERT_EQUAL(memcmp(id, tx->id, BC_HASH_LEN), 0);
    assert_verifies(tx);

    /* The lower level, with the spent transactions given by hand. */
    g_autoptr(GHashTable) prev =
        g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)transaction_free);
    g_autoptr(GError) error = NULL;
    CU_ASSERT_FALSE(transaction_verify(tx, prev, &error)); /* nothing to spend from */
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_INVALID));
    g_clear_error(&error);
    g_hash_table_insert(prev, bc_hex_encode(self_txid, BC_HASH_LEN),
                        blockchain_find_transaction(bc, self_txid, NULL));
    CU_ASSERT_TRUE(transaction_verify(tx, prev, &error));
    g_assert_no_error(error);

    /* Mined: Bob has 3, Alice 3 + 4. */
    g_autoptr(GPtrArray) txs = g_ptr_array_new_with_free_func((GDestroyNotify)transaction_free);
    g_ptr_array_add(txs, g_steal_pointer(&tx));
    CU_ASSERT_TRUE_FATAL(blockchain_mine_block(bc, txs, &error));
    guint8 bob_hash[BC_RIPEMD160_LEN];
    CU_ASSERT_TRUE_FATAL(address_to_pubkey_hash(bob, bob_hash, NULL));
    g_autoptr(GArray) bobs = blockchain_find_unspent_outputs(bc, bob_hash, NULL);
    g_autoptr(GArray) alices = blockchain_find_unspent_outputs(bc, alice_hash, NULL);
    CU_ASSERT_EQUAL_FATAL(bobs->len, 1);
    CU_ASSERT_EQUAL(g_array_index(bobs, UnspentOutput, 0).value, 3);
    CU_ASSERT_EQUAL_FATAL(alices->len, 2);
    CU_ASSERT_EQUAL(g_array_index(alices, UnspentOutput, 0).value +
                        g_array_index(alices, UnspentOutput, 1).value,
                    7);
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

/* r and s are written as 32 bytes each, zeros in front; the Go original trimmed them and failed
 * whenever one started with a zero byte. Re-signs until r and then s has started with one (1 in
 * 256 each; 20 000 tries make a miss about as likely as e^-78). */
static void test_leading_zero_signatures(void)
{
    g_autoptr(Transaction) tx = alice_pays_bob();
    g_autoptr(GHashTable) prev =
        g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)transaction_free);
    g_hash_table_insert(prev, bc_hex_encode(self_txid, BC_HASH_LEN),
                        blockchain_find_transaction(bc, self_txid, NULL));
    gboolean seen_r = FALSE, seen_s = FALSE;
    int tries = 0;
    for (; tries < 20000 && !(seen_r && seen_s); tries++) {
        CU_ASSERT_TRUE_FATAL(transaction_sign(tx, wallet_of(alice), prev, NULL));
        transaction_set_id(tx);
        const guint8 *sig = g_bytes_get_data(input_signature(tx, 0), NULL);
        CU_ASSERT_EQUAL_FATAL(g_bytes_get_size(input_signature(tx, 0)), WALLET_SIGNATURE_LEN);
        if (sig[0] != 0 && sig[32] != 0)
            continue;
        seen_r = seen_r || sig[0] == 0;
        seen_s = seen_s || sig[32] == 0;
        g_autoptr(GError) error = NULL;
        CU_ASSERT_TRUE(transaction_verify(tx, prev, &error));
        /* And through the whole path: serialized, read back, verified against the chain. */
        g_autoptr(GBytes) raw = transaction_serialize(tx);
        g_autoptr(Transaction) back = transaction_deserialize(raw, &error);
        CU_ASSERT_PTR_NOT_NULL_FATAL(back);
        assert_verifies(back);
    }
    CU_ASSERT_TRUE(seen_r);
    CU_ASSERT_TRUE(seen_s);
}

static Wallet *wallet_from_hex(const gchar *key_hex)
{
    guint8 key[WALLET_PRIVATE_KEY_LEN];
    g_assert(bc_hex_decode(key_hex, key, sizeof key, NULL));
    return wallet_from_private_key(key, NULL);
}

/* Keys whose X (private key 379) or Y (43) starts with a zero byte own, spend and receive coins
 * like any other (test_wallet.c checks those points; this runs them through a chain). */
static void test_leading_zero_keys(void)
{
    g_autoptr(Wallet) x0 =
        wallet_from_hex("000000000000000000000000000000000000000000000000000000000000017b");
    g_autoptr(Wallet) y0 =
        wallet_from_hex("000000000000000000000000000000000000000000000000000000000000002b");
    CU_ASSERT_EQUAL_FATAL(wallet_public_key(x0)[0], 0);
    CU_ASSERT_EQUAL_FATAL(wallet_public_key(y0)[32], 0);
    g_autofree gchar *x0_address = wallet_get_address(x0);
    g_autofree gchar *y0_address = wallet_get_address(y0);
    g_autofree gchar *path = g_build_filename(dir, "zeros.db", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(Blockchain) chain = blockchain_create(path, x0_address, BITS, &error);
    g_assert_no_error(error);
    const Wallet *from[] = {x0, y0, x0};
    const gchar *to[] = {y0_address, x0_address, y0_address};
    for (gsize i = 0; i < G_N_ELEMENTS(from); i++) {
        g_autoptr(GPtrArray) txs = g_ptr_array_new_with_free_func((GDestroyNotify)transaction_free);
        Transaction *tx = transaction_new_utxo(from[i], to[i], 4 - (gint64)i, chain, &error);
        g_assert_no_error(error);
        g_ptr_array_add(txs, tx);
        const TxInput *in = g_ptr_array_index(tx->vin, 0);
        CU_ASSERT_EQUAL(g_bytes_get_size(in->pubkey), WALLET_PUBLIC_KEY_LEN);
        CU_ASSERT_TRUE(blockchain_verify_transaction(chain, tx, &error));
        g_assert_no_error(error);
        CU_ASSERT_TRUE(blockchain_mine_block(chain, txs, &error));
        g_assert_no_error(error);
    }
    /* x0: 10 - 4 + 3 - 2 = 7; y0: 4 - 3 + 2 = 3. */
    guint8 hash[BC_RIPEMD160_LEN];
    wallet_hash_pubkey(wallet_public_key(y0), hash);
    g_autoptr(GArray) unspent = blockchain_find_unspent_outputs(chain, hash, NULL);
    gint64 total = 0;
    for (guint i = 0; i < unspent->len; i++)
        total += g_array_index(unspent, UnspentOutput, i).value;
    CU_ASSERT_EQUAL(total, 3);
}

/* A block is never written when block_deserialize would refuse to read it back (over
 * BLOCK_MAX_SIZE): it would become the tip, and no command could read the chain again. Each of
 * these four transactions is under the size limit; the block holding them all is not. */
static void test_block_too_large(void)
{
    g_autofree gchar *data = g_strnfill(300 * 1024, 'x');
    g_autoptr(GPtrArray) txs = g_ptr_array_new_with_free_func((GDestroyNotify)transaction_free);
    for (int i = 0; i < 4; i++) {
        data[0] = (gchar)('a' + i); /* four different transactions */
        Transaction *tx = transaction_new_coinbase(alice, data, NULL);
        CU_ASSERT_PTR_NOT_NULL_FATAL(tx);
        g_ptr_array_add(txs, tx);
    }
    guint8 tip[BC_HASH_LEN];
    memcpy(tip, bc->tip, BC_HASH_LEN);
    g_autoptr(GError) error = NULL;
    CU_ASSERT_FALSE(blockchain_mine_block(bc, txs, &error));
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_TOO_LARGE));
    CU_ASSERT_EQUAL(memcmp(tip, bc->tip, BC_HASH_LEN), 0);
    /* The chain is still readable, from the tip as stored on disk. */
    g_autofree gchar *path = g_build_filename(dir, BLOCKCHAIN_DB_FILE, NULL);
    g_clear_pointer(&bc, blockchain_close);
    g_clear_error(&error);
    bc = blockchain_open(path, TRUE, BITS, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(bc);
    CU_ASSERT_EQUAL(memcmp(tip, bc->tip, BC_HASH_LEN), 0);
    g_autoptr(Block) newest = blockchain_get_block(bc, bc->tip, &error);
    if (newest == NULL)
        g_printerr("\n  %s\n", error->message);
    CU_ASSERT_PTR_NOT_NULL(newest);
}

void test_transaction_sign_register(void)
{
    static const BcTest tests[] = {
        {"sign then verify, and mine", test_sign_then_verify},
        {"the signature covers every field", test_signed_fields},
        {"changed or cut signatures", test_signature_bits},
        {"someone else's key, validly signed", test_someone_elses_key},
        {"one output spent twice in one transaction", test_duplicate_input},
        {"amounts: more out than in, zero, negative", test_amounts},
        {"missing transaction or output", test_missing_output},
        {"leading zero byte in r or s", test_leading_zero_signatures},
        {"keys with a leading zero byte in X or Y", test_leading_zero_keys},
        {"a block over the size limit is not written", test_block_too_large},
        {NULL, NULL},
    };
    bc_test_add_suite("05/transaction_sign", setup, teardown, tests);
}
