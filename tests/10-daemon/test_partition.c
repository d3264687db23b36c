/* test_partition.c: a network split in two, each side with a miner, then joined. The real
 * binary on 127.0.0.1: miner A alone; miner B with node C. Both sides mine on the same chain (B
 * two blocks, A one, with payments of other coins); A restarted told of B reorganises onto B's
 * branch (more work), its lost payments go back to its mempool and are mined again, and all
 * three nodes end with the same balances. (The five nodes in two network namespaces are
 * not done here: see docs/09-consensus.md.) */
#include <glib/gstdio.h>

#include "node_harness.h"

enum { A, B, C, WALLET, DEAD, N_PORTS };
#define N_FUNDED 6

static gchar *dir;
static guint16 ports[N_PORTS];
static Node *nodes[3];

static void setup(void)
{
    dir = bc_test_tmpdir();
    free_ports(ports, N_PORTS);
}

static void teardown(void)
{
    for (guint i = 0; i < G_N_ELEMENTS(nodes); i++)
        g_clear_pointer(&nodes[i], node_free);
    bc_test_tmpdir_remove(dir);
    g_clear_pointer(&dir, g_free);
}

#define CLI_OK(port, ...)                                                                          \
    do {                                                                                           \
        g_auto(BcRun) run_ = run_cli(dir, (port), ports[DEAD], __VA_ARGS__);                       \
        BC_ASSERT_RUN_OK(run_);                                                                    \
    } while (0)

static gchar *create_wallet(guint16 port)
{
    g_auto(BcRun) run = run_cli(dir, port, ports[DEAD], "createwallet");
    BC_ASSERT_RUN_OK(run);
    CU_ASSERT_FATAL(g_str_has_prefix(run.out, "Your new address: "));
    return g_strstrip(g_strdup(run.out + strlen("Your new address: ")));
}

static gint64 balance(guint16 port, const gchar *address)
{
    g_auto(BcRun) run = run_cli(dir, port, ports[DEAD], "getbalance", "-address", address);
    BC_ASSERT_RUN_OK(run);
    const gchar *colon = strrchr(run.out, ':');
    return colon != NULL ? g_ascii_strtoll(colon + 1, NULL, 10) : -1;
}

static void copy_db(guint16 from, guint16 to)
{
    static const gchar *const files[] = {"blockchain", "chainstate"};
    for (guint i = 0; i < G_N_ELEMENTS(files); i++) {
        g_autofree gchar *src = g_strdup_printf("%s/%s_%u.db", dir, files[i], from);
        g_autofree gchar *dst = g_strdup_printf("%s/%s_%u.db", dir, files[i], to);
        g_assert(bc_test_copy_file(src, dst));
    }
}

static void expect_log(Node *node, const gchar *glob)
{
    g_autofree gchar *line = wait_log_glob(node, glob, NODE_HARNESS_DEADLINE_S);
    if (line == NULL)
        g_printerr("\n  node %u never logged \"%s\"\n", node->port, glob);
    CU_ASSERT_PTR_NOT_NULL_FATAL(line);
}

static Node *start(guint i, guint connect, const gchar *miner)
{
    g_autofree gchar *peer = g_strdup_printf("localhost:%u", ports[connect]);
    const gchar *args[] = {"-connect", peer, miner != NULL ? "-miner" : NULL, miner, NULL};
    Node *node = start_nodev(dir, ports[i], ports[DEAD], args);
    expect_log(node, "* listening on *");
    return node;
}

/* Sends 1 from FROM to TO through node PORT. */
static void pay(const gchar *from, const gchar *to, guint16 port)
{
    g_autofree gchar *at = g_strdup_printf("localhost:%u", port);
    CLI_OK(ports[WALLET], "send", "-from", from, "-to", to, "-amount", "1", "-connect", at);
}

static void test_partition_heals(void)
{
    gchar *funded[N_FUNDED];
    for (guint i = 0; i < N_FUNDED; i++)
        funded[i] = create_wallet(ports[WALLET]);
    g_autofree gchar *to_a = create_wallet(ports[WALLET]);
    g_autofree gchar *to_b = create_wallet(ports[WALLET]);
    g_autofree gchar *miner_a = create_wallet(ports[A]);
    g_autofree gchar *miner_b = create_wallet(ports[B]);
    /* The common history: six wallets paid 10 each, height 6, in every node's files. */
    g_autofree gchar *owner = create_wallet(ports[WALLET]);
    CLI_OK(ports[WALLET], "createblockchain", "-address", owner);
    for (guint i = 0; i < N_FUNDED; i++)
        CLI_OK(ports[WALLET], "send", "-from", owner, "-to", funded[i], "-amount", "10", "-mine");
    for (guint i = A; i <= C; i++)
        copy_db(ports[WALLET], ports[i]);

    /* Apart: A told only of a port where nobody listens; C of B. */
    nodes[A] = start(A, DEAD, miner_a);
    nodes[B] = start(B, DEAD, miner_b);
    nodes[C] = start(C, B, NULL);
    expect_log(nodes[C], "* handshake done with peer *");
    pay(funded[4], to_a, ports[A]);
    pay(funded[5], to_a, ports[A]);
    expect_log(nodes[A], "* mined block * at height 7 with 3 transactions");
    pay(funded[0], to_b, ports[B]);
    pay(funded[1], to_b, ports[B]);
    expect_log(nodes[B], "* mined block * at height 7 with 3 transactions");
    pay(funded[2], to_b, ports[B]);
    pay(funded[3], to_b, ports[B]);
    expect_log(nodes[B], "* mined block * at height 8 with 3 transactions");
    expect_log(nodes[C], "* added block * at height 8");

    /* Joined: A, restarted told of B, finds the fork point with its locator, reorganises onto
     * B's branch, and mines its lost payments again, for everyone. */
    CU_ASSERT_EQUAL(stop_node(nodes[A]), 0);
    g_clear_pointer(&nodes[A], node_free);
    nodes[A] = start(A, B, miner_a);
    expect_log(nodes[A], "* disconnected block * at height 7");
    expect_log(nodes[A], "* back in the mempool");
    expect_log(nodes[A], "* mined block * at height 9 with 3 transactions");
    expect_log(nodes[B], "* added block * at height 9");
    expect_log(nodes[C], "* added block * at height 9");

    for (guint i = A; i <= C; i++) {
        CU_ASSERT_EQUAL(stop_node(nodes[i]), 0);
        g_clear_pointer(&nodes[i], node_free);
    }
    for (guint i = A; i <= C; i++) {
        CU_ASSERT_EQUAL(balance(ports[i], to_a), 2);
        CU_ASSERT_EQUAL(balance(ports[i], to_b), 4);
        CU_ASSERT_EQUAL(balance(ports[i], miner_a), 10); /* block 7 lost, block 9 won */
        CU_ASSERT_EQUAL(balance(ports[i], miner_b), 20);
        for (guint w = 0; w < N_FUNDED; w++)
            CU_ASSERT_EQUAL(balance(ports[i], funded[w]), 9);
        /* And the set each node kept equals a reindex of its chain. */
        CLI_OK(ports[i], "reindexutxo");
        CU_ASSERT_EQUAL(balance(ports[i], to_a), 2);
        CU_ASSERT_EQUAL(balance(ports[i], miner_a), 10);
    }
    for (guint i = 0; i < N_FUNDED; i++)
        g_free(funded[i]);
}

void test_partition_register(void)
{
    static const BcTest tests[] = {
        {"two miners apart, then joined: all end on the branch with most work",
         test_partition_heals},
        {NULL, NULL},
    };
    bc_test_add_suite("10/partition", setup, teardown, tests);
}
