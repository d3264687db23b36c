/* address.c: an address is version byte || public key hash || checksum, in Base58. The checksum is
 * why a mistyped address is an error here and not a lost payment. */
#include "address.h"

#include <stdarg.h>
#include <string.h>

#include "bc_base58.h"
#include "bc_error.h"

gchar *address_from_pubkey_hash(const guint8 hash[BC_RIPEMD160_LEN])
{
    return bc_base58check_encode(ADDRESS_VERSION, hash, BC_RIPEMD160_LEN);
}

/* ADDRESS as it may appear in a message: at most 40 characters, unprintable bytes escaped. */
static gchar *quote(const gchar *address)
{
    if (address == NULL)
        return g_strdup("(null)");
    g_autofree gchar *head = g_strndup(address, 40);
    g_autofree gchar *escaped = g_strescape(head, NULL);
    return g_strconcat(escaped, strlen(address) > 40 ? "..." : "", NULL);
}

static gboolean invalid_address(GError **error, const gchar *address, const gchar *format, ...)
    G_GNUC_PRINTF(3, 4);

static gboolean invalid_address(GError **error, const gchar *address, const gchar *format, ...)
{
    va_list args;
    va_start(args, format);
    g_autofree gchar *reason = g_strdup_vprintf(format, args);
    va_end(args);
    g_autofree gchar *shown = quote(address);
    g_set_error(error, BC_ERROR, BC_ERROR_INVALID_ARGUMENT, "invalid address '%s': %s", shown,
                reason);
    return FALSE;
}

gboolean address_to_pubkey_hash(const gchar *address, guint8 out[BC_RIPEMD160_LEN], GError **error)
{
    g_autoptr(GError) local = NULL;
    guint8 version = 0;
    g_autoptr(GBytes) payload = bc_base58check_decode(address, &version, &local);
    if (payload == NULL)
        return invalid_address(error, address, "%s", local->message);
    gsize len = 0;
    const guint8 *hash = g_bytes_get_data(payload, &len);
    if (len != BC_RIPEMD160_LEN)
        return invalid_address(error, address, "holds %" G_GSIZE_FORMAT " bytes, expected %d", len,
                               BC_RIPEMD160_LEN);
    if (version != ADDRESS_VERSION)
        return invalid_address(error, address, "version byte 0x%02x, expected 0x%02x", version,
                               ADDRESS_VERSION);
    memcpy(out, hash, BC_RIPEMD160_LEN);
    return TRUE;
}

gboolean address_validate(const gchar *address, GError **error)
{
    guint8 hash[BC_RIPEMD160_LEN];
    return address_to_pubkey_hash(address, hash, error);
}
