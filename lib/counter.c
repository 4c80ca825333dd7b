/* counter.c - batched, prefetching dictionary and class-table updates, optionally threaded. */
#include "counter.h"

#include <stdlib.h>
#include <string.h>

#include "bigmem.h"

/* Bytes of the slab's blocks: one 2 MiB huge page holds four to five batches of three QIs. */
#define SLAB_BLOCK ((size_t)2 << 20)

static int slab_init(reid_batch_slab *s)
{
    memset(s, 0, sizeof *s);
    return pthread_mutex_init(&s->mu, NULL) == 0 ? 0 : -1;
}

static void slab_free(reid_batch_slab *s)
{
    for (size_t i = 0; i < s->nblocks; i++) {
        if (i == 0)
            free(s->blocks[i]);
        else
            reid_big_free(s->blocks[i], s->bsize[i]);
    }
    free(s->blocks);
    free(s->bsize);
    pthread_mutex_destroy(&s->mu);
}

/* bytes (a multiple of 64) from the slab; NULL when out of memory. What is left of a block too
 * small for them is not used. The first block, for the ring's batches (the first asked for), is of
 * the C heap, in 4 KiB pages: a small input, which needs no other batch, then touches no more
 * memory than it did without a slab. */
static void *slab_take(reid_batch_slab *s, size_t bytes)
{
    void *r = NULL;
    pthread_mutex_lock(&s->mu);
    if (bytes > s->left) {
        size_t n = bytes > SLAB_BLOCK ? bytes : SLAB_BLOCK;
        if (s->nblocks == 0) n = REID_RING * bytes;
        if (s->nblocks == s->bcap) {
            size_t cap = s->bcap ? 2 * s->bcap : 8;
            char **b = realloc(s->blocks, cap * sizeof *b);
            if (b) s->blocks = b;
            size_t *z = b ? realloc(s->bsize, cap * sizeof *z) : NULL;
            if (z) s->bsize = z;
            if (!b || !z) goto out;
            s->bcap = cap;
        }
        char *p = s->nblocks == 0 ? aligned_alloc(64, n) : reid_big_alloc(n);
        if (!p) goto out;
        s->blocks[s->nblocks] = p;
        s->bsize[s->nblocks++] = n;
        s->cur = p;
        s->left = n;
    }
    r = s->cur;
    s->cur += bytes;
    s->left -= bytes;
out:
    pthread_mutex_unlock(&s->mu);
    return r;
}

/* A buffer of a batch grown to cap bytes: realloc'ed when it is its own, copied out of the batch's
 * block into a malloc'ed one when it is not. NULL when out of memory (*buf is then unchanged). */
static char *grow_buffer(char **buf, int *in_block, size_t used, size_t cap)
{
    char *p;
    if (*in_block) {
        p = malloc(cap);
        if (p && used) memcpy(p, *buf, used);
        if (p) *in_block = 0;
    } else {
        p = realloc(*buf, cap);
    }
    if (p) *buf = p;
    return p;
}

char *reid_batch_grow(reid_batch *b, size_t need)
{
    if (!b->bytes || b->blen + need > b->bcap) { /* allocated even for an empty first value */
        size_t cap = b->bcap ? b->bcap : 65536;
        while (cap < b->blen + need)
            cap *= 2;
        if (!grow_buffer(&b->bytes, &b->bytes_in_block, b->blen, cap)) return NULL;
        b->bcap = cap;
    }
    return b->bytes + b->blen;
}

/* Bytes held by every table except the class table: the QI and sensitive-value dictionaries and
 * the sensitive (class, value) pair tables. */
static uint64_t dict_bytes(const reid_counter *c)
{
    uint64_t b = 0;
    for (size_t j = 0; j < c->q; j++)
        b += reid_dict_bytes(c->dicts[j]);
    for (size_t m = 0; m < c->ns; m++)
        b += reid_dict_bytes(c->sdicts[m]) + reid_pairlog_bytes(c->spairs[m]) +
             reid_valsnap_bytes(atomic_load_explicit(&c->ssnap[m], memory_order_relaxed));
    if (c->people) b += reid_people_bytes(c->people); /* --id, --events: within the limit too */
    if (c->events) b += reid_events_bytes(c->events);
    return b;
}

static void set_oom(reid_counter *c)
{
    const reid_classtable *t = c->table;
    int refused = t->over_budget;
    for (size_t m = 0; m < c->ns; m++)
        refused |= c->spairs[m]->over_budget;
    if (c->max_memory && (refused || dict_bytes(c) + reid_classtable_bytes(t) > c->max_memory))
        reid_error_set(&c->err, REID_ERR_NOMEM, 0, 0,
                       "the tables would need more than the memory limit of %.1f MiB "
                       "(--max-memory) after %llu records and %llu classes; raise the limit, "
                       "or use fewer or coarser quasi-identifiers",
                       (double)c->max_memory / 1048576.0, (unsigned long long)t->records,
                       (unsigned long long)t->nclasses);
    else
        reid_error_set(&c->err, REID_ERR_NOMEM, 0, 0, "out of memory while counting classes");
}

/* Keep the class table within what the limit leaves after the dictionaries. -1 if over. */
static int budget(reid_counter *c)
{
    if (!c->max_memory) return 0;
    uint64_t d = dict_bytes(c), all = d + reid_classtable_bytes(c->table);
    if (all > c->max_memory) return -1;
    c->table->budget = c->max_memory - d;
    /* each pair table may grow into what the others leave */
    for (size_t m = 0; m < c->ns; m++)
        c->spairs[m]->budget = c->max_memory - (all - reid_pairlog_bytes(c->spairs[m]));
    return 0;
}

int reid_batch_norm_grow(reid_batch *b, size_t need)
{
    size_t cap = b->ncap ? b->ncap : 65536;
    while (cap < b->nlen + need)
        cap *= 2;
    if (!grow_buffer(&b->norm, &b->norm_in_block, b->nlen, cap)) return -1;
    b->ncap = cap;
    return 0;
}

/*
 * The part of a batch's work that needs no shared table (the values were checked for missing and
 * normalised as the records were filled): every QI value hashed, and each sensitive value looked up
 * in its column's latest snapshot or else hashed. It runs on the thread that filled the batch,
 * before the hand-over, so that with two threads the reader's half and the counter's half of
 * the work are nearly equal (the counting thread was the slower). -1 when out of memory.
 */
static int prepare_batch(const reid_counter *c, reid_batch *b)
{
    const size_t n = b->n, q = c->q;
    const char *const bytes = b->norm;
    const size_t *const voff = b->noff, *const vlen = b->nvlen;
    uint64_t *const hash = b->hash;
    reid_dict_hash_many(bytes, voff, vlen, n * q, REID_VALUE_MISSING, hash);
    /* the sensitive values: a short one found in its column's latest snapshot gets its id here
     * (the snapshots' slots prefetched REID_PREFETCH_AHEAD records ahead); the others are hashed
     * for the counting, which interns them in order */
    const size_t ns = c->ns;
    for (size_t m = 0; m < ns; m++) {
        const reid_valsnap *snap = atomic_load_explicit(&c->ssnap[m], memory_order_acquire);
        const size_t D = REID_PREFETCH_AHEAD;
        for (size_t r = 0; snap && r < n && r < D; r++) {
            const size_t v = r * ns + m;
            if (b->sids[v] == REID_SID_PENDING && b->svlen[v] <= REID_VALSNAP_BYTES)
                reid_valsnap_prefetch(snap, b->shead[v], b->svlen[v]);
        }
        for (size_t r = 0; r < n; r++) {
            const size_t v = r * ns + m, a = (r + D) * ns + m;
            if (snap && r + D < n && b->sids[a] == REID_SID_PENDING &&
                b->svlen[a] <= REID_VALSNAP_BYTES)
                reid_valsnap_prefetch(snap, b->shead[a], b->svlen[a]);
            if (b->sids[v] != REID_SID_PENDING) continue; /* missing */
            const size_t len = b->svlen[v];
            if (len <= REID_VALSNAP_BYTES) {
                uint32_t id = snap ? reid_valsnap_find(snap, b->shead[v], len) : 0;
                if (id) {
                    b->sids[v] = id;
                    continue;
                }
                char buf[8];
                reid_dict_head_bytes(b->shead[v], buf);
                b->shash[v] = reid_dict_hash(buf, len);
            } else {
                b->shash[v] = reid_dict_hash(b->bytes + b->svoff[v], len);
            }
        }
    }
    return 0;
}

int reid_counter_generalise(const reid_counter *c, reid_batch *b, size_t j, size_t *out)
{
    char buf[REID_HIER_BUF];
    size_t n;
    int parsed;
    const char *v = b->norm + b->nlen;
    const char *g =
        reid_hierarchy_apply(&c->gen_hier[j], c->gen_level[j], v, *out, buf, &n, &parsed);
    b->tally[2 * c->q + j] += !parsed;
    if (!g || g == v) { /* not in a user hierarchy (kept), or a prefix of the value */
        if (g) *out = n;
        return 0;
    }
    if (b->nlen + n > b->ncap) {
        size_t cap = b->ncap;
        while (cap < b->nlen + n)
            cap *= 2;
        if (!grow_buffer(&b->norm, &b->norm_in_block, b->nlen, cap)) return -1;
        b->ncap = cap;
    }
    memcpy(b->norm + b->nlen, g, n);
    *out = n;
    return 0;
}

/*
 * After a batch's values of sensitive column m are counted (missed: its values of up to
 * REID_VALSNAP_BYTES bytes that the snapshot lacked): a new snapshot of the column's short values
 * for the threads that prepare batches (valsnap.h), once the values missed since the last one are
 * as many as the values a new one would hold, so that building snapshots costs at most a slot per
 * value missed. Snapshots are kept to the end, so their memory is bounded too: a new one only
 * while all the ones before it hold at most 4 times its bytes (a dictionary that grows is
 * snapshotted as often as it needs; one whose new values keep coming at a steady rate, as a column
 * ordered by time can, at most 4 times per doubling of its slots), so that together they hold at
 * most 5 times the last one; and of at most REID_VALSNAP_MAX_VALUES values. A snapshot is an
 * optimisation: without one, the values are interned in order as before.
 */
static void maybe_snapshot(reid_counter *c, size_t m, size_t missed)
{
    const reid_dict *d = c->sdicts[m];
    reid_valsnap *old = atomic_load_explicit(&c->ssnap[m], memory_order_relaxed);
    c->snap_missed[m] += missed;
    if (d->count <= (old ? old->count : 1) || c->snap_missed[m] < d->count ||
        d->count > REID_VALSNAP_MAX_VALUES ||
        reid_valsnap_bytes(old) > 4 * reid_valsnap_size_for(d->count))
        return;
    c->snap_missed[m] = 0;
    reid_valsnap *s = reid_valsnap_build(d, old);
    if (s) atomic_store_explicit(&c->ssnap[m], s, memory_order_release);
}

/*
 * Counting a batch is two stages, each of which must see the batches in input order:
 * count_values gives every value its id (the QI and sensitive-value dictionaries: ids in
 * first-seen order), count_classes adds the keys to the class table and does what needs each
 * record's class (first values and pairs of the sensitive columns, positions, people, events). The
 * two touch no table in common, so with enough threads the first stage of one chunk runs while the
 * second counts the chunk before it (parallel.c), except under a memory limit, whose checks read
 * every table.
 */
static int count_values(reid_counter *c, reid_batch *b)
{
    const size_t n = b->n, q = c->q;
    for (size_t j = 0; j < q; j++) { /* what preparing the batch counted */
        c->missing_count[j] += b->tally[j];
        c->unrecognised_count[j] += b->tally[q + j];
        if (c->gen_unparsed) c->gen_unparsed[j] += b->tally[2 * q + j];
    }
    /* locals, so that stores through keys and hash cannot force reloads of the batch */
    const char *const bytes = b->norm;
    const size_t *const voff = b->noff, *const vlen = b->nvlen;
    uint64_t *const hash = b->hash;
    uint32_t *const keys = b->keys;
    for (size_t j = 0; j < q; j++) {
        reid_dict *d = c->dicts[j];
        /* two stages: the slot of record r + 2D, then the entry of record r + D */
        const size_t D = REID_PREFETCH_AHEAD / 2;
        for (size_t r = 0; r < n && r < 2 * D; r++)
            if (vlen[r * q + j] != REID_VALUE_MISSING) reid_dict_prefetch(d, hash[r * q + j]);
        for (size_t r = 0; r < n; r++) {
            size_t ahead = (r + 2 * D) * q + j, near = (r + D) * q + j;
            if (r + 2 * D < n && vlen[ahead] != REID_VALUE_MISSING)
                reid_dict_prefetch(d, hash[ahead]);
            if (r + D < n && vlen[near] != REID_VALUE_MISSING)
                reid_dict_prefetch_entry(d, hash[near]);
            size_t v = r * q + j;
            if (vlen[v] == REID_VALUE_MISSING)
                keys[v] = REID_DICT_MISSING;
            else if (reid_dict_intern_hashed(d, bytes + voff[v], vlen[v], hash[v], &keys[v]) != 0)
                return -1;
        }
    }
    /* sensitive columns: the ids of the values that preparing the batch did not find in a
     * snapshot, interned in record order (the first of a class and the pairs are counted with the
     * classes) */
    if (c->ns) {
        const size_t ns = c->ns;
        uint32_t *const ids = b->sids;
        for (size_t m = 0; m < ns; m++) {
            reid_dict *d = c->sdicts[m];
            /* prefetched in two stages like the QI values: a column of thousands of values (a
             * diagnosis) outgrows the first caches */
            const size_t D = REID_PREFETCH_AHEAD / 2;
            size_t missed = 0;
            for (size_t r = 0; r < n && r < 2 * D; r++)
                if (ids[r * ns + m] == REID_SID_PENDING)
                    reid_dict_prefetch(d, b->shash[r * ns + m]);
            for (size_t r = 0; r < n; r++) {
                const size_t ahead = (r + 2 * D) * ns + m, near = (r + D) * ns + m, v = r * ns + m;
                if (r + 2 * D < n && ids[ahead] == REID_SID_PENDING)
                    reid_dict_prefetch(d, b->shash[ahead]);
                if (r + D < n && ids[near] == REID_SID_PENDING)
                    reid_dict_prefetch_entry(d, b->shash[near]);
                if (ids[v] != REID_SID_PENDING) continue;
                const size_t len = b->svlen[v];
                missed += len <= REID_VALSNAP_BYTES;
                char buf[8];
                const char *s = buf;
                if (len <= REID_VALSNAP_BYTES)
                    reid_dict_head_bytes(b->shead[v], buf);
                else
                    s = b->bytes + b->svoff[v];
                if (reid_dict_intern_hashed(d, s, len, b->shash[v], &ids[v]) != 0) return -1;
            }
            /* records per value, for the global distribution (sensitive.c): counted here, it
             * needs no pass over the classes afterwards */
            if (d->count > c->svcap[m]) {
                size_t cap = (size_t)d->count * 2;
                uint64_t *p = realloc(c->svcount[m], cap * sizeof *p);
                if (!p) return -1;
                memset(p + c->svcap[m], 0, (cap - c->svcap[m]) * sizeof *p);
                c->svcount[m] = p;
                c->svcap[m] = cap;
            }
            uint64_t *cnt = c->svcount[m];
            for (size_t r = 0; r < n; r++)
                cnt[ids[r * ns + m]]++;
            maybe_snapshot(c, m, missed);
        }
    }
    return 0;
}

/*
 * The sensitive values of a batch against their classes' first values (first: the class table's
 * sfirst, of the width in the name): a class's first record sets them, a later record whose value
 * differs is appended to the column's pairs (c->spairs[m], pairlog.h), in record order. The
 * classes' first values (one cache line, at random in the table) are prefetched
 * REID_PREFETCH_AHEAD records ahead; the pairs are written in sequence. 0, or -1 when out of
 * memory.
 */
#define FIRST_VALUES(NAME, T, UNSET)                                                               \
    static int NAME(reid_counter *c, const reid_batch *b, void *firstp)                            \
    {                                                                                              \
        const size_t n = b->n, ns = c->ns;                                                         \
        const uint32_t *const ids = b->sids, *const cls = b->cls;                                  \
        reid_pairlog *const *const pairs = c->spairs;                                              \
        T *const first = firstp;                                                                   \
        for (size_t r = 0; r < n && r < REID_PREFETCH_AHEAD; r++)                                  \
            __builtin_prefetch(&first[(size_t)cls[r] * ns], 1);                                    \
        for (size_t r = 0; r < n; r++) {                                                           \
            if (r + REID_PREFETCH_AHEAD < n)                                                       \
                __builtin_prefetch(&first[(size_t)cls[r + REID_PREFETCH_AHEAD] * ns], 1);          \
            T *f = &first[(size_t)cls[r] * ns];                                                    \
            for (size_t m = 0; m < ns; m++) {                                                      \
                uint32_t id = ids[r * ns + m];                                                     \
                if (f[m] == (UNSET)) {                                                             \
                    f[m] = (T)id;                                                                  \
                } else if (f[m] != id && reid_pairlog_add(pairs[m], cls[r], id) != 0) {            \
                    return -1;                                                                     \
                }                                                                                  \
            }                                                                                      \
        }                                                                                          \
        return 0;                                                                                  \
    }
FIRST_VALUES(first_values_u8, uint8_t, UINT8_MAX)
FIRST_VALUES(first_values_u16, uint16_t, UINT16_MAX)
FIRST_VALUES(first_values_u32, uint32_t, REID_CLASSTABLE_UNSET)
#undef FIRST_VALUES

static int count_classes(reid_counter *c, reid_batch *b)
{
    const size_t n = b->n, q = c->q;
    uint64_t *const hash = b->hash;
    uint32_t *const keys = b->keys;
    reid_classtable *t = c->table;
    reid_classtable_hash_many(t, keys, n, hash);
    for (size_t r = 0; r < n && r < REID_PREFETCH_AHEAD; r++)
        reid_classtable_prefetch(t, hash[r]);
    if (c->ns || b->pos || c->people) {
        /* the class indices too, for the sensitive columns and the people below (and a new
         * class' position) */
        const double *const w = b->weight;
        uint32_t *const cls = b->cls;
        const size_t D = REID_PREFETCH_AHEAD / 2;
        for (size_t r = 0; r < n; r++) {
            if (r + REID_PREFETCH_AHEAD < n)
                reid_classtable_prefetch(t, hash[r + REID_PREFETCH_AHEAD]);
            if (r + D < n) reid_classtable_prefetch_entry(t, hash[r + D]);
            uint64_t before = t->nclasses;
            int64_t ci = reid_classtable_add_indexed(t, keys + r * q, hash[r], 1, w ? w[r] : 0);
            if (ci < 0) return -1;
            if (cls) cls[r] = (uint32_t)ci;
            if (b->pos && (uint64_t)ci == before)
                memcpy(&t->pos[2 * (uint64_t)ci], &b->pos[2 * r], 2 * sizeof *b->pos);
        }
    } else if (b->weight) {
        const double *const w = b->weight;
        const size_t D = REID_PREFETCH_AHEAD / 2;
        for (size_t r = 0; r < n; r++) {
            if (r + REID_PREFETCH_AHEAD < n)
                reid_classtable_prefetch(t, hash[r + REID_PREFETCH_AHEAD]);
            if (r + D < n) reid_classtable_prefetch_entry(t, hash[r + D]);
            if (reid_classtable_add_weighted(t, keys + r * q, hash[r], 1, w[r]) != 0) return -1;
        }
    } else {
        /* two stages, as for the dictionaries: the slot of record r + 2D, then the class of
         * record r + D (its key and size) */
        const size_t D = REID_PREFETCH_AHEAD / 2;
        for (size_t r = 0; r < n; r++) {
            if (r + REID_PREFETCH_AHEAD < n)
                reid_classtable_prefetch(t, hash[r + REID_PREFETCH_AHEAD]);
            if (r + D < n) reid_classtable_prefetch_entry(t, hash[r + D]);
            if (reid_classtable_add_hashed(t, keys + r * q, hash[r], 1) != 0) return -1;
        }
    }
    /* sensitive columns: the first value of a class is kept inline (t->sfirst, set here: a class
     * is new at its first record, and records are taken in order), a value that differs from it
     * goes to the (class index, value id) pairs. One pass over the records handles all the
     * columns of a record at once, with its class's inline values (one cache line, at random in
     * the table) prefetched REID_PREFETCH_AHEAD records ahead. The inline values are as narrow
     * as the batch's largest id allows (classtable.h), widened first if need be. */
    if (c->ns) {
        const size_t ns = c->ns;
        const uint32_t *const ids = b->sids;
        uint32_t maxid = 0;
        for (size_t v = 0; v < n * ns; v++)
            maxid = ids[v] > maxid ? ids[v] : maxid;
        if (reid_classtable_fit_first(t, maxid) != 0) return -1;
        int rc;
        if (t->sfw == 1)
            rc = first_values_u8(c, b, t->sfirst);
        else if (t->sfw == 2)
            rc = first_values_u16(c, b, t->sfirst);
        else
            rc = first_values_u32(c, b, t->sfirst);
        if (rc != 0) return -1;
    }
    /* people (--id): each record's pseudonym with its class, in record order; the pseudonyms are
     * hashed first (hash[] is free again) and their dictionary slots prefetched ahead */
    if (c->people) {
        const reid_dict *pd = &c->people->ids;
        const size_t D = REID_PREFETCH_AHEAD / 2;
        for (size_t r = 0; r < n; r++)
            hash[r] = reid_dict_hash(b->bytes + b->pvoff[r * 3], b->pvlen[r * 3]);
        for (size_t r = 0; r < n; r++) {
            if (r + 2 * D < n) reid_dict_prefetch(pd, hash[r + 2 * D]);
            if (r + D < n) reid_dict_prefetch_entry(pd, hash[r + D]);
            const size_t *po = b->pvoff + r * 3, *pl = b->pvlen + r * 3;
            const char *id = b->bytes + po[0];
            int idmiss = reid_missing_set_has(c->missing, id, pl[0]);
            const char *sx = pl[1] == REID_VALUE_MISSING ? NULL : b->bytes + po[1];
            const char *db = pl[2] == REID_VALUE_MISSING ? NULL : b->bytes + po[2];
            uint32_t person;
            if (reid_people_add_hashed(c->people, c->missing, b->cls[r], id, pl[0], idmiss, hash[r],
                                       sx, sx ? pl[1] : 0, db, db ? pl[2] : 0, &person) != 0)
                return -1;
            if (c->events) b->evperson[r] = person;
        }
    }
    /* events (--events): each record's event key, then its (person, event, class) triple with the
     * event table's slots prefetched ahead (hash[] is free again); UINT32_MAX = no event */
    if (c->events) {
        reid_events_counter *ev = c->events;
        const size_t ne = ev->ne;
        for (size_t r = 0; r < n; r++) {
            const char *vals[64];
            for (size_t m = 0; m < ne; m++)
                vals[m] = b->bytes + b->evoff[r * ne + m];
            int k = reid_events_key(ev, c->missing, vals, b->evlen + r * ne, b->evkeys + r * ne);
            if (k < 0) return -1;
            if (k == 0)
                b->evperson[r] = UINT32_MAX;
            else
                hash[r] = reid_classtable_hash(&ev->events, b->evkeys + r * ne);
        }
        for (size_t r = 0; r < n; r++) {
            size_t ahead = r + REID_PREFETCH_AHEAD;
            if (ahead < n && b->evperson[ahead] != UINT32_MAX)
                reid_classtable_prefetch(&ev->events, hash[ahead]);
            if (b->evperson[r] != UINT32_MAX &&
                reid_events_add_key(ev, b->evperson[r], b->cls[r], b->evkeys + r * ne, hash[r]) !=
                    0)
                return -1;
        }
    }
    reid_batch_clear(b, q);
    return budget(c);
}

static int count_batch(reid_counter *c, reid_batch *b)
{
    if (budget(c) != 0) return -1;
    return count_values(c, b) == 0 ? count_classes(c, b) : -1;
}

/* Make room in t for the entries expected at the end of the input, from the entries per record
 * so far. 0, or -1 when out of memory. */
static int size_ahead(reid_classtable *t, uint64_t records, uint64_t expect_rows)
{
    double want = (double)t->nclasses / (double)records * (double)expect_rows * 1.05;
    if (want > (double)REID_CLASSTABLE_MAX_CLASSES) want = (double)REID_CLASSTABLE_MAX_CLASSES;
    if (reid_classtable_reserve(t, (uint64_t)want) == 0) return 0;
    if (!t->over_budget) return -1;
    t->over_budget = 0; /* sizing ahead is an optimisation: within a limit, grow step by step */
    return 0;
}

/* After a batch: size the class table for the whole input once the number of records is known
 * (growing by doubling rehashes every entry each time). The sensitive columns' pairs are a log that
 * grows in place (pairlog.h): nothing to size. */
static int size_table(reid_counter *c, uint64_t expect_rows)
{
    reid_classtable *t = c->table;
    if (c->sized || !expect_rows || !t->records) return 0;
    c->sized = 1;
    return size_ahead(t, t->records, expect_rows);
}

void reid_counter_expect(reid_counter *c, uint64_t rows)
{
    if (c->threaded) pthread_mutex_lock(&c->mu);
    c->expect_rows = rows;
    if (c->threaded) pthread_mutex_unlock(&c->mu);
}

static void *count_thread(void *arg)
{
    reid_counter *c = arg;
    pthread_mutex_lock(&c->mu);
    for (;;) {
        while (c->ready == 0 && !c->done)
            pthread_cond_wait(&c->cv, &c->mu);
        if (c->ready == 0) break; /* done, and nothing left */
        reid_batch *b = &c->ring[c->head];
        int skip = c->err.status != REID_OK;
        uint64_t expect = c->expect_rows;
        pthread_mutex_unlock(&c->mu);
        int rc = skip ? -1 : count_batch(c, b);
        if (rc == 0) rc = size_table(c, expect);
        pthread_mutex_lock(&c->mu);
        if (rc != 0) {
            if (!skip) set_oom(c);
            reid_batch_clear(b, c->q); /* dropped; the filler sees the error */
        }
        c->head = (c->head + 1) % REID_RING;
        c->ready--;
        pthread_cond_broadcast(&c->cv);
    }
    pthread_mutex_unlock(&c->mu);
    return NULL;
}

/* The ring's batches, with the arrays the counter's settings need (again after each
 * reid_counter_use_*, which come before the first record). */
static int ring_alloc(reid_counter *c)
{
    for (int i = 0; i < REID_RING; i++) {
        reid_counter_batch_free(&c->ring[i]);
        if (reid_counter_batch_init(c, &c->ring[i]) != 0) return -1;
    }
    return 0;
}

int reid_counter_init(reid_counter *c, size_t q, const reid_qi_type *types,
                      const reid_missing_set *missing, reid_dict **dicts, reid_classtable *table,
                      unsigned threads)
{
    memset(c, 0, sizeof *c);
    c->q = q;
    c->types = types;
    c->missing = missing;
    c->missing_count = calloc(q ? q : 1, sizeof *c->missing_count);
    c->unrecognised_count = calloc(q ? q : 1, sizeof *c->unrecognised_count);
    if (!c->missing_count || !c->unrecognised_count) return -1;
    c->dicts = dicts;
    c->table = table;
    c->slab = malloc(sizeof *c->slab);
    if (!c->slab) return -1;
    if (slab_init(c->slab) != 0) {
        free(c->slab);
        c->slab = NULL;
        return -1;
    }
    if (ring_alloc(c) != 0) return -1;
    if (threads >= 2) {
        if (pthread_mutex_init(&c->mu, NULL) != 0) return -1;
        if (pthread_cond_init(&c->cv, NULL) != 0) {
            pthread_mutex_destroy(&c->mu);
            return -1;
        }
        c->threaded = 1;
        if (pthread_create(&c->thread, NULL, count_thread, c) != 0) {
            c->threaded = 0; /* count on the caller's thread instead */
            pthread_cond_destroy(&c->cv);
            pthread_mutex_destroy(&c->mu);
        }
    }
    return 0;
}

int reid_counter_use_weights(reid_counter *c)
{
    if (!c->table->wsum) return -1;
    c->weights = 1;
    return ring_alloc(c);
}

int reid_counter_use_positions(reid_counter *c)
{
    if (!c->table->pos) return -1;
    c->positions = 1;
    return ring_alloc(c);
}

int reid_counter_use_sensitive(reid_counter *c, size_t ns, reid_dict **sdicts,
                               reid_pairlog **spairs)
{
    if (!ns) return 0;
    if (c->table->ns != ns) return -1;
    c->ns = ns;
    c->sdicts = sdicts;
    c->spairs = spairs;
    c->svcount = calloc(ns, sizeof *c->svcount);
    c->svcap = calloc(ns, sizeof *c->svcap);
    c->ssnap = calloc(ns, sizeof *c->ssnap);
    c->snap_missed = calloc(ns, sizeof *c->snap_missed);
    if (!c->svcount || !c->svcap || !c->ssnap || !c->snap_missed) return -1;
    for (size_t m = 0; m < ns; m++)
        atomic_init(&c->ssnap[m], NULL);
    return ring_alloc(c);
}

int reid_counter_use_people(reid_counter *c, reid_people_counter *people)
{
    c->people = people;
    return ring_alloc(c);
}

int reid_counter_use_events(reid_counter *c, reid_events_counter *events)
{
    if (!c->people || events->ne > 64) return -1;
    c->events = events;
    return ring_alloc(c);
}

static void stop_thread(reid_counter *c)
{
    if (!c->threaded) return;
    pthread_mutex_lock(&c->mu);
    c->done = 1;
    pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&c->mu);
    pthread_join(c->thread, NULL);
    pthread_cond_destroy(&c->cv);
    pthread_mutex_destroy(&c->mu);
    c->threaded = 0;
}

void reid_counter_drop_batches(reid_counter *c)
{
    for (int i = 0; i < REID_RING; i++)
        reid_counter_batch_free(&c->ring[i]);
    if (c->slab) {
        slab_free(c->slab);
        free(c->slab);
        c->slab = NULL;
    }
}

void reid_counter_free(reid_counter *c)
{
    if (c->threaded) {
        /* abandon pending batches: the analysis is being thrown away */
        pthread_mutex_lock(&c->mu);
        c->err.status = c->err.status ? c->err.status : REID_ERR_STATE;
        pthread_mutex_unlock(&c->mu);
        stop_thread(c);
    }
    reid_counter_drop_batches(c);
    for (size_t m = 0; c->svcount && m < c->ns; m++)
        free(c->svcount[m]);
    for (size_t m = 0; c->ssnap && m < c->ns; m++)
        reid_valsnap_free(atomic_load_explicit(&c->ssnap[m], memory_order_relaxed));
    free(c->svcount);
    free(c->svcap);
    free(c->ssnap);
    free(c->snap_missed);
    free(c->missing_count);
    free(c->unrecognised_count);
    free(c->gen_unparsed);
    memset(c, 0, sizeof *c);
}

int reid_counter_use_generalise(reid_counter *c, const reid_hierarchy *hier, const unsigned *level)
{
    c->gen_unparsed = calloc(c->q ? c->q : 1, sizeof *c->gen_unparsed);
    if (!c->gen_unparsed) return -1;
    c->gen_hier = hier;
    c->gen_level = level;
    return 0;
}

/* Hand the current batch to the counting thread and take the next free one. */
static int hand_over(reid_counter *c)
{
    if (prepare_batch(c, &c->ring[c->fill]) != 0) {
        pthread_mutex_lock(&c->mu);
        if (c->err.status == REID_OK)
            reid_error_set(&c->err, REID_ERR_NOMEM, 0, 0, "out of memory while counting classes");
        pthread_mutex_unlock(&c->mu);
        return -1;
    }
    pthread_mutex_lock(&c->mu);
    c->ready++;
    pthread_cond_broadcast(&c->cv);
    c->fill = (c->fill + 1) % REID_RING;
    while (c->ready == REID_RING)
        pthread_cond_wait(&c->cv, &c->mu);
    int failed = c->err.status != REID_OK;
    pthread_mutex_unlock(&c->mu);
    return failed ? -1 : 0;
}

int reid_counter_record_done(reid_counter *c)
{
    reid_batch *b = &c->ring[c->fill];
    if (++b->n < REID_BATCH) return 0;
    if (c->threaded) return hand_over(c);
    if (prepare_batch(c, b) != 0 || count_batch(c, b) != 0 || size_table(c, c->expect_rows) != 0) {
        set_oom(c);
        return -1;
    }
    return 0;
}

/* Without the counting thread: count the batch being filled, on the caller's thread. */
static int count_here(reid_counter *c)
{
    reid_batch *b = &c->ring[c->fill];
    if (b->n && (prepare_batch(c, b) != 0 || count_batch(c, b) != 0)) set_oom(c);
    return c->err.status ? -1 : 0;
}

int reid_counter_drain(reid_counter *c)
{
    reid_batch *b = &c->ring[c->fill];
    if (!c->threaded) return count_here(c);
    if (b->n) {
        int bad = prepare_batch(c, b) != 0;
        pthread_mutex_lock(&c->mu);
        if (bad) {
            if (c->err.status == REID_OK)
                reid_error_set(&c->err, REID_ERR_NOMEM, 0, 0,
                               "out of memory while counting classes");
            reid_batch_clear(b, c->q);
        } else {
            c->ready++;
            c->fill = (c->fill + 1) % REID_RING;
            pthread_cond_broadcast(&c->cv);
        }
        pthread_mutex_unlock(&c->mu);
    }
    stop_thread(c); /* counts what is pending, then exits */
    return c->err.status ? -1 : 0;
}

void reid_counter_batch_free(reid_batch *b)
{
    if (!b->bytes_in_block) free(b->bytes);
    if (!b->norm_in_block) free(b->norm);
    if (b->block_owned) free(b->block);
    memset(b, 0, sizeof *b);
}

/* The first bytes of a batch's bytes and norm buffers, in its block. */
#define BATCH_FIRST_BUFFER 65536

int reid_counter_batch_init(const reid_counter *c, reid_batch *b)
{
    memset(b, 0, sizeof *b);
    const size_t nv = REID_BATCH * (c->q ? c->q : 1), ns = c->ns;
    const size_t ne = c->events ? c->events->ne : 0;
    const int cls = ns || c->people;
    /* the arrays the settings need: where each goes, its elements and their size */
    struct {
        void *field;
        int wanted;
        size_t n, size;
    } const a[] = {
        {&b->hash, 1, nv, sizeof *b->hash},
        {&b->keys, 1, nv, sizeof *b->keys},
        {&b->noff, 1, nv, sizeof *b->noff},
        {&b->nvlen, 1, nv, sizeof *b->nvlen},
        {&b->tally, 1, 3 * c->q + 1, sizeof *b->tally},
        {&b->weight, c->weights, REID_BATCH, sizeof *b->weight},
        {&b->pos, c->positions, REID_BATCH * 2, sizeof *b->pos},
        {&b->svoff, ns > 0, REID_BATCH * ns, sizeof *b->svoff},
        {&b->svlen, ns > 0, REID_BATCH * ns, sizeof *b->svlen},
        {&b->shead, ns > 0, REID_BATCH * ns, sizeof *b->shead},
        {&b->shash, ns > 0, REID_BATCH * ns, sizeof *b->shash},
        {&b->sids, ns > 0, REID_BATCH * ns, sizeof *b->sids},
        {&b->cls, cls, REID_BATCH, sizeof *b->cls},
        {&b->pvoff, c->people != NULL, REID_BATCH * 3, sizeof *b->pvoff},
        {&b->pvlen, c->people != NULL, REID_BATCH * 3, sizeof *b->pvlen},
        {&b->evoff, ne > 0, REID_BATCH * ne, sizeof *b->evoff},
        {&b->evlen, ne > 0, REID_BATCH * ne, sizeof *b->evlen},
        {&b->evkeys, ne > 0, REID_BATCH * ne, sizeof *b->evkeys},
        {&b->evperson, ne > 0, REID_BATCH, sizeof *b->evperson},
    };
    const size_t na = sizeof a / sizeof *a;
    /* each array on cache lines of its own, then the two buffers */
    size_t total = 0;
    for (size_t i = 0; i < na; i++)
        if (a[i].wanted) total += (a[i].n * a[i].size + 63) / 64 * 64;
    total += 2 * BATCH_FIRST_BUFFER;
    char *block = c->slab ? slab_take(c->slab, total) : aligned_alloc(64, total);
    if (!block) return -1;
    b->block = block;
    b->block_owned = !c->slab;
    char *p = block;
    for (size_t i = 0; i < na; i++) {
        if (!a[i].wanted) continue;
        memcpy(a[i].field, &p, sizeof p);
        p += (a[i].n * a[i].size + 63) / 64 * 64;
    }
    b->bytes = p;
    b->bcap = BATCH_FIRST_BUFFER;
    b->bytes_in_block = 1;
    b->norm = p + BATCH_FIRST_BUFFER;
    b->ncap = BATCH_FIRST_BUFFER;
    b->norm_in_block = 1;
    reid_batch_clear(b, c->q);
    return 0;
}

int reid_counter_prepare(const reid_counter *c, reid_batch *b)
{
    return prepare_batch(c, b);
}

int reid_counter_count(reid_counter *c, reid_batch *b)
{
    if (c->err.status) return -1;
    if (count_batch(c, b) != 0 || size_table(c, c->expect_rows) != 0) {
        set_oom(c);
        return -1;
    }
    return 0;
}

int reid_counter_can_overlap(const reid_counter *c)
{
    return !c->max_memory;
}

int reid_counter_count_values(reid_counter *c, reid_batch *b)
{
    return count_values(c, b);
}

int reid_counter_count_classes(reid_counter *c, reid_batch *b)
{
    if (c->err.status) return -1;
    if (count_classes(c, b) != 0 || size_table(c, c->expect_rows) != 0) {
        set_oom(c);
        return -1;
    }
    return 0;
}

void reid_counter_fail(reid_counter *c)
{
    if (!c->err.status) set_oom(c);
}

int reid_counter_flush(reid_counter *c)
{
    reid_batch *b = &c->ring[c->fill];
    if (!c->threaded) return count_here(c);
    if (b->n && hand_over(c) != 0) return -1;
    pthread_mutex_lock(&c->mu);
    while (c->ready > 0)
        pthread_cond_wait(&c->cv, &c->mu);
    int failed = c->err.status != REID_OK;
    pthread_mutex_unlock(&c->mu);
    return failed ? -1 : 0;
}
