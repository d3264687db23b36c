/* test_transaction.c: the coinbase's shape, the ID as a hash of the content, and a decoder that
 * refuses every damaged, truncated, mistyped or oversized record with an error. */
#include <string.h>

#include "bc_error.h"
#include "bc_hex.h"
#include "bc_test.h"
#include "transaction.h"

/* The coinbase paying Ivan with the default data, serialized and hashed by a few lines of
 * Python written from the GVariant specification (not by GLib): the format, pinned. */
#define IVAN_COINBASE_ID "a6acd36e168d79235030bfd32f205b48d29df6a52e94d2d352400b4e8c5dcdc7"
#define IVAN_COINBASE_HEX                                                                          \
    IVAN_COINBASE_ID "0000000000000000000000000000000000000000000000000000000000000000"            \
                     "ffffffff52657761726420746f20274976616e27002036000a000000000000004976616e"    \
                     "000d5720"
/* The same Python's ID of a transaction spending that coinbase: 6 to Pedro, 4 back to Ivan. */
#define IVAN_TO_PEDRO_ID "2891ebea0012883620f145a79c227b81cb0d95559203ae6c354da01b74ac1334"

/* SHA-256 with GLib's own implementation, independent of the Nettle one the chapter uses. */
static void glib_sha256(const guint8 *data, gsize len, guint8 out[BC_HASH_LEN])
{
    g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);
    g_checksum_update(sum, data, (gssize)len);
    gsize out_len = BC_HASH_LEN;
    g_checksum_get_digest(sum, out, &out_len);
    g_assert(out_len == BC_HASH_LEN);
}

/* TEXT in GVariant's text format: quoted and escaped. */
static gchar *quoted(const gchar *text)
{
    g_autoptr(GVariant) v = g_variant_ref_sink(g_variant_new_string(text));
    return g_variant_print(v, FALSE);
}

/* The ID computed another way: the content written in GVariant's text format, parsed, and its
 * serialized bytes hashed. Shares nothing with transaction.c but the documented type. */
static void expected_id(const Transaction *tx, guint8 out[BC_HASH_LEN])
{
    g_autoptr(GString) text = g_string_new("([");
    for (guint i = 0; i < tx->vin->len; i++) {
        const TxInput *in = g_ptr_array_index(tx->vin, i);
        g_string_append(text, i > 0 ? ", ([" : "([");
        for (guint k = 0; k < BC_HASH_LEN; k++)
            g_string_append_printf(text, "%sbyte 0x%02x", k > 0 ? ", " : "", in->txid[k]);
        g_autofree gchar *sig = quoted(in->script_sig);
        g_string_append_printf(text, "], %d, %s)", in->vout, sig);
    }
    g_string_append(text, "], @a(xs) [");
    for (guint i = 0; i < tx->vout->len; i++) {
        const TxOutput *o = g_ptr_array_index(tx->vout, i);
        g_autofree gchar *pk = quoted(o->script_pub_key);
        g_string_append_printf(text, "%s(int64 %" G_GINT64_FORMAT ", %s)", i > 0 ? ", " : "",
                               o->value, pk);
    }
    g_string_append(text, "])");
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) v =
        g_variant_parse(G_VARIANT_TYPE("(a(ayis)a(xs))"), text->str, NULL, NULL, &error);
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

static gchar *hex(const guint8 *data, gsize len)
{
    return bc_hex_encode(data, len);
}

/* Ivan's coinbase and a transaction spending it: 6 to Pedro, 4 back to Ivan. */
static Transaction *ivan_to_pedro(void)
{
    g_autoptr(Transaction) coinbase = transaction_new_coinbase("Ivan", NULL);
    Transaction *tx = transaction_new();
    transaction_add_input(tx, coinbase->id, 0, "Ivan");
    transaction_add_output(tx, 6, "Pedro");
    transaction_add_output(tx, 4, "Ivan");
    transaction_set_id(tx);
    return tx;
}

static void test_coinbase_shape(void)
{
    static const guint8 zero[BC_HASH_LEN] = {0};
    g_autoptr(Transaction) tx = transaction_new_coinbase("Ivan", NULL);
    CU_ASSERT_EQUAL_FATAL(tx->vin->len, 1);
    CU_ASSERT_EQUAL_FATAL(tx->vout->len, 1);
    const TxInput *in = g_ptr_array_index(tx->vin, 0);
    CU_ASSERT_EQUAL(memcmp(in->txid, zero, BC_HASH_LEN), 0);
    CU_ASSERT_EQUAL(in->vout, -1);
    CU_ASSERT_STRING_EQUAL(in->script_sig, "Reward to 'Ivan'");
    const TxOutput *out = g_ptr_array_index(tx->vout, 0);
    CU_ASSERT_EQUAL(out->value, SUBSIDY);
    CU_ASSERT_EQUAL(SUBSIDY, 10);
    CU_ASSERT_STRING_EQUAL(out->script_pub_key, "Ivan");
    CU_ASSERT_TRUE(tx_output_is_locked_with(out, "Ivan"));
    CU_ASSERT_FALSE(tx_output_is_locked_with(out, "ivan"));
    CU_ASSERT_FALSE(tx_output_is_locked_with(out, "Ivan "));
    CU_ASSERT_TRUE(transaction_is_coinbase(tx));
    CU_ASSERT_TRUE(id_is_content_hash(tx));
    g_autofree gchar *id = hex(tx->id, BC_HASH_LEN);
    CU_ASSERT_STRING_EQUAL(id, IVAN_COINBASE_ID);
}

/* The genesis coinbase carries the article's newspaper headline instead of the default text. */
static void test_coinbase_data(void)
{
    g_autoptr(Transaction) genesis = transaction_new_coinbase("Ivan", GENESIS_COINBASE_DATA);
    g_autoptr(Transaction) plain = transaction_new_coinbase("Ivan", NULL);
    const TxInput *in = g_ptr_array_index(genesis->vin, 0);
    CU_ASSERT_STRING_EQUAL(in->script_sig, GENESIS_COINBASE_DATA);
    CU_ASSERT_TRUE(transaction_is_coinbase(genesis));
    CU_ASSERT_TRUE(id_is_content_hash(genesis));
    /* Same output, different data: a different transaction. */
    CU_ASSERT_NOT_EQUAL(memcmp(genesis->id, plain->id, BC_HASH_LEN), 0);
}

static void test_not_coinbase(void)
{
    static const guint8 zero[BC_HASH_LEN] = {0};
    guint8 some[BC_HASH_LEN];
    memset(some, 0xab, sizeof some);
    g_autoptr(Transaction) normal = ivan_to_pedro();
    CU_ASSERT_FALSE(transaction_is_coinbase(normal));
    /* Each half of the coinbase mark alone is not enough. */
    g_autoptr(Transaction) index_only = transaction_new();
    transaction_add_input(index_only, some, -1, "x");
    CU_ASSERT_FALSE(transaction_is_coinbase(index_only));
    g_autoptr(Transaction) txid_only = transaction_new();
    transaction_add_input(txid_only, zero, 0, "x");
    CU_ASSERT_FALSE(transaction_is_coinbase(txid_only));
    /* Nor is the mark with a second input beside it. */
    g_autoptr(Transaction) two = transaction_new();
    transaction_add_input(two, zero, -1, "x");
    transaction_add_input(two, some, 0, "x");
    CU_ASSERT_FALSE(transaction_is_coinbase(two));
    g_autoptr(Transaction) none = transaction_new();
    CU_ASSERT_FALSE(transaction_is_coinbase(none));
}

static void test_id_is_hash_of_content(void)
{
    g_autoptr(Transaction) tx = ivan_to_pedro();
    CU_ASSERT_TRUE(id_is_content_hash(tx));
    g_autofree gchar *id = hex(tx->id, BC_HASH_LEN);
    CU_ASSERT_STRING_EQUAL(id, IVAN_TO_PEDRO_ID);
    /* The ID is not part of what it hashes: setting it twice gives the same. */
    guint8 before[BC_HASH_LEN];
    memcpy(before, tx->id, BC_HASH_LEN);
    transaction_set_id(tx);
    CU_ASSERT_EQUAL(memcmp(before, tx->id, BC_HASH_LEN), 0);
}

/* Changes one field, recomputes the ID, checks it is new and still the content's hash. */
static void check_id_changes(Transaction *tx, GHashTable *seen)
{
    transaction_set_id(tx);
    CU_ASSERT_TRUE(id_is_content_hash(tx));
    g_autofree gchar *id = hex(tx->id, BC_HASH_LEN);
    CU_ASSERT_FALSE(g_hash_table_contains(seen, id));
    g_hash_table_add(seen, g_steal_pointer(&id));
}

static void test_id_changes_with_any_field(void)
{
    g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autoptr(Transaction) tx = ivan_to_pedro();
    check_id_changes(tx, seen);
    TxInput *in = g_ptr_array_index(tx->vin, 0);
    TxOutput *out = g_ptr_array_index(tx->vout, 1);
    in->txid[BC_HASH_LEN - 1] ^= 1;
    check_id_changes(tx, seen);
    in->vout = 1;
    check_id_changes(tx, seen);
    g_free(in->script_sig);
    in->script_sig = g_strdup("Ivan2");
    check_id_changes(tx, seen);
    out->value = 5;
    check_id_changes(tx, seen);
    g_free(out->script_pub_key);
    out->script_pub_key = g_strdup("Helen");
    check_id_changes(tx, seen);
    transaction_add_input(tx, in->txid, 2, "Ivan");
    check_id_changes(tx, seen);
    transaction_add_output(tx, 1, "Ivan");
    check_id_changes(tx, seen);
    /* Order matters too: the same outputs swapped. */
    g_ptr_array_insert(tx->vout, 0, g_ptr_array_steal_index(tx->vout, 2));
    check_id_changes(tx, seen);
    CU_ASSERT_EQUAL(g_hash_table_size(seen), 9);
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
        CU_ASSERT_STRING_EQUAL(x->script_sig, y->script_sig);
    }
    for (guint i = 0; i < a->vout->len; i++) {
        const TxOutput *x = g_ptr_array_index(a->vout, i), *y = g_ptr_array_index(b->vout, i);
        CU_ASSERT_EQUAL(x->value, y->value);
        CU_ASSERT_STRING_EQUAL(x->script_pub_key, y->script_pub_key);
    }
}

static void test_round_trip(void)
{
    g_autoptr(Transaction) coinbase = transaction_new_coinbase("Ivan", NULL);
    g_autoptr(Transaction) spend = ivan_to_pedro();
    const Transaction *txs[] = {coinbase, spend};
    for (guint k = 0; k < G_N_ELEMENTS(txs); k++) {
        g_autoptr(GBytes) raw = transaction_serialize(txs[k]);
        g_autoptr(GError) error = NULL;
        g_autoptr(Transaction) back = transaction_deserialize(raw, &error);
        g_assert_no_error(error);
        CU_ASSERT_PTR_NOT_NULL_FATAL(back);
        assert_same(txs[k], back);
        CU_ASSERT_EQUAL(transaction_is_coinbase(back), k == 0);
        g_autoptr(GBytes) again = transaction_serialize(back);
        CU_ASSERT_TRUE(g_bytes_equal(raw, again));
    }
    /* The bytes themselves, as the independent encoder wrote them. */
    g_autoptr(GBytes) raw = transaction_serialize(coinbase);
    gsize len = 0;
    const guint8 *data = g_bytes_get_data(raw, &len);
    g_autofree gchar *text = hex(data, len);
    CU_ASSERT_STRING_EQUAL(text, IVAN_COINBASE_HEX);
}

/* Decoding BYTES fails with CODE and leaves no transaction behind. */
static gboolean refused(GBytes *bytes, gint code)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(Transaction) tx = transaction_deserialize(bytes, &error);
    return tx == NULL && g_error_matches(error, BC_ERROR, code);
}

static void test_truncated(void)
{
    g_autoptr(Transaction) tx = ivan_to_pedro();
    g_autoptr(GBytes) raw = transaction_serialize(tx);
    gsize len = g_bytes_get_size(raw);
    for (gsize n = 0; n < len; n++) {
        g_autoptr(GBytes) part = g_bytes_new_from_bytes(raw, 0, n);
        if (!refused(part, BC_ERROR_CORRUPT))
            g_printerr("\n  truncated to %" G_GSIZE_FORMAT " bytes was accepted\n", n);
        CU_ASSERT_TRUE(refused(part, BC_ERROR_CORRUPT));
    }
}

/* Every byte, changed: either the layout breaks or the content no longer matches the ID. */
static void test_changed_byte(void)
{
    g_autoptr(Transaction) tx = ivan_to_pedro();
    g_autoptr(GBytes) raw = transaction_serialize(tx);
    gsize len = 0;
    const guint8 *data = g_bytes_get_data(raw, &len);
    for (gsize i = 0; i < len; i++) {
        for (guint bit = 0; bit < 8; bit++) {
            g_autofree guint8 *copy = g_memdup2(data, len);
            copy[i] ^= (guint8)(1u << bit);
            g_autoptr(GBytes) bad = g_bytes_new(copy, len);
            if (!refused(bad, BC_ERROR_CORRUPT))
                g_printerr("\n  byte %" G_GSIZE_FORMAT " bit %u changed was accepted\n", i, bit);
            CU_ASSERT_TRUE(refused(bad, BC_ERROR_CORRUPT));
        }
    }
    /* A changed amount is a well-formed record whose ID no longer fits: the message says so. */
    g_autofree guint8 *copy = g_memdup2(data, len);
    const guint8 six[8] = {6, 0, 0, 0, 0, 0, 0, 0};
    guint8 *amount = memmem(copy, len, six, sizeof six);
    CU_ASSERT_PTR_NOT_NULL_FATAL(amount);
    amount[0] = 7;
    g_autoptr(GBytes) bad = g_bytes_new(copy, len);
    g_autoptr(GError) error = NULL;
    CU_ASSERT_PTR_NULL(transaction_deserialize(bad, &error));
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_CORRUPT));
    BC_ASSERT_CONTAINS(error != NULL ? error->message : "", "does not match its ID");
}

static void test_wrong_type(void)
{
    guint8 id[BC_HASH_LEN] = {0};
    /* Another type altogether. */
    g_autoptr(GVariant) other = g_variant_ref_sink(g_variant_new("(sxs)", "Ivan", 10, "Pedro"));
    g_autoptr(GBytes) other_raw = g_variant_get_data_as_bytes(other);
    CU_ASSERT_TRUE(refused(other_raw, BC_ERROR_CORRUPT));
    /* The right type, with an ID or an input's txid of the wrong length. */
    g_autoptr(GVariant) short_id = g_variant_ref_sink(
        g_variant_new_parsed("(@ay [byte 1, 2, 3], @a(ayis) [], @a(xs) [(10, 'Ivan')])"));
    g_autoptr(GBytes) short_raw = g_variant_get_data_as_bytes(short_id);
    CU_ASSERT_TRUE(refused(short_raw, BC_ERROR_CORRUPT));
    g_autoptr(GVariant) short_txid = g_variant_ref_sink(g_variant_new(
        "(@ay@a(ayis)@a(xs))", g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, id, BC_HASH_LEN, 1),
        g_variant_new_parsed("[(@ay [byte 1], 0, 'Ivan')]"), g_variant_new_parsed("@a(xs) []")));
    g_autoptr(GBytes) short_txid_raw = g_variant_get_data_as_bytes(short_txid);
    CU_ASSERT_TRUE(refused(short_txid_raw, BC_ERROR_CORRUPT));
    /* Random bytes and nothing at all. */
    g_autoptr(GBytes) empty = g_bytes_new(NULL, 0);
    CU_ASSERT_TRUE(refused(empty, BC_ERROR_CORRUPT));
    g_autoptr(GBytes) junk = g_bytes_new_static("\xff\xff\xff\xff\xff\xff\xff\xff", 8);
    CU_ASSERT_TRUE(refused(junk, BC_ERROR_CORRUPT));
}

static void test_oversized(void)
{
    /* Refused before it is parsed: a megabyte of anything. */
    gsize big = 1024 * 1024 + 1;
    g_autofree guint8 *zeros = g_malloc0(big);
    g_autoptr(GBytes) raw = g_bytes_new(zeros, big);
    CU_ASSERT_TRUE(refused(raw, BC_ERROR_TOO_LARGE));
    /* And a real transaction that is simply too big. */
    g_autofree gchar *name = g_strnfill(big, 'a');
    g_autoptr(Transaction) tx = transaction_new_coinbase(name, NULL);
    g_autoptr(GBytes) huge = transaction_serialize(tx);
    CU_ASSERT_TRUE(refused(huge, BC_ERROR_TOO_LARGE));
}

void test_transaction_register(void)
{
    static const BcTest tests[] = {
        {"coinbase shape", test_coinbase_shape},
        {"genesis coinbase data", test_coinbase_data},
        {"only the coinbase mark makes a coinbase", test_not_coinbase},
        {"ID is SHA-256 of the content", test_id_is_hash_of_content},
        {"ID changes with any field", test_id_changes_with_any_field},
        {"serialize round trip", test_round_trip},
        {"truncation at every length is refused", test_truncated},
        {"any changed bit is refused", test_changed_byte},
        {"wrong type is refused", test_wrong_type},
        {"oversized input is refused", test_oversized},
        {NULL, NULL},
    };
    bc_test_add_suite("04/transaction", NULL, NULL, tests);
}
