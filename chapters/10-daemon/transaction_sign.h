/* transaction_sign.h: signing a transaction's inputs and verifying them. */
#pragma once
#include <glib.h>

#include "transaction.h"

/* SPENT_OUTPUTS holds, for each input of TX in order, the output it spends (a TxOutput), as the
 * UTXO set lists it: its value and key hash are all a signature covers. */

/* Signs every input of TX with WALLET's key. Each signature covers the trimmed copy of TX in
 * which that input carries the key hash of the output it spends. */
gboolean transaction_sign(Transaction *tx, const Wallet *wallet, GPtrArray *spent_outputs,
                          GError **error);

/* The rules that need nothing but TX itself, BC_ERROR_INVALID when one is broken: at most
 * TRANSACTION_MAX_INPUTS inputs and TRANSACTION_MAX_OUTPUTS outputs (a coinbase too), and for
 * any other transaction at least one of each, outputs positive, every input with a key and a
 * signature of the right lengths, no output spent by two inputs. Callers run it before any
 * lookup, so a made-up transaction is refused before it costs a read. */
gboolean transaction_check_shape(const Transaction *tx, GError **error);

/* Checks every rule a transaction must follow (transaction_check_shape's first), with
 * BC_ERROR_INVALID and the reason when one is broken: each input's output (SPENT_OUTPUTS, in
 * input order, read from the UTXO set) belongs to the input's key and is signed by it, and the
 * outputs are not worth more than the inputs. */
gboolean transaction_verify(const Transaction *tx, GPtrArray *spent_outputs, GError **error);
