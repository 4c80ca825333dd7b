/*
 * wildcard.h - "missing matches anything": sdcMicro's freqCalc() frequencies
 * (docs/missing-wildcard.md, PEER-FORMULAS.md 1.1), from the counted class
 * table.
 *
 * Every class of the table is a *pattern* (a distinct key, value id 0 =
 * missing) with f0 records and weight sum F0. Patterns are complete (C),
 * partly missing (D) or all missing (Z). With alpha in [0, 1]:
 *   m = 1:    fk(c in C) = f0(c) + alpha f0(Z);                     fk(Z) = n
 *   m >= 2:   fk(c in C) = f0(c) + alpha sum_{P in D, match(P,c)} f0(P)
 *             fk(P in D) = f0(P) + alpha sum_{Q in D u Z, Q != P, compat(P,Q)} f0(Q)
 *                                + sum_{c in C, match(P,c)} f0(c)
 *             fk(Z)      = n
 * and Fk the same with F0 (Fk(Z) = W). No pair of classes is ever compared:
 * the partly-missing patterns are grouped by their set of present columns
 * (their *mask*), and each group is indexed by the projection of its keys
 * onto a set of columns (XXH3, open addressing). With M distinct masks among
 * D, the time is O(q M (|C| + |D|)) expected, the extra memory O(|D| + the
 * largest group), beyond the output arrays. Without a missing value: fk = f0.
 */
#ifndef REID_WILDCARD_H
#define REID_WILDCARD_H

#include "classtable.h"

/*
 * fk[c] (and Fk[c] if Fk is not NULL) for every class c of t, by the rule
 * above. Fk needs the table's weight sums (t->wsum); without them Fk = fk. threads: how
 * many may be used (1 = this one only).
 * 0, or -1 when out of memory.
 */
int reid_wildcard_fk(const reid_classtable *t, double alpha, double *fk, double *Fk,
                     unsigned threads);

/*
 * The same fk of every class of t, gathered in agg (metrics.h: per distinct value, its classes and
 * records) instead of written to an array of one double per class (8 bytes a class, written and
 * read once): for the figures and the histogram without weights. With one mask group (a single
 * column with missing values, or several always missing together), or none, no such array is
 * made; with more, one is, and gathered. The values are those reid_wildcard_fk gives, bit for
 * bit. 0, or -1 when out of memory.
 */
struct reid_fk_agg;
int reid_wildcard_fk_agg(const reid_classtable *t, double alpha, struct reid_fk_agg *agg,
                         unsigned threads);

/* With threads >= 2, no weights (Fk NULL) and at least twice this many complete classes, the
 * complete classes are looked up on two threads; the results are the same (fk of whole numbers
 * and alpha multiples summed per class in the same order). */
#define REID_WILDCARD_MIN_PER_THREAD 65536

#endif
