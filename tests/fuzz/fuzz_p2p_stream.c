/* fuzz_p2p_stream.c: a chapter 8 connection's byte stream, cut into frames the way peer.c's
 * read_frames does (message_header_parse on the first 24 bytes, wait for the payload, then
 * message_decode), with the bytes arriving in reads of any size. The input's first byte is the
 * size of each read (1 to 256), the rest is the stream.
 * Held: every frame that decodes encodes back to its own bytes; a damaged header ends the stream
 * with BC_ERROR_CORRUPT or BC_ERROR_TOO_LARGE, a damaged payload costs that frame only; and the
 * frames found, their order and each outcome do not depend on how the stream was cut into reads
 * (the whole stream in one read gives the same log). */
#include "bc_error.h"
#include "fuzz_p2p.h"

/* Feeds STREAM in reads of CHUNK bytes; returns a log of what each frame became. */
static GString *cut_frames(const guint8 *stream, gsize len, gsize chunk)
{
    GString *log = g_string_new(NULL);
    g_autoptr(GByteArray) in = g_byte_array_new();
    gsize fed = 0;
    while (fed < len) {
        gsize n = MIN(chunk, len - fed);
        g_byte_array_append(in, stream + fed, (guint)n);
        fed += n;
        while (in->len >= MESSAGE_HEADER_LEN) {
            g_autoptr(GError) error = NULL;
            MessageHeader header;
            if (!message_header_parse(in->data, &header, &error)) {
                fuzz_assert_error("message_header_parse", error, BC_ERROR_CORRUPT,
                                  BC_ERROR_TOO_LARGE, -1);
                g_string_append_printf(log, "closed %d;", error->code);
                return log;
            }
            if (in->len < MESSAGE_HEADER_LEN + header.length)
                break; /* the rest is still on its way */
            gsize frame_len = MESSAGE_HEADER_LEN + header.length;
            g_autoptr(GBytes) payload = g_bytes_new(in->data + MESSAGE_HEADER_LEN, header.length);
            g_autoptr(Message) m = message_decode(&header, payload, &error);
            if (m == NULL) {
                fuzz_assert_error("message_decode", error, BC_ERROR_CORRUPT, BC_ERROR_TOO_LARGE,
                                  BC_ERROR_INVALID, BC_ERROR_NOT_FOUND, -1);
                g_string_append_printf(log, "dropped %d;", error->code);
            } else {
                g_autoptr(GBytes) again = p2p_encode(m);
                fuzz_assert_same(message_type_name(m->type), in->data, frame_len, again);
                g_string_append_printf(log, "%s;", message_type_name(m->type));
            }
            g_byte_array_remove_range(in, 0, (guint)frame_len);
        }
    }
    g_string_append_printf(log, "left %u", in->len);
    return log;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    gsize chunk = (gsize)data[0] + 1;
    g_autoptr(GString) cut = cut_frames(data + 1, size - 1, chunk);
    g_autoptr(GString) whole = cut_frames(data + 1, size - 1, MAX(size, 1));
    if (!g_string_equal(cut, whole))
        fuzz_fail("reads of %" G_GSIZE_FORMAT " bytes gave \"%s\", one read \"%s\"", chunk,
                  cut->str, whole->str);
    return 0;
}

/* Seeds: a whole conversation (every command once, in a connection's order) read 1, 7, 24 and
 * 256 bytes at a time, and each frame alone read 13 bytes at a time. */
static void append_frame(const gchar *name, GBytes *frame, gpointer data)
{
    (void)name;
    g_byte_array_append(data, g_bytes_get_data(frame, NULL), (guint)g_bytes_get_size(frame));
}

static void seed_alone(const gchar *name, GBytes *frame, gpointer data)
{
    (void)data;
    g_autoptr(GByteArray) input = g_byte_array_new();
    guint8 chunk = 12;
    g_byte_array_append(input, &chunk, 1);
    append_frame(name, frame, input);
    fuzz_seed(name, input->data, input->len);
}

void fuzz_seeds(void)
{
    static const guint chunks[] = {1, 7, 24, 256};
    g_autoptr(GByteArray) stream = g_byte_array_new();
    p2p_seed_frames(append_frame, stream);
    for (gsize i = 0; i < G_N_ELEMENTS(chunks); i++) {
        g_autoptr(GByteArray) input = g_byte_array_new();
        guint8 first = (guint8)(chunks[i] - 1);
        g_byte_array_append(input, &first, 1);
        g_byte_array_append(input, stream->data, stream->len);
        g_autofree gchar *name = g_strdup_printf("conversation-reads-of-%u", chunks[i]);
        fuzz_seed(name, input->data, input->len);
    }
    p2p_seed_frames(seed_alone, NULL);
}
