/*
 * test_cli.c - end-to-end tests of the reid-check binary: exit statuses, the
 * JSON report's figures and schema, error messages, the release gate, the
 * report file, and that no value of a record ever reaches a report.
 *
 * Usage: test_cli REID_CHECK TESTS_DIR GROUP
 *   REID_CHECK  the binary under test
 *   TESTS_DIR   the source tree's tests/ (fixtures/ and data/ in it; the
 *               sample extract is TESTS_DIR/../data/sample-extract.csv)
 *   GROUP       arx | input | errors | gate | output | privacy | sample | scale |
 *               population | weights | wildcard
 *
 * Expected figures come from the fixtures by hand (tests/fixtures/README.md)
 * or, for tests/data/adult.csv, from ARX 3.9.2. Byte-exact inputs (CRLF, CR,
 * BOM, NUL, invalid UTF-8, no final newline, gzip) are written at run time
 * into a scratch directory, so that no checkout can alter them.
 */
#include "cli_test.h"

/* ------------------------------------------------------------------------- */
/* ARX agreement on the Adult data set (tests/data/adult.csv)               */
/* ------------------------------------------------------------------------- */

/* The figures ARX 3.9.2 reports for QIs age, sex, race on Adult (30,162 records). */
static void check_adult_figures(void)
{
    JINT("input.records", 30162);
    JINT("input.skipped_rows", 0);
    JINT("input.columns", 9);
    JSTR("input.delimiter", ";");
    JINT("equivalence_classes.count", 528);
    JINT("equivalence_classes.min_size", 1);
    JINT("equivalence_classes.max_size", 554);
    JREAL("equivalence_classes.mean_size", 57.125, 1e-12);
    JINT("k_anonymity", 1);
    JINT("sample_uniques.records", 62);
    JREAL("sample_uniques.fraction", 62.0 / 30162.0, 1e-12);
    JREAL("risk.prosecutor.average", 0.0175054704595186, 1e-12);
    JREAL("risk.prosecutor.highest", 1.0, 1e-12);
    JINT("risk.prosecutor.highest_risk_records", 62);
    uint64_t records, classes;
    hist_sums(&records, &classes);
    assert_int_equal(records, 30162);
    assert_int_equal(classes, 528);
    /* the histogram's first entry is the sample uniques, its last the largest class */
    JINT("equivalence_classes.histogram.0.size", 1);
    JINT("equivalence_classes.histogram.0.classes", 62);
    json_t *h = JTYPE("equivalence_classes.histogram", JSON_ARRAY);
    json_t *last = json_array_get(h, json_array_size(h) - 1);
    assert_int_equal(json_integer_value(json_object_get(last, "size")), 554);
}

static void test_arx_given_qis(void **state)
{
    (void)state;
    RUN("--qi", "age,sex,race", "--format", "json", test_data("adult.csv"));
    EXPECT_STATUS(0);
    ERR_EMPTY();
    PARSE_JSON();
    JSTRINGS("quasi_identifiers", "age", "sex", "race");
    check_adult_figures();
    /* the default threshold is K = 5: ARX's t = 0.2 */
    JINT("risk.threshold_k", 5);
    JINT("records_at_risk.threshold_k", 5);
    JINT("records_at_risk.records", 425);
}

static void test_arx_records_at_risk(void **state)
{
    (void)state;
    /* ARX's records at risk for t = 0.5, 0.334, 0.2, 0.1, 0.05, 0.01; -k K is t = 1/K */
    static const struct {
        const char *k;
        long long records;
    } cases[] = {{"2", 62}, {"3", 180}, {"5", 425}, {"10", 985}, {"20", 1868}, {"100", 5775}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        RUN("--qi", "age,sex,race", "-f", "json", "-k", cases[i].k, test_data("adult.csv"));
        EXPECT_STATUS(0);
        PARSE_JSON();
        long long k = strtoll(cases[i].k, NULL, 10);
        JINT("risk.threshold_k", k);
        JINT("records_at_risk.threshold_k", k);
        JINT("records_at_risk.records", cases[i].records);
        JREAL("records_at_risk.fraction", (double)cases[i].records / 30162.0, 1e-12);
        JREAL("risk.prosecutor.records_at_risk_fraction", (double)cases[i].records / 30162.0,
              1e-12);
        /* the threshold changes nothing else */
        JINT("equivalence_classes.count", 528);
        JINT("sample_uniques.records", 62);
    }
    /* -k 1: no class is smaller than 1 */
    RUN("--qi", "age,sex,race", "-f", "json", "--k", "1", test_data("adult.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("records_at_risk.records", 0);
    /* -k larger than every class: every record is at risk */
    RUN("--qi", "age,sex,race", "-f", "json", "-k", "555", test_data("adult.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("records_at_risk.records", 30162);
}

static void test_arx_autodetect(void **state)
{
    (void)state;
    RUN("--format", "json", test_data("adult.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    /* recognised by name, in file order: sex (column 1), age (2), race (3) */
    JSTRINGS("quasi_identifiers", "sex", "age", "race");
    JSTR("quasi_identifier_details.0.type", "sex");
    JINT("quasi_identifier_details.0.column", 1);
    JSTR("quasi_identifier_details.1.type", "age");
    JINT("quasi_identifier_details.1.column", 2);
    JINT("quasi_identifier_details.2.column", 3);
    JINT("quasi_identifier_details.0.distinct_values", 2);
    JINT("quasi_identifier_details.1.distinct_values", 72);
    JINT("quasi_identifier_details.2.distinct_values", 5);
    check_adult_figures();
}

static void test_arx_text_report(void **state)
{
    (void)state;
    RUN("--qi", "age,sex,race", test_data("adult.csv"));
    EXPECT_STATUS(0);
    ERR_EMPTY();
    OUT_HAS("62 of 30,162 records (0.21%) are unique on age, sex, race");
    OUT_HAS("1-anonymous");
    OUT_HAS("425 records (1.41%) are in classes smaller than k = 5");
    OUT_HAS("classes            528");
    OUT_LACKS("Release gate"); /* no gate given */
}

/* ------------------------------------------------------------------------- */
/* Input handling                                                            */
/* ------------------------------------------------------------------------- */

/* sex, age, town; rows M/30, M/30, F/40: QIs sex, age; 3 records in 2 classes, 1 unique. */
static void check_three_rows(const char *delim)
{
    JSTR("input.delimiter", delim);
    JINT("input.columns", 3);
    JINT("input.records", 3);
    JSTRINGS("quasi_identifiers", "sex", "age");
    JINT("equivalence_classes.count", 2);
    JINT("sample_uniques.records", 1);
    JHIST(1, 1, 2, 1);
}

static void test_input_sniff(void **state)
{
    (void)state;
    static const struct {
        const char *file, *delim;
    } cases[] = {{"sniff_comma.csv", ","},
                 {"sniff_semicolon.csv", ";"},
                 {"sniff_tab.tsv", "\t"},
                 {"sniff_pipe.csv", "|"}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        RUN("-f", "json", fixture(cases[i].file));
        EXPECT_STATUS(0);
        PARSE_JSON();
        check_three_rows(cases[i].delim);
    }
}

static void test_input_delimiter_override(void **state)
{
    (void)state;
    /* "a,b<TAB>sex": one comma and one TAB per line; the sniffer takes the comma... */
    RUN("-f", "json", fixture("delimiter_tab_tie.csv"));
    EXPECT_STATUS(2); /* ...so the columns are "a" and "b<TAB>sex": nothing recognised */
    ERR_HAS("no quasi-identifier recognised");
    static const char *const tab_words[] = {"tab", "TAB", "\\t", "\t"};
    for (size_t i = 0; i < 4; i++) {
        RUN("-f", "json", "-d", tab_words[i], fixture("delimiter_tab_tie.csv"));
        EXPECT_STATUS(0);
        PARSE_JSON();
        JSTR("input.delimiter", "\t");
        JINT("input.columns", 2);
        JSTRINGS("quasi_identifiers", "sex");
        JINT("input.records", 3);
        JINT("equivalence_classes.count", 2);
        JHIST(1, 1, 2, 1);
    }
    /* "sex,age;x": the sniffer takes the comma; --delimiter ';' gives "sex,age" and "x" */
    RUN("-f", "json", "--qi", "x", fixture("delimiter_semicolon_tie.csv"));
    EXPECT_STATUS(2);
    ERR_HAS("no column named 'x'");
    RUN("-f", "json", "--delimiter", ";", "--qi", "x", fixture("delimiter_semicolon_tie.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    JSTR("input.delimiter", ";");
    JINT("input.columns", 2);
    JINT("equivalence_classes.count", 3);
    JINT("sample_uniques.records", 3);
    /* and a delimiter given for a file that has another one */
    RUN("-f", "json", "-d", ";", "--qi", "sex", fixture("sniff_comma.csv"));
    EXPECT_STATUS(2);
    ERR_HAS("no column named 'sex'");
}

static void test_input_crlf(void **state)
{
    (void)state;
    const char *p = SCRATCH_CSV("crlf.csv", "sex,age\r\nM,30\r\nM,30\r\nF,40\r\n");
    RUN("-f", "json", "--qi", "sex,age:text", p);
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("input.records", 3);
    JINT("equivalence_classes.count", 2);
    JHIST(1, 1, 2, 1);
    /* no CR left in a value: 30 and 40, both read as plain text */
    JINT("quasi_identifier_details.1.distinct_values", 2);
    /* line numbers count CRLF once, also inside a quoted field */
    p = SCRATCH_CSV("crlf_wrong.csv", "sex,age,note\r\nM,30,\"a\r\nb\"\r\nF\r\nM,31,x\r\n");
    RUN("-f", "json", p);
    EXPECT_STATUS(2);
    ERR_HAS("crlf_wrong.csv: line 4:");
    ERR_HAS("expected 3 fields");
}

static void test_input_cr_only(void **state)
{
    (void)state;
    const char *p = SCRATCH_CSV("cr.csv", "sex,age\rM,30\rM,30\rF,40\r");
    RUN("-f", "json", p);
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("input.records", 3);
    JINT("input.columns", 2);
    JINT("equivalence_classes.count", 2);
    JHIST(1, 1, 2, 1);
    p = SCRATCH_CSV("cr_wrong.csv", "sex,age\rM,30\rF\rM,31\r");
    RUN("-f", "json", p);
    EXPECT_STATUS(2);
    ERR_HAS("cr_wrong.csv: line 3:");
}

static void test_input_bom(void **state)
{
    (void)state;
    const char *p = SCRATCH_CSV("bom.csv", "\xEF\xBB\xBFsex,age\nM,30\nM,30\nF,40\n");
    RUN("-f", "json", p);
    EXPECT_STATUS(0);
    PARSE_JSON();
    /* without the BOM stripped, the first name would be "\uFEFFsex" and not recognised */
    JSTRINGS("quasi_identifiers", "sex", "age");
    JINT("input.records", 3);
    JINT("equivalence_classes.count", 2);
    RUN("-f", "json", "--qi", "sex", p);
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("quasi_identifier_details.0.column", 1);
    JINT("equivalence_classes.count", 2);
    JHIST(1, 1, 2, 1);
}

static void test_input_no_final_newline(void **state)
{
    (void)state;
    const char *p = SCRATCH_CSV("nofinal.csv", "sex,age\nM,30\nM,30\nF,40");
    RUN("-f", "json", p);
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("input.records", 3); /* the last row counts */
    JINT("equivalence_classes.count", 2);
    JINT("sample_uniques.records", 1);
    JINT("quasi_identifier_details.1.distinct_values", 2);
    /* the same with a quoted last field */
    p = SCRATCH_CSV("nofinal_quoted.csv", "sex,age\nM,30\nM,30\nF,\"40\"");
    RUN("-f", "json", p);
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("input.records", 3);
    JHIST(1, 1, 2, 1);
}

static void test_input_quoted_fields(void **state)
{
    (void)state;
    /* places: "Leeds, North" x2 (M), say "hi" (M), two\nlines (M), Leeds (M), "Leeds, North" (F) */
    RUN("-f", "json", "--qi", "place,sex", fixture("quoted.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    JSTR("input.delimiter", ",");
    JINT("input.columns", 3);
    JINT("input.records", 6);
    JINT("quasi_identifier_details.0.distinct_values", 4);
    JINT("equivalence_classes.count", 5);
    JINT("sample_uniques.records", 4);
    JHIST(1, 4, 2, 1);
    /* the row after the records (line 9: the quoted newline takes lines 5 and 6) */
    RUN("-f", "json", "--qi", "place,sex", fixture("quoted_wrong_fields.csv"));
    EXPECT_STATUS(2);
    ERR_HAS("quoted_wrong_fields.csv: line 9:");
    ERR_HAS("expected 3 fields (as in the header), found 2");
}

static void test_input_no_header(void **state)
{
    (void)state;
    RUN("-f", "json", "--no-header", "--qi", "1,3", fixture("no_header.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    JBOOL("input.header", 0);
    JINT("input.records", 3); /* the first row is data */
    JINT("input.columns", 3);
    JSTRINGS("quasi_identifiers", "column 1", "column 3");
    JINT("quasi_identifier_details.1.column", 3);
    JINT("equivalence_classes.count", 2); /* M/a x2, F/b */
    JHIST(1, 1, 2, 1);
    RUN("-f", "json", "--no-header", "--qi", "1,2", fixture("no_header.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("equivalence_classes.count", 3); /* M/30, M/31, F/30 */
    RUN("--no-header", fixture("no_header.csv"));
    EXPECT_STATUS(2);
    ERR_HAS("--qi");
    RUN("--no-header", "--qi", "4", fixture("no_header.csv"));
    EXPECT_STATUS(2);
    ERR_HAS("from 1 to 3");
    RUN("--no-header", "--qi", "sex", fixture("no_header.csv"));
    EXPECT_STATUS(2);
    ERR_HAS("'sex' is not one");
}

static void test_input_postcodes(void **state)
{
    (void)state;
    /* sw1a1aa, SW1A 1AA, " SW1A1AA " are one postcode; EC1A 1BB another */
    RUN("-f", "json", fixture("postcodes.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    JSTRINGS("quasi_identifiers", "postcode", "sex");
    JSTR("quasi_identifier_details.0.type", "postcode");
    JINT("quasi_identifier_details.0.distinct_values", 2);
    JINT("quasi_identifier_details.0.unrecognised", 0);
    JINT("input.records", 4);
    JINT("equivalence_classes.count", 2);
    JHIST(1, 1, 3, 1);
    /* as plain text they stay apart (trimmed only) */
    RUN("-f", "json", "--qi", "postcode:text,sex", fixture("postcodes.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    JSTR("quasi_identifier_details.0.type", "text");
    JINT("quasi_identifier_details.0.distinct_values", 4);
    JINT("equivalence_classes.count", 4);
}

static void test_input_dates(void **state)
{
    (void)state;
    /* six spellings of 31 January 1970, and 1 February 1970 */
    RUN("-f", "json", fixture("dates.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    JSTRINGS("quasi_identifiers", "date_of_birth", "sex");
    JSTR("quasi_identifier_details.0.type", "date");
    JINT("quasi_identifier_details.0.distinct_values", 2);
    JINT("quasi_identifier_details.0.unrecognised", 0);
    JINT("input.records", 7);
    JINT("equivalence_classes.count", 2);
    JHIST(1, 1, 6, 1);
    RUN("-f", "json", "--qi", "date_of_birth:text,sex", fixture("dates.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("equivalence_classes.count", 7);
}

static void test_input_missing_values(void **state)
{
    (void)state;
    /* age: "", NA, n/a, NULL, ?, " null " are all missing; then 30 twice */
    RUN("-f", "json", fixture("missing.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    JSTRINGS("quasi_identifiers", "sex", "age");
    JINT("input.records", 8);
    JINT("quasi_identifier_details.0.missing", 0);
    JINT("quasi_identifier_details.0.distinct_values", 2);
    JINT("quasi_identifier_details.1.missing", 6);
    JINT("quasi_identifier_details.1.distinct_values", 1);
    JREAL("quasi_identifier_details.1.missing_fraction", 6.0 / 8.0, 1e-12);
    JSTR("missing_values.rule", "own_value");
    JSTRINGS("missing_values.tokens", "", "NA", "N/A", "NULL", "?");
    /* (M, missing) x6, (M, 30), (F, 30) */
    JINT("equivalence_classes.count", 3);
    JHIST(1, 2, 6, 1);
}

static void test_input_missing_override(void **state)
{
    (void)state;
    /* age: unknown, -, "", NA, 30. By default "" and NA are missing */
    RUN("-f", "json", fixture("missing_custom.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("quasi_identifier_details.1.missing", 2);
    JINT("quasi_identifier_details.1.distinct_values", 3);
    JINT("equivalence_classes.count", 4);
    JHIST(1, 3, 2, 1);
    /* --missing replaces the list: unknown, - and "" are missing; NA is a value */
    RUN("-f", "json", "--missing", "unknown,-", fixture("missing_custom.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    JSTRINGS("missing_values.tokens", "", "unknown", "-");
    JINT("quasi_identifier_details.1.missing", 3);
    JINT("quasi_identifier_details.1.distinct_values", 2);
    JINT("equivalence_classes.count", 3);
    JHIST(1, 2, 3, 1);
}

static void test_input_stdin(void **state)
{
    (void)state;
    RUN_STDIN(fixture("sniff_comma.csv"), "-f", "json", "-");
    EXPECT_STATUS(0);
    PARSE_JSON();
    JSTR("input.source", "<stdin>");
    check_three_rows(",");
    /* errors on standard input name it */
    RUN_STDIN(fixture("wrong_fields.csv"), "-");
    EXPECT_STATUS(2);
    ERR_HAS("<stdin>: line 3:");
    /* an empty standard input */
    RUN_STDIN("/dev/null", "-");
    EXPECT_STATUS(2);
    ERR_HAS("<stdin>");
    ERR_HAS("empty");
}

static void test_input_gzip(void **state)
{
    (void)state;
    static const char csv[] = "postcode,sex\nsw1a1aa,M\nSW1A 1AA,M\n SW1A1AA ,M\nEC1A 1BB,M\n";
    const char *p = write_gz("postcodes.csv.gz", csv, sizeof csv - 1);
    RUN("-f", "json", p);
    EXPECT_STATUS(0);
    PARSE_JSON();
    JSTRINGS("quasi_identifiers", "postcode", "sex");
    JINT("input.records", 4);
    JINT("equivalence_classes.count", 2);
    JHIST(1, 1, 3, 1);

    /* a larger one, cut in half: an error, not a silently shorter extract */
    size_t n = 0, cap = 1 << 16;
    char *big = malloc(cap);
    assert_non_null(big);
    n += (size_t)snprintf(big, cap, "sex,age,note\n");
    for (int i = 0; n + 64 < cap; i++)
        n += (size_t)snprintf(big + n, cap - n, "%c,%d,%08x%08x\n", i % 3 ? 'M' : 'F', i % 90,
                              (unsigned)i * 2654435761u, (unsigned)i * 40503u);
    p = write_gz("big.csv.gz", big, n);
    free(big);
    size_t glen;
    char *gz = read_whole_file(p, &glen);
    assert_non_null(gz);
    assert_true(glen > 64);
    const char *t = scratch_file("truncated.csv.gz", gz, glen / 2);
    free(gz);
    RUN("-q", p);
    EXPECT_STATUS(0);
    RUN("-f", "json", t);
    EXPECT_STATUS(2);
    OUT_EMPTY();
    ERR_HAS("truncated.csv.gz");
    ERR_HAS("truncated");

    /* a .gz that is not gzip: not read as plain text */
    t = SCRATCH_CSV("plain.csv.gz", "sex,age\nM,30\nF,40\n");
    RUN("-f", "json", t);
    EXPECT_STATUS(2);
    OUT_EMPTY();
    ERR_HAS("plain.csv.gz: not a gzip file");

    /* a .gz that does not exist */
    RUN(scratch("absent.csv.gz"));
    EXPECT_STATUS(2);
    ERR_HAS("absent.csv.gz");
}

/* Every QI value missing from the first record on: the batch holds no byte at all, which once
 * read as "out of memory" (exit 3). */
static void test_input_all_missing(void **state)
{
    (void)state;
    const char *p = SCRATCH_CSV("all_missing.csv", "a,b\n,\n , NA\n");
    RUN("-f", "json", "--qi", "a,b", p);
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("input.records", 2);
    JINT("equivalence_classes.count", 1);
    JINT("sample_uniques.records", 0);
    JINT("quasi_identifier_details.0.missing", 2);
}

static void test_input_utf8_outside_qis(void **state)
{
    (void)state;
    /* invalid UTF-8 in a column that is not a QI is not read, so not an error */
    const char *p = SCRATCH_CSV("latin1_note.csv", "sex,age,note\nM,30,caf\xE9\nF,40,ok\n");
    RUN("-f", "json", p);
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("input.records", 2);
    JINT("input.skipped_rows", 0);
    /* valid UTF-8 in a QI is fine, and compared byte for byte */
    p = SCRATCH_CSV("utf8_qi.csv", "ethnicity,sex\nM\xC4\x81ori,F\nM\xC4\x81ori,F\nMaori,F\n");
    RUN("-f", "json", p);
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("quasi_identifier_details.0.distinct_values", 2);
    JHIST(1, 1, 2, 1);
}

/* ------------------------------------------------------------------------- */
/* Bad input: exit 2, a message naming the file, the line and the column     */
/* ------------------------------------------------------------------------- */

static void test_errors_wrong_field_count(void **state)
{
    (void)state;
    RUN("-f", "json", fixture("wrong_fields.csv"));
    EXPECT_STATUS(2);
    OUT_EMPTY();
    ERR_HAS("wrong_fields.csv: line 3:");
    ERR_HAS("expected 2 fields (as in the header), found 1");
    ERR_HAS("--skip-bad-rows");
    /* after a quoted field holding a newline (lines 2-3), the bad row is line 4 */
    RUN("-f", "json", fixture("wrong_fields_multiline.csv"));
    EXPECT_STATUS(2);
    ERR_HAS("wrong_fields_multiline.csv: line 4:");
    ERR_HAS("expected 3 fields");
    /* blank lines (empty, or spaces only) are skipped but counted */
    const char *p = SCRATCH_CSV("blank_lines.csv", "sex,age\nM,30\n\n   \nF\n");
    RUN(p);
    EXPECT_STATUS(2);
    ERR_HAS("blank_lines.csv: line 5:");
    p = SCRATCH_CSV("blank_lines_ok.csv", "sex,age\n\nM,30\n\n   \nF,40\n\n");
    RUN("-f", "json", p);
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("input.records", 2);
    /* too many fields */
    p = SCRATCH_CSV("too_many.csv", "sex,age\nM,30\nM,30\nF,40,x\n");
    RUN(p);
    EXPECT_STATUS(2);
    ERR_HAS("too_many.csv: line 4:");
    ERR_HAS("found 3");
}

static void test_errors_unterminated_quote(void **state)
{
    (void)state;
    RUN("-f", "json", fixture("unterminated.csv"));
    EXPECT_STATUS(2);
    OUT_EMPTY();
    ERR_HAS("unterminated.csv: line 3, column 2 (age):");
    ERR_HAS("unterminated quoted field");
    /* the quote opened on line 3 swallows the rest: still line 3 */
    RUN("-f", "json", fixture("unterminated_multiline.csv"));
    EXPECT_STATUS(2);
    ERR_HAS("unterminated_multiline.csv: line 3, column 2 (age):");
}

static void test_errors_bad_quote(void **state)
{
    (void)state;
    RUN("-f", "json", fixture("bad_quote.csv"));
    EXPECT_STATUS(2);
    ERR_HAS("bad_quote.csv: line 3, column 2 (age):");
    ERR_HAS("malformed quoting");
    /* --lenient-quotes keeps the quote as text */
    RUN("-f", "json", "--lenient-quotes", fixture("bad_quote.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("input.records", 3);
}

static void test_errors_nul_byte(void **state)
{
    (void)state;
    const char *p = SCRATCH_CSV("nul.csv", "sex,age\nM,30\nF,4\0"
                                           "0\n");
    RUN("-f", "json", p);
    EXPECT_STATUS(2);
    OUT_EMPTY();
    ERR_HAS("nul.csv: line 3, column 2 (age):");
    ERR_HAS("NUL byte");
}

static void test_errors_invalid_utf8(void **state)
{
    (void)state;
    const char *p = SCRATCH_CSV("bad_utf8.csv", "sex,age,note\nM,30,ok\n\xFF,40,ok\n");
    RUN("-f", "json", p);
    EXPECT_STATUS(2);
    OUT_EMPTY();
    ERR_HAS("bad_utf8.csv: line 3, column 1 (sex):");
    ERR_HAS("invalid UTF-8");
    /* a truncated sequence in the second QI, at its 3rd byte */
    p = SCRATCH_CSV("bad_utf8_2.csv", "sex,age,note\nM,30,ok\nF,40,ok\nM,3\xC3,ok\n");
    RUN("-f", "json", p);
    EXPECT_STATUS(2);
    ERR_HAS("bad_utf8_2.csv: line 4, column 2 (age):");
    ERR_HAS("byte 2");
}

static void test_errors_empty_and_header_only(void **state)
{
    (void)state;
    RUN("-f", "json", fixture("empty.csv"));
    EXPECT_STATUS(2);
    OUT_EMPTY();
    ERR_HAS("empty.csv");
    ERR_HAS("empty");
    RUN("-f", "json", fixture("header_only.csv"));
    EXPECT_STATUS(2);
    OUT_EMPTY();
    ERR_HAS("header_only.csv");
    ERR_HAS("only a header");
    /* blank lines only */
    const char *p = SCRATCH_CSV("blank.csv", "\n\n\n");
    RUN(p);
    EXPECT_STATUS(2);
    ERR_HAS("blank.csv");
}

static void test_errors_duplicate_columns(void **state)
{
    (void)state;
    RUN("-f", "json", fixture("duplicate_columns.csv"));
    EXPECT_STATUS(2);
    OUT_EMPTY();
    ERR_HAS("duplicate_columns.csv: line 1, column 3:");
    ERR_HAS("duplicate column name 'Sex' (also column 1)");
}

static void test_errors_field_size(void **state)
{
    (void)state;
    /* line 2 holds a 16-byte note (accepted), line 3 a 17-byte one */
    RUN("-f", "json", "--max-field-size", "16", fixture("long_field.csv"));
    EXPECT_STATUS(2);
    OUT_EMPTY();
    ERR_HAS("long_field.csv: line 3, column 3 (note):");
    ERR_HAS("16 bytes");
    ERR_HAS("--max-field-size");
    RUN("-f", "json", "--max-field-size", "17", fixture("long_field.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("input.records", 2);
    RUN("-f", "json", "--max-field-size", "1K", fixture("long_field.csv"));
    EXPECT_STATUS(0);
    /* a long field in a QI, and one spread over lines by quotes */
    const char *p = SCRATCH_CSV("long_qi.csv", "sex,age\nM,30\nM,12345678901234567890\n");
    RUN("--max-field-size", "16", p);
    EXPECT_STATUS(2);
    ERR_HAS("long_qi.csv: line 3, column 2 (age):");
    p = SCRATCH_CSV("long_quoted.csv", "sex,age,note\nM,30,\"0123456789\n0123456789\"\nF,40,x\n");
    RUN("--max-field-size", "16", p);
    EXPECT_STATUS(2);
    ERR_HAS("long_quoted.csv: line 2, column 3 (note):");
}

static void test_errors_unknown_qi(void **state)
{
    (void)state;
    RUN("--qi", "postcod", fixture("postcodes.csv"));
    EXPECT_STATUS(2);
    OUT_EMPTY();
    ERR_HAS("postcodes.csv");
    ERR_HAS("no column named 'postcod'");
    ERR_HAS("did you mean 'postcode'?");
    ERR_HAS("The columns are: postcode, sex");
    /* nothing near: no suggestion, still the list */
    RUN("--qi", "sex,zzzzzzzzzz", fixture("postcodes.csv"));
    EXPECT_STATUS(2);
    ERR_HAS("no column named 'zzzzzzzzzz'");
    ERR_LACKS("did you mean");
    ERR_HAS("postcode, sex");
    /* an unknown type, a name given twice */
    RUN("--qi", "postcode:colour", fixture("postcodes.csv"));
    EXPECT_STATUS(2);
    ERR_HAS("unknown type 'colour'");
    RUN("--qi", "sex,SEX", fixture("postcodes.csv"));
    EXPECT_STATUS(2);
    ERR_HAS("listed twice");
}

static void test_errors_no_qi(void **state)
{
    (void)state;
    RUN("-f", "json", fixture("no_qi.csv"));
    EXPECT_STATUS(2);
    OUT_EMPTY();
    ERR_HAS("no_qi.csv");
    ERR_HAS("no quasi-identifier recognised");
    ERR_HAS("--qi");
    /* naming one works */
    RUN("-f", "json", "--qi", "foo", fixture("no_qi.csv"));
    EXPECT_STATUS(0);
}

static void test_errors_skip_bad_rows(void **state)
{
    (void)state;
    /* wrong field count: 2 of 3 rows kept */
    RUN("-f", "json", "--skip-bad-rows", fixture("wrong_fields.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("input.records", 2);
    JINT("input.skipped_rows", 1);
    JTYPE("input.first_skipped_row", JSON_STRING);
    JINT("equivalence_classes.count", 2); /* M/30, M/31 */
    RUN("-f", "json", "--skip-bad-rows", fixture("wrong_fields_multiline.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("input.records", 2);
    JINT("input.skipped_rows", 1);
    /* bad quoting */
    RUN("-f", "json", "--skip-bad-rows", fixture("bad_quote.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("input.records", 2);
    JINT("input.skipped_rows", 1);
    /* all three kinds in one file: line 3 short, line 4 bad quote, line 5 invalid UTF-8 */
    const char *p =
        SCRATCH_CSV("bad_rows.csv", "sex,age\nM,30\nF\nM,\"3\"0\n\xFF,40\nF,40\nF,40\n");
    RUN("-f", "json", p);
    EXPECT_STATUS(2);
    ERR_HAS("bad_rows.csv: line 3:");
    RUN("-f", "json", "--skip-bad-rows", p);
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("input.records", 3);
    JINT("input.skipped_rows", 3);
    JINT("equivalence_classes.count", 2); /* M/30, F/40 x2 */
    JHIST(1, 1, 2, 1);
    json_t *first = JTYPE("input.first_skipped_row", JSON_STRING);
    TEXT_HAS(json_string_value(first), "bad_rows.csv: line 3:");
    /* the text report says so too */
    RUN("--skip-bad-rows", p);
    EXPECT_STATUS(0);
    OUT_HAS("3 malformed rows skipped");
    /* without skipping, no skipped_rows beyond 0 */
    RUN("-f", "json", fixture("sniff_comma.csv"));
    PARSE_JSON();
    JINT("input.skipped_rows", 0);
    assert_null(jget(J, "input.first_skipped_row"));
    /* every row bad: nothing to analyse */
    p = SCRATCH_CSV("all_bad.csv", "sex,age\nF\nM\n");
    RUN("--skip-bad-rows", p);
    EXPECT_STATUS(2);
    ERR_HAS("no valid records");
}

/* A file of over 1 MiB (more than one read, past the sniffing window) mixing quoted fields
 * that hold line breaks, "" escapes, padded and plain fields; a short row near the end. */
static char *make_long_csv(const char *eol, size_t *len, uint64_t *bad_line)
{
    size_t cap = 4 << 20, n = 0;
    char *b = malloc(cap);
    if (!b) return NULL;
    uint64_t line = 1;
    n += (size_t)snprintf(b + n, cap - n, "sex,age,note%s", eol);
    for (int i = 0; i < 60000; i++) {
        switch (i % 7) {
        case 0:
            n += (size_t)snprintf(b + n, cap - n, "M,%d,\"multi%sline %d\"%s", i % 90, eol, i, eol);
            line += 2;
            break;
        case 1:
            n += (size_t)snprintf(b + n, cap - n, "F,%d,\"with \"\"quotes\"\", and comma\"%s",
                                  i % 90, eol);
            line++;
            break;
        case 2:
            n += (size_t)snprintf(b + n, cap - n, "F,%d,  spaced  %s", i % 90, eol);
            line++;
            break;
        default:
            n += (size_t)snprintf(b + n, cap - n, "M,%d,plain%d%s", i % 90, i, eol);
            line++;
        }
    }
    *bad_line = line + 1;
    n += (size_t)snprintf(b + n, cap - n, "F,41%sM,1,x%s", eol, eol);
    *len = n;
    return b;
}

static void test_errors_line_numbers_long_file(void **state)
{
    (void)state;
    static const struct {
        const char *eol, *name;
    } cases[] = {{"\n", "long_lf.csv"}, {"\r\n", "long_crlf.csv"}, {"\r", "long_cr.csv"}};
    for (size_t i = 0; i < 3; i++) {
        size_t len = 0;
        uint64_t bad = 0;
        char *csv = make_long_csv(cases[i].eol, &len, &bad);
        assert_non_null(csv);
        assert_true(len > (1u << 20));
        assert_int_equal(bad, 68574); /* 1 + 60000 + 8572 quoted line breaks + 1 */
        const char *p = scratch_file(cases[i].name, csv, len);
        free(csv);
        char want[128];
        snprintf(want, sizeof want, "%s: line %llu: expected 3 fields", cases[i].name,
                 (unsigned long long)bad);
        RUN("-f", "json", p);
        EXPECT_STATUS(2);
        ERR_HAS(want);
        /* standard input too */
        RUN_STDIN(p, "-f", "json", "-");
        EXPECT_STATUS(2);
        snprintf(want, sizeof want, "<stdin>: line %llu:", (unsigned long long)bad);
        ERR_HAS(want);
        RUN("-f", "json", "--skip-bad-rows", p);
        EXPECT_STATUS(0);
        PARSE_JSON();
        JINT("input.records", 60001);
        JINT("input.skipped_rows", 1);
        JINT("input.columns", 3);
        JSTRINGS("quasi_identifiers", "sex", "age");
        uint64_t records, classes;
        hist_sums(&records, &classes);
        assert_int_equal(records, 60001);
    }
}

static void test_errors_bad_options(void **state)
{
    (void)state;
    const char *f = fixture("sniff_comma.csv");
    static const char *const bad[][3] = {
        {"-k", "0", "-k"},
        {"-k", "abc", "-k"},
        {"-k", "-3", "-k"},
        {"--require-k", "0", "--require-k"},
        {"--format", "xml", "--format"},
        {"-f", "JSONX", "--format"},
        {"--max-uniques", "2", "--max-uniques"},
        {"--max-uniques", "-0.1", "--max-uniques"},
        {"--max-uniques", "150%", "--max-uniques"},
        {"--max-uniques", "lots", "--max-uniques"},
        {"--max-uniques", "nan", "--max-uniques"},
        {"--max-field-size", "0", "--max-field-size"},
        {"--max-field-size", "12Q", "--max-field-size"},
        {"-d", "ab", "--delimiter"},
        {"-d", "\"", "delimiter"},
        {"--qi", "sex,,age", "empty name"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        RUN(bad[i][0], bad[i][1], f);
        EXPECT_STATUS(2);
        OUT_EMPTY();
        ERR_HAS(bad[i][2]);
    }
    RUN("--frobnicate", f);
    EXPECT_STATUS(2);
    ERR_HAS("unknown option '--frobnicate'");
    ERR_HAS("--help");
    RUN("-z", f);
    EXPECT_STATUS(2);
    ERR_HAS("unknown option '-z'");
    RUN(f, "-k");
    EXPECT_STATUS(2);
    ERR_HAS("needs a value");
    RUN(f, "--qi");
    EXPECT_STATUS(2);
    ERR_HAS("needs a value");
}

static void test_errors_input_files(void **state)
{
    (void)state;
    RUN("-f", "json");
    EXPECT_STATUS(2);
    OUT_EMPTY();
    ERR_HAS("no input file");
    RUN(fixture("sniff_comma.csv"), fixture("postcodes.csv"));
    EXPECT_STATUS(2);
    ERR_HAS("one input file");
    const char *missing = scratch("does-not-exist.csv");
    RUN("-f", "json", missing);
    EXPECT_STATUS(2);
    OUT_EMPTY();
    ERR_HAS("does-not-exist.csv");
    ERR_HAS("No such file");
    /* a directory is not a CSV file */
    RUN(g_scratch);
    EXPECT_STATUS(2);
}

/* ------------------------------------------------------------------------- */
/* Release gate                                                              */
/* ------------------------------------------------------------------------- */

static void test_gate_require_k_adult(void **state)
{
    (void)state;
    const char *a = test_data("adult.csv");
    RUN("--qi", "age,sex,race", "-f", "json", "--require-k", "2", a);
    EXPECT_STATUS(1);
    ERR_EMPTY();
    PARSE_JSON(); /* the report is still written */
    JBOOL("gate.passed", 0);
    JINT("gate.require_k", 2);
    JNULL("gate.max_uniques");
    JINT("k_anonymity", 1);
    RUN("--qi", "age,sex,race", "-f", "json", "--require-k", "1", a);
    EXPECT_STATUS(0);
    PARSE_JSON();
    JBOOL("gate.passed", 1);
    JINT("gate.require_k", 1);
    RUN("--qi", "age,sex,race", "--require-k", "2", a);
    EXPECT_STATUS(1);
    OUT_HAS("Release gate: FAILED");
    OUT_HAS("k >= 2 required: k = 1 (NOT met)");
}

static void test_gate_require_k_boundary(void **state)
{
    (void)state;
    /* classes of 2, 2 and 3: 2-anonymous */
    RUN("-f", "json", "--require-k", "2", fixture("gate_k2.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("k_anonymity", 2);
    JBOOL("gate.passed", 1);
    RUN("-f", "json", "--require-k", "3", fixture("gate_k2.csv"));
    EXPECT_STATUS(1);
    PARSE_JSON();
    JBOOL("gate.passed", 0);
    /* no gate: passed, both settings null */
    RUN("-f", "json", fixture("gate_k2.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    JBOOL("gate.passed", 1);
    JNULL("gate.require_k");
    JNULL("gate.max_uniques");
}

static void test_gate_max_uniques_adult(void **state)
{
    (void)state;
    const char *a = test_data("adult.csv");
    /* 62 / 30162 = 0.21% unique */
    RUN("--qi", "age,sex,race", "-f", "json", "--max-uniques", "0.01", a);
    EXPECT_STATUS(0);
    PARSE_JSON();
    JBOOL("gate.passed", 1);
    JREAL("gate.max_uniques", 0.01, 1e-12);
    RUN("--qi", "age,sex,race", "-f", "json", "--max-uniques", "0.001", a);
    EXPECT_STATUS(1);
    PARSE_JSON();
    JBOOL("gate.passed", 0);
    RUN("--qi", "age,sex,race", "-f", "json", "--max-uniques", "1%", a);
    EXPECT_STATUS(0);
    PARSE_JSON();
    JREAL("gate.max_uniques", 0.01, 1e-12);
    JBOOL("gate.passed", 1);
    RUN("--qi", "age,sex,race", "--max-uniques", "0.1%", a);
    EXPECT_STATUS(1);
    OUT_HAS("Release gate: FAILED");
    OUT_HAS("(NOT met)");
    /* both gates: one failing is enough */
    RUN("--qi", "age,sex,race", "-q", "--require-k", "1", "--max-uniques", "0.001", a);
    EXPECT_STATUS(1);
    RUN("--qi", "age,sex,race", "-q", "--require-k", "1", "--max-uniques", "0.01", a);
    EXPECT_STATUS(0);
}

static void test_gate_max_uniques_boundary(void **state)
{
    (void)state;
    /* 1 unique of 4 records: exactly 0.25 */
    const char *f = fixture("gate_quarter.csv");
    static const struct {
        const char *limit;
        int status;
    } cases[] = {{"0.25", 0}, {"25%", 0},   {"1", 0}, {"100%", 0},
                 {"0.24", 1}, {"24.9%", 1}, {"0", 1}, {"0%", 1}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        RUN("-q", "--max-uniques", cases[i].limit, f);
        EXPECT_STATUS(cases[i].status);
    }
    /* no uniques at all: --max-uniques 0 passes */
    RUN("-q", "--max-uniques", "0", fixture("gate_k2.csv"));
    EXPECT_STATUS(0);
}

static void test_gate_quiet(void **state)
{
    (void)state;
    const char *a = test_data("adult.csv");
    RUN("-q", "--qi", "age,sex,race", "--require-k", "2", a);
    EXPECT_STATUS(1);
    OUT_EMPTY();
    ERR_EMPTY();
    RUN("--quiet", "--qi", "age,sex,race", "--require-k", "1", "-f", "json", a);
    EXPECT_STATUS(0);
    OUT_EMPTY();
    ERR_EMPTY();
    /* quiet does not hide errors */
    RUN("-q", fixture("wrong_fields.csv"));
    EXPECT_STATUS(2);
    OUT_EMPTY();
    ERR_HAS("line 3");
    /* nor writes a report file */
    const char *dir = fresh_dir("quiet");
    char out[4096];
    snprintf(out, sizeof out, "%s/report.json", dir);
    RUN("-q", "-o", out, fixture("gate_k2.csv"));
    EXPECT_STATUS(0);
    assert_false(file_exists(out));
}

static void test_gate_policy_adult(void **state)
{
    (void)state;
    const char *a = test_data("adult.csv");
    /* age,sex,race: k = 1, highest risk 1; every policy fails */
    RUN("--qi", "age,sex,race", "-f", "json", "--policy", "ema", a);
    EXPECT_STATUS(1);
    ERR_EMPTY();
    PARSE_JSON();
    JBOOL("gate.passed", 0);
    JSTR("gate.policy", "ema");
    JTYPE("gate.policy_source", JSON_STRING);
    JREAL("gate.max_risk", 1.0 / 11, 1e-12);
    JNULL("gate.require_k");
    JNULL("gate.max_uniques");
    assert_int_equal(json_array_size(jget(J, "gate.checks")), 1);
    JSTR("gate.checks.0.threshold", "max_risk");
    JREAL("gate.checks.0.required", 1.0 / 11, 1e-12);
    JREAL("gate.checks.0.measured", 1.0, 1e-12);
    JBOOL("gate.checks.0.met", 0);
    JSTR("gate.checks.0.from", "policy ema");

    RUN("--qi", "age,sex,race", "-f", "json", "--policy", "nhs-small-numbers", a);
    EXPECT_STATUS(1);
    PARSE_JSON();
    JBOOL("gate.passed", 0);
    JSTR("gate.policy", "nhs-small-numbers");
    JINT("gate.require_k", 8);
    JNULL("gate.max_risk");
    assert_int_equal(json_array_size(jget(J, "gate.checks")), 1);
    JSTR("gate.checks.0.threshold", "k");
    JINT("gate.checks.0.required", 8);
    JINT("gate.checks.0.measured", 1);
    JBOOL("gate.checks.0.met", 0);
    JSTR("gate.checks.0.from", "policy nhs-small-numbers");

    RUN("--qi", "age,sex,race", "-f", "json", "--policy", "k=2", a);
    EXPECT_STATUS(1);
    PARSE_JSON();
    JSTR("gate.policy", "k=2");
    JNULL("gate.policy_source");
    JINT("gate.require_k", 2);
    JSTR("gate.checks.0.from", "policy k=2");
    JBOOL("gate.checks.0.met", 0);

    /* the text report: one line per check, with its source */
    RUN("--qi", "age,sex,race", "--policy", "nhs-small-numbers", a);
    EXPECT_STATUS(1);
    OUT_HAS("Release gate: FAILED");
    OUT_HAS("Policy nhs-small-numbers: NHS Digital HES");
    OUT_HAS("k >= 8 required: k = 1 (NOT met), set by policy nhs-small-numbers.");

    /* an explicit threshold overrides the policy's, before or after it */
    RUN("--qi", "age,sex,race", "-f", "json", "--require-k", "1", "--policy", "nhs-small-numbers",
        a);
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("gate.require_k", 1);
    JSTR("gate.checks.0.from", "--require-k");
    JBOOL("gate.passed", 1);
    RUN("--qi", "age,sex,race", "-f", "json", "--policy", "ema", "--require-max-risk", "1", a);
    EXPECT_STATUS(0);
    PARSE_JSON();
    JREAL("gate.max_risk", 1, 1e-12);
    JSTR("gate.checks.0.from", "--require-max-risk");
    JSTR("gate.policy", "ema");
    /* the policy's thresholds and the options' together */
    RUN("--qi", "age,sex,race", "-f", "json", "--policy", "ema", "--require-k", "1",
        "--max-uniques", "1%", a);
    EXPECT_STATUS(1);
    PARSE_JSON();
    assert_int_equal(json_array_size(jget(J, "gate.checks")), 3);
    JSTR("gate.checks.0.threshold", "k");
    JBOOL("gate.checks.0.met", 1);
    JSTR("gate.checks.1.threshold", "max_uniques");
    JSTR("gate.checks.1.from", "--max-uniques");
    JBOOL("gate.checks.1.met", 1);
    JSTR("gate.checks.2.threshold", "max_risk");
    JBOOL("gate.checks.2.met", 0);

    /* -q keeps the exit status */
    RUN("-q", "--qi", "age,sex,race", "--policy", "ema", a);
    EXPECT_STATUS(1);
    OUT_EMPTY();
    ERR_EMPTY();
}

static void test_gate_policy_k2(void **state)
{
    (void)state;
    /* classes of 2, 2 and 3: k = 2, highest risk 0.5 */
    const char *f = fixture("gate_k2.csv");
    RUN("-f", "json", "--policy", "k=2", f);
    EXPECT_STATUS(0);
    PARSE_JSON();
    JBOOL("gate.passed", 1);
    JINT("gate.checks.0.measured", 2);
    JBOOL("gate.checks.0.met", 1);
    RUN("-q", "--policy", "K=3", f);
    EXPECT_STATUS(1);
    RUN("-q", "--policy", "nhs-small-numbers", f);
    EXPECT_STATUS(1);
    RUN("-q", "--policy", "ema", f);
    EXPECT_STATUS(1);
    /* --require-max-risk at the boundary: 1/2 */
    RUN("-q", "--require-max-risk", "0.5", f);
    EXPECT_STATUS(0);
    RUN("-q", "--require-max-risk", "50%", f);
    EXPECT_STATUS(0);
    RUN("-q", "--require-max-risk", "0.49", f);
    EXPECT_STATUS(1);
    /* no policy: null */
    RUN("-f", "json", f);
    PARSE_JSON();
    JNULL("gate.policy");
    JNULL("gate.policy_source");
    JNULL("gate.max_risk");
    assert_int_equal(json_array_size(jget(J, "gate.checks")), 0);
}

static void test_gate_policy_errors(void **state)
{
    (void)state;
    static const char *const bad[] = {"hipaa", "k=0", "k=", "k=two", ""};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        RUN("--policy", bad[i], fixture("gate_k2.csv"));
        EXPECT_STATUS(2);
        OUT_EMPTY();
        ERR_HAS("ema, nhs-small-numbers, k=K");
    }
    RUN("--require-max-risk", "2", fixture("gate_k2.csv"));
    EXPECT_STATUS(2);
    ERR_HAS("--require-max-risk");
    RUN("--require-max-risk", "x", fixture("gate_k2.csv"));
    EXPECT_STATUS(2);
}

/* ------------------------------------------------------------------------- */
/* Output: the JSON schema, --output, --help, --version                      */
/* ------------------------------------------------------------------------- */

static void test_output_json_schema(void **state)
{
    (void)state;
    RUN("--qi", "age,sex,race", "-f", "json", test_data("adult.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    JTYPE("tool", JSON_OBJECT);
    JSTR("tool.name", "reid-check");
    JSTR("tool.version", REID_VERSION_STRING);
    JTYPE("input", JSON_OBJECT);
    JTYPE("input.source", JSON_STRING);
    JTYPE("input.records", JSON_INTEGER);
    JTYPE("input.skipped_rows", JSON_INTEGER);
    JTYPE("input.columns", JSON_INTEGER);
    JTYPE("input.delimiter", JSON_STRING);
    JTYPE("input.header", JSON_TRUE);
    json_t *q = JTYPE("quasi_identifiers", JSON_ARRAY);
    assert_int_equal(json_array_size(q), 3);
    for (size_t i = 0; i < json_array_size(q); i++)
        assert_true(json_is_string(json_array_get(q, i)));
    json_t *d = JTYPE("quasi_identifier_details", JSON_ARRAY);
    assert_int_equal(json_array_size(d), 3);
    for (size_t i = 0; i < 3; i++) {
        char p[128];
#define DETAIL(key, type)                                                                          \
    (snprintf(p, sizeof p, "quasi_identifier_details.%zu." key, i), JTYPE(p, type))
        DETAIL("name", JSON_STRING);
        DETAIL("column", JSON_INTEGER);
        DETAIL("type", JSON_STRING);
        DETAIL("reason", JSON_STRING);
        DETAIL("distinct_values", JSON_INTEGER);
        DETAIL("missing", JSON_INTEGER);
        DETAIL("missing_fraction", JSON_REAL);
        DETAIL("unrecognised", JSON_INTEGER);
#undef DETAIL
        /* the names in both lists agree */
        assert_string_equal(json_string_value(json_object_get(json_array_get(d, i), "name")),
                            json_string_value(json_array_get(q, i)));
    }
    JTYPE("columns_noted", JSON_ARRAY);
    JTYPE("missing_values.rule", JSON_STRING);
    JTYPE("missing_values.tokens", JSON_ARRAY);
    JTYPE("equivalence_classes", JSON_OBJECT);
    JTYPE("equivalence_classes.count", JSON_INTEGER);
    JTYPE("equivalence_classes.min_size", JSON_INTEGER);
    JTYPE("equivalence_classes.max_size", JSON_INTEGER);
    JTYPE("equivalence_classes.mean_size", JSON_REAL);
    json_t *h = JTYPE("equivalence_classes.histogram", JSON_ARRAY);
    assert_true(json_array_size(h) > 0);
    uint64_t prev = 0;
    for (size_t i = 0; i < json_array_size(h); i++) {
        json_t *e = json_array_get(h, i);
        assert_true(json_is_object(e));
        assert_true(json_is_integer(json_object_get(e, "size")));
        assert_true(json_is_integer(json_object_get(e, "classes")));
        uint64_t size = (uint64_t)json_integer_value(json_object_get(e, "size"));
        assert_true(size > prev); /* ascending, no repeats */
        prev = size;
    }
    json_t *dist = JTYPE("equivalence_classes.size_distribution", JSON_ARRAY);
    assert_int_equal(json_array_size(dist), REID_NBUCKETS);
    uint64_t bucket_records = 0, bucket_classes = 0;
    for (size_t i = 0; i < json_array_size(dist); i++) {
        json_t *e = json_array_get(dist, i);
        assert_true(json_is_integer(json_object_get(e, "min_size")));
        assert_true(json_is_integer(json_object_get(e, "max_size")) ||
                    (i + 1 == REID_NBUCKETS && json_is_null(json_object_get(e, "max_size"))));
        assert_true(json_is_real(json_object_get(e, "records_fraction")));
        bucket_classes += (uint64_t)json_integer_value(json_object_get(e, "classes"));
        bucket_records += (uint64_t)json_integer_value(json_object_get(e, "records"));
    }
    assert_int_equal(bucket_classes, 528);
    assert_int_equal(bucket_records, 30162);
    JTYPE("k_anonymity", JSON_INTEGER);
    JTYPE("sample_uniques.records", JSON_INTEGER);
    JTYPE("sample_uniques.fraction", JSON_REAL);
    JTYPE("records_at_risk.threshold_k", JSON_INTEGER);
    JTYPE("records_at_risk.records", JSON_INTEGER);
    JTYPE("records_at_risk.fraction", JSON_REAL);
    JTYPE("risk.threshold_k", JSON_INTEGER);
    JTYPE("risk.prosecutor.highest", JSON_REAL);
    JTYPE("risk.prosecutor.highest_risk_records", JSON_INTEGER);
    JTYPE("risk.prosecutor.average", JSON_REAL);
    JTYPE("risk.prosecutor.records_at_risk_fraction", JSON_REAL);
    JTYPE("gate.passed", JSON_TRUE);
    JTYPE("run.elapsed_seconds", JSON_REAL);
    JTYPE("run.peak_rss_bytes", JSON_INTEGER);
    JTYPE("run.table_bytes", JSON_INTEGER);
    /* one object, then a newline, nothing else */
    assert_true(R.out_len > 2 && R.out[R.out_len - 1] == '\n' && R.out[R.out_len - 2] == '}');
}

static void test_output_file(void **state)
{
    (void)state;
    const char *dir = fresh_dir("out");
    char out[4096];
    snprintf(out, sizeof out, "%s/report.json", dir);
    RUN("--qi", "age,sex,race", "-f", "json", "-o", out, test_data("adult.csv"));
    EXPECT_STATUS(0);
    OUT_EMPTY();
    ERR_EMPTY();
    size_t len;
    char *text = read_whole_file(out, &len);
    assert_non_null(text);
    forget_last();
    parse_json_at(text, len, __FILE__, __LINE__);
    free(text);
    JINT("input.records", 30162);
    JINT("equivalence_classes.count", 528);
    int tmp;
    assert_int_equal(dir_entries(dir, ".tmp.", &tmp), 1); /* report.json alone */
    assert_int_equal(tmp, 0);

    /* a second run replaces it, text this time */
    RUN("--qi", "age,sex,race", "--output", out, test_data("adult.csv"));
    EXPECT_STATUS(0);
    OUT_EMPTY();
    text = read_whole_file(out, &len);
    assert_non_null(text);
    int has = strstr(text, "62 of 30,162 records") != NULL && text[0] != '{';
    free(text);
    assert_true(has);
    assert_int_equal(dir_entries(dir, ".tmp.", &tmp), 1);
    assert_int_equal(tmp, 0);

    /* a failed gate still writes the report, and exits 1 */
    RUN("--qi", "age,sex,race", "-f", "json", "--require-k", "2", "-o", out,
        test_data("adult.csv"));
    EXPECT_STATUS(1);
    text = read_whole_file(out, &len);
    assert_non_null(text);
    forget_last();
    parse_json_at(text, len, __FILE__, __LINE__);
    free(text);
    JBOOL("gate.passed", 0);

    /* -o - is standard output */
    RUN("-f", "json", "-o", "-", fixture("gate_k2.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("input.records", 7);
}

static void test_output_file_on_error(void **state)
{
    (void)state;
    /* an input error creates no report file */
    const char *dir = fresh_dir("out_err");
    char out[4096];
    snprintf(out, sizeof out, "%s/report.json", dir);
    RUN("-f", "json", "-o", out, fixture("wrong_fields.csv"));
    EXPECT_STATUS(2);
    ERR_HAS("line 3");
    assert_false(file_exists(out));
    assert_int_equal(dir_entries(dir, NULL, NULL), 0);
    /* and leaves an existing one as it was */
    static const char old[] = "{\"previous\": \"report\"}\n";
    assert_int_equal(write_whole_file(out, old, sizeof old - 1), 0);
    static const char *const bad_inputs[] = {"wrong_fields.csv", "unterminated.csv", "empty.csv",
                                             "header_only.csv", "no_qi.csv"};
    for (size_t i = 0; i < sizeof bad_inputs / sizeof *bad_inputs; i++) {
        RUN("-f", "json", "-o", out, fixture(bad_inputs[i]));
        EXPECT_STATUS(2);
        size_t len;
        char *text = read_whole_file(out, &len);
        assert_non_null(text);
        int same = len == sizeof old - 1 && memcmp(text, old, len) == 0;
        free(text);
        assert_true(same);
        int tmp;
        assert_int_equal(dir_entries(dir, ".tmp.", &tmp), 1);
        assert_int_equal(tmp, 0);
    }
    /* a usage error too */
    RUN("-k", "0", "-o", out, fixture("gate_k2.csv"));
    EXPECT_STATUS(2);
    char *text = read_whole_file(out, NULL);
    assert_non_null(text);
    int same = strcmp(text, old) == 0;
    free(text);
    assert_true(same);
}

static void test_output_unwritable(void **state)
{
    (void)state;
    char out[4096];
    snprintf(out, sizeof out, "%s/no-such-dir/report.json", g_scratch);
    RUN("-f", "json", "-o", out, fixture("gate_k2.csv"));
    EXPECT_STATUS(3);
    OUT_EMPTY();
    ERR_HAS("no-such-dir");
    assert_false(file_exists(out));
}

static void test_output_file_name_not_utf8(void **state)
{
    (void)state;
    /* a Latin-1 file name: the JSON report is still written (the name made JSON-safe) */
    const char *p = SCRATCH_CSV("caf\xE9.csv", "sex,age\nM,30\nM,30\nF,40\n");
    RUN("-f", "json", p);
    EXPECT_STATUS(0);
    ERR_EMPTY();
    PARSE_JSON();
    JINT("input.records", 3);
    json_t *src = JTYPE("input.source", JSON_STRING);
    TEXT_HAS(json_string_value(src), ".csv");
    /* and the first skipped row's message, which names the file */
    p = SCRATCH_CSV("caf\xE9-bad.csv", "sex,age\nM,30\nM\nF,40\n");
    RUN("-f", "json", "--skip-bad-rows", p);
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("input.skipped_rows", 1);
    json_t *first = JTYPE("input.first_skipped_row", JSON_STRING);
    TEXT_HAS(json_string_value(first), "line 3");
}

static void test_output_help(void **state)
{
    (void)state;
    static const char *const flags[] = {"--help", "-h"};
    for (size_t i = 0; i < 2; i++) {
        RUN(flags[i]);
        EXPECT_STATUS(0);
        ERR_EMPTY();
        OUT_HAS("Usage: reid-check");
        OUT_HAS("Exit status");
        OUT_HAS("0  the analysis ran");
        OUT_HAS("1  a gate");
        OUT_HAS("2  usage error");
        OUT_HAS("3  internal error");
        OUT_HAS("--qi");
        OUT_HAS("--require-k");
        OUT_HAS("--max-uniques");
        OUT_HAS("--policy NAME");
        OUT_HAS("--require-max-risk");
    }
    /* --help wins over a missing input file */
    RUN("--format", "json", "--help");
    EXPECT_STATUS(0);
    OUT_HAS("Usage: reid-check");
}

static void test_output_version(void **state)
{
    (void)state;
    static const char *const flags[] = {"--version", "-V"};
    for (size_t i = 0; i < 2; i++) {
        RUN(flags[i]);
        EXPECT_STATUS(0);
        ERR_EMPTY();
        assert_string_equal(R.out, "reid-check " REID_VERSION_STRING "\n");
    }
}

/* ------------------------------------------------------------------------- */
/* Privacy: no value of a record in any report or message                    */
/* ------------------------------------------------------------------------- */

/* The unique record's values, raw and normalised. */
static const char *const secret_values[] = {
    "ZZ9",        "9ZZ", "ZZ99ZZ",  "1901-02", "Q87", "Q874",           /* the unique record */
    "ZZ8",        "8ZZ", "1902-03", "ZZ7",     "7ZZ", "1903-04", "Q86", /* the malformed rows */
    "SECRETVALUE"};

static void assert_no_secrets_at(const char *text, const char *what, const char *file, int line)
{
    for (size_t i = 0; i < sizeof secret_values / sizeof *secret_values; i++) {
        if (strstr(text, secret_values[i])) {
            print_error("%s:%d: %s contains \"%s\"\n", file, line, what, secret_values[i]);
            show_run();
            _fail(file, line);
        }
    }
}
#define NO_SECRETS(text, what) assert_no_secrets_at((text), (what), __FILE__, __LINE__)

static void test_privacy_reports(void **state)
{
    (void)state;
    const char *f = fixture("privacy.csv");
    /* 4 records of one class and 1 unique (ZZ9 9ZZ, 1901-02-03, M, Q87.4) */
    RUN("-f", "json", f);
    EXPECT_STATUS(0);
    PARSE_JSON();
    JSTRINGS("quasi_identifiers", "postcode", "date_of_birth", "sex", "diagnosis");
    JINT("sample_uniques.records", 1);
    JHIST(1, 1, 4, 1);
    NO_SECRETS(R.out, "the JSON report");
    NO_SECRETS(R.err, "stderr");
    RUN(f);
    EXPECT_STATUS(0);
    OUT_HAS("1 of 5 records");
    NO_SECRETS(R.out, "the text report");
    NO_SECRETS(R.err, "stderr");
    /* with a gate and a threshold, and into a file */
    char out[4096];
    snprintf(out, sizeof out, "%s/privacy-report.txt", fresh_dir("privacy"));
    RUN("--require-k", "5", "--max-uniques", "0", "-k", "10", "-o", out, f);
    EXPECT_STATUS(1);
    char *text = read_whole_file(out, NULL);
    assert_non_null(text);
    TEXT_HAS(text, "Release gate: FAILED");
    NO_SECRETS(text, "the report file");
    free(text);
}

static void test_privacy_messages(void **state)
{
    (void)state;
    /* malformed rows holding distinctive values: the messages name places, not values */
    const char *f = fixture("privacy_bad_rows.csv");
    RUN("-f", "json", "--skip-bad-rows", f);
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("input.records", 3);
    JINT("input.skipped_rows", 2);
    NO_SECRETS(R.out, "the JSON report");
    RUN("--skip-bad-rows", f);
    EXPECT_STATUS(0);
    OUT_HAS("malformed rows skipped");
    NO_SECRETS(R.out, "the text report");
    RUN(f);
    EXPECT_STATUS(2);
    ERR_HAS("line 3");
    NO_SECRETS(R.err, "the error message");
    /* invalid UTF-8 next to a distinctive value */
    const char *p = SCRATCH_CSV("privacy_utf8.csv", "postcode,sex\nLS1 4AP,F\nZZ9 9ZZ\xFF,M\n");
    RUN(p);
    EXPECT_STATUS(2);
    ERR_HAS("line 3, column 1 (postcode)");
    NO_SECRETS(R.err, "the error message");
    /* an overlong field */
    p = SCRATCH_CSV("privacy_long.csv", "postcode,sex\nLS1 4AP,F\nZZ9 9ZZ SECRETVALUE,M\n");
    RUN("--max-field-size", "16", p);
    EXPECT_STATUS(2);
    ERR_HAS("line 3, column 1");
    NO_SECRETS(R.err, "the error message");
}

/* ------------------------------------------------------------------------- */
/* The sample extract (data/sample-extract.csv)                              */
/* ------------------------------------------------------------------------- */

static void test_sample_extract(void **state)
{
    (void)state;
    char path[4096];
    snprintf(path, sizeof path, "%s/../data/sample-extract.csv", g_tests);
    RUN("-f", "json", path);
    EXPECT_STATUS(0);
    ERR_EMPTY();
    PARSE_JSON();
    JSTRINGS("quasi_identifiers", "postcode", "date_of_birth", "sex", "ethnicity", "diagnosis");
    JSTR("quasi_identifier_details.0.type", "postcode");
    JSTR("quasi_identifier_details.1.type", "date");
    JSTR("quasi_identifier_details.2.type", "sex");
    JSTR("quasi_identifier_details.3.type", "text");
    JSTR("quasi_identifier_details.4.type", "code");
    JINT("input.records", 10000);
    JINT("input.skipped_rows", 0);
    JSTR("input.delimiter", ",");
    uint64_t records, classes;
    hist_sums(&records, &classes);
    assert_int_equal(records, 10000);
    json_t *count = JTYPE("equivalence_classes.count", JSON_INTEGER);
    assert_int_equal(classes, json_integer_value(count));
    /* the pseudonym, the age (implied by the date of birth) and the admission date are noted */
    json_t *noted = JTYPE("columns_noted", JSON_ARRAY);
    int pseudonym = 0, age = 0, admission = 0;
    for (size_t i = 0; i < json_array_size(noted); i++) {
        const char *n = json_string_value(json_object_get(json_array_get(noted, i), "name"));
        assert_non_null(n);
        pseudonym |= strcmp(n, "pseudonym") == 0;
        age |= strcmp(n, "age") == 0;
        admission |= strcmp(n, "admission_date") == 0;
    }
    assert_true(pseudonym && age && admission);
    /* the text report runs too */
    RUN(path);
    EXPECT_STATUS(0);
    OUT_HAS("of 10,000 records");
}

/* ------------------------------------------------------------------------- */
/* From the sample to the population (docs/population.md), against ARX 3.9.2 */
/* ------------------------------------------------------------------------- */

/* The real at path (it must be one). */
static double jnum(const char *path)
{
    return json_real_value(JTYPE(path, JSON_REAL));
}

static void test_population_arx_001(void **state)
{
    (void)state;
    /* the fraction as a number, as a percentage, and as the population size it names */
    static const char *const forms[][2] = {
        {"--sampling-fraction", "0.01"},
        {"--sampling-fraction", "1%"},
        {"--population-size", "3016200"},
    };
    for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
        RUN("--qi", "age,sex,race", "-f", "json", forms[i][0], forms[i][1], test_data("adult.csv"));
        EXPECT_STATUS(0);
        ERR_EMPTY();
        PARSE_JSON();
        check_adult_figures(); /* the sample's figures do not change */
        JTYPE("population", JSON_OBJECT);
        JINT("population.size", 3016200);
        JREAL("population.sampling_fraction", 0.01, 1e-12);
        JBOOL("population.models.zayatz.available", 1);
        JREAL("population.models.zayatz.uniques", 64.03916539861781, 1e-9);
        JREAL("population.models.zayatz.fraction", 64.03916539861781 / 3016200, 1e-9);
        JBOOL("population.models.pitman.available", 1);
        JREAL("population.models.pitman.uniques", 93.59491220587782, 1e-4);
        JREAL("population.models.pitman.fraction", 93.59491220587782 / 3016200, 1e-4);
        /* ARX: the SNB fit does not converge; that is "unavailable", never 0 */
        JBOOL("population.models.snb.available", 0);
        JNULL("population.models.snb.uniques");
        JNULL("population.models.snb.fraction");
        JSTR("population.dankar.model", "pitman");
        JREAL("population.dankar.uniques", jnum("population.models.pitman.uniques"), 0);
        JREAL("population.dankar.fraction", jnum("population.models.pitman.fraction"), 0);
    }
}

static void test_population_arx_01(void **state)
{
    (void)state;
    RUN("--qi", "age,sex,race", "-f", "json", "--sampling-fraction", "0.1", test_data("adult.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("population.size", 301620);
    JREAL("population.sampling_fraction", 0.1, 1e-12);
    JREAL("population.models.zayatz.uniques", 38.41939802479843, 1e-9);
    JREAL("population.models.pitman.uniques", 92.65921249384856, 1e-4);
    JSTR("population.dankar.model", "pitman");
    JREAL("population.dankar.uniques", jnum("population.models.pitman.uniques"), 0);
}

static void test_population_uk(void **state)
{
    (void)state;
    RUN("--qi", "age,sex,race", "-f", "json", "--population", "uk", test_data("adult.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("population.size", 63705000);
    JREAL("population.sampling_fraction", 30162.0 / 63705000.0, 1e-12);
    JSTR("population.dankar.model", "pitman");
    /* the last of --population-size, --sampling-fraction, --population wins */
    RUN("--qi", "age,sex,race", "-f", "json", "--population", "UK", "--sampling-fraction", "0.1",
        test_data("adult.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("population.size", 301620);
}

static void test_population_text(void **state)
{
    (void)state;
    RUN("--qi", "age,sex,race", "--sampling-fraction", "0.01", test_data("adult.csv"));
    EXPECT_STATUS(0);
    OUT_HAS("From the sample to the population");
    OUT_HAS("The population is 3,016,200 people; the extract's 30,162 records are 1.00% of it.");
    OUT_HAS("About 94 people in the population are estimated to be unique on age, sex and race.");
    OUT_HAS("This is the Pitman model's estimate: Dankar et al.'s rule prefers it");
    OUT_HAS("Zayatz model");
    OUT_HAS("about 64 people in the population are unique on age, sex and race");
    OUT_HAS("Pitman model");
    OUT_HAS("SNB model");
    OUT_HAS("Not available: the fit did not converge");
    /* without a population, no such section */
    RUN("--qi", "age,sex,race", test_data("adult.csv"));
    EXPECT_STATUS(0);
    OUT_LACKS("From the sample to the population");
}

static void test_population_none_requested(void **state)
{
    (void)state;
    RUN("--qi", "age,sex,race", "-f", "json", test_data("adult.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    JNULL("population");
}

static void test_population_no_uniques(void **state)
{
    (void)state;
    /* on sex alone every class is large: no uniques, nothing to estimate */
    RUN("--qi", "sex", "-f", "json", "--sampling-fraction", "1", test_data("adult.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("population.size", 30162);
    JREAL("population.sampling_fraction", 1.0, 1e-15);
    JSTR("population.dankar.model", "none");
    JREAL("population.dankar.uniques", 0.0, 0);
    JBOOL("population.models.pitman.available", 1);
    JREAL("population.models.pitman.uniques", 0.0, 0);
    RUN("--qi", "sex", "--sampling-fraction", "1", test_data("adult.csv"));
    EXPECT_STATUS(0);
    OUT_HAS("No record is unique in the extract, so no one is estimated to be unique");
}

static void test_population_bad_values(void **state)
{
    (void)state;
    const char *adult = test_data("adult.csv");
    static const char *const bad[][3] = {
        {"--sampling-fraction", "0", "--sampling-fraction takes a fraction greater than 0"},
        {"--sampling-fraction", "1.5", "--sampling-fraction takes a fraction greater than 0"},
        {"--sampling-fraction", "-0.1", "--sampling-fraction"},
        {"--sampling-fraction", "150%", "--sampling-fraction"},
        {"--sampling-fraction", "lots", "--sampling-fraction"},
        {"--sampling-fraction", "nan", "--sampling-fraction"},
        {"--population-size", "0", "--population-size takes a whole number"},
        {"--population-size", "-5", "--population-size"},
        {"--population-size", "1e6", "--population-size"},
        {"--population", "france", "--population knows 'uk'"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        RUN("--qi", "age,sex,race", bad[i][0], bad[i][1], adult);
        EXPECT_STATUS(2);
        OUT_EMPTY();
        ERR_HAS(bad[i][2]);
    }
    /* a population smaller than the extract: known only once the records are counted */
    RUN("--qi", "age,sex,race", "--population-size", "30161", adult);
    EXPECT_STATUS(2);
    OUT_EMPTY();
    ERR_HAS("the population size 30,161 is smaller than the 30,162 records read");
    RUN("--qi", "age,sex,race", "-f", "json", "--population-size", "30162", adult);
    EXPECT_STATUS(0);
    PARSE_JSON();
    JREAL("population.sampling_fraction", 1.0, 1e-15);
    /* the help lists the options */
    RUN("--help");
    OUT_HAS("--sampling-fraction F");
    OUT_HAS("--population-size N");
    OUT_HAS("--population uk");
}

/* ------------------------------------------------------------------------- */
/* Sampling weights: individual risk (docs/individual-risk.md)               */
/* ------------------------------------------------------------------------- */

/*
 * tests/fixtures/weights.csv, QIs region, sex, weight column "weight":
 *   (N,F) f = 1, F = 100: r = ln(100)/99                 = 0.04652
 *   (N,M) f = 2, F = 100: x = 49, r = (49 - ln 50)/49^2  = 0.01878
 *   (S,F) f = 3, F = 10:  r = 3 / (10*2 + 3)             = 0.13043
 *   (S,M) f = 2, F = 2:   F = f, r = 1/2
 */
static double weights_er(void)
{
    return log(100.0) / 99 + 2 * (49 - log(50.0)) / (49.0 * 49.0) + 3 * 3.0 / 23 + 2 * 0.5;
}

static void test_weights_json(void **state)
{
    (void)state;
    RUN("--qi", "region,sex", "--weight", "weight", "-f", "json", fixture("weights.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    JTYPE("risk.individual", JSON_OBJECT);
    JSTR("risk.individual.weight_column", "weight");
    JREAL("risk.individual.total_weight", 212, 1e-12);
    JREAL("risk.individual.expected_reidentifications", weights_er(), 1e-12);
    JREAL("risk.individual.global_risk", weights_er() / 8, 1e-12);
    JREAL("risk.individual.max", 0.5, 0);
    JINT("risk.individual.max_records", 2);
    JREAL("risk.individual.threshold", 0.1, 0);
    JINT("risk.individual.records_above_threshold", 5);
    JREAL("risk.individual.records_above_threshold_fraction", 5.0 / 8, 1e-15);
    static const long long bands[6] = {0, 3, 0, 3, 0, 2};
    static const double lows[6] = {0, 0.01, 0.05, 0.1, 0.2, 0.5};
    for (int i = 0; i < 6; i++) {
        char p[96];
        snprintf(p, sizeof p, "risk.individual.distribution.%d.records", i);
        JINT(p, bands[i]);
        snprintf(p, sizeof p, "risk.individual.distribution.%d.min_risk", i);
        JREAL(p, lows[i], 0);
        snprintf(p, sizeof p, "risk.individual.distribution.%d.max_risk", i);
        if (i < 5)
            JREAL(p, lows[i + 1], 0);
        else
            JNULL(p);
    }
    /* --risk-threshold, as a fraction or a percentage; the threshold is strict */
    RUN("--qi", "region,sex", "--weight", "weight", "--risk-threshold", "50%", "-f", "json",
        fixture("weights.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    JREAL("risk.individual.threshold", 0.5, 0);
    JINT("risk.individual.records_above_threshold", 0);
    RUN("--qi", "region,sex", "--weight", "weight", "--risk-threshold", "0.01", "-f", "json",
        fixture("weights.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("risk.individual.records_above_threshold", 8);
    /* without --weight: no risk.individual, and nothing else changes */
    RUN("--qi", "region,sex", "-f", "json", fixture("weights.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    if (json_object_get(json_object_get(J, "risk"), "individual")) fail_msg("risk.individual");
    JTYPE("risk.prosecutor", JSON_OBJECT);
    /* the weight column by number without a header; every thread count agrees */
    const char *nh = SCRATCH_CSV("weights_nh.csv", "N,F,100\nN,M,40\nN,M,60\nS,F,2\nS,F,3\n"
                                                   "S,F,5\nS,M,1\nS,M,1\n");
    for (int t = 1; t <= 3; t++) {
        char tn[8];
        snprintf(tn, sizeof tn, "%d", t);
        RUN("--no-header", "--qi", "1,2", "--weight", "3", "-j", tn, "-f", "json", nh);
        EXPECT_STATUS(0);
        PARSE_JSON();
        JREAL("risk.individual.expected_reidentifications", weights_er(), 1e-12);
    }
}

static void test_weights_text(void **state)
{
    (void)state;
    RUN("--qi", "region,sex", "--weight", "weight", fixture("weights.csv"));
    EXPECT_STATUS(0);
    OUT_HAS("Individual risk with sampling weights (docs/individual-risk.md)");
    OUT_HAS("The weights in column 'weight' say the 8 records stand for about 212 people.");
    OUT_HAS("would be right about 1.475 times");
    OUT_HAS("That is a global risk of 18.4%");
    OUT_HAS("The most exposed records (2 of them) have a 50% chance of being re-identified.");
    OUT_HAS("5 records (62.50%) have a risk above 10% (--risk-threshold).");
    RUN("--qi", "region,sex", fixture("weights.csv"));
    EXPECT_STATUS(0);
    OUT_LACKS("Individual risk with sampling weights");
    RUN("--help");
    OUT_HAS("--weight COL");
    OUT_HAS("--risk-threshold T");
}

static void test_weights_errors(void **state)
{
    (void)state;
    /* a weight that is not a number: exit 2, naming file, line and column */
    const char *bad = SCRATCH_CSV("bad_weight.csv", "region,sex,weight\nN,F,100\nN,M,lots\n");
    RUN("--qi", "region,sex", "--weight", "weight", bad);
    EXPECT_STATUS(2);
    OUT_EMPTY();
    ERR_HAS("bad_weight.csv: line 3, column 3 (weight): the weight is not a number");
    ERR_LACKS("lots"); /* no value of a record in a message */
    /* ... skipped with --skip-bad-rows */
    RUN("--qi", "region,sex", "--weight", "weight", "--skip-bad-rows", "-f", "json", bad);
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("input.records", 1);
    JINT("input.skipped_rows", 1);
    JREAL("risk.individual.max", log(100.0) / 99, 1e-15); /* one record of weight 100 */
    /* zero, negative, missing */
    const char *zero = SCRATCH_CSV("zero_weight.csv", "region,sex,weight\nN,F,0\n");
    RUN("--qi", "region,sex", "--weight", "weight", zero);
    EXPECT_STATUS(2);
    ERR_HAS("line 2, column 3 (weight): the weight is not a finite number greater than 0");
    const char *none = SCRATCH_CSV("no_weight.csv", "region,sex,weight\nN,F,\n");
    RUN("--qi", "region,sex", "--weight", "weight", none);
    EXPECT_STATUS(2);
    ERR_HAS("line 2, column 3 (weight): the weight is missing");
    /* the weight column is also a QI */
    RUN("--qi", "region,weight", "--weight", "weight", fixture("weights.csv"));
    EXPECT_STATUS(2);
    OUT_EMPTY();
    ERR_HAS("column 3 ('weight') cannot be both the weight column and a quasi-identifier");
    /* unknown weight column, with a suggestion */
    RUN("--qi", "region,sex", "--weight", "wieght", fixture("weights.csv"));
    EXPECT_STATUS(2);
    ERR_HAS("no weight column named 'wieght'; did you mean 'weight'?");
    /* bad options */
    RUN("--qi", "region,sex", "--weight", "weight", "--risk-threshold", "2",
        fixture("weights.csv"));
    EXPECT_STATUS(2);
    ERR_HAS("--risk-threshold takes a risk from 0 to 1");
    RUN("--qi", "region,sex", "--weight", "", fixture("weights.csv"));
    EXPECT_STATUS(2);
    ERR_HAS("--weight takes a column name");
}

/* ------------------------------------------------------------------------- */

/* ------------------------------------------------------------------------- */
/* Missing matches anything (docs/missing-wildcard.md)                       */
/* ------------------------------------------------------------------------- */

#define JLEN(path, n) assert_int_equal(json_array_size(JTYPE((path), JSON_ARRAY)), (n))

/* tests/fixtures/wildcard.csv is sdcMicro's T1 (PEER-FORMULAS.md TV-S1, TV-S2). */
static void test_wildcard_json(void **state)
{
    (void)state;
    /* the default: a missing value is a value of its own */
    RUN("--qi", "A,B,C", "-f", "json", fixture("wildcard.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    JSTR("missing_values.rule", "own_value");
    if (json_object_get(json_object_get(J, "missing_values"), "alpha")) fail_msg("alpha");
    JINT("sample_uniques.records", 6);
    JINT("k_anonymity", 1);
    /* sdcMicro's rule: fk = 3, 3, 4, 2, 4, 4, 8, 2 */
    RUN("--qi", "A,B,C", "--missing-matches-any", "-f", "json", fixture("wildcard.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    JSTR("missing_values.rule", "matches_any");
    JREAL("missing_values.alpha", 1, 0);
    JINT("input.records", 8);
    JINT("equivalence_classes.count", 7);
    JINT("k_anonymity", 2);
    JINT("equivalence_classes.min_size", 2);
    JINT("equivalence_classes.max_size", 8);
    JREAL("equivalence_classes.mean_size", 30.0 / 8, 1e-15);
    JINT("sample_uniques.records", 0);
    JINT("records_at_risk.records", 7);
    JREAL("risk.prosecutor.highest", 0.5, 0);
    JINT("risk.prosecutor.highest_risk_records", 2);
    static const long long hist[4][3] = {{2, 2, 2}, {3, 1, 2}, {4, 3, 3}, {8, 1, 1}};
    JLEN("equivalence_classes.histogram", 4);
    for (int i = 0; i < 4; i++) {
        char p[96];
        snprintf(p, sizeof p, "equivalence_classes.histogram.%d.size", i);
        JINT(p, hist[i][0]);
        snprintf(p, sizeof p, "equivalence_classes.histogram.%d.classes", i);
        JINT(p, hist[i][1]);
        snprintf(p, sizeof p, "equivalence_classes.histogram.%d.records", i);
        JINT(p, hist[i][2]);
    }
    /* with the weights: TV-S2 end to end */
    RUN("--qi", "A,B,C", "--weight", "w", "--missing-matches-any", "-f", "json",
        fixture("wildcard.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    JREAL("risk.individual.expected_reidentifications", 0.210360839, 1e-9);
    JREAL("risk.individual.global_risk", 0.02629510488, 1e-9);
    /* the gate follows the rule: 2-anonymous now */
    RUN("--qi", "A,B,C", "--missing-matches-any", "--require-k", "2", "-q",
        fixture("wildcard.csv"));
    EXPECT_STATUS(0);
    RUN("--qi", "A,B,C", "--require-k", "2", "-q", fixture("wildcard.csv"));
    EXPECT_STATUS(1);
}

static void test_wildcard_alpha(void **state)
{
    (void)state;
    /* alpha = 0.5: fk = 2.5, 2.5, 3.5, 1.5, 3, 3, 8, 1.5 */
    RUN("--qi", "A,B,C", "--missing-matches-any=0.5", "-f", "json", fixture("wildcard.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    JSTR("missing_values.rule", "matches_any");
    JREAL("missing_values.alpha", 0.5, 0);
    JINT("k_anonymity", 1);
    JINT("sample_uniques.records", 2);
    JREAL("sample_uniques.fraction", 0.25, 0);
    JLEN("equivalence_classes.histogram", 5);
    JREAL("equivalence_classes.histogram.0.size", 1.5, 0);
    JINT("equivalence_classes.histogram.0.classes", 2);
    JREAL("equivalence_classes.histogram.1.size", 2.5, 0);
    JINT("equivalence_classes.histogram.1.records", 2);
    JINT("equivalence_classes.histogram.2.size", 3);
    JREAL("risk.prosecutor.highest", 1 / 1.5, 1e-15);
    /* a percentage works too; 0 counts only the complete matches */
    RUN("--qi", "A,B,C", "--missing-matches-any=50%", "-f", "json", fixture("wildcard.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    JREAL("missing_values.alpha", 0.5, 0);
    RUN("--qi", "A,B,C", "--missing-matches-any=0", "-f", "json", fixture("wildcard.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("sample_uniques.records", 2); /* fk = 2, 2, 3, 1, 2, 2, 8, 1 */
    JINT("equivalence_classes.histogram.0.size", 1);
}

static void test_wildcard_text_and_errors(void **state)
{
    (void)state;
    RUN("--qi", "A,B,C", "--missing-matches-any", fixture("wildcard.csv"));
    EXPECT_STATUS(0);
    OUT_HAS("0 of 8 records (0.00%) are unique on A, B, C; the extract is 2-anonymous.");
    OUT_HAS("a missing value matches any value");
    RUN("--qi", "A,B,C", "--missing-matches-any=2", fixture("wildcard.csv"));
    EXPECT_STATUS(2);
    ERR_HAS("--missing-matches-any takes a weight alpha from 0 to 1");
    RUN("--qi", "A,B,C", "--missing-matches-any=x", fixture("wildcard.csv"));
    EXPECT_STATUS(2);
    RUN("--help");
    OUT_HAS("--missing-matches-any[=ALPHA]");
}

static const struct CMUnitTest arx_tests[] = {
    T(test_arx_given_qis),
    T(test_arx_records_at_risk),
    T(test_arx_autodetect),
    T(test_arx_text_report),
};

static const struct CMUnitTest input_tests[] = {
    T(test_input_sniff),
    T(test_input_delimiter_override),
    T(test_input_crlf),
    T(test_input_cr_only),
    T(test_input_bom),
    T(test_input_no_final_newline),
    T(test_input_quoted_fields),
    T(test_input_no_header),
    T(test_input_postcodes),
    T(test_input_dates),
    T(test_input_missing_values),
    T(test_input_missing_override),
    T(test_input_stdin),
    T(test_input_gzip),
    T(test_input_all_missing),
    T(test_input_utf8_outside_qis),
};

static const struct CMUnitTest errors_tests[] = {
    T(test_errors_wrong_field_count), T(test_errors_unterminated_quote),
    T(test_errors_bad_quote),         T(test_errors_nul_byte),
    T(test_errors_invalid_utf8),      T(test_errors_empty_and_header_only),
    T(test_errors_duplicate_columns), T(test_errors_field_size),
    T(test_errors_unknown_qi),        T(test_errors_no_qi),
    T(test_errors_skip_bad_rows),     T(test_errors_bad_options),
    T(test_errors_input_files),       T(test_errors_line_numbers_long_file),
};

static const struct CMUnitTest gate_tests[] = {
    T(test_gate_require_k_adult),
    T(test_gate_require_k_boundary),
    T(test_gate_max_uniques_adult),
    T(test_gate_max_uniques_boundary),
    T(test_gate_quiet),
    T(test_gate_policy_adult),
    T(test_gate_policy_k2),
    T(test_gate_policy_errors),
};

static const struct CMUnitTest output_tests[] = {
    T(test_output_json_schema),
    T(test_output_file),
    T(test_output_file_on_error),
    T(test_output_unwritable),
    T(test_output_file_name_not_utf8),
    T(test_output_help),
    T(test_output_version),
};

/* A forgotten --no-header: the first record would become the column names, which messages and
 * reports print. Refused without naming them; --header and --no-header both say what is meant. */
static void test_privacy_forgotten_no_header(void **state)
{
    (void)state;
    const char *p = SCRATCH_CSV("headless.csv", "SW1A 1AA,1961-03-14,F,Q8\n"
                                                "EC1A 1BB,1970-01-31,M,Q9\n"
                                                "EC1A 1BB,1970-01-31,M,Q9\n");
    RUN("-f", "json", p);
    EXPECT_STATUS(2);
    OUT_EMPTY();
    ERR_HAS("headless.csv: line 1: the first row looks like data, not a header (2 of its 4 fields "
            "read as a number, a date or a postcode, the first in column 1)");
    ERR_HAS("--no-header");
    ERR_LACKS("SW1A");
    ERR_LACKS("1961");
    ERR_LACKS("Q8");
    RUN("-f", "json", "--no-header", "--qi", "1,2,3", p);
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("input.records", 3);
    JINT("equivalence_classes.count", 2);
    /* --header: the user takes the first row as names, knowingly */
    RUN("-f", "json", "--header", "--qi", "sw1a 1aa", p);
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("input.records", 2);
    /* a number alone is enough; names that merely contain digits are not data */
    p = SCRATCH_CSV("numbers.csv", "age,42\n30,1\n");
    RUN("-f", "json", p);
    EXPECT_STATUS(2);
    ERR_HAS("(1 of its 2 fields read as a number, a date or a postcode, the first in column 2)");
    p = SCRATCH_CSV("named.csv", "age2,sex,2011 census area,dob_1970\n30,M,x,y\n");
    RUN("-f", "json", "--qi", "age2,sex", p);
    EXPECT_STATUS(0);
}

static const struct CMUnitTest privacy_tests[] = {
    T(test_privacy_reports),
    T(test_privacy_messages),
    T(test_privacy_forgotten_no_header),
};

/* ---- scale: the worked example of docs/metrics.md, threads, memory limit ---- */

static void test_scale_worked_example(void **state)
{
    (void)state;
    /* docs/metrics.md: sizes {1, 1, 2, 3, 3}, n = 10, u = 5 */
    RUN("-f", "json", "-k", "3", fixture("worked_example.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("input.records", 10);
    JINT("equivalence_classes.count", 5);
    JINT("k_anonymity", 1);
    JINT("equivalence_classes.max_size", 3);
    JREAL("equivalence_classes.mean_size", 2.0, 1e-15);
    JINT("sample_uniques.records", 2);
    JREAL("sample_uniques.fraction", 0.2, 1e-15);
    JREAL("risk.prosecutor.highest", 1.0, 1e-15);
    JINT("risk.prosecutor.highest_risk_records", 2);
    JREAL("risk.prosecutor.average", 0.5, 1e-15);
    JINT("records_at_risk.records", 4);
    JREAL("records_at_risk.fraction", 0.4, 1e-15);
    JINT("equivalence_classes.size_distribution.0.classes", 2);
    JINT("equivalence_classes.size_distribution.0.records", 2);
    JINT("equivalence_classes.size_distribution.1.classes", 1);
    JINT("equivalence_classes.size_distribution.2.classes", 2);
    JINT("equivalence_classes.size_distribution.2.records", 6);
}

/* Every figure is the same for 1, 2 and 3 threads, on a file whose quoted newlines fall at
 * every offset of the reader's 1 MiB chunks and 4096-record batches. */
static void test_scale_threads_identical(void **state)
{
    (void)state;
    size_t cap = 8u << 20, len = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
    len += (size_t)snprintf(buf, cap, "id,postcode,age,note,sex\n");
    for (unsigned i = 0; len + 200 < cap; i++) {
        unsigned h = i * 2654435761u;
        if (i % 7 == 3)
            len += (size_t)snprintf(
                buf + len, cap - len,
                "%u,\"SW%u %uAB\",%u,\"line one\nline \"\"two\"\", with comma\",%c\r\n", i,
                h % 90 + 1, h % 9, h % 97, "MF"[h % 2]);
        else
            len += (size_t)snprintf(buf + len, cap - len, "%u,sw%u%uab,%u,plain note %u,%c\n", i,
                                    h % 90 + 1, h % 9, h % 97, i, "MF"[h % 2]);
    }
    const char *p = scratch_file("threads.csv", buf, len);
    free(buf);
    char *ref = NULL;
    const char *threads[] = {"1", "2", "3"};
    for (size_t t = 0; t < 3; t++) {
        RUN("-f", "json", "--qi", "postcode,age,sex", "-j", threads[t], p);
        EXPECT_STATUS(0);
        char *text = report_sans_run();
        JINT("run.threads", atoi(threads[t]));
        if (!ref) {
            ref = text;
            JINT("quasi_identifier_details.0.unrecognised", 0);
            continue;
        }
        if (strcmp(ref, text) != 0) {
            free(ref);
            free(text);
            fail_msg("the report with %s threads differs from the one with 1", threads[t]);
        }
        free(text);
    }
    free(ref);
}

static void test_scale_max_memory(void **state)
{
    (void)state;
    /* 200,000 distinct records: several MiB of tables */
    size_t cap = 4u << 20, len = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
    len += (size_t)snprintf(buf, cap, "a,b\n");
    for (unsigned i = 0; i < 200000; i++)
        len += (size_t)snprintf(buf + len, cap - len, "%u,%u\n", i, i % 13);
    const char *p = scratch_file("many.csv", buf, len);
    free(buf);
    RUN("-f", "json", "--qi", "a,b", "--max-memory", "1M", p);
    EXPECT_STATUS(3);
    ERR_HAS("memory limit of 1.0 MiB (--max-memory)");
    RUN("-f", "json", "--qi", "a,b", "--max-memory", "1G", p);
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("equivalence_classes.count", 200000);
    JINT("sample_uniques.records", 200000);
    RUN("--max-memory", "lots", p);
    EXPECT_STATUS(2);
    /* the sensitive column's dictionary and pair table count too: QI b (13 classes) with a as
     * the sensitive column has 200,000 distinct values and ~200,000 pairs, MiBs of tables,
     * while the class table stays tiny */
    RUN("-f", "json", "--qi", "b", "--sensitive", "a", "--max-memory", "2M", p);
    EXPECT_STATUS(3);
    ERR_HAS("memory limit of 2.0 MiB (--max-memory)");
    RUN("-f", "json", "--qi", "b", "--sensitive", "a", "--max-memory", "1G", p);
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("equivalence_classes.count", 13);
    /* the pairs' final sort after counting needs room of its own: limits from 12 to 16 MiB, in
     * steps of 256 KiB, are each met or refused with the limit named, and some that let the
     * counting through stop at the sort (the pairs of 200,000 records: a 2 MiB log, as much again
     * to sort it) */
    int sort_refused = 0;
    for (unsigned kib = 12 * 1024; kib <= 16 * 1024; kib += 256) {
        char lim[32];
        snprintf(lim, sizeof lim, "%uK", kib);
        RUN("-f", "json", "--qi", "b", "--sensitive", "a", "--max-memory", lim, p);
        if (R.status == 0) continue;
        EXPECT_STATUS(3);
        ERR_HAS("(--max-memory)");
        if (strstr(R.err, "sorting the pairs of sensitive column 'a'")) sort_refused++;
    }
    assert_true(sort_refused > 0);
    EXPECT_STATUS(0); /* 16 MiB is enough */
}

static const struct CMUnitTest scale_tests[] = {
    T(test_scale_worked_example),
    T(test_scale_threads_identical),
    T(test_scale_max_memory),
};

static const struct CMUnitTest population_tests[] = {
    T(test_population_arx_001),    T(test_population_arx_01),         T(test_population_uk),
    T(test_population_text),       T(test_population_none_requested), T(test_population_no_uniques),
    T(test_population_bad_values),
};

/* ------------------------------------------------------------------------- */
/* Sensitive attributes (docs/sensitive.md)                                  */
/* ------------------------------------------------------------------------- */

static void test_sensitive_adult(void **state)
{
    (void)state;
    /* ARX's l-diversity check: 2,946 records in classes with a single salary class */
    RUN("--qi", "age,sex,race", "--sensitive", "salary-class", "-f", "json",
        test_data("adult.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("sensitive_attributes.salary-class.homogeneous_records", 2946);
    JREAL("sensitive_attributes.salary-class.homogeneous_fraction", 2946.0 / 30162, 1e-15);
    JINT("sensitive_attributes.salary-class.l_distinct", 1);
    JREAL("sensitive_attributes.salary-class.l_entropy", 1, 0);
    JREAL("sensitive_attributes.salary-class.alpha", 1, 0);
    JNULL("sensitive_attributes.salary-class.beta_enhanced");
    JBOOL("sensitive_attributes.salary-class.numeric", 0);
    RUN("--qi", "age,sex,race", "--sensitive", "salary-class", test_data("adult.csv"));
    EXPECT_STATUS(0);
    OUT_HAS("2,946 records (9.77%) are in classes where everyone has the same salary-class: "
            "their salary-class is disclosed whatever k is.");
    /* l = 1 in words: one value, not "1 ... values" */
    OUT_HAS("Every class has at least 1 distinct salary-class value (distinct l-diversity).");
    OUT_HAS("as much variety as 1 equally common value (entropy l-diversity).");
    /* without --sensitive: no sensitive_attributes key */
    RUN("--qi", "age,sex,race", "-f", "json", test_data("adult.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    if (json_object_get(J, "sensitive_attributes")) fail_msg("sensitive_attributes");
}

static void test_sensitive_tvp1(void **state)
{
    (void)state;
    const char *tv = SCRATCH_CSV("tvp1.csv", "zip,age,disease,salary\n"
                                             "z1,30,flu,1\nz1,30,flu,2\nz1,30,cold,3\n"
                                             "z1,30,cancer,4\nz2,40,flu,5\nz2,40,flu,6\n"
                                             "z2,40,cold,7\nz3,50,cold,8\nz3,50,cancer,9\n"
                                             "z3,50,cold,10\n");
    for (int t = 1; t <= 2; t++) {
        char tn[8];
        snprintf(tn, sizeof tn, "%d", t);
        RUN("--qi", "zip,age", "--sensitive", "disease", "--sensitive", "salary", "--recursive-c",
            "3", "-j", tn, "-f", "json", tv);
        EXPECT_STATUS(0);
        PARSE_JSON();
        JINT("sensitive_attributes.disease.l_distinct", 2);
        JREAL("sensitive_attributes.disease.l_entropy", 1.8898815748423097, 1e-15);
        JREAL("sensitive_attributes.disease.recursive_c_l.c", 3, 0);
        JINT("sensitive_attributes.disease.recursive_c_l.l", 2);
        JREAL("sensitive_attributes.disease.t_closeness", 0.4, 1e-15);
        JREAL("sensitive_attributes.disease.alpha", 2.0 / 3, 1e-15);
        JREAL("sensitive_attributes.disease.beta_basic", 2.0 / 3, 1e-15);
        JREAL("sensitive_attributes.disease.beta_enhanced", 2.0 / 3, 1e-15);
        JREAL("sensitive_attributes.disease.delta", log(5.0 / 3), 1e-15);
        JINT("sensitive_attributes.disease.homogeneous_records", 0);
        JINT("sensitive_attributes.disease.missing_records", 0);
        JREAL("sensitive_attributes.salary.t_closeness", 7.0 / 18, 1e-15);
        JBOOL("sensitive_attributes.salary.numeric", 1);
    }
}

static void test_sensitive_errors(void **state)
{
    (void)state;
    RUN("--qi", "age,sex,race", "--sensitive", "age", test_data("adult.csv"));
    EXPECT_STATUS(2);
    ERR_HAS("column 2 ('age') cannot be both a sensitive column and a quasi-identifier");
    RUN("--qi", "age,sex,race", "--sensitive", "salary-clas", test_data("adult.csv"));
    EXPECT_STATUS(2);
    ERR_HAS("no sensitive column named 'salary-clas'; did you mean 'salary-class'?");
    RUN("--qi", "age,sex,race", "--sensitive", "salary-class", "--sensitive", "salary-class",
        test_data("adult.csv"));
    EXPECT_STATUS(2);
    ERR_HAS("given twice");
    RUN("--qi", "age,sex,race", "--sensitive", "salary-class", "--recursive-c", "0",
        test_data("adult.csv"));
    EXPECT_STATUS(2);
    ERR_HAS("--recursive-c takes a number greater than 0");
    RUN("--qi", "age,sex,race", "--sensitive", "", test_data("adult.csv"));
    EXPECT_STATUS(2);
    ERR_HAS("--sensitive takes a column name");
}

static const struct CMUnitTest weights_tests[] = {
    T(test_weights_json),
    T(test_weights_text),
    T(test_weights_errors),
};

static const struct CMUnitTest wildcard_tests[] = {
    T(test_wildcard_json),
    T(test_wildcard_alpha),
    T(test_wildcard_text_and_errors),
};

static const struct CMUnitTest sensitive_tests[] = {
    T(test_sensitive_adult),
    T(test_sensitive_tvp1),
    T(test_sensitive_errors),
};

static const struct CMUnitTest sample_tests[] = {
    T(test_sample_extract),
};

static const cli_group groups[] = {
    CLI_GROUP("arx", arx_tests),
    CLI_GROUP("input", input_tests),
    CLI_GROUP("errors", errors_tests),
    CLI_GROUP("gate", gate_tests),
    CLI_GROUP("output", output_tests),
    CLI_GROUP("privacy", privacy_tests),
    CLI_GROUP("sample", sample_tests),
    CLI_GROUP("scale", scale_tests),
    CLI_GROUP("population", population_tests),
    CLI_GROUP("weights", weights_tests),
    CLI_GROUP("wildcard", wildcard_tests),
    CLI_GROUP("sensitive", sensitive_tests),
};

CLI_MAIN(groups)
