/* bc_variant.c: checked GVariant decoding and encoding. */
#include "bc_variant.h"

#include <string.h>

#include "bc_error.h"

/* Whether our encoder writes the default value of TYPE (zeros, empty strings and arrays) as no
 * bytes at all: an empty array or a Nothing, and a tuple of a single such member, but not a tuple
 * of more (each member but the last gets a framing offset), a string (its NUL) or a number. */
static gboolean default_is_empty(const GVariantType *type)
{
    if (g_variant_type_is_array(type) || g_variant_type_is_maybe(type))
        return TRUE;
    if (g_variant_type_is_tuple(type) && g_variant_type_n_items(type) == 1)
        return default_is_empty(g_variant_type_first(type));
    return FALSE;
}

GVariant *bc_variant_decode(GBytes *bytes, const GVariantType *type, gsize max_size,
                            const gchar *what, GError **error)
{
    gsize size = g_bytes_get_size(bytes);
    if (size > max_size) {
        g_set_error(error, BC_ERROR, BC_ERROR_TOO_LARGE,
                    "%s is %" G_GSIZE_FORMAT " bytes, over the limit of %" G_GSIZE_FORMAT, what,
                    size, max_size);
        return NULL;
    }
    /* Our own encoder writes little-endian; a big-endian host would byteswap here. */
    g_autoptr(GVariant) value = g_variant_new_from_bytes(type, bytes, FALSE);
    if (G_BYTE_ORDER == G_BIG_ENDIAN) {
        GVariant *swapped = g_variant_byteswap(value);
        g_variant_unref(value);
        value = swapped;
    }
    /* Normal form means one canonical encoding: no hidden bytes, lengths and offsets valid.
     * Except for zero bytes, which GLib reads as the default value of any type and calls normal:
     * for "(ayay)" our encoder writes one byte, an offset, so zero bytes would be a second
     * encoding of the same value. Nested values of such types would need the same check; none of
     * ours has one (tests/fuzz/fuzz_variant.c holds every type we decode to this). */
    if (!g_variant_is_normal_form(value) || (size == 0 && !default_is_empty(type))) {
        g_set_error(error, BC_ERROR, BC_ERROR_CORRUPT, "%s does not decode as %s", what,
                    g_variant_type_peek_string(type));
        return NULL;
    }
    return g_steal_pointer(&value);
}

GBytes *bc_variant_encode(GVariant *value)
{
    g_autoptr(GVariant) owned = g_variant_ref_sink(value);
    if (G_BYTE_ORDER == G_BIG_ENDIAN) {
        g_autoptr(GVariant) swapped = g_variant_byteswap(owned);
        return g_variant_get_data_as_bytes(swapped);
    }
    return g_variant_get_data_as_bytes(owned);
}

gboolean bc_variant_get_fixed(GVariant *ay, guint8 *out, gsize len, const gchar *what,
                              GError **error)
{
    gsize n = 0;
    const guint8 *data = g_variant_get_fixed_array(ay, &n, 1);
    if (n != len) {
        g_set_error(error, BC_ERROR, BC_ERROR_CORRUPT,
                    "%s is %" G_GSIZE_FORMAT " bytes, expected %" G_GSIZE_FORMAT, what, n, len);
        return FALSE;
    }
    if (len > 0)
        memcpy(out, data, len);
    return TRUE;
}

GVariant *bc_variant_new_bytes(const guint8 *data, gsize len)
{
    return g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, data, len, 1);
}
