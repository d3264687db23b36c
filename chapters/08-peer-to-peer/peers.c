/* peers.c: listening, dialling, limits and bans. */
#include "peers.h"

#include <string.h>
#include <sys/socket.h>

#include "bc_error.h"
#include "log.h"

/* Dialling gives up after this long (BC_CONNECT_TIMEOUT_S shortens it for tests). */
#define CONNECT_TIMEOUT_S 5
/* How often the outbound connections are topped up. */
#define DIAL_INTERVAL_MS 500

struct Peers {
    GSocketService *service;
    GSocketClient *client;
    AddrMan *man;
    gchar *listen;
    guint max_outbound, max_inbound;
    const PeerCallbacks *callbacks;
    gpointer user_data;
    PeerCallbacks own; /* ours, wrapping CALLBACKS */
    GList *peers;      /* Peer *, each with a reference */
    GHashTable *dialling; /* addresses being dialled */
    GHashTable *self;     /* addresses that turned out to be ourselves */
    guint dial_timer;
    gint pending;         /* connects under way */
    gint64 ban_time_s;
    GCancellable *cancellable; /* for the connects under way */
};

static gint64 now_s(void)
{
    return g_get_real_time() / G_USEC_PER_SEC;
}

static guint connect_timeout_s(void)
{
    const gchar *text = g_getenv("BC_CONNECT_TIMEOUT_S");
    guint64 value = 0;
    if (text != NULL && g_ascii_string_to_unsigned(text, 10, 1, 3600, &value, NULL))
        return (guint)value;
    return CONNECT_TIMEOUT_S;
}

static void on_opened(Peer *peer, gpointer user_data)
{
    (void)peer, (void)user_data; /* add_peer tells the node itself, once the peer is listed */
}

static void on_ready(Peer *peer, gpointer user_data)
{
    Peers *peers = user_data;
    if (!peer->inbound)
        addrman_good(peers->man, peer->address, now_s());
    peers->callbacks->ready(peer, peers->user_data);
}

static void on_message(Peer *peer, const Message *m, gpointer user_data)
{
    Peers *peers = user_data;
    peers->callbacks->message(peer, m, peers->user_data);
}

static void on_closed(Peer *peer, gpointer user_data)
{
    Peers *peers = user_data;
    if (peer->banned) {
        addrman_ban(peers->man, peer->ip, now_s() + peers->ban_time_s);
        node_log("banned %s for %" G_GINT64_FORMAT " s", peer->ip, peers->ban_time_s);
    }
    if (!peer->inbound && !peer->ready)
        addrman_failed(peers->man, peer->address, now_s());
    GList *link = g_list_find(peers->peers, peer);
    peers->callbacks->closed(peer, peers->user_data);
    if (link != NULL) {
        peers->peers = g_list_delete_link(peers->peers, link);
        peer_unref(peer);
    }
}

static guint count(Peers *peers, gboolean inbound)
{
    guint n = 0;
    for (GList *l = peers->peers; l != NULL; l = l->next)
        if (((Peer *)l->data)->inbound == inbound)
            n++;
    return n;
}

static void add_peer(Peers *peers, GSocketConnection *connection, gboolean inbound,
                     const gchar *address)
{
    Peer *peer = peer_new(connection, inbound, address, &peers->own, peers);
    peers->peers = g_list_prepend(peers->peers, peer);
    node_log("connected peer %u (%s, %s)", peer->id, address, inbound ? "inbound" : "outbound");
    peers->callbacks->opened(peer, peers->user_data);
}

/* @excerpt peers-incoming */
static gboolean on_incoming(GSocketService *service, GSocketConnection *connection, GObject *source,
                            gpointer user_data)
{
    (void)service, (void)source;
    Peers *peers = user_data;
    g_autoptr(GSocketAddress) remote = g_socket_connection_get_remote_address(connection, NULL);
    if (remote == NULL || !G_IS_INET_SOCKET_ADDRESS(remote))
        return TRUE;
    GInetSocketAddress *inet = G_INET_SOCKET_ADDRESS(remote);
    g_autofree gchar *ip = g_inet_address_to_string(g_inet_socket_address_get_address(inet));
    g_autofree gchar *address =
        g_inet_address_get_family(g_inet_socket_address_get_address(inet)) == G_SOCKET_FAMILY_IPV6
            ? g_strdup_printf("[%s]:%u", ip, g_inet_socket_address_get_port(inet))
            : g_strdup_printf("%s:%u", ip, g_inet_socket_address_get_port(inet));
    if (addrman_is_banned(peers->man, ip, now_s())) {
        node_log("refused connection from %s: banned", address);
        g_io_stream_close(G_IO_STREAM(connection), NULL, NULL);
        return TRUE;
    }
    if (count(peers, TRUE) >= peers->max_inbound) {
        node_log("refused connection from %s: %u inbound peers already", address,
                 peers->max_inbound);
        g_io_stream_close(G_IO_STREAM(connection), NULL, NULL);
        return TRUE;
    }
    add_peer(peers, connection, TRUE, address);
    return TRUE;
}
/* @end peers-incoming */

typedef struct {
    Peers *peers;
    gchar *address;
} Dial;

static void on_connected(GObject *source, GAsyncResult *result, gpointer user_data)
{
    Dial *d = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(GSocketConnection) connection =
        g_socket_client_connect_finish(G_SOCKET_CLIENT(source), result, &error);
    Peers *peers = d->peers;
    peers->pending--;
    g_hash_table_remove(peers->dialling, d->address);
    if (peers->service != NULL) { /* not shutting down */
        if (connection == NULL && g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
            /* shutting down */
        } else if (connection == NULL) {
            node_log("cannot reach %s: %s", d->address, error->message);
            addrman_failed(peers->man, d->address, now_s());
        } else {
            /* GSocketClient leaves its timeout on the socket it connected, where it bounds every
             * read: a peer quiet for CONNECT_TIMEOUT_S, as any peer is between two pings (30 s
             * apart), would be dropped. From here the pings and the peer timeout (peer.c) tell
             * a quiet peer from a gone one, as for an inbound peer. */
            g_socket_set_timeout(g_socket_connection_get_socket(connection), 0);
            add_peer(peers, connection, FALSE, d->address);
        }
    }
    g_free(d->address);
    g_free(d);
}

/* Where to dial ADDRESS. A node's "localhost:PORT" is 127.0.0.1:PORT, as in chapter 7: every
 * node listens there, no resolver is asked, and GSocketClient does not race a ::1 attempt
 * against a 127.0.0.1 one. That race also leaked: with GLib 2.74, a dial whose two attempts were
 * both refused while the event loop was busy was never freed (LeakSanitizer, in the load
 * suite's never-reading peer). */
static GSocketConnectable *dial_target(const gchar *address, GError **error)
{
    guint64 port = 0;
    if (g_str_has_prefix(address, "localhost:") &&
        g_ascii_string_to_unsigned(address + strlen("localhost:"), 10, 1, 65535, &port, NULL))
        return G_SOCKET_CONNECTABLE(g_inet_socket_address_new_from_string("127.0.0.1", (guint)port));
    return g_network_address_parse(address, 0, error);
}

void peers_connect(Peers *peers, const gchar *address)
{
    if (g_hash_table_contains(peers->dialling, address) ||
        g_hash_table_contains(peers->self, address) || g_str_equal(address, peers->listen))
        return;
    g_autoptr(GError) error = NULL;
    g_autoptr(GSocketConnectable) target = dial_target(address, &error);
    if (target == NULL) {
        node_log("cannot reach %s: %s", address, error->message);
        addrman_failed(peers->man, address, now_s());
        return;
    }
    Dial *d = g_new0(Dial, 1);
    d->peers = peers;
    d->address = g_strdup(address);
    g_hash_table_add(peers->dialling, g_strdup(address));
    peers->pending++;
    g_socket_client_connect_async(peers->client, target, peers->cancellable, on_connected, d);
}

/* @excerpt peers-dial */
/* Tops up the outbound connections from the address book: never ourselves, never an address we
 * are connected or dialling to, never one still waiting out its backoff. */
static gboolean on_dial_timer(gpointer user_data)
{
    Peers *peers = user_data;
    g_autoptr(GHashTable) exclude = g_hash_table_new(g_str_hash, g_str_equal);
    g_hash_table_add(exclude, peers->listen);
    GHashTableIter it;
    gpointer key;
    g_hash_table_iter_init(&it, peers->self);
    while (g_hash_table_iter_next(&it, &key, NULL))
        g_hash_table_add(exclude, key);
    g_hash_table_iter_init(&it, peers->dialling);
    while (g_hash_table_iter_next(&it, &key, NULL))
        g_hash_table_add(exclude, key);
    for (GList *l = peers->peers; l != NULL; l = l->next) {
        Peer *peer = l->data;
        g_hash_table_add(exclude, peer->address);
        if (peer->listen != NULL)
            g_hash_table_add(exclude, peer->listen);
    }
    while (count(peers, FALSE) + (guint)peers->pending < peers->max_outbound) {
        const gchar *address = addrman_select(peers->man, now_s(), exclude);
        if (address == NULL)
            break;
        g_hash_table_add(exclude, (gpointer)address);
        peers_connect(peers, address);
    }
    return G_SOURCE_CONTINUE;
}
/* @end peers-dial */

void peers_start(Peers *peers)
{
    peers->dial_timer = g_timeout_add(DIAL_INTERVAL_MS, on_dial_timer, peers);
}

GPtrArray *peers_ready(Peers *peers)
{
    GPtrArray *ready = g_ptr_array_new_with_free_func((GDestroyNotify)peer_unref);
    for (GList *l = peers->peers; l != NULL; l = l->next) {
        Peer *peer = l->data;
        if (peer->ready && !peer->closed)
            g_ptr_array_add(ready, peer_ref(peer));
    }
    return ready;
}

void peers_add_self(Peers *peers, const gchar *address)
{
    g_hash_table_add(peers->self, g_strdup(address));
    addrman_remove(peers->man, address);
}

Peer *peers_find_nonce(Peers *peers, guint64 nonce, Peer *except)
{
    for (GList *l = peers->peers; l != NULL; l = l->next) {
        Peer *peer = l->data;
        if (peer != except && peer->got_version && !peer->closed && peer->nonce == nonce)
            return peer;
    }
    return NULL;
}

/* Binds every address HOST resolves to, at PORT; at least one must work. */
static gboolean listen_on(GSocketListener *listener, const gchar *listen, GError **error)
{
    g_autoptr(GError) local = NULL;
    g_autoptr(GSocketConnectable) where = g_network_address_parse(listen, 0, &local);
    if (where == NULL) {
        g_set_error(error, BC_ERROR, BC_ERROR_INVALID_ARGUMENT, "cannot listen on %s: %s", listen,
                    local->message);
        return FALSE;
    }
    guint16 port = g_network_address_get_port(G_NETWORK_ADDRESS(where));
    g_autoptr(GSocketAddressEnumerator) e = g_socket_connectable_enumerate(where);
    guint bound = 0;
    g_autoptr(GError) last = NULL;
    for (;;) {
        g_autoptr(GError) one = NULL;
        g_autoptr(GSocketAddress) address = g_socket_address_enumerator_next(e, NULL, &one);
        if (address == NULL) {
            if (one != NULL && last == NULL)
                last = g_steal_pointer(&one);
            break;
        }
        if (g_socket_listener_add_address(listener, address, G_SOCKET_TYPE_STREAM,
                                          G_SOCKET_PROTOCOL_TCP, NULL, NULL, &one)) {
            bound++;
        } else if (g_error_matches(one, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE)) {
            g_set_error(error, BC_ERROR, BC_ERROR_IO,
                        "port %u is busy: another node or program is listening on it", port);
            return FALSE;
        } else {
            g_clear_error(&last);
            last = g_steal_pointer(&one); /* e.g. ::1 on a host without IPv6: try the others */
        }
    }
    if (bound == 0) {
        g_set_error(error, BC_ERROR, BC_ERROR_IO, "cannot listen on %s: %s", listen,
                    last != NULL ? last->message : "no address");
        return FALSE;
    }
    return TRUE;
}

Peers *peers_new(const gchar *listen, AddrMan *man, guint max_outbound, guint max_inbound,
                 const PeerCallbacks *callbacks, gpointer user_data, GError **error)
{
    g_autoptr(GSocketService) service = g_socket_service_new();
    /* The backlog is the kernel's queue of connections it has completed and we have not yet
     * accepted; when it is full the kernel drops the next SYN and that peer tries again only
     * after its 1 s retransmit timeout. It is not the inbound cap: a connection past the cap
     * must be accepted to be refused, so a backlog of MAX_INBOUND made a burst of 200 peers wait
     * a second or more (135 of them, measured) just to be told no. The queue costs us no file
     * descriptor (the kernel holds it, capped by net.core.somaxconn), so it gets the system's
     * maximum, as Go's listener takes it. Set before the sockets are added, or it has no
     * effect. */
    g_socket_listener_set_backlog(G_SOCKET_LISTENER(service), SOMAXCONN);
    if (!listen_on(G_SOCKET_LISTENER(service), listen, error))
        return NULL;
    Peers *peers = g_new0(Peers, 1);
    peers->service = g_steal_pointer(&service);
    peers->client = g_socket_client_new();
    g_socket_client_set_timeout(peers->client, connect_timeout_s());
    peers->man = man;
    peers->listen = g_strdup(listen);
    peers->max_outbound = max_outbound;
    peers->max_inbound = max_inbound;
    peers->callbacks = callbacks;
    peers->user_data = user_data;
    peers->own = (PeerCallbacks){on_opened, on_ready, on_message, on_closed};
    peers->cancellable = g_cancellable_new();
    peers->dialling = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    peers->self = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    const gchar *ban = g_getenv("BC_BAN_TIME_S");
    guint64 value = 0;
    peers->ban_time_s = ban != NULL && g_ascii_string_to_unsigned(ban, 10, 1, G_MAXINT32, &value,
                                                                  NULL)
                            ? (gint64)value
                            : PEERS_BAN_TIME_S;
    g_signal_connect(peers->service, "incoming", G_CALLBACK(on_incoming), peers);
    g_socket_service_start(peers->service);
    return peers;
}

void peers_free(Peers *peers)
{
    if (peers == NULL)
        return;
    g_clear_handle_id(&peers->dial_timer, g_source_remove);
    g_socket_service_stop(peers->service);
    g_socket_listener_close(G_SOCKET_LISTENER(peers->service));
    g_clear_object(&peers->service);
    /* Close every connection and let the callbacks run, so nothing is left behind. */
    while (peers->peers != NULL)
        peer_close(peers->peers->data, "stopping");
    g_cancellable_cancel(peers->cancellable);
    while (peers->pending > 0)
        g_main_context_iteration(NULL, TRUE);
    for (gint i = 0; i < 100 && g_main_context_pending(NULL); i++)
        g_main_context_iteration(NULL, FALSE);
    g_object_unref(peers->client);
    g_object_unref(peers->cancellable);
    g_hash_table_unref(peers->dialling);
    g_hash_table_unref(peers->self);
    g_free(peers->listen);
    g_free(peers);
}
