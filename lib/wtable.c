/* wtable.c - the what-if lattice's class tables: growth, creation, release. */
#include "wtable.h"

#include <stdlib.h>

void wtable_free(wtable *t)
{
    if (!t) return;
    free(t->keys);
    free(t->sizes);
    free(t->slots);
    free(t);
}

int wt_grow(wtable *t, size_t q)
{
    uint64_t ns = (t->mask + 1) * 2;
    uint64_t *slots = calloc(ns, sizeof *slots);
    uint32_t *keys = slots ? realloc(t->keys, (size_t)(ns / 2) * q * sizeof *keys) : NULL;
    if (keys) t->keys = keys;
    uint64_t *sizes = keys ? realloc(t->sizes, (size_t)(ns / 2) * sizeof *sizes) : NULL;
    if (sizes) t->sizes = sizes;
    if (!slots || !keys || !sizes) {
        free(slots);
        return -1;
    }
    for (uint64_t c = 0; c < t->n; c++) {
        uint64_t h = wt_hash(t->keys + c * q, q), i = h & (ns - 1);
        while (slots[i])
            i = (i + 1) & (ns - 1);
        slots[i] = (h & 0xFFFFFFFF00000000ull) | (c + 1);
    }
    free(t->slots);
    t->slots = slots;
    t->mask = ns - 1;
    t->cap = ns / 2;
    return 0;
}

wtable *wt_new(size_t q, uint64_t expect)
{
    wtable *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    uint64_t ns = 1024;
    while (ns < 2 * expect)
        ns *= 2;
    t->mask = ns / 2 - 1; /* wt_grow doubles it to ns */
    if (wt_grow(t, q) != 0) {
        wtable_free(t);
        return NULL;
    }
    return t;
}

void wt_clear(wtable *t)
{
    memset(t->slots, 0, (size_t)(t->mask + 1) * sizeof *t->slots);
    t->n = 0;
}
