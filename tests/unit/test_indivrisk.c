/*
 * test_indivrisk.c - individual risk from sampling weights (lib/indivrisk.h,
 * docs/individual-risk.md): sdcMicro's TV-S2 (PEER-FORMULAS.md), each branch
 * of the formula by hand, the numerically hard cases, the weight column
 * through the public API (parsing, errors, merge, threads).
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
#include "indivrisk.h"
#include "reid.h"
#include "unit_helpers.h"

/* ---- sdcMicro's TV-S2 ---- */

/*
 * PEER-FORMULAS.md TV-S2: sdcMicro 5.8.1's measure_risk() on the T1 data with weight w. Its fk
 * and Fk (TV-S1, alpha = 1) come from sdcMicro's "missing matches anything" rule, which our
 * default grouping does not follow (a missing value is a value of its own), so the risks are
 * reproduced here from sdcMicro's (fk, Fk) per record; test_t1_through_the_api shows what the
 * default grouping gives, test_tv_s2_end_to_end the whole of TV-S2 with --missing-matches-any.
 */
static const struct {
    uint64_t fk;
    double Fk, r;
} tv_s2[8] = {
    {3, 45, 0.032258064516},  {3, 45, 0.032258064516},  {4, 85, 0.015444015444},
    {2, 35, 0.050092926057},  {4, 100, 0.013157894737}, {4, 107, 0.012307692308},
    {8, 157, 0.007226738934}, {2, 37, 0.047615442507},
};

static void test_tv_s2(void **state)
{
    (void)state;
    double er = 0;
    for (int i = 0; i < 8; i++) {
        double r = reid_indivrisk_class(tv_s2[i].fk, tv_s2[i].Fk);
        assert_near(r, tv_s2[i].r, 1e-9); /* sdcMicro's figures, printed to 12 decimals */
        er += r;
    }
    assert_near(er, 0.210360839, 1e-9);       /* global_risk_ER */
    assert_near(er / 8, 0.02629510488, 1e-9); /* global_risk */
    /* the hand check of PEER-FORMULAS.md, row 4: q = p/(1-p), r = q - q^2 ln(1/p) */
    double p = 2.0 / 35, q = p / (1 - p);
    assert_near(reid_indivrisk_class(2, 35), q - q * q * log(1 / p), 1e-15);
    /* unweighted (every weight 1, so Fk = fk): r = 1/fk, ER = 2.541666667 */
    static const uint64_t fk[8] = {3, 3, 4, 2, 4, 4, 8, 2};
    double er1 = 0;
    for (int i = 0; i < 8; i++)
        er1 += reid_indivrisk_class(fk[i], (double)fk[i]);
    assert_near(er1, 2.541666667, 1e-9);
}

/* ---- each branch by hand ---- */

static void test_branches(void **state)
{
    (void)state;
    /* F = f: 1/f, for every f (sdcMicro's last step) */
    assert_double_near(reid_indivrisk_class(1, 1), 1);
    assert_double_near(reid_indivrisk_class(2, 2), 0.5);
    assert_double_near(reid_indivrisk_class(3, 3), 1.0 / 3);
    assert_double_near(reid_indivrisk_class(10, 10), 0.1);
    /* f = 1: p/(1-p) ln(1/p); F = 10: p = 0.1, (1/9) ln 10 */
    assert_double_near(reid_indivrisk_class(1, 10), log(10.0) / 9);
    assert_double_near(reid_indivrisk_class(1, 2), log(2.0));
    /* f = 2: q - q^2 ln(1/p); F = 4: p = 1/2, q = 1, r = 1 - ln 2 */
    assert_double_near(reid_indivrisk_class(2, 4), 1 - log(2.0));
    /* F = 6: p = 1/3, q = 1/2, r = 1/2 - ln(3)/4 */
    assert_double_near(reid_indivrisk_class(2, 6), 0.5 - log(3.0) / 4);
    /* f > 2: p / (f - (1 - p)); f = 3, F = 30: 0.1 / 2.1 */
    assert_double_near(reid_indivrisk_class(3, 30), 0.1 / 2.1);
    /* f = 5, F = 20: p = 1/4, r = 0.25 / 4.25 */
    assert_double_near(reid_indivrisk_class(5, 20), 0.25 / 4.25);
}

/* Near F = f the textbook forms lose their digits (0/0 in the limit); ours must not. */
static void test_close_to_f(void **state)
{
    (void)state;
    /* f = 1, F = 1 + x: ln(1+x)/x = 1 - x/2 + x^2/3 - ... */
    for (double x0 = 1e-15; x0 < 1e-3; x0 *= 10) {
        double x = (1 + x0) - 1; /* what F - 1 is exactly */
        assert_near(reid_indivrisk_class(1, 1 + x), 1 - x / 2 + x * x / 3 - x * x * x / 4, 1e-15);
    }
    /* f = 2, F = 2 + 2x: (x - ln(1+x))/x^2 = 1/2 - x/3 + x^2/4 - ... */
    for (double x0 = 1e-15; x0 < 1e-3; x0 *= 10) {
        double x = ((2 + 2 * x0) - 2) / 2;
        assert_near(reid_indivrisk_class(2, 2 + 2 * x), 0.5 - x / 3 + x * x / 4 - x * x * x / 5,
                    1e-15);
    }
    /* the series and the direct form agree where they meet (|x| = 0.05) */
    double lo = reid_indivrisk_class(2, 2 + 2 * 0.0499999), hi = reid_indivrisk_class(2, 2.1000002);
    assert_near(lo, (0.0499999 - log1p(0.0499999)) / (0.0499999 * 0.0499999), 1e-13);
    assert_near(hi, (0.0500001 - log1p(0.0500001)) / (0.0500001 * 0.0500001), 1e-13);
    /* risks fall as the population grows, and stay in (0, 1] when F >= f */
    double prev = 2;
    for (double F = 1; F < 1e12; F *= 3.7) {
        double r = reid_indivrisk_class(1, F);
        assert_true(r > 0 && r <= 1 && r < prev);
        prev = r;
    }
    /* huge populations: f = 1, F = 1e15: ln(1e15) / (1e15 - 1) */
    assert_double_near(reid_indivrisk_class(1, 1e15), log(1e15) / (1e15 - 1));
    /* weights below 1 (F < f): sdcMicro's formulas still apply, and go above 1 */
    assert_double_near(reid_indivrisk_class(1, 0.5), log(0.5) / -0.5);
    assert_true(reid_indivrisk_class(1, 0.5) > 1);
}

static void test_bands(void **state)
{
    (void)state;
    static const double lo[REID_RISK_NBANDS] = {0, 0.01, 0.05, 0.1, 0.2, 0.5};
    for (int i = 0; i < REID_RISK_NBANDS; i++) {
        assert_true(reid_risk_band_low(i) == lo[i]);
        if (i + 1 < REID_RISK_NBANDS) assert_true(reid_risk_band_high(i) == lo[i + 1]);
    }
    assert_true(isinf(reid_risk_band_high(REID_RISK_NBANDS - 1)));
    assert_true(isnan(reid_risk_band_low(-1)) && isnan(reid_risk_band_high(REID_RISK_NBANDS)));
}

/* ---- through the public API ---- */

/* T1 (PEER-FORMULAS.md TV-S1/TV-S2) as a CSV file. */
static const char t1_csv[] = "A,B,C,w\n"
                             "1,1,1,10\n"
                             "1,1,1,20\n"
                             "1,1,NA,15\n"
                             "1,2,1,5\n"
                             "NA,2,1,30\n"
                             "2,NA,NA,25\n"
                             "NA,NA,NA,40\n"
                             "2,2,2,12\n";

static reid_analysis *run_weighted(const char *qis, const char *weight, const char *csv,
                                   unsigned threads)
{
    reid_config *cfg = cfg_qis(qis);
    assert_int_equal(reid_config_set_weight(cfg, weight), REID_OK);
    if (threads) assert_int_equal(reid_config_set_threads(cfg, threads), REID_OK);
    reid_analysis *a = run_csv(cfg, csv);
    reid_config_free(cfg);
    return a;
}

static double f1(double F)
{
    return log(F) / (F - 1);
}

/*
 * T1 through the API. A missing value is a value of its own here, so the classes are those of
 * a plain group-by: (1,1,1) holds rows 1-2 (f = 2, F = 30) and every other row is alone, unlike
 * sdcMicro's fk/Fk of TV-S1; the risks follow from the same formulas.
 */
static void test_t1_through_the_api(void **state)
{
    (void)state;
    reid_analysis *a = run_weighted("A,B,C", "w", t1_csv, 0);
    assert_analysis_ok(a);
    const reid_individual_risk *r = reid_individual_risk_get(a);
    assert_non_null(r);
    assert_string_equal(r->weight_column, "w");
    double pair = (14 - log(15.0)) / (14.0 * 14.0); /* f = 2, F = 30: x = 14 */
    double er = 2 * pair + f1(15) + f1(5) + f1(30) + f1(25) + f1(40) + f1(12);
    assert_double_near(r->expected_reidentifications, er);
    assert_double_near(r->global_risk, er / 8);
    assert_double_near(r->max, f1(5));
    assert_int_equal(r->max_records, 1);
    assert_double_near(r->total_weight, 157);
    assert_double_near(r->threshold, 0.1);
    /* risks: 0.0576 x2, 0.1934, 0.4024, 0.1172, 0.1341, 0.0946, 0.2259 */
    assert_int_equal(r->records_above_threshold, 5);
    assert_double_near(r->records_above_threshold_fraction, 5.0 / 8);
    static const uint64_t bands[REID_RISK_NBANDS] = {0, 0, 3, 3, 2, 0};
    for (int i = 0; i < REID_RISK_NBANDS; i++)
        assert_int_equal(r->band_records[i], bands[i]);
    /* per class: the table's f and F */
    uint32_t key[3];
    size_t len;
    const char *v = reid_value(a, 0, 1, &len);
    assert_true(v && len == 1 && v[0] == '1');
    key[0] = key[1] = key[2] = 1; /* "1" is the first value of every column */
    int64_t c = reid_classtable_find(&a->table, key);
    assert_true(c >= 0);
    assert_int_equal(a->table.sizes[c], 2);
    assert_double_near(a->table.wsum[c], 30);
    reid_analysis_free(a);
}

/*
 * TV-S2 end to end: with sdcMicro's rule for missing values (reid_config_set_missing_matches_any),
 * the analysis forms sdcMicro's fk and Fk (TV-S1) and so reproduces all of TV-S2 from the CSV.
 */
static void test_tv_s2_end_to_end(void **state)
{
    (void)state;
    static const uint32_t keys[8][3] = {{1, 1, 1}, {1, 1, 1}, {1, 1, 0}, {1, 2, 1},
                                        {0, 2, 1}, {2, 0, 0}, {0, 0, 0}, {2, 2, 2}};
    reid_config *cfg = cfg_qis("A,B,C");
    assert_int_equal(reid_config_set_weight(cfg, "w"), REID_OK);
    assert_int_equal(reid_config_set_missing_matches_any(cfg, 1, 1), REID_OK);
    reid_analysis *a = run_csv(cfg, t1_csv);
    assert_analysis_ok(a);
    assert_string_equal(reid_missing_rule(a), "matches_any");
    const reid_individual_risk *r = reid_individual_risk_get(a);
    assert_near(r->expected_reidentifications, 0.210360839, 1e-9);
    assert_near(r->global_risk, 0.02629510488, 1e-9);
    assert_near(r->max, 0.050092926057, 1e-9); /* row 4 */
    assert_int_equal(r->max_records, 1);
    assert_double_near(r->total_weight, 157);
    /* every record's fk, Fk (TV-S1) and r (TV-S2); "1" and "2" are ids 1 and 2 in each column */
    for (int i = 0; i < 8; i++) {
        int64_t c = reid_classtable_find(&a->table, keys[i]);
        assert_true(c >= 0);
        assert_true(a->fk[c] == (double)tv_s2[i].fk);
        assert_true(a->Fk[c] == tv_s2[i].Fk);
        assert_near(reid_indivrisk_real(a->fk[c], a->Fk[c]), tv_s2[i].r, 1e-9);
    }
    reid_analysis_free(a);
    /* TV-S2b, alpha = 0.5: the records with fk = 1.5 (rows 4 and 8) get r = 0 */
    assert_int_equal(reid_config_set_missing_matches_any(cfg, 1, 0.5), REID_OK);
    a = run_csv(cfg, t1_csv);
    assert_analysis_ok(a);
    for (int i = 0; i < 8; i++) {
        int64_t c = reid_classtable_find(&a->table, keys[i]);
        if (i == 3 || i == 7) {
            assert_true(a->fk[c] == 1.5);
            assert_true(reid_indivrisk_real(a->fk[c], a->Fk[c]) == 0);
        }
    }
    assert_int_equal(reid_individual_risk_get(a)->band_records[0], 2 + 1); /* 0, 0 and row 7 */
    reid_analysis_free(a);
    reid_config_free(cfg);
}

/* The complete rows of T1 (no missing value): both rules agree, so these are sdcMicro's
 * figures for that table by the definitions of PEER-FORMULAS.md 1.1-1.2. */
static void test_complete_rows(void **state)
{
    (void)state;
    reid_analysis *a =
        run_weighted("A,B,C", "w", "A,B,C,w\n1,1,1,10\n1,1,1,20\n1,2,1,5\n2,2,2,12\n", 1);
    assert_analysis_ok(a);
    const reid_individual_risk *r = reid_individual_risk_get(a);
    double er = 2 * (14 - log(15.0)) / 196 + f1(5) + f1(12);
    assert_double_near(r->expected_reidentifications, er);
    assert_double_near(r->global_risk, er / 4);
    reid_analysis_free(a);
}

/* Unit weights: every F = f, so r = 1/f and ER = the number of classes (sdcMicro, and the
 * prosecutor average risk times n). */
static void test_unit_weights(void **state)
{
    (void)state;
    reid_analysis *a =
        run_weighted("x", "w", "x,w\na,1\na,1\nb,1\nc,1\nc,1\nc,1\nd,1.0\nd,1e0\nd,1\nd,1\n", 0);
    assert_analysis_ok(a);
    const reid_individual_risk *r = reid_individual_risk_get(a);
    const reid_summary *s = reid_summary_get(a);
    assert_double_near(r->expected_reidentifications, 4);
    assert_double_near(r->global_risk, s->prosecutor_average);
    assert_double_near(r->max, 1);
    assert_int_equal(r->max_records, 1);
    /* 1/2, 1, 1/3, 1/4: above 0.1 all ten */
    assert_int_equal(r->records_above_threshold, 10);
    reid_analysis_free(a);
}

/* f > 2 with F = f exactly, and the threshold is strict */
static void test_threshold(void **state)
{
    (void)state;
    reid_config *cfg = cfg_qis("x");
    assert_int_equal(reid_config_set_weight(cfg, "w"), REID_OK);
    assert_int_equal(reid_config_set_risk_threshold(cfg, 0.25), REID_OK);
    assert_int_equal(reid_config_set_risk_threshold(cfg, 1.5), REID_ERR_CONFIG);
    assert_int_equal(reid_config_set_risk_threshold(cfg, -0.1), REID_ERR_CONFIG);
    assert_int_equal(reid_config_set_risk_threshold(cfg, NAN), REID_ERR_CONFIG);
    /* a: f = 4, F = 4 -> 0.25 (not above 0.25); b: f = 1, F = 2 -> ln 2 */
    reid_analysis *a = run_csv(cfg, "x,w\na,1\na,1\na,1\na,1\nb,2\n");
    assert_analysis_ok(a);
    const reid_individual_risk *r = reid_individual_risk_get(a);
    assert_double_near(r->threshold, 0.25);
    assert_int_equal(r->records_above_threshold, 1);
    assert_double_near(r->expected_reidentifications, 1 + log(2.0));
    assert_int_equal(r->band_records[4], 4); /* [0.2, 0.5) */
    assert_int_equal(r->band_records[5], 1); /* [0.5, ...) */
    reid_analysis_free(a);
    reid_config_free(cfg);
}

/* Merging two halves gives the whole, thread counts do not matter, and no weights, no figures. */
static void test_merge_and_threads(void **state)
{
    (void)state;
    char whole[1 << 16], h1[1 << 15], h2[1 << 15];
    size_t lw = 0, l1 = 0, l2 = 0;
    const char *hdr = "x,y,w\n";
    lw += (size_t)sprintf(whole + lw, "%s", hdr);
    l1 += (size_t)sprintf(h1 + l1, "%s", hdr);
    l2 += (size_t)sprintf(h2 + l2, "%s", hdr);
    for (int i = 0; i < 600; i++) {
        char row[64];
        int n = sprintf(row, "%d,%d,%.3f\n", (i * 7) % 13, (i * 11) % 17, 1 + (i * 37 % 101) / 4.0);
        memcpy(whole + lw, row, (size_t)n);
        lw += (size_t)n;
        if (i % 2) {
            memcpy(h1 + l1, row, (size_t)n);
            l1 += (size_t)n;
        } else {
            memcpy(h2 + l2, row, (size_t)n);
            l2 += (size_t)n;
        }
    }
    whole[lw] = h1[l1] = h2[l2] = 0;
    reid_analysis *w = run_weighted("x,y", "w", whole, 1);
    reid_analysis *w2 = run_weighted("x,y", "w", whole, 3);
    reid_analysis *a = run_weighted("x,y", "w", h1, 2);
    reid_analysis *b = run_weighted("x,y", "w", h2, 1);
    assert_analysis_ok(w);
    assert_analysis_ok(a);
    assert_analysis_ok(b);
    assert_int_equal(reid_merge(a, b), REID_OK);
    const reid_individual_risk *rw = reid_individual_risk_get(w), *ra = reid_individual_risk_get(a),
                               *r2 = reid_individual_risk_get(w2);
    /* identical for every thread count, bit for bit */
    assert_true(rw->expected_reidentifications == r2->expected_reidentifications);
    assert_double_near(ra->expected_reidentifications, rw->expected_reidentifications);
    assert_double_near(ra->global_risk, rw->global_risk);
    assert_double_near(ra->total_weight, rw->total_weight);
    assert_double_near(ra->max, rw->max);
    assert_int_equal(ra->records_above_threshold, rw->records_above_threshold);
    for (int i = 0; i < REID_RISK_NBANDS; i++)
        assert_int_equal(ra->band_records[i], rw->band_records[i]);
    /* a weighted and an unweighted analysis do not merge */
    reid_config *cfg = cfg_qis("x,y");
    reid_analysis *u = run_csv(cfg, h2);
    assert_analysis_ok(u);
    assert_null(reid_individual_risk_get(u));
    assert_int_equal(reid_merge(u, b), REID_ERR_CONFIG);
    assert_contains(reid_error_message(u), "sampling weights");
    reid_analysis_free(u);
    reid_config_free(cfg);
    reid_analysis_free(w);
    reid_analysis_free(w2);
    reid_analysis_free(a);
    reid_analysis_free(b);
}

/* Bigger than a batch, with the table growing: the weight sums follow the classes. */
static void test_many_classes(void **state)
{
    (void)state;
    size_t cap = 40000 * 24, len = 0;
    char *csv = malloc(cap);
    assert_non_null(csv);
    len += (size_t)sprintf(csv, "id,w\n");
    for (int i = 0; i < 30000; i++)
        len += (size_t)sprintf(csv + len, "%d,%d\n", i % 10000, 1 + i % 3);
    /* class i: 3 records, weights 1 + i%3, 1 + (i+1)%3, 1 + (i+2)%3 (an arrangement of 1,2,3):
     * f = 3, F = 6, r = 3 / (6*2 + 3) = 0.2 */
    reid_analysis *a = run_weighted("id", "w", csv, 2);
    assert_analysis_ok(a);
    const reid_individual_risk *r = reid_individual_risk_get(a);
    assert_double_near(r->expected_reidentifications, 30000 * 0.2);
    assert_double_near(r->max, 0.2);
    assert_int_equal(r->max_records, 30000);
    assert_int_equal(r->band_records[4], 30000);
    assert_double_near(r->total_weight, 60000);
    assert_true(a->sum.table_bytes >= a->table.cap * 8 * 3); /* the weight sums are counted */
    reid_analysis_free(a);
    free(csv);
}

static void test_bad_weights(void **state)
{
    (void)state;
    static const char *const bad[] = {"",    "NA",   "abc", "-1",    "0",   "0.0", "inf",
                                      "nan", "0x10", "1,5", "1e999", " 2x", "+",   "1e"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char csv[128];
        snprintf(csv, sizeof csv, "x,w\na,1\nb,\"%s\"\nc,2\n", bad[i]);
        reid_analysis *a = run_weighted("x", "w", csv, 0);
        if (reid_status_of(a) != REID_ERR_INPUT) {
            print_error("weight '%s' was accepted\n", bad[i]);
            fail();
        }
        assert_int_equal(reid_error_line(a), 3);
        assert_int_equal(reid_error_column(a), 2);
        assert_contains(reid_error_message(a), "line 3, column 2 (w)");
        assert_contains(reid_error_message(a), "weight");
        reid_analysis_free(a);
    }
    /* good ones, spaces trimmed */
    reid_analysis *a = run_weighted("x", "w", "x,w\na, 2.5 \nb,1e1\nc,+3\nd,.5\n", 0);
    assert_analysis_ok(a);
    assert_double_near(reid_individual_risk_get(a)->total_weight, 16);
    reid_analysis_free(a);
    /* skipped with --skip-bad-rows */
    reid_config *cfg = cfg_qis("x");
    reid_config_set_weight(cfg, "w");
    reid_config_set_skip_bad_rows(cfg, 1);
    a = run_csv(cfg, "x,w\na,1\nb,zero\nc,0\nc,2\n");
    assert_analysis_ok(a);
    assert_int_equal(reid_summary_get(a)->records, 2);
    assert_int_equal(reid_summary_get(a)->skipped_rows, 2);
    assert_contains(reid_first_skip_message(a), "line 3, column 2 (w)");
    reid_analysis_free(a);
    reid_config_free(cfg);
}

static void test_config_errors(void **state)
{
    (void)state;
    /* the weight column is a QI */
    reid_analysis *a = run_weighted("x,w", "w", "x,w\na,1\n", 0);
    assert_int_equal(reid_status_of(a), REID_ERR_CONFIG);
    assert_contains(reid_error_message(a), "cannot be both the weight column and a "
                                           "quasi-identifier");
    reid_analysis_free(a);
    /* unknown, with a suggestion */
    a = run_weighted("x", "weigth", "x,weight\na,1\n", 0);
    assert_int_equal(reid_status_of(a), REID_ERR_CONFIG);
    assert_contains(reid_error_message(a),
                    "no weight column named 'weigth'; did you mean 'weight'");
    reid_analysis_free(a);
    /* without a header: by number */
    reid_config *cfg = cfg_qis("1");
    reid_config_set_header(cfg, 0);
    reid_config_set_weight(cfg, "2");
    a = run_csv(cfg, "a,3\na,3\nb,7\n");
    assert_analysis_ok(a);
    assert_double_near(reid_individual_risk_get(a)->expected_reidentifications,
                       2 * (2 - log(3.0)) / 4 + f1(7)); /* a: f = 2, F = 6, x = 2 */
    reid_analysis_free(a);
    reid_config_set_weight(cfg, "3");
    a = run_csv(cfg, "a,3\n");
    assert_int_equal(reid_status_of(a), REID_ERR_CONFIG);
    assert_contains(reid_error_message(a), "weight column is a column number from 1 to 2");
    reid_analysis_free(a);
    /* "" or NULL: no weights */
    reid_config_set_weight(cfg, "");
    a = run_csv(cfg, "a,3\n");
    assert_analysis_ok(a);
    assert_null(reid_individual_risk_get(a));
    reid_analysis_free(a);
    reid_config_free(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tv_s2),
        cmocka_unit_test(test_branches),
        cmocka_unit_test(test_close_to_f),
        cmocka_unit_test(test_bands),
        cmocka_unit_test(test_t1_through_the_api),
        cmocka_unit_test(test_tv_s2_end_to_end),
        cmocka_unit_test(test_complete_rows),
        cmocka_unit_test(test_unit_weights),
        cmocka_unit_test(test_threshold),
        cmocka_unit_test(test_merge_and_threads),
        cmocka_unit_test(test_many_classes),
        cmocka_unit_test(test_bad_weights),
        cmocka_unit_test(test_config_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
