/* undo.h: what a block spent, stored with it, so that it can be taken off the chain again
 * (chapter 9): Bitcoin Core's rev*.dat. */
#pragma once
#include <glib.h>

#include "blockchain.h"

/* Records 'u' + block hash in the chain's file. */
#define UNDO_PREFIX 'u'

/* The outputs BLOCK's inputs spend, in the order of its inputs (coinbases spend nothing), read
 * from the UTXO set before BLOCK is applied to it: an array of UnspentOutput. */
GArray *undo_collect(Blockchain *bc, const Block *block, GError **error);

/* UNDO as bytes, and back: NULL with BC_ERROR_CORRUPT (or BC_ERROR_TOO_LARGE) for bytes that
 * undo_encode does not write. */
GBytes *undo_encode(GArray *undo);
GArray *undo_decode(GBytes *raw, GError **error);

gboolean undo_write(Blockchain *bc, const guint8 hash[BC_HASH_LEN], GArray *undo, GError **error);
GArray *undo_read(Blockchain *bc, const guint8 hash[BC_HASH_LEN], GError **error);
