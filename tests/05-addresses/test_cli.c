/* test_cli.c: the real program plays the article's part 5 session with real wallets: balances,
 * listaddresses, a wallet file only its owner can read, printchain's signed transactions, sixty
 * sends in a row, --help. What it refuses is in test_cli_bad_input.c. */
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "address.h"
#include "bc_hex.h"
#include "bc_test.h"
#include "cli_fixture.h"
#include "wallet.h"

static void test_article_session(void)
{
    gchar *a[3];
    article_session(a);
    check_balance(a[0], 4);
    check_balance(a[1], 4);
    check_balance(a[2], 2);
    /* An address nobody has a wallet for is still an address: it simply owns nothing. */
    check_balance("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", 0);

    /* listaddresses: exactly the three, once each. */
    g_autofree gchar *out = run_ok_in(dir, NULL, (const gchar *const[]){"listaddresses", NULL});
    g_auto(GStrv) lines = g_strsplit(out, "\n", -1);
    CU_ASSERT_EQUAL_FATAL(g_strv_length(lines), 4);
    CU_ASSERT_STRING_EQUAL(lines[3], "");
    for (int i = 0; i < 3; i++) {
        int found = 0;
        for (int k = 0; k < 3; k++)
            found += g_strcmp0(lines[k], a[i]) == 0;
        CU_ASSERT_EQUAL(found, 1);
        g_free(a[i]);
    }
    CU_ASSERT_STRING_NOT_EQUAL(lines[0], lines[1]);
    CU_ASSERT_STRING_NOT_EQUAL(lines[1], lines[2]);
}

/* A fresh directory: no wallets to list, and listing creates no file. */
static void test_no_wallet_file(void)
{
    RUN_OK("", "listaddresses");
    g_autoptr(GHashTable) files = snapshot(dir);
    CU_ASSERT_EQUAL(g_hash_table_size(files), 0);
}

static guint32 file_mode(const gchar *path)
{
    GStatBuf st;
    g_assert(g_stat(path, &st) == 0);
    return st.st_mode & 07777;
}

/* wallet.dat holds private keys: 0600, whatever the umask, and even when it was readable to
 * others before; replaced by rename, so no temporary file stays behind. */
static void test_wallet_file_mode(void)
{
    g_autofree gchar *wallet = path_in(dir, "wallet.dat");
    mode_t old = umask(0);
    g_autofree gchar *a = create_wallet();
    umask(old);
    CU_ASSERT_EQUAL(file_mode(wallet), 0600);
    CU_ASSERT_EQUAL(g_chmod(wallet, 0644), 0);
    old = umask(0);
    g_autofree gchar *b = create_wallet();
    umask(old);
    CU_ASSERT_EQUAL(file_mode(wallet), 0600);
    g_autoptr(GHashTable) files = snapshot(dir);
    CU_ASSERT_EQUAL(g_hash_table_size(files), 1);
    /* Both keys are in it. */
    g_autofree gchar *list = run_ok_in(dir, NULL, (const gchar *const[]){"listaddresses", NULL});
    BC_ASSERT_CONTAINS(list, a);
    BC_ASSERT_CONTAINS(list, b);
}

/* The values of the lines starting with PREFIX (after leading spaces), in order. */
static GPtrArray *values(const gchar *out, const gchar *prefix)
{
    GPtrArray *found = g_ptr_array_new_with_free_func(g_free);
    g_auto(GStrv) lines = g_strsplit(out, "\n", -1);
    for (guint i = 0; lines[i] != NULL; i++) {
        const gchar *line = lines[i] + strspn(lines[i], " ");
        if (g_str_has_prefix(line, prefix))
            g_ptr_array_add(found, g_strdup(line + strlen(prefix)));
    }
    return found;
}

static guint count(const gchar *haystack, const gchar *needle)
{
    guint n = 0;
    for (const gchar *p = strstr(haystack, needle); p != NULL; p = strstr(p + 1, needle))
        n++;
    return n;
}

static gchar *hash_hex(const gchar *address)
{
    guint8 hash[BC_RIPEMD160_LEN];
    g_assert(address_to_pubkey_hash(address, hash, NULL));
    return bc_hex_encode(hash, sizeof hash);
}

static void test_printchain(void)
{
    gchar *a[3];
    article_session(a);
    g_autofree gchar *out = run_ok_in(dir, NULL, (const gchar *const[]){"printchain", NULL});
    CU_ASSERT_EQUAL(count(out, "============ Block "), 3);
    CU_ASSERT_EQUAL(count(out, "\nPoW: true\n"), 3);
    CU_ASSERT_EQUAL(count(out, "PoW: false"), 0);
    CU_ASSERT_EQUAL(count(out, "--- Transaction "), 3);

    /* Newest first, each block's parent the next one printed, genesis last. */
    g_autoptr(GPtrArray) blocks = values(out, "============ Block ");
    g_autoptr(GPtrArray) prevs = values(out, "Prev. block: ");
    CU_ASSERT_EQUAL_FATAL(blocks->len, 3);
    CU_ASSERT_EQUAL_FATAL(prevs->len, 3);
    for (guint i = 0; i < 3; i++) {
        CU_ASSERT_TRUE(g_str_has_prefix(blocks->pdata[i], "00")); /* 8 bits of work */
        CU_ASSERT_TRUE(g_str_has_suffix(blocks->pdata[i], " ============"));
        if (i + 1 < 3)
            CU_ASSERT_TRUE(g_str_has_prefix(blocks->pdata[i + 1], prevs->pdata[i]));
    }
    g_autofree gchar *zero = g_strnfill(64, '0');
    CU_ASSERT_STRING_EQUAL(prevs->pdata[2], zero);

    /* Inputs: two signed ones, 64-byte signature and key, and the genesis coinbase's. */
    g_autoptr(GPtrArray) outs = values(out, "Out:       ");
    g_autoptr(GPtrArray) sigs = values(out, "Signature: ");
    g_autoptr(GPtrArray) keys = values(out, "PubKey:    ");
    CU_ASSERT_EQUAL_FATAL(sigs->len, 3);
    CU_ASSERT_EQUAL_FATAL(keys->len, 3);
    CU_ASSERT_EQUAL_FATAL(outs->len, 3);
    CU_ASSERT_STRING_EQUAL(outs->pdata[2], "-1");
    CU_ASSERT_STRING_EQUAL(sigs->pdata[2], "");
    for (guint i = 0; i < 2; i++) {
        CU_ASSERT_EQUAL(strlen(sigs->pdata[i]), 128);
        CU_ASSERT_EQUAL(strlen(keys->pdata[i]), 128);
    }
    /* The newest block's input key is the second wallet's: it hashes to her address. */
    guint8 key[WALLET_PUBLIC_KEY_LEN], hash[BC_RIPEMD160_LEN];
    CU_ASSERT_TRUE_FATAL(bc_hex_decode(keys->pdata[0], key, sizeof key, NULL));
    wallet_hash_pubkey(key, hash);
    g_autofree gchar *address = address_from_pubkey_hash(hash);
    CU_ASSERT_STRING_EQUAL(address, a[1]);

    /* Outputs: 2 to the third wallet and 4 back, 6 to the second and 4 back, 10 to the first. */
    g_autoptr(GPtrArray) amounts = values(out, "Value:  ");
    g_autoptr(GPtrArray) scripts = values(out, "Script: ");
    CU_ASSERT_EQUAL_FATAL(amounts->len, 5);
    CU_ASSERT_EQUAL_FATAL(scripts->len, 5);
    const gchar *want_amounts[] = {"2", "4", "6", "4", "10"};
    const gchar *owners[] = {a[2], a[1], a[1], a[0], a[0]};
    for (guint i = 0; i < 5; i++) {
        CU_ASSERT_STRING_EQUAL(amounts->pdata[i], want_amounts[i]);
        g_autofree gchar *expected = hash_hex(owners[i]);
        CU_ASSERT_STRING_EQUAL(scripts->pdata[i], expected);
    }
    for (int i = 0; i < 3; i++)
        g_free(a[i]);
}

/* The Go original failed about one send in 35, when r, s, X or Y started with a zero byte. Sixty
 * sends back and forth, with growing numbers of inputs, all succeed and the coins add up. */
static void test_sixty_sends(void)
{
    g_autofree gchar *a = create_wallet();
    g_autofree gchar *b = create_wallet();
    RUN_OK("Done!\n", "createblockchain", "-address", a);
    gint64 balance_a = 10, balance_b = 0;
    unsigned failures = CU_get_number_of_failures();
    for (int i = 0; i < 60; i++) {
        gboolean a_pays = i % 2 == 0;
        gint64 have = a_pays ? balance_a : balance_b;
        gint64 amount = MIN(have, 1 + i % 7);
        g_assert(amount >= 1);
        send(a_pays ? a : b, a_pays ? b : a, amount);
        balance_a += a_pays ? -amount : amount;
        balance_b += a_pays ? amount : -amount;
        if (CU_get_number_of_failures() > failures) /* stop at the first failed send */
            break;
    }
    check_balance(a, balance_a);
    check_balance(b, balance_b);
    CU_ASSERT_EQUAL(balance_a + balance_b, 10);
}

static void test_help(void)
{
    g_autofree gchar *out = run_ok_in(dir, NULL, (const gchar *const[]){"--help", NULL});
    const gchar *commands[] = {"createblockchain", "createwallet", "getbalance",
                               "listaddresses",    "send",         "printchain"};
    for (guint i = 0; i < G_N_ELEMENTS(commands); i++)
        BC_ASSERT_CONTAINS(out, commands[i]);
    g_autofree gchar *create =
        run_ok_in(dir, NULL, (const gchar *const[]){"createwallet", "--help", NULL});
    CU_ASSERT_TRUE(g_str_has_prefix(create, "usage: blockchain createwallet"));
    g_autofree gchar *list =
        run_ok_in(dir, NULL, (const gchar *const[]){"listaddresses", "--help", NULL});
    CU_ASSERT_TRUE(g_str_has_prefix(list, "usage: blockchain listaddresses"));
    /* Help creates nothing, and neither does an unexpected argument. */
    g_auto(BcRun) extra = bc_test_run(dir, env, "createwallet", "extra", NULL);
    CU_ASSERT_EQUAL(extra.status, 2);
    g_autoptr(GHashTable) files = snapshot(dir);
    CU_ASSERT_EQUAL(g_hash_table_size(files), 0);
}

void test_cli_register(void)
{
    static const BcTest tests[] = {
        {"the article's session", test_article_session},
        {"no wallet file yet", test_no_wallet_file},
        {"wallet.dat is 0600", test_wallet_file_mode},
        {"printchain shows signed transactions", test_printchain},
        {"sixty sends in a row", test_sixty_sends},
        {"--help", test_help},
        {NULL, NULL},
    };
    bc_test_add_suite("05/cli", setup, teardown, tests);
}
