/* test_message.c: frames survive a round trip, and every damaged header or payload is refused
 * with the error that decides the connection's fate. */
#include <string.h>

#include "bc_error.h"
#include "bc_test.h"
#include "bc_variant.h"
#include "message.h"

static Message *decode(GBytes *wire, gint code)
{
    g_autoptr(GError) error = NULL;
    Message *m = message_decode_frame(wire, &error);
    if (code == 0) {
        if (error != NULL)
            g_printerr("\n  unexpected error: %s\n", error->message);
        CU_ASSERT_PTR_NOT_NULL(m);
    } else {
        CU_ASSERT_PTR_NULL(m);
        CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, code));
    }
    return m;
}

static void test_round_trips(void)
{
    g_autoptr(GBytes) v = message_encode_version(7, 0x1122334455667788u, "[::1]:3000");
    g_autoptr(Message) version = decode(v, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(version);
    CU_ASSERT_EQUAL(version->version.version, NODE_VERSION);
    CU_ASSERT_EQUAL(version->version.best_height, 7);
    CU_ASSERT_EQUAL(version->version.nonce, 0x1122334455667788u);
    CU_ASSERT_STRING_EQUAL(version->version.listen, "[::1]:3000");

    g_autoptr(GBytes) p = message_encode_ping(MESSAGE_PONG, 42);
    g_autoptr(Message) pong = decode(p, 0);
    CU_ASSERT_EQUAL(pong->type, MESSAGE_PONG);
    CU_ASSERT_EQUAL(pong->nonce, 42);

    guint8 hashes[3 * BC_HASH_LEN];
    for (guint i = 0; i < sizeof hashes; i++)
        hashes[i] = (guint8)i;
    g_autoptr(GBytes) g = message_encode_inv(MESSAGE_GETDATA, MESSAGE_KIND_TX, hashes, 3);
    g_autoptr(Message) getdata = decode(g, 0);
    CU_ASSERT_EQUAL(getdata->type, MESSAGE_GETDATA);
    CU_ASSERT_EQUAL(getdata->inv.n_items, 3);
    CU_ASSERT_EQUAL(memcmp(getdata->inv.items, hashes, sizeof hashes), 0);

    MessageAddr addrs[] = {{"127.0.0.2:3001", 5}, {"example.org:8333", 6}};
    g_autoptr(GBytes) a = message_encode_addr(addrs, 2);
    g_autoptr(Message) addr = decode(a, 0);
    CU_ASSERT_EQUAL(addr->addr.n_items, 2);
    CU_ASSERT_STRING_EQUAL(addr->addr.items[1].address, "example.org:8333");
    CU_ASSERT_EQUAL(addr->addr.items[1].time, 6);

    g_autoptr(GBytes) r = message_encode_reject(hashes, "bad\nsignature");
    g_autoptr(Message) reject = decode(r, 0);
    CU_ASSERT_STRING_EQUAL(reject->reject.reason, "bad?signature");
}

static GBytes *changed(GBytes *wire, gsize at, guint8 value)
{
    GByteArray *copy = g_byte_array_new();
    g_byte_array_append(copy, g_bytes_get_data(wire, NULL), g_bytes_get_size(wire));
    copy->data[at] = value;
    return g_byte_array_free_to_bytes(copy);
}

static void test_damaged_frames(void)
{
    g_autoptr(GBytes) ping = message_encode_ping(MESSAGE_PING, 1);
    gsize last = g_bytes_get_size(ping) - 1;
    g_autoptr(GBytes) magic = changed(ping, 0, 0x00);
    g_free(decode(magic, BC_ERROR_CORRUPT));
    g_autoptr(GBytes) padding = changed(ping, MESSAGE_MAGIC_LEN + 10, 'x');
    g_free(decode(padding, BC_ERROR_CORRUPT));
    g_autoptr(GBytes) length = changed(ping, MESSAGE_MAGIC_LEN + MESSAGE_COMMAND_LEN + 3, 0x7f);
    g_free(decode(length, BC_ERROR_TOO_LARGE));
    g_autoptr(GBytes) checksum =
        changed(ping, last, ((const guint8 *)g_bytes_get_data(ping, NULL))[last] ^ 1);
    g_free(decode(checksum, BC_ERROR_INVALID));
    g_autoptr(GBytes) short_frame = g_bytes_new_from_bytes(ping, 0, MESSAGE_HEADER_LEN - 1);
    g_free(decode(short_frame, BC_ERROR_CORRUPT));
    /* "ping" renamed "pink": an unknown command, which a node skips. */
    g_autoptr(GBytes) unknown = changed(ping, MESSAGE_MAGIC_LEN + 3, 'k');
    g_free(decode(unknown, BC_ERROR_NOT_FOUND));
}

void test_message_register(void)
{
    static const BcTest tests[] = {
        {"frames round-trip", test_round_trips},
        {"damaged frames are refused with the right error", test_damaged_frames},
        {NULL, NULL},
    };
    bc_test_add_suite("10/message", NULL, NULL, tests);
}
