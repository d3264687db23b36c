/* message_log.h: one log line per message a node sends or receives, in chapter 7's words:
 *     [ID] sent TYPE to HOST:PORT: WHAT
 *     [ID] received TYPE from HOST:PORT: WHAT
 * HOST:PORT names the peer by where it listens once its version has said so (the address it
 * connected from before that, or when it does not listen), so the two ends of one message name
 * the same two nodes; WHAT says what the message carried, the same words on both sides. Pairing
 * the lines draws the picture of a run (tools/logseq.awk, docs/img/08-five-nodes.svg). */
#pragma once
#include <glib.h>

#include "message.h"

/* What M carries, in a few words (heights, counts, short hashes, amounts). */
gchar *message_describe(const Message *m);
/* Logs FRAME (one whole frame of our own encoders) as sent to PEER_NAME. */
void message_log_sent(const gchar *peer_name, GBytes *frame);
/* Logs M as received from PEER_NAME. */
void message_log_received(const gchar *peer_name, const Message *m);
