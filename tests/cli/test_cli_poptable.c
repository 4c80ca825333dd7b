/*
 * test_cli_poptable.c - --population-table (docs/population-table.md) through the reid-check
 * binary: the hand-computed exact and coarser tables (tests/fixtures/README.md, "Population
 * table"), the built-in uk-census-2011 table on the sample extract, errors and privacy.
 *
 * Usage: test_cli_poptable REID_CHECK TESTS_DIR GROUP (GROUP: poptable)
 */
#include "cli_test.h"

/* The exact table: hand computation in tests/fixtures/README.md and tests/unit/test_poptable.c. */
static void test_poptable_exact(void **state)
{
    (void)state;
    RUN("--qi", "town,sex,age", "--population-table", fixture("poptable_exact.csv"), "-f", "json",
        fixture("poptable_sample.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("population_table.cells", 5);
    JINT("population_table.people", 27);
    JBOOL("population_table.coarser", 0);
    JINT("population_table.records_placed", 8);
    JINT("population_table.cells_used", 5);
    JINT("population_table.threshold_k", 5);
    JREAL("population_table.journalist.highest", 1, 0);
    JINT("population_table.journalist.highest_risk_records", 2);
    JREAL("population_table.journalist.average", 53.0 / 120, 1e-15);
    JINT("population_table.journalist.records_at_risk", 5);
    JREAL("population_table.journalist.records_at_risk_fraction", 0.625, 0);
    JREAL("population_table.marketer", 53.0 / 120, 1e-15);
    JINT("population_table.population_uniques_in_sample", 1);
    JINT("population_table.unmatched.classes", 1);
    JINT("population_table.unmatched.records", 1);
    JINT("population_table.sample_classes_not_in_table.classes", 1);
    JINT("population_table.sample_classes_not_in_table.records", 1);
    JINT("population_table.cells_below_sample.cells", 1);
    JINT("population_table.cells_below_sample.records", 2);
    JNULL("population_table.assumption");
    JNULL("population_table.title");
    json_t *maps = json_object_get(json_object_get(J, "population_table"), "mapping");
    assert_int_equal(json_array_size(maps), 3);
    assert_string_equal(json_string_value(json_object_get(json_array_get(maps, 1), "level")),
                        "exact");
    assert_int_equal(
        json_integer_value(json_object_get(json_array_get(maps, 1), "unmatched_records")), 1);
    /* -k moves the records-at-risk threshold: F' < 3 holds A/F/30, B/M/40, C/M/60: 4 records */
    RUN("--qi", "town,sex,age", "--population-table", fixture("poptable_exact.csv"), "-k", "3",
        "-f", "json", fixture("poptable_sample.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("population_table.journalist.records_at_risk", 4);
    JINT("population_table.threshold_k", 3);
    RUN("--qi", "town,sex,age", "--population-table", fixture("poptable_exact.csv"),
        fixture("poptable_sample.csv"));
    EXPECT_STATUS(0);
    OUT_HAS("Population table (docs/population-table.md)");
    OUT_HAS("It counts 27 people in 5 cells.");
    OUT_HAS("Column 'town' is matched to the table's 'town' as it is.");
    OUT_HAS("1 records have a sex that could not be mapped");
    OUT_HAS("is right with a chance of at most 100% (journalist risk; 2 records are that "
            "exposed).");
    OUT_HAS("5 records (62.50%) are in population cells of fewer than k = 5 people");
    OUT_HAS("1 records belong to someone who is the only person in the population");
    OUT_HAS("would get about 44.2% of them right (marketer risk)");
    OUT_HAS("Warning: 1 classes (1 records) fall in cells the table does not have");
    OUT_HAS("Warning: 1 cells hold more records of the extract than the table has people (2 "
            "records)");
    /* without the option: no section */
    RUN("--qi", "town,sex,age", "-f", "json", fixture("poptable_sample.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    if (json_object_get(J, "population_table")) fail_msg("population_table without the option");
}

/* The coarser table: postcode:sector, sex:mf, age:census-band (hand computation in
 * tests/fixtures/README.md). */
static void test_poptable_coarse(void **state)
{
    (void)state;
    RUN("--qi", "postcode,sex,age", "--population-table", fixture("poptable_coarse.csv"), "-f",
        "json", fixture("poptable_coarse_sample.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    JBOOL("population_table.coarser", 1);
    JINT("population_table.cells", 4);
    JINT("population_table.people", 46);
    JINT("population_table.records_placed", 7);
    JINT("population_table.cells_used", 4);
    JREAL("population_table.journalist.highest", 1, 0);
    JINT("population_table.journalist.highest_risk_records", 1);
    JREAL("population_table.marketer", 163.0 / 420, 1e-15);
    JREAL("population_table.journalist.average", 163.0 / 420, 1e-15);
    JINT("population_table.journalist.records_at_risk", 5);
    JREAL("population_table.journalist.records_at_risk_fraction", 5.0 / 7, 1e-15);
    JINT("population_table.population_uniques_in_sample", 1);
    JINT("population_table.unmatched.records", 3);
    JINT("equivalence_classes.count", 10);
    json_t *maps = json_object_get(json_object_get(J, "population_table"), "mapping");
    static const char *const levels[] = {"sector", "mf", "census-band"};
    for (size_t i = 0; i < 3; i++) {
        json_t *m = json_array_get(maps, i);
        assert_string_equal(json_string_value(json_object_get(m, "level")), levels[i]);
        assert_int_equal(json_integer_value(json_object_get(m, "unmatched_records")), 1);
    }
    RUN("--qi", "postcode,sex,age", "--population-table", fixture("poptable_coarse.csv"),
        fixture("poptable_coarse_sample.csv"));
    EXPECT_STATUS(0);
    OUT_HAS("Column 'postcode' was mapped to the table's 'postcode:sector': postcode -> postcode "
            "sector");
    OUT_HAS("Column 'age' was mapped to the table's 'age:census-band'");
    OUT_HAS("The table is coarser than the extract, so each risk below is worked out for the "
            "record's population cell; a record's true risk can only be higher.");
    OUT_HAS("3 records (30.00%) could not be placed in the table");
}

/* The built-in table on the sample extract, as the README shows it. */
static void test_poptable_builtin(void **state)
{
    (void)state;
    char path[4096];
    snprintf(path, sizeof path, "%s/../data/sample-extract.csv", g_tests);
    RUN("--population-table", "uk-census-2011", "--qi", "postcode,sex,age", "-f", "json", path);
    EXPECT_STATUS(0);
    PARSE_JSON();
    JSTR("population_table.source", "uk-census-2011");
    JINT("population_table.people", 56075912);
    JINT("population_table.cells", 255721);
    JBOOL("population_table.coarser", 1);
    json_t *pt = json_object_get(J, "population_table");
    const char *assumption = json_string_value(json_object_get(pt, "assumption"));
    assert_non_null(assumption);
    assert_non_null(strstr(assumption, "sex ratio holds in every age band"));
    const char *attr = json_string_value(json_object_get(pt, "attribution"));
    assert_non_null(attr);
    assert_non_null(strstr(attr, "Open Government Licence v3.0"));
    /* every record is placed or unmatched */
    long long placed = json_integer_value(json_object_get(pt, "records_placed"));
    long long unmatched =
        json_integer_value(json_object_get(json_object_get(pt, "unmatched"), "records"));
    JINT("input.records", placed + unmatched);
    assert_true(placed > 9000);
    double m = json_real_value(json_object_get(pt, "marketer"));
    assert_true(m > 0 && m < 1);
    RUN("--population-table", "uk-census-2011", "--qi", "postcode,sex,age", path);
    EXPECT_STATUS(0);
    OUT_HAS("Table: UK Census 2011, England and Wales");
    OUT_HAS("Assumption: The census gives each sector's residents by age band and by sex "
            "separately; the table assumes the sector's sex ratio holds in every age band");
    OUT_HAS("Column 'postcode' was mapped to the table's 'postcode:sector'");
    OUT_HAS("Column 'sex' was mapped to the table's 'sex:mf'");
    OUT_HAS("Column 'age' was mapped to the table's 'age:census-band'");
    /* without sex: the table is added up over its sex column (sector x band: 128,047 cells) */
    RUN("--population-table", "uk-census-2011", "--qi", "postcode,age", "-f", "json", path);
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("population_table.cells", 128047);
    JINT("population_table.people", 56075912);
    json_t *summed = json_object_get(json_object_get(J, "population_table"), "summed_over");
    assert_int_equal(json_array_size(summed), 1);
    assert_string_equal(json_string_value(json_array_get(summed, 0)), "sex:mf");
    RUN("--population-table", "uk-census-2011", "--qi", "postcode,age", path);
    EXPECT_STATUS(0);
    OUT_HAS("The table's column 'sex:mf' is not a quasi-identifier here: its counts were added up "
            "over it.");
    /* a column the table maps itself cannot be generalised first (it could not be placed) */
    RUN("--population-table", "uk-census-2011", "--qi", "postcode,sex,age", "--generalise",
        "age=10y", path);
    EXPECT_STATUS(2);
    OUT_EMPTY();
    ERR_HAS("--generalise coarsens 'age', which the population table maps to its own level "
            "('age:census-band')");
    RUN("--population-table", "uk-census-2011", "--qi", "postcode,sex,age", "--generalise",
        "sex=kept", "-q", path);
    EXPECT_STATUS(0);
    /* the name is case-insensitive; --help documents the option */
    RUN("--population-table", "UK-CENSUS-2011", "--qi", "postcode,sex,age", "-q", path);
    EXPECT_STATUS(0);
    RUN("--help");
    EXPECT_STATUS(0);
    OUT_HAS("--population-table FILE");
}

static void test_poptable_errors(void **state)
{
    (void)state;
    const char *s = fixture("poptable_sample.csv");
    RUN("--qi", "town,sex,age", "--population-table", fixture("poptable_negative.csv"), s);
    EXPECT_STATUS(2);
    ERR_HAS("poptable_negative.csv: line 3, column 4 (count): the count '-3' is negative");
    OUT_EMPTY();
    RUN("--qi", "town,sex,age", "--population-table", fixture("poptable_fraction.csv"), s);
    EXPECT_STATUS(2);
    ERR_HAS("line 3, column 4 (count): the count '2.5' is not a whole number");
    RUN("--qi", "town,sex,age", "--population-table", fixture("poptable_no_age.csv"), s);
    EXPECT_STATUS(2);
    ERR_HAS("no column for the quasi-identifier 'age'");
    RUN("--qi", "postcode,sex,age", "--population-table", fixture("poptable_bad_band.csv"),
        fixture("poptable_coarse_sample.csv"));
    EXPECT_STATUS(2);
    ERR_HAS("line 2, column 3 (age:census-band): '91+' is not a Census 2011 age band");
    RUN("--qi", "town,sex,age", "--population-table", "/nonexistent/pop.csv", s);
    EXPECT_STATUS(2);
    ERR_HAS("cannot open the population table /nonexistent/pop.csv");
    RUN("--qi", "town,sex,age", "--population-table", "", s);
    EXPECT_STATUS(2);
    ERR_HAS("--population-table takes a CSV file or a built-in name");
    RUN("--qi", "town,sex,age", "--population-table");
    EXPECT_STATUS(2);
    /* the built-in table has no town column */
    RUN("--qi", "town,sex,age", "--population-table", "uk-census-2011", s);
    EXPECT_STATUS(2);
    ERR_HAS("no column for the quasi-identifier 'town'; the table needs one column per "
            "quasi-identifier (town, sex, age)");
}

/* A bad row past the table's first 64 KiB (read beside the counting when there are two threads):
 * the same error, status and empty output with one thread and with two; and without it the same
 * report from both. */
static void test_poptable_late_error(void **state)
{
    (void)state;
    const size_t rows = 20000; /* about 300 KiB */
    size_t cap = rows * 32 + 64, len = 0;
    char *bad = malloc(cap), *good = malloc(cap);
    assert_non_null(bad);
    assert_non_null(good);
    len += (size_t)snprintf(bad + len, cap - len, "town,sex,age,count\n");
    for (size_t i = 0; i < rows; i++)
        len += (size_t)snprintf(bad + len, cap - len, "T%zu,%s,%zu,%zu\n", i / 100,
                                i % 2 ? "F" : "M", 20 + i % 50, 1 + i % 7);
    memcpy(good, bad, len);
    const char *ok = scratch_file("pt_late_ok.csv", good, len);
    size_t blen = len;
    blen += (size_t)snprintf(bad + blen, cap - blen, "Z,M,30,-3\n");
    const char *p = scratch_file("pt_late_bad.csv", bad, blen);
    const char *s = fixture("poptable_sample.csv");
    char want[160];
    snprintf(want, sizeof want,
             "pt_late_bad.csv: line %zu, column 4 (count): the count '-3' is "
             "negative",
             rows + 2);
    /* the table's error comes first on every thread count, also before the extract's own: on
     * one thread the table is read as soon as the extract's header is (found by fuzz_sideinputs:
     * an extract with no records, or a malformed one, gave its own error with 2 threads) */
    const char *none = SCRATCH_CSV("pt_late_none.csv", "town,sex,age\n");
    const char *broken = SCRATCH_CSV("pt_late_broken.csv", "town,sex,age\nT1,M,30\nT2,M\n");
    const char *extracts[] = {s, none, broken};
    for (int e = 0; e < 3; e++)
        for (int j = 1; j <= 2; j++) {
            const char *threads = j == 1 ? "1" : "2";
            RUN("--qi", "town,sex,age", "-j", threads, "--population-table", p, extracts[e]);
            EXPECT_STATUS(2);
            ERR_HAS(want);
            OUT_EMPTY();
        }
    RUN("--qi", "town,sex,age", "-j", "1", "-f", "json", "--population-table", ok, s);
    EXPECT_STATUS(0);
    char *one = report_sans_run();
    RUN("--qi", "town,sex,age", "-j", "2", "-f", "json", "--population-table", ok, s);
    EXPECT_STATUS(0);
    char *two = report_sans_run();
    assert_string_equal(one, two);
    free(one);
    free(two);
    free(bad);
    free(good);
}

/* No record's value (postcode, its sector, age) appears in the reports or messages. */
static void test_poptable_privacy(void **state)
{
    (void)state;
    const char *f = SCRATCH_CSV("pt_privacy.csv", "postcode,sex,age\nLS1 4AP,F,37\nLS1 4AP,F,37\n"
                                                  "ZZ9 9ZZ,M,104\nQQ1 1QQ,X,103\n");
    static const char *const secrets[] = {"LS1", "ZZ9", "QQ1", "104", "103"};
    for (int json = 0; json < 2; json++) {
        RUN("--population-table", "uk-census-2011", "--qi", "postcode,sex,age", "-f",
            json ? "json" : "text", f);
        EXPECT_STATUS(0);
        OUT_HAS(json ? "\"population_table\"" : "Population table");
        for (size_t i = 0; i < sizeof secrets / sizeof *secrets; i++) {
            char *out = out_masked(); /* the run's seconds and bytes may hold "104" */
            TEXT_LACKS(out, secrets[i]);
            free(out);
            ERR_LACKS(secrets[i]);
        }
    }
}

static const struct CMUnitTest poptable_tests[] = {
    T(test_poptable_exact),  T(test_poptable_coarse),     T(test_poptable_builtin),
    T(test_poptable_errors), T(test_poptable_late_error), T(test_poptable_privacy),
};

static const cli_group groups[] = {
    CLI_GROUP("poptable", poptable_tests),
};

CLI_MAIN(groups)
