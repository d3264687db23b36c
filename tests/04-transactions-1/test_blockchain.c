/* test_blockchain.c: a chain on disk, its unspent outputs found by walking it, and sends that
 * spend them: balances add up, change comes back, nothing is counted twice, and a refused send
 * changes nothing. */
#include <string.h>

#include "bc_error.h"
#include "bc_test.h"
#include "blockchain.h"
#include "proof_of_work.h"

/* Low difficulty: the tests check what is mined, not how long it takes. */
#define TEST_BITS 6

static gchar *dir;
static gchar *db;

static void setup(void)
{
    dir = bc_test_tmpdir();
    db = g_build_filename(dir, BLOCKCHAIN_DB_FILE, NULL);
}

static void teardown(void)
{
    bc_test_tmpdir_remove(dir);
    g_clear_pointer(&dir, g_free);
    g_clear_pointer(&db, g_free);
}

static Blockchain *create(const gchar *address)
{
    g_autoptr(GError) error = NULL;
    Blockchain *bc = blockchain_create(db, address, TEST_BITS, &error);
    g_assert_no_error(error);
    g_assert(bc != NULL);
    return bc;
}

/* The sum of ADDRESS's unspent outputs, or -1 (a failed check) when the chain cannot be read. */
static gint64 balance(Blockchain *bc, const gchar *address)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GArray) unspent = blockchain_find_unspent_outputs(bc, address, &error);
    CU_ASSERT_PTR_NOT_NULL(unspent);
    if (unspent == NULL) {
        g_printerr("\n  %s\n", error->message);
        return -1;
    }
    gint64 sum = 0;
    for (guint i = 0; i < unspent->len; i++)
        sum += g_array_index(unspent, UnspentOutput, i).value;
    return sum;
}

static guint n_unspent(Blockchain *bc, const gchar *address)
{
    g_autoptr(GArray) unspent = blockchain_find_unspent_outputs(bc, address, NULL);
    CU_ASSERT_PTR_NOT_NULL(unspent);
    return unspent != NULL ? unspent->len : G_MAXUINT;
}

/* What the send command does: build the transaction, mine a block holding it. */
static gboolean send(Blockchain *bc, const gchar *from, const gchar *to, gint64 amount,
                     GError **error)
{
    Transaction *tx = transaction_new_utxo(from, to, amount, bc, error);
    if (tx == NULL)
        return FALSE;
    g_autoptr(GPtrArray) txs = g_ptr_array_new_with_free_func((GDestroyNotify)transaction_free);
    g_ptr_array_add(txs, tx);
    return blockchain_mine_block(bc, txs, error);
}

static void must_send(Blockchain *bc, const gchar *from, const gchar *to, gint64 amount)
{
    g_autoptr(GError) error = NULL;
    gboolean ok = send(bc, from, to, amount, &error);
    g_assert_no_error(error);
    CU_ASSERT_TRUE(ok);
}

/* The newest block's only transaction. */
static Transaction *tip_transaction(Blockchain *bc)
{
    g_autoptr(Block) block = blockchain_get_block(bc, bc->tip, NULL);
    g_assert(block != NULL && block->transactions->len == 1);
    return g_ptr_array_steal_index(block->transactions, 0);
}

static guint count_blocks(Blockchain *bc)
{
    BlockchainIterator it;
    blockchain_iterator_init(&it, bc);
    guint n = 0;
    Block *block;
    while ((block = blockchain_iterator_next(&it, NULL)) != NULL) {
        CU_ASSERT_TRUE(pow_validate(block));
        block_free(block);
        n++;
    }
    return n;
}

static void test_create_then_open(void)
{
    static const guint8 zero[BC_HASH_LEN] = {0};
    guint8 tip[BC_HASH_LEN];
    {
        g_autoptr(Blockchain) bc = create("Ivan");
        memcpy(tip, bc->tip, BC_HASH_LEN);
    }
    g_autoptr(GError) error = NULL;
    g_autoptr(Blockchain) bc = blockchain_open(db, FALSE, TEST_BITS, &error);
    g_assert_no_error(error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(bc);
    CU_ASSERT_EQUAL(memcmp(bc->tip, tip, BC_HASH_LEN), 0);
    g_autoptr(Block) genesis = blockchain_get_block(bc, bc->tip, &error);
    g_assert_no_error(error);
    CU_ASSERT_EQUAL(memcmp(genesis->prev_hash, zero, BC_HASH_LEN), 0);
    CU_ASSERT_TRUE(pow_validate(genesis));
    CU_ASSERT_EQUAL_FATAL(genesis->transactions->len, 1);
    const Transaction *coinbase = genesis->transactions->pdata[0];
    CU_ASSERT_TRUE(transaction_is_coinbase(coinbase));
    const TxInput *in = g_ptr_array_index(coinbase->vin, 0);
    CU_ASSERT_STRING_EQUAL(in->script_sig, GENESIS_COINBASE_DATA);
    const TxOutput *out = g_ptr_array_index(coinbase->vout, 0);
    CU_ASSERT_EQUAL(out->value, SUBSIDY);
    CU_ASSERT_STRING_EQUAL(out->script_pub_key, "Ivan");
    CU_ASSERT_EQUAL(balance(bc, "Ivan"), SUBSIDY);
    CU_ASSERT_EQUAL(balance(bc, "Pedro"), 0);
    CU_ASSERT_EQUAL(count_blocks(bc), 1);
}

/* Only the genesis coinbase makes coins in this chapter: whatever moves, the total stays 10. */
static void test_balances_add_up(void)
{
    static const gchar *const people[] = {"Ivan", "Pedro", "Helen", "Nobody"};
    static const struct {
        const gchar *from, *to;
        gint64 amount;
        gint64 after[3]; /* Ivan, Pedro, Helen */
    } steps[] = {
        {"Ivan", "Pedro", 6, {4, 6, 0}},  {"Pedro", "Helen", 2, {4, 4, 2}},
        {"Helen", "Ivan", 1, {5, 4, 1}},  {"Ivan", "Helen", 5, {0, 4, 6}},
        {"Pedro", "Pedro", 3, {0, 4, 6}}, {"Helen", "Ivan", 6, {6, 4, 0}},
    };
    g_autoptr(Blockchain) bc = create("Ivan");
    for (guint s = 0; s < G_N_ELEMENTS(steps); s++) {
        must_send(bc, steps[s].from, steps[s].to, steps[s].amount);
        gint64 total = 0;
        for (guint p = 0; p < G_N_ELEMENTS(people); p++) {
            gint64 b = balance(bc, people[p]);
            if (p < 3)
                CU_ASSERT_EQUAL(b, steps[s].after[p]);
            total += b;
        }
        CU_ASSERT_EQUAL(total, SUBSIDY);
    }
    CU_ASSERT_EQUAL(count_blocks(bc), 1 + G_N_ELEMENTS(steps));
}

static void test_change_goes_back(void)
{
    g_autoptr(Blockchain) bc = create("Ivan");
    g_autoptr(Block) genesis = blockchain_get_block(bc, bc->tip, NULL);
    const Transaction *coinbase = genesis->transactions->pdata[0];
    must_send(bc, "Ivan", "Pedro", 6);
    g_autoptr(Transaction) tx = tip_transaction(bc);
    CU_ASSERT_FALSE(transaction_is_coinbase(tx));
    CU_ASSERT_EQUAL_FATAL(tx->vin->len, 1);
    const TxInput *in = g_ptr_array_index(tx->vin, 0);
    CU_ASSERT_EQUAL(memcmp(in->txid, coinbase->id, BC_HASH_LEN), 0);
    CU_ASSERT_EQUAL(in->vout, 0);
    CU_ASSERT_STRING_EQUAL(in->script_sig, "Ivan");
    CU_ASSERT_EQUAL_FATAL(tx->vout->len, 2);
    const TxOutput *paid = g_ptr_array_index(tx->vout, 0);
    const TxOutput *change = g_ptr_array_index(tx->vout, 1);
    CU_ASSERT_EQUAL(paid->value, 6);
    CU_ASSERT_STRING_EQUAL(paid->script_pub_key, "Pedro");
    CU_ASSERT_EQUAL(change->value, 4);
    CU_ASSERT_STRING_EQUAL(change->script_pub_key, "Ivan");
    /* Spending exactly what one has leaves no change output. */
    must_send(bc, "Pedro", "Helen", 6);
    g_autoptr(Transaction) exact = tip_transaction(bc);
    CU_ASSERT_EQUAL(exact->vin->len, 1);
    CU_ASSERT_EQUAL_FATAL(exact->vout->len, 1);
    CU_ASSERT_EQUAL(((TxOutput *)exact->vout->pdata[0])->value, 6);
}

/* The value of the output TXID:INDEX among UNSPENT, or -1. */
static gint64 value_of(GArray *unspent, const guint8 txid[BC_HASH_LEN], gint32 index)
{
    for (guint i = 0; i < unspent->len; i++) {
        const UnspentOutput *u = &g_array_index(unspent, UnspentOutput, i);
        if (u->index == index && memcmp(u->txid, txid, BC_HASH_LEN) == 0)
            return u->value;
    }
    return -1;
}

/* A send takes outputs until they cover the amount: here two of Ivan's three, not all. */
static void test_several_inputs(void)
{
    g_autoptr(Blockchain) bc = create("Ivan");
    must_send(bc, "Ivan", "Pedro", 6); /* Ivan: 4 */
    must_send(bc, "Pedro", "Ivan", 3); /* Ivan: 4 + 3 */
    must_send(bc, "Pedro", "Ivan", 2); /* Ivan: 4 + 3 + 2 */
    g_autoptr(GArray) before = blockchain_find_unspent_outputs(bc, "Ivan", NULL);
    CU_ASSERT_EQUAL_FATAL(before->len, 3);
    must_send(bc, "Ivan", "Helen", 4);
    g_autoptr(Transaction) tx = tip_transaction(bc);
    CU_ASSERT_EQUAL_FATAL(tx->vin->len, 2);
    /* What goes in comes out: the amount plus the change. */
    gint64 in_total = 0, out_total = 0;
    for (guint i = 0; i < tx->vin->len; i++) {
        const TxInput *in = g_ptr_array_index(tx->vin, i);
        gint64 value = value_of(before, in->txid, in->vout);
        CU_ASSERT(value > 0);
        in_total += value;
    }
    for (guint i = 0; i < tx->vout->len; i++)
        out_total += ((TxOutput *)tx->vout->pdata[i])->value;
    CU_ASSERT_EQUAL(in_total, 5); /* the two newest, 2 and 3, already cover 4 */
    CU_ASSERT_EQUAL(out_total, in_total);
    CU_ASSERT_EQUAL(n_unspent(bc, "Ivan"), 2); /* the one not needed, and the change */
    CU_ASSERT_EQUAL(balance(bc, "Ivan"), 5);
    CU_ASSERT_EQUAL(balance(bc, "Helen"), 4);
    CU_ASSERT_EQUAL(balance(bc, "Pedro"), 1);
}

/* Once an output is spent it is gone; and a transaction with two outputs to the same owner
 * (sending to oneself) counts each output once: the Go original listed such a transaction once
 * per matching output and then summed all its outputs each time, so Ivan would show 8, not 4. */
static void test_spent_not_counted_again(void)
{
    g_autoptr(Blockchain) bc = create("Ivan");
    must_send(bc, "Ivan", "Pedro", 6);
    g_autoptr(GArray) unspent = blockchain_find_unspent_outputs(bc, "Ivan", NULL);
    CU_ASSERT_EQUAL_FATAL(unspent->len, 1); /* the change, not the genesis coinbase */
    const UnspentOutput *u = &g_array_index(unspent, UnspentOutput, 0);
    g_autoptr(Transaction) tx = tip_transaction(bc);
    CU_ASSERT_EQUAL(memcmp(u->txid, tx->id, BC_HASH_LEN), 0);
    CU_ASSERT_EQUAL(u->index, 1);
    CU_ASSERT_EQUAL(u->value, 4);

    must_send(bc, "Ivan", "Ivan", 3);
    CU_ASSERT_EQUAL(n_unspent(bc, "Ivan"), 2); /* 3 and 1, both in the same transaction */
    CU_ASSERT_EQUAL(balance(bc, "Ivan"), 4);
    g_autoptr(GError) error = NULL;
    CU_ASSERT_FALSE(send(bc, "Ivan", "Pedro", 5, &error));
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_FUNDS));
}

static void check_refused(Blockchain *bc, const gchar *from, gint64 amount)
{
    guint8 tip[BC_HASH_LEN];
    memcpy(tip, bc->tip, BC_HASH_LEN);
    g_autoptr(GError) error = NULL;
    g_autoptr(Transaction) tx = transaction_new_utxo(from, "Pedro", amount, bc, &error);
    CU_ASSERT_PTR_NULL(tx);
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_FUNDS));
    BC_ASSERT_CONTAINS(error != NULL ? error->message : "", "not enough funds");
    CU_ASSERT_EQUAL(memcmp(bc->tip, tip, BC_HASH_LEN), 0);
}

static void test_not_enough_funds(void)
{
    guint8 tip[BC_HASH_LEN];
    {
        g_autoptr(Blockchain) bc = create("Ivan");
        must_send(bc, "Ivan", "Pedro", 6);
        check_refused(bc, "Ivan", 5);
        check_refused(bc, "Nobody", 1);
        check_refused(bc, "Ivan", G_MAXINT64);
        memcpy(tip, bc->tip, BC_HASH_LEN);
        CU_ASSERT_EQUAL(balance(bc, "Ivan"), 4);
        CU_ASSERT_EQUAL(count_blocks(bc), 2);
    }
    /* Reopened from disk: the same tip, the same balances. */
    g_autoptr(Blockchain) bc = blockchain_open(db, TRUE, TEST_BITS, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(bc);
    CU_ASSERT_EQUAL(memcmp(bc->tip, tip, BC_HASH_LEN), 0);
    CU_ASSERT_EQUAL(balance(bc, "Ivan"), 4);
    CU_ASSERT_EQUAL(balance(bc, "Pedro"), 6);
}

static void test_create_existing(void)
{
    blockchain_close(create("Ivan"));
    gsize len_before = 0, len_after = 0;
    g_autofree gchar *before = bc_test_read_file(db, &len_before);
    g_autoptr(GError) error = NULL;
    g_autoptr(Blockchain) again = blockchain_create(db, "Pedro", TEST_BITS, &error);
    CU_ASSERT_PTR_NULL(again);
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_EXISTS));
    g_autofree gchar *after = bc_test_read_file(db, &len_after);
    CU_ASSERT_EQUAL_FATAL(len_before, len_after);
    CU_ASSERT_EQUAL(memcmp(before, after, len_before), 0);
}

static void test_open_missing(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(Blockchain) bc = blockchain_open(db, FALSE, TEST_BITS, &error);
    CU_ASSERT_PTR_NULL(bc);
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_NOT_FOUND));
    BC_ASSERT_CONTAINS(error != NULL ? error->message : "", "createblockchain");
    g_clear_error(&error);
    g_autoptr(Blockchain) writer = blockchain_open(db, TRUE, TEST_BITS, &error);
    CU_ASSERT_PTR_NULL(writer);
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_NOT_FOUND));
    CU_ASSERT_FALSE(g_file_test(db, G_FILE_TEST_EXISTS));
}

/* A block too big to be read back is never written: the chain stays as it was. */
static void test_block_too_large(void)
{
    g_autoptr(Blockchain) bc = create("Ivan");
    guint8 tip[BC_HASH_LEN];
    memcpy(tip, bc->tip, BC_HASH_LEN);
    g_autofree gchar *name = g_strnfill(BLOCK_MAX_SIZE, 'a');
    g_autoptr(GPtrArray) txs = g_ptr_array_new_with_free_func((GDestroyNotify)transaction_free);
    g_ptr_array_add(txs, transaction_new_coinbase(name, NULL));
    g_autoptr(GError) error = NULL;
    CU_ASSERT_FALSE(blockchain_mine_block(bc, txs, &error));
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_TOO_LARGE));
    CU_ASSERT_EQUAL(memcmp(bc->tip, tip, BC_HASH_LEN), 0);
    CU_ASSERT_EQUAL(count_blocks(bc), 1);
    g_autoptr(Blockchain) reopened = NULL;
    g_clear_pointer(&bc, blockchain_close);
    reopened = blockchain_open(db, FALSE, TEST_BITS, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(reopened);
    CU_ASSERT_EQUAL(memcmp(reopened->tip, tip, BC_HASH_LEN), 0);
    CU_ASSERT_EQUAL(balance(reopened, "Ivan"), SUBSIDY);
}

void test_blockchain_register(void)
{
    static const BcTest tests[] = {
        {"create then open", test_create_then_open},
        {"balances add up after every send", test_balances_add_up},
        {"change goes back to the sender", test_change_goes_back},
        {"outputs are taken until they cover the amount", test_several_inputs},
        {"a spent output is not counted again", test_spent_not_counted_again},
        {"not enough funds changes nothing", test_not_enough_funds},
        {"createblockchain on an existing database", test_create_existing},
        {"open without a database", test_open_missing},
        {"a block too large to read back is not written", test_block_too_large},
        {NULL, NULL},
    };
    bc_test_add_suite("04/blockchain", setup, teardown, tests);
}
