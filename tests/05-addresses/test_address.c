/* test_address.c: addresses to public key hashes and back, and every way an address is wrong. */
#include <string.h>

#include "address.h"
#include "bc_base58.h"
#include "bc_error.h"
#include "bc_hex.h"
#include "bc_test.h"

static void test_round_trip(void)
{
    guint8 hash[BC_RIPEMD160_LEN];
    g_assert(bc_hex_decode("62e907b15cbf27d5425399ebf6f0fb50ebb88f18", hash, 20, NULL));
    g_autofree gchar *address = address_from_pubkey_hash(hash);
    CU_ASSERT_STRING_EQUAL(address, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa");
    guint8 back[BC_RIPEMD160_LEN];
    g_autoptr(GError) error = NULL;
    CU_ASSERT_TRUE(address_to_pubkey_hash(address, back, &error));
    CU_ASSERT_EQUAL(memcmp(back, hash, sizeof hash), 0);
    CU_ASSERT_TRUE(address_validate(address, NULL));

    /* An all-zero hash: the version byte and 20 zero bytes give 21 leading ones. */
    guint8 zeros[BC_RIPEMD160_LEN] = {0};
    g_autofree gchar *zero_address = address_from_pubkey_hash(zeros);
    CU_ASSERT_TRUE(g_str_has_prefix(zero_address, "111111111111111111111"));
    memset(back, 0xaa, sizeof back);
    CU_ASSERT_TRUE(address_to_pubkey_hash(zero_address, back, NULL));
    CU_ASSERT_EQUAL(memcmp(back, zeros, sizeof zeros), 0);
}

static void assert_invalid(const gchar *address, const gchar *reason)
{
    guint8 out[BC_RIPEMD160_LEN];
    g_autoptr(GError) error = NULL;
    CU_ASSERT_FALSE(address_to_pubkey_hash(address, out, &error));
    CU_ASSERT_TRUE_FATAL(g_error_matches(error, BC_ERROR, BC_ERROR_INVALID_ARGUMENT));
    CU_ASSERT_TRUE(g_str_has_prefix(error->message, "invalid address '"));
    CU_ASSERT_TRUE(g_utf8_validate(error->message, -1, NULL));
    CU_ASSERT_TRUE(strlen(error->message) < 300);
    if (strstr(error->message, reason) == NULL)
        g_printerr("\n  expected \"%s\" in: %s\n", reason, error->message);
    CU_ASSERT_PTR_NOT_NULL(strstr(error->message, reason));
    CU_ASSERT_FALSE(address_validate(address, NULL));
}

static void test_rejects(void)
{
    assert_invalid("", "too short");
    assert_invalid("1", "too short");
    assert_invalid("1A1z", "too short");
    assert_invalid("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfN0", "'0'");
    assert_invalid("OA1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "'O'");
    assert_invalid("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNI", "'I'");
    assert_invalid("1A1zP1eP5QGefi2DMPTfTL5SLmv7Divfla", "'l'");
    assert_invalid("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfN\xc3\xa9", "byte 0xc3");
    assert_invalid("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa ", "byte 0x20");
    assert_invalid("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb", "checksum");
    assert_invalid("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfN", "checksum");
    /* A valid Base58Check string of another kind: a script address, version 0x05. */
    assert_invalid("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "version byte 0x05");
    /* Version 0 with 19 and 21 bytes. */
    const guint8 bytes[21] = {1, 2, 3};
    g_autofree gchar *short_hash = bc_base58check_encode(0x00, bytes, 19);
    assert_invalid(short_hash, "19 bytes");
    g_autofree gchar *long_hash = bc_base58check_encode(0x00, bytes, 21);
    assert_invalid(long_hash, "21 bytes");
    /* Huge input: refused without decoding, and the message quotes only its start. */
    g_autofree gchar *huge = g_strnfill(1 << 20, 'z');
    assert_invalid(huge, "longer than");
    assert_invalid(NULL, "(null)");
}

void test_address_register(void)
{
    static const BcTest tests[] = {
        {"hash to address and back", test_round_trip},
        {"rejects bad addresses", test_rejects},
        {NULL, NULL},
    };
    bc_test_add_suite("05/address", NULL, NULL, tests);
}
