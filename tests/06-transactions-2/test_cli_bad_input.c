/* test_cli_bad_input.c: the real program refuses bad addresses, unknown senders, overspending,
 * malformed command lines, and damaged records and files, with "error: ...", exit 1 (2 for
 * usage) and not one byte changed; reindexutxo repairs a damaged UTXO set. */
#include <glib/gstdio.h>
#include <string.h>

#include "bc_store.h"
#include "bc_test.h"
#include "bc_variant.h"
#include "blockchain.h"
#include "cli_fixture.h"
#include "utxo_set.h"
#include "wallets.h"

/* Runs the program and expects exit 1, nothing on stdout and "error: " with NEEDLE on stderr. */
static void run_fails(const gchar *needle, const gchar *const *args)
{
    g_auto(BcRun) run = bc_test_runv(dir, env, args);
    if (run.status != 1)
        g_printerr("\n  %s: exit %d, stdout: %s, stderr: %s\n", args[0], run.status, run.out,
                   run.err);
    CU_ASSERT_EQUAL(run.status, 1);
    CU_ASSERT_STRING_EQUAL(run.out, "");
    CU_ASSERT_TRUE(g_str_has_prefix(run.err, "error: "));
    BC_ASSERT_CONTAINS(run.err, needle);
}

#define RUN_FAILS(needle, ...) run_fails(needle, (const gchar *const[]){__VA_ARGS__, NULL})

/* Store access from the test itself, to damage one record of a closed database. */
static void put_record(char prefix, const guint8 *key, gsize key_len, GBytes *value)
{
    g_autoptr(GError) error = NULL;
    g_autofree gchar *chainstate = utxo_set_path_for(db);
    g_autoptr(BcStore) store =
        bc_store_open(prefix == UTXO_PREFIX ? chainstate : db, BC_STORE_WRITE, &error);
    g_assert_no_error(error);
    bc_store_put(store, prefix, key, key_len, value, &error);
    g_assert_no_error(error);
}

static GBytes *get_record(char prefix, const guint8 *key, gsize key_len)
{
    g_autoptr(GError) error = NULL;
    g_autofree gchar *chainstate = utxo_set_path_for(db);
    g_autoptr(BcStore) store =
        bc_store_open(prefix == UTXO_PREFIX ? chainstate : db, BC_STORE_READ, &error);
    g_assert_no_error(error);
    GBytes *value = bc_store_get(store, prefix, key, key_len, &error);
    g_assert_no_error(error);
    return value;
}

/* The bytes of PATH, to compare after a command that must not change it. */
static GBytes *file_bytes(const gchar *path)
{
    gsize len = 0;
    gchar *data = bc_test_read_file(path, &len);
    g_assert(data != NULL);
    return g_bytes_new_take(data, len);
}

static void assert_unchanged(const gchar *path, GBytes *before, const gchar *what)
{
    g_autoptr(GBytes) after = file_bytes(path);
    if (!g_bytes_equal(before, after))
        g_printerr("\n  %s changed %s\n", path, what);
    CU_ASSERT_TRUE(g_bytes_equal(before, after));
}

/* A chain of two blocks: A 14, B 6, the wallets of A and B in wallet.dat. */
static void make_chain(gchar **a, gchar **b)
{
    *a = create_wallet();
    *b = create_wallet();
    RUN_OK("Done!\n", "createblockchain", "-address", *a);
    RUN_OK("Success!\n", "send", "-from", *a, "-to", *b, "-amount", "6", "-mine");
}

static void test_invalid_addresses(void)
{
    g_autofree gchar *a = NULL, *b = NULL;
    make_chain(&a, &b);
    g_autoptr(GBytes) before = file_bytes(db);
    const gchar *bad[] = {
        "",
        "Ivan",
        "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb",   /* the genesis address, checksum changed */
        "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfN0",   /* '0' is not Base58 */
        "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",   /* a valid address of another version */
        "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa1x", /* too long */
    };
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        RUN_FAILS("invalid address", "getbalance", "-address", bad[i]);
        RUN_FAILS("invalid address", "send", "-from", a, "-to", bad[i], "-amount", "1", "-mine");
        RUN_FAILS("invalid address", "send", "-from", bad[i], "-to", b, "-amount", "1", "-mine");
        assert_unchanged(db, before, "after an invalid address");
    }
    /* createblockchain with a bad address creates nothing. */
    g_autofree gchar *other = g_build_filename(dir, "other", NULL);
    g_assert(g_mkdir(other, 0700) == 0);
    g_auto(BcRun) run = bc_test_run(other, env, "createblockchain", "-address", "Ivan", NULL);
    CU_ASSERT_EQUAL(run.status, 1);
    CU_ASSERT_TRUE(g_str_has_prefix(run.err, "error: invalid address"));
    g_autofree gchar *other_db = g_build_filename(other, BLOCKCHAIN_DB_FILE, NULL);
    CU_ASSERT_FALSE(g_file_test(other_db, G_FILE_TEST_EXISTS));
    check_balance(a, 14);
}

/* A valid address whose key is not in wallet.dat cannot send. */
static void test_unknown_sender(void)
{
    g_autofree gchar *a = NULL, *b = NULL;
    make_chain(&a, &b);
    g_autoptr(GBytes) before = file_bytes(db);
    const gchar *stranger = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa";
    RUN_FAILS("no key for '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa'", "send", "-from", stranger, "-to",
              a, "-amount", "1", "-mine");
    assert_unchanged(db, before, "after an unknown sender");
    /* Paying it is fine. */
    RUN_OK("Success!\n", "send", "-from", a, "-to", stranger, "-amount", "3", "-mine");
    check_balance(stranger, 3);
    check_balance(a, 21);
}

static void test_insufficient_funds(void)
{
    g_autofree gchar *a = NULL, *b = NULL;
    make_chain(&a, &b);
    g_autofree gchar *c = create_wallet();
    g_autoptr(GBytes) before = file_bytes(db);
    g_autofree gchar *need = g_strdup_printf("not enough funds: '%s' has 14, needs 15", a);
    RUN_FAILS(need, "send", "-from", a, "-to", b, "-amount", "15", "-mine");
    RUN_FAILS("not enough funds", "send", "-from", c, "-to", b, "-amount", "1", "-mine");
    assert_unchanged(db, before, "after overspending");
    RUN_OK("Success!\n", "send", "-from", a, "-to", b, "-amount", "14", "-mine");
    check_balance(a, 10);
    check_balance(b, 20);
}

/* Usage errors exit 2 and change nothing. */
static void test_usage_errors(void)
{
    g_autofree gchar *a = NULL, *b = NULL;
    make_chain(&a, &b);
    g_autoptr(GBytes) before = file_bytes(db);
    const gchar *const extra[] = {"reindexutxo", "extra", NULL};
    const gchar *const option[] = {"reindexutxo", "-address", a, NULL};
    const gchar *const zero[] = {"send", "-from", a, "-to", b, "-amount", "0", "-mine", NULL};
    const gchar *const value[] = {"send", "-from", a, "-to", b, "-amount", "1", "-mine", "x", NULL};
    const gchar *const twice[] = {"send",    "-from", a,       "-to",   b,
                                  "-amount", "1",     "-mine", "-mine", NULL};
    const gchar *const *commands[] = {extra, option, zero, value, twice};
    for (guint i = 0; i < G_N_ELEMENTS(commands); i++) {
        g_auto(BcRun) run = bc_test_runv(dir, env, commands[i]);
        CU_ASSERT_EQUAL(run.status, 2);
        CU_ASSERT_TRUE(g_str_has_prefix(run.err, "error: "));
        CU_ASSERT_STRING_EQUAL(run.out, "");
    }
    assert_unchanged(db, before, "after usage errors");
    /* An invalid difficulty is an error too, before anything is opened. */
    const gchar *const bad_bits[] = {"BC_TARGET_BITS=0", NULL};
    g_auto(BcRun) run =
        bc_test_run(dir, bad_bits, "send", "-from", a, "-to", b, "-amount", "1", "-mine", NULL);
    CU_ASSERT_EQUAL(run.status, 1);
    CU_ASSERT_TRUE(g_str_has_prefix(run.err, "error: "));
    assert_unchanged(db, before, "after an invalid BC_TARGET_BITS");
}

/* A damaged 'c' record: getbalance and send say so and change nothing; reindexutxo rebuilds the
 * set from the blocks and everything is back. */
static void test_corrupt_utxo_record(void)
{
    g_autofree gchar *a = NULL, *b = NULL;
    make_chain(&a, &b);
    g_autoptr(GPtrArray) txids = keys(UTXO_PREFIX);
    CU_ASSERT_EQUAL_FATAL(txids->len, 2);
    g_autoptr(GBytes) real =
        get_record(UTXO_PREFIX, g_bytes_get_data(txids->pdata[0], NULL), BC_HASH_LEN);
    g_autoptr(GBytes) truncated = g_bytes_new_from_bytes(real, 0, g_bytes_get_size(real) - 3);
    g_autoptr(GBytes) garbage = g_bytes_new_static("garbage", 7);
    g_autoptr(GBytes) wrong_type = bc_variant_encode(g_variant_new("(s)", "not outputs"));
    /* The right type, but a value no transaction has: two of them would overflow a sum. */
    GVariantBuilder huge;
    g_variant_builder_init(&huge, G_VARIANT_TYPE("a(uxay)"));
    guint8 hash[BC_RIPEMD160_LEN] = {0};
    g_variant_builder_add(&huge, "(ux@ay)", 0, G_MAXINT64,
                          bc_variant_new_bytes(hash, BC_RIPEMD160_LEN));
    g_autoptr(GBytes) overflow = bc_variant_encode(g_variant_builder_end(&huge));
    GBytes *bad[] = {truncated, garbage, wrong_type, overflow};
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        for (guint k = 0; k < txids->len; k++)
            put_record(UTXO_PREFIX, g_bytes_get_data(txids->pdata[k], NULL), BC_HASH_LEN, bad[i]);
        g_autoptr(GBytes) before = file_bytes(db);
        RUN_FAILS("UTXO record", "getbalance", "-address", a);
        RUN_FAILS("UTXO record", "send", "-from", a, "-to", b, "-amount", "1", "-mine");
        assert_unchanged(db, before, "after a command on a corrupt UTXO record");
        check_reindex(2);
        check_balance(a, 14);
        check_balance(b, 6);
    }
}

/* A damaged 'b' record, the tip's: whatever walks the chain (send, printchain, reindexutxo) says
 * so and changes nothing. */
static void test_corrupt_block_record(void)
{
    g_autofree gchar *a = NULL, *b = NULL;
    make_chain(&a, &b);
    g_autoptr(GBytes) tip = get_record(BLOCKCHAIN_TIP_KEY, NULL, 0);
    const guint8 *tip_hash = g_bytes_get_data(tip, NULL);
    g_autoptr(GBytes) real = get_record(BLOCKCHAIN_BLOCK_PREFIX, tip_hash, BC_HASH_LEN);
    g_autoptr(GBytes) truncated = g_bytes_new_from_bytes(real, 0, g_bytes_get_size(real) / 2);
    g_autoptr(GBytes) garbage = g_bytes_new_static("garbage", 7);
    g_autoptr(GBytes) wrong_type = bc_variant_encode(g_variant_new("(s)", "not a block"));
    /* A real block, the genesis, under the tip's key: well-formed, but not the block asked for. */
    g_autoptr(GPtrArray) hashes = keys(BLOCKCHAIN_BLOCK_PREFIX);
    CU_ASSERT_EQUAL_FATAL(hashes->len, 2);
    const guint8 *genesis_hash = g_bytes_get_data(hashes->pdata[0], NULL);
    if (memcmp(genesis_hash, tip_hash, BC_HASH_LEN) == 0)
        genesis_hash = g_bytes_get_data(hashes->pdata[1], NULL);
    g_autoptr(GBytes) genesis = get_record(BLOCKCHAIN_BLOCK_PREFIX, genesis_hash, BC_HASH_LEN);
    GBytes *bad[] = {truncated, garbage, wrong_type, genesis};
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        put_record(BLOCKCHAIN_BLOCK_PREFIX, tip_hash, BC_HASH_LEN, bad[i]);
        g_autoptr(GBytes) before = file_bytes(db);
        RUN_FAILS("block", "send", "-from", b, "-to", a, "-amount", "1", "-mine");
        RUN_FAILS("block", "printchain");
        RUN_FAILS("block", "reindexutxo");
        assert_unchanged(db, before, "after a command on a corrupt block record");
    }
    put_record(BLOCKCHAIN_BLOCK_PREFIX, tip_hash, BC_HASH_LEN, real);

    /* The genesis block damaged instead: balances come from the UTXO set alone, so getbalance
     * never notices; B's send spends only from the newest block, which is all it reads. */
    put_record(BLOCKCHAIN_BLOCK_PREFIX, genesis_hash, BC_HASH_LEN, garbage);
    g_autoptr(GBytes) before = file_bytes(db);
    check_balance(a, 14);
    check_balance(b, 6);
    g_auto(BcRun) chain = bc_test_run(dir, env, "printchain", NULL);
    CU_ASSERT_EQUAL(chain.status, 1); /* after printing the newest block */
    CU_ASSERT_EQUAL(count(chain.out, "============ Block "), 1);
    CU_ASSERT_TRUE(g_str_has_prefix(chain.err, "error: "));
    RUN_FAILS("block", "reindexutxo");
    assert_unchanged(db, before, "after a command on a corrupt genesis record");
    RUN_OK("Success!\n", "send", "-from", b, "-to", a, "-amount", "1", "-mine");
    check_balance(a, 15);
    check_balance(b, 15);
    put_record(BLOCKCHAIN_BLOCK_PREFIX, genesis_hash, BC_HASH_LEN, genesis);
    check_reindex(4);
    check_balance(a, 15);
    check_balance(b, 15);
}

/* blockchain.db that is not a GDBM file, or a cut one: every command says so, nothing is
 * written. */
static void test_damaged_database_file(void)
{
    g_autofree gchar *a = NULL, *b = NULL;
    make_chain(&a, &b);
    g_autoptr(GBytes) whole = file_bytes(db);
    gsize len = g_bytes_get_size(whole);
    const gchar *data = g_bytes_get_data(whole, NULL);
    /* (GDBM files end in free space: a cut there loses nothing, and is not tried.) */
    const gsize cuts[] = {0, 10, len / 2, 3 * len / 4};
    for (guint i = 0; i < G_N_ELEMENTS(cuts) + 1; i++) {
        if (i < G_N_ELEMENTS(cuts))
            g_assert(g_file_set_contents(db, data, (gssize)cuts[i], NULL));
        else
            g_assert(g_file_set_contents(db, "not a database\n", -1, NULL));
        g_autoptr(GBytes) before = file_bytes(db);
        RUN_FAILS("", "getbalance", "-address", a);
        RUN_FAILS("", "send", "-from", a, "-to", b, "-amount", "1", "-mine");
        RUN_FAILS("", "reindexutxo");
        RUN_FAILS("", "printchain");
        RUN_FAILS("already exists", "createblockchain", "-address", a);
        assert_unchanged(db, before, "after a command on a damaged database");
    }
}

/* A damaged wallet.dat: send, createwallet and listaddresses refuse it and leave it alone. */
static void test_damaged_wallet_file(void)
{
    g_autofree gchar *a = NULL, *b = NULL;
    make_chain(&a, &b);
    g_autoptr(GBytes) wallets = file_bytes(wallet_file);
    gsize len = g_bytes_get_size(wallets);
    const gchar *contents[] = {g_bytes_get_data(wallets, NULL), "junk"};
    const gssize lengths[] = {(gssize)len / 2, 4};
    g_autoptr(GBytes) chain = file_bytes(db);
    for (guint i = 0; i < G_N_ELEMENTS(contents); i++) {
        g_assert(g_file_set_contents(wallet_file, contents[i], lengths[i], NULL));
        g_autoptr(GBytes) before = file_bytes(wallet_file);
        RUN_FAILS("wallet", "send", "-from", a, "-to", b, "-amount", "1", "-mine");
        RUN_FAILS("wallet", "createwallet");
        RUN_FAILS("wallet", "listaddresses");
        assert_unchanged(wallet_file, before, "after a command on a damaged wallet file");
        assert_unchanged(db, chain, "after a send with a damaged wallet file");
    }
}

void test_cli_bad_input_register(void)
{
    static const BcTest tests[] = {
        {"invalid addresses", test_invalid_addresses},
        {"a sender without a key", test_unknown_sender},
        {"not enough funds", test_insufficient_funds},
        {"usage errors exit 2", test_usage_errors},
        {"a corrupt UTXO record; reindexutxo repairs it", test_corrupt_utxo_record},
        {"a corrupt block record", test_corrupt_block_record},
        {"a damaged database file", test_damaged_database_file},
        {"a damaged wallet file", test_damaged_wallet_file},
        {NULL, NULL},
    };
    bc_test_add_suite("06/cli_bad_input", setup, teardown, tests);
}
