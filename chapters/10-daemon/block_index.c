/* block_index.c: the index of every stored block: height, cumulative work, status. */
#include "block_index.h"

#include <string.h>

#include "bc_error.h"
#include "bc_hex.h"
#include "proof_of_work.h"

#define ENTRY_LEN (4 + 8 + 1) /* height LE32, work LE64, status */

guint64 block_index_block_work(guint32 bits)
{
    g_assert(bits <= POW_MAX_TARGET_BITS); /* validation refuses other difficulties first */
    return G_GUINT64_CONSTANT(1) << bits;
}

gboolean block_index_get(Blockchain *bc, const guint8 hash[BC_HASH_LEN], BlockIndexEntry *out,
                         GError **error)
{
    g_autoptr(GBytes) raw = bc_store_get(bc->store, BLOCK_INDEX_PREFIX, hash, BC_HASH_LEN, error);
    if (raw == NULL)
        return FALSE;
    const guint8 *p = g_bytes_get_data(raw, NULL);
    guint32 height;
    guint64 work;
    if (g_bytes_get_size(raw) != ENTRY_LEN || p[12] > BLOCK_INDEX_INVALID) {
        g_autofree gchar *hex = bc_hex_encode(hash, BC_HASH_LEN);
        g_set_error(error, BC_ERROR, BC_ERROR_CORRUPT, "the index entry of block %s is damaged",
                    hex);
        return FALSE;
    }
    memcpy(&height, p, 4);
    memcpy(&work, p + 4, 8);
    out->height = (gint32)GUINT32_FROM_LE(height);
    out->work = GUINT64_FROM_LE(work);
    out->status = p[12];
    return TRUE;
}

gboolean block_index_put(Blockchain *bc, const guint8 hash[BC_HASH_LEN],
                         const BlockIndexEntry *entry, GError **error)
{
    guint8 p[ENTRY_LEN];
    guint32 height = GUINT32_TO_LE((guint32)entry->height);
    guint64 work = GUINT64_TO_LE(entry->work);
    memcpy(p, &height, 4);
    memcpy(p + 4, &work, 8);
    p[12] = (guint8)entry->status;
    g_autoptr(GBytes) raw = g_bytes_new(p, sizeof p);
    return bc_store_put(bc->store, BLOCK_INDEX_PREFIX, hash, BC_HASH_LEN, raw, error);
}

/* @excerpt block-index-work */
gboolean block_index_entry_for(Blockchain *bc, const Block *block, BlockIndexEntry *out,
                               GError **error)
{
    static const guint8 no_parent[BC_HASH_LEN] = {0};
    BlockIndexEntry parent = {.height = -1, .work = 0, .status = BLOCK_INDEX_VALID};
    if (memcmp(block->prev_hash, no_parent, BC_HASH_LEN) != 0 &&
        !block_index_get(bc, block->prev_hash, &parent, error))
        return FALSE;
    out->height = parent.height + 1;
    out->work = parent.work + block_index_block_work(block->bits);
    /* A block after an invalid one is invalid too: its branch can never be connected. */
    out->status = parent.status == BLOCK_INDEX_INVALID ? BLOCK_INDEX_INVALID : BLOCK_INDEX_STORED;
    return TRUE;
}

gboolean block_index_better(guint64 candidate, guint64 tip)
{
    return candidate > tip; /* equal work: first seen wins */
}
/* @end block-index-work */

/* The full scan: the not-invalid entry with most work, the tip winning ties (GDBM's order is no
 * order). It reads every key of the chain's file: only when the best record cannot be trusted. */
typedef struct {
    guint8 best[BC_HASH_LEN];
    guint64 work;
    GError *error;
} BestContext;

static gboolean consider(const guint8 *key, gsize key_len, GBytes *value, gpointer user_data)
{
    BestContext *ctx = user_data;
    const guint8 *p = g_bytes_get_data(value, NULL);
    if (key_len != BC_HASH_LEN || g_bytes_get_size(value) != ENTRY_LEN) {
        g_set_error(&ctx->error, BC_ERROR, BC_ERROR_CORRUPT, "a damaged block index entry");
        return FALSE;
    }
    guint64 work;
    memcpy(&work, p + 4, 8);
    work = GUINT64_FROM_LE(work);
    if (p[12] != BLOCK_INDEX_INVALID && block_index_better(work, ctx->work)) {
        memcpy(ctx->best, key, BC_HASH_LEN);
        ctx->work = work;
    }
    return TRUE;
}

static gboolean scan_best(Blockchain *bc, guint8 out[BC_HASH_LEN], GError **error)
{
    BestContext ctx = {0};
    BlockIndexEntry tip;
    if (!block_index_get(bc, bc->tip, &tip, error))
        return FALSE;
    memcpy(ctx.best, bc->tip, BC_HASH_LEN);
    ctx.work = tip.work;
    if (!bc_store_foreach(bc->store, BLOCK_INDEX_PREFIX, consider, &ctx, error))
        return FALSE;
    if (ctx.error != NULL) {
        g_propagate_error(error, ctx.error);
        return FALSE;
    }
    memcpy(out, ctx.best, BC_HASH_LEN);
    return TRUE;
}

gboolean block_index_set_best(Blockchain *bc, const guint8 hash[BC_HASH_LEN], GError **error)
{
    g_autoptr(GBytes) raw = g_bytes_new(hash, BC_HASH_LEN);
    return bc_store_put(bc->store, BLOCK_INDEX_BEST_KEY, NULL, 0, raw, error);
}

/* @excerpt block-index-best */
gboolean block_index_best(Blockchain *bc, guint8 out[BC_HASH_LEN], BlockIndexEntry *entry,
                          GError **error)
{
    /* Two reads, the record and its entry, whatever the index holds. */
    g_autoptr(GError) local = NULL;
    g_autoptr(GBytes) raw = bc_store_get(bc->store, BLOCK_INDEX_BEST_KEY, NULL, 0, &local);
    if (raw != NULL && g_bytes_get_size(raw) == BC_HASH_LEN) {
        memcpy(out, g_bytes_get_data(raw, NULL), BC_HASH_LEN);
        if (block_index_get(bc, out, entry, &local) && entry->status != BLOCK_INDEX_INVALID)
            return TRUE;
    }
    /* No record, one naming a block without an entry (a crash between the two writes), or one
     * whose branch was found invalid since: the full scan, once, and the record is right again.
     * A peer can cause it only with a branch that has more work than ours and breaks a rule: one
     * scan of the index per such branch, each costing it the proof of work of the blocks that
     * outweigh ours. */
    if (local != NULL && !g_error_matches(local, BC_ERROR, BC_ERROR_NOT_FOUND)) {
        g_propagate_error(error, g_steal_pointer(&local));
        return FALSE;
    }
    g_printerr("the record of the block with most work is %s: scanning the block index\n",
               raw == NULL ? "missing" : "out of date");
    return scan_best(bc, out, error) && block_index_get(bc, out, entry, error) &&
           block_index_set_best(bc, out, error);
}

gboolean block_index_add(Blockchain *bc, const guint8 hash[BC_HASH_LEN],
                         const BlockIndexEntry *entry, GError **error)
{
    /* The best record before the entry: a crash between the two leaves a record naming a block
     * without an entry, which block_index_best sees; the other order would leave a block with
     * more work than the tip that no record names, and nobody would look for it. */
    guint8 best[BC_HASH_LEN];
    BlockIndexEntry best_entry;
    if (entry->status != BLOCK_INDEX_INVALID) {
        if (!block_index_best(bc, best, &best_entry, error))
            return FALSE;
        if (block_index_better(entry->work, best_entry.work) &&
            !block_index_set_best(bc, hash, error))
            return FALSE;
    }
    return block_index_put(bc, hash, entry, error);
}
/* @end block-index-best */
