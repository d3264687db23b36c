/* utxo_set.c: the unspent outputs of each transaction, by transaction ID. */
#include "utxo_set.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bc_error.h"
#include "bc_hex.h"
#include "outpoint.h"
#include "bc_variant.h"

/* @excerpt utxo-record */
/* A record: the unspent outputs of one transaction as (index, value, pubkey hash), after the
 * transaction's own ID and before a checksum. The index is the output's place in its
 * transaction, which inputs refer to: it must survive when earlier outputs are spent (the Go
 * original renumbered them and sent later inputs to the wrong output). The ID and the checksum
 * make a damaged record, or a sound one copied under another key, refused as corrupt instead of
 * changing balances. */
#define UTXO_RECORD_TYPE "(aya(uxay)ay)"
#define UTXO_RECORD_MAX_SIZE TRANSACTION_MAX_SIZE
/* An output takes at most 48 bytes of a record (index, value, 20-byte key hash, alignment and
 * a 4-byte framing offset), and the ID, the checksum and their framing fewer than 128, so the
 * outputs of any transaction fit: the limit on outputs per transaction is what keeps every
 * record readable. */
G_STATIC_ASSERT(TRANSACTION_MAX_OUTPUTS * 48 + 128 < UTXO_RECORD_MAX_SIZE);

/* SHA-256 over TXID and the serialized outputs: what a record's last field must be. */
static void record_checksum(const guint8 txid[BC_HASH_LEN], GVariant *outputs,
                            guint8 out[BC_HASH_LEN])
{
    g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);
    g_checksum_update(sum, txid, BC_HASH_LEN);
    g_checksum_update(sum, g_variant_get_data(outputs), (gssize)g_variant_get_size(outputs));
    gsize len = BC_HASH_LEN;
    g_checksum_get_digest(sum, out, &len);
}

GBytes *utxo_record_encode(const guint8 txid[BC_HASH_LEN], GArray *outputs)
{
    GVariantBuilder b;
    g_variant_builder_init(&b, G_VARIANT_TYPE("a(uxay)"));
    for (guint i = 0; i < outputs->len; i++) {
        const UnspentOutput *u = &g_array_index(outputs, UnspentOutput, i);
        g_variant_builder_add(&b, "(ux@ay)", (guint32)u->index, u->value,
                              bc_variant_new_bytes(u->pubkey_hash, BC_RIPEMD160_LEN));
    }
    g_autoptr(GVariant) list = g_variant_ref_sink(g_variant_builder_end(&b));
    guint8 checksum[BC_HASH_LEN];
    record_checksum(txid, list, checksum);
    return bc_variant_encode(g_variant_new("(@ay@a(uxay)@ay)",
                                           bc_variant_new_bytes(txid, BC_HASH_LEN), list,
                                           bc_variant_new_bytes(checksum, BC_HASH_LEN)));
}

static gboolean corrupt(GError **error, const gchar *what)
{
    g_set_error(error, BC_ERROR, BC_ERROR_CORRUPT, "UTXO record %s", what);
    return FALSE;
}

/* The unspent outputs of transaction TXID in record RAW. */
GArray *utxo_record_decode(const guint8 txid[BC_HASH_LEN], GBytes *raw, GError **error)
{
    g_autoptr(GVariant) v = bc_variant_decode(raw, G_VARIANT_TYPE(UTXO_RECORD_TYPE),
                                              UTXO_RECORD_MAX_SIZE, "UTXO record", error);
    if (v == NULL)
        return NULL;
    g_autoptr(GVariant) id = g_variant_get_child_value(v, 0);
    g_autoptr(GVariant) list = g_variant_get_child_value(v, 1);
    g_autoptr(GVariant) sum = g_variant_get_child_value(v, 2);
    guint8 named[BC_HASH_LEN], stored[BC_HASH_LEN], computed[BC_HASH_LEN];
    if (!bc_variant_get_fixed(id, named, BC_HASH_LEN, "UTXO record's ID", error) ||
        !bc_variant_get_fixed(sum, stored, BC_HASH_LEN, "UTXO record's checksum", error))
        return NULL;
    if (memcmp(named, txid, BC_HASH_LEN) != 0) {
        corrupt(error, "names another transaction than its key");
        return NULL;
    }
    record_checksum(txid, list, computed);
    if (memcmp(computed, stored, BC_HASH_LEN) != 0) {
        corrupt(error, "does not match its checksum");
        return NULL;
    }
    g_autoptr(GArray) outputs = g_array_new(FALSE, FALSE, sizeof(UnspentOutput));
    gint64 previous = -1;
    for (gsize i = 0; i < g_variant_n_children(list); i++) {
        UnspentOutput u = {0};
        guint32 index = 0;
        g_autoptr(GVariant) hash = NULL;
        g_variant_get_child(list, i, "(ux@ay)", &index, &u.value, &hash);
        /* Only what a record can hold: increasing indexes (none counted twice) and the values a
         * valid transaction has (so that no sum of them overflows). */
        if (index > G_MAXINT32 || index <= previous || u.value <= 0 || u.value > G_MAXINT32) {
            g_set_error(error, BC_ERROR, BC_ERROR_CORRUPT,
                        "UTXO record with a bad output (index %u, value %" G_GINT64_FORMAT ")",
                        index, u.value);
            return NULL;
        }
        if (!bc_variant_get_fixed(hash, u.pubkey_hash, BC_RIPEMD160_LEN, "UTXO key hash", error))
            return NULL;
        previous = index;
        u.index = (gint32)index;
        memcpy(u.txid, txid, BC_HASH_LEN);
        g_array_append_val(outputs, u);
    }
    /* Every record holds at least one output: a fully spent transaction's record is deleted. */
    if (outputs->len == 0) {
        corrupt(error, "holds no outputs");
        return NULL;
    }
    return g_steal_pointer(&outputs);
}
/* @end utxo-record */

/* @excerpt utxo-marker */
/* The marker, written last after every change of the set: the block the set reflects, how many
 * records it holds, what they are worth, and a digest of them all (the XOR of SHA-256 over each
 * record's key and value, so that one record's change updates it without reading the others).
 * A set whose marker names another block than the tip is behind (or ahead of) the chain; a set
 * whose records do not add up to its marker was damaged. */
#define UTXO_MARKER_TYPE "(ayuxay)"

typedef struct {
    guint8 tip[BC_HASH_LEN];
    guint32 records;
    gint64 total;
    guint8 digest[BC_HASH_LEN];
} UtxoMarker;

static void fold_record(UtxoMarker *m, const guint8 txid[BC_HASH_LEN], GBytes *raw, GArray *outputs,
                        int sign)
{
    g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);
    guint8 prefix = UTXO_PREFIX, hash[BC_HASH_LEN];
    g_checksum_update(sum, &prefix, 1);
    g_checksum_update(sum, txid, BC_HASH_LEN);
    g_checksum_update(sum, g_bytes_get_data(raw, NULL), (gssize)g_bytes_get_size(raw));
    gsize len = BC_HASH_LEN;
    g_checksum_get_digest(sum, hash, &len);
    for (guint i = 0; i < BC_HASH_LEN; i++)
        m->digest[i] ^= hash[i];
    m->records += (guint32)sign;
    for (guint i = 0; i < outputs->len; i++)
        m->total += sign * g_array_index(outputs, UnspentOutput, i).value;
}

static gboolean marker_read(BcStore *store, UtxoMarker *m, GError **error)
{
    g_autoptr(GBytes) raw = bc_store_get(store, UTXO_MARKER_KEY, NULL, 0, error);
    if (raw == NULL)
        return FALSE;
    g_autoptr(GVariant) v =
        bc_variant_decode(raw, G_VARIANT_TYPE(UTXO_MARKER_TYPE), 256, "UTXO set marker", error);
    if (v == NULL)
        return FALSE;
    g_autoptr(GVariant) tip = NULL, digest = NULL;
    g_variant_get(v, "(@ayux@ay)", &tip, &m->records, &m->total, &digest);
    return bc_variant_get_fixed(tip, m->tip, BC_HASH_LEN, "UTXO set marker's tip", error) &&
           bc_variant_get_fixed(digest, m->digest, BC_HASH_LEN, "UTXO set marker's digest", error);
}

static gboolean marker_write(BcStore *store, const UtxoMarker *m, GError **error)
{
    g_autoptr(GBytes) raw = bc_variant_encode(
        g_variant_new("(@ayux@ay)", bc_variant_new_bytes(m->tip, BC_HASH_LEN), m->records, m->total,
                      bc_variant_new_bytes(m->digest, BC_HASH_LEN)));
    return bc_store_put(store, UTXO_MARKER_KEY, NULL, 0, raw, error);
}
/* @end utxo-marker */

/* The set may be read only when it reflects the tip; otherwise say why, and what repairs it. */
static gboolean usable(UtxoSet *set, GError **error)
{
    if (set->bc->chainstate_stale == NULL)
        return TRUE;
    g_set_error(error, BC_ERROR, BC_ERROR_CORRUPT, "%s: run 'reindexutxo'",
                set->bc->chainstate_stale);
    return FALSE;
}

/* Writes OUTPUTS as TXID's record (deletes it when there are none), OLD being the record it
 * replaces (or NULL), and keeps MARKER in step. */
static gboolean put_outputs(BcStore *store, UtxoMarker *marker, const guint8 txid[BC_HASH_LEN],
                            GBytes *old, GArray *old_outputs, GArray *outputs, GError **error)
{
    if (old != NULL)
        fold_record(marker, txid, old, old_outputs, -1);
    if (outputs->len == 0)
        return bc_store_delete(store, UTXO_PREFIX, txid, BC_HASH_LEN, error);
    g_autoptr(GBytes) raw = utxo_record_encode(txid, outputs);
    fold_record(marker, txid, raw, outputs, +1);
    return bc_store_put(store, UTXO_PREFIX, txid, BC_HASH_LEN, raw, error);
}

gchar *utxo_set_path_for(const gchar *blockchain_path)
{
    g_autofree gchar *dir = g_path_get_dirname(blockchain_path);
    g_autofree gchar *base = g_path_get_basename(blockchain_path);
    g_autofree gchar *name = g_str_has_prefix(base, "blockchain")
                                 ? g_strconcat("chainstate", base + strlen("blockchain"), NULL)
                                 : g_strconcat(base, ".chainstate", NULL);
    return g_build_filename(dir, name, NULL);
}

/* @excerpt utxo-reindex */
/* Rebuilds the set from the chain into a new file, marker last, and renames it over the old one:
 * a crash at any point leaves either the old file or the whole new one, never half of each. */
static gboolean rebuild(Blockchain *bc, guint *count, GError **error)
{
    /* The chain's unspent outputs, grouped by transaction (they come grouped already). Read
     * before anything is written: a chain that cannot be read leaves the old set as it was. */
    g_autoptr(GArray) all = blockchain_find_utxo(bc, error);
    if (all == NULL)
        return FALSE;
    g_autofree gchar *fresh = g_strconcat(bc->chainstate_path, ".new", NULL);
    unlink(fresh); /* ours: what an earlier rebuild left when it was cut short */
    g_autoptr(BcStore) store = bc_store_open(fresh, BC_STORE_CREATE, error);
    if (store == NULL)
        return FALSE;
    UtxoMarker marker = {0};
    memcpy(marker.tip, bc->tip, BC_HASH_LEN);
    *count = 0;
    for (guint i = 0; i < all->len;) {
        const UnspentOutput *first = &g_array_index(all, UnspentOutput, i);
        g_autoptr(GArray) outputs = g_array_new(FALSE, FALSE, sizeof(UnspentOutput));
        for (; i < all->len; i++) {
            const UnspentOutput *u = &g_array_index(all, UnspentOutput, i);
            if (memcmp(u->txid, first->txid, BC_HASH_LEN) != 0)
                break;
            g_array_append_val(outputs, *u);
        }
        if (!put_outputs(store, &marker, first->txid, NULL, NULL, outputs, error))
            return FALSE;
        (*count)++;
    }
    if (!marker_write(store, &marker, error) || !bc_store_sync(store, error))
        return FALSE;
    g_clear_pointer(&store, bc_store_close);
    g_clear_pointer(&bc->chainstate, bc_store_close);
    if (rename(fresh, bc->chainstate_path) != 0) {
        g_set_error(error, BC_ERROR, BC_ERROR_IO, "cannot rename %s to %s: %s", fresh,
                    bc->chainstate_path, g_strerror(errno));
        return FALSE;
    }
    bc_store_count_write(); /* the rename is a write the crash hook counts */
    bc->chainstate = bc_store_open(bc->chainstate_path, BC_STORE_WRITE, error);
    if (bc->chainstate == NULL)
        return FALSE;
    g_clear_pointer(&bc->chainstate_stale, g_free);
    return TRUE;
}

gboolean utxo_set_reindex(UtxoSet *set, guint *count, GError **error)
{
    return rebuild(set->bc, count, error);
}
/* @end utxo-reindex */

/* @excerpt utxo-open */
gboolean utxo_set_open(Blockchain *bc, const gchar *blockchain_path, gboolean write, GError **error)
{
    bc->chainstate_path = utxo_set_path_for(blockchain_path);
    g_autoptr(GError) local = NULL;
    UtxoMarker marker;
    gchar *why = NULL;
    bc->chainstate =
        bc_store_open(bc->chainstate_path, write ? BC_STORE_WRITE : BC_STORE_READ, &local);
    if (bc->chainstate == NULL)
        why = g_strdup_printf("the UTXO set cannot be read: %s", local->message);
    else if (!marker_read(bc->chainstate, &marker, &local))
        why = g_strdup_printf("the UTXO set in %s has no valid marker: %s", bc->chainstate_path,
                              local->message);
    else if (memcmp(marker.tip, bc->tip, BC_HASH_LEN) != 0) {
        g_autofree gchar *at = bc_hex_encode(marker.tip, BC_HASH_LEN);
        g_autofree gchar *tip = bc_hex_encode(bc->tip, BC_HASH_LEN);
        why = g_strdup_printf("the UTXO set in %s reflects block %s, not the tip %s",
                              bc->chainstate_path, at, tip);
    }
    bc->chainstate_stale = why;
    if (why == NULL || !write)
        return TRUE; /* a reader is refused when it reads the set (see usable) */
    /* A crash between the tip and the marker: the set is rolled to the tip block by block with
     * the undo data, by chain_state_recover, which knows the block index. */
    if (bc->chainstate != NULL && local == NULL)
        return TRUE;
    /* A lost file, or one without a marker: the chain is the truth, and the set is rebuilt from
     * it before anything reads it. */
    g_printerr("%s: rebuilding it from the chain\n", why);
    guint count = 0;
    if (!rebuild(bc, &count, error))
        return FALSE;
    g_printerr("the UTXO set is rebuilt: %u transactions with unspent outputs\n", count);
    return TRUE;
}
/* @end utxo-open */

/* One record a block changes, as it is now (NOW, or NULL) and as it is without the block
 * (WITHOUT) and with it (WITH). */
typedef struct {
    guint8 txid[BC_HASH_LEN];
    GBytes *now;
    GArray *held; /* NOW's outputs */
    GArray *without, *with;
} RecordChange;

static void record_change_free(RecordChange *c)
{
    g_clear_pointer(&c->now, g_bytes_unref);
    g_clear_pointer(&c->held, g_array_unref);
    g_clear_pointer(&c->without, g_array_unref);
    g_clear_pointer(&c->with, g_array_unref);
    g_free(c);
}

static void add_output(GArray *outputs, const UnspentOutput *u)
{
    guint at = 0;
    while (at < outputs->len && g_array_index(outputs, UnspentOutput, at).index < u->index)
        at++;
    if (at == outputs->len || g_array_index(outputs, UnspentOutput, at).index != u->index)
        g_array_insert_val(outputs, at, *u);
}

static void remove_output(GArray *outputs, gint32 index)
{
    for (guint i = 0; i < outputs->len; i++)
        if (g_array_index(outputs, UnspentOutput, i).index == index)
            g_array_remove_index(outputs, i--);
}

/* The change of TXID's record, read on first use and kept in CHANGES (in order) and BY_ID. */
static RecordChange *change_of(BcStore *store, GPtrArray *changes, GHashTable *by_id,
                               const guint8 txid[BC_HASH_LEN], GError **error)
{
    g_autoptr(GBytes) key = g_bytes_new(txid, BC_HASH_LEN);
    RecordChange *c = g_hash_table_lookup(by_id, key);
    if (c != NULL)
        return c;
    g_autoptr(GError) local = NULL;
    g_autoptr(GBytes) now = bc_store_get(store, UTXO_PREFIX, txid, BC_HASH_LEN, &local);
    if (now == NULL && !g_error_matches(local, BC_ERROR, BC_ERROR_NOT_FOUND)) {
        g_propagate_error(error, g_steal_pointer(&local));
        return NULL;
    }
    g_autoptr(GArray) outputs = now != NULL ? utxo_record_decode(txid, now, error)
                                            : g_array_new(FALSE, FALSE, sizeof(UnspentOutput));
    if (outputs == NULL)
        return NULL;
    c = g_new0(RecordChange, 1);
    memcpy(c->txid, txid, BC_HASH_LEN);
    c->now = g_steal_pointer(&now);
    c->without = g_array_copy(outputs);
    c->with = g_array_copy(outputs);
    c->held = g_steal_pointer(&outputs);
    g_ptr_array_add(changes, c);
    g_hash_table_insert(by_id, g_steal_pointer(&key), c);
    return c;
}

/* @excerpt utxo-block-changes */
/* Every record BLOCK changes, with its value without the block and with it, worked out from the
 * record as it is now, whether the block is applied to it or not:
 *   - a transaction the block spends from (UNDO names the outputs): without the block, the record
 *     holds those outputs too; with it, not;
 *   - a transaction of the block: without it, no record (validation refuses an ID the set holds,
 *     and a block spending its own outputs); with it, every output.
 * UNDO must be BLOCK's: one entry per input, in order, naming the output the input names. */
static GPtrArray *block_changes(BcStore *store, const Block *block, GArray *undo, GError **error)
{
    g_autoptr(GPtrArray) changes =
        g_ptr_array_new_with_free_func((GDestroyNotify)record_change_free);
    g_autoptr(GHashTable) by_id =
        g_hash_table_new_full(g_bytes_hash, g_bytes_equal, (GDestroyNotify)g_bytes_unref, NULL);
    guint next = 0;
    for (guint t = 0; t < block->transactions->len; t++) {
        const Transaction *tx = g_ptr_array_index(block->transactions, t);
        for (guint i = 0; !transaction_is_coinbase(tx) && i < tx->vin->len; i++) {
            const TxInput *in = g_ptr_array_index(tx->vin, i);
            const UnspentOutput *u =
                next < undo->len ? &g_array_index(undo, UnspentOutput, next) : NULL;
            next++;
            if (u == NULL || u->index != in->vout || memcmp(u->txid, in->txid, BC_HASH_LEN) != 0) {
                g_set_error(error, BC_ERROR, BC_ERROR_CORRUPT,
                            "the undo data does not match the block's inputs");
                return NULL;
            }
            RecordChange *c = change_of(store, changes, by_id, u->txid, error);
            if (c == NULL)
                return NULL;
            add_output(c->without, u);
            remove_output(c->with, u->index);
        }
        RecordChange *c = change_of(store, changes, by_id, tx->id, error);
        if (c == NULL)
            return NULL;
        g_array_set_size(c->without, 0);
        g_array_set_size(c->with, 0);
        for (guint i = 0; i < tx->vout->len; i++) {
            const TxOutput *out = g_ptr_array_index(tx->vout, i);
            UnspentOutput u = {.index = (gint32)i, .value = out->value};
            memcpy(u.txid, tx->id, BC_HASH_LEN);
            memcpy(u.pubkey_hash, out->pubkey_hash, BC_RIPEMD160_LEN);
            g_array_append_val(c->with, u);
        }
    }
    if (next != undo->len) {
        g_set_error(error, BC_ERROR, BC_ERROR_CORRUPT, "the undo data is too long");
        return NULL;
    }
    return g_steal_pointer(&changes);
}
/* @end utxo-block-changes */

/* Whether A and B hold the same outputs (of one transaction). */
static gboolean same_outputs(GArray *a, GArray *b)
{
    if (a->len != b->len)
        return FALSE;
    for (guint i = 0; i < a->len; i++) {
        const UnspentOutput *x = &g_array_index(a, UnspentOutput, i);
        const UnspentOutput *y = &g_array_index(b, UnspentOutput, i);
        if (x->index != y->index || x->value != y->value ||
            memcmp(x->pubkey_hash, y->pubkey_hash, BC_RIPEMD160_LEN) != 0)
            return FALSE;
    }
    return TRUE;
}

/* The record holding OUTPUTS (NULL for none). */
static GBytes *record_of(const guint8 txid[BC_HASH_LEN], GArray *outputs)
{
    return outputs->len == 0 ? NULL : utxo_record_encode(txid, outputs);
}

/* @excerpt utxo-move */
/* Moves the set across BLOCK: on (CONNECT) from its parent, or off back to it. Each record gets
 * its final value, worked out from what it holds now (block_changes), so a move a crash cut in
 * the middle, made again, writes what the first would have written, and the marker's sums
 * (from the records before the block to those after) come out right: the roll at the next open
 * relies on it. Only REPLAY accepts records that are not exactly as before the move (they may
 * be half moved); otherwise that is damage, refused before anything is written. */
static gboolean move(UtxoSet *set, const Block *block, GArray *undo, gboolean connect,
                     gboolean replay, GError **error)
{
    BcStore *store = set->bc->chainstate;
    UtxoMarker marker;
    if (!marker_read(store, &marker, error))
        return FALSE;
    if (memcmp(marker.tip, connect ? block->prev_hash : block->hash, BC_HASH_LEN) != 0) {
        g_autofree gchar *hex = bc_hex_encode(block->hash, BC_HASH_LEN);
        g_set_error(error, BC_ERROR, BC_ERROR_CORRUPT, "the UTXO set is not where block %s %s", hex,
                    connect ? "goes on" : "comes off");
        return FALSE;
    }
    g_autoptr(GPtrArray) changes = block_changes(store, block, undo, error);
    if (changes == NULL)
        return FALSE;
    for (guint i = 0; i < changes->len; i++) {
        RecordChange *c = g_ptr_array_index(changes, i);
        GArray *before = connect ? c->without : c->with;
        if (!replay && !same_outputs(c->held, before)) {
            g_set_error(error, BC_ERROR, BC_ERROR_CORRUPT,
                        "the UTXO set does not hold what the block's undo data says");
            return FALSE;
        }
        /* A record as it was before the move: the one there, unless a replay finds it moved. */
        g_autoptr(GBytes) old = replay           ? record_of(c->txid, before)
                                : c->now != NULL ? g_bytes_ref(c->now)
                                                 : NULL;
        if (old != NULL)
            fold_record(&marker, c->txid, old, before, -1);
    }
    for (guint i = 0; i < changes->len; i++) {
        RecordChange *c = g_ptr_array_index(changes, i);
        GArray *after = connect ? c->with : c->without;
        g_autoptr(GBytes) raw = record_of(c->txid, after);
        if (raw != NULL)
            fold_record(&marker, c->txid, raw, after, +1);
        if (!(raw != NULL ? bc_store_put(store, UTXO_PREFIX, c->txid, BC_HASH_LEN, raw, error)
                          : bc_store_delete(store, UTXO_PREFIX, c->txid, BC_HASH_LEN, error)))
            return FALSE;
    }
    /* The marker last: a crash before it leaves the old marker, which no longer names the tip,
     * and the next open rolls the set on from there. (The caller syncs: blockchain_sync.) */
    memcpy(marker.tip, connect ? block->hash : block->prev_hash, BC_HASH_LEN);
    return marker_write(store, &marker, error);
}
/* @end utxo-move */

/* @excerpt utxo-update */
gboolean utxo_set_update(UtxoSet *set, const Block *block, GArray *undo, GError **error)
{
    return usable(set, error) && move(set, block, undo, TRUE, FALSE, error);
}

gboolean utxo_set_disconnect(UtxoSet *set, const Block *block, GArray *undo, GError **error)
{
    return usable(set, error) && move(set, block, undo, FALSE, FALSE, error);
}
/* @end utxo-update */

gboolean utxo_set_marker_block(Blockchain *bc, guint8 out[BC_HASH_LEN], GError **error)
{
    UtxoMarker marker;
    if (!marker_read(bc->chainstate, &marker, error))
        return FALSE;
    memcpy(out, marker.tip, BC_HASH_LEN);
    return TRUE;
}

gboolean utxo_set_roll(UtxoSet *set, const Block *block, GArray *undo, gboolean connect,
                       gboolean replay, GError **error)
{
    if (!move(set, block, undo, connect, replay, error))
        return FALSE;
    guint8 at[BC_HASH_LEN];
    if (!utxo_set_marker_block(set->bc, at, error))
        return FALSE;
    if (memcmp(at, set->bc->tip, BC_HASH_LEN) == 0)
        g_clear_pointer(&set->bc->chainstate_stale, g_free);
    return TRUE;
}

/* @excerpt utxo-find-output */
gboolean utxo_set_find_output(UtxoSet *set, const guint8 txid[BC_HASH_LEN], gint32 index,
                              UnspentOutput *out, GError **error)
{
    if (!usable(set, error))
        return FALSE;
    /* One record read: the outputs of TXID still unspent. */
    g_autoptr(GBytes) raw =
        bc_store_get(set->bc->chainstate, UTXO_PREFIX, txid, BC_HASH_LEN, error);
    if (raw == NULL)
        return FALSE;
    g_autoptr(GArray) outputs = utxo_record_decode(txid, raw, error);
    if (outputs == NULL)
        return FALSE;
    for (guint i = 0; i < outputs->len; i++) {
        if (g_array_index(outputs, UnspentOutput, i).index == index) {
            *out = g_array_index(outputs, UnspentOutput, i);
            return TRUE;
        }
    }
    g_set_error(error, BC_ERROR, BC_ERROR_NOT_FOUND, "output %d is not in the UTXO set", index);
    return FALSE;
}
/* @end utxo-find-output */

/* @excerpt utxo-check */
static gboolean is_unspent(UtxoSet *set, const TxInput *in, GError **error)
{
    g_autoptr(GError) local = NULL;
    UnspentOutput u;
    if (utxo_set_find_output(set, in->txid, in->vout, &u, &local))
        return TRUE;
    if (!g_error_matches(local, BC_ERROR, BC_ERROR_NOT_FOUND))
        g_propagate_error(error, g_steal_pointer(&local));
    return FALSE;
}

/* A transaction ID seen twice, in the block or in the set, would be one record for two
 * transactions: the set would count it once and a reindex twice. */
static gboolean is_new(BcStore *store, GHashTable *ids, const Transaction *tx, GError **error)
{
    g_autofree gchar *hex = bc_hex_encode(tx->id, BC_HASH_LEN);
    g_autoptr(GError) local = NULL;
    if (g_hash_table_contains(ids, hex) ||
        bc_store_contains(store, UTXO_PREFIX, tx->id, BC_HASH_LEN, &local)) {
        g_set_error(error, BC_ERROR, BC_ERROR_INVALID, "transaction %s is there already", hex);
        return FALSE;
    }
    if (local != NULL) {
        g_propagate_error(error, g_steal_pointer(&local));
        return FALSE;
    }
    g_hash_table_add(ids, g_steal_pointer(&hex));
    return TRUE;
}

gboolean utxo_set_check_unspent(UtxoSet *set, GPtrArray *transactions, GError **error)
{
    if (!usable(set, error))
        return FALSE;
    g_autoptr(GHashTable) spent = outpoint_set_new();
    g_autoptr(GHashTable) ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (guint t = 0; t < transactions->len; t++) {
        const Transaction *tx = g_ptr_array_index(transactions, t);
        if (!is_new(set->bc->chainstate, ids, tx, error))
            return FALSE;
        if (transaction_is_coinbase(tx))
            continue;
        for (guint i = 0; i < tx->vin->len; i++) {
            const TxInput *in = g_ptr_array_index(tx->vin, i);
            gboolean first_time = g_hash_table_add(spent, outpoint_new(in->txid, in->vout));
            GError *local = NULL;
            if (!first_time || !is_unspent(set, in, &local)) {
                if (local != NULL) {
                    g_propagate_error(error, local);
                    return FALSE;
                }
                g_autofree gchar *hex = bc_hex_encode(in->txid, BC_HASH_LEN);
                return bc_set_invalid(error, "output %s:%d is spent already: a double spend", hex,
                                      in->vout);
                return FALSE;
            }
        }
    }
    return TRUE;
}
/* @end utxo-check */

/* A walk over every record of the set (only the set: its file holds nothing else), checking each
 * and adding them up as the marker does; at the end the sums must be the marker's, or the set was
 * damaged: a record deleted, copied, or put back after it was spent. */
typedef struct {
    const guint8 *pubkey_hash; /* the outputs to collect, or NULL */
    GArray *found;
    UtxoMarker sums;
    GError *error;
} ScanContext;

static gboolean scan_record(const guint8 *key, gsize key_len, GBytes *value, gpointer user_data)
{
    ScanContext *ctx = user_data;
    if (key_len != BC_HASH_LEN) {
        g_set_error(&ctx->error, BC_ERROR, BC_ERROR_CORRUPT, "UTXO record with a bad key");
        return FALSE;
    }
    g_autoptr(GArray) outputs = utxo_record_decode(key, value, &ctx->error);
    if (outputs == NULL)
        return FALSE;
    fold_record(&ctx->sums, key, value, outputs, +1);
    for (guint i = 0; ctx->pubkey_hash != NULL && i < outputs->len; i++) {
        const UnspentOutput *u = &g_array_index(outputs, UnspentOutput, i);
        if (memcmp(u->pubkey_hash, ctx->pubkey_hash, BC_RIPEMD160_LEN) == 0)
            g_array_append_val(ctx->found, *u);
    }
    return TRUE;
}

static gboolean scan(UtxoSet *set, ScanContext *ctx, GError **error)
{
    UtxoMarker marker;
    if (!usable(set, error) || !marker_read(set->bc->chainstate, &marker, error) ||
        !bc_store_foreach(set->bc->chainstate, UTXO_PREFIX, scan_record, ctx, error))
        return FALSE;
    if (ctx->error != NULL) {
        g_propagate_error(error, g_steal_pointer(&ctx->error));
        return FALSE;
    }
    if (ctx->sums.records != marker.records || ctx->sums.total != marker.total ||
        memcmp(ctx->sums.digest, marker.digest, BC_HASH_LEN) != 0) {
        g_set_error(error, BC_ERROR, BC_ERROR_CORRUPT,
                    "the UTXO set does not match its marker (%u records worth %" G_GINT64_FORMAT
                    ", the marker says %u worth %" G_GINT64_FORMAT "): run 'reindexutxo'",
                    ctx->sums.records, ctx->sums.total, marker.records, marker.total);
        return FALSE;
    }
    return TRUE;
}

GArray *utxo_set_find_unspent(UtxoSet *set, const guint8 pubkey_hash[BC_RIPEMD160_LEN],
                              GError **error)
{
    g_autoptr(GArray) found = g_array_new(FALSE, FALSE, sizeof(UnspentOutput));
    ScanContext ctx = {.pubkey_hash = pubkey_hash, .found = found};
    if (!scan(set, &ctx, error))
        return NULL;
    return g_steal_pointer(&found);
}

gboolean utxo_set_count_transactions(UtxoSet *set, guint *count, GError **error)
{
    ScanContext ctx = {0};
    *count = 0;
    if (!scan(set, &ctx, error))
        return FALSE;
    *count = ctx.sums.records;
    return TRUE;
}
