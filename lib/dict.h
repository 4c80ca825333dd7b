/*
 * dict.h - per-column dictionary: normalised value bytes -> dense uint32 id.
 *
 * Id 0 is reserved for "missing" (all spellings of a missing value map to
 * it); real values get ids 1, 2, ... in first-seen order. Lookup hashes the
 * bytes with XXH3 into an open-addressing table (linear probing, load <= 3/4)
 * of 16-byte slots. A slot holds the id, the value's first 8 bytes
 * (zero-padded) and a tag: 28 bits of the hash and the length (its exact
 * value up to 14, 15 for longer). A value of up to 8 bytes (a postcode, an
 * age, an ICD-10 code: nearly all values) is therefore found or rejected
 * from its slot alone, with two integer compares: one cache miss per lookup.
 * A longer value whose slot matches is then compared with the bytes after
 * the first 8 in the arena, through its entry (length and arena offset).
 * Values are always compared exactly, so a hash collision can never merge
 * two values.
 */
#ifndef REID_DICT_H
#define REID_DICT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "arena.h"

#define REID_DICT_MISSING 0u

#define REID_DICT_INLINE 8

typedef struct reid_dict_slot {
    uint64_t head; /* the value's first 8 bytes, zero-padded, in memory order */
    uint32_t id;   /* 0 = empty slot (the missing value is never in the table) */
    uint32_t tag;  /* bits 36..63 of the hash, then 4 bits of length: min(len, 15) */
} reid_dict_slot;

/* Per id: the length and, for up to REID_DICT_INLINE bytes, the bytes themselves; for longer
 * values, the arena offset (8 bytes, copied with memcpy). 12 bytes. */
typedef struct reid_dict_entry {
    char head[REID_DICT_INLINE];
    uint32_t len;
} reid_dict_entry;

typedef struct reid_dict {
    reid_dict_slot *slots;    /* id 0 = empty */
    uint64_t mask;            /* slot count - 1 (power of two) */
    reid_dict_entry *entries; /* indexed by id; entries[0] is the missing value */
    uint32_t count;           /* ids in use, including 0 */
    uint32_t cap;
    reid_arena bytes; /* the whole bytes of values longer than REID_DICT_INLINE */
} reid_dict;

/*
 * The first min(len, 8) bytes of s as the integer whose memory representation is those bytes
 * followed by zeros. Reads only s[0 .. len-1]: a shorter value is assembled from two overlapping
 * loads (4 to 7 bytes) or three single bytes (1 to 3 bytes), each through memcpy or a byte, so no
 * alignment is assumed and nothing past the value is read. Two values of the same length up to
 * 8 are equal exactly when their heads are (the dictionary's slots; valsnap.h).
 */
static inline uint64_t reid_dict_head(const char *s, size_t len)
{
    uint64_t v = 0;
    if (len >= 8) {
        memcpy(&v, s, 8);
        return v;
    }
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (len >= 4) {
        uint32_t lo, hi;
        memcpy(&lo, s, 4);
        memcpy(&hi, s + len - 4, 4); /* overlaps lo by 8 - len bytes, which are the same */
        return lo | (uint64_t)hi << (8 * (len - 4));
    }
    if (len) {
        const unsigned char *u = (const unsigned char *)s;
        return u[0] | (uint64_t)u[len / 2] << (8 * (len / 2)) |
               (uint64_t)u[len - 1] << (8 * (len - 1));
    }
#else
    if (len) memcpy(&v, s, len);
#endif
    return v;
}

/* The bytes of a value of up to 8 bytes (reid_dict_head) back into out[0 .. 8): the value is
 * out[0 .. len). */
static inline void reid_dict_head_bytes(uint64_t head, char *out)
{
    memcpy(out, &head, 8);
}

int reid_dict_init(reid_dict *d);
void reid_dict_free(reid_dict *d);

/* Id of the value, inserting it if new. Returns 0, or -1 when out of memory / over 2^32-2 values.
 */
int reid_dict_intern(reid_dict *d, const char *s, size_t len, uint32_t *id);

/* The same, with h = reid_dict_hash(s, len) computed beforehand (batched lookups). */
uint64_t reid_dict_hash(const char *s, size_t len);

/* hash[i] = reid_dict_hash(bytes + off[i], len[i]) for i < n, except where len[i] == skip (left
 * as it is): in one call, XXH3 inlined in the loop. */
void reid_dict_hash_many(const char *bytes, const size_t *off, const size_t *len, size_t n,
                         size_t skip, uint64_t *hash);
int reid_dict_intern_hashed(reid_dict *d, const char *s, size_t len, uint64_t h, uint32_t *id);

/* Hint that the value with hash h will be looked up soon: fetch its slot into the cache. For a
 * value of up to REID_DICT_INLINE bytes that is all its lookup touches. */
static inline void reid_dict_prefetch(const reid_dict *d, uint64_t h)
{
    __builtin_prefetch(&d->slots[h & d->mask]);
}

/* Id of the value if present: 1 and *id set, else 0. */
int reid_dict_find(const reid_dict *d, const char *s, size_t len, uint32_t *id);

/* reid_dict_find with h = reid_dict_hash(s, len) computed beforehand (batched lookups). */
int reid_dict_find_hashed(const reid_dict *d, const char *s, size_t len, uint64_t h, uint32_t *id);

/* Distinct non-missing values. */
static inline uint32_t reid_dict_values(const reid_dict *d)
{
    return d->count - 1;
}

/* Second stage of a batched lookup, once the slot is cached: for a value longer than
 * REID_DICT_INLINE bytes, fetch the entry its slot points to (short values need nothing more). */
static inline void reid_dict_prefetch_entry(const reid_dict *d, uint64_t h)
{
    const uint32_t tag = (uint32_t)(h >> 32) >> 4;
    /* the value is at its home slot or, after a collision, a few slots on */
    for (uint64_t i = h & d->mask, k = 0; k < 4; k++, i = (i + 1) & d->mask) {
        const reid_dict_slot *s = &d->slots[i];
        if (!s->id) return;
        if (s->tag >> 4 == tag) {
            if ((s->tag & 15u) > REID_DICT_INLINE) __builtin_prefetch(&d->entries[s->id]);
            return;
        }
    }
}

/* Bytes of value id (not NUL-terminated); NULL if id is out of range. The pointer is valid
 * until the next value is added. */
const char *reid_dict_value(const reid_dict *d, uint32_t id, size_t *len);

/* Memory held, in bytes: 32-64 bytes of slots and 12-24 bytes of entries per distinct value (the
 * arrays double), plus the arena. */
uint64_t reid_dict_bytes(const reid_dict *d);

#endif
