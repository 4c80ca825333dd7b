/* pseudonym.c - the pseudonym reversal check: format, cheap cases, then the search. */
#include "pseudonym.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nhsnumber.h"
#include "pseudonym_format.h"
#include "pseudonym_search.h"

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

reid_pcheck *reid_pcheck_new(const char *name, size_t col, size_t cap, uint64_t seed)
{
    reid_pcheck *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->col = col;
    if (!(p->name = strdup(name)) || reid_psample_init(&p->sample, cap, seed) != 0) {
        reid_pcheck_free(p);
        return NULL;
    }
    return p;
}

void reid_pcheck_free(reid_pcheck *p)
{
    if (!p) return;
    reid_psample_free(&p->sample);
    free(p->name);
    free(p->number);
    free(p->how);
    free(p->reversal);
    free(p);
}

/* Hex of either case is one family, and base64 of either alphabet another: a class is a family
 * and a length, so that a digest column is one class whatever its tokens happen to contain. */
static reid_enc family(reid_enc e)
{
    if (e == REID_ENC_HEX_UPPER || e == REID_ENC_HEX_MIXED) return REID_ENC_HEX_LOWER;
    if (e == REID_ENC_BASE64URL) return REID_ENC_BASE64;
    return e;
}

/* A token's class: its encoding family and length, or a cheap case. */
typedef struct tclass {
    reid_enc enc; /* the family; in the result, the class' encoding (see dominant) */
    size_t len;
    reid_cheap cheap; /* REID_CHEAP_NONE unless the class is a cheap case */
    uint64_t count;
    uint64_t sub[REID_ENC_COUNT]; /* tokens by their own encoding */
    uint64_t std, url;            /* tokens with '+' or '/', with '-' or '_' */
} tclass;

/* The most common class of the sample (the first seen on a tie), into *best, with best->enc the
 * class' encoding: hex-lower, -upper or -mixed by the most tokens; base64url if more tokens hold
 * '-' or '_' than '+' or '/', else base64. -1 when out of memory. */
static int dominant(const reid_psample *s, tclass *best)
{
    tclass *c = NULL;
    size_t nc = 0;
    for (size_t i = 0; i < s->n; i++) {
        uint64_t num;
        reid_cheap ch = reid_token_cheap(s->v[i], s->len[i], &num);
        reid_enc e =
            ch == REID_CHEAP_NONE ? reid_token_encoding(s->v[i], s->len[i]) : REID_ENC_OTHER;
        size_t len = ch == REID_CHEAP_NONE ? s->len[i] : 0;
        size_t j = 0;
        while (j < nc && !(c[j].enc == family(e) && c[j].len == len && c[j].cheap == ch))
            j++;
        if (j == nc) {
            tclass *g = realloc(c, (nc + 1) * sizeof *c);
            if (!g) {
                free(c);
                return -1;
            }
            c = g;
            memset(&c[nc], 0, sizeof c[nc]);
            c[nc].enc = family(e);
            c[nc].len = len;
            c[nc++].cheap = ch;
        }
        c[j].count++;
        c[j].sub[e]++;
        c[j].std += strpbrk(s->v[i], "+/") != NULL;
        c[j].url += strpbrk(s->v[i], "-_") != NULL;
    }
    memset(best, 0, sizeof *best);
    for (size_t j = 0; j < nc; j++)
        if (c[j].count > best->count) *best = c[j];
    free(c);
    if (best->enc == REID_ENC_BASE64) {
        best->enc = best->url > best->std ? REID_ENC_BASE64URL : REID_ENC_BASE64;
    } else if (best->enc == REID_ENC_HEX_LOWER) {
        for (int e = REID_ENC_HEX_UPPER; e <= REID_ENC_HEX_MIXED; e++)
            if (best->sub[e] > best->sub[best->enc]) best->enc = (reid_enc)e;
    }
    return 0;
}

static const char *const md_how[REID_MD_COUNT][2] = {{"md5", "md5 spaced"},
                                                     {"sha1", "sha1 spaced"},
                                                     {"sha256", "sha256 spaced"},
                                                     {"sha512", "sha512 spaced"}};

int reid_pcheck_run(reid_pcheck *p, unsigned threads, uint64_t first, uint64_t last,
                    reid_progress_fn progress, void *user, char *msg, size_t cap)
{
    double t0 = now_seconds();
    if (cap) msg[0] = 0;
    reid_psample *s = &p->sample;
    reid_pseudonyms *r = &p->res;
    memset(r, 0, sizeof *r);
    r->column = p->name;
    r->values = s->offered;
    r->range_first = first;
    r->range_last = last;
    r->full_space_seconds = NAN;
    if (reid_psample_sort(s) != 0) return -1;
    size_t n = s->n;
    r->sampled = n;
    p->number = calloc(n ? n : 1, sizeof *p->number);
    p->how = calloc(n ? n : 1, sizeof *p->how);
    p->reversal = calloc(n ? n : 1, sizeof *p->reversal);
    if (!p->number || !p->how || !p->reversal) return -1;

    /* the cheap cases, on every sampled value */
    uint64_t cheap[REID_CHEAP_COUNT] = {0};
    for (size_t i = 0; i < n; i++) {
        reid_cheap c = reid_token_cheap(s->v[i], s->len[i], &p->number[i]);
        if (c == REID_CHEAP_NONE) {
            p->number[i] = 0;
            continue;
        }
        cheap[c]++;
        p->how[i] = reid_cheap_name(c);
    }
    uint64_t most = 0;
    for (int c = 1; c < REID_CHEAP_COUNT; c++) {
        r->cheap[c - 1] = cheap[c];
        if (cheap[c] > most) {
            most = cheap[c];
            r->cheap_case = reid_cheap_name((reid_cheap)c);
        }
    }

    /* the format: the most common class */
    tclass best;
    if (dominant(s, &best) != 0) return -1;
    r->in_format = best.count;
    r->encoding = reid_enc_name(best.enc);
    int truncated = 0, md = -1;
    if (best.cheap == REID_CHEAP_NUMBER)
        snprintf(p->format, sizeof p->format, "nhs-number");
    else if (best.cheap == REID_CHEAP_BASE64)
        snprintf(p->format, sizeof p->format, "base64-of-nhs-number");
    else if (best.cheap == REID_CHEAP_HEX)
        snprintf(p->format, sizeof p->format, "hex-of-nhs-number");
    else if ((md = reid_token_digest(best.enc, best.len, &truncated)) >= 0)
        snprintf(p->format, sizeof p->format, "%s-%s", reid_md_name((reid_md)md), r->encoding);
    else if (truncated)
        snprintf(p->format, sizeof p->format, "truncated-%s", r->encoding);
    else
        snprintf(p->format, sizeof p->format, "unknown-%s", r->encoding);
    r->format = p->format;
    r->token_length = best.cheap ? 0 : best.len;
    if (best.cheap) {
        r->encoding = "other";
        for (size_t i = 0; i < n; i++)
            if (reid_token_cheap(s->v[i], s->len[i], NULL) == best.cheap) {
                r->token_length = s->len[i];
                break;
            }
    }
    r->digest = md >= 0 ? reid_md_name((reid_md)md) : truncated ? "truncated" : NULL;

    /* the search, for the sampled values of a digest format not reversed already */
    unsigned mds = 0;
    unsigned nibbles = 0;
    if (md >= 0) {
        mds = 1u << md;
        nibbles = 2 * reid_md_bytes((reid_md)md);
    } else if (truncated) {
        nibbles = (unsigned)best.len;
        for (int m = 0; m < REID_MD_COUNT; m++)
            if (2 * reid_md_bytes((reid_md)m) > nibbles && m != REID_MD_SHA512) mds |= 1u << m;
        if (nibbles > 2 * reid_md_bytes(REID_MD_SHA256)) mds |= 1u << REID_MD_SHA512;
    }
    size_t used = 0;
    p->algorithms[0] = 0;
    for (int m = 0; m < REID_MD_COUNT; m++)
        if (mds & (1u << m))
            used += (size_t)snprintf(p->algorithms + used, sizeof p->algorithms - used, "%s%s",
                                     used ? "," : "", reid_md_name((reid_md)m));
    r->algorithms = mds ? p->algorithms : NULL;
    int rc = 0;
    if (mds) {
        reid_search se;
        memset(&se, 0, sizeof se);
        se.targets = calloc(n ? n : 1, sizeof *se.targets);
        size_t *which = calloc(n ? n : 1, sizeof *which);
        if (!se.targets || !which) {
            free(se.targets);
            free(which);
            return -1;
        }
        for (size_t i = 0; i < n; i++) {
            if (p->how[i] || s->len[i] != best.len ||
                family(reid_token_encoding(s->v[i], s->len[i])) != family(best.enc))
                continue;
            long got = best.enc == REID_ENC_BASE64 || best.enc == REID_ENC_BASE64URL
                           ? reid_base64_decode(s->v[i], s->len[i], se.targets[se.ntargets].bytes)
                           : reid_hex_decode(s->v[i], s->len[i], se.targets[se.ntargets].bytes);
            if (got <= 0) continue;
            which[se.ntargets++] = i;
        }
        se.nibbles = nibbles;
        se.mds = mds;
        se.threads = threads ? threads : 1;
        se.first = first;
        se.last = last;
        se.progress = progress;
        se.user = user;
        rc = reid_search_run(&se);
        if (rc == 0) {
            for (size_t t = 0; t < se.ntargets; t++) {
                const reid_target *tg = &se.targets[t];
                if (tg->md < 0) continue;
                p->number[which[t]] = tg->number;
                p->how[which[t]] = md_how[tg->md][tg->spaced];
            }
            r->searched = 1;
            r->reversed_by_hash = se.found;
            r->stems_searched = se.stems_done;
            r->stems_total = se.stems_total;
            r->candidates = se.candidates;
            r->hashes = se.hashes;
            r->exhausted = se.exhausted;
            r->threads = se.threads;
            r->search_seconds = se.seconds;
            r->hashes_per_second = se.seconds > 0 ? (double)se.hashes / se.seconds : NAN;
            if (se.hashes < REID_RATE_MIN_HASHES) /* too short to time: measure it apart */
                rc = reid_search_rate(mds, se.threads, &r->hashes_per_second, msg, cap);
            unsigned nmd = 0;
            for (int m = 0; m < REID_MD_COUNT; m++)
                nmd += (mds >> m) & 1u;
            r->full_space_seconds = (double)reid_nhs_valid_total() * 2 * nmd / r->hashes_per_second;
        }
        if (rc == -2 && !msg[0]) snprintf(msg, cap, "%s", se.error);
        free(se.targets);
        free(which);
    }
    for (size_t i = 0; i < n; i++)
        if (p->how[i]) p->reversal[r->reversed++] = i;
    r->seconds = now_seconds() - t0;
    return rc;
}
