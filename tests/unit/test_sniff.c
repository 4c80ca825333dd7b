/* test_sniff.c - delimiter sniffing (lib/sniff.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "sniff.h"

static int sniff(const char *s)
{
    return reid_sniff_delimiter(s, strlen(s));
}

static void test_each_candidate(void **state)
{
    (void)state;
    assert_int_equal(sniff("a,b,c\n1,2,3\n4,5,6\n"), ',');
    assert_int_equal(sniff("a;b;c\n1;2;3\n4;5;6\n"), ';');
    assert_int_equal(sniff("a\tb\tc\n1\t2\t3\n4\t5\t6\n"), '\t');
    assert_int_equal(sniff("a|b|c\n1|2|3\n4|5|6\n"), '|');
    /* CRLF and CR-only line ends */
    assert_int_equal(sniff("a;b\r\n1;2\r\n3;4\r\n"), ';');
    assert_int_equal(sniff("a|b\r1|2\r3|4\r"), '|');
}

static void test_consistency_beats_frequency(void **state)
{
    (void)state;
    /* ',' is more frequent on the first line, but only ';' appears the same number of times
     * on every line */
    assert_int_equal(sniff("a,b,c,d;e\n1;2\n3,4;5\n"), ';');
    /* both consistent: the one with more fields wins */
    assert_int_equal(sniff("a;b,c,d\n1;2,3,4\n5;6,7,8\n"), ',');
    /* none consistent: the most frequent on the first line */
    assert_int_equal(sniff("a|b|c;d\n1|2\n3;4;5;6;7\n"), '|');
    /* blank lines do not break consistency */
    assert_int_equal(sniff("a;b\n\n1;2\n\r\n3;4\n"), ';');
}

static void test_quoted_delimiters_do_not_count(void **state)
{
    (void)state;
    /* counted naively, ',' would be consistent with 2 per line and beat ';' with 1 */
    assert_int_equal(sniff("\"x,y,z\";w\n\"1,2,3\";4\n\"5,6,7\";8\n"), ';');
    /* a quoted field with a line break, delimiters and an escaped quote inside */
    assert_int_equal(sniff("a;b\n\"1|2\n3|\"\"4\";5\n6;7\n"), ';');
}

static void test_single_column(void **state)
{
    (void)state;
    assert_int_equal(sniff("postcode\nSW1A 1AA\nM1 1AE\n"), ',');
    assert_int_equal(sniff("only\n"), ',');
    assert_int_equal(sniff(""), ',');
    /* a single column whose values hold a delimiter inside quotes */
    assert_int_equal(sniff("note\n\"a;b\"\n\"c;d\"\n"), ',');
}

static void test_sample_cut_mid_line(void **state)
{
    (void)state;
    /* the incomplete last line is not judged: counted, ',' (1 here, 2 elsewhere) would lose its
     * consistency and ';' would win */
    assert_int_equal(sniff("a;b,c,d\n1;2,3,4\n5;6,7"), ',');
    /* the same cut inside an open quote */
    assert_int_equal(sniff("a|b\n1|2\n\"3|4|5"), '|');
    /* one incomplete line alone is judged by itself */
    assert_int_equal(sniff("a;b;c"), ';');
    /* and a length shorter than the string is honoured: the third line makes ';'
     * inconsistent, so TAB wins on the whole string and ';' (more fields) on the first two */
    const char *s = "a\tb;c;d\n1\t2;3;4\n5\t6\n";
    assert_int_equal(reid_sniff_delimiter(s, strlen(s)), '\t');
    assert_int_equal(reid_sniff_delimiter(s, 16), ';');
}

static void test_first_100_lines_only(void **state)
{
    (void)state;
    /* within the first 100 lines ';' is consistent ('|' is not); line 101 would make ';'
     * inconsistent too, and then the first line's most frequent, '|', would win */
    char buf[4096];
    size_t n = (size_t)snprintf(buf, sizeof buf, "a|b|c;d\n");
    for (int i = 1; i < 100; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%d;x\n", i);
    n += (size_t)snprintf(buf + n, sizeof buf - n, "p;q;r\n");
    assert_int_equal(reid_sniff_delimiter(buf, n), ';');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_candidate),
        cmocka_unit_test(test_consistency_beats_frequency),
        cmocka_unit_test(test_quoted_delimiters_do_not_count),
        cmocka_unit_test(test_single_column),
        cmocka_unit_test(test_sample_cut_mid_line),
        cmocka_unit_test(test_first_100_lines_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
