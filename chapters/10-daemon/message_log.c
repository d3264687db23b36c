/* message_log.c: the message log lines, as chapter 7 writes them. */
#include "message_log.h"

#include "address.h"
#include "bc_hex.h"
#include "block.h"
#include "log.h"
#include "transaction.h"

/* Hashes and addresses in the message log: the first 8 characters, enough to tell apart the few
 * blocks and wallets of a small network (the "added block" lines give whole hashes). */
#define LOG_SHORT 8
/* Outputs of one transaction described in full; the rest are counted. */
#define LOG_MAX_OUTPUTS 4

static void append_short_hash(GString *s, const guint8 hash[BC_HASH_LEN])
{
    g_autofree gchar *hex = bc_hex_encode(hash, BC_HASH_LEN);
    g_string_append_len(s, hex, LOG_SHORT);
}

static void describe_tx(GString *s, GBytes *raw)
{
    g_autoptr(Transaction) tx = transaction_deserialize(raw, NULL);
    if (tx == NULL) {
        g_string_append_printf(s, "%" G_GSIZE_FORMAT " bytes that are no transaction",
                               g_bytes_get_size(raw));
        return;
    }
    append_short_hash(s, tx->id);
    for (guint i = 0; i < MIN(tx->vout->len, LOG_MAX_OUTPUTS); i++) {
        const TxOutput *out = g_ptr_array_index(tx->vout, i);
        g_autofree gchar *to = address_from_pubkey_hash(out->pubkey_hash);
        g_string_append_printf(s, "%s %" G_GINT64_FORMAT " to %.*s", i == 0 ? ", pays" : ",",
                               out->value, LOG_SHORT, to);
    }
    if (tx->vout->len > LOG_MAX_OUTPUTS)
        g_string_append_printf(s, " and %u more outputs", tx->vout->len - LOG_MAX_OUTPUTS);
}

static void describe_block(GString *s, GBytes *raw)
{
    g_autoptr(Block) block = block_deserialize(raw, NULL);
    if (block == NULL) {
        g_string_append_printf(s, "%" G_GSIZE_FORMAT " bytes that are no block",
                               g_bytes_get_size(raw));
        return;
    }
    append_short_hash(s, block->hash);
    g_string_append_printf(s, " at height %d, %u transaction%s", block->height,
                           block->transactions->len, block->transactions->len == 1 ? "" : "s");
}

gchar *message_describe(const Message *m)
{
    GString *s = g_string_new(NULL);
    switch (m->type) {
    case MESSAGE_VERSION:
        g_string_append_printf(s, "height %d, listens on %s", m->version.best_height,
                               *m->version.listen != '\0' ? m->version.listen : "nothing");
        break;
    case MESSAGE_VERACK:
        g_string_append(s, "your version is fine");
        break;
    case MESSAGE_PING:
    case MESSAGE_PONG:
        g_string_append_printf(s, "nonce %08" G_GINT64_MODIFIER "x", m->nonce >> 32);
        break;
    case MESSAGE_GETADDR:
        g_string_append(s, "which nodes do you know?");
        break;
    case MESSAGE_ADDR:
        /* One address: an announcement, named; more: an answer to getaddr, counted. */
        if (m->addr.n_items == 1)
            g_string_append(s, m->addr.items[0].address);
        else
            g_string_append_printf(s, "%" G_GSIZE_FORMAT " addresses", m->addr.n_items);
        break;
    case MESSAGE_GETBLOCKS:
        g_string_append_printf(s, "locator of %" G_GSIZE_FORMAT " hash%s, tip ",
                               m->locator.n_hashes, m->locator.n_hashes == 1 ? "" : "es");
        append_short_hash(s, m->locator.hashes);
        break;
    case MESSAGE_INV:
    case MESSAGE_GETDATA:
        /* The last hash: the newest block of an answer to getblocks, its sender's tip. */
        g_string_append_printf(s, "%" G_GSIZE_FORMAT " %s hash%s", m->inv.n_items,
                               message_kind_name(m->inv.kind),
                               m->inv.n_items == 1 ? " " : "es, last ");
        append_short_hash(s, m->inv.items + (m->inv.n_items - 1) * BC_HASH_LEN);
        break;
    case MESSAGE_BLOCK:
        describe_block(s, m->block);
        break;
    case MESSAGE_TX:
        describe_tx(s, m->transaction);
        break;
    case MESSAGE_REJECT:
        append_short_hash(s, m->reject.id);
        g_string_append_printf(s, ": %s", m->reject.reason);
        break;
    }
    return g_string_free(s, FALSE);
}

/* @excerpt message-log */
/* Described from its own bytes, decoded as the receiver will decode them. */
void message_log_sent(const gchar *peer_name, GBytes *frame)
{
    g_autoptr(Message) m = message_decode_frame(frame, NULL);
    g_assert(m != NULL); /* our own encoders made it */
    g_autofree gchar *what = message_describe(m);
    node_log("sent %s to %s: %s", message_type_name(m->type), peer_name, what);
}

void message_log_received(const gchar *peer_name, const Message *m)
{
    g_autofree gchar *what = message_describe(m);
    node_log("received %s from %s: %s", message_type_name(m->type), peer_name, what);
}
/* @end message-log */
