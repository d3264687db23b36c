/* control_codec.h: the control socket's requests and answers (chapter 10), as bytes. A request
 * is one command of the CLI with its options already parsed; an answer is what the command would
 * have printed and its exit status. Both are GVariants in normal form, each sent after a 4-byte
 * little-endian length (control.h frames them). */
#pragma once
#include <glib.h>

/* The largest request the node reads: far above any command line (addresses are 34 characters),
 * small enough that 16 clients cost the node 1 MiB at most. */
#define CONTROL_MAX_REQUEST (64 * 1024)
/* The largest answer a client accepts: printchain of a long chain (about 1 KiB per block). */
#define CONTROL_MAX_ANSWER (256 * 1024 * 1024)
/* The largest amount one send may move; far above any balance, and far from overflow. */
#define CONTROL_MAX_AMOUNT 1000000000
/* No option value is longer (an address is 34 characters). */
#define CONTROL_MAX_FIELD 256

typedef enum {
    CONTROL_GETBALANCE,
    CONTROL_SEND,
    CONTROL_PRINTCHAIN,
    CONTROL_LISTADDRESSES,
    CONTROL_GETMEMPOOL,
    CONTROL_PEERS,
    CONTROL_GETINFO,
} ControlCommand;

/* @excerpt control-request */
/* (command, address, from, to, amount, mine, unconfirmed): the fields a command does not take
 * are empty, 0 or false, so one request has one encoding. */
#define CONTROL_REQUEST_TYPE "(ssssxbb)"
typedef struct {
    ControlCommand command;
    gchar *address;        /* getbalance */
    gchar *from, *to;      /* send */
    gint64 amount;         /* send: 1 to CONTROL_MAX_AMOUNT */
    gboolean mine;         /* send */
    gboolean unconfirmed;  /* getbalance */
} ControlRequest;
/* @end control-request */

/* The answer: exit status, what goes to stdout, and the error message ("" when none) that the
 * client prints as "error: MESSAGE" on stderr. */
#define CONTROL_ANSWER_TYPE "(iss)"
typedef struct {
    gint status;
    gchar *out;
    gchar *error;
} ControlAnswer;

/* The command's name on the command line ("getbalance"), and back (FALSE when unknown). */
const gchar *control_command_name(ControlCommand command);
gboolean control_command_from_name(const gchar *name, ControlCommand *command);

void control_request_clear(ControlRequest *request);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(ControlRequest, control_request_clear)
GBytes *control_request_encode(const ControlRequest *request);
/* The request in BYTES, or FALSE with BC_ERROR_TOO_LARGE (over CONTROL_MAX_REQUEST),
 * BC_ERROR_CORRUPT (not a request's GVariant in normal form) or BC_ERROR_INVALID_ARGUMENT (an
 * unknown command, a field the command does not take, a missing or invalid address or amount).
 * tests/fuzz/fuzz_control.c holds it to that. */
gboolean control_request_decode(GBytes *bytes, ControlRequest *request, GError **error);

void control_answer_clear(ControlAnswer *answer);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(ControlAnswer, control_answer_clear)
GBytes *control_answer_encode(const ControlAnswer *answer);
gboolean control_answer_decode(GBytes *bytes, ControlAnswer *answer, GError **error);
