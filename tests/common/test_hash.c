/* test_hash.c: the Nettle wrappers against published test vectors. */
#include <string.h>

#include "bc_hash.h"
#include "bc_hex.h"
#include "bc_test.h"

static void assert_hex(const guint8 *bytes, gsize len, const gchar *expected)
{
    g_autofree gchar *hex = bc_hex_encode(bytes, len);
    CU_ASSERT_STRING_EQUAL(hex, expected);
}

static void test_sha256(void)
{
    guint8 out[BC_HASH_LEN];
    bc_sha256("abc", 3, out);
    assert_hex(out, sizeof out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    g_autoptr(GBytes) b = g_bytes_new_static("abc", 3);
    guint8 again[BC_HASH_LEN];
    bc_sha256_bytes(b, again);
    CU_ASSERT_EQUAL(memcmp(out, again, sizeof out), 0);
}

static void test_double_sha256(void)
{
    guint8 out[BC_HASH_LEN];
    bc_double_sha256("abc", 3, out);
    assert_hex(out, sizeof out, "4f8b42c22dd3729b519ba6f68d2da7cc5b2d606d05daed5ad5128cc03e6c6358");
}

static void test_ripemd160(void)
{
    guint8 out[BC_RIPEMD160_LEN];
    bc_ripemd160("abc", 3, out);
    assert_hex(out, sizeof out, "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc");
    /* HASH160 is RIPEMD-160 of the SHA-256 digest. */
    guint8 sha[BC_HASH_LEN], expected[BC_RIPEMD160_LEN], h160[BC_RIPEMD160_LEN];
    bc_sha256("abc", 3, sha);
    bc_ripemd160(sha, sizeof sha, expected);
    bc_hash160("abc", 3, h160);
    CU_ASSERT_EQUAL(memcmp(h160, expected, sizeof h160), 0);
}

void test_hash_register(void)
{
    static const BcTest tests[] = {
        {"sha256 vector", test_sha256},
        {"double sha256 vector", test_double_sha256},
        {"ripemd160 and hash160", test_ripemd160},
        {NULL, NULL},
    };
    bc_test_add_suite("common/hash", NULL, NULL, tests);
}
