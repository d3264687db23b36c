/* fuzz.h: what every fuzz target shares (see README.md).
 * A target is one file, fuzz_NAME.c, for one decoder of outside bytes. It defines
 *   LLVMFuzzerTestOneInput: decode the input; on success re-encode what was decoded and abort
 *     unless the bytes are the input's (one value, one encoding: the canonical form is part of
 *     every decoder's contract); on failure check that the decoder said why, in BC_ERROR;
 *   fuzz_seeds: write valid encodings made with the chapter's own encoders (fuzz_seed), the seed
 *     corpus 'make fuzz-seeds' commits to tests/fuzz/corpus/NAME/.
 * The same file builds against libFuzzer (clang) and against standalone.c (any compiler). */
#pragma once
#include <glib.h>
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
void fuzz_seeds(void);

/* Aborts with WHAT and a hex dump of both when REENCODED is not the LEN bytes of INPUT. */
void fuzz_assert_same(const gchar *what, const void *input, gsize len, GBytes *reencoded);

/* Aborts unless ERROR is set, in BC_ERROR, with one of the codes listed (terminated by -1), and
 * its message is valid UTF-8: a decoder that refuses must say why, and print nothing strange. */
void fuzz_assert_error(const gchar *what, const GError *error, ...);

/* Aborts with a message when COND is false: a broken contract, not a bad input. */
#define FUZZ_ASSERT(cond)                                                                          \
    do {                                                                                           \
        if (!(cond))                                                                               \
            fuzz_fail("%s:%d: %s", __FILE__, __LINE__, #cond);                                     \
    } while (0)
G_NORETURN void fuzz_fail(const gchar *format, ...) G_GNUC_PRINTF(1, 2);

/* In fuzz_seeds: writes LEN bytes of DATA as seed NAME of the target's corpus. */
void fuzz_seed(const gchar *name, const void *data, gsize len);
void fuzz_seed_bytes(const gchar *name, GBytes *bytes);
