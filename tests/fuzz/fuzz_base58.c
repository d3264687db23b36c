/* fuzz_base58.c: Base58 (common/bc_base58.c), both ways. The input as text: what decodes must
 * encode back to the same text (a leading '1' is a zero byte, so there is one spelling per value).
 * The input as bytes: their text decodes back to them, or is refused only for being too long. */
#include <string.h>

#include "bc_base58.h"
#include "bc_error.h"
#include "fuzz.h"

/* Encoding is quadratic in the length and has no limit of its own (it only reads our data):
 * bytes beyond what the longest decodable text holds teach nothing more. */
#define MAX_ENCODE_LEN (2 * BC_BASE58_MAX_LEN)

static void check_text(const uint8_t *data, size_t size)
{
    /* The decoder reads a C string: the text is the input up to its first NUL. */
    g_autofree gchar *text = g_strndup((const gchar *)data, size);
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) bytes = bc_base58_decode(text, &error);
    if (bytes == NULL) {
        fuzz_assert_error("bc_base58_decode", error, BC_ERROR_INVALID_ARGUMENT, -1);
        return;
    }
    gsize len = 0;
    const guint8 *raw = g_bytes_get_data(bytes, &len);
    gchar *again = bc_base58_encode(raw, len);
    g_autoptr(GBytes) again_bytes = g_bytes_new_take(again, strlen(again));
    fuzz_assert_same("Base58 text", text, strlen(text), again_bytes);
}

static void check_bytes(const uint8_t *data, size_t size)
{
    if (size > MAX_ENCODE_LEN)
        return;
    g_autofree gchar *text = bc_base58_encode(data, size);
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) back = bc_base58_decode(text, &error);
    if (strlen(text) > BC_BASE58_MAX_LEN) {
        FUZZ_ASSERT(back == NULL);
        fuzz_assert_error("bc_base58_decode", error, BC_ERROR_INVALID_ARGUMENT, -1);
        return;
    }
    fuzz_assert_same("bytes through Base58", data, size, back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_text(data, size);
    check_bytes(data, size);
    return 0;
}

void fuzz_seeds(void)
{
    /* Bitcoin Core's vectors (tests/common/test_base58_vectors.c), an address, the limits. */
    static const gchar *const texts[] = {
        "",
        "1",
        "2g",
        "a3gV",
        "2cFupjhnEsSn59qHXstmK2ffpLv2",
        "1NS17iag9jJgTHD1VXjvLCEnZuQ3rJDE9L",
        "1111111111",
        "1111111111111111111111111111111111111112",
        "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz",
        "zzzzy",
        "211111",
        "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
    };
    for (gsize i = 0; i < G_N_ELEMENTS(texts); i++) {
        g_autofree gchar *name = g_strdup_printf("text-%02" G_GSIZE_FORMAT, i);
        fuzz_seed(name, texts[i], strlen(texts[i]));
    }
    g_autofree gchar *longest = g_strnfill(BC_BASE58_MAX_LEN, 'z');
    fuzz_seed("text-longest", longest, BC_BASE58_MAX_LEN);
    g_autofree gchar *too_long = g_strnfill(BC_BASE58_MAX_LEN + 1, 'z');
    fuzz_seed("text-too-long", too_long, BC_BASE58_MAX_LEN + 1);
    const guint8 zeros_then_ff[] = {0, 0, 0, 0xff, 0xff};
    fuzz_seed("bytes-leading-zeros", zeros_then_ff, sizeof zeros_then_ff);
}
