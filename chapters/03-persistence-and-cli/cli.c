/* cli.c: the commands of this chapter, each parsing its options and using the blockchain. */
#include "cli.h"

#include <stdio.h>

#include "bc_args.h"
#include "bc_error.h"
#include "bc_hex.h"
#include "blockchain.h"
#include "proof_of_work.h"

#define PROGRAM "blockchain"

/* Opens the chain in the current directory at the difficulty BC_TARGET_BITS asks for. */
static Blockchain *open_chain(gboolean write, GError **error)
{
    guint32 bits = 0;
    if (!pow_target_bits(&bits, error))
        return NULL;
    return blockchain_open(BLOCKCHAIN_DB_FILE, write, bits, error);
}

/* Prints ERROR and returns the exit code of a failed command. */
static int fail(const GError *error)
{
    bc_print_error(error);
    return 1;
}

static int cmd_addblock(int argc, char **argv)
{
    const gchar *data = NULL;
    const BcOption options[] = {
        {"data", BC_OPT_STRING, &data, "DATA", "what the new block records", TRUE, 0, 0},
        {0},
    };
    int code = bc_args_handle(argc, argv, options, "Mines a new block holding DATA.");
    if (code != BC_ARGS_RUN)
        return code;
    g_autoptr(GError) error = NULL;
    g_autoptr(Blockchain) bc = open_chain(TRUE, &error);
    if (bc == NULL || !blockchain_add_block(bc, data, &error))
        return fail(error);
    printf("Success!\n");
    return 0;
}

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
        {"addblock", "-data DATA", "mine a block holding DATA", cmd_addblock},
        {"printchain", "", "print all the blocks of the chain", cmd_printchain},
        {0},
    };
    return bc_args_dispatch(PROGRAM, argc, argv, commands);
}
