/* test_utxo_set.c: the UTXO set kept block by block equals the one rebuilt from the chain, after
 * every step of a long random sequence of sends; spent outputs leave it, the rest keep their
 * original indexes; double spends and repeated transaction IDs are refused. (Damaged records:
 * test_utxo_record.c.) */
#include <stdarg.h>
#include <string.h>

#include "bc_error.h"
#include "bc_hex.h"
#include "bc_store.h"
#include "bc_test.h"
#include "bc_variant.h"
#include "blockchain.h"
#include "utxo_set.h"
#include "wallet.h"

#define N_WALLETS 4
#include "wallets_fixture.h"

/* A chain whose genesis pays wallet 0. */
static Blockchain *create(void)
{
    g_autoptr(GError) error = NULL;
    Blockchain *bc = blockchain_create(db, addresses[0], TEST_BITS, &error);
    g_assert_no_error(error);
    g_assert(bc != NULL);
    return bc;
}

static void pubkey_hash(guint w, guint8 out[BC_RIPEMD160_LEN])
{
    wallet_hash_pubkey(wallet_public_key(wallets[w]), out);
}

/* Wallet W's balance read from the set, or -1 (a failed check) when the set cannot be read. */
static gint64 balance(Blockchain *bc, guint w)
{
    guint8 hash[BC_RIPEMD160_LEN];
    pubkey_hash(w, hash);
    UtxoSet set = {bc};
    g_autoptr(GError) error = NULL;
    g_autoptr(GArray) unspent = utxo_set_find_unspent(&set, hash, &error);
    CU_ASSERT_PTR_NOT_NULL(unspent);
    if (unspent == NULL) {
        g_printerr("\n  %s\n", error != NULL ? error->message : "(no error set)");
        return -1;
    }
    gint64 sum = 0;
    for (guint i = 0; i < unspent->len; i++)
        sum += g_array_index(unspent, UnspentOutput, i).value;
    return sum;
}

/* Mines TXS (taken) behind a coinbase that pays wallet MINER. */
static gboolean mine(Blockchain *bc, GPtrArray *txs, guint miner, GError **error)
{
    g_autoptr(GPtrArray) block = g_ptr_array_new_with_free_func((GDestroyNotify)transaction_free);
    Transaction *coinbase = transaction_new_coinbase(addresses[miner], NULL, error);
    g_assert(coinbase != NULL);
    g_ptr_array_add(block, coinbase);
    for (guint i = 0; i < txs->len; i++)
        g_ptr_array_add(block, g_ptr_array_steal_index(txs, i--));
    return blockchain_mine_block(bc, block, error);
}

/* A signed transaction from wallet FROM to wallet TO, not mined; NULL on failure. */
static Transaction *new_tx(Blockchain *bc, guint from, guint to, gint64 amount, GError **error)
{
    return transaction_new_utxo(wallets[from], addresses[to], amount, bc, error);
}

/* A failed check that stops the test, showing ERROR. */
#define ASSERT_OK(ok, error)                                                                       \
    do {                                                                                           \
        if (!(ok))                                                                                 \
            g_printerr("\n  %s\n", (error) != NULL ? (error)->message : "(no error set)");         \
        CU_ASSERT_TRUE_FATAL(ok);                                                                  \
    } while (0)

/* Sends and mines in one block, the reward to MINER; returns the transaction's ID. */
static void must_send(Blockchain *bc, guint from, guint to, gint64 amount, guint miner,
                      guint8 txid[BC_HASH_LEN])
{
    g_autoptr(GError) error = NULL;
    Transaction *tx = new_tx(bc, from, to, amount, &error);
    ASSERT_OK(tx != NULL, error);
    if (txid != NULL)
        memcpy(txid, tx->id, BC_HASH_LEN);
    g_autoptr(GPtrArray) txs = g_ptr_array_new_with_free_func((GDestroyNotify)transaction_free);
    g_ptr_array_add(txs, tx);
    gboolean ok = mine(bc, txs, miner, &error);
    ASSERT_OK(ok, error);
}

/* The outputs array of a record (txid, outputs, checksum), read independently of
 * utxo_record_decode; NULL when the bytes are not in normal form. */
static GVariant *outputs_of(GBytes *raw)
{
    g_autoptr(GVariant) v =
        g_variant_ref_sink(g_variant_new_from_bytes(G_VARIANT_TYPE("(aya(uxay)ay)"), raw, TRUE));
    if (!g_variant_is_normal_form(v))
        return NULL;
    return g_variant_get_child_value(v, 1);
}

/* Every unspent output in the 'c' records as "txid:index:value:pubkeyhash", decoded here with
 * GVariant directly (the record format, pinned independently of utxo_set.c), sorted. */
static gboolean collect_rows(const guint8 *key, gsize key_len, GBytes *value, gpointer user_data)
{
    GPtrArray *rows = user_data;
    g_autofree gchar *txid = bc_hex_encode(key, key_len);
    g_autoptr(GVariant) v = outputs_of(value);
    if (v == NULL || g_variant_n_children(v) == 0) {
        g_ptr_array_add(rows, g_strdup_printf("%s: malformed record", txid));
        return TRUE;
    }
    for (gsize i = 0; i < g_variant_n_children(v); i++) {
        guint32 index = 0;
        gint64 amount = 0;
        g_autoptr(GVariant) hash = NULL;
        g_variant_get_child(v, i, "(ux@ay)", &index, &amount, &hash);
        gsize len = 0;
        const guint8 *data = g_variant_get_fixed_array(hash, &len, 1);
        g_autofree gchar *hash_hex = bc_hex_encode(data, len);
        g_ptr_array_add(
            rows, g_strdup_printf("%s:%u:%" G_GINT64_FORMAT ":%s", txid, index, amount, hash_hex));
    }
    return TRUE;
}

static gint compare_rows(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const gchar *const *)a, *(const gchar *const *)b);
}

static GPtrArray *snapshot(Blockchain *bc)
{
    GPtrArray *rows = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) error = NULL;
    gboolean ok = bc_store_foreach(bc->chainstate, UTXO_PREFIX, collect_rows, rows, &error);
    g_assert_no_error(error);
    g_assert(ok);
    g_ptr_array_sort(rows, compare_rows);
    return rows;
}

/* TRUE when both snapshots hold the same rows; prints the first difference otherwise. */
static gboolean same_rows(GPtrArray *a, GPtrArray *b, const gchar *what)
{
    for (guint i = 0; i < MAX(a->len, b->len); i++) {
        const gchar *x = i < a->len ? a->pdata[i] : "(none)";
        const gchar *y = i < b->len ? b->pdata[i] : "(none)";
        if (strcmp(x, y) != 0) {
            g_printerr("\n  %s: row %u differs:\n    %s\n    %s\n", what, i, x, y);
            return FALSE;
        }
    }
    return TRUE;
}

/* How many distinct transactions the rows name. */
static guint count_txids(GPtrArray *rows)
{
    guint n = 0;
    for (guint i = 0; i < rows->len; i++)
        if (i == 0 || strncmp(rows->pdata[i], rows->pdata[i - 1], 2 * BC_HASH_LEN) != 0)
            n++;
    return n;
}

/* Rebuilds the set and checks that it is what the incremental updates had made. */
static void assert_reindex_changes_nothing(Blockchain *bc, const gchar *what)
{
    g_autoptr(GPtrArray) incremental = snapshot(bc);
    UtxoSet set = {bc};
    guint count = 0, counted = 0;
    g_autoptr(GError) error = NULL;
    CU_ASSERT_TRUE_FATAL(utxo_set_reindex(&set, &count, &error));
    g_autoptr(GPtrArray) rebuilt = snapshot(bc);
    CU_ASSERT_TRUE(same_rows(incremental, rebuilt, what));
    CU_ASSERT_EQUAL(count, count_txids(rebuilt));
    CU_ASSERT_TRUE(utxo_set_count_transactions(&set, &counted, &error));
    CU_ASSERT_EQUAL(counted, count);
}

/* A wallet among those with coins, or -1 when none (but EXCEPT) has any. */
static gint pick_sender(GRand *rand, const gint64 *balances, gint except)
{
    guint candidates[N_WALLETS], n = 0;
    for (guint w = 0; w < N_WALLETS; w++)
        if (balances[w] > 0 && (gint)w != except)
            candidates[n++] = w;
    return n == 0 ? -1 : (gint)candidates[g_rand_int_range(rand, 0, (gint32)n)];
}

/* The heart of the chapter: after each of many random blocks (one or two sends from random
 * wallets, random amounts, the reward to a random wallet), the set updated block by block is
 * exactly the set rebuilt from the whole chain, and the balances are what the sends add up to. */
static void test_incremental_equals_reindex(void)
{
    g_autoptr(Blockchain) bc = create();
    g_autoptr(GRand) rand = g_rand_new_with_seed(20170913);
    gint64 balances[N_WALLETS] = {SUBSIDY, 0, 0, 0};
    guint blocks = 1;
    assert_reindex_changes_nothing(bc, "genesis");
    for (guint step = 0; step < 120; step++) {
        g_autoptr(GPtrArray) txs = g_ptr_array_new_with_free_func((GDestroyNotify)transaction_free);
        /* One send, or two from different wallets, in the same block. */
        guint n_sends = g_rand_int_range(rand, 0, 3) == 0 ? 2 : 1;
        gint first = -1;
        gint64 delta[N_WALLETS] = {0};
        for (guint s = 0; s < n_sends; s++) {
            gint from = pick_sender(rand, balances, first);
            if (from < 0)
                break;
            guint to = (guint)g_rand_int_range(rand, 0, N_WALLETS);
            gint64 amount = g_rand_int_range(rand, 1, (gint32)balances[from] + 1);
            g_autoptr(GError) error = NULL;
            Transaction *tx = new_tx(bc, (guint)from, to, amount, &error);
            ASSERT_OK(tx != NULL, error);
            g_ptr_array_add(txs, tx);
            delta[from] -= amount;
            delta[to] += amount;
            first = from;
        }
        guint miner = (guint)g_rand_int_range(rand, 0, N_WALLETS);
        g_autoptr(GError) error = NULL;
        gboolean ok = mine(bc, txs, miner, &error);
        ASSERT_OK(ok, error);
        blocks++;
        delta[miner] += SUBSIDY;
        for (guint w = 0; w < N_WALLETS; w++)
            balances[w] += delta[w];

        g_autofree gchar *what = g_strdup_printf("after block %u", blocks);
        assert_reindex_changes_nothing(bc, what);
        gint64 total = 0;
        for (guint w = 0; w < N_WALLETS; w++) {
            CU_ASSERT_EQUAL(balance(bc, w), balances[w]);
            total += balances[w];
        }
        /* No fees: every coin ever mined is still somewhere in the set. */
        CU_ASSERT_EQUAL(total, (gint64)SUBSIDY * blocks);
    }
}

/* The record of TXID, decoded as "index:value" pairs, or "" when there is none. */
static gchar *record_of(Blockchain *bc, const guint8 txid[BC_HASH_LEN])
{
    g_autoptr(GBytes) raw = bc_store_get(bc->chainstate, UTXO_PREFIX, txid, BC_HASH_LEN, NULL);
    if (raw == NULL)
        return g_strdup("");
    g_autoptr(GVariant) v = outputs_of(raw);
    if (v == NULL)
        return g_strdup("malformed");
    GString *s = g_string_new(NULL);
    for (gsize i = 0; i < g_variant_n_children(v); i++) {
        guint32 index = 0;
        gint64 value = 0;
        g_autoptr(GVariant) hash = NULL;
        g_variant_get_child(v, i, "(ux@ay)", &index, &value, &hash);
        g_string_append_printf(s, "%s%u:%" G_GINT64_FORMAT, i > 0 ? " " : "", index, value);
    }
    return g_string_free(s, FALSE);
}

#define ASSERT_RECORD(bc, txid, expected)                                                          \
    do {                                                                                           \
        g_autofree gchar *got_ = record_of(bc, txid);                                              \
        if (strcmp(got_, expected) != 0)                                                           \
            g_printerr("\n  record \"%s\", expected \"%s\"\n", got_, expected);                    \
        CU_ASSERT_STRING_EQUAL(got_, expected);                                                    \
    } while (0)

/* Wallet 0 pays 3 to wallet 1 out of its 10: outputs 0 (3 to wallet 1) and 1 (7 of change).
 * When output 0 is spent, the record keeps output 1 under index 1, and spending it later works
 * (the Go original renumbered it 0, and that later input pointed at the wrong output). */
static void test_partial_spend_keeps_index(void)
{
    g_autoptr(Blockchain) bc = create();
    guint8 tx1[BC_HASH_LEN];
    must_send(bc, 0, 1, 3, 2, tx1);
    ASSERT_RECORD(bc, tx1, "0:3 1:7");
    must_send(bc, 1, 2, 3, 2, NULL); /* spends tx1's output 0 */
    ASSERT_RECORD(bc, tx1, "1:7");
    UtxoSet set = {bc};
    guint8 hash[BC_RIPEMD160_LEN];
    pubkey_hash(0, hash);
    g_autoptr(GArray) unspent = utxo_set_find_unspent(&set, hash, NULL);
    CU_ASSERT_EQUAL_FATAL(unspent->len, 1);
    const UnspentOutput *u = &g_array_index(unspent, UnspentOutput, 0);
    CU_ASSERT_EQUAL(u->index, 1);
    CU_ASSERT_EQUAL(u->value, 7);
    CU_ASSERT_EQUAL(memcmp(u->txid, tx1, BC_HASH_LEN), 0);
    CU_ASSERT_EQUAL(memcmp(u->pubkey_hash, hash, BC_RIPEMD160_LEN), 0);
    assert_reindex_changes_nothing(bc, "one output spent");
    ASSERT_RECORD(bc, tx1, "1:7");

    /* Wallet 0 spends the 7, which its input must name as output 1. */
    g_autoptr(GError) error = NULL;
    Transaction *tx = new_tx(bc, 0, 3, 7, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(tx);
    CU_ASSERT_EQUAL_FATAL(tx->vin->len, 1);
    CU_ASSERT_EQUAL(((const TxInput *)g_ptr_array_index(tx->vin, 0))->vout, 1);
    g_autoptr(GPtrArray) txs = g_ptr_array_new_with_free_func((GDestroyNotify)transaction_free);
    g_ptr_array_add(txs, tx);
    CU_ASSERT_TRUE(mine(bc, txs, 2, &error));
    g_assert_no_error(error);
    /* Fully spent: the record is gone, not left empty. */
    CU_ASSERT_FALSE(bc_store_contains(bc->chainstate, UTXO_PREFIX, tx1, BC_HASH_LEN, NULL));
    CU_ASSERT_EQUAL(balance(bc, 0), 0);
    CU_ASSERT_EQUAL(balance(bc, 3), 7);
    assert_reindex_changes_nothing(bc, "both outputs spent");
}

/* The genesis coinbase leaves the set once spent; a new block's coinbase enters it. */
static void test_spent_output_disappears(void)
{
    g_autoptr(Blockchain) bc = create();
    g_autoptr(GPtrArray) before = snapshot(bc);
    CU_ASSERT_EQUAL_FATAL(before->len, 1);
    guint8 tx[BC_HASH_LEN];
    must_send(bc, 0, 1, 10, 1, tx); /* all of it: no change output */
    g_autoptr(GPtrArray) after = snapshot(bc);
    CU_ASSERT_EQUAL_FATAL(after->len, 2); /* the send's one output, and the new coinbase */
    for (guint i = 0; i < after->len; i++)
        CU_ASSERT_NOT_EQUAL(strcmp(after->pdata[i], before->pdata[0]), 0);
    ASSERT_RECORD(bc, tx, "0:10");
    CU_ASSERT_EQUAL(balance(bc, 0), 0);
    CU_ASSERT_EQUAL(balance(bc, 1), 20);
}

static void assert_tip(Blockchain *bc, const guint8 tip[BC_HASH_LEN])
{
    CU_ASSERT_EQUAL(memcmp(bc->tip, tip, BC_HASH_LEN), 0);
    g_autoptr(GBytes) stored = bc_store_get(bc->store, BLOCKCHAIN_TIP_KEY, NULL, 0, NULL);
    CU_ASSERT_TRUE(stored != NULL && memcmp(g_bytes_get_data(stored, NULL), tip, BC_HASH_LEN) == 0);
}

/* A copy of TX, through its serialized form. */
static Transaction *tx_copy(const Transaction *tx)
{
    g_autoptr(GBytes) raw = transaction_serialize(tx);
    Transaction *copy = transaction_deserialize(raw, NULL);
    g_assert(copy != NULL);
    return copy;
}

/* A GPtrArray owning copies of the NULL-terminated transactions. */
static GPtrArray *tx_list(const Transaction *first, ...)
{
    GPtrArray *txs = g_ptr_array_new_with_free_func((GDestroyNotify)transaction_free);
    va_list ap;
    va_start(ap, first);
    for (const Transaction *tx = first; tx != NULL; tx = va_arg(ap, const Transaction *))
        g_ptr_array_add(txs, tx_copy(tx));
    va_end(ap);
    return txs;
}

/* Two transactions spending the same output: refused together in one block, and the second one
 * refused after the first is mined. Nothing is written either time. */
static void test_double_spend(void)
{
    g_autoptr(Blockchain) bc = create();
    g_autoptr(GError) error = NULL;
    /* Both built from the same set, so both spend the genesis output. */
    g_autoptr(Transaction) a = new_tx(bc, 0, 1, 4, &error);
    g_autoptr(Transaction) b = new_tx(bc, 0, 2, 5, &error);
    g_assert_no_error(error);
    guint8 tip[BC_HASH_LEN];
    memcpy(tip, bc->tip, BC_HASH_LEN);
    g_autoptr(GPtrArray) rows = snapshot(bc);

    UtxoSet set = {bc};
    g_autoptr(GPtrArray) both = tx_list(a, b, NULL);
    CU_ASSERT_FALSE(utxo_set_check_unspent(&set, both, &error));
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_INVALID));
    BC_ASSERT_CONTAINS(error != NULL ? error->message : "", "double spend");
    g_clear_error(&error);
    CU_ASSERT_FALSE(mine(bc, both, 0, &error));
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_INVALID));
    g_clear_error(&error);
    assert_tip(bc, tip);
    g_autoptr(GPtrArray) unchanged = snapshot(bc);
    CU_ASSERT_TRUE(same_rows(rows, unchanged, "after a refused double spend"));

    /* A alone is fine; B afterwards spends what A spent. */
    g_autoptr(GPtrArray) only_a = tx_list(a, NULL);
    CU_ASSERT_TRUE_FATAL(mine(bc, only_a, 0, &error));
    memcpy(tip, bc->tip, BC_HASH_LEN);
    g_autoptr(GPtrArray) rows_a = snapshot(bc);
    g_autoptr(GPtrArray) only_b = tx_list(b, NULL);
    CU_ASSERT_FALSE(utxo_set_check_unspent(&set, only_b, &error));
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_INVALID));
    BC_ASSERT_CONTAINS(error != NULL ? error->message : "", "spent already");
    g_clear_error(&error);
    CU_ASSERT_FALSE(mine(bc, only_b, 0, &error));
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_INVALID));
    g_clear_error(&error);
    assert_tip(bc, tip);
    g_autoptr(GPtrArray) rows_after = snapshot(bc);
    CU_ASSERT_TRUE(same_rows(rows_a, rows_after, "after a refused spend of a spent output"));
    CU_ASSERT_EQUAL(balance(bc, 0), 6 + SUBSIDY);
    CU_ASSERT_EQUAL(balance(bc, 1), 4);
    CU_ASSERT_EQUAL(balance(bc, 2), 0);
}

/* A transaction ID seen before is refused: twice in one block (a coinbase too), or again while
 * the first copy still has unspent outputs. Otherwise the set would count it once and a reindex
 * of the chain twice. (Coinbases made with NULL data never repeat: their data is random.) */
static void test_duplicate_transaction(void)
{
    g_autoptr(Blockchain) bc = create();
    guint8 tip[BC_HASH_LEN];
    memcpy(tip, bc->tip, BC_HASH_LEN);
    g_autoptr(GError) error = NULL;
    g_autoptr(Transaction) coinbase = transaction_new_coinbase(addresses[1], "same data", &error);
    g_autoptr(GPtrArray) twice = tx_list(coinbase, coinbase, NULL);
    CU_ASSERT_FALSE(blockchain_mine_block(bc, twice, &error));
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_INVALID));
    g_clear_error(&error);
    assert_tip(bc, tip);
    CU_ASSERT_EQUAL(balance(bc, 1), 0);
    assert_reindex_changes_nothing(bc, "after a refused duplicate");

    g_autoptr(GPtrArray) once = tx_list(coinbase, NULL);
    CU_ASSERT_TRUE_FATAL(blockchain_mine_block(bc, once, &error));
    memcpy(tip, bc->tip, BC_HASH_LEN);
    g_autoptr(GPtrArray) again = tx_list(coinbase, NULL);
    CU_ASSERT_FALSE(blockchain_mine_block(bc, again, &error));
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_INVALID));
    assert_tip(bc, tip);
    CU_ASSERT_EQUAL(balance(bc, 1), SUBSIDY);
    assert_reindex_changes_nothing(bc, "after a refused repeat");
}

/* A send that asks for more than the sender has fails before anything is mined. */
static void test_refused_send_changes_nothing(void)
{
    g_autoptr(Blockchain) bc = create();
    must_send(bc, 0, 1, 4, 0, NULL);
    g_autoptr(GPtrArray) rows = snapshot(bc);
    g_autoptr(GError) error = NULL;
    CU_ASSERT_PTR_NULL(new_tx(bc, 1, 0, 5, &error));
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_FUNDS));
    g_autoptr(GPtrArray) after = snapshot(bc);
    CU_ASSERT_TRUE(same_rows(rows, after, "after a refused send"));
}

void test_utxo_set_register(void)
{
    static const BcTest tests[] = {
        {"incremental set equals a reindex after every random block",
         test_incremental_equals_reindex},
        {"a partly spent transaction keeps its output indexes", test_partial_spend_keeps_index},
        {"a spent output leaves the set", test_spent_output_disappears},
        {"double spends are refused, nothing written", test_double_spend},
        {"a transaction ID seen before is refused", test_duplicate_transaction},
        {"a refused send changes nothing", test_refused_send_changes_nothing},
        {NULL, NULL},
    };
    bc_test_add_suite("06/utxo_set", setup, teardown, tests);
}
