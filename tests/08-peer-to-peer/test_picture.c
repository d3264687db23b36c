/* test_picture.c: the picture of the five-node run in the chapter text, docs/img/08-five-nodes.svg,
 * shows every message its nodes logged (the logs it was drawn from sit beside its recipe,
 * docs/img/src/08-five-nodes.*.log) and nothing else; and the check refuses a picture with an
 * arrow too few, too many, mislabelled or reversed. (test_decentralised.c draws and checks
 * the logs of the run it makes.) */
#include "picture_check.h"

#define N_LOGS 5

static gchar *src_path(const gchar *name)
{
    return g_build_filename(bc_test_source_dir, "docs", "img", "src", name, NULL);
}

/* The five logs, NULL-terminated, as texts. */
static GPtrArray *saved_logs(void)
{
    GPtrArray *texts = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < N_LOGS; i++) {
        g_autofree gchar *name = g_strdup_printf("08-five-nodes.%u.log", i);
        g_autofree gchar *path = src_path(name);
        gchar *text = bc_test_read_file(path, NULL);
        g_assert(text != NULL);
        g_ptr_array_add(texts, text);
    }
    g_ptr_array_add(texts, NULL);
    return texts;
}

static gchar *saved_picture(void)
{
    g_autofree gchar *path =
        g_build_filename(bc_test_source_dir, "docs", "img", "08-five-nodes.svg", NULL);
    gchar *svg = bc_test_read_file(path, NULL);
    g_assert(svg != NULL);
    return svg;
}

static void test_saved_picture(void)
{
    g_autoptr(GPtrArray) logs = saved_logs();
    g_autofree gchar *svg = saved_picture();
    g_autofree gchar *problems = picture_compare(svg, (const gchar *const *)logs->pdata);
    if (problems != NULL)
        g_printerr("\n  docs/img/08-five-nodes.svg does not show its logs' messages:\n%s", problems);
    CU_ASSERT_PTR_NULL(problems);
    /* The run's story is there: the payment, the block mined with it, the stopped node. */
    BC_ASSERT_CONTAINS(svg, "at height 3, 3 transactions</text>");
    BC_ASSERT_CONTAINS(svg, ">addr: 4 addresses</text>");
    BC_ASSERT_CONTAINS(svg, ">stopped<");
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
    g_autoptr(GPtrArray) logs = saved_logs();
    const gchar *const *t = (const gchar *const *)logs->pdata;
    g_autofree gchar *svg = saved_picture();
    const gchar *block = "<g class=\"message\"";
    g_autofree gchar *missing = edit_arrow(svg, block, FALSE);
    g_autofree gchar *extra = edit_arrow(svg, block, TRUE);
    g_autoptr(GString) relabelled = g_string_new(svg);
    CU_ASSERT_TRUE_FATAL(g_string_replace(relabelled, "at height 3, 3 transactions<",
                                          "at height 3, 4 transactions<", 1) == 1);
    /* Every arrow turned round. */
    g_autoptr(GRegex) first =
        g_regex_new("data-from=\"([0-9]+)\" data-to=\"([0-9]+)\"", 0, 0, NULL);
    g_autofree gchar *reversed = g_regex_replace(first, svg, -1, 0,
                                                 "data-from=\"\\2\" data-to=\"\\1\"",
                                                 G_REGEX_MATCH_NOTEMPTY, NULL);
    const gchar *broken[] = {missing, extra, relabelled->str, reversed, "<svg></svg>"};
    for (guint i = 0; i < G_N_ELEMENTS(broken); i++) {
        CU_ASSERT_STRING_NOT_EQUAL(broken[i], svg);
        g_autofree gchar *problems = picture_compare(broken[i], t);
        if (problems == NULL)
            g_printerr("\n  broken picture %u accepted\n", i);
        CU_ASSERT_PTR_NOT_NULL(problems);
    }
}

/* The peer graph (docs/img/src/08-peer-graph.dot, drawn from the same logs) has a dashed edge
 * for each address a node learnt, as its log says, and a solid one for each it was told of. */
static void test_peer_graph(void)
{
    g_autoptr(GPtrArray) logs = saved_logs();
    g_autoptr(GHashTable) learned = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autoptr(GRegex) learn_re =
        g_regex_new("^\\[([0-9]+)\\] learned address [^ ]*:([0-9]+) from peer", G_REGEX_MULTILINE,
                    0, NULL);
    for (guint i = 0; i < N_LOGS; i++) {
        g_autoptr(GMatchInfo) m = NULL;
        for (g_regex_match(learn_re, g_ptr_array_index(logs, i), 0, &m);
             g_match_info_matches(m); g_match_info_next(m, NULL)) {
            g_autofree gchar *self = g_match_info_fetch(m, 1);
            g_autofree gchar *port = g_match_info_fetch(m, 2);
            g_hash_table_add(learned, g_strdup_printf("%s -> %s", self, port));
        }
    }
    g_autofree gchar *path = src_path("08-peer-graph.dot");
    g_autofree gchar *dot = bc_test_read_file(path, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(dot);
    g_autoptr(GRegex) edge_re = g_regex_new(
        "^    \"([0-9]+)\" -> \"([0-9]+)\" \\[style=(dashed|bold)", G_REGEX_MULTILINE, 0, NULL);
    g_autoptr(GMatchInfo) m = NULL;
    guint dashed = 0, bold = 0;
    for (g_regex_match(edge_re, dot, 0, &m); g_match_info_matches(m); g_match_info_next(m, NULL)) {
        g_autofree gchar *from = g_match_info_fetch(m, 1);
        g_autofree gchar *to = g_match_info_fetch(m, 2);
        g_autofree gchar *style = g_match_info_fetch(m, 3);
        g_autofree gchar *key = g_strdup_printf("%s -> %s", from, to);
        if (g_str_equal(style, "dashed")) {
            dashed++;
            if (!g_hash_table_contains(learned, key))
                g_printerr("\n  dashed edge %s: no such line in the logs", key);
            CU_ASSERT_TRUE(g_hash_table_contains(learned, key));
        } else {
            bold++;
        }
    }
    /* A line of five: four told of; each node learnt every other but the one it was told of. */
    CU_ASSERT_EQUAL(bold, N_LOGS - 1);
    CU_ASSERT_EQUAL(dashed, N_LOGS * (N_LOGS - 1) - (N_LOGS - 1));
    CU_ASSERT_EQUAL(dashed, g_hash_table_size(learned)); /* every address learnt is drawn */
}

void test_picture_register(void)
{
    static const BcTest tests[] = {
        {"the five-node picture shows every message of its logs", test_saved_picture},
        {"the picture check refuses an arrow missing, extra, mislabelled or reversed",
         test_check_refuses},
        {"the peer graph shows whom each node was told of and learnt of", test_peer_graph},
        {NULL, NULL},
    };
    bc_test_add_suite("08/picture", NULL, NULL, tests);
}
