/*
 * test_cli_people.c - reid-check --id (docs/people.md): the hand-computed person-level table of
 * tests/fixtures/people_basic.csv (tests/fixtures/README.md), the text report, the pseudonym
 * warning without --id, no pseudonym in any report, the same figures for 1 and 2 threads, and
 * the option's errors.
 */
#include "cli_test.h"

static const char *sample(void)
{
    char *p = path_slot();
    snprintf(p, 4096, "%s/../data/sample-extract.csv", g_tests);
    return p;
}

static void test_people_json(void **state)
{
    (void)state;
    RUN("--qi", "zip,sex", "--id", "pid", "-f", "json", fixture("people_basic.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    JSTR("people.id_column", "pid");
    JINT("people.count", 7);
    JINT("people.k_anonymity", 1);
    JINT("people.unique", 2);
    JREAL("people.unique_fraction", 2.0 / 7, 1e-15);
    JINT("people.threshold_k", 5);
    JINT("people.at_risk", 7);
    JREAL("people.records_at_risk_fraction", 1, 0);
    JINT("people.rows", 13);
    JINT("people.anonymous_rows", 1);
    JINT("people.max_rows_per_person", 3);
    JINT("people.people_with_several_rows", 5);
    JINT("people.people_in_several_classes", 2);
    JINT("people.classes", 5);
    JINT("people.class_person_pairs", 9);
    JINT("people.max_size", 4);
    JREAL("people.mean_size", 1.8, 1e-15);
    JREAL("people.prosecutor.highest", 1, 0);
    JINT("people.prosecutor.highest_risk_people", 2);
    JREAL("people.prosecutor.average", 3.75 / 7, 1e-15);
    JINT("people.size_distribution.0.classes", 3);
    JINT("people.size_distribution.0.people", 2);
    JINT("people.size_distribution.1.people", 2);
    JINT("people.size_distribution.3.classes", 1);
    JINT("people.size_distribution.3.people", 3);
    JREAL("people.size_distribution.3.people_fraction", 3.0 / 7, 1e-15);
    JINT("people.inconsistent_pseudonyms.sex", 1);
    JINT("people.inconsistent_pseudonyms.date_of_birth", 1);
    /* rows, as before */
    JINT("k_anonymity", 1);
    JINT("sample_uniques.records", 2);
    JTYPE("warnings", JSON_ARRAY);
    if (json_array_size(jget(J, "warnings")) != 0) fail_msg("warnings with --id");
    /* -k 3: p1, p3, p4, p6 */
    RUN("--qi", "zip,sex", "--id", "pid", "-k", "3", "-f", "json", fixture("people_basic.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("people.at_risk", 4);
    JREAL("people.records_at_risk_fraction", 4.0 / 7, 1e-15);
    /* no sex or date-of-birth column: null */
    RUN("--qi", "zip", "--id", "pid", "-f", "json",
        SCRATCH_CSV("nosex.csv", "pid,zip\na,1\na,1\nb,1\nc,2\n"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    JNULL("people.inconsistent_pseudonyms.sex");
    JNULL("people.inconsistent_pseudonyms.date_of_birth");
    JINT("people.count", 3);
    JINT("people.unique", 1);
    JINT("people.k_anonymity", 1);
    /* without --id: no people key */
    RUN("--qi", "zip,sex", "-f", "json", fixture("people_basic.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    if (json_object_get(J, "people")) fail_msg("people without --id");
}

static void test_people_text(void **state)
{
    (void)state;
    RUN("--qi", "zip,sex", "--id", "pid", fixture("people_basic.csv"));
    EXPECT_STATUS(0);
    OUT_HAS("2 of 7 people (28.57%) are unique on zip, sex; counting people, the extract is "
            "1-anonymous.\n2 of 13 records (15.38%) are unique on zip, sex");
    OUT_HAS("People (pseudonym column 'pid'; docs/people.md)");
    OUT_HAS("The 13 rows belong to 7 people (1.86 rows per person on average, at most 3);");
    OUT_HAS("5 people have more than one row, and 2 have rows in more than one class.");
    OUT_HAS("1 rows have no pseudonym; each is counted as a person of its own.");
    OUT_HAS("2 of 7 people (28.57%) are unique: at least one of their rows is in a class of one "
            "person.");
    OUT_HAS("Counting people, not rows, the extract is 1-anonymous");
    OUT_HAS("7 people (100.00%) have a row in a class of fewer than k = 5 people.");
    OUT_HAS("1 pseudonyms have more than one sex.");
    OUT_HAS("1 pseudonyms have more than one date of birth.");
    OUT_HAS("The figures below count rows (records), not people.");
    OUT_LACKS("Warning:");
}

/* The sample extract: a warning without --id, none with it; pseudonyms never printed. */
static void test_people_warning_privacy(void **state)
{
    (void)state;
    const char *pseudonym = "990c428417823be8"; /* the first row's */
    RUN(sample());
    EXPECT_STATUS(0);
    OUT_HAS("Warning: column 'pseudonym' looks like a pseudonym (its name; 6,247 distinct values "
            "in 10,000, some repeated)");
    OUT_HAS("give --id 'pseudonym' to count people");
    OUT_LACKS(pseudonym);
    RUN("-f", "json", sample());
    EXPECT_STATUS(0);
    PARSE_JSON();
    JSTR("warnings.0.code", "pseudonym_without_id");
    OUT_LACKS(pseudonym);
    RUN("--id", "pseudonym", sample());
    EXPECT_STATUS(0);
    OUT_LACKS("Warning:");
    OUT_LACKS(pseudonym);
    OUT_HAS("The 10,000 rows belong to 6,247 people");
    OUT_HAS("the pseudonym column (--id): rows with the same value are one person");
    OUT_LACKS("so a person with several rows is counted several times");
    RUN("--id", "pseudonym", "-f", "json", sample());
    EXPECT_STATUS(0);
    OUT_LACKS(pseudonym);
    PARSE_JSON();
    JINT("people.count", 6247);
    if (json_array_size(jget(J, "warnings")) != 0) fail_msg("warnings with --id");
}

/* Counting on a second thread changes nothing. */
static void test_people_threads(void **state)
{
    (void)state;
    json_t *one = NULL;
    for (int t = 1; t <= 2; t++) {
        RUN("--id", "pseudonym", "--qi", "postcode,sex", "-j", t == 1 ? "1" : "2", "-f", "json",
            sample());
        EXPECT_STATUS(0);
        PARSE_JSON();
        json_t *p = json_object_get(J, "people");
        if (!p) fail_msg("no people");
        if (t == 1) {
            one = json_deep_copy(p);
        } else if (!json_equal(one, p)) {
            json_decref(one);
            fail_msg("people differ between 1 and 2 threads");
        }
    }
    json_decref(one);
}

static void test_people_errors(void **state)
{
    (void)state;
    RUN("--id", "", sample());
    EXPECT_STATUS(2);
    ERR_HAS("--id takes a column name (or number)");
    RUN("--id", "pseudonim", sample());
    EXPECT_STATUS(2);
    ERR_HAS("no id column named 'pseudonim'; did you mean 'pseudonym'?");
    RUN("--id", "postcode", sample());
    EXPECT_STATUS(2);
    ERR_HAS("column 2 ('postcode') cannot be both the id (pseudonym) column and a "
            "quasi-identifier");
    RUN("--id", "sex", "--sensitive", "sex", "--qi", "postcode", sample());
    EXPECT_STATUS(2);
    ERR_HAS("cannot be both the id (pseudonym) column and a sensitive column");
    RUN("--no-header", "--qi", "2", "--id", "12", sample());
    EXPECT_STATUS(2);
    ERR_HAS("without a header row, the id column is a column number from 1 to 9; '12' is not one");
}

/* --max-memory bounds the pseudonym tables too: 100,000 people in 3 classes */
static void test_people_max_memory(void **state)
{
    (void)state;
    size_t cap = 2u << 20, len = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
    len += (size_t)snprintf(buf, cap, "id,a\n");
    for (unsigned i = 0; i < 100000; i++)
        len += (size_t)snprintf(buf + len, cap - len, "person-%u,%u\n", i, i % 3);
    const char *p = scratch_file("people_many.csv", buf, len);
    free(buf);
    RUN("--qi", "a", "--max-memory", "2M", "-q", p);
    EXPECT_STATUS(0);
    RUN("--qi", "a", "--id", "id", "--max-memory", "2M", "-q", p);
    EXPECT_STATUS(3);
    ERR_HAS("memory limit of 2.0 MiB (--max-memory)");
    RUN("--qi", "a", "--id", "id", "--max-memory", "1G", "-f", "json", p);
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("people.count", 100000);
    JINT("people.k_anonymity", 33333);
}

/* With --id the release gate counts people: person A's two rows make the class of M look like
 * 2 records, but it holds 1 person (hand count: M = {A, A}, F = {B, C}; k over rows 2, over
 * people 1; unique people 1 of 3; highest risk of a person 1). */
static void test_people_gate(void **state)
{
    (void)state;
    const char *p = SCRATCH_CSV("gate_people.csv", "pid,sex\nA,M\nA,M\nB,F\nC,F\n");
    RUN("-f", "json", "--qi", "sex", "--require-k", "2", p);
    EXPECT_STATUS(0);
    PARSE_JSON();
    JSTR("gate.counts", "records");
    JINT("gate.checks.0.measured", 2);
    RUN("-f", "json", "--qi", "sex", "--id", "pid", "--require-k", "2", p);
    EXPECT_STATUS(1);
    PARSE_JSON();
    JSTR("gate.counts", "people");
    JBOOL("gate.passed", 0);
    JINT("gate.checks.0.measured", 1);
    RUN("-f", "json", "--qi", "sex", "--id", "pid", "--max-uniques", "0.3", p);
    EXPECT_STATUS(1);
    PARSE_JSON();
    JREAL("gate.checks.0.measured", 1.0 / 3, 1e-15);
    RUN("-f", "json", "--qi", "sex", "--id", "pid", "--max-uniques", "0.34", p);
    EXPECT_STATUS(0);
    RUN("--qi", "sex", "--id", "pid", "--require-k", "2", p);
    EXPECT_STATUS(1);
    OUT_HAS("Release gate: FAILED (counting people, not rows: --id)");
    OUT_HAS("k >= 2 required: k = 1 (NOT met)");
}

static const struct CMUnitTest people_tests[] = {
    T(test_people_gate),    T(test_people_json),
    T(test_people_text),    T(test_people_warning_privacy),
    T(test_people_threads), T(test_people_errors),
};

static const cli_group groups[] = {
    CLI_GROUP("people", people_tests),
};

CLI_MAIN(groups)
