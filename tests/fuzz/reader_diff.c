/* reader_diff.c - the fast scanner must read exactly what libcsv reads. */
#include "reader_diff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader.h"

typedef struct trace {
    char *buf; /* every record serialised: line, nfields, then each field's length and bytes */
    size_t len, cap;
    int fail;
    int lied; /* a record said all its bytes were ASCII, and one was not */
} trace;

static void put(trace *t, const void *p, size_t n)
{
    if (n == 0) return;
    if (t->len + n > t->cap) {
        size_t cap = t->cap ? t->cap : 4096;
        while (cap < t->len + n)
            cap *= 2;
        char *b = realloc(t->buf, cap);
        if (!b) {
            t->fail = 1;
            return;
        }
        t->buf = b;
        t->cap = cap;
    }
    memcpy(t->buf + t->len, p, n);
    t->len += n;
}

static int on_row(void *user, const reid_row *row)
{
    trace *t = user;
    put(t, &row->line, sizeof row->line);
    put(t, &row->nfields, sizeof row->nfields);
    for (size_t i = 0; i < row->nfields; i++) {
        put(t, &row->len[i], sizeof row->len[i]);
        if (row->len[i]) put(t, row->ptr[i], row->len[i]);
        for (size_t k = 0; row->ascii && k < row->len[i]; k++)
            t->lied |= (unsigned char)row->ptr[i][k] >= 0x80;
    }
    return 0;
}

static int on_bad(void *user, uint64_t line, uint64_t col, const char *what)
{
    (void)user, (void)line, (void)col, (void)what;
    return 1; /* stop: the errors themselves are compared */
}

static void run(const char *data, size_t len, int delim, int strict, size_t max_field, size_t chunk,
                int fast, trace *t, reid_error *err)
{
    reid_reader r;
    reid_error_clear(err);
    reid_reader_init(&r, delim, strict, max_field, "x.csv", err, on_row, on_bad, t);
    reid_reader_set_fast(&r, fast);
    /* pieces straight to the parser and scanner, as the parallel reader's chunks (otherwise the
     * first 64 KiB are gathered for sniffing and read as one buffer) */
    if (chunk && reid_reader_begin(&r) != 0) t->fail = 1;
    size_t step = chunk ? chunk : (len ? len : 1);
    int rc = 0;
    for (size_t i = 0; i < len && rc == 0; i += step) {
        /* each piece in a buffer of its own size, as a reader of a pipe would fill one: a read
         * past the piece is caught by ASan, and the next piece often lands at the same address
         * with other bytes (the scanner must not trust what it saw there before) */
        size_t n = len - i < step ? len - i : step;
        char *piece = malloc(n);
        if (!piece) {
            t->fail = 1;
            break;
        }
        memcpy(piece, data + i, n);
        rc = reid_reader_feed(&r, piece, n);
        free(piece);
    }
    if (rc == 0) reid_reader_finish(&r);
    reid_reader_free(&r);
}

int reader_diff(const char *data, size_t len, int delim, int strict, size_t max_field, size_t chunk,
                char *why, size_t whycap)
{
    trace a = {0}, b = {0};
    reid_error ea, eb;
    run(data, len, delim, strict, max_field, chunk, 1, &a, &ea);
    run(data, len, delim, strict, max_field, chunk, 0, &b, &eb);
    int differ = 0;
    if (a.fail || b.fail) {
        snprintf(why, whycap, "out of memory");
        differ = 1;
    } else if (a.lied || b.lied) {
        snprintf(why, whycap, "a record with a byte >= 0x80 was said to be all ASCII");
        differ = 1;
    } else if (ea.status != eb.status || ea.line != eb.line || ea.column != eb.column ||
               strcmp(ea.msg, eb.msg) != 0) {
        snprintf(why, whycap, "errors differ: fast [%d %llu:%llu %s] libcsv [%d %llu:%llu %s]",
                 ea.status, (unsigned long long)ea.line, (unsigned long long)ea.column, ea.msg,
                 eb.status, (unsigned long long)eb.line, (unsigned long long)eb.column, eb.msg);
        differ = 1;
    } else if (a.len != b.len || (a.len && memcmp(a.buf, b.buf, a.len) != 0)) {
        size_t k = 0;
        while (k < a.len && k < b.len && a.buf[k] == b.buf[k])
            k++;
        snprintf(why, whycap, "records differ at trace byte %zu (fast %zu bytes, libcsv %zu)", k,
                 a.len, b.len);
        differ = 1;
    }
    free(a.buf);
    free(b.buf);
    return differ;
}
