/* message.c: encoding and checked decoding of the chapter 7 messages. */
#include "message.h"

#include <string.h>

#include "bc_error.h"
#include "bc_variant.h"

/* Each command's name on the wire and the GVariant type of its payload. */
static const struct {
    const gchar *name;
    const gchar *payload_type;
} commands[] = {
    [MESSAGE_VERSION] = {"version", "(iis)"},  /* version, best height, sender */
    [MESSAGE_GETBLOCKS] = {"getblocks", "s"},  /* sender */
    [MESSAGE_INV] = {"inv", "(ssaay)"},        /* sender, kind, hashes */
    [MESSAGE_GETDATA] = {"getdata", "(ssay)"}, /* sender, kind, hash */
    [MESSAGE_BLOCK] = {"block", "(say)"},      /* sender, serialized block */
    [MESSAGE_TX] = {"tx", "(say)"},            /* sender, serialized transaction */
    [MESSAGE_ADDR] = {"addr", "as"},           /* addresses */
};

static const gchar *const kind_names[] = {
    [MESSAGE_KIND_BLOCK] = "block",
    [MESSAGE_KIND_TX] = "tx",
};

const gchar *message_type_name(MessageType type)
{
    g_return_val_if_fail(type <= MESSAGE_ADDR, "?");
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
    g_free(message->addr_from);
    switch (message->type) {
    case MESSAGE_INV:
        g_free(message->inv.items);
        break;
    case MESSAGE_BLOCK:
        g_clear_pointer(&message->block, g_bytes_unref);
        break;
    case MESSAGE_TX:
        g_clear_pointer(&message->transaction, g_bytes_unref);
        break;
    case MESSAGE_ADDR:
        g_strfreev(message->addrs);
        break;
    default:
        break;
    }
    g_free(message);
}

/* @excerpt message-frame */
/* The command name, NUL-padded to 12 bytes, then the payload's bytes. */
static GBytes *frame(MessageType type, GVariant *payload)
{
    g_autoptr(GBytes) body = bc_variant_encode(payload);
    gsize len = 0;
    const guint8 *data = g_bytes_get_data(body, &len);
    g_return_val_if_fail(len <= MESSAGE_MAX_SIZE - MESSAGE_COMMAND_LEN, NULL);

    guint8 command[MESSAGE_COMMAND_LEN] = {0};
    memcpy(command, commands[type].name, strlen(commands[type].name));
    GByteArray *wire = g_byte_array_sized_new(MESSAGE_COMMAND_LEN + len);
    g_byte_array_append(wire, command, sizeof command);
    if (len > 0)
        g_byte_array_append(wire, data, len);
    return g_byte_array_free_to_bytes(wire);
}
/* @end message-frame */

GBytes *message_encode_version(gint32 version, gint32 best_height, const gchar *addr_from)
{
    g_return_val_if_fail(best_height >= 0, NULL);
    g_return_val_if_fail(message_address_is_valid(addr_from), NULL);
    return frame(MESSAGE_VERSION, g_variant_new("(iis)", version, best_height, addr_from));
}

GBytes *message_encode_getblocks(const gchar *addr_from)
{
    g_return_val_if_fail(message_address_is_valid(addr_from), NULL);
    return frame(MESSAGE_GETBLOCKS, g_variant_new_string(addr_from));
}

GBytes *message_encode_inv(const gchar *addr_from, MessageKind kind, const guint8 *hashes,
                           gsize n_hashes)
{
    g_return_val_if_fail(message_address_is_valid(addr_from), NULL);
    g_return_val_if_fail(kind <= MESSAGE_KIND_TX, NULL);
    g_return_val_if_fail(hashes != NULL, NULL);
    g_return_val_if_fail(n_hashes >= 1 && n_hashes <= MESSAGE_MAX_INV_ITEMS, NULL);
    GVariantBuilder items;
    g_variant_builder_init(&items, G_VARIANT_TYPE("aay"));
    for (gsize i = 0; i < n_hashes; i++)
        g_variant_builder_add_value(&items,
                                    bc_variant_new_bytes(hashes + i * BC_HASH_LEN, BC_HASH_LEN));
    return frame(MESSAGE_INV, g_variant_new("(ssaay)", addr_from, kind_names[kind], &items));
}

GBytes *message_encode_getdata(const gchar *addr_from, MessageKind kind,
                               const guint8 id[BC_HASH_LEN])
{
    g_return_val_if_fail(message_address_is_valid(addr_from), NULL);
    g_return_val_if_fail(kind <= MESSAGE_KIND_TX, NULL);
    g_return_val_if_fail(id != NULL, NULL);
    return frame(MESSAGE_GETDATA, g_variant_new("(ss@ay)", addr_from, kind_names[kind],
                                                bc_variant_new_bytes(id, BC_HASH_LEN)));
}

static GBytes *encode_data(MessageType type, const gchar *addr_from, GBytes *data)
{
    g_return_val_if_fail(message_address_is_valid(addr_from), NULL);
    g_return_val_if_fail(data != NULL && g_bytes_get_size(data) > 0, NULL);
    GVariant *ay = g_variant_new_from_bytes(G_VARIANT_TYPE_BYTESTRING, data, TRUE);
    return frame(type, g_variant_new("(s@ay)", addr_from, ay));
}

GBytes *message_encode_block(const gchar *addr_from, GBytes *block)
{
    return encode_data(MESSAGE_BLOCK, addr_from, block);
}

GBytes *message_encode_tx(const gchar *addr_from, GBytes *transaction)
{
    return encode_data(MESSAGE_TX, addr_from, transaction);
}

GBytes *message_encode_addr(const gchar *const *addrs)
{
    g_return_val_if_fail(addrs != NULL, NULL);
    guint n = g_strv_length((gchar **)addrs);
    g_return_val_if_fail(n >= 1 && n <= MESSAGE_MAX_ADDRS, NULL);
    for (guint i = 0; i < n; i++)
        g_return_val_if_fail(message_address_is_valid(addrs[i]), NULL);
    return frame(MESSAGE_ADDR, g_variant_new_strv(addrs, n));
}

/* ---- decoding: everything below reads bytes a peer chose ---- */

/* @excerpt message-command */
/* The command: 1 to 12 printable ASCII characters (a space counts: "hello, node!" is then an
 * unknown command, named as such), then NUL bytes up to 12. Only one spelling of each command is
 * accepted, so there is nothing hidden in the padding. */
static gboolean parse_command(const guint8 *bytes, MessageType *type, GError **error)
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
    gchar name[MESSAGE_COMMAND_LEN + 1] = {0};
    memcpy(name, bytes, len);
    for (gsize t = 0; t < G_N_ELEMENTS(commands); t++) {
        if (strcmp(name, commands[t].name) == 0) {
            *type = (MessageType)t;
            return TRUE;
        }
    }
    g_set_error(error, BC_ERROR, BC_ERROR_CORRUPT, "unknown message command \"%s\"", name);
    return FALSE;
}
/* @end message-command */

/* Sets MESSAGE's sender to ADDRESS, after checking it. */
static gboolean set_sender(Message *message, const gchar *address, GError **error)
{
    if (!message_address_is_valid(address)) {
        g_set_error(error, BC_ERROR, BC_ERROR_CORRUPT, "%s message has an invalid sender address",
                    commands[message->type].name);
        return FALSE;
    }
    message->addr_from = g_strdup(address);
    return TRUE;
}

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

static gboolean decode_version(GVariant *payload, Message *message, GError **error)
{
    const gchar *addr_from = NULL;
    g_variant_get(payload, "(ii&s)", &message->version.version, &message->version.best_height,
                  &addr_from);
    if (message->version.best_height < 0) {
        g_set_error(error, BC_ERROR, BC_ERROR_CORRUPT, "version message has a negative height");
        return FALSE;
    }
    return set_sender(message, addr_from, error);
}

static gboolean decode_getblocks(GVariant *payload, Message *message, GError **error)
{
    return set_sender(message, g_variant_get_string(payload, NULL), error);
}

static gboolean decode_inv(GVariant *payload, Message *message, GError **error)
{
    const gchar *addr_from = NULL, *kind = NULL;
    g_autoptr(GVariant) items = NULL;
    g_variant_get(payload, "(&s&s@aay)", &addr_from, &kind, &items);
    if (!set_sender(message, addr_from, error) ||
        !parse_kind(message, kind, &message->inv.kind, error))
        return FALSE;
    gsize n = g_variant_n_children(items);
    if (n == 0) {
        g_set_error(error, BC_ERROR, BC_ERROR_CORRUPT, "inv message has no items");
        return FALSE;
    }
    if (n > MESSAGE_MAX_INV_ITEMS) {
        g_set_error(error, BC_ERROR, BC_ERROR_TOO_LARGE,
                    "inv message has %" G_GSIZE_FORMAT " items, over the limit of %d", n,
                    MESSAGE_MAX_INV_ITEMS);
        return FALSE;
    }
    message->inv.items = g_malloc_n(n, BC_HASH_LEN);
    message->inv.n_items = n;
    for (gsize i = 0; i < n; i++) {
        g_autoptr(GVariant) item = g_variant_get_child_value(items, i);
        if (!bc_variant_get_fixed(item, message->inv.items + i * BC_HASH_LEN, BC_HASH_LEN,
                                  "inv message hash", error))
            return FALSE;
    }
    return TRUE;
}

static gboolean decode_getdata(GVariant *payload, Message *message, GError **error)
{
    const gchar *addr_from = NULL, *kind = NULL;
    g_autoptr(GVariant) id = NULL;
    g_variant_get(payload, "(&s&s@ay)", &addr_from, &kind, &id);
    return set_sender(message, addr_from, error) &&
           parse_kind(message, kind, &message->getdata.kind, error) &&
           bc_variant_get_fixed(id, message->getdata.id, BC_HASH_LEN, "getdata message hash",
                                error);
}

/* block and tx: the sender and the bytes of the block or transaction, decoded elsewhere. */
static gboolean decode_data(GVariant *payload, Message *message, GError **error)
{
    const gchar *addr_from = NULL;
    g_autoptr(GVariant) ay = NULL;
    g_variant_get(payload, "(&s@ay)", &addr_from, &ay);
    if (!set_sender(message, addr_from, error))
        return FALSE;
    if (g_variant_get_size(ay) == 0) {
        g_set_error(error, BC_ERROR, BC_ERROR_CORRUPT, "%s message is empty",
                    commands[message->type].name);
        return FALSE;
    }
    GBytes **data = message->type == MESSAGE_BLOCK ? &message->block : &message->transaction;
    *data = g_variant_get_data_as_bytes(ay);
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
    message->addrs = g_variant_dup_strv(payload, NULL);
    for (gsize i = 0; i < n; i++) {
        if (!message_address_is_valid(message->addrs[i])) {
            g_set_error(error, BC_ERROR, BC_ERROR_CORRUPT,
                        "addr message has an invalid address (number %" G_GSIZE_FORMAT ")", i + 1);
            return FALSE;
        }
    }
    return TRUE;
}

/* Each command's payload decoder: MESSAGE's type is set, the rest is filled in. */
typedef gboolean (*DecodeFunc)(GVariant *payload, Message *message, GError **error);
static const DecodeFunc decoders[] = {
    [MESSAGE_VERSION] = decode_version, [MESSAGE_GETBLOCKS] = decode_getblocks,
    [MESSAGE_INV] = decode_inv,         [MESSAGE_GETDATA] = decode_getdata,
    [MESSAGE_BLOCK] = decode_data,      [MESSAGE_TX] = decode_data,
    [MESSAGE_ADDR] = decode_addr,
};

/* @excerpt message-decode */
Message *message_decode(GBytes *wire, GError **error)
{
    gsize size = g_bytes_get_size(wire);
    if (size > MESSAGE_MAX_SIZE) {
        g_set_error(error, BC_ERROR, BC_ERROR_TOO_LARGE,
                    "message is %" G_GSIZE_FORMAT " bytes, over the limit of %d", size,
                    MESSAGE_MAX_SIZE);
        return NULL;
    }
    if (size < MESSAGE_COMMAND_LEN) {
        g_set_error(error, BC_ERROR, BC_ERROR_CORRUPT,
                    "message is %" G_GSIZE_FORMAT " bytes, shorter than its %d-byte command", size,
                    MESSAGE_COMMAND_LEN);
        return NULL;
    }
    MessageType type;
    if (!parse_command(g_bytes_get_data(wire, NULL), &type, error))
        return NULL;

    /* The payload must be exactly the command's type, in normal form: one valid encoding. */
    g_autoptr(GBytes) body =
        g_bytes_new_from_bytes(wire, MESSAGE_COMMAND_LEN, size - MESSAGE_COMMAND_LEN);
    g_autofree gchar *what = g_strdup_printf("%s message", commands[type].name);
    g_autoptr(GVariant) payload = bc_variant_decode(
        body, G_VARIANT_TYPE(commands[type].payload_type), MESSAGE_MAX_SIZE, what, error);
    if (payload == NULL)
        return NULL;

    g_autoptr(Message) message = g_new0(Message, 1);
    message->type = type;
    if (!decoders[type](payload, message, error))
        return NULL;
    return g_steal_pointer(&message);
}
/* @end message-decode */
