/*
 * test_suda2_cli.c - reid-check --suda2 (docs/suda2.md): sdcMicro's TV-S3 end to end, the
 * hand-computed table (tests/fixtures/README.md), --at-risk files, option errors, and that no
 * value leaves the tool unless --at-risk-values asks for it.
 *
 * Usage: test_suda2_cli REID_CHECK TESTS_DIR GROUP (GROUP: suda2 | suda2_privacy)
 */
#include "cli_test.h"

/* PEER-FORMULAS.md TV-S3 (tests/fixtures/suda2_tvs3.csv): sdcMicro 5.8.1's suda2(). */
static void test_suda2_tvs3(void **state)
{
    (void)state;
    RUN("--qi", "A,B,C", "--suda2", "-f", "json", fixture("suda2_tvs3.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("suda2.records_with_msu", 5);
    JINT("suda2.columns", 3);
    JINT("suda2.max_msu_size", 3);
    JINT("suda2.msus", 6);
    JINT("suda2.msu_by_size.1", 1);
    JINT("suda2.msu_by_size.2", 3);
    JINT("suda2.msu_by_size.3", 2);
    JREAL("suda2.score.max", 2, 0);
    JREAL("suda2.score.sum", 7, 0);
    JREAL("suda2.score.mean", 0.7, 1e-15);
    /* sdcMicro: DIS 0.009606061935 (scores 1, three records), 0.022548625070 (scores 2, two) */
    JREAL("suda2.dis_suda.max", 0.022548625070, 1e-9);
    JREAL("suda2.dis_suda.mean", (3 * 0.009606061935 + 2 * 0.022548625070) / 10, 1e-9);
    JREAL("suda2.score.histogram.0.score", 1, 0);
    JINT("suda2.score.histogram.0.records", 3);
    JREAL("suda2.score.histogram.0.dis_suda", 0.009606061935, 1e-9);
    JREAL("suda2.score.histogram.1.score", 2, 0);
    JINT("suda2.score.histogram.1.records", 2);
    JREAL("suda2.dis_suda.fraction", 0.01, 0);
    JINT("suda2.dis_suda.unique_records", 6);
    JINT("suda2.dis_suda.pair_records", 4);
    JSTR("suda2.dis_suda.bands.0.interval", "== 0");
    JINT("suda2.dis_suda.bands.0.records", 5);
    JINT("suda2.dis_suda.bands.1.records", 5);
    /* sdcMicro: A 85.71428571, B 57.14285714, C 57.14285714 */
    JREAL("suda2.attribute_contributions.A", 85.71428571, 1e-9);
    JREAL("suda2.attribute_contributions.B", 57.14285714, 1e-9);
    JREAL("suda2.attribute_contributions.C", 57.14285714, 1e-9);
    /* the text report explains the figures */
    RUN("--qi", "A,B,C", "--suda2", fixture("suda2_tvs3.csv"));
    EXPECT_STATUS(0);
    OUT_HAS("Special uniques, SUDA2");
    OUT_HAS("5 records (50.00%) can be singled out");
    OUT_HAS("highest 2, total 7, mean per record 0.7");
    OUT_HAS("A                    85.71%");
    /* without --suda2, no section */
    RUN("--qi", "A,B,C", "-f", "json", fixture("suda2_tvs3.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    assert_null(jget(J, "suda2"));
}

/* The hand-computed table (tests/fixtures/README.md, and test_suda2.c's test_hand). */
static void test_suda2_small(void **state)
{
    (void)state;
    RUN("--qi", "W,X,Y,Z", "--suda2", "-f", "json", fixture("suda2_small.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("suda2.records_with_msu", 5);
    JINT("suda2.msu_by_size.1", 1);
    JINT("suda2.msu_by_size.2", 9);
    JINT("suda2.msu_by_size.3", 2);
    JINT("suda2.msu_by_size.4", 0);
    JREAL("suda2.score.max", 8, 0);
    JREAL("suda2.score.sum", 26, 0);
    JREAL("suda2.attribute_contributions.W", 1700.0 / 26, 1e-12);
    JREAL("suda2.attribute_contributions.Y", 700.0 / 26, 1e-12);
    JREAL("suda2.dis_suda.max", 0.0576307788, 1e-6);
    JREAL("suda2.dis_suda.mean", 0.02551565994, 1e-6);
    RUN("--qi", "W,X,Y,Z", "--suda2", "--suda2-max-msu-size", "2", "-f", "json",
        fixture("suda2_small.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("suda2.max_msu_size", 2);
    JREAL("suda2.score.sum", 24, 0);
    assert_null(jget(J, "suda2.msu_by_size.3"));
    /* f = 1: Dis = 1, so every record with an MSU has DIS 1 */
    RUN("--qi", "W,X,Y,Z", "--suda2", "--suda2-dis-fraction", "100%", "-f", "json",
        fixture("suda2_small.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    JREAL("suda2.dis_suda.max", 1, 0);
    JREAL("suda2.dis_suda.mean", 5.0 / 7, 1e-15);
}

/* Adult with 8 QIs (MSUs kept as lists above 6 QIs): the counts of an independent brute-force
 * enumeration of all 255 subsets per record (Python, docs/suda2.md "Checks"). */
static void test_suda2_adult(void **state)
{
    (void)state;
    RUN("--qi", "age,workclass,education,marital-status,occupation,race,sex,native-country",
        "--suda2", "-f", "json", test_data("adult.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("suda2.records_with_msu", 14021);
    static const long long by[] = {2, 1198, 13852, 20569, 9287, 1616, 119, 5};
    for (int k = 1; k <= 8; k++) {
        char path[64];
        snprintf(path, sizeof path, "suda2.msu_by_size.%d", k);
        JINT(path, by[k - 1]);
    }
}

static void test_suda2_at_risk(void **state)
{
    (void)state;
    const char *out = scratch("tvs3-at-risk.csv");
    RUN("--qi", "A,B,C", "--suda2", "--at-risk", out, "-q", fixture("suda2_tvs3.csv"));
    EXPECT_STATUS(0);
    char *text = read_whole_file(out, NULL);
    assert_non_null(text);
    /* rows 3, 4, 6, 7, 10 (lines 4, 5, 7, 8, 11) with sdcMicro's scores and DIS */
    assert_string_equal(text, "record,line,suda_score,dis_suda\n"
                              "3,4,1,0.0096060619353573115\n"
                              "4,5,1,0.0096060619353573115\n"
                              "6,7,2,0.022548625069890631\n"
                              "7,8,2,0.022548625069890631\n"
                              "10,11,1,0.0096060619353573115\n");
    free(text);
    /* the same file for every thread count (records are counted in order) */
    char sample[4096];
    snprintf(sample, sizeof sample, "%s/../data/sample-extract.csv", g_tests);
    char *one = NULL;
    for (int j = 1; j <= 3; j += 2) {
        char threads[8];
        snprintf(threads, sizeof threads, "%d", j);
        RUN("-j", threads, "--suda2", "--at-risk", out, "-q", sample);
        EXPECT_STATUS(0);
        char *t = read_whole_file(out, NULL);
        assert_non_null(t);
        if (!one) {
            one = t;
            TEXT_HAS(one, "record,line,suda_score,dis_suda\n1,2,");
        } else {
            assert_string_equal(t, one);
            free(t);
        }
    }
    free(one);
    /* a skipped row counts in the record numbers: the unique (3,1,1) is the 8th data row */
    const char *bad = SCRATCH_CSV("suda2-bad.csv", "A,B,C\n1,1,1\n1,1,1\n1,2,1\n1,2,2\n"
                                                   "2,2,1\n2,1,2\n1,2\n3,1,1\n2,2,1\n");
    RUN("--qi", "A,B,C", "--suda2", "--skip-bad-rows", "--at-risk", out, "-q", bad);
    EXPECT_STATUS(0);
    text = read_whole_file(out, NULL);
    assert_non_null(text);
    TEXT_HAS(text, "\n8,9,2,");
    free(text);
    /* with weights and a sensitive column the counter takes another path: same records */
    const char *ws = SCRATCH_CSV("suda2-ws.csv", "A,B,C,w,s\n1,1,1,2,x\n1,1,1,3,y\n1,2,1,1,x\n"
                                                 "1,2,2,5,x\n2,2,1,1,y\n2,1,2,4,x\n3,1,1,1,x\n"
                                                 "2,2,1,2,x\n1,NA,2,1,y\n1,1,2,7,y\n");
    const char *plain = scratch("suda2-plain.csv");
    RUN("--qi", "A,B,C", "--suda2", "--at-risk", plain, "-q", ws);
    EXPECT_STATUS(0);
    char *want = read_whole_file(plain, NULL);
    assert_non_null(want);
    TEXT_HAS(want, "6,7,2,0.022548625069890631\n");
    RUN("--qi", "A,B,C", "--suda2", "--weight", "w", "--sensitive", "s", "-j", "1", "--at-risk",
        out, "-q", ws);
    EXPECT_STATUS(0);
    text = read_whole_file(out, NULL);
    assert_non_null(text);
    assert_string_equal(text, want);
    free(text);
    RUN("--qi", "A,B,C", "--suda2", "--weight", "w", "-j", "2", "--at-risk", out, "-q", ws);
    EXPECT_STATUS(0);
    text = read_whole_file(out, NULL);
    assert_non_null(text);
    assert_string_equal(text, want);
    free(text);
    free(want);
    /* a directory that does not exist: exit 3, nothing written */
    RUN("--qi", "A,B,C", "--suda2", "--at-risk", "/nonexistent/dir/x.csv",
        fixture("suda2_tvs3.csv"));
    EXPECT_STATUS(3);
    ERR_HAS("/nonexistent/dir/x.csv");
}

static void test_suda2_options(void **state)
{
    (void)state;
    const char *f = fixture("suda2_tvs3.csv");
    RUN("--qi", "A,B,C", "--suda2-max-msu-size", "2", f);
    EXPECT_STATUS(2);
    ERR_HAS("--suda2-max-msu-size needs --suda2");
    RUN("--qi", "A,B,C", "--suda2", "--suda2-max-msu-size", "0", f);
    EXPECT_STATUS(2);
    ERR_HAS("--suda2-max-msu-size takes a whole number from 1 to 32, not '0'");
    RUN("--qi", "A,B,C", "--suda2", "--suda2-max-msu-size", "x", f);
    EXPECT_STATUS(2);
    ERR_HAS("not 'x'");
    RUN("--qi", "A,B,C", "--suda2", "--suda2-dis-fraction", "0", f);
    EXPECT_STATUS(2);
    ERR_HAS("--suda2-dis-fraction takes a fraction greater than 0 and at most 1");
    RUN("--qi", "A,B,C", "--suda2", "--suda2-dis-fraction", "1.5", f);
    EXPECT_STATUS(2);
    ERR_HAS("not '1.5'");
    RUN("--qi", "A,B,C", "--suda2-dis-fraction", "0.1", f);
    EXPECT_STATUS(2);
    ERR_HAS("--suda2-dis-fraction needs --suda2");
    RUN("--qi", "A,B,C", "--at-risk", scratch("x.csv"), f);
    EXPECT_STATUS(2);
    ERR_HAS("--at-risk needs --suda2");
    RUN("--qi", "A,B,C", "--suda2", "--at-risk-values", f);
    EXPECT_STATUS(2);
    ERR_HAS("--at-risk-values needs --at-risk FILE");
    RUN("--qi", "A,B,C", "--suda2", "--at-risk", "", f);
    EXPECT_STATUS(2);
    ERR_HAS("--at-risk takes a file name");
    RUN("--qi", "A,B,C", "--suda2", "--at-risk");
    EXPECT_STATUS(2);
    ERR_HAS("needs a value");
}

/* suda2_privacy.csv: ZZ9 9ZZ / 1901-02-03 / M / Q87.4 is unique on each of its values. */
static const char *const secrets[] = {"ZZ9", "9ZZ", "1901", "Q87", "Q874", "LS2", "9JT"};

static void no_secret(const char *text, const char *what)
{
    for (size_t i = 0; i < sizeof secrets / sizeof *secrets; i++)
        if (strstr(text, secrets[i])) {
            print_error("%s holds '%s'\n", what, secrets[i]);
            fail();
        }
}

static void test_suda2_privacy(void **state)
{
    (void)state;
    const char *f = fixture("suda2_privacy.csv");
    const char *out = scratch("privacy-at-risk.csv");
    RUN("--qi", "postcode,date_of_birth,sex,diagnosis", "--suda2", "-f", "json", "--at-risk", out,
        f);
    EXPECT_STATUS(0);
    char *masked = out_masked(); /* the run's seconds and bytes may hold "1901" */
    no_secret(masked, "the JSON report");
    free(masked);
    no_secret(R.err, "stderr");
    PARSE_JSON();
    JINT("suda2.records_with_msu", 2);
    JINT("suda2.msu_by_size.1", 5);  /* 4 for ZZ9 9ZZ's record, 1 (postcode) for LS2 9JT's */
    JREAL("suda2.score.max", 24, 0); /* M = 4: 4 x 3! */
    char *text = read_whole_file(out, NULL);
    assert_non_null(text);
    no_secret(text, "the --at-risk file");
    /* the 4th record starts on line 6: record 3 spans lines 4-5 */
    assert_string_equal(text, "record,line,suda_score,dis_suda\n4,6,24,1\n6,8,6,1\n");
    free(text);
    RUN("--qi", "postcode,date_of_birth,sex,diagnosis", "--suda2", f);
    EXPECT_STATUS(0);
    masked = out_masked();
    no_secret(masked, "the text report");
    free(masked);
    /* values only when asked for */
    RUN("--qi", "postcode,date_of_birth,sex,diagnosis", "--suda2", "-q", "--at-risk", out,
        "--at-risk-values", f);
    EXPECT_STATUS(0);
    text = read_whole_file(out, NULL);
    assert_non_null(text);
    assert_string_equal(text, "record,line,suda_score,dis_suda,postcode,date_of_birth,sex,"
                              "diagnosis\n4,6,24,1,ZZ9 9ZZ,1901-02-03,M,Q874\n"
                              "6,8,6,1,LS2 9JT,1980-05-01,F,J45\n");
    free(text);
}

static const struct CMUnitTest suda2_tests[] = {
    T(test_suda2_tvs3),  T(test_suda2_small),   T(test_suda2_at_risk),
    T(test_suda2_adult), T(test_suda2_options),
};

static const struct CMUnitTest suda2_privacy_tests[] = {
    T(test_suda2_privacy),
};

static const cli_group groups[] = {
    CLI_GROUP("suda2", suda2_tests),
    CLI_GROUP("suda2_privacy", suda2_privacy_tests),
};

CLI_MAIN(groups)
