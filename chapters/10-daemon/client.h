/* client.h: a short-lived peer for commands (chapter 8): send connects, does the handshake,
 * hands over a transaction and waits for the verdict. */
#pragma once
#include <glib.h>

#include "bc_hash.h"

/* Connects and reads are given up after this long. */
#define CLIENT_TIMEOUT_S 10

/* Gives the transaction TX (serialized, id ID) to the node at ADDRESS. TRUE once the node has
 * taken it: it answered our ping after the tx without a reject for it. BC_ERROR_NETWORK when
 * it cannot be reached or breaks the protocol, BC_ERROR_INVALID with the node's reason when it
 * rejected the transaction. */
gboolean client_send_transaction(const gchar *address, GBytes *tx, const guint8 id[BC_HASH_LEN],
                                 GError **error);
