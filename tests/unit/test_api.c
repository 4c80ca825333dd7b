/*
 * test_api.c - the public API (include/reid.h): call order, errors, accessors,
 * the release gate, merging, and the two report writers (content and privacy).
 * The reference figures on real data are checked by the CLI tests.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reid.h"
#include "unit_helpers.h"

/* sizes {1, 1, 2, 3, 2, 1}: n = 10, u = 6, k = 1, 3 uniques; one missing sex */
static const char EXAMPLE[] = "patient_id,sex,age\n"
                              "p1,F,30\n"
                              "p2,M,41\n"
                              "p3,F,52\n"
                              "p4,F,52\n"
                              "p5,M,52\n"
                              "p6,M,052\n"
                              "p7,m,52\n"
                              "p8,F,67\n"
                              "p9,F,67\n"
                              "p10,NA,67\n";

static void test_version_and_names(void **state)
{
    (void)state;
    assert_string_equal(reid_version(), REID_VERSION_STRING);
    assert_string_equal(reid_status_name(REID_OK), "ok");
    assert_string_equal(reid_status_name(REID_ERR_INPUT), "input error");
    assert_string_equal(reid_status_name(REID_ERR_CONFIG), "configuration error");
    assert_string_equal(reid_status_name(REID_ERR_NOMEM), "out of memory");
    assert_string_equal(reid_status_name(REID_ERR_IO), "write error");
    assert_string_equal(reid_status_name(REID_ERR_STATE), "call out of order");
    assert_string_equal(reid_status_name((reid_status)99), "unknown status");

    static const char *const names[] = {"text", "postcode", "date", "age", "sex", "code"};
    for (int t = REID_TYPE_TEXT; t <= REID_TYPE_CODE; t++) {
        assert_string_equal(reid_qi_type_name((reid_qi_type)t), names[t - 1]);
        reid_qi_type back = REID_TYPE_AUTO;
        assert_int_equal(reid_qi_type_from_name(names[t - 1], &back), 1);
        assert_int_equal(back, t);
    }
    reid_qi_type x = REID_TYPE_DATE;
    assert_int_equal(reid_qi_type_from_name("POSTCODE", &x), 1);
    assert_int_equal(x, REID_TYPE_POSTCODE);
    assert_int_equal(reid_qi_type_from_name("bogus", &x), 0);
    assert_int_equal(x, REID_TYPE_AUTO);
    assert_null(reid_qi_type_name((reid_qi_type)42));
}

static void test_config_setters(void **state)
{
    (void)state;
    reid_config *cfg = reid_config_new();
    assert_non_null(cfg);
    assert_string_equal(reid_config_error(cfg), "");
    assert_int_equal(reid_config_set_delimiter(cfg, ';'), REID_OK);
    assert_int_equal(reid_config_set_delimiter(cfg, 0), REID_OK);
    assert_int_equal(reid_config_set_delimiter(cfg, '"'), REID_ERR_CONFIG);
    assert_contains(reid_config_error(cfg), "delimiter");
    assert_int_equal(reid_config_set_delimiter(cfg, '\n'), REID_ERR_CONFIG);
    assert_int_equal(reid_config_set_delimiter(cfg, '\r'), REID_ERR_CONFIG);
    assert_int_equal(reid_config_set_delimiter(cfg, 256), REID_ERR_CONFIG);
    assert_int_equal(reid_config_set_k(cfg, 0), REID_ERR_CONFIG);
    assert_string_equal(reid_config_error(cfg), "k must be at least 1");
    assert_int_equal(reid_config_set_k(cfg, 1), REID_OK);
    assert_int_equal(reid_config_set_max_uniques(cfg, 1.5), REID_ERR_CONFIG);
    assert_int_equal(reid_config_set_max_uniques(cfg, NAN), REID_ERR_CONFIG);
    assert_int_equal(reid_config_set_max_uniques(cfg, 0.0), REID_OK);
    assert_int_equal(reid_config_set_max_uniques(cfg, -1.0), REID_OK);
    assert_int_equal(reid_config_set_max_field_size(cfg, 0), REID_ERR_CONFIG);
    assert_int_equal(reid_config_set_max_field_size(cfg, 1), REID_OK);
    assert_int_equal(reid_config_set_header(cfg, 3), REID_ERR_CONFIG);
    assert_contains(reid_config_error(cfg), "0 (none), 1 (checked) or 2 (as is)");
    assert_int_equal(reid_config_set_header(cfg, -1), REID_ERR_CONFIG);
    assert_int_equal(reid_config_set_header(cfg, REID_HEADER_AS_IS), REID_OK);
    assert_int_equal(reid_config_set_header(cfg, REID_HEADER_NONE), REID_OK);
    assert_int_equal(reid_config_set_header(cfg, REID_HEADER_CHECKED), REID_OK);

    assert_int_equal(reid_config_set_qis(cfg, "a,,b"), REID_ERR_CONFIG);
    assert_contains(reid_config_error(cfg), "empty name in the quasi-identifier list 'a,,b'");
    assert_int_equal(reid_config_set_qis(cfg, "a,"), REID_ERR_CONFIG);
    assert_int_equal(reid_config_set_qis(cfg, "a:bogus"), REID_ERR_CONFIG);
    assert_contains(reid_config_error(cfg), "unknown type 'bogus' for quasi-identifier 'a'");
    assert_int_equal(reid_config_set_qis(cfg, "a:auto"), REID_ERR_CONFIG);
    assert_int_equal(reid_config_set_qis(cfg, "age, AGE "), REID_ERR_CONFIG);
    assert_contains(reid_config_error(cfg), "'age' is listed twice");
    assert_int_equal(reid_config_set_qis(cfg, " dob : date , sex"), REID_OK);
    assert_int_equal(reid_config_set_qis(cfg, ""), REID_OK);
    assert_int_equal(reid_config_set_qis(cfg, "  "), REID_OK);
    assert_int_equal(reid_config_set_qis(cfg, NULL), REID_OK);
    reid_config_free(cfg);
    reid_config_free(NULL);
}

static void test_config_is_copied(void **state)
{
    (void)state;
    reid_config *cfg = cfg_qis("sex");
    reid_analysis *a = reid_analysis_new(cfg, "t.csv");
    assert_non_null(a);
    /* changing or freeing the configuration afterwards does not touch the analysis */
    assert_int_equal(reid_config_set_qis(cfg, "age"), REID_OK);
    assert_int_equal(reid_config_set_k(cfg, 99), REID_OK);
    reid_config_free(cfg);
    assert_int_equal(reid_feed(a, EXAMPLE, strlen(EXAMPLE)), REID_OK);
    assert_int_equal(reid_finish(a), REID_OK);
    assert_int_equal(reid_qi_count(a), 1);
    reid_qi_info q;
    assert_int_equal(reid_qi_get(a, 0, &q), REID_OK);
    assert_string_equal(q.name, "sex");
    assert_int_equal(reid_summary_get(a)->threshold_k, 5);
    reid_analysis_free(a);
}

static void test_summary_null_before_finish(void **state)
{
    (void)state;
    reid_config *cfg = cfg_qis("sex,age");
    reid_analysis *a = reid_analysis_new(cfg, "t.csv");
    assert_non_null(a);
    reid_qi_info q;
    assert_int_equal(reid_qi_get(a, 0, &q), REID_ERR_STATE); /* QIs not known yet */
    assert_int_equal(reid_input_delimiter(a), 0);
    assert_int_equal(reid_feed(a, EXAMPLE, strlen(EXAMPLE)), REID_OK);
    assert_null(reid_summary_get(a));
    size_t n = 99;
    assert_null(reid_histogram(a, &n));
    assert_int_equal(n, 0);
    assert_int_equal(reid_gate_passed(a), 0);
    FILE *devnull = fopen("/dev/null", "w");
    assert_non_null(devnull);
    assert_int_equal(reid_write_text(a, devnull), REID_ERR_STATE);
    assert_int_equal(reid_write_json(a, devnull), REID_ERR_STATE);
    fclose(devnull);
    assert_int_equal(reid_status_of(a), REID_OK);

    assert_int_equal(reid_finish(a), REID_OK);
    const reid_summary *s = reid_summary_get(a);
    assert_non_null(s);
    assert_int_equal(s->records, 10);
    assert_int_equal(s->classes, 6);
    assert_non_null(reid_histogram(a, &n));
    assert_int_equal(n, 3);
    reid_analysis_free(a);
    reid_config_free(cfg);
}

static void test_calls_out_of_order(void **state)
{
    (void)state;
    reid_config *cfg = cfg_qis("sex,age");
    reid_analysis *a = run_csv(cfg, EXAMPLE);
    assert_analysis_ok(a);
    assert_int_equal(reid_feed(a, "x,y,z\n", 6), REID_ERR_STATE);
    assert_int_equal(reid_status_of(a), REID_ERR_STATE);
    assert_string_equal(reid_error_message(a), "t.csv: reid_feed after reid_finish");
    /* once failed, every later call gives the same status */
    assert_int_equal(reid_finish(a), REID_ERR_STATE);
    assert_int_equal(reid_feed(a, "", 0), REID_ERR_STATE);
    reid_analysis_free(a);

    a = run_csv(cfg, EXAMPLE);
    assert_int_equal(reid_finish(a), REID_ERR_STATE);
    assert_string_equal(reid_error_message(a), "t.csv: reid_finish called twice");
    reid_analysis_free(a);
    reid_config_free(cfg);
}

static void test_error_accessors(void **state)
{
    (void)state;
    reid_config *cfg = cfg_qis("postcode,age");
    reid_analysis *a = reid_analysis_new(cfg, "x.csv");
    assert_string_equal(reid_error_message(a), "");
    assert_int_equal(reid_error_line(a), 0);
    assert_int_equal(reid_error_column(a), 0);
    const char *in = "postcode,age\nSW1A 1AA,42\nM1 1AE,4\xFF\nB33 8TH,7\n";
    reid_feed(a, in, strlen(in));
    reid_status st = reid_status_of(a) == REID_OK ? reid_finish(a) : reid_status_of(a);
    assert_int_equal(st, REID_ERR_INPUT);
    assert_int_equal(reid_status_of(a), REID_ERR_INPUT);
    assert_int_equal(reid_error_line(a), 3);
    assert_int_equal(reid_error_column(a), 2);
    assert_string_equal(reid_error_message(a),
                        "x.csv: line 3, column 2 (age): invalid UTF-8 at byte 2 of the field "
                        "(byte 0xFF) (--skip-bad-rows skips such rows)");
    /* every later call returns the same status; nothing is reported */
    assert_int_equal(reid_feed(a, "a", 1), REID_ERR_INPUT);
    assert_int_equal(reid_finish(a), REID_ERR_INPUT);
    assert_null(reid_summary_get(a));
    assert_int_equal(reid_classes_foreach(a, NULL, NULL), REID_ERR_STATE);
    reid_analysis_free(a);

    /* skipped instead */
    assert_int_equal(reid_config_set_skip_bad_rows(cfg, 1), REID_OK);
    a = run_csv(cfg, in);
    assert_analysis_ok(a);
    assert_int_equal(reid_summary_get(a)->records, 2);
    assert_int_equal(reid_summary_get(a)->skipped_rows, 1);
    assert_string_equal(reid_first_skip_message(a),
                        "t.csv: line 3, column 2 (age): invalid UTF-8 at byte 2 of the field "
                        "(byte 0xFF)");
    reid_analysis_free(a);

    /* invalid UTF-8 outside the QIs is not looked at */
    assert_int_equal(reid_config_set_skip_bad_rows(cfg, 0), REID_OK);
    a = run_csv(cfg, "postcode,age,note\nSW1A 1AA,42,caf\xE9\n");
    assert_analysis_ok(a);
    reid_analysis_free(a);

    /* without a source name */
    a = reid_analysis_new(cfg, NULL);
    assert_int_equal(reid_finish(a), REID_ERR_INPUT);
    assert_string_equal(reid_error_message(a), "<input>: the file is empty (no rows)");
    reid_analysis_free(a);
    reid_config_free(cfg);
}

static void test_accessors(void **state)
{
    (void)state;
    reid_config *cfg = cfg_qis("sex,age");
    reid_analysis *a = run_csv(cfg, "sex;age;x\nF;30;1\nF;30;2\nM;;3\n");
    assert_analysis_ok(a);
    assert_int_equal(reid_input_delimiter(a), ';');
    assert_int_equal(reid_input_columns(a), 3);
    assert_int_equal(reid_qi_count(a), 2);
    assert_string_equal(reid_missing_rule(a), "own_value");
    assert_string_equal(reid_first_skip_message(a), "");
    assert_int_equal(reid_noted_count(a), 0);
    size_t len = 99;
    const char *v = reid_value(a, 0, 1, &len);
    assert_non_null(v);
    assert_int_equal(len, 1);
    assert_memory_equal(v, "F", 1);
    v = reid_value(a, 0, 0, &len); /* id 0: missing */
    assert_non_null(v);
    assert_int_equal(len, 0);
    assert_null(reid_value(a, 0, 3, &len));
    assert_null(reid_value(a, 2, 1, &len));
    reid_qi_info q;
    assert_int_equal(reid_qi_get(a, 1, &q), REID_OK);
    assert_int_equal(q.missing, 1);
    assert_int_equal(q.distinct, 1);
    const reid_summary *s = reid_summary_get(a);
    assert_true(s->elapsed_seconds >= 0);
    assert_true(s->table_bytes > 0);
    reid_analysis_free(a);
    reid_config_free(cfg);
}

static int count_classes(const uint32_t *ids, uint64_t size, void *user)
{
    (void)ids;
    uint64_t *c = user;
    c[0]++;
    c[1] += size;
    return c[0] == c[2]; /* stop after c[2] classes */
}

static void test_classes_foreach(void **state)
{
    (void)state;
    reid_config *cfg = cfg_qis("sex,age");
    reid_analysis *a = run_csv(cfg, EXAMPLE);
    assert_analysis_ok(a);
    uint64_t c[3] = {0, 0, 0};
    assert_int_equal(reid_classes_foreach(a, count_classes, c), REID_OK);
    assert_int_equal(c[0], 6);
    assert_int_equal(c[1], 10);
    uint64_t d[3] = {0, 0, 2};
    assert_int_equal(reid_classes_foreach(a, count_classes, d), REID_OK);
    assert_int_equal(d[0], 2); /* stopped early */
    reid_analysis_free(a);
    reid_config_free(cfg);
}

static int gate_with(const char *in, uint64_t require_k, double max_uniques)
{
    reid_config *cfg = cfg_qis("sex,age");
    assert_int_equal(reid_config_set_require_k(cfg, require_k), REID_OK);
    assert_int_equal(reid_config_set_max_uniques(cfg, max_uniques), REID_OK);
    reid_analysis *a = run_csv(cfg, in);
    assert_analysis_ok(a);
    int passed = reid_gate_passed(a);
    reid_analysis_free(a);
    reid_config_free(cfg);
    return passed;
}

static void test_gate(void **state)
{
    (void)state;
    /* EXAMPLE: k = 1, 3 of 10 unique (0.3) */
    assert_int_equal(gate_with(EXAMPLE, 0, -1), 1);
    assert_int_equal(gate_with(EXAMPLE, 1, -1), 1);
    assert_int_equal(gate_with(EXAMPLE, 2, -1), 0);
    assert_int_equal(gate_with(EXAMPLE, 0, 0.3), 1); /* at the limit: allowed */
    assert_int_equal(gate_with(EXAMPLE, 0, 0.29), 0);
    assert_int_equal(gate_with(EXAMPLE, 0, 0.0), 0);
    assert_int_equal(gate_with(EXAMPLE, 1, 0.5), 1);
    assert_int_equal(gate_with(EXAMPLE, 2, 0.5), 0);
    assert_int_equal(gate_with(EXAMPLE, 1, 0.1), 0);
    /* k = 2, no uniques */
    const char *k2 = "sex,age\nF,1\nF,1\nM,2\nM,2\nM,2\n";
    assert_int_equal(gate_with(k2, 2, 0.0), 1);
    assert_int_equal(gate_with(k2, 3, 0.0), 0);
}

/* ---- the reports ---- */

static json_t *get(json_t *obj, const char *path)
{
    /* "a.b.c" */
    char buf[128];
    snprintf(buf, sizeof buf, "%s", path);
    json_t *cur = obj;
    for (char *save = NULL, *tok = strtok_r(buf, ".", &save); tok;
         tok = strtok_r(NULL, ".", &save)) {
        cur = json_object_get(cur, tok);
        if (!cur) {
            print_error("no key %s (in %s)\n", tok, path);
            fail();
        }
    }
    return cur;
}

static void assert_json_int(json_t *root, const char *path, long long want)
{
    json_t *v = get(root, path);
    if (!json_is_integer(v) || json_integer_value(v) != want) {
        print_error("%s: expected the integer %lld\n", path, want);
        fail();
    }
}

static void assert_json_real(json_t *root, const char *path, double want)
{
    json_t *v = get(root, path);
    if (!json_is_real(v) || json_real_value(v) != want) { /* 17 digits: read back exactly */
        print_error("%s: %.17g, expected the real %.17g\n", path,
                    json_is_real(v) ? json_real_value(v) : -1.0, want);
        fail();
    }
}

static void assert_json_str(json_t *root, const char *path, const char *want)
{
    json_t *v = get(root, path);
    assert_true(json_is_string(v));
    assert_string_equal(json_string_value(v), want);
}

static reid_analysis *example_analysis(reid_config **cfg_out)
{
    reid_config *cfg = cfg_qis("sex,age");
    assert_int_equal(reid_config_set_k(cfg, 3), REID_OK);
    assert_int_equal(reid_config_set_require_k(cfg, 2), REID_OK);
    reid_analysis *a = run_csv(cfg, EXAMPLE);
    assert_analysis_ok(a);
    *cfg_out = cfg;
    return a;
}

static void test_json_report(void **state)
{
    (void)state;
    reid_config *cfg;
    reid_analysis *a = example_analysis(&cfg);
    reid_status st;
    char *out = report_to_string(a, 1, &st);
    assert_int_equal(st, REID_OK);
    json_error_t jerr;
    json_t *root = json_loads(out, 0, &jerr);
    if (!root) {
        print_error("JSON does not parse: %s (line %d)\n%s\n", jerr.text, jerr.line, out);
        fail();
    }
    assert_true(json_is_object(root));

    /* the documented top-level keys, in the documented order */
    static const char *const keys[] = {"tool",
                                       "input",
                                       "quasi_identifiers",
                                       "quasi_identifier_details",
                                       "columns_noted",
                                       "missing_values",
                                       "equivalence_classes",
                                       "k_anonymity",
                                       "sample_uniques",
                                       "records_at_risk",
                                       "risk",
                                       "population",
                                       "warnings",
                                       "gate",
                                       "run"};
    size_t i = 0;
    for (void *it = json_object_iter(root); it; it = json_object_iter_next(root, it), i++) {
        assert_true(i < sizeof keys / sizeof *keys);
        assert_string_equal(json_object_iter_key(it), keys[i]);
    }
    assert_int_equal(i, sizeof keys / sizeof *keys);

    /* no population size or sampling fraction given: no population estimates */
    assert_true(json_is_null(get(root, "population")));
    assert_null(reid_population_get(a));

    assert_json_str(root, "tool.name", "reid-check");
    assert_json_str(root, "tool.version", REID_VERSION_STRING);
    assert_json_str(root, "input.source", "t.csv");
    assert_json_int(root, "input.records", 10);
    assert_json_int(root, "input.skipped_rows", 0);
    assert_null(json_object_get(get(root, "input"), "first_skipped_row"));
    assert_json_int(root, "input.columns", 3);
    assert_json_str(root, "input.delimiter", ",");
    assert_true(json_is_true(get(root, "input.header")));

    json_t *qis = get(root, "quasi_identifiers");
    assert_int_equal(json_array_size(qis), 2);
    assert_string_equal(json_string_value(json_array_get(qis, 0)), "sex");
    assert_string_equal(json_string_value(json_array_get(qis, 1)), "age");
    json_t *det = get(root, "quasi_identifier_details");
    assert_int_equal(json_array_size(det), 2);
    json_t *sex = json_array_get(det, 0), *age = json_array_get(det, 1);
    assert_json_str(sex, "name", "sex");
    assert_json_int(sex, "column", 2);
    assert_json_str(sex, "type", "sex");
    assert_json_str(sex, "reason", "given with --qi");
    assert_json_int(sex, "distinct_values", 2);
    assert_json_int(sex, "missing", 1);
    assert_json_real(sex, "missing_fraction", 0.1);
    assert_json_int(sex, "unrecognised", 0);
    assert_json_str(age, "type", "age");
    assert_json_int(age, "column", 3);
    assert_json_int(age, "distinct_values", 4);
    assert_json_int(age, "missing", 0);

    json_t *noted = get(root, "columns_noted");
    assert_int_equal(json_array_size(noted), 1);
    assert_json_str(json_array_get(noted, 0), "name", "patient_id");
    assert_contains(json_string_value(get(json_array_get(noted, 0), "note")), "pseudonym");

    assert_json_str(root, "missing_values.rule", "own_value");
    json_t *tokens = get(root, "missing_values.tokens");
    static const char *const tok[] = {"", "NA", "N/A", "NULL", "?"};
    assert_int_equal(json_array_size(tokens), 5);
    for (size_t k = 0; k < 5; k++)
        assert_string_equal(json_string_value(json_array_get(tokens, k)), tok[k]);

    assert_json_int(root, "equivalence_classes.count", 6);
    assert_json_int(root, "equivalence_classes.min_size", 1);
    assert_json_int(root, "equivalence_classes.max_size", 3);
    assert_json_real(root, "equivalence_classes.mean_size", 10.0 / 6.0);
    json_t *hist = get(root, "equivalence_classes.histogram");
    static const long long h[][2] = {{1, 3}, {2, 2}, {3, 1}};
    assert_int_equal(json_array_size(hist), 3);
    for (size_t k = 0; k < 3; k++) {
        assert_json_int(json_array_get(hist, k), "size", h[k][0]);
        assert_json_int(json_array_get(hist, k), "classes", h[k][1]);
    }
    json_t *dist = get(root, "equivalence_classes.size_distribution");
    assert_int_equal(json_array_size(dist), REID_NBUCKETS);
    assert_json_int(json_array_get(dist, 0), "min_size", 1);
    assert_json_int(json_array_get(dist, 0), "max_size", 1);
    assert_json_int(json_array_get(dist, 0), "classes", 3);
    assert_json_int(json_array_get(dist, 0), "records", 3);
    assert_json_real(json_array_get(dist, 0), "records_fraction", 0.3);
    assert_json_int(json_array_get(dist, 1), "records", 4);
    assert_json_int(json_array_get(dist, 4), "min_size", 5);
    assert_json_int(json_array_get(dist, 4), "max_size", 9);
    assert_json_int(json_array_get(dist, 4), "classes", 0);
    assert_json_int(json_array_get(dist, 8), "min_size", 100);
    assert_true(json_is_null(get(json_array_get(dist, 8), "max_size")));

    assert_json_int(root, "k_anonymity", 1);
    assert_json_int(root, "sample_uniques.records", 3);
    assert_json_real(root, "sample_uniques.fraction", 0.3);
    assert_json_int(root, "records_at_risk.threshold_k", 3);
    assert_json_int(root, "records_at_risk.records", 7);
    assert_json_real(root, "records_at_risk.fraction", 0.7);
    assert_json_int(root, "risk.threshold_k", 3);
    assert_json_real(root, "risk.prosecutor.highest", 1.0);
    assert_json_int(root, "risk.prosecutor.highest_risk_records", 3);
    assert_json_real(root, "risk.prosecutor.average", 0.6);
    assert_json_real(root, "risk.prosecutor.records_at_risk_fraction", 0.7);
    assert_json_int(root, "gate.require_k", 2);
    assert_true(json_is_null(get(root, "gate.max_uniques")));
    assert_true(json_is_false(get(root, "gate.passed")));
    assert_true(json_is_number(get(root, "run.elapsed_seconds")));
    assert_true(json_is_integer(get(root, "run.peak_rss_bytes")));
    assert_true(json_integer_value(get(root, "run.table_bytes")) > 0);

    json_decref(root);
    free(out);
    reid_analysis_free(a);
    reid_config_free(cfg);
}

static void test_json_report_no_gate_and_skips(void **state)
{
    (void)state;
    reid_config *cfg = cfg_qis("sex");
    assert_int_equal(reid_config_set_skip_bad_rows(cfg, 1), REID_OK);
    assert_int_equal(reid_config_set_header(cfg, 1), REID_OK);
    reid_analysis *a = run_csv(cfg, "sex\tage\nF\t1\nF\nM\t2\n");
    assert_analysis_ok(a);
    reid_status st;
    char *out = report_to_string(a, 1, &st);
    assert_int_equal(st, REID_OK);
    json_t *root = json_loads(out, 0, NULL);
    assert_non_null(root);
    assert_json_int(root, "input.skipped_rows", 1);
    assert_contains(json_string_value(get(root, "input.first_skipped_row")),
                    "t.csv: line 3: expected 2 fields (as in the header), found 1");
    assert_json_str(root, "input.delimiter", "\t");
    assert_true(json_is_null(get(root, "gate.require_k")));
    assert_true(json_is_true(get(root, "gate.passed")));
    json_decref(root);
    free(out);
    reid_analysis_free(a);
    reid_config_free(cfg);
}

static void test_text_report(void **state)
{
    (void)state;
    reid_config *cfg;
    reid_analysis *a = example_analysis(&cfg);
    reid_status st;
    char *out = report_to_string(a, 0, &st);
    assert_int_equal(st, REID_OK);
    assert_contains(out, "reid-check " REID_VERSION_STRING ": t.csv\n");
    assert_contains(out, "3 of 10 records (30.00%) are unique on sex, age; the extract is "
                         "1-anonymous.\n");
    assert_contains(out, "7 records (70.00%) are in classes smaller than k = 3.\n");
    assert_contains(out, "Release gate: FAILED");
    assert_contains(out, "k >= 2 required: k = 1 (NOT met)");
    assert_contains(out, "patient_id");
    free(out);
    reid_analysis_free(a);
    reid_config_free(cfg);

    /* thousands separators in the headline */
    char *big = malloc(64 * 1300 + 32);
    assert_non_null(big);
    size_t n = (size_t)snprintf(big, 32, "id,grp\n");
    for (int i = 0; i < 1234; i++)
        n += (size_t)snprintf(big + n, 64, "%d,g%d\n", i, i % 1000);
    cfg = cfg_qis("grp");
    a = run_csv(cfg, big);
    assert_analysis_ok(a);
    out = report_to_string(a, 0, &st);
    assert_int_equal(st, REID_OK);
    assert_contains(out, "766 of 1,234 records (62.07%) are unique on grp; the extract is "
                         "1-anonymous.");
    free(out);
    free(big);
    reid_analysis_free(a);
    reid_config_free(cfg);
}

static void test_write_errors(void **state)
{
    (void)state;
    reid_config *cfg;
    reid_analysis *a = example_analysis(&cfg);
    FILE *ro = fopen("/dev/null", "r");
    assert_non_null(ro);
    assert_int_equal(reid_write_text(a, ro), REID_ERR_IO);
    clearerr(ro);
    assert_int_equal(reid_write_json(a, ro), REID_ERR_IO);
    fclose(ro);
    FILE *full = fopen("/dev/full", "w");
    if (full) {
        setvbuf(full, NULL, _IONBF, 0);
        assert_int_equal(reid_write_json(a, full), REID_ERR_IO);
        fclose(full);
    }
    reid_analysis_free(a);
    reid_config_free(cfg);
}

/*
 * Privacy: the reports hold aggregates only. Unique and small classes have
 * distinctive values; none may appear in either report, even via the first
 * skipped row's message.
 */
static int find_value(const uint32_t *ids, uint64_t size, void *user)
{
    (void)size;
    void **u = user;
    const reid_analysis *a = u[0];
    int *found = u[1];
    for (size_t i = 0; i < reid_qi_count(a); i++) {
        size_t len;
        const char *v = reid_value(a, i, ids[i], &len);
        if (v && len >= 8 && memcmp(v, "ZZUNIQUE", 8) == 0) (*found)++;
    }
    return 0;
}

static void test_reports_hold_no_values(void **state)
{
    (void)state;
    const char *in = "code,area,age,note\n"
                     "ZZUNIQUE1,north,40,ZZNOTE\n"
                     "common,ZZUNIQUE2,41,x\n"
                     "ZZSMALLCLASS,south,42,x\n"
                     "ZZSMALLCLASS,south,42,x\n"
                     "common,north,43,x\n"
                     "common,north,43,x\n"
                     "common,north,43,x\n"
                     "common,north,43,x\n"
                     "common,north,43,x\n"
                     "ZZSKIPPED\"Q,north,43,x\n" /* malformed quoting: skipped */
                     "ZZRAGGED,north\n";         /* wrong field count: skipped */
    reid_config *cfg = cfg_qis("code,area,age");
    assert_int_equal(reid_config_set_skip_bad_rows(cfg, 1), REID_OK);
    assert_int_equal(reid_config_set_require_k(cfg, 2), REID_OK);
    assert_int_equal(reid_config_set_max_uniques(cfg, 0.5), REID_OK);
    reid_analysis *a = run_csv(cfg, in);
    assert_analysis_ok(a);
    const reid_summary *s = reid_summary_get(a);
    assert_int_equal(s->records, 9);
    assert_int_equal(s->skipped_rows, 2);
    assert_int_equal(s->uniques, 2);
    /* control: the distinctive values really are values of the classes */
    int found = 0;
    void *u[2] = {a, &found};
    assert_int_equal(reid_classes_foreach(a, find_value, u), REID_OK);
    assert_int_equal(found, 2);

    static const char *const secrets[] = {"ZZUNIQUE", "ZZSMALLCLASS", "ZZSKIPPED", "ZZRAGGED",
                                          "ZZNOTE",   "south",        "common"};
    for (int json = 0; json <= 1; json++) {
        reid_status st;
        char *out = report_to_string(a, json, &st);
        assert_int_equal(st, REID_OK);
        assert_contains(out, json ? "\"skipped_rows\": 2" : "2 malformed rows skipped");
        for (size_t i = 0; i < sizeof secrets / sizeof *secrets; i++)
            assert_not_contains(out, secrets[i]);
        free(out);
    }
    reid_analysis_free(a);
    reid_config_free(cfg);
}

/* ---- threads ---- */

/* n rows "i % 50,i % 7"; row `bad` (1-based data row) has one field only, if nonzero. */
static char *many_rows(size_t n, size_t bad, size_t *len)
{
    char *buf = malloc(n * 16 + 32);
    assert_non_null(buf);
    size_t k = (size_t)snprintf(buf, 32, "a,b\n");
    for (size_t i = 1; i <= n; i++) {
        if (i == bad)
            k += (size_t)snprintf(buf + k, 16, "oops\n");
        else
            k += (size_t)snprintf(buf + k, 16, "%zu,%zu\n", i % 50, i % 7);
    }
    *len = k;
    return buf;
}

static void test_threads(void **state)
{
    (void)state;
    static const unsigned counts[] = {1, 2, 4, 0};
    size_t len, badlen;
    char *good = many_rows(20000, 0, &len);
    char *bad = many_rows(20000, 15000, &badlen);
    for (size_t t = 0; t < sizeof counts / sizeof *counts; t++) {
        reid_config *cfg = cfg_qis("a,b");
        assert_int_equal(reid_config_set_threads(cfg, counts[t]), REID_OK);
        reid_analysis *a = run_csv_chunked(cfg, "t.csv", good, len, 4096);
        assert_analysis_ok(a);
        if (counts[t])
            assert_int_equal(reid_threads(a), counts[t]);
        else
            assert_true(reid_threads(a) >= 1);
        const reid_summary *s = reid_summary_get(a);
        assert_int_equal(s->records, 20000);
        assert_int_equal(s->classes, 350); /* lcm(50, 7) */
        assert_int_equal(s->min_size, 57);
        assert_int_equal(s->max_size, 58);
        reid_analysis_free(a);

        /* an error deep in the input, after many batches were handed over */
        a = run_csv_chunked(cfg, "t.csv", bad, badlen, 4096);
        assert_int_equal(reid_status_of(a), REID_ERR_INPUT);
        assert_int_equal(reid_error_line(a), 15001);
        assert_contains(reid_error_message(a), "t.csv: line 15001: expected 2 fields");
        assert_null(reid_summary_get(a));
        reid_analysis_free(a);

        /* skipped: the other rows all counted */
        assert_int_equal(reid_config_set_skip_bad_rows(cfg, 1), REID_OK);
        a = run_csv_chunked(cfg, "t.csv", bad, badlen, 4096);
        assert_analysis_ok(a);
        assert_int_equal(reid_summary_get(a)->records, 19999);
        assert_int_equal(reid_summary_get(a)->skipped_rows, 1);
        reid_analysis_free(a);

        /* freed in the middle of the input, without reid_finish */
        a = reid_analysis_new(cfg, "t.csv");
        assert_non_null(a);
        assert_int_equal(reid_feed(a, good, len / 2), REID_OK);
        reid_analysis_free(a);
        reid_config_free(cfg);
    }
    free(good);
    free(bad);
}

/* What reid_set_release's callback was told. */
typedef struct {
    const char *buf, *next; /* the buffer fed, and where the next range must start */
    size_t calls, bytes;
    int bad; /* a range out of order or outside the buffer */
} releases;

static void on_release(void *user, const void *p, size_t len)
{
    releases *r = user;
    const char *q = p;
    if (q != r->next || len == 0) r->bad = 1;
    r->next = q + len;
    r->calls++;
    r->bytes += len;
}

/* A new analysis fed buf whole with on_release reporting to *r: reid_feed must return want. */
static reid_analysis *feed_released(const reid_config *cfg, const char *buf, size_t len,
                                    releases *r, reid_status want)
{
    reid_analysis *a = reid_analysis_new(cfg, "t.csv");
    assert_non_null(a);
    *r = (releases){buf, buf, 0, 0, 0};
    reid_set_release(a, on_release, r);
    assert_int_equal(reid_feed(a, buf, len), want);
    assert_int_equal(r->bad, 0);
    return a;
}

static void test_release(void **state)
{
    (void)state;
    size_t len, badlen;
    char *good = many_rows(200000, 0, &len);
    char *bad = many_rows(200000, 150000, &badlen);
    reid_config *cfg = cfg_qis("a,b");
    assert_int_equal(reid_config_set_threads(cfg, 2), REID_OK);
    assert_int_equal(reid_config_set_chunk_size(cfg, 65536), REID_OK);

    /* one buffer on two threads: consecutive ranges from its start, each once, within it; the
     * figures as without the callback */
    releases r;
    reid_analysis *a = feed_released(cfg, good, len, &r, REID_OK);
    assert_true(r.calls > 10);           /* one per chunk of 64 KiB */
    assert_true(r.bytes <= len);         /* never past the buffer */
    assert_true(r.bytes > len - 200000); /* all but the last chunks' bytes at most */
    reid_set_release(a, NULL, NULL);
    assert_int_equal(reid_finish(a), REID_OK);
    assert_int_equal(reid_summary_get(a)->records, 200000);
    assert_int_equal(reid_summary_get(a)->classes, 350);
    reid_analysis_free(a);

    /* an error deep in the buffer: nothing at or after the bad record's chunk is released, and
     * the error is reported as without the callback */
    a = feed_released(cfg, bad, badlen, &r, REID_ERR_INPUT);
    const char *oops = strstr(bad, "oops");
    assert_non_null(oops);
    assert_true(r.next <= oops);
    assert_int_equal(reid_error_line(a), 150001);
    reid_analysis_free(a);

    /* one thread: every 2 MiB, the same way */
    assert_int_equal(reid_config_set_threads(cfg, 1), REID_OK);
    size_t biglen;
    char *big = many_rows(1000000, 0, &biglen); /* about 7 MB */
    a = feed_released(cfg, big, biglen, &r, REID_OK);
    assert_int_equal(r.calls, biglen / (2 << 20));
    assert_true(r.bytes <= biglen && r.bytes + (2 << 20) > biglen);
    reid_set_release(a, NULL, NULL);
    assert_int_equal(reid_finish(a), REID_OK);
    assert_int_equal(reid_summary_get(a)->records, 1000000);
    reid_analysis_free(a);
    free(big);
    reid_config_free(cfg);
    free(good);
    free(bad);
}

/* ---- merging ---- */

static void test_merge(void **state)
{
    (void)state;
    reid_config *cfg = cfg_qis("sex,age");
    assert_int_equal(reid_config_set_skip_bad_rows(cfg, 1), REID_OK);
    const char *part1 = "sex,age\nF,30\nM,41\nF,52\nbad\n";
    const char *part2 = "sex,age\nF,52\nM,41\nM,41\nF,99\nbad\nbad\n";
    const char *whole = "sex,age\nF,30\nM,41\nF,52\nF,52\nM,41\nM,41\nF,99\n";
    reid_analysis *a = run_csv(cfg, part1);
    reid_analysis *b = run_csv(cfg, part2);
    reid_analysis *w = run_csv(cfg, whole);
    assert_analysis_ok(a);
    assert_analysis_ok(b);
    assert_analysis_ok(w);
    assert_int_equal(reid_merge(a, b), REID_OK);
    const reid_summary *sa = reid_summary_get(a), *sw = reid_summary_get(w);
    assert_int_equal(sa->records, 7);
    assert_int_equal(sa->records, sw->records);
    assert_int_equal(sa->classes, 4);
    assert_int_equal(sa->classes, sw->classes);
    assert_int_equal(sa->uniques, sw->uniques);
    assert_int_equal(sa->max_size, 3);
    assert_int_equal(sa->skipped_rows, 3);
    assert_contains(reid_first_skip_message(a), "line 5");
    reid_qi_info q;
    assert_int_equal(reid_qi_get(a, 1, &q), REID_OK);
    assert_int_equal(q.distinct, 4);
    /* the source is unchanged */
    assert_int_equal(reid_summary_get(b)->records, 4);
    reid_analysis_free(a);
    reid_analysis_free(b);
    reid_analysis_free(w);

    /* different QIs */
    reid_config *other = cfg_qis("age,sex");
    a = run_csv(cfg, whole);
    b = run_csv(other, whole);
    assert_int_equal(reid_merge(a, b), REID_ERR_CONFIG);
    assert_contains(reid_error_message(a),
                    "cannot merge analyses over different quasi-identifiers");
    assert_null(reid_summary_get(a));
    reid_analysis_free(a);
    reid_analysis_free(b);

    /* same names, different types */
    reid_config *typed = cfg_qis("sex:text,age");
    a = run_csv(cfg, whole);
    b = run_csv(typed, whole);
    assert_int_equal(reid_merge(a, b), REID_ERR_CONFIG);
    reid_analysis_free(a);
    reid_analysis_free(b);

    /* unfinished source */
    a = run_csv(cfg, whole);
    b = reid_analysis_new(cfg, "b.csv");
    assert_int_equal(reid_feed(b, whole, strlen(whole)), REID_OK);
    assert_int_equal(reid_merge(a, b), REID_ERR_STATE);
    reid_analysis_free(a);
    reid_analysis_free(b);

    reid_config_free(typed);
    reid_config_free(other);
    reid_config_free(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version_and_names),
        cmocka_unit_test(test_config_setters),
        cmocka_unit_test(test_config_is_copied),
        cmocka_unit_test(test_summary_null_before_finish),
        cmocka_unit_test(test_calls_out_of_order),
        cmocka_unit_test(test_error_accessors),
        cmocka_unit_test(test_accessors),
        cmocka_unit_test(test_classes_foreach),
        cmocka_unit_test(test_gate),
        cmocka_unit_test(test_json_report),
        cmocka_unit_test(test_json_report_no_gate_and_skips),
        cmocka_unit_test(test_text_report),
        cmocka_unit_test(test_write_errors),
        cmocka_unit_test(test_reports_hold_no_values),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_release),
        cmocka_unit_test(test_merge),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
