/* bench_commands.c: the rest of issue 8's table for chapters 9 AND 10 (this one file runs both
 * chapters' binaries, build/09-consensus/blockchain and build/10-daemon/blockchain, in the same
 * run; tests/10-daemon has no copy). bench_sync.c gives their sync at 1,000 and 10,000 blocks,
 * the per-block ratio and the peak RSS; this gives:
 *   - the signature checks per second of a fresh node syncing 10,000 blocks from one peer of its
 *     own chapter over loopback (the inputs of those blocks, counted in the chain, over the time
 *     of the faster of two syncs), beside raw Nettle ecdsa_verify per second measured in this
 *     run, and their ratio;
 *   - whole-process times of getbalance, send -mine, printchain and reindexutxo at 100 and at
 *     10,000 blocks with no node running, the best of three (of nine for getbalance and
 *     send -mine; send -mine and reindexutxo each on a fresh copy of the chain), and the ratio
 *     10,000 over 100 (goals: getbalance and send -mine within 1.5x, printchain and
 *     reindexutxo linear, getbalance at 10,000 under 10 ms). Chapter 10's getbalance through a
 *     running node's control socket is measured by tests/10-daemon/bench_control.c.
 * The chains are chapter 9's copies of chapter 7's benchmark chains, made and cached as
 * bench_sync.c makes them (the same names under BUILD/bench/chains, so that one 'make bench'
 * makes each once): a chapter 9 node syncs the chain from a chapter 8 node. Chapter 10 stores
 * blocks as chapter 9 does and uses the same copies. Nodes on 127.0.0.140 and .141, on a port
 * the kernel gives. The machine is shared: every figure is noisy, read the ratios. Prints a
 * table and writes BUILD/bench/ch09_commands.tsv. */
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <gio/gio.h>
#include <nettle/bignum.h>
#include <nettle/ecc-curve.h>
#include <nettle/ecc.h>
#include <nettle/ecdsa.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bc_store.h"
#include "block_index.h"
#include "blockchain.h"
#include "wallet.h"
#include "wallets.h"

#define BENCH_BITS 8
#define BENCH_NODE "3000"
#define CHAIN_FORMAT 5 /* tests/07-network/bench_chain.c's: the same chains, the same cache */
#define SMALL 100
#define LARGE 10000
#define DEADLINE_S 300.0
#define ROUNDS 3      /* of each command */
/* of getbalance and send -mine, whose few milliseconds vary more: send -mine's nonce search at
 * BENCH_BITS is luck, 256 tries on average, a thousand in one run of fifty. */
#define QUICK_ROUNDS 9
#define SYNC_ROUNDS 2 /* of each chapter's sync */

static const gchar *const FILES[] = {"blockchain_" BENCH_NODE ".db", "chainstate_" BENCH_NODE ".db",
                                     "wallet_" BENCH_NODE ".dat"};
static gchar *bench_dir;

static gdouble now(void)
{
    return (gdouble)g_get_monotonic_time() / G_USEC_PER_SEC;
}

/* The copy replaces the file whole (CONSISTENT) and is synced to disk (DURABLE): else the first
 * fsync of the program under test writes the whole copied file back, and its time grows with the
 * file (chapter 8's send -mine's did, twofold). */
static void copy_file(const gchar *from, const gchar *to)
{
    gchar *data = NULL;
    gsize len = 0;
    g_autoptr(GError) error = NULL;
    if (!g_file_get_contents(from, &data, &len, &error) ||
        !g_file_set_contents_full(to, data, (gssize)len,
                                  G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                  0600, &error))
        g_error("cannot copy %s to %s: %s", from, to, error->message);
    g_free(data);
}

static void copy_node(const gchar *from_dir, const gchar *to_dir)
{
    g_mkdir_with_parents(to_dir, 0700);
    for (guint i = 0; i < G_N_ELEMENTS(FILES); i++) {
        g_autofree gchar *from = g_build_filename(from_dir, FILES[i], NULL);
        g_autofree gchar *to = g_build_filename(to_dir, FILES[i], NULL);
        copy_file(from, to);
    }
}

/* bench_sync.c's name for chapter 9's copies: they carry its file format, so that a chapter 9
 * storing its records otherwise (a new BLOCKCHAIN_FORMAT) makes new ones. */
#define CH09_PREFIX "ch09-f" G_STRINGIFY(BLOCKCHAIN_FORMAT) "-"

/* Chapter 8's cached chain of HEIGHT blocks (PREFIX ""), or chapter 9's copy (CH09_PREFIX). */
static gchar *chain_dir(const gchar *prefix, gint32 height)
{
    return g_strdup_printf("%s/chains/%sv%d-%d", bench_dir, prefix, CHAIN_FORMAT, height);
}

/* Node ID's files in DIR: those of the chain in FROM_DIR, which holds them as node 3000's. */
static void place_chain(const gchar *from_dir, const gchar *dir, const gchar *id)
{
    static const gchar *const names[] = {"blockchain", "chainstate", "wallet"};
    static const gchar *const ext[] = {"db", "db", "dat"};
    g_mkdir_with_parents(dir, 0700);
    for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
        g_autofree gchar *from = g_build_filename(from_dir, FILES[i], NULL);
        g_autofree gchar *to = g_strdup_printf("%s/%s_%s.%s", dir, names[i], id, ext[i]);
        copy_file(from, to);
    }
}

/* ---- nodes, their output read through pipes (as bench_sync.c) ---- */

typedef struct {
    GSubprocess *proc;
    gint fd;
    GString *pending;
} Running;

static GPtrArray *running; /* every node running: all their pipes are read */

static gboolean drain(Running *r)
{
    gchar buf[65536];
    gssize got = read(r->fd, buf, sizeof buf);
    if (got <= 0)
        return FALSE;
    g_string_append_len(r->pending, buf, got);
    return TRUE;
}

static Running *start(const gchar *program, const gchar *dir, const gchar *id,
                      const gchar *const *args)
{
    gint fds[2];
    g_autoptr(GError) error = NULL;
    if (!g_unix_open_pipe(fds, FD_CLOEXEC, &error))
        g_error("pipe: %s", error->message);
    g_autoptr(GSubprocessLauncher) launcher =
        g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDERR_MERGE);
    g_subprocess_launcher_take_stdout_fd(launcher, fds[1]);
    g_subprocess_launcher_set_cwd(launcher, dir);
    g_subprocess_launcher_setenv(launcher, "NODE_ID", id, TRUE);
    g_subprocess_launcher_setenv(launcher, "BC_TARGET_BITS", G_STRINGIFY(BENCH_BITS), TRUE);
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_ptr_array_add(argv, (gpointer)program);
    g_ptr_array_add(argv, "startnode");
    for (guint i = 0; args[i] != NULL; i++)
        g_ptr_array_add(argv, (gpointer)args[i]);
    g_ptr_array_add(argv, NULL);
    Running *r = g_new0(Running, 1);
    r->proc = g_subprocess_launcher_spawnv(launcher, (const gchar *const *)argv->pdata, &error);
    if (r->proc == NULL)
        g_error("cannot start %s: %s", program, error->message);
    r->fd = fds[0];
    r->pending = g_string_new(NULL);
    g_ptr_array_add(running, r);
    return r;
}

/* Reads every node's output until a line of R holds NEEDLE (ends with it, when AT_END); FALSE
 * when R exits or the deadline passes. */
static gboolean wait_line(Running *r, const gchar *needle, gboolean at_end)
{
    gdouble deadline = now() + DEADLINE_S;
    while (now() < deadline) {
        struct pollfd p[4];
        guint n = MIN(running->len, G_N_ELEMENTS(p));
        for (guint i = 0; i < n; i++)
            p[i] = (struct pollfd){.fd = ((Running *)g_ptr_array_index(running, i))->fd,
                                   .events = POLLIN};
        if (poll(p, n, 200) <= 0)
            continue;
        for (guint i = 0; i < n; i++) {
            Running *other = g_ptr_array_index(running, i);
            if (!(p[i].revents & (POLLIN | POLLHUP)))
                continue;
            if (!drain(other)) {
                if (other == r)
                    return FALSE;
                continue;
            }
            gchar *nl;
            while ((nl = strchr(other->pending->str, '\n')) != NULL) {
                *nl = '\0';
                gboolean found =
                    other == r && (at_end ? g_str_has_suffix(other->pending->str, needle)
                                          : strstr(other->pending->str, needle) != NULL);
                g_string_erase(other->pending, 0, nl - other->pending->str + 1);
                if (found)
                    return TRUE;
            }
        }
    }
    return FALSE;
}

static void stop(Running *r)
{
    g_ptr_array_remove(running, r);
    g_subprocess_send_signal(r->proc, SIGTERM);
    while (drain(r)) /* a node blocked on a full pipe would never see its SIGTERM */
        g_string_truncate(r->pending, 0);
    g_subprocess_wait(r->proc, NULL, NULL);
    g_object_unref(r->proc);
    close(r->fd);
    g_string_free(r->pending, TRUE);
    g_free(r);
}

/* A fresh node of FRESH_PROGRAM (its files from FRESH_CHAIN) syncs HEIGHT blocks from a node of
 * SOURCE_PROGRAM holding SOURCE_CHAIN; its time in seconds (0 when it did not get there), and its
 * files copied to KEEP when KEEP is set. The clock runs from the fresh node's start to its
 * "... at height HEIGHT" line. */
static gdouble sync_once(const gchar *source_program, const gchar *source_chain,
                         const gchar *fresh_program, const gchar *fresh_chain, gint32 height,
                         const gchar *keep)
{
    g_autoptr(GError) error = NULL;
    g_autofree gchar *dir = g_dir_make_tmp("bc-cmd9-XXXXXX", &error);
    g_assert_no_error(error);
    /* A port the kernel says is free on every address: another worktree's bench, on the same
     * machine, may be using a fixed one. */
    g_autoptr(GSocketListener) probe = g_socket_listener_new();
    guint16 port = g_socket_listener_add_any_inet_port(probe, NULL, &error);
    g_assert_no_error(error);
    g_socket_listener_close(probe);
    g_autofree gchar *source_at = g_strdup_printf("127.0.0.140:%u", port);
    g_autofree gchar *fresh_at = g_strdup_printf("127.0.0.141:%u", port);
    place_chain(source_chain, dir, "140");
    place_chain(fresh_chain, dir, "141");
    /* Told of itself only: it dials nobody (no default central node on port 3000). */
    const gchar *source_args[] = {"-listen", source_at, "-connect", source_at, NULL};
    Running *source = start(source_program, dir, "140", source_args);
    if (!wait_line(source, "listening on", FALSE))
        g_error("%s: the source node did not start", source_program);
    const gchar *fresh_args[] = {"-listen", fresh_at, "-connect", source_at, NULL};
    gdouble t0 = now();
    Running *fresh = start(fresh_program, dir, "141", fresh_args);
    g_autofree gchar *needle = g_strdup_printf(" at height %d", height);
    gboolean done = wait_line(fresh, needle, TRUE);
    gdouble seconds = now() - t0;
    stop(fresh);
    stop(source);
    if (done && keep != NULL) {
        g_mkdir_with_parents(keep, 0700);
        static const gchar *const names[] = {"blockchain_141.db", "chainstate_141.db",
                                             "wallet_141.dat"};
        for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
            g_autofree gchar *from = g_build_filename(dir, names[i], NULL);
            g_autofree gchar *to = g_build_filename(keep, FILES[i], NULL);
            copy_file(from, to);
        }
    }
    g_autofree gchar *rm = g_strdup_printf("rm -rf '%s'", dir);
    if (system(rm) != 0)
        g_printerr("could not remove %s\n", dir);
    return done ? seconds : 0;
}

/* ---- chapter 9's copies of the chains, as bench_sync.c makes them ---- */

/* Chapter 8's genesis-only files as chapter 9 would have made them: the same records plus the
 * format record of chapter 9 and the genesis index entry (what blockchain_create adds). */
static void convert_genesis(const gchar *from_dir, const gchar *to_dir)
{
    copy_node(from_dir, to_dir);
    g_autofree gchar *db = g_build_filename(to_dir, FILES[0], NULL);
    g_autoptr(GError) error = NULL;
    Blockchain shell = {.bits = BENCH_BITS};
    shell.store = bc_store_open(db, BC_STORE_WRITE, &error);
    g_autoptr(GBytes) tip =
        shell.store != NULL ? bc_store_get(shell.store, BLOCKCHAIN_TIP_KEY, NULL, 0, &error) : NULL;
    BlockIndexEntry entry = {0, block_index_block_work(BENCH_BITS), BLOCK_INDEX_VALID};
    if (tip == NULL || g_bytes_get_size(tip) != BLOCKCHAIN_TIP_LEN ||
        !bc_store_put_format(shell.store, BLOCKCHAIN_FORMAT, &error) ||
        !block_index_put(&shell, g_bytes_get_data(tip, NULL), &entry, &error) ||
        !bc_store_sync(shell.store, &error))
        g_error("cannot convert %s: %s", db, error != NULL ? error->message : "no tip");
    bc_store_close(shell.store);
    /* Chapter 9 must open it as its own, for writing (which also checks the UTXO set). */
    g_autoptr(Blockchain) bc = blockchain_open(db, TRUE, BENCH_BITS, &error);
    if (bc == NULL)
        g_error("chapter 9 does not open its converted genesis %s: %s", db, error->message);
}

/* Chapter 9's copy of the chain of HEIGHT blocks, made when missing by a chapter 9 node syncing
 * it from a chapter 8 node. */
static void ensure_chain9(const gchar *program8, const gchar *program9, gint32 height)
{
    g_autofree gchar *dir = chain_dir(CH09_PREFIX, height);
    g_autofree gchar *marker = g_build_filename(dir, FILES[0], NULL);
    if (g_file_test(marker, G_FILE_TEST_EXISTS))
        return;
    g_autofree gchar *genesis = chain_dir(CH09_PREFIX, 0);
    g_autofree gchar *genesis_db = g_build_filename(genesis, FILES[0], NULL);
    if (!g_file_test(genesis_db, G_FILE_TEST_EXISTS)) {
        g_autofree gchar *genesis8 = chain_dir("", 0);
        convert_genesis(genesis8, genesis);
    }
    g_autofree gchar *from = chain_dir("", height);
    g_print("making chapter 9's copy of the chain of %d blocks (once, cached in %s)...\n", height,
            dir);
    gdouble seconds = sync_once(program8, from, program9, genesis, height, dir);
    if (seconds == 0)
        g_error("a chapter 9 node did not sync %d blocks from a chapter 8 node", height);
}

/* The signatures a node checks to accept the chain of HEIGHT blocks: one per input of every
 * transaction but the coinbase, counted in chapter 9's copy. */
static guint count_signatures(gint32 height)
{
    g_autofree gchar *dir = chain_dir(CH09_PREFIX, height);
    g_autofree gchar *db = g_build_filename(dir, FILES[0], NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(Blockchain) bc = blockchain_open(db, FALSE, BENCH_BITS, &error);
    if (bc == NULL)
        g_error("cannot open %s: %s", db, error->message);
    guint n = 0;
    for (gint32 h = 1; h <= height; h++) {
        guint8 hash[BC_HASH_LEN];
        if (!blockchain_get_hash_at(bc, h, hash, &error))
            g_error("%s: no block at height %d: %s", db, h,
                    error != NULL ? error->message : "none");
        g_autoptr(Block) block = blockchain_get_block(bc, hash, &error);
        if (block == NULL)
            g_error("%s: block at height %d: %s", db, h, error->message);
        for (guint t = 1; t < block->transactions->len; t++)
            n += ((Transaction *)g_ptr_array_index(block->transactions, t))->vin->len;
    }
    return n;
}

/* Raw Nettle: ecdsa_verify of one valid signature, point and signature set up once (as
 * tests/07-network/bench_chain.c measures it), for about a second. */
static gdouble raw_verify_rate(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(Wallet) w = wallet_new(&error);
    g_assert_no_error(error);
    guint8 digest[BC_HASH_LEN] = {1, 2, 3}, sig[WALLET_SIGNATURE_LEN];
    g_assert(wallet_sign(w, digest, sig, &error));
    const guint8 *pub = wallet_public_key(w);
    mpz_t x, y;
    nettle_mpz_init_set_str_256_u(x, 32, pub);
    nettle_mpz_init_set_str_256_u(y, 32, pub + 32);
    struct ecc_point point;
    ecc_point_init(&point, nettle_get_secp_256r1());
    g_assert(ecc_point_set(&point, x, y));
    struct dsa_signature s;
    dsa_signature_init(&s);
    nettle_mpz_set_str_256_u(s.r, 32, sig);
    nettle_mpz_set_str_256_u(s.s, 32, sig + 32);
    guint n = 0;
    gdouble start = now(), elapsed = 0;
    do {
        for (guint i = 0; i < 100; i++)
            g_assert(ecdsa_verify(&point, BC_HASH_LEN, digest, &s));
        n += 100;
        elapsed = now() - start;
    } while (elapsed < 1.0);
    dsa_signature_clear(&s);
    ecc_point_clear(&point);
    mpz_clears(x, y, NULL);
    return n / elapsed;
}

/* ---- the commands, whole process ---- */

/* Runs PROGRAM with ARGS in DIR as node BENCH_NODE, no node running; its wall time in seconds. */
static gdouble run_cli(const gchar *program, const gchar *dir, const gchar *const *args)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_ptr_array_add(argv, (gpointer)program);
    for (guint i = 0; args[i] != NULL; i++)
        g_ptr_array_add(argv, (gpointer)args[i]);
    g_ptr_array_add(argv, NULL);
    g_auto(GStrv) envp = g_get_environ();
    envp = g_environ_setenv(envp, "NODE_ID", BENCH_NODE, TRUE);
    envp = g_environ_setenv(envp, "BC_TARGET_BITS", G_STRINGIFY(BENCH_BITS), TRUE);
    gint status = 0;
    g_autoptr(GError) error = NULL;
    g_autofree gchar *err = NULL;
    gdouble start = now();
    if (!g_spawn_sync(dir, (gchar **)argv->pdata, envp, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                      NULL, &err, &status, &error) ||
        !g_spawn_check_wait_status(status, &error))
        g_error("%s %s: %s %s", program, args[0], error->message, err != NULL ? err : "");
    return now() - start;
}

static gchar *first_address(const gchar *dir)
{
    g_autofree gchar *path = g_build_filename(dir, FILES[2], NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(Wallets) wallets = wallets_load(path, &error);
    g_assert_no_error(error);
    g_auto(GStrv) addresses = wallets_get_addresses(wallets);
    return g_strdup(addresses[0]);
}

enum { GETBALANCE, SEND, PRINTCHAIN, REINDEX, N_COMMANDS };
static const gchar *const COMMAND_NAMES[] = {"getbalance", "send -mine", "printchain",
                                             "reindexutxo"};

/* One run of each command of PROGRAM on a copy of chapter 9's chain of HEIGHT blocks, each
 * time kept in BEST when it is the best yet; with ALL false, getbalance and send -mine only.
 * send -mine adds a block and reindexutxo rewrites the set: each runs on a copy of its own, made
 * before the clock starts, so that every run times the same command on the same files. */
static void command_round(const gchar *program, const gchar *tag, gint32 height, gboolean all,
                          gdouble best[N_COMMANDS])
{
    g_autofree gchar *source = chain_dir(CH09_PREFIX, height);
    g_autofree gchar *dir = g_strdup_printf("%s/run/ch09-commands-%s-%d", bench_dir, tag, height);
    copy_node(source, dir);
    g_autofree gchar *a = first_address(dir);
    gdouble t[N_COMMANDS] = {G_MAXDOUBLE, G_MAXDOUBLE, G_MAXDOUBLE, G_MAXDOUBLE};
    t[GETBALANCE] =
        run_cli(program, dir, (const gchar *const[]){"getbalance", "-address", a, NULL});
    if (all) {
        t[PRINTCHAIN] = run_cli(program, dir, (const gchar *const[]){"printchain", NULL});
        t[REINDEX] = run_cli(program, dir, (const gchar *const[]){"reindexutxo", NULL});
        copy_node(source, dir);
    }
    t[SEND] = run_cli(
        program, dir,
        (const gchar *const[]){"send", "-from", a, "-to", a, "-amount", "1", "-mine", NULL});
    for (guint i = 0; i < N_COMMANDS; i++)
        best[i] = MIN(best[i], t[i]);
}

typedef struct {
    const gchar *name;
    const gchar *tag; /* in file names */
    gchar *program;
    gdouble sync_s;            /* the 10,000-block sync */
    gdouble small[N_COMMANDS]; /* best seconds at SMALL blocks */
    gdouble large[N_COMMANDS]; /* best seconds at LARGE blocks */
} Chapter;

static GString *tsv;

/* One line of the table: chapter 9's and chapter 10's VALUES (N of them) in UNIT, and the goal. */
static void row(const gchar *what, const gdouble *values, guint n, const gchar *format,
                const gchar *unit, const gchar *goal)
{
    g_print("  %-42s", what);
    g_string_append(tsv, what);
    for (guint c = 0; c < 2; c++) {
        if (c < n) {
            g_autofree gchar *v = g_strdup_printf(format, values[c]);
            g_print(" %12s", v);
            g_string_append_printf(tsv, "\t%.6f", values[c]);
        } else {
            g_print(" %12s", "-");
            g_string_append(tsv, "\t");
        }
    }
    g_print("  %-9s %s\n", unit, goal);
    g_string_append_printf(tsv, "\t%s\t%s\n", unit, goal);
}

int main(int argc, char **argv)
{
    (void)argc;
    g_autofree gchar *self = g_canonicalize_filename(argv[0], NULL);
    g_autofree gchar *out_dir = g_path_get_dirname(self);
    g_autofree gchar *build = g_path_get_dirname(out_dir);
    bench_dir = g_build_filename(build, "bench", NULL);
    running = g_ptr_array_new();
    g_autofree gchar *program8 = g_build_filename(build, "08-peer-to-peer", "blockchain", NULL);
    Chapter chapters[] = {
        {"chapter 9", "9", g_build_filename(out_dir, "blockchain", NULL), 0, {0}, {0}},
        {"chapter 10", "10", g_build_filename(build, "10-daemon", "blockchain", NULL), 0, {0}, {0}},
    };
    guint n_chapters = G_N_ELEMENTS(chapters);
    if (!g_file_test(program8, G_FILE_TEST_IS_EXECUTABLE) ||
        !g_file_test(chapters[0].program, G_FILE_TEST_IS_EXECUTABLE)) {
        g_printerr("error: no %s or %s: build them first ('make ch08 ch09', or 'make bench')\n",
                   program8, chapters[0].program);
        return 1;
    }
    if (!g_file_test(chapters[1].program, G_FILE_TEST_IS_EXECUTABLE)) {
        g_print("(no %s: chapter 10 left out; 'make ch10' builds it)\n", chapters[1].program);
        n_chapters = 1;
    }
    const gint32 heights[] = {0, SMALL, LARGE};
    for (guint h = 0; h < G_N_ELEMENTS(heights); h++) {
        g_autofree gchar *chain = chain_dir("", heights[h]);
        g_autofree gchar *db = g_build_filename(chain, FILES[0], NULL);
        if (!g_file_test(db, G_FILE_TEST_EXISTS)) {
            g_printerr("error: no chain of %d blocks in %s/chains: 'make bench' (or 'make "
                       "bench-ch08') builds it first\n",
                       heights[h], bench_dir);
            return 1;
        }
    }
    ensure_chain9(program8, chapters[0].program, SMALL);
    ensure_chain9(program8, chapters[0].program, LARGE);
    guint signatures = count_signatures(LARGE);

    g_print("chapters 9 and 10: signature checks during a sync of %d blocks from one peer, and "
            "whole-process command times (best of %d, getbalance and send -mine of %d; no "
            "node running)\n",
            LARGE, ROUNDS, QUICK_ROUNDS);
    /* Raw Nettle before and after the syncs, the better counts: a busy moment of the shared
     * machine would otherwise set the reference. */
    gdouble raw = raw_verify_rate();
    g_autofree gchar *genesis = chain_dir(CH09_PREFIX, 0);
    g_autofree gchar *large = chain_dir(CH09_PREFIX, LARGE);
    /* Each chapter's fresh node syncs from a node of its own chapter, chapters alternating; the
     * faster run counts. */
    for (guint round = 0; round < SYNC_ROUNDS; round++)
        for (guint c = 0; c < n_chapters; c++) {
            Chapter *ch = &chapters[c];
            gdouble s = sync_once(ch->program, large, ch->program, genesis, LARGE, NULL);
            if (s > 0 && (ch->sync_s == 0 || s < ch->sync_s))
                ch->sync_s = s;
        }
    raw = MAX(raw, raw_verify_rate());
    /* Rounds alternate chapters and heights, so that a busy moment does not hit one alone. */
    for (guint c = 0; c < n_chapters; c++)
        for (guint i = 0; i < N_COMMANDS; i++)
            chapters[c].small[i] = chapters[c].large[i] = G_MAXDOUBLE;
    for (guint round = 0; round < QUICK_ROUNDS; round++)
        for (guint c = 0; c < n_chapters; c++) {
            command_round(chapters[c].program, chapters[c].tag, SMALL, round < ROUNDS,
                          chapters[c].small);
            command_round(chapters[c].program, chapters[c].tag, LARGE, round < ROUNDS,
                          chapters[c].large);
        }

    tsv = g_string_new("measure\tchapter_9\tchapter_10\tunit\tgoal\n");
    g_print("  %-42s %12s %12s  %-9s %s\n", "", "chapter 9", "chapter 10", "unit", "goal");
    gdouble v[2];
    for (guint c = 0; c < n_chapters; c++)
        v[c] = chapters[c].sync_s > 0 ? LARGE / chapters[c].sync_s : 0;
    row("sync 10,000 blocks from one peer", v, n_chapters, "%.0f", "blocks/s",
        "best of " G_STRINGIFY(SYNC_ROUNDS));
    for (guint c = 0; c < n_chapters; c++)
        v[c] = chapters[c].sync_s > 0 ? signatures / chapters[c].sync_s : 0;
    g_autofree gchar *checked = g_strdup_printf("signature checks during it (%u)", signatures);
    row(checked, v, n_chapters, "%.0f", "verify/s", "");
    v[0] = v[1] = raw;
    row("raw Nettle ecdsa_verify, this run", v, n_chapters, "%.0f", "verify/s", "");
    for (guint c = 0; c < n_chapters; c++)
        v[c] = chapters[c].sync_s > 0 ? signatures / chapters[c].sync_s / raw : 0;
    row("signature checks, sync over raw", v, n_chapters, "%.2f", "ratio",
        ">= 0.15 (chapter 7's), higher");
    for (guint i = 0; i < N_COMMANDS; i++) {
        g_autofree gchar *a = g_strdup_printf("%s at 100 blocks", COMMAND_NAMES[i]);
        g_autofree gchar *b = g_strdup_printf("%s at 10,000 blocks", COMMAND_NAMES[i]);
        g_autofree gchar *r = g_strdup_printf("%s, 10,000 over 100", COMMAND_NAMES[i]);
        for (guint c = 0; c < n_chapters; c++)
            v[c] = chapters[c].small[i] * 1000;
        row(a, v, n_chapters, "%.1f", "ms", "");
        for (guint c = 0; c < n_chapters; c++)
            v[c] = chapters[c].large[i] * 1000;
        row(b, v, n_chapters, "%.1f", "ms", i == GETBALANCE ? "< 10" : "");
        for (guint c = 0; c < n_chapters; c++)
            v[c] = chapters[c].large[i] / chapters[c].small[i];
        row(r, v, n_chapters, "%.2f", "ratio", i <= SEND ? "<= 1.5" : "linear: <= 100");
    }
    g_print("  (a shared machine: figures vary by 20%% from run to run, read the ratios; chapter "
            "10's getbalance through a running node's control socket: bench_control.c)\n");
    g_autofree gchar *path = g_build_filename(bench_dir, "ch09_commands.tsv", NULL);
    g_autoptr(GError) error = NULL;
    if (!g_file_set_contents(path, tsv->str, (gssize)tsv->len, &error))
        g_error("%s", error->message);
    g_print("  (written to %s)\n", path);
    g_string_free(tsv, TRUE);
    for (guint c = 0; c < G_N_ELEMENTS(chapters); c++)
        g_free(chapters[c].program);
    g_ptr_array_unref(running);
    return 0;
}
