/* chain_state.c: the best chain: accepting blocks anywhere, reorganising onto more work. */
#include "chain_state.h"

#include <string.h>

#include "bc_error.h"
#include "bc_hex.h"
#include "block_index.h"
#include "undo.h"
#include "utxo_set.h"
#include "validation.h"

void chain_change_init(ChainChange *change)
{
    change->disconnected = g_ptr_array_new_with_free_func((GDestroyNotify)block_free);
    change->connected = g_ptr_array_new_with_free_func((GDestroyNotify)block_free);
    change->too_deep = 0;
}

void chain_change_clear(ChainChange *change)
{
    g_clear_pointer(&change->disconnected, g_ptr_array_unref);
    g_clear_pointer(&change->connected, g_ptr_array_unref);
}

/* Whether HASH, indexed as ENTRY, is on our chain: the height index names it at its height. */
static gboolean on_chain(Blockchain *bc, const guint8 hash[BC_HASH_LEN],
                         const BlockIndexEntry *entry, GError **error)
{
    guint8 at[BC_HASH_LEN];
    if (entry->height > bc->height)
        return FALSE;
    if (!blockchain_get_hash_at(bc, entry->height, at, error))
        return FALSE;
    return memcmp(at, hash, BC_HASH_LEN) == 0;
}

/* @excerpt find-fork */
/* The blocks of TARGET's branch that are not on our chain, newest first, in BRANCH (hashes);
 * the fork point is the parent of the last. One index read per block of the branch: the
 * branch is at most as long as the stored blocks. */
static gboolean find_fork(Blockchain *bc, const guint8 target[BC_HASH_LEN], GByteArray *branch,
                          GError **error)
{
    guint8 hash[BC_HASH_LEN];
    memcpy(hash, target, BC_HASH_LEN);
    for (;;) {
        BlockIndexEntry entry;
        GError *local = NULL;
        if (!block_index_get(bc, hash, &entry, error))
            return FALSE;
        if (on_chain(bc, hash, &entry, &local))
            return TRUE;
        if (local != NULL) {
            g_propagate_error(error, local);
            return FALSE;
        }
        g_byte_array_append(branch, hash, BC_HASH_LEN);
        g_autoptr(Block) block = blockchain_get_block(bc, hash, error);
        if (block == NULL)
            return FALSE;
        memcpy(hash, block->prev_hash, BC_HASH_LEN);
    }
}
/* @end find-fork */

/* Marks HASH and the blocks after it on BRANCH (newest first, HASH at byte offset AT) invalid. */
static gboolean mark_invalid(Blockchain *bc, const GByteArray *branch, guint at, GError **error)
{
    for (gint i = (gint)at; i >= 0; i -= BC_HASH_LEN) {
        BlockIndexEntry entry;
        if (!block_index_get(bc, branch->data + i, &entry, error))
            return FALSE;
        entry.status = BLOCK_INDEX_INVALID;
        if (!block_index_put(bc, branch->data + i, &entry, error))
            return FALSE;
    }
    return TRUE;
}

/* Takes blocks off until the tip is HASH, keeping them (tip first) in OFF. */
static gboolean disconnect_to(Blockchain *bc, const guint8 hash[BC_HASH_LEN], GPtrArray *off,
                              GError **error)
{
    while (memcmp(bc->tip, hash, BC_HASH_LEN) != 0) {
        Block *block = blockchain_get_block(bc, bc->tip, error);
        if (block == NULL)
            return FALSE;
        g_ptr_array_add(off, block);
        if (!blockchain_disconnect_tip(bc, error))
            return FALSE;
    }
    return TRUE;
}

/* @excerpt reorganise */
gboolean chain_state_activate(Blockchain *bc, const guint8 target[BC_HASH_LEN], ChainChange *change,
                              GError **error)
{
    BlockIndexEntry best, tip;
    if (!block_index_get(bc, target, &best, error) || !block_index_get(bc, bc->tip, &tip, error))
        return FALSE;
    if (best.status == BLOCK_INDEX_INVALID || !block_index_better(best.work, tip.work))
        return TRUE;
    g_autoptr(GByteArray) branch = g_byte_array_new();
    if (!find_fork(bc, target, branch, error))
        return FALSE;
    /* The fork point: the parent of the branch's oldest block. */
    g_autoptr(Block) oldest =
        blockchain_get_block(bc, branch->data + branch->len - BC_HASH_LEN, error);
    if (oldest == NULL)
        return FALSE;
    /* The protection against a long branch mined in secret (-maxreorg): it stays stored, and
     * is followed only if it comes back within reach. */
    gint32 depth = bc->height - (oldest->height - 1);
    if (bc->max_reorg_depth > 0 && depth > bc->max_reorg_depth) {
        change->too_deep = depth;
        return TRUE;
    }
    if (!disconnect_to(bc, oldest->prev_hash, change->disconnected, error))
        return FALSE;
    for (gint i = (gint)branch->len - BC_HASH_LEN; i >= 0; i -= BC_HASH_LEN) {
        g_autoptr(Block) block = blockchain_get_block(bc, branch->data + i, error);
        if (block == NULL)
            return FALSE;
        g_autoptr(GError) local = NULL;
        if (!validation_check_connect(bc, block, &local) ||
            !blockchain_add_block(bc, block, &local)) {
            if (!g_error_matches(local, BC_ERROR, BC_ERROR_INVALID)) {
                g_propagate_error(error, g_steal_pointer(&local));
                return FALSE;
            }
            /* The branch is bad from this block on: back to the old chain, which was valid. */
            guint8 fork[BC_HASH_LEN];
            memcpy(fork, oldest->prev_hash, BC_HASH_LEN);
            if (!mark_invalid(bc, branch, (guint)i, error))
                return FALSE;
            g_autoptr(GPtrArray) undone =
                g_ptr_array_new_with_free_func((GDestroyNotify)block_free);
            if (!disconnect_to(bc, fork, undone, error))
                return FALSE;
            for (guint j = change->disconnected->len; j-- > 0;)
                if (!blockchain_add_block(bc, g_ptr_array_index(change->disconnected, j), error))
                    return FALSE;
            g_ptr_array_set_size(change->disconnected, 0);
            g_ptr_array_set_size(change->connected, 0);
            g_propagate_error(error, g_steal_pointer(&local));
            return FALSE;
        }
        g_ptr_array_add(change->connected, g_steal_pointer(&block));
    }
    return TRUE;
}
/* @end reorganise */

/* @excerpt accept-block */
gboolean chain_state_accept_block(Blockchain *bc, const Block *block, ChainChange *change,
                                  GError **error)
{
    if (!validation_check_header(bc, block, error))
        return FALSE;
    /* On the tip: checked in full before anything is stored, as in chapter 8. */
    if (memcmp(block->prev_hash, bc->tip, BC_HASH_LEN) == 0) {
        if (!validation_check_connect(bc, block, error) || !blockchain_add_block(bc, block, error))
            return FALSE;
        g_ptr_array_add(change->connected, block_copy(block));
        return TRUE;
    }
    /* Elsewhere: stored with its index entry (block first: an entry never names a missing
     * block), and connected only if its branch ever has more work than ours. */
    BlockIndexEntry entry;
    if (!block_index_entry_for(bc, block, &entry, error) ||
        !blockchain_store_block(bc, block, error) ||
        !block_index_add(bc, block->hash, &entry, error))
        return FALSE;
    return chain_state_activate(bc, block->hash, change, error);
}
/* @end accept-block */

/* Whether block HASH has undo data: FALSE with a reason in *WHY when it has none, or with an
 * error when the file cannot be read. */
static gboolean has_undo(Blockchain *bc, const guint8 hash[BC_HASH_LEN], gchar **why,
                         GError **error)
{
    g_autoptr(GError) local = NULL;
    if (bc_store_contains(bc->store, UNDO_PREFIX, hash, BC_HASH_LEN, &local))
        return TRUE;
    if (local != NULL) {
        g_propagate_error(error, g_steal_pointer(&local));
        return FALSE;
    }
    g_autofree gchar *hex = bc_hex_encode(hash, BC_HASH_LEN);
    *why = g_strdup_printf("block %s has no undo data", hex);
    return FALSE;
}

/* The path from block AT, which the set's marker names, to the tip: the blocks to take off, AT
 * first, down to the tip's chain (in OFF), then the heights of the tip's chain to put on, from
 * *FROM to the tip. A reason in *WHY when the path cannot be rolled: a block not in the index
 * or without undo data. Reads two records per block of the path (index entry or height, and
 * the undo's presence), one block per block taken off. */
static gboolean roll_path(Blockchain *bc, const guint8 at[BC_HASH_LEN], GByteArray *off,
                          gint32 *from, gchar **why, GError **error)
{
    guint8 hash[BC_HASH_LEN];
    memcpy(hash, at, BC_HASH_LEN);
    for (;;) {
        BlockIndexEntry entry;
        g_autoptr(GError) local = NULL;
        g_autofree gchar *hex = bc_hex_encode(hash, BC_HASH_LEN);
        if (!block_index_get(bc, hash, &entry, &local)) {
            if (!g_error_matches(local, BC_ERROR, BC_ERROR_NOT_FOUND)) {
                g_propagate_error(error, g_steal_pointer(&local));
                return FALSE;
            }
            *why = g_strdup_printf("block %s is not in the index", hex);
            return TRUE;
        }
        if (on_chain(bc, hash, &entry, &local)) {
            *from = entry.height + 1;
            break;
        }
        if (local != NULL) {
            g_propagate_error(error, g_steal_pointer(&local));
            return FALSE;
        }
        if (!has_undo(bc, hash, why, error))
            return *why != NULL;
        g_byte_array_append(off, hash, BC_HASH_LEN);
        g_autoptr(Block) block = blockchain_get_block(bc, hash, error);
        if (block == NULL)
            return FALSE;
        memcpy(hash, block->prev_hash, BC_HASH_LEN);
    }
    for (gint32 h = *from; h <= bc->height; h++) {
        if (!blockchain_get_hash_at(bc, h, hash, error))
            return FALSE;
        if (!has_undo(bc, hash, why, error))
            return *why != NULL;
    }
    return TRUE;
}

/* One step of the roll: block HASH off the set or on it. Only the first step may find its
 * block half moved (a crash in the middle of a move); the next ones start from a set exactly at
 * a block, and are checked as a normal move is. */
static gboolean roll_step(Blockchain *bc, const guint8 hash[BC_HASH_LEN], gboolean connect,
                          gboolean first, GError **error)
{
    UtxoSet set = {bc};
    g_autoptr(Block) block = blockchain_get_block(bc, hash, error);
    g_autoptr(GArray) undo = block != NULL ? undo_read(bc, hash, error) : NULL;
    return undo != NULL && utxo_set_roll(&set, block, undo, connect, first, error);
}

/* @excerpt roll-set */
/* The set's marker is not the tip's: a crash between the tip's move and the set's. The set is
 * taken back from the marker's block to the tip's chain and forward along it to the tip, each
 * block with its undo data, so that the cost is proportional to the distance between the
 * marker and the tip (a block and its undo record per step), not to the chain. Each step writes
 * only records and then the marker, as a normal move does: a crash in the roll leaves a marker
 * on the same path, and the next open rolls on from there. The rebuild from the whole chain is
 * left for a set whose path cannot be rolled. */
static gboolean roll_set(Blockchain *bc, GError **error)
{
    if (bc->chainstate_stale == NULL)
        return TRUE;
    guint8 at[BC_HASH_LEN];
    g_autoptr(GByteArray) off = g_byte_array_new();
    gint32 from = 0;
    g_autofree gchar *why = NULL;
    g_autoptr(GError) local = NULL;
    if (!utxo_set_marker_block(bc, at, error) || !roll_path(bc, at, off, &from, &why, error))
        return FALSE;
    g_autofree gchar *stale = g_strdup(bc->chainstate_stale); /* the roll's last step clears it */
    gboolean first = TRUE;
    for (guint i = 0; why == NULL && i < off->len; i += BC_HASH_LEN, first = FALSE)
        if (!roll_step(bc, off->data + i, FALSE, first, &local))
            break;
    for (gint32 h = from; why == NULL && local == NULL && h <= bc->height; h++, first = FALSE) {
        guint8 hash[BC_HASH_LEN];
        if (!blockchain_get_hash_at(bc, h, hash, &local) ||
            !roll_step(bc, hash, TRUE, first, &local))
            break;
    }
    if (why == NULL && local != NULL) {
        if (!g_error_matches(local, BC_ERROR, BC_ERROR_CORRUPT)) {
            g_propagate_error(error, g_steal_pointer(&local));
            return FALSE;
        }
        why = g_strdup_printf("the roll failed: %s", local->message);
    }
    if (why == NULL) {
        g_printerr("%s: rolled the set back %u blocks and forward %d with their undo data\n", stale,
                   off->len / BC_HASH_LEN, bc->height - from + 1);
        return TRUE;
    }
    g_printerr("%s, and %s: rebuilding it from the chain\n", stale, why);
    UtxoSet set = {bc};
    guint count = 0;
    if (!utxo_set_reindex(&set, &count, error))
        return FALSE;
    g_printerr("the UTXO set is rebuilt: %u transactions with unspent outputs\n", count);
    return TRUE;
}
/* @end roll-set */

/* @excerpt recover */
gboolean chain_state_recover(Blockchain *bc, GError **error)
{
    /* First the set catches up with the tip, then the tip with the block with most work: the
     * bound is the roll's and the reorganisations', plus two reads for the best record. */
    if (!roll_set(bc, error))
        return FALSE;
    for (;;) {
        guint8 best[BC_HASH_LEN];
        BlockIndexEntry entry;
        if (!block_index_best(bc, best, &entry, error))
            return FALSE;
        if (memcmp(best, bc->tip, BC_HASH_LEN) == 0)
            return TRUE;
        g_autofree gchar *hex = bc_hex_encode(best, BC_HASH_LEN);
        g_printerr("the tip is not the block with most work: moving to %s\n", hex);
        ChainChange change;
        chain_change_init(&change);
        g_autoptr(GError) local = NULL;
        gboolean ok = chain_state_activate(bc, best, &change, &local);
        chain_change_clear(&change);
        if (ok)
            return TRUE;
        if (!g_error_matches(local, BC_ERROR, BC_ERROR_INVALID)) {
            g_propagate_error(error, g_steal_pointer(&local));
            return FALSE;
        }
        /* An invalid branch is marked, and the blocks this activation took off are back; but a
         * crash may have taken blocks of the old chain off before: the next best block is looked
         * for again. Each round marks at least one more block invalid, so the rounds end. */
    }
}
/* @end recover */
