/* metrics.c - k-anonymity, uniques, size distribution and prosecutor risk from class sizes. */
#include "metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const uint64_t bucket_lows[REID_NBUCKETS] = {1, 2, 3, 4, 5, 10, 20, 50, 100};

uint64_t reid_bucket_low(int i)
{
    return i >= 0 && i < REID_NBUCKETS ? bucket_lows[i] : 0;
}

uint64_t reid_bucket_high(int i)
{
    if (i < 0 || i >= REID_NBUCKETS) return 0;
    return i == REID_NBUCKETS - 1 ? UINT64_MAX : bucket_lows[i + 1] - 1;
}

int reid_bucket_of(uint64_t size)
{
    int b = 0;
    while (b + 1 < REID_NBUCKETS && size >= bucket_lows[b + 1])
        b++;
    return b;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

#define SMALL_SIZES 4096

int reid_metrics_compute(const reid_classtable *t, uint64_t k, reid_summary *s,
                         reid_hist_entry **hist, size_t *nhist)
{
    uint64_t *small = calloc(SMALL_SIZES, sizeof *small);
    uint64_t *large = NULL;
    size_t nlarge = 0, caplarge = 0;
    if (!small) return -1;
    s->records = t->records;
    s->classes = t->nclasses;
    s->min_size = 0;
    s->max_size = 0;
    s->threshold_k = k;
    s->records_at_risk = 0;
    memset(s->bucket_classes, 0, sizeof s->bucket_classes);
    memset(s->bucket_records, 0, sizeof s->bucket_records);
    /* one pass over the classes builds the histogram of sizes (an array for the small ones, a
     * sorted list for the rest); every other figure is read off the histogram, whose entries are
     * few, instead of per class (10 M classes: ~40 ms less on the run's serial end) */
    for (uint64_t c = 0; c < t->nclasses; c++) {
        uint64_t f = t->sizes[c];
        if (f < SMALL_SIZES) {
            small[f]++;
        } else {
            if (nlarge == caplarge) {
                caplarge = caplarge ? caplarge * 2 : 64;
                uint64_t *l = realloc(large, caplarge * sizeof *l);
                if (!l) goto oom;
                large = l;
            }
            large[nlarge++] = f;
        }
    }
    if (nlarge) qsort(large, nlarge, sizeof *large, cmp_u64); /* qsort(NULL, 0) is undefined */
    size_t n = 0, cap = 64;
    reid_hist_entry *h = malloc(cap * sizeof *h);
    if (!h) goto oom;
    for (uint64_t f = 1; f < SMALL_SIZES; f++) {
        if (!small[f]) continue;
        if (n == cap) {
            reid_hist_entry *g = realloc(h, (cap *= 2) * sizeof *g);
            if (!g) goto oom_h;
            h = g;
        }
        h[n++] = (reid_hist_entry){f, small[f]};
    }
    for (size_t i = 0; i < nlarge; i++) {
        if (n && h[n - 1].size == large[i]) {
            h[n - 1].classes++;
            continue;
        }
        if (n == cap) {
            reid_hist_entry *g = realloc(h, (cap *= 2) * sizeof *g);
            if (!g) goto oom_h;
            h = g;
        }
        h[n++] = (reid_hist_entry){large[i], 1};
    }
    /* the histogram holds every class of size >= 1; a class of size 0 (none is ever counted so) is
     * in the first bucket and makes the smallest size 0, as it did when read class by class */
    s->bucket_classes[0] += small[0];
    for (size_t i = 0; i < n; i++) {
        uint64_t f = h[i].size, m = h[i].classes;
        int b = reid_bucket_of(f);
        s->bucket_classes[b] += m;
        s->bucket_records[b] += f * m;
        if (f < k) s->records_at_risk += f * m;
    }
    if (n) {
        s->min_size = small[0] ? 0 : h[0].size;
        s->max_size = h[n - 1].size;
    }
    free(small);
    free(large);
    s->uniques = s->bucket_classes[0];
    double n_rec = (double)s->records;
    s->mean_size = s->classes ? n_rec / (double)s->classes : 0;
    s->uniques_fraction = s->records ? (double)s->uniques / n_rec : 0;
    s->records_at_risk_fraction = s->records ? (double)s->records_at_risk / n_rec : 0;
    s->prosecutor_highest = s->min_size ? 1.0 / (double)s->min_size : 0;
    s->highest_risk_records = (n && s->min_size) ? h[0].size * h[0].classes : 0;
    s->prosecutor_average = s->records ? (double)s->classes / n_rec : 0;
    *hist = h;
    *nhist = n;
    return 0;
oom_h:
    free(h);
oom:
    free(small);
    free(large);
    return -1;
}

/* Distinct fk values are few (they are sums of class sizes), classes are many: the histogram is
 * built by hashing each class's fk (its bit pattern: fk >= 1, so equal values have equal bits)
 * into a small table of distinct values (reid_fk_agg, metrics.h), and only those are sorted.
 * O(u) instead of a sort of u. */
static size_t fk_slot(uint64_t bits, size_t mask)
{
    bits ^= bits >> 33;
    bits *= 0xff51afd7ed558ccdull;
    bits ^= bits >> 33;
    return (size_t)bits & mask;
}

static int fk_agg_grow(reid_fk_agg *g)
{
    size_t ncap = g->cap ? 2 * g->cap : 64;
    reid_fk_entry *e = realloc(g->e, ncap * sizeof *e);
    if (!e) return -1;
    g->e = e;
    g->cap = ncap;
    size_t nslots = 2 * ncap;
    uint64_t *sl = calloc(nslots, sizeof *sl);
    if (!sl) return -1;
    free(g->slots);
    g->slots = sl;
    g->mask = nslots - 1;
    for (size_t i = 0; i < g->n; i++) {
        size_t p = fk_slot(reid_fk_bits(g->e[i].fk), g->mask);
        while (g->slots[p])
            p = (p + 1) & g->mask;
        g->slots[p] = i + 1;
    }
    return 0;
}

void reid_fk_agg_add_slow(reid_fk_agg *g, double x, uint64_t b, uint64_t patterns, uint64_t f)
{
    if (g->oom) return;
    if (g->n == g->cap && fk_agg_grow(g) != 0) {
        g->oom = 1;
        return;
    }
    size_t p = fk_slot(b, g->mask);
    for (;; p = (p + 1) & g->mask) {
        uint64_t s = g->slots[p];
        if (!s) break;
        reid_fk_entry *e = &g->e[s - 1];
        if (reid_fk_bits(e->fk) == b) {
            e->patterns += patterns;
            e->records += f;
            g->last = s - 1;
            g->last_bits = b;
            return;
        }
    }
    g->e[g->n] = (reid_fk_entry){x, patterns, f};
    g->last = g->n;
    g->last_bits = b;
    g->slots[p] = ++g->n;
}

int reid_fk_agg_merge(reid_fk_agg *dst, const reid_fk_agg *src)
{
    for (size_t i = 0; i < src->n && !dst->oom; i++) {
        const reid_fk_entry *e = &src->e[i];
        reid_fk_agg_add_slow(dst, e->fk, reid_fk_bits(e->fk), e->patterns, e->records);
    }
    return dst->oom || src->oom ? -1 : 0;
}

void reid_fk_agg_free(reid_fk_agg *g)
{
    free(g->slots);
    free(g->e);
    memset(g, 0, sizeof *g);
}

static int cmp_fk(const void *a, const void *b)
{
    double x = ((const reid_fk_entry *)a)->fk, y = ((const reid_fk_entry *)b)->fk;
    return (x > y) - (x < y);
}

int reid_metrics_wildcard(const reid_classtable *t, const double *fk, uint64_t k, reid_summary *s,
                          reid_fk_entry **hist, size_t *nhist)
{
    /* one pass over the classes only gathers the distinct fk values (a run of classes with the
     * same value, the common case of unmatched unique classes, skips the hash); every figure is
     * then read from those few values */
    reid_fk_agg g = {0};
    reid_fk_agg_add_all(&g, t, fk);
    return reid_metrics_wildcard_agg(t, &g, k, s, hist, nhist);
}

void reid_fk_agg_add_all(reid_fk_agg *g, const reid_classtable *t, const double *fk)
{
    for (uint64_t c = 0; c < t->nclasses && !g->oom; c++)
        reid_fk_agg_add(g, fk[c], t->sizes[c]);
}

int reid_metrics_wildcard_agg(const reid_classtable *t, reid_fk_agg *g, uint64_t k, reid_summary *s,
                              reid_fk_entry **hist, size_t *nhist)
{
    double n = (double)t->records, kd = (double)k;
    double sum_fk = 0, sum_inv = 0;
    if (g->oom) {
        reid_fk_agg_free(g);
        return -1;
    }
    s->uniques = 0;
    s->records_at_risk = 0;
    memset(s->bucket_classes, 0, sizeof s->bucket_classes);
    memset(s->bucket_records, 0, sizeof s->bucket_records);
    free(g->slots);
    reid_fk_entry *h = g->e ? g->e : malloc(sizeof *h);
    size_t m = g->n;
    memset(g, 0, sizeof *g); /* its entries are the histogram now */
    if (!h) return -1;
    if (m) qsort(h, m, sizeof *h, cmp_fk);
    for (size_t i = 0; i < m; i++) {
        const reid_fk_entry *e = &h[i];
        double x = e->fk, r = (double)e->records;
        sum_fk += r * x;
        sum_inv += r / x;
        if (x < 2) s->uniques += e->records;
        if (x < kd) s->records_at_risk += e->records;
        int b = reid_bucket_of((uint64_t)floor(x));
        s->bucket_classes[b] += e->patterns;
        s->bucket_records[b] += e->records;
    }
    double lo = m ? h[0].fk : 0, hi = m ? h[m - 1].fk : 0;
    s->min_size = (uint64_t)floor(lo);
    s->max_size = (uint64_t)floor(hi);
    s->mean_size = n > 0 ? sum_fk / n : 0;
    s->uniques_fraction = n > 0 ? (double)s->uniques / n : 0;
    s->records_at_risk_fraction = n > 0 ? (double)s->records_at_risk / n : 0;
    s->prosecutor_highest = lo > 0 ? 1 / lo : 0;
    s->highest_risk_records = m ? h[0].records : 0;
    s->prosecutor_average = n > 0 ? sum_inv / n : 0;
    *hist = h;
    *nhist = m;
    return 0;
}
