/* test_database.c: damage chapter 3 taught the chain to notice, carried here with its fixes. A
 * newest block that cannot be read (cut short, junk, another block's record, gone) refuses the
 * chain as it opens, in the library and in every command (startnode and getbalance too), and
 * changes nothing; a sound block record under another block's key is damage, not a shortcut. A
 * block too large to read back is never written (chapter 4's fix), mined here or received. */
#include "node_harness.h"

#include "bc_error.h"
#include "bc_store.h"
#include "blockchain.h"
#include "utxo_set.h"
#include "wallet.h"

#define TEST_BITS 6
#define NEWEST_BLOCK_UNREADABLE "the database's newest block cannot be read"

/* This node's ID, and so its files' names; no node listens on it. */
static guint16 port;
static gchar *dir, *db, *address;

static void setup(void)
{
    dir = bc_test_tmpdir();
    free_ports(&port, 1);
    g_autofree gchar *id = g_strdup_printf("%u", port);
    g_autofree gchar *name = g_strdup_printf(BLOCKCHAIN_DB_FILE_FORMAT, id);
    db = g_build_filename(dir, name, NULL);
    guint8 key[WALLET_PRIVATE_KEY_LEN] = {[WALLET_PRIVATE_KEY_LEN - 1] = 7};
    g_autoptr(Wallet) wallet = wallet_from_private_key(key, NULL);
    address = wallet_get_address(wallet);
}

static void teardown(void)
{
    bc_test_tmpdir_remove(dir);
    g_clear_pointer(&dir, g_free);
    g_clear_pointer(&db, g_free);
    g_clear_pointer(&address, g_free);
}

/* A chain of genesis and N_MORE blocks, closed again; HASHES gets each block's hash, genesis
 * first. */
static void make_chain(guint n_more, guint8 hashes[][BC_HASH_LEN])
{
    g_autoptr(GError) error = NULL;
    g_autoptr(Blockchain) bc = blockchain_create(db, address, TEST_BITS, &error);
    g_assert_no_error(error);
    memcpy(hashes[0], bc->tip, BC_HASH_LEN);
    for (guint i = 1; i <= n_more; i++) {
        g_autofree gchar *data = g_strdup_printf("block %u", i);
        g_autoptr(GPtrArray) txs = g_ptr_array_new_with_free_func((GDestroyNotify)transaction_free);
        g_ptr_array_add(txs, transaction_new_coinbase(address, data, NULL));
        g_autoptr(Block) block = blockchain_mine_block(bc, txs, &error);
        g_assert_no_error(error);
        g_assert(block != NULL);
        memcpy(hashes[i], bc->tip, BC_HASH_LEN);
    }
}

static GBytes *get_block_record(const guint8 hash[BC_HASH_LEN])
{
    g_autoptr(GError) error = NULL;
    g_autoptr(BcStore) store = bc_store_open(db, BC_STORE_READ, &error);
    g_assert_no_error(error);
    GBytes *raw = bc_store_get(store, BLOCKCHAIN_BLOCK_PREFIX, hash, BC_HASH_LEN, &error);
    g_assert_no_error(error);
    return raw;
}

/* Stores VALUE under the block key HASH, or deletes that record when VALUE is NULL. */
static void put_block_record(const guint8 hash[BC_HASH_LEN], GBytes *value)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(BcStore) store = bc_store_open(db, BC_STORE_WRITE, &error);
    g_assert_no_error(error);
    if (value != NULL)
        bc_store_put(store, BLOCKCHAIN_BLOCK_PREFIX, hash, BC_HASH_LEN, value, &error);
    else
        bc_store_delete(store, BLOCKCHAIN_BLOCK_PREFIX, hash, BC_HASH_LEN, &error);
    g_assert_no_error(error);
}

static GBytes *read_db(void)
{
    gsize len = 0;
    gchar *contents = bc_test_read_file(db, &len);
    g_assert(contents != NULL);
    return g_bytes_new_take(contents, len);
}

/* The newest block's record cut in half, junk, another block's sound record, or gone: the chain
 * does not open, for reading or for writing, and the file is left as it was. */
static void test_newest_block_unreadable(void)
{
    guint8 hashes[2][BC_HASH_LEN];
    make_chain(1, hashes);
    g_autoptr(GBytes) real = get_block_record(hashes[1]);
    g_autoptr(GBytes) genesis = get_block_record(hashes[0]);
    g_autoptr(GBytes) half = g_bytes_new_from_bytes(real, 0, g_bytes_get_size(real) / 2);
    g_autoptr(GBytes) junk = g_bytes_new_static("x", 1);
    GBytes *damage[] = {half, junk, genesis, NULL};
    const gchar *what[] = {"cut in half", "junk", "the genesis record", "deleted"};
    for (guint i = 0; i < G_N_ELEMENTS(damage); i++) {
        put_block_record(hashes[1], damage[i]);
        g_autoptr(GBytes) before = read_db();
        for (int write = 0; write <= 1; write++) {
            g_autoptr(GError) error = NULL;
            g_autoptr(Blockchain) bc = blockchain_open(db, write, TEST_BITS, &error);
            gboolean refused = bc == NULL && g_error_matches(error, BC_ERROR, BC_ERROR_CORRUPT) &&
                               g_str_has_prefix(error->message, NEWEST_BLOCK_UNREADABLE);
            if (!refused)
                g_printerr("\n  newest block %s: %s\n", what[i],
                           error != NULL ? error->message : "the chain opened");
            CU_ASSERT_TRUE(refused);
        }
        g_autoptr(GBytes) after = read_db();
        CU_ASSERT_TRUE(g_bytes_equal(before, after));
    }
    /* The real record back: the chain opens at the same tip. */
    put_block_record(hashes[1], real);
    g_autoptr(GError) error = NULL;
    g_autoptr(Blockchain) bc = blockchain_open(db, FALSE, TEST_BITS, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(bc);
    CU_ASSERT_EQUAL(memcmp(bc->tip, hashes[1], BC_HASH_LEN), 0);
}

/* The genesis record stored under block 1's key: reading block 1 is an error, and a walk down
 * the chain stops there instead of jumping from block 2 to genesis. */
static void test_record_under_another_key(void)
{
    guint8 hashes[3][BC_HASH_LEN];
    make_chain(2, hashes);
    g_autoptr(GBytes) genesis = get_block_record(hashes[0]);
    put_block_record(hashes[1], genesis);
    g_autoptr(GError) error = NULL;
    g_autoptr(Blockchain) bc = blockchain_open(db, FALSE, TEST_BITS, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(bc);
    g_autoptr(Block) block = blockchain_get_block(bc, hashes[1], &error);
    CU_ASSERT_PTR_NULL(block);
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_CORRUPT));
    if (error != NULL)
        CU_ASSERT_STRING_EQUAL(error->message, "block record is stored under another hash");
    g_clear_error(&error);

    BlockchainIterator it;
    blockchain_iterator_init(&it, bc);
    g_autoptr(Block) newest = blockchain_iterator_next(&it, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(newest);
    CU_ASSERT_EQUAL(memcmp(newest->hash, hashes[2], BC_HASH_LEN), 0);
    g_autoptr(Block) next = blockchain_iterator_next(&it, &error);
    CU_ASSERT_PTR_NULL(next);
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_CORRUPT));
}

/* Runs ARGS: exit 1, nothing on stdout, "error: " and the newest-block message on stderr, and
 * the file byte for byte as it was. */
static void check_refused(const gchar *const *args)
{
    g_autoptr(GBytes) before = read_db();
    g_auto(BcRun) run = run_cliv(dir, port, port, args);
    if (run.status != 1 || !g_str_has_prefix(run.err, "error: " NEWEST_BLOCK_UNREADABLE))
        g_printerr("\n  %s: exit %d, stderr: %s\n", args[0], run.status, run.err);
    CU_ASSERT_EQUAL(run.status, 1);
    CU_ASSERT_STRING_EQUAL(run.out, "");
    CU_ASSERT_TRUE(g_str_has_prefix(run.err, "error: " NEWEST_BLOCK_UNREADABLE));
    g_autoptr(GBytes) after = read_db();
    CU_ASSERT_TRUE(g_bytes_equal(before, after));
}

/* The same for startnode, run as a node would be: it must stop by itself, before it listens. */
static void check_startnode_refused(void)
{
    g_autoptr(GBytes) before = read_db();
    g_autoptr(Node) node = start_node(dir, port, port, NULL);
    CU_ASSERT_EQUAL(wait_node(node, NODE_HARNESS_DEADLINE_S), 1);
    g_autofree gchar *log = node_log(node);
    if (!g_str_has_prefix(log, "error: " NEWEST_BLOCK_UNREADABLE))
        node_print_log(node);
    CU_ASSERT_TRUE(g_str_has_prefix(log, "error: " NEWEST_BLOCK_UNREADABLE));
    g_autoptr(GBytes) after = read_db();
    CU_ASSERT_TRUE(g_bytes_equal(before, after));
}

/* A new wallet's address, from "Your new address: ADDRESS". */
static gchar *create_wallet(void)
{
    g_auto(BcRun) run = run_cli(dir, port, port, "createwallet");
    BC_ASSERT_RUN_OK(run);
    const gchar *prefix = "Your new address: ";
    CU_ASSERT_TRUE_FATAL(g_str_has_prefix(run.out, prefix));
    return g_strchomp(g_strdup(run.out + strlen(prefix)));
}

/* A file cut short loses its newest records first. Cut inside the newest block's record, it
 * still opens as a database, and every command refuses it before reading or writing anything
 * else. */
static void test_truncated_in_newest_block(void)
{
    g_autofree gchar *a = create_wallet();
    g_autofree gchar *b = create_wallet();
    g_auto(BcRun) create = run_cli(dir, port, port, "createblockchain", "-address", a);
    BC_ASSERT_RUN_OK(create);
    g_auto(BcRun) send =
        run_cli(dir, port, port, "send", "-from", a, "-to", b, "-amount", "3", "-mine");
    BC_ASSERT_RUN_OK(send);
    /* Where the newest block's record lies in the file (GDBM keeps each value in one piece). */
    g_autoptr(GBytes) tip = NULL;
    {
        g_autoptr(GError) error = NULL;
        g_autoptr(Blockchain) bc = blockchain_open(db, FALSE, TEST_BITS, &error);
        CU_ASSERT_PTR_NOT_NULL_FATAL(bc);
        tip = bc_store_get(bc->store, BLOCKCHAIN_BLOCK_PREFIX, bc->tip, BC_HASH_LEN, &error);
        CU_ASSERT_PTR_NOT_NULL_FATAL(tip);
    }
    g_autoptr(GBytes) whole = read_db();
    gsize len = 0, tip_len = 0;
    const guint8 *data = g_bytes_get_data(whole, &len);
    const guint8 *tip_data = g_bytes_get_data(tip, &tip_len);
    const guint8 *at = memmem(data, len, tip_data, tip_len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(at);
    gsize start = (gsize)(at - data);
    const gsize cuts[] = {start + 1, start + tip_len / 2, start + tip_len - 1};
    const gchar *const commands[][9] = {
        {"getbalance", "-address", a, NULL},
        {"send", "-from", a, "-to", b, "-amount", "1", "-mine", NULL},
        {"reindexutxo", NULL},
        {"printchain", NULL},
    };
    for (guint c = 0; c < G_N_ELEMENTS(cuts); c++) {
        g_assert(g_file_set_contents(db, (const gchar *)data, (gssize)cuts[c], NULL));
        for (guint i = 0; i < G_N_ELEMENTS(commands); i++)
            check_refused(commands[i]);
        check_startnode_refused();
    }
    /* The whole file again: the same program reads it as before. */
    g_assert(g_file_set_contents(db, (const gchar *)data, (gssize)len, NULL));
    g_auto(BcRun) balance = run_cli(dir, port, port, "getbalance", "-address", b);
    BC_ASSERT_RUN_OK(balance);
    g_autofree gchar *expected = g_strdup_printf("Balance of '%s': 3\n", b);
    CU_ASSERT_STRING_EQUAL(balance.out, expected);
}

/* A block too big to be read back is never written, mined here or received from a peer: the
 * chain, its height and the UTXO set stay as they were. */
static void test_block_too_large(void)
{
    guint8 hashes[1][BC_HASH_LEN];
    make_chain(0, hashes);
    g_autoptr(GError) error = NULL;
    g_autoptr(Blockchain) bc = blockchain_open(db, TRUE, TEST_BITS, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(bc);
    g_autofree gchar *data = g_strnfill(BLOCK_MAX_SIZE, 'a');
    g_autoptr(GPtrArray) txs = g_ptr_array_new_with_free_func((GDestroyNotify)transaction_free);
    g_ptr_array_add(txs, transaction_new_coinbase(address, data, NULL));
    g_autoptr(Block) mined = blockchain_mine_block(bc, txs, &error);
    CU_ASSERT_PTR_NULL(mined);
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_TOO_LARGE));
    g_clear_error(&error);
    /* The same block as a peer would send it, mined on our tip. */
    g_autoptr(Block) received = block_new(txs, bc->tip, bc->height + 1, bc->bits);
    CU_ASSERT_FALSE(blockchain_add_block(bc, received, &error));
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_TOO_LARGE));
    CU_ASSERT_EQUAL(memcmp(bc->tip, hashes[0], BC_HASH_LEN), 0);
    CU_ASSERT_EQUAL(bc->height, 0);
    CU_ASSERT_FALSE(blockchain_has_block(bc, received->hash, NULL));
    g_clear_pointer(&bc, blockchain_close);
    g_autoptr(Blockchain) reopened = blockchain_open(db, FALSE, TEST_BITS, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(reopened);
    CU_ASSERT_EQUAL(memcmp(reopened->tip, hashes[0], BC_HASH_LEN), 0);
    CU_ASSERT_EQUAL(reopened->height, 0);
    UtxoSet set = {reopened};
    guint count = 0;
    CU_ASSERT_TRUE(utxo_set_count_transactions(&set, &count, NULL));
    CU_ASSERT_EQUAL(count, 1);
}

void test_database_register(void)
{
    static const BcTest tests[] = {
        {"a newest block that cannot be read: the chain does not open",
         test_newest_block_unreadable},
        {"a block record under another block's key is corrupt", test_record_under_another_key},
        {"cut inside the newest block: every command refuses, nothing changes",
         test_truncated_in_newest_block},
        {"a block too large to read back is not written", test_block_too_large},
        {NULL, NULL},
    };
    bc_test_add_suite("10/database", setup, teardown, tests);
}
