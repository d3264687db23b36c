/* picture_check.h: draws a run of nodes from their logs with demo/picture.sh (as 'make demo'
 * does) and checks the picture against the logs: every message the logs show is an arrow, and
 * nothing else is. Chapter 8 logs its messages in chapter 7's words (message_log.c), so the
 * same check serves: test_picture.c (the saved logs of docs/img/08-five-nodes.svg) and
 * test_decentralised.c (the logs of a run the test makes). Header-only, like node_harness.h.
 *
 * Read here, independently of tools/logseq.awk: a log line "[A] sent T to host:B: W" is a
 * message from A to B labelled "T: W", a line "[B] received T from host:A: W" the same message
 * arriving. For each sender, receiver and label, the picture must have as many plain arrows as
 * there are received lines, and as many crossed-out ones as sent lines that were not received.
 * The arrows are read back from the SVG: <g class="message|lost" data-from= data-to=> <text>. */
#pragma once
#include <glib.h>
#include <string.h>

#include "bc_test.h"

extern const char *const bc_test_source_dir;

typedef struct {
    gint sent, received; /* lines in the logs */
    gint arrows, lost;   /* arrows in the picture */
} PictureCount;

static PictureCount *picture_count(GHashTable *counts, const gchar *from, const gchar *to,
                                   const gchar *label)
{
    g_autofree gchar *key = g_strdup_printf("%s -> %s: %s", from, to, label);
    PictureCount *c = g_hash_table_lookup(counts, key);
    if (c == NULL) {
        c = g_new0(PictureCount, 1);
        g_hash_table_insert(counts, g_steal_pointer(&key), c);
    }
    return c;
}

/* Adds the sent and received lines of one log to COUNTS. */
static void picture_count_log(GHashTable *counts, const gchar *log)
{
    g_autoptr(GRegex) re = g_regex_new(
        "^\\[([^] ]+)\\] (sent|received) ([a-z]+) (to|from) [^ ]*:([0-9]+): (.*)$", 0, 0, NULL);
    g_auto(GStrv) lines = g_strsplit(log, "\n", -1);
    for (guint i = 0; lines[i] != NULL; i++) {
        g_autoptr(GMatchInfo) m = NULL;
        if (!g_regex_match(re, lines[i], 0, &m))
            continue;
        g_autofree gchar *self = g_match_info_fetch(m, 1);
        g_autofree gchar *dir = g_match_info_fetch(m, 2);
        g_autofree gchar *type = g_match_info_fetch(m, 3);
        g_autofree gchar *peer = g_match_info_fetch(m, 5);
        g_autofree gchar *what = g_match_info_fetch(m, 6);
        g_autofree gchar *label = g_strdup_printf("%s: %s", type, what);
        if (g_str_equal(dir, "sent"))
            picture_count(counts, self, peer, label)->sent++;
        else
            picture_count(counts, peer, self, label)->received++;
    }
}

static gchar *picture_unescape(const gchar *s)
{
    g_autoptr(GString) out = g_string_new(s);
    g_string_replace(out, "&lt;", "<", 0);
    g_string_replace(out, "&gt;", ">", 0);
    g_string_replace(out, "&quot;", "\"", 0);
    g_string_replace(out, "&amp;", "&", 0);
    return g_string_free(g_steal_pointer(&out), FALSE);
}

/* Adds the arrows of SVG to COUNTS; returns how many there are. */
static guint picture_count_svg(GHashTable *counts, const gchar *svg)
{
    g_autoptr(GRegex) re = g_regex_new("<g class=\"(message|lost)\" data-from=\"([^\"]*)\" "
                                       "data-to=\"([^\"]*)\">.*?<text[^>]*>([^<]*)</text>",
                                       G_REGEX_DOTALL, 0, NULL);
    g_autoptr(GMatchInfo) m = NULL;
    guint n = 0;
    for (g_regex_match(re, svg, 0, &m); g_match_info_matches(m); g_match_info_next(m, NULL)) {
        g_autofree gchar *kind = g_match_info_fetch(m, 1);
        g_autofree gchar *from = g_match_info_fetch(m, 2);
        g_autofree gchar *to = g_match_info_fetch(m, 3);
        g_autofree gchar *text = g_match_info_fetch(m, 4);
        g_autofree gchar *label = picture_unescape(text);
        PictureCount *c = picture_count(counts, from, to, label);
        if (g_str_equal(kind, "message"))
            c->arrows++;
        else
            c->lost++;
        n++;
    }
    return n;
}

/* NULL when SVG shows exactly the messages of LOGS (NULL-terminated texts), else what differs. */
G_GNUC_UNUSED static gchar *picture_compare(const gchar *svg, const gchar *const *logs)
{
    g_autoptr(GHashTable) counts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    for (guint i = 0; logs[i] != NULL; i++)
        picture_count_log(counts, logs[i]);
    if (picture_count_svg(counts, svg) == 0)
        return g_strdup("the picture has no arrow");
    g_autoptr(GString) problems = g_string_new(NULL);
    GHashTableIter it;
    gpointer key, value;
    g_hash_table_iter_init(&it, counts);
    while (g_hash_table_iter_next(&it, &key, &value)) {
        const PictureCount *c = value;
        gint unanswered = MAX(0, c->sent - c->received);
        if (c->arrows != c->received || c->lost != unanswered)
            g_string_append_printf(problems,
                                   "  %s: sent %d, received %d; drawn %d, drawn lost %d\n",
                                   (const gchar *)key, c->sent, c->received, c->arrows, c->lost);
    }
    return problems->len > 0 ? g_string_free(g_steal_pointer(&problems), FALSE) : NULL;
}

/* Runs demo/picture.sh OUT LANES BALANCES LOG... (LOGS NULL-terminated paths); TRUE on exit 0. */
G_GNUC_UNUSED static gboolean picture_draw(const gchar *out, const gchar *lanes,
                                           const gchar *balances, const gchar *const *logs)
{
    g_autofree gchar *script = g_build_filename(bc_test_source_dir, "demo", "picture.sh", NULL);
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_ptr_array_add(argv, "bash");
    g_ptr_array_add(argv, script);
    g_ptr_array_add(argv, (gpointer)out);
    g_ptr_array_add(argv, (gpointer)lanes);
    g_ptr_array_add(argv, (gpointer)balances);
    for (guint i = 0; logs[i] != NULL; i++)
        g_ptr_array_add(argv, (gpointer)logs[i]);
    g_ptr_array_add(argv, NULL);
    g_autofree gchar *err = NULL;
    gint status = -1;
    g_autoptr(GError) error = NULL;
    if (!g_spawn_sync(NULL, (gchar **)argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
                      &err, &status, &error)) {
        g_printerr("\n  cannot run %s: %s\n", script, error->message);
        return FALSE;
    }
    if (!g_spawn_check_wait_status(status, NULL)) {
        g_printerr("\n  %s failed:\n%s\n", script, err);
        return FALSE;
    }
    return TRUE;
}

/* Draws LOGS into OUT and checks OUT/scenario.svg against them. */
G_GNUC_UNUSED static void picture_check(const gchar *out, const gchar *lanes, const gchar *balances,
                                        const gchar *const *logs)
{
    CU_ASSERT_TRUE_FATAL(picture_draw(out, lanes, balances, logs));
    g_autofree gchar *svg_path = g_build_filename(out, "scenario.svg", NULL);
    g_autofree gchar *svg = bc_test_read_file(svg_path, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(svg);
    g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; logs[i] != NULL; i++) {
        gchar *text = bc_test_read_file(logs[i], NULL);
        CU_ASSERT_PTR_NOT_NULL_FATAL(text);
        g_ptr_array_add(texts, text);
    }
    g_ptr_array_add(texts, NULL);
    g_autofree gchar *problems = picture_compare(svg, (const gchar *const *)texts->pdata);
    if (problems != NULL)
        g_printerr("\n  %s does not show the logs' messages:\n%s", svg_path, problems);
    CU_ASSERT_PTR_NULL(problems);
}
