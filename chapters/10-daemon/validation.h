/* validation.h: the rules a block or a transaction from a peer must follow before this node
 * stores it, pools it or passes it on. The Go original trusted everything it received. */
#pragma once
#include <glib.h>

#include "blockchain.h"

/* The checks a block passes before it is stored, on our chain or on a side branch, with the
 * first broken rule as the error:
 * BC_ERROR_EXISTS    the block is stored already;
 * BC_ERROR_NOT_FOUND its parent is not in the block index (an orphan: see orphans.h);
 * BC_ERROR_INVALID   difficulty, proof-of-work (which covers the Merkle root), a parent that
 *                    is invalid, height. */
gboolean validation_check_header(Blockchain *bc, const Block *block, GError **error);

/* The checks of a stored block being connected on top of the tip, against the UTXO set there:
 * BC_ERROR_INVALID when it does not extend the tip, has the wrong height, or a bad coinbase,
 * duplicate or invalid transactions, double spends. */
gboolean validation_check_connect(Blockchain *bc, const Block *block, GError **error);

/* Both: the checks of a new block that extends the tip. */
gboolean validation_check_block(Blockchain *bc, const Block *block, GError **error);

/* Checks a transaction a peer offers for the mempool: not a coinbase, valid signatures on
 * outputs of the chain that are still unspent. BC_ERROR_INVALID with the reason. */
gboolean validation_check_transaction(Blockchain *bc, const Transaction *tx, GError **error);
