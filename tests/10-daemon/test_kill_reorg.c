/* test_kill_reorg.c: SIGKILL at random moments during a reorganisation, with the real binary.
 * Node A has its own branch of 10 blocks; node B one of 30 from the same fork point, each block
 * paying someone. A is started told of B, downloads B's branch and reorganises onto it; it is
 * killed after a random delay (from the kernel's random source) while it does, 30 rounds from the
 * same files. After each kill, A is restarted alone, and then its files must hold a set equal to
 * a reindex and a valid tip with most work, and every block A had logged as added before it died
 * must be there, on its chain or on a branch with less work than its tip. */
#include <glib/gstdio.h>
#include <sys/random.h>

#include "node_harness.h"

#include "bc_hex.h"
#include "block_index.h"
#include "blockchain.h"
#include "utxo_set.h"

enum { A, B, WALLET, DEAD, N_PORTS };
#define ROUNDS 30
#define A_BLOCKS 10
#define B_BLOCKS 30
#define FORK_HEIGHT 1

static gchar *dir;
static guint16 ports[N_PORTS];

static void setup(void)
{
    dir = bc_test_tmpdir();
    free_ports(ports, N_PORTS);
}

static void teardown(void)
{
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

static gchar *file_of(const gchar *kind, guint16 port, const gchar *ext)
{
    return g_strdup_printf("%s/%s_%u.%s", dir, kind, port, ext);
}

static void copy(const gchar *kind, guint16 from, guint16 to, const gchar *ext)
{
    g_autofree gchar *src = file_of(kind, from, ext);
    g_autofree gchar *dst = file_of(kind, to, ext);
    g_assert(bc_test_copy_file(src, dst));
}

/* Node FROM's chain and set, as node TO's. */
static void copy_chain(guint16 from, guint16 to)
{
    copy("blockchain", from, to, "db");
    copy("chainstate", from, to, "db");
}

/* The files of both nodes, saved in DIR/saved or put back from there. */
static void save_or_restore(gboolean save)
{
    static const gchar *const kinds[] = {"blockchain", "chainstate"};
    for (guint n = A; n <= B; n++) {
        for (guint k = 0; k < G_N_ELEMENTS(kinds); k++) {
            g_autofree gchar *live = file_of(kinds[k], ports[n], "db");
            g_autofree gchar *base = g_path_get_basename(live);
            g_autofree gchar *kept = g_build_filename(dir, "saved", base, NULL);
            g_assert(bc_test_copy_file(save ? live : kept, save ? kept : live));
        }
    }
}

/* A uniform number below BOUND, from getrandom. */
static guint64 random_below(guint64 bound)
{
    guint64 r = 0;
    g_assert(getrandom(&r, sizeof r, 0) == sizeof r);
    return r % bound;
}

/* The hashes A logged as added ("added block HASH at height N"), complete lines only. */
static GPtrArray *added_blocks(const gchar *log)
{
    GPtrArray *hashes = g_ptr_array_new_with_free_func(g_free);
    g_autofree gchar *text = g_strdup(log);
    gchar *end = strrchr(text, '\n');
    if (end == NULL)
        return hashes;
    *end = '\0';
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    for (guint i = 0; lines[i] != NULL; i++) {
        const gchar *at = strstr(lines[i], "] added block ");
        if (at == NULL)
            continue;
        at += strlen("] added block ");
        guint8 *hash = g_malloc(BC_HASH_LEN);
        g_autofree gchar *hex = g_strndup(at, 2 * BC_HASH_LEN);
        g_assert(bc_hex_decode(hex, hash, BC_HASH_LEN, NULL));
        g_ptr_array_add(hashes, hash);
    }
    return hashes;
}

/* What g_printerr printed while it was captured: the recovery's lines. */
static GString *printed;

static void capture(const gchar *text)
{
    g_string_append(printed, text);
}

/* Restarts A alone (no peer to sync from), as the node after the crash: its open recovers.
 * Counts in *ROLLED and *MOVED what its log says it did. */
static void restart_alone(guint *rolled, guint *moved)
{
    g_autofree gchar *nobody = g_strdup_printf("localhost:%u", ports[DEAD]);
    const gchar *args[] = {"-connect", nobody, NULL};
    g_autoptr(Node) a = start_nodev(dir, ports[A], ports[DEAD], args);
    g_autofree gchar *listening = wait_log(a, "listening on", NODE_HARNESS_DEADLINE_S);
    CU_ASSERT_PTR_NOT_NULL(listening);
    CU_ASSERT_EQUAL(stop_node(a), 0);
    g_autofree gchar *log = node_log(a);
    *rolled += strstr(log, "rolled the set back") != NULL;
    *moved += strstr(log, "moving to") != NULL;
}

/* Opens A's files after the restart and checks them: nothing is left to recover, the tip is
 * valid and the block with most work, the set equals a reindex, and every block in ADDED is on
 * the chain or on a branch with less work than the tip. FALSE when anything is inconsistent. */
static gboolean consistent(GPtrArray *added)
{
    g_autofree gchar *db = file_of("blockchain", ports[A], "db");
    g_autoptr(GError) error = NULL;
    g_string_truncate(printed, 0);
    GPrintFunc old = g_set_printerr_handler(capture);
    g_autoptr(Blockchain) bc = blockchain_open(db, TRUE, 8, &error);
    g_set_printerr_handler(old);
    if (printed->len > 0) {
        g_printerr("\n  the restarted node left something to recover:\n%s", printed->str);
        return FALSE;
    }
    if (bc == NULL) {
        g_printerr("\n  the open failed: %s\n", error->message);
        return FALSE;
    }
    gboolean ok = TRUE;
    BlockIndexEntry tip, best_entry;
    guint8 best[BC_HASH_LEN];
    if (!block_index_get(bc, bc->tip, &tip, &error) ||
        !block_index_best(bc, best, &best_entry, &error)) {
        g_printerr("\n  %s\n", error->message);
        return FALSE;
    }
    ok &= tip.status == BLOCK_INDEX_VALID && memcmp(best, bc->tip, BC_HASH_LEN) == 0;
    for (guint i = 0; i < added->len; i++) {
        const guint8 *hash = g_ptr_array_index(added, i);
        BlockIndexEntry entry;
        guint8 at[BC_HASH_LEN];
        if (!block_index_get(bc, hash, &entry, NULL)) {
            g_printerr("\n  an added block is lost\n");
            ok = FALSE;
            continue;
        }
        gboolean on_chain = entry.height <= bc->height &&
                            blockchain_get_hash_at(bc, entry.height, at, NULL) &&
                            memcmp(at, hash, BC_HASH_LEN) == 0;
        if (!on_chain && entry.work >= tip.work) {
            g_printerr("\n  an added block is neither on the chain nor on a lesser branch\n");
            ok = FALSE;
        }
    }
    g_autoptr(GBytes) before = bc_store_get(bc->chainstate, UTXO_MARKER_KEY, NULL, 0, NULL);
    UtxoSet set = {bc};
    guint count = 0;
    if (before == NULL || !utxo_set_reindex(&set, &count, &error)) {
        g_printerr("\n  no marker, or the reindex failed\n");
        return FALSE;
    }
    g_autoptr(GBytes) after = bc_store_get(bc->chainstate, UTXO_MARKER_KEY, NULL, 0, NULL);
    if (after == NULL || !g_bytes_equal(before, after)) {
        g_printerr("\n  the set is not a reindex\n");
        ok = FALSE;
    }
    return ok;
}

/* Starts B, then A told of B; the node A and the time from A's handshake to the kill (or to its
 * last block when KILL_AFTER_US is negative). */
static gint64 round_once(gint64 kill_after_us, gchar **log_out)
{
    save_or_restore(FALSE);
    g_autofree gchar *b_peer = g_strdup_printf("localhost:%u", ports[DEAD]);
    const gchar *b_args[] = {"-connect", b_peer, NULL};
    g_autoptr(Node) b = start_nodev(dir, ports[B], ports[DEAD], b_args);
    g_autofree gchar *listening = wait_log(b, "listening on", NODE_HARNESS_DEADLINE_S);
    CU_ASSERT_PTR_NOT_NULL_FATAL(listening);
    g_autofree gchar *peer = g_strdup_printf("localhost:%u", ports[B]);
    const gchar *a_args[] = {"-connect", peer, NULL};
    g_autoptr(Node) a = start_nodev(dir, ports[A], ports[DEAD], a_args);
    g_autofree gchar *handshake = wait_log(a, "handshake done", NODE_HARNESS_DEADLINE_S);
    CU_ASSERT_PTR_NOT_NULL_FATAL(handshake);
    gint64 start = g_get_monotonic_time();
    gint64 took;
    if (kill_after_us < 0) {
        g_autofree gchar *glob =
            g_strdup_printf("* added block * at height %d", FORK_HEIGHT + B_BLOCKS);
        g_autofree gchar *last = wait_log_glob(a, glob, NODE_HARNESS_DEADLINE_S);
        CU_ASSERT_PTR_NOT_NULL_FATAL(last);
        took = g_get_monotonic_time() - start;
        CU_ASSERT_EQUAL(stop_node(a), 0);
    } else {
        g_usleep((gulong)kill_after_us);
        node_kill(a);
        took = g_get_monotonic_time() - start;
    }
    stop_node(b);
    *log_out = node_log(a);
    return took;
}

static void test_kill_during_reorg(void)
{
    g_autofree gchar *owner = create_wallet(ports[WALLET]);
    g_autofree gchar *payee = create_wallet(ports[WALLET]);
    CLI_OK(ports[WALLET], "createblockchain", "-address", owner);
    CLI_OK(ports[WALLET], "send", "-from", owner, "-to", payee, "-amount", "1", "-mine");
    const guint counts[] = {A_BLOCKS, B_BLOCKS};
    for (guint n = A; n <= B; n++) {
        copy_chain(ports[WALLET], ports[n]);
        copy("wallet", ports[WALLET], ports[n], "dat");
        /* Each node's branch pays the payee in every block: the two branches spend the same
         * coins, so the reorganisation moves records both ways. */
        for (guint i = 0; i < counts[n]; i++)
            CLI_OK(ports[n], "send", "-from", owner, "-to", payee, "-amount", "1", "-mine");
    }
    g_autofree gchar *saved = g_build_filename(dir, "saved", NULL);
    g_assert(g_mkdir(saved, 0700) == 0);
    save_or_restore(TRUE);

    /* One round without a kill: how long A takes from its handshake to B's last block. */
    g_autofree gchar *full_log = NULL;
    gint64 full = round_once(-1, &full_log);
    g_autoptr(GPtrArray) all = added_blocks(full_log);
    CU_ASSERT_EQUAL(all->len, B_BLOCKS);
    BC_ASSERT_CONTAINS(full_log, "disconnected block");

    printed = g_string_new(NULL);
    guint inconsistent = 0, before = 0, during = 0, after = 0, rolled = 0, moved = 0;
    for (guint r = 0; r < ROUNDS; r++) {
        gint64 delay = (gint64)random_below((guint64)full + 1);
        g_autofree gchar *log = NULL;
        round_once(delay, &log);
        g_autoptr(GPtrArray) added = added_blocks(log);
        if (strstr(log, "disconnected block") == NULL && added->len == 0)
            before++;
        else if (added->len < B_BLOCKS)
            during++;
        else
            after++;
        restart_alone(&rolled, &moved);
        if (!consistent(added)) {
            inconsistent++;
            g_printerr("\n  round %u, killed %" G_GINT64_FORMAT " us after the handshake:\n%s\n", r,
                       delay, log);
        }
    }
    g_printerr("\n  SIGKILL during a reorganisation (%u blocks off, %u on): %u rounds, killed "
               "before it %u, during %u, after %u; the restarted node rolled the set %u times "
               "and moved the tip %u times; %u inconsistent\n",
               A_BLOCKS, B_BLOCKS, ROUNDS, before, during, after, rolled, moved, inconsistent);
    CU_ASSERT_EQUAL(inconsistent, 0);
    g_string_free(g_steal_pointer(&printed), TRUE);
}

void test_kill_reorg_register(void)
{
    static const BcTest tests[] = {
        {"SIGKILL at random moments during a reorganisation: 30 rounds, 0 inconsistent",
         test_kill_during_reorg},
        {NULL, NULL},
    };
    bc_test_add_suite("10/kill", setup, teardown, tests);
}
