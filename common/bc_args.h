/* bc_args.h: the command line of every chapter with a CLI (first used in chapter 3).
 * The article's single-dash options work verbatim (-from A), and so do GNU ones (--from A,
 * --from=A). Each command has --help, generated from its option table. */
#pragma once
#include <glib.h>
#include <stdio.h>

typedef enum {
    BC_OPT_STRING, /* value: const gchar ** (points into argv) */
    BC_OPT_INT,    /* value: gint64 *, a whole number in [min, max] */
    BC_OPT_FLAG,   /* value: gboolean *, takes no argument */
    BC_OPT_LIST,   /* value: GPtrArray * the caller made; each use appends (points into argv);
                    * the one option that may be given more than once (chapter 8: -connect) */
} BcOptType;

typedef struct {
    const gchar *name; /* "from" */
    BcOptType type;
    gpointer value;
    const gchar *arg_name; /* "ADDRESS", shown in help */
    const gchar *help;
    gboolean required;
    gint64 min, max; /* BC_OPT_INT only */
} BcOption;

/* Parses ARGV (argv[0] is the command name) against OPTIONS, terminated by {0}.
 * Sets *HELP and returns TRUE when -h/--help is given; otherwise every option is checked:
 * unknown names, missing values, repeated options, stray arguments, numbers out of range and
 * missing required options fail with BC_ERROR_INVALID_ARGUMENT. */
gboolean bc_args_parse(int argc, char **argv, const BcOption *options, gboolean *help,
                       GError **error);

/* "usage: PROGRAM COMMAND OPTIONS" and one line per option. */
void bc_args_print_help(FILE *out, const gchar *program, const gchar *command, const gchar *summary,
                        const BcOption *options);

/* What every command does first: parse ARGV against OPTIONS, print the help (with SUMMARY) or
 * the usage error. Returns BC_ARGS_RUN when the command should go on, else its exit code:
 * 0 after --help, 2 after a usage error. */
#define BC_ARGS_RUN (-1)
int bc_args_handle(int argc, char **argv, const BcOption *options, const gchar *summary);

typedef int (*BcCommandFunc)(int argc, char **argv);
typedef struct {
    const gchar *name;
    const gchar *usage; /* "-address ADDRESS" */
    const gchar *summary;
    BcCommandFunc run; /* gets argv from the command name on; returns the exit code */
} BcCommand;

/* Runs the command named by argv[1] from COMMANDS, terminated by {0}. With no command,
 * -h or --help prints the list; an unknown command is an error. Returns the exit code. */
int bc_args_dispatch(const gchar *program, int argc, char **argv, const BcCommand *commands);
