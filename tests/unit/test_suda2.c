/*
 * test_suda2.c - SUDA2 special uniques (lib/suda2.h, docs/suda2.md): sdcMicro's TV-S3
 * (PEER-FORMULAS.md §1.3), a hand-computed table with 4 QIs, the search against a brute-force
 * MSU enumeration on random tables (1 to 8 QIs), sizes capped, DIS with no pairs, fewer than 3 QIs,
 * errors.
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
#include "suda2.h"
#include "unit_helpers.h"

/* PEER-FORMULAS.md TV-S3: keys A, B, C; sdcMicro 5.8.1 suda2() with default settings. */
static const char TVS3[] = "A,B,C\n"
                           "1,1,1\n1,1,1\n1,2,1\n1,2,2\n2,2,1\n"
                           "2,1,2\n3,1,1\n2,2,1\n1,NA,2\n1,1,2\n";

typedef struct rec {
    uint64_t record, line;
    double score, dis;
} rec;

typedef struct recs {
    rec r[64];
    size_t n;
} recs;

static int take(uint64_t record, uint64_t line, double score, double dis, const uint32_t *ids,
                void *user)
{
    recs *R = user;
    (void)ids;
    assert_true(R->n < 64);
    R->r[R->n++] = (rec){record, line, score, dis};
    return 0;
}

static reid_analysis *run_suda2(const char *qis, const char *csv, unsigned max_size, double f)
{
    reid_config *cfg = cfg_qis(qis);
    assert_int_equal(reid_config_set_suda2(cfg, 1), REID_OK);
    assert_int_equal(reid_config_set_record_positions(cfg, 1), REID_OK);
    if (max_size) assert_int_equal(reid_config_set_suda2_max_msu_size(cfg, max_size), REID_OK);
    if (f > 0) assert_int_equal(reid_config_set_suda2_dis_fraction(cfg, f), REID_OK);
    reid_analysis *a = run_csv(cfg, csv);
    reid_config_free(cfg);
    assert_analysis_ok(a);
    return a;
}

/* Relative error <= 1e-9 against a reference figure given to 10 significant digits. */
#define assert_rel(got, want) assert_near((got), (want), 1e-9 * fabs(want) + 1e-15)

static void test_tvs3(void **state)
{
    (void)state;
    reid_analysis *a = run_suda2("A,B,C", TVS3, 0, 0);
    const reid_suda2 *s = reid_suda2_get(a);
    assert_non_null(s);
    /* sdcMicro: scores (0,0,1,1,0,2,2,0,0,1); MSUs {A,B,C} rows 3 and 10, {B,C} row 4, {A,B} and
     * {A,C} row 6, {A} row 7; row 9 is unique only through its NA and has none */
    assert_int_equal(s->columns, 3);
    assert_int_equal(s->max_msu_size, 3);
    assert_int_equal(s->records_with_msu, 5);
    assert_int_equal(s->msus, 6);
    assert_int_equal(s->msu_by_size[1], 1);
    assert_int_equal(s->msu_by_size[2], 3);
    assert_int_equal(s->msu_by_size[3], 2);
    assert_double_near(s->score_sum, 7);
    assert_double_near(s->score_max, 2);
    assert_int_equal(s->unique_records, 6); /* rows 3, 4, 6, 7, 9, 10 */
    assert_int_equal(s->pair_records, 4);   /* rows 1, 2 and 5, 8 */
    recs R = {0};
    assert_int_equal(reid_suda2_records(a, take, &R), REID_OK);
    static const uint64_t rows[] = {3, 4, 6, 7, 10};
    static const double score[] = {1, 1, 2, 2, 1};
    assert_int_equal(R.n, 5);
    for (size_t i = 0; i < 5; i++) {
        assert_int_equal(R.r[i].record, rows[i]);
        assert_int_equal(R.r[i].line, rows[i] + 1); /* the header is line 1 */
        assert_double_near(R.r[i].score, score[i]);
        /* sdcMicro's DIS-SUDA: 0.009606061935 (score 1) and 0.022548625070 (score 2) */
        assert_rel(R.r[i].dis, score[i] == 1 ? 0.009606061935 : 0.022548625070);
    }
    assert_rel(s->dis_max, 0.022548625070);
    assert_rel(s->dis_mean, (3 * 0.009606061935 + 2 * 0.022548625070) / 10);
    /* sdcMicro's attribute_contributions: A 85.71428571, B 57.14285714, C 57.14285714 */
    assert_rel(s->attribute_contributions[0], 85.71428571);
    assert_rel(s->attribute_contributions[1], 57.14285714);
    assert_rel(s->attribute_contributions[2], 57.14285714);
    assert_int_equal(s->dis_band_records[0], 5);
    assert_int_equal(s->dis_band_records[1], 5);
    size_t ns;
    const reid_suda2_score *sc = reid_suda2_scores(a, &ns);
    assert_int_equal(ns, 2);
    assert_double_near(sc[0].score, 1);
    assert_int_equal(sc[0].records, 3);
    assert_double_near(sc[1].score, 2);
    assert_int_equal(sc[1].records, 2);
    reid_analysis_free(a);
}

/*
 * Hand computation (also in tests/fixtures/README.md, suda2_small.csv). QIs W,X,Y,Z, M = 4, so an
 * MSU of size 1, 2, 3, 4 weighs 3! = 6, 2! = 2, 1, 1.
 *   r1 a,p,1,u  r2 a,p,1,u (duplicates: no MSU)
 *   r3 a,q,1,u  {X,Y} (q,1 only r3); {W,X,Z} (a,q,u: r7 has v; pairs (a,q) 2, (a,u) 3, (q,u) 2)
 *               score 2 + 1 = 3
 *   r4 b,q,2,u  {W,X}, {W,Z}, {Y,Z}; every triple holds one of them: score 6
 *   r5 b,p,2,v  {W,X}, {W,Z}, {X,Y}, {X,Z} ({Y,Z} = (2,v) is r5 and r6): score 8
 *   r6 c,q,2,v  {W} (c only r6); {X,Y,Z} (pairs (q,2) r4 r6, (q,v) r6 r7, (2,v) r5 r6): 6 + 1 = 7
 *   r7 a,q,,v   Y missing: {W,Z} (a,v only r7; (a,q) r3 r7, (q,v) r6 r7): score 2
 * MSUs by size: 1, 9, 2, 0; 5 records; score sum 26, max 8.
 * Contributions: W 6+1+2+2+2+2+2 = 17, X 1+2+1+2+2+2+2 = 12, Y 1+2+2+2 = 7, Z 1+1+2+2+2+2+2 =
 * 12, over 26: 65.3846%, 46.1538%, 26.9231%, 46.1538%.
 * DIS: U = 5, P = 2, f = 0.01: U/Dis - U = P(1-f)/f = 198; Q = 1 + (8-4)/20 = 1.2;
 * A = 3^-1.2 + 6^-1.2 + 8^-1.2 + 7^-1.2 + 2^-1.2 = 0.998597792; DIS(s) = 1/(1 + 198/(s^1.2 A)):
 * 2 -> 0.0114540290, 3 -> 0.0184995607, 6 -> 0.0415046652, 7 -> 0.0495205859, 8 -> 0.0576307788.
 * (Dis in float32 as sdcMicro moves these by about 1e-8 relative.)
 */
static const char SMALL[] = "W,X,Y,Z\n"
                            "a,p,1,u\na,p,1,u\na,q,1,u\nb,q,2,u\nb,p,2,v\nc,q,2,v\na,q,,v\n";

static void test_hand(void **state)
{
    (void)state;
    reid_analysis *a = run_suda2("W,X,Y,Z", SMALL, 0, 0);
    const reid_suda2 *s = reid_suda2_get(a);
    assert_non_null(s);
    assert_int_equal(s->records_with_msu, 5);
    assert_int_equal(s->msu_by_size[1], 1);
    assert_int_equal(s->msu_by_size[2], 9);
    assert_int_equal(s->msu_by_size[3], 2);
    assert_int_equal(s->msu_by_size[4], 0);
    assert_double_near(s->score_sum, 26);
    assert_double_near(s->score_max, 8);
    assert_double_near(s->score_mean, 26.0 / 7);
    assert_double_near(s->attribute_contributions[0], 1700.0 / 26);
    assert_double_near(s->attribute_contributions[1], 1200.0 / 26);
    assert_double_near(s->attribute_contributions[2], 700.0 / 26);
    assert_double_near(s->attribute_contributions[3], 1200.0 / 26);
    recs R = {0};
    assert_int_equal(reid_suda2_records(a, take, &R), REID_OK);
    static const double score[] = {3, 6, 8, 7, 2};
    static const double dis[] = {0.0184995607, 0.0415046652, 0.0576307788, 0.0495205859,
                                 0.0114540290};
    assert_int_equal(R.n, 5);
    double sum = 0;
    for (size_t i = 0; i < 5; i++) {
        assert_int_equal(R.r[i].record, i + 3);
        assert_double_near(R.r[i].score, score[i]);
        assert_near(R.r[i].dis, dis[i], 1e-6 * dis[i]);
        sum += dis[i];
    }
    assert_near(s->dis_mean, sum / 7, 1e-6 * sum / 7);
    assert_near(s->dis_max, 0.0576307788, 1e-6 * 0.0576307788);
    reid_analysis_free(a);
}

/* The same table with MSUs of at most 2 QIs: r3 loses {W,X,Z}, r6 loses {X,Y,Z}. */
static void test_max_size(void **state)
{
    (void)state;
    reid_analysis *a = run_suda2("W,X,Y,Z", SMALL, 2, 0);
    const reid_suda2 *s = reid_suda2_get(a);
    assert_int_equal(s->max_msu_size, 2);
    assert_int_equal(s->msu_by_size[1], 1);
    assert_int_equal(s->msu_by_size[2], 9);
    assert_double_near(s->score_sum, 24); /* the weights stay (M - size)! with M = 4 */
    assert_int_equal(s->records_with_msu, 5);
    reid_analysis_free(a);
    a = run_suda2("W,X,Y,Z", SMALL, 1, 0);
    s = reid_suda2_get(a);
    assert_int_equal(s->records_with_msu, 1);
    assert_double_near(s->score_sum, 6);
    reid_analysis_free(a);
}

/* No class of exactly 2 (P = 0): every record with an MSU has DIS 1. Two QIs: M = 3, an MSU of
 * size 1 weighs 2, of size 2 weighs 1. x = 1 is unique: {x} (2); (2,b) and (3,b): x = 2 and 3
 * appear twice... rows: (1,a) (2,a) (2,b) (3,a) (3,a) (3,a). (1,a): {x} -> 2. (2,b): {x,y}: x=2
 * twice, y=b once -> {y} -> 2. (2,a): x=2 twice, y=a four times, (2,a) once -> {x,y} -> 1. */
static void test_no_pairs(void **state)
{
    (void)state;
    reid_analysis *a = run_suda2("x,y", "x,y\n1,a\n2,a\n2,b\n3,a\n3,a\n3,a\n", 0, 0);
    const reid_suda2 *s = reid_suda2_get(a);
    assert_int_equal(s->columns, 3);
    assert_int_equal(s->pair_records, 0);
    assert_int_equal(s->unique_records, 3);
    assert_int_equal(s->records_with_msu, 3);
    assert_double_near(s->score_sum, 5);
    assert_double_near(s->dis_max, 1);
    assert_double_near(s->dis_mean, 3.0 / 6);
    assert_int_equal(s->dis_band_records[REID_SUDA2_NDIS_BANDS - 1], 3);
    reid_analysis_free(a);
}

/* ---- the search against brute force ---- */

/* A set of MSUs of one class: bit S of the 256 = S is an MSU (up to 8 QIs). */
typedef struct mset {
    uint64_t w[4];
} mset;

typedef struct found {
    mset *set; /* per class */
} found;

static void collect(uint64_t ci, uint32_t mask, void *user)
{
    found *F = user;
    assert_true(mask < 256);
    assert_false(F->set[ci].w[mask / 64] >> mask % 64 & 1); /* each MSU once */
    F->set[ci].w[mask / 64] |= 1ull << mask % 64;
}

/* Records (sum of sizes) matching class c on the QIs of mask; missing never matches. */
static uint64_t support(const reid_classtable *t, uint64_t c, uint32_t mask)
{
    const uint32_t *k = reid_classtable_key(t, c);
    uint64_t n = 0;
    for (uint64_t d = 0; d < t->nclasses; d++) {
        const uint32_t *o = reid_classtable_key(t, d);
        int ok = 1;
        for (unsigned j = 0; ok && j < t->q; j++)
            if (mask >> j & 1) ok = k[j] != 0 && o[j] == k[j];
        if (ok) n += t->sizes[d];
    }
    return n;
}

static mset brute(const reid_classtable *t, uint64_t c, unsigned max_size)
{
    const uint32_t *k = reid_classtable_key(t, c);
    mset set = {{0}};
    for (uint32_t m = 1; m < 1u << t->q; m++) {
        if ((unsigned)__builtin_popcount(m) > max_size) continue;
        int present = 1;
        for (unsigned j = 0; j < t->q; j++)
            if (m >> j & 1 && k[j] == 0) present = 0;
        if (!present || support(t, c, m) != 1) continue;
        int minimal = 1; /* every subset one QI smaller is shared (it suffices) */
        for (unsigned j = 0; minimal && j < t->q; j++)
            if (m >> j & 1 && (m & ~(1u << j)) && support(t, c, m & ~(1u << j)) < 2) minimal = 0;
        if (minimal) set.w[m / 64] |= 1ull << m % 64;
    }
    return set;
}

static void test_brute_force(void **state)
{
    (void)state;
    srand(20261125);
    for (int round = 0; round < 600; round++) {
        /* up to 6 QIs the search keeps a row's MSUs as a 64-bit set, above as lists */
        unsigned q = 1 + (unsigned)rand() % 8;
        unsigned rows = 1 + (unsigned)rand() % 40;
        uint32_t nv[8];
        for (unsigned j = 0; j < q; j++)
            nv[j] = 2 + (uint32_t)rand() % (round % 3 == 0 ? 3 : 8);
        reid_classtable t;
        assert_int_equal(reid_classtable_init(&t, q), 0);
        for (unsigned r = 0; r < rows; r++) {
            uint32_t key[8];
            for (unsigned j = 0; j < q; j++) {
                key[j] = 1 + (uint32_t)rand() % (nv[j] - 1);
                if (rand() % 10 == 0) key[j] = 0; /* missing */
            }
            assert_int_equal(reid_classtable_add(&t, key, 1 + (rand() % 5 == 0)), 0);
        }
        unsigned max_size = round % 4 == 0 ? 1 + (unsigned)rand() % q : 0;
        found F = {0};
        F.set = calloc(t.nclasses, sizeof *F.set);
        assert_non_null(F.set);
        assert_int_equal(reid_suda2_search(&t, nv, max_size, collect, &F), 0);
        for (uint64_t c = 0; c < t.nclasses; c++) {
            mset want = brute(&t, c, max_size ? max_size : q);
            if (memcmp(&F.set[c], &want, sizeof want) != 0) {
                print_error("round %d (q %u) class %llu: search and brute force differ\n", round, q,
                            (unsigned long long)c);
                fail();
            }
            if (t.sizes[c] > 1) assert_int_equal(F.set[c].w[0] | F.set[c].w[1], 0);
        }
        free(F.set);
        reid_classtable_free(&t);
    }
}

/* Results in class order, one class' MSUs together. */
typedef struct order_check {
    uint64_t last;
    int any;
    uint64_t done[64];
} order_check;

static void check_order(uint64_t ci, uint32_t mask, void *user)
{
    order_check *o = user;
    (void)mask;
    if (o->any) assert_true(ci >= o->last);
    o->any = 1;
    o->last = ci;
}

static void test_order(void **state)
{
    (void)state;
    reid_classtable t;
    assert_int_equal(reid_classtable_init(&t, 3), 0);
    uint32_t keys[][3] = {{1, 1, 1}, {1, 2, 1}, {2, 1, 2}, {3, 1, 1}, {1, 1, 2}, {2, 2, 1}};
    for (size_t i = 0; i < 6; i++)
        assert_int_equal(reid_classtable_add(&t, keys[i], 1), 0);
    uint32_t nv[3] = {4, 3, 3};
    order_check o = {0};
    assert_int_equal(reid_suda2_search(&t, nv, 0, check_order, &o), 0);
    assert_true(o.any);
    reid_classtable_free(&t);
}

static void test_errors(void **state)
{
    (void)state;
    reid_config *cfg = reid_config_new();
    assert_int_equal(reid_config_set_suda2_dis_fraction(cfg, 0), REID_ERR_CONFIG);
    assert_contains(reid_config_error(cfg), "DIS-SUDA sampling fraction");
    assert_int_equal(reid_config_set_suda2_dis_fraction(cfg, 1.5), REID_ERR_CONFIG);
    assert_int_equal(reid_config_set_suda2_dis_fraction(cfg, NAN), REID_ERR_CONFIG);
    assert_int_equal(reid_config_set_suda2_dis_fraction(cfg, 1), REID_OK);
    reid_config_free(cfg);
    /* without SUDA2: no figures, no records */
    cfg = cfg_qis("A,B,C");
    reid_analysis *a = run_csv(cfg, TVS3);
    reid_config_free(cfg);
    assert_null(reid_suda2_get(a));
    size_t n = 1;
    assert_null(reid_suda2_scores(a, &n));
    assert_int_equal(n, 0);
    recs R = {0};
    assert_int_equal(reid_suda2_records(a, take, &R), REID_ERR_STATE);
    reid_analysis_free(a);
    /* SUDA2 without positions: figures, but no records */
    cfg = cfg_qis("A,B,C");
    reid_config_set_suda2(cfg, 1);
    a = run_csv(cfg, TVS3);
    reid_config_free(cfg);
    assert_non_null(reid_suda2_get(a));
    assert_int_equal(reid_suda2_records(a, take, &R), REID_ERR_STATE);
    /* a merge with an analysis that keeps positions is refused */
    reid_analysis *b = run_suda2("A,B,C", TVS3, 0, 0);
    assert_int_equal(reid_merge(a, b), REID_ERR_CONFIG);
    assert_contains(reid_error_message(a), "record positions");
    reid_analysis_free(a);
    reid_analysis_free(b);
    /* more than 32 QIs */
    char head[400] = "", row[400] = "", qis[400] = "";
    for (int j = 0; j < 33; j++) {
        char c[16];
        snprintf(c, sizeof c, "%sc%d", j ? "," : "", j);
        strcat(head, c);
        strcat(qis, c);
        strcat(row, j ? ",1" : "1");
    }
    char csv[1000];
    snprintf(csv, sizeof csv, "%s\n%s\n", head, row);
    cfg = cfg_qis(qis);
    reid_config_set_suda2(cfg, 1);
    a = run_csv(cfg, csv);
    reid_config_free(cfg);
    assert_int_equal(reid_status_of(a), REID_ERR_CONFIG);
    assert_contains(reid_error_message(a), "at most 32 quasi-identifiers");
    reid_analysis_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tvs3),        cmocka_unit_test(test_hand),
        cmocka_unit_test(test_max_size),    cmocka_unit_test(test_no_pairs),
        cmocka_unit_test(test_brute_force), cmocka_unit_test(test_order),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
