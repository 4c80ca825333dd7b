/* chunks.c - record boundaries by quote parity (chunks.h). */
#include "chunks.h"

#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

uint64_t reid_count_quotes(const char *p, size_t n)
{
    uint64_t count = 0;
    size_t i = 0;
#if defined(__SSE2__)
    /* per byte lane, a count of up to 255 matches (a match is -1: subtracting it adds 1), summed
     * into two 64-bit halves by SAD before a lane can overflow */
    const __m128i quote = _mm_set1_epi8('"'), zero = _mm_setzero_si128();
    __m128i sum = zero;
    while (i + 16 <= n) {
        __m128i acc = zero;
        for (int k = 0; k < 255 && i + 16 <= n; k++, i += 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
            acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(v, quote));
        }
        sum = _mm_add_epi64(sum, _mm_sad_epu8(acc, zero));
    }
    count = (uint64_t)_mm_cvtsi128_si64(sum) +
            (uint64_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(sum, sum));
#endif
    for (; i < n; i++)
        count += p[i] == '"';
    return count;
}

const char *reid_next_boundary(const char *p, const char *end, int in_quotes)
{
    for (; p < end; p++) {
        if (*p == '"')
            in_quotes = !in_quotes;
        else if (*p == '\n' && !in_quotes)
            return p + 1;
    }
    return NULL;
}

const char *reid_last_boundary(const char *p, const char *end, int in_quotes, uint64_t quotes)
{
    /* walking back from the end, `inside` is whether the byte before x is inside quotes */
    int inside = (in_quotes ^ (int)(quotes & 1)) != 0;
    for (const char *x = end; x > p;) {
        x--;
        if (*x == '"')
            inside = !inside;
        else if (*x == '\n' && !inside)
            return x + 1;
    }
    return NULL;
}

/* Whether [r, end) begins with one whole record of exactly nfields fields in the strict RFC 4180
 * grammar: each field unquoted (no quote in it) or quoted (with "" inside, and line breaks), the
 * fields separated by delim, the record ended by LF or CRLF. */
static int whole_record(const char *r, const char *end, int delim, size_t nfields)
{
    size_t fields = 1;
    const char *x = r;
    for (;;) {
        if (x < end && *x == '"') { /* quoted: to the closing quote ("" is a quote inside) */
            x++;
            for (;;) {
                const char *q = memchr(x, '"', (size_t)(end - x));
                if (!q) return 0;
                x = q + 1;
                if (x < end && *x == '"') {
                    x++;
                    continue;
                }
                break;
            }
        } else {
            while (x < end && *x != delim && *x != '\n' && *x != '\r' && *x != '"')
                x++;
        }
        if (x >= end) return 0;
        if (*x == delim) {
            if (++fields > nfields) return 0;
            x++;
            continue;
        }
        if (*x == '\r') x++;
        return x < end && *x == '\n' && fields == nfields;
    }
}

const char *reid_guess_boundary(const char *p, const char *end, int delim, size_t nfields,
                                size_t window)
{
    const char *stop = (size_t)(end - p) > window ? p + window : end;
    for (const char *x = p; x < stop;) {
        const char *nl = memchr(x, '\n', (size_t)(stop - x));
        if (!nl) return NULL;
        x = nl + 1;
        /* a record must end within the window too: a runaway quote cannot scan the buffer */
        if (whole_record(x, stop, delim, nfields)) return x;
    }
    return NULL;
}
