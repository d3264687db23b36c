/* cli.c: the commands of this chapter, each parsing its options and using the blockchain. */
#include "cli.h"

#include <stdio.h>

#include "bc_args.h"
#include "bc_error.h"
#include "bc_hex.h"
#include "address.h"
#include "blockchain.h"
#include "proof_of_work.h"
#include "utxo_set.h"
#include "wallets.h"

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

/* Every address on the command line is checked before anything is opened or written. */
static gboolean check_address(const gchar *address, GError **error)
{
    return address_validate(address, error);
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
    guint8 pubkey_hash[BC_RIPEMD160_LEN];
    if (!address_to_pubkey_hash(address, pubkey_hash, &error))
        return fail(error);
    g_autoptr(Blockchain) bc = open_chain(FALSE, &error);
    UtxoSet utxo = {bc};
    g_autoptr(GArray) unspent =
        bc != NULL ? utxo_set_find_unspent(&utxo, pubkey_hash, &error) : NULL;
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
    gboolean mine = FALSE;
    const BcOption options[] = {
        {"from", BC_OPT_STRING, &from, "ADDRESS", "the sender", TRUE, 0, 0},
        {"to", BC_OPT_STRING, &to, "ADDRESS", "the receiver", TRUE, 0, 0},
        {"amount", BC_OPT_INT, &amount, "N", "how many coins", TRUE, 1, MAX_AMOUNT},
        /* Without a network every send is mined here; -mine is accepted so that the command
         * lines of chapter 7 work unchanged. */
        {"mine", BC_OPT_FLAG, &mine, NULL, "mine the block on this node (always, here)", FALSE, 0,
         0},
        {0},
    };
    int code = bc_args_handle(argc, argv, options,
                              "Sends AMOUNT coins from FROM to TO and mines the block at once; "
                              "the block's reward of " G_STRINGIFY(SUBSIDY) " goes to FROM.");
    if (code != BC_ARGS_RUN)
        return code;
    g_autoptr(GError) error = NULL;
    if (!check_address(from, &error) || !check_address(to, &error))
        return fail(error);
    /* Only the holder of FROM's private key can spend from it: it must be in our wallet. */
    g_autoptr(Wallets) wallets = wallets_load(WALLETS_FILE, &error);
    if (wallets == NULL)
        return fail(error);
    const Wallet *wallet = wallets_get_wallet(wallets, from);
    if (wallet == NULL) {
        g_set_error(&error, BC_ERROR, BC_ERROR_NOT_FOUND, "no key for '%s' in %s", from,
                    WALLETS_FILE);
        return fail(error);
    }
    g_autoptr(Blockchain) bc = open_chain(TRUE, &error);
    if (bc == NULL)
        return fail(error);
    Transaction *tx = transaction_new_utxo(wallet, to, amount, bc, &error);
    if (tx == NULL)
        return fail(error);
    g_autoptr(GPtrArray) txs = g_ptr_array_new_with_free_func((GDestroyNotify)transaction_free);
    /* Whoever mines a block is paid by its first transaction, the coinbase. */
    Transaction *reward = transaction_new_coinbase(from, NULL, &error);
    if (reward == NULL) {
        transaction_free(tx);
        return fail(error);
    }
    g_ptr_array_add(txs, reward);
    g_ptr_array_add(txs, tx);
    if (!blockchain_mine_block(bc, txs, &error))
        return fail(error);
    printf("Success!\n");
    return 0;
}
/* @end cli-send */

static int cmd_reindexutxo(int argc, char **argv)
{
    const BcOption options[] = {{0}};
    int code = bc_args_handle(argc, argv, options,
                              "Rebuilds the UTXO set from the blocks and prints its size.");
    if (code != BC_ARGS_RUN)
        return code;
    g_autoptr(GError) error = NULL;
    g_autoptr(Blockchain) bc = open_chain(TRUE, &error);
    if (bc == NULL)
        return fail(error);
    UtxoSet utxo = {bc};
    guint count = 0;
    if (!utxo_set_reindex(&utxo, &count, &error))
        return fail(error);
    printf("Done! There are %u transactions in the UTXO set.\n", count);
    return 0;
}

static int cmd_createwallet(int argc, char **argv)
{
    const BcOption options[] = {{0}};
    int code =
        bc_args_handle(argc, argv, options,
                       "Creates a key pair, keeps it in " WALLETS_FILE " and prints its address.");
    if (code != BC_ARGS_RUN)
        return code;
    g_autoptr(GError) error = NULL;
    g_autoptr(Wallets) wallets = wallets_load(WALLETS_FILE, &error);
    g_autofree gchar *address = wallets != NULL ? wallets_create_wallet(wallets, &error) : NULL;
    if (address == NULL || !wallets_save(wallets, WALLETS_FILE, &error))
        return fail(error);
    printf("Your new address: %s\n", address);
    return 0;
}

static int cmd_listaddresses(int argc, char **argv)
{
    const BcOption options[] = {{0}};
    int code = bc_args_handle(argc, argv, options, "Prints the addresses in " WALLETS_FILE ".");
    if (code != BC_ARGS_RUN)
        return code;
    g_autoptr(GError) error = NULL;
    g_autoptr(Wallets) wallets = wallets_load(WALLETS_FILE, &error);
    if (wallets == NULL)
        return fail(error);
    g_auto(GStrv) addresses = wallets_get_addresses(wallets);
    for (gsize i = 0; addresses[i] != NULL; i++)
        printf("%s\n", addresses[i]);
    return 0;
}

static void print_block(const Block *block)
{
    g_autofree gchar *hash = bc_hex_encode(block->hash, BC_HASH_LEN);
    g_autofree gchar *prev = bc_hex_encode(block->prev_hash, BC_HASH_LEN);
    printf("============ Block %s ============\n", hash);
    printf("Prev. block: %s\n", prev);
    printf("PoW: %s\n", pow_validate(block) ? "true" : "false");
    for (guint i = 0; i < block->transactions->len; i++) {
        g_autofree gchar *tx = transaction_to_string(g_ptr_array_index(block->transactions, i));
        printf("%s", tx);
    }
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
        {"createwallet", "", "create a key pair and print its address", cmd_createwallet},
        {"getbalance", "-address ADDRESS", "print the balance of ADDRESS", cmd_getbalance},
        {"listaddresses", "", "print the addresses of the wallet file", cmd_listaddresses},
        {"send", "-from FROM -to TO -amount AMOUNT [-mine]", "send AMOUNT coins from FROM to TO",
         cmd_send},
        {"reindexutxo", "", "rebuild the UTXO set from the chain", cmd_reindexutxo},
        {"printchain", "", "print all the blocks of the chain", cmd_printchain},
        {0},
    };
    return bc_args_dispatch(PROGRAM, argc, argv, commands);
}
