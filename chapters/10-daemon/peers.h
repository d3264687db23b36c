/* peers.h: the set of connections and its limits (chapter 8; Bitcoin Core calls it the
 * connection manager). It listens, accepts up to a limit, refuses banned addresses, and keeps
 * up to a number of outbound connections open, chosen from the address book and dialled again
 * with a growing delay when they fail. */
#pragma once
#include <gio/gio.h>

#include "addrman.h"
#include "peer.h"

#define PEERS_MAX_OUTBOUND 8 /* defaults, as in Bitcoin Core */
#define PEERS_MAX_INBOUND 64
/* How long a banned IP address stays banned unless BC_BAN_TIME_S says otherwise: a day. */
#define PEERS_BAN_TIME_S (24 * 3600)

typedef struct Peers Peers;

/* Listens on LISTEN ("host:port"; every address the host resolves to). BC_ERROR_IO "port N is
 * busy" when it is taken. CALLBACKS' ready and message reach the node; closed is handled here
 * (a banned peer's IP goes into MAN's ban list) and then passed on. */
Peers *peers_new(const gchar *listen, AddrMan *man, guint max_outbound, guint max_inbound,
                 const PeerCallbacks *callbacks, gpointer user_data, GError **error);
void peers_free(Peers *peers);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Peers, peers_free)

/* Dials ADDRESS now (a -connect address or the central node), whatever its backoff. */
void peers_connect(Peers *peers, const gchar *address);
/* Starts the timer that keeps the outbound connections filled from the address book. */
void peers_start(Peers *peers);
/* The peers whose handshake is done (the array holds references). */
GPtrArray *peers_ready(Peers *peers);
/* Remembers that ADDRESS is ourselves, so it is never dialled again. */
void peers_add_self(Peers *peers, const gchar *address);
/* The peer (handshake done or not) whose version carried NONCE, other than EXCEPT, or NULL. */
Peer *peers_find_nonce(Peers *peers, guint64 nonce, Peer *except);
