/* merkle_tree.h: the Merkle root of a block's transactions (first used in chapter 6).
 * The block header holds one 32-byte root instead of a hash of all transactions at once, so a
 * light client can check that one transaction is in a block with a few hashes (a Merkle proof)
 * instead of downloading the whole block. */
#pragma once
#include <glib.h>

#include "bc_hash.h"

/* Only the root is kept: the block header needs nothing else. The inner nodes are computed
 * level by level and thrown away (keeping them is what a Merkle proof would need). */
typedef struct {
    guint8 root[BC_HASH_LEN];
    guint n_leaves; /* how many items the root covers */
} MerkleTree;

/* The tree over ITEMS, a GPtrArray of GBytes (the serialized transactions, in block order).
 * Leaves are SHA-256(item); a parent is SHA-256(left || right); a level with an odd number of
 * nodes pairs its last node with itself (Bitcoin's rule, applied at every level).
 * One item: the root is that item's leaf hash, SHA-256(item).
 * Zero items: the root is 32 zero bytes (a block always has a coinbase, so this never names a
 * real block; it is defined so that the function cannot fail). */
MerkleTree *merkle_tree_new(GPtrArray *items);
const guint8 *merkle_tree_root(const MerkleTree *tree);
void merkle_tree_free(MerkleTree *tree);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(MerkleTree, merkle_tree_free)
