/* sync.c: block locators, built and answered. */
#include "sync.h"

#include "bc_error.h"
#include "message.h"

/* @excerpt sync-locator */
GByteArray *sync_locator(Blockchain *bc, GError **error)
{
    g_autoptr(GByteArray) locator = g_byte_array_new();
    gint32 step = 1;
    for (gint32 height = bc->height; height > 0; height -= step) {
        guint8 hash[BC_HASH_LEN];
        if (!blockchain_get_hash_at(bc, height, hash, error))
            return NULL;
        g_byte_array_append(locator, hash, BC_HASH_LEN);
        /* The last 10 one by one, then twice as far each time: 10 + 31 + 1 hashes at most. */
        if (locator->len >= 10 * BC_HASH_LEN)
            step *= 2;
    }
    guint8 genesis[BC_HASH_LEN];
    if (!blockchain_get_hash_at(bc, 0, genesis, error))
        return NULL;
    g_byte_array_append(locator, genesis, BC_HASH_LEN);
    g_assert(locator->len / BC_HASH_LEN <= MESSAGE_MAX_LOCATOR);
    return g_steal_pointer(&locator);
}
/* @end sync-locator */

/* @excerpt sync-hashes-after */
GByteArray *sync_hashes_after(Blockchain *bc, const guint8 *locator, gsize n, GError **error)
{
    gint32 start = 0; /* genesis: every chain of ours has it, so nothing before it is sent */
    for (gsize i = 0; i < n; i++) {
        gint32 height = 0;
        if (blockchain_find_height(bc, locator + i * BC_HASH_LEN, &height, NULL)) {
            start = height;
            break;
        }
    }
    g_autoptr(GByteArray) hashes = g_byte_array_new();
    for (gint32 h = start + 1; h <= bc->height && hashes->len < SYNC_MAX_INV * BC_HASH_LEN; h++) {
        guint8 hash[BC_HASH_LEN];
        if (!blockchain_get_hash_at(bc, h, hash, error))
            return NULL;
        g_byte_array_append(hashes, hash, BC_HASH_LEN);
    }
    return g_steal_pointer(&hashes);
}
/* @end sync-hashes-after */
