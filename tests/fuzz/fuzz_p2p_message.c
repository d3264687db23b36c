/* fuzz_p2p_message.c: one chapter 8 frame through message_decode_frame
 * (chapters/08-peer-to-peer/message.c): the header (magic, command, length, checksum) and the
 * payload decoder its command names, for each of the twelve commands. A frame that decodes is
 * encoded again by its command's encoder and must give back the input's bytes: one spelling of a
 * command, no padding, no second encoding of a payload. */
#include "bc_error.h"
#include "fuzz_p2p.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(GBytes) wire = g_bytes_new(data, size);
    g_autoptr(GError) error = NULL;
    g_autoptr(Message) message = message_decode_frame(wire, &error);
    if (message == NULL) {
        /* INVALID: a bad checksum; NOT_FOUND: an unknown command (see message.h). */
        fuzz_assert_error("message_decode_frame", error, BC_ERROR_CORRUPT, BC_ERROR_TOO_LARGE,
                          BC_ERROR_INVALID, BC_ERROR_NOT_FOUND, -1);
        return 0;
    }
    /* Any critical in an encoder (an argument it refuses) aborts too: see fuzz.c. */
    g_autoptr(GBytes) again = p2p_encode(message);
    fuzz_assert_same(message_type_name(message->type), data, size, again);
    return 0;
}

static void seed_one(const gchar *name, GBytes *frame, gpointer data)
{
    (void)data;
    fuzz_seed_bytes(name, frame);
}

void fuzz_seeds(void)
{
    p2p_seed_frames(seed_one, NULL);
}
