/* censusmap.c - postcode -> sector / district, age -> Census 2011 band, sex -> M / F. */
#include "censusmap.h"

#include <string.h>
#include <strings.h>

#include "normalise.h"

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

/* The canonical "OUTWARD INWARD" form of a full postcode in buf, or 0 (and *space unset). */
static size_t canonical_postcode(const char *s, size_t len, char *buf, size_t cap, size_t *space)
{
    reid_trim(&s, &len);
    if (len == 0 || len + REID_NORM_EXTRA > cap) return 0;
    int ok = 0;
    size_t n = reid_normalise(REID_TYPE_POSTCODE, s, len, buf, &ok);
    if (!ok || n < 6) return 0;
    const char *sp = memchr(buf, ' ', n);
    if (!sp || (size_t)(buf + n - sp) != 4) return 0; /* the inward code is 3 characters */
    *space = (size_t)(sp - buf);
    return n;
}

size_t reid_postcode_sector(const char *s, size_t len, char *out)
{
    char buf[32];
    size_t sp = 0;
    if (!canonical_postcode(s, len, buf, sizeof buf, &sp)) return 0;
    memcpy(out, buf, sp + 2); /* "SW1A" + " " + "1" */
    return sp + 2;
}

size_t reid_postcode_district(const char *s, size_t len, char *out)
{
    char buf[32];
    size_t sp = 0;
    if (!canonical_postcode(s, len, buf, sizeof buf, &sp)) return 0;
    memcpy(out, buf, sp);
    return sp;
}

size_t reid_sector_canonical(const char *s, size_t len, char *out)
{
    reid_trim(&s, &len);
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (is_space(c)) {
            if (n && out[n - 1] != ' ') out[n++] = ' ';
            continue;
        }
        out[n++] = c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
    }
    return n;
}

static const char *const band_labels[REID_CENSUS_NBANDS] = {
    "0-4",   "5-7",   "8-9",   "10-14", "15",    "16-17", "18-19", "20-24",
    "25-29", "30-44", "45-59", "60-64", "65-74", "75-84", "85-89", "90+"};

/* The first age of each band (the last band is open). */
static const int band_low[REID_CENSUS_NBANDS] = {0,  5,  8,  10, 15, 16, 18, 20,
                                                 25, 30, 45, 60, 65, 75, 85, 90};

const char *reid_census_band_label(int i)
{
    return i >= 0 && i < REID_CENSUS_NBANDS ? band_labels[i] : NULL;
}

int reid_census_age_band(const char *s, size_t len)
{
    reid_trim(&s, &len);
    if (len == 0) return -1;
    int age = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        age = age * 10 + (s[i] - '0');
        if (age > 150) return -1;
    }
    int b = REID_CENSUS_NBANDS - 1;
    while (age < band_low[b])
        b--;
    return b;
}

int reid_census_band_of_label(const char *s, size_t len)
{
    reid_trim(&s, &len);
    for (int i = 0; i < REID_CENSUS_NBANDS; i++)
        if (strlen(band_labels[i]) == len && memcmp(band_labels[i], s, len) == 0) return i;
    return -1;
}

static int word_is(const char *s, size_t len, const char *w)
{
    return strlen(w) == len && strncasecmp(s, w, len) == 0;
}

int reid_sex_mf(const char *s, size_t len)
{
    reid_trim(&s, &len);
    if (word_is(s, len, "m") || word_is(s, len, "male") || word_is(s, len, "1")) return 'M';
    if (word_is(s, len, "f") || word_is(s, len, "female") || word_is(s, len, "2")) return 'F';
    return 0;
}
