/*
 * test_linkage.c - `reid-check link`: the linkage demonstration (docs/linkage.md).
 *
 * The fixture tests/fixtures/link_extract.csv (12 records of 8 people) against
 * tests/fixtures/link_register.csv (15 entries) on postcode, date_of_birth, sex is computed
 * by hand in tests/fixtures/README.md ("Linkage"):
 *   register keys: K1 SW1A 1AA/1938-06-23/M x1, K2 LS1 4AP/1970-01-31/F x3,
 *                  K3 M1 1AE/1985-05-05/F x5, K4 B1 1AA/1990-02-02/M x2, K5 EH1 1AA/1999-12-31/F
 * x1, K6 B2 2BB/1950-07-07/M x1, K7 ZZ9 9ZZ/2000-01-01/F x1; 1 entry with no postcode records:
 * re-identified rows 1, 2 (K1), 12 (K6)            = 3  (3/12 = 0.25) narrowed rows 3, 7 (K2), 9
 * (K4)                  = 3  (0.25) ambiguous rows 5, 6 (K3)                         = 2  (2/12)
 *             unmatched rows 4 (LS1 4AP/1970-01-31/M), 11 (sex U) = 2
 *             missing key rows 8 (empty postcode), 10 ("NA")    = 2
 *   people:   re-identified p1, p3 (row 12; its row 4 is unmatched) = 2 of 8 (0.25)
 *             narrowed p2, p5 (rows 6 ambiguous, 7 narrowed), p6 (rows 8 missing, 9 narrowed) = 3
 *             ambiguous p4 = 1; unmatched p8 = 1; missing key p7 = 1
 */
#include "cli_test.h"

#define ON "postcode,date_of_birth,sex"

static const char *sample(const char *name)
{
    char *p = path_slot();
    snprintf(p, 4096, "%s/../data/%s", g_tests, name);
    return p;
}

/* The hand-computed figures of the fixture, per record (and per person when people is set). */
static void expect_fixture(int people)
{
    JINT("link.records", 12);
    JINT("link.reidentified", 3);
    JINT("link.narrowed", 3);
    JINT("link.ambiguous", 2);
    JINT("link.unmatched", 2);
    JINT("link.missing_key", 2);
    JREAL("link.reidentified_fraction", 0.25, 1e-15);
    JREAL("link.narrowed_fraction", 0.25, 1e-15);
    JREAL("link.ambiguous_fraction", 2.0 / 12, 1e-15);
    JREAL("link.unmatched_fraction", 2.0 / 12, 1e-15);
    JREAL("link.missing_key_fraction", 2.0 / 12, 1e-15);
    JINT("link.register_entries", 15);
    JINT("link.register_missing_key", 1);
    JINT("link.on.0.extract_missing", 2);
    JINT("link.on.0.register_missing", 1);
    JSTR("link.on.0.type", "postcode");
    JSTR("link.on.1.type", "date");
    JSTR("link.on.2.type", "sex");
    JINT("link.held_keys", 7); /* 7 complete keys on either side (README) */
    if (!people) {
        JNULL("link.people");
        return;
    }
    JSTR("link.people.id_column", "pseudonym");
    JINT("link.people.count", 8);
    JINT("link.people.reidentified", 2);
    JINT("link.people.narrowed", 3);
    JINT("link.people.ambiguous", 1);
    JINT("link.people.unmatched", 1);
    JINT("link.people.missing_key", 1);
    JREAL("link.people.reidentified_fraction", 0.25, 1e-15);
    JREAL("link.people.narrowed_fraction", 0.375, 1e-15);
    JREAL("link.people.missing_key_fraction", 0.125, 1e-15);
}

static void test_link_fixture_both_holds(void **state)
{
    (void)state;
    const char *e = fixture("link_extract.csv"), *r = fixture("link_register.csv");
    const char *holds[] = {"register", "extract", "auto"};
    for (int i = 0; i < 3; i++) {
        RUN("link", e, "--against", r, "--on", ON, "--hold", holds[i], "-f", "json");
        EXPECT_STATUS(0);
        PARSE_JSON();
        expect_fixture(0);
        if (i < 2) JSTR("link.held", holds[i]);
        RUN("link", e, "--against", r, "--on", ON, "--hold", holds[i], "--id", "pseudonym", "-f",
            "json");
        EXPECT_STATUS(0);
        PARSE_JSON();
        expect_fixture(1);
    }
    /* auto holds the side with fewer rows: the extract's 12 against the register's 15 */
    JSTR("link.held", "extract");
    /* the same through standard input, either side */
    RUN_STDIN(e, "link", "-", "--against", r, "--on", ON, "--id", "pseudonym", "-f", "json");
    EXPECT_STATUS(0);
    PARSE_JSON();
    expect_fixture(1);
    JSTR("link.extract", "<stdin>");
    RUN_STDIN(r, "link", e, "--against", "-", "--on", ON, "--id", "pseudonym", "-f", "json");
    EXPECT_STATUS(0);
    PARSE_JSON();
    expect_fixture(1);
    JSTR("link.held", "extract"); /* the register's size is unknown: the extract is held */
}

static void test_link_text(void **state)
{
    (void)state;
    RUN("link", fixture("link_extract.csv"), "--against", fixture("link_register.csv"), "--on", ON,
        "--id", "pseudonym");
    EXPECT_STATUS(0);
    OUT_HAS("Extract:  ");
    OUT_HAS("12 records");
    OUT_HAS("15 entries, 1 of them with a missing join value");
    OUT_HAS("Joined on: postcode (postcode), date_of_birth (date), sex (sex)");
    OUT_HAS("\n3 of the 12 records (25.00%) match exactly one register entry: whoever holds this\n"
            "register can put a name on them.\n"
            "2 of the 8 people (25.00%) have such a record, and with it a name on all of their "
            "records.\n");
    OUT_HAS("  re-identified                3   25.00%  exactly 1 entry");
    OUT_HAS("  narrowed                     3   37.50%  2 to 4 entries");
    OUT_HAS("People (8 distinct pseudonyms in 'pseudonym')");
    OUT_HAS("  missing join value           1   12.50%  cannot be matched");
}

/* sw1a1aa = SW1A 1AA, 23/06/1938 = 1938-06-23, m = M; names that differ (dob=birth_date). */
static void test_link_normalisation(void **state)
{
    (void)state;
    const char *e = SCRATCH_CSV("norm_e.csv", "postcode,dob,sex\n"
                                              "sw1a1aa,23/06/1938,m\n"
                                              "SW1A 1AA,1938-06-23,M\n"
                                              "sw1a 1aa,23-Jun-1938,M\n");
    const char *r = SCRATCH_CSV("norm_r.csv", "name,postcode,birth_date,sex\n"
                                              "Alice,SW1A 1AA,1938-06-23,M\n");
    RUN("link", e, "--against", r, "--on", "postcode,dob=birth_date:date,sex", "-f", "json");
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("link.records", 3);
    JINT("link.reidentified", 3);
    JSTR("link.on.1.extract_column", "dob");
    JSTR("link.on.1.register_column", "birth_date");
    JSTR("link.on.1.type", "date");
    /* the type comes from the name (dob is a date of birth): the same without ":date" */
    RUN("link", e, "--against", r, "--on", "postcode,dob=birth_date,sex", "-f", "json");
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("link.reidentified", 3);
    /* compared as text, only the row written exactly as the register's matches */
    RUN("link", e, "--against", r, "--on", "postcode:text,dob=birth_date:text,sex:text", "-f",
        "json");
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("link.reidentified", 1);
    JINT("link.unmatched", 2);
    /* without a header, columns by number (types cannot come from names: text) */
    const char *e2 = SCRATCH_CSV("norm_e2.csv", "x,SW1A 1AA,M\ny,LS1 4AP,F\n");
    const char *r2 = SCRATCH_CSV("norm_r2.csv", "SW1A 1AA,M,Alice\nSW1A 1AA,M,Bob\n");
    RUN("link", e2, "--against", r2, "--on", "2=1,3=2", "--no-header", "-f", "json");
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("link.records", 2);
    JINT("link.narrowed", 1);
    JINT("link.unmatched", 1);
    JSTR("link.on.0.extract_column", "column 2");
}

/* Missing values: the default spellings and --missing; a register entry with one is never
 * matched, even by an extract record missing the same value. */
static void test_link_missing(void **state)
{
    (void)state;
    const char *e = SCRATCH_CSV("miss_e.csv", "postcode,date_of_birth,sex\n"
                                              "LS1 4AP,,F\n"
                                              "LS1 4AP,N/A,F\n"
                                              "LS1 4AP,unknown,F\n"
                                              "LS1 4AP,1970-01-31,F\n");
    const char *r = SCRATCH_CSV("miss_r.csv", "name,postcode,date_of_birth,sex\n"
                                              "A,LS1 4AP,,F\n"
                                              "B,LS1 4AP,unknown,F\n"
                                              "C,LS1 4AP,31/01/1970,F\n");
    for (int hold = 0; hold < 2; hold++) {
        const char *h = hold ? "extract" : "register";
        RUN("link", e, "--against", r, "--on", ON, "--hold", h, "-f", "json");
        EXPECT_STATUS(0);
        PARSE_JSON();
        /* default spellings: "" and N/A are missing; "unknown" is a value (unrecognised date),
         * present once in the register: that record is re-identified */
        JINT("link.missing_key", 2);
        JINT("link.reidentified", 2);
        JINT("link.register_missing_key", 1);
        JINT("link.on.1.extract_missing", 2);
        RUN("link", e, "--against", r, "--on", ON, "--hold", h, "--missing", "unknown,N/A", "-f",
            "json");
        EXPECT_STATUS(0);
        PARSE_JSON();
        JINT("link.missing_key", 3);
        JINT("link.reidentified", 1);
        JINT("link.register_missing_key", 2);
        JREAL("link.missing_key_fraction", 0.75, 1e-15);
    }
}

static void test_link_gate(void **state)
{
    (void)state;
    const char *e = fixture("link_extract.csv"), *r = fixture("link_register.csv");
    RUN("link", e, "--against", r, "--on", ON, "--max-reidentified", "0.2", "-f", "json");
    EXPECT_STATUS(1);
    PARSE_JSON();
    JBOOL("link.gate.passed", 0);
    JSTR("link.gate.of", "records");
    JREAL("link.gate.measured", 0.25, 1e-15);
    RUN("link", e, "--against", r, "--on", ON, "--max-reidentified", "25%");
    EXPECT_STATUS(0); /* 0.25 is not more than 0.25 */
    OUT_HAS("Gate: at most 25.00% of the records may be re-identified: passed");
    /* with --id the people count: 2 of 8 */
    RUN("link", e, "--against", r, "--on", ON, "--id", "pseudonym", "--max-reidentified", "0.24",
        "-q");
    EXPECT_STATUS(1);
    OUT_EMPTY();
    RUN("link", e, "--against", r, "--on", ON, "--max-reidentified", "1.5");
    EXPECT_STATUS(2);
    ERR_HAS("--max-reidentified takes a fraction from 0 to 1");
}

/* Errors in either file name the file, the line and the column. */
static void test_link_errors(void **state)
{
    (void)state;
    const char *e = fixture("link_extract.csv"), *r = fixture("link_register.csv");
    const char *bad_e = SCRATCH_CSV("bad_e.csv", "pseudonym,postcode,date_of_birth,sex\n"
                                                 "p1,LS1 4AP,1970-01-31,F\n"
                                                 "p2,\"LS1 \"4AP,1970-01-31,F\n");
    const char *bad_r = SCRATCH_CSV("bad_r.csv", "name,postcode,date_of_birth,sex\n"
                                                 "A,LS1 4AP,1970-01-31,F\n"
                                                 "B,LS1 4AP,1970-01-31\n");
    for (int hold = 0; hold < 2; hold++) {
        const char *h = hold ? "extract" : "register";
        RUN("link", bad_e, "--against", r, "--on", ON, "--hold", h);
        EXPECT_STATUS(2);
        ERR_HAS("bad_e.csv: line 3, column 2 (postcode)");
        OUT_EMPTY();
        RUN("link", e, "--against", bad_r, "--on", ON, "--hold", h);
        EXPECT_STATUS(2);
        ERR_HAS("bad_r.csv: line 3: expected 4 fields (as in the header), found 3");
    }
    RUN("link", e, "--against", bad_r, "--on", ON, "--skip-bad-rows", "-f", "json");
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("link.register_skipped_rows", 1);
    JINT("link.register_entries", 1);
    const char *utf = SCRATCH_CSV("utf_r.csv", "name,postcode,date_of_birth,sex\n"
                                               "A,LS1 4AP,1970-01-31,F\xFF\n");
    RUN("link", e, "--against", utf, "--on", ON);
    EXPECT_STATUS(2);
    ERR_HAS("utf_r.csv: line 2, column 4 (sex): invalid UTF-8");
    const char *nopseudo = SCRATCH_CSV("nop_e.csv", "pseudonym,postcode,date_of_birth,sex\n"
                                                    "p1,LS1 4AP,1970-01-31,F\n"
                                                    ",LS1 4AP,1970-01-31,F\n");
    RUN("link", nopseudo, "--against", r, "--on", ON, "--id", "pseudonym");
    EXPECT_STATUS(2);
    ERR_HAS("nop_e.csv: line 3, column 1 (pseudonym): the pseudonym is missing");
    /* columns */
    RUN("link", e, "--against", r, "--on", "postcod,sex");
    EXPECT_STATUS(2);
    ERR_HAS("link_extract.csv: no join column named 'postcod'; did you mean 'postcode'?");
    RUN("link", e, "--against", r, "--on", "diagnosis");
    EXPECT_STATUS(2);
    ERR_HAS("link_register.csv: no join column named 'diagnosis'");
    RUN("link", e, "--against", r, "--on", ON, "--id", "sex");
    EXPECT_STATUS(2);
    ERR_HAS("cannot be both the pseudonym column and a join column");
    RUN("link", e, "--against", r, "--on", "sex,SEX");
    EXPECT_STATUS(2);
    ERR_HAS("join column 'SEX' is listed twice");
    RUN("link", e, "--against", r, "--on", "sex:colour");
    EXPECT_STATUS(2);
    ERR_HAS("unknown type 'colour' for join column 'sex'");
    RUN("link", e, "--against", r, "--on", "sex=");
    EXPECT_STATUS(2);
    ERR_HAS("empty column name in the join list");
    /* usage */
    RUN("link", e, "--on", ON);
    EXPECT_STATUS(2);
    ERR_HAS("no register given: --against REGISTER");
    RUN("link", e, "--against", r);
    EXPECT_STATUS(2);
    ERR_HAS("no join columns given: --on COLUMNS");
    RUN("link", "-", "--against", "-", "--on", ON);
    EXPECT_STATUS(2);
    ERR_HAS("only one of the two files can be standard input");
    RUN("link", e, "--against", r, "--on", ON, "--show-matches", "-f", "json");
    EXPECT_STATUS(2);
    ERR_HAS("--show-matches prints text");
    RUN("link", e, "--against", r, "--on", ON, "--hold", "both");
    EXPECT_STATUS(2);
    ERR_HAS("--hold is auto, register or extract");
    RUN("link", e, "--against", scratch("nonexistent.csv"), "--on", ON);
    EXPECT_STATUS(2);
    ERR_HAS("cannot open");
    const char *empty = SCRATCH_CSV("empty_e.csv", "pseudonym,postcode,date_of_birth,sex\n");
    RUN("link", empty, "--against", r, "--on", ON);
    EXPECT_STATUS(2);
    ERR_HAS("empty_e.csv: no data rows");
    RUN("link", "--help");
    EXPECT_STATUS(0);
    OUT_HAS("Usage: reid-check link [OPTIONS] EXTRACT --against REGISTER --on COLUMNS");
    OUT_HAS("--show-matches[=N]");
}

/* Counts only unless --show-matches: no name, postcode, date or pseudonym anywhere. */
static void test_link_privacy(void **state)
{
    (void)state;
    const char *e = fixture("link_extract.csv"), *r = fixture("link_register.csv");
    const char *secrets[] = {"Alice",  "Archer", "Max Moss", "SW1A",   "sw1a", "1938",
                             "B2 2BB", "p1",     "p3",       "M1 1AE", "I10"};
    for (int json = 0; json < 2; json++) {
        RUN("link", e, "--against", r, "--on", ON, "--id", "pseudonym", "-f",
            json ? "json" : "text");
        EXPECT_STATUS(0);
        for (size_t i = 0; i < sizeof secrets / sizeof *secrets; i++) {
            char *out = out_masked(); /* the run's seconds and bytes may hold "1938" */
            TEXT_LACKS(out, secrets[i]);
            free(out);
            ERR_LACKS(secrets[i]);
        }
    }
    /* a malformed row's message names the line and column, not the value */
    const char *bad = SCRATCH_CSV("priv_r.csv", "name,postcode,date_of_birth,sex\n"
                                                "Zebedee Secret,LS1 4AP,1970-01-31,F,extra\n");
    RUN("link", e, "--against", bad, "--on", ON);
    EXPECT_STATUS(2);
    ERR_LACKS("Zebedee");
    ERR_LACKS("LS1 4AP");
}

static void test_link_show_matches(void **state)
{
    (void)state;
    const char *e = fixture("link_extract.csv"), *r = fixture("link_register.csv");
    RUN("link", e, "--against", r, "--on", ON, "--id", "pseudonym", "--show-matches");
    EXPECT_STATUS(0);
    OUT_HAS("WARNING: the lines below NAME PEOPLE.");
    OUT_HAS("  extract row 1 (line 2), pseudonym p1 = register line 2: name=Alice Archer, "
            "postcode=sw1a1aa, date_of_birth=23/06/1938, sex=m\n");
    OUT_HAS("  extract row 2 (line 3), pseudonym p1 = register line 2: name=Alice Archer");
    OUT_HAS("  extract row 12 (line 13), pseudonym p3 = register line 14: name=Max Moss");
    OUT_LACKS("Bea Brown"); /* narrowed, not re-identified */
    OUT_LACKS("re-identified records)");
    /* at most N: the first in extract order, with how many there were */
    RUN("link", e, "--against", r, "--on", ON, "--show-matches=1");
    EXPECT_STATUS(0);
    OUT_HAS("(the first 1 of 3 re-identified records)");
    OUT_HAS("extract row 1 (line 2) = register line 2: name=Alice Archer");
    OUT_LACKS("Max Moss");
    /* the register is held for it, whatever the sizes */
    RUN("link", e, "--against", r, "--on", ON, "--show-matches", "--hold", "extract");
    EXPECT_STATUS(2);
    ERR_HAS("--show-matches holds the register in memory");
    /* to a file, atomically */
    const char *dir = fresh_dir("show");
    char out[4200];
    snprintf(out, sizeof out, "%s/matches.txt", dir);
    RUN("link", e, "--against", r, "--on", ON, "--show-matches", "-o", out);
    EXPECT_STATUS(0);
    OUT_EMPTY();
    size_t len;
    char *text = read_whole_file(out, &len);
    assert_non_null(text);
    TEXT_HAS(text, "name=Max Moss");
    free(text);
    int tmp;
    assert_int_equal(dir_entries(dir, ".tmp", &tmp), 1);
    assert_int_equal(tmp, 0);
}

/* The README's demo: the sample register against the sample extract. */
static void test_link_sample(void **state)
{
    (void)state;
    const char *e = sample("sample-extract.csv"), *r = sample("sample-register.csv");
    json_t *first = NULL;
    const char *holds[] = {"register", "extract"};
    for (int i = 0; i < 2; i++) {
        RUN("link", e, "--against", r, "--on", ON, "--id", "pseudonym", "--hold", holds[i], "-f",
            "json");
        EXPECT_STATUS(0);
        PARSE_JSON();
        JINT("link.records", 10000);
        JINT("link.register_entries", 3560);
        json_t *lk = json_object_get(J, "link");
        long long sum = 0;
        const char *keys[] = {"reidentified", "narrowed", "ambiguous", "unmatched", "missing_key"};
        for (int k = 0; k < 5; k++)
            sum += json_integer_value(json_object_get(lk, keys[k]));
        assert_int_equal(sum, 10000);
        assert_true(json_integer_value(json_object_get(lk, "reidentified")) > 1000);
        assert_true(json_integer_value(json_object_get(lk, "narrowed")) > 0);
        assert_true(json_integer_value(json_object_get(lk, "ambiguous")) > 0);
        json_t *p = json_deep_copy(json_object_get(lk, "people"));
        if (!first) {
            first = p;
        } else {
            assert_true(json_equal(first, p)); /* the same people figures either way */
            json_decref(p);
        }
    }
    json_decref(first);
    /* `reid-check FILE` is unchanged beside the subcommand */
    RUN(e, "-f", "json");
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("input.records", 10000);
}

static const struct CMUnitTest link_tests[] = {
    T(test_link_fixture_both_holds),
    T(test_link_text),
    T(test_link_normalisation),
    T(test_link_missing),
    T(test_link_gate),
    T(test_link_sample),
};

static const struct CMUnitTest link_errors_tests[] = {
    T(test_link_errors),
};

static const struct CMUnitTest link_privacy_tests[] = {
    T(test_link_privacy),
    T(test_link_show_matches),
};

static const cli_group groups[] = {
    CLI_GROUP("link", link_tests),
    CLI_GROUP("link_errors", link_errors_tests),
    CLI_GROUP("link_privacy", link_privacy_tests),
};

CLI_MAIN(groups)
