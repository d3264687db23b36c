/* message.h: the messages nodes exchange in chapter 7, and their wire format.
 * On the wire a message is a 12-byte command name (ASCII, NUL-padded) followed by its payload,
 * a GVariant in normal form, little-endian. Decoding checks everything a peer controls: sizes,
 * the command, the payload's type and normal form, addresses, hash lengths, counts. */
#pragma once
#include <glib.h>

#include "bc_hash.h"

#define MESSAGE_COMMAND_LEN 12
/* A whole message, command included. A block is at most about 1 MiB; the rest is headroom, and an
 * inv of MESSAGE_MAX_INV_ITEMS hashes (about 1.8 MB) fits too. */
#define MESSAGE_MAX_SIZE (4 * 1024 * 1024)
#define MESSAGE_MAX_INV_ITEMS 50000 /* hashes in one inv: at least 1, at most this */
#define MESSAGE_MAX_ADDRS 1000      /* addresses in one addr message (Bitcoin's limit too) */
#define MESSAGE_MAX_ADDRESS_LEN 255 /* "host:port", printable ASCII */
#define NODE_VERSION 1              /* the protocol version we speak: there is only one */

typedef enum {
    MESSAGE_VERSION,   /* "version": my height, my address; the handshake */
    MESSAGE_GETBLOCKS, /* "getblocks": send me the hashes of your blocks */
    MESSAGE_INV,       /* "inv": the hashes of blocks or transactions I have */
    MESSAGE_GETDATA,   /* "getdata": send me the block or transaction with this hash */
    MESSAGE_BLOCK,     /* "block": a serialized block */
    MESSAGE_TX,        /* "tx": a serialized transaction */
    MESSAGE_ADDR,      /* "addr": addresses of other nodes */
} MessageType;

/* What the hashes of an inv or getdata name: on the wire the strings "block" and "tx". */
typedef enum {
    MESSAGE_KIND_BLOCK,
    MESSAGE_KIND_TX,
} MessageKind;

/* A decoded message. TYPE says which member of the union is set. */
typedef struct {
    MessageType type;
    gchar *addr_from; /* the sender's "host:port"; NULL for MESSAGE_ADDR, which has none */
    union {
        struct {
            gint32 version;
            gint32 best_height; /* the height of the sender's last block, >= 0 */
        } version;
        struct {
            MessageKind kind;
            guint8 *items; /* n_items hashes, hash i at items + i * BC_HASH_LEN */
            gsize n_items; /* 1 ... MESSAGE_MAX_INV_ITEMS */
        } inv;
        struct {
            MessageKind kind;
            guint8 id[BC_HASH_LEN];
        } getdata;
        GBytes *block;       /* MESSAGE_BLOCK: the serialized block, not decoded here */
        GBytes *transaction; /* MESSAGE_TX: the serialized transaction, not decoded here */
        gchar **addrs;       /* MESSAGE_ADDR: NULL-terminated, 1 ... MESSAGE_MAX_ADDRS */
    };
} Message;

void message_free(Message *message);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Message, message_free)

/* The command name of TYPE ("version" ...) and the wire name of KIND ("block", "tx"). */
const gchar *message_type_name(MessageType type);
const gchar *message_kind_name(MessageKind kind);

/* Whether ADDRESS is a "host:port" we accept: 3 to MESSAGE_MAX_ADDRESS_LEN printable ASCII
 * characters without spaces, a non-empty host, a port from 1 to 65535 after the last ':'. */
gboolean message_address_is_valid(const gchar *address);

/* The encoders return the whole message, command and payload, ready to send. Their arguments are
 * our own data, not a peer's: a bad one (an invalid address, no inv items ...) is a bug in the
 * caller, reported by g_return_val_if_fail, and the result is NULL. */
GBytes *message_encode_version(gint32 version, gint32 best_height, const gchar *addr_from);
GBytes *message_encode_getblocks(const gchar *addr_from);
/* HASHES: N_HASHES hashes of BC_HASH_LEN bytes each, one after the other. */
GBytes *message_encode_inv(const gchar *addr_from, MessageKind kind, const guint8 *hashes,
                           gsize n_hashes);
GBytes *message_encode_getdata(const gchar *addr_from, MessageKind kind,
                               const guint8 id[BC_HASH_LEN]);
GBytes *message_encode_block(const gchar *addr_from, GBytes *block);
GBytes *message_encode_tx(const gchar *addr_from, GBytes *transaction);
/* ADDRS: NULL-terminated. */
GBytes *message_encode_addr(const gchar *const *addrs);

/* The message in WIRE, or NULL with an error that names the reason:
 * BC_ERROR_TOO_LARGE: over MESSAGE_MAX_SIZE, or more inv items or addresses than allowed;
 * BC_ERROR_CORRUPT: anything else malformed (shorter than the command, a command that is not
 * NUL-padded ASCII, an unknown command, a payload that is not the command's type in normal form,
 * a bad address, kind or hash length, an empty inv or addr list, a negative height).
 * Block and transaction bytes are not decoded here: their own decoders check them. */
Message *message_decode(GBytes *wire, GError **error);
