/* bc_random.h: bytes from the kernel's random source (first used in chapter 5).
 * Keys, nonces and coinbase data come from here, never from g_random. */
#pragma once
#include <glib.h>

gboolean bc_random_bytes(void *out, gsize len, GError **error);
