/* bench_reorg.c: the cost of a reorganisation of depth 1, 10 and 100, on a chain of 1,000 blocks
 * and on one of 10,000 (goals: linear in the depth, flat in the chain's length). A benchmark, not
 * a test: it prints its figures and never fails on speed.
 *
 * Each chain is built in a temporary directory with the chapter's own code (coinbase-only blocks
 * at 1 target bit, accepted as from a peer). For each depth D a branch of D + 1 blocks is built
 * on the block D below the tip and accepted block by block; the time measured is the acceptance
 * of its last block, the one that makes the node take D blocks off and connect D + 1. Prints a
 * table and writes BUILD/bench/ch09_reorg.tsv. */
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "block_index.h"
#include "chain_state.h"
#include "wallet.h"

#define BENCH_BITS 1

static GString *tsv;
static const gchar *address;

static void must(gboolean ok, GError *error)
{
    if (!ok) {
        fprintf(stderr, "bench: %s\n", error != NULL ? error->message : "failed");
        exit(1);
    }
}

static Block *coinbase_block(const guint8 parent[BC_HASH_LEN], gint32 parent_height)
{
    g_autoptr(GError) error = NULL;
    Transaction *coinbase = transaction_new_coinbase(address, NULL, &error);
    must(coinbase != NULL, error);
    g_autoptr(GPtrArray) txs = g_ptr_array_new_with_free_func((GDestroyNotify)transaction_free);
    g_ptr_array_add(txs, coinbase);
    return block_new(txs, parent, parent_height + 1, BENCH_BITS);
}

/* Accepts BLOCK; the seconds it took and, in *OFF, the blocks it took off. */
static double accept(Blockchain *bc, const Block *block, guint *off)
{
    ChainChange change;
    chain_change_init(&change);
    g_autoptr(GError) error = NULL;
    gint64 start = g_get_monotonic_time();
    gboolean ok = chain_state_accept_block(bc, block, &change, &error);
    double seconds = (double)(g_get_monotonic_time() - start) / G_USEC_PER_SEC;
    must(ok, error);
    *off = change.disconnected->len;
    chain_change_clear(&change);
    return seconds;
}

/* A reorganisation of DEPTH on BC: the seconds of its deciding block. */
static double reorg(Blockchain *bc, guint depth)
{
    guint8 at[BC_HASH_LEN];
    g_autoptr(GError) error = NULL;
    gint32 fork = bc->height - (gint32)depth;
    must(blockchain_get_hash_at(bc, fork, at, &error), error);
    double seconds = 0;
    guint off = 0;
    for (guint i = 0; i <= depth; i++) {
        g_autoptr(Block) block = coinbase_block(at, fork + (gint32)i);
        seconds = accept(bc, block, &off);
        memcpy(at, block->hash, BC_HASH_LEN);
    }
    if (off != depth) {
        fprintf(stderr, "bench: the reorganisation took %u blocks off, not %u\n", off, depth);
        exit(1);
    }
    return seconds;
}

static const guint depths[] = {1, 10, 100};

/* Builds a chain of LENGTH blocks and measures each depth, ROUNDS times (the median kept). */
static void measure(guint length, double out[G_N_ELEMENTS(depths)])
{
    g_autoptr(GError) error = NULL;
    g_autofree gchar *dir = g_dir_make_tmp("bc-bench-XXXXXX", &error);
    must(dir != NULL, error);
    g_autofree gchar *db = g_build_filename(dir, "blockchain_bench.db", NULL);
    g_autofree gchar *chainstate = g_build_filename(dir, "chainstate_bench.db", NULL);
    g_autoptr(Blockchain) bc = blockchain_create(db, address, BENCH_BITS, &error);
    must(bc != NULL, error);
    while ((guint)bc->height + 1 < length) {
        g_autoptr(Block) block = coinbase_block(bc->tip, bc->height);
        guint off = 0;
        accept(bc, block, &off);
    }
    for (guint d = 0; d < G_N_ELEMENTS(depths); d++) {
        double t[3];
        for (guint r = 0; r < 3; r++)
            t[r] = reorg(bc, depths[d]);
        /* The median of three: one slow round (another process) does not move it. */
        double lo = MIN(t[0], MIN(t[1], t[2])), hi = MAX(t[0], MAX(t[1], t[2]));
        out[d] = t[0] + t[1] + t[2] - lo - hi;
    }
    g_clear_pointer(&bc, blockchain_close);
    g_unlink(db);
    g_unlink(chainstate);
    g_rmdir(dir);
}

int main(int argc, char **argv)
{
    (void)argc;
    g_autofree gchar *self = g_canonicalize_filename(argv[0], NULL);
    g_autofree gchar *out_dir = g_path_get_dirname(self);
    g_autofree gchar *build = g_path_get_dirname(out_dir);
    g_autofree gchar *bench_dir = g_build_filename(build, "bench", NULL);
    g_mkdir_with_parents(bench_dir, 0700);
    g_autoptr(GError) error = NULL;
    g_autoptr(Wallet) wallet = wallet_new(&error);
    must(wallet != NULL, error);
    g_autofree gchar *addr = wallet_get_address(wallet);
    address = addr;
    tsv = g_string_new("measure\tvalue\tunit\tnote\n");

    double small[G_N_ELEMENTS(depths)], large[G_N_ELEMENTS(depths)];
    measure(1000, small);
    measure(10000, large);
    g_print("chapter 9, reorganisations of coinbase-only blocks at %d bit (median of 3)\n",
            BENCH_BITS);
    g_print("%-8s %14s %14s %16s %18s\n", "depth", "at 1,000 (ms)", "at 10,000 (ms)",
            "10,000 / 1,000", "per block at 10k");
    for (guint d = 0; d < G_N_ELEMENTS(depths); d++) {
        double per = large[d] / depths[d] * 1000;
        g_print("%-8u %14.2f %14.2f %16.2f %15.3f ms\n", depths[d], small[d] * 1000,
                large[d] * 1000, large[d] / small[d], per);
        g_string_append_printf(tsv, "reorg depth %u at 1,000 blocks\t%.6f\tms\t\n", depths[d],
                               small[d] * 1000);
        g_string_append_printf(tsv, "reorg depth %u at 10,000 blocks\t%.6f\tms\t\n", depths[d],
                               large[d] * 1000);
        g_string_append_printf(tsv, "reorg depth %u, 10,000 over 1,000\t%.6f\tratio\tgoal ~1\n",
                               depths[d], large[d] / small[d]);
    }
    g_print("depth 100 over depth 10 at 10,000 blocks: %.2f (linear: ~10)\n", large[2] / large[1]);
    g_string_append_printf(tsv,
                           "depth 100 over depth 10 at 10,000 blocks\t%.6f\tratio\tlinear ~10\n",
                           large[2] / large[1]);
    g_autofree gchar *tsv_path = g_build_filename(bench_dir, "ch09_reorg.tsv", NULL);
    if (!g_file_set_contents(tsv_path, tsv->str, (gssize)tsv->len, &error))
        g_printerr("error: %s\n", error->message);
    else
        g_print("  (written to %s)\n", tsv_path);
    g_string_free(tsv, TRUE);
    return 0;
}
