/* wildcard.c - sdcMicro's "missing matches anything" frequencies from the class table
 * (wildcard.h, docs/missing-wildcard.md). */
#include "wildcard.h"

#include "bigmem.h"
#include "metrics.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Classes ahead of the one being read whose key (and size) are prefetched, in the passes over
 * classes listed at random places of the table. */
#define WC_AHEAD 16

/* ---- an index of a list of classes by the projection of their keys onto a column set ---- */

typedef struct pmap {
    uint64_t *slots; /* 0 = empty; else (hash tag << 32) | (group + 1) */
    uint64_t mask;
    size_t nslots;
    uint32_t *pkeys; /* per group: its projection (q values, 0 outside the columns), kept here
                      * so that a probe never reads the class table's keys at random */
    uint64_t *f;     /* per group: sum of f0 */
    double *F;       /* per group: sum of F0 */
    size_t n, cap;   /* groups */
    uint32_t *buf;   /* q values: the projection being hashed */
} pmap;

static void pmap_free(pmap *m)
{
    free(m->slots);
    free(m->pkeys);
    free(m->f);
    free(m->F);
    free(m->buf);
}

/* Hash of key's projection onto cols (missing-out columns read as 0). A multiply-xorshift mix
 * inlined here rather than XXH3 over a copied buffer: this runs once per complete class and mask
 * group, and the exact comparison in pmap_find makes the hash's quality a matter of speed only. */
static uint64_t proj_hash(const reid_classtable *t, uint32_t *buf, const uint32_t *key,
                          const unsigned char *cols)
{
    (void)buf;
    uint64_t h = 0x9E3779B97F4A7C15ull;
    for (unsigned j = 0; j < t->q; j++) {
        h ^= cols[j] ? key[j] : 0;
        h *= 0xbf58476d1ce4e5b9ull;
        h ^= h >> 29;
    }
    h ^= h >> 32;
    h *= 0x94d049bb133111ebull;
    h ^= h >> 29;
    return h;
}

/* Whether key's projection onto cols equals the stored projection p. */
static int proj_equal(const reid_classtable *t, const uint32_t *key, const uint32_t *p,
                      const unsigned char *cols)
{
    for (unsigned j = 0; j < t->q; j++)
        if ((cols[j] ? key[j] : 0) != p[j]) return 0;
    return 1;
}

/* Group of key's projection, or -1. */
static int64_t pmap_find(const pmap *m, const reid_classtable *t, const uint32_t *key,
                         const unsigned char *cols, uint64_t h)
{
    uint64_t tag = h & 0xFFFFFFFF00000000ull;
    for (uint64_t i = h & m->mask;; i = (i + 1) & m->mask) {
        uint64_t s = m->slots[i];
        if (!s) return -1;
        uint32_t g = (uint32_t)(s & 0xFFFFFFFFu) - 1;
        if ((s & 0xFFFFFFFF00000000ull) == tag &&
            proj_equal(t, key, m->pkeys + (size_t)g * t->q, cols))
            return g;
    }
}

/* Index the classes list[0..count) by their projection onto cols, summing f0 and F0. */
static int pmap_build(pmap *m, const reid_classtable *t, const uint32_t *list, size_t count,
                      const unsigned char *cols)
{
    size_t want = 16;
    while (want < 2 * count)
        want *= 2;
    if (want > m->nslots) {
        free(m->slots);
        m->slots = malloc(want * sizeof *m->slots);
        if (!m->slots) {
            m->nslots = 0;
            return -1;
        }
        m->nslots = want;
    }
    m->mask = want - 1;
    memset(m->slots, 0, want * sizeof *m->slots);
    if (count > m->cap) {
        uint64_t *f = realloc(m->f, count * sizeof *f);
        if (f) m->f = f;
        double *F = realloc(m->F, count * sizeof *F);
        if (F) m->F = F;
        uint32_t *pk = realloc(m->pkeys, count * (t->q ? t->q : 1) * sizeof *pk);
        if (pk) m->pkeys = pk;
        if (!f || !F || !pk) return -1;
        m->cap = count;
    }
    m->n = 0;
    for (size_t i = 0; i < count; i++) {
        if (i + WC_AHEAD < count) { /* the patterns' classes lie anywhere in the table */
            __builtin_prefetch(reid_classtable_key(t, list[i + WC_AHEAD]));
            __builtin_prefetch(&t->sizes[list[i + WC_AHEAD]]);
        }
        uint32_t c = list[i];
        const uint32_t *key = reid_classtable_key(t, c);
        uint64_t h = proj_hash(t, m->buf, key, cols);
        int64_t g = pmap_find(m, t, key, cols, h);
        if (g < 0) {
            uint64_t s = h & m->mask;
            while (m->slots[s])
                s = (s + 1) & m->mask;
            g = (int64_t)m->n++;
            m->slots[s] = (h & 0xFFFFFFFF00000000ull) | (uint64_t)(g + 1);
            for (unsigned j = 0; j < t->q; j++)
                m->pkeys[(size_t)g * t->q + j] = cols[j] ? key[j] : 0;
            m->f[g] = 0;
            m->F[g] = 0;
        }
        m->f[g] += t->sizes[c];
        m->F[g] += t->wsum ? t->wsum[c] : (double)t->sizes[c];
    }
    return 0;
}

/* ---- the same for one mask group, by direct address when its columns' values are few ---- */

/* Entries of a direct-address index at most (4 bytes each): it stays within the caches. */
#define DENSE_MAX ((uint64_t)1 << 22)

/* A pattern of the group: its f0 and F0 (read from the class table at random, they would cost a
 * cache miss per lookup) and the complete records matching it, on one cache line's half. */
typedef struct dpat {
    uint64_t f, bf;
    double F, bF;
} dpat;

typedef struct dense {
    int32_t *at;   /* [size]: position of the pattern in its group, or -1 */
    uint64_t *has; /* [size / 64 + 1]: bit x set where at[x] >= 0. Most complete classes match no
                    * pattern; their bit (a 32nd of the index's bytes, 450 KB for 100 ages x 36,000
                    * diagnoses, so mostly in the caches) tells so without a miss in at */
    uint64_t size, cap;
    size_t count;            /* patterns in the group */
    struct dpat *pat, *pat2; /* [count]: per pattern, for the first and the second thread */
    size_t pcap;
    uint64_t *stride; /* [q]: 0 outside the group's columns */
} dense;

static uint64_t dense_index(const dense *d, const uint32_t *key, unsigned q)
{
    uint64_t x = 0;
    for (unsigned j = 0; j < q; j++)
        x += (uint64_t)key[j] * d->stride[j];
    return x;
}

/* Index the group's patterns list[0..count) (one mask, so distinct projections) by the values of
 * the columns cols, when the product of those columns' ranges (maxid + 1) is at most DENSE_MAX.
 * 1 if built, 0 if too large, -1 when out of memory. */
static int dense_build(dense *d, const reid_classtable *t, const uint32_t *list, size_t count,
                       const unsigned char *cols, const uint32_t *maxid)
{
    uint64_t size = 1;
    for (unsigned j = t->q; j-- > 0;) {
        d->stride[j] = cols[j] ? size : 0;
        if (cols[j]) {
            size *= (uint64_t)maxid[j] + 1;
            if (size > DENSE_MAX) return 0;
        }
    }
    if (size > d->cap) { /* in huge pages where the system allows: looked up at random */
        if (d->at) reid_big_free(d->at, d->cap * sizeof *d->at);
        free(d->has);
        d->at = reid_big_alloc(size * sizeof *d->at);
        d->has = malloc((size / 64 + 1) * sizeof *d->has);
        d->cap = d->at && d->has ? size : 0;
        if (!d->cap) {
            if (d->at) reid_big_free(d->at, size * sizeof *d->at);
            free(d->has);
            d->at = NULL;
            d->has = NULL;
            return -1;
        }
    }
    if (count > d->pcap) { /* huge pages (bigmem.h): MBs of 4 KiB pages cost a fault each */
        reid_big_free(d->pat, d->pcap * sizeof *d->pat);
        reid_big_free(d->pat2, d->pcap * sizeof *d->pat2);
        d->pat = reid_big_alloc(count * sizeof *d->pat);
        d->pat2 = reid_big_alloc(count * sizeof *d->pat2);
        if (!d->pat || !d->pat2) {
            reid_big_free(d->pat, count * sizeof *d->pat);
            reid_big_free(d->pat2, count * sizeof *d->pat2);
            d->pat = d->pat2 = NULL;
            d->pcap = 0;
            return -1;
        }
        d->pcap = count;
    }
    d->size = size;
    d->count = count;
    memset(d->at, 0xFF, size * sizeof *d->at);
    memset(d->has, 0, (size / 64 + 1) * sizeof *d->has);
    for (size_t i = 0; i < count; i++) {
        if (i + WC_AHEAD < count) { /* the patterns' classes lie anywhere in the table */
            __builtin_prefetch(reid_classtable_key(t, list[i + WC_AHEAD]));
            __builtin_prefetch(&t->sizes[list[i + WC_AHEAD]]);
        }
        uint32_t c = list[i];
        const uint64_t x = dense_index(d, reid_classtable_key(t, c), t->q);
        d->at[x] = (int32_t)i;
        d->has[x / 64] |= (uint64_t)1 << (x % 64);
        d->pat[i] = (dpat){t->sizes[c], 0, t->wsum ? t->wsum[c] : (double)t->sizes[c], 0};
        d->pat2[i] = d->pat[i];
    }
    return 1;
}

/* ---- complete classes looked up in one mask group's index ---- */

typedef struct wc_job {
    const reid_classtable *t;
    const pmap *pm;
    size_t lo, hi; /* this job's classes (the complete ones among them are looked up) */
    const unsigned char *S;
    size_t base; /* the group's first pattern */
    double *fk, *Fk;
    reid_fk_agg *agg; /* instead of fk (no Fk): the last group's values gathered here */
    uint64_t *bf; /* complete records matching each pattern (this job's own array or the total) */
    double *bF;
    const dense *dx;  /* the group's direct-address index, or NULL: pm */
    dpat *pat;        /* with dx: the patterns this thread counts matches in */
    uint32_t *msmall; /* with dx and agg, when not NULL: per pattern k and size f0 < WC_SMALL, the
                       * complete classes of f0 records matching k ([k * WC_SMALL + f0]) */
    int first, last;  /* the first group (fk starts at 0) / the last (fk gets its final value) */
    double alpha;
} wc_job;

/* Complete class c after the lookup in one group: k the matching pattern (position in the group)
 * or -1, f and F its f0 and F0. The sums start at 0 in the first group (the same additions as
 * from a zeroed array) and become f0 + alpha * sum in the last, so no pass over the classes is
 * needed before or after. */
static inline void complete_update(const wc_job *j, uint32_t c, int64_t k, uint64_t f, double F)
{
    const reid_classtable *t = j->t;
    double v = j->first ? 0.0 : j->fk[c];
    double V = j->Fk && !j->first ? j->Fk[c] : 0.0;
    if (k >= 0) {
        v += (double)f;
        V += F;
    }
    if (j->last) {
        double f0 = (double)t->sizes[c];
        v = f0 + j->alpha * v;
        V = (t->wsum ? t->wsum[c] : f0) + j->alpha * V;
    }
    if (j->agg) { /* one group, so first and last: v is the class's final fk */
        reid_fk_agg_add(j->agg, v, t->sizes[c]);
        return;
    }
    j->fk[c] = v;
    if (j->Fk) j->Fk[c] = V;
}

/* Hashes computed PF ahead and their slots prefetched: the slot array outgrows the caches once
 * the partly-missing patterns number in the hundred thousands. */
/* Two stages of prefetching: the index entry of the class PF ahead, then the pattern's f0 and
 * its match counts for the class PF / 2 ahead (the index and those arrays outgrow the second-level
 * cache; each lookup would otherwise wait on them in turn). */
static inline int is_complete(const uint32_t *key, unsigned q)
{
    for (unsigned j = 0; j < q; j++)
        if (key[j] == 0) return 0;
    return 1;
}

/* With agg (one mask group), a complete class that matches no pattern has fk = f0 exactly
 * ((double)f0 + alpha * 0): those of fewer than WC_SMALL records, most classes, are counted per
 * size in small[] and gathered into agg once at the end, instead of one look at agg per class
 * (whose entries are counts per distinct fk, so the order of additions changes nothing). */
#define WC_SMALL 64

static void tally_small(const wc_job *j, const uint64_t *small)
{
    for (uint64_t f0 = 1; j->agg && f0 < WC_SMALL; f0++)
        if (small[f0])
            reid_fk_agg_add_slow(j->agg, (double)f0, reid_fk_bits((double)f0), small[f0],
                                 f0 * small[f0]);
}

/* With agg (one group, so fk = f0 + alpha * (0 + f of the pattern), as complete_update computes
 * it), a complete class of f0 < WC_SMALL records matching pattern k has an fk that depends on f0
 * and k alone: where most complete classes match a pattern (a QI missing in some records, the
 * others few: sex and age), they are counted per (k, f0) in msmall and gathered into agg once per
 * pair at the end, instead of a look-up in agg per class. The same fk values, bit for bit. */
#define WC_MSMALL_MAX ((size_t)1 << 20)

static void tally_matched(const wc_job *j)
{
    if (!j->msmall) return;
    for (size_t k = 0, np = j->dx ? j->dx->count : 0; k < np; k++)
        for (uint64_t f0 = 1; f0 < WC_SMALL; f0++) {
            const uint64_t n = j->msmall[k * WC_SMALL + f0];
            if (!n) continue;
            double v = 0.0;
            v += (double)j->pat[k].f;
            v = (double)f0 + j->alpha * v;
            reid_fk_agg_add_slow(j->agg, v, reid_fk_bits(v), n, f0 * n);
        }
}

/* Complete class c matched no pattern of the group. */
static inline void unmatched(const wc_job *j, uint32_t c, uint64_t *small)
{
    const uint64_t f0 = j->t->sizes[c];
    if (j->agg && f0 < WC_SMALL)
        small[f0]++;
    else
        complete_update(j, c, -1, 0, 0);
}

/* No pattern at an index (its bit clear in has). */
#define DENSE_NONE UINT64_MAX

/* Stage 1 of a class's look-up: its index, the word of has holding its bit prefetched. */
static inline uint64_t dense_locate(const dense *dx, const uint32_t *key, unsigned q)
{
    const uint64_t x = dense_index(dx, key, q);
    __builtin_prefetch(&dx->has[x / 64]);
    return x;
}

/* Stage 2: the index kept, its entry prefetched, if its bit says a pattern is there; else
 * DENSE_NONE. */
static inline uint64_t dense_probe(const dense *dx, uint64_t x)
{
    if (!(dx->has[x / 64] >> (x % 64) & 1)) return DENSE_NONE;
    __builtin_prefetch(&dx->at[x]);
    return x;
}

/* Stage 3: the pattern at the index (its counts prefetched), or -1. */
static inline int32_t dense_entry(const dense *dx, uint64_t x, dpat *pat)
{
    if (x == DENSE_NONE) return -1;
    const int32_t e = dx->at[x];
    __builtin_prefetch(&pat[e], 1);
    return e;
}

/* (A partly-missing class's key indexes the array too, in range: its ids are at most maxid; so
 * the prefetches need not skip them.) */
static void lookup_range_dense(const wc_job *j)
{
    const reid_classtable *t = j->t;
    const dense *dx = j->dx;
    const unsigned q = t->q;
    /* each class's index computed PF0 ahead (its bit prefetched), its bit tested PF1 ahead (its
     * entry prefetched if set), and its entry read PF2 ahead (its pattern prefetched); kept in
     * rings until the class is reached */
    enum { PF0 = 32, PF1 = 16, PF2 = 8, R = 64 };
    uint64_t idx[R];
    int32_t ent[R];
    const size_t lo = j->lo, hi = j->hi;
    uint64_t small[WC_SMALL] = {0};
    for (size_t i = lo; i < hi && i < lo + PF0; i++)
        idx[i % R] = dense_locate(dx, reid_classtable_key(t, i), q);
    for (size_t i = lo; i < hi && i < lo + PF1; i++)
        idx[i % R] = dense_probe(dx, idx[i % R]);
    for (size_t i = lo; i < hi && i < lo + PF2; i++)
        ent[i % R] = dense_entry(dx, idx[i % R], j->pat);
    for (size_t i = lo; i < hi; i++) {
        if (i + PF0 < hi) idx[(i + PF0) % R] = dense_locate(dx, reid_classtable_key(t, i + PF0), q);
        if (i + PF1 < hi) idx[(i + PF1) % R] = dense_probe(dx, idx[(i + PF1) % R]);
        if (i + PF2 < hi) ent[(i + PF2) % R] = dense_entry(dx, idx[(i + PF2) % R], j->pat);
        const uint32_t *key = reid_classtable_key(t, i);
        if (!is_complete(key, q)) continue;
        uint32_t c = (uint32_t)i;
        int32_t k = ent[i % R];
        if (k < 0) {
            unmatched(j, c, small);
            continue;
        }
        dpat *p = &j->pat[k];
        const uint64_t f0 = t->sizes[c];
        if (j->msmall && f0 < WC_SMALL)
            j->msmall[(size_t)k * WC_SMALL + f0]++;
        else
            complete_update(j, c, k, p->f, p->F);
        p->bf += f0;
        p->bF += t->wsum ? t->wsum[c] : (double)f0;
    }
    tally_small(j, small);
    tally_matched(j);
}

static void lookup_range(const wc_job *j)
{
    if (j->dx) {
        lookup_range_dense(j);
        return;
    }
    const reid_classtable *t = j->t;
    const pmap *pm = j->pm;
    const unsigned char *S = j->S;
    enum { PF = 16 };
    uint64_t ring[PF];
    uint64_t small[WC_SMALL] = {0};
    for (size_t i = j->lo; i < j->hi && i < j->lo + PF; i++) {
        ring[i % PF] = proj_hash(t, NULL, reid_classtable_key(t, i), S);
        __builtin_prefetch(&pm->slots[ring[i % PF] & pm->mask]);
    }
    for (size_t i = j->lo; i < j->hi; i++) {
        uint32_t c = (uint32_t)i;
        const uint32_t *key = reid_classtable_key(t, c);
        uint64_t h = ring[i % PF];
        if (i + PF < j->hi) {
            uint64_t h2 = proj_hash(t, NULL, reid_classtable_key(t, i + PF), S);
            ring[i % PF] = h2;
            __builtin_prefetch(&pm->slots[h2 & pm->mask]);
        }
        if (!is_complete(key, t->q)) continue;
        /* patterns with one mask have distinct projections on it: group k is one pattern, the
         * k-th of the group (groups are numbered in list order) */
        int64_t k = pmap_find(pm, t, key, S, h);
        if (k < 0) {
            unmatched(j, c, small);
            continue;
        }
        size_t pos = j->base + (size_t)k;
        complete_update(j, c, k, pm->f[k], pm->F[k]);
        j->bf[pos] += t->sizes[c];
        j->bF[pos] += t->wsum ? t->wsum[c] : (double)t->sizes[c];
    }
    tally_small(j, small);
}

static void *lookup_thread(void *arg)
{
    lookup_range(arg);
    return NULL;
}

/* ---- the partly-missing patterns, sorted by mask ---- */

typedef struct dent {
    const unsigned char *mask; /* q bytes: 1 where the pattern has a value */
    uint32_t cls;
    unsigned q;
} dent;

static int cmp_dent(const void *a, const void *b)
{
    const dent *x = a, *y = b;
    int r = memcmp(x->mask, y->mask, x->q);
    return r ? r : (x->cls > y->cls) - (x->cls < y->cls);
}

/* fk and Fk as reid_wildcard_fk, or, with agg (fk and Fk NULL), every class's fk gathered in agg
 * without an array; with more than one mask group, whose sums a complete class carries from one
 * to the next, into an array of its own first, gathered at the end. */
static int wildcard(const reid_classtable *t, double alpha, double *fk, double *Fk,
                    reid_fk_agg *agg, unsigned threads)
{
    const unsigned q = t->q;
    const uint64_t n = t->nclasses;
    double W = 0;
    int64_t z = -1;
    size_t nc = 0, nd = 0;
    uint32_t *maxid = calloc(q ? q : 1, sizeof *maxid);
    dense dx = {0};
    dx.stride = malloc((q ? q : 1) * sizeof *dx.stride);
    if (!maxid || !dx.stride) {
        free(maxid);
        free(dx.stride);
        return -1;
    }
    /* one pass: the complete classes, the partly-missing ones with their masks, the all-missing
     * one; the values' ranges for the direct-address indexes */
    uint32_t *dl = NULL;
    dent *de = NULL;
    unsigned char *masks = NULL;
    size_t dcap = 0,
           nda = 0;      /* the patterns' arrays: capacity, and elements of those per pattern */
    uint64_t *bf = NULL; /* D: complete records that match */
    double *bF = NULL;
    unsigned char *u = malloc(q + 1);
    size_t *gstart = NULL;
    pmap pm = {0};
    uint32_t *ms1 = NULL, *ms2 = NULL; /* the two threads' msmall (wc_job) */
    uint64_t *bf2 = NULL;              /* the second thread's matches per pattern */
    double *bF2 = NULL;
    double *dfk = NULL, *dFk = NULL; /* D: the alpha-weighted sums over compatible D */
    reid_fk_agg agg2 = {0};          /* the second thread's values, with agg */
    reid_fk_agg *gather = NULL;      /* agg, when the values go through an array of our own */
    size_t own_bytes = 0;
    pm.buf = malloc((q ? q : 1) * sizeof *pm.buf);
    int rc = -1;
    if (!u || !pm.buf) goto out;
    /* a table that listed its classes with a missing value as it grew needs no pass over every
     * class (without weights: W, a sum of whole numbers, is then exactly the records) */
    const int listed = t->maxid && !t->wsum;
    if (listed) {
        memcpy(maxid, t->maxid, q * sizeof *maxid);
        W = (double)t->records;
        nc = (size_t)(n - t->nmiss);
    }
    for (uint64_t i = 0, end = listed ? t->nmiss : n; i < end; i++) {
        const uint64_t c = listed ? t->miss[i] : i;
        /* the listed classes lie anywhere in the table: their keys are fetched WC_AHEAD ahead
         * (one miss each would otherwise be waited for in turn) */
        if (listed && i + WC_AHEAD < end)
            __builtin_prefetch(reid_classtable_key(t, t->miss[i + WC_AHEAD]));
        const uint32_t *key = reid_classtable_key(t, c);
        unsigned miss = 0;
        for (unsigned j = 0; j < q; j++) {
            miss += key[j] == 0;
            if (key[j] > maxid[j]) maxid[j] = key[j];
        }
        if (!listed) W += t->wsum ? t->wsum[c] : (double)t->sizes[c];
        if (miss == 0) {
            nc++;
            continue;
        }
        if (miss == q) {
            z = (int64_t)c;
            continue;
        }
        if (nd == dcap) {
            size_t cap = dcap ? 2 * dcap : 1024;
            /* grown in place where it can be, in huge pages (bigmem.h) */
            dent *d2 = reid_big_grow(de, dcap * sizeof *de, cap * sizeof *d2);
            if (!d2) goto out;
            de = d2;
            unsigned char *m2 = reid_big_grow(masks, dcap * q, cap * q);
            if (!m2) { /* de is at its new size already: keep the arrays' sizes in step */
                de = reid_big_shrink(de, cap * sizeof *de, dcap * sizeof *de);
                goto out;
            }
            if (m2 != masks)
                for (size_t e = 0; e < nd; e++) /* the masks moved */
                    de[e].mask = m2 + e * q;
            masks = m2;
            dcap = cap;
        }
        unsigned char *mk = masks + nd * q;
        for (unsigned j = 0; j < q; j++)
            mk[j] = key[j] != 0;
        de[nd] = (dent){mk, (uint32_t)c, q};
        nd++;
    }
    uint64_t fz = z >= 0 ? t->sizes[z] : 0;
    double Fz = z >= 0 ? (t->wsum ? t->wsum[z] : (double)fz) : 0;
    /* per pattern, zeroed, in huge pages (bigmem.h): MBs of 4 KiB pages cost a fault each */
    nda = nd + 1;
    dl = reid_big_alloc(nda * sizeof *dl);
    bf = reid_big_alloc(nda * sizeof *bf);
    bF = reid_big_alloc(nda * sizeof *bF);
    gstart = reid_big_alloc(nda * sizeof *gstart);
    dfk = reid_big_alloc(nda * sizeof *dfk);
    dFk = reid_big_alloc(nda * sizeof *dFk);
    if (!dl || !bf || !bF || !gstart || !dfk || !dFk) goto out;
    if (nd) qsort(de, nd, sizeof *de, cmp_dent);
    size_t ng = 0;
    for (size_t i = 0; i < nd; i++) {
        dl[i] = de[i].cls;
        if (i == 0 || memcmp(de[i].mask, de[i - 1].mask, q) != 0) gstart[ng++] = i;
    }
    gstart[ng] = nd;
    if (agg && ng >= 2) {
        own_bytes = (n ? n : 1) * sizeof *fk;
        if (!(fk = reid_big_alloc(own_bytes))) goto out;
        gather = agg;
        agg = NULL;
    }

    /* complete x partly missing: index each mask group by its own columns, look up every
     * complete class' projection. O(q M |C|). */
    for (size_t g = 0; g < ng; g++) {
        const unsigned char *S = de[gstart[g]].mask;
        size_t cnt = gstart[g + 1] - gstart[g];
        int d = dense_build(&dx, t, dl + gstart[g], cnt, S, maxid);
        if (d < 0 || (d == 0 && pmap_build(&pm, t, dl + gstart[g], cnt, S) != 0)) goto out;
        /* with agg (a single group) and a direct-address index of few patterns, the matched
         * small classes counted per (pattern, size): tally_matched */
        if (agg && d && cnt <= WC_MSMALL_MAX / WC_SMALL && !ms1) {
            ms1 = calloc(cnt * WC_SMALL, sizeof *ms1);
            ms2 = calloc(cnt * WC_SMALL, sizeof *ms2);
            if (!ms1 || !ms2) goto out;
        }
        wc_job job = {.t = t,
                      .pm = &pm,
                      .lo = 0,
                      .hi = n,
                      .S = S,
                      .base = gstart[g],
                      .fk = fk,
                      .Fk = Fk,
                      .agg = agg,
                      .bf = bf,
                      .bF = bF,
                      .dx = d ? &dx : NULL,
                      .pat = dx.pat,
                      .msmall = d ? ms1 : NULL,
                      .first = g == 0,
                      .last = g + 1 == ng,
                      .alpha = alpha};
        if (threads >= 2 && !Fk && nc >= 2 * REID_WILDCARD_MIN_PER_THREAD && !bf2) {
            bf2 = reid_big_alloc(nda * sizeof *bf2);
            bF2 = reid_big_alloc(nda * sizeof *bF2);
            if (!bf2 || !bF2) goto out;
        }
        if (threads >= 2 && !Fk && nc >= 2 * REID_WILDCARD_MIN_PER_THREAD) {
            /* two halves of the complete classes on two threads: each class's fk is written by
             * one of them, in the same mask order as on one thread; the matches per pattern
             * (whole numbers) are summed after. Only without weights, whose real sums would be
             * added in another order. */
            wc_job second = job;
            job.hi = second.lo = n / 2;
            second.bf = bf2;
            second.bF = bF2; /* not read without weights; its own, so that nothing is shared */
            second.pat = dx.pat2;
            second.msmall = d ? ms2 : NULL;
            second.agg = agg ? &agg2 : NULL;
            pthread_t th;
            if (pthread_create(&th, NULL, lookup_thread, &second) == 0) {
                lookup_range(&job);
                pthread_join(th, NULL);
                if (agg && reid_fk_agg_merge(agg, &agg2) != 0) goto out;
                for (size_t i = gstart[g]; i < gstart[g + 1]; i++) {
                    bf[i] += bf2[i];
                    bf2[i] = 0;
                }
            } else {
                job.hi = n;
                lookup_range(&job);
            }
        } else {
            lookup_range(&job);
        }
        for (size_t i = 0; d && i < cnt; i++) { /* the matches counted beside the index */
            bf[gstart[g] + i] += dx.pat[i].bf + dx.pat2[i].bf;
            bF[gstart[g] + i] += dx.pat[i].bF;
        }
    }
    /* partly missing x partly missing: P (mask S) and Q (mask T) are compatible when they agree
     * on S n T. Two patterns with the same mask never are (they differ where both are present).
     * For each ordered pair of masks, index T's group by S n T. O(q M |D|). */
    for (size_t gt = 0; gt < ng; gt++) {
        const unsigned char *T = de[gstart[gt]].mask;
        for (size_t gs = 0; gs < ng; gs++) {
            if (gs == gt) continue;
            const unsigned char *S = de[gstart[gs]].mask;
            for (unsigned j = 0; j < q; j++)
                u[j] = S[j] & T[j];
            if (pmap_build(&pm, t, dl + gstart[gt], gstart[gt + 1] - gstart[gt], u) != 0) goto out;
            for (size_t i = gstart[gs]; i < gstart[gs + 1]; i++) {
                const uint32_t *key = reid_classtable_key(t, dl[i]);
                int64_t k = pmap_find(&pm, t, key, u, proj_hash(t, pm.buf, key, u));
                if (k < 0) continue;
                dfk[i] += (double)pm.f[k];
                dFk[i] += pm.F[k];
            }
        }
    }
    /* the totals (the complete classes have theirs from the last group, if any) */
    for (uint64_t c = 0; c < n && ng == 0; c++) {
        if (!is_complete(reid_classtable_key(t, c), q)) continue;
        double f0 = (double)t->sizes[c], F0 = t->wsum ? t->wsum[c] : f0;
        /* freqCalc's single-key rule: the missing records count, times alpha */
        double sum = q == 1 ? (double)fz : 0, Sum = q == 1 ? Fz : 0;
        if (agg) {
            reid_fk_agg_add(agg, f0 + alpha * sum, t->sizes[c]);
            continue;
        }
        fk[c] = f0 + alpha * sum;
        if (Fk) Fk[c] = F0 + alpha * Sum;
    }
    for (size_t i = 0; i < nd; i++) {
        uint32_t c = dl[i];
        double f0 = (double)t->sizes[c], F0 = t->wsum ? t->wsum[c] : f0;
        double v = f0 + alpha * (dfk[i] + (double)fz) + (double)bf[i];
        if (agg) {
            reid_fk_agg_add(agg, v, t->sizes[c]);
            continue;
        }
        fk[c] = v;
        if (Fk) Fk[c] = F0 + alpha * (dFk[i] + Fz) + bF[i];
    }
    if (z >= 0) {
        if (agg) reid_fk_agg_add(agg, (double)t->records, t->sizes[z]);
        if (fk) fk[z] = (double)t->records;
        if (Fk) Fk[z] = W;
    }
    if (gather) reid_fk_agg_add_all(gather, t, fk);
    rc = (agg && agg->oom) || (gather && gather->oom) ? -1 : 0;
out:
    reid_big_free(dl, nda * sizeof *dl);
    reid_big_free(de, dcap * sizeof *de);
    reid_big_free(masks, dcap * q);
    reid_big_free(bf, nda * sizeof *bf);
    reid_big_free(bF, nda * sizeof *bF);
    free(u);
    reid_big_free(gstart, nda * sizeof *gstart);
    pmap_free(&pm);
    if (dx.at) reid_big_free(dx.at, dx.cap * sizeof *dx.at);
    free(dx.has);
    reid_big_free(dx.pat, dx.pcap * sizeof *dx.pat);
    reid_big_free(dx.pat2, dx.pcap * sizeof *dx.pat2);
    free(dx.stride);
    free(maxid);
    free(ms1);
    free(ms2);
    reid_big_free(bf2, nda * sizeof *bf2);
    reid_big_free(bF2, nda * sizeof *bF2);
    reid_big_free(dfk, nda * sizeof *dfk);
    reid_big_free(dFk, nda * sizeof *dFk);
    reid_fk_agg_free(&agg2);
    if (gather) reid_big_free(fk, own_bytes);
    return rc;
}

int reid_wildcard_fk(const reid_classtable *t, double alpha, double *fk, double *Fk,
                     unsigned threads)
{
    return wildcard(t, alpha, fk, Fk, NULL, threads);
}

int reid_wildcard_fk_agg(const reid_classtable *t, double alpha, reid_fk_agg *agg, unsigned threads)
{
    return wildcard(t, alpha, NULL, NULL, agg, threads);
}
