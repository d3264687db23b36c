/* validation_fixture.h: what the block and transaction validation tests share: four fixed
 * wallets, a chain of three blocks between them, a transaction made stale by the last block,
 * signed transactions on demand, and the check of a refusal's error.
 *
 * Header-only, like node_harness.h: mk/chapter.mk builds only tests/NN/test_*.c, so each test
 * file that includes it gets its own static copy. */
#pragma once
#include <stdarg.h>
#include <string.h>

#include "bc_error.h"
#include "bc_test.h"
#include "blockchain.h"
#include "wallet.h"

/* Low difficulty: the tests check the rules, not the mining. */
#define TEST_BITS 6
#define N_WALLETS 4

static gchar *dir;
static Blockchain *bc;
static Wallet *wallets[N_WALLETS];
static gchar *addresses[N_WALLETS];
/* The chain setup builds: genesis pays wallet 0; block 1 sends 5 from wallet 0 to wallet 1;
 * block 2 sends 2 from wallet 1 to wallet 2 (wallet 1 keeps 3 as change). */
static guint8 genesis_hash[BC_HASH_LEN], block1_hash[BC_HASH_LEN];
static guint8 genesis_coinbase_id[BC_HASH_LEN];
/* Wallet 1 -> wallet 3, signed before block 2: it spends the output block 2 spent. */
static Transaction *stale;

/* A failed check that stops the test, showing ERROR. */
#define ASSERT_OK(ok, error)                                                                       \
    do {                                                                                           \
        if (!(ok))                                                                                 \
            g_printerr("\n  %s\n", (error) != NULL ? (error)->message : "(no error set)");         \
        CU_ASSERT_TRUE_FATAL(ok);                                                                  \
    } while (0)

/* A signed transaction from wallet FROM to wallet TO on the chain as it is now. */
static Transaction *new_tx(guint from, guint to, gint64 amount)
{
    g_autoptr(GError) error = NULL;
    Transaction *tx = transaction_new_utxo(wallets[from], addresses[to], amount, bc, &error);
    g_assert_no_error(error);
    return tx;
}

static Transaction *coinbase_to(guint w)
{
    g_autoptr(GError) error = NULL;
    Transaction *tx = transaction_new_coinbase(addresses[w], NULL, &error);
    g_assert_no_error(error);
    return tx;
}

/* An independent copy, as a peer would send it. */
static Transaction *copy_tx(const Transaction *tx)
{
    g_autoptr(GBytes) raw = transaction_serialize(tx);
    g_autoptr(GError) error = NULL;
    Transaction *copy = transaction_deserialize(raw, &error);
    g_assert_no_error(error);
    return copy;
}

/* A list owning the transactions given, NULL-terminated (an empty list when FIRST is NULL). */
static GPtrArray *tx_list(Transaction *first, ...)
{
    GPtrArray *txs = g_ptr_array_new_with_free_func((GDestroyNotify)transaction_free);
    va_list ap;
    va_start(ap, first);
    for (Transaction *tx = first; tx != NULL; tx = va_arg(ap, Transaction *))
        g_ptr_array_add(txs, tx);
    va_end(ap);
    return txs;
}

/* Sends and mines in one block on BC, the reward to wallet 0. */
static Block *must_mine(Transaction *tx)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) txs = tx_list(coinbase_to(0), tx, NULL);
    Block *block = blockchain_mine_block(bc, txs, &error);
    ASSERT_OK(block != NULL, error);
    return block;
}

/* Fixed keys 1 ... 4: the same wallets on every run. */
static void setup(void)
{
    dir = bc_test_tmpdir();
    for (guint i = 0; i < N_WALLETS; i++) {
        guint8 key[WALLET_PRIVATE_KEY_LEN] = {0};
        key[WALLET_PRIVATE_KEY_LEN - 1] = (guint8)(i + 1);
        wallets[i] = wallet_from_private_key(key, NULL);
        g_assert(wallets[i] != NULL);
        addresses[i] = wallet_get_address(wallets[i]);
    }
    g_autofree gchar *db = g_build_filename(dir, "blockchain_3000.db", NULL);
    g_autoptr(GError) error = NULL;
    bc = blockchain_create(db, addresses[0], TEST_BITS, &error);
    g_assert_no_error(error);
    memcpy(genesis_hash, bc->tip, BC_HASH_LEN);
    g_autoptr(Block) genesis = blockchain_get_block(bc, genesis_hash, &error);
    g_assert_no_error(error);
    memcpy(genesis_coinbase_id, ((Transaction *)g_ptr_array_index(genesis->transactions, 0))->id,
           BC_HASH_LEN);

    g_autoptr(Block) block1 = must_mine(new_tx(0, 1, 5));
    memcpy(block1_hash, block1->hash, BC_HASH_LEN);
    stale = new_tx(1, 3, 1);
    block_free(must_mine(new_tx(1, 2, 2)));
    g_assert(bc->height == 2);
}

static void teardown(void)
{
    g_clear_pointer(&stale, transaction_free);
    g_clear_pointer(&bc, blockchain_close);
    for (guint i = 0; i < N_WALLETS; i++) {
        g_clear_pointer(&wallets[i], wallet_free);
        g_clear_pointer(&addresses[i], g_free);
    }
    bc_test_tmpdir_remove(dir);
    g_clear_pointer(&dir, g_free);
}

/* The error of a refused check is CODE and its message contains REASON. */
G_GNUC_UNUSED static void expect_error(gboolean ok, const GError *error, gint code, const gchar *reason)
{
    CU_ASSERT_FALSE(ok);
    /* Not fatal: a fatal assertion would jump past the callers' cleanups. */
    CU_ASSERT_PTR_NOT_NULL(error);
    if (error == NULL)
        return;
    if (!g_error_matches(error, BC_ERROR, code))
        g_printerr("\n  expected code %d, got %d: %s\n", code, error->code, error->message);
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, code));
    BC_ASSERT_CONTAINS(error->message, reason);
}

/* Flips one bit of input 0's signature and gives TX its new ID: well-formed, but forged. */
G_GNUC_UNUSED static void forge_signature(Transaction *tx)
{
    TxInput *in = g_ptr_array_index(tx->vin, 0);
    gsize len = 0;
    const guint8 *sig = g_bytes_get_data(in->signature, &len);
    g_assert(len == WALLET_SIGNATURE_LEN);
    guint8 forged[WALLET_SIGNATURE_LEN];
    memcpy(forged, sig, len);
    forged[10] ^= 0x01;
    g_bytes_unref(in->signature);
    in->signature = g_bytes_new(forged, sizeof forged);
    transaction_set_id(tx);
}
