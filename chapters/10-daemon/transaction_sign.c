/* transaction_sign.c: ECDSA signatures over the trimmed copy of a transaction. */
#include "transaction_sign.h"

#include <string.h>

#include "bc_error.h"
#include "outpoint.h"
#include "wallet.h"

/* @excerpt signing-digest */
/* What input INDEX signs: the hash of a copy of TX with every signature and key removed, in
 * which input INDEX carries instead the key hash of the output it spends. Signing a copy
 * without signatures is what lets each input be signed in turn. */
static void signing_digest(const Transaction *tx, guint index, const TxOutput *spent,
                           guint8 out[BC_HASH_LEN])
{
    g_autoptr(Transaction) trimmed = transaction_new();
    for (guint i = 0; i < tx->vin->len; i++) {
        const TxInput *in = g_ptr_array_index(tx->vin, i);
        if (i == index)
            transaction_add_input(trimmed, in->txid, in->vout, spent->pubkey_hash,
                                  BC_RIPEMD160_LEN);
        else
            transaction_add_input(trimmed, in->txid, in->vout, NULL, 0);
    }
    for (guint i = 0; i < tx->vout->len; i++) {
        const TxOutput *o = g_ptr_array_index(tx->vout, i);
        transaction_add_output(trimmed, o->value, o->pubkey_hash);
    }
    transaction_hash(trimmed, out);
}
/* @end signing-digest */

gboolean transaction_sign(Transaction *tx, const Wallet *wallet, GPtrArray *spent_outputs,
                          GError **error)
{
    if (transaction_is_coinbase(tx))
        return TRUE;
    g_return_val_if_fail(spent_outputs->len == tx->vin->len, FALSE);
    for (guint i = 0; i < tx->vin->len; i++) {
        TxInput *in = g_ptr_array_index(tx->vin, i);
        const TxOutput *spent = g_ptr_array_index(spent_outputs, i);
        guint8 digest[BC_HASH_LEN], signature[WALLET_SIGNATURE_LEN];
        signing_digest(tx, i, spent, digest);
        if (!wallet_sign(wallet, digest, signature, error))
            return FALSE;
        g_bytes_unref(in->signature);
        in->signature = g_bytes_new(signature, sizeof signature);
    }
    return TRUE;
}

/* @excerpt verify-input */
static gboolean verify_input(const Transaction *tx, guint i, const TxOutput *spent, gint64 *total,
                             GError **error)
{
    const TxInput *in = g_ptr_array_index(tx->vin, i);
    /* transaction_check_shape has checked the key's and the signature's lengths. */
    const guint8 *pubkey = g_bytes_get_data(in->pubkey, NULL);
    const guint8 *signature = g_bytes_get_data(in->signature, NULL);
    /* The key must be the one the output is locked to: the Go original skipped this check,
     * so any key could sign away anyone's coins. */
    guint8 key_hash[BC_RIPEMD160_LEN];
    wallet_hash_pubkey(pubkey, key_hash);
    if (!tx_output_is_locked_with(spent, key_hash))
        return bc_set_invalid(error, "input %u's key does not own the output it spends", i);
    guint8 digest[BC_HASH_LEN];
    signing_digest(tx, i, spent, digest);
    if (!wallet_verify(pubkey, digest, signature))
        return bc_set_invalid(error, "input %u's signature is not valid", i);
    *total += spent->value;
    return TRUE;
}
/* @end verify-input */

/* @excerpt check-shape */
gboolean transaction_check_shape(const Transaction *tx, GError **error)
{
    /* Bounded: at most TRANSACTION_MAX_INPUTS inputs and TRANSACTION_MAX_OUTPUTS outputs, so
     * the work below and the lookups after it are bounded too. */
    if (tx->vin->len > TRANSACTION_MAX_INPUTS || tx->vout->len > TRANSACTION_MAX_OUTPUTS) {
        g_set_error(error, BC_ERROR, BC_ERROR_INVALID,
                    "%u inputs and %u outputs, over the limits of %d and %d", tx->vin->len,
                    tx->vout->len, TRANSACTION_MAX_INPUTS, TRANSACTION_MAX_OUTPUTS);
        return FALSE;
    }
    if (transaction_is_coinbase(tx))
        return TRUE;
    if (tx->vin->len == 0 || tx->vout->len == 0)
        return bc_set_invalid(error, "a transaction needs inputs and outputs (%u inputs)",
                              tx->vin->len);
    for (guint i = 0; i < tx->vout->len; i++) {
        const TxOutput *out = g_ptr_array_index(tx->vout, i);
        /* Positive, and small enough that no sum of them can overflow. */
        if (out->value <= 0 || out->value > G_MAXINT32)
            return bc_set_invalid(error, "output %u's value is out of range", i);
    }
    g_autoptr(GHashTable) seen = outpoint_set_new();
    for (guint i = 0; i < tx->vin->len; i++) {
        const TxInput *in = g_ptr_array_index(tx->vin, i);
        if (g_bytes_get_size(in->pubkey) != WALLET_PUBLIC_KEY_LEN ||
            g_bytes_get_size(in->signature) != WALLET_SIGNATURE_LEN)
            return bc_set_invalid(error, "input %u has no well-formed key and signature", i);
        if (!g_hash_table_add(seen, outpoint_new(in->txid, in->vout)))
            return bc_set_invalid(error, "input %u spends an output another input already spends",
                                  i);
    }
    return TRUE;
}
/* @end check-shape */

gboolean transaction_verify(const Transaction *tx, GPtrArray *spent_outputs, GError **error)
{
    if (!transaction_check_shape(tx, error))
        return FALSE;
    if (transaction_is_coinbase(tx))
        return TRUE;
    g_return_val_if_fail(spent_outputs->len == tx->vin->len, FALSE);
    gint64 out_total = 0, in_total = 0;
    for (guint i = 0; i < tx->vout->len; i++)
        out_total += ((const TxOutput *)g_ptr_array_index(tx->vout, i))->value;
    for (guint i = 0; i < tx->vin->len; i++)
        if (!verify_input(tx, i, g_ptr_array_index(spent_outputs, i), &in_total, error))
            return FALSE;
    if (out_total > in_total) {
        g_set_error(error, BC_ERROR, BC_ERROR_INVALID,
                    "outputs are worth %" G_GINT64_FORMAT
                    ", more than the inputs' %" G_GINT64_FORMAT,
                    out_total, in_total);
        return FALSE;
    }
    return TRUE;
}
