/* test_wallets_crash_hook.c: replacing the wallet file counts as one write for the test-only
 * crash hook of bc_store.h (BC_TEST_CRASH_AFTER_WRITES), so crash-sweep tests can stop a command
 * right after its wallet file is saved: the process ends with 137 and the new file is whole. */
#include <sys/wait.h>
#include <unistd.h>

#include "bc_test.h"
#include "wallets.h"

static gchar *dir, *path;

static void setup(void)
{
    dir = bc_test_tmpdir();
    path = g_build_filename(dir, "wallets.dat", NULL);
}

static void teardown(void)
{
    bc_test_tmpdir_remove(dir);
    g_clear_pointer(&dir, g_free);
    g_clear_pointer(&path, g_free);
}

/* A child that saves a file of one wallet twice with the hook set to N; its exit status. */
static int save_twice(const gchar *n)
{
    pid_t pid = fork();
    if (pid == 0) {
        g_setenv("BC_TEST_CRASH_AFTER_WRITES", n, TRUE);
        Wallets *wallets = wallets_new();
        gchar *address = wallets_create_wallet(wallets, NULL);
        if (address == NULL || !wallets_save(wallets, path, NULL))
            _exit(2);
        if (!wallets_save(wallets, path, NULL))
            _exit(3);
        _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void test_save_counts_as_write(void)
{
    CU_ASSERT_EQUAL(save_twice("1"), 137);
    g_autoptr(GError) error = NULL;
    g_autoptr(Wallets) saved = wallets_load(path, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(saved);
    g_auto(GStrv) addresses = wallets_get_addresses(saved);
    CU_ASSERT_EQUAL(g_strv_length(addresses), 1);
    CU_ASSERT_EQUAL(save_twice("2"), 137);
    CU_ASSERT_EQUAL(save_twice("3"), 0);
}

void test_wallets_crash_hook_register(void)
{
    static const BcTest tests[] = {
        {"saving the wallet file is a write for the crash hook", test_save_counts_as_write},
        {NULL, NULL},
    };
    bc_test_add_suite("wallets/crash hook", setup, teardown, tests);
}
