/* scan.c - fast scanner for the common CSV dialect; everything else falls back to libcsv. */
#include "scan.h"

#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

enum { C_TEXT = 0, C_DELIM, C_QUOTE, C_CR, C_LF, C_NUL };

/* byte classes: the same for every scanner with a given delimiter */
static void classes(unsigned char delim, unsigned char *cls)
{
    memset(cls, C_TEXT, 256);
    cls['"'] = C_QUOTE;
    cls['\r'] = C_CR;
    cls['\n'] = C_LF;
    cls[0] = C_NUL;
    cls[delim] = C_DELIM;
}

void reid_scanner_init(reid_scanner *s, unsigned char delim, size_t max_field, size_t max_fields)
{
    memset(s, 0, sizeof *s);
    s->delim = delim;
    s->max_field = max_field;
    s->max_fields = max_fields;
    classes(delim, s->cls);
    s->sp[' '] = delim != ' ';
    s->sp['\t'] = delim != '\t';
    s->blocks = delim != '"' && delim != '\r' && delim != '\n' && delim != 0;
}

void reid_scanner_forget(reid_scanner *s)
{
    s->blk_end = NULL;
}

void reid_scanner_free(reid_scanner *s)
{
    free(s->ptr);
    free(s->len);
    free(s->unesc);
    memset(s, 0, sizeof *s);
}

/*
 * The first byte at or after q that is not ordinary text (delimiter, quote,
 * CR, LF, NUL), or e. Sixteen bytes at a time with SSE2 (x86-64's baseline),
 * never reading at or past e.
 */
static inline const unsigned char *skip_text(const reid_scanner *s, const unsigned char *q,
                                             const unsigned char *e)
{
#ifdef __SSE2__
    const __m128i d = _mm_set1_epi8((char)s->delim), qu = _mm_set1_epi8('"'),
                  cr = _mm_set1_epi8('\r'), lf = _mm_set1_epi8('\n'), z = _mm_setzero_si128();
    while (e - q >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)q);
        __m128i m =
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, d), _mm_cmpeq_epi8(v, qu)),
                         _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, lf)),
                                      _mm_cmpeq_epi8(v, z)));
        unsigned bits = (unsigned)_mm_movemask_epi8(m);
        if (bits) return q + __builtin_ctz(bits);
        q += 16;
    }
#endif
    while (q < e && s->cls[*q] == C_TEXT)
        q++;
    return q;
}

/* Inside quotes: the first quote, NUL, CR or LF at or after q, or e. */
static inline const unsigned char *skip_quoted(const reid_scanner *s, const unsigned char *q,
                                               const unsigned char *e)
{
#ifdef __SSE2__
    const __m128i qu = _mm_set1_epi8('"'), cr = _mm_set1_epi8('\r'), lf = _mm_set1_epi8('\n'),
                  z = _mm_setzero_si128();
    while (e - q >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)q);
        __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, qu), _mm_cmpeq_epi8(v, z)),
                                 _mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, lf)));
        unsigned bits = (unsigned)_mm_movemask_epi8(m);
        if (bits) return q + __builtin_ctz(bits);
        q += 16;
    }
#endif
    while (q < e && *q != '"' && *q != 0 && *q != '\r' && *q != '\n')
        q++;
    (void)s;
    return q;
}

/* libcsv's space: space or tab, unless it is the delimiter */
static inline int is_sp(const reid_scanner *s, unsigned char c)
{
    return (c == ' ' || c == '\t') && c != s->delim;
}

static int grow_fields(reid_scanner *s, size_t **uoff)
{
    size_t cap = s->cap ? s->cap * 2 : 32;
    const char **p = realloc(s->ptr, cap * sizeof *p);
    if (!p) return -1;
    s->ptr = p;
    size_t *l = realloc(s->len, cap * 2 * sizeof *l); /* second half: unescape offsets */
    if (!l) return -1;
    /* move the old offsets to the new second half */
    memmove(l + cap, l + s->cap, s->cap * sizeof *l);
    s->len = l;
    s->cap = cap;
    *uoff = l + cap;
    return 0;
}

static int unesc_append(reid_scanner *s, const char *from, size_t n)
{
    if (s->unesc_len + n > s->unesc_cap) {
        size_t cap = s->unesc_cap ? s->unesc_cap : 256;
        while (cap < s->unesc_len + n)
            cap *= 2;
        char *u = realloc(s->unesc, cap);
        if (!u) return -1;
        s->unesc = u;
        s->unesc_cap = cap;
    }
    memcpy(s->unesc + s->unesc_len, from, n);
    s->unesc_len += n;
    return 0;
}

/* The general scanner: every record the block path declines. */
static int scan_general(reid_scanner *s, const char *p, const char *end, int at_eof,
                        const char **next)
{
    const unsigned char *cls = s->cls;
    const unsigned char *q = (const unsigned char *)p, *e = (const unsigned char *)end;
    size_t *uoff = s->cap ? s->len + s->cap : NULL;
    int any_escaped = 0;
    s->nfields = 0;
    s->unesc_len = 0;
    s->breaks = 0;

    /* the start of a record: spaces, then maybe a blank line */
    while (q < e && is_sp(s, *q))
        q++;
    if (q == e) {
        if (!at_eof) return REID_SCAN_INCOMPLETE;
        *next = end;
        return REID_SCAN_BLANK; /* only spaces before the end: libcsv submits nothing */
    }
    if (*q == '\r' || *q == '\n') {
        if (*q == '\r' && q + 1 == e && !at_eof) return REID_SCAN_INCOMPLETE;
        q += (*q == '\r' && q + 1 < e && q[1] == '\n') ? 2 : 1;
        s->breaks = 1;
        *next = (const char *)q;
        return REID_SCAN_BLANK;
    }
    for (;;) {
        /* one field, leading spaces already skipped */
        if (s->nfields == s->cap && grow_fields(s, &uoff) != 0) return -1;
        if (s->nfields >= s->max_fields) return REID_SCAN_FALLBACK;
        size_t f = s->nfields;
        if (q < e && *q == '"') {
            const unsigned char *start = ++q, *run = q;
            int escaped = 0;
            size_t ulen0 = s->unesc_len;
            for (;;) {
                for (;;) {
                    q = skip_quoted(s, q, e);
                    if (q == e || *q == '"' || *q == 0) break;
                    /* a line break inside quotes: CR, LF or CRLF counts once */
                    if (*q == '\n')
                        s->breaks++;
                    else if (!(q + 1 < e && q[1] == '\n'))
                        s->breaks++;
                    q++;
                }
                if (q == e) return at_eof ? REID_SCAN_FALLBACK : REID_SCAN_INCOMPLETE;
                if (*q == 0) return REID_SCAN_FALLBACK;
                /* a quote: escaped pair, or the end of the field */
                if (q + 1 == e && !at_eof) return REID_SCAN_INCOMPLETE;
                if (q + 1 < e && q[1] == '"') {
                    if (!escaped) {
                        escaped = 1;
                        ulen0 = s->unesc_len;
                    }
                    if (unesc_append(s, (const char *)run, (size_t)(q - run) + 1) != 0) return -1;
                    q += 2;
                    run = q;
                    continue;
                }
                break;
            }
            size_t flen;
            if (escaped) {
                if (unesc_append(s, (const char *)run, (size_t)(q - run)) != 0) return -1;
                flen = s->unesc_len - ulen0;
                uoff[f] = ulen0;
                any_escaped = 1;
                s->ptr[f] = NULL;
            } else {
                flen = (size_t)(q - start);
                uoff[f] = SIZE_MAX;
                s->ptr[f] = (const char *)start;
            }
            /* the CRs inside were counted only when not followed by LF: a CR just before
             * the closing quote is a break of its own */
            if (flen > s->max_field) return REID_SCAN_FALLBACK;
            s->len[f] = flen;
            q++; /* the closing quote */
            while (q < e && is_sp(s, *q))
                q++;
            if (q < e && cls[*q] != C_DELIM && cls[*q] != C_CR && cls[*q] != C_LF)
                return REID_SCAN_FALLBACK;
        } else {
            const unsigned char *start = q;
            q = skip_text(s, q, e);
            if (q < e && (cls[*q] == C_QUOTE || cls[*q] == C_NUL)) return REID_SCAN_FALLBACK;
            const unsigned char *stop = q;
            while (stop > start && is_sp(s, stop[-1]))
                stop--;
            size_t flen = (size_t)(stop - start);
            if (flen > s->max_field) return REID_SCAN_FALLBACK;
            s->ptr[f] = (const char *)start;
            s->len[f] = flen;
            uoff[f] = SIZE_MAX;
        }
        s->nfields++;
        if (q == e) {
            if (!at_eof) return REID_SCAN_INCOMPLETE;
            break;
        }
        if (*q == (unsigned char)s->delim) {
            q++;
            while (q < e && is_sp(s, *q))
                q++;
            if (q == e && !at_eof) return REID_SCAN_INCOMPLETE;
            continue;
        }
        /* CR, LF or CRLF: the end of the record */
        if (*q == '\r' && q + 1 == e && !at_eof) return REID_SCAN_INCOMPLETE;
        q += (*q == '\r' && q + 1 < e && q[1] == '\n') ? 2 : 1;
        s->breaks++;
        break;
    }
    if (any_escaped)
        for (size_t i = 0; i < s->nfields; i++)
            if (uoff[i] != SIZE_MAX) s->ptr[i] = s->unesc + uoff[i];
    *next = (const char *)q;
    return REID_SCAN_RECORD;
}

/*
 * The block path. Sixty-four bytes at a time, one bit per byte that may be
 * special, kept in the scanner across fields and records so that finding the
 * end of a field is a count of trailing zeros, not a fresh vector loop.
 */
static inline uint64_t block_mask(unsigned char delim, const unsigned char *q)
{
#ifdef __SSE2__
    const __m128i d = _mm_set1_epi8((char)delim), qu = _mm_set1_epi8('"'), low = _mm_set1_epi8(13);
    /* delimiter, quote, or a byte <= 13 (NUL, CR, LF and some text bytes) */
#define REID_SPECIAL(v)                                                                            \
    (unsigned)_mm_movemask_epi8(                                                                   \
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, d), _mm_cmpeq_epi8(v, qu)),                    \
                     _mm_cmpeq_epi8(_mm_min_epu8(v, low), v)))
    __m128i v0 = _mm_loadu_si128((const __m128i *)(const void *)q);
    __m128i v1 = _mm_loadu_si128((const __m128i *)(const void *)(q + 16));
    __m128i v2 = _mm_loadu_si128((const __m128i *)(const void *)(q + 32));
    __m128i v3 = _mm_loadu_si128((const __m128i *)(const void *)(q + 48));
    uint64_t lo = REID_SPECIAL(v0) | REID_SPECIAL(v1) << 16;
    uint64_t hi = REID_SPECIAL(v2) | REID_SPECIAL(v3) << 16;
#undef REID_SPECIAL
    return lo | hi << 32;
#else
    uint64_t m = 0;
    for (int i = 0; i < 64; i++)
        m |= (uint64_t)(q[i] == delim || q[i] == '"' || q[i] <= 13) << i;
    return m;
#endif
}

/* The mask of the n < 64 bytes at q (the last block of a buffer), never reading past them. */
static __attribute__((noinline)) uint64_t tail_mask(unsigned char delim, const unsigned char *q,
                                                    size_t n)
{
    unsigned char t[64];
    memset(t, 'x', sizeof t);
    memcpy(t, q, n);
    return block_mask(delim, t) & ((UINT64_C(1) << n) - 1);
}

/* The block cache while a record is scanned: in registers, written back at the end. */
typedef struct blocks {
    const unsigned char *blk, *e;
    uint64_t mask;
    size_t len;
    unsigned char delim;
} blocks;

/* The first byte at or after q (q <= e) that may be special, or e. */
static inline __attribute__((always_inline)) const unsigned char *next_stop(blocks *b,
                                                                            const unsigned char *q)
{
    for (;;) {
        uintptr_t off = (uintptr_t)q - (uintptr_t)b->blk;
        if (__builtin_expect(off < 64, 1)) {
            uint64_t m = b->mask & (~UINT64_C(0) << off);
            if (__builtin_expect(m != 0, 1)) return b->blk + __builtin_ctzll(m);
            if (b->len < 64) return b->e; /* the block ends at e */
            q = b->blk + 64;
        }
        if (q == b->e) return q;
        size_t n = (size_t)(b->e - q);
        b->blk = q;
        b->len = n < 64 ? n : 64;
        b->mask = n < 64 ? tail_mask(b->delim, q, n) : block_mask(b->delim, q);
    }
}

enum { SLOW = -2 };

/*
 * A record whose fields are all unquoted, or quoted without "" and line breaks
 * inside, with no spaces or tabs at the edges of fields, ended by CR, LF or
 * CRLF before e; SLOW for anything else (scan_general decides). One loop over
 * the special bytes, so that next_stop is inlined once.
 */
static inline __attribute__((always_inline)) int scan_fields(const reid_scanner *s, blocks *b,
                                                             const unsigned char *q,
                                                             size_t *nfields, const char **next)
{
    const unsigned char d = s->delim, *e = b->e;
    const unsigned char *sp = s->sp, *cls = s->cls;
    const char **ptr = s->ptr;
    size_t *len = s->len, max_field = s->max_field;
    size_t f = 0, lim = s->cap < s->max_fields ? s->cap : s->max_fields;
    /* spaces first (perhaps a blank line) or a blank line: the general scanner */
    if (q == e || sp[*q] || *q == '\r' || *q == '\n' || lim == 0) return SLOW;
    int quoted = *q == '"';
    const unsigned char *start = q + quoted, *look = start;
    for (;;) {
        const unsigned char *stop = next_stop(b, look);
        if (stop == e) return SLOW;
        unsigned k = cls[*stop];
        const unsigned char *term = stop; /* the field's terminator */
        if (!quoted) {
            if (k == C_TEXT) { /* a byte <= 13 that is only text */
                look = stop + 1;
                continue;
            }
            if (stop > start && sp[stop[-1]]) return SLOW;
        } else {
            if (k == C_TEXT || k == C_DELIM) { /* inside the quotes */
                look = stop + 1;
                continue;
            }
            if (k != C_QUOTE) return SLOW; /* CR, LF or NUL inside quotes */
            term = stop + 1;               /* after the closing quote; "" goes below */
            if (term == e) return SLOW;
        }
        size_t flen = (size_t)(stop - start);
        if (flen > max_field) return SLOW;
        ptr[f] = (const char *)start;
        len[f] = flen;
        f++;
        unsigned char c = *term;
        if (c == d) {
            q = term + 1;
            if (q == e || sp[*q] || f == lim) return SLOW;
            quoted = *q == '"';
            start = look = q + quoted;
            continue;
        }
        if (c == '\n') {
            q = term + 1;
            break;
        }
        if (c != '\r' || term + 1 == e) return SLOW; /* a quote, NUL, text after a quote */
        q = term + 1 + (term[1] == '\n');
        break;
    }
    *nfields = f;
    *next = (const char *)q;
    return REID_SCAN_RECORD;
}

static int scan_blocks(reid_scanner *s, const unsigned char *q, const unsigned char *e,
                       const char **next)
{
    blocks b;
    b.e = e;
    b.delim = s->delim;
    if (s->blk_end == e) {
        b.blk = s->blk;
        b.mask = s->bmask;
        b.len = s->blen;
    } else { /* a new buffer: nothing cached (q - blk is at least 64 unless q == e) */
        b.blk = e;
        b.mask = 0;
        b.len = 0;
    }
    size_t nfields = 0;
    int res = scan_fields(s, &b, q, &nfields, next);
    s->blk = b.blk;
    s->bmask = b.mask;
    s->blen = b.len;
    s->blk_end = e;
    if (res != REID_SCAN_RECORD) return res;
    s->nfields = nfields;
    s->unesc_len = 0;
    s->breaks = 1;
    return REID_SCAN_RECORD;
}

int reid_scan_record(reid_scanner *s, const char *p, const char *end, int at_eof, const char **next)
{
    if (s->blocks && scan_blocks(s, (const unsigned char *)p, (const unsigned char *)end, next) ==
                         REID_SCAN_RECORD)
        return REID_SCAN_RECORD;
    return scan_general(s, p, end, at_eof, next);
}
