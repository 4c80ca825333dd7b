/*
 * metrics.h - the figures of a counted class table (docs/metrics.md).
 *
 * Everything here is computed from the class sizes alone, in one pass over
 * the table: k, sample uniques, the size distribution and the prosecutor
 * risks.
 */
#ifndef REID_METRICS_H
#define REID_METRICS_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "classtable.h"
#include "reid.h"

/* Fill sum's count fields and the exact histogram (*hist, malloc'd; *nhist entries). 0 or -1. */
int reid_metrics_compute(const reid_classtable *t, uint64_t k, reid_summary *sum,
                         reid_hist_entry **hist, size_t *nhist);

/*
 * Under "missing matches anything": replace sum's count and risk fields by their values from the
 * per-class wildcard frequencies fk (wildcard.h; every record of class c has fk[c]), and give the
 * histogram of fk (*hist, malloc'd, ascending; *nhist entries). records and classes are kept.
 * docs/metrics.md, "Missing values". 0 or -1 when out of memory.
 */
int reid_metrics_wildcard(const reid_classtable *t, const double *fk, uint64_t k, reid_summary *sum,
                          reid_fk_entry **hist, size_t *nhist);

/*
 * The distinct wildcard frequencies of a set of classes, gathered one class at a time: per
 * distinct fk (compared by its bits: fk >= 1, so equal values have equal bits), the classes and
 * records that have it. A run of classes with the same fk (unmatched unique classes, the common
 * case) adds to the last entry without a hash. Zero-initialise; oom is set (and later additions
 * ignored) when out of memory. Entries are counts, so the order of additions and merges changes
 * nothing once reid_metrics_wildcard_agg has sorted them.
 */
typedef struct reid_fk_agg {
    uint64_t *slots; /* 0 = empty, else entry index + 1 */
    size_t mask;
    reid_fk_entry *e;
    size_t n, cap;
    size_t last;        /* the entry added to last ... */
    uint64_t last_bits; /* ... and its fk's bits */
    int oom;
} reid_fk_agg;

static inline uint64_t reid_fk_bits(double x)
{
    uint64_t b;
    memcpy(&b, &x, sizeof b);
    return b;
}

void reid_fk_agg_add_slow(reid_fk_agg *g, double fk, uint64_t bits, uint64_t patterns,
                          uint64_t records);

/* One class of `records` records with frequency fk. */
static inline void reid_fk_agg_add(reid_fk_agg *g, double fk, uint64_t records)
{
    uint64_t b = reid_fk_bits(fk);
    if (g->n && b == g->last_bits) {
        g->e[g->last].patterns++;
        g->e[g->last].records += records;
        return;
    }
    reid_fk_agg_add_slow(g, fk, b, 1, records);
}

/* Every class c of t, with frequency fk[c]. */
void reid_fk_agg_add_all(reid_fk_agg *g, const reid_classtable *t, const double *fk);

/* Add src's entries to dst. 0, or -1 when either is out of memory. */
int reid_fk_agg_merge(reid_fk_agg *dst, const reid_fk_agg *src);

void reid_fk_agg_free(reid_fk_agg *g);

/* reid_metrics_wildcard from the gathered frequencies of every class of t (g's entries become
 * *hist; g is emptied, also on failure). 0 or -1 when out of memory (g->oom included). */
int reid_metrics_wildcard_agg(const reid_classtable *t, reid_fk_agg *g, uint64_t k,
                              reid_summary *sum, reid_fk_entry **hist, size_t *nhist);

/* Bucket of a class size: 0..REID_NBUCKETS-1. */
int reid_bucket_of(uint64_t size);

#endif
