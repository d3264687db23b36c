/* blockchain.c: the chain in a GDBM file: storing blocks, the tip, and walking back. */
#include "blockchain.h"

#include <string.h>

#include "bc_error.h"
#include "bc_hex.h"
#include "outpoint.h"
#include "transaction_sign.h"
#include "utxo_set.h"

static gboolean store_block(BcStore *store, const Block *block, GError **error)
{
    g_autoptr(GBytes) raw = block_serialize(block);
    /* Never write a block that block_deserialize would refuse to read back: it would become the
     * tip, and the chain would be unreadable from then on. */
    if (g_bytes_get_size(raw) > BLOCK_MAX_SIZE) {
        g_set_error(error, BC_ERROR, BC_ERROR_TOO_LARGE,
                    "the block would be %" G_GSIZE_FORMAT " bytes, over the limit of %d",
                    g_bytes_get_size(raw), BLOCK_MAX_SIZE);
        return FALSE;
    }
    return bc_store_put(store, BLOCKCHAIN_BLOCK_PREFIX, block->hash, BC_HASH_LEN, raw, error);
}

/* Reads the tip and checks that its block decodes: a file cut short loses its newest records
 * first, and this finds it before a new block is written on top of the damage. */
static gboolean read_tip(Blockchain *bc, GError **error)
{
    g_autoptr(GError) local = NULL;
    g_autoptr(GBytes) tip = bc_store_get(bc->store, BLOCKCHAIN_TIP_KEY, NULL, 0, &local);
    if (tip == NULL || g_bytes_get_size(tip) != BC_HASH_LEN) {
        /* GDBM's reason, when it gave one, says whether the file or the record is at fault. */
        BcError code =
            local != NULL && local->code != BC_ERROR_NOT_FOUND ? local->code : BC_ERROR_CORRUPT;
        g_set_error(error, BC_ERROR, code, "the database has no valid tip record%s%s",
                    local != NULL ? ": " : "", local != NULL ? local->message : "");
        return FALSE;
    }
    memcpy(bc->tip, g_bytes_get_data(tip, NULL), BC_HASH_LEN);
    g_autoptr(Block) newest = blockchain_get_block(bc, bc->tip, &local);
    if (newest == NULL) {
        g_set_error(error, BC_ERROR, BC_ERROR_CORRUPT,
                    "the database's newest block cannot be read: %s", local->message);
        return FALSE;
    }
    return TRUE;
}

/* @excerpt blockchain-create */
Blockchain *blockchain_create(const gchar *path, const gchar *address, guint32 bits, GError **error)
{
    if (bc_store_exists(path)) {
        g_set_error(error, BC_ERROR, BC_ERROR_EXISTS, "a blockchain already exists in %s", path);
        return NULL;
    }
    Transaction *coinbase = transaction_new_coinbase(address, GENESIS_COINBASE_DATA, error);
    if (coinbase == NULL)
        return NULL;
    /* Mine first, then write: a slow or interrupted mining leaves no half-made file. */
    g_autoptr(Block) genesis = block_new_genesis(coinbase, bits);
    g_autoptr(Blockchain) bc = g_new0(Blockchain, 1);
    bc->bits = bits;
    bc->store = bc_store_open(path, BC_STORE_CREATE, error);
    if (bc->store == NULL)
        return NULL;
    g_autoptr(GBytes) tip = g_bytes_new(genesis->hash, BC_HASH_LEN);
    if (!bc_store_put_format(bc->store, BLOCKCHAIN_FORMAT, error) ||
        !store_block(bc->store, genesis, error) ||
        !bc_store_put(bc->store, BLOCKCHAIN_TIP_KEY, NULL, 0, tip, error))
        return NULL;
    memcpy(bc->tip, genesis->hash, BC_HASH_LEN);
    /* The UTXO set starts with the genesis reward, in a file of its own made from the chain
     * (renamed over any file a crashed create left). */
    bc->chainstate_path = utxo_set_path_for(path);
    UtxoSet utxo = {bc};
    guint count = 0;
    if (!bc_store_sync(bc->store, error) || !utxo_set_reindex(&utxo, &count, error))
        return NULL;
    return g_steal_pointer(&bc);
}
/* @end blockchain-create */

Blockchain *blockchain_open(const gchar *path, gboolean write, guint32 bits, GError **error)
{
    if (!bc_store_exists(path)) {
        g_set_error(error, BC_ERROR, BC_ERROR_NOT_FOUND,
                    "no blockchain in %s: create one first with 'blockchain createblockchain "
                    "-address ADDRESS'",
                    path);
        return NULL;
    }
    g_autoptr(Blockchain) bc = g_new0(Blockchain, 1);
    bc->bits = bits;
    bc->store = bc_store_open(path, write ? BC_STORE_WRITE : BC_STORE_READ, error);
    if (bc->store == NULL || !bc_store_check_format(bc->store, BLOCKCHAIN_FORMAT, error) ||
        !read_tip(bc, error) || !utxo_set_open(bc, path, write, error))
        return NULL;
    return g_steal_pointer(&bc);
}

gboolean blockchain_sync(Blockchain *bc, GError **error)
{
    /* The chain first: a set synced ahead of a tip that is then lost names a block that is not
     * the tip, which the next open sees, like any other mismatch. */
    bc->unsynced = 0;
    return bc_store_sync(bc->store, error) &&
           (bc->chainstate == NULL || bc_store_sync(bc->chainstate, error));
}

void blockchain_close(Blockchain *bc)
{
    if (bc == NULL)
        return;
    g_autoptr(GError) error = NULL;
    if (bc->unsynced > 0 && !blockchain_sync(bc, &error))
        g_printerr("warning: %s\n", error->message);
    bc_store_close(bc->chainstate);
    bc_store_close(bc->store);
    g_free(bc->chainstate_path);
    g_free(bc->chainstate_stale);
    g_free(bc);
}

/* @excerpt blockchain-add-block */
gboolean blockchain_mine_block(Blockchain *bc, GPtrArray *transactions, GError **error)
{
    /* Nothing unsigned, forged or already spent goes into a block. */
    UtxoSet utxo = {bc};
    for (guint i = 0; i < transactions->len; i++)
        if (!blockchain_verify_transaction(bc, g_ptr_array_index(transactions, i), error))
            return FALSE;
    if (!utxo_set_check_unspent(&utxo, transactions, error))
        return FALSE;
    g_autoptr(Block) block = block_new(transactions, bc->tip, bc->bits);
    g_autoptr(GBytes) tip = g_bytes_new(block->hash, BC_HASH_LEN);
    /* The block first, then the tip: a crash in between leaves an unused block, never a tip
     * that points at nothing. Then the UTXO set, its marker last: a crash before the marker
     * leaves one that names the old tip, and the next open rebuilds the set from the chain. */
    if (!store_block(bc->store, block, error) ||
        !bc_store_put(bc->store, BLOCKCHAIN_TIP_KEY, NULL, 0, tip, error))
        return FALSE;
    memcpy(bc->tip, block->hash, BC_HASH_LEN);
    bc->unsynced++;
    return utxo_set_update(&utxo, block, error) && blockchain_sync(bc, error);
}
/* @end blockchain-add-block */

Block *blockchain_get_block(Blockchain *bc, const guint8 hash[BC_HASH_LEN], GError **error)
{
    g_autoptr(GBytes) raw =
        bc_store_get(bc->store, BLOCKCHAIN_BLOCK_PREFIX, hash, BC_HASH_LEN, error);
    if (raw == NULL)
        return NULL;
    g_autoptr(Block) block = block_deserialize(raw, error);
    if (block == NULL)
        return NULL;
    /* A sound record stored under another block's hash would silently cut blocks out of the
     * chain: it is damage too. */
    if (memcmp(block->hash, hash, BC_HASH_LEN) != 0) {
        g_set_error(error, BC_ERROR, BC_ERROR_CORRUPT, "block record is stored under another hash");
        return NULL;
    }
    return g_steal_pointer(&block);
}

/* @excerpt blockchain-iterator */
void blockchain_iterator_init(BlockchainIterator *it, Blockchain *bc)
{
    it->bc = bc;
    memcpy(it->next, bc->tip, BC_HASH_LEN);
    it->done = FALSE;
}

Block *blockchain_iterator_next(BlockchainIterator *it, GError **error)
{
    static const guint8 no_parent[BC_HASH_LEN] = {0};
    if (it->done)
        return NULL;
    Block *block = blockchain_get_block(it->bc, it->next, error);
    if (block == NULL) {
        it->done = TRUE;
        return NULL;
    }
    memcpy(it->next, block->prev_hash, BC_HASH_LEN);
    /* Genesis is the block without a parent: the walk ends after it. */
    it->done = memcmp(block->prev_hash, no_parent, BC_HASH_LEN) == 0;
    return block;
}
/* @end blockchain-iterator */

/* @excerpt find-unspent */
/* Every output that no input anywhere in the chain spends is unspent. Two passes over the
 * chain: first collect what is spent, then keep the outputs that are not. */
static gboolean collect_spent(Blockchain *bc, GHashTable *spent, GError **error)
{
    g_autoptr(GError) local = NULL;
    BlockchainIterator it;
    blockchain_iterator_init(&it, bc);
    Block *block;
    while ((block = blockchain_iterator_next(&it, &local)) != NULL) {
        for (guint t = 0; t < block->transactions->len; t++) {
            const Transaction *tx = g_ptr_array_index(block->transactions, t);
            if (transaction_is_coinbase(tx))
                continue;
            for (guint i = 0; i < tx->vin->len; i++) {
                const TxInput *in = g_ptr_array_index(tx->vin, i);
                g_hash_table_add(spent, outpoint_new(in->txid, in->vout));
            }
        }
        block_free(block);
    }
    if (local != NULL) {
        g_propagate_error(error, g_steal_pointer(&local));
        return FALSE;
    }
    return TRUE;
}

GArray *blockchain_find_utxo(Blockchain *bc, GError **error)
{
    g_autoptr(GHashTable) spent = outpoint_set_new();
    if (!collect_spent(bc, spent, error))
        return NULL;
    g_autoptr(GError) local = NULL;
    g_autoptr(GArray) unspent = g_array_new(FALSE, FALSE, sizeof(UnspentOutput));
    BlockchainIterator it;
    blockchain_iterator_init(&it, bc);
    Block *block;
    while ((block = blockchain_iterator_next(&it, &local)) != NULL) {
        for (guint t = 0; t < block->transactions->len; t++) {
            const Transaction *tx = g_ptr_array_index(block->transactions, t);
            for (guint i = 0; i < tx->vout->len; i++) {
                const TxOutput *out = g_ptr_array_index(tx->vout, i);
                Outpoint key;
                outpoint_init(&key, tx->id, (gint32)i);
                if (g_hash_table_contains(spent, &key))
                    continue;
                UnspentOutput u = {.index = (gint32)i, .value = out->value};
                memcpy(u.txid, tx->id, BC_HASH_LEN);
                memcpy(u.pubkey_hash, out->pubkey_hash, BC_RIPEMD160_LEN);
                g_array_append_val(unspent, u);
            }
        }
        block_free(block);
    }
    if (local != NULL) {
        g_propagate_error(error, g_steal_pointer(&local));
        return NULL;
    }
    return g_steal_pointer(&unspent);
}
/* @end find-unspent */

/* @excerpt spent-outputs */
/* The outputs TX's inputs spend, one per input, from the UTXO set: one record read each,
 * whatever the length of the chain (chapter 5 walked the chain from the tip for every input). A
 * signature covers only the spent output's value and key hash, and the set holds both. An input
 * whose output is not in the set, spent already or never made, is refused here. */
static GPtrArray *spent_outputs(Blockchain *bc, const Transaction *tx, GError **error)
{
    g_autoptr(GPtrArray) spent = g_ptr_array_new_with_free_func(g_free);
    if (transaction_is_coinbase(tx))
        return g_steal_pointer(&spent);
    UtxoSet utxo = {bc};
    for (guint i = 0; i < tx->vin->len; i++) {
        const TxInput *in = g_ptr_array_index(tx->vin, i);
        g_autoptr(GError) local = NULL;
        UnspentOutput u;
        if (!utxo_set_find_output(&utxo, in->txid, in->vout, &u, &local)) {
            if (!g_error_matches(local, BC_ERROR, BC_ERROR_NOT_FOUND)) {
                g_propagate_error(error, g_steal_pointer(&local));
                return NULL;
            }
            g_autofree gchar *hex = bc_hex_encode(in->txid, BC_HASH_LEN);
            g_set_error(error, BC_ERROR, BC_ERROR_INVALID,
                        "input %u spends output %s:%d, which is not in the UTXO set (spent "
                        "already, or never made)",
                        i, hex, in->vout);
            return NULL;
        }
        TxOutput *out = g_new0(TxOutput, 1);
        out->value = u.value;
        memcpy(out->pubkey_hash, u.pubkey_hash, BC_RIPEMD160_LEN);
        g_ptr_array_add(spent, out);
    }
    return g_steal_pointer(&spent);
}
/* @end spent-outputs */

gboolean blockchain_sign_transaction(Blockchain *bc, Transaction *tx, const Wallet *wallet,
                                     GError **error)
{
    g_autoptr(GPtrArray) spent = spent_outputs(bc, tx, error);
    return spent != NULL && transaction_sign(tx, wallet, spent, error);
}

static gboolean refuse_transaction(const Transaction *tx, const GError *reason, GError **error)
{
    g_autofree gchar *id = bc_hex_encode(tx->id, BC_HASH_LEN);
    g_set_error(error, BC_ERROR, reason->code, "invalid transaction %s: %s", id, reason->message);
    return FALSE;
}

gboolean blockchain_verify_transaction(Blockchain *bc, const Transaction *tx, GError **error)
{
    /* Everything that needs no lookup first: a made-up transaction costs no read. */
    g_autoptr(GError) local = NULL;
    if (!transaction_check_shape(tx, &local))
        return refuse_transaction(tx, local, error);
    g_autoptr(GPtrArray) spent = spent_outputs(bc, tx, &local);
    if (spent == NULL || !transaction_verify(tx, spent, &local))
        return refuse_transaction(tx, local, error);
    return TRUE;
}
