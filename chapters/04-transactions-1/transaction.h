/* transaction.h: transactions, which move coins from outputs of earlier ones to new owners. */
#pragma once
#include <glib.h>

#include "bc_hash.h"

/* The reward for mining a block, paid by its coinbase transaction. */
#define SUBSIDY 10
#define GENESIS_COINBASE_DATA                                                                      \
    "The Times 03/Jan/2009 Chancellor on brink of second bailout for banks"

/* @excerpt tx-types */
/* An input spends one output of an earlier transaction. */
typedef struct {
    guint8 txid[BC_HASH_LEN]; /* the transaction holding the output */
    gint32 vout;              /* that output's index; -1 in a coinbase */
    gchar *script_sig;        /* for now simply the spender's address */
} TxInput;

/* An output holds coins, locked to an owner. */
typedef struct {
    gint64 value;
    gchar *script_pub_key; /* for now simply the owner's address */
} TxOutput;

typedef struct {
    guint8 id[BC_HASH_LEN]; /* SHA-256 of the transaction without its ID */
    GPtrArray *vin;         /* of TxInput* */
    GPtrArray *vout;        /* of TxOutput* */
} Transaction;
/* @end tx-types */

/* Serialized transactions are GVariant (id, inputs (txid, vout, script_sig), outputs). */
#define TRANSACTION_VARIANT_TYPE "(aya(ayis)a(xs))"

Transaction *transaction_new(void);
void transaction_free(Transaction *tx);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Transaction, transaction_free)
void transaction_add_input(Transaction *tx, const guint8 txid[BC_HASH_LEN], gint32 vout,
                           const gchar *script_sig);
void transaction_add_output(Transaction *tx, gint64 value, const gchar *script_pub_key);

/* A coinbase pays SUBSIDY to TO out of nothing; DATA is free text ("Reward to 'TO'" when
 * NULL). */
Transaction *transaction_new_coinbase(const gchar *to, const gchar *data);
gboolean transaction_is_coinbase(const Transaction *tx);

/* Computes the ID: the hash of the serialized inputs and outputs. */
void transaction_set_id(Transaction *tx);

GBytes *transaction_serialize(const Transaction *tx);
/* The transaction in BYTES, checked: type, sizes, and an ID that matches its content. */
Transaction *transaction_deserialize(GBytes *bytes, GError **error);

/* A transaction paying AMOUNT from FROM to TO out of FROM's unspent outputs in BC, with the
 * change back to FROM. BC_ERROR_FUNDS when FROM has less than AMOUNT. */
typedef struct Blockchain Blockchain;
Transaction *transaction_new_utxo(const gchar *from, const gchar *to, gint64 amount, Blockchain *bc,
                                  GError **error);

/* In this chapter locking is by name: an output belongs to ADDRESS when it says so. */
gboolean tx_output_is_locked_with(const TxOutput *out, const gchar *address);
