/*
 * test_cli_subsets.c - reid-check --attribute-risks (docs/attribute-risk.md): ARX
 * 3.9.2's distinction and separation on adult.csv read back from the JSON, the
 * hand-computed fixture tests/fixtures/subsets_small.csv, 14 QIs and
 * --max-subset-size, the text report, option errors, and no value in any
 * report.
 */
#include "cli_test.h"

/* The index of the attribute_risks entry whose qis are exactly these names, or fail. */
static size_t risk_index_at(const char *const *names, const char *file, int line)
{
    json_t *arr = jtyped_at("attribute_risks", JSON_ARRAY, file, line);
    size_t n = 0;
    while (names[n])
        n++;
    for (size_t i = 0; i < json_array_size(arr); i++) {
        json_t *qis = json_object_get(json_array_get(arr, i), "qis");
        int same = json_array_size(qis) == n;
        for (size_t j = 0; same && j < n; j++)
            same = strcmp(json_string_value(json_array_get(qis, j)), names[j]) == 0;
        if (same) return i;
    }
    print_error("%s:%d: no attribute_risks entry for %s...\n", file, line, names[0]);
    _fail(file, line);
    return 0;
}
#define RISK(...) risk_index_at((const char *const[]){__VA_ARGS__, NULL}, __FILE__, __LINE__)

static void risk_path(char *out, size_t cap, size_t i, const char *key)
{
    snprintf(out, cap, "attribute_risks.%zu.%s", i, key);
}

/* ARX 3.9.2, adult.csv, QIs age,sex,race (relative error <= 1e-9). */
static void test_subsets_adult(void **state)
{
    (void)state;
    RUN("--qi", "age,sex,race", "--attribute-risks", "-f", "json", test_data("adult.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("attribute_risks_summary.subsets", 7);
    JINT("attribute_risks_summary.max_subset_size", 3);
    JBOOL("attribute_risks_summary.all_subsets", 1);
    static const struct {
        const char *qis[4];
        double distinction, separation;
    } arx[] = {
        {{"sex"}, 6.630860022544923e-05, 0.43828434814896455},
        {{"race"}, 0.0001657715005636231, 0.2510168705580825},
        {{"age"}, 0.0023871096081161725, 0.9781172561484958},
        {{"sex", "race"}, 0.0003315430011272462, 0.5689230170166433},
        {{"age", "race"}, 0.00954843843246469, 0.9837666715009222},
        {{"age", "sex", "race"}, 0.0175054704595186, 0.9905147966813672},
    };
    char p[128];
    for (size_t i = 0; i < sizeof arx / sizeof *arx; i++) {
        size_t k = risk_index_at(arx[i].qis, __FILE__, __LINE__);
        risk_path(p, sizeof p, k, "distinction");
        JREAL(p, arx[i].distinction, 1e-9);
        risk_path(p, sizeof p, k, "separation");
        JREAL(p, arx[i].separation, 1e-9);
    }
    size_t all = RISK("age", "sex", "race");
    risk_path(p, sizeof p, all, "classes");
    JINT(p, 528);
    risk_path(p, sizeof p, all, "uniques");
    JINT(p, 62);
    /* off by default: no attribute_risks keys */
    RUN("--qi", "age,sex,race", "-f", "json", test_data("adult.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    if (json_object_get(J, "attribute_risks") || json_object_get(J, "attribute_risks_summary"))
        fail_msg("attribute_risks without --attribute-risks");
    OUT_LACKS("combinations");
}

/* tests/fixtures/subsets_small.csv, 8 records, 28 pairs (hand computation in
 * tests/fixtures/README.md). */
static void test_subsets_small(void **state)
{
    (void)state;
    RUN("--qi", "a,b,c", "--subset-threshold", "20%", "-f", "json", fixture("subsets_small.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("attribute_risks_summary.subsets", 7);
    JREAL("attribute_risks_summary.threshold", 0.2, 1e-15);
    JSTRINGS("attribute_risks_summary.smallest_above_threshold.0", "a", "b");
    JSTRINGS("attribute_risks_summary.smallest_above_threshold.1", "a", "c");
    JSTRINGS("attribute_risks_summary.smallest_above_threshold.2", "b", "c");
    assert_int_equal(
        json_array_size(JTYPE("attribute_risks_summary.smallest_above_threshold", JSON_ARRAY)), 3);
    JSTRINGS("attribute_risks.0.qis", "a");
    JSTRINGS("attribute_risks.3.qis", "a", "b");
    JSTRINGS("attribute_risks.6.qis", "a", "b", "c");
    static const struct {
        const char *qis[4];
        long long u, k, c1;
        double sep;
    } want[] = {
        {{"a"}, 3, 1, 1, 19.0 / 28},           {{"b"}, 3, 1, 1, 19.0 / 28},
        {{"c"}, 2, 4, 0, 16.0 / 28},           {{"a", "b"}, 5, 1, 3, 24.0 / 28},
        {{"a", "c"}, 5, 1, 2, 25.0 / 28},      {{"b", "c"}, 4, 1, 2, 22.0 / 28},
        {{"a", "b", "c"}, 6, 1, 4, 26.0 / 28},
    };
    char p[128];
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        size_t k = risk_index_at(want[i].qis, __FILE__, __LINE__);
        risk_path(p, sizeof p, k, "classes");
        JINT(p, want[i].u);
        risk_path(p, sizeof p, k, "k");
        JINT(p, want[i].k);
        risk_path(p, sizeof p, k, "uniques");
        JINT(p, want[i].c1);
        risk_path(p, sizeof p, k, "uniques_fraction");
        if (want[i].c1)
            JREAL(p, want[i].c1 / 8.0, 1e-15);
        else
            JREAL(p, 0, 0);
        risk_path(p, sizeof p, k, "distinction");
        JREAL(p, want[i].u / 8.0, 1e-15);
        risk_path(p, sizeof p, k, "separation");
        JREAL(p, want[i].sep, 1e-15);
    }
    /* the text report: the smallest above 30% is a,b alone */
    RUN("--qi", "a,b,c", "--subset-threshold", "0.3", fixture("subsets_small.csv"));
    EXPECT_STATUS(0);
    OUT_HAS("7 combinations of the 3 quasi-identifiers were counted (all of them)");
    OUT_HAS("The smallest combinations that make more than 30.00% of the records unique");
    OUT_HAS("3     37.50%            5        1    0.857143  a, b\n");
    OUT_LACKS("  a, c\n");
    OUT_HAS("Separation: the share of all pairs of records that these columns tell apart");
}

/* 14 QIs: subsets of up to 3 by default, with the count stated; --max-subset-size. */
static void test_subsets_many(void **state)
{
    (void)state;
    char csv[4096];
    size_t len = 0;
    for (int j = 0; j < 14; j++)
        len += (size_t)snprintf(csv + len, sizeof csv - len, "%sc%d", j ? "," : "", j);
    csv[len++] = '\n';
    for (int r = 0; r < 30; r++) {
        for (int j = 0; j < 14; j++)
            len += (size_t)snprintf(csv + len, sizeof csv - len, "%s%d", j ? "," : "",
                                    (r * (j + 3)) % 7);
        csv[len++] = '\n';
    }
    const char *f = scratch_file("fourteen.csv", csv, len);
    const char *qis = "c0,c1,c2,c3,c4,c5,c6,c7,c8,c9,c10,c11,c12,c13";
    RUN("--qi", qis, "--attribute-risks", "-f", "json", f);
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("attribute_risks_summary.subsets", 14 + 91 + 364);
    JINT("attribute_risks_summary.max_subset_size", 3);
    JBOOL("attribute_risks_summary.all_subsets", 0);
    JSTRINGS("attribute_risks.468.qis", "c11", "c12", "c13");
    RUN("--qi", qis, "--max-subset-size", "2", "-f", "json", f); /* implies --attribute-risks */
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("attribute_risks_summary.subsets", 105);
    JINT("attribute_risks_summary.max_subset_size", 2);
    RUN("--qi", qis, "--attribute-risks", f);
    EXPECT_STATUS(0);
    OUT_HAS("469 combinations of up to 3 of the 14 quasi-identifiers were counted");
    /* --max-subset-size before or after --attribute-risks */
    RUN("--max-subset-size", "1", "--qi", qis, "--attribute-risks", "-f", "json", f);
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("attribute_risks_summary.subsets", 14);
}

static void test_subsets_errors(void **state)
{
    (void)state;
    RUN("--help");
    EXPECT_STATUS(0);
    OUT_HAS("--attribute-risks");
    OUT_HAS("--max-subset-size N");
    OUT_HAS("--subset-threshold F");
    OUT_HAS("default 5%)");
    OUT_LACKS("%%");
    const char *f = fixture("subsets_small.csv");
    static const char *const bad_size[] = {"0", "abc", "-1", "2x", ""};
    for (size_t i = 0; i < sizeof bad_size / sizeof *bad_size; i++) {
        RUN("--max-subset-size", bad_size[i], f);
        EXPECT_STATUS(2);
        ERR_HAS("--max-subset-size takes a number of columns of at least 1");
    }
    static const char *const bad_thr[] = {"1", "100%", "150%", "-0.1", "x", "nan"};
    for (size_t i = 0; i < sizeof bad_thr / sizeof *bad_thr; i++) {
        RUN("--subset-threshold", bad_thr[i], f);
        EXPECT_STATUS(2);
        ERR_HAS("--subset-threshold takes a share of the records from 0 to less than 1");
    }
    RUN(f, "--max-subset-size");
    EXPECT_STATUS(2);
    ERR_HAS("needs a value");
    RUN("--qi", "a,b,c", "--attribute-risks", "--missing-matches-any", f);
    EXPECT_STATUS(2);
    ERR_HAS("cannot be combined with");
    ERR_HAS("--missing-matches-any");
    OUT_EMPTY();
    /* more subsets than allowed: 30 QIs, up to 10 */
    char csv[1024];
    size_t len = 0;
    char qis[512];
    size_t ql = 0;
    for (int j = 0; j < 30; j++) {
        len += (size_t)snprintf(csv + len, sizeof csv - len, "%sc%d", j ? "," : "", j);
        ql += (size_t)snprintf(qis + ql, sizeof qis - ql, "%sc%d", j ? "," : "", j);
    }
    csv[len++] = '\n';
    for (int j = 0; j < 30; j++)
        len += (size_t)snprintf(csv + len, sizeof csv - len, "%s1", j ? "," : "");
    csv[len++] = '\n';
    const char *wide = scratch_file("thirty.csv", csv, len);
    RUN("--qi", qis, "--max-subset-size", "10", wide);
    EXPECT_STATUS(2);
    ERR_HAS("53009101 subsets");
    ERR_HAS("give a smaller --max-subset-size");
}

/* No value of any record in the text or JSON report with --attribute-risks. */
static void test_subsets_privacy(void **state)
{
    (void)state;
    static const char *const secrets[] = {"ZZ9",  "9ZZ", "ZZ99ZZ", "1901-02", "Q87",
                                          "Q874", "LS1", "4AP",    "1980-05", "J45"};
    const char *f = fixture("privacy.csv");
    for (int json = 0; json < 2; json++) {
        RUN("--attribute-risks", "--subset-threshold", "0", "-f", json ? "json" : "text", f);
        EXPECT_STATUS(0);
        OUT_HAS(json ? "\"attribute_risks\"" : "combinations of the 4 quasi-identifiers");
        for (size_t i = 0; i < sizeof secrets / sizeof *secrets; i++)
            if (strstr(R.out, secrets[i])) fail_msg("the report contains %s", secrets[i]);
    }
}

static const struct CMUnitTest subsets_tests[] = {
    T(test_subsets_adult),  T(test_subsets_small),   T(test_subsets_many),
    T(test_subsets_errors), T(test_subsets_privacy),
};

static const cli_group groups[] = {
    CLI_GROUP("subsets", subsets_tests),
};

CLI_MAIN(groups)
