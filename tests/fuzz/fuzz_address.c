/* fuzz_address.c: address_to_pubkey_hash (chapters/07-network/address.c), the text a user pastes
 * into send, getbalance and startnode -miner. An address that decodes is made again from its key
 * hash, and must be the same text; address_validate must agree. */
#include <string.h>

#include "address.h"
#include "bc_error.h"
#include "fuzz.h"
#include "fuzz_chain.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree gchar *text = g_strndup((const gchar *)data, size); /* a C string: up to a NUL */
    guint8 hash[BC_RIPEMD160_LEN];
    g_autoptr(GError) error = NULL;
    gboolean ok = address_to_pubkey_hash(text, hash, &error);
    FUZZ_ASSERT(address_validate(text, NULL) == ok);
    if (!ok) {
        fuzz_assert_error("address_to_pubkey_hash", error, BC_ERROR_INVALID_ARGUMENT, -1);
        return 0;
    }
    gchar *again = address_from_pubkey_hash(hash);
    g_autoptr(GBytes) again_bytes = g_bytes_new_take(again, strlen(again));
    fuzz_assert_same("address", text, strlen(text), again_bytes);
    return 0;
}

void fuzz_seeds(void)
{
    for (guint8 n = 1; n <= 3; n++) {
        g_autoptr(Wallet) wallet = seed_wallet(n);
        g_autofree gchar *address = wallet_get_address(wallet);
        g_autofree gchar *name = g_strdup_printf("wallet-%u", n);
        fuzz_seed(name, address, strlen(address));
    }
    /* The key hash of all zeros: the shortest address, with a run of '1's. */
    static const guint8 zeros[BC_RIPEMD160_LEN] = {0};
    g_autofree gchar *shortest = address_from_pubkey_hash(zeros);
    fuzz_seed("zero-hash", shortest, strlen(shortest));
}
