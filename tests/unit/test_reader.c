/*
 * test_reader.c - the streaming CSV reader (lib/reader.h), driven directly
 * with callbacks, and the same behaviour seen through reid_feed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader.h"
#include "reid.h"
#include "unit_helpers.h"

/* ---- collecting rows ---- */

typedef struct rec {
    uint64_t line;
    size_t nf;
    char **f;
    size_t *flen;
} rec;

typedef struct collect {
    rec *rows;
    size_t n, cap;
    int bad_calls;
    uint64_t bad_line, bad_col;
    char bad_what[512];
    int bad_stop; /* on_bad: 1 = stop (and record the error), 0 = skip the record */
    reid_error *err;
} collect;

static int on_row(void *user, const reid_row *row)
{
    collect *c = user;
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 16;
        c->rows = realloc(c->rows, c->cap * sizeof *c->rows);
        assert_non_null(c->rows);
    }
    rec *r = &c->rows[c->n++];
    r->line = row->line;
    r->nf = row->nfields;
    r->f = calloc(row->nfields ? row->nfields : 1, sizeof *r->f);
    r->flen = calloc(row->nfields ? row->nfields : 1, sizeof *r->flen);
    assert_non_null(r->f);
    assert_non_null(r->flen);
    for (size_t i = 0; i < row->nfields; i++) {
        r->flen[i] = row->len[i];
        r->f[i] = malloc(row->len[i] + 1);
        assert_non_null(r->f[i]);
        memcpy(r->f[i], row->ptr[i], row->len[i]);
        r->f[i][row->len[i]] = 0;
    }
    return 0;
}

static int on_bad(void *user, uint64_t line, uint64_t column, const char *what)
{
    collect *c = user;
    if (c->bad_calls++ == 0) {
        c->bad_line = line;
        c->bad_col = column;
        snprintf(c->bad_what, sizeof c->bad_what, "%s", what);
    }
    if (c->bad_stop) {
        reid_error_set(c->err, REID_ERR_INPUT, line, column, "src: line %llu, column %llu: %s",
                       (unsigned long long)line, (unsigned long long)column, what);
        return 1;
    }
    return 0;
}

static void collect_free(collect *c)
{
    for (size_t i = 0; i < c->n; i++) {
        for (size_t j = 0; j < c->rows[i].nf; j++)
            free(c->rows[i].f[j]);
        free(c->rows[i].f);
        free(c->rows[i].flen);
    }
    free(c->rows);
    memset(c, 0, sizeof *c);
}

typedef struct opts {
    int delim; /* 0 = sniff */
    int strict;
    size_t max_field;
    int bad_stop;
} opts;

static const opts DEFAULT_OPTS = {0, 1, 1u << 20, 1};

/*
 * The reader reads common records with a fast scanner and leaves the rest to
 * libcsv. Every direct test runs twice: with the reader's default (scanner on),
 * and with libcsv alone (reid_reader_set_fast(r, 0)).
 */
static int g_fast = -1; /* -1: the reader's default */

/*
 * Read data with the reader, fed in the given chunks: `cuts` are the offsets
 * where a new feed begins (ascending, ncuts of them); chunk > 0 instead feeds
 * fixed-size pieces. Returns 0 or -1 (from feed or finish).
 */
static int read_csv(const char *data, size_t len, const size_t *cuts, size_t ncuts, size_t chunk,
                    opts o, collect *c, reid_error *err)
{
    memset(c, 0, sizeof *c);
    memset(err, 0, sizeof *err);
    c->bad_stop = o.bad_stop;
    c->err = err;
    reid_reader r;
    reid_reader_init(&r, o.delim, o.strict, o.max_field, "src", err, on_row, on_bad, c);
    if (g_fast >= 0) reid_reader_set_fast(&r, g_fast);
    int rc = 0;
    size_t off = 0;
    if (chunk) {
        for (; off < len && rc == 0; off += chunk)
            rc = reid_reader_feed(&r, data + off, len - off < chunk ? len - off : chunk);
    } else {
        for (size_t i = 0; i <= ncuts && rc == 0; i++) {
            size_t end = i < ncuts ? cuts[i] : len;
            rc = reid_reader_feed(&r, data + off, end - off);
            off = end;
        }
    }
    if (rc == 0) rc = reid_reader_finish(&r);
    reid_reader_free(&r);
    return rc;
}

static int read_all(const char *text, opts o, collect *c, reid_error *err)
{
    return read_csv(text, strlen(text), NULL, 0, 0, o, c, err);
}

/* Row i must start on `line` and hold exactly the given fields (NULL-terminated list). */
static void check_row(const collect *c, size_t i, uint64_t line, ...)
{
    assert_true(i < c->n);
    const rec *r = &c->rows[i];
    assert_int_equal(r->line, line);
    va_list ap;
    va_start(ap, line);
    size_t k = 0;
    for (const char *want; (want = va_arg(ap, const char *)) != NULL; k++) {
        assert_true(k < r->nf);
        assert_int_equal(r->flen[k], strlen(want));
        assert_string_equal(r->f[k], want);
    }
    va_end(ap);
    assert_int_equal(r->nf, k);
}

static void assert_same_rows(const collect *a, const collect *b)
{
    assert_int_equal(a->n, b->n);
    for (size_t i = 0; i < a->n; i++) {
        assert_int_equal(a->rows[i].line, b->rows[i].line);
        assert_int_equal(a->rows[i].nf, b->rows[i].nf);
        for (size_t j = 0; j < a->rows[i].nf; j++) {
            assert_int_equal(a->rows[i].flen[j], b->rows[i].flen[j]);
            assert_memory_equal(a->rows[i].f[j], b->rows[i].f[j], a->rows[i].flen[j]);
        }
    }
}

/*
 * A prefix of simple lines longer than the reader's 64 KiB sniffing buffer,
 * so that what follows goes through the streaming path, piece by piece.
 * *lines gets the number of lines in it.
 */
static char *filler(size_t min_bytes, uint64_t *lines)
{
    size_t cap = min_bytes + 64, n = 0;
    char *s = malloc(cap + 1);
    assert_non_null(s);
    uint64_t k = 0;
    while (n < min_bytes) {
        n += (size_t)snprintf(s + n, cap + 1 - n, "f%llu,g\n", (unsigned long long)k);
        k++;
    }
    *lines = k;
    return s;
}

static char *concat(const char *a, size_t alen, const char *b, size_t blen)
{
    char *s = malloc(alen + blen + 1);
    assert_non_null(s);
    memcpy(s, a, alen);
    memcpy(s + alen, b, blen);
    s[alen + blen] = 0;
    return s;
}

/* ---- RFC 4180 ---- */

static void test_rfc4180_quoting(void **state)
{
    (void)state;
    collect c;
    reid_error err;
    const char *in = "name,note\n"
                     "\"Smith, J\",\"said \"\"hi\"\"\"\n"
                     "\"multi\nline\",x\n"
                     "\"\",\"\"\"\"\n";
    assert_int_equal(read_all(in, DEFAULT_OPTS, &c, &err), 0);
    assert_int_equal(c.n, 4);
    check_row(&c, 0, 1, "name", "note", NULL);
    check_row(&c, 1, 2, "Smith, J", "said \"hi\"", NULL);
    check_row(&c, 2, 3, "multi\nline", "x", NULL);
    check_row(&c, 3, 5, "", "\"", NULL);
    assert_int_equal(err.status, REID_OK);
    collect_free(&c);
}

static void test_given_delimiter_inside_quotes(void **state)
{
    (void)state;
    collect c;
    reid_error err;
    opts o = DEFAULT_OPTS;
    o.delim = ';';
    assert_int_equal(read_all("a;b\n\"1;2\";\"3,4\"\n", o, &c, &err), 0);
    assert_int_equal(c.n, 2);
    check_row(&c, 0, 1, "a", "b", NULL);
    check_row(&c, 1, 2, "1;2", "3,4", NULL);
    collect_free(&c);

    /* a TAB delimiter: empty fields between tabs are kept */
    o.delim = '\t';
    assert_int_equal(read_all("a\tb\tc\n1\t\t3\n", o, &c, &err), 0);
    assert_int_equal(c.n, 2);
    check_row(&c, 1, 2, "1", "", "3", NULL);
    collect_free(&c);
}

static void test_line_endings(void **state)
{
    (void)state;
    collect c;
    reid_error err;
    /* CRLF, CR only, LF, and no line break at the end */
    assert_int_equal(read_all("a,b\r\nc,d\re,f\ng,h", DEFAULT_OPTS, &c, &err), 0);
    assert_int_equal(c.n, 4);
    check_row(&c, 0, 1, "a", "b", NULL);
    check_row(&c, 1, 2, "c", "d", NULL);
    check_row(&c, 2, 3, "e", "f", NULL);
    check_row(&c, 3, 4, "g", "h", NULL);
    collect_free(&c);

    /* CRLF inside a quoted field is kept, and counts as one line break */
    assert_int_equal(read_all("a,b\r\n\"x\r\ny\",z\r\nq,r\r\n", DEFAULT_OPTS, &c, &err), 0);
    assert_int_equal(c.n, 3);
    check_row(&c, 1, 2, "x\r\ny", "z", NULL);
    check_row(&c, 2, 4, "q", "r", NULL);
    collect_free(&c);
}

static void test_missing_final_newline(void **state)
{
    (void)state;
    collect c;
    reid_error err;
    assert_int_equal(read_all("a,b\n1,2", DEFAULT_OPTS, &c, &err), 0);
    assert_int_equal(c.n, 2);
    check_row(&c, 1, 2, "1", "2", NULL);
    collect_free(&c);
    /* a closing quote right at the end */
    assert_int_equal(read_all("a,b\n1,\"2\"", DEFAULT_OPTS, &c, &err), 0);
    assert_int_equal(c.n, 2);
    check_row(&c, 1, 2, "1", "2", NULL);
    collect_free(&c);
}

static void test_blank_lines(void **state)
{
    (void)state;
    collect c;
    reid_error err;
    assert_int_equal(read_all("a,b\n\n\n1,2\n\r\n\n3,4\n\n", DEFAULT_OPTS, &c, &err), 0);
    assert_int_equal(c.n, 3);
    check_row(&c, 0, 1, "a", "b", NULL);
    check_row(&c, 1, 4, "1", "2", NULL);
    check_row(&c, 2, 7, "3", "4", NULL);
    collect_free(&c);
}

static void test_utf8_bom(void **state)
{
    (void)state;
    collect c;
    reid_error err;
    assert_int_equal(read_all("\xEF\xBB\xBF"
                              "age,sex\n42,F\n",
                              DEFAULT_OPTS, &c, &err),
                     0);
    assert_int_equal(c.n, 2);
    check_row(&c, 0, 1, "age", "sex", NULL);
    check_row(&c, 1, 2, "42", "F", NULL);
    collect_free(&c);
    /* a BOM-like sequence later in the file is data */
    assert_int_equal(read_all("a,b\n\xEF\xBB\xBFx,y\n", DEFAULT_OPTS, &c, &err), 0);
    check_row(&c, 1, 2, "\xEF\xBB\xBFx", "y", NULL);
    collect_free(&c);
}

/* The start line of every record: multi-line fields, blank lines, every kind of line end. */
static void test_record_start_lines(void **state)
{
    (void)state;
    collect c;
    reid_error err;
    const char *in = "h1,h2\n"          /* 1 */
                     "a,\"multi\n"      /* 2 */
                     "line\n"           /* 3 */
                     "end\"\n"          /* 4 */
                     "\n"               /* 5 */
                     "\n"               /* 6 */
                     "b,c\n"            /* 7 */
                     "\"x\"\"y\",z\r\n" /* 8 */
                     "p,q\r"            /* 9 */
                     "r,\"s\r\rt\"\n"   /* 10, 11, 12 */
                     "t,u";             /* 13 */
    assert_int_equal(read_all(in, DEFAULT_OPTS, &c, &err), 0);
    assert_int_equal(c.n, 7);
    check_row(&c, 0, 1, "h1", "h2", NULL);
    check_row(&c, 1, 2, "a", "multi\nline\nend", NULL);
    check_row(&c, 2, 7, "b", "c", NULL);
    check_row(&c, 3, 8, "x\"y", "z", NULL);
    check_row(&c, 4, 9, "p", "q", NULL);
    check_row(&c, 5, 10, "r", "s\r\rt", NULL);
    check_row(&c, 6, 13, "t", "u", NULL);
    collect_free(&c);
}

/* The tricky part of the input used by the chunking tests (after a >64 KiB prefix). */
static const char TRICKY[] = "a,\"multi\r\nline, with comma\"\r\n"
                             "\r\n"
                             "b,\"q\"\"uote\"\r"
                             "\n"
                             "c,d\r"
                             "e,\"\"\n"
                             "\n\n"
                             "\"f\",\"g\nh\ni\"\n"
                             "j,k";

static void test_one_byte_at_a_time(void **state)
{
    (void)state;
    uint64_t plines;
    char *pre = filler(70000, &plines);
    size_t plen = strlen(pre);
    char *in = concat(pre, plen, TRICKY, strlen(TRICKY));
    size_t len = strlen(in);

    collect whole, bytes, odd;
    reid_error err;
    assert_int_equal(read_csv(in, len, NULL, 0, 0, DEFAULT_OPTS, &whole, &err), 0);
    assert_int_equal(read_csv(in, len, NULL, 0, 1, DEFAULT_OPTS, &bytes, &err), 0);
    assert_int_equal(read_csv(in, len, NULL, 0, 7, DEFAULT_OPTS, &odd, &err), 0);

    /* the prefix rows and the 6 records of TRICKY, with the right start lines */
    assert_int_equal(whole.n, plines + 6);
    check_row(&whole, plines + 0, plines + 1, "a", "multi\r\nline, with comma", NULL);
    check_row(&whole, plines + 1, plines + 4, "b", "q\"uote", NULL);
    check_row(&whole, plines + 2, plines + 5, "c", "d", NULL);
    check_row(&whole, plines + 3, plines + 6, "e", "", NULL);
    check_row(&whole, plines + 4, plines + 9, "f", "g\nh\ni", NULL);
    check_row(&whole, plines + 5, plines + 12, "j", "k", NULL);
    char lastname[32];
    snprintf(lastname, sizeof lastname, "f%llu", (unsigned long long)(plines - 1));
    check_row(&whole, plines - 1, plines, lastname, "g", NULL); /* the filler's last line */

    assert_same_rows(&whole, &bytes);
    assert_same_rows(&whole, &odd);

    /* small input, held entirely in the sniffing buffer: also the same rows either way */
    collect s1, s2;
    assert_int_equal(read_csv(TRICKY, strlen(TRICKY), NULL, 0, 0, DEFAULT_OPTS, &s1, &err), 0);
    assert_int_equal(read_csv(TRICKY, strlen(TRICKY), NULL, 0, 1, DEFAULT_OPTS, &s2, &err), 0);
    assert_int_equal(s1.n, 6);
    check_row(&s1, 5, 12, "j", "k", NULL);
    assert_same_rows(&s1, &s2);

    collect_free(&whole);
    collect_free(&bytes);
    collect_free(&odd);
    collect_free(&s1);
    collect_free(&s2);
    free(pre);
    free(in);
}

static void test_crlf_split_across_feeds(void **state)
{
    (void)state;
    uint64_t plines;
    char *pre = filler(70000, &plines);
    size_t plen = strlen(pre);
    const char *tail = "x,y\r\nz,w\r\n";
    char *in = concat(pre, plen, tail, strlen(tail));
    size_t len = strlen(in);

    collect c;
    reid_error err;
    /* feeds: the prefix, then "x,y\r", then "\nz,w\r", then "\n" */
    size_t cuts[] = {plen, plen + 4, plen + 9};
    assert_int_equal(read_csv(in, len, cuts, 3, 0, DEFAULT_OPTS, &c, &err), 0);
    assert_int_equal(c.n, plines + 2);
    check_row(&c, plines, plines + 1, "x", "y", NULL);
    check_row(&c, plines + 1, plines + 2, "z", "w", NULL);
    collect_free(&c);
    free(in);
    free(pre);

    /* the CR is the last byte of the 64 KiB sniffing buffer, the LF the first byte after it */
    size_t n = 0;
    char *big = malloc(REID_READER_SNIFF_BYTES + 64);
    assert_non_null(big);
    uint64_t lines = 0;
    while (n + 20 < REID_READER_SNIFF_BYTES) {
        n += (size_t)snprintf(big + n, 64, "r%llu,s\r\n", (unsigned long long)lines);
        lines++;
    }
    /* pad the last line so that its CR lands on byte 65536 */
    big[n++] = 'p';
    big[n++] = ',';
    while (n < REID_READER_SNIFF_BYTES - 1)
        big[n++] = 'q';
    big[n++] = '\r';
    assert_int_equal(n, REID_READER_SNIFF_BYTES);
    lines++;
    memcpy(big + n, "\nlast,row\n", 10);
    n += 10;
    size_t cut = REID_READER_SNIFF_BYTES;
    assert_int_equal(read_csv(big, n, &cut, 1, 0, DEFAULT_OPTS, &c, &err), 0);
    assert_int_equal(c.n, lines + 1);
    check_row(&c, lines, lines + 1, "last", "row", NULL);
    collect whole;
    assert_int_equal(read_csv(big, n, NULL, 0, 0, DEFAULT_OPTS, &whole, &err), 0);
    assert_same_rows(&c, &whole);
    collect_free(&whole);
    collect_free(&c);
    free(big);
}

/* ---- errors ---- */

static void test_nul_byte(void **state)
{
    (void)state;
    collect c;
    reid_error err;
    static const char in[] = "a,b\nc,d\ne,f\0g\n";
    assert_int_equal(read_csv(in, sizeof in - 1, NULL, 0, 0, DEFAULT_OPTS, &c, &err), -1);
    assert_int_equal(err.status, REID_ERR_INPUT);
    assert_int_equal(err.line, 3);
    assert_int_equal(err.column, 2);
    assert_contains(err.msg, "src: line 3, column 2: NUL byte at byte 4 of the line");
    assert_int_equal(c.n, 2); /* the record with the NUL is not delivered */
    collect_free(&c);

    /* after the sniffing buffer, fed one byte at a time */
    uint64_t plines;
    char *pre = filler(70000, &plines);
    size_t plen = strlen(pre);
    static const char tail[] = "x,\"multi\nli\0ne\"\n";
    char *big = concat(pre, plen, tail, sizeof tail - 1);
    assert_int_equal(read_csv(big, plen + sizeof tail - 1, NULL, 0, 1, DEFAULT_OPTS, &c, &err), -1);
    assert_int_equal(err.status, REID_ERR_INPUT);
    assert_int_equal(err.line, plines + 2); /* the physical line of the NUL */
    assert_int_equal(err.column, 2);
    assert_contains(err.msg, "NUL byte at byte 3 of the line");
    collect_free(&c);
    free(big);
    free(pre);
}

static void test_unterminated_quote(void **state)
{
    (void)state;
    collect c;
    reid_error err;
    const char *in = "a,b\n1,2\n3,\"open\nmore\nlines\n";
    assert_int_equal(read_all(in, DEFAULT_OPTS, &c, &err), -1);
    assert_int_equal(err.status, REID_ERR_INPUT);
    assert_int_equal(err.line, 3);
    assert_int_equal(err.column, 2);
    assert_contains(err.msg, "src: line 3, column 2: unterminated quoted field");
    assert_int_equal(c.n, 2);
    collect_free(&c);

    /* lenient quoting does not make an unterminated quote acceptable */
    opts o = DEFAULT_OPTS;
    o.strict = 0;
    assert_int_equal(read_all(in, o, &c, &err), -1);
    assert_int_equal(err.status, REID_ERR_INPUT);
    assert_int_equal(err.line, 3);
    assert_contains(err.msg, "unterminated quoted field");
    collect_free(&c);
}

static void test_stray_quote_strict_and_lenient(void **state)
{
    (void)state;
    collect c;
    reid_error err;
    const char *in = "a,b\nc,d\"e\nf,g\n";
    assert_int_equal(read_all(in, DEFAULT_OPTS, &c, &err), -1);
    assert_int_equal(c.bad_calls, 1);
    assert_int_equal(c.bad_line, 2);
    assert_int_equal(c.bad_col, 2);
    assert_contains(c.bad_what, "malformed quoting at line 2, byte 4");
    assert_int_equal(err.status, REID_ERR_INPUT);
    assert_int_equal(c.n, 1);
    collect_free(&c);

    /* text after a closing quote */
    assert_int_equal(read_all("a,b\n\"xy\"z,1\n", DEFAULT_OPTS, &c, &err), -1);
    assert_int_equal(c.bad_line, 2);
    assert_int_equal(c.bad_col, 1);
    assert_contains(c.bad_what, "malformed quoting at line 2, byte 5");
    collect_free(&c);

    opts o = DEFAULT_OPTS;
    o.strict = 0;
    assert_int_equal(read_all(in, o, &c, &err), 0);
    assert_int_equal(c.bad_calls, 0);
    assert_int_equal(c.n, 3);
    check_row(&c, 1, 2, "c", "d\"e", NULL);
    check_row(&c, 2, 3, "f", "g", NULL);
    collect_free(&c);
}

static void test_field_over_max(void **state)
{
    (void)state;
    collect c;
    reid_error err;
    opts o = DEFAULT_OPTS;
    o.max_field = 8;
    /* exactly at the limit: fine */
    assert_int_equal(read_all("a,b\n12345678,x\n", o, &c, &err), 0);
    assert_int_equal(c.n, 2);
    collect_free(&c);
    /* one over, in a field that ends on its line */
    assert_int_equal(read_all("a,b\n123456789,x\n", o, &c, &err), -1);
    assert_int_equal(err.status, REID_ERR_INPUT);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 1);
    assert_contains(err.msg, "field longer than the limit of 8 bytes");
    collect_free(&c);
    /* a quoted field that keeps growing over several lines */
    assert_int_equal(read_all("a,b\nx,\"1234\n5678\n90\"\n", o, &c, &err), -1);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 2);
    assert_contains(err.msg, "field longer than the limit of 8 bytes");
    collect_free(&c);
}

static void test_too_many_fields(void **state)
{
    (void)state;
    size_t n = REID_READER_MAX_FIELDS; /* commas: n + 1 fields */
    char *in = malloc(n + 8);
    assert_non_null(in);
    memcpy(in, "a\n", 2);
    memset(in + 2, ',', n);
    memcpy(in + 2 + n, "\n", 2);
    collect c;
    reid_error err;
    opts o = DEFAULT_OPTS;
    o.delim = ',';
    assert_int_equal(read_all(in, o, &c, &err), -1);
    assert_int_equal(err.status, REID_ERR_INPUT);
    assert_int_equal(err.line, 2);
    assert_contains(err.msg, "more than 100,000 fields in one record");
    collect_free(&c);
    /* exactly the maximum is accepted */
    in[2 + n - 1] = '\n';
    in[2 + n] = 0;
    assert_int_equal(read_all(in, o, &c, &err), 0);
    assert_int_equal(c.n, 2);
    assert_int_equal(c.rows[1].nf, REID_READER_MAX_FIELDS);
    collect_free(&c);
    free(in);
}

static void test_recovery_after_malformed_quote(void **state)
{
    (void)state;
    collect c;
    reid_error err;
    opts o = DEFAULT_OPTS;
    o.bad_stop = 0;
    const char *in = "a,b\n1,2\n3,x\"y\n4,5\n\"6\"z,7\n8,\"9\"\n";
    assert_int_equal(read_all(in, o, &c, &err), 0);
    assert_int_equal(err.status, REID_OK);
    assert_int_equal(c.bad_calls, 2);
    assert_int_equal(c.bad_line, 3);
    assert_int_equal(c.n, 4);
    check_row(&c, 1, 2, "1", "2", NULL);
    check_row(&c, 2, 4, "4", "5", NULL);
    check_row(&c, 3, 6, "8", "9", NULL);
    collect_free(&c);
}

static void test_reader_utf16_bom(void **state)
{
    (void)state;
    collect c;
    reid_error err;
    static const char le[] = "\xFF\xFE"
                             "a\0,\0b\0\n\0";
    assert_int_equal(read_csv(le, sizeof le - 1, NULL, 0, 0, DEFAULT_OPTS, &c, &err), -1);
    assert_int_equal(err.status, REID_ERR_INPUT);
    assert_int_equal(err.line, 1);
    assert_contains(err.msg, "UTF-16");
    collect_free(&c);
    static const char be[] = "\xFE\xFF"
                             "\0a\0,\0b\0\n";
    assert_int_equal(read_csv(be, sizeof be - 1, NULL, 0, 0, DEFAULT_OPTS, &c, &err), -1);
    assert_contains(err.msg, "UTF-16");
    collect_free(&c);
}

/* ---- the same through the public API ---- */

static void test_api_ragged_rows(void **state)
{
    (void)state;
    const char *in = "a,b\n1,2\n3\n4,5\n6,7,8\n1,2\n";
    reid_config *cfg = cfg_qis("a,b");
    reid_analysis *a = run_csv(cfg, in);
    assert_int_equal(reid_status_of(a), REID_ERR_INPUT);
    assert_int_equal(reid_error_line(a), 3);
    assert_contains(reid_error_message(a),
                    "t.csv: line 3: expected 2 fields (as in the header), found 1");
    assert_null(reid_summary_get(a));
    reid_analysis_free(a);

    assert_int_equal(reid_config_set_skip_bad_rows(cfg, 1), REID_OK);
    a = run_csv(cfg, in);
    assert_analysis_ok(a);
    const reid_summary *s = reid_summary_get(a);
    assert_non_null(s);
    assert_int_equal(s->records, 3);
    assert_int_equal(s->skipped_rows, 2);
    assert_int_equal(s->classes, 2);
    assert_int_equal(s->max_size, 2);
    assert_contains(reid_first_skip_message(a), "line 3: expected 2 fields");
    reid_analysis_free(a);
    reid_config_free(cfg);
}

static void test_api_recovery_after_malformed_quote(void **state)
{
    (void)state;
    const char *in = "a,b\n1,2\n3,x\"y\n1,2\n\"4,5\n1,2\n";
    reid_config *cfg = cfg_qis("a,b");
    reid_analysis *a = run_csv(cfg, in);
    assert_int_equal(reid_status_of(a), REID_ERR_INPUT);
    assert_int_equal(reid_error_line(a), 3);
    assert_int_equal(reid_error_column(a), 2);
    assert_contains(reid_error_message(a), "t.csv: line 3, column 2 (b): malformed quoting");
    assert_contains(reid_error_message(a), "--skip-bad-rows");
    reid_analysis_free(a);

    /* skipped: the rows after each bad one are still counted */
    assert_int_equal(reid_config_set_skip_bad_rows(cfg, 1), REID_OK);
    const char *in2 = "a,b\n1,2\n3,x\"y\n1,2\n\"4\"5,6\n1,2\n7,8\n";
    a = run_csv(cfg, in2);
    assert_analysis_ok(a);
    const reid_summary *s = reid_summary_get(a);
    assert_int_equal(s->records, 4);
    assert_int_equal(s->skipped_rows, 2);
    assert_int_equal(s->classes, 2);
    assert_int_equal(s->max_size, 3);
    assert_contains(reid_first_skip_message(a), "line 3, column 2 (b): malformed quoting");
    reid_analysis_free(a);

    /* an open quote that runs to the end of the file is an error even when skipping */
    a = run_csv(cfg, in);
    assert_int_equal(reid_status_of(a), REID_ERR_INPUT);
    assert_int_equal(reid_error_line(a), 5);
    assert_contains(reid_error_message(a), "unterminated quoted field");
    reid_analysis_free(a);
    reid_config_free(cfg);
}

static void test_api_lenient_quotes(void **state)
{
    (void)state;
    reid_config *cfg = cfg_qis("a");
    assert_int_equal(reid_config_set_strict_quotes(cfg, 0), REID_OK);
    reid_analysis *a = run_csv(cfg, "a,b\nx\"y,1\nx\"y,2\nxy,3\n");
    assert_analysis_ok(a);
    assert_int_equal(reid_summary_get(a)->classes, 2);
    assert_int_equal(reid_summary_get(a)->max_size, 2);
    reid_analysis_free(a);
    reid_config_free(cfg);
}

static void test_api_nul_byte(void **state)
{
    (void)state;
    static const char in[] = "a,b\n1,2\n3,\0\n";
    reid_config *cfg = cfg_qis("a");
    /* a NUL stops the run even when bad rows are skipped */
    assert_int_equal(reid_config_set_skip_bad_rows(cfg, 1), REID_OK);
    reid_analysis *a = run_csv_chunked(cfg, "n.csv", in, sizeof in - 1, 0);
    assert_int_equal(reid_status_of(a), REID_ERR_INPUT);
    assert_int_equal(reid_error_line(a), 3);
    assert_int_equal(reid_error_column(a), 2);
    assert_contains(reid_error_message(a), "n.csv: line 3, column 2 (b): NUL byte at byte 3");
    reid_analysis_free(a);
    reid_config_free(cfg);
}

static void test_api_utf16_empty_header_only(void **state)
{
    (void)state;
    reid_config *cfg = cfg_qis("a");
    static const char u16[] = "\xFF\xFE"
                              "a\0\n\0"
                              "1\0\n\0";
    reid_analysis *a = run_csv_chunked(cfg, "u.csv", u16, sizeof u16 - 1, 0);
    assert_int_equal(reid_status_of(a), REID_ERR_INPUT);
    assert_contains(reid_error_message(a), "u.csv: line 1: the file is UTF-16");
    reid_analysis_free(a);

    a = run_csv_chunked(cfg, "e.csv", "", 0, 0);
    assert_int_equal(reid_status_of(a), REID_ERR_INPUT);
    assert_string_equal(reid_error_message(a), "e.csv: the file is empty (no rows)");
    reid_analysis_free(a);

    /* only blank lines: also empty */
    a = run_csv_chunked(cfg, "e.csv", "\n\r\n\n", 4, 0);
    assert_int_equal(reid_status_of(a), REID_ERR_INPUT);
    assert_contains(reid_error_message(a), "the file is empty");
    reid_analysis_free(a);

    a = run_csv_chunked(cfg, "h.csv", "a,b\n", 4, 0);
    assert_int_equal(reid_status_of(a), REID_ERR_INPUT);
    assert_string_equal(reid_error_message(a), "h.csv: no data rows: the file has only a header");
    reid_analysis_free(a);
    reid_config_free(cfg);
}

static void test_api_bom_and_field_limit(void **state)
{
    (void)state;
    /* with the BOM left in, the first name would be "\xEF\xBB\xBF" "age" and --qi age would fail */
    reid_config *cfg = cfg_qis("age");
    reid_analysis *a = run_csv(cfg, "\xEF\xBB\xBF"
                                    "age,sex\n42,F\n42,M\n7,F\n");
    assert_analysis_ok(a);
    assert_int_equal(reid_summary_get(a)->records, 3);
    assert_int_equal(reid_summary_get(a)->classes, 2);
    reid_analysis_free(a);

    assert_int_equal(reid_config_set_max_field_size(cfg, 4), REID_OK);
    a = run_csv(cfg, "age,sex\n42,F\n42,Male!\n");
    assert_int_equal(reid_status_of(a), REID_ERR_INPUT);
    assert_int_equal(reid_error_line(a), 3);
    assert_int_equal(reid_error_column(a), 2);
    assert_contains(reid_error_message(a), "field longer than the limit of 4 bytes");
    reid_analysis_free(a);
    reid_config_free(cfg);
}

static void test_api_chunking_gives_same_figures(void **state)
{
    (void)state;
    uint64_t plines;
    char *pre = filler(70000, &plines);
    const char *tail = "x,\"a\r\nb\"\r\ny,\"c\"\"d\"\r\n\r\nf7,g\r";
    size_t plen = strlen(pre);
    char *in = concat(pre, plen, tail, strlen(tail));
    size_t len = strlen(in);
    reid_config *cfg = cfg_qis("");
    assert_int_equal(reid_config_set_header(cfg, 0), REID_OK);
    assert_int_equal(reid_config_set_qis(cfg, "1,2"), REID_OK);
    size_t chunks[] = {0, 1, 3, 4096};
    for (size_t i = 0; i < sizeof chunks / sizeof *chunks; i++) {
        reid_analysis *a = run_csv_chunked(cfg, "c.csv", in, len, chunks[i]);
        assert_analysis_ok(a);
        const reid_summary *s = reid_summary_get(a);
        assert_int_equal(s->records, plines + 3);
        assert_int_equal(s->classes, plines + 2); /* "f7,g" is there twice */
        assert_int_equal(s->max_size, 2);
        assert_int_equal(s->uniques, plines + 1);
        reid_analysis_free(a);
    }
    reid_config_free(cfg);
    free(in);
    free(pre);
}

/* Skipping a malformed row works the same whatever the chunking, past the sniffing buffer too. */
static void test_api_skip_recovery_any_chunking(void **state)
{
    (void)state;
    uint64_t plines;
    char *pre = filler(70000, &plines);
    const char *tail = "3,x\"y\nf7,g\n\"a\"b,c\r\nz,\"w\"\n";
    size_t plen = strlen(pre);
    char *in = concat(pre, plen, tail, strlen(tail));
    size_t len = strlen(in);
    reid_config *cfg = cfg_qis("1,2");
    assert_int_equal(reid_config_set_header(cfg, 0), REID_OK);
    assert_int_equal(reid_config_set_skip_bad_rows(cfg, 1), REID_OK);
    size_t chunks[] = {0, 1, 2, 5, 65536};
    for (size_t i = 0; i < sizeof chunks / sizeof *chunks; i++) {
        reid_analysis *a = run_csv_chunked(cfg, "s.csv", in, len, chunks[i]);
        assert_analysis_ok(a);
        const reid_summary *s = reid_summary_get(a);
        assert_int_equal(s->records, plines + 2);
        assert_int_equal(s->skipped_rows, 2);
        assert_int_equal(s->classes, plines + 1);
        assert_int_equal(s->max_size, 2);
        char want[96];
        snprintf(want, sizeof want, "s.csv: line %llu, column 2 (column 2): malformed quoting",
                 (unsigned long long)(plines + 1));
        assert_contains(reid_first_skip_message(a), want);
        reid_analysis_free(a);
    }
    reid_config_free(cfg);
    free(in);
    free(pre);
}

static int libcsv_only(void **state)
{
    (void)state;
    g_fast = 0;
    return 0;
}

int main(void)
{
    const struct CMUnitTest direct[] = {
        cmocka_unit_test(test_rfc4180_quoting),
        cmocka_unit_test(test_given_delimiter_inside_quotes),
        cmocka_unit_test(test_line_endings),
        cmocka_unit_test(test_missing_final_newline),
        cmocka_unit_test(test_blank_lines),
        cmocka_unit_test(test_utf8_bom),
        cmocka_unit_test(test_record_start_lines),
        cmocka_unit_test(test_one_byte_at_a_time),
        cmocka_unit_test(test_crlf_split_across_feeds),
        cmocka_unit_test(test_nul_byte),
        cmocka_unit_test(test_unterminated_quote),
        cmocka_unit_test(test_stray_quote_strict_and_lenient),
        cmocka_unit_test(test_field_over_max),
        cmocka_unit_test(test_too_many_fields),
        cmocka_unit_test(test_recovery_after_malformed_quote),
        cmocka_unit_test(test_reader_utf16_bom),
    };
    const struct CMUnitTest api[] = {
        cmocka_unit_test(test_api_ragged_rows),
        cmocka_unit_test(test_api_recovery_after_malformed_quote),
        cmocka_unit_test(test_api_lenient_quotes),
        cmocka_unit_test(test_api_nul_byte),
        cmocka_unit_test(test_api_utf16_empty_header_only),
        cmocka_unit_test(test_api_bom_and_field_limit),
        cmocka_unit_test(test_api_chunking_gives_same_figures),
        cmocka_unit_test(test_api_skip_recovery_any_chunking),
    };
    int failed = cmocka_run_group_tests_name("reader (default)", direct, NULL, NULL);
    failed += cmocka_run_group_tests_name("reader (libcsv only)", direct, libcsv_only, NULL);
    failed += cmocka_run_group_tests_name("reader through reid_feed", api, NULL, NULL);
    return failed;
}
