/* test_miner.c: the midstate gives the header's hash; the threads find valid blocks, each over
 * its own nonces, and stop when their work is abandoned. In process, on a real main loop. */
#include <string.h>

#include "bc_hash.h"
#include "bc_random.h"
#include "bc_test.h"
#include "block.h"
#include "miner.h"
#include "proof_of_work.h"
#include "transaction.h"

/* For random headers and nonces, the midstate path equals SHA-256 of the whole header. */
static void test_midstate_equals_plain_hash(void)
{
    for (int round = 0; round < 200; round++) {
        guint8 header[BLOCK_HEADER_LEN];
        guint64 nonce = 0;
        CU_ASSERT_TRUE_FATAL(bc_random_bytes(header, sizeof header, NULL));
        CU_ASSERT_TRUE_FATAL(bc_random_bytes(&nonce, sizeof nonce, NULL));
        MinerMidstate ms;
        miner_midstate_init(&ms, header);
        guint64 le = GUINT64_TO_LE(nonce);
        memcpy(header + BLOCK_NONCE_OFFSET, &le, sizeof le);
        guint8 plain[BC_HASH_LEN], mid[BC_HASH_LEN];
        bc_sha256(header, sizeof header, plain);
        miner_midstate_hash(&ms, nonce, mid);
        CU_ASSERT_EQUAL_FATAL(memcmp(plain, mid, BC_HASH_LEN), 0);
    }
}

typedef struct {
    GMainLoop *loop;
    Block *found;
    guint calls;
} Found;

static void on_found(Block *block, gpointer user_data)
{
    Found *f = user_data;
    f->calls++;
    block_free(f->found);
    f->found = block;
    g_main_loop_quit(f->loop);
}

static gboolean on_timeout(gpointer user_data)
{
    g_main_loop_quit(((Found *)user_data)->loop);
    return G_SOURCE_REMOVE;
}

static Block *template_at(guint32 bits)
{
    guint8 prev[BC_HASH_LEN];
    g_assert(bc_random_bytes(prev, sizeof prev, NULL));
    g_autoptr(GPtrArray) txs = g_ptr_array_new_with_free_func((GDestroyNotify)transaction_free);
    g_ptr_array_add(txs, transaction_new_coinbase("1BoatSLRHtKNngkdXEeobR76b53LETtpyT", NULL,
                                                  NULL));
    return miner_template_new(txs, prev, 1, bits);
}

/* Each thread count finds a block whose proof of work pow_validate accepts, delivered once. */
static void test_found_block_is_valid(void)
{
    for (guint threads = 1; threads <= 3; threads++) {
        Found f = {g_main_loop_new(NULL, FALSE), NULL, 0};
        g_autoptr(Miner) miner = miner_new(threads, on_found, &f);
        Block *template = template_at(14);
        guint8 prev[BC_HASH_LEN];
        memcpy(prev, template->prev_hash, BC_HASH_LEN);
        miner_start(miner, template);
        guint timer = g_timeout_add_seconds(60, on_timeout, &f);
        g_main_loop_run(f.loop);
        g_source_remove(timer);
        CU_ASSERT_EQUAL(f.calls, 1);
        CU_ASSERT_PTR_NOT_NULL_FATAL(f.found);
        CU_ASSERT_TRUE(pow_validate(f.found));
        CU_ASSERT_EQUAL(memcmp(f.found->prev_hash, prev, BC_HASH_LEN), 0);
        CU_ASSERT_FALSE(miner_busy(miner));
        block_free(f.found);
        g_main_loop_unref(f.loop);
    }
}

/* At a difficulty nothing reaches (2^-60 a nonce), abandoning stops every thread: afterwards
 * the hash count stands still and nothing is delivered. */
static void test_abandon_stops_the_threads(void)
{
    Found f = {g_main_loop_new(NULL, FALSE), NULL, 0};
    g_autoptr(Miner) miner = miner_new(2, on_found, &f);
    miner_start(miner, template_at(60));
    while (miner_hashes(miner) < 4 * MINER_CHECK_EVERY)
        g_usleep(1000);
    CU_ASSERT_TRUE(miner_busy(miner));
    miner_abandon(miner, NULL);
    CU_ASSERT_FALSE(miner_busy(miner));
    guint64 after = miner_hashes(miner);
    g_usleep(20000);
    CU_ASSERT_EQUAL(miner_hashes(miner), after);
    /* A new template after an abandoned one is searched again. */
    miner_start(miner, template_at(60));
    while (miner_hashes(miner) < after + 4 * MINER_CHECK_EVERY)
        g_usleep(1000);
    CU_ASSERT_TRUE(miner_busy(miner));
    miner_abandon(miner, NULL);
    while (g_main_context_iteration(NULL, FALSE))
        ;
    CU_ASSERT_EQUAL(f.calls, 0);
    g_main_loop_unref(f.loop);
}

void test_miner_register(void)
{
    static const BcTest tests[] = {
        {"the midstate hash equals SHA-256 of the header, random headers",
         test_midstate_equals_plain_hash},
        {"1 to 3 threads find a valid block, delivered once", test_found_block_is_valid},
        {"abandoned work stops every thread", test_abandon_stops_the_threads},
        {NULL, NULL},
    };
    bc_test_add_suite("10/miner: midstate and threads", NULL, NULL, tests);
}
