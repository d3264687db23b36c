/* chain_state.c: the best chain: accepting blocks anywhere, reorganising onto more work. */
#include "chain_state.h"

#include <string.h>

#include "bc_error.h"
#include "bc_hex.h"
#include "block_index.h"
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
        g_autoptr(GBytes) raw = block_serialize(block);
        g_ptr_array_add(change->connected, block_deserialize(raw, NULL));
        return TRUE;
    }
    /* Elsewhere: stored with its index entry (block first: an entry never names a missing
     * block), and connected only if its branch ever has more work than ours. */
    BlockIndexEntry entry;
    if (!block_index_entry_for(bc, block, &entry, error) ||
        !blockchain_store_block(bc, block, error) ||
        !block_index_put(bc, block->hash, &entry, error))
        return FALSE;
    return chain_state_activate(bc, block->hash, change, error);
}
/* @end accept-block */

gboolean chain_state_recover(Blockchain *bc, GError **error)
{
    guint8 best[BC_HASH_LEN];
    if (!block_index_best(bc, best, error))
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
    /* An invalid branch is marked and the old chain kept: that is a recovery too. */
    if (!ok && !g_error_matches(local, BC_ERROR, BC_ERROR_INVALID)) {
        g_propagate_error(error, g_steal_pointer(&local));
        return FALSE;
    }
    return TRUE;
}
