/* fuzz_p2p.h: what the chapter 8 message targets share (fuzz_p2p_message.c, fuzz_p2p_stream.c):
 * the frame a decoded message encodes back to, made by chapters/08-peer-to-peer/message.c's own
 * encoders, and the frames of every command for the seeds. */
#pragma once
#include <string.h>

#include "bc_hash.h"
#include "fuzz.h"
#include "fuzz_chain.h"
#include "message.h"

/* The frame M encodes to with the encoder of its command. The one field no encoder takes is the
 * version's protocol number (ours is always NODE_VERSION; the node refuses any other after
 * decoding it), so for another number the encoder's frame gets M's number written into the
 * payload's first 4 bytes (the tuple's leading int32) and its checksum made again. */
static inline GBytes *p2p_encode(const Message *m)
{
    switch (m->type) {
    case MESSAGE_VERSION: {
        g_autoptr(GBytes) ours = message_encode_version(m->version.best_height, m->version.nonce,
                                                        m->version.listen);
        if (m->version.version == NODE_VERSION)
            return g_steal_pointer(&ours);
        FUZZ_ASSERT(ours != NULL && g_bytes_get_size(ours) >= MESSAGE_HEADER_LEN + 4);
        GByteArray *frame = g_bytes_unref_to_array(g_steal_pointer(&ours));
        guint8 *wire = frame->data;
        gsize len = frame->len;
        guint8 *payload = wire + MESSAGE_HEADER_LEN;
        guint32 le = GUINT32_TO_LE((guint32)m->version.version);
        memcpy(payload, &le, 4);
        guint8 hash[BC_HASH_LEN];
        bc_double_sha256(payload, len - MESSAGE_HEADER_LEN, hash);
        memcpy(wire + MESSAGE_HEADER_LEN - MESSAGE_CHECKSUM_LEN, hash, MESSAGE_CHECKSUM_LEN);
        return g_byte_array_free_to_bytes(frame);
    }
    case MESSAGE_VERACK:
    case MESSAGE_GETADDR:
        return message_encode_empty(m->type);
    case MESSAGE_PING:
    case MESSAGE_PONG:
        return message_encode_ping(m->type, m->nonce);
    case MESSAGE_ADDR:
        return message_encode_addr(m->addr.items, m->addr.n_items);
    case MESSAGE_GETBLOCKS:
        return message_encode_getblocks(m->locator.hashes, m->locator.n_hashes);
    case MESSAGE_INV:
    case MESSAGE_GETDATA:
        return message_encode_inv(m->type, m->inv.kind, m->inv.items, m->inv.n_items);
    case MESSAGE_BLOCK:
        return message_encode_data(m->type, m->block);
    case MESSAGE_TX:
        return message_encode_data(m->type, m->transaction);
    case MESSAGE_REJECT:
        return message_encode_reject(m->reject.id, m->reject.reason);
    }
    fuzz_fail("message_decode returned an unknown type %d", (int)m->type);
}

/* One valid frame of each command (two of some), made by the chapter's encoders, in the order a
 * connection sees them: handshake, discovery, sync, relay. Each is passed to SEED with its name. */
static inline void p2p_seed_frames(void (*seed)(const gchar *name, GBytes *frame, gpointer data),
                                   gpointer data)
{
    SeedChain chain;
    seed_chain_init(&chain);
    g_autoptr(GBytes) version = message_encode_version(1, G_GUINT64_CONSTANT(0x0123456789abcdef),
                                                       "localhost:3000");
    seed("version", version, data);
    g_autoptr(GBytes) version_v6 = message_encode_version(0, 1, "[::1]:65535");
    seed("version-ipv6", version_v6, data);
    g_autoptr(GBytes) version_nolisten = message_encode_version(7, 2, "");
    seed("version-not-listening", version_nolisten, data);
    g_autoptr(GBytes) verack = message_encode_empty(MESSAGE_VERACK);
    seed("verack", verack, data);
    g_autoptr(GBytes) getaddr = message_encode_empty(MESSAGE_GETADDR);
    seed("getaddr", getaddr, data);
    const MessageAddr addrs[] = {
        {"localhost:3000", SEED_TIMESTAMP},
        {"127.0.0.2:3001", SEED_TIMESTAMP + 1},
        {"[::1]:3002", -1},
    };
    g_autoptr(GBytes) addr = message_encode_addr(addrs, G_N_ELEMENTS(addrs));
    seed("addr", addr, data);
    g_autoptr(GBytes) ping = message_encode_ping(MESSAGE_PING, 42);
    seed("ping", ping, data);
    g_autoptr(GBytes) pong = message_encode_ping(MESSAGE_PONG, 42);
    seed("pong", pong, data);
    guint8 hashes[2 * BC_HASH_LEN];
    memcpy(hashes, chain.block->hash, BC_HASH_LEN);
    memcpy(hashes + BC_HASH_LEN, chain.genesis->hash, BC_HASH_LEN);
    g_autoptr(GBytes) getblocks = message_encode_getblocks(hashes, 2);
    seed("getblocks-locator", getblocks, data);
    g_autoptr(GBytes) inv_blocks = message_encode_inv(MESSAGE_INV, MESSAGE_KIND_BLOCK, hashes, 2);
    seed("inv-blocks", inv_blocks, data);
    g_autoptr(GBytes) inv_tx = message_encode_inv(MESSAGE_INV, MESSAGE_KIND_TX, chain.spend->id, 1);
    seed("inv-tx", inv_tx, data);
    g_autoptr(GBytes) getdata_block =
        message_encode_inv(MESSAGE_GETDATA, MESSAGE_KIND_BLOCK, chain.genesis->hash, 1);
    seed("getdata-block", getdata_block, data);
    g_autoptr(GBytes) getdata_tx =
        message_encode_inv(MESSAGE_GETDATA, MESSAGE_KIND_TX, chain.spend->id, 1);
    seed("getdata-tx", getdata_tx, data);
    g_autoptr(GBytes) block_bytes = block_serialize(chain.block);
    g_autoptr(GBytes) block = message_encode_data(MESSAGE_BLOCK, block_bytes);
    seed("block", block, data);
    g_autoptr(GBytes) tx_bytes = transaction_serialize(chain.spend);
    g_autoptr(GBytes) tx = message_encode_data(MESSAGE_TX, tx_bytes);
    seed("tx", tx, data);
    g_autoptr(GBytes) reject =
        message_encode_reject(chain.spend->id, "error: transaction spends a spent output");
    seed("reject", reject, data);
    seed_chain_clear(&chain);
}
