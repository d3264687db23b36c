/* block.c: making a block and computing its hash. */
#include "block.h"

#include <string.h>

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
}

void block_compute_hash(const Block *block, guint8 out[BC_HASH_LEN])
{
    guint8 header[BLOCK_HEADER_LEN];
    block_header(block, header);
    bc_sha256(header, sizeof header, out);
}
/* @end block-header */

Block *block_new(const gchar *data, const guint8 prev_hash[BC_HASH_LEN])
{
    Block *block = g_new0(Block, 1);
    block->timestamp = g_get_real_time() / G_USEC_PER_SEC;
    block->data = g_bytes_new(data, strlen(data));
    memcpy(block->prev_hash, prev_hash, BC_HASH_LEN);
    block_compute_hash(block, block->hash);
    return block;
}

Block *block_new_genesis(void)
{
    static const guint8 no_parent[BC_HASH_LEN] = {0};
    return block_new("Genesis Block", no_parent);
}

void block_free(Block *block)
{
    if (block == NULL)
        return;
    g_bytes_unref(block->data);
    g_free(block);
}
