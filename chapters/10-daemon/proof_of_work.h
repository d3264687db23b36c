/* proof_of_work.h: mining, the search for a block hash below a target, and its check. */
#pragma once
#include <glib.h>

#include "block.h"

/* The article's difficulty. Tests lower it with the environment variable BC_TARGET_BITS. */
#define POW_DEFAULT_TARGET_BITS 16
#define POW_MAX_TARGET_BITS 32

/* The difficulty to mine at: BC_TARGET_BITS when set (1 to POW_MAX_TARGET_BITS), else the
 * default. An invalid value is an error, not silently ignored. */
gboolean pow_target_bits(guint32 *bits, GError **error);

/* TARGET = 2^(256 - BITS) as a 32-byte big-endian number. */
void pow_target(guint32 bits, guint8 target[BC_HASH_LEN]);

/* Finds a nonce for which the header's hash is below the block's target; sets nonce and hash. */
void pow_run(Block *block);

/* TRUE when the block's hash is its header's hash and is below its target. */
gboolean pow_validate(const Block *block);
