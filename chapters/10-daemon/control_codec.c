/* control_codec.c: requests and answers of the control socket, checked as they are decoded. */
#include "control_codec.h"

#include "address.h"
#include "bc_error.h"
#include "bc_variant.h"

static const gchar *const names[] = {
    [CONTROL_GETBALANCE] = "getbalance", [CONTROL_SEND] = "send",
    [CONTROL_PRINTCHAIN] = "printchain", [CONTROL_LISTADDRESSES] = "listaddresses",
    [CONTROL_GETMEMPOOL] = "getmempool", [CONTROL_PEERS] = "peers",
    [CONTROL_GETINFO] = "getinfo",
};

const gchar *control_command_name(ControlCommand command)
{
    g_assert((guint)command < G_N_ELEMENTS(names));
    return names[command];
}

gboolean control_command_from_name(const gchar *name, ControlCommand *command)
{
    for (guint i = 0; i < G_N_ELEMENTS(names); i++)
        if (g_str_equal(name, names[i])) {
            *command = (ControlCommand)i;
            return TRUE;
        }
    return FALSE;
}

void control_request_clear(ControlRequest *request)
{
    g_clear_pointer(&request->address, g_free);
    g_clear_pointer(&request->from, g_free);
    g_clear_pointer(&request->to, g_free);
}

static const gchar *or_empty(const gchar *s)
{
    return s != NULL ? s : "";
}

GBytes *control_request_encode(const ControlRequest *request)
{
    return bc_variant_encode(g_variant_new(
        CONTROL_REQUEST_TYPE, control_command_name(request->command), or_empty(request->address),
        or_empty(request->from), or_empty(request->to), request->amount, request->mine,
        request->unconfirmed));
}

/* A field the command takes: a valid address when ADDRESS is set. NULL with an error when it is
 * missing, too long or not an address. */
static gboolean take_field(const gchar *command, const gchar *name, const gchar *value,
                           gchar **out, GError **error)
{
    if (*value == '\0') {
        g_set_error(error, BC_ERROR, BC_ERROR_INVALID_ARGUMENT, "%s needs -%s", command, name);
        return FALSE;
    }
    if (strlen(value) > CONTROL_MAX_FIELD) {
        g_set_error(error, BC_ERROR, BC_ERROR_INVALID_ARGUMENT,
                    "-%s is over %d characters", name, CONTROL_MAX_FIELD);
        return FALSE;
    }
    if (!address_validate(value, error))
        return FALSE;
    *out = g_strdup(value);
    return TRUE;
}

/* A field the command does not take must be left out (empty), so that no two requests mean the
 * same. */
static gboolean left_out(const gchar *command, const gchar *name, gboolean given, GError **error)
{
    if (given) {
        g_set_error(error, BC_ERROR, BC_ERROR_INVALID_ARGUMENT, "%s takes no -%s", command, name);
        return FALSE;
    }
    return TRUE;
}

/* @excerpt control-decode */
gboolean control_request_decode(GBytes *bytes, ControlRequest *request, GError **error)
{
    *request = (ControlRequest){0};
    g_autoptr(GVariant) v =
        bc_variant_decode(bytes, G_VARIANT_TYPE(CONTROL_REQUEST_TYPE), CONTROL_MAX_REQUEST,
                          "a control request", error);
    if (v == NULL)
        return FALSE;
    const gchar *command = NULL, *address = NULL, *from = NULL, *to = NULL;
    gint64 amount = 0;
    gboolean mine = FALSE, unconfirmed = FALSE;
    g_variant_get(v, "(&s&s&s&sxbb)", &command, &address, &from, &to, &amount, &mine,
                  &unconfirmed);
    if (!g_utf8_validate(command, -1, NULL) || strlen(command) > CONTROL_MAX_FIELD ||
        !control_command_from_name(command, &request->command)) {
        g_set_error_literal(error, BC_ERROR, BC_ERROR_INVALID_ARGUMENT,
                            "unknown command in a control request");
        return FALSE;
    }
    gboolean ok = TRUE;
    switch (request->command) {
    case CONTROL_GETBALANCE:
        ok = take_field(command, "address", address, &request->address, error) &&
             left_out(command, "from", *from != '\0', error) &&
             left_out(command, "to", *to != '\0', error) &&
             left_out(command, "amount", amount != 0, error) &&
             left_out(command, "mine", mine, error);
        request->unconfirmed = unconfirmed;
        break;
    case CONTROL_SEND:
        ok = left_out(command, "address", *address != '\0', error) &&
             take_field(command, "from", from, &request->from, error) &&
             take_field(command, "to", to, &request->to, error) &&
             left_out(command, "unconfirmed", unconfirmed, error);
        if (ok && (amount < 1 || amount > CONTROL_MAX_AMOUNT)) {
            g_set_error(error, BC_ERROR, BC_ERROR_INVALID_ARGUMENT,
                        "-amount must be from 1 to %d, not %" G_GINT64_FORMAT, CONTROL_MAX_AMOUNT,
                        amount);
            ok = FALSE;
        }
        request->amount = amount;
        request->mine = mine;
        break;
    default:
        ok = left_out(command, "address", *address != '\0', error) &&
             left_out(command, "from", *from != '\0', error) &&
             left_out(command, "to", *to != '\0', error) &&
             left_out(command, "amount", amount != 0, error) &&
             left_out(command, "mine", mine, error) &&
             left_out(command, "unconfirmed", unconfirmed, error);
        break;
    }
    if (!ok)
        control_request_clear(request);
    return ok;
}
/* @end control-decode */

void control_answer_clear(ControlAnswer *answer)
{
    g_clear_pointer(&answer->out, g_free);
    g_clear_pointer(&answer->error, g_free);
}

GBytes *control_answer_encode(const ControlAnswer *answer)
{
    return bc_variant_encode(g_variant_new(CONTROL_ANSWER_TYPE, answer->status,
                                           or_empty(answer->out), or_empty(answer->error)));
}

gboolean control_answer_decode(GBytes *bytes, ControlAnswer *answer, GError **error)
{
    *answer = (ControlAnswer){0};
    g_autoptr(GVariant) v = bc_variant_decode(bytes, G_VARIANT_TYPE(CONTROL_ANSWER_TYPE),
                                              CONTROL_MAX_ANSWER, "the node's answer", error);
    if (v == NULL)
        return FALSE;
    g_variant_get(v, "(iss)", &answer->status, &answer->out, &answer->error);
    return TRUE;
}
