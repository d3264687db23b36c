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
 * PATH is not a regular file or is over the size limit, or as wallets_deserialize says;
 * BC_ERROR_IO when it cannot be read. */
Wallets *wallets_load(const gchar *path, GError **error);

/* The wallets in BYTES, the contents of a wallet file (PATH names it in messages). NULL with
 * BC_ERROR_CORRUPT when BYTES are not a wallet file of ours, truncated or oversized, hold a key
 * that does not belong to its address, or entries that are not in the order wallets_serialize
 * writes. */
Wallets *wallets_deserialize(GBytes *bytes, const gchar *path, GError **error);

/* The bytes of the wallet file: entries sorted by address, so the same wallets give the same
 * bytes. */
GBytes *wallets_serialize(const Wallets *wallets);

/* Replaces PATH atomically with the wallets (mode 0600): a crash leaves the old file or the new
 * one, never half of it. */
gboolean wallets_save(const Wallets *wallets, const gchar *path, GError **error);

/* Adds a new wallet and returns its address (not saved until wallets_save). */
gchar *wallets_create_wallet(Wallets *wallets, GError **error);

/* The wallet of ADDRESS, owned by WALLETS, or NULL when there is none. */
const Wallet *wallets_get_wallet(const Wallets *wallets, const gchar *address);

/* Every address, sorted; free with g_strfreev. */
GStrv wallets_get_addresses(const Wallets *wallets);
