/* test_pairlog.c - (class, value) pairs counted by appending and sorting (lib/pairlog.h), against a
 * plain reference: every pair added kept, grouped by class with a stable sort, and counted in the
 * order each value first appeared in its class. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "pairlog.h"
#include "unit_helpers.h"

typedef struct added {
    uint32_t cls, value;
    uint64_t count;
    size_t order; /* when it was added */
} added;

static int cmp_class_then_order(const void *x, const void *y)
{
    const added *a = x, *b = y;
    if (a->cls != b->cls) return a->cls < b->cls ? -1 : 1;
    return a->order < b->order ? -1 : a->order > b->order;
}

/* The reference result of the adds in ref[0 .. n) (reordered; values below maxv): the pairs in
 * key/cnt (room for n), their number returned, and the longest run of a class in *maxrun. */
static size_t reference(added *ref, size_t n, uint32_t maxv, uint64_t *key, uint64_t *cnt,
                        size_t *maxrun)
{
    qsort(ref, n, sizeof *ref, cmp_class_then_order);
    size_t *at = calloc(maxv, sizeof *at); /* a value's pair in the current class, + 1 */
    assert_non_null(at);
    size_t o = 0;
    *maxrun = 0;
    for (size_t i = 0; i < n;) {
        size_t s = o, e = i;
        while (e < n && ref[e].cls == ref[i].cls)
            e++;
        for (size_t j = i; j < e; j++) {
            assert_true(ref[j].value < maxv);
            if (at[ref[j].value]) {
                cnt[at[ref[j].value] - 1] += ref[j].count;
            } else {
                key[o] = (uint64_t)ref[j].cls << 32 | ref[j].value;
                cnt[o++] = ref[j].count;
                at[ref[j].value] = o;
            }
        }
        for (size_t j = i; j < e; j++)
            at[ref[j].value] = 0;
        if (o - s > *maxrun) *maxrun = o - s;
        i = e;
    }
    free(at);
    return o;
}

static void assert_same(const reid_pairlog *p, added *ref, size_t n, uint32_t maxv)
{
    uint64_t *key = malloc((n ? n : 1) * sizeof *key), *cnt = malloc((n ? n : 1) * sizeof *cnt);
    assert_true(key && cnt);
    size_t maxrun, k = reference(ref, n, maxv, key, cnt, &maxrun);
    assert_int_equal(p->nlog, 0);
    assert_int_equal(p->n, k);
    assert_int_equal(p->maxrun, maxrun);
    for (size_t i = 0; i < k; i++) {
        if (p->key[i] != key[i] || p->cnt[i] != cnt[i])
            fail_msg(
                "pair %zu: class %u value %u count %llu, expected class %u value %u count %llu", i,
                reid_pairlog_class(p, i), reid_pairlog_value(p, i), (unsigned long long)p->cnt[i],
                (unsigned)(key[i] >> 32), (unsigned)key[i], (unsigned long long)cnt[i]);
    }
    free(key);
    free(cnt);
}

static void test_small(void **state)
{
    (void)state;
    reid_pairlog p;
    reid_pairlog_init(&p);
    /* class 7: values 3, 1, 3, 2; class 2: 9, 9; class 0: 5 */
    const uint32_t adds[][2] = {{7, 3}, {2, 9}, {7, 1}, {0, 5}, {7, 3}, {2, 9}, {7, 2}};
    for (size_t i = 0; i < sizeof adds / sizeof *adds; i++)
        assert_int_equal(reid_pairlog_add(&p, adds[i][0], adds[i][1]), 0);
    assert_int_equal(reid_pairlog_fold(&p), 0);
    assert_int_equal(p.n, 5);
    const uint32_t want[][3] = {{0, 5, 1}, {2, 9, 2}, {7, 3, 2}, {7, 1, 1}, {7, 2, 1}};
    for (size_t i = 0; i < 5; i++) {
        assert_int_equal(reid_pairlog_class(&p, i), want[i][0]);
        assert_int_equal(reid_pairlog_value(&p, i), want[i][1]);
        assert_int_equal(p.cnt[i], want[i][2]);
    }
    assert_int_equal(p.maxrun, 3);
    assert_int_equal(reid_pairlog_seek(&p, 0), 0);
    assert_int_equal(reid_pairlog_seek(&p, 1), 1);
    assert_int_equal(reid_pairlog_seek(&p, 2), 1);
    assert_int_equal(reid_pairlog_seek(&p, 3), 2);
    assert_int_equal(reid_pairlog_seek(&p, 8), 5);
    /* more after a fold: merged into the counted pairs, new values after the old */
    assert_int_equal(reid_pairlog_add(&p, 7, 4), 0);
    assert_int_equal(reid_pairlog_add(&p, 7, 1), 0);
    assert_int_equal(reid_pairlog_add_count(&p, 1, 6, 40), 0);
    assert_int_equal(reid_pairlog_fold(&p), 0);
    assert_int_equal(reid_pairlog_fold(&p), 0); /* nothing to fold */
    const uint32_t want2[][3] = {{0, 5, 1}, {1, 6, 40}, {2, 9, 2}, {7, 3, 2},
                                 {7, 1, 2}, {7, 2, 1},  {7, 4, 1}};
    assert_int_equal(p.n, 7);
    for (size_t i = 0; i < 7; i++) {
        assert_int_equal(reid_pairlog_class(&p, i), want2[i][0]);
        assert_int_equal(reid_pairlog_value(&p, i), want2[i][1]);
        assert_int_equal(p.cnt[i], want2[i][2]);
    }
    assert_int_equal(p.maxrun, 4);
    reid_pairlog_free(&p);
}

/*
 * Random adds: classes of every size (most with one or two pairs, some with hundreds of values,
 * which are merged through a hash table, RUN_LINEAR), class indices needing one to three radix
 * passes, counts other than 1 now and then, and folds at random points, so that runs are merged
 * with pairs counted before.
 */
static void random_case(uint64_t seed, size_t n, uint32_t classes, uint32_t values, int counts,
                        int folds)
{
    uint64_t s = seed;
    added *ref = malloc(n * sizeof *ref);
    assert_non_null(ref);
    reid_pairlog p;
    reid_pairlog_init(&p);
    for (size_t i = 0; i < n; i++) {
        uint64_t r = unit_rng_next(&s);
        uint32_t c;
        if (r % 8 == 0) /* a few large classes with many values */
            c = (uint32_t)(unit_rng_next(&s) % 4) * (classes / 4);
        else
            c = (uint32_t)(unit_rng_next(&s) % classes);
        uint32_t v = (uint32_t)(unit_rng_next(&s) % (r % 3 == 0 ? values : 3));
        uint64_t k = counts && r % 5 == 0 ? 1 + unit_rng_next(&s) % 1000 : 1;
        ref[i] = (added){c, v, k, i};
        assert_int_equal(reid_pairlog_add_count(&p, c, v, k), 0);
        if (folds && unit_rng_next(&s) % 2000 == 0) assert_int_equal(reid_pairlog_fold(&p), 0);
    }
    assert_int_equal(reid_pairlog_fold(&p), 0);
    assert_same(&p, ref, n, values);
    /* every pair's class found by seek */
    for (size_t i = 0; i < p.n; i += 1 + i / 16) {
        size_t at = reid_pairlog_seek(&p, reid_pairlog_class(&p, i));
        assert_true(at <= i);
        assert_int_equal(reid_pairlog_class(&p, at), reid_pairlog_class(&p, i));
        assert_true(at == 0 || reid_pairlog_class(&p, at - 1) < reid_pairlog_class(&p, i));
    }
    reid_pairlog_free(&p);
    free(ref);
}

static void test_random(void **state)
{
    (void)state;
    random_case(1, 50000, 100, 500, 0, 0);           /* one radix pass */
    random_case(2, 200000, 30000, 200, 1, 1);        /* two, folds, counts */
    random_case(3, 200000, 3000000, 100000, 1, 1);   /* two, mostly one pair a class */
    random_case(4, 100000, 0xFFFFFFF0u, 1000, 0, 1); /* three passes */
    random_case(5, 100000, 1, 5000, 1, 1);           /* one class: one long run */
}

/* Many records of few distinct pairs: the log is folded whenever it is as long as the pairs counted
 * (and at least PAIRLOG_MIN_FOLD), so the memory held stays bounded by the distinct pairs, not the
 * records. */
static void test_bounded_by_distinct_pairs(void **state)
{
    (void)state;
    reid_pairlog p;
    reid_pairlog_init(&p);
    const size_t n = 3 * PAIRLOG_MIN_FOLD + 12345;
    const uint32_t classes = 1000, values = 50;
    uint64_t s = 99, want = 0, most = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t r = unit_rng_next(&s);
        assert_int_equal(
            reid_pairlog_add(&p, (uint32_t)(r % classes), (uint32_t)(r >> 32) % values), 0);
        uint64_t b = reid_pairlog_bytes(&p);
        if (b > most) most = b;
    }
    assert_int_equal(reid_pairlog_fold(&p), 0);
    assert_true(p.n <= (size_t)classes * values);
    /* at most the log of PAIRLOG_MIN_FOLD pairs and the counted pairs */
    assert_true(most <= (uint64_t)PAIRLOG_MIN_FOLD * 8 + (uint64_t)classes * values * 16);
    for (size_t i = 0; i < p.n; i++)
        want += p.cnt[i];
    assert_int_equal(want, n);
    reid_pairlog_free(&p);
}

/* Under a budget: refused with over_budget set, and what was counted stays as it was. */
static void test_budget(void **state)
{
    (void)state;
    reid_pairlog p;
    reid_pairlog_init(&p);
    p.budget = 1 << 20; /* 1 MiB: 131,072 pairs of log at most */
    size_t i = 0;
    int rc = 0;
    for (; i < 1000000 && rc == 0; i++)
        rc = reid_pairlog_add(&p, (uint32_t)(i % 777), (uint32_t)(i % 13));
    assert_int_equal(rc, -1);
    assert_true(p.over_budget);
    assert_true(reid_pairlog_bytes(&p) <= p.budget);
    const size_t added_ok = i - 1;
    assert_int_equal(p.nlog, added_ok);
    p.budget = 0;
    assert_int_equal(reid_pairlog_fold(&p), 0);
    uint64_t total = 0;
    for (size_t k = 0; k < p.n; k++)
        total += p.cnt[k];
    assert_int_equal(total, added_ok);
    reid_pairlog_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small),
        cmocka_unit_test(test_random),
        cmocka_unit_test(test_bounded_by_distinct_pairs),
        cmocka_unit_test(test_budget),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
