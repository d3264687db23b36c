/* bc_error.h: the one error domain of the project (first used in chapter 2).
 * Every function that can fail takes GError **error last; tests check the codes below. */
#pragma once
#include <glib.h>

#define BC_ERROR (bc_error_quark())

typedef enum {
    BC_ERROR_INVALID_ARGUMENT, /* bad command line or parameter */
    BC_ERROR_NOT_FOUND,        /* no such key, block, transaction or wallet */
    BC_ERROR_CORRUPT,          /* bytes that do not decode: database record, file, message */
    BC_ERROR_TOO_LARGE,        /* input over its size limit */
    BC_ERROR_IO,               /* the operating system said no */
    BC_ERROR_LOCKED,           /* the database is in use by another process */
    BC_ERROR_EXISTS,           /* something to be created is already there */
    BC_ERROR_INVALID,          /* well-formed but breaks a rule: bad PoW, bad signature ... */
    BC_ERROR_FUNDS,            /* not enough to spend */
    BC_ERROR_NETWORK,          /* a peer could not be reached or misbehaved */
} BcError;

GQuark bc_error_quark(void);

/* Sets ERROR to BC_ERROR_INVALID, a rule broken, with the formatted message, and returns FALSE,
 * so that a check reads 'return bc_set_invalid(error, "input %u ...", i);' (first used in
 * chapter 5, by the signature checks). */
gboolean bc_set_invalid(GError **error, const gchar *format, ...) G_GNUC_PRINTF(2, 3);

/* Prints "error: MESSAGE" on stderr, the CLI's one way to report a failure. */
void bc_print_error(const GError *error);
