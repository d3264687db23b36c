/* fuzz_block.c: block_deserialize (chapters/07-network/block.c), what a peer's "block" message
 * carries and what the database holds. A block that decodes serializes back to the same bytes. */
#include "bc_error.h"
#include "fuzz.h"
#include "fuzz_chain.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(GBytes) bytes = g_bytes_new(data, size);
    g_autoptr(GError) error = NULL;
    g_autoptr(Block) block = block_deserialize(bytes, &error);
    if (block == NULL) {
        fuzz_assert_error("block_deserialize", error, BC_ERROR_CORRUPT, BC_ERROR_TOO_LARGE, -1);
        return 0;
    }
    g_autoptr(GBytes) again = block_serialize(block);
    fuzz_assert_same("block", data, size, again);
    return 0;
}

void fuzz_seeds(void)
{
    SeedChain chain;
    seed_chain_init(&chain);
    g_autoptr(GBytes) genesis = block_serialize(chain.genesis);
    fuzz_seed_bytes("genesis", genesis);
    g_autoptr(GBytes) block = block_serialize(chain.block);
    fuzz_seed_bytes("three-transactions", block);
    seed_chain_clear(&chain);
}
