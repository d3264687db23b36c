/* bc_wycheproof.h: the cases of Project Wycheproof's ECDSA P-256 SHA-256 verification vectors in
 * P1363 form (tests/vectors/, see its README.md), read strictly: a file that is not exactly that
 * format is an error, never a smaller set of cases. */
#pragma once
#include <glib.h>

typedef enum {
    BC_WYCHEPROOF_VALID,      /* must verify */
    BC_WYCHEPROOF_INVALID,    /* must not */
    BC_WYCHEPROOF_ACCEPTABLE, /* either is right (the file says why, in the flags) */
} BcWycheproofResult;

typedef struct {
    gint64 id;         /* tcId, unique in the file */
    guint8 pubkey[64]; /* the group's key, X || Y, each big-endian and zero-padded to 32 */
    GBytes *msg;       /* the message; the signature is over its SHA-256 */
    GBytes *sig;       /* r || s as the file gives it, of any length */
    BcWycheproofResult result;
    gchar *comment;
    gchar **flags; /* NULL-terminated */
} BcWycheproofCase;

/* Every case of the vector file in the LEN bytes of TEXT, an array of BcWycheproofCase (freed with
 * it), or NULL with BC_ERROR_CORRUPT and the reason: not JSON, another algorithm, schema, curve or
 * hash, a field missing or of the wrong type, hex that does not decode, a key that does not fit
 * 32 bytes per coordinate, an unknown result, a repeated tcId, or not numberOfTests cases. */
GArray *bc_wycheproof_ecdsa_load(const gchar *text, gsize len, GError **error);

/* The file's text, from tests/vectors/NAME under the top of the repository, or NULL. */
gchar *bc_wycheproof_read(const gchar *name, gsize *len, GError **error);
