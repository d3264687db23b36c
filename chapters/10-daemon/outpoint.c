/* outpoint.c: outpoints as hash table keys, compared as bytes. */
#include "outpoint.h"

#include <string.h>

void outpoint_init(Outpoint *outpoint, const guint8 txid[BC_HASH_LEN], gint32 index)
{
    memcpy(outpoint->txid, txid, BC_HASH_LEN);
    outpoint->index = index;
}

Outpoint *outpoint_new(const guint8 txid[BC_HASH_LEN], gint32 index)
{
    Outpoint *outpoint = g_new(Outpoint, 1);
    outpoint_init(outpoint, txid, index);
    return outpoint;
}

/* @excerpt outpoint-hash */
/* FNV-1a over every byte of the ID and of the index. A real ID is a SHA-256, already well
 * spread, but an input may name any 32 bytes it likes: hashing only a few of them would let
 * one transaction's inputs all fall in one bucket. */
guint outpoint_hash(gconstpointer key)
{
    const Outpoint *outpoint = key;
    guint32 hash = 2166136261u;
    for (gsize i = 0; i < BC_HASH_LEN; i++)
        hash = (hash ^ outpoint->txid[i]) * 16777619u;
    guint32 index = (guint32)outpoint->index;
    for (gsize i = 0; i < sizeof index; i++, index >>= 8)
        hash = (hash ^ (index & 0xff)) * 16777619u;
    return hash;
}

gboolean outpoint_equal(gconstpointer a, gconstpointer b)
{
    const Outpoint *x = a, *y = b;
    return x->index == y->index && memcmp(x->txid, y->txid, BC_HASH_LEN) == 0;
}
/* @end outpoint-hash */

GHashTable *outpoint_set_new(void)
{
    return g_hash_table_new_full(outpoint_hash, outpoint_equal, g_free, NULL);
}
