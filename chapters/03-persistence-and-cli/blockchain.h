/* blockchain.h: the chain, now kept on disk: blocks by hash, and the hash of the newest one. */
#pragma once
#include <glib.h>

#include "bc_store.h"
#include "block.h"

#define BLOCKCHAIN_DB_FILE "blockchain.db"

/* Keys in the database: the tip under 'l', each block under 'b' + its hash. */
#define BLOCKCHAIN_TIP_KEY 'l'
#define BLOCKCHAIN_BLOCK_PREFIX 'b'
/* The format record (bc_store.h), written first when the file is created: this chapter's
 * number, so that another chapter's program refuses the file instead of misreading it. */
#define BLOCKCHAIN_FORMAT 3

/* @excerpt blockchain-struct */
typedef struct {
    BcStore *store;
    guint8 tip[BC_HASH_LEN]; /* hash of the newest block */
    guint32 bits;            /* the difficulty new blocks are mined at */
} Blockchain;
/* @end blockchain-struct */

/* Opens the chain in PATH, for writing when WRITE is set. When there is no database yet,
 * creates one holding a freshly mined genesis block. */
Blockchain *blockchain_open(const gchar *path, gboolean write, guint32 bits, GError **error);
void blockchain_close(Blockchain *bc);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Blockchain, blockchain_close)

/* Mines a block holding DATA on top of the tip, stores it and moves the tip to it. */
gboolean blockchain_add_block(Blockchain *bc, const gchar *data, GError **error);

/* The block stored under HASH, or NULL with an error when it is missing or does not decode. */
Block *blockchain_get_block(Blockchain *bc, const guint8 hash[BC_HASH_LEN], GError **error);

/* Walks the chain from the tip back to genesis, one block per call. */
typedef struct {
    Blockchain *bc;
    guint8 next[BC_HASH_LEN]; /* the hash of the block the next call returns */
    gboolean done;
} BlockchainIterator;

void blockchain_iterator_init(BlockchainIterator *it, Blockchain *bc);
/* The next block (owned by the caller), or NULL: past genesis (error unset) or on an error. */
Block *blockchain_iterator_next(BlockchainIterator *it, GError **error);
