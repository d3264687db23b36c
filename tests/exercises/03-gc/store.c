/* store.c: looks into blockchain.db, and plays a crash, with the chapter's own functions, for
 * 03-gc's check.
 *   store orphan DATA   mines a block on the tip and stores it, but leaves the tip alone, as a
 *                       crash between blockchain_add_block's two writes would; prints its hash
 *   store count         prints how many block ('b') records the database holds
 *   store has HASH      exits 0 when a block record is stored under HASH, 1 when not */
#include <stdio.h>
#include <string.h>

#include "bc_error.h"
#include "bc_hex.h"
#include "blockchain.h"

static gboolean count_one(const guint8 *key, gsize key_len, GBytes *value, gpointer user_data)
{
    (void)key, (void)key_len, (void)value;
    (*(guint *)user_data)++;
    return TRUE;
}

static int run(int argc, char **argv, GError **error)
{
    gboolean orphan = argc == 3 && strcmp(argv[1], "orphan") == 0;
    g_autoptr(BcStore) store =
        bc_store_open(BLOCKCHAIN_DB_FILE, orphan ? BC_STORE_WRITE : BC_STORE_READ, error);
    if (store == NULL)
        return 1;
    if (orphan) {
        g_autoptr(GBytes) tip = bc_store_get(store, BLOCKCHAIN_TIP_KEY, NULL, 0, error);
        if (tip == NULL)
            return 1;
        g_autoptr(Block) block = block_new(argv[2], g_bytes_get_data(tip, NULL), 8);
        g_autoptr(GBytes) record = block_serialize(block);
        if (!bc_store_put(store, BLOCKCHAIN_BLOCK_PREFIX, block->hash, BC_HASH_LEN, record,
                          error) ||
            !bc_store_sync(store, error))
            return 1;
        g_autofree gchar *hex = bc_hex_encode(block->hash, BC_HASH_LEN);
        printf("%s\n", hex);
        return 0;
    }
    if (argc == 2 && strcmp(argv[1], "count") == 0) {
        guint n = 0;
        if (!bc_store_foreach(store, BLOCKCHAIN_BLOCK_PREFIX, count_one, &n, error))
            return 1;
        printf("%u\n", n);
        return 0;
    }
    guint8 hash[BC_HASH_LEN];
    if (argc == 3 && strcmp(argv[1], "has") == 0 &&
        bc_hex_decode(argv[2], hash, BC_HASH_LEN, error))
        return bc_store_contains(store, BLOCKCHAIN_BLOCK_PREFIX, hash, BC_HASH_LEN, error) ? 0 : 1;
    fprintf(stderr, "usage: store orphan DATA | count | has HASH\n");
    return 2;
}

int main(int argc, char **argv)
{
    g_autoptr(GError) error = NULL;
    int status = run(argc, argv, &error);
    if (error != NULL)
        bc_print_error(error);
    return status;
}
