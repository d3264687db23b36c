/* bc_error.c: the BC_ERROR domain. */
#include "bc_error.h"

#include <stdio.h>

/* The quark's name is one token, "bc-error-quark": clang-format would split it at the dashes. */
// clang-format off
G_DEFINE_QUARK(bc-error-quark, bc_error)
// clang-format on

void bc_print_error(const GError *error)
{
    fprintf(stderr, "error: %s\n", error != NULL ? error->message : "unknown error");
}
