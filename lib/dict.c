/* dict.c - value dictionary: XXH3-hashed open addressing over an arena of bytes. */
#include "dict.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "bigmem.h"

#define DICT_MIN_SLOTS 64

int reid_dict_init(reid_dict *d)
{
    memset(d, 0, sizeof *d);
    d->slots = reid_big_alloc(DICT_MIN_SLOTS * sizeof *d->slots);
    d->entries = reid_big_alloc(16 * sizeof *d->entries);
    if (!d->slots || !d->entries) {
        reid_dict_free(d);
        return -1;
    }
    d->mask = DICT_MIN_SLOTS - 1;
    d->cap = 16;
    memset(&d->entries[0], 0, sizeof d->entries[0]); /* missing */
    d->count = 1;
    return 0;
}

void reid_dict_free(reid_dict *d)
{
    reid_big_free(d->slots, (d->mask + 1) * sizeof *d->slots);
    reid_big_free(d->entries, (size_t)d->cap * sizeof *d->entries);
    reid_arena_free(&d->bytes);
    memset(d, 0, sizeof *d);
}

static int dict_grow(reid_dict *d)
{
    uint64_t nslots = (d->mask + 1) * 2;
    uint64_t *slots = reid_big_alloc((size_t)nslots * sizeof *slots);
    if (!slots) return -1;
    uint64_t mask = nslots - 1;
    for (uint32_t id = 1; id < d->count; id++) {
        const reid_dict_entry *e = &d->entries[id];
        size_t len;
        const char *v = reid_dict_value(d, id, &len);
        uint64_t h = XXH3_64bits(v, len);
        uint64_t i = h & mask;
        while (slots[i])
            i = (i + 1) & mask;
        slots[i] = ((uint64_t)e->tag << 32) | id;
    }
    reid_big_free(d->slots, (d->mask + 1) * sizeof *d->slots);
    d->slots = slots;
    d->mask = mask;
    return 0;
}

/* Slot index where the value is, or the empty slot where it would go. */
static uint64_t dict_probe(const reid_dict *d, const char *s, size_t len, uint64_t h, int *found)
{
    uint32_t tag = (uint32_t)(h >> 32);
    uint64_t i = h & d->mask;
    for (;;) {
        uint64_t slot = d->slots[i];
        if (!slot) {
            *found = 0;
            return i;
        }
        if ((uint32_t)(slot >> 32) == tag) {
            const reid_dict_entry *e = &d->entries[(uint32_t)slot];
            if (e->len == len &&
                (len <= REID_DICT_INLINE ? memcmp(e->head, s, len) == 0
                                         : memcmp(e->head, s, REID_DICT_INLINE) == 0 &&
                                               memcmp(d->bytes.data + e->off, s, len) == 0)) {
                *found = 1;
                return i;
            }
        }
        i = (i + 1) & d->mask;
    }
}

int reid_dict_find(const reid_dict *d, const char *s, size_t len, uint32_t *id)
{
    int found;
    uint64_t i = dict_probe(d, s, len, XXH3_64bits(s, len), &found);
    if (found) *id = (uint32_t)d->slots[i];
    return found;
}

int reid_dict_find_hashed(const reid_dict *d, const char *s, size_t len, uint64_t h, uint32_t *id)
{
    int found;
    uint64_t i = dict_probe(d, s, len, h, &found);
    if (found) *id = (uint32_t)d->slots[i];
    return found;
}

int reid_dict_intern(reid_dict *d, const char *s, size_t len, uint32_t *id)
{
    return reid_dict_intern_hashed(d, s, len, XXH3_64bits(s, len), id);
}

uint64_t reid_dict_hash(const char *s, size_t len)
{
    return XXH3_64bits(s, len);
}

int reid_dict_intern_hashed(reid_dict *d, const char *s, size_t len, uint64_t h, uint32_t *id)
{
    int found;
    uint64_t i = dict_probe(d, s, len, h, &found);
    if (found) {
        *id = (uint32_t)d->slots[i];
        return 0;
    }
    if (d->count == UINT32_MAX || len > UINT32_MAX) return -1;
    if (d->count == d->cap) {
        uint32_t cap = d->cap > UINT32_MAX / 2 ? UINT32_MAX : d->cap * 2;
        reid_dict_entry *e =
            reid_big_grow(d->entries, (size_t)d->cap * sizeof *e, (size_t)cap * sizeof *e);
        if (!e) return -1;
        d->entries = e;
        d->cap = cap;
    }
    uint64_t off = 0;
    if (len > REID_DICT_INLINE && reid_arena_append(&d->bytes, s, len, &off) != 0) return -1;
    uint32_t nid = d->count++;
    reid_dict_entry *e = &d->entries[nid];
    memset(e, 0, sizeof *e);
    e->off = off;
    e->len = (uint32_t)len;
    e->tag = (uint32_t)(h >> 32);
    if (len) memcpy(e->head, s, len < REID_DICT_INLINE ? len : REID_DICT_INLINE);
    d->slots[i] = ((uint64_t)(uint32_t)(h >> 32) << 32) | nid;
    /* keep the load at or below 1/2: probes stay short and the table is small next to the bytes */
    if ((uint64_t)d->count * 2 > d->mask + 1 && dict_grow(d) != 0) return -1;
    *id = nid;
    return 0;
}

const char *reid_dict_value(const reid_dict *d, uint32_t id, size_t *len)
{
    if (id >= d->count) return NULL;
    const reid_dict_entry *e = &d->entries[id];
    *len = e->len;
    return e->len <= REID_DICT_INLINE ? e->head : d->bytes.data + e->off;
}

uint64_t reid_dict_bytes(const reid_dict *d)
{
    return (d->mask + 1) * sizeof *d->slots + (uint64_t)d->cap * sizeof *d->entries + d->bytes.cap;
}
