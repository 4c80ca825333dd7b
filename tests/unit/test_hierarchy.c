/*
 * test_hierarchy.c - generalisation hierarchies (lib/hierarchy.h, docs/generalisation.md): every
 * built-in level on hand-picked values, unreadable values, level names, and ARX-format user
 * hierarchies with their errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "hierarchy.h"
#include "unit_helpers.h"

/* level `level` of value v under h must be want (parsed as given). */
static void check(const reid_hierarchy *h, unsigned level, const char *v, const char *want,
                  int parsed)
{
    char buf[REID_HIER_BUF];
    size_t n;
    int ok = -1;
    const char *out = reid_hierarchy_apply(h, level, v, strlen(v), buf, &n, &ok);
    char got[128];
    snprintf(got, sizeof got, "%.*s", out ? (int)n : 6, out ? out : "(null)");
    if (strcmp(got, want) != 0 || ok != parsed) {
        print_error("%s level %u of '%s': got '%s' (parsed %d), want '%s' (parsed %d)\n",
                    reid_hierarchy_name(h), level, v, got, ok, want, parsed);
        fail();
    }
}

static void test_postcode(void **state)
{
    (void)state;
    reid_hierarchy h;
    reid_hierarchy_builtin(&h, REID_TYPE_POSTCODE, 0);
    assert_int_equal(h.levels, 5);
    const char *want[][5] = {
        {"SW1A 1AA", "SW1A 1", "SW1A", "SW", "*"}, {"M1 1AE", "M1 1", "M1", "M", "*"},
        {"B33 8TH", "B33 8", "B33", "B", "*"},     {"CR2 6XH", "CR2 6", "CR2", "CR", "*"},
        {"W1A 0AX", "W1A 0", "W1A", "W", "*"},     {"EC1A 1BB", "EC1A 1", "EC1A", "EC", "*"}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        for (unsigned l = 0; l < 5; l++)
            check(&h, l, want[i][0], want[i][l], 1);
    /* not a postcode (the normaliser kept it as upper-case text): its own group until suppressed */
    for (unsigned l = 0; l < 4; l++)
        check(&h, l, "NOT KNOWN", "NOT KNOWN", 0);
    check(&h, 4, "NOT KNOWN", "*", 0);
    check(&h, 2, "SW1A1AA", "SW1A1AA", 0); /* not the canonical form */
}

static void test_age(void **state)
{
    (void)state;
    reid_hierarchy h;
    reid_hierarchy_builtin(&h, REID_TYPE_AGE, 0);
    const char *want[][5] = {{"0", "0-4", "0-9", "0-19", "*"},
                             {"4", "0-4", "0-9", "0-19", "*"},
                             {"5", "5-9", "0-9", "0-19", "*"},
                             {"42", "40-44", "40-49", "40-59", "*"},
                             {"59", "55-59", "50-59", "40-59", "*"},
                             {"60", "60-64", "60-69", "60-79", "*"},
                             {"104", "100-104", "100-109", "100-119", "*"}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        for (unsigned l = 0; l < 5; l++)
            check(&h, l, want[i][0], want[i][l], 1);
    check(&h, 1, "unknown", "unknown", 0);
    check(&h, 3, "4x", "4x", 0);
    check(&h, 4, "4x", "*", 0);
}

static void test_dates(void **state)
{
    (void)state;
    reid_hierarchy dob, date;
    reid_hierarchy_builtin(&dob, REID_TYPE_DATE, 1);
    reid_hierarchy_builtin(&date, REID_TYPE_DATE, 0);
    assert_string_equal(reid_hierarchy_name(&dob), "dob");
    assert_string_equal(reid_hierarchy_name(&date), "date");
    check(&dob, 0, "1970-01-31", "1970-01-31", 1);
    check(&dob, 1, "1970-01-31", "1970-01", 1);
    check(&dob, 2, "1970-01-31", "1970", 1);
    check(&dob, 3, "1970-01-31", "1970-1974", 1);
    check(&dob, 3, "1969-12-31", "1965-1969", 1);
    check(&dob, 3, "2000-02-29", "2000-2004", 1);
    /* weeks of the month: days 1-7 W1, 8-14 W2, 15-21 W3, 22-28 W4, 29-31 W5 */
    check(&date, 1, "2023-06-01", "2023-06-W1", 1);
    check(&date, 1, "2023-06-07", "2023-06-W1", 1);
    check(&date, 1, "2023-06-08", "2023-06-W2", 1);
    check(&date, 1, "2023-06-21", "2023-06-W3", 1);
    check(&date, 1, "2023-06-28", "2023-06-W4", 1);
    check(&date, 1, "2023-06-29", "2023-06-W5", 1);
    check(&date, 2, "2023-06-29", "2023-06", 1);
    check(&date, 3, "2023-06-29", "2023", 1);
    check(&date, 3, "31/02/2023", "31/02/2023", 0); /* unrecognised by the normaliser */
    check(&dob, 3, "", "", 0);
}

static void test_icd10(void **state)
{
    (void)state;
    reid_hierarchy h;
    reid_hierarchy_builtin(&h, REID_TYPE_CODE, 0);
    const char *want[][4] = {
        {"A099", "A09", "A00-A09", "A00-B99"}, {"C509", "C50", "C50-C50", "C00-D48"},
        {"D500", "D50", "D50-D53", "D50-D89"}, {"H609", "H60", "H60-H62", "H60-H95"},
        {"I219", "I21", "I20-I25", "I00-I99"}, {"N99", "N99", "N99-N99", "N00-N99"},
        {"S720", "S72", "S70-S79", "S00-T98"}, {"T814", "T81", "T80-T88", "S00-T98"},
        {"U071", "U07", "U00-U49", "U00-U85"}, {"Z38", "Z38", "Z30-Z39", "Z00-Z99"}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        for (unsigned l = 0; l < 4; l++)
            check(&h, l, want[i][0], want[i][l], 1);
    /* A10 is in no block of the table: kept as its category at the block level */
    check(&h, 2, "A10", "A10", 0);
    check(&h, 3, "A10", "A00-B99", 1);
    /* V-Y (external causes) have no block in the table but have chapter XX */
    check(&h, 2, "W010", "W01", 0);
    check(&h, 3, "W010", "V01-Y98", 1);
    /* U99: neither block nor chapter: the category at every level */
    check(&h, 3, "U99", "U99", 0);
    check(&h, 1, "XYZ", "XYZ", 0);
}

/* The embedded block table is the HES file's first column: the first and last category of every
 * block there generalise to that block. */
static void test_icd10_blocks_match_hes(void **state)
{
    (void)state;
    FILE *f = fopen(REID_REFERENCE_DATA "/hes_apc_primary_diagnosis_summary_2023_24.csv", "r");
    assert_non_null(f);
    reid_hierarchy h;
    reid_hierarchy_builtin(&h, REID_TYPE_CODE, 0);
    char line[4096];
    int rows = 0;
    assert_non_null(fgets(line, sizeof line, f)); /* header */
    while (fgets(line, sizeof line, f)) {
        char *comma = strchr(line, ',');
        assert_non_null(comma);
        *comma = 0;
        char lo[4], hi[4];
        snprintf(lo, sizeof lo, "%.3s", line);
        snprintf(hi, sizeof hi, "%.3s", strlen(line) == 7 ? line + 4 : line);
        char want[8];
        snprintf(want, sizeof want, "%s-%s", lo, hi); /* "N99" is N99-N99 */
        check(&h, 2, lo, want, 1);
        check(&h, 2, hi, want, 1);
        rows++;
    }
    fclose(f);
    assert_int_equal(rows, 216);
}

static void test_suppress_and_names(void **state)
{
    (void)state;
    reid_hierarchy h;
    reid_hierarchy_builtin(&h, REID_TYPE_SEX, 0);
    check(&h, 0, "F", "F", 1);
    check(&h, 1, "F", "*", 1);
    reid_hierarchy_builtin(&h, REID_TYPE_TEXT, 0);
    assert_string_equal(reid_hierarchy_name(&h), "suppress");
    char list[200];
    reid_hierarchy_builtin(&h, REID_TYPE_POSTCODE, 0);
    reid_hierarchy_level_list(&h, list, sizeof list);
    assert_string_equal(list, "unit|sector|district|area|suppressed");
    unsigned l;
    assert_int_equal(reid_hierarchy_level_find(&h, "District", &l), 0);
    assert_int_equal(l, 2);
    assert_int_equal(reid_hierarchy_level_find(&h, "3", &l), 0);
    assert_int_equal(l, 3);
    assert_int_equal(reid_hierarchy_level_find(&h, "5", &l), -1);
    assert_int_equal(reid_hierarchy_level_find(&h, "5y", &l), -1);
    reid_hierarchy_builtin(&h, REID_TYPE_AGE, 0);
    reid_hierarchy_level_list(&h, list, sizeof list);
    assert_string_equal(list, "exact|5y|10y|20y|suppressed");
    reid_hierarchy_builtin(&h, REID_TYPE_DATE, 1);
    reid_hierarchy_level_list(&h, list, sizeof list);
    assert_string_equal(list, "day|month|year|5y");
    reid_hierarchy_builtin(&h, REID_TYPE_DATE, 0);
    reid_hierarchy_level_list(&h, list, sizeof list);
    assert_string_equal(list, "day|week|month|year");
    reid_hierarchy_builtin(&h, REID_TYPE_CODE, 0);
    reid_hierarchy_level_list(&h, list, sizeof list);
    assert_string_equal(list, "code|category|block|chapter");
}

/* ARX's own format, as in its adult_hierarchy_*.csv */
static const char AGE_H[] = "17;15-19;10-19;*\r\n"
                            "18;15-19;10-19;*\r\n"
                            "\r\n"
                            "21;20-24;20-29;*\r\n"
                            "022;20-24;20-29;*\r\n";

static void test_user_parse(void **state)
{
    (void)state;
    reid_hierarchy h;
    char err[300] = "";
    assert_int_equal(reid_hierarchy_parse(&h, "age.csv", AGE_H, strlen(AGE_H), err, sizeof err), 0);
    assert_int_equal(h.levels, 4);
    assert_int_equal(h.nrows, 4);
    char list[100];
    reid_hierarchy_level_list(&h, list, sizeof list);
    assert_string_equal(list, "0|1|2|3");
    /* not bound yet: nothing is found */
    check(&h, 1, "17", "(null)", 0);
    assert_int_equal(reid_hierarchy_bind(&h, REID_TYPE_AGE, err, sizeof err), 0);
    check(&h, 0, "17", "17", 1);
    check(&h, 1, "17", "15-19", 1);
    check(&h, 2, "18", "10-19", 1);
    check(&h, 3, "21", "*", 1);
    check(&h, 1, "22", "20-24", 1); /* "022" normalised as an age */
    check(&h, 1, "23", "(null)", 0);
    reid_hierarchy_free(&h);
}

static void parse_fails(const char *text, const char *want)
{
    reid_hierarchy h;
    char err[400] = "";
    assert_int_equal(reid_hierarchy_parse(&h, "h.csv", text, strlen(text), err, sizeof err), -1);
    assert_contains(err, want);
}

static void test_user_errors(void **state)
{
    (void)state;
    parse_fails("", "h.csv: the hierarchy is empty");
    parse_fails("a;b;c\nd;e\n", "h.csv: line 2, column 3: 2 levels, but the first row has 3");
    parse_fails("a;b\nd;e;f\n", "h.csv: line 2, column 3: 3 levels, but the first row has 2");
    parse_fails("a\n", "h.csv: line 1: 1 level; a hierarchy has 2 to");
    parse_fails("a;x;*\nb;x;*\nc;y;*\nd;x;z\n",
                "h.csv: line 4, column 2: this value of level 1 has a different parent at level 2 "
                "(column 3) than on line 1");
    parse_fails("a;x\nb;y\na;x\n", "h.csv: line 3, column 1: the value is given twice");
    parse_fails("a;x\nb;;\n", "h.csv: line 2, column 3: 3 levels");
    parse_fails("a;x\nb; \n", "h.csv: line 2, column 2: empty value");
    reid_hierarchy h;
    char err[300] = "";
    const char *two = "07;x\n7;y\n";
    assert_int_equal(reid_hierarchy_parse(&h, "h.csv", two, strlen(two), err, sizeof err), 0);
    assert_int_equal(reid_hierarchy_bind(&h, REID_TYPE_AGE, err, sizeof err), -2);
    assert_contains(err, "h.csv: two rows' first values are the same once normalised as age values "
                         "(rows 1 and 2)");
    reid_hierarchy_free(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_postcode),
        cmocka_unit_test(test_age),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_icd10),
        cmocka_unit_test(test_suppress_and_names),
        cmocka_unit_test(test_user_parse),
        cmocka_unit_test(test_user_errors),
        cmocka_unit_test(test_icd10_blocks_match_hes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
