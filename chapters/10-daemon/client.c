/* client.c: one blocking connection, for a command that hands a transaction to a node. */
#include "client.h"

#include <gio/gio.h>
#include <string.h>

#include "bc_error.h"
#include "bc_random.h"
#include "message.h"

/* Reads one frame, checked as a node checks it. NULL with an error on a closed or bad stream. */
static Message *read_message(GInputStream *in, GError **error)
{
    guint8 bytes[MESSAGE_HEADER_LEN];
    gsize got = 0;
    MessageHeader header;
    if (!g_input_stream_read_all(in, bytes, sizeof bytes, &got, NULL, error))
        return NULL;
    if (got < sizeof bytes) {
        g_set_error(error, BC_ERROR, BC_ERROR_NETWORK, "the node closed the connection");
        return NULL;
    }
    if (!message_header_parse(bytes, &header, error))
        return NULL;
    g_autofree guint8 *payload = g_malloc(MAX(header.length, 1));
    if (!g_input_stream_read_all(in, payload, header.length, &got, NULL, error))
        return NULL;
    if (got < header.length) {
        g_set_error(error, BC_ERROR, BC_ERROR_NETWORK, "the node closed the connection");
        return NULL;
    }
    g_autoptr(GBytes) body = g_bytes_new(payload, header.length);
    return message_decode(&header, body, error);
}

static gboolean write_message(GOutputStream *out, GBytes *frame, GError **error)
{
    gsize len = 0;
    const guint8 *data = g_bytes_get_data(frame, &len);
    return g_output_stream_write_all(out, data, len, NULL, NULL, error);
}

/* @excerpt client-send */
static gboolean exchange(GSocketConnection *connection, GBytes *tx, const guint8 id[BC_HASH_LEN],
                         GError **error)
{
    GInputStream *in = g_io_stream_get_input_stream(G_IO_STREAM(connection));
    GOutputStream *out = g_io_stream_get_output_stream(G_IO_STREAM(connection));
    guint64 nonce = 0, ping = 0;
    if (!bc_random_bytes(&nonce, sizeof nonce, error) || !bc_random_bytes(&ping, sizeof ping, error))
        return FALSE;
    /* Height 0 and no listen address: a passing command, not a node to sync from or dial. */
    g_autoptr(GBytes) version = message_encode_version(0, nonce, "");
    if (!write_message(out, version, error))
        return FALSE;
    gboolean got_version = FALSE, got_verack = FALSE;
    while (!got_version || !got_verack) {
        g_autoptr(Message) m = read_message(in, error);
        if (m == NULL)
            return FALSE;
        if (m->type == MESSAGE_VERSION && !got_version) {
            got_version = TRUE;
            g_autoptr(GBytes) verack = message_encode_empty(MESSAGE_VERACK);
            if (!write_message(out, verack, error))
                return FALSE;
        } else if (m->type == MESSAGE_VERACK) {
            got_verack = TRUE;
        }
    }
    /* A node handles a connection's messages in order: the pong comes after its verdict. */
    g_autoptr(GBytes) tx_frame = message_encode_data(MESSAGE_TX, tx);
    g_autoptr(GBytes) ping_frame = message_encode_ping(MESSAGE_PING, ping);
    if (!write_message(out, tx_frame, error) || !write_message(out, ping_frame, error))
        return FALSE;
    for (;;) {
        g_autoptr(Message) m = read_message(in, error);
        if (m == NULL)
            return FALSE;
        if (m->type == MESSAGE_REJECT && memcmp(m->reject.id, id, BC_HASH_LEN) == 0) {
            g_set_error(error, BC_ERROR, BC_ERROR_INVALID, "the node rejected the transaction: %s",
                        m->reject.reason);
            return FALSE;
        }
        if (m->type == MESSAGE_PONG && m->nonce == ping)
            return TRUE;
    }
}
/* @end client-send */

gboolean client_send_transaction(const gchar *address, GBytes *tx, const guint8 id[BC_HASH_LEN],
                                 GError **error)
{
    g_autoptr(GSocketClient) client = g_socket_client_new();
    g_socket_client_set_timeout(client, CLIENT_TIMEOUT_S); /* connect, and every read after */
    g_autoptr(GError) local = NULL;
    g_autoptr(GSocketConnection) connection =
        g_socket_client_connect_to_host(client, address, 0, NULL, &local);
    if (connection == NULL || !exchange(connection, tx, id, &local)) {
        gint code = g_error_matches(local, BC_ERROR, BC_ERROR_INVALID) ? BC_ERROR_INVALID
                                                                       : BC_ERROR_NETWORK;
        g_set_error(error, BC_ERROR, code, "%s: %s", address, local->message);
        return FALSE;
    }
    g_io_stream_close(G_IO_STREAM(connection), NULL, NULL);
    return TRUE;
}
