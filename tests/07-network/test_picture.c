/* test_picture.c: the picture 'make demo' draws from its nodes' logs (demo/picture.sh) shows
 * every message they logged and nothing else: for the saved logs of a real demo run, for logs
 * whose messages crossed, and the check itself refuses a picture with one arrow too few, too
 * many or mislabelled. (test_scenario.c checks the picture of a run it makes.) */
#include <glib/gstdio.h>

#include "picture_check.h"

static gchar *dir;

static void setup(void)
{
    dir = bc_test_tmpdir();
}

static void teardown(void)
{
    bc_test_tmpdir_remove(dir);
    g_clear_pointer(&dir, g_free);
}

static gchar *saved(const gchar *name)
{
    return g_build_filename(bc_test_source_dir, "tests", "07-network", "demo-logs", name, NULL);
}

#define DEMO_LANES "3001=wallet node;3000=central node;3002=miner"

/* The logs of 'make demo' (tests/07-network/demo-logs/, copied from a run with DEMO_KEEP=1),
 * in the order demo/run.sh gives them. */
static GPtrArray *demo_logs(void)
{
    GPtrArray *logs = g_ptr_array_new_with_free_func(g_free);
    const gchar *names[] = {"3000-central.log", "3001-wallet.log", "3002-miner.log",
                            "3001-wallet-again.log"};
    for (guint i = 0; i < G_N_ELEMENTS(names); i++)
        g_ptr_array_add(logs, saved(names[i]));
    g_ptr_array_add(logs, NULL);
    return logs;
}

static gchar *read_out(const gchar *name)
{
    g_autofree gchar *path = g_build_filename(dir, name, NULL);
    gchar *text = bc_test_read_file(path, NULL);
    CU_ASSERT_PTR_NOT_NULL(text);
    return text;
}

static void test_demo_logs(void)
{
    g_autoptr(GPtrArray) logs = demo_logs();
    g_autofree gchar *balances = saved("balances.tsv");
    picture_check(dir, DEMO_LANES, balances, (const gchar *const *)logs->pdata);

    /* The page shows the picture and the balance table, and links the logs copied beside it. */
    g_autofree gchar *html = read_out("scenario.html");
    BC_ASSERT_CONTAINS(html, "<img src=\"scenario.svg\"");
    BC_ASSERT_CONTAINS(html, "<tr><th>name</th><th>address</th><th>article</th><th>got</th></tr>");
    g_autofree gchar *table = bc_test_read_file(balances, NULL);
    g_auto(GStrv) rows = g_strsplit(table, "\n", -1);
    for (guint i = 1; rows[i] != NULL && rows[i][0] != '\0'; i++) {
        g_auto(GStrv) cells = g_strsplit(rows[i], "\t", -1);
        g_autofree gchar *row =
            g_strdup_printf("<tr><td>%s</td><td>%s</td><td class=\"n\">%s</td><td class=\"n\">%s"
                            "</td></tr>",
                            cells[0], cells[1], cells[2], cells[3]);
        BC_ASSERT_CONTAINS(html, row);
    }
    BC_ASSERT_CONTAINS(html, "<a href=\"logs/3001-wallet-again.log\">");
    g_autofree gchar *copied = read_out("logs/3002-miner.log");
    g_autofree gchar *original = bc_test_read_file(g_ptr_array_index(logs, 2), NULL);
    CU_ASSERT_STRING_EQUAL(copied, original);

    /* The lost announcement to the stopped wallet node is there, crossed out. */
    g_autofree gchar *svg = read_out("scenario.svg");
    BC_ASSERT_CONTAINS(svg, "<g class=\"lost\" data-from=\"3000\" data-to=\"3001\">");
}

/* Removes the first arrow group of SVG that starts with PREFIX, or doubles it. */
static gchar *edit_arrow(const gchar *svg, const gchar *prefix, gboolean twice)
{
    const gchar *start = strstr(svg, prefix);
    g_assert(start != NULL);
    const gchar *end = strstr(start, "</g>\n");
    g_assert(end != NULL);
    end += strlen("</g>\n");
    GString *out = g_string_new_len(svg, start - svg);
    if (twice)
        g_string_append_len(out, start, end - start);
    g_string_append(out, twice ? start : end);
    return g_string_free(out, FALSE);
}

static void test_check_refuses(void)
{
    g_autoptr(GPtrArray) logs = demo_logs();
    g_autofree gchar *balances = saved("balances.tsv");
    CU_ASSERT_TRUE_FATAL(
        picture_draw(dir, DEMO_LANES, balances, (const gchar *const *)logs->pdata));
    g_autofree gchar *svg = read_out("scenario.svg");
    g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; g_ptr_array_index(logs, i) != NULL; i++)
        g_ptr_array_add(texts, bc_test_read_file(g_ptr_array_index(logs, i), NULL));
    g_ptr_array_add(texts, NULL);
    const gchar *const *t = (const gchar *const *)texts->pdata;

    g_autofree gchar *ok = picture_compare(svg, t);
    CU_ASSERT_PTR_NULL(ok);

    const gchar *message = "<g class=\"message\"";
    g_autofree gchar *missing = edit_arrow(svg, message, FALSE);
    g_autofree gchar *extra = edit_arrow(svg, message, TRUE);
    g_autofree gchar *lost_missing = edit_arrow(svg, "<g class=\"lost\"", FALSE);
    g_autoptr(GString) relabelled = g_string_new(svg);
    g_string_replace(relabelled, "version: height 0<", "version: height 9<", 1);
    g_autoptr(GString) not_lost = g_string_new(svg);
    g_string_replace(not_lost, "<g class=\"lost\"", message, 1);
    g_autoptr(GString) reversed = g_string_new(svg);
    g_string_replace(reversed, "data-from=\"3001\" data-to=\"3000\"",
                     "data-from=\"3000\" data-to=\"3001\"", 1);
    const gchar *broken[] = {missing,       extra,         lost_missing, relabelled->str,
                             not_lost->str, reversed->str, "<svg></svg>"};
    for (guint i = 0; i < G_N_ELEMENTS(broken); i++) {
        CU_ASSERT_STRING_NOT_EQUAL(broken[i], svg);
        g_autofree gchar *problems = picture_compare(broken[i], t);
        if (problems == NULL)
            g_printerr("\n  broken picture %u accepted\n", i);
        CU_ASSERT_PTR_NOT_NULL(problems);
    }
}

static gchar *write_log(const gchar *name, const gchar *text)
{
    gchar *path = g_build_filename(dir, name, NULL);
    g_assert(g_file_set_contents(path, text, -1, NULL));
    return path;
}

/* Each message is its own connection, so two can arrive in the other order; and a message a
 * command sent was never logged as sent. Every one is an arrow all the same. */
static void test_crossed_messages(void)
{
    g_autofree gchar *a =
        write_log("a.log", "[7001] listening on localhost:7001 (height 1)\n"
                           "[7001] sent inv to localhost:7002: 1 tx hash 11111111\n"
                           "[7001] sent inv to localhost:7002: 1 tx hash 22222222\n"
                           "[7001] received tx from localhost:7003: 33333333\n"
                           "[7001] sent version to localhost:7002: height 1\n"
                           "[7001] stopping\n");
    g_autofree gchar *b =
        write_log("b.log", "[7002] listening on localhost:7002 (height 1)\n"
                           "[7002] received inv from localhost:7001: 1 tx hash 22222222\n"
                           "[7002] received inv from localhost:7001: 1 tx hash 11111111\n"
                           "[7002] stopping\n");
    g_autofree gchar *balances = write_log("balances.tsv", "name\tgot\nX\t1\n");
    g_autofree gchar *out = g_build_filename(dir, "out", NULL);
    const gchar *logs[] = {a, b, NULL};
    picture_check(out, "7001=a;7002=b", balances, logs);
    g_autofree gchar *svg = read_out("out/scenario.svg");
    BC_ASSERT_CONTAINS(svg, "<g class=\"message\" data-from=\"7003\" data-to=\"7001\">");
    BC_ASSERT_CONTAINS(svg, "<g class=\"lost\" data-from=\"7001\" data-to=\"7002\">");
}

void test_picture_register(void)
{
    static const BcTest tests[] = {
        {"the demo's picture shows every message of its logs", test_demo_logs},
        {"the picture check refuses an arrow missing, extra or wrong", test_check_refuses},
        {"crossed messages and a command's message are drawn too", test_crossed_messages},
        {NULL, NULL},
    };
    bc_test_add_suite("07/picture", setup, teardown, tests);
}
