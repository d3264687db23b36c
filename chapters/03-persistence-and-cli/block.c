/* block.c: making a block and computing its hash. */
#include "block.h"

#include <string.h>

#include "bc_error.h"
#include "bc_variant.h"
#include "proof_of_work.h"

/* @excerpt block-header */
void block_header(const Block *block, guint8 out[BLOCK_HEADER_LEN])
{
    guint8 *p = out;
    memcpy(p, block->prev_hash, BC_HASH_LEN);
    p += BC_HASH_LEN;
    /* Hashing the data first keeps the header a fixed size, whatever the data's length. */
    bc_sha256_bytes(block->data, p);
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

void block_compute_hash(const Block *block, guint8 out[BC_HASH_LEN])
{
    guint8 header[BLOCK_HEADER_LEN];
    block_header(block, header);
    bc_sha256(header, sizeof header, out);
}
/* @end block-header */

Block *block_new(const gchar *data, const guint8 prev_hash[BC_HASH_LEN], guint32 bits)
{
    Block *block = g_new0(Block, 1);
    block->timestamp = g_get_real_time() / G_USEC_PER_SEC;
    block->data = g_bytes_new(data, strlen(data));
    memcpy(block->prev_hash, prev_hash, BC_HASH_LEN);
    block->bits = bits;
    /* The hash is no longer just computed: it is mined, by searching for a nonce. */
    pow_run(block);
    return block;
}

Block *block_new_genesis(guint32 bits)
{
    static const guint8 no_parent[BC_HASH_LEN] = {0};
    return block_new("Genesis Block", no_parent, bits);
}

void block_free(Block *block)
{
    if (block == NULL)
        return;
    g_clear_pointer(&block->data, g_bytes_unref);
    g_free(block);
}

/* @excerpt block-serialize */
GBytes *block_serialize(const Block *block)
{
    gsize len = 0;
    const guint8 *data = g_bytes_get_data(block->data, &len);
    return bc_variant_encode(
        g_variant_new("(x@ay@ay@ayut)", block->timestamp, bc_variant_new_bytes(data, len),
                      bc_variant_new_bytes(block->prev_hash, BC_HASH_LEN),
                      bc_variant_new_bytes(block->hash, BC_HASH_LEN), block->bits, block->nonce));
}

Block *block_deserialize(GBytes *bytes, GError **error)
{
    g_autoptr(GVariant) v = bc_variant_decode(bytes, G_VARIANT_TYPE(BLOCK_VARIANT_TYPE),
                                              BLOCK_MAX_SIZE, "block record", error);
    if (v == NULL)
        return NULL;
    g_autoptr(Block) block = g_new0(Block, 1);
    g_autoptr(GVariant) data = NULL, prev = NULL, hash = NULL;
    g_variant_get(v, "(x@ay@ay@ayut)", &block->timestamp, &data, &prev, &hash, &block->bits,
                  &block->nonce);
    block->data = g_variant_get_data_as_bytes(data);
    if (!bc_variant_get_fixed(prev, block->prev_hash, BC_HASH_LEN, "previous hash", error) ||
        !bc_variant_get_fixed(hash, block->hash, BC_HASH_LEN, "block hash", error))
        return NULL;
    /* A record whose hash is not its header's hash was damaged or forged. */
    guint8 computed[BC_HASH_LEN];
    block_compute_hash(block, computed);
    if (memcmp(computed, block->hash, BC_HASH_LEN) != 0) {
        g_set_error(error, BC_ERROR, BC_ERROR_CORRUPT, "block record does not match its hash");
        return NULL;
    }
    return g_steal_pointer(&block);
}
/* @end block-serialize */
