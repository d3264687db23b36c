/* test_control_hostile.c: what a control client cannot do to the node. Another user is refused
 * twice over (the file's mode, then the peer credentials when the mode is opened up); garbage,
 * a request over the size limit, a client that sends half a request and sleeps, and more
 * clients than the node serves at once each get a clear error or are dropped, and after each
 * the node still answers getinfo through the socket and a peer's ping. */
#include "fake_peer.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gunixsocketaddress.h>
#include <sys/stat.h>
#include <grp.h>
#include <unistd.h>

#include "bc_variant.h"
#include "control.h"

static gchar *dir;
static guint16 node_port, closed_port;
static Node *node;
static FakePeer *peer;
static const gchar *const short_timeout[] = {"BC_CONTROL_TIMEOUT_S=1", NULL};

static void setup(void)
{
    dir = bc_test_tmpdir();
    guint16 ports[2];
    free_ports(ports, 2);
    node_port = ports[0];
    closed_port = ports[1];
    node_harness_extra_env = short_timeout;
}

static void teardown(void)
{
    g_clear_pointer(&peer, fake_free);
    g_clear_pointer(&node, node_free);
    node_harness_extra_env = NULL;
    bc_test_tmpdir_remove(dir);
    g_clear_pointer(&dir, g_free);
}

static gchar *socket_path(void)
{
    g_autofree gchar *name = g_strdup_printf("node_%u.sock", node_port);
    return g_build_filename(dir, name, NULL);
}

/* A node on a one-block chain, and a peer with its handshake done. */
static void start(void)
{
    g_auto(BcRun) wallet = run_cli(dir, node_port, closed_port, "createwallet");
    BC_ASSERT_RUN_OK(wallet);
    g_autofree gchar *address = g_strstrip(g_strdup(wallet.out + strlen("Your new address: ")));
    g_auto(BcRun) chain = run_cli(dir, node_port, closed_port, "createblockchain", "-address",
                                  address);
    BC_ASSERT_RUN_OK(chain);
    node = start_node(dir, node_port, closed_port, NULL);
    g_autofree gchar *line = wait_log(node, "listening on", NODE_HARNESS_DEADLINE_S);
    CU_ASSERT_PTR_NOT_NULL_FATAL(line);
    peer = fake_connect("127.0.0.1", node_port);
    fake_handshake(peer);
}

/* The node still serves: getinfo through its socket, and a ping from its peer. */
static void assert_alive(void)
{
    g_auto(BcRun) info = run_cli(dir, node_port, closed_port, "getinfo");
    BC_ASSERT_RUN_OK(info);
    BC_ASSERT_CONTAINS(info.out, "peers: 1\n");
    CU_ASSERT_TRUE(fake_ping_ok(peer));
    CU_ASSERT_FALSE(node_exited(node));
}

static GSocket *raw_connect(void)
{
    g_autofree gchar *path = socket_path();
    g_autoptr(GError) error = NULL;
    GSocket *socket = control_connect(path, &error);
    g_assert_no_error(error);
    g_assert(socket != NULL);
    g_socket_set_timeout(socket, (guint)NODE_HARNESS_DEADLINE_S);
    return socket;
}

static void raw_send(GSocket *socket, const void *data, gsize len)
{
    /* The node may close first (a request over the limit): a failed write is fine. */
    g_socket_send(socket, data, len, NULL, NULL);
}

/* Everything the node sends until it closes the connection. */
static GByteArray *raw_read_all(GSocket *socket)
{
    GByteArray *all = g_byte_array_new();
    guint8 buf[4096];
    gssize n;
    while ((n = g_socket_receive(socket, (gchar *)buf, sizeof buf, NULL, NULL)) > 0)
        g_byte_array_append(all, buf, (guint)n);
    return all;
}

/* The error of the answer in BYTES (one frame), or NULL when it is not an error answer. */
static gchar *answer_error(GByteArray *bytes)
{
    if (bytes->len < 4)
        return NULL;
    guint32 size = GUINT32_FROM_LE(*(guint32 *)bytes->data);
    if (size != bytes->len - 4)
        return NULL;
    g_autoptr(GBytes) raw = g_bytes_new(bytes->data + 4, size);
    g_auto(ControlAnswer) answer = {0};
    if (!control_answer_decode(raw, &answer, NULL) || answer.status != 1 || *answer.error == '\0')
        return NULL;
    return g_strdup(answer.error);
}

static void expect_error(const void *request, gsize len, const gchar *expected)
{
    g_autoptr(GSocket) socket = raw_connect();
    raw_send(socket, request, len);
    g_autoptr(GByteArray) got = raw_read_all(socket);
    g_autofree gchar *error = answer_error(got);
    if (error == NULL || strstr(error, expected) == NULL)
        g_printerr("\n  expected an error with \"%s\", got %u bytes: %s", expected, got->len,
                   error != NULL ? error : "(no error answer)");
    CU_ASSERT_PTR_NOT_NULL(error);
    if (error != NULL)
        BC_ASSERT_CONTAINS(error, expected);
}

static void test_garbage(void)
{
    start();
    /* Text where a length should be: 0x6c6c6568 bytes, over the limit. */
    static const char text[] = "hello, node: give me everything\n";
    expect_error(text, sizeof text - 1, "over the limit of 65536");
    /* A length that fits, then bytes that are no request. */
    guint8 junk[4 + 40];
    guint32 le = GUINT32_TO_LE(40);
    memcpy(junk, &le, 4);
    for (guint i = 0; i < 40; i++)
        junk[4 + i] = (guint8)(i * 37 + 11);
    expect_error(junk, sizeof junk, "control request");
    /* A well-formed request of an unknown command, and one with a field it does not take. */
    g_autoptr(GBytes) unknown = bc_variant_encode(
        g_variant_new(CONTROL_REQUEST_TYPE, "rm", "", "", "", (gint64)0, FALSE, FALSE));
    g_autoptr(GByteArray) framed = g_byte_array_new();
    le = GUINT32_TO_LE((guint32)g_bytes_get_size(unknown));
    g_byte_array_append(framed, (guint8 *)&le, 4);
    g_byte_array_append(framed, g_bytes_get_data(unknown, NULL), (guint)g_bytes_get_size(unknown));
    expect_error(framed->data, framed->len, "unknown command");
    assert_alive();
    g_autofree gchar *log = node_log(node);
    BC_ASSERT_CONTAINS(log, "over the limit of 65536");
}

static void test_huge(void)
{
    start();
    gsize size = 4 * 1024 * 1024;
    g_autofree guint8 *huge = g_malloc0(size);
    guint32 le = GUINT32_TO_LE((guint32)(size - 4));
    memcpy(huge, &le, 4);
    expect_error(huge, size, "a control request of 4194300 bytes is over the limit of 65536");
    /* Exactly one byte over: refused too, before the body is read. */
    le = GUINT32_TO_LE(CONTROL_MAX_REQUEST + 1);
    expect_error(&le, 4, "65537 bytes is over the limit");
    assert_alive();
}

static void test_slow(void)
{
    start();
    /* Half a header, then nothing: the node answers others meanwhile, and drops this one after
     * BC_CONTROL_TIMEOUT_S (1 s here). */
    g_autoptr(GSocket) slow = raw_connect();
    raw_send(slow, "\x10\x00", 2);
    assert_alive();
    g_autoptr(GByteArray) got = raw_read_all(slow); /* returns when the node closes it */
    CU_ASSERT_EQUAL(got->len, 0);
    g_autofree gchar *line = wait_log(node, "dropped control client", NODE_HARNESS_DEADLINE_S);
    CU_ASSERT_PTR_NOT_NULL(line);
    assert_alive();
}

static void test_many(void)
{
    start();
    /* 40 clients that connect and say nothing: CONTROL_MAX_CLIENTS are held until the timeout,
     * the others are told at once. */
    guint n = 40, refused = 0;
    g_autoptr(GPtrArray) idle = g_ptr_array_new_with_free_func(g_object_unref);
    for (guint i = 0; i < n; i++)
        g_ptr_array_add(idle, raw_connect());
    for (guint i = 0; i < n; i++) {
        g_autoptr(GByteArray) got = raw_read_all(g_ptr_array_index(idle, i));
        g_autofree gchar *error = answer_error(got);
        if (error != NULL && strstr(error, "control clients already") != NULL)
            refused++;
    }
    CU_ASSERT_EQUAL(refused, n - CONTROL_MAX_CLIENTS);
    assert_alive();
    /* And many real commands at once: each gets its answer or the clear refusal. Spawned and
     * reaped here with waitpid, their output in files: GSubprocess would reap them on GLib's
     * worker thread, whose locks ThreadSanitizer cannot see (GLib is not instrumented). */
    enum { N_COMMANDS = 24 };
    GPid pids[N_COMMANDS];
    g_autofree gchar *id = g_strdup_printf("NODE_ID=%u", node_port);
    const gchar *envp[] = {id, NULL};
    const gchar *argv[] = {bc_test_binary, "getinfo", NULL};
    for (guint i = 0; i < N_COMMANDS; i++) {
        g_autofree gchar *out_path = g_strdup_printf("%s/getinfo-%u.out", dir, i);
        g_autofree gchar *err_path = g_strdup_printf("%s/getinfo-%u.err", dir, i);
        gint out_fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        gint err_fd = open(err_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        g_assert(out_fd >= 0 && err_fd >= 0);
        g_autoptr(GError) error = NULL;
        g_spawn_async_with_pipes_and_fds(dir, argv, envp, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                                         -1, out_fd, err_fd, NULL, NULL, 0, &pids[i], NULL, NULL,
                                         NULL, &error);
        g_assert_no_error(error);
        close(out_fd);
        close(err_fd);
    }
    guint answered = 0;
    for (guint i = 0; i < N_COMMANDS; i++) {
        gint status = 0;
        CU_ASSERT_EQUAL(waitpid(pids[i], &status, 0), pids[i]);
        g_autofree gchar *out_path = g_strdup_printf("%s/getinfo-%u.out", dir, i);
        g_autofree gchar *err_path = g_strdup_printf("%s/getinfo-%u.err", dir, i);
        g_autofree gchar *out = bc_test_read_file(out_path, NULL);
        g_autofree gchar *err = bc_test_read_file(err_path, NULL);
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && out != NULL &&
            strstr(out, "height: 0\n") != NULL)
            answered++;
        else
            BC_ASSERT_CONTAINS(err, "error: the node serves 16 control clients already");
    }
    CU_ASSERT_TRUE(answered >= 1);
    assert_alive();
}

/* ---- another user ---- */

static void become_nobody(gpointer user_data)
{
    (void)user_data;
    /* After the fork, before exec: only system calls. */
    if (setgroups(0, NULL) != 0 || setresgid(65534, 65534, 65534) != 0 ||
        setresuid(65534, 65534, 65534) != 0)
        _exit(99);
}

/* Runs a copy of the program in DIR as uid 65534: the build directory may be one nobody cannot
 * reach (a checkout in a 0700 directory, as mktemp makes them). */
static BcRun run_as_nobody(const gchar *command)
{
    g_autofree gchar *id = g_strdup_printf("NODE_ID=%u", node_port);
    g_autofree gchar *program = g_build_filename(dir, "blockchain-for-nobody", NULL);
    if (!g_file_test(program, G_FILE_TEST_EXISTS)) {
        g_assert(bc_test_copy_file(bc_test_binary, program));
        g_assert(chmod(program, 0755) == 0);
    }
    const gchar *argv[] = {program, command, NULL};
    const gchar *envp[] = {id, NULL};
    BcRun run = {0};
    gint status = 0;
    g_autoptr(GError) error = NULL;
    g_spawn_sync(dir, (gchar **)argv, (gchar **)envp, G_SPAWN_DEFAULT, become_nobody, NULL,
                 &run.out, &run.err, &status, &error);
    g_assert_no_error(error);
    run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return run;
}

static void test_other_user(void)
{
    if (getuid() != 0) {
        bc_test_skip("another user's request needs root to become uid 65534 (running as %u)",
                     (guint)getuid());
        return;
    }
    start();
    CU_ASSERT_EQUAL_FATAL(chmod(dir, 0711), 0); /* nobody may reach the socket's name */
    /* The file's mode stops nobody first. */
    g_auto(BcRun) blocked = run_as_nobody("getinfo");
    CU_ASSERT_EQUAL(blocked.status, 1);
    BC_ASSERT_CONTAINS(blocked.err, "error: cannot reach the node at");
    BC_ASSERT_CONTAINS(blocked.err, "ermission denied");
    CU_ASSERT_STRING_EQUAL(blocked.out, "");
    /* With the mode opened up, the node's own check stops it. */
    g_autofree gchar *path = socket_path();
    CU_ASSERT_EQUAL_FATAL(chmod(path, 0666), 0);
    g_auto(BcRun) refused = run_as_nobody("getinfo");
    CU_ASSERT_EQUAL(refused.status, 1);
    BC_ASSERT_CONTAINS(refused.err, "error: permission denied: the node runs as uid 0, not 65534");
    CU_ASSERT_STRING_EQUAL(refused.out, "");
    g_autofree gchar *line = wait_log(node, "refused a control client: permission denied",
                                      NODE_HARNESS_DEADLINE_S);
    CU_ASSERT_PTR_NOT_NULL(line);
    assert_alive();
}

void test_control_hostile_register(void)
{
    static const BcTest tests[] = {
        {"garbage gets an error answer, the node goes on", test_garbage},
        {"a request over 64 KiB is refused before it is read", test_huge},
        {"a client that sends half a request and sleeps is dropped", test_slow},
        {"more clients than the node serves at once are refused clearly", test_many},
        {"another user is refused, by the file's mode and by the credentials", test_other_user},
        {NULL, NULL},
    };
    bc_test_add_suite("10/control: hostile clients", setup, teardown, tests);
}
