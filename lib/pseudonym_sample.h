/*
 * pseudonym_sample.h - a seeded uniform sample of a column's distinct values, taken while the
 * file is read (docs/pseudonyms.md).
 *
 * Bottom-k sampling: every value gets the 64-bit hash XXH3(value, seed); the sample is the cap
 * distinct values with the smallest hashes. A value seen again has the same hash, so repeated
 * values (one person's many rows) count once, and every distinct value has the same chance,
 * whatever the order of the rows. Memory: cap values; time: one hash per value, plus
 * O(log cap) when it enters the sample.
 */
#ifndef REID_PSEUDONYM_SAMPLE_H
#define REID_PSEUDONYM_SAMPLE_H

#include <stddef.h>
#include <stdint.h>

typedef struct reid_psample {
    size_t cap, n;
    uint64_t seed;
    uint64_t offered; /* values offered (rows with a value) */
    uint64_t *h;      /* slot -> hash */
    char **v;         /* slot -> value (NUL-terminated copy) */
    size_t *len;
    uint32_t *heap; /* max-heap of slots by hash */
    uint32_t *set;  /* open addressing: slot + 1 by hash, 0 = empty */
    size_t setmask;
} reid_psample;

/* 0, or -1 when out of memory (then free it). cap >= 1. */
int reid_psample_init(reid_psample *s, size_t cap, uint64_t seed);
void reid_psample_free(reid_psample *s);

/* Offer one value. 0, or -1 when out of memory. */
int reid_psample_offer(reid_psample *s, const char *v, size_t len);

/* Put the sample in ascending order of hash (a fixed order for a given seed) and close it (no
 * offer after). 0, or -1 when out of memory. */
int reid_psample_sort(reid_psample *s);

#endif
