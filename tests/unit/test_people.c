/*
 * test_people.c - person-level risk with a pseudonym column (lib/people.h, docs/people.md):
 * a hand-computed table (people with several rows, in several classes, a row without a
 * pseudonym, inconsistent sex and date of birth), the counter on its own, a brute-force check
 * on random data for 1 and 2 threads, the pseudonym warning (pseudosniff.h), errors.
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
#include "people.h"
#include "pseudosniff.h"
#include "reid.h"
#include "unit_helpers.h"

/*
 * tests/fixtures/people_basic.csv. QIs zip, sex. Classes (zip, sex): rows -> people:
 *   (A,M): rows 1,2,4,9,10,11 -> p1, p2, p5, the row without a pseudonym: m = 4
 *   (B,M): rows 3,5,6 -> p1, p3: m = 2
 *   (C,F): row 7 -> p4: m = 1;  (C,M): row 8 -> p4: m = 1;  (D,F): rows 12,13 -> p6: m = 1
 * People (7 = p1..p6 + 1 anonymous row), smallest class m_p: p1 min(4,2) = 2, p2 4, p3 2,
 * p4 1, p5 4, anonymous 4, p6 1. Unique: p4, p6 = 2 of 7. k = 1, max 4, pairs 4+2+1+1+1 = 9,
 * mean 9/5. Average risk (1/2 + 1/4 + 1/2 + 1 + 1/4 + 1/4 + 1) / 7 = 3.75 / 7. At risk (K 5):
 * all 7; K 3: p1, p3, p4, p6 = 4. Several rows: p1 (3), p3, p4, p5, p6 = 5, max 3. Several
 * classes: p1, p4 = 2. Sex: p4 has F and M -> 1. Date of birth: p5 has 1985-05-05 and
 * 1986-05-05 -> 1 (p3's 01/01/1960 is 1960-01-01; p6's empty and NA are missing).
 * Rows: 5 classes of 6, 3, 1, 1, 2 rows: 2 unique rows.
 */
static const char BASIC[] = "pid,zip,sex,dob,diag\n"
                            "p1,A,M,1980-01-01,X1\n"
                            "p1,A,M,1980-01-01,X2\n"
                            "p1,B,M,1980-01-01,X3\n"
                            "p2,A,M,1970-02-02,X1\n"
                            "p3,B,M,01/01/1960,X4\n"
                            "p3,B,M,1960-01-01,X5\n"
                            "p4,C,F,1990-03-03,X6\n"
                            "p4,C,M,1990-03-03,X6\n"
                            "p5,A,M,1985-05-05,X7\n"
                            "p5,A,M,1986-05-05,X8\n"
                            ",A,M,,X9\n"
                            "p6,D,F,,X1\n"
                            "p6,D,F,NA,X2\n";

static reid_analysis *run_people(const char *qis, const char *id, const char *csv, unsigned threads,
                                 uint64_t k)
{
    reid_config *cfg = cfg_qis(qis);
    if (id) assert_int_equal(reid_config_set_id(cfg, id), REID_OK);
    if (threads) assert_int_equal(reid_config_set_threads(cfg, threads), REID_OK);
    if (k) assert_int_equal(reid_config_set_k(cfg, k), REID_OK);
    reid_analysis *a = run_csv(cfg, csv);
    reid_config_free(cfg);
    return a;
}

static void test_basic_table(void **state)
{
    (void)state;
    for (unsigned t = 1; t <= 2; t++) {
        reid_analysis *a = run_people("zip,sex", "pid", BASIC, t, 0);
        assert_analysis_ok(a);
        const reid_people *p = reid_people_get(a);
        assert_non_null(p);
        assert_string_equal(p->id_column, "pid");
        assert_int_equal(p->count, 7);
        assert_int_equal(p->rows, 13);
        assert_int_equal(p->anonymous_rows, 1);
        assert_int_equal(p->max_rows, 3);
        assert_int_equal(p->several_rows, 5);
        assert_int_equal(p->several_classes, 2);
        assert_int_equal(p->classes, 5);
        assert_int_equal(p->pairs, 9);
        assert_int_equal(p->k_anonymity, 1);
        assert_int_equal(p->max_size, 4);
        assert_double_near(p->mean_size, 9.0 / 5);
        assert_int_equal(p->unique, 2);
        assert_double_near(p->unique_fraction, 2.0 / 7);
        assert_int_equal(p->threshold_k, 5);
        assert_int_equal(p->at_risk, 7);
        assert_double_near(p->at_risk_fraction, 1);
        assert_double_near(p->prosecutor_highest, 1);
        assert_int_equal(p->highest_risk_people, 2);
        assert_double_near(p->prosecutor_average, 3.75 / 7);
        const uint64_t bc[REID_NBUCKETS] = {3, 1, 0, 1, 0, 0, 0, 0, 0};
        const uint64_t bp[REID_NBUCKETS] = {2, 2, 0, 3, 0, 0, 0, 0, 0};
        for (int b = 0; b < REID_NBUCKETS; b++) {
            assert_int_equal(p->bucket_classes[b], bc[b]);
            assert_int_equal(p->bucket_people[b], bp[b]);
        }
        assert_true(p->sex_checked);
        assert_int_equal(p->sex_inconsistent, 1);
        assert_true(p->dob_checked);
        assert_int_equal(p->dob_inconsistent, 1);
        /* the row-level figures are unchanged by --id */
        const reid_summary *s = reid_summary_get(a);
        assert_int_equal(s->records, 13);
        assert_int_equal(s->classes, 5);
        assert_int_equal(s->uniques, 2);
        assert_int_equal(reid_warning_count(a), 0);
        reid_analysis_free(a);
    }
    /* K = 3: p1, p3 (2) and p4, p6 (1) */
    reid_analysis *a = run_people("zip,sex", "pid", BASIC, 1, 3);
    assert_analysis_ok(a);
    assert_int_equal(reid_people_get(a)->at_risk, 4);
    assert_double_near(reid_people_get(a)->at_risk_fraction, 4.0 / 7);
    reid_analysis_free(a);
}

/* One row per person: every person-level figure equals the row-level one. */
static void test_one_row_each(void **state)
{
    (void)state;
    static const char CSV[] = "id,zip,age\n"
                              "a,1,30\nb,1,30\nc,1,30\nd,2,40\ne,2,41\n";
    reid_analysis *a = run_people("zip,age", "id", CSV, 1, 0);
    assert_analysis_ok(a);
    const reid_people *p = reid_people_get(a);
    const reid_summary *s = reid_summary_get(a);
    assert_int_equal(p->count, s->records);
    assert_int_equal(p->k_anonymity, s->min_size);
    assert_int_equal(p->unique, s->uniques);
    assert_int_equal(p->unique, 2);
    assert_double_near(p->prosecutor_average, s->prosecutor_average);
    assert_false(p->sex_checked);
    assert_false(p->dob_checked);
    assert_int_equal(p->several_rows, 0);
    reid_analysis_free(a);
}

/* The counter alone: the first person inline, other people in the pair table, repeats ignored. */
static void test_counter(void **state)
{
    (void)state;
    reid_people_counter pc;
    reid_missing_set ms;
    assert_int_equal(reid_missing_set_parse(&ms, "NA"), 0);
    assert_int_equal(reid_people_counter_init(&pc, 0, 0), 0);
    /* class 0: x, x, y; class 1: y, anonymous; class 2: anonymous, anonymous */
    assert_int_equal(reid_people_add(&pc, &ms, 0, "x", 1, 0, NULL, 0, NULL, 0), 0);
    assert_int_equal(reid_people_add(&pc, &ms, 0, "x", 1, 0, NULL, 0, NULL, 0), 0);
    assert_int_equal(reid_people_add(&pc, &ms, 1, "y", 1, 0, NULL, 0, NULL, 0), 0);
    assert_int_equal(reid_people_add(&pc, &ms, 0, "y", 1, 0, NULL, 0, NULL, 0), 0);
    assert_int_equal(reid_people_add(&pc, &ms, 1, "", 0, 1, NULL, 0, NULL, 0), 0);
    assert_int_equal(reid_people_add(&pc, &ms, 2, "", 0, 1, NULL, 0, NULL, 0), 0);
    assert_int_equal(reid_people_add(&pc, &ms, 2, "", 0, 1, NULL, 0, NULL, 0), 0);
    /* a class number that skips one is refused */
    assert_int_equal(reid_people_add(&pc, &ms, 4, "x", 1, 0, NULL, 0, NULL, 0), -1);
    assert_int_equal(pc.nfirst, 3);
    assert_int_equal(pc.pairs.nclasses, 3); /* (0, y), (1, anon 1), (2, anon 3) */
    reid_classtable ct;
    assert_int_equal(reid_classtable_init(&ct, 1), 0);
    for (uint32_t c = 0; c < 3; c++) {
        uint32_t key = c + 1;
        assert_int_equal(reid_classtable_add(&ct, &key, 1), 0);
    }
    ct.records = 7;
    reid_people o;
    assert_int_equal(reid_people_compute(&pc, &ct, 5, &o), 0);
    /* class sizes in people: 2, 2, 2; people: x, y, 3 anonymous rows, all with m = 2 */
    assert_int_equal(o.count, 5);
    assert_int_equal(o.pairs, 6);
    assert_int_equal(o.k_anonymity, 2);
    assert_int_equal(o.unique, 0);
    assert_int_equal(o.several_classes, 1); /* y */
    assert_int_equal(o.several_rows, 2);    /* x twice, y twice */
    assert_int_equal(o.bucket_people[1], 5);
    assert_true(reid_people_bytes(&pc) > 0);
    reid_classtable_free(&ct);
    reid_people_counter_free(&pc);
    reid_missing_set_free(&ms);
}

/* Random people with random rows over few classes, against a direct computation. */
static void test_brute_force(void **state)
{
    (void)state;
    enum { ROWS = 3000, PEOPLE = 400, ZIPS = 30, AGES = 4 };
    unsigned seed = 12345;
    char *csv = malloc(ROWS * 32 + 32);
    static int pid[ROWS], zip[ROWS], age[ROWS];
    size_t len = (size_t)sprintf(csv, "id,zip,age\n");
    for (int r = 0; r < ROWS; r++) {
        seed = seed * 1103515245u + 12345u;
        pid[r] = (int)((seed >> 8) % PEOPLE);
        seed = seed * 1103515245u + 12345u;
        zip[r] = (int)((seed >> 8) % ZIPS);
        seed = seed * 1103515245u + 12345u;
        age[r] = (int)((seed >> 8) % AGES);
        if (r % 97 == 0) pid[r] = -1; /* no pseudonym */
        if (pid[r] < 0)
            len += (size_t)sprintf(csv + len, ",%d,%d\n", zip[r], age[r]);
        else
            len += (size_t)sprintf(csv + len, "P%d,%d,%d\n", pid[r], zip[r], age[r]);
    }
    /* m_c: distinct people per (zip, age); an anonymous row is a person of its own */
    static unsigned char in[ZIPS * AGES][PEOPLE];
    static int m[ZIPS * AGES];
    memset(in, 0, sizeof in);
    memset(m, 0, sizeof m);
    for (int r = 0; r < ROWS; r++) {
        int c = zip[r] * AGES + age[r];
        if (pid[r] < 0)
            m[c]++;
        else if (!in[c][pid[r]]++)
            m[c]++;
    }
    static int least[PEOPLE];
    for (int p = 0; p < PEOPLE; p++)
        least[p] = 0;
    uint64_t count = 0, unique = 0, risk5 = 0, kmin = UINT64_MAX;
    double avg = 0;
    for (int c = 0; c < ZIPS * AGES; c++)
        if (m[c] && (uint64_t)m[c] < kmin) kmin = (uint64_t)m[c];
    for (int r = 0; r < ROWS; r++) {
        int c = zip[r] * AGES + age[r];
        if (pid[r] < 0) {
            count++;
            unique += m[c] == 1;
            risk5 += m[c] < 5;
            avg += 1.0 / m[c];
        } else if (!least[pid[r]] || m[c] < least[pid[r]]) {
            least[pid[r]] = m[c];
        }
    }
    for (int p = 0; p < PEOPLE; p++) {
        if (!least[p]) continue;
        count++;
        unique += least[p] == 1;
        risk5 += least[p] < 5;
        avg += 1.0 / least[p];
    }
    for (unsigned t = 1; t <= 2; t++) {
        reid_analysis *a = run_people("zip,age", "id", csv, t, 0);
        assert_analysis_ok(a);
        const reid_people *p = reid_people_get(a);
        assert_int_equal(p->count, count);
        assert_int_equal(p->k_anonymity, kmin);
        assert_int_equal(p->unique, unique);
        assert_int_equal(p->at_risk, risk5);
        assert_near(p->prosecutor_average, avg / (double)count, 1e-12);
        reid_analysis_free(a);
    }
    free(csv);
}

static void test_tokens(void **state)
{
    (void)state;
    assert_true(reid_looks_like_token("990c428417823be8", 16));
    assert_true(reid_looks_like_token("DEADBEEF", 8));
    assert_true(reid_looks_like_token("aGVsbG8gd29ybGQx==", 18));
    assert_false(reid_looks_like_token("abc123", 6));         /* too short */
    assert_false(reid_looks_like_token("2023-12-12", 10));    /* a date */
    assert_false(reid_looks_like_token("LL67 0WY", 8));       /* a space */
    assert_false(reid_looks_like_token("helloworldabc", 13)); /* no digit */
}

/* Without --id: a column that looks like a pseudonym gives a warning; with --id, none. */
static void test_warning(void **state)
{
    (void)state;
    /* named "token"-like? no: "ref" is not a pseudonym name, but its values are hex tokens that
     * repeat (3 distinct in 5) */
    static const char HEX[] = "ref,zip\n"
                              "0a1b2c3d4e,1\n0a1b2c3d4e,1\nffee001122,2\n9988776655,2\n"
                              "ffee001122,2\n";
    reid_analysis *a = run_people("zip", NULL, HEX, 1, 0);
    assert_analysis_ok(a);
    assert_int_equal(reid_warning_count(a), 1);
    assert_string_equal(reid_warning_code(a, 0), "pseudonym_without_id");
    assert_contains(reid_warning_message(a, 0), "column 'ref' looks like a pseudonym");
    assert_contains(reid_warning_message(a, 0), "3 distinct values in 5");
    assert_not_contains(reid_warning_message(a, 0), "0a1b2c3d4e");
    assert_null(reid_people_get(a));
    reid_analysis_free(a);
    a = run_people("zip", "ref", HEX, 1, 0);
    assert_analysis_ok(a);
    assert_int_equal(reid_warning_count(a), 0);
    assert_non_null(reid_people_get(a));
    reid_analysis_free(a);
    /* values that never repeat: one row per person, no warning */
    static const char ONCE[] = "pseudonym,zip\nAAAA1111,1\nBBBB2222,1\nCCCC3333,2\n";
    a = run_people("zip", NULL, ONCE, 1, 0);
    assert_analysis_ok(a);
    assert_int_equal(reid_warning_count(a), 0);
    reid_analysis_free(a);
    /* few distinct values (1 in 6): a category, not a pseudonym */
    static const char FEW[] = "pseudonym,zip\nx,1\nx,1\nx,2\nx,2\nx,3\nx,3\n";
    a = run_people("zip", NULL, FEW, 1, 0);
    assert_analysis_ok(a);
    assert_int_equal(reid_warning_count(a), 0);
    reid_analysis_free(a);
    /* repeating text that is neither named nor shaped like a pseudonym: no warning */
    static const char TEXT[] = "town,zip\nLeeds,1\nLeeds,1\nYork,2\nHull,2\n";
    a = run_people("zip", NULL, TEXT, 1, 0);
    assert_analysis_ok(a);
    assert_int_equal(reid_warning_count(a), 0);
    reid_analysis_free(a);
}

static void test_errors(void **state)
{
    (void)state;
    reid_analysis *a = run_people("zip,sex", "zip", BASIC, 1, 0);
    assert_int_equal(reid_status_of(a), REID_ERR_CONFIG);
    assert_contains(reid_error_message(a),
                    "column 2 ('zip') cannot be both the id (pseudonym) column and a "
                    "quasi-identifier");
    reid_analysis_free(a);
    a = run_people("zip,sex", "pidd", BASIC, 1, 0);
    assert_int_equal(reid_status_of(a), REID_ERR_CONFIG);
    assert_contains(reid_error_message(a), "no id column named 'pidd'; did you mean 'pid'?");
    reid_analysis_free(a);
    /* no merging with people: a person may have rows in both */
    reid_analysis *x = run_people("zip,sex", "pid", BASIC, 1, 0);
    reid_analysis *y = run_people("zip,sex", "pid", BASIC, 1, 0);
    assert_int_equal(reid_merge(x, y), REID_ERR_CONFIG);
    assert_contains(reid_error_message(x), "cannot be merged");
    reid_analysis_free(x);
    reid_analysis_free(y);
    /* the setter: empty = none */
    reid_config *cfg = reid_config_new();
    assert_int_equal(reid_config_set_id(cfg, "  "), REID_OK);
    assert_null(cfg->id_column);
    assert_int_equal(reid_config_set_id(cfg, " pid "), REID_OK);
    assert_string_equal(cfg->id_column, "pid");
    reid_config_free(cfg);
}

/* No value of any pseudonym in either report. */
static void test_reports(void **state)
{
    (void)state;
    reid_analysis *a = run_people("zip,sex", "pid", BASIC, 1, 0);
    assert_analysis_ok(a);
    reid_status st;
    char *text = report_to_string(a, 0, &st);
    assert_int_equal(st, REID_OK);
    assert_contains(text, "2 of 7 people (28.57%) are unique");
    assert_contains(text, "1 pseudonyms have more than one sex.");
    assert_contains(text, "1 pseudonyms have more than one date of birth.");
    assert_not_contains(text, "p1");
    assert_not_contains(text, "p4");
    char *json = report_to_string(a, 1, &st);
    assert_int_equal(st, REID_OK);
    assert_contains(json, "\"people\"");
    assert_not_contains(json, "\"p1\"");
    assert_not_contains(json, "p4");
    free(text);
    free(json);
    reid_analysis_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic_table), cmocka_unit_test(test_one_row_each),
        cmocka_unit_test(test_counter),     cmocka_unit_test(test_brute_force),
        cmocka_unit_test(test_tokens),      cmocka_unit_test(test_warning),
        cmocka_unit_test(test_errors),      cmocka_unit_test(test_reports),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
