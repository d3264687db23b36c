/* fuzz_undo.c: undo_decode (chapters/09-consensus/undo.c), a block's undo record ('u' + hash: the
 * outputs its inputs spent), read back from a chain file that may be damaged. A record that
 * decodes encodes back to the same bytes. */
#include <string.h>

#include "bc_error.h"
#include "fuzz.h"
#include "fuzz_chain.h"
#include "undo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(GBytes) raw = g_bytes_new(data, size);
    g_autoptr(GError) error = NULL;
    g_autoptr(GArray) undo = undo_decode(raw, &error);
    if (undo == NULL) {
        fuzz_assert_error("undo_decode", error, BC_ERROR_CORRUPT, BC_ERROR_TOO_LARGE, -1);
        return 0;
    }
    g_autoptr(GBytes) again = undo_encode(undo);
    fuzz_assert_same("undo record", data, size, again);
    return 0;
}

/* The undo record of a block spending OUTPUTS of TX (indexes in USED). */
static void seed_undo(const gchar *name, const Transaction *tx, const guint *used, gsize n)
{
    g_autoptr(GArray) undo = g_array_new(FALSE, FALSE, sizeof(UnspentOutput));
    for (gsize i = 0; i < n; i++) {
        const TxOutput *out = g_ptr_array_index(tx->vout, used[i]);
        UnspentOutput u = {.index = (gint32)used[i], .value = out->value};
        memcpy(u.txid, tx->id, BC_HASH_LEN);
        memcpy(u.pubkey_hash, out->pubkey_hash, BC_RIPEMD160_LEN);
        g_array_append_val(undo, u);
    }
    g_autoptr(GBytes) raw = undo_encode(undo);
    fuzz_seed_bytes(name, raw);
}

void fuzz_seeds(void)
{
    SeedChain chain;
    seed_chain_init(&chain);
    static const guint first[] = {0}, both[] = {0, 1};
    seed_undo("coinbase-only-block", chain.coinbase, first, 0);
    seed_undo("one-input", chain.coinbase, first, 1);
    seed_undo("two-inputs", chain.spend, both, 2);
    seed_chain_clear(&chain);
}
