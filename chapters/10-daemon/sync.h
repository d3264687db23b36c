/* sync.h: catching up with a peer's chain by block locator (chapter 8). Chapter 7 sent every
 * hash of the chain in answer to getblocks; now the asker says where it stands with a locator
 * (its last 10 hashes, then exponentially further back, then genesis) and the answer starts after
 * the first of them the answerer has on its chain, 500 hashes at most: the asker asks again. */
#pragma once
#include <glib.h>

#include "blockchain.h"

#define SYNC_MAX_INV 500      /* hashes in one answer to getblocks */
#define SYNC_MAX_IN_FLIGHT 16 /* blocks requested from the sync peer and not yet arrived */

/* Our locator: hashes, newest first, BC_HASH_LEN bytes each, at most MESSAGE_MAX_LOCATOR. */
GByteArray *sync_locator(Blockchain *bc, GError **error);

/* The hashes of our chain after the first of the N locator hashes in LOCATOR that is on it (after
 * genesis when none is: the asker may be far behind or on another chain), oldest first, at most
 * SYNC_MAX_INV. Work: N lookups, then at most SYNC_MAX_INV. Empty when there is nothing after. */
GByteArray *sync_hashes_after(Blockchain *bc, const guint8 *locator, gsize n, GError **error);
