/* test_hex.c: hex round trips and rejection of bad digits and lengths. */
#include <string.h>

#include "bc_error.h"
#include "bc_hex.h"
#include "bc_test.h"

static void test_round_trip(void)
{
    const guint8 bytes[] = {0x00, 0x01, 0xab, 0xff};
    g_autofree gchar *hex = bc_hex_encode(bytes, sizeof bytes);
    CU_ASSERT_STRING_EQUAL(hex, "0001abff");
    guint8 back[4];
    CU_ASSERT_TRUE(bc_hex_decode("0001ABff", back, sizeof back, NULL));
    CU_ASSERT_EQUAL(memcmp(back, bytes, sizeof bytes), 0);
}

static void test_rejects_bad_input(void)
{
    guint8 out[2];
    g_autoptr(GError) error = NULL;
    CU_ASSERT_FALSE(bc_hex_decode("abc", out, 2, &error));
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_INVALID_ARGUMENT));
    g_clear_error(&error);
    CU_ASSERT_FALSE(bc_hex_decode("zz00", out, 2, &error));
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_INVALID_ARGUMENT));
    g_clear_error(&error);
    CU_ASSERT_FALSE(bc_hex_decode(NULL, out, 2, &error));
}

void test_hex_register(void)
{
    static const BcTest tests[] = {
        {"round trip", test_round_trip},
        {"rejects bad input", test_rejects_bad_input},
        {NULL, NULL},
    };
    bc_test_add_suite("common/hex", NULL, NULL, tests);
}
