/* forge.c: mines a block with a transaction that send would never make, with the chapter's
 * own functions, for 04-verifychain's check. It expects the chain the check builds: genesis
 * paying Ivan 10, then T1 sending 3 of them to Pedro (T1's outputs: 3 to Pedro, 7 to Ivan).
 *   forge missing   spends an output of a transaction that does not exist
 *   forge index     spends T1's output 5, which T1 does not have
 *   forge double    spends the genesis output again, which T1 already spent
 *   forge twice     two transactions in one block, both spending Pedro's 3
 *   forge mint      spends Ivan's 7 and creates 107
 *   forge thief     Mallory spends Pedro's 3
 * Prints the ID of each transaction it wrote, one per line. */
#include <stdio.h>
#include <string.h>

#include "bc_error.h"
#include "bc_hex.h"
#include "blockchain.h"

/* A transaction spending TXID:VOUT, signed SCRIPT, paying VALUE to Mallory (and 7 to Ivan
 * when IVAN is set). */
static Transaction *spend(const guint8 txid[BC_HASH_LEN], gint32 vout, const gchar *script,
                          gint64 value, gboolean ivan)
{
    Transaction *tx = transaction_new();
    transaction_add_input(tx, txid, vout, script);
    if (ivan)
        transaction_add_output(tx, 7, "Ivan");
    transaction_add_output(tx, value, "Mallory");
    transaction_set_id(tx);
    return tx;
}

int main(int argc, char **argv)
{
    const gchar *how = argc == 2 ? argv[1] : "";
    g_autoptr(GError) error = NULL;
    g_autoptr(Blockchain) bc = blockchain_open(BLOCKCHAIN_DB_FILE, TRUE, 8, &error);
    if (bc == NULL) {
        bc_print_error(error);
        return 1;
    }
    /* The chain is genesis, then T1's block: the tip's transaction and its parent's. */
    g_autoptr(Block) tip = blockchain_get_block(bc, bc->tip, &error);
    g_autoptr(Block) genesis =
        tip != NULL ? blockchain_get_block(bc, tip->prev_hash, &error) : NULL;
    if (genesis == NULL) {
        bc_print_error(error);
        return 1;
    }
    const Transaction *t0 = g_ptr_array_index(genesis->transactions, 0);
    const Transaction *t1 = g_ptr_array_index(tip->transactions, 0);
    guint8 nowhere[BC_HASH_LEN];
    memset(nowhere, 0x5a, sizeof nowhere);

    g_autoptr(GPtrArray) txs = g_ptr_array_new_with_free_func((GDestroyNotify)transaction_free);
    if (strcmp(how, "missing") == 0) {
        g_ptr_array_add(txs, spend(nowhere, 0, "Ivan", 5, FALSE));
    } else if (strcmp(how, "index") == 0) {
        g_ptr_array_add(txs, spend(t1->id, 5, "Pedro", 3, FALSE));
    } else if (strcmp(how, "double") == 0) {
        g_ptr_array_add(txs, spend(t0->id, 0, "Ivan", 10, FALSE));
    } else if (strcmp(how, "twice") == 0) {
        g_ptr_array_add(txs, spend(t1->id, 0, "Pedro", 3, FALSE));
        g_ptr_array_add(txs, spend(t1->id, 0, "Pedro", 2, FALSE));
    } else if (strcmp(how, "mint") == 0) {
        g_ptr_array_add(txs, spend(t1->id, 1, "Ivan", 100, TRUE));
    } else if (strcmp(how, "thief") == 0) {
        g_ptr_array_add(txs, spend(t1->id, 0, "Mallory", 3, FALSE));
    } else {
        fprintf(stderr, "usage: forge missing|index|double|twice|mint|thief\n");
        return 2;
    }
    if (!blockchain_mine_block(bc, txs, &error)) {
        bc_print_error(error);
        return 1;
    }
    for (guint i = 0; i < txs->len; i++) {
        g_autofree gchar *hex = bc_hex_encode(((Transaction *)txs->pdata[i])->id, BC_HASH_LEN);
        printf("%s\n", hex);
    }
    return 0;
}
