/* test_recovery.c: what an open for writing does after a crash. A set whose marker is not the
 * tip's is rolled back and forward block by block with the undo data, reading as many records
 * whatever the chain's length, and rebuilt only when its path cannot be rolled; the block to move
 * to is read from the best record, not from a walk over the index. And the sweep: a crash after
 * each write of a block connect and of a reorganisation, then after each write of the recovery
 * that follows it, each time ending with the set a reindex builds and the tip the block with most
 * work. */
#include "validation_fixture.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bc_hex.h"
#include "bc_store.h"
#include "block_index.h"
#include "chain_state.h"
#include "undo.h"
#include "utxo_set.h"

static const gchar *files[] = {"blockchain_3000.db", "chainstate_3000.db"};

/* What g_printerr printed while it was captured. */
static GString *printed;

static void capture(const gchar *text)
{
    g_string_append(printed, text);
}

static gchar *db_path(void)
{
    return g_build_filename(dir, "blockchain_3000.db", NULL);
}

/* Reopens the chain for writing (recovery runs), with what it prints in PRINTED. */
static void reopen(void)
{
    g_clear_pointer(&bc, blockchain_close);
    g_autofree gchar *db = db_path();
    g_autoptr(GError) error = NULL;
    if (printed == NULL)
        printed = g_string_new(NULL);
    g_string_truncate(printed, 0);
    GPrintFunc old = g_set_printerr_handler(capture);
    bc = blockchain_open(db, TRUE, TEST_BITS, &error);
    g_set_printerr_handler(old);
    ASSERT_OK(bc != NULL, error);
}

static void copy_files(const gchar *from, const gchar *to)
{
    for (guint f = 0; f < G_N_ELEMENTS(files); f++) {
        g_autofree gchar *a = g_build_filename(from, files[f], NULL);
        g_autofree gchar *b = g_build_filename(to, files[f], NULL);
        g_assert(bc_test_copy_file(a, b));
    }
}

static gchar *subdir(const gchar *name)
{
    gchar *path = g_build_filename(dir, name, NULL);
    g_assert(g_mkdir_with_parents(path, 0700) == 0);
    return path;
}

static Block *mine_on(const guint8 parent[BC_HASH_LEN], gint32 parent_height, Transaction *extra)
{
    g_autoptr(GPtrArray) txs = tx_list(coinbase_to(3), extra, NULL);
    return block_new(txs, parent, parent_height + 1, TEST_BITS);
}

static void accept(const Block *block)
{
    ChainChange change;
    chain_change_init(&change);
    g_autoptr(GError) error = NULL;
    gboolean ok = chain_state_accept_block(bc, block, &change, &error);
    chain_change_clear(&change);
    ASSERT_OK(ok, error);
}

static GBytes *marker(void)
{
    g_autoptr(GError) error = NULL;
    GBytes *m = bc_store_get(bc->chainstate, UTXO_MARKER_KEY, NULL, 0, &error);
    g_assert_no_error(error);
    return m;
}

/* The set's marker (block, record count, value, digest of every record) is the one a reindex
 * writes: the set is exactly the chain's. */
static void assert_set_is_reindex(void)
{
    g_autoptr(GBytes) before = marker();
    UtxoSet set = {bc};
    guint count = 0;
    g_autoptr(GError) error = NULL;
    gboolean ok = utxo_set_reindex(&set, &count, &error);
    ASSERT_OK(ok, error);
    g_autoptr(GBytes) after = marker();
    CU_ASSERT_TRUE(g_bytes_equal(before, after));
}

/* ---- the roll ---- */

/* The chain grown by LENGTH blocks; the set saved there; a branch of 4 blocks forking 2 below the
 * tip, which the node reorganises onto; then the saved set put back: its marker names a block no
 * longer on the chain. In TIP, the branch's tip. */
static void set_left_on_old_branch(guint length, guint8 tip[BC_HASH_LEN])
{
    for (guint i = 0; i < length; i++)
        block_free(must_mine(NULL));
    g_autofree gchar *saved = subdir("saved-set");
    g_clear_pointer(&bc, blockchain_close);
    copy_files(dir, saved);
    reopen();
    guint8 at[BC_HASH_LEN];
    gint32 height = bc->height - 2;
    g_assert(blockchain_get_hash_at(bc, height, at, NULL));
    for (guint i = 0; i < 4; i++) {
        g_autoptr(Block) block = mine_on(at, height + (gint32)i, NULL);
        accept(block);
        memcpy(at, block->hash, BC_HASH_LEN);
    }
    CU_ASSERT_EQUAL_FATAL(memcmp(bc->tip, at, BC_HASH_LEN), 0);
    memcpy(tip, at, BC_HASH_LEN);
    g_clear_pointer(&bc, blockchain_close);
    g_autofree gchar *set = g_build_filename(saved, files[1], NULL);
    g_autofree gchar *live = g_build_filename(dir, files[1], NULL);
    g_assert(bc_test_copy_file(set, live));
}

/* The roll onto the tip: how many records of the chain's file the open read. */
static guint64 roll_reads(guint length)
{
    guint8 tip[BC_HASH_LEN];
    set_left_on_old_branch(length, tip);
    reopen();
    guint64 reads = bc_store_read_count(bc->store);
    BC_ASSERT_CONTAINS(printed->str, "rolled the set back 2 blocks and forward 4 with their undo");
    CU_ASSERT_PTR_NULL(strstr(printed->str, "rebuilding"));
    CU_ASSERT_EQUAL(memcmp(bc->tip, tip, BC_HASH_LEN), 0);
    CU_ASSERT_PTR_NULL(bc->chainstate_stale);
    assert_set_is_reindex();
    return reads;
}

/* The same roll at chain heights 14 and 64 reads the same records: its cost is the distance
 * (2 blocks off, 4 on), not the chain (a rebuild reads every block twice). */
static void test_roll_back_and_forward(void)
{
    guint64 short_chain = roll_reads(10);
    teardown();
    setup();
    guint64 long_chain = roll_reads(60);
    g_printerr("\n  roll back 2 and forward 4: %" G_GUINT64_FORMAT
               " records read at height 14, %" G_GUINT64_FORMAT " at height 64\n",
               short_chain, long_chain);
    CU_ASSERT_EQUAL(short_chain, long_chain);
    CU_ASSERT_TRUE(long_chain < 2 * 64);
}

/* A block on the path without its undo data: the roll cannot be made, and the set is rebuilt
 * from the chain, the log saying why. */
static void test_roll_without_undo_rebuilds(void)
{
    guint8 tip[BC_HASH_LEN];
    set_left_on_old_branch(2, tip);
    g_autofree gchar *db = db_path();
    g_autoptr(GError) error = NULL;
    g_autoptr(BcStore) store = bc_store_open(db, BC_STORE_WRITE, &error);
    ASSERT_OK(store != NULL, error);
    gboolean ok = bc_store_delete(store, UNDO_PREFIX, tip, BC_HASH_LEN, &error);
    ASSERT_OK(ok, error);
    g_clear_pointer(&store, bc_store_close);
    reopen();
    g_autofree gchar *hex = bc_hex_encode(tip, BC_HASH_LEN);
    g_autofree gchar *why = g_strdup_printf("block %s has no undo data: rebuilding it", hex);
    BC_ASSERT_CONTAINS(printed->str, why);
    CU_ASSERT_PTR_NULL(strstr(printed->str, "rolled the set"));
    CU_ASSERT_EQUAL(memcmp(bc->tip, tip, BC_HASH_LEN), 0);
    assert_set_is_reindex();
}

/* A normal move (not a roll) refuses a set that does not hold what the block and its undo data
 * say, before it writes anything: here the output block 2 spent is back in the set already when
 * block 2 is taken off. */
static void test_move_refuses_mismatch(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(Block) tip = blockchain_get_block(bc, bc->tip, &error);
    ASSERT_OK(tip != NULL, error);
    g_autoptr(GArray) undo = undo_read(bc, tip->hash, &error);
    ASSERT_OK(undo != NULL, error);
    CU_ASSERT_EQUAL_FATAL(undo->len, 1);
    g_autoptr(GBytes) old_marker = marker();
    UtxoSet set = {bc};
    g_autoptr(GArray) back = g_array_copy(undo);
    const UnspentOutput *u = &g_array_index(back, UnspentOutput, 0);
    g_autoptr(GBytes) record = utxo_record_encode(u->txid, back);
    gboolean put = bc_store_put(bc->chainstate, UTXO_PREFIX, u->txid, BC_HASH_LEN, record, &error);
    ASSERT_OK(put, error);
    CU_ASSERT_FALSE(utxo_set_disconnect(&set, tip, undo, &error));
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_CORRUPT));
    g_autoptr(GBytes) now = marker();
    CU_ASSERT_TRUE(g_bytes_equal(old_marker, now));
}

/* ---- the bound on finding the block with most work ---- */

static guint64 clean_open_reads(void)
{
    reopen();
    CU_ASSERT_STRING_EQUAL(printed->str, "");
    return bc_store_read_count(bc->store);
}

/* An open with nothing to recover reads as many records at height 2 as at height 42, side
 * branches included: the best record, not a walk over the index. A best record that names a
 * block without an entry (a crash between the two writes) is replaced by one scan. */
static void test_recover_reads_bounded(void)
{
    guint8 side[BC_HASH_LEN];
    g_autoptr(Block) one = mine_on(block1_hash, 1, NULL); /* a tie: a side block */
    accept(one);
    memcpy(side, one->hash, BC_HASH_LEN);
    guint64 short_chain = clean_open_reads();
    for (guint i = 0; i < 40; i++)
        block_free(must_mine(NULL));
    for (guint i = 0; i < 5; i++) {
        g_autoptr(Block) block = mine_on(side, 2 + (gint32)i, NULL);
        accept(block);
        memcpy(side, block->hash, BC_HASH_LEN);
    }
    guint64 long_chain = clean_open_reads();
    g_printerr("\n  open with nothing to recover: %" G_GUINT64_FORMAT
               " records read at height 2, %" G_GUINT64_FORMAT " at height 42\n",
               short_chain, long_chain);
    CU_ASSERT_EQUAL(short_chain, long_chain);
    guint8 nowhere[BC_HASH_LEN] = {7};
    g_autoptr(GError) error = NULL;
    gboolean ok = block_index_set_best(bc, nowhere, &error);
    ASSERT_OK(ok, error);
    guint8 tip[BC_HASH_LEN];
    memcpy(tip, bc->tip, BC_HASH_LEN);
    reopen();
    BC_ASSERT_CONTAINS(printed->str, "scanning the block index");
    CU_ASSERT_EQUAL(memcmp(bc->tip, tip, BC_HASH_LEN), 0);
    CU_ASSERT_EQUAL(clean_open_reads(), long_chain);
}

/* ---- the sweep ---- */

/* In a child process: opens the chain for writing (its recovery runs), accepts BLOCK when it is
 * not NULL, closes; killed by the crash hook after its N-th write (137), 0 when it got through
 * (BLOCK accepted, or refused as invalid with the old chain back). */
static gint run_crashing(guint n, const Block *block)
{
    pid_t pid = fork();
    g_assert(pid >= 0);
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, STDERR_FILENO);
        g_autofree gchar *value = g_strdup_printf("%u", n);
        g_setenv("BC_TEST_CRASH_AFTER_WRITES", value, TRUE);
        g_autofree gchar *db = db_path();
        Blockchain *child = blockchain_open(db, TRUE, TEST_BITS, NULL);
        gboolean ok = child != NULL;
        if (ok && block != NULL) {
            ChainChange change;
            chain_change_init(&change);
            GError *error = NULL;
            ok = chain_state_accept_block(child, block, &change, &error) ||
                 g_error_matches(error, BC_ERROR, BC_ERROR_INVALID);
            g_clear_error(&error);
            chain_change_clear(&change);
        }
        blockchain_close(child);
        _exit(ok ? 0 : 1);
    }
    int status = 0;
    g_assert(waitpid(pid, &status, 0) == pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* After a crash and the recovery at this open: the tip is BLOCK when its index entry was written
 * before the crash, else OLD_TIP; it was connected; the set is a reindex. An INVALID block is
 * never the tip, and its entry says so when it has one; the tip then has OLD_TIP's work, and may
 * be the block of the same work that the failed reorganisation had connected before it (a crash
 * before it was taken off again: of two tips of equal work the one there stays). */
static void assert_recovered(const guint8 old_tip[BC_HASH_LEN], const Block *block,
                             gboolean invalid)
{
    reopen();
    BlockIndexEntry entry, tip, old;
    gboolean stored = block_index_get(bc, block->hash, &entry, NULL);
    g_assert(block_index_get(bc, old_tip, &old, NULL));
    if (!invalid) {
        CU_ASSERT_EQUAL(memcmp(bc->tip, stored ? block->hash : old_tip, BC_HASH_LEN), 0);
    } else {
        CU_ASSERT_NOT_EQUAL(memcmp(bc->tip, block->hash, BC_HASH_LEN), 0);
        CU_ASSERT_TRUE(!stored || entry.status == BLOCK_INDEX_INVALID);
        g_assert(block_index_get(bc, bc->tip, &tip, NULL));
        CU_ASSERT_EQUAL(tip.work, old.work);
    }
    g_autoptr(GError) error = NULL;
    ASSERT_OK(block_index_get(bc, bc->tip, &entry, &error), error);
    CU_ASSERT_EQUAL(entry.status, BLOCK_INDEX_VALID);
    assert_set_is_reindex();
    g_clear_pointer(&bc, blockchain_close);
}

/* @excerpt recovery-sweep */
/* Accepting BLOCK crashed after each of its writes in turn, from the same files each time; after
 * each, the recovery crashed after each of its own writes in turn; after each of those, the next
 * open must recover. *FIRST and *SECOND: the crashes of each kind. */
static void sweep(const Block *block, gboolean invalid, guint *first, guint *second)
{
    guint8 old_tip[BC_HASH_LEN];
    memcpy(old_tip, bc->tip, BC_HASH_LEN);
    g_clear_pointer(&bc, blockchain_close);
    g_autofree gchar *before = subdir("sweep-before");
    g_autofree gchar *after = subdir("sweep-after");
    copy_files(dir, before);
    *first = *second = 0;
    for (guint n = 1; n < 500; n++) {
        copy_files(before, dir);
        gint status = run_crashing(n, block);
        CU_ASSERT_TRUE_FATAL(status == 0 || status == 137);
        if (status == 137) {
            (*first)++;
            copy_files(dir, after);
            for (guint m = 1; m < 500; m++) {
                copy_files(after, dir);
                gint again = run_crashing(m, NULL);
                CU_ASSERT_TRUE_FATAL(again == 0 || again == 137);
                *second += again == 137;
                assert_recovered(old_tip, block, invalid);
                if (again == 0)
                    break; /* fewer than M writes: every point of this recovery is covered */
            }
        }
        assert_recovered(old_tip, block, invalid);
        if (status == 0)
            break;
    }
    copy_files(before, dir);
    reopen();
}
/* @end recovery-sweep */

/* A block on the tip, spending: every write of its connect. A block giving a side branch more
 * work: every write of the reorganisation (one block off, two on). */
static void test_crash_sweep_connect_reorg_recovery(void)
{
    g_autoptr(Block) next = mine_on(bc->tip, 2, new_tx(2, 3, 1));
    guint connect = 0, connect_recovery = 0;
    sweep(next, FALSE, &connect, &connect_recovery);
    g_autoptr(Block) side = mine_on(block1_hash, 1, copy_tx(stale)); /* a tie: stored */
    accept(side);
    g_autoptr(Block) longer = mine_on(side->hash, 2, NULL);
    guint reorg = 0, reorg_recovery = 0;
    sweep(longer, FALSE, &reorg, &reorg_recovery);
    g_printerr("\n  crash sweep: a connect crashed after each of its %u writes, a reorganisation"
               " after each of its %u, and the recoveries after each of theirs (%u and %u)\n",
               connect, reorg, connect_recovery, reorg_recovery);
    CU_ASSERT_TRUE(connect >= 8);
    CU_ASSERT_TRUE(reorg >= 15);
    CU_ASSERT_TRUE(connect_recovery >= connect);
    CU_ASSERT_TRUE(reorg_recovery >= reorg);
}

/* A branch with more work whose second block spends again what its first spent: every write of
 * the reorganisation that connects the first, refuses the second, marks it invalid and puts the
 * old chain back. */
static void test_crash_sweep_failed_reorg(void)
{
    g_autoptr(Block) side = mine_on(block1_hash, 1, copy_tx(stale)); /* a tie: stored */
    accept(side);
    g_autoptr(Block) bad = mine_on(side->hash, 2, copy_tx(stale));
    guint writes = 0, recovery = 0;
    sweep(bad, TRUE, &writes, &recovery);
    g_printerr("\n  crash sweep: a failed reorganisation crashed after each of its %u writes, the "
               "recoveries after each of theirs (%u)\n",
               writes, recovery);
    CU_ASSERT_TRUE(writes >= 15);
    CU_ASSERT_TRUE(recovery >= writes);
}

static void recovery_teardown(void)
{
    if (printed != NULL)
        g_string_free(g_steal_pointer(&printed), TRUE);
    teardown();
}

void test_recovery_register(void)
{
    static const BcTest tests[] = {
        {"a set left on the old branch is rolled back and forward, reading what the distance "
         "costs",
         test_roll_back_and_forward},
        {"a block on the roll's path without undo data: the set is rebuilt, the log says why",
         test_roll_without_undo_rebuilds},
        {"a move refuses a set that is not as the undo data says, writing nothing",
         test_move_refuses_mismatch},
        {"an open reads the best record, not the whole index", test_recover_reads_bounded},
        {"a crash after any write of a connect, a reorganisation and their recovery",
         test_crash_sweep_connect_reorg_recovery},
        {"a crash after any write of a failed reorganisation and of its recovery",
         test_crash_sweep_failed_reorg},
        {NULL, NULL},
    };
    bc_test_add_suite("10/recovery", setup, recovery_teardown, tests);
}
