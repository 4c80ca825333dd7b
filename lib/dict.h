/*
 * dict.h - per-column dictionary: normalised value bytes -> dense uint32 id.
 *
 * Id 0 is reserved for "missing" (all spellings of a missing value map to
 * it); real values get ids 1, 2, ... in first-seen order. Lookup hashes the
 * bytes with XXH3 into an open-addressing table (linear probing) whose slots
 * hold the id and 32 bits of the hash. An entry keeps the value's first 8
 * bytes, so a value of up to 8 bytes (a postcode, an age, a code) is compared
 * without touching the arena where longer values live. Values are always
 * compared exactly, so a hash collision can never merge two values.
 */
#ifndef REID_DICT_H
#define REID_DICT_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"

#define REID_DICT_MISSING 0u

#define REID_DICT_INLINE 8

typedef struct reid_dict_entry {
    uint64_t off; /* offset of the bytes in the arena (values longer than REID_DICT_INLINE) */
    uint32_t len;
    uint32_t tag;                /* high 32 bits of the hash */
    char head[REID_DICT_INLINE]; /* the first bytes, zero-padded */
} reid_dict_entry;

typedef struct reid_dict {
    uint64_t *slots;          /* 0 = empty; else (tag << 32) | id */
    uint64_t mask;            /* slot count - 1 (power of two) */
    reid_dict_entry *entries; /* indexed by id; entries[0] is the missing value */
    uint32_t count;           /* ids in use, including 0 */
    uint32_t cap;
    reid_arena bytes;
} reid_dict;

int reid_dict_init(reid_dict *d);
void reid_dict_free(reid_dict *d);

/* Id of the value, inserting it if new. Returns 0, or -1 when out of memory / over 2^32-2 values.
 */
int reid_dict_intern(reid_dict *d, const char *s, size_t len, uint32_t *id);

/* The same, with h = reid_dict_hash(s, len) computed beforehand (batched lookups). */
uint64_t reid_dict_hash(const char *s, size_t len);
int reid_dict_intern_hashed(reid_dict *d, const char *s, size_t len, uint64_t h, uint32_t *id);

/* Hint that the value with hash h will be looked up soon: fetch its slot into the cache. */
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

/* Second stage of a batched lookup, once the slot is cached: fetch the entry it points to. */
static inline void reid_dict_prefetch_entry(const reid_dict *d, uint64_t h)
{
    /* the value is at its home slot or, after a collision, a few slots on */
    for (uint64_t i = h & d->mask, k = 0; k < 4; k++, i = (i + 1) & d->mask) {
        uint64_t slot = d->slots[i];
        if (!slot) return;
        if ((uint32_t)(slot >> 32) == (uint32_t)(h >> 32)) {
            __builtin_prefetch(&d->entries[(uint32_t)slot]);
            return;
        }
    }
}

/* Bytes of value id (not NUL-terminated); NULL if id is out of range. The pointer is valid
 * until the next value is added. */
const char *reid_dict_value(const reid_dict *d, uint32_t id, size_t *len);

/* Memory held, in bytes. */
uint64_t reid_dict_bytes(const reid_dict *d);

#endif
