/* merkle_tree.c: the Merkle root of a list of items, computed level by level. */
#include "merkle_tree.h"

#include <string.h>

/* A parent node: SHA-256(left || right). OUT may be the same memory as LEFT or RIGHT. */
static void hash_pair(const guint8 *left, const guint8 *right, guint8 *out)
{
    guint8 pair[2 * BC_HASH_LEN];
    memcpy(pair, left, BC_HASH_LEN);
    memcpy(pair + BC_HASH_LEN, right, BC_HASH_LEN);
    bc_sha256(pair, sizeof pair, out);
}

/* @excerpt merkle-root */
MerkleTree *merkle_tree_new(GPtrArray *items)
{
    g_return_val_if_fail(items != NULL, NULL);
    MerkleTree *tree = g_new0(MerkleTree, 1); /* zero items: the root stays all zeros */
    tree->n_leaves = items->len;
    if (items->len == 0)
        return tree;

    /* One buffer holds the current level, node i at level + i * BC_HASH_LEN. Parent i reads
     * only children 2i and 2i+1, never a slot before i, so each level overwrites the one below
     * in place. */
    gsize n = items->len;
    g_autofree guint8 *level = g_malloc_n(n, BC_HASH_LEN);
    for (gsize i = 0; i < n; i++)
        bc_sha256_bytes(g_ptr_array_index(items, i), level + i * BC_HASH_LEN);

    while (n > 1) {
        gsize parents = (n + 1) / 2;
        for (gsize i = 0; i < parents; i++) {
            const guint8 *left = level + 2 * i * BC_HASH_LEN;
            /* The odd node out is paired with itself, at every level (the Go original did it
             * only among the leaves, and broke from 5 items on). */
            const guint8 *right = 2 * i + 1 < n ? left + BC_HASH_LEN : left;
            hash_pair(left, right, level + i * BC_HASH_LEN);
        }
        n = parents;
    }
    memcpy(tree->root, level, BC_HASH_LEN); /* one item: its leaf hash is the root */
    return tree;
}
/* @end merkle-root */

const guint8 *merkle_tree_root(const MerkleTree *tree)
{
    return tree->root;
}

void merkle_tree_free(MerkleTree *tree)
{
    g_free(tree);
}
