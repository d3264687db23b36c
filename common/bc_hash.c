/* bc_hash.c: SHA-256 and RIPEMD-160 over Nettle. */
#include "bc_hash.h"

#include <nettle/ripemd160.h>
#include <nettle/sha2.h>

void bc_sha256(const void *data, gsize len, guint8 out[BC_HASH_LEN])
{
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    sha256_update(&ctx, len, data);
    sha256_digest(&ctx, BC_HASH_LEN, out);
}

void bc_sha256_bytes(GBytes *bytes, guint8 out[BC_HASH_LEN])
{
    gsize len = 0;
    const guint8 *data = g_bytes_get_data(bytes, &len);
    bc_sha256(data, len, out);
}

void bc_double_sha256(const void *data, gsize len, guint8 out[BC_HASH_LEN])
{
    guint8 first[BC_HASH_LEN];
    bc_sha256(data, len, first);
    bc_sha256(first, sizeof first, out);
}

void bc_ripemd160(const void *data, gsize len, guint8 out[BC_RIPEMD160_LEN])
{
    struct ripemd160_ctx ctx;
    ripemd160_init(&ctx);
    ripemd160_update(&ctx, len, data);
    ripemd160_digest(&ctx, BC_RIPEMD160_LEN, out);
}

void bc_hash160(const void *data, gsize len, guint8 out[BC_RIPEMD160_LEN])
{
    guint8 sha[BC_HASH_LEN];
    bc_sha256(data, len, sha);
    bc_ripemd160(sha, sizeof sha, out);
}
