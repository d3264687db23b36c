/* bc_hex.h: bytes to lowercase hex and back (first used in chapter 1). */
#pragma once
#include <glib.h>

/* LEN bytes as 2*LEN lowercase hex digits. */
gchar *bc_hex_encode(const guint8 *data, gsize len);

/* Decodes exactly 2*LEN hex digits (either case) into OUT; FALSE with an error otherwise. */
gboolean bc_hex_decode(const gchar *hex, guint8 *out, gsize len, GError **error);
