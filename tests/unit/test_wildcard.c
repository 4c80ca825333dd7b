/*
 * test_wildcard.c - "missing matches anything" (lib/wildcard.h, docs/missing-wildcard.md):
 * sdcMicro's freqCalc() frequencies (PEER-FORMULAS.md 1.1) on TV-S1 and T2, the single-key and
 * all-missing rules, a cross-check against a direct O(n^2) reading of the rule on random tables,
 * and the figures through the public API.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "classtable.h"
#include "metrics.h"
#include "wildcard.h"
#include "reid.h"
#include "unit_helpers.h"

/* A table of nrec records of q values (0 = missing), weights w (NULL: none). */
static void fill(reid_classtable *t, unsigned q, size_t nrec, const uint32_t *vals, const double *w)
{
    assert_int_equal(reid_classtable_init(t, q), 0);
    if (w) assert_int_equal(reid_classtable_use_weights(t), 0);
    for (size_t i = 0; i < nrec; i++) {
        const uint32_t *key = vals + i * q;
        uint64_t h = reid_classtable_hash(t, key);
        if (w)
            assert_int_equal(reid_classtable_add_weighted(t, key, h, 1, w[i]), 0);
        else
            assert_int_equal(reid_classtable_add_hashed(t, key, h, 1), 0);
    }
}

/* fk and Fk of each record (by its class) */
static void record_fk(const reid_classtable *t, size_t nrec, const uint32_t *vals, double alpha,
                      double *fk, double *Fk)
{
    double *cf = malloc(t->nclasses * sizeof *cf), *cF = malloc(t->nclasses * sizeof *cF);
    assert_true(cf && cF);
    assert_int_equal(reid_wildcard_fk(t, alpha, cf, cF, 1), 0);
    for (size_t i = 0; i < nrec; i++) {
        int64_t c = reid_classtable_find(t, vals + i * t->q);
        assert_true(c >= 0);
        fk[i] = cf[c];
        Fk[i] = cF[c];
    }
    free(cf);
    free(cF);
}

/* ---- TV-S1 ---- */

#define NA 0
static const uint32_t t1[8 * 3] = {1,  1, 1, 1, 1,  1,  1,  1,  NA, 1, 2, 1,
                                   NA, 2, 1, 2, NA, NA, NA, NA, NA, 2, 2, 2};
static const double t1_w[8] = {10, 20, 15, 5, 30, 25, 40, 12};
/* PEER-FORMULAS.md TV-S1: fk, Fk for alpha = 1, 0.5, 0 */
static const double tv_s1[3][8][2] = {
    {{3, 45}, {3, 45}, {4, 85}, {2, 35}, {4, 100}, {4, 107}, {8, 157}, {2, 37}},
    {{2.5, 37.5}, {2.5, 37.5}, {3.5, 65}, {1.5, 20}, {3, 67.5}, {3, 72}, {8, 157}, {1.5, 24.5}},
    {{2, 30}, {2, 30}, {3, 45}, {1, 5}, {2, 35}, {2, 37}, {8, 157}, {1, 12}},
};

static void test_tv_s1(void **state)
{
    (void)state;
    static const double alphas[3] = {1, 0.5, 0};
    reid_classtable t, u;
    fill(&t, 3, 8, t1, t1_w);
    fill(&u, 3, 8, t1, NULL);
    for (int a = 0; a < 3; a++) {
        double fk[8], Fk[8], gk[8], Gk[8];
        record_fk(&t, 8, t1, alphas[a], fk, Fk);
        record_fk(&u, 8, t1, alphas[a], gk, Gk);
        for (int i = 0; i < 8; i++) {
            assert_true(fk[i] == tv_s1[a][i][0]); /* exactly: halves and whole numbers */
            assert_true(Fk[i] == tv_s1[a][i][1]);
            /* without the weight, fk is the same and Fk = fk */
            assert_true(gk[i] == tv_s1[a][i][0]);
            assert_true(Gk[i] == gk[i]);
        }
    }
    /* NULL Fk is allowed */
    double cf[8];
    assert_int_equal(reid_wildcard_fk(&t, 1, cf, NULL, 1), 0);
    reid_classtable_free(&t);
    reid_classtable_free(&u);
}

/* Single key (PEER-FORMULAS.md, T2): A = (1,1,2,NA,3,NA), w = 1..6 */
static void test_single_key(void **state)
{
    (void)state;
    static const uint32_t a[6] = {1, 1, 2, NA, 3, NA};
    static const double w[6] = {1, 2, 3, 4, 5, 6};
    static const double want_f[6] = {4, 4, 3, 6, 3, 6}, want_F[6] = {13, 13, 13, 21, 15, 21};
    reid_classtable t;
    fill(&t, 1, 6, a, w);
    double fk[6], Fk[6];
    record_fk(&t, 6, a, 1, fk, Fk);
    for (int i = 0; i < 6; i++) {
        assert_true(fk[i] == want_f[i]);
        assert_true(Fk[i] == want_F[i]);
    }
    /* alpha = 0.5: a complete value counts half of the 2 NA records (weights 4 + 6) */
    record_fk(&t, 6, a, 0.5, fk, Fk);
    static const double h_f[6] = {3, 3, 2, 6, 2, 6}, h_F[6] = {8, 8, 8, 21, 10, 21};
    for (int i = 0; i < 6; i++) {
        assert_true(fk[i] == h_f[i]);
        assert_true(Fk[i] == h_F[i]);
    }
    reid_classtable_free(&t);
}

/* All-missing records: fk = n, and complete records (m >= 2) do not count them. */
static void test_all_missing(void **state)
{
    (void)state;
    static const uint32_t v[5 * 2] = {NA, NA, NA, NA, NA, NA, 1, 1, 1, 2};
    reid_classtable t;
    fill(&t, 2, 5, v, NULL);
    double fk[5], Fk[5];
    record_fk(&t, 5, v, 1, fk, Fk);
    static const double want[5] = {5, 5, 5, 1, 1};
    for (int i = 0; i < 5; i++)
        assert_true(fk[i] == want[i]);
    reid_classtable_free(&t);
    /* only all-missing records */
    fill(&t, 2, 3, v, NULL);
    record_fk(&t, 3, v, 0.5, fk, Fk);
    for (int i = 0; i < 3; i++)
        assert_true(fk[i] == 3);
    reid_classtable_free(&t);
    /* a partly-missing record counts the all-missing ones (times alpha) and both complete ones */
    static const uint32_t p[4 * 2] = {NA, NA, 1, 1, 1, 2, 1, NA};
    fill(&t, 2, 4, p, NULL);
    record_fk(&t, 4, p, 0.5, fk, Fk);
    assert_true(fk[0] == 4);           /* (NA,NA): n */
    assert_true(fk[1] == 1.5);         /* (1,1): itself + 0.5 (1,NA) */
    assert_true(fk[2] == 1.5);         /* (1,2): the same */
    assert_true(fk[3] == 1 + 0.5 + 2); /* (1,NA): itself + 0.5 (NA,NA) + (1,1), (1,2) */
    reid_classtable_free(&t);
}

/* ---- the rule read literally, O(patterns^2) ---- */

static void brute(const reid_classtable *t, double alpha, double *fk, double *Fk)
{
    unsigned q = t->q;
    uint64_t u = t->nclasses;
    double n = (double)t->records, W = 0, fz = 0, Fz = 0;
    int any_na = 0;
    for (uint64_t c = 0; c < u; c++) {
        const uint32_t *k = reid_classtable_key(t, c);
        unsigned miss = 0;
        for (unsigned j = 0; j < q; j++)
            miss += k[j] == 0;
        any_na |= miss > 0;
        W += t->wsum[c];
        if (miss == q) fz += (double)t->sizes[c], Fz += t->wsum[c];
    }
    for (uint64_t c = 0; c < u; c++) {
        const uint32_t *P = reid_classtable_key(t, c);
        double f0 = (double)t->sizes[c], F0 = t->wsum[c];
        unsigned miss = 0;
        for (unsigned j = 0; j < q; j++)
            miss += P[j] == 0;
        if (!any_na) {
            fk[c] = f0, Fk[c] = F0;
        } else if (miss == q) {
            fk[c] = n, Fk[c] = W;
        } else if (q == 1) {
            fk[c] = f0 + alpha * fz, Fk[c] = F0 + alpha * Fz;
        } else {
            double sa = 0, sA = 0, sc = 0, sC = 0;
            for (uint64_t d = 0; d < u; d++) {
                if (d == c) continue;
                const uint32_t *Q = reid_classtable_key(t, d);
                unsigned qm = 0;
                for (unsigned j = 0; j < q; j++)
                    qm += Q[j] == 0;
                int agree = 1; /* Q agrees with P on every key where P is present */
                for (unsigned j = 0; j < q; j++)
                    if (P[j] && Q[j] && P[j] != Q[j]) agree = 0;
                if (miss == 0) { /* P complete: count D patterns that match it */
                    if (qm > 0 && qm < q && agree) sa += (double)t->sizes[d], sA += t->wsum[d];
                } else if (qm > 0) { /* P in D; Q in D u Z compatible */
                    if (agree) sa += (double)t->sizes[d], sA += t->wsum[d];
                } else { /* Q complete: match(P, Q) */
                    int match = 1;
                    for (unsigned j = 0; j < q; j++)
                        if (P[j] && Q[j] != P[j]) match = 0;
                    if (match) sc += (double)t->sizes[d], sC += t->wsum[d];
                }
            }
            fk[c] = f0 + alpha * sa + sc;
            Fk[c] = F0 + alpha * sA + sC;
        }
    }
}

/* Two threads give exactly what one does: a table with enough complete classes for the split
 * (REID_WILDCARD_MIN_PER_THREAD each), several masks of missing columns, alpha 1 and 0.5. */
static void test_two_threads_identical(void **state)
{
    (void)state;
    const unsigned q = 3;
    const size_t nrec = 3 * REID_WILDCARD_MIN_PER_THREAD;
    uint32_t *v = malloc(nrec * q * sizeof *v);
    assert_non_null(v);
    uint64_t seed = 12345;
    for (size_t i = 0; i < nrec * q; i++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        unsigned r = (unsigned)(seed >> 33);
        v[i] = r % 100 < 4 ? 0 : 1 + (r / 100) % (i % q == 0 ? 5000 : 40);
    }
    reid_classtable t;
    fill(&t, q, nrec, v, NULL);
    uint64_t u = t.nclasses;
    double *one = malloc(u * sizeof *one), *two = malloc(u * sizeof *two);
    assert_true(one && two);
    for (int a = 0; a < 2; a++) {
        double alpha = a ? 0.5 : 1;
        assert_int_equal(reid_wildcard_fk(&t, alpha, one, NULL, 1), 0);
        assert_int_equal(reid_wildcard_fk(&t, alpha, two, NULL, 2), 0);
        size_t above = 0;
        for (uint64_t c = 0; c < u; c++) {
            assert_true(one[c] == two[c]);
            above += one[c] > (double)t.sizes[c];
        }
        assert_true(above > 1000); /* the wildcard did add matches: the lookups were exercised */
    }
    free(one);
    free(two);
    reid_classtable_free(&t);
    free(v);
}

static void test_random_vs_brute(void **state)
{
    (void)state;
    uint64_t seed = 0x9E3779B97F4A7C15ull;
    for (int round = 0; round < 400; round++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        unsigned q = 1 + (unsigned)((seed >> 33) % 5);
        unsigned nval = 2 + (unsigned)((seed >> 40) % 3);
        unsigned pmiss = (unsigned)((seed >> 50) % 60); /* percent */
        size_t nrec = 1 + (size_t)((seed >> 20) % 120);
        uint32_t *v = malloc(nrec * q * sizeof *v);
        double *w = malloc(nrec * sizeof *w);
        assert_true(v && w);
        for (size_t i = 0; i < nrec * q; i++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            unsigned r = (unsigned)(seed >> 33);
            /* odd rounds: ids in the millions, so that the patterns are indexed by hashing
             * instead of by direct address (wildcard.c, DENSE_MAX) */
            uint32_t spread = round % 2 ? 1500007u : 1u;
            v[i] = r % 100 < pmiss ? 0 : 1 + (r / 100) % nval * spread;
        }
        for (size_t i = 0; i < nrec; i++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            w[i] = 1 + (double)((seed >> 33) % 50) / 4;
        }
        reid_classtable t;
        fill(&t, q, nrec, v, w);
        for (int a = 0; a < 2; a++) {
            double alpha = a ? 0.5 : 1;
            uint64_t u = t.nclasses;
            double *fk = malloc(u * sizeof *fk), *Fk = malloc(u * sizeof *Fk);
            double *bk = malloc(u * sizeof *bk), *Bk = malloc(u * sizeof *Bk);
            assert_true(fk && Fk && bk && Bk);
            assert_int_equal(reid_wildcard_fk(&t, alpha, fk, Fk, 1), 0);
            brute(&t, alpha, bk, Bk);
            for (uint64_t c = 0; c < u; c++) {
                assert_true(fk[c] == bk[c]); /* sums of whole numbers and halves: exact */
                assert_near(Fk[c], Bk[c], 1e-9 * Bk[c]);
            }
            free(fk);
            free(Fk);
            free(bk);
            free(Bk);
        }
        reid_classtable_free(&t);
        free(v);
        free(w);
    }
}

/* ---- through the public API ---- */

static const char t1_csv[] = "A,B,C,w\n"
                             "1,1,1,10\n"
                             "1,1,1,20\n"
                             "1,1,NA,15\n"
                             "1,2,1,5\n"
                             "NA,2,1,30\n"
                             "2,NA,NA,25\n"
                             "NA,NA,NA,40\n"
                             "2,2,2,12\n";

static reid_analysis *run_any(const char *csv, double alpha, int weighted, unsigned threads)
{
    reid_config *cfg = cfg_qis("A,B,C");
    assert_int_equal(reid_config_set_missing_matches_any(cfg, 1, alpha), REID_OK);
    if (weighted) assert_int_equal(reid_config_set_weight(cfg, "w"), REID_OK);
    if (threads) assert_int_equal(reid_config_set_threads(cfg, threads), REID_OK);
    reid_analysis *a = run_csv(cfg, csv);
    reid_config_free(cfg);
    assert_int_equal(reid_status_of(a), REID_OK);
    return a;
}

static void test_api_figures(void **state)
{
    (void)state;
    reid_analysis *a = run_any(t1_csv, 1, 0, 0);
    assert_string_equal(reid_missing_rule(a), "matches_any");
    assert_true(reid_missing_alpha(a) == 1);
    const reid_summary *s = reid_summary_get(a);
    /* per record fk: 3, 3, 4, 2, 4, 4, 8, 2 */
    assert_int_equal(s->records, 8);
    assert_int_equal(s->classes, 7);
    assert_int_equal(s->min_size, 2);
    assert_int_equal(s->max_size, 8);
    assert_double_near(s->mean_size, 30.0 / 8);
    assert_int_equal(s->uniques, 0);
    assert_int_equal(s->records_at_risk, 7); /* fk < 5 */
    assert_double_near(s->prosecutor_highest, 0.5);
    assert_int_equal(s->highest_risk_records, 2);
    assert_double_near(s->prosecutor_average,
                       (2.0 / 3 + 1.0 / 4 + 1.0 / 2 + 1.0 / 4 + 1.0 / 4 + 1.0 / 8 + 1.0 / 2) / 8);
    assert_int_equal(s->bucket_records[1], 2);
    assert_int_equal(s->bucket_records[2], 2);
    assert_int_equal(s->bucket_records[3], 3);
    assert_int_equal(s->bucket_records[4], 1);
    size_t nh;
    const reid_fk_entry *h = reid_fk_histogram(a, &nh);
    static const reid_fk_entry want[4] = {{2, 2, 2}, {3, 1, 2}, {4, 3, 3}, {8, 1, 1}};
    assert_int_equal(nh, 4);
    for (size_t i = 0; i < nh; i++) {
        assert_true(h[i].fk == want[i].fk);
        assert_int_equal(h[i].patterns, want[i].patterns);
        assert_int_equal(h[i].records, want[i].records);
    }
    /* the exact-match classes are still there */
    const reid_hist_entry *e = reid_histogram(a, &nh);
    assert_int_equal(nh, 2);
    assert_int_equal(e[0].size, 1);
    assert_int_equal(e[0].classes, 6);
    reid_analysis_free(a);

    /* alpha = 0.5: fk 2.5, 2.5, 3.5, 1.5, 3, 3, 8, 1.5 */
    a = run_any(t1_csv, 0.5, 0, 0);
    s = reid_summary_get(a);
    assert_true(reid_missing_alpha(a) == 0.5);
    assert_int_equal(s->min_size, 1);
    assert_int_equal(s->uniques, 2); /* fk < 2: rows 4 and 8 */
    assert_double_near(s->prosecutor_highest, 1 / 1.5);
    assert_int_equal(s->highest_risk_records, 2);
    assert_double_near(s->mean_size, (2.5 * 2 + 3.5 + 1.5 * 2 + 3 * 2 + 8) / 8);
    h = reid_fk_histogram(a, &nh);
    assert_int_equal(nh, 5);
    assert_true(h[0].fk == 1.5 && h[0].patterns == 2);
    assert_true(h[1].fk == 2.5 && h[1].patterns == 1 && h[1].records == 2);
    reid_analysis_free(a);

    /* own value (the default): no fk histogram */
    reid_config *cfg = cfg_qis("A,B,C");
    a = run_csv(cfg, t1_csv);
    assert_string_equal(reid_missing_rule(a), "own_value");
    assert_null(reid_fk_histogram(a, &nh));
    assert_int_equal(nh, 0);
    assert_int_equal(reid_summary_get(a)->uniques, 6);
    reid_analysis_free(a);
    /* alpha out of range */
    assert_int_equal(reid_config_set_missing_matches_any(cfg, 1, 1.5), REID_ERR_CONFIG);
    assert_int_equal(reid_config_set_missing_matches_any(cfg, 1, -0.1), REID_ERR_CONFIG);
    assert_int_equal(reid_config_set_missing_matches_any(cfg, 1, NAN), REID_ERR_CONFIG);
    assert_contains(reid_config_error(cfg), "alpha");
    assert_int_equal(reid_config_set_missing_matches_any(cfg, 0, 7), REID_OK); /* off: ignored */
    reid_config_free(cfg);
}

/* Merged halves give the figures of the whole; so do thread counts. */
static void test_api_merge(void **state)
{
    (void)state;
    reid_analysis *w = run_any(t1_csv, 0.5, 1, 1);
    reid_analysis *x = run_any("A,B,C,w\n1,1,1,10\n1,1,NA,15\nNA,2,1,30\nNA,NA,NA,40\n", 0.5, 1, 2);
    reid_analysis *y = run_any("A,B,C,w\n1,1,1,20\n1,2,1,5\n2,NA,NA,25\n2,2,2,12\n", 0.5, 1, 3);
    assert_int_equal(reid_merge(x, y), REID_OK);
    const reid_summary *sw = reid_summary_get(w), *sx = reid_summary_get(x);
    assert_int_equal(sw->uniques, sx->uniques);
    assert_double_near(sw->prosecutor_average, sx->prosecutor_average);
    assert_double_near(reid_individual_risk_get(w)->expected_reidentifications,
                       reid_individual_risk_get(x)->expected_reidentifications);
    reid_analysis_free(w);
    reid_analysis_free(x);
    reid_analysis_free(y);
}

/* Many classes, most complete: exercises the index growth (and is quick: no pair scan). */
static void test_many(void **state)
{
    (void)state;
    size_t nrec = 8000, cap = nrec * 24, len = 0;
    char *csv = malloc(cap);
    assert_non_null(csv);
    len += (size_t)sprintf(csv, "A,B,C\n");
    for (size_t i = 0; i < nrec; i++) {
        if (i % 10 == 0)
            len += (size_t)sprintf(csv + len, "%zu,,%zu\n", i % 300, i % 7);
        else
            len += (size_t)sprintf(csv + len, "%zu,%zu,%zu\n", i % 300, i % 13, i % 7);
    }
    reid_config *cfg = cfg_qis("A,B,C");
    assert_int_equal(reid_config_set_missing_matches_any(cfg, 1, 1), REID_OK);
    reid_analysis *a = run_csv(cfg, csv);
    assert_int_equal(reid_status_of(a), REID_OK);
    /* compare with the brute force on the table */
    const reid_classtable *t = &a->table;
    double *bk = malloc(t->nclasses * sizeof *bk), *Bk = malloc(t->nclasses * sizeof *Bk);
    reid_classtable tw;
    /* brute() needs weight sums: rebuild with unit weights */
    assert_int_equal(reid_classtable_init(&tw, 3), 0);
    assert_int_equal(reid_classtable_use_weights(&tw), 0);
    for (uint64_t c = 0; c < t->nclasses; c++) {
        const uint32_t *k = reid_classtable_key(t, c);
        assert_int_equal(reid_classtable_add_weighted(&tw, k, reid_classtable_hash(&tw, k),
                                                      t->sizes[c], (double)t->sizes[c]),
                         0);
    }
    brute(&tw, 1, bk, Bk);
    double *fk = malloc(t->nclasses * sizeof *fk);
    assert_non_null(fk);
    assert_int_equal(reid_wildcard_fk(t, 1, fk, NULL, 1), 0);
    for (uint64_t c = 0; c < t->nclasses; c++)
        assert_true(fk[c] == bk[c]);
    /* the analysis gathered its fk without an array: its histogram is that of brute force's */
    reid_fk_agg g = {0};
    for (uint64_t c = 0; c < t->nclasses; c++)
        reid_fk_agg_add(&g, bk[c], t->sizes[c]);
    reid_summary s;
    memset(&s, 0, sizeof s);
    reid_fk_entry *h;
    size_t nh;
    assert_int_equal(reid_metrics_wildcard_agg(t, &g, 5, &s, &h, &nh), 0);
    assert_int_equal(nh, a->nfk_hist);
    assert_true(nh >= 2); /* the matched classes and the partly missing ones differ */
    assert_memory_equal(h, a->fk_hist, nh * sizeof *h);
    free(h);
    free(fk);
    reid_classtable_free(&tw);
    free(bk);
    free(Bk);
    reid_analysis_free(a);
    reid_config_free(cfg);
    free(csv);
}

/* A table that lists its classes with a missing value while it grows
 * (reid_classtable_track_missing) gives the same frequencies as the pass over every class, bit for
 * bit: several masks, the all-missing class, one and two threads, alpha 1 and 0.5; the list and the
 * largest ids are exact. */
static void test_tracked_list(void **state)
{
    (void)state;
    const unsigned q = 3;
    const size_t nrec = 3 * REID_WILDCARD_MIN_PER_THREAD;
    uint32_t *v = malloc(nrec * q * sizeof *v);
    assert_non_null(v);
    uint64_t seed = 987;
    for (size_t i = 0; i < nrec * q; i++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        unsigned r = (unsigned)(seed >> 33);
        v[i] = r % 100 < 5 ? 0 : 1 + (r / 100) % (i % q == 0 ? 3000 : 30);
    }
    for (unsigned j = 0; j < q; j++) /* one record missing everywhere */
        v[(nrec / 2) * q + j] = 0;
    reid_classtable plain, tracked;
    fill(&plain, q, nrec, v, NULL);
    assert_int_equal(reid_classtable_init(&tracked, q), 0);
    assert_int_equal(reid_classtable_track_missing(&tracked), 0);
    for (size_t i = 0; i < nrec; i++) {
        const uint32_t *key = v + i * q;
        assert_int_equal(
            reid_classtable_add_hashed(&tracked, key, reid_classtable_hash(&tracked, key), 1), 0);
    }
    assert_int_equal(tracked.nclasses, plain.nclasses);
    uint64_t want = 0, prev = 0;
    uint32_t maxid[3] = {0, 0, 0};
    for (uint64_t c = 0; c < tracked.nclasses; c++) {
        const uint32_t *key = reid_classtable_key(&tracked, c);
        int miss = 0;
        for (unsigned j = 0; j < q; j++) {
            miss |= key[j] == 0;
            if (key[j] > maxid[j]) maxid[j] = key[j];
        }
        if (!miss) continue;
        assert_true(want < tracked.nmiss);
        assert_int_equal(tracked.miss[want], c); /* in index order */
        assert_true(want == 0 || c > prev);
        prev = c;
        want++;
    }
    assert_int_equal(tracked.nmiss, want);
    assert_true(want > 1000);
    for (unsigned j = 0; j < q; j++)
        assert_int_equal(tracked.maxid[j], maxid[j]);
    uint64_t u = plain.nclasses;
    double *a = malloc(u * sizeof *a), *b = malloc(u * sizeof *b);
    assert_true(a && b);
    for (unsigned threads = 1; threads <= 2; threads++)
        for (int k = 0; k < 2; k++) {
            double alpha = k ? 0.5 : 1;
            assert_int_equal(reid_wildcard_fk(&plain, alpha, a, NULL, threads), 0);
            assert_int_equal(reid_wildcard_fk(&tracked, alpha, b, NULL, threads), 0);
            assert_memory_equal(a, b, u * sizeof *a);
        }
    free(a);
    free(b);
    reid_classtable_free(&plain);
    reid_classtable_free(&tracked);
    free(v);
}

/* The figures and histogram of one way of computing fk: an array, gathered; or gathered while
 * computed (reid_wildcard_fk_agg). */
static void hist_of(const reid_classtable *t, double alpha, unsigned threads, int gathered,
                    reid_summary *s, reid_fk_entry **h, size_t *nh)
{
    reid_fk_agg g = {0};
    memset(s, 0, sizeof *s);
    if (gathered) {
        assert_int_equal(reid_wildcard_fk_agg(t, alpha, &g, threads), 0);
    } else {
        double *fk = malloc((t->nclasses ? t->nclasses : 1) * sizeof *fk);
        assert_non_null(fk);
        assert_int_equal(reid_wildcard_fk(t, alpha, fk, NULL, threads), 0);
        for (uint64_t c = 0; c < t->nclasses; c++)
            reid_fk_agg_add(&g, fk[c], t->sizes[c]);
        free(fk);
    }
    assert_int_equal(reid_metrics_wildcard_agg(t, &g, 3, s, h, nh), 0);
}

/* fk gathered while it is computed, without an array per class, gives the histogram and figures
 * of the array, bit for bit: one mask group (the array is never made), several (it is), no
 * missing value, the all-missing class; one and two threads; alpha 1, 0.5 and 0. */
static void test_gathered_equals_array(void **state)
{
    (void)state;
    const unsigned q = 3;
    const size_t nrec = 3 * REID_WILDCARD_MIN_PER_THREAD;
    uint32_t *v = malloc(nrec * q * sizeof *v);
    assert_non_null(v);
    for (int shape = 0; shape < 4; shape++) {
        /* 0: only column 0 missing (one group); 1: any column (several); 2: none; 3: as 0 and
         * one record missing everywhere */
        uint64_t seed = 4242 + (uint64_t)shape;
        for (size_t i = 0; i < nrec * q; i++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            unsigned r = (unsigned)(seed >> 33);
            int may_miss = shape == 1 || ((shape == 0 || shape == 3) && i % q == 0);
            v[i] = may_miss && r % 100 < 5 ? 0 : 1 + (r / 100) % (i % q == 0 ? 3000 : 30);
        }
        if (shape == 3)
            for (unsigned j = 0; j < q; j++)
                v[(nrec / 3) * q + j] = 0;
        reid_classtable t;
        fill(&t, q, nrec, v, NULL);
        for (unsigned threads = 1; threads <= 2; threads++)
            for (int k = 0; k < 3; k++) {
                double alpha = k == 0 ? 1 : k == 1 ? 0.5 : 0;
                reid_summary a, b;
                reid_fk_entry *ha, *hb;
                size_t na, nb;
                hist_of(&t, alpha, threads, 0, &a, &ha, &na);
                hist_of(&t, alpha, threads, 1, &b, &hb, &nb);
                assert_int_equal(na, nb);
                assert_true(na >= (shape == 2 ? 1u : 3u));
                assert_memory_equal(ha, hb, na * sizeof *ha);
                assert_int_equal(a.uniques, b.uniques);
                assert_int_equal(a.records_at_risk, b.records_at_risk);
                assert_int_equal(a.min_size, b.min_size);
                assert_int_equal(a.max_size, b.max_size);
                assert_true(a.mean_size == b.mean_size);
                assert_true(a.prosecutor_average == b.prosecutor_average);
                assert_true(a.prosecutor_highest == b.prosecutor_highest);
                assert_memory_equal(a.bucket_classes, b.bucket_classes, sizeof a.bucket_classes);
                assert_memory_equal(a.bucket_records, b.bucket_records, sizeof a.bucket_records);
                free(ha);
                free(hb);
            }
        reid_classtable_free(&t);
    }
    free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tv_s1),
        cmocka_unit_test(test_single_key),
        cmocka_unit_test(test_all_missing),
        cmocka_unit_test(test_random_vs_brute),
        cmocka_unit_test(test_two_threads_identical),
        cmocka_unit_test(test_tracked_list),
        cmocka_unit_test(test_api_figures),
        cmocka_unit_test(test_api_merge),
        cmocka_unit_test(test_many),
        cmocka_unit_test(test_gathered_equals_array),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
