/* fuzz_chain.h: real wallets, transactions and blocks for the seeds of the chapter 7 targets,
 * made by the chapter's own code: fixed keys, inputs signed by transaction_sign, blocks mined at
 * the article's difficulty with a fixed timestamp. Only signatures differ from one 'make
 * fuzz-seeds' to the next (ECDSA draws a fresh nonce each time). */
#pragma once
#include <string.h>

#include "bc_hex.h"
#include "block.h"
#include "proof_of_work.h"
#include "transaction.h"
#include "transaction_sign.h"
#include "wallet.h"

#define SEED_TIMESTAMP G_GINT64_CONSTANT(1700000000) /* 14 November 2023 */

/* The wallet whose private key is 0x00...00N. */
static inline Wallet *seed_wallet(guint8 n)
{
    guint8 key[WALLET_PRIVATE_KEY_LEN] = {0};
    key[WALLET_PRIVATE_KEY_LEN - 1] = n;
    Wallet *wallet = wallet_from_private_key(key, NULL);
    g_assert(wallet != NULL);
    return wallet;
}

static inline Transaction *seed_coinbase(const Wallet *to, const gchar *data)
{
    g_autofree gchar *address = wallet_get_address(to);
    Transaction *tx = transaction_new_coinbase(address, data, NULL);
    g_assert(tx != NULL);
    return tx;
}

/* A transaction that spends every output of PREV (all FROM's), pays AMOUNT to TO and the rest back
 * to FROM, signed by FROM. */
static inline Transaction *seed_spend(const Transaction *prev, const Wallet *from, const Wallet *to,
                                      gint64 amount)
{
    guint8 from_hash[BC_RIPEMD160_LEN], to_hash[BC_RIPEMD160_LEN];
    wallet_hash_pubkey(wallet_public_key(from), from_hash);
    wallet_hash_pubkey(wallet_public_key(to), to_hash);
    Transaction *tx = transaction_new();
    gint64 total = 0;
    for (guint i = 0; i < prev->vout->len; i++) {
        const TxOutput *out = g_ptr_array_index(prev->vout, i);
        transaction_add_input(tx, prev->id, (gint32)i, wallet_public_key(from),
                              WALLET_PUBLIC_KEY_LEN);
        total += out->value;
    }
    transaction_add_output(tx, amount, to_hash);
    if (total > amount)
        transaction_add_output(tx, total - amount, from_hash);
    /* Input i spends output i of PREV. */
    gboolean signed_ok = transaction_sign(tx, from, prev->vout, NULL);
    g_assert(signed_ok);
    transaction_set_id(tx);
    return tx;
}

/* A block of TXS (a reference is taken) at HEIGHT after PREV_HASH, mined. */
static inline Block *seed_block(GPtrArray *txs, const guint8 prev_hash[BC_HASH_LEN], gint32 height)
{
    Block *block = block_new(txs, prev_hash, height, POW_DEFAULT_TARGET_BITS);
    block->timestamp = SEED_TIMESTAMP + height * 600;
    pow_run(block);
    return block;
}

/* A short chain's worth of seeds: the coinbase paying wallet 1, wallet 1 paying 3 to wallet 2 with
 * change (two outputs), wallet 2 paying back (one input of two outputs' transaction), the genesis
 * block and a block of a coinbase and two spends. */
typedef struct {
    Transaction *coinbase, *spend, *spend_back, *coinbase2;
    Block *genesis, *block;
} SeedChain;

static inline void seed_chain_init(SeedChain *chain)
{
    g_autoptr(Wallet) one = seed_wallet(1);
    g_autoptr(Wallet) two = seed_wallet(2);
    chain->coinbase = seed_coinbase(one, GENESIS_COINBASE_DATA);
    chain->spend = seed_spend(chain->coinbase, one, two, 3);
    chain->spend_back = seed_spend(chain->spend, two, one, 1);
    chain->coinbase2 = seed_coinbase(two, "height 1");
    GPtrArray *genesis_txs = g_ptr_array_new();
    g_ptr_array_add(genesis_txs, chain->coinbase);
    static const guint8 no_parent[BC_HASH_LEN] = {0};
    chain->genesis = seed_block(genesis_txs, no_parent, 0);
    g_ptr_array_unref(genesis_txs);
    GPtrArray *txs = g_ptr_array_new();
    g_ptr_array_add(txs, chain->coinbase2);
    g_ptr_array_add(txs, chain->spend);
    g_ptr_array_add(txs, chain->spend_back);
    chain->block = seed_block(txs, chain->genesis->hash, 1);
    g_ptr_array_unref(txs);
}

/* The blocks' arrays do not own the transactions: free the blocks first. */
static inline void seed_chain_clear(SeedChain *chain)
{
    block_free(chain->genesis);
    block_free(chain->block);
    transaction_free(chain->coinbase);
    transaction_free(chain->spend);
    transaction_free(chain->spend_back);
    transaction_free(chain->coinbase2);
}
