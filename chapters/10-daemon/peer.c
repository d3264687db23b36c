/* peer.c: one lasting connection: framing on a byte stream, a bounded write queue, the
 * handshake, ping/pong and the misbehaviour score. */
#include "peer.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>

#include "bc_error.h"
#include "bc_random.h"
#include "log.h"
#include "message_log.h"

#define READ_CHUNK 65536

static guint env_seconds(const gchar *name, guint fallback)
{
    const gchar *text = g_getenv(name);
    guint64 value = 0;
    if (text == NULL || !g_ascii_string_to_unsigned(text, 10, 1, 24 * 3600, &value, NULL))
        return fallback;
    return (guint)value;
}

guint peer_handshake_timeout_s(void)
{
    return env_seconds("BC_HANDSHAKE_TIMEOUT_S", 10);
}

static guint ping_interval_s(void)
{
    return env_seconds("BC_PING_INTERVAL_S", 30);
}

static guint peer_timeout_s(void)
{
    return env_seconds("BC_PEER_TIMEOUT_S", 90);
}

Peer *peer_ref(Peer *peer)
{
    peer->refs++;
    return peer;
}

void peer_unref(Peer *peer)
{
    if (peer == NULL || --peer->refs > 0)
        return;
    g_object_unref(peer->connection);
    g_object_unref(peer->cancellable);
    g_byte_array_unref(peer->in);
    g_queue_free_full(peer->out, (GDestroyNotify)g_bytes_unref);
    g_hash_table_unref(peer->known);
    g_queue_free(peer->known_order);
    g_free(peer->address);
    g_free(peer->ip);
    g_free(peer->listen);
    g_free(peer->close_reason);
    g_free(peer);
}

void peer_close(Peer *peer, const gchar *reason)
{
    if (peer->closed)
        return;
    peer->closed = TRUE;
    peer->close_reason = g_strdup(reason);
    node_log("disconnected peer %u (%s): %s", peer->id, peer->address, reason);
    g_clear_handle_id(&peer->handshake_timer, g_source_remove);
    g_clear_handle_id(&peer->ping_timer, g_source_remove);
    g_cancellable_cancel(peer->cancellable);
    g_io_stream_close(G_IO_STREAM(peer->connection), NULL, NULL);
    peer->callbacks->closed(peer, peer->user_data);
}

/* @excerpt peer-misbehaving */
void peer_misbehaving(Peer *peer, gint points, const gchar *reason)
{
    if (peer->closed)
        return;
    peer->score += points;
    node_log("peer %u (%s) misbehaved: %s (+%d, score %d)", peer->id, peer->address, reason,
             points, peer->score);
    if (peer->score >= PEER_BAN_SCORE) {
        peer->banned = TRUE;
        peer_close(peer, "banned: misbehaviour score reached " G_STRINGIFY(PEER_BAN_SCORE));
    }
}
/* @end peer-misbehaving */

/* Hash table functions for BC_HASH_LEN-byte keys. A peer chooses the hashes of its inv, so it
 * could make them collide: the table is bounded (PEER_MAX_KNOWN), and so is a lookup's work. */
static guint hash_hash(gconstpointer key)
{
    guint h = 5381;
    for (gsize i = 0; i < BC_HASH_LEN; i++)
        h = h * 33 + ((const guint8 *)key)[i];
    return h;
}

static gboolean hash_equal(gconstpointer a, gconstpointer b)
{
    return memcmp(a, b, BC_HASH_LEN) == 0;
}

gboolean peer_knows(Peer *peer, const guint8 hash[BC_HASH_LEN])
{
    return g_hash_table_contains(peer->known, hash);
}

void peer_add_known(Peer *peer, const guint8 hash[BC_HASH_LEN])
{
    if (peer_knows(peer, hash))
        return;
    /* Bounded: past PEER_MAX_KNOWN the oldest is forgotten (at worst announced once more). */
    if (g_queue_get_length(peer->known_order) >= PEER_MAX_KNOWN)
        g_hash_table_remove(peer->known, g_queue_pop_head(peer->known_order));
    guint8 *key = g_memdup2(hash, BC_HASH_LEN);
    g_hash_table_add(peer->known, key);
    g_queue_push_tail(peer->known_order, key);
}

/* ---- writing ---- */

static void write_next(Peer *peer);

static void on_written(GObject *source, GAsyncResult *result, gpointer user_data)
{
    Peer *peer = user_data;
    g_autoptr(GError) error = NULL;
    gboolean ok = g_output_stream_write_all_finish(G_OUTPUT_STREAM(source), result, NULL, &error);
    peer->writing = FALSE;
    if (!peer->closed) {
        GBytes *done = g_queue_pop_head(peer->out);
        peer->out_bytes -= g_bytes_get_size(done);
        g_bytes_unref(done);
        if (ok)
            write_next(peer);
        else
            peer_close(peer, error->message);
    }
    peer_unref(peer);
}

static void write_next(Peer *peer)
{
    if (peer->writing || peer->closed || g_queue_is_empty(peer->out))
        return;
    GBytes *head = g_queue_peek_head(peer->out);
    gsize len = 0;
    const guint8 *data = g_bytes_get_data(head, &len);
    peer->writing = TRUE;
    GOutputStream *out = g_io_stream_get_output_stream(G_IO_STREAM(peer->connection));
    g_output_stream_write_all_async(out, data, len, G_PRIORITY_DEFAULT, peer->cancellable,
                                    on_written, peer_ref(peer));
}

/* The peer in the message log: where it listens when we know, else its address. */
static const gchar *peer_name(const Peer *peer)
{
    return peer->listen != NULL ? peer->listen : peer->address;
}

/* @excerpt peer-send */
void peer_send(Peer *peer, GBytes *frame)
{
    if (peer->closed || frame == NULL)
        return;
    gsize len = g_bytes_get_size(frame);
    if (peer->out_bytes + len > PEER_MAX_SEND_QUEUE) {
        /* It does not read what we send: memory we will not hold for it. */
        g_autofree gchar *why =
            g_strdup_printf("its send queue passed %u bytes", (guint)PEER_MAX_SEND_QUEUE);
        peer_close(peer, why);
        return;
    }
    g_queue_push_tail(peer->out, g_bytes_ref(frame));
    peer->out_bytes += len;
    message_log_sent(peer_name(peer), frame);
    write_next(peer);
}
/* @end peer-send */

/* ---- reading ---- */

static void on_pong(Peer *peer, guint64 nonce)
{
    if (peer->ping_nonce != 0 && nonce == peer->ping_nonce)
        peer->ping_nonce = 0;
}

/* @excerpt peer-dispatch */
/* One decoded message: the handshake's rules first, then the owner. */
static void dispatch(Peer *peer, const Message *m)
{
    /* Its first version says where it listens: the name both ends' logs give it from then. */
    gboolean first_version = m->type == MESSAGE_VERSION && !peer->got_version;
    message_log_received(first_version && *m->version.listen != '\0' ? m->version.listen
                                                                       : peer_name(peer),
                         m);
    if (m->type == MESSAGE_VERSION) {
        if (peer->got_version) {
            peer_misbehaving(peer, 10, "a second version");
            return;
        }
        peer->got_version = TRUE;
        peer->nonce = m->version.nonce;
        peer->best_height = m->version.best_height;
        if (*m->version.listen != '\0')
            peer->listen = g_strdup(m->version.listen);
        peer->callbacks->message(peer, m, peer->user_data); /* may close it */
    } else if (m->type == MESSAGE_VERACK && peer->got_version && !peer->got_verack) {
        peer->got_verack = TRUE;
    } else if (!peer->ready) {
        /* Nothing before both version and verack: we do not know who this is yet. */
        peer_misbehaving(peer, 10, "a message before the handshake");
        return;
    } else if (m->type == MESSAGE_PING) {
        g_autoptr(GBytes) pong = message_encode_ping(MESSAGE_PONG, m->nonce);
        peer_send(peer, pong);
    } else if (m->type == MESSAGE_PONG) {
        on_pong(peer, m->nonce);
    } else if (m->type != MESSAGE_VERACK) {
        peer->callbacks->message(peer, m, peer->user_data);
    }
    if (!peer->ready && !peer->closed && peer->got_version && peer->got_verack) {
        peer->ready = TRUE;
        g_clear_handle_id(&peer->handshake_timer, g_source_remove);
        peer->callbacks->ready(peer, peer->user_data);
    }
}

/* Cuts whole frames off the front of the buffer. A damaged header ends the connection: we
 * cannot know where the next frame starts. A damaged payload costs the frame and points. */
static void read_frames(Peer *peer)
{
    while (!peer->closed && peer->in->len >= MESSAGE_HEADER_LEN) {
        g_autoptr(GError) error = NULL;
        MessageHeader header;
        if (!message_header_parse(peer->in->data, &header, &error)) {
            peer_close(peer, error->message);
            return;
        }
        if (peer->in->len < MESSAGE_HEADER_LEN + header.length)
            return; /* the rest is still on its way */
        g_autoptr(GBytes) payload =
            g_bytes_new(peer->in->data + MESSAGE_HEADER_LEN, header.length);
        g_byte_array_remove_range(peer->in, 0, MESSAGE_HEADER_LEN + header.length);
        g_autoptr(Message) m = message_decode(&header, payload, &error);
        if (m != NULL)
            dispatch(peer, m);
        else if (g_error_matches(error, BC_ERROR, BC_ERROR_NOT_FOUND))
            node_log("ignored message from peer %u: %s", peer->id, error->message);
        else if (g_error_matches(error, BC_ERROR, BC_ERROR_INVALID))
            peer_misbehaving(peer, 10, error->message); /* the checksum */
        else
            peer_misbehaving(peer, 20, error->message); /* malformed or oversized lists */
    }
}
/* @end peer-dispatch */

static void read_more(Peer *peer);

static void on_read(GObject *source, GAsyncResult *result, gpointer user_data)
{
    Peer *peer = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) chunk =
        g_input_stream_read_bytes_finish(G_INPUT_STREAM(source), result, &error);
    if (!peer->closed) {
        if (chunk == NULL) {
            peer_close(peer, error->message);
        } else if (g_bytes_get_size(chunk) == 0) {
            peer_close(peer, "it closed the connection");
        } else {
            peer->last_received = g_get_monotonic_time();
            g_byte_array_append(peer->in, g_bytes_get_data(chunk, NULL), g_bytes_get_size(chunk));
            /* The buffer holds at most one frame being received (header + MESSAGE_MAX_SIZE,
             * checked in the header) plus one chunk. */
            read_frames(peer);
            read_more(peer);
        }
    }
    peer_unref(peer);
}

static void read_more(Peer *peer)
{
    if (peer->closed)
        return;
    GInputStream *in = g_io_stream_get_input_stream(G_IO_STREAM(peer->connection));
    g_input_stream_read_bytes_async(in, READ_CHUNK, G_PRIORITY_DEFAULT, peer->cancellable, on_read,
                                    peer_ref(peer));
}

/* ---- timers ---- */

static gboolean on_handshake_timeout(gpointer user_data)
{
    Peer *peer = user_data;
    peer->handshake_timer = 0;
    g_autofree gchar *reason =
        g_strdup_printf("no handshake within %u s", peer_handshake_timeout_s());
    peer_close(peer, reason);
    return G_SOURCE_REMOVE;
}

/* @excerpt peer-ping */
/* Every interval: a peer whose pong is overdue, or that said nothing for too long, is gone;
 * otherwise it gets a ping with a fresh nonce. */
static gboolean on_ping_timer(gpointer user_data)
{
    Peer *peer = user_data;
    gint64 now = g_get_monotonic_time();
    gint64 timeout = (gint64)peer_timeout_s() * G_USEC_PER_SEC;
    if (peer->ping_nonce != 0 && now - peer->ping_sent > timeout) {
        peer->ping_timer = 0;
        peer_close(peer, "no pong in time");
        return G_SOURCE_REMOVE;
    }
    /* With a ping under way its pong decides; otherwise anything received counts. */
    if (peer->ping_nonce == 0 && now - peer->last_received > timeout) {
        peer->ping_timer = 0;
        peer_close(peer, "silent for too long");
        return G_SOURCE_REMOVE;
    }
    if (peer->ready && peer->ping_nonce == 0) {
        guint64 nonce = 0;
        while (nonce == 0 && bc_random_bytes(&nonce, sizeof nonce, NULL)) {
        }
        peer->ping_nonce = nonce != 0 ? nonce : 1;
        peer->ping_sent = now;
        g_autoptr(GBytes) ping = message_encode_ping(MESSAGE_PING, peer->ping_nonce);
        peer_send(peer, ping);
    }
    return G_SOURCE_CONTINUE;
}
/* @end peer-ping */

static guint next_id = 1;

Peer *peer_new(GSocketConnection *connection, gboolean inbound, const gchar *address,
               const PeerCallbacks *callbacks, gpointer user_data)
{
    /* Messages are small and each is waited for: send each at once. Without this, Nagle's
     * algorithm holds a small write until the last one is acknowledged, and the receiver
     * delays that acknowledgement (40 ms on Linux): 40 ms a hop (make bench-ch08). */
    g_socket_set_option(g_socket_connection_get_socket(connection), IPPROTO_TCP, TCP_NODELAY, 1,
                        NULL);
    Peer *peer = g_new0(Peer, 1);
    peer->refs = 1;
    peer->id = next_id++;
    peer->inbound = inbound;
    peer->address = g_strdup(address);
    g_autoptr(GSocketAddress) remote = g_socket_connection_get_remote_address(connection, NULL);
    if (remote != NULL && G_IS_INET_SOCKET_ADDRESS(remote))
        peer->ip = g_inet_address_to_string(
            g_inet_socket_address_get_address(G_INET_SOCKET_ADDRESS(remote)));
    else
        peer->ip = g_strdup("?");
    peer->callbacks = callbacks;
    peer->user_data = user_data;
    peer->connection = g_object_ref(connection);
    peer->cancellable = g_cancellable_new();
    peer->in = g_byte_array_new();
    peer->out = g_queue_new();
    peer->known = g_hash_table_new_full(hash_hash, hash_equal, g_free, NULL);
    peer->known_order = g_queue_new();
    peer->last_received = g_get_monotonic_time();
    peer->handshake_timer =
        g_timeout_add_seconds(peer_handshake_timeout_s(), on_handshake_timeout, peer);
    peer->ping_timer = g_timeout_add_seconds(ping_interval_s(), on_ping_timer, peer);
    read_more(peer);
    return peer;
}
