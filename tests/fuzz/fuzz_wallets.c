/* fuzz_wallets.c: wallets_deserialize (chapters/07-network/wallets.c), what wallets_load makes of
 * a wallet file, which a user may have copied from anywhere. Wallets that load serialize back to
 * the file's bytes. */
#include "bc_error.h"
#include "fuzz.h"
#include "wallets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(GBytes) bytes = g_bytes_new(data, size);
    g_autoptr(GError) error = NULL;
    g_autoptr(Wallets) wallets = wallets_deserialize(bytes, "fuzz input", &error);
    if (wallets == NULL) {
        fuzz_assert_error("wallets_deserialize", error, BC_ERROR_CORRUPT, -1);
        return 0;
    }
    g_autoptr(GBytes) again = wallets_serialize(wallets);
    fuzz_assert_same("wallet file", data, size, again);
    return 0;
}

/* Files of 0, 1 and 3 wallets (new keys each time), as wallets_save writes them. */
void fuzz_seeds(void)
{
    static const guint sizes[] = {0, 1, 3};
    g_autoptr(Wallets) wallets = wallets_new();
    guint have = 0;
    for (gsize i = 0; i < G_N_ELEMENTS(sizes); i++) {
        for (; have < sizes[i]; have++) {
            g_autofree gchar *address = wallets_create_wallet(wallets, NULL);
            g_assert(address != NULL);
        }
        g_autoptr(GBytes) file = wallets_serialize(wallets);
        g_autofree gchar *name = g_strdup_printf("%u-wallets", sizes[i]);
        fuzz_seed_bytes(name, file);
    }
}
