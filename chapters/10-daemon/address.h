/* address.h: what a user copies and pastes, the Base58Check text of a public key hash. */
#pragma once
#include <glib.h>

#include "bc_hash.h"

/* The version byte in front of the hash: 0x00, Bitcoin's, so addresses start with '1'. */
#define ADDRESS_VERSION 0x00

/* "1..." for HASH, the HASH160 of a public key (see wallet_hash_pubkey). */
gchar *address_from_pubkey_hash(const guint8 hash[BC_RIPEMD160_LEN]);

/* The public key hash inside ADDRESS, or FALSE with BC_ERROR_INVALID_ARGUMENT, "invalid address
 * 'ADDRESS': REASON", for a character outside Base58, a wrong checksum, a payload that is not 20
 * bytes or a version byte that is not ADDRESS_VERSION. */
gboolean address_to_pubkey_hash(const gchar *address, guint8 out[BC_RIPEMD160_LEN], GError **error);

/* TRUE when ADDRESS decodes (address_to_pubkey_hash without the hash). */
gboolean address_validate(const gchar *address, GError **error);
