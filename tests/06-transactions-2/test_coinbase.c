/* test_coinbase.c: the mining reward: 10 coins out of nothing to the miner, with random data so
 * that two rewards to one address are two transactions, not one ID twice. */
#include <string.h>

#include "bc_error.h"
#include "bc_hex.h"
#include "bc_test.h"
#include "blockchain.h"
#include "utxo_set.h"
#include "wallet.h"

#define TEST_BITS 6

static gchar *dir, *db, *address;
static guint8 key_hash[BC_RIPEMD160_LEN];

static void setup(void)
{
    dir = bc_test_tmpdir();
    db = g_build_filename(dir, BLOCKCHAIN_DB_FILE, NULL);
    guint8 key[WALLET_PRIVATE_KEY_LEN] = {[WALLET_PRIVATE_KEY_LEN - 1] = 9};
    g_autoptr(Wallet) wallet = wallet_from_private_key(key, NULL);
    address = wallet_get_address(wallet);
    wallet_hash_pubkey(wallet_public_key(wallet), key_hash);
}

static void teardown(void)
{
    bc_test_tmpdir_remove(dir);
    g_clear_pointer(&dir, g_free);
    g_clear_pointer(&db, g_free);
    g_clear_pointer(&address, g_free);
}

static Transaction *reward(void)
{
    g_autoptr(GError) error = NULL;
    Transaction *tx = transaction_new_coinbase(address, NULL, &error);
    g_assert_no_error(error);
    return tx;
}

/* The data a coinbase carries in its input's key field, as text. */
static gchar *data_of(const Transaction *tx)
{
    const TxInput *in = g_ptr_array_index(tx->vin, 0);
    gsize len = 0;
    const gchar *data = g_bytes_get_data(in->pubkey, &len);
    return g_strndup(data, len);
}

static void test_shape(void)
{
    CU_ASSERT_EQUAL(SUBSIDY, 10); /* the article's reward */
    g_autoptr(Transaction) tx = reward();
    CU_ASSERT_TRUE(transaction_is_coinbase(tx));
    CU_ASSERT_EQUAL_FATAL(tx->vin->len, 1);
    CU_ASSERT_EQUAL_FATAL(tx->vout->len, 1);
    const TxInput *in = g_ptr_array_index(tx->vin, 0);
    static const guint8 zeros[BC_HASH_LEN] = {0};
    CU_ASSERT_EQUAL(memcmp(in->txid, zeros, BC_HASH_LEN), 0);
    CU_ASSERT_EQUAL(in->vout, -1);
    CU_ASSERT_EQUAL(g_bytes_get_size(in->signature), 0);
    const TxOutput *out = g_ptr_array_index(tx->vout, 0);
    CU_ASSERT_EQUAL(out->value, 10);
    CU_ASSERT_EQUAL(memcmp(out->pubkey_hash, key_hash, BC_RIPEMD160_LEN), 0);
    /* The data: 20 random bytes, written in hex. */
    g_autofree gchar *data = data_of(tx);
    CU_ASSERT_EQUAL(strlen(data), 40);
    CU_ASSERT_EQUAL(strspn(data, "0123456789abcdef"), 40);
    /* The ID covers it all, and the transaction round-trips. */
    guint8 id[BC_HASH_LEN];
    transaction_hash(tx, id);
    CU_ASSERT_EQUAL(memcmp(id, tx->id, BC_HASH_LEN), 0);
    g_autoptr(GBytes) raw = transaction_serialize(tx);
    g_autoptr(Transaction) back = transaction_deserialize(raw, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(back);
    CU_ASSERT_EQUAL(memcmp(back->id, tx->id, BC_HASH_LEN), 0);
}

/* Same address, same value: only the random data tells them apart, and it always does. */
static void test_rewards_to_one_address_differ(void)
{
    g_autoptr(GHashTable) ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autoptr(GHashTable) data = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (guint i = 0; i < 1000; i++) {
        g_autoptr(Transaction) tx = reward();
        CU_ASSERT_TRUE(g_hash_table_add(ids, bc_hex_encode(tx->id, BC_HASH_LEN)));
        CU_ASSERT_TRUE(g_hash_table_add(data, data_of(tx)));
    }
    CU_ASSERT_EQUAL(g_hash_table_size(ids), 1000);
}

/* What the random data prevents: with the same data, two rewards are one transaction. */
static void test_fixed_data_same_id(void)
{
    g_autoptr(Transaction) a = transaction_new_coinbase(address, "fixed", NULL);
    g_autoptr(Transaction) b = transaction_new_coinbase(address, "fixed", NULL);
    CU_ASSERT_EQUAL(memcmp(a->id, b->id, BC_HASH_LEN), 0);
    g_autofree gchar *text = data_of(a);
    CU_ASSERT_STRING_EQUAL(text, "fixed");
}

static void test_invalid_address(void)
{
    const gchar *bad[] = {"", "Ivan", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb", "0OIl"};
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(Transaction) tx = transaction_new_coinbase(bad[i], NULL, &error);
        CU_ASSERT_PTR_NULL(tx);
        CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_INVALID_ARGUMENT));
    }
}

/* Each block pays its miner 10, the genesis block included (with the article's headline). */
static void test_every_block_pays_the_miner(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(Blockchain) bc = blockchain_create(db, address, TEST_BITS, &error);
    g_assert_no_error(error);
    g_autoptr(Block) genesis = blockchain_get_block(bc, bc->tip, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(genesis);
    CU_ASSERT_EQUAL_FATAL(genesis->transactions->len, 1);
    g_autofree gchar *headline = data_of(g_ptr_array_index(genesis->transactions, 0));
    CU_ASSERT_STRING_EQUAL(headline, GENESIS_COINBASE_DATA);
    UtxoSet set = {bc};
    for (guint blocks = 1; blocks <= 4; blocks++) {
        g_autoptr(GArray) unspent = utxo_set_find_unspent(&set, key_hash, &error);
        CU_ASSERT_PTR_NOT_NULL_FATAL(unspent);
        CU_ASSERT_EQUAL(unspent->len, blocks);
        gint64 sum = 0;
        for (guint i = 0; i < unspent->len; i++)
            sum += g_array_index(unspent, UnspentOutput, i).value;
        CU_ASSERT_EQUAL(sum, 10 * blocks);
        g_autoptr(GPtrArray) txs = g_ptr_array_new_with_free_func((GDestroyNotify)transaction_free);
        g_ptr_array_add(txs, reward());
        CU_ASSERT_TRUE_FATAL(blockchain_mine_block(bc, txs, &error));
    }
}

void test_coinbase_register(void)
{
    static const BcTest tests[] = {
        {"a coinbase pays 10 to its address", test_shape},
        {"1000 rewards to one address: 1000 IDs", test_rewards_to_one_address_differ},
        {"the same data would give the same ID", test_fixed_data_same_id},
        {"an invalid address is an error", test_invalid_address},
        {"every block pays its miner", test_every_block_pays_the_miner},
        {NULL, NULL},
    };
    bc_test_add_suite("06/coinbase", setup, teardown, tests);
}
