/* orphans.c: the orphan blocks, oldest first, bounded in count and bytes. */
#include "orphans.h"

#include <string.h>

struct OrphanPool {
    GQueue blocks; /* of Block*, oldest first */
    gsize bytes;   /* their serialized sizes, added up */
};

static gsize block_size(const Block *block)
{
    g_autoptr(GBytes) raw = block_serialize(block);
    return g_bytes_get_size(raw);
}

OrphanPool *orphans_new(void)
{
    OrphanPool *pool = g_new0(OrphanPool, 1);
    g_queue_init(&pool->blocks);
    return pool;
}

void orphans_free(OrphanPool *pool)
{
    if (pool == NULL)
        return;
    g_queue_clear_full(&pool->blocks, (GDestroyNotify)block_free);
    g_free(pool);
}

static void drop(OrphanPool *pool, GList *link)
{
    Block *block = link->data;
    pool->bytes -= block_size(block);
    g_queue_delete_link(&pool->blocks, link);
    block_free(block);
}

gboolean orphans_contains(OrphanPool *pool, const guint8 hash[BC_HASH_LEN])
{
    for (GList *l = pool->blocks.head; l != NULL; l = l->next)
        if (memcmp(((Block *)l->data)->hash, hash, BC_HASH_LEN) == 0)
            return TRUE;
    return FALSE;
}

/* @excerpt orphans-add */
void orphans_add(OrphanPool *pool, const Block *block)
{
    if (orphans_contains(pool, block->hash))
        return;
    g_autoptr(GBytes) raw = block_serialize(block);
    Block *copy = block_deserialize(raw, NULL);
    g_assert(copy != NULL); /* our own serialization of a block that decoded */
    g_queue_push_tail(&pool->blocks, copy);
    pool->bytes += g_bytes_get_size(raw);
    /* The bounds, enforced here: the oldest leave first (a peer flooding us pushes out its own
     * blocks as much as anyone's; the newest is the one most likely to be wanted soon). */
    while (pool->blocks.length > ORPHANS_MAX_COUNT || pool->bytes > ORPHANS_MAX_BYTES)
        drop(pool, pool->blocks.head);
}
/* @end orphans-add */

guint orphans_count(OrphanPool *pool)
{
    return pool->blocks.length;
}

gsize orphans_bytes(OrphanPool *pool)
{
    return pool->bytes;
}

/* @excerpt orphans-accept */
guint orphans_accept_children(OrphanPool *pool, Blockchain *bc, const guint8 hash[BC_HASH_LEN],
                              ChainChange *change, guint *refused)
{
    /* A worklist of accepted hashes: each orphan leaves the pool when it is tried, so the work is
     * at most ORPHANS_MAX_COUNT acceptances. */
    g_autoptr(GByteArray) parents = g_byte_array_new();
    g_byte_array_append(parents, hash, BC_HASH_LEN);
    guint accepted = 0;
    while (parents->len > 0) {
        guint8 parent[BC_HASH_LEN];
        memcpy(parent, parents->data, BC_HASH_LEN);
        g_byte_array_remove_range(parents, 0, BC_HASH_LEN);
        for (GList *l = pool->blocks.head; l != NULL;) {
            GList *next = l->next;
            Block *block = l->data;
            if (memcmp(block->prev_hash, parent, BC_HASH_LEN) == 0) {
                g_autoptr(GError) error = NULL;
                if (chain_state_accept_block(bc, block, change, &error)) {
                    g_byte_array_append(parents, block->hash, BC_HASH_LEN);
                    accepted++;
                } else if (refused != NULL) {
                    (*refused)++;
                }
                drop(pool, l);
            }
            l = next;
        }
    }
    return accepted;
}
/* @end orphans-accept */
