/* test_chunks.c - record boundaries by quote parity and by the record that follows (lib/chunks.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chunks.h"

/* Quotes counted 16 bytes at a time agree with a byte loop, at every start and length
 * (unaligned starts, tails, runs longer than 255 vectors of 16 bytes). */
static void test_count_quotes(void **state)
{
    (void)state;
    size_t n = 20000;
    char *b = malloc(n);
    assert_non_null(b);
    uint32_t x = 12345;
    for (size_t i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        b[i] = (x >> 16) % 3 == 0 ? '"' : (char)('a' + (x >> 20) % 26);
    }
    for (size_t off = 0; off < 40; off += 3)
        for (size_t len = 0; off + len <= n; len = len * 2 + 1) {
            uint64_t want = 0;
            for (size_t i = off; i < off + len; i++)
                want += b[i] == '"';
            assert_int_equal(reid_count_quotes(b + off, len), want);
        }
    memset(b, '"', n); /* every byte: lanes must not overflow */
    assert_int_equal(reid_count_quotes(b, n), n);
    free(b);
}

static void test_next_boundary(void **state)
{
    (void)state;
    /* a line break inside quotes is not a boundary; "" is two quotes */
    const char *s = "a,\"x\ny\"\"\nz\"\nb,c\n";
    const char *end = s + strlen(s);
    const char *b = reid_next_boundary(s, end, 0);
    assert_ptr_equal(b, strchr(s, 'b'));
    /* started inside quotes (after the opening quote): the first break after the closing one */
    b = reid_next_boundary(s + 3, end, 1);
    assert_ptr_equal(b, strchr(s, 'b'));
    /* started wrongly outside quotes, in the middle of the quoted field: the break inside */
    b = reid_next_boundary(s + 4, end, 0);
    assert_ptr_equal(b, s + 5);
    /* CRLF: the boundary is after the LF */
    const char *t = "a,b\r\nc\r\n";
    assert_ptr_equal(reid_next_boundary(t, t + strlen(t), 0), t + 5);
    /* none: no line break outside quotes */
    const char *u = "a,\"b\nc";
    assert_null(reid_next_boundary(u, u + strlen(u), 0));
    assert_null(reid_next_boundary(u, u, 0));
}

/* The last boundary, walking back from the end with the parity of the whole range. */
static void test_last_boundary(void **state)
{
    (void)state;
    const char *s = "a,b\nc,\"x\ny\"\nd,\"open\nmore";
    const char *end = s + strlen(s);
    uint64_t quotes = reid_count_quotes(s, (size_t)(end - s));
    /* the record cut by the end opens a quote: its line break is inside it; the last boundary is
     * after the record with the quoted line break */
    assert_ptr_equal(reid_last_boundary(s, end, 0, quotes), strchr(s, 'd'));
    /* the same bytes up to the end of that record */
    const char *d = strchr(s, 'd');
    assert_ptr_equal(reid_last_boundary(s, d, 0, reid_count_quotes(s, (size_t)(d - s))), d);
    /* starting inside quotes flips every decision */
    const char *t = "x\"\nab\ncd";
    const char *te = t + strlen(t);
    /* outside at the start: the quote opens, both line breaks are inside */
    assert_null(reid_last_boundary(t, te, 0, 1));
    assert_ptr_equal(reid_last_boundary(t, te, 1, 1), t + 6);
    assert_null(reid_last_boundary(t, t + 2, 0, 1));
    /* agrees with a forward scan on random bytes: the last boundary the forward scan finds */
    uint32_t x = 7;
    char buf[300];
    for (int round = 0; round < 2000; round++) {
        size_t n = 1 + round % 299;
        for (size_t i = 0; i < n; i++) {
            x = x * 1103515245u + 12345u;
            unsigned r = (x >> 16) % 6;
            buf[i] = r == 0 ? '"' : r == 1 ? '\n' : 'a';
        }
        int inq = round % 2;
        const char *want = NULL, *p = buf;
        int inside = inq;
        for (; p < buf + n; p++) {
            if (*p == '"')
                inside = !inside;
            else if (*p == '\n' && !inside)
                want = p + 1;
        }
        assert_ptr_equal(reid_last_boundary(buf, buf + n, inq, reid_count_quotes(buf, n)), want);
    }
}

/* The guess from the record after a line break. */
static void test_guess_boundary(void **state)
{
    (void)state;
    const char *s = "a,b,c\n1,2,3\n4,5,6\n";
    const char *end = s + strlen(s);
    assert_ptr_equal(reid_guess_boundary(s, end, ',', 3, 1000), s + 6);
    assert_ptr_equal(reid_guess_boundary(s + 6, end, ',', 3, 1000), s + 12);
    /* a record must have the number of fields: here none has 2 */
    assert_null(reid_guess_boundary(s, end, ',', 2, 1000));
    /* the delimiter is the one given */
    assert_null(reid_guess_boundary(s, end, ';', 3, 1000));
    /* the last record must end (with its line break) before the end */
    assert_null(reid_guess_boundary(s + 6, end - 1, ',', 3, 1000));
    /* a line break inside a quoted field: what follows it ends with a quote inside an unquoted
     * field, so it is passed over; a record whose quoted field holds a line break is taken */
    const char *t = "x,\"l1\nl2\",z\n\"q\nr\",\"s\"\"\",t\nu,v,w\n";
    const char *te = t + strlen(t);
    const char *q = strstr(t, "\"q");
    assert_ptr_equal(reid_guess_boundary(t + 3, te, ',', 3, 1000), q);
    /* ... and the next one after it (its quoted line break is not a boundary either) */
    assert_ptr_equal(reid_guess_boundary(q, te, ',', 3, 1000), strchr(t, 'u'));
    /* CRLF records */
    const char *c = "h\r\n1,2\r\n3,4\r\n";
    assert_ptr_equal(reid_guess_boundary(c, c + strlen(c), ',', 2, 1000), c + 3);
    /* a lone line, or text after a closing quote, is not a record of 2 fields */
    const char *d = "a\nfree text\n\"q\"x,y\n\"q\",y\n";
    assert_ptr_equal(reid_guess_boundary(d, d + strlen(d), ',', 2, 1000), strstr(d, "\"q\","));
    /* the window: the line break and the record after it must lie within it */
    assert_ptr_equal(reid_guess_boundary(s, end, ',', 3, 12), s + 6);
    assert_null(reid_guess_boundary(s, end, ',', 3, 11));
    assert_null(reid_guess_boundary(s, end, ',', 3, 5));
    /* a quote that is never closed: no record, and nothing read past the window (ASan) */
    char *open = malloc(64);
    assert_non_null(open);
    memcpy(open, "a\n\"", 3);
    memset(open + 3, 'x', 61);
    assert_null(reid_guess_boundary(open, open + 64, ',', 1, 64));
    assert_null(reid_guess_boundary(open, open + 64, ',', 1, 10));
    free(open);
    /* a known wrong guess (the caller's check catches it): a quoted field holding a line that
     * reads as a whole record */
    const char *w = "\"l1\n1,2\nl3\",z\n";
    assert_ptr_equal(reid_guess_boundary(w, w + strlen(w), ',', 2, 1000), strchr(w, '\n') + 1);
}

/* On random well-formed CSV whose quoted fields hold at most one line break, every guess is a
 * true record boundary (the first one after the starting point), wherever it starts. */
static void test_guess_random(void **state)
{
    (void)state;
    enum { N = 200000 };
    char *buf = malloc(N + 200);
    unsigned char *is_start = calloc(N + 200, 1);
    assert_non_null(buf);
    assert_non_null(is_start);
    uint32_t x = 99;
    size_t n = 0;
    const size_t nf = 4;
    while (n < N) {
        is_start[n] = 1;
        for (size_t f = 0; f < nf; f++) {
            x = x * 1103515245u + 12345u;
            unsigned r = (x >> 16) % 8;
            if (r == 0) { /* quoted, with a line break, a comma and an escaped quote */
                n += (size_t)sprintf(buf + n, "\"a,\"\"%s b\"", (x >> 20) % 2 ? "\r\n" : "\n");
            } else if (r == 1) {
                n += (size_t)sprintf(buf + n, "\"%u\"", (x >> 20) % 100);
            } else if (r == 2) {
                /* empty */
            } else {
                n += (size_t)sprintf(buf + n, "v%u", (x >> 20) % 1000);
            }
            buf[n++] = f + 1 < nf ? ',' : '\n';
        }
        if ((x >> 28) % 9 == 0) buf[n++] = '\n'; /* a blank line: a boundary that is passed */
    }
    is_start[n] = 1;
    for (size_t p = 0; p + 4096 < n; p += 1 + (p * 7919) % 97) {
        const char *g = reid_guess_boundary(buf + p, buf + n, ',', nf, 4096);
        assert_non_null(g);
        size_t at = (size_t)(g - buf);
        assert_true(is_start[at]);
        assert_true(at > p);
        /* no record starts between p and the guess whose preceding byte is a line break and
         * that is followed by a record (the guess is the first such) */
        for (size_t k = p + 1; k < at; k++)
            if (is_start[k] && buf[k - 1] == '\n' && buf[k] != '\n' && buf[k] != '\r')
                fail_msg("guess at %zu passes the record at %zu (from %zu)", at, k, p);
    }
    free(buf);
    free(is_start);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_count_quotes),  cmocka_unit_test(test_next_boundary),
        cmocka_unit_test(test_last_boundary), cmocka_unit_test(test_guess_boundary),
        cmocka_unit_test(test_guess_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
