/*
 * pseudonym.h - the pseudonym reversal check (docs/pseudonyms.md): the sample taken while the
 * file is read, then the format, the cheap cases and the NHS-number search.
 */
#ifndef REID_PSEUDONYM_H
#define REID_PSEUDONYM_H

#include <stddef.h>
#include <stdint.h>

#include "pseudonym_sample.h"
#include "reid.h"

typedef struct reid_pcheck {
    char *name;
    size_t col; /* 0-based */
    reid_psample sample;
    reid_pseudonyms res;
    char format[64];
    char algorithms[32];
    /* per sampled value, after the check */
    uint64_t *number; /* the NHS number found (0: none) */
    const char **how; /* how it was found (static strings), NULL: not found */
    size_t *reversal; /* the sampled values reversed, in order */
} reid_pcheck;

/* A new check of column col (name copied), sampling cap values with seed; NULL when out of
 * memory. */
reid_pcheck *reid_pcheck_new(const char *name, size_t col, size_t cap, uint64_t seed);
void reid_pcheck_free(reid_pcheck *p);

/* One record's (trimmed, non-missing) value. 0, or -1 when out of memory. */
static inline int reid_pcheck_offer(reid_pcheck *p, const char *v, size_t len)
{
    return reid_psample_offer(&p->sample, v, len);
}

/*
 * The check itself. range: 0, 0 or a 10-digit range; threads >= 1. 0; -1 when out of memory;
 * -2 when libcrypto fails (msg, of cap bytes, says why).
 */
int reid_pcheck_run(reid_pcheck *p, unsigned threads, uint64_t first, uint64_t last,
                    reid_progress_fn progress, void *user, char *msg, size_t cap);

#endif
