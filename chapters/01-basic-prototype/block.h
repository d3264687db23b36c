/* block.h: a block, the unit of the chain: some data, its parent's hash, and its own hash. */
#pragma once
#include <glib.h>

#include "bc_hash.h"

/* @excerpt block-struct */
typedef struct {
    gint64 timestamp;              /* when the block was made, in seconds since 1970 */
    GBytes *data;                  /* what the block records */
    guint8 prev_hash[BC_HASH_LEN]; /* the hash of the block before it: the chain's link */
    guint8 hash[BC_HASH_LEN];      /* SHA-256 of the header below */
} Block;
/* @end block-struct */

/* The header is what the hash covers: prev_hash, SHA-256(data), timestamp (int64 LE). */
#define BLOCK_HEADER_LEN (BC_HASH_LEN + BC_HASH_LEN + 8)

/* A new block holding DATA after the block whose hash is PREV_HASH, hash already set. */
Block *block_new(const gchar *data, const guint8 prev_hash[BC_HASH_LEN]);
/* The first block: it has no parent, so its prev_hash is all zeros. */
Block *block_new_genesis(void);
void block_free(Block *block);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Block, block_free)

void block_header(const Block *block, guint8 out[BLOCK_HEADER_LEN]);
void block_compute_hash(const Block *block, guint8 out[BC_HASH_LEN]);
