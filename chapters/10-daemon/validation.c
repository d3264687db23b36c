/* validation.c: checking what peers send before it touches the database. */
#include "validation.h"

#include <string.h>

#include "bc_error.h"
#include "bc_hex.h"
#include "block_index.h"
#include "proof_of_work.h"
#include "transaction_sign.h"
#include "utxo_set.h"

/* The free data of a coinbase input: the article's genesis text fits, an essay does not. */
#define COINBASE_MAX_DATA 256

/* @excerpt check-coinbase */
/* The first transaction, and only it, mints coins: at most the subsidy. */
static gboolean check_coinbase(const Transaction *tx, GError **error)
{
    if (!transaction_is_coinbase(tx))
        return bc_set_invalid(error, "its first transaction is not a coinbase");
    const TxInput *in = g_ptr_array_index(tx->vin, 0);
    if (g_bytes_get_size(in->pubkey) > COINBASE_MAX_DATA)
        return bc_set_invalid(error, "its coinbase carries more than %d bytes", COINBASE_MAX_DATA);
    gint64 total = 0;
    for (guint i = 0; i < tx->vout->len; i++) {
        const TxOutput *out = g_ptr_array_index(tx->vout, i);
        if (out->value <= 0 || out->value > SUBSIDY)
            return bc_set_invalid(error, "its coinbase output %u is out of range", i);
        total += out->value;
    }
    if (tx->vout->len == 0 || total > SUBSIDY)
        return bc_set_invalid(error, "its coinbase pays %" G_GINT64_FORMAT ", the subsidy is %d",
                              total, SUBSIDY);
    return TRUE;
}
/* @end check-coinbase */

static gboolean check_transactions(Blockchain *bc, const Block *block, GError **error)
{
    GPtrArray *txs = block->transactions;
    if (txs->len == 0)
        return bc_set_invalid(error, "it has no transactions");
    if (!check_coinbase(g_ptr_array_index(txs, 0), error))
        return FALSE;
    /* Two copies of one transaction give the same Merkle root as one (CVE-2012-2459). Every
     * check that needs no lookup, for every transaction, before the first lookup. */
    g_autoptr(GHashTable) ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (guint i = 0; i < txs->len; i++) {
        const Transaction *tx = g_ptr_array_index(txs, i);
        if (!g_hash_table_add(ids, bc_hex_encode(tx->id, BC_HASH_LEN)))
            return bc_set_invalid(error, "transaction %u appears twice", i);
        if (i > 0 && transaction_is_coinbase(tx))
            return bc_set_invalid(error, "transaction %u is a second coinbase", i);
        g_autoptr(GError) local = NULL;
        if (!transaction_check_shape(tx, &local))
            return bc_set_invalid(error, "transaction %u: %s", i, local->message);
    }
    for (guint i = 0; i < txs->len; i++) {
        const Transaction *tx = g_ptr_array_index(txs, i);
        if (i > 0 && !blockchain_verify_transaction(bc, tx, error))
            return FALSE;
        /* Nor may it repeat one of the chain, even one whose outputs are all spent: a coinbase
         * can be copied at will, and two transactions with one ID confuse the UTXO set. One
         * lookup in the transaction index (a walk of the whole chain before it). */
        g_autoptr(GError) local = NULL;
        guint8 where[BC_HASH_LEN];
        gint32 height = 0;
        if (blockchain_find_transaction_block(bc, tx->id, where, &height, &local)) {
            g_autofree gchar *id = bc_hex_encode(tx->id, BC_HASH_LEN);
            return bc_set_invalid(error, "transaction %s repeats a transaction of the chain", id);
        }
        if (!g_error_matches(local, BC_ERROR, BC_ERROR_NOT_FOUND)) {
            g_propagate_error(error, g_steal_pointer(&local));
            return FALSE;
        }
    }
    UtxoSet utxo = {bc};
    return utxo_set_check_unspent(&utxo, txs, error);
}

/* @excerpt check-block */
gboolean validation_check_header(Blockchain *bc, const Block *block, GError **error)
{
    g_autofree gchar *hash = bc_hex_encode(block->hash, BC_HASH_LEN);
    if (block->bits != bc->bits)
        return bc_set_invalid(error, "block %s is mined at difficulty %u, the network's is %u",
                              hash, block->bits, bc->bits);
    /* The proof-of-work recomputes the hash from the header, and the header holds the Merkle
     * root of the block's own transactions: a changed transaction fails here too. */
    if (!pow_validate(block))
        return bc_set_invalid(error, "block %s has no valid proof-of-work", hash);
    /* The first lookup comes after the checks that need none. The index, not the block
     * records, says what is stored: a block a crash left without its entry is taken again. */
    GError *lookup = NULL;
    BlockIndexEntry parent;
    if (block_index_get(bc, block->hash, &parent, &lookup)) {
        g_set_error(error, BC_ERROR, BC_ERROR_EXISTS, "block %s is stored already", hash);
        return FALSE;
    }
    if (!g_error_matches(lookup, BC_ERROR, BC_ERROR_NOT_FOUND)) {
        g_propagate_error(error, lookup);
        return FALSE;
    }
    g_clear_error(&lookup);
    /* Its parent must be in the block index, on our chain or on a side branch. */
    if (!block_index_get(bc, block->prev_hash, &parent, &lookup)) {
        if (!g_error_matches(lookup, BC_ERROR, BC_ERROR_NOT_FOUND)) {
            g_propagate_error(error, lookup);
            return FALSE;
        }
        g_error_free(lookup);
        g_set_error(error, BC_ERROR, BC_ERROR_NOT_FOUND, "block %s: its parent is unknown", hash);
        return FALSE;
    }
    if (parent.status == BLOCK_INDEX_INVALID)
        return bc_set_invalid(error, "block %s follows an invalid block", hash);
    if (block->height != parent.height + 1)
        return bc_set_invalid(error, "block %s says height %d, its parent's is %d", hash, block->height,
                       parent.height);
    return TRUE;
}

gboolean validation_check_connect(Blockchain *bc, const Block *block, GError **error)
{
    g_autofree gchar *hash = bc_hex_encode(block->hash, BC_HASH_LEN);
    if (memcmp(block->prev_hash, bc->tip, BC_HASH_LEN) != 0)
        return bc_set_invalid(error, "block %s does not extend our tip", hash);
    if (block->height != bc->height + 1)
        return bc_set_invalid(error, "block %s says height %d, its parent's is %d", hash,
                              block->height, bc->height);
    g_autoptr(GError) local = NULL;
    if (!check_transactions(bc, block, &local)) {
        /* A broken rule makes the block invalid; a database that cannot be read says nothing
         * about the block, and keeps its own code so the caller does not blame the peer. */
        BcError code = local->code == BC_ERROR_IO || local->code == BC_ERROR_CORRUPT ||
                               local->code == BC_ERROR_LOCKED
                           ? local->code
                           : BC_ERROR_INVALID;
        g_set_error(error, BC_ERROR, code, "block %s: %s", hash, local->message);
        return FALSE;
    }
    return TRUE;
}

gboolean validation_check_block(Blockchain *bc, const Block *block, GError **error)
{
    return validation_check_header(bc, block, error) && validation_check_connect(bc, block, error);
}
/* @end check-block */

gboolean validation_check_transaction(Blockchain *bc, const Transaction *tx, GError **error)
{
    if (transaction_is_coinbase(tx))
        return bc_set_invalid(error, "a coinbase is only valid as a block's first transaction");
    if (!blockchain_verify_transaction(bc, tx, error))
        return FALSE;
    g_autoptr(GPtrArray) one = g_ptr_array_new();
    g_ptr_array_add(one, (gpointer)tx);
    UtxoSet utxo = {bc};
    return utxo_set_check_unspent(&utxo, one, error);
}
