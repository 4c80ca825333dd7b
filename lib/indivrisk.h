/*
 * indivrisk.h - per-record re-identification risk from sampling weights:
 * Benedetti and Franconi's approximation, exactly as sdcMicro's indivRisk()
 * (method "approx", the default of measure_risk()) computes it
 * (docs/individual-risk.md).
 *
 * A record's risk depends only on its class: f, the records in the class,
 * and F, the sum of their weights. Everything is computed per class from the
 * class table after counting. Pure: no I/O, no allocation.
 */
#ifndef REID_INDIVRISK_H
#define REID_INDIVRISK_H

#include <stdint.h>

#include "classtable.h"
#include "reid.h"

/*
 * The risk of each record of a class of f >= 1 records whose weights add up
 * to F > 0, with p = f / F:
 *   F == f:  1 / f                                    (sdcMicro's last step)
 *   f == 1:  p/(1-p) ln(1/p)          = ln(F) / (F - 1)
 *   f == 2:  p/(1-p) - (p/(1-p))^2 ln(1/p) = (x - ln(1+x)) / x^2, x = (F - 2) / 2
 *   f >  2:  p / (f - (1 - p))        = f / (F (f - 1) + f)
 * The right-hand forms are the same quantities written so that no digits are
 * lost when F is close to f.
 */
double reid_indivrisk_class(uint64_t f, double F);

/*
 * The same for a frequency fk that need not be whole (sdcMicro's wildcard frequencies with
 * alpha < 1): Fk == fk: 1/fk; fk == 1, fk == 2 and fk > 2 as above; any other fk (1 < fk < 2,
 * or fk < 1) gives 0, as sdcMicro's indivRisk() does.
 */
double reid_indivrisk_real(double fk, double Fk);

/*
 * The figures over every class of t (which must keep weight sums), with threshold T. fk and Fk
 * (NULL: the table's sizes and weight sums) give each class' frequencies, e.g. the wildcard ones
 * of wildcard.h; every record of class c then has the risk of (fk[c], Fk[c]).
 */
void reid_indivrisk_compute(const reid_classtable *t, const double *fk, const double *Fk, double T,
                            reid_individual_risk *out);

#endif
