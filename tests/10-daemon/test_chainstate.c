/* test_chainstate.c: the UTXO set in its own file (chainstate_<NODE_ID>.db), with a marker written
 * last. A crash at any write of 'send -mine' (which adds its block through append_block, as a
 * block from a peer does) leaves a set that the next writer rebuilds (and a reader refuses), never
 * one that lets coins be spent twice; a record deleted, copied under another key, damaged or put
 * back after it was spent is refused as corrupt, not counted. */
#include <glib/gstdio.h>
#include <string.h>

#include "bc_store.h"
#include "bc_test.h"
#include "blockchain.h"
#include "utxo_set.h"

/* Every command runs as node 3000, at a low difficulty. */
static const gchar *const env[] = {"NODE_ID=3000", "BC_TARGET_BITS=8", NULL};

static gchar *dir, *db;

static void setup(void)
{
    dir = bc_test_tmpdir();
    db = g_build_filename(dir, "blockchain_3000.db", NULL);
}

static void teardown(void)
{
    bc_test_tmpdir_remove(dir);
    g_clear_pointer(&dir, g_free);
    g_clear_pointer(&db, g_free);
}

static void run_ok(const gchar *out, const gchar *const *args)
{
    g_auto(BcRun) run = bc_test_runv(dir, env, args);
    BC_ASSERT_RUN_OK(run);
    if (out != NULL)
        CU_ASSERT_STRING_EQUAL(run.out, out);
    CU_ASSERT_STRING_EQUAL(run.err, "");
}

#define RUN_OK(out, ...) run_ok(out, (const gchar *const[]){__VA_ARGS__, NULL})

static gchar *create_wallet(void)
{
    g_auto(BcRun) run = bc_test_run(dir, env, "createwallet", NULL);
    BC_ASSERT_RUN_OK(run);
    const gchar *prefix = "Your new address: ";
    CU_ASSERT_TRUE_FATAL(g_str_has_prefix(run.out, prefix));
    gchar *address = g_strdup(run.out + strlen(prefix));
    g_strchomp(address);
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

/* The keys of the UTXO set's records. */
static GPtrArray *utxo_keys(void)
{
    g_autofree gchar *chainstate = utxo_set_path_for(db);
    g_autoptr(BcStore) store = bc_store_open(chainstate, BC_STORE_READ, NULL);
    g_assert(store != NULL);
    GPtrArray *found = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
    g_assert(bc_store_foreach(store, UTXO_PREFIX, collect_key, found, NULL));
    return found;
}

static gchar *chainstate;

static void setup_chainstate(void)
{
    setup();
    chainstate = utxo_set_path_for(db);
}

static void teardown_chainstate(void)
{
    g_clear_pointer(&chainstate, g_free);
    teardown();
}

/* A, B and a chain of two blocks: A 17, B 3. */
static void make_chain(gchar **a, gchar **b)
{
    *a = create_wallet();
    *b = create_wallet();
    RUN_OK("Done!\n", "createblockchain", "-address", *a);
    RUN_OK("Success!\n", "send", "-from", *a, "-to", *b, "-amount", "3", "-mine");
}

static void copy_file(const gchar *from, const gchar *to)
{
    g_assert(bc_test_copy_file(from, to));
}

static gint64 balance_of(const gchar *address)
{
    g_auto(BcRun) run = bc_test_run(dir, env, "getbalance", "-address", address, NULL);
    BC_ASSERT_RUN_OK(run);
    const gchar *colon = strrchr(run.out, ':');
    return colon != NULL ? g_ascii_strtoll(colon + 1, NULL, 10) : -1;
}

static guint blocks(void)
{
    g_auto(BcRun) run = bc_test_run(dir, env, "printchain", NULL);
    BC_ASSERT_RUN_OK(run);
    return count(run.out, "============ Block ");
}

/* Crash 'send -mine' after each of its writes in turn (BC_TEST_CRASH_AFTER_WRITES), from the same
 * chain each time. Then: a reader either answers from a set that reflects the tip or refuses; the
 * next writer rebuilds a set left behind and says so; a send of everything A owns by the chain
 * succeeds, and afterwards the coins add up to 10 a block (no double spend) and a reindex
 * changes no balance. */
static void test_crash_sweep(void)
{
    g_autofree gchar *a = NULL, *b = NULL;
    make_chain(&a, &b);
    const gchar *names[] = {"blockchain_3000.db", "chainstate_3000.db", "wallet_3000.dat"};
    g_autofree gchar *saved = g_build_filename(dir, "saved", NULL);
    g_assert(g_mkdir(saved, 0700) == 0);
    for (guint f = 0; f < G_N_ELEMENTS(names); f++) {
        g_autofree gchar *from = g_build_filename(dir, names[f], NULL);
        g_autofree gchar *to = g_build_filename(saved, names[f], NULL);
        copy_file(from, to);
    }
    guint crashed = 0, refused = 0, rebuilt = 0, set_rolled = 0, rolled = 0;
    for (guint n = 1; n < 200; n++) {
        for (guint f = 0; f < G_N_ELEMENTS(names); f++) {
            g_autofree gchar *from = g_build_filename(saved, names[f], NULL);
            g_autofree gchar *to = g_build_filename(dir, names[f], NULL);
            copy_file(from, to);
        }
        g_autofree gchar *crash = g_strdup_printf("BC_TEST_CRASH_AFTER_WRITES=%u", n);
        const gchar *crash_env[] = {"NODE_ID=3000", "BC_TARGET_BITS=8", crash, NULL};
        g_auto(BcRun) run = bc_test_run(dir, crash_env, "send", "-from", a, "-to", b, "-amount",
                                        "5", "-mine", NULL);
        if (run.status == 0)
            break; /* fewer than N writes: every point is covered */
        CU_ASSERT_EQUAL_FATAL(run.status, 137);
        crashed++;
        /* The chain says who owns what: the send is in it or it is not. */
        guint height = blocks();
        CU_ASSERT_TRUE_FATAL(height == 2 || height == 3);
        gint64 a_owns = height == 2 ? 17 : 22, b_owns = height == 2 ? 3 : 8;
        g_auto(BcRun) reader = bc_test_run(dir, env, "getbalance", "-address", a, NULL);
        if (reader.status != 0) {
            BC_ASSERT_CONTAINS(reader.err, "run 'reindexutxo'");
            refused++;
        } else {
            g_autofree gchar *line =
                g_strdup_printf("Balance of '%s': %" G_GINT64_FORMAT "\n", a, a_owns);
            CU_ASSERT_STRING_EQUAL(reader.out, line);
        }
        /* Everything A owns, all at once: a set left behind would offer spent coins. */
        g_autofree gchar *all = g_strdup_printf("%" G_GINT64_FORMAT, a_owns);
        g_auto(BcRun) writer =
            bc_test_run(dir, env, "send", "-from", a, "-to", b, "-amount", all, "-mine", NULL);
        BC_ASSERT_RUN_OK(writer);
        /* Chapter 9: a set the crash left behind the tip is rolled forward with the undo data,
         * never rebuilt from the whole chain. */
        if (strstr(writer.err, "rebuilding it from the chain") != NULL)
            rebuilt++;
        if (strstr(writer.err, "rolled the set back 0 blocks and forward 1") != NULL)
            set_rolled++;
        /* Chapter 9: a crash after the mined block and its index entry were written, before the
         * tip moved, is rolled forward when the writer opens the chain: the send of 5 is in,
         * and the send of everything A owned before it leaves A 5 and the new reward. */
        gboolean forward = strstr(writer.err, "moving to") != NULL;
        rolled += forward;
        CU_ASSERT_EQUAL(blocks(), height + 1 + forward);
        gint64 a_now = forward ? 15 : 10, b_now = forward ? 25 : b_owns + a_owns;
        CU_ASSERT_EQUAL(balance_of(a), a_now);
        CU_ASSERT_EQUAL(balance_of(b), b_now);
        RUN_OK(NULL, "reindexutxo");
        CU_ASSERT_EQUAL(balance_of(a), a_now);
        CU_ASSERT_EQUAL(balance_of(b), b_now);
    }
    CU_ASSERT_TRUE(rolled >= 1);
    /* The sweep went through the window where the tip has moved and the marker has not. */
    CU_ASSERT_TRUE(crashed >= 4);
    CU_ASSERT_TRUE(refused >= 1);
    CU_ASSERT_EQUAL(rebuilt, 0);
    CU_ASSERT_TRUE(set_rolled >= 1);
}

static GBytes *get_utxo(const guint8 *key)
{
    g_autoptr(BcStore) store = bc_store_open(chainstate, BC_STORE_READ, NULL);
    g_assert(store != NULL);
    return bc_store_get(store, UTXO_PREFIX, key, BC_HASH_LEN, NULL);
}

static void put_utxo(const guint8 *key, GBytes *value)
{
    g_autoptr(BcStore) store = bc_store_open(chainstate, BC_STORE_WRITE, NULL);
    g_assert(store != NULL);
    if (value != NULL)
        g_assert(bc_store_put(store, UTXO_PREFIX, key, BC_HASH_LEN, value, NULL));
    else
        g_assert(bc_store_delete(store, UTXO_PREFIX, key, BC_HASH_LEN, NULL));
}

#define RUN_REFUSED(needle, ...)                                                                   \
    do {                                                                                           \
        g_auto(BcRun) run_ = bc_test_run(dir, env, __VA_ARGS__, NULL);                             \
        CU_ASSERT_EQUAL(run_.status, 1);                                                           \
        BC_ASSERT_CONTAINS(run_.err, needle);                                                      \
    } while (0)

/* Each damage, then getbalance and send refuse it, and reindexutxo repairs it. */
static void test_damaged_records_refused(void)
{
    g_autofree gchar *a = NULL, *b = NULL;
    make_chain(&a, &b);
    g_autoptr(GPtrArray) txids = utxo_keys();
    CU_ASSERT_EQUAL_FATAL(txids->len, 2);
    const guint8 *first = g_bytes_get_data(txids->pdata[0], NULL);
    const guint8 *second = g_bytes_get_data(txids->pdata[1], NULL);
    g_autoptr(GBytes) record = get_utxo(first);
    g_autoptr(GBytes) other = get_utxo(second);
    for (guint damage = 0; damage < 4; damage++) {
        const gchar *needle = NULL;
        if (damage == 0) { /* deleted */
            put_utxo(first, NULL);
            needle = "does not match its marker";
        } else if (damage == 1) { /* a sound record copied under another key */
            put_utxo(first, other);
            needle = "names another transaction";
        } else if (damage == 2) { /* one byte of an output's value changed */
            gsize len = 0;
            const guint8 *data = g_bytes_get_data(record, &len);
            g_assert(len > BC_HASH_LEN + 16);
            g_autoptr(GByteArray) bytes = g_byte_array_new();
            g_byte_array_append(bytes, data, (guint)len);
            bytes->data[BC_HASH_LEN + 8] ^= 0x01; /* the first output's value (after its index) */
            g_autoptr(GBytes) flipped = g_bytes_new(bytes->data, bytes->len);
            put_utxo(first, flipped);
            needle = "does not match its checksum";
        } else { /* a record nobody wrote, in the right form: the sums are off */
            guint8 made_up[BC_HASH_LEN] = {0x42};
            GArray *outputs = g_array_new(FALSE, FALSE, sizeof(UnspentOutput));
            UnspentOutput u = {.index = 0, .value = 50};
            memcpy(u.txid, made_up, BC_HASH_LEN);
            g_array_append_val(outputs, u);
            g_autoptr(GBytes) forged = utxo_record_encode(made_up, outputs);
            g_array_unref(outputs);
            put_utxo(made_up, forged);
            needle = "does not match its marker";
        }
        RUN_REFUSED(needle, "getbalance", "-address", a);
        RUN_REFUSED(needle, "send", "-from", a, "-to", b, "-amount", "1", "-mine");
        check_reindex(2);
        check_balance(a, 17);
        check_balance(b, 3);
    }
}

/* A set put back to what it was before the last block (a restored backup, or the crash the
 * sweep simulates by other means): its marker names the block before the tip. A reader
 * refuses it; a writer rolls it forward with the block's undo data (chapter 9: chapter 7
 * rebuilt it), says so, and the coins spent in the last block stay spent. */
static void test_old_set_rolled(void)
{
    g_autofree gchar *a = create_wallet();
    g_autofree gchar *b = create_wallet();
    RUN_OK("Done!\n", "createblockchain", "-address", a);
    g_autofree gchar *old = g_build_filename(dir, "old-chainstate_3000.db", NULL);
    copy_file(chainstate, old);
    RUN_OK("Success!\n", "send", "-from", a, "-to", b, "-amount", "10", "-mine");
    copy_file(old, chainstate);
    RUN_REFUSED("run 'reindexutxo'", "getbalance", "-address", a);
    /* The old set would still offer the genesis reward: this must fail for lack of funds. */
    g_auto(BcRun) run =
        bc_test_run(dir, env, "send", "-from", a, "-to", b, "-amount", "15", "-mine", NULL);
    CU_ASSERT_EQUAL(run.status, 1);
    BC_ASSERT_CONTAINS(run.err, "rolled the set back 0 blocks and forward 1");
    CU_ASSERT_PTR_NULL(strstr(run.err, "rebuilding"));
    BC_ASSERT_CONTAINS(run.err, "not enough funds");
    check_balance(a, 10);
    check_balance(b, 10);
}

void test_chainstate_register(void)
{
    static const BcTest tests[] = {
        {"a crash after any write of send -mine: no double spend, the set rolled forward",
         test_crash_sweep},
        {"a deleted, copied, damaged or made-up record is refused", test_damaged_records_refused},
        {"a set older than the tip is refused by readers, rolled forward by writers",
         test_old_set_rolled},
        {0},
    };
    bc_test_add_suite("10/chainstate", setup_chainstate, teardown_chainstate, tests);
}
