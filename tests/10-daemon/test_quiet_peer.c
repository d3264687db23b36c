/* test_quiet_peer.c: a connection the node dialled stays open while nothing is said on it.
 * GSocketClient leaves its dial timeout on the socket it connects, where it bounds every read:
 * each outbound connection used to end with "Socket I/O timed out" after 5 quiet seconds, long
 * before the first ping (30 s), and the node dialled again, over and over. */
#include "node_harness.h"

static gchar *dir;
static guint16 ports[2]; /* the node that listens, the node that dials it */

static void setup(void)
{
    dir = bc_test_tmpdir();
    free_ports(ports, 2);
}

static void teardown(void)
{
    node_harness_extra_env = NULL;
    bc_test_tmpdir_remove(dir);
    g_clear_pointer(&dir, g_free);
}

/* The dial timeout, shortened (BC_CONNECT_TIMEOUT_S); the pings keep their 30 s interval. */
#define DIAL_TIMEOUT_S 1
static const gchar *const short_dial[] = {"BC_CONNECT_TIMEOUT_S=" G_STRINGIFY(DIAL_TIMEOUT_S),
                                          NULL};

static void test_quiet_outbound_peer(void)
{
    node_harness_extra_env = short_dial;
    g_auto(BcRun) wallet = run_cli(dir, ports[0], ports[0], "createwallet");
    BC_ASSERT_RUN_OK(wallet);
    CU_ASSERT_FATAL(g_str_has_prefix(wallet.out, "Your new address: "));
    g_autofree gchar *address = g_strstrip(g_strdup(wallet.out + strlen("Your new address: ")));
    g_auto(BcRun) create = run_cli(dir, ports[0], ports[0], "createblockchain", "-address", address);
    BC_ASSERT_RUN_OK(create);
    g_autofree gchar *from = g_strdup_printf("%s/blockchain_%u.db", dir, ports[0]);
    g_autofree gchar *to = g_strdup_printf("%s/blockchain_%u.db", dir, ports[1]);
    g_assert(bc_test_copy_file(from, to));

    /* The listener dials nobody (-maxoutbound 0), so the one connection is the dialler's. */
    g_autoptr(Node) listener =
        start_nodev(dir, ports[0], ports[0], (const gchar *const[]){"-maxoutbound", "0", NULL});
    g_autofree gchar *listening = wait_log(listener, "listening on", NODE_HARNESS_DEADLINE_S);
    CU_ASSERT_PTR_NOT_NULL_FATAL(listening);
    g_autoptr(Node) dialler = start_nodev(dir, ports[1], ports[0], NULL); /* dials the central */
    g_autofree gchar *ready =
        wait_log(dialler, "handshake done with peer 1 ", NODE_HARNESS_DEADLINE_S);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ready);

    /* Nothing is due on the connection before the first ping: three dial timeouts of quiet
     * must leave it open. (The only test here that waits a fixed time: it checks that nothing
     * happens.) */
    g_usleep(3 * DIAL_TIMEOUT_S * G_USEC_PER_SEC);
    g_autofree gchar *log = node_log(dialler);
    if (strstr(log, "disconnected peer") != NULL)
        node_print_log(dialler);
    CU_ASSERT_PTR_NULL(strstr(log, "disconnected peer"));
    CU_ASSERT_EQUAL(stop_node(dialler), 0);
    CU_ASSERT_EQUAL(stop_node(listener), 0);
}

void test_quiet_peer_register(void)
{
    static const BcTest tests[] = {
        {"a dialled peer that says nothing for three dial timeouts stays connected",
         test_quiet_outbound_peer},
        {NULL, NULL},
    };
    bc_test_add_suite("10/quiet_peer", setup, teardown, tests);
}
