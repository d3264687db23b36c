/* hostile_chain.h: the attacks on a node's chain: blocks and transactions that break its rules
 * (a bad proof-of-work, an unknown parent, a fork, a rich coinbase, a forged signature, a double
 * spend, a wrong ID, a coinbase alone, a sender from afar, a mempool conflict), built against
 * the node's chain before it starts, sent once it runs. Used by test_hostile.c; a header of its
 * own to keep that file short. */
#pragma once
#include "hostile_fixture.h"

#include "blockchain.h"
#include "transaction_sign.h"
#include "proof_of_work.h"
#include "wallets.h"

/* ---- blocks and transactions built against the node's chain, before it starts ---- */

typedef struct {
    GBytes *block_bad_nonce, *block_above_target, *block_unknown_parent, *block_fork,
        *block_rich_coinbase, *tx_forged, *tx_spent, *tx_wrong_id, *tx_from_afar, *tx_first,
        *tx_conflicting, *tx_coinbase;
} Attacks;

static void attacks_clear(Attacks *a)
{
    GBytes **all = (GBytes **)a;
    for (gsize i = 0; i < sizeof *a / sizeof(GBytes *); i++)
        g_clear_pointer(&all[i], g_bytes_unref);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Attacks, attacks_clear)

/* A block after PREV at HEIGHT holding COINBASE (taken), mined with the real loop. */
static Block *mine(Blockchain *bc, Transaction *coinbase, const guint8 prev[BC_HASH_LEN],
                   gint32 height)
{
    Block *block = g_new0(Block, 1);
    block->timestamp = g_get_real_time() / G_USEC_PER_SEC;
    block->transactions = g_ptr_array_new_with_free_func((GDestroyNotify)transaction_free);
    g_ptr_array_add(block->transactions, coinbase);
    memcpy(block->prev_hash, prev, BC_HASH_LEN);
    block->height = height;
    block->bits = bc->bits;
    pow_run(block);
    return block;
}

static GBytes *block_message(const Block *block)
{
    g_autoptr(GBytes) raw = block_serialize(block);
    return message_encode_block(sink_addr, raw);
}

static GBytes *tx_message(const gchar *from, const Transaction *tx)
{
    g_autoptr(GBytes) raw = transaction_serialize(tx);
    return message_encode_tx(from, raw);
}

static Transaction *coinbase_to(const gchar *address)
{
    g_autoptr(GError) error = NULL;
    Transaction *tx = transaction_new_coinbase(address, NULL, &error);
    g_assert_no_error(error);
    return tx;
}

static void build_attacks(Attacks *a, const gchar *central_wallet, const gchar *other_wallet)
{
    g_autofree gchar *node_db = g_strdup_printf("%s/blockchain_%u.db", dir, central_port);
    g_autofree gchar *wallet_file = g_strdup_printf("%s/wallet_%u.dat", dir, central_port);
    g_autoptr(GError) error = NULL;
    guint32 bits = (guint32)g_ascii_strtoull(NODE_HARNESS_TARGET_BITS, NULL, 10);
    g_autoptr(Blockchain) bc = blockchain_open(node_db, FALSE, bits, &error);
    g_assert_no_error(error);
    g_autoptr(Wallets) wallets = wallets_load(wallet_file, &error);
    g_assert_no_error(error);
    const Wallet *from = wallets_get_wallet(wallets, central_wallet);
    g_assert(from != NULL);

    g_autoptr(Block) b1 = mine(bc, coinbase_to(central_wallet), bc->tip, bc->height + 1);
    b1->nonce++; /* the hash no longer matches the header */
    a->block_bad_nonce = block_message(b1);

    g_autoptr(Block) b2 = mine(bc, coinbase_to(central_wallet), bc->tip, bc->height + 1);
    guint8 target[BC_HASH_LEN];
    pow_target(b2->bits, target);
    do { /* a hash that is the header's, but not below the target */
        b2->nonce++;
        block_compute_hash(b2, b2->hash);
    } while (memcmp(b2->hash, target, BC_HASH_LEN) < 0);
    a->block_above_target = block_message(b2);

    guint8 nowhere[BC_HASH_LEN];
    memset(nowhere, 0xab, sizeof nowhere);
    /* Two blocks ahead of the node: it is behind, and should ask for the chain. */
    g_autoptr(Block) b3 = mine(bc, coinbase_to(central_wallet), nowhere, bc->height + 2);
    a->block_unknown_parent = block_message(b3);

    /* The genesis block: its parent is "nothing", so a second block 1 is a fork. */
    g_autoptr(GByteArray) hashes = blockchain_get_block_hashes(bc, &error);
    g_assert_no_error(error);
    g_autoptr(Block) b4 = mine(bc, coinbase_to(central_wallet), hashes->data, 1);
    a->block_fork = block_message(b4);

    Transaction *rich = coinbase_to(central_wallet);
    ((TxOutput *)g_ptr_array_index(rich->vout, 0))->value = SUBSIDY + 1;
    transaction_set_id(rich);
    g_autoptr(Block) b5 = mine(bc, rich, bc->tip, bc->height + 1);
    a->block_rich_coinbase = block_message(b5);

    g_autoptr(Transaction) forged = transaction_new_utxo(from, other_wallet, 1, bc, &error);
    g_assert_no_error(error);
    TxInput *in = g_ptr_array_index(forged->vin, 0);
    guint8 sig[WALLET_SIGNATURE_LEN];
    memcpy(sig, g_bytes_get_data(in->signature, NULL), sizeof sig);
    sig[5] ^= 0x40;
    g_bytes_unref(in->signature);
    in->signature = g_bytes_new(sig, sizeof sig);
    transaction_set_id(forged);
    a->tx_forged = tx_message(sink_addr, forged);

    /* Block 1 spent the genesis reward: a second, validly signed spend of it. */
    g_autoptr(Block) genesis = blockchain_get_block(bc, hashes->data, &error); /* genesis first */
    g_assert_no_error(error);
    const Transaction *reward = g_ptr_array_index(genesis->transactions, 0);
    g_autoptr(Transaction) spent = transaction_new();
    transaction_add_input(spent, reward->id, 0, wallet_public_key(from), WALLET_PUBLIC_KEY_LEN);
    transaction_add_output(spent, SUBSIDY,
                           ((TxOutput *)g_ptr_array_index(reward->vout, 0))->pubkey_hash);
    /* Signed against the reward itself: the UTXO set no longer holds it. */
    gboolean ok = transaction_sign(spent, from, reward->vout, &error);
    g_assert_no_error(error);
    g_assert(ok);
    transaction_set_id(spent);
    a->tx_spent = tx_message(sink_addr, spent);

    g_autoptr(Transaction) first = transaction_new_utxo(from, other_wallet, 1, bc, &error);
    g_assert_no_error(error);
    a->tx_first = tx_message(sink_addr, first);
    a->tx_from_afar = tx_message("evil.example:80", first);
    /* Valid alone, but a double spend against the mempool once FIRST is in: both spend the
     * first output the UTXO set lists, which covers either amount. */
    g_autoptr(Transaction) conflicting = transaction_new_utxo(from, other_wallet, 2, bc, &error);
    g_assert_no_error(error);
    a->tx_conflicting = tx_message(sink_addr, conflicting);
    first->id[0] ^= 0x01;
    a->tx_wrong_id = tx_message(sink_addr, first);

    g_autoptr(Transaction) coinbase = coinbase_to(central_wallet);
    a->tx_coinbase = tx_message(sink_addr, coinbase);
}

/* Blocks and transactions that fail the checks. */
static void send_invalid_data(const Attacks *a)
{
    send_bytes(a->block_bad_nonce);
    expect_dropped("block from", "block record does not match its hash");
    send_bytes(a->block_above_target);
    expect_dropped("block from", "has no valid proof-of-work");
    send_bytes(a->block_unknown_parent);
    expect_dropped("block from", "its parent is unknown");
    /* Behind, the node asks the sender for its blocks: it cannot reach it, and says so. */
    g_autofree gchar *unreachable = g_strdup_printf("cannot reach %s", sink_addr);
    expect_log(central, unreachable);
    send_bytes(a->block_fork);
    expect_dropped("block from", "does not extend our tip");
    send_bytes(a->block_rich_coinbase);
    expect_dropped("block from", "its coinbase output 0 is out of range");

    send_bytes(a->tx_forged);
    expect_dropped("transaction from", "input 0's signature is not valid");
    send_bytes(a->tx_spent);
    expect_dropped("transaction from", "which is not in the UTXO set (spent already");
    send_bytes(a->tx_wrong_id);
    expect_dropped("transaction from", "transaction does not match its ID");
    send_bytes(a->tx_coinbase);
    expect_dropped("transaction from", "a coinbase is only valid as a block's first transaction");
    send_bytes(a->tx_from_afar);
    expect_dropped("tx", "sender 'evil.example:80' is not another node on this machine");
    /* A valid transaction goes to the mempool; a second one spending its output does not. */
    send_bytes(a->tx_first);
    expect_log(central, "accepted transaction");
    send_bytes(a->tx_conflicting);
    expect_dropped("transaction from", "already spent by pooled transaction");
}
