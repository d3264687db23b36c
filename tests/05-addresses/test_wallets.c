/* test_wallets.c: the wallet file: round trip, mode 0600, atomic replacement, and every kind of bad
 * file refused without being changed. */
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "bc_error.h"
#include "bc_test.h"
#include "bc_variant.h"
#include "wallets.h"

static gchar *dir, *path;

static void setup(void)
{
    dir = bc_test_tmpdir();
    path = g_build_filename(dir, WALLETS_FILE, NULL);
}

static void teardown(void)
{
    bc_test_tmpdir_remove(dir);
    g_clear_pointer(&dir, g_free);
    g_clear_pointer(&path, g_free);
}

static guint count(const Wallets *wallets)
{
    g_auto(GStrv) addresses = wallets_get_addresses(wallets);
    return g_strv_length(addresses);
}

static void test_missing_file_is_empty(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(Wallets) wallets = wallets_load(path, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(wallets);
    CU_ASSERT_EQUAL(count(wallets), 0);
    CU_ASSERT_PTR_NULL(wallets_get_wallet(wallets, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"));
    CU_ASSERT_FALSE(g_file_test(path, G_FILE_TEST_EXISTS));
}

static void test_round_trip(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(Wallets) wallets = wallets_new();
    g_autofree gchar *a = wallets_create_wallet(wallets, &error);
    g_autofree gchar *b = wallets_create_wallet(wallets, &error);
    g_autofree gchar *c = wallets_create_wallet(wallets, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_TRUE_FATAL(wallets_save(wallets, path, &error));

    g_autoptr(Wallets) loaded = wallets_load(path, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(loaded);
    g_auto(GStrv) addresses = wallets_get_addresses(loaded);
    CU_ASSERT_EQUAL_FATAL(g_strv_length(addresses), 3);
    /* Sorted, and the same wallets: same keys, same address. */
    CU_ASSERT_TRUE(strcmp(addresses[0], addresses[1]) < 0);
    CU_ASSERT_TRUE(strcmp(addresses[1], addresses[2]) < 0);
    const gchar *created[] = {a, b, c};
    for (gsize i = 0; i < 3; i++) {
        const Wallet *before = wallets_get_wallet(wallets, created[i]);
        const Wallet *after = wallets_get_wallet(loaded, created[i]);
        CU_ASSERT_PTR_NOT_NULL_FATAL(after);
        CU_ASSERT_EQUAL(memcmp(wallet_private_key(before), wallet_private_key(after), 32), 0);
        CU_ASSERT_EQUAL(memcmp(wallet_public_key(before), wallet_public_key(after), 64), 0);
        g_autofree gchar *address = wallet_get_address(after);
        CU_ASSERT_STRING_EQUAL(address, created[i]);
    }

    /* Saved again with one more wallet: the file is replaced, nothing else left behind. */
    g_autofree gchar *d = wallets_create_wallet(loaded, &error);
    CU_ASSERT_TRUE_FATAL(wallets_save(loaded, path, &error));
    g_autoptr(Wallets) again = wallets_load(path, &error);
    CU_ASSERT_EQUAL(count(again), 4);
    CU_ASSERT_PTR_NOT_NULL(wallets_get_wallet(again, d));
    g_autoptr(GDir) listing = g_dir_open(dir, 0, NULL);
    int files = 0;
    while (g_dir_read_name(listing) != NULL)
        files++;
    CU_ASSERT_EQUAL(files, 1);
}

static void test_file_mode(void)
{
    /* Even over a file that was world-readable before. */
    CU_ASSERT_TRUE_FATAL(g_file_set_contents(path, "old", 3, NULL));
    CU_ASSERT_EQUAL(g_chmod(path, 0644), 0);
    g_autoptr(Wallets) wallets = wallets_new();
    g_autofree gchar *address = wallets_create_wallet(wallets, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(address);
    CU_ASSERT_TRUE_FATAL(wallets_save(wallets, path, NULL));
    GStatBuf st;
    CU_ASSERT_EQUAL_FATAL(g_stat(path, &st), 0);
    CU_ASSERT_EQUAL(st.st_mode & 0777, 0600);
}

static void test_save_fails_cleanly(void)
{
    g_autoptr(Wallets) wallets = wallets_new();
    g_autofree gchar *nowhere = g_build_filename(dir, "no-such-dir", WALLETS_FILE, NULL);
    g_autoptr(GError) error = NULL;
    CU_ASSERT_FALSE(wallets_save(wallets, nowhere, &error));
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_IO));
}

/* Writes DATA to PATH, checks that loading it fails with BC_ERROR_CORRUPT and a message with REASON
 * in it, and that the file is still byte for byte what it was. */
static void assert_rejected(const void *data, gsize len, const gchar *reason)
{
    CU_ASSERT_TRUE_FATAL(g_file_set_contents(path, data, (gssize)len, NULL));
    g_autoptr(GError) error = NULL;
    g_autoptr(Wallets) wallets = wallets_load(path, &error);
    CU_ASSERT_PTR_NULL(wallets);
    CU_ASSERT_TRUE_FATAL(g_error_matches(error, BC_ERROR, BC_ERROR_CORRUPT));
    if (strstr(error->message, reason) == NULL)
        g_printerr("\n  expected \"%s\" in: %s\n", reason, error->message);
    CU_ASSERT_PTR_NOT_NULL(strstr(error->message, reason));
    gsize after_len = 0;
    g_autofree gchar *after = bc_test_read_file(path, &after_len);
    CU_ASSERT_EQUAL_FATAL(after_len, len);
    if (len > 0)
        CU_ASSERT_EQUAL(memcmp(after, data, len), 0);
}

static void assert_variant_rejected(GVariant *value, const gchar *reason)
{
    g_autoptr(GBytes) bytes = bc_variant_encode(value);
    gsize len = 0;
    const guint8 *data = g_bytes_get_data(bytes, &len);
    assert_rejected(data, len, reason);
}

static void test_rejects_foreign_files(void)
{
    assert_rejected("", 0, "damaged");
    assert_rejected("hello\n", 6, "damaged");
    assert_variant_rejected(g_variant_new("(sua(say))", "another program", 1, NULL),
                            "not a blockchain-c wallet file");
    assert_variant_rejected(g_variant_new("(sua(say))", "blockchain-c wallets", 2, NULL),
                            "format version 2");
    assert_variant_rejected(g_variant_new("(sa(say))", "blockchain-c wallets", NULL), "damaged");
    /* Over the size limit. */
    gsize big = 1024 * 1024 + 1;
    g_autofree gchar *zeros = g_malloc0(big);
    assert_rejected(zeros, big, "size limit");
    /* A directory where the file should be. */
    g_autofree gchar *subdir = g_build_filename(dir, "d", NULL);
    CU_ASSERT_EQUAL(g_mkdir(subdir, 0700), 0);
    g_autoptr(GError) error = NULL;
    g_autoptr(Wallets) wallets = wallets_load(subdir, &error);
    CU_ASSERT_PTR_NULL(wallets);
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_CORRUPT));
}

/* A file with two good wallets, every prefix of it: all refused. */
static void test_rejects_truncated(void)
{
    g_autoptr(Wallets) wallets = wallets_new();
    g_autofree gchar *a = wallets_create_wallet(wallets, NULL);
    g_autofree gchar *b = wallets_create_wallet(wallets, NULL);
    CU_ASSERT_TRUE_FATAL(a != NULL && b != NULL);
    CU_ASSERT_TRUE_FATAL(wallets_save(wallets, path, NULL));
    gsize len = 0;
    g_autofree gchar *full = bc_test_read_file(path, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(full);
    for (gsize n = 0; n < len; n++)
        assert_rejected(full, n, "wallet file");
}

static GVariant *entry(const gchar *address, const guint8 *key, gsize len)
{
    return g_variant_new("(s@ay)", address, bc_variant_new_bytes(key, len));
}

static void test_rejects_wrong_keys(void)
{
    g_autoptr(Wallet) one = wallet_new(NULL);
    g_autoptr(Wallet) two = wallet_new(NULL);
    g_autofree gchar *one_address = wallet_get_address(one);
    g_autofree gchar *two_address = wallet_get_address(two);
    const guint8 *one_key = wallet_private_key(one), *two_key = wallet_private_key(two);
    const guint8 zero_key[32] = {0};
    GVariant *swapped[] = {entry(one_address, two_key, 32), entry(two_address, one_key, 32)};
    assert_variant_rejected(g_variant_new("(su@a(say))", "blockchain-c wallets", 1,
                                          g_variant_new_array(NULL, swapped, 2)),
                            "is not its key");
    GVariant *zero[] = {entry(one_address, zero_key, 32)};
    assert_variant_rejected(
        g_variant_new("(su@a(say))", "blockchain-c wallets", 1, g_variant_new_array(NULL, zero, 1)),
        "is not its key");
    GVariant *short_key[] = {entry(one_address, one_key, 31)};
    assert_variant_rejected(g_variant_new("(su@a(say))", "blockchain-c wallets", 1,
                                          g_variant_new_array(NULL, short_key, 1)),
                            "is not its key");
    GVariant *twice[] = {entry(one_address, one_key, 32), entry(one_address, one_key, 32)};
    assert_variant_rejected(g_variant_new("(su@a(say))", "blockchain-c wallets", 1,
                                          g_variant_new_array(NULL, twice, 2)),
                            "appears twice");
    GVariant *garbage[] = {entry("not an address \xc3\xa9", one_key, 32)};
    assert_variant_rejected(g_variant_new("(su@a(say))", "blockchain-c wallets", 1,
                                          g_variant_new_array(NULL, garbage, 1)),
                            "not a valid address");
}

void test_wallets_register(void)
{
    static const BcTest tests[] = {
        {"missing file is an empty set", test_missing_file_is_empty},
        {"save and load", test_round_trip},
        {"file mode 0600", test_file_mode},
        {"save into a missing directory", test_save_fails_cleanly},
        {"foreign files rejected", test_rejects_foreign_files},
        {"truncated files rejected", test_rejects_truncated},
        {"wrong keys rejected", test_rejects_wrong_keys},
        {NULL, NULL},
    };
    bc_test_add_suite("05/wallets", setup, teardown, tests);
}
