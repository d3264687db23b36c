/* node.h: a node of the peer-to-peer network (chapter 8): every node is equal. It keeps
 * connections to its peers, learns of other nodes through addr, relays every block and
 * transaction it accepts, syncs from whoever has a longer chain and, as a miner, mines. */
#pragma once
#include <glib.h>

#include "blockchain.h"

/* A miner mines as soon as its mempool holds this many transactions, as in the article. */
#define NODE_MINING_THRESHOLD 2
/* The most transactions one inv makes a node ask for. */
#define NODE_MAX_TX_REQUESTS 16
/* An addr message longer than this is a getaddr answer, not news: it is not relayed. */
#define NODE_MAX_ADDR_RELAY 10

typedef struct {
    const gchar *listen;        /* "host:port" we listen on and announce */
    const gchar *const *seeds;  /* dialled at start (-connect, else the central node) */
    const gchar *miner_address; /* NULL unless this node mines */
    const gchar *peers_path;    /* the address book, peers_NODE_ID.dat */
    guint max_outbound, max_inbound;
    guint threads; /* mining threads (chapter 10), 1 or more */
    const gchar *control_path; /* the control socket, node_NODE_ID.sock (control.h) */
    const gchar *wallets_path; /* wallet_NODE_ID.dat: send through the control socket */
} NodeOptions;

/* Runs the node over BC until SIGINT or SIGTERM. */
gboolean node_run(Blockchain *bc, const NodeOptions *options, GError **error);
