/* bc_error.c: the BC_ERROR domain. */
#include "bc_error.h"

#include <stdio.h>

G_DEFINE_QUARK(bc - error - quark, bc_error)

void bc_print_error(const GError *error)
{
    fprintf(stderr, "error: %s\n", error != NULL ? error->message : "unknown error");
}
