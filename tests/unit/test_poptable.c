/*
 * test_poptable.c - journalist and marketer risk from a population table (lib/poptable.h,
 * lib/censusmap.h, docs/population-table.md): the census mapping functions on hand-picked
 * values, two hand-computed tables (exact and coarser, tests/fixtures/README.md), ARX's journalist
 * success rate when the per-person average is the larger, the built-in table and one sector's
 * counts checked by hand against the census files, thread counts, merge, errors.
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
#include "censusmap.h"
#include "poptable.h"
#include "reid.h"
#include "unit_helpers.h"

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    assert_non_null(s);
    assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = 0;
    fclose(f);
    return s;
}

static const char *fx(const char *name)
{
    static char buf[4][1024];
    static int next;
    char *p = buf[next++ % 4];
    snprintf(p, 1024, "%s/%s", REID_FIXTURES, name);
    return p;
}

/* The extract in fixture `sample` against population table `table`, with these QIs. */
static reid_analysis *run_pt(const char *qis, const char *table, const char *sample,
                             unsigned threads)
{
    reid_config *cfg = cfg_qis(qis);
    assert_int_equal(reid_config_set_population_table(cfg, table), REID_OK);
    if (threads) assert_int_equal(reid_config_set_threads(cfg, threads), REID_OK);
    char *csv = slurp(fx(sample));
    reid_analysis *a = run_csv(cfg, csv);
    free(csv);
    reid_config_free(cfg);
    return a;
}

/* ---- the mapping functions ---- */

static void test_postcode_sector(void **state)
{
    (void)state;
    char out[REID_SECTOR_MAX];
    size_t n = reid_postcode_sector("SW1A 1AA", 8, out);
    assert_int_equal(n, 6);
    assert_memory_equal(out, "SW1A 1", 6);
    n = reid_postcode_sector(" sw1a1aa ", 9, out); /* read as a postcode first */
    assert_int_equal(n, 6);
    assert_memory_equal(out, "SW1A 1", 6);
    n = reid_postcode_sector("AL1 1AB", 7, out);
    assert_int_equal(n, 5);
    assert_memory_equal(out, "AL1 1", 5);
    n = reid_postcode_sector("E1 6AN", 6, out);
    assert_int_equal(n, 4);
    assert_memory_equal(out, "E1 6", 4);
    n = reid_postcode_sector("M11AE", 5, out); /* M1 1AE */
    assert_int_equal(n, 4);
    assert_memory_equal(out, "M1 1", 4);
    assert_int_equal(reid_postcode_sector("SW1A", 4, out), 0);   /* outward code only */
    assert_int_equal(reid_postcode_sector("SW1A 1", 6, out), 0); /* a sector is not a postcode */
    assert_int_equal(reid_postcode_sector("NOTAPOSTCODE", 12, out), 0);
    assert_int_equal(reid_postcode_sector("", 0, out), 0);
    n = reid_postcode_district("SW1A 1AA", 8, out);
    assert_int_equal(n, 4);
    assert_memory_equal(out, "SW1A", 4);
    n = reid_postcode_district("e16an", 5, out);
    assert_int_equal(n, 2);
    assert_memory_equal(out, "E1", 2);
    assert_int_equal(reid_postcode_district("E1", 2, out), 0);
    char c[16];
    n = reid_sector_canonical(" al1  1 ", 8, c); /* the census files' padded form */
    assert_int_equal(n, 5);
    assert_memory_equal(c, "AL1 1", 5);
}

static void test_age_bands(void **state)
{
    (void)state;
    /* the band edges of KS102EW: 0-4, 5-7, 8-9, 10-14, 15, 16-17, 18-19, 20-24, 25-29, 30-44,
     * 45-59, 60-64, 65-74, 75-84, 85-89, 90+ */
    static const struct {
        const char *age;
        const char *band;
    } cases[] = {
        {"0", "0-4"},    {"4", "0-4"},    {"5", "5-7"},     {"7", "5-7"},    {"8", "8-9"},
        {"9", "8-9"},    {"10", "10-14"}, {"14", "10-14"},  {"15", "15"},    {"16", "16-17"},
        {"17", "16-17"}, {"18", "18-19"}, {"19", "18-19"},  {"20", "20-24"}, {"24", "20-24"},
        {"25", "25-29"}, {"29", "25-29"}, {"30", "30-44"},  {"44", "30-44"}, {"45", "45-59"},
        {"59", "45-59"}, {"60", "60-64"}, {"64", "60-64"},  {"65", "65-74"}, {"74", "65-74"},
        {"75", "75-84"}, {"84", "75-84"}, {"85", "85-89"},  {"89", "85-89"}, {"90", "90+"},
        {"101", "90+"},  {"150", "90+"},  {"042", "30-44"}, {" 7 ", "5-7"}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        int b = reid_census_age_band(cases[i].age, strlen(cases[i].age));
        if (b < 0 || strcmp(reid_census_band_label(b), cases[i].band) != 0) {
            print_error("age '%s': band %s, expected %s\n", cases[i].age,
                        b < 0 ? "none" : reid_census_band_label(b), cases[i].band);
            fail();
        }
        assert_int_equal(reid_census_band_of_label(cases[i].band, strlen(cases[i].band)), b);
    }
    static const char *const bad[] = {"", "-1", "4.5", "abc", "151", "99999999999", "1e2"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(reid_census_age_band(bad[i], strlen(bad[i])), -1);
    assert_int_equal(reid_census_band_of_label("91+", 3), -1);
    assert_int_equal(reid_census_band_of_label("5 - 7", 5), -1);
    assert_null(reid_census_band_label(REID_CENSUS_NBANDS));
}

static void test_sex_mf(void **state)
{
    (void)state;
    static const char *const m[] = {"M", "m", "Male", "MALE", " male ", "1"};
    static const char *const f[] = {"F", "f", "Female", "FEMALE", "2"};
    static const char *const other[] = {"", "X", "U", "0", "9", "Unknown", "Ma", "11", "mf"};
    for (size_t i = 0; i < sizeof m / sizeof *m; i++)
        assert_int_equal(reid_sex_mf(m[i], strlen(m[i])), 'M');
    for (size_t i = 0; i < sizeof f / sizeof *f; i++)
        assert_int_equal(reid_sex_mf(f[i], strlen(f[i])), 'F');
    for (size_t i = 0; i < sizeof other / sizeof *other; i++)
        assert_int_equal(reid_sex_mf(other[i], strlen(other[i])), 0);
}

/* ---- hand-computed tables (tests/fixtures/README.md, "Population table") ---- */

/*
 * poptable_sample.csv against poptable_exact.csv, QIs town,sex,age (exact).
 * Table: A/M/30 10 + 5 (the row "A,m,030,5" normalises to the same cell) = 15; A/F/30 1;
 * B/M/40 1; B/F/50 3; D/F/20 7: 5 cells, 27 people.
 * Extract: A/M/30 x3, A/F/30, B/M/40 x2, B/F/50, C/M/60, A/(missing)/30: n = 9.
 * The missing sex cannot be placed: unmatched 1 class, 1 record; placed n' = 8 in 5 cells.
 * F' = max(F, f): A/M/30 15, A/F/30 1, B/M/40 max(1, 2) = 2 (below sample), B/F/50 3,
 * C/M/60 max(0, 1) = 1 (not in the table).
 * highest = 1/1, held by A/F/30 and C/M/60: 2 records.
 * sum f/F' = 3/15 + 1/1 + 2/2 + 1/3 + 1/1 = 53/15; marketer = 53/15 / 8 = 53/120.
 * per person = 5 / (15 + 1 + 2 + 3 + 1) = 5/22 < 53/120: journalist average = 53/120.
 * at risk (F' < 5): A/F/30 1 + B/M/40 2 + B/F/50 1 + C/M/60 1 = 5 of 8.
 * population uniques in the extract (F = 1, f = 1): A/F/30 only = 1.
 */
static void check_exact(const reid_analysis *a)
{
    assert_analysis_ok(a);
    const reid_population_table *t = reid_population_table_get(a);
    assert_non_null(t);
    assert_int_equal(t->cells, 5);
    assert_int_equal(t->people, 27);
    assert_int_equal(t->coarser, 0);
    assert_int_equal(t->records_placed, 8);
    assert_int_equal(t->cells_used, 5);
    assert_double_near(t->journalist_highest, 1.0);
    assert_int_equal(t->journalist_highest_records, 2);
    assert_double_near(t->marketer, 53.0 / 120);
    assert_double_near(t->journalist_average, 53.0 / 120);
    assert_int_equal(t->records_at_risk, 5);
    assert_double_near(t->records_at_risk_fraction, 5.0 / 8);
    assert_int_equal(t->population_uniques_in_sample, 1);
    assert_int_equal(t->unmatched_classes, 1);
    assert_int_equal(t->unmatched_records, 1);
    assert_int_equal(t->absent_classes, 1);
    assert_int_equal(t->absent_records, 1);
    assert_int_equal(t->below_sample_cells, 1);
    assert_int_equal(t->below_sample_records, 2);
    assert_null(t->assumption);
    assert_null(t->title);
    const reid_poptable_mapping *m = reid_population_table_mapping(a, 1);
    assert_non_null(m);
    assert_string_equal(m->qi, "sex");
    assert_string_equal(m->level, "exact");
    assert_int_equal(m->unmatched_records, 1);
    assert_int_equal(reid_population_table_mapping(a, 0)->unmatched_records, 0);
    assert_null(reid_population_table_mapping(a, 3));
}

static void test_exact(void **state)
{
    (void)state;
    for (unsigned threads = 1; threads <= 2; threads++) {
        reid_analysis *a =
            run_pt("town,sex,age", fx("poptable_exact.csv"), "poptable_sample.csv", threads);
        check_exact(a);
        reid_analysis_free(a);
    }
}

/*
 * poptable_coarse_sample.csv against poptable_coarse.csv (postcode:sector, sex:mf,
 * age:census-band). Table: SW1A 1/M/30-44 40 ("SW1A  1" padded as in the census files),
 * SW1A 2/F/5-7 2, E1 6/M/90+ 3 (written "e1 6,Male"), E1 6/F/90+ 1: 4 cells, 46 people.
 * Extract (n = 10): SW1A 1AA M 31 and sw1a1ab Male 44 -> SW1A 1/M/30-44 (f = 2, two classes);
 * SW1A 2AA F 7 and SW1A 2AB 2 6 -> SW1A 2/F/5-7 (f = 2); E1 6AN 1 90 and E1 6AN M 101 ->
 * E1 6/M/90+ (f = 2); E1 6AB F 95 -> E1 6/F/90+ (f = 1); unmatched: NOTAPOSTCODE (postcode),
 * sex X (sex), age abc (age): 3 classes, 3 records. n' = 7 in 4 cells.
 * highest = 1/1 (E1 6/F/90+), 1 record. sum f/F = 2/40 + 2/2 + 2/3 + 1/1 = 163/60;
 * marketer = 163/60 / 7 = 163/420; per person 4/46 < 163/420. At risk (F < 5): 2 + 2 + 1 = 5
 * of 7. Population uniques in the extract: 1.
 */
static void check_coarse(const reid_analysis *a)
{
    assert_analysis_ok(a);
    const reid_population_table *t = reid_population_table_get(a);
    assert_non_null(t);
    assert_int_equal(t->cells, 4);
    assert_int_equal(t->people, 46);
    assert_int_equal(t->coarser, 1);
    assert_int_equal(t->records_placed, 7);
    assert_int_equal(t->cells_used, 4);
    assert_double_near(t->journalist_highest, 1.0);
    assert_int_equal(t->journalist_highest_records, 1);
    assert_double_near(t->marketer, 163.0 / 420);
    assert_double_near(t->journalist_average, 163.0 / 420);
    assert_int_equal(t->records_at_risk, 5);
    assert_double_near(t->records_at_risk_fraction, 5.0 / 7);
    assert_int_equal(t->population_uniques_in_sample, 1);
    assert_int_equal(t->unmatched_classes, 3);
    assert_int_equal(t->unmatched_records, 3);
    assert_int_equal(t->absent_classes, 0);
    assert_int_equal(t->below_sample_cells, 0);
    static const char *const levels[] = {"sector", "mf", "census-band"};
    for (size_t i = 0; i < 3; i++) {
        const reid_poptable_mapping *m = reid_population_table_mapping(a, i);
        assert_string_equal(m->level, levels[i]);
        assert_int_equal(m->unmatched_records, 1);
    }
    assert_string_equal(reid_population_table_mapping(a, 0)->column, "postcode:sector");
    assert_int_equal(reid_summary_get(a)->classes, 10); /* the extract's own classes */
}

static void test_coarse(void **state)
{
    (void)state;
    reid_analysis *a =
        run_pt("postcode,sex,age", fx("poptable_coarse.csv"), "poptable_coarse_sample.csv", 0);
    check_coarse(a);
    a->poptable->dense_max = 1; /* through the hash table */
    assert_int_equal(reid_pt_compute(a->poptable, &a->table, a->dicts, 5), 0);
    check_coarse(a);
    reid_analysis_free(a);
}

static char *write_temp(const char *text)
{
    char *path = strdup("/tmp/reid_poptable_XXXXXX");
    assert_non_null(path);
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
    return path;
}

/*
 * ARX's journalist success rate is max(u / sum F, sum(f/F) / n). Extract X x1, Y x9; table X 2,
 * Y 10: u / sum F = 2/12 = 1/6; sum f/F / n = (1/2 + 9/10) / 10 = 0.14. Average = 1/6,
 * marketer = 0.14; highest 1/2 (1 record); at risk (F < 5) 1 of 10.
 */
static void test_journalist_average(void **state)
{
    (void)state;
    char *table = write_temp("g,count\nX,2\nY,10\n");
    reid_config *cfg = cfg_qis("g");
    assert_int_equal(reid_config_set_population_table(cfg, table), REID_OK);
    reid_analysis *a = run_csv(cfg, "g\nX\nY\nY\nY\nY\nY\nY\nY\nY\nY\n");
    assert_analysis_ok(a);
    const reid_population_table *t = reid_population_table_get(a);
    assert_double_near(t->journalist_average, 1.0 / 6);
    assert_double_near(t->marketer, 0.14);
    assert_double_near(t->journalist_highest, 0.5);
    assert_int_equal(t->journalist_highest_records, 1);
    assert_int_equal(t->records_at_risk, 1);
    assert_int_equal(t->population_uniques_in_sample, 0);
    /* when the extract is the whole population (F = f), every figure is the prosecutor's */
    reid_analysis_free(a);
    remove(table);
    free(table);
    table = write_temp("g,count\nX,1\nY,9\n");
    assert_int_equal(reid_config_set_population_table(cfg, table), REID_OK);
    a = run_csv(cfg, "g\nX\nY\nY\nY\nY\nY\nY\nY\nY\nY\n");
    assert_analysis_ok(a);
    t = reid_population_table_get(a);
    const reid_summary *s = reid_summary_get(a);
    assert_double_near(t->marketer, s->prosecutor_average); /* u / n = 2/10 */
    assert_double_near(t->journalist_average, 0.2);
    assert_double_near(t->journalist_highest, s->prosecutor_highest);
    assert_int_equal(t->records_at_risk, s->records_at_risk);
    assert_int_equal(t->population_uniques_in_sample, s->uniques);
    reid_analysis_free(a);
    reid_config_free(cfg);
    remove(table);
    free(table);
}

/*
 * A table column that is no QI is added up over. Table g,h: X/a 2, X/b 3, Y/a 10; QI g only:
 * cells X 5, Y 10. Extract X, Y, Y: sum f/F = 1/5 + 2/10 = 0.4; marketer = 0.4 / 3; highest 1/5;
 * u'/sum F = 2/15 = 0.4/3 too.
 */
static void test_summed_over(void **state)
{
    (void)state;
    char *table = write_temp("g,h,count\nX,a,2\nX,b,3\nY,a,10\n");
    reid_config *cfg = cfg_qis("g");
    assert_int_equal(reid_config_set_population_table(cfg, table), REID_OK);
    reid_analysis *a = run_csv(cfg, "g\nX\nY\nY\n");
    assert_analysis_ok(a);
    const reid_population_table *t = reid_population_table_get(a);
    assert_int_equal(t->cells, 2);
    assert_int_equal(t->people, 15);
    assert_double_near(t->marketer, 0.4 / 3);
    assert_double_near(t->journalist_average, 2.0 / 15);
    assert_double_near(t->journalist_highest, 0.2);
    assert_string_equal(reid_population_table_summed(a, 0), "h");
    assert_null(reid_population_table_summed(a, 1));
    reid_analysis_free(a);
    /* no record can be placed (every g missing or unknown to the table's level): no figure */
    a = run_csv(cfg, "g\nNA\n\"\"\n");
    assert_analysis_ok(a);
    t = reid_population_table_get(a);
    assert_int_equal(t->records_placed, 0);
    assert_int_equal(t->unmatched_records, 2);
    assert_true(isnan(t->marketer) && isnan(t->journalist_highest));
    assert_true(isnan(t->journalist_average) && isnan(t->records_at_risk_fraction));
    char *txt;
    reid_status st;
    txt = report_to_string(a, 1, &st);
    assert_int_equal(st, REID_OK);
    assert_contains(txt, "\"marketer\": null");
    free(txt);
    txt = report_to_string(a, 0, &st);
    assert_contains(txt, "No record could be placed in the table, so there are no figures.");
    free(txt);
    reid_analysis_free(a);
    reid_config_free(cfg);
    remove(table);
    free(table);
}

/* The two runs' figures must match after merging two halves of the exact example. */
static void test_merge(void **state)
{
    (void)state;
    reid_config *cfg = cfg_qis("town,sex,age");
    assert_int_equal(reid_config_set_population_table(cfg, fx("poptable_exact.csv")), REID_OK);
    reid_analysis *a =
        run_csv(cfg, "id,town,sex,age\n1,A,M,30\n2,A,M,30\n3,A,M,30\n4,A,F,30\n5,B,M,40\n");
    reid_analysis *b = run_csv(cfg, "id,town,sex,age\n6,B,M,40\n7,B,F,50\n8,C,M,60\n9,A,,30\n");
    assert_analysis_ok(a);
    assert_analysis_ok(b);
    assert_int_equal(reid_merge(a, b), REID_OK);
    check_exact(a);
    reid_analysis_free(a);
    reid_analysis_free(b);
    reid_config_free(cfg);
}

/* ---- the built-in table ---- */

/* Count of one cell of the built-in table (0 if absent). */
static uint64_t cell(const reid_poptable *pt, const char *sector, const char *sex, const char *band)
{
    const char *v[3] = {sector, sex, band};
    uint32_t key[3];
    for (int j = 0; j < 3; j++)
        if (!reid_dict_find(&pt->dicts[j], v[j], strlen(v[j]), &key[j])) return 0;
    int64_t c = reid_classtable_find(&pt->cells, key);
    return c < 0 ? 0 : pt->cells.sizes[c];
}

/*
 * Sector AL1 1 in the census files: KS101EW 5,453 residents, 2,715 males, 2,738 females;
 * KS102EW bands 432, 166, 87, 199, 45, 88, 61, 234, 479, 1660, 1001, 279, 368, 245, 67, 42.
 * males = round(B x 2715 / 5453):
 *   0-4: 432 x 2715 / 5453 = 1,172,880 / 5453 = 215.09 -> 215 males, 217 females;
 *   5-7: 166 x 2715 / 5453 = 82.65 -> 83 males, 83 females;
 *   30-44: 1660 x 2715 / 5453 = 4,506,900 / 5453 = 826.4992 -> 826 males, 834 females
 *     (just under a half: rounded down);
 *   90+: 42 x 2715 / 5453 = 20.91 -> 21 males, 21 females.
 * Whole table: 56,075,912 people (the census total, every band kept exactly).
 */
static void test_builtin(void **state)
{
    (void)state;
    reid_error err;
    reid_error_clear(&err);
    char *path = NULL;
    const reid_pt_builtin *b = NULL;
    assert_int_equal(reid_pt_resolve("UK-Census-2011", NULL, 0, &path, &b, &err), 0);
    assert_non_null(b);
    assert_string_equal(b->name, "uk-census-2011");
    assert_contains(path, "uk-census-2011.csv");
    char *names[3] = {"postcode", "sex", "age"};
    reid_qi_type types[3] = {REID_TYPE_POSTCODE, REID_TYPE_SEX, REID_TYPE_AGE};
    reid_missing_set miss;
    assert_int_equal(reid_missing_set_parse(&miss, "NA,N/A,NULL,?"), 0);
    reid_poptable pt;
    assert_int_equal(reid_pt_load(&pt, "uk-census-2011", path, b, names, types, 3, &miss, &err), 0);
    assert_int_equal(pt.people, 56075912);
    assert_int_equal(pt.level[0], REID_PT_SECTOR);
    assert_int_equal(pt.level[1], REID_PT_SEX_MF);
    assert_int_equal(pt.level[2], REID_PT_CENSUS_BAND);
    assert_int_equal(cell(&pt, "AL1 1", "M", "0-4"), 215);
    assert_int_equal(cell(&pt, "AL1 1", "F", "0-4"), 217);
    assert_int_equal(cell(&pt, "AL1 1", "M", "5-7"), 83);
    assert_int_equal(cell(&pt, "AL1 1", "F", "5-7"), 83);
    assert_int_equal(cell(&pt, "AL1 1", "M", "30-44"), 826);
    assert_int_equal(cell(&pt, "AL1 1", "F", "30-44"), 834);
    assert_int_equal(cell(&pt, "AL1 1", "M", "90+"), 21);
    assert_int_equal(cell(&pt, "AL1 1", "F", "90+"), 21);
    /* every band of AL1 1 keeps its census total */
    static const uint64_t ks102[REID_CENSUS_NBANDS] = {432, 166,  87,   199, 45,  88,  61, 234,
                                                       479, 1660, 1001, 279, 368, 245, 67, 42};
    uint64_t all = 0;
    for (int i = 0; i < REID_CENSUS_NBANDS; i++) {
        const char *band = reid_census_band_label(i);
        uint64_t m = cell(&pt, "AL1 1", "M", band), f = cell(&pt, "AL1 1", "F", band);
        assert_int_equal(m + f, ks102[i]);
        all += m + f;
    }
    assert_int_equal(all, 5453);
    reid_pt_free(&pt);
    reid_missing_set_free(&miss);
    free(path);
    /* a directory given first is searched first; an unknown name is a path */
    reid_error_clear(&err);
    char *dirs[1] = {"/nonexistent-dir"};
    assert_int_equal(reid_pt_resolve("uk-census-2011", dirs, 1, &path, &b, &err), 0);
    assert_null(strstr(path, "/nonexistent-dir"));
    free(path);
    assert_int_equal(reid_pt_resolve("my-table.csv", NULL, 0, &path, &b, &err), 0);
    assert_null(b);
    assert_string_equal(path, "my-table.csv");
    free(path);
}

/* The built-in table on the sample extract through the public API: the mapping is reported. */
static void test_builtin_api(void **state)
{
    (void)state;
    reid_config *cfg = cfg_qis("postcode,sex,age");
    assert_int_equal(reid_config_set_population_table(cfg, "uk-census-2011"), REID_OK);
    reid_analysis *a = run_csv(cfg, "postcode,sex,age\nAL1 1AA,M,2\nAL1 1AB,Female,33\n"
                                    "AL1 1AB,F,40\nZZ9 9ZZ,F,40\n");
    assert_analysis_ok(a);
    const reid_population_table *t = reid_population_table_get(a);
    assert_non_null(t->assumption);
    assert_contains(t->assumption, "sex ratio");
    assert_non_null(t->attribution);
    assert_contains(t->attribution, "Open Government Licence");
    /* AL1 1/M/0-4: F = 215, f = 1; AL1 1/F/30-44: F = 834, f = 2; ZZ9 9 is no sector of England
     * and Wales: F = 0, f = 1 -> F' = 1. sum f/F' = 1/215 + 2/834 + 1; n' = 4. */
    assert_int_equal(t->records_placed, 4);
    assert_int_equal(t->absent_classes, 1);
    assert_double_near(t->marketer, (1.0 / 215 + 2.0 / 834 + 1) / 4);
    assert_double_near(t->journalist_highest, 1.0);
    char *txt;
    reid_status st;
    txt = report_to_string(a, 0, &st);
    assert_int_equal(st, REID_OK);
    assert_contains(txt, "postcode -> postcode sector");
    assert_contains(txt, "sex ratio holds in every age band");
    assert_not_contains(txt, "AL1 1A"); /* no value of any record */
    assert_not_contains(txt, "ZZ9");
    free(txt);
    reid_analysis_free(a);
    reid_config_free(cfg);
}

/* Both placements (dense codes, hash table) agree on the sample extract with the census table. */
static void test_paths_agree(void **state)
{
    (void)state;
    char path[1024];
    snprintf(path, sizeof path, "%s/../../data/sample-extract.csv", REID_FIXTURES);
    char *csv = slurp(path);
    reid_config *cfg = cfg_qis("postcode,sex,age");
    assert_int_equal(reid_config_set_population_table(cfg, "uk-census-2011"), REID_OK);
    reid_analysis *a = run_csv(cfg, csv);
    assert_analysis_ok(a);
    reid_population_table d = *reid_population_table_get(a);
    assert_true(d.records_placed > 9000);
    uint64_t unmatched[3];
    for (size_t j = 0; j < 3; j++)
        unmatched[j] = reid_population_table_mapping(a, j)->unmatched_records;
    a->poptable->dense_max = 1;
    assert_int_equal(reid_pt_compute(a->poptable, &a->table, a->dicts, 5), 0);
    const reid_population_table *h = reid_population_table_get(a);
    assert_int_equal(h->records_placed, d.records_placed);
    assert_int_equal(h->cells_used, d.cells_used);
    assert_int_equal(h->journalist_highest_records, d.journalist_highest_records);
    assert_int_equal(h->records_at_risk, d.records_at_risk);
    assert_int_equal(h->population_uniques_in_sample, d.population_uniques_in_sample);
    assert_int_equal(h->unmatched_records, d.unmatched_records);
    assert_int_equal(h->unmatched_classes, d.unmatched_classes);
    assert_int_equal(h->absent_classes, d.absent_classes);
    assert_int_equal(h->below_sample_records, d.below_sample_records);
    assert_double_near(h->journalist_highest, d.journalist_highest);
    assert_double_near(h->journalist_average, d.journalist_average);
    assert_double_near(h->marketer, d.marketer);
    for (size_t j = 0; j < 3; j++)
        assert_int_equal(reid_population_table_mapping(a, j)->unmatched_records, unmatched[j]);
    reid_analysis_free(a);
    reid_config_free(cfg);
    free(csv);
}

/* ---- errors ---- */

static void expect_error(const char *qis, const char *table, const char *csv, reid_status want,
                         const char *msg, uint64_t line, uint64_t column)
{
    reid_config *cfg = cfg_qis(qis);
    assert_int_equal(reid_config_set_population_table(cfg, table), REID_OK);
    reid_analysis *a = run_csv(cfg, csv);
    assert_int_equal(reid_status_of(a), want);
    assert_contains(reid_error_message(a), msg);
    assert_int_equal(reid_error_line(a), line);
    assert_int_equal(reid_error_column(a), column);
    assert_null(reid_population_table_get(a));
    reid_analysis_free(a);
    reid_config_free(cfg);
}

static void test_errors(void **state)
{
    (void)state;
    const char *csv = "id,town,sex,age\n1,A,M,30\n";
    expect_error("town,sex,age", fx("poptable_negative.csv"), csv, REID_ERR_INPUT,
                 "line 3, column 4 (count): the count '-3' is negative", 3, 4);
    expect_error("town,sex,age", fx("poptable_fraction.csv"), csv, REID_ERR_INPUT,
                 "line 3, column 4 (count): the count '2.5' is not a whole number", 3, 4);
    expect_error("town,sex,age", fx("poptable_no_age.csv"), csv, REID_ERR_CONFIG,
                 "no column for the quasi-identifier 'age'", 1, 0);
    expect_error("postcode,sex,age", fx("poptable_bad_band.csv"),
                 "postcode,sex,age\nSW1A 1AA,M,30\n", REID_ERR_INPUT,
                 "line 2, column 3 (age:census-band): '91+' is not a Census 2011 age band", 2, 3);
    expect_error("town,sex,age", "/nonexistent/table.csv", csv, REID_ERR_CONFIG,
                 "cannot open the population table /nonexistent/table.csv", 0, 0);
    struct {
        const char *table, *msg;
        reid_status st;
        uint64_t line, column;
    } cases[] = {
        {"town,sex,age\nA,M,30\n", "no column 'count'", REID_ERR_CONFIG, 1, 0},
        {"town,sex,age,count\nA,M,30,abc\n", "the count 'abc' is not a number", REID_ERR_INPUT, 2,
         4},
        {"town,sex,age,count\nA,M,30,\n", "the count is empty", REID_ERR_INPUT, 2, 4},
        {"town,sex,age,count\nA,M,30,99999999999999999999999\n", "is too large", REID_ERR_INPUT, 2,
         4},
        {"town,sex,age,count\nA,M\n", "line 2: expected 4 fields", REID_ERR_INPUT, 2, 0},
        {"town,sex,age,count\nA,NA,30,4\n", "the value 'NA' is missing", REID_ERR_INPUT, 2, 2},
        {"town,sex:mf,age,count\nA,X,30,4\n", "'X' is not a sex", REID_ERR_INPUT, 2, 2},
        {"town:sector,sex,age,count\nA,M,30,4\n", "needs a quasi-identifier of type postcode",
         REID_ERR_CONFIG, 1, 0},
        {"town,sex:nope,age,count\nA,M,30,4\n", "unknown level 'nope'", REID_ERR_CONFIG, 1, 0},
        {"town,sex,sex,age,count\nA,M,M,30,4\n", "columns 2 and 3 both stand for", REID_ERR_CONFIG,
         1, 0},
        {"town,sex,age,count,count\nA,M,30,4,4\n", "both named 'count'", REID_ERR_CONFIG, 1, 0},
        {"town,sex,age,count\nA,M,30,0\n", "has no cell with a count above 0", REID_ERR_CONFIG, 0,
         0},
        {"", "is empty", REID_ERR_CONFIG, 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *path = write_temp(cases[i].table);
        expect_error("town,sex,age", path, csv, cases[i].st, cases[i].msg, cases[i].line,
                     cases[i].column);
        remove(path);
        free(path);
    }
    /* the setters */
    reid_config *cfg = reid_config_new();
    assert_int_equal(reid_config_add_data_dir(cfg, ""), REID_ERR_CONFIG);
    assert_int_equal(reid_config_set_population_table(cfg, NULL), REID_OK);
    reid_config_free(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_postcode_sector), cmocka_unit_test(test_age_bands),
        cmocka_unit_test(test_sex_mf),          cmocka_unit_test(test_exact),
        cmocka_unit_test(test_coarse),          cmocka_unit_test(test_journalist_average),
        cmocka_unit_test(test_merge),           cmocka_unit_test(test_summed_over),
        cmocka_unit_test(test_builtin),         cmocka_unit_test(test_builtin_api),
        cmocka_unit_test(test_paths_agree),     cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
