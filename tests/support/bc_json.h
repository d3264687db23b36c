/* bc_json.h: a small, strict JSON reader for the published test vectors (tests/vectors/).
 * Strict means RFC 8259 and nothing more: no comments, no trailing commas, no bare control
 * characters in strings, no duplicate keys, one value and only whitespace around it. A vector
 * file that does not parse fails its test instead of quietly running fewer cases. */
#pragma once
#include <glib.h>

typedef enum {
    BC_JSON_NULL,
    BC_JSON_BOOLEAN,
    BC_JSON_NUMBER,
    BC_JSON_STRING,
    BC_JSON_ARRAY,
    BC_JSON_OBJECT,
} BcJsonKind;

typedef struct BcJson BcJson;
struct BcJson {
    BcJsonKind kind;
    gboolean boolean; /* BOOLEAN */
    gchar *text;      /* STRING: the value, unescaped, UTF-8; NUMBER: its literal */
    GPtrArray *items; /* ARRAY: the elements; OBJECT: the values, in order (BcJson *) */
    GPtrArray *keys;  /* OBJECT: the keys, parallel to ITEMS (gchar *) */
};

/* The value in the LEN bytes of TEXT, or NULL with an error that says where it went wrong. */
BcJson *bc_json_parse(const gchar *text, gsize len, GError **error);
void bc_json_free(BcJson *json);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(BcJson, bc_json_free)

/* The member KEY of OBJECT when OBJECT is an object that has one, else NULL. */
const BcJson *bc_json_member(const BcJson *object, const gchar *key);
/* The member KEY if it is a string (its text), else NULL. */
const gchar *bc_json_string(const BcJson *object, const gchar *key);
