/* test_base58.c: Base58 and Base58Check round trips with leading zeros, and rejection of bad
 * characters, bad checksums and oversized input (Bitcoin Core's vectors: test_base58_vectors.c). */
#include <string.h>

#include "bc_base58.h"
#include "bc_error.h"
#include "bc_hash.h"
#include "bc_hex.h"
#include "bc_random.h"
#include "bc_test.h"

static void test_leading_zeros(void)
{
    const guint8 zeros[4] = {0, 0, 0, 0};
    for (gsize n = 0; n <= 4; n++) {
        g_autofree gchar *text = bc_base58_encode(zeros, n);
        CU_ASSERT_EQUAL(strlen(text), n);
        CU_ASSERT_EQUAL(strspn(text, "1"), n);
        g_autoptr(GBytes) back = bc_base58_decode(text, NULL);
        CU_ASSERT_EQUAL(g_bytes_get_size(back), n);
    }
    const guint8 zero_then_one[2] = {0, 1};
    g_autofree gchar *text = bc_base58_encode(zero_then_one, 2);
    CU_ASSERT_STRING_EQUAL(text, "12");
}

/* Random lengths 0..40 with 0..5 leading zeros, 500 times: decode(encode(x)) == x. */
static void test_random_round_trips(void)
{
    for (int round = 0; round < 500; round++) {
        guint8 data[45] = {0};
        guint8 shape[2];
        CU_ASSERT_TRUE_FATAL(bc_random_bytes(shape, sizeof shape, NULL));
        gsize zeros = shape[0] % 6, len = zeros + shape[1] % 41;
        CU_ASSERT_TRUE_FATAL(bc_random_bytes(data + zeros, len - zeros, NULL));
        g_autofree gchar *text = bc_base58_encode(data, len);
        g_autoptr(GError) error = NULL;
        g_autoptr(GBytes) back = bc_base58_decode(text, &error);
        CU_ASSERT_PTR_NOT_NULL_FATAL(back);
        gsize back_len = 0;
        const guint8 *back_data = g_bytes_get_data(back, &back_len);
        CU_ASSERT_EQUAL_FATAL(back_len, len);
        if (len > 0)
            CU_ASSERT_EQUAL(memcmp(back_data, data, len), 0);
        /* The '1's in front are exactly the zero bytes in front. */
        gsize lead = 0;
        while (lead < len && data[lead] == 0)
            lead++;
        CU_ASSERT_EQUAL(strspn(text, "1"), lead);
    }
}

static void assert_decode_fails(const gchar *text)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) bytes = bc_base58_decode(text, &error);
    CU_ASSERT_PTR_NULL(bytes);
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_INVALID_ARGUMENT));
    if (error != NULL)
        CU_ASSERT_TRUE(g_utf8_validate(error->message, -1, NULL));
}

static void test_invalid_characters(void)
{
    assert_decode_fails("0");
    assert_decode_fails("a3gO");
    assert_decode_fails("Iabc");
    assert_decode_fails("abcl");
    assert_decode_fails("a3g V");
    assert_decode_fails("a3gV\n");
    assert_decode_fails("a3g\xc3\xa9");
    assert_decode_fails("\xff");
    assert_decode_fails("+/=");
    assert_decode_fails(NULL);
}

static void test_too_long(void)
{
    g_autofree gchar *limit = g_strnfill(BC_BASE58_MAX_LEN, 'z');
    g_autoptr(GBytes) ok = bc_base58_decode(limit, NULL);
    CU_ASSERT_PTR_NOT_NULL(ok);
    g_autofree gchar *over = g_strnfill(BC_BASE58_MAX_LEN + 1, 'z');
    assert_decode_fails(over);
    g_autofree gchar *huge = g_strnfill(1 << 20, '1');
    assert_decode_fails(huge);
}

/* Two real Bitcoin addresses: the genesis block's (version 0x00) and a script address (0x05). */
static void test_check_vectors(void)
{
    guint8 hash[BC_RIPEMD160_LEN];
    CU_ASSERT_TRUE_FATAL(bc_hex_decode("62e907b15cbf27d5425399ebf6f0fb50ebb88f18", hash, 20, NULL));
    g_autofree gchar *address = bc_base58check_encode(0x00, hash, sizeof hash);
    CU_ASSERT_STRING_EQUAL(address, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa");

    guint8 version = 0xff;
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) payload =
        bc_base58check_decode("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", &version, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(payload);
    CU_ASSERT_EQUAL(version, 0x05);
    CU_ASSERT_EQUAL_FATAL(g_bytes_get_size(payload), 20);
    g_autofree gchar *hex = bc_hex_encode(g_bytes_get_data(payload, NULL), 20);
    CU_ASSERT_STRING_EQUAL(hex, "b472a266d0bd89c13706a4132ccfb16f7c3b9fcb");
}

static void test_check_round_trip(void)
{
    const guint8 payload[] = {0x00, 0x00, 0x42, 0x07};
    for (guint v = 0; v < 256; v += 51) {
        g_autofree gchar *text = bc_base58check_encode((guint8)v, payload, sizeof payload);
        guint8 version = 0;
        g_autoptr(GBytes) back = bc_base58check_decode(text, &version, NULL);
        CU_ASSERT_PTR_NOT_NULL_FATAL(back);
        CU_ASSERT_EQUAL(version, v);
        CU_ASSERT_EQUAL(g_bytes_get_size(back), sizeof payload);
        CU_ASSERT_EQUAL(memcmp(g_bytes_get_data(back, NULL), payload, sizeof payload), 0);
    }
    /* An empty payload is still a version and a checksum. */
    g_autofree gchar *empty = bc_base58check_encode(0x00, NULL, 0);
    g_autoptr(GBytes) back = bc_base58check_decode(empty, NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL(back);
    CU_ASSERT_EQUAL(g_bytes_get_size(back), 0);
}

static void assert_check_fails(const gchar *text)
{
    g_autoptr(GError) error = NULL;
    guint8 version = 0x77;
    g_autoptr(GBytes) bytes = bc_base58check_decode(text, &version, &error);
    CU_ASSERT_PTR_NULL(bytes);
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_INVALID_ARGUMENT));
    CU_ASSERT_EQUAL(version, 0x77);
}

static void test_check_rejects(void)
{
    const gchar *good = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa";
    g_autoptr(GBytes) ok = bc_base58check_decode(good, NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL(ok);
    /* Every single-character change is caught by the checksum (or the alphabet). */
    for (gsize i = 0; good[i] != '\0'; i++) {
        g_autofree gchar *typo = g_strdup(good);
        typo[i] = typo[i] == 'z' ? 'y' : 'z';
        assert_check_fails(typo);
    }
    /* Truncated: every prefix fails, down to the empty string and a lone '1'. */
    for (gsize n = 0; n < strlen(good); n++) {
        g_autofree gchar *prefix = g_strndup(good, n);
        assert_check_fails(prefix);
    }
    assert_check_fails("1111");
    assert_check_fails("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfN0");
    assert_check_fails(NULL);
}

void test_base58_register(void)
{
    static const BcTest tests[] = {
        {"leading zeros become '1'", test_leading_zeros},
        {"random round trips", test_random_round_trips},
        {"invalid characters", test_invalid_characters},
        {"too long", test_too_long},
        {"check: known addresses", test_check_vectors},
        {"check: round trip", test_check_round_trip},
        {"check: typos, truncation", test_check_rejects},
        {NULL, NULL},
    };
    bc_test_add_suite("common/base58", NULL, NULL, tests);
}
