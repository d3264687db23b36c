/* cli_fixture.h: what the chapter 6 command-line tests share: a temporary directory per test
 * with its database and wallet file, the real program run and its output checked, wallets,
 * balances, reindexutxo, and the keys of the database's records.
 *
 * Header-only, like node_harness.h: mk/chapter.mk builds only tests/NN/test_*.c, so each test
 * file that includes it gets its own static copy. */
#pragma once
#include <string.h>

#include "bc_store.h"
#include "bc_test.h"
#include "blockchain.h"
#include "utxo_set.h"
#include "wallets.h"

static const gchar *const env[] = {"BC_TARGET_BITS=8", NULL};

static gchar *dir, *db, *wallet_file;

static void setup(void)
{
    dir = bc_test_tmpdir();
    db = g_build_filename(dir, BLOCKCHAIN_DB_FILE, NULL);
    wallet_file = g_build_filename(dir, WALLETS_FILE, NULL);
}

static void teardown(void)
{
    bc_test_tmpdir_remove(dir);
    g_clear_pointer(&dir, g_free);
    g_clear_pointer(&db, g_free);
    g_clear_pointer(&wallet_file, g_free);
}

/* Runs the program and expects it to succeed with exactly OUT on stdout (any, when NULL). */
static void run_ok(const gchar *const *environment, const gchar *out, const gchar *const *args)
{
    g_auto(BcRun) run = bc_test_runv(dir, environment, args);
    BC_ASSERT_RUN_OK(run);
    if (out != NULL) {
        if (g_strcmp0(run.out, out) != 0)
            g_printerr("\n  %s: expected \"%s\", got \"%s\"\n", args[0], out, run.out);
        CU_ASSERT_STRING_EQUAL(run.out, out);
    }
    CU_ASSERT_STRING_EQUAL(run.err, "");
}

#define RUN_OK(out, ...) run_ok(env, out, (const gchar *const[]){__VA_ARGS__, NULL})

/* A new wallet's address, from "Your new address: ADDRESS". */
static gchar *create_wallet(void)
{
    g_auto(BcRun) run = bc_test_run(dir, env, "createwallet", NULL);
    BC_ASSERT_RUN_OK(run);
    const gchar *prefix = "Your new address: ";
    CU_ASSERT_TRUE_FATAL(g_str_has_prefix(run.out, prefix));
    gchar *address = g_strdup(run.out + strlen(prefix));
    g_strchomp(address);
    CU_ASSERT_EQUAL(strlen(address) >= 26 && address[0] == '1', TRUE);
    return address;
}

static void check_balance(const gchar *address, gint64 expected)
{
    g_autofree gchar *line =
        g_strdup_printf("Balance of '%s': %" G_GINT64_FORMAT "\n", address, expected);
    RUN_OK(line, "getbalance", "-address", address);
}

static void check_reindex(guint expected)
{
    g_autofree gchar *line =
        g_strdup_printf("Done! There are %u transactions in the UTXO set.\n", expected);
    RUN_OK(line, "reindexutxo");
}

/* How many times NEEDLE occurs in HAYSTACK. */
static guint count(const gchar *haystack, const gchar *needle)
{
    guint n = 0;
    for (const gchar *p = strstr(haystack, needle); p != NULL; p = strstr(p + 1, needle))
        n++;
    return n;
}

static gboolean collect_key(const guint8 *key, gsize key_len, GBytes *value, gpointer user_data)
{
    (void)value;
    g_ptr_array_add(user_data, g_bytes_new(key, key_len));
    return TRUE;
}

/* The keys (without the prefix byte) of every record with PREFIX. */
static GPtrArray *keys(char prefix)
{
    g_autoptr(GError) error = NULL;
    /* The UTXO set's records are in a file of their own. */
    g_autofree gchar *chainstate = utxo_set_path_for(db);
    g_autoptr(BcStore) store =
        bc_store_open(prefix == UTXO_PREFIX ? chainstate : db, BC_STORE_READ, &error);
    g_assert_no_error(error);
    GPtrArray *found = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
    bc_store_foreach(store, prefix, collect_key, found, &error);
    g_assert_no_error(error);
    return found;
}
