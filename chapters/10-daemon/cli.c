/* cli.c: the commands of this chapter, each parsing its options and using the blockchain. */
#include "cli.h"

#include <stdio.h>

#include "bc_args.h"
#include "bc_error.h"
#include "bc_hex.h"
#include "address.h"
#include "addrman.h"
#include "blockchain.h"
#include "commands.h"
#include "control.h"
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
#define MAX_AMOUNT CONTROL_MAX_AMOUNT

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
    gchar *control; /* node_NODE_ID.sock, the running node's control socket (chapter 10) */
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
    files.control = g_strdup_printf(CONTROL_SOCKET_FORMAT, id);
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

/* @excerpt ask-node */
/* Runs REQUEST on the node NODE_ID when it runs, printing what it answers: TRUE with its exit
 * status in *CODE. FALSE when no node runs: the caller opens the files itself. */
static gboolean ask_node(const ControlRequest *request, int *code)
{
    g_autoptr(GError) error = NULL;
    const NodeFiles *files = node_files(NULL);
    if (files == NULL)
        return FALSE; /* the caller says why */
    g_autoptr(GSocket) socket = control_connect(files->control, &error);
    if (socket == NULL) {
        if (error == NULL)
            return FALSE;
        *code = fail(error);
        return TRUE;
    }
    g_auto(ControlAnswer) answer = {0};
    if (!control_call(socket, request, &answer, &error)) {
        *code = fail(error);
        return TRUE;
    }
    fputs(answer.out, stdout);
    if (answer.status != 0)
        fprintf(stderr, "error: %s\n", answer.error);
    *code = CLAMP(answer.status, 0, 125);
    return TRUE;
}
/* @end ask-node */

/* Whether a node answers on NODE_ID's control socket. */
static gboolean node_runs(void)
{
    const NodeFiles *files = node_files(NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(GSocket) socket = files != NULL ? control_connect(files->control, &error) : NULL;
    return socket != NULL;
}

/* With no node running: the state a stopped node leaves, its chain and its wallet file. */
static NodeState stopped_node(Blockchain *bc)
{
    return (NodeState){.bc = bc, .wallets_path = node_files(NULL)->wallets};
}

/* Prints OUT, what a command made before it ended, then its exit code. */
static int finish(GString *out, gboolean ok, const GError *error)
{
    fputs(out->str, stdout);
    return ok ? 0 : fail(error);
}

typedef gboolean (*StateCommand)(const NodeState *state, GString *out, GError **error);

/* A command without options that reads the node's state: asked of the running node, else run on
 * the chain in its files. */
static int run_state_command(ControlCommand command, StateCommand run)
{
    const ControlRequest request = {.command = command};
    int code = 0;
    if (ask_node(&request, &code))
        return code;
    g_autoptr(GError) error = NULL;
    g_autoptr(Blockchain) bc = open_chain(FALSE, &error);
    if (bc == NULL)
        return fail(error);
    const NodeState state = stopped_node(bc);
    g_autoptr(GString) out = g_string_new(NULL);
    gboolean ok = run(&state, out, &error);
    return finish(out, ok, error);
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
    gboolean unconfirmed = FALSE;
    const BcOption options[] = {
        {"address", BC_OPT_STRING, &address, "ADDRESS", "whose balance", TRUE, 0, 0},
        {"unconfirmed", BC_OPT_FLAG, &unconfirmed, NULL,
         "also the balance after the running node's unconfirmed transactions", FALSE, 0, 0},
        {0},
    };
    int code = bc_args_handle(argc, argv, options,
                              "Prints the balance of ADDRESS. With -unconfirmed, a second line: "
                              "the balance once the transactions in the running node's mempool "
                              "are in a block (with no node running, the same figure).");
    if (code != BC_ARGS_RUN)
        return code;
    g_autoptr(GError) error = NULL;
    if (!check_address(address, &error))
        return fail(error);
    const ControlRequest request = {.command = CONTROL_GETBALANCE,
                                    .address = (gchar *)address,
                                    .unconfirmed = unconfirmed};
    if (ask_node(&request, &code))
        return code;
    g_autoptr(Blockchain) bc = open_chain(FALSE, &error);
    if (bc == NULL)
        return fail(error);
    const NodeState state = stopped_node(bc);
    g_autoptr(GString) out = g_string_new(NULL);
    gboolean ok = commands_getbalance(&state, address, unconfirmed, out, &error);
    return finish(out, ok, error);
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
                                           "which passes it on to the miners. While the node "
                                           "NODE_ID runs, it makes the transaction from coins "
                                           "its mempool does not spend yet, and relays it "
                                           "(-mine and -connect are refused then).");
    if (code != BC_ARGS_RUN)
        return code;
    g_autoptr(GError) error = NULL;
    if (!check_address(from, &error) || !check_address(to, &error) ||
        (connect != NULL && !check_peer("connect", connect, &error)))
        return fail(error);
    /* While the node NODE_ID runs, it builds the transaction out of its UTXO set and mempool,
     * pools it and relays it (chapter 10). */
    const ControlRequest request = {.command = CONTROL_SEND,
                                    .from = (gchar *)from,
                                    .to = (gchar *)to,
                                    .amount = amount,
                                    .mine = mine};
    if (connect != NULL && node_runs()) {
        g_set_error(&error, BC_ERROR, BC_ERROR_INVALID_ARGUMENT,
                    "-connect: node %s is running; send without -connect hands it the "
                    "transaction, and it relays it to its peers",
                    node_files(NULL)->id);
        return fail(error);
    }
    if (connect == NULL && ask_node(&request, &code))
        return code;
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
    const ControlRequest request = {.command = CONTROL_LISTADDRESSES};
    if (ask_node(&request, &code))
        return code;
    g_autoptr(GError) error = NULL;
    if (node_files(&error) == NULL)
        return fail(error);
    const NodeState state = stopped_node(NULL);
    g_autoptr(GString) out = g_string_new(NULL);
    gboolean ok = commands_listaddresses(&state, out, &error);
    return finish(out, ok, error);
}

static int cmd_printchain(int argc, char **argv)
{
    const BcOption options[] = {{0}};
    int code = bc_args_handle(argc, argv, options, "Prints every block, newest first.");
    if (code != BC_ARGS_RUN)
        return code;
    return run_state_command(CONTROL_PRINTCHAIN, commands_printchain);
}

static int cmd_getmempool(int argc, char **argv)
{
    const BcOption options[] = {{0}};
    int code = bc_args_handle(argc, argv, options,
                              "Prints the running node's unconfirmed transactions, one a line, "
                              "oldest first: ID, inputs and whom it pays. With no node running "
                              "there are none: it prints nothing.");
    if (code != BC_ARGS_RUN)
        return code;
    return run_state_command(CONTROL_GETMEMPOOL, commands_getmempool);
}

static int cmd_peers(int argc, char **argv)
{
    const BcOption options[] = {{0}};
    int code = bc_args_handle(argc, argv, options,
                              "Prints the running node's connected peers, one a line. With no "
                              "node running there are none: it prints nothing.");
    if (code != BC_ARGS_RUN)
        return code;
    return run_state_command(CONTROL_PEERS, commands_peers);
}

static int cmd_getinfo(int argc, char **argv)
{
    const BcOption options[] = {{0}};
    int code = bc_args_handle(argc, argv, options,
                              "Prints the node's height, tip, peers, mempool size and mining "
                              "state (with no node running: its chain's, no peers, an empty "
                              "mempool, mining off).");
    if (code != BC_ARGS_RUN)
        return code;
    return run_state_command(CONTROL_GETINFO, commands_getinfo);
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
        .control_path = files->control,
        .wallets_path = files->wallets,
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
        {"getbalance", "-address ADDRESS [-unconfirmed]", "print the balance of ADDRESS",
         cmd_getbalance},
        {"listaddresses", "", "print the addresses of the wallet file", cmd_listaddresses},
        {"send", "-from FROM -to TO -amount AMOUNT [-mine] [-connect HOST:PORT]",
         "send AMOUNT coins from FROM to TO",
         cmd_send},
        {"reindexutxo", "", "rebuild the UTXO set from the chain", cmd_reindexutxo},
        {"printchain", "", "print all the blocks of the chain", cmd_printchain},
        {"getmempool", "", "print the running node's unconfirmed transactions", cmd_getmempool},
        {"peers", "", "print the running node's peers", cmd_peers},
        {"getinfo", "", "print height, tip, peers, mempool and mining", cmd_getinfo},
        {"startnode", "[-listen HOST:PORT] [-connect HOST:PORT]... [-miner ADDRESS] [-threads N]",
         "run this node; with -miner, mine for ADDRESS",
         cmd_startnode},
        {0},
    };
    return bc_args_dispatch(PROGRAM, argc, argv, commands);
}
