/* control.h: the control socket (chapter 10). While a node runs it holds its database, so the
 * commands that read or change the node's state ask the node itself, over a Unix socket next to
 * the database, node_NODE_ID.sock: mode 0600, and a client of another user is refused. One
 * request per connection, each frame a 4-byte little-endian length and a GVariant
 * (control_codec.h). */
#pragma once
#include <gio/gio.h>

#include "control_codec.h"

#define CONTROL_SOCKET_FORMAT "node_%s.sock"
/* A client that has not sent its whole request this long after connecting is dropped
 * (BC_CONTROL_TIMEOUT_S in tests); one that does not read its answer for CONTROL_ANSWER_TIMEOUT_S
 * likewise. */
#define CONTROL_TIMEOUT_S 5
#define CONTROL_ANSWER_TIMEOUT_S 60
/* Control clients served at once; the next ones are told to come back later. With the request
 * size limit this bounds what the node holds for them: 16 x 64 KiB. */
#define CONTROL_MAX_CLIENTS 16
/* Connections the kernel queues before the node accepts them. */
#define CONTROL_BACKLOG 64
/* How long a command waits for the node's answer. */
#define CONTROL_CLIENT_TIMEOUT_S 60

/* Runs the request on the node's main loop and returns the command's exit status (0, or 1 with
 * ERROR set); what it prints goes to OUT. */
typedef gint (*ControlHandler)(const ControlRequest *request, GString *out, GError **error,
                               gpointer user_data);

typedef struct ControlServer ControlServer;

/* Listens on PATH. BC_ERROR_EXISTS when a node answers there already (a second node with the
 * same NODE_ID); a socket file nobody answers on is stale, left by a node that died, and is
 * removed first. */
ControlServer *control_server_new(const gchar *path, ControlHandler handler, gpointer user_data,
                                  GError **error);
/* Closes every client, stops listening and removes the socket file. */
void control_server_free(ControlServer *server);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ControlServer, control_server_free)

/* The client side. A connection to the node at PATH, or NULL: with ERROR unset when no node
 * runs there (no socket file, or nobody listening: the caller opens the files itself), else with
 * the reason (permission denied, ...). */
GSocket *control_connect(const gchar *path, GError **error);
/* Sends REQUEST over SOCKET and reads the node's ANSWER. */
gboolean control_call(GSocket *socket, const ControlRequest *request, ControlAnswer *answer,
                      GError **error);
