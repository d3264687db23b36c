/* blockchain.c: the chain in a GDBM file: storing blocks, the tip, and walking back. */
#include "blockchain.h"

#include <string.h>

#include "bc_error.h"
#include "bc_hex.h"
#include "block_index.h"
#include "chain_state.h"
#include "outpoint.h"
#include "transaction_sign.h"
#include "undo.h"
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

static void height_key(gint32 height, guint8 key[4])
{
    guint32 le = GUINT32_TO_LE((guint32)height);
    memcpy(key, &le, sizeof le);
}

/* Reads the tip and checks that its block decodes: a file cut short loses its newest records
 * first, and this finds it before a new block is written on top of the damage. The height
 * stored with the tip must be its block's: a tip record moved to another block (an older one:
 * the chain would silently look shorter) is refused. */
static gboolean read_tip(Blockchain *bc, GError **error)
{
    g_autoptr(GError) local = NULL;
    g_autoptr(GBytes) tip = bc_store_get(bc->store, BLOCKCHAIN_TIP_KEY, NULL, 0, &local);
    if (tip == NULL || g_bytes_get_size(tip) != BLOCKCHAIN_TIP_LEN) {
        /* GDBM's reason, when it gave one, says whether the file or the record is at fault. */
        BcError code =
            local != NULL && local->code != BC_ERROR_NOT_FOUND ? local->code : BC_ERROR_CORRUPT;
        g_set_error(error, BC_ERROR, code, "the database has no valid tip record%s%s",
                    local != NULL ? ": " : "", local != NULL ? local->message : "");
        return FALSE;
    }
    const guint8 *bytes = g_bytes_get_data(tip, NULL);
    memcpy(bc->tip, bytes, BC_HASH_LEN);
    guint32 le;
    memcpy(&le, bytes + BC_HASH_LEN, sizeof le);
    gint64 height = GUINT32_FROM_LE(le);
    g_autoptr(Block) newest = blockchain_get_block(bc, bc->tip, &local);
    if (newest == NULL) {
        g_set_error(error, BC_ERROR, BC_ERROR_CORRUPT,
                    "the database's newest block cannot be read: %s", local->message);
        return FALSE;
    }
    if (newest->height != height) {
        g_autofree gchar *hex = bc_hex_encode(bc->tip, BC_HASH_LEN);
        g_set_error(error, BC_ERROR, BC_ERROR_CORRUPT,
                    "the tip record names block %s at height %" G_GINT64_FORMAT
                    ", but that block is at height %d",
                    hex, height, newest->height);
        return FALSE;
    }
    bc->height = newest->height;
    return TRUE;
}

/* @excerpt tx-index-write */
/* The transaction index: 't' + txid -> the block holding it (hash, then height LE32), written
 * for every transaction of a block before the tip moves to it. */
static gboolean index_transactions(BcStore *store, const Block *block, GError **error)
{
    guint8 where[BC_HASH_LEN + 4];
    memcpy(where, block->hash, BC_HASH_LEN);
    height_key(block->height, where + BC_HASH_LEN);
    g_autoptr(GBytes) value = g_bytes_new(where, sizeof where);
    for (guint i = 0; i < block->transactions->len; i++) {
        const Transaction *tx = g_ptr_array_index(block->transactions, i);
        if (!bc_store_put(store, BLOCKCHAIN_TX_PREFIX, tx->id, BC_HASH_LEN, value, error))
            return FALSE;
    }
    return TRUE;
}
/* @end tx-index-write */

/* Moves the tip to BLOCK, stored already. */
static gboolean link_tip(Blockchain *bc, const Block *block, GError **error)
{
    guint8 key[4];
    height_key(block->height, key);
    guint8 tip_record[BLOCKCHAIN_TIP_LEN];
    memcpy(tip_record, block->hash, BC_HASH_LEN);
    memcpy(tip_record + BC_HASH_LEN, key, sizeof key); /* the height, little-endian */
    g_autoptr(GBytes) tip = g_bytes_new(tip_record, sizeof tip_record);
    g_autoptr(GBytes) hash = g_bytes_new(block->hash, BC_HASH_LEN);
    /* The block first, then its transactions' index entries, then its height, then the tip: a
     * crash in between leaves an unused block (and index and height entries above the tip, which
     * every reader checks against the tip), never a tip that points at nothing. */
    if (!index_transactions(bc->store, block, error) ||
        !bc_store_put(bc->store, BLOCKCHAIN_HEIGHT_PREFIX, key, sizeof key, hash, error) ||
        !bc_store_put(bc->store, BLOCKCHAIN_TIP_KEY, NULL, 0, tip, error))
        return FALSE;
    memcpy(bc->tip, block->hash, BC_HASH_LEN);
    bc->height = block->height;
    return TRUE;
}

/* Stores BLOCK as the new tip. */
static gboolean store_tip(Blockchain *bc, const Block *block, GError **error)
{
    return store_block(bc->store, block, error) && link_tip(bc, block, error);
}

/* @excerpt sync-batch */
/* Blocks from peers are synced to disk in batches, at most this many since the last sync (and
 * on close): one fsync per block cost more than checking it. A crash loses nothing the kernel
 * has (its page cache survives the process); a power cut may lose the last batch, and then the
 * set's marker and the tip still either agree or are seen to differ on the next open. */
#define BLOCKCHAIN_SYNC_BATCH 100

/* Stores BLOCK as the new tip and applies it to the UTXO set, whose marker is written last: a
 * crash before it leaves a marker naming the old tip, and the next open rolls the set forward
 * with the undo data. The block, its undo data and its index entry (valid now) go first, in
 * that order, before the tip moves: an index entry never names a block that is not stored, nor
 * a tip one without undo. */
static gboolean append_block(Blockchain *bc, const Block *block, GError **error)
{
    UtxoSet utxo = {bc};
    BlockIndexEntry entry;
    g_autoptr(GArray) undo = undo_collect(bc, block, error);
    if (undo == NULL || !store_block(bc->store, block, error) ||
        !undo_write(bc, block->hash, undo, error) ||
        !block_index_entry_for(bc, block, &entry, error))
        return FALSE;
    entry.status = BLOCK_INDEX_VALID;
    if (!block_index_add(bc, block->hash, &entry, error) || !link_tip(bc, block, error) ||
        !utxo_set_update(&utxo, block, undo, error))
        return FALSE;
    return ++bc->unsynced < BLOCKCHAIN_SYNC_BATCH || blockchain_sync(bc, error);
}
/* @end sync-batch */

/* @excerpt disconnect-tip */
gboolean blockchain_disconnect_tip(Blockchain *bc, GError **error)
{
    if (bc->height == 0) {
        g_set_error(error, BC_ERROR, BC_ERROR_INVALID, "genesis cannot be taken off the chain");
        return FALSE;
    }
    g_autoptr(Block) block = blockchain_get_block(bc, bc->tip, error);
    g_autoptr(GArray) undo = block != NULL ? undo_read(bc, block->hash, error) : NULL;
    g_autoptr(Block) parent =
        undo != NULL ? blockchain_get_block(bc, block->prev_hash, error) : NULL;
    if (parent == NULL)
        return FALSE;
    /* The tip record first, then the set, whose marker is written last, as on connect: a set a
     * crash left half-changed has a marker that is not the tip's, and the next open rolls it.
     * The height and transaction index entries above the new tip are left: every reader checks
     * them against the tip, and connecting the next block overwrites them. */
    UtxoSet utxo = {bc};
    guint8 key[4];
    height_key(parent->height, key);
    guint8 tip_record[BLOCKCHAIN_TIP_LEN];
    memcpy(tip_record, parent->hash, BC_HASH_LEN);
    memcpy(tip_record + BC_HASH_LEN, key, sizeof key);
    g_autoptr(GBytes) tip = g_bytes_new(tip_record, sizeof tip_record);
    if (!bc_store_put(bc->store, BLOCKCHAIN_TIP_KEY, NULL, 0, tip, error))
        return FALSE;
    memcpy(bc->tip, parent->hash, BC_HASH_LEN);
    bc->height = parent->height;
    if (!utxo_set_disconnect(&utxo, block, undo, error))
        return FALSE;
    return ++bc->unsynced < BLOCKCHAIN_SYNC_BATCH || blockchain_sync(bc, error);
}
/* @end disconnect-tip */

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
    /* The UTXO set starts with the genesis reward, in a file of its own made from the chain
     * (renamed over any file a crashed create left). */
    bc->chainstate_path = utxo_set_path_for(path);
    UtxoSet utxo = {bc};
    guint count = 0;
    BlockIndexEntry entry = {0, block_index_block_work(bits), BLOCK_INDEX_VALID};
    if (!bc_store_put_format(bc->store, BLOCKCHAIN_FORMAT, error) ||
        !block_index_set_best(bc, genesis->hash, error) ||
        !block_index_put(bc, genesis->hash, &entry, error) || !store_tip(bc, genesis, error) ||
        !bc_store_sync(bc->store, error) || !utxo_set_reindex(&utxo, &count, error))
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
    /* A crash in a reorganisation leaves the tip between the fork point and either end. */
    if (write && !chain_state_recover(bc, error))
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
    /* A block mined here is on disk before anyone hears of it. */
    if (!append_block(bc, block, error) || !blockchain_sync(bc, error))
        return NULL;
    return g_steal_pointer(&block);
}

gboolean blockchain_add_block(Blockchain *bc, const Block *block, GError **error)
{
    /* validation_check_block has checked it; a caller that did not gets an error, not a
     * FALSE without one (node.c reads error->message). */
    if (memcmp(block->prev_hash, bc->tip, BC_HASH_LEN) != 0) {
        g_autofree gchar *hex = bc_hex_encode(block->hash, BC_HASH_LEN);
        g_set_error(error, BC_ERROR, BC_ERROR_INVALID, "block %s does not extend the tip", hex);
        return FALSE;
    }
    return append_block(bc, block, error);
}

gboolean blockchain_store_block(Blockchain *bc, const Block *block, GError **error)
{
    return store_block(bc->store, block, error);
}

gboolean blockchain_has_block(Blockchain *bc, const guint8 hash[BC_HASH_LEN], GError **error)
{
    return bc_store_contains(bc->store, BLOCKCHAIN_BLOCK_PREFIX, hash, BC_HASH_LEN, error);
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
        blockchain_has_block(bc, hash, &local) ? blockchain_get_block(bc, hash, &local) : NULL;
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

/* @excerpt find-transaction */
gboolean blockchain_find_transaction_block(Blockchain *bc, const guint8 txid[BC_HASH_LEN],
                                           guint8 block_hash[BC_HASH_LEN], gint32 *height,
                                           GError **error)
{
    g_autofree gchar *hex = bc_hex_encode(txid, BC_HASH_LEN);
    g_autoptr(GError) local = NULL;
    g_autoptr(GBytes) raw =
        bc_store_get(bc->store, BLOCKCHAIN_TX_PREFIX, txid, BC_HASH_LEN, &local);
    if (raw == NULL && !g_error_matches(local, BC_ERROR, BC_ERROR_NOT_FOUND)) {
        g_propagate_error(error, g_steal_pointer(&local));
        return FALSE;
    }
    if (raw != NULL && g_bytes_get_size(raw) != BC_HASH_LEN + 4) {
        g_set_error(error, BC_ERROR, BC_ERROR_CORRUPT, "index record of transaction %s is damaged",
                    hex);
        return FALSE;
    }
    /* An entry counts only when the chain at its height holds its block: one written for a
     * block whose tip move a crash cut off names a height above the tip, or a block the
     * height index does not name. */
    guint8 on_chain[BC_HASH_LEN];
    const guint8 *where = raw != NULL ? g_bytes_get_data(raw, NULL) : NULL;
    guint32 le = 0;
    if (where != NULL)
        memcpy(&le, where + BC_HASH_LEN, sizeof le);
    gint32 at = (gint32)GUINT32_FROM_LE(le);
    if (where != NULL && at >= 0 && at <= bc->height &&
        !blockchain_get_hash_at(bc, at, on_chain, error))
        return FALSE;
    if (where == NULL || at < 0 || at > bc->height || memcmp(on_chain, where, BC_HASH_LEN) != 0) {
        g_set_error(error, BC_ERROR, BC_ERROR_NOT_FOUND, "transaction %s is not in the chain", hex);
        return FALSE;
    }
    memcpy(block_hash, where, BC_HASH_LEN);
    *height = at;
    return TRUE;
}

Transaction *blockchain_find_transaction(Blockchain *bc, const guint8 txid[BC_HASH_LEN],
                                         GError **error)
{
    /* One index lookup, and one block read when it is there: no walk. */
    guint8 hash[BC_HASH_LEN];
    gint32 height = 0;
    if (!blockchain_find_transaction_block(bc, txid, hash, &height, error))
        return NULL;
    g_autoptr(Block) block = blockchain_get_block(bc, hash, error);
    if (block == NULL)
        return NULL;
    for (guint t = 0; t < block->transactions->len; t++) {
        Transaction *tx = g_ptr_array_index(block->transactions, t);
        if (memcmp(tx->id, txid, BC_HASH_LEN) == 0)
            return g_ptr_array_steal_index(block->transactions, t);
    }
    g_autofree gchar *hex = bc_hex_encode(txid, BC_HASH_LEN);
    g_set_error(error, BC_ERROR, BC_ERROR_CORRUPT,
                "the index puts transaction %s in a block that does not hold it", hex);
    return NULL;
}

/* @end find-transaction */

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
