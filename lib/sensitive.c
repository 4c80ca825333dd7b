/* sensitive.c - disclosure measures of a sensitive column from the pair tables (sensitive.h). */
#include "sensitive.h"

#include "bigmem.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint64_t reid_sensitive_recursive_l(const uint64_t *r, size_t m, double c)
{
    /* the tail r_l + ... + r_m grows as l falls: the first l (from m down) that holds is the
     * largest */
    double tail = 0;
    for (size_t l = m; l >= 1; l--) {
        tail += (double)r[l - 1];
        if ((double)r[0] < c * tail) return l;
    }
    return 1;
}

/* A finite decimal number (digits, '.', 'e', signs), as the weights are read. */
static int read_number(const char *s, size_t len, double *out)
{
    char buf[64];
    if (len == 0 || len >= sizeof buf) return 0;
    for (size_t i = 0; i < len; i++) {
        char ch = s[i];
        if (!((ch >= '0' && ch <= '9') || ch == '.' || ch == 'e' || ch == 'E' || ch == '+' ||
              ch == '-'))
            return 0;
    }
    memcpy(buf, s, len);
    buf[len] = 0;
    char *end;
    double v = strtod(buf, &end);
    if (end != buf + len || !isfinite(v)) return 0;
    *out = v;
    return 1;
}

typedef struct idval {
    double v;
    uint32_t id;
} idval;

static int cmp_idval(const void *x, const void *y)
{
    const idval *a = x, *b = y;
    if (a->v != b->v) return a->v < b->v ? -1 : 1;
    return a->id < b->id ? -1 : a->id > b->id;
}

/* rank[id] for a numeric column: the position of its number among the distinct numbers (equal
 * numbers share a rank), "missing" (id 0) after the largest. 1 numeric, 0 not, -1 out of memory. */
static int numeric_ranks(const reid_dict *d, uint32_t *rank, uint32_t *nranks)
{
    uint32_t V = d->count;
    if (V < 2) return 0;
    idval *iv = malloc((size_t)(V - 1) * sizeof *iv);
    if (!iv) return -1;
    for (uint32_t id = 1; id < V; id++) {
        size_t len;
        const char *s = reid_dict_value(d, id, &len);
        if (!read_number(s, len, &iv[id - 1].v)) {
            free(iv);
            return 0;
        }
        iv[id - 1].id = id;
    }
    qsort(iv, V - 1, sizeof *iv, cmp_idval);
    uint32_t r = 0;
    for (uint32_t i = 0; i < V - 1; i++) {
        if (i && iv[i].v != iv[i - 1].v) r++;
        rank[iv[i].id] = r;
    }
    rank[0] = r + 1;
    *nranks = r + 2; /* the caller drops the last rank when nothing is missing */
    free(iv);
    return 1;
}

typedef struct rankcount {
    uint32_t rank;
    uint64_t count;
} rankcount;

static int cmp_rank(const void *x, const void *y)
{
    const rankcount *a = x, *b = y;
    return a->rank < b->rank ? -1 : a->rank > b->rank;
}

static int cmp_desc(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a > b ? -1 : a < b;
}

/* Classes of at most this many records have their q log q read from a table. */
#define QLOG_MAX 32

/* A class's counts in descending order. Most classes have a handful of values: an insertion sort
 * for those, qsort for the rest (ties are equal counts, so the result is the same either way). */
#define SMALL_SORT 16

static void sort_desc(uint64_t *r, size_t k)
{
    if (k > SMALL_SORT) {
        qsort(r, k, sizeof *r, cmp_desc);
        return;
    }
    for (size_t i = 1; i < k; i++) {
        uint64_t v = r[i];
        size_t j = i;
        for (; j > 0 && r[j - 1] < v; j--)
            r[j] = r[j - 1];
        r[j] = v;
    }
}

/* sum over i in [a, b) of |Q - Pc[i]|, Pc non-decreasing, S[i] = Pc[0] + ... + Pc[i-1] */
static double segment(const double *Pc, const double *S, size_t a, size_t b, double Q)
{
    if (a >= b) return 0;
    size_t lo = a, hi = b; /* first x in [a, b) with Pc[x] >= Q, or b */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (Pc[mid] < Q)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t x = lo;
    return Q * (double)(x - a) - (S[x] - S[a]) + (S[b] - S[x]) - Q * (double)(b - x);
}

int reid_sensitive_dist_init(reid_sensitive_dist *d, const reid_classtable *classes, unsigned sm,
                             const reid_pairlog *pairs)
{
    const uint64_t U = classes->nclasses;
    memset(d, 0, sizeof *d);
    /* the pairs must be folded (sorted by class), and name classes of this table */
    if (sm >= classes->ns || U > UINT32_MAX || pairs->nlog != 0 ||
        (pairs->n && reid_pairlog_class(pairs, pairs->n - 1) >= U))
        return -1;
    d->classes = classes;
    d->pairs = pairs;
    d->sm = sm;
    d->np = pairs->n;
    d->maxent = pairs->maxrun + 1; /* and the first value */
    return 0;
}

void reid_sensitive_dist_free(reid_sensitive_dist *d)
{
    memset(d, 0, sizeof *d);
}

size_t reid_sensitive_dist_seek(const reid_sensitive_dist *d, uint64_t ci)
{
    return reid_pairlog_seek(d->pairs, ci);
}

size_t reid_sensitive_dist_next(const reid_sensitive_dist *d, uint64_t ci, size_t *cur,
                                uint32_t *ids, uint64_t *counts)
{
    const reid_pairlog *pairs = d->pairs;
    uint64_t rest = 0;
    size_t k = 1, e = *cur;
    for (; e < d->np && reid_pairlog_class(pairs, e) == ci; e++) {
        ids[k] = reid_pairlog_value(pairs, e);
        counts[k] = pairs->cnt[e];
        rest += counts[k++];
    }
    *cur = e;
    /* the first value: the records no pair holds (at least its first record's) */
    uint64_t size = d->classes->sizes[ci];
    ids[0] = reid_classtable_first(d->classes, ci, d->sm);
    counts[0] = size > rest ? size - rest : 0;
    if (counts[0]) return k;
    memmove(ids, ids + 1, (k - 1) * sizeof *ids); /* cannot happen: keep the counts exact anyway */
    memmove(counts, counts + 1, (k - 1) * sizeof *counts);
    return k - 1;
}

size_t reid_sensitive_dist_class(const reid_sensitive_dist *d, uint64_t ci, uint32_t *ids,
                                 uint64_t *counts)
{
    size_t cur = reid_sensitive_dist_seek(d, ci);
    return reid_sensitive_dist_next(d, ci, &cur, ids, counts);
}

/* What the measures read, shared by the threads that take a range of classes each. */
typedef struct sens_ctx {
    const reid_classtable *classes;
    const reid_sensitive_dist *dist;
    const double *p, *nlogp, *loginv, *Pc, *S;
    const uint32_t *rank;
    uint32_t V, m;
    int numeric;
    double c;
} sens_ctx;

/* The measures over classes [lo, hi): minima, maxima and counts, so that ranges combine exactly. */
typedef struct sens_part {
    const sens_ctx *x;
    uint64_t lo, hi;
    uint64_t l_distinct, rec_l, hom_classes, hom_records;
    double l_entropy, t, alpha, beta, delta;
    int enhanced_none;
    int rc;
    pthread_t thread;
} sens_part;

static void measure_range(sens_part *o)
{
    const sens_ctx *x = o->x;
    const reid_classtable *classes = x->classes;
    const double *p = x->p, *nlogp = x->nlogp, *loginv = x->loginv;
    const size_t maxent = x->dist->maxent;
    const int numeric = x->numeric;
    const uint32_t m = x->m;
    uint32_t *eid = malloc(maxent * sizeof *eid);
    uint64_t *ecnt = malloc(maxent * sizeof *ecnt), *r = malloc(maxent * sizeof *r);
    rankcount *rcs = malloc(maxent * sizeof *rcs);
    unsigned char *seen1 = calloc(x->V ? x->V : 1, 1); /* a class with only this value was seen */
    o->rc = -1;
    if (!eid || !ecnt || !r || !rcs || !seen1) goto done;
    uint64_t l_distinct = UINT64_MAX, rec_l = UINT64_MAX, hom_classes = 0, hom_records = 0;
    double l_entropy = INFINITY, t = 0, alpha = 0, beta = 0, delta = 0;
    int enhanced_none = 0;
    /* Logarithms skipped where their result cannot matter, every figure bit for bit the same:
     * - q log q of a class of at most QLOG_MAX records read from a table filled with the same
     *   expression (q = cnt / f);
     * - log(q / p) of delta computed only when the ratio lies outside (rlo, rhi), bounds just
     *   inside exp(-delta) and exp(delta) (a margin of 1e-9, far above the functions' rounding;
     *   |log(q / p)| <= log(records) < 45, so the bounds are normal numbers), so a skipped value
     *   is certainly below the maximum so far;
     * - exp(H) of the entropy l computed only when H is below log(l_entropy) + 1e-9, likewise. */
    double qlogq[QLOG_MAX + 1][QLOG_MAX + 1];
    for (unsigned fi = 1; fi <= QLOG_MAX; fi++)
        for (unsigned c = 1; c < fi; c++) {
            double qv = (double)c / (double)fi;
            qlogq[fi][c] = qv * log(qv);
        }
    double rlo = 1, rhi = 1, hcut = INFINITY;
    const reid_sensitive_dist *dist = x->dist;
    size_t cur = reid_sensitive_dist_seek(dist, o->lo);
    for (uint64_t ci = o->lo; ci < o->hi; ci++) {
        /* The classes before the next one with pairs hold one value each (homogeneous): those
         * whose value a class before them had are only counted, in a tight loop that reads their
         * first value and size; the first with a new value goes on below. */
        const uint64_t next = cur < dist->np ? reid_pairlog_class(dist->pairs, cur) : UINT64_MAX;
        if (ci < next) {
            const uint64_t end = next < o->hi ? next : o->hi;
            const unsigned sm = dist->sm;
            uint64_t c = ci;
            for (; c < end; c++) {
                uint32_t v = reid_classtable_first(classes, c, sm);
                if (v >= x->V || !seen1[v]) break; /* (v < V always: ids are the dict's) */
                hom_records += classes->sizes[c];
            }
            hom_classes += c - ci;
            if (c == end) {
                ci = end - 1; /* the loop's step takes it to end */
                continue;
            }
            ci = c;
        }
        const uint64_t f = classes->sizes[ci];
        const double nE = (double)f;
        double H = 0, tsum = 0, psum = 0;
        const uint64_t k = reid_sensitive_dist_next(x->dist, ci, &cur, eid, ecnt); /* distinct */
        /* A class with one value v (most classes, when most are unique) contributes exactly what
         * the first such class with v did: its share of v is 1 whatever its size, so every
         * measure below takes the same value (an entropy of 0, recursive l of 1, the same
         * distances to the global distribution); only the homogeneous counts need it. The
         * measures are minima and maxima, so skipping it leaves them bit for bit the same. */
        if (k == 1 && seen1[eid[0]]) {
            hom_classes++;
            hom_records += f;
            continue;
        }
        if (k == 1) seen1[eid[0]] = 1;
        for (uint64_t j = 0; j < k; j++) {
            uint64_t cnt = ecnt[j];
            uint32_t id = eid[j];
            double qv = (double)cnt / nE, pv = p[id];
            /* a class with one value (most of them) needs no logarithm of its own: qv = 1, and
             * log(1 / pv) and -log(pv) are taken from the per-value tables, bit for bit the
             * same numbers as computing them here */
            if (qv != 1) H -= f <= QLOG_MAX ? qlogq[f][cnt] : qv * log(qv);
            if (qv > alpha) alpha = qv;
            double d = (qv - pv) / pv;
            if (d > beta) beta = d;
            if (qv > pv && d > nlogp[id]) enhanced_none = 1;
            double lr = -1;
            if (qv == 1) {
                lr = fabs(loginv[id]);
            } else {
                double ratio = qv / pv;
                if (!(ratio > rlo && ratio < rhi)) lr = fabs(log(ratio));
            }
            if (lr > delta) {
                delta = lr;
                rhi = exp(delta) * (1 - 1e-9);
                rlo = exp(-delta) * (1 + 1e-9);
            }
            tsum += fabs(qv - pv);
            psum += pv;
            r[j] = cnt;
            rcs[j].rank = numeric ? x->rank[id] : 0;
            rcs[j].count = cnt;
        }
        if (k < l_distinct) l_distinct = k;
        if (H < hcut) {
            double eH = exp(H);
            if (eH < l_entropy) {
                l_entropy = eH;
                hcut = log(l_entropy) + 1e-9;
            }
        }
        if (k == 1) {
            hom_classes++;
            hom_records += f;
        }
        sort_desc(r, k);
        uint64_t l = reid_sensitive_recursive_l(r, k, x->c);
        if (l < rec_l) rec_l = l;
        double tE;
        if (numeric) {
            qsort(rcs, k, sizeof *rcs, cmp_rank);
            double sum = 0;
            uint64_t cum = 0;
            size_t a = 0;
            for (uint64_t j = 0; j < k; j++) {
                sum += segment(x->Pc, x->S, a, rcs[j].rank, (double)cum / nE);
                cum += rcs[j].count;
                a = rcs[j].rank;
            }
            sum += segment(x->Pc, x->S, a, m, (double)cum / nE);
            tE = m > 1 ? sum / (double)(m - 1) : 0;
        } else {
            double rest = 1 - psum; /* the values the class lacks: |0 - p| each */
            tE = 0.5 * (tsum + (rest > 0 ? rest : 0));
        }
        if (tE > t) t = tE;
    }
    o->l_distinct = l_distinct;
    o->rec_l = rec_l;
    o->hom_classes = hom_classes;
    o->hom_records = hom_records;
    o->l_entropy = l_entropy;
    o->t = t;
    o->alpha = alpha;
    o->beta = beta;
    o->delta = delta;
    o->enhanced_none = enhanced_none;
    o->rc = 0;
done:
    free(eid);
    free(ecnt);
    free(r);
    free(rcs);
    free(seen1);
}

static void *measure_thread(void *arg)
{
    measure_range(arg);
    return NULL;
}

/* Classes per thread below which one thread measures them all. */
#define SENS_MIN_PER_THREAD 65536

int reid_sensitive_compute(const reid_classtable *classes, unsigned sm, const reid_pairlog *pairs,
                           const reid_dict *values, double c, const uint64_t *value_counts,
                           unsigned threads, reid_sensitive *out)
{
    const uint64_t U = classes->nclasses;
    const double N = (double)classes->records;
    const uint32_t V = values->count;
    int rc = -1;
    reid_sensitive_dist dist;
    uint64_t *ecnt = NULL;
    uint32_t *eid = NULL;
    uint64_t *gcount = calloc(V, sizeof *gcount);
    double *p = malloc(V * sizeof *p), *Pc = NULL, *S = NULL, *nlogp = NULL, *loginv = NULL;
    uint32_t *rank = malloc(V * sizeof *rank);
    sens_part *part = NULL;
    int have_dist = reid_sensitive_dist_init(&dist, classes, sm, pairs) == 0;
    if (!have_dist || !gcount || !p || !rank) goto done;
    if (value_counts && V) memcpy(gcount, value_counts, V * sizeof *gcount);
    if (!value_counts) {
        eid = malloc(dist.maxent * sizeof *eid);
        ecnt = malloc(dist.maxent * sizeof *ecnt);
        if (!eid || !ecnt) goto done;
    }
    size_t cur = 0;
    for (uint64_t ci = 0; !value_counts && ci < U; ci++) {
        size_t k = reid_sensitive_dist_next(&dist, ci, &cur, eid, ecnt);
        for (size_t e = 0; e < k; e++) {
            if (eid[e] >= V) goto done; /* cannot happen */
            gcount[eid[e]] += ecnt[e];
        }
    }
    for (uint32_t v = 0; v < V; v++)
        p[v] = (double)gcount[v] / N;
    nlogp = malloc((V ? V : 1) * sizeof *nlogp);
    loginv = malloc((V ? V : 1) * sizeof *loginv);
    if (!nlogp || !loginv) goto done;
    for (uint32_t v = 0; v < V; v++) {
        nlogp[v] = p[v] > 0 ? -log(p[v]) : INFINITY;
        loginv[v] = p[v] > 0 ? log(1 / p[v]) : INFINITY;
    }

    /* the ordered distance for numbers: global cumulative shares by rank */
    uint32_t m = 0;
    int numeric = numeric_ranks(values, rank, &m);
    if (numeric < 0) goto done;
    if (numeric) {
        if (gcount[0] == 0) m--; /* no "missing" rank */
        Pc = calloc(m, sizeof *Pc);
        S = calloc((size_t)m + 1, sizeof *S);
        if (!Pc || !S) goto done;
        for (uint32_t v = 0; v < V; v++)
            if (gcount[v]) Pc[rank[v]] += p[v];
        for (uint32_t i = 1; i < m; i++)
            Pc[i] += Pc[i - 1];
        for (uint32_t i = 0; i < m; i++)
            S[i + 1] = S[i] + Pc[i];
    }

    /* the classes in equal ranges, one per thread; every measure is a minimum, a maximum or a
     * count, so the ranges combine to exactly what one thread computes */
    const sens_ctx x = {classes, &dist, p, nlogp, loginv, Pc, S, rank, V, m, numeric, c};
    unsigned nt = threads ? threads : 1;
    if (U / nt < SENS_MIN_PER_THREAD) nt = (unsigned)(U / SENS_MIN_PER_THREAD);
    if (nt < 1) nt = 1;
    part = calloc(nt, sizeof *part);
    if (!part) goto done;
    unsigned started = 0;
    for (unsigned i = 0; i < nt; i++) {
        part[i].x = &x;
        part[i].lo = U * i / nt;
        part[i].hi = U * (i + 1) / nt;
    }
    for (unsigned i = 1; i < nt; i++) {
        if (pthread_create(&part[i].thread, NULL, measure_thread, &part[i]) != 0) break;
        started = i;
    }
    for (unsigned i = started + 1; i < nt; i++) /* no thread: measured here */
        measure_range(&part[i]);
    measure_range(&part[0]);
    for (unsigned i = 1; i <= started; i++)
        pthread_join(part[i].thread, NULL);
    uint64_t l_distinct = UINT64_MAX, rec_l = UINT64_MAX, hom_classes = 0, hom_records = 0;
    double l_entropy = INFINITY, t = 0, alpha = 0, beta = 0, delta = 0;
    int enhanced_none = 0;
    for (unsigned i = 0; i < nt; i++) {
        const sens_part *o = &part[i];
        if (o->rc != 0) goto done;
        if (o->l_distinct < l_distinct) l_distinct = o->l_distinct;
        if (o->rec_l < rec_l) rec_l = o->rec_l;
        hom_classes += o->hom_classes;
        hom_records += o->hom_records;
        if (o->l_entropy < l_entropy) l_entropy = o->l_entropy;
        if (o->t > t) t = o->t;
        if (o->alpha > alpha) alpha = o->alpha;
        if (o->beta > beta) beta = o->beta;
        if (o->delta > delta) delta = o->delta;
        enhanced_none |= o->enhanced_none;
    }
    out->values = (uint64_t)(V - 1) + (gcount[0] ? 1 : 0);
    out->numeric = numeric;
    out->l_distinct = U ? l_distinct : 0;
    out->l_entropy = U ? l_entropy : 0;
    out->recursive_c = c;
    out->recursive_l = U ? rec_l : 0;
    out->t_closeness = t;
    out->alpha = alpha;
    out->beta_basic = beta;
    out->beta_enhanced = enhanced_none ? NAN : beta;
    out->delta = delta;
    out->homogeneous_classes = hom_classes;
    out->homogeneous_records = hom_records;
    out->homogeneous_fraction = N > 0 ? (double)hom_records / N : 0;
    rc = 0;
done:
    if (have_dist) reid_sensitive_dist_free(&dist);
    free(part);
    free(eid);
    free(ecnt);
    free(gcount);
    free(p);
    free(nlogp);
    free(loginv);
    free(Pc);
    free(S);
    free(rank);
    return rc;
}
