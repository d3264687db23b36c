/* bench_propagation.c: how fast a block floods a chapter 8 network, and what it costs, as the
 * network grows. For N = 4, 8, 16, 32 nodes, each on its own loopback address (127.0.0.100 and
 * up, all on one port), each dialling up to 3 random nodes started before it (-maxoutbound 3:
 * a random graph in which every node has 3 outbound peers once discovery fills them):
 *   - the time from the miner's "mined block" line to the "added block" line of the last node
 *     to get the block, read as the lines arrive on the nodes' stdout (line-buffered pipes);
 *   - the hops the block took to reach the farthest node (each node's "received block from"
 *     line names the peer it came from: the flood's tree);
 *   - the CPU time all the nodes spent meanwhile (clock_getcpuclockid), divided by the cores:
 *     the least time the flood can take on this machine when every node's work waits for a
 *     core, whatever the graph;
 *   - the messages about that block (inv, getdata, block: the sent lines naming its hash) per
 *     node.
 * The median of ROUNDS blocks for each N. Beside it, the reference measured in the same run: the
 * N = 4 time, the ratio to it, and log2(N)/log2(4), the ratio a flood whose hops grow with
 * log N would show. Prints a table and writes BUILD/bench/propagation.tsv (drawn by
 * tools/plot.sh, docs/img/08-propagation.svg). */
#include <gio/gio.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PORT 18433 /* on 127.0.0.100 ... 127.0.0.131: the addresses this benchmark owns */
#define FIRST_IP 100
#define WALLET "99"
#define ROUNDS 5
#define MAX_NODES 32
#define DEADLINE_S 60.0

static const guint SIZES[] = {4, 8, 16, 32};

typedef struct {
    GSubprocess *proc;
    gint read_fd; /* our end of its stdout */
    gint fd;      /* the same while it is open, then -1 */
    GString *pending; /* bytes read, not yet a whole line */
    GPtrArray *lines; /* every line so far */
    GArray *times;    /* when each arrived, monotonic seconds */
} BenchNode;

static gchar *program, *dir;
static BenchNode nodes[MAX_NODES];
static guint n_nodes;

static gdouble now(void)
{
    return (gdouble)g_get_monotonic_time() / G_USEC_PER_SEC;
}

static gchar **env_for(const gchar *id)
{
    gchar **env = g_get_environ();
    env = g_environ_setenv(env, "NODE_ID", id, TRUE);
    env = g_environ_setenv(env, "BC_TARGET_BITS", "8", TRUE);
    g_autofree gchar *central = g_strdup_printf("127.0.0.%u:%u", FIRST_IP, PORT);
    return g_environ_setenv(env, "BC_CENTRAL_NODE", central, TRUE);
}

/* "blockchain ARGS" as node ID in DIR; its stdout, or a failure that ends the benchmark. */
static gchar *cli(const gchar *id, const gchar *const *args)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_ptr_array_add(argv, program);
    for (guint i = 0; args[i] != NULL; i++)
        g_ptr_array_add(argv, (gpointer)args[i]);
    g_ptr_array_add(argv, NULL);
    g_auto(GStrv) env = env_for(id);
    gchar *out = NULL;
    g_autofree gchar *err = NULL;
    gint status = 0;
    g_autoptr(GError) error = NULL;
    if (!g_spawn_sync(dir, (gchar **)argv->pdata, env, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                      &status, &error) ||
        !g_spawn_check_wait_status(status, &error))
        g_error("blockchain %s: %s\n%s", args[0], error->message, err != NULL ? err : "");
    return out;
}
#define CLI(id, ...) cli((id), (const gchar *const[]){__VA_ARGS__, NULL})

static gchar *new_wallet(void)
{
    g_autofree gchar *out = CLI(WALLET, "createwallet");
    g_assert(g_str_has_prefix(out, "Your new address: "));
    return g_strstrip(g_strdup(out + strlen("Your new address: ")));
}

static void copy_file(const gchar *from, const gchar *to)
{
    gchar *data = NULL;
    gsize len = 0;
    g_autoptr(GError) error = NULL;
    if (!g_file_get_contents(from, &data, &len, &error) ||
        !g_file_set_contents(to, data, (gssize)len, &error))
        g_error("cannot copy %s to %s: %s", from, to, error->message);
    g_free(data);
}

/* Node I's chain: the wallet's, as it was before any round. */
static void copy_chain(const gchar *template_dir, guint i)
{
    static const gchar *const files[] = {"blockchain", "chainstate"};
    for (guint f = 0; f < G_N_ELEMENTS(files); f++) {
        g_autofree gchar *from =
            g_strdup_printf("%s/%s_%s.db", template_dir, files[f], WALLET);
        g_autofree gchar *to = g_strdup_printf("%s/%s_%u.db", dir, files[f], FIRST_IP + i);
        copy_file(from, to);
    }
}

/* Reads what the nodes wrote, for up to TIMEOUT_S seconds or until one line arrived. */
static void pump(gdouble timeout_s)
{
    struct pollfd fds[MAX_NODES];
    for (guint i = 0; i < n_nodes; i++)
        fds[i] = (struct pollfd){.fd = nodes[i].fd, .events = POLLIN};
    if (poll(fds, n_nodes, (int)(timeout_s * 1000)) <= 0)
        return;
    gdouble t = now();
    for (guint i = 0; i < n_nodes; i++) {
        if (!(fds[i].revents & (POLLIN | POLLHUP)))
            continue;
        gchar buf[65536];
        gssize got = read(nodes[i].fd, buf, sizeof buf);
        if (got <= 0) {
            nodes[i].fd = -1; /* poll ignores it from now on */
            continue;
        }
        g_string_append_len(nodes[i].pending, buf, got);
        gchar *nl;
        while ((nl = strchr(nodes[i].pending->str, '\n')) != NULL) {
            g_ptr_array_add(nodes[i].lines,
                            g_strndup(nodes[i].pending->str, nl - nodes[i].pending->str));
            g_array_append_val(nodes[i].times, t);
            g_string_erase(nodes[i].pending, 0, nl - nodes[i].pending->str + 1);
        }
    }
}

/* The time of the first line of node I from FROM on that contains NEEDLE, or -1. */
static gdouble find(guint i, guint from, const gchar *needle, guint *at)
{
    for (guint k = from; k < nodes[i].lines->len; k++)
        if (strstr(g_ptr_array_index(nodes[i].lines, k), needle) != NULL) {
            if (at != NULL)
                *at = k;
            return g_array_index(nodes[i].times, gdouble, k);
        }
    return -1;
}

/* Waits until node I logs a line containing NEEDLE (after line FROM); its time. */
static gdouble wait_for(guint i, guint from, const gchar *needle, guint *at)
{
    gdouble deadline = now() + DEADLINE_S;
    for (;;) {
        gdouble t = find(i, from, needle, at);
        if (t >= 0)
            return t;
        if (now() > deadline)
            g_error("node %u logged no \"%s\" in %.0f s", i, needle, DEADLINE_S);
        pump(0.05);
    }
}

static guint count(guint i, const gchar *a, const gchar *b)
{
    guint n = 0;
    for (guint k = 0; k < nodes[i].lines->len; k++) {
        const gchar *line = g_ptr_array_index(nodes[i].lines, k);
        if (strstr(line, a) != NULL && (b == NULL || strstr(line, b) != NULL))
            n++;
    }
    return n;
}

static void start_node(guint i, GRand *rand, const gchar *miner)
{
    /* Our own pipe for its stdout, read with poll() beside the others'. */
    gint pipe_fds[2];
    g_autoptr(GError) error = NULL;
    if (!g_unix_open_pipe(pipe_fds, FD_CLOEXEC, &error))
        g_error("pipe: %s", error->message);
    g_autoptr(GSubprocessLauncher) launcher =
        g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDERR_MERGE);
    g_subprocess_launcher_take_stdout_fd(launcher, pipe_fds[1]);
    g_subprocess_launcher_set_cwd(launcher, dir);
    g_autofree gchar *id = g_strdup_printf("%u", FIRST_IP + i);
    g_auto(GStrv) env = env_for(id);
    g_subprocess_launcher_set_environ(launcher, env);
    g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(argv, g_strdup(program));
    g_ptr_array_add(argv, g_strdup("startnode"));
    g_ptr_array_add(argv, g_strdup("-listen"));
    g_ptr_array_add(argv, g_strdup_printf("127.0.0.%u:%u", FIRST_IP + i, PORT));
    g_ptr_array_add(argv, g_strdup("-maxoutbound"));
    g_ptr_array_add(argv, g_strdup("3"));
    /* Up to 3 random nodes started before it: the graph is connected and random. */
    gboolean chosen[MAX_NODES] = {FALSE};
    for (guint k = 0; k < MIN(i, 3u); k++) {
        guint j;
        do
            j = (guint)g_rand_int_range(rand, 0, (gint32)i);
        while (chosen[j]);
        chosen[j] = TRUE;
        g_ptr_array_add(argv, g_strdup("-connect"));
        g_ptr_array_add(argv, g_strdup_printf("127.0.0.%u:%u", FIRST_IP + j, PORT));
    }
    if (miner != NULL) {
        g_ptr_array_add(argv, g_strdup("-miner"));
        g_ptr_array_add(argv, g_strdup(miner));
    }
    g_ptr_array_add(argv, NULL);
    BenchNode *node = &nodes[i];
    node->proc = g_subprocess_launcher_spawnv(launcher, (const gchar *const *)argv->pdata, &error);
    if (node->proc == NULL)
        g_error("cannot start node %u: %s", i, error->message);
    node->read_fd = node->fd = pipe_fds[0];
    node->pending = g_string_new(NULL);
    node->lines = g_ptr_array_new_with_free_func(g_free);
    node->times = g_array_new(FALSE, FALSE, sizeof(gdouble));
    n_nodes = i + 1;
    wait_for(i, 0, "listening on", NULL);
}

static void stop_nodes(void)
{
    for (guint i = 0; i < n_nodes; i++)
        g_subprocess_send_signal(nodes[i].proc, SIGTERM);
    /* Read to the end of every pipe: a node blocked on a full one would not stop. */
    for (gboolean open = TRUE; open;) {
        pump(0.1);
        open = FALSE;
        for (guint i = 0; i < n_nodes; i++)
            open = open || nodes[i].fd >= 0;
    }
    for (guint i = 0; i < n_nodes; i++) {
        g_subprocess_wait(nodes[i].proc, NULL, NULL);
        g_object_unref(nodes[i].proc);
        close(nodes[i].read_fd);
        g_string_free(nodes[i].pending, TRUE);
        g_ptr_array_unref(nodes[i].lines);
        g_array_unref(nodes[i].times);
    }
    n_nodes = 0;
}

/* The CPU seconds all N_NODES nodes have used so far. */
static gdouble cpu_seconds(void)
{
    gdouble total = 0;
    for (guint i = 0; i < n_nodes; i++) {
        const gchar *pid = g_subprocess_get_identifier(nodes[i].proc);
        clockid_t clock;
        struct timespec t;
        if (pid != NULL && clock_getcpuclockid((pid_t)atoi(pid), &clock) == 0 &&
            clock_gettime(clock, &t) == 0)
            total += (gdouble)t.tv_sec + (gdouble)t.tv_nsec / 1e9;
    }
    return total;
}

/* How many hops the block SHORT_HASH took to the farthest of the N nodes: node I's first
 * "received block from 127.0.0.X:PORT: SHORT_HASH" line after line MARK[I] names its parent in
 * the flood (the miner, node 0, is the root). 0 when a node's line is missing. */
static guint hops(guint n, const guint *mark, const gchar *short_hash)
{
    gint parent[MAX_NODES], depth[MAX_NODES];
    for (guint i = 1; i < n; i++) {
        parent[i] = -1;
        for (guint k = mark[i]; k < nodes[i].lines->len && parent[i] < 0; k++) {
            const gchar *line = g_ptr_array_index(nodes[i].lines, k);
            const gchar *from = strstr(line, "] received block from 127.0.0.");
            if (from == NULL || strstr(line, short_hash) == NULL)
                continue;
            gint ip = atoi(from + strlen("] received block from 127.0.0."));
            if (ip >= FIRST_IP && ip < FIRST_IP + (gint)n)
                parent[i] = ip - FIRST_IP;
        }
        if (parent[i] < 0)
            return 0;
    }
    guint most = 0;
    for (guint i = 1; i < n; i++) {
        guint d = 0;
        for (gint j = (gint)i; j != 0 && d <= n; j = parent[j])
            d++;
        depth[i] = (gint)d;
        most = MAX(most, (guint)depth[i]);
    }
    return most <= n ? most : 0;
}

static int compare_doubles(gconstpointer a, gconstpointer b)
{
    gdouble x = *(const gdouble *)a, y = *(const gdouble *)b;
    return (x > y) - (x < y);
}

static gdouble median(gdouble *values, guint n)
{
    qsort(values, n, sizeof *values, compare_doubles);
    return values[n / 2];
}

/* One network of N nodes, ROUNDS blocks mined at node 0: median seconds, messages per node per
 * block, hops to the farthest node and CPU seconds per core in *SECONDS, *MESSAGES, *HOPS and
 * *CPU. */
static void measure(guint n, const gchar *template_dir, gchar **payers, const gchar *payee,
                    const gchar *miner, GRand *rand, gdouble *seconds, gdouble *messages,
                    gdouble *hops_out, gdouble *cpu)
{
    for (guint i = 0; i < n; i++)
        copy_chain(template_dir, i);
    for (guint i = 0; i < n; i++)
        start_node(i, rand, i == 0 ? miner : NULL);
    /* Settled: every node has its 3 outbound peers (node 0 and the first few fill theirs from
     * what addr taught them), so the graph the block floods is the one measured. */
    for (guint i = 0; i < n; i++)
        while (count(i, "handshake done", NULL) < MIN(3u, n - 1))
            wait_for(i, nodes[i].lines->len, "handshake done", NULL);
    pump(0.5);

    gdouble times[ROUNDS], counts[ROUNDS], depths[ROUNDS], cpus[ROUNDS];
    const gdouble cores = (gdouble)g_get_num_processors();
    g_autofree gchar *to = g_strdup_printf("127.0.0.%u:%u", FIRST_IP, PORT);
    for (guint r = 0; r < ROUNDS; r++) {
        guint mark = nodes[0].lines->len, marks[MAX_NODES];
        for (guint i = 0; i < n; i++)
            marks[i] = nodes[i].lines->len;
        for (guint k = 0; k < 2; k++)
            g_free(CLI(WALLET, "send", "-from", payers[2 * r + k], "-to", payee, "-amount", "1",
                       "-connect", to));
        guint at = 0;
        gdouble t0 = wait_for(0, mark, "mined block ", &at);
        gdouble cpu0 = cpu_seconds();
        /* "[ID] mined block HASH at height H with 3 transactions": the hash, and its short form
         * as the message lines give it. */
        const gchar *line = g_ptr_array_index(nodes[0].lines, at);
        g_autofree gchar *hash = g_strndup(strstr(line, "mined block ") + 12, 64);
        g_autofree gchar *added = g_strdup_printf("added block %s", hash);
        g_autofree gchar *short_hash = g_strndup(hash, 8);
        gdouble last = t0;
        for (guint i = 1; i < n; i++)
            last = MAX(last, wait_for(i, 0, added, NULL));
        gdouble cpu_last = cpu_seconds();
        pump(0.3); /* the last announcements of the block, to peers that have it already */
        while (now() < last + 0.5)
            pump(0.1);
        guint sent = 0;
        for (guint i = 0; i < n; i++)
            sent += count(i, "] sent ", short_hash);
        times[r] = last - t0;
        counts[r] = (gdouble)sent / n;
        depths[r] = hops(n, marks, short_hash);
        cpus[r] = (cpu_last - cpu0) / cores;
    }
    stop_nodes();
    *seconds = median(times, ROUNDS);
    *messages = median(counts, ROUNDS);
    *hops_out = median(depths, ROUNDS);
    *cpu = median(cpus, ROUNDS);
}

int main(int argc, char **argv)
{
    (void)argc;
    g_autofree gchar *self = g_canonicalize_filename(argv[0], NULL);
    g_autofree gchar *out_dir = g_path_get_dirname(self);
    g_autofree gchar *build = g_path_get_dirname(out_dir);
    g_autofree gchar *bench_dir = g_build_filename(build, "bench", NULL);
    program = g_build_filename(out_dir, "blockchain", NULL);
    g_mkdir_with_parents(bench_dir, 0755);

    /* One chain for every network: an owner, and 2 x ROUNDS wallets of 5 coins, one pair of
     * payments per block. */
    g_autoptr(GError) error = NULL;
    g_autofree gchar *template_dir = g_dir_make_tmp("bc-prop-XXXXXX", &error);
    g_assert_no_error(error);
    dir = template_dir;
    g_autofree gchar *owner = new_wallet();
    g_autofree gchar *miner = new_wallet();
    gchar *payers[2 * ROUNDS];
    g_free(CLI(WALLET, "createblockchain", "-address", owner));
    for (guint k = 0; k < 2 * ROUNDS; k++) {
        payers[k] = new_wallet();
        g_free(CLI(WALLET, "send", "-from", owner, "-to", payers[k], "-amount", "5", "-mine"));
    }

    g_autoptr(GRand) rand = g_rand_new_with_seed(8); /* the same graphs every run */
    g_autoptr(GString) tsv = g_string_new("nodes\tms to the last node\t"
                                          "log2(N)/2 x the N=4 ms (reference)\t"
                                          "CPU ms of all nodes per core (the limit)\t"
                                          "messages per node per block\n");
    g_print("chapter 8 block propagation (%u blocks per size, median; loopback, 127.0.0.%u+)\n",
            ROUNDS, FIRST_IP);
    g_print("  %5s %11s %13s %10s %5s %13s %12s %16s\n", "nodes", "ms to last", "ratio to N=4",
            "log2(N)/2", "hops", "CPU ms/core", "ms over CPU", "msgs/node/block");
    gdouble reference = 0;
    for (guint s = 0; s < G_N_ELEMENTS(SIZES); s++) {
        guint n = SIZES[s];
        g_autofree gchar *net_dir = g_strdup_printf("%s/n%u", template_dir, n);
        g_mkdir(net_dir, 0700);
        /* The wallet's files go with it, so each network starts from the same chain. */
        static const gchar *const files[] = {"blockchain_" WALLET ".db", "chainstate_" WALLET ".db",
                                             "wallet_" WALLET ".dat"};
        for (guint f = 0; f < G_N_ELEMENTS(files); f++) {
            g_autofree gchar *from = g_build_filename(template_dir, files[f], NULL);
            g_autofree gchar *to = g_build_filename(net_dir, files[f], NULL);
            copy_file(from, to);
        }
        dir = net_dir;
        gdouble seconds = 0, messages = 0, depth = 0, cpu = 0;
        measure(n, template_dir, payers, owner, miner, rand, &seconds, &messages, &depth, &cpu);
        if (s == 0)
            reference = seconds;
        gdouble expected = (gdouble)(g_bit_storage(n) - 1) / 2; /* log2(N) / log2(4) */
        g_print("  %5u %11.1f %13.2f %10.2f %5.0f %13.1f %12.2f %16.1f\n", n, seconds * 1000,
                reference > 0 ? seconds / reference : 0, expected, depth, cpu * 1000,
                cpu > 0 ? seconds / cpu : 0, messages);
        g_string_append_printf(tsv, "%u\t%.1f\t%.1f\t%.1f\t%.2f\n", n, seconds * 1000,
                               reference * expected * 1000, cpu * 1000, messages);
    }
    g_autofree gchar *path = g_build_filename(bench_dir, "propagation.tsv", NULL);
    if (!g_file_set_contents(path, tsv->str, -1, &error))
        g_error("%s", error->message);
    g_print("  (the reference: the N=4 time, measured in this run; a flood whose hops grow with "
            "log N keeps the ratio near log2(N)/2)\n"
            "  (the limit: the CPU time all nodes spent from the mined block to the last added "
            "one, over %u cores; 'ms over CPU' near 1 means the flood waited for cores, not "
            "for the network)\n  (written to %s)\n",
            g_get_num_processors(), path);
    for (guint k = 0; k < 2 * ROUNDS; k++)
        g_free(payers[k]);
    dir = NULL;
    g_autofree gchar *rm = g_strdup_printf("rm -rf '%s'", template_dir);
    if (system(rm) != 0)
        g_printerr("could not remove %s\n", template_dir);
    return 0;
}
