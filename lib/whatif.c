/* whatif.c - the generalisation lattice: level maps over value ids, re-counts, Flash-style search.
 */
#include "whatif.h"

#include <stdlib.h>
#include <string.h>

#include "numfmt.h"
#include "wtable.h"

/* A value a hierarchy cannot read is interned with this byte in front at the levels where it is
 * kept as itself, so that it never merges with a generalised value that happens to be spelt the
 * same (an unrecognised postcode "SW1A" and the district "SW1A"): each level stays a function of
 * the one below it, which the monotonicity of k needs. These dictionaries never leave this file. */
#define KEPT_TAG '\001'

enum { UNKNOWN = 0, PASS = 1, FAIL = 2 };

typedef struct reid_whatif_state {
    reid_whatif pub;
    size_t q;
    const char **qi;
    const char **hname;
    unsigned *radix;    /* [q] levels per QI */
    uint64_t *stride;   /* [q] mixed-radix place value */
    uint64_t *unparsed; /* [q] */
    uint32_t **map;     /* [q * MAX]: base id -> id at the level (NULL at level 0: identity) */
    uint32_t *nids;     /* [q * MAX]: ids at the level, missing included */
    uint32_t *nbase;    /* [q]: base ids */
    reid_whatif_node *nodes;
    unsigned *levels;   /* [N * q] */
    uint64_t *distinct; /* [N * q] */
    unsigned char *tag; /* [N] */
    wtable **table;     /* [N]: re-counted tables kept as sources (NULL: none) */
    uint64_t cached_classes;
    uint64_t cache_limit;
    uint64_t *minimal;
    size_t nminimal;
    uint64_t *stack; /* [N] for the closures */
    wtable *spare;   /* the last counted table not kept, reused (no fresh pages to zero) */
} reid_whatif_state;

void reid_whatif_free(reid_analysis *a)
{
    reid_whatif_state *w = a->whatif;
    if (!w) return;
    for (size_t i = 0; w->map && i < w->q * REID_HIER_MAX_LEVELS; i++)
        free(w->map[i]);
    for (uint64_t n = 0; w->table && n < w->pub.lattice_size; n++)
        wtable_free(w->table[n]);
    free(w->table);
    wtable_free(w->spare);
    free(w->map);
    free(w->nids);
    free(w->nbase);
    free(w->qi);
    free(w->hname);
    free(w->radix);
    free(w->stride);
    free(w->unparsed);
    free(w->nodes);
    free(w->levels);
    free(w->distinct);
    free(w->tag);
    free(w->minimal);
    free(w->stack);
    free(w);
    a->whatif = NULL;
}

const reid_whatif *reid_whatif_get(const reid_analysis *a)
{
    return a->whatif && a->hist && !a->err.status ? &a->whatif->pub : NULL;
}

static int nomem(reid_analysis *a)
{
    reid_error_set(&a->err, REID_ERR_NOMEM, 0, 0, "%s: out of memory (what-if lattice)", a->source);
    return -1;
}

/* The maps of QI j: every dictionary value generalised to every level and interned per level. */
static int build_maps(reid_analysis *a, reid_whatif_state *w, size_t j)
{
    const reid_dict *d = &a->qi[j].dict;
    const reid_hierarchy *h = &a->hier[j];
    w->nbase[j] = d->count;
    w->nids[j * REID_HIER_MAX_LEVELS] = d->count;
    uint64_t absent = 0;
    unsigned char *bad = calloc(d->count, 1);
    char *tmp = NULL;
    size_t tcap = 0;
    int rc = bad ? 0 : -1;
    for (unsigned l = 1; rc == 0 && l < h->levels; l++) {
        reid_dict ld;
        uint32_t *m = malloc((size_t)d->count * sizeof *m);
        if (!m || reid_dict_init(&ld) != 0) {
            free(m);
            rc = -1;
            break;
        }
        m[0] = REID_DICT_MISSING;
        for (uint32_t v = 1; rc == 0 && v < d->count; v++) {
            size_t len, n;
            const char *s = reid_dict_value(d, v, &len);
            char buf[REID_HIER_BUF];
            int parsed;
            const char *g = reid_hierarchy_apply(h, l, s, len, buf, &n, &parsed);
            if (!g) { /* not in a user hierarchy */
                absent += l == 1;
                m[v] = 0;
                continue;
            }
            if (!parsed) bad[v] = 1;
            if (!parsed && g == s && n == len) { /* kept as itself: tagged */
                if (n + 1 > tcap) {
                    tcap = 2 * (n + 1);
                    char *t = realloc(tmp, tcap);
                    if (!t) {
                        rc = -1;
                        break;
                    }
                    tmp = t;
                }
                tmp[0] = KEPT_TAG;
                memcpy(tmp + 1, g, n);
                g = tmp;
                n++;
            }
            if (reid_dict_intern(&ld, g, n, &m[v]) != 0) rc = -1;
        }
        w->map[j * REID_HIER_MAX_LEVELS + l] = m;
        w->nids[j * REID_HIER_MAX_LEVELS + l] = ld.count;
        reid_dict_free(&ld);
    }
    uint64_t nbad = 0;
    for (uint32_t v = 1; rc == 0 && v < d->count; v++)
        nbad += bad[v];
    w->unparsed[j] = nbad;
    free(bad);
    free(tmp);
    if (rc != 0) return nomem(a);
    if (absent)
        return reid_error_set(&a->err, REID_ERR_INPUT, 0, 0,
                              "%s: %llu distinct value%s of column '%s' %s not in the hierarchy %s "
                              "(the values are not shown)",
                              a->source, (unsigned long long)absent, absent == 1 ? "" : "s",
                              a->qi[j].name, absent == 1 ? "is" : "are", h->source),
               -1;
    return 0;
}

static const unsigned *lv(const reid_whatif_state *w, uint64_t n)
{
    return w->levels + n * w->q;
}

/* Figures of a counted table into node n. */
static void figures(const reid_whatif_state *w, wview t, uint64_t n)
{
    reid_whatif_node *nd = &w->nodes[n];
    uint64_t k = UINT64_MAX, uniques = 0, risk = 0;
    for (uint64_t c = 0; c < t.n; c++) {
        uint64_t f = t.sizes[c];
        if (f < k) k = f;
        uniques += f == 1;
        if (f < w->pub.target_k) risk += f;
    }
    nd->evaluated = 1;
    nd->classes = t.n;
    nd->k = t.n ? k : 0;
    nd->uniques = uniques;
    nd->records_at_risk = risk;
    nd->passes = nd->k >= w->pub.target_k;
}

/* Re-count src (at levels from) into dst at node n's levels. 0, or -1 when out of memory. */
static int recount(reid_whatif_state *w, wview src, const unsigned *from, uint64_t n, wtable *dst)
{
    const size_t q = w->q;
    const unsigned *to = lv(w, n);
    uint32_t *tr[REID_HIER_MAX_LEVELS] = {0};
    uint32_t **t = q <= REID_HIER_MAX_LEVELS ? tr : calloc(q, sizeof *t);
    int rc = t ? 0 : -1;
    /* per QI: id at `from` -> id at `to`, through the base ids (each level is a function of the
     * one below it, so this is well defined) */
    for (size_t j = 0; rc == 0 && j < q; j++) {
        if (from[j] == to[j]) continue;
        const uint32_t *mf = w->map[j * REID_HIER_MAX_LEVELS + from[j]];
        const uint32_t *mt = w->map[j * REID_HIER_MAX_LEVELS + to[j]];
        uint32_t size = w->nids[j * REID_HIER_MAX_LEVELS + from[j]];
        if (!(t[j] = malloc((size_t)size * sizeof *t[j]))) {
            rc = -1;
            break;
        }
        for (uint32_t v = 0; v < w->nbase[j]; v++)
            t[j][mf ? mf[v] : v] = mt[v];
    }
    /* a QI going to a level with a single value (suppressed) needs no lookup: 0 stays missing,
     * everything else becomes that value; large maps are prefetched a batch ahead */
    unsigned char *one = rc == 0 ? calloc(q ? q : 1, 1) : NULL,
                  *big = one ? calloc(q ? q : 1, 1) : NULL;
    if (!big) rc = -1;
    for (size_t j = 0; rc == 0 && j < q; j++) {
        if (!t[j]) continue;
        one[j] = w->nids[j * REID_HIER_MAX_LEVELS + to[j]] == 2;
        big[j] = !one[j] && w->nids[j * REID_HIER_MAX_LEVELS + from[j]] > 16384;
    }
    enum { B = 64 };
    uint32_t *keys = rc == 0 ? malloc(B * q * sizeof *keys) : NULL;
    uint64_t hashes[B];
    if (!keys) rc = -1;
    for (uint64_t c0 = 0; rc == 0 && c0 < src.n; c0 += B) {
        uint64_t nb = src.n - c0 < B ? src.n - c0 : B;
        const uint32_t *k0 = src.keys + c0 * q;
        for (size_t j = 0; j < q; j++)
            if (big[j])
                for (uint64_t i = 0; i < nb; i++)
                    __builtin_prefetch(&t[j][k0[i * q + j]]);
        for (uint64_t i = 0; i < nb; i++) {
            const uint32_t *k = k0 + i * q;
            uint32_t *out = keys + i * q;
            for (size_t j = 0; j < q; j++)
                out[j] = one[j] ? (k[j] != 0) : t[j] ? t[j][k[j]] : k[j];
            hashes[i] = wt_hash(out, q);
            __builtin_prefetch(&dst->slots[hashes[i] & dst->mask]);
        }
        for (uint64_t i = 0; rc == 0 && i < nb; i++)
            rc = wt_add(dst, q, keys + i * q, hashes[i], src.sizes[c0 + i]);
    }
    free(one);
    free(big);
    free(keys);
    for (size_t j = 0; t && j < q; j++)
        free(t[j]);
    if (t != tr) free(t);
    return rc;
}

/* Count node n from the computed node below it with the fewest classes. */
static int evaluate(reid_analysis *a, reid_whatif_state *w, uint64_t n)
{
    const size_t q = w->q;
    const unsigned *to = lv(w, n);
    wview src = {a->table.keys, a->table.sizes, a->table.nclasses};
    const unsigned *from = lv(w, 0);
    for (uint64_t m = 0; m < w->pub.lattice_size; m++) {
        const wtable *t = w->table[m];
        if (!t || t->n >= src.n) continue;
        const unsigned *l = lv(w, m);
        int below = 1;
        for (size_t j = 0; below && j < q; j++)
            below = l[j] <= to[j];
        if (below) {
            src = (wview){t->keys, t->sizes, t->n};
            from = l;
        }
    }
    wtable *dst = w->spare;
    w->spare = NULL;
    if (dst) {
        wt_clear(dst);
    } else {
        dst = wt_new(q, src.n < 65536 ? src.n : 65536);
    }
    if (!dst || recount(w, src, from, n, dst) != 0) {
        wtable_free(dst);
        return nomem(a);
    }
    figures(w, (wview){dst->keys, dst->sizes, dst->n}, n);
    w->pub.evaluated++;
    /* kept as a source for the nodes above while the kept tables hold fewer classes in all than
     * the counted table */
    if (dst->n < src.n && w->cached_classes + dst->n <= w->cache_limit) {
        w->table[n] = dst;
        w->cached_classes += dst->n;
    } else {
        w->spare = dst;
    }
    return 0;
}

/* Tag n and every node above it (pass) or below it (fail) that is not tagged yet. */
static void tag_closure(reid_whatif_state *w, uint64_t n, int tag)
{
    if (w->tag[n] == tag) return;
    size_t sp = 0;
    w->tag[n] = (unsigned char)tag;
    w->stack[sp++] = n;
    while (sp) {
        uint64_t m = w->stack[--sp];
        const unsigned *l = lv(w, m);
        for (size_t j = 0; j < w->q; j++) {
            uint64_t next;
            if (tag == PASS && l[j] + 1 < w->radix[j])
                next = m + w->stride[j];
            else if (tag == FAIL && l[j] > 0)
                next = m - w->stride[j];
            else
                continue;
            if (w->tag[next] == tag) continue;
            w->tag[next] = (unsigned char)tag;
            w->stack[sp++] = next;
        }
    }
}

static int check(reid_analysis *a, reid_whatif_state *w, uint64_t n)
{
    if (!w->nodes[n].evaluated && evaluate(a, w, n) != 0) return -1;
    tag_closure(w, n, w->nodes[n].passes ? PASS : FAIL);
    return 0;
}

static int search(reid_analysis *a, reid_whatif_state *w, const uint64_t *order)
{
    const uint64_t N = w->pub.lattice_size;
    uint64_t *path = malloc(N * sizeof *path);
    if (!path) return nomem(a);
    int rc = 0;
    for (uint64_t i = 0; rc == 0 && i < N; i++) {
        uint64_t n = order[i];
        if (w->pub.mode == REID_WHATIF_ALL) {
            rc = check(a, w, n);
            continue;
        }
        if (w->tag[n] != UNKNOWN) continue;
        /* a path upwards through untagged nodes */
        uint64_t len = 0, cur = n;
        path[len++] = cur;
        for (;;) {
            const unsigned *l = lv(w, cur);
            uint64_t next = UINT64_MAX;
            for (size_t j = 0; j < w->q && next == UINT64_MAX; j++)
                if (l[j] + 1 < w->radix[j] && w->tag[cur + w->stride[j]] == UNKNOWN)
                    next = cur + w->stride[j];
            if (next == UINT64_MAX) break;
            path[len++] = cur = next;
        }
        /* binary search for the lowest passing node on it */
        uint64_t lo = 0, hi = len;
        while (rc == 0 && lo < hi) {
            uint64_t mid = lo + (hi - lo) / 2;
            if (w->tag[path[mid]] == UNKNOWN) rc = check(a, w, path[mid]);
            if (w->tag[path[mid]] == PASS)
                hi = mid;
            else
                lo = mid + 1;
        }
    }
    free(path);
    return rc;
}

/* The nodes by height, then index: a breadth-first walk up the lattice. */
static void order_by_height(const reid_whatif_state *w, uint64_t *order)
{
    const uint64_t N = w->pub.lattice_size;
    unsigned maxh = 0;
    for (uint64_t n = 0; n < N; n++)
        if (w->nodes[n].height > maxh) maxh = w->nodes[n].height;
    uint64_t pos = 0;
    for (unsigned h = 0; h <= maxh; h++)
        for (uint64_t n = 0; n < N; n++)
            if (w->nodes[n].height == h) order[pos++] = n;
}

static int setup(reid_analysis *a, reid_whatif_state *w)
{
    const size_t q = a->nq;
    w->q = q;
    w->qi = calloc(q ? q : 1, sizeof *w->qi);
    w->hname = calloc(q ? q : 1, sizeof *w->hname);
    w->radix = calloc(q ? q : 1, sizeof *w->radix);
    w->stride = calloc(q ? q : 1, sizeof *w->stride);
    w->unparsed = calloc(q ? q : 1, sizeof *w->unparsed);
    w->map = calloc((q ? q : 1) * REID_HIER_MAX_LEVELS, sizeof *w->map);
    w->nids = calloc((q ? q : 1) * REID_HIER_MAX_LEVELS, sizeof *w->nids);
    w->nbase = calloc(q ? q : 1, sizeof *w->nbase);
    if (!w->qi || !w->hname || !w->radix || !w->stride || !w->unparsed || !w->map || !w->nids ||
        !w->nbase)
        return nomem(a);
    uint64_t limit = a->cfg->gen.max_nodes ? a->cfg->gen.max_nodes : REID_WHATIF_MAX_NODES;
    uint64_t N = 1;
    int over = 0;
    for (size_t j = 0; j < q; j++) {
        const reid_hierarchy *h = &a->hier[j];
        w->qi[j] = a->qi[j].name;
        w->hname[j] = h->kind == REID_HIER_USER ? h->source : reid_hierarchy_name(h);
        w->radix[j] = h->levels;
        if (N > limit)
            over = 1;
        else
            N *= h->levels;
    }
    if (over || N > limit) {
        char b1[32];
        return reid_error_set(&a->err, REID_ERR_CONFIG, 0, 0,
                              "%s: the what-if lattice of these %zu quasi-identifiers has more "
                              "than %s nodes (the limit); use fewer quasi-identifiers, or raise "
                              "the limit with --what-if-max-nodes",
                              a->source, q, reid_fmt_count(limit, b1)),
               -1;
    }
    for (size_t j = q; j-- > 0;)
        w->stride[j] = j + 1 < q ? w->stride[j + 1] * w->radix[j + 1] : 1;
    for (size_t j = 0; j < q; j++)
        if (build_maps(a, w, j) != 0) return -1;
    w->pub.lattice_size = N;
    w->nodes = calloc(N, sizeof *w->nodes);
    w->levels = calloc(N * (q ? q : 1), sizeof *w->levels);
    w->distinct = calloc(N * (q ? q : 1), sizeof *w->distinct);
    w->tag = calloc(N, 1);
    w->table = calloc(N, sizeof *w->table);
    w->stack = calloc(N, sizeof *w->stack);
    if (!w->nodes || !w->levels || !w->distinct || !w->tag || !w->table || !w->stack)
        return nomem(a);
    for (uint64_t n = 0; n < N; n++) {
        reid_whatif_node *nd = &w->nodes[n];
        unsigned *l = w->levels + n * q;
        uint64_t *dv = w->distinct + n * q;
        double loss = 0;
        for (size_t j = 0; j < q; j++) {
            l[j] = (unsigned)(n / w->stride[j] % w->radix[j]);
            nd->height += l[j];
            dv[j] = w->nids[j * REID_HIER_MAX_LEVELS + l[j]] - 1;
            if (w->radix[j] > 1) loss += (double)l[j] / (double)(w->radix[j] - 1);
        }
        nd->levels = l;
        nd->distinct = dv;
        nd->precision = q ? 1 - loss / (double)q : 1;
    }
    w->pub.q = q;
    w->pub.qi = w->qi;
    w->pub.hierarchy = w->hname;
    w->pub.levels = w->radix;
    w->pub.unparsed_values = w->unparsed;
    w->pub.target_k = a->cfg->k;
    w->pub.mode = (reid_whatif_mode)a->cfg->gen.what_if;
    w->pub.nodes = w->nodes;
    w->cache_limit = a->table.nclasses;
    return 0;
}

int reid_whatif_compute(reid_analysis *a)
{
    reid_whatif_free(a);
    if (!a->cfg->gen.what_if) return 0;
    reid_whatif_state *w = calloc(1, sizeof *w);
    if (!w) return nomem(a);
    a->whatif = w;
    if (setup(a, w) != 0) return -1;
    const uint64_t N = w->pub.lattice_size;
    /* the bottom node is the counted table itself */
    figures(w, (wview){a->table.keys, a->table.sizes, a->table.nclasses}, 0);
    w->pub.evaluated = 1;
    tag_closure(w, 0, w->nodes[0].passes ? PASS : FAIL);
    uint64_t *order = malloc(N * sizeof *order);
    if (!order) return nomem(a);
    order_by_height(w, order);
    int rc = search(a, w, order);
    free(order);
    if (rc != 0) return -1;
    /* tags into the nodes; the minimal passing nodes */
    if (!(w->minimal = malloc(N * sizeof *w->minimal))) return nomem(a);
    for (uint64_t n = 0; n < N; n++) {
        reid_whatif_node *nd = &w->nodes[n];
        nd->passes = w->tag[n] == PASS;
        w->pub.passing += nd->passes;
        if (!nd->passes) continue;
        int minimal = 1;
        for (size_t j = 0; minimal && j < w->q; j++)
            if (nd->levels[j] > 0 && w->tag[n - w->stride[j]] == PASS) minimal = 0;
        if (minimal) w->minimal[w->nminimal++] = n;
    }
    w->pub.minimal = w->minimal;
    w->pub.nminimal = w->nminimal;
    /* the re-counted tables are not needed any more */
    for (uint64_t n = 0; n < N; n++) {
        wtable_free(w->table[n]);
        w->table[n] = NULL;
    }
    wtable_free(w->spare);
    w->spare = NULL;
    return 0;
}
