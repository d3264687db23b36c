/* blockchain.c: the chain in a GDBM file: storing blocks, the tip, and walking back. */
#include "blockchain.h"

#include <string.h>

#include "bc_error.h"
#include "bc_hex.h"
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
        g_set_error(error, BC_ERROR, BC_ERROR_CORRUPT, "the database has no valid tip record");
        return FALSE;
    }
    memcpy(bc->tip, g_bytes_get_data(tip, NULL), BC_HASH_LEN);
    g_autoptr(Block) newest = blockchain_get_block(bc, bc->tip, &local);
    if (newest == NULL) {
        g_set_error(error, BC_ERROR, BC_ERROR_CORRUPT,
                    "the database's newest block cannot be read: %s", local->message);
        return FALSE;
    }
    bc->height = newest->height;
    return TRUE;
}

static void height_key(gint32 height, guint8 key[4])
{
    guint32 le = GUINT32_TO_LE((guint32)height);
    memcpy(key, &le, sizeof le);
}

/* Stores BLOCK as the new tip and applies it to the UTXO set. */
static gboolean append_block(Blockchain *bc, const Block *block, GError **error)
{
    g_autoptr(GBytes) tip = g_bytes_new(block->hash, BC_HASH_LEN);
    g_autoptr(GBytes) hash = g_bytes_new(block->hash, BC_HASH_LEN);
    guint8 key[4];
    height_key(block->height, key);
    /* The block first, then its height, then the tip: a crash in between leaves an unused
     * block (and a height entry above the tip, which nothing reads), never a tip that points at
     * nothing. A crash before the UTXO set is updated leaves it behind the chain; 'reindexutxo'
     * rebuilds it. */
    if (!store_block(bc->store, block, error) ||
        !bc_store_put(bc->store, BLOCKCHAIN_HEIGHT_PREFIX, key, sizeof key, hash, error) ||
        !bc_store_put(bc->store, BLOCKCHAIN_TIP_KEY, NULL, 0, tip, error))
        return FALSE;
    memcpy(bc->tip, block->hash, BC_HASH_LEN);
    bc->height = block->height;
    UtxoSet utxo = {bc};
    return utxo_set_update(&utxo, block, error);
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
    /* The UTXO set starts with the genesis reward. */
    if (!append_block(bc, genesis, error))
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
    if (bc->store == NULL || !read_tip(bc, error))
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
Block *blockchain_mine_block(Blockchain *bc, GPtrArray *transactions, GError **error)
{
    /* Nothing unsigned, forged or already spent goes into a block. */
    UtxoSet utxo = {bc};
    for (guint i = 0; i < transactions->len; i++)
        if (!blockchain_verify_transaction(bc, g_ptr_array_index(transactions, i), error))
            return NULL;
    if (!utxo_set_check_unspent(&utxo, transactions, error))
        return NULL;
    g_autoptr(Block) block = block_new(transactions, bc->tip, bc->height + 1, bc->bits);
    if (!append_block(bc, block, error))
        return NULL;
    return g_steal_pointer(&block);
}

gboolean blockchain_add_block(Blockchain *bc, const Block *block, GError **error)
{
    g_return_val_if_fail(memcmp(block->prev_hash, bc->tip, BC_HASH_LEN) == 0, FALSE);
    return append_block(bc, block, error);
}

gboolean blockchain_has_block(Blockchain *bc, const guint8 hash[BC_HASH_LEN])
{
    return bc_store_contains(bc->store, BLOCKCHAIN_BLOCK_PREFIX, hash, BC_HASH_LEN);
}

GByteArray *blockchain_get_block_hashes(Blockchain *bc, GError **error)
{
    /* Genesis first, as a downloading peer wants them: one height lookup per block, no block
     * decoded. */
    g_autoptr(GByteArray) hashes = g_byte_array_sized_new((guint)(bc->height + 1) * BC_HASH_LEN);
    for (gint32 h = 0; h <= bc->height; h++) {
        guint8 hash[BC_HASH_LEN];
        if (!blockchain_get_hash_at(bc, h, hash, error))
            return NULL;
        g_byte_array_append(hashes, hash, BC_HASH_LEN);
    }
    return g_steal_pointer(&hashes);
}

gboolean blockchain_get_hash_at(Blockchain *bc, gint32 height, guint8 out[BC_HASH_LEN],
                                GError **error)
{
    if (height < 0 || height > bc->height) {
        g_set_error(error, BC_ERROR, BC_ERROR_NOT_FOUND, "no block at height %d (the tip is at %d)",
                    height, bc->height);
        return FALSE;
    }
    guint8 key[4];
    height_key(height, key);
    g_autoptr(GError) local = NULL;
    g_autoptr(GBytes) raw =
        bc_store_get(bc->store, BLOCKCHAIN_HEIGHT_PREFIX, key, sizeof key, &local);
    if (raw == NULL || g_bytes_get_size(raw) != BC_HASH_LEN) {
        /* Every height up to the tip was written before the tip moved: one missing is damage. */
        g_set_error(error, BC_ERROR, BC_ERROR_CORRUPT,
                    "the database has no valid record of height %d%s%s", height,
                    local != NULL ? ": " : "", local != NULL ? local->message : "");
        return FALSE;
    }
    memcpy(out, g_bytes_get_data(raw, NULL), BC_HASH_LEN);
    return TRUE;
}

gboolean blockchain_find_height(Blockchain *bc, const guint8 hash[BC_HASH_LEN], gint32 *height,
                                GError **error)
{
    g_autofree gchar *hex = bc_hex_encode(hash, BC_HASH_LEN);
    g_autoptr(GError) local = NULL;
    g_autoptr(Block) block =
        blockchain_has_block(bc, hash) ? blockchain_get_block(bc, hash, &local) : NULL;
    if (block == NULL && local != NULL) {
        g_propagate_error(error, g_steal_pointer(&local));
        return FALSE;
    }
    guint8 on_chain[BC_HASH_LEN];
    if (block == NULL || block->height > bc->height ||
        !blockchain_get_hash_at(bc, block->height, on_chain, NULL) ||
        memcmp(on_chain, hash, BC_HASH_LEN) != 0) {
        g_set_error(error, BC_ERROR, BC_ERROR_NOT_FOUND, "block %s is not on the chain", hex);
        return FALSE;
    }
    *height = block->height;
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
 * chain: first collect what is spent, then keep the outputs that are not. */
static gchar *outpoint_key(const guint8 txid[BC_HASH_LEN], gint32 index)
{
    g_autofree gchar *hex = bc_hex_encode(txid, BC_HASH_LEN);
    return g_strdup_printf("%s:%d", hex, index);
}

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
                g_hash_table_add(spent, outpoint_key(in->txid, in->vout));
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
    g_autoptr(GHashTable) spent = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
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
                g_autofree gchar *key = outpoint_key(tx->id, (gint32)i);
                if (g_hash_table_contains(spent, key))
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

/* The transactions TX spends from, by hex ID; ones not in the chain are simply missing, and
 * verification then says which input is wrong. */
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
        if (found != NULL)
            g_hash_table_insert(prev, key, found);
        else
            g_free(key);
    }
    return g_steal_pointer(&prev);
}

gboolean blockchain_sign_transaction(Blockchain *bc, Transaction *tx, const Wallet *wallet,
                                     GError **error)
{
    g_autoptr(GHashTable) prev = previous_transactions(bc, tx, error);
    return prev != NULL && transaction_sign(tx, wallet, prev, error);
}

gboolean blockchain_verify_transaction(Blockchain *bc, const Transaction *tx, GError **error)
{
    g_autoptr(GHashTable) prev = previous_transactions(bc, tx, error);
    if (prev == NULL)
        return FALSE;
    g_autoptr(GError) local = NULL;
    if (!transaction_verify(tx, prev, &local)) {
        g_autofree gchar *id = bc_hex_encode(tx->id, BC_HASH_LEN);
        g_set_error(error, BC_ERROR, local->code, "invalid transaction %s: %s", id, local->message);
        return FALSE;
    }
    return TRUE;
}
/* @end find-transaction */
