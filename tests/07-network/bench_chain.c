/* bench_chain.c: what chapter 7 costs as its chain grows. It builds its own chains (one signed
 * transaction and a coinbase per block, at BENCH_BITS), caches them under BUILD/bench/chains, and
 * measures, in one run:
 *   - a fresh node's validated import of 1,000 and 10,000 blocks (each block serialized, decoded,
 *     checked by validation_check_block and added, as handle_block does, without the network:
 *     tests/bench/sync.sh measures the network sync), blocks/s and the ratio of the per-block
 *     time at 10,000 to that at 1,000;
 *   - the signature checks per second of that import next to raw Nettle ecdsa_verify per second;
 *   - whole-process times of getbalance, send -mine, printchain and reindexutxo at 100 and
 *     10,000 blocks;
 *   - a 1 MiB transaction of random inputs, decoded and refused at 10,000 blocks;
 *   - the peak RSS of this process (the importing node's work is done in it).
 * Prints a table and writes BUILD/bench/ch07_chain.tsv. */
#include <errno.h>
#include <glib/gstdio.h>
#include <nettle/bignum.h>
#include <nettle/ecc-curve.h>
#include <nettle/ecc.h>
#include <nettle/ecdsa.h>
#include <string.h>
#include <sys/resource.h>

#include "bc_random.h"
#include "blockchain.h"
#include "proof_of_work.h"
#include "transaction_sign.h"
#include "utxo_set.h"
#include "validation.h"
#include "wallet.h"
#include "wallets.h"

#define BENCH_BITS 8
#define BENCH_NODE "3000"
#define CHAIN_FORMAT 5 /* bump when the generator or the file layout changes */

static const gchar *const FILES[] = {"blockchain_" BENCH_NODE ".db", "chainstate_" BENCH_NODE ".db",
                                     "wallet_" BENCH_NODE ".dat"};
static const gint32 SNAPSHOTS[] = {0, 100, 200, 400, 1000, 10000};

static gchar *bench_dir, *program;
static GString *tsv;

static gdouble now(void)
{
    return (gdouble)g_get_monotonic_time() / G_USEC_PER_SEC;
}

static void row(const gchar *what, gdouble value, const gchar *unit, const gchar *note)
{
    g_print("  %-46s %14.3f %-10s %s\n", what, value, unit, note != NULL ? note : "");
    g_string_append_printf(tsv, "%s\t%.6f\t%s\t%s\n", what, value, unit, note != NULL ? note : "");
}

/* The copy replaces the file whole (CONSISTENT) and is synced to disk (DURABLE): else the first
 * fsync of the program under test writes the whole copied file back, and its time grows with the
 * file (send -mine's did, twofold). */
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

static gchar *snapshot_dir(gint32 height)
{
    return g_strdup_printf("%s/chains/v%d-%d", bench_dir, CHAIN_FORMAT, height);
}

/* Builds genesis and 10,000 blocks, copying the node's files at every height in SNAPSHOTS. Each
 * block holds a coinbase to A and A's signed spend of the previous coinbase and of its own last
 * output, all back to A: the set stays at two records, so that what grows is the chain alone (B
 * is in the wallet file for the CLI's send). */
static void build_chains(void)
{
    g_autofree gchar *last = snapshot_dir(SNAPSHOTS[G_N_ELEMENTS(SNAPSHOTS) - 1]);
    g_autofree gchar *marker = g_build_filename(last, FILES[0], NULL);
    if (g_file_test(marker, G_FILE_TEST_EXISTS))
        return;
    g_print("building the benchmark chains (once, cached in %s/chains)...\n", bench_dir);
    gdouble start = now();
    g_autofree gchar *work = g_strdup_printf("%s/chains/work", bench_dir);
    g_mkdir_with_parents(work, 0700);
    for (guint i = 0; i < G_N_ELEMENTS(FILES); i++) {
        g_autofree gchar *path = g_build_filename(work, FILES[i], NULL);
        g_unlink(path);
    }
    g_autoptr(GError) error = NULL;
    g_autoptr(Wallets) wallets = wallets_new();
    /* One wallet only: the CLI benchmarks send from the wallet file's first address, and a
     * file lists its addresses in sorted order, not in the order they were made. */
    g_autofree gchar *a = wallets_create_wallet(wallets, &error);
    g_assert_no_error(error);
    g_autofree gchar *wallet_path = g_build_filename(work, FILES[2], NULL);
    g_assert(wallets_save(wallets, wallet_path, &error));
    const Wallet *alice = wallets_get_wallet(wallets, a);
    guint8 to_a[BC_RIPEMD160_LEN];
    wallet_hash_pubkey(wallet_public_key(alice), to_a);
    g_autofree gchar *db = g_build_filename(work, FILES[0], NULL);
    Blockchain *bc = blockchain_create(db, a, BENCH_BITS, &error);
    g_assert_no_error(error);
    g_autoptr(Block) genesis = blockchain_get_block(bc, bc->tip, &error);
    g_assert_no_error(error);
    Transaction *previous = g_ptr_array_steal_index(genesis->transactions, 0);
    Transaction *gathered = NULL; /* A's last spend, whose output 0 is all A had */
    guint next = 0;
    for (gint32 h = 0; h <= SNAPSHOTS[G_N_ELEMENTS(SNAPSHOTS) - 1]; h++) {
        if (h > 0) {
            g_autoptr(GPtrArray) txs =
                g_ptr_array_new_with_free_func((GDestroyNotify)transaction_free);
            Transaction *coinbase = transaction_new_coinbase(a, NULL, &error);
            g_assert_no_error(error);
            /* A gathers the previous coinbase and its own last output into one: the set stays
             * at a few records, so what grows is the chain alone. */
            Transaction *spend = transaction_new();
            g_autoptr(GPtrArray) spent = g_ptr_array_new();
            transaction_add_input(spend, previous->id, 0, wallet_public_key(alice),
                                  WALLET_PUBLIC_KEY_LEN);
            g_ptr_array_add(spent, g_ptr_array_index(previous->vout, 0));
            gint64 total = SUBSIDY;
            if (gathered != NULL) {
                transaction_add_input(spend, gathered->id, 0, wallet_public_key(alice),
                                      WALLET_PUBLIC_KEY_LEN);
                g_ptr_array_add(spent, g_ptr_array_index(gathered->vout, 0));
                total += ((TxOutput *)g_ptr_array_index(gathered->vout, 0))->value;
            }
            transaction_add_output(spend, total, to_a);
            g_assert(transaction_sign(spend, alice, spent, &error));
            transaction_set_id(spend);
            g_autoptr(GBytes) kept = transaction_serialize(spend);
            transaction_free(gathered);
            gathered = transaction_deserialize(kept, &error);
            g_ptr_array_add(txs, coinbase);
            g_ptr_array_add(txs, spend);
            g_autoptr(Block) block = blockchain_mine_block(bc, txs, &error);
            g_assert_no_error(error);
            g_assert(block != NULL);
            g_autoptr(GBytes) raw = transaction_serialize(coinbase);
            transaction_free(previous);
            previous = transaction_deserialize(raw, &error);
        }
        if (next < G_N_ELEMENTS(SNAPSHOTS) && h == SNAPSHOTS[next]) {
            blockchain_close(bc);
            g_autofree gchar *dir = snapshot_dir(h);
            copy_node(work, dir);
            bc = blockchain_open(db, TRUE, BENCH_BITS, &error);
            g_assert_no_error(error);
            next++;
        }
    }
    transaction_free(previous);
    transaction_free(gathered);
    blockchain_close(bc);
    g_print("built in %.1f s\n", now() - start);
}

/* A fresh node (genesis only) imports the first N blocks of the cached chain; returns seconds. */
static gdouble import(gint32 n, guint *signatures)
{
    g_autofree gchar *source_dir = snapshot_dir(n);
    g_autofree gchar *fresh_dir = g_strdup_printf("%s/run/import-%d", bench_dir, n);
    g_autofree gchar *genesis_dir = snapshot_dir(0);
    copy_node(genesis_dir, fresh_dir);
    g_autofree gchar *source_db = g_build_filename(source_dir, FILES[0], NULL);
    g_autofree gchar *fresh_db = g_build_filename(fresh_dir, FILES[0], NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(Blockchain) source = blockchain_open(source_db, FALSE, BENCH_BITS, &error);
    g_assert_no_error(error);
    g_autoptr(Blockchain) fresh = blockchain_open(fresh_db, TRUE, BENCH_BITS, &error);
    g_assert_no_error(error);
    /* What the peer sends: the serialized blocks, read before the clock starts. */
    g_autoptr(GPtrArray) sent = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
    for (gint32 h = 1; h <= n; h++) {
        guint8 hash[BC_HASH_LEN];
        g_assert(blockchain_get_hash_at(source, h, hash, &error));
        g_autoptr(Block) block = blockchain_get_block(source, hash, &error);
        g_assert_no_error(error);
        g_ptr_array_add(sent, block_serialize(block));
    }
    *signatures = 0;
    gdouble start = now();
    for (guint i = 0; i < sent->len; i++) {
        g_autoptr(Block) block = block_deserialize(g_ptr_array_index(sent, i), &error);
        g_assert_no_error(error);
        if (!validation_check_block(fresh, block, &error) ||
            !blockchain_add_block(fresh, block, &error))
            g_error("import of block %u: %s", i + 1, error->message);
        for (guint t = 1; t < block->transactions->len; t++)
            *signatures += ((Transaction *)g_ptr_array_index(block->transactions, t))->vin->len;
    }
    g_assert(blockchain_sync(fresh, &error));
    return now() - start;
}

/* Raw Nettle: ecdsa_verify of one valid signature, point and signature set up once. */
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

/* Runs the program with ARGS in DIR as node BENCH_NODE; returns its wall time in seconds. */
static gdouble run_cli(const gchar *dir, const gchar *const *args)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_ptr_array_add(argv, program);
    for (guint i = 0; args[i] != NULL; i++)
        g_ptr_array_add(argv, (gpointer)args[i]);
    g_ptr_array_add(argv, NULL);
    g_auto(GStrv) envp = g_get_environ();
    envp = g_environ_setenv(envp, "NODE_ID", BENCH_NODE, TRUE);
    g_autofree gchar *bits = g_strdup_printf("%d", BENCH_BITS);
    envp = g_environ_setenv(envp, "BC_TARGET_BITS", bits, TRUE);
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

/* The best of three runs of a command (the machine is shared: one run may wait for a core). */
static gdouble best_of_three(const gchar *dir, const gchar *const *args)
{
    gdouble best = G_MAXDOUBLE;
    for (guint i = 0; i < 3; i++)
        best = MIN(best, run_cli(dir, args));
    return best;
}

static void cli_times(gint32 n, gdouble out[4])
{
    g_autofree gchar *source = snapshot_dir(n);
    g_autofree gchar *dir = g_strdup_printf("%s/run/cli-%d", bench_dir, n);
    copy_node(source, dir);
    g_autofree gchar *a = first_address(dir);
    out[0] = best_of_three(dir, (const gchar *const[]){"getbalance", "-address", a, NULL});
    /* Each send adds a block: three in a row differ by a block, nothing to a chain of 100+. */
    out[1] = best_of_three(
        dir, (const gchar *const[]){"send", "-from", a, "-to", a, "-amount", "1", "-mine", NULL});
    out[2] = best_of_three(dir, (const gchar *const[]){"printchain", NULL});
    out[3] = best_of_three(dir, (const gchar *const[]){"reindexutxo", NULL});
}

/* A transaction of random inputs just under 1 MiB, decoded and refused by a node at N blocks. */
static gdouble big_random_tx(gint32 n, guint *inputs)
{
    g_autofree gchar *source = snapshot_dir(n);
    g_autofree gchar *dir = g_strdup_printf("%s/run/bigtx-%d", bench_dir, n);
    copy_node(source, dir);
    g_autofree gchar *db = g_build_filename(dir, FILES[0], NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(Blockchain) bc = blockchain_open(db, FALSE, BENCH_BITS, &error);
    g_assert_no_error(error);
    g_autoptr(Transaction) tx = transaction_new();
    guint8 to[BC_RIPEMD160_LEN] = {0};
    transaction_add_output(tx, 1, to);
    /* An input serializes to about 176 bytes: 5,900 of them stay under the 1 MiB limit. */
    for (*inputs = 0; *inputs < 5900; (*inputs)++) {
        guint8 bytes[BC_HASH_LEN + WALLET_PUBLIC_KEY_LEN + WALLET_SIGNATURE_LEN];
        g_assert(bc_random_bytes(bytes, sizeof bytes, NULL));
        transaction_add_input(tx, bytes, 0, bytes + BC_HASH_LEN, WALLET_PUBLIC_KEY_LEN);
        TxInput *in = g_ptr_array_index(tx->vin, tx->vin->len - 1);
        g_bytes_unref(in->signature);
        in->signature =
            g_bytes_new(bytes + BC_HASH_LEN + WALLET_PUBLIC_KEY_LEN, WALLET_SIGNATURE_LEN);
    }
    transaction_set_id(tx);
    g_autoptr(GBytes) raw = transaction_serialize(tx);
    g_assert(g_bytes_get_size(raw) <= 1024 * 1024);
    gdouble start = now();
    /* Refused by the decoder (more inputs than TRANSACTION_MAX_INPUTS) or, under the caps, by
     * validation: either way the time is what a node spends on it. */
    g_autoptr(Transaction) got = transaction_deserialize(raw, &error);
    gboolean ok = got != NULL && validation_check_transaction(bc, got, &error);
    gdouble elapsed = now() - start;
    g_assert(!ok);
    return elapsed;
}

int main(int argc, char **argv)
{
    (void)argc;
    g_autofree gchar *self = g_canonicalize_filename(argv[0], NULL);
    g_autofree gchar *out_dir = g_path_get_dirname(self);
    g_autofree gchar *build = g_path_get_dirname(out_dir);
    bench_dir = g_build_filename(build, "bench", NULL);
    program = g_build_filename(out_dir, "blockchain", NULL);
    g_mkdir_with_parents(bench_dir, 0700);
    tsv = g_string_new("measure\tvalue\tunit\tnote\n");
    g_setenv("BC_TARGET_BITS", "8", TRUE);
    build_chains();

    g_print("chapter 7, chains of one signed transaction and a coinbase per block, %d bits\n",
            BENCH_BITS);
    guint sigs_1k = 0, sigs_10k = 0;
    gdouble t_1k = import(1000, &sigs_1k);
    gdouble t_10k = import(10000, &sigs_10k);
    row("import 1,000 blocks (validated, no network)", 1000 / t_1k, "blocks/s", NULL);
    row("import 10,000 blocks (validated, no network)", 10000 / t_10k, "blocks/s", NULL);
    row("per-block time, 10,000 over 1,000", (t_10k / 10000) / (t_1k / 1000), "ratio",
        "goal <= 1.3");
    gdouble raw = raw_verify_rate();
    gdouble during = sigs_10k / t_10k;
    row("raw Nettle ecdsa_verify", raw, "verify/s", "same run");
    row("signature checks during the 10,000 import", during, "verify/s", NULL);
    row("signature checks, import over raw", during / raw, "ratio", "goal >= 0.15 (network)");

    gdouble small[4], large[4];
    cli_times(100, small);
    cli_times(10000, large);
    const gchar *names[] = {"getbalance", "send -mine", "printchain", "reindexutxo"};
    for (guint i = 0; i < 4; i++) {
        g_autofree gchar *a = g_strdup_printf("%s at 100 blocks", names[i]);
        g_autofree gchar *b = g_strdup_printf("%s at 10,000 blocks", names[i]);
        g_autofree gchar *c = g_strdup_printf("%s, 10,000 over 100", names[i]);
        row(a, small[i] * 1000, "ms", NULL);
        row(b, large[i] * 1000, "ms", NULL);
        row(c, large[i] / small[i], "ratio", i < 2 ? "goal <= 1.5" : "linear: up to 100");
    }
    guint inputs = 0;
    gdouble refused = big_random_tx(10000, &inputs);
    g_autofree gchar *note = g_strdup_printf("%u random inputs; goal < 50 ms", inputs);
    row("1 MiB transaction refused at 10,000 blocks", refused * 1000, "ms", note);
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    row("peak RSS of the importing process", usage.ru_maxrss / 1024.0, "MiB", NULL);

    g_autofree gchar *tsv_path = g_build_filename(bench_dir, "ch07_chain.tsv", NULL);
    g_autoptr(GError) error = NULL;
    if (!g_file_set_contents(tsv_path, tsv->str, (gssize)tsv->len, &error))
        g_printerr("error: %s\n", error->message);
    else
        g_print("  (written to %s)\n", tsv_path);
    g_string_free(tsv, TRUE);
    g_free(bench_dir);
    g_free(program);
    return 0;
}
