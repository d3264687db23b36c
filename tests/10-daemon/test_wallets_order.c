/* test_wallets_order.c: a wallet file has one encoding: its entries sorted by address, as
 * wallets_serialize writes them. The same wallets in another order are refused, like a repeated
 * address, and the file is left as it was. Found by tests/fuzz/fuzz_wallets.c (corpus input
 * wallets/entries-out-of-order): the loader used to accept any order, so that a file did not
 * re-encode to its own bytes. */
#include <string.h>

#include "bc_error.h"
#include "bc_test.h"
#include "bc_variant.h"
#include "wallets.h"

/* The file of WALLETS's entries in the order of INDEXES (positions in the sorted addresses). */
static GBytes *file_in_order(const Wallets *wallets, const guint *indexes, gsize n)
{
    g_auto(GStrv) addresses = wallets_get_addresses(wallets);
    GVariantBuilder entries;
    g_variant_builder_init(&entries, G_VARIANT_TYPE("a(say)"));
    for (gsize i = 0; i < n; i++) {
        const Wallet *wallet = wallets_get_wallet(wallets, addresses[indexes[i]]);
        g_variant_builder_add(&entries, "(s@ay)", addresses[indexes[i]],
                              bc_variant_new_bytes(wallet_private_key(wallet), 32));
    }
    return bc_variant_encode(
        g_variant_new("(su@a(say))", "blockchain-c wallets", 1u, g_variant_builder_end(&entries)));
}

static Wallets *three_wallets(void)
{
    Wallets *wallets = wallets_new();
    for (int i = 0; i < 3; i++) {
        g_autofree gchar *address = wallets_create_wallet(wallets, NULL);
        CU_ASSERT_PTR_NOT_NULL_FATAL(address);
    }
    return wallets;
}

static void test_sorted_round_trip(void)
{
    g_autoptr(Wallets) wallets = three_wallets();
    g_autoptr(GBytes) bytes = wallets_serialize(wallets);
    const guint sorted[] = {0, 1, 2};
    g_autoptr(GBytes) by_hand = file_in_order(wallets, sorted, 3);
    CU_ASSERT_TRUE(g_bytes_equal(bytes, by_hand));
    g_autoptr(GError) error = NULL;
    g_autoptr(Wallets) loaded = wallets_deserialize(bytes, "test file", &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(loaded);
    g_autoptr(GBytes) again = wallets_serialize(loaded);
    CU_ASSERT_TRUE(g_bytes_equal(again, bytes));
}

/* Writes BYTES to a file, loads it: refused with REASON, and the file is unchanged. */
static void assert_file_refused(GBytes *bytes, const gchar *reason)
{
    g_autofree gchar *dir = bc_test_tmpdir();
    g_autofree gchar *path = g_build_filename(dir, "wallet.dat", NULL);
    gsize len = 0;
    const gchar *data = g_bytes_get_data(bytes, &len);
    CU_ASSERT_TRUE_FATAL(g_file_set_contents(path, data, (gssize)len, NULL));
    g_autoptr(GError) error = NULL;
    g_autoptr(Wallets) loaded = wallets_load(path, &error);
    CU_ASSERT_PTR_NULL(loaded);
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_CORRUPT));
    if (error != NULL)
        BC_ASSERT_CONTAINS(error->message, reason);
    gsize after_len = 0;
    g_autofree gchar *after = bc_test_read_file(path, &after_len);
    CU_ASSERT_TRUE(after != NULL && after_len == len && memcmp(after, data, len) == 0);
    bc_test_tmpdir_remove(dir);
}

static void test_other_orders_refused(void)
{
    g_autoptr(Wallets) wallets = three_wallets();
    const guint orders[][3] = {{1, 0, 2}, {0, 2, 1}, {2, 1, 0}, {1, 2, 0}};
    for (gsize i = 0; i < G_N_ELEMENTS(orders); i++) {
        g_autoptr(GBytes) bytes = file_in_order(wallets, orders[i], 3);
        assert_file_refused(bytes, "is out of order");
    }
    const guint twice[] = {0, 1, 1};
    g_autoptr(GBytes) bytes = file_in_order(wallets, twice, 3);
    assert_file_refused(bytes, "appears twice");
}

void test_wallets_order_register(void)
{
    static const BcTest tests[] = {
        {"the file is sorted, and loads back to its bytes", test_sorted_round_trip},
        {"any other order is refused, the file unchanged", test_other_orders_refused},
        {0},
    };
    bc_test_add_suite("wallets/order", NULL, NULL, tests);
}
