/* suda2.c - minimal sample uniques by the SUDA2 search; SUDA and DIS-SUDA scores as sdcMicro. */
#include "suda2.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NONE UINT32_MAX
#define HI 0x80000000u

/* An MSU found for a row of a (sub)table: mask over positions, next entry of the same row. */
typedef struct msu_ent {
    uint32_t mask;
    uint32_t next;
} msu_ent;

/*
 * A (sub)table: the rows that share the items of a prefix, over the positions s..q-1. Level 0 is
 * the class table itself (row r = class r, position p = QI order[p] of its key); deeper levels
 * hold copies of their rows' remaining values.
 */
typedef struct level {
    uint32_t n, cap;
    const uint32_t *v; /* values: row r, position p at v[r * stride + (col ? col[p] : p - s)] */
    size_t stride;
    const unsigned *col;
    unsigned s;
    uint32_t *own;  /* the copies (levels > 0) */
    size_t owncap;  /* in values */
    uint8_t *mult;  /* 1: one record; 2: more */
    uint32_t *up;   /* the row in the parent level */
    uint32_t *perm; /* rows grouped by the value at one position */
    uint32_t *gv;   /* beside perm: the row's value, HI set when the row holds one record */
    int small;      /* at most 6 positions: a row's MSUs are a set of masks in bits */
    uint64_t *bits; /* small: bit S of bits[r] = S is an MSU of row r */
    uint32_t *head; /* otherwise: first MSU entry of each row, NONE */
    msu_ent *ent;
    uint32_t nent, entcap;
} level;

/* Up to 6 QIs, a row's MSUs (masks < 64) fit in one 64-bit set: no lists. */
#define SMALL_QIS 6

typedef struct ctx {
    unsigned q;
    unsigned order[REID_SUDA2_MAX_QIS]; /* position -> QI: most distinct values first */
    uint32_t *cnt[REID_SUDA2_MAX_QIS];  /* per QI, one counter per value id (all 0 between uses) */
    level lv[REID_SUDA2_MAX_QIS + 1];
} ctx;

static inline uint32_t val(const level *T, uint32_t r, unsigned p)
{
    return T->v[(size_t)r * T->stride + (T->col ? T->col[p] : p - T->s)];
}

static int grow_rows(level *T, uint32_t n, int top)
{
    if (n <= T->cap) return 0;
    uint32_t cap = T->cap ? T->cap : 64;
    while (cap < n)
        cap = cap > UINT32_MAX / 2 ? n : cap * 2;
    uint8_t *m = realloc(T->mult, cap);
    if (m) T->mult = m;
    uint32_t *u = top ? NULL : realloc(T->up, (size_t)cap * sizeof *u); /* level 0 has no parent */
    if (u) T->up = u;
    uint32_t *p = realloc(T->perm, (size_t)cap * sizeof *p);
    if (p) T->perm = p;
    uint32_t *g = realloc(T->gv, (size_t)cap * sizeof *g);
    if (g) T->gv = g;
    uint32_t *h = T->small ? NULL : realloc(T->head, (size_t)cap * sizeof *h);
    if (h) T->head = h;
    uint64_t *bits = T->small ? realloc(T->bits, (size_t)cap * sizeof *bits) : NULL;
    if (bits) T->bits = bits;
    if (!m || (!top && !u) || !p || !g || (T->small ? !bits : !h)) return -1;
    T->cap = cap;
    return 0;
}

static int add_msu(level *T, uint32_t r, uint32_t mask)
{
    if (T->small) {
        T->bits[r] |= 1ull << mask;
        return 0;
    }
    if (T->nent == T->entcap) {
        if (T->entcap >= UINT32_MAX / 2) return -1;
        uint32_t cap = T->entcap ? T->entcap * 2 : 256;
        msu_ent *e = realloc(T->ent, (size_t)cap * sizeof *e);
        if (!e) return -1;
        T->ent = e;
        T->entcap = cap;
    }
    T->ent[T->nent] = (msu_ent){mask, T->head[r]};
    T->head[r] = T->nent++;
    return 0;
}

static int has_msu(const level *T, uint32_t r, uint32_t mask)
{
    if (T->small) return T->bits[r] >> mask & 1;
    for (uint32_t e = T->head[r]; e != NONE; e = T->ent[e].next)
        if (T->ent[e].mask == mask) return 1;
    return 0;
}

/* Rows of T with a value at position p into T->perm, grouped by value (in order of first
 * appearance; a group's rows in row order), their values (HI: one record) into T->gv. Returns how
 * many rows have a value. O(rows). */
static uint32_t group(ctx *x, level *T, unsigned p)
{
    uint32_t *cnt = x->cnt[x->order[p]];
    const uint32_t n = T->n;
    for (uint32_t r = 0; r < n; r++) {
        uint32_t v = val(T, r, p);
        if (v) cnt[v]++;
    }
    uint32_t off = 0;
    for (uint32_t r = 0; r < n; r++) {
        uint32_t v = val(T, r, p);
        if (!v || (cnt[v] & HI)) continue;
        uint32_t c = cnt[v];
        cnt[v] = HI | off;
        off += c;
    }
    for (uint32_t r = 0; r < n; r++) {
        uint32_t v = val(T, r, p);
        if (!v) continue;
        uint32_t at = cnt[v]++ & ~HI;
        T->perm[at] = r;
        T->gv[at] = v | (T->mult[r] == 1 ? HI : 0);
    }
    for (uint32_t r = 0; r < n; r++)
        cnt[val(T, r, p)] = 0;
    return off;
}

/* Level d + 1: the rows T->perm[a..b) of level d, over positions p + 1 .. q - 1. */
static int make_child(ctx *x, unsigned d, uint32_t a, uint32_t b, unsigned p)
{
    level *T = &x->lv[d], *C = &x->lv[d + 1];
    const unsigned w = x->q - p - 1;
    const uint32_t n = b - a;
    if (grow_rows(C, n, 0) != 0) return -1;
    if ((size_t)n * w > C->owncap) {
        size_t cap = C->owncap ? C->owncap : 256;
        while (cap < (size_t)n * w)
            cap *= 2;
        uint32_t *o = realloc(C->own, cap * sizeof *o);
        if (!o) return -1;
        C->own = o;
        C->owncap = cap;
    }
    C->n = n;
    C->v = C->own;
    C->stride = w;
    C->col = NULL;
    C->s = p + 1;
    C->nent = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t r = T->perm[a + i];
        uint32_t *row = C->own + (size_t)i * w;
        for (unsigned j = 0; j < w; j++)
            row[j] = val(T, r, p + 1 + j);
        C->mult[i] = T->gv[a + i] & HI ? 1 : 2;
        C->up[i] = r;
        if (C->small)
            C->bits[i] = 0;
        else
            C->head[i] = NONE;
    }
    return 0;
}

/*
 * What the search would find in the subtable of the rows T->perm[a..b) over the last position
 * alone, without building it: a value of the last position held by one row of one record in the
 * group is an MSU of that row there, and gives S + {p} unless S is unique in T (one of the row's
 * MSUs there already). The subtables of the values of the next-to-last QI, the one with the fewest
 * values but one, are the largest of all; this keeps memory to the class table's order.
 */
static int last_pairs(ctx *x, level *T, uint32_t a, uint32_t b, unsigned p)
{
    const unsigned pl = p + 1;
    uint32_t *cnt = x->cnt[x->order[pl]];
    const uint32_t S = 1u << pl;
    for (uint32_t i = a; i < b; i++) {
        uint32_t r = T->perm[i], v = val(T, r, pl);
        if (v && cnt[v] < 2) cnt[v] += T->gv[i] & HI ? 1 : 2; /* gv: the row's weight, in order */
    }
    int rc = 0;
    for (uint32_t i = a; i < b; i++) {
        uint32_t r = T->perm[i], v = val(T, r, pl);
        if (v && cnt[v] == 1 && !has_msu(T, r, S) && add_msu(T, r, S | 1u << p) != 0) rc = -1;
    }
    for (uint32_t i = a; i < b; i++)
        cnt[val(T, T->perm[i], pl)] = 0;
    return rc;
}

/*
 * The MSUs of size <= k of level d's rows, over its positions s..q-1, into its entries.
 *
 * Positions are taken from the last to the first. For position p, the rows are grouped by their
 * value (an item): a group of one row holding one record is an MSU of size 1 (uniqueness); a
 * larger group is searched recursively over the positions after p for MSUs of size <= k - 1
 * (an MSU containing a unique item would not be minimal, so unique items are not extended). An
 * MSU S found there for row r is a candidate S + {p}: unique, and minimal unless S itself is
 * unique in this table, which (S's own subsets being shared) holds exactly when S is already one
 * of r's MSUs here: those with positions after p are all known, since positions are taken from
 * the last. This is SUDA2's minimality / special-row condition as a lookup.
 */
static int search(ctx *x, unsigned d, unsigned k)
{
    level *T = &x->lv[d];
    const unsigned q = x->q;
    for (unsigned p = q; p-- > T->s;) {
        uint32_t m = group(x, T, p);
        for (uint32_t a = 0, b; a < m; a = b) {
            const uint32_t *gv = T->gv, v0 = gv[a] & ~HI;
            uint32_t one = gv[a] & HI;
            for (b = a + 1; b < m && (gv[b] & ~HI) == v0; b++)
                one |= gv[b] & HI;
            if (b - a == 1) {
                if (one && add_msu(T, T->perm[a], 1u << p) != 0) return -1;
                continue;
            }
            /* no row of one record in the group: none of them can be unique in it */
            if (k < 2 || p + 1 == q || !one) continue;
            if (p + 2 == q) { /* one position left: no subtable needed */
                if (last_pairs(x, T, a, b, p) != 0) return -1;
                continue;
            }
            if (make_child(x, d, a, b, p) != 0 || search(x, d + 1, k - 1) != 0) return -1;
            level *C = &x->lv[d + 1];
            if (C->small) {
                for (uint32_t c = 0; c < C->n; c++)
                    for (uint64_t set = C->bits[c]; set; set &= set - 1) {
                        uint32_t r = C->up[c], S = (uint32_t)__builtin_ctzll(set);
                        if (!(T->bits[r] >> S & 1)) T->bits[r] |= 1ull << (S | 1u << p);
                    }
                continue;
            }
            for (uint32_t c = 0; c < C->n; c++)
                for (uint32_t e = C->head[c]; e != NONE; e = C->ent[e].next) {
                    uint32_t r = C->up[c], S = C->ent[e].mask;
                    if (!has_msu(T, r, S) && add_msu(T, r, S | 1u << p) != 0) return -1;
                }
        }
    }
    return 0;
}

static void ctx_free(ctx *x)
{
    for (unsigned j = 0; j < REID_SUDA2_MAX_QIS; j++)
        free(x->cnt[j]);
    for (unsigned d = 0; d <= REID_SUDA2_MAX_QIS; d++) {
        level *L = &x->lv[d];
        free(L->own);
        free(L->mult);
        free(L->up);
        free(L->perm);
        free(L->gv);
        free(L->head);
        free(L->bits);
        free(L->ent);
    }
}

int reid_suda2_search(const reid_classtable *t, const uint32_t *nvals, unsigned max_size,
                      reid_suda2_fn fn, void *user)
{
    const unsigned q = t->q;
    if (q == 0 || q > REID_SUDA2_MAX_QIS || t->nclasses >= HI) return -1;
    for (unsigned j = 0; j < q; j++)
        if (nvals[j] > HI) return -1; /* ids must leave the top bit free (gv) */
    ctx *x = calloc(1, sizeof *x);
    if (!x) return -1;
    x->q = q;
    /* positions: QIs by number of distinct values, most first (SUDA2 ranks items by frequency:
     * the items of a QI with many values are rare, and their subtables small) */
    for (unsigned j = 0; j < q; j++)
        x->order[j] = j;
    for (unsigned i = 1; i < q; i++)
        for (unsigned j = i; j > 0 && nvals[x->order[j]] > nvals[x->order[j - 1]]; j--) {
            unsigned tmp = x->order[j];
            x->order[j] = x->order[j - 1];
            x->order[j - 1] = tmp;
        }
    int rc = 0;
    for (unsigned j = 0; j < q && rc == 0; j++)
        if (!(x->cnt[j] = calloc(nvals[j] ? nvals[j] : 1, sizeof *x->cnt[j]))) rc = -1;
    for (unsigned d = 0; d <= REID_SUDA2_MAX_QIS; d++)
        x->lv[d].small = q <= SMALL_QIS;
    level *T = &x->lv[0];
    const uint32_t n = (uint32_t)t->nclasses;
    if (rc == 0) rc = grow_rows(T, n ? n : 1, 1);
    if (rc == 0) {
        T->n = n;
        T->v = t->keys;
        T->stride = q;
        T->col = x->order;
        T->s = 0;
        for (uint32_t r = 0; r < n; r++) {
            T->mult[r] = t->sizes[r] == 1 ? 1 : 2;
            if (T->small)
                T->bits[r] = 0;
            else
                T->head[r] = NONE;
        }
        unsigned k = max_size && max_size < q ? max_size : q;
        rc = search(x, 0, k);
    }
    if (rc == 0) {
        /* positions back to QIs */
        msu_ent *e = T->ent;
        for (uint32_t r = 0; r < n; r++) {
            uint64_t set = T->small ? T->bits[r] : 0;
            uint32_t i = T->small ? NONE : T->head[r];
            while (set || i != NONE) {
                uint32_t pm;
                if (set) {
                    pm = (uint32_t)__builtin_ctzll(set);
                    set &= set - 1;
                } else {
                    pm = e[i].mask;
                    i = e[i].next;
                }
                uint32_t mask = 0;
                for (unsigned p = 0; p < q; p++)
                    if (pm >> p & 1) mask |= 1u << x->order[p];
                fn(r, mask, user);
            }
        }
    }
    ctx_free(x);
    free(x);
    return rc;
}

/* ---- scores ---- */

/* Distinct scores and their records: open addressing on the score's bits. */
typedef struct score_map {
    reid_suda2_score *slot;
    size_t mask, used;
} score_map;

static int score_add(score_map *m, double s)
{
    if ((m->used + 1) * 2 > m->mask + 1) {
        size_t nsize = (m->mask + 1) * 2;
        reid_suda2_score *ns = calloc(nsize, sizeof *ns);
        if (!ns) return -1;
        for (size_t i = 0; i <= m->mask; i++) {
            if (!m->slot[i].records) continue;
            uint64_t b;
            memcpy(&b, &m->slot[i].score, sizeof b);
            size_t h = (size_t)((b * 0x9E3779B97F4A7C15ull) >> 20) & (nsize - 1);
            while (ns[h].records)
                h = (h + 1) & (nsize - 1);
            ns[h] = m->slot[i];
        }
        free(m->slot);
        m->slot = ns;
        m->mask = nsize - 1;
    }
    uint64_t b;
    memcpy(&b, &s, sizeof b);
    size_t h = (size_t)((b * 0x9E3779B97F4A7C15ull) >> 20) & m->mask;
    while (m->slot[h].records && m->slot[h].score != s)
        h = (h + 1) & m->mask;
    if (!m->slot[h].records) {
        m->slot[h].score = s;
        m->used++;
    }
    m->slot[h].records++;
    return 0;
}

typedef struct acc {
    reid_suda2_result *r;
    unsigned q;
    double w[REID_SUDA2_MAX_QIS + 1]; /* w(k) = (M - k)! */
    uint64_t cls;                     /* class being added up */
    double score;
    score_map map;
    int failed;
} acc;

static void flush(acc *A)
{
    if (A->score <= 0) return;
    reid_suda2_result *r = A->r;
    r->pub.records_with_msu++;
    r->pub.score_sum += A->score;
    if (A->score > r->pub.score_max) r->pub.score_max = A->score;
    if (r->class_score) r->class_score[A->cls] = A->score;
    if (score_add(&A->map, A->score) != 0) A->failed = 1;
    A->score = 0;
}

static void on_msu(uint64_t ci, uint32_t mask, void *user)
{
    acc *A = user;
    if (ci != A->cls) flush(A);
    A->cls = ci;
    unsigned size = (unsigned)__builtin_popcount(mask);
    double w = A->w[size];
    A->score += w;
    A->r->by_size[size]++;
    A->r->pub.msus++;
    for (unsigned j = 0; j < A->q; j++)
        if (mask >> j & 1) A->r->contrib[j] += w;
}

static int cmp_score(const void *a, const void *b)
{
    double x = ((const reid_suda2_score *)a)->score, y = ((const reid_suda2_score *)b)->score;
    return (x > y) - (x < y);
}

double reid_suda2_dis_of(const reid_suda2_result *r, double score)
{
    if (!(score > 0)) return 0;
    return 1.0 / (1.0 + (double)r->dis_num / (pow(score, r->q_exp) * r->adj));
}

int reid_suda2_compute(const reid_classtable *t, const uint32_t *nvals, unsigned max_size, double f,
                       int keep_scores, reid_suda2_result *out)
{
    memset(out, 0, sizeof *out);
    const unsigned q = t->q;
    const unsigned M = q < 3 ? 3 : q; /* sdcMicro adds constant columns up to 3 */
    acc A;
    memset(&A, 0, sizeof A);
    A.r = out;
    A.q = q;
    for (unsigned k = 1; k <= q; k++) {
        double w = 1;
        for (unsigned i = 2; i <= M - k; i++)
            w *= i;
        A.w[k] = w;
    }
    out->by_size = calloc(q + 1, sizeof *out->by_size);
    out->contrib = calloc(q ? q : 1, sizeof *out->contrib);
    A.map.slot = calloc(64, sizeof *A.map.slot);
    A.map.mask = 63;
    if (keep_scores) out->class_score = calloc(t->nclasses ? t->nclasses : 1, sizeof(double));
    int rc =
        out->by_size && out->contrib && A.map.slot && (!keep_scores || out->class_score) ? 0 : -1;
    if (rc == 0) rc = reid_suda2_search(t, nvals, max_size, on_msu, &A);
    if (rc == 0) {
        flush(&A);
        rc = A.failed ? -1 : 0;
    }
    if (rc == 0) {
        out->scores = malloc((A.map.used ? A.map.used : 1) * sizeof *out->scores);
        if (!out->scores) rc = -1;
    }
    if (rc != 0) {
        free(A.map.slot);
        reid_suda2_result_free(out);
        return -1;
    }
    for (size_t i = 0; i <= A.map.mask; i++)
        if (A.map.slot[i].records) out->scores[out->nscores++] = A.map.slot[i];
    free(A.map.slot);
    qsort(out->scores, out->nscores, sizeof *out->scores, cmp_score);

    /* U and P from the exact-match classes (missing = missing), without sdcMicro's hash quirk */
    uint64_t U = 0, P = 0, n = t->records;
    for (uint64_t c = 0; c < t->nclasses; c++) {
        if (t->sizes[c] == 1) U++;
        if (t->sizes[c] == 2) P += 2;
    }
    /* DIS as Suda2.h computes it: Dis and U / Dis - U in float, the rest in double */
    float fU = (float)U, ff = (float)f;
    float dis = fU * ff / (fU * ff + (float)P * (1.0f - ff));
    out->dis_num = fU / dis - fU;
    out->q_exp = (double)(1.0f + (8.0f - (float)M) / 20.0f);
    for (size_t i = 0; i < out->nscores; i++)
        out->adj += (double)out->scores[i].records / pow(out->scores[i].score, out->q_exp);
    double dsum = 0;
    reid_suda2 *s = &out->pub;
    s->dis_band_records[0] = n - s->records_with_msu;
    for (size_t i = 0; i < out->nscores; i++) {
        reid_suda2_score *e = &out->scores[i];
        e->dis = reid_suda2_dis_of(out, e->score);
        dsum += e->dis * (double)e->records;
        if (e->dis > s->dis_max) s->dis_max = e->dis;
        int band = 0;
        if (e->dis > 0) {
            band = 1;
            while (band < REID_SUDA2_NDIS_BANDS - 1 && e->dis > 0.1 * band)
                band++;
        }
        s->dis_band_records[band] += e->records;
    }
    s->qis = q;
    s->columns = M;
    s->max_msu_size = max_size && max_size < q ? max_size : q;
    s->dis_fraction = f;
    s->unique_records = U;
    s->pair_records = P;
    s->score_mean = n ? s->score_sum / (double)n : 0;
    s->dis_mean = n ? dsum / (double)n : 0;
    s->scores = out->nscores;
    for (unsigned j = 0; j < q; j++)
        out->contrib[j] = s->score_sum > 0 ? 100.0 * out->contrib[j] / s->score_sum : NAN;
    s->msu_by_size = out->by_size;
    s->attribute_contributions = out->contrib;
    return 0;
}

void reid_suda2_result_free(reid_suda2_result *r)
{
    free(r->by_size);
    free(r->contrib);
    free(r->scores);
    free(r->class_score);
    memset(r, 0, sizeof *r);
}
