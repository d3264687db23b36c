/* test_wycheproof_file.c: the reader of tests/vectors/ecdsa_secp256r1_sha256_p1363_test.json
 * (tests/support/bc_wycheproof.c) takes the file as published and refuses any damaged copy of it,
 * so that the chapters' vector tests can never pass on fewer cases than the file holds. */
#include <string.h>

#include "bc_error.h"
#include "bc_test.h"
#include "bc_wycheproof.h"

#define FILE_NAME "ecdsa_secp256r1_sha256_p1363_test.json"

static gchar *text;
static gsize text_len;

static void setup(void)
{
    text = bc_wycheproof_read(FILE_NAME, &text_len, NULL);
}

static void teardown(void)
{
    g_clear_pointer(&text, g_free);
}

static void test_the_file(void)
{
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    g_autoptr(GError) error = NULL;
    g_autoptr(GArray) cases = bc_wycheproof_ecdsa_load(text, text_len, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cases);
    CU_ASSERT_EQUAL(cases->len, 262); /* the file's numberOfTests, checked by the reader too */
    guint valid = 0;
    for (guint i = 0; i < cases->len; i++)
        valid += g_array_index(cases, BcWycheproofCase, i).result == BC_WYCHEPROOF_VALID;
    CU_ASSERT_EQUAL(valid, 173);
    /* tcId 1: the first group's key, 0x00 before wy dropped, the message "123400". */
    const BcWycheproofCase *first = &g_array_index(cases, BcWycheproofCase, 0);
    CU_ASSERT_EQUAL(first->id, 1);
    CU_ASSERT_EQUAL(first->pubkey[0], 0x29);
    CU_ASSERT_EQUAL(first->pubkey[32], 0xc7);
    CU_ASSERT_EQUAL(g_bytes_get_size(first->msg), 6);
    CU_ASSERT_EQUAL(memcmp(g_bytes_get_data(first->msg, NULL), "123400", 6), 0);
    CU_ASSERT_EQUAL(g_bytes_get_size(first->sig), 64);
    CU_ASSERT_TRUE(g_strv_contains((const gchar *const *)first->flags, "ValidSignature"));
}

/* The file with the first FROM replaced by TO is refused, with REASON in the message. */
static void assert_edit_refused(const gchar *from, const gchar *to, const gchar *reason)
{
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    const gchar *at = strstr(text, from);
    CU_ASSERT_PTR_NOT_NULL_FATAL(at);
    g_autoptr(GString) edited = g_string_new_len(text, at - text);
    g_string_append(edited, to);
    g_string_append(edited, at + strlen(from));
    g_autoptr(GError) error = NULL;
    g_autoptr(GArray) cases = bc_wycheproof_ecdsa_load(edited->str, edited->len, &error);
    if (cases != NULL)
        g_printerr("\n  accepted with %s -> %s\n", from, to);
    CU_ASSERT_PTR_NULL_FATAL(cases);
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_CORRUPT));
    BC_ASSERT_CONTAINS(error->message, reason);
}

static void test_damaged_copies(void)
{
    assert_edit_refused("\"numberOfTests\": 262", "\"numberOfTests\": 263", "numberOfTests");
    assert_edit_refused("\"numberOfTests\": 262", "\"numberOfTests\": 262.0", "whole number");
    assert_edit_refused("\"algorithm\": \"ECDSA\"", "\"algorithm\": \"EDDSA\"", "algorithm");
    assert_edit_refused("\"sha\": \"SHA-256\"", "\"sha\": \"SHA-512\"", "sha");
    assert_edit_refused("\"curve\": \"secp256r1\"", "\"curve\": \"secp256k1\"", "curve");
    assert_edit_refused("\"type\": \"EcdsaP1363Verify\"", "\"type\": \"EcdsaVerify\"", "type");
    assert_edit_refused("\"result\": \"valid\"", "\"result\": \"VALID\"", "result");
    assert_edit_refused("\"result\": \"valid\"", "\"result\": 1", "result");
    assert_edit_refused("\"tcId\": 2,", "\"tcId\": 1,", "appears twice");
    assert_edit_refused("\"msg\": \"313233343030\"", "\"msg\": \"31323334303\"", "not hex");
    assert_edit_refused("\"msg\": \"313233343030\"", "\"message\": \"313233343030\"", "\"msg\"");
    assert_edit_refused("\"sig\": \"2ba3", "\"sig\": \"zba3", "not hex");
    assert_edit_refused("\"wx\": \"2927", "\"wx\": \"012927", "longer than 32 bytes");
    assert_edit_refused("\"flags\": [\n            \"ValidSignature\"",
                        "\"flags\": [\n            7", "flag");
    assert_edit_refused("\"result\": \"valid\"\n        },", "\"result\": \"valid\"\n        },,",
                        "JSON");
}

/* Every cut of the file, every 401 bytes: refused, never a shorter list of cases. */
static void test_truncated(void)
{
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    guint refused = 0, tried = 0;
    for (gsize n = 0; n < text_len; n += 401) {
        g_autoptr(GArray) cases = bc_wycheproof_ecdsa_load(text, n, NULL);
        refused += cases == NULL;
        tried++;
    }
    CU_ASSERT_EQUAL(refused, tried);
}

void test_wycheproof_file_register(void)
{
    static const BcTest tests[] = {
        {"the published file: 262 cases", test_the_file},
        {"damaged copies are refused", test_damaged_copies},
        {"truncated copies are refused", test_truncated},
        {0},
    };
    bc_test_add_suite("support/wycheproof file", setup, teardown, tests);
}
