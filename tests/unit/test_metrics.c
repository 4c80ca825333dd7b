/* test_metrics.c - figures from class sizes (lib/metrics.h), on hand-computed tables. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "classtable.h"
#include "metrics.h"
#include "reid.h"
#include "unit_helpers.h"

/* A table with one class per size (q = 1, key = index), and its figures for threshold k. */
typedef struct fixture {
    reid_classtable t;
    reid_summary s;
    reid_hist_entry *hist;
    size_t nhist;
} fixture;

static void compute(fixture *f, const uint64_t *sizes, size_t n, uint64_t k)
{
    memset(f, 0, sizeof *f);
    assert_int_equal(reid_classtable_init(&f->t, 1), 0);
    for (size_t i = 0; i < n; i++) {
        uint32_t key = (uint32_t)i;
        assert_int_equal(reid_classtable_add(&f->t, &key, sizes[i]), 0);
    }
    memset(&f->s, 0xAB, sizeof f->s); /* every field must be written */
    assert_int_equal(reid_metrics_compute(&f->t, k, &f->s, &f->hist, &f->nhist), 0);
}

static void release(fixture *f)
{
    free(f->hist);
    reid_classtable_free(&f->t);
}

static void assert_hist(const fixture *f, const uint64_t (*want)[2], size_t n)
{
    assert_int_equal(f->nhist, n);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(f->hist[i].size, want[i][0]);
        assert_int_equal(f->hist[i].classes, want[i][1]);
    }
}

static void assert_buckets(const reid_summary *s, const uint64_t *classes, const uint64_t *records)
{
    for (int b = 0; b < REID_NBUCKETS; b++) {
        if (s->bucket_classes[b] != classes[b] || s->bucket_records[b] != records[b]) {
            print_error("bucket %d: %llu classes / %llu records, expected %llu / %llu\n", b,
                        (unsigned long long)s->bucket_classes[b],
                        (unsigned long long)s->bucket_records[b], (unsigned long long)classes[b],
                        (unsigned long long)records[b]);
            fail();
        }
    }
}

static void test_sizes_1_1_2_3_5_10_120(void **state)
{
    (void)state;
    /* n = 142, u = 7 */
    static const uint64_t sizes[] = {5, 1, 120, 2, 1, 10, 3};
    fixture f;
    compute(&f, sizes, 7, 5);
    const reid_summary *s = &f.s;
    assert_int_equal(s->records, 142);
    assert_int_equal(s->classes, 7);
    assert_int_equal(s->min_size, 1);
    assert_int_equal(s->max_size, 120);
    assert_double_near(s->mean_size, 142.0 / 7.0);
    assert_int_equal(s->uniques, 2);
    assert_double_near(s->uniques_fraction, 2.0 / 142.0);
    assert_int_equal(s->threshold_k, 5);
    assert_int_equal(s->records_at_risk, 7); /* sizes 1, 1, 2, 3 (5 is not < 5) */
    assert_double_near(s->records_at_risk_fraction, 7.0 / 142.0);
    assert_double_near(s->prosecutor_highest, 1.0);
    assert_int_equal(s->highest_risk_records, 2);
    assert_double_near(s->prosecutor_average, 7.0 / 142.0);
    static const uint64_t bc[REID_NBUCKETS] = {2, 1, 1, 0, 1, 1, 0, 0, 1};
    static const uint64_t br[REID_NBUCKETS] = {2, 2, 3, 0, 5, 10, 0, 0, 120};
    assert_buckets(s, bc, br);
    static const uint64_t h[][2] = {{1, 2}, {2, 1}, {3, 1}, {5, 1}, {10, 1}, {120, 1}};
    assert_hist(&f, h, 6);
    release(&f);

    /* K = 6 adds the class of 5; K = 1 puts nothing at risk; K = 200 everything */
    compute(&f, sizes, 7, 6);
    assert_int_equal(f.s.records_at_risk, 12);
    release(&f);
    compute(&f, sizes, 7, 1);
    assert_int_equal(f.s.records_at_risk, 0);
    assert_double_near(f.s.records_at_risk_fraction, 0.0);
    release(&f);
    compute(&f, sizes, 7, 200);
    assert_int_equal(f.s.records_at_risk, 142);
    assert_double_near(f.s.records_at_risk_fraction, 1.0);
    release(&f);
}

/* docs/metrics.md, worked example: sizes {1, 1, 2, 3, 3}, K = 3. */
static void test_worked_example(void **state)
{
    (void)state;
    static const uint64_t sizes[] = {1, 1, 2, 3, 3};
    fixture f;
    compute(&f, sizes, 5, 3);
    assert_int_equal(f.s.records, 10);
    assert_int_equal(f.s.classes, 5);
    assert_int_equal(f.s.min_size, 1);
    assert_int_equal(f.s.max_size, 3);
    assert_double_near(f.s.mean_size, 2.0);
    assert_int_equal(f.s.uniques, 2);
    assert_double_near(f.s.uniques_fraction, 0.2);
    assert_double_near(f.s.prosecutor_highest, 1.0);
    assert_int_equal(f.s.highest_risk_records, 2);
    assert_double_near(f.s.prosecutor_average, 0.5);
    assert_int_equal(f.s.records_at_risk, 4);
    assert_double_near(f.s.records_at_risk_fraction, 0.4);
    static const uint64_t bc[REID_NBUCKETS] = {2, 1, 2, 0, 0, 0, 0, 0, 0};
    static const uint64_t br[REID_NBUCKETS] = {2, 2, 6, 0, 0, 0, 0, 0, 0};
    assert_buckets(&f.s, bc, br);
    static const uint64_t h[][2] = {{1, 2}, {2, 1}, {3, 2}};
    assert_hist(&f, h, 3);
    release(&f);
}

static void test_no_uniques(void **state)
{
    (void)state;
    /* k = 3 held by two classes: 6 records at the highest risk 1/3 */
    static const uint64_t sizes[] = {4, 3, 6, 3, 20};
    fixture f;
    compute(&f, sizes, 5, 5);
    assert_int_equal(f.s.records, 36);
    assert_int_equal(f.s.min_size, 3);
    assert_int_equal(f.s.max_size, 20);
    assert_int_equal(f.s.uniques, 0);
    assert_double_near(f.s.uniques_fraction, 0.0);
    assert_double_near(f.s.prosecutor_highest, 1.0 / 3.0);
    assert_int_equal(f.s.highest_risk_records, 6);
    assert_int_equal(f.s.records_at_risk, 10);
    assert_double_near(f.s.prosecutor_average, 5.0 / 36.0);
    static const uint64_t bc[REID_NBUCKETS] = {0, 0, 2, 1, 1, 0, 1, 0, 0};
    static const uint64_t br[REID_NBUCKETS] = {0, 0, 6, 4, 6, 0, 20, 0, 0};
    assert_buckets(&f.s, bc, br);
    release(&f);
}

static void test_histogram_large_sizes(void **state)
{
    (void)state;
    /* around the 4096 boundary of the small-size array, unsorted, with repeats */
    static const uint64_t sizes[] = {5000, 4096, 4095, 1, 10000, 5000, 4096, 1000000, 7, 4097};
    fixture f;
    compute(&f, sizes, 10, 5);
    static const uint64_t h[][2] = {{1, 1},    {7, 1},    {4095, 1},  {4096, 2},
                                    {4097, 1}, {5000, 2}, {10000, 1}, {1000000, 1}};
    assert_hist(&f, h, 8);
    for (size_t i = 1; i < f.nhist; i++)
        assert_true(f.hist[i - 1].size < f.hist[i].size);
    uint64_t n = 0;
    for (size_t i = 0; i < 10; i++)
        n += sizes[i];
    assert_int_equal(f.s.records, n);
    assert_int_equal(f.s.max_size, 1000000);
    assert_int_equal(f.s.min_size, 1);
    static const uint64_t bc[REID_NBUCKETS] = {1, 0, 0, 0, 1, 0, 0, 0, 8};
    assert_int_equal(f.s.bucket_classes[8], bc[8]);
    assert_int_equal(f.s.bucket_records[8], n - 8);
    release(&f);

    /* only large sizes: the smallest is k */
    static const uint64_t big[] = {9000, 4096, 9000};
    compute(&f, big, 3, 5);
    static const uint64_t hb[][2] = {{4096, 1}, {9000, 2}};
    assert_hist(&f, hb, 2);
    assert_int_equal(f.s.min_size, 4096);
    assert_int_equal(f.s.highest_risk_records, 4096);
    assert_double_near(f.s.prosecutor_highest, 1.0 / 4096.0);
    release(&f);
}

static void test_empty_table(void **state)
{
    (void)state;
    fixture f;
    compute(&f, NULL, 0, 5);
    assert_int_equal(f.s.records, 0);
    assert_int_equal(f.s.classes, 0);
    assert_int_equal(f.s.min_size, 0);
    assert_int_equal(f.s.uniques, 0);
    assert_int_equal(f.s.highest_risk_records, 0);
    assert_double_near(f.s.mean_size, 0.0);
    assert_double_near(f.s.prosecutor_highest, 0.0);
    assert_double_near(f.s.prosecutor_average, 0.0);
    assert_int_equal(f.nhist, 0);
    release(&f);
}

static void test_buckets(void **state)
{
    (void)state;
    static const uint64_t lo[REID_NBUCKETS] = {1, 2, 3, 4, 5, 10, 20, 50, 100};
    static const uint64_t hi[REID_NBUCKETS] = {1, 2, 3, 4, 9, 19, 49, 99, UINT64_MAX};
    for (int b = 0; b < REID_NBUCKETS; b++) {
        assert_int_equal(reid_bucket_low(b), lo[b]);
        assert_int_equal(reid_bucket_high(b), hi[b]);
        assert_int_equal(reid_bucket_of(lo[b]), b);
        if (hi[b] != UINT64_MAX) {
            assert_int_equal(reid_bucket_of(hi[b]), b);
            assert_int_equal(reid_bucket_of(hi[b] + 1), b + 1);
        }
    }
    assert_int_equal(reid_bucket_of(UINT64_MAX), REID_NBUCKETS - 1);
    assert_int_equal(reid_bucket_of(1000000), REID_NBUCKETS - 1);
    assert_int_equal(reid_bucket_low(-1), 0);
    assert_int_equal(reid_bucket_low(REID_NBUCKETS), 0);
    assert_int_equal(reid_bucket_high(REID_NBUCKETS), 0);
}

/* The worked example end to end through the public API (QIs sex, age; K = 3). */
static void test_worked_example_api(void **state)
{
    (void)state;
    const char *in = "sex,age\n"
                     "F,30\n"
                     "M,41\n"
                     "F,52\nF,52\n"
                     "M,52\nM,52\nM,52\n"
                     "F,67\nF,67\nF,67\n";
    reid_config *cfg = cfg_qis("sex,age");
    assert_int_equal(reid_config_set_k(cfg, 3), REID_OK);
    reid_analysis *a = run_csv(cfg, in);
    assert_analysis_ok(a);
    const reid_summary *s = reid_summary_get(a);
    assert_int_equal(s->records, 10);
    assert_int_equal(s->classes, 5);
    assert_int_equal(s->min_size, 1);
    assert_int_equal(s->max_size, 3);
    assert_double_near(s->mean_size, 2.0);
    assert_int_equal(s->uniques, 2);
    assert_double_near(s->prosecutor_average, 0.5);
    assert_int_equal(s->records_at_risk, 4);
    assert_int_equal(s->threshold_k, 3);
    size_t nh = 0;
    const reid_hist_entry *h = reid_histogram(a, &nh);
    assert_non_null(h);
    assert_int_equal(nh, 3);
    assert_int_equal(h[2].size, 3);
    assert_int_equal(h[2].classes, 2);
    reid_analysis_free(a);
    reid_config_free(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sizes_1_1_2_3_5_10_120),
        cmocka_unit_test(test_worked_example),
        cmocka_unit_test(test_no_uniques),
        cmocka_unit_test(test_histogram_large_sizes),
        cmocka_unit_test(test_empty_table),
        cmocka_unit_test(test_buckets),
        cmocka_unit_test(test_worked_example_api),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
