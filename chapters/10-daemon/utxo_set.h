/* utxo_set.h: the UTXO set, every unspent output kept in its own records ('c' + txid), so that
 * balances and sends read a short list instead of walking the whole chain. */
#pragma once
#include <glib.h>

#include "blockchain.h"

#define UTXO_PREFIX 'c'
#define UTXO_MARKER_KEY 'm'

/* The set lives in a GDBM file of its own, chainstate.db next to blockchain.db (from chapter 7
 * chainstate_<NODE_ID>.db; Bitcoin Core keeps chainstate/ apart from blocks/ too), so that
 * walking it steps over no block: records 'c' + txid, and the marker 'm', written last after
 * every change, naming the block the set reflects. */
typedef struct {
    Blockchain *bc;
} UtxoSet;

/* One record, the unspent outputs of transaction TXID (UnspentOutput, indexes increasing, at
 * least one), as bytes naming TXID and ending in a checksum; and back, as the outputs of TXID
 * (the record's key), or NULL with BC_ERROR_CORRUPT (or BC_ERROR_TOO_LARGE) for bytes that are
 * not a record utxo_record_encode writes for TXID. The fuzz target
 * tests/fuzz/fuzz_utxo_record.c holds the decoder to that. */
GBytes *utxo_record_encode(const guint8 txid[BC_HASH_LEN], GArray *outputs);
GArray *utxo_record_decode(const guint8 txid[BC_HASH_LEN], GBytes *raw, GError **error);

/* The chainstate file that goes with the chain in BLOCKCHAIN_PATH: "blockchain" in its name
 * becomes "chainstate" (blockchain.db -> chainstate.db, blockchain_3000.db ->
 * chainstate_3000.db). */
gchar *utxo_set_path_for(const gchar *blockchain_path);

/* Opens BC's set, whose tip is read already. When it has no valid marker (no file, or damage) it
 * is rebuilt from the chain if WRITE is set, saying so on stderr. When its marker names another
 * block than the tip (a crash between the two), chain_state_recover rolls it to the tip. Until
 * then, and for a reader always, every function below but utxo_set_reindex, utxo_set_marker_block
 * and utxo_set_roll refuses with BC_ERROR_CORRUPT. */
gboolean utxo_set_open(Blockchain *bc, const gchar *blockchain_path, gboolean write,
                       GError **error);

/* Rebuilds the set from the chain, into a new file renamed over the old one. Sets *COUNT to the
 * number of transactions with unspent outputs. */
gboolean utxo_set_reindex(UtxoSet *set, guint *count, GError **error);

/* Applies BLOCK, just added on top of the chain: removes the outputs its inputs spend (UNDO,
 * from undo_collect) and adds the outputs of its transactions, then writes the marker. Does not
 * sync. BC_ERROR_CORRUPT, with nothing written, when the set does not hold what UNDO says. */
gboolean utxo_set_update(UtxoSet *set, const Block *block, GArray *undo, GError **error);

/* The unspent outputs locked with PUBKEY_HASH, as an array of UnspentOutput. It reads every
 * record, and refuses a set whose records do not add up to its marker (BC_ERROR_CORRUPT). */
GArray *utxo_set_find_unspent(UtxoSet *set, const guint8 pubkey_hash[BC_RIPEMD160_LEN],
                              GError **error);

/* Output INDEX of transaction TXID, in *OUT, when the set holds it: one record read.
 * BC_ERROR_NOT_FOUND when it is not there (spent already, or never made). */
gboolean utxo_set_find_output(UtxoSet *set, const guint8 txid[BC_HASH_LEN], gint32 index,
                              UnspentOutput *out, GError **error);

/* Checks that every input of TRANSACTIONS (but coinbases) spends an output in the set, that
 * no two inputs spend the same one, and that no transaction ID is there twice or in the set
 * already: BC_ERROR_INVALID otherwise. */
gboolean utxo_set_check_unspent(UtxoSet *set, GPtrArray *transactions, GError **error);

/* How many transactions still have unspent outputs. */
gboolean utxo_set_count_transactions(UtxoSet *set, guint *count, GError **error);

/* Takes BLOCK, the block the set reflects, off it again: removes its transactions' outputs and
 * puts back the outputs they spent, UNDO (undo.h), then writes the marker naming its parent.
 * BC_ERROR_CORRUPT, with nothing written, when the set or UNDO do not match BLOCK. Does not
 * sync. */
gboolean utxo_set_disconnect(UtxoSet *set, const Block *block, GArray *undo, GError **error);

/* The block the set's marker names, in OUT. */
gboolean utxo_set_marker_block(Blockchain *bc, guint8 out[BC_HASH_LEN], GError **error);

/* For recovery: moves a set that does not reflect the tip one block on (CONNECT: BLOCK's parent
 * is the marker's block) or off (BLOCK is), as utxo_set_update and utxo_set_disconnect do. With
 * REPLAY, the records may be anywhere between the two (a crash in the middle of a move) and end
 * as the move leaves them. The set is usable again once its marker names the tip. */
gboolean utxo_set_roll(UtxoSet *set, const Block *block, GArray *undo, gboolean connect,
                       gboolean replay, GError **error);
