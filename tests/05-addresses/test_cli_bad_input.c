/* test_cli_bad_input.c: the real program refuses bad addresses, unknown senders, overspending,
 * damaged wallet files and a missing chain: one line of "error: ...", exit 1, and not a file
 * touched. */
#include <glib/gstdio.h>
#include <string.h>

#include "bc_test.h"
#include "cli_fixture.h"

/* Runs the program in WHERE and expects exit status 1, nothing on stdout and one line on stderr
 * starting with PREFIX. */
static void run_error_in(const gchar *where, const gchar *prefix, const gchar *const *args)
{
    g_auto(BcRun) run = bc_test_runv(where, env, args);
    if (run.status != 1 || !g_str_has_prefix(run.err, prefix))
        g_printerr("\n  %s: expected exit 1 and \"%s...\", got %d: %s%s\n", args[0], prefix,
                   run.status, run.out, run.err);
    CU_ASSERT_EQUAL(run.status, 1);
    CU_ASSERT_STRING_EQUAL(run.out, "");
    CU_ASSERT_TRUE(g_str_has_prefix(run.err, prefix));
    /* One short line of UTF-8, whatever the input was. */
    CU_ASSERT_TRUE(g_utf8_validate(run.err, -1, NULL));
    CU_ASSERT_PTR_EQUAL(strchr(run.err, '\n'), run.err + strlen(run.err) - 1);
    CU_ASSERT_TRUE(strlen(run.err) < 200);
}

#define RUN_ERROR(prefix, ...) run_error_in(dir, prefix, (const gchar *const[]){__VA_ARGS__, NULL})

static void assert_unchanged(GHashTable *before, const gchar *where)
{
    g_autoptr(GHashTable) after = snapshot(where);
    CU_ASSERT_EQUAL(g_hash_table_size(after), g_hash_table_size(before));
    GHashTableIter iter;
    gpointer name, contents;
    g_hash_table_iter_init(&iter, after);
    while (g_hash_table_iter_next(&iter, &name, &contents)) {
        GBytes *old = g_hash_table_lookup(before, name);
        if (old == NULL || !g_bytes_equal(old, contents))
            g_printerr("\n  %s was created or changed\n", (const gchar *)name);
        CU_ASSERT_TRUE(old != NULL && g_bytes_equal(old, contents));
    }
}

static void test_overspend(void)
{
    gchar *a[3];
    article_session(a);
    g_autoptr(GHashTable) before = snapshot(dir);
    CU_ASSERT_EQUAL(g_hash_table_size(before), 2); /* blockchain.db and wallet.dat */
    g_autofree gchar *expected =
        g_strdup_printf("error: not enough funds: '%s' has 4, needs 5", a[1]);
    RUN_ERROR(expected, "send", "-from", a[1], "-to", a[0], "-amount", "5");
    assert_unchanged(before, dir);
    check_balance(a[1], 4);
    /* The whole balance can be sent, no change left. */
    send(a[1], a[0], 4);
    check_balance(a[1], 0);
    check_balance(a[0], 8);
    RUN_ERROR("error: not enough funds", "send", "-from", a[1], "-to", a[0], "-amount", "1");
    for (int i = 0; i < 3; i++)
        g_free(a[i]);
}

/* Coins are spent with a key, not with an address: the sender must be in wallet.dat, even when
 * the chain says the address owns coins. */
static void test_unknown_sender(void)
{
    g_autofree gchar *elsewhere = bc_test_tmpdir();
    g_autofree gchar *stranger = create_wallet_in(elsewhere);
    g_autofree gchar *mine = create_wallet();
    RUN_OK("Done!\n", "createblockchain", "-address", stranger);
    check_balance(stranger, 10);
    g_autoptr(GHashTable) before = snapshot(dir);
    g_autofree gchar *expected = g_strdup_printf("error: no key for '%s' in wallet.dat", stranger);
    RUN_ERROR(expected, "send", "-from", stranger, "-to", mine, "-amount", "1");
    assert_unchanged(before, dir);
    check_balance(stranger, 10);
    check_balance(mine, 0);

    /* With no wallet file at all: the same error, and no wallet file made. */
    g_autofree gchar *wallet = path_in(dir, "wallet.dat");
    CU_ASSERT_EQUAL(g_unlink(wallet), 0);
    g_autoptr(GHashTable) without = snapshot(dir);
    RUN_ERROR(expected, "send", "-from", stranger, "-to", mine, "-amount", "1");
    assert_unchanged(without, dir);

    /* Where the key is, with a copy of the chain, the coins move. */
    g_autofree gchar *db = path_in(dir, "blockchain.db");
    g_autofree gchar *copy = path_in(elsewhere, "blockchain.db");
    gsize len = 0;
    g_autofree gchar *contents = bc_test_read_file(db, &len);
    CU_ASSERT_TRUE_FATAL(g_file_set_contents(copy, contents, (gssize)len, NULL));
    g_free(run_ok_in(
        elsewhere, "Success!\n",
        (const gchar *const[]){"send", "-from", stranger, "-to", mine, "-amount", "1", NULL}));
    g_autofree gchar *line = g_strdup_printf("Balance of '%s': 1\n", mine);
    g_free(
        run_ok_in(elsewhere, line, (const gchar *const[]){"getbalance", "-address", mine, NULL}));
    bc_test_tmpdir_remove(elsewhere);
}

/* Addresses that are not: empty, too short, not Base58, mistyped, too long, not ASCII, another
 * version, chapter 4's names. */
static GPtrArray *bad_addresses(const gchar *real)
{
    GPtrArray *bad = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(bad, g_strdup(""));
    g_ptr_array_add(bad, g_strdup("1"));
    g_ptr_array_add(bad, g_strdup("abc"));
    gchar *last = g_strdup(real); /* one character changed */
    last[strlen(last) - 1] = last[strlen(last) - 1] == 'z' ? 'y' : 'z';
    g_ptr_array_add(bad, last);
    g_autofree gchar *zs = g_strnfill(199, 'z');
    g_ptr_array_add(bad, g_strconcat("1", zs, NULL)); /* 200 Base58 characters */
    g_autofree gchar *head = g_strndup(real, strlen(real) - 1);
    g_ptr_array_add(bad, g_strconcat(head, "\xc3\xa9", NULL));            /* not ASCII: é */
    g_ptr_array_add(bad, g_strdup("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy")); /* version 0x05 */
    /* The same kinds again, in other ways. */
    g_ptr_array_add(bad, g_strdup("Ivan")); /* chapter 4's names */
    gchar *middle = g_strdup(real);
    middle[10] = middle[10] == '2' ? '3' : '2';
    g_ptr_array_add(bad, middle);
    g_ptr_array_add(bad, g_strndup(real, strlen(real) - 1)); /* truncated */
    g_ptr_array_add(bad, g_strconcat(real, "1", NULL));      /* one too many */
    g_ptr_array_add(bad, g_strconcat(" ", real, NULL));
    g_ptr_array_add(bad, g_strconcat(head, "\xff", NULL)); /* not even UTF-8 */
    return bad;
}

static void test_invalid_addresses(void)
{
    g_autofree gchar *a = create_wallet();
    g_autofree gchar *b = create_wallet();
    RUN_OK("Done!\n", "createblockchain", "-address", a);
    g_autofree gchar *empty = bc_test_tmpdir();
    g_autoptr(GHashTable) before = snapshot(dir);
    g_autoptr(GPtrArray) bad = bad_addresses(a);
    const gchar *p = "error: invalid address";
    for (guint i = 0; i < bad->len; i++) {
        const gchar *x = bad->pdata[i];
        RUN_ERROR(p, "getbalance", "-address", x);
        /* The other commands check with the same function: the first seven kinds are enough
         * there (each run of the program costs, most of all under the sanitizers). */
        if (i >= 7)
            continue;
        RUN_ERROR(p, "send", "-from", x, "-to", b, "-amount", "1");
        RUN_ERROR(p, "send", "-from", a, "-to", x, "-amount", "1");
        /* Checked before the chain is even looked for: in an empty directory, nothing is
         * created. */
        run_error_in(empty, p, (const gchar *const[]){"createblockchain", "-address", x, NULL});
    }
    assert_unchanged(before, dir);
    g_autoptr(GHashTable) nothing = snapshot(empty);
    CU_ASSERT_EQUAL(g_hash_table_size(nothing), 0);
    bc_test_tmpdir_remove(empty);
    check_balance(a, 10);
    /* The message says what is wrong. */
    g_auto(BcRun) run = bc_test_run(dir, env, "getbalance", "-address", "abc", NULL);
    CU_ASSERT_STRING_EQUAL(
        run.err,
        "error: invalid address 'abc': 3 bytes are too short for a version and a checksum\n");
}

/* A damaged wallet file is reported, and left exactly as it was for its owner to rescue: not
 * replaced by a new file holding one fresh key. */
static void test_corrupt_wallet(void)
{
    g_autofree gchar *a = create_wallet();
    g_autofree gchar *b = create_wallet();
    RUN_OK("Done!\n", "createblockchain", "-address", a);
    g_autofree gchar *wallet = path_in(dir, "wallet.dat");
    gsize len = 0;
    g_autofree gchar *good = bc_test_read_file(wallet, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(good);
    const gchar junk[] = "this is not a wallet file\n";
    struct {
        const gchar *data;
        gsize len;
    } cases[] = {{junk, sizeof junk - 1}, {good, len / 2}, {good, len - 1}, {"", 0}};
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        CU_ASSERT_TRUE_FATAL(
            g_file_set_contents(wallet, cases[i].data, (gssize)cases[i].len, NULL));
        g_autoptr(GHashTable) before = snapshot(dir);
        const gchar *p = "error: wallet file wallet.dat: ";
        RUN_ERROR(p, "createwallet");
        RUN_ERROR(p, "listaddresses");
        RUN_ERROR(p, "send", "-from", a, "-to", b, "-amount", "1");
        assert_unchanged(before, dir);
    }
    /* The chain does not need the wallet to be read. */
    check_balance(a, 10);
    /* Put back, everything works again. */
    CU_ASSERT_TRUE_FATAL(g_file_set_contents(wallet, good, (gssize)len, NULL));
    send(a, b, 3);
    check_balance(b, 3);
}

/* Without a chain, send says so and creates none. */
static void test_no_blockchain(void)
{
    g_autofree gchar *a = create_wallet();
    g_autoptr(GHashTable) before = snapshot(dir);
    RUN_ERROR("error: no blockchain", "send", "-from", a, "-to", a, "-amount", "1");
    RUN_ERROR("error: no blockchain", "getbalance", "-address", a);
    RUN_ERROR("error: no blockchain", "printchain");
    assert_unchanged(before, dir);
}

void test_cli_bad_input_register(void)
{
    static const BcTest tests[] = {
        {"overspending changes nothing", test_overspend},
        {"sender not in wallet.dat", test_unknown_sender},
        {"invalid addresses in every command", test_invalid_addresses},
        {"damaged wallet.dat is refused and kept", test_corrupt_wallet},
        {"no blockchain yet", test_no_blockchain},
        {NULL, NULL},
    };
    bc_test_add_suite("05/cli_bad_input", setup, teardown, tests);
}
