/* test_block_fit.c: a miner whose mempool holds more than one block can carry mines what fits,
 * oldest first, and leaves the rest for the next block (issue 9, point 11). Before, it put the
 * whole mempool into one block and found it too large only after the proof of work: it redid the
 * work, and failed, on every transaction that came in, and mined nothing again.
 *
 * The real binary runs as a miner on a chain built here with the library: one block whose
 * coinbase pays the miner's wallet a few large outputs (the library trusts its caller; a peer's
 * block would be refused, see validation.c) stands in for the thousands of blocks those coins
 * would take to mine. Three transactions of 360 KB each (one input, TRANSACTION_MAX_OUTPUTS
 * outputs), valid against that chain, make a mempool over BLOCK_MAX_SIZE; the miner waits for
 * three (BC_TEST_MINING_THRESHOLD), so that they are all pooled when it mines. Chapter 8's node
 * carries chapter 7's miner: the transactions come from a fake peer (fake_peer.h), after the
 * handshake. */
#include "fake_peer.h"

#include "bc_hex.h"
#include "blockchain.h"
#include "transaction_sign.h"
#include "wallets.h"

static gchar *dir;
static guint16 node_port, closed_port;
static Node *node;
static const gchar *const threshold_env[] = {"BC_TEST_MINING_THRESHOLD=3", NULL};

static void setup(void)
{
    dir = bc_test_tmpdir();
    guint16 ports[2];
    free_ports(ports, 2);
    node_port = ports[0];
    closed_port = ports[1]; /* nobody listens: the node's central node is down */
    node_harness_extra_env = threshold_env;
}

static void teardown(void)
{
    g_clear_pointer(&node, node_free);
    node_harness_extra_env = NULL;
    bc_test_tmpdir_remove(dir);
    g_clear_pointer(&dir, g_free);
}

static gchar *cli_ok(const gchar *const *args)
{
    g_auto(BcRun) run = run_cliv(dir, node_port, closed_port, args);
    BC_ASSERT_RUN_OK(run);
    return g_steal_pointer(&run.out);
}
#define CLI(...) cli_ok((const gchar *const[]){__VA_ARGS__, NULL})

static void expect_log(const gchar *substring)
{
    g_autofree gchar *line = wait_log(node, substring, NODE_HARNESS_DEADLINE_S);
    CU_ASSERT_PTR_NOT_NULL_FATAL(line);
}

#define THRESHOLD 3   /* as threshold_env says */
#define BIG THRESHOLD /* transactions of TRANSACTION_MAX_OUTPUTS outputs */
#define SMALL (THRESHOLD - 1)

/* Spends output INDEX of COINBASE, signed by FROM, into N_OUTPUTS outputs of 1 back to FROM. */
static Transaction *spend(const Transaction *coinbase, guint index, guint n_outputs,
                          const Wallet *from)
{
    guint8 to[BC_RIPEMD160_LEN];
    wallet_hash_pubkey(wallet_public_key(from), to);
    Transaction *tx = transaction_new();
    g_autoptr(GPtrArray) spent = g_ptr_array_new();
    transaction_add_input(tx, coinbase->id, (gint32)index, wallet_public_key(from),
                          WALLET_PUBLIC_KEY_LEN);
    g_ptr_array_add(spent, g_ptr_array_index(coinbase->vout, index));
    for (guint i = 0; i < n_outputs; i++)
        transaction_add_output(tx, 1, to);
    g_autoptr(GError) error = NULL;
    gboolean ok = transaction_sign(tx, from, spent, &error);
    g_assert_no_error(error);
    g_assert(ok);
    transaction_set_id(tx);
    return tx;
}

typedef struct {
    GBytes *wire[BIG + SMALL]; /* tx messages, the big ones first */
    gchar *id[BIG + SMALL];    /* their IDs in hex, as the node logs them */
    gsize size[BIG + SMALL];
} Sends;

static void build_sends(Sends *s, const gchar *address)
{
    g_autofree gchar *db = g_strdup_printf("%s/blockchain_%u.db", dir, node_port);
    g_autofree gchar *wallet_file = g_strdup_printf("%s/wallet_%u.dat", dir, node_port);
    g_autoptr(GError) error = NULL;
    guint32 bits = (guint32)g_ascii_strtoull(NODE_HARNESS_TARGET_BITS, NULL, 10);
    g_autoptr(Blockchain) bc = blockchain_open(db, TRUE, bits, &error);
    g_assert_no_error(error);
    g_autoptr(Wallets) wallets = wallets_load(wallet_file, &error);
    g_assert_no_error(error);
    const Wallet *from = wallets_get_wallet(wallets, address);
    g_assert(from != NULL);
    guint8 to[BC_RIPEMD160_LEN];
    wallet_hash_pubkey(wallet_public_key(from), to);

    static const guint8 no_txid[BC_HASH_LEN] = {0};
    Transaction *coinbase = transaction_new();
    transaction_add_input(coinbase, no_txid, -1, (const guint8 *)"rich", 4);
    for (guint i = 0; i < BIG + SMALL; i++)
        transaction_add_output(coinbase, i < BIG ? TRANSACTION_MAX_OUTPUTS : 1, to);
    transaction_set_id(coinbase);
    g_autoptr(GPtrArray) txs = g_ptr_array_new_with_free_func((GDestroyNotify)transaction_free);
    g_ptr_array_add(txs, coinbase);
    Block *block = blockchain_mine_block(bc, txs, &error);
    g_assert_no_error(error);
    block_free(block);

    for (guint i = 0; i < BIG + SMALL; i++) {
        g_autoptr(Transaction) tx = spend(coinbase, i, i < BIG ? TRANSACTION_MAX_OUTPUTS : 1, from);
        g_autoptr(GBytes) raw = transaction_serialize(tx);
        s->size[i] = g_bytes_get_size(raw);
        s->wire[i] = message_encode_data(MESSAGE_TX, raw);
        s->id[i] = bc_hex_encode(tx->id, BC_HASH_LEN);
    }
}

static void sends_clear(Sends *s)
{
    for (guint i = 0; i < BIG + SMALL; i++) {
        g_clear_pointer(&s->wire[i], g_bytes_unref);
        g_clear_pointer(&s->id[i], g_free);
    }
}

/* The node's log line "mined block ... at height HEIGHT with N transactions". */
static void expect_mined(guint height, guint n)
{
    g_autofree gchar *line =
        g_strdup_printf("*] mined block * at height %u with %u transactions*", height, n);
    g_autofree gchar *found = wait_log_glob(node, line, NODE_HARNESS_DEADLINE_S);
    if (found == NULL)
        node_print_log(node);
    CU_ASSERT_PTR_NOT_NULL_FATAL(found);
}

static void test_mempool_over_one_block(void)
{
    g_autofree gchar *created = CLI("createwallet");
    g_autofree gchar *miner = g_strstrip(g_strdup(created + strlen("Your new address: ")));
    g_free(CLI("createblockchain", "-address", miner));
    Sends s = {0};
    build_sends(&s, miner);
    /* All the big ones do not fit in one block; all but one do, with the coinbase. */
    gsize big = 0;
    for (guint i = 0; i < BIG; i++)
        big += s.size[i];
    CU_ASSERT_TRUE_FATAL(big > BLOCK_MAX_SIZE);
    CU_ASSERT_TRUE_FATAL(big - s.size[BIG - 1] + 4096 < BLOCK_MAX_SIZE);

    node = start_node(dir, node_port, closed_port, miner);
    expect_log("listening on");
    g_autoptr(FakePeer) peer = fake_connect("127.0.0.1", node_port);
    fake_handshake(peer);
    for (guint i = 0; i < BIG; i++) {
        fake_send(peer, s.wire[i]);
        expect_log(s.id[i]);
    }
    /* Three pooled, over 1 MiB: the miner mines the first two (and a coinbase), which fit. */
    expect_mined(2, 1 + BIG - 1);
    /* The third waits in the mempool; two more transactions, and it is mined with them. */
    for (guint i = BIG; i < BIG + SMALL; i++)
        fake_send(peer, s.wire[i]);
    expect_mined(3, 1 + 1 + SMALL);
    g_autofree gchar *log = node_log(node);
    CU_ASSERT_PTR_NULL(strstr(log, "cannot mine"));
    CU_ASSERT_EQUAL(stop_node(node), 0);

    /* In the database: two blocks on the rich one, holding every transaction. */
    g_autofree gchar *chain = CLI("printchain");
    for (guint i = 0; i < BIG + SMALL; i++)
        BC_ASSERT_CONTAINS(chain, s.id[i]);
    g_auto(GStrv) blocks = g_strsplit(chain, "============ Block ", -1);
    CU_ASSERT_EQUAL(g_strv_length(blocks), 1 + 4); /* genesis, the rich block, two mined */
    sends_clear(&s);
}

void test_block_fit_register(void)
{
    static const BcTest tests[] = {
        {"a mempool over 1 MiB: the miner mines what fits, then the rest",
         test_mempool_over_one_block},
        {NULL, NULL},
    };
    bc_test_add_suite("10/node: the miner fits its block", setup, teardown, tests);
}
