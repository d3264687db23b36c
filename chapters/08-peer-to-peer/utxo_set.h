/* utxo_set.h: the UTXO set, every unspent output kept in its own records ('c' + txid), so that
 * balances and sends read a short list instead of walking the whole chain. */
#pragma once
#include <glib.h>

#include "blockchain.h"

#define UTXO_PREFIX 'c'

/* The set lives in the blockchain's database, next to the blocks. */
typedef struct {
    Blockchain *bc;
} UtxoSet;

/* One record, the unspent outputs of one transaction (UnspentOutput, indexes increasing), as
 * bytes; and back, as the outputs of TXID (the record's key), or NULL with BC_ERROR_CORRUPT (or
 * BC_ERROR_TOO_LARGE) for bytes that are not a record utxo_record_encode writes. The fuzz target
 * tests/fuzz/fuzz_utxo_record.c holds the decoder to that. */
GBytes *utxo_record_encode(GArray *outputs);
GArray *utxo_record_decode(const guint8 txid[BC_HASH_LEN], GBytes *raw, GError **error);

/* Rebuilds the set from the chain: drops every 'c' record and writes the unspent outputs of
 * each transaction. Sets *COUNT to the number of transactions with unspent outputs. */
gboolean utxo_set_reindex(UtxoSet *set, guint *count, GError **error);

/* Applies BLOCK, just added on top of the chain: removes the outputs its inputs spend and adds
 * the outputs of its transactions. */
gboolean utxo_set_update(UtxoSet *set, const Block *block, GError **error);

/* The unspent outputs locked with PUBKEY_HASH, as an array of UnspentOutput. */
GArray *utxo_set_find_unspent(UtxoSet *set, const guint8 pubkey_hash[BC_RIPEMD160_LEN],
                              GError **error);

/* Checks that every input of TRANSACTIONS (but coinbases) spends an output in the set, that
 * no two inputs spend the same one, and that no transaction ID is there twice or in the set
 * already: BC_ERROR_INVALID otherwise. */
gboolean utxo_set_check_unspent(UtxoSet *set, GPtrArray *transactions, GError **error);

/* How many transactions still have unspent outputs. */
gboolean utxo_set_count_transactions(UtxoSet *set, guint *count, GError **error);
