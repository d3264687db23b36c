/* test_store.c: the GDBM wrapper: round trips, iteration, and every way opening can fail. */
#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bc_error.h"
#include "bc_store.h"
#include "bc_test.h"

static gchar *tmp;
static gchar *path;

static void setup(void)
{
    tmp = bc_test_tmpdir();
    path = g_build_filename(tmp, "test.db", NULL);
}

static void teardown(void)
{
    bc_test_tmpdir_remove(tmp);
    g_clear_pointer(&tmp, g_free);
    g_clear_pointer(&path, g_free);
}

static void test_round_trip(void)
{
    g_autoptr(GError) error = NULL;
    {
        g_autoptr(BcStore) store = bc_store_open(path, BC_STORE_CREATE, &error);
        g_assert_no_error(error);
        g_autoptr(GBytes) v = g_bytes_new_static("value", 5);
        CU_ASSERT_TRUE(bc_store_put(store, 'b', "key", 3, v, &error));
        g_autoptr(GBytes) tip = g_bytes_new_static("tip", 3);
        CU_ASSERT_TRUE(bc_store_put(store, 'l', NULL, 0, tip, &error));
        CU_ASSERT_TRUE(bc_store_sync(store, &error));
    }
    /* Reopened read-only, the values are still there. */
    g_autoptr(BcStore) store = bc_store_open(path, BC_STORE_READ, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(store);
    g_autoptr(GBytes) v = bc_store_get(store, 'b', "key", 3, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(v);
    CU_ASSERT_EQUAL(g_bytes_get_size(v), 5);
    CU_ASSERT_EQUAL(memcmp(g_bytes_get_data(v, NULL), "value", 5), 0);
    CU_ASSERT_TRUE(bc_store_contains(store, 'l', NULL, 0));
    /* The same key under another prefix is another record. */
    CU_ASSERT_PTR_NULL(bc_store_get(store, 'c', "key", 3, &error));
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_NOT_FOUND));
}

/* An empty value is a value too (GBytes may hold no data pointer for it). */
static void test_empty_value(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(BcStore) store = bc_store_open(path, BC_STORE_CREATE, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(store);
    g_autoptr(GBytes) empty = g_bytes_new(NULL, 0);
    CU_ASSERT_TRUE(bc_store_put(store, 'e', "k", 1, empty, &error));
    g_autoptr(GBytes) back = bc_store_get(store, 'e', "k", 1, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(back);
    CU_ASSERT_EQUAL(g_bytes_get_size(back), 0);
}

static gboolean count_cb(const guint8 *key, gsize key_len, GBytes *value, gpointer user_data)
{
    (void)key;
    (void)value;
    CU_ASSERT_EQUAL(key_len, 2);
    (*(int *)user_data)++;
    return TRUE;
}

static void test_foreach_and_delete(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(BcStore) store = bc_store_open(path, BC_STORE_CREATE, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(store);
    g_autoptr(GBytes) v = g_bytes_new_static("x", 1);
    for (int i = 0; i < 10; i++) {
        guint8 key[2] = {(guint8)i, 0xaa};
        bc_store_put(store, i % 2 ? 'c' : 'b', key, 2, v, &error);
    }
    int n = 0;
    CU_ASSERT_TRUE(bc_store_foreach(store, 'c', count_cb, &n, &error));
    CU_ASSERT_EQUAL(n, 5);
    guint8 key[2] = {1, 0xaa};
    CU_ASSERT_TRUE(bc_store_delete(store, 'c', key, 2, &error));
    CU_ASSERT_TRUE(bc_store_delete(store, 'c', key, 2, &error)); /* missing: not an error */
    n = 0;
    bc_store_foreach(store, 'c', count_cb, &n, &error);
    CU_ASSERT_EQUAL(n, 4);
}

static void test_open_errors(void)
{
    g_autoptr(GError) error = NULL;
    CU_ASSERT_PTR_NULL(bc_store_open(path, BC_STORE_READ, &error));
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_NOT_FOUND));
    CU_ASSERT_FALSE(bc_store_exists(path)); /* a failed open creates nothing */
    g_clear_error(&error);

    /* Not a GDBM file: refused, and left byte for byte as it was. */
    const gchar *junk = "this is not a database, just text that is long enough to matter\n";
    g_file_set_contents(path, junk, -1, NULL);
    CU_ASSERT_PTR_NULL(bc_store_open(path, BC_STORE_WRITE, &error));
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_CORRUPT));
    g_clear_error(&error);
    g_autofree gchar *after = bc_test_read_file(path, NULL);
    CU_ASSERT_STRING_EQUAL(after, junk);
    CU_ASSERT_PTR_NULL(bc_store_open(path, BC_STORE_CREATE, &error));
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_EXISTS));
    g_clear_error(&error);

    /* An empty file is a truncated database, not a new one. */
    g_file_set_contents(path, "", 0, NULL);
    CU_ASSERT_PTR_NULL(bc_store_open(path, BC_STORE_WRITE, &error));
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_CORRUPT));
    g_clear_error(&error);
}

static void test_truncated(void)
{
    g_autoptr(GError) error = NULL;
    {
        g_autoptr(BcStore) store = bc_store_open(path, BC_STORE_CREATE, &error);
        g_autoptr(GBytes) v = g_bytes_new_static("value", 5);
        bc_store_put(store, 'b', "key", 3, v, &error);
    }
    gsize len = 0;
    g_autofree gchar *whole = bc_test_read_file(path, &len);
    CU_ASSERT_TRUE_FATAL(len > 100);
    g_file_set_contents(path, whole, 100, NULL);
    CU_ASSERT_PTR_NULL(bc_store_open(path, BC_STORE_READ, &error));
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_CORRUPT));
}

/* GDBM's lock belongs to the process: a second process must be refused, not kept waiting. */
static void test_locked(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(BcStore) store = bc_store_open(path, BC_STORE_CREATE, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(store);
    pid_t pid = fork();
    if (pid == 0) {
        GError *child_error = NULL;
        BcStore *other = bc_store_open(path, BC_STORE_WRITE, &child_error);
        _exit(other == NULL && g_error_matches(child_error, BC_ERROR, BC_ERROR_LOCKED) ? 0 : 1);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    CU_ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* In a child: arms the crash hook with N, opens a store and does PUT, DELETE, SYNC, PUT, PUT,
 * writing one byte to FD after each call that returned. Returns the child's pid. */
static pid_t crash_child(const gchar *n, int fd)
{
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    if (n != NULL)
        g_setenv("BC_TEST_CRASH_AFTER_WRITES", n, TRUE);
    else
        g_unsetenv("BC_TEST_CRASH_AFTER_WRITES");
    GError *error = NULL;
    BcStore *store = bc_store_open(path, BC_STORE_WRITE, &error);
    if (store == NULL)
        _exit(2);
    GBytes *v = g_bytes_new_static("v", 1);
    for (int i = 0; i < 5; i++) {
        gboolean ok = i == 1   ? bc_store_delete(store, 'b', "k0", 2, &error)
                      : i == 2 ? bc_store_sync(store, &error)
                               : bc_store_put(store, 'b', i == 0 ? "k0" : "k1", 2, v, &error);
        if (!ok || write(fd, "w", 1) != 1)
            _exit(3);
    }
    _exit(0);
}

/* Runs crash_child(N) and returns how many writes returned before it ended, and its status. */
static int crash_writes(const gchar *n, int *status)
{
    int fds[2];
    CU_ASSERT_EQUAL_FATAL(pipe(fds), 0);
    pid_t pid = crash_child(n, fds[1]);
    close(fds[1]);
    char buf[16];
    int total = 0;
    ssize_t got;
    while ((got = read(fds[0], buf, sizeof buf)) > 0)
        total += (int)got;
    close(fds[0]);
    waitpid(pid, status, 0);
    return total;
}

/* The test-only crash hook: puts, deletes and syncs count; the N-th one ends the process with
 * 137 right after it is done; a failed write does not count; unset or junk means off. */
static void test_crash_hook(void)
{
    g_autoptr(GError) error = NULL;
    {
        g_autoptr(BcStore) store = bc_store_open(path, BC_STORE_CREATE, &error);
        CU_ASSERT_PTR_NOT_NULL_FATAL(store);
    }
    int status = 0;
    CU_ASSERT_EQUAL(crash_writes(NULL, &status), 5);
    CU_ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CU_ASSERT_EQUAL(crash_writes("0", &status), 5);
    CU_ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CU_ASSERT_EQUAL(crash_writes("junk", &status), 5);
    CU_ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    for (int n = 1; n <= 5; n++) {
        g_autofree gchar *text = g_strdup_printf("%d", n);
        CU_ASSERT_EQUAL(crash_writes(text, &status), n - 1);
        CU_ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 137);
    }
    /* A write refused (a reader cannot store) is not counted. */
    pid_t pid = fork();
    if (pid == 0) {
        g_setenv("BC_TEST_CRASH_AFTER_WRITES", "1", TRUE);
        BcStore *reader = bc_store_open(path, BC_STORE_READ, NULL);
        GBytes *v = g_bytes_new_static("v", 1);
        _exit(reader != NULL && !bc_store_put(reader, 'b', "k", 1, v, NULL) ? 0 : 1);
    }
    waitpid(pid, &status, 0);
    CU_ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

void test_store_register(void)
{
    static const BcTest tests[] = {
        {"round trip", test_round_trip},
        {"empty value", test_empty_value},
        {"foreach and delete", test_foreach_and_delete},
        {"open errors leave files alone", test_open_errors},
        {"truncated file", test_truncated},
        {"locked by another process", test_locked},
        {"test-only crash hook", test_crash_hook},
        {NULL, NULL},
    };
    bc_test_add_suite("common/store", setup, teardown, tests);
}
