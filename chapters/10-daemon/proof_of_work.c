/* proof_of_work.c: Hashcash-style mining over the fixed-layout block header. */
#include "proof_of_work.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bc_error.h"
#include "bc_hex.h"

gboolean pow_target_bits(guint32 *bits, GError **error)
{
    const gchar *env = g_getenv("BC_TARGET_BITS");
    guint64 value = POW_DEFAULT_TARGET_BITS;
    if (env != NULL && !g_ascii_string_to_unsigned(env, 10, 1, POW_MAX_TARGET_BITS, &value, NULL)) {
        g_set_error(error, BC_ERROR, BC_ERROR_INVALID_ARGUMENT,
                    "BC_TARGET_BITS must be a whole number from 1 to %d, not '%s'",
                    POW_MAX_TARGET_BITS, env);
        return FALSE;
    }
    *bits = (guint32)value;
    return TRUE;
}

/* @excerpt pow-target */
void pow_target(guint32 bits, guint8 target[BC_HASH_LEN])
{
    /* 2^(256 - bits): a single 1 bit, BITS positions from the top, in big-endian bytes. */
    g_assert(bits >= 1 && bits <= 255);
    guint shift = 256 - bits;
    memset(target, 0, BC_HASH_LEN);
    target[BC_HASH_LEN - 1 - shift / 8] = (guint8)(1u << (shift % 8));
}

/* A hash read as a 256-bit big-endian number is below the target exactly when memcmp says so. */
static gboolean hash_below(const guint8 hash[BC_HASH_LEN], const guint8 target[BC_HASH_LEN])
{
    return memcmp(hash, target, BC_HASH_LEN) < 0;
}
/* @end pow-target */

/* @excerpt pow-run */
void pow_run(Block *block)
{
    guint8 target[BC_HASH_LEN];
    pow_target(block->bits, target);
    /* Build the header once; each attempt rewrites only its last 8 bytes, the nonce. */
    guint8 header[BLOCK_HEADER_LEN];
    block_header(block, header);
    gboolean progress = isatty(STDERR_FILENO);
    guint64 nonce = 0;
    for (;; nonce++) {
        guint64 le = GUINT64_TO_LE(nonce);
        memcpy(header + BLOCK_NONCE_OFFSET, &le, sizeof le);
        bc_sha256(header, sizeof header, block->hash);
        if (hash_below(block->hash, target))
            break;
        /* Every 2^20 attempts, never at the first: a quick search leaves no line behind. */
        if (progress && (nonce & 0xfffff) == 0xfffff) {
            g_autofree gchar *hex = bc_hex_encode(block->hash, BC_HASH_LEN);
            fprintf(stderr, "\rmining: %s (nonce %" G_GUINT64_FORMAT ")", hex, nonce);
        }
    }
    if (progress && nonce > 0xfffff)
        fprintf(stderr, "\r%*s\r", 100, "");
    block->nonce = nonce;
}
/* @end pow-run */

/* @excerpt pow-validate */
gboolean pow_validate(const Block *block)
{
    guint8 target[BC_HASH_LEN], hash[BC_HASH_LEN];
    if (block->bits < 1 || block->bits > 255)
        return FALSE;
    pow_target(block->bits, target);
    block_compute_hash(block, hash);
    return memcmp(hash, block->hash, BC_HASH_LEN) == 0 && hash_below(hash, target);
}
/* @end pow-validate */
