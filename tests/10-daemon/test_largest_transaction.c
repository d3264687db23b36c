/* test_largest_transaction.c: a transaction's unspent outputs are one record of the UTXO set,
 * read back with a size limit; TRANSACTION_MAX_OUTPUTS keeps that record inside it. The
 * largest transaction allowed (a coinbase of TRANSACTION_MAX_OUTPUTS outputs here: the record
 * depends only on the outputs) is mined, and getbalance then works, in the library and in the
 * real binary; one output more is refused before anything is written. A 28,000-output
 * transaction used to write a record over the limit, and every getbalance failed after it. */
#include <string.h>

#include "bc_error.h"
#include "bc_store.h"
#include "bc_test.h"
#include "blockchain.h"
#include "wallet.h"

#define CHAIN_FILE "blockchain_3000.db"
/* blockchain_mine_block returns the block, or NULL. */
#define MINED(call) mined(call)

static gboolean mined(Block *block)
{
    gboolean ok = block != NULL;
    block_free(block);
    return ok;
}

static gchar *dir, *db, *address;
static guint8 key_hash[BC_RIPEMD160_LEN];

static void setup(void)
{
    dir = bc_test_tmpdir();
    db = g_build_filename(dir, CHAIN_FILE, NULL);
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

/* A coinbase paying 1 to ADDRESS N times. */
static GPtrArray *wide_coinbase(guint n)
{
    static const guint8 no_txid[BC_HASH_LEN] = {0};
    Transaction *tx = transaction_new();
    transaction_add_input(tx, no_txid, -1, (const guint8 *)"wide", 4);
    for (guint i = 0; i < n; i++)
        transaction_add_output(tx, 1, key_hash);
    transaction_set_id(tx);
    GPtrArray *txs = g_ptr_array_new_with_free_func((GDestroyNotify)transaction_free);
    g_ptr_array_add(txs, tx);
    return txs;
}

static void test_largest_transaction_end_to_end(void)
{
    g_autoptr(GError) error = NULL;
    {
        g_autoptr(Blockchain) bc = blockchain_create(db, address, 4, &error);
        CU_ASSERT_PTR_NOT_NULL_FATAL(bc);
        guint8 tip[BC_HASH_LEN];
        memcpy(tip, bc->tip, BC_HASH_LEN);
        /* One output over the limit: refused, nothing written. */
        g_autoptr(GPtrArray) over = wide_coinbase(TRANSACTION_MAX_OUTPUTS + 1);
        CU_ASSERT_FALSE(MINED(blockchain_mine_block(bc, over, &error)));
        CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_INVALID));
        CU_ASSERT_EQUAL(memcmp(tip, bc->tip, BC_HASH_LEN), 0);
        g_clear_error(&error);
        g_autoptr(GPtrArray) largest = wide_coinbase(TRANSACTION_MAX_OUTPUTS);
        gboolean ok = MINED(blockchain_mine_block(bc, largest, &error));
        if (!ok)
            g_printerr("\n  %s\n", error->message);
        CU_ASSERT_TRUE_FATAL(ok);
    }
    const gchar *const env[] = {"BC_TARGET_BITS=4", "NODE_ID=3000", NULL};
    g_auto(BcRun) run = bc_test_run(dir, env, "getbalance", "-address", address, NULL);
    BC_ASSERT_RUN_OK(run);
    g_autofree gchar *expected =
        g_strdup_printf("Balance of '%s': %d\n", address, SUBSIDY + TRANSACTION_MAX_OUTPUTS);
    CU_ASSERT_STRING_EQUAL(run.out, expected);
}

void test_largest_transaction_register(void)
{
    static const BcTest tests[] = {
        {"the largest transaction allowed: mined, then getbalance works",
         test_largest_transaction_end_to_end},
        {NULL, NULL},
    };
    bc_test_add_suite("transaction/largest allowed", setup, teardown, tests);
}
