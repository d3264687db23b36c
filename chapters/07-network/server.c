/* server.c: listening, reading bounded messages, and sending, on GIO's main loop.
 *
 * Everything a peer can make us hold is bounded here: SERVER_MAX_CONNECTIONS connections read
 * at once (a new one evicts the oldest), each for at most SERVER_READ_TIMEOUT_S and with a byte
 * at least every SERVER_IDLE_TIMEOUT_MS; SERVER_MAX_SENDS connections out at once, each given up
 * after SERVER_SEND_TIMEOUT_S, and SERVER_MAX_QUEUED_SENDS messages waiting for one. */
#include "server.h"

#include <gio/gio.h>
#include <string.h>
#include <sys/socket.h>

#include "bc_error.h"
#include "log.h"
#include "message.h"

#define READ_CHUNK 65536
/* When accept() fails (no file descriptor left, most often), it is tried again this much later
 * instead of at once: GSocketService retries in a tight loop and logs each failure. */
#define SERVER_ACCEPT_RETRY_MS 100

struct Server {
    GSocketListener *listener;
    GCancellable *accept_cancellable;
    gboolean accepting;     /* an accept is under way */
    gboolean accept_failed; /* the last accept failed: said once, until one succeeds */
    guint accept_retry_id;
    GSocketClient *client;
    ServerMessageFunc func;
    ServerSentFunc sent;
    gpointer user_data;
    GQueue readers;  /* connections being read, oldest first */
    GQueue sending;  /* messages being sent (at most SERVER_MAX_SENDS) */
    GQueue queued;   /* messages waiting for a free send (at most SERVER_MAX_QUEUED_SENDS) */
    guint n_dropped; /* messages dropped since the queue was last empty */
    guint n_expired; /* ... and messages that waited longer than a send may take */
    guint n_alive;   /* readers and senders whose callbacks have not finished yet */
    gboolean stopping;
};

/* Where to connect for ADDRESS. A node's "localhost:PORT" is 127.0.0.1:PORT, where every node
 * listens: no resolver is asked, and no connection to ::1 is tried (and refused) first. */
static GSocketConnectable *connectable_for(const gchar *address, GError **error)
{
    guint64 port = 0;
    if (g_str_has_prefix(address, "localhost:") &&
        g_ascii_string_to_unsigned(address + strlen("localhost:"), 10, 1, 65535, &port, NULL))
        return G_SOCKET_CONNECTABLE(g_inet_socket_address_new_from_string("127.0.0.1", (guint)port));
    return g_network_address_parse(address, 0, error);
}

/* @excerpt server-read */
typedef struct {
    Server *server;
    GList *link; /* in server->readers; NULL once evicted */
    GSocketConnection *connection;
    GByteArray *data;
    GCancellable *cancellable;
    guint timeout_id, idle_id;
    gchar *why; /* when we cut the connection off: the reason, logged */
} Reader;

static void reader_finish(Reader *r)
{
    if (r->link != NULL)
        g_queue_delete_link(&r->server->readers, r->link);
    if (r->timeout_id != 0)
        g_source_remove(r->timeout_id);
    if (r->idle_id != 0)
        g_source_remove(r->idle_id);
    g_io_stream_close(G_IO_STREAM(r->connection), NULL, NULL);
    g_object_unref(r->connection);
    g_object_unref(r->cancellable);
    g_byte_array_unref(r->data);
    r->server->n_alive--;
    g_free(r->why);
    g_free(r);
}

/* Cuts R off; its pending read then ends with G_IO_ERROR_CANCELLED and logs WHY. */
static void reader_cut(Reader *r, gchar *why)
{
    if (r->why == NULL)
        r->why = why;
    else
        g_free(why);
    g_cancellable_cancel(r->cancellable);
}

static void read_more(Reader *r);

static void on_read(GObject *source, GAsyncResult *result, gpointer user_data)
{
    Reader *r = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) chunk =
        g_input_stream_read_bytes_finish(G_INPUT_STREAM(source), result, &error);
    if (chunk == NULL) {
        if (r->why != NULL)
            node_log("dropped connection: %s", r->why);
        else if (!g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            node_log("dropped connection: %s", error->message);
        reader_finish(r);
        return;
    }
    gsize n = g_bytes_get_size(chunk);
    if (n == 0) {
        /* The sender closed: the message is complete. */
        g_autoptr(GBytes) message = g_byte_array_free_to_bytes(g_steal_pointer(&r->data));
        r->data = g_byte_array_new();
        Server *server = r->server;
        reader_finish(r);
        server->func(message, server->user_data);
        return;
    }
    if (r->data->len + n > MESSAGE_MAX_SIZE) {
        node_log("dropped message: more than %d bytes", MESSAGE_MAX_SIZE);
        reader_finish(r);
        return;
    }
    g_byte_array_append(r->data, g_bytes_get_data(chunk, NULL), n);
    read_more(r);
}

/* A peer that sends nothing for SERVER_IDLE_TIMEOUT_MS is cut off. */
static gboolean on_idle_timeout(gpointer user_data)
{
    Reader *r = user_data;
    r->idle_id = 0;
    reader_cut(r, g_strdup_printf("no data for %d ms", SERVER_IDLE_TIMEOUT_MS));
    return G_SOURCE_REMOVE;
}

static void read_more(Reader *r)
{
    /* Every chunk restarts the idle clock: the message must keep moving. */
    if (r->idle_id != 0)
        g_source_remove(r->idle_id);
    r->idle_id = g_timeout_add(SERVER_IDLE_TIMEOUT_MS, on_idle_timeout, r);
    GInputStream *in = g_io_stream_get_input_stream(G_IO_STREAM(r->connection));
    g_input_stream_read_bytes_async(in, READ_CHUNK, G_PRIORITY_DEFAULT, r->cancellable, on_read, r);
}

/* A peer that connects and then stalls is cut off, so it cannot hold a connection forever. */
static gboolean on_timeout(gpointer user_data)
{
    Reader *r = user_data;
    r->timeout_id = 0;
    reader_cut(r, g_strdup_printf("no whole message within %d s", SERVER_READ_TIMEOUT_S));
    return G_SOURCE_REMOVE;
}

static void on_incoming(Server *server, GSocketConnection *connection)
{
    /* At the cap the oldest unfinished read makes room: slow peers cannot lock new ones out,
     * and an honest message, read in milliseconds, is never the oldest for long. */
    if (server->readers.length >= SERVER_MAX_CONNECTIONS) {
        Reader *oldest = g_queue_peek_head(&server->readers);
        g_queue_delete_link(&server->readers, oldest->link);
        oldest->link = NULL;
        reader_cut(oldest, g_strdup_printf("the oldest of %d unfinished reads, evicted for a new one",
                                           SERVER_MAX_CONNECTIONS));
    }
    Reader *r = g_new0(Reader, 1);
    r->server = server;
    r->connection = g_object_ref(connection);
    r->data = g_byte_array_new();
    r->cancellable = g_cancellable_new();
    r->timeout_id = g_timeout_add_seconds(SERVER_READ_TIMEOUT_S, on_timeout, r);
    g_queue_push_tail(&server->readers, r);
    r->link = server->readers.tail;
    server->n_alive++;
    read_more(r);
}
/* @end server-read */

/* @excerpt server-accept */
static void accept_next(Server *server);

static gboolean on_accept_retry(gpointer user_data)
{
    Server *server = user_data;
    server->accept_retry_id = 0;
    accept_next(server);
    return G_SOURCE_REMOVE;
}

static void on_accepted(GObject *source, GAsyncResult *result, gpointer user_data)
{
    Server *server = user_data;
    server->accepting = FALSE;
    g_autoptr(GError) error = NULL;
    g_autoptr(GSocketConnection) connection =
        g_socket_listener_accept_finish(G_SOCKET_LISTENER(source), result, NULL, &error);
    if (server->stopping)
        return;
    if (connection == NULL) {
        /* Most often no file descriptor is left: waiting lets timeouts free some. */
        if (!server->accept_failed)
            node_log("cannot accept connections: %s; trying again every %d ms", error->message,
                     SERVER_ACCEPT_RETRY_MS);
        server->accept_failed = TRUE;
        server->accept_retry_id = g_timeout_add(SERVER_ACCEPT_RETRY_MS, on_accept_retry, server);
        return;
    }
    if (server->accept_failed)
        node_log("accepting connections again");
    server->accept_failed = FALSE;
    on_incoming(server, connection);
    accept_next(server);
}

static void accept_next(Server *server)
{
    server->accepting = TRUE;
    g_socket_listener_accept_async(server->listener, server->accept_cancellable, on_accepted,
                                   server);
}
/* @end server-accept */

Server *server_new(guint16 port, ServerMessageFunc func, ServerSentFunc sent, gpointer user_data,
                   GError **error)
{
    g_autoptr(GSocketListener) listener = g_socket_listener_new();
    g_autoptr(GSocketAddress) address = g_inet_socket_address_new_from_string("127.0.0.1", port);
    g_autoptr(GError) local = NULL;
    /* The backlog is the kernel's queue of connections it has completed but we have not yet
     * accepted. One message per connection means a sender's connect returns, its message is
     * written and closed before we even accept: a burst of senders (or one node's 64 sends at
     * once) fills the queue faster than one main loop drains it, whatever our reader cap. When
     * the queue is full the kernel drops the SYN and the sender tries again only after its 1 s
     * retransmit timeout; with the old backlog of 64 that was 1 connect in 40 under load (the
     * kernel's ListenOverflows count matched the senders' SYN retransmits, and no TIME_WAIT
     * count was ever exceeded). So the queue gets the system's maximum, SOMAXCONN, as Go's
     * listener takes it: it costs us no file descriptor (the kernel holds the connections, and
     * caps them at net.core.somaxconn), and our own bounds apply once we accept. Set before the
     * socket is added, or it has no effect. */
    g_socket_listener_set_backlog(listener, SOMAXCONN);
    if (!g_socket_listener_add_address(listener, address, G_SOCKET_TYPE_STREAM,
                                       G_SOCKET_PROTOCOL_TCP, NULL, NULL, &local)) {
        if (g_error_matches(local, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
            g_set_error(error, BC_ERROR, BC_ERROR_IO,
                        "port %u is busy: another node or program is listening on it", port);
        else
            g_set_error(error, BC_ERROR, BC_ERROR_IO, "cannot listen on port %u: %s", port,
                        local->message);
        return NULL;
    }

    Server *server = g_new0(Server, 1);
    server->listener = g_steal_pointer(&listener);
    server->accept_cancellable = g_cancellable_new();
    /* No timeout of the client's own: each send has its own clock and cancellable. */
    server->client = g_socket_client_new();
    /* Nodes talk to 127.0.0.1 directly: no proxy settings to look up for each connection. */
    g_socket_client_set_enable_proxy(server->client, FALSE);
    server->func = func;
    server->sent = sent;
    server->user_data = user_data;
    accept_next(server);
    return server;
}

/* @excerpt server-send */
typedef struct {
    Server *server;
    gchar *address;
    GBytes *message;
    GSocketConnection *connection;
    GCancellable *cancellable;
    guint timeout_id;
    gboolean timed_out;
    gint64 queued_at; /* when server_send was called */
} Sender;

static void sender_free(Sender *s)
{
    if (s->connection != NULL) {
        g_io_stream_close(G_IO_STREAM(s->connection), NULL, NULL);
        g_object_unref(s->connection);
    }
    g_clear_object(&s->cancellable);
    g_bytes_unref(s->message);
    g_free(s->address);
    g_free(s);
}

static void sender_start(Sender *s);

/* Starts queued messages while there is room. One that waited longer than a whole send may
 * take has timed out already: it is given up (a failure to reach its peer), so that the queue
 * drains within SERVER_SEND_TIMEOUT_S of its peer going silent, not one batch per timeout. */
static void start_queued(Server *server)
{
    gint64 now = g_get_monotonic_time();
    while (!server->stopping && server->sending.length < SERVER_MAX_SENDS &&
           server->queued.length > 0) {
        Sender *s = g_queue_pop_head(&server->queued);
        if (now - s->queued_at < SERVER_SEND_TIMEOUT_S * G_USEC_PER_SEC) {
            sender_start(s);
            continue;
        }
        server->n_expired++;
        if (server->sent != NULL)
            server->sent(s->address, FALSE, server->user_data);
        sender_free(s);
    }
    if (server->queued.length == 0 && server->n_dropped + server->n_expired > 0) {
        node_log("send queue drained: %u messages were dropped, %u waited too long",
                 server->n_dropped, server->n_expired);
        server->n_dropped = server->n_expired = 0;
    }
}

/* Gives up the queued messages to ADDRESS, which has just let a send time out: each would
 * wait for its turn only to time out too. */
static void expire_queued_to(Server *server, const gchar *address)
{
    for (GList *l = server->queued.head, *next; l != NULL; l = next) {
        next = l->next;
        Sender *s = l->data;
        if (!g_str_equal(s->address, address))
            continue;
        g_queue_delete_link(&server->queued, l);
        server->n_expired++;
        if (server->sent != NULL)
            server->sent(s->address, FALSE, server->user_data);
        sender_free(s);
    }
}

static void sender_finish(Sender *s, const GError *error)
{
    Server *server = s->server;
    if (s->timeout_id != 0)
        g_source_remove(s->timeout_id);
    if (s->timed_out && !server->stopping)
        expire_queued_to(server, s->address);
    if (s->timed_out)
        node_log("cannot reach %s: no answer within %d s", s->address, SERVER_SEND_TIMEOUT_S);
    else if (error != NULL && !g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        node_log("cannot reach %s: %s", s->address, error->message);
    g_queue_remove(&server->sending, s);
    server->n_alive--;
    if (server->sent != NULL && !server->stopping)
        server->sent(s->address, error == NULL, server->user_data);
    sender_free(s);
    start_queued(server);
}

static void on_written(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GError) error = NULL;
    g_output_stream_write_all_finish(G_OUTPUT_STREAM(source), result, NULL, &error);
    sender_finish(user_data, error);
}

static void on_connected(GObject *source, GAsyncResult *result, gpointer user_data)
{
    Sender *s = user_data;
    g_autoptr(GError) error = NULL;
    s->connection = g_socket_client_connect_finish(G_SOCKET_CLIENT(source), result, &error);
    if (s->connection == NULL) {
        sender_finish(s, error);
        return;
    }
    gsize len = 0;
    const guint8 *data = g_bytes_get_data(s->message, &len);
    GOutputStream *out = g_io_stream_get_output_stream(G_IO_STREAM(s->connection));
    g_output_stream_write_all_async(out, data, len, G_PRIORITY_DEFAULT, s->cancellable, on_written,
                                    s);
}

/* Connecting and writing together get SERVER_SEND_TIMEOUT_S: then the send is cancelled. */
static gboolean on_send_timeout(gpointer user_data)
{
    Sender *s = user_data;
    s->timeout_id = 0;
    s->timed_out = TRUE;
    g_cancellable_cancel(s->cancellable);
    return G_SOURCE_REMOVE;
}

static void sender_start(Sender *s)
{
    Server *server = s->server;
    s->cancellable = g_cancellable_new();
    g_queue_push_tail(&server->sending, s);
    server->n_alive++;
    g_autoptr(GError) error = NULL;
    g_autoptr(GSocketConnectable) target = connectable_for(s->address, &error);
    if (target == NULL) {
        sender_finish(s, error);
        return;
    }
    s->timeout_id = g_timeout_add_seconds(SERVER_SEND_TIMEOUT_S, on_send_timeout, s);
    g_socket_client_connect_async(server->client, target, s->cancellable, on_connected, s);
}

void server_send(Server *server, const gchar *address, GBytes *message)
{
    if (server->sending.length >= SERVER_MAX_SENDS &&
        server->queued.length >= SERVER_MAX_QUEUED_SENDS) {
        /* Said once, then counted until the queue is empty again. */
        if (server->n_dropped++ == 0)
            node_log("dropped a message to %s: %d sends under way and %d waiting (more are "
                     "dropped until the queue drains)",
                     address, SERVER_MAX_SENDS, SERVER_MAX_QUEUED_SENDS);
        return;
    }
    Sender *s = g_new0(Sender, 1);
    s->server = server;
    s->address = g_strdup(address);
    s->message = g_bytes_ref(message);
    s->queued_at = g_get_monotonic_time();
    if (server->sending.length >= SERVER_MAX_SENDS)
        g_queue_push_tail(&server->queued, s);
    else
        sender_start(s);
}
/* @end server-send */

gboolean server_send_sync(const gchar *address, GBytes *message, GError **error)
{
    g_autoptr(GSocketClient) client = g_socket_client_new();
    g_socket_client_set_timeout(client, SERVER_SEND_TIMEOUT_S);
    g_socket_client_set_enable_proxy(client, FALSE);
    g_autoptr(GError) local = NULL;
    g_autoptr(GSocketConnectable) target = connectable_for(address, &local);
    g_autoptr(GSocketConnection) connection =
        target != NULL ? g_socket_client_connect(client, target, NULL, &local) : NULL;
    gsize len = 0;
    const guint8 *data = g_bytes_get_data(message, &len);
    if (connection == NULL ||
        !g_output_stream_write_all(g_io_stream_get_output_stream(G_IO_STREAM(connection)), data,
                                   len, NULL, NULL, &local) ||
        !g_io_stream_close(G_IO_STREAM(connection), NULL, &local)) {
        g_set_error(error, BC_ERROR, BC_ERROR_NETWORK, "cannot reach %s: %s", address,
                    local->message);
        return FALSE;
    }
    return TRUE;
}

void server_free(Server *server)
{
    if (server == NULL)
        return;
    server->stopping = TRUE;
    if (server->accept_retry_id != 0)
        g_source_remove(server->accept_retry_id);
    g_cancellable_cancel(server->accept_cancellable);
    /* Cancel what is still under way and let the callbacks run, so nothing is left behind. */
    for (GList *l = server->readers.head; l != NULL; l = l->next)
        g_cancellable_cancel(((Reader *)l->data)->cancellable);
    for (GList *l = server->sending.head; l != NULL; l = l->next)
        g_cancellable_cancel(((Sender *)l->data)->cancellable);
    g_queue_clear_full(&server->queued, (GDestroyNotify)sender_free);
    while (server->n_alive > 0 || server->accepting)
        g_main_context_iteration(NULL, TRUE);
    g_socket_listener_close(server->listener);
    g_object_unref(server->listener);
    g_object_unref(server->accept_cancellable);
    g_object_unref(server->client);
    g_free(server);
}
