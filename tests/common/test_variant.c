/* test_variant.c: checked decoding refuses oversized, malformed and non-normal input. */
#include <string.h>

#include "bc_error.h"
#include "bc_test.h"
#include "bc_variant.h"

static void test_round_trip(void)
{
    const guint8 hash[4] = {1, 2, 3, 4};
    g_autoptr(GBytes) bytes =
        bc_variant_encode(g_variant_new("(s@ay)", "hello", bc_variant_new_bytes(hash, 4)));
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) v =
        bc_variant_decode(bytes, G_VARIANT_TYPE("(say)"), 1024, "test value", &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(v);
    g_autoptr(GVariant) ay = g_variant_get_child_value(v, 1);
    guint8 out[4];
    CU_ASSERT_TRUE(bc_variant_get_fixed(ay, out, 4, "hash", NULL));
    CU_ASSERT_EQUAL(memcmp(out, hash, 4), 0);
    CU_ASSERT_FALSE(bc_variant_get_fixed(ay, out, 3, "hash", &error));
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_CORRUPT));
}

static void test_too_large(void)
{
    g_autoptr(GBytes) bytes = g_bytes_new_static("0123456789", 10);
    g_autoptr(GError) error = NULL;
    CU_ASSERT_PTR_NULL(bc_variant_decode(bytes, G_VARIANT_TYPE("ay"), 9, "blob", &error));
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_TOO_LARGE));
}

static void test_not_normal(void)
{
    /* An "(sx)" needs 16 bytes at least; three bytes of garbage is not a normal form. */
    g_autoptr(GBytes) bytes = g_bytes_new_static("\xff\xfe\x01", 3);
    g_autoptr(GError) error = NULL;
    CU_ASSERT_PTR_NULL(bc_variant_decode(bytes, G_VARIANT_TYPE("(sx)"), 100, "record", &error));
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_CORRUPT));
    /* A string without its terminating NUL is not normal either. */
    g_clear_error(&error);
    g_autoptr(GBytes) unterminated = g_bytes_new_static("abc", 3);
    CU_ASSERT_PTR_NULL(bc_variant_decode(unterminated, G_VARIANT_TYPE("s"), 100, "str", &error));
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_CORRUPT));
}

/* Zero bytes are the only encoding of an empty array, but not of a tuple of two empty arrays,
 * which our encoder writes with a framing offset: GLib calls both normal form. Found by
 * tests/fuzz/fuzz_variant.c (corpus input variant/zero-bytes-as-tuple-of-arrays). */
static void test_zero_bytes(void)
{
    static const gchar *const empty_ok[] = {"ay", "as", "a(uxay)", "(ay)", "m(ayay)", "((as))"};
    static const gchar *const refused[] = {"(ayay)", "(aya(ayiayay)a(xay))", "(ay(asas))",   "()",
                                           "s",      "(sua(say))",           "(xaayayayuti)"};
    g_autoptr(GBytes) empty = g_bytes_new(NULL, 0);
    for (gsize i = 0; i < G_N_ELEMENTS(empty_ok); i++) {
        g_autoptr(GVariant) v =
            bc_variant_decode(empty, G_VARIANT_TYPE(empty_ok[i]), 100, "empty", NULL);
        CU_ASSERT_PTR_NOT_NULL(v);
        /* ... and that is what the encoder writes for it. */
        if (v != NULL) {
            g_autofree gchar *text = g_variant_print(v, TRUE);
            g_autoptr(GVariant) parsed =
                g_variant_parse(G_VARIANT_TYPE(empty_ok[i]), text, NULL, NULL, NULL);
            g_autoptr(GBytes) encoded = bc_variant_encode(parsed); /* not floating: a new ref */
            CU_ASSERT_EQUAL(g_bytes_get_size(encoded), 0);
        }
    }
    for (gsize i = 0; i < G_N_ELEMENTS(refused); i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) v =
            bc_variant_decode(empty, G_VARIANT_TYPE(refused[i]), 100, "empty", &error);
        if (v != NULL)
            g_printerr("\n  zero bytes accepted as %s\n", refused[i]);
        CU_ASSERT_PTR_NULL(v);
        CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_CORRUPT));
    }
}

void test_variant_register(void)
{
    static const BcTest tests[] = {
        {"round trip", test_round_trip},
        {"too large", test_too_large},
        {"not in normal form", test_not_normal},
        {"zero bytes: only where the encoder writes none", test_zero_bytes},
        {NULL, NULL},
    };
    bc_test_add_suite("common/variant", NULL, NULL, tests);
}
