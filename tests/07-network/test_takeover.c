/* test_takeover.c: no peer can take over or stall a node's download, nor make it push inv after
 * inv, nor fill its list of known nodes for good (issue 9, points 7 and 8).
 *
 * In most tests we play the sync peer ourselves: our listener is the node's central node, so
 * we see each getdata it sends and choose when, and whether, to answer it. */
#include "hostile_fixture.h"

#include "bc_hex.h"
#include "blockchain.h"
#include "message.h"
#include "node.h"

/* The next message sent to our listener within DEADLINE_S seconds, or NULL. */
static Message *receive_within(gdouble deadline_s)
{
    g_autoptr(GError) error = NULL;
    if (!g_socket_condition_timed_wait(listener, G_IO_IN, (gint64)(deadline_s * G_USEC_PER_SEC),
                                       NULL, &error))
        return NULL;
    return receive_message();
}

/* The next message to our listener that is not a version (nodes send one when they start) or
 * an inv (a node announces each block it adds). */
static Message *receive_not_version(gdouble deadline_s)
{
    for (;;) {
        Message *m = receive_within(deadline_s);
        if (m == NULL || (m->type != MESSAGE_VERSION && m->type != MESSAGE_INV))
            return m;
        message_free(m);
    }
}

/* A chain of genesis + N_BLOCKS blocks in blockchain_<PORT>.db, and a copy of its genesis-only
 * state in blockchain_genesis.db: what a fresh node starts from. */
static void make_chain(guint16 port, guint n_blocks)
{
    g_autofree gchar *owner = create_wallet(port);
    g_autofree gchar *other = create_wallet(port);
    g_free(cli_ok(port, port, (const gchar *const[]){"createblockchain", "-address", owner, NULL}));
    g_autofree gchar *db = g_strdup_printf("blockchain_%u.db", port);
    copy_file(db, "blockchain_genesis.db");
    for (guint i = 0; i < n_blocks; i++)
        g_free(cli_ok(port, port,
                      (const gchar *const[]){"send", "-from", owner, "-to", other, "-amount", "1",
                                             "-mine", NULL}));
}

/* The hash of the block at HEIGHT in node PORT's chain, and the block message carrying it. */
static GBytes *block_message(guint16 port, gint32 height, guint8 hash[BC_HASH_LEN],
                             const gchar *from)
{
    g_autofree gchar *path = g_strdup_printf("%s/blockchain_%u.db", dir, port);
    g_autoptr(GError) error = NULL;
    g_autoptr(Blockchain) bc = blockchain_open(path, FALSE, 8, &error);
    g_assert_no_error(error);
    blockchain_get_hash_at(bc, height, hash, &error);
    g_assert_no_error(error);
    g_autoptr(Block) block = blockchain_get_block(bc, hash, &error);
    g_assert_no_error(error);
    g_autoptr(GBytes) raw = block_serialize(block);
    return message_encode_block(from, raw);
}

static void expect_getdata(const guint8 hash[BC_HASH_LEN])
{
    g_autoptr(Message) m = receive_not_version(10);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL_FATAL(m->type, MESSAGE_GETDATA);
    CU_ASSERT_EQUAL(m->getdata.kind, MESSAGE_KIND_BLOCK);
    CU_ASSERT_EQUAL(memcmp(m->getdata.id, hash, BC_HASH_LEN), 0);
}

/* Mid-download, an inv of a block the node has and an inv of a made-up block from other peers
 * change nothing, and a block that arrives by another path moves the download on. */
static void test_inv_does_not_take_over(void)
{
    make_chain(central_port, 3);
    g_autofree gchar *fresh_db = g_strdup_printf("blockchain_%u.db", fresh_port);
    copy_file("blockchain_genesis.db", fresh_db);
    listen_on(listener_port);
    fresh = start_and_listen(fresh_port, listener_port);

    guint8 hashes[4][BC_HASH_LEN];
    g_autoptr(GPtrArray) blocks = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
    for (gint32 h = 0; h < 4; h++)
        g_ptr_array_add(blocks, block_message(central_port, h, hashes[h], listener_addr));
    g_autoptr(GBytes) inv = message_encode_inv(listener_addr, MESSAGE_KIND_BLOCK, hashes[0], 4);
    send_bytes_to(fresh_port, inv);
    expect_getdata(hashes[1]);

    /* Another peer offers the genesis block, which the node has, then a block nobody has. */
    g_autoptr(GBytes) known = message_encode_inv(sink_addr, MESSAGE_KIND_BLOCK, hashes[0], 1);
    send_bytes_to(fresh_port, known);
    guint8 made_up[BC_HASH_LEN];
    memset(made_up, 0xa5, sizeof made_up);
    g_autoptr(GBytes) fake = message_encode_inv(sink_addr, MESSAGE_KIND_BLOCK, made_up, 1);
    send_bytes_to(fresh_port, fake);
    expect_log(fresh, "received inv from");

    /* We answer: the node asks us for the next block, not the other peer for its own. */
    send_bytes_to(fresh_port, g_ptr_array_index(blocks, 1));
    expect_log(fresh, "at height 1");
    expect_getdata(hashes[2]);

    /* Block 2 comes from elsewhere: the node goes on to block 3, still from us. */
    g_autoptr(GBytes) elsewhere = block_message(central_port, 2, hashes[2], sink_addr);
    send_bytes_to(fresh_port, elsewhere);
    expect_log(fresh, "at height 2");
    expect_getdata(hashes[3]);
    send_bytes_to(fresh_port, g_ptr_array_index(blocks, 3));
    expect_log(fresh, "at height 3");

    CU_ASSERT_EQUAL(stop_node(fresh), 0);
    g_clear_pointer(&fresh, node_free);
    g_autofree gchar *chain = CLI(central_port, "printchain");
    g_autofree gchar *synced = CLI(fresh_port, "printchain");
    CU_ASSERT_STRING_EQUAL(synced, chain);
}

/* The next block is asked for as soon as the one before it arrives, before that one is checked
 * and stored (so that the sync peer sends it while the node checks), and never more than two
 * at once: block 3 is not asked for until block 2 is here. */
static void test_next_block_asked_before_check(void)
{
    make_chain(central_port, 3);
    g_autofree gchar *fresh_db = g_strdup_printf("blockchain_%u.db", fresh_port);
    copy_file("blockchain_genesis.db", fresh_db);
    listen_on(listener_port);
    fresh = start_and_listen(fresh_port, listener_port);

    guint8 hashes[4][BC_HASH_LEN];
    g_autoptr(GPtrArray) blocks = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
    for (gint32 h = 0; h < 4; h++)
        g_ptr_array_add(blocks, block_message(central_port, h, hashes[h], listener_addr));
    g_autoptr(GBytes) inv = message_encode_inv(listener_addr, MESSAGE_KIND_BLOCK, hashes[0], 4);
    send_bytes_to(fresh_port, inv);
    expect_getdata(hashes[1]);
    send_bytes_to(fresh_port, g_ptr_array_index(blocks, 1));
    expect_getdata(hashes[2]);
    expect_log(fresh, "at height 1");
    g_autoptr(Message) early = receive_not_version(0.5);
    CU_ASSERT_PTR_NULL(early); /* no getdata for block 3 yet */
    send_bytes_to(fresh_port, g_ptr_array_index(blocks, 2));
    expect_getdata(hashes[3]);
    send_bytes_to(fresh_port, g_ptr_array_index(blocks, 3));
    expect_log(fresh, "at height 3");
    CU_ASSERT_EQUAL(stop_node(fresh), 0);

    /* In the node's own log, each getdata comes before the block before it is added. */
    g_autofree gchar *log = node_log(fresh);
    for (guint h = 1; h < 3; h++) {
        g_autofree gchar *next = bc_hex_encode(hashes[h + 1], BC_HASH_LEN);
        g_autofree gchar *asked = g_strdup_printf("sent getdata to %s: block %.8s", listener_addr,
                                                  next);
        g_autofree gchar *this = bc_hex_encode(hashes[h], BC_HASH_LEN);
        g_autofree gchar *added = g_strdup_printf("added block %s", this);
        const gchar *a = strstr(log, asked), *b = strstr(log, added);
        CU_ASSERT_PTR_NOT_NULL_FATAL(a);
        CU_ASSERT_PTR_NOT_NULL_FATAL(b);
        CU_ASSERT_TRUE(a < b);
    }
    g_autofree gchar *chain = CLI(central_port, "printchain");
    g_autofree gchar *synced = CLI(fresh_port, "printchain");
    CU_ASSERT_STRING_EQUAL(synced, chain);
}

/* A peer that never sends the block it offered is dropped after NODE_GETDATA_TIMEOUT_S, and the
 * node asks the central node again: it syncs the whole chain. (Before, one such inv stopped the
 * download for good.) */
static void test_stalled_sync_peer(void)
{
    make_chain(central_port, 3);
    g_autofree gchar *fresh_db = g_strdup_printf("blockchain_%u.db", fresh_port);
    copy_file("blockchain_genesis.db", fresh_db);
    /* The central node is not up yet: the fresh node's version finds nobody. */
    fresh = start_and_listen(fresh_port, central_port);
    g_autofree gchar *unreachable = g_strdup_printf("cannot reach %s", central_addr);
    expect_log(fresh, unreachable);
    central = start_and_listen(central_port, central_port);

    /* Our listener offers a block it will never send. */
    listen_on(listener_port);
    guint8 made_up[BC_HASH_LEN];
    memset(made_up, 0x5a, sizeof made_up);
    g_autoptr(GBytes) fake = message_encode_inv(listener_addr, MESSAGE_KIND_BLOCK, made_up, 1);
    send_bytes_to(fresh_port, fake);
    g_autoptr(Message) getdata = receive_within(10);
    CU_ASSERT_PTR_NOT_NULL_FATAL(getdata);
    CU_ASSERT_EQUAL(getdata->type, MESSAGE_GETDATA);

    g_autofree gchar *dropped = g_strdup_printf("dropped sync peer %s", listener_addr);
    expect_log(fresh, dropped);
    g_autofree gchar *synced =
        wait_log_glob(fresh, "* added block * at height 3", NODE_HARNESS_DEADLINE_S);
    CU_ASSERT_PTR_NOT_NULL_FATAL(synced);

    CU_ASSERT_EQUAL(stop_node(fresh), 0);
    CU_ASSERT_EQUAL(stop_node(central), 0);
    g_autofree gchar *chain = CLI(central_port, "printchain");
    g_autofree gchar *fresh_chain = CLI(fresh_port, "printchain");
    CU_ASSERT_STRING_EQUAL(fresh_chain, chain);
}

/* A chain longer than one inv comes in rounds: with BC_TEST_INV_WINDOW=2, a node at genesis gets
 * blocks 1-2, tells its new height, gets 3-4, and so on to the tip. */
static void test_getblocks_rounds(void)
{
    make_chain(central_port, 5);
    g_autofree gchar *fresh_db = g_strdup_printf("blockchain_%u.db", fresh_port);
    copy_file("blockchain_genesis.db", fresh_db);
    g_setenv("BC_TEST_INV_WINDOW", "2", TRUE);
    central = start_and_listen(central_port, central_port);
    fresh = start_and_listen(fresh_port, central_port);
    g_unsetenv("BC_TEST_INV_WINDOW");
    g_autofree gchar *synced =
        wait_log_glob(fresh, "* added block * at height 5", NODE_HARNESS_DEADLINE_S);
    CU_ASSERT_PTR_NOT_NULL_FATAL(synced);

    /* Three invs of at most two hashes, one per round. */
    CU_ASSERT_EQUAL(stop_node(fresh), 0);
    CU_ASSERT_EQUAL(stop_node(central), 0);
    g_autofree gchar *log = node_log(fresh);
    guint invs = 0;
    for (const gchar *p = log; (p = strstr(p, "received inv from")) != NULL; p++)
        invs++;
    CU_ASSERT_EQUAL(invs, 3);
    g_autofree gchar *chain = CLI(central_port, "printchain");
    g_autofree gchar *fresh_chain = CLI(fresh_port, "printchain");
    CU_ASSERT_STRING_EQUAL(fresh_chain, chain);
}

/* Ten getblocks from one sender at once: one inv at once, one more NODE_GETBLOCKS_INTERVAL_S
 * later, the rest dropped. */
static void test_getblocks_rate(void)
{
    make_chain(central_port, 1);
    central = start_and_listen(central_port, central_port);
    listen_on(listener_port);
    g_autoptr(GBytes) getblocks = message_encode_getblocks(listener_addr);
    for (guint i = 0; i < 10; i++)
        send_bytes(getblocks);
    g_autofree gchar *dropped = g_strdup_printf("dropped getblocks from %s", listener_addr);
    expect_log(central, dropped);
    for (guint i = 0; i < 2; i++) {
        g_autoptr(Message) inv = receive_within(10);
        CU_ASSERT_PTR_NOT_NULL_FATAL(inv);
        CU_ASSERT_EQUAL(inv->type, MESSAGE_INV);
    }
    g_autoptr(Message) more = receive_within(NODE_GETBLOCKS_INTERVAL_S + 2);
    CU_ASSERT_PTR_NULL(more);
    CU_ASSERT_EQUAL(stop_node(central), 0);
}

/* 100 made-up nodes introduce themselves; each is forgotten after NODE_MAX_FAILURES sends that
 * cannot reach it, so announcing a transaction no longer costs 100 connections. */
static void test_known_nodes_forgotten(void)
{
    g_autofree gchar *owner = create_wallet(central_port);
    g_autofree gchar *other = create_wallet(central_port);
    g_free(CLI(central_port, "createblockchain", "-address", owner));
    g_free(CLI(central_port, "send", "-from", owner, "-to", other, "-amount", "3", "-mine"));
    /* The wallet node: the same chain and wallets, under its own NODE_ID. */
    g_autofree gchar *db = g_strdup_printf("blockchain_%u.db", central_port);
    g_autofree gchar *wallet_db = g_strdup_printf("blockchain_%u.db", fresh_port);
    copy_file(db, wallet_db);
    g_autofree gchar *wallets = g_strdup_printf("wallet_%u.dat", central_port);
    g_autofree gchar *wallet_wallets = g_strdup_printf("wallet_%u.dat", fresh_port);
    copy_file(wallets, wallet_wallets);
    g_autofree gchar *state = g_strdup_printf("chainstate_%u.db", central_port);
    g_autofree gchar *wallet_state = g_strdup_printf("chainstate_%u.db", fresh_port);
    copy_file(state, wallet_state);
    central = start_and_listen(central_port, central_port);

    /* 100 closed ports, none of the fixture's (those are closed too, and may come again). */
    guint16 fakes[100], picked[120];
    free_ports(picked, G_N_ELEMENTS(picked));
    guint n = 0;
    for (guint i = 0; i < G_N_ELEMENTS(picked) && n < G_N_ELEMENTS(fakes); i++)
        if (picked[i] != central_port && picked[i] != fresh_port && picked[i] != listener_port &&
            picked[i] != closed_port)
            fakes[n++] = picked[i];
    CU_ASSERT_EQUAL_FATAL(n, G_N_ELEMENTS(fakes));
    for (guint i = 0; i < G_N_ELEMENTS(fakes); i++) {
        g_autofree gchar *from = g_strdup_printf("localhost:%u", fakes[i]);
        g_autoptr(GBytes) version = message_encode_version(NODE_VERSION, 0, from);
        send_bytes(version);
    }
    /* Two transactions, each announced to every known node. */
    g_free(CLI(fresh_port, "send", "-from", owner, "-to", other, "-amount", "1"));
    expect_log(central, "(1 in the mempool)");
    g_free(CLI(fresh_port, "send", "-from", other, "-to", owner, "-amount", "1"));
    expect_log(central, "(2 in the mempool)");
    for (guint i = 0; i < G_N_ELEMENTS(fakes); i++) {
        g_autofree gchar *forgot = g_strdup_printf("forgot localhost:%u", fakes[i]);
        expect_log(central, forgot);
    }
    CU_ASSERT_EQUAL(stop_node(central), 0);
}

void test_takeover_register(void)
{
    static const BcTest tests[] = {
        {"other peers' inv cannot take over a download", test_inv_does_not_take_over},
        {"the next block is asked for before the last is checked", test_next_block_asked_before_check},
        {"a sync peer that stalls is dropped and the node asks again", test_stalled_sync_peer},
        {"a chain longer than one inv comes in rounds", test_getblocks_rounds},
        {"getblocks is answered at most once per sender per interval", test_getblocks_rate},
        {"unreachable known nodes are forgotten", test_known_nodes_forgotten},
        {NULL, NULL},
    };
    bc_test_add_suite("07/takeover", setup, teardown, tests);
}
