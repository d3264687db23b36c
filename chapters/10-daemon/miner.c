/* miner.c: the proof-of-work search on worker threads, with a SHA-256 midstate. */
#include "miner.h"

#include <errno.h>
#include <glib-unix.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "proof_of_work.h"

/* @excerpt miner-midstate */
/* The header is 84 bytes: previous hash and Merkle root (64), then timestamp, bits and nonce
 * (20). SHA-256 eats 64-byte blocks, so the first block holds only what never changes while we
 * search: hash it once per template and keep Nettle's context, the midstate. Each nonce then
 * needs only the second block, the 20 bytes plus padding and length (20 + 1 + 8 <= 64), which is
 * one compression instead of two. */
void miner_midstate_init(MinerMidstate *ms, const guint8 header[BLOCK_HEADER_LEN])
{
    sha256_init(&ms->mid);
    sha256_update(&ms->mid, SHA256_BLOCK_SIZE, header);
    memcpy(ms->tail, header + SHA256_BLOCK_SIZE, sizeof ms->tail);
}

void miner_midstate_hash(const MinerMidstate *ms, guint64 nonce, guint8 out[BC_HASH_LEN])
{
    struct sha256_ctx ctx = ms->mid; /* a copy: the midstate serves every nonce */
    guint8 tail[sizeof ms->tail];
    memcpy(tail, ms->tail, sizeof tail);
    guint64 le = GUINT64_TO_LE(nonce);
    memcpy(tail + (BLOCK_NONCE_OFFSET - SHA256_BLOCK_SIZE), &le, sizeof le);
    sha256_update(&ctx, sizeof tail, tail);
    sha256_digest(&ctx, BC_HASH_LEN, out);
}
/* @end miner-midstate */

Block *miner_template_new(GPtrArray *transactions, const guint8 prev_hash[BC_HASH_LEN],
                          gint32 height, guint32 bits)
{
    Block *block = g_new0(Block, 1);
    block->timestamp = g_get_real_time() / G_USEC_PER_SEC;
    block->transactions = g_ptr_array_ref(transactions);
    memcpy(block->prev_hash, prev_hash, BC_HASH_LEN);
    block->bits = bits;
    block->height = height;
    return block;
}

/* One template's search, shared by its workers. Read-only once the workers start. */
typedef struct {
    Miner *miner;
    gint generation; /* the miner's generation this work belongs to */
    MinerMidstate midstate;
    guint8 target[BC_HASH_LEN];
    Block *template;
} Job;

typedef struct {
    Job *job;
    guint64 first, last; /* this worker's nonces, first to last inclusive */
} Slice;

struct Miner {
    guint n_threads;
    MinerFoundFunc found;
    gpointer user_data;
    /* @excerpt miner-abandon-counter */
    /* Bumped by the main loop to abandon work and by the worker that finds a nonce; a worker
     * whose job's generation is no longer this one stops. Atomic: read by every worker. */
    gint generation;
    /* @end miner-abandon-counter */
    gsize hashes;   /* atomic: nonces tried, added every MINER_CHECK_EVERY */
    GThread **threads; /* n_threads, NULL between jobs (main loop only) */
    Slice *slices;
    Job *job;
    /* The hand-over, with no lock: the worker that claimed the generation stores the block
     * (atomic pointer) and writes to the eventfd, which wakes the main loop's source. */
    Block *delivered;
    int wake_fd;
    guint wake_source;
};

static gboolean deliver(gint fd, GIOCondition condition, gpointer user_data);

guint miner_default_threads(void)
{
    return CLAMP(g_get_num_processors(), 1, MINER_MAX_THREADS);
}

Miner *miner_new(guint threads, MinerFoundFunc found, gpointer user_data)
{
    g_assert(threads >= 1 && threads <= MINER_MAX_THREADS);
    Miner *miner = g_new0(Miner, 1);
    miner->n_threads = threads;
    miner->found = found;
    miner->user_data = user_data;
    miner->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    g_assert(miner->wake_fd >= 0); /* only fails when out of descriptors or memory */
    miner->wake_source = g_unix_fd_add(miner->wake_fd, G_IO_IN, deliver, miner);
    return miner;
}

/* @excerpt miner-threads */
/* A worker: its own slice of the nonces, so no two threads try the same one and none needs a
 * lock while it searches. Every MINER_CHECK_EVERY nonces it checks the generation and stops when
 * the work was abandoned; the first worker to find a nonce claims the generation (only one can)
 * and hands a copy of the block to the main loop, where it is validated and connected. */
static gpointer worker(gpointer user_data)
{
    Slice *slice = user_data;
    Job *job = slice->job;
    Miner *miner = job->miner;
    guint8 hash[BC_HASH_LEN];
    guint64 nonce = slice->first;
    for (;;) {
        if (g_atomic_int_get(&miner->generation) != job->generation)
            break;
        guint64 start = nonce, stop = MIN(slice->last, nonce + (MINER_CHECK_EVERY - 1));
        gboolean found = FALSE;
        for (;; nonce++) {
            miner_midstate_hash(&job->midstate, nonce, hash);
            if (memcmp(hash, job->target, BC_HASH_LEN) < 0) {
                found = TRUE;
                break;
            }
            if (nonce == stop)
                break;
        }
        g_atomic_pointer_add(&miner->hashes, (gssize)(nonce - start + 1));
        if (found &&
            g_atomic_int_compare_and_exchange(&miner->generation, job->generation,
                                              job->generation + 1)) {
            Block *block = miner_template_new(job->template->transactions,
                                              job->template->prev_hash, job->template->height,
                                              job->template->bits);
            block->timestamp = job->template->timestamp;
            block->nonce = nonce;
            memcpy(block->hash, hash, BC_HASH_LEN);
            g_atomic_pointer_set(&miner->delivered, block);
            guint64 one = 1;
            if (write(miner->wake_fd, &one, sizeof one) < 0)
                g_warning("cannot wake the main loop: %s", g_strerror(errno));
        }
        if (found || nonce == slice->last)
            break;
        nonce++;
    }
    return NULL;
}
/* @end miner-threads */

/* Waits for the workers of the last job, which have stopped or will within a few ms. */
static void join_workers(Miner *miner)
{
    if (miner->threads == NULL)
        return;
    for (guint i = 0; i < miner->n_threads; i++)
        g_thread_join(miner->threads[i]);
    g_clear_pointer(&miner->threads, g_free);
    g_clear_pointer(&miner->slices, g_free);
    block_free(miner->job->template);
    g_clear_pointer(&miner->job, g_free);
}

/* On the main loop: the found block goes to the node, unless the work was abandoned since. */
static gboolean deliver(gint fd, GIOCondition condition, gpointer user_data)
{
    (void)condition;
    Miner *miner = user_data;
    guint64 count;
    if (read(fd, &count, sizeof count) < 0 && errno != EAGAIN)
        g_warning("cannot read the miner's wake-up: %s", g_strerror(errno));
    Block *block = g_atomic_pointer_exchange(&miner->delivered, NULL);
    if (block != NULL) {
        join_workers(miner);
        miner->found(block, miner->user_data);
    }
    return G_SOURCE_CONTINUE;
}

gboolean miner_busy(Miner *miner)
{
    return miner->threads != NULL &&
           g_atomic_int_get(&miner->generation) == miner->job->generation;
}

/* @excerpt miner-abandon */
gboolean miner_abandon(Miner *miner, gint32 *height)
{
    gboolean busy = miner_busy(miner);
    if (busy && height != NULL)
        *height = miner->job->template->height;
    /* The workers see the new generation within MINER_CHECK_EVERY nonces and return; a block
     * found for the old template and not yet delivered is dropped: it is on the old tip. */
    g_atomic_int_inc(&miner->generation);
    join_workers(miner);
    block_free(g_atomic_pointer_exchange(&miner->delivered, NULL));
    return busy;
}
/* @end miner-abandon */

void miner_start(Miner *miner, Block *template)
{
    miner_abandon(miner, NULL);
    Job *job = g_new0(Job, 1);
    job->miner = miner;
    job->generation = g_atomic_int_get(&miner->generation);
    job->template = template;
    guint8 header[BLOCK_HEADER_LEN];
    block_header(template, header);
    miner_midstate_init(&job->midstate, header);
    pow_target(template->bits, job->target);
    miner->job = job;
    miner->slices = g_new0(Slice, miner->n_threads);
    miner->threads = g_new0(GThread *, miner->n_threads);
    guint64 width = G_MAXUINT64 / miner->n_threads;
    for (guint i = 0; i < miner->n_threads; i++) {
        Slice *slice = &miner->slices[i];
        slice->job = job;
        slice->first = i * width;
        slice->last = i + 1 == miner->n_threads ? G_MAXUINT64 : (i + 1) * width - 1;
        miner->threads[i] = g_thread_new("miner", worker, slice);
    }
}

guint64 miner_hashes(Miner *miner)
{
    return (guint64)(gsize)g_atomic_pointer_get(&miner->hashes);
}

void miner_free(Miner *miner)
{
    if (miner == NULL)
        return;
    miner_abandon(miner, NULL);
    g_source_remove(miner->wake_source);
    close(miner->wake_fd);
    g_free(miner);
}
