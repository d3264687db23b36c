/* test_proof_of_work.c: mining on a terminal leaves nothing behind when the search is quick
 * (chapter 2's test, carried with the fix: the progress line comes only every 2^20 attempts). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bc_test.h"
#include "block.h"
#include "transaction.h"
#include "proof_of_work.h"

/* The search below: thousands of attempts, far fewer than the 2^20 between progress lines. */
#define QUICK_BITS 12

/* A block to mine again at QUICK_BITS, whose first nonce does not already do: the search
 * passes nonce 0 (where the old code printed its line) and goes on. */
static Block *block_to_mine(void)
{
    static const guint8 prev[BC_HASH_LEN] = {0x42};
    /* No transactions: the header alone is what mining hashes. */
    g_autoptr(GPtrArray) txs = g_ptr_array_new_with_free_func((GDestroyNotify)transaction_free);
    Block *block = block_new(txs, prev, 1, 1);
    guint8 target[BC_HASH_LEN];
    pow_target(QUICK_BITS, target);
    block->bits = QUICK_BITS;
    do {
        block->timestamp++;
        block->nonce = 0;
        block_compute_hash(block, block->hash);
    } while (memcmp(block->hash, target, BC_HASH_LEN) < 0);
    return block;
}

/* On a terminal, pow_run shows its progress on stderr; a search that ends quickly must leave
 * nothing there, or the line would mix with the program's output. Stderr is pointed at a
 * pseudo-terminal while the block is mined; a marker written afterwards shows where mining's
 * output ends, so no timing is involved. */
static void test_quick_search_prints_nothing(void)
{
    g_autoptr(Block) block = block_to_mine();
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    CU_ASSERT_TRUE_FATAL(master >= 0);
    CU_ASSERT_TRUE_FATAL(grantpt(master) == 0 && unlockpt(master) == 0);
    int terminal = open(ptsname(master), O_RDWR | O_NOCTTY);
    CU_ASSERT_TRUE_FATAL(terminal >= 0);
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    dup2(terminal, STDERR_FILENO);
    pow_run(block);
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    CU_ASSERT_TRUE(write(terminal, "END\n", 4) == 4);
    g_autoptr(GString) seen = g_string_new(NULL);
    char buf[256];
    ssize_t n;
    while (strstr(seen->str, "END") == NULL && (n = read(master, buf, sizeof buf)) > 0)
        g_string_append_len(seen, buf, n);
    close(terminal);
    close(master);
    if (!g_str_has_prefix(seen->str, "END"))
        g_printerr("\n  pow_run left on the terminal: %s\n", seen->str);
    CU_ASSERT_TRUE(g_str_has_prefix(seen->str, "END"));
    CU_ASSERT_TRUE(block->nonce > 0);
    CU_ASSERT_TRUE(pow_validate(block));
}

void test_proof_of_work_register(void)
{
    static const BcTest tests[] = {
        {"a quick search prints no progress", test_quick_search_prints_nothing},
        {NULL, NULL},
    };
    bc_test_add_suite("10/proof_of_work", NULL, NULL, tests);
}
