/* longitudinal.c - trails of events: unicity of p points and of the whole set (longitudinal.h). */
#include "longitudinal.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "people.h"

/* ---- the event columns ---- */

void reid_events_cols_free(reid_event_col *cols, size_t n)
{
    for (size_t i = 0; cols && i < n; i++) {
        free(cols[i].name);
        reid_dict_free(&cols[i].dict);
    }
    free(cols);
}

int reid_events_parse(const char *list, reid_event_col **cols, size_t *n, char *err, size_t cap)
{
    *cols = NULL;
    *n = 0;
    const char *p = list ? list : "";
    size_t all = strlen(p);
    reid_trim(&p, &all);
    if (!all) {
        snprintf(err, cap, "the list of event columns is empty");
        return -1;
    }
    reid_event_col *c = NULL;
    size_t m = 0;
    for (;;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *s = p;
        reid_trim(&s, &len);
        const char *colon = memchr(s, ':', len);
        size_t nlen = colon ? (size_t)(colon - s) : len;
        const char *t = colon ? colon + 1 : NULL;
        size_t tlen = colon ? len - nlen - 1 : 0;
        reid_trim(&s, &nlen);
        if (t) reid_trim(&t, &tlen);
        if (!nlen) {
            snprintf(err, cap, "an event column name is empty (in '%s')", list);
            reid_events_cols_free(c, m);
            return -1;
        }
        reid_event_col *g = realloc(c, (m + 1) * sizeof *g);
        if (!g) {
            reid_events_cols_free(c, m);
            return -2;
        }
        c = g;
        memset(&c[m], 0, sizeof c[m]);
        c[m].type = REID_TYPE_AUTO;
        if (!(c[m].name = strndup(s, nlen))) {
            reid_events_cols_free(c, m);
            return -2;
        }
        m++;
        if (t) {
            char ty[16];
            int ok = tlen < sizeof ty;
            if (ok) {
                memcpy(ty, t, tlen);
                ty[tlen] = 0;
                for (size_t i = 0; i < tlen; i++)
                    ty[i] = (char)tolower((unsigned char)ty[i]);
                if (strcmp(ty, "month") == 0) {
                    c[m - 1].type = REID_TYPE_DATE;
                    c[m - 1].month = 1;
                } else {
                    ok = reid_qi_type_from_name(ty, &c[m - 1].type);
                }
            }
            if (!ok) {
                snprintf(err, cap,
                         "unknown type '%.*s' for event column '%s' (types: text postcode date "
                         "month age sex code)",
                         (int)(tlen < 40 ? tlen : 40), t, c[m - 1].name);
                reid_events_cols_free(c, m);
                return -1;
            }
        }
        if (!end) break;
        p = end + 1;
    }
    *cols = c;
    *n = m;
    return 0;
}

/* ---- counting ---- */

int reid_events_counter_init(reid_events_counter *ec, reid_event_col *cols, size_t n)
{
    memset(ec, 0, sizeof *ec);
    ec->cols = cols;
    ec->ne = n;
    int rc = reid_classtable_init(&ec->events, (unsigned)n);
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = reid_dict_init(&cols[i].dict);
    ec->key = malloc(n * sizeof *ec->key);
    if (rc != 0 || !ec->key) {
        reid_events_counter_free(ec);
        return -1;
    }
    return 0;
}

void reid_events_counter_free(reid_events_counter *ec)
{
    reid_events_cols_free(ec->cols, ec->ne);
    reid_classtable_free(&ec->events);
    free(ec->rows);
    free(ec->key);
    free(ec->norm);
    memset(ec, 0, sizeof *ec);
}

int reid_events_key(reid_events_counter *ec, const reid_missing_set *missing,
                    const char *const *vals, const size_t *lens, uint32_t *key)
{
    for (size_t i = 0; i < ec->ne; i++)
        if (reid_missing_set_has(missing, vals[i], lens[i])) {
            ec->no_event++;
            return 0;
        }
    for (size_t i = 0; i < ec->ne; i++) {
        reid_event_col *c = &ec->cols[i];
        size_t len = lens[i];
        if (len + REID_NORM_EXTRA > ec->normcap) {
            size_t cap = len + REID_NORM_EXTRA + 64;
            char *p = realloc(ec->norm, cap);
            if (!p) return -1;
            ec->norm = p;
            ec->normcap = cap;
        }
        int ok;
        size_t out = reid_normalise(c->type, vals[i], len, ec->norm, &ok);
        if (c->month && ok && out == 10) out = 7; /* 1970-01-31 -> 1970-01 */
        if (reid_dict_intern(&c->dict, ec->norm, out, &key[i]) != 0) return -1;
    }
    return 1;
}

int reid_events_add_key(reid_events_counter *ec, uint32_t person, uint32_t cls, const uint32_t *key,
                        uint64_t h)
{
    int64_t ev = reid_classtable_add_indexed(&ec->events, key, h, 1, 0);
    if (ev < 0) return -1;
    if (ec->nrows == ec->caprows) {
        uint64_t cap = ec->caprows ? ec->caprows * 2 : 4096;
        reid_event_triple *r = realloc(ec->rows, cap * sizeof *r);
        if (!r) return -1;
        ec->rows = r;
        ec->caprows = cap;
    }
    ec->rows[ec->nrows++] = (reid_event_triple){person, (uint32_t)ev, cls};
    return 0;
}

int reid_events_add(reid_events_counter *ec, const reid_missing_set *missing, uint32_t person,
                    uint32_t cls, const char *const *vals, const size_t *lens)
{
    int k = reid_events_key(ec, missing, vals, lens, ec->key);
    if (k <= 0) return k;
    return reid_events_add_key(ec, person, cls, ec->key,
                               reid_classtable_hash(&ec->events, ec->key));
}

uint64_t reid_events_bytes(const reid_events_counter *ec)
{
    uint64_t b = reid_classtable_bytes(&ec->events) + ec->caprows * sizeof *ec->rows;
    for (size_t i = 0; i < ec->ne; i++)
        b += reid_dict_bytes(&ec->cols[i].dict);
    return b;
}

/* ---- sorting ---- */

/* Stable LSD radix sort of the triples by (person, event, cls), 16 bits a pass; passes whose
 * digit is 0 everywhere are skipped. -1 when out of memory. */
static int sort_triples(reid_event_triple *a, uint64_t n)
{
    reid_event_triple *tmp = malloc((n ? n : 1) * sizeof *tmp);
    uint64_t *cnt = malloc(65536 * sizeof *cnt);
    if (!tmp || !cnt) {
        free(tmp);
        free(cnt);
        return -1;
    }
    reid_event_triple *src = a, *dst = tmp;
    for (int pass = 0; pass < 6; pass++) {
        int field = 2 - pass / 2, shift = (pass % 2) * 16;
        memset(cnt, 0, 65536 * sizeof *cnt);
        uint32_t any = 0;
        for (uint64_t i = 0; i < n; i++) {
            uint32_t v = field == 0 ? src[i].person : field == 1 ? src[i].event : src[i].cls;
            uint32_t d = (v >> shift) & 0xFFFF;
            any |= d;
            cnt[d]++;
        }
        if (!any) continue;
        uint64_t sum = 0;
        for (int d = 0; d < 65536; d++) {
            uint64_t c = cnt[d];
            cnt[d] = sum;
            sum += c;
        }
        for (uint64_t i = 0; i < n; i++) {
            uint32_t v = field == 0 ? src[i].person : field == 1 ? src[i].event : src[i].cls;
            dst[cnt[(v >> shift) & 0xFFFF]++] = src[i];
        }
        reid_event_triple *t = src;
        src = dst;
        dst = t;
    }
    if (src != a) memcpy(a, src, n * sizeof *a);
    free(tmp);
    free(cnt);
    return 0;
}

typedef struct hashed {
    uint64_t h;
    uint32_t person;
} hashed;

/* Stable LSD radix sort by h, 16 bits a pass. -1 when out of memory. */
static int sort_hashed(hashed *a, uint64_t n)
{
    hashed *tmp = malloc((n ? n : 1) * sizeof *tmp);
    uint64_t *cnt = malloc(65536 * sizeof *cnt);
    if (!tmp || !cnt) {
        free(tmp);
        free(cnt);
        return -1;
    }
    hashed *src = a, *dst = tmp;
    for (int shift = 0; shift < 64; shift += 16) {
        memset(cnt, 0, 65536 * sizeof *cnt);
        for (uint64_t i = 0; i < n; i++)
            cnt[(src[i].h >> shift) & 0xFFFF]++;
        uint64_t sum = 0;
        for (int d = 0; d < 65536; d++) {
            uint64_t c = cnt[d];
            cnt[d] = sum;
            sum += c;
        }
        for (uint64_t i = 0; i < n; i++)
            dst[cnt[(src[i].h >> shift) & 0xFFFF]++] = src[i];
        hashed *t = src;
        src = dst;
        dst = t;
    }
    free(tmp); /* four passes: the sorted array is back in a */
    free(cnt);
    return 0;
}

/* ---- the index ---- */

typedef struct trails {
    const reid_event_triple *t; /* sorted by (person, event, cls), distinct */
    uint64_t *off;              /* [P + 1]: person p's points are t[off[p] .. off[p+1]) */
    uint64_t *poff;             /* [E + 1]: event e's people are plist[poff[e] .. poff[e+1]) */
    uint32_t *plist;
} trails;

/* Does person c's trail hold event e (and, when cls != UINT32_MAX, the point (e, cls))? */
static int holds(const trails *tr, uint32_t c, uint32_t e, uint32_t cls)
{
    uint64_t lo = tr->off[c], hi = tr->off[c + 1];
    while (lo < hi) { /* first point with event >= e */
        uint64_t mid = lo + (hi - lo) / 2;
        if (tr->t[mid].event < e)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < tr->off[c + 1] && tr->t[lo].event == e; lo++)
        if (cls == UINT32_MAX || tr->t[lo].cls == cls) return 1;
    return 0;
}

/* Is person `self` the only one whose trail holds every drawn point? ev[j] (and cls[j] unless
 * cls is NULL). */
static int only_one(const trails *tr, uint32_t self, const uint32_t *ev, const uint32_t *cls, int p)
{
    int best = 0;
    for (int j = 1; j < p; j++)
        if (tr->poff[ev[j] + 1] - tr->poff[ev[j]] < tr->poff[ev[best] + 1] - tr->poff[ev[best]])
            best = j;
    for (uint64_t i = tr->poff[ev[best]]; i < tr->poff[ev[best] + 1]; i++) {
        uint32_t c = tr->plist[i];
        if (c == self) continue;
        int all = 1;
        for (int j = 0; all && j < p; j++)
            if (j != best || cls) all = holds(tr, c, ev[j], cls ? cls[j] : UINT32_MAX);
        if (all) return 0;
    }
    return 1;
}

/* splitmix64: small, fast, and the same sequence everywhere for a seed. */
static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static uint64_t rng_below(uint64_t *s, uint64_t n)
{
    return (uint64_t)(((unsigned __int128)rng_next(s) * n) >> 64);
}

void reid_wilson95(uint64_t x, uint64_t n, double *lo, double *hi)
{
    const double z = 1.959963984540054; /* the 97.5% point of the standard normal */
    double N = (double)n, X = (double)x, z2 = z * z;
    double centre = (X + z2 / 2) / (N + z2);
    double half = z / (N + z2) * sqrt(X * (N - X) / N + z2 / 4);
    *lo = centre - half < 0 ? 0 : centre - half;
    *hi = centre + half > 1 ? 1 : centre + half;
}

static void finish_unicity(reid_unicity *u)
{
    if (!u->sampled) {
        u->fraction = u->ci_low = u->ci_high = NAN;
        return;
    }
    u->fraction = (double)u->unique / (double)u->sampled;
    reid_wilson95(u->unique, u->sampled, &u->ci_low, &u->ci_high);
}

/* Do persons pa and pb have the same set: with_cls = 0 the distinct events, 1 the points? */
static int same_set(const trails *tr, uint32_t pa, uint32_t pb, int with_cls)
{
    uint64_t x = tr->off[pa], y = tr->off[pb];
    const uint64_t xe = tr->off[pa + 1], ye = tr->off[pb + 1];
    if (with_cls) {
        if (xe - x != ye - y) return 0;
        for (; x < xe; x++, y++)
            if (tr->t[x].event != tr->t[y].event || tr->t[x].cls != tr->t[y].cls) return 0;
        return 1;
    }
    while (x < xe || y < ye) { /* the distinct events of both, in order */
        if (x >= xe || y >= ye || tr->t[x].event != tr->t[y].event) return 0;
        uint32_t e = tr->t[x].event;
        while (x < xe && tr->t[x].event == e)
            x++;
        while (y < ye && tr->t[y].event == e)
            y++;
    }
    return 1;
}

/* People whose set is unique: hash each person's set, sort, compare equal hashes exactly. sets:
 * with_cls = 0 the distinct events, 1 the (event, cls) points. -1 when out of memory. */
static int unique_sets(const trails *tr, const uint32_t *who, uint64_t np, int with_cls,
                       uint32_t *buf, uint64_t *out)
{
    hashed *h = malloc((np ? np : 1) * sizeof *h);
    if (!h) return -1;
    for (uint64_t i = 0; i < np; i++) {
        uint32_t p = who[i];
        size_t m = 0;
        for (uint64_t k = tr->off[p]; k < tr->off[p + 1]; k++) {
            if (with_cls) {
                buf[m++] = tr->t[k].event;
                buf[m++] = tr->t[k].cls;
            } else if (!m || buf[m - 1] != tr->t[k].event) {
                buf[m++] = tr->t[k].event;
            }
        }
        h[i] = (hashed){XXH3_64bits(buf, m * sizeof *buf), p};
    }
    if (sort_hashed(h, np) != 0) {
        free(h);
        return -1;
    }
    uint64_t unique = 0;
    for (uint64_t i = 0; i < np;) {
        uint64_t j = i + 1;
        while (j < np && h[j].h == h[i].h)
            j++;
        int all_same = 1; /* the usual run: one set, held by j - i people */
        for (uint64_t b = i + 1; all_same && b < j; b++)
            all_same = same_set(tr, h[i].person, h[b].person, with_cls);
        if (all_same) {
            unique += j - i == 1;
        } else { /* a hash collision: compare every pair of the run */
            for (uint64_t a = i; a < j; a++) {
                int alone = 1;
                for (uint64_t b = i; alone && b < j; b++)
                    if (a != b && same_set(tr, h[a].person, h[b].person, with_cls)) alone = 0;
                unique += (uint64_t)alone;
            }
        }
        i = j;
    }
    free(h);
    *out = unique;
    return 0;
}

int reid_longitudinal_compute(reid_events_counter *ec, uint32_t ids_count, uint64_t anon,
                              uint64_t seed, uint64_t sample, reid_longitudinal *o)
{
    memset(o, 0, sizeof *o);
    o->seed = seed;
    o->sample_requested = sample;
    o->rows_without_event = ec->no_event;
    o->distinct_events = ec->events.nclasses;
    const uint64_t P = (uint64_t)(ids_count - 1) + anon, E = ec->events.nclasses;
    reid_event_triple *t = ec->rows;
    uint64_t n = ec->nrows;
    for (uint64_t i = 0; i < n; i++) { /* dense person numbers 0 .. P-1 */
        uint32_t p = t[i].person;
        t[i].person = p < ids_count ? p - 1 : (ids_count - 1) + (REID_PEOPLE_ANON_TOP - p);
    }
    if (sort_triples(t, n) != 0) return -1;
    uint64_t m = 0;
    for (uint64_t i = 0; i < n; i++)
        if (!m || t[i].person != t[m - 1].person || t[i].event != t[m - 1].event ||
            t[i].cls != t[m - 1].cls)
            t[m++] = t[i];
    n = m;
    trails tr = {t, calloc(P + 1, sizeof *tr.off), calloc(E + 1, sizeof *tr.poff), NULL};
    uint32_t *who = malloc((P ? P : 1) * sizeof *who);
    uint32_t *buf = NULL;
    int rc = -1;
    if (!tr.off || !tr.poff || !who) goto out;
    /* offsets per person and per event (distinct (person, event) pairs) */
    uint64_t maxlen = 0;
    for (uint64_t i = 0; i < n; i++) {
        tr.off[t[i].person + 1]++;
        if (i == 0 || t[i].person != t[i - 1].person || t[i].event != t[i - 1].event) {
            tr.poff[t[i].event + 1]++;
            o->points++;
        }
    }
    o->points_with_qis = n;
    uint64_t np = 0;
    for (uint64_t p = 0; p < P; p++) {
        uint64_t len = tr.off[p + 1];
        if (len) who[np++] = (uint32_t)p;
        if (len > maxlen) maxlen = len;
        tr.off[p + 1] += tr.off[p];
    }
    for (uint64_t e = 0; e < E; e++)
        tr.poff[e + 1] += tr.poff[e];
    o->people = np;
    o->people_without = P - np;
    tr.plist = malloc((o->points ? o->points : 1) * sizeof *tr.plist);
    buf = malloc((2 * maxlen + 2 * REID_UNICITY_MAX_P + 2) * sizeof *buf);
    if (!tr.plist || !buf) goto out;
    {
        uint64_t *fill = tr.poff; /* advanced while filling, then shifted back */
        for (uint64_t i = 0; i < n; i++)
            if (i == 0 || t[i].person != t[i - 1].person || t[i].event != t[i - 1].event)
                tr.plist[fill[t[i].event]++] = t[i].person;
        for (uint64_t e = E; e > 0; e--)
            tr.poff[e] = tr.poff[e - 1];
        tr.poff[0] = 0;
    }
    for (uint64_t i = 0; i < np; i++) { /* most distinct events of one person */
        uint64_t d = 0;
        for (uint64_t k = tr.off[who[i]]; k < tr.off[who[i] + 1]; k++)
            d += k == tr.off[who[i]] || t[k].event != t[k - 1].event;
        if (d > o->max_points) o->max_points = d;
    }
    if (unique_sets(&tr, who, np, 0, buf, &o->set_unique) != 0 ||
        unique_sets(&tr, who, np, 1, buf, &o->set_unique_with_qis) != 0)
        goto out;
    o->set_unique_fraction = np ? (double)o->set_unique / (double)np : NAN;
    o->set_unique_with_qis_fraction = np ? (double)o->set_unique_with_qis / (double)np : NAN;
    /* the sample: everyone when there are few enough, else a seeded partial Fisher-Yates */
    uint64_t rng = seed;
    uint64_t S = sample < np ? sample : np;
    for (uint64_t i = 0; S < np && i < S; i++) {
        uint64_t j = i + rng_below(&rng, np - i);
        uint32_t x = who[i];
        who[i] = who[j];
        who[j] = x;
    }
    o->sampled = S;
    for (int p = 1; p <= REID_UNICITY_MAX_P; p++) {
        o->events[p - 1].p = (uint64_t)p;
        o->with_qis[p - 1].p = (uint64_t)p;
    }
    uint32_t ev[REID_UNICITY_MAX_P], cl[REID_UNICITY_MAX_P];
    uint32_t *idx = buf; /* [maxlen] candidate positions, then maxlen distinct events */
    uint32_t *dist = buf + maxlen;
    for (uint64_t s = 0; s < S; s++) {
        uint32_t self = who[s];
        const uint64_t a = tr.off[self], len = tr.off[self + 1] - a;
        uint64_t nd = 0;
        for (uint64_t k = 0; k < len; k++)
            if (!nd || dist[nd - 1] != t[a + k].event) dist[nd++] = t[a + k].event;
        for (int with = 0; with < 2; with++) {
            uint64_t pool = with ? len : nd;
            for (int p = 1; p <= REID_UNICITY_MAX_P && (uint64_t)p <= pool; p++) {
                /* p distinct positions out of pool: a partial Fisher-Yates */
                for (uint64_t k = 0; k < pool; k++)
                    idx[k] = (uint32_t)k;
                for (int j = 0; j < p; j++) {
                    uint64_t r = (uint64_t)j + rng_below(&rng, pool - (uint64_t)j);
                    uint32_t x = idx[j];
                    idx[j] = idx[r];
                    idx[r] = x;
                    ev[j] = with ? t[a + idx[j]].event : dist[idx[j]];
                    cl[j] = with ? t[a + idx[j]].cls : 0;
                }
                reid_unicity *u = with ? &o->with_qis[p - 1] : &o->events[p - 1];
                u->sampled++;
                u->unique += (uint64_t)only_one(&tr, self, ev, with ? cl : NULL, p);
            }
        }
    }
    for (int p = 0; p < REID_UNICITY_MAX_P; p++) {
        finish_unicity(&o->events[p]);
        finish_unicity(&o->with_qis[p]);
    }
    rc = 0;
out:
    free(tr.off);
    free(tr.poff);
    free(tr.plist);
    free(who);
    free(buf);
    return rc;
}
