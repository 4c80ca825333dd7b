/*
 * sensitive.h - sensitive-attribute disclosure over the QI classes
 * (docs/sensitive.md): distinct and entropy l-diversity, recursive (c, l)-diversity,
 * t-closeness, (alpha, k)-anonymity, basic and enhanced beta-likeness, delta-disclosure and
 * homogeneous classes.
 *
 * Counting (counter.c) gives, per sensitive column, a table of pairs: key = the class' q QI ids
 * followed by the sensitive value's id, size = the records with both. Grouping the pairs by class
 * gives each class' distribution; adding them up, the global one. Everything here is computed
 * from those tables after counting, in class order, so results do not depend on the thread count.
 */
#ifndef REID_SENSITIVE_H
#define REID_SENSITIVE_H

#include "classtable.h"
#include "dict.h"
#include "reid.h"

/*
 * The measures of one sensitive column. classes: the QI class table (q ids per key); pairs: q + 1
 * ids per key, every pair's class present in classes; values: the column's dictionary (id 0 =
 * missing). The column is numeric when every non-missing value reads as a finite number (t then
 * uses the ordered distance on the sorted distinct numbers, "missing" after the largest). Fills
 * every field but column and missing. 0, or -1 when out of memory.
 */
int reid_sensitive_compute(const reid_classtable *classes, const reid_classtable *pairs,
                           const reid_dict *values, double c, reid_sensitive *out);

/* Recursive (c, l) of one class: counts sorted in descending order r[0] >= ... >= r[m-1]; the
 * largest l (1..m) with r_1 < c (r_l + ... + r_m), or 1 when none. */
uint64_t reid_sensitive_recursive_l(const uint64_t *r, size_t m, double c);

#endif
