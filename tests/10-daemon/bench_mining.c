/* bench_mining.c: the mining rate of chapter 10 (make bench-ch10). In one run, on one random
 * header: hashes per second of Nettle SHA-256 over the whole 84-byte header (two compressions,
 * chapter 2's loop; the block hash here is single SHA-256) and of the midstate path (one
 * compression); then the miner (miner.c) on 1 thread and on each count up to the number of
 * cores, at a difficulty nothing reaches, each rate as a ratio of the midstate rate measured here
 * (goals: 1 thread >= 0.9 x midstate; all cores >= 0.85 x cores x midstate); then the time
 * miner_abandon takes, on every core, from the call (what the node does on a new tip) until
 * every thread has stopped and is joined (goal: under 50 ms). Prints a table and writes
 * BUILD/bench/ch10_mining.tsv (threads against rate), drawn by tools/plot.sh and as
 * docs/img/10-mining-threads.svg. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bc_hash.h"
#include "bc_random.h"
#include "miner.h"
#include "transaction.h"

#define BENCH_SECONDS 0.5
#define ABANDON_ROUNDS 10

static volatile guint8 sink; /* keeps the hashes from being optimised away */

static double plain_rate(guint8 header[BLOCK_HEADER_LEN])
{
    guint8 hash[BC_HASH_LEN];
    guint64 n = 0;
    gint64 start = g_get_monotonic_time(), now = start;
    while (now - start < BENCH_SECONDS * G_USEC_PER_SEC) {
        for (guint i = 0; i < 4096; i++, n++) {
            guint64 le = GUINT64_TO_LE(n);
            memcpy(header + BLOCK_NONCE_OFFSET, &le, sizeof le);
            bc_sha256(header, BLOCK_HEADER_LEN, hash);
            sink ^= hash[0];
        }
        now = g_get_monotonic_time();
    }
    return n / ((now - start) / (double)G_USEC_PER_SEC);
}

static double midstate_rate(const guint8 header[BLOCK_HEADER_LEN])
{
    MinerMidstate ms;
    miner_midstate_init(&ms, header);
    guint8 hash[BC_HASH_LEN];
    guint64 n = 0;
    gint64 start = g_get_monotonic_time(), now = start;
    while (now - start < BENCH_SECONDS * G_USEC_PER_SEC) {
        for (guint i = 0; i < 4096; i++, n++) {
            miner_midstate_hash(&ms, n, hash);
            sink ^= hash[0];
        }
        now = g_get_monotonic_time();
    }
    return n / ((now - start) / (double)G_USEC_PER_SEC);
}

static void never_found(Block *block, gpointer user_data)
{
    (void)user_data;
    block_free(block);
    g_error("bench: a block was found at a difficulty of 2^-60 a nonce");
}

static Block *unreachable_template(void)
{
    guint8 prev[BC_HASH_LEN];
    g_assert(bc_random_bytes(prev, sizeof prev, NULL));
    g_autoptr(GPtrArray) txs = g_ptr_array_new_with_free_func((GDestroyNotify)transaction_free);
    g_ptr_array_add(txs, transaction_new_coinbase("1BoatSLRHtKNngkdXEeobR76b53LETtpyT", NULL,
                                                  NULL));
    return miner_template_new(txs, prev, 1, 60);
}

static double miner_rate(guint threads)
{
    g_autoptr(Miner) miner = miner_new(threads, never_found, NULL);
    miner_start(miner, unreachable_template());
    g_usleep(50000); /* the threads under way */
    guint64 before = miner_hashes(miner);
    gint64 start = g_get_monotonic_time();
    g_usleep(BENCH_SECONDS * G_USEC_PER_SEC);
    guint64 after = miner_hashes(miner);
    gint64 now = g_get_monotonic_time();
    miner_abandon(miner, NULL);
    return (after - before) / ((now - start) / (double)G_USEC_PER_SEC);
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    (void)argc;
    g_autofree gchar *self = g_canonicalize_filename(argv[0], NULL);
    g_autofree gchar *out_dir = g_path_get_dirname(self);
    g_autofree gchar *build = g_path_get_dirname(out_dir);
    g_autofree gchar *bench_dir = g_build_filename(build, "bench", NULL);
    g_mkdir_with_parents(bench_dir, 0755);

    guint8 header[BLOCK_HEADER_LEN];
    g_assert(bc_random_bytes(header, sizeof header, NULL));
    double plain = plain_rate(header);
    double mid = midstate_rate(header);
    guint cores = miner_default_threads();
    printf("mining rate, one random header (%u cores)\n", cores);
    printf("  %-44s %8.2f MH/s\n", "Nettle SHA-256 of the whole header", plain / 1e6);
    printf("  %-44s %8.2f MH/s   %.2f x the whole header\n", "midstate (one compression)",
           mid / 1e6, mid / plain);

    g_autoptr(GString) tsv = g_string_new(
        "threads\tminer MH/s\tthreads x midstate MH/s (reference)\tthreads x whole-header MH/s\n");
    for (guint t = 1; t <= cores; t++) {
        double rate = miner_rate(t);
        printf("  miner, %2u thread%s %-28s %8.2f MH/s   %.2f x (%u x midstate)%s\n", t,
               t == 1 ? " " : "s", "", rate / 1e6, rate / (t * mid), t,
               t == 1 ? "   goal >= 0.90" : t == cores ? "   goal >= 0.85" : "");
        g_string_append_printf(tsv, "%u\t%.2f\t%.2f\t%.2f\n", t, rate / 1e6, t * mid / 1e6,
                               t * plain / 1e6);
    }

    /* Abandoning: the worst and the median of ABANDON_ROUNDS, every core busy. */
    double ms[ABANDON_ROUNDS];
    g_autoptr(Miner) miner = miner_new(cores, never_found, NULL);
    for (guint r = 0; r < ABANDON_ROUNDS; r++) {
        miner_start(miner, unreachable_template());
        g_usleep(20000);
        gint64 start = g_get_monotonic_time();
        miner_abandon(miner, NULL);
        ms[r] = (g_get_monotonic_time() - start) / 1000.0;
    }
    qsort(ms, ABANDON_ROUNDS, sizeof ms[0], compare_doubles);
    printf("  %-44s %8.2f ms median, %.2f ms worst of %d   goal < 50 ms (%.0f x under)\n",
           "new tip -> work abandoned, threads joined", ms[ABANDON_ROUNDS / 2],
           ms[ABANDON_ROUNDS - 1], ABANDON_ROUNDS, 50.0 / ms[ABANDON_ROUNDS - 1]);

    g_autofree gchar *path = g_build_filename(bench_dir, "ch10_mining.tsv", NULL);
    g_autoptr(GError) error = NULL;
    if (!g_file_set_contents(path, tsv->str, -1, &error)) {
        fprintf(stderr, "error: %s\n", error->message);
        return 1;
    }
    printf("  wrote %s\n", path);
    return 0;
}
