/* test_message.c: every message survives a round trip, and no malformed input gets through. */
#include <string.h>

#include "bc_error.h"
#include "bc_test.h"
#include "bc_variant.h"
#include "message.h"

#define SENDER "localhost:3001"

static void fill_hash(guint8 hash[BC_HASH_LEN], guint seed)
{
    for (guint i = 0; i < BC_HASH_LEN; i++)
        hash[i] = (guint8)(seed * 31 + i * 7 + 1);
}

/* A message built by hand: COMMAND padded to 12 bytes, then PAYLOAD (floating, consumed). */
static GBytes *raw_message(const gchar *command, GVariant *payload)
{
    g_autoptr(GBytes) body = bc_variant_encode(payload);
    GByteArray *wire = g_byte_array_new();
    guint8 name[MESSAGE_COMMAND_LEN] = {0};
    memcpy(name, command, strlen(command));
    g_byte_array_append(wire, name, sizeof name);
    g_byte_array_append(wire, g_bytes_get_data(body, NULL), g_bytes_get_size(body));
    return g_byte_array_free_to_bytes(wire);
}

/* The same bytes with extra at the end. */
static GBytes *append(GBytes *wire, const void *extra, gsize len)
{
    GByteArray *more = g_byte_array_new();
    g_byte_array_append(more, g_bytes_get_data(wire, NULL), g_bytes_get_size(wire));
    g_byte_array_append(more, extra, len);
    return g_byte_array_free_to_bytes(more);
}

static Message *decode_ok(GBytes *wire)
{
    g_autoptr(GError) error = NULL;
    Message *message = message_decode(wire, &error);
    if (error != NULL)
        g_printerr("\n  unexpected error: %s\n", error->message);
    CU_ASSERT_PTR_NOT_NULL(message);
    return message;
}

static void assert_fails(GBytes *wire, gint code, const gchar *reason)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(Message) message = message_decode(wire, &error);
    CU_ASSERT_PTR_NULL(message);
    CU_ASSERT_PTR_NOT_NULL_FATAL(error);
    if (!g_error_matches(error, BC_ERROR, code))
        g_printerr("\n  wrong error code %d: %s\n", error->code, error->message);
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, code));
    BC_ASSERT_CONTAINS(error->message, reason);
}

/* Encodes a decoded message again with the public encoders. */
static GBytes *reencode(const Message *m)
{
    switch (m->type) {
    case MESSAGE_VERSION:
        return message_encode_version(m->version.version, m->version.best_height, m->addr_from);
    case MESSAGE_GETBLOCKS:
        return message_encode_getblocks(m->addr_from);
    case MESSAGE_INV:
        return message_encode_inv(m->addr_from, m->inv.kind, m->inv.items, m->inv.n_items);
    case MESSAGE_GETDATA:
        return message_encode_getdata(m->addr_from, m->getdata.kind, m->getdata.id);
    case MESSAGE_BLOCK:
        return message_encode_block(m->addr_from, m->block);
    case MESSAGE_TX:
        return message_encode_tx(m->addr_from, m->transaction);
    case MESSAGE_ADDR:
        return message_encode_addr((const gchar *const *)m->addrs);
    }
    g_assert_not_reached();
}

/* One valid message of every command (and both kinds), for the tests that loop over them. */
static GPtrArray *sample_messages(void)
{
    GPtrArray *all = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
    guint8 hashes[3 * BC_HASH_LEN];
    for (guint i = 0; i < 3; i++)
        fill_hash(hashes + i * BC_HASH_LEN, i);
    g_autoptr(GBytes) block = g_bytes_new_static("serialized block bytes", 22);
    g_autoptr(GBytes) tx = g_bytes_new_static("serialized transaction", 22);
    static const gchar *const addrs[] = {"localhost:3000", "10.0.0.2:3001", "[::1]:3002", NULL};
    g_ptr_array_add(all, message_encode_version(NODE_VERSION, 7, SENDER));
    g_ptr_array_add(all, message_encode_getblocks(SENDER));
    g_ptr_array_add(all, message_encode_inv(SENDER, MESSAGE_KIND_BLOCK, hashes, 3));
    g_ptr_array_add(all, message_encode_inv(SENDER, MESSAGE_KIND_TX, hashes, 1));
    g_ptr_array_add(all, message_encode_getdata(SENDER, MESSAGE_KIND_BLOCK, hashes));
    g_ptr_array_add(all, message_encode_getdata(SENDER, MESSAGE_KIND_TX, hashes));
    g_ptr_array_add(all, message_encode_block(SENDER, block));
    g_ptr_array_add(all, message_encode_tx(SENDER, tx));
    g_ptr_array_add(all, message_encode_addr(addrs));
    return all;
}

static void test_round_trip(void)
{
    guint8 hashes[3 * BC_HASH_LEN];
    for (guint i = 0; i < 3; i++)
        fill_hash(hashes + i * BC_HASH_LEN, i);
    g_autoptr(GPtrArray) all = sample_messages();
    static const MessageType types[] = {
        MESSAGE_VERSION, MESSAGE_GETBLOCKS, MESSAGE_INV, MESSAGE_INV,  MESSAGE_GETDATA,
        MESSAGE_GETDATA, MESSAGE_BLOCK,     MESSAGE_TX,  MESSAGE_ADDR,
    };
    CU_ASSERT_EQUAL_FATAL(all->len, G_N_ELEMENTS(types));
    for (guint i = 0; i < all->len; i++) {
        GBytes *wire = g_ptr_array_index(all, i);
        g_autoptr(Message) m = decode_ok(wire);
        CU_ASSERT_PTR_NOT_NULL_FATAL(m);
        CU_ASSERT_EQUAL(m->type, types[i]);
        /* The command is the name, NUL-padded to 12 bytes. */
        const gchar *name = message_type_name(m->type);
        CU_ASSERT_EQUAL(strncmp(g_bytes_get_data(wire, NULL), name, MESSAGE_COMMAND_LEN), 0);
        if (m->type != MESSAGE_ADDR)
            CU_ASSERT_STRING_EQUAL(m->addr_from, SENDER);
        /* Normal form is one encoding per value: encoding again gives the same bytes. */
        g_autoptr(GBytes) again = reencode(m);
        CU_ASSERT_TRUE(g_bytes_equal(again, wire));
    }

    g_autoptr(Message) version = decode_ok(g_ptr_array_index(all, 0));
    CU_ASSERT_EQUAL(version->version.version, NODE_VERSION);
    CU_ASSERT_EQUAL(version->version.best_height, 7);
    g_autoptr(Message) inv = decode_ok(g_ptr_array_index(all, 2));
    CU_ASSERT_EQUAL(inv->inv.kind, MESSAGE_KIND_BLOCK);
    CU_ASSERT_EQUAL_FATAL(inv->inv.n_items, 3);
    CU_ASSERT_EQUAL(memcmp(inv->inv.items, hashes, sizeof hashes), 0);
    g_autoptr(Message) getdata = decode_ok(g_ptr_array_index(all, 5));
    CU_ASSERT_EQUAL(getdata->getdata.kind, MESSAGE_KIND_TX);
    CU_ASSERT_EQUAL(memcmp(getdata->getdata.id, hashes, BC_HASH_LEN), 0);
    g_autoptr(Message) block = decode_ok(g_ptr_array_index(all, 6));
    CU_ASSERT_EQUAL(g_bytes_get_size(block->block), 22);
    CU_ASSERT_EQUAL(memcmp(g_bytes_get_data(block->block, NULL), "serialized block bytes", 22), 0);
    g_autoptr(Message) tx = decode_ok(g_ptr_array_index(all, 7));
    CU_ASSERT_EQUAL(g_bytes_get_size(tx->transaction), 22);
    g_autoptr(Message) addr = decode_ok(g_ptr_array_index(all, 8));
    CU_ASSERT_PTR_NULL(addr->addr_from);
    CU_ASSERT_EQUAL(g_strv_length(addr->addrs), 3);
    CU_ASSERT_STRING_EQUAL(addr->addrs[2], "[::1]:3002");
}

static void test_names(void)
{
    CU_ASSERT_STRING_EQUAL(message_type_name(MESSAGE_GETBLOCKS), "getblocks");
    CU_ASSERT_STRING_EQUAL(message_kind_name(MESSAGE_KIND_BLOCK), "block");
    CU_ASSERT_STRING_EQUAL(message_kind_name(MESSAGE_KIND_TX), "tx");
}

/* A cut-off sample message does not decode (see the next test for the exception). */
static void test_truncated(void)
{
    g_autoptr(GPtrArray) all = sample_messages();
    for (guint i = 0; i < all->len; i++) {
        GBytes *wire = g_ptr_array_index(all, i);
        gsize size = g_bytes_get_size(wire);
        for (gsize len = 0; len < size; len++) {
            g_autoptr(GBytes) prefix = g_bytes_new_from_bytes(wire, 0, len);
            g_autoptr(GError) error = NULL;
            g_autoptr(Message) m = message_decode(prefix, &error);
            if (m != NULL)
                g_printerr("\n  message %u cut to %" G_GSIZE_FORMAT " bytes decoded\n", i, len);
            CU_ASSERT_PTR_NULL(m);
            CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_CORRUPT));
        }
    }
}

/* What the format cannot see: "(say)" has no length field for its last member, so a block message
 * cut just after a byte that happens to look like the sender's framing offset decodes as a shorter
 * block. The block decoder catches it (the hash no longer matches the header), which is why block
 * and tx bytes are always decoded and checked after message_decode. */
static void test_truncation_inside_data(void)
{
    guint8 data[40];
    for (guint i = 0; i < sizeof data; i++)
        data[i] = (guint8)(0x40 + i);
    data[20] = (guint8)(strlen(SENDER) + 1); /* the offset of the sender's end */
    g_autoptr(GBytes) block = g_bytes_new(data, sizeof data);
    g_autoptr(GBytes) wire = message_encode_block(SENDER, block);
    gsize cut = MESSAGE_COMMAND_LEN + strlen(SENDER) + 1 + 21;
    g_autoptr(GBytes) prefix = g_bytes_new_from_bytes(wire, 0, cut);
    g_autoptr(Message) m = decode_ok(prefix);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL(g_bytes_get_size(m->block), 20);
    CU_ASSERT_FALSE(g_bytes_equal(m->block, block));
}

static void test_too_short(void)
{
    g_autoptr(GBytes) empty = g_bytes_new_static("", 0);
    assert_fails(empty, BC_ERROR_CORRUPT, "shorter than its 12-byte command");
    g_autoptr(GBytes) eleven = g_bytes_new_static("version\0\0\0\0", 11);
    assert_fails(eleven, BC_ERROR_CORRUPT, "shorter than its 12-byte command");
}

static void test_oversized(void)
{
    /* A block message exactly at the limit decodes; one more byte is too large. The payload "(say)"
     * is: sender + NUL, the block, a 4-byte offset (4 bytes once over 64 KiB). */
    gsize block_len = MESSAGE_MAX_SIZE - MESSAGE_COMMAND_LEN - (strlen(SENDER) + 1) - 4;
    g_autofree guint8 *data = g_malloc0(block_len);
    g_autoptr(GBytes) block = g_bytes_new_take(g_steal_pointer(&data), block_len);
    g_autoptr(GBytes) wire = message_encode_block(SENDER, block);
    CU_ASSERT_EQUAL_FATAL(g_bytes_get_size(wire), MESSAGE_MAX_SIZE);
    g_autoptr(Message) m = decode_ok(wire);
    CU_ASSERT_EQUAL(g_bytes_get_size(m->block), block_len);

    g_autoptr(GBytes) over = append(wire, "", 1);
    assert_fails(over, BC_ERROR_TOO_LARGE, "over the limit of 4194304");
}

static void test_trailing_garbage(void)
{
    g_autoptr(GBytes) wire = message_encode_getblocks(SENDER);
    g_autoptr(GBytes) longer = append(wire, "x", 1);
    assert_fails(longer, BC_ERROR_CORRUPT, "getblocks message does not decode as s");
}

static GBytes *raw_inv(const gchar *kind, GVariant *items)
{
    return raw_message("inv", g_variant_new("(ss@aay)", SENDER, kind, items));
}

static void test_inv_limits(void)
{
    g_autoptr(GBytes) empty =
        raw_inv("block", g_variant_new_array(G_VARIANT_TYPE_BYTESTRING, NULL, 0));
    assert_fails(empty, BC_ERROR_CORRUPT, "inv message has no items");

    /* The most hashes one inv may carry, and one more. */
    gsize n = MESSAGE_MAX_INV_ITEMS;
    g_autofree guint8 *hashes = g_malloc0_n(n + 1, BC_HASH_LEN);
    g_autoptr(GBytes) full = message_encode_inv(SENDER, MESSAGE_KIND_BLOCK, hashes, n);
    CU_ASSERT_TRUE(g_bytes_get_size(full) <= MESSAGE_MAX_SIZE);
    g_autoptr(Message) m = decode_ok(full);
    CU_ASSERT_EQUAL(m->inv.n_items, n);

    GVariantBuilder items;
    g_variant_builder_init(&items, G_VARIANT_TYPE("aay"));
    for (gsize i = 0; i < n + 1; i++)
        g_variant_builder_add_value(&items, bc_variant_new_bytes(hashes, BC_HASH_LEN));
    g_autoptr(GBytes) over = raw_inv("block", g_variant_builder_end(&items));
    assert_fails(over, BC_ERROR_TOO_LARGE, "inv message has 50001 items, over the limit");
}

static void test_hash_length(void)
{
    guint8 hash[BC_HASH_LEN + 1] = {0};
    GVariantBuilder items;
    g_variant_builder_init(&items, G_VARIANT_TYPE("aay"));
    g_variant_builder_add_value(&items, bc_variant_new_bytes(hash, BC_HASH_LEN));
    g_variant_builder_add_value(&items, bc_variant_new_bytes(hash, BC_HASH_LEN - 1));
    g_autoptr(GBytes) inv = raw_inv("tx", g_variant_builder_end(&items));
    assert_fails(inv, BC_ERROR_CORRUPT, "inv message hash is 31 bytes, expected 32");

    g_autoptr(GBytes) getdata =
        raw_message("getdata", g_variant_new("(ss@ay)", SENDER, "block",
                                             bc_variant_new_bytes(hash, BC_HASH_LEN + 1)));
    assert_fails(getdata, BC_ERROR_CORRUPT, "getdata message hash is 33 bytes, expected 32");
}

static void test_bad_kind(void)
{
    guint8 hash[BC_HASH_LEN] = {0};
    static const gchar *const kinds[] = {"blocks", "", "TX", "tx\n"};
    for (gsize i = 0; i < G_N_ELEMENTS(kinds); i++) {
        g_autoptr(GBytes) getdata =
            raw_message("getdata", g_variant_new("(ss@ay)", SENDER, kinds[i],
                                                 bc_variant_new_bytes(hash, BC_HASH_LEN)));
        assert_fails(getdata, BC_ERROR_CORRUPT, "neither \"block\" nor \"tx\"");
    }
    g_autoptr(GBytes) inv =
        raw_inv("transaction",
                g_variant_new_array(G_VARIANT_TYPE_BYTESTRING,
                                    (GVariant *[]){bc_variant_new_bytes(hash, BC_HASH_LEN)}, 1));
    assert_fails(inv, BC_ERROR_CORRUPT, "inv message has a kind that is neither");
}

static void test_bad_command(void)
{
    g_autoptr(GBytes) ping = raw_message("ping", g_variant_new_string(SENDER));
    assert_fails(ping, BC_ERROR_CORRUPT, "unknown message command \"ping\"");
    g_autoptr(GBytes) upper = raw_message("VERSION", g_variant_new_string(SENDER));
    assert_fails(upper, BC_ERROR_CORRUPT, "unknown message command \"VERSION\"");
    g_autoptr(GBytes) nul = g_bytes_new_static("\0\0\0\0\0\0\0\0\0\0\0\0", 12);
    assert_fails(nul, BC_ERROR_CORRUPT, "message command is empty");
    g_autoptr(GBytes) control = g_bytes_new_static("getb\x01locks\0\0\0", 12);
    assert_fails(control, BC_ERROR_CORRUPT, "not printable ASCII");
    g_autoptr(GBytes) space = g_bytes_new_static("tx \0\0\0\0\0\0\0\0\0", 12);
    assert_fails(space, BC_ERROR_CORRUPT, "unknown message command \"tx \"");
    /* A space is printable: the docs' "hello, node!" is named, not called unprintable. */
    g_autoptr(GBytes) hello = g_bytes_new_static("hello, node!", 12);
    assert_fails(hello, BC_ERROR_CORRUPT, "unknown message command \"hello, node!\"");
    g_autoptr(GBytes) high = g_bytes_new_static("tx\xff\0\0\0\0\0\0\0\0\0", 12);
    assert_fails(high, BC_ERROR_CORRUPT, "not printable ASCII");
    /* Something hidden after the name's NUL. */
    g_autoptr(GBytes) padding = g_bytes_new_static("tx\0\0\0\0\0\0\0\0\0x", 12);
    assert_fails(padding, BC_ERROR_CORRUPT, "not NUL-padded");
    /* The Go original's bytesToCommand dropped every NUL, so "get\0blocks" meant getblocks. */
    g_autoptr(GBytes) inner = g_bytes_new_static("get\0blocks\0\0", 12);
    assert_fails(inner, BC_ERROR_CORRUPT, "not NUL-padded");
}

static void test_address_rules(void)
{
    static const gchar *const good[] = {"localhost:3000", "10.0.0.1:65535", "[::1]:3000", "a:1",
                                        "node-7.example.org:8333"};
    static const gchar *const bad[] = {"",
                                       "localhost",
                                       ":3000",
                                       "localhost:",
                                       "localhost:0",
                                       "localhost:65536",
                                       "localhost:03000",
                                       "local host:3000",
                                       "localhost:30a0",
                                       "localhost:3000\n",
                                       "localhost:-1",
                                       "host:123456",
                                       "h\xc3\xa9:3000"};
    for (gsize i = 0; i < G_N_ELEMENTS(good); i++)
        CU_ASSERT_TRUE(message_address_is_valid(good[i]));
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++)
        CU_ASSERT_FALSE(message_address_is_valid(bad[i]));
    CU_ASSERT_FALSE(message_address_is_valid(NULL));

    /* 255 characters is the longest address. */
    g_autofree gchar *host = g_strnfill(MESSAGE_MAX_ADDRESS_LEN - 5, 'h');
    g_autofree gchar *longest = g_strconcat(host, ":3000", NULL);
    CU_ASSERT_TRUE(message_address_is_valid(longest));
    g_autofree gchar *too_long = g_strconcat(host, "h:3000", NULL);
    CU_ASSERT_FALSE(message_address_is_valid(too_long));

    /* Each message with a sender checks it. */
    g_autoptr(GBytes) version = raw_message("version", g_variant_new("(iis)", 1, 0, too_long));
    assert_fails(version, BC_ERROR_CORRUPT, "version message has an invalid sender address");
    g_autoptr(GBytes) getblocks = raw_message("getblocks", g_variant_new_string("nohost"));
    assert_fails(getblocks, BC_ERROR_CORRUPT, "getblocks message has an invalid sender");
    g_autoptr(GBytes) tx =
        raw_message("tx", g_variant_new("(s@ay)", "", bc_variant_new_bytes((guint8 *)"t", 1)));
    assert_fails(tx, BC_ERROR_CORRUPT, "tx message has an invalid sender");
}

static void test_negative_height(void)
{
    g_autoptr(GBytes) wire = raw_message("version", g_variant_new("(iis)", 1, -1, SENDER));
    assert_fails(wire, BC_ERROR_CORRUPT, "version message has a negative height");
}

static void test_empty_data(void)
{
    g_autoptr(GBytes) block =
        raw_message("block", g_variant_new("(s@ay)", SENDER, bc_variant_new_bytes(NULL, 0)));
    assert_fails(block, BC_ERROR_CORRUPT, "block message is empty");
    g_autoptr(GBytes) tx =
        raw_message("tx", g_variant_new("(s@ay)", SENDER, bc_variant_new_bytes(NULL, 0)));
    assert_fails(tx, BC_ERROR_CORRUPT, "tx message is empty");
}

static void test_addr_limits(void)
{
    g_autoptr(GBytes) none = raw_message("addr", g_variant_new_strv(NULL, 0));
    assert_fails(none, BC_ERROR_CORRUPT, "addr message lists no addresses");

    static const gchar *const one_bad[] = {"localhost:3000", "localhost:0", NULL};
    g_autoptr(GBytes) bad = raw_message("addr", g_variant_new_strv(one_bad, -1));
    assert_fails(bad, BC_ERROR_CORRUPT, "addr message has an invalid address (number 2)");

    g_autoptr(GPtrArray) many = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i <= MESSAGE_MAX_ADDRS; i++)
        g_ptr_array_add(many, g_strdup_printf("10.0.%u.%u:3000", i / 256, i % 256));
    g_ptr_array_add(many, NULL);
    const gchar *const *addrs = (const gchar *const *)many->pdata;
    g_autoptr(GBytes) over = raw_message("addr", g_variant_new_strv(addrs, -1));
    assert_fails(over, BC_ERROR_TOO_LARGE, "addr message has 1001 addresses, over the limit");
    g_autoptr(GBytes) full = message_encode_addr(addrs + 1); /* exactly the limit */
    g_autoptr(Message) m = decode_ok(full);
    CU_ASSERT_EQUAL(g_strv_length(m->addrs), MESSAGE_MAX_ADDRS);
}

/* Whatever the bytes, decoding either succeeds or reports BC_ERROR; and when it succeeds, encoding
 * the result gives back exactly those bytes (nothing was ignored or repaired). */
static void check_arbitrary(GBytes *wire, guint *decoded)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(Message) m = message_decode(wire, &error);
    CU_ASSERT_TRUE((m == NULL) != (error == NULL));
    if (m != NULL) {
        g_autoptr(GBytes) again = reencode(m);
        CU_ASSERT_TRUE(again != NULL && g_bytes_equal(again, wire));
        (*decoded)++;
    } else {
        CU_ASSERT_TRUE(error->domain == BC_ERROR &&
                       (error->code == BC_ERROR_CORRUPT || error->code == BC_ERROR_TOO_LARGE));
        CU_ASSERT_TRUE(error->message != NULL && error->message[0] != '\0');
    }
}

static void test_random_input(void)
{
    /* g_rand is fine for test data (never for keys); the fixed seed makes failures repeatable. */
    g_autoptr(GRand) rand = g_rand_new_with_seed(20240607);
    g_autoptr(GPtrArray) samples = sample_messages();
    guint decoded = 0;
    for (guint round = 0; round < 4000; round++) {
        GByteArray *bytes = g_byte_array_new();
        if (round % 2 == 0) {
            /* Random bytes, half of them behind a valid command. */
            if (round % 4 == 0) {
                GBytes *sample = g_ptr_array_index(samples, g_rand_int_range(rand, 0, 9));
                g_byte_array_append(bytes, g_bytes_get_data(sample, NULL), MESSAGE_COMMAND_LEN);
            }
            guint len = (guint)g_rand_int_range(rand, 0, 100);
            for (guint i = 0; i < len; i++)
                g_byte_array_append(bytes, (guint8[]){(guint8)g_rand_int_range(rand, 0, 256)}, 1);
        } else {
            /* A valid message with one to three bytes changed, then perhaps cut short. */
            GBytes *sample = g_ptr_array_index(samples, g_rand_int_range(rand, 0, 9));
            g_byte_array_append(bytes, g_bytes_get_data(sample, NULL), g_bytes_get_size(sample));
            gint changes = g_rand_int_range(rand, 1, 4);
            for (gint c = 0; c < changes; c++)
                bytes->data[g_rand_int_range(rand, 0, (gint32)bytes->len)] =
                    (guint8)g_rand_int_range(rand, 0, 256);
            if (g_rand_boolean(rand))
                g_byte_array_set_size(bytes, (guint)g_rand_int_range(rand, 0, (gint32)bytes->len));
        }
        g_autoptr(GBytes) wire = g_byte_array_free_to_bytes(bytes);
        check_arbitrary(wire, &decoded);
    }
    /* Some changes land in a hash or in the block bytes, so some inputs do decode. */
    CU_ASSERT_TRUE(decoded > 0);
}

void test_message_register(void)
{
    static const BcTest tests[] = {
        {"round trip of every command", test_round_trip},
        {"command and kind names", test_names},
        {"every truncation is an error", test_truncated},
        {"a cut inside block bytes can decode", test_truncation_inside_data},
        {"shorter than the command", test_too_short},
        {"over the size limit", test_oversized},
        {"trailing bytes", test_trailing_garbage},
        {"inv: empty, full, over the limit", test_inv_limits},
        {"hashes of the wrong length", test_hash_length},
        {"kind other than block or tx", test_bad_kind},
        {"unknown or garbled command", test_bad_command},
        {"sender addresses", test_address_rules},
        {"negative best height", test_negative_height},
        {"empty block or tx", test_empty_data},
        {"addr: empty, bad entry, over the limit", test_addr_limits},
        {"random input decodes or fails cleanly", test_random_input},
        {NULL, NULL},
    };
    bc_test_add_suite("07/message", NULL, NULL, tests);
}
