/*
 * subsets.c - attribute risks: classes, k, uniques, distinction and separation
 * of the extract grouped by every subset of the QIs (docs/attribute-risk.md).
 *
 * Work happens in "order space": the QIs sorted by their number of value ids,
 * most first (attribute 0 is the QI with the most distinct values). A subset
 * S is a list of attributes, ascending. Its parent on the visiting tree is
 * S + {the largest attribute not in S}, i.e. S plus its missing QI with the
 * fewest values; the children of S are S - {a} for each a in S larger than
 * every attribute S lacks. Each subset of at most m QIs is reached exactly
 * once (from the class table itself for the subsets of size m), and a depth
 * first walk holds only the tables on its path.
 *
 * A table of a subset is held in one of three forms:
 * - the class table itself (the root: every QI, keys in QI order, unsorted);
 * - packed: each class' key as one uint64 with the value id of each
 *   attribute in a bit field of its own (attribute 0 in the highest bits),
 *   when the widths add up to at most 64 bits, the classes sorted by code.
 *   Dropping an attribute from a packed code is two shifts and a mask, and
 *   keeps the order of the attributes before it, so a child is sorted by
 *   sorting only the runs of equal leading attributes (no sort at all when
 *   the last attribute is dropped; one radix sort when the first is, or when
 *   the parent is not packed). Small codes are counted in a dense array
 *   instead (which comes out sorted). No access is a random one into a large
 *   table: hashing every subset was 2.5 times slower (bench/README.md);
 * - tuple: keys of |S| uint32 in a reid_classtable, when they do not fit.
 *
 * Each packed table lives in a buffer kept for its subset size (on the path
 * there is one subset of each size), so no table costs fresh page faults.
 *
 * Sums of C(f, 2) are kept exactly in unsigned __int128 (each term is below
 * 2^127 and the sum is at most C(n, 2) < 2^127); separation is then
 * (C(n,2) - sum) / C(n,2), with the difference taken exactly before the two
 * conversions to double.
 */
#include "subsets.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

__extension__ typedef unsigned __int128 u128;

/* Dense counting when the codes have at most this many bits ... */
#define DENSE_BITS_ALWAYS 16
/* ... or at most this many and the array is not much larger than the parent's class count. */
#define DENSE_BITS_MAX 22

typedef struct cs {
    uint64_t code, size;
} cs;

enum { ROOT, PACKED, TUPLE };

typedef struct node {
    int kind;
    size_t na;
    size_t attr[64]; /* room for the attributes of most subsets (the first na are used) */
    size_t *attrs;   /* the attributes: attr, or heap memory when na > 64 */
    unsigned *off;   /* PACKED: bit offset of each attribute position */
    cs *cls;         /* PACKED: the classes, sorted by code (in the context's buffer of its size) */
    uint64_t u;      /* classes */
    reid_classtable tab; /* TUPLE */
    int has_tab;
    /* statistics */
    uint64_t k, c1;
    u128 pairs;
} node;

typedef struct ctx {
    const reid_classtable *t;
    size_t q, m;
    size_t *order; /* attribute -> QI index */
    unsigned *w;   /* attribute -> bit width */
    reid_subsets *out;
    size_t filled;
    /* buffers reused from subset to subset (no page faults for each new table): */
    uint64_t cap;    /* classes of the whole set: no subset has more */
    cs **buf;        /* per subset size: the table of the subset of that size on the path */
    uint64_t *dense; /* dense counts, all zero between uses */
    uint64_t ndense;
} ctx;

/* The buffer of the subsets of size na (cap classes), allocated on first use; NULL if no memory. */
static cs *size_buf(ctx *c, size_t na)
{
    if (!c->buf[na]) c->buf[na] = malloc(c->cap * sizeof(cs));
    return c->buf[na];
}

static unsigned width_of(uint32_t card)
{
    unsigned b = 1;
    while (b < 32 && ((uint64_t)1 << b) < card)
        b++;
    return b;
}

static uint64_t shr(uint64_t x, unsigned s)
{
    return s >= 64 ? 0 : x >> s;
}

uint64_t reid_subsets_number(size_t q, size_t m)
{
    uint64_t total = 0, c = 1; /* c = C(q, s) */
    for (size_t s = 1; s <= m && s <= q; s++) {
        u128 next = (u128)c * (q - s + 1) / s; /* exact: C(q,s) = C(q,s-1)(q-s+1)/s */
        if (next > UINT64_MAX || total + (uint64_t)next < total) return UINT64_MAX;
        c = (uint64_t)next;
        total += c;
    }
    return total;
}

size_t reid_subsets_max_size(size_t q, size_t max_size)
{
    if (max_size) return max_size < q ? max_size : q;
    return q <= REID_ALL_SUBSETS_MAX_QIS
               ? q
               : (q < REID_DEFAULT_MAX_SUBSET_SIZE ? q : REID_DEFAULT_MAX_SUBSET_SIZE);
}

static void stats_add(node *s, uint64_t f)
{
    s->u++;
    if (f < s->k) s->k = f;
    s->c1 += f == 1;
    s->pairs += (u128)f * (f - 1) / 2;
}

static void stats_reset(node *s)
{
    s->u = 0;
    s->k = UINT64_MAX;
    s->c1 = 0;
    s->pairs = 0;
}

static void node_free(node *s)
{
    free(s->off);
    if (s->has_tab) reid_classtable_free(&s->tab);
    if (s->attrs != s->attr) free(s->attrs);
    s->cls = NULL;
    s->off = NULL;
    s->has_tab = 0;
    s->attrs = s->attr;
}

static int node_set_attrs(node *s, const size_t *attrs, size_t na)
{
    memset(s, 0, sizeof *s);
    s->attrs = s->attr;
    if (na > 64 && !(s->attrs = malloc(na * sizeof *s->attrs))) {
        s->attrs = s->attr;
        return -1;
    }
    memcpy(s->attrs, attrs, na * sizeof *attrs);
    s->na = na;
    stats_reset(s);
    return 0;
}

static uint64_t node_classes(const ctx *c, const node *p)
{
    return p->kind == ROOT ? c->t->nclasses : p->u;
}

/* The value id of parent class i at parent attribute position pos. */
static uint32_t pval(const ctx *c, const node *p, uint64_t i, size_t pos)
{
    if (p->kind == ROOT) return reid_classtable_key(c->t, i)[c->order[p->attrs[pos]]];
    if (p->kind == TUPLE) return reid_classtable_key(&p->tab, i)[pos];
    uint64_t code = p->cls[i].code;
    return (uint32_t)(shr(code, p->off[pos]) & (((uint64_t)1 << c->w[p->attrs[pos]]) - 1));
}

static uint64_t psize(const ctx *c, const node *p, uint64_t i)
{
    if (p->kind == ROOT) return c->t->sizes[i];
    if (p->kind == TUPLE) return p->tab.sizes[i];
    return p->cls[i].size;
}

/*
 * The packed code of parent class i in the child's layout. pp[j]: the parent position of child
 * attribute j. drop: the parent position of the one attribute dropped when the parent is packed
 * (the fast path), else SIZE_MAX.
 */
static uint64_t child_code(const ctx *c, const node *p, const node *ch, const size_t *pp,
                           size_t drop, uint64_t i)
{
    if (drop != SIZE_MAX) {
        uint64_t code = p->cls[i].code;
        unsigned o = p->off[drop], wd = c->w[p->attrs[drop]];
        uint64_t low = o ? code & (shr(~(uint64_t)0, 64 - o)) : 0;
        return low | (shr(code, o + wd) << o);
    }
    uint64_t code = 0;
    for (size_t j = 0; j < ch->na; j++)
        code |= (uint64_t)pval(c, p, i, pp[j]) << ch->off[j];
    return code;
}

/* Stats of the dense counts, the classes into out (when not NULL), and the counts zeroed. */
static void finish_dense(node *ch, uint64_t *cnt, uint64_t len, cs *out)
{
    uint64_t j = 0;
    for (uint64_t x = 0; x < len; x++)
        if (cnt[x]) {
            stats_add(ch, cnt[x]);
            if (out) out[j++] = (cs){x, cnt[x]};
            cnt[x] = 0;
        }
    ch->cls = out;
}

/* Sort a[0..n) by code (LSD radix, 11 bits a pass, codes below 2^bits), tmp: room for n. */
static void radix_sort(cs *a, cs *tmp, uint64_t n, unsigned bits)
{
    if (n < 2) return;
    cs *src = a, *dst = tmp;
    uint64_t count[2048];
    for (unsigned sh = 0; sh < bits; sh += 11) {
        memset(count, 0, sizeof count);
        for (uint64_t i = 0; i < n; i++)
            count[(src[i].code >> sh) & 2047]++;
        if (count[(src[0].code >> sh) & 2047] == n) continue; /* one digit: nothing moves */
        uint64_t sum = 0;
        for (unsigned d = 0; d < 2048; d++) {
            uint64_t k = count[d];
            count[d] = sum;
            sum += k;
        }
        for (uint64_t i = 0; i < n; i++)
            dst[count[(src[i].code >> sh) & 2047]++] = src[i];
        cs *t = src;
        src = dst;
        dst = t;
    }
    if (src != a) memcpy(a, src, n * sizeof *a);
}

/* Sort a run of classes by code: insertion sort for a few, else quicksort (median of three). */
static void sort_run(cs *a, uint64_t n)
{
    while (n > 24) {
        uint64_t mid = n / 2;
        uint64_t x = a[0].code, y = a[mid].code, z = a[n - 1].code;
        uint64_t pivot = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
        uint64_t i = 0, j = n - 1;
        for (;;) { /* Hoare partition */
            while (a[i].code < pivot)
                i++;
            while (a[j].code > pivot)
                j--;
            if (i >= j) break;
            cs t = a[i];
            a[i] = a[j];
            a[j] = t;
            i++;
            j--;
        }
        /* [0, j] <= pivot <= [j+1, n): recurse into the smaller side, loop on the larger */
        if (j + 1 < n - j - 1) {
            sort_run(a, j + 1);
            a += j + 1;
            n -= j + 1;
        } else {
            sort_run(a + j + 1, n - j - 1);
            n = j + 1;
        }
    }
    for (uint64_t i = 1; i < n; i++) {
        cs v = a[i];
        uint64_t x = i;
        for (; x > 0 && a[x - 1].code > v.code; x--)
            a[x] = a[x - 1];
        a[x] = v;
    }
}

/*
 * The sorted count. Every packed table is held sorted by code, i.e. by its attributes in order
 * (the first in the highest bits). The parent's classes get the child's codes; when the parent
 * is packed and one attribute at position drop is dropped, those codes are already sorted by the
 * attributes before it, so only each run of equal leading attributes is sorted (a handful of
 * classes when the first attribute is a postcode), and not even that when the last one is
 * dropped. Otherwise (drop 0, or a parent that is not sorted) one radix sort. Then equal codes,
 * now adjacent, are merged.
 */
static int count_sorted(ctx *c, const node *p, node *ch, const size_t *pp, size_t drop,
                        unsigned bits)
{
    uint64_t up = node_classes(c, p);
    cs *a = size_buf(c, ch->na);
    if (!a) return -1;
    if (drop != SIZE_MAX) { /* a packed parent less one attribute: two shifts and a mask */
        unsigned o = p->off[drop], hi = o + c->w[p->attrs[drop]];
        uint64_t low = o ? shr(~(uint64_t)0, 64 - o) : 0;
        const cs *pc = p->cls;
        for (uint64_t i = 0; i < up; i++)
            a[i] = (cs){(pc[i].code & low) | (shr(pc[i].code, hi) << o), pc[i].size};
    } else {
        for (uint64_t i = 0; i < up; i++)
            a[i] = (cs){child_code(c, p, ch, pp, drop, i), psize(c, p, i)};
    }
    if (drop == SIZE_MAX || drop == 0) {
        cs *tmp = malloc((up ? up : 1) * sizeof *tmp); /* freed at once: needed rarely */
        if (!tmp) return -1;
        radix_sort(a, tmp, up, bits);
        free(tmp);
    } else if (drop + 1 < p->na) { /* runs of equal leading attributes: the bits above */
        unsigned o = p->off[drop];
        for (uint64_t i = 0; i < up;) {
            uint64_t lead = shr(a[i].code, o), e = i + 1;
            while (e < up && shr(a[e].code, o) == lead)
                e++;
            sort_run(a + i, e - i);
            i = e;
        }
    }
    uint64_t j = 0;
    for (uint64_t i = 0; i < up; i++) {
        if (j && a[j - 1].code == a[i].code) {
            a[j - 1].size += a[i].size;
        } else {
            if (j) stats_add(ch, a[j - 1].size);
            a[j++] = a[i];
        }
    }
    if (j) stats_add(ch, a[j - 1].size);
    ch->cls = a;
    return 0;
}

/* Build a packed child. keep: hold its classes afterwards (it has children of its own). */
static int build_packed(ctx *c, const node *p, node *ch, const size_t *pp, size_t drop, int keep)
{
    unsigned bits = 0;
    ch->off = malloc(ch->na * sizeof *ch->off);
    if (!ch->off) return -1;
    for (size_t j = ch->na; j-- > 0;) { /* the first attribute in the highest bits */
        ch->off[j] = bits;
        bits += c->w[ch->attrs[j]];
    }
    ch->kind = PACKED;
    uint64_t up = node_classes(c, p);
    if (bits <= DENSE_BITS_ALWAYS || (bits <= DENSE_BITS_MAX && ((uint64_t)1 << bits) <= 2 * up)) {
        uint64_t len = (uint64_t)1 << bits;
        if (c->ndense < len) {
            free(c->dense);
            c->ndense = 0;
            if (!(c->dense = calloc(len, sizeof *c->dense))) return -1;
            c->ndense = len;
        }
        cs *out = keep ? size_buf(c, ch->na) : NULL;
        if (keep && !out) return -1;
        for (uint64_t i = 0; i < up; i++)
            c->dense[child_code(c, p, ch, pp, drop, i)] += psize(c, p, i);
        finish_dense(ch, c->dense, len, out);
        return 0;
    }
    (void)keep; /* the sorted table is in the buffer either way */
    return count_sorted(c, p, ch, pp, drop, bits);
}

/* Build a child whose keys do not fit in 64 bits: a class table of |S| ids per key. */
static int build_tuple(ctx *c, const node *p, node *ch, const size_t *pp)
{
    ch->kind = TUPLE;
    if (reid_classtable_init(&ch->tab, (unsigned)ch->na) != 0) return -1;
    ch->has_tab = 1;
    uint32_t *key = malloc(ch->na * sizeof *key);
    if (!key) return -1;
    uint64_t up = node_classes(c, p);
    int rc = 0;
    for (uint64_t i = 0; rc == 0 && i < up; i++) {
        for (size_t j = 0; j < ch->na; j++)
            key[j] = pval(c, p, i, pp[j]);
        rc = reid_classtable_add(&ch->tab, key, psize(c, p, i));
    }
    free(key);
    for (uint64_t i = 0; rc == 0 && i < ch->tab.nclasses; i++)
        stats_add(ch, ch->tab.sizes[i]);
    return rc;
}

/* Build child ch (its attributes set) from parent p; keep its table if it has children. */
static int build(ctx *c, const node *p, node *ch, int keep)
{
    size_t *pp = malloc(ch->na * sizeof *pp);
    if (!pp) return -1;
    size_t drop = SIZE_MAX;
    for (size_t j = 0, i = 0; j < ch->na; j++) {
        while (p->attrs[i] != ch->attrs[j])
            i++;
        pp[j] = i;
        if (i != j && drop == SIZE_MAX) drop = j; /* the first parent position not kept */
    }
    if (drop == SIZE_MAX) drop = ch->na; /* the dropped attribute was the last */
    if (p->kind != PACKED || p->na != ch->na + 1) drop = SIZE_MAX;
    unsigned bits = 0;
    for (size_t j = 0; j < ch->na && bits <= 64; j++)
        bits += c->w[ch->attrs[j]];
    int rc = bits <= 64 ? build_packed(c, p, ch, pp, drop, keep) : build_tuple(c, p, ch, pp);
    free(pp);
    return rc;
}

static void record(ctx *c, const node *s)
{
    reid_attribute_risk *r = &c->out->risks[c->filled];
    size_t *qis = c->out->qis + c->filled * c->out->max_size;
    c->filled++;
    for (size_t j = 0; j < s->na; j++) { /* to QI indices, ascending (insertion sort) */
        size_t v = c->order[s->attrs[j]], x = j;
        for (; x > 0 && qis[x - 1] > v; x--)
            qis[x] = qis[x - 1];
        qis[x] = v;
    }
    uint64_t n = c->t->records;
    r->qis = qis;
    r->nqis = s->na;
    r->classes = s->u;
    r->k = s->k;
    r->uniques = s->c1;
    r->uniques_fraction = (double)s->c1 / (double)n;
    r->distinction = (double)s->u / (double)n;
    u128 all = (u128)n * (n - 1) / 2;
    r->separation = all ? (double)(all - s->pairs) / (double)all : NAN;
}

/* The largest attribute not in s, or -1. */
static long max_missing(const ctx *c, const node *s)
{
    size_t j = s->na;
    for (long a = (long)c->q - 1; a >= 0; a--) {
        while (j > 0 && s->attrs[j - 1] > (size_t)a)
            j--;
        if (j == 0 || s->attrs[j - 1] != (size_t)a) return a;
    }
    return -1;
}

/* Record s (built, with its table if it has children), then visit its children. */
static int visit(ctx *c, node *s)
{
    record(c, s);
    if (s->na <= 1) return 0;
    long mm = max_missing(c, s);
    size_t *attrs = malloc(s->na * sizeof *attrs);
    if (!attrs) return -1;
    int rc = 0;
    for (size_t p = 0; rc == 0 && p < s->na; p++) {
        if ((long)s->attrs[p] <= mm) continue;
        size_t na = 0;
        for (size_t j = 0; j < s->na; j++)
            if (j != p) attrs[na++] = s->attrs[j];
        node ch;
        if (node_set_attrs(&ch, attrs, na) != 0) {
            rc = -1;
            break;
        }
        int keep = na > 1 && p + 1 < s->na; /* an attribute above the dropped one remains */
        rc = build(c, s, &ch, keep);
        if (rc == 0) rc = visit(c, &ch);
        node_free(&ch);
    }
    free(attrs);
    return rc;
}

static int cmp_risk(const void *x, const void *y)
{
    const reid_attribute_risk *a = x, *b = y;
    if (a->nqis != b->nqis) return a->nqis < b->nqis ? -1 : 1;
    for (size_t j = 0; j < a->nqis; j++)
        if (a->qis[j] != b->qis[j]) return a->qis[j] < b->qis[j] ? -1 : 1;
    return 0;
}

int reid_subsets_compute(const reid_classtable *t, const uint32_t *card, size_t m,
                         reid_subsets *out)
{
    memset(out, 0, sizeof *out);
    size_t q = t->q;
    if (m > q) m = q;
    uint64_t total = reid_subsets_number(q, m);
    if (m == 0 || total == 0) return 0;
    if (total > REID_MAX_SUBSETS) return -1;
    ctx c = {.t = t, .q = q, .m = m, .out = out, .cap = t->nclasses ? t->nclasses : 1};
    c.buf = calloc(q + 1, sizeof *c.buf);
    c.order = malloc(q * sizeof *c.order);
    c.w = malloc(q * sizeof *c.w);
    out->risks = calloc(total, sizeof *out->risks);
    out->qis = calloc(total * m, sizeof *out->qis);
    size_t *attrs = calloc(m, sizeof *attrs);
    int rc = c.order && c.w && c.buf && out->risks && out->qis && attrs ? 0 : -1;
    out->max_size = m;
    if (rc == 0) {
        /* attributes: the QIs by number of value ids, most first (ties: QI order) */
        for (size_t j = 0; j < q; j++) {
            size_t x = j;
            for (; x > 0 && card[c.order[x - 1]] < card[j]; x--)
                c.order[x] = c.order[x - 1];
            c.order[x] = j;
        }
        for (size_t a = 0; a < q; a++)
            c.w[a] = width_of(card[c.order[a]]);
    }
    node root;
    if (rc == 0 && m == q) { /* the whole set is the class table itself */
        for (size_t a = 0; a < q; a++)
            attrs[a] = a;
        rc = node_set_attrs(&root, attrs, q);
        unsigned bits = 0;
        for (size_t a = 0; a < q && bits <= 64; a++)
            bits += c.w[a];
        if (rc == 0 && bits <= 64) { /* packed and sorted once, so its children are cheap */
            node full;
            root.kind = ROOT;
            rc = node_set_attrs(&full, attrs, q);
            if (rc == 0) rc = build(&c, &root, &full, q > 1);
            if (rc == 0) rc = visit(&c, &full);
            node_free(&full);
        } else if (rc == 0) {
            root.kind = ROOT;
            for (uint64_t i = 0; i < t->nclasses; i++)
                stats_add(&root, t->sizes[i]);
            rc = visit(&c, &root);
        }
        node_free(&root);
    } else if (rc == 0) { /* each subset of size m from the class table, then down from it */
        size_t *all = malloc(q * sizeof *all);
        rc = all ? 0 : -1;
        memset(&root, 0, sizeof root);
        root.kind = ROOT;
        root.attrs = all;
        root.na = q;
        for (size_t a = 0; all && a < q; a++)
            all[a] = a;
        for (size_t j = 0; j < m; j++)
            attrs[j] = j;
        while (rc == 0) {
            node s;
            rc = node_set_attrs(&s, attrs, m);
            if (rc != 0) break;
            long mm = max_missing(&c, &s);
            int keep = m > 1 && (long)attrs[m - 1] > mm;
            rc = build(&c, &root, &s, keep);
            if (rc == 0) rc = visit(&c, &s);
            node_free(&s);
            size_t j = m; /* the next combination, lexicographically */
            while (j > 0 && attrs[j - 1] == q - m + j - 1)
                j--;
            if (j == 0) break;
            attrs[j - 1]++;
            for (size_t x = j; x < m; x++)
                attrs[x] = attrs[x - 1] + 1;
        }
        free(all);
    }
    free(attrs);
    free(c.order);
    free(c.w);
    for (size_t na = 0; c.buf && na <= q; na++)
        free(c.buf[na]);
    free(c.buf);
    free(c.dense);
    if (rc == 0 && c.filled != total) rc = -1; /* cannot happen: every subset once */
    if (rc != 0) {
        reid_subsets_free(out);
        return -1;
    }
    out->count = c.filled;
    qsort(out->risks, out->count, sizeof *out->risks, cmp_risk);
    return 0;
}

void reid_subsets_free(reid_subsets *s)
{
    free(s->risks);
    free(s->qis);
    memset(s, 0, sizeof *s);
}

/* By size, most uniques first, then position. */
typedef struct rank {
    size_t nqis, i;
    uint64_t uniques;
} rank;

static int cmp_rank(const void *x, const void *y)
{
    const rank *a = x, *b = y;
    if (a->nqis != b->nqis) return a->nqis < b->nqis ? -1 : 1;
    if (a->uniques != b->uniques) return a->uniques > b->uniques ? -1 : 1;
    return a->i < b->i ? -1 : a->i > b->i;
}

long reid_subsets_minimal(const reid_subsets *s, double f, size_t *idx)
{
    size_t *sub = malloc((s->max_size ? s->max_size : 1) * sizeof *sub);
    rank *r = malloc((s->count ? s->count : 1) * sizeof *r);
    if (!sub || !r) {
        free(sub);
        free(r);
        return -1;
    }
    size_t found = 0;
    for (size_t i = 0; i < s->count; i++) {
        const reid_attribute_risk *x = &s->risks[i];
        if (!(x->uniques_fraction > f)) continue;
        int minimal = 1;
        for (size_t d = 0; minimal && x->nqis > 1 && d < x->nqis; d++) {
            size_t na = 0;
            for (size_t j = 0; j < x->nqis; j++)
                if (j != d) sub[na++] = x->qis[j];
            reid_attribute_risk key = {.qis = sub, .nqis = na};
            const reid_attribute_risk *y =
                bsearch(&key, s->risks, s->count, sizeof *s->risks, cmp_risk);
            if (y && y->uniques_fraction > f) minimal = 0;
        }
        if (minimal) r[found++] = (rank){x->nqis, i, x->uniques};
    }
    qsort(r, found, sizeof *r, cmp_rank);
    for (size_t i = 0; i < found; i++)
        idx[i] = r[i].i;
    free(sub);
    free(r);
    return (long)found;
}
