/* bc_test.c: temporary directories, running the real binary, suite registration. */
#include "bc_test.h"

#include <string.h>

#include <glib/gstdio.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

/* Set by the generated suites.c of each chapter. */
extern const char *const bc_test_binary;

void bc_test_add_suite(const gchar *name, CU_SetUpFunc setup, CU_TearDownFunc teardown,
                       const BcTest *tests)
{
    /* BC_TEST_SUITE=07/load runs only the suites whose name contains it. */
    const gchar *only = g_getenv("BC_TEST_SUITE");
    if (only != NULL && strstr(name, only) == NULL)
        return;
    CU_pSuite suite = CU_add_suite_with_setup_and_teardown(name, NULL, NULL, setup, teardown);
    g_assert(suite != NULL);
    for (const BcTest *t = tests; t->name != NULL; t++)
        g_assert(CU_add_test(suite, t->name, t->func) != NULL);
}

static guint skipped;

void bc_test_skip(const gchar *format, ...)
{
    va_list ap;
    va_start(ap, format);
    g_autofree gchar *why = g_strdup_vprintf(format, ap);
    va_end(ap);
    g_printerr("\n  SKIPPED: %s\n", why);
    skipped++;
    /* CI sets it: there every test must run, and a skip is a failure. */
    if (g_getenv("BC_TEST_NO_SKIP") != NULL)
        CU_FAIL("skipped, and BC_TEST_NO_SKIP is set");
}

guint bc_test_skipped(void)
{
    return skipped;
}

gchar *bc_test_tmpdir(void)
{
    g_autoptr(GError) error = NULL;
    gchar *dir = g_dir_make_tmp("bc-test-XXXXXX", &error);
    g_assert_no_error(error);
    return dir;
}

static void remove_tree(const gchar *path)
{
    if (g_file_test(path, G_FILE_TEST_IS_DIR) && !g_file_test(path, G_FILE_TEST_IS_SYMLINK)) {
        g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
        const gchar *name;
        while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
            g_autofree gchar *child = g_build_filename(path, name, NULL);
            remove_tree(child);
        }
        g_rmdir(path);
    } else {
        g_unlink(path);
    }
}

void bc_test_tmpdir_remove(const gchar *dir)
{
    if (dir != NULL)
        remove_tree(dir);
}

void bc_run_clear(BcRun *run)
{
    g_clear_pointer(&run->out, g_free);
    g_clear_pointer(&run->err, g_free);
}

BcRun bc_test_runv(const gchar *dir, const gchar *const *env, const gchar *const *args)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_ptr_array_add(argv, (gpointer)bc_test_binary);
    for (gsize i = 0; args[i] != NULL; i++)
        g_ptr_array_add(argv, (gpointer)args[i]);
    g_ptr_array_add(argv, NULL);

    g_auto(GStrv) envp = g_get_environ();
    for (gsize i = 0; env != NULL && env[i] != NULL; i++) {
        g_auto(GStrv) kv = g_strsplit(env[i], "=", 2);
        envp = g_environ_setenv(envp, kv[0], kv[1] != NULL ? kv[1] : "", TRUE);
    }

    BcRun run = {0};
    gint wait_status = 0;
    g_autoptr(GError) error = NULL;
    gboolean ok = g_spawn_sync(dir, (gchar **)argv->pdata, envp, G_SPAWN_DEFAULT, NULL, NULL,
                               &run.out, &run.err, &wait_status, &error);
    g_assert_no_error(error);
    g_assert(ok);
    run.status = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : -1;
    return run;
}

BcRun bc_test_run(const gchar *dir, const gchar *const *env, ...)
{
    g_autoptr(GPtrArray) args = g_ptr_array_new();
    va_list ap;
    va_start(ap, env);
    const gchar *arg;
    while ((arg = va_arg(ap, const gchar *)) != NULL)
        g_ptr_array_add(args, (gpointer)arg);
    va_end(ap);
    g_ptr_array_add(args, NULL);
    return bc_test_runv(dir, env, (const gchar *const *)args->pdata);
}

gchar *bc_test_read_file(const gchar *path, gsize *len)
{
    gchar *contents = NULL;
    if (!g_file_get_contents(path, &contents, len, NULL))
        return NULL;
    return contents;
}

gboolean bc_test_copy_file(const gchar *from, const gchar *to)
{
    gsize len = 0;
    g_autofree gchar *data = bc_test_read_file(from, &len);
    return data != NULL && g_file_set_contents(to, data, (gssize)len, NULL);
}

gboolean bc_test_damage_gdbm_bucket(const gchar *path)
{
    gsize len = 0;
    g_autofree gchar *bytes = bc_test_read_file(path, &len);
    /* GDBM's header: magic, block size (int32 each), directory offset (int64 at 8), directory
     * size and bits (int32 at 16, 20), bucket size (int32 at 24). The directory's first entry
     * (int64) is the first bucket's offset. Native byte order, as GDBM writes it. */
    if (bytes == NULL || len < 32)
        return FALSE;
    gint64 dir = 0, bucket = 0;
    gint32 bucket_size = 0;
    memcpy(&dir, bytes + 8, sizeof dir);
    memcpy(&bucket_size, bytes + 24, sizeof bucket_size);
    if (dir < 0 || (guint64)dir + sizeof bucket > len)
        return FALSE;
    memcpy(&bucket, bytes + dir, sizeof bucket);
    if (bucket < 0 || bucket_size <= 0 || (guint64)bucket + (guint64)bucket_size > len)
        return FALSE;
    memset(bytes + bucket, 0xab, (gsize)bucket_size);
    return g_file_set_contents(path, bytes, (gssize)len, NULL);
}
