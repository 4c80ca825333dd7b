/*
 * gen_extract.c - seeded, fast generator of realistic synthetic NHS hospital extracts.
 *
 * Every row is an invented admission of an invented person: no real person is described.
 * The marginal distributions come from public aggregate tables (see data/reference/README.md):
 *
 *   - ONS Census 2011, KS101EW by postcode sector: usual residents, males, females
 *     (Crown copyright, Open Government Licence v3.0);
 *   - ONS Census 2011, KS102EW by postcode sector: residents in 16 age bands
 *     (Crown copyright, Open Government Licence v3.0);
 *   - NHS England, Hospital Admitted Patient Care Activity 2023-24, Primary Diagnosis Summary:
 *     finished consultant episodes by ICD-10 block, sex and age band (Open Government Licence
 *     v3.0);
 *   - ONS Census 2011, KS201EW (ethnic group, England and Wales): national proportions,
 *     hard-coded below.
 *
 * Build:  gcc -std=c11 -O2 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L \
 *             bench/gen_extract.c -o gen_extract -lm
 * Usage:  gen_extract [--rows N] [--seed S] [--data-dir DIR] [--with-notes] [--out FILE]
 *
 * Output: CSV (RFC 4180 quoting, LF line ends, header row) with the columns
 *   pseudonym,postcode,date_of_birth,age,sex,ethnicity,diagnosis,admission_date,trust[,note]
 * The output is a pure function of the arguments and the tables (own PRNG: splitmix64 seeding
 * xoshiro256**), so the same arguments always give the same bytes.
 *
 * Exit status: 0 success, 1 data or I/O error, 2 usage error.
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROG "gen_extract"

/* ------------------------------------------------------------------------------------------ */
/* Errors                                                                                      */
/* ------------------------------------------------------------------------------------------ */

static void die(const char *fmt, ...)
{
    va_list ap;
    fputs(PROG ": ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

static void die_at(const char *path, long line, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, PROG ": %s:%ld: ", path, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) die("out of memory (%zu bytes)", n);
    return p;
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) die("out of memory (%zu x %zu bytes)", n, size);
    return p;
}

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) die("out of memory (%zu bytes)", n);
    return q;
}

/* ------------------------------------------------------------------------------------------ */
/* PRNG: splitmix64 seeds xoshiro256** (Blackman & Vigna, public domain reference algorithms)  */
/* ------------------------------------------------------------------------------------------ */

typedef struct {
    uint64_t s[4];
} rng_t;

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static void rng_seed(rng_t *r, uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
}

static inline uint64_t rotl64(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static inline uint64_t rng_next(rng_t *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl64(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl64(s[3], 45);
    return result;
}

/* Uniform double in [0, 1). */
static inline double rng_unif(rng_t *r)
{
    return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

/* Uniform integer in [0, n), n <= 2^32 (multiply-shift; bias < n / 2^32, irrelevant here). */
static inline uint32_t rng_below(rng_t *r, uint32_t n)
{
    return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* Uniform integer in [0, n) for any n > 0, unbiased. */
static uint64_t rng_below64(rng_t *r, uint64_t n)
{
    uint64_t lim = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do
        x = rng_next(r);
    while (x >= lim);
    return x % n;
}

/* ------------------------------------------------------------------------------------------ */
/* RFC 4180 CSV reader (whole file in memory, fields unescaped in place)                        */
/* ------------------------------------------------------------------------------------------ */

typedef struct {
    const char *path;
    char *buf; /* file contents, NUL-terminated */
    size_t len, pos;
    long line;     /* line number at pos (1-based) */
    long rec_line; /* line on which the current record starts */
    char **f;      /* fields of the current record */
    size_t nf, capf;
} csv_t;

static void csv_open(csv_t *c, const char *path)
{
    memset(c, 0, sizeof *c);
    c->path = path;
    FILE *fp = fopen(path, "rb");
    if (!fp) die("cannot open %s: %s", path, strerror(errno));
    size_t cap = 1 << 20, len = 0;
    char *buf = xmalloc(cap);
    for (;;) {
        if (cap - len < 65536) buf = xrealloc(buf, cap *= 2);
        size_t n = fread(buf + len, 1, cap - len - 1, fp);
        len += n;
        if (n == 0) {
            if (ferror(fp)) die("cannot read %s: %s", path, strerror(errno));
            break;
        }
    }
    fclose(fp);
    buf[len] = '\0';
    c->buf = buf;
    c->len = len;
    c->line = 1;
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) /* UTF-8 byte order mark */
        c->pos = 3;
    c->capf = 64;
    c->f = xmalloc(c->capf * sizeof *c->f);
}

static void csv_close(csv_t *c)
{
    free(c->buf);
    free(c->f);
    memset(c, 0, sizeof *c);
}

static void csv_push(csv_t *c, char *field)
{
    if (c->nf == c->capf) c->f = xrealloc(c->f, (c->capf *= 2) * sizeof *c->f);
    c->f[c->nf++] = field;
}

/* Reads the next record into c->f / c->nf. Returns 1, or 0 at end of file. Blank lines are
 * skipped. Malformed input is reported with file and line and ends the program. */
static int csv_next(csv_t *c)
{
    char *b = c->buf;
    for (;;) { /* skip blank lines */
        if (c->pos < c->len && b[c->pos] == '\n') {
            c->pos++;
            c->line++;
        } else if (c->pos + 1 < c->len && b[c->pos] == '\r' && b[c->pos + 1] == '\n') {
            c->pos += 2;
            c->line++;
        } else {
            break;
        }
    }
    if (c->pos >= c->len) return 0;
    c->rec_line = c->line;
    c->nf = 0;
    for (;;) {
        char *start = b + c->pos, *w = start;
        if (b[c->pos] == '"') {
            c->pos++;
            for (;;) {
                if (c->pos >= c->len)
                    die_at(c->path, c->rec_line,
                           "quoted field opened on this line is never closed");
                char ch = b[c->pos];
                if (ch == '"') {
                    if (b[c->pos + 1] == '"') {
                        *w++ = '"';
                        c->pos += 2;
                        continue;
                    }
                    c->pos++;
                    break;
                }
                if (ch == '\n') c->line++;
                *w++ = ch;
                c->pos++;
            }
        } else {
            while (c->pos < c->len) {
                char ch = b[c->pos];
                if (ch == ',' || ch == '\n' || (ch == '\r' && b[c->pos + 1] == '\n')) break;
                *w++ = ch;
                c->pos++;
            }
        }
        csv_push(c, start);
        char ch = c->pos < c->len ? b[c->pos] : '\0';
        if (c->pos < c->len && ch == ',') {
            *w = '\0';
            c->pos++;
            continue;
        }
        if (c->pos >= c->len) {
            *w = '\0';
            return 1;
        }
        if (ch == '\n') {
            *w = '\0';
            c->pos++;
            c->line++;
            return 1;
        }
        if (ch == '\r' && b[c->pos + 1] == '\n') {
            *w = '\0';
            c->pos += 2;
            c->line++;
            return 1;
        }
        die_at(c->path, c->line,
               "unexpected character '%c' after a closing quote (field %zu of the record "
               "starting on line %ld)",
               ch, c->nf, c->rec_line);
    }
}

/* Header name with runs of white space collapsed to one space and ends trimmed. */
static void norm_name(const char *in, char *out, size_t cap)
{
    size_t n = 0;
    int space = 0;
    for (; *in; in++) {
        if (*in == ' ' || *in == '\t' || *in == '\r' || *in == '\n') {
            space = n > 0;
            continue;
        }
        if (space && n + 1 < cap) out[n++] = ' ';
        space = 0;
        if (n + 1 < cap) out[n++] = *in;
    }
    out[n] = '\0';
}

/* Index of the header field whose normalised name starts with prefix, or -1. */
static long find_col(const csv_t *c, const char *prefix)
{
    char name[256];
    size_t pl = strlen(prefix);
    for (size_t i = 0; i < c->nf; i++) {
        norm_name(c->f[i], name, sizeof name);
        if (strncmp(name, prefix, pl) == 0) return (long)i;
    }
    return -1;
}

static long need_col(const csv_t *c, const char *prefix)
{
    long i = find_col(c, prefix);
    if (i < 0) die_at(c->path, c->rec_line, "header has no column named \"%s...\"", prefix);
    return i;
}

/* Non-negative count. Empty, "*", "-" (suppressed / nil in published tables) read as 0. */
static uint64_t parse_count(const csv_t *c, long col, const char *what)
{
    if ((size_t)col >= c->nf)
        die_at(c->path, c->rec_line, "record has %zu fields, expected at least %ld", c->nf,
               col + 1);
    const char *s = c->f[col];
    while (*s == ' ')
        s++;
    if (*s == '\0' || strcmp(s, "*") == 0 || strcmp(s, "-") == 0) return 0;
    uint64_t v = 0;
    const char *p = s;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (v > (UINT64_MAX - 9) / 10)
            die_at(c->path, c->rec_line, "%s: number too large: \"%s\"", what, s);
        v = v * 10 + (uint64_t)(*p - '0');
    }
    while (*p == ' ')
        p++;
    if (p == s || *p != '\0')
        die_at(c->path, c->rec_line, "%s: not a non-negative whole number: \"%s\"", what, s);
    return v;
}

/* ------------------------------------------------------------------------------------------ */
/* Calendar                                                                                    */
/* ------------------------------------------------------------------------------------------ */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
static int32_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int32_t)(era * 146097 + doe - 719468);
}

static void civil_from_days(int32_t z, int *y, int *m, int *d)
{
    z += 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    int doe = z - era * 146097;
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int yy = yoe + era * 400;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp + (mp < 10 ? 3 : -9);
    *y = yy + (*m <= 2);
}

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Same month and day in year y; 29 February becomes 28 February in a common year. */
static int32_t same_day_in_year(int y, int m, int d)
{
    if (m == 2 && d == 29 && !is_leap(y)) d = 28;
    return days_from_civil(y, m, d);
}

/* Completed years of age on day `on` of someone born on day `dob` (birthday 29 February is
 * reached on 1 March in a common year). */
static int age_on(int32_t dob, int32_t on)
{
    int by, bm, bd, y, m, d;
    civil_from_days(dob, &by, &bm, &bd);
    civil_from_days(on, &y, &m, &d);
    int a = y - by;
    if (m < bm || (m == bm && d < bd)) a--;
    return a;
}

/* ------------------------------------------------------------------------------------------ */
/* Reference tables                                                                            */
/* ------------------------------------------------------------------------------------------ */

#define N_CENSUS_BANDS 16
static const int census_band_lo[N_CENSUS_BANDS] = {0,  5,  8,  10, 15, 16, 18, 20,
                                                   25, 30, 45, 60, 65, 75, 85, 90};
static const int census_band_hi[N_CENSUS_BANDS] = {4,  7,  9,  14, 15, 17, 19, 24,
                                                   29, 44, 59, 64, 74, 84, 89, 100};
static const char *const census_band_name[N_CENSUS_BANDS] = {
    "Age: Age 0 to 4",   "Age: Age 5 to 7",   "Age: Age 8 to 9",   "Age: Age 10 to 14",
    "Age: Age 15",       "Age: Age 16 to 17", "Age: Age 18 to 19", "Age: Age 20 to 24",
    "Age: Age 25 to 29", "Age: Age 30 to 44", "Age: Age 45 to 59", "Age: Age 60 to 64",
    "Age: Age 65 to 74", "Age: Age 75 to 84", "Age: Age 85 to 89", "Age: Age 90 and over"};

#define MAX_AGE 110 /* ages reach 101 at most (100 at first admission + 1) */

/* Valid letters of the inward code's last two characters (no C I K M O V). */
static const char inward_letters[] = "ABDEFGHJLNPQRSTUWXYZ";
#define N_INWARD_PAIRS 400
#define RESIDENTS_PER_UNIT 40

typedef struct {
    char out[8]; /* outward code, e.g. "AL1", "EC1A" */
    uint8_t outlen;
    char digit;        /* sector digit */
    uint16_t units;    /* number of unit postcodes in the sector */
    uint16_t mul, add; /* unit u has inward letter pair (mul * u + add) mod 400 */
    int16_t trust;     /* local trust */
    uint32_t residents, males, females;
    uint32_t age_cum[N_CENSUS_BANDS]; /* cumulative KS102EW band counts */
    int have_age;
} sector_t;

typedef struct {
    sector_t *s;
    size_t n, cap;
    uint64_t *cum; /* cumulative residents */
    uint64_t total;
} sectors_t;

#define MAX_HES_BANDS 40

typedef struct {
    size_t n, cap;
    int32_t *first, *last; /* category range as letter * 100 + number */
    int n_bands;
    int age_to_band[MAX_AGE + 1];
    double *cum[3][MAX_HES_BANDS]; /* by sex (M, F, U) and HES age band */
} hes_t;

static uint64_t fnv1a(const char *s)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= UINT64_C(0x100000001b3);
    }
    return h;
}

static unsigned gcd_u(unsigned a, unsigned b)
{
    while (b) {
        unsigned t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* NHS trusts / sites (public organisation names). Some contain commas and are quoted. */
static const char *const trusts[] = {
    "Barts Health NHS Trust, Royal London Hospital",
    "Guy's and St Thomas' NHS Foundation Trust",
    "Manchester University NHS Foundation Trust",
    "Leeds Teaching Hospitals NHS Trust",
    "University Hospitals Birmingham NHS Foundation Trust, Queen Elizabeth Hospital",
    "Newcastle upon Tyne Hospitals NHS Foundation Trust",
    "Oxford University Hospitals NHS Foundation Trust, John Radcliffe Hospital",
    "Cambridge University Hospitals NHS Foundation Trust",
    "Sheffield Teaching Hospitals NHS Foundation Trust, Northern General Hospital",
    "Imperial College Healthcare NHS Trust, St Mary's Hospital",
    "King's College Hospital NHS Foundation Trust",
    "University Hospitals Bristol and Weston NHS Foundation Trust",
    "Liverpool University Hospitals NHS Foundation Trust, Royal Liverpool University Hospital",
    "Nottingham University Hospitals NHS Trust, Queen's Medical Centre",
    "University Hospitals of Leicester NHS Trust",
    "Royal Devon University Healthcare NHS Foundation Trust",
    "University Hospital Southampton NHS Foundation Trust",
    "Norfolk and Norwich University Hospitals NHS Foundation Trust",
    "East Kent Hospitals University NHS Foundation Trust, William Harvey Hospital",
    "Cardiff and Vale University Health Board, University Hospital of Wales",
    "Swansea Bay University Health Board, Morriston Hospital",
    "Royal Free London NHS Foundation Trust",
    "University College London Hospitals NHS Foundation Trust",
    "Hull University Teaching Hospitals NHS Trust",
    "Royal Cornwall Hospitals NHS Trust",
    "Mid and South Essex NHS Foundation Trust, Basildon University Hospital",
};
#define N_TRUSTS (sizeof trusts / sizeof trusts[0])

/* Home trust by postcode area: a rough "nearest trust in the list above" for every postcode area
 * of England and Wales, so that trust stays correlated with geography. An area not listed (none
 * in the 2011 tables) gets a trust by a hash of its letters: deterministic, seed-independent. */
static const struct {
    const char *area;
    int trust;
} area_trust[] = {
    {"AL", 21}, {"B", 4},   {"BA", 11}, {"BB", 2},  {"BD", 3},  {"BH", 16}, {"BL", 2},  {"BN", 10},
    {"BR", 10}, {"BS", 11}, {"CA", 5},  {"CB", 7},  {"CF", 19}, {"CH", 12}, {"CM", 25}, {"CO", 25},
    {"CR", 10}, {"CT", 18}, {"CV", 4},  {"CW", 2},  {"DA", 1},  {"DE", 13}, {"DH", 5},  {"DL", 5},
    {"DN", 8},  {"DT", 16}, {"DY", 4},  {"E", 0},   {"EC", 0},  {"EN", 21}, {"EX", 15}, {"FY", 12},
    {"GL", 11}, {"GU", 9},  {"HA", 9},  {"HD", 3},  {"HG", 3},  {"HP", 6},  {"HR", 4},  {"HU", 23},
    {"HX", 3},  {"IG", 0},  {"IP", 17}, {"KT", 10}, {"L", 12},  {"LA", 12}, {"LD", 20}, {"LE", 14},
    {"LL", 12}, {"LN", 13}, {"LS", 3},  {"LU", 21}, {"M", 2},   {"ME", 18}, {"MK", 6},  {"N", 22},
    {"NE", 5},  {"NG", 13}, {"NN", 14}, {"NP", 19}, {"NR", 17}, {"NW", 21}, {"OL", 2},  {"OX", 6},
    {"PE", 7},  {"PL", 15}, {"PO", 16}, {"PR", 12}, {"RG", 6},  {"RH", 10}, {"RM", 0},  {"S", 8},
    {"SA", 20}, {"SE", 1},  {"SG", 7},  {"SK", 2},  {"SL", 9},  {"SM", 10}, {"SN", 11}, {"SO", 16},
    {"SP", 16}, {"SR", 5},  {"SS", 25}, {"ST", 4},  {"SW", 9},  {"SY", 4},  {"TA", 15}, {"TD", 5},
    {"TF", 4},  {"TN", 18}, {"TQ", 15}, {"TR", 24}, {"TS", 5},  {"TW", 9},  {"UB", 9},  {"W", 9},
    {"WA", 12}, {"WC", 22}, {"WD", 21}, {"WF", 3},  {"WN", 2},  {"WR", 4},  {"WS", 4},  {"WV", 4},
    {"YO", 23},
};

static int local_trust(const char *outward)
{
    char area[4];
    size_t n = 0;
    while (n < 3 && outward[n] >= 'A' && outward[n] <= 'Z') {
        area[n] = outward[n];
        n++;
    }
    area[n] = '\0';
    for (size_t i = 0; i < sizeof area_trust / sizeof area_trust[0]; i++)
        if (strcmp(area_trust[i].area, area) == 0) return area_trust[i].trust;
    return (int)(splitmix64(&(uint64_t){fnv1a(area)}) % N_TRUSTS);
}

/* "AL1  1" -> outward "AL1", digit '1'. Returns 0 if the code is not a postcode sector. */
static int parse_sector_code(const char *code, char *out, uint8_t *outlen, char *digit)
{
    const char *p = code;
    while (*p == ' ')
        p++;
    size_t n = 0;
    while (p[n] && p[n] != ' ')
        n++;
    if (n < 2 || n > 4) return 0;
    if (!(p[0] >= 'A' && p[0] <= 'Z')) return 0;
    for (size_t i = 0; i < n; i++)
        if (!((p[i] >= 'A' && p[i] <= 'Z') || (p[i] >= '0' && p[i] <= '9'))) return 0;
    const char *q = p + n;
    while (*q == ' ')
        q++;
    if (!(q[0] >= '0' && q[0] <= '9')) return 0;
    const char *r = q + 1;
    while (*r == ' ')
        r++;
    if (*r) return 0;
    memcpy(out, p, n);
    out[n] = '\0';
    *outlen = (uint8_t)n;
    *digit = q[0];
    return 1;
}

/* Simple open-addressing map from "OUT D" sector keys to sector index. */
typedef struct {
    int32_t *slot;
    size_t mask;
} secmap_t;

static void sector_key(const sector_t *s, char *key)
{
    memcpy(key, s->out, s->outlen);
    key[s->outlen] = ' ';
    key[s->outlen + 1] = s->digit;
    key[s->outlen + 2] = '\0';
}

static void secmap_build(secmap_t *m, const sectors_t *ss)
{
    size_t cap = 16;
    while (cap < ss->n * 2)
        cap *= 2;
    m->slot = xmalloc(cap * sizeof *m->slot);
    m->mask = cap - 1;
    for (size_t i = 0; i < cap; i++)
        m->slot[i] = -1;
    char key[16];
    for (size_t i = 0; i < ss->n; i++) {
        sector_key(&ss->s[i], key);
        size_t h = (size_t)fnv1a(key) & m->mask;
        while (m->slot[h] >= 0)
            h = (h + 1) & m->mask;
        m->slot[h] = (int32_t)i;
    }
}

static long secmap_find(const secmap_t *m, const sectors_t *ss, const char *key)
{
    char k2[16];
    size_t h = (size_t)fnv1a(key) & m->mask;
    while (m->slot[h] >= 0) {
        sector_key(&ss->s[m->slot[h]], k2);
        if (strcmp(k2, key) == 0) return m->slot[h];
        h = (h + 1) & m->mask;
    }
    return -1;
}

static void load_ks101(sectors_t *ss, const char *path)
{
    csv_t c;
    csv_open(&c, path);
    if (!csv_next(&c)) die("%s: empty file", path);
    long c_code = need_col(&c, "geography code");
    long c_res = need_col(&c, "Variable: All usual residents");
    long c_m = need_col(&c, "Variable: Males");
    long c_f = need_col(&c, "Variable: Females");
    memset(ss, 0, sizeof *ss);
    while (csv_next(&c)) {
        if ((size_t)c_code >= c.nf)
            die_at(path, c.rec_line, "record has %zu fields, expected at least %ld", c.nf,
                   c_code + 1);
        sector_t s;
        memset(&s, 0, sizeof s);
        if (!parse_sector_code(c.f[c_code], s.out, &s.outlen, &s.digit))
            die_at(path, c.rec_line, "not a postcode sector code: \"%s\"", c.f[c_code]);
        uint64_t res = parse_count(&c, c_res, "All usual residents");
        uint64_t m = parse_count(&c, c_m, "Males");
        uint64_t f = parse_count(&c, c_f, "Females");
        if (res > UINT32_MAX || m > UINT32_MAX || f > UINT32_MAX)
            die_at(path, c.rec_line, "count out of range");
        s.residents = (uint32_t)res;
        s.males = (uint32_t)m;
        s.females = (uint32_t)f;
        unsigned units = (s.residents + RESIDENTS_PER_UNIT / 2) / RESIDENTS_PER_UNIT;
        if (units < 1) units = 1;
        if (units > N_INWARD_PAIRS) units = N_INWARD_PAIRS;
        s.units = (uint16_t)units;
        char key[16];
        sector_key(&s, key);
        uint64_t hx = fnv1a(key);
        uint64_t h1 = splitmix64(&hx), h2 = splitmix64(&hx);
        unsigned mul = (unsigned)(h1 % N_INWARD_PAIRS);
        while (gcd_u(mul, N_INWARD_PAIRS) != 1)
            mul = (mul + 1) % N_INWARD_PAIRS;
        s.mul = (uint16_t)mul;
        s.add = (uint16_t)(h2 % N_INWARD_PAIRS);
        s.trust = (int16_t)local_trust(s.out);
        if (ss->n == ss->cap) {
            ss->cap = ss->cap ? ss->cap * 2 : 1024;
            ss->s = xrealloc(ss->s, ss->cap * sizeof *ss->s);
        }
        ss->s[ss->n++] = s;
    }
    csv_close(&c);
    if (ss->n == 0) die("%s: no postcode sectors", path);
    ss->cum = xmalloc(ss->n * sizeof *ss->cum);
    uint64_t t = 0;
    for (size_t i = 0; i < ss->n; i++) {
        t += ss->s[i].residents;
        ss->cum[i] = t;
    }
    ss->total = t;
    if (t == 0) die("%s: no usual residents in any sector", path);
}

static void load_ks102(sectors_t *ss, const char *path)
{
    csv_t c;
    csv_open(&c, path);
    if (!csv_next(&c)) die("%s: empty file", path);
    long c_code = need_col(&c, "geography code");
    long c_band[N_CENSUS_BANDS];
    for (int b = 0; b < N_CENSUS_BANDS; b++)
        c_band[b] = need_col(&c, census_band_name[b]);
    /* Columns are found by prefix; make sure each matched name is exactly the band's name
     * followed by nothing or by the "; measures: Value" suffix. */
    for (int b = 0; b < N_CENSUS_BANDS; b++) {
        char name[256];
        norm_name(c.f[c_band[b]], name, sizeof name);
        size_t l = strlen(census_band_name[b]);
        if (name[l] != '\0' && name[l] != ';')
            die_at(path, c.rec_line, "unexpected age band column \"%s\"", name);
    }
    secmap_t map;
    secmap_build(&map, ss);
    uint64_t national[N_CENSUS_BANDS] = {0};
    while (csv_next(&c)) {
        if ((size_t)c_code >= c.nf)
            die_at(path, c.rec_line, "record has %zu fields, expected at least %ld", c.nf,
                   c_code + 1);
        sector_t tmp;
        if (!parse_sector_code(c.f[c_code], tmp.out, &tmp.outlen, &tmp.digit))
            die_at(path, c.rec_line, "not a postcode sector code: \"%s\"", c.f[c_code]);
        char key[16];
        sector_key(&tmp, key);
        long i = secmap_find(&map, ss, key);
        if (i < 0) die_at(path, c.rec_line, "sector \"%s\" is not in the KS101EW table", key);
        sector_t *s = &ss->s[i];
        if (s->have_age) die_at(path, c.rec_line, "sector \"%s\" appears twice", key);
        uint64_t cum = 0;
        for (int b = 0; b < N_CENSUS_BANDS; b++) {
            uint64_t v = parse_count(&c, c_band[b], census_band_name[b]);
            national[b] += v;
            cum += v;
            if (cum > UINT32_MAX) die_at(path, c.rec_line, "count out of range");
            s->age_cum[b] = (uint32_t)cum;
        }
        s->have_age = 1;
    }
    csv_close(&c);
    free(map.slot);
    /* Sectors without (or with empty) age counts use the national age distribution. */
    uint64_t ntot = 0;
    for (int b = 0; b < N_CENSUS_BANDS; b++)
        ntot += national[b];
    if (ntot == 0) die("%s: no residents in any age band", path);
    for (size_t i = 0; i < ss->n; i++) {
        sector_t *s = &ss->s[i];
        if (s->residents == 0) continue;
        if (!s->have_age)
            die("%s: sector \"%.*s %c\" (in KS101EW) has no row", path, (int)s->outlen, s->out,
                s->digit);
        if (s->age_cum[N_CENSUS_BANDS - 1] == 0) {
            uint64_t cum = 0;
            for (int b = 0; b < N_CENSUS_BANDS; b++) {
                cum += national[b] * 1000000 / ntot;
                s->age_cum[b] = (uint32_t)cum;
            }
        }
    }
}

/* "A00-A09" -> 1, first = 'A'*100+0 .. last = 'A'*100+9 (letters as 0..25). */
static int parse_block(const char *s, int32_t *first, int32_t *last)
{
    while (*s == ' ')
        s++;
    if (!(s[0] >= 'A' && s[0] <= 'Z' && s[1] >= '0' && s[1] <= '9' && s[2] >= '0' && s[2] <= '9' &&
          s[3] == '-' && s[4] >= 'A' && s[4] <= 'Z' && s[5] >= '0' && s[5] <= '9' && s[6] >= '0' &&
          s[6] <= '9'))
        return 0;
    const char *t = s + 7;
    while (*t == ' ')
        t++;
    if (*t) return 0;
    *first = (s[0] - 'A') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
    *last = (s[4] - 'A') * 100 + (s[5] - '0') * 10 + (s[6] - '0');
    return *last >= *first;
}

static void load_hes(hes_t *h, const char *path)
{
    csv_t c;
    csv_open(&c, path);
    if (!csv_next(&c)) die("%s: empty file", path);
    memset(h, 0, sizeof *h);
    long c_tot = need_col(&c, "Finished consultant episodes");
    long c_m = need_col(&c, "Male (FCE)");
    long c_f = need_col(&c, "Female (FCE)");
    long c_age[MAX_HES_BANDS];
    int age_lo[MAX_HES_BANDS];
    int nb = 0;
    for (size_t i = 0; i < c.nf; i++) {
        char name[256];
        norm_name(c.f[i], name, sizeof name);
        size_t l = strlen(name);
        if (strncmp(name, "Age ", 4) != 0 || l < 6 || strcmp(name + l - 5, "(FCE)") != 0) continue;
        if (!(name[4] >= '0' && name[4] <= '9')) continue;
        if (nb == MAX_HES_BANDS) die_at(path, c.rec_line, "too many age band columns");
        int lo = atoi(name + 4);
        if (nb > 0 && lo <= age_lo[nb - 1])
            die_at(path, c.rec_line, "age band columns are not in increasing order at \"%s\"",
                   name);
        if (nb == 0 && lo != 0)
            die_at(path, c.rec_line, "first age band column \"%s\" does not start at 0", name);
        c_age[nb] = (long)i;
        age_lo[nb] = lo;
        nb++;
    }
    if (nb == 0) die_at(path, c.rec_line, "header has no \"Age ... (FCE)\" columns");
    h->n_bands = nb;
    for (int a = 0, b = 0; a <= MAX_AGE; a++) {
        while (b + 1 < nb && age_lo[b + 1] <= a)
            b++;
        h->age_to_band[a] = b;
    }

    size_t cap = 256;
    double(*w)[3][MAX_HES_BANDS] = xmalloc(cap * sizeof *w);
    h->first = xmalloc(cap * sizeof *h->first);
    h->last = xmalloc(cap * sizeof *h->last);
    while (csv_next(&c)) {
        int32_t first, last;
        /* Only rows for a block "X00-X99" are used; others (totals, notes, and the lone
         * 3-character row "N99" of the 2023-24 sheet) are skipped. */
        if (c.nf == 0 || !parse_block(c.f[0], &first, &last)) continue;
        if (h->n == cap) {
            cap *= 2;
            w = xrealloc(w, cap * sizeof *w);
            h->first = xrealloc(h->first, cap * sizeof *h->first);
            h->last = xrealloc(h->last, cap * sizeof *h->last);
        }
        double tot = (double)parse_count(&c, c_tot, "Finished consultant episodes");
        double m = (double)parse_count(&c, c_m, "Male (FCE)");
        double f = (double)parse_count(&c, c_f, "Female (FCE)");
        for (int b = 0; b < nb; b++) {
            double a = (double)parse_count(&c, c_age[b], "Age (FCE)");
            w[h->n][0][b] = tot > 0 ? a * (m / tot) : 0;
            w[h->n][1][b] = tot > 0 ? a * (f / tot) : 0;
            w[h->n][2][b] = a;
        }
        h->first[h->n] = first;
        h->last[h->n] = last;
        h->n++;
    }
    csv_close(&c);
    if (h->n == 0) die("%s: no ICD-10 block rows (like \"A00-A09\")", path);
    for (int s = 0; s < 3; s++) {
        for (int b = 0; b < nb; b++) {
            double *cum = xmalloc(h->n * sizeof *cum), t = 0;
            for (size_t i = 0; i < h->n; i++) {
                t += w[i][s][b];
                cum[i] = t;
            }
            if (!(t > 0))
                die("%s: no episodes at all in age band column %d for %s", path, b + 1,
                    s == 0   ? "males"
                    : s == 1 ? "females"
                             : "all persons");
            h->cum[s][b] = cum;
        }
    }
    free(w);
}

static void free_hes(hes_t *h)
{
    for (int s = 0; s < 3; s++)
        for (int b = 0; b < h->n_bands; b++)
            free(h->cum[s][b]);
    free(h->first);
    free(h->last);
}

/* ------------------------------------------------------------------------------------------ */
/* Sampling                                                                                    */
/* ------------------------------------------------------------------------------------------ */

/* Smallest i with cum[i] > x (cum non-decreasing, x < cum[n-1]). */
static size_t search_u64(const uint64_t *cum, size_t n, uint64_t x)
{
    size_t lo = 0, hi = n - 1;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cum[mid] > x)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

static size_t search_dbl(const double *cum, size_t n, double x)
{
    size_t lo = 0, hi = n - 1;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cum[mid] > x)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/* NHS ethnic category codes with the England & Wales 2011 census proportions (ONS Census 2011
 * table KS201EW, ethnic group; per cent of usual residents). Gypsy/Irish Traveller (0.1%) and
 * Arab (0.4%) have no code of their own here, so the 16 listed groups sum to 99.9%. They are
 * scaled to 96% and Z (not stated) gets 4%: weight = tenths of a per cent x 24, Z = 999. */
static const char eth_code[] = "ABCDEFGHJKLMNPRSZ";
static const unsigned eth_tenths[16] = {
    805, /* A White: British */
    9,   /* B White: Irish */
    44,  /* C White: any other White background */
    8,   /* D Mixed: White and Black Caribbean */
    3,   /* E Mixed: White and Black African */
    6,   /* F Mixed: White and Asian */
    5,   /* G Mixed: any other mixed background */
    25,  /* H Asian: Indian */
    20,  /* J Asian: Pakistani */
    8,   /* K Asian: Bangladeshi */
    15,  /* L Asian: any other Asian background */
    11,  /* M Black: Caribbean */
    18,  /* N Black: African */
    5,   /* P Black: any other Black background */
    7,   /* R Other: Chinese */
    10,  /* S Other: any other ethnic group */
};
static uint32_t eth_cum[17];

static void init_ethnicity(void)
{
    uint32_t t = 0, sum = 0;
    for (int i = 0; i < 16; i++)
        sum += eth_tenths[i];
    for (int i = 0; i < 16; i++) {
        t += eth_tenths[i] * 24;
        eth_cum[i] = t;
    }
    eth_cum[16] = t + sum; /* Z: sum / (24 * sum + sum) = 4% */
}

/* ------------------------------------------------------------------------------------------ */
/* Free-text notes                                                                             */
/* ------------------------------------------------------------------------------------------ */

static const char *const note_open[] = {
    "Admitted via ED",
    "Elective admission",
    "Day case",
    "GP referral",
    "Transfer from another trust",
    "Planned procedure",
    "Emergency admission overnight",
    "Self-presented to ED",
    "Brought in by ambulance",
    "Admitted for observation",
    "Seen by on-call team",
    "Readmission within 30 days",
};
static const char *const note_mid[] = {
    "obs stable",
    "afebrile",
    "pain controlled",
    "bloods sent",
    "ECG sinus rhythm",
    "chest clear",
    "mobilising independently",
    "IV antibiotics started",
    "IV fluids given",
    "wound clean and dry",
    "imaging requested",
    "reviewed by consultant",
    "tolerating diet",
    "NEWS2 score 1",
    "sats 96% on air",
    "CRP falling",
};
static const char *const note_end[] = {
    "Discharge home",
    "Follow up in clinic in 6 weeks",
    "Continue current medication",
    "Refer to community team",
    "Repeat bloods in 48 hours",
    "Safety netting advice given",
    "Awaiting physio review",
    "TTO medication prescribed",
    "For discharge tomorrow",
    "Plan discussed with patient",
};
static const char *const note_quote[] = {
    "feels much better", "dizzy on standing",   "not my usual self",
    "pain 7 out of 10",  "worst headache ever", "can't keep anything down",
};
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static char *put_cstr(char *p, const char *s)
{
    size_t n = strlen(s);
    memcpy(p, s, n);
    return p + n;
}

/* Writes one note (unquoted text) into buf; returns its length. buf must hold 512 bytes. */
static size_t make_note(rng_t *r, char *buf)
{
    int comma = rng_unif(r) < 0.15;
    int quote = rng_unif(r) < 0.02;
    int newline = rng_unif(r) < 0.0011;
    double u = rng_unif(r);
    if (!comma && !quote && !newline && u < 0.03) return 0; /* no note */
    char *p = buf;
    p = put_cstr(p, note_open[rng_below(r, NELEM(note_open))]);
    unsigned mid = rng_below(r, NELEM(note_mid));
    p = put_cstr(p, comma ? ", " : "; ");
    p = put_cstr(p, note_mid[mid]);
    if (rng_below(r, 2)) { /* a second, different finding */
        mid = (mid + 1 + rng_below(r, NELEM(note_mid) - 1)) % NELEM(note_mid);
        p = put_cstr(p, comma ? ", " : " and ");
        p = put_cstr(p, note_mid[mid]);
    }
    *p++ = '.';
    if (quote) {
        p = put_cstr(p, " Patient says \"");
        p = put_cstr(p, note_quote[rng_below(r, NELEM(note_quote))]);
        p = put_cstr(p, "\".");
    }
    *p++ = newline ? '\n' : ' ';
    p = put_cstr(p, note_end[rng_below(r, NELEM(note_end))]);
    *p++ = '.';
    return (size_t)(p - buf);
}

/* ------------------------------------------------------------------------------------------ */
/* Output                                                                                      */
/* ------------------------------------------------------------------------------------------ */

#define OUT_BLOCK ((size_t)1 << 20)
#define OUT_SLACK ((size_t)16384) /* more than any single row */

typedef struct {
    FILE *f;
    const char *name;
    char *buf;
    size_t pos;
} out_t;

static void out_write(out_t *o, const char *p, size_t n)
{
    if (n && fwrite(p, 1, n, o->f) != n) die("write error on %s: %s", o->name, strerror(errno));
}

/* Writes whole 1 MiB blocks once the buffer holds at least one. */
static inline void out_maybe_flush(out_t *o)
{
    if (o->pos < OUT_BLOCK) return;
    size_t done = 0;
    while (o->pos - done >= OUT_BLOCK) {
        out_write(o, o->buf + done, OUT_BLOCK);
        done += OUT_BLOCK;
    }
    memmove(o->buf, o->buf + done, o->pos - done);
    o->pos -= done;
}

static const char hexdig[] = "0123456789abcdef";
static const char month_abbr[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

static inline char *put_2d(char *p, int v)
{
    p[0] = (char)('0' + v / 10);
    p[1] = (char)('0' + v % 10);
    return p + 2;
}

static inline char *put_4d(char *p, int v)
{
    p[0] = (char)('0' + v / 1000);
    p[1] = (char)('0' + v / 100 % 10);
    p[2] = (char)('0' + v / 10 % 10);
    p[3] = (char)('0' + v % 10);
    return p + 4;
}

static inline char *put_uint(char *p, unsigned v)
{
    char t[12];
    int n = 0;
    do {
        t[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        *p++ = t[--n];
    return p;
}

static inline char *put_iso(char *p, int y, int m, int d)
{
    p = put_4d(p, y);
    *p++ = '-';
    p = put_2d(p, m);
    *p++ = '-';
    return put_2d(p, d);
}

/* Field with RFC 4180 quoting when it holds a comma, quote, CR or LF. */
static char *put_field(char *p, const char *s, size_t n)
{
    int need = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r') {
            need = 1;
            break;
        }
    if (!need) {
        memcpy(p, s, n);
        return p + n;
    }
    *p++ = '"';
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"') *p++ = '"';
        *p++ = s[i];
    }
    *p++ = '"';
    return p;
}

/* ------------------------------------------------------------------------------------------ */
/* People and rows                                                                             */
/* ------------------------------------------------------------------------------------------ */

#define MAX_ROWS_PER_PERSON 32
#define POOL 4 /* persons whose rows are interleaved at any time */

typedef struct {
    uint64_t pseudonym;
    int32_t dob;
    uint32_t sector;
    uint16_t inward; /* letter pair index */
    uint8_t sex;     /* 0 M, 1 F, 2 U */
    uint8_t eth;
    uint8_t trust;
    uint8_t nrows, next;
    int32_t adm[MAX_ROWS_PER_PERSON];
} person_t;

typedef struct {
    sectors_t sec;
    hes_t hes;
    int32_t adm_first; /* 2023-04-01 */
    uint32_t adm_span; /* days in 2023-04-01 .. 2024-03-31 */
    int with_notes;
    char trust_csv[N_TRUSTS][256]; /* pre-quoted */
    size_t trust_len[N_TRUSTS];
} gen_t;

static void sort_i32(int32_t *a, int n)
{
    for (int i = 1; i < n; i++) {
        int32_t v = a[i];
        int j = i - 1;
        while (j >= 0 && a[j] > v) {
            a[j + 1] = a[j];
            j--;
        }
        a[j + 1] = v;
    }
}

static void new_person(const gen_t *g, rng_t *r, person_t *p)
{
    p->pseudonym = rng_next(r);

    /* Rows: 1 + geometric (P(k) = 0.375^k 0.625, mean 0.6), mean 1.6 in all. */
    int n = 1;
    while (n < MAX_ROWS_PER_PERSON && rng_unif(r) < 0.375)
        n++;
    p->nrows = (uint8_t)n;
    p->next = 0;
    for (int i = 0; i < n; i++)
        p->adm[i] = g->adm_first + (int32_t)rng_below(r, g->adm_span);
    sort_i32(p->adm, n);

    const sectors_t *ss = &g->sec;
    size_t si = search_u64(ss->cum, ss->n, rng_below64(r, ss->total));
    const sector_t *s = &ss->s[si];
    p->sector = (uint32_t)si;
    unsigned u = rng_below(r, s->units);
    p->inward = (uint16_t)((s->mul * u + s->add) % N_INWARD_PAIRS);

    if (rng_unif(r) < 0.002)
        p->sex = 2;
    else
        p->sex = rng_below(r, s->males + s->females) < s->males ? 0 : 1;

    /* Age band at first admission from the sector's KS102EW counts, exact age uniform. */
    uint32_t x = rng_below(r, s->age_cum[N_CENSUS_BANDS - 1]);
    int b = 0;
    while (s->age_cum[b] <= x)
        b++;
    int age = census_band_lo[b] +
              (int)rng_below(r, (uint32_t)(census_band_hi[b] - census_band_lo[b] + 1));

    /* Date of birth: age `age` on the first admission date. */
    int y, m, d;
    civil_from_days(p->adm[0], &y, &m, &d);
    int32_t hi = same_day_in_year(y - age, m, d);
    int32_t lo = same_day_in_year(y - age - 1, m, d) + 1;
    int32_t dob = lo + (int32_t)rng_below(r, (uint32_t)(hi - lo + 1));
    if (age_on(dob, p->adm[0]) != age) dob = hi;
    p->dob = dob;

    uint32_t e = rng_below(r, eth_cum[16]);
    int ei = 0;
    while (eth_cum[ei] <= e)
        ei++;
    p->eth = (uint8_t)ei;

    /* Home trust: the area's local trust, or (10% of persons) any trust. */
    if (rng_unif(r) < 0.9)
        p->trust = (uint8_t)s->trust;
    else
        p->trust = (uint8_t)rng_below(r, N_TRUSTS);
}

/* Appends the person's next row to p. */
static char *emit_row(const gen_t *g, rng_t *r, person_t *pp, char *p)
{
    const sector_t *s = &g->sec.s[pp->sector];
    int32_t adm = pp->adm[pp->next++];

    /* pseudonym */
    for (int i = 15; i >= 0; i--)
        p[15 - i] = hexdig[(pp->pseudonym >> (4 * i)) & 15];
    p += 16;
    *p++ = ',';

    /* postcode: 1% missing, 3% lower case and/or without the space */
    double u = rng_unif(r);
    if (u >= 0.01) {
        char pc[8];
        size_t n = s->outlen;
        memcpy(pc, s->out, n);
        int lower = 0, nospace = 0;
        if (u < 0.04) {
            switch (rng_below(r, 3)) {
            case 0:
                lower = 1;
                break;
            case 1:
                nospace = 1;
                break;
            default:
                lower = nospace = 1;
            }
        }
        if (!nospace) pc[n++] = ' ';
        pc[n++] = s->digit;
        pc[n++] = inward_letters[pp->inward / 20];
        pc[n++] = inward_letters[pp->inward % 20];
        if (lower)
            for (size_t i = 0; i < n; i++)
                if (pc[i] >= 'A' && pc[i] <= 'Z') pc[i] = (char)(pc[i] - 'A' + 'a');
        memcpy(p, pc, n);
        p += n;
    }
    *p++ = ',';

    /* date_of_birth: 0.5% missing, 2% 31-Jan-1970, 5% 31/01/1970, else ISO */
    u = rng_unif(r);
    if (u >= 0.005) {
        int y, m, d;
        civil_from_days(pp->dob, &y, &m, &d);
        if (u < 0.025) {
            p = put_2d(p, d);
            *p++ = '-';
            memcpy(p, month_abbr[m - 1], 3);
            p += 3;
            *p++ = '-';
            p = put_4d(p, y);
        } else if (u < 0.075) {
            p = put_2d(p, d);
            *p++ = '/';
            p = put_2d(p, m);
            *p++ = '/';
            p = put_4d(p, y);
        } else {
            p = put_iso(p, y, m, d);
        }
    }
    *p++ = ',';

    /* age at admission */
    int age = age_on(pp->dob, adm);
    p = put_uint(p, (unsigned)age);
    *p++ = ',';

    /* sex, ethnicity */
    *p++ = "MFU"[pp->sex];
    *p++ = ',';
    *p++ = eth_code[pp->eth];
    *p++ = ',';

    /* diagnosis: HES block by sex and age band, category uniform within the block */
    const hes_t *h = &g->hes;
    int band = h->age_to_band[age > MAX_AGE ? MAX_AGE : age];
    const double *cum = h->cum[pp->sex][band];
    size_t bi = search_dbl(cum, h->n, rng_unif(r) * cum[h->n - 1]);
    int32_t code = h->first[bi] + (int32_t)rng_below(r, (uint32_t)(h->last[bi] - h->first[bi] + 1));
    *p++ = (char)('A' + code / 100);
    p = put_2d(p, code % 100);
    if (rng_unif(r) < 0.7) {
        if (rng_unif(r) < 0.1) *p++ = '.';
        *p++ = (char)('0' + rng_below(r, 10));
    }
    *p++ = ',';

    /* admission date */
    {
        int y, m, d;
        civil_from_days(adm, &y, &m, &d);
        p = put_iso(p, y, m, d);
    }
    *p++ = ',';

    /* trust: the person's own, 10% of rows elsewhere */
    unsigned t = pp->trust;
    if (rng_unif(r) < 0.1) t = (t + 1 + rng_below(r, N_TRUSTS - 1)) % N_TRUSTS;
    memcpy(p, g->trust_csv[t], g->trust_len[t]);
    p += g->trust_len[t];

    if (g->with_notes) {
        char note[512];
        size_t n = make_note(r, note);
        *p++ = ',';
        p = put_field(p, note, n);
    }
    *p++ = '\n';
    return p;
}

/* ------------------------------------------------------------------------------------------ */
/* Command line                                                                                */
/* ------------------------------------------------------------------------------------------ */

static void usage(FILE *f)
{
    fputs("usage: " PROG " [--rows N] [--seed S] [--data-dir DIR] [--with-notes] [--out FILE]\n"
          "\n"
          "Writes a synthetic NHS hospital extract (CSV) of N admission rows.\n"
          "  -n, --rows N        number of data rows (default 10000)\n"
          "  -s, --seed S        PRNG seed, unsigned 64-bit decimal (default 1)\n"
          "  -d, --data-dir DIR  reference tables (default data/reference)\n"
          "  -w, --with-notes    add a free-text 'note' column\n"
          "  -o, --out FILE      output file (default standard output)\n"
          "  -h, --help          show this help\n",
          f);
}

static void usage_error(const char *fmt, ...)
{
    va_list ap;
    fputs(PROG ": ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\nTry '" PROG " --help'.\n", stderr);
    exit(2);
}

static uint64_t parse_u64_arg(const char *opt, const char *s)
{
    if (!*s) usage_error("%s: empty value", opt);
    uint64_t v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9') usage_error("%s: not an unsigned decimal number: '%s'", opt, s);
        unsigned dgt = (unsigned)(*p - '0');
        if (v > (UINT64_MAX - dgt) / 10) usage_error("%s: number too large: '%s'", opt, s);
        v = v * 10 + dgt;
    }
    return v;
}

int main(int argc, char **argv)
{
    uint64_t rows = 10000, seed = 1;
    const char *data_dir = "data/reference", *out_path = NULL;
    int with_notes = 0;

    static const struct option longopts[] = {
        {"rows", required_argument, NULL, 'n'},
        {"seed", required_argument, NULL, 's'},
        {"data-dir", required_argument, NULL, 'd'},
        {"with-notes", no_argument, NULL, 'w'},
        {"out", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    opterr = 0;
    int opt;
    while ((opt = getopt_long(argc, argv, ":n:s:d:wo:h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'n':
            rows = parse_u64_arg("--rows", optarg);
            if (rows > UINT64_C(1000000000000)) usage_error("--rows: at most 10^12");
            break;
        case 's':
            seed = parse_u64_arg("--seed", optarg);
            break;
        case 'd':
            if (!*optarg) usage_error("--data-dir: empty value");
            data_dir = optarg;
            break;
        case 'w':
            with_notes = 1;
            break;
        case 'o':
            if (!*optarg) usage_error("--out: empty value");
            out_path = optarg;
            break;
        case 'h':
            usage(stdout);
            return 0;
        case ':':
            usage_error("option '%s' needs a value", argv[optind - 1]);
            break;
        default:
            if (optopt) usage_error("unknown option '-%c'", optopt);
            usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc) usage_error("unexpected argument '%s'", argv[optind]);

    static gen_t g; /* large; keep off the stack */
    char path[4096];
    int pl = snprintf(path, sizeof path, "%s/uk_census2011_postcode_sector_population_KS101EW.csv",
                      data_dir);
    if (pl < 0 || (size_t)pl >= sizeof path) usage_error("--data-dir: path too long");
    load_ks101(&g.sec, path);
    snprintf(path, sizeof path, "%s/uk_census2011_postcode_sector_age_KS102EW.csv", data_dir);
    load_ks102(&g.sec, path);
    snprintf(path, sizeof path, "%s/hes_apc_primary_diagnosis_summary_2023_24.csv", data_dir);
    load_hes(&g.hes, path);
    init_ethnicity();
    g.adm_first = days_from_civil(2023, 4, 1);
    g.adm_span = (uint32_t)(days_from_civil(2024, 3, 31) - g.adm_first + 1);
    g.with_notes = with_notes;
    for (size_t t = 0; t < N_TRUSTS; t++) {
        char *e = put_field(g.trust_csv[t], trusts[t], strlen(trusts[t]));
        g.trust_len[t] = (size_t)(e - g.trust_csv[t]);
    }

    out_t o;
    o.name = out_path ? out_path : "standard output";
    o.f = out_path ? fopen(out_path, "wb") : stdout;
    if (!o.f) die("cannot open %s for writing: %s", out_path, strerror(errno));
    o.buf = xmalloc(OUT_BLOCK + OUT_SLACK);
    o.pos = 0;
    static const char header[] =
        "pseudonym,postcode,date_of_birth,age,sex,ethnicity,diagnosis,admission_date,trust";
    memcpy(o.buf, header, sizeof header - 1);
    o.pos = sizeof header - 1;
    if (with_notes) {
        memcpy(o.buf + o.pos, ",note", 5);
        o.pos += 5;
    }
    o.buf[o.pos++] = '\n';

    rng_t rng;
    rng_seed(&rng, seed);
    person_t *pool = xcalloc(POOL, sizeof *pool);
    for (int i = 0; i < POOL; i++)
        new_person(&g, &rng, &pool[i]);
    for (uint64_t i = 0; i < rows; i++) {
        person_t *pp = &pool[rng_below(&rng, POOL)];
        char *end = emit_row(&g, &rng, pp, o.buf + o.pos);
        o.pos = (size_t)(end - o.buf);
        out_maybe_flush(&o);
        if (pp->next == pp->nrows) new_person(&g, &rng, pp);
    }
    out_write(&o, o.buf, o.pos);
    if (fflush(o.f) != 0 || ferror(o.f)) die("write error on %s: %s", o.name, strerror(errno));
    if (out_path && fclose(o.f) != 0) die("write error on %s: %s", o.name, strerror(errno));

    free(pool);
    free(o.buf);
    free(g.sec.s);
    free(g.sec.cum);
    free_hes(&g.hes);
    return 0;
}
