/* bc_hash.h: the hash functions of the series, thin wrappers over Nettle.
 * SHA-256 from chapter 1; double SHA-256, RIPEMD-160 and HASH160 from chapter 5. */
#pragma once
#include <glib.h>

#define BC_HASH_LEN 32      /* SHA-256 */
#define BC_RIPEMD160_LEN 20 /* RIPEMD-160, the size of a public key hash */

void bc_sha256(const void *data, gsize len, guint8 out[BC_HASH_LEN]);
void bc_sha256_bytes(GBytes *bytes, guint8 out[BC_HASH_LEN]);

/* SHA-256(SHA-256(data)): Bitcoin's checksum hash. */
void bc_double_sha256(const void *data, gsize len, guint8 out[BC_HASH_LEN]);

void bc_ripemd160(const void *data, gsize len, guint8 out[BC_RIPEMD160_LEN]);

/* RIPEMD-160(SHA-256(data)): how a public key becomes the hash inside an address. */
void bc_hash160(const void *data, gsize len, guint8 out[BC_RIPEMD160_LEN]);
