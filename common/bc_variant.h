/* bc_variant.h: GVariant, the project's serialization format (first used in chapter 3).
 * Everything stored or sent is a GVariant in normal form, little-endian. Decoding untrusted
 * bytes goes through bc_variant_decode, which checks size, type and normal form. */
#pragma once
#include <glib.h>

/* BYTES as a GVariant of TYPE, or NULL with BC_ERROR_TOO_LARGE (over MAX_SIZE bytes) or
 * BC_ERROR_CORRUPT (not in normal form for TYPE). WHAT names the thing in the message. */
GVariant *bc_variant_decode(GBytes *bytes, const GVariantType *type, gsize max_size,
                            const gchar *what, GError **error);

/* The serialized bytes of VALUE (consumes a floating reference), little-endian. */
GBytes *bc_variant_encode(GVariant *value);

/* A fixed-size byte array ("ay" of exactly LEN bytes) copied into OUT; FALSE when the length
 * is wrong. */
gboolean bc_variant_get_fixed(GVariant *ay, guint8 *out, gsize len, const gchar *what,
                              GError **error);

/* A floating "ay" holding a copy of LEN bytes. */
GVariant *bc_variant_new_bytes(const guint8 *data, gsize len);
