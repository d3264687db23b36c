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

/* A node we know of, and what we learned about it. */
typedef struct {
    gchar *address;
    guint failures; /* sends that failed in a row */
    gint32 height;  /* the best height its last version gave, -1 before one */
} KnownNode;

typedef struct {
    Blockchain *bc;
    gchar *address;         /* ours */
    gchar *central;         /* the node everyone knows */
    gchar *miner_address;   /* NULL unless this node mines */
    GPtrArray *known;       /* KnownNode: the other nodes we know of */
    GByteArray *in_transit; /* hashes still to download, oldest first */
    guint requested;        /* how many of them, from the first, were asked for: 0, 1 or 2 */
    gchar *sync_peer;       /* where they are downloaded from */
    guint getdata_timer;    /* running while a block is asked of the sync peer */
    gboolean round_full;    /* the download's inv was a full window: more may follow */
    gchar *behind_peer;     /* who told of blocks we lack while we were downloading */
    gchar *best_peer;       /* who last told us of a longer chain than ours */
    GQueue arrived;         /* Arrived: blocks received, not yet checked, oldest first */
    guint arrived_idle;     /* running while 'arrived' is not empty */
    GHashTable *getblocks;  /* sender -> GetblocksLimit: when we last answered it */
    Mempool *mempool;
    Server *server;
    GMainLoop *loop;
} Node;

gboolean node_address_is_local(const gchar *address)
{
    /* One spelling per node, so that a node is never known twice under two names. */
    return message_address_is_valid(address) && g_str_has_prefix(address, "localhost:");
}

/* The first 16 hex digits of HASH: enough to tell blocks apart in a log line. */
static gchar *short_hash(const guint8 hash[BC_HASH_LEN])
{
    return bc_hex_encode(hash, 8);
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

static void send_getblocks(Node *node, const gchar *address)
{
    g_autoptr(GBytes) getblocks = message_encode_getblocks(node->address);
    send_to(node, address, getblocks);
}

/* Tells every known node but EXCEPT about the block or transaction ID. */
static void announce(Node *node, MessageKind kind, const guint8 id[BC_HASH_LEN],
                     const gchar *except)
{
    g_autoptr(GBytes) m = message_encode_inv(node->address, kind, id, 1);
    for (guint i = 0; i < node->known->len; i++) {
        const KnownNode *peer = g_ptr_array_index(node->known, i);
        if (g_strcmp0(peer->address, except) != 0)
            send_to(node, peer->address, m);
    }
}

static void known_node_free(KnownNode *k)
{
    g_free(k->address);
    g_free(k);
}

static KnownNode *find_known(Node *node, const gchar *address)
{
    for (guint i = 0; i < node->known->len; i++) {
        KnownNode *k = g_ptr_array_index(node->known, i);
        if (g_str_equal(k->address, address))
            return k;
    }
    return NULL;
}

/* @excerpt add-known */
/* Remembers ADDRESS. The list holds at most NODE_MAX_KNOWN: when it is full, the node that
 * failed most often makes room, and when none has failed the newcomer is not remembered. */
static KnownNode *add_known(Node *node, const gchar *address)
{
    if (g_str_equal(address, node->address))
        return NULL;
    KnownNode *k = find_known(node, address);
    if (k != NULL)
        return k;
    if (node->known->len >= NODE_MAX_KNOWN) {
        guint worst = 0;
        for (guint i = 1; i < node->known->len; i++)
            if (((KnownNode *)g_ptr_array_index(node->known, i))->failures >
                ((KnownNode *)g_ptr_array_index(node->known, worst))->failures)
                worst = i;
        if (((KnownNode *)g_ptr_array_index(node->known, worst))->failures == 0)
            return NULL;
        g_ptr_array_remove_index(node->known, worst);
    }
    k = g_new0(KnownNode, 1);
    k->address = g_strdup(address);
    k->height = -1;
    g_ptr_array_add(node->known, k);
    return k;
}

/* A send to ADDRESS ended: a node that cannot be reached NODE_MAX_FAILURES times in a row is
 * forgotten, so fake addresses do not stay in the list and cost a connection per announce. */
static void on_sent(const gchar *address, gboolean reached, gpointer user_data)
{
    Node *node = user_data;
    KnownNode *k = find_known(node, address);
    if (k == NULL)
        return;
    k->failures = reached ? 0 : k->failures + 1;
    if (k->failures >= NODE_MAX_FAILURES && !g_str_equal(address, node->central)) {
        node_log("forgot %s: not reached %d times in a row", address, NODE_MAX_FAILURES);
        g_ptr_array_remove(node->known, k);
    }
}
/* @end add-known */

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
        /* Remembered: if the download stalls, this peer is asked next. */
        g_free(node->best_peer);
        node->best_peer = g_strdup(m->addr_from);
        send_getblocks(node, m->addr_from);
    } else if (node->bc->height > m->version.best_height) {
        send_version(node, m->addr_from);
    }
    KnownNode *k = add_known(node, m->addr_from);
    if (k != NULL)
        k->height = m->version.best_height;
}
/* @end handle-version */

/* How many hashes one getblocks answer lists (NODE_INV_WINDOW; BC_TEST_INV_WINDOW in tests). */
static gsize inv_window(void)
{
    guint64 n = 0;
    const gchar *text = g_getenv("BC_TEST_INV_WINDOW");
    if (text != NULL &&
        g_ascii_string_to_unsigned(text, 10, 1, MESSAGE_MAX_INV_ITEMS, &n, NULL))
        return (gsize)n;
    return NODE_INV_WINDOW;
}

/* @excerpt handle-getblocks */
/* Lists our blocks, genesis first: all of them when they fit in one inv; else the window
 * that follows the height the peer last told us, so each round brings the next part. */
static void answer_getblocks(Node *node, const gchar *to)
{
    const KnownNode *k = find_known(node, to);
    gint64 peer_height = k != NULL ? k->height : -1;
    gint64 end = MIN((gint64)node->bc->height + 1, peer_height + 1 + (gint64)inv_window());
    gint64 start = MAX(0, end - (gint64)inv_window());
    g_autoptr(GByteArray) hashes = g_byte_array_sized_new((guint)(end - start) * BC_HASH_LEN);
    for (gint64 h = start; h < end; h++) {
        g_autoptr(GError) error = NULL;
        guint8 hash[BC_HASH_LEN];
        if (!blockchain_get_hash_at(node->bc, (gint32)h, hash, &error)) {
            node_log("cannot list blocks: %s", error->message);
            return;
        }
        g_byte_array_append(hashes, hash, BC_HASH_LEN);
    }
    g_autoptr(GBytes) inv = message_encode_inv(node->address, MESSAGE_KIND_BLOCK, hashes->data,
                                               hashes->len / BC_HASH_LEN);
    send_to(node, to, inv);
}

/* When SENDER was last answered, and whether one more getblocks waits for its turn. The table
 * holds senders answered within NODE_GETBLOCKS_INTERVAL_S only: each entry's timer removes it. */
typedef struct {
    Node *node;
    gchar *sender;
    gboolean waiting;
    guint timer;
} GetblocksLimit;

static void getblocks_limit_free(GetblocksLimit *g)
{
    if (g->timer != 0)
        g_source_remove(g->timer);
    g_free(g->sender);
    g_free(g);
}

static gboolean on_getblocks_interval(gpointer user_data)
{
    GetblocksLimit *g = user_data;
    if (!g->waiting) {
        g->timer = 0; /* removed by returning */
        g_hash_table_remove(g->node->getblocks, g->sender);
        return G_SOURCE_REMOVE;
    }
    g->waiting = FALSE;
    answer_getblocks(g->node, g->sender);
    return G_SOURCE_CONTINUE; /* one more interval before this sender may be answered again */
}

static void handle_getblocks(Node *node, const Message *m)
{
    GetblocksLimit *g = g_hash_table_lookup(node->getblocks, m->addr_from);
    if (g != NULL) {
        if (g->waiting)
            node_log("dropped getblocks from %s: one answer per %d s, and one already waits",
                     m->addr_from, NODE_GETBLOCKS_INTERVAL_S);
        g->waiting = TRUE;
        return;
    }
    g = g_new0(GetblocksLimit, 1);
    g->node = node;
    g->sender = g_strdup(m->addr_from);
    g_hash_table_insert(node->getblocks, g->sender, g);
    g->timer = g_timeout_add_seconds(NODE_GETBLOCKS_INTERVAL_S, on_getblocks_interval, g);
    answer_getblocks(node, m->addr_from);
}
/* @end handle-getblocks */

static gboolean on_getdata_timeout(gpointer user_data);

/* @excerpt request-next-block */
/* Asks the sync peer for the oldest block still missing, if any, and starts its clock. When the
 * download is done and more may follow (a full window, or an inv we could not take then), a
 * version tells the peer our new height: the handshake then brings the next round. */
static void request_next_block(Node *node)
{
    g_clear_handle_id(&node->getdata_timer, g_source_remove);
    while (node->in_transit->len > 0 &&
           blockchain_has_block(node->bc, node->in_transit->data, NULL)) {
        g_byte_array_remove_range(node->in_transit, 0, BC_HASH_LEN);
        node->requested = node->requested > 0 ? node->requested - 1 : 0;
    }
    if (node->in_transit->len == 0) {
        node->requested = 0;
        g_autofree gchar *next = node->round_full ? g_strdup(node->sync_peer)
                                                  : g_steal_pointer(&node->behind_peer);
        g_clear_pointer(&node->sync_peer, g_free);
        g_clear_pointer(&node->behind_peer, g_free);
        node->round_full = FALSE;
        if (next != NULL)
            send_version(node, next);
        return;
    }
    if (node->requested == 0) {
        send_getdata(node, node->sync_peer, MESSAGE_KIND_BLOCK, node->in_transit->data);
        node->requested = 1;
    }
    node->getdata_timer =
        g_timeout_add_seconds(NODE_GETDATA_TIMEOUT_S, on_getdata_timeout, node);
}

/* The block we wait for has come, and it extends our tip: the next one is asked for before this
 * one is checked and stored, so that the sync peer reads and sends it (in its own process, on
 * another core) while we check. Never more than two in flight: the second is only asked for once
 * the first is here. (A block that does not extend the tip, from a peer with another chain, asks
 * for nothing more: its child would be one more block to drop.) */
static void request_following_block(Node *node, const Block *block)
{
    if (node->sync_peer == NULL || node->requested != 1 ||
        node->in_transit->len < 2 * BC_HASH_LEN ||
        memcmp(block->hash, node->in_transit->data, BC_HASH_LEN) != 0 ||
        memcmp(block->prev_hash, node->bc->tip, BC_HASH_LEN) != 0)
        return;
    send_getdata(node, node->sync_peer, MESSAGE_KIND_BLOCK, node->in_transit->data + BC_HASH_LEN);
    node->requested = 2;
}

/* The sync peer did not send the block in time: it is dropped, and the list is asked for
 * again, from the central node, or from the peer that told of a longer chain when the central
 * node was the one that stalled. */
static gboolean on_getdata_timeout(gpointer user_data)
{
    Node *node = user_data;
    node->getdata_timer = 0;
    const gchar *next = node->central;
    if (g_str_equal(node->sync_peer, node->central) && node->best_peer != NULL)
        next = node->best_peer;
    g_autofree gchar *next_copy = g_str_equal(next, node->address) ? NULL : g_strdup(next);
    node_log("dropped sync peer %s: no block within %d s of a getdata%s%s", node->sync_peer,
             NODE_GETDATA_TIMEOUT_S, next_copy != NULL ? "; asking " : "",
             next_copy != NULL ? next_copy : "");
    g_byte_array_set_size(node->in_transit, 0);
    node->requested = 0;
    g_clear_pointer(&node->sync_peer, g_free);
    node->round_full = FALSE;
    if (next_copy != NULL)
        send_getblocks(node, next_copy);
    return G_SOURCE_REMOVE;
}
/* @end request-next-block */

/* Block hashes as keys of a GHashTable (the key points at BC_HASH_LEN bytes). */
static guint hash_key(gconstpointer key)
{
    guint h;
    memcpy(&h, key, sizeof h);
    return h;
}

static gboolean hash_key_equal(gconstpointer a, gconstpointer b)
{
    return memcmp(a, b, BC_HASH_LEN) == 0;
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
    /* Only blocks we lack count: an inv of blocks we have changes nothing. */
    g_autoptr(GByteArray) missing = g_byte_array_new();
    for (gsize i = 0; i < m->inv.n_items; i++) {
        const guint8 *hash = m->inv.items + i * BC_HASH_LEN;
        if (!blockchain_has_block(node->bc, hash, NULL)) /* unreadable: ask for it again */
            g_byte_array_append(missing, hash, BC_HASH_LEN);
    }
    if (missing->len == 0)
        return;
    /* One download at a time, from one peer: another peer's inv cannot take it over. It is
     * remembered, and that peer is asked when the download is done. */
    if (node->sync_peer != NULL && !g_str_equal(node->sync_peer, m->addr_from)) {
        g_free(node->behind_peer);
        node->behind_peer = g_strdup(m->addr_from);
        return;
    }
    /* Download what we lack one block at a time, oldest first, so every block arrives after
     * its parent (the original fetched the newest first and stored blocks without parents).
     * The sync peer's new hashes join the list, which stays within one inv's size. */
    gboolean idle = node->sync_peer == NULL;
    g_autoptr(GHashTable) listed = g_hash_table_new(hash_key, hash_key_equal);
    for (guint j = 0; j < node->in_transit->len; j += BC_HASH_LEN)
        g_hash_table_add(listed, node->in_transit->data + j);
    for (guint i = 0; i < missing->len; i += BC_HASH_LEN) {
        if (node->in_transit->len >= (guint)MESSAGE_MAX_INV_ITEMS * BC_HASH_LEN)
            break;
        if (g_hash_table_add(listed, missing->data + i))
            g_byte_array_append(node->in_transit, missing->data + i, BC_HASH_LEN);
    }
    if (m->inv.n_items == inv_window())
        node->round_full = TRUE;
    if (idle) {
        node->sync_peer = g_strdup(m->addr_from);
        request_next_block(node);
    }
}
/* @end handle-inv */

/* Answers with the block or transaction, or with nothing when we do not have it. */
static void handle_getdata(Node *node, const Message *m)
{
    g_autofree gchar *id = short_hash(m->getdata.id);
    g_autoptr(GBytes) reply = NULL;
    if (m->getdata.kind == MESSAGE_KIND_BLOCK) {
        g_autoptr(GError) error = NULL;
        g_autoptr(Block) block = blockchain_has_block(node->bc, m->getdata.id, &error)
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

/* A block received and decoded, waiting to be checked. */
typedef struct {
    Block *block;
    gchar *from;
} Arrived;

static void arrived_free(Arrived *a)
{
    block_free(a->block);
    g_free(a->from);
    g_free(a);
}

/* @excerpt handle-block */
static void check_block(Node *node, const Block *block, const gchar *from)
{
    g_autoptr(GError) error = NULL;
    if (!validation_check_block(node->bc, block, &error)) {
        node_log("dropped block from %s: %s", from, error->message);
        /* A block whose parent we lack, higher than our next one, means we are behind: ask for
         * the whole list. (Not for any other block: a peer with another genesis would send its
         * list again and again.) */
        if (g_error_matches(error, BC_ERROR, BC_ERROR_NOT_FOUND) &&
            block->height > node->bc->height + 1)
            send_getblocks(node, from);
        return;
    }
    if (!blockchain_add_block(node->bc, block, &error)) {
        node_log("cannot store block: %s", error->message);
        return;
    }
    g_autofree gchar *hash = bc_hex_encode(block->hash, BC_HASH_LEN); /* in full: printchain's */
    node_log("added block %s at height %d", hash, block->height);
    forget_mined(node, block);
    announce(node, MESSAGE_KIND_BLOCK, block->hash, from);
    /* The block we wait for, from the sync peer or by another path: on to the next one. */
    if (node->sync_peer != NULL && node->in_transit->len > 0 &&
        blockchain_has_block(node->bc, node->in_transit->data, NULL))
        request_next_block(node);
}

/* Checks the oldest block that arrived; runs again while more wait. */
static gboolean check_arrived(gpointer user_data)
{
    Node *node = user_data;
    Arrived *a = g_queue_pop_head(&node->arrived);
    if (a != NULL) {
        check_block(node, a->block, a->from);
        arrived_free(a);
    }
    if (!g_queue_is_empty(&node->arrived))
        return G_SOURCE_CONTINUE;
    node->arrived_idle = 0;
    return G_SOURCE_REMOVE;
}

/* A block is checked just after the messages that are ready, not at once: the getdata for the
 * next block, asked for above, is then on its way, and the sync peer reads and sends it (in its
 * own process, on the other core) while we check this one. Blocks are checked in the order they
 * came, and at most NODE_MAX_ARRIVED wait: one more checks the oldest first. */
static void handle_block(Node *node, const Message *m)
{
    g_autoptr(GError) error = NULL;
    Block *block = block_deserialize(m->block, &error);
    if (block == NULL) {
        node_log("dropped block from %s: %s", m->addr_from, error->message);
        return;
    }
    request_following_block(node, block);
    if (g_queue_get_length(&node->arrived) >= NODE_MAX_ARRIVED) {
        Arrived *oldest = g_queue_pop_head(&node->arrived);
        check_block(node, oldest->block, oldest->from);
        arrived_free(oldest);
    }
    Arrived *a = g_new0(Arrived, 1);
    a->block = block;
    a->from = g_strdup(m->addr_from);
    g_queue_push_tail(&node->arrived, a);
    if (node->arrived_idle == 0)
        node->arrived_idle = g_idle_add_full(G_PRIORITY_DEFAULT + 1, check_arrived, node, NULL);
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
        !mempool_add(node->mempool, tx->id, m->transaction, (const Outpoint *)spends->data,
                     spends->len, &error)) {
        node_log("dropped transaction from %s: %s", m->addr_from, error->message);
        return;
    }
    g_autofree gchar *id = bc_hex_encode(tx->id, BC_HASH_LEN); /* in full: scripts read it */
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

/* @excerpt mine-pending */
static void mine_pending(Node *node)
{
    while (mempool_count(node->mempool) >= mining_threshold()) {
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
        /* Mining runs on the event loop: at the article's difficulty (BC_TARGET_BITS 16 here)
         * that takes milliseconds, during which no message is read. */
        g_autoptr(Block) block = blockchain_mine_block(node->bc, txs, &error);
        if (block == NULL) {
            node_log("cannot mine: %s", error->message);
            return;
        }
        g_autofree gchar *hash = bc_hex_encode(block->hash, BC_HASH_LEN);
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
        .known = g_ptr_array_new_with_free_func((GDestroyNotify)known_node_free),
        .getblocks = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                           (GDestroyNotify)getblocks_limit_free),
        .in_transit = g_byte_array_new(),
        .mempool = mempool_new(),
        .loop = g_main_loop_new(NULL, FALSE),
    };
    node.server = server_new(port, on_message, on_sent, &node, error);
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
        g_clear_handle_id(&node.getdata_timer, g_source_remove);
        g_clear_handle_id(&node.arrived_idle, g_source_remove);
    }
    g_queue_clear_full(&node.arrived, (GDestroyNotify)arrived_free);
    g_main_loop_unref(node.loop);
    mempool_free(node.mempool);
    g_byte_array_unref(node.in_transit);
    g_ptr_array_unref(node.known);
    g_hash_table_unref(node.getblocks);
    g_free(node.sync_peer);
    g_free(node.behind_peer);
    g_free(node.best_peer);
    g_free(node.miner_address);
    g_free(node.central);
    g_free(node.address);
    return ok;
}
