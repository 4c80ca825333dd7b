/* normalise.c - trimming, UTF-8 validation, per-type canonical forms, missing values. */
#include "normalise.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}
static int is_alpha(unsigned char c)
{
    return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}
static char upper(unsigned char c)
{
    return (char)(c >= 'a' && c <= 'z' ? c - 32 : c);
}

int reid_utf8_valid(const char *s, size_t len, size_t *bad)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    for (uint64_t w; i + 8 <= len; i += 8) { /* ASCII, eight bytes at a time */
        memcpy(&w, p + i, 8);
        if (w & 0x8080808080808080ull) break;
    }
    while (i < len) {
        unsigned char c = p[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t need;
        unsigned cp;
        if (c >= 0xC2 && c <= 0xDF)
            need = 1, cp = c & 0x1F;
        else if (c >= 0xE0 && c <= 0xEF)
            need = 2, cp = c & 0x0F;
        else if (c >= 0xF0 && c <= 0xF4)
            need = 3, cp = c & 0x07;
        else
            goto fail;
        for (size_t k = 1; k <= need; k++) {
            if (i + k >= len || (p[i + k] & 0xC0) != 0x80) goto fail;
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        if ((need == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
            (need == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
            goto fail;
        i += need + 1;
    }
    return 1;
fail:
    *bad = i;
    return 0;
}

/* ---- postcodes ---- */

static size_t norm_postcode(const char *s, size_t len, char *out, int *ok)
{
    char buf[16];
    size_t n = 0;
    int fits = 1;
    for (size_t i = 0; i < len; i++) {
        if (reid_is_ws((unsigned char)s[i])) continue;
        if (n == sizeof buf) {
            fits = 0;
            break;
        }
        buf[n++] = upper((unsigned char)s[i]);
    }
    /* shape check: outward 2-4 chars, inward digit letter letter */
    int valid = 0;
    if (fits && n >= 5 && n <= 7) {
        const unsigned char *u = (const unsigned char *)buf;
        size_t o = n - 3;
        int inward = is_digit(u[o]) && is_alpha(u[o + 1]) && is_alpha(u[o + 2]);
        int outward = 0;
        if (o == 2)
            outward = is_alpha(u[0]) && is_digit(u[1]);
        else if (o == 3)
            outward = is_alpha(u[0]) && ((is_digit(u[1]) && (is_digit(u[2]) || is_alpha(u[2]))) ||
                                         (is_alpha(u[1]) && is_digit(u[2])));
        else if (o == 4)
            outward = is_alpha(u[0]) && is_alpha(u[1]) && is_digit(u[2]) &&
                      (is_digit(u[3]) || is_alpha(u[3]));
        if (n == 6 && memcmp(buf, "GIR0AA", 6) == 0) outward = inward = 1;
        valid = inward && outward;
    }
    if (valid) {
        /* outward (2-4 bytes), a space, inward (3): fixed-size copies, no call (the output has
         * room for n + 1 >= 6 bytes; the first copy's extra bytes are overwritten) */
        size_t o = n - 3;
        memcpy(out, buf, 4);
        out[o] = ' ';
        memcpy(out + o + 1, buf + o, 3);
        *ok = 1;
        return n + 1;
    }
    *ok = 0;
    for (size_t i = 0; i < len; i++)
        out[i] = upper((unsigned char)s[i]);
    return len;
}

/* ---- dates ---- */

static int days_in_month(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
    return d[m - 1];
}

/* Read exactly n digits at s[*i]; -1 if not digits. */
static int read_digits(const char *s, size_t len, size_t *i, int min, int max)
{
    int v = 0, k = 0;
    while (*i < len && is_digit((unsigned char)s[*i]) && k < max) {
        v = v * 10 + (s[*i] - '0');
        (*i)++;
        k++;
    }
    if (k < min) return -1;
    if (*i < len && is_digit((unsigned char)s[*i])) return -1; /* too many digits */
    return v;
}

static int month_name(const char *s, size_t len, size_t *i)
{
    static const char *names[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                  "jul", "aug", "sep", "oct", "nov", "dec"};
    if (*i + 3 > len) return -1;
    for (int m = 0; m < 12; m++) {
        if (strncasecmp(s + *i, names[m], 3) == 0) {
            *i += 3;
            return m + 1;
        }
    }
    return -1;
}

static size_t norm_date(const char *s, size_t len, char *out, int *ok)
{
    int y = -1, m = -1, d = -1;
    size_t i = 0;
    if (len == 8) { /* YYYYMMDD */
        int all = 1;
        for (size_t k = 0; k < 8; k++)
            all &= is_digit((unsigned char)s[k]);
        if (all) {
            y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
            m = (s[4] - '0') * 10 + (s[5] - '0');
            d = (s[6] - '0') * 10 + (s[7] - '0');
            i = 8;
        }
    }
    if (y < 0) {
        i = 0;
        int first = read_digits(s, len, &i, 1, 4);
        if (first >= 0 && i == 4 && i < len && (s[i] == '-' || s[i] == '/')) {
            char sep = s[i++];
            y = first;
            m = read_digits(s, len, &i, 1, 2);
            if (m >= 0 && i < len && s[i] == sep) {
                i++;
                d = read_digits(s, len, &i, 1, 2);
            } else {
                y = -1;
            }
        } else if (first >= 0 && i <= 2 && i < len &&
                   (s[i] == '/' || s[i] == '-' || s[i] == '.' || s[i] == ' ')) {
            char sep = s[i++];
            d = first;
            if (i < len && is_alpha((unsigned char)s[i])) {
                m = month_name(s, len, &i);
                /* allow the full month name: skip the remaining letters */
                while (m > 0 && i < len && is_alpha((unsigned char)s[i]))
                    i++;
            } else if (sep != ' ') {
                m = read_digits(s, len, &i, 1, 2);
            }
            if (m > 0 && i < len && s[i] == sep) {
                i++;
                y = read_digits(s, len, &i, 4, 4);
            }
        }
    }
    if (y >= 1 && m >= 1 && m <= 12 && d >= 1 && i == len && d <= days_in_month(y, m)) {
        out[0] = (char)('0' + y / 1000);
        out[1] = (char)('0' + y / 100 % 10);
        out[2] = (char)('0' + y / 10 % 10);
        out[3] = (char)('0' + y % 10);
        out[4] = '-';
        out[5] = (char)('0' + m / 10);
        out[6] = (char)('0' + m % 10);
        out[7] = '-';
        out[8] = (char)('0' + d / 10);
        out[9] = (char)('0' + d % 10);
        *ok = 1;
        return 10;
    }
    *ok = 0;
    memcpy(out, s, len);
    return len;
}

/* ---- the rest ---- */

static size_t norm_age(const char *s, size_t len, char *out, int *ok)
{
    size_t i = 0;
    for (size_t k = 0; k < len; k++) {
        if (!is_digit((unsigned char)s[k])) {
            *ok = 0;
            memcpy(out, s, len);
            return len;
        }
    }
    while (i + 1 < len && s[i] == '0')
        i++;
    for (size_t k = i; k < len; k++) /* a few digits: no call to memcpy */
        out[k - i] = s[k];
    *ok = 1;
    return len - i;
}

static size_t norm_code(const char *s, size_t len, char *out, int *ok)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (s[i] != '.') out[n++] = upper((unsigned char)s[i]);
    /* an ICD-10 code: a letter and two digits, then letters or digits */
    int shape = n >= 3 && is_alpha((unsigned char)out[0]) && is_digit((unsigned char)out[1]) &&
                is_digit((unsigned char)out[2]);
    for (size_t i = 3; shape && i < n; i++)
        shape = is_digit((unsigned char)out[i]) || is_alpha((unsigned char)out[i]);
    *ok = shape;
    return n;
}

size_t reid_normalise(reid_qi_type t, const char *s, size_t len, char *out, int *recognised)
{
    *recognised = 1;
    switch (t) {
    case REID_TYPE_POSTCODE:
        return norm_postcode(s, len, out, recognised);
    case REID_TYPE_DATE:
        return norm_date(s, len, out, recognised);
    case REID_TYPE_AGE:
        return norm_age(s, len, out, recognised);
    case REID_TYPE_CODE:
        return norm_code(s, len, out, recognised);
    case REID_TYPE_SEX:
        for (size_t i = 0; i < len; i++)
            out[i] = upper((unsigned char)s[i]);
        return len;
    case REID_TYPE_AUTO:
    case REID_TYPE_TEXT:
        break;
    }
    memcpy(out, s, len);
    return len;
}

/* ---- missing values ---- */

int reid_missing_set_parse(reid_missing_set *m, const char *list)
{
    memset(m, 0, sizeof *m);
    if (!list) return 0;
    const char *p = list;
    for (;;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *tok = p;
        reid_trim(&tok, &len);
        if (len) {
            char **t = realloc(m->tokens, (m->count + 1) * sizeof *t);
            if (!t) goto oom;
            m->tokens = t;
            size_t *l = realloc(m->lens, (m->count + 1) * sizeof *l);
            if (!l) goto oom;
            m->lens = l;
            if (!(t[m->count] = strndup(tok, len))) goto oom;
            l[m->count] = len;
            if (len > m->max_len) m->max_len = len;
            unsigned char c0 = (unsigned char)tok[0];
            m->first[c0] = 1;
            if (c0 >= 'a' && c0 <= 'z') m->first[c0 - 32] = 1;
            if (c0 >= 'A' && c0 <= 'Z') m->first[c0 + 32] = 1;
            m->count++;
        }
        if (!end) break;
        p = end + 1;
    }
    return 0;
oom:
    reid_missing_set_free(m);
    return -1;
}

void reid_missing_set_free(reid_missing_set *m)
{
    for (size_t i = 0; i < m->count; i++)
        free(m->tokens[i]);
    free(m->tokens);
    free(m->lens);
    memset(m, 0, sizeof *m);
}

int reid_missing_set_scan(const reid_missing_set *m, const char *s, size_t len)
{
    for (size_t i = 0; i < m->count; i++)
        if (m->lens[i] == len && strncasecmp(m->tokens[i], s, len) == 0) return 1;
    return 0;
}
