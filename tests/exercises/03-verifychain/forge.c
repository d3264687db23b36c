/* forge.c: writes a bad block into blockchain.db the way a careless or dishonest program
 * could, with the chapter's own functions, for 03-verifychain's check.
 *   forge unmined DATA    a new tip whose record decodes, but whose hash misses its target
 *   forge dangling DATA   a new, properly mined tip whose parent is not in the database
 * Prints the new block's hash. */
#include <stdio.h>
#include <string.h>

#include "bc_error.h"
#include "bc_hex.h"
#include "blockchain.h"
#include "proof_of_work.h"

int main(int argc, char **argv)
{
    if (argc != 3 || (strcmp(argv[1], "unmined") != 0 && strcmp(argv[1], "dangling") != 0)) {
        fprintf(stderr, "usage: forge unmined|dangling DATA\n");
        return 2;
    }
    g_autoptr(GError) error = NULL;
    g_autoptr(Blockchain) bc = blockchain_open(BLOCKCHAIN_DB_FILE, TRUE, 8, &error);
    if (bc == NULL) {
        bc_print_error(error);
        return 1;
    }
    g_autoptr(Block) block = NULL;
    if (strcmp(argv[1], "unmined") == 0) {
        block = g_new0(Block, 1);
        block->timestamp = g_get_real_time() / G_USEC_PER_SEC;
        block->data = g_bytes_new(argv[2], strlen(argv[2]));
        memcpy(block->prev_hash, bc->tip, BC_HASH_LEN);
        block->bits = 8;
        /* The first nonce that does NOT work: a hash that matches the header, and no proof. */
        for (block->nonce = 0;; block->nonce++) {
            block_compute_hash(block, block->hash);
            if (!pow_validate(block))
                break;
        }
    } else {
        guint8 nowhere[BC_HASH_LEN];
        memset(nowhere, 0x5a, sizeof nowhere);
        block = block_new(argv[2], nowhere, 8);
    }
    g_autoptr(GBytes) record = block_serialize(block);
    g_autoptr(GBytes) tip = g_bytes_new(block->hash, BC_HASH_LEN);
    if (!bc_store_put(bc->store, BLOCKCHAIN_BLOCK_PREFIX, block->hash, BC_HASH_LEN, record,
                      &error) ||
        !bc_store_put(bc->store, BLOCKCHAIN_TIP_KEY, NULL, 0, tip, &error) ||
        !bc_store_sync(bc->store, &error)) {
        bc_print_error(error);
        return 1;
    }
    g_autofree gchar *hex = bc_hex_encode(block->hash, BC_HASH_LEN);
    printf("%s\n", hex);
    return 0;
}
