/* test_wycheproof.c: every case of Project Wycheproof's ECDSA P-256 SHA-256 vectors
 * (tests/vectors/) through this chapter's own signature check, wallet_verify: each valid signature
 * accepted, each invalid one refused, but for the one known exception named below.
 *
 * Our signatures are over a 32-byte digest (the hash of a transaction's trimmed copy) and
 * wallet_verify takes that digest; Wycheproof signs SHA-256 of its message, so the test hashes
 * the message with SHA-256 first. Our signatures are always r || s of 64 bytes: an input with
 * another length is refused before any curve arithmetic (verify_input in transaction_sign.c),
 * and the test applies the same rule. */
#include <string.h>

#include "bc_hash.h"
#include "bc_test.h"
#include "bc_wycheproof.h"
#include "wallet.h"

/* Valid cases this chapter refuses, and why. Nettle's ecdsa_verify sums u1*G and u2*Y with an
 * addition formula that gives garbage when the two are one point; its source says so
 * (ecc-ecdsa-verify.c: such a signature gives away the private key anyway). Wycheproof's "point
 * duplication during verification" is a valid signature that hits exactly that, and Nettle 3.8
 * refuses it. A Nettle that accepts it is not an error here. */
static const struct {
    gint64 id;
    const gchar *flag;
    const gchar *reason;
} KNOWN[] = {
    {204, "PointDuplication", "Nettle 3.8 cannot add a point to itself in ecdsa_verify"},
};

/* The chapter's verdict on case C. */
static gboolean chapter_accepts(const BcWycheproofCase *c, gboolean *by_length)
{
    gsize sig_len = 0, msg_len = 0;
    const guint8 *sig = g_bytes_get_data(c->sig, &sig_len);
    const guint8 *msg = g_bytes_get_data(c->msg, &msg_len);
    *by_length = sig_len != WALLET_SIGNATURE_LEN;
    if (*by_length)
        return FALSE;
    guint8 digest[BC_HASH_LEN];
    bc_sha256(msg, msg_len, digest);
    return wallet_verify(c->pubkey, digest, sig);
}

static gboolean has_flag(const BcWycheproofCase *c, const gchar *flag)
{
    return g_strv_contains((const gchar *const *)c->flags, flag);
}

/* The reason KNOWN gives for C, a valid case with that tcId and flag, or NULL. */
static const gchar *known_reason(const BcWycheproofCase *c)
{
    for (gsize k = 0; k < G_N_ELEMENTS(KNOWN); k++)
        if (c->result == BC_WYCHEPROOF_VALID && c->id == KNOWN[k].id && has_flag(c, KNOWN[k].flag))
            return KNOWN[k].reason;
    return NULL;
}

static void test_ecdsa_p256_sha256(void)
{
    gsize len = 0;
    g_autoptr(GError) error = NULL;
    g_autofree gchar *text =
        bc_wycheproof_read("ecdsa_secp256r1_sha256_p1363_test.json", &len, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    g_autoptr(GArray) cases = bc_wycheproof_ecdsa_load(text, len, &error);
    if (cases == NULL)
        g_printerr("\n  %s\n", error->message);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cases);
    guint valid = 0, invalid = 0, acceptable = 0, by_length = 0, known = 0, wrong = 0;
    for (guint i = 0; i < cases->len; i++) {
        const BcWycheproofCase *c = &g_array_index(cases, BcWycheproofCase, i);
        gboolean length_rule = FALSE;
        gboolean accepted = chapter_accepts(c, &length_rule);
        const gchar *reason = known_reason(c);
        if (c->result == BC_WYCHEPROOF_ACCEPTABLE) {
            acceptable++;
        } else if (reason != NULL && !accepted) {
            g_print("\n  tcId %" G_GINT64_FORMAT " (%s): valid, refused: %s", c->id, c->comment,
                    reason);
            known++;
        } else if (accepted != (c->result == BC_WYCHEPROOF_VALID)) {
            g_printerr("\n  tcId %" G_GINT64_FORMAT " (%s): %s, but %s", c->id, c->comment,
                       c->result == BC_WYCHEPROOF_VALID ? "valid" : "invalid",
                       accepted ? "accepted" : "refused");
            wrong++;
        } else {
            *(accepted ? &valid : &invalid) += 1;
            by_length += length_rule;
        }
    }
    g_print("\n  Wycheproof ECDSA P-256 SHA-256: %u cases run: %u valid accepted, %u invalid "
            "refused (%u by length), %u acceptable, %u known exceptions, %u wrong\n",
            cases->len, valid, invalid, by_length, acceptable, known, wrong);
    CU_ASSERT_EQUAL(wrong, 0);
    CU_ASSERT_EQUAL(valid + invalid + acceptable + known, cases->len);
    /* The exception list stays honest: every entry is still needed, or the Nettle is newer. */
    CU_ASSERT_TRUE(known <= G_N_ELEMENTS(KNOWN));
}

void test_wycheproof_register(void)
{
    static const BcTest tests[] = {
        {"Wycheproof ECDSA P-256 SHA-256 (P1363)", test_ecdsa_p256_sha256},
        {0},
    };
    bc_test_add_suite("wallet/wycheproof", NULL, NULL, tests);
}
