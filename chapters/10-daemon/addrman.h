/* addrman.h: the address book (chapter 8): the nodes we have heard of, when, and how often
 * dialling them failed, and the IP addresses we ban. Kept in peers_<NODE_ID>.dat, so that a node
 * restarted without -connect finds its way back into the network. */
#pragma once
#include <glib.h>

#include "message.h"

#define ADDRMAN_FILE_FORMAT "peers_%s.dat"
#define ADDRMAN_MAX_ADDRS 1000 /* addresses kept: a flood of addr messages cannot grow it */
#define ADDRMAN_MAX_BANS 1000  /* banned IP addresses kept */
/* The file holds at most the two lists above; anything larger is refused when loaded. */
#define ADDRMAN_MAX_FILE_SIZE (512 * 1024)

typedef struct AddrMan AddrMan;

AddrMan *addrman_new(void);
void addrman_free(AddrMan *man);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AddrMan, addrman_free)

/* Remembers ADDRESS (valid "host:port") as seen at SEEN (seconds since 1970). TRUE when it is
 * new. When the book is full, the entry with the most failures, then the oldest, makes room. */
gboolean addrman_add(AddrMan *man, const gchar *address, gint64 seen);
/* Forgets ADDRESS (it turned out to be ourselves). */
void addrman_remove(AddrMan *man, const gchar *address);
/* A connection to ADDRESS worked at NOW / failed at NOW: a failure delays the next try by
 * 2^failures seconds, at most 10 minutes. */
void addrman_good(AddrMan *man, const gchar *address, gint64 now);
void addrman_failed(AddrMan *man, const gchar *address, gint64 now);
/* A random address that may be dialled at NOW and is not in EXCLUDE (a set of strings), or
 * NULL. */
const gchar *addrman_select(AddrMan *man, gint64 now, GHashTable *exclude);
/* Up to MAX addresses, most recently seen first, for an addr message; *N is their number. The
 * array and its strings belong to the caller (free with addrman_addrs_free). */
MessageAddr *addrman_get(AddrMan *man, gsize max, gsize *n);
void addrman_addrs_free(MessageAddr *addrs, gsize n);
guint addrman_count(AddrMan *man);

/* Bans IP until UNTIL; whether IP is banned at NOW. */
void addrman_ban(AddrMan *man, const gchar *ip, gint64 until);
gboolean addrman_is_banned(AddrMan *man, const gchar *ip, gint64 now);

/* The book as bytes (a GVariant) and back. The decoder reads a file anyone may have written:
 * BC_ERROR_TOO_LARGE over the limits above, BC_ERROR_CORRUPT for anything malformed (not the
 * type in normal form, an invalid address or IP, a negative count, one address twice). */
GBytes *addrman_encode(AddrMan *man);
AddrMan *addrman_decode(GBytes *bytes, GError **error);
/* PATH replaced atomically (a temporary file, then a rename), or read back; a missing file is
 * an empty book. */
gboolean addrman_save(AddrMan *man, const gchar *path, GError **error);
AddrMan *addrman_load(const gchar *path, GError **error);
