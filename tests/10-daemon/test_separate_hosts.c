/* test_separate_hosts.c: the five nodes of test_decentralised.c, each on a host of its own.
 * A host is a Linux network namespace with its own interface and IP address (10.208.0.1 to
 * 10.208.0.5), joined to the others through a bridge in a sixth namespace, the "hub": a small
 * switched LAN. Every node listens on the same port, 8333, which only works because the hosts
 * are separate. The test makes the namespaces with ip(8) and removes them afterwards, also when
 * it fails (teardown), and removes those a crashed earlier run left behind (their names carry
 * its process id). Without the right to make namespaces (not root, no CAP_NET_ADMIN, no ip) it
 * says that it was skipped, and 'make check' counts it as skipped. */
#include <errno.h>
#include <glib/gstdio.h>
#include <signal.h>

#include "node_harness.h"

#define N_HOSTS 5
#define HOST_PORT 8333
#define NS_TAG "bc8t-" /* every namespace of these tests, then "<pid>-" */

static gchar *dir;
static guint16 ids[N_HOSTS + 1]; /* NODE_IDs: the five nodes, then the wallet (never started) */
static Node *nodes[N_HOSTS];
static gchar *skip_reason; /* set when the hosts could not be made */
static gboolean made[N_HOSTS + 1]; /* which namespaces exist: the hosts, then the hub */

/* The namespace of host I, or of the hub when I is N_HOSTS. */
static gchar *ns_name(guint i)
{
    if (i == N_HOSTS)
        return g_strdup_printf(NS_TAG "%d-hub", (gint)getpid());
    return g_strdup_printf(NS_TAG "%d-n%u", (gint)getpid(), i);
}

/* Where node I listens: its host's address. */
static gchar *host_address(guint i)
{
    return g_strdup_printf("10.208.0.%u:%u", i + 1, HOST_PORT);
}

/* Runs "ip ARGS" (NULL-terminated); on failure, its error output in *WHY (when WHY is set). */
static gboolean ip(gchar **why, ...)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_ptr_array_add(argv, "ip");
    va_list ap;
    va_start(ap, why);
    for (const gchar *a; (a = va_arg(ap, const gchar *)) != NULL;)
        g_ptr_array_add(argv, (gpointer)a);
    va_end(ap);
    g_ptr_array_add(argv, NULL);
    g_autofree gchar *err = NULL;
    gint status = 0;
    gboolean ok = g_spawn_sync(NULL, (gchar **)argv->pdata, NULL,
                               G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
                               &err, &status, NULL) &&
                  g_spawn_check_wait_status(status, NULL);
    if (!ok && why != NULL) {
        g_free(*why);
        g_autofree gchar *command = g_strjoinv(" ", (gchar **)argv->pdata);
        *why = g_strdup_printf("%s: %s", command,
                               err != NULL && *err != '\0' ? g_strstrip(err) : "failed");
    }
    return ok;
}

/* Namespaces of earlier runs whose process is gone (a crash, a kill -9): removed, so that
 * nothing is left behind for long. Those of runs still going are left alone. */
static void remove_stale(void)
{
    g_autofree gchar *out = NULL;
    const gchar *argv[] = {"ip", "netns", "list", NULL};
    if (!g_spawn_sync(NULL, (gchar **)argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                      NULL, NULL, &out, NULL, NULL, NULL))
        return;
    g_auto(GStrv) lines = g_strsplit(out, "\n", -1);
    for (guint i = 0; lines[i] != NULL; i++) {
        g_auto(GStrv) words = g_strsplit(lines[i], " ", 2);
        if (words[0] == NULL || !g_str_has_prefix(words[0], NS_TAG))
            continue;
        gint pid = atoi(words[0] + strlen(NS_TAG));
        if (pid > 0 && kill(pid, 0) != 0 && errno == ESRCH)
            ip(NULL, "netns", "delete", words[0], NULL);
    }
}

static void remove_hosts(void)
{
    for (guint i = 0; i <= N_HOSTS; i++) {
        if (!made[i])
            continue;
        g_autofree gchar *ns = ns_name(i);
        /* Deleting a namespace deletes its interfaces, and a veth pair goes with either end. */
        if (!ip(NULL, "netns", "delete", ns, NULL))
            g_printerr("\n  could not remove network namespace %s: ip netns delete %s", ns, ns);
        made[i] = FALSE;
    }
}

/* The hub with its bridge, and the five hosts, each wired to the bridge by a veth pair whose
 * host end is its eth0 with address 10.208.0.I+1/24. FALSE with *WHY when ip refuses. */
static gboolean make_hosts(gchar **why)
{
    g_autofree gchar *ip_path = g_find_program_in_path("ip");
    if (ip_path == NULL) {
        *why = g_strdup("no 'ip' command (Debian: apt-get install iproute2)");
        return FALSE;
    }
    remove_stale();
    g_autofree gchar *hub = ns_name(N_HOSTS);
    if (!ip(why, "netns", "add", hub, NULL))
        return FALSE;
    made[N_HOSTS] = TRUE;
    if (!ip(why, "-n", hub, "link", "add", "name", "bridge0", "type", "bridge", NULL) ||
        !ip(why, "-n", hub, "link", "set", "bridge0", "up", NULL))
        return FALSE;
    for (guint i = 0; i < N_HOSTS; i++) {
        g_autofree gchar *ns = ns_name(i);
        g_autofree gchar *port = g_strdup_printf("port%u", i);
        g_autofree gchar *cidr = g_strdup_printf("10.208.0.%u/24", i + 1);
        if (!ip(why, "netns", "add", ns, NULL))
            return FALSE;
        made[i] = TRUE;
        if (!ip(why, "-n", hub, "link", "add", "name", port, "type", "veth", "peer", "name", "eth0",
                "netns", ns, NULL) ||
            !ip(why, "-n", hub, "link", "set", port, "master", "bridge0", "up", NULL) ||
            !ip(why, "-n", ns, "addr", "add", cidr, "dev", "eth0", NULL) ||
            !ip(why, "-n", ns, "link", "set", "eth0", "up", NULL) ||
            !ip(why, "-n", ns, "link", "set", "lo", "up", NULL))
            return FALSE;
    }
    return TRUE;
}

/* From here on, nodes and commands run on host I. */
static const gchar *on_host_argv[5];
static gchar *on_host_ns;
static void on_host(guint i)
{
    g_free(on_host_ns);
    on_host_ns = ns_name(i);
    const gchar *argv[] = {"ip", "netns", "exec", on_host_ns, NULL};
    memcpy(on_host_argv, argv, sizeof argv);
    node_harness_prefix = on_host_argv;
}

/* Node 0 is the central node: BC_CENTRAL_NODE names it on its host. */
static const gchar *const extra_env[] = {"BC_CENTRAL_NODE=10.208.0.1:8333", NULL};

static void setup(void)
{
    dir = bc_test_tmpdir();
    free_ports(ids, N_HOSTS + 1); /* only names here: the hosts have every port to themselves */
    node_harness_extra_env = extra_env;
    node_harness_prefix = NULL;
    g_clear_pointer(&skip_reason, g_free);
    if (!make_hosts(&skip_reason))
        remove_hosts();
}

static void teardown(void)
{
    for (guint i = 0; i < N_HOSTS; i++)
        g_clear_pointer(&nodes[i], node_free);
    remove_hosts();
    node_harness_prefix = NULL;
    node_harness_extra_env = NULL;
    g_clear_pointer(&on_host_ns, g_free);
    g_clear_pointer(&skip_reason, g_free);
    bc_test_tmpdir_remove(dir);
    g_clear_pointer(&dir, g_free);
}

#define WALLET ids[N_HOSTS]
#define CLI_OK(id, ...)                                                                            \
    do {                                                                                           \
        g_auto(BcRun) run_ = run_cli(dir, (id), ids[0], __VA_ARGS__);                              \
        BC_ASSERT_RUN_OK(run_);                                                                    \
    } while (0)

static gchar *create_wallet(guint16 id)
{
    g_auto(BcRun) run = run_cli(dir, id, ids[0], "createwallet");
    BC_ASSERT_RUN_OK(run);
    CU_ASSERT_FATAL(g_str_has_prefix(run.out, "Your new address: "));
    return g_strstrip(g_strdup(run.out + strlen("Your new address: ")));
}

static void check_balance(guint16 id, const gchar *address, gint expected)
{
    g_auto(BcRun) run = run_cli(dir, id, ids[0], "getbalance", "-address", address);
    BC_ASSERT_RUN_OK(run);
    g_autofree gchar *line = g_strdup_printf("Balance of '%s': %d\n", address, expected);
    if (g_strcmp0(run.out, line) != 0)
        g_printerr("\n  node %u: expected \"%s\", got \"%s\"", id, line, run.out);
    CU_ASSERT_STRING_EQUAL(run.out, line);
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
    CU_ASSERT_PTR_NOT_NULL_FATAL(line);
}

/* Node I on its host, listening on its address, told only of node CONNECT (or of nobody when
 * it is -1), mining for MINER if set. */
static Node *start(guint i, gint connect, const gchar *miner)
{
    g_autofree gchar *listen = host_address(i);
    g_autofree gchar *peer = connect >= 0 ? host_address((guint)connect) : NULL;
    const gchar *args[7] = {"-listen", listen, NULL};
    guint n = 2;
    if (peer != NULL)
        args[n++] = "-connect", args[n++] = peer;
    if (miner != NULL)
        args[n++] = "-miner", args[n++] = miner;
    on_host(i);
    Node *node = start_nodev(dir, ids[i], ids[0], args);
    node_harness_prefix = NULL;
    g_autofree gchar *line = wait_log(node, "listening on", NODE_HARNESS_DEADLINE_S);
    CU_ASSERT_PTR_NOT_NULL_FATAL(line);
    return node;
}

static void test_five_hosts(void)
{
    if (skip_reason != NULL) {
        bc_test_skip("10/separate hosts: cannot make network namespaces (%s); run as root "
                     "(with CAP_NET_ADMIN) to run the five nodes on five hosts",
                     skip_reason);
        return;
    }
    g_autofree gchar *w1 = create_wallet(WALLET);
    g_autofree gchar *w2 = create_wallet(WALLET);
    g_autofree gchar *w3 = create_wallet(WALLET);
    g_autofree gchar *w4 = create_wallet(WALLET);
    g_autofree gchar *miner = create_wallet(ids[4]);
    g_autofree gchar *owner = create_wallet(ids[0]);
    CLI_OK(ids[0], "createblockchain", "-address", owner);
    for (guint i = 1; i < N_HOSTS; i++)
        copy_db(ids[0], ids[i]);
    CLI_OK(ids[0], "send", "-from", owner, "-to", w1, "-amount", "10", "-mine");
    CLI_OK(ids[0], "send", "-from", owner, "-to", w2, "-amount", "10", "-mine");
    copy_db(ids[0], WALLET);

    /* A line again: host 1 knows host 0, 2 knows 1, 3 knows 2, 4 (the miner) knows 3. */
    nodes[0] = start(0, -1, NULL);
    for (guint i = 1; i < N_HOSTS; i++)
        nodes[i] = start(i, (gint)i - 1, i == N_HOSTS - 1 ? miner : NULL);

    for (guint i = 1; i < N_HOSTS; i++)
        expect_log(nodes[i], "* added block * at height 2");
    /* Host 1 dialled host 0 from its own address: the hosts are apart, not one loopback. */
    expect_log(nodes[0], "* connected peer * (10.208.0.2:*, inbound)");
    for (guint i = 0; i < N_HOSTS; i++)
        for (guint j = 0; j < N_HOSTS; j++) {
            if (i == j || (gint)j == (gint)i - 1)
                continue;
            g_autofree gchar *address = host_address(j);
            g_autofree gchar *glob = g_strdup_printf("* learned address %s *", address);
            expect_log(nodes[i], glob);
        }

    /* The first host goes; the wallet, on host 3, hands its payments to host 2. */
    CU_ASSERT_EQUAL(stop_node(nodes[0]), 0);
    g_clear_pointer(&nodes[0], node_free);
    g_autofree gchar *to = host_address(2);
    on_host(3);
    CLI_OK(WALLET, "send", "-from", w1, "-to", w3, "-amount", "1", "-connect", to);
    CLI_OK(WALLET, "send", "-from", w2, "-to", w4, "-amount", "1", "-connect", to);
    node_harness_prefix = NULL;
    expect_log(nodes[4], "* mined block * at height 3 with 3 transactions");
    for (guint i = 1; i < N_HOSTS - 1; i++)
        expect_log(nodes[i], "* added block * at height 3");

    for (guint i = 1; i < N_HOSTS; i++) {
        CU_ASSERT_EQUAL(stop_node(nodes[i]), 0);
        g_clear_pointer(&nodes[i], node_free);
        check_balance(ids[i], w1, 9);
        check_balance(ids[i], w2, 9);
        check_balance(ids[i], w3, 1);
        check_balance(ids[i], w4, 1);
        check_balance(ids[i], miner, 10);
    }
}

void test_separate_hosts_register(void)
{
    static const BcTest tests[] = {
        {"five nodes on five hosts (network namespaces): discovery, the centre stopped, a "
         "payment mined",
         test_five_hosts},
        {NULL, NULL},
    };
    bc_test_add_suite("10/separate hosts", setup, teardown, tests);
}
