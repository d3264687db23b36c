/* test_block.c: a block survives serialization, and no damaged record decodes or crashes. */
#include <string.h>

#include "bc_error.h"
#include "bc_test.h"
#include "bc_variant.h"
#include "block.h"
#include "proof_of_work.h"

static Block *test_block(const gchar *data)
{
    guint8 prev[BC_HASH_LEN];
    for (guint i = 0; i < BC_HASH_LEN; i++)
        prev[i] = (guint8)(0xa0 + i);
    return block_new(data, prev, 6);
}

static gboolean blocks_equal(const Block *a, const Block *b)
{
    return a->timestamp == b->timestamp && g_bytes_equal(a->data, b->data) &&
           memcmp(a->prev_hash, b->prev_hash, BC_HASH_LEN) == 0 &&
           memcmp(a->hash, b->hash, BC_HASH_LEN) == 0 && a->bits == b->bits && a->nonce == b->nonce;
}

static void test_round_trip(void)
{
    static const gchar *const data[] = {"Send 1 BTC to Ivan", "", "with\nnewline and \xc3\xa9"};
    for (guint i = 0; i < G_N_ELEMENTS(data); i++) {
        g_autoptr(Block) block = test_block(data[i]);
        g_autoptr(GBytes) raw = block_serialize(block);
        g_autoptr(GError) error = NULL;
        g_autoptr(Block) back = block_deserialize(raw, &error);
        CU_ASSERT_PTR_NULL(error);
        CU_ASSERT_PTR_NOT_NULL_FATAL(back);
        CU_ASSERT_TRUE(blocks_equal(block, back));
        CU_ASSERT_TRUE(pow_validate(back));
        /* Encoding is canonical: the decoded block encodes to the very same bytes. */
        g_autoptr(GBytes) again = block_serialize(back);
        CU_ASSERT_TRUE(g_bytes_equal(raw, again));
    }
}

/* The record is the GVariant the header documents, fields in order. */
static void test_format(void)
{
    g_autoptr(Block) block = test_block("format");
    g_autoptr(GBytes) raw = block_serialize(block);
    g_autoptr(GVariant) v =
        g_variant_new_from_bytes(G_VARIANT_TYPE(BLOCK_VARIANT_TYPE), raw, FALSE);
    CU_ASSERT_TRUE(g_variant_is_normal_form(v));
    gint64 timestamp = 0;
    guint32 bits = 0;
    guint64 nonce = 0;
    g_autoptr(GVariant) data = NULL, prev = NULL, hash = NULL;
    g_variant_get(v, "(x@ay@ay@ayut)", &timestamp, &data, &prev, &hash, &bits, &nonce);
    CU_ASSERT_EQUAL(timestamp, block->timestamp);
    CU_ASSERT_EQUAL(bits, block->bits);
    CU_ASSERT_EQUAL(nonce, block->nonce);
    CU_ASSERT_EQUAL(g_variant_n_children(data), 6);
    CU_ASSERT_EQUAL(g_variant_n_children(prev), BC_HASH_LEN);
    CU_ASSERT_EQUAL(g_variant_n_children(hash), BC_HASH_LEN);
}

/* Decodes LEN bytes of RAW; the result must be NULL with BC_ERROR_CORRUPT. */
static gboolean refused(const guint8 *raw, gsize len)
{
    g_autoptr(GBytes) bytes = g_bytes_new(raw, len);
    g_autoptr(GError) error = NULL;
    g_autoptr(Block) block = block_deserialize(bytes, &error);
    return block == NULL && g_error_matches(error, BC_ERROR, BC_ERROR_CORRUPT);
}

static void test_every_flipped_byte(void)
{
    g_autoptr(Block) block = test_block("flip me");
    g_autoptr(GBytes) raw = block_serialize(block);
    gsize len = 0;
    g_autofree guint8 *copy = g_bytes_unref_to_data(g_bytes_ref(raw), &len);
    static const guint8 masks[] = {0x01, 0x80, 0xff};
    guint failures = 0;
    for (gsize i = 0; i < len; i++) {
        for (guint m = 0; m < G_N_ELEMENTS(masks); m++) {
            copy[i] ^= masks[m];
            if (!refused(copy, len)) {
                g_printerr("\n  flipping byte %" G_GSIZE_FORMAT " with 0x%02x was accepted\n", i,
                           masks[m]);
                failures++;
            }
            copy[i] ^= masks[m];
        }
    }
    CU_ASSERT_EQUAL(failures, 0);
    /* And the untouched copy still decodes: the loop above restored every byte. */
    g_autoptr(GBytes) intact = g_bytes_new(copy, len);
    g_autoptr(Block) back = block_deserialize(intact, NULL);
    CU_ASSERT_PTR_NOT_NULL(back);
}

static void test_every_truncation(void)
{
    g_autoptr(Block) block = test_block("truncate me");
    g_autoptr(GBytes) raw = block_serialize(block);
    gsize len = 0;
    const guint8 *data = g_bytes_get_data(raw, &len);
    guint failures = 0;
    for (gsize n = 0; n < len; n++) {
        if (!refused(data, n)) {
            g_printerr("\n  the first %" G_GSIZE_FORMAT " bytes were accepted\n", n);
            failures++;
        }
    }
    CU_ASSERT_EQUAL(failures, 0);
    /* Extra bytes after a record are damage too. */
    g_autofree guint8 *longer = g_malloc0(len + 8);
    memcpy(longer, data, len);
    for (gsize extra = 1; extra <= 8; extra++)
        CU_ASSERT_TRUE(refused(longer, len + extra));
}

static void test_wrong_hash(void)
{
    g_autoptr(Block) block = test_block("forged");
    block->hash[0] ^= 0x80;
    g_autoptr(GBytes) raw = block_serialize(block);
    g_autoptr(GError) error = NULL;
    CU_ASSERT_PTR_NULL(block_deserialize(raw, &error));
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_CORRUPT));
    if (error != NULL)
        BC_ASSERT_CONTAINS(error->message, "does not match its hash");
}

/* A well-formed GVariant with a hash of the wrong size is refused, not read past its end. */
static void test_wrong_sizes(void)
{
    g_autoptr(Block) block = test_block("sizes");
    static const gsize sizes[] = {0, 1, BC_HASH_LEN - 1, BC_HASH_LEN + 1, 64};
    g_autofree guint8 *buf = g_malloc0(64);
    for (guint i = 0; i < G_N_ELEMENTS(sizes); i++) {
        for (guint field = 0; field < 2; field++) {
            g_autoptr(GBytes) raw = bc_variant_encode(
                g_variant_new("(x@ay@ay@ayut)", block->timestamp,
                              bc_variant_new_bytes((const guint8 *)"sizes", 5),
                              field == 0 ? bc_variant_new_bytes(buf, sizes[i])
                                         : bc_variant_new_bytes(block->prev_hash, BC_HASH_LEN),
                              field == 1 ? bc_variant_new_bytes(buf, sizes[i])
                                         : bc_variant_new_bytes(block->hash, BC_HASH_LEN),
                              block->bits, block->nonce));
            g_autoptr(GError) error = NULL;
            CU_ASSERT_PTR_NULL(block_deserialize(raw, &error));
            CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_CORRUPT));
        }
    }
}

static void test_wrong_type_and_too_large(void)
{
    /* Another type, in normal form for itself: refused all the same. */
    g_autoptr(GBytes) other = bc_variant_encode(g_variant_new("(sx)", "not a block", (gint64)1));
    g_autoptr(GError) error = NULL;
    CU_ASSERT_PTR_NULL(block_deserialize(other, &error));
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_CORRUPT));
    g_clear_error(&error);
    /* Over the size limit: refused before it is parsed. */
    g_autoptr(GBytes) huge = g_bytes_new_take(g_malloc0(BLOCK_MAX_SIZE + 1), BLOCK_MAX_SIZE + 1);
    CU_ASSERT_PTR_NULL(block_deserialize(huge, &error));
    CU_ASSERT_TRUE(g_error_matches(error, BC_ERROR, BC_ERROR_TOO_LARGE));
}

void test_block_register(void)
{
    static const BcTest tests[] = {
        {"serialize and deserialize", test_round_trip},
        {"record format", test_format},
        {"every flipped byte is refused", test_every_flipped_byte},
        {"every truncation is refused", test_every_truncation},
        {"a hash that does not match is refused", test_wrong_hash},
        {"hashes of the wrong size are refused", test_wrong_sizes},
        {"wrong type and oversized records are refused", test_wrong_type_and_too_large},
        {NULL, NULL},
    };
    bc_test_add_suite("03/block", NULL, NULL, tests);
}
