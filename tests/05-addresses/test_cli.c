/* test_cli.c: the real program plays the article's part 5 session with real wallets, and refuses
 * bad addresses, unknown senders, overspending and damaged wallet files without touching a file. */
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "address.h"
#include "bc_hex.h"
#include "bc_test.h"
#include "wallet.h"

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
        {"overspending changes nothing", test_overspend},
        {"sender not in wallet.dat", test_unknown_sender},
        {"invalid addresses in every command", test_invalid_addresses},
        {"wallet.dat is 0600", test_wallet_file_mode},
        {"damaged wallet.dat is refused and kept", test_corrupt_wallet},
        {"no blockchain yet", test_no_blockchain},
        {"printchain shows signed transactions", test_printchain},
        {"sixty sends in a row", test_sixty_sends},
        {"--help", test_help},
        {NULL, NULL},
    };
    bc_test_add_suite("05/cli", setup, teardown, tests);
}
