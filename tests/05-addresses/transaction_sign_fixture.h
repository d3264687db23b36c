/* transaction_sign_fixture.h: what the signing and forgery tests share: a real chain on disk
 * in which Alice owns two outputs of one transaction, a fresh transaction from her to Bob, and
 * the digest an input signs, computed independently.
 *
 * Header-only, like node_harness.h: mk/chapter.mk builds only tests/NN/test_*.c, so each test
 * file that includes it gets its own static copy. */
#pragma once
#include <string.h>

#include "bc_test.h"
#include "blockchain.h"
#include "transaction_sign.h"
#include "wallets.h"

#define BITS 8

static gchar *dir;
static Wallets *wallets;
static gchar *alice, *bob; /* addresses of two wallets in WALLETS */
static Blockchain *bc;
static guint8 genesis_txid[BC_HASH_LEN], self_txid[BC_HASH_LEN];

static const Wallet *wallet_of(const gchar *address)
{
    const Wallet *wallet = wallets_get_wallet(wallets, address);
    g_assert(wallet != NULL);
    return wallet;
}

/* The transaction of the newest block (each block here holds one). */
static void tip_txid(guint8 out[BC_HASH_LEN])
{
    g_autoptr(Block) block = blockchain_get_block(bc, bc->tip, NULL);
    g_assert(block != NULL && block->transactions->len == 1);
    const Transaction *tx = g_ptr_array_index(block->transactions, 0);
    memcpy(out, tx->id, BC_HASH_LEN);
}

/* Makes TX, signed by FROM, and mines it into a block. */
static void mine_send(const gchar *from, const gchar *to, gint64 amount)
{
    g_autoptr(GError) error = NULL;
    Transaction *tx = transaction_new_utxo(wallet_of(from), to, amount, bc, &error);
    g_assert_no_error(error);
    g_autoptr(GPtrArray) txs = g_ptr_array_new_with_free_func((GDestroyNotify)transaction_free);
    g_ptr_array_add(txs, tx);
    g_assert(blockchain_mine_block(bc, txs, &error));
}

/* A chain with two blocks: the genesis pays Alice 10, then Alice sends 6 to herself, so she owns
 * two outputs of one transaction (6 and 4 change): enough to move an input to another output
 * that Alice also owns, and see that only the signature stops it. */
static void setup(void)
{
    dir = bc_test_tmpdir();
    wallets = wallets_new();
    alice = wallets_create_wallet(wallets, NULL);
    bob = wallets_create_wallet(wallets, NULL);
    g_assert(alice != NULL && bob != NULL);
    g_autofree gchar *path = g_build_filename(dir, BLOCKCHAIN_DB_FILE, NULL);
    g_autoptr(GError) error = NULL;
    bc = blockchain_create(path, alice, BITS, &error);
    g_assert_no_error(error);
    tip_txid(genesis_txid);
    mine_send(alice, alice, 6);
    tip_txid(self_txid);
}

static void teardown(void)
{
    g_clear_pointer(&bc, blockchain_close);
    g_clear_pointer(&wallets, wallets_free);
    g_clear_pointer(&alice, g_free);
    g_clear_pointer(&bob, g_free);
    bc_test_tmpdir_remove(dir);
    g_clear_pointer(&dir, g_free);
}

/* Alice pays Bob 3 out of her 6-coin output, 3 back as change: one input, two outputs. */
static Transaction *alice_pays_bob(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(Transaction) tx = transaction_new_utxo(wallet_of(alice), bob, 3, bc, &error);
    /* Fatal checks stop the test, not the runner, should an earlier step of a failing test
     * have let a forged transaction into the chain. */
    CU_ASSERT_PTR_NOT_NULL_FATAL(tx);
    CU_ASSERT_TRUE_FATAL(tx->vin->len == 1 && tx->vout->len == 2);
    const TxInput *in = g_ptr_array_index(tx->vin, 0);
    CU_ASSERT_TRUE_FATAL(memcmp(in->txid, self_txid, BC_HASH_LEN) == 0 && in->vout == 0);
    return g_steal_pointer(&tx);
}

static GBytes *input_signature(const Transaction *tx, guint i)
{
    return ((const TxInput *)g_ptr_array_index(tx->vin, i))->signature;
}

static void assert_verifies(const Transaction *tx)
{
    g_autoptr(GError) error = NULL;
    gboolean ok = blockchain_verify_transaction(bc, tx, &error);
    if (!ok)
        g_printerr("\n  %s\n", error->message);
    CU_ASSERT_TRUE(ok);
}

/* What input INDEX of TX signs, computed here from the article's description rather than taken
 * from transaction_sign.c: the hash (the ID function) of a copy of TX without signatures and
 * keys, in which input INDEX carries the key hash of the output it spends. */
static void expected_digest(const Transaction *tx, guint index, const guint8 spent_hash[20],
                            guint8 out[BC_HASH_LEN])
{
    g_autoptr(Transaction) copy = transaction_new();
    for (guint i = 0; i < tx->vin->len; i++) {
        const TxInput *in = g_ptr_array_index(tx->vin, i);
        transaction_add_input(copy, in->txid, in->vout, i == index ? spent_hash : NULL,
                              i == index ? BC_RIPEMD160_LEN : 0);
    }
    for (guint i = 0; i < tx->vout->len; i++) {
        const TxOutput *o = g_ptr_array_index(tx->vout, i);
        transaction_add_output(copy, o->value, o->pubkey_hash);
    }
    transaction_hash(copy, out);
}
