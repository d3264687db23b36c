/* blockchain.c: an in-memory chain of blocks. */
#include "blockchain.h"

/* @excerpt blockchain-new */
Blockchain *blockchain_new(guint32 bits)
{
    Blockchain *bc = g_new0(Blockchain, 1);
    bc->blocks = g_ptr_array_new_with_free_func((GDestroyNotify)block_free);
    bc->bits = bits;
    g_ptr_array_add(bc->blocks, block_new_genesis(bits));
    return bc;
}
/* @end blockchain-new */

void blockchain_free(Blockchain *bc)
{
    if (bc == NULL)
        return;
    g_ptr_array_unref(bc->blocks);
    g_free(bc);
}

/* @excerpt add-block */
void blockchain_add_block(Blockchain *bc, const gchar *data)
{
    const Block *last = g_ptr_array_index(bc->blocks, bc->blocks->len - 1);
    g_ptr_array_add(bc->blocks, block_new(data, last->hash, bc->bits));
}
/* @end add-block */
