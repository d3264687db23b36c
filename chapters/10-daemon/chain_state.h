/* chain_state.h: following the branch with the most work (chapter 9). A block from a peer is
 * stored when its header is sound, wherever it forks; when its branch has more work than ours,
 * the node reorganises onto it: blocks back to the fork point are taken off with their undo
 * data, the new branch's blocks are connected, each checked, and a branch with an invalid block
 * is given up for the old chain. */
#pragma once
#include <glib.h>

#include "blockchain.h"

/* What one accepted block changed on the chain. */
typedef struct {
    GPtrArray *disconnected; /* of Block*: taken off, the old tip first */
    GPtrArray *connected;    /* of Block*: put on, oldest first */
    gint32 too_deep;         /* a branch with more work not followed: its fork's depth, or 0 */
} ChainChange;

void chain_change_init(ChainChange *change);
void chain_change_clear(ChainChange *change);

/* Checks BLOCK's header (validation_check_header), stores it with its index entry and, when its
 * branch has more work than the tip, makes it the tip. Errors as validation_check_header's, and
 * BC_ERROR_INVALID when a block of the new branch breaks a rule: the old chain is back then, and
 * the bad block and those after it are marked invalid. CHANGE lists what moved. */
gboolean chain_state_accept_block(Blockchain *bc, const Block *block, ChainChange *change,
                                  GError **error);

/* Makes the block TARGET, stored and indexed, the tip if its branch has more work than ours;
 * the reorganisation chain_state_accept_block does. */
gboolean chain_state_activate(Blockchain *bc, const guint8 target[BC_HASH_LEN], ChainChange *change,
                              GError **error);

/* After a start: moves to the stored block with most work when the tip is not it (a crash in the
 * middle of a reorganisation leaves the tip at any block between the fork point and either end). */
gboolean chain_state_recover(Blockchain *bc, GError **error);
