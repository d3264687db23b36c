/* test_transaction.c: chapter 5's transactions: a coinbase locked to an address's key hash, an ID
 * that covers signatures and keys, and a decoder that refuses every damaged record. */
#include <string.h>

#include "address.h"
#include "bc_error.h"
#include "bc_hex.h"
#include "bc_test.h"
#include "bc_variant.h"
#include "transaction.h"
#include "wallet.h"

/* Two fixed keys, so that every run builds the same transactions: RFC 6979's P-256 key, and 2. */
#define ALICE_KEY "c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721"
#define BOB_KEY "0000000000000000000000000000000000000000000000000000000000000002"

static Wallet *wallet_from_hex(const gchar *key_hex)
{
    guint8 key[WALLET_PRIVATE_KEY_LEN];
    g_assert(bc_hex_decode(key_hex, key, sizeof key, NULL));
    Wallet *wallet = wallet_from_private_key(key, NULL);
    g_assert(wallet != NULL);
    return wallet;
}

static void key_hash(const Wallet *wallet, guint8 out[BC_RIPEMD160_LEN])
{
    wallet_hash_pubkey(wallet_public_key(wallet), out);
}

/* SHA-256 with GLib's own implementation, independent of the Nettle one the chapter uses. */
static void glib_sha256(const guint8 *data, gsize len, guint8 out[BC_HASH_LEN])
{
    g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);
    g_checksum_update(sum, data, (gssize)len);
    gsize out_len = BC_HASH_LEN;
    g_checksum_get_digest(sum, out, &out_len);
    g_assert(out_len == BC_HASH_LEN);
}

static void append_bytes(GString *text, const guint8 *data, gsize len)
{
    g_string_append(text, "@ay [");
    for (gsize k = 0; k < len; k++)
        g_string_append_printf(text, "%s0x%02x", k > 0 ? ", " : "", data[k]);
    g_string_append(text, "]");
}

static void append_gbytes(GString *text, GBytes *bytes)
{
    gsize len = 0;
    const guint8 *data = g_bytes_get_data(bytes, &len);
    append_bytes(text, data, len);
}

/* The ID computed another way: the content written in GVariant's text format, parsed by GLib,
 * serialized and hashed. Shares nothing with transaction.c but the documented type
 * (inputs (txid, vout, signature, pubkey), outputs (value, pubkey hash)). */
static void expected_id(const Transaction *tx, guint8 out[BC_HASH_LEN])
{
    g_autoptr(GString) text = g_string_new("(@a(ayiayay) [");
    for (guint i = 0; i < tx->vin->len; i++) {
        const TxInput *in = g_ptr_array_index(tx->vin, i);
        g_string_append(text, i > 0 ? ", (" : "(");
        append_bytes(text, in->txid, BC_HASH_LEN);
        g_string_append_printf(text, ", %d, ", in->vout);
        append_gbytes(text, in->signature);
        g_string_append(text, ", ");
        append_gbytes(text, in->pubkey);
        g_string_append(text, ")");
    }
    g_string_append(text, "], @a(xay) [");
    for (guint i = 0; i < tx->vout->len; i++) {
        const TxOutput *o = g_ptr_array_index(tx->vout, i);
        g_string_append_printf(text, "%s(int64 %" G_GINT64_FORMAT ", ", i > 0 ? ", " : "",
                               o->value);
        append_bytes(text, o->pubkey_hash, BC_RIPEMD160_LEN);
        g_string_append(text, ")");
    }
    g_string_append(text, "])");
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) v =
        g_variant_parse(G_VARIANT_TYPE("(a(ayiayay)a(xay))"), text->str, NULL, NULL, &error);
    g_assert_no_error(error);
    g_autoptr(GVariant) le =
        G_BYTE_ORDER == G_BIG_ENDIAN ? g_variant_byteswap(v) : g_variant_ref(v);
    glib_sha256(g_variant_get_data(le), g_variant_get_size(le), out);
}

static gboolean id_is_content_hash(const Transaction *tx)
{
    guint8 expected[BC_HASH_LEN];
    expected_id(tx, expected);
    return memcmp(expected, tx->id, BC_HASH_LEN) == 0;
}

static void set_signature(TxInput *in, const guint8 *sig, gsize len)
{
    g_bytes_unref(in->signature);
    in->signature = g_bytes_new(sig, len);
}

/* Alice's coinbase and a transaction spending it, in the shape a signed one has: 6 to Bob, 4
 * back to Alice, one input with Alice's key and a 64-byte signature (a real one, of a digest that
 * does not matter here: this file tests the format, test_transaction_sign.c the meaning). */
static Transaction *alice_to_bob(void)
{
    g_autoptr(Wallet) alice = wallet_from_hex(ALICE_KEY);
    g_autoptr(Wallet) bob = wallet_from_hex(BOB_KEY);
    g_autofree gchar *address = wallet_get_address(alice);
    g_autoptr(Transaction) coinbase = transaction_new_coinbase(address, NULL, NULL);
    g_assert(coinbase != NULL);
    guint8 alice_hash[BC_RIPEMD160_LEN], bob_hash[BC_RIPEMD160_LEN];
    key_hash(alice, alice_hash);
    key_hash(bob, bob_hash);
    Transaction *tx = transaction_new();
    transaction_add_input(tx, coinbase->id, 0, wallet_public_key(alice), WALLET_PUBLIC_KEY_LEN);
    transaction_add_output(tx, 6, bob_hash);
    transaction_add_output(tx, 4, alice_hash);
    guint8 sig[WALLET_SIGNATURE_LEN];
    g_assert(wallet_sign(alice, coinbase->id, sig, NULL));
    set_signature(g_ptr_array_index(tx->vin, 0), sig, sizeof sig);
    transaction_set_id(tx);
    return tx;
}

static void test_coinbase_to_address(void)
{
    static const guint8 zero[BC_HASH_LEN] = {0};
    g_autoptr(Wallet) alice = wallet_from_hex(ALICE_KEY);
    g_autofree gchar *address = wallet_get_address(alice);
    g_autoptr(GError) error = NULL;
    g_autoptr(Transaction) tx = transaction_new_coinbase(address, NULL, &error);
    g_assert_no_error(error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(tx);
    CU_ASSERT_EQUAL_FATAL(tx->vin->len, 1);
    CU_ASSERT_EQUAL_FATAL(tx->vout->len, 1);
    CU_ASSERT_TRUE(transaction_is_coinbase(tx));

    /* The input spends nothing, is not signed, and carries the reward text as its data. */
    const TxInput *in = g_ptr_array_index(tx->vin, 0);
    CU_ASSERT_EQUAL(memcmp(in->txid, zero, BC_HASH_LEN), 0);
    CU_ASSERT_EQUAL(in->vout, -1);
    CU_ASSERT_EQUAL(g_bytes_get_size(in->signature), 0);
    g_autofree gchar *reward = g_strdup_printf("Reward to '%s'", address);
    gsize data_len = 0;
    const guint8 *data = g_bytes_get_data(in->pubkey, &data_len);
    CU_ASSERT_EQUAL_FATAL(data_len, strlen(reward));
    CU_ASSERT_EQUAL(memcmp(data, reward, data_len), 0);

    /* The output is locked to the HASH160 of Alice's key: the hash inside her address. */
    const TxOutput *out = g_ptr_array_index(tx->vout, 0);
    CU_ASSERT_EQUAL(out->value, SUBSIDY);
    CU_ASSERT_EQUAL(SUBSIDY, 10);
    guint8 from_key[BC_RIPEMD160_LEN], from_address[BC_RIPEMD160_LEN];
    key_hash(alice, from_key);
    CU_ASSERT_TRUE_FATAL(address_to_pubkey_hash(address, from_address, NULL));
    CU_ASSERT_EQUAL(memcmp(from_key, from_address, BC_RIPEMD160_LEN), 0);
    CU_ASSERT_EQUAL(memcmp(out->pubkey_hash, from_key, BC_RIPEMD160_LEN), 0);
    CU_ASSERT_TRUE(tx_output_is_locked_with(out, from_key));
    g_autoptr(Wallet) bob = wallet_from_hex(BOB_KEY);
    guint8 bob_hash[BC_RIPEMD160_LEN];
    key_hash(bob, bob_hash);
    CU_ASSERT_FALSE(tx_output_is_locked_with(out, bob_hash));
    CU_ASSERT_TRUE(id_is_content_hash(tx));

    /* The genesis coinbase carries the headline instead: the same output, another ID. */
    g_autoptr(Transaction) genesis = transaction_new_coinbase(address, GENESIS_COINBASE_DATA, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(genesis);
    const TxInput *gin = g_ptr_array_index(genesis->vin, 0);
    CU_ASSERT_EQUAL(g_bytes_get_size(gin->pubkey), strlen(GENESIS_COINBASE_DATA));
    CU_ASSERT_TRUE(id_is_content_hash(genesis));
    CU_ASSERT_NOT_EQUAL(memcmp(genesis->id, tx->id, BC_HASH_LEN), 0);
}

/* Chapter 4's names are not addresses any more, and nothing that fails the checksum is either. */
static void test_coinbase_needs_address(void)
{
    g_autoptr(Wallet) alice = wallet_from_hex(ALICE_KEY);
    g_autofree gchar *address = wallet_get_address(alice);
    g_autofree gchar *mistyped = g_strdup(address);
    gsize last = strlen(mistyped) - 1;
    mistyped[last] = mistyped[last] == 'z' ? 'y' : 'z';
    const gchar *bad[] = {"", "1", "Ivan", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", mistyped};
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(Transaction) tx = transaction_new_coinbase(bad[i], NULL, &error);
        CU_ASSERT_PTR_NULL(tx);
        CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_INVALID_ARGUMENT));
        BC_ASSERT_CONTAINS(error != NULL ? error->message : "", "invalid address");
    }
}

/* Changes one field, recomputes the ID, checks it is new and still the content's hash. */
static void check_id_changes(Transaction *tx, GHashTable *seen)
{
    transaction_set_id(tx);
    CU_ASSERT_TRUE(id_is_content_hash(tx));
    g_autofree gchar *id = bc_hex_encode(tx->id, BC_HASH_LEN);
    CU_ASSERT_FALSE(g_hash_table_contains(seen, id));
    g_hash_table_add(seen, g_steal_pointer(&id));
}

/* The ID covers everything but itself, signatures and keys included: a transaction cannot be
 * re-signed, or given another key, and keep its ID. */
static void test_id_covers_everything(void)
{
    g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autoptr(Transaction) tx = alice_to_bob();
    check_id_changes(tx, seen);
    TxInput *in = g_ptr_array_index(tx->vin, 0);
    TxOutput *out = g_ptr_array_index(tx->vout, 0);

    /* One bit of the signature, then a signature of another length. */
    guint8 sig[WALLET_SIGNATURE_LEN];
    memcpy(sig, g_bytes_get_data(in->signature, NULL), sizeof sig);
    sig[WALLET_SIGNATURE_LEN - 1] ^= 1;
    set_signature(in, sig, sizeof sig);
    check_id_changes(tx, seen);
    set_signature(in, sig, sizeof sig - 1);
    check_id_changes(tx, seen);
    set_signature(in, NULL, 0);
    check_id_changes(tx, seen);

    /* One bit of the public key. */
    guint8 pubkey[WALLET_PUBLIC_KEY_LEN];
    memcpy(pubkey, g_bytes_get_data(in->pubkey, NULL), sizeof pubkey);
    pubkey[0] ^= 0x80;
    g_bytes_unref(in->pubkey);
    in->pubkey = g_bytes_new(pubkey, sizeof pubkey);
    check_id_changes(tx, seen);

    in->txid[0] ^= 1;
    check_id_changes(tx, seen);
    in->vout = 1;
    check_id_changes(tx, seen);
    out->value = 5;
    check_id_changes(tx, seen);
    out->pubkey_hash[BC_RIPEMD160_LEN - 1] ^= 1;
    check_id_changes(tx, seen);
    CU_ASSERT_EQUAL(g_hash_table_size(seen), 9);
}

static gboolean bytes_equal(GBytes *a, GBytes *b)
{
    return g_bytes_equal(a, b);
}

static void assert_same(const Transaction *a, const Transaction *b)
{
    CU_ASSERT_EQUAL(memcmp(a->id, b->id, BC_HASH_LEN), 0);
    CU_ASSERT_EQUAL_FATAL(a->vin->len, b->vin->len);
    CU_ASSERT_EQUAL_FATAL(a->vout->len, b->vout->len);
    for (guint i = 0; i < a->vin->len; i++) {
        const TxInput *x = g_ptr_array_index(a->vin, i), *y = g_ptr_array_index(b->vin, i);
        CU_ASSERT_EQUAL(memcmp(x->txid, y->txid, BC_HASH_LEN), 0);
        CU_ASSERT_EQUAL(x->vout, y->vout);
        CU_ASSERT_TRUE(bytes_equal(x->signature, y->signature));
        CU_ASSERT_TRUE(bytes_equal(x->pubkey, y->pubkey));
    }
    for (guint i = 0; i < a->vout->len; i++) {
        const TxOutput *x = g_ptr_array_index(a->vout, i), *y = g_ptr_array_index(b->vout, i);
        CU_ASSERT_EQUAL(x->value, y->value);
        CU_ASSERT_EQUAL(memcmp(x->pubkey_hash, y->pubkey_hash, BC_RIPEMD160_LEN), 0);
    }
}

static void test_round_trip(void)
{
    g_autoptr(Wallet) alice = wallet_from_hex(ALICE_KEY);
    g_autofree gchar *address = wallet_get_address(alice);
    g_autoptr(Transaction) coinbase = transaction_new_coinbase(address, NULL, NULL);
    g_autoptr(Transaction) spend = alice_to_bob();
    /* Two inputs and three outputs, one of them worth a lot. */
    g_autoptr(Transaction) wide = alice_to_bob();
    transaction_add_input(wide, spend->id, 1, wallet_public_key(alice), WALLET_PUBLIC_KEY_LEN);
    set_signature(g_ptr_array_index(wide->vin, 1), wallet_public_key(alice), 64);
    transaction_add_output(wide, G_MAXINT64, spend->id);
    transaction_set_id(wide);
    const Transaction *txs[] = {coinbase, spend, wide};
    for (guint k = 0; k < G_N_ELEMENTS(txs); k++) {
        g_autoptr(GBytes) raw = transaction_serialize(txs[k]);
        g_autoptr(GError) error = NULL;
        g_autoptr(Transaction) back = transaction_deserialize(raw, &error);
        g_assert_no_error(error);
        CU_ASSERT_PTR_NOT_NULL_FATAL(back);
        assert_same(txs[k], back);
        CU_ASSERT_EQUAL(transaction_is_coinbase(back), k == 0);
        CU_ASSERT_TRUE(id_is_content_hash(back));
        g_autoptr(GBytes) again = transaction_serialize(back);
        CU_ASSERT_TRUE(g_bytes_equal(raw, again));
    }
}

/* Decoding BYTES fails with CODE and a message containing REASON (when not NULL). */
static gboolean refused(GBytes *bytes, gint code, const gchar *reason)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(Transaction) tx = transaction_deserialize(bytes, &error);
    if (tx != NULL || !g_error_matches(error, BC_ERROR, code))
        return FALSE;
    if (reason != NULL && strstr(error->message, reason) == NULL) {
        g_printerr("\n  expected \"%s\" in: %s\n", reason, error->message);
        return FALSE;
    }
    return TRUE;
}

static void test_truncated(void)
{
    g_autoptr(Transaction) tx = alice_to_bob();
    g_autoptr(GBytes) raw = transaction_serialize(tx);
    gsize len = g_bytes_get_size(raw);
    CU_ASSERT_TRUE(len > 200); /* a signature and a key, besides the rest */
    for (gsize n = 0; n < len; n++) {
        g_autoptr(GBytes) part = g_bytes_new_from_bytes(raw, 0, n);
        gboolean ok = refused(part, BC_ERROR_CORRUPT, NULL);
        if (!ok)
            g_printerr("\n  truncated to %" G_GSIZE_FORMAT " bytes was accepted\n", n);
        CU_ASSERT_TRUE(ok);
    }
}

/* Every bit of every byte, flipped: either the layout breaks or the content no longer matches
 * the ID. */
static void test_changed_bit(void)
{
    g_autoptr(Transaction) tx = alice_to_bob();
    g_autoptr(GBytes) raw = transaction_serialize(tx);
    gsize len = 0;
    const guint8 *data = g_bytes_get_data(raw, &len);
    for (gsize i = 0; i < len; i++) {
        for (guint bit = 0; bit < 8; bit++) {
            g_autofree guint8 *copy = g_memdup2(data, len);
            copy[i] ^= (guint8)(1u << bit);
            g_autoptr(GBytes) bad = g_bytes_new(copy, len);
            gboolean ok = refused(bad, BC_ERROR_CORRUPT, NULL);
            if (!ok)
                g_printerr("\n  byte %" G_GSIZE_FORMAT " bit %u changed was accepted\n", i, bit);
            CU_ASSERT_TRUE(ok);
        }
    }
    /* A byte of the signature: well-formed, but the ID no longer fits, and the message says so. */
    const TxInput *in = g_ptr_array_index(tx->vin, 0);
    const guint8 *sig = g_bytes_get_data(in->signature, NULL);
    g_autofree guint8 *copy = g_memdup2(data, len);
    guint8 *where = memmem(copy, len, sig, WALLET_SIGNATURE_LEN);
    CU_ASSERT_PTR_NOT_NULL_FATAL(where);
    where[10] ^= 0x40;
    g_autoptr(GBytes) bad = g_bytes_new(copy, len);
    CU_ASSERT_TRUE(refused(bad, BC_ERROR_CORRUPT, "does not match its ID"));
}

/* A record of the right type with ID, inputs and outputs given, whose ID is the correct hash of
 * that content: so the only thing wrong with it is what the test put there. */
static GBytes *record(const guint8 *id, gsize id_len, GVariant *inputs, GVariant *outputs)
{
    g_autoptr(GVariant) ins = g_variant_ref_sink(inputs);
    g_autoptr(GVariant) outs = g_variant_ref_sink(outputs);
    g_autoptr(GBytes) content = bc_variant_encode(g_variant_new("(@a(ayiayay)@a(xay))", ins, outs));
    guint8 hash[BC_HASH_LEN];
    glib_sha256(g_bytes_get_data(content, NULL), g_bytes_get_size(content), hash);
    return bc_variant_encode(g_variant_new("(@ay@a(ayiayay)@a(xay))",
                                           bc_variant_new_bytes(id != NULL ? id : hash, id_len),
                                           ins, outs));
}

static GVariant *one_input(gsize txid_len)
{
    guint8 txid[BC_HASH_LEN + 1] = {1}, sig[WALLET_SIGNATURE_LEN] = {2},
                              key[WALLET_PUBLIC_KEY_LEN] = {3};
    GVariant *in =
        g_variant_new("(@ayi@ay@ay)", bc_variant_new_bytes(txid, txid_len), 0,
                      bc_variant_new_bytes(sig, sizeof sig), bc_variant_new_bytes(key, sizeof key));
    return g_variant_new_array(NULL, &in, 1);
}

static GVariant *one_output(gsize hash_len)
{
    guint8 hash[BC_RIPEMD160_LEN + 1] = {4};
    GVariant *out = g_variant_new("(x@ay)", (gint64)10, bc_variant_new_bytes(hash, hash_len));
    return g_variant_new_array(NULL, &out, 1);
}

/* Fixed-size fields of the wrong size are refused even when the ID matches. */
static void test_wrong_sizes(void)
{
    /* The baseline: the same construction with the right sizes decodes. */
    g_autoptr(GBytes) good = record(NULL, BC_HASH_LEN, one_input(BC_HASH_LEN), one_output(20));
    g_autoptr(GError) error = NULL;
    g_autoptr(Transaction) tx = transaction_deserialize(good, &error);
    g_assert_no_error(error);
    CU_ASSERT_PTR_NOT_NULL(tx);

    g_autoptr(GBytes) hash19 = record(NULL, BC_HASH_LEN, one_input(BC_HASH_LEN), one_output(19));
    CU_ASSERT_TRUE(refused(hash19, BC_ERROR_CORRUPT, "output's key hash is 19 bytes, expected 20"));
    g_autoptr(GBytes) hash21 = record(NULL, BC_HASH_LEN, one_input(BC_HASH_LEN), one_output(21));
    CU_ASSERT_TRUE(refused(hash21, BC_ERROR_CORRUPT, "output's key hash is 21 bytes"));
    g_autoptr(GBytes) txid31 = record(NULL, BC_HASH_LEN, one_input(31), one_output(20));
    CU_ASSERT_TRUE(refused(txid31, BC_ERROR_CORRUPT, "input's transaction ID is 31 bytes"));
    const guint8 short_id[31] = {0};
    g_autoptr(GBytes) id31 = record(short_id, 31, one_input(BC_HASH_LEN), one_output(20));
    CU_ASSERT_TRUE(refused(id31, BC_ERROR_CORRUPT, "transaction ID is 31 bytes"));

    /* Chapter 4's format (addresses as strings) is another type altogether. */
    g_autoptr(GVariant) old = g_variant_ref_sink(
        g_variant_new_parsed("(@ay [byte 1, 2], @a(ayis) [], @a(xs) [(10, 'Ivan')])"));
    g_autoptr(GBytes) old_raw = g_variant_get_data_as_bytes(old);
    CU_ASSERT_TRUE(refused(old_raw, BC_ERROR_CORRUPT, NULL));
    g_autoptr(GBytes) empty = g_bytes_new(NULL, 0);
    CU_ASSERT_TRUE(refused(empty, BC_ERROR_CORRUPT, NULL));
}

static void test_oversized(void)
{
    g_autoptr(Wallet) alice = wallet_from_hex(ALICE_KEY);
    g_autofree gchar *address = wallet_get_address(alice);
    g_autofree gchar *data = g_strnfill(1024 * 1024, 'a');
    g_autoptr(Transaction) tx = transaction_new_coinbase(address, data, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(tx);
    g_autoptr(GBytes) huge = transaction_serialize(tx);
    CU_ASSERT_TRUE(refused(huge, BC_ERROR_TOO_LARGE, NULL));
}

/* printchain's view: every field, the signature and key in full hex. */
static void test_to_string(void)
{
    g_autoptr(Transaction) tx = alice_to_bob();
    g_autofree gchar *text = transaction_to_string(tx);
    g_autofree gchar *id = bc_hex_encode(tx->id, BC_HASH_LEN);
    const TxInput *in = g_ptr_array_index(tx->vin, 0);
    const TxOutput *out = g_ptr_array_index(tx->vout, 0);
    g_autofree gchar *txid = bc_hex_encode(in->txid, BC_HASH_LEN);
    g_autofree gchar *sig = bc_hex_encode(g_bytes_get_data(in->signature, NULL), 64);
    g_autofree gchar *key = bc_hex_encode(g_bytes_get_data(in->pubkey, NULL), 64);
    g_autofree gchar *hash = bc_hex_encode(out->pubkey_hash, BC_RIPEMD160_LEN);
    g_autofree gchar *head = g_strdup_printf("--- Transaction %s:\n", id);
    CU_ASSERT_TRUE(g_str_has_prefix(text, head));
    g_autofree gchar *txid_line = g_strdup_printf("TXID:      %s\n", txid);
    g_autofree gchar *sig_line = g_strdup_printf("Signature: %s\n", sig);
    g_autofree gchar *key_line = g_strdup_printf("PubKey:    %s\n", key);
    g_autofree gchar *hash_line = g_strdup_printf("Value:  6\n       Script: %s\n", hash);
    BC_ASSERT_CONTAINS(text, txid_line);
    BC_ASSERT_CONTAINS(text, "Out:       0\n");
    BC_ASSERT_CONTAINS(text, sig_line);
    BC_ASSERT_CONTAINS(text, key_line);
    BC_ASSERT_CONTAINS(text, "Output 1:\n       Value:  4\n");
    BC_ASSERT_CONTAINS(text, hash_line);
}

void test_transaction_register(void)
{
    static const BcTest tests[] = {
        {"coinbase to an address", test_coinbase_to_address},
        {"coinbase refuses what is not an address", test_coinbase_needs_address},
        {"ID covers signatures, keys and every field", test_id_covers_everything},
        {"serialize round trip", test_round_trip},
        {"truncation at every length is refused", test_truncated},
        {"any changed bit is refused", test_changed_bit},
        {"fixed-size fields of the wrong size are refused", test_wrong_sizes},
        {"oversized record is refused", test_oversized},
        {"printable form", test_to_string},
        {NULL, NULL},
    };
    bc_test_add_suite("05/transaction", NULL, NULL, tests);
}
