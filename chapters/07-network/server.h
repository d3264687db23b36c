/* server.h: the node's transport. One message per connection, as in the article: the sender
 * connects, writes the message and closes; the receiver reads until the end, within limits. */
#pragma once
#include <glib.h>

/* A connection that has not sent a whole message after this long is dropped. */
#define SERVER_READ_TIMEOUT_S 5
/* Connecting and writing to a peer is given up after this long. */
#define SERVER_SEND_TIMEOUT_S 5

/* Called on the main loop with each complete message received. */
typedef void (*ServerMessageFunc)(GBytes *message, gpointer user_data);

typedef struct Server Server;

/* Listens on 127.0.0.1:PORT; BC_ERROR_IO "port N is busy" when it is taken. */
Server *server_new(guint16 port, ServerMessageFunc func, gpointer user_data, GError **error);
void server_free(Server *server);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Server, server_free)

/* Sends MESSAGE to ADDRESS ("host:port") in the background; a failure is logged, not fatal. */
void server_send(Server *server, const gchar *address, GBytes *message);

/* Sends MESSAGE and waits until it is written: for commands, which exit right after. */
gboolean server_send_sync(const gchar *address, GBytes *message, GError **error);
