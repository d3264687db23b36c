/* outpoint.h: an outpoint names one output, the one an input spends: the ID of the transaction
 * that made it and its index among that transaction's outputs (Bitcoin Core's COutPoint). It is
 * compared and hashed as bytes, so it is the key of every table of outputs, instead of a
 * "txid-in-hex:index" string built (and freed) for each comparison. */
#pragma once
#include <glib.h>

#include "bc_hash.h"

typedef struct {
    guint8 txid[BC_HASH_LEN];
    gint32 index;
} Outpoint;

/* Output INDEX of transaction TXID. */
void outpoint_init(Outpoint *outpoint, const guint8 txid[BC_HASH_LEN], gint32 index);
/* The same, as a copy of its own (g_free it), e.g. for a table that owns its keys. */
Outpoint *outpoint_new(const guint8 txid[BC_HASH_LEN], gint32 index);

/* A GHashFunc and a GEqualFunc over Outpoint keys: equal when the IDs' bytes and the indexes
 * are. */
guint outpoint_hash(gconstpointer outpoint);
gboolean outpoint_equal(gconstpointer a, gconstpointer b);

/* A set of outpoints: a GHashTable whose keys are Outpoints it owns (add outpoint_new's). */
GHashTable *outpoint_set_new(void);
