/*
 * population.h - from a sample to the population: how many people are unique
 * in the population on the quasi-identifiers, estimated from the class sizes
 * of a sample with the models of Zayatz, Pitman and SNB, and the model chosen
 * by Dankar et al.'s rule (docs/population.md).
 *
 * Pure: no I/O, no allocation, no clock, no randomness. The same histogram
 * gives the same figures, bit for bit, on every run. The formulas, starting
 * points, convergence test and decision rule follow ARX 3.9.2, so that the
 * figures agree with ARX's.
 */
#ifndef REID_POPULATION_H
#define REID_POPULATION_H

#include <stddef.h>
#include <stdint.h>

#include "reid.h"

/* A fit has converged when both of its equations are within this of 0 (ARX's accuracy). */
#define REID_POP_ACCURACY 1e-6

/* Newton-Raphson steps from one starting point before the next is tried (ARX: 1,000 per try,
 * with the test after the increment, so 1,001 steps). */
#define REID_POP_STEPS_PER_START 1001

/* N for a sampling fraction F (0 < F <= 1) and n records: n / F rounded half up, as ARX
 * (UINT64_MAX when that does not fit). */
uint64_t reid_population_size_for(uint64_t n, double F);

/*
 * The estimates for a sample of n records out of a population of N >= n,
 * whose exact class-size histogram is hist[0..nhist-1] (ascending sizes, as
 * reid_histogram gives it). Fills every field of *out.
 */
void reid_population_estimate(const reid_hist_entry *hist, size_t nhist, uint64_t n, uint64_t N,
                              reid_population *out);

/* The digamma and trigamma functions (psi and psi'), to about 1e-15 relative; exposed for the
 * tests. */
double reid_digamma(double x);
double reid_trigamma(double x);

#endif
