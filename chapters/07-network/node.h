/* node.h: a node of the article's network: it syncs its chain from the others, relays new
 * transactions, and, as a miner, turns them into blocks. */
#pragma once
#include <glib.h>

#include "blockchain.h"

/* Messages carry this; a peer speaking another version is ignored. */
#define NODE_VERSION 1
/* A miner mines as soon as its mempool holds this many transactions, as in the article. */
#define NODE_MINING_THRESHOLD 2
/* The most transactions one inv makes a node ask for. */
#define NODE_MAX_TX_REQUESTS 16
/* The most peers a node remembers. */
#define NODE_MAX_KNOWN 100

/* Runs the node ADDRESS ("localhost:PORT") over BC until SIGINT or SIGTERM. CENTRAL is the
 * central node's address; MINER_ADDRESS, when not NULL, makes this node a miner paid there. */
gboolean node_run(Blockchain *bc, const gchar *address, guint16 port, const gchar *central,
                  const gchar *miner_address, GError **error);

/* Whether ADDRESS is a peer this chapter talks to: "localhost:PORT". The article's network
 * lives on one machine; a message naming another host is dropped. */
gboolean node_address_is_local(const gchar *address);
