/* wallet.h: a key pair on the NIST P-256 curve, the address it owns, and ECDSA signatures. */
#pragma once
#include <glib.h>

#include "bc_hash.h"

#define WALLET_PRIVATE_KEY_LEN 32 /* the secret scalar, big-endian */
#define WALLET_PUBLIC_KEY_LEN 64  /* X || Y, each coordinate big-endian, zero-padded to 32 */
#define WALLET_SIGNATURE_LEN 64   /* r || s, each big-endian, zero-padded to 32 */

/* Holds the private key: free it with wallet_free, which wipes it. */
typedef struct Wallet Wallet;

/* A wallet with a fresh private key from the kernel's random source. */
Wallet *wallet_new(GError **error);

/* The wallet of PRIVATE_KEY (how a saved wallet is loaded, and fixed keys in tests); NULL with
 * BC_ERROR_INVALID_ARGUMENT when it is 0 or not below the curve's order. */
Wallet *wallet_from_private_key(const guint8 private_key[WALLET_PRIVATE_KEY_LEN], GError **error);

void wallet_free(Wallet *wallet);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Wallet, wallet_free)

const guint8 *wallet_public_key(const Wallet *wallet); /* WALLET_PUBLIC_KEY_LEN bytes */
/* Only for writing the wallet file: never print it. */
const guint8 *wallet_private_key(const Wallet *wallet); /* WALLET_PRIVATE_KEY_LEN bytes */

/* HASH160 of the public key: what an output is locked to, and the body of an address. */
void wallet_hash_pubkey(const guint8 pubkey[WALLET_PUBLIC_KEY_LEN], guint8 out[BC_RIPEMD160_LEN]);

/* The wallet's address, "1..." (see address.h). */
gchar *wallet_get_address(const Wallet *wallet);

/* Signs a 32-byte DIGEST into SIG (r || s). Fails only when the random source does. */
gboolean wallet_sign(const Wallet *wallet, const guint8 digest[BC_HASH_LEN],
                     guint8 sig[WALLET_SIGNATURE_LEN], GError **error);

/* TRUE when SIG is PUBKEY's signature of DIGEST. FALSE for anything else, including a PUBKEY that
 * is not a point on the curve and an r or s out of range. */
gboolean wallet_verify(const guint8 pubkey[WALLET_PUBLIC_KEY_LEN], const guint8 digest[BC_HASH_LEN],
                       const guint8 sig[WALLET_SIGNATURE_LEN]);
