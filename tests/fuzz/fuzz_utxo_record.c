/* fuzz_utxo_record.c: utxo_record_decode (chapters/07-network/utxo_set.c), a record of the UTXO
 * set ('c' + txid: the ID again, the outputs, a checksum), read back from a chainstate file that
 * may be damaged. A record that decodes encodes back to the same bytes. The record's key, the
 * transaction ID, is the input's first 32 bytes (or zeros); the rest is the record. */
#include <string.h>

#include "bc_error.h"
#include "fuzz.h"
#include "fuzz_chain.h"
#include "utxo_set.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    guint8 txid[BC_HASH_LEN] = {0};
    if (size >= BC_HASH_LEN) {
        memcpy(txid, data, BC_HASH_LEN);
        data += BC_HASH_LEN;
        size -= BC_HASH_LEN;
    }
    g_autoptr(GBytes) raw = g_bytes_new(data, size);
    g_autoptr(GError) error = NULL;
    g_autoptr(GArray) outputs = utxo_record_decode(txid, raw, &error);
    if (outputs == NULL) {
        fuzz_assert_error("utxo_record_decode", error, BC_ERROR_CORRUPT, BC_ERROR_TOO_LARGE, -1);
        return 0;
    }
    for (guint i = 0; i < outputs->len; i++)
        FUZZ_ASSERT(memcmp(g_array_index(outputs, UnspentOutput, i).txid, txid, BC_HASH_LEN) == 0);
    g_autoptr(GBytes) again = utxo_record_encode(txid, outputs);
    fuzz_assert_same("UTXO record", data, size, again);
    return 0;
}

/* The record of TX's outputs whose indexes are in KEEP (the rest spent), keyed by TX's ID. */
static void seed_record(const gchar *name, const Transaction *tx, const guint *keep, gsize n)
{
    g_autoptr(GArray) outputs = g_array_new(FALSE, FALSE, sizeof(UnspentOutput));
    for (gsize i = 0; i < n; i++) {
        const TxOutput *out = g_ptr_array_index(tx->vout, keep[i]);
        UnspentOutput u = {.index = (gint32)keep[i], .value = out->value};
        memcpy(u.txid, tx->id, BC_HASH_LEN);
        memcpy(u.pubkey_hash, out->pubkey_hash, BC_RIPEMD160_LEN);
        g_array_append_val(outputs, u);
    }
    g_autoptr(GBytes) record = utxo_record_encode(tx->id, outputs);
    g_autoptr(GByteArray) seed = g_byte_array_new();
    g_byte_array_append(seed, tx->id, BC_HASH_LEN);
    g_byte_array_append(seed, g_bytes_get_data(record, NULL), (guint)g_bytes_get_size(record));
    fuzz_seed(name, seed->data, seed->len);
}

void fuzz_seeds(void)
{
    SeedChain chain;
    seed_chain_init(&chain);
    static const guint first[] = {0}, second[] = {1}, both[] = {0, 1};
    seed_record("coinbase", chain.coinbase, first, 1);
    seed_record("payment-and-change", chain.spend, both, 2);
    seed_record("change-only", chain.spend, second, 1);
    seed_chain_clear(&chain);
}
