/* node.c: the node's logic, one handler per message, as in the article, plus the checks the
 * article left as TODOs. */
#include "node.h"

#include <glib-unix.h>
#include <string.h>

#include "address.h"
#include "bc_error.h"
#include "bc_hex.h"
#include "log.h"
#include "mempool.h"
#include "message.h"
#include "server.h"
#include "validation.h"

typedef struct {
    Blockchain *bc;
    gchar *address;         /* ours */
    gchar *central;         /* the node everyone knows */
    gchar *miner_address;   /* NULL unless this node mines */
    GPtrArray *known;       /* addresses of the other nodes we know of */
    GByteArray *in_transit; /* hashes still to download, oldest first */
    gchar *sync_peer;       /* where they are downloaded from */
    Mempool *mempool;
    Server *server;
    GMainLoop *loop;
} Node;

gboolean node_address_is_local(const gchar *address)
{
    /* One spelling per node, so that a node is never known twice under two names. */
    return message_address_is_valid(address) && g_str_has_prefix(address, "localhost:");
}

static gchar *short_hash(const guint8 hash[BC_HASH_LEN])
{
    return bc_hex_encode(hash, BC_HASH_LEN);
}

/* @excerpt message-log */
/* Hashes and addresses in the message log: the first 8 characters, enough to tell apart the few
 * blocks and wallets of a small network (the "added block" lines give whole hashes). */
#define LOG_SHORT 8
/* Outputs of one transaction described in full; the rest are counted. */
#define LOG_MAX_OUTPUTS 4

static void append_short_hash(GString *s, const guint8 hash[BC_HASH_LEN])
{
    g_autofree gchar *hex = bc_hex_encode(hash, BC_HASH_LEN);
    g_string_append_len(s, hex, LOG_SHORT);
}

static void describe_tx(GString *s, GBytes *raw)
{
    g_autoptr(Transaction) tx = transaction_deserialize(raw, NULL);
    if (tx == NULL) {
        g_string_append_printf(s, "%" G_GSIZE_FORMAT " bytes that are no transaction",
                               g_bytes_get_size(raw));
        return;
    }
    append_short_hash(s, tx->id);
    for (guint i = 0; i < MIN(tx->vout->len, LOG_MAX_OUTPUTS); i++) {
        const TxOutput *out = g_ptr_array_index(tx->vout, i);
        g_autofree gchar *to = address_from_pubkey_hash(out->pubkey_hash);
        g_string_append_printf(s, "%s %" G_GINT64_FORMAT " to %.*s", i == 0 ? ", pays" : ",",
                               out->value, LOG_SHORT, to);
    }
    if (tx->vout->len > LOG_MAX_OUTPUTS)
        g_string_append_printf(s, " and %u more outputs", tx->vout->len - LOG_MAX_OUTPUTS);
}

/* What M carries, in a few words. The sender's line and the receiver's line of one message say
 * the same words, so the two can be paired (demo/run.sh draws its picture from them). */
static gchar *describe(const Message *m)
{
    GString *s = g_string_new(NULL);
    switch (m->type) {
    case MESSAGE_VERSION:
        g_string_append_printf(s, "height %d", m->version.best_height);
        break;
    case MESSAGE_GETBLOCKS:
        g_string_append(s, "asks for every block hash");
        break;
    case MESSAGE_INV:
        /* The last hash: the newest block of an answer to getblocks, its sender's tip. */
        g_string_append_printf(s, "%" G_GSIZE_FORMAT " %s hash%s", m->inv.n_items,
                               message_kind_name(m->inv.kind),
                               m->inv.n_items == 1 ? " " : "es, last ");
        append_short_hash(s, m->inv.items + (m->inv.n_items - 1) * BC_HASH_LEN);
        break;
    case MESSAGE_GETDATA:
        g_string_append_printf(s, "%s ", message_kind_name(m->getdata.kind));
        append_short_hash(s, m->getdata.id);
        break;
    case MESSAGE_BLOCK: {
        g_autoptr(Block) block = block_deserialize(m->block, NULL);
        if (block == NULL) {
            g_string_append_printf(s, "%" G_GSIZE_FORMAT " bytes that are no block",
                                   g_bytes_get_size(m->block));
            break;
        }
        append_short_hash(s, block->hash);
        g_string_append_printf(s, " at height %d, %u transaction%s", block->height,
                               block->transactions->len, block->transactions->len == 1 ? "" : "s");
        break;
    }
    case MESSAGE_TX:
        describe_tx(s, m->transaction);
        break;
    case MESSAGE_ADDR:
        g_string_append_printf(s, "%u addresses", g_strv_length(m->addrs));
        break;
    }
    return g_string_free(s, FALSE);
}

/* Every message goes out through here, and is logged: "sent TYPE to ADDRESS: WHAT". It is
 * described from its own bytes, decoded as the receiver will decode them. */
static void send_to(Node *node, const gchar *address, GBytes *message)
{
    g_autoptr(Message) m = message_decode(message, NULL);
    g_assert(m != NULL); /* our own encoders made it */
    g_autofree gchar *what = describe(m);
    node_log("sent %s to %s: %s", message_type_name(m->type), address, what);
    server_send(node->server, address, message);
}
/* @end message-log */

static void send_version(Node *node, const gchar *address)
{
    g_autoptr(GBytes) m = message_encode_version(NODE_VERSION, node->bc->height, node->address);
    send_to(node, address, m);
}

static void send_getdata(Node *node, const gchar *address, MessageKind kind,
                         const guint8 id[BC_HASH_LEN])
{
    g_autoptr(GBytes) m = message_encode_getdata(node->address, kind, id);
    send_to(node, address, m);
}

/* Tells every known node but EXCEPT about the block or transaction ID. */
static void announce(Node *node, MessageKind kind, const guint8 id[BC_HASH_LEN],
                     const gchar *except)
{
    g_autoptr(GBytes) m = message_encode_inv(node->address, kind, id, 1);
    for (guint i = 0; i < node->known->len; i++) {
        const gchar *peer = g_ptr_array_index(node->known, i);
        if (g_strcmp0(peer, except) != 0)
            send_to(node, peer, m);
    }
}

static void add_known(Node *node, const gchar *address)
{
    if (g_str_equal(address, node->address) || node->known->len >= NODE_MAX_KNOWN)
        return;
    for (guint i = 0; i < node->known->len; i++)
        if (g_str_equal(g_ptr_array_index(node->known, i), address))
            return;
    g_ptr_array_add(node->known, g_strdup(address));
}

/* @excerpt handle-version */
/* The handshake: whoever has the shorter chain asks the other for its blocks. */
static void handle_version(Node *node, const Message *m)
{
    if (m->version.version != NODE_VERSION) {
        node_log("dropped version from %s: version %d, ours is %d", m->addr_from,
                 m->version.version, NODE_VERSION);
        return;
    }
    if (node->bc->height < m->version.best_height) {
        g_autoptr(GBytes) getblocks = message_encode_getblocks(node->address);
        send_to(node, m->addr_from, getblocks);
    } else if (node->bc->height > m->version.best_height) {
        send_version(node, m->addr_from);
    }
    add_known(node, m->addr_from);
}
/* @end handle-version */

static void handle_getblocks(Node *node, const Message *m)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GByteArray) hashes = blockchain_get_block_hashes(node->bc, &error);
    if (hashes == NULL) {
        node_log("cannot list blocks: %s", error->message);
        return;
    }
    gsize n = MIN(hashes->len / BC_HASH_LEN, MESSAGE_MAX_INV_ITEMS);
    g_autoptr(GBytes) inv = message_encode_inv(node->address, MESSAGE_KIND_BLOCK, hashes->data, n);
    send_to(node, m->addr_from, inv);
}

/* Asks the sync peer for the oldest block still missing, if any. */
static void request_next_block(Node *node)
{
    if (node->in_transit->len == 0) {
        g_clear_pointer(&node->sync_peer, g_free);
        return;
    }
    send_getdata(node, node->sync_peer, MESSAGE_KIND_BLOCK, node->in_transit->data);
}

/* @excerpt handle-inv */
static void handle_inv(Node *node, const Message *m)
{
    if (m->inv.kind == MESSAGE_KIND_TX) {
        /* Each request is a connection: a long list is asked for in part, not all at once. */
        for (gsize i = 0; i < MIN(m->inv.n_items, NODE_MAX_TX_REQUESTS); i++) {
            const guint8 *id = m->inv.items + i * BC_HASH_LEN;
            if (!mempool_contains(node->mempool, id))
                send_getdata(node, m->addr_from, MESSAGE_KIND_TX, id);
        }
        return;
    }
    /* Download what we lack one block at a time, oldest first, so every block arrives after
     * its parent (the original fetched the newest first and stored blocks without parents). */
    g_byte_array_set_size(node->in_transit, 0);
    for (gsize i = 0; i < m->inv.n_items; i++) {
        const guint8 *hash = m->inv.items + i * BC_HASH_LEN;
        if (!blockchain_has_block(node->bc, hash))
            g_byte_array_append(node->in_transit, hash, BC_HASH_LEN);
    }
    g_free(node->sync_peer);
    node->sync_peer = g_strdup(m->addr_from);
    request_next_block(node);
}
/* @end handle-inv */

/* Answers with the block or transaction, or with nothing when we do not have it. */
static void handle_getdata(Node *node, const Message *m)
{
    g_autofree gchar *id = short_hash(m->getdata.id);
    g_autoptr(GBytes) reply = NULL;
    if (m->getdata.kind == MESSAGE_KIND_BLOCK) {
        g_autoptr(GError) error = NULL;
        g_autoptr(Block) block = blockchain_has_block(node->bc, m->getdata.id)
                                     ? blockchain_get_block(node->bc, m->getdata.id, &error)
                                     : NULL;
        if (block != NULL) {
            g_autoptr(GBytes) raw = block_serialize(block);
            reply = message_encode_block(node->address, raw);
        }
    } else {
        GBytes *tx = mempool_get(node->mempool, m->getdata.id);
        if (tx != NULL)
            reply = message_encode_tx(node->address, tx);
    }
    if (reply == NULL) {
        node_log("no %s %s for %s: nothing sent", message_kind_name(m->getdata.kind), id,
                 m->addr_from);
        return;
    }
    send_to(node, m->addr_from, reply);
}

/* The outputs TX spends, as the mempool wants them. */
static GArray *spends_of(const Transaction *tx)
{
    GArray *spends = g_array_new(FALSE, FALSE, sizeof(MempoolOutpoint));
    for (guint i = 0; i < tx->vin->len; i++) {
        const TxInput *in = g_ptr_array_index(tx->vin, i);
        MempoolOutpoint o = {.index = in->vout};
        memcpy(o.txid, in->txid, BC_HASH_LEN);
        g_array_append_val(spends, o);
    }
    return spends;
}

/* A block is in: its transactions, and any pooled ones that spend the same outputs, leave
 * the mempool. */
static void forget_mined(Node *node, const Block *block)
{
    for (guint t = 0; t < block->transactions->len; t++) {
        const Transaction *tx = g_ptr_array_index(block->transactions, t);
        mempool_remove(node->mempool, tx->id);
        g_autoptr(GArray) spends = spends_of(tx);
        for (guint i = 0; i < spends->len; i++) {
            const guint8 *other =
                mempool_spender(node->mempool, &g_array_index(spends, MempoolOutpoint, i));
            if (other != NULL) {
                guint8 copy[BC_HASH_LEN];
                memcpy(copy, other, BC_HASH_LEN);
                mempool_remove(node->mempool, copy);
            }
        }
    }
}

/* @excerpt handle-block */
static void handle_block(Node *node, const Message *m)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(Block) block = block_deserialize(m->block, &error);
    if (block == NULL || !validation_check_block(node->bc, block, &error)) {
        node_log("dropped block from %s: %s", m->addr_from, error->message);
        /* A block whose parent we lack, higher than our next one, means we are behind: ask for
         * the whole list. (Not for any other block: a peer with another genesis would send its
         * list again and again.) */
        if (block != NULL && g_error_matches(error, BC_ERROR, BC_ERROR_NOT_FOUND) &&
            block->height > node->bc->height + 1) {
            g_autoptr(GBytes) getblocks = message_encode_getblocks(node->address);
            send_to(node, m->addr_from, getblocks);
        }
        return;
    }
    if (!blockchain_add_block(node->bc, block, &error)) {
        node_log("cannot store block: %s", error->message);
        return;
    }
    g_autofree gchar *hash = short_hash(block->hash);
    node_log("added block %s at height %d", hash, block->height);
    forget_mined(node, block);
    announce(node, MESSAGE_KIND_BLOCK, block->hash, m->addr_from);
    if (node->in_transit->len >= BC_HASH_LEN &&
        memcmp(node->in_transit->data, block->hash, BC_HASH_LEN) == 0) {
        g_byte_array_remove_range(node->in_transit, 0, BC_HASH_LEN);
        request_next_block(node);
    }
}
/* @end handle-block */

static void mine_pending(Node *node);

/* @excerpt handle-tx */
static void handle_tx(Node *node, const Message *m)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(Transaction) tx = transaction_deserialize(m->transaction, &error);
    if (tx != NULL && mempool_contains(node->mempool, tx->id))
        return;
    g_autoptr(GArray) spends = tx != NULL ? spends_of(tx) : NULL;
    if (tx == NULL || !validation_check_transaction(node->bc, tx, &error) ||
        !mempool_add(node->mempool, tx->id, m->transaction, (const MempoolOutpoint *)spends->data,
                     spends->len, &error)) {
        node_log("dropped transaction from %s: %s", m->addr_from, error->message);
        return;
    }
    g_autofree gchar *id = short_hash(tx->id);
    node_log("accepted transaction %s (%u in the mempool)", id, mempool_count(node->mempool));
    /* The central node passes new transactions on; a miner mines them. */
    if (g_str_equal(node->address, node->central))
        announce(node, MESSAGE_KIND_TX, tx->id, m->addr_from);
    if (node->miner_address != NULL)
        mine_pending(node);
}
/* @end handle-tx */

static gboolean collect_tx(const guint8 txid[BC_HASH_LEN], GBytes *raw, gpointer user_data)
{
    (void)txid;
    Transaction *tx = transaction_deserialize(raw, NULL);
    if (tx != NULL)
        g_ptr_array_add(user_data, tx);
    return TRUE;
}

/* @excerpt mine-pending */
static void mine_pending(Node *node)
{
    while (mempool_count(node->mempool) >= NODE_MINING_THRESHOLD) {
        g_autoptr(GError) error = NULL;
        g_autoptr(GPtrArray) txs = g_ptr_array_new_with_free_func((GDestroyNotify)transaction_free);
        Transaction *coinbase = transaction_new_coinbase(node->miner_address, NULL, &error);
        if (coinbase == NULL) {
            node_log("cannot mine: %s", error->message);
            return;
        }
        g_ptr_array_add(txs, coinbase);
        g_autoptr(GPtrArray) pending =
            g_ptr_array_new_with_free_func((GDestroyNotify)transaction_free);
        mempool_foreach(node->mempool, collect_tx, pending);
        /* The chain may have moved since a transaction was pooled: check each one again. */
        for (guint i = 0; i < pending->len; i++) {
            Transaction *tx = g_ptr_array_index(pending, i);
            g_autoptr(GError) local = NULL;
            if (validation_check_transaction(node->bc, tx, &local)) {
                g_ptr_array_add(txs, g_ptr_array_steal_index(pending, i--));
            } else {
                g_autofree gchar *id = short_hash(tx->id);
                node_log("dropped transaction %s from the mempool: %s", id, local->message);
                mempool_remove(node->mempool, tx->id);
            }
        }
        if (txs->len < 1 + NODE_MINING_THRESHOLD)
            return;
        g_autoptr(Block) block = blockchain_mine_block(node->bc, txs, &error);
        if (block == NULL) {
            node_log("cannot mine: %s", error->message);
            return;
        }
        g_autofree gchar *hash = short_hash(block->hash);
        node_log("mined block %s at height %d with %u transactions", hash, block->height, txs->len);
        forget_mined(node, block);
        announce(node, MESSAGE_KIND_BLOCK, block->hash, NULL);
    }
}
/* @end mine-pending */

/* @excerpt on-message */
static void on_message(GBytes *wire, gpointer user_data)
{
    Node *node = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(Message) m = message_decode(wire, &error);
    if (m == NULL) {
        node_log("dropped message: %s", error->message);
        return;
    }
    const gchar *type = message_type_name(m->type);
    if (m->type == MESSAGE_ADDR) {
        node_log("dropped addr: peer discovery is not implemented (an exercise)");
        return;
    }
    if (!node_address_is_local(m->addr_from) || g_str_equal(m->addr_from, node->address)) {
        node_log("dropped %s: sender '%s' is not another node on this machine", type, m->addr_from);
        return;
    }
    g_autofree gchar *what = describe(m);
    node_log("received %s from %s: %s", type, m->addr_from, what);
    switch (m->type) {
    case MESSAGE_VERSION:
        handle_version(node, m);
        break;
    case MESSAGE_GETBLOCKS:
        handle_getblocks(node, m);
        break;
    case MESSAGE_INV:
        handle_inv(node, m);
        break;
    case MESSAGE_GETDATA:
        handle_getdata(node, m);
        break;
    case MESSAGE_BLOCK:
        handle_block(node, m);
        break;
    case MESSAGE_TX:
        handle_tx(node, m);
        break;
    case MESSAGE_ADDR:
        break;
    }
}
/* @end on-message */

static gboolean on_signal(gpointer user_data)
{
    Node *node = user_data;
    node_log("stopping");
    g_main_loop_quit(node->loop);
    return G_SOURCE_CONTINUE;
}

gboolean node_run(Blockchain *bc, const gchar *address, guint16 port, const gchar *central,
                  const gchar *miner_address, GError **error)
{
    Node node = {
        .bc = bc,
        .address = g_strdup(address),
        .central = g_strdup(central),
        .miner_address = g_strdup(miner_address),
        .known = g_ptr_array_new_with_free_func(g_free),
        .in_transit = g_byte_array_new(),
        .mempool = mempool_new(),
        .loop = g_main_loop_new(NULL, FALSE),
    };
    node.server = server_new(port, on_message, &node, error);
    gboolean ok = node.server != NULL;
    if (ok) {
        guint sigint = g_unix_signal_add(SIGINT, on_signal, &node);
        guint sigterm = g_unix_signal_add(SIGTERM, on_signal, &node);
        node_log("listening on %s (height %d)%s", address, bc->height,
                 miner_address != NULL ? ", mining" : "");
        /* Everyone but the central node introduces itself to it first. */
        if (!g_str_equal(address, central)) {
            add_known(&node, central);
            send_version(&node, central);
        }
        g_main_loop_run(node.loop);
        g_source_remove(sigint);
        g_source_remove(sigterm);
        server_free(node.server);
    }
    g_main_loop_unref(node.loop);
    mempool_free(node.mempool);
    g_byte_array_unref(node.in_transit);
    g_ptr_array_unref(node.known);
    g_free(node.sync_peer);
    g_free(node.miner_address);
    g_free(node.central);
    g_free(node.address);
    return ok;
}
