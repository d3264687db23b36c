/* pick.c: asks the chapter's own transaction_new_utxo which outputs a send would spend, for
 * 04-coin-selection's check. Reads blockchain.db, writes nothing.
 *   pick FROM TO AMOUNT   prints the values of the outputs spent, in order, on one line, and
 *                         the values of the outputs created on the next */
#include <stdio.h>
#include <string.h>

#include "bc_error.h"
#include "blockchain.h"
#include "transaction.h"

/* The value of the output IN spends, from FROM's UNSPENT outputs; -1 when it is not one. */
static gint64 spent_value(const TxInput *in, GArray *unspent)
{
    for (guint i = 0; i < unspent->len; i++) {
        const UnspentOutput *u = &g_array_index(unspent, UnspentOutput, i);
        if (u->index == in->vout && memcmp(u->txid, in->txid, BC_HASH_LEN) == 0)
            return u->value;
    }
    return -1;
}

int main(int argc, char **argv)
{
    gint64 amount = 0;
    if (argc != 4 || !g_ascii_string_to_signed(argv[3], 10, 1, 1000000, &amount, NULL)) {
        fprintf(stderr, "usage: pick FROM TO AMOUNT\n");
        return 2;
    }
    g_autoptr(GError) error = NULL;
    g_autoptr(Blockchain) bc = blockchain_open(BLOCKCHAIN_DB_FILE, FALSE, 8, &error);
    g_autoptr(GArray) unspent =
        bc != NULL ? blockchain_find_unspent_outputs(bc, argv[1], &error) : NULL;
    g_autoptr(Transaction) tx =
        unspent != NULL ? transaction_new_utxo(argv[1], argv[2], amount, bc, &error) : NULL;
    if (tx == NULL) {
        bc_print_error(error);
        return 1;
    }
    for (guint i = 0; i < tx->vin->len; i++)
        printf("%s%" G_GINT64_FORMAT, i > 0 ? " " : "",
               spent_value(g_ptr_array_index(tx->vin, i), unspent));
    printf("\n");
    for (guint i = 0; i < tx->vout->len; i++)
        printf("%s%" G_GINT64_FORMAT, i > 0 ? " " : "",
               ((const TxOutput *)g_ptr_array_index(tx->vout, i))->value);
    printf("\n");
    return 0;
}
