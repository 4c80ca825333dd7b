/*
 * sensitive.h - sensitive-attribute disclosure over the QI classes
 * (docs/sensitive.md): distinct and entropy l-diversity, recursive (c, l)-diversity,
 * t-closeness, (alpha, k)-anonymity, basic and enhanced beta-likeness, delta-disclosure and
 * homogeneous classes.
 *
 * Counting (counter.c) keeps, per class and sensitive column, the value id of the class' first
 * record inline in the class table (sfirst), and the pairs of the other records (pairlog.h): (class
 * index, a sensitive value's id that differs from the class' first), with the records that have
 * both, sorted by class. A class's pairs, plus the first value with the class size minus the
 * pairs' counts, give its exact distribution; adding them up, the global one.
 * Everything here is computed from those tables after counting, in class order, so results do not
 * depend on the thread count.
 */
#ifndef REID_SENSITIVE_H
#define REID_SENSITIVE_H

#include "classtable.h"
#include "dict.h"
#include "pairlog.h"
#include "reid.h"

/*
 * The measures of sensitive column sm. classes: the QI class table (q ids per key, first values of
 * the sensitive columns in sfirst); pairs: the column's folded pairs (class index in classes, value
 * id), none with the class' first value; values: the column's dictionary (id 0 =
 * missing). The column is numeric when every non-missing value reads as a finite number (t then
 * uses the ordered distance on the sorted distinct numbers, "missing" after the largest).
 * value_counts: the records with each value id (0 .. values->count - 1), as counted while reading;
 * NULL to count them here, in a pass over the classes. threads: the classes are measured in that
 * many ranges on as many threads (fewer for small tables); every measure is a minimum, a maximum
 * or a count, so the results are the same for every thread count, bit for bit. Fills every field
 * but column and missing. 0, or -1 when out of memory.
 */
int reid_sensitive_compute(const reid_classtable *classes, unsigned sm, const reid_pairlog *pairs,
                           const reid_dict *values, double c, const uint64_t *value_counts,
                           unsigned threads, reid_sensitive *out);

/*
 * The exact distribution of sensitive column sm in each class, read from the folded pairs (sorted
 * by class, a class's values in the order they first appeared): its first value with the class
 * size minus its pairs' counts, then its pairs. maxent: the most values of a class, plus one.
 * Nothing is allocated.
 */
typedef struct reid_sensitive_dist {
    const reid_classtable *classes;
    const reid_pairlog *pairs;
    unsigned sm;
    size_t np; /* pairs */
    size_t maxent;
} reid_sensitive_dist;

/* 0, or -1 when the pairs are not folded (reid_pairlog_fold) or more than 2^32 - 1 classes. */
int reid_sensitive_dist_init(reid_sensitive_dist *d, const reid_classtable *classes, unsigned sm,
                             const reid_pairlog *pairs);
void reid_sensitive_dist_free(reid_sensitive_dist *d);

/* Class ci's values into ids and counts (room for maxent each), in the order they first appeared
 * in the class: its first value (the class size minus its pairs' counts), then its pairs. Every
 * count is > 0; returns how many. */
size_t reid_sensitive_dist_class(const reid_sensitive_dist *d, uint64_t ci, uint32_t *ids,
                                 uint64_t *counts);

/* The same for classes taken in ascending order: *cur, from reid_sensitive_dist_seek(d, first
 * class), is the position of the next class's pairs and is moved past ci's (no search). */
size_t reid_sensitive_dist_seek(const reid_sensitive_dist *d, uint64_t ci);
size_t reid_sensitive_dist_next(const reid_sensitive_dist *d, uint64_t ci, size_t *cur,
                                uint32_t *ids, uint64_t *counts);

/* Recursive (c, l) of one class: counts sorted in descending order r[0] >= ... >= r[m-1]; the
 * largest l (1..m) with r_1 < c (r_l + ... + r_m), or 1 when none. */
uint64_t reid_sensitive_recursive_l(const uint64_t *r, size_t m, double c);

#endif
