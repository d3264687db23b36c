/* test_base58_vectors.c: Base58 and Base58Check against Bitcoin Core's published vectors.
 *
 * Source: Bitcoin Core, src/test/data/base58_encode_decode.json (the list below, in its order)
 * and the Base58Check cases of src/test/base58_tests.cpp, https://github.com/bitcoin/bitcoin.
 * Copyright (c) The Bitcoin Core developers, distributed under the MIT software licence
 * (https://opensource.org/licenses/MIT). Typed in here as data.
 *
 * Where Core and we differ on purpose, the test says so: Core's decoder skips leading and
 * trailing whitespace, ours refuses it (an address is pasted whole or not at all); ours reads a C
 * string, so Core's cases with a NUL inside the text do not apply; and ours reads at most
 * BC_BASE58_MAX_LEN characters, so the one vector longer than that is encoded but not decoded. */
#include <string.h>

#include "bc_base58.h"
#include "bc_error.h"
#include "bc_hex.h"
#include "bc_test.h"

static const struct {
    const gchar *hex;
    const gchar *text;
} VECTORS[] = {
    {"", ""},
    {"61", "2g"},
    {"626262", "a3gV"},
    {"636363", "aPEr"},
    {"73696d706c792061206c6f6e6720737472696e67", "2cFupjhnEsSn59qHXstmK2ffpLv2"},
    {"00eb15231dfceb60925886b67d065299925915aeb172c06647", "1NS17iag9jJgTHD1VXjvLCEnZuQ3rJDE9L"},
    {"516b6fcd0f", "ABnLTmg"},
    {"bf4f89001e670274dd", "3SEo3LWLoPntC"},
    {"572e4794", "3EFU7m"},
    {"ecac89cad93923c02321", "EJDM8drfXA6uyA"},
    {"10c8511e", "Rt5zm"},
    {"00000000000000000000", "1111111111"},
    {"00000000000000000000000000000000000000000000000000000000000000000000000000000000",
     "1111111111111111111111111111111111111111"},
    {"00000000000000000000000000000000000000000000000000000000000000000000000000000001",
     "1111111111111111111111111111111111111112"},
    {"000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
     "0000000000000000000000000000000000000000000000000000000000000000000000000000000000ec39d04c"
     "37e71e5d591881f6",
     "111111111111111111111111111111111111111111111111111111111111111111111111111111111111115TYzLYH"
     "1udmLdzCLM"},
    {"000111d38e5fc9071ffcd20b4a763cc9ae4f252bb4e48fd66a835e252ada93ff480d6dd43dc62a641155a5",
     "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"},
    {/* every byte value once: 348 characters, over BC_BASE58_MAX_LEN */
     "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
     "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
     "404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"
     "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
     "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
     "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
     "c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf"
     "e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff",
     "1cWB5HCBdLjAuqGGReWE3R3CguuwSjw6RHn39s2yuDRTS5NsBgNiFpWgAnEx6VQi8csexk"
     "gYw3mdYrMHr8x9i7aEwP8kZ7vccXWqKDvGv3u1GxFKPuAkn8JCPPGDMf3vMMnbzm6Nh9zh"
     "1gcNsMvH3ZNLmP5fSG6DGbbi2tuwMWPthr4boWwCxf7ewSgNQeacyozhKDDQQ1qL5fQFUW"
     "52QKUZDZ5fw3KXNQJMcNTcaB723LchjeKun7MuGW5qyCBZYzA1KjofN1gYBV3NqyhQJ3Ns"
     "746GNuf9N2pQPmHz4xpnSrrfCvy6TVVz5d4PdrjeshsWQwpZsZGzvbdAdN8MKV5QsBDY"},
    {"271F359E", "zzzzy"},
    {"271F359F", "zzzzz"},
    {"271F35A0", "211111"},
    {"271F35A1", "211112"},
};

static GBytes *hex_bytes(const gchar *hex)
{
    gsize len = strlen(hex) / 2;
    guint8 *bytes = g_malloc(len + 1);
    gboolean ok = bc_hex_decode(hex, bytes, len, NULL);
    CU_ASSERT_TRUE(ok);
    return g_bytes_new_take(bytes, len);
}

static void test_encode(void)
{
    for (gsize i = 0; i < G_N_ELEMENTS(VECTORS); i++) {
        g_autoptr(GBytes) bytes = hex_bytes(VECTORS[i].hex);
        g_autofree gchar *text =
            bc_base58_encode(g_bytes_get_data(bytes, NULL), g_bytes_get_size(bytes));
        if (strcmp(text, VECTORS[i].text) != 0)
            g_printerr("\n  vector %" G_GSIZE_FORMAT ": %s, expected %s\n", i, text,
                       VECTORS[i].text);
        CU_ASSERT_STRING_EQUAL(text, VECTORS[i].text);
    }
}

static void test_decode(void)
{
    guint decoded = 0, too_long = 0;
    for (gsize i = 0; i < G_N_ELEMENTS(VECTORS); i++) {
        g_autoptr(GBytes) expected = hex_bytes(VECTORS[i].hex);
        g_autoptr(GError) error = NULL;
        g_autoptr(GBytes) bytes = bc_base58_decode(VECTORS[i].text, &error);
        if (strlen(VECTORS[i].text) > BC_BASE58_MAX_LEN) {
            /* Our limit, not Core's (its caller passes the longest result it wants). */
            CU_ASSERT_PTR_NULL(bytes);
            CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_INVALID_ARGUMENT));
            too_long++;
            continue;
        }
        CU_ASSERT_PTR_NOT_NULL_FATAL(bytes);
        CU_ASSERT_TRUE(g_bytes_equal(bytes, expected));
        decoded++;
    }
    CU_ASSERT_EQUAL(decoded, G_N_ELEMENTS(VECTORS) - 1);
    CU_ASSERT_EQUAL(too_long, 1);
}

static gboolean decodes(const gchar *text)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) bytes = bc_base58_decode(text, &error);
    CU_ASSERT_TRUE(bytes != NULL || g_error_matches(error, BC_ERROR, BC_ERROR_INVALID_ARGUMENT));
    return bytes != NULL;
}

/* base58_tests.cpp's other decoding cases. */
static void test_decode_cases(void)
{
    CU_ASSERT_FALSE(decodes("invalid"));
    CU_ASSERT_TRUE(decodes("good"));
    CU_ASSERT_FALSE(decodes("bad0IOl"));
    CU_ASSERT_FALSE(decodes("goodbad0IOl"));
    /* Core skips the whitespace around " \t\n\v\f\r skip \r\f\v\n\t " and gets 971a55; we
     * refuse whitespace, and "skip" alone gives the same bytes. */
    CU_ASSERT_FALSE(decodes(" \t\n\v\f\r skip \r\f\v\n\t "));
    CU_ASSERT_FALSE(decodes(" \t\n\v\f\r skip \r\f\v\n\t a"));
    g_autoptr(GBytes) skip = bc_base58_decode("skip", NULL);
    g_autoptr(GBytes) expected = hex_bytes("971a55");
    CU_ASSERT_TRUE(skip != NULL && g_bytes_equal(skip, expected));
}

/* base58_tests.cpp's Base58Check cases: "hello world" as version 'h' and payload "ello world". */
static void test_check_cases(void)
{
    guint8 version = 0;
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) payload = bc_base58check_decode("3vQB7B6MrGQZaxCuFg4oh", &version, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(payload);
    CU_ASSERT_EQUAL(version, 'h');
    CU_ASSERT_EQUAL_FATAL(g_bytes_get_size(payload), 10);
    CU_ASSERT_EQUAL(memcmp(g_bytes_get_data(payload, NULL), "ello world", 10), 0);
    g_autofree gchar *again = bc_base58check_encode('h', (const guint8 *)"ello world", 10);
    CU_ASSERT_STRING_EQUAL(again, "3vQB7B6MrGQZaxCuFg4oh");
    static const gchar *const refused[] = {"3vQB7B6MrGQZaxCuFg4oi", "3vQB7B6MrGQZaxCuFg4oh0IOl"};
    for (gsize i = 0; i < G_N_ELEMENTS(refused); i++) {
        g_autoptr(GError) check_error = NULL;
        g_autoptr(GBytes) bad = bc_base58check_decode(refused[i], NULL, &check_error);
        CU_ASSERT_PTR_NULL(bad);
        CU_ASSERT_TRUE(g_error_matches(check_error, BC_ERROR, BC_ERROR_INVALID_ARGUMENT));
    }
    /* The list's "1NS17..." is plain Base58: its last 4 bytes are no checksum. */
    g_autoptr(GBytes) plain =
        bc_base58check_decode("1NS17iag9jJgTHD1VXjvLCEnZuQ3rJDE9L", NULL, NULL);
    CU_ASSERT_PTR_NULL(plain);
}

void test_base58_vectors_register(void)
{
    static const BcTest tests[] = {
        {"Bitcoin Core's list: encode", test_encode},
        {"Bitcoin Core's list: decode", test_decode},
        {"Bitcoin Core's other decoding cases", test_decode_cases},
        {"Bitcoin Core's Base58Check cases", test_check_cases},
        {0},
    };
    bc_test_add_suite("common/base58 vectors", NULL, NULL, tests);
}
