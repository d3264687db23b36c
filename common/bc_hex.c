/* bc_hex.c: hex encoding for printing hashes and reading them back from the command line. */
#include "bc_hex.h"

#include <string.h>

#include "bc_error.h"

gchar *bc_hex_encode(const guint8 *data, gsize len)
{
    static const char digits[] = "0123456789abcdef";
    gchar *hex = g_malloc(2 * len + 1);
    for (gsize i = 0; i < len; i++) {
        hex[2 * i] = digits[data[i] >> 4];
        hex[2 * i + 1] = digits[data[i] & 0x0f];
    }
    hex[2 * len] = '\0';
    return hex;
}

gboolean bc_hex_decode(const gchar *hex, guint8 *out, gsize len, GError **error)
{
    if (hex == NULL || strlen(hex) != 2 * len) {
        g_set_error(error, BC_ERROR, BC_ERROR_INVALID_ARGUMENT,
                    "expected %" G_GSIZE_FORMAT " hex digits", 2 * len);
        return FALSE;
    }
    for (gsize i = 0; i < len; i++) {
        int hi = g_ascii_xdigit_value(hex[2 * i]);
        int lo = g_ascii_xdigit_value(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            g_set_error(error, BC_ERROR, BC_ERROR_INVALID_ARGUMENT, "'%c%c' is not a hex byte",
                        hex[2 * i], hex[2 * i + 1]);
            return FALSE;
        }
        out[i] = (guint8)(hi << 4 | lo);
    }
    return TRUE;
}
