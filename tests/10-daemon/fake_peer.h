/* fake_peer.h: a scripted peer, in the spirit of Bitcoin Core's P2PInterface
 * (test/functional/test_framework/p2p.py): it connects to a node from a chosen 127.0.0.x
 * address, writes exactly the bytes a test wants (whole frames, frames cut into pieces, broken
 * ones) and reads the node's frames with a deadline. It answers the node's pings unless told not
 * to, so that a test is not dropped as silent while it waits. Header-only, like node_harness.h. */
#pragma once
#include <string.h>

#include "bc_hash.h"
#include "bc_variant.h"
#include "message.h"
#include "node_harness.h"

typedef struct {
    GSocketConnection *connection;
    GInputStream *in;
    GOutputStream *out;
    gboolean no_pong; /* leave the node's pings unanswered */
    gboolean eof;     /* the node closed the connection */
} FakePeer;

G_GNUC_UNUSED static FakePeer *fake_connect(const gchar *from_ip, guint16 port)
{
    FakePeer *fake = g_new0(FakePeer, 1);
    fake->connection = connect_from(from_ip, port);
    g_socket_set_timeout(g_socket_connection_get_socket(fake->connection),
                         (guint)NODE_HARNESS_DEADLINE_S);
    fake->in = g_io_stream_get_input_stream(G_IO_STREAM(fake->connection));
    fake->out = g_io_stream_get_output_stream(G_IO_STREAM(fake->connection));
    return fake;
}

G_GNUC_UNUSED static void fake_free(FakePeer *fake)
{
    if (fake == NULL)
        return;
    g_io_stream_close(G_IO_STREAM(fake->connection), NULL, NULL);
    g_object_unref(fake->connection);
    g_free(fake);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(FakePeer, fake_free)

/* Writes bytes; a write error (the node closed on us) is not an error here. */
static void fake_write(FakePeer *fake, const void *data, gsize len)
{
    g_output_stream_write_all(fake->out, data, len, NULL, NULL, NULL);
}

G_GNUC_UNUSED static void fake_send(FakePeer *fake, GBytes *frame)
{
    CU_ASSERT_PTR_NOT_NULL_FATAL(frame);
    fake_write(fake, g_bytes_get_data(frame, NULL), g_bytes_get_size(frame));
}

/* A frame built by hand: COMMAND and PAYLOAD (bytes), with a correct header and checksum. */
G_GNUC_UNUSED static GBytes *raw_frame(const gchar *command, GBytes *payload)
{
    gsize len = 0;
    const guint8 *data = g_bytes_get_data(payload, &len);
    guint8 header[MESSAGE_HEADER_LEN] = {0};
    memcpy(header, message_magic, MESSAGE_MAGIC_LEN);
    memcpy(header + MESSAGE_MAGIC_LEN, command, strlen(command));
    guint32 le = GUINT32_TO_LE((guint32)len);
    memcpy(header + MESSAGE_MAGIC_LEN + MESSAGE_COMMAND_LEN, &le, 4);
    guint8 hash[BC_HASH_LEN];
    bc_double_sha256(data, len, hash);
    memcpy(header + MESSAGE_HEADER_LEN - MESSAGE_CHECKSUM_LEN, hash, MESSAGE_CHECKSUM_LEN);
    GByteArray *wire = g_byte_array_new();
    g_byte_array_append(wire, header, sizeof header);
    g_byte_array_append(wire, data, len);
    return g_byte_array_free_to_bytes(wire);
}

/* The next frame from the node, or NULL when it closed the connection (fake->eof) or the
 * deadline passed. Pings are answered and skipped unless no_pong is set. */
static Message *fake_read(FakePeer *fake)
{
    for (;;) {
        guint8 header_bytes[MESSAGE_HEADER_LEN];
        gsize got = 0;
        g_autoptr(GError) error = NULL;
        if (!g_input_stream_read_all(fake->in, header_bytes, sizeof header_bytes, &got, NULL,
                                     &error) ||
            got < sizeof header_bytes) {
            fake->eof = error == NULL || !g_error_matches(error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
            return NULL;
        }
        MessageHeader header;
        g_assert_true(message_header_parse(header_bytes, &header, NULL));
        g_autofree guint8 *payload = g_malloc(MAX(header.length, 1));
        g_assert_true(
            g_input_stream_read_all(fake->in, payload, header.length, &got, NULL, NULL));
        g_autoptr(GBytes) body = g_bytes_new(payload, header.length);
        Message *m = message_decode(&header, body, &error);
        g_assert_no_error(error);
        if (m->type == MESSAGE_PING && !fake->no_pong) {
            g_autoptr(GBytes) pong = message_encode_ping(MESSAGE_PONG, m->nonce);
            fake_send(fake, pong);
            message_free(m);
            continue;
        }
        return m;
    }
}

/* Reads until a message of TYPE comes (others are skipped); NULL when none comes. */
G_GNUC_UNUSED static Message *fake_expect(FakePeer *fake, MessageType type)
{
    for (;;) {
        Message *m = fake_read(fake);
        if (m == NULL || m->type == type)
            return m;
        message_free(m);
    }
}

/* Whether the node closes the connection within the deadline (frames before it are skipped). */
G_GNUC_UNUSED static gboolean fake_closed(FakePeer *fake)
{
    for (;;) {
        Message *m = fake_read(fake);
        if (m == NULL)
            return fake->eof;
        message_free(m);
    }
}

/* Version (height 0, a random nonce, not listening), then the node's version and verack. */
G_GNUC_UNUSED static void fake_handshake(FakePeer *fake)
{
    g_autoptr(GBytes) version = message_encode_version(0, g_random_int() | 1, "");
    fake_send(fake, version);
    g_autoptr(Message) theirs = fake_expect(fake, MESSAGE_VERSION);
    CU_ASSERT_PTR_NOT_NULL_FATAL(theirs);
    g_autoptr(Message) verack = fake_expect(fake, MESSAGE_VERACK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(verack);
    g_autoptr(GBytes) ours = message_encode_empty(MESSAGE_VERACK);
    fake_send(fake, ours);
}

/* Whether the node still answers: a ping with a fresh nonce gets its pong. */
G_GNUC_UNUSED static gboolean fake_ping_ok(FakePeer *fake)
{
    guint64 nonce = ((guint64)g_random_int() << 32) | g_random_int() | 1;
    g_autoptr(GBytes) ping = message_encode_ping(MESSAGE_PING, nonce);
    fake_send(fake, ping);
    for (;;) {
        g_autoptr(Message) m = fake_expect(fake, MESSAGE_PONG);
        if (m == NULL)
            return FALSE;
        if (m->nonce == nonce)
            return TRUE;
    }
}
