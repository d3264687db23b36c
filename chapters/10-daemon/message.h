/* message.h: the messages peers exchange in chapter 8, and their wire format.
 * Connections now last, so messages follow one another on one stream and each needs a frame, as
 * Bitcoin frames them: a 24-byte header (magic, command, length, checksum), then the payload, a
 * GVariant in normal form, little-endian. A reply goes back on the connection it answers, so no
 * message names its sender any more. Decoding checks everything a peer controls. */
#pragma once
#include <glib.h>

#include "bc_hash.h"

#define MESSAGE_MAGIC_LEN 4
#define MESSAGE_COMMAND_LEN 12
#define MESSAGE_CHECKSUM_LEN 4
#define MESSAGE_HEADER_LEN (MESSAGE_MAGIC_LEN + MESSAGE_COMMAND_LEN + 4 + MESSAGE_CHECKSUM_LEN)
/* The largest payload. A block is at most about 1 MiB; an inv of MESSAGE_MAX_INV_ITEMS hashes
 * (about 1.8 MB) fits too. A header announcing more closes the connection. */
#define MESSAGE_MAX_SIZE (4 * 1024 * 1024)
#define MESSAGE_MAX_INV_ITEMS 50000 /* hashes in one inv or getdata: at least 1, at most this */
#define MESSAGE_MAX_ADDRS 1000      /* addresses in one addr message (Bitcoin's limit too) */
#define MESSAGE_MAX_ADDRESS_LEN 255 /* "host:port", printable ASCII */
#define MESSAGE_MAX_LOCATOR 101     /* hashes in a locator (Bitcoin's limit too) */
#define MESSAGE_MAX_REASON_LEN 200  /* a reject's reason */
#define NODE_VERSION 2              /* chapter 7 spoke 1; its messages are not understood here */

/* Every frame starts with these bytes: a stream that does not is not ours (or lost its place). */
extern const guint8 message_magic[MESSAGE_MAGIC_LEN];

typedef enum {
    MESSAGE_VERSION,   /* "version": my protocol, height, nonce, and where I listen */
    MESSAGE_VERACK,    /* "verack": your version is fine with me */
    MESSAGE_PING,      /* "ping": are you there? (a nonce) */
    MESSAGE_PONG,      /* "pong": yes (the ping's nonce) */
    MESSAGE_GETADDR,   /* "getaddr": which nodes do you know? */
    MESSAGE_ADDR,      /* "addr": nodes I know, with when I last heard of each */
    MESSAGE_GETBLOCKS, /* "getblocks": the blocks after the first of these (a locator) you have */
    MESSAGE_INV,       /* "inv": the hashes of blocks or transactions I have */
    MESSAGE_GETDATA,   /* "getdata": send me the blocks or transactions with these hashes */
    MESSAGE_BLOCK,     /* "block": a serialized block */
    MESSAGE_TX,        /* "tx": a serialized transaction */
    MESSAGE_REJECT,    /* "reject": the transaction with this id was refused, and why */
} MessageType;
#define MESSAGE_N_TYPES (MESSAGE_REJECT + 1)

/* What the hashes of an inv or getdata name: on the wire the strings "block" and "tx". */
typedef enum {
    MESSAGE_KIND_BLOCK,
    MESSAGE_KIND_TX,
} MessageKind;

typedef struct {
    gchar *address; /* "host:port", valid */
    gint64 time;    /* when the sender last heard from it, seconds since 1970 */
} MessageAddr;

/* A decoded message. TYPE says which member of the union is set. */
typedef struct {
    MessageType type;
    union {
        struct {
            gint32 version;
            gint32 best_height; /* the height of the sender's last block, >= 0 */
            guint64 nonce;      /* random per node: a version with our own is from ourselves */
            gchar *listen;      /* where the sender accepts connections, "" when it does not */
        } version;
        guint64 nonce; /* ping, pong */
        struct {
            MessageAddr *items;
            gsize n_items; /* 1 ... MESSAGE_MAX_ADDRS */
        } addr;
        struct {
            guint8 *hashes; /* n_hashes hashes, newest first, hash i at hashes + i * BC_HASH_LEN */
            gsize n_hashes; /* 1 ... MESSAGE_MAX_LOCATOR */
        } locator;
        struct {
            MessageKind kind;
            guint8 *items; /* n_items hashes, hash i at items + i * BC_HASH_LEN */
            gsize n_items; /* 1 ... MESSAGE_MAX_INV_ITEMS */
        } inv;               /* inv and getdata */
        GBytes *block;       /* MESSAGE_BLOCK: the serialized block, not decoded here */
        GBytes *transaction; /* MESSAGE_TX: the serialized transaction, not decoded here */
        struct {
            guint8 id[BC_HASH_LEN];
            gchar *reason; /* printable ASCII, at most MESSAGE_MAX_REASON_LEN */
        } reject;
    };
} Message;

void message_free(Message *message);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Message, message_free)

/* The command name of TYPE ("version" ...) and the wire name of KIND ("block", "tx"). */
const gchar *message_type_name(MessageType type);
const gchar *message_kind_name(MessageKind kind);

/* Whether ADDRESS is a "host:port" we accept: 3 to MESSAGE_MAX_ADDRESS_LEN printable ASCII
 * characters without spaces, a non-empty host, a port from 1 to 65535 after the last ':'
 * (so "[::1]:3000" works). */
gboolean message_address_is_valid(const gchar *address);

/* The encoders return the whole frame, header and payload, ready to send. Their arguments are
 * our own data, not a peer's: a bad one is a bug in the caller, reported by
 * g_return_val_if_fail, and the result is NULL. */
GBytes *message_encode_version(gint32 best_height, guint64 nonce, const gchar *listen);
GBytes *message_encode_empty(MessageType type); /* verack, getaddr */
GBytes *message_encode_ping(MessageType type, guint64 nonce); /* ping, pong */
GBytes *message_encode_addr(const MessageAddr *items, gsize n_items);
/* HASHES: N_HASHES hashes of BC_HASH_LEN bytes each, one after the other. */
GBytes *message_encode_getblocks(const guint8 *hashes, gsize n_hashes);
GBytes *message_encode_inv(MessageType type, MessageKind kind, const guint8 *hashes,
                           gsize n_hashes); /* inv, getdata */
GBytes *message_encode_data(MessageType type, GBytes *data); /* block, tx */
GBytes *message_encode_reject(const guint8 id[BC_HASH_LEN], const gchar *reason);

/* A frame's header, checked. */
typedef struct {
    gchar command[MESSAGE_COMMAND_LEN + 1];
    guint32 length; /* of the payload, <= MESSAGE_MAX_SIZE */
    guint8 checksum[MESSAGE_CHECKSUM_LEN];
} MessageHeader;

/* Reads the header in BYTES. Fails (and the connection must close: the stream cannot be trusted
 * to find the next frame) with BC_ERROR_CORRUPT for a bad magic or a command that is not
 * NUL-padded printable ASCII, BC_ERROR_TOO_LARGE for a length over MESSAGE_MAX_SIZE. */
gboolean message_header_parse(const guint8 bytes[MESSAGE_HEADER_LEN], MessageHeader *header,
                              GError **error);

/* The message HEADER frames with PAYLOAD (header->length bytes), or NULL with an error:
 * BC_ERROR_INVALID: the checksum does not match (the frame is skipped, the stream goes on);
 * BC_ERROR_NOT_FOUND: an unknown command (skipped too: a newer peer may know more);
 * BC_ERROR_TOO_LARGE: more inv items, addresses or locator hashes than allowed;
 * BC_ERROR_CORRUPT: a payload that is not the command's type in normal form, a bad address,
 * kind, hash length, reason, an empty list, a negative height.
 * Block and transaction bytes are not decoded here: their own decoders check them. */
Message *message_decode(const MessageHeader *header, GBytes *payload, GError **error);

/* Both steps over one whole frame in WIRE (tests and the fuzz target); BC_ERROR_CORRUPT when
 * WIRE is not exactly one frame. */
Message *message_decode_frame(GBytes *wire, GError **error);
