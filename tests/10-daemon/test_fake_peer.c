/* test_fake_peer.c: a running node driven byte by byte by a scripted peer (fake_peer.h). Each
 * framing fault, each breach of the handshake, each oversized or unasked-for message gets its
 * documented reaction (the connection closed, or the message dropped with points against the
 * peer, or a ban at 100), and after all of it the node still serves. */
#include "block.h"
#include "fake_peer.h"

static gchar *dir;
static guint16 node_port, closed_port;
static Node *node;
static gchar *owner;

/* Short times, so a ping left unanswered is noticed in seconds. */
static const gchar *const fast_env[] = {"BC_PING_INTERVAL_S=1", "BC_PEER_TIMEOUT_S=3",
                                        "BC_HANDSHAKE_TIMEOUT_S=2", NULL};

static void cli_ok(const gchar *const *args)
{
    g_auto(BcRun) run = run_cliv(dir, node_port, closed_port, args);
    BC_ASSERT_RUN_OK(run);
}

static void setup(void)
{
    dir = bc_test_tmpdir();
    guint16 ports[2];
    free_ports(ports, 2);
    node_port = ports[0];
    closed_port = ports[1]; /* nobody listens: the node's central node is down */
    node_harness_extra_env = fast_env;
    g_auto(BcRun) run = run_cli(dir, node_port, closed_port, "createwallet");
    BC_ASSERT_RUN_OK(run);
    owner = g_strstrip(g_strdup(run.out + strlen("Your new address: ")));
    cli_ok((const gchar *const[]){"createblockchain", "-address", owner, NULL});
    for (gint i = 0; i < 2; i++)
        cli_ok((const gchar *const[]){"send", "-from", owner, "-to", owner, "-amount", "1", "-mine",
                                      NULL});
    node = start_node(dir, node_port, closed_port, NULL);
    g_autofree gchar *line = wait_log(node, "listening on", NODE_HARNESS_DEADLINE_S);
    CU_ASSERT_PTR_NOT_NULL_FATAL(line);
}

static void teardown(void)
{
    g_clear_pointer(&node, node_free);
    node_harness_extra_env = NULL;
    bc_test_tmpdir_remove(dir);
    g_clear_pointer(&dir, g_free);
    g_clear_pointer(&owner, g_free);
}

static void expect_log(const gchar *substring)
{
    g_autofree gchar *line = wait_log(node, substring, NODE_HARNESS_DEADLINE_S);
    CU_ASSERT_PTR_NOT_NULL(line);
}

/* A frame with one byte of its payload changed after the checksum was computed. */
static GBytes *damaged(GBytes *frame)
{
    GByteArray *copy = g_byte_array_new();
    g_byte_array_append(copy, g_bytes_get_data(frame, NULL), g_bytes_get_size(frame));
    copy->data[copy->len - 1] ^= 0x01;
    return g_byte_array_free_to_bytes(copy);
}

static GBytes *hash_list_payload(const gchar *kind, gsize n, guint seed)
{
    GVariantBuilder b;
    g_variant_builder_init(&b, G_VARIANT_TYPE("aay"));
    for (gsize i = 0; i < n; i++) {
        guint8 hash[BC_HASH_LEN];
        for (guint k = 0; k < BC_HASH_LEN; k++)
            hash[k] = (guint8)(i * 7 + k + seed);
        g_variant_builder_add_value(&b, bc_variant_new_bytes(hash, BC_HASH_LEN));
    }
    if (kind == NULL)
        return bc_variant_encode(g_variant_builder_end(&b));
    return bc_variant_encode(g_variant_new("(s@aay)", kind, g_variant_builder_end(&b)));
}

static void test_framing_faults(void)
{
    /* A version cut into 1-byte writes is put together again. */
    g_autoptr(FakePeer) split = fake_connect("127.0.0.2", node_port);
    g_autoptr(GBytes) version = message_encode_version(0, 12345, "");
    for (gsize i = 0; i < g_bytes_get_size(version); i++) {
        fake_write(split, (const guint8 *)g_bytes_get_data(version, NULL) + i, 1);
        g_usleep(1000);
    }
    g_autoptr(Message) theirs = fake_expect(split, MESSAGE_VERSION);
    CU_ASSERT_PTR_NOT_NULL_FATAL(theirs);
    CU_ASSERT_EQUAL(theirs->version.version, NODE_VERSION);
    CU_ASSERT_EQUAL(theirs->version.best_height, 2);
    g_autoptr(Message) verack = fake_expect(split, MESSAGE_VERACK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(verack);
    g_autoptr(GBytes) ours = message_encode_empty(MESSAGE_VERACK);
    fake_send(split, ours);
    CU_ASSERT_TRUE(fake_ping_ok(split));

    /* A bad checksum drops the frame and costs 10 points; the stream goes on. */
    g_autoptr(GBytes) ping = message_encode_ping(MESSAGE_PING, 77);
    g_autoptr(GBytes) bad = damaged(ping);
    fake_send(split, bad);
    expect_log("ping message has a bad checksum (+10, score 10)");
    CU_ASSERT_TRUE(fake_ping_ok(split));

    /* An unknown command is skipped without points: a newer peer may know more. */
    g_autoptr(GBytes) empty = bc_variant_encode(g_variant_new_tuple(NULL, 0));
    g_autoptr(GBytes) hello = raw_frame("hello", empty);
    fake_send(split, hello);
    expect_log("unknown message command \"hello\"");
    CU_ASSERT_TRUE(fake_ping_ok(split));

    /* A second version: dropped, 10 points. */
    fake_send(split, version);
    expect_log("a second version (+10, score 20)");
    CU_ASSERT_TRUE(fake_ping_ok(split));

    /* An oversized length in a header closes the connection at once. */
    guint8 header[MESSAGE_HEADER_LEN] = {0};
    memcpy(header, message_magic, MESSAGE_MAGIC_LEN);
    memcpy(header + MESSAGE_MAGIC_LEN, "block", 5);
    guint32 le = GUINT32_TO_LE(MESSAGE_MAX_SIZE + 1);
    memcpy(header + MESSAGE_MAGIC_LEN + MESSAGE_COMMAND_LEN, &le, 4);
    fake_write(split, header, sizeof header);
    CU_ASSERT_TRUE(fake_closed(split));
    expect_log("block message of 4194305 bytes, over the limit of 4194304");

    /* A bad magic closes it too: the stream has lost its place. */
    g_autoptr(FakePeer) magic = fake_connect("127.0.0.2", node_port);
    fake_handshake(magic);
    guint8 junk[MESSAGE_HEADER_LEN] = "GET / HTTP/1.1\r\n\r\n";
    fake_write(magic, junk, sizeof junk);
    CU_ASSERT_TRUE(fake_closed(magic));
    expect_log("bad magic: not a frame of this network");
}

static void test_handshake_rules(void)
{
    /* Before the handshake nothing is processed: getaddr is dropped with 10 points. */
    g_autoptr(FakePeer) early = fake_connect("127.0.0.3", node_port);
    g_autoptr(GBytes) getaddr = message_encode_empty(MESSAGE_GETADDR);
    fake_send(early, getaddr);
    expect_log("a message before the handshake (+10, score 10)");
    fake_handshake(early);
    CU_ASSERT_TRUE(fake_ping_ok(early));

    /* A connection that never says version is closed after the handshake timeout (2 s). */
    g_autoptr(FakePeer) mute = fake_connect("127.0.0.3", node_port);
    CU_ASSERT_TRUE(fake_closed(mute));
    expect_log("no handshake within 2 s");

    /* A peer that does not answer pings is dropped (interval 1 s, timeout 3 s). */
    g_autoptr(FakePeer) deaf = fake_connect("127.0.0.3", node_port);
    fake_handshake(deaf);
    deaf->no_pong = TRUE;
    CU_ASSERT_TRUE(fake_closed(deaf));
    expect_log("no pong in time");
    /* The node still serves a newcomer. */
    g_autoptr(FakePeer) later = fake_connect("127.0.0.3", node_port);
    fake_handshake(later);
    CU_ASSERT_TRUE(fake_ping_ok(later));
}

static void test_oversized_and_unasked(void)
{
    g_autoptr(FakePeer) fake = fake_connect("127.0.0.4", node_port);
    fake_handshake(fake);

    /* An inv of 50,001 hashes: one over the limit, refused when decoded, 20 points. */
    g_autoptr(GBytes) inv_payload = hash_list_payload("block", MESSAGE_MAX_INV_ITEMS + 1, 1);
    g_autoptr(GBytes) inv = raw_frame("inv", inv_payload);
    fake_send(fake, inv);
    expect_log("inv message has 50001 hashes, over the limit of 50000 (+20, score 20)");
    CU_ASSERT_TRUE(fake_ping_ok(fake));

    /* A getdata storm: more than a node ever asks for at once, 20 points, nothing served. */
    g_autoptr(GBytes) storm_payload = hash_list_payload("block", 501, 2);
    g_autoptr(GBytes) storm = raw_frame("getdata", storm_payload);
    fake_send(fake, storm);
    expect_log("a getdata of more than 500 items (+20, score 40)");
    CU_ASSERT_TRUE(fake_ping_ok(fake));

    /* An addr flood of 1,000 new addresses: learnt (the book is bounded), not relayed. */
    MessageAddr *flood = g_new0(MessageAddr, MESSAGE_MAX_ADDRS);
    for (gsize i = 0; i < MESSAGE_MAX_ADDRS; i++) {
        flood[i].address = g_strdup_printf("10.%u.%u.1:8333", (guint)(i / 250), (guint)(i % 250));
        flood[i].time = 1700000000;
    }
    g_autoptr(GBytes) addr = message_encode_addr(flood, MESSAGE_MAX_ADDRS);
    for (gsize i = 0; i < MESSAGE_MAX_ADDRS; i++)
        g_free(flood[i].address);
    g_free(flood);
    fake_send(fake, addr);
    expect_log("learned address 10.3.249.1:8333");
    CU_ASSERT_TRUE(fake_ping_ok(fake));

    /* A locator of junk hashes: none is on the chain, so the answer starts after genesis. */
    g_autoptr(GBytes) junk_payload = hash_list_payload(NULL, 3, 3);
    g_autoptr(GBytes) junk = raw_frame("getblocks", junk_payload);
    fake_send(fake, junk);
    g_autoptr(Message) answer = fake_expect(fake, MESSAGE_INV);
    CU_ASSERT_PTR_NOT_NULL_FATAL(answer);
    CU_ASSERT_EQUAL(answer->inv.kind, MESSAGE_KIND_BLOCK);
    CU_ASSERT_EQUAL(answer->inv.n_items, 2);

    /* Those blocks, fetched, then sent back unasked: 10 points, not processed. */
    g_autoptr(GBytes) getdata =
        message_encode_inv(MESSAGE_GETDATA, MESSAGE_KIND_BLOCK, answer->inv.items, 1);
    fake_send(fake, getdata);
    g_autoptr(Message) block = fake_expect(fake, MESSAGE_BLOCK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(block);
    g_autoptr(GBytes) unasked = message_encode_data(MESSAGE_BLOCK, block->block);
    fake_send(fake, unasked);
    expect_log("a block we did not ask for (+10, score 50)");
    CU_ASSERT_TRUE(fake_ping_ok(fake));
}

/* Bytes that are no block cost 100 points: the peer is dropped and its address banned, while
 * another address is still served. */
static void test_ban(void)
{
    g_autoptr(FakePeer) bad = fake_connect("127.0.0.5", node_port);
    fake_handshake(bad);
    static const guint8 garbage[] = {1, 2, 3, 4, 5};
    g_autoptr(GBytes) bytes = g_bytes_new_static(garbage, sizeof garbage);
    g_autoptr(GBytes) block = message_encode_data(MESSAGE_BLOCK, bytes);
    fake_send(bad, block);
    CU_ASSERT_TRUE(fake_closed(bad));
    expect_log("banned 127.0.0.5 for 86400 s");

    g_autoptr(FakePeer) again = fake_connect("127.0.0.5", node_port);
    CU_ASSERT_TRUE(fake_closed(again));
    expect_log("refused connection from 127.0.0.5:");

    g_autoptr(FakePeer) other = fake_connect("127.0.0.6", node_port);
    fake_handshake(other);
    CU_ASSERT_TRUE(fake_ping_ok(other));

    /* The ban is kept in peers_NODE_ID.dat: stopped and started, the node still refuses it. */
    CU_ASSERT_EQUAL(stop_node(node), 0);
    g_clear_pointer(&node, node_free);
    node = start_node(dir, node_port, closed_port, NULL);
    g_autofree gchar *line = wait_log(node, "listening on", NODE_HARNESS_DEADLINE_S);
    CU_ASSERT_PTR_NOT_NULL_FATAL(line);
    g_autoptr(FakePeer) after = fake_connect("127.0.0.5", node_port);
    CU_ASSERT_TRUE(fake_closed(after));
    expect_log("refused connection from 127.0.0.5:");
}

/* Chapter 9: a flood of side blocks, 101 siblings of block 1 (valid headers, less work than the
 * tip), all asked for and served: the 101st bans the peer. */
static void test_side_block_flood(void)
{
    g_autoptr(FakePeer) fake = fake_connect("127.0.0.7", node_port);
    fake_handshake(fake);
    /* Genesis is block 1's parent: a junk locator's answer starts at block 1. */
    g_autoptr(GBytes) junk_payload = hash_list_payload(NULL, 1, 7);
    g_autoptr(GBytes) junk = raw_frame("getblocks", junk_payload);
    fake_send(fake, junk);
    g_autoptr(Message) answer = fake_expect(fake, MESSAGE_INV);
    CU_ASSERT_PTR_NOT_NULL_FATAL(answer);
    g_autoptr(GBytes) getdata =
        message_encode_inv(MESSAGE_GETDATA, MESSAGE_KIND_BLOCK, answer->inv.items, 1);
    fake_send(fake, getdata);
    g_autoptr(Message) one = fake_expect(fake, MESSAGE_BLOCK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(one);
    g_autoptr(Block) block1 = block_deserialize(one->block, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(block1);

    enum { FLOOD = 101 };
    g_autoptr(GPtrArray) blocks = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
    g_autoptr(GByteArray) hashes = g_byte_array_new();
    for (guint i = 0; i < FLOOD; i++) {
        g_autoptr(GPtrArray) txs = g_ptr_array_new_with_free_func((GDestroyNotify)transaction_free);
        g_ptr_array_add(txs, transaction_new_coinbase(owner, NULL, NULL));
        g_autoptr(Block) b = block_new(txs, block1->prev_hash, 1, block1->bits);
        g_ptr_array_add(blocks, block_serialize(b));
        g_byte_array_append(hashes, b->hash, BC_HASH_LEN);
    }
    g_autoptr(GBytes) inv =
        message_encode_inv(MESSAGE_INV, MESSAGE_KIND_BLOCK, hashes->data, FLOOD);
    fake_send(fake, inv);
    /* Serve every getdata until the node closes on us. */
    guint served = 0;
    for (;;) {
        g_autoptr(Message) m = fake_expect(fake, MESSAGE_GETDATA);
        if (m == NULL)
            break;
        for (gsize i = 0; i < m->inv.n_items; i++)
            for (guint j = 0; j < FLOOD; j++)
                if (memcmp(hashes->data + j * BC_HASH_LEN, m->inv.items + i * BC_HASH_LEN,
                           BC_HASH_LEN) == 0) {
                    g_autoptr(GBytes) frame =
                        message_encode_data(MESSAGE_BLOCK, g_ptr_array_index(blocks, j));
                    fake_send(fake, frame);
                    served++;
                }
    }
    CU_ASSERT_EQUAL(served, FLOOD);
    CU_ASSERT_TRUE(fake->eof);
    expect_log("more than 100 side blocks that did not move our tip (+100, score 100)");
    expect_log("banned 127.0.0.7 for 86400 s");
}

void test_fake_peer_register(void)
{
    static const BcTest tests[] = {
        {"framing faults: split, bad checksum, unknown, second version, oversize, bad magic",
         test_framing_faults},
        {"handshake rules: nothing before it, a timeout, a ping without pong",
         test_handshake_rules},
        {"an inv of 50,001, a getdata storm, an addr flood, a junk locator, an unasked block",
         test_oversized_and_unasked},
        {"an invalid block bans the address, also after a restart", test_ban},
        {"a flood of side blocks bans the peer", test_side_block_flood},
        {NULL, NULL},
    };
    bc_test_add_suite("10/fake_peer", setup, teardown, tests);
}
