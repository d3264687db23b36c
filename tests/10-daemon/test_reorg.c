/* test_reorg.c: the block index (cumulative work, the tip with most work, ties), undo data, and
 * reorganisations of depth 1, 2 and 10, each leaving the UTXO set a reindex would build; a branch
 * with an invalid block gives the old chain back; orphans; a crash after any write of a
 * reorganisation is recovered at the next open. */
#include "validation_fixture.h"

#include <glib/gstdio.h>

#include "address.h"
#include "block_index.h"
#include "chain_state.h"
#include "orphans.h"
#include "undo.h"
#include "utxo_set.h"

/* A block on PARENT (at PARENT_HEIGHT) paying wallet 3, holding EXTRA when it is not NULL. */
static Block *mine_on(const guint8 parent[BC_HASH_LEN], gint32 parent_height, Transaction *extra)
{
    g_autoptr(GPtrArray) txs = tx_list(coinbase_to(3), extra, NULL);
    return block_new(txs, parent, parent_height + 1, TEST_BITS);
}

/* Accepts BLOCK as from a peer; the number of blocks it took off the chain. */
static guint accept(const Block *block)
{
    ChainChange change;
    chain_change_init(&change);
    g_autoptr(GError) error = NULL;
    gboolean ok = chain_state_accept_block(bc, block, &change, &error);
    guint off = change.disconnected->len;
    chain_change_clear(&change);
    ASSERT_OK(ok, error);
    return off;
}

/* A branch of N blocks on PARENT (at PARENT_HEIGHT), the first holding FIRST_TX (or nothing);
 * each accepted in turn; returns how many blocks the last one took off, the newest in TIP. */
static guint branch(const guint8 parent[BC_HASH_LEN], gint32 parent_height, guint n,
                    Transaction *first_tx, guint8 tip[BC_HASH_LEN])
{
    guint8 at[BC_HASH_LEN];
    memcpy(at, parent, BC_HASH_LEN);
    guint off = 0;
    for (guint i = 0; i < n; i++) {
        g_autoptr(Block) block = mine_on(at, parent_height + (gint32)i, i == 0 ? first_tx : NULL);
        off = accept(block);
        memcpy(at, block->hash, BC_HASH_LEN);
    }
    memcpy(tip, at, BC_HASH_LEN);
    return off;
}

static GBytes *marker(void)
{
    g_autoptr(GError) error = NULL;
    GBytes *m = bc_store_get(bc->chainstate, UTXO_MARKER_KEY, NULL, 0, &error);
    g_assert_no_error(error);
    return m;
}

/* The set's marker (block, record count, value, digest of every record) equals the one a
 * reindex writes: the set is exactly the chain's. */
static void assert_set_is_reindex(void)
{
    g_autoptr(GBytes) before = marker();
    UtxoSet set = {bc};
    guint count = 0;
    g_autoptr(GError) error = NULL;
    gboolean ok = utxo_set_reindex(&set, &count, &error); /* ASSERT_OK evaluates it twice */
    ASSERT_OK(ok, error);
    g_autoptr(GBytes) after = marker();
    CU_ASSERT_TRUE(g_bytes_equal(before, after));
}

static gint64 balance(guint w)
{
    UtxoSet set = {bc};
    guint8 hash[BC_RIPEMD160_LEN];
    g_assert(address_to_pubkey_hash(addresses[w], hash, NULL));
    g_autoptr(GArray) found = utxo_set_find_unspent(&set, hash, NULL);
    g_assert(found != NULL);
    gint64 sum = 0;
    for (guint i = 0; i < found->len; i++)
        sum += g_array_index(found, UnspentOutput, i).value;
    return sum;
}

static BlockIndexEntry entry_of(const guint8 hash[BC_HASH_LEN])
{
    BlockIndexEntry e = {0};
    g_autoptr(GError) error = NULL;
    gboolean ok = block_index_get(bc, hash, &e, &error);
    ASSERT_OK(ok, error);
    return e;
}

static void test_cumulative_work(void)
{
    guint64 w = block_index_block_work(TEST_BITS);
    CU_ASSERT_EQUAL(w, 64);
    CU_ASSERT_EQUAL(block_index_block_work(32), G_GUINT64_CONSTANT(1) << 32);
    BlockIndexEntry g = entry_of(genesis_hash), one = entry_of(block1_hash),
                    tip = entry_of(bc->tip);
    CU_ASSERT_EQUAL(g.work, w);
    CU_ASSERT_EQUAL(one.work, 2 * w);
    CU_ASSERT_EQUAL(tip.work, 3 * w);
    CU_ASSERT_EQUAL(tip.height, 2);
    CU_ASSERT_EQUAL(tip.status, BLOCK_INDEX_VALID);
    /* A side block's work is its own branch's, not the tip's. */
    guint8 side[BC_HASH_LEN];
    branch(genesis_hash, 0, 1, NULL, side);
    BlockIndexEntry s = entry_of(side);
    CU_ASSERT_EQUAL(s.work, 2 * w);
    CU_ASSERT_EQUAL(s.height, 1);
    CU_ASSERT_EQUAL(s.status, BLOCK_INDEX_STORED);
}

/* Equal work: the first seen stays; one block more and the other branch wins. */
static void test_tie_then_depth_1(void)
{
    guint8 old_tip[BC_HASH_LEN], side[BC_HASH_LEN];
    memcpy(old_tip, bc->tip, BC_HASH_LEN);
    gint64 w2 = balance(2);
    CU_ASSERT_EQUAL(branch(block1_hash, 1, 1, NULL, side), 0);
    CU_ASSERT_EQUAL(memcmp(bc->tip, old_tip, BC_HASH_LEN), 0);
    CU_ASSERT_TRUE(block_index_better(entry_of(side).work + 1, entry_of(old_tip).work));
    CU_ASSERT_FALSE(block_index_better(entry_of(side).work, entry_of(old_tip).work));
    guint8 tip[BC_HASH_LEN];
    CU_ASSERT_EQUAL(branch(side, 2, 1, NULL, tip), 1);
    CU_ASSERT_EQUAL(memcmp(bc->tip, tip, BC_HASH_LEN), 0);
    CU_ASSERT_EQUAL(bc->height, 3);
    CU_ASSERT_EQUAL(balance(2), w2 - 2); /* block 2's payment to wallet 2 is gone */
    assert_set_is_reindex();
}

/* Depth D: the chain grown to D blocks above block 1, then a branch of D + 1 on block 1 that
 * spends, with STALE, the output block 2 spent. */
static void reorg_of_depth(guint depth)
{
    for (guint i = 1; i < depth; i++)
        block_free(must_mine(NULL));
    CU_ASSERT_EQUAL_FATAL(bc->height, 1 + (gint32)depth);
    g_autoptr(GBytes) old_marker = marker();
    guint8 tip[BC_HASH_LEN];
    CU_ASSERT_EQUAL(branch(block1_hash, 1, depth + 1, copy_tx(stale), tip), depth);
    CU_ASSERT_EQUAL(memcmp(bc->tip, tip, BC_HASH_LEN), 0);
    CU_ASSERT_EQUAL(bc->height, 2 + (gint32)depth);
    CU_ASSERT_EQUAL(balance(2), 0);                            /* block 2's payment is gone */
    CU_ASSERT_EQUAL(balance(3), 1 + 10 * (gint64)(depth + 1)); /* stale's, and the rewards */
    g_autoptr(GBytes) new_marker = marker();
    CU_ASSERT_FALSE(g_bytes_equal(old_marker, new_marker));
    assert_set_is_reindex();
    /* The transaction index follows: stale is in the chain, block 2's payment is not. */
    guint8 where[BC_HASH_LEN];
    gint32 height = 0;
    CU_ASSERT_TRUE(blockchain_find_transaction_block(bc, stale->id, where, &height, NULL));
    CU_ASSERT_EQUAL(height, 2);
}

static void test_depth_2(void)
{
    reorg_of_depth(2);
}
static void test_depth_10(void)
{
    reorg_of_depth(10);
}

/* A branch with more work whose second block spends again what its first spent: the node goes back
 * to the old chain, exactly, and the bad block and its children are refused from then on. */
static void test_invalid_branch_rolled_back(void)
{
    g_autoptr(GBytes) old_marker = marker();
    guint8 old_tip[BC_HASH_LEN], first[BC_HASH_LEN];
    memcpy(old_tip, bc->tip, BC_HASH_LEN);
    branch(block1_hash, 1, 1, copy_tx(stale), first);
    g_autoptr(Block) bad = mine_on(first, 2, copy_tx(stale)); /* stale twice on one branch */
    ChainChange change;
    chain_change_init(&change);
    g_autoptr(GError) error = NULL;
    gboolean ok = chain_state_accept_block(bc, bad, &change, &error);
    chain_change_clear(&change);
    expect_error(ok, error, BC_ERROR_INVALID, "not in the UTXO set"); /* spent on the branch */
    CU_ASSERT_EQUAL(memcmp(bc->tip, old_tip, BC_HASH_LEN), 0);
    CU_ASSERT_EQUAL(bc->height, 2);
    g_autoptr(GBytes) now = marker();
    CU_ASSERT_TRUE(g_bytes_equal(old_marker, now));
    CU_ASSERT_EQUAL(entry_of(bad->hash).status, BLOCK_INDEX_INVALID);
    CU_ASSERT_EQUAL(entry_of(first).status, BLOCK_INDEX_VALID); /* it was connected, it is fine */
    g_autoptr(Block) child = mine_on(bad->hash, 3, NULL);
    g_clear_error(&error);
    chain_change_init(&change);
    ok = chain_state_accept_block(bc, child, &change, &error);
    chain_change_clear(&change);
    expect_error(ok, error, BC_ERROR_INVALID, "follows an invalid block");
    assert_set_is_reindex();
}

/* A forged signature in the third block of a longer branch: refused when that block is
 * connected, two blocks into the reorganisation; the old chain is back, exactly. */
static void test_forged_signature_in_branch(void)
{
    g_autoptr(GBytes) old_marker = marker();
    guint8 old_tip[BC_HASH_LEN], second[BC_HASH_LEN];
    memcpy(old_tip, bc->tip, BC_HASH_LEN);
    Transaction *forged = copy_tx(stale); /* spends an output the branch has */
    forge_signature(forged);
    branch(block1_hash, 1, 1, NULL, second); /* a tie: stored */
    g_autoptr(Block) bad = mine_on(second, 2, forged);
    ChainChange change;
    chain_change_init(&change);
    g_autoptr(GError) error = NULL;
    gboolean ok = chain_state_accept_block(bc, bad, &change, &error);
    chain_change_clear(&change);
    expect_error(ok, error, BC_ERROR_INVALID, "signature");
    CU_ASSERT_EQUAL(memcmp(bc->tip, old_tip, BC_HASH_LEN), 0);
    g_autoptr(GBytes) now = marker();
    CU_ASSERT_TRUE(g_bytes_equal(old_marker, now));
    assert_set_is_reindex();
}

/* -maxreorg 1: a branch with more work forking 2 blocks below the tip is stored, not followed;
 * one forking 1 block below is. */
static void test_max_reorg_depth(void)
{
    block_free(must_mine(NULL)); /* height 3 */
    bc->max_reorg_depth = 1;
    guint8 old_tip[BC_HASH_LEN], at[BC_HASH_LEN];
    memcpy(old_tip, bc->tip, BC_HASH_LEN);
    memcpy(at, block1_hash, BC_HASH_LEN);
    ChainChange change;
    for (gint32 h = 2; h <= 4; h++) { /* a branch of 3 on block 1: more work, 2 deep */
        g_autoptr(Block) block = mine_on(at, h - 1, NULL);
        chain_change_init(&change);
        g_autoptr(GError) error = NULL;
        gboolean ok = chain_state_accept_block(bc, block, &change, &error);
        ASSERT_OK(ok, error);
        CU_ASSERT_EQUAL(change.too_deep, h == 4 ? 2 : 0);
        CU_ASSERT_EQUAL(change.disconnected->len, 0);
        chain_change_clear(&change);
        memcpy(at, block->hash, BC_HASH_LEN);
    }
    CU_ASSERT_EQUAL(memcmp(bc->tip, old_tip, BC_HASH_LEN), 0);
    /* A branch of 2 on block 2, forking 1 below the tip: followed. */
    guint8 block2[BC_HASH_LEN], tip[BC_HASH_LEN];
    g_assert(blockchain_get_hash_at(bc, 2, block2, NULL));
    CU_ASSERT_EQUAL(branch(block2, 2, 2, NULL, tip), 1);
    CU_ASSERT_EQUAL(memcmp(bc->tip, tip, BC_HASH_LEN), 0);
    assert_set_is_reindex();
}

/* What block 2 spent, stored with it, and its round trip; damaged bytes are refused. */
static void test_undo_round_trip(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GArray) undo = undo_read(bc, bc->tip, &error);
    ASSERT_OK(undo != NULL, error);
    CU_ASSERT_EQUAL(undo->len, 1); /* block 2's one input: wallet 1's 5 from block 1 */
    CU_ASSERT_EQUAL(g_array_index(undo, UnspentOutput, 0).value, 5);
    g_autoptr(GBytes) raw = undo_encode(undo);
    g_autoptr(GArray) back = undo_decode(raw, &error);
    ASSERT_OK(back != NULL, error);
    CU_ASSERT_EQUAL(memcmp(back->data, undo->data, undo->len * sizeof(UnspentOutput)), 0);
    g_autoptr(GBytes) junk = g_bytes_new_static("\x01\x02\x03", 3);
    g_autoptr(GArray) none = undo_decode(junk, &error);
    CU_ASSERT_PTR_NULL(none);
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_CORRUPT));
}

/* ---- orphans: kept within their bounds, oldest dropped first, connected when their parent
 * arrives, out of order ---- */

static Block *coinbase_block(const guint8 parent[BC_HASH_LEN], gint32 parent_height)
{
    g_autoptr(GPtrArray) txs = tx_list(coinbase_to(3), NULL);
    return block_new(txs, parent, parent_height + 1, TEST_BITS);
}

/* Blocks 3, 4, 5 on the tip, handed over as 5, 4, 3: 5 and 4 wait, 3 brings both in. */
static void test_out_of_order(void)
{
    g_autoptr(Block) b3 = coinbase_block(bc->tip, 2);
    g_autoptr(Block) b4 = coinbase_block(b3->hash, 3);
    g_autoptr(Block) b5 = coinbase_block(b4->hash, 4);
    g_autoptr(OrphanPool) pool = orphans_new();
    ChainChange change;
    chain_change_init(&change);
    const Block *late[] = {b5, b4};
    for (guint i = 0; i < G_N_ELEMENTS(late); i++) {
        g_autoptr(GError) error = NULL;
        CU_ASSERT_FALSE(chain_state_accept_block(bc, late[i], &change, &error));
        CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_NOT_FOUND));
        orphans_add(pool, late[i]);
    }
    CU_ASSERT_EQUAL(orphans_count(pool), 2);
    g_autoptr(GError) error = NULL;
    gboolean ok = chain_state_accept_block(bc, b3, &change, &error); /* ASSERT_OK: twice */
    ASSERT_OK(ok, error);
    guint refused = 0;
    CU_ASSERT_EQUAL(orphans_accept_children(pool, bc, b3->hash, &change, &refused), 2);
    CU_ASSERT_EQUAL(refused, 0);
    CU_ASSERT_EQUAL(orphans_count(pool), 0);
    CU_ASSERT_EQUAL(orphans_bytes(pool), 0);
    CU_ASSERT_EQUAL(change.connected->len, 3);
    chain_change_clear(&change);
    CU_ASSERT_EQUAL(bc->height, 5);
    CU_ASSERT_EQUAL(memcmp(bc->tip, b5->hash, BC_HASH_LEN), 0);
}

/* More than ORPHANS_MAX_COUNT: the oldest leave first, the count and the bytes stay bounded. */
static void test_bounds(void)
{
    g_autoptr(OrphanPool) pool = orphans_new();
    guint8 parent[BC_HASH_LEN] = {1}; /* unknown */
    g_autoptr(GPtrArray) made = g_ptr_array_new_with_free_func((GDestroyNotify)block_free);
    for (guint i = 0; i < ORPHANS_MAX_COUNT + 5; i++) {
        Block *block = coinbase_block(parent, 10);
        g_ptr_array_add(made, block);
        orphans_add(pool, block);
        orphans_add(pool, block); /* a second copy is not kept */
    }
    CU_ASSERT_EQUAL(orphans_count(pool), ORPHANS_MAX_COUNT);
    CU_ASSERT_TRUE(orphans_bytes(pool) <= ORPHANS_MAX_BYTES);
    for (guint i = 0; i < made->len; i++) {
        const Block *block = g_ptr_array_index(made, i);
        CU_ASSERT_EQUAL(orphans_contains(pool, block->hash), i >= 5);
    }
}

/* @excerpt crash-sweep */
/* A branch of two blocks on block 1, stored and indexed but not connected, as a crash in a
 * reorganisation onto it would leave it: every open for writing moves onto it. Crash that open
 * (reindexutxo's) after each of its writes in turn, from the same files each time; then the next
 * open must end on the branch's tip with the set a reindex builds. */
static void test_crash_sweep_of_reorg(void)
{
    guint8 at[BC_HASH_LEN];
    memcpy(at, block1_hash, BC_HASH_LEN);
    for (gint32 h = 2; h <= 3; h++) {
        g_autoptr(Block) block = mine_on(at, h - 1, h == 2 ? copy_tx(stale) : NULL);
        BlockIndexEntry entry;
        g_autoptr(GError) error = NULL;
        gboolean ok = block_index_entry_for(bc, block, &entry, &error) &&
                      blockchain_store_block(bc, block, &error) &&
                      block_index_add(bc, block->hash, &entry, &error);
        ASSERT_OK(ok, error);
        memcpy(at, block->hash, BC_HASH_LEN);
    }
    g_clear_pointer(&bc, blockchain_close);
    const gchar *names[] = {"blockchain_3000.db", "chainstate_3000.db"};
    g_autofree gchar *saved = g_build_filename(dir, "saved", NULL);
    g_assert(g_mkdir(saved, 0700) == 0);
    for (guint f = 0; f < G_N_ELEMENTS(names); f++) {
        g_autofree gchar *from = g_build_filename(dir, names[f], NULL);
        g_autofree gchar *to = g_build_filename(saved, names[f], NULL);
        g_assert(bc_test_copy_file(from, to));
    }
    g_autofree gchar *db = g_build_filename(dir, "blockchain_3000.db", NULL);
    guint crashed = 0;
    for (guint n = 1; n < 500; n++) {
        for (guint f = 0; f < G_N_ELEMENTS(names); f++) {
            g_autofree gchar *from = g_build_filename(saved, names[f], NULL);
            g_autofree gchar *to = g_build_filename(dir, names[f], NULL);
            g_assert(bc_test_copy_file(from, to));
        }
        g_autofree gchar *crash = g_strdup_printf("BC_TEST_CRASH_AFTER_WRITES=%u", n);
        const gchar *env[] = {"NODE_ID=3000", "BC_TARGET_BITS=6", crash, NULL};
        g_auto(BcRun) run = bc_test_run(dir, env, "reindexutxo", NULL);
        gboolean done = run.status == 0;
        if (!done) {
            CU_ASSERT_EQUAL_FATAL(run.status, 137);
            crashed++;
        }
        g_autoptr(GError) error = NULL;
        bc = blockchain_open(db, TRUE, TEST_BITS, &error);
        ASSERT_OK(bc != NULL, error);
        CU_ASSERT_EQUAL(memcmp(bc->tip, at, BC_HASH_LEN), 0);
        CU_ASSERT_EQUAL(bc->height, 3);
        CU_ASSERT_EQUAL(balance(3), 1 + 20);
        assert_set_is_reindex();
        g_clear_pointer(&bc, blockchain_close);
        if (done)
            break; /* fewer than N writes: every point is covered */
    }
    g_printerr("\n  reorganisation crash sweep: crashed after each of %u writes, each recovered\n",
               crashed);
    /* A reorganisation of depth 1 onto two blocks writes far more than ten records. */
    CU_ASSERT_TRUE(crashed >= 10);
    g_autoptr(GError) error = NULL;
    bc = blockchain_open(db, TRUE, TEST_BITS, &error);
    ASSERT_OK(bc != NULL, error);
}
/* @end crash-sweep */

void test_reorg_register(void)
{
    static const BcTest tests[] = {
        {"cumulative work of the tip and of a side block", test_cumulative_work},
        {"a tie keeps the first seen; one more block reorganises (depth 1)", test_tie_then_depth_1},
        {"a reorganisation of depth 2: the set equals a reindex", test_depth_2},
        {"a reorganisation of depth 10: the set equals a reindex", test_depth_10},
        {"a branch with an invalid block: the old chain is back", test_invalid_branch_rolled_back},
        {"a forged signature inside a branch: the old chain is back",
         test_forged_signature_in_branch},
        {"-maxreorg: a branch forking too deep is stored, not followed", test_max_reorg_depth},
        {"undo data round trip", test_undo_round_trip},
        {"a crash after any write of a reorganisation is recovered", test_crash_sweep_of_reorg},
        {NULL, NULL},
    };
    bc_test_add_suite("10/reorg", setup, teardown, tests);
    static const BcTest orphan_tests[] = {
        {"orphans connected when their parent arrives, out of order", test_out_of_order},
        {"orphans bounded in count, the oldest dropped first", test_bounds},
        {NULL, NULL},
    };
    bc_test_add_suite("10/orphans", setup, teardown, orphan_tests);
}
