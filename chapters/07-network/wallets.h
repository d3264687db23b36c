/* wallets.h: the wallet file, every key pair of this user, found by address. */
#pragma once
#include <glib.h>

#include "wallet.h"

/* One wallet file per node: wallet_<NODE_ID>.dat. */
#define WALLETS_FILE_FORMAT "wallet_%s.dat"

typedef struct Wallets Wallets;

/* An empty set. */
Wallets *wallets_new(void);
void wallets_free(Wallets *wallets);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Wallets, wallets_free)

/* The wallets saved in PATH; an empty set when PATH does not exist. NULL with BC_ERROR_CORRUPT when
 * PATH is not a wallet file of ours, is truncated or oversized, or holds a key that does not belong
 * to its address; BC_ERROR_IO when it cannot be read. */
Wallets *wallets_load(const gchar *path, GError **error);

/* Replaces PATH atomically with the wallets (mode 0600): a crash leaves the old file or the new
 * one, never half of it. */
gboolean wallets_save(const Wallets *wallets, const gchar *path, GError **error);

/* Adds a new wallet and returns its address (not saved until wallets_save). */
gchar *wallets_create_wallet(Wallets *wallets, GError **error);

/* The wallet of ADDRESS, owned by WALLETS, or NULL when there is none. */
const Wallet *wallets_get_wallet(const Wallets *wallets, const gchar *address);

/* Every address, sorted; free with g_strfreev. */
GStrv wallets_get_addresses(const Wallets *wallets);
