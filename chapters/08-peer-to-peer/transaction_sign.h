/* transaction_sign.h: signing a transaction's inputs and verifying them. */
#pragma once
#include <glib.h>

#include "transaction.h"

/* PREV_TXS maps the hex ID of every transaction TX spends from to that Transaction. */

/* Signs every input of TX with WALLET's key. Each signature covers the trimmed copy of TX in
 * which that input carries the key hash of the output it spends. */
gboolean transaction_sign(Transaction *tx, const Wallet *wallet, GHashTable *prev_txs,
                          GError **error);

/* Checks every rule a transaction must follow, with BC_ERROR_INVALID and the reason when one
 * is broken: outputs positive, no input spent twice, each input's output exists, belongs to
 * the input's key and is signed by it, and the outputs are not worth more than the inputs. */
gboolean transaction_verify(const Transaction *tx, GHashTable *prev_txs, GError **error);
