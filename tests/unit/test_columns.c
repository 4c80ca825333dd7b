/* test_columns.c - name matching, suggestions and quasi-identifier recognition (lib/columns.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "columns.h"
#include "reid.h"
#include "unit_helpers.h"

#define N(a) (sizeof(a) / sizeof *(a))

static void test_find_case_insensitive_trimmed(void **state)
{
    (void)state;
    char *names[] = {"Postcode", " Age ", "SEX", "date of birth"};
    assert_int_equal(reid_column_find(names, N(names), "postcode"), 0);
    assert_int_equal(reid_column_find(names, N(names), "POSTCODE"), 0);
    assert_int_equal(reid_column_find(names, N(names), "age"), 1);
    assert_int_equal(reid_column_find(names, N(names), "  aGe\t"), 1);
    assert_int_equal(reid_column_find(names, N(names), "sex "), 2);
    assert_int_equal(reid_column_find(names, N(names), "Date Of Birth"), 3);
    /* no partial or canonical-form matches */
    assert_int_equal(reid_column_find(names, N(names), "ag"), -1);
    assert_int_equal(reid_column_find(names, N(names), "ages"), -1);
    assert_int_equal(reid_column_find(names, N(names), "date_of_birth"), -1);
    assert_int_equal(reid_column_find(names, N(names), ""), -1);
    /* the first of two equal names */
    char *dup[] = {"a", "b", "A"};
    assert_int_equal(reid_column_find(dup, N(dup), "a"), 0);
    assert_int_equal(reid_column_find(dup, 0, "a"), -1);
}

static void test_nearest_name(void **state)
{
    (void)state;
    char *names[] = {"postcode", "age", "sex", "diagnosis", "ethnic_group"};
    assert_string_equal(reid_column_nearest(names, N(names), "postcod"), "postcode");
    assert_string_equal(reid_column_nearest(names, N(names), "POSTCDOE"), "postcode");
    assert_string_equal(reid_column_nearest(names, N(names), "diagnosys"), "diagnosis");
    assert_string_equal(reid_column_nearest(names, N(names), "Ethnic Group"), "ethnic_group");
    /* a name contained in a column name counts as close */
    assert_string_equal(reid_column_nearest(names, N(names), "post"), "postcode");
    /* nothing for a far name */
    assert_null(reid_column_nearest(names, N(names), "weight"));
    assert_null(reid_column_nearest(names, N(names), "admission_date"));
    assert_null(reid_column_nearest(names, 0, "postcode"));
}

static void test_category_of(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        reid_category cat;
    } cases[] = {
        {"postcode", REID_CAT_POSTCODE},
        {"Post Code", REID_CAT_POSTCODE},
        {"ZIP", REID_CAT_POSTCODE},
        {"outcode", REID_CAT_POSTCODE},
        {"home postcode (full)", REID_CAT_POSTCODE},
        {"dob", REID_CAT_DOB},
        {"Date of Birth", REID_CAT_DOB},
        {"  D.O.B.  ", REID_CAT_DOB},
        {"patient_birthdate", REID_CAT_DOB},
        {"year_of_birth", REID_CAT_BIRTH_YEAR},
        {"YOB", REID_CAT_BIRTH_YEAR},
        {"age", REID_CAT_AGE},
        {"StartAge", REID_CAT_AGE},
        {"Age at admission", REID_CAT_AGE},
        {"age_band", REID_CAT_AGE_BAND},
        {"Age Group", REID_CAT_AGE_BAND},
        {"sex", REID_CAT_SEX},
        {"Gender", REID_CAT_SEX},
        {"ethnicity", REID_CAT_ETHNICITY},
        {"Ethnic Group", REID_CAT_ETHNICITY},
        {"race", REID_CAT_ETHNICITY},
        {"ethnicity_description", REID_CAT_ETHNICITY},
        {"diagnosis", REID_CAT_DIAGNOSIS},
        {"primary_diagnosis", REID_CAT_DIAGNOSIS},
        {"ICD10 Code", REID_CAT_DIAGNOSIS},
        {"DIAG_4_02", REID_CAT_DIAGNOSIS},
        {"admission_date", REID_CAT_EVENT_DATE},
        {"ADMIDATE", REID_CAT_EVENT_DATE},
        {"date of death", REID_CAT_EVENT_DATE},
        {"visit_date", REID_CAT_EVENT_DATE},
        {"patient_id", REID_CAT_PSEUDONYM},
        {"HESID", REID_CAT_PSEUDONYM},
        {"pseudo_key", REID_CAT_PSEUDONYM},
        {"nhs_number", REID_CAT_DIRECT_ID},
        {"NHS Number", REID_CAT_DIRECT_ID},
        {"Name", REID_CAT_DIRECT_ID},
        {"email", REID_CAT_DIRECT_ID},
        {"weight", REID_CAT_NONE},
        {"ages", REID_CAT_NONE},
        {"sexes", REID_CAT_NONE},
        {"update", REID_CAT_NONE},
        {"", REID_CAT_NONE},
        {"---", REID_CAT_NONE},
    };
    for (size_t i = 0; i < N(cases); i++) {
        reid_category got = reid_category_of(cases[i].name);
        if (got != cases[i].cat) {
            print_error("'%s': category %d, expected %d\n", cases[i].name, (int)got,
                        (int)cases[i].cat);
            fail();
        }
    }
}

static void test_category_type_and_label(void **state)
{
    (void)state;
    assert_int_equal(reid_category_type(REID_CAT_POSTCODE), REID_TYPE_POSTCODE);
    assert_int_equal(reid_category_type(REID_CAT_DOB), REID_TYPE_DATE);
    assert_int_equal(reid_category_type(REID_CAT_EVENT_DATE), REID_TYPE_DATE);
    assert_int_equal(reid_category_type(REID_CAT_AGE), REID_TYPE_AGE);
    assert_int_equal(reid_category_type(REID_CAT_SEX), REID_TYPE_SEX);
    assert_int_equal(reid_category_type(REID_CAT_DIAGNOSIS), REID_TYPE_CODE);
    assert_int_equal(reid_category_type(REID_CAT_BIRTH_YEAR), REID_TYPE_TEXT);
    assert_int_equal(reid_category_type(REID_CAT_AGE_BAND), REID_TYPE_TEXT);
    assert_int_equal(reid_category_type(REID_CAT_ETHNICITY), REID_TYPE_TEXT);
    assert_int_equal(reid_category_type(REID_CAT_NONE), REID_TYPE_TEXT);
    assert_string_equal(reid_category_label(REID_CAT_POSTCODE), "a postcode");
    assert_string_equal(reid_category_label(REID_CAT_DOB), "a date of birth");
    assert_string_equal(reid_category_label(REID_CAT_NONE), "not recognised");
}

static const reid_detected *find_det(const reid_detected *d, size_t n, size_t column)
{
    for (size_t i = 0; i < n; i++)
        if (d[i].column == column) return &d[i];
    return NULL;
}

static void test_autodetect_full_header(void **state)
{
    (void)state;
    char *names[] = {"patient_id", "postcode",       "dob",        "age",   "sex", "diag_01",
                     "diag_02",    "admission_date", "nhs_number", "weight"};
    reid_detected det[N(names)];
    size_t n = reid_autodetect(names, N(names), det);
    assert_int_equal(n, 9); /* every column but weight */
    assert_null(find_det(det, n, 9));
    /* listed in column order */
    for (size_t i = 0; i < n; i++)
        assert_int_equal(det[i].column, i);

    const reid_detected *d = find_det(det, n, 0);
    assert_int_equal(d->cat, REID_CAT_PSEUDONYM);
    assert_int_equal(d->use, 0);
    assert_contains(d->why, "looks like a pseudonym");

    d = find_det(det, n, 1);
    assert_int_equal(d->cat, REID_CAT_POSTCODE);
    assert_int_equal(d->use, 1);
    assert_string_equal(d->why, "name looks like a postcode");

    d = find_det(det, n, 2);
    assert_int_equal(d->cat, REID_CAT_DOB);
    assert_int_equal(d->use, 1);

    /* the date of birth makes the age redundant */
    d = find_det(det, n, 3);
    assert_int_equal(d->cat, REID_CAT_AGE);
    assert_int_equal(d->use, 0);
    assert_contains(d->why, "implied by the date of birth 'dob'");

    d = find_det(det, n, 4);
    assert_int_equal(d->cat, REID_CAT_SEX);
    assert_int_equal(d->use, 1);

    /* the first diagnosis column is used, the second only noted */
    d = find_det(det, n, 5);
    assert_int_equal(d->cat, REID_CAT_DIAGNOSIS);
    assert_int_equal(d->use, 1);
    d = find_det(det, n, 6);
    assert_int_equal(d->cat, REID_CAT_DIAGNOSIS);
    assert_int_equal(d->use, 0);
    assert_contains(d->why, "another column that looks like a diagnosis code (the first, "
                            "'diag_01', is used)");

    d = find_det(det, n, 7);
    assert_int_equal(d->cat, REID_CAT_EVENT_DATE);
    assert_int_equal(d->use, 0);
    assert_contains(d->why, "the date of an event");

    d = find_det(det, n, 8);
    assert_int_equal(d->cat, REID_CAT_DIRECT_ID);
    assert_int_equal(d->use, 0);
    assert_contains(d->why, "direct identifier");
}

static void test_autodetect_age_rules(void **state)
{
    (void)state;
    /* without a date of birth: the exact age is used, the age band is implied by it, and the
     * year of birth is kept */
    char *names[] = {"age_band", "age", "yob"};
    reid_detected det[3];
    size_t n = reid_autodetect(names, 3, det);
    assert_int_equal(n, 3);
    assert_int_equal(det[0].cat, REID_CAT_AGE_BAND);
    assert_int_equal(det[0].use, 0);
    assert_contains(det[0].why, "implied by the exact age 'age'");
    assert_int_equal(det[1].use, 1);
    assert_int_equal(det[2].cat, REID_CAT_BIRTH_YEAR);
    assert_int_equal(det[2].use, 1);

    /* with a date of birth, the year of birth and the band go too */
    char *with_dob[] = {"age_band", "year_of_birth", "Date of Birth"};
    n = reid_autodetect(with_dob, 3, det);
    assert_int_equal(n, 3);
    assert_int_equal(det[0].use, 0);
    assert_int_equal(det[1].use, 0);
    assert_contains(det[1].why, "a year of birth, implied by the date of birth 'Date of Birth'");
    assert_int_equal(det[2].use, 1);

    /* an age band alone is used */
    char *band[] = {"ageband", "gender"};
    n = reid_autodetect(band, 2, det);
    assert_int_equal(n, 2);
    assert_int_equal(det[0].use, 1);
    assert_int_equal(det[1].use, 1);
}

static void test_autodetect_none(void **state)
{
    (void)state;
    char *names[] = {"weight", "height", "x"};
    reid_detected det[3];
    assert_int_equal(reid_autodetect(names, 3, det), 0);
}

/* ---- through the public API ---- */

static void test_api_unknown_qi_suggests(void **state)
{
    (void)state;
    const char *in = "postcode,age,sex\nSW1A 1AA,42,F\n";
    reid_config *cfg = cfg_qis("postcod,age");
    reid_analysis *a = run_csv(cfg, in);
    assert_int_equal(reid_status_of(a), REID_ERR_CONFIG);
    assert_string_equal(reid_error_message(a),
                        "t.csv: no column named 'postcod'; did you mean 'postcode'? The columns "
                        "are: postcode, age, sex");
    assert_int_equal(reid_error_line(a), 0);
    assert_null(reid_summary_get(a));
    reid_analysis_free(a);

    assert_int_equal(reid_config_set_qis(cfg, "age,weight"), REID_OK);
    a = run_csv(cfg, in);
    assert_int_equal(reid_status_of(a), REID_ERR_CONFIG);
    assert_string_equal(reid_error_message(a),
                        "t.csv: no column named 'weight'. The columns are: postcode, age, sex");
    reid_analysis_free(a);
    reid_config_free(cfg);
}

static void test_api_matching_and_types(void **state)
{
    (void)state;
    reid_config *cfg = cfg_qis(" postcode , AGE, Sex:text");
    reid_analysis *a =
        run_csv(cfg, " PostCode ,age,SEX\nsw1a1aa,042,F\nSW1A 1AA,42,F\nM1 1AE,42,f\n");
    assert_analysis_ok(a);
    assert_int_equal(reid_qi_count(a), 3);
    reid_qi_info q;
    assert_int_equal(reid_qi_get(a, 0, &q), REID_OK);
    assert_string_equal(q.name, "PostCode");
    assert_int_equal(q.column, 1);
    assert_int_equal(q.type, REID_TYPE_POSTCODE);
    assert_string_equal(q.reason, "given with --qi");
    assert_int_equal(q.distinct, 2);
    assert_int_equal(reid_qi_get(a, 1, &q), REID_OK);
    assert_int_equal(q.type, REID_TYPE_AGE);
    assert_int_equal(q.distinct, 1);
    assert_int_equal(reid_qi_get(a, 2, &q), REID_OK);
    assert_int_equal(q.type, REID_TYPE_TEXT);
    assert_string_equal(q.reason, "given with --qi as type text");
    assert_int_equal(q.distinct, 2); /* text: "F" and "f" differ */
    assert_int_equal(reid_qi_get(a, 3, &q), REID_ERR_STATE);
    const reid_summary *s = reid_summary_get(a);
    assert_int_equal(s->classes, 2);
    assert_int_equal(s->max_size, 2);
    reid_analysis_free(a);
    reid_config_free(cfg);
}

static void test_api_duplicate_columns(void **state)
{
    (void)state;
    reid_config *cfg = cfg_qis("sex");
    reid_analysis *a = run_csv(cfg, "age,Sex, AGE \n1,2,3\n");
    assert_int_equal(reid_status_of(a), REID_ERR_INPUT);
    assert_int_equal(reid_error_line(a), 1);
    assert_int_equal(reid_error_column(a), 3);
    assert_string_equal(reid_error_message(a),
                        "t.csv: line 1, column 3: duplicate column name 'AGE' (also column 1); "
                        "column names must be unique");
    reid_analysis_free(a);
    reid_config_free(cfg);
}

static void test_api_no_header(void **state)
{
    (void)state;
    const char *in = "M,30,x\nF,30,y\nM,30,z\n";
    reid_config *cfg = cfg_qis("1, 2");
    assert_int_equal(reid_config_set_header(cfg, 0), REID_OK);
    reid_analysis *a = run_csv(cfg, in);
    assert_analysis_ok(a);
    const reid_summary *s = reid_summary_get(a);
    assert_int_equal(s->records, 3); /* the first row is data */
    assert_int_equal(s->classes, 2);
    assert_int_equal(s->uniques, 1);
    assert_int_equal(reid_input_columns(a), 3);
    reid_qi_info q;
    assert_int_equal(reid_qi_get(a, 1, &q), REID_OK);
    assert_string_equal(q.name, "column 2");
    assert_int_equal(q.column, 2);
    assert_int_equal(q.type, REID_TYPE_TEXT);
    reid_analysis_free(a);

    assert_int_equal(reid_config_set_qis(cfg, "1,4"), REID_OK);
    a = run_csv(cfg, in);
    assert_int_equal(reid_status_of(a), REID_ERR_CONFIG);
    assert_contains(reid_error_message(a), "column numbers from 1 to 3; '4' is not one");
    reid_analysis_free(a);

    assert_int_equal(reid_config_set_qis(cfg, "sex"), REID_OK);
    a = run_csv(cfg, in);
    assert_int_equal(reid_status_of(a), REID_ERR_CONFIG);
    assert_contains(reid_error_message(a), "'sex' is not one");
    reid_analysis_free(a);

    assert_int_equal(reid_config_set_qis(cfg, "1,01"), REID_OK);
    a = run_csv(cfg, in);
    assert_int_equal(reid_status_of(a), REID_ERR_CONFIG);
    assert_contains(reid_error_message(a), "column 1 ('column 1') is listed twice");
    reid_analysis_free(a);

    /* no header and no QIs: nothing to go on */
    assert_int_equal(reid_config_set_qis(cfg, NULL), REID_OK);
    a = run_csv(cfg, in);
    assert_int_equal(reid_status_of(a), REID_ERR_CONFIG);
    assert_contains(reid_error_message(a),
                    "t.csv: without a header row, give the quasi-identifiers by column number");
    reid_analysis_free(a);
    reid_config_free(cfg);
}

static void test_api_autodetect(void **state)
{
    (void)state;
    reid_config *cfg = cfg_qis(NULL);
    reid_analysis *a = run_csv(cfg, "patient_id,postcode,dob,age,sex,weight\n"
                                    "p1,SW1A 1AA,31/01/1970,54,M,80\n"
                                    "p2,sw1a1aa,1970-01-31,54,m,81\n"
                                    "p3,M1 1AE,01/02/1970,54,F,60\n");
    assert_analysis_ok(a);
    assert_int_equal(reid_qi_count(a), 3);
    reid_qi_info q;
    static const char *const want[] = {"postcode", "dob", "sex"};
    static const reid_qi_type types[] = {REID_TYPE_POSTCODE, REID_TYPE_DATE, REID_TYPE_SEX};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(reid_qi_get(a, i, &q), REID_OK);
        assert_string_equal(q.name, want[i]);
        assert_int_equal(q.type, types[i]);
        assert_contains(q.reason, "name looks like");
    }
    assert_int_equal(reid_noted_count(a), 2);
    assert_string_equal(reid_noted_name(a, 0), "patient_id");
    assert_contains(reid_noted_note(a, 0), "pseudonym");
    assert_string_equal(reid_noted_name(a, 1), "age");
    assert_contains(reid_noted_note(a, 1), "implied by the date of birth 'dob'");
    assert_null(reid_noted_name(a, 2));
    assert_null(reid_noted_note(a, 2));
    /* p1 and p2 are one class after normalisation */
    assert_int_equal(reid_summary_get(a)->classes, 2);
    assert_int_equal(reid_summary_get(a)->max_size, 2);
    reid_analysis_free(a);

    /* nothing recognised */
    a = run_csv(cfg, "weight,height\n1,2\n");
    assert_int_equal(reid_status_of(a), REID_ERR_CONFIG);
    assert_string_equal(reid_error_message(a),
                        "t.csv: no quasi-identifier recognised among the columns (weight, "
                        "height); name them with --qi, e.g. --qi 'weight'");
    reid_analysis_free(a);
    reid_config_free(cfg);

    /* given QIs: a pseudonym or direct identifier is still noted, other columns are not */
    cfg = cfg_qis("age");
    a = run_csv(cfg, "nhs_number,age,dob\n1,2,3\n");
    assert_analysis_ok(a);
    assert_int_equal(reid_qi_count(a), 1);
    assert_int_equal(reid_noted_count(a), 1);
    assert_string_equal(reid_noted_name(a, 0), "nhs_number");
    assert_contains(reid_noted_note(a, 0), "direct identifier");
    reid_analysis_free(a);
    reid_config_free(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_find_case_insensitive_trimmed),
        cmocka_unit_test(test_nearest_name),
        cmocka_unit_test(test_category_of),
        cmocka_unit_test(test_category_type_and_label),
        cmocka_unit_test(test_autodetect_full_header),
        cmocka_unit_test(test_autodetect_age_rules),
        cmocka_unit_test(test_autodetect_none),
        cmocka_unit_test(test_api_unknown_qi_suggests),
        cmocka_unit_test(test_api_matching_and_types),
        cmocka_unit_test(test_api_duplicate_columns),
        cmocka_unit_test(test_api_no_header),
        cmocka_unit_test(test_api_autodetect),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
