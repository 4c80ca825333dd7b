/* pseudonym_sample.c - bottom-k sampling of distinct values (see pseudonym_sample.h). */
#include "pseudonym_sample.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

int reid_psample_init(reid_psample *s, size_t cap, uint64_t seed)
{
    memset(s, 0, sizeof *s);
    s->cap = cap ? cap : 1;
    s->seed = seed;
    size_t sz = 4;
    while (sz < 2 * s->cap)
        sz <<= 1;
    s->setmask = sz - 1;
    s->h = malloc(s->cap * sizeof *s->h);
    s->v = calloc(s->cap, sizeof *s->v);
    s->len = malloc(s->cap * sizeof *s->len);
    s->heap = malloc(s->cap * sizeof *s->heap);
    s->set = calloc(sz, sizeof *s->set);
    return s->h && s->v && s->len && s->heap && s->set ? 0 : -1;
}

void reid_psample_free(reid_psample *s)
{
    for (size_t i = 0; s->v && i < s->n; i++)
        free(s->v[i]);
    free(s->h);
    free(s->v);
    free(s->len);
    free(s->heap);
    free(s->set);
    memset(s, 0, sizeof *s);
}

static size_t home(const reid_psample *s, uint64_t h)
{
    return (size_t)((h * 0x9E3779B97F4A7C15ull) >> 20) & s->setmask;
}

/* The set position holding hash h, or the empty one where it would go. */
static size_t set_find(const reid_psample *s, uint64_t h)
{
    size_t i = home(s, h);
    while (s->set[i] && s->h[s->set[i] - 1] != h)
        i = (i + 1) & s->setmask;
    return i;
}

/* Remove position i (linear probing: move later entries back so none is cut off). */
static void set_remove(reid_psample *s, size_t i)
{
    for (;;) {
        s->set[i] = 0;
        size_t j = i;
        for (;;) {
            j = (j + 1) & s->setmask;
            if (!s->set[j]) return;
            size_t k = home(s, s->h[s->set[j] - 1]);
            int between = i <= j ? (i < k && k <= j) : (i < k || k <= j);
            if (!between) break;
        }
        s->set[i] = s->set[j];
        i = j;
    }
}

static void sift_down(reid_psample *s, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < s->n && s->h[s->heap[l]] > s->h[s->heap[m]]) m = l;
        if (r < s->n && s->h[s->heap[r]] > s->h[s->heap[m]]) m = r;
        if (m == i) return;
        uint32_t t = s->heap[i];
        s->heap[i] = s->heap[m];
        s->heap[m] = t;
        i = m;
    }
}

static void sift_up(reid_psample *s, size_t i)
{
    while (i) {
        size_t p = (i - 1) / 2;
        if (s->h[s->heap[p]] >= s->h[s->heap[i]]) return;
        uint32_t t = s->heap[i];
        s->heap[i] = s->heap[p];
        s->heap[p] = t;
        i = p;
    }
}

int reid_psample_offer(reid_psample *s, const char *v, size_t len)
{
    s->offered++;
    uint64_t h = XXH3_64bits_withSeed(v, len, s->seed);
    if (s->n == s->cap && h >= s->h[s->heap[0]]) return 0; /* the common case: not sampled */
    size_t pos = set_find(s, h);
    if (s->set[pos]) return 0; /* already in the sample (a 64-bit hash collision counts too) */
    char *copy = malloc(len + 1);
    if (!copy) return -1;
    memcpy(copy, v, len);
    copy[len] = 0;
    uint32_t slot;
    if (s->n < s->cap) {
        slot = (uint32_t)s->n;
        s->heap[s->n++] = slot;
        s->h[slot] = h;
        sift_up(s, s->n - 1);
    } else {
        slot = s->heap[0]; /* the largest hash leaves */
        set_remove(s, set_find(s, s->h[slot]));
        free(s->v[slot]);
        s->h[slot] = h;
        sift_down(s, 0);
        pos = set_find(s, h);
    }
    s->v[slot] = copy;
    s->len[slot] = len;
    s->set[pos] = slot + 1;
    return 0;
}

typedef struct entry {
    uint64_t h;
    char *v;
    size_t len;
} entry;

static int by_hash(const void *x, const void *y)
{
    uint64_t a = ((const entry *)x)->h, b = ((const entry *)y)->h;
    return (a > b) - (a < b);
}

int reid_psample_sort(reid_psample *s)
{
    entry *e = malloc((s->n ? s->n : 1) * sizeof *e);
    if (!e) return -1;
    for (size_t i = 0; i < s->n; i++)
        e[i] = (entry){s->h[i], s->v[i], s->len[i]};
    qsort(e, s->n, sizeof *e, by_hash);
    for (size_t i = 0; i < s->n; i++) {
        s->h[i] = e[i].h;
        s->v[i] = e[i].v;
        s->len[i] = e[i].len;
    }
    free(e);
    /* the heap and the set no longer match the slots: the sample is closed */
    free(s->heap);
    free(s->set);
    s->heap = NULL;
    s->set = NULL;
    return 0;
}
