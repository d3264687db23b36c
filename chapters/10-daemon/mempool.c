/* mempool.c: pending transactions by ID, in arrival order, with the outputs they spend. */
#include "mempool.h"

#include <string.h>

#include "bc_error.h"
#include "bc_hex.h"

typedef struct {
    guint8 txid[BC_HASH_LEN];
    gchar *key; /* the txid in hex: the key of by_txid, as the Go original keys its map */
    GBytes *tx;
    Outpoint *spends; /* the outputs it spends, the keys of spent */
    gsize n_spends;
    GList *link; /* its place in the arrival queue */
} Entry;

struct Mempool {
    GHashTable *by_txid; /* hex txid -> Entry, which it owns */
    GHashTable *spent;   /* Outpoint -> the Entry spending that output */
    GQueue arrival;      /* Entry, oldest first */
};

static void entry_free(Entry *entry)
{
    g_free(entry->key);
    g_bytes_unref(entry->tx);
    g_free(entry->spends);
    g_free(entry);
}

/* OUTPOINT as "txid:index", for messages only: tables compare Outpoints as bytes. */
static gchar *describe(const Outpoint *outpoint)
{
    g_autofree gchar *hex = bc_hex_encode(outpoint->txid, BC_HASH_LEN);
    return g_strdup_printf("%s:%d", hex, outpoint->index);
}

Mempool *mempool_new(void)
{
    Mempool *pool = g_new0(Mempool, 1);
    pool->by_txid =
        g_hash_table_new_full(g_str_hash, g_str_equal, NULL, (GDestroyNotify)entry_free);
    pool->spent = g_hash_table_new(outpoint_hash, outpoint_equal);
    g_queue_init(&pool->arrival);
    return pool;
}

void mempool_free(Mempool *pool)
{
    if (pool == NULL)
        return;
    g_queue_clear(&pool->arrival);
    g_hash_table_unref(pool->spent); /* its keys belong to the entries: drop it first */
    g_hash_table_unref(pool->by_txid);
    g_free(pool);
}

static Entry *lookup(Mempool *pool, const guint8 txid[BC_HASH_LEN])
{
    g_autofree gchar *key = bc_hex_encode(txid, BC_HASH_LEN);
    return g_hash_table_lookup(pool->by_txid, key);
}

/* @excerpt mempool-add */
gboolean mempool_add(Mempool *pool, const guint8 txid[BC_HASH_LEN], GBytes *tx,
                     const Outpoint *spends, gsize n_spends, GError **error)
{
    g_autofree gchar *key = bc_hex_encode(txid, BC_HASH_LEN);
    if (g_hash_table_contains(pool->by_txid, key)) {
        g_set_error(error, BC_ERROR, BC_ERROR_EXISTS, "transaction %s is already in the mempool",
                    key);
        return FALSE;
    }
    if (g_hash_table_size(pool->by_txid) >= MEMPOOL_MAX_TRANSACTIONS) {
        g_set_error(error, BC_ERROR, BC_ERROR_TOO_LARGE, "the mempool is full (%d transactions)",
                    MEMPOOL_MAX_TRANSACTIONS);
        return FALSE;
    }
    if (n_spends == 0) {
        g_set_error(error, BC_ERROR, BC_ERROR_INVALID, "transaction %s spends nothing", key);
        return FALSE;
    }
    /* Check every input before changing anything, so a refused transaction leaves no trace. */
    g_autoptr(GHashTable) seen = g_hash_table_new(outpoint_hash, outpoint_equal); /* its own */
    for (gsize i = 0; i < n_spends; i++) {
        if (spends[i].index < 0) {
            g_set_error(error, BC_ERROR, BC_ERROR_INVALID,
                        "transaction %s spends an output with a negative index", key);
            return FALSE;
        }
        if (!g_hash_table_add(seen, (gpointer)&spends[i])) {
            g_autofree gchar *spent = describe(&spends[i]);
            g_set_error(error, BC_ERROR, BC_ERROR_INVALID, "transaction %s spends output %s twice",
                        key, spent);
            return FALSE;
        }
        Entry *other = g_hash_table_lookup(pool->spent, &spends[i]);
        if (other != NULL) {
            g_autofree gchar *spent = describe(&spends[i]);
            g_set_error(error, BC_ERROR, BC_ERROR_INVALID,
                        "transaction %s spends output %s, already spent by pooled transaction %s",
                        key, spent, other->key);
            return FALSE;
        }
    }

    Entry *entry = g_new0(Entry, 1);
    memcpy(entry->txid, txid, BC_HASH_LEN);
    entry->key = g_steal_pointer(&key);
    entry->tx = g_bytes_ref(tx);
    entry->spends = g_memdup2(spends, n_spends * sizeof *spends);
    entry->n_spends = n_spends;
    for (gsize i = 0; i < entry->n_spends; i++)
        g_hash_table_insert(pool->spent, &entry->spends[i], entry);
    g_queue_push_tail(&pool->arrival, entry);
    entry->link = g_queue_peek_tail_link(&pool->arrival);
    g_hash_table_insert(pool->by_txid, entry->key, entry);
    return TRUE;
}
/* @end mempool-add */

gboolean mempool_remove(Mempool *pool, const guint8 txid[BC_HASH_LEN])
{
    Entry *entry = lookup(pool, txid);
    if (entry == NULL)
        return FALSE;
    for (gsize i = 0; i < entry->n_spends; i++)
        g_hash_table_remove(pool->spent, &entry->spends[i]);
    g_queue_delete_link(&pool->arrival, entry->link);
    g_hash_table_remove(pool->by_txid, entry->key); /* frees the entry */
    return TRUE;
}

GBytes *mempool_get(Mempool *pool, const guint8 txid[BC_HASH_LEN])
{
    Entry *entry = lookup(pool, txid);
    return entry != NULL ? entry->tx : NULL;
}

gboolean mempool_contains(Mempool *pool, const guint8 txid[BC_HASH_LEN])
{
    return lookup(pool, txid) != NULL;
}

guint mempool_count(Mempool *pool)
{
    return g_hash_table_size(pool->by_txid);
}

const guint8 *mempool_spender(Mempool *pool, const Outpoint *outpoint)
{
    Entry *entry = g_hash_table_lookup(pool->spent, outpoint);
    return entry != NULL ? entry->txid : NULL;
}

void mempool_foreach(Mempool *pool, MempoolFunc func, gpointer user_data)
{
    for (GList *l = pool->arrival.head; l != NULL; l = l->next) {
        Entry *entry = l->data;
        if (!func(entry->txid, entry->tx, user_data))
            break;
    }
}
