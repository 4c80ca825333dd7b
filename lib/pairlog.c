/* pairlog.c - (class, value) pairs appended to a log, then radix-sorted by class and merged. */
#include "pairlog.h"

#include <stdlib.h>
#include <string.h>

#include "bigmem.h"

/* Pairs of the log's first allocation (64 KiB). */
#define LOG_FIRST 8192
/* Bits of a class index sorted per pass of the radix sort, at most: 2^11 counters fit the first
 * cache, and the scatter writes to as many places at once (two passes up to 4 M classes). */
#define RADIX_BITS 11
/* A class's run of at most this many pairs is merged by linear search; a longer one through a
 * small hash table of its values. */
#define RUN_LINEAR 32

void reid_pairlog_init(reid_pairlog *p)
{
    memset(p, 0, sizeof *p);
}

void reid_pairlog_free(reid_pairlog *p)
{
    reid_big_free(p->log, p->logcap * sizeof *p->log);
    reid_big_free(p->logcnt, p->logcap * sizeof *p->logcnt);
    reid_big_free(p->key, p->n * sizeof *p->key);
    reid_big_free(p->cnt, p->n * sizeof *p->cnt);
    memset(p, 0, sizeof *p);
}

uint64_t reid_pairlog_bytes(const reid_pairlog *p)
{
    return (uint64_t)p->logcap * (p->logcnt ? 16 : 8) + (uint64_t)p->n * 16;
}

/* Would holding `more` extra bytes break the budget? Then refuse, and say so. */
static int over_budget(reid_pairlog *p, uint64_t more)
{
    if (p->budget && reid_pairlog_bytes(p) + more > p->budget) {
        p->over_budget = 1;
        return 1;
    }
    return 0;
}

int reid_pairlog_make_room(reid_pairlog *p)
{
    if (p->nlog < p->logcap) return 0;
    /* a full log as long as the pairs counted so far: folded, so that it never holds more than
     * about as many pairs as are distinct (and each pair is moved a bounded number of times) */
    if (p->nlog >= PAIRLOG_MIN_FOLD && p->nlog >= p->n) {
        if (reid_pairlog_fold(p) != 0) return -1;
        if (p->nlog < p->logcap) return 0; /* else the log became the pairs: a new one */
    }
    size_t cap = p->logcap ? 2 * p->logcap : LOG_FIRST;
    if (over_budget(p, (uint64_t)(cap - p->logcap) * (p->logcnt ? 16 : 8))) return -1;
    uint64_t *log = reid_big_grow(p->log, p->logcap * sizeof *log, cap * sizeof *log);
    if (!log) return -1;
    p->log = log;
    if (p->logcnt) {
        uint64_t *c = reid_big_grow(p->logcnt, p->logcap * sizeof *c, cap * sizeof *c);
        if (!c) { /* the log back to its old size */
            p->log = reid_big_shrink(log, cap * sizeof *log, p->logcap * sizeof *log);
            return -1;
        }
        p->logcnt = c;
    }
    p->logcap = cap;
    return 0;
}

int reid_pairlog_add_count(reid_pairlog *p, uint32_t cls, uint32_t value, uint64_t count)
{
    if (count == 1) return reid_pairlog_add(p, cls, value);
    if (p->nlog == p->logcap && reid_pairlog_make_room(p) != 0) return -1;
    if (!p->logcnt) { /* counts from now on: the pairs already in the log count 1 each */
        if (over_budget(p, (uint64_t)p->logcap * 8)) return -1;
        if (!(p->logcnt = reid_big_alloc(p->logcap * sizeof *p->logcnt))) return -1;
        for (size_t i = 0; i < p->nlog; i++)
            p->logcnt[i] = 1;
    }
    p->log[p->nlog] = (uint64_t)cls << 32 | value;
    p->logcnt[p->nlog++] = count;
    return 0;
}

/* Sort log[0 .. n) (and cnt, when not NULL) by class, stably, with tmp / tcnt (n each) as the other
 * buffers: the result is in whichever of the two the last pass wrote, returned in *out / *outcnt.
 */
static void sort_by_class(uint64_t *log, uint64_t *cnt, uint64_t *tmp, uint64_t *tcnt, size_t n,
                          uint64_t **out, uint64_t **outcnt)
{
    uint64_t maxc = 0;
    for (size_t i = 0; i < n; i++)
        maxc |= log[i] >> 32;
    unsigned bits = 0;
    while (bits < 32 && maxc >> bits)
        bits++;
    const unsigned passes = (bits + RADIX_BITS - 1) / RADIX_BITS;
    const unsigned digit = passes ? (bits + passes - 1) / passes : 1;
    const size_t B = (size_t)1 << digit;
    size_t hist[3][(size_t)1 << RADIX_BITS];
    memset(hist, 0, sizeof hist);
    for (size_t i = 0; i < n; i++) /* every pass's counts in one read */
        for (unsigned pp = 0; pp < passes; pp++)
            hist[pp][(log[i] >> (32 + pp * digit)) & (B - 1)]++;
    uint64_t *a = log, *ac = cnt, *b = tmp, *bc = tcnt;
    for (unsigned pp = 0; pp < passes; pp++) {
        const unsigned shift = 32 + pp * digit;
        size_t sum = 0, *h = hist[pp];
        if (h[(a[0] >> shift) & (B - 1)] == n) continue; /* one digit for all: nothing moves */
        for (size_t d = 0; d < B; d++) {
            size_t k = h[d];
            h[d] = sum;
            sum += k;
        }
        for (size_t i = 0; i < n; i++) {
            size_t at = h[(a[i] >> shift) & (B - 1)]++;
            b[at] = a[i];
            if (ac) bc[at] = ac[i];
        }
        uint64_t *x = a;
        a = b, b = x;
        x = ac;
        ac = bc, bc = x;
    }
    *out = a;
    *outcnt = ac;
}

/* The values of one class's run while it is merged: out[s ..) of the merged pairs. */
typedef struct run_index {
    uint32_t *slot; /* index in the run + 1, 0 = empty */
    size_t cap;     /* slots allocated */
    size_t mask;    /* slots in use - 1 (a power of two) */
    unsigned shift; /* 64 - log2(slots in use) */
} run_index;

/* Fibonacci hashing: the top bits of value x 2^64 / golden ratio. */
static size_t run_slot(const run_index *x, uint32_t value)
{
    return (size_t)((value * 0x9E3779B97F4A7C15ull) >> x->shift);
}

/* Merge the sorted log run lg[0 .. m) (counts lc, or 1 each) into the class's pairs at
 * key[s .. *o), appending the values the class does not have yet. -1 when out of memory. */
static int merge_run(uint64_t *key, uint64_t *cnt, size_t s, size_t *o, const uint64_t *lg,
                     const uint64_t *lc, size_t m, run_index *x)
{
    size_t e = *o;
    if ((e - s) + m <= RUN_LINEAR) {
        for (size_t j = 0; j < m; j++) {
            uint64_t k = lg[j], c = lc ? lc[j] : 1;
            size_t i = s;
            while (i < e && key[i] != k)
                i++;
            if (i < e) {
                cnt[i] += c;
            } else {
                key[e] = k;
                cnt[e++] = c;
            }
        }
        *o = e;
        return 0;
    }
    size_t need = 2;
    unsigned lg2 = 1;
    while (need < 2 * ((e - s) + m))
        need *= 2, lg2++;
    if (need > x->cap) {
        uint32_t *sl = realloc(x->slot, need * sizeof *sl);
        if (!sl) return -1;
        x->slot = sl;
        x->cap = need;
    }
    x->mask = need - 1;
    x->shift = 64 - lg2;
    memset(x->slot, 0, need * sizeof *x->slot);
    for (size_t i = s; i < e; i++) {
        size_t h = run_slot(x, (uint32_t)key[i]);
        while (x->slot[h])
            h = (h + 1) & x->mask;
        x->slot[h] = (uint32_t)(i - s + 1);
    }
    for (size_t j = 0; j < m; j++) {
        uint64_t k = lg[j], c = lc ? lc[j] : 1;
        size_t h = run_slot(x, (uint32_t)k);
        while (x->slot[h] && key[s + x->slot[h] - 1] != k)
            h = (h + 1) & x->mask;
        if (x->slot[h]) {
            cnt[s + x->slot[h] - 1] += c;
        } else {
            x->slot[h] = (uint32_t)(e - s + 1);
            key[e] = k;
            cnt[e++] = c;
        }
    }
    *o = e;
    return 0;
}

int reid_pairlog_fold(reid_pairlog *p)
{
    const size_t nl = p->nlog, n = p->n, lcap = p->logcap;
    if (nl == 0) return 0;
    const int counted = p->logcnt != NULL;
    /* The sort's second buffers, then the merged pairs: with no pairs counted before (a fold at
     * the end of most inputs) their keys are written over the sorted log, which they never pass
     * (a class's run yields at most as many pairs as it has), and only the counts are new; else
     * both, at their largest (only the pages written are touched). */
    const size_t out = n ? n + nl : 0;
    const uint64_t sorting = (uint64_t)lcap * (counted ? 16 : 8);
    const uint64_t merging = n ? (uint64_t)out * 16 : (uint64_t)nl * 8;
    if (over_budget(p, sorting > merging ? sorting : merging)) return -1;
    uint64_t *tmp = reid_big_alloc(lcap * sizeof *tmp);
    uint64_t *tcnt = counted ? reid_big_alloc(lcap * sizeof *tcnt) : NULL;
    if (!tmp || (counted && !tcnt)) {
        reid_big_free(tmp, lcap * sizeof *tmp);
        reid_big_free(tcnt, lcap * sizeof *tcnt);
        return -1;
    }
    uint64_t *lg, *lc;
    sort_by_class(p->log, p->logcnt, tmp, tcnt, nl, &lg, &lc);
    /* keep the buffers that hold the sorted log as the log (the log's pairs, in another order
     * that says the same: a class's pairs keep theirs), free the others */
    reid_big_free(lg == tmp ? p->log : tmp, lcap * sizeof *tmp);
    p->log = lg;
    if (counted) {
        reid_big_free(lc == tcnt ? p->logcnt : tcnt, lcap * sizeof *tcnt);
        p->logcnt = lc;
    }
    const size_t kbytes = (n ? out : lcap) * sizeof *p->key, cbytes = (n ? out : nl) * 8;
    uint64_t *nk = n ? reid_big_alloc(kbytes) : lg;
    uint64_t *nc = reid_big_alloc(cbytes);
    run_index x = {NULL, 0, 0, 64};
    int rc = nk && nc ? 0 : -1;
    size_t o = 0, maxrun = 0, i = 0, j = 0;
    while (rc == 0 && (i < n || j < nl)) {
        const uint64_t ci = i < n ? p->key[i] >> 32 : UINT64_MAX;
        const uint64_t cj = j < nl ? lg[j] >> 32 : UINT64_MAX;
        const uint64_t c = ci < cj ? ci : cj;
        const size_t s = o;
        for (; i < n && p->key[i] >> 32 == c; i++, o++) {
            nk[o] = p->key[i];
            nc[o] = p->cnt[i];
        }
        size_t e = j;
        while (e < nl && lg[e] >> 32 == c)
            e++;
        if (e > j) rc = merge_run(nk, nc, s, &o, lg + j, lc ? lc + j : NULL, e - j, &x);
        j = e;
        if (o - s > maxrun) maxrun = o - s;
    }
    free(x.slot);
    if (rc != 0) { /* out of memory: the pairs are lost (reid_pairlog_fold) */
        if (n) reid_big_free(nk, kbytes);
        reid_big_free(nc, cbytes);
        return -1;
    }
    if (n) {
        reid_big_free(p->key, n * sizeof *p->key);
        reid_big_free(p->cnt, n * sizeof *p->cnt);
    } else { /* the log's buffer holds the keys now: a new log when pairs come again */
        p->log = NULL;
        p->logcap = 0;
    }
    p->key = reid_big_shrink(nk, kbytes, o * sizeof *nk);
    p->cnt = reid_big_shrink(nc, cbytes, o * sizeof *nc);
    p->n = o;
    if (maxrun > p->maxrun) p->maxrun = maxrun;
    p->nlog = 0;
    reid_big_free(p->logcnt, lcap * sizeof *p->logcnt); /* counts of 1 again until needed */
    p->logcnt = NULL;
    return 0;
}

size_t reid_pairlog_seek(const reid_pairlog *p, uint64_t cls)
{
    size_t lo = 0, hi = p->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (p->key[mid] >> 32 < cls)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}
