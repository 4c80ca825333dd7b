/* dict.c - value dictionary: XXH3-hashed open addressing, short values inline in the slots. */
#include "dict.h"

#include <stdlib.h>
#include <string.h>
#define XXH_INLINE_ALL /* the header as the implementation: short keys hashed without a call */
#include <xxhash.h>

#include "bigmem.h"

#define DICT_MIN_SLOTS 64

/* Length bits of a slot's tag: the exact length up to 14, 15 for anything longer. */
#define DICT_LEN_BITS 4u
#define DICT_LEN_MASK ((1u << DICT_LEN_BITS) - 1u)

static inline uint32_t dict_tag(uint64_t h, size_t len)
{
    uint32_t l = len < DICT_LEN_MASK ? (uint32_t)len : DICT_LEN_MASK;
    return ((uint32_t)(h >> 32) & ~DICT_LEN_MASK) | l;
}

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

static inline uint64_t entry_off(const reid_dict_entry *e)
{
    uint64_t off;
    memcpy(&off, e->head, sizeof off);
    return off;
}

/* Twice the slots: each occupied slot moved, in the old table's order (sequential reads), to its
 * place in the new one; the hash is recomputed from the slot's inline bytes for a short value,
 * from the arena for a long one. */
static int dict_grow(reid_dict *d)
{
    uint64_t nslots = (d->mask + 1) * 2;
    reid_dict_slot *slots = reid_big_alloc((size_t)nslots * sizeof *slots);
    if (!slots) return -1;
    uint64_t mask = nslots - 1;
    for (uint64_t j = 0; j <= d->mask; j++) {
        const reid_dict_slot *o = &d->slots[j];
        if (!o->id) continue;
        uint64_t h;
        if ((o->tag & DICT_LEN_MASK) <= REID_DICT_INLINE) {
            char b[8];
            memcpy(b, &o->head, 8);
            h = XXH3_64bits(b, o->tag & DICT_LEN_MASK);
        } else {
            const reid_dict_entry *e = &d->entries[o->id];
            h = XXH3_64bits(d->bytes.data + entry_off(e), e->len);
        }
        uint64_t i = h & mask;
        while (slots[i].id)
            i = (i + 1) & mask;
        slots[i] = *o;
    }
    reid_big_free(d->slots, (d->mask + 1) * sizeof *d->slots);
    d->slots = slots;
    d->mask = mask;
    return 0;
}

/* Slot index where the value is, or the empty slot where it would go. Always inlined: it is
 * nearly the whole of a lookup (-3% instructions of a run against a call). */
__attribute__((always_inline)) static inline uint64_t dict_probe(const reid_dict *d, const char *s,
                                                                 size_t len, uint64_t h, int *found)
{
    const reid_dict_slot *const slots = d->slots;
    const uint64_t mask = d->mask;
    const uint32_t tag = dict_tag(h, len);
    const uint64_t head = reid_dict_head(s, len);
    uint64_t i = h & mask;
    if (len <= REID_DICT_INLINE) {
        /* the tag's length and the zero-padded head together are the value: no other reads */
        for (;; i = (i + 1) & mask) {
            const reid_dict_slot *sl = &slots[i];
            if (!sl->id) break;
            if (sl->tag == tag && sl->head == head) {
                *found = 1;
                return i;
            }
        }
    } else {
        for (;; i = (i + 1) & mask) {
            const reid_dict_slot *sl = &slots[i];
            if (!sl->id) break;
            if (sl->tag == tag && sl->head == head) {
                const reid_dict_entry *e = &d->entries[sl->id];
                if (e->len == len && memcmp(d->bytes.data + entry_off(e) + REID_DICT_INLINE,
                                            s + REID_DICT_INLINE, len - REID_DICT_INLINE) == 0) {
                    *found = 1;
                    return i;
                }
            }
        }
    }
    *found = 0;
    return i;
}

int reid_dict_find(const reid_dict *d, const char *s, size_t len, uint32_t *id)
{
    return reid_dict_find_hashed(d, s, len, XXH3_64bits(s, len), id);
}

int reid_dict_find_hashed(const reid_dict *d, const char *s, size_t len, uint64_t h, uint32_t *id)
{
    int found;
    uint64_t i = dict_probe(d, s, len, h, &found);
    if (found) *id = d->slots[i].id;
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

void reid_dict_hash_many(const char *bytes, const size_t *off, const size_t *len, size_t n,
                         size_t skip, uint64_t *hash)
{
    for (size_t i = 0; i < n; i++)
        if (len[i] != skip) hash[i] = XXH3_64bits(bytes + off[i], len[i]);
}

int reid_dict_intern_hashed(reid_dict *d, const char *s, size_t len, uint64_t h, uint32_t *id)
{
    int found;
    uint64_t i = dict_probe(d, s, len, h, &found);
    if (found) {
        *id = d->slots[i].id;
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
    uint64_t head = reid_dict_head(s, len);
    memcpy(e->head, len > REID_DICT_INLINE ? (const void *)&off : (const void *)&head, 8);
    e->len = (uint32_t)len;
    d->slots[i].head = head;
    d->slots[i].id = nid;
    d->slots[i].tag = dict_tag(h, len);
    /* keep the load at or below 3/4: four slots share a cache line, so a probe of about 2 slots
     * for a hit at 2/3 rarely leaves its line, and the slots take half the memory of a load of
     * 1/2 (docs/design.md, "Dictionaries") */
    if ((uint64_t)d->count * 4 > (d->mask + 1) * 3 && dict_grow(d) != 0) return -1;
    *id = nid;
    return 0;
}

const char *reid_dict_value(const reid_dict *d, uint32_t id, size_t *len)
{
    if (id >= d->count) return NULL;
    const reid_dict_entry *e = &d->entries[id];
    *len = e->len;
    return e->len <= REID_DICT_INLINE ? e->head : d->bytes.data + entry_off(e);
}

uint64_t reid_dict_bytes(const reid_dict *d)
{
    return (d->mask + 1) * sizeof *d->slots + (uint64_t)d->cap * sizeof *d->entries + d->bytes.cap;
}
