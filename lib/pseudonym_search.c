/* pseudonym_search.c - the threaded NHS-number search (see pseudonym_search.h). */
#include "pseudonym_search.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nhsnumber.h"
#include "pseudonym_format.h"

#define HEADS_PER_TAKE 16
#define EMPTY UINT32_MAX

typedef struct shared {
    reid_search *s;
    const uint32_t *order;
    size_t nheads;
    EVP_MD *md[REID_MD_COUNT];
    uint64_t *keys; /* the table: key and target index */
    uint32_t *idx;
    unsigned tbits;
    unsigned keybits;
    atomic_size_t next;        /* next head (index into order) to take */
    atomic_uint_fast64_t done; /* stems searched */
    atomic_int stop;           /* every target found */
    atomic_int running;        /* workers still running */
    atomic_int failed;         /* a worker could not compute a digest */
    pthread_mutex_t lock;      /* guards the targets' results and s->found */
    pthread_cond_t ended;      /* signalled (under lock) when a worker ends */
} shared;

typedef struct worker {
    shared *sh;
    uint64_t candidates, hashes;
} worker;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The first keybits bits of a digest, as a number. */
static inline uint64_t key_of(const unsigned char *d, unsigned keybits)
{
    uint64_t k = 0;
    for (int i = 0; i < 8; i++)
        k = (k << 8) | d[i];
    return keybits < 64 ? k >> (64 - keybits) : k;
}

static inline size_t slot_of(uint64_t key, unsigned tbits)
{
    return (size_t)((key * 0x9E3779B97F4A7C15ull) >> (64 - tbits));
}

static int nibbles_equal(const unsigned char *a, const unsigned char *b, unsigned nibbles)
{
    if (memcmp(a, b, nibbles / 2) != 0) return 0;
    return nibbles % 2 == 0 || (a[nibbles / 2] >> 4) == (b[nibbles / 2] >> 4);
}

static void hit(shared *sh, const unsigned char *d, uint64_t key, int md, int spaced,
                uint64_t number)
{
    reid_search *s = sh->s;
    size_t mask = ((size_t)1 << sh->tbits) - 1;
    for (size_t i = slot_of(key, sh->tbits); sh->idx[i] != EMPTY; i = (i + 1) & mask) {
        if (sh->keys[i] != key) continue;
        reid_target *t = &s->targets[sh->idx[i]];
        if (!nibbles_equal(t->bytes, d, s->nibbles)) continue;
        pthread_mutex_lock(&sh->lock);
        if (t->md < 0) {
            t->md = (signed char)md;
            t->spaced = (unsigned char)spaced;
            t->number = number;
            if (++s->found == s->ntargets) atomic_store(&sh->stop, 1);
        }
        pthread_mutex_unlock(&sh->lock);
    }
}

static void *work(void *arg)
{
    worker *w = arg;
    shared *sh = w->sh;
    const reid_search *s = sh->s;
    size_t mask = ((size_t)1 << sh->tbits) - 1;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    char plain[10], spaced[12];
    unsigned char d[EVP_MAX_MD_SIZE];
    int mds[REID_MD_COUNT], nmd = 0;
    for (int m = 0; m < REID_MD_COUNT; m++)
        if (s->mds & (1u << m)) mds[nmd++] = m;
    const int ranged = s->first || s->last;
    int ok = ctx != NULL;
    while (ok && !atomic_load(&sh->stop)) {
        size_t from = atomic_fetch_add(&sh->next, HEADS_PER_TAKE);
        if (from >= sh->nheads) break;
        size_t to = from + HEADS_PER_TAKE < sh->nheads ? from + HEADS_PER_TAKE : sh->nheads;
        for (size_t hi = from; ok && hi < to; hi++) {
            uint32_t head = sh->order[hi];
            unsigned hsum = 0;
            for (int i = 5, h = (int)head; i >= 0; i--, h /= 10) {
                plain[i] = (char)('0' + h % 10);
                hsum += (unsigned)(h % 10) * (unsigned)(10 - i);
            }
            memcpy(spaced, plain, 3);
            spaced[3] = ' ';
            memcpy(spaced + 4, plain + 3, 3);
            spaced[7] = ' ';
            for (unsigned a = 0; a < 10; a++) {
                plain[6] = spaced[8] = (char)('0' + a);
                for (unsigned b = 0; b < 10; b++) {
                    plain[7] = spaced[9] = (char)('0' + b);
                    unsigned sum = hsum + a * 4 + b * 3;
                    for (unsigned c = 0; c < 10; c++, sum += 2) {
                        int check = reid_nhs_check_of_sum(sum);
                        if (check < 0) continue;
                        uint64_t number =
                            ((uint64_t)head * 1000 + a * 100 + b * 10 + c) * 10 + (uint64_t)check;
                        if (ranged && (number < s->first || number > s->last)) continue;
                        plain[8] = spaced[10] = (char)('0' + c);
                        plain[9] = spaced[11] = (char)('0' + check);
                        w->candidates++;
                        for (int mi = 0; mi < nmd; mi++) {
                            for (int form = 0; form < 2; form++) {
                                if (!EVP_DigestInit_ex2(ctx, sh->md[mds[mi]], NULL) ||
                                    !EVP_DigestUpdate(ctx, form ? spaced : plain, form ? 12 : 10) ||
                                    !EVP_DigestFinal_ex(ctx, d, NULL)) {
                                    ok = 0;
                                    goto end;
                                }
                                w->hashes++;
                                uint64_t key = key_of(d, sh->keybits);
                                size_t i = slot_of(key, sh->tbits);
                                while (sh->idx[i] != EMPTY) {
                                    if (sh->keys[i] == key) {
                                        hit(sh, d, key, mds[mi], form, number);
                                        break;
                                    }
                                    i = (i + 1) & mask;
                                }
                            }
                        }
                    }
                }
            }
        }
        atomic_fetch_add(&sh->done, (uint64_t)(to - from) * 1000);
    }
end:
    if (!ok) atomic_store(&sh->failed, 1);
    EVP_MD_CTX_free(ctx);
    pthread_mutex_lock(&sh->lock);
    atomic_fetch_sub(&sh->running, 1);
    pthread_cond_signal(&sh->ended);
    pthread_mutex_unlock(&sh->lock);
    return NULL;
}

static void report(reid_search *s, shared *sh, double t0)
{
    if (s->progress)
        s->progress(atomic_load(&sh->done), s->stems_total, now_seconds() - t0, s->user);
}

int reid_search_run(reid_search *s)
{
    double t0 = now_seconds();
    s->found = 0;
    s->stems_done = s->candidates = s->hashes = 0;
    s->exhausted = 0;
    s->error[0] = 0;
    for (size_t i = 0; i < s->ntargets; i++) {
        s->targets[i].md = -1;
        s->targets[i].number = 0;
        s->targets[i].spaced = 0;
    }
    shared sh;
    memset(&sh, 0, sizeof sh);
    sh.s = s;
    int rc = 0;
    uint32_t *order = reid_nhs_head_order(s->first, s->last, &sh.nheads, NULL);
    if (!order) return -1;
    sh.order = order;
    s->stems_total = (uint64_t)sh.nheads * 1000;
    sh.keybits = s->nibbles * 4 < 64 ? s->nibbles * 4 : 64;
    sh.tbits = 4;
    while (((size_t)1 << sh.tbits) < 4 * s->ntargets)
        sh.tbits++;
    size_t tsize = (size_t)1 << sh.tbits;
    sh.keys = malloc(tsize * sizeof *sh.keys);
    sh.idx = malloc(tsize * sizeof *sh.idx);
    worker *w = calloc(s->threads, sizeof *w);
    pthread_t *tid = calloc(s->threads, sizeof *tid);
    if (!sh.keys || !sh.idx || !w || !tid) {
        rc = -1;
        goto out;
    }
    memset(sh.idx, 0xff, tsize * sizeof *sh.idx);
    for (size_t t = 0; t < s->ntargets; t++) {
        uint64_t key = key_of(s->targets[t].bytes, sh.keybits);
        size_t i = slot_of(key, sh.tbits);
        while (sh.idx[i] != EMPTY)
            i = (i + 1) & (tsize - 1);
        sh.keys[i] = key;
        sh.idx[i] = (uint32_t)t;
    }
    for (int m = 0; m < REID_MD_COUNT; m++) {
        if (!(s->mds & (1u << m))) continue;
        sh.md[m] = EVP_MD_fetch(NULL, reid_md_openssl_name((reid_md)m), NULL);
        if (!sh.md[m]) {
            snprintf(s->error, sizeof s->error, "libcrypto has no %s digest available",
                     reid_md_openssl_name((reid_md)m));
            rc = -2;
            goto out;
        }
    }
    if (s->ntargets == 0 && !s->calibrate) atomic_store(&sh.stop, 1);
    pthread_mutex_init(&sh.lock, NULL);
    pthread_cond_init(&sh.ended, NULL);
    unsigned started = 0;
    atomic_store(&sh.running, (int)s->threads);
    for (; started < s->threads; started++) {
        w[started].sh = &sh;
        if (pthread_create(&tid[started], NULL, work, &w[started]) != 0) break;
    }
    atomic_fetch_sub(&sh.running, (int)(s->threads - started));
    if (started == 0) rc = -1;
    pthread_mutex_lock(&sh.lock);
    while (atomic_load(&sh.running) > 0) {
        struct timespec ts; /* wake when a worker ends, or every 0.1 s (0.01 s when timed) */
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += s->time_limit > 0 ? 10000000 : 100000000;
        if (ts.tv_nsec >= 1000000000) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000;
        }
        pthread_cond_timedwait(&sh.ended, &sh.lock, &ts);
        if (s->time_limit > 0 && now_seconds() - t0 >= s->time_limit) atomic_store(&sh.stop, 1);
        if (atomic_load(&sh.running) > 0 && !s->calibrate) {
            pthread_mutex_unlock(&sh.lock);
            report(s, &sh, t0);
            pthread_mutex_lock(&sh.lock);
        }
    }
    pthread_mutex_unlock(&sh.lock);
    for (unsigned t = 0; t < started; t++) {
        pthread_join(tid[t], NULL);
        s->candidates += w[t].candidates;
        s->hashes += w[t].hashes;
    }
    pthread_mutex_destroy(&sh.lock);
    pthread_cond_destroy(&sh.ended);
    s->stems_done = atomic_load(&sh.done);
    s->exhausted = s->stems_done >= s->stems_total;
    if (rc == 0 && atomic_load(&sh.failed)) {
        snprintf(s->error, sizeof s->error, "libcrypto failed to compute a digest");
        rc = -2;
    }
    if (rc == 0 && !s->calibrate) report(s, &sh, t0);
out:
    for (int m = 0; m < REID_MD_COUNT; m++)
        EVP_MD_free(sh.md[m]);
    free(sh.keys);
    free(sh.idx);
    free(w);
    free(tid);
    free(order);
    s->seconds = now_seconds() - t0;
    return rc;
}

int reid_search_rate(unsigned mds, unsigned threads, double *rate, char *err, size_t cap)
{
    reid_search s;
    memset(&s, 0, sizeof s);
    reid_target none;
    s.targets = &none;
    s.nibbles = 16;
    s.mds = mds;
    s.threads = threads ? threads : 1;
    s.first = 1; /* every head in ascending order (no ordering pass) */
    s.last = 9999999999ull;
    s.calibrate = 1;
    s.time_limit = 0.25;
    int rc = reid_search_run(&s);
    if (rc == -2) snprintf(err, cap, "%s", s.error);
    *rate = rc == 0 && s.seconds > 0 ? (double)s.hashes / s.seconds : 0;
    return rc;
}
