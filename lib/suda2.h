/*
 * suda2.h - special uniques (docs/suda2.md): minimal sample uniques (MSUs) of every record by the
 * SUDA2 search of Manning, Haglin and Keane (2008), from the class table, and the SUDA score,
 * DIS-SUDA and attribute contributions as sdcMicro's suda2() computes them.
 *
 * A record's MSU is a set S of QIs on which its values are all present and shared by no other
 * record, while every proper subset of S is shared by at least one other record. Records of one
 * class share their MSUs, and only classes of size 1 can have any: the search runs on the
 * classes, each weighted by its size (only "one record" or "more" matters).
 */
#ifndef REID_SUDA2_H
#define REID_SUDA2_H

#include <stdint.h>

#include "classtable.h"
#include "reid.h"

/* One MSU of class ci: bit j of mask = QI j (in QI order). */
typedef void (*reid_suda2_fn)(uint64_t ci, uint32_t mask, void *user);

/*
 * Every MSU of size <= max_size (0 = any size) of the classes of t, by the SUDA2 search. nvals[j]:
 * value ids of QI j are < nvals[j]; id 0 (missing) is never part of an MSU. fn is called after
 * the search, in class order, with the MSUs of one class one after the other. 0, or -1 when out
 * of memory (or t has more than REID_SUDA2_MAX_QIS QIs or 2^31 - 1 classes).
 */
int reid_suda2_search(const reid_classtable *t, const uint32_t *nvals, unsigned max_size,
                      reid_suda2_fn fn, void *user);

/* The figures of reid.h's reid_suda2, plus what reid_suda2_dis_of needs. */
typedef struct reid_suda2_result {
    reid_suda2 pub;
    uint64_t *by_size;        /* [q + 1]: MSUs by size */
    double *contrib;          /* [q]: attribute contributions, percent */
    reid_suda2_score *scores; /* distinct scores > 0, ascending */
    size_t nscores;
    double *class_score; /* [classes]: each class' score; NULL unless asked for */
    float dis_num;       /* U / Dis - U, in float as sdcMicro */
    double q_exp;        /* Q */
    double adj;          /* A = sum over records with a score of score^-Q */
} reid_suda2_result;

/*
 * The SUDA2 figures of table t (q QIs, nvals as above): MSUs up to max_size (0 = all), DIS-SUDA
 * with the fraction f (0 < f <= 1); keep_scores: also each class' score (class_score). 0, or -1
 * when out of memory (or too many QIs or classes for the search).
 */
int reid_suda2_compute(const reid_classtable *t, const uint32_t *nvals, unsigned max_size, double f,
                       int keep_scores, reid_suda2_result *out);
void reid_suda2_result_free(reid_suda2_result *r);

/* DIS-SUDA of a record with this SUDA score (0 for a score of 0). */
double reid_suda2_dis_of(const reid_suda2_result *r, double score);

#endif
