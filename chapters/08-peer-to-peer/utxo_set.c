/* utxo_set.c: the unspent outputs of each transaction, by transaction ID. */
#include "utxo_set.h"

#include <string.h>

#include "bc_error.h"
#include "bc_hex.h"
#include "bc_variant.h"

/* @excerpt utxo-record */
/* A record: the unspent outputs of one transaction as (index, value, pubkey hash). The index
 * is the output's place in its transaction, which inputs refer to: it must survive when
 * earlier outputs are spent (the Go original renumbered them and sent later inputs to the
 * wrong output). */
#define UTXO_RECORD_TYPE "a(uxay)"
#define UTXO_RECORD_MAX_SIZE TRANSACTION_MAX_SIZE

GBytes *utxo_record_encode(GArray *outputs)
{
    GVariantBuilder b;
    g_variant_builder_init(&b, G_VARIANT_TYPE(UTXO_RECORD_TYPE));
    for (guint i = 0; i < outputs->len; i++) {
        const UnspentOutput *u = &g_array_index(outputs, UnspentOutput, i);
        g_variant_builder_add(&b, "(ux@ay)", (guint32)u->index, u->value,
                              bc_variant_new_bytes(u->pubkey_hash, BC_RIPEMD160_LEN));
    }
    return bc_variant_encode(g_variant_builder_end(&b));
}

/* The unspent outputs of transaction TXID in record RAW. */
GArray *utxo_record_decode(const guint8 txid[BC_HASH_LEN], GBytes *raw, GError **error)
{
    g_autoptr(GVariant) v = bc_variant_decode(raw, G_VARIANT_TYPE(UTXO_RECORD_TYPE),
                                              UTXO_RECORD_MAX_SIZE, "UTXO record", error);
    if (v == NULL)
        return NULL;
    g_autoptr(GArray) outputs = g_array_new(FALSE, FALSE, sizeof(UnspentOutput));
    gint64 previous = -1;
    for (gsize i = 0; i < g_variant_n_children(v); i++) {
        UnspentOutput u = {0};
        guint32 index = 0;
        g_autoptr(GVariant) hash = NULL;
        g_variant_get_child(v, i, "(ux@ay)", &index, &u.value, &hash);
        /* Only what a record can hold: increasing indexes (none counted twice) and the values a
         * valid transaction has (so that no sum of them overflows). */
        if (index > G_MAXINT32 || index <= previous || u.value <= 0 || u.value > G_MAXINT32) {
            g_set_error(error, BC_ERROR, BC_ERROR_CORRUPT,
                        "UTXO record with a bad output (index %u, value %" G_GINT64_FORMAT ")",
                        index, u.value);
            return NULL;
        }
        if (!bc_variant_get_fixed(hash, u.pubkey_hash, BC_RIPEMD160_LEN, "UTXO key hash", error))
            return NULL;
        previous = index;
        u.index = (gint32)index;
        memcpy(u.txid, txid, BC_HASH_LEN);
        g_array_append_val(outputs, u);
    }
    return g_steal_pointer(&outputs);
}
/* @end utxo-record */

static gboolean put_outputs(BcStore *store, const guint8 txid[BC_HASH_LEN], GArray *outputs,
                            GError **error)
{
    if (outputs->len == 0)
        return bc_store_delete(store, UTXO_PREFIX, txid, BC_HASH_LEN, error);
    g_autoptr(GBytes) raw = utxo_record_encode(outputs);
    return bc_store_put(store, UTXO_PREFIX, txid, BC_HASH_LEN, raw, error);
}

static gboolean collect_key(const guint8 *key, gsize key_len, GBytes *value, gpointer user_data)
{
    (void)value;
    g_ptr_array_add(user_data, g_bytes_new(key, key_len));
    return TRUE;
}

/* @excerpt utxo-reindex */
gboolean utxo_set_reindex(UtxoSet *set, guint *count, GError **error)
{
    BcStore *store = set->bc->store;
    /* The chain's unspent outputs, grouped by transaction (they come grouped already). Read
     * before anything is deleted: a chain that cannot be read leaves the old set as it was. */
    g_autoptr(GArray) all = blockchain_find_utxo(set->bc, error);
    if (all == NULL)
        return FALSE;
    /* Collect the old keys first: GDBM must not be changed while it is being iterated. */
    g_autoptr(GPtrArray) old = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
    if (!bc_store_foreach(store, UTXO_PREFIX, collect_key, old, error))
        return FALSE;
    for (guint i = 0; i < old->len; i++) {
        gsize len = 0;
        const guint8 *key = g_bytes_get_data(g_ptr_array_index(old, i), &len);
        if (!bc_store_delete(store, UTXO_PREFIX, key, len, error))
            return FALSE;
    }
    *count = 0;
    for (guint i = 0; i < all->len;) {
        const UnspentOutput *first = &g_array_index(all, UnspentOutput, i);
        g_autoptr(GArray) outputs = g_array_new(FALSE, FALSE, sizeof(UnspentOutput));
        for (; i < all->len; i++) {
            const UnspentOutput *u = &g_array_index(all, UnspentOutput, i);
            if (memcmp(u->txid, first->txid, BC_HASH_LEN) != 0)
                break;
            g_array_append_val(outputs, *u);
        }
        if (!put_outputs(store, first->txid, outputs, error))
            return FALSE;
        (*count)++;
    }
    return bc_store_sync(store, error);
}
/* @end utxo-reindex */

/* Removes output INDEX of transaction TXID from the set. */
static gboolean spend_output(BcStore *store, const guint8 txid[BC_HASH_LEN], gint32 index,
                             GError **error)
{
    g_autoptr(GBytes) raw = bc_store_get(store, UTXO_PREFIX, txid, BC_HASH_LEN, error);
    if (raw == NULL)
        return FALSE;
    g_autoptr(GArray) outputs = utxo_record_decode(txid, raw, error);
    if (outputs == NULL)
        return FALSE;
    for (guint i = 0; i < outputs->len; i++) {
        if (g_array_index(outputs, UnspentOutput, i).index == index) {
            g_array_remove_index(outputs, i);
            return put_outputs(store, txid, outputs, error);
        }
    }
    g_set_error(error, BC_ERROR, BC_ERROR_NOT_FOUND, "output %d is not in the UTXO set", index);
    return FALSE;
}

/* @excerpt utxo-update */
gboolean utxo_set_update(UtxoSet *set, const Block *block, GError **error)
{
    BcStore *store = set->bc->store;
    for (guint t = 0; t < block->transactions->len; t++) {
        const Transaction *tx = g_ptr_array_index(block->transactions, t);
        if (!transaction_is_coinbase(tx)) {
            for (guint i = 0; i < tx->vin->len; i++) {
                const TxInput *in = g_ptr_array_index(tx->vin, i);
                if (!spend_output(store, in->txid, in->vout, error))
                    return FALSE;
            }
        }
        g_autoptr(GArray) outputs = g_array_new(FALSE, FALSE, sizeof(UnspentOutput));
        for (guint i = 0; i < tx->vout->len; i++) {
            const TxOutput *out = g_ptr_array_index(tx->vout, i);
            UnspentOutput u = {.index = (gint32)i, .value = out->value};
            memcpy(u.txid, tx->id, BC_HASH_LEN);
            memcpy(u.pubkey_hash, out->pubkey_hash, BC_RIPEMD160_LEN);
            g_array_append_val(outputs, u);
        }
        if (!put_outputs(store, tx->id, outputs, error))
            return FALSE;
    }
    return bc_store_sync(store, error);
}
/* @end utxo-update */

/* @excerpt utxo-check */
static gboolean is_unspent(BcStore *store, const TxInput *in, GError **error)
{
    g_autoptr(GError) local = NULL;
    g_autoptr(GBytes) raw = bc_store_get(store, UTXO_PREFIX, in->txid, BC_HASH_LEN, &local);
    if (raw == NULL) {
        if (g_error_matches(local, BC_ERROR, BC_ERROR_NOT_FOUND))
            return FALSE;
        g_propagate_error(error, g_steal_pointer(&local));
        return FALSE;
    }
    g_autoptr(GArray) outputs = utxo_record_decode(in->txid, raw, error);
    for (guint i = 0; outputs != NULL && i < outputs->len; i++)
        if (g_array_index(outputs, UnspentOutput, i).index == in->vout)
            return TRUE;
    return FALSE;
}

/* A transaction ID seen twice, in the block or in the set, would be one record for two
 * transactions: the set would count it once and a reindex twice. */
static gboolean is_new(BcStore *store, GHashTable *ids, const Transaction *tx, GError **error)
{
    g_autofree gchar *hex = bc_hex_encode(tx->id, BC_HASH_LEN);
    if (g_hash_table_contains(ids, hex) ||
        bc_store_contains(store, UTXO_PREFIX, tx->id, BC_HASH_LEN)) {
        g_set_error(error, BC_ERROR, BC_ERROR_INVALID, "transaction %s is there already", hex);
        return FALSE;
    }
    g_hash_table_add(ids, g_steal_pointer(&hex));
    return TRUE;
}

gboolean utxo_set_check_unspent(UtxoSet *set, GPtrArray *transactions, GError **error)
{
    g_autoptr(GHashTable) spent = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autoptr(GHashTable) ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (guint t = 0; t < transactions->len; t++) {
        const Transaction *tx = g_ptr_array_index(transactions, t);
        if (!is_new(set->bc->store, ids, tx, error))
            return FALSE;
        if (transaction_is_coinbase(tx))
            continue;
        for (guint i = 0; i < tx->vin->len; i++) {
            const TxInput *in = g_ptr_array_index(tx->vin, i);
            g_autofree gchar *hex = bc_hex_encode(in->txid, BC_HASH_LEN);
            gchar *outpoint = g_strdup_printf("%s:%d", hex, in->vout);
            gboolean first_time = g_hash_table_add(spent, outpoint);
            GError *local = NULL;
            if (!first_time || !is_unspent(set->bc->store, in, &local)) {
                if (local != NULL) {
                    g_propagate_error(error, local);
                    return FALSE;
                }
                g_set_error(error, BC_ERROR, BC_ERROR_INVALID,
                            "output %s:%d is spent already: a double spend", hex, in->vout);
                return FALSE;
            }
        }
    }
    return TRUE;
}
/* @end utxo-check */

typedef struct {
    const guint8 *pubkey_hash;
    GArray *found;
    GError *error;
} FindContext;

static gboolean find_in_record(const guint8 *key, gsize key_len, GBytes *value, gpointer user_data)
{
    FindContext *ctx = user_data;
    if (key_len != BC_HASH_LEN) {
        g_set_error(&ctx->error, BC_ERROR, BC_ERROR_CORRUPT, "UTXO record with a bad key");
        return FALSE;
    }
    g_autoptr(GArray) outputs = utxo_record_decode(key, value, &ctx->error);
    if (outputs == NULL)
        return FALSE;
    for (guint i = 0; i < outputs->len; i++) {
        const UnspentOutput *u = &g_array_index(outputs, UnspentOutput, i);
        if (memcmp(u->pubkey_hash, ctx->pubkey_hash, BC_RIPEMD160_LEN) == 0)
            g_array_append_val(ctx->found, *u);
    }
    return TRUE;
}

GArray *utxo_set_find_unspent(UtxoSet *set, const guint8 pubkey_hash[BC_RIPEMD160_LEN],
                              GError **error)
{
    g_autoptr(GArray) found = g_array_new(FALSE, FALSE, sizeof(UnspentOutput));
    FindContext ctx = {pubkey_hash, found, NULL};
    if (!bc_store_foreach(set->bc->store, UTXO_PREFIX, find_in_record, &ctx, error))
        return NULL;
    if (ctx.error != NULL) {
        g_propagate_error(error, ctx.error);
        return NULL;
    }
    return g_steal_pointer(&found);
}

static gboolean count_record(const guint8 *key, gsize key_len, GBytes *value, gpointer user_data)
{
    (void)key, (void)key_len, (void)value;
    (*(guint *)user_data)++;
    return TRUE;
}

gboolean utxo_set_count_transactions(UtxoSet *set, guint *count, GError **error)
{
    *count = 0;
    return bc_store_foreach(set->bc->store, UTXO_PREFIX, count_record, count, error);
}
