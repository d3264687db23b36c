/* test_transaction_sign.c: a real chain on disk, a transaction made and signed by a wallet that
 * verifies and is mined; signatures and keys with a leading zero byte; a block too large to
 * read back is never written. The changes a forger might make are in
 * test_transaction_forgery.c. */
#include <string.h>

#include "address.h"
#include "bc_error.h"
#include "bc_hex.h"
#include "bc_test.h"
#include "blockchain.h"
#include "transaction_sign.h"
#include "transaction_sign_fixture.h"
#include "wallets.h"

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
        {"leading zero byte in r or s", test_leading_zero_signatures},
        {"keys with a leading zero byte in X or Y", test_leading_zero_keys},
        {"a block over the size limit is not written", test_block_too_large},
        {NULL, NULL},
    };
    bc_test_add_suite("05/transaction_sign", setup, teardown, tests);
}
