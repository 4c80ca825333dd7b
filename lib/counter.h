/*
 * counter.h - from normalised QI values to counted classes, in batches,
 * optionally on a thread of its own.
 *
 * The reader's thread collects the trimmed, validated QI values of up to
 * REID_BATCH records into a batch. A full batch is counted: each value is
 * checked against the missing spellings and normalised by its column's type,
 * then each column's values are hashed and their dictionary slots prefetched before they are
 * interned, then the keys' class-table slots likewise before they are added, so most lookups find
 * their cache line loaded instead of waiting on memory.
 *
 * With threads >= 2 the counting runs on a second thread while the reader
 * parses the next batches (a ring of REID_RING batches). Batches are counted
 * strictly in the order they were filled, so value ids, classes and every
 * figure are identical for every thread count.
 */
#ifndef REID_COUNTER_H
#define REID_COUNTER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "classtable.h"
#include "dict.h"
#include "error.h"
#include "hierarchy.h"
#include "normalise.h"
#include "pairlog.h"
#include "longitudinal.h"
#include "people.h"
#include "reid.h"
#include "valsnap.h"

#define REID_BATCH 4096
#define REID_RING 4
#define REID_PREFETCH_AHEAD 16
#define REID_VALUE_MISSING SIZE_MAX
/* A sensitive value whose id is not known yet (batch.sids). */
#define REID_SID_PENDING UINT32_MAX

/* Each batch on cache lines of its own: the filling and the counting thread
 * work on neighbouring batches, and must not share a line (false sharing). */
typedef struct reid_batch {
    _Alignas(64) size_t n; /* records collected */
    char *bytes;           /* the other columns' trimmed values (sensitive, people, events) */
    size_t blen, bcap;
    char *norm; /* the QI values, normalised as the records are filled (reid_counter_put) */
    size_t nlen, ncap;
    size_t *noff;   /* [n * q]: value of record r, QI j at norm + noff[r*q+j] */
    size_t *nvlen;  /* REID_VALUE_MISSING = missing (id 0) */
    uint64_t *hash; /* [n * q] value hashes, then [n] key hashes */
    uint32_t *keys; /* [n * q] */
    double *weight; /* [n]: each record's sampling weight; NULL unless weights are used */
    /* Sensitive columns (NULL unless used): value m of record r at index r * ns + m. */
    size_t *svoff;   /* a value longer than REID_VALSNAP_BYTES: its bytes at bytes + svoff */
    size_t *svlen;   /* its length */
    uint64_t *shead; /* a shorter one: its bytes as an integer (reid_dict_head, valsnap.h) */
    uint64_t *shash; /* a value still to intern: its XXH3 hash (reid_dict_hash), once prepared */
    uint32_t *sids;  /* its id: 0 when missing, found in a snapshot (valsnap.h) as the batch is
                      * prepared, else REID_SID_PENDING until the batch is counted */
    uint32_t *cls;   /* [n]: each record's class index; NULL unless sensitive columns are used */
    uint64_t *pos;   /* [n * 2]: each record's number and line; NULL unless positions are kept */
    size_t *pvoff; /* [n * 3]: pseudonym, sex, date of birth of record r at bytes + pvoff[r*3+i] */
    size_t *pvlen; /* REID_VALUE_MISSING = no such column; NULL unless people are counted */
    size_t *evoff; /* [n * ne]: event value m of record r at bytes + evoff[r*ne+m] */
    size_t *evlen; /* NULL unless event columns are used */
    uint32_t *evkeys;   /* [n * ne]: each record's event key (value ids) */
    uint32_t *evperson; /* [n]: each record's person, UINT32_MAX when it has no event */
    uint64_t *tally;    /* [3q]: counted while filling, added to the counter's totals when the
                         * batch is counted: missing, unrecognised, not in the hierarchy (per QI) */
    /* Every array above, and the first bytes and norm buffers, are one block: a piece of the
     * counter's slab (block_owned 0), or malloc'ed when there is no slab. bytes and norm leave it
     * for malloc'ed buffers of their own when they must grow (*_in_block 0). */
    char *block;
    int block_owned, bytes_in_block, norm_in_block;
} reid_batch;

/* The blocks of the batches (reid_counter_batch_init): the ring's from one block of the C heap,
 * the later ones carved from 2 MiB huge pages (bigmem.h), since a batch's arrays filled through
 * 4 KiB pages of the C heap cost ~1,800 page faults on 1 M rows (docs/design.md, "Counting").
 * Shared by the threads that make batches, under its mutex. */
typedef struct reid_batch_slab {
    pthread_mutex_t mu;
    char *cur;     /* the free part of the current block */
    size_t left;   /* its bytes */
    char **blocks; /* every block, to free */
    size_t *bsize; /* and its bytes */
    size_t nblocks, bcap;
} reid_batch_slab;

typedef struct reid_counter {
    size_t q;
    const reid_qi_type *types;       /* one per QI */
    const reid_missing_set *missing; /* owned by the caller */
    uint64_t *missing_count;         /* [q]: values found missing */
    uint64_t *unrecognised_count;    /* [q]: values the type's normaliser could not read */
    reid_dict **dicts;               /* one per QI, owned by the caller */
    reid_classtable *table;          /* owned by the caller */
    reid_batch_slab *slab;           /* the batches' blocks (NULL: each batch mallocs its own) */
    reid_batch ring[REID_RING];
    size_t fill;  /* ring index of the batch being filled */
    size_t ready; /* batches handed over and not yet counted */
    size_t head;  /* ring index of the next batch to count */
    int threaded, done;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    reid_error err;        /* the counting side's error (out of memory) */
    uint64_t expect_rows;  /* estimated records in the input (0 = unknown), set under mu */
    int sized;             /* the table has been sized for expect_rows */
    uint64_t max_memory;   /* bytes the dictionaries and the table may hold (0 = no limit) */
    uint64_t need_memory;  /* when over the limit: what was needed */
    size_t ns;             /* sensitive columns (0 = none: no per-record work for them) */
    reid_dict **sdicts;    /* [ns]: their values -> ids (id 0 = missing), owned by the caller */
    reid_pairlog **spairs; /* [ns]: (class index, sensitive id) of the records whose value is not
                            * their class' first (table->sfirst), owned by the caller */
    uint64_t **svcount;    /* [ns][svcap[m]]: records per sensitive value id (0 = missing: [m][0] is
                            * the count of missing values) */
    size_t *svcap;
    /* [ns]: each column's latest snapshot of its short values (valsnap.h; NULL = none yet),
     * published by the thread that counts values, read by the threads that prepare batches */
    _Atomic(reid_valsnap *) *ssnap;
    uint64_t *snap_missed; /* [ns]: short values not in the last snapshot since it was taken */
    const reid_hierarchy *gen_hier; /* [q]: generalise before interning (NULL = never) */
    const unsigned *gen_level;      /* [q]: the level applied (0 = none) */
    uint64_t *gen_unparsed;         /* [q]: values the hierarchy could not read (kept) */
    reid_people_counter *people;    /* distinct people per class (--id); NULL = none */
    reid_events_counter *events;    /* trails of events (--events, with people); NULL = none */
    int weights, positions;         /* batches carry weights / positions */
} reid_counter;

/* 0, or -1 when out of memory. threads >= 2 starts the counting thread. */
int reid_counter_init(reid_counter *c, size_t q, const reid_qi_type *types,
                      const reid_missing_set *missing, reid_dict **dicts, reid_classtable *table,
                      unsigned threads);
/* Records carry a sampling weight from now on (batch.weight, added to the table's weight sums;
 * the table must already keep them). Call before the first record. 0, or -1 when out of memory. */
int reid_counter_use_weights(reid_counter *c);
/* Records carry the values of ns sensitive columns from now on (batch.svoff/svlen): each is
 * interned in sdicts[m] (missing = id 0). The first record of a class stores its value id in the
 * class table's sfirst (the table must keep ns first values); a later record whose value differs
 * from it has its (class index, value id) pair added to spairs[m] (pairlog.h). The
 * first value's count is then the class size minus its pairs' counts. Call before the first
 * record. 0, or -1 when out of memory. */
int reid_counter_use_sensitive(reid_counter *c, size_t ns, reid_dict **sdicts,
                               reid_pairlog **spairs);
/* Records carry their number and line from now on (batch.pos); a new class keeps its first
 * record's in the table's pos (the table must keep them). 0, or -1 when out of memory. */
int reid_counter_use_positions(reid_counter *c);
/* Values of QI j are generalised to level[j] of hier[j] (generalisation.md) after normalisation;
 * gen_unparsed[j] counts those the hierarchy could not read (kept as they are; a user hierarchy:
 * not in it). Both arrays are owned by the caller. Call before the first record. 0, or -1 when out
 * of memory. */
int reid_counter_use_generalise(reid_counter *c, const reid_hierarchy *hier, const unsigned *level);
/* Records carry a pseudonym (and the sex and date of birth, when the input has them) from now
 * on (batch.pvoff/pvlen): each record is added to people after its class is known. Call before
 * the first record. 0, or -1 when out of memory. */
int reid_counter_use_people(reid_counter *c, reid_people_counter *people);
/* Records carry the values of events->ne event columns from now on (batch.evoff/evlen), added
 * with each record's person and class (needs reid_counter_use_people). 0, or -1. */
int reid_counter_use_events(reid_counter *c, reid_events_counter *events);
/* Stops the thread (if any) without counting what is pending, and frees the batches. */
void reid_counter_free(reid_counter *c);
/* Free the batches (the ring's and the slab every other batch was carved from: free those first)
 * once every record is counted (reid_counter_drain), so that the memory the models allocate after
 * the counting can reuse their pages. No record may be added afterwards. */
void reid_counter_drop_batches(reid_counter *c);

/*
 * Batches outside the ring, for threads that parse chunks of the input in parallel (parallel.c):
 * reid_counter_batch_init gives b the arrays the counter's current settings need (call after
 * every reid_counter_use_*); reid_counter_prepare does the part of a batch's work that touches no
 * shared table and may run on any thread; reid_counter_count counts a prepared batch (one thread
 * at a time, batches in input order, only after reid_counter_flush). 0, or -1 (out of memory,
 * recorded in c->err).
 */
int reid_counter_batch_init(const reid_counter *c, reid_batch *b);
void reid_counter_batch_free(reid_batch *b);
int reid_counter_prepare(const reid_counter *c, reid_batch *b);
int reid_counter_count(reid_counter *c, reid_batch *b);
/*
 * The two stages of reid_counter_count, for a caller that runs them on different threads
 * (parallel.c). reid_counter_count_values gives a batch's values their ids (the dictionaries);
 * reid_counter_count_classes then adds its keys to the class table and does what needs the
 * classes. Each stage takes the batches in input order, one thread at a time, and a batch's values
 * come before its classes; the values of one batch may be counted while another thread counts the
 * classes of an earlier one only when reid_counter_can_overlap (not under a memory limit, whose
 * checks read every table). reid_counter_count_values records no error: after it fails, call
 * reid_counter_fail (in the classes' turn) to record that memory ran out. 0, or -1.
 */
int reid_counter_can_overlap(const reid_counter *c);
int reid_counter_count_values(reid_counter *c, reid_batch *b);
int reid_counter_count_classes(reid_counter *c, reid_batch *b);
void reid_counter_fail(reid_counter *c);
/* Count the records collected so far and wait until the counting thread is idle: from then on
 * until the next reid_counter_record_done, the caller may count batches with
 * reid_counter_count. 0, or -1 after an error. */
int reid_counter_flush(reid_counter *c);

/* The batch being filled. */
static inline reid_batch *reid_counter_batch(reid_counter *c)
{
    return &c->ring[c->fill];
}

/* Room for need more value bytes in the current batch: a pointer to write them, or NULL.
 * Inline for the common case (there is room); reid_batch_grow makes room. */
char *reid_batch_grow(reid_batch *b, size_t need);
static inline char *reid_batch_room(reid_batch *b, size_t need)
{
    if (b->bytes && b->blen + need <= b->bcap) return b->bytes + b->blen;
    return reid_batch_grow(b, need);
}

/* n bytes from s to out, never reading or writing outside either range: short values (most QI
 * values) in two overlapping loads and stores instead of a call to memcpy. */
static inline void reid_copy_short(char *out, const char *s, size_t n)
{
    if (n >= 8 && n <= 16) {
        uint64_t x, y;
        memcpy(&x, s, 8);
        memcpy(&y, s + n - 8, 8);
        memcpy(out, &x, 8);
        memcpy(out + n - 8, &y, 8);
    } else if (n >= 4 && n < 8) {
        uint32_t x, y;
        memcpy(&x, s, 4);
        memcpy(&y, s + n - 4, 4);
        memcpy(out, &x, 4);
        memcpy(out + n - 4, &y, 4);
    } else if (n < 4) {
        for (size_t i = 0; i < n; i++)
            out[i] = s[i];
    } else {
        memcpy(out, s, n);
    }
}

/* Room for need more normalised bytes in b->norm. 0, or -1 when out of memory. */
int reid_batch_norm_grow(reid_batch *b, size_t need);

/* Generalise the value just normalised at b->norm + b->nlen (length *out) in place, to QI j's
 * level (reid_counter_use_generalise). 0, or -1 when out of memory. */
int reid_counter_generalise(const reid_counter *c, reid_batch *b, size_t j, size_t *out);

/*
 * QI j's trimmed value s[0 .. len) of the batch's current record (record b->n): missing (counted
 * in the batch's tally), or normalised by the column's type (and generalised, when asked) into
 * b->norm. Called while the record is filled, so the value is read once, while it is in cache;
 * a text column's value is copied as it is. 0, or -1 when out of memory.
 */
static inline int reid_counter_put(const reid_counter *c, reid_batch *b, size_t j, const char *s,
                                   size_t len)
{
    const size_t v = b->n * c->q + j;
    if (reid_missing_set_has(c->missing, s, len)) {
        b->nvlen[v] = REID_VALUE_MISSING;
        b->tally[j]++;
        return 0;
    }
    if (b->nlen + len + REID_NORM_EXTRA > b->ncap &&
        reid_batch_norm_grow(b, len + REID_NORM_EXTRA) != 0)
        return -1;
    char *out = b->norm + b->nlen;
    size_t n = len;
    const reid_qi_type type = c->types[j];
    if (type == REID_TYPE_TEXT || type == REID_TYPE_AUTO) {
        reid_copy_short(out, s, len);
    } else {
        int ok;
        n = reid_normalise(type, s, len, out, &ok);
        b->tally[c->q + j] += !ok;
    }
    if (c->gen_level && c->gen_level[j] && reid_counter_generalise(c, b, j, &n) != 0) return -1;
    b->noff[v] = b->nlen;
    b->nvlen[v] = n;
    b->nlen += n;
    return 0;
}

/* Empty b for the next records (q: the counter's QIs): its values and its tally. */
static inline void reid_batch_clear(reid_batch *b, size_t q)
{
    b->n = 0;
    b->blen = 0;
    b->nlen = 0;
    memset(b->tally, 0, (3 * q + 1) * sizeof *b->tally);
}

/*
 * Sensitive column m's trimmed value s[0 .. len) of the batch's current record (record b->n):
 * missing (id 0), or kept for its id: a value of up to REID_VALSNAP_BYTES bytes as its head
 * alone (reid_dict_head: its bytes as an integer, no copy), a longer one copied into the batch's
 * bytes. The id is looked up in the column's latest snapshot when the batch is prepared, or given
 * when it is counted (counter.c). 0, or -1 when out of memory.
 */
static inline int reid_counter_put_sensitive(const reid_counter *c, reid_batch *b, size_t m,
                                             const char *s, size_t len)
{
    const size_t v = b->n * c->ns + m;
    if (reid_missing_set_has(c->missing, s, len)) {
        b->sids[v] = REID_DICT_MISSING;
        return 0;
    }
    b->sids[v] = REID_SID_PENDING;
    b->svlen[v] = len;
    if (len <= REID_VALSNAP_BYTES) {
        b->shead[v] = reid_dict_head(s, len);
        return 0;
    }
    char *out = reid_batch_room(b, len);
    if (!out) return -1;
    reid_copy_short(out, s, len);
    b->svoff[v] = b->blen;
    b->blen += len;
    return 0;
}

/* The current batch's record is complete; counts or hands over a full batch. 0 or -1 (c->err). */
int reid_counter_record_done(reid_counter *c);

/* The input is expected to hold about rows records: the counting side sizes the class table
 * from it and the classes per record seen so far. Call from the filling thread. */
void reid_counter_expect(reid_counter *c, uint64_t rows);

/* Count everything collected and wait until it is counted; missing_count and
 * unrecognised_count are then complete. 0 or -1 (c->err). */
int reid_counter_drain(reid_counter *c);

#endif
