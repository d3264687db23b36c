/* addrman.c: the address book and the ban list, bounded, saved and checked. */
#include "addrman.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "bc_error.h"
#include "bc_random.h"
#include "bc_variant.h"

/* On disk: (address, last seen, failures) for each address; (ip, banned until) for each ban. */
#define ADDRMAN_TYPE "(a(sxu)a(sx))"
#define MAX_BACKOFF_S 600

typedef struct {
    gchar *address;
    gint64 last_seen;
    guint32 failures;
    gint64 next_try; /* not saved: a restarted node may try everything at once */
} AddrEntry;

struct AddrMan {
    GHashTable *by_address; /* address -> AddrEntry, ADDRMAN_MAX_ADDRS at most */
    GHashTable *bans;       /* ip -> gint64 * until, ADDRMAN_MAX_BANS at most */
};

static void entry_free(AddrEntry *e)
{
    g_free(e->address);
    g_free(e);
}

AddrMan *addrman_new(void)
{
    AddrMan *man = g_new0(AddrMan, 1);
    man->by_address =
        g_hash_table_new_full(g_str_hash, g_str_equal, NULL, (GDestroyNotify)entry_free);
    man->bans = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    return man;
}

void addrman_free(AddrMan *man)
{
    if (man == NULL)
        return;
    g_hash_table_unref(man->by_address);
    g_hash_table_unref(man->bans);
    g_free(man);
}

guint addrman_count(AddrMan *man)
{
    return g_hash_table_size(man->by_address);
}

/* The worst entry: most failures, then oldest. A linear walk of at most ADDRMAN_MAX_ADDRS. */
static AddrEntry *worst_entry(AddrMan *man)
{
    AddrEntry *worst = NULL;
    GHashTableIter it;
    gpointer value;
    g_hash_table_iter_init(&it, man->by_address);
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        AddrEntry *e = value;
        if (worst == NULL || e->failures > worst->failures ||
            (e->failures == worst->failures && e->last_seen < worst->last_seen))
            worst = e;
    }
    return worst;
}

/* @excerpt addrman-add */
gboolean addrman_add(AddrMan *man, const gchar *address, gint64 seen)
{
    g_return_val_if_fail(message_address_is_valid(address), FALSE);
    AddrEntry *e = g_hash_table_lookup(man->by_address, address);
    if (e != NULL) {
        e->last_seen = MAX(e->last_seen, seen);
        return FALSE;
    }
    if (g_hash_table_size(man->by_address) >= ADDRMAN_MAX_ADDRS) {
        AddrEntry *worst = worst_entry(man);
        if (worst->failures == 0 && worst->last_seen >= seen)
            return FALSE; /* every entry we have is better than this one */
        g_hash_table_remove(man->by_address, worst->address);
    }
    e = g_new0(AddrEntry, 1);
    e->address = g_strdup(address);
    e->last_seen = seen;
    g_hash_table_insert(man->by_address, e->address, e);
    return TRUE;
}
/* @end addrman-add */

void addrman_remove(AddrMan *man, const gchar *address)
{
    g_hash_table_remove(man->by_address, address);
}

void addrman_good(AddrMan *man, const gchar *address, gint64 now)
{
    AddrEntry *e = g_hash_table_lookup(man->by_address, address);
    if (e != NULL) {
        e->failures = 0;
        e->next_try = 0;
        e->last_seen = MAX(e->last_seen, now);
    }
}

void addrman_failed(AddrMan *man, const gchar *address, gint64 now)
{
    AddrEntry *e = g_hash_table_lookup(man->by_address, address);
    if (e == NULL)
        return;
    if (e->failures < G_MAXUINT32)
        e->failures++;
    gint64 delay = e->failures >= 10 ? MAX_BACKOFF_S : MIN((gint64)1 << e->failures, MAX_BACKOFF_S);
    e->next_try = now + delay;
}

const gchar *addrman_select(AddrMan *man, gint64 now, GHashTable *exclude)
{
    g_autoptr(GPtrArray) eligible = g_ptr_array_new();
    GHashTableIter it;
    gpointer value;
    g_hash_table_iter_init(&it, man->by_address);
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        AddrEntry *e = value;
        if (e->next_try <= now && !g_hash_table_contains(exclude, e->address))
            g_ptr_array_add(eligible, e);
    }
    if (eligible->len == 0)
        return NULL;
    guint32 r = 0;
    bc_random_bytes(&r, sizeof r, NULL);
    return ((AddrEntry *)g_ptr_array_index(eligible, r % eligible->len))->address;
}

/* The keys or values of TABLE in a new array (GLib 2.74 has no function for it). */
static GPtrArray *table_items(GHashTable *table, gboolean keys)
{
    GPtrArray *items = g_ptr_array_new();
    GHashTableIter it;
    gpointer key, value;
    g_hash_table_iter_init(&it, table);
    while (g_hash_table_iter_next(&it, &key, &value))
        g_ptr_array_add(items, keys ? key : value);
    return items;
}

static gint by_string(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const gchar *const *)a, *(const gchar *const *)b);
}

static gint newest_first(gconstpointer a, gconstpointer b)
{
    const AddrEntry *x = *(AddrEntry *const *)a, *y = *(AddrEntry *const *)b;
    return (x->last_seen < y->last_seen) - (x->last_seen > y->last_seen);
}

MessageAddr *addrman_get(AddrMan *man, gsize max, gsize *n)
{
    g_autoptr(GPtrArray) all = table_items(man->by_address, FALSE);
    g_ptr_array_sort(all, newest_first);
    *n = MIN(all->len, max);
    MessageAddr *addrs = g_new0(MessageAddr, MAX(*n, 1));
    for (gsize i = 0; i < *n; i++) {
        const AddrEntry *e = g_ptr_array_index(all, i);
        addrs[i].address = g_strdup(e->address);
        addrs[i].time = e->last_seen;
    }
    return addrs;
}

void addrman_addrs_free(MessageAddr *addrs, gsize n)
{
    for (gsize i = 0; i < n; i++)
        g_free(addrs[i].address);
    g_free(addrs);
}

void addrman_ban(AddrMan *man, const gchar *ip, gint64 until)
{
    if (!g_hash_table_contains(man->bans, ip) && g_hash_table_size(man->bans) >= ADDRMAN_MAX_BANS) {
        /* Full: the ban that ends first goes. */
        const gchar *first = NULL;
        gint64 first_until = G_MAXINT64;
        GHashTableIter it;
        gpointer key, value;
        g_hash_table_iter_init(&it, man->bans);
        while (g_hash_table_iter_next(&it, &key, &value))
            if (*(gint64 *)value < first_until)
                first = key, first_until = *(gint64 *)value;
        g_hash_table_remove(man->bans, first);
    }
    gint64 *value = g_new(gint64, 1);
    *value = until;
    g_hash_table_insert(man->bans, g_strdup(ip), value);
}

gboolean addrman_is_banned(AddrMan *man, const gchar *ip, gint64 now)
{
    const gint64 *until = g_hash_table_lookup(man->bans, ip);
    return until != NULL && *until > now;
}

/* ---- the file ---- */

GBytes *addrman_encode(AddrMan *man)
{
    GVariantBuilder addrs, bans;
    g_variant_builder_init(&addrs, G_VARIANT_TYPE("a(sxu)"));
    g_variant_builder_init(&bans, G_VARIANT_TYPE("a(sx)"));
    /* Sorted, so that one book has one encoding. */
    g_autoptr(GPtrArray) keys = table_items(man->by_address, TRUE);
    g_ptr_array_sort(keys, by_string);
    for (guint i = 0; i < keys->len; i++) {
        const AddrEntry *e = g_hash_table_lookup(man->by_address, g_ptr_array_index(keys, i));
        g_variant_builder_add(&addrs, "(sxu)", e->address, e->last_seen, e->failures);
    }
    g_autoptr(GPtrArray) ips = table_items(man->bans, TRUE);
    g_ptr_array_sort(ips, by_string);
    for (guint i = 0; i < ips->len; i++) {
        const gchar *ip = g_ptr_array_index(ips, i);
        g_variant_builder_add(&bans, "(sx)", ip, *(gint64 *)g_hash_table_lookup(man->bans, ip));
    }
    return bc_variant_encode(g_variant_new("(a(sxu)a(sx))", &addrs, &bans));
}

/* @excerpt addrman-decode */
AddrMan *addrman_decode(GBytes *bytes, GError **error)
{
    g_autoptr(GVariant) value = bc_variant_decode(bytes, G_VARIANT_TYPE(ADDRMAN_TYPE),
                                                  ADDRMAN_MAX_FILE_SIZE, "address book", error);
    if (value == NULL)
        return NULL;
    g_autoptr(GVariant) addrs = g_variant_get_child_value(value, 0);
    g_autoptr(GVariant) bans = g_variant_get_child_value(value, 1);
    if (g_variant_n_children(addrs) > ADDRMAN_MAX_ADDRS ||
        g_variant_n_children(bans) > ADDRMAN_MAX_BANS) {
        g_set_error(error, BC_ERROR, BC_ERROR_TOO_LARGE,
                    "address book has more than %d addresses or %d bans", ADDRMAN_MAX_ADDRS,
                    ADDRMAN_MAX_BANS);
        return NULL;
    }
    g_autoptr(AddrMan) man = addrman_new();
    for (gsize i = 0; i < g_variant_n_children(addrs); i++) {
        const gchar *address = NULL;
        gint64 seen = 0;
        guint32 failures = 0;
        g_variant_get_child(addrs, i, "(&sxu)", &address, &seen, &failures);
        if (!message_address_is_valid(address) ||
            g_hash_table_contains(man->by_address, address)) {
            g_set_error(error, BC_ERROR, BC_ERROR_CORRUPT,
                        "address book entry %" G_GSIZE_FORMAT " is invalid or repeated", i + 1);
            return NULL;
        }
        addrman_add(man, address, seen);
        ((AddrEntry *)g_hash_table_lookup(man->by_address, address))->failures = failures;
    }
    for (gsize i = 0; i < g_variant_n_children(bans); i++) {
        const gchar *ip = NULL;
        gint64 until = 0;
        g_variant_get_child(bans, i, "(&sx)", &ip, &until);
        if (!g_hostname_is_ip_address(ip) || g_hash_table_contains(man->bans, ip)) {
            g_set_error(error, BC_ERROR, BC_ERROR_CORRUPT,
                        "address book ban %" G_GSIZE_FORMAT " is invalid or repeated", i + 1);
            return NULL;
        }
        addrman_ban(man, ip, until);
    }
    return g_steal_pointer(&man);
}
/* @end addrman-decode */

gboolean addrman_save(AddrMan *man, const gchar *path, GError **error)
{
    g_autoptr(GBytes) bytes = addrman_encode(man);
    gsize len = 0;
    const gchar *data = g_bytes_get_data(bytes, &len);
    g_autoptr(GError) local = NULL;
    /* CONSISTENT: written to a temporary file, synced, renamed over PATH. */
    if (!g_file_set_contents_full(path, data, (gssize)len, G_FILE_SET_CONTENTS_CONSISTENT, 0600,
                                  &local)) {
        g_set_error(error, BC_ERROR, BC_ERROR_IO, "cannot save %s: %s", path, local->message);
        return FALSE;
    }
    return TRUE;
}

AddrMan *addrman_load(const gchar *path, GError **error)
{
    gchar *data = NULL;
    gsize len = 0;
    g_autoptr(GError) local = NULL;
    GStatBuf st;
    if (g_stat(path, &st) == 0 && st.st_size > ADDRMAN_MAX_FILE_SIZE) {
        g_set_error(error, BC_ERROR, BC_ERROR_TOO_LARGE, "%s is over %d bytes: not an address book",
                    path, ADDRMAN_MAX_FILE_SIZE);
        return NULL;
    }
    if (!g_file_get_contents(path, &data, &len, &local)) {
        if (g_error_matches(local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
            return addrman_new();
        g_set_error(error, BC_ERROR, BC_ERROR_IO, "cannot read %s: %s", path, local->message);
        return NULL;
    }
    g_autoptr(GBytes) bytes = g_bytes_new_take(data, len);
    g_autoptr(GError) bad = NULL;
    AddrMan *man = addrman_decode(bytes, &bad);
    if (man == NULL)
        g_set_error(error, BC_ERROR, bad->code, "%s: %s", path, bad->message);
    return man;
}
