/* test_addrman.c: the address book is bounded, survives a save and load, and its decoder
 * refuses every malformed file. */
#include <glib/gstdio.h>

#include "addrman.h"
#include "bc_error.h"
#include "bc_test.h"
#include "bc_variant.h"

static void test_bounded_and_saved(void)
{
    g_autoptr(AddrMan) man = addrman_new();
    CU_ASSERT_TRUE(addrman_add(man, "localhost:3000", 100));
    CU_ASSERT_FALSE(addrman_add(man, "localhost:3000", 200)); /* known: only its time moves */
    CU_ASSERT_TRUE(addrman_add(man, "[::1]:3001", 50));
    for (guint i = 0; i < 2 * ADDRMAN_MAX_ADDRS; i++) {
        g_autofree gchar *a = g_strdup_printf("10.0.%u.%u:8333", i / 250, i % 250);
        addrman_add(man, a, 1000 + i);
    }
    CU_ASSERT_EQUAL(addrman_count(man), ADDRMAN_MAX_ADDRS);
    addrman_ban(man, "127.0.0.5", G_MAXINT64);
    CU_ASSERT_TRUE(addrman_is_banned(man, "127.0.0.5", 0));
    CU_ASSERT_FALSE(addrman_is_banned(man, "127.0.0.6", 0));

    g_autofree gchar *dir = bc_test_tmpdir();
    g_autofree gchar *path = g_build_filename(dir, "peers_1.dat", NULL);
    g_autoptr(GError) error = NULL;
    CU_ASSERT_TRUE(addrman_save(man, path, &error));
    g_autoptr(AddrMan) back = addrman_load(path, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(back);
    CU_ASSERT_EQUAL(addrman_count(back), ADDRMAN_MAX_ADDRS);
    CU_ASSERT_TRUE(addrman_is_banned(back, "127.0.0.5", 0));
    g_autoptr(GBytes) a = addrman_encode(man);
    g_autoptr(GBytes) b = addrman_encode(back);
    CU_ASSERT_TRUE(g_bytes_equal(a, b));
    gsize n = 0;
    MessageAddr *newest = addrman_get(back, 3, &n);
    CU_ASSERT_EQUAL(n, 3);
    CU_ASSERT_EQUAL(newest[0].time, 1000 + 2 * ADDRMAN_MAX_ADDRS - 1);
    addrman_addrs_free(newest, n);

    /* No file is an empty book; a damaged one is an error, not a crash. */
    g_autofree gchar *missing = g_build_filename(dir, "none.dat", NULL);
    g_autoptr(AddrMan) empty = addrman_load(missing, NULL);
    CU_ASSERT_PTR_NOT_NULL(empty);
    g_file_set_contents(path, "junk", 4, NULL);
    g_autoptr(GError) bad = NULL;
    g_autoptr(AddrMan) none = addrman_load(path, &bad);
    CU_ASSERT_PTR_NULL(none);
    CU_ASSERT_TRUE(g_error_matches(bad, BC_ERROR, BC_ERROR_CORRUPT));
    bc_test_tmpdir_remove(dir);
}

static void expect_refused(GVariant *value, gint code)
{
    g_autoptr(GBytes) bytes = bc_variant_encode(value);
    g_autoptr(GError) error = NULL;
    g_autoptr(AddrMan) man = addrman_decode(bytes, &error);
    CU_ASSERT_PTR_NULL(man);
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, code));
}

static void test_decoder_refuses(void)
{
    expect_refused(g_variant_new_parsed("([('bad address', int64 1, uint32 0)], @a(sx) [])"),
                   BC_ERROR_CORRUPT);
    expect_refused(g_variant_new_parsed("([('a:1', int64 1, uint32 0), ('a:1', int64 2, uint32 0)],"
                                        " @a(sx) [])"),
                   BC_ERROR_CORRUPT);
    expect_refused(g_variant_new_parsed("(@a(sxu) [], [('not an ip', int64 1)])"), BC_ERROR_CORRUPT);
    expect_refused(g_variant_new_string("not the type"), BC_ERROR_CORRUPT);
    GVariantBuilder b;
    g_variant_builder_init(&b, G_VARIANT_TYPE("a(sxu)"));
    for (guint i = 0; i <= ADDRMAN_MAX_ADDRS; i++) {
        g_autofree gchar *a = g_strdup_printf("h%u:1", i);
        g_variant_builder_add(&b, "(sxu)", a, (gint64)1, 0u);
    }
    expect_refused(g_variant_new("(a(sxu)@a(sx))", &b, g_variant_new_array(G_VARIANT_TYPE("(sx)"),
                                                                            NULL, 0)),
                   BC_ERROR_TOO_LARGE);
}

void test_addrman_register(void)
{
    static const BcTest tests[] = {
        {"bounded, saved and loaded, bans kept", test_bounded_and_saved},
        {"the decoder refuses malformed books", test_decoder_refuses},
        {NULL, NULL},
    };
    bc_test_add_suite("10/addrman", NULL, NULL, tests);
}
