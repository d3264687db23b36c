/* fuzz_addrman.c: addrman_decode (chapters/08-peer-to-peer/addrman.c), what addrman_load makes
 * of peers_NODE_ID.dat, a file anyone with access to the directory may have written. A book that
 * loads encodes to bytes that load to the same book. */
#include "addrman.h"
#include "bc_error.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(GBytes) bytes = g_bytes_new(data, size);
    g_autoptr(GError) error = NULL;
    g_autoptr(AddrMan) man = addrman_decode(bytes, &error);
    if (man == NULL) {
        fuzz_assert_error("addrman_decode", error, BC_ERROR_CORRUPT, BC_ERROR_TOO_LARGE, -1);
        return 0;
    }
    g_autoptr(GBytes) again = addrman_encode(man);
    g_autoptr(AddrMan) back = addrman_decode(again, &error);
    g_assert(back != NULL);
    g_autoptr(GBytes) twice = addrman_encode(back);
    fuzz_assert_same("address book", g_bytes_get_data(again, NULL), g_bytes_get_size(again), twice);
    return 0;
}

/* An empty book, and one with addresses of each spelling and a ban, as addrman_save writes them. */
void fuzz_seeds(void)
{
    g_autoptr(AddrMan) man = addrman_new();
    g_autoptr(GBytes) empty = addrman_encode(man);
    fuzz_seed_bytes("empty", empty);
    addrman_add(man, "localhost:3000", 1700000000);
    addrman_add(man, "127.0.0.2:3001", 1700000001);
    addrman_add(man, "[::1]:3002", 1700000002);
    addrman_failed(man, "localhost:3000", 1700000003);
    addrman_ban(man, "127.0.0.5", 1700086400);
    g_autoptr(GBytes) some = addrman_encode(man);
    fuzz_seed_bytes("three-and-a-ban", some);
}
