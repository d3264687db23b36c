/* test_merkle_tree.c: Merkle roots against an independent top-down definition. */
#include <string.h>

#include "bc_test.h"
#include "merkle_tree.h"

/* N items "tx-0" ... "tx-(N-1)". */
static GPtrArray *make_items(guint n)
{
    GPtrArray *items = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
    for (guint i = 0; i < n; i++) {
        gchar *text = g_strdup_printf("tx-%u", i);
        g_ptr_array_add(items, g_bytes_new_take(text, strlen(text)));
    }
    return items;
}

static void root_of(GPtrArray *items, guint8 out[BC_HASH_LEN])
{
    g_autoptr(MerkleTree) tree = merkle_tree_new(items);
    CU_ASSERT_EQUAL(tree->n_leaves, items->len);
    memcpy(out, merkle_tree_root(tree), BC_HASH_LEN);
}

static void leaf(GPtrArray *items, guint i, guint8 out[BC_HASH_LEN])
{
    bc_sha256_bytes(g_ptr_array_index(items, i), out);
}

static void parent(const guint8 *left, const guint8 *right, guint8 out[BC_HASH_LEN])
{
    guint8 both[2 * BC_HASH_LEN];
    memcpy(both, left, BC_HASH_LEN);
    memcpy(both + BC_HASH_LEN, right, BC_HASH_LEN);
    bc_sha256(both, sizeof both, out);
}

/* How many nodes level L has: ceil(n / 2^L). */
static guint level_size(guint n, guint l)
{
    return (guint)(((guint64)n + (1ull << l) - 1) >> l);
}

/* The expected tree, defined top-down rather than computed bottom-up: node I of level L is a leaf
 * at level 0, the hash of its two children above; an index past the end of its level stands for
 * that level's last node (the "pair the odd one with itself" rule). */
static void expected_node(GPtrArray *items, guint l, guint i, guint8 out[BC_HASH_LEN])
{
    guint size = level_size(items->len, l);
    if (i >= size)
        i = size - 1;
    if (l == 0) {
        leaf(items, i, out);
        return;
    }
    guint8 left[BC_HASH_LEN], right[BC_HASH_LEN];
    expected_node(items, l - 1, 2 * i, left);
    expected_node(items, l - 1, 2 * i + 1, right);
    parent(left, right, out);
}

static void expected_root(GPtrArray *items, guint8 out[BC_HASH_LEN])
{
    guint depth = 0;
    while (level_size(items->len, depth) > 1)
        depth++;
    expected_node(items, depth, 0, out);
}

static void test_matches_definition(void)
{
    static const guint counts[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 31, 33, 100, 1000};
    for (gsize c = 0; c < G_N_ELEMENTS(counts); c++) {
        g_autoptr(GPtrArray) items = make_items(counts[c]);
        guint8 got[BC_HASH_LEN], want[BC_HASH_LEN];
        root_of(items, got);
        expected_root(items, want);
        if (memcmp(got, want, BC_HASH_LEN) != 0)
            g_printerr("\n  wrong root for %u items\n", counts[c]);
        CU_ASSERT_EQUAL(memcmp(got, want, BC_HASH_LEN), 0);
    }
}

/* The small trees written out by hand, with h(x, y) = SHA-256(x || y). */
static void test_small_trees_by_hand(void)
{
    g_autoptr(GPtrArray) items = make_items(5);
    guint8 a[BC_HASH_LEN], b[BC_HASH_LEN], c[BC_HASH_LEN], d[BC_HASH_LEN], e[BC_HASH_LEN];
    leaf(items, 0, a), leaf(items, 1, b), leaf(items, 2, c), leaf(items, 3, d);
    leaf(items, 4, e);
    guint8 ab[BC_HASH_LEN], cc[BC_HASH_LEN], cd[BC_HASH_LEN], ee[BC_HASH_LEN];
    guint8 abcc[BC_HASH_LEN], abcd[BC_HASH_LEN], eeee[BC_HASH_LEN], want[BC_HASH_LEN];
    guint8 got[BC_HASH_LEN];
    parent(a, b, ab), parent(c, c, cc), parent(c, d, cd), parent(e, e, ee);
    parent(ab, cc, abcc), parent(ab, cd, abcd), parent(ee, ee, eeee);

    g_ptr_array_set_size(items, 2); /* h(a, b) */
    root_of(items, got);
    CU_ASSERT_EQUAL(memcmp(got, ab, BC_HASH_LEN), 0);

    g_autoptr(GPtrArray) three = make_items(3); /* h(h(a, b), h(c, c)) */
    root_of(three, got);
    CU_ASSERT_EQUAL(memcmp(got, abcc, BC_HASH_LEN), 0);

    g_autoptr(GPtrArray) four = make_items(4); /* h(h(a, b), h(c, d)) */
    root_of(four, got);
    CU_ASSERT_EQUAL(memcmp(got, abcd, BC_HASH_LEN), 0);

    /* Five: e is paired with itself among the leaves, and h(e, e) again one level up. */
    g_autoptr(GPtrArray) five = make_items(5);
    root_of(five, got);
    parent(abcd, eeee, want);
    CU_ASSERT_EQUAL(memcmp(got, want, BC_HASH_LEN), 0);
}

static void test_single_item(void)
{
    /* Bitcoin's rule: a one-transaction block's root is that transaction's leaf hash. */
    g_autoptr(GPtrArray) items = make_items(1);
    guint8 got[BC_HASH_LEN], want[BC_HASH_LEN];
    root_of(items, got);
    bc_sha256("tx-0", 4, want);
    CU_ASSERT_EQUAL(memcmp(got, want, BC_HASH_LEN), 0);
}

static void test_zero_items(void)
{
    g_autoptr(GPtrArray) items = make_items(0);
    static const guint8 zeros[BC_HASH_LEN] = {0};
    guint8 got[BC_HASH_LEN];
    root_of(items, got);
    CU_ASSERT_EQUAL(memcmp(got, zeros, BC_HASH_LEN), 0);
}

static void test_any_change_changes_root(void)
{
    for (guint n = 1; n <= 9; n++) {
        g_autoptr(GPtrArray) items = make_items(n);
        guint8 before[BC_HASH_LEN], after[BC_HASH_LEN];
        root_of(items, before);
        for (guint i = 0; i < n; i++) {
            GBytes *saved = g_ptr_array_index(items, i); /* the array's reference, kept here */
            g_ptr_array_index(items, i) = g_bytes_new_static("changed", 7);
            root_of(items, after);
            CU_ASSERT_NOT_EQUAL(memcmp(before, after, BC_HASH_LEN), 0);
            g_bytes_unref(g_ptr_array_index(items, i));
            g_ptr_array_index(items, i) = saved;
        }
        root_of(items, after); /* everything restored: the same root again */
        CU_ASSERT_EQUAL(memcmp(before, after, BC_HASH_LEN), 0);
    }
}

static void test_order_matters(void)
{
    for (guint n = 2; n <= 9; n++) {
        g_autoptr(GPtrArray) items = make_items(n);
        guint8 before[BC_HASH_LEN], after[BC_HASH_LEN];
        root_of(items, before);
        /* Swap the first and the last item. */
        gpointer first = items->pdata[0];
        items->pdata[0] = items->pdata[n - 1];
        items->pdata[n - 1] = first;
        root_of(items, after);
        CU_ASSERT_NOT_EQUAL(memcmp(before, after, BC_HASH_LEN), 0);
    }
}

/* The known weakness of the duplication rule (Bitcoin's CVE-2012-2459): [a, b, c] and [a, b, c, c]
 * have the same root. Blocks must therefore reject a repeated transaction; ours do, since two equal
 * transactions have the same ID. */
static void test_duplicate_last_same_root(void)
{
    g_autoptr(GPtrArray) items = make_items(3);
    guint8 three[BC_HASH_LEN], four[BC_HASH_LEN];
    root_of(items, three);
    g_ptr_array_add(items, g_bytes_ref(g_ptr_array_index(items, 2)));
    root_of(items, four);
    CU_ASSERT_EQUAL(memcmp(three, four, BC_HASH_LEN), 0);
}

void test_merkle_tree_register(void)
{
    static const BcTest tests[] = {
        {"roots match the top-down definition", test_matches_definition},
        {"small trees written out by hand", test_small_trees_by_hand},
        {"one item: root is its leaf hash", test_single_item},
        {"zero items: all-zero root", test_zero_items},
        {"changing any item changes the root", test_any_change_changes_root},
        {"order matters", test_order_matters},
        {"duplicated last item gives the same root", test_duplicate_last_same_root},
        {NULL, NULL},
    };
    bc_test_add_suite("06/merkle_tree", NULL, NULL, tests);
}
