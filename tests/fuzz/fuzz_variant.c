/* fuzz_variant.c: checked GVariant decoding (common/bc_variant.c), the layer under every decoder
 * of the project. The first input byte picks one of the types the chapters store or send, the
 * rest is the serialized value. What bc_variant_decode accepts is rebuilt from its parts, value by
 * value, and serialized again: in normal form there is exactly one encoding of each value, so the
 * bytes must be the input's. That is the property every decoder's re-encoding check rests on. */
#include <string.h>

#include "bc_error.h"
#include "bc_variant.h"
#include "fuzz.h"

/* The types of chapter 7, with their limits: block, transaction, UTXO record, wallet file, the
 * payloads of the seven messages. A later chapter's new types belong here too. */
static const struct {
    const gchar *type;
    gsize max_size;
} TYPES[] = {
    {"(xaayayayuti)", 1024 * 1024},        /* block.h BLOCK_VARIANT_TYPE */
    {"(aya(ayiayay)a(xay))", 1024 * 1024}, /* transaction.h TRANSACTION_VARIANT_TYPE */
    {"a(uxay)", 1024 * 1024},              /* utxo_set.c UTXO_RECORD_TYPE */
    {"(sua(say))", 1024 * 1024},           /* wallets.c WALLETS_TYPE */
    {"(iis)", 4 * 1024 * 1024},            /* message.c: version */
    {"s", 4 * 1024 * 1024},                /* getblocks */
    {"(ssaay)", 4 * 1024 * 1024},          /* inv */
    {"(ssay)", 4 * 1024 * 1024},           /* getdata */
    {"(say)", 4 * 1024 * 1024},            /* block, tx */
    {"as", 4 * 1024 * 1024},               /* addr */
};

/* A new value equal to V, built from its children and basic values (floating). */
static GVariant *rebuild(GVariant *v)
{
    const GVariantType *type = g_variant_get_type(v);
    switch (g_variant_classify(v)) {
    case G_VARIANT_CLASS_BOOLEAN:
        return g_variant_new_boolean(g_variant_get_boolean(v));
    case G_VARIANT_CLASS_BYTE:
        return g_variant_new_byte(g_variant_get_byte(v));
    case G_VARIANT_CLASS_INT16:
        return g_variant_new_int16(g_variant_get_int16(v));
    case G_VARIANT_CLASS_UINT16:
        return g_variant_new_uint16(g_variant_get_uint16(v));
    case G_VARIANT_CLASS_INT32:
        return g_variant_new_int32(g_variant_get_int32(v));
    case G_VARIANT_CLASS_UINT32:
        return g_variant_new_uint32(g_variant_get_uint32(v));
    case G_VARIANT_CLASS_INT64:
        return g_variant_new_int64(g_variant_get_int64(v));
    case G_VARIANT_CLASS_UINT64:
        return g_variant_new_uint64(g_variant_get_uint64(v));
    case G_VARIANT_CLASS_STRING:
        return g_variant_new_string(g_variant_get_string(v, NULL));
    case G_VARIANT_CLASS_VARIANT: {
        g_autoptr(GVariant) inner = g_variant_get_variant(v);
        return g_variant_new_variant(rebuild(inner));
    }
    case G_VARIANT_CLASS_ARRAY:
    case G_VARIANT_CLASS_TUPLE:
    case G_VARIANT_CLASS_MAYBE:
    case G_VARIANT_CLASS_DICT_ENTRY: {
        GVariantBuilder builder;
        g_variant_builder_init(&builder, type);
        gsize n = g_variant_n_children(v);
        for (gsize i = 0; i < n; i++) {
            g_autoptr(GVariant) child = g_variant_get_child_value(v, i);
            g_variant_builder_add_value(&builder, rebuild(child));
        }
        return g_variant_builder_end(&builder);
    }
    default:
        /* Handles, doubles, object paths, signatures: no type above has them. */
        fuzz_fail("unexpected type %s", g_variant_get_type_string(v));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    gsize t = data[0] % G_N_ELEMENTS(TYPES);
    g_autoptr(GBytes) bytes = g_bytes_new(data + 1, size - 1);
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) value = bc_variant_decode(bytes, G_VARIANT_TYPE(TYPES[t].type),
                                                  TYPES[t].max_size, "fuzz input", &error);
    if (value == NULL) {
        fuzz_assert_error("bc_variant_decode", error, BC_ERROR_CORRUPT, BC_ERROR_TOO_LARGE, -1);
        return 0;
    }
    g_autoptr(GBytes) again = bc_variant_encode(rebuild(value));
    fuzz_assert_same(TYPES[t].type, data + 1, size - 1, again);
    return 0;
}

/* A seed for type T: its index, then VALUE (floating, consumed) serialized. */
static void seed(const gchar *name, gsize t, GVariant *value)
{
    g_assert(g_variant_is_of_type(value, G_VARIANT_TYPE(TYPES[t].type)));
    g_autoptr(GBytes) body = bc_variant_encode(value);
    g_autoptr(GByteArray) seed = g_byte_array_new();
    guint8 index = (guint8)t;
    g_byte_array_append(seed, &index, 1);
    g_byte_array_append(seed, g_bytes_get_data(body, NULL), (guint)g_bytes_get_size(body));
    fuzz_seed(name, seed->data, seed->len);
}

/* Values of each type with its arrays empty and full, strings short and long. The real records
 * of each kind are in the other targets' corpora. */
void fuzz_seeds(void)
{
    static const guint8 h[32] = {1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16,
                                 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};
    seed("block-empty", 0,
         g_variant_new("(x@aay@ay@ayuti)", G_GINT64_CONSTANT(1700000000),
                       g_variant_new_array(G_VARIANT_TYPE_BYTESTRING, NULL, 0),
                       bc_variant_new_bytes(h, 32), bc_variant_new_bytes(h, 32), 16u,
                       G_GUINT64_CONSTANT(77), 3));
    GVariant *txs[] = {bc_variant_new_bytes(h, 5), bc_variant_new_bytes(h, 32)};
    seed("block-two", 0,
         g_variant_new("(x@aay@ay@ayuti)", G_GINT64_CONSTANT(-1), g_variant_new_array(NULL, txs, 2),
                       bc_variant_new_bytes(h, 32), bc_variant_new_bytes(h, 0), 1u, G_MAXUINT64,
                       G_MAXINT32));
    GVariant *in[] = {g_variant_new("(@ayi@ay@ay)", bc_variant_new_bytes(h, 32), -1,
                                    bc_variant_new_bytes(h, 0), bc_variant_new_bytes(h, 7))};
    GVariant *out[] = {g_variant_new("(x@ay)", G_GINT64_CONSTANT(10), bc_variant_new_bytes(h, 20)),
                       g_variant_new("(x@ay)", G_GINT64_CONSTANT(3), bc_variant_new_bytes(h, 20))};
    seed("transaction", 1,
         g_variant_new("(@ay@a(ayiayay)@a(xay))", bc_variant_new_bytes(h, 32),
                       g_variant_new_array(NULL, in, 1), g_variant_new_array(NULL, out, 2)));
    GVariant *outputs[] = {
        g_variant_new("(ux@ay)", 0u, G_GINT64_CONSTANT(10), bc_variant_new_bytes(h, 20)),
        g_variant_new("(ux@ay)", 7u, G_GINT64_CONSTANT(1), bc_variant_new_bytes(h, 20))};
    seed("utxo", 2, g_variant_new_array(NULL, outputs, 2));
    GVariant *entries[] = {
        g_variant_new("(s@ay)", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", bc_variant_new_bytes(h, 32))};
    seed("wallets", 3,
         g_variant_new("(su@a(say))", "blockchain-c wallets", 1u,
                       g_variant_new_array(NULL, entries, 1)));
    seed("version", 4, g_variant_new("(iis)", 1, 5, "localhost:3000"));
    seed("getblocks", 5, g_variant_new_string("localhost:3000"));
    GVariant *hashes[] = {bc_variant_new_bytes(h, 32), bc_variant_new_bytes(h, 32)};
    seed(
        "inv", 6,
        g_variant_new("(ss@aay)", "localhost:3000", "block", g_variant_new_array(NULL, hashes, 2)));
    seed("getdata", 7,
         g_variant_new("(ss@ay)", "localhost:3000", "tx", bc_variant_new_bytes(h, 32)));
    seed("data", 8, g_variant_new("(s@ay)", "localhost:3000", bc_variant_new_bytes(h, 32)));
    const gchar *addrs[] = {"localhost:3000", "[::1]:3001", "example.org:65535"};
    seed("addr", 9, g_variant_new_strv(addrs, 3));
}
