/* fuzz_transaction.c: transaction_deserialize (chapters/07-network/transaction.c), what a peer's
 * "tx" message carries and every block holds. A transaction that decodes serializes back to the
 * same bytes. */
#include "bc_error.h"
#include "fuzz.h"
#include "fuzz_chain.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(GBytes) bytes = g_bytes_new(data, size);
    g_autoptr(GError) error = NULL;
    g_autoptr(Transaction) tx = transaction_deserialize(bytes, &error);
    if (tx == NULL) {
        fuzz_assert_error("transaction_deserialize", error, BC_ERROR_CORRUPT, BC_ERROR_TOO_LARGE,
                          -1);
        return 0;
    }
    g_autoptr(GBytes) again = transaction_serialize(tx);
    fuzz_assert_same("transaction", data, size, again);
    return 0;
}

void fuzz_seeds(void)
{
    SeedChain chain;
    seed_chain_init(&chain);
    g_autoptr(GBytes) coinbase = transaction_serialize(chain.coinbase);
    fuzz_seed_bytes("coinbase", coinbase);
    g_autoptr(GBytes) spend = transaction_serialize(chain.spend);
    fuzz_seed_bytes("one-input-two-outputs", spend);
    g_autoptr(GBytes) spend_back = transaction_serialize(chain.spend_back);
    fuzz_seed_bytes("two-inputs", spend_back);
    /* Decodable but invalid: no inputs, no outputs (validation refuses it, the decoder not). */
    g_autoptr(Transaction) empty = transaction_new();
    transaction_set_id(empty);
    g_autoptr(GBytes) empty_bytes = transaction_serialize(empty);
    fuzz_seed_bytes("empty", empty_bytes);
    seed_chain_clear(&chain);
}
