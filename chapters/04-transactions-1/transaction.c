/* transaction.c: building, identifying and serializing transactions. */
#include "transaction.h"

#include <string.h>

#include "bc_error.h"
#include "bc_variant.h"
#include "blockchain.h"

/* No transaction is larger than a block. */
#define TRANSACTION_MAX_SIZE (1024 * 1024)

static void tx_input_free(TxInput *in)
{
    g_free(in->script_sig);
    g_free(in);
}

static void tx_output_free(TxOutput *out)
{
    g_free(out->script_pub_key);
    g_free(out);
}

Transaction *transaction_new(void)
{
    Transaction *tx = g_new0(Transaction, 1);
    tx->vin = g_ptr_array_new_with_free_func((GDestroyNotify)tx_input_free);
    tx->vout = g_ptr_array_new_with_free_func((GDestroyNotify)tx_output_free);
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
                           const gchar *script_sig)
{
    TxInput *in = g_new0(TxInput, 1);
    memcpy(in->txid, txid, BC_HASH_LEN);
    in->vout = vout;
    in->script_sig = g_strdup(script_sig);
    g_ptr_array_add(tx->vin, in);
}

void transaction_add_output(Transaction *tx, gint64 value, const gchar *script_pub_key)
{
    TxOutput *out = g_new0(TxOutput, 1);
    out->value = value;
    out->script_pub_key = g_strdup(script_pub_key);
    g_ptr_array_add(tx->vout, out);
}

/* @excerpt tx-coinbase */
Transaction *transaction_new_coinbase(const gchar *to, const gchar *data)
{
    static const guint8 no_txid[BC_HASH_LEN] = {0};
    g_autofree gchar *reward = data == NULL ? g_strdup_printf("Reward to '%s'", to) : NULL;
    Transaction *tx = transaction_new();
    /* A coinbase spends nothing: its one input points at no transaction and no output. */
    transaction_add_input(tx, no_txid, -1, data != NULL ? data : reward);
    transaction_add_output(tx, SUBSIDY, to);
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

static GVariant *inputs_to_variant(const Transaction *tx)
{
    GVariantBuilder b;
    g_variant_builder_init(&b, G_VARIANT_TYPE("a(ayis)"));
    for (guint i = 0; i < tx->vin->len; i++) {
        const TxInput *in = g_ptr_array_index(tx->vin, i);
        g_variant_builder_add(&b, "(@ayis)", bc_variant_new_bytes(in->txid, BC_HASH_LEN), in->vout,
                              in->script_sig);
    }
    return g_variant_builder_end(&b);
}

static GVariant *outputs_to_variant(const Transaction *tx)
{
    GVariantBuilder b;
    g_variant_builder_init(&b, G_VARIANT_TYPE("a(xs)"));
    for (guint i = 0; i < tx->vout->len; i++) {
        const TxOutput *out = g_ptr_array_index(tx->vout, i);
        g_variant_builder_add(&b, "(xs)", out->value, out->script_pub_key);
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

static void compute_id(const Transaction *tx, guint8 out[BC_HASH_LEN])
{
    hash_parts(inputs_to_variant(tx), outputs_to_variant(tx), out);
}

void transaction_set_id(Transaction *tx)
{
    compute_id(tx, tx->id);
}
/* @end tx-id */

/* @excerpt tx-utxo */
Transaction *transaction_new_utxo(const gchar *from, const gchar *to, gint64 amount, Blockchain *bc,
                                  GError **error)
{
    g_autoptr(GArray) unspent = blockchain_find_unspent_outputs(bc, from, error);
    if (unspent == NULL)
        return NULL;
    g_autoptr(Transaction) tx = transaction_new();
    /* Spend outputs until they cover the amount; what is left over comes back as change. */
    gint64 gathered = 0;
    for (guint i = 0; i < unspent->len && gathered < amount; i++) {
        const UnspentOutput *u = &g_array_index(unspent, UnspentOutput, i);
        transaction_add_input(tx, u->txid, u->index, from);
        gathered += u->value;
    }
    if (gathered < amount) {
        g_set_error(error, BC_ERROR, BC_ERROR_FUNDS,
                    "not enough funds: '%s' has %" G_GINT64_FORMAT ", needs %" G_GINT64_FORMAT,
                    from, gathered, amount);
        return NULL;
    }
    transaction_add_output(tx, amount, to);
    if (gathered > amount)
        transaction_add_output(tx, gathered - amount, from);
    transaction_set_id(tx);
    return g_steal_pointer(&tx);
}
/* @end tx-utxo */

GBytes *transaction_serialize(const Transaction *tx)
{
    return bc_variant_encode(g_variant_new("(@ay@a(ayis)@a(xs))",
                                           bc_variant_new_bytes(tx->id, BC_HASH_LEN),
                                           inputs_to_variant(tx), outputs_to_variant(tx)));
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
    if (!bc_variant_get_fixed(id, tx->id, BC_HASH_LEN, "transaction ID", error))
        return NULL;
    for (gsize i = 0; i < g_variant_n_children(inputs); i++) {
        g_autoptr(GVariant) txid = NULL;
        gint32 vout = 0;
        const gchar *script_sig = NULL;
        g_variant_get_child(inputs, i, "(@ayi&s)", &txid, &vout, &script_sig);
        guint8 prev[BC_HASH_LEN];
        if (!bc_variant_get_fixed(txid, prev, BC_HASH_LEN, "input's transaction ID", error))
            return NULL;
        transaction_add_input(tx, prev, vout, script_sig);
    }
    for (gsize i = 0; i < g_variant_n_children(outputs); i++) {
        gint64 value = 0;
        const gchar *script_pub_key = NULL;
        g_variant_get_child(outputs, i, "(x&s)", &value, &script_pub_key);
        transaction_add_output(tx, value, script_pub_key);
    }
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
gboolean tx_output_is_locked_with(const TxOutput *out, const gchar *address)
{
    return g_strcmp0(out->script_pub_key, address) == 0;
}
/* @end tx-lock */
