/* reader.c - libcsv driven one line at a time, with line tracking, limits and recovery. */
#include "reader.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sniff.h"

/* libcsv's parser state between records (csv_parser.pstate; libcsv.c: ROW_NOT_BEGUN). */
#define LIBCSV_ROW_NOT_BEGUN 0
#define LIBCSV_FIELD_BEGUN 2
#define PIECE_MAX 65536

static void on_field(void *s, size_t len, void *user);
static void on_row_end(int c, void *user);

void reid_reader_init(reid_reader *r, int delim, int strict, size_t max_field, const char *source,
                      reid_error *err, reid_row_fn on_row, reid_bad_fn on_bad, void *user)
{
    memset(r, 0, sizeof *r);
    r->delim = delim;
    r->strict = strict;
    r->max_field = max_field;
    r->source = source;
    r->err = err;
    r->on_row = on_row;
    r->on_bad = on_bad;
    r->user = user;
    r->line = 1;
    r->row_line = 1;
    r->fast = 1;
}

void reid_reader_set_fast(reid_reader *r, int fast)
{
    r->fast = fast != 0;
}

void reid_reader_free(reid_reader *r)
{
    if (r->parser_ready) csv_free(&r->parser);
    reid_scanner_free(&r->scan);
    free(r->pre);
    free(r->rbuf);
    free(r->ptr);
    free(r->off);
    free(r->len);
    memset(r, 0, sizeof *r);
}

void reid_reader_names(reid_reader *r, char *const *names, size_t n)
{
    r->names = names;
    r->nnames = n;
}

void reid_reader_keep(reid_reader *r, const unsigned char *keep, size_t n)
{
    r->keep = keep;
    r->nkeep = n;
    reid_scanner_keep(&r->scan, keep, n);
}

static int fail(reid_reader *r, reid_status st, uint64_t line, uint64_t col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int fail(reid_reader *r, reid_status st, uint64_t line, uint64_t col, const char *fmt, ...)
{
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (col && col <= r->nnames)
        reid_error_set(r->err, st, line, col, "%s: line %llu, column %llu (%s): %s", r->source,
                       (unsigned long long)line, (unsigned long long)col, r->names[col - 1], what);
    else if (col)
        reid_error_set(r->err, st, line, col, "%s: line %llu, column %llu: %s", r->source,
                       (unsigned long long)line, (unsigned long long)col, what);
    else
        reid_error_set(r->err, st, line, 0, "%s: line %llu: %s", r->source,
                       (unsigned long long)line, what);
    r->stop = 1;
    return -1;
}

static int parser_start(reid_reader *r)
{
    unsigned char opts = CSV_STRICT_FINI | (r->strict ? CSV_STRICT : 0);
    if (csv_init(&r->parser, opts) != 0)
        return fail(r, REID_ERR_NOMEM, r->line, 0, "%s", "out of memory");
    csv_set_delim(&r->parser, (unsigned char)r->delim);
    r->parser_ready = 1;
    return 0;
}

static void row_reset(reid_reader *r)
{
    r->nf = 0;
    r->rlen = 0;
}

static void on_field(void *s, size_t len, void *user)
{
    reid_reader *r = user;
    if (r->stop || r->resync) return;
    size_t i = r->nf++;
    if (r->nf > REID_READER_MAX_FIELDS) {
        fail(r, REID_ERR_INPUT, r->row_line, 0, "more than %s fields in one record", "100,000");
        return;
    }
    if (len > r->max_field) {
        fail(r, REID_ERR_INPUT, r->row_line, i + 1,
             "field longer than the limit of %zu bytes (--max-field-size)", r->max_field);
        return;
    }
    if (i >= r->fcap) {
        size_t cap = r->fcap ? r->fcap * 2 : 64;
        size_t *o = realloc(r->off, cap * sizeof *o);
        if (o) r->off = o;
        size_t *l = o ? realloc(r->len, cap * sizeof *l) : NULL;
        if (l) r->len = l;
        const char **p = l ? realloc(r->ptr, cap * sizeof *p) : NULL;
        if (p) r->ptr = p;
        if (!o || !l || !p) {
            fail(r, REID_ERR_NOMEM, r->row_line, 0, "%s", "out of memory");
            return;
        }
        r->fcap = cap;
    }
    r->off[i] = r->rlen;
    r->len[i] = 0;
    if (r->keep && (i >= r->nkeep || !r->keep[i])) return;
    if (r->rlen + len > r->rcap) {
        size_t cap = r->rcap ? r->rcap : 1024;
        while (cap < r->rlen + len)
            cap *= 2;
        char *b = realloc(r->rbuf, cap);
        if (!b) {
            fail(r, REID_ERR_NOMEM, r->row_line, 0, "%s", "out of memory");
            return;
        }
        r->rbuf = b;
        r->rcap = cap;
    }
    if (len) memcpy(r->rbuf + r->rlen, s, len);
    r->len[i] = len;
    r->rlen += len;
}

static void on_row_end(int c, void *user)
{
    (void)c;
    reid_reader *r = user;
    if (r->stop || r->resync) {
        row_reset(r);
        return;
    }
    for (size_t i = 0; i < r->nf; i++)
        r->ptr[i] = r->rbuf ? r->rbuf + r->off[i] : "";
    reid_row row = {r->nf, r->row_line, r->ptr, r->len, 0};
    if (r->on_row(r->user, &row) != 0) r->stop = 1;
    row_reset(r);
}

/* Advance the line counter past a piece that was fed. */
static void advance(reid_reader *r, const char *s, size_t n)
{
    char last = s[n - 1];
    if (last == '\n') {
        if (!(n == 1 && r->last_cr)) r->line++;
        r->last_cr = 0;
        r->col_base = 0;
    } else if (last == '\r') {
        r->line++;
        r->last_cr = 1;
        r->col_base = 0;
    } else {
        r->col_base += n;
        r->last_cr = 0;
    }
}

/* A malformed record at byte n of the piece: stop, or drop it and skip to the next line. */
static int malformed(reid_reader *r, const char *what)
{
    uint64_t col = r->nf + 1;
    if (r->on_bad(r->user, r->row_line, col, what) != 0) {
        r->stop = 1;
        return -1;
    }
    csv_free(&r->parser);
    r->parser_ready = 0;
    row_reset(r);
    if (parser_start(r) != 0) return -1;
    r->resync = 1;
    return 0;
}

static int feed_piece(reid_reader *r, const char *s, size_t n)
{
    char last = s[n - 1];
    int ends_line = last == '\n' || last == '\r';
    if (r->resync) {
        if (ends_line) r->resync = 0;
        advance(r, s, n);
        return 0;
    }
    if (r->parser.pstate == LIBCSV_ROW_NOT_BEGUN) r->row_line = r->line;
    size_t done = csv_parse(&r->parser, s, n, on_field, on_row_end, r);
    if (r->stop) return -1;
    if (done < n) {
        int e = csv_error(&r->parser);
        if (e != CSV_EPARSE) return fail(r, REID_ERR_NOMEM, r->line, 0, "%s", csv_strerror(e));
        char what[160];
        snprintf(what, sizeof what,
                 "malformed quoting at line %llu, byte %llu: a quote inside an unquoted field or "
                 "text after a closing quote (RFC 4180; --lenient-quotes keeps such quotes)",
                 (unsigned long long)r->line, (unsigned long long)(r->col_base + done + 1));
        if (malformed(r, what) != 0) return -1;
        /* skip to the end of this line */
        if (ends_line) r->resync = 0;
        advance(r, s, n);
        return 0;
    }
    if (r->parser.entry_pos > r->max_field) {
        char what[160];
        snprintf(what, sizeof what,
                 "field longer than the limit of %zu bytes (--max-field-size; is a quote left "
                 "open?)",
                 r->max_field);
        return fail(r, REID_ERR_INPUT, r->row_line, r->nf + 1, "%s", what);
    }
    advance(r, s, n);
    return 0;
}

/* A record read by the fast scanner goes through the same callbacks as libcsv's. */
static void deliver_scanned(reid_reader *r)
{
    const reid_scanner *sc = &r->scan;
    r->row_line = r->line;
    row_reset(r);
    /* the fields are read in place: nothing is copied */
    reid_row row = {sc->nfields, r->line, sc->ptr, sc->len, sc->ascii};
    if (r->on_row(r->user, &row) != 0) r->stop = 1;
}

/* The fast path: records of the common dialect while libcsv is between records. 1 if one
 * was consumed (*i advanced), 0 to let libcsv take the next line, -1 on error. */
static int fast_step(reid_reader *r, const char *data, size_t len, size_t *i)
{
    if (r->last_cr && data[*i] == '\n') { /* the LF of a CRLF whose CR ended a record */
        r->last_cr = 0;
        (*i)++;
        return 1;
    }
    const char *next;
    int res = reid_scan_record(&r->scan, data + *i, data + len, 0, &next);
    if (res < 0) return fail(r, REID_ERR_NOMEM, r->line, 0, "%s", "out of memory");
    if (res == REID_SCAN_INCOMPLETE || res == REID_SCAN_FALLBACK) return 0;
    if (res == REID_SCAN_RECORD) deliver_scanned(r);
    r->line += r->scan.breaks;
    r->col_base = 0;
    r->last_cr = 0;
    *i = (size_t)(next - data);
    return r->stop ? -1 : 1;
}

static int process(reid_reader *r, const char *data, size_t len)
{
    size_t i = 0;
    reid_scanner_forget(&r->scan); /* a new buffer: the scanner's cache is of the last one */
    while (i < len) {
        if (r->stop) return -1;
        r->offset = r->base + i;
        if (r->fast && !r->resync && r->parser.pstate == LIBCSV_ROW_NOT_BEGUN) {
            int took = fast_step(r, data, len, &i);
            if (took < 0) return -1;
            if (took) continue;
        }
        const char *s = data + i;
        size_t lim = len - i < PIECE_MAX ? len - i : PIECE_MAX;
        size_t k = 0;
        while (k < lim && s[k] != '\n' && s[k] != '\r' && s[k] != '\0')
            k++;
        if (k < lim && s[k] == '\0') {
            uint64_t at = r->col_base + k + 1; /* before feed_piece advances col_base by k */
            if (k && feed_piece(r, s, k) != 0) return -1;
            char what[128];
            snprintf(what, sizeof what,
                     "NUL byte at byte %llu of the line (is this a binary or UTF-16 file?)",
                     (unsigned long long)at);
            return fail(r, REID_ERR_INPUT, r->line, r->nf + 1, "%s", what);
        }
        size_t n = k < lim ? k + 1 : lim;
        if (feed_piece(r, s, n) != 0) return -1;
        i += n;
    }
    r->base += len;
    return r->stop ? -1 : 0;
}

static int start(reid_reader *r)
{
    r->started = 1;
    const char *p = r->pre;
    size_t n = r->pre_len;
    if (n >= 2 && (((unsigned char)p[0] == 0xFF && (unsigned char)p[1] == 0xFE) ||
                   ((unsigned char)p[0] == 0xFE && (unsigned char)p[1] == 0xFF))) {
        return fail(r, REID_ERR_INPUT, 1, 0, "%s",
                    "the file is UTF-16 (it starts with a UTF-16 byte order mark); convert it "
                    "to UTF-8, e.g. with iconv -f UTF-16 -t UTF-8");
    }
    if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
        p += 3;
        n -= 3;
    }
    if (!r->delim) r->delim = reid_sniff_delimiter(p, n);
    if (reid_reader_begin(r) != 0) return -1;
    int rc = process(r, p, n);
    free(r->pre);
    r->pre = NULL;
    r->pre_len = 0;
    return rc;
}

int reid_reader_begin(reid_reader *r)
{
    r->started = 1;
    if (parser_start(r) != 0) return -1;
    reid_scanner_init(&r->scan, (unsigned char)r->delim, r->max_field, REID_READER_MAX_FIELDS);
    reid_scanner_keep(&r->scan, r->keep, r->nkeep);
    return 0;
}

int reid_reader_between_records(const reid_reader *r)
{
    return r->started && !r->stop && !r->resync && !r->last_cr && r->nf == 0 &&
           r->parser.pstate == LIBCSV_ROW_NOT_BEGUN;
}

void reid_reader_skip(reid_reader *r, uint64_t lines, uint64_t bytes)
{
    r->line += lines;
    r->row_line = r->line;
    r->col_base = 0;
    r->base += bytes;
    r->offset = r->base;
}

int reid_reader_feed(reid_reader *r, const char *data, size_t len)
{
    if (r->stop) return -1;
    if (r->started) return process(r, data, len);
    size_t take = REID_READER_SNIFF_BYTES - r->pre_len;
    if (take > len) take = len;
    if (!r->pre) {
        r->pre = malloc(REID_READER_SNIFF_BYTES);
        if (!r->pre) return fail(r, REID_ERR_NOMEM, 1, 0, "%s", "out of memory");
    }
    memcpy(r->pre + r->pre_len, data, take);
    r->pre_len += take;
    if (r->pre_len < REID_READER_SNIFF_BYTES) return 0;
    if (start(r) != 0) return -1;
    return process(r, data + take, len - take);
}

int reid_reader_finish(reid_reader *r)
{
    if (r->stop) return -1;
    if (!r->started && start(r) != 0) return -1;
    if (r->resync) {
        row_reset(r);
        return 0;
    }
    /* libcsv reports an open quote at the end only in strict mode; lenient mode must not
     * silently accept a record that swallowed the rest of the file either */
    int open_quote = r->parser.pstate == LIBCSV_FIELD_BEGUN && r->parser.quoted;
    if (open_quote || csv_fini(&r->parser, on_field, on_row_end, r) != 0) {
        if (r->stop) return -1;
        return fail(r, REID_ERR_INPUT, r->row_line, r->nf + 1, "%s",
                    "unterminated quoted field: the end of the file was reached inside quotes "
                    "opened in this record");
    }
    return r->stop ? -1 : 0;
}
