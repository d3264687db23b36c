/* bc_wycheproof.c: reading Wycheproof's ECDSA vector files with bc_json. */
#include "bc_wycheproof.h"

#include <string.h>

#include "bc_error.h"
#include "bc_hex.h"
#include "bc_json.h"

extern const char *const bc_test_source_dir;

static gboolean corrupt(GError **error, const gchar *format, ...) G_GNUC_PRINTF(2, 3);
static gboolean corrupt(GError **error, const gchar *format, ...)
{
    va_list args;
    va_start(args, format);
    g_autofree gchar *message = g_strdup_vprintf(format, args);
    va_end(args);
    g_set_error(error, BC_ERROR, BC_ERROR_CORRUPT, "vector file: %s", message);
    return FALSE;
}

static void case_clear(BcWycheproofCase *c)
{
    g_clear_pointer(&c->msg, g_bytes_unref);
    g_clear_pointer(&c->sig, g_bytes_unref);
    g_clear_pointer(&c->comment, g_free);
    g_clear_pointer(&c->flags, g_strfreev);
}

/* The member KEY of OBJECT, which must be of KIND. */
static const BcJson *member(const BcJson *object, const gchar *key, BcJsonKind kind, GError **error)
{
    const BcJson *m = bc_json_member(object, key);
    if (m == NULL || m->kind != kind) {
        corrupt(error, "\"%s\" is missing or of the wrong type", key);
        return NULL;
    }
    return m;
}

static gboolean expect_string(const BcJson *object, const gchar *key, const gchar *value,
                              GError **error)
{
    const BcJson *m = member(object, key, BC_JSON_STRING, error);
    if (m == NULL)
        return FALSE;
    if (strcmp(m->text, value) != 0)
        return corrupt(error, "\"%s\" is \"%s\", this test reads \"%s\"", key, m->text, value);
    return TRUE;
}

/* A whole number (no fraction, no exponent) from 0 to 2^31 - 1. */
static gboolean integer(const BcJson *object, const gchar *key, gint64 *out, GError **error)
{
    const BcJson *m = member(object, key, BC_JSON_NUMBER, error);
    guint64 value = 0;
    if (m == NULL)
        return FALSE;
    if (!g_ascii_string_to_unsigned(m->text, 10, 0, G_MAXINT32, &value, NULL))
        return corrupt(error, "\"%s\" is not a whole number: %s", key, m->text);
    *out = (gint64)value;
    return TRUE;
}

static GBytes *hex_bytes(const BcJson *object, const gchar *key, GError **error)
{
    const BcJson *m = member(object, key, BC_JSON_STRING, error);
    if (m == NULL)
        return NULL;
    gsize n = strlen(m->text);
    g_autofree guint8 *bytes = g_malloc(n / 2 + 1);
    if (n % 2 != 0 || !bc_hex_decode(m->text, bytes, n / 2, NULL)) {
        corrupt(error, "\"%s\" is not hex: %s", key, m->text);
        return NULL;
    }
    return g_bytes_new(bytes, n / 2);
}

/* A coordinate: hex of at most 32 significant bytes (Wycheproof adds a 00 when the top bit is
 * set, as ASN.1 would), left-padded with zeros to 32. */
static gboolean coordinate(const BcJson *key, const gchar *name, guint8 out[32], GError **error)
{
    g_autoptr(GBytes) bytes = hex_bytes(key, name, error);
    if (bytes == NULL)
        return FALSE;
    gsize n = 0;
    const guint8 *data = g_bytes_get_data(bytes, &n);
    while (n > 32 && data[0] == 0) {
        data++;
        n--;
    }
    if (n > 32)
        return corrupt(error, "public key coordinate %s is longer than 32 bytes", name);
    memset(out, 0, 32);
    memcpy(out + 32 - n, data, n);
    return TRUE;
}

static gboolean read_case(const BcJson *test, const guint8 pubkey[64], BcWycheproofCase *c,
                          GError **error)
{
    static const gchar *const results[] = {"valid", "invalid", "acceptable"};
    if (test->kind != BC_JSON_OBJECT)
        return corrupt(error, "a test is not an object");
    memcpy(c->pubkey, pubkey, 64);
    const BcJson *result = member(test, "result", BC_JSON_STRING, error);
    const BcJson *comment = member(test, "comment", BC_JSON_STRING, error);
    const BcJson *flags = member(test, "flags", BC_JSON_ARRAY, error);
    if (!integer(test, "tcId", &c->id, error) || result == NULL || comment == NULL ||
        flags == NULL || (c->msg = hex_bytes(test, "msg", error)) == NULL ||
        (c->sig = hex_bytes(test, "sig", error)) == NULL)
        return FALSE;
    gsize r = 0;
    while (r < G_N_ELEMENTS(results) && strcmp(result->text, results[r]) != 0)
        r++;
    if (r == G_N_ELEMENTS(results))
        return corrupt(error, "test %" G_GINT64_FORMAT " has result \"%s\"", c->id, result->text);
    c->result = (BcWycheproofResult)r;
    c->comment = g_strdup(comment->text);
    c->flags = g_new0(gchar *, flags->items->len + 1);
    for (guint i = 0; i < flags->items->len; i++) {
        const BcJson *flag = g_ptr_array_index(flags->items, i);
        if (flag->kind != BC_JSON_STRING)
            return corrupt(error, "test %" G_GINT64_FORMAT " has a flag that is not a string",
                           c->id);
        c->flags[i] = g_strdup(flag->text);
    }
    return TRUE;
}

static gboolean read_group(const BcJson *group, GArray *cases, GHashTable *ids, GError **error)
{
    const BcJson *key = member(group, "publicKey", BC_JSON_OBJECT, error);
    const BcJson *tests = member(group, "tests", BC_JSON_ARRAY, error);
    guint8 pubkey[64];
    if (key == NULL || tests == NULL || !expect_string(group, "type", "EcdsaP1363Verify", error) ||
        !expect_string(group, "sha", "SHA-256", error) ||
        !expect_string(key, "curve", "secp256r1", error) || !coordinate(key, "wx", pubkey, error) ||
        !coordinate(key, "wy", pubkey + 32, error))
        return FALSE;
    for (guint i = 0; i < tests->items->len; i++) {
        BcWycheproofCase c = {0};
        gboolean ok = read_case(g_ptr_array_index(tests->items, i), pubkey, &c, error);
        if (ok && !g_hash_table_add(ids, GINT_TO_POINTER((gint)c.id)))
            ok = corrupt(error, "tcId %" G_GINT64_FORMAT " appears twice", c.id);
        if (!ok) {
            case_clear(&c);
            return FALSE;
        }
        g_array_append_val(cases, c);
    }
    return TRUE;
}

GArray *bc_wycheproof_ecdsa_load(const gchar *text, gsize len, GError **error)
{
    g_autoptr(BcJson) root = bc_json_parse(text, len, error);
    if (root == NULL)
        return NULL;
    gint64 expected = 0;
    const BcJson *groups = member(root, "testGroups", BC_JSON_ARRAY, error);
    if (groups == NULL || !expect_string(root, "algorithm", "ECDSA", error) ||
        !expect_string(root, "schema", "ecdsa_p1363_verify_schema_v1.json", error) ||
        !integer(root, "numberOfTests", &expected, error))
        return NULL;
    g_autoptr(GArray) cases = g_array_new(FALSE, TRUE, sizeof(BcWycheproofCase));
    g_array_set_clear_func(cases, (GDestroyNotify)case_clear);
    g_autoptr(GHashTable) ids = g_hash_table_new(NULL, NULL);
    for (guint i = 0; i < groups->items->len; i++) {
        const BcJson *group = g_ptr_array_index(groups->items, i);
        if (group->kind != BC_JSON_OBJECT) {
            corrupt(error, "a test group is not an object");
            return NULL;
        }
        if (!read_group(group, cases, ids, error))
            return NULL;
    }
    if ((gint64)cases->len != expected || expected == 0) {
        corrupt(error, "%u cases, but numberOfTests says %" G_GINT64_FORMAT, cases->len, expected);
        return NULL;
    }
    return g_steal_pointer(&cases);
}

gchar *bc_wycheproof_read(const gchar *name, gsize *len, GError **error)
{
    g_autofree gchar *path = g_build_filename(bc_test_source_dir, "tests", "vectors", name, NULL);
    gchar *text = NULL;
    if (!g_file_get_contents(path, &text, len, error))
        return NULL;
    return text;
}
