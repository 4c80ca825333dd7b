/*
 * classtable.h - the central table: QI tuple (q value ids) -> class size.
 *
 * Layout (docs/design.md): classes are stored densely in insertion order, the
 * keys in one array of q x uint32 per class and the sizes in a parallel array
 * of uint64; an open-addressing slot array (linear probing, power-of-two
 * size, load <= 3/4) maps a hash of the key to the class index. A slot is 4
 * bytes: the class index + 1 in its low b bits, where 2^b is the slot count
 * (at most 32 bits; the load keeps every index + 1 below 2^b), and the top
 * 32 - b bits of the XXH3 hash of the key (a tag) in the rest, so most
 * mismatches are rejected without touching the key (at 2^24 slots, all but
 * 1 in 256). Keys are always compared exactly: a hash collision can never
 * merge two classes.
 */
#ifndef REID_CLASSTABLE_H
#define REID_CLASSTABLE_H

#include <stddef.h>
#include <stdint.h>

typedef uint64_t (*reid_hash_fn)(const void *key, size_t len);

typedef struct reid_classtable {
    unsigned q;       /* values per key */
    uint32_t *slots;  /* 0 = empty; else tag | (class index + 1), the tag in the bits of tagmask */
    uint64_t mask;    /* slot count - 1 */
    uint32_t tagmask; /* the slot bits that hold the tag: those above the index (0 at 2^32 slots) */
    uint32_t *keys;   /* q per class */
    uint64_t *sizes;  /* records per class */
    double *wsum;     /* sum of the records' weights per class; NULL unless weights are used */
    unsigned ns;      /* sensitive columns with a first value per class (0 = none) */
    unsigned sfw;     /* bytes of each first value: 1, 2 or 4, widened as the value ids grow */
    void *sfirst;     /* [cap * ns] of sfw bytes: per class, the first record's value id of each
                       * sensitive column (all ones, REID_CLASSTABLE_UNSET when read, until the
                       * counter sets it); NULL unless ns. Read and written through
                       * reid_classtable_first / reid_classtable_set_first. */
    uint64_t *pos;  /* [cap * 2]: per class, the record number and line of its first record (set by
                     * the counter); NULL unless positions are kept */
    uint32_t *miss; /* when tracked: the classes whose key holds a missing id (0), in index
                     * order (nmiss of them), and each column's largest id (maxid, q) */
    uint64_t nmiss, miss_cap;
    uint32_t *maxid;
    uint64_t nclasses;
    uint64_t cap;      /* classes the key/size arrays can hold */
    uint64_t records;  /* sum of sizes */
    reid_hash_fn hash; /* XXH3 unless a test overrides it */
    uint64_t budget;   /* most bytes the table may hold (0 = no limit) */
    int over_budget;   /* a growth was refused because of the budget */
} reid_classtable;

/* Maximum number of classes (class index + 1 must fit in 32 bits). */
#define REID_CLASSTABLE_MAX_CLASSES 0xFFFFFFFEull

int reid_classtable_init(reid_classtable *t, unsigned q);
void reid_classtable_free(reid_classtable *t);

/* Keep a weight sum per class from now on (call on an empty table). 0, or -1 when out of memory. */
int reid_classtable_use_weights(reid_classtable *t);

/* The value id of a new class' sensitive columns until the first record's is stored. */
#define REID_CLASSTABLE_UNSET UINT32_MAX

/* Keep, per class, the value id of the first record of each of ns sensitive columns from now on
 * (sfirst; call on an empty table). The ids are stored in 1 byte each while every id stored is
 * below 255, then 2 while below 65,535, then 4: a column of a few values (sex, ethnicity) costs a
 * byte per class. 0, or -1 when out of memory. */
int reid_classtable_use_sensitive(reid_classtable *t, unsigned ns);

/* Class c's first value id of sensitive column m, or REID_CLASSTABLE_UNSET. */
static inline uint32_t reid_classtable_first(const reid_classtable *t, uint64_t c, unsigned m)
{
    const uint64_t i = c * t->ns + m;
    if (t->sfw == 1) {
        uint8_t v = ((const uint8_t *)t->sfirst)[i];
        return v == UINT8_MAX ? REID_CLASSTABLE_UNSET : v;
    }
    if (t->sfw == 2) {
        uint16_t v = ((const uint16_t *)t->sfirst)[i];
        return v == UINT16_MAX ? REID_CLASSTABLE_UNSET : v;
    }
    return ((const uint32_t *)t->sfirst)[i];
}

/* Widen the first values, if needed, so that every id up to maxid can be stored. 0, or -1 when
 * out of memory or when the wider array would break the budget (over_budget is then set); the
 * table is then unchanged. */
int reid_classtable_fit_first(reid_classtable *t, uint32_t maxid);

/* Set class c's first value id of sensitive column m (widening as needed). 0, or -1 when out of
 * memory. */
int reid_classtable_set_first(reid_classtable *t, uint64_t c, unsigned m, uint32_t id);

/* Keep, per class, the record number and line of its first record from now on (pos; call on an
 * empty table). 0, or -1 when out of memory. */
int reid_classtable_use_positions(reid_classtable *t);

/* From now on (call on an empty table), list the classes with a missing id (0) in their key as
 * they are created (miss, nmiss) and keep each column's largest id (maxid): the wildcard rule's
 * frequencies then need no pass over every class to find them. 0, or -1 when out of memory. */
int reid_classtable_track_missing(reid_classtable *t);

/* Make room for at least n classes without further growth. 0, or -1 when out of memory. */
int reid_classtable_reserve(reid_classtable *t, uint64_t n);

/* Add `count` records with this key. 0, or -1 when out of memory / too many classes. */
int reid_classtable_add(reid_classtable *t, const uint32_t *key, uint64_t count);

/* The same, in two steps for batches: h = reid_classtable_hash(t, key), prefetch, add. */
uint64_t reid_classtable_hash(const reid_classtable *t, const uint32_t *key);
int reid_classtable_add_hashed(reid_classtable *t, const uint32_t *key, uint64_t h, uint64_t count);
/* A key's tag: the top bits of its hash h, where a slot keeps them (the bits of tagmask). */
static inline uint32_t reid_classtable_tag(uint64_t h, uint32_t tagmask)
{
    return (uint32_t)(h >> 32) & tagmask;
}

static inline void reid_classtable_prefetch(const reid_classtable *t, uint64_t h)
{
    __builtin_prefetch(&t->slots[h & t->mask]);
}

/* The second stage, for a key whose slot was prefetched some records before: when the slot holds
 * a class with this key's tag (most likely this key's class), that class's key and size. An
 * existing class then costs no miss of its own when it is added; a new one (an empty slot) needs
 * nothing. */
static inline void reid_classtable_prefetch_entry(const reid_classtable *t, uint64_t h)
{
    const uint32_t tm = t->tagmask, s = t->slots[h & t->mask];
    if (s && (s & tm) == reid_classtable_tag(h, tm)) {
        uint64_t c = (uint64_t)(s & ~tm) - 1;
        __builtin_prefetch(t->keys + c * t->q);
        __builtin_prefetch(&t->sizes[c], 1);
    }
}

/* hash[r] = reid_classtable_hash(t, keys + r * q) for r < n, in one call (XXH3 inlined in the
 * loop instead of two calls per key). */
void reid_classtable_hash_many(const reid_classtable *t, const uint32_t *keys, size_t n,
                               uint64_t *hash);

/* reid_classtable_add_hashed for a table with weights: also adds `weight` to the class' sum. */
int reid_classtable_add_weighted(reid_classtable *t, const uint32_t *key, uint64_t h,
                                 uint64_t count, double weight);

/* reid_classtable_add_hashed that returns the class' index (or -1 when out of memory) and, when the
 * table keeps weight sums, also adds `weight`. A new class' sfirst entries are
 * REID_CLASSTABLE_UNSET. */
int64_t reid_classtable_add_indexed(reid_classtable *t, const uint32_t *key, uint64_t h,
                                    uint64_t count, double weight);

/* Index of the class with this key, or -1. */
int64_t reid_classtable_find(const reid_classtable *t, const uint32_t *key);

/* The same with h = reid_classtable_hash(t, key) computed beforehand (batched lookups). */
int64_t reid_classtable_find_hashed(const reid_classtable *t, const uint32_t *key, uint64_t h);

/*
 * Add every class of src to dst. remap[j] (if not NULL) translates src's value
 * ids of column j to dst's; remap == NULL means both share the dictionaries.
 * With sensitive columns (both tables the same ns), remap[q + m] translates those of
 * sensitive column m; a class new to dst takes src's first values, one already in dst keeps its
 * own (the caller moves src's counts of the values that differ into its pair tables).
 */
int reid_classtable_merge(reid_classtable *dst, const reid_classtable *src,
                          const uint32_t *const *remap);

static inline const uint32_t *reid_classtable_key(const reid_classtable *t, uint64_t i)
{
    return t->keys + i * t->q;
}

/* Memory held, in bytes. */
uint64_t reid_classtable_bytes(const reid_classtable *t);

/* Test hook: replace the hash function (e.g. one that returns a constant). Call on an empty table.
 */
void reid_classtable_set_hash(reid_classtable *t, reid_hash_fn fn);

#endif
