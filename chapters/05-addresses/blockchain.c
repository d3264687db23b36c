/* blockchain.c: the chain in a GDBM file: storing blocks, the tip, and walking back. */
#include "blockchain.h"

#include <string.h>

#include "bc_error.h"
#include "bc_hex.h"
#include "outpoint.h"
#include "transaction_sign.h"

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
        !bc_store_put(bc->store, BLOCKCHAIN_TIP_KEY, NULL, 0, tip, error) ||
        !bc_store_sync(bc->store, error))
        return NULL;
    memcpy(bc->tip, genesis->hash, BC_HASH_LEN);
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
        !read_tip(bc, error))
        return NULL;
    return g_steal_pointer(&bc);
}

void blockchain_close(Blockchain *bc)
{
    if (bc == NULL)
        return;
    bc_store_close(bc->store);
    g_free(bc);
}

/* @excerpt blockchain-add-block */
gboolean blockchain_mine_block(Blockchain *bc, GPtrArray *transactions, GError **error)
{
    /* Nothing unsigned or forged goes into a block. */
    for (guint i = 0; i < transactions->len; i++)
        if (!blockchain_verify_transaction(bc, g_ptr_array_index(transactions, i), error))
            return FALSE;
    g_autoptr(Block) block = block_new(transactions, bc->tip, bc->bits);
    g_autoptr(GBytes) tip = g_bytes_new(block->hash, BC_HASH_LEN);
    /* The block first, then the tip: a crash in between leaves an unused block, never a tip
     * that points at nothing. */
    if (!store_block(bc->store, block, error) ||
        !bc_store_put(bc->store, BLOCKCHAIN_TIP_KEY, NULL, 0, tip, error) ||
        !bc_store_sync(bc->store, error))
        return FALSE;
    memcpy(bc->tip, block->hash, BC_HASH_LEN);
    return TRUE;
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
 * chain: first collect what is spent, then keep the outputs of ADDRESS that are not. */
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

GArray *blockchain_find_unspent_outputs(Blockchain *bc, const guint8 pubkey_hash[BC_RIPEMD160_LEN],
                                        GError **error)
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
                if (!tx_output_is_locked_with(out, pubkey_hash) ||
                    g_hash_table_contains(spent, &key))
                    continue;
                UnspentOutput u = {.index = (gint32)i, .value = out->value};
                memcpy(u.txid, tx->id, BC_HASH_LEN);
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

/* @excerpt find-transaction */
Transaction *blockchain_find_transaction(Blockchain *bc, const guint8 txid[BC_HASH_LEN],
                                         GError **error)
{
    g_autoptr(GError) local = NULL;
    BlockchainIterator it;
    blockchain_iterator_init(&it, bc);
    Block *block;
    while ((block = blockchain_iterator_next(&it, &local)) != NULL) {
        g_autoptr(Block) owned = block;
        for (guint t = 0; t < owned->transactions->len; t++) {
            Transaction *tx = g_ptr_array_index(owned->transactions, t);
            if (memcmp(tx->id, txid, BC_HASH_LEN) == 0)
                return g_ptr_array_steal_index(owned->transactions, t);
        }
    }
    if (local != NULL) {
        g_propagate_error(error, g_steal_pointer(&local));
        return NULL;
    }
    g_autofree gchar *hex = bc_hex_encode(txid, BC_HASH_LEN);
    g_set_error(error, BC_ERROR, BC_ERROR_NOT_FOUND, "transaction %s is not in the chain", hex);
    return NULL;
}

/* The transactions TX spends from, by hex ID, looked up input by input up to the first one not
 * in the chain: verification (and signing) stops at that input anyway and says it is wrong, so
 * an input that names a made-up transaction costs one lookup, not one per input. */
static GHashTable *previous_transactions(Blockchain *bc, const Transaction *tx, GError **error)
{
    g_autoptr(GHashTable) prev =
        g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)transaction_free);
    if (transaction_is_coinbase(tx))
        return g_steal_pointer(&prev);
    for (guint i = 0; i < tx->vin->len; i++) {
        const TxInput *in = g_ptr_array_index(tx->vin, i);
        gchar *key = bc_hex_encode(in->txid, BC_HASH_LEN);
        if (g_hash_table_contains(prev, key)) {
            g_free(key);
            continue;
        }
        g_autoptr(GError) local = NULL;
        Transaction *found = blockchain_find_transaction(bc, in->txid, &local);
        if (found == NULL && !g_error_matches(local, BC_ERROR, BC_ERROR_NOT_FOUND)) {
            g_free(key);
            g_propagate_error(error, g_steal_pointer(&local));
            return NULL;
        }
        if (found == NULL) {
            g_free(key);
            break;
        }
        g_hash_table_insert(prev, key, found);
    }
    return g_steal_pointer(&prev);
}

gboolean blockchain_sign_transaction(Blockchain *bc, Transaction *tx, const Wallet *wallet,
                                     GError **error)
{
    g_autoptr(GHashTable) prev = previous_transactions(bc, tx, error);
    return prev != NULL && transaction_sign(tx, wallet, prev, error);
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
    g_autoptr(GHashTable) prev = previous_transactions(bc, tx, error);
    if (prev == NULL)
        return FALSE;
    if (!transaction_verify(tx, prev, &local))
        return refuse_transaction(tx, local, error);
    return TRUE;
}
/* @end find-transaction */
