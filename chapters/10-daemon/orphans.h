/* orphans.h: blocks whose parent this node does not have yet (chapter 9), kept until it comes:
 * blocks relayed out of order, or the tip of a branch we have not downloaded. */
#pragma once
#include <glib.h>

#include "chain_state.h"

/* The bounds: a peer can make us keep at most this many orphans, of at most this many bytes in
 * all (each is at most BLOCK_MAX_SIZE); past either the oldest go first. */
#define ORPHANS_MAX_COUNT 64
#define ORPHANS_MAX_BYTES (8 * 1024 * 1024)

typedef struct OrphanPool OrphanPool;

OrphanPool *orphans_new(void);
void orphans_free(OrphanPool *pool);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(OrphanPool, orphans_free)

/* Keeps a copy of BLOCK (unless it is kept already), dropping the oldest orphans while the
 * bounds are passed. */
void orphans_add(OrphanPool *pool, const Block *block);
gboolean orphans_contains(OrphanPool *pool, const guint8 hash[BC_HASH_LEN]);
guint orphans_count(OrphanPool *pool);
gsize orphans_bytes(OrphanPool *pool);

/* Block HASH has just been accepted: accepts the orphans that follow it, and theirs in turn,
 * adding what moved to CHANGE. Returns how many were accepted; a refused orphan is dropped
 * (and counted in *REFUSED when not NULL). Work: each orphan is tried once. */
guint orphans_accept_children(OrphanPool *pool, Blockchain *bc, const guint8 hash[BC_HASH_LEN],
                              ChainChange *change, guint *refused);
