/* block.h: a block, the unit of the chain: some data, its parent's hash, and its own hash. */
#pragma once
#include <glib.h>

#include "bc_hash.h"
#include "transaction.h"

/* @excerpt block-struct */
typedef struct {
    gint64 timestamp;              /* when the block was made, in seconds since 1970 */
    GPtrArray *transactions;       /* of Transaction*: what the block records */
    guint8 prev_hash[BC_HASH_LEN]; /* the hash of the block before it: the chain's link */
    guint8 hash[BC_HASH_LEN];      /* SHA-256 of the header below */
    guint32 bits;                  /* difficulty: the hash must start with this many zero bits */
    guint64 nonce;                 /* the number mining searched for */
    gint32 height;                 /* blocks before it: 0 for genesis. Not in the header: a
                                      node checks it against the parent's instead. */
} Block;
/* @end block-struct */

/* The header is what the hash covers: prev_hash, the transactions' hash, timestamp (int64 LE),
 * bits (uint32 LE) and nonce (uint64 LE), the nonce last so mining rewrites only the tail. */
#define BLOCK_HEADER_LEN (BC_HASH_LEN + BC_HASH_LEN + 8 + 4 + 8)
#define BLOCK_NONCE_OFFSET (BLOCK_HEADER_LEN - 8)

/* A new block holding TRANSACTIONS (a reference is taken) after the block whose hash is
 * PREV_HASH and whose height is HEIGHT - 1, mined at difficulty BITS. */
Block *block_new(GPtrArray *transactions, const guint8 prev_hash[BC_HASH_LEN], gint32 height,
                 guint32 bits);
/* The first block: no parent, so its prev_hash is all zeros; it holds only COINBASE. */
Block *block_new_genesis(Transaction *coinbase, guint32 bits);
/* Another Block with BLOCK's contents, sharing its transactions (a block's transactions do not
 * change once it is made): one allocation, where a serialize and a decode cost a sixth of a
 * synced block's time. */
Block *block_copy(const Block *block);
void block_free(Block *block);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Block, block_free)

/* Blocks are stored and sent as the GVariant (timestamp, transactions, prev_hash, hash, bits,
 * nonce, height), each transaction in its own serialized form. */
#define BLOCK_VARIANT_TYPE "(xaayayayuti)"
/* No block record is larger: a bigger one is refused before it is parsed. */
#define BLOCK_MAX_SIZE (1024 * 1024)

GBytes *block_serialize(const Block *block);
/* The block in BYTES, checked: type, sizes, and a hash that matches its header. */
Block *block_deserialize(GBytes *bytes, GError **error);

/* The Merkle root of the transactions, which the header commits to. */
void block_hash_transactions(const Block *block, guint8 out[BC_HASH_LEN]);
void block_header(const Block *block, guint8 out[BLOCK_HEADER_LEN]);
void block_compute_hash(const Block *block, guint8 out[BC_HASH_LEN]);
