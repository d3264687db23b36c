/* test_sync_batch.c: blocks from peers are synced to disk in batches (BLOCKCHAIN_SYNC_BATCH), not
 * one fsync per block; a mined block and a close sync at once. What a batch leaves unsynced is
 * still read back whole after the process ends without closing (the kernel keeps it). */
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bc_store.h"
#include "bc_test.h"
#include "blockchain.h"
#include "utxo_set.h"
#include "wallet.h"

#define TEST_BITS 1
#define N_BLOCKS 250

static gchar *dir, *db, *address;

static void setup(void)
{
    dir = bc_test_tmpdir();
    db = g_build_filename(dir, "blockchain_1.db", NULL);
    guint8 key[WALLET_PRIVATE_KEY_LEN] = {[WALLET_PRIVATE_KEY_LEN - 1] = 3};
    g_autoptr(Wallet) wallet = wallet_from_private_key(key, NULL);
    address = wallet_get_address(wallet);
}

static void teardown(void)
{
    bc_test_tmpdir_remove(dir);
    g_clear_pointer(&dir, g_free);
    g_clear_pointer(&db, g_free);
    g_clear_pointer(&address, g_free);
}

static guint64 syncs(Blockchain *bc)
{
    return bc_store_sync_count(bc->store) + bc_store_sync_count(bc->chainstate);
}

/* N blocks of one coinbase each, added as a peer's blocks are. */
static void add_blocks(Blockchain *bc, guint n)
{
    for (guint i = 0; i < n; i++) {
        g_autofree gchar *data = g_strdup_printf("peer block %u", i);
        g_autoptr(GPtrArray) txs = g_ptr_array_new_with_free_func((GDestroyNotify)transaction_free);
        g_ptr_array_add(txs, transaction_new_coinbase(address, data, NULL));
        g_autoptr(Block) block = block_new(txs, bc->tip, bc->height + 1, TEST_BITS);
        g_autoptr(GError) error = NULL;
        g_assert_true(blockchain_add_block(bc, block, &error));
    }
}

static void test_batched(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(Blockchain) bc = blockchain_create(db, address, TEST_BITS, &error);
    g_assert_no_error(error);
    guint64 before = syncs(bc);
    add_blocks(bc, N_BLOCKS);
    guint64 batched = syncs(bc) - before;
    /* Two files, synced once per batch: 250 blocks make two batches, not 500 syncs. */
    CU_ASSERT_EQUAL(batched, 2 * (N_BLOCKS / 100));
    /* A mined block syncs at once. */
    g_autoptr(GPtrArray) txs = g_ptr_array_new_with_free_func((GDestroyNotify)transaction_free);
    g_ptr_array_add(txs, transaction_new_coinbase(address, "mined here", NULL));
    before = syncs(bc);
    g_autoptr(Block) mined = blockchain_mine_block(bc, txs, &error);
    g_assert_no_error(error);
    CU_ASSERT_PTR_NOT_NULL(mined);
    CU_ASSERT_EQUAL(syncs(bc) - before, 2);
    CU_ASSERT_EQUAL(bc->unsynced, 0);
}

/* A child adds blocks and ends without closing (as a kill would): the chain and the set it wrote
 * are all there, and agree, for the next open. */
static void test_end_without_close(void)
{
    g_autoptr(GError) error = NULL;
    Blockchain *bc = blockchain_create(db, address, TEST_BITS, &error);
    g_assert_no_error(error);
    blockchain_close(bc);
    pid_t child = fork();
    g_assert(child >= 0);
    if (child == 0) {
        Blockchain *mine = blockchain_open(db, TRUE, TEST_BITS, NULL);
        if (mine == NULL)
            _exit(1);
        add_blocks(mine, 150);
        _exit(137); /* no close, no sync of the last 50 */
    }
    int status = 0;
    g_assert(waitpid(child, &status, 0) == child);
    CU_ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 137);
    g_autoptr(Blockchain) again = blockchain_open(db, FALSE, TEST_BITS, &error);
    g_assert_no_error(error);
    CU_ASSERT_EQUAL(again->height, 150);
    CU_ASSERT_PTR_NULL(again->chainstate_stale);
    UtxoSet set = {again};
    guint count = 0;
    CU_ASSERT_TRUE(utxo_set_count_transactions(&set, &count, &error));
    CU_ASSERT_EQUAL(count, 151);
}

void test_sync_batch_register(void)
{
    static const BcTest tests[] = {
        {"peers' blocks are synced once per batch, a mined block at once", test_batched},
        {"blocks of a batch survive the process ending without close", test_end_without_close},
        {0},
    };
    bc_test_add_suite("10/sync_batch", setup, teardown, tests);
}
