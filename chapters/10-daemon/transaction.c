/* transaction.c: building, identifying and serializing transactions. */
#include "transaction.h"

#include <string.h>

#include "bc_error.h"
#include "bc_hex.h"
#include "bc_random.h"
#include "bc_variant.h"
#include "blockchain.h"
#include "utxo_set.h"
#include "address.h"
#include "wallet.h"

static void tx_input_free(TxInput *in)
{
    g_bytes_unref(in->signature);
    g_bytes_unref(in->pubkey);
    g_free(in);
}

Transaction *transaction_new(void)
{
    Transaction *tx = g_new0(Transaction, 1);
    tx->vin = g_ptr_array_new_with_free_func((GDestroyNotify)tx_input_free);
    tx->vout = g_ptr_array_new_with_free_func(g_free);
    return tx;
}

void transaction_free(Transaction *tx)
{
    if (tx == NULL)
        return;
    g_ptr_array_unref(tx->vin);
    g_ptr_array_unref(tx->vout);
    g_free(tx);
}

void transaction_add_input(Transaction *tx, const guint8 txid[BC_HASH_LEN], gint32 vout,
                           const guint8 *pubkey, gsize len)
{
    TxInput *in = g_new0(TxInput, 1);
    memcpy(in->txid, txid, BC_HASH_LEN);
    in->vout = vout;
    in->signature = g_bytes_new(NULL, 0);
    in->pubkey = g_bytes_new(pubkey, len);
    g_ptr_array_add(tx->vin, in);
}

void transaction_add_output(Transaction *tx, gint64 value,
                            const guint8 pubkey_hash[BC_RIPEMD160_LEN])
{
    TxOutput *out = g_new0(TxOutput, 1);
    out->value = value;
    memcpy(out->pubkey_hash, pubkey_hash, BC_RIPEMD160_LEN);
    g_ptr_array_add(tx->vout, out);
}

/* @excerpt tx-coinbase */
Transaction *transaction_new_coinbase(const gchar *to, const gchar *data, GError **error)
{
    static const guint8 no_txid[BC_HASH_LEN] = {0};
    guint8 to_hash[BC_RIPEMD160_LEN];
    if (!address_to_pubkey_hash(to, to_hash, error))
        return NULL;
    /* Random data by default: two coinbases paying the same address in the same way would
     * otherwise be the same transaction, with the same ID. */
    guint8 random[20];
    if (data == NULL && !bc_random_bytes(random, sizeof random, error))
        return NULL;
    g_autofree gchar *random_hex = data == NULL ? bc_hex_encode(random, sizeof random) : NULL;
    const gchar *text = data != NULL ? data : random_hex;
    Transaction *tx = transaction_new();
    /* A coinbase spends nothing: its one input points at no transaction and no output, and
     * its pubkey field carries free data instead of a key. */
    transaction_add_input(tx, no_txid, -1, (const guint8 *)text, strlen(text));
    transaction_add_output(tx, SUBSIDY, to_hash);
    transaction_set_id(tx);
    return tx;
}

gboolean transaction_is_coinbase(const Transaction *tx)
{
    static const guint8 no_txid[BC_HASH_LEN] = {0};
    if (tx->vin->len != 1)
        return FALSE;
    const TxInput *in = g_ptr_array_index(tx->vin, 0);
    return in->vout == -1 && memcmp(in->txid, no_txid, BC_HASH_LEN) == 0;
}
/* @end tx-coinbase */

static GVariant *bytes_variant(GBytes *bytes)
{
    gsize len = 0;
    const guint8 *data = g_bytes_get_data(bytes, &len);
    return bc_variant_new_bytes(data, len);
}

static GVariant *inputs_to_variant(const Transaction *tx)
{
    GVariantBuilder b;
    g_variant_builder_init(&b, G_VARIANT_TYPE("a(ayiayay)"));
    for (guint i = 0; i < tx->vin->len; i++) {
        const TxInput *in = g_ptr_array_index(tx->vin, i);
        g_variant_builder_add(&b, "(@ayi@ay@ay)", bc_variant_new_bytes(in->txid, BC_HASH_LEN),
                              in->vout, bytes_variant(in->signature), bytes_variant(in->pubkey));
    }
    return g_variant_builder_end(&b);
}

static GVariant *outputs_to_variant(const Transaction *tx)
{
    GVariantBuilder b;
    g_variant_builder_init(&b, G_VARIANT_TYPE("a(xay)"));
    for (guint i = 0; i < tx->vout->len; i++) {
        const TxOutput *out = g_ptr_array_index(tx->vout, i);
        g_variant_builder_add(&b, "(x@ay)", out->value,
                              bc_variant_new_bytes(out->pubkey_hash, BC_RIPEMD160_LEN));
    }
    return g_variant_builder_end(&b);
}

/* @excerpt tx-id */
/* The ID cannot cover itself, so it is the hash of everything else: inputs and outputs. */
static void hash_parts(GVariant *inputs, GVariant *outputs, guint8 out[BC_HASH_LEN])
{
    GVariant *parts[] = {inputs, outputs};
    g_autoptr(GBytes) content = bc_variant_encode(g_variant_new_tuple(parts, 2));
    bc_sha256_bytes(content, out);
}

void transaction_hash(const Transaction *tx, guint8 out[BC_HASH_LEN])
{
    hash_parts(inputs_to_variant(tx), outputs_to_variant(tx), out);
}

void transaction_set_id(Transaction *tx)
{
    transaction_hash(tx, tx->id);
}
/* @end tx-id */

/* @excerpt tx-utxo */
Transaction *transaction_new_utxo(const Wallet *from, const gchar *to, gint64 amount,
                                  Blockchain *bc, GError **error)
{
    guint8 to_hash[BC_RIPEMD160_LEN], from_hash[BC_RIPEMD160_LEN];
    if (!address_to_pubkey_hash(to, to_hash, error))
        return NULL;
    const guint8 *pubkey = wallet_public_key(from);
    wallet_hash_pubkey(pubkey, from_hash);
    UtxoSet utxo = {bc};
    g_autoptr(GArray) unspent = utxo_set_find_unspent(&utxo, from_hash, error);
    if (unspent == NULL)
        return NULL;
    return transaction_new_spending(from, to, amount, unspent, bc, error);
}

Transaction *transaction_new_spending(const Wallet *from, const gchar *to, gint64 amount,
                                      GArray *unspent, Blockchain *bc, GError **error)
{
    guint8 to_hash[BC_RIPEMD160_LEN], from_hash[BC_RIPEMD160_LEN];
    if (!address_to_pubkey_hash(to, to_hash, error))
        return NULL;
    const guint8 *pubkey = wallet_public_key(from);
    wallet_hash_pubkey(pubkey, from_hash);
    g_autoptr(Transaction) tx = transaction_new();
    /* Spend outputs until they cover the amount; what is left over comes back as change. */
    gint64 gathered = 0;
    for (guint i = 0; i < unspent->len && gathered < amount; i++) {
        const UnspentOutput *u = &g_array_index(unspent, UnspentOutput, i);
        transaction_add_input(tx, u->txid, u->index, pubkey, WALLET_PUBLIC_KEY_LEN);
        gathered += u->value;
    }
    if (gathered < amount) {
        g_autofree gchar *address = wallet_get_address(from);
        g_set_error(error, BC_ERROR, BC_ERROR_FUNDS,
                    "not enough funds: '%s' has %" G_GINT64_FORMAT ", needs %" G_GINT64_FORMAT,
                    address, gathered, amount);
        return NULL;
    }
    transaction_add_output(tx, amount, to_hash);
    if (gathered > amount)
        transaction_add_output(tx, gathered - amount, from_hash);
    /* Each input proves ownership of the output it spends with a signature. The signatures
     * do not cover the ID, but the ID covers the signatures: sign first. */
    if (!blockchain_sign_transaction(bc, tx, from, error))
        return NULL;
    transaction_set_id(tx);
    return g_steal_pointer(&tx);
}
/* @end tx-utxo */

GBytes *transaction_serialize(const Transaction *tx)
{
    return bc_variant_encode(g_variant_new("(@ay@a(ayiayay)@a(xay))",
                                           bc_variant_new_bytes(tx->id, BC_HASH_LEN),
                                           inputs_to_variant(tx), outputs_to_variant(tx)));
}

static gboolean read_inputs(Transaction *tx, GVariant *inputs, GError **error)
{
    for (gsize i = 0; i < g_variant_n_children(inputs); i++) {
        g_autoptr(GVariant) txid = NULL, signature = NULL, pubkey = NULL;
        gint32 vout = 0;
        g_variant_get_child(inputs, i, "(@ayi@ay@ay)", &txid, &vout, &signature, &pubkey);
        guint8 prev[BC_HASH_LEN];
        if (!bc_variant_get_fixed(txid, prev, BC_HASH_LEN, "input's transaction ID", error))
            return FALSE;
        TxInput *in = g_new0(TxInput, 1);
        memcpy(in->txid, prev, BC_HASH_LEN);
        in->vout = vout;
        in->signature = g_variant_get_data_as_bytes(signature);
        in->pubkey = g_variant_get_data_as_bytes(pubkey);
        g_ptr_array_add(tx->vin, in);
    }
    return TRUE;
}

static gboolean read_outputs(Transaction *tx, GVariant *outputs, GError **error)
{
    for (gsize i = 0; i < g_variant_n_children(outputs); i++) {
        g_autoptr(GVariant) hash = NULL;
        gint64 value = 0;
        g_variant_get_child(outputs, i, "(x@ay)", &value, &hash);
        guint8 pubkey_hash[BC_RIPEMD160_LEN];
        if (!bc_variant_get_fixed(hash, pubkey_hash, BC_RIPEMD160_LEN, "output's key hash", error))
            return FALSE;
        transaction_add_output(tx, value, pubkey_hash);
    }
    return TRUE;
}

Transaction *transaction_deserialize(GBytes *bytes, GError **error)
{
    g_autoptr(GVariant) v = bc_variant_decode(bytes, G_VARIANT_TYPE(TRANSACTION_VARIANT_TYPE),
                                              TRANSACTION_MAX_SIZE, "transaction", error);
    if (v == NULL)
        return NULL;
    g_autoptr(Transaction) tx = transaction_new();
    g_autoptr(GVariant) id = g_variant_get_child_value(v, 0);
    g_autoptr(GVariant) inputs = g_variant_get_child_value(v, 1);
    g_autoptr(GVariant) outputs = g_variant_get_child_value(v, 2);
    /* The counts first: they are known without reading any input or output. */
    if (g_variant_n_children(inputs) > TRANSACTION_MAX_INPUTS ||
        g_variant_n_children(outputs) > TRANSACTION_MAX_OUTPUTS) {
        g_set_error(error, BC_ERROR, BC_ERROR_TOO_LARGE,
                    "transaction with %" G_GSIZE_FORMAT " inputs and %" G_GSIZE_FORMAT
                    " outputs, over the limits of %d and %d",
                    g_variant_n_children(inputs), g_variant_n_children(outputs),
                    TRANSACTION_MAX_INPUTS, TRANSACTION_MAX_OUTPUTS);
        return NULL;
    }
    if (!bc_variant_get_fixed(id, tx->id, BC_HASH_LEN, "transaction ID", error) ||
        !read_inputs(tx, inputs, error) || !read_outputs(tx, outputs, error))
        return NULL;
    /* The ID covers the inputs and outputs as they were just read: their bytes are hashed as
     * they are (a tuple of serialized values is their bytes copied), with no transaction built
     * and serialized again to check them. */
    guint8 expected[BC_HASH_LEN];
    hash_parts(inputs, outputs, expected);
    if (memcmp(expected, tx->id, BC_HASH_LEN) != 0) {
        g_set_error(error, BC_ERROR, BC_ERROR_CORRUPT, "transaction does not match its ID");
        return NULL;
    }
    return g_steal_pointer(&tx);
}

/* @excerpt tx-lock */
gboolean tx_output_is_locked_with(const TxOutput *out, const guint8 pubkey_hash[BC_RIPEMD160_LEN])
{
    return memcmp(out->pubkey_hash, pubkey_hash, BC_RIPEMD160_LEN) == 0;
}
/* @end tx-lock */

static gchar *bytes_hex(GBytes *bytes)
{
    gsize len = 0;
    const guint8 *data = g_bytes_get_data(bytes, &len);
    return bc_hex_encode(data, len);
}

gchar *transaction_to_string(const Transaction *tx)
{
    g_autofree gchar *id = bc_hex_encode(tx->id, BC_HASH_LEN);
    GString *s = g_string_new(NULL);
    g_string_append_printf(s, "--- Transaction %s:\n", id);
    for (guint i = 0; i < tx->vin->len; i++) {
        const TxInput *in = g_ptr_array_index(tx->vin, i);
        g_autofree gchar *txid = bc_hex_encode(in->txid, BC_HASH_LEN);
        g_autofree gchar *sig = bytes_hex(in->signature);
        g_autofree gchar *pubkey = bytes_hex(in->pubkey);
        g_string_append_printf(s,
                               "     Input %u:\n       TXID:      %s\n       Out:       %d\n"
                               "       Signature: %s\n       PubKey:    %s\n",
                               i, txid, in->vout, sig, pubkey);
    }
    for (guint i = 0; i < tx->vout->len; i++) {
        const TxOutput *out = g_ptr_array_index(tx->vout, i);
        g_autofree gchar *hash = bc_hex_encode(out->pubkey_hash, BC_RIPEMD160_LEN);
        g_string_append_printf(
            s, "     Output %u:\n       Value:  %" G_GINT64_FORMAT "\n       Script: %s\n", i,
            out->value, hash);
    }
    return g_string_free(s, FALSE);
}
