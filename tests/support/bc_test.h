/* bc_test.h: what every CUnit suite of the project shares.
 * A suite file test_NAME.c defines test_NAME_register(), which calls bc_test_add_suite();
 * the build generates the call list, and runner.c runs them all with CUnit's basic interface. */
#pragma once
#include <CUnit/CUnit.h>
#include <glib.h>

typedef struct {
    const gchar *name;
    CU_TestFunc func;
} BcTest;

/* Adds a suite with TESTS (terminated by {0}); SETUP/TEARDOWN run around each test. */
void bc_test_add_suite(const gchar *name, CU_SetUpFunc setup, CU_TearDownFunc teardown,
                       const BcTest *tests);

/* Says that the running test was skipped and why (it cannot run here: not root, for instance).
 * The runner counts the skips, and the summary of 'make check' shows them, so a test that
 * did not run is never mistaken for one that passed. */
/* With BC_TEST_NO_SKIP set (CI) a skip fails the test instead. */
void bc_test_skip(const gchar *format, ...) G_GNUC_PRINTF(1, 2);
guint bc_test_skipped(void);

/* A fresh temporary directory, removed with everything in it by bc_test_tmpdir_remove(). */
gchar *bc_test_tmpdir(void);
void bc_test_tmpdir_remove(const gchar *dir);

/* The result of running the chapter's real binary. */
typedef struct {
    gint status; /* exit code, or -1 when killed by a signal */
    gchar *out;
    gchar *err;
} BcRun;
void bc_run_clear(BcRun *run);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(BcRun, bc_run_clear)

/* Runs BC_TEST_BINARY with the arguments after ENV (NULL-terminated) in DIR. ENV is a
 * NULL-terminated list of "NAME=VALUE" added to the environment, or NULL. */
BcRun bc_test_run(const gchar *dir, const gchar *const *env, ...) G_GNUC_NULL_TERMINATED;
BcRun bc_test_runv(const gchar *dir, const gchar *const *env, const gchar *const *args);

/* Whole file contents, or NULL. */
gchar *bc_test_read_file(const gchar *path, gsize *len);

/* "cp FROM TO": FALSE when FROM cannot be read or TO written. */
gboolean bc_test_copy_file(const gchar *from, const gchar *to);

/* Junk over the first bucket of the GDBM file PATH (header and directory left sound), so that
 * the file opens and its first lookup fails in GDBM ("Malformed bucket header"). */
gboolean bc_test_damage_gdbm_bucket(const gchar *path);

/* CU_ASSERT-style checks with a message that shows what the binary printed. */
#define BC_ASSERT_RUN_OK(run)                                                                      \
    do {                                                                                           \
        if ((run).status != 0)                                                                     \
            g_printerr("\n  exit %d\n  stdout: %s\n  stderr: %s\n", (run).status, (run).out,       \
                       (run).err);                                                                 \
        CU_ASSERT_EQUAL_FATAL((run).status, 0);                                                    \
    } while (0)
#define BC_ASSERT_CONTAINS(haystack, needle)                                                       \
    do {                                                                                           \
        gboolean found_ = (haystack) != NULL && strstr((haystack), (needle)) != NULL;              \
        if (!found_)                                                                               \
            g_printerr("\n  expected to find \"%s\" in:\n%s\n", (needle), (haystack));             \
        CU_ASSERT_TRUE(found_);                                                                    \
    } while (0)
