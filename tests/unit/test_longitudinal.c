/*
 * test_longitudinal.c - trails of events (lib/longitudinal.h, docs/longitudinal.md): the
 * hand-computed fixture (every person sampled, every draw's outcome the same), determinism for a
 * seed, set uniqueness against a brute force, bounds on the unicity of one event, the event
 * types (month), missing event values, Wilson's interval, errors.
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
#include "longitudinal.h"
#include "reid.h"
#include "unit_helpers.h"

/*
 * tests/fixtures/longitudinal_basic.csv (hand computation in tests/fixtures/README.md and
 * docs/longitudinal.md). QI zip, events ev. Trails (zip): A {e1, e2} (1; e1 twice), B {e1, e2}
 * (1), C {e1, e3} (2), D {e3} (3), E {e5, e6} (1), F {e7} (1; one row without an event),
 * G {e8, e9, e10} (1), H {e8, e9, e10} (2), one row without a pseudonym {e11} (1).
 * Events alone: p = 1: E, F, the anonymous row of 9 (each of their events is theirs alone; every
 * other person's events are all shared); p = 2: C (e1 and e3 together), E of the 6 with two
 * events; p = 3: none of G, H. With zip: p = 1: all but A and B (7 of 9); p = 2: C, E, G, H of 6;
 * p = 3: G, H of 2. Unique sets: C, D, E, F, anonymous (5 of 9); with zip also G, H (7 of 9).
 */
static const char BASIC[] = "pid,zip,ev\n"
                            "A,1,e1\nA,1,e2\nA,1,e1\nB,1,e1\nB,1,e2\nC,2,e1\nC,2,e3\nD,3,e3\n"
                            "E,1,e5\nE,1,e6\nF,1,e7\nF,1,\nG,1,e8\nG,1,e9\nG,1,e10\nH,2,e8\n"
                            "H,2,e9\nH,2,e10\n,1,e11\n";

static reid_analysis *run_events(const char *qis, const char *events, const char *csv,
                                 unsigned threads, uint64_t seed, uint64_t sample)
{
    reid_config *cfg = cfg_qis(qis);
    assert_int_equal(reid_config_set_id(cfg, "pid"), REID_OK);
    assert_int_equal(reid_config_set_events(cfg, events), REID_OK);
    assert_int_equal(reid_config_set_threads(cfg, threads), REID_OK);
    assert_int_equal(reid_config_set_seed(cfg, seed), REID_OK);
    if (sample) assert_int_equal(reid_config_set_events_sample(cfg, sample), REID_OK);
    reid_analysis *a = run_csv(cfg, csv);
    reid_config_free(cfg);
    return a;
}

static void check_u(const reid_unicity *u, uint64_t p, uint64_t unique, uint64_t sampled)
{
    assert_int_equal(u->p, p);
    assert_int_equal(u->unique, unique);
    assert_int_equal(u->sampled, sampled);
    if (!sampled) {
        assert_true(isnan(u->fraction) && isnan(u->ci_low) && isnan(u->ci_high));
        return;
    }
    assert_double_near(u->fraction, (double)unique / (double)sampled);
    double lo, hi;
    reid_wilson95(unique, sampled, &lo, &hi);
    assert_double_near(u->ci_low, lo);
    assert_double_near(u->ci_high, hi);
}

static void test_basic(void **state)
{
    (void)state;
    for (unsigned t = 1; t <= 2; t++)
        for (uint64_t seed = 1; seed <= 3; seed++) {
            reid_analysis *a = run_events("zip", "ev", BASIC, t, seed, 0);
            assert_analysis_ok(a);
            const reid_longitudinal *l = reid_longitudinal_get(a);
            assert_non_null(l);
            assert_string_equal(l->columns, "ev");
            assert_int_equal(l->seed, seed);
            assert_int_equal(l->sample_requested, REID_DEFAULT_EVENTS_SAMPLE);
            assert_int_equal(l->sampled, 9);
            assert_int_equal(l->people, 9);
            assert_int_equal(l->people_without, 0);
            assert_int_equal(l->rows_without_event, 1);
            assert_int_equal(l->distinct_events, 10);
            assert_int_equal(l->points, 17);
            assert_int_equal(l->points_with_qis, 17);
            assert_int_equal(l->max_points, 3);
            check_u(&l->events[0], 1, 3, 9);
            check_u(&l->events[1], 2, 2, 6);
            check_u(&l->events[2], 3, 0, 2);
            check_u(&l->events[3], 4, 0, 0);
            check_u(&l->events[4], 5, 0, 0);
            check_u(&l->with_qis[0], 1, 7, 9);
            check_u(&l->with_qis[1], 2, 4, 6);
            check_u(&l->with_qis[2], 3, 2, 2);
            check_u(&l->with_qis[3], 4, 0, 0);
            assert_int_equal(l->set_unique, 5);
            assert_double_near(l->set_unique_fraction, 5.0 / 9);
            assert_int_equal(l->set_unique_with_qis, 7);
            assert_double_near(l->set_unique_with_qis_fraction, 7.0 / 9);
            reid_analysis_free(a);
        }
}

/* Wilson's interval, computed by hand from its formula (and in Python for the fixture). */
static void test_wilson(void **state)
{
    (void)state;
    double lo, hi;
    reid_wilson95(3, 9, &lo, &hi);
    assert_near(lo, 0.12058381838691096, 1e-15);
    assert_near(hi, 0.6457978644196036, 1e-15);
    reid_wilson95(0, 2, &lo, &hi);
    assert_near(lo, 0, 1e-15);
    assert_near(hi, 0.6576197724933469, 1e-15);
    reid_wilson95(2, 2, &lo, &hi);
    assert_near(lo, 0.34238022750665303, 1e-15);
    assert_near(hi, 1, 1e-15);
    /* R: prop.test(50, 100, correct = FALSE)$conf.int = 0.4038315 0.5961685 (Wilson's score
     * interval, printed to 7 digits) */
    reid_wilson95(50, 100, &lo, &hi);
    assert_near(lo, 0.4038315, 5e-8);
    assert_near(hi, 0.5961685, 5e-8);
}

/* A random extract: people with 1-6 rows over a few zips and events. */
static char *random_csv(unsigned seed, int rows, int people, int events)
{
    char *csv = malloc((size_t)rows * 40 + 64);
    size_t len = (size_t)sprintf(csv, "pid,zip,ev,day\n");
    for (int r = 0; r < rows; r++) {
        seed = seed * 1103515245u + 12345u;
        int p = (int)((seed >> 8) % (unsigned)people);
        seed = seed * 1103515245u + 12345u;
        int e = (int)((seed >> 8) % (unsigned)events);
        seed = seed * 1103515245u + 12345u;
        int d = (int)((seed >> 8) % 3u);
        len += (size_t)sprintf(csv + len, "P%d,%d,E%d,%d\n", p, p % 7, e, d);
    }
    return csv;
}

/* The same seed gives the same figures; another seed draws another sample. */
static void test_determinism(void **state)
{
    (void)state;
    char *csv = random_csv(7, 4000, 1500, 60);
    reid_analysis *a = run_events("zip", "ev", csv, 1, 42, 300);
    reid_analysis *b = run_events("zip", "ev", csv, 2, 42, 300);
    reid_analysis *c = run_events("zip", "ev", csv, 1, 43, 300);
    assert_analysis_ok(a);
    assert_analysis_ok(b);
    assert_analysis_ok(c);
    const reid_longitudinal *la = reid_longitudinal_get(a), *lb = reid_longitudinal_get(b),
                            *lc = reid_longitudinal_get(c);
    assert_int_equal(la->sampled, 300);
    int differs = 0;
    for (int p = 0; p < REID_UNICITY_MAX_P; p++) {
        assert_int_equal(la->events[p].unique, lb->events[p].unique);
        assert_int_equal(la->events[p].sampled, lb->events[p].sampled);
        assert_int_equal(la->with_qis[p].unique, lb->with_qis[p].unique);
        differs |= la->events[p].sampled != lc->events[p].sampled ||
                   la->events[p].unique != lc->events[p].unique;
    }
    assert_true(differs);
    /* the whole-set figures do not depend on the sample */
    assert_int_equal(la->set_unique, lc->set_unique);
    assert_int_equal(la->set_unique_with_qis, lc->set_unique_with_qis);
    reid_analysis_free(a);
    reid_analysis_free(b);
    reid_analysis_free(c);
    free(csv);
}

/* Against a direct computation: sets (exact) and bounds on one drawn event. */
static void test_brute_force(void **state)
{
    (void)state;
    enum { ROWS = 3000, PEOPLE = 900, EVENTS = 40 };
    char *csv = random_csv(99, ROWS, PEOPLE, EVENTS);
    reid_analysis *a = run_events("zip", "ev", csv, 1, 5, 0);
    assert_analysis_ok(a);
    const reid_longitudinal *l = reid_longitudinal_get(a);
    /* re-read the rows: has[p][e] */
    static unsigned char has[PEOPLE][EVENTS];
    memset(has, 0, sizeof has);
    const char *s = strchr(csv, '\n') + 1;
    int p, z, e, d;
    while (sscanf(s, "P%d,%d,E%d,%d", &p, &z, &e, &d) == 4) {
        has[p][e] = 1;
        s = strchr(s, '\n') + 1;
    }
    uint64_t people = 0, uniq_set = 0, all_own = 0, some_own = 0, holders[EVENTS] = {0};
    for (p = 0; p < PEOPLE; p++)
        for (e = 0; e < EVENTS; e++)
            holders[e] += has[p][e];
    for (p = 0; p < PEOPLE; p++) {
        int n = 0, own = 0;
        for (e = 0; e < EVENTS; e++)
            if (has[p][e]) n++, own += holders[e] == 1;
        if (!n) continue;
        people++;
        all_own += own == n;
        some_own += own > 0;
        int twin = 0;
        for (int q = 0; !twin && q < PEOPLE; q++)
            if (q != p && memcmp(has[p], has[q], EVENTS) == 0) twin = 1;
        uniq_set += !twin;
    }
    assert_int_equal(l->people, people);
    assert_int_equal(l->sampled, people);
    assert_int_equal(l->set_unique, uniq_set);
    /* zip is a function of the person here, so with the QIs a set is unique when its zip and
     * events are: at least as many as without */
    assert_true(l->set_unique_with_qis >= l->set_unique);
    assert_int_equal(l->events[0].sampled, people);
    assert_true(l->events[0].unique >= all_own && l->events[0].unique <= some_own);
    for (int k = 1; k < REID_UNICITY_MAX_P; k++)
        assert_true(l->events[k].sampled <= l->events[k - 1].sampled);
    reid_analysis_free(a);
    free(csv);
}

/* Two event columns, a month type, a missing value in one column. */
static void test_types_and_missing(void **state)
{
    (void)state;
    static const char CSV[] = "pid,zip,when,diag\n"
                              "a,1,2023-01-05,J45\n"
                              "a,1,20/01/2023,j45\n" /* same month, same code: one event */
                              "b,1,2023-02-01,J45\n"
                              "b,1,2023-02-03,NA\n" /* no event */
                              "c,1,,J45\n";         /* no event: c has none */
    reid_analysis *a = run_events("zip", "when:month,diag:code", CSV, 1, 1, 0);
    assert_analysis_ok(a);
    const reid_longitudinal *l = reid_longitudinal_get(a);
    assert_int_equal(l->rows_without_event, 2);
    assert_int_equal(l->distinct_events, 2); /* (2023-01, J45), (2023-02, J45) */
    assert_int_equal(l->people, 2);
    assert_int_equal(l->people_without, 1);
    assert_int_equal(l->points, 2);
    check_u(&l->events[0], 1, 2, 2);
    assert_int_equal(l->set_unique, 2);
    reid_analysis_free(a);
    /* by day, a's two rows are two events */
    a = run_events("zip", "when,diag:code", CSV, 1, 1, 0);
    assert_analysis_ok(a);
    assert_int_equal(reid_longitudinal_get(a)->distinct_events, 3);
    assert_int_equal(reid_longitudinal_get(a)->max_points, 2);
    reid_analysis_free(a);
}

static void test_errors(void **state)
{
    (void)state;
    reid_config *cfg = reid_config_new();
    assert_int_equal(reid_config_set_events(cfg, "a,,b"), REID_ERR_CONFIG);
    assert_contains(reid_config_error(cfg), "an event column name is empty");
    assert_int_equal(reid_config_set_events(cfg, "a:weekly"), REID_ERR_CONFIG);
    assert_contains(reid_config_error(cfg), "unknown type 'weekly' for event column 'a'");
    assert_int_equal(reid_config_set_events_sample(cfg, 0), REID_ERR_CONFIG);
    assert_int_equal(reid_config_set_events(cfg, " a:MONTH , b "), REID_OK);
    assert_int_equal(reid_config_set_events(cfg, ""), REID_OK);
    assert_null(cfg->events);
    /* events without a pseudonym column */
    assert_int_equal(reid_config_set_qis(cfg, "zip"), REID_OK);
    assert_int_equal(reid_config_set_events(cfg, "ev"), REID_OK);
    reid_analysis *a = run_csv(cfg, BASIC);
    assert_int_equal(reid_status_of(a), REID_ERR_CONFIG);
    assert_contains(reid_error_message(a), "event columns need the pseudonym column (--id)");
    reid_analysis_free(a);
    reid_config_free(cfg);
    a = run_events("zip", "pid", BASIC, 1, 1, 0);
    assert_int_equal(reid_status_of(a), REID_ERR_CONFIG);
    assert_contains(reid_error_message(a), "cannot be both the id (pseudonym) column and an event");
    reid_analysis_free(a);
    a = run_events("zip", "evv", BASIC, 1, 1, 0);
    assert_int_equal(reid_status_of(a), REID_ERR_CONFIG);
    assert_contains(reid_error_message(a), "no event column named 'evv'; did you mean 'ev'?");
    reid_analysis_free(a);
    a = run_events("zip", "ev,ev", BASIC, 1, 1, 0);
    assert_int_equal(reid_status_of(a), REID_ERR_CONFIG);
    assert_contains(reid_error_message(a), "listed twice as an event column");
    reid_analysis_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic),
        cmocka_unit_test(test_wilson),
        cmocka_unit_test(test_determinism),
        cmocka_unit_test(test_brute_force),
        cmocka_unit_test(test_types_and_missing),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
