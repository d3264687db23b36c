/* test_partition.c: a network split in two, each side with a miner, then joined, with the real
 * binary. Five nodes in two groups: X = {0, 1} with miner A (node 0), Y = {2, 3, 4} with miner B
 * (node 2). Each node is a host of its own, a Linux network namespace with address 10.209.0.I+1;
 * the hosts of X hang on one bridge, those of Y on another, and one veth pair joins the two
 * bridges: the link. The test makes the namespaces with ip(8) and removes them afterwards, also
 * when it fails (teardown), and those a crashed earlier run left behind (their names carry its
 * process id).
 *
 * The story: all five meet on a common chain of height 6; the link is cut (ip link set down) and
 * every connection across it times out; X pays twice and A mines block 7, Y pays four times and
 * B mines blocks 7 and 8; the link comes back up, the nodes dial each other again, and within a
 * deadline all five are on Y's branch (more work) with A's two payments back in the mempool and
 * mined again in block 9. Then every node's balances equal those a reindex of its chain gives.
 *
 * Without namespaces (not root, no ip, or BC_TEST_PARTITION_LOOPBACK=1) the five nodes listen on
 * 127.0.0.41 to 127.0.0.45 instead, and the cut is made before they first meet: each group knows
 * only its own addresses, and the link is healed by restarting node 1 told of node 2. The test
 * prints which of the two it ran. */
#include <errno.h>
#include <glib/gstdio.h>
#include <signal.h>

#include "node_harness.h"

#define N_NODES 5
#define N_X 2 /* nodes 0 and 1 are group X, the others group Y */
#define MINER_A 0
#define MINER_B 2
#define HOST_PORT 8333
#define NS_TAG "bc9p-" /* every namespace of this test, then "<pid>-" */
#define N_FUNDED 6

static gchar *dir;
static guint16 ids[N_NODES + 2]; /* NODE_IDs: the five nodes, the wallet, then a free port */
#define WALLET ids[N_NODES]
static Node *nodes[N_NODES];
static gboolean use_netns;         /* else 127.0.0.41-45 */
static gchar *no_netns_reason;     /* why not, for the message */
static gboolean made[N_NODES + 1]; /* which namespaces exist: the hosts, then the hub */

static gboolean in_x(guint i)
{
    return i < N_X;
}

/* ---- the hosts ---- */

/* The namespace of host I, or of the hub when I is N_NODES. */
static gchar *ns_name(guint i)
{
    if (i == N_NODES)
        return g_strdup_printf(NS_TAG "%d-hub", (gint)getpid());
    return g_strdup_printf(NS_TAG "%d-n%u", (gint)getpid(), i);
}

/* Where node I listens: its host's address, or its own loopback address. */
static gchar *node_address(guint i)
{
    if (use_netns)
        return g_strdup_printf("10.209.0.%u:%u", i + 1, HOST_PORT);
    return g_strdup_printf("127.0.0.%u:%u", 41 + i, ids[N_NODES + 1]);
}

/* The IP address alone, for matching log lines. */
static gchar *node_ip(guint i)
{
    return use_netns ? g_strdup_printf("10.209.0.%u", i + 1)
                     : g_strdup_printf("127.0.0.%u", 41 + i);
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

/* Namespaces of earlier runs whose process is gone (a crash, a kill -9): removed. Those of runs
 * still going are left alone. */
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
    for (guint i = 0; i <= N_NODES; i++) {
        if (!made[i])
            continue;
        g_autofree gchar *ns = ns_name(i);
        /* Deleting a namespace deletes its interfaces, and a veth pair goes with either end. */
        if (!ip(NULL, "netns", "delete", ns, NULL))
            g_printerr("\n  could not remove network namespace %s: ip netns delete %s", ns, ns);
        made[i] = FALSE;
    }
}

/* The hub with two bridges, bridge-x and bridge-y, joined by the veth pair link-x / link-y (the
 * link the test cuts); each host wired to its group's bridge by a veth pair whose host end is its
 * eth0 with address 10.209.0.I+1/24. FALSE with *WHY when ip refuses. */
static gboolean make_hosts(gchar **why)
{
    g_autofree gchar *ip_path = g_find_program_in_path("ip");
    if (ip_path == NULL) {
        *why = g_strdup("no 'ip' command (Debian: apt-get install iproute2)");
        return FALSE;
    }
    remove_stale();
    g_autofree gchar *hub = ns_name(N_NODES);
    if (!ip(why, "netns", "add", hub, NULL))
        return FALSE;
    made[N_NODES] = TRUE;
    if (!ip(why, "-n", hub, "link", "add", "name", "bridge-x", "type", "bridge", NULL) ||
        !ip(why, "-n", hub, "link", "add", "name", "bridge-y", "type", "bridge", NULL) ||
        !ip(why, "-n", hub, "link", "add", "name", "link-x", "type", "veth", "peer", "name",
            "link-y", NULL) ||
        !ip(why, "-n", hub, "link", "set", "link-x", "master", "bridge-x", "up", NULL) ||
        !ip(why, "-n", hub, "link", "set", "link-y", "master", "bridge-y", "up", NULL) ||
        !ip(why, "-n", hub, "link", "set", "bridge-x", "up", NULL) ||
        !ip(why, "-n", hub, "link", "set", "bridge-y", "up", NULL))
        return FALSE;
    for (guint i = 0; i < N_NODES; i++) {
        g_autofree gchar *ns = ns_name(i);
        g_autofree gchar *port = g_strdup_printf("port%u", i);
        g_autofree gchar *cidr = g_strdup_printf("10.209.0.%u/24", i + 1);
        if (!ip(why, "netns", "add", ns, NULL))
            return FALSE;
        made[i] = TRUE;
        if (!ip(why, "-n", hub, "link", "add", "name", port, "type", "veth", "peer", "name", "eth0",
                "netns", ns, NULL) ||
            !ip(why, "-n", hub, "link", "set", port, "master", in_x(i) ? "bridge-x" : "bridge-y",
                "up", NULL) ||
            !ip(why, "-n", ns, "addr", "add", cidr, "dev", "eth0", NULL) ||
            !ip(why, "-n", ns, "link", "set", "eth0", "up", NULL) ||
            !ip(why, "-n", ns, "link", "set", "lo", "up", NULL))
            return FALSE;
    }
    return TRUE;
}

/* The link between the two bridges, down or up: the partition and its end. */
static void set_link(gboolean up)
{
    g_autofree gchar *hub = ns_name(N_NODES);
    g_autofree gchar *why = NULL;
    gboolean ok = ip(&why, "-n", hub, "link", "set", "link-x", up ? "up" : "down", NULL);
    if (!ok)
        g_printerr("\n  %s", why);
    CU_ASSERT_TRUE_FATAL(ok);
}

/* From here on, nodes and commands run on host I (a no-op without namespaces). */
static const gchar *on_host_argv[5];
static gchar *on_host_ns;
static void on_host(guint i)
{
    if (!use_netns)
        return;
    g_free(on_host_ns);
    on_host_ns = ns_name(i);
    const gchar *argv[] = {"ip", "netns", "exec", on_host_ns, NULL};
    memcpy(on_host_argv, argv, sizeof argv);
    node_harness_prefix = on_host_argv;
}

/* Short ping and peer timeouts, so that a connection across the cut link is given up in about
 * three seconds; the central node is never used (every node is told whom to dial). */
static gchar *central_env, *lsan_env;
static const gchar *extra_env[5];

static void setup(void)
{
    dir = bc_test_tmpdir();
    free_ports(ids, G_N_ELEMENTS(ids));
    g_clear_pointer(&no_netns_reason, g_free);
    node_harness_prefix = NULL;
    if (g_strcmp0(g_getenv("BC_TEST_PARTITION_LOOPBACK"), "1") == 0) {
        no_netns_reason = g_strdup("BC_TEST_PARTITION_LOOPBACK=1");
        use_netns = FALSE;
    } else {
        use_netns = make_hosts(&no_netns_reason);
        if (!use_netns)
            remove_hosts();
    }
    g_autofree gchar *first = node_address(0);
    central_env = g_strdup_printf("BC_CENTRAL_NODE=%s", first);
    extra_env[0] = central_env;
    extra_env[1] = "BC_PING_INTERVAL_S=1";
    extra_env[2] = "BC_PEER_TIMEOUT_S=2";
    extra_env[3] = NULL;
    /* Under SANITIZE=1 (mk/chapter.mk sets LSAN_OPTIONS): full stacks for the nodes' leak
     * reports, so that tests/lsan.supp's one GIO frame is seen. The cut link leaves dials
     * hanging when the nodes stop, and fast unwinding stops at GLib's first frame. */
    const gchar *lsan = g_getenv("LSAN_OPTIONS");
    if (lsan != NULL) {
        lsan_env = g_strdup_printf("LSAN_OPTIONS=%s:fast_unwind_on_malloc=0", lsan);
        extra_env[3] = lsan_env;
        extra_env[4] = NULL;
    }
    node_harness_extra_env = extra_env;
}

static void teardown(void)
{
    for (guint i = 0; i < N_NODES; i++)
        g_clear_pointer(&nodes[i], node_free);
    remove_hosts();
    node_harness_prefix = NULL;
    node_harness_extra_env = NULL;
    g_clear_pointer(&on_host_ns, g_free);
    g_clear_pointer(&central_env, g_free);
    g_clear_pointer(&lsan_env, g_free);
    g_clear_pointer(&no_netns_reason, g_free);
    bc_test_tmpdir_remove(dir);
    g_clear_pointer(&dir, g_free);
}

/* ---- commands and logs ---- */

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

static gint64 balance(guint16 id, const gchar *address)
{
    g_auto(BcRun) run = run_cli(dir, id, ids[0], "getbalance", "-address", address);
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

/* How much of the node's log there is now: lines after it are news. */
static gsize log_mark(Node *node)
{
    g_autofree gchar *text = node_log(node);
    return strlen(text);
}

/* The first complete line after byte FROM of the node's log that matches GLOB, or NULL. */
static gchar *find_since(Node *node, gsize from, const gchar *glob)
{
    g_autofree gchar *text = node_log(node);
    if (strlen(text) <= from)
        return NULL;
    gchar *end = strrchr(text + from, '\n');
    if (end == NULL)
        return NULL;
    *end = '\0'; /* a line still being written is not looked at yet */
    g_auto(GStrv) lines = g_strsplit(text + from, "\n", -1);
    for (guint i = 0; lines[i] != NULL; i++)
        if (g_pattern_match_simple(glob, lines[i]))
            return g_strdup(lines[i]);
    return NULL;
}

/* Every complete line after byte FROM that matches GLOB. */
static GPtrArray *lines_since(Node *node, gsize from, const gchar *glob)
{
    GPtrArray *found = g_ptr_array_new_with_free_func(g_free);
    g_autofree gchar *text = node_log(node);
    gchar *end = strlen(text) > from ? strrchr(text + from, '\n') : NULL;
    if (end == NULL)
        return found;
    *end = '\0';
    g_auto(GStrv) lines = g_strsplit(text + from, "\n", -1);
    for (guint i = 0; lines[i] != NULL; i++)
        if (g_pattern_match_simple(glob, lines[i]))
            g_ptr_array_add(found, g_strdup(lines[i]));
    return found;
}

/* Waits (up to the harness's deadline: only reached when something is wrong) for a line after
 * byte FROM matching GLOB, or one matching OR_GLOB when that is set; the line, or NULL after
 * printing the log. */
static gchar *wait_since(Node *node, gsize from, const gchar *glob, const gchar *or_glob)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)(NODE_HARNESS_DEADLINE_S * G_USEC_PER_SEC);
    for (;;) {
        gchar *line = find_since(node, from, glob);
        if (line == NULL && or_glob != NULL)
            line = find_since(node, from, or_glob);
        if (line != NULL)
            return line;
        if (node_exited(node) || g_get_monotonic_time() > deadline) {
            g_printerr("\n  node %u: no line matching \"%s\"%s%s (%s)", node->port, glob,
                       or_glob != NULL ? " or " : "", or_glob != NULL ? or_glob : "",
                       node_exited(node) ? "the node exited" : "deadline passed");
            node_print_log(node);
            return NULL;
        }
        g_usleep(20 * 1000);
    }
}

static gchar *expect_since(Node *node, gsize from, const gchar *glob)
{
    gchar *line = wait_since(node, from, glob, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(line);
    return line;
}

/* The 64 hex digits after "block " in a log line "... block HASH at height N ...". */
static gchar *hash_in_line(const gchar *line)
{
    const gchar *at = strstr(line, "block ");
    g_assert(at != NULL);
    return g_strndup(at + strlen("block "), 64);
}

/* Node I on its host, listening on its address, told of the nodes in CONNECT (-1 ends it),
 * mining for MINER if set. */
static Node *start(guint i, const gint *connect, const gchar *miner)
{
    g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(args, g_strdup("-listen"));
    g_ptr_array_add(args, node_address(i));
    for (guint c = 0; connect[c] >= 0; c++) {
        g_ptr_array_add(args, g_strdup("-connect"));
        g_ptr_array_add(args, node_address((guint)connect[c]));
    }
    if (miner != NULL) {
        g_ptr_array_add(args, g_strdup("-miner"));
        g_ptr_array_add(args, g_strdup(miner));
    }
    g_ptr_array_add(args, NULL);
    on_host(i);
    Node *node = start_nodev(dir, ids[i], ids[0], (const gchar *const *)args->pdata);
    node_harness_prefix = NULL;
    g_autofree gchar *line = wait_log(node, "listening on", NODE_HARNESS_DEADLINE_S);
    CU_ASSERT_PTR_NOT_NULL_FATAL(line);
    return node;
}

/* Sends 1 from FROM to TO, handed to node TO_NODE by a wallet on host ON. */
static void pay(const gchar *from, const gchar *to, guint to_node, guint on)
{
    g_autofree gchar *at = node_address(to_node);
    on_host(on);
    g_auto(BcRun) run = run_cli(dir, WALLET, ids[0], "send", "-from", from, "-to", to, "-amount",
                                "1", "-connect", at);
    node_harness_prefix = NULL;
    if (run.status != 0)
        node_print_log(nodes[to_node]);
    BC_ASSERT_RUN_OK(run);
}

/* The address books of both groups hold their own nodes only: what the cut leaves of the
 * network when it is made before the nodes first meet (without namespaces). */
static const gint peers_of[N_NODES][3] = {{1, -1}, {0, -1}, {3, 4, -1}, {2, 4, -1}, {2, 3, -1}};
/* With namespaces, a line across the groups: all five meet before the cut. */
static const gint line_of[N_NODES][2] = {{-1}, {0, -1}, {1, -1}, {2, -1}, {3, -1}};

static void test_partition_heals(void)
{
    if (use_netns)
        g_printerr("\n  partition: five hosts in network namespaces (10.209.0.1-5), the link "
                   "between the groups cut with ip link set down ... ");
    else
        g_printerr("\n  partition: no network namespaces (%s): five nodes on 127.0.0.41-45, "
                   "the groups apart from the start and joined by a restart ... ",
                   no_netns_reason);
    gchar *funded[N_FUNDED];
    for (guint i = 0; i < N_FUNDED; i++)
        funded[i] = create_wallet(WALLET);
    g_autofree gchar *to_a = create_wallet(WALLET);
    g_autofree gchar *to_b = create_wallet(WALLET);
    g_autofree gchar *miner_a = create_wallet(ids[MINER_A]);
    g_autofree gchar *miner_b = create_wallet(ids[MINER_B]);
    /* The common history: six wallets paid 10 each, height 6, in every node's files. */
    g_autofree gchar *owner = create_wallet(WALLET);
    CLI_OK(WALLET, "createblockchain", "-address", owner);
    for (guint i = 0; i < N_FUNDED; i++)
        CLI_OK(WALLET, "send", "-from", owner, "-to", funded[i], "-amount", "10", "-mine");
    for (guint i = 0; i < N_NODES; i++)
        copy_db(WALLET, ids[i]);

    for (guint i = 0; i < N_NODES; i++) {
        const gchar *miner = i == MINER_A ? miner_a : i == MINER_B ? miner_b : NULL;
        nodes[i] = start(i, use_netns ? line_of[i] : peers_of[i], miner);
    }
    gsize cut[N_NODES];
    if (use_netns) {
        /* Together: every node meets every other (discovery), then the link goes down and each
         * gives up, by its ping timeout, on every connection across it, or fails to dial. */
        for (guint i = 0; i < N_NODES; i++)
            for (guint j = 0; j < N_NODES; j++) {
                if (i == j)
                    continue;
                g_autofree gchar *address = node_address(j);
                g_autofree gchar *glob =
                    g_strdup_printf("* handshake done with peer * (%s, height 6)", address);
                g_free(expect_since(nodes[i], 0, glob));
            }
        for (guint i = 0; i < N_NODES; i++)
            cut[i] = log_mark(nodes[i]);
        set_link(FALSE);
        for (guint i = 0; i < N_NODES; i++)
            for (guint j = 0; j < N_NODES; j++) {
                if (in_x(i) == in_x(j))
                    continue;
                g_autofree gchar *peer = node_ip(j);
                g_autofree gchar *gone = g_strdup_printf("* disconnected peer * (%s:*", peer);
                g_autofree gchar *unreachable = g_strdup_printf("* cannot reach %s:*", peer);
                g_autofree gchar *line = wait_since(nodes[i], cut[i], gone, unreachable);
                CU_ASSERT_PTR_NOT_NULL_FATAL(line);
            }
    } else {
        for (guint i = 0; i < N_NODES; i++) {
            guint other = i == 0 ? 1 : i == 1 ? 0 : i == 2 ? 3 : 2;
            g_autofree gchar *address = node_address(other);
            g_autofree gchar *glob =
                g_strdup_printf("* handshake done with peer * (%s, *", address);
            g_free(expect_since(nodes[i], 0, glob));
            cut[i] = 0;
        }
    }

    /* Apart: X pays twice, A mines block 7; Y pays four times, B mines blocks 7 and 8. */
    pay(funded[4], to_a, MINER_A, 1);
    pay(funded[5], to_a, MINER_A, 1);
    g_autofree gchar *mined_a = expect_since(nodes[MINER_A], cut[MINER_A],
                                             "* mined block * at height 7 with 3 transactions");
    g_autofree gchar *hash_7a = hash_in_line(mined_a);
    g_autofree gchar *glob_7a = g_strdup_printf("* added block %s at height 7", hash_7a);
    g_free(expect_since(nodes[1], cut[1], glob_7a));
    /* A's two payments: their IDs, from its log. */
    g_autoptr(GPtrArray) paid_a =
        lines_since(nodes[MINER_A], cut[MINER_A], "* accepted transaction *");
    CU_ASSERT_EQUAL_FATAL(paid_a->len, 2);
    pay(funded[0], to_b, MINER_B, 4);
    pay(funded[1], to_b, MINER_B, 4);
    g_free(expect_since(nodes[MINER_B], cut[MINER_B],
                        "* mined block * at height 7 with 3 transactions"));
    pay(funded[2], to_b, MINER_B, 4);
    pay(funded[3], to_b, MINER_B, 4);
    g_autofree gchar *mined_8b = expect_since(nodes[MINER_B], cut[MINER_B],
                                              "* mined block * at height 8 with 3 transactions");
    g_autofree gchar *hash_8b = hash_in_line(mined_8b);
    g_autofree gchar *glob_8b = g_strdup_printf("* added block %s at height 8", hash_8b);
    for (guint i = 0; i < N_NODES; i++)
        if (!in_x(i) && i != MINER_B)
            g_free(expect_since(nodes[i], cut[i], glob_8b));
    /* Nothing crossed: X never heard of block 8. */
    for (guint i = 0; i < N_X; i++) {
        g_autofree gchar *crossed = find_since(nodes[i], cut[i], "* at height 8");
        CU_ASSERT_PTR_NULL(crossed);
    }

    /* Joined: the nodes dial across again; X finds the fork point with its locator, takes its
     * block 7 off for Y's two blocks, A mines its lost payments again, and everyone follows. */
    gsize healed[N_NODES];
    for (guint i = 0; i < N_NODES; i++)
        healed[i] = log_mark(nodes[i]);
    if (use_netns) {
        set_link(TRUE);
    } else {
        CU_ASSERT_EQUAL(stop_node(nodes[1]), 0);
        g_clear_pointer(&nodes[1], node_free);
        static const gint across[] = {0, 2, -1};
        nodes[1] = start(1, across, NULL);
        healed[1] = 0;
    }
    for (guint i = 0; i < N_X; i++) {
        g_autofree gchar *off = g_strdup_printf("* disconnected block %.16s at height 7", hash_7a);
        g_free(expect_since(nodes[i], healed[i], off));
        g_free(expect_since(nodes[i], healed[i], glob_8b));
    }
    for (guint t = 0; t < paid_a->len; t++) {
        const gchar *line = g_ptr_array_index(paid_a, t);
        const gchar *id = strstr(line, "transaction ") + strlen("transaction ");
        g_autofree gchar *back = g_strdup_printf("* transaction %.16s back in the mempool", id);
        for (guint i = 0; i < N_X; i++)
            g_free(expect_since(nodes[i], healed[i], back));
    }
    g_autofree gchar *mined_9 = expect_since(nodes[MINER_A], healed[MINER_A],
                                             "* mined block * at height 9 with 3 transactions");
    g_autofree gchar *hash_9 = hash_in_line(mined_9);
    g_autofree gchar *glob_9 = g_strdup_printf("* added block %s at height 9", hash_9);
    for (guint i = 0; i < N_NODES; i++)
        if (i != MINER_A)
            g_free(expect_since(nodes[i], healed[i], glob_9));
    g_printerr("all five on block %.16s at height 9 ... ", hash_9);

    for (guint i = 0; i < N_NODES; i++) {
        CU_ASSERT_EQUAL(stop_node(nodes[i]), 0);
        g_clear_pointer(&nodes[i], node_free);
    }
    /* The same balances everywhere, A's payments mined again, and each node's UTXO set equal
     * to what a reindex of its chain builds. */
    const gchar *who[N_FUNDED + 5] = {to_a, to_b, miner_a, miner_b, owner};
    for (guint w = 0; w < N_FUNDED; w++)
        who[5 + w] = funded[w];
    const gint64 expected[N_FUNDED + 5] = {2, 4, 10, 20, -1, 9, 9, 9, 9, 9, 9};
    gint64 owner_0 = -1;
    for (guint i = 0; i < N_NODES; i++) {
        gint64 kept[G_N_ELEMENTS(who)];
        for (guint w = 0; w < G_N_ELEMENTS(who); w++) {
            kept[w] = balance(ids[i], who[w]);
            if (expected[w] >= 0 && kept[w] != expected[w])
                g_printerr("\n  node %u: balance of %s is %" G_GINT64_FORMAT
                           ", not %" G_GINT64_FORMAT,
                           i, who[w], kept[w], expected[w]);
            CU_ASSERT_TRUE(expected[w] < 0 || kept[w] == expected[w]);
        }
        if (i == 0)
            owner_0 = kept[4];
        CU_ASSERT_EQUAL(kept[4], owner_0);
        CLI_OK(ids[i], "reindexutxo");
        for (guint w = 0; w < G_N_ELEMENTS(who); w++)
            CU_ASSERT_EQUAL(balance(ids[i], who[w]), kept[w]);
    }
    for (guint i = 0; i < N_FUNDED; i++)
        g_free(funded[i]);
}

void test_partition_register(void)
{
    static const BcTest tests[] = {
        {"five nodes in two groups, cut apart, each mining, then joined: all end on the branch "
         "with most work",
         test_partition_heals},
        {NULL, NULL},
    };
    bc_test_add_suite("10/partition", setup, teardown, tests);
}
