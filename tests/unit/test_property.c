/*
 * test_property.c - random CSV through the public API against a simple reference.
 *
 * For several seeds: random columns (1..4 QIs of random kinds, plus a noise
 * column), random spellings of the same value (case, spaces, quoting, leading
 * zeros, postcode spacing), random missing spellings, random line ends,
 * random delimiter (sniffed), fed in random chunks. The reference writes
 * down each record's canonical tuple, sorts the joined tuples with qsort and
 * counts runs; every class the library reports must be one run of the same
 * size. Then the same input split in two halves, analysed separately and
 * merged with reid_merge, must give the same classes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reid.h"
#include "unit_helpers.h"

#define MISSING "\x01"
#define SEP '\x1f'

static size_t below(uint64_t *s, size_t n)
{
    return (size_t)(unit_rng_next(s) % n);
}

/* ---- a growable string ---- */

typedef struct sbuf {
    char *p;
    size_t len, cap;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n + 1)
            cap *= 2;
        b->p = realloc(b->p, cap);
        assert_non_null(b->p);
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}

static void sb_str(sbuf *b, const char *s)
{
    sb_add(b, s, strlen(s));
}

static void sb_chr(sbuf *b, char c)
{
    sb_add(b, &c, 1);
}

/* ---- the generator ---- */

enum kind { K_TEXT_SMALL, K_TEXT_LARGE, K_POSTCODE, K_AGE, NKINDS };

static const char *const kind_type[NKINDS] = {"text", "text", "postcode", "age"};

static const char *const small_alpha[] = {"a", "b", "c", "A", "long value"};
static const char *const postcodes[] = {"SW1A 1AA", "M1 1AE",   "EC1A 1BB", "B33 8TH",
                                        "CR2 6XH",  "DN55 1PT", "W1A 0AX"};
static const char *const missing_spellings[] = {"",     "NA",   "na", "N/A",  "n/a",
                                                "NULL", "null", "?",  " NA ", "  "};

#define NELEM(a) (sizeof(a) / sizeof *(a))

/* Write field text (quoted if asked or needed) to b. */
static void put_field(sbuf *b, const char *text, int quote)
{
    if (!quote && (strchr(text, '"') || strchr(text, ',') || strchr(text, '\n'))) quote = 1;
    if (!quote) {
        sb_str(b, text);
        return;
    }
    sb_chr(b, '"');
    for (const char *p = text; *p; p++) {
        if (*p == '"') sb_chr(b, '"');
        sb_chr(b, *p);
    }
    sb_chr(b, '"');
}

static void lower_copy(char *out, const char *s)
{
    for (; *s; s++)
        *out++ = (char)(*s >= 'A' && *s <= 'Z' ? *s + 32 : *s);
    *out = 0;
}

/*
 * One value of a column: its canonical form (what the library must make of it) in canon,
 * and a spelling in spelled.
 */
static void gen_value(uint64_t *s, enum kind k, size_t nrows, char *canon, char *spelled)
{
    if (below(s, 8) == 0) {
        strcpy(canon, MISSING);
        strcpy(spelled, missing_spellings[below(s, NELEM(missing_spellings))]);
        return;
    }
    switch (k) {
    case K_TEXT_SMALL: {
        const char *v = small_alpha[below(s, NELEM(small_alpha))];
        strcpy(canon, v);
        if (below(s, 3) == 0)
            sprintf(spelled, "  %s ", v);
        else
            strcpy(spelled, v);
        break;
    }
    case K_TEXT_LARGE: {
        unsigned u = (unsigned)below(s, nrows * 2 + 1);
        switch (below(s, 10)) {
        case 0:
            sprintf(canon, "x,\"%u", u);
            break; /* delimiter and quote inside */
        case 1:
            sprintf(canon, "multi\nline %u", u);
            break;
        default:
            sprintf(canon, "v%u", u);
            break;
        }
        strcpy(spelled, canon);
        break;
    }
    case K_POSTCODE: {
        const char *pc = postcodes[below(s, NELEM(postcodes))];
        strcpy(canon, pc);
        char nospace[16];
        size_t j = 0;
        for (const char *p = pc; *p; p++)
            if (*p != ' ') nospace[j++] = *p;
        nospace[j] = 0;
        switch (below(s, 5)) {
        case 0:
            strcpy(spelled, pc);
            break;
        case 1:
            lower_copy(spelled, pc);
            break;
        case 2:
            strcpy(spelled, nospace);
            break;
        case 3:
            lower_copy(spelled, nospace);
            break;
        default: {
            /* extra spaces around and inside */
            const char *sp = strchr(pc, ' ');
            sprintf(spelled, " %.*s   %s ", (int)(sp - pc), pc, sp + 1);
            break;
        }
        }
        break;
    }
    case K_AGE: {
        unsigned age = (unsigned)below(s, 100);
        sprintf(canon, "%u", age);
        switch (below(s, 3)) {
        case 0:
            sprintf(spelled, "%u", age);
            break;
        case 1:
            sprintf(spelled, "%03u", age);
            break;
        default:
            sprintf(spelled, " 0%u ", age);
            break;
        }
        break;
    }
    default:
        fail();
    }
}

typedef struct dataset {
    size_t q, ncols, nrows;
    size_t qcol[4];    /* column of QI i */
    enum kind kind[4]; /* kind of QI i */
    char qis[128];     /* the --qi list */
    sbuf text;         /* the whole CSV */
    size_t header_len; /* bytes of the header line */
    size_t *row_off;   /* start of each data row in text; row_off[nrows] = text.len */
    char **tuple;      /* canonical joined tuple of each row */
    char **canon;      /* canonical value of QI i of row r: canon[r * q + i] */
} dataset;

static void dataset_free(dataset *d)
{
    for (size_t r = 0; r < d->nrows; r++) {
        free(d->tuple[r]);
        for (size_t i = 0; i < d->q; i++)
            free(d->canon[r * d->q + i]);
    }
    free(d->tuple);
    free(d->canon);
    free(d->row_off);
    free(d->text.p);
}

static void generate(uint64_t seed, size_t nrows, dataset *d)
{
    memset(d, 0, sizeof *d);
    uint64_t s = seed * 0x9E3779B97F4A7C15ull + 1;
    d->q = 1 + below(&s, 4);
    d->ncols = d->q + 1;
    d->nrows = nrows;
    size_t noise = below(&s, d->ncols); /* the column that is not a QI */
    static const char delims[] = {',', ';', '\t', '|'};
    char delim = delims[below(&s, 4)];
    for (size_t c = 0, i = 0; c < d->ncols; c++)
        if (c != noise) d->qcol[i++] = c;
    size_t used = 0;
    for (size_t i = 0; i < d->q; i++) {
        d->kind[i] = (enum kind)below(&s, NKINDS);
        used += (size_t)snprintf(d->qis + used, sizeof d->qis - used, "%sc%zu:%s", i ? "," : "",
                                 d->qcol[i], kind_type[d->kind[i]]);
    }
    /* header */
    for (size_t c = 0; c < d->ncols; c++) {
        char name[16];
        snprintf(name, sizeof name, "c%u", (unsigned)c);
        if (c) sb_chr(&d->text, delim);
        sb_str(&d->text, name);
    }
    sb_chr(&d->text, '\n');
    d->header_len = d->text.len;

    d->row_off = calloc(nrows + 1, sizeof *d->row_off);
    d->tuple = calloc(nrows, sizeof *d->tuple);
    d->canon = calloc(nrows * d->q, sizeof *d->canon);
    assert_non_null(d->row_off);
    assert_non_null(d->tuple);
    assert_non_null(d->canon);
    static const char *const eols[] = {"\n", "\r\n", "\r", "\n"};
    for (size_t r = 0; r < nrows; r++) {
        d->row_off[r] = d->text.len;
        sbuf t = {0};
        for (size_t c = 0, i = 0; c < d->ncols; c++) {
            char canon[64], spelled[64];
            if (c == noise) {
                if (below(&s, 4))
                    snprintf(spelled, sizeof spelled, "n%zu", below(&s, 1000));
                else
                    spelled[0] = 0;
            } else {
                gen_value(&s, d->kind[i], nrows, canon, spelled);
                if (i) sb_chr(&t, SEP);
                sb_str(&t, canon);
                d->canon[r * d->q + i] = strdup(canon);
                assert_non_null(d->canon[r * d->q + i]);
                i++;
            }
            if (c) sb_chr(&d->text, delim);
            put_field(&d->text, spelled, below(&s, 5) == 0);
        }
        d->tuple[r] = t.p;
        sb_str(&d->text, eols[below(&s, 4)]);
    }
    d->row_off[nrows] = d->text.len;
}

/* ---- the reference: sorted tuples, runs ---- */

typedef struct run {
    const char *tuple;
    uint64_t size;
    int seen;
} run;

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_run(const void *key, const void *elem)
{
    return strcmp((const char *)key, ((const run *)elem)->tuple);
}

/* Runs of equal tuples among rows [from, to) of d. */
static run *reference(const dataset *d, size_t from, size_t to, size_t *nruns)
{
    size_t n = to - from;
    const char **sorted = malloc((n ? n : 1) * sizeof *sorted);
    run *runs = calloc(n ? n : 1, sizeof *runs);
    assert_non_null(sorted);
    assert_non_null(runs);
    for (size_t r = 0; r < n; r++)
        sorted[r] = d->tuple[from + r];
    qsort(sorted, n, sizeof *sorted, cmp_str);
    size_t m = 0;
    for (size_t r = 0; r < n; r++) {
        if (m && strcmp(runs[m - 1].tuple, sorted[r]) == 0) {
            runs[m - 1].size++;
        } else {
            runs[m].tuple = sorted[r];
            runs[m].size = 1;
            m++;
        }
    }
    free(sorted);
    *nruns = m;
    return runs;
}

/* ---- comparing ---- */

typedef struct check {
    const reid_analysis *a;
    size_t q;
    run *runs;
    size_t nruns;
    uint64_t classes, records;
    int failed;
    sbuf buf;
    int quiet; /* a mismatch is expected: do not print it */
} check;

static int on_class(const uint32_t *ids, uint64_t size, void *user)
{
    check *c = user;
    c->buf.len = 0;
    for (size_t i = 0; i < c->q; i++) {
        if (i) sb_chr(&c->buf, SEP);
        if (ids[i] == 0) {
            sb_str(&c->buf, MISSING);
            continue;
        }
        size_t len = 0;
        const char *v = reid_value(c->a, i, ids[i], &len);
        if (!v) {
            print_error("QI %zu: no value for id %u\n", i, ids[i]);
            c->failed = 1;
            return 1;
        }
        sb_add(&c->buf, v, len);
    }
    if (!c->buf.p) sb_str(&c->buf, "");
    run *r = bsearch(c->buf.p, c->runs, c->nruns, sizeof *c->runs, cmp_run);
    if (!r || r->seen || r->size != size) {
        c->failed = 1;
        if (c->quiet) return 1;
        print_error("class '%s' of size %llu: %s\n", c->buf.p, (unsigned long long)size,
                    !r        ? "not in the reference"
                    : r->seen ? "reported twice"
                              : "wrong size");
        if (r) print_error("  reference size %llu\n", (unsigned long long)r->size);
        return 1;
    }
    r->seen = 1;
    c->classes++;
    c->records += size;
    return 0;
}

/* Every class of a is one run of the reference, and the summary agrees with it. */
static void compare(const reid_analysis *a, const dataset *d, run *runs, size_t nruns,
                    size_t nrecords)
{
    for (size_t i = 0; i < nruns; i++)
        runs[i].seen = 0;
    check c = {a, d->q, runs, nruns, 0, 0, 0, {0}, 0};
    assert_int_equal(reid_classes_foreach(a, on_class, &c), REID_OK);
    free(c.buf.p);
    assert_false(c.failed);
    assert_int_equal(c.classes, nruns);
    assert_int_equal(c.records, nrecords);

    uint64_t min = UINT64_MAX, max = 0, uniques = 0, at_risk = 0;
    for (size_t i = 0; i < nruns; i++) {
        uint64_t f = runs[i].size;
        if (f < min) min = f;
        if (f > max) max = f;
        uniques += f == 1;
        if (f < 5) at_risk += f;
    }
    const reid_summary *s = reid_summary_get(a);
    assert_non_null(s);
    assert_int_equal(s->records, nrecords);
    assert_int_equal(s->classes, nruns);
    assert_int_equal(s->min_size, min);
    assert_int_equal(s->max_size, max);
    assert_int_equal(s->uniques, uniques);
    assert_int_equal(s->records_at_risk, at_risk);
    assert_int_equal(reid_qi_count(a), d->q);

    /* per QI: distinct non-missing values and missing count */
    for (size_t i = 0; i < d->q; i++) {
        const char **vals = malloc(nrecords * sizeof *vals);
        assert_non_null(vals);
        size_t nv = 0, missing = 0;
        for (size_t r = 0; r < d->nrows; r++) {
            const char *v = d->canon[r * d->q + i];
            if (strcmp(v, MISSING) == 0)
                missing++;
            else
                vals[nv++] = v;
        }
        qsort(vals, nv, sizeof *vals, cmp_str);
        size_t distinct = 0;
        for (size_t k = 0; k < nv; k++)
            distinct += k == 0 || strcmp(vals[k - 1], vals[k]) != 0;
        free(vals);
        reid_qi_info info;
        assert_int_equal(reid_qi_get(a, i, &info), REID_OK);
        assert_int_equal(info.column, d->qcol[i] + 1);
        assert_int_equal(info.distinct, distinct);
        assert_int_equal(info.missing, missing);
        assert_int_equal(info.unrecognised, 0);
    }
}

static reid_analysis *analyse(const reid_config *cfg, const char *data, size_t len, uint64_t *s)
{
    size_t chunk = below(s, 4) == 0 ? 0 : 1 + below(s, 5000);
    reid_analysis *a = run_csv_chunked(cfg, "prop.csv", data, len, chunk);
    assert_analysis_ok(a);
    return a;
}

static void one_seed(uint64_t seed, size_t nrows)
{
    dataset d;
    generate(seed, nrows, &d);
    uint64_t s = seed ^ 0xABCDEFull;
    /* counting on a second thread, and on the caller's thread only: identical figures */
    reid_config *cfg = cfg_qis(d.qis);
    assert_int_equal(reid_config_set_threads(cfg, 2), REID_OK);
    reid_config *cfg1 = cfg_qis(d.qis);
    assert_int_equal(reid_config_set_threads(cfg1, 1), REID_OK);

    size_t nruns;
    run *runs = reference(&d, 0, d.nrows, &nruns);
    reid_analysis *whole = analyse(cfg, d.text.p, d.text.len, &s);
    assert_int_equal(reid_threads(whole), 2);
    compare(whole, &d, runs, nruns, d.nrows);
    reid_analysis *single = analyse(cfg1, d.text.p, d.text.len, &s);
    assert_int_equal(reid_threads(single), 1);
    compare(single, &d, runs, nruns, d.nrows);
    reid_analysis_free(single);

    /* two halves, split at a random row, each with the header, merged */
    size_t m = 1 + below(&s, d.nrows - 1);
    sbuf first = {0}, second = {0};
    sb_add(&first, d.text.p, d.row_off[m]);
    sb_add(&second, d.text.p, d.header_len);
    sb_add(&second, d.text.p + d.row_off[m], d.text.len - d.row_off[m]);
    reid_analysis *a = analyse(cfg, first.p, first.len, &s);
    reid_analysis *b = analyse(cfg, second.p, second.len, &s);

    size_t na, nb;
    run *ra = reference(&d, 0, m, &na);
    run *rb = reference(&d, m, d.nrows, &nb);
    assert_int_equal(reid_summary_get(a)->records, m);
    assert_int_equal(reid_summary_get(a)->classes, na);
    assert_int_equal(reid_summary_get(b)->classes, nb);

    assert_int_equal(reid_merge(a, b), REID_OK);
    compare(a, &d, runs, nruns, d.nrows);
    /* b is unchanged by the merge */
    assert_int_equal(reid_summary_get(b)->records, d.nrows - m);
    assert_int_equal(reid_summary_get(b)->classes, nb);
    /* the histograms agree too */
    size_t hw, hm;
    const reid_hist_entry *h1 = reid_histogram(whole, &hw);
    const reid_hist_entry *h2 = reid_histogram(a, &hm);
    assert_int_equal(hw, hm);
    for (size_t i = 0; i < hw; i++) {
        assert_int_equal(h1[i].size, h2[i].size);
        assert_int_equal(h1[i].classes, h2[i].classes);
    }

    reid_analysis_free(whole);
    reid_analysis_free(a);
    reid_analysis_free(b);
    free(ra);
    free(rb);
    free(runs);
    free(first.p);
    free(second.p);
    reid_config_free(cfg);
    reid_config_free(cfg1);
    dataset_free(&d);
}

static void test_random_small(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 12; seed++) {
        uint64_t s = seed;
        one_seed(seed, 200 + below(&s, 2800));
    }
}

static void test_random_large(void **state)
{
    (void)state;
    one_seed(1001, 40000);
    one_seed(1002, 25000);
}

/* Sanity of the generator itself: the reference must tell different data apart. */
static void test_reference_detects_a_change(void **state)
{
    (void)state;
    dataset d;
    generate(5, 500, &d);
    size_t nruns;
    run *runs = reference(&d, 0, d.nrows, &nruns);
    /* analyse a copy in which one QI value of the first row is changed to a fresh value */
    sbuf t = {0};
    sb_add(&t, d.text.p, d.header_len);
    /* rebuild the first row: every field "zz_fresh" */
    char delim = d.text.p[2]; /* the header is c0<delim>c1... */
    for (size_t c = 0; c < d.ncols; c++) {
        if (c) sb_chr(&t, delim);
        sb_str(&t, "zz_fresh");
    }
    sb_chr(&t, '\n');
    sb_add(&t, d.text.p + d.row_off[1], d.text.len - d.row_off[1]);
    reid_config *cfg = cfg_qis(d.qis);
    reid_analysis *a = run_csv_chunked(cfg, "x.csv", t.p, t.len, 0);
    assert_analysis_ok(a);
    check c = {a, d.q, runs, nruns, 0, 0, 0, {0}, 1};
    assert_int_equal(reid_classes_foreach(a, on_class, &c), REID_OK);
    free(c.buf.p);
    assert_true(c.failed); /* the fresh tuple is not in the reference */
    reid_analysis_free(a);
    reid_config_free(cfg);
    free(runs);
    free(t.p);
    dataset_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_small),
        cmocka_unit_test(test_random_large),
        cmocka_unit_test(test_reference_detects_a_change),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
