/* classtable.c - exact counting of QI tuples in an open-addressing hash table. */
#include "classtable.h"

#include <stdlib.h>
#include <string.h>
#define XXH_INLINE_ALL /* the header as the implementation: short keys hashed without a call */
#include <xxhash.h>

#include "bigmem.h"

#define MIN_SLOTS 1024u

static size_t key_bytes(const reid_classtable *t)
{
    return (size_t)t->q * sizeof(uint32_t);
}

/* Keys of up to 4 ids (16 bytes: most runs) compared and copied in two overlapping 8- or 4-byte
 * loads, not a call to memcmp / memcpy per record; longer ones through them. */
static inline int key_equal(const uint32_t *a, const uint32_t *b, size_t kb)
{
    const char *x = (const char *)a, *y = (const char *)b;
    if (kb >= 8 && kb <= 16) {
        uint64_t x0, x1, y0, y1;
        memcpy(&x0, x, 8);
        memcpy(&y0, y, 8);
        memcpy(&x1, x + kb - 8, 8);
        memcpy(&y1, y + kb - 8, 8);
        return ((x0 ^ y0) | (x1 ^ y1)) == 0;
    }
    if (kb == 4) return a[0] == b[0];
    return memcmp(a, b, kb) == 0;
}

static inline void key_copy(uint32_t *dst, const uint32_t *src, size_t kb)
{
    if (kb >= 8 && kb <= 16) {
        uint64_t v0, v1;
        memcpy(&v0, src, 8);
        memcpy(&v1, (const char *)src + kb - 8, 8);
        memcpy(dst, &v0, 8);
        memcpy((char *)dst + kb - 8, &v1, 8);
    } else if (kb == 4) {
        dst[0] = src[0];
    } else if (kb) {
        memcpy(dst, src, kb);
    }
}

static uint64_t hash_xxh3(const void *key, size_t len)
{
    return XXH3_64bits(key, len);
}

/* The tag bits of a slot in a table of nslots slots (a power of two): those above the index, which
 * takes log2(nslots) bits (a class index + 1 is at most the number of classes, which the load keeps
 * below nslots). */
static uint32_t tag_mask(uint64_t nslots)
{
    unsigned b = 0;
    while (b < 32 && ((uint64_t)1 << b) < nslots)
        b++;
    return b >= 32 ? 0 : ~(((uint32_t)1 << b) - 1);
}

int reid_classtable_init(reid_classtable *t, unsigned q)
{
    memset(t, 0, sizeof *t);
    t->q = q;
    t->hash = hash_xxh3;
    t->slots = reid_big_alloc(MIN_SLOTS * sizeof *t->slots);
    if (!t->slots) return -1;
    t->mask = MIN_SLOTS - 1;
    t->tagmask = tag_mask(MIN_SLOTS);
    return 0;
}

void reid_classtable_free(reid_classtable *t)
{
    reid_big_free(t->slots, (t->mask + 1) * sizeof *t->slots);
    reid_big_free(t->keys, t->cap * key_bytes(t) + 1);
    reid_big_free(t->sizes, t->cap * sizeof *t->sizes);
    reid_big_free(t->wsum, (t->cap ? t->cap : 1) * sizeof *t->wsum);
    reid_big_free(t->sfirst, (t->cap ? t->cap : 1) * t->ns * t->sfw);
    reid_big_free(t->pos, (t->cap ? t->cap : 1) * 2 * sizeof *t->pos);
    free(t->miss);
    free(t->maxid);
    memset(t, 0, sizeof *t);
}

void reid_classtable_set_hash(reid_classtable *t, reid_hash_fn fn)
{
    t->hash = fn ? fn : hash_xxh3;
}

/* Would holding `more` extra bytes break the budget? Then refuse, and say so. */
static int over_budget(reid_classtable *t, uint64_t more)
{
    if (t->budget && reid_classtable_bytes(t) + more > t->budget) {
        t->over_budget = 1;
        return 1;
    }
    return 0;
}

static int rehash(reid_classtable *t, uint64_t nslots)
{
    if (over_budget(t, nslots * sizeof *t->slots)) return -1;
    uint32_t *slots = reid_big_alloc((size_t)nslots * sizeof *slots);
    if (!slots) return -1;
    uint64_t mask = nslots - 1;
    uint32_t tagmask = tag_mask(nslots);
    for (uint64_t c = 0; c < t->nclasses; c++) {
        uint64_t h = t->hash(reid_classtable_key(t, c), key_bytes(t));
        uint64_t i = h & mask;
        while (slots[i])
            i = (i + 1) & mask;
        slots[i] = reid_classtable_tag(h, tagmask) | (uint32_t)(c + 1);
    }
    reid_big_free(t->slots, (t->mask + 1) * sizeof *t->slots);
    t->slots = slots;
    t->mask = mask;
    t->tagmask = tagmask;
    return 0;
}

/* Bytes per class of the parallel arrays: key, size, the weight sum and first sensitive values
 * when kept. */
static size_t class_bytes(const reid_classtable *t)
{
    return key_bytes(t) + sizeof *t->sizes + (t->wsum ? sizeof *t->wsum : 0) +
           (size_t)t->ns * t->sfw + (t->pos ? 2 * sizeof *t->pos : 0);
}

int reid_classtable_use_weights(reid_classtable *t)
{
    if (t->wsum) return 0;
    if (t->nclasses) return -1;
    t->wsum = reid_big_alloc((t->cap ? t->cap : 1) * sizeof *t->wsum);
    return t->wsum ? 0 : -1;
}

int reid_classtable_use_sensitive(reid_classtable *t, unsigned ns)
{
    if (ns == t->ns) return 0;
    if (t->nclasses || t->ns || !ns) return -1;
    t->sfirst = reid_big_alloc((t->cap ? t->cap : 1) * ns);
    if (!t->sfirst) return -1;
    t->ns = ns;
    t->sfw = 1;
    return 0;
}

/* The largest id that `width` bytes hold (all ones is "unset"). */
static uint32_t first_limit(unsigned width)
{
    return width == 1 ? UINT8_MAX - 1 : width == 2 ? UINT16_MAX - 1 : UINT32_MAX - 1;
}

int reid_classtable_fit_first(reid_classtable *t, uint32_t maxid)
{
    if (!t->ns || maxid <= first_limit(t->sfw)) return 0;
    unsigned w = maxid <= first_limit(2) ? 2 : 4;
    const uint64_t cap = t->cap ? t->cap : 1, n = cap * t->ns;
    if (over_budget(t, n * (w - t->sfw))) return -1; /* the wider array, within the limit */
    void *f = reid_big_alloc((size_t)n * w);
    if (!f) return -1;
    /* every entry, the unused ones too: a new class's are set when it is made */
    for (uint64_t i = 0; i < n; i++) {
        uint32_t v = reid_classtable_first(t, i / t->ns, (unsigned)(i % t->ns));
        if (w == 2)
            ((uint16_t *)f)[i] = v == REID_CLASSTABLE_UNSET ? UINT16_MAX : (uint16_t)v;
        else
            ((uint32_t *)f)[i] = v;
    }
    reid_big_free(t->sfirst, (size_t)n * t->sfw);
    t->sfirst = f;
    t->sfw = w;
    return 0;
}

int reid_classtable_set_first(reid_classtable *t, uint64_t c, unsigned m, uint32_t id)
{
    if (reid_classtable_fit_first(t, id) != 0) return -1;
    const uint64_t i = c * t->ns + m;
    if (t->sfw == 1)
        ((uint8_t *)t->sfirst)[i] = (uint8_t)id;
    else if (t->sfw == 2)
        ((uint16_t *)t->sfirst)[i] = (uint16_t)id;
    else
        ((uint32_t *)t->sfirst)[i] = id;
    return 0;
}

int reid_classtable_track_missing(reid_classtable *t)
{
    if (t->maxid) return 0;
    if (t->nclasses) return -1;
    t->maxid = calloc(t->q ? t->q : 1, sizeof *t->maxid);
    return t->maxid ? 0 : -1;
}

/* A new class c with this key: listed if it holds a missing id; the columns' largest ids. */
static int track_new(reid_classtable *t, const uint32_t *key, uint64_t c)
{
    int missing = 0;
    for (unsigned j = 0; j < t->q; j++) {
        missing |= key[j] == 0;
        if (key[j] > t->maxid[j]) t->maxid[j] = key[j];
    }
    if (!missing) return 0;
    if (t->nmiss == t->miss_cap) {
        uint64_t cap = t->miss_cap ? 2 * t->miss_cap : 1024;
        if (over_budget(t, (cap - t->miss_cap) * sizeof *t->miss)) return -1;
        uint32_t *m = realloc(t->miss, cap * sizeof *m);
        if (!m) return -1;
        t->miss = m;
        t->miss_cap = cap;
    }
    t->miss[t->nmiss++] = (uint32_t)c;
    return 0;
}

int reid_classtable_use_positions(reid_classtable *t)
{
    if (t->pos) return 0;
    if (t->nclasses) return -1;
    t->pos = reid_big_alloc((t->cap ? t->cap : 1) * 2 * sizeof *t->pos);
    return t->pos ? 0 : -1;
}

static int grow_arrays(reid_classtable *t, uint64_t cap)
{
    if (cap > REID_CLASSTABLE_MAX_CLASSES) cap = REID_CLASSTABLE_MAX_CLASSES;
    if (cap <= t->cap) return cap > t->nclasses ? 0 : -1;
    if (over_budget(t, (cap - t->cap) * class_bytes(t))) return -1;
    /* mremap: the arrays grow without being copied, and only touched pages cost memory */
    uint32_t *keys =
        reid_big_grow(t->keys, t->cap * key_bytes(t) + 1, (size_t)cap * key_bytes(t) + 1);
    if (!keys) return -1;
    t->keys = keys;
    uint64_t *sizes =
        reid_big_grow(t->sizes, t->cap * sizeof *t->sizes, (size_t)cap * sizeof *sizes);
    if (!sizes) return -1;
    t->sizes = sizes;
    if (t->wsum) {
        /* allocated with room for max(cap, 1) classes */
        size_t old = (t->cap ? t->cap : 1) * sizeof *t->wsum;
        double *w = reid_big_grow(t->wsum, old, (size_t)cap * sizeof *w);
        if (!w) return -1;
        t->wsum = w;
    }
    if (t->ns) {
        /* likewise allocated with room for max(cap, 1) classes */
        size_t per = (size_t)t->ns * t->sfw;
        void *f = reid_big_grow(t->sfirst, (t->cap ? t->cap : 1) * per, (size_t)cap * per);
        if (!f) return -1;
        t->sfirst = f;
    }
    if (t->pos) {
        /* likewise allocated with room for max(cap, 1) classes */
        size_t per = 2 * sizeof *t->pos;
        uint64_t *p = reid_big_grow(t->pos, (t->cap ? t->cap : 1) * per, (size_t)cap * per);
        if (!p) return -1;
        t->pos = p;
    }
    t->cap = cap;
    return 0;
}

int reid_classtable_reserve(reid_classtable *t, uint64_t n)
{
    if (n > REID_CLASSTABLE_MAX_CLASSES) return -1;
    if (n > t->cap && grow_arrays(t, n) != 0) return -1;
    uint64_t nslots = t->mask + 1;
    while (n * 4 > nslots * 3)
        nslots *= 2;
    if (nslots != t->mask + 1) return rehash(t, nslots);
    return 0;
}

int64_t reid_classtable_find_hashed(const reid_classtable *t, const uint32_t *key, uint64_t h)
{
    size_t kb = key_bytes(t);
    const uint32_t tm = t->tagmask, tag = reid_classtable_tag(h, tm);
    for (uint64_t i = h & t->mask;; i = (i + 1) & t->mask) {
        uint32_t s = t->slots[i];
        if (!s) return -1;
        if ((s & tm) == tag) {
            uint64_t c = (uint64_t)(s & ~tm) - 1;
            if (key_equal(reid_classtable_key(t, c), key, kb)) return (int64_t)c;
        }
    }
}

int64_t reid_classtable_find(const reid_classtable *t, const uint32_t *key)
{
    return reid_classtable_find_hashed(t, key, t->hash(key, key_bytes(t)));
}

uint64_t reid_classtable_hash(const reid_classtable *t, const uint32_t *key)
{
    return t->hash(key, key_bytes(t));
}

void reid_classtable_hash_many(const reid_classtable *t, const uint32_t *keys, size_t n,
                               uint64_t *hash)
{
    const size_t kb = key_bytes(t);
    if (t->hash != hash_xxh3) { /* a test's hash */
        for (size_t r = 0; r < n; r++)
            hash[r] = t->hash(keys + r * t->q, kb);
        return;
    }
    for (size_t r = 0; r < n; r++)
        hash[r] = XXH3_64bits(keys + r * t->q, kb);
}

int reid_classtable_add(reid_classtable *t, const uint32_t *key, uint64_t count)
{
    return reid_classtable_add_hashed(t, key, t->hash(key, key_bytes(t)), count);
}

/* Add count records with this key; the class index, or -1 when out of memory. */
/* n bytes of all ones (REID_CLASSTABLE_UNSET in every width) at p: the few bytes of a new class's
 * first values in one or two stores, not a call to memset per class. */
static inline void set_ones(unsigned char *p, size_t n)
{
    const uint64_t ones = ~(uint64_t)0;
    if (n >= 8 && n <= 16) {
        memcpy(p, &ones, 8);
        memcpy(p + n - 8, &ones, 8);
    } else if (n >= 4 && n < 8) {
        memcpy(p, &ones, 4);
        memcpy(p + n - 4, &ones, 4);
    } else if (n < 4) {
        for (size_t i = 0; i < n; i++)
            p[i] = 0xFF;
    } else {
        memset(p, 0xFF, n);
    }
}

static inline int64_t add_core(reid_classtable *t, const uint32_t *key, uint64_t h, uint64_t count)
{
    size_t kb = key_bytes(t);
    const uint32_t tm = t->tagmask, tag = reid_classtable_tag(h, tm);
    uint64_t i = h & t->mask;
    for (;; i = (i + 1) & t->mask) {
        uint32_t s = t->slots[i];
        if (!s) break;
        if ((s & tm) == tag) {
            uint64_t c = (uint64_t)(s & ~tm) - 1;
            if (key_equal(reid_classtable_key(t, c), key, kb)) {
                t->sizes[c] += count;
                t->records += count;
                return (int64_t)c;
            }
        }
    }
    /* a new class */
    if (t->nclasses == t->cap) {
        uint64_t cap = t->cap ? t->cap * 2 : 1024;
        if (grow_arrays(t, cap) != 0) return -1;
    }
    uint64_t c = t->nclasses++;
    key_copy(t->keys + c * t->q, key, kb);
    t->sizes[c] = count;
    t->records += count;
    if (t->ns) set_ones((unsigned char *)t->sfirst + c * t->ns * t->sfw, (size_t)t->ns * t->sfw);
    t->slots[i] = tag | (uint32_t)(c + 1);
    if (t->maxid && track_new(t, key, c) != 0) return -1;
    if (t->nclasses * 4 > (t->mask + 1) * 3 && rehash(t, (t->mask + 1) * 2) != 0) return -1;
    return (int64_t)c;
}

int reid_classtable_add_hashed(reid_classtable *t, const uint32_t *key, uint64_t h, uint64_t count)
{
    return add_core(t, key, h, count) < 0 ? -1 : 0;
}

int reid_classtable_add_weighted(reid_classtable *t, const uint32_t *key, uint64_t h,
                                 uint64_t count, double weight)
{
    uint64_t before = t->nclasses;
    int64_t c = add_core(t, key, h, count);
    if (c < 0) return -1;
    if ((uint64_t)c == before) t->wsum[c] = 0; /* a new class */
    t->wsum[c] += weight;
    return 0;
}

int64_t reid_classtable_add_indexed(reid_classtable *t, const uint32_t *key, uint64_t h,
                                    uint64_t count, double weight)
{
    uint64_t before = t->nclasses;
    int64_t c = add_core(t, key, h, count);
    if (c < 0 || !t->wsum) return c;
    if ((uint64_t)c == before) t->wsum[c] = 0; /* a new class */
    t->wsum[c] += weight;
    return c;
}

int reid_classtable_merge(reid_classtable *dst, const reid_classtable *src,
                          const uint32_t *const *remap)
{
    if (dst->q != src->q || !dst->wsum != !src->wsum || dst->ns != src->ns) return -1;
    /* reserve the worst case first: growing during a large merge is what makes merges slow */
    if (reid_classtable_reserve(dst, dst->nclasses + src->nclasses) != 0) return -1;
    uint32_t *key = malloc(key_bytes(src) + 1);
    if (!key) return -1;
    int rc = 0;
    for (uint64_t c = 0; c < src->nclasses && rc == 0; c++) {
        const uint32_t *k = reid_classtable_key(src, c);
        for (unsigned j = 0; j < src->q; j++)
            key[j] = remap ? remap[j][k[j]] : k[j];
        uint64_t h = dst->hash(key, key_bytes(dst));
        uint64_t before = dst->nclasses;
        int64_t dc =
            reid_classtable_add_indexed(dst, key, h, src->sizes[c], src->wsum ? src->wsum[c] : 0);
        if (dc < 0) {
            rc = -1;
            break;
        }
        if ((uint64_t)dc != before) continue; /* dst keeps its own first values */
        for (unsigned m = 0; m < src->ns && rc == 0; m++) {
            uint32_t v = reid_classtable_first(src, c, m);
            if (remap && v != REID_CLASSTABLE_UNSET) v = remap[src->q + m][v];
            if (v != REID_CLASSTABLE_UNSET) rc = reid_classtable_set_first(dst, (uint64_t)dc, m, v);
        }
    }
    free(key);
    return rc;
}

uint64_t reid_classtable_bytes(const reid_classtable *t)
{
    return (t->mask + 1) * sizeof *t->slots + t->cap * class_bytes(t) +
           t->miss_cap * sizeof *t->miss + (t->maxid ? t->q * sizeof *t->maxid : 0);
}
