/* block.c: making a block and computing its hash. */
#include "block.h"

#include <string.h>

#include "bc_error.h"
#include "bc_variant.h"
#include "merkle_tree.h"

#include "proof_of_work.h"

/* @excerpt block-hash-transactions */
/* The header commits to every transaction through the root of a Merkle tree over them: one
 * hash, and a short proof can show that one transaction is in the block. */
void block_hash_transactions(const Block *block, guint8 out[BC_HASH_LEN])
{
    g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
    for (guint i = 0; i < block->transactions->len; i++)
        g_ptr_array_add(items, transaction_serialize(g_ptr_array_index(block->transactions, i)));
    g_autoptr(MerkleTree) tree = merkle_tree_new(items);
    memcpy(out, merkle_tree_root(tree), BC_HASH_LEN);
}
/* @end block-hash-transactions */

/* @excerpt block-header */
/* The header of BLOCK whose transactions have the Merkle root ROOT. */
static void header_with_root(const Block *block, const guint8 root[BC_HASH_LEN],
                             guint8 out[BLOCK_HEADER_LEN])
{
    guint8 *p = out;
    memcpy(p, block->prev_hash, BC_HASH_LEN);
    p += BC_HASH_LEN;
    memcpy(p, root, BC_HASH_LEN);
    p += BC_HASH_LEN;
    gint64 timestamp = GINT64_TO_LE(block->timestamp);
    memcpy(p, &timestamp, sizeof timestamp);
    p += sizeof timestamp;
    guint32 bits = GUINT32_TO_LE(block->bits);
    memcpy(p, &bits, sizeof bits);
    p += sizeof bits;
    guint64 nonce = GUINT64_TO_LE(block->nonce);
    memcpy(p, &nonce, sizeof nonce);
}

void block_header(const Block *block, guint8 out[BLOCK_HEADER_LEN])
{
    guint8 root[BC_HASH_LEN];
    block_hash_transactions(block, root);
    header_with_root(block, root, out);
}

void block_compute_hash(const Block *block, guint8 out[BC_HASH_LEN])
{
    guint8 header[BLOCK_HEADER_LEN];
    block_header(block, header);
    bc_sha256(header, sizeof header, out);
}
/* @end block-header */

Block *block_new(GPtrArray *transactions, const guint8 prev_hash[BC_HASH_LEN], gint32 height,
                 guint32 bits)
{
    Block *block = g_new0(Block, 1);
    block->timestamp = g_get_real_time() / G_USEC_PER_SEC;
    block->transactions = g_ptr_array_ref(transactions);
    memcpy(block->prev_hash, prev_hash, BC_HASH_LEN);
    block->bits = bits;
    block->height = height;
    /* The hash is no longer just computed: it is mined, by searching for a nonce. */
    pow_run(block);
    return block;
}

Block *block_new_genesis(Transaction *coinbase, guint32 bits)
{
    static const guint8 no_parent[BC_HASH_LEN] = {0};
    g_autoptr(GPtrArray) transactions =
        g_ptr_array_new_with_free_func((GDestroyNotify)transaction_free);
    g_ptr_array_add(transactions, coinbase);
    return block_new(transactions, no_parent, 0, bits);
}

Block *block_copy(const Block *block)
{
    Block *copy = g_memdup2(block, sizeof *block);
    copy->transactions = g_ptr_array_ref(block->transactions);
    return copy;
}

void block_free(Block *block)
{
    if (block == NULL)
        return;
    g_clear_pointer(&block->transactions, g_ptr_array_unref);
    g_free(block);
}

/* @excerpt block-serialize */
GBytes *block_serialize(const Block *block)
{
    GVariantBuilder txs;
    g_variant_builder_init(&txs, G_VARIANT_TYPE("aay"));
    for (guint i = 0; i < block->transactions->len; i++) {
        g_autoptr(GBytes) tx = transaction_serialize(g_ptr_array_index(block->transactions, i));
        g_variant_builder_add_value(&txs,
                                    g_variant_new_from_bytes(G_VARIANT_TYPE_BYTESTRING, tx, TRUE));
    }
    return bc_variant_encode(g_variant_new(
        "(x@aay@ay@ayuti)", block->timestamp, g_variant_builder_end(&txs),
        bc_variant_new_bytes(block->prev_hash, BC_HASH_LEN),
        bc_variant_new_bytes(block->hash, BC_HASH_LEN), block->bits, block->nonce, block->height));
}

Block *block_deserialize(GBytes *bytes, GError **error)
{
    g_autoptr(GVariant) v = bc_variant_decode(bytes, G_VARIANT_TYPE(BLOCK_VARIANT_TYPE),
                                              BLOCK_MAX_SIZE, "block record", error);
    if (v == NULL)
        return NULL;
    g_autoptr(Block) block = g_new0(Block, 1);
    g_autoptr(GVariant) txs = NULL, prev = NULL, hash = NULL;
    g_variant_get(v, "(x@aay@ay@ayuti)", &block->timestamp, &txs, &prev, &hash, &block->bits,
                  &block->nonce, &block->height);
    block->transactions = g_ptr_array_new_with_free_func((GDestroyNotify)transaction_free);
    g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
    for (gsize i = 0; i < g_variant_n_children(txs); i++) {
        g_autoptr(GVariant) child = g_variant_get_child_value(txs, i);
        GBytes *raw = g_variant_get_data_as_bytes(child);
        g_ptr_array_add(items, raw);
        Transaction *tx = transaction_deserialize(raw, error);
        if (tx == NULL)
            return NULL;
        g_ptr_array_add(block->transactions, tx);
    }
    if (!bc_variant_get_fixed(prev, block->prev_hash, BC_HASH_LEN, "previous hash", error) ||
        !bc_variant_get_fixed(hash, block->hash, BC_HASH_LEN, "block hash", error))
        return NULL;
    /* A record whose hash is not its header's hash was damaged or forged. The Merkle leaves are
     * the transactions' bytes just read (normal form: what transaction_serialize would write), so
     * the root comes from them without serializing each transaction again. */
    g_autoptr(MerkleTree) tree = merkle_tree_new(items);
    guint8 header[BLOCK_HEADER_LEN], computed[BC_HASH_LEN];
    header_with_root(block, merkle_tree_root(tree), header);
    bc_sha256(header, sizeof header, computed);
    if (memcmp(computed, block->hash, BC_HASH_LEN) != 0) {
        g_set_error(error, BC_ERROR, BC_ERROR_CORRUPT, "block record does not match its hash");
        return NULL;
    }
    return g_steal_pointer(&block);
}
/* @end block-serialize */
