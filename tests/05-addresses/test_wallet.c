/* test_wallet.c: P-256 keys against known points, ECDSA against RFC 6979's signatures, and our own
 * signatures in the cases that broke the Go original (a leading zero byte in X, Y, r or s). */
#include <string.h>

#include "address.h"
#include "bc_base58.h"
#include "bc_error.h"
#include "bc_hex.h"
#include "bc_random.h"
#include "bc_test.h"
#include "wallet.h"

/* The order n of P-256's group: private keys are 1 ... n-1. */
#define ORDER_HEX "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551"
/* RFC 6979, appendix A.2.5: a P-256 key and its public point. */
#define RFC_KEY "c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721"
#define RFC_PUB                                                                                    \
    "60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6"                             \
    "7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299"

static void hex(const gchar *text, guint8 *out, gsize len)
{
    g_assert(bc_hex_decode(text, out, len, NULL));
}

static Wallet *wallet_from_hex(const gchar *key_hex)
{
    guint8 key[WALLET_PRIVATE_KEY_LEN];
    hex(key_hex, key, sizeof key);
    return wallet_from_private_key(key, NULL);
}

static void assert_pubkey(const gchar *key_hex, const gchar *pub_hex)
{
    g_autoptr(Wallet) wallet = wallet_from_hex(key_hex);
    CU_ASSERT_PTR_NOT_NULL_FATAL(wallet);
    g_autofree gchar *pub = bc_hex_encode(wallet_public_key(wallet), WALLET_PUBLIC_KEY_LEN);
    CU_ASSERT_STRING_EQUAL(pub, pub_hex);
}

/* Private key 1: the public key is the generator G itself. */
static void test_generator(void)
{
    const gchar *one = "0000000000000000000000000000000000000000000000000000000000000001";
    assert_pubkey(one, "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296"
                       "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5");

    /* The address, computed here step by step: Base58Check(0x00 || HASH160(X || Y)). */
    g_autoptr(Wallet) wallet = wallet_from_hex(one);
    guint8 hash[BC_RIPEMD160_LEN];
    bc_hash160(wallet_public_key(wallet), WALLET_PUBLIC_KEY_LEN, hash);
    g_autofree gchar *expected = bc_base58check_encode(0x00, hash, sizeof hash);
    g_autofree gchar *address = wallet_get_address(wallet);
    CU_ASSERT_STRING_EQUAL(address, expected);
    CU_ASSERT_EQUAL(address[0], '1');
    guint8 again[BC_RIPEMD160_LEN];
    wallet_hash_pubkey(wallet_public_key(wallet), again);
    CU_ASSERT_EQUAL(memcmp(again, hash, sizeof hash), 0);
}

/* Points computed independently (affine arithmetic in Python), two of them with a leading zero byte
 * in X or in Y, which must stay in place as a zero, not shift the other coordinate. */
static void test_known_public_keys(void)
{
    assert_pubkey(RFC_KEY, RFC_PUB);
    /* n - 1 is -1: the point -G, G's X and the negated Y. */
    assert_pubkey("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632550",
                  "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296"
                  "b01cbd1c01e58065711814b583f061e9d431cca994cea1313449bf97c840ae0a");
    /* 379: X starts with 0x00. */
    assert_pubkey("000000000000000000000000000000000000000000000000000000000000017b",
                  "005543894af3d00ed7d740abdbd75c96b06877b787db5f70eea78b90a8d7c00a"
                  "bb4c85a3d8ea29efaafa24406912dd84d5b14dc32bf656ef6c6bd58a5d943f92");
    /* 43: Y starts with 0x00. */
    assert_pubkey("000000000000000000000000000000000000000000000000000000000000002b",
                  "986ae2506f1ff104d04230861d8f4b498f4bc4c6d009b30f7544dc129b82d28d"
                  "003cccc0a6460e0ae328a4d97d3c7b61d86fc6289c189f2525110c441bb07e97");
}

static void test_out_of_range_keys(void)
{
    const gchar *bad[] = {
        "0000000000000000000000000000000000000000000000000000000000000000",
        ORDER_HEX,
        "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632552",
        "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    };
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        guint8 key[WALLET_PRIVATE_KEY_LEN];
        hex(bad[i], key, sizeof key);
        g_autoptr(GError) error = NULL;
        g_autoptr(Wallet) wallet = wallet_from_private_key(key, &error);
        CU_ASSERT_PTR_NULL(wallet);
        CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_INVALID_ARGUMENT));
    }
}

static void assert_verifies(const gchar *pub_hex, const gchar *message, const gchar *sig_hex,
                            gboolean expected)
{
    guint8 pub[WALLET_PUBLIC_KEY_LEN], sig[WALLET_SIGNATURE_LEN], digest[BC_HASH_LEN];
    hex(pub_hex, pub, sizeof pub);
    hex(sig_hex, sig, sizeof sig);
    bc_sha256(message, strlen(message), digest);
    CU_ASSERT_EQUAL(wallet_verify(pub, digest, sig), expected);
}

/* RFC 6979's signatures of "sample" and "test" with SHA-256, and two signatures made (in Python,
 * with chosen nonces) so that r, then s, starts with a zero byte. */
static void test_known_signatures(void)
{
    assert_verifies(RFC_PUB, "sample",
                    "efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716"
                    "f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8",
                    TRUE);
    assert_verifies(RFC_PUB, "test",
                    "f1abb023518351cd71d881567b1ea663ed3efcf6c5132b354f28d3b0b7d38367"
                    "019f4113742a2b14bd25926b49c649155f267e60d3814b4c0cc84250e46f0083",
                    TRUE);
    assert_verifies(RFC_PUB, "sample",
                    "005543894af3d00ed7d740abdbd75c96b06877b787db5f70eea78b90a8d7c00a"
                    "ba3ce335d3e2ab5bdcd8b8d18e8128d62fc28fd9e52bfb000663f22a226b56cc",
                    TRUE);
    assert_verifies(RFC_PUB, "sample",
                    "a7d97d1f67b529daad2be62a68b373f5e93a5acd2e055a9ec9e785f4f776e23d"
                    "001c151d18288920b88c435bd67f3eda15d3e86932b852534793b37e256f9ae2",
                    TRUE);
    /* The same signatures on the other message do not verify. */
    assert_verifies(RFC_PUB, "test",
                    "efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716"
                    "f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8",
                    FALSE);
}

static void test_sign_verify(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(Wallet) wallet = wallet_new(&error);
    g_autoptr(Wallet) other = wallet_new(&error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(wallet);
    CU_ASSERT_PTR_NOT_NULL_FATAL(other);
    const guint8 *pub = wallet_public_key(wallet);
    guint8 digest[BC_HASH_LEN], sig[WALLET_SIGNATURE_LEN];
    bc_sha256("a transaction", 13, digest);
    CU_ASSERT_TRUE_FATAL(wallet_sign(wallet, digest, sig, &error));
    CU_ASSERT_TRUE(wallet_verify(pub, digest, sig));

    /* Another digest, another signer, a changed bit in r, in s or in the public key: no. */
    guint8 changed[BC_HASH_LEN];
    memcpy(changed, digest, sizeof changed);
    changed[31] ^= 1;
    CU_ASSERT_FALSE(wallet_verify(pub, changed, sig));
    CU_ASSERT_FALSE(wallet_verify(wallet_public_key(other), digest, sig));
    for (gsize i = 0; i < WALLET_SIGNATURE_LEN; i += 7) {
        guint8 bad[WALLET_SIGNATURE_LEN];
        memcpy(bad, sig, sizeof bad);
        bad[i] ^= 0x10;
        CU_ASSERT_FALSE(wallet_verify(pub, digest, bad));
    }
    for (gsize i = 0; i < WALLET_PUBLIC_KEY_LEN; i += 5) {
        guint8 bad[WALLET_PUBLIC_KEY_LEN];
        memcpy(bad, pub, sizeof bad);
        bad[i] ^= 0x01;
        CU_ASSERT_FALSE(wallet_verify(bad, digest, sig));
    }
    /* Two signatures of the same digest differ (a fresh nonce each time), both verify. */
    guint8 sig2[WALLET_SIGNATURE_LEN];
    CU_ASSERT_TRUE_FATAL(wallet_sign(wallet, digest, sig2, NULL));
    CU_ASSERT_NOT_EQUAL(memcmp(sig, sig2, sizeof sig), 0);
    CU_ASSERT_TRUE(wallet_verify(pub, digest, sig2));
}

/* The Go original failed about 1 signature in 35; 1000 in a row must all verify. */
static void test_thousand_rounds(void)
{
    int failures = 0;
    for (int i = 0; i < 1000; i++) {
        g_autoptr(Wallet) wallet = wallet_new(NULL);
        CU_ASSERT_PTR_NOT_NULL_FATAL(wallet);
        guint8 digest[BC_HASH_LEN], sig[WALLET_SIGNATURE_LEN];
        CU_ASSERT_TRUE_FATAL(bc_random_bytes(digest, sizeof digest, NULL));
        CU_ASSERT_TRUE_FATAL(wallet_sign(wallet, digest, sig, NULL));
        if (!wallet_verify(wallet_public_key(wallet), digest, sig))
            failures++;
    }
    CU_ASSERT_EQUAL(failures, 0);
}

/* Signs until r and s have each started with a zero byte (1 in 256 each; 20 000 tries make a miss
 * about as likely as e^-78) and checks that those signatures verify. */
static void test_leading_zero_signatures(void)
{
    g_autoptr(Wallet) wallet = wallet_new(NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(wallet);
    gboolean seen_r = FALSE, seen_s = FALSE;
    for (int i = 0; i < 20000 && !(seen_r && seen_s); i++) {
        guint8 digest[BC_HASH_LEN], sig[WALLET_SIGNATURE_LEN];
        CU_ASSERT_TRUE_FATAL(bc_random_bytes(digest, sizeof digest, NULL));
        CU_ASSERT_TRUE_FATAL(wallet_sign(wallet, digest, sig, NULL));
        if (sig[0] == 0 || sig[32] == 0) {
            CU_ASSERT_TRUE(wallet_verify(wallet_public_key(wallet), digest, sig));
            seen_r = seen_r || sig[0] == 0;
            seen_s = seen_s || sig[32] == 0;
        }
    }
    CU_ASSERT_TRUE(seen_r);
    CU_ASSERT_TRUE(seen_s);
}

/* Garbage public keys and signatures: FALSE, never a crash. */
static void test_verify_rejects_garbage(void)
{
    g_autoptr(Wallet) wallet = wallet_from_hex(RFC_KEY);
    guint8 digest[BC_HASH_LEN], sig[WALLET_SIGNATURE_LEN];
    bc_sha256("sample", 6, digest);
    CU_ASSERT_TRUE_FATAL(wallet_sign(wallet, digest, sig, NULL));
    const guint8 *pub = wallet_public_key(wallet);

    guint8 zeros[WALLET_PUBLIC_KEY_LEN] = {0}, ones[WALLET_PUBLIC_KEY_LEN];
    memset(ones, 0xff, sizeof ones);
    CU_ASSERT_FALSE(wallet_verify(zeros, digest, sig));
    CU_ASSERT_FALSE(wallet_verify(ones, digest, sig));
    CU_ASSERT_FALSE(wallet_verify(pub, digest, zeros));
    CU_ASSERT_FALSE(wallet_verify(pub, digest, ones));

    /* r = 0, s = 0, r = n, s = n: out of range, whatever the rest. */
    guint8 order[32], bad[WALLET_SIGNATURE_LEN];
    hex(ORDER_HEX, order, sizeof order);
    for (int which = 0; which < 4; which++) {
        memcpy(bad, sig, sizeof bad);
        guint8 *field = bad + (which % 2) * 32;
        if (which < 2)
            memset(field, 0, 32);
        else
            memcpy(field, order, 32);
        CU_ASSERT_FALSE(wallet_verify(pub, digest, bad));
    }
}

static void test_new_wallets_differ(void)
{
    g_autoptr(Wallet) a = wallet_new(NULL);
    g_autoptr(Wallet) b = wallet_new(NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_NOT_EQUAL(memcmp(wallet_private_key(a), wallet_private_key(b), 32), 0);
    g_autofree gchar *address_a = wallet_get_address(a);
    g_autofree gchar *address_b = wallet_get_address(b);
    CU_ASSERT_STRING_NOT_EQUAL(address_a, address_b);
    /* Loading the private key gives the same wallet back. */
    g_autoptr(Wallet) again = wallet_from_private_key(wallet_private_key(a), NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(again);
    CU_ASSERT_EQUAL(memcmp(wallet_public_key(again), wallet_public_key(a), 64), 0);
}

void test_wallet_register(void)
{
    static const BcTest tests[] = {
        {"private key 1 gives G and its address", test_generator},
        {"known public keys, zero bytes kept", test_known_public_keys},
        {"out-of-range private keys", test_out_of_range_keys},
        {"known signatures verify", test_known_signatures},
        {"sign then verify, changes fail", test_sign_verify},
        {"1000 sign/verify rounds", test_thousand_rounds},
        {"leading zero in r or s", test_leading_zero_signatures},
        {"verify rejects garbage", test_verify_rejects_garbage},
        {"new wallets differ, reload", test_new_wallets_differ},
        {NULL, NULL},
    };
    bc_test_add_suite("05/wallet", NULL, NULL, tests);
}
