/* bc_store.h: a key-value file on GDBM (first used in chapter 3).
 * Keys are a one-byte prefix ('l' tip, 'b' block, 'c' unspent outputs) and an optional body,
 * values are GBytes. One writer or many readers at a time: GDBM locks the file, and a second
 * process gets BC_ERROR_LOCKED instead of waiting or corrupting it. */
#pragma once
#include <glib.h>

typedef struct BcStore BcStore;

typedef enum {
    BC_STORE_READ,   /* existing file, shared read lock */
    BC_STORE_WRITE,  /* existing file, exclusive lock */
    BC_STORE_CREATE, /* new file; BC_ERROR_EXISTS when PATH is already there */
} BcStoreMode;

/* Opens PATH. Errors: BC_ERROR_NOT_FOUND (no file, READ/WRITE), BC_ERROR_EXISTS (CREATE),
 * BC_ERROR_LOCKED (another process has it), BC_ERROR_CORRUPT (not a GDBM file, truncated, or in
 * need of recovery when opened for reading), BC_ERROR_IO; messages keep GDBM's own reason.
 * A file that fails to open is left untouched. A file that a killed writer left in need of
 * recovery is recovered when opened for writing (WRITE): a copy of it is kept first in
 * PATH.bak-<UTC time>, and what was recovered is said on stderr. */
BcStore *bc_store_open(const gchar *path, BcStoreMode mode, GError **error);
void bc_store_close(BcStore *store);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(BcStore, bc_store_close)

gboolean bc_store_exists(const gchar *path);

/* The value under PREFIX+KEY, or NULL with BC_ERROR_NOT_FOUND when there is none. */
GBytes *bc_store_get(BcStore *store, char prefix, const void *key, gsize key_len, GError **error);
/* TRUE when there is a value under PREFIX+KEY; FALSE when there is none, or with an error set
 * when the file could not be read (so a damaged file is not taken for a missing record). */
gboolean bc_store_contains(BcStore *store, char prefix, const void *key, gsize key_len,
                           GError **error);
gboolean bc_store_put(BcStore *store, char prefix, const void *key, gsize key_len, GBytes *value,
                      GError **error);
/* Deleting a missing key is not an error. */
gboolean bc_store_delete(BcStore *store, char prefix, const void *key, gsize key_len,
                         GError **error);

/* Calls FUNC for every key with PREFIX (KEY without the prefix byte). FUNC returns FALSE to
 * stop early. Do not put or delete while iterating: collect the keys first. */
typedef gboolean (*BcStoreFunc)(const guint8 *key, gsize key_len, GBytes *value,
                                gpointer user_data);
gboolean bc_store_foreach(BcStore *store, char prefix, BcStoreFunc func, gpointer user_data,
                          GError **error);

/* The format record: key 'v', one byte, the chapter whose program wrote the file. Each chapter
 * stores its records in its own way, so a file is opened only by the chapter that made it: a
 * file of another chapter is refused with a message that names both. */
#define BC_STORE_FORMAT_KEY 'v'
gboolean bc_store_put_format(BcStore *store, guint8 chapter, GError **error);
/* FALSE with BC_ERROR_INVALID when the file was written by another chapter or has no format
 * record (files from before chapters recorded it: they are refused too, since nothing says how
 * their records are laid out), BC_ERROR_CORRUPT when the record is damaged. */
gboolean bc_store_check_format(BcStore *store, guint8 chapter, GError **error);

/* Flushes to disk: called after each complete update, so a crash loses at most the last one. */
gboolean bc_store_sync(BcStore *store, GError **error);

/* How many records this handle has read (gets, lookups, and every key a foreach stepped over):
 * for tests that prove a lookup does not walk the file. */
guint64 bc_store_read_count(const BcStore *store);
/* How many times this handle was synced: for tests that prove syncs are batched. */
guint64 bc_store_sync_count(const BcStore *store);

/* TEST-ONLY crash hook, for crash-sweep tests: when the environment variable
 * BC_TEST_CRASH_AFTER_WRITES=N (N > 0) is set, the process calls _exit(137), as if SIGKILLed,
 * right after its N-th successful write. Puts, deletes and syncs count by themselves; code that
 * replaces a whole file (the wallet file) calls bc_store_count_write() after it. Unset, empty or
 * not a positive number: no effect. The variable is read when a store opens and at each such
 * file replace; the count is the whole process's. Never set it outside tests. */
void bc_store_count_write(void);
