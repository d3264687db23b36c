/* bc_base58.c: Base58 is a number written in base 58; the conversion below is long
 * multiplication on a byte buffer, the way you would do it on paper. */
#include "bc_base58.h"

#include <string.h>

#include "bc_error.h"
#include "bc_hash.h"

static const char ALPHABET[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

gchar *bc_base58_encode(const guint8 *data, gsize len)
{
    /* A leading zero byte adds nothing to the number's value, so each is kept as a '1'. */
    gsize zeros = 0;
    while (zeros < len && data[zeros] == 0)
        zeros++;

    /* log(256) / log(58) < 1.38: enough base-58 digits for the rest, most significant first. */
    gsize size = (len - zeros) * 138 / 100 + 1;
    g_autofree guint8 *digits = g_malloc0(size);
    for (gsize i = zeros; i < len; i++) {
        /* digits = digits * 256 + data[i] */
        guint carry = data[i];
        for (gsize k = size; k > 0; k--) {
            carry += 256 * (guint)digits[k - 1];
            digits[k - 1] = (guint8)(carry % 58);
            carry /= 58;
        }
        g_assert(carry == 0);
    }

    gsize start = 0;
    while (start < size && digits[start] == 0)
        start++;
    GString *text = g_string_sized_new(zeros + size - start + 1);
    for (gsize i = 0; i < zeros; i++)
        g_string_append_c(text, '1');
    for (gsize i = start; i < size; i++)
        g_string_append_c(text, ALPHABET[digits[i]]);
    return g_string_free(text, FALSE);
}

/* The value of character C, or -1 when it is not in the alphabet (0, O, I, l, non-ASCII ...). */
static int digit_value(char c)
{
    const char *p = c != '\0' ? strchr(ALPHABET, c) : NULL;
    return p != NULL ? (int)(p - ALPHABET) : -1;
}

GBytes *bc_base58_decode(const gchar *text, GError **error)
{
    if (text == NULL) {
        g_set_error_literal(error, BC_ERROR, BC_ERROR_INVALID_ARGUMENT, "no Base58 text");
        return NULL;
    }
    /* strnlen: a huge string is refused without reading all of it. */
    gsize len = strnlen(text, BC_BASE58_MAX_LEN + 1);
    if (len > BC_BASE58_MAX_LEN) {
        g_set_error(error, BC_ERROR, BC_ERROR_INVALID_ARGUMENT,
                    "Base58 text is longer than %d characters", BC_BASE58_MAX_LEN);
        return NULL;
    }
    gsize zeros = 0;
    while (zeros < len && text[zeros] == '1')
        zeros++;

    /* log(58) / log(256) < 0.733: enough bytes for the number, most significant first. */
    gsize size = (len - zeros) * 733 / 1000 + 1;
    g_autofree guint8 *bytes = g_malloc0(size);
    for (gsize i = zeros; i < len; i++) {
        int value = digit_value(text[i]);
        if (value < 0) {
            guchar c = (guchar)text[i];
            if (g_ascii_isgraph(c))
                g_set_error(error, BC_ERROR, BC_ERROR_INVALID_ARGUMENT,
                            "'%c' at position %" G_GSIZE_FORMAT " is not a Base58 character", c,
                            i + 1);
            else
                g_set_error(error, BC_ERROR, BC_ERROR_INVALID_ARGUMENT,
                            "byte 0x%02x at position %" G_GSIZE_FORMAT " is not a Base58 character",
                            c, i + 1);
            return NULL;
        }
        /* bytes = bytes * 58 + value */
        guint carry = (guint)value;
        for (gsize k = size; k > 0; k--) {
            carry += 58 * (guint)bytes[k - 1];
            bytes[k - 1] = (guint8)(carry & 0xff);
            carry >>= 8;
        }
        g_assert(carry == 0);
    }

    gsize start = 0;
    while (start < size && bytes[start] == 0)
        start++;
    /* Each leading '1' stands for a zero byte: they come first, zero-filled. */
    gsize out_len = zeros + size - start;
    guint8 *out = g_malloc0(out_len + 1); /* +1: never a zero-size allocation */
    memcpy(out + zeros, bytes + start, size - start);
    return g_bytes_new_take(out, out_len);
}

gchar *bc_base58check_encode(guint8 version, const guint8 *payload, gsize len)
{
    gsize total = 1 + len + BC_BASE58_CHECKSUM_LEN;
    g_autofree guint8 *buf = g_malloc(total);
    buf[0] = version;
    if (len > 0)
        memcpy(buf + 1, payload, len);
    guint8 hash[BC_HASH_LEN];
    bc_double_sha256(buf, 1 + len, hash);
    memcpy(buf + 1 + len, hash, BC_BASE58_CHECKSUM_LEN);
    return bc_base58_encode(buf, total);
}

GBytes *bc_base58check_decode(const gchar *text, guint8 *version, GError **error)
{
    g_autoptr(GBytes) raw = bc_base58_decode(text, error);
    if (raw == NULL)
        return NULL;
    gsize len = 0;
    const guint8 *data = g_bytes_get_data(raw, &len);
    if (len < 1 + BC_BASE58_CHECKSUM_LEN) {
        g_set_error(error, BC_ERROR, BC_ERROR_INVALID_ARGUMENT,
                    "%" G_GSIZE_FORMAT " bytes are too short for a version and a checksum", len);
        return NULL;
    }
    gsize body = len - BC_BASE58_CHECKSUM_LEN;
    guint8 hash[BC_HASH_LEN];
    bc_double_sha256(data, body, hash);
    if (memcmp(hash, data + body, BC_BASE58_CHECKSUM_LEN) != 0) {
        g_set_error_literal(error, BC_ERROR, BC_ERROR_INVALID_ARGUMENT,
                            "checksum does not match (mistyped?)");
        return NULL;
    }
    if (version != NULL)
        *version = data[0];
    return g_bytes_new_from_bytes(raw, 1, body - 1);
}
