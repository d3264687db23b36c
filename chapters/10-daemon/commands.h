/* commands.h: what the commands that read a node's state print (chapter 10), as text, so that the
 * CLI with no node running and the node answering its control socket print the same bytes. Each
 * takes the node's state in a NodeState; with no node running, only the chain and the wallet
 * file are there: no mempool, no peers, no miner. */
#pragma once
#include <glib.h>

#include "blockchain.h"
#include "mempool.h"
#include "miner.h"
#include "peers.h"
#include "transaction.h"
#include "wallets.h"

typedef struct {
    Blockchain *bc;
    const gchar *wallets_path; /* wallet_NODE_ID.dat */
    Mempool *mempool;          /* NULL: no node runs */
    Peers *peers;              /* NULL: no node runs */
    Miner *miner;              /* NULL: no node runs, or it does not mine */
    guint threads;             /* the miner's */
} NodeState;

/* "Balance of 'ADDRESS': N", and with UNCONFIRMED a second line, the balance after the
 * mempool's transactions (see commands.c). */
gboolean commands_getbalance(const NodeState *state, const gchar *address, gboolean unconfirmed,
                             GString *out, GError **error);
gboolean commands_printchain(const NodeState *state, GString *out, GError **error);
gboolean commands_listaddresses(const NodeState *state, GString *out, GError **error);
/* One line per pooled transaction, oldest first: its ID, inputs and whom it pays. */
gboolean commands_getmempool(const NodeState *state, GString *out, GError **error);
/* One line per connected peer whose handshake is done. */
gboolean commands_peers(const NodeState *state, GString *out, GError **error);
/* Height, tip, peers, mempool size and mining, one "name: value" per line. */
gboolean commands_getinfo(const NodeState *state, GString *out, GError **error);

/* The transaction a send makes from the wallet FROM (in the wallet file): FROM's confirmed
 * outputs that no pooled transaction spends already. BC_ERROR_NOT_FOUND when the wallet file
 * has no key for FROM, BC_ERROR_FUNDS when those outputs are not enough. */
Transaction *commands_new_send(const NodeState *state, const gchar *from, const gchar *to,
                               gint64 amount, GError **error);
