/* test_chunks.c - record boundaries by quote parity (lib/chunks.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

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
            assert_int_equal(reid_count_quotes(b + off, len, NULL), want);
        }
    memset(b, '"', n); /* every byte: lanes must not overflow */
    assert_int_equal(reid_count_quotes(b, n, NULL), n);
    /* the top bits: one byte that is not ASCII, in the vectors or in the tail, inside the range
     * or just outside it */
    memset(b, 'a', n);
    for (size_t at = 0; at < 70; at += 1) {
        b[at] = (char)0xC3;
        for (size_t off = 0; off < 20; off += 7)
            for (size_t len = 0; off + len <= 100; len++) {
                unsigned char high = 0;
                (void)reid_count_quotes(b + off, len, &high);
                assert_int_equal(high, at >= off && at < off + len ? 0x80 : 0);
                high = 0x80; /* or-ed in: never cleared */
                (void)reid_count_quotes(b + off, len, &high);
                assert_int_equal(high, 0x80);
            }
        b[at] = 'a';
    }
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
    uint64_t quotes = reid_count_quotes(s, (size_t)(end - s), NULL);
    /* the record cut by the end opens a quote: its line break is inside it; the last boundary is
     * after the record with the quoted line break */
    assert_ptr_equal(reid_last_boundary(s, end, 0, quotes), strchr(s, 'd'));
    /* the same bytes up to the end of that record */
    const char *d = strchr(s, 'd');
    assert_ptr_equal(reid_last_boundary(s, d, 0, reid_count_quotes(s, (size_t)(d - s), NULL)), d);
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
        assert_ptr_equal(reid_last_boundary(buf, buf + n, inq, reid_count_quotes(buf, n, NULL)),
                         want);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_count_quotes),
        cmocka_unit_test(test_next_boundary),
        cmocka_unit_test(test_last_boundary),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
