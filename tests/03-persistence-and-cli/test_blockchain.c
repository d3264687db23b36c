/* test_blockchain.c: blocks and the tip go to the GDBM file and come back; the iterator walks
 * from the newest block to genesis and stops cleanly on damage. */
#include <string.h>

#include "bc_error.h"
#include "bc_test.h"
#include "blockchain.h"
#include "proof_of_work.h"

#define BITS 6

static gchar *tmp;
static gchar *path;

static void setup(void)
{
    tmp = bc_test_tmpdir();
    path = g_build_filename(tmp, BLOCKCHAIN_DB_FILE, NULL);
}

static void teardown(void)
{
    bc_test_tmpdir_remove(tmp);
    g_clear_pointer(&tmp, g_free);
    g_clear_pointer(&path, g_free);
}

static gboolean data_is(const Block *block, const gchar *text)
{
    gsize len = 0;
    const gchar *data = g_bytes_get_data(block->data, &len);
    return len == strlen(text) && (len == 0 || memcmp(data, text, len) == 0);
}

/* The data of every block the iterator returns, newest first; NULL when it stops on an error. */
static GPtrArray *walk(Blockchain *bc, GError **error)
{
    g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func(g_free);
    BlockchainIterator it;
    blockchain_iterator_init(&it, bc);
    Block *block;
    while ((block = blockchain_iterator_next(&it, error)) != NULL) {
        gsize len = 0;
        const gchar *data = g_bytes_get_data(block->data, &len);
        g_ptr_array_add(seen, g_strndup(data, len));
        block_free(block);
    }
    if (error != NULL && *error != NULL)
        return NULL;
    /* Past the end, the iterator keeps saying so. */
    CU_ASSERT_PTR_NULL(blockchain_iterator_next(&it, NULL));
    return g_steal_pointer(&seen);
}

static void test_open_creates_genesis(void)
{
    static const guint8 zero[BC_HASH_LEN] = {0};
    g_autoptr(GError) error = NULL;
    g_autoptr(Blockchain) bc = blockchain_open(path, TRUE, BITS, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(bc);
    CU_ASSERT_TRUE(g_file_test(path, G_FILE_TEST_IS_REGULAR));
    g_autoptr(Block) genesis = blockchain_get_block(bc, bc->tip, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(genesis);
    CU_ASSERT_TRUE(data_is(genesis, "Genesis Block"));
    CU_ASSERT_EQUAL(memcmp(genesis->prev_hash, zero, BC_HASH_LEN), 0);
    CU_ASSERT_EQUAL(genesis->bits, BITS);
    CU_ASSERT_TRUE(pow_validate(genesis));
}

static void test_store_round_trip(void)
{
    g_autoptr(GError) error = NULL;
    guint8 hashes[3][BC_HASH_LEN];
    {
        g_autoptr(Blockchain) bc = blockchain_open(path, TRUE, BITS, &error);
        CU_ASSERT_PTR_NOT_NULL_FATAL(bc);
        memcpy(hashes[0], bc->tip, BC_HASH_LEN);
        CU_ASSERT_TRUE_FATAL(blockchain_add_block(bc, "one", &error));
        memcpy(hashes[1], bc->tip, BC_HASH_LEN);
        CU_ASSERT_TRUE_FATAL(blockchain_add_block(bc, "two", &error));
        memcpy(hashes[2], bc->tip, BC_HASH_LEN);
    }
    /* Closed and opened again, read-only: the tip and every block are still there. */
    g_autoptr(Blockchain) bc = blockchain_open(path, FALSE, BITS, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(bc);
    CU_ASSERT_EQUAL(memcmp(bc->tip, hashes[2], BC_HASH_LEN), 0);
    static const gchar *const data[] = {"Genesis Block", "one", "two"};
    for (guint i = 0; i < 3; i++) {
        g_autoptr(Block) block = blockchain_get_block(bc, hashes[i], &error);
        CU_ASSERT_PTR_NOT_NULL_FATAL(block);
        CU_ASSERT_TRUE(data_is(block, data[i]));
        CU_ASSERT_EQUAL(memcmp(block->hash, hashes[i], BC_HASH_LEN), 0);
        if (i > 0)
            CU_ASSERT_EQUAL(memcmp(block->prev_hash, hashes[i - 1], BC_HASH_LEN), 0);
        CU_ASSERT_TRUE(pow_validate(block));
    }
    guint8 unknown[BC_HASH_LEN];
    memset(unknown, 0x77, sizeof unknown);
    CU_ASSERT_PTR_NULL(blockchain_get_block(bc, unknown, &error));
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_NOT_FOUND));
}

static void test_iterator_newest_first(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(Blockchain) bc = blockchain_open(path, TRUE, BITS, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(bc);
    g_autoptr(GPtrArray) only = walk(bc, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(only);
    CU_ASSERT_EQUAL(only->len, 1);
    for (guint i = 1; i <= 4; i++) {
        g_autofree gchar *data = g_strdup_printf("block %u", i);
        CU_ASSERT_TRUE_FATAL(blockchain_add_block(bc, data, &error));
    }
    g_autoptr(GPtrArray) seen = walk(bc, &error);
    CU_ASSERT_PTR_NULL(error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(seen);
    CU_ASSERT_EQUAL_FATAL(seen->len, 5);
    CU_ASSERT_STRING_EQUAL(seen->pdata[0], "block 4");
    CU_ASSERT_STRING_EQUAL(seen->pdata[1], "block 3");
    CU_ASSERT_STRING_EQUAL(seen->pdata[2], "block 2");
    CU_ASSERT_STRING_EQUAL(seen->pdata[3], "block 1");
    CU_ASSERT_STRING_EQUAL(seen->pdata[4], "Genesis Block");
}

/* The block below the tip, replaced by JUNK: the walk returns the tip, then stops with an error. */
static void test_iterator_stops_on_damage(void)
{
    g_autoptr(GError) error = NULL;
    guint8 middle[BC_HASH_LEN];
    {
        g_autoptr(Blockchain) bc = blockchain_open(path, TRUE, BITS, &error);
        CU_ASSERT_PTR_NOT_NULL_FATAL(bc);
        CU_ASSERT_TRUE_FATAL(blockchain_add_block(bc, "middle", &error));
        memcpy(middle, bc->tip, BC_HASH_LEN);
        CU_ASSERT_TRUE_FATAL(blockchain_add_block(bc, "top", &error));
        g_autoptr(GBytes) junk = g_bytes_new_static("junk", 4);
        CU_ASSERT_TRUE(
            bc_store_put(bc->store, BLOCKCHAIN_BLOCK_PREFIX, middle, BC_HASH_LEN, junk, &error));
    }
    g_autoptr(Blockchain) bc = blockchain_open(path, FALSE, BITS, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(bc);
    BlockchainIterator it;
    blockchain_iterator_init(&it, bc);
    g_autoptr(Block) top = blockchain_iterator_next(&it, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(top);
    CU_ASSERT_TRUE(data_is(top, "top"));
    CU_ASSERT_PTR_NULL(blockchain_iterator_next(&it, &error));
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_CORRUPT));
    g_clear_error(&error);
    CU_ASSERT_PTR_NULL(blockchain_iterator_next(&it, &error));
    CU_ASSERT_PTR_NULL(error); /* done: no second error */

    /* A missing block ends the walk with NOT_FOUND the same way. */
    g_clear_pointer(&bc, blockchain_close);
    {
        g_autoptr(BcStore) store = bc_store_open(path, BC_STORE_WRITE, &error);
        CU_ASSERT_PTR_NOT_NULL_FATAL(store);
        CU_ASSERT_TRUE(
            bc_store_delete(store, BLOCKCHAIN_BLOCK_PREFIX, middle, BC_HASH_LEN, &error));
    }
    bc = blockchain_open(path, FALSE, BITS, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(bc);
    CU_ASSERT_PTR_NULL(walk(bc, &error));
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_NOT_FOUND));
}

/* A sound record of one block stored under another's hash is damage, not a shortcut. */
static void test_record_under_wrong_hash(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(Blockchain) bc = blockchain_open(path, TRUE, BITS, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(bc);
    guint8 genesis[BC_HASH_LEN];
    memcpy(genesis, bc->tip, BC_HASH_LEN);
    CU_ASSERT_TRUE_FATAL(blockchain_add_block(bc, "one", &error));
    g_autoptr(GBytes) genesis_record =
        bc_store_get(bc->store, BLOCKCHAIN_BLOCK_PREFIX, genesis, BC_HASH_LEN, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(genesis_record);
    CU_ASSERT_TRUE(bc_store_put(bc->store, BLOCKCHAIN_BLOCK_PREFIX, bc->tip, BC_HASH_LEN,
                                genesis_record, &error));
    CU_ASSERT_PTR_NULL(blockchain_get_block(bc, bc->tip, &error));
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_CORRUPT));
    g_clear_error(&error);
    /* Opening the chain reads the newest block, and so refuses it. */
    g_clear_pointer(&bc, blockchain_close);
    CU_ASSERT_PTR_NULL(blockchain_open(path, FALSE, BITS, &error));
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_CORRUPT));
}

static void test_bad_tip(void)
{
    g_autoptr(GError) error = NULL;
    {
        g_autoptr(Blockchain) bc = blockchain_open(path, TRUE, BITS, &error);
        CU_ASSERT_PTR_NOT_NULL_FATAL(bc);
        g_autoptr(GBytes) short_tip = g_bytes_new_static("short", 5);
        CU_ASSERT_TRUE(bc_store_put(bc->store, BLOCKCHAIN_TIP_KEY, NULL, 0, short_tip, &error));
    }
    CU_ASSERT_PTR_NULL(blockchain_open(path, FALSE, BITS, &error));
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_CORRUPT));
    g_clear_error(&error);
    {
        g_autoptr(BcStore) store = bc_store_open(path, BC_STORE_WRITE, &error);
        CU_ASSERT_PTR_NOT_NULL_FATAL(store);
        CU_ASSERT_TRUE(bc_store_delete(store, BLOCKCHAIN_TIP_KEY, NULL, 0, &error));
    }
    CU_ASSERT_PTR_NULL(blockchain_open(path, FALSE, BITS, &error));
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_CORRUPT));
}

static void test_data_too_large(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(Blockchain) bc = blockchain_open(path, TRUE, BITS, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(bc);
    guint8 tip[BC_HASH_LEN];
    memcpy(tip, bc->tip, BC_HASH_LEN);
    g_autofree gchar *big = g_strnfill(BLOCK_MAX_DATA + 1, 'x');
    CU_ASSERT_FALSE(blockchain_add_block(bc, big, &error));
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_TOO_LARGE));
    CU_ASSERT_EQUAL(memcmp(bc->tip, tip, BC_HASH_LEN), 0);
    g_clear_error(&error);
    /* The largest allowed data fits in a record that decodes again. */
    big[BLOCK_MAX_DATA] = '\0';
    CU_ASSERT_TRUE_FATAL(blockchain_add_block(bc, big, &error));
    g_autoptr(Block) block = blockchain_get_block(bc, bc->tip, &error);
    CU_ASSERT_PTR_NOT_NULL(block);
    CU_ASSERT_PTR_NULL(error);
}

void test_blockchain_register(void)
{
    static const BcTest tests[] = {
        {"opening creates a genesis block", test_open_creates_genesis},
        {"blocks and tip survive closing", test_store_round_trip},
        {"iterator: newest first, ends at genesis", test_iterator_newest_first},
        {"iterator stops on a damaged or missing block", test_iterator_stops_on_damage},
        {"a record under another hash is refused", test_record_under_wrong_hash},
        {"a bad or missing tip is refused", test_bad_tip},
        {"data over the limit is refused", test_data_too_large},
        {NULL, NULL},
    };
    bc_test_add_suite("03/blockchain", setup, teardown, tests);
}
