/* bc_error.c: the BC_ERROR domain. */
#include "bc_error.h"

#include <stdarg.h>
#include <stdio.h>

/* The quark's name is one token, "bc-error-quark": clang-format would split it at the dashes. */
// clang-format off
G_DEFINE_QUARK(bc-error-quark, bc_error)
// clang-format on

void bc_print_error(const GError *error)
{
    fprintf(stderr, "error: %s\n", error != NULL ? error->message : "unknown error");
}

gboolean bc_set_invalid(GError **error, const gchar *format, ...)
{
    va_list args;
    va_start(args, format);
    g_autofree gchar *message = g_strdup_vprintf(format, args);
    va_end(args);
    g_set_error_literal(error, BC_ERROR, BC_ERROR_INVALID, message);
    return FALSE;
}
