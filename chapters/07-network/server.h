/* server.h: the node's transport. One message per connection, as in the article: the sender
 * connects, writes the message and closes; the receiver reads until the end, within limits. */
#pragma once
#include <glib.h>

/* A connection that has not sent a whole message after this long is dropped. */
#define SERVER_READ_TIMEOUT_S 5
/* ... and so is one that sends nothing for this long in the middle of a message: a peer
 * trickling one byte at a time cannot hold a connection for the whole SERVER_READ_TIMEOUT_S. */
#define SERVER_IDLE_TIMEOUT_MS 1000
/* Connecting and writing to a peer is given up after this long. */
#define SERVER_SEND_TIMEOUT_S 5
/* At most this many connections are read at once; a new one then evicts the oldest. */
#define SERVER_MAX_CONNECTIONS 64
/* At most this many messages are being sent at once; more wait in a queue of at most
 * SERVER_MAX_QUEUED_SENDS, and beyond that they are dropped (and logged once). */
#define SERVER_MAX_SENDS 64
#define SERVER_MAX_QUEUED_SENDS 1024

/* Called on the main loop with each complete message received. */
typedef void (*ServerMessageFunc)(GBytes *message, gpointer user_data);
/* Called when a message to ADDRESS was written (REACHED) or could not be (refused, timed out).
 * A message dropped because the queue was full is not reported: the peer did nothing wrong. */
typedef void (*ServerSentFunc)(const gchar *address, gboolean reached, gpointer user_data);

typedef struct Server Server;

/* Listens on 127.0.0.1:PORT; BC_ERROR_IO "port N is busy" when it is taken. SENT may be NULL. */
Server *server_new(guint16 port, ServerMessageFunc func, ServerSentFunc sent, gpointer user_data,
                   GError **error);
void server_free(Server *server);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Server, server_free)

/* Sends MESSAGE to ADDRESS ("host:port") in the background; a failure is logged, not fatal. */
void server_send(Server *server, const gchar *address, GBytes *message);

/* Sends MESSAGE and waits until it is written: for commands, which exit right after. */
gboolean server_send_sync(const gchar *address, GBytes *message, GError **error);
