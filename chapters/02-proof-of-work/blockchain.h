/* blockchain.h: the chain: blocks in order, each linked to the one before by its hash. */
#pragma once
#include <glib.h>

#include "block.h"

/* In this chapter the chain lives in memory only: an array of blocks, genesis first. */
typedef struct {
    GPtrArray *blocks; /* of Block*, owned */
    guint32 bits;      /* the difficulty every new block is mined at */
} Blockchain;

Blockchain *blockchain_new(guint32 bits);
void blockchain_free(Blockchain *bc);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Blockchain, blockchain_free)

/* Appends a block holding DATA, linked to the current last block. */
void blockchain_add_block(Blockchain *bc, const gchar *data);
