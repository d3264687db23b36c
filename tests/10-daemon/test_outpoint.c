/* test_outpoint.c: outpoints are equal, hash alike and find each other in a table by their
 * bytes, not by being the same object. */
#include <string.h>

#include "bc_test.h"
#include "outpoint.h"

static void outpoint_of(Outpoint *o, guint8 last, gint32 index)
{
    guint8 txid[BC_HASH_LEN];
    for (gsize i = 0; i < BC_HASH_LEN; i++)
        txid[i] = (guint8)(i * 7);
    txid[BC_HASH_LEN - 1] = last;
    outpoint_init(o, txid, index);
}

static void test_equality(void)
{
    Outpoint a, b, other_tx, other_index;
    outpoint_of(&a, 1, 0);
    outpoint_of(&b, 1, 0);
    outpoint_of(&other_tx, 2, 0);
    outpoint_of(&other_index, 1, 1);
    CU_ASSERT_TRUE(outpoint_equal(&a, &b));
    CU_ASSERT_EQUAL(outpoint_hash(&a), outpoint_hash(&b));
    CU_ASSERT_FALSE(outpoint_equal(&a, &other_tx));    /* the last byte of the ID counts */
    CU_ASSERT_FALSE(outpoint_equal(&a, &other_index)); /* and the index */
    g_autofree Outpoint *copy = outpoint_new(a.txid, a.index);
    CU_ASSERT_TRUE(outpoint_equal(&a, copy));
    CU_ASSERT_EQUAL(memcmp(copy->txid, a.txid, BC_HASH_LEN), 0);
    CU_ASSERT_EQUAL(copy->index, 0);
}

/* Every byte goes into the hash: one changed byte of the ID, wherever it is, or of the index,
 * changes it (FNV-1a maps inputs of one length that differ in one byte to different hashes). A
 * hash over the first bytes only would let made-up inputs share one bucket. */
static void test_hash_reads_every_byte(void)
{
    Outpoint a;
    outpoint_of(&a, 1, 5);
    guint base = outpoint_hash(&a);
    for (gsize i = 0; i < BC_HASH_LEN; i++) {
        Outpoint b = a;
        b.txid[i] ^= 0x80;
        CU_ASSERT_NOT_EQUAL(outpoint_hash(&b), base);
    }
    for (guint shift = 0; shift < 32; shift += 8) {
        Outpoint b = a;
        b.index = (gint32)((guint32)a.index ^ (1u << shift));
        CU_ASSERT_NOT_EQUAL(outpoint_hash(&b), base);
    }
}

static void test_table_lookup(void)
{
    g_autoptr(GHashTable) set = outpoint_set_new();
    for (guint i = 0; i < 1000; i++) {
        Outpoint o;
        outpoint_of(&o, (guint8)i, (gint32)(i / 256));
        CU_ASSERT_TRUE(g_hash_table_add(set, outpoint_new(o.txid, o.index)));
    }
    CU_ASSERT_EQUAL(g_hash_table_size(set), 1000);
    /* Found through a copy on the stack: equal bytes are enough. */
    Outpoint key;
    outpoint_of(&key, 7, 0);
    CU_ASSERT_TRUE(g_hash_table_contains(set, &key));
    outpoint_of(&key, 7, 3); /* 3 * 256 + 7 = 775: added */
    CU_ASSERT_TRUE(g_hash_table_contains(set, &key));
    outpoint_of(&key, 7, 4); /* 1031: not added */
    CU_ASSERT_FALSE(g_hash_table_contains(set, &key));
    outpoint_of(&key, 7, -1); /* a coinbase's index is an output no one made */
    CU_ASSERT_FALSE(g_hash_table_contains(set, &key));
    /* The same output again is not a new member: how a double spend is seen. */
    outpoint_of(&key, 7, 0);
    CU_ASSERT_FALSE(g_hash_table_add(set, outpoint_new(key.txid, key.index)));
    CU_ASSERT_EQUAL(g_hash_table_size(set), 1000);
}

void test_outpoint_register(void)
{
    static const BcTest tests[] = {
        {"equal bytes, equal outpoints", test_equality},
        {"the hash reads every byte", test_hash_reads_every_byte},
        {"a table finds outpoints by their bytes", test_table_lookup},
        {NULL, NULL},
    };
    bc_test_add_suite("10/outpoint", NULL, NULL, tests);
}
