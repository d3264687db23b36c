/* blockchain.h: the chain, now kept on disk: blocks by hash, and the hash of the newest one. */
#pragma once
#include <glib.h>

#include "bc_store.h"
#include "block.h"

/* One database per node: blockchain_<NODE_ID>.db. */
#define BLOCKCHAIN_DB_FILE_FORMAT "blockchain_%s.db"

/* Keys in the database: the tip under 'l' (its hash, then its height as 4 bytes little-endian,
 * so that a tip moved to another block is caught), each block under 'b' + its hash, and the
 * chain by height under 'h' + the height (4 bytes, little-endian) -> that block's hash, so that
 * a peer's "which blocks follow height N" is a few lookups, not a walk. The transaction index,
 * 't' + txid -> the hash and height (4 bytes LE) of the block holding it, makes "is this
 * transaction in the chain" one lookup too (Bitcoin Core's -txindex). */
#define BLOCKCHAIN_TIP_KEY 'l'
#define BLOCKCHAIN_TIP_LEN (BC_HASH_LEN + 4)
#define BLOCKCHAIN_BLOCK_PREFIX 'b'
#define BLOCKCHAIN_HEIGHT_PREFIX 'h'
/* The format record (bc_store.h), written first when the file is created: this chapter's
 * number, so that another chapter's program refuses the file instead of misreading it. */
#define BLOCKCHAIN_FORMAT 9
#define BLOCKCHAIN_TX_PREFIX 't'

/* @excerpt blockchain-struct */
typedef struct Blockchain {
    BcStore *store;
    BcStore *chainstate; /* the UTXO set, in its own file (utxo_set.h) */
    gchar *chainstate_path;
    gchar *chainstate_stale; /* why the set does not reflect the tip, or NULL */
    guint unsynced;          /* blocks stored since the files were last synced */
    guint8 tip[BC_HASH_LEN]; /* hash of the newest block */
    gint32 height;           /* the tip's height: the node's "best height" */
    guint32 bits;            /* the difficulty new blocks are mined at */
    gint32 max_reorg_depth;  /* branches forking deeper are not followed; 0: any (chapter 9) */
} Blockchain;
/* @end blockchain-struct */

/* Creates the database PATH with a genesis block whose coinbase pays ADDRESS; fails when
 * PATH exists. */
Blockchain *blockchain_create(const gchar *path, const gchar *address, guint32 bits,
                              GError **error);
/* Opens the existing chain in PATH, for writing when WRITE is set. */
Blockchain *blockchain_open(const gchar *path, gboolean write, guint32 bits, GError **error);
/* Syncs both files to disk (the chain's, then the set's). */
gboolean blockchain_sync(Blockchain *bc, GError **error);
/* Syncs what is not synced yet, and closes. */
void blockchain_close(Blockchain *bc);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Blockchain, blockchain_close)

/* Mines a block holding TRANSACTIONS on top of the tip, stores it, moves the tip to it and
 * updates the UTXO set. Returns the new block. */
Block *blockchain_mine_block(Blockchain *bc, GPtrArray *transactions, GError **error);

/* Appends BLOCK, received from a peer and already checked (see block_check.h), on top of the
 * tip: stores it, moves the tip and updates the UTXO set. */
gboolean blockchain_add_block(Blockchain *bc, const Block *block, GError **error);

/* Stores BLOCK under its hash, without moving the tip: a block of a side branch. */
gboolean blockchain_store_block(Blockchain *bc, const Block *block, GError **error);

/* Takes the tip off the chain with its undo data: the UTXO set gets back what it spent and the
 * tip moves to its parent. The block itself stays stored. */
gboolean blockchain_disconnect_tip(Blockchain *bc, GError **error);

/* Whether the block HASH is stored: FALSE when it is not, or with an error when the database
 * could not be read. */
gboolean blockchain_has_block(Blockchain *bc, const guint8 hash[BC_HASH_LEN], GError **error);

/* The hashes of every block, genesis first, BC_HASH_LEN bytes each: what getblocks answers. */
GByteArray *blockchain_get_block_hashes(Blockchain *bc, GError **error);

/* The hash of the chain's block at HEIGHT (0 is genesis) in OUT; BC_ERROR_NOT_FOUND when HEIGHT
 * is negative or above the tip. One lookup. */
gboolean blockchain_get_hash_at(Blockchain *bc, gint32 height, guint8 out[BC_HASH_LEN],
                                GError **error);

/* Whether the block HASH is on the chain, with its height in *HEIGHT: FALSE with
 * BC_ERROR_NOT_FOUND when it is not (unknown, or stored but not on the chain). */
gboolean blockchain_find_height(Blockchain *bc, const guint8 hash[BC_HASH_LEN], gint32 *height,
                                GError **error);

/* An output nobody has spent yet. */
typedef struct {
    guint8 txid[BC_HASH_LEN];
    gint32 index;
    gint64 value;
    guint8 pubkey_hash[BC_RIPEMD160_LEN];
} UnspentOutput;

/* Every unspent output in the chain, found by walking all of it, grouped by transaction:
 * what the UTXO set is rebuilt from. */
GArray *blockchain_find_utxo(Blockchain *bc, GError **error);

/* Where the chain holds transaction TXID: its block's hash and height, from the transaction
 * index; BC_ERROR_NOT_FOUND when the chain does not hold it. Two or three lookups, no walk. */
gboolean blockchain_find_transaction_block(Blockchain *bc, const guint8 txid[BC_HASH_LEN],
                                           guint8 block_hash[BC_HASH_LEN], gint32 *height,
                                           GError **error);
/* The transaction with ID TXID (owned by the caller), found through the index. */
Transaction *blockchain_find_transaction(Blockchain *bc, const guint8 txid[BC_HASH_LEN],
                                         GError **error);
/* Signs TX with WALLET, or verifies it, against the outputs it spends, read from the UTXO set. */
gboolean blockchain_sign_transaction(Blockchain *bc, Transaction *tx, const Wallet *wallet,
                                     GError **error);
gboolean blockchain_verify_transaction(Blockchain *bc, const Transaction *tx, GError **error);

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
