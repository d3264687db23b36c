/* test_spent_lookup.c: signing and verifying read the outputs they spend from the UTXO set, one
 * record per input, so a spend of an output from block 1 costs the same at height 2,000 as at
 * height 2 (chapter 5 walked the chain from the tip for every input). The store's read counter
 * shows it. */
#include <string.h>

#define BC_MINE_RETURNS_BLOCK 1
#define BC_SUITE_PREFIX "07"

#include "bc_error.h"
#include "bc_store.h"
#include "bc_test.h"
#include "blockchain.h"
#include "utxo_set.h"
#include "wallet.h"

#define TEST_BITS 1
#define HEIGHT 2000

static gchar *dir, *db;
static Wallet *alice, *bob;

static void setup(void)
{
    dir = bc_test_tmpdir();
    db = g_build_filename(dir, "blockchain.db", NULL);
    guint8 key[WALLET_PRIVATE_KEY_LEN] = {[WALLET_PRIVATE_KEY_LEN - 1] = 5};
    alice = wallet_from_private_key(key, NULL);
    key[WALLET_PRIVATE_KEY_LEN - 1] = 6;
    bob = wallet_from_private_key(key, NULL);
}

static void teardown(void)
{
    bc_test_tmpdir_remove(dir);
    g_clear_pointer(&dir, g_free);
    g_clear_pointer(&db, g_free);
    g_clear_pointer(&alice, wallet_free);
    g_clear_pointer(&bob, wallet_free);
}

/* The records read so far, from the chain's file and the set's. */
static guint64 reads(Blockchain *bc)
{
    return bc_store_read_count(bc->store) + bc_store_read_count(bc->chainstate);
}

/* Mines a block of one coinbase paying TO; its ID in ID. */
static void mine_coinbase(Blockchain *bc, const Wallet *to, guint n, guint8 id[BC_HASH_LEN])
{
    g_autofree gchar *address = wallet_get_address(to);
    g_autofree gchar *data = g_strdup_printf("block %u", n);
    g_autoptr(GPtrArray) txs = g_ptr_array_new_with_free_func((GDestroyNotify)transaction_free);
    Transaction *coinbase = transaction_new_coinbase(address, data, NULL);
    memcpy(id, coinbase->id, BC_HASH_LEN);
    g_ptr_array_add(txs, coinbase);
    g_autoptr(GError) error = NULL;
#ifdef BC_MINE_RETURNS_BLOCK
    g_autoptr(Block) block = blockchain_mine_block(bc, txs, &error);
    g_assert_no_error(error);
    CU_ASSERT_PTR_NOT_NULL(block);
#else
    g_assert_true(blockchain_mine_block(bc, txs, &error));
#endif
}

static void test_old_output_no_walk(void)
{
    g_autofree gchar *address = wallet_get_address(alice);
    g_autoptr(GError) error = NULL;
    g_autoptr(Blockchain) bc = blockchain_create(db, address, TEST_BITS, &error);
    g_assert_no_error(error);
    guint8 old_id[BC_HASH_LEN], id[BC_HASH_LEN];
    mine_coinbase(bc, alice, 1, old_id);
    for (guint n = 2; n <= HEIGHT; n++)
        mine_coinbase(bc, bob, n, id);

    /* Alice spends block 1's reward, 1,999 blocks below the tip. */
    guint8 to[BC_RIPEMD160_LEN];
    wallet_hash_pubkey(wallet_public_key(bob), to);
    g_autoptr(Transaction) tx = transaction_new();
    transaction_add_input(tx, old_id, 0, wallet_public_key(alice), WALLET_PUBLIC_KEY_LEN);
    transaction_add_output(tx, SUBSIDY, to);
    guint64 before = reads(bc);
    CU_ASSERT_TRUE(blockchain_sign_transaction(bc, tx, alice, &error));
    g_assert_no_error(error);
    transaction_set_id(tx);
    guint64 signing = reads(bc) - before;
    before = reads(bc);
    CU_ASSERT_TRUE(blockchain_verify_transaction(bc, tx, &error));
    g_assert_no_error(error);
    guint64 verifying = reads(bc) - before;
    /* One record per input: the walk read every block above block 1. */
    CU_ASSERT_EQUAL(signing, 1);
    CU_ASSERT_EQUAL(verifying, 1);

    /* Once spent, the same output is refused, and says why. */
    g_autoptr(GPtrArray) txs = g_ptr_array_new_with_free_func((GDestroyNotify)transaction_free);
    g_ptr_array_add(txs, g_steal_pointer(&tx));
#ifdef BC_MINE_RETURNS_BLOCK
    g_autoptr(Block) block = blockchain_mine_block(bc, txs, &error);
    g_assert_no_error(error);
    CU_ASSERT_PTR_NOT_NULL(block);
#else
    g_assert_true(blockchain_mine_block(bc, txs, &error));
#endif
    g_autoptr(Transaction) again = transaction_new();
    transaction_add_input(again, old_id, 0, wallet_public_key(alice), WALLET_PUBLIC_KEY_LEN);
    transaction_add_output(again, SUBSIDY, to);
    CU_ASSERT_FALSE(blockchain_sign_transaction(bc, again, alice, &error));
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_INVALID));
    BC_ASSERT_CONTAINS(error != NULL ? error->message : "", "which is not in the UTXO set");
}

void test_spent_lookup_register(void)
{
    static const BcTest tests[] = {
        {"a spend of block 1's output at height 2,000 reads one record, no walk",
         test_old_output_no_walk},
        {0},
    };
    bc_test_add_suite(BC_SUITE_PREFIX "/spent_lookup", setup, teardown, tests);
}
