/* cli.c: the commands of this chapter, each parsing its options and using the blockchain. */
#include "cli.h"

#include <stdio.h>

#include "bc_args.h"
#include "bc_error.h"
#include "bc_hex.h"
#include "blockchain.h"
#include "proof_of_work.h"

#define PROGRAM "blockchain"
/* The largest amount one send may move; far above any balance, and far from overflow. */
#define MAX_AMOUNT 1000000000

/* The difficulty BC_TARGET_BITS asks for, or the article's. */
static gboolean target_bits(guint32 *bits, GError **error)
{
    return pow_target_bits(bits, error);
}

/* Opens the chain in the current directory. */
static Blockchain *open_chain(gboolean write, GError **error)
{
    guint32 bits = 0;
    if (!target_bits(&bits, error))
        return NULL;
    return blockchain_open(BLOCKCHAIN_DB_FILE, write, bits, error);
}

/* Prints ERROR and returns the exit code of a failed command. */
static int fail(const GError *error)
{
    bc_print_error(error);
    return 1;
}

/* Addresses are plain names in this chapter: any text but the empty one. Text means UTF-8,
 * because transactions store them as GVariant strings, which must be valid UTF-8. */
static gboolean check_address(const gchar *address, GError **error)
{
    if (*address == '\0') {
        g_set_error(error, BC_ERROR, BC_ERROR_INVALID_ARGUMENT, "invalid address ''");
        return FALSE;
    }
    if (!g_utf8_validate(address, -1, NULL)) {
        g_set_error(error, BC_ERROR, BC_ERROR_INVALID_ARGUMENT,
                    "invalid address: it is not UTF-8 text");
        return FALSE;
    }
    return TRUE;
}

static int cmd_createblockchain(int argc, char **argv)
{
    const gchar *address = NULL;
    const BcOption options[] = {
        {"address", BC_OPT_STRING, &address, "ADDRESS", "who gets the genesis reward", TRUE, 0, 0},
        {0},
    };
    int code = bc_args_handle(argc, argv, options,
                              "Creates the blockchain; its genesis block pays ADDRESS.");
    if (code != BC_ARGS_RUN)
        return code;
    g_autoptr(GError) error = NULL;
    guint32 bits = 0;
    if (!check_address(address, &error) || !target_bits(&bits, &error))
        return fail(error);
    g_autoptr(Blockchain) bc = blockchain_create(BLOCKCHAIN_DB_FILE, address, bits, &error);
    if (bc == NULL)
        return fail(error);
    printf("Done!\n");
    return 0;
}

static int cmd_getbalance(int argc, char **argv)
{
    const gchar *address = NULL;
    const BcOption options[] = {
        {"address", BC_OPT_STRING, &address, "ADDRESS", "whose balance", TRUE, 0, 0},
        {0},
    };
    int code = bc_args_handle(argc, argv, options, "Prints the balance of ADDRESS.");
    if (code != BC_ARGS_RUN)
        return code;
    g_autoptr(GError) error = NULL;
    if (!check_address(address, &error))
        return fail(error);
    g_autoptr(Blockchain) bc = open_chain(FALSE, &error);
    g_autoptr(GArray) unspent =
        bc != NULL ? blockchain_find_unspent_outputs(bc, address, &error) : NULL;
    if (unspent == NULL)
        return fail(error);
    gint64 balance = 0;
    for (guint i = 0; i < unspent->len; i++)
        balance += g_array_index(unspent, UnspentOutput, i).value;
    printf("Balance of '%s': %" G_GINT64_FORMAT "\n", address, balance);
    return 0;
}

/* @excerpt cli-send */
static int cmd_send(int argc, char **argv)
{
    const gchar *from = NULL, *to = NULL;
    gint64 amount = 0;
    const BcOption options[] = {
        {"from", BC_OPT_STRING, &from, "ADDRESS", "the sender", TRUE, 0, 0},
        {"to", BC_OPT_STRING, &to, "ADDRESS", "the receiver", TRUE, 0, 0},
        {"amount", BC_OPT_INT, &amount, "N", "how many coins", TRUE, 1, MAX_AMOUNT},
        {0},
    };
    int code = bc_args_handle(argc, argv, options,
                              "Sends AMOUNT coins from FROM to TO and mines the block at once.");
    if (code != BC_ARGS_RUN)
        return code;
    g_autoptr(GError) error = NULL;
    if (!check_address(from, &error) || !check_address(to, &error))
        return fail(error);
    g_autoptr(Blockchain) bc = open_chain(TRUE, &error);
    if (bc == NULL)
        return fail(error);
    Transaction *tx = transaction_new_utxo(from, to, amount, bc, &error);
    if (tx == NULL)
        return fail(error);
    g_autoptr(GPtrArray) txs = g_ptr_array_new_with_free_func((GDestroyNotify)transaction_free);
    g_ptr_array_add(txs, tx);
    if (!blockchain_mine_block(bc, txs, &error))
        return fail(error);
    printf("Success!\n");
    return 0;
}
/* @end cli-send */

static void print_block(const Block *block)
{
    g_autofree gchar *prev = bc_hex_encode(block->prev_hash, BC_HASH_LEN);
    g_autofree gchar *hash = bc_hex_encode(block->hash, BC_HASH_LEN);
    printf("Prev. hash: %s\n", prev);
    printf("Hash: %s\n", hash);
    printf("Transactions: %u\n", block->transactions->len);
    printf("PoW: %s\n", pow_validate(block) ? "true" : "false");
    printf("\n");
}

static int cmd_printchain(int argc, char **argv)
{
    const BcOption options[] = {{0}};
    int code = bc_args_handle(argc, argv, options, "Prints every block, newest first.");
    if (code != BC_ARGS_RUN)
        return code;
    g_autoptr(GError) error = NULL;
    g_autoptr(Blockchain) bc = open_chain(FALSE, &error);
    if (bc == NULL)
        return fail(error);
    BlockchainIterator it;
    blockchain_iterator_init(&it, bc);
    Block *block;
    while ((block = blockchain_iterator_next(&it, &error)) != NULL) {
        print_block(block);
        block_free(block);
    }
    return error != NULL ? fail(error) : 0;
}

int cli_run(int argc, char **argv)
{
    static const BcCommand commands[] = {
        {"createblockchain", "-address ADDRESS", "create a blockchain, genesis reward to ADDRESS",
         cmd_createblockchain},
        {"getbalance", "-address ADDRESS", "print the balance of ADDRESS", cmd_getbalance},
        {"send", "-from FROM -to TO -amount AMOUNT", "send AMOUNT coins from FROM to TO", cmd_send},
        {"printchain", "", "print all the blocks of the chain", cmd_printchain},
        {0},
    };
    return bc_args_dispatch(PROGRAM, argc, argv, commands);
}
