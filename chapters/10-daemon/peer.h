/* peer.h: one connection to another node, kept open and used both ways (chapter 8).
 * Bytes are read as they come into a buffer and cut into frames; writes wait in a bounded
 * queue. The handshake, ping/pong, timeouts and the misbehaviour score live here; what a
 * message means is the node's business (node.c). */
#pragma once
#include <gio/gio.h>

#include "message.h"

/* A peer whose unsent messages pass this many bytes does not read: it is dropped. Four of the
 * largest messages: enough for any answer we give, and what one slow peer may cost us. */
#define PEER_MAX_SEND_QUEUE (4 * MESSAGE_MAX_SIZE)
/* A peer reaching this score is disconnected and its IP address banned. */
#define PEER_BAN_SCORE 100
/* Hashes remembered per peer as known to it, so nothing is announced to it twice. */
#define PEER_MAX_KNOWN 5000

typedef struct Peer Peer;

/* What the owner (peers.c) is told; all run on the main loop. */
typedef struct {
    /* A new connection; an outbound one should send its version now. */
    void (*opened)(Peer *peer, gpointer user_data);
    /* The handshake is done: PEER's version and verack have both arrived. */
    void (*ready)(Peer *peer, gpointer user_data);
    /* A message: the first version, and after the handshake anything but verack, ping and
     * pong, which peer.c answers itself. */
    void (*message)(Peer *peer, const Message *message, gpointer user_data);
    /* The connection is closed (peer->close_reason says why); the owner drops its reference. */
    void (*closed)(Peer *peer, gpointer user_data);
} PeerCallbacks;

struct Peer {
    guint id;           /* for the log: "peer 3" */
    gboolean inbound;   /* it connected to us */
    gchar *address;     /* "host:port": what we dialled, or where it connected from */
    gchar *ip;          /* its IP address as text: what a ban names */
    gchar *listen;      /* from its version: where it accepts connections, or NULL */
    guint64 nonce;      /* from its version */
    gint32 best_height; /* from its version, raised by the blocks it sends */
    gboolean got_version, got_verack, ready;
    gboolean sent_getaddr_answer; /* one getaddr per connection is answered */
    gboolean sent_locator;        /* a getblocks is under way to this peer */
    gint score;                   /* misbehaviour points */
    gboolean banned;              /* closed because the score reached PEER_BAN_SCORE */
    gchar *close_reason;          /* set once closed */
    gboolean closed;

    /* private to peer.c */
    gint refs;
    const PeerCallbacks *callbacks;
    gpointer user_data;
    GSocketConnection *connection;
    GCancellable *cancellable;
    GByteArray *in;      /* bytes read, not yet a whole frame */
    GQueue *out;         /* GBytes frames waiting to be written, oldest first */
    gsize out_bytes;     /* their total size, <= PEER_MAX_SEND_QUEUE */
    gboolean writing;    /* the head of OUT is being written */
    GHashTable *known;   /* hashes this peer has or was told of */
    GQueue *known_order; /* the same, oldest first, to forget the oldest past PEER_MAX_KNOWN */
    guint handshake_timer, ping_timer;
    gint64 last_received; /* monotonic microseconds */
    guint64 ping_nonce;   /* the ping waiting for its pong, 0 for none */
    gint64 ping_sent;
};

/* The timeouts, in seconds, from the environment when set (tests make them short):
 * BC_HANDSHAKE_TIMEOUT_S (10), BC_PING_INTERVAL_S (30), BC_PEER_TIMEOUT_S (90). */
guint peer_handshake_timeout_s(void);

/* A peer on CONNECTION, already connected; reading starts at once. */
Peer *peer_new(GSocketConnection *connection, gboolean inbound, const gchar *address,
               const PeerCallbacks *callbacks, gpointer user_data);
Peer *peer_ref(Peer *peer);
void peer_unref(Peer *peer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Peer, peer_unref)

/* Queues FRAME (an encoded message); a peer whose queue passes PEER_MAX_SEND_QUEUE is closed. */
void peer_send(Peer *peer, GBytes *frame);
/* Closes the connection (once), logs REASON, tells the owner. */
void peer_close(Peer *peer, const gchar *reason);
/* Adds POINTS to the peer's score for REASON; at PEER_BAN_SCORE it is closed and banned. */
void peer_misbehaving(Peer *peer, gint points, const gchar *reason);

/* Per-peer known inventory: whether PEER has HASH, and remembering that it has. */
gboolean peer_knows(Peer *peer, const guint8 hash[BC_HASH_LEN]);
void peer_add_known(Peer *peer, const guint8 hash[BC_HASH_LEN]);
