/* scan.c - fast scanner for the common CSV dialect; everything else falls back to libcsv. */
#include "scan.h"

#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__) && !defined(REID_SCAN_NO_AVX2)
#include <immintrin.h>
#define REID_SCAN_AVX2 1 /* a second block path for AVX2, chosen at run time */
#endif

static int use_avx2 = -1; /* 0: the SSE2 block path even where AVX2 is there (tests) */

enum { C_TEXT = 0, C_DELIM, C_QUOTE, C_CR, C_LF, C_NUL };
/* what a field starting with a byte is, for the block path; SLOW: left to the general scanner */
enum { F_PLAIN = 0, F_QUOTE, F_SLOW, SLOW = -2 };

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
#ifdef REID_SCAN_AVX2
    if (s->blocks && use_avx2 != 0) {
        __builtin_cpu_init();
        if (__builtin_cpu_supports("avx2")) s->blocks = 2;
    }
#endif
    for (int c = 0; c < 256; c++)
        s->fstart[c] = c == '"' ? F_QUOTE : s->sp[c] ? F_SLOW : F_PLAIN;
}

void reid_scanner_keep(reid_scanner *s, const unsigned char *keep, size_t n)
{
    s->keep = keep;
    s->nkeep = n;
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
static __attribute__((noinline)) int scan_general(reid_scanner *s, const char *p, const char *end,
                                                  int at_eof, const char **next)
{
    const unsigned char *cls = s->cls;
    const unsigned char *q = (const unsigned char *)p, *e = (const unsigned char *)end;
    size_t *uoff = s->cap ? s->len + s->cap : NULL;
    int any_escaped = 0;
    s->nfields = 0;
    s->unesc_len = 0;
    s->ascii = 0; /* not known */
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
 * special (delimiter, quote, or a byte <= 13: CR, LF, NUL and a few bytes that
 * are only text), kept in the scanner across fields and records: the end of a
 * field is the lowest bit left, not a fresh vector loop.
 */
typedef struct vconst {
#ifdef __SSE2__
    __m128i d, qu, low;
#else
    unsigned char d;
#endif
#ifdef REID_SCAN_AVX2
    __m256i d2, qu2, low2;
#endif
} vconst;

/* The vector constants, built once per record and kept in registers: the empty asm hides their
 * values, so that the compiler does not rebuild them inside the loops. */
static inline __attribute__((always_inline)) void make_vconst(vconst *k, unsigned char delim)
{
#ifdef __SSE2__
    k->d = _mm_set1_epi8((char)delim);
    k->qu = _mm_set1_epi8('"');
    k->low = _mm_set1_epi8(13);
    __asm__("" : "+x"(k->d), "+x"(k->qu), "+x"(k->low));
#else
    k->d = delim;
#endif
}

#ifdef REID_SCAN_AVX2
static inline __attribute__((target("avx2"))) void make_vconst_avx2(vconst *k, unsigned char delim)
{
    k->d2 = _mm256_set1_epi8((char)delim);
    k->qu2 = _mm256_set1_epi8('"');
    k->low2 = _mm256_set1_epi8(13);
    __asm__("" : "+x"(k->d2), "+x"(k->qu2), "+x"(k->low2));
}
#endif

static inline __attribute__((always_inline)) uint64_t block_mask(const vconst *k,
                                                                 const unsigned char *q)
{
#ifdef __SSE2__
#define REID_SPECIAL(v)                                                                            \
    (unsigned)_mm_movemask_epi8(                                                                   \
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, k->d), _mm_cmpeq_epi8(v, k->qu)),              \
                     _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(v, k->low), v), v)))
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
        m |= (uint64_t)(q[i] == k->d || q[i] == '"' || q[i] <= 13 || q[i] >= 0x80) << i;
    return m;
#endif
}

/* The mask of the n < 64 bytes at q (the last block of a buffer, where nothing before q is known
 * to be readable), byte by byte: never reading past them. */
static inline uint64_t tail_mask(unsigned char delim, const unsigned char *q, size_t n)
{
    uint64_t m = 0;
    for (size_t i = 0; i < n; i++)
        m |= (uint64_t)(q[i] == delim || q[i] == '"' || q[i] <= 13 || q[i] >= 0x80) << i;
    return m;
}

#ifdef REID_SCAN_AVX2
/* block_mask with 32-byte vectors: the same bits */
static inline __attribute__((target("avx2"))) uint64_t block_mask_avx2(const vconst *k,
                                                                       const unsigned char *q)
{
    __m256i v0 = _mm256_loadu_si256((const __m256i *)(const void *)q);
    __m256i v1 = _mm256_loadu_si256((const __m256i *)(const void *)(q + 32));
    __m256i x0 = _mm256_or_si256(
        _mm256_or_si256(_mm256_cmpeq_epi8(v0, k->d2), _mm256_cmpeq_epi8(v0, k->qu2)),
        _mm256_or_si256(_mm256_cmpeq_epi8(_mm256_min_epu8(v0, k->low2), v0), v0));
    __m256i x1 = _mm256_or_si256(
        _mm256_or_si256(_mm256_cmpeq_epi8(v1, k->d2), _mm256_cmpeq_epi8(v1, k->qu2)),
        _mm256_or_si256(_mm256_cmpeq_epi8(_mm256_min_epu8(v1, k->low2), v1), v1));
    return (uint64_t)(uint32_t)_mm256_movemask_epi8(x0) |
           (uint64_t)(uint32_t)_mm256_movemask_epi8(x1) << 32;
}
#endif

static inline __attribute__((always_inline)) uint64_t any_mask(const vconst *k,
                                                               const unsigned char *at, int wide)
{
#ifdef REID_SCAN_AVX2
    if (wide) return block_mask_avx2(k, at);
#endif
    (void)wide;
    return block_mask(k, at);
}

/*
 * Load the block at `at` < e into the cache (s->blk, s->bmask) and return its
 * mask. follows: the 64 bytes before `at` are in the buffer (the block before),
 * so that a last block of n < 64 bytes is read as the 64 bytes that end at e,
 * shifted; otherwise byte by byte.
 */
static inline __attribute__((always_inline)) uint64_t load_block(reid_scanner *s, const vconst *k,
                                                                 const unsigned char *at,
                                                                 const unsigned char *e, int wide,
                                                                 int follows)
{
    size_t n = (size_t)(e - at);
    uint64_t m;
    if (n >= 64)
        m = any_mask(k, at, wide);
    else if (follows)
        m = any_mask(k, e - 64, wide) >> (64 - n);
    else
        m = tail_mask(s->delim, at, n);
    s->blk = at;
    s->bmask = m;
    return m;
}

/*
 * The next special byte in order (every one before it was seen): the lowest
 * bit left in m, loading blocks as needed; to the general scanner when the
 * buffer ends first.
 */
#define NEXT_STOP(stop)                                                                            \
    do {                                                                                           \
        while (m == 0) {                                                                           \
            if (e - blk <= 64) goto out; /* this block reaches e */                                \
            blk += 64;                                                                             \
            m = load_block(s, &k, blk, e, wide, 1);                                                \
        }                                                                                          \
        (stop) = blk + (unsigned)__builtin_ctzll(m);                                               \
        m &= m - 1;                                                                                \
    } while (0)

#define ESCAPED                                                                                    \
    (~(SIZE_MAX >> 1)) /* on a field's length: the raw bytes of a field that held ""               \
                        */

/*
 * Some of the n fields of the record just read held "" (length | ESCAPED, ptr
 * and len the raw bytes between the quotes): unescape them into s->unesc and
 * point them there. -1 on out of memory.
 */
static __attribute__((noinline)) int unescape_fields(reid_scanner *s, size_t n)
{
    size_t need = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(s->len[i] & ESCAPED)) continue;
        if (s->keep && (i >= s->nkeep || !s->keep[i])) { /* not read: left as it is */
            s->len[i] &= ~ESCAPED;
            continue;
        }
        need += s->len[i] & ~ESCAPED;
    }
    if (need > s->unesc_cap) { /* once: the pointers below stay valid */
        size_t cap = s->unesc_cap ? s->unesc_cap : 256;
        while (cap < need)
            cap *= 2;
        char *u = realloc(s->unesc, cap);
        if (!u) return -1;
        s->unesc = u;
        s->unesc_cap = cap;
    }
    char *out = s->unesc;
    for (size_t i = 0; i < n; i++) {
        if (!(s->len[i] & ESCAPED)) continue;
        size_t len = s->len[i] & ~ESCAPED;
        const char *from = s->ptr[i];
        char *field = out;
        for (size_t j = 0; j < len; j++) {
            *out++ = from[j];
            j += from[j] == '"'; /* the second quote of a pair */
        }
        s->ptr[i] = field;
        s->len[i] = (size_t)(out - field);
    }
    s->unesc_len = (size_t)(out - s->unesc);
    return 0;
}

/*
 * A record whose fields are all unquoted, or quoted without line breaks
 * inside, with no spaces or tabs at the edges of fields, ended by CR, LF or
 * CRLF before e; SLOW for anything else (scan_general decides). The special
 * bytes are visited in order, each once.
 */
static inline __attribute__((always_inline)) int scan_blocks(reid_scanner *s,
                                                             const unsigned char *q,
                                                             const unsigned char *e,
                                                             const char **next, int wide)
{
    const unsigned char d = s->delim;
    vconst k;
#ifdef REID_SCAN_AVX2
    if (wide)
        make_vconst_avx2(&k, d);
    else
#endif
        make_vconst(&k, d);
    const unsigned char *blk;
    uint64_t m;
    if (q == e) return SLOW;
    uintptr_t off = (uintptr_t)q - (uintptr_t)s->blk;
    if (s->blk_end == e && off < 64) { /* q is in the cached block */
        blk = s->blk;
        m = s->bmask & (~UINT64_C(0) << off);
    } else {
        s->blk_end = e;
        blk = q;
        m = load_block(s, &k, q, e, wide, 0);
    }
    size_t lim = s->cap < s->max_fields ? s->cap : s->max_fields;
    /* (no pointer arithmetic on the arrays before their first allocation: s->ptr is NULL then) */
    const char **pp = s->ptr, **pend = lim ? s->ptr + lim : s->ptr;
    size_t *lp = s->len;
    s->unesc_len = 0; /* until the end: 1 if a field is to be unescaped */
    const unsigned char *start, *stop;
    unsigned c, hi = 0; /* hi: the bytes stopped at, or-ed (0x80: one was not ASCII) */
    /* a blank line (or spaces first, below): the general scanner */
    if (*q == '\r' || *q == '\n' || lim == 0) goto out;
    for (;;) {
        /* a field at q < e; the special bytes before q are seen */
        unsigned kind = s->fstart[*q];
        if (kind == F_PLAIN) {
            start = q;
            for (;;) {
                NEXT_STOP(stop);
                c = *stop;
                if (c == d) break;
                hi |= c;
                if (s->cls[c] != C_TEXT) goto plain_last; /* CR, LF, or to the general scanner */
            }
            /* the common case: an unquoted field ended by a delimiter */
            if (stop > start && s->sp[stop[-1]]) goto out;
            if ((size_t)(stop - start) > s->max_field) goto out;
            *pp++ = (const char *)start;
            *lp++ = (size_t)(stop - start);
            q = stop + 1;
            if (q == e || pp == pend) goto out;
            continue;
        plain_last:
            if (stop > start && s->sp[stop[-1]]) goto out;
            if ((size_t)(stop - start) > s->max_field) goto out;
            *pp++ = (const char *)start;
            *lp++ = (size_t)(stop - start);
        } else if (kind == F_QUOTE) {
            start = q + 1;
            size_t pairs = 0;
            NEXT_STOP(stop); /* the opening quote */
            for (;;) {
                NEXT_STOP(stop);
                hi |= *stop;
                c = s->cls[*stop];
                if (c == C_QUOTE) {
                    if (stop + 1 == e) goto out;
                    if (stop[1] != '"') break; /* the closing quote */
                    NEXT_STOP(stop);           /* "": the second quote */
                    pairs++;
                    continue;
                }
                if (c != C_TEXT && c != C_DELIM) goto out; /* CR, LF or NUL inside quotes */
            }
            size_t raw = (size_t)(stop - start);
            *pp++ = (const char *)start;
            if (pairs) { /* unescaped once the record is read */
                if (raw - pairs > s->max_field) goto out;
                *lp++ = raw | ESCAPED;
                s->unesc_len = 1;
            } else {
                if (raw > s->max_field) goto out;
                *lp++ = raw;
            }
            c = *++stop; /* after the closing quote */
            if (c == d) {
                NEXT_STOP(q); /* the delimiter */
                q++;
                if (q == e || pp == pend) goto out;
                continue;
            }
        } else {
            goto out; /* spaces or tabs before the field */
        }
        /* the end of the record: LF, CR or CRLF; anything else to the general scanner */
        if (c == '\n') {
            q = stop + 1;
        } else {
            if (c != '\r' || stop + 1 == e) goto out;
            q = stop + 1 + (stop[1] == '\n');
        }
        s->nfields = (size_t)(pp - s->ptr);
        s->ascii = !(hi & 0x80);
        if (s->unesc_len && unescape_fields(s, s->nfields) != 0) goto out;
        s->breaks = 1;
        *next = (const char *)q;
        return REID_SCAN_RECORD;
    }
out:
    return SLOW;
}

/* The block path for one instruction set (scan_general takes what it declines). */
static __attribute__((noinline)) int scan_blocks_base(reid_scanner *s, const unsigned char *q,
                                                      const unsigned char *e, const char **next)
{
    return scan_blocks(s, q, e, next, 0);
}

#ifdef REID_SCAN_AVX2
static __attribute__((target("avx2"))) int
scan_blocks_avx2(reid_scanner *s, const unsigned char *q, const unsigned char *e, const char **next)
{
    return scan_blocks(s, q, e, next, 1);
}
#endif

void reid_scan_use_avx2(int on)
{
    use_avx2 = on;
}

int reid_scan_record(reid_scanner *s, const char *p, const char *end, int at_eof, const char **next)
{
    const unsigned char *q = (const unsigned char *)p, *e = (const unsigned char *)end;
    if (s->blocks && s->block_skip == 0) {
        int res;
#ifdef REID_SCAN_AVX2
        if (s->blocks == 2)
            res = scan_blocks_avx2(s, q, e, next);
        else
#endif
            res = scan_blocks_base(s, q, e, next);
        if (res == REID_SCAN_RECORD) {
            s->block_miss -= s->block_miss != 0;
            return res;
        }
        /* an input whose records the block path keeps declining (say, a space after every
         * last field, or a line break in every record's quotes) would pay for both paths:
         * after more than one miss in five, the general path alone for a while */
        if ((s->block_miss += 4) > 256) {
            s->block_miss = 0;
            s->block_skip = 4096;
        }
    } else if (s->block_skip) {
        s->block_skip--;
    }
    return scan_general(s, p, end, at_eof, next);
}
