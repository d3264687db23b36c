/* test_store.c: the GDBM wrapper: round trips, iteration, and every way opening can fail. */
#include <fcntl.h>
#include <gdbm.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
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
    CU_ASSERT_TRUE(bc_store_contains(store, 'l', NULL, 0, &error));
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

/* The domain's name is what a GError prints in g_warning and tests: one token. */
static void test_quark_name(void)
{
    CU_ASSERT_STRING_EQUAL(g_quark_to_string(BC_ERROR), "bc-error-quark");
}

/* CREATE makes the file with O_EXCL: a name that is taken, even by a symbolic link to nothing,
 * is refused, and nothing is created through it (checking first and then letting GDBM create
 * followed the link and made its target). */
static void test_create_exclusive(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree gchar *target = g_build_filename(tmp, "elsewhere.db", NULL);
    CU_ASSERT_EQUAL_FATAL(symlink(target, path), 0);
    CU_ASSERT_PTR_NULL(bc_store_open(path, BC_STORE_CREATE, &error));
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_EXISTS));
    CU_ASSERT_FALSE(g_file_test(target, G_FILE_TEST_EXISTS));
    g_clear_error(&error);
    /* A CREATE that fails removes nothing it did not make: the link is still there. */
    struct stat st;
    CU_ASSERT_EQUAL(lstat(path, &st), 0);
    g_unlink(path);
}

/* A record that cannot be read is an error, not "absent": the file is cut short under an open
 * reader, whose next lookup must then fail with GDBM's reason. */
static void test_contains_reports_errors(void)
{
    g_autoptr(GError) error = NULL;
    {
        g_autoptr(BcStore) store = bc_store_open(path, BC_STORE_CREATE, &error);
        CU_ASSERT_PTR_NOT_NULL_FATAL(store);
        g_autoptr(GBytes) v = g_bytes_new_static("value", 5);
        CU_ASSERT_TRUE(bc_store_put(store, 'b', "key", 3, v, &error));
    }
    g_autoptr(BcStore) store = bc_store_open(path, BC_STORE_READ, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(store);
    CU_ASSERT_TRUE(bc_store_contains(store, 'b', "key", 3, &error));
    CU_ASSERT_FALSE(bc_store_contains(store, 'b', "other", 5, &error));
    CU_ASSERT_PTR_NULL(error); /* absent is not an error */
    g_autoptr(BcStore) again = bc_store_open(path, BC_STORE_READ, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(again);
    /* Junk over everything after the header (not a truncation: GDBM maps the file, and a
     * mapped file cut short kills the reader with SIGBUS). */
    gsize len = 0;
    g_autofree gchar *bytes = bc_test_read_file(path, &len);
    CU_ASSERT_TRUE_FATAL(len > 1024);
    memset(bytes + 1024, 0xab, len - 1024);
    int fd = open(path, O_WRONLY);
    CU_ASSERT_TRUE_FATAL(fd >= 0 &&
                         pwrite(fd, bytes + 1024, len - 1024, 1024) == (ssize_t)(len - 1024));
    close(fd);
    /* AGAIN has read the header and directory only: its first lookup reads a bucket. */
    CU_ASSERT_FALSE(bc_store_contains(again, 'b', "key", 3, &error));
    CU_ASSERT_PTR_NOT_NULL_FATAL(error);
    CU_ASSERT_TRUE(error->code == BC_ERROR_CORRUPT || error->code == BC_ERROR_IO);
    BC_ASSERT_CONTAINS(error->message, path);
}

/* Leaves PATH as a writer does that dies in the middle of an update: a child fills the file,
 * syncs, then keeps writing with the file size capped, so that GDBM fails halfway through a
 * write, and exits without closing. The child is GDBM with its default memory map, as this
 * project's stores wrote before bc_store_open asked for pread and pwrite (a file such a writer
 * damaged must still be recovered): through the map, the failed write leaves the header behind
 * the records, which the next open sees. Returns how many records were synced before. */
static int make_damaged(void)
{
    {
        g_autoptr(GError) error = NULL;
        g_autoptr(BcStore) store = bc_store_open(path, BC_STORE_CREATE, &error);
        CU_ASSERT_PTR_NOT_NULL_FATAL(store);
    }
    const int synced = 40;
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGXFSZ, SIG_IGN);
        GDBM_FILE dbf = gdbm_open(path, 0, GDBM_WRITER, 0, NULL);
        if (dbf == NULL)
            _exit(2);
        static char big[900];
        memset(big, 'x', sizeof big);
        for (int i = 0; i < 400; i++) {
            if (i == synced) {
                if (gdbm_sync(dbf) != 0)
                    _exit(3);
                struct stat st;
                stat(path, &st);
                struct rlimit limit = {(rlim_t)st.st_size + 1024, (rlim_t)st.st_size + 1024};
                setrlimit(RLIMIT_FSIZE, &limit);
            }
            /* bc_store's key: the prefix, then the key's bytes. */
            guint8 key[5] = {'b'};
            guint32 n = (guint32)i;
            memcpy(key + 1, &n, sizeof n);
            datum k = {(char *)key, sizeof key};
            datum v = {big, 100 + (i * 37) % 800};
            if (gdbm_store(dbf, k, v, GDBM_REPLACE) != 0)
                _exit(i > synced ? 0 : 4); /* died halfway through an update */
        }
        _exit(5);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    CU_ASSERT_FATAL(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    return synced;
}

/* Everything in DIR whose name starts with test.db.bak-. */
static GPtrArray *backups(void)
{
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GDir) dir = g_dir_open(tmp, 0, NULL);
    const gchar *name;
    while (dir != NULL && (name = g_dir_read_name(dir)) != NULL)
        if (g_str_has_prefix(name, "test.db.bak-"))
            g_ptr_array_add(names, g_build_filename(tmp, name, NULL));
    return names;
}

/* A file a killed writer left half-updated: a reader is refused with GDBM's reason and told what
 * to do; a writer recovers it, keeps the damaged file as PATH.bak-TIME, says so on stderr, and
 * every record synced before the damage is there. */
static void test_recovery(void)
{
    int synced = make_damaged();
    gsize damaged_len = 0;
    g_autofree gchar *damaged = bc_test_read_file(path, &damaged_len);
    g_autoptr(GError) error = NULL;
    BcStore *unexpected = bc_store_open(path, BC_STORE_READ, &error);
    CU_ASSERT_PTR_NULL(unexpected);
    bc_store_close(unexpected);
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_CORRUPT));
    if (error != NULL) {
        BC_ASSERT_CONTAINS(error->message, "needs recovery");
        BC_ASSERT_CONTAINS(error->message, "opened for writing");
    }
    g_clear_error(&error);
    g_autoptr(GPtrArray) none = backups();
    CU_ASSERT_EQUAL(none->len, 0); /* reading changes nothing */

    /* The warning goes to stderr: catch it in a file. */
    g_autofree gchar *err_path = g_build_filename(tmp, "stderr", NULL);
    fflush(stderr);
    int saved = dup(2);
    int err_fd = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(err_fd, 2);
    close(err_fd);
    BcStore *store = bc_store_open(path, BC_STORE_WRITE, &error);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    if (error != NULL)
        g_printerr("\n  %s\n", error->message);
    CU_ASSERT_PTR_NOT_NULL_FATAL(store);
    for (int i = 0; i < synced; i++) {
        guint32 key = (guint32)i;
        g_autoptr(GBytes) v = bc_store_get(store, 'b', &key, sizeof key, &error);
        CU_ASSERT_PTR_NOT_NULL(v);
        CU_ASSERT_EQUAL(v != NULL ? g_bytes_get_size(v) : 0, 100 + (gsize)(i * 37) % 800);
        g_clear_error(&error);
    }
    g_autoptr(GBytes) v = g_bytes_new_static("after", 5);
    CU_ASSERT_TRUE(bc_store_put(store, 'n', NULL, 0, v, &error)); /* writable again */
    bc_store_close(store);

    g_autofree gchar *said = bc_test_read_file(err_path, NULL);
    BC_ASSERT_CONTAINS(said, "needed recovery");
    BC_ASSERT_CONTAINS(said, "records recovered");
    g_autoptr(GPtrArray) kept = backups();
    CU_ASSERT_EQUAL_FATAL(kept->len, 1);
    BC_ASSERT_CONTAINS(said, (const gchar *)kept->pdata[0]);
    gsize backup_len = 0;
    g_autofree gchar *backup = bc_test_read_file(kept->pdata[0], &backup_len);
    CU_ASSERT_TRUE(backup_len == damaged_len && memcmp(backup, damaged, damaged_len) == 0);
    /* Once recovered, readers open it again. */
    g_autoptr(BcStore) reader = bc_store_open(path, BC_STORE_READ, &error);
    CU_ASSERT_PTR_NOT_NULL(reader);
}

/* The format record names the chapter that wrote the file; any other chapter, a file without
 * the record, and a damaged record are refused, each with its own message. */
static void test_format_record(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(BcStore) store = bc_store_open(path, BC_STORE_CREATE, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(store);
    CU_ASSERT_FALSE(bc_store_check_format(store, 4, &error));
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_INVALID));
    if (error != NULL)
        CU_ASSERT_STRING_EQUAL(error->message, "test.db has no format record (an older file, or "
                                               "not one of ours); chapter 4 needs its own: use "
                                               "another directory");
    g_clear_error(&error);
    CU_ASSERT_TRUE(bc_store_put_format(store, 3, &error));
    CU_ASSERT_TRUE(bc_store_check_format(store, 3, &error));
    CU_ASSERT_FALSE(bc_store_check_format(store, 4, &error));
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_INVALID));
    if (error != NULL)
        CU_ASSERT_STRING_EQUAL(error->message, "test.db was written by chapter 3; chapter 4 needs "
                                               "its own: use another directory");
    g_clear_error(&error);
    g_autoptr(GBytes) two = g_bytes_new_static("\003\003", 2);
    CU_ASSERT_TRUE(bc_store_put(store, BC_STORE_FORMAT_KEY, NULL, 0, two, &error));
    CU_ASSERT_FALSE(bc_store_check_format(store, 3, &error));
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_CORRUPT));
}

/* The store reads and writes with pread/pwrite, never through a shared mapping of the file: a
 * store through a mapping marks the whole page-cache folio dirty (up to 2 MiB on Linux 6.x), and
 * each sync then wrote back megabytes for a few changed records (see bc_store_open). */
static gboolean file_is_mapped(const gchar *file)
{
    g_autofree gchar *maps = NULL;
    g_assert(g_file_get_contents("/proc/self/maps", &maps, NULL, NULL));
    g_autofree gchar *real = realpath(file, NULL);
    g_assert(real != NULL);
    g_auto(GStrv) lines = g_strsplit(maps, "\n", -1);
    for (guint i = 0; lines[i] != NULL; i++)
        if (g_str_has_suffix(lines[i], real))
            return TRUE;
    return FALSE;
}

static void test_not_mapped(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(BcStore) store = bc_store_open(path, BC_STORE_CREATE, &error);
    g_assert_no_error(error);
    g_autoptr(GBytes) v = g_bytes_new_static("value", 5);
    CU_ASSERT_TRUE(bc_store_put(store, 'b', "key", 3, v, &error));
    CU_ASSERT_TRUE(bc_store_sync(store, &error));
    CU_ASSERT_FALSE(file_is_mapped(path));
    g_autoptr(BcStore) reader = NULL;
    g_clear_pointer(&store, bc_store_close);
    reader = bc_store_open(path, BC_STORE_READ, &error);
    g_assert_no_error(error);
    g_autoptr(GBytes) got = bc_store_get(reader, 'b', "key", 3, &error);
    CU_ASSERT_PTR_NOT_NULL(got);
    CU_ASSERT_FALSE(file_is_mapped(path));
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
        {"error quark name", test_quark_name},
        {"create is exclusive", test_create_exclusive},
        {"contains reports read errors", test_contains_reports_errors},
        {"a half-updated file is recovered by a writer", test_recovery},
        {"the format record names the chapter", test_format_record},
        {"the file is read and written, never mapped", test_not_mapped},
        {NULL, NULL},
    };
    bc_test_add_suite("common/store", setup, teardown, tests);
}
