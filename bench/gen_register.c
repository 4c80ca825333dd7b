/*
 * gen_register.c - a seeded synthetic "identified register" (an electoral-roll-like list of
 * name, postcode, date of birth, sex) to match against a synthetic extract with
 * `reid-check link` (docs/linkage.md).
 *
 * Every name is made up (random pairs of common first names and surnames); every person comes
 * from a synthetic extract made by gen_extract, so no row describes a real person.
 *
 * How (data/README.md):
 *   - The extract is streamed (libcsv). A person (a distinct pseudonym) is put in the register
 *     with probability --select, decided from a hash of the pseudonym and the seed, on their
 *     first row whose postcode, date of birth and sex are present and readable (sex M or F).
 *     Their register entry takes those three values, written as an electoral roll might:
 *     postcode canonical (about 1 in 5 in lower case without the space), date of birth
 *     DD/MM/YYYY, sex M or F.
 *   - With probability --decoys such a person gets 1 to 6 extra register entries (other made-up
 *     names) with the same postcode, date of birth and sex: twins, namesakes, the stale entries of
 *     a real register. Their extract records then match 2 to 7 entries: narrowed or ambiguous.
 *   - --others N people who are not drawn from the extract's people follow: a postcode of the
 *     extract (a uniform sample of 4,096 of its rows' postcodes), a date of birth uniform in
 *     1930-2005, sex M or F. They may match extract records by chance, as in a real register.
 *
 * Build:  cmake (target gen_register), or
 *         gcc -std=c11 -O2 -D_POSIX_C_SOURCE=200809L bench/gen_register.c -o gen_register -lcsv
 * Usage:  gen_register --extract FILE [--select P] [--decoys P] [--others N] [--seed S]
 *                      [--out FILE]
 * The output is a pure function of the arguments and the extract (own PRNG: splitmix64 seeding
 * xoshiro256**). Exit status: 0 success, 1 data or I/O error, 2 usage error.
 */
#include <csv.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PROG "gen_register"

/* ---- PRNG: splitmix64 seeds xoshiro256** (as gen_extract.c) ---- */

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

typedef struct rng_t {
    uint64_t s[4];
} rng_t;

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(rng_t *r)
{
    uint64_t *s = r->s, out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return out;
}

static double rng_unit(rng_t *r)
{
    return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

static uint64_t rng_below(rng_t *r, uint64_t n)
{
    return rng_next(r) % n; /* n is small here: the bias is below 2^-50 */
}

static uint64_t fnv1a(const char *s, size_t n, uint64_t seed)
{
    uint64_t h = 0xCBF29CE484222325ull ^ seed;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 0x100000001B3ull;
    return h;
}

/* ---- made-up names ---- */

static const char *const first_m[] = {
    "Adam",   "Alan",    "Ben",   "Callum", "Daniel", "David",  "Edward",  "Frank",
    "George", "Harry",   "Ian",   "Jack",   "James",  "John",   "Kevin",   "Liam",
    "Mark",   "Michael", "Neil",  "Oliver", "Owen",   "Paul",   "Peter",   "Raj",
    "Robert", "Samuel",  "Simon", "Tom",    "Usman",  "Victor", "William", "Yusuf"};
static const char *const first_f[] = {
    "Aisha",   "Alice", "Amy",    "Anna",   "Beth",  "Carol",    "Chloe", "Claire",
    "Deborah", "Emily", "Emma",   "Fatima", "Grace", "Hannah",   "Helen", "Isla",
    "Jane",    "Julie", "Karen",  "Laura",  "Lucy",  "Margaret", "Mary",  "Nadia",
    "Olivia",  "Priya", "Rachel", "Ruth",   "Sarah", "Sophie",   "Susan", "Zara"};
static const char *const surnames[] = {
    "Ahmed",  "Allen",   "Baker",    "Bell",   "Brown",    "Campbell", "Clarke",   "Cooper",
    "Davies", "Edwards", "Evans",    "Green",  "Hall",     "Harris",   "Hughes",   "Jackson",
    "James",  "Johnson", "Jones",    "Khan",   "King",     "Lee",      "Lewis",    "Martin",
    "Moore",  "Morgan",  "Murphy",   "Patel",  "Phillips", "Roberts",  "Robinson", "Scott",
    "Shah",   "Singh",   "Smith",    "Taylor", "Thomas",   "Thompson", "Turner",   "Walker",
    "Ward",   "White",   "Williams", "Wilson", "Wood",     "Wright",   "Young"};
#define NELEM(a) (sizeof(a) / sizeof *(a))

/* ---- values ---- */

/* Postcode canonical: upper case, no spaces, then "OUTWARD INWARD". 0 if not 5-7 characters. */
static int canon_postcode(const char *s, size_t n, char *out)
{
    char t[16];
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == ' ') continue;
        if (m >= 8) return 0;
        t[m++] = (c >= 'a' && c <= 'z') ? (char)(c - 32) : c;
    }
    if (m < 5 || m > 7) return 0;
    memcpy(out, t, m - 3);
    out[m - 3] = ' ';
    memcpy(out + m - 2, t + m - 3, 3);
    out[m + 1] = 0;
    return 1;
}

static int two(const char *s)
{
    return (s[0] - '0') * 10 + (s[1] - '0');
}

static int digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return 0;
    return 1;
}

/* A date of the extract (1970-01-31, 31/01/1970, 31-Jan-1970) into y, m, d. 0 if none. */
static int parse_date(const char *s, size_t n, int *y, int *m, int *d)
{
    static const char mon[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    if (n == 10 && s[4] == '-' && s[7] == '-' && digits(s, 4) && digits(s + 5, 2) &&
        digits(s + 8, 2)) {
        *y = two(s) * 100 + two(s + 2), *m = two(s + 5), *d = two(s + 8);
    } else if (n == 10 && s[2] == '/' && s[5] == '/' && digits(s, 2) && digits(s + 3, 2) &&
               digits(s + 6, 4)) {
        *d = two(s), *m = two(s + 3), *y = two(s + 6) * 100 + two(s + 8);
    } else if (n == 11 && s[2] == '-' && s[6] == '-' && digits(s, 2) && digits(s + 7, 4)) {
        *d = two(s), *y = two(s + 7) * 100 + two(s + 9), *m = 0;
        for (int i = 0; i < 12; i++)
            if (strncasecmp(s + 3, mon + 3 * i, 3) == 0) *m = i + 1;
    } else {
        return 0;
    }
    return *m >= 1 && *m <= 12 && *d >= 1 && *d <= 31;
}

/* ---- the register ---- */

typedef struct gen {
    rng_t rng;
    uint64_t seed;
    double select, decoys;
    FILE *out;
    int col_pseudo, col_pc, col_dob, col_sex; /* 0-based, -1 until the header is read */
    int header_done;
    size_t field;
    char *val[4];
    size_t vlen[4];
    char buf[4][64];
    uint64_t *seen; /* open addressing set of emitted pseudonym hashes (0 = empty) */
    uint64_t seen_mask, seen_count;
    char pool[4096][16]; /* a uniform sample of the extract's postcodes */
    uint64_t rows, pooled;
    uint64_t entries;
    int failed;
} gen;

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, PROG ": ");
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

/* 1 if h was new (and is now in the set). */
static int seen_add(gen *g, uint64_t h)
{
    if (!h) h = 1;
    if ((g->seen_count + 1) * 2 > g->seen_mask + 1) {
        uint64_t n = (g->seen_mask + 1) * 2, *t = calloc(n, sizeof *t);
        if (!t) die("out of memory");
        for (uint64_t i = 0; i <= g->seen_mask; i++)
            if (g->seen[i]) {
                uint64_t j = g->seen[i] & (n - 1);
                while (t[j])
                    j = (j + 1) & (n - 1);
                t[j] = g->seen[i];
            }
        free(g->seen);
        g->seen = t;
        g->seen_mask = n - 1;
    }
    uint64_t j = h & g->seen_mask;
    while (g->seen[j]) {
        if (g->seen[j] == h) return 0;
        j = (j + 1) & g->seen_mask;
    }
    g->seen[j] = h;
    g->seen_count++;
    return 1;
}

static void entry(gen *g, const char *pc, int y, int m, int d, char sex)
{
    const char *first = sex == 'M' ? first_m[rng_below(&g->rng, NELEM(first_m))]
                                   : first_f[rng_below(&g->rng, NELEM(first_f))];
    const char *last = surnames[rng_below(&g->rng, NELEM(surnames))];
    char p[16];
    if (rng_unit(&g->rng) < 0.2) { /* "sw1a1aa": the same postcode to reid-check */
        size_t k = 0;
        for (const char *c = pc; *c; c++)
            if (*c != ' ') p[k++] = (*c >= 'A' && *c <= 'Z') ? (char)(*c + 32) : *c;
        p[k] = 0;
    } else {
        snprintf(p, sizeof p, "%s", pc);
    }
    if (fprintf(g->out, "%s %s,%s,%02d/%02d/%04d,%c\n", first, last, p, d, m, y, sex) < 0)
        g->failed = 1;
    g->entries++;
}

static void person(gen *g)
{
    const char *ps = g->val[0], *pc = g->val[1], *dob = g->val[2], *sx = g->val[3];
    size_t pl = g->vlen[0];
    char canon[16];
    int y, m, d;
    if (g->vlen[1] && canon_postcode(pc, g->vlen[1], canon)) { /* the pool of postcodes */
        uint64_t slot = g->pooled < 4096 ? g->pooled : rng_below(&g->rng, g->pooled + 1);
        if (slot < 4096) snprintf(g->pool[slot], sizeof g->pool[slot], "%s", canon);
        g->pooled++;
    } else {
        return;
    }
    uint64_t h = fnv1a(ps, pl, g->seed);
    if ((double)(splitmix64(&(uint64_t){h}) >> 11) * 0x1.0p-53 >= g->select) return;
    if (!parse_date(dob, g->vlen[2], &y, &m, &d)) return;
    if (g->vlen[3] != 1 || (sx[0] != 'M' && sx[0] != 'F')) return;
    if (!seen_add(g, h)) return;
    entry(g, canon, y, m, d, sx[0]);
    if (rng_unit(&g->rng) < g->decoys) {
        int extra = 1 + (int)rng_below(&g->rng, 6);
        for (int i = 0; i < extra; i++)
            entry(g, canon, y, m, d, sx[0]);
    }
}

static void on_field(void *s, size_t len, void *user)
{
    gen *g = user;
    if (!g->header_done) {
        const char *names[4] = {"pseudonym", "postcode", "date_of_birth", "sex"};
        int *cols[4] = {&g->col_pseudo, &g->col_pc, &g->col_dob, &g->col_sex};
        for (int i = 0; i < 4; i++)
            if (len == strlen(names[i]) && strncasecmp(s, names[i], len) == 0)
                *cols[i] = (int)g->field;
    } else {
        int cols[4] = {g->col_pseudo, g->col_pc, g->col_dob, g->col_sex};
        for (int i = 0; i < 4; i++)
            if ((int)g->field == cols[i]) {
                size_t n = len < 63 ? len : 63;
                memcpy(g->buf[i], s, n);
                g->buf[i][n] = 0;
                g->val[i] = g->buf[i];
                g->vlen[i] = n;
            }
    }
    g->field++;
}

static void on_record(int c, void *user)
{
    (void)c;
    gen *g = user;
    if (!g->header_done) {
        if (g->col_pseudo < 0 || g->col_pc < 0 || g->col_dob < 0 || g->col_sex < 0)
            die("the extract needs the columns pseudonym, postcode, date_of_birth and sex");
        g->header_done = 1;
    } else {
        g->rows++;
        person(g);
    }
    g->field = 0;
    for (int i = 0; i < 4; i++)
        g->vlen[i] = 0, g->buf[i][0] = 0, g->val[i] = g->buf[i];
}

static double parse_prob(const char *opt, const char *s)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || !(v >= 0 && v <= 1)) {
        fprintf(stderr, PROG ": %s takes a probability from 0 to 1, not '%s'\n", opt, s);
        exit(2);
    }
    return v;
}

static uint64_t parse_u64(const char *opt, const char *s)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || *s == '-') {
        fprintf(stderr, PROG ": %s takes a whole number, not '%s'\n", opt, s);
        exit(2);
    }
    return v;
}

int main(int argc, char **argv)
{
    static gen g;
    const char *extract = NULL, *out = NULL;
    uint64_t others = 1000;
    g.seed = 1;
    g.select = 0.3;
    g.decoys = 0.1;
    static const struct option opts[] = {
        {"extract", required_argument, NULL, 'e'}, {"select", required_argument, NULL, 'p'},
        {"decoys", required_argument, NULL, 'D'},  {"others", required_argument, NULL, 'n'},
        {"seed", required_argument, NULL, 's'},    {"out", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "e:p:D:n:s:o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'e':
            extract = optarg;
            break;
        case 'p':
            g.select = parse_prob("--select", optarg);
            break;
        case 'D':
            g.decoys = parse_prob("--decoys", optarg);
            break;
        case 'n':
            others = parse_u64("--others", optarg);
            break;
        case 's':
            g.seed = parse_u64("--seed", optarg);
            break;
        case 'o':
            out = optarg;
            break;
        case 'h':
            printf("usage: " PROG " --extract FILE [--select P] [--decoys P] [--others N] "
                   "[--seed S] [--out FILE]\n"
                   "  --extract FILE  a gen_extract extract (pseudonym, postcode, date_of_birth, "
                   "sex)\n"
                   "  --select P      share of its people put in the register (default 0.3)\n"
                   "  --decoys P      share of those given 1-6 look-alike entries (default 0.1)\n"
                   "  --others N      people not from the extract (default 1000)\n"
                   "  --seed S        PRNG seed (default 1)\n"
                   "  --out FILE      output (default standard output)\n");
            return 0;
        default:
            fprintf(stderr, "Try '" PROG " --help'.\n");
            return 2;
        }
    }
    if (!extract || optind < argc) {
        fprintf(stderr, PROG ": give the extract with --extract FILE (and nothing else)\n");
        return 2;
    }
    uint64_t x = g.seed;
    for (int i = 0; i < 4; i++)
        g.rng.s[i] = splitmix64(&x);
    g.col_pseudo = g.col_pc = g.col_dob = g.col_sex = -1;
    g.seen_mask = 1023;
    g.seen = calloc(g.seen_mask + 1, sizeof *g.seen);
    FILE *in = fopen(extract, "rb");
    if (!in || !g.seen) die("cannot open %s: %s", extract, strerror(errno));
    g.out = out ? fopen(out, "wb") : stdout;
    if (!g.out) die("cannot create %s: %s", out, strerror(errno));
    for (int i = 0; i < 4; i++)
        g.val[i] = g.buf[i];
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0) die("out of memory");
    fputs("name,postcode,date_of_birth,sex\n", g.out);
    static char buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        if (csv_parse(&p, buf, n, on_field, on_record, &g) != n)
            die("%s: %s", extract, csv_strerror(csv_error(&p)));
    if (ferror(in)) die("cannot read %s", extract);
    if (csv_fini(&p, on_field, on_record, &g) != 0)
        die("%s: %s", extract, csv_strerror(csv_error(&p)));
    csv_free(&p);
    fclose(in);
    uint64_t pool = g.pooled < 4096 ? g.pooled : 4096;
    if (others && !pool) die("%s: no postcode to draw the other people's from", extract);
    for (uint64_t i = 0; i < others; i++) {
        const char *pc = g.pool[rng_below(&g.rng, pool)];
        int y = 1930 + (int)rng_below(&g.rng, 76), m = 1 + (int)rng_below(&g.rng, 12);
        int d = 1 + (int)rng_below(&g.rng, 28);
        entry(&g, pc, y, m, d, rng_below(&g.rng, 2) ? 'M' : 'F');
    }
    if (g.failed || fflush(g.out) != 0 || (out && fclose(g.out) != 0))
        die("cannot write %s", out ? out : "standard output");
    fprintf(stderr, PROG ": %llu extract rows, %llu people selected, %llu register entries\n",
            (unsigned long long)g.rows, (unsigned long long)g.seen_count,
            (unsigned long long)g.entries);
    free(g.seen);
    return 0;
}
