/* node.h: a node of the article's network: it syncs its chain from the others, relays new
 * transactions, and, as a miner, turns them into blocks. */
#pragma once
#include <glib.h>

#include "blockchain.h"
#include "message.h"

/* A miner mines as soon as its mempool holds this many transactions, as in the article. */
#define NODE_MINING_THRESHOLD 2
/* The most transactions one inv makes a node ask for. */
#define NODE_MAX_TX_REQUESTS 16
/* The most peers a node remembers; a peer that cannot be reached NODE_MAX_FAILURES times in a
 * row is forgotten (the central node never is), and a full list makes room by forgetting one
 * that failed. */
#define NODE_MAX_KNOWN 100
#define NODE_MAX_FAILURES 3
/* A sync peer that sends no block within this long of a getdata is dropped, and the node asks
 * again: from the central node, or from the peer that told it of a longer chain. */
#define NODE_GETDATA_TIMEOUT_S 3
/* The most blocks received and waiting to be checked (see handle_block). */
#define NODE_MAX_ARRIVED 4
/* getblocks is answered at most once per sender per this long: a later one waits until then
 * (one waits, more are dropped), so no sender can make a node push inv after inv. */
#define NODE_GETBLOCKS_INTERVAL_S 2
/* A getblocks answer lists at most this many hashes (the inv limit): a longer chain is sent in
 * rounds, each starting after the height the peer last reported in its version. Tests lower it
 * with BC_TEST_INV_WINDOW, to see rounds on a short chain. */
#define NODE_INV_WINDOW MESSAGE_MAX_INV_ITEMS

/* Runs the node ADDRESS ("localhost:PORT") over BC until SIGINT or SIGTERM. CENTRAL is the
 * central node's address; MINER_ADDRESS, when not NULL, makes this node a miner paid there. */
gboolean node_run(Blockchain *bc, const gchar *address, guint16 port, const gchar *central,
                  const gchar *miner_address, GError **error);

/* Whether ADDRESS is a peer this chapter talks to: "localhost:PORT". The article's network
 * lives on one machine; a message naming another host is dropped. */
gboolean node_address_is_local(const gchar *address);
