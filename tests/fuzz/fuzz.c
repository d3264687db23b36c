/* fuzz.c: the helpers of fuzz.h, and the initialisation every target runs first. */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bc_error.h"

static const gchar *seed_dir; /* set by --seeds DIR: write the seed corpus there, then exit */

void fuzz_fail(const gchar *format, ...)
{
    va_list args;
    va_start(args, format);
    g_autofree gchar *message = g_strdup_vprintf(format, args);
    va_end(args);
    fprintf(stderr, "fuzz: contract broken: %s\n", message);
    abort();
}

static void dump(const gchar *label, const guint8 *data, gsize len)
{
    fprintf(stderr, "  %s (%" G_GSIZE_FORMAT " bytes):", label, len);
    for (gsize i = 0; i < len && i < 256; i++)
        fprintf(stderr, "%s%02x", i % 32 == 0 ? "\n    " : "", data[i]);
    fprintf(stderr, "%s\n", len > 256 ? " ..." : "");
}

void fuzz_assert_same(const gchar *what, const void *input, gsize len, GBytes *reencoded)
{
    gsize out_len = 0;
    /* An empty GBytes has no data pointer: only a NULL GBytes is a failed encoding. */
    const guint8 *out = reencoded != NULL ? g_bytes_get_data(reencoded, &out_len) : NULL;
    if (reencoded != NULL && out_len == len && (len == 0 || memcmp(out, input, len) == 0))
        return;
    fprintf(stderr, "fuzz: %s decoded, but re-encodes to other bytes\n", what);
    dump("input", input, len);
    if (reencoded != NULL)
        dump("re-encoded", out, out_len);
    else
        fprintf(stderr, "  re-encoding failed\n");
    abort();
}

void fuzz_assert_error(const gchar *what, const GError *error, ...)
{
    if (error == NULL)
        fuzz_fail("%s refused its input without an error", what);
    if (error->domain != BC_ERROR)
        fuzz_fail("%s refused its input with an error outside BC_ERROR: %s", what, error->message);
    if (!g_utf8_validate(error->message, -1, NULL))
        fuzz_fail("%s refused its input with a message that is not UTF-8", what);
    va_list codes;
    va_start(codes, error);
    gboolean listed = FALSE;
    for (int code = va_arg(codes, int); code != -1 && !listed; code = va_arg(codes, int))
        listed = error->code == code;
    va_end(codes);
    if (!listed)
        fuzz_fail("%s refused its input with unexpected code %d: %s", what, error->code,
                  error->message);
}

void fuzz_seed(const gchar *name, const void *data, gsize len)
{
    g_assert(seed_dir != NULL);
    g_autofree gchar *file = g_strdup_printf("seed-%s", name);
    g_autofree gchar *path = g_build_filename(seed_dir, file, NULL);
    g_autoptr(GError) error = NULL;
    if (!g_file_set_contents(path, data, (gssize)len, &error))
        fuzz_fail("cannot write seed: %s", error->message);
    printf("  %s (%" G_GSIZE_FORMAT " bytes)\n", path, len);
}

void fuzz_seed_bytes(const gchar *name, GBytes *bytes)
{
    g_assert(bytes != NULL);
    fuzz_seed(name, g_bytes_get_data(bytes, NULL), g_bytes_get_size(bytes));
}

/* Called once, before any input, by libFuzzer and by standalone.c alike. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    /* Our decoders report bad input through GError: a critical or a warning is a bug of ours
     * (a g_return_val_if_fail that a peer reached), so it stops the run like a crash. */
    g_log_set_always_fatal(G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
    if (*argc == 3 && strcmp((*argv)[1], "--seeds") == 0) {
        seed_dir = (*argv)[2];
        if (g_mkdir_with_parents(seed_dir, 0755) != 0)
            fuzz_fail("cannot create %s", seed_dir);
        fuzz_seeds();
        exit(0);
    }
    return 0;
}
