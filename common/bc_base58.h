/* bc_base58.h: Base58 and Base58Check, the text form of addresses (first used in chapter 5).
 * Base58 is Bitcoin's alphabet of 58 characters without 0, O, I and l, so an address copied by
 * hand cannot mix them up. Base58Check adds a version byte in front and a 4-byte checksum at the
 * end, so a mistyped address is rejected instead of sending coins nowhere. */
#pragma once
#include <glib.h>

/* Longest text the decoders accept: addresses are 25 bytes, about 34 characters. */
#define BC_BASE58_MAX_LEN 128
/* Bytes of double SHA-256 appended by Base58Check. */
#define BC_BASE58_CHECKSUM_LEN 4

/* LEN bytes as Base58 text. Each leading zero byte becomes a leading '1'. */
gchar *bc_base58_encode(const guint8 *data, gsize len);

/* The bytes TEXT encodes (each leading '1' a zero byte), or NULL with
 * BC_ERROR_INVALID_ARGUMENT for a character outside the alphabet or a text longer than
 * BC_BASE58_MAX_LEN. "" decodes to no bytes. */
GBytes *bc_base58_decode(const gchar *text, GError **error);

/* Base58 of VERSION || PAYLOAD || first 4 bytes of double SHA-256(VERSION || PAYLOAD). */
gchar *bc_base58check_encode(guint8 version, const guint8 *payload, gsize len);

/* The payload of a Base58Check TEXT, its version byte in *VERSION; NULL with
 * BC_ERROR_INVALID_ARGUMENT when it does not decode, is too short or its checksum is wrong. */
GBytes *bc_base58check_decode(const gchar *text, guint8 *version, GError **error);
