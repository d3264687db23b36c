/* blockchain.c: the chain in a GDBM file: storing blocks, the tip, and walking back. */
#include "blockchain.h"

#include <string.h>

#include "bc_error.h"

static gboolean store_block(BcStore *store, const Block *block, GError **error)
{
    g_autoptr(GBytes) raw = block_serialize(block);
    return bc_store_put(store, BLOCKCHAIN_BLOCK_PREFIX, block->hash, BC_HASH_LEN, raw, error);
}

/* @excerpt blockchain-create */
static gboolean blockchain_create(const gchar *path, guint32 bits, GError **error)
{
    /* Mine first, then write: a slow or interrupted mining leaves no half-made file. */
    g_autoptr(Block) genesis = block_new_genesis(bits);
    g_autoptr(BcStore) store = bc_store_open(path, BC_STORE_CREATE, error);
    if (store == NULL)
        return FALSE;
    g_autoptr(GBytes) tip = g_bytes_new(genesis->hash, BC_HASH_LEN);
    return bc_store_put_format(store, BLOCKCHAIN_FORMAT, error) &&
           store_block(store, genesis, error) &&
           bc_store_put(store, BLOCKCHAIN_TIP_KEY, NULL, 0, tip, error) &&
           bc_store_sync(store, error);
}
/* @end blockchain-create */

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

Blockchain *blockchain_open(const gchar *path, gboolean write, guint32 bits, GError **error)
{
    if (!bc_store_exists(path) && !blockchain_create(path, bits, error))
        return NULL;
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
gboolean blockchain_add_block(Blockchain *bc, const gchar *data, GError **error)
{
    if (strlen(data) > BLOCK_MAX_DATA) {
        g_set_error(error, BC_ERROR, BC_ERROR_TOO_LARGE, "data is over the limit of %d bytes",
                    BLOCK_MAX_DATA);
        return FALSE;
    }
    g_autoptr(Block) block = block_new(data, bc->tip, bc->bits);
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
