/* fuzz_base58check.c: Base58Check (common/bc_base58.c), both ways. A text that decodes, version
 * and payload, encodes back to itself; a version byte and payload (the input's first byte and the
 * rest) encode to a text that decodes back to them. */
#include <string.h>

#include "bc_base58.h"
#include "bc_error.h"
#include "fuzz.h"

static void check_text(const uint8_t *data, size_t size)
{
    g_autofree gchar *text = g_strndup((const gchar *)data, size); /* up to the first NUL */
    g_autoptr(GError) error = NULL;
    guint8 version = 0;
    g_autoptr(GBytes) payload = bc_base58check_decode(text, &version, &error);
    if (payload == NULL) {
        fuzz_assert_error("bc_base58check_decode", error, BC_ERROR_INVALID_ARGUMENT, -1);
        return;
    }
    gsize len = 0;
    const guint8 *raw = g_bytes_get_data(payload, &len);
    gchar *again = bc_base58check_encode(version, raw, len);
    g_autoptr(GBytes) again_bytes = g_bytes_new_take(again, strlen(again));
    fuzz_assert_same("Base58Check text", text, strlen(text), again_bytes);
}

static void check_payload(const uint8_t *data, size_t size)
{
    /* What fits in the longest text the decoder reads, and one byte more. */
    if (size < 1 || size > BC_BASE58_MAX_LEN)
        return;
    g_autofree gchar *text = bc_base58check_encode(data[0], data + 1, size - 1);
    g_autoptr(GError) error = NULL;
    guint8 version = (guint8)~data[0];
    g_autoptr(GBytes) back = bc_base58check_decode(text, &version, &error);
    if (strlen(text) > BC_BASE58_MAX_LEN) {
        FUZZ_ASSERT(back == NULL);
        fuzz_assert_error("bc_base58check_decode", error, BC_ERROR_INVALID_ARGUMENT, -1);
        return;
    }
    FUZZ_ASSERT(version == data[0]);
    fuzz_assert_same("payload through Base58Check", data + 1, size - 1, back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_text(data, size);
    check_payload(data, size);
    return 0;
}

void fuzz_seeds(void)
{
    const guint8 hash[20] = {0x62, 0xe9, 0x07, 0xb1, 0x5c, 0xbf, 0x27, 0xd5, 0x42, 0x53,
                             0x99, 0xeb, 0xf6, 0xf0, 0xfb, 0x50, 0xeb, 0xb8, 0x8f, 0x18};
    /* Addresses of versions 0x00 and 0x05, an empty payload, a payload of zeros. */
    const guint8 versions[] = {0x00, 0x05, 0xff};
    for (gsize i = 0; i < G_N_ELEMENTS(versions); i++) {
        g_autofree gchar *text = bc_base58check_encode(versions[i], hash, sizeof hash);
        g_autofree gchar *name = g_strdup_printf("address-%02x", versions[i]);
        fuzz_seed(name, text, strlen(text));
    }
    g_autofree gchar *empty = bc_base58check_encode(0x00, NULL, 0);
    fuzz_seed("empty-payload", empty, strlen(empty));
    const guint8 zeros[8] = {0};
    g_autofree gchar *text = bc_base58check_encode(0x00, zeros, sizeof zeros);
    fuzz_seed("zeros", text, strlen(text));
    /* Bitcoin Core's Base58Check case (base58_tests.cpp). */
    fuzz_seed("core", "3vQB7B6MrGQZaxCuFg4oh", 21);
}
