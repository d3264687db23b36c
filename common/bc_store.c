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

/* GDBM's own words for its last error: on DBF when there is one (they then include the system's
 * reason, e.g. "Write error: No space left on device"), else the process's last error. */
static gchar *gdbm_reason(GDBM_FILE dbf, int code, int sys)
{
    if (dbf != NULL)
        return g_strdup(gdbm_db_strerror(dbf));
    if (gdbm_syserr[code] && sys != 0)
        return g_strdup_printf("%s: %s", gdbm_strerror(code), g_strerror(sys));
    return g_strdup(gdbm_strerror(code));
}

/* ACTION on PATH failed in GDBM (on DBF, or NULL when opening): a GError that keeps GDBM's
 * reason and says which of our codes it is. */
static void set_gdbm_error(GError **error, GDBM_FILE dbf, const gchar *path, const gchar *action)
{
    int sys = errno;
    int code = dbf != NULL ? gdbm_last_errno(dbf) : gdbm_errno;
    g_autofree gchar *reason = gdbm_reason(dbf, code, sys);
    switch (code) {
    case GDBM_CANT_BE_READER:
    case GDBM_CANT_BE_WRITER:
        g_set_error(error, BC_ERROR, BC_ERROR_LOCKED, "%s is in use by another process (%s)", path,
                    reason);
        return;
    case GDBM_NEED_RECOVERY:
        g_set_error(error, BC_ERROR, BC_ERROR_CORRUPT,
                    "cannot %s %s: %s (it is recovered when next opened for writing)", action, path,
                    reason);
        return;
    case GDBM_BAD_MAGIC_NUMBER:
    case GDBM_BAD_FILE_OFFSET:
    case GDBM_BAD_HEADER:
    case GDBM_BAD_BUCKET:
    case GDBM_BAD_AVAIL:
    case GDBM_BAD_DIR_ENTRY:
    case GDBM_BAD_HASH_TABLE:
    case GDBM_FILE_EOF:
    case GDBM_BACKUP_FAILED:
        g_set_error(error, BC_ERROR, BC_ERROR_CORRUPT, "%s is not a valid database: %s", path,
                    reason);
        return;
    default:
        g_set_error(error, BC_ERROR, BC_ERROR_IO, "cannot %s %s: %s", action, path, reason);
    }
}

/* A copy of PATH as it is now, in PATH.bak-<UTC time>[.N], made before recovery rewrites it;
 * its name, or NULL with an error. Never overwrites an earlier backup. */
static gchar *backup_copy(const gchar *path, GError **error)
{
    g_autofree gchar *contents = NULL;
    gsize len = 0;
    g_autoptr(GError) local = NULL;
    if (!g_file_get_contents(path, &contents, &len, &local)) {
        g_set_error(error, BC_ERROR, BC_ERROR_IO, "cannot back up %s before recovery: %s", path,
                    local->message);
        return NULL;
    }
    g_autoptr(GDateTime) now = g_date_time_new_now_utc();
    g_autofree gchar *stamp = g_date_time_format(now, "%Y%m%dT%H%M%SZ");
    for (guint n = 0; n < 100; n++) {
        gchar *name = n == 0 ? g_strdup_printf("%s.bak-%s", path, stamp)
                             : g_strdup_printf("%s.bak-%s.%u", path, stamp, n);
        int fd = open(name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0 && errno == EEXIST) {
            g_free(name);
            continue;
        }
        gboolean ok = fd >= 0;
        for (gsize done = 0; ok && done < len;) {
            ssize_t w = write(fd, contents + done, len - done);
            if (w < 0 && errno == EINTR)
                continue;
            ok = w > 0;
            done += ok ? (gsize)w : 0;
        }
        ok = ok && fsync(fd) == 0;
        int sys = errno;
        if (fd >= 0)
            close(fd);
        if (ok)
            return name;
        if (fd >= 0)
            unlink(name);
        g_set_error(error, BC_ERROR, BC_ERROR_IO, "cannot back up %s before recovery in %s: %s",
                    path, name, g_strerror(sys));
        g_free(name);
        return NULL;
    }
    g_set_error(error, BC_ERROR, BC_ERROR_IO, "cannot back up %s: too many backups of %s", path,
                stamp);
    return NULL;
}

/* A file a writer left half-updated (killed in the middle of a write or a sync) needs recovery:
 * GDBM rebuilds it from every record it can still read. The file as it was is kept first, and
 * what was recovered is said on stderr, since records may be lost. */
static gboolean recover(GDBM_FILE dbf, const gchar *path, GError **error)
{
    g_autofree gchar *backup = backup_copy(path, error);
    if (backup == NULL)
        return FALSE;
    gdbm_recovery rcvr = {0};
    errno = 0;
    if (gdbm_recover(dbf, &rcvr, GDBM_RCVR_DEFAULT) != 0) {
        g_autoptr(GError) local = NULL;
        set_gdbm_error(&local, dbf, path, "recover");
        g_set_error(error, BC_ERROR, BC_ERROR_CORRUPT, "%s (the file as it was is kept in %s)",
                    local->message, backup);
        return FALSE;
    }
    g_printerr("warning: %s needed recovery: %zu records recovered (from %zu buckets), %zu records "
               "and %zu buckets lost; the file as it was is kept in %s\n",
               path, rcvr.recovered_keys, rcvr.recovered_buckets, rcvr.failed_keys,
               rcvr.failed_buckets, backup);
    return TRUE;
}

/* Opens the file first, then hands the descriptor to GDBM: CREATE makes it with O_EXCL, so two
 * processes creating the same database cannot truncate each other's, and a failed CREATE
 * removes only the file this call made. */
static int open_file(const gchar *path, BcStoreMode mode, struct stat *st, GError **error)
{
    int flags = (mode == BC_STORE_READ ? O_RDONLY : O_RDWR) | O_CLOEXEC;
    if (mode == BC_STORE_CREATE)
        flags |= O_CREAT | O_EXCL;
    int fd = open(path, flags, 0644);
    if (fd < 0) {
        int sys = errno;
        if (sys == EEXIST)
            g_set_error(error, BC_ERROR, BC_ERROR_EXISTS, "%s already exists", path);
        else if (sys == ENOENT)
            g_set_error(error, BC_ERROR, BC_ERROR_NOT_FOUND, "%s does not exist", path);
        else
            g_set_error(error, BC_ERROR, BC_ERROR_IO, "cannot open %s: %s", path, g_strerror(sys));
        return -1;
    }
    if (fstat(fd, st) != 0) {
        int sys = errno;
        close(fd);
        g_set_error(error, BC_ERROR, BC_ERROR_IO, "cannot open %s: %s", path, g_strerror(sys));
        return -1;
    }
    /* GDBM would happily initialise an empty file as a new database: refuse instead, so a
     * truncated file is reported rather than silently replaced. */
    if (mode != BC_STORE_CREATE && S_ISREG(st->st_mode) && st->st_size == 0) {
        close(fd);
        g_set_error(error, BC_ERROR, BC_ERROR_CORRUPT, "%s is empty, not a valid database", path);
        return -1;
    }
    return fd;
}

/* Removes PATH if it is still the file described by ST (the one this process created). */
static void unlink_if_same(const gchar *path, const struct stat *st)
{
    struct stat now;
    if (lstat(path, &now) == 0 && now.st_dev == st->st_dev && now.st_ino == st->st_ino)
        unlink(path);
}

BcStore *bc_store_open(const gchar *path, BcStoreMode mode, GError **error)
{
    crash_hook_init();
    struct stat st;
    int fd = open_file(path, mode, &st, error);
    if (fd < 0)
        return NULL;
    int flags = mode == BC_STORE_READ    ? GDBM_READER
                : mode == BC_STORE_WRITE ? GDBM_WRITER
                                         : GDBM_NEWDB;
    /* XVERIFY checks the file's structure on open; CLOEXEC keeps it out of child processes;
     * CLOERROR closes FD when GDBM refuses it. NOMMAP: GDBM reads and writes with pread and
     * pwrite instead of through a shared memory map of the file. A store through a map marks
     * the whole page-cache folio it touches dirty, and Linux 6.x caches a large file in folios
     * of up to 2 MiB: one send -mine at 10,000 blocks, a few records changed, wrote 9.5 MiB of
     * its 14 MiB file at the sync (and took longer the larger the file). A pwrite marks only
     * the 4 KiB blocks it changes: 80 KiB. */
    flags |= GDBM_CLOEXEC | GDBM_XVERIFY | GDBM_CLOERROR | GDBM_NOMMAP;
    errno = 0;
    GDBM_FILE dbf = gdbm_fd_open(fd, path, 0, flags, NULL);
    if (dbf == NULL) {
        set_gdbm_error(error, NULL, path, "open");
        /* Do not leave a half-made database behind, but never remove what another made. */
        if (mode == BC_STORE_CREATE)
            unlink_if_same(path, &st);
        return NULL;
    }
    if (gdbm_needs_recovery(dbf)) {
        gboolean ok = FALSE;
        if (mode == BC_STORE_READ)
            g_set_error(error, BC_ERROR, BC_ERROR_CORRUPT,
                        "%s needs recovery (%s): it is recovered when next opened for writing",
                        path, gdbm_db_strerror(dbf));
        else
            ok = recover(dbf, path, error);
        if (!ok) {
            gdbm_close(dbf);
            return NULL;
        }
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
    store->reads++;
    g_autofree guint8 *buf = g_malloc(key_len + 1);
    datum value = gdbm_fetch(store->dbf, make_key(buf, prefix, key, key_len));
    if (value.dptr == NULL) {
        if (gdbm_errno == GDBM_ITEM_NOT_FOUND)
            g_set_error(error, BC_ERROR, BC_ERROR_NOT_FOUND,
                        "no record '%c' of %" G_GSIZE_FORMAT " key bytes in %s", prefix, key_len,
                        store->path);
        else
            set_gdbm_error(error, store->dbf, store->path, "read");
        return NULL;
    }
    /* gdbm_fetch returns malloc'ed memory: hand it to GBytes with free() as its destructor. */
    return g_bytes_new_with_free_func(value.dptr, (gsize)value.dsize, free, value.dptr);
}

gboolean bc_store_contains(BcStore *store, char prefix, const void *key, gsize key_len,
                           GError **error)
{
    store->reads++;
    g_autofree guint8 *buf = g_malloc(key_len + 1);
    gdbm_clear_error(store->dbf);
    errno = 0;
    if (gdbm_exists(store->dbf, make_key(buf, prefix, key, key_len)))
        return TRUE;
    /* gdbm_exists says 0 both for "absent" and for "could not read": tell them apart. */
    gdbm_error code = gdbm_last_errno(store->dbf);
    if (code != GDBM_NO_ERROR && code != GDBM_ITEM_NOT_FOUND)
        set_gdbm_error(error, store->dbf, store->path, "read");
    return FALSE;
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
        set_gdbm_error(error, store->dbf, store->path, "write");
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
        set_gdbm_error(error, store->dbf, store->path, "delete from");
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
        set_gdbm_error(error, store->dbf, store->path, "iterate over");
        return FALSE;
    }
    return TRUE;
}

gboolean bc_store_sync(BcStore *store, GError **error)
{
    store->syncs++;
    if (gdbm_sync(store->dbf) != 0) {
        set_gdbm_error(error, store->dbf, store->path, "sync");
        return FALSE;
    }
    count_write();
    return TRUE;
}

gboolean bc_store_put_format(BcStore *store, guint8 chapter, GError **error)
{
    g_autoptr(GBytes) value = g_bytes_new(&chapter, 1);
    return bc_store_put(store, BC_STORE_FORMAT_KEY, NULL, 0, value, error);
}

gboolean bc_store_check_format(BcStore *store, guint8 chapter, GError **error)
{
    g_autofree gchar *name = g_path_get_basename(store->path);
    g_autoptr(GError) local = NULL;
    g_autoptr(GBytes) value = bc_store_get(store, BC_STORE_FORMAT_KEY, NULL, 0, &local);
    if (value == NULL && g_error_matches(local, BC_ERROR, BC_ERROR_NOT_FOUND)) {
        g_set_error(error, BC_ERROR, BC_ERROR_INVALID,
                    "%s has no format record (an older file, or not one of ours); chapter %u "
                    "needs its own: use another directory",
                    name, chapter);
        return FALSE;
    }
    if (value == NULL) {
        g_propagate_error(error, g_steal_pointer(&local));
        return FALSE;
    }
    if (g_bytes_get_size(value) != 1) {
        g_set_error(error, BC_ERROR, BC_ERROR_CORRUPT,
                    "%s has a damaged format record (%" G_GSIZE_FORMAT " bytes, not 1)", name,
                    g_bytes_get_size(value));
        return FALSE;
    }
    guint8 written_by = *(const guint8 *)g_bytes_get_data(value, NULL);
    if (written_by != chapter) {
        g_set_error(error, BC_ERROR, BC_ERROR_INVALID,
                    "%s was written by chapter %u; chapter %u needs its own: use another directory",
                    name, written_by, chapter);
        return FALSE;
    }
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
