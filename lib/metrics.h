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

/* Bucket of a class size: 0..REID_NBUCKETS-1. */
int reid_bucket_of(uint64_t size);

#endif
