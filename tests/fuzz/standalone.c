/* standalone.c: the main() of a fuzz target built without libFuzzer (gcc, or clang without its
 * runtime). It does what libFuzzer does when given files instead of a corpus directory: runs the
 * target once on each, no mutation. Arguments are files, or directories whose files are all run;
 * libFuzzer's options (-name=value) are accepted and ignored, so one command line fits both.
 * A crash aborts the process; an input that runs longer than FUZZ_TIMEOUT_S is a hang, and fails.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

#define FUZZ_TIMEOUT_S 60

int LLVMFuzzerInitialize(int *argc, char ***argv);

static const gchar *current; /* the input being run, for the timeout message */

static void on_timeout(int sig)
{
    (void)sig;
    static const char prefix[] = "fuzz: timeout (a hang) on ";
    /* Only async-signal-safe calls here; if stderr is gone, the exit status still says it. */
    if (write(STDERR_FILENO, prefix, sizeof prefix - 1) < 0 ||
        write(STDERR_FILENO, current, strlen(current)) < 0 || write(STDERR_FILENO, "\n", 1) < 0) {
    }
    _exit(3);
}

static void run_file(const gchar *path, guint *count)
{
    g_autofree gchar *data = NULL;
    gsize len = 0;
    g_autoptr(GError) error = NULL;
    if (!g_file_get_contents(path, &data, &len, &error)) {
        fprintf(stderr, "fuzz: %s\n", error->message);
        exit(2);
    }
    current = path;
    alarm(FUZZ_TIMEOUT_S);
    /* A copy of exactly LEN bytes, so that ASan sees a read past the end. */
    g_autofree guint8 *copy = g_memdup2(data, len);
    LLVMFuzzerTestOneInput(copy, len);
    alarm(0);
    (*count)++;
}

static gint compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const gchar *const *)a, *(const gchar *const *)b);
}

int main(int argc, char **argv)
{
    LLVMFuzzerInitialize(&argc, &argv);
    signal(SIGALRM, on_timeout);
    guint count = 0;
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-' && strchr(argv[i], '=') != NULL)
            continue;
        if (!g_file_test(argv[i], G_FILE_TEST_IS_DIR)) {
            run_file(argv[i], &count);
            continue;
        }
        g_autoptr(GError) error = NULL;
        g_autoptr(GDir) dir = g_dir_open(argv[i], 0, &error);
        if (dir == NULL) {
            fprintf(stderr, "fuzz: %s\n", error->message);
            return 2;
        }
        g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func(g_free);
        for (const gchar *name; (name = g_dir_read_name(dir)) != NULL;)
            g_ptr_array_add(paths, g_build_filename(argv[i], name, NULL));
        g_ptr_array_sort(paths, compare_names);
        for (guint k = 0; k < paths->len; k++)
            run_file(g_ptr_array_index(paths, k), &count);
    }
    printf("fuzz: executed %u inputs\n", count);
    return 0;
}
