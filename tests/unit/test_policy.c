/*
 * test_policy.c - release policies (docs/policies.md): each preset's thresholds and
 * source, the override rule (an explicit threshold wins in either order), a second
 * policy replacing the first, unknown names, and the gate's checks.
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

#include "config.h"
#include "reid.h"
#include "unit_helpers.h"

/* classes by sex,age of sizes 11 and 12: k = 11, highest risk 1/11 */
static char *classes_11_12(void)
{
    size_t cap = 4096, len = 0;
    char *s = malloc(cap);
    assert_non_null(s);
    len += (size_t)snprintf(s + len, cap - len, "sex,age\n");
    for (int i = 0; i < 11; i++)
        len += (size_t)snprintf(s + len, cap - len, "F,30\n");
    for (int i = 0; i < 12; i++)
        len += (size_t)snprintf(s + len, cap - len, "M,40\n");
    return s;
}

static void test_presets(void **state)
{
    (void)state;
    reid_config *cfg = reid_config_new();
    assert_non_null(cfg);
    assert_int_equal(reid_config_set_policy(cfg, "ema"), REID_OK);
    assert_double_near(cfg->max_risk, 1.0 / 11);
    assert_int_equal(cfg->max_risk_from, REID_GATE_POLICY);
    assert_int_equal(cfg->require_k, 0);
    assert_string_equal(cfg->policy, "ema");
    assert_contains(cfg->policy_source, "EMA Policy 0070");
    assert_contains(cfg->policy_source, "Health Canada");

    /* a second policy replaces the first: ema's risk goes */
    assert_int_equal(reid_config_set_policy(cfg, "NHS-Small-Numbers"), REID_OK);
    assert_string_equal(cfg->policy, "nhs-small-numbers");
    assert_int_equal(cfg->require_k, 8);
    assert_int_equal(cfg->require_k_from, REID_GATE_POLICY);
    assert_true(cfg->max_risk < 0);
    assert_int_equal(cfg->max_risk_from, REID_GATE_NONE);
    assert_contains(cfg->policy_source, "HES");

    assert_int_equal(reid_config_set_policy(cfg, "k=11"), REID_OK);
    assert_string_equal(cfg->policy, "k=11");
    assert_string_equal(cfg->policy_from, "policy k=11");
    assert_int_equal(cfg->require_k, 11);
    assert_null(cfg->policy_source);

    /* NULL or "" removes the policy and its thresholds */
    assert_int_equal(reid_config_set_policy(cfg, ""), REID_OK);
    assert_int_equal(cfg->require_k, 0);
    assert_string_equal(cfg->policy, "");
    assert_int_equal(reid_config_set_policy(cfg, "k=3"), REID_OK);
    assert_int_equal(reid_config_set_policy(cfg, NULL), REID_OK);
    assert_int_equal(cfg->require_k, 0);

    /* unknown names, malformed k=K: an error listing the names, nothing changed */
    assert_int_equal(reid_config_set_policy(cfg, "ema"), REID_OK);
    static const char *const bad[] = {"emma", "k=", "k=0", "k=-1", "k=2x", "k=99999999999999999999",
                                      "nhs",  "k 5"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_equal(reid_config_set_policy(cfg, bad[i]), REID_ERR_CONFIG);
        assert_contains(reid_config_error(cfg), "unknown policy");
        assert_contains(reid_config_error(cfg), "ema, nhs-small-numbers, k=K");
        assert_string_equal(cfg->policy, "ema");
        assert_double_near(cfg->max_risk, 1.0 / 11);
    }

    assert_int_equal(reid_config_set_max_risk(cfg, 1.5), REID_ERR_CONFIG);
    assert_int_equal(reid_config_set_max_risk(cfg, NAN), REID_ERR_CONFIG);
    reid_config_free(cfg);
}

static void test_override_order(void **state)
{
    (void)state;
    /* option before the policy */
    reid_config *cfg = reid_config_new();
    assert_int_equal(reid_config_set_require_k(cfg, 3), REID_OK);
    assert_int_equal(reid_config_set_policy(cfg, "nhs-small-numbers"), REID_OK);
    assert_int_equal(cfg->require_k, 3);
    assert_int_equal(cfg->require_k_from, REID_GATE_OPTION);
    /* and a second policy does not touch it either */
    assert_int_equal(reid_config_set_policy(cfg, "k=20"), REID_OK);
    assert_int_equal(cfg->require_k, 3);
    reid_config_free(cfg);

    /* option after the policy */
    cfg = reid_config_new();
    assert_int_equal(reid_config_set_policy(cfg, "nhs-small-numbers"), REID_OK);
    assert_int_equal(reid_config_set_require_k(cfg, 3), REID_OK);
    assert_int_equal(cfg->require_k, 3);
    assert_int_equal(cfg->require_k_from, REID_GATE_OPTION);
    assert_int_equal(reid_config_set_policy(cfg, ""), REID_OK); /* the option stays */
    assert_int_equal(cfg->require_k, 3);
    reid_config_free(cfg);

    /* max risk: either order */
    cfg = reid_config_new();
    assert_int_equal(reid_config_set_max_risk(cfg, 0.2), REID_OK);
    assert_int_equal(reid_config_set_policy(cfg, "ema"), REID_OK);
    assert_double_near(cfg->max_risk, 0.2);
    assert_int_equal(cfg->max_risk_from, REID_GATE_OPTION);
    reid_config_free(cfg);
    cfg = reid_config_new();
    assert_int_equal(reid_config_set_policy(cfg, "ema"), REID_OK);
    assert_int_equal(reid_config_set_max_risk(cfg, 0.2), REID_OK);
    assert_double_near(cfg->max_risk, 0.2);
    assert_int_equal(cfg->max_risk_from, REID_GATE_OPTION);
    /* a negative value removes the gate, whatever set it */
    assert_int_equal(reid_config_set_max_risk(cfg, -1), REID_OK);
    assert_true(cfg->max_risk < 0);
    assert_int_equal(cfg->max_risk_from, REID_GATE_NONE);
    reid_config_free(cfg);
}

/* Run text under sex,age with the policy; return the gate and fill the checks. */
static int gate_policy(const char *text, const char *policy, reid_gate_check *checks, size_t *n)
{
    reid_config *cfg = cfg_qis("sex,age");
    if (policy) assert_int_equal(reid_config_set_policy(cfg, policy), REID_OK);
    reid_analysis *a = run_csv(cfg, text);
    reid_config_free(cfg); /* the analysis holds a copy */
    assert_analysis_ok(a);
    int passed = reid_gate_passed(a);
    *n = reid_gate_checks(a, checks, 3);
    /* from_name lives as long as the analysis: keep copies */
    static char names[3][48];
    for (size_t i = 0; i < *n && i < 3; i++) {
        snprintf(names[i], sizeof names[i], "%s", checks[i].from_name);
        checks[i].from_name = names[i];
    }
    if (policy) {
        assert_non_null(reid_gate_policy(a));
    } else {
        assert_null(reid_gate_policy(a));
        assert_null(reid_gate_policy_source(a));
    }
    reid_analysis_free(a);
    return passed;
}

static void test_gate_checks(void **state)
{
    (void)state;
    char *t = classes_11_12();
    reid_gate_check c[3];
    size_t n;

    /* k = 11: risk 1/11, the guidance's 0.09 (classes of at least 11): ema passes */
    assert_int_equal(gate_policy(t, "ema", c, &n), 1);
    assert_int_equal(n, 1);
    assert_string_equal(c[0].threshold, "max_risk");
    assert_double_near(c[0].required, 1.0 / 11);
    assert_double_near(c[0].measured, 1.0 / 11);
    assert_int_equal(c[0].met, 1);
    assert_int_equal(c[0].from, REID_GATE_POLICY);
    assert_string_equal(c[0].from_name, "policy ema");

    assert_int_equal(gate_policy(t, "nhs-small-numbers", c, &n), 1);
    assert_int_equal(n, 1);
    assert_string_equal(c[0].threshold, "k");
    assert_double_near(c[0].required, 8);
    assert_double_near(c[0].measured, 11);
    assert_int_equal(c[0].met, 1);
    assert_string_equal(c[0].from_name, "policy nhs-small-numbers");

    assert_int_equal(gate_policy(t, "k=11", c, &n), 1);
    assert_int_equal(gate_policy(t, "k=12", c, &n), 0);
    assert_int_equal(c[0].met, 0);
    assert_int_equal(gate_policy(t, NULL, c, &n), 1);
    assert_int_equal(n, 0);
    free(t);

    /* a class of 10: risk 0.1 > 1/11, ema fails */
    const char *t10 = "sex,age\nF,1\nF,1\nF,1\nF,1\nF,1\nF,1\nF,1\nF,1\nF,1\nF,1\n";
    assert_int_equal(gate_policy(t10, "ema", c, &n), 0);
    assert_int_equal(c[0].met, 0);
    assert_double_near(c[0].measured, 0.1);

    /* 12 and 13: ema passes */
    const char *t12 = "sex,age\nF,1\nF,1\nF,1\nF,1\nF,1\nF,1\nF,1\nF,1\nF,1\nF,1\nF,1\nF,1\n";
    assert_int_equal(gate_policy(t12, "ema", c, &n), 1);
    assert_int_equal(c[0].met, 1);

    /* all three checks, in order, with their sources */
    reid_config *cfg = cfg_qis("sex,age");
    assert_int_equal(reid_config_set_policy(cfg, "ema"), REID_OK);
    assert_int_equal(reid_config_set_require_k(cfg, 2), REID_OK);
    assert_int_equal(reid_config_set_max_uniques(cfg, 0.5), REID_OK);
    reid_analysis *a = run_csv(cfg, t12);
    assert_analysis_ok(a);
    assert_int_equal(reid_gate_checks(a, NULL, 0), 3);
    assert_int_equal(reid_gate_checks(a, c, 1), 3); /* only one written */
    assert_string_equal(c[0].threshold, "k");
    assert_int_equal(reid_gate_checks(a, c, 3), 3);
    assert_string_equal(c[0].from_name, "--require-k");
    assert_string_equal(c[1].threshold, "max_uniques");
    assert_string_equal(c[1].from_name, "--max-uniques");
    assert_int_equal(c[1].from, REID_GATE_OPTION);
    assert_string_equal(c[2].threshold, "max_risk");
    assert_string_equal(c[2].from_name, "policy ema");
    assert_int_equal(reid_gate_passed(a), 1);

    /* the reports */
    reid_status st;
    char *text = report_to_string(a, 0, &st);
    assert_int_equal(st, REID_OK);
    assert_contains(text, "Release gate: PASSED");
    assert_contains(text, "Policy ema: EMA Policy 0070");
    assert_contains(text, "k >= 2 required: k = 12 (met), set by --require-k.");
    assert_contains(text, "highest risk at most 0.0909091 required: highest risk 0.0833333 (met), "
                          "set by policy ema.");
    free(text);
    char *js = report_to_string(a, 1, &st);
    assert_int_equal(st, REID_OK);
    json_error_t err;
    json_t *root = json_loads(js, 0, &err);
    assert_non_null(root);
    json_t *gate = json_object_get(root, "gate");
    assert_string_equal(json_string_value(json_object_get(gate, "policy")), "ema");
    assert_contains(json_string_value(json_object_get(gate, "policy_source")), "EMA Policy 0070");
    assert_double_near(json_real_value(json_object_get(gate, "max_risk")), 1.0 / 11);
    json_t *checks = json_object_get(gate, "checks");
    assert_int_equal(json_array_size(checks), 3);
    json_t *c0 = json_array_get(checks, 0), *c2 = json_array_get(checks, 2);
    assert_int_equal(json_integer_value(json_object_get(c0, "required")), 2);
    assert_int_equal(json_integer_value(json_object_get(c0, "measured")), 12);
    assert_string_equal(json_string_value(json_object_get(c2, "from")), "policy ema");
    assert_true(json_is_true(json_object_get(c2, "met")));
    json_decref(root);
    free(js);
    reid_analysis_free(a);
    reid_config_free(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_presets),
        cmocka_unit_test(test_override_order),
        cmocka_unit_test(test_gate_checks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
