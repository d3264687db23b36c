/* wallets.c: the wallet file is a GVariant "(sua(say))": a magic string, a format version and the
 * list of (address, private key). Public keys are not stored: they are derived again on load, and
 * must give back the stored address, so a damaged key cannot pass unnoticed. */
#include "wallets.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "address.h"
#include "bc_error.h"
#include "bc_store.h"
#include "bc_variant.h"

#define WALLETS_MAGIC "blockchain-c wallets"
#define WALLETS_VERSION 1
#define WALLETS_TYPE "(sua(say))"
#define WALLETS_MAX_SIZE (1024 * 1024) /* about 13 000 wallets */

struct Wallets {
    GHashTable *by_address; /* address (owned) -> Wallet (owned) */
};

Wallets *wallets_new(void)
{
    Wallets *wallets = g_new0(Wallets, 1);
    wallets->by_address =
        g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)wallet_free);
    return wallets;
}

void wallets_free(Wallets *wallets)
{
    if (wallets == NULL)
        return;
    g_hash_table_destroy(wallets->by_address);
    g_free(wallets);
}

static gboolean corrupt(GError **error, const gchar *path, const gchar *reason)
{
    g_set_error(error, BC_ERROR, BC_ERROR_CORRUPT, "wallet file %s: %s", path, reason);
    return FALSE;
}

/* PATH's bytes, at most WALLETS_MAX_SIZE of them. *MISSING is set when there is no file. */
static GBytes *read_file(const gchar *path, gboolean *missing, GError **error)
{
    *missing = FALSE;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        *missing = errno == ENOENT;
        if (!*missing)
            g_set_error(error, BC_ERROR, BC_ERROR_IO, "cannot open wallet file %s: %s", path,
                        g_strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        corrupt(error, path, "not a regular file");
        return NULL;
    }
    if (st.st_size > WALLETS_MAX_SIZE) {
        close(fd);
        corrupt(error, path, "over the size limit of 1 MiB");
        return NULL;
    }
    /* Read one byte more than the limit, in case the file grew since fstat. */
    guint8 *buf = g_malloc(WALLETS_MAX_SIZE + 1);
    gsize len = 0;
    while (len <= WALLETS_MAX_SIZE) {
        ssize_t n = read(fd, buf + len, WALLETS_MAX_SIZE + 1 - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            g_set_error(error, BC_ERROR, BC_ERROR_IO, "cannot read wallet file %s: %s", path,
                        g_strerror(errno));
            close(fd);
            g_free(buf);
            return NULL;
        }
        if (n == 0)
            break;
        len += (gsize)n;
    }
    close(fd);
    if (len > WALLETS_MAX_SIZE) {
        g_free(buf);
        corrupt(error, path, "over the size limit of 1 MiB");
        return NULL;
    }
    return g_bytes_new_take(g_realloc(buf, len + 1), len);
}

/* Adds the wallet of one (address, private key) entry, checking that the key gives back the address
 * and that the address comes after PREVIOUS, the entry before it (NULL for the first): the order
 * wallets_serialize writes, so one set of wallets has one file and no address appears twice. */
static gboolean add_entry(Wallets *wallets, const gchar *path, const gchar *previous,
                          const gchar *address, GVariant *key_bytes, GError **error)
{
    /* Checked first so that the messages below only ever show a short, printable address. */
    if (!address_validate(address, NULL))
        return corrupt(error, path, "an entry's address is not a valid address");
    guint8 key[WALLET_PRIVATE_KEY_LEN];
    g_autoptr(Wallet) wallet = NULL;
    if (bc_variant_get_fixed(key_bytes, key, sizeof key, "private key", NULL))
        wallet = wallet_from_private_key(key, NULL);
    explicit_bzero(key, sizeof key);
    g_autofree gchar *derived = wallet != NULL ? wallet_get_address(wallet) : NULL;
    if (derived == NULL || strcmp(derived, address) != 0) {
        g_autofree gchar *reason = g_strdup_printf("the key stored for %s is not its key", address);
        return corrupt(error, path, reason);
    }
    gint order = previous != NULL ? strcmp(previous, address) : -1;
    if (order >= 0) {
        g_autofree gchar *reason = g_strdup_printf(
            order == 0 ? "%s appears twice" : "%s is out of order (entries are sorted by address)",
            address);
        return corrupt(error, path, reason);
    }
    g_hash_table_insert(wallets->by_address, g_strdup(address), g_steal_pointer(&wallet));
    return TRUE;
}

Wallets *wallets_load(const gchar *path, GError **error)
{
    gboolean missing = FALSE;
    g_autoptr(GBytes) bytes = read_file(path, &missing, error);
    if (bytes == NULL)
        return missing ? wallets_new() : NULL;
    return wallets_deserialize(bytes, path, error);
}

Wallets *wallets_deserialize(GBytes *bytes, const gchar *path, GError **error)
{
    g_autoptr(GError) local = NULL;
    g_autoptr(GVariant) file = bc_variant_decode(bytes, G_VARIANT_TYPE(WALLETS_TYPE),
                                                 WALLETS_MAX_SIZE, "wallet file", &local);
    if (file == NULL) {
        g_autofree gchar *reason =
            g_strdup_printf("not a wallet file, or damaged (%s)", local->message);
        corrupt(error, path, reason);
        return NULL;
    }
    const gchar *magic = NULL;
    guint32 version = 0;
    g_variant_get(file, "(&su@a(say))", &magic, &version, NULL);
    if (strcmp(magic, WALLETS_MAGIC) != 0) {
        corrupt(error, path, "not a blockchain-c wallet file");
        return NULL;
    }
    if (version != WALLETS_VERSION) {
        g_autofree gchar *reason =
            g_strdup_printf("format version %u, this program reads %d", version, WALLETS_VERSION);
        corrupt(error, path, reason);
        return NULL;
    }

    g_autoptr(Wallets) wallets = wallets_new();
    g_autoptr(GVariant) entries = g_variant_get_child_value(file, 2);
    GVariantIter iter;
    g_variant_iter_init(&iter, entries);
    const gchar *address = NULL, *previous = NULL;
    GVariant *key_bytes = NULL;
    while (g_variant_iter_next(&iter, "(&s@ay)", &address, &key_bytes)) {
        gboolean ok = add_entry(wallets, path, previous, address, key_bytes, error);
        g_variant_unref(key_bytes);
        if (!ok)
            return NULL;
        previous = address; /* points into FILE, which outlives the loop */
    }
    return g_steal_pointer(&wallets);
}

/* @excerpt wallets-save */
GBytes *wallets_serialize(const Wallets *wallets)
{
    GVariantBuilder entries;
    g_variant_builder_init(&entries, G_VARIANT_TYPE("a(say)"));
    g_auto(GStrv) addresses = wallets_get_addresses(wallets);
    for (gsize i = 0; addresses[i] != NULL; i++) {
        const Wallet *wallet = wallets_get_wallet(wallets, addresses[i]);
        g_variant_builder_add(
            &entries, "(s@ay)", addresses[i],
            bc_variant_new_bytes(wallet_private_key(wallet), WALLET_PRIVATE_KEY_LEN));
    }
    return bc_variant_encode(
        g_variant_new(WALLETS_TYPE, WALLETS_MAGIC, (guint32)WALLETS_VERSION, &entries));
}

gboolean wallets_save(const Wallets *wallets, const gchar *path, GError **error)
{
    g_autoptr(GBytes) bytes = wallets_serialize(wallets);
    /* A temporary file in the same directory, created 0600, flushed, then renamed over PATH. */
    gsize len = 0;
    const gchar *data = g_bytes_get_data(bytes, &len);
    g_autoptr(GError) local = NULL;
    if (!g_file_set_contents_full(path, data, (gssize)len,
                                  G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                  0600, &local)) {
        g_set_error(error, BC_ERROR, BC_ERROR_IO, "cannot save wallets: %s", local->message);
        return FALSE;
    }
    bc_store_count_write(); /* a write for the test-only crash hook (bc_store.h) */
    return TRUE;
}
/* @end wallets-save */

gchar *wallets_create_wallet(Wallets *wallets, GError **error)
{
    Wallet *wallet = wallet_new(error);
    if (wallet == NULL)
        return NULL;
    gchar *address = wallet_get_address(wallet);
    g_hash_table_replace(wallets->by_address, g_strdup(address), wallet);
    return address;
}

const Wallet *wallets_get_wallet(const Wallets *wallets, const gchar *address)
{
    return address != NULL ? g_hash_table_lookup(wallets->by_address, address) : NULL;
}

static gint compare_strings(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const gchar *const *)a, *(const gchar *const *)b);
}

GStrv wallets_get_addresses(const Wallets *wallets)
{
    GPtrArray *addresses = g_ptr_array_new();
    GHashTableIter iter;
    gpointer address;
    g_hash_table_iter_init(&iter, wallets->by_address);
    while (g_hash_table_iter_next(&iter, &address, NULL))
        g_ptr_array_add(addresses, g_strdup(address));
    g_ptr_array_sort(addresses, compare_strings);
    g_ptr_array_add(addresses, NULL);
    return (GStrv)g_ptr_array_free(addresses, FALSE);
}
