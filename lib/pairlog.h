/*
 * pairlog.h - (class, value) pairs counted by appending and sorting, not by hashing.
 *
 * A sensitive column's records whose value differs from their class' first value (counter.c) are
 * pairs (class index, value id). Each is appended to a log, 8 bytes written in sequence, instead of
 * being looked up in a hash table at a random place. The log is folded (reid_pairlog_fold) into
 * the counted pairs: a stable radix sort of the log by class (a few sequential passes), then a
 * merge with the pairs counted before, which are kept sorted by class, each (class, value) once
 * with its count, a class's values in the order they first appeared. The log is folded when it
 * holds as many pairs as the counted ones (and at least PAIRLOG_MIN_FOLD), so memory stays bounded
 * by the distinct pairs, not the records, and each pair is moved a bounded number of times on
 * average; and once more after the last record (reid_pairlog_fold).
 *
 * The counted pairs are read in class order, sequentially (reid_pairlog_class, _value, cnt[i]):
 * what the sensitive measures need (sensitive.c), with no sort of their own.
 */
#ifndef REID_PAIRLOG_H
#define REID_PAIRLOG_H

#include <stddef.h>
#include <stdint.h>

/* Pairs the log holds at least before a fold: 32 MiB of log. */
#define PAIRLOG_MIN_FOLD ((size_t)4 << 20)

typedef struct reid_pairlog {
    uint64_t *log;    /* [nlog]: pairs added since the last fold, class << 32 | value, in order */
    uint64_t *logcnt; /* [nlog]: their counts; NULL while every pair added counts 1 */
    size_t nlog, logcap;
    uint64_t *key; /* [n]: the counted pairs, class << 32 | value, ascending by class; a class's
                    * values in the order they were first added */
    uint64_t *cnt; /* [n]: their counts (each > 0) */
    size_t n;
    size_t maxrun;   /* the most pairs of one class */
    uint64_t budget; /* most bytes the pairs may hold, log included (0 = no limit) */
    int over_budget; /* a growth or a fold was refused because of the budget */
} reid_pairlog;

void reid_pairlog_init(reid_pairlog *p);
void reid_pairlog_free(reid_pairlog *p);

/* Room for one more pair in the log: grown, or folded first. 0, or -1 when out of memory or over
 * the budget (over_budget is then set). */
int reid_pairlog_make_room(reid_pairlog *p);

/* Add one record of value `value` to class `cls`. 0, or -1 (reid_pairlog_make_room). */
static inline int reid_pairlog_add(reid_pairlog *p, uint32_t cls, uint32_t value)
{
    if (p->nlog == p->logcap && reid_pairlog_make_room(p) != 0) return -1;
    p->log[p->nlog] = (uint64_t)cls << 32 | value;
    if (p->logcnt) p->logcnt[p->nlog] = 1;
    p->nlog++;
    return 0;
}

/* Add `count` (> 0) records of value `value` to class `cls` (merging analyses). 0, or -1. */
int reid_pairlog_add_count(reid_pairlog *p, uint32_t cls, uint32_t value, uint64_t count);

/* Fold the log into the counted pairs (nothing to do when it is empty). 0, or -1: over the budget
 * (over_budget set; nothing changed), or out of memory (the pairs may then be lost: free them). At
 * its largest, a fold holds, beyond the pairs, a second log (or the merged pairs: 16 bytes per
 * pair, or 8 when none were counted before, the keys then written over the sorted log). */
int reid_pairlog_fold(reid_pairlog *p);

/* Bytes held (the log's capacity and the counted pairs). */
uint64_t reid_pairlog_bytes(const reid_pairlog *p);

static inline uint32_t reid_pairlog_class(const reid_pairlog *p, size_t i)
{
    return (uint32_t)(p->key[i] >> 32);
}

static inline uint32_t reid_pairlog_value(const reid_pairlog *p, size_t i)
{
    return (uint32_t)p->key[i];
}

/* The first counted pair of a class >= cls (n when none), by binary search. */
size_t reid_pairlog_seek(const reid_pairlog *p, uint64_t cls);

#endif
