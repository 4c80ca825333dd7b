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
    for (uint64_t c = 0; c < t->nclasses; c++) {
        uint64_t f = t->sizes[c];
        if (c == 0 || f < s->min_size) s->min_size = f;
        if (f > s->max_size) s->max_size = f;
        if (f < k) s->records_at_risk += f;
        int b = reid_bucket_of(f);
        s->bucket_classes[b]++;
        s->bucket_records[b] += f;
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

typedef struct fk_ix {
    double fk;
    uint64_t f;
} fk_ix;

static int cmp_fk(const void *a, const void *b)
{
    double x = ((const fk_ix *)a)->fk, y = ((const fk_ix *)b)->fk;
    return (x > y) - (x < y);
}

int reid_metrics_wildcard(const reid_classtable *t, const double *fk, uint64_t k, reid_summary *s,
                          reid_fk_entry **hist, size_t *nhist)
{
    uint64_t u = t->nclasses;
    fk_ix *v = malloc((u ? u : 1) * sizeof *v);
    if (!v) return -1;
    double n = (double)t->records, kd = (double)k;
    double sum_fk = 0, sum_inv = 0;
    s->uniques = 0;
    s->records_at_risk = 0;
    memset(s->bucket_classes, 0, sizeof s->bucket_classes);
    memset(s->bucket_records, 0, sizeof s->bucket_records);
    for (uint64_t c = 0; c < u; c++) {
        uint64_t f = t->sizes[c];
        double x = fk[c];
        v[c] = (fk_ix){x, f};
        sum_fk += (double)f * x;
        sum_inv += (double)f / x;
        if (x < 2) s->uniques += f;
        if (x < kd) s->records_at_risk += f;
        int b = reid_bucket_of((uint64_t)floor(x));
        s->bucket_classes[b]++;
        s->bucket_records[b] += f;
    }
    if (u) qsort(v, u, sizeof *v, cmp_fk);
    reid_fk_entry *h = malloc((u ? u : 1) * sizeof *h);
    if (!h) {
        free(v);
        return -1;
    }
    size_t m = 0;
    for (uint64_t i = 0; i < u; i++) {
        if (m && h[m - 1].fk == v[i].fk) {
            h[m - 1].patterns++;
            h[m - 1].records += v[i].f;
        } else {
            h[m++] = (reid_fk_entry){v[i].fk, 1, v[i].f};
        }
    }
    free(v);
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
