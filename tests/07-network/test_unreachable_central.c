/* test_unreachable_central.c: a node whose central node cannot be reached says so and keeps
 * running: it still answers getblocks. */
#include "hostile_fixture.h"

#include "message.h"

/* A node whose central node is down says it cannot reach it, and keeps serving. */
static void test_unreachable_central(void)
{
    g_autofree gchar *owner = create_wallet(fresh_port);
    g_free(cli_ok(fresh_port, closed_port,
                  (const gchar *const[]){"createblockchain", "-address", owner, NULL}));
    fresh = start_and_listen(fresh_port, closed_port);
    g_autofree gchar *unreachable = g_strdup_printf("cannot reach %s", sink_addr);
    expect_log(fresh, unreachable);
    CU_ASSERT_FALSE(node_exited(fresh));

    /* It answers getblocks with its one block. */
    listen_on(listener_port);
    g_autoptr(GBytes) getblocks = message_encode_getblocks(listener_addr);
    send_bytes_to(fresh_port, getblocks);
    g_autoptr(Message) reply = receive_message();
    CU_ASSERT_PTR_NOT_NULL_FATAL(reply);
    CU_ASSERT_EQUAL(reply->type, MESSAGE_INV);
    if (reply->type == MESSAGE_INV) {
        CU_ASSERT_EQUAL(reply->inv.kind, MESSAGE_KIND_BLOCK);
        CU_ASSERT_EQUAL(reply->inv.n_items, 1);
    }

    CU_ASSERT_EQUAL(stop_node(fresh), 0);
    g_autofree gchar *log = node_log(fresh);
    BC_ASSERT_CONTAINS(log, "stopping");
    g_clear_pointer(&fresh, node_free);
}

void test_unreachable_central_register(void)
{
    static const BcTest tests[] = {
        {"a node whose central node is down says so and keeps serving", test_unreachable_central},
        {NULL, NULL},
    };
    bc_test_add_suite("07/unreachable_central", setup, teardown, tests);
}
