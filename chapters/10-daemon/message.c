/* message.c: framing, encoding and checked decoding of the chapter 8 messages. */
#include "message.h"

#include <string.h>

#include "bc_error.h"
#include "bc_variant.h"

/* Our network's magic: not Bitcoin's, so neither network mistakes the other for itself. */
const guint8 message_magic[MESSAGE_MAGIC_LEN] = {0xbc, 0x43, 0x08, 0xd9};

/* Each command's name on the wire and the GVariant type of its payload. */
static const struct {
    const gchar *name;
    const gchar *payload_type;
} commands[] = {
    [MESSAGE_VERSION] = {"version", "(iits)"}, /* version, best height, nonce, listen address */
    [MESSAGE_VERACK] = {"verack", "()"},
    [MESSAGE_PING] = {"ping", "t"},          /* nonce */
    [MESSAGE_PONG] = {"pong", "t"},          /* the ping's nonce */
    [MESSAGE_GETADDR] = {"getaddr", "()"},
    [MESSAGE_ADDR] = {"addr", "a(sx)"},      /* address, last seen */
    [MESSAGE_GETBLOCKS] = {"getblocks", "aay"}, /* locator, newest first */
    [MESSAGE_INV] = {"inv", "(saay)"},       /* kind, hashes */
    [MESSAGE_GETDATA] = {"getdata", "(saay)"}, /* kind, hashes */
    [MESSAGE_BLOCK] = {"block", "ay"},       /* serialized block */
    [MESSAGE_TX] = {"tx", "ay"},             /* serialized transaction */
    [MESSAGE_REJECT] = {"reject", "(ays)"},  /* transaction id, reason */
};
G_STATIC_ASSERT(G_N_ELEMENTS(commands) == MESSAGE_N_TYPES);

static const gchar *const kind_names[] = {
    [MESSAGE_KIND_BLOCK] = "block",
    [MESSAGE_KIND_TX] = "tx",
};

const gchar *message_type_name(MessageType type)
{
    g_return_val_if_fail(type < MESSAGE_N_TYPES, "?");
    return commands[type].name;
}

const gchar *message_kind_name(MessageKind kind)
{
    g_return_val_if_fail(kind <= MESSAGE_KIND_TX, "?");
    return kind_names[kind];
}

gboolean message_address_is_valid(const gchar *address)
{
    if (address == NULL)
        return FALSE;
    gsize len = strnlen(address, MESSAGE_MAX_ADDRESS_LEN + 1);
    if (len < 3 || len > MESSAGE_MAX_ADDRESS_LEN)
        return FALSE;
    for (gsize i = 0; i < len; i++)
        if (!g_ascii_isgraph(address[i])) /* printable, no spaces, no control characters */
            return FALSE;
    /* The last ':' separates the port, so "[::1]:3000" works too. */
    const gchar *colon = strrchr(address, ':');
    if (colon == NULL || colon == address)
        return FALSE;
    const gchar *port = colon + 1;
    gsize digits = strlen(port);
    if (digits == 0 || digits > 5 || port[0] == '0') /* one spelling per port: no leading 0 */
        return FALSE;
    guint value = 0;
    for (gsize i = 0; i < digits; i++) {
        if (!g_ascii_isdigit(port[i]))
            return FALSE;
        value = value * 10 + (guint)(port[i] - '0');
    }
    return value <= 65535;
}

void message_free(Message *message)
{
    if (message == NULL)
        return;
    switch (message->type) {
    case MESSAGE_VERSION:
        g_free(message->version.listen);
        break;
    case MESSAGE_ADDR:
        for (gsize i = 0; i < message->addr.n_items; i++)
            g_free(message->addr.items[i].address);
        g_free(message->addr.items);
        break;
    case MESSAGE_GETBLOCKS:
        g_free(message->locator.hashes);
        break;
    case MESSAGE_INV:
    case MESSAGE_GETDATA:
        g_free(message->inv.items);
        break;
    case MESSAGE_BLOCK:
        g_clear_pointer(&message->block, g_bytes_unref);
        break;
    case MESSAGE_TX:
        g_clear_pointer(&message->transaction, g_bytes_unref);
        break;
    case MESSAGE_REJECT:
        g_free(message->reject.reason);
        break;
    default:
        break;
    }
    g_free(message);
}

/* @excerpt message-frame */
/* The header, then the payload's bytes. The checksum lets a receiver tell a frame damaged in
 * transit (or by a buggy peer) from a valid one before it decodes anything. */
static GBytes *frame(MessageType type, GVariant *payload)
{
    g_autoptr(GBytes) body = bc_variant_encode(payload);
    gsize len = 0;
    const guint8 *data = g_bytes_get_data(body, &len);
    g_return_val_if_fail(len <= MESSAGE_MAX_SIZE, NULL);

    guint8 header[MESSAGE_HEADER_LEN] = {0};
    memcpy(header, message_magic, MESSAGE_MAGIC_LEN);
    memcpy(header + MESSAGE_MAGIC_LEN, commands[type].name, strlen(commands[type].name));
    guint32 le = GUINT32_TO_LE((guint32)len);
    memcpy(header + MESSAGE_MAGIC_LEN + MESSAGE_COMMAND_LEN, &le, 4);
    guint8 hash[BC_HASH_LEN];
    bc_double_sha256(data, len, hash);
    memcpy(header + MESSAGE_HEADER_LEN - MESSAGE_CHECKSUM_LEN, hash, MESSAGE_CHECKSUM_LEN);

    GByteArray *wire = g_byte_array_sized_new(MESSAGE_HEADER_LEN + len);
    g_byte_array_append(wire, header, sizeof header);
    if (len > 0)
        g_byte_array_append(wire, data, len);
    return g_byte_array_free_to_bytes(wire);
}
/* @end message-frame */

GBytes *message_encode_version(gint32 best_height, guint64 nonce, const gchar *listen)
{
    g_return_val_if_fail(best_height >= 0, NULL);
    g_return_val_if_fail(listen != NULL && (*listen == '\0' || message_address_is_valid(listen)),
                         NULL);
    return frame(MESSAGE_VERSION,
                 g_variant_new("(iits)", NODE_VERSION, best_height, nonce, listen));
}

GBytes *message_encode_empty(MessageType type)
{
    g_return_val_if_fail(type == MESSAGE_VERACK || type == MESSAGE_GETADDR, NULL);
    return frame(type, g_variant_new_tuple(NULL, 0));
}

GBytes *message_encode_ping(MessageType type, guint64 nonce)
{
    g_return_val_if_fail(type == MESSAGE_PING || type == MESSAGE_PONG, NULL);
    return frame(type, g_variant_new_uint64(nonce));
}

GBytes *message_encode_addr(const MessageAddr *items, gsize n_items)
{
    g_return_val_if_fail(items != NULL, NULL);
    g_return_val_if_fail(n_items >= 1 && n_items <= MESSAGE_MAX_ADDRS, NULL);
    GVariantBuilder b;
    g_variant_builder_init(&b, G_VARIANT_TYPE("a(sx)"));
    for (gsize i = 0; i < n_items; i++) {
        g_return_val_if_fail(message_address_is_valid(items[i].address), NULL);
        g_variant_builder_add(&b, "(sx)", items[i].address, items[i].time);
    }
    return frame(MESSAGE_ADDR, g_variant_builder_end(&b));
}

static GVariant *hash_list(const guint8 *hashes, gsize n)
{
    GVariantBuilder b;
    g_variant_builder_init(&b, G_VARIANT_TYPE("aay"));
    for (gsize i = 0; i < n; i++)
        g_variant_builder_add_value(&b, bc_variant_new_bytes(hashes + i * BC_HASH_LEN, BC_HASH_LEN));
    return g_variant_builder_end(&b);
}

GBytes *message_encode_getblocks(const guint8 *hashes, gsize n_hashes)
{
    g_return_val_if_fail(hashes != NULL, NULL);
    g_return_val_if_fail(n_hashes >= 1 && n_hashes <= MESSAGE_MAX_LOCATOR, NULL);
    return frame(MESSAGE_GETBLOCKS, hash_list(hashes, n_hashes));
}

GBytes *message_encode_inv(MessageType type, MessageKind kind, const guint8 *hashes,
                           gsize n_hashes)
{
    g_return_val_if_fail(type == MESSAGE_INV || type == MESSAGE_GETDATA, NULL);
    g_return_val_if_fail(kind <= MESSAGE_KIND_TX, NULL);
    g_return_val_if_fail(hashes != NULL, NULL);
    g_return_val_if_fail(n_hashes >= 1 && n_hashes <= MESSAGE_MAX_INV_ITEMS, NULL);
    return frame(type, g_variant_new("(s@aay)", kind_names[kind], hash_list(hashes, n_hashes)));
}

GBytes *message_encode_data(MessageType type, GBytes *data)
{
    g_return_val_if_fail(type == MESSAGE_BLOCK || type == MESSAGE_TX, NULL);
    g_return_val_if_fail(data != NULL && g_bytes_get_size(data) > 0, NULL);
    return frame(type, g_variant_new_from_bytes(G_VARIANT_TYPE_BYTESTRING, data, TRUE));
}

static gboolean reason_is_valid(const gchar *reason)
{
    gsize len = strnlen(reason, MESSAGE_MAX_REASON_LEN + 1);
    if (len > MESSAGE_MAX_REASON_LEN)
        return FALSE;
    for (gsize i = 0; i < len; i++)
        if (!g_ascii_isprint(reason[i]))
            return FALSE;
    return TRUE;
}

GBytes *message_encode_reject(const guint8 id[BC_HASH_LEN], const gchar *reason)
{
    g_return_val_if_fail(id != NULL && reason != NULL, NULL);
    /* Our own reasons are error messages: cut and cleaned, never refused. */
    g_autofree gchar *clean = g_strndup(reason, MESSAGE_MAX_REASON_LEN);
    for (gchar *c = clean; *c != '\0'; c++)
        if (!g_ascii_isprint(*c))
            *c = '?';
    return frame(MESSAGE_REJECT,
                 g_variant_new("(@ays)", bc_variant_new_bytes(id, BC_HASH_LEN), clean));
}

/* ---- decoding: everything below reads bytes a peer chose ---- */

/* @excerpt message-command */
/* The command: 1 to 12 printable ASCII characters (a space counts: "hello, node!" is then an
 * unknown command, named as such), then NUL bytes up to 12. Only one spelling of each command is
 * accepted, so there is nothing hidden in the padding. */
static gboolean parse_command(const guint8 *bytes, gchar name[MESSAGE_COMMAND_LEN + 1], GError **error)
{
    gsize len = 0;
    while (len < MESSAGE_COMMAND_LEN && bytes[len] != '\0') {
        if (!g_ascii_isprint(bytes[len])) {
            g_set_error(error, BC_ERROR, BC_ERROR_CORRUPT,
                        "message command is not printable ASCII");
            return FALSE;
        }
        len++;
    }
    for (gsize i = len; i < MESSAGE_COMMAND_LEN; i++) {
        if (bytes[i] != '\0') {
            g_set_error(error, BC_ERROR, BC_ERROR_CORRUPT, "message command is not NUL-padded");
            return FALSE;
        }
    }
    if (len == 0) {
        g_set_error(error, BC_ERROR, BC_ERROR_CORRUPT, "message command is empty");
        return FALSE;
    }
    memset(name, 0, MESSAGE_COMMAND_LEN + 1);
    memcpy(name, bytes, len);
    return TRUE;
}
/* @end message-command */

/* @excerpt message-header */
gboolean message_header_parse(const guint8 bytes[MESSAGE_HEADER_LEN], MessageHeader *header,
                              GError **error)
{
    if (memcmp(bytes, message_magic, MESSAGE_MAGIC_LEN) != 0) {
        g_set_error(error, BC_ERROR, BC_ERROR_CORRUPT, "bad magic: not a frame of this network");
        return FALSE;
    }
    if (!parse_command(bytes + MESSAGE_MAGIC_LEN, header->command, error))
        return FALSE;
    guint32 le;
    memcpy(&le, bytes + MESSAGE_MAGIC_LEN + MESSAGE_COMMAND_LEN, 4);
    header->length = GUINT32_FROM_LE(le);
    if (header->length > MESSAGE_MAX_SIZE) {
        g_set_error(error, BC_ERROR, BC_ERROR_TOO_LARGE,
                    "%s message of %u bytes, over the limit of %d", header->command,
                    header->length, MESSAGE_MAX_SIZE);
        return FALSE;
    }
    memcpy(header->checksum, bytes + MESSAGE_HEADER_LEN - MESSAGE_CHECKSUM_LEN,
           MESSAGE_CHECKSUM_LEN);
    return TRUE;
}
/* @end message-header */

static gboolean parse_kind(const Message *message, const gchar *name, MessageKind *kind,
                           GError **error)
{
    for (gsize k = 0; k < G_N_ELEMENTS(kind_names); k++) {
        if (strcmp(name, kind_names[k]) == 0) {
            *kind = (MessageKind)k;
            return TRUE;
        }
    }
    /* The peer's string is not echoed: it may be long or full of control characters. */
    g_set_error(error, BC_ERROR, BC_ERROR_CORRUPT,
                "%s message has a kind that is neither \"block\" nor \"tx\"",
                commands[message->type].name);
    return FALSE;
}

/* A list of 1 to MAX hashes into a new array *OUT of *N hashes. */
static gboolean parse_hashes(const Message *message, GVariant *list, gsize max, guint8 **out,
                             gsize *n, GError **error)
{
    const gchar *name = commands[message->type].name;
    gsize count = g_variant_n_children(list);
    if (count == 0) {
        g_set_error(error, BC_ERROR, BC_ERROR_CORRUPT, "%s message has no hashes", name);
        return FALSE;
    }
    if (count > max) {
        g_set_error(error, BC_ERROR, BC_ERROR_TOO_LARGE,
                    "%s message has %" G_GSIZE_FORMAT " hashes, over the limit of %" G_GSIZE_FORMAT,
                    name, count, max);
        return FALSE;
    }
    *out = g_malloc_n(count, BC_HASH_LEN);
    *n = count;
    g_autofree gchar *what = g_strdup_printf("%s message hash", name);
    for (gsize i = 0; i < count; i++) {
        g_autoptr(GVariant) item = g_variant_get_child_value(list, i);
        if (!bc_variant_get_fixed(item, *out + i * BC_HASH_LEN, BC_HASH_LEN, what, error))
            return FALSE;
    }
    return TRUE;
}

static gboolean decode_version(GVariant *payload, Message *message, GError **error)
{
    const gchar *listen = NULL;
    g_variant_get(payload, "(iit&s)", &message->version.version, &message->version.best_height,
                  &message->version.nonce, &listen);
    if (message->version.best_height < 0) {
        g_set_error(error, BC_ERROR, BC_ERROR_CORRUPT, "version message has a negative height");
        return FALSE;
    }
    if (*listen != '\0' && !message_address_is_valid(listen)) {
        g_set_error(error, BC_ERROR, BC_ERROR_CORRUPT, "version message has an invalid address");
        return FALSE;
    }
    message->version.listen = g_strdup(listen);
    return TRUE;
}

static gboolean decode_nothing(GVariant *payload, Message *message, GError **error)
{
    (void)payload, (void)message, (void)error;
    return TRUE;
}

static gboolean decode_nonce(GVariant *payload, Message *message, GError **error)
{
    (void)error;
    message->nonce = g_variant_get_uint64(payload);
    return TRUE;
}

static gboolean decode_addr(GVariant *payload, Message *message, GError **error)
{
    gsize n = g_variant_n_children(payload);
    if (n == 0) {
        g_set_error(error, BC_ERROR, BC_ERROR_CORRUPT, "addr message lists no addresses");
        return FALSE;
    }
    if (n > MESSAGE_MAX_ADDRS) {
        g_set_error(error, BC_ERROR, BC_ERROR_TOO_LARGE,
                    "addr message has %" G_GSIZE_FORMAT " addresses, over the limit of %d", n,
                    MESSAGE_MAX_ADDRS);
        return FALSE;
    }
    message->addr.items = g_new0(MessageAddr, n);
    for (gsize i = 0; i < n; i++) {
        const gchar *address = NULL;
        gint64 time = 0;
        g_variant_get_child(payload, i, "(&sx)", &address, &time);
        if (!message_address_is_valid(address)) {
            g_set_error(error, BC_ERROR, BC_ERROR_CORRUPT,
                        "addr message has an invalid address (number %" G_GSIZE_FORMAT ")", i + 1);
            return FALSE;
        }
        message->addr.items[i].address = g_strdup(address);
        message->addr.items[i].time = time;
        message->addr.n_items = i + 1;
    }
    return TRUE;
}

static gboolean decode_getblocks(GVariant *payload, Message *message, GError **error)
{
    return parse_hashes(message, payload, MESSAGE_MAX_LOCATOR, &message->locator.hashes,
                        &message->locator.n_hashes, error);
}

static gboolean decode_inv(GVariant *payload, Message *message, GError **error)
{
    const gchar *kind = NULL;
    g_autoptr(GVariant) items = NULL;
    g_variant_get(payload, "(&s@aay)", &kind, &items);
    return parse_kind(message, kind, &message->inv.kind, error) &&
           parse_hashes(message, items, MESSAGE_MAX_INV_ITEMS, &message->inv.items,
                        &message->inv.n_items, error);
}

/* block and tx: the bytes of the block or transaction, decoded elsewhere. */
static gboolean decode_data(GVariant *payload, Message *message, GError **error)
{
    if (g_variant_get_size(payload) == 0) {
        g_set_error(error, BC_ERROR, BC_ERROR_CORRUPT, "%s message is empty",
                    commands[message->type].name);
        return FALSE;
    }
    GBytes **data = message->type == MESSAGE_BLOCK ? &message->block : &message->transaction;
    *data = g_variant_get_data_as_bytes(payload);
    return TRUE;
}

static gboolean decode_reject(GVariant *payload, Message *message, GError **error)
{
    g_autoptr(GVariant) id = NULL;
    const gchar *reason = NULL;
    g_variant_get(payload, "(@ay&s)", &id, &reason);
    if (!bc_variant_get_fixed(id, message->reject.id, BC_HASH_LEN, "reject message id", error))
        return FALSE;
    if (!reason_is_valid(reason)) {
        g_set_error(error, BC_ERROR, BC_ERROR_CORRUPT,
                    "reject message has a reason that is not short printable ASCII");
        return FALSE;
    }
    message->reject.reason = g_strdup(reason);
    return TRUE;
}

/* Each command's payload decoder: MESSAGE's type is set, the rest is filled in. */
typedef gboolean (*DecodeFunc)(GVariant *payload, Message *message, GError **error);
static const DecodeFunc decoders[] = {
    [MESSAGE_VERSION] = decode_version, [MESSAGE_VERACK] = decode_nothing,
    [MESSAGE_PING] = decode_nonce,      [MESSAGE_PONG] = decode_nonce,
    [MESSAGE_GETADDR] = decode_nothing, [MESSAGE_ADDR] = decode_addr,
    [MESSAGE_GETBLOCKS] = decode_getblocks, [MESSAGE_INV] = decode_inv,
    [MESSAGE_GETDATA] = decode_inv,     [MESSAGE_BLOCK] = decode_data,
    [MESSAGE_TX] = decode_data,         [MESSAGE_REJECT] = decode_reject,
};

/* @excerpt message-decode */
Message *message_decode(const MessageHeader *header, GBytes *payload, GError **error)
{
    gsize size = g_bytes_get_size(payload);
    g_return_val_if_fail(size == header->length, NULL);
    guint8 hash[BC_HASH_LEN];
    bc_double_sha256(g_bytes_get_data(payload, NULL), size, hash);
    if (memcmp(hash, header->checksum, MESSAGE_CHECKSUM_LEN) != 0) {
        g_set_error(error, BC_ERROR, BC_ERROR_INVALID, "%s message has a bad checksum",
                    header->command);
        return NULL;
    }
    gsize type = 0;
    while (type < MESSAGE_N_TYPES && strcmp(header->command, commands[type].name) != 0)
        type++;
    if (type == MESSAGE_N_TYPES) {
        /* Printable ASCII of at most 12 characters: parse_command checked it. */
        g_set_error(error, BC_ERROR, BC_ERROR_NOT_FOUND, "unknown message command \"%s\"",
                    header->command);
        return NULL;
    }

    /* The payload must be exactly the command's type, in normal form: one valid encoding. */
    g_autofree gchar *what = g_strdup_printf("%s message", commands[type].name);
    g_autoptr(GVariant) value = bc_variant_decode(
        payload, G_VARIANT_TYPE(commands[type].payload_type), MESSAGE_MAX_SIZE, what, error);
    if (value == NULL)
        return NULL;

    g_autoptr(Message) message = g_new0(Message, 1);
    message->type = (MessageType)type;
    if (!decoders[type](value, message, error))
        return NULL;
    return g_steal_pointer(&message);
}
/* @end message-decode */

Message *message_decode_frame(GBytes *wire, GError **error)
{
    gsize size = g_bytes_get_size(wire);
    const guint8 *data = g_bytes_get_data(wire, NULL);
    MessageHeader header;
    if (size < MESSAGE_HEADER_LEN) {
        g_set_error(error, BC_ERROR, BC_ERROR_CORRUPT,
                    "frame is %" G_GSIZE_FORMAT " bytes, shorter than its %d-byte header", size,
                    MESSAGE_HEADER_LEN);
        return NULL;
    }
    if (!message_header_parse(data, &header, error))
        return NULL;
    if (size - MESSAGE_HEADER_LEN != header.length) {
        g_set_error(error, BC_ERROR, BC_ERROR_CORRUPT,
                    "frame has %" G_GSIZE_FORMAT " payload bytes, its header says %u",
                    size - MESSAGE_HEADER_LEN, header.length);
        return NULL;
    }
    g_autoptr(GBytes) payload = g_bytes_new_from_bytes(wire, MESSAGE_HEADER_LEN, header.length);
    return message_decode(&header, payload, error);
}
