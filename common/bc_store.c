/* bc_store.c: the GDBM wrapper. Every GDBM error becomes a GError with the file's name. */
#include "bc_store.h"

#include <errno.h>
#include <fcntl.h>
#include <gdbm.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bc_error.h"

struct BcStore {
    GDBM_FILE dbf;
    gchar *path;
    guint64 reads; /* records fetched or looked up: what tests count to prove "no walk" */
    guint64 syncs; /* fsyncs asked for: what tests count to prove syncs are batched */
};

/* TEST-ONLY crash hook (see bc_store.h): the write after which the process dies, 0 for never.
 * Read from the environment at each open, and at each whole-file replace, which happens outside
 * any store; the count is the process's, over all its stores, which one thread uses. */
static guint64 crash_after_writes;
static guint64 writes_done;

static void crash_hook_init(void)
{
    const gchar *value = g_getenv("BC_TEST_CRASH_AFTER_WRITES");
    guint64 n = 0;
    if (value == NULL || !g_ascii_string_to_unsigned(value, 10, 1, G_MAXUINT64, &n, NULL))
        n = 0;
    crash_after_writes = n;
}

static void count_write(void)
{
    if (crash_after_writes != 0 && ++writes_done == crash_after_writes)
        _exit(137); /* no atexit handlers, no flushing: what a SIGKILL would leave */
}

void bc_store_count_write(void)
{
    crash_hook_init();
    count_write();
}

gboolean bc_store_exists(const gchar *path)
{
    return g_file_test(path, G_FILE_TEST_EXISTS);
}

static void set_gdbm_error(GError **error, const gchar *path, const gchar *action)
{
    int code = gdbm_errno;
    int sys = errno;
    BcError kind = BC_ERROR_IO;
    switch (code) {
    case GDBM_CANT_BE_READER:
    case GDBM_CANT_BE_WRITER:
        kind = BC_ERROR_LOCKED;
        g_set_error(error, BC_ERROR, kind, "%s is in use by another process (%s)", path,
                    gdbm_strerror(code));
        return;
    case GDBM_BAD_MAGIC_NUMBER:
    case GDBM_BAD_FILE_OFFSET:
    case GDBM_BAD_HEADER:
    case GDBM_BAD_BUCKET:
    case GDBM_BAD_AVAIL:
    case GDBM_BAD_DIR_ENTRY:
    case GDBM_BAD_HASH_TABLE:
    case GDBM_FILE_EOF:
    case GDBM_NEED_RECOVERY:
    case GDBM_BACKUP_FAILED:
        kind = BC_ERROR_CORRUPT;
        g_set_error(error, BC_ERROR, kind, "%s is not a valid database: %s", path,
                    gdbm_strerror(code));
        return;
    default:
        break;
    }
    if (gdbm_syserr[code] && sys != 0)
        g_set_error(error, BC_ERROR, kind, "cannot %s %s: %s (%s)", action, path,
                    gdbm_strerror(code), g_strerror(sys));
    else
        g_set_error(error, BC_ERROR, kind, "cannot %s %s: %s", action, path, gdbm_strerror(code));
}

BcStore *bc_store_open(const gchar *path, BcStoreMode mode, GError **error)
{
    crash_hook_init();
    gboolean exists = bc_store_exists(path);
    if (mode == BC_STORE_CREATE && exists) {
        g_set_error(error, BC_ERROR, BC_ERROR_EXISTS, "%s already exists", path);
        return NULL;
    }
    if (mode != BC_STORE_CREATE && !exists) {
        g_set_error(error, BC_ERROR, BC_ERROR_NOT_FOUND, "%s does not exist", path);
        return NULL;
    }
    /* GDBM would happily initialise an empty file as a new database: refuse instead, so a
     * truncated file is reported rather than silently replaced. */
    struct stat st;
    if (exists && stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0) {
        g_set_error(error, BC_ERROR, BC_ERROR_CORRUPT, "%s is empty, not a valid database", path);
        return NULL;
    }
    int flags = mode == BC_STORE_READ    ? GDBM_READER
                : mode == BC_STORE_WRITE ? GDBM_WRITER
                                         : GDBM_NEWDB;
    /* XVERIFY checks the file's structure on open; CLOEXEC keeps it out of child processes. */
    flags |= GDBM_CLOEXEC | GDBM_XVERIFY;
    errno = 0;
    GDBM_FILE dbf = gdbm_open(path, 0, flags, 0644, NULL);
    if (dbf == NULL) {
        set_gdbm_error(error, path, "open");
        /* NEWDB created the file before failing: do not leave a half-made database behind. */
        if (mode == BC_STORE_CREATE)
            unlink(path);
        return NULL;
    }
    BcStore *store = g_new0(BcStore, 1);
    store->dbf = dbf;
    store->path = g_strdup(path);
    return store;
}

void bc_store_close(BcStore *store)
{
    if (store == NULL)
        return;
    gdbm_close(store->dbf);
    g_free(store->path);
    g_free(store);
}

/* The GDBM key PREFIX+KEY in BUF, which must hold KEY_LEN + 1 bytes. */
static datum make_key(guint8 *buf, char prefix, const void *key, gsize key_len)
{
    buf[0] = (guint8)prefix;
    if (key_len > 0)
        memcpy(buf + 1, key, key_len);
    return (datum){.dptr = (char *)buf, .dsize = (int)(key_len + 1)};
}

GBytes *bc_store_get(BcStore *store, char prefix, const void *key, gsize key_len, GError **error)
{
    g_autofree guint8 *buf = g_malloc(key_len + 1);
    store->reads++;
    datum value = gdbm_fetch(store->dbf, make_key(buf, prefix, key, key_len));
    if (value.dptr == NULL) {
        if (gdbm_errno == GDBM_ITEM_NOT_FOUND)
            g_set_error(error, BC_ERROR, BC_ERROR_NOT_FOUND,
                        "no record '%c' of %" G_GSIZE_FORMAT " key bytes in %s", prefix, key_len,
                        store->path);
        else
            set_gdbm_error(error, store->path, "read");
        return NULL;
    }
    /* gdbm_fetch returns malloc'ed memory: hand it to GBytes with free() as its destructor. */
    return g_bytes_new_with_free_func(value.dptr, (gsize)value.dsize, free, value.dptr);
}

gboolean bc_store_contains(BcStore *store, char prefix, const void *key, gsize key_len)
{
    g_autofree guint8 *buf = g_malloc(key_len + 1);
    store->reads++;
    return gdbm_exists(store->dbf, make_key(buf, prefix, key, key_len)) != 0;
}

gboolean bc_store_put(BcStore *store, char prefix, const void *key, gsize key_len, GBytes *value,
                      GError **error)
{
    g_autofree guint8 *buf = g_malloc(key_len + 1);
    gsize size = 0;
    const void *data = g_bytes_get_data(value, &size);
    /* An empty GBytes may have no data pointer at all, which GDBM calls malformed. */
    datum content = {.dptr = (char *)(data != NULL ? data : ""), .dsize = (int)size};
    if (gdbm_store(store->dbf, make_key(buf, prefix, key, key_len), content, GDBM_REPLACE) != 0) {
        set_gdbm_error(error, store->path, "write");
        return FALSE;
    }
    count_write();
    return TRUE;
}

gboolean bc_store_delete(BcStore *store, char prefix, const void *key, gsize key_len,
                         GError **error)
{
    g_autofree guint8 *buf = g_malloc(key_len + 1);
    if (gdbm_delete(store->dbf, make_key(buf, prefix, key, key_len)) != 0 &&
        gdbm_errno != GDBM_ITEM_NOT_FOUND) {
        set_gdbm_error(error, store->path, "delete from");
        return FALSE;
    }
    count_write();
    return TRUE;
}

gboolean bc_store_foreach(BcStore *store, char prefix, BcStoreFunc func, gpointer user_data,
                          GError **error)
{
    datum key = gdbm_firstkey(store->dbf);
    while (key.dptr != NULL) {
        gboolean go_on = TRUE;
        store->reads++; /* every key stepped over costs a read, whatever its prefix */
        if (key.dsize >= 1 && key.dptr[0] == prefix) {
            g_autoptr(GBytes) value =
                bc_store_get(store, prefix, key.dptr + 1, (gsize)key.dsize - 1, error);
            if (value == NULL) {
                free(key.dptr);
                return FALSE;
            }
            go_on = func((const guint8 *)key.dptr + 1, (gsize)key.dsize - 1, value, user_data);
        }
        datum next = go_on ? gdbm_nextkey(store->dbf, key) : (datum){0};
        free(key.dptr);
        if (!go_on)
            return TRUE;
        key = next;
    }
    if (gdbm_errno != GDBM_ITEM_NOT_FOUND && gdbm_errno != GDBM_NO_ERROR) {
        set_gdbm_error(error, store->path, "iterate over");
        return FALSE;
    }
    return TRUE;
}

gboolean bc_store_sync(BcStore *store, GError **error)
{
    store->syncs++;
    if (gdbm_sync(store->dbf) != 0) {
        set_gdbm_error(error, store->path, "sync");
        return FALSE;
    }
    count_write();
    return TRUE;
}

guint64 bc_store_read_count(const BcStore *store)
{
    return store->reads;
}

guint64 bc_store_sync_count(const BcStore *store)
{
    return store->syncs;
}
