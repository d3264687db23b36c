/* cli.c: the commands of this chapter, each parsing its options and using the blockchain. */
#include "cli.h"

#include <stdio.h>

#include "bc_args.h"
#include "bc_error.h"
#include "bc_hex.h"
#include "address.h"
#include "addrman.h"
#include "blockchain.h"
#include "log.h"
#include "message.h"
#include "miner.h"
#include "node.h"
#include "peers.h"
#include "proof_of_work.h"
#include "client.h"
#include "utxo_set.h"
#include "wallets.h"

#define PROGRAM "blockchain"
/* The largest amount one send may move; far above any balance, and far from overflow. */
#define MAX_AMOUNT 1000000000

/* The central node, unless BC_CENTRAL_NODE names another (tests run on free ports). */
#define DEFAULT_CENTRAL_NODE "localhost:3000"

/* @excerpt node-files */
/* Every command runs as one node, named by NODE_ID: its port, address and files. */
typedef struct {
    gchar *id;
    guint16 port;
    gchar *address; /* "localhost:NODE_ID": where it listens unless -listen says otherwise */
    gchar *db;      /* blockchain_NODE_ID.db */
    gchar *wallets; /* wallet_NODE_ID.dat */
    gchar *peers;   /* peers_NODE_ID.dat, the address book */
} NodeFiles;

static const NodeFiles *node_files(GError **error)
{
    static NodeFiles files;
    if (files.id != NULL)
        return &files;
    const gchar *id = g_getenv("NODE_ID");
    guint64 port = 0;
    if (id == NULL) {
        g_set_error(error, BC_ERROR, BC_ERROR_INVALID_ARGUMENT,
                    "NODE_ID is not set: every command runs as one node, e.g. "
                    "'NODE_ID=3000 blockchain ...'");
        return NULL;
    }
    if (!g_ascii_string_to_unsigned(id, 10, 1, G_MAXUINT16, &port, NULL)) {
        g_set_error(error, BC_ERROR, BC_ERROR_INVALID_ARGUMENT,
                    "NODE_ID is the node's port: a number from 1 to 65535, not '%s'", id);
        return NULL;
    }
    files.port = (guint16)port;
    files.address = g_strdup_printf("localhost:%" G_GUINT64_FORMAT, port);
    files.db = g_strdup_printf(BLOCKCHAIN_DB_FILE_FORMAT, id);
    files.wallets = g_strdup_printf(WALLETS_FILE_FORMAT, id);
    files.peers = g_strdup_printf(ADDRMAN_FILE_FORMAT, id);
    files.id = g_strdup(id);
    return &files;
}
/* @end node-files */

static const gchar *central_node(GError **error)
{
    const gchar *central = g_getenv("BC_CENTRAL_NODE");
    if (central == NULL)
        return DEFAULT_CENTRAL_NODE;
    if (!message_address_is_valid(central)) {
        g_set_error(error, BC_ERROR, BC_ERROR_INVALID_ARGUMENT,
                    "BC_CENTRAL_NODE must be HOST:PORT, not '%s'", central);
        return NULL;
    }
    return central;
}

/* The difficulty BC_TARGET_BITS asks for, or the article's. */
static gboolean target_bits(guint32 *bits, GError **error)
{
    return pow_target_bits(bits, error);
}

/* Opens the chain in the current directory. */
static Blockchain *open_chain(gboolean write, GError **error)
{
    guint32 bits = 0;
    const NodeFiles *files = node_files(error);
    if (files == NULL || !target_bits(&bits, error))
        return NULL;
    return blockchain_open(files->db, write, bits, error);
}

/* The wallets of this node. */
static Wallets *load_wallets(GError **error)
{
    const NodeFiles *files = node_files(error);
    return files != NULL ? wallets_load(files->wallets, error) : NULL;
}

/* Prints ERROR and returns the exit code of a failed command. */
static int fail(const GError *error)
{
    bc_print_error(error);
    return 1;
}

/* A peer's address on the command line: HOST:PORT, [IPv6]:PORT. */
static gboolean check_peer(const gchar *option, const gchar *address, GError **error)
{
    if (!message_address_is_valid(address)) {
        g_set_error(error, BC_ERROR, BC_ERROR_INVALID_ARGUMENT,
                    "-%s needs HOST:PORT (or [IPv6]:PORT), not '%s'", option, address);
        return FALSE;
    }
    return TRUE;
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
    const NodeFiles *files = node_files(&error);
    if (files == NULL || !check_address(address, &error) || !target_bits(&bits, &error))
        return fail(error);
    g_autoptr(Blockchain) bc = blockchain_create(files->db, address, bits, &error);
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
    const gchar *from = NULL, *to = NULL, *connect = NULL;
    gint64 amount = 0;
    gboolean mine = FALSE;
    const BcOption options[] = {
        {"from", BC_OPT_STRING, &from, "ADDRESS", "the sender", TRUE, 0, 0},
        {"to", BC_OPT_STRING, &to, "ADDRESS", "the receiver", TRUE, 0, 0},
        {"amount", BC_OPT_INT, &amount, "N", "how many coins", TRUE, 1, MAX_AMOUNT},
        {"mine", BC_OPT_FLAG, &mine, NULL, "mine the block on this node", FALSE, 0, 0},
        {"connect", BC_OPT_STRING, &connect, "HOST:PORT", "the node to hand it to", FALSE, 0, 0},
        {0},
    };
    int code = bc_args_handle(argc, argv, options,
                              "Sends AMOUNT coins from FROM to TO. With -mine, this node mines "
                              "the block at once and the reward of " G_STRINGIFY(
                                  SUBSIDY) " goes to FROM; without it, the transaction goes "
                                           "to the node -connect names (else the central node), "
                                           "which passes it on to the miners.");
    if (code != BC_ARGS_RUN)
        return code;
    g_autoptr(GError) error = NULL;
    if (!check_address(from, &error) || !check_address(to, &error) ||
        (connect != NULL && !check_peer("connect", connect, &error)))
        return fail(error);
    /* Only the holder of FROM's private key can spend from it: it must be in our wallet. */
    g_autoptr(Wallets) wallets = load_wallets(&error);
    if (wallets == NULL)
        return fail(error);
    const Wallet *wallet = wallets_get_wallet(wallets, from);
    if (wallet == NULL) {
        g_set_error(&error, BC_ERROR, BC_ERROR_NOT_FOUND, "no key for '%s' in %s", from,
                    node_files(NULL)->wallets);
        return fail(error);
    }
    const gchar *central = connect != NULL ? connect : central_node(&error);
    g_autoptr(Blockchain) bc = central != NULL ? open_chain(mine, &error) : NULL;
    if (bc == NULL)
        return fail(error);
    Transaction *tx = transaction_new_utxo(wallet, to, amount, bc, &error);
    if (tx == NULL)
        return fail(error);
    if (!mine) {
        /* A miner will put it in a block: hand it to a node, which passes it on. Success
         * means that node took it, not that it is mined. */
        g_autoptr(Transaction) owned = tx;
        g_autoptr(GBytes) raw = transaction_serialize(owned);
        if (!client_send_transaction(central, raw, owned->id, &error))
            return fail(error);
        printf("Success!\n");
        return 0;
    }
    g_autoptr(GPtrArray) txs = g_ptr_array_new_with_free_func((GDestroyNotify)transaction_free);
    /* Whoever mines a block is paid by its first transaction, the coinbase. */
    Transaction *reward = transaction_new_coinbase(from, NULL, &error);
    if (reward == NULL) {
        transaction_free(tx);
        return fail(error);
    }
    g_ptr_array_add(txs, reward);
    g_ptr_array_add(txs, tx);
    g_autoptr(Block) block = blockchain_mine_block(bc, txs, &error);
    if (block == NULL)
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
    int code = bc_args_handle(
        argc, argv, options,
        "Creates a key pair, keeps it in wallet_<NODE_ID>.dat and prints its address.");
    if (code != BC_ARGS_RUN)
        return code;
    g_autoptr(GError) error = NULL;
    g_autoptr(Wallets) wallets = load_wallets(&error);
    g_autofree gchar *address = wallets != NULL ? wallets_create_wallet(wallets, &error) : NULL;
    if (address == NULL || !wallets_save(wallets, node_files(NULL)->wallets, &error))
        return fail(error);
    printf("Your new address: %s\n", address);
    return 0;
}

static int cmd_listaddresses(int argc, char **argv)
{
    const BcOption options[] = {{0}};
    int code = bc_args_handle(argc, argv, options, "Prints the addresses in wallet_<NODE_ID>.dat.");
    if (code != BC_ARGS_RUN)
        return code;
    g_autoptr(GError) error = NULL;
    g_autoptr(Wallets) wallets = load_wallets(&error);
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

/* @excerpt cli-startnode */
static int cmd_startnode(int argc, char **argv)
{
    const gchar *miner = NULL, *listen = NULL;
    gint64 max_outbound = PEERS_MAX_OUTBOUND, max_inbound = PEERS_MAX_INBOUND, max_reorg = 0;
    gint64 threads = miner_default_threads();
    g_autofree gchar *threads_help = g_strdup_printf(
        "with -miner, mine on N threads, 1 to %d (one per core: %u here)", MINER_MAX_THREADS,
        miner_default_threads());
    g_autoptr(GPtrArray) connect = g_ptr_array_new();
    const BcOption options[] = {
        {"miner", BC_OPT_STRING, &miner, "ADDRESS", "mine, and be paid at ADDRESS", FALSE, 0, 0},
        {"listen", BC_OPT_STRING, &listen, "HOST:PORT", "listen here (localhost:NODE_ID)", FALSE,
         0, 0},
        {"connect", BC_OPT_LIST, connect, "HOST:PORT", "a peer to dial (repeatable)", FALSE, 0,
         0},
        {"maxoutbound", BC_OPT_INT, &max_outbound, "N", "outbound peers (8)", FALSE, 0, 64},
        {"maxinbound", BC_OPT_INT, &max_inbound, "N", "inbound peers (64)", FALSE, 0, 1000},
        {"maxreorg", BC_OPT_INT, &max_reorg, "N",
         "follow no branch that forks more than N blocks below the tip (0: any)", FALSE, 0,
         1000000},
        {"threads", BC_OPT_INT, &threads, "N", threads_help, FALSE, 1, MINER_MAX_THREADS},
        {0},
    };
    int code = bc_args_handle(argc, argv, options,
                              "Runs the node NODE_ID until Ctrl-C (SIGINT) or SIGTERM. It dials "
                              "the -connect peers, else the central node " DEFAULT_CENTRAL_NODE
                              " (or BC_CENTRAL_NODE), and the peers of its address book.");
    if (code != BC_ARGS_RUN)
        return code;
    g_autoptr(GError) error = NULL;
    const NodeFiles *files = node_files(&error);
    const gchar *central = files != NULL ? central_node(&error) : NULL;
    if (central == NULL || (miner != NULL && !check_address(miner, &error)) ||
        (listen != NULL && !check_peer("listen", listen, &error)))
        return fail(error);
    for (guint i = 0; i < connect->len; i++)
        if (!check_peer("connect", g_ptr_array_index(connect, i), &error))
            return fail(error);
    if (connect->len == 0)
        g_ptr_array_add(connect, (gpointer)central);
    g_ptr_array_add(connect, NULL);
    g_autoptr(Blockchain) bc = open_chain(TRUE, &error);
    if (bc == NULL)
        return fail(error);
    bc->max_reorg_depth = (gint32)max_reorg;
    node_log_init(files->id);
    const NodeOptions node_options = {
        .listen = listen != NULL ? listen : files->address,
        .seeds = (const gchar *const *)connect->pdata,
        .miner_address = miner,
        .peers_path = files->peers,
        .max_outbound = (guint)max_outbound,
        .max_inbound = (guint)max_inbound,
        .threads = (guint)threads,
    };
    if (!node_run(bc, &node_options, &error))
        return fail(error);
    return 0;
}
/* @end cli-startnode */

int cli_run(int argc, char **argv)
{
    static const BcCommand commands[] = {
        {"createblockchain", "-address ADDRESS", "create a blockchain, genesis reward to ADDRESS",
         cmd_createblockchain},
        {"createwallet", "", "create a key pair and print its address", cmd_createwallet},
        {"getbalance", "-address ADDRESS", "print the balance of ADDRESS", cmd_getbalance},
        {"listaddresses", "", "print the addresses of the wallet file", cmd_listaddresses},
        {"send", "-from FROM -to TO -amount AMOUNT [-mine] [-connect HOST:PORT]",
         "send AMOUNT coins from FROM to TO",
         cmd_send},
        {"reindexutxo", "", "rebuild the UTXO set from the chain", cmd_reindexutxo},
        {"printchain", "", "print all the blocks of the chain", cmd_printchain},
        {"startnode", "[-listen HOST:PORT] [-connect HOST:PORT]... [-miner ADDRESS] [-threads N]",
         "run this node; with -miner, mine for ADDRESS",
         cmd_startnode},
        {0},
    };
    return bc_args_dispatch(PROGRAM, argc, argv, commands);
}
