/* cli_fixture.h: what the chapter 5 command-line tests share: a temporary directory per test,
 * the real program run and its output checked, wallets, balances, sends, a snapshot of the
 * directory's files, and the article's session.
 *
 * Header-only, like node_harness.h: mk/chapter.mk builds only tests/NN/test_*.c, so each test
 * file that includes it gets its own static copy. */
#pragma once
#include <string.h>

#include "address.h"
#include "bc_test.h"

static const gchar *const env[] = {"BC_TARGET_BITS=8", NULL};
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

static gchar *path_in(const gchar *where, const gchar *name)
{
    return g_build_filename(where, name, NULL);
}

/* Runs the program in WHERE and expects it to succeed, with exactly OUT on stdout unless NULL. */
static gchar *run_ok_in(const gchar *where, const gchar *out, const gchar *const *args)
{
    g_auto(BcRun) run = bc_test_runv(where, env, args);
    BC_ASSERT_RUN_OK(run);
    CU_ASSERT_STRING_EQUAL(run.err, "");
    if (out != NULL && g_strcmp0(run.out, out) != 0) {
        g_printerr("\n  %s: expected \"%s\", got \"%s\"\n", args[0], out, run.out);
        CU_FAIL("unexpected output");
    }
    return g_steal_pointer(&run.out);
}

#define RUN_OK(out, ...) g_free(run_ok_in(dir, out, (const gchar *const[]){__VA_ARGS__, NULL}))

/* createwallet: "Your new address: 1...", a valid address; returns it. */
static gchar *create_wallet_in(const gchar *where)
{
    g_autofree gchar *out = run_ok_in(where, NULL, (const gchar *const[]){"createwallet", NULL});
    const gchar *prefix = "Your new address: 1";
    CU_ASSERT_TRUE_FATAL(g_str_has_prefix(out, prefix));
    CU_ASSERT_TRUE_FATAL(g_str_has_suffix(out, "\n"));
    gchar *address = g_strndup(out + strlen(prefix) - 1, strlen(out) - strlen(prefix));
    CU_ASSERT_TRUE(address_validate(address, NULL));
    CU_ASSERT_TRUE(strlen(address) >= 26 && strlen(address) <= 34);
    return address;
}

static gchar *create_wallet(void)
{
    return create_wallet_in(dir);
}

static void check_balance(const gchar *address, gint64 expected)
{
    g_autofree gchar *line =
        g_strdup_printf("Balance of '%s': %" G_GINT64_FORMAT "\n", address, expected);
    RUN_OK(line, "getbalance", "-address", address);
}

static void send(const gchar *from, const gchar *to, gint64 amount)
{
    g_autofree gchar *n = g_strdup_printf("%" G_GINT64_FORMAT, amount);
    RUN_OK("Success!\n", "send", "-from", from, "-to", to, "-amount", n);
}

/* Every file in WHERE, name -> contents: what "nothing changed on disk" compares. */
static GHashTable *snapshot(const gchar *where)
{
    GHashTable *files =
        g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_bytes_unref);
    g_autoptr(GDir) listing = g_dir_open(where, 0, NULL);
    g_assert(listing != NULL);
    const gchar *name;
    while ((name = g_dir_read_name(listing)) != NULL) {
        g_autofree gchar *path = path_in(where, name);
        gsize len = 0;
        gchar *contents = bc_test_read_file(path, &len);
        g_assert(contents != NULL);
        g_hash_table_insert(files, g_strdup(name), g_bytes_new_take(contents, len));
    }
    return files;
}

/* The article's session: three wallets, a chain paying the first, two sends. */
static void article_session(gchar *addresses[3])
{
    for (int i = 0; i < 3; i++)
        addresses[i] = create_wallet();
    RUN_OK("Done!\n", "createblockchain", "-address", addresses[0]);
    check_balance(addresses[0], 10);
    send(addresses[0], addresses[1], 6);
    check_balance(addresses[0], 4);
    check_balance(addresses[1], 6);
    send(addresses[1], addresses[2], 2);
}
