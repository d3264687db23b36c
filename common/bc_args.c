/* bc_args.c: option parsing shared by every CLI, strict so that a typo is never ignored. */
#include "bc_args.h"

#include <string.h>

#include "bc_error.h"

static gboolean is_help(const gchar *arg)
{
    return g_str_equal(arg, "-h") || g_str_equal(arg, "-help") || g_str_equal(arg, "--help");
}

/* Set by bc_args_dispatch, so error messages can show the whole command to type. */
static const gchar *program_name(void)
{
    return g_get_prgname() != NULL ? g_get_prgname() : "blockchain";
}

static const BcOption *find_option(const BcOption *options, const gchar *name, gsize len)
{
    for (const BcOption *o = options; o->name != NULL; o++)
        if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
            return o;
    return NULL;
}

static gboolean set_value(const BcOption *o, const gchar *text, GError **error)
{
    switch (o->type) {
    case BC_OPT_STRING:
        *(const gchar **)o->value = text;
        return TRUE;
    case BC_OPT_INT: {
        gint64 n = 0;
        g_autoptr(GError) local = NULL;
        if (!g_ascii_string_to_signed(text, 10, o->min, o->max, &n, &local)) {
            g_set_error(error, BC_ERROR, BC_ERROR_INVALID_ARGUMENT,
                        "-%s needs a whole number from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT
                        ", not '%s'",
                        o->name, o->min, o->max, text);
            return FALSE;
        }
        *(gint64 *)o->value = n;
        return TRUE;
    }
    case BC_OPT_FLAG:
        *(gboolean *)o->value = TRUE;
        return TRUE;
    case BC_OPT_LIST:
        g_ptr_array_add(o->value, (gpointer)text);
        return TRUE;
    }
    g_assert_not_reached();
}

gboolean bc_args_parse(int argc, char **argv, const BcOption *options, gboolean *help,
                       GError **error)
{
    gsize n_options = 0;
    while (options[n_options].name != NULL)
        n_options++;
    g_autofree gboolean *seen = g_new0(gboolean, n_options + 1);
    *help = FALSE;

    for (int i = 1; i < argc; i++) {
        const gchar *arg = argv[i];
        if (is_help(arg)) {
            *help = TRUE;
            return TRUE;
        }
        if (arg[0] != '-' || arg[1] == '\0') {
            g_set_error(error, BC_ERROR, BC_ERROR_INVALID_ARGUMENT, "unexpected argument '%s'",
                        arg);
            return FALSE;
        }
        const gchar *name = arg + (arg[1] == '-' ? 2 : 1);
        const gchar *eq = strchr(name, '=');
        gsize name_len = eq != NULL ? (gsize)(eq - name) : strlen(name);
        const BcOption *o = find_option(options, name, name_len);
        if (o == NULL) {
            g_set_error(error, BC_ERROR, BC_ERROR_INVALID_ARGUMENT,
                        "unknown option '%s' for '%s' (see '%s %s --help')", arg, argv[0],
                        program_name(), argv[0]);
            return FALSE;
        }
        if (seen[o - options] && o->type != BC_OPT_LIST) {
            g_set_error(error, BC_ERROR, BC_ERROR_INVALID_ARGUMENT, "-%s is given twice", o->name);
            return FALSE;
        }
        seen[o - options] = TRUE;
        const gchar *value = NULL;
        if (o->type == BC_OPT_FLAG) {
            if (eq != NULL) {
                g_set_error(error, BC_ERROR, BC_ERROR_INVALID_ARGUMENT, "-%s takes no value",
                            o->name);
                return FALSE;
            }
        } else if (eq != NULL) {
            value = eq + 1;
        } else if (i + 1 < argc) {
            value = argv[++i];
        } else {
            g_set_error(error, BC_ERROR, BC_ERROR_INVALID_ARGUMENT, "-%s needs a value (%s)",
                        o->name, o->arg_name != NULL ? o->arg_name : "VALUE");
            return FALSE;
        }
        if (!set_value(o, value, error))
            return FALSE;
    }
    for (gsize k = 0; k < n_options; k++) {
        if (options[k].required && !seen[k]) {
            g_set_error(error, BC_ERROR, BC_ERROR_INVALID_ARGUMENT,
                        "'%s' needs -%s %s (see '%s %s --help')", argv[0], options[k].name,
                        options[k].arg_name != NULL ? options[k].arg_name : "", program_name(),
                        argv[0]);
            return FALSE;
        }
    }
    return TRUE;
}

/* What help shows after "-name": nothing for a flag, else its arg_name ("VALUE" without one). */
static const gchar *help_arg(const BcOption *o)
{
    if (o->type == BC_OPT_FLAG)
        return "";
    return o->arg_name != NULL ? o->arg_name : "VALUE";
}

void bc_args_print_help(FILE *out, const gchar *program, const gchar *command, const gchar *summary,
                        const BcOption *options)
{
    fprintf(out, "usage: %s %s", program, command);
    for (const BcOption *o = options; o->name != NULL; o++) {
        const gchar *arg = help_arg(o);
        fprintf(out, o->required ? " -%s%s%s" : " [-%s%s%s]", o->name, *arg ? " " : "", arg);
    }
    fprintf(out, "\n\n%s\n", summary);
    if (options[0].name != NULL)
        fprintf(out, "\noptions (-name and --name both work):\n");
    for (const BcOption *o = options; o->name != NULL; o++) {
        g_autofree gchar *left =
            g_strdup_printf("-%s %s", o->name, help_arg(o));
        fprintf(out, "  %-22s %s\n", left, o->help);
    }
    fprintf(out, "  %-22s %s\n", "-h, --help", "show this help");
}

int bc_args_handle(int argc, char **argv, const BcOption *options, const gchar *summary)
{
    gboolean help = FALSE;
    g_autoptr(GError) error = NULL;
    if (!bc_args_parse(argc, argv, options, &help, &error)) {
        bc_print_error(error);
        return 2;
    }
    if (help) {
        bc_args_print_help(stdout, program_name(), argv[0], summary, options);
        return 0;
    }
    return BC_ARGS_RUN;
}

static void print_commands(FILE *out, const gchar *program, const BcCommand *commands)
{
    fprintf(out, "usage: %s COMMAND [OPTIONS]\n\ncommands:\n", program);
    for (const BcCommand *c = commands; c->name != NULL; c++) {
        g_autofree gchar *left = g_strdup_printf("%s %s", c->name, c->usage);
        fprintf(out, "  %-40s %s\n", left, c->summary);
    }
    fprintf(out, "\n'%s COMMAND --help' tells more about one command.\n", program);
}

int bc_args_dispatch(const gchar *program, int argc, char **argv, const BcCommand *commands)
{
    g_set_prgname(program);
    if (argc < 2) {
        print_commands(stderr, program, commands);
        return 2;
    }
    if (is_help(argv[1])) {
        print_commands(stdout, program, commands);
        return 0;
    }
    for (const BcCommand *c = commands; c->name != NULL; c++)
        if (g_str_equal(c->name, argv[1]))
            return c->run(argc - 1, argv + 1);
    fprintf(stderr, "error: unknown command '%s' (see '%s --help')\n", argv[1], program);
    return 2;
}
