/*
 * test_link.c - the linkage API (reid_link_*, docs/linkage.md): the hand-computed fixture in
 * every chunk size and both held sides, people, call order and settings errors, the kept
 * matches, and a randomized comparison with a brute-force join (every extract record against
 * every register entry).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reid.h"
#include "unit_helpers.h"

/* tests/fixtures/link_extract.csv and link_register.csv (hand computation in
 * tests/fixtures/README.md, "Linkage") */
static const char EXTRACT[] = "pseudonym,postcode,date_of_birth,sex,diagnosis\n"
                              "p1,SW1A 1AA,1938-06-23,M,I10\n"
                              "p1,sw1a1aa,23/06/1938,M,E11\n"
                              "p2,LS1 4AP,1970-01-31,F,K52\n"
                              "p3,LS1 4AP,1970-01-31,M,K52\n"
                              "p4,M1 1AE,1985-05-05,F,J45\n"
                              "p5,M1 1AE,1985-05-05,F,J45\n"
                              "p5,LS1 4AP,1970-01-31,F,R10\n"
                              "p6,,1990-02-02,M,Z00\n"
                              "p6,B1 1AA,1990-02-02,M,Z00\n"
                              "p7,NA,1960-03-03,F,A00\n"
                              "p8,EH1 1AA,1999-12-31,U,X00\n"
                              "p3,B2 2BB,1950-07-07,m,R69\n";
static const char REGISTER[] = "name,postcode,date_of_birth,sex\n"
                               "Alice Archer,sw1a1aa,23/06/1938,m\n"
                               "Bea Brown,LS1 4AP,31/01/1970,F\n"
                               "Cara Cole,ls1 4ap,1970-01-31,f\n"
                               "Dee Dunn,LS14AP,31-Jan-1970,F\n"
                               "Eve East,M1 1AE,05/05/1985,F\n"
                               "Fay Fox,M1 1AE,05/05/1985,F\n"
                               "Gil Gray,M1 1AE,05/05/1985,F\n"
                               "Hal Hunt,M1 1AE,05/05/1985,F\n"
                               "Ivy Ince,M1 1AE,05/05/1985,F\n"
                               "Jon Jones,B1 1AA,02/02/1990,M\n"
                               "Kit King,b1 1aa,02/02/1990,M\n"
                               "Lee Lamb,EH1 1AA,31/12/1999,F\n"
                               "Max Moss,B2 2BB,07/07/1950,M\n"
                               "Ned Nash,,01/01/1950,M\n"
                               "Oli Owen,ZZ9 9ZZ,01/01/2000,F";

static void feed_chunks(reid_link *l, reid_link_side side, const char *s, size_t chunk)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n; i += chunk) {
        size_t k = n - i < chunk ? n - i : chunk;
        assert_int_equal(reid_link_feed(l, side, s + i, k), REID_OK);
    }
    assert_int_equal(reid_link_end(l, side), REID_OK);
}

static reid_link *run(const char *extract, const char *reg, const char *on, const char *id,
                      reid_link_side hold, size_t chunk, uint64_t show)
{
    reid_config *cfg = reid_config_new();
    assert_non_null(cfg);
    reid_link *l = reid_link_new(cfg, "e.csv", "r.csv");
    reid_config_free(cfg);
    assert_non_null(l);
    assert_int_equal(reid_link_set_on(l, on), REID_OK);
    assert_int_equal(reid_link_set_id(l, id), REID_OK);
    assert_int_equal(reid_link_set_hold(l, hold), REID_OK);
    assert_int_equal(reid_link_set_show_matches(l, show), REID_OK);
    if (hold == REID_LINK_REGISTER) {
        feed_chunks(l, REID_LINK_REGISTER, reg, chunk);
        feed_chunks(l, REID_LINK_EXTRACT, extract, chunk);
    } else {
        feed_chunks(l, REID_LINK_EXTRACT, extract, chunk);
        feed_chunks(l, REID_LINK_REGISTER, reg, chunk);
    }
    assert_int_equal(reid_link_status(l), REID_OK);
    assert_non_null(reid_link_result_get(l));
    return l;
}

static void expect_counts(const reid_link_counts *c, uint64_t total, uint64_t reid,
                          uint64_t narrowed, uint64_t ambiguous, uint64_t unmatched,
                          uint64_t missing)
{
    assert_int_equal(c->total, total);
    assert_int_equal(c->reidentified, reid);
    assert_int_equal(c->narrowed, narrowed);
    assert_int_equal(c->ambiguous, ambiguous);
    assert_int_equal(c->unmatched, unmatched);
    assert_int_equal(c->missing_key, missing);
    assert_double_near(c->reidentified_fraction, (double)reid / (double)total);
    assert_double_near(c->missing_key_fraction, (double)missing / (double)total);
}

static void test_fixture_every_chunk_and_hold(void **state)
{
    (void)state;
    const size_t chunks[] = {1, 2, 7, 64, 1 << 20};
    for (int h = 0; h < 2; h++)
        for (size_t c = 0; c < sizeof chunks / sizeof *chunks; c++) {
            reid_link *l = run(EXTRACT, REGISTER, "postcode,date_of_birth,sex", "pseudonym",
                               (reid_link_side)h, chunks[c], 0);
            const reid_link_result *r = reid_link_result_get(l);
            expect_counts(&r->records, 12, 3, 3, 2, 2, 2);
            assert_true(r->have_people);
            expect_counts(&r->people, 8, 2, 3, 1, 1, 1);
            assert_int_equal(r->register_entries, 15);
            assert_int_equal(r->register_missing_key, 1);
            assert_int_equal(r->held, (reid_link_side)h);
            assert_int_equal(r->held_keys, 7);
            assert_true(r->gate_passed);
            assert_int_equal(reid_link_on_count(l), 3);
            reid_link_on_info info;
            assert_int_equal(reid_link_on_get(l, 0, &info), REID_OK);
            assert_string_equal(info.extract_name, "postcode");
            assert_int_equal(info.extract_column, 2);
            assert_int_equal(info.register_column, 2);
            assert_int_equal(info.type, REID_TYPE_POSTCODE);
            assert_int_equal(info.extract_missing, 2);
            assert_int_equal(info.register_missing, 1);
            assert_int_equal(reid_link_on_get(l, 3, &info), REID_ERR_STATE);
            reid_link_free(l);
        }
}

typedef struct seen {
    int n;
    uint64_t rows[8], lines[8], rlines[8];
    char names[8][32], pseudo[8][8];
} seen;

static int collect(const reid_link_match *m, void *user)
{
    seen *s = user;
    s->rows[s->n] = m->extract_row;
    s->lines[s->n] = m->extract_line;
    s->rlines[s->n] = m->register_line;
    assert_int_equal(m->register_fields, 4);
    assert_string_equal(m->register_names[0], "name");
    snprintf(s->names[s->n], sizeof s->names[0], "%s", m->register_values[0]);
    snprintf(s->pseudo[s->n], sizeof s->pseudo[0], "%s", m->pseudonym ? m->pseudonym : "-");
    s->n++;
    return 0;
}

static void test_matches(void **state)
{
    (void)state;
    reid_link *l = run(EXTRACT, REGISTER, "postcode,date_of_birth,sex", "pseudonym",
                       REID_LINK_REGISTER, 5, 100);
    seen s = {0};
    assert_int_equal(reid_link_matches_foreach(l, collect, &s), REID_OK);
    assert_int_equal(s.n, 3);
    assert_int_equal(reid_link_result_get(l)->matches_kept, 3);
    assert_int_equal(s.rows[0], 1);
    assert_int_equal(s.lines[0], 2);
    assert_int_equal(s.rlines[0], 2);
    assert_string_equal(s.names[0], "Alice Archer");
    assert_string_equal(s.pseudo[0], "p1");
    assert_int_equal(s.rows[1], 2);
    assert_string_equal(s.names[1], "Alice Archer");
    assert_int_equal(s.rows[2], 12);
    assert_int_equal(s.lines[2], 13);
    assert_int_equal(s.rlines[2], 14);
    assert_string_equal(s.names[2], "Max Moss");
    assert_string_equal(s.pseudo[2], "p3");
    reid_link_free(l);
    /* at most 2 kept; none without an id column's pseudonym */
    l = run(EXTRACT, REGISTER, "postcode,date_of_birth,sex", NULL, REID_LINK_REGISTER, 9, 2);
    memset(&s, 0, sizeof s);
    reid_link_matches_foreach(l, collect, &s);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.pseudo[0], "-");
    assert_false(reid_link_result_get(l)->have_people);
    reid_link_free(l);
}

static void test_order_and_settings(void **state)
{
    (void)state;
    reid_config *cfg = reid_config_new();
    reid_link *l = reid_link_new(cfg, NULL, NULL);
    assert_int_equal(reid_link_set_on(l, " "), REID_ERR_CONFIG);
    assert_contains(reid_link_error_message(l), "no join columns");
    reid_link_free(l);

    l = reid_link_new(cfg, NULL, NULL);
    assert_int_equal(reid_link_set_on(l, "a=b:colour"), REID_ERR_CONFIG);
    assert_contains(reid_link_error_message(l), "unknown type 'colour' for join column 'a=b'");
    reid_link_free(l);

    l = reid_link_new(cfg, NULL, NULL);
    assert_int_equal(reid_link_set_on(l, "postcode"), REID_OK);
    /* the held side (the register by default) first */
    assert_int_equal(reid_link_feed(l, REID_LINK_EXTRACT, "a\n", 2), REID_ERR_STATE);
    assert_contains(reid_link_error_message(l), "<extract>: the held side (the register");
    reid_link_free(l);

    l = reid_link_new(cfg, NULL, NULL);
    assert_int_equal(reid_link_set_on(l, "postcode"), REID_OK);
    assert_int_equal(reid_link_set_hold(l, REID_LINK_EXTRACT), REID_OK);
    assert_int_equal(reid_link_set_show_matches(l, 5), REID_OK);
    assert_int_equal(reid_link_feed(l, REID_LINK_EXTRACT, "postcode\n", 9), REID_ERR_CONFIG);
    assert_contains(reid_link_error_message(l), "needs the register held");
    reid_link_free(l);

    l = reid_link_new(cfg, NULL, NULL);
    assert_int_equal(reid_link_set_on(l, "postcode"), REID_OK);
    assert_int_equal(reid_link_feed(l, REID_LINK_REGISTER, "postcode\nA\n", 11), REID_OK);
    assert_int_equal(reid_link_set_id(l, "p"), REID_ERR_STATE); /* settings are closed */
    reid_link_free(l);

    l = reid_link_new(cfg, NULL, NULL);
    assert_int_equal(reid_link_set_on(l, "postcode"), REID_OK);
    assert_int_equal(reid_link_end(l, REID_LINK_REGISTER), REID_ERR_INPUT);
    assert_contains(reid_link_error_message(l), "<register>: the file is empty");
    assert_null(reid_link_result_get(l));
    reid_link_free(l);

    l = reid_link_new(cfg, NULL, NULL);
    assert_int_equal(reid_link_set_max_reidentified(l, 1.5), REID_ERR_CONFIG);
    reid_link_free(l);
    reid_config_free(cfg);
}

/* ---- randomized: the streaming join against a brute-force one ---- */

static uint64_t rnd(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

enum { MAXROWS = 200 };

static void test_random_against_brute_force(void **state)
{
    (void)state;
    uint64_t seed = 20261125;
    for (int round = 0; round < 60; round++) {
        int ne = 1 + (int)(rnd(&seed) % MAXROWS), nr = (int)(rnd(&seed) % MAXROWS);
        int va = 1 + (int)(rnd(&seed) % 4), vb = 1 + (int)(rnd(&seed) % 5); /* values per col */
        int e[MAXROWS][3], r[MAXROWS][2]; /* person, a, b; a, b (0 = missing) */
        char *es = malloc(64 + MAXROWS * 32), *rs = malloc(64 + MAXROWS * 32);
        size_t el = (size_t)sprintf(es, "id,a,b\n"), rl = (size_t)sprintf(rs, "n,A,B\n");
        for (int i = 0; i < ne; i++) {
            e[i][0] = (int)(rnd(&seed) % 30);
            e[i][1] = rnd(&seed) % 8 ? 1 + (int)(rnd(&seed) % (uint64_t)va) : 0;
            e[i][2] = rnd(&seed) % 8 ? 1 + (int)(rnd(&seed) % (uint64_t)vb) : 0;
            el += (size_t)sprintf(es + el, "q%d,%s%d,%s%d\n", e[i][0], e[i][1] ? "v" : "", e[i][1],
                                  e[i][2] ? "w" : "", e[i][2]);
        }
        for (int i = 0; i < nr; i++) {
            r[i][0] = rnd(&seed) % 10 ? 1 + (int)(rnd(&seed) % (uint64_t)va) : 0;
            r[i][1] = rnd(&seed) % 10 ? 1 + (int)(rnd(&seed) % (uint64_t)vb) : 0;
            rl += (size_t)sprintf(rs + rl, "x%d,%s%d,%s%d\n", i, r[i][0] ? "v" : "", r[i][0],
                                  r[i][1] ? "w" : "", r[i][1]);
        }
        /* missing values are written "0" and declared missing below; a missing value is never
         * equal to anything */
        uint64_t want[5] = {0}, pwant[5] = {0}; /* by category: missing, unm, amb, narr, reid */
        int best[30], present[30] = {0};
        for (int p = 0; p < 30; p++)
            best[p] = 0;
        for (int i = 0; i < ne; i++) {
            int cat = 0;
            if (e[i][1] && e[i][2]) {
                int m = 0;
                for (int j = 0; j < nr; j++)
                    m += r[j][0] == e[i][1] && r[j][1] == e[i][2];
                cat = m == 0 ? 1 : m == 1 ? 4 : m < 5 ? 3 : 2;
            }
            want[cat]++;
            present[e[i][0]] = 1;
            if (best[e[i][0]] < cat) best[e[i][0]] = cat;
        }
        uint64_t people = 0;
        for (int p = 0; p < 30; p++)
            if (present[p]) pwant[best[p]]++, people++;
        for (int h = 0; h < 2; h++) {
            reid_config *cfg = reid_config_new();
            reid_config_set_missing(cfg, "0");
            reid_link *l = reid_link_new(cfg, "e", "r");
            reid_config_free(cfg);
            assert_int_equal(reid_link_set_on(l, "a=A,b=B"), REID_OK);
            assert_int_equal(reid_link_set_id(l, "id"), REID_OK);
            assert_int_equal(reid_link_set_hold(l, (reid_link_side)h), REID_OK);
            reid_link_side first = (reid_link_side)h, second = (reid_link_side)(1 - h);
            const char *fs = h == REID_LINK_EXTRACT ? es : rs, *ss = fs == es ? rs : es;
            assert_int_equal(reid_link_feed(l, first, fs, strlen(fs)), REID_OK);
            assert_int_equal(reid_link_end(l, first), REID_OK);
            assert_int_equal(reid_link_feed(l, second, ss, strlen(ss)), REID_OK);
            assert_int_equal(reid_link_end(l, second), REID_OK);
            const reid_link_result *res = reid_link_result_get(l);
            assert_non_null(res);
            expect_counts(&res->records, (uint64_t)ne, want[4], want[3], want[2], want[1], want[0]);
            expect_counts(&res->people, people, pwant[4], pwant[3], pwant[2], pwant[1], pwant[0]);
            assert_int_equal(res->register_entries, (uint64_t)nr);
            reid_link_free(l);
        }
        free(es);
        free(rs);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixture_every_chunk_and_hold),
        cmocka_unit_test(test_matches),
        cmocka_unit_test(test_order_and_settings),
        cmocka_unit_test(test_random_against_brute_force),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
