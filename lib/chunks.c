/* chunks.c - record boundaries by quote parity (chunks.h). */
#include "chunks.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

uint64_t reid_count_quotes(const char *p, size_t n, unsigned char *high)
{
    uint64_t count = 0;
    unsigned bits = 0;
    size_t i = 0;
#if defined(__SSE2__)
    /* per byte lane, a count of up to 255 matches (a match is -1: subtracting it adds 1), summed
     * into two 64-bit halves by SAD before a lane can overflow; the bytes or-ed on the way */
    const __m128i quote = _mm_set1_epi8('"'), zero = _mm_setzero_si128();
    __m128i sum = zero, any = zero;
    while (i + 16 <= n) {
        __m128i acc = zero;
        for (int k = 0; k < 255 && i + 16 <= n; k++, i += 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
            acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(v, quote));
            any = _mm_or_si128(any, v);
        }
        sum = _mm_add_epi64(sum, _mm_sad_epu8(acc, zero));
    }
    count = (uint64_t)_mm_cvtsi128_si64(sum) +
            (uint64_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(sum, sum));
    bits = _mm_movemask_epi8(any) ? 0x80u : 0u;
#endif
    for (; i < n; i++) {
        count += p[i] == '"';
        bits |= (unsigned char)p[i];
    }
    if (high) *high |= (unsigned char)(bits & 0x80u);
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
