/* block_index.h: every block this node stores, on the best chain or on a side branch, with
 * its height and the work of its whole branch (chapter 9). The tip is the block with most work. */
#pragma once
#include <glib.h>

#include "blockchain.h"

/* Records 'i' + hash in the chain's file. */
#define BLOCK_INDEX_PREFIX 'i'

typedef enum {
    BLOCK_INDEX_STORED = 0,  /* its header checks passed; its transactions not checked yet */
    BLOCK_INDEX_VALID = 1,   /* it was connected once: its transactions are valid */
    BLOCK_INDEX_INVALID = 2, /* it, or a block before it, broke a rule when connected */
} BlockIndexStatus;

/* @excerpt block-index-entry */
typedef struct {
    gint32 height;
    guint64 work; /* sum of 2^bits from genesis to this block, this block included */
    BlockIndexStatus status;
} BlockIndexEntry;
/* @end block-index-entry */

/* A block's own work: 2^BITS, the expected number of hashes its proof took. BITS is at most
 * POW_MAX_TARGET_BITS (32), so a guint64 sum holds 2^32 blocks of the hardest work. */
guint64 block_index_block_work(guint32 bits);

/* The entry of block HASH; BC_ERROR_NOT_FOUND when it has none. */
gboolean block_index_get(Blockchain *bc, const guint8 hash[BC_HASH_LEN], BlockIndexEntry *out,
                         GError **error);
gboolean block_index_put(Blockchain *bc, const guint8 hash[BC_HASH_LEN],
                         const BlockIndexEntry *entry, GError **error);
/* The entry BLOCK gets: its parent's work plus its own (its own alone for genesis). */
gboolean block_index_entry_for(Blockchain *bc, const Block *block, BlockIndexEntry *out,
                               GError **error);

/* Whether a block of work CANDIDATE should replace the tip of work TIP: only with strictly more
 * work, so that of two branches of equal work the one seen first stays. */
gboolean block_index_better(guint64 candidate, guint64 tip);

/* Record 'w' in the chain's file: the hash of the not-invalid block with most work, first stored
 * winning ties, written before the index entry of any block with more work (block_index_add),
 * so that a restart finds the block to move to without reading the whole index. */
#define BLOCK_INDEX_BEST_KEY 'w'

/* Puts ENTRY as HASH's index entry, after naming HASH in the best record when it has more work
 * than the block named there. */
gboolean block_index_add(Blockchain *bc, const guint8 hash[BC_HASH_LEN],
                         const BlockIndexEntry *entry, GError **error);
gboolean block_index_set_best(Blockchain *bc, const guint8 hash[BC_HASH_LEN], GError **error);

/* The not-invalid block with most work, in OUT, and its entry: from the best record, three reads;
 * when the record is missing, names a block without an entry or an invalid one, from a scan of
 * every key of the chain's file (the tip winning ties), which rewrites the record. */
gboolean block_index_best(Blockchain *bc, guint8 out[BC_HASH_LEN], BlockIndexEntry *entry,
                          GError **error);
