/* bc_random.c: getrandom(2), retried on interruption and short reads. */
#include "bc_random.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "bc_error.h"

gboolean bc_random_bytes(void *out, gsize len, GError **error)
{
    guint8 *p = out;
    while (len > 0) {
        ssize_t n = getrandom(p, len, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            g_set_error(error, BC_ERROR, BC_ERROR_IO, "getrandom: %s", g_strerror(errno));
            return FALSE;
        }
        p += n;
        len -= (gsize)n;
    }
    return TRUE;
}
