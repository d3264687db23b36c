/* wallets_fixture.h: what the UTXO suites share: a temporary directory for blockchain.db and
 * N_WALLETS wallets with the fixed private keys 1, 2, 3 ..., the same on every run. The file
 * that includes it defines N_WALLETS first; setup and teardown run around each test. */
#pragma once
#include "bc_test.h"
#include "blockchain.h"
#include "wallet.h"

/* Low difficulty: the tests check what is mined, not how long it takes. */
#define TEST_BITS 6

static gchar *dir, *db;
static Wallet *wallets[N_WALLETS];
static gchar *addresses[N_WALLETS];

static void setup(void)
{
    dir = bc_test_tmpdir();
    db = g_build_filename(dir, BLOCKCHAIN_DB_FILE, NULL);
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
