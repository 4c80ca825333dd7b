/*
 * test_subsets.c - attribute risks, every subset of the QIs (lib/subsets.h,
 * docs/attribute-risk.md): a hand-computed fixture, ARX 3.9.2's distinction and
 * separation on adult.csv, the projection counter against a naive
 * sort-and-count on random data (every internal path: dense, sorted runs,
 * radix sort, keys wider than 64 bits, the size cap), the number of subsets
 * above 12 QIs, the smallest subsets above a threshold, merge, errors.
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
#include "reid.h"
#include "subsets.h"
#include "unit_helpers.h"

/* tests/fixtures/subsets_small.csv (the hand computation is in tests/fixtures/README.md) */
static const char SMALL[] = "a,b,c\nx,1,p\nx,1,p\nx,1,q\nx,2,q\ny,2,q\ny,2,q\ny,,p\nz,1,p\n";

static reid_analysis *run_ar(const char *qis, const char *csv, size_t max_size)
{
    reid_config *cfg = cfg_qis(qis);
    assert_int_equal(reid_config_set_attribute_risks(cfg, 1, max_size), REID_OK);
    reid_analysis *a = run_csv(cfg, csv);
    reid_config_free(cfg);
    assert_analysis_ok(a);
    return a;
}

/* The subset with exactly these QI indices (ascending), or fail. */
static const reid_attribute_risk *find(const reid_analysis *a, size_t n, const size_t *qis)
{
    for (size_t i = 0; i < reid_attribute_risk_count(a); i++) {
        const reid_attribute_risk *r = reid_attribute_risk_get(a, i);
        if (r->nqis == n && memcmp(r->qis, qis, n * sizeof *qis) == 0) return r;
    }
    fail_msg("subset not found");
    return NULL;
}

#define FIND(a, ...)                                                                               \
    find((a), sizeof((size_t[]){__VA_ARGS__}) / sizeof(size_t), (size_t[]){__VA_ARGS__})

static void check(const reid_attribute_risk *r, uint64_t u, uint64_t k, uint64_t c1, uint64_t pairs,
                  uint64_t n)
{
    assert_int_equal(r->classes, u);
    assert_int_equal(r->k, k);
    assert_int_equal(r->uniques, c1);
    assert_double_near(r->uniques_fraction, (double)c1 / (double)n);
    assert_double_near(r->distinction, (double)u / (double)n);
    double all = (double)n * (double)(n - 1) / 2;
    assert_double_near(r->separation, (all - (double)pairs) / all);
}

/* n = 8, C(8,2) = 28 pairs; the classes of each subset and their C(f,2), counted by hand. */
static void test_small_fixture(void **state)
{
    (void)state;
    reid_analysis *a = run_ar("a,b,c", SMALL, 0);
    assert_int_equal(reid_attribute_risk_count(a), 7);
    assert_int_equal(reid_attribute_risk_max_size(a), 3);
    /* order: by size, then QI indices */
    const reid_attribute_risk *r0 = reid_attribute_risk_get(a, 0),
                              *r3 = reid_attribute_risk_get(a, 3);
    assert_int_equal(r0->nqis, 1);
    assert_int_equal(r0->qis[0], 0);
    assert_int_equal(r3->nqis, 2);
    assert_int_equal(r3->qis[0], 0);
    assert_int_equal(r3->qis[1], 1);
    assert_null(reid_attribute_risk_get(a, 7));
    /* a: x 4, y 3, z 1 -> 6 + 3 pairs; separation 19/28, distinction 3/8 */
    check(FIND(a, 0), 3, 1, 1, 9, 8);
    /* b: 1 4, 2 3, missing 1 (a value of its own) */
    check(FIND(a, 1), 3, 1, 1, 9, 8);
    /* c: p 4, q 4 -> 12 pairs: separation 16/28 */
    check(FIND(a, 2), 2, 4, 0, 12, 8);
    /* a,b: x1 3, x2 1, y2 2, y-missing 1, z1 1 */
    check(FIND(a, 0, 1), 5, 1, 3, 4, 8);
    /* a,c: xp 2, xq 2, yq 2, yp 1, zp 1 */
    check(FIND(a, 0, 2), 5, 1, 2, 3, 8);
    /* b,c: 1p 3, 1q 1, 2q 3, missing-p 1 */
    check(FIND(a, 1, 2), 4, 1, 2, 6, 8);
    /* a,b,c: x1p 2, x1q 1, x2q 1, y2q 2, y-p 1, z1p 1 -> the main figures */
    const reid_attribute_risk *all = FIND(a, 0, 1, 2);
    check(all, 6, 1, 4, 2, 8);
    assert_near(all->separation, 13.0 / 14, 1e-15);
    const reid_summary *s = reid_summary_get(a);
    assert_int_equal(all->classes, s->classes);
    assert_int_equal(all->uniques, s->uniques);
    reid_analysis_free(a);
}

/* The smallest subsets above a threshold: uniques a,b 3/8, a,c 2/8, b,c 2/8, a,b,c 4/8. */
static void test_minimal(void **state)
{
    (void)state;
    reid_analysis *a = run_ar("a,b,c", SMALL, 0);
    size_t idx[7];
    long n = reid_subsets_minimal(&a->subsets, 0.2, idx);
    assert_int_equal(n, 3); /* the three pairs; a,b,c is above but not smallest */
    const reid_attribute_risk *r = reid_attribute_risk_get(a, idx[0]);
    assert_int_equal(r->uniques, 3); /* a,b first: most uniques */
    assert_int_equal(r->qis[1], 1);
    r = reid_attribute_risk_get(a, idx[1]);
    assert_int_equal(r->qis[1], 2); /* a,c then b,c: same uniques, QI order */
    assert_int_equal(r->qis[0], 0);
    assert_int_equal(reid_attribute_risk_get(a, idx[2])->qis[0], 1);
    assert_int_equal(reid_subsets_minimal(&a->subsets, 0.3, idx), 1); /* a,b only (37.5%) */
    assert_int_equal(reid_subsets_minimal(&a->subsets, 0.5, idx), 0); /* strict: 4/8 is not > */
    assert_int_equal(reid_subsets_minimal(&a->subsets, 0.1, idx), 2); /* a, b (1/8 each) */
    reid_analysis_free(a);
}

/* ARX 3.9.2, adult.csv, QIs age,sex,race: distinction / separation per subset. */
static void test_adult_arx(void **state)
{
    (void)state;
    reid_config *cfg = cfg_qis("age,sex,race");
    assert_int_equal(reid_config_set_attribute_risks(cfg, 1, 0), REID_OK);
    FILE *f = fopen(REID_TEST_DATA "/adult.csv", "rb");
    assert_non_null(f);
    reid_analysis *a = reid_analysis_new(cfg, "adult.csv");
    reid_config_free(cfg);
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        assert_int_equal(reid_feed(a, buf, n), REID_OK);
    fclose(f);
    assert_int_equal(reid_finish(a), REID_OK);
    assert_int_equal(reid_attribute_risk_count(a), 7);
    static const struct {
        size_t n, qis[3];
        double distinction, separation;
    } arx[] = {
        {1, {1}, 6.630860022544923e-05, 0.43828434814896455},
        {1, {2}, 0.0001657715005636231, 0.2510168705580825},
        {1, {0}, 0.0023871096081161725, 0.9781172561484958},
        {2, {1, 2}, 0.0003315430011272462, 0.5689230170166433},
        {2, {0, 2}, 0.00954843843246469, 0.9837666715009222},
        {3, {0, 1, 2}, 0.0175054704595186, 0.9905147966813672},
    };
    for (size_t i = 0; i < sizeof arx / sizeof *arx; i++) {
        const reid_attribute_risk *r = find(a, arx[i].n, arx[i].qis);
        assert_near(r->distinction / arx[i].distinction, 1, 1e-9);
        assert_near(r->separation / arx[i].separation, 1, 1e-9);
    }
    const reid_attribute_risk *all = FIND(a, 0, 1, 2);
    assert_int_equal(all->classes, 528); /* and ARX's u, c_1 */
    assert_int_equal(all->uniques, 62);
    reid_analysis_free(a);
}

/* ---- the projection counter against a naive sort-and-count ---- */

static uint64_t rng_state;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static size_t g_width; /* values per projected row, for the comparison */
static int cmp_row(const void *x, const void *y)
{
    return memcmp(x, y, g_width * sizeof(uint32_t));
}

/*
 * rows random records of q columns (column j's ids below card[j], skewed so that classes repeat;
 * ids are compared as numbers by memcmp only for equality, which is all counting needs), counted
 * in a class table; every subset of at most m columns must match the naive count exactly.
 */
static void check_random_pool(unsigned q, const uint32_t *card, size_t rows, size_t m,
                              uint64_t seed, size_t pool)
{
    rng_state = seed;
    reid_classtable t;
    assert_int_equal(reid_classtable_init(&t, q), 0);
    uint32_t *data = malloc(rows * q * sizeof *data), *proj = malloc(rows * q * sizeof *proj);
    assert_non_null(data);
    assert_non_null(proj);
    for (size_t r = 0; r < rows; r++) {
        if (pool && r >= pool) /* a copy of one of the first pool rows */
            memcpy(data + r * q, data + (rnd() % pool) * q, q * sizeof *data);
        for (unsigned j = 0; j < q && !(pool && r >= pool); j++) {
            uint64_t a = rnd() % card[j], b = rnd() % card[j];
            data[r * q + j] = (uint32_t)(rnd() & 1 ? a : (a < b ? a : b)); /* skewed to small */
        }
        assert_int_equal(reid_classtable_add(&t, data + r * q, 1), 0);
    }
    reid_subsets s;
    assert_int_equal(reid_subsets_compute(&t, card, m, &s), 0);
    size_t mm = m < q ? m : q;
    assert_int_equal(s.count, reid_subsets_number(q, mm));
    assert_int_equal(s.max_size, mm);
    uint64_t n = rows;
    for (size_t i = 0; i < s.count; i++) {
        const reid_attribute_risk *x = &s.risks[i];
        if (i) { /* strictly increasing: every subset exactly once */
            const reid_attribute_risk *p = &s.risks[i - 1];
            int less = p->nqis < x->nqis;
            if (p->nqis == x->nqis)
                for (size_t j = 0; j < x->nqis; j++)
                    if (p->qis[j] != x->qis[j]) {
                        less = p->qis[j] < x->qis[j];
                        break;
                    }
            assert_true(less);
        }
        for (size_t j = 1; j < x->nqis; j++)
            assert_true(x->qis[j - 1] < x->qis[j]);
        for (size_t r = 0; r < rows; r++)
            for (size_t j = 0; j < x->nqis; j++)
                proj[r * x->nqis + j] = data[r * q + x->qis[j]];
        g_width = x->nqis;
        qsort(proj, rows, x->nqis * sizeof *proj, cmp_row);
        uint64_t u = 0, k = UINT64_MAX, c1 = 0, pairs = 0;
        for (size_t r = 0; r < rows;) {
            size_t e = r + 1;
            while (e < rows && cmp_row(proj + r * x->nqis, proj + e * x->nqis) == 0)
                e++;
            uint64_t f = e - r;
            u++;
            if (f < k) k = f;
            c1 += f == 1;
            pairs += f * (f - 1) / 2;
            r = e;
        }
        if (x->classes != u || x->k != k || x->uniques != c1) {
            print_error("subset %zu (%zu QIs): classes %llu/%llu k %llu/%llu uniques %llu/%llu\n",
                        i, x->nqis, (unsigned long long)x->classes, (unsigned long long)u,
                        (unsigned long long)x->k, (unsigned long long)k,
                        (unsigned long long)x->uniques, (unsigned long long)c1);
            fail();
        }
        uint64_t all = n * (n - 1) / 2;
        assert_true(x->separation == (double)(all - pairs) / (double)all);
        assert_true(x->distinction == (double)u / (double)n);
    }
    reid_subsets_free(&s);
    reid_classtable_free(&t);
    free(data);
    free(proj);
}

static void check_random(unsigned q, const uint32_t *card, size_t rows, size_t m, uint64_t seed)
{
    check_random_pool(q, card, rows, m, seed, 0);
}

static void test_random_dense(void **state)
{
    (void)state;
    const uint32_t card[] = {3, 4, 5};
    for (uint64_t seed = 1; seed <= 20; seed++)
        check_random(3, card, 50 + seed * 10, 3, seed * 7919);
}

static void test_random_sorted(void **state)
{
    (void)state;
    /* 29 bits: packed tables, sorted; runs of equal leading values; radix sorts */
    const uint32_t card[] = {600, 300, 50, 7, 2};
    check_random(5, card, 3000, 5, 42);
    /* leading attribute of 64 values: runs longer than the insertion sort's */
    const uint32_t c64[] = {64, 64, 64, 64};
    check_random(4, c64, 5000, 4, 43);
    /* a column with no value but "missing" (1 id), and equal cardinalities */
    const uint32_t c1[] = {1, 900, 900, 1};
    check_random(4, c1, 2000, 4, 44);
}

static void test_random_wide(void **state)
{
    (void)state;
    /* 4 x 20 bits = 80: the whole set does not fit a packed code; 3 columns (60 bits) do */
    const uint32_t c20[] = {1u << 20, 1u << 20, 1u << 20, 1u << 20};
    check_random(4, c20, 2000, 4, 45);
    /* 14 columns of 40 values (6 bits each): subsets of 11+ columns are tuples; 16,383 subsets */
    uint32_t c40[14];
    for (size_t j = 0; j < 14; j++)
        c40[j] = 40;
    check_random(14, c40, 300, 14, 46);
    check_random_pool(14, c40, 300, 14, 47, 40); /* 40 distinct rows: classes of several */
}

static void test_random_capped(void **state)
{
    (void)state;
    uint32_t card[14];
    for (size_t j = 0; j < 14; j++)
        card[j] = 5 + (uint32_t)j * 7;
    check_random(14, card, 400, 3, 47); /* 14 + 91 + 364 = 469 subsets */
    check_random(14, card, 400, 1, 48);
    check_random(14, card, 400, 13, 49);
}

/* ---- sizes, counts, errors ---- */

static void test_number(void **state)
{
    (void)state;
    assert_int_equal(reid_subsets_number(3, 3), 7);
    assert_int_equal(reid_subsets_number(12, 12), 4095);
    assert_int_equal(reid_subsets_number(14, 3), 14 + 91 + 364);
    assert_int_equal(reid_subsets_number(14, 2), 105);
    assert_int_equal(reid_subsets_number(5, 9), 31);
    assert_true(reid_subsets_number(63, 63) == (UINT64_C(1) << 63) - 1);
    assert_true(reid_subsets_number(200, 100) == UINT64_MAX); /* does not fit */
    assert_int_equal(reid_subsets_max_size(12, 0), 12);
    assert_int_equal(reid_subsets_max_size(13, 0), 3);
    assert_int_equal(reid_subsets_max_size(2, 0), 2);
    assert_int_equal(reid_subsets_max_size(14, 5), 5);
    assert_int_equal(reid_subsets_max_size(4, 9), 4);
}

/* 14 QIs: subsets of up to 3 by default (469), up to 2 when asked (105). */
static void test_fourteen_qis(void **state)
{
    (void)state;
    char csv[4096];
    size_t len = 0;
    for (int j = 0; j < 14; j++)
        len += (size_t)snprintf(csv + len, sizeof csv - len, "%sc%d", j ? "," : "", j);
    csv[len++] = '\n';
    for (int r = 0; r < 20; r++) {
        for (int j = 0; j < 14; j++)
            len += (size_t)snprintf(csv + len, sizeof csv - len, "%s%d", j ? "," : "",
                                    (r * (j + 1)) % 5);
        csv[len++] = '\n';
    }
    csv[len] = 0;
    const char *qis = "c0,c1,c2,c3,c4,c5,c6,c7,c8,c9,c10,c11,c12,c13";
    reid_analysis *a = run_ar(qis, csv, 0);
    assert_int_equal(reid_attribute_risk_count(a), 469);
    assert_int_equal(reid_attribute_risk_max_size(a), 3);
    assert_int_equal(reid_attribute_risk_get(a, 468)->nqis, 3);
    reid_analysis_free(a);
    a = run_ar(qis, csv, 2);
    assert_int_equal(reid_attribute_risk_count(a), 105);
    reid_analysis_free(a);
    a = run_ar(qis, csv, 14);
    assert_int_equal(reid_attribute_risk_count(a), 16383);
    reid_analysis_free(a);
}

static void test_off_and_errors(void **state)
{
    (void)state;
    reid_config *cfg = cfg_qis("a,b,c");
    reid_analysis *a = run_csv(cfg, SMALL);
    assert_analysis_ok(a);
    assert_int_equal(reid_attribute_risk_count(a), 0); /* off by default */
    assert_null(reid_attribute_risk_get(a, 0));
    assert_int_equal(reid_attribute_risk_max_size(a), 0);
    reid_analysis_free(a);
    /* "matches any" is refused */
    assert_int_equal(reid_config_set_attribute_risks(cfg, 1, 0), REID_OK);
    assert_int_equal(reid_config_set_missing_matches_any(cfg, 1, 1), REID_OK);
    a = run_csv(cfg, SMALL);
    assert_int_equal(reid_status_of(a), REID_ERR_CONFIG);
    assert_contains(reid_error_message(a), "--missing-matches-any");
    reid_analysis_free(a);
    reid_config_free(cfg);
    /* too many subsets: 30 QIs, up to 10 -> 53,009,101 */
    char csv[512];
    size_t len = 0;
    for (int j = 0; j < 30; j++)
        len += (size_t)snprintf(csv + len, sizeof csv - len, "%sc%d", j ? "," : "", j);
    len += (size_t)snprintf(csv + len, sizeof csv - len, "\n");
    for (int j = 0; j < 30; j++)
        len += (size_t)snprintf(csv + len, sizeof csv - len, "%s1", j ? "," : "");
    snprintf(csv + len, sizeof csv - len, "\n");
    cfg = cfg_qis("c0,c1,c2,c3,c4,c5,c6,c7,c8,c9,c10,c11,c12,c13,c14,c15,c16,c17,c18,c19,c20,"
                  "c21,c22,c23,c24,c25,c26,c27,c28,c29");
    assert_int_equal(reid_config_set_attribute_risks(cfg, 1, 10), REID_OK);
    a = run_csv(cfg, csv);
    assert_int_equal(reid_status_of(a), REID_ERR_CONFIG);
    assert_contains(reid_error_message(a), "53009101 subsets");
    assert_contains(reid_error_message(a), "--max-subset-size");
    reid_analysis_free(a);
    assert_int_equal(reid_config_set_attribute_risks(cfg, 1, 3), REID_OK); /* 4,525: fine */
    a = run_csv(cfg, csv);
    assert_analysis_ok(a);
    assert_int_equal(reid_attribute_risk_count(a), 30 + 435 + 4060);
    reid_analysis_free(a);
    /* the threshold */
    assert_int_equal(reid_config_set_subset_threshold(cfg, 1), REID_ERR_CONFIG);
    assert_int_equal(reid_config_set_subset_threshold(cfg, -0.1), REID_ERR_CONFIG);
    assert_int_equal(reid_config_set_subset_threshold(cfg, NAN), REID_ERR_CONFIG);
    assert_int_equal(reid_config_set_subset_threshold(cfg, 0), REID_OK);
    reid_config_free(cfg);
}

/* One record: no pairs, so separation is undefined (NaN, null in JSON). */
static void test_one_record(void **state)
{
    (void)state;
    reid_analysis *a = run_ar("a,b", "a,b\n1,2\n", 0);
    assert_int_equal(reid_attribute_risk_count(a), 3);
    for (size_t i = 0; i < 3; i++) {
        const reid_attribute_risk *r = reid_attribute_risk_get(a, i);
        assert_true(isnan(r->separation));
        assert_int_equal(r->uniques, 1);
        assert_near(r->distinction, 1, 0);
    }
    reid_status st;
    char *json = report_to_string(a, 1, &st);
    assert_int_equal(st, REID_OK);
    assert_contains(json, "\"separation\": null");
    free(json);
    reid_analysis_free(a);
}

/* Two halves merged give the figures of the whole. */
static void test_merge(void **state)
{
    (void)state;
    reid_analysis *w = run_ar("a,b,c", SMALL, 0);
    reid_analysis *h1 = run_ar("a,b,c", "a,b,c\nx,1,p\nx,1,p\nx,1,q\nx,2,q\n", 0);
    reid_analysis *h2 = run_ar("a,b,c", "a,b,c\ny,2,q\ny,2,q\ny,,p\nz,1,p\n", 0);
    assert_int_equal(reid_merge(h1, h2), REID_OK);
    assert_int_equal(reid_attribute_risk_count(h1), 7);
    for (size_t i = 0; i < 7; i++) {
        const reid_attribute_risk *x = reid_attribute_risk_get(w, i),
                                  *y = reid_attribute_risk_get(h1, i);
        assert_int_equal(x->classes, y->classes);
        assert_int_equal(x->uniques, y->uniques);
        assert_int_equal(x->k, y->k);
        assert_true(x->separation == y->separation);
    }
    reid_analysis_free(w);
    reid_analysis_free(h1);
    reid_analysis_free(h2);
}

/* The text report: the smallest subsets above the threshold, no values. */
static void test_text(void **state)
{
    (void)state;
    reid_config *cfg = cfg_qis("a,b,c");
    assert_int_equal(reid_config_set_attribute_risks(cfg, 1, 0), REID_OK);
    assert_int_equal(reid_config_set_subset_threshold(cfg, 0.3), REID_OK);
    reid_analysis *a = run_csv(cfg, SMALL);
    assert_analysis_ok(a);
    reid_status st;
    char *txt = report_to_string(a, 0, &st);
    assert_int_equal(st, REID_OK);
    assert_contains(txt, "7 combinations of the 3 quasi-identifiers were counted (all of them)");
    assert_contains(txt, "more than 30.00% of the records unique");
    assert_contains(txt, "3     37.50%            5        1    0.857143  a, b\n");
    assert_not_contains(txt, "  a, c\n");
    free(txt);
    reid_analysis_free(a);
    assert_int_equal(reid_config_set_subset_threshold(cfg, 0.5), REID_OK);
    a = run_csv(cfg, SMALL);
    txt = report_to_string(a, 0, &st);
    assert_contains(txt, "No combination makes more than 50.00% of the records unique");
    assert_contains(txt, "The most is 50.00% of the records (a, b, c).");
    free(txt);
    reid_analysis_free(a);
    reid_config_free(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small_fixture), cmocka_unit_test(test_minimal),
        cmocka_unit_test(test_adult_arx),     cmocka_unit_test(test_random_dense),
        cmocka_unit_test(test_random_sorted), cmocka_unit_test(test_random_wide),
        cmocka_unit_test(test_random_capped), cmocka_unit_test(test_number),
        cmocka_unit_test(test_fourteen_qis),  cmocka_unit_test(test_off_and_errors),
        cmocka_unit_test(test_one_record),    cmocka_unit_test(test_merge),
        cmocka_unit_test(test_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
