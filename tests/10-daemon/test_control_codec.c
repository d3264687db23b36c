/* test_control_codec.c: control requests (control_codec.c) decode only when well formed, in their
 * one encoding, and a refusal names its reason in BC_ERROR. */
#include <CUnit/CUnit.h>
#include <string.h>

#include "bc_error.h"
#include "bc_test.h"
#include "bc_variant.h"
#include "control_codec.h"
#include "wallet.h"

static gchar *a, *b;

static void setup(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(Wallet) one = wallet_new(&error);
    g_autoptr(Wallet) two = wallet_new(&error);
    g_assert_no_error(error);
    a = wallet_get_address(one);
    b = wallet_get_address(two);
}

static void teardown(void)
{
    g_clear_pointer(&a, g_free);
    g_clear_pointer(&b, g_free);
}

static void test_round_trip(void)
{
    const ControlRequest requests[] = {
        {.command = CONTROL_GETBALANCE, .address = a, .unconfirmed = TRUE},
        {.command = CONTROL_SEND, .from = a, .to = b, .amount = 5, .mine = TRUE},
        {.command = CONTROL_PRINTCHAIN},
        {.command = CONTROL_LISTADDRESSES},
        {.command = CONTROL_GETMEMPOOL},
        {.command = CONTROL_PEERS},
        {.command = CONTROL_GETINFO},
    };
    for (guint i = 0; i < G_N_ELEMENTS(requests); i++) {
        g_autoptr(GBytes) raw = control_request_encode(&requests[i]);
        g_auto(ControlRequest) back = {0};
        g_autoptr(GError) error = NULL;
        CU_ASSERT_TRUE_FATAL(control_request_decode(raw, &back, &error));
        CU_ASSERT_EQUAL(back.command, requests[i].command);
        CU_ASSERT_STRING_EQUAL(control_command_name(back.command),
                               control_command_name(requests[i].command));
        g_autoptr(GBytes) again = control_request_encode(&back);
        CU_ASSERT_TRUE(g_bytes_equal(raw, again));
    }
}

static void expect_refused(GBytes *raw, gint code, const gchar *message)
{
    g_auto(ControlRequest) request = {0};
    g_autoptr(GError) error = NULL;
    CU_ASSERT_FALSE(control_request_decode(raw, &request, &error));
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, code));
    if (error != NULL && strstr(error->message, message) == NULL)
        g_printerr("\n  expected \"%s\" in \"%s\"", message, error->message);
    CU_ASSERT_TRUE(error != NULL && strstr(error->message, message) != NULL);
    CU_ASSERT_PTR_NULL(request.address);
}

static GBytes *raw_request(const gchar *command, const gchar *address, const gchar *from,
                           const gchar *to, gint64 amount, gboolean mine, gboolean unconfirmed)
{
    return bc_variant_encode(g_variant_new(CONTROL_REQUEST_TYPE, command, address, from, to,
                                           amount, mine, unconfirmed));
}

static void test_refused(void)
{
    g_autoptr(GBytes) unknown = raw_request("rm", "", "", "", 0, FALSE, FALSE);
    expect_refused(unknown, BC_ERROR_INVALID_ARGUMENT, "unknown command");
    g_autoptr(GBytes) extra = raw_request("getinfo", a, "", "", 0, FALSE, FALSE);
    expect_refused(extra, BC_ERROR_INVALID_ARGUMENT, "getinfo takes no -address");
    g_autoptr(GBytes) flag = raw_request("peers", "", "", "", 0, FALSE, TRUE);
    expect_refused(flag, BC_ERROR_INVALID_ARGUMENT, "peers takes no -unconfirmed");
    g_autoptr(GBytes) missing = raw_request("getbalance", "", "", "", 0, FALSE, FALSE);
    expect_refused(missing, BC_ERROR_INVALID_ARGUMENT, "getbalance needs -address");
    g_autoptr(GBytes) bad = raw_request("getbalance", "1notanaddress", "", "", 0, FALSE, FALSE);
    expect_refused(bad, BC_ERROR_INVALID_ARGUMENT, "invalid address");
    g_autoptr(GBytes) zero = raw_request("send", "", a, b, 0, FALSE, FALSE);
    expect_refused(zero, BC_ERROR_INVALID_ARGUMENT, "-amount must be from 1");
    g_autoptr(GBytes) huge = raw_request("send", "", a, b, CONTROL_MAX_AMOUNT + 1, FALSE, FALSE);
    expect_refused(huge, BC_ERROR_INVALID_ARGUMENT, "-amount must be from 1");
    /* Not a request's GVariant, and one over the size limit. */
    g_autoptr(GBytes) junk = g_bytes_new_static("\x01\x02\x03", 3);
    expect_refused(junk, BC_ERROR_CORRUPT, "control request");
    g_autofree gchar *long_text = g_strnfill(CONTROL_MAX_REQUEST, 'x');
    g_autoptr(GBytes) over = raw_request("getbalance", long_text, "", "", 0, FALSE, FALSE);
    expect_refused(over, BC_ERROR_TOO_LARGE, "over the limit");
}

void test_control_codec_register(void)
{
    static const BcTest tests[] = {
        {"every command encodes and decodes to the same bytes", test_round_trip},
        {"bad requests are refused with a reason", test_refused},
        {NULL, NULL},
    };
    bc_test_add_suite("10/control: requests", setup, teardown, tests);
}
