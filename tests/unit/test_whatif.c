/*
 * test_whatif.c - the what-if lattice and --generalise (lib/whatif.h, lib/generalise.h,
 * docs/generalisation.md): a hand-computed lattice, the pruned search against the exhaustive one
 * and both against a brute-force count on random data, generalisation before counting, missing
 * values, user hierarchies, errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "hierarchy.h"
#include "reid.h"
#include "unit_helpers.h"

/*
 * Hand-computed lattice (tests/fixtures/README.md, "what-if"): QIs age (exact|5y|10y|20y|
 * suppressed) and sex (kept|suppressed), target k = 2.
 */
static const char SMALL[] = "age,sex\n30,M\n31,M\n32,F\n33,F\n37,M\n41,F\n44,F\n44,M\n";

typedef struct expect_node {
    unsigned age, sex;
    uint64_t classes, k, uniques, at_risk;
    uint64_t distinct_age, distinct_sex;
    double precision;
    int passes;
} expect_node;

/*
 * exact: 30 31 32 33 37 41 44 (7 values); 5y: 30-34 35-39 40-44; 10y: 30-39 40-49; 20y: 20-39
 * 40-59; suppressed: *.
 *   exact,kept       8 classes of 1                                  k 1, uniques 8, at risk 8
 *   exact,*          30 31 32 33 37 41 | 44 x2                        k 1, uniques 6, at risk 6
 *   5y,kept          30-34M 2, 30-34F 2, 35-39M 1, 40-44F 2, 40-44M 1  k 1, uniques 2, at risk 2
 *   5y,*             30-34 4, 35-39 1, 40-44 3                        k 1, uniques 1, at risk 1
 *   10y,kept         30-39M 3, 30-39F 2, 40-49F 2, 40-49M 1            k 1, uniques 1, at risk 1
 *   10y,*            30-39 5, 40-49 3                                 k 3
 *   20y,kept         as 10y,kept                                      k 1, uniques 1, at risk 1
 *   20y,*            20-39 5, 40-59 3                                 k 3
 *   *,kept           M 4, F 4                                         k 4
 *   *,*              8                                                k 8
 * Passing (k >= 2): 10y,* 20y,* *,kept *,*. Minimal: 10y,* (5y,* and 10y,kept fail) and *,kept
 * (20y,kept fails). Precision = 1 - (age level / 4 + sex level / 1) / 2.
 */
static const expect_node SMALL_NODES[] = {
    {0, 0, 8, 1, 8, 8, 7, 2, 1.0, 0},   {0, 1, 7, 1, 6, 6, 7, 1, 0.5, 0},
    {1, 0, 5, 1, 2, 2, 3, 2, 0.875, 0}, {1, 1, 3, 1, 1, 1, 3, 1, 0.375, 0},
    {2, 0, 4, 1, 1, 1, 2, 2, 0.75, 0},  {2, 1, 2, 3, 0, 0, 2, 1, 0.25, 1},
    {3, 0, 4, 1, 1, 1, 2, 2, 0.625, 0}, {3, 1, 2, 3, 0, 0, 2, 1, 0.125, 1},
    {4, 0, 2, 4, 0, 0, 1, 2, 0.5, 1},   {4, 1, 1, 8, 0, 0, 1, 1, 0.0, 1},
};

static reid_analysis *run_whatif(const char *qis, const char *csv, reid_whatif_mode mode,
                                 uint64_t k)
{
    reid_config *cfg = cfg_qis(qis);
    assert_int_equal(reid_config_set_k(cfg, k), REID_OK);
    assert_int_equal(reid_config_set_what_if(cfg, mode, 0), REID_OK);
    reid_analysis *a = run_csv(cfg, csv);
    reid_config_free(cfg);
    return a;
}

static const reid_whatif_node *node_at(const reid_whatif *w, unsigned age, unsigned sex)
{
    for (uint64_t n = 0; n < w->lattice_size; n++)
        if (w->nodes[n].levels[0] == age && w->nodes[n].levels[1] == sex) return &w->nodes[n];
    fail();
    return NULL;
}

static void check_small(reid_whatif_mode mode)
{
    reid_analysis *a = run_whatif("age,sex", SMALL, mode, 2);
    assert_analysis_ok(a);
    const reid_whatif *w = reid_whatif_get(a);
    assert_non_null(w);
    assert_int_equal(w->lattice_size, 10);
    assert_int_equal(w->target_k, 2);
    assert_int_equal(w->passing, 4);
    assert_string_equal(w->hierarchy[0], "age");
    assert_string_equal(w->hierarchy[1], "suppress");
    assert_string_equal(reid_level_name(a, 0, 2), "10y");
    assert_string_equal(reid_level_name(a, 1, 1), "suppressed");
    for (size_t i = 0; i < sizeof SMALL_NODES / sizeof SMALL_NODES[0]; i++) {
        const expect_node *e = &SMALL_NODES[i];
        const reid_whatif_node *nd = node_at(w, e->age, e->sex);
        assert_int_equal(nd->passes, e->passes);
        assert_int_equal(nd->height, e->age + e->sex);
        if (mode == REID_WHATIF_ALL) assert_int_equal(nd->evaluated, 1);
        if (!nd->evaluated) continue;
        assert_int_equal(nd->classes, e->classes);
        assert_int_equal(nd->k, e->k);
        assert_int_equal(nd->uniques, e->uniques);
        assert_int_equal(nd->records_at_risk, e->at_risk);
        assert_int_equal(nd->distinct[0], e->distinct_age);
        assert_int_equal(nd->distinct[1], e->distinct_sex);
        assert_near(nd->precision, e->precision, 1e-15);
    }
    assert_int_equal(w->nminimal, 2);
    const reid_whatif_node *m0 = &w->nodes[w->minimal[0]], *m1 = &w->nodes[w->minimal[1]];
    /* in node order: age 2 (10y) before age 4 (suppressed) */
    assert_int_equal(m0->levels[0], 2);
    assert_int_equal(m0->levels[1], 1);
    assert_int_equal(m1->levels[0], 4);
    assert_int_equal(m1->levels[1], 0);
    assert_true(m0->evaluated && m1->evaluated);
    if (mode == REID_WHATIF_ALL)
        assert_int_equal(w->evaluated, 10);
    else
        assert_true(w->evaluated < 10);
    reid_analysis_free(a);
}

static void test_small_all(void **state)
{
    (void)state;
    check_small(REID_WHATIF_ALL);
}

static void test_small_pruned(void **state)
{
    (void)state;
    check_small(REID_WHATIF_PRUNED);
}

/* A missing value stays missing at every level: at "suppressed" it is a class apart from "*". */
static void test_missing_stays(void **state)
{
    (void)state;
    reid_analysis *a = run_whatif("age,sex", "age,sex\n30,M\n,M\n31,M\nNA,M\n", REID_WHATIF_ALL, 2);
    assert_analysis_ok(a);
    const reid_whatif *w = reid_whatif_get(a);
    const reid_whatif_node *nd = node_at(w, 4, 0);
    /* (*, M) 2 and (missing, M) 2 */
    assert_int_equal(nd->classes, 2);
    assert_int_equal(nd->k, 2);
    assert_int_equal(nd->distinct[0], 1); /* "*" only: missing is not a value */
    nd = node_at(w, 1, 0);                /* 30-34 M 2, missing M 2 */
    assert_int_equal(nd->classes, 2);
    assert_int_equal(nd->k, 2);
    reid_analysis_free(a);
}

/* ---- random data: pruned = exhaustive = brute force ---- */

static uint64_t rng_state;
static uint32_t rnd(uint32_t n)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(rng_state >> 33) % n;
}

/* Brute force: generalise each record's values with reid_hierarchy_apply (tagging values kept
 * unread as whatif.c does), join them, sort, count runs. */
typedef struct bf {
    uint64_t classes, k, uniques, risk;
} bf;

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

static bf brute(char **rows, size_t nrows, size_t q, const reid_hierarchy *h, const unsigned *lv,
                uint64_t target, const reid_missing_set *miss, const reid_qi_type *types)
{
    char **keys = calloc(nrows, sizeof *keys);
    for (size_t r = 0; r < nrows; r++) {
        char key[512] = "";
        const char *p = rows[r];
        for (size_t j = 0; j < q; j++) {
            const char *e = strchr(p, ',');
            size_t vl = e ? (size_t)(e - p) : strlen(p);
            char v[64];
            snprintf(v, sizeof v, "%.*s", (int)vl, p);
            p = e ? e + 1 : p + vl;
            char norm[64], buf[REID_HIER_BUF], part[80];
            if (reid_missing_set_has(miss, v, strlen(v))) {
                snprintf(part, sizeof part, "\002|");
            } else {
                int ok;
                size_t n = reid_normalise(types[j], v, strlen(v), norm, &ok), gl;
                int parsed;
                const char *g = reid_hierarchy_apply(&h[j], lv[j], norm, n, buf, &gl, &parsed);
                int tag = lv[j] > 0 && !parsed && g == norm && gl == n;
                snprintf(part, sizeof part, "%s%.*s|", tag ? "\001" : "", (int)gl, g);
            }
            strcat(key, part);
        }
        keys[r] = strdup(key);
    }
    qsort(keys, nrows, sizeof *keys, cmp_str);
    bf out = {0, UINT64_MAX, 0, 0};
    for (size_t r = 0; r < nrows;) {
        size_t e = r;
        while (e < nrows && strcmp(keys[e], keys[r]) == 0)
            e++;
        uint64_t f = e - r;
        out.classes++;
        if (f < out.k) out.k = f;
        out.uniques += f == 1;
        if (f < target) out.risk += f;
        r = e;
    }
    for (size_t r = 0; r < nrows; r++)
        free(keys[r]);
    free(keys);
    return out;
}

static void test_random_against_exhaustive(void **state)
{
    (void)state;
    static const char *const pcs[] = {"SW1A 1AA", "SW1A 1AB",  "SW1A 2AA", "SW1B 1AA", "SE1 7PB",
                                      "SE1 9GF",  "SE10 0AA",  "M1 1AE",   "M1 2AA",   "M14 5RT",
                                      "SW1A",     "NOT KNOWN", ""}; /* missing last */
    static const char *const codes[] = {"A099", "A09",  "A010", "C509", "D500", "I219",
                                        "I10",  "W010", "XYZ",  "NA",   "N99"};
    static const char *const sexes[] = {"M", "F", "F", "M", "U"};
    const reid_qi_type types[] = {REID_TYPE_POSTCODE, REID_TYPE_AGE, REID_TYPE_SEX, REID_TYPE_CODE};
    reid_missing_set miss;
    assert_int_equal(reid_missing_set_parse(&miss, "NA,N/A,NULL,?"), 0);
    reid_hierarchy h[4];
    for (size_t j = 0; j < 4; j++)
        reid_hierarchy_builtin(&h[j], types[j], 0);
    size_t with_minimal = 0, pruned = 0; /* the test must exercise both */
    for (int round = 0; round < 12; round++) {
        rng_state = 0x9E3779B97F4A7C15ull * (uint64_t)(round + 1);
        size_t nrows = 40 + rnd(300);
        size_t cap = 64 + nrows * 64;
        char *csv = malloc(cap);
        char **rows = calloc(nrows, sizeof *rows);
        size_t len = (size_t)snprintf(csv, cap, "postcode,age,sex,diagnosis\n");
        for (size_t r = 0; r < nrows; r++) {
            char row[128], age[8];
            /* odd rounds hold missing values (which make small classes at every level) */
            int with_missing = round % 2;
            uint32_t ag = rnd(20), pc = rnd(with_missing ? 13 : 12),
                     dg = rnd(with_missing ? 11 : 10);
            if (ag == 0)
                snprintf(age, sizeof age, "x");
            else if (ag == 1 && with_missing)
                age[0] = 0;
            else
                snprintf(age, sizeof age, "%u", 20 + rnd(round % 4 < 2 ? 15 : 70));
            snprintf(row, sizeof row, "%s,%s,%s,%s", pcs[pc], age, sexes[rnd(5)], codes[dg]);
            rows[r] = strdup(row);
            len += (size_t)snprintf(csv + len, cap - len, "%s\n", row);
        }
        uint64_t target = 2 + rnd(4);
        reid_analysis *all = run_whatif("postcode,age,sex,diagnosis", csv, REID_WHATIF_ALL, target);
        reid_analysis *pr =
            run_whatif("postcode,age,sex,diagnosis", csv, REID_WHATIF_PRUNED, target);
        assert_analysis_ok(all);
        assert_analysis_ok(pr);
        const reid_whatif *wa = reid_whatif_get(all), *wp = reid_whatif_get(pr);
        assert_int_equal(wa->lattice_size, 5 * 5 * 2 * 4);
        assert_int_equal(wp->lattice_size, wa->lattice_size);
        assert_int_equal(wa->evaluated, wa->lattice_size);
        assert_true(wp->evaluated <= wa->evaluated);
        assert_int_equal(wp->passing, wa->passing);
        assert_int_equal(wp->nminimal, wa->nminimal);
        with_minimal += wa->nminimal > 0;
        pruned += wp->evaluated < wa->evaluated;
        for (size_t i = 0; i < wa->nminimal; i++)
            assert_int_equal(wp->minimal[i], wa->minimal[i]);
        for (uint64_t n = 0; n < wa->lattice_size; n++) {
            const reid_whatif_node *x = &wa->nodes[n], *y = &wp->nodes[n];
            bf b = brute(rows, nrows, 4, h, x->levels, target, &miss, types);
            assert_int_equal(x->classes, b.classes);
            assert_int_equal(x->k, b.k);
            assert_int_equal(x->uniques, b.uniques);
            assert_int_equal(x->records_at_risk, b.risk);
            assert_int_equal(x->passes, b.k >= target);
            assert_int_equal(y->passes, x->passes);
            if (y->evaluated) {
                assert_int_equal(y->classes, x->classes);
                assert_int_equal(y->k, x->k);
                assert_int_equal(y->uniques, x->uniques);
            }
            /* minimal: passes, and no node one step finer passes */
            int minimal = x->passes;
            for (size_t j = 0; minimal && j < 4; j++) {
                if (!x->levels[j]) continue;
                unsigned lv[4];
                memcpy(lv, x->levels, sizeof lv);
                lv[j]--;
                minimal = brute(rows, nrows, 4, h, lv, target, &miss, types).k < target;
            }
            int listed = 0;
            for (size_t i = 0; i < wa->nminimal; i++)
                listed |= wa->minimal[i] == n;
            assert_int_equal(listed, minimal);
        }
        reid_analysis_free(all);
        reid_analysis_free(pr);
        for (size_t r = 0; r < nrows; r++)
            free(rows[r]);
        free(rows);
        free(csv);
    }
    reid_missing_set_free(&miss);
    assert_true(with_minimal >= 4);
    assert_true(pruned >= 6);
}

/* ---- generalisation before counting ---- */

static reid_analysis *run_gen(const char *qis, const char *gen, const char *csv)
{
    reid_config *cfg = cfg_qis(qis);
    assert_int_equal(reid_config_set_k(cfg, 2), REID_OK);
    assert_int_equal(reid_config_set_generalise(cfg, gen), REID_OK);
    reid_analysis *a = run_csv(cfg, csv);
    reid_config_free(cfg);
    return a;
}

static void test_generalise_core(void **state)
{
    (void)state;
    /* the same figures as the lattice's nodes, from the ordinary analysis */
    for (size_t i = 0; i < sizeof SMALL_NODES / sizeof SMALL_NODES[0]; i++) {
        const expect_node *e = &SMALL_NODES[i];
        static const char *const an[] = {"exact", "5y", "10y", "20y", "suppressed"};
        static const char *const sn[] = {"kept", "suppressed"};
        char gen[100];
        snprintf(gen, sizeof gen, "age=%s, sex=%s", an[e->age], sn[e->sex]);
        reid_analysis *a = run_gen("age,sex", gen, SMALL);
        assert_analysis_ok(a);
        const reid_summary *s = reid_summary_get(a);
        assert_int_equal(s->classes, e->classes);
        assert_int_equal(s->min_size, e->k);
        assert_int_equal(s->uniques, e->uniques);
        assert_int_equal(s->records_at_risk, e->at_risk);
        reid_qi_info qi;
        assert_int_equal(reid_qi_get(a, 0, &qi), REID_OK);
        assert_int_equal(qi.distinct, e->distinct_age);
        assert_int_equal(reid_generalisation_count(a), 2);
        const reid_generalisation *g = reid_generalisation_get(a, 0);
        assert_string_equal(g->qi, "age");
        assert_string_equal(g->level, an[e->age]);
        assert_int_equal(g->level_number, e->age);
        assert_int_equal(g->levels, 5);
        assert_int_equal(g->unparsed_records, 0);
        assert_null(reid_generalisation_get(a, 2));
        reid_analysis_free(a);
    }
}

/* postcode district, with an unreadable postcode counted and kept; threads agree */
static void test_generalise_postcode(void **state)
{
    (void)state;
    const char *csv = "postcode,age\nSW1A 1AA,40\nsw1a2aa,41\nSW1A 1AB,42\nSE1 7PB,50\nunknown,"
                      "50\nN/A,50\n";
    for (unsigned threads = 1; threads <= 2; threads++) {
        reid_config *cfg = cfg_qis("postcode,age");
        assert_int_equal(reid_config_set_generalise(cfg, "postcode=district,age=10y"), REID_OK);
        assert_int_equal(reid_config_set_threads(cfg, threads), REID_OK);
        reid_analysis *a = run_csv(cfg, csv);
        reid_config_free(cfg);
        assert_analysis_ok(a);
        /* (SW1A, 40-49) 3, (SE1, 50-59) 1, (UNKNOWN, 50-59) 1, (missing, 50-59) 1 */
        const reid_summary *s = reid_summary_get(a);
        assert_int_equal(s->classes, 4);
        assert_int_equal(s->uniques, 3);
        assert_int_equal(s->max_size, 3);
        assert_int_equal(reid_generalisation_get(a, 0)->unparsed_records, 1);
        reid_qi_info qi;
        reid_qi_get(a, 0, &qi);
        assert_int_equal(qi.distinct, 3);
        assert_int_equal(qi.missing, 1);
        reid_analysis_free(a);
    }
}

static void expect_error(reid_config *cfg, const char *csv, reid_status st, const char *msg)
{
    reid_analysis *a = run_csv(cfg, csv);
    reid_config_free(cfg);
    assert_int_equal(reid_status_of(a), st);
    assert_contains(reid_error_message(a), msg);
    reid_analysis_free(a);
}

static void test_errors(void **state)
{
    (void)state;
    reid_config *cfg = cfg_qis("age,sex");
    assert_int_equal(reid_config_set_generalise(cfg, "age"), REID_ERR_CONFIG);
    assert_contains(reid_config_error(cfg), "'age' is not COLUMN=LEVEL");
    assert_int_equal(reid_config_set_generalise(cfg, "age=5y,age=10y"), REID_ERR_CONFIG);
    assert_contains(reid_config_error(cfg), "'age' is given two generalisation levels");
    assert_int_equal(reid_config_set_generalise(cfg, "age=7y"), REID_OK);
    expect_error(cfg, SMALL, REID_ERR_CONFIG,
                 "t.csv: --generalise: 'age' has no level '7y'; the levels of its age hierarchy "
                 "are exact|5y|10y|20y|suppressed");
    cfg = cfg_qis("age");
    assert_int_equal(reid_config_set_generalise(cfg, "sex=suppressed"), REID_OK);
    expect_error(cfg, SMALL, REID_ERR_CONFIG,
                 "--generalise names 'sex', which is not a quasi-identifier");
    cfg = cfg_qis("age");
    assert_int_equal(reid_config_set_generalise(cfg, "height=1"), REID_OK);
    expect_error(cfg, SMALL, REID_ERR_CONFIG, "--generalise names no column 'height'");
    cfg = cfg_qis("age,sex");
    assert_int_equal(reid_config_set_generalise(cfg, "age=5y"), REID_OK);
    assert_int_equal(reid_config_set_what_if(cfg, REID_WHATIF_PRUNED, 0), REID_OK);
    expect_error(cfg, SMALL, REID_ERR_CONFIG, "--generalise and --what-if cannot be combined");
    cfg = cfg_qis("age,sex");
    assert_int_equal(reid_config_set_what_if(cfg, REID_WHATIF_PRUNED, 9), REID_OK);
    expect_error(cfg, SMALL, REID_ERR_CONFIG,
                 "the what-if lattice of these 2 quasi-identifiers has more than 9 nodes");
    cfg = cfg_qis("age,sex");
    assert_int_equal(reid_config_set_what_if(cfg, (reid_whatif_mode)7, 0), REID_ERR_CONFIG);
    reid_config_free(cfg);
}

/* Merging: two halves of SMALL give the whole one's figures, generalised and in the lattice; two
 * analyses generalised differently cannot be merged. */
static void test_merge(void **state)
{
    (void)state;
    const char *h1 = "age,sex\n30,M\n31,M\n32,F\nx,F\n",
               *h2 = "age,sex\n33,F\n37,M\n41,F\n44,F\n44,M\n";
    reid_config *cfg = cfg_qis("age,sex");
    assert_int_equal(reid_config_set_k(cfg, 2), REID_OK);
    assert_int_equal(reid_config_set_generalise(cfg, "age=10y"), REID_OK);
    reid_analysis *a = run_csv(cfg, h1), *b = run_csv(cfg, h2);
    assert_analysis_ok(a);
    assert_analysis_ok(b);
    assert_int_equal(reid_merge(a, b), REID_OK);
    /* SMALL's 10y,kept (4 classes) and the unreadable "x" F, alone */
    assert_int_equal(reid_summary_get(a)->classes, 5);
    assert_int_equal(reid_summary_get(a)->records, 9);
    assert_int_equal(reid_generalisation_get(a, 0)->unparsed_records, 1);
    reid_analysis_free(b);
    assert_int_equal(reid_config_set_generalise(cfg, "age=5y"), REID_OK);
    b = run_csv(cfg, h2);
    assert_int_equal(reid_merge(a, b), REID_ERR_CONFIG);
    assert_contains(reid_error_message(a), "cannot merge analyses generalised to different levels");
    reid_analysis_free(a);
    reid_analysis_free(b);
    assert_int_equal(reid_config_set_generalise(cfg, NULL), REID_OK);
    assert_int_equal(reid_config_set_what_if(cfg, REID_WHATIF_ALL, 0), REID_OK);
    a = run_csv(cfg, "age,sex\n30,M\n31,M\n32,F\n");
    b = run_csv(cfg, h2);
    assert_int_equal(reid_merge(a, b), REID_OK);
    const reid_whatif *w = reid_whatif_get(a);
    for (size_t i = 0; i < sizeof SMALL_NODES / sizeof SMALL_NODES[0]; i++) {
        const reid_whatif_node *nd = node_at(w, SMALL_NODES[i].age, SMALL_NODES[i].sex);
        assert_int_equal(nd->classes, SMALL_NODES[i].classes);
        assert_int_equal(nd->k, SMALL_NODES[i].k);
    }
    assert_int_equal(w->nminimal, 2);
    reid_analysis_free(a);
    reid_analysis_free(b);
    reid_config_free(cfg);
}

/* ---- user hierarchies ---- */

static const char AGE_H[] = "30;30-39;*\n31;30-39;*\n32;30-39;*\n33;30-39;*\n37;30-39;*\n"
                            "41;40-49;*\n44;40-49;*\n";

static void test_user_hierarchy(void **state)
{
    (void)state;
    /* level 1 of this hierarchy is the 10-year band: the same figures as the built-in 10y */
    reid_config *cfg = cfg_qis("age,sex");
    assert_int_equal(reid_config_add_hierarchy(cfg, "age", "age.csv", AGE_H, strlen(AGE_H)),
                     REID_OK);
    assert_int_equal(reid_config_set_k(cfg, 2), REID_OK);
    assert_int_equal(reid_config_set_what_if(cfg, REID_WHATIF_ALL, 0), REID_OK);
    reid_analysis *a = run_csv(cfg, SMALL);
    assert_analysis_ok(a);
    const reid_whatif *w = reid_whatif_get(a);
    assert_int_equal(w->lattice_size, 6);
    assert_string_equal(w->hierarchy[0], "age.csv");
    assert_string_equal(reid_level_name(a, 0, 1), "1");
    const reid_whatif_node *nd = node_at(w, 1, 1);
    assert_int_equal(nd->classes, 2);
    assert_int_equal(nd->k, 3);
    assert_near(nd->precision, 1 - (0.5 + 1) / 2, 1e-15);
    reid_analysis_free(a);
    assert_int_equal(reid_config_set_what_if(cfg, REID_WHATIF_OFF, 0), REID_OK);
    assert_int_equal(reid_config_set_generalise(cfg, "age=1"), REID_OK);
    a = run_csv(cfg, SMALL);
    assert_analysis_ok(a);
    assert_int_equal(reid_summary_get(a)->classes, 4); /* as 10y,kept */
    assert_string_equal(reid_generalisation_get(a, 0)->hierarchy, "age.csv");
    reid_analysis_free(a);
    /* a value not in it: an error naming the column, the file and the count, not the value */
    a = run_csv(cfg, "age,sex\n30,M\n45,F\n46,F\n45,M\n");
    assert_int_equal(reid_status_of(a), REID_ERR_INPUT);
    assert_contains(reid_error_message(a), "t.csv: 3 records of column 'age' have a value that "
                                           "is not in the hierarchy age.csv");
    assert_not_contains(reid_error_message(a), "45");
    reid_analysis_free(a);
    assert_int_equal(reid_config_set_generalise(cfg, NULL), REID_OK);
    assert_int_equal(reid_config_set_what_if(cfg, REID_WHATIF_PRUNED, 0), REID_OK);
    a = run_csv(cfg, "age,sex\n30,M\n45,F\n46,F\n45,M\n");
    assert_int_equal(reid_status_of(a), REID_ERR_INPUT);
    assert_contains(reid_error_message(a), "t.csv: 2 distinct values of column 'age' are not in "
                                           "the hierarchy age.csv");
    reid_analysis_free(a);
    /* errors of the file itself, at once */
    assert_int_equal(reid_config_add_hierarchy(cfg, "age", "x.csv", "1;a\n", 4), REID_ERR_CONFIG);
    assert_contains(reid_config_error(cfg), "the column 'age' is given two hierarchies");
    assert_int_equal(reid_config_add_hierarchy(cfg, "sex", "s.csv", "M;*\nF\n", 7), REID_ERR_INPUT);
    assert_contains(reid_config_error(cfg), "s.csv: line 2: 1 level");
    reid_config_free(cfg);
    cfg = cfg_qis("age");
    assert_int_equal(reid_config_add_hierarchy(cfg, "sex", "s.csv", "M;*\nF;*\n", 8), REID_OK);
    expect_error(cfg, SMALL, REID_ERR_CONFIG,
                 "--hierarchy names 'sex', which is not a quasi-identifier");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small_all),       cmocka_unit_test(test_small_pruned),
        cmocka_unit_test(test_missing_stays),   cmocka_unit_test(test_random_against_exhaustive),
        cmocka_unit_test(test_generalise_core), cmocka_unit_test(test_generalise_postcode),
        cmocka_unit_test(test_errors),          cmocka_unit_test(test_merge),
        cmocka_unit_test(test_user_hierarchy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
