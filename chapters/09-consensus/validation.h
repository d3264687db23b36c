/* validation.h: the rules a block or a transaction from a peer must follow before this node
 * stores it, pools it or passes it on. The Go original trusted everything it received. */
#pragma once
#include <glib.h>

#include "blockchain.h"

/* Checks BLOCK against the chain in BC, with the first broken rule as the error:
 * BC_ERROR_EXISTS    the block is stored already;
 * BC_ERROR_NOT_FOUND its parent is not stored (the node is behind: it should sync);
 * BC_ERROR_INVALID   anything else: difficulty, proof-of-work (which covers the Merkle root),
 *                    not on our tip, height, coinbase, duplicate or invalid transactions,
 *                    double spends. */
gboolean validation_check_block(Blockchain *bc, const Block *block, GError **error);

/* Checks a transaction a peer offers for the mempool: not a coinbase, valid signatures on
 * outputs of the chain that are still unspent. BC_ERROR_INVALID with the reason. */
gboolean validation_check_transaction(Blockchain *bc, const Transaction *tx, GError **error);
