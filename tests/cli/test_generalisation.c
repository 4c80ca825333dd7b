/*
 * test_generalisation.c - the CLI of generalisation and the what-if lattice
 * (docs/generalisation.md):
 * --generalise, --hierarchy, --what-if[=all], --what-if-max-nodes; hand-computed figures
 * (tests/fixtures/README.md, "Generalisation"), ARX's class counts on adult.csv with ARX's own
 * hierarchies, option errors, privacy.
 */
#include "cli_test.h"

/* The node of what_if.nodes whose level_numbers are (l0, l1, l2) (q <= 3), or fail. */
static const char *node_path(unsigned q, const unsigned *l)
{
    json_t *nodes = jget(J, "what_if.nodes");
    static char path[64];
    for (size_t i = 0; i < json_array_size(nodes); i++) {
        json_t *nums = json_object_get(json_array_get(nodes, i), "level_numbers");
        int same = json_array_size(nums) == q;
        for (unsigned j = 0; same && j < q; j++)
            same = json_integer_value(json_array_get(nums, j)) == l[j];
        if (same) {
            snprintf(path, sizeof path, "what_if.nodes.%zu", i);
            return path;
        }
    }
    fail_msg("no evaluated node with these levels");
    return NULL;
}

static void node_is(unsigned q, const unsigned *l, long long classes, long long k,
                    long long uniques, long long at_risk, double precision)
{
    char p[128];
    const char *base = node_path(q, l);
    snprintf(p, sizeof p, "%s.classes", base);
    JINT(p, classes);
    if (k >= 0) {
        snprintf(p, sizeof p, "%s.k", base);
        JINT(p, k);
    }
    if (uniques >= 0) {
        snprintf(p, sizeof p, "%s.uniques", base);
        JINT(p, uniques);
        snprintf(p, sizeof p, "%s.records_at_risk", base);
        JINT(p, at_risk);
    }
    if (precision >= 0) {
        snprintf(p, sizeof p, "%s.precision", base);
        JREAL(p, precision, 1e-15);
    }
}

/* whatif_small.csv, -k 2: the lattice of tests/fixtures/README.md */
static void test_whatif_small(void **state)
{
    (void)state;
    RUN("--what-if=all", "-k", "2", "-f", "json", fixture("whatif_small.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("what_if.target_k", 2);
    JSTR("what_if.mode", "all");
    JINT("what_if.lattice_size", 10);
    JINT("what_if.nodes_evaluated", 10);
    JINT("what_if.nodes_passing", 4);
    JSTR("what_if.qis.0.name", "age");
    JSTR("what_if.qis.0.hierarchy", "age");
    JSTRINGS("what_if.qis.0.levels", "exact", "5y", "10y", "20y", "suppressed");
    JSTRINGS("what_if.qis.1.levels", "kept", "suppressed");
    JINT("what_if.qis.0.unparsed_values", 0);
    node_is(2, (const unsigned[]){0, 0}, 8, 1, 8, 8, 1.0);
    node_is(2, (const unsigned[]){0, 1}, 7, 1, 6, 6, 0.5);
    node_is(2, (const unsigned[]){1, 0}, 5, 1, 2, 2, 0.875);
    node_is(2, (const unsigned[]){1, 1}, 3, 1, 1, 1, 0.375);
    node_is(2, (const unsigned[]){2, 0}, 4, 1, 1, 1, 0.75);
    node_is(2, (const unsigned[]){2, 1}, 2, 3, 0, 0, 0.25);
    node_is(2, (const unsigned[]){3, 0}, 4, 1, 1, 1, 0.625);
    node_is(2, (const unsigned[]){3, 1}, 2, 3, 0, 0, 0.125);
    node_is(2, (const unsigned[]){4, 0}, 2, 4, 0, 0, 0.5);
    node_is(2, (const unsigned[]){4, 1}, 1, 8, 0, 0, 0.0);
    JINT("what_if.nodes.0.distinct.age", 7);
    JSTR("what_if.minimal_nodes.0.levels.age", "10y");
    JSTR("what_if.minimal_nodes.0.levels.sex", "suppressed");
    JBOOL("what_if.minimal_nodes.0.passes", 1);
    JINT("what_if.minimal_nodes.0.distinct.age", 2);
    JSTR("what_if.minimal_nodes.1.levels.age", "suppressed");
    JSTR("what_if.minimal_nodes.1.levels.sex", "kept");
    assert_int_equal(json_array_size(jget(J, "what_if.minimal_nodes")), 2);
}

static void test_whatif_pruned_text(void **state)
{
    (void)state;
    RUN("--what-if", "-k", "2", "-f", "json", fixture("whatif_small.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    JSTR("what_if.mode", "pruned");
    JINT("what_if.nodes_passing", 4);
    JSTR("what_if.minimal_nodes.0.levels.age", "10y");
    JSTR("what_if.minimal_nodes.1.levels.age", "suppressed");
    json_int_t evaluated = json_integer_value(jget(J, "what_if.nodes_evaluated"));
    assert_true(evaluated < 10);
    assert_int_equal(json_array_size(jget(J, "what_if.nodes")), evaluated);
    RUN("--what-if", "-k", "2", fixture("whatif_small.csv"));
    EXPECT_STATUS(0);
    OUT_HAS("What-if: coarsening the quasi-identifiers");
    OUT_HAS("    age                exact > 5y > 10y > 20y > suppressed (age hierarchy)");
    OUT_HAS("That makes 10 combinations.");
    OUT_HAS("4 combinations make every class hold at least 2 records.");
    OUT_HAS("    age=10y, sex=suppressed\n      k = 3, 2 classes, precision 0.2500; values kept: "
            "age 2, sex 1\n");
    OUT_HAS("    age=suppressed, sex=kept\n      k = 4, 2 classes, precision 0.5000");
}

/* -k 9 on 8 records: not even suppressing everything reaches it */
static void test_whatif_none(void **state)
{
    (void)state;
    RUN("--what-if", "-k", "9", fixture("whatif_small.csv"));
    EXPECT_STATUS(0);
    OUT_HAS("0 combinations make every class hold at least 9 records.");
    OUT_HAS("None reaches k = 9, not even suppressing every quasi-identifier that can be "
            "suppressed.");
    RUN("--what-if", "-k", "9", "-f", "json", fixture("whatif_small.csv"));
    PARSE_JSON();
    JINT("what_if.nodes_passing", 0);
    assert_int_equal(json_array_size(jget(J, "what_if.minimal_nodes")), 0);
    /* the bottom (the counted table); the first path up is (0,0) (1,0) (2,0) (3,0) (4,0) (4,1),
     * binary-searched: (3,0) fails, then (4,1), the top, fails, so every node fails: 3 counted */
    JINT("what_if.nodes_evaluated", 3);
}

/* --generalise: every core figure from the generalised values */
static void test_generalise(void **state)
{
    (void)state;
    RUN("--generalise", "age=5y", "-k", "2", "-f", "json", fixture("whatif_small.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("equivalence_classes.min_size", 1);
    JINT("equivalence_classes.count", 5);
    JINT("sample_uniques.records", 2);
    JINT("records_at_risk.records", 2);
    JINT("quasi_identifier_details.0.distinct_values", 3);
    JSTR("generalisation.0.qi", "age");
    JSTR("generalisation.0.hierarchy", "age");
    JSTR("generalisation.0.level", "5y");
    JINT("generalisation.0.level_number", 1);
    JINT("generalisation.0.levels", 5);
    JINT("generalisation.0.unparsed_records", 0);
    assert_null(jget(J, "what_if"));
    RUN("--generalise", "age=10y,sex=suppressed", "-k", "2", "-f", "json",
        fixture("whatif_small.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("equivalence_classes.min_size", 3);
    JINT("equivalence_classes.count", 2);
    JINT("sample_uniques.records", 0);
    JSTR("generalisation.1.level", "suppressed");
    RUN("--generalise", "age=10y", "--require-k", "2", fixture("whatif_small.csv"));
    EXPECT_STATUS(1); /* 30-39 F 2, 40-49 M 1: k = 1 */
    OUT_HAS("Generalised before counting (docs/generalisation.md)");
    OUT_HAS("  age                  to level 10y (2 of 4, age hierarchy)\n");
}

/* ARX's own hierarchies on adult.csv; class counts from ARX 3.9.2's distinction (issue 4 §1):
 * a QI suppressed to '*' everywhere is the same as leaving it out (adult has no missing values):
 * age,sex,race 0.0175054704595186 x 30162 = 528; sex,race 0.0003315430011272462 x 30162 = 10;
 * age,race 0.00954843843246469 x 30162 = 288; age 0.0023871096081161725 x 30162 = 72. */
static void test_arx_hierarchies(void **state)
{
    (void)state;
    char a1[4200], a2[4200], a3[4200];
    snprintf(a1, sizeof a1, "age=%s", test_data("adult_hierarchy_age.csv"));
    snprintf(a2, sizeof a2, "sex=%s", test_data("adult_hierarchy_sex.csv"));
    snprintf(a3, sizeof a3, "race=%s", test_data("adult_hierarchy_race.csv"));
    RUN("--qi", "age,sex,race", "--hierarchy", a1, "--hierarchy", a2, "--hierarchy", a3,
        "--what-if=all", "-f", "json", test_data("adult.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("what_if.lattice_size", 20);
    JSTRINGS("what_if.qis.0.levels", "0", "1", "2", "3", "4");
    JSTR("what_if.qis.1.hierarchy", test_data("adult_hierarchy_sex.csv"));
    node_is(3, (const unsigned[]){0, 0, 0}, 528, -1, -1, 0, 1.0);
    node_is(3, (const unsigned[]){4, 0, 0}, 10, -1, -1, 0, -1);
    node_is(3, (const unsigned[]){0, 1, 0}, 288, -1, -1, 0, -1);
    node_is(3, (const unsigned[]){0, 1, 1}, 72, -1, -1, 0, -1);
    node_is(3, (const unsigned[]){4, 1, 1}, 1, 30162, 0, 0, 0.0);
    /* the same through --generalise */
    RUN("--qi", "age,sex,race", "--hierarchy", a1, "--generalise", "age=4", "-f", "json",
        test_data("adult.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("equivalence_classes.count", 10);
    JSTR("generalisation.0.level", "4");
    JSTR("generalisation.0.hierarchy", test_data("adult_hierarchy_age.csv"));
}

static void test_options(void **state)
{
    (void)state;
    const char *f = fixture("whatif_small.csv");
    RUN("--what-if=some", f);
    EXPECT_STATUS(2);
    ERR_HAS("--what-if takes no value or '=all', not 'some'");
    RUN("--what-if-max-nodes", "10", f);
    EXPECT_STATUS(2);
    ERR_HAS("--what-if-max-nodes needs --what-if");
    RUN("--what-if", "--what-if-max-nodes", "0", f);
    EXPECT_STATUS(2);
    ERR_HAS("--what-if-max-nodes takes a number from 1 to 100000000, not '0'");
    RUN("--what-if", "--what-if-max-nodes", "9", f);
    EXPECT_STATUS(2);
    ERR_HAS("the what-if lattice of these 2 quasi-identifiers has more than 9 nodes");
    RUN("--what-if", "--what-if-max-nodes", "10", f);
    EXPECT_STATUS(0);
    RUN("--generalise", "", f);
    EXPECT_STATUS(2);
    ERR_HAS("--generalise takes COL=LEVEL");
    RUN("--generalise", "age", f);
    EXPECT_STATUS(2);
    ERR_HAS("'age' is not COLUMN=LEVEL (e.g. postcode=district,age=5y)");
    RUN("--generalise", "age=7y", f);
    EXPECT_STATUS(2);
    ERR_HAS("--generalise: 'age' has no level '7y'; the levels of its age hierarchy are "
            "exact|5y|10y|20y|suppressed");
    RUN("--generalise", "sex=2", f);
    EXPECT_STATUS(2);
    ERR_HAS("'sex' has no level '2'; the levels of its suppress hierarchy are kept|suppressed");
    RUN("--qi", "age", "--generalise", "sex=suppressed", f);
    EXPECT_STATUS(2);
    ERR_HAS("--generalise names 'sex', which is not a quasi-identifier (add it with --qi)");
    RUN("--generalise", "age=5y", "--what-if", f);
    EXPECT_STATUS(2);
    ERR_HAS("--generalise and --what-if cannot be combined");
    RUN("--hierarchy", "age", f);
    EXPECT_STATUS(2);
    ERR_HAS("--hierarchy takes COLUMN=FILE");
    RUN("--hierarchy", "age=/nonexistent/h.csv", f);
    EXPECT_STATUS(2);
    ERR_HAS("--hierarchy: cannot open '/nonexistent/h.csv'");
    char arg[4200];
    snprintf(arg, sizeof arg, "age=%s", fixture("whatif_bad_hierarchy.csv"));
    RUN("--hierarchy", arg, f);
    EXPECT_STATUS(2);
    ERR_HAS("whatif_bad_hierarchy.csv: line 2, column 2: this value of level 1 has a different "
            "parent at level 2 (column 3) than on line 1");
    snprintf(arg, sizeof arg, "age=%s", fixture("whatif_age_hierarchy.csv"));
    RUN("--hierarchy", arg, "--generalise", "age=1", fixture("whatif_absent.csv"));
    EXPECT_STATUS(2);
    ERR_HAS("2 records of column 'age' have a value that is not in the hierarchy");
    ERR_LACKS("45");
    ERR_LACKS("46");
    RUN("--hierarchy", arg, "--what-if", fixture("whatif_absent.csv"));
    EXPECT_STATUS(2);
    ERR_HAS("2 distinct values of column 'age' are not in the hierarchy");
    ERR_LACKS("45");
    RUN("--hierarchy", arg, "--generalise", "age=1", "-k", "2", "-f", "json", f);
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("equivalence_classes.count", 4); /* 30-39 M 3, F 2; 40-49 F 2, M 1 */
}

/* No value, and no generalised value, in any report or message (tests/fixtures/README.md) */
static void test_privacy(void **state)
{
    (void)state;
    const char *f = fixture("whatif_privacy.csv");
    const char *const runs[][6] = {{"--what-if=all", NULL},
                                   {"--what-if=all", "-f", "json", NULL},
                                   {"--generalise", "postcode=district,age=5y", NULL},
                                   {"--generalise", "postcode=district,age=5y", "-f", "json", NULL},
                                   {"--generalise", "postcode=sector", NULL}};
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        const char *args[8];
        size_t n = 0;
        for (; runs[i][n]; n++)
            args[n] = runs[i][n];
        args[n++] = f;
        args[n] = NULL;
        run_argv(NULL, args, __FILE__, __LINE__);
        EXPECT_STATUS(0);
        /* the run's own figures (seconds, bytes) are numbers that may contain "101": left out */
        char *text = out_masked();
        TEXT_LACKS(text, "ZZ9");
        TEXT_LACKS(text, "9ZZ");
        TEXT_LACKS(text, "ZZ");
        TEXT_LACKS(text, "LS1");
        TEXT_LACKS(text, "101");
        TEXT_LACKS(text, "100-104");
        TEXT_LACKS(text, "40-44");
        free(text);
    }
}

/* A first QI value that is empty (missing) is counted, not read as "out of memory". */
static void test_empty_first_value(void **state)
{
    (void)state;
    const char *f = SCRATCH_CSV("first_empty.csv", "age,sex\n,M\n30,F\n");
    RUN("-f", "json", f);
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("quasi_identifier_details.0.missing", 1);
}

static const struct CMUnitTest whatif_tests[] = {
    T(test_whatif_small), T(test_whatif_none), T(test_whatif_pruned_text), T(test_arx_hierarchies),
    T(test_options),      T(test_privacy),     T(test_empty_first_value),
};

static const struct CMUnitTest generalise_tests[] = {
    T(test_generalise),
};

static const cli_group groups[] = {
    CLI_GROUP("whatif", whatif_tests),
    CLI_GROUP("generalise", generalise_tests),
};

CLI_MAIN(groups)
