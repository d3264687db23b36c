/* test_args.c: both option styles, and every way a command line can be wrong. */
#include "bc_args.h"
#include "bc_error.h"
#include "bc_test.h"

#include <glib/gstdio.h>

typedef struct {
    const gchar *from;
    gint64 amount;
    gboolean mine;
} SendArgs;

static gboolean parse(SendArgs *a, GError **error, gboolean *help, ...)
{
    const BcOption options[] = {
        {"from", BC_OPT_STRING, &a->from, "ADDRESS", "sender", TRUE, 0, 0},
        {"amount", BC_OPT_INT, &a->amount, "N", "coins", FALSE, 1, 1000},
        {"mine", BC_OPT_FLAG, &a->mine, NULL, "mine at once", FALSE, 0, 0},
        {0},
    };
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_ptr_array_add(argv, "send");
    va_list ap;
    va_start(ap, help);
    const gchar *s;
    while ((s = va_arg(ap, const gchar *)) != NULL)
        g_ptr_array_add(argv, (gpointer)s);
    va_end(ap);
    *a = (SendArgs){0};
    return bc_args_parse((int)argv->len, (char **)argv->pdata, options, help, error);
}

/* A list option may be given any number of times; each value is appended in order. */
static void test_list_option(void)
{
    g_autoptr(GPtrArray) connect = g_ptr_array_new();
    const BcOption options[] = {
        {"connect", BC_OPT_LIST, connect, "HOST:PORT", "a peer", FALSE, 0, 0},
        {0},
    };
    char *argv[] = {"startnode", "-connect", "a:1", "--connect=b:2", "-connect", "c:3", NULL};
    gboolean help = FALSE;
    g_autoptr(GError) error = NULL;
    CU_ASSERT_TRUE(bc_args_parse(6, argv, options, &help, &error));
    CU_ASSERT_PTR_NULL(error);
    CU_ASSERT_EQUAL_FATAL(connect->len, 3);
    CU_ASSERT_STRING_EQUAL(g_ptr_array_index(connect, 0), "a:1");
    CU_ASSERT_STRING_EQUAL(g_ptr_array_index(connect, 1), "b:2");
    CU_ASSERT_STRING_EQUAL(g_ptr_array_index(connect, 2), "c:3");
    char *missing[] = {"startnode", "-connect", NULL};
    CU_ASSERT_FALSE(bc_args_parse(2, missing, options, &help, NULL));
}

static void test_both_styles(void)
{
    SendArgs a;
    gboolean help;
    CU_ASSERT_TRUE(parse(&a, NULL, &help, "-from", "A", "-amount", "5", "-mine", NULL));
    CU_ASSERT_STRING_EQUAL(a.from, "A");
    CU_ASSERT_EQUAL(a.amount, 5);
    CU_ASSERT_TRUE(a.mine);
    CU_ASSERT_TRUE(parse(&a, NULL, &help, "--from=B", "--amount", "7", NULL));
    CU_ASSERT_STRING_EQUAL(a.from, "B");
    CU_ASSERT_EQUAL(a.amount, 7);
    CU_ASSERT_FALSE(a.mine);
    CU_ASSERT_TRUE(parse(&a, NULL, &help, "--help", NULL));
    CU_ASSERT_TRUE(help);
}

/* A macro, not a function: the parse must run before ERROR is read. */
#define expect_error(call, error)                                                                  \
    do {                                                                                           \
        gboolean ok_ = (call);                                                                     \
        CU_ASSERT_FALSE(ok_);                                                                      \
        CU_ASSERT_TRUE(g_error_matches((error), BC_ERROR, BC_ERROR_INVALID_ARGUMENT));             \
    } while (0)

static void test_errors(void)
{
    SendArgs a;
    gboolean help;
    GError *error = NULL;
    expect_error(parse(&a, &error, &help, "-from", "A", "-bogus", NULL), error);
    g_clear_error(&error);
    expect_error(parse(&a, &error, &help, "-from", NULL), error);
    g_clear_error(&error);
    expect_error(parse(&a, &error, &help, "-amount", "3", NULL), error); /* -from missing */
    g_clear_error(&error);
    expect_error(parse(&a, &error, &help, "-from", "A", "-amount", "0", NULL), error);
    g_clear_error(&error);
    expect_error(parse(&a, &error, &help, "-from", "A", "-amount", "12x", NULL), error);
    g_clear_error(&error);
    expect_error(parse(&a, &error, &help, "-from", "A", "-from", "B", NULL), error);
    g_clear_error(&error);
    expect_error(parse(&a, &error, &help, "-from", "A", "stray", NULL), error);
    g_clear_error(&error);
    expect_error(parse(&a, &error, &help, "-from", "A", "-mine=yes", NULL), error);
    g_clear_error(&error);
}

/* An option that takes a value but names none is shown as VALUE (it was a NULL dereference). */
static void test_help_without_arg_name(void)
{
    const gchar *value = NULL;
    const BcOption options[] = {
        {"to", BC_OPT_STRING, &value, NULL, "receiver", TRUE, 0, 0},
        {0},
    };
    g_autofree gchar *path = g_build_filename(g_get_tmp_dir(), "bc-help-XXXXXX", NULL);
    gint fd = g_mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    FILE *out = fdopen(fd, "w+");
    bc_args_print_help(out, "blockchain", "send", "Sends coins.", options);
    fclose(out);
    g_autofree gchar *text = NULL;
    CU_ASSERT_TRUE(g_file_get_contents(path, &text, NULL, NULL));
    g_unlink(path);
    BC_ASSERT_CONTAINS(text, "usage: blockchain send -to VALUE");
    BC_ASSERT_CONTAINS(text, "-to VALUE");
}

void test_args_register(void)
{
    static const BcTest tests[] = {
        {"both option styles", test_both_styles},
        {"bad command lines", test_errors},
        {"help for an option without an argument name", test_help_without_arg_name},
        {"a list option is repeatable", test_list_option},
        {NULL, NULL},
    };
    bc_test_add_suite("common/args", NULL, NULL, tests);
}
