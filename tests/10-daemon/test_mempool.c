/* test_mempool.c: the pool keeps arrival order and refuses conflicting transactions. */
#include <string.h>

#include "bc_error.h"
#include "bc_hex.h"
#include "bc_test.h"
#include "mempool.h"

static void make_id(guint8 id[BC_HASH_LEN], guint8 n)
{
    memset(id, 0, BC_HASH_LEN);
    id[0] = n;
}

static Outpoint outpoint(guint8 tx, gint32 index)
{
    Outpoint o;
    make_id(o.txid, tx);
    o.index = index;
    return o;
}

/* Adds transaction N (bytes "tx N") spending SPENDS; returns the error, NULL on success. */
static GError *add(Mempool *pool, guint8 n, const Outpoint *spends, gsize n_spends)
{
    guint8 id[BC_HASH_LEN];
    make_id(id, n);
    g_autofree gchar *text = g_strdup_printf("tx %u", n);
    g_autoptr(GBytes) tx = g_bytes_new(text, strlen(text));
    GError *error = NULL;
    gboolean ok = mempool_add(pool, id, tx, spends, n_spends, &error);
    CU_ASSERT_TRUE(ok == (error == NULL));
    return error;
}

static void add_ok(Mempool *pool, guint8 n, guint8 spends_tx)
{
    Outpoint spend = outpoint(spends_tx, 0);
    GError *error = add(pool, n, &spend, 1);
    if (error != NULL)
        g_printerr("\n  unexpected error: %s\n", error->message);
    CU_ASSERT_PTR_NULL(error);
    g_clear_error(&error);
}

static gboolean remove_id(Mempool *pool, guint8 n)
{
    guint8 id[BC_HASH_LEN];
    make_id(id, n);
    return mempool_remove(pool, id);
}

static gboolean collect(const guint8 txid[BC_HASH_LEN], GBytes *tx, gpointer user_data)
{
    (void)tx;
    GString *order = user_data;
    g_string_append_printf(order, "%u ", txid[0]);
    return order->len < 6; /* stops after three */
}

static void test_add_get_remove(void)
{
    g_autoptr(Mempool) pool = mempool_new();
    CU_ASSERT_EQUAL(mempool_count(pool), 0);
    add_ok(pool, 1, 100);
    add_ok(pool, 2, 101);
    CU_ASSERT_EQUAL(mempool_count(pool), 2);
    guint8 id[BC_HASH_LEN];
    make_id(id, 2);
    CU_ASSERT_TRUE(mempool_contains(pool, id));
    GBytes *tx = mempool_get(pool, id);
    CU_ASSERT_PTR_NOT_NULL_FATAL(tx);
    CU_ASSERT_EQUAL(g_bytes_get_size(tx), 4);
    CU_ASSERT_EQUAL(memcmp(g_bytes_get_data(tx, NULL), "tx 2", 4), 0);

    CU_ASSERT_TRUE(remove_id(pool, 2));
    CU_ASSERT_FALSE(mempool_contains(pool, id));
    CU_ASSERT_PTR_NULL(mempool_get(pool, id));
    CU_ASSERT_FALSE(remove_id(pool, 2)); /* already gone */
    CU_ASSERT_EQUAL(mempool_count(pool), 1);
}

static void test_arrival_order(void)
{
    g_autoptr(Mempool) pool = mempool_new();
    for (guint8 n = 1; n <= 5; n++)
        add_ok(pool, n, (guint8)(100 + n));
    CU_ASSERT_TRUE(remove_id(pool, 3));
    add_ok(pool, 9, 200);
    g_autoptr(GString) order = g_string_new("");
    mempool_foreach(pool, collect, order);
    CU_ASSERT_STRING_EQUAL(order->str, "1 2 4 "); /* stopped by collect after three */
    CU_ASSERT_TRUE(remove_id(pool, 1));
    g_string_truncate(order, 0);
    mempool_foreach(pool, collect, order);
    CU_ASSERT_STRING_EQUAL(order->str, "2 4 5 ");
    CU_ASSERT_TRUE(remove_id(pool, 2) && remove_id(pool, 4));
    g_string_truncate(order, 0);
    mempool_foreach(pool, collect, order);
    CU_ASSERT_STRING_EQUAL(order->str, "5 9 ");
}

static void test_duplicate(void)
{
    g_autoptr(Mempool) pool = mempool_new();
    add_ok(pool, 1, 100);
    Outpoint other = outpoint(101, 0);
    g_autoptr(GError) error = add(pool, 1, &other, 1);
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_EXISTS));
    BC_ASSERT_CONTAINS(error->message, "is already in the mempool");
    CU_ASSERT_EQUAL(mempool_count(pool), 1);
    CU_ASSERT_PTR_NULL(mempool_spender(pool, &other));
}

static void test_conflict(void)
{
    g_autoptr(Mempool) pool = mempool_new();
    Outpoint a[] = {outpoint(100, 0), outpoint(100, 1)};
    g_autoptr(GError) first = add(pool, 1, a, 2);
    CU_ASSERT_PTR_NULL(first);

    /* Transaction 2 spends 100:5 (free) and 100:1, which transaction 1 spends. */
    Outpoint b[] = {outpoint(100, 5), outpoint(100, 1)};
    g_autoptr(GError) error = add(pool, 2, b, 2);
    CU_ASSERT_TRUE_FATAL(g_error_matches(error, BC_ERROR, BC_ERROR_INVALID));
    g_autofree gchar *one = bc_hex_encode(a[0].txid, BC_HASH_LEN);
    g_autofree gchar *spent = g_strdup_printf("spends output %s:1, already spent by pooled "
                                              "transaction ",
                                              one);
    BC_ASSERT_CONTAINS(error->message, spent);
    CU_ASSERT_EQUAL(mempool_count(pool), 1);
    /* Nothing of the refused transaction stayed behind: 100:5 is still free. */
    CU_ASSERT_PTR_NULL(mempool_spender(pool, &b[0]));
    const guint8 *spender = mempool_spender(pool, &a[1]);
    CU_ASSERT_TRUE(spender != NULL && spender[0] == 1);

    /* Another output of the same transaction is no conflict. */
    Outpoint c = outpoint(100, 2);
    g_autoptr(GError) none = add(pool, 3, &c, 1);
    CU_ASSERT_PTR_NULL(none);

    /* Once transaction 1 is gone (mined, say), its outputs are free again. */
    CU_ASSERT_TRUE(remove_id(pool, 1));
    CU_ASSERT_PTR_NULL(mempool_spender(pool, &a[1]));
    g_autoptr(GError) later = add(pool, 2, b, 2);
    CU_ASSERT_PTR_NULL(later);
    spender = mempool_spender(pool, &b[1]);
    CU_ASSERT_TRUE(spender != NULL && spender[0] == 2);
}

static void test_invalid_spends(void)
{
    g_autoptr(Mempool) pool = mempool_new();
    g_autoptr(GError) nothing = add(pool, 1, NULL, 0);
    CU_ASSERT_TRUE(g_error_matches(nothing, BC_ERROR, BC_ERROR_INVALID));
    BC_ASSERT_CONTAINS(nothing->message, "spends nothing");

    Outpoint twice[] = {outpoint(100, 0), outpoint(100, 0)};
    g_autoptr(GError) error = add(pool, 1, twice, 2);
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_INVALID));
    BC_ASSERT_CONTAINS(error->message, ":0 twice");

    Outpoint negative = outpoint(100, -1); /* how the original marks a coinbase input */
    g_autoptr(GError) coinbase = add(pool, 1, &negative, 1);
    CU_ASSERT_TRUE(g_error_matches(coinbase, BC_ERROR, BC_ERROR_INVALID));
    BC_ASSERT_CONTAINS(coinbase->message, "negative index");

    CU_ASSERT_EQUAL(mempool_count(pool), 0);
    CU_ASSERT_PTR_NULL(mempool_spender(pool, &twice[0]));
}

static void test_full(void)
{
    g_autoptr(Mempool) pool = mempool_new();
    for (guint i = 0; i < MEMPOOL_MAX_TRANSACTIONS; i++) {
        guint8 id[BC_HASH_LEN] = {0};
        memcpy(id, &i, sizeof i);
        id[BC_HASH_LEN - 1] = 0xaa; /* never one of make_id's IDs */
        Outpoint spend = {.index = i};
        g_autoptr(GBytes) tx = g_bytes_new_static("tx", 2);
        CU_ASSERT_TRUE(mempool_add(pool, id, tx, &spend, 1, NULL));
    }
    CU_ASSERT_EQUAL(mempool_count(pool), MEMPOOL_MAX_TRANSACTIONS);
    Outpoint spend = outpoint(200, 0);
    g_autoptr(GError) error = add(pool, 255, &spend, 1);
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_TOO_LARGE));
    BC_ASSERT_CONTAINS(error->message, "the mempool is full");
}

void test_mempool_register(void)
{
    static const BcTest tests[] = {
        {"add, get, remove", test_add_get_remove},
        {"iteration in arrival order", test_arrival_order},
        {"the same transaction twice", test_duplicate},
        {"two transactions spending one output", test_conflict},
        {"no inputs, an input twice, a negative index", test_invalid_spends},
        {"a full pool refuses more", test_full},
        {NULL, NULL},
    };
    bc_test_add_suite("10/mempool", NULL, NULL, tests);
}
