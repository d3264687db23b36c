/* test_miner_node.c: the real node mining on its threads (miner.c). While it mines it still
 * answers a ping; a new tip from a peer makes it abandon the work and mine on the new tip; the
 * -threads option is checked. The difficulty is 26 bits: one thread needs 2^26 hashes on
 * average, about 4 s at 16 MH/s (more under the sanitizers), so the node is still mining when
 * the messages a few tens of milliseconds later arrive. It finds a block within that window in
 * about 1 run in 200 (then the test prints the log and fails); at 23 bits, half a second on
 * average, it did in several runs of a hundred. The test's own block, mined here with two
 * threads before the node starts, costs about two seconds. */
#define NODE_HARNESS_TARGET_BITS "26"
#include "fake_peer.h"

#include "bc_hex.h"
#include "blockchain.h"
#include "miner.h"
#include "proof_of_work.h"
#include "transaction_sign.h"
#include "wallets.h"

static gchar *dir;
static guint16 node_port, closed_port;
static Node *node;
static const gchar *const threshold_env[] = {"BC_TEST_MINING_THRESHOLD=1", NULL};

static void setup(void)
{
    dir = bc_test_tmpdir();
    guint16 ports[2];
    free_ports(ports, 2);
    node_port = ports[0];
    closed_port = ports[1];
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
    if (line == NULL)
        node_print_log(node);
    CU_ASSERT_PTR_NOT_NULL_FATAL(line);
}

typedef struct {
    GMainLoop *loop;
    Block *found;
} Found;

static void on_found(Block *block, gpointer user_data)
{
    Found *f = user_data;
    f->found = block;
    g_main_loop_quit(f->loop);
}

/* A transaction spending the genesis coinbase (paid to ADDRESS) back to ADDRESS, and a block
 * on genesis holding only a coinbase, mined here: the new tip the test sends. */
static void build(const gchar *address, GBytes **tx_out, Block **block_out)
{
    g_autofree gchar *db = g_strdup_printf("%s/blockchain_%u.db", dir, node_port);
    g_autofree gchar *wallet_file = g_strdup_printf("%s/wallet_%u.dat", dir, node_port);
    g_autoptr(GError) error = NULL;
    guint32 bits = (guint32)g_ascii_strtoull(NODE_HARNESS_TARGET_BITS, NULL, 10);
    g_autoptr(Blockchain) bc = blockchain_open(db, FALSE, bits, &error);
    g_assert_no_error(error);
    g_autoptr(Wallets) wallets = wallets_load(wallet_file, &error);
    g_assert_no_error(error);
    const Wallet *from = wallets_get_wallet(wallets, address);
    g_assert(from != NULL);
    g_autoptr(Block) genesis = blockchain_get_block(bc, bc->tip, &error);
    g_assert_no_error(error);
    const Transaction *coinbase = g_ptr_array_index(genesis->transactions, 0);

    guint8 to[BC_RIPEMD160_LEN];
    wallet_hash_pubkey(wallet_public_key(from), to);
    g_autoptr(Transaction) tx = transaction_new();
    g_autoptr(GPtrArray) spent = g_ptr_array_new();
    transaction_add_input(tx, coinbase->id, 0, wallet_public_key(from), WALLET_PUBLIC_KEY_LEN);
    g_ptr_array_add(spent, g_ptr_array_index(coinbase->vout, 0));
    const TxOutput *out = g_ptr_array_index(coinbase->vout, 0);
    transaction_add_output(tx, out->value, to);
    g_assert(transaction_sign(tx, from, spent, &error));
    transaction_set_id(tx);
    *tx_out = transaction_serialize(tx);

    g_autoptr(GPtrArray) txs = g_ptr_array_new_with_free_func((GDestroyNotify)transaction_free);
    g_ptr_array_add(txs, transaction_new_coinbase(address, "the test's block", &error));
    g_assert_no_error(error);
    Found f = {g_main_loop_new(NULL, FALSE), NULL};
    g_autoptr(Miner) miner = miner_new(2, on_found, &f);
    miner_start(miner, miner_template_new(txs, bc->tip, 1, bits));
    g_main_loop_run(f.loop);
    g_main_loop_unref(f.loop);
    g_assert(pow_validate(f.found));
    *block_out = f.found;
}

static void test_ping_and_abandon(void)
{
    g_autofree gchar *created = CLI("createwallet");
    g_autofree gchar *address = g_strstrip(g_strdup(created + strlen("Your new address: ")));
    g_free(CLI("createblockchain", "-address", address));
    g_autoptr(GBytes) tx = NULL;
    g_autoptr(Block) tip = NULL;
    build(address, &tx, &tip);
    g_autofree gchar *tip_hex = bc_hex_encode(tip->hash, BC_HASH_LEN);

    const gchar *args[] = {"-miner", address, "-threads", "1", NULL};
    node = start_nodev(dir, node_port, closed_port, args);
    expect_log("listening on");
    g_autoptr(FakePeer) peer = fake_connect("127.0.0.1", node_port);
    fake_handshake(peer);
    g_autoptr(GBytes) tx_msg = message_encode_data(MESSAGE_TX, tx);
    /* The transaction starts the work; the ping and the tip follow at once (no waiting for log
     * lines, which is slow), so that the thread is still searching when they come. */
    fake_send(peer, tx_msg);
    /* The event loop is free: a ping is answered while the thread searches. */
    CU_ASSERT_TRUE(fake_ping_ok(peer));
    /* A new tip: inv, the node's getdata, the block. */
    g_autoptr(GBytes) inv = message_encode_inv(MESSAGE_INV, MESSAGE_KIND_BLOCK, tip->hash, 1);
    fake_send(peer, inv);
    g_autoptr(Message) getdata = fake_expect(peer, MESSAGE_GETDATA);
    CU_ASSERT_PTR_NOT_NULL_FATAL(getdata);
    g_autoptr(GBytes) raw = block_serialize(tip);
    g_autoptr(GBytes) block_msg = message_encode_data(MESSAGE_BLOCK, raw);
    fake_send(peer, block_msg);
    expect_log(tip_hex);
    /* The work on height 1 is dropped and the pooled transaction mined on the new tip. */
    expect_log("abandoned the work on a block at height 1");
    expect_log("mining a block at height 2 with 2 transactions on 1 threads");
    g_autofree gchar *log = node_log(node);
    const gchar *mining = strstr(log, "mining a block at height 1");
    const gchar *pong = strstr(log, "sent pong");
    const gchar *abandoned = strstr(log, "abandoned the work");
    CU_ASSERT_TRUE(mining != NULL && pong != NULL && abandoned != NULL && mining < pong &&
                   pong < abandoned);
    if (strstr(log, "] mined block") != NULL)
        node_print_log(node); /* the node won the race before the tip came: see the top */
    CU_ASSERT_PTR_NULL(strstr(log, "] mined block"));
    CU_ASSERT_TRUE(fake_ping_ok(peer));
    /* SIGTERM while the thread mines: it is joined, the database closed, exit 0. */
    CU_ASSERT_EQUAL(stop_node(node), 0);
    g_autofree gchar *chain = CLI("printchain");
    BC_ASSERT_CONTAINS(chain, tip_hex);
}

/* -threads outside 1 to MINER_MAX_THREADS, or not a number: an error, and no node starts. */
static void test_threads_validated(void)
{
    static const gchar *const bad[] = {"0", "257", "-1", "two", ""};
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_auto(BcRun) run = run_cli(dir, node_port, closed_port, "startnode", "-threads", bad[i]);
        CU_ASSERT_NOT_EQUAL(run.status, 0);
        BC_ASSERT_CONTAINS(run.err, "error:");
        BC_ASSERT_CONTAINS(run.err, "threads");
    }
    g_auto(BcRun) help = run_cli(dir, node_port, closed_port, "startnode", "--help");
    BC_ASSERT_RUN_OK(help);
    BC_ASSERT_CONTAINS(help.out, "-threads N");
    BC_ASSERT_CONTAINS(help.out, "one per core");
}

void test_miner_node_register(void)
{
    static const BcTest tests[] = {
        {"mining on a thread: a ping answered, work abandoned on a new tip",
         test_ping_and_abandon},
        {"-threads is validated", test_threads_validated},
        {NULL, NULL},
    };
    bc_test_add_suite("10/node: mining threads", setup, teardown, tests);
}
