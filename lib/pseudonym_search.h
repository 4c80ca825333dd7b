/*
 * pseudonym_search.h - hash every valid NHS number and look each digest up among the sampled
 * ones (docs/pseudonyms.md). OpenSSL's libcrypto computes the digests; pthreads share the space.
 *
 * The space is cut into heads (the first six digits, 1,000 stems each) taken in the order of
 * reid_nhs_head_order; threads take 16 heads at a time from a shared counter, so the likely
 * ranges are searched first by every thread. For each stem with a check digit, each algorithm,
 * and both forms ("nnnnnnnnnn", "nnn nnn nnnn"), one digest is computed in a context that each
 * thread reuses (no allocation per hash); its first 64 bits (fewer for a short truncated token)
 * are looked up in a small open-addressing table of the targets, and a hit is checked on every
 * nibble of the token. The search stops when every target is found.
 */
#ifndef REID_PSEUDONYM_SEARCH_H
#define REID_PSEUDONYM_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "reid.h"

/* One digest to find: its first nibbles (the token decoded). */
typedef struct reid_target {
    unsigned char bytes[64];
    uint64_t number;      /* out: the NHS number (0: not found) */
    signed char md;       /* out: reid_md that made it (-1: not found) */
    unsigned char spaced; /* out: 1 if the "nnn nnn nnnn" form */
} reid_target;

typedef struct reid_search {
    /* in */
    reid_target *targets;
    size_t ntargets;
    unsigned nibbles;     /* how many leading nibbles of a digest every target gives */
    unsigned mds;         /* bit m set: algorithm m (reid_md) is tried */
    unsigned threads;     /* >= 1 */
    uint64_t first, last; /* 10-digit range, or 0, 0 for the whole space */
    reid_progress_fn progress;
    void *user;
    int calibrate;     /* 1: hash the range even without targets, no progress (to time it) */
    double time_limit; /* > 0: stop after this many seconds */
    /* out */
    size_t found;
    uint64_t stems_total, stems_done, candidates, hashes;
    int exhausted;
    double seconds;
    char error[200]; /* when -2 is returned */
} reid_search;

/* Run it. 0; -1 when out of memory; -2 when libcrypto fails (error says why). */
int reid_search_run(reid_search *s);

/* Fewest digests a search must compute for its rate to be taken as the machine's. */
#define REID_RATE_MIN_HASHES 2000000u

/*
 * The hashing rate (digests per second, all threads) of algorithms mds: a search without targets
 * stopped after 0.25 s. -1 when out of memory, -2 when libcrypto fails.
 */
int reid_search_rate(unsigned mds, unsigned threads, double *rate, char *err, size_t cap);

#endif
