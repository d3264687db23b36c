/* commands.c: the commands' output as text, for the CLI and the control socket alike. */
#include "commands.h"

#include "address.h"
#include "bc_error.h"
#include "bc_hex.h"
#include "proof_of_work.h"
#include "utxo_set.h"

/* The pooled transactions, decoded, oldest first (an empty array with no node). */
static gboolean collect(const guint8 txid[BC_HASH_LEN], GBytes *raw, gpointer user_data)
{
    (void)txid;
    Transaction *tx = transaction_deserialize(raw, NULL);
    if (tx != NULL) /* the pool holds only what decoded when it came in */
        g_ptr_array_add(user_data, tx);
    return TRUE;
}

static GPtrArray *pooled(const NodeState *state)
{
    GPtrArray *txs = g_ptr_array_new_with_free_func((GDestroyNotify)transaction_free);
    if (state->mempool != NULL)
        mempool_foreach(state->mempool, collect, txs);
    return txs;
}

/* Whether a pooled transaction spends output INDEX of TXID. */
static gboolean spent_in_pool(const NodeState *state, const guint8 txid[BC_HASH_LEN], gint32 index)
{
    if (state->mempool == NULL)
        return FALSE;
    Outpoint o;
    outpoint_init(&o, txid, index);
    return mempool_spender(state->mempool, &o) != NULL;
}

/* @excerpt unconfirmed-balance */
/* The unconfirmed balance: the confirmed outputs that no pooled transaction spends, plus the
 * pooled transactions' outputs to the address that no other pooled transaction spends. */
static gint64 unconfirmed_balance(const NodeState *state, GArray *unspent,
                                  const guint8 pubkey_hash[BC_RIPEMD160_LEN])
{
    gint64 balance = 0;
    for (guint i = 0; i < unspent->len; i++) {
        const UnspentOutput *u = &g_array_index(unspent, UnspentOutput, i);
        if (!spent_in_pool(state, u->txid, u->index))
            balance += u->value;
    }
    g_autoptr(GPtrArray) txs = pooled(state);
    for (guint t = 0; t < txs->len; t++) {
        const Transaction *tx = g_ptr_array_index(txs, t);
        for (guint i = 0; i < tx->vout->len; i++) {
            const TxOutput *out = g_ptr_array_index(tx->vout, i);
            if (tx_output_is_locked_with(out, pubkey_hash) && !spent_in_pool(state, tx->id, (gint32)i))
                balance += out->value;
        }
    }
    return balance;
}
/* @end unconfirmed-balance */

gboolean commands_getbalance(const NodeState *state, const gchar *address, gboolean unconfirmed,
                             GString *out, GError **error)
{
    guint8 pubkey_hash[BC_RIPEMD160_LEN];
    if (!address_to_pubkey_hash(address, pubkey_hash, error))
        return FALSE;
    UtxoSet utxo = {state->bc};
    g_autoptr(GArray) unspent = utxo_set_find_unspent(&utxo, pubkey_hash, error);
    if (unspent == NULL)
        return FALSE;
    gint64 balance = 0;
    for (guint i = 0; i < unspent->len; i++)
        balance += g_array_index(unspent, UnspentOutput, i).value;
    g_string_append_printf(out, "Balance of '%s': %" G_GINT64_FORMAT "\n", address, balance);
    if (unconfirmed)
        g_string_append_printf(out, "Unconfirmed balance of '%s': %" G_GINT64_FORMAT "\n", address,
                               unconfirmed_balance(state, unspent, pubkey_hash));
    return TRUE;
}

static void print_block(GString *out, const Block *block)
{
    g_autofree gchar *hash = bc_hex_encode(block->hash, BC_HASH_LEN);
    g_autofree gchar *prev = bc_hex_encode(block->prev_hash, BC_HASH_LEN);
    g_string_append_printf(out, "============ Block %s ============\n", hash);
    g_string_append_printf(out, "Prev. block: %s\n", prev);
    g_string_append_printf(out, "PoW: %s\n", pow_validate(block) ? "true" : "false");
    for (guint i = 0; i < block->transactions->len; i++) {
        g_autofree gchar *tx = transaction_to_string(g_ptr_array_index(block->transactions, i));
        g_string_append(out, tx);
    }
    g_string_append(out, "\n");
}

gboolean commands_printchain(const NodeState *state, GString *out, GError **error)
{
    BlockchainIterator it;
    blockchain_iterator_init(&it, state->bc);
    Block *block;
    g_autoptr(GError) local = NULL;
    while ((block = blockchain_iterator_next(&it, &local)) != NULL) {
        print_block(out, block);
        block_free(block);
    }
    if (local != NULL) {
        g_propagate_error(error, g_steal_pointer(&local));
        return FALSE;
    }
    return TRUE;
}

gboolean commands_listaddresses(const NodeState *state, GString *out, GError **error)
{
    g_autoptr(Wallets) wallets = wallets_load(state->wallets_path, error);
    if (wallets == NULL)
        return FALSE;
    g_auto(GStrv) addresses = wallets_get_addresses(wallets);
    for (gsize i = 0; addresses[i] != NULL; i++)
        g_string_append_printf(out, "%s\n", addresses[i]);
    return TRUE;
}

gboolean commands_getmempool(const NodeState *state, GString *out, GError **error)
{
    (void)error;
    g_autoptr(GPtrArray) txs = pooled(state);
    for (guint t = 0; t < txs->len; t++) {
        const Transaction *tx = g_ptr_array_index(txs, t);
        g_autofree gchar *id = bc_hex_encode(tx->id, BC_HASH_LEN);
        g_string_append_printf(out, "%s: %u input%s, pays", id, tx->vin->len,
                               tx->vin->len == 1 ? "" : "s");
        for (guint i = 0; i < tx->vout->len; i++) {
            const TxOutput *o = g_ptr_array_index(tx->vout, i);
            g_autofree gchar *to = address_from_pubkey_hash(o->pubkey_hash);
            g_string_append_printf(out, "%s %" G_GINT64_FORMAT " to %s", i > 0 ? "," : "",
                                   o->value, to);
        }
        g_string_append(out, "\n");
    }
    return TRUE;
}

gboolean commands_peers(const NodeState *state, GString *out, GError **error)
{
    (void)error;
    if (state->peers == NULL)
        return TRUE;
    g_autoptr(GPtrArray) ready = peers_ready(state->peers);
    for (guint i = 0; i < ready->len; i++) {
        const Peer *peer = g_ptr_array_index(ready, i);
        g_string_append_printf(out, "peer %u %s %s, listens on %s, height %d\n", peer->id,
                               peer->inbound ? "inbound from" : "outbound to", peer->address,
                               peer->listen != NULL ? peer->listen : "-", peer->best_height);
    }
    return TRUE;
}

gboolean commands_getinfo(const NodeState *state, GString *out, GError **error)
{
    (void)error;
    g_autofree gchar *tip = bc_hex_encode(state->bc->tip, BC_HASH_LEN);
    guint peers = 0;
    if (state->peers != NULL) {
        g_autoptr(GPtrArray) ready = peers_ready(state->peers);
        peers = ready->len;
    }
    guint pooled = state->mempool != NULL ? mempool_count(state->mempool) : 0;
    g_string_append_printf(out, "height: %d\ntip: %s\npeers: %u\nmempool: %u transaction%s\n",
                           state->bc->height, tip, peers, pooled, pooled == 1 ? "" : "s");
    if (state->miner == NULL)
        g_string_append(out, "mining: off\n");
    else
        g_string_append_printf(out, "mining: %u threads, %s\n", state->threads,
                               miner_busy(state->miner) ? "working on a block"
                                                        : "waiting for transactions");
    return TRUE;
}

/* @excerpt new-send */
Transaction *commands_new_send(const NodeState *state, const gchar *from, const gchar *to,
                               gint64 amount, GError **error)
{
    /* Only the holder of FROM's private key can spend from it: it must be in our wallet. */
    g_autoptr(Wallets) wallets = wallets_load(state->wallets_path, error);
    if (wallets == NULL)
        return NULL;
    const Wallet *wallet = wallets_get_wallet(wallets, from);
    if (wallet == NULL) {
        g_set_error(error, BC_ERROR, BC_ERROR_NOT_FOUND, "no key for '%s' in %s", from,
                    state->wallets_path);
        return NULL;
    }
    guint8 pubkey_hash[BC_RIPEMD160_LEN];
    wallet_hash_pubkey(wallet_public_key(wallet), pubkey_hash);
    UtxoSet utxo = {state->bc};
    g_autoptr(GArray) unspent = utxo_set_find_unspent(&utxo, pubkey_hash, error);
    if (unspent == NULL)
        return NULL;
    /* Coins our own earlier sends spend are not ours to spend again: left out, a second send
     * before a block spends other coins instead of being refused as a double spend. */
    for (guint i = 0; i < unspent->len; i++) {
        const UnspentOutput *u = &g_array_index(unspent, UnspentOutput, i);
        if (spent_in_pool(state, u->txid, u->index))
            g_array_remove_index(unspent, i--);
    }
    return transaction_new_spending(wallet, to, amount, unspent, state->bc, error);
}
/* @end new-send */
