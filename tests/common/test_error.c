/* test_error.c: bc_set_invalid, the one way a check reports a broken rule. */
#include <string.h>

#include "bc_error.h"
#include "bc_test.h"

static void test_set_invalid(void)
{
    g_autoptr(GError) error = NULL;
    CU_ASSERT_FALSE(bc_set_invalid(&error, "input %u spends %s", 3u, "nothing"));
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_INVALID));
    CU_ASSERT_STRING_EQUAL(error->message, "input 3 spends nothing");
    /* A caller that does not want the reason passes NULL. */
    CU_ASSERT_FALSE(bc_set_invalid(NULL, "ignored %d", 1));
    /* A message that holds '%' after formatting is not formatted again. */
    g_autoptr(GError) percent = NULL;
    bc_set_invalid(&percent, "%s", "100%d");
    CU_ASSERT_STRING_EQUAL(percent->message, "100%d");
}

void test_error_register(void)
{
    static const BcTest tests[] = {
        {"bc_set_invalid sets BC_ERROR_INVALID and returns FALSE", test_set_invalid},
        {NULL, NULL},
    };
    bc_test_add_suite("common/error", NULL, NULL, tests);
}
