/* test_normalise.c - trimming, UTF-8, per-type normalisation, missing values (lib/normalise.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "normalise.h"
#include "reid.h"
#include "unit_helpers.h"

/* Trim, then normalise as type t; compare with want and the recognised flag. */
static void check_norm(reid_qi_type t, const char *in, const char *want, int want_ok)
{
    const char *s = in;
    size_t len = strlen(in);
    reid_trim(&s, &len);
    char *out = malloc(len + REID_NORM_EXTRA + 1);
    assert_non_null(out);
    memset(out, '#', len + REID_NORM_EXTRA + 1);
    int ok = -1;
    size_t n = reid_normalise(t, s, len, out, &ok);
    assert_true(n <= len + REID_NORM_EXTRA);
    out[n] = 0;
    if (strcmp(out, want) != 0 || ok != want_ok) {
        print_error("%s '%s': got '%s' (recognised %d), expected '%s' (recognised %d)\n",
                    reid_qi_type_name(t), in, out, ok, want, want_ok);
        free(out);
        fail();
    }
    free(out);
}

static void test_trim(void **state)
{
    (void)state;
    const char *s = " \t\r\n abc def \v\f ";
    size_t len = strlen(s);
    reid_trim(&s, &len);
    assert_int_equal(len, 7);
    assert_memory_equal(s, "abc def", 7);

    s = "   ";
    len = 3;
    reid_trim(&s, &len);
    assert_int_equal(len, 0);

    s = "x";
    len = 1;
    reid_trim(&s, &len);
    assert_int_equal(len, 1);
    assert_int_equal(s[0], 'x');

    /* only ASCII white space: a non-breaking space (C2 A0) stays */
    s = "\xC2\xA0y ";
    len = 4;
    reid_trim(&s, &len);
    assert_int_equal(len, 3);

    /* the length is honoured: bytes after it are not looked at */
    s = "ab  cd";
    len = 4;
    reid_trim(&s, &len);
    assert_int_equal(len, 2);
}

static void check_utf8(const char *s, size_t len, int valid, size_t bad_at)
{
    size_t bad = 12345;
    int v = reid_utf8_valid(s, len, &bad);
    assert_int_equal(v, valid);
    if (!valid) assert_int_equal(bad, bad_at);
}

static void test_utf8(void **state)
{
    (void)state;
    check_utf8("", 0, 1, 0);
    check_utf8("plain ascii", 11, 1, 0);
    check_utf8("caf\xC3\xA9", 5, 1, 0);      /* U+00E9 */
    check_utf8("\xE2\x82\xAC", 3, 1, 0);     /* U+20AC */
    check_utf8("\xF0\x9F\x98\x80", 4, 1, 0); /* U+1F600 */
    check_utf8("\xF4\x8F\xBF\xBF", 4, 1, 0); /* U+10FFFF, the last */
    check_utf8("\xED\x9F\xBF", 3, 1, 0);     /* U+D7FF, just below the surrogates */
    /* overlong forms */
    check_utf8("a\xC0\x80", 3, 0, 1);
    check_utf8("\xC1\xBF", 2, 0, 0);
    check_utf8("ab\xE0\x80\xAF", 5, 0, 2);
    check_utf8("\xF0\x8F\xBF\xBF", 4, 0, 0);
    /* surrogates */
    check_utf8("x\xED\xA0\x80", 4, 0, 1);
    check_utf8("\xED\xBF\xBF", 3, 0, 0);
    /* beyond U+10FFFF */
    check_utf8("\xF4\x90\x80\x80", 4, 0, 0);
    check_utf8("ok\xF5\x80\x80\x80", 6, 0, 2);
    /* truncated sequences, at the end and in the middle */
    check_utf8("abc\xC3", 4, 0, 3);
    check_utf8("\xE2\x82", 2, 0, 0);
    check_utf8("\xF0\x9F\x98", 3, 0, 0);
    check_utf8("\xE2\x82x", 3, 0, 0);
    /* a lone continuation byte, and 0xFF */
    check_utf8("a\x80", 2, 0, 1);
    check_utf8("\xFF", 1, 0, 0);
    /* the length bounds the check: a valid prefix of an invalid string */
    check_utf8("ab\xFF", 2, 1, 0);
}

static void test_postcode(void **state)
{
    (void)state;
    check_norm(REID_TYPE_POSTCODE, "sw1a1aa", "SW1A 1AA", 1);
    check_norm(REID_TYPE_POSTCODE, "  m1 1ae ", "M1 1AE", 1);
    check_norm(REID_TYPE_POSTCODE, "EC1A1BB", "EC1A 1BB", 1);
    check_norm(REID_TYPE_POSTCODE, "W1A 0AX", "W1A 0AX", 1);
    check_norm(REID_TYPE_POSTCODE, "GIR0AA", "GIR 0AA", 1);
    check_norm(REID_TYPE_POSTCODE, "gir 0aa", "GIR 0AA", 1);
    check_norm(REID_TYPE_POSTCODE, "B33 8TH", "B33 8TH", 1);
    check_norm(REID_TYPE_POSTCODE, "cr26xh", "CR2 6XH", 1);
    check_norm(REID_TYPE_POSTCODE, "DN55  1PT", "DN55 1PT", 1);
    check_norm(REID_TYPE_POSTCODE, "S W 1 A 1 A A", "SW1A 1AA", 1);
    /* not the shape of a postcode: kept (upper-cased) and flagged */
    check_norm(REID_TYPE_POSTCODE, "sw1a", "SW1A", 0);
    check_norm(REID_TYPE_POSTCODE, "12345", "12345", 0);
    check_norm(REID_TYPE_POSTCODE, "sw1a 1a1", "SW1A 1A1", 0);
    check_norm(REID_TYPE_POSTCODE, "1W1A 1AA", "1W1A 1AA", 0);
    check_norm(REID_TYPE_POSTCODE, "SW1AA 1AA", "SW1AA 1AA", 0);
    check_norm(REID_TYPE_POSTCODE, "not a postcode", "NOT A POSTCODE", 0);
    check_norm(REID_TYPE_POSTCODE, "a-b-c", "A-B-C", 0);
    check_norm(REID_TYPE_POSTCODE, "this is a very long value indeed",
               "THIS IS A VERY LONG VALUE INDEED", 0);
}

static void test_date(void **state)
{
    (void)state;
    static const char *const forms[] = {
        "31/01/1970", "31-01-1970",    "31.01.1970",      "1970-01-31",  "1970/01/31",
        "19700131",   "31-Jan-1970",   "31 Jan 1970",     "31-JAN-1970", "31 January 1970",
        "31/1/1970",  "  31/01/1970 ", "31-january-1970",
    };
    for (size_t i = 0; i < sizeof forms / sizeof *forms; i++)
        check_norm(REID_TYPE_DATE, forms[i], "1970-01-31", 1);
    check_norm(REID_TYPE_DATE, "1/2/1970", "1970-02-01", 1);
    check_norm(REID_TYPE_DATE, "2000-2-9", "2000-02-09", 1);
    check_norm(REID_TYPE_DATE, "05 Dec 1999", "1999-12-05", 1);
    check_norm(REID_TYPE_DATE, "29/02/2000", "2000-02-29", 1); /* divisible by 400: leap */
    check_norm(REID_TYPE_DATE, "29/02/2024", "2024-02-29", 1);
    check_norm(REID_TYPE_DATE, "31/12/0999", "0999-12-31", 1);
    /* impossible dates */
    check_norm(REID_TYPE_DATE, "29/02/1900", "29/02/1900", 0); /* divisible by 100: not leap */
    check_norm(REID_TYPE_DATE, "29/02/2023", "29/02/2023", 0);
    check_norm(REID_TYPE_DATE, "31/04/2020", "31/04/2020", 0);
    check_norm(REID_TYPE_DATE, "00/01/1970", "00/01/1970", 0);
    check_norm(REID_TYPE_DATE, "01/13/1970", "01/13/1970", 0);
    check_norm(REID_TYPE_DATE, "1970-00-10", "1970-00-10", 0);
    check_norm(REID_TYPE_DATE, "19701301", "19701301", 0);
    check_norm(REID_TYPE_DATE, "00000101", "00000101", 0);
    /* other shapes */
    check_norm(REID_TYPE_DATE, "31/01/70", "31/01/70", 0);
    check_norm(REID_TYPE_DATE, "31/01-1970", "31/01-1970", 0);
    check_norm(REID_TYPE_DATE, "31 01 1970", "31 01 1970", 0);
    check_norm(REID_TYPE_DATE, "31-Jnu-1970", "31-Jnu-1970", 0);
    check_norm(REID_TYPE_DATE, "1970-01-31T00:00", "1970-01-31T00:00", 0);
    check_norm(REID_TYPE_DATE, "131/01/1970", "131/01/1970", 0);
    check_norm(REID_TYPE_DATE, "1970", "1970", 0);
    check_norm(REID_TYPE_DATE, "yesterday", "yesterday", 0);
}

static void test_age_sex_code_text(void **state)
{
    (void)state;
    check_norm(REID_TYPE_AGE, "042", "42", 1);
    check_norm(REID_TYPE_AGE, "42", "42", 1);
    check_norm(REID_TYPE_AGE, "0", "0", 1);
    check_norm(REID_TYPE_AGE, "000", "0", 1);
    check_norm(REID_TYPE_AGE, "100", "100", 1);
    check_norm(REID_TYPE_AGE, " 7 ", "7", 1);
    check_norm(REID_TYPE_AGE, "4x", "4x", 0);
    check_norm(REID_TYPE_AGE, "-1", "-1", 0);
    check_norm(REID_TYPE_AGE, "4.5", "4.5", 0);
    check_norm(REID_TYPE_AGE, "0042a", "0042a", 0);

    check_norm(REID_TYPE_SEX, "male", "MALE", 1);
    check_norm(REID_TYPE_SEX, "Male", "MALE", 1);
    check_norm(REID_TYPE_SEX, " f ", "F", 1);

    check_norm(REID_TYPE_CODE, "a09.9", "A099", 1);
    check_norm(REID_TYPE_CODE, "A09.9", "A099", 1);
    check_norm(REID_TYPE_CODE, "I21", "I21", 1);
    check_norm(REID_TYPE_CODE, "c34.1x", "C341X", 1);
    check_norm(REID_TYPE_CODE, "x", "X", 0);
    check_norm(REID_TYPE_CODE, "12.3", "123", 0);
    check_norm(REID_TYPE_CODE, "A0", "A0", 0);
    check_norm(REID_TYPE_CODE, "A0-9", "A0-9", 0);

    /* text: as trimmed, case kept */
    check_norm(REID_TYPE_TEXT, "  White British ", "White British", 1);
    check_norm(REID_TYPE_TEXT, "WHITE", "WHITE", 1);
}

static void test_missing_defaults(void **state)
{
    (void)state;
    reid_missing_set m;
    assert_int_equal(reid_missing_set_parse(&m, "NA,N/A,NULL,?"), 0);
    assert_int_equal(m.count, 4);
    static const char *const yes[] = {"", "NA", "na", "Na", "N/A", "n/a", "NULL", "null", "?"};
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
        assert_int_equal(reid_missing_set_has(&m, yes[i], strlen(yes[i])), 1);
    static const char *const no[] = {"N", "NAN", "N/", "NUL", "NULLS", "??", "0", "-", "none"};
    for (size_t i = 0; i < sizeof no / sizeof *no; i++)
        assert_int_equal(reid_missing_set_has(&m, no[i], strlen(no[i])), 0);
    /* the length is honoured */
    assert_int_equal(reid_missing_set_has(&m, "NAX", 2), 1);
    reid_missing_set_free(&m);
    assert_int_equal(m.count, 0);
}

static void test_missing_custom(void **state)
{
    (void)state;
    reid_missing_set m;
    assert_int_equal(reid_missing_set_parse(&m, " - , Missing,,not known "), 0);
    assert_int_equal(m.count, 3);
    assert_int_equal(reid_missing_set_has(&m, "-", 1), 1);
    assert_int_equal(reid_missing_set_has(&m, "MISSING", 7), 1);
    assert_int_equal(reid_missing_set_has(&m, "Not Known", 9), 1);
    assert_int_equal(reid_missing_set_has(&m, "", 0), 1);   /* always */
    assert_int_equal(reid_missing_set_has(&m, "NA", 2), 0); /* the defaults are replaced */
    assert_int_equal(reid_missing_set_has(&m, "?", 1), 0);
    reid_missing_set_free(&m);

    /* an empty list: only the empty value */
    assert_int_equal(reid_missing_set_parse(&m, ""), 0);
    assert_int_equal(m.count, 0);
    assert_int_equal(reid_missing_set_has(&m, "", 0), 1);
    assert_int_equal(reid_missing_set_has(&m, "NA", 2), 0);
    reid_missing_set_free(&m);
}

/* The same rules seen through the public API. */
static void test_api_missing_and_normalisation(void **state)
{
    (void)state;
    const char *in = "postcode,dob,sex\n"
                     "sw1a1aa,31/01/1970,m\n"
                     "SW1A 1AA,1970-01-31,M\n"
                     "NA,31-Jan-1970,M\n"
                     ",31 January 1970,m\n"
                     "null,19700131,M\n"
                     "?,not a date,M\n"
                     "ZZ9 9ZZ!,31/04/2020,F\n";
    reid_config *cfg = cfg_qis("postcode,dob,sex");
    reid_analysis *a = run_csv(cfg, in);
    assert_analysis_ok(a);
    const reid_summary *s = reid_summary_get(a);
    assert_int_equal(s->records, 7);
    /* {SW1A 1AA, 1970-01-31, M} x2; {missing, 1970-01-31, M} x3; {missing, "not a date", M};
     * {"ZZ9 9ZZ!", "31/04/2020", F} */
    assert_int_equal(s->classes, 4);
    assert_int_equal(s->max_size, 3);
    assert_int_equal(s->uniques, 2);
    reid_qi_info q;
    assert_int_equal(reid_qi_get(a, 0, &q), REID_OK);
    assert_int_equal(q.missing, 4);
    assert_int_equal(q.distinct, 2);
    assert_int_equal(q.unrecognised, 1);
    assert_int_equal(reid_qi_get(a, 1, &q), REID_OK);
    assert_int_equal(q.missing, 0);
    assert_int_equal(q.distinct, 3);
    assert_int_equal(q.unrecognised, 2);
    assert_int_equal(reid_qi_get(a, 2, &q), REID_OK);
    assert_int_equal(q.distinct, 2);
    reid_analysis_free(a);

    /* a custom list: "NA" is now a value, "-" is missing */
    assert_int_equal(reid_config_set_missing(cfg, "-"), REID_OK);
    assert_int_equal(reid_config_set_qis(cfg, "sex"), REID_OK);
    a = run_csv(cfg, "sex,x\nNA,1\nna,2\n-,3\n,4\n");
    assert_analysis_ok(a);
    assert_int_equal(reid_qi_get(a, 0, &q), REID_OK);
    assert_int_equal(q.missing, 2);
    assert_int_equal(q.distinct, 1); /* sex: NA and na are one value, NA */
    assert_int_equal(reid_summary_get(a)->classes, 2);
    reid_analysis_free(a);
    reid_config_free(cfg);
}

/*
 * The shortest dates grow by 2 bytes ("1/2/1970" -> "1970-02-01"). The analysis keeps
 * normalised values in a buffer sized with REID_NORM_EXTRA; a short date that lands exactly
 * at the end of that buffer must not write past it (under ASan this was a heap overflow).
 */
static void test_api_short_date_at_buffer_end(void **state)
{
    (void)state;
    reid_config *cfg = cfg_qis("t:text,d:date");
    for (unsigned k = 8; k <= 16; k++) {
        for (size_t slack = 8; slack <= 11; slack++) {
            size_t fill = ((size_t)1 << k) - slack;
            char *in = malloc(fill + 64);
            assert_non_null(in);
            size_t n = (size_t)snprintf(in, 64, "t,d\n");
            memset(in + n, 'x', fill);
            n += fill;
            n += (size_t)snprintf(in + n, 64, ",1/2/1970\n");
            reid_analysis *a = run_csv_chunked(cfg, "d.csv", in, n, 0);
            assert_analysis_ok(a);
            reid_qi_info q;
            assert_int_equal(reid_qi_get(a, 1, &q), REID_OK);
            assert_int_equal(q.unrecognised, 0);
            size_t vlen = 0;
            const char *v = reid_value(a, 1, 1, &vlen);
            assert_non_null(v);
            assert_int_equal(vlen, 10);
            assert_memory_equal(v, "1970-02-01", 10);
            reid_analysis_free(a);
            free(in);
        }
    }
    reid_config_free(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trim),
        cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_postcode),
        cmocka_unit_test(test_date),
        cmocka_unit_test(test_age_sex_code_text),
        cmocka_unit_test(test_missing_defaults),
        cmocka_unit_test(test_missing_custom),
        cmocka_unit_test(test_api_missing_and_normalisation),
        cmocka_unit_test(test_api_short_date_at_buffer_end),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
