/*
 * test_sensitive.c - sensitive-attribute disclosure (lib/sensitive.h, docs/sensitive.md):
 * pycanon's TV-P1 (PEER-FORMULAS.md §2.1) where our definitions agree, hand-computed values where
 * they differ (entropy l, recursive (c, l)), missing values and numeric ties, a brute-force check
 * on random data, ARX's 2,946 homogeneous records on adult.csv, thread counts, merge, the exact
 * per-class distributions against sort-and-count, values found in snapshots or interned in order,
 * the snapshots' memory, errors.
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
#include "reid.h"
#include "sensitive.h"
#include "unit_helpers.h"

/* PEER-FORMULAS.md TV-P1: QIs zip, age; classes z1/30, z2/40, z3/50; salary 1..10 in row order. */
static const char TVP1[] = "zip,age,disease,salary\n"
                           "z1,30,flu,1\nz1,30,flu,2\nz1,30,cold,3\nz1,30,cancer,4\n"
                           "z2,40,flu,5\nz2,40,flu,6\nz2,40,cold,7\n"
                           "z3,50,cold,8\nz3,50,cancer,9\nz3,50,cold,10\n";

static reid_analysis *run_sens(const char *qis, const char *const *sens, double c, const char *csv,
                               unsigned threads)
{
    reid_config *cfg = cfg_qis(qis);
    for (size_t i = 0; sens[i]; i++)
        assert_int_equal(reid_config_add_sensitive(cfg, sens[i]), REID_OK);
    if (c > 0) assert_int_equal(reid_config_set_recursive_c(cfg, c), REID_OK);
    if (threads) assert_int_equal(reid_config_set_threads(cfg, threads), REID_OK);
    reid_analysis *a = run_csv(cfg, csv);
    reid_config_free(cfg);
    assert_analysis_ok(a);
    return a;
}

static void test_tvp1(void **state)
{
    (void)state;
    static const char *const sens[] = {"disease", "salary", NULL};
    reid_analysis *a = run_sens("zip,age", sens, 0, TVP1, 1);
    assert_int_equal(reid_sensitive_count(a), 2);
    const reid_sensitive *d = reid_sensitive_get(a, 0), *s = reid_sensitive_get(a, 1);
    assert_non_null(d);
    assert_non_null(s);
    assert_null(reid_sensitive_get(a, 2));
    assert_string_equal(d->column, "disease");
    assert_int_equal(d->values, 3);
    assert_int_equal(d->missing, 0);
    assert_false(d->numeric);
    /* pycanon's values, where the definitions agree */
    assert_int_equal(d->l_distinct, 2);
    assert_near(d->alpha, 0.6666666666666666, 1e-15);
    assert_near(d->t_closeness, 0.39999999999999997, 1e-15);
    assert_near(d->beta_basic, 0.6666666666666665, 1e-15);
    assert_near(d->beta_enhanced, 0.6666666666666665, 1e-15);
    assert_near(d->delta, 0.5108256237659905, 1e-15);
    assert_true(s->numeric);
    assert_int_equal(s->values, 10);
    assert_near(s->t_closeness, 7.0 / 18, 1e-15);
    /* entropy l: exp(H) of {flu, flu, cold} = 1.89 (pycanon truncates it to 1) */
    double H = -(2.0 / 3 * log(2.0 / 3) + 1.0 / 3 * log(1.0 / 3));
    assert_near(d->l_entropy, exp(H), 1e-15);
    /* recursive (c, l), Machanavajjhala: with c = 2, z2 {2, 1}: 2 < 2*1 fails, so l = 1
     * (pycanon's (c, l) = (1, 2) answers another question: the c for the distinct l) */
    assert_near(d->recursive_c, 2, 0);
    assert_int_equal(d->recursive_l, 1);
    assert_int_equal(d->homogeneous_records, 0);
    assert_int_equal(d->homogeneous_classes, 0);
    reid_analysis_free(a);
    /* c = 3: z1 {2,1,1}: 2 < 3*1 -> 3; z2 {2,1}: 2 < 3 -> 2; z3 {2,1} -> 2: l = 2 */
    a = run_sens("zip,age", sens, 3, TVP1, 1);
    assert_int_equal(reid_sensitive_get(a, 0)->recursive_l, 2);
    assert_near(reid_sensitive_get(a, 0)->recursive_c, 3, 0);
    reid_analysis_free(a);
}

static void test_recursive_l(void **state)
{
    (void)state;
    /* sdcMicro TV-S4 (a,x) = {1,1,2,3}: counts 2,1,1 */
    static const uint64_t ax[] = {2, 1, 1};
    assert_int_equal(reid_sensitive_recursive_l(ax, 3, 2), 2);
    assert_int_equal(reid_sensitive_recursive_l(ax, 3, 3), 3);
    static const uint64_t one[] = {5};
    assert_int_equal(reid_sensitive_recursive_l(one, 1, 2), 1);
    /* TV-P3 class a = {x*4, y, z}: 4 < 2*(1+1) fails, 4 < 2*6 holds -> 1; c = 5: 4 < 5*1 -> 3 */
    static const uint64_t p3[] = {4, 1, 1};
    assert_int_equal(reid_sensitive_recursive_l(p3, 3, 2), 1);
    assert_int_equal(reid_sensitive_recursive_l(p3, 3, 5), 3);
    static const uint64_t even[] = {2, 2};
    assert_int_equal(reid_sensitive_recursive_l(even, 2, 1), 1); /* 2 < 1*2 fails */
    assert_int_equal(reid_sensitive_recursive_l(even, 2, 1.5), 2);
}

/* Missing values are one category; homogeneous classes; enhanced beta that no beta satisfies. */
static void test_missing_and_homogeneous(void **state)
{
    (void)state;
    static const char *const sens[] = {"s", NULL};
    reid_analysis *a = run_sens("g", sens, 0, "g,s\na,NA\na, \nb,x\nb,x\nc,x\nc,y\n", 1);
    const reid_sensitive *r = reid_sensitive_get(a, 0);
    assert_int_equal(r->missing, 2); /* "NA" and the empty (trimmed) value */
    assert_int_equal(r->values, 3);  /* missing, x, y */
    assert_int_equal(r->homogeneous_classes, 2);
    assert_int_equal(r->homogeneous_records, 4);
    assert_near(r->homogeneous_fraction, 4.0 / 6, 1e-15);
    assert_int_equal(r->l_distinct, 1);
    assert_near(r->l_entropy, 1, 0);
    assert_near(r->alpha, 1, 0);
    /* p: missing 1/3, x 1/2, y 1/6. beta: class c, y: (1/2 - 1/6)/(1/6) = 2; class a: 2;
     * enhanced: class b, x: (1 - 1/2)/(1/2) = 1 > -ln(1/2): no beta */
    assert_near(r->beta_basic, 2, 1e-12);
    assert_true(isnan(r->beta_enhanced));
    assert_near(r->delta, log(3), 1e-12);
    /* t: class a: 1/2 (|1-1/3| + 1/2 + 1/6) = 2/3 */
    assert_near(r->t_closeness, 2.0 / 3, 1e-12);
    reid_analysis_free(a);
}

/* Numbers: equal numbers share a rank, "missing" goes after the largest. */
static void test_numeric_ties(void **state)
{
    (void)state;
    static const char *const sens[] = {"v", NULL};
    reid_analysis *a = run_sens("g", sens, 0, "g,v\nA,1\nA,2\nB,1.0\nB,NA\n", 1);
    const reid_sensitive *r = reid_sensitive_get(a, 0);
    assert_true(r->numeric);
    /* ranks {1, 1.0} < {2} < missing, p = 1/2, 1/4, 1/4; both classes: (0 + 1/4 + 0) / 2 */
    assert_near(r->t_closeness, 0.125, 1e-15);
    assert_int_equal(r->l_distinct, 2);
    reid_analysis_free(a);
    /* one non-number makes the column categorical: t = 1/2 sum |q - p| */
    a = run_sens("g", sens, 0, "g,v\nA,1\nA,2\nB,1.0\nB,x\n", 1);
    r = reid_sensitive_get(a, 0);
    assert_false(r->numeric);
    assert_near(r->t_closeness, 0.5, 1e-15);
    reid_analysis_free(a);
}

/* Random data against a brute-force computation of every measure: N records in G groups (the
 * classes), values skewed and class-dependent over at most V. With small set, the groups are
 * instead classes of 2 to 32 records in turn, each with two values (so no class has an entropy of
 * 0: l_entropy is a real minimum, lowered by small steps class after class). */
static void brute_check(int N, int G, int V, int small)
{
    int *g = malloc((size_t)N * sizeof *g), *v = malloc((size_t)N * sizeof *v);
    double *cntv = calloc((size_t)G * (size_t)V, sizeof *cntv), *n = calloc((size_t)G, sizeof *n);
    double *p = calloc((size_t)V, sizeof *p);
    uint64_t *rs = malloc((size_t)V * sizeof *rs);
    char *csv = malloc((size_t)N * 16 + 16);
    assert_true(g && v && cntv && n && p && rs && csv);
    size_t len = (size_t)sprintf(csv, "g,v\n");
    unsigned seed = 12345;
    for (int i = 0, c = 0, j = 0; i < N; i++) {
        if (small) { /* record j of class c: c % 31 + 2 records, one of them (the first or the
                      * last) with a value of its own, so that the entropy falls as c grows */
            const int size = c % 31 + 2, odd = c % 2 ? size - 1 : 0;
            g[i] = c;
            v[i] = (c * 3 + (j == odd ? 0 : 1 + c % 5)) % V;
            if (++j == size) {
                j = 0;
                c = (c + 1) % G;
            }
            continue;
        }
        seed = seed * 1103515245u + 12345u;
        g[i] = (int)((seed >> 16) % G);
        seed = seed * 1103515245u + 12345u;
        unsigned x = (seed >> 16) % 1000;
        v[i] = (int)((x * x / 1000) % (unsigned)(g[i] % 7 + 3 + V - 10)); /* skewed, by class */
    }
    for (int i = 0; i < N; i++)
        len += (size_t)sprintf(csv + len, "%d,%d\n", g[i], v[i] * 10);
    static const char *const sens[] = {"v", NULL};
    reid_analysis *a = run_sens("g", sens, 2.5, csv, 2);
    const reid_sensitive *r = reid_sensitive_get(a, 0);
#define cnt(c, j) cntv[(size_t)(c) * (size_t)V + (size_t)(j)]
    for (int i = 0; i < N; i++) {
        cnt(g[i], v[i])++;
        n[g[i]]++;
        p[v[i]] += 1.0 / N;
    }
    int m = 0;
    for (int j = 0; j < V; j++)
        m += p[j] > 0;
    double t = 0, alpha = 0, beta = 0, delta = 0, lent = INFINITY;
    uint64_t ld = UINT64_MAX, rl = UINT64_MAX, hom_classes = 0, hom_records = 0;
    for (int c = 0; c < G; c++) {
        if (!n[c]) continue;
        double cq = 0, cp = 0, tc = 0, H = 0;
        uint64_t k = 0;
        for (int j = 0; j < V; j++) {
            if (!p[j]) continue;
            double q = cnt(c, j) / n[c];
            cq += q;
            cp += p[j];
            tc += fabs(cq - cp);
            if (q > 0) {
                rs[k++] = (uint64_t)cnt(c, j);
                H -= q * log(q);
                alpha = fmax(alpha, q);
                delta = fmax(delta, fabs(log(q / p[j])));
            }
            beta = fmax(beta, (q - p[j]) / p[j]);
        }
        t = fmax(t, tc / (m - 1));
        lent = fmin(lent, exp(H));
        if (k < ld) ld = k;
        if (k == 1) { /* a single value: homogeneous */
            hom_classes++;
            hom_records += (uint64_t)n[c];
        }
        for (uint64_t i = 0; i < k; i++) /* sort descending */
            for (uint64_t j = i + 1; j < k; j++)
                if (rs[j] > rs[i]) {
                    uint64_t tmp = rs[i];
                    rs[i] = rs[j];
                    rs[j] = tmp;
                }
        uint64_t l = 1;
        for (uint64_t cand = k; cand >= 1; cand--) {
            double tail = 0;
            for (uint64_t j = cand - 1; j < k; j++)
                tail += (double)rs[j];
            if ((double)rs[0] < 2.5 * tail) {
                l = cand;
                break;
            }
        }
        if (l < rl) rl = l;
    }
    assert_true(r->numeric);
    assert_near(r->t_closeness, t, 1e-12);
    assert_near(r->alpha, alpha, 1e-15);
    assert_near(r->beta_basic, beta, 1e-12);
    assert_near(r->delta, delta, 1e-12);
    assert_near(r->l_entropy, lent, 1e-12);
    assert_int_equal(r->l_distinct, ld);
    assert_int_equal(r->recursive_l, rl);
    assert_int_equal(r->homogeneous_classes, hom_classes);
    assert_int_equal(r->homogeneous_records, hom_records);
    reid_analysis_free(a);
#undef cnt
    free(csv);
    free(g);
    free(v);
    free(cntv);
    free(n);
    free(p);
    free(rs);
}

static void test_brute_force(void **state)
{
    (void)state;
    brute_check(3000, 7, 23, 0);     /* a few large classes */
    brute_check(20000, 4000, 40, 0); /* many small ones, some with a single value */
    /* mostly classes of one record (a single value each), runs of them between classes with
     * pairs: the measures skip the runs (sensitive.c) */
    brute_check(20000, 15000, 30, 0);
    /* classes of at most 32 records (q log q read from a table, most values of log(q / p)
     * skipped by the bounds of delta, most exp(H) by that of l_entropy), none single-valued */
    brute_check(17 * 3100, 3100, 61, 1);
}

static reid_analysis *adult_sens(unsigned threads)
{
    reid_config *cfg = cfg_qis("age,sex,race");
    assert_int_equal(reid_config_add_sensitive(cfg, "salary-class"), REID_OK);
    assert_int_equal(reid_config_set_threads(cfg, threads), REID_OK);
    FILE *f = fopen(REID_TEST_DATA "/adult.csv", "rb");
    assert_non_null(f);
    reid_analysis *a = reid_analysis_new(cfg, "adult.csv");
    reid_config_free(cfg);
    assert_non_null(a);
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        assert_int_equal(reid_feed(a, buf, n), REID_OK);
    fclose(f);
    assert_int_equal(reid_finish(a), REID_OK);
    return a;
}

/* ARX's l-diversity check: 2,946 records in classes with a single salary class. */
static void test_adult(void **state)
{
    (void)state;
    reid_analysis *a1 = adult_sens(1), *a2 = adult_sens(2);
    const reid_sensitive *r1 = reid_sensitive_get(a1, 0), *r2 = reid_sensitive_get(a2, 0);
    assert_int_equal(r1->homogeneous_records, 2946);
    assert_near(r1->homogeneous_fraction, 2946.0 / 30162, 1e-15);
    assert_int_equal(r1->l_distinct, 1);
    assert_int_equal(r1->values, 2);
    /* identical for 1 and 2 threads, to the bit */
    reid_sensitive x, y; /* memcpy: the padding too */
    memcpy(&x, r1, sizeof x);
    memcpy(&y, r2, sizeof y);
    x.column = y.column = NULL;
    assert_memory_equal(&x, &y, sizeof x);
    reid_analysis_free(a1);
    reid_analysis_free(a2);
}

/* Merging two halves gives the whole. */
static void test_merge(void **state)
{
    (void)state;
    static const char *const sens[] = {"disease", "salary", NULL};
    const char *half2 = strstr(TVP1, "z2,40,flu,5");
    size_t hlen = (size_t)(half2 - TVP1);
    char *first = strndup(TVP1, hlen);
    char second[512];
    snprintf(second, sizeof second, "zip,age,disease,salary\n%s", half2);
    reid_analysis *whole = run_sens("zip,age", sens, 0, TVP1, 1);
    reid_analysis *a = run_sens("zip,age", sens, 0, first, 1);
    reid_analysis *b = run_sens("zip,age", sens, 0, second, 1);
    assert_int_equal(reid_merge(a, b), REID_OK);
    for (size_t i = 0; i < 2; i++) {
        reid_sensitive x, y;
        memcpy(&x, reid_sensitive_get(a, i), sizeof x);
        memcpy(&y, reid_sensitive_get(whole, i), sizeof y);
        assert_string_equal(x.column, y.column);
        x.column = y.column = NULL;
        assert_memory_equal(&x, &y, sizeof x);
    }
    reid_analysis_free(whole);
    reid_analysis_free(a);
    reid_analysis_free(b);
    free(first);
}

/*
 * The exact per-class distributions (reid_sensitive_dist: the first value inline, the others in
 * the pair table) against sort-and-count of the (class, value) pairs, on random data with
 * singleton, large and homogeneous classes and missing values, for one and two threads and for a
 * merge of three parts.
 */
typedef struct dtuple {
    int g1, g2, s;
    uint64_t n;
} dtuple;

static int cmp_dtuple(const void *x, const void *y)
{
    const dtuple *a = x, *b = y;
    if (a->g1 != b->g1) return a->g1 < b->g1 ? -1 : 1;
    if (a->g2 != b->g2) return a->g2 < b->g2 ? -1 : 1;
    return a->s < b->s ? -1 : a->s > b->s;
}

/* "k12", "v7": the number after the letter; id 0 (missing) = -1 */
static int dict_number(const reid_dict *d, uint32_t id)
{
    if (id == REID_DICT_MISSING) return -1;
    size_t len;
    const char *v = reid_dict_value(d, id, &len);
    char buf[32];
    assert_true(len > 1 && len < sizeof buf);
    memcpy(buf, v + 1, len - 1);
    buf[len - 1] = 0;
    return atoi(buf);
}

/* Sort the tuples and merge equal ones (adding their n); the count left. */
static size_t sort_count(dtuple *t, size_t n)
{
    qsort(t, n, sizeof *t, cmp_dtuple);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (k && cmp_dtuple(&t[k - 1], &t[i]) == 0)
            t[k - 1].n += t[i].n;
        else
            t[k++] = t[i];
    }
    return k;
}

static void check_distributions(const reid_analysis *a, size_t m, const dtuple *want, size_t nwant)
{
    const reid_classtable *ct = &a->table;
    reid_sensitive_dist d;
    assert_int_equal(reid_sensitive_dist_init(&d, ct, (unsigned)m, &a->sens[m].pairs), 0);
    size_t n = 0;
    dtuple *got = malloc((nwant + 1) * sizeof *got);
    uint32_t *ids = malloc(d.maxent * sizeof *ids);
    uint64_t *counts = malloc(d.maxent * sizeof *counts);
    assert_true(got && ids && counts);
    for (uint64_t ci = 0; ci < ct->nclasses; ci++) {
        const uint32_t *key = reid_classtable_key(ct, ci);
        size_t k = reid_sensitive_dist_class(&d, ci, ids, counts);
        assert_true(k >= 1 && k <= d.maxent);
        uint64_t sum = 0;
        for (size_t e = 0; e < k; e++) {
            assert_true(counts[e] > 0);
            sum += counts[e];
            for (size_t e2 = 0; e2 < e; e2++) /* each value once per class */
                assert_int_not_equal(ids[e2], ids[e]);
            assert_true(n < nwant); /* never more (class, value) pairs than the reference */
            got[n].g1 = dict_number(&a->qi[0].dict, key[0]);
            got[n].g2 = dict_number(&a->qi[1].dict, key[1]);
            got[n].s = dict_number(&a->sens[m].dict, ids[e]);
            got[n++].n = counts[e];
        }
        assert_int_equal(sum, ct->sizes[ci]);
    }
    assert_int_equal(sort_count(got, n), n);
    assert_int_equal(n, nwant);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(cmp_dtuple(&got[i], &want[i]), 0);
        assert_int_equal(got[i].n, want[i].n);
    }
    free(got);
    free(ids);
    free(counts);
    reid_sensitive_dist_free(&d);
}

static void test_distributions(void **state)
{
    (void)state;
    enum { N = 20000, PARTS = 3 };
    static dtuple ref[2][N];
    char *csv[PARTS];
    size_t len[PARTS];
    for (int p = 0; p < PARTS; p++) {
        csv[p] = malloc(N * 32 + 32);
        assert_non_null(csv[p]);
        len[p] = (size_t)sprintf(csv[p], "g1,g2,s,t\n");
    }
    char *whole = malloc(N * 32 + 32);
    assert_non_null(whole);
    size_t wlen = (size_t)sprintf(whole, "g1,g2,s,t\n");
    unsigned seed = 4242;
#define NEXT() (seed = seed * 1103515245u + 12345u, (seed >> 16) & 0x7FFF)
    for (int i = 0; i < N; i++) {
        /* g1 skewed: a few large classes, many small ones and singletons */
        unsigned u = NEXT();
        int g1 = u < 16000 ? (int)(u % 20) : (int)(NEXT() * 7 + u % 7);
        int g2 = (int)(NEXT() % 4);
        int s = g1 % 4 == 0 ? 99 : (int)(NEXT() % 9); /* every fourth g1 homogeneous */
        if (NEXT() % 10 == 0) s = -1;
        int t = NEXT() % 20 == 0 ? -1 : (int)(NEXT() % 50);
        char sb[16], tb[16];
        if (s < 0)
            snprintf(sb, sizeof sb, "%s", NEXT() % 2 ? "NA" : "");
        else
            snprintf(sb, sizeof sb, "v%d", s);
        if (t < 0)
            snprintf(tb, sizeof tb, "NA");
        else
            snprintf(tb, sizeof tb, "w%d", t);
        int p = (int)(NEXT() % PARTS);
        len[p] += (size_t)sprintf(csv[p] + len[p], "k%d,k%d,%s,%s\n", g1, g2, sb, tb);
        wlen += (size_t)sprintf(whole + wlen, "k%d,k%d,%s,%s\n", g1, g2, sb, tb);
        ref[0][i] = (dtuple){g1, g2, s, 1};
        ref[1][i] = (dtuple){g1, g2, t, 1};
    }
#undef NEXT
    size_t nref[2] = {sort_count(ref[0], N), sort_count(ref[1], N)};
    static const char *const sens[] = {"s", "t", NULL};
    for (unsigned threads = 1; threads <= 2; threads++) {
        reid_analysis *a = run_sens("g1,g2", sens, 0, whole, threads);
        for (size_t m = 0; m < 2; m++)
            check_distributions(a, m, ref[m], nref[m]);
        reid_analysis_free(a);
    }
    reid_analysis *a = run_sens("g1,g2", sens, 0, csv[0], 1);
    for (int p = 1; p < PARTS; p++) {
        reid_analysis *b = run_sens("g1,g2", sens, 0, csv[p], 2);
        assert_int_equal(reid_merge(a, b), REID_OK);
        reid_analysis_free(b);
    }
    for (size_t m = 0; m < 2; m++)
        check_distributions(a, m, ref[m], nref[m]);
    /* the merge gives the measures of the whole, bit for bit */
    reid_analysis *w = run_sens("g1,g2", sens, 0, whole, 1);
    for (size_t m = 0; m < 2; m++) {
        reid_sensitive x, y;
        memcpy(&x, reid_sensitive_get(a, m), sizeof x);
        memcpy(&y, reid_sensitive_get(w, m), sizeof y);
        x.column = y.column = NULL;
        assert_memory_equal(&x, &y, sizeof x);
    }
    reid_analysis_free(w);
    reid_analysis_free(a);
    for (int p = 0; p < PARTS; p++)
        free(csv[p]);
    free(whole);
}

/*
 * The classes measured in ranges on several threads give the one-thread results bit for bit (every
 * measure is a minimum, a maximum or a count): 500,000 records in about 370,000 classes, enough
 * for four ranges, with the extreme classes spread over the whole table; numeric and text columns.
 */
static void test_thread_ranges(void **state)
{
    (void)state;
    enum { N = 500000 };
    char *csv = malloc((size_t)N * 40 + 32);
    assert_non_null(csv);
    size_t len = (size_t)sprintf(csv, "g1,g2,s,t\n");
    unsigned seed = 777;
#define NEXT() (seed = seed * 1103515245u + 12345u, (seed >> 16) & 0x7FFF)
    for (int i = 0; i < N; i++) {
        unsigned u = NEXT();
        int g1 = u < 4000 ? (int)(u % 50) : (int)((NEXT() << 4 | (u & 15)) % 400000);
        int g2 = (int)(NEXT() % 2);
        int s = (int)(NEXT() % 12), t = (int)(NEXT() % 300);
        len += (size_t)sprintf(csv + len, "k%d,k%d,v%d,%d\n", g1, g2, s, t);
    }
#undef NEXT
    /* the extremes last, in the last range: a value seen once (the largest t, beta and delta) in a
     * class of its own, and a class of two values with the number furthest from the others */
    len += (size_t)sprintf(csv + len, "last1,k0,rare,5\nlast2,k0,v1,100000\nlast2,k0,v2,7\n");
    static const char *const sens[] = {"s", "t", NULL};
    reid_analysis *a = run_sens("g1,g2", sens, 0, csv, 1);
    assert_true(a->table.nclasses >= 4 * 65536);
    for (size_t m = 0; m < 2; m++) {
        reid_sensitive one, many;
        memset(&one, 0, sizeof one);
        assert_int_equal(reid_sensitive_compute(&a->table, (unsigned)m, &a->sens[m].pairs,
                                                &a->sens[m].dict, 2, NULL, 1, &one),
                         0);
        assert_true(one.l_distinct == 1 && one.t_closeness > 0 && one.delta > 0);
        assert_int_equal(one.numeric, m == 1);
        for (unsigned threads = 2; threads <= 4; threads++) {
            memset(&many, 0, sizeof many);
            assert_int_equal(reid_sensitive_compute(&a->table, (unsigned)m, &a->sens[m].pairs,
                                                    &a->sens[m].dict, 2, a->counter.svcount[m],
                                                    threads, &many),
                             0);
            assert_memory_equal(&one, &many, sizeof one);
        }
        /* and what the analysis reported */
        reid_sensitive rep;
        memcpy(&rep, reid_sensitive_get(a, m), sizeof rep);
        rep.column = NULL;
        rep.missing = 0;
        assert_memory_equal(&one, &rep, sizeof one);
    }
    reid_analysis_free(a);
    free(csv);
}

/* QI g, sensitive column s, on `threads` threads in chunks of 16 KiB (so that a few hundred KB
 * of input is parsed in parallel); the analysis must succeed. */
static reid_analysis *run_sens_chunks(const char *csv, unsigned threads)
{
    reid_config *cfg = cfg_qis("g");
    assert_int_equal(reid_config_add_sensitive(cfg, "s"), REID_OK);
    assert_int_equal(reid_config_set_threads(cfg, threads), REID_OK);
    assert_int_equal(reid_config_set_chunk_size(cfg, 16384), REID_OK);
    reid_analysis *a = run_csv(cfg, csv);
    reid_config_free(cfg);
    assert_analysis_ok(a);
    return a;
}

/*
 * Sensitive values get their ids in two ways (counter.c): a value of up to 8 bytes found in the
 * column's latest snapshot (valsnap.h) as its batch is prepared, any other when the batch is
 * counted, in input order. Values that differ only after their first 8 bytes, by their length, by
 * spaces that trimming removes, quoted values, the missing spellings, runs of 10,000 records that
 * are each new (snapshots of thousands of values, most records missing them), then records that
 * repeat earlier values: the dictionary must still be in first-seen order, and the records per
 * value and the values of each class what a plain count of the trimmed strings gives, on 1, 2
 * and 3 threads in small chunks.
 */
enum { BV_N = 40000, BV_G = 50 };

typedef struct bv_ref {
    char (*distinct)[48]; /* the non-missing values in first-seen order */
    size_t nd;
    uint64_t *count;          /* [nd + 1]: records per id (0 = missing) */
    uint64_t *cell;           /* [BV_G * (nd + 1)]: records per class and id */
    size_t small[64], nsmall; /* the ids - 1 of the values that may repeat */
} bv_ref;

/* The value's id in the reference, a new one when it is new; fresh: it is known to be new (the
 * others are looked up among the other values that were not). */
static size_t bv_id(bv_ref *r, const char *v, int missing, int fresh)
{
    if (missing) return 0;
    for (size_t i = 0; !fresh && i < r->nsmall; i++)
        if (strcmp(r->distinct[r->small[i]], v) == 0) return r->small[i] + 1;
    if (!fresh) r->small[r->nsmall++] = r->nd;
    snprintf(r->distinct[r->nd++], sizeof r->distinct[0], "%s", v);
    return r->nd;
}

static void test_batch_values(void **state)
{
    (void)state;
    /* field as written, the value once unquoted and trimmed, missing? */
    static const struct {
        const char *field, *value;
        int missing;
    } tricky[] = {
        {"", "", 1},
        {"NA", "NA", 1},
        {" NA ", "NA", 1},
        {"a", "a", 0},
        {"  a", "a", 0},
        {"ab", "ab", 0},
        {"abc", "abc", 0},
        {"abcd", "abcd", 0},
        {"abcde", "abcde", 0},
        {"abcdefg", "abcdefg", 0},
        {"abcdefgh", "abcdefgh", 0},
        {"abcdefgh ", "abcdefgh", 0},
        {"abcdefghi", "abcdefghi", 0},
        {"abcdefghj", "abcdefghj", 0},
        {"abcdefghij", "abcdefghij", 0},
        {"\"a,b\"", "a,b", 0},
        {"\"abcdefgh\"", "abcdefgh", 0},
        {"\"long value, with a comma\"", "long value, with a comma", 0},
        {"\"two\nlines\"", "two\nlines", 0},
        {"aaaa", "aaaa", 0},
        {"aaaaa", "aaaaa", 0},
        {"aaaaaaaa", "aaaaaaaa", 0},
        {"aaaaaaaaa", "aaaaaaaaa", 0},
        {"axc", "axc", 0},
        {"abxd", "abxd", 0},
        {"abcxe", "abcxe", 0},
        {"abcdxfgh", "abcdxfgh", 0},
        {"abcdefxh", "abcdefxh", 0},
        {"xbcdefgh", "xbcdefgh", 0},
    };
    const size_t ntricky = sizeof tricky / sizeof *tricky;
    bv_ref r = {malloc((size_t)BV_N * sizeof *r.distinct), 0, NULL, NULL, {0}, 0};
    char *csv = malloc((size_t)BV_N * 64 + 16);
    int *grp = malloc((size_t)BV_N * sizeof *grp);
    size_t *vid = malloc((size_t)BV_N * sizeof *vid);
    assert_true(r.distinct && csv && grp && vid);
    size_t len = (size_t)sprintf(csv, "g,s\n");
    uint64_t seed = 0x5eed;
    for (int i = 0; i < BV_N; i++) {
        uint64_t u = unit_rng_next(&seed);
        grp[i] = (int)(u % BV_G);
        char field[64], value[48];
        int missing = 0, fresh = 0;
        if (i >= 10000 && i < 20000) { /* every record new: batches of 4,096 distinct values */
            snprintf(value, sizeof value, "u%d", i);
            snprintf(field, sizeof field, "%s", value);
            fresh = 1;
        } else if ((u >> 20) % 10 < 4) {
            size_t t = (size_t)(u >> 32) % ntricky;
            snprintf(field, sizeof field, "%s", tricky[t].field);
            snprintf(value, sizeof value, "%s", tricky[t].value);
            missing = tricky[t].missing;
        } else { /* the same first 8 bytes, then 0 to 6 more */
            snprintf(value, sizeof value, "prefix00%.*s", (int)((u >> 24) % 7),
                     "123456" + (u >> 40) % 3);
            snprintf(field, sizeof field, "%s", value);
        }
        vid[i] = bv_id(&r, value, missing, fresh);
        len += (size_t)sprintf(csv + len, "k%d,%s\n", grp[i], field);
    }
    r.count = calloc(r.nd + 1, sizeof *r.count);
    r.cell = calloc((size_t)BV_G * (r.nd + 1), sizeof *r.cell);
    assert_true(r.count && r.cell);
    for (int i = 0; i < BV_N; i++) {
        r.count[vid[i]]++;
        r.cell[(size_t)grp[i] * (r.nd + 1) + vid[i]]++;
    }
    for (unsigned threads = 1; threads <= 3; threads++) {
        reid_analysis *a = run_sens_chunks(csv, threads);
        if (threads > 1) assert_true(a->parallel_records > BV_N / 2); /* chunks were parsed */
        const reid_dict *d = &a->sens[0].dict;
        assert_int_equal(reid_dict_values(d), r.nd);
        for (uint32_t id = 1; id <= r.nd; id++) {
            size_t n;
            const char *v = reid_dict_value(d, id, &n);
            assert_int_equal(n, strlen(r.distinct[id - 1]));
            assert_memory_equal(v, r.distinct[id - 1], n);
        }
        for (size_t id = 0; id <= r.nd; id++)
            assert_int_equal(a->counter.svcount[0][id], r.count[id]);
        assert_int_equal(a->sens[0].missing, r.count[0]);
        /* each class's values and their counts */
        reid_sensitive_dist dist;
        assert_int_equal(reid_sensitive_dist_init(&dist, &a->table, 0, &a->sens[0].pairs), 0);
        uint32_t *ids = malloc(dist.maxent * sizeof *ids);
        uint64_t *counts = malloc(dist.maxent * sizeof *counts);
        assert_true(ids && counts);
        assert_int_equal(a->table.nclasses, BV_G);
        for (uint64_t ci = 0; ci < a->table.nclasses; ci++) {
            size_t n;
            const char *gv =
                reid_dict_value(&a->qi[0].dict, reid_classtable_key(&a->table, ci)[0], &n);
            const uint64_t *want = r.cell + (size_t)atoi(gv + 1) * (r.nd + 1);
            size_t k = reid_sensitive_dist_class(&dist, ci, ids, counts), nonzero = 0;
            for (size_t id = 0; id <= r.nd; id++)
                nonzero += want[id] > 0;
            assert_int_equal(k, nonzero);
            for (size_t e = 0; e < k; e++)
                assert_int_equal(counts[e], want[ids[e]]);
        }
        free(ids);
        free(counts);
        reid_sensitive_dist_free(&dist);
        reid_analysis_free(a);
    }
    free(r.distinct);
    free(r.count);
    free(r.cell);
    free(csv);
    free(grp);
    free(vid);
}

/*
 * A column whose new values keep coming, each frequent for a while (a new value every 30 records,
 * as a column ordered by time can have): the snapshots of its short values, kept to the end of
 * the run, must stay within 5 times the bytes of the last one (counter.c, maybe_snapshot), and
 * the records per value be exact, on 1 and 2 threads.
 */
static void test_snapshot_memory(void **state)
{
    (void)state;
    enum { N = 60000, EVERY = 30 };
    char *csv = malloc((size_t)N * 24 + 16);
    assert_non_null(csv);
    size_t len = (size_t)sprintf(csv, "g,s\n");
    for (int i = 0; i < N; i++)
        len += (size_t)sprintf(csv + len, "k%d,d%d\n", i % 97, i / EVERY);
    for (unsigned threads = 1; threads <= 2; threads++) {
        reid_analysis *a = run_sens_chunks(csv, threads);
        const reid_valsnap *s = atomic_load(&a->counter.ssnap[0]);
        assert_non_null(s);
        const uint64_t last = s->bytes - (s->prev ? s->prev->bytes : 0);
        assert_true(s->bytes <= 5 * last);
        const reid_dict *d = &a->sens[0].dict;
        assert_int_equal(reid_dict_values(d), N / EVERY);
        for (uint32_t id = 1; id < d->count; id++) {
            size_t n;
            const char *v = reid_dict_value(d, id, &n);
            assert_int_equal(atoi(v + 1), (int)id - 1); /* first-seen order */
            assert_int_equal(a->counter.svcount[0][id], EVERY);
        }
        reid_analysis_free(a);
    }
    free(csv);
}

static void expect_config_error(const char *qis, const char *sens, const char *weight,
                                const char *csv, const char *msg)
{
    reid_config *cfg = cfg_qis(qis);
    assert_int_equal(reid_config_add_sensitive(cfg, sens), REID_OK);
    if (weight) assert_int_equal(reid_config_set_weight(cfg, weight), REID_OK);
    reid_analysis *a = run_csv(cfg, csv);
    reid_config_free(cfg);
    assert_int_equal(reid_status_of(a), REID_ERR_CONFIG);
    assert_contains(reid_error_message(a), msg);
    reid_analysis_free(a);
}

static void test_errors(void **state)
{
    (void)state;
    expect_config_error("zip,age", "age", NULL, TVP1,
                        "column 2 ('age') cannot be both a sensitive column and a "
                        "quasi-identifier");
    expect_config_error("zip,age", "diseas", NULL, TVP1,
                        "no sensitive column named 'diseas'; did you mean 'disease'?");
    expect_config_error("zip,age", "salary", "salary", TVP1,
                        "cannot be both a sensitive column and the weight column");
    reid_config *cfg = reid_config_new();
    assert_int_equal(reid_config_add_sensitive(cfg, "s"), REID_OK);
    assert_int_equal(reid_config_add_sensitive(cfg, " s "), REID_ERR_CONFIG);
    assert_contains(reid_config_error(cfg), "given twice");
    assert_int_equal(reid_config_add_sensitive(cfg, ""), REID_ERR_CONFIG);
    assert_int_equal(reid_config_set_recursive_c(cfg, 0), REID_ERR_CONFIG);
    assert_int_equal(reid_config_set_recursive_c(cfg, NAN), REID_ERR_CONFIG);
    assert_int_equal(reid_config_set_recursive_c(cfg, 0.5), REID_OK);
    reid_config_free(cfg);
    /* without --sensitive: none */
    cfg = cfg_qis("zip,age");
    reid_analysis *a = run_csv(cfg, TVP1);
    reid_config_free(cfg);
    assert_int_equal(reid_sensitive_count(a), 0);
    assert_null(reid_sensitive_get(a, 0));
    reid_analysis_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tvp1),
        cmocka_unit_test(test_recursive_l),
        cmocka_unit_test(test_missing_and_homogeneous),
        cmocka_unit_test(test_numeric_ties),
        cmocka_unit_test(test_brute_force),
        cmocka_unit_test(test_adult),
        cmocka_unit_test(test_merge),
        cmocka_unit_test(test_thread_ranges),
        cmocka_unit_test(test_distributions),
        cmocka_unit_test(test_batch_values),
        cmocka_unit_test(test_snapshot_memory),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
