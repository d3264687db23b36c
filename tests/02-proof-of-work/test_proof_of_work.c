/* test_proof_of_work.c: targets, mining, validation, and the BC_TARGET_BITS setting. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bc_error.h"
#include "bc_test.h"
#include "proof_of_work.h"

static void check_target(guint32 bits, const guint8 expected[BC_HASH_LEN])
{
    guint8 target[BC_HASH_LEN];
    memset(target, 0xee, sizeof target); /* every byte must be written */
    pow_target(bits, target);
    if (memcmp(target, expected, BC_HASH_LEN) != 0)
        g_printerr("\n  pow_target(%u) is wrong\n", bits);
    CU_ASSERT_EQUAL(memcmp(target, expected, BC_HASH_LEN), 0);
}

static void test_target(void)
{
    /* 2^(256 - bits) in 32 big-endian bytes. */
    guint8 t[BC_HASH_LEN] = {0};
    t[0] = 0x80; /* 2^255 */
    check_target(1, t);
    memset(t, 0, sizeof t);
    t[0] = 0x01; /* 2^248 */
    check_target(8, t);
    memset(t, 0, sizeof t);
    t[1] = 0x01; /* 2^240 */
    check_target(16, t);
    memset(t, 0, sizeof t);
    t[2] = 0x10; /* 2^236 */
    check_target(20, t);
    memset(t, 0, sizeof t);
    t[31] = 0x02; /* 2^1 */
    check_target(255, t);
}

/* The number of zero bits HASH starts with. */
static guint leading_zero_bits(const guint8 hash[BC_HASH_LEN])
{
    guint n = 0;
    for (guint i = 0; i < BC_HASH_LEN; i++) {
        if (hash[i] != 0)
            return n + (guint)__builtin_clz(hash[i]) - 24;
        n += 8;
    }
    return n;
}

static Block *mined_block(guint32 bits)
{
    guint8 prev[BC_HASH_LEN];
    memset(prev, 0x42, sizeof prev);
    return block_new("mined in a test", prev, bits);
}

static void test_mined_block_validates(void)
{
    for (guint32 bits = 1; bits <= 12; bits++) {
        g_autoptr(Block) block = mined_block(bits);
        CU_ASSERT_EQUAL(block->bits, bits);
        CU_ASSERT_TRUE(pow_validate(block));
        CU_ASSERT_TRUE(leading_zero_bits(block->hash) >= bits);
        guint8 hash[BC_HASH_LEN];
        block_compute_hash(block, hash);
        CU_ASSERT_EQUAL(memcmp(hash, block->hash, BC_HASH_LEN), 0);
    }
}

/* pow_run counts up from 0, so it finds the first nonce that works: none before it does. */
static void test_first_nonce(void)
{
    g_autoptr(Block) block = mined_block(8);
    guint64 found = block->nonce;
    for (guint64 n = 0; n < found; n++) {
        block->nonce = n;
        guint8 hash[BC_HASH_LEN];
        block_compute_hash(block, hash);
        if (hash[0] == 0) {
            g_printerr("\n  nonce %" G_GUINT64_FORMAT " already works\n", n);
            CU_FAIL("pow_run skipped a working nonce");
            break;
        }
    }
    block->nonce = found;
    CU_ASSERT_TRUE(pow_validate(block));
}

/* Changes one field of a freshly mined block with CHANGE and returns pow_validate's answer. */
static gboolean validates_after(void (*change)(Block *))
{
    g_autoptr(Block) block = mined_block(8);
    g_assert(pow_validate(block));
    change(block);
    return pow_validate(block);
}

static void change_timestamp(Block *b)
{
    b->timestamp++;
}
static void change_data(Block *b)
{
    g_bytes_unref(b->data);
    b->data = g_bytes_new("mined in a test!", 16);
}
static void change_prev_hash(Block *b)
{
    b->prev_hash[BC_HASH_LEN - 1] ^= 1;
}
static void change_bits_down(Block *b)
{
    b->bits--; /* an easier target: the header, and so the hash, no longer match */
}
static void change_bits_up(Block *b)
{
    b->bits++;
}
static void change_bits_zero(Block *b)
{
    b->bits = 0;
}
static void change_bits_huge(Block *b)
{
    b->bits = 1000;
}
static void change_nonce(Block *b)
{
    b->nonce++;
}
static void change_hash(Block *b)
{
    b->hash[BC_HASH_LEN - 1] ^= 1;
}

static void test_validate_rejects_changes(void)
{
    CU_ASSERT_FALSE(validates_after(change_timestamp));
    CU_ASSERT_FALSE(validates_after(change_data));
    CU_ASSERT_FALSE(validates_after(change_prev_hash));
    CU_ASSERT_FALSE(validates_after(change_bits_down));
    CU_ASSERT_FALSE(validates_after(change_bits_up));
    CU_ASSERT_FALSE(validates_after(change_bits_zero));
    CU_ASSERT_FALSE(validates_after(change_bits_huge));
    CU_ASSERT_FALSE(validates_after(change_nonce));
    CU_ASSERT_FALSE(validates_after(change_hash));
}

/* A hash that matches its header but is not below the target is no proof of work. */
static void test_validate_checks_target(void)
{
    g_autoptr(Block) block = mined_block(8);
    guint64 n = 0;
    do {
        block->nonce = n++;
        block_compute_hash(block, block->hash);
    } while (block->hash[0] == 0);
    CU_ASSERT_FALSE(pow_validate(block));
    /* The same header at difficulty 1 passes when its hash starts with a zero bit. */
    block->bits = 1;
    n = 0;
    do {
        block->nonce = n++;
        block_compute_hash(block, block->hash);
    } while (block->hash[0] >= 0x80);
    CU_ASSERT_TRUE(pow_validate(block));
}

/* On a terminal, pow_run shows its progress on stderr; a search that ends quickly must leave
 * nothing there, or the line would mix with the program's output. Stderr is pointed at a
 * pseudo-terminal while a block is mined; a marker written afterwards shows where mining's
 * output ends, so no timing is involved. */
static void test_quick_search_prints_nothing(void)
{
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    CU_ASSERT_TRUE_FATAL(master >= 0);
    CU_ASSERT_TRUE_FATAL(grantpt(master) == 0 && unlockpt(master) == 0);
    int terminal = open(ptsname(master), O_RDWR | O_NOCTTY);
    CU_ASSERT_TRUE_FATAL(terminal >= 0);
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    dup2(terminal, STDERR_FILENO);
    g_autoptr(Block) block = mined_block(12);
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
    CU_ASSERT_TRUE(pow_validate(block));
}

/* BC_TARGET_BITS as the test runner found it, put back after each test. */
static gchar *saved_bits;

static void setup(void)
{
    saved_bits = g_strdup(g_getenv("BC_TARGET_BITS"));
}

static void teardown(void)
{
    if (saved_bits != NULL)
        g_setenv("BC_TARGET_BITS", saved_bits, TRUE);
    else
        g_unsetenv("BC_TARGET_BITS");
    g_clear_pointer(&saved_bits, g_free);
}

static void test_target_bits_default(void)
{
    g_unsetenv("BC_TARGET_BITS");
    guint32 bits = 0;
    g_autoptr(GError) error = NULL;
    CU_ASSERT_TRUE(pow_target_bits(&bits, &error));
    CU_ASSERT_PTR_NULL(error);
    CU_ASSERT_EQUAL(bits, 16); /* the article's difficulty */
}

static void test_target_bits_valid(void)
{
    static const struct {
        const gchar *text;
        guint32 bits;
    } cases[] = {{"1", 1}, {"8", 8}, {"20", 20}, {"32", 32}};
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_setenv("BC_TARGET_BITS", cases[i].text, TRUE);
        guint32 bits = 0;
        g_autoptr(GError) error = NULL;
        CU_ASSERT_TRUE(pow_target_bits(&bits, &error));
        CU_ASSERT_EQUAL(bits, cases[i].bits);
    }
}

static void test_target_bits_invalid(void)
{
    static const gchar *const cases[] = {"0", "33", "abc", "", "-1", "8x", " 8", "99999999999"};
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_setenv("BC_TARGET_BITS", cases[i], TRUE);
        guint32 bits = 77;
        g_autoptr(GError) error = NULL;
        CU_ASSERT_FALSE(pow_target_bits(&bits, &error));
        CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_INVALID_ARGUMENT));
        if (error != NULL)
            CU_ASSERT_PTR_NOT_NULL(strstr(error->message, "BC_TARGET_BITS"));
        CU_ASSERT_EQUAL(bits, 77); /* untouched on error */
    }
}

void test_proof_of_work_register(void)
{
    static const BcTest tests[] = {
        {"target for 1, 8, 16, 20, 255 bits", test_target},
        {"mined blocks validate and start with zero bits", test_mined_block_validates},
        {"pow_run finds the first working nonce", test_first_nonce},
        {"validation fails when any header field changes", test_validate_rejects_changes},
        {"validation checks the target", test_validate_checks_target},
        {"a quick search prints no progress", test_quick_search_prints_nothing},
        {NULL, NULL},
    };
    bc_test_add_suite("02/proof_of_work", NULL, NULL, tests);
    static const BcTest env_tests[] = {
        {"default difficulty", test_target_bits_default},
        {"valid values", test_target_bits_valid},
        {"invalid values are errors", test_target_bits_invalid},
        {NULL, NULL},
    };
    bc_test_add_suite("02/BC_TARGET_BITS", setup, teardown, env_tests);
}
