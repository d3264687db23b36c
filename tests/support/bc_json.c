/* bc_json.c: a recursive-descent reader of the JSON grammar (RFC 8259, section 2 to 7). */
#include "bc_json.h"

#include <string.h>

#include "bc_error.h"

#define MAX_DEPTH 64 /* arrays and objects nested deeper are refused, not followed */

typedef struct {
    const gchar *p, *end, *start;
    GError *error;
} Reader;

static gboolean fail(Reader *r, const gchar *what)
{
    if (r->error == NULL)
        r->error =
            g_error_new(BC_ERROR, BC_ERROR_CORRUPT, "JSON: %s at byte %td", what, r->p - r->start);
    return FALSE;
}

void bc_json_free(BcJson *json)
{
    if (json == NULL)
        return;
    g_free(json->text);
    if (json->items != NULL)
        g_ptr_array_unref(json->items);
    if (json->keys != NULL)
        g_ptr_array_unref(json->keys);
    g_free(json);
}

static void skip_space(Reader *r)
{
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
        r->p++;
}

static gboolean literal(Reader *r, const gchar *word)
{
    gsize n = strlen(word);
    if ((gsize)(r->end - r->p) < n || memcmp(r->p, word, n) != 0)
        return fail(r, "unknown literal");
    r->p += n;
    return TRUE;
}

/* Four hex digits after "\u". */
static gboolean hex4(Reader *r, gunichar *out)
{
    if (r->end - r->p < 4)
        return fail(r, "short \\u escape");
    *out = 0;
    for (int i = 0; i < 4; i++) {
        int digit = g_ascii_xdigit_value(r->p[i]);
        if (digit < 0)
            return fail(r, "bad \\u escape");
        *out = *out * 16 + (gunichar)digit;
    }
    r->p += 4;
    return TRUE;
}

static gboolean escape(Reader *r, GString *out)
{
    if (r->p >= r->end)
        return fail(r, "unterminated escape");
    gchar c = *r->p++;
    static const gchar from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    const gchar *simple = c != '\0' ? strchr(from, c) : NULL;
    if (simple != NULL) {
        g_string_append_c(out, to[simple - from]);
        return TRUE;
    }
    if (c != 'u')
        return fail(r, "unknown escape");
    gunichar u = 0, low = 0;
    if (!hex4(r, &u))
        return FALSE;
    if (u >= 0xdc00 && u <= 0xdfff)
        return fail(r, "lone low surrogate");
    if (u >= 0xd800 && u <= 0xdbff) {
        /* A high surrogate must be followed by "\u" and a low one: together one code point. */
        if (r->end - r->p < 2 || r->p[0] != '\\' || r->p[1] != 'u')
            return fail(r, "lone high surrogate");
        r->p += 2;
        if (!hex4(r, &low))
            return FALSE;
        if (low < 0xdc00 || low > 0xdfff)
            return fail(r, "bad surrogate pair");
        u = 0x10000 + ((u - 0xd800) << 10) + (low - 0xdc00);
    }
    g_string_append_unichar(out, u);
    return TRUE;
}

static gchar *string(Reader *r)
{
    r->p++; /* the opening quote */
    g_autoptr(GString) out = g_string_new(NULL);
    while (r->p < r->end && *r->p != '"') {
        guchar c = (guchar)*r->p;
        if (c < 0x20) {
            fail(r, "control character in a string");
            return NULL;
        }
        r->p++;
        if (c == '\\') {
            if (!escape(r, out))
                return NULL;
        } else {
            g_string_append_c(out, (gchar)c);
        }
    }
    if (r->p >= r->end) {
        fail(r, "unterminated string");
        return NULL;
    }
    r->p++;
    if (!g_utf8_validate_len(out->str, out->len, NULL)) {
        fail(r, "string is not UTF-8");
        return NULL;
    }
    return g_string_free(g_steal_pointer(&out), FALSE);
}

static gboolean digits(Reader *r)
{
    const gchar *first = r->p;
    while (r->p < r->end && g_ascii_isdigit(*r->p))
        r->p++;
    return r->p > first || fail(r, "digit expected");
}

/* -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?, kept as text. */
static gchar *number(Reader *r)
{
    const gchar *first = r->p;
    if (r->p < r->end && *r->p == '-')
        r->p++;
    if (r->p < r->end && *r->p == '0')
        r->p++;
    else if (r->p >= r->end || !g_ascii_isdigit(*r->p) || !digits(r)) {
        fail(r, "bad number");
        return NULL;
    }
    if (r->p < r->end && *r->p == '.') {
        r->p++;
        if (!digits(r))
            return NULL;
    }
    if (r->p < r->end && (*r->p == 'e' || *r->p == 'E')) {
        r->p++;
        if (r->p < r->end && (*r->p == '+' || *r->p == '-'))
            r->p++;
        if (!digits(r))
            return NULL;
    }
    return g_strndup(first, (gsize)(r->p - first));
}

static BcJson *value(Reader *r, int depth);

/* The elements of an array or the members of an object, after its opening bracket. */
static gboolean container(Reader *r, BcJson *json, gchar close, int depth)
{
    r->p++;
    skip_space(r);
    if (r->p < r->end && *r->p == close) {
        r->p++;
        return TRUE;
    }
    for (;;) {
        skip_space(r);
        if (json->kind == BC_JSON_OBJECT) {
            if (r->p >= r->end || *r->p != '"')
                return fail(r, "member name expected");
            gchar *key = string(r);
            if (key == NULL)
                return FALSE;
            g_ptr_array_add(json->keys, key);
            if (bc_json_member(json, key) != NULL)
                return fail(r, "duplicate member name");
            skip_space(r);
            if (r->p >= r->end || *r->p != ':')
                return fail(r, "':' expected");
            r->p++;
        }
        BcJson *item = value(r, depth + 1);
        if (item == NULL)
            return FALSE;
        g_ptr_array_add(json->items, item);
        skip_space(r);
        if (r->p < r->end && *r->p == ',') {
            r->p++;
            continue;
        }
        if (r->p < r->end && *r->p == close) {
            r->p++;
            return TRUE;
        }
        return fail(r, "',' or end of container expected");
    }
}

static BcJson *value(Reader *r, int depth)
{
    skip_space(r);
    if (depth > MAX_DEPTH || r->p >= r->end) {
        fail(r, depth > MAX_DEPTH ? "nested too deep" : "value expected");
        return NULL;
    }
    g_autoptr(BcJson) json = g_new0(BcJson, 1);
    gboolean ok = TRUE;
    switch (*r->p) {
    case '{':
        json->kind = BC_JSON_OBJECT;
        json->items = g_ptr_array_new_with_free_func((GDestroyNotify)bc_json_free);
        json->keys = g_ptr_array_new_with_free_func(g_free);
        ok = container(r, json, '}', depth);
        break;
    case '[':
        json->kind = BC_JSON_ARRAY;
        json->items = g_ptr_array_new_with_free_func((GDestroyNotify)bc_json_free);
        ok = container(r, json, ']', depth);
        break;
    case '"':
        json->kind = BC_JSON_STRING;
        ok = (json->text = string(r)) != NULL;
        break;
    case 't':
    case 'f':
        json->kind = BC_JSON_BOOLEAN;
        json->boolean = *r->p == 't';
        ok = literal(r, json->boolean ? "true" : "false");
        break;
    case 'n':
        json->kind = BC_JSON_NULL;
        ok = literal(r, "null");
        break;
    default:
        json->kind = BC_JSON_NUMBER;
        ok = (json->text = number(r)) != NULL;
        break;
    }
    return ok ? g_steal_pointer(&json) : NULL;
}

BcJson *bc_json_parse(const gchar *text, gsize len, GError **error)
{
    Reader r = {.p = text, .end = text + len, .start = text};
    g_autoptr(BcJson) json = value(&r, 0);
    if (json != NULL) {
        skip_space(&r);
        if (r.p != r.end)
            fail(&r, "text after the value");
    }
    if (r.error != NULL) {
        g_propagate_error(error, r.error);
        return NULL;
    }
    return g_steal_pointer(&json);
}

const BcJson *bc_json_member(const BcJson *object, const gchar *key)
{
    if (object == NULL || object->kind != BC_JSON_OBJECT)
        return NULL;
    /* The last key may be the one just read: look only at those with a value. */
    for (guint i = 0; i < object->items->len; i++)
        if (strcmp(g_ptr_array_index(object->keys, i), key) == 0)
            return g_ptr_array_index(object->items, i);
    return NULL;
}

const gchar *bc_json_string(const BcJson *object, const gchar *key)
{
    const BcJson *member = bc_json_member(object, key);
    return member != NULL && member->kind == BC_JSON_STRING ? member->text : NULL;
}
