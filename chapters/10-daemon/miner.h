/* miner.h: mining on worker threads (chapter 10), off the event loop, so the node keeps
 * answering its peers while it searches. One template at a time; a new one abandons the old. */
#pragma once
#include <glib.h>
#include <nettle/sha2.h>

#include "block.h"

/* The most worker threads -threads accepts. */
#define MINER_MAX_THREADS 256
/* A worker looks at the generation counter every this many nonces (a few ms at most). */
#define MINER_CHECK_EVERY 4096

/* The header's first 64 bytes hashed once (the midstate) and the 20 bytes that follow. */
typedef struct {
    struct sha256_ctx mid;
    guint8 tail[BLOCK_HEADER_LEN - SHA256_BLOCK_SIZE];
} MinerMidstate;

void miner_midstate_init(MinerMidstate *ms, const guint8 header[BLOCK_HEADER_LEN]);
/* The header's hash with NONCE in it: one SHA-256 compression from the midstate. */
void miner_midstate_hash(const MinerMidstate *ms, guint64 nonce, guint8 out[BC_HASH_LEN]);

/* Called on the main loop with a block whose proof of work is found; the callee owns it. */
typedef void (*MinerFoundFunc)(Block *block, gpointer user_data);

typedef struct Miner Miner;

/* One worker per core: what -threads defaults to. */
guint miner_default_threads(void);
/* A miner with THREADS workers (1 to MINER_MAX_THREADS) calling FOUND on the default main
 * context. */
Miner *miner_new(guint threads, MinerFoundFunc found, gpointer user_data);
/* Abandons any work and searches a nonce for TEMPLATE (taken; its nonce and hash are set when
 * found) on every worker, each over its own slice of the nonces. */
void miner_start(Miner *miner, Block *template);
/* Abandons the current work, if any: the workers stop within MINER_CHECK_EVERY nonces and are
 * joined. TRUE when there was work, whose block's height goes to HEIGHT (may be NULL). */
gboolean miner_abandon(Miner *miner, gint32 *height);
/* TRUE while workers search. */
gboolean miner_busy(Miner *miner);
/* How many nonces were tried since the miner was made (for benchmarks). */
guint64 miner_hashes(Miner *miner);
/* Stops and joins the workers, drops a found block not yet delivered. */
void miner_free(Miner *miner);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Miner, miner_free)

/* A block on PREV_HASH at HEIGHT holding TRANSACTIONS (referenced), its nonce not yet found. */
Block *miner_template_new(GPtrArray *transactions, const guint8 prev_hash[BC_HASH_LEN],
                          gint32 height, guint32 bits);
