/*
 * subsets.h - attribute risks: the extract grouped by every subset of the QIs
 * (docs/attribute-risk.md).
 *
 * Every subset is counted from the class table, never from the file: the
 * classes of a subset S are the classes of a superset with the other columns
 * dropped, re-counted with their sizes as weights. Subsets are visited depth
 * first on a tree in which the parent of S is S plus the QI with the fewest
 * distinct values that S lacks (the superset that splits S's classes least,
 * so usually the one with the fewest classes), and only the tables on the
 * current path are held.
 */
#ifndef REID_SUBSETS_H
#define REID_SUBSETS_H

#include <stddef.h>
#include <stdint.h>

#include "classtable.h"
#include "reid.h"

typedef struct reid_subsets {
    reid_attribute_risk *risks; /* by size, then QI indices lexicographically */
    size_t count;
    size_t max_size; /* the largest subset size computed */
    size_t *qis;     /* count x max_size QI indices; risks[i].qis points in here */
    double seconds;  /* wall time of the computation (set by the analysis) */
} reid_subsets;

/* Non-empty subsets of at most m of q QIs: the sum of C(q, s) for s = 1..m; UINT64_MAX when it
 * does not fit in 64 bits. */
uint64_t reid_subsets_number(size_t q, size_t m);

/* The size cap in use for q QIs: max_size when given (at most q), else q when q <= 12, else 3. */
size_t reid_subsets_max_size(size_t q, size_t max_size);

/*
 * Compute every subset of 1..m QIs of table t (t->q QIs, t->records > 0). card[j] is the number
 * of value ids of QI j, missing included (ids 0..card[j]-1). out is overwritten. 0, or -1 when
 * out of memory (out is then empty).
 */
int reid_subsets_compute(const reid_classtable *t, const uint32_t *card, size_t m,
                         reid_subsets *out);

void reid_subsets_free(reid_subsets *s);

/*
 * The smallest subsets that make more than a fraction f of the records unique: those with
 * uniques_fraction > f none of whose subsets one QI smaller does (uniques never fall when a QI
 * is added, so none of their subsets does). Writes their indices into idx (room for s->count),
 * by size, then most uniques first, then in s's order; returns how many. -1 when out of memory.
 */
long reid_subsets_minimal(const reid_subsets *s, double f, size_t *idx);

#endif
