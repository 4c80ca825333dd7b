/*
 * normalise.h - how a QI value is read before it is counted.
 *
 * Every value is trimmed of ASCII white space; then, by column type:
 *   postcode  upper case, inner spaces removed, and if it has the shape of a
 *             UK postcode (A9 9AA, A99 9AA, AA9 9AA, AA99 9AA, A9A 9AA,
 *             AA9A 9AA, GIR 0AA) written "OUTWARD INWARD" with one space;
 *   date      31/01/1970, 31-01-1970, 31.01.1970, 1970-01-31, 1970/01/31,
 *             19700131, 31-Jan-1970, 31 Jan 1970, 31-JAN-1970 -> 1970-01-31
 *             (day-first: UK order; impossible dates are not recognised);
 *   age       digits with leading zeros dropped;
 *   sex       upper case;
 *   code      upper case with '.' removed (ICD-10 "a09.9" -> "A099");
 *   text      as trimmed.
 * A value the type cannot read is kept as trimmed text (upper case for
 * postcodes) and counted as unrecognised: it is still a value, never dropped.
 */
#ifndef REID_NORMALISE_H
#define REID_NORMALISE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "reid.h"

/* Longest normalised output is never longer than the input + 2: a date as short as
 * "1/2/1970" (8 bytes) becomes "1970-02-01" (10); a postcode gains at most its space. */
#define REID_NORM_EXTRA 2

/* Trim ASCII white space (space, \t \n \v \f \r): *s and *len are updated. Inline: it runs on
 * every field counted, and most fields have nothing to trim. */
static inline int reid_is_ws(unsigned char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}
static inline void reid_trim(const char **s, size_t *len)
{
    const char *p = *s;
    size_t n = *len;
    while (n && reid_is_ws((unsigned char)p[0]))
        p++, n--;
    while (n && reid_is_ws((unsigned char)p[n - 1]))
        n--;
    *s = p;
    *len = n;
}

/* 1 if every byte of s[0..len) is ASCII (then it is valid UTF-8). Inline, without a loop for
 * values of up to 16 bytes: it runs on every QI value. */
static inline int reid_is_ascii(const char *s, size_t len)
{
    uint64_t acc = 0;
    if (len >= 8) {
        uint64_t x;
        size_t i = 0;
        for (; i + 8 < len; i += 8) {
            memcpy(&x, s + i, 8);
            acc |= x;
        }
        memcpy(&x, s + len - 8, 8); /* the last eight, overlapping */
        acc |= x;
    } else if (len >= 4) {
        uint32_t x, y;
        memcpy(&x, s, 4);
        memcpy(&y, s + len - 4, 4);
        acc = x | y;
    } else {
        for (size_t i = 0; i < len; i++)
            acc |= (unsigned char)s[i];
    }
    return !(acc & 0x8080808080808080ull);
}

/* 1 if s[0..len) is valid UTF-8; otherwise 0 and *bad = offset of the first bad byte. */
int reid_utf8_valid(const char *s, size_t len, size_t *bad);

/*
 * Normalise trimmed value s[0..len) of type t into out (room for len +
 * REID_NORM_EXTRA bytes). Returns the output length; *recognised = 1 if the
 * type's format was recognised (always 1 for text).
 */
size_t reid_normalise(reid_qi_type t, const char *s, size_t len, char *out, int *recognised);

/* A set of missing-value spellings, compared case-insensitively. */
typedef struct reid_missing_set {
    char **tokens;
    size_t *lens;
    size_t count;
    size_t max_len;           /* longer values are never missing */
    unsigned char first[256]; /* first[c]: some spelling starts with c (either case) */
} reid_missing_set;

/* Parse a comma-separated list. 0, or -1 when out of memory. */
int reid_missing_set_parse(reid_missing_set *m, const char *list);
void reid_missing_set_free(reid_missing_set *m);
/* The spellings compared one by one (reid_missing_set_has, once the cheap tests let it through). */
int reid_missing_set_scan(const reid_missing_set *m, const char *s, size_t len);

/* 1 if the trimmed value means missing (the empty string always does). Inline: it runs on every
 * value, and most are rejected by their length or first byte. */
static inline int reid_missing_set_has(const reid_missing_set *m, const char *s, size_t len)
{
    if (len == 0) return 1;
    if (len > m->max_len || !m->first[(unsigned char)s[0]]) return 0;
    return reid_missing_set_scan(m, s, len);
}

#endif
