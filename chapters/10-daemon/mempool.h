/* mempool.h: the transactions a node has received but not yet seen in a block (chapter 7).
 * Keyed by transaction ID, kept in arrival order, and guarded against the simplest double
 * spend: two pooled transactions that spend the same output. The transactions themselves are
 * opaque bytes here; the caller passes each one's ID and the outputs its inputs spend. */
#pragma once
#include <glib.h>

#include "bc_hash.h"
#include "outpoint.h"

#define MEMPOOL_MAX_TRANSACTIONS 5000 /* a full pool refuses more instead of growing forever */

typedef struct Mempool Mempool;

Mempool *mempool_new(void);
void mempool_free(Mempool *pool);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Mempool, mempool_free)

/* Adds TX, the serialized transaction with ID TXID whose inputs spend the N_SPENDS outputs in
 * SPENDS. On error the pool is unchanged:
 * BC_ERROR_EXISTS: TXID is already in the pool;
 * BC_ERROR_INVALID: it spends nothing (a coinbase never belongs here), an output index is
 * negative, it spends one output twice, or it spends an output a pooled transaction spends;
 * BC_ERROR_TOO_LARGE: the pool already holds MEMPOOL_MAX_TRANSACTIONS. */
gboolean mempool_add(Mempool *pool, const guint8 txid[BC_HASH_LEN], GBytes *tx,
                     const Outpoint *spends, gsize n_spends, GError **error);

/* Removes TXID and frees the outputs it spent; FALSE when it was not in the pool. */
gboolean mempool_remove(Mempool *pool, const guint8 txid[BC_HASH_LEN]);

/* The transaction with ID TXID (owned by the pool, valid until it is removed), or NULL. */
GBytes *mempool_get(Mempool *pool, const guint8 txid[BC_HASH_LEN]);
gboolean mempool_contains(Mempool *pool, const guint8 txid[BC_HASH_LEN]);
guint mempool_count(Mempool *pool);

/* The ID of the pooled transaction that spends OUTPOINT (owned by the pool), or NULL. When a
 * block arrives, this finds the pooled transactions its transactions conflict with. */
const guint8 *mempool_spender(Mempool *pool, const Outpoint *outpoint);

/* Calls FUNC for each transaction, oldest first, until it returns FALSE. FUNC must not add or
 * remove: collect the IDs, then remove them after the walk. */
typedef gboolean (*MempoolFunc)(const guint8 txid[BC_HASH_LEN], GBytes *tx, gpointer user_data);
void mempool_foreach(Mempool *pool, MempoolFunc func, gpointer user_data);
