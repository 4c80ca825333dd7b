/*
 * test_population.c - population uniques from a sample (lib/population.h,
 * docs/population.md): ARX 3.9.2's figures on UCI Adult, hand-computed
 * cases, the edge cases, the special functions and the settings.
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

#include "population.h"
#include "reid.h"
#include "unit_helpers.h"

#ifndef REID_TEST_DATA
#error "REID_TEST_DATA (the source tree's tests/data) must be defined"
#endif

/* |got - want| / |want| <= tol, with both printed when not. */
#define assert_rel(got, want, tol)                                                                 \
    do {                                                                                           \
        double g_ = (got), w_ = (want);                                                            \
        double e_ = fabs(g_ - w_) / fabs(w_);                                                      \
        if (!(e_ <= (tol))) {                                                                      \
            print_error("%s = %.17g, expected %.17g (relative error %.3g > %.3g)\n", #got, g_, w_, \
                        e_, (double)(tol));                                                        \
            fail();                                                                                \
        }                                                                                          \
    } while (0)

/* tests/data/adult.csv analysed on age, sex, race through the public API, with cfg's population
 * setting; the caller frees the analysis. */
static reid_analysis *adult(reid_config *cfg)
{
    assert_int_equal(reid_config_set_qis(cfg, "age,sex,race"), REID_OK);
    FILE *f = fopen(REID_TEST_DATA "/adult.csv", "rb");
    assert_non_null(f);
    reid_analysis *a = reid_analysis_new(cfg, "adult.csv");
    assert_non_null(a);
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        assert_int_equal(reid_feed(a, buf, n), REID_OK);
    fclose(f);
    assert_int_equal(reid_finish(a), REID_OK);
    return a;
}

static reid_analysis *adult_fraction(double F)
{
    reid_config *cfg = reid_config_new();
    assert_non_null(cfg);
    assert_int_equal(reid_config_set_sampling_fraction(cfg, F), REID_OK);
    reid_analysis *a = adult(cfg);
    reid_config_free(cfg);
    return a;
}

/* The figures every model reports hang together. */
static void assert_consistent(const reid_population *p)
{
    const reid_pop_estimate *m[3] = {&p->zayatz, &p->pitman, &p->snb};
    for (int i = 0; i < 3; i++) {
        if (m[i]->available) {
            assert_true(isfinite(m[i]->uniques) && m[i]->uniques >= 0);
            assert_double_near(m[i]->fraction, m[i]->uniques / (double)p->size);
        } else {
            assert_true(isnan(m[i]->uniques)); /* unavailable is never 0 */
            assert_true(isnan(m[i]->fraction));
        }
    }
}

/* ARX 3.9.2, adult.csv, QIs age, sex, race, sampling fraction 0.01. */
static void test_arx_adult_001(void **state)
{
    (void)state;
    reid_analysis *a = adult_fraction(0.01);
    const reid_population *p = reid_population_get(a);
    assert_non_null(p);
    assert_int_equal(p->size, 3016200);
    assert_double_near(p->sampling_fraction, 30162.0 / 3016200.0);
    assert_int_equal(p->sample_uniques, 62);
    assert_true(p->zayatz.available);
    assert_rel(p->zayatz.uniques, 64.03916539861781, 1e-9);
    assert_true(p->pitman.available);
    assert_rel(p->pitman.uniques, 93.59491220587782, 1e-4);
    assert_false(p->snb.available); /* ARX: the SNB fit does not converge */
    assert_true(isnan(p->snb.uniques));
    assert_true(p->snb.iterations > 0);
    assert_int_equal(p->dankar_model, REID_POP_PITMAN);
    assert_true(p->dankar_available);
    assert_true(p->dankar_uniques == p->pitman.uniques);
    assert_double_near(p->dankar_fraction, p->pitman.uniques / 3016200.0);
    assert_consistent(p);
    reid_analysis_free(a);
}

/* ARX 3.9.2, adult.csv, QIs age, sex, race, sampling fraction 0.1. */
static void test_arx_adult_01(void **state)
{
    (void)state;
    reid_analysis *a = adult_fraction(0.1);
    const reid_population *p = reid_population_get(a);
    assert_non_null(p);
    assert_int_equal(p->size, 301620);
    assert_true(p->sampling_fraction <= 0.1); /* so Dankar's rule takes Pitman */
    assert_rel(p->zayatz.uniques, 38.41939802479843, 1e-9);
    assert_true(p->pitman.available);
    assert_rel(p->pitman.uniques, 92.65921249384856, 1e-4);
    assert_int_equal(p->dankar_model, REID_POP_PITMAN);
    assert_true(p->dankar_uniques == p->pitman.uniques);
    assert_consistent(p);
    reid_analysis_free(a);
}

/* A population size gives the same figures as the sampling fraction that names it. */
static void test_population_size_same_as_fraction(void **state)
{
    (void)state;
    reid_analysis *a = adult_fraction(0.01);
    reid_config *cfg = reid_config_new();
    assert_int_equal(reid_config_set_population_size(cfg, 3016200), REID_OK);
    reid_analysis *b = adult(cfg);
    reid_config_free(cfg);
    const reid_population *p = reid_population_get(a), *q = reid_population_get(b);
    assert_non_null(p);
    assert_non_null(q);
    assert_int_equal(q->size, p->size);
    assert_true(q->zayatz.uniques == p->zayatz.uniques);
    assert_true(q->pitman.uniques == p->pitman.uniques);
    assert_int_equal(q->pitman.iterations, p->pitman.iterations);
    assert_int_equal(q->dankar_model, p->dankar_model);
    reid_analysis_free(a);
    reid_analysis_free(b);
}

/* The same input gives the same bits (no clock, no randomness in the solver). */
static void test_reproducible(void **state)
{
    (void)state;
    reid_analysis *a = adult_fraction(0.01), *b = adult_fraction(0.01);
    const reid_population *p = reid_population_get(a), *q = reid_population_get(b);
    assert_memory_equal(&p->pitman.uniques, &q->pitman.uniques, sizeof(double));
    assert_memory_equal(&p->pitman.param, &q->pitman.param, sizeof p->pitman.param);
    assert_int_equal(p->pitman.iterations, q->pitman.iterations);
    assert_int_equal(p->snb.iterations, q->snb.iterations);
    reid_analysis_free(a);
    reid_analysis_free(b);
}

/* F = 1: the extract is the population; Zayatz then counts exactly the sample uniques. */
static void test_whole_population(void **state)
{
    (void)state;
    reid_analysis *a = adult_fraction(1);
    const reid_population *p = reid_population_get(a);
    assert_int_equal(p->size, 30162);
    assert_double_near(p->sampling_fraction, 1.0);
    assert_true(p->zayatz.available);
    assert_double_near(p->zayatz.uniques, 62.0);
    assert_double_near(p->zayatz.param[0], 1.0); /* every sample unique is a population unique */
    /* more than 10%: the smaller of Zayatz and SNB, or Zayatz when SNB has no estimate */
    if (p->snb.available && p->snb.uniques <= p->zayatz.uniques) {
        assert_int_equal(p->dankar_model, REID_POP_SNB);
    } else {
        assert_int_equal(p->dankar_model, REID_POP_ZAYATZ);
        assert_double_near(p->dankar_uniques, 62.0);
    }
    assert_consistent(p);
    reid_analysis_free(a);
}

/* No sample uniques: nothing to estimate; every model says 0, Dankar's choice is "none". */
static void test_no_sample_uniques(void **state)
{
    (void)state;
    static const reid_hist_entry h[] = {{2, 3}, {5, 1}};
    reid_population p;
    memset(&p, 0xAB, sizeof p);
    reid_population_estimate(h, 2, 11, 1100, &p);
    assert_int_equal(p.size, 1100);
    assert_double_near(p.sampling_fraction, 0.01);
    assert_int_equal(p.sample_uniques, 0);
    assert_int_equal(p.dankar_model, REID_POP_NONE);
    assert_string_equal(reid_pop_model_name(p.dankar_model), "none");
    assert_true(p.dankar_available);
    assert_true(p.dankar_uniques == 0);
    assert_true(p.dankar_fraction == 0);
    assert_true(p.zayatz.available && p.zayatz.uniques == 0);
    assert_true(p.pitman.available && p.pitman.uniques == 0);
    assert_true(p.snb.available && p.snb.uniques == 0);

    /* the same through the API: the worked example of docs/metrics.md without its uniques */
    reid_config *cfg = cfg_qis("sex");
    assert_int_equal(reid_config_set_sampling_fraction(cfg, 0.5), REID_OK);
    reid_analysis *a = run_csv(cfg, "sex\nF\nF\nM\nM\nM\n");
    assert_analysis_ok(a);
    const reid_population *q = reid_population_get(a);
    assert_non_null(q);
    assert_int_equal(q->size, 10);
    assert_int_equal(q->dankar_model, REID_POP_NONE);
    assert_true(q->dankar_uniques == 0);
    reid_analysis_free(a);
    reid_config_free(cfg);
}

/*
 * Zayatz by hand (docs/population.md, worked example): sizes {1, 1, 2}, n = 4, N = 8 (pi = 1/2),
 * u = 3. h(1) = 4/8 = 1/2; h(2) = 2 C(6,3) / C(8,4) = 40/70 = 4/7.
 * P = (2/3 . 1/2) / (2/3 . 1/2 + 1/3 . 4/7) = (1/3) / (11/21) = 7/11; uniques = 2 . 7/11 / (1/2)
 * = 28/11.
 */
static void test_zayatz_by_hand(void **state)
{
    (void)state;
    static const reid_hist_entry h[] = {{1, 2}, {2, 1}};
    reid_population p;
    reid_population_estimate(h, 2, 4, 8, &p);
    assert_true(p.zayatz.available);
    assert_rel(p.zayatz.param[0], 7.0 / 11.0, 1e-14);
    assert_rel(p.zayatz.uniques, 28.0 / 11.0, 1e-14);
    assert_rel(p.zayatz.fraction, 28.0 / 11.0 / 8.0, 1e-14);
    assert_consistent(&p);

    /* sizes {1, 3}, n = 4, N = 5: drawing 4 of 5 people leaves out only one, so a class of 3
     * always shows at least 2: h(3) = 3 C(2,3) / C(5,4) = 0, P = 1 and uniques = 1 / (4/5) */
    static const reid_hist_entry g[] = {{1, 1}, {3, 1}};
    reid_population_estimate(g, 2, 4, 5, &p);
    assert_rel(p.zayatz.param[0], 1.0, 1e-15);
    assert_rel(p.zayatz.uniques, 1.25, 1e-15);

    /* large classes in a small sample: their h(j) underflows to 0 without NaN */
    static const reid_hist_entry big[] = {{1, 5}, {2, 1}, {1000000, 1}};
    reid_population_estimate(big, 3, 1000007, 2000014, &p);
    assert_true(p.zayatz.available);
    assert_true(isfinite(p.zayatz.uniques) && p.zayatz.uniques > 0);
    assert_consistent(&p);
}

/* N for a sampling fraction: n / F rounded half up, as ARX. */
static void test_size_for_fraction(void **state)
{
    (void)state;
    assert_int_equal(reid_population_size_for(30162, 0.01), 3016200);
    assert_int_equal(reid_population_size_for(30162, 0.1), 301620);
    assert_int_equal(reid_population_size_for(30162, 1), 30162);
    assert_int_equal(reid_population_size_for(3, 0.7), 4);  /* 4.29 */
    assert_int_equal(reid_population_size_for(1, 0.4), 3);  /* 2.5, half up */
    assert_int_equal(reid_population_size_for(2, 0.75), 3); /* 2.67 */
    assert_int_equal(reid_population_size_for(7, 1e-6), 7000000);
    assert_true(reid_population_size_for(30162, 1e-300) == UINT64_MAX); /* saturates */
}

/* The settings are checked, and a population smaller than the extract is an error at the end. */
static void test_settings(void **state)
{
    (void)state;
    reid_config *cfg = reid_config_new();
    assert_int_equal(reid_config_set_sampling_fraction(cfg, 0), REID_ERR_CONFIG);
    assert_contains(reid_config_error(cfg), "sampling fraction");
    assert_int_equal(reid_config_set_sampling_fraction(cfg, 1.5), REID_ERR_CONFIG);
    assert_int_equal(reid_config_set_sampling_fraction(cfg, -0.1), REID_ERR_CONFIG);
    assert_int_equal(reid_config_set_sampling_fraction(cfg, NAN), REID_ERR_CONFIG);
    assert_int_equal(reid_config_set_population_size(cfg, 0), REID_ERR_CONFIG);
    assert_contains(reid_config_error(cfg), "population size");
    assert_int_equal(reid_config_set_sampling_fraction(cfg, 1), REID_OK);
    assert_int_equal(reid_config_set_sampling_fraction(cfg, 1e-9), REID_OK);

    /* the later setting replaces the earlier */
    assert_int_equal(reid_config_set_qis(cfg, "sex"), REID_OK);
    assert_int_equal(reid_config_set_population_size(cfg, 100), REID_OK);
    reid_analysis *a = run_csv(cfg, "sex\nF\nM\nM\n");
    assert_analysis_ok(a);
    assert_int_equal(reid_population_get(a)->size, 100);
    reid_analysis_free(a);
    assert_int_equal(reid_config_set_sampling_fraction(cfg, 0.5), REID_OK);
    a = run_csv(cfg, "sex\nF\nM\nM\n");
    assert_analysis_ok(a);
    assert_int_equal(reid_population_get(a)->size, 6);
    reid_analysis_free(a);

    /* N = 2 < n = 3 */
    assert_int_equal(reid_config_set_population_size(cfg, 2), REID_OK);
    a = run_csv(cfg, "sex\nF\nM\nM\n");
    assert_int_equal(reid_status_of(a), REID_ERR_CONFIG);
    assert_contains(reid_error_message(a), "population size 2 is smaller than the 3 records");
    assert_null(reid_population_get(a));
    assert_null(reid_summary_get(a));
    reid_analysis_free(a);

    /* N = n is fine */
    assert_int_equal(reid_config_set_population_size(cfg, 3), REID_OK);
    a = run_csv(cfg, "sex\nF\nM\nM\n");
    assert_analysis_ok(a);
    assert_double_near(reid_population_get(a)->sampling_fraction, 1.0);
    reid_analysis_free(a);
    reid_config_free(cfg);
}

/* After reid_merge the estimates are those of the merged extract (N from the merged n). */
static void test_merge(void **state)
{
    (void)state;
    reid_config *cfg = cfg_qis("sex,age");
    assert_int_equal(reid_config_set_sampling_fraction(cfg, 0.1), REID_OK);
    reid_analysis *a = run_csv(cfg, "sex,age\nF,30\nM,41\nF,52\n");
    reid_analysis *b = run_csv(cfg, "sex,age\nF,52\nM,52\nM,52\nM,52\nF,67\nF,67\nF,67\n");
    reid_analysis *all = run_csv(cfg, "sex,age\nF,30\nM,41\nF,52\nF,52\nM,52\nM,52\nM,52\n"
                                      "F,67\nF,67\nF,67\n");
    assert_analysis_ok(a);
    assert_analysis_ok(b);
    assert_analysis_ok(all);
    assert_int_equal(reid_population_get(a)->size, 30);
    assert_int_equal(reid_merge(a, b), REID_OK);
    const reid_population *p = reid_population_get(a), *q = reid_population_get(all);
    assert_int_equal(p->size, 100);
    assert_int_equal(p->sample_uniques, 2);
    assert_true(p->zayatz.uniques == q->zayatz.uniques);
    assert_true(p->pitman.available == q->pitman.available);
    assert_int_equal(p->dankar_model, q->dankar_model);
    assert_memory_equal(&p->dankar_uniques, &q->dankar_uniques, sizeof(double));
    reid_analysis_free(a);
    reid_analysis_free(b);
    reid_analysis_free(all);
    reid_config_free(cfg);
}

static void test_model_names(void **state)
{
    (void)state;
    assert_string_equal(reid_pop_model_name(REID_POP_NONE), "none");
    assert_string_equal(reid_pop_model_name(REID_POP_ZAYATZ), "zayatz");
    assert_string_equal(reid_pop_model_name(REID_POP_PITMAN), "pitman");
    assert_string_equal(reid_pop_model_name(REID_POP_SNB), "snb");
    assert_null(reid_pop_model_name((reid_pop_model)42));
}

/* psi and psi' against values computed to 30 digits (mpmath). */
static void test_special_functions(void **state)
{
    (void)state;
    static const double v[][3] = {
        {1, -0.57721566490153286061, 1.6449340668482264365},
        {0.5, -1.9635100260214234794, 4.9348022005446793094},
        {100, 4.6001618527380874002, 0.010050166663333571395},
        {-0.5, 0.036489973978576520559, 8.9348022005446793094},
        {1e-7, -10000000.577215500408, 100000000000001.64493},
        {7.25, 1.9104535268837360284, 0.14787923315893216965},
        {30162.5, 10.314338132966430561, 0.000033154300109687665452},
        {-2.75, -1.9590552649779970098, 19.433868949488464162},
    };
    for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
        assert_rel(reid_digamma(v[i][0]), v[i][1], 1e-13);
        assert_rel(reid_trigamma(v[i][0]), v[i][2], 1e-13);
    }
    assert_true(isnan(reid_digamma(NAN)));
    assert_true(isnan(reid_trigamma(INFINITY)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arx_adult_001),
        cmocka_unit_test(test_arx_adult_01),
        cmocka_unit_test(test_population_size_same_as_fraction),
        cmocka_unit_test(test_reproducible),
        cmocka_unit_test(test_whole_population),
        cmocka_unit_test(test_no_sample_uniques),
        cmocka_unit_test(test_zayatz_by_hand),
        cmocka_unit_test(test_size_for_fraction),
        cmocka_unit_test(test_settings),
        cmocka_unit_test(test_merge),
        cmocka_unit_test(test_model_names),
        cmocka_unit_test(test_special_functions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
