/* control.c: the control socket, served on the node's main loop without ever blocking it, and
 * the client side the commands use. */
#include "control.h"

#include <errno.h>
#include <gio/gunixsocketaddress.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bc_error.h"
#include "log.h"

struct ControlServer {
    gchar *path;
    GSocketService *service;
    ControlHandler handler;
    gpointer user_data;
    GList *clients; /* Client, at most CONTROL_MAX_CLIENTS */
    guint n_clients;
    guint next_id;
};

/* One connection: its request is read, answered, and the connection closed. */
typedef struct {
    ControlServer *server;
    guint id;
    GSocketConnection *connection;
    GCancellable *cancel;
    guint timer;
    guint8 header[4];
    guint8 *body;
    gsize size;
    GBytes *answer;
} Client;

static guint timeout_s(void)
{
    const gchar *text = g_getenv("BC_CONTROL_TIMEOUT_S");
    guint64 value = 0;
    if (text != NULL && g_ascii_string_to_unsigned(text, 10, 1, 3600, &value, NULL))
        return (guint)value;
    return CONTROL_TIMEOUT_S;
}

/* The 4-byte little-endian length in front of every frame. */
static guint32 read_length(const guint8 bytes[4])
{
    guint32 le;
    memcpy(&le, bytes, 4);
    return GUINT32_FROM_LE(le);
}

static GBytes *frame(GBytes *payload)
{
    gsize size = g_bytes_get_size(payload);
    g_assert(size <= G_MAXUINT32);
    GByteArray *out = g_byte_array_sized_new((guint)size + 4);
    guint32 le = GUINT32_TO_LE((guint32)size);
    g_byte_array_append(out, (const guint8 *)&le, 4);
    g_byte_array_append(out, g_bytes_get_data(payload, NULL), (guint)size);
    return g_byte_array_free_to_bytes(out);
}

static GBytes *error_answer(const gchar *message)
{
    ControlAnswer answer = {1, (gchar *)"", (gchar *)message};
    g_autoptr(GBytes) payload = control_answer_encode(&answer);
    return frame(payload);
}

static void client_free(Client *client)
{
    ControlServer *server = client->server;
    server->clients = g_list_remove(server->clients, client);
    server->n_clients--;
    g_clear_handle_id(&client->timer, g_source_remove);
    g_io_stream_close(G_IO_STREAM(client->connection), NULL, NULL);
    g_object_unref(client->connection);
    g_object_unref(client->cancel);
    g_free(client->body);
    g_clear_pointer(&client->answer, g_bytes_unref);
    g_free(client);
}

static gboolean on_timeout(gpointer user_data)
{
    Client *client = user_data;
    client->timer = 0;
    node_log("dropped control client %u: too slow", client->id);
    g_cancellable_cancel(client->cancel); /* the pending read or write ends, and frees it */
    return G_SOURCE_REMOVE;
}

static void restart_timer(Client *client, guint seconds)
{
    g_clear_handle_id(&client->timer, g_source_remove);
    client->timer = g_timeout_add_seconds(seconds, on_timeout, client);
}

static void on_written(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_output_stream_write_all_finish(G_OUTPUT_STREAM(source), result, NULL, NULL);
    client_free(user_data); /* written or not, this connection is done */
}

static void answer(Client *client, GBytes *framed)
{
    client->answer = framed;
    restart_timer(client, CONTROL_ANSWER_TIMEOUT_S);
    GOutputStream *out = g_io_stream_get_output_stream(G_IO_STREAM(client->connection));
    g_output_stream_write_all_async(out, g_bytes_get_data(framed, NULL), g_bytes_get_size(framed),
                                    G_PRIORITY_DEFAULT, client->cancel, on_written, client);
}

/* @excerpt control-run */
static void on_body(GObject *source, GAsyncResult *result, gpointer user_data)
{
    Client *client = user_data;
    gsize n = 0;
    if (!g_input_stream_read_all_finish(G_INPUT_STREAM(source), result, &n, NULL) ||
        n < client->size) {
        client_free(client); /* it hung up, or was too slow */
        return;
    }
    g_autoptr(GBytes) raw = g_bytes_new_take(g_steal_pointer(&client->body), client->size);
    g_auto(ControlRequest) request = {0};
    g_autoptr(GError) error = NULL;
    g_autoptr(GString) text = g_string_new(NULL);
    ControlAnswer reply = {0};
    if (!control_request_decode(raw, &request, &error)) {
        reply.status = 1;
    } else {
        reply.status = client->server->handler(&request, text, &error, client->server->user_data);
        g_assert((reply.status == 0) == (error == NULL));
    }
    reply.out = text->str;
    reply.error = error != NULL ? error->message : (gchar *)"";
    g_autoptr(GBytes) payload = control_answer_encode(&reply);
    answer(client, frame(payload));
}
/* @end control-run */

static void on_header(GObject *source, GAsyncResult *result, gpointer user_data)
{
    Client *client = user_data;
    gsize n = 0;
    if (!g_input_stream_read_all_finish(G_INPUT_STREAM(source), result, &n, NULL) || n < 4) {
        client_free(client);
        return;
    }
    guint32 size = read_length(client->header);
    /* The bound on what one client makes the node hold: the body is read only when it fits. */
    if (size > CONTROL_MAX_REQUEST) {
        g_autofree gchar *why = g_strdup_printf(
            "a control request of %u bytes is over the limit of %d", size, CONTROL_MAX_REQUEST);
        node_log("dropped control client %u: %s", client->id, why);
        answer(client, error_answer(why));
        return;
    }
    client->size = size;
    client->body = g_malloc(MAX(size, 1));
    GInputStream *in = g_io_stream_get_input_stream(G_IO_STREAM(client->connection));
    g_input_stream_read_all_async(in, client->body, size, G_PRIORITY_DEFAULT, client->cancel,
                                  on_body, client);
}

/* A refusal, sent without waiting: a new socket's buffer holds it, and when it does not, the
 * client is simply closed. */
static void refuse(GSocketConnection *connection, const gchar *why)
{
    g_autoptr(GBytes) framed = error_answer(why);
    GSocket *socket = g_socket_connection_get_socket(connection);
    g_socket_send_with_blocking(socket, g_bytes_get_data(framed, NULL), g_bytes_get_size(framed),
                                FALSE, NULL, NULL);
    g_io_stream_close(G_IO_STREAM(connection), NULL, NULL);
}

/* @excerpt control-credentials */
static gboolean on_incoming(GSocketService *service, GSocketConnection *connection, GObject *source,
                            gpointer user_data)
{
    (void)service, (void)source;
    ControlServer *server = user_data;
    /* The kernel tells who is at the other end (SO_PEERCRED): only our own user may ask. The
     * file's mode 0600 says so already; this holds even when the mode is changed, and for root,
     * whom file modes do not stop. */
    g_autoptr(GError) error = NULL;
    g_autoptr(GCredentials) creds =
        g_socket_get_credentials(g_socket_connection_get_socket(connection), &error);
    uid_t uid = creds != NULL ? g_credentials_get_unix_user(creds, &error) : (uid_t)-1;
    if (creds == NULL || uid == (uid_t)-1 || uid != getuid()) {
        g_autofree gchar *why =
            creds == NULL || uid == (uid_t)-1
                ? g_strdup_printf("cannot tell who the control client is: %s", error->message)
                : g_strdup_printf("permission denied: the node runs as uid %u, not %u",
                                  (guint)getuid(), (guint)uid);
        node_log("refused a control client: %s", why);
        refuse(connection, why);
        return TRUE;
    }
    if (server->n_clients >= CONTROL_MAX_CLIENTS) {
        node_log("refused a control client: %d served already", CONTROL_MAX_CLIENTS);
        refuse(connection, "the node serves " G_STRINGIFY(CONTROL_MAX_CLIENTS)
                           " control clients already: try again");
        return TRUE;
    }
    /* @end control-credentials */
    Client *client = g_new0(Client, 1);
    client->server = server;
    client->id = ++server->next_id;
    client->connection = g_object_ref(connection);
    client->cancel = g_cancellable_new();
    server->clients = g_list_prepend(server->clients, client);
    server->n_clients++;
    restart_timer(client, timeout_s());
    GInputStream *in = g_io_stream_get_input_stream(G_IO_STREAM(connection));
    g_input_stream_read_all_async(in, client->header, sizeof client->header, G_PRIORITY_DEFAULT,
                                  client->cancel, on_header, client);
    return TRUE;
}

static GSocketAddress *socket_address(const gchar *path, GError **error)
{
    if (strlen(path) >= 108) { /* sizeof sun_path on Linux */
        g_set_error(error, BC_ERROR, BC_ERROR_INVALID_ARGUMENT,
                    "the control socket's path is too long: %s", path);
        return NULL;
    }
    return g_unix_socket_address_new(path);
}

GSocket *control_connect(const gchar *path, GError **error)
{
    g_autoptr(GSocketAddress) address = socket_address(path, error);
    if (address == NULL)
        return NULL;
    g_autoptr(GSocket) socket =
        g_socket_new(G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT, error);
    if (socket == NULL)
        return NULL;
    g_socket_set_timeout(socket, CONTROL_CLIENT_TIMEOUT_S);
    g_autoptr(GError) local = NULL;
    /* A Unix socket whose backlog is full says EAGAIN instead of making us wait: a busy node,
     * asked again for up to a second. */
    for (guint tries = 0; !g_socket_connect(socket, address, NULL, &local) &&
                          g_error_matches(local, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK) &&
                          tries < 100;
         tries++) {
        g_clear_error(&local);
        g_usleep(10 * 1000);
    }
    if (local != NULL) {
        /* No file, or a file nobody listens on (a node that died): no node runs. */
        if (g_error_matches(local, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) ||
            g_error_matches(local, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
            return NULL;
        g_set_error(error, BC_ERROR, BC_ERROR_IO, "cannot reach the node at %s: %s", path,
                    local->message);
        return NULL;
    }
    return g_steal_pointer(&socket);
}

static gboolean send_all(GSocket *socket, const guint8 *data, gsize size, GError **error)
{
    while (size > 0) {
        gssize n = g_socket_send(socket, (const gchar *)data, size, NULL, error);
        if (n < 0)
            return FALSE;
        data += n;
        size -= (gsize)n;
    }
    return TRUE;
}

static gboolean receive_all(GSocket *socket, guint8 *data, gsize size, GError **error)
{
    while (size > 0) {
        gssize n = g_socket_receive(socket, (gchar *)data, size, NULL, error);
        if (n < 0)
            return FALSE;
        if (n == 0) {
            g_set_error_literal(error, BC_ERROR, BC_ERROR_NETWORK,
                                "the node closed the control connection before it answered");
            return FALSE;
        }
        data += n;
        size -= (gsize)n;
    }
    return TRUE;
}

gboolean control_call(GSocket *socket, const ControlRequest *request, ControlAnswer *answer,
                      GError **error)
{
    g_autoptr(GBytes) payload = control_request_encode(request);
    g_autoptr(GBytes) framed = frame(payload);
    g_autoptr(GError) local = NULL;
    g_autoptr(GError) sent = NULL;
    guint8 header[4];
    /* A node that refuses us (another user, too many clients) answers and closes at once, maybe
     * before our request is written: its answer is read even when the write failed. */
    send_all(socket, g_bytes_get_data(framed, NULL), g_bytes_get_size(framed), &sent);
    if (!receive_all(socket, header, sizeof header, &local)) {
        g_set_error(error, BC_ERROR, BC_ERROR_NETWORK, "control socket: %s",
                    (sent != NULL ? sent : local)->message);
        return FALSE;
    }
    guint32 size = read_length(header);
    if (size > CONTROL_MAX_ANSWER) {
        g_set_error(error, BC_ERROR, BC_ERROR_TOO_LARGE,
                    "the node's answer of %u bytes is over the limit of %d", size,
                    CONTROL_MAX_ANSWER);
        return FALSE;
    }
    g_autofree guint8 *body = g_malloc(MAX(size, 1));
    if (!receive_all(socket, body, size, &local)) {
        g_set_error(error, BC_ERROR, BC_ERROR_NETWORK, "control socket: %s", local->message);
        return FALSE;
    }
    g_autoptr(GBytes) raw = g_bytes_new_take(g_steal_pointer(&body), size);
    return control_answer_decode(raw, answer, error);
}

/* @excerpt control-listen */
/* A socket file left by a node that died answers nobody: it is removed. One a node answers on is
 * that node's: a second node with the same NODE_ID stops here instead of taking it over. */
static gboolean clear_stale(const gchar *path, GError **error)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return TRUE; /* no file */
    if (!S_ISSOCK(st.st_mode)) {
        g_set_error(error, BC_ERROR, BC_ERROR_EXISTS, "%s is in the way and not a socket", path);
        return FALSE;
    }
    g_autoptr(GError) local = NULL;
    g_autoptr(GSocket) other = control_connect(path, &local);
    if (other != NULL || local != NULL) {
        g_set_error(error, BC_ERROR, BC_ERROR_EXISTS,
                    "a node with this NODE_ID runs already: it answers on %s", path);
        return FALSE;
    }
    node_log("removed a stale %s", path);
    return unlink(path) == 0 || errno == ENOENT;
}

ControlServer *control_server_new(const gchar *path, ControlHandler handler, gpointer user_data,
                                  GError **error)
{
    g_autoptr(GSocketAddress) address = socket_address(path, error);
    if (address == NULL || !clear_stale(path, error))
        return NULL;
    g_autoptr(GSocket) socket =
        g_socket_new(G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT, error);
    if (socket == NULL)
        return NULL;
    /* Made 0600 from the start (umask during bind): never, even for a moment, open to others.
     * The miner's threads create no files, so the process-wide umask is ours here. */
    mode_t old = umask(0177);
    gboolean bound = g_socket_bind(socket, address, FALSE, error);
    umask(old);
    if (!bound)
        return NULL;
    g_socket_set_listen_backlog(socket, CONTROL_BACKLOG);
    if (!g_socket_listen(socket, error)) {
        unlink(path);
        return NULL;
    }
    ControlServer *server = g_new0(ControlServer, 1);
    server->path = g_strdup(path);
    server->handler = handler;
    server->user_data = user_data;
    server->service = g_socket_service_new();
    if (!g_socket_listener_add_socket(G_SOCKET_LISTENER(server->service), socket, NULL, error)) {
        control_server_free(server);
        return NULL;
    }
    g_signal_connect(server->service, "incoming", G_CALLBACK(on_incoming), server);
    g_socket_service_start(server->service);
    return server;
}
/* @end control-listen */

void control_server_free(ControlServer *server)
{
    if (server == NULL)
        return;
    g_socket_service_stop(server->service);
    g_socket_listener_close(G_SOCKET_LISTENER(server->service));
    g_signal_handlers_disconnect_by_data(server->service, server);
    g_object_unref(server->service);
    /* Each pending read or write ends with CANCELLED and frees its client. */
    for (GList *l = server->clients; l != NULL; l = l->next)
        g_cancellable_cancel(((Client *)l->data)->cancel);
    while (server->clients != NULL)
        g_main_context_iteration(NULL, TRUE);
    unlink(server->path);
    g_free(server->path);
    g_free(server);
}
