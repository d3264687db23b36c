/* fuzz_control.c: control_request_decode (chapters/10-daemon/control_codec.c), the bytes a
 * control client sends the node (after the 4-byte length, which control.c checks against
 * CONTROL_MAX_REQUEST before reading). A request that decodes encodes back to the same bytes:
 * the fields a command does not take are refused unless empty, so one request has one encoding. */
#include <string.h>

#include "bc_error.h"
#include "bc_variant.h"
#include "control_codec.h"
#include "fuzz.h"
#include "fuzz_chain.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(GBytes) raw = g_bytes_new(data, size);
    g_autoptr(GError) error = NULL;
    g_auto(ControlRequest) request = {0};
    if (!control_request_decode(raw, &request, &error)) {
        fuzz_assert_error("control_request_decode", error, BC_ERROR_CORRUPT, BC_ERROR_TOO_LARGE,
                          BC_ERROR_INVALID_ARGUMENT, -1);
        return 0;
    }
    FUZZ_ASSERT(request.command != CONTROL_SEND ||
                (request.amount >= 1 && request.amount <= CONTROL_MAX_AMOUNT));
    g_autoptr(GBytes) again = control_request_encode(&request);
    fuzz_assert_same("control request", data, size, again);
    return 0;
}

static void seed_request(const gchar *name, const ControlRequest *request)
{
    g_autoptr(GBytes) raw = control_request_encode(request);
    fuzz_seed_bytes(name, raw);
}

void fuzz_seeds(void)
{
    g_autoptr(Wallet) one = seed_wallet(1);
    g_autoptr(Wallet) two = seed_wallet(2);
    g_autofree gchar *a = wallet_get_address(one);
    g_autofree gchar *b = wallet_get_address(two);
    seed_request("getbalance", &(ControlRequest){.command = CONTROL_GETBALANCE, .address = a});
    seed_request("getbalance-unconfirmed",
                 &(ControlRequest){.command = CONTROL_GETBALANCE, .address = a, .unconfirmed = TRUE});
    seed_request("send", &(ControlRequest){.command = CONTROL_SEND, .from = a, .to = b,
                                           .amount = 7});
    seed_request("send-mine", &(ControlRequest){.command = CONTROL_SEND, .from = b, .to = a,
                                                .amount = CONTROL_MAX_AMOUNT, .mine = TRUE});
    seed_request("printchain", &(ControlRequest){.command = CONTROL_PRINTCHAIN});
    seed_request("listaddresses", &(ControlRequest){.command = CONTROL_LISTADDRESSES});
    seed_request("getmempool", &(ControlRequest){.command = CONTROL_GETMEMPOOL});
    seed_request("peers", &(ControlRequest){.command = CONTROL_PEERS});
    seed_request("getinfo", &(ControlRequest){.command = CONTROL_GETINFO});
    /* Refused ones, close to the valid: a field getinfo does not take, an amount of 0. */
    g_autoptr(GBytes) extra = bc_variant_encode(
        g_variant_new(CONTROL_REQUEST_TYPE, "getinfo", a, "", "", (gint64)0, FALSE, FALSE));
    fuzz_seed_bytes("getinfo-with-address", extra);
    g_autoptr(GBytes) zero = bc_variant_encode(
        g_variant_new(CONTROL_REQUEST_TYPE, "send", "", a, b, (gint64)0, FALSE, FALSE));
    fuzz_seed_bytes("send-zero", zero);
}
