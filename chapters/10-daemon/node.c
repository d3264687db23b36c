/* node.c: the node's logic, one handler per message, now over lasting connections to equal
 * peers: the handshake, discovery, relay to all but the source, locator sync, misbehaviour. */
#include "node.h"

#include <glib-unix.h>
#include <string.h>

#include "addrman.h"
#include "bc_error.h"
#include "bc_hex.h"
#include "bc_random.h"
#include "chain_state.h"
#include "commands.h"
#include "control.h"
#include "log.h"
#include "mempool.h"
#include "orphans.h"
#include "message.h"
#include "miner.h"
#include "peers.h"
#include "sync.h"
#include "validation.h"

/* The address book is written this often when it changed, and when the node stops. */
#define SAVE_INTERVAL_S 5
/* The sync peer is dropped when no requested block arrives for this long (BC_BLOCK_TIMEOUT_S). */
#define BLOCK_TIMEOUT_S 10
/* Side blocks (stored, not made the tip) one peer may make us store before a block of its moves
 * our tip: past it the peer is banned. Each costs the peer a proof of work only, so without a
 * bound a peer could fill our disk with cheap siblings of old blocks. The trade: a branch forking
 * deeper than this cannot be downloaded from one peer (Bitcoin Core downloads headers first and
 * knows a branch's work before its blocks). */
#define NODE_MAX_SIDE_BLOCKS 100
/* Hashes waiting to be requested from the sync peer: two answers to getblocks. */
#define MAX_QUEUE (2 * SYNC_MAX_INV)

typedef struct {
    Blockchain *bc;
    const NodeOptions *options;
    guint64 nonce; /* ours: a version carrying it came from ourselves */
    Mempool *mempool;
    OrphanPool *orphans; /* blocks whose parent we lack (orphans.h bounds them) */
    GHashTable *side_blocks; /* peer id -> side blocks it made us store, see above */
    AddrMan *man;
    gboolean dirty; /* the address book changed since it was saved */
    Peers *peers;
    GMainLoop *loop;
    /* sync */
    Peer *sync_peer;        /* whom blocks are downloaded from, or NULL */
    GByteArray *queue;      /* hashes to request from it, oldest first */
    GByteArray *in_flight;  /* requested and not yet arrived, oldest first */
    gboolean more;          /* its last inv was full: ask again when done */
    guint stall_timer;
    Miner *miner; /* the worker threads, when this node mines */
    ControlServer *control; /* the control socket (chapter 10) */
} Node;

/* The first 16 hex digits of HASH: enough to tell blocks apart in a log line. */
static gchar *short_hash(const guint8 hash[BC_HASH_LEN])
{
    return bc_hex_encode(hash, 8);
}

static gint64 now_s(void)
{
    return g_get_real_time() / G_USEC_PER_SEC;
}

static void send_version(Node *node, Peer *peer)
{
    g_autoptr(GBytes) m =
        message_encode_version(node->bc->height, node->nonce, node->options->listen);
    peer_send(peer, m);
}

/* @excerpt relay */
/* Tells every peer but EXCEPT, unless it knows already, about the block or transaction ID: each
 * peer hears of it once, from us at most once, so a flood dies out. */
static void relay(Node *node, MessageKind kind, const guint8 id[BC_HASH_LEN], Peer *except)
{
    g_autoptr(GBytes) m = message_encode_inv(MESSAGE_INV, kind, id, 1);
    g_autoptr(GPtrArray) ready = peers_ready(node->peers);
    for (guint i = 0; i < ready->len; i++) {
        Peer *peer = g_ptr_array_index(ready, i);
        if (peer != except && !peer_knows(peer, id)) {
            peer_add_known(peer, id);
            peer_send(peer, m);
        }
    }
}
/* @end relay */

/* ---- sync ---- */

static void start_sync(Node *node, Peer *peer)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GByteArray) locator = sync_locator(node->bc, &error);
    if (locator == NULL) {
        node_log("cannot build a locator: %s", error->message);
        return;
    }
    peer->sent_locator = TRUE;
    g_autoptr(GBytes) m = message_encode_getblocks(locator->data, locator->len / BC_HASH_LEN);
    peer_send(peer, m);
}

/* The ready peer with the highest chain above ours, or NULL. */
static Peer *best_peer(Node *node, Peer *except)
{
    g_autoptr(GPtrArray) ready = peers_ready(node->peers);
    Peer *best = NULL;
    for (guint i = 0; i < ready->len; i++) {
        Peer *peer = g_ptr_array_index(ready, i);
        if (peer != except && peer->best_height > node->bc->height &&
            (best == NULL || peer->best_height > best->best_height))
            best = peer;
    }
    return best; /* still referenced by the set of peers */
}

static void stop_sync(Node *node)
{
    g_clear_handle_id(&node->stall_timer, g_source_remove);
    g_clear_pointer(&node->sync_peer, peer_unref);
    g_byte_array_set_size(node->queue, 0);
    g_byte_array_set_size(node->in_flight, 0);
    node->more = FALSE;
}

static gboolean on_stall(gpointer user_data)
{
    Node *node = user_data;
    node->stall_timer = 0;
    /* Closing it stops the sync (on_closed) and picks another peer. */
    peer_close(node->sync_peer, "stalled: a requested block did not come in time");
    return G_SOURCE_REMOVE;
}

static guint block_timeout_s(void)
{
    const gchar *text = g_getenv("BC_BLOCK_TIMEOUT_S");
    guint64 value = 0;
    if (text != NULL && g_ascii_string_to_unsigned(text, 10, 1, 3600, &value, NULL))
        return (guint)value;
    return BLOCK_TIMEOUT_S;
}

/* @excerpt fill-requests */
/* Keeps up to SYNC_MAX_IN_FLIGHT blocks requested from the sync peer, in one getdata. */
static void fill_requests(Node *node)
{
    gsize first = node->in_flight->len;
    while (node->in_flight->len < SYNC_MAX_IN_FLIGHT * BC_HASH_LEN && node->queue->len > 0) {
        g_byte_array_append(node->in_flight, node->queue->data, BC_HASH_LEN);
        g_byte_array_remove_range(node->queue, 0, BC_HASH_LEN);
    }
    gsize n = (node->in_flight->len - first) / BC_HASH_LEN;
    if (n > 0) {
        g_autoptr(GBytes) m = message_encode_inv(MESSAGE_GETDATA, MESSAGE_KIND_BLOCK,
                                                 node->in_flight->data + first, n);
        peer_send(node->sync_peer, m);
    }
    g_clear_handle_id(&node->stall_timer, g_source_remove);
    if (node->in_flight->len > 0)
        node->stall_timer = g_timeout_add_seconds(block_timeout_s(), on_stall, node);
}
/* @end fill-requests */

/* Everything requested has come: ask again when the peer has more, else look for a higher peer. */
static void sync_done(Node *node)
{
    Peer *peer = node->sync_peer;
    gboolean again = node->more || peer->best_height > node->bc->height;
    g_autoptr(Peer) was = peer_ref(peer);
    stop_sync(node);
    if (again) {
        start_sync(node, was);
        return;
    }
    Peer *other = best_peer(node, NULL);
    if (other != NULL)
        start_sync(node, other);
}

static gboolean hash_in(const GByteArray *list, const guint8 hash[BC_HASH_LEN])
{
    for (guint i = 0; i < list->len; i += BC_HASH_LEN)
        if (memcmp(list->data + i, hash, BC_HASH_LEN) == 0)
            return TRUE;
    return FALSE;
}

/* ---- handlers ---- */

/* @excerpt handle-version */
static void handle_version(Node *node, Peer *peer, const Message *m)
{
    if (m->version.version != NODE_VERSION) {
        g_autofree gchar *why = g_strdup_printf("it speaks version %d, we speak %d",
                                                m->version.version, NODE_VERSION);
        peer_close(peer, why);
        return;
    }
    if (m->version.nonce == node->nonce) {
        if (!peer->inbound)
            peers_add_self(node->peers, peer->address);
        peer_close(peer, "connected to ourselves");
        return;
    }
    /* Two connections to one node (both dialled, or dialled by two names): the one opened by
     * the node with the smaller nonce stays, so both ends make the same choice. */
    Peer *other = peers_find_nonce(node->peers, m->version.nonce, peer);
    if (other != NULL) {
        guint64 mine = peer->inbound ? m->version.nonce : node->nonce;
        guint64 theirs = other->inbound ? m->version.nonce : node->nonce;
        if (mine < theirs) {
            peer_close(other, "a second connection to the same node");
        } else {
            peer_close(peer, "a second connection to the same node");
            return;
        }
    }
    if (peer->inbound)
        send_version(node, peer);
    g_autoptr(GBytes) verack = message_encode_empty(MESSAGE_VERACK);
    peer_send(peer, verack);
    if (peer->listen != NULL && !g_str_equal(peer->listen, node->options->listen) &&
        addrman_add(node->man, peer->listen, now_s())) {
        node_log("learned address %s from peer %u", peer->listen, peer->id);
        node->dirty = TRUE;
    }
}
/* @end handle-version */

/* @excerpt on-ready */
static void on_ready(Peer *peer, gpointer user_data)
{
    Node *node = user_data;
    node_log("handshake done with peer %u (%s, height %d)", peer->id,
             peer->listen != NULL ? peer->listen : peer->address, peer->best_height);
    /* Discovery: ask whom it knows (outbound only: an inbound peer may be a passing command),
     * and tell it where we are. */
    if (!peer->inbound) {
        g_autoptr(GBytes) getaddr = message_encode_empty(MESSAGE_GETADDR);
        peer_send(peer, getaddr);
    }
    MessageAddr self = {(gchar *)node->options->listen, now_s()};
    g_autoptr(GBytes) addr = message_encode_addr(&self, 1);
    peer_send(peer, addr);
    if (peer->best_height > node->bc->height && node->sync_peer == NULL)
        start_sync(node, peer);
}
/* @end on-ready */

static void handle_getaddr(Node *node, Peer *peer)
{
    if (peer->sent_getaddr_answer)
        return; /* once per connection: the answer is up to 1,000 addresses */
    peer->sent_getaddr_answer = TRUE;
    gsize n = 0;
    MessageAddr *addrs = addrman_get(node->man, MESSAGE_MAX_ADDRS, &n);
    if (n > 0) {
        g_autoptr(GBytes) m = message_encode_addr(addrs, n);
        peer_send(peer, m);
    }
    addrman_addrs_free(addrs, n);
}

/* @excerpt handle-addr */
static void handle_addr(Node *node, Peer *peer, const Message *m)
{
    gint64 now = now_s();
    g_autoptr(GArray) fresh = g_array_new(FALSE, FALSE, sizeof(MessageAddr));
    for (gsize i = 0; i < m->addr.n_items; i++) {
        MessageAddr a = m->addr.items[i];
        if (g_str_equal(a.address, node->options->listen))
            continue;
        a.time = CLAMP(a.time, 0, now); /* a time in the future is now */
        if (addrman_add(node->man, a.address, a.time)) {
            node_log("learned address %s from peer %u", a.address, peer->id);
            node->dirty = TRUE;
            g_array_append_val(fresh, a);
        }
    }
    /* News travels on: new addresses of a short addr go to two random peers (not back). */
    if (fresh->len == 0 || m->addr.n_items > NODE_MAX_ADDR_RELAY)
        return;
    g_autoptr(GPtrArray) ready = peers_ready(node->peers);
    g_ptr_array_remove(ready, peer);
    g_autoptr(GBytes) out = message_encode_addr((MessageAddr *)fresh->data, fresh->len);
    for (guint sent = 0; sent < 2 && ready->len > 0; sent++) {
        guint32 r = 0;
        bc_random_bytes(&r, sizeof r, NULL);
        Peer *to = g_ptr_array_index(ready, r % ready->len);
        peer_send(to, out);
        g_ptr_array_remove_fast(ready, to);
    }
}
/* @end handle-addr */

/* @excerpt handle-getblocks */
static void handle_getblocks(Node *node, Peer *peer, const Message *m)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GByteArray) hashes =
        sync_hashes_after(node->bc, m->locator.hashes, m->locator.n_hashes, &error);
    if (hashes == NULL) {
        node_log("cannot list blocks: %s", error->message);
        return;
    }
    if (hashes->len == 0)
        return; /* it is level with us */
    for (guint i = 0; i < hashes->len; i += BC_HASH_LEN)
        peer_add_known(peer, hashes->data + i);
    g_autoptr(GBytes) inv =
        message_encode_inv(MESSAGE_INV, MESSAGE_KIND_BLOCK, hashes->data, hashes->len / BC_HASH_LEN);
    peer_send(peer, inv);
}
/* @end handle-getblocks */

/* @excerpt handle-inv */
static void handle_inv(Node *node, Peer *peer, const Message *m)
{
    for (gsize i = 0; i < m->inv.n_items; i++)
        peer_add_known(peer, m->inv.items + i * BC_HASH_LEN);
    if (m->inv.kind == MESSAGE_KIND_TX) {
        g_autoptr(GByteArray) wanted = g_byte_array_new();
        for (gsize i = 0; i < m->inv.n_items && wanted->len < NODE_MAX_TX_REQUESTS * BC_HASH_LEN;
             i++) {
            const guint8 *id = m->inv.items + i * BC_HASH_LEN;
            if (!mempool_contains(node->mempool, id))
                g_byte_array_append(wanted, id, BC_HASH_LEN);
        }
        if (wanted->len > 0) {
            g_autoptr(GBytes) getdata = message_encode_inv(MESSAGE_GETDATA, MESSAGE_KIND_TX,
                                                           wanted->data, wanted->len / BC_HASH_LEN);
            peer_send(peer, getdata);
        }
        return;
    }
    if (m->inv.n_items > SYNC_MAX_INV) {
        peer_misbehaving(peer, 20, "an inv of more blocks than a getblocks answer holds");
        return;
    }
    if (node->sync_peer != NULL && node->sync_peer != peer)
        return; /* one sync at a time; this peer is asked later if it is still ahead */
    gboolean added = FALSE;
    for (gsize i = 0; i < m->inv.n_items && node->queue->len < MAX_QUEUE * BC_HASH_LEN; i++) {
        const guint8 *hash = m->inv.items + i * BC_HASH_LEN;
        if (!blockchain_has_block(node->bc, hash, NULL) && !orphans_contains(node->orphans, hash) &&
            !hash_in(node->queue, hash) && !hash_in(node->in_flight, hash)) {
            g_byte_array_append(node->queue, hash, BC_HASH_LEN);
            added = TRUE;
        }
    }
    if (!added)
        return;
    if (node->sync_peer == NULL)
        node->sync_peer = peer_ref(peer);
    node->more = m->inv.n_items == SYNC_MAX_INV;
    fill_requests(node);
}
/* @end handle-inv */

/* Answers with the blocks or transactions we have; the rest is left out. */
static void handle_getdata(Node *node, Peer *peer, const Message *m)
{
    if (m->inv.n_items > SYNC_MAX_INV) {
        /* Work per message: we never ask for more than this at once. */
        peer_misbehaving(peer, 20, "a getdata of more than " G_STRINGIFY(SYNC_MAX_INV) " items");
        return;
    }
    for (gsize i = 0; i < m->inv.n_items && !peer->closed; i++) {
        const guint8 *id = m->inv.items + i * BC_HASH_LEN;
        g_autoptr(GBytes) reply = NULL;
        if (m->inv.kind == MESSAGE_KIND_BLOCK) {
            g_autoptr(Block) block =
                blockchain_has_block(node->bc, id, NULL) ? blockchain_get_block(node->bc, id, NULL) : NULL;
            if (block != NULL) {
                g_autoptr(GBytes) raw = block_serialize(block);
                reply = message_encode_data(MESSAGE_BLOCK, raw);
            }
        } else {
            GBytes *tx = mempool_get(node->mempool, id);
            if (tx != NULL)
                reply = message_encode_data(MESSAGE_TX, tx);
        }
        if (reply == NULL) {
            g_autofree gchar *hex = short_hash(id);
            node_log("no %s %s for peer %u: nothing sent", message_kind_name(m->inv.kind), hex,
                     peer->id);
            continue;
        }
        peer_add_known(peer, id);
        peer_send(peer, reply);
    }
}

/* The outputs TX spends, as the mempool wants them. */
static GArray *spends_of(const Transaction *tx)
{
    GArray *spends = g_array_new(FALSE, FALSE, sizeof(Outpoint));
    for (guint i = 0; i < tx->vin->len; i++) {
        const TxInput *in = g_ptr_array_index(tx->vin, i);
        Outpoint o;
        outpoint_init(&o, in->txid, in->vout);
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
                mempool_spender(node->mempool, &g_array_index(spends, Outpoint, i));
            if (other != NULL) {
                guint8 copy[BC_HASH_LEN];
                memcpy(copy, other, BC_HASH_LEN);
                mempool_remove(node->mempool, copy);
            }
        }
    }
}

static void mine_pending(Node *node);

/* @excerpt apply-change */
/* The chain moved: the transactions of the blocks taken off go back to the mempool when they are
 * still valid on the new chain, then the new blocks' transactions and those that conflict with
 * them leave it. */
static void apply_change(Node *node, const ChainChange *change)
{
    for (guint b = 0; b < change->disconnected->len; b++) {
        const Block *block = g_ptr_array_index(change->disconnected, b);
        g_autofree gchar *hash = short_hash(block->hash);
        node_log("disconnected block %s at height %d", hash, block->height);
    }
    for (guint b = 0; b < change->connected->len; b++) {
        const Block *block = g_ptr_array_index(change->connected, b);
        g_autofree gchar *hash = bc_hex_encode(block->hash, BC_HASH_LEN); /* in full: printchain's */
        node_log("added block %s at height %d", hash, block->height);
    }
    for (guint b = 0; b < change->disconnected->len; b++) {
        const Block *block = g_ptr_array_index(change->disconnected, b);
        for (guint t = 1; t < block->transactions->len; t++) {
            const Transaction *tx = g_ptr_array_index(block->transactions, t);
            g_autoptr(GError) error = NULL;
            g_autoptr(GArray) spends = spends_of(tx);
            g_autoptr(GBytes) raw = transaction_serialize(tx);
            if (validation_check_transaction(node->bc, tx, &error) &&
                mempool_add(node->mempool, tx->id, raw, (const Outpoint *)spends->data,
                            spends->len, &error)) {
                g_autofree gchar *id = short_hash(tx->id);
                node_log("transaction %s back in the mempool", id);
            }
        }
    }
    for (guint b = 0; b < change->connected->len; b++)
        forget_mined(node, g_ptr_array_index(change->connected, b));
}
/* @end apply-change */

/* @excerpt handle-block */
static void handle_block(Node *node, Peer *peer, const Message *m)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(Block) block = block_deserialize(m->block, &error);
    if (block == NULL) {
        peer_misbehaving(peer, 100, error->message);
        return;
    }
    if (node->sync_peer != peer || !hash_in(node->in_flight, block->hash)) {
        peer_misbehaving(peer, 10, "a block we did not ask for");
        return;
    }
    for (guint i = 0; i < node->in_flight->len; i += BC_HASH_LEN)
        if (memcmp(node->in_flight->data + i, block->hash, BC_HASH_LEN) == 0) {
            g_byte_array_remove_range(node->in_flight, i, BC_HASH_LEN);
            break;
        }
    peer_add_known(peer, block->hash);
    peer->best_height = MAX(peer->best_height, block->height);
    ChainChange change;
    chain_change_init(&change);
    if (!chain_state_accept_block(node->bc, block, &change, &error)) {
        chain_change_clear(&change);
        if (g_error_matches(error, BC_ERROR, BC_ERROR_INVALID)) {
            g_autofree gchar *why = g_strdup_printf("an invalid block: %s", error->message);
            peer_misbehaving(peer, 100, why);
            return;
        }
        node_log("dropped block from peer %u: %s", peer->id, error->message);
        if (g_error_matches(error, BC_ERROR, BC_ERROR_NOT_FOUND)) {
            /* Its parent is missing: kept as an orphan until it comes, and we ask the sender
             * for what we lack, once, with a locator; a peer whose chain never joins ours is
             * not asked again. */
            orphans_add(node->orphans, block);
            gboolean asked = peer->sent_locator;
            stop_sync(node);
            if (!asked)
                start_sync(node, peer);
            return;
        }
    } else {
        if (change.too_deep > 0) {
            g_autofree gchar *hash = short_hash(block->hash);
            node_log("not following block %s: its branch forks %d blocks deep (-maxreorg %d)",
                     hash, change.too_deep, node->bc->max_reorg_depth);
        } else if (change.connected->len == 0) {
            g_autofree gchar *hash = short_hash(block->hash);
            node_log("stored block %s at height %d on a side branch", hash, block->height);
        }
        guint refused = 0;
        guint adopted = orphans_accept_children(node->orphans, node->bc, block->hash, &change,
                                                &refused);
        if (adopted > 0 || refused > 0) {
            g_autofree gchar *hash = short_hash(block->hash);
            node_log("accepted %u orphan blocks after block %s, refused %u", adopted, hash,
                     refused);
        }
        gboolean reorganised = change.disconnected->len > 0;
        gboolean moved = change.connected->len > 0;
        apply_change(node, &change);
        chain_change_clear(&change);
        peer->sent_locator = FALSE;
        relay(node, MESSAGE_KIND_BLOCK, block->hash, peer);
        /* A new tip: the work on the old one is abandoned and a new template built (with the
         * losing branch's payments, back in the mempool, after a reorganisation). */
        if ((moved || reorganised) && node->miner != NULL)
            mine_pending(node);
        gpointer key = GUINT_TO_POINTER(peer->id);
        guint side = moved ? 0 : GPOINTER_TO_UINT(g_hash_table_lookup(node->side_blocks, key)) + 1;
        g_hash_table_insert(node->side_blocks, key, GUINT_TO_POINTER(side));
        if (side > NODE_MAX_SIDE_BLOCKS) {
            peer_misbehaving(peer, 100, "more than " G_STRINGIFY(NODE_MAX_SIDE_BLOCKS)
                                        " side blocks that did not move our tip");
            return;
        }
    }
    if (node->sync_peer == peer) {
        fill_requests(node);
        if (node->in_flight->len == 0)
            sync_done(node);
    }
}
/* @end handle-block */

static void reject(Peer *peer, const guint8 id[BC_HASH_LEN], const gchar *reason)
{
    g_autoptr(GBytes) m = message_encode_reject(id, reason);
    peer_send(peer, m);
}

/* @excerpt handle-tx */
static void handle_tx(Node *node, Peer *peer, const Message *m)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(Transaction) tx = transaction_deserialize(m->transaction, &error);
    if (tx == NULL) {
        peer_misbehaving(peer, 10, error->message);
        return;
    }
    peer_add_known(peer, tx->id);
    if (mempool_contains(node->mempool, tx->id))
        return;
    g_autoptr(GArray) spends = spends_of(tx);
    if (!validation_check_transaction(node->bc, tx, &error)) {
        node_log("dropped transaction from peer %u: %s", peer->id, error->message);
        reject(peer, tx->id, error->message);
        peer_misbehaving(peer, 10, "an invalid transaction");
        return;
    }
    if (!mempool_add(node->mempool, tx->id, m->transaction, (const Outpoint *)spends->data,
                     spends->len, &error)) {
        node_log("dropped transaction from peer %u: %s", peer->id, error->message);
        reject(peer, tx->id, error->message);
        return;
    }
    g_autofree gchar *id = bc_hex_encode(tx->id, BC_HASH_LEN); /* in full: scripts read it */
    node_log("accepted transaction %s (%u in the mempool)", id, mempool_count(node->mempool));
    /* Every node passes new transactions on now, not only a centre. */
    relay(node, MESSAGE_KIND_TX, tx->id, peer);
    if (node->miner != NULL)
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

/* A block's bytes beyond its transactions: the header fields and the offsets GVariant adds,
 * at most 8 bytes per variable-sized item. */
#define NODE_BLOCK_FRAMING 256
#define NODE_TX_FRAMING 8

/* How many pooled transactions make the miner mine (NODE_MINING_THRESHOLD, as the article;
 * BC_TEST_MINING_THRESHOLD in tests: three transactions of 360 KB make a mempool over 1 MiB with
 * one signature each, two over 1 MiB need about 1,000 inputs each, minutes to sign and check). */
static guint mining_threshold(void)
{
    guint64 n = 0;
    const gchar *text = g_getenv("BC_TEST_MINING_THRESHOLD");
    if (text != NULL &&
        g_ascii_string_to_unsigned(text, 10, 1, MEMPOOL_MAX_TRANSACTIONS, &n, NULL))
        return (guint)n;
    return NODE_MINING_THRESHOLD;
}

static void mine_pending(Node *node)
{
    /* Whatever is being mined is replaced: no template means no work. */
    gint32 abandoned = 0;
    if (miner_abandon(node->miner, &abandoned))
        node_log("abandoned the work on a block at height %d", abandoned);
    if (mempool_count(node->mempool) >= mining_threshold()) {
        g_autoptr(GError) error = NULL;
        g_autoptr(GPtrArray) txs = g_ptr_array_new_with_free_func((GDestroyNotify)transaction_free);
        Transaction *coinbase = transaction_new_coinbase(node->options->miner_address, NULL, &error);
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
        if (txs->len < 1 + mining_threshold())
            return;
        /* Only what fits in one block goes in, oldest first: chosen before the proof of work,
         * so the work is never found too large after it. The rest waits for the next block. */
        gsize size = NODE_BLOCK_FRAMING;
        for (guint i = 0; i < txs->len; i++) {
            g_autoptr(GBytes) raw = transaction_serialize(g_ptr_array_index(txs, i));
            gsize tx_size = g_bytes_get_size(raw) + NODE_TX_FRAMING;
            if (i > 0 && size + tx_size > BLOCK_MAX_SIZE)
                g_ptr_array_remove_index(txs, i--);
            else
                size += tx_size;
        }
        if (txs->len < 2)
            return;
        /* Mining runs on the miner's threads; the event loop goes on reading messages. */
        node_log("mining a block at height %d with %u transactions on %u threads",
                 node->bc->height + 1, txs->len, node->options->threads);
        miner_start(node->miner,
                    miner_template_new(txs, node->bc->tip, node->bc->height + 1, node->bc->bits));
    }
}

/* A worker found the nonce: the block is checked and connected here, on the event loop, as a
 * peer's would be, and the next template built. */
static void on_mined(Block *found, gpointer user_data)
{
    Node *node = user_data;
    g_autoptr(Block) block = found;
    g_autoptr(GError) error = NULL;
    ChainChange change;
    chain_change_init(&change);
    if (!chain_state_accept_block(node->bc, block, &change, &error) ||
        !blockchain_sync(node->bc, &error)) {
        node_log("cannot mine: %s", error->message);
        chain_change_clear(&change);
        return;
    }
    g_autofree gchar *hash = bc_hex_encode(block->hash, BC_HASH_LEN);
    node_log("mined block %s at height %d with %u transactions", hash, block->height,
             block->transactions->len);
    for (guint b = 0; b < change.connected->len; b++)
        forget_mined(node, g_ptr_array_index(change.connected, b));
    chain_change_clear(&change);
    relay(node, MESSAGE_KIND_BLOCK, block->hash, NULL);
    mine_pending(node);
}

/* @excerpt own-transaction */
/* A transaction the node's own wallet made (a send through the control socket): checked and
 * pooled as a peer's would be, then relayed to every peer. */
static gboolean accept_own_transaction(Node *node, const Transaction *tx, GError **error)
{
    g_autoptr(GArray) spends = spends_of(tx);
    g_autoptr(GBytes) raw = transaction_serialize(tx);
    if (!validation_check_transaction(node->bc, tx, error) ||
        !mempool_add(node->mempool, tx->id, raw, (const Outpoint *)spends->data, spends->len,
                     error))
        return FALSE;
    g_autofree gchar *id = bc_hex_encode(tx->id, BC_HASH_LEN);
    node_log("accepted transaction %s (%u in the mempool)", id, mempool_count(node->mempool));
    relay(node, MESSAGE_KIND_TX, tx->id, NULL);
    if (node->miner != NULL)
        mine_pending(node);
    return TRUE;
}
/* @end own-transaction */

/* @excerpt on-control */
/* A command through the control socket, run here on the main loop with the node's own state:
 * the same functions as with no node running (commands.c), so the same output. */
static gint on_control(const ControlRequest *r, GString *out, GError **error, gpointer user_data)
{
    Node *node = user_data;
    const NodeState state = {node->bc, node->options->wallets_path, node->mempool, node->peers,
                             node->miner, node->options->threads};
    gboolean ok = FALSE;
    switch (r->command) {
    case CONTROL_GETBALANCE:
        ok = commands_getbalance(&state, r->address, r->unconfirmed, out, error);
        break;
    case CONTROL_SEND: {
        if (r->mine) {
            g_set_error_literal(error, BC_ERROR, BC_ERROR_INVALID_ARGUMENT,
                                "send -mine: this node is running, and it mines only when started "
                                "with -miner; send without -mine hands it the transaction");
            break;
        }
        g_autoptr(Transaction) tx = commands_new_send(&state, r->from, r->to, r->amount, error);
        ok = tx != NULL && accept_own_transaction(node, tx, error);
        if (ok)
            g_string_append(out, "Success!\n");
        break;
    }
    case CONTROL_PRINTCHAIN:
        ok = commands_printchain(&state, out, error);
        break;
    case CONTROL_LISTADDRESSES:
        ok = commands_listaddresses(&state, out, error);
        break;
    case CONTROL_GETMEMPOOL:
        ok = commands_getmempool(&state, out, error);
        break;
    case CONTROL_PEERS:
        ok = commands_peers(&state, out, error);
        break;
    case CONTROL_GETINFO:
        ok = commands_getinfo(&state, out, error);
        break;
    }
    return ok ? 0 : 1;
}
/* @end on-control */

/* @excerpt on-message */
static void on_message(Peer *peer, const Message *m, gpointer user_data)
{
    Node *node = user_data;
    switch (m->type) {
    case MESSAGE_VERSION:
        handle_version(node, peer, m);
        break;
    case MESSAGE_GETADDR:
        handle_getaddr(node, peer);
        break;
    case MESSAGE_ADDR:
        handle_addr(node, peer, m);
        break;
    case MESSAGE_GETBLOCKS:
        handle_getblocks(node, peer, m);
        break;
    case MESSAGE_INV:
        handle_inv(node, peer, m);
        break;
    case MESSAGE_GETDATA:
        handle_getdata(node, peer, m);
        break;
    case MESSAGE_BLOCK:
        handle_block(node, peer, m);
        break;
    case MESSAGE_TX:
        handle_tx(node, peer, m);
        break;
    case MESSAGE_REJECT: {
        g_autofree gchar *id = short_hash(m->reject.id);
        node_log("peer %u rejected %s: %s", peer->id, id, m->reject.reason);
        break;
    }
    case MESSAGE_VERACK:
    case MESSAGE_PING:
    case MESSAGE_PONG:
        break; /* peer.c's */
    }
}
/* @end on-message */

static void on_opened(Peer *peer, gpointer user_data)
{
    if (!peer->inbound)
        send_version(user_data, peer);
}

static void on_closed(Peer *peer, gpointer user_data)
{
    Node *node = user_data;
    g_hash_table_remove(node->side_blocks, GUINT_TO_POINTER(peer->id));
    if (peer != node->sync_peer)
        return;
    stop_sync(node);
    Peer *other = best_peer(node, peer);
    if (other != NULL)
        start_sync(node, other);
}

static void save_book(Node *node)
{
    g_autoptr(GError) error = NULL;
    if (!addrman_save(node->man, node->options->peers_path, &error))
        node_log("%s", error->message);
    node->dirty = FALSE;
}

static gboolean on_save_timer(gpointer user_data)
{
    Node *node = user_data;
    if (node->dirty)
        save_book(node);
    return G_SOURCE_CONTINUE;
}

static gboolean on_signal(gpointer user_data)
{
    Node *node = user_data;
    node_log("stopping");
    g_main_loop_quit(node->loop);
    return G_SOURCE_CONTINUE;
}

static const PeerCallbacks callbacks = {on_opened, on_ready, on_message, on_closed};

gboolean node_run(Blockchain *bc, const NodeOptions *options, GError **error)
{
    g_autoptr(AddrMan) man = addrman_load(options->peers_path, error);
    if (man == NULL)
        return FALSE;
    Node node = {
        .bc = bc,
        .options = options,
        .mempool = mempool_new(),
        .orphans = orphans_new(),
        .side_blocks = g_hash_table_new(NULL, NULL),
        .man = man,
        .queue = g_byte_array_new(),
        .in_flight = g_byte_array_new(),
        .loop = g_main_loop_new(NULL, FALSE),
        .miner = options->miner_address != NULL ? miner_new(options->threads, on_mined, &node)
                                                : NULL,
    };
    gboolean ok = bc_random_bytes(&node.nonce, sizeof node.nonce, error);
    if (ok) {
        node.peers = peers_new(options->listen, man, options->max_outbound, options->max_inbound,
                               &callbacks, &node, error);
        ok = node.peers != NULL;
    }
    if (ok) {
        node.control = control_server_new(options->control_path, on_control, &node, error);
        ok = node.control != NULL;
    }
    if (ok) {
        guint sigint = g_unix_signal_add(SIGINT, on_signal, &node);
        guint sigterm = g_unix_signal_add(SIGTERM, on_signal, &node);
        guint save = g_timeout_add_seconds(SAVE_INTERVAL_S, on_save_timer, &node);
        node_log("listening on %s (height %d, %u known addresses)%s", options->listen, bc->height,
                 addrman_count(man), options->miner_address != NULL ? ", mining" : "");
        for (guint i = 0; options->seeds[i] != NULL; i++) {
            if (!g_str_equal(options->seeds[i], options->listen)) {
                addrman_add(man, options->seeds[i], now_s());
                peers_connect(node.peers, options->seeds[i]);
            }
        }
        peers_start(node.peers);
        g_main_loop_run(node.loop);
        g_clear_pointer(&node.control, control_server_free); /* and its socket file removed */
        g_clear_pointer(&node.miner, miner_free); /* its threads stopped and joined */
        g_source_remove(save);
        g_source_remove(sigint);
        g_source_remove(sigterm);
        stop_sync(&node);
        peers_free(node.peers);
        save_book(&node);
    } else if (node.peers != NULL) {
        peers_free(node.peers);
    }
    g_clear_pointer(&node.miner, miner_free);
    g_main_loop_unref(node.loop);
    mempool_free(node.mempool);
    orphans_free(node.orphans);
    g_hash_table_unref(node.side_blocks);
    g_byte_array_unref(node.queue);
    g_byte_array_unref(node.in_flight);
    return ok;
}
