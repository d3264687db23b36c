/* server.c: listening, reading bounded messages, and sending, on GIO's main loop. */
#include "server.h"

#include <gio/gio.h>

#include "bc_error.h"
#include "log.h"
#include "message.h"

/* More simultaneous connections than this are closed at once: a flood cannot exhaust us. */
#define SERVER_MAX_CONNECTIONS 64
#define READ_CHUNK 65536

struct Server {
    GSocketService *service;
    GSocketClient *client;
    ServerMessageFunc func;
    gpointer user_data;
    GList *readers; /* connections being read */
    GList *senders; /* messages being sent */
};

/* @excerpt server-read */
typedef struct {
    Server *server;
    GSocketConnection *connection;
    GByteArray *data;
    GCancellable *cancellable;
    guint timeout_id;
    gboolean timed_out;
} Reader;

static void reader_finish(Reader *r)
{
    r->server->readers = g_list_remove(r->server->readers, r);
    if (r->timeout_id != 0)
        g_source_remove(r->timeout_id);
    g_io_stream_close(G_IO_STREAM(r->connection), NULL, NULL);
    g_object_unref(r->connection);
    g_object_unref(r->cancellable);
    g_byte_array_unref(r->data);
    g_free(r);
}

static void read_more(Reader *r);

static void on_read(GObject *source, GAsyncResult *result, gpointer user_data)
{
    Reader *r = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) chunk =
        g_input_stream_read_bytes_finish(G_INPUT_STREAM(source), result, &error);
    if (chunk == NULL) {
        if (r->timed_out)
            node_log("dropped connection: no whole message within %d s", SERVER_READ_TIMEOUT_S);
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

static void read_more(Reader *r)
{
    GInputStream *in = g_io_stream_get_input_stream(G_IO_STREAM(r->connection));
    g_input_stream_read_bytes_async(in, READ_CHUNK, G_PRIORITY_DEFAULT, r->cancellable, on_read, r);
}

/* A peer that connects and then stalls is cut off, so it cannot hold a connection forever. */
static gboolean on_timeout(gpointer user_data)
{
    Reader *r = user_data;
    r->timeout_id = 0;
    r->timed_out = TRUE;
    g_cancellable_cancel(r->cancellable);
    return G_SOURCE_REMOVE;
}

static gboolean on_incoming(GSocketService *service, GSocketConnection *connection, GObject *source,
                            gpointer user_data)
{
    (void)service, (void)source;
    Server *server = user_data;
    if (g_list_length(server->readers) >= SERVER_MAX_CONNECTIONS) {
        node_log("dropped connection: %d connections are open already", SERVER_MAX_CONNECTIONS);
        g_io_stream_close(G_IO_STREAM(connection), NULL, NULL);
        return TRUE;
    }
    Reader *r = g_new0(Reader, 1);
    r->server = server;
    r->connection = g_object_ref(connection);
    r->data = g_byte_array_new();
    r->cancellable = g_cancellable_new();
    r->timeout_id = g_timeout_add_seconds(SERVER_READ_TIMEOUT_S, on_timeout, r);
    server->readers = g_list_prepend(server->readers, r);
    read_more(r);
    return TRUE;
}
/* @end server-read */

Server *server_new(guint16 port, ServerMessageFunc func, gpointer user_data, GError **error)
{
    g_autoptr(GSocketService) service = g_socket_service_new();
    g_autoptr(GSocketAddress) address = g_inet_socket_address_new_from_string("127.0.0.1", port);
    g_autoptr(GError) local = NULL;
    /* Room for a burst of connections before the kernel makes newcomers wait (set before the
     * socket is added, or it has no effect). */
    g_socket_listener_set_backlog(G_SOCKET_LISTENER(service), SERVER_MAX_CONNECTIONS);
    if (!g_socket_listener_add_address(G_SOCKET_LISTENER(service), address, G_SOCKET_TYPE_STREAM,
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
    server->service = g_steal_pointer(&service);
    server->client = g_socket_client_new();
    g_socket_client_set_timeout(server->client, SERVER_SEND_TIMEOUT_S);
    server->func = func;
    server->user_data = user_data;
    g_signal_connect(server->service, "incoming", G_CALLBACK(on_incoming), server);
    g_socket_service_start(server->service);
    return server;
}

/* @excerpt server-send */
typedef struct {
    Server *server;
    gchar *address;
    GBytes *message;
    GSocketConnection *connection;
    GCancellable *cancellable;
} Sender;

static void sender_finish(Sender *s, const GError *error)
{
    if (error != NULL && !g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        node_log("cannot reach %s: %s", s->address, error->message);
    s->server->senders = g_list_remove(s->server->senders, s);
    if (s->connection != NULL) {
        g_io_stream_close(G_IO_STREAM(s->connection), NULL, NULL);
        g_object_unref(s->connection);
    }
    g_object_unref(s->cancellable);
    g_bytes_unref(s->message);
    g_free(s->address);
    g_free(s);
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
    s->connection = g_socket_client_connect_to_host_finish(G_SOCKET_CLIENT(source), result, &error);
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

void server_send(Server *server, const gchar *address, GBytes *message)
{
    Sender *s = g_new0(Sender, 1);
    s->server = server;
    s->address = g_strdup(address);
    s->message = g_bytes_ref(message);
    s->cancellable = g_cancellable_new();
    server->senders = g_list_prepend(server->senders, s);
    g_socket_client_connect_to_host_async(server->client, address, 0, s->cancellable, on_connected,
                                          s);
}
/* @end server-send */

gboolean server_send_sync(const gchar *address, GBytes *message, GError **error)
{
    g_autoptr(GSocketClient) client = g_socket_client_new();
    g_socket_client_set_timeout(client, SERVER_SEND_TIMEOUT_S);
    g_autoptr(GError) local = NULL;
    g_autoptr(GSocketConnection) connection =
        g_socket_client_connect_to_host(client, address, 0, NULL, &local);
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
    g_socket_service_stop(server->service);
    g_socket_listener_close(G_SOCKET_LISTENER(server->service));
    /* Cancel what is still under way and let the callbacks run, so nothing is left behind. */
    for (GList *l = server->readers; l != NULL; l = l->next)
        g_cancellable_cancel(((Reader *)l->data)->cancellable);
    for (GList *l = server->senders; l != NULL; l = l->next)
        g_cancellable_cancel(((Sender *)l->data)->cancellable);
    while (server->readers != NULL || server->senders != NULL)
        g_main_context_iteration(NULL, TRUE);
    g_object_unref(server->service);
    g_object_unref(server->client);
    g_free(server);
}
