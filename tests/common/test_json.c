/* test_json.c: the strict JSON reader the vector tests use (tests/support/bc_json.c): what RFC 8259
 * allows is read exactly, and everything it does not is an error, never a partial value. */
#include <string.h>

#include "bc_error.h"
#include "bc_json.h"
#include "bc_test.h"

static BcJson *parse(const gchar *text)
{
    g_autoptr(GError) error = NULL;
    BcJson *json = bc_json_parse(text, strlen(text), &error);
    if (json == NULL)
        g_printerr("\n  %s: %s\n", text, error->message);
    return json;
}

static void test_values(void)
{
    g_autoptr(BcJson) json =
        parse(" {\"a\": [0, -12.5e+3, true, false, null, \"x\\u00e9\\ud83d\\ude00"
              "\\n\\\"\\/\"], \"b\": {}, \"c\": []}\r\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(json);
    const BcJson *a = bc_json_member(json, "a");
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_EQUAL_FATAL(a->kind, BC_JSON_ARRAY);
    CU_ASSERT_EQUAL_FATAL(a->items->len, 6);
    const BcJson *const *items = (const BcJson *const *)a->items->pdata;
    CU_ASSERT_STRING_EQUAL(items[0]->text, "0");
    CU_ASSERT_STRING_EQUAL(items[1]->text, "-12.5e+3");
    CU_ASSERT_TRUE(items[2]->kind == BC_JSON_BOOLEAN && items[2]->boolean);
    CU_ASSERT_TRUE(items[3]->kind == BC_JSON_BOOLEAN && !items[3]->boolean);
    CU_ASSERT_EQUAL(items[4]->kind, BC_JSON_NULL);
    CU_ASSERT_STRING_EQUAL(items[5]->text, "x\xc3\xa9\xf0\x9f\x98\x80\n\"/");
    CU_ASSERT_EQUAL(bc_json_member(json, "b")->kind, BC_JSON_OBJECT);
    CU_ASSERT_EQUAL(bc_json_member(json, "c")->items->len, 0);
    CU_ASSERT_PTR_NULL(bc_json_member(json, "d"));
    CU_ASSERT_PTR_NULL(bc_json_string(json, "a"));
}

static void test_refused(void)
{
    static const gchar *const bad[] = {
        "",
        " ",
        "{",
        "[",
        "[1,]",
        "{\"a\":1,}",
        "{\"a\":1 \"b\":2}",
        "[1 2]",
        "{1:2}",
        "{\"a\"}",
        "01",
        "1.",
        ".5",
        "+1",
        "-",
        "1e",
        "0x10",
        "tru",
        "nul",
        "True",
        "'a'",
        "\"abc",
        "\"a\x01\"",
        "\"a\tb\"",
        "\"\\x\"",
        "\"\\u12\"",
        "\"\\ud800\"",
        "\"\\udc00\"",
        "\"\\ud800\\u0041\"",
        "\"\xff\"",
        "\"\xc3\"",
        "{\"a\":1,\"a\":2}",
        "[1] 2",
        "[1]]",
        "// comment\n1",
        "/* c */ 1",
        "1 /* c */",
        "\xef\xbb\xbf[]",
        "NaN",
        "Infinity",
    };
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(BcJson) json = bc_json_parse(bad[i], strlen(bad[i]), &error);
        if (json != NULL)
            g_printerr("\n  accepted: %s\n", bad[i]);
        CU_ASSERT_PTR_NULL(json);
        CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_CORRUPT));
    }
    /* A NUL inside the text is not the end of it. */
    g_autoptr(BcJson) nul = bc_json_parse("[1]\0", 4, NULL);
    CU_ASSERT_PTR_NULL(nul);
}

/* Nesting is followed to a fixed depth, not until the stack runs out. */
static void test_depth(void)
{
    g_autofree gchar *open = g_strnfill(60, '['), *close = g_strnfill(60, ']');
    g_autofree gchar *deep_ok = g_strconcat(open, close, NULL);
    g_autoptr(BcJson) ok = bc_json_parse(deep_ok, strlen(deep_ok), NULL);
    CU_ASSERT_PTR_NOT_NULL(ok);
    gsize n = 100000;
    g_autofree gchar *deep = g_strnfill(n, '[');
    g_autoptr(BcJson) refused = bc_json_parse(deep, n, NULL);
    CU_ASSERT_PTR_NULL(refused);
}

void test_json_register(void)
{
    static const BcTest tests[] = {
        {"every kind of value", test_values},
        {"anything RFC 8259 does not allow", test_refused},
        {"nesting depth is bounded", test_depth},
        {0},
    };
    bc_test_add_suite("support/json", NULL, NULL, tests);
}
