/* test_control_server.c: control_server_new in this process. A second server on the path of a
 * running one is refused and leaves its file alone (a second node with the same NODE_ID; in the
 * real binary the database's lock stops it even before), a file that is not a socket is not
 * removed, the socket is made 0600 whatever the umask, and freeing the server removes it. */
#include <CUnit/CUnit.h>
#include <glib/gstdio.h>
#include <sys/stat.h>

#include "bc_error.h"
#include "bc_test.h"
#include "control.h"

static gchar *dir, *path;

static void setup(void)
{
    dir = bc_test_tmpdir();
    path = g_build_filename(dir, "node_1.sock", NULL);
}

static void teardown(void)
{
    bc_test_tmpdir_remove(dir);
    g_clear_pointer(&dir, g_free);
    g_clear_pointer(&path, g_free);
}

static gint never_called(const ControlRequest *request, GString *out, GError **error,
                         gpointer user_data)
{
    (void)request, (void)out, (void)error, (void)user_data;
    g_assert_not_reached();
}

static void test_second_server(void)
{
    mode_t old = umask(0); /* a careless umask: the socket is still 0600 */
    g_autoptr(GError) error = NULL;
    ControlServer *first = control_server_new(path, never_called, NULL, &error);
    umask(old);
    g_assert_no_error(error);
    struct stat st;
    CU_ASSERT_EQUAL_FATAL(lstat(path, &st), 0);
    CU_ASSERT_EQUAL(st.st_mode & 0777, 0600);
    ControlServer *second = control_server_new(path, never_called, NULL, &error);
    CU_ASSERT_PTR_NULL(second);
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_EXISTS));
    BC_ASSERT_CONTAINS(error != NULL ? error->message : "", "runs already");
    struct stat again;
    CU_ASSERT_EQUAL(lstat(path, &again), 0);
    CU_ASSERT_EQUAL(again.st_ino, st.st_ino); /* the first one's file, not a new one */
    control_server_free(first);
    CU_ASSERT_FALSE(g_file_test(path, G_FILE_TEST_EXISTS));
}

static void test_not_a_socket(void)
{
    CU_ASSERT_TRUE_FATAL(g_file_set_contents(path, "keep me", -1, NULL));
    g_autoptr(GError) error = NULL;
    ControlServer *server = control_server_new(path, never_called, NULL, &error);
    CU_ASSERT_PTR_NULL(server);
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_EXISTS));
    BC_ASSERT_CONTAINS(error != NULL ? error->message : "", "not a socket");
    g_autofree gchar *text = bc_test_read_file(path, NULL);
    CU_ASSERT_STRING_EQUAL(text, "keep me");
}

void test_control_server_register(void)
{
    static const BcTest tests[] = {
        {"a second server on a running one's socket is refused", test_second_server},
        {"a file that is not a socket is left alone", test_not_a_socket},
        {NULL, NULL},
    };
    bc_test_add_suite("10/control: the server", setup, teardown, tests);
}
