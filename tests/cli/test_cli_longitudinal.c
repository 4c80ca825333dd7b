/*
 * test_cli_longitudinal.c - reid-check --events (docs/longitudinal.md): the hand-computed
 * figures of tests/fixtures/longitudinal_basic.csv (tests/fixtures/README.md), the text report,
 * the same report for the same seed (and for 1 and 2 threads), another sample for another seed,
 * no value in any report, and the options' errors.
 */
#include "cli_test.h"

static const char *sample(void)
{
    char *p = path_slot();
    snprintf(p, 4096, "%s/../data/sample-extract.csv", g_tests);
    return p;
}

static void test_longitudinal_json(void **state)
{
    (void)state;
    RUN("--qi", "zip", "--id", "pid", "--events", "ev", "--seed", "7", "-f", "json",
        fixture("longitudinal_basic.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    JSTR("longitudinal.columns", "ev");
    JINT("longitudinal.seed", 7);
    JINT("longitudinal.sample_requested", 10000);
    JINT("longitudinal.sampled", 9);
    JINT("longitudinal.people", 9);
    JINT("longitudinal.people_without_events", 0);
    JINT("longitudinal.rows_without_event", 1);
    JINT("longitudinal.distinct_events", 10);
    JINT("longitudinal.points", 17);
    JINT("longitudinal.points_with_qis", 17);
    JINT("longitudinal.max_points_per_person", 3);
    /* events alone: 3/9, 2/6, 0/2, none with 4 or 5 */
    JINT("longitudinal.unicity.events.0.p", 1);
    JINT("longitudinal.unicity.events.0.unique", 3);
    JINT("longitudinal.unicity.events.0.sampled", 9);
    JREAL("longitudinal.unicity.events.0.fraction", 3.0 / 9, 1e-15);
    /* Wilson (z = 1.959963984540054): (x + z^2/2)/(n + z^2) -+ z/(n + z^2) sqrt(x(n-x)/n + z^2/4)
     */
    JREAL("longitudinal.unicity.events.0.ci_low", 0.12058381838691096, 1e-14);
    JREAL("longitudinal.unicity.events.0.ci_high", 0.6457978644196036, 1e-14);
    JINT("longitudinal.unicity.events.1.unique", 2);
    JINT("longitudinal.unicity.events.1.sampled", 6);
    JINT("longitudinal.unicity.events.2.unique", 0);
    JINT("longitudinal.unicity.events.2.sampled", 2);
    JREAL("longitudinal.unicity.events.2.ci_high", 0.6576197724933469, 1e-14);
    JINT("longitudinal.unicity.events.3.sampled", 0);
    JNULL("longitudinal.unicity.events.3.fraction");
    JNULL("longitudinal.unicity.events.4.ci_low");
    /* with zip: 7/9, 4/6, 2/2 */
    JINT("longitudinal.unicity.events_and_qis.0.unique", 7);
    JINT("longitudinal.unicity.events_and_qis.1.unique", 4);
    JINT("longitudinal.unicity.events_and_qis.1.sampled", 6);
    JINT("longitudinal.unicity.events_and_qis.2.unique", 2);
    JREAL("longitudinal.unicity.events_and_qis.2.ci_low", 0.34238022750665303, 1e-14);
    JREAL("longitudinal.unicity.events_and_qis.2.ci_high", 1, 1e-15);
    JINT("longitudinal.set_unique.events.people", 5);
    JREAL("longitudinal.set_unique.events.fraction", 5.0 / 9, 1e-15);
    JINT("longitudinal.set_unique.events_and_qis.people", 7);
    /* without --events: no longitudinal key */
    RUN("--qi", "zip", "--id", "pid", "-f", "json", fixture("longitudinal_basic.csv"));
    EXPECT_STATUS(0);
    PARSE_JSON();
    if (json_object_get(J, "longitudinal")) fail_msg("longitudinal without --events");
}

static void test_longitudinal_text(void **state)
{
    (void)state;
    RUN("--qi", "zip", "--id", "pid", "--events", "ev", fixture("longitudinal_basic.csv"));
    EXPECT_STATUS(0);
    OUT_HAS("Trails of events (ev; docs/longitudinal.md)");
    OUT_HAS("9 people have at least one event: 10 distinct events, 17 (person, event) points, at "
            "most 3 per person.");
    OUT_HAS("1 rows have a missing event value and give no event.");
    OUT_HAS("from 9 people drawn at random (seed 1)");
    OUT_HAS("1   33.33% (12.06% to 64.58%) of 9");
    OUT_HAS("77.78% (45.26% to 93.68%) of 9");
    OUT_HAS("4   (no one with 4)");
    OUT_HAS("55.56% of the people (5) have a set of events no one else has; with the "
            "quasi-identifiers, 77.78% (7).");
    OUT_LACKS("e11");
}

/* The sample extract: same seed, same report (1 and 2 threads); another seed, another sample;
 * no pseudonym, date or code printed. */
static void test_longitudinal_seed(void **state)
{
    (void)state;
    json_t *first = NULL;
    const char *seeds[] = {"5", "5", "6"};
    const char *threads[] = {"1", "2", "2"};
    for (int i = 0; i < 3; i++) {
        RUN("--id", "pseudonym", "--events", "admission_date,diagnosis", "--events-sample", "800",
            "--seed", seeds[i], "-j", threads[i], "-f", "json", sample());
        EXPECT_STATUS(0);
        OUT_LACKS("990c428417823be8");
        OUT_LACKS("2023-12-12");
        OUT_LACKS("T865");
        PARSE_JSON();
        JINT("longitudinal.sampled", 800);
        JINT("longitudinal.people", 6247);
        json_t *u = json_object_get(json_object_get(J, "longitudinal"), "unicity");
        if (!u) fail_msg("no unicity");
        if (i == 0) {
            first = json_deep_copy(u);
        } else if (i == 1 && !json_equal(first, u)) {
            json_decref(first);
            fail_msg("the same seed gave another estimate");
        } else if (i == 2 && json_equal(first, u)) {
            json_decref(first);
            fail_msg("another seed gave the same estimate");
        }
    }
    json_decref(first);
    RUN("--id", "pseudonym", "--events", "admission_date:month,diagnosis", sample());
    EXPECT_STATUS(0);
    OUT_HAS("Trails of events (admission_date:month,diagnosis; docs/longitudinal.md)");
    OUT_HAS("diagnosis            an event column (--events)");
    OUT_LACKS("T865");
    OUT_LACKS("2023-12");
}

static void test_longitudinal_errors(void **state)
{
    (void)state;
    RUN("--events", "admission_date", sample());
    EXPECT_STATUS(2);
    ERR_HAS("--events needs --id COL, the pseudonym column");
    RUN("--id", "pseudonym", "--events", "", sample());
    EXPECT_STATUS(2);
    ERR_HAS("--events takes column names");
    RUN("--id", "pseudonym", "--events", "admission_date:weekly", sample());
    EXPECT_STATUS(2);
    ERR_HAS("--events: unknown type 'weekly' for event column 'admission_date'");
    RUN("--id", "pseudonym", "--events", "admision_date", sample());
    EXPECT_STATUS(2);
    ERR_HAS("no event column named 'admision_date'; did you mean 'admission_date'?");
    RUN("--id", "pseudonym", "--events", "pseudonym", sample());
    EXPECT_STATUS(2);
    ERR_HAS("cannot be both the id (pseudonym) column and an event column");
    RUN("--id", "pseudonym", "--events", "diagnosis", "--events-sample", "0", sample());
    EXPECT_STATUS(2);
    ERR_HAS("--events-sample takes a whole number of people (at least 1), not '0'");
    RUN("--id", "pseudonym", "--events", "diagnosis", "--seed", "x1", sample());
    EXPECT_STATUS(2);
    ERR_HAS("--seed takes a whole number");
}

static const struct CMUnitTest longitudinal_tests[] = {
    T(test_longitudinal_json),
    T(test_longitudinal_text),
    T(test_longitudinal_seed),
    T(test_longitudinal_errors),
};

static const cli_group groups[] = {
    CLI_GROUP("longitudinal", longitudinal_tests),
};

CLI_MAIN(groups)
