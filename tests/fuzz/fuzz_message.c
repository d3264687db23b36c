/* fuzz_message.c: message_decode (chapters/07-network/message.c), the first code every byte from
 * a peer meets. A message that decodes is encoded again with the encoder of its command, and the
 * bytes must be the input's: no second spelling of a command, no padding, no hidden bytes. */
#include "bc_error.h"
#include "fuzz.h"
#include "fuzz_chain.h"
#include "message.h"

#define SENDER "localhost:3000"

static GBytes *encode(const Message *m)
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
    fuzz_fail("message_decode returned an unknown type %d", (int)m->type);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(GBytes) wire = g_bytes_new(data, size);
    g_autoptr(GError) error = NULL;
    g_autoptr(Message) message = message_decode(wire, &error);
    if (message == NULL) {
        fuzz_assert_error("message_decode", error, BC_ERROR_CORRUPT, BC_ERROR_TOO_LARGE, -1);
        return 0;
    }
    /* Any critical in an encoder (an argument it refuses) aborts too: see fuzz.c. */
    g_autoptr(GBytes) again = encode(message);
    fuzz_assert_same(message_type_name(message->type), data, size, again);
    return 0;
}

void fuzz_seeds(void)
{
    SeedChain chain;
    seed_chain_init(&chain);
    g_autoptr(GBytes) version = message_encode_version(NODE_VERSION, 1, SENDER);
    fuzz_seed_bytes("version", version);
    g_autoptr(GBytes) version_v6 = message_encode_version(NODE_VERSION, 0, "[::1]:65535");
    fuzz_seed_bytes("version-ipv6", version_v6);
    g_autoptr(GBytes) getblocks = message_encode_getblocks(SENDER);
    fuzz_seed_bytes("getblocks", getblocks);
    guint8 hashes[2 * BC_HASH_LEN];
    memcpy(hashes, chain.block->hash, BC_HASH_LEN);
    memcpy(hashes + BC_HASH_LEN, chain.genesis->hash, BC_HASH_LEN);
    g_autoptr(GBytes) inv_blocks = message_encode_inv(SENDER, MESSAGE_KIND_BLOCK, hashes, 2);
    fuzz_seed_bytes("inv-blocks", inv_blocks);
    g_autoptr(GBytes) inv_tx = message_encode_inv(SENDER, MESSAGE_KIND_TX, chain.spend->id, 1);
    fuzz_seed_bytes("inv-tx", inv_tx);
    g_autoptr(GBytes) getdata_block =
        message_encode_getdata(SENDER, MESSAGE_KIND_BLOCK, chain.genesis->hash);
    fuzz_seed_bytes("getdata-block", getdata_block);
    g_autoptr(GBytes) getdata_tx = message_encode_getdata(SENDER, MESSAGE_KIND_TX, chain.spend->id);
    fuzz_seed_bytes("getdata-tx", getdata_tx);
    g_autoptr(GBytes) block_bytes = block_serialize(chain.block);
    g_autoptr(GBytes) block = message_encode_block(SENDER, block_bytes);
    fuzz_seed_bytes("block", block);
    g_autoptr(GBytes) tx_bytes = transaction_serialize(chain.spend);
    g_autoptr(GBytes) tx = message_encode_tx(SENDER, tx_bytes);
    fuzz_seed_bytes("tx", tx);
    const gchar *const addrs[] = {"localhost:3000", "127.0.0.1:3001", "[::1]:3002", NULL};
    g_autoptr(GBytes) addr = message_encode_addr(addrs);
    fuzz_seed_bytes("addr", addr);
    seed_chain_clear(&chain);
}
