/* test_utxo_record.c: chapter 6's UTXO set, carried here with its fixes. Records that cannot be
 * trusted (cut short, garbage, another type, values or indexes no transaction has, a bad key) are
 * BC_ERROR_CORRUPT on every path that reads them, never a crash or a wrong sum; reindexing repairs
 * them, and a reindex that cannot read the chain deletes nothing. One record cannot hold two
 * transactions: an ID already in the set, or twice in a block, is refused. */
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

#define TEST_BITS 6
#define N_WALLETS 3

static gchar *dir, *db;
static Wallet *wallets[N_WALLETS];
static gchar *addresses[N_WALLETS];

/* Fixed keys 1, 2, 3 (chapter 6's test_utxo_set.c has the same wallets and more about them). */
static void setup(void)
{
    dir = bc_test_tmpdir();
    g_autofree gchar *name = g_strdup_printf(BLOCKCHAIN_DB_FILE_FORMAT, "3000");
    db = g_build_filename(dir, name, NULL);
    for (guint i = 0; i < N_WALLETS; i++) {
        guint8 key[WALLET_PRIVATE_KEY_LEN] = {0};
        key[WALLET_PRIVATE_KEY_LEN - 1] = (guint8)(i + 1);
        wallets[i] = wallet_from_private_key(key, NULL);
        g_assert(wallets[i] != NULL);
        addresses[i] = wallet_get_address(wallets[i]);
    }
}

static void teardown(void)
{
    for (guint i = 0; i < N_WALLETS; i++) {
        g_clear_pointer(&wallets[i], wallet_free);
        g_clear_pointer(&addresses[i], g_free);
    }
    bc_test_tmpdir_remove(dir);
    g_clear_pointer(&dir, g_free);
    g_clear_pointer(&db, g_free);
}

static void pubkey_hash(guint w, guint8 out[BC_RIPEMD160_LEN])
{
    wallet_hash_pubkey(wallet_public_key(wallets[w]), out);
}

static Transaction *new_tx(Blockchain *bc, guint from, guint to, gint64 amount, GError **error)
{
    return transaction_new_utxo(wallets[from], addresses[to], amount, bc, error);
}

/* A chain whose genesis pays wallet 0, then a block in which wallet 0 pays 3 to wallet 1 and is
 * paid the reward: the send's ID in TXID. */
static Blockchain *create_with_send(guint8 txid[BC_HASH_LEN])
{
    g_autoptr(GError) error = NULL;
    g_autoptr(Blockchain) bc = blockchain_create(db, addresses[0], TEST_BITS, &error);
    g_assert_no_error(error);
    Transaction *tx = new_tx(bc, 0, 1, 3, &error);
    g_assert_no_error(error);
    memcpy(txid, tx->id, BC_HASH_LEN);
    g_autoptr(GPtrArray) txs = g_ptr_array_new_with_free_func((GDestroyNotify)transaction_free);
    g_ptr_array_add(txs, transaction_new_coinbase(addresses[0], NULL, NULL));
    g_ptr_array_add(txs, tx);
    g_autoptr(Block) block = blockchain_mine_block(bc, txs, &error);
    g_assert_no_error(error);
    g_assert(block != NULL);
    return g_steal_pointer(&bc);
}

/* Wallet W's balance read from the set, or -1 (a failed check) when the set cannot be read. */
static gint64 balance(Blockchain *bc, guint w)
{
    guint8 hash[BC_RIPEMD160_LEN];
    pubkey_hash(w, hash);
    UtxoSet set = {bc};
    g_autoptr(GArray) unspent = utxo_set_find_unspent(&set, hash, NULL);
    CU_ASSERT_PTR_NOT_NULL(unspent);
    gint64 sum = 0;
    for (guint i = 0; unspent != NULL && i < unspent->len; i++)
        sum += g_array_index(unspent, UnspentOutput, i).value;
    return unspent != NULL ? sum : -1;
}

/* Every 'c' record as "key=value" in hex, sorted: the set, byte for byte. */
static gboolean collect_record(const guint8 *key, gsize key_len, GBytes *value, gpointer rows)
{
    gsize len = 0;
    const guint8 *data = g_bytes_get_data(value, &len);
    g_autofree gchar *k = bc_hex_encode(key, key_len);
    g_autofree gchar *v = bc_hex_encode(data, len);
    g_ptr_array_add(rows, g_strdup_printf("%s=%s", k, v));
    return TRUE;
}

static gint compare_rows(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const gchar *const *)a, *(const gchar *const *)b);
}

static GPtrArray *snapshot(Blockchain *bc)
{
    GPtrArray *rows = g_ptr_array_new_with_free_func(g_free);
    g_assert(bc_store_foreach(bc->chainstate, UTXO_PREFIX, collect_record, rows, NULL));
    g_ptr_array_sort(rows, compare_rows);
    return rows;
}

static gboolean same_rows(GPtrArray *a, GPtrArray *b, const gchar *what)
{
    gboolean same = a->len == b->len;
    for (guint i = 0; same && i < a->len; i++)
        same = strcmp(a->pdata[i], b->pdata[i]) == 0;
    if (!same)
        g_printerr("\n  %s: the UTXO records differ\n", what);
    return same;
}

/* Replaces the record under 'c' + KEY with VALUE. */
static void put_raw(Blockchain *bc, const guint8 *key, gsize key_len, const void *value, gsize len)
{
    g_autoptr(GBytes) bytes = g_bytes_new(value, len);
    g_autoptr(GError) error = NULL;
    bc_store_put(bc->chainstate, UTXO_PREFIX, key, key_len, bytes, &error);
    g_assert_no_error(error);
}

/* Every way the set can fail to read must end in an error (BC_ERROR_CORRUPT), on the getbalance
 * path (utxo_set_find_unspent), the send path (transaction_new_utxo) and, when SPENDER (a block
 * whose transaction spends from the damaged record) is given, the mining path (check and update):
 * never a crash, a silent skip or a wrong sum. */
static void assert_corrupt_everywhere(Blockchain *bc, const guint8 *key, gsize key_len,
                                      GBytes *value, const Block *spender, const gchar *what)
{
    gsize len = 0;
    const guint8 *data = g_bytes_get_data(value, &len);
    put_raw(bc, key, key_len, data, len);
    UtxoSet set = {bc};
    guint8 hash[BC_RIPEMD160_LEN];
    pubkey_hash(0, hash);
    g_autoptr(GError) error = NULL;
    g_autoptr(GArray) unspent = utxo_set_find_unspent(&set, hash, &error);
    if (!g_error_matches(error, BC_ERROR, BC_ERROR_CORRUPT))
        g_printerr("\n  %s: %s\n", what, error != NULL ? error->message : "no error");
    CU_ASSERT_PTR_NULL(unspent);
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_CORRUPT));
    g_clear_error(&error);
    CU_ASSERT_PTR_NULL(new_tx(bc, 0, 1, 1, &error));
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_CORRUPT));
    g_clear_error(&error);
    if (spender == NULL)
        return;
    /* Not a double spend: the record cannot be read, and the error says so. */
    CU_ASSERT_FALSE(utxo_set_check_unspent(&set, spender->transactions, &error));
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_CORRUPT));
    g_clear_error(&error);
    /* The update reads the record too, whatever the undo data says of it (here only the output
     * each input names), and writes nothing when it cannot. */
    g_autoptr(GArray) undo = g_array_new(FALSE, FALSE, sizeof(UnspentOutput));
    for (guint t = 1; t < spender->transactions->len; t++) {
        const Transaction *tx = g_ptr_array_index(spender->transactions, t);
        for (guint i = 0; i < tx->vin->len; i++) {
            const TxInput *in = g_ptr_array_index(tx->vin, i);
            UnspentOutput u = {.index = in->vout, .value = 1};
            memcpy(u.txid, in->txid, BC_HASH_LEN);
            g_array_append_val(undo, u);
        }
    }
    CU_ASSERT_FALSE(utxo_set_update(&set, spender, undo, &error));
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_CORRUPT));
    const Transaction *coinbase = g_ptr_array_index(spender->transactions, 0);
    CU_ASSERT_FALSE(
        bc_store_contains(bc->chainstate, UTXO_PREFIX, coinbase->id, BC_HASH_LEN, NULL));
}

/* A record of TXID holding LIST (an a(uxay)), with the right ID and checksum, so that only its
 * content can be wrong. */
static GBytes *checksummed(const guint8 txid[BC_HASH_LEN], GVariant *list)
{
    g_autoptr(GVariant) owned = g_variant_ref_sink(list);
    g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);
    g_checksum_update(sum, txid, BC_HASH_LEN);
    g_checksum_update(sum, g_variant_get_data(owned), (gssize)g_variant_get_size(owned));
    guint8 digest[BC_HASH_LEN];
    gsize len = sizeof digest;
    g_checksum_get_digest(sum, digest, &len);
    return bc_variant_encode(g_variant_new("(@ay@a(uxay)@ay)",
                                           bc_variant_new_bytes(txid, BC_HASH_LEN), owned,
                                           bc_variant_new_bytes(digest, BC_HASH_LEN)));
}

/* A record of TXID with one output (INDEX, VALUE, a key hash of HASH_LEN bytes). */
static GBytes *one_output(const guint8 txid[BC_HASH_LEN], guint32 index, gint64 value,
                          gsize hash_len)
{
    guint8 hash[32] = {0};
    GVariantBuilder b;
    g_variant_builder_init(&b, G_VARIANT_TYPE("a(uxay)"));
    g_variant_builder_add(&b, "(ux@ay)", index, value, bc_variant_new_bytes(hash, hash_len));
    return checksummed(txid, g_variant_builder_end(&b));
}

static void test_corrupt_records(void)
{
    guint8 txid[BC_HASH_LEN]; /* outputs 0 (3 to wallet 1) and 1 (7 back to wallet 0) */
    g_autoptr(Blockchain) bc = create_with_send(txid);
    g_autoptr(GPtrArray) good = snapshot(bc);
    g_autoptr(GBytes) real = bc_store_get(bc->chainstate, UTXO_PREFIX, txid, BC_HASH_LEN, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(real);
    gsize real_len = 0;
    const guint8 *real_data = g_bytes_get_data(real, &real_len);
    /* A block (not stored) in which wallet 1 spends its output 0 of that transaction. */
    g_autoptr(GPtrArray) txs = g_ptr_array_new_with_free_func((GDestroyNotify)transaction_free);
    g_ptr_array_add(txs, transaction_new_coinbase(addresses[1], NULL, NULL));
    g_ptr_array_add(txs, new_tx(bc, 1, 2, 3, NULL));
    CU_ASSERT_PTR_NOT_NULL_FATAL(txs->pdata[1]);
    g_autoptr(Block) spender = block_new(txs, bc->tip, bc->height + 1, TEST_BITS);

    /* Every truncation of a real record (GDBM cannot store an empty value). */
    for (gsize n = 1; n < real_len; n++) {
        g_autoptr(GBytes) cut = g_bytes_new(real_data, n);
        g_autofree gchar *what = g_strdup_printf("record cut to %" G_GSIZE_FORMAT " bytes", n);
        assert_corrupt_everywhere(bc, txid, BC_HASH_LEN, cut, spender, what);
    }
    g_autoptr(GBytes) garbage = g_bytes_new_static("not a record at all", 19);
    assert_corrupt_everywhere(bc, txid, BC_HASH_LEN, garbage, spender, "garbage");
    /* Well-formed GVariants of the wrong type: a string, a transaction. */
    g_autoptr(GBytes) text = bc_variant_encode(g_variant_new("(s)", "hello"));
    assert_corrupt_everywhere(bc, txid, BC_HASH_LEN, text, spender, "a string");
    g_autoptr(Transaction) coinbase = transaction_new_coinbase(addresses[0], NULL, NULL);
    g_autoptr(GBytes) tx = transaction_serialize(coinbase);
    assert_corrupt_everywhere(bc, txid, BC_HASH_LEN, tx, spender, "a transaction");
    /* The right type, wrong content. */
    /* (No outputs at all would be zero bytes, which GDBM cannot store.) */
    g_autoptr(GBytes) short_hash = one_output(txid, 0, 1, 19);
    assert_corrupt_everywhere(bc, txid, BC_HASH_LEN, short_hash, spender, "19-byte key hash");
    g_autoptr(GBytes) big_index = one_output(txid, 0x80000000u, 1, BC_RIPEMD160_LEN);
    assert_corrupt_everywhere(bc, txid, BC_HASH_LEN, big_index, spender, "index over 2^31");
    g_autoptr(GBytes) zero = one_output(txid, 0, 0, BC_RIPEMD160_LEN);
    assert_corrupt_everywhere(bc, txid, BC_HASH_LEN, zero, spender, "value 0");
    g_autoptr(GBytes) negative = one_output(txid, 0, -5, BC_RIPEMD160_LEN);
    assert_corrupt_everywhere(bc, txid, BC_HASH_LEN, negative, spender, "negative value");
    /* A huge value would overflow a balance (undefined behaviour in C). */
    g_autoptr(GBytes) huge = one_output(txid, 0, G_MAXINT64, BC_RIPEMD160_LEN);
    assert_corrupt_everywhere(bc, txid, BC_HASH_LEN, huge, spender, "value 2^63-1");
    GVariantBuilder b;
    g_variant_builder_init(&b, G_VARIANT_TYPE("a(uxay)"));
    for (guint i = 0; i < 2; i++) /* one index twice: the output would count twice */
        g_variant_builder_add(&b, "(ux@ay)", 0, (gint64)3,
                              bc_variant_new_bytes(real_data, BC_RIPEMD160_LEN));
    g_autoptr(GBytes) repeated = checksummed(txid, g_variant_builder_end(&b));
    assert_corrupt_everywhere(bc, txid, BC_HASH_LEN, repeated, spender, "an index twice");
    /* No outputs at all: a fully spent transaction's record is deleted, never left empty. */
    g_autoptr(GBytes) empty =
        checksummed(txid, g_variant_new_array(G_VARIANT_TYPE("(uxay)"), NULL, 0));
    assert_corrupt_everywhere(bc, txid, BC_HASH_LEN, empty, spender, "no outputs");
    /* A sound record of another transaction, copied under this one's key. */
    guint8 other[BC_HASH_LEN] = {1, 2, 3};
    g_autoptr(GBytes) copied = one_output(other, 0, 3, BC_RIPEMD160_LEN);
    assert_corrupt_everywhere(bc, txid, BC_HASH_LEN, copied, spender, "another transaction's");
    /* One byte of a sound record changed: the checksum no longer fits. */
    g_autoptr(GByteArray) flipped = g_byte_array_new();
    g_byte_array_append(flipped, real_data, (guint)real_len);
    flipped->data[BC_HASH_LEN + 8] ^= 0x01;
    g_autoptr(GBytes) changed = g_bytes_new(flipped->data, flipped->len);
    assert_corrupt_everywhere(bc, txid, BC_HASH_LEN, changed, spender, "a changed value");

    /* A record under a key that is no transaction ID. */
    put_raw(bc, txid, BC_HASH_LEN, real_data, real_len);
    assert_corrupt_everywhere(bc, txid, 5, real, NULL, "a 5-byte key");
    g_assert(bc_store_delete(bc->chainstate, UTXO_PREFIX, txid, 5, NULL));

    /* Rebuilding from the chain repairs all of it. */
    put_raw(bc, txid, BC_HASH_LEN, "junk", 4);
    put_raw(bc, txid, 7, "more junk", 9);
    UtxoSet set = {bc};
    guint count = 0;
    CU_ASSERT_TRUE(utxo_set_reindex(&set, &count, NULL));
    CU_ASSERT_EQUAL(count, 2);
    g_autoptr(GPtrArray) repaired = snapshot(bc);
    CU_ASSERT_TRUE(same_rows(good, repaired, "after reindex"));
    CU_ASSERT_EQUAL(balance(bc, 1), 3);
}

/* A block record that cannot be read makes the reindex fail before it deletes anything: the
 * set it would have rebuilt is still there. */
static void test_reindex_fails_cleanly(void)
{
    guint8 txid[BC_HASH_LEN];
    g_autoptr(Blockchain) bc = create_with_send(txid);
    g_autoptr(GPtrArray) rows = snapshot(bc);
    g_autoptr(GBytes) junk = g_bytes_new_static("junk", 4);
    g_assert(bc_store_put(bc->store, BLOCKCHAIN_BLOCK_PREFIX, bc->tip, BC_HASH_LEN, junk, NULL));
    UtxoSet set = {bc};
    guint count = 0;
    g_autoptr(GError) error = NULL;
    CU_ASSERT_FALSE(utxo_set_reindex(&set, &count, &error));
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_CORRUPT));
    g_autoptr(GPtrArray) after = snapshot(bc);
    CU_ASSERT_TRUE(same_rows(rows, after, "after a failed reindex"));
    /* The set alone still answers. */
    CU_ASSERT_EQUAL(balance(bc, 0), 7 + SUBSIDY);
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

/* The tip, in memory and on disk, is still TIP. */
static void assert_tip(Blockchain *bc, const guint8 tip[BC_HASH_LEN])
{
    CU_ASSERT_EQUAL(memcmp(bc->tip, tip, BC_HASH_LEN), 0);
    g_autoptr(GBytes) stored = bc_store_get(bc->store, BLOCKCHAIN_TIP_KEY, NULL, 0, NULL);
    CU_ASSERT_TRUE(stored != NULL && memcmp(g_bytes_get_data(stored, NULL), tip, BC_HASH_LEN) == 0);
}

/* The set as the blocks made it is the set a reindex rebuilds. */
static void assert_reindex_changes_nothing(Blockchain *bc, const gchar *what)
{
    g_autoptr(GPtrArray) incremental = snapshot(bc);
    UtxoSet set = {bc};
    guint count = 0;
    CU_ASSERT_TRUE_FATAL(utxo_set_reindex(&set, &count, NULL));
    g_autoptr(GPtrArray) rebuilt = snapshot(bc);
    CU_ASSERT_TRUE(same_rows(incremental, rebuilt, what));
}

/* A transaction ID seen before is refused: twice in one block (a coinbase too), or again while
 * the first copy still has unspent outputs. Otherwise the set would count it once and a reindex
 * of the chain twice. (Coinbases made with NULL data never repeat: their data is random.) */
static void test_duplicate_transaction(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(Blockchain) bc = blockchain_create(db, addresses[0], TEST_BITS, &error);
    g_assert_no_error(error);
    guint8 tip[BC_HASH_LEN];
    memcpy(tip, bc->tip, BC_HASH_LEN);
    g_autoptr(Transaction) coinbase = transaction_new_coinbase(addresses[1], "same data", &error);
    g_assert_no_error(error);
    g_autoptr(GPtrArray) twice = tx_list(coinbase, coinbase, NULL);
    g_autoptr(Block) refused = blockchain_mine_block(bc, twice, &error);
    CU_ASSERT_PTR_NULL(refused);
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_INVALID));
    g_clear_error(&error);
    assert_tip(bc, tip);
    CU_ASSERT_EQUAL(bc->height, 0);
    CU_ASSERT_EQUAL(balance(bc, 1), 0);
    assert_reindex_changes_nothing(bc, "after a refused duplicate");

    g_autoptr(GPtrArray) once = tx_list(coinbase, NULL);
    g_autoptr(Block) mined = blockchain_mine_block(bc, once, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(mined);
    memcpy(tip, bc->tip, BC_HASH_LEN);
    g_autoptr(GPtrArray) again = tx_list(coinbase, NULL);
    g_autoptr(Block) repeated = blockchain_mine_block(bc, again, &error);
    CU_ASSERT_PTR_NULL(repeated);
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_INVALID));
    assert_tip(bc, tip);
    CU_ASSERT_EQUAL(bc->height, 1);
    CU_ASSERT_EQUAL(balance(bc, 1), SUBSIDY);
    assert_reindex_changes_nothing(bc, "after a refused repeat");
}

void test_utxo_record_register(void)
{
    static const BcTest tests[] = {
        {"corrupt records are errors, reindex repairs them", test_corrupt_records},
        {"a failed reindex deletes nothing", test_reindex_fails_cleanly},
        {"a transaction ID seen before is refused", test_duplicate_transaction},
        {NULL, NULL},
    };
    bc_test_add_suite("09/utxo_record", setup, teardown, tests);
}
