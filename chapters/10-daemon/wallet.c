/* wallet.c: P-256 keys and ECDSA over Nettle. Nettle speaks GMP numbers (mpz_t); everything we
 * store or send is fixed-size big-endian bytes, converted at the edges of each function. */
#include "wallet.h"

#include <nettle/bignum.h>
#include <nettle/ecc-curve.h>
#include <nettle/ecc.h>
#include <nettle/ecdsa.h>
#include <string.h>

#include "address.h"
#include "bc_error.h"
#include "bc_random.h"

#define COORD_LEN 32 /* one coordinate, r or s: P-256 numbers are below 2^256 */

struct Wallet {
    guint8 private_key[WALLET_PRIVATE_KEY_LEN];
    guint8 public_key[WALLET_PUBLIC_KEY_LEN];
};

static const struct ecc_curve *curve(void)
{
    return nettle_get_secp_256r1();
}

/* Writes Z into OUT as exactly 32 bytes, zeros in front. The Go original wrote as few bytes as the
 * number needed and split the key in half to read it back, which broke whenever X, Y, r or s
 * happened to start with a zero byte: about one signature in 35. */
static void mpz_to_bytes(const mpz_t z, guint8 out[COORD_LEN])
{
    nettle_mpz_get_str_256(COORD_LEN, out, z);
}

/* Nettle's random callback cannot fail, so a failure is kept in the context and checked after the
 * call; the bytes are then zeros and the result is thrown away. */
typedef struct {
    GError *error;
} RandomContext;

static void random_for_nettle(void *ctx, size_t len, uint8_t *dst)
{
    RandomContext *rc = ctx;
    if (rc->error != NULL || !bc_random_bytes(dst, len, &rc->error))
        memset(dst, 0, len);
}

/* The scalar of PRIVATE_KEY in KEY (initialized here), or FALSE when the key is 0 or not below the
 * group order n: then it names no point, and Nettle refuses it. */
static gboolean scalar_from_bytes(struct ecc_scalar *key,
                                  const guint8 private_key[WALLET_PRIVATE_KEY_LEN])
{
    mpz_t z;
    nettle_mpz_init_set_str_256_u(z, WALLET_PRIVATE_KEY_LEN, private_key);
    ecc_scalar_init(key, curve());
    gboolean ok = ecc_scalar_set(key, z) != 0;
    mpz_clear(z);
    return ok;
}

Wallet *wallet_from_private_key(const guint8 private_key[WALLET_PRIVATE_KEY_LEN], GError **error)
{
    struct ecc_scalar key;
    if (!scalar_from_bytes(&key, private_key)) {
        ecc_scalar_clear(&key);
        g_set_error_literal(error, BC_ERROR, BC_ERROR_INVALID_ARGUMENT,
                            "private key is 0 or not below the order of P-256");
        return NULL;
    }
    /* The public key is the private scalar times the curve's generator point G. */
    struct ecc_point pub;
    ecc_point_init(&pub, curve());
    ecc_point_mul_g(&pub, &key);
    mpz_t x, y;
    mpz_inits(x, y, NULL);
    ecc_point_get(&pub, x, y);

    Wallet *wallet = g_new0(Wallet, 1);
    memcpy(wallet->private_key, private_key, WALLET_PRIVATE_KEY_LEN);
    mpz_to_bytes(x, wallet->public_key);
    mpz_to_bytes(y, wallet->public_key + COORD_LEN);

    mpz_clears(x, y, NULL);
    ecc_point_clear(&pub);
    ecc_scalar_clear(&key);
    return wallet;
}

Wallet *wallet_new(GError **error)
{
    /* A random 256-bit number is out of range with probability below 2^-32: draw again. */
    for (int attempt = 0; attempt < 64; attempt++) {
        guint8 private_key[WALLET_PRIVATE_KEY_LEN];
        if (!bc_random_bytes(private_key, sizeof private_key, error))
            return NULL;
        Wallet *wallet = wallet_from_private_key(private_key, NULL);
        explicit_bzero(private_key, sizeof private_key);
        if (wallet != NULL)
            return wallet;
    }
    g_set_error_literal(error, BC_ERROR, BC_ERROR_IO,
                        "the random source keeps giving keys out of range");
    return NULL;
}

void wallet_free(Wallet *wallet)
{
    if (wallet == NULL)
        return;
    explicit_bzero(wallet, sizeof *wallet);
    g_free(wallet);
}

const guint8 *wallet_public_key(const Wallet *wallet)
{
    return wallet->public_key;
}

const guint8 *wallet_private_key(const Wallet *wallet)
{
    return wallet->private_key;
}

void wallet_hash_pubkey(const guint8 pubkey[WALLET_PUBLIC_KEY_LEN], guint8 out[BC_RIPEMD160_LEN])
{
    bc_hash160(pubkey, WALLET_PUBLIC_KEY_LEN, out);
}

gchar *wallet_get_address(const Wallet *wallet)
{
    guint8 hash[BC_RIPEMD160_LEN];
    wallet_hash_pubkey(wallet->public_key, hash);
    return address_from_pubkey_hash(hash);
}

/* @excerpt wallet-sign */
gboolean wallet_sign(const Wallet *wallet, const guint8 digest[BC_HASH_LEN],
                     guint8 sig[WALLET_SIGNATURE_LEN], GError **error)
{
    struct ecc_scalar key;
    if (!scalar_from_bytes(&key, wallet->private_key))
        g_assert_not_reached(); /* checked when the wallet was made */

    /* ECDSA needs a fresh random nonce per signature; reusing one reveals the key. */
    struct dsa_signature signature;
    dsa_signature_init(&signature);
    RandomContext rc = {0};
    ecdsa_sign(&key, &rc, random_for_nettle, BC_HASH_LEN, digest, &signature);
    if (rc.error == NULL) {
        mpz_to_bytes(signature.r, sig);
        mpz_to_bytes(signature.s, sig + COORD_LEN);
    }
    dsa_signature_clear(&signature);
    ecc_scalar_clear(&key);
    if (rc.error != NULL) {
        g_propagate_error(error, rc.error);
        return FALSE;
    }
    return TRUE;
}
/* @end wallet-sign */

/* @excerpt wallet-verify */
gboolean wallet_verify(const guint8 pubkey[WALLET_PUBLIC_KEY_LEN], const guint8 digest[BC_HASH_LEN],
                       const guint8 sig[WALLET_SIGNATURE_LEN])
{
    mpz_t x, y;
    nettle_mpz_init_set_str_256_u(x, COORD_LEN, pubkey);
    nettle_mpz_init_set_str_256_u(y, COORD_LEN, pubkey + COORD_LEN);
    struct ecc_point pub;
    ecc_point_init(&pub, curve());
    /* ecc_point_set refuses a point that is not on the curve: bytes from the network are not
     * trusted to be a public key. */
    gboolean ok = ecc_point_set(&pub, x, y) != 0;
    if (ok) {
        struct dsa_signature signature;
        dsa_signature_init(&signature);
        nettle_mpz_set_str_256_u(signature.r, COORD_LEN, sig);
        nettle_mpz_set_str_256_u(signature.s, COORD_LEN, sig + COORD_LEN);
        /* ecdsa_verify itself rejects r or s of 0 or not below the order. */
        ok = ecdsa_verify(&pub, BC_HASH_LEN, digest, &signature) != 0;
        dsa_signature_clear(&signature);
    }
    ecc_point_clear(&pub);
    mpz_clears(x, y, NULL);
    return ok;
}
/* @end wallet-verify */
