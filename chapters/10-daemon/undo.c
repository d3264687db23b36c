/* undo.c: the spent outputs of each block, kept so that a reorganisation can restore them. */
#include "undo.h"

#include <string.h>

#include "bc_error.h"
#include "bc_variant.h"
#include "utxo_set.h"

/* @excerpt undo-record */
/* One entry per input: the output it spent, as the UTXO set held it (transaction ID, index,
 * value, key hash). An input takes more bytes in its block than its entry here, so no valid
 * block has an undo record over BLOCK_MAX_SIZE. */
#define UNDO_TYPE "a(ayuxay)"
#define UNDO_MAX_SIZE BLOCK_MAX_SIZE

GArray *undo_collect(Blockchain *bc, const Block *block, GError **error)
{
    UtxoSet set = {bc};
    g_autoptr(GArray) undo = g_array_new(FALSE, FALSE, sizeof(UnspentOutput));
    for (guint t = 0; t < block->transactions->len; t++) {
        const Transaction *tx = g_ptr_array_index(block->transactions, t);
        if (transaction_is_coinbase(tx))
            continue;
        for (guint i = 0; i < tx->vin->len; i++) {
            const TxInput *in = g_ptr_array_index(tx->vin, i);
            UnspentOutput u;
            if (!utxo_set_find_output(&set, in->txid, in->vout, &u, error))
                return NULL;
            g_array_append_val(undo, u);
        }
    }
    return g_steal_pointer(&undo);
}
/* @end undo-record */

GBytes *undo_encode(GArray *undo)
{
    GVariantBuilder b;
    g_variant_builder_init(&b, G_VARIANT_TYPE(UNDO_TYPE));
    for (guint i = 0; i < undo->len; i++) {
        const UnspentOutput *u = &g_array_index(undo, UnspentOutput, i);
        g_variant_builder_add(&b, "(@ayux@ay)", bc_variant_new_bytes(u->txid, BC_HASH_LEN),
                              (guint32)u->index, u->value,
                              bc_variant_new_bytes(u->pubkey_hash, BC_RIPEMD160_LEN));
    }
    return bc_variant_encode(g_variant_builder_end(&b));
}

GArray *undo_decode(GBytes *raw, GError **error)
{
    g_autoptr(GVariant) v =
        bc_variant_decode(raw, G_VARIANT_TYPE(UNDO_TYPE), UNDO_MAX_SIZE, "undo record", error);
    if (v == NULL)
        return NULL;
    g_autoptr(GArray) undo = g_array_new(FALSE, FALSE, sizeof(UnspentOutput));
    for (gsize i = 0; i < g_variant_n_children(v); i++) {
        UnspentOutput u = {0};
        guint32 index = 0;
        g_autoptr(GVariant) txid = NULL, hash = NULL;
        g_variant_get_child(v, i, "(@ayux@ay)", &txid, &index, &u.value, &hash);
        /* Only what the UTXO set can hold (see utxo_record_decode). */
        if (index > G_MAXINT32 || u.value <= 0 || u.value > G_MAXINT32) {
            g_set_error(error, BC_ERROR, BC_ERROR_CORRUPT, "undo record with a bad output");
            return NULL;
        }
        if (!bc_variant_get_fixed(txid, u.txid, BC_HASH_LEN, "undo record's ID", error) ||
            !bc_variant_get_fixed(hash, u.pubkey_hash, BC_RIPEMD160_LEN, "undo key hash", error))
            return NULL;
        u.index = (gint32)index;
        g_array_append_val(undo, u);
    }
    return g_steal_pointer(&undo);
}

gboolean undo_write(Blockchain *bc, const guint8 hash[BC_HASH_LEN], GArray *undo, GError **error)
{
    g_autoptr(GBytes) raw = undo_encode(undo);
    return bc_store_put(bc->store, UNDO_PREFIX, hash, BC_HASH_LEN, raw, error);
}

GArray *undo_read(Blockchain *bc, const guint8 hash[BC_HASH_LEN], GError **error)
{
    g_autoptr(GBytes) raw = bc_store_get(bc->store, UNDO_PREFIX, hash, BC_HASH_LEN, error);
    return raw == NULL ? NULL : undo_decode(raw, error);
}
