/*
 * wtable.h - the what-if lattice's class tables (whatif.c).
 *
 * A re-counted node's classes: keys (q ids each) and sizes in insertion order, an open-addressing
 * index over them (linear probing, load <= 1/2, a slot = 32 bits of hash << 32 | class + 1). The
 * keys are compared in full, so two classes never merge. Private to the lattice, so its hash is a
 * cheap multiply-mix of the ids rather than XXH3: these tables never see input bytes.
 */
#ifndef REID_WTABLE_H
#define REID_WTABLE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct wtable {
    uint32_t *keys;
    uint64_t *sizes;
    uint64_t *slots;
    uint64_t mask;
    uint64_t n, cap;
} wtable;

/* A table to read: the counted class table or a wtable. */
typedef struct wview {
    const uint32_t *keys;
    const uint64_t *sizes;
    uint64_t n;
} wview;

/* An empty table sized for about expect classes, or NULL when out of memory. */
wtable *wt_new(size_t q, uint64_t expect);
void wtable_free(wtable *t);
/* Make it empty, keeping its memory. */
void wt_clear(wtable *t);
/* Twice the room. 0, or -1 when out of memory. */
int wt_grow(wtable *t, size_t q);

static inline uint64_t wt_hash(const uint32_t *k, size_t q)
{
    uint64_t h = 0x9E3779B97F4A7C15ull;
    for (size_t j = 0; j < q; j++) {
        h = (h ^ k[j]) * 0xBF58476D1CE4E5B9ull;
        h ^= h >> 31;
    }
    return h * 0x94D049BB133111EBull;
}

/* Add count records with key k (hash h = wt_hash(k, q)). 0, or -1 when out of memory. */
static inline int wt_add(wtable *t, size_t q, const uint32_t *k, uint64_t h, uint64_t count)
{
    for (;;) {
        uint64_t i = h & t->mask, tag = h & 0xFFFFFFFF00000000ull;
        for (;;) {
            uint64_t s = t->slots[i];
            if (!s) break;
            if ((s & 0xFFFFFFFF00000000ull) == tag) {
                uint64_t c = (uint32_t)s - 1;
                const uint32_t *kc = t->keys + c * q;
                size_t j = 0;
                while (j < q && kc[j] == k[j])
                    j++;
                if (j == q) {
                    t->sizes[c] += count;
                    return 0;
                }
            }
            i = (i + 1) & t->mask;
        }
        if (t->n < t->cap) {
            uint64_t c = t->n++;
            memcpy(t->keys + c * q, k, q * sizeof *k);
            t->sizes[c] = count;
            t->slots[i] = tag | (c + 1);
            return 0;
        }
        if (wt_grow(t, q) != 0) return -1; /* and probe again in the larger table */
    }
}

#endif
