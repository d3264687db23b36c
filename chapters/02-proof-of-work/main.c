/* main.c: mines a three-block chain in memory and prints it with its proof-of-work check. */
#include <stdio.h>

#include "bc_error.h"
#include "bc_hex.h"
#include "blockchain.h"
#include "proof_of_work.h"

/* @excerpt print-block */
static void print_block(const Block *block)
{
    g_autofree gchar *prev = bc_hex_encode(block->prev_hash, BC_HASH_LEN);
    g_autofree gchar *hash = bc_hex_encode(block->hash, BC_HASH_LEN);
    gsize len = 0;
    const gchar *data = g_bytes_get_data(block->data, &len);
    printf("Prev. hash: %s\n", prev);
    printf("Data: %.*s\n", (int)len, len > 0 ? data : "");
    printf("Hash: %s\n", hash);
    printf("PoW: %s\n", pow_validate(block) ? "true" : "false");
    printf("\n");
}
/* @end print-block */

/* @excerpt main */
int main(void)
{
    g_autoptr(GError) error = NULL;
    guint32 bits = 0;
    if (!pow_target_bits(&bits, &error)) {
        bc_print_error(error);
        return 1;
    }
    g_autoptr(Blockchain) bc = blockchain_new(bits);
    blockchain_add_block(bc, "Send 1 BTC to Ivan");
    blockchain_add_block(bc, "Send 2 more BTC to Ivan");

    for (guint i = 0; i < bc->blocks->len; i++)
        print_block(g_ptr_array_index(bc->blocks, i));
    return 0;
}
/* @end main */
