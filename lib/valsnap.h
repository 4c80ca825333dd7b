/*
 * valsnap.h - read-only snapshots of a dictionary's short values, for lookups on other threads.
 *
 * A dictionary (dict.h) is changed by the one thread that counts values in input order, so the
 * threads that parse the input cannot look values up in it. Instead, that thread publishes now and
 * then a snapshot: every value of up to REID_VALSNAP_BYTES bytes with its id, in an open-addressing
 * table of its own that nothing changes after it is built. A parsing thread gives a value found
 * there its final id at once; the values it does not find (new ones, longer ones) are interned in
 * input order as before. Which snapshot a thread happens to see changes only where the work is
 * done, never an id: every id in a snapshot was given before it was built, in first-seen order.
 *
 * A value of up to 8 bytes is its own key: its head (reid_dict_head, its bytes as an integer) and
 * its length, so a lookup is one slot compare with no hashing of the bytes and no second read.
 * Snapshots are never freed while the counter lives (a thread may still read an old one), so the
 * counter takes them sparingly (counter.c, maybe_snapshot: all of a column's together hold at most
 * 5 times the bytes of its last), of dictionaries of at most REID_VALSNAP_MAX_VALUES values; they
 * count against the memory limit with the dictionaries.
 */
#ifndef REID_VALSNAP_H
#define REID_VALSNAP_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dict.h"

/* The longest value a snapshot holds. */
#define REID_VALSNAP_BYTES 8
/* The most values of a dictionary that a snapshot is taken of (8 MiB of slots). */
#define REID_VALSNAP_MAX_VALUES ((uint32_t)1 << 18)

typedef struct reid_valsnap_slot {
    uint64_t head; /* the value's head (reid_dict_head) */
    uint32_t len;  /* its length */
    uint32_t id;   /* its id in the dictionary; 0 = empty slot */
} reid_valsnap_slot;

typedef struct reid_valsnap {
    struct reid_valsnap *prev; /* the snapshot before (kept, see above) */
    uint64_t bytes;            /* this one's and all before it */
    uint32_t count;            /* the dictionary's count when it was taken */
    unsigned shift;            /* 64 - log2(slots) */
    uint64_t mask;             /* slots - 1 */
    reid_valsnap_slot slots[]; /* at most half full */
} reid_valsnap;

/* The slot where a lookup of (head, len) starts. */
static inline uint64_t reid_valsnap_home(const reid_valsnap *s, uint64_t head, size_t len)
{
    return ((head ^ (uint64_t)len) * 0x9E3779B97F4A7C15ull) >> s->shift;
}

static inline void reid_valsnap_prefetch(const reid_valsnap *s, uint64_t head, size_t len)
{
    __builtin_prefetch(&s->slots[reid_valsnap_home(s, head, len)]);
}

/* The id of the value with this head and length (len <= REID_VALSNAP_BYTES), or 0 when
 * the snapshot does not have it. */
static inline uint32_t reid_valsnap_find(const reid_valsnap *s, uint64_t head, size_t len)
{
    for (uint64_t i = reid_valsnap_home(s, head, len);; i = (i + 1) & s->mask) {
        const reid_valsnap_slot *e = &s->slots[i];
        if (e->id == 0) return 0;
        if (e->head == head && e->len == len) return e->id;
    }
}

/* A snapshot of d's values of up to REID_VALSNAP_BYTES bytes, with prev as the one before it;
 * NULL when out of memory. */
reid_valsnap *reid_valsnap_build(const reid_dict *d, reid_valsnap *prev);

/* Bytes of a snapshot of a dictionary of count ids (reid_dict.count) alone. */
uint64_t reid_valsnap_size_for(uint32_t count);

/* Bytes held by s and every snapshot before it. */
uint64_t reid_valsnap_bytes(const reid_valsnap *s);

/* Free s and every snapshot before it. */
void reid_valsnap_free(reid_valsnap *s);

#endif
