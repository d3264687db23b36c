/* transaction.h: transactions, which move coins from outputs of earlier ones to new owners. */
#pragma once
#include <glib.h>

#include "bc_hash.h"

/* The reward for mining a block, paid by its coinbase transaction. */
#define SUBSIDY 10
#define GENESIS_COINBASE_DATA                                                                      \
    "The Times 03/Jan/2009 Chancellor on brink of second bailout for banks"

/* @excerpt tx-types */
/* An input spends one output of an earlier transaction, and proves it may. */
typedef struct {
    guint8 txid[BC_HASH_LEN]; /* the transaction holding the output */
    gint32 vout;              /* that output's index; -1 in a coinbase */
    GBytes *signature;        /* r || s, 64 bytes; empty until signed, and in a coinbase */
    GBytes *pubkey;           /* the spender's public key X || Y; a coinbase's free data */
} TxInput;

/* An output holds coins, locked to the hash of the owner's public key. */
typedef struct {
    gint64 value;
    guint8 pubkey_hash[BC_RIPEMD160_LEN];
} TxOutput;

typedef struct {
    guint8 id[BC_HASH_LEN]; /* SHA-256 of the transaction without its ID */
    GPtrArray *vin;         /* of TxInput* */
    GPtrArray *vout;        /* of TxOutput* */
} Transaction;
/* @end tx-types */

/* Serialized transactions are GVariant (id, inputs (txid, vout, signature, pubkey), outputs
 * (value, pubkey hash)). */
#define TRANSACTION_VARIANT_TYPE "(aya(ayiayay)a(xay))"
/* No transaction is larger than a block. */
#define TRANSACTION_MAX_SIZE (1024 * 1024)
/* Nor has more inputs or outputs than these. They bound the work a transaction can ask of a
 * node (one signature check and one lookup per input) and keep a transaction's unspent
 * outputs, stored as one record from chapter 6 on, well inside that record's read limit. */
#define TRANSACTION_MAX_INPUTS 1000
#define TRANSACTION_MAX_OUTPUTS 10000

Transaction *transaction_new(void);
void transaction_free(Transaction *tx);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Transaction, transaction_free)
/* Adds an unsigned input carrying PUBKEY (LEN bytes). */
void transaction_add_input(Transaction *tx, const guint8 txid[BC_HASH_LEN], gint32 vout,
                           const guint8 *pubkey, gsize len);
void transaction_add_output(Transaction *tx, gint64 value,
                            const guint8 pubkey_hash[BC_RIPEMD160_LEN]);

/* A coinbase pays SUBSIDY to TO out of nothing; DATA is free text (20 random bytes in hex
 * when NULL, so that no two coinbases share an ID). NULL with an error when TO is not a valid
 * address. */
Transaction *transaction_new_coinbase(const gchar *to, const gchar *data, GError **error);
gboolean transaction_is_coinbase(const Transaction *tx);

/* The hash of the serialized inputs and outputs: the ID, and what signatures are made over. */
void transaction_hash(const Transaction *tx, guint8 out[BC_HASH_LEN]);
void transaction_set_id(Transaction *tx);

GBytes *transaction_serialize(const Transaction *tx);
/* The transaction in BYTES, checked: type, sizes, and an ID that matches its content. */
Transaction *transaction_deserialize(GBytes *bytes, GError **error);

/* A transaction paying AMOUNT from the wallet FROM to the address TO out of FROM's unspent
 * outputs in BC's UTXO set, with the change back to FROM, signed. BC_ERROR_FUNDS when FROM
 * has less. */
typedef struct Blockchain Blockchain;
typedef struct Wallet Wallet;
Transaction *transaction_new_utxo(const Wallet *from, const gchar *to, gint64 amount,
                                  Blockchain *bc, GError **error);
/* The same out of UNSPENT (UnspentOutput of FROM), in that order: the wallet of chapter 10 leaves
 * out the outputs its node's mempool spends already. */
Transaction *transaction_new_spending(const Wallet *from, const gchar *to, gint64 amount,
                                      GArray *unspent, Blockchain *bc, GError **error);

/* An output belongs to whoever holds the key whose HASH160 it names. */
gboolean tx_output_is_locked_with(const TxOutput *out, const guint8 pubkey_hash[BC_RIPEMD160_LEN]);

/* A readable, multi-line description, as printchain shows it. */
gchar *transaction_to_string(const Transaction *tx);
