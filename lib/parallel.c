/* parallel.c - a large buffer parsed on several threads, counted in input order (parallel.h). */
#include "parallel.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "chunks.h"
#include "record.h"

/* Bytes fed at once while records must be read one at a time (the header, sniffing). */
#define SERIAL_PIECE 65536

/* Bytes of a buffer read on one thread between two calls of the caller's release function. */
#define RELEASE_PIECE ((size_t)2 << 20)

/* Tell the caller (reid_set_release) that the bytes from *released to upto are done with. */
static void release_to(const reid_analysis *a, const char **released, const char *upto)
{
    if (a->release && upto > *released) {
        a->release(a->release_user, *released, (size_t)(upto - *released));
        *released = upto;
    }
}

/* [p, e) to the analysis' reader on this thread, the caller told of the bytes done with every
 * RELEASE_PIECE (the reader keeps nothing of a piece it was fed but the record it cuts, which it
 * copies: the same as for two calls of reid_feed). 0, or -1 as reid_reader_feed. */
static int feed_reader(reid_analysis *a, const char **released, const char *p, const char *e)
{
    while (p < e) {
        size_t n = (size_t)(e - p) < RELEASE_PIECE ? (size_t)(e - p) : RELEASE_PIECE;
        if (reid_reader_feed(&a->reader, p, n) != 0) return -1;
        p += n;
        release_to(a, released, p);
    }
    return 0;
}

/* Chunks in flight (parsed or being parsed, not yet counted) per thread: enough slack that a
 * thread can go on parsing while the chunk next in line for counting is still being parsed (2 left
 * the threads waiting ~15% of the time on 10 M rows; 4 and 8 measured the same). */
#define SLOTS_PER_THREAD 4

enum { SLOT_FREE, SLOT_PARSING, SLOT_PARSED, SLOT_VALUED };

/* A chunk and the batches it was parsed into. */
typedef struct pslot {
    const char *start, *end; /* [start, end): from one guessed boundary to the next */
    int state;               /* SLOT_*, under mu */
    int clean;               /* parsed to end between records, no malformed record */
    int vfail;               /* its values could not be counted (out of memory) */
    uint64_t rows, lines;
    reid_batch **pool; /* its batches, reused by the chunks that take the slot after it */
    size_t npool, nb;  /* allocated, filled */
    /* while the pseudonym sniff (pseudosniff.h) is still looking: the chunk's values of the
     * candidate columns it still looks at, each record's in turn, given to it in input order
     * when the chunk is counted */
    int sniff;    /* logged (the sniff was looking when the chunk was planned) */
    char *sbytes; /* the values */
    size_t sblen, sbcap;
    size_t *sval; /* [2 * nlive per record]: offset and length of each value */
    size_t nsval, svcap;
} pslot;

typedef struct psection psection;

/* A thread's parsing state. */
typedef struct pworker {
    psection *sec;
    pslot *slot;   /* the chunk being parsed */
    uint64_t rows; /* its records so far */
    int bad;       /* a malformed record, or out of memory: the chunk is not clean */
    reid_error err;
    pthread_t thread;
} pworker;

struct psection {
    reid_analysis *a;
    size_t size;   /* nominal bytes per chunk */
    const char *e; /* the end of the buffer */
    int delim, strict, fast;
    int parity;     /* guess boundaries by quote parity rather than by the record after them */
    size_t nfields; /* fields per record */
    size_t max_field;
    const unsigned char *keep;
    size_t nkeep;
    pslot *slots; /* chunk i in slots[i % nslots] */
    size_t nslots;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    /* under mu */
    const char *next; /* where the next chunk starts */
    const char *end;  /* the end of the last chunk planned */
    int planned_all;  /* no more chunks */
    size_t planned;   /* chunks planned */
    size_t valued;    /* chunks whose values are counted (the next whose values to count) */
    size_t counted;   /* chunks counted (the next to count) */
    int valuing;      /* a thread is counting values */
    int counting;     /* a thread is counting classes */
    int vstop;        /* a chunk not clean, or whose values failed: no more values counted */
    int overlap;      /* values and classes counted at the same time (reid_counter_can_overlap) */
    int flushed;      /* the counter's own batches are counted (by the first to count values) */
    int sniff_open;   /* the pseudonym sniff is looking: new chunks log its columns (under mu) */
    size_t *live;     /* the columns it looks at (still candidates when the section began) */
    size_t nlive;
    const char **sptr; /* [ncols]: a logged record's fields, for reid_pseudo_sniff_row */
    size_t *slen;
    int stop;             /* a fallback or an error: nothing more is parsed or counted */
    int fell_back;        /* the rest, up to e, was read on one thread */
    const char *released; /* the caller was told the bytes before it are done with */
};

/* Ready for parallel parsing: the header is read and nothing needs records one at a time. */
static int ready(const reid_analysis *a)
{
    return a->threads >= 2 && a->cfg->chunk_size && a->have_layout && a->counter_ready &&
           !a->err.status && !a->pcheck;
}

static reid_batch *new_batch(const reid_analysis *a)
{
    reid_batch *b = aligned_alloc(_Alignof(reid_batch), sizeof *b);
    if (b && reid_counter_batch_init(&a->counter, b) != 0) {
        free(b);
        b = NULL;
    }
    return b;
}

/* Batch i of the slot, allocated when new. NULL when out of memory. */
static reid_batch *slot_batch(const reid_analysis *a, pslot *sl, size_t i)
{
    if (i == sl->npool) {
        reid_batch **p = realloc(sl->pool, (sl->npool + 1) * sizeof *p);
        if (!p) return NULL;
        sl->pool = p;
        if (!(p[sl->npool] = new_batch(a))) return NULL;
        sl->npool++;
    }
    return sl->pool[i];
}

static void slot_free(pslot *sl)
{
    free(sl->sbytes);
    free(sl->sval);
    for (size_t k = 0; k < sl->npool; k++) {
        reid_counter_batch_free(sl->pool[k]);
        free(sl->pool[k]);
    }
    free(sl->pool);
}

/* The sniff's columns of a record, to the slot's log. 0, or -1 when out of memory. */
static int log_sniff(const psection *s, pslot *sl, const reid_row *row)
{
    if (sl->nsval + 2 * s->nlive > sl->svcap) {
        size_t cap = sl->svcap ? 2 * sl->svcap : 1024;
        while (cap < sl->nsval + 2 * s->nlive)
            cap *= 2;
        size_t *v = realloc(sl->sval, cap * sizeof *v);
        if (!v) return -1;
        sl->sval = v;
        sl->svcap = cap;
    }
    for (size_t i = 0; i < s->nlive; i++) {
        size_t n = row->len[s->live[i]];
        if (sl->sblen + n > sl->sbcap) {
            size_t cap = sl->sbcap ? 2 * sl->sbcap : 65536;
            while (cap < sl->sblen + n)
                cap *= 2;
            char *b = realloc(sl->sbytes, cap);
            if (!b) return -1;
            sl->sbytes = b;
            sl->sbcap = cap;
        }
        if (n) memcpy(sl->sbytes + sl->sblen, row->ptr[s->live[i]], n);
        sl->sval[sl->nsval++] = sl->sblen;
        sl->sval[sl->nsval++] = n;
        sl->sblen += n;
    }
    return 0;
}

static int worker_row(void *user, const reid_row *row)
{
    pworker *w = user;
    const reid_analysis *a = w->sec->a;
    pslot *sl = w->slot;
    reid_batch *b = sl->pool[sl->nb];
    reid_bad_record bad;
    if (reid_record_fill(a, b, row, w->rows + 1, &bad) != 0) {
        w->bad = 1; /* read again on one thread, which reports it with its line */
        return -1;
    }
    if (sl->sniff && log_sniff(w->sec, sl, row) != 0) {
        w->bad = 1; /* out of memory: read again on one thread */
        return -1;
    }
    w->rows++;
    if (++b->n < REID_BATCH) return 0;
    if (reid_counter_prepare(&a->counter, b) != 0 || !slot_batch(a, sl, ++sl->nb)) {
        w->bad = 1;
        return -1;
    }
    return 0;
}

static int worker_bad(void *user, uint64_t line, uint64_t column, const char *what)
{
    (void)line;
    (void)column;
    (void)what;
    ((pworker *)user)->bad = 1;
    return -1;
}

/* Parse the slot's chunk into its batches, prepared for counting. */
static void parse_chunk(pworker *w, pslot *sl)
{
    const psection *s = w->sec;
    const reid_analysis *a = s->a;
    for (size_t i = 0; i < sl->npool; i++)
        reid_batch_clear(sl->pool[i], a->counter.q);
    sl->nb = 0;
    sl->sblen = sl->nsval = 0;
    w->slot = sl;
    w->rows = 0;
    w->bad = 0;
    reid_error_clear(&w->err);
    int ok = slot_batch(a, sl, 0) != NULL;
    reid_reader r;
    reid_reader_init(&r, s->delim, s->strict, s->max_field, a->source, &w->err, worker_row,
                     worker_bad, w);
    reid_reader_set_fast(&r, s->fast);
    reid_reader_keep(&r, s->keep, s->nkeep);
    ok = ok && reid_reader_begin(&r) == 0 &&
         reid_reader_feed(&r, sl->start, (size_t)(sl->end - sl->start)) == 0 && !w->bad &&
         reid_reader_between_records(&r);
    if (ok && sl->pool[sl->nb]->n) {
        if (reid_counter_prepare(&a->counter, sl->pool[sl->nb]) != 0) ok = 0;
        sl->nb++;
    }
    sl->clean = ok;
    sl->rows = w->rows;
    sl->lines = r.line - 1;
    reid_reader_free(&r);
}

/* The slot's turn for its values (every chunk before it has its values counted), on one thread
 * at a time, while another may count the classes of the chunks before it: its values to ids. A
 * chunk that is not clean is left to the classes' turn, which reads it again on one thread. */
static void value_chunk(psection *s, pslot *sl)
{
    sl->vfail = 0;
    if (!s->flushed) { /* the records read one at a time before, counted on the counter's thread
                        * while the chunks were being parsed */
        s->flushed = 1;
        if (reid_counter_flush(&s->a->counter) != 0) {
            sl->vfail = 1;
            return;
        }
    }
    if (!s->overlap || !sl->clean) return; /* counted whole in the classes' turn */
    for (size_t i = 0; i < sl->nb; i++)
        if (reid_counter_count_values(&s->a->counter, sl->pool[i]) != 0) {
            sl->vfail = 1;
            return;
        }
}

/* The slot's turn (every chunk before it is counted), on one thread at a time: count it (its
 * classes, or the whole of it when the stages do not overlap), or, when it is not clean, read the
 * rest of the buffer on this thread with the analysis' reader. 0, or -1 to stop. */
static int count_chunk(psection *s, pslot *sl)
{
    reid_analysis *a = s->a;
    if (sl->vfail) { /* out of memory counting its values (or the records before it) */
        reid_counter_fail(&a->counter);
        reid_error_set(&a->err, a->counter.err.status, 0, 0, "%s: %s", a->source,
                       a->counter.err.msg);
        return -1;
    }
    if (!sl->clean) {
        a->par_parity = 1; /* maybe a wrong guess: from now on, boundaries by quote parity */
        pthread_mutex_lock(&s->mu);
        s->stop = 1;
        s->fell_back = 1;
        /* the chunks after it still being parsed read bytes this thread is about to release:
         * they finish first (a parsing thread needs nothing from this one) */
        for (;;) {
            size_t busy = 0;
            for (size_t i = 0; i < s->nslots; i++)
                busy += s->slots[i].state == SLOT_PARSING;
            if (!busy) break;
            pthread_cond_wait(&s->cv, &s->mu);
        }
        pthread_mutex_unlock(&s->mu);
        feed_reader(a, &s->released, sl->start, s->e);
        return -1;
    }
    const uint64_t rec_base = a->data_rows + a->skipped, line_base = a->reader.line - 1;
    for (size_t i = 0; i < sl->nb; i++) {
        reid_batch *b = sl->pool[i];
        if (b->pos)
            for (size_t r = 0; r < b->n; r++) {
                b->pos[2 * r] += rec_base;
                b->pos[2 * r + 1] += line_base;
            }
        if ((s->overlap ? reid_counter_count_classes(&a->counter, b)
                        : reid_counter_count(&a->counter, b)) != 0) {
            reid_error_set(&a->err, a->counter.err.status, 0, 0, "%s: %s", a->source,
                           a->counter.err.msg);
            return -1;
        }
    }
    if (sl->sniff && a->sniffing && !a->sniff.done) { /* the sniff's records, in order */
        for (size_t v = 0; v < sl->nsval && !a->sniff.done; v += 2 * s->nlive) {
            for (size_t i = 0; i < s->nlive; i++) {
                s->sptr[s->live[i]] = sl->sbytes + sl->sval[v + 2 * i];
                s->slen[s->live[i]] = sl->sval[v + 2 * i + 1];
            }
            reid_pseudo_sniff_row(&a->sniff, s->sptr, s->slen, &a->missing);
        }
        if (a->sniff.done) {
            pthread_mutex_lock(&s->mu);
            s->sniff_open = 0;
            pthread_mutex_unlock(&s->mu);
        }
    }
    uint64_t before = a->data_rows;
    a->data_rows += sl->rows;
    a->parallel_records += sl->rows;
    reid_reader_skip(&a->reader, sl->lines, (uint64_t)(sl->end - sl->start));
    if (before < REID_SIZE_SAMPLE && a->data_rows >= REID_SIZE_SAMPLE && a->cfg->input_size)
        reid_counter_expect(&a->counter, (uint64_t)((double)a->cfg->input_size *
                                                    (double)a->data_rows / (double)a->reader.base));
    return 0;
}

/* Bytes after a chunk's nominal end within which reid_guess_boundary must find a record. */
#define GUESS_WINDOW 65536

/* Under mu: plan the next chunk into its slot: about s->size bytes from the end of the last one
 * to the first boundary after that, or, when less than two chunks' worth is left, to the last
 * boundary of the buffer. The boundary is guessed from the record that follows a line break
 * (chunks.h), which reads only the bytes near it; by quote parity, which reads the whole chunk,
 * for the last chunk of a buffer, when no record is found near the nominal end, and for good once
 * a chunk was not clean. The slot, or NULL when there is none. */
static pslot *plan_chunk(psection *s)
{
    if (s->stop || s->planned_all || s->planned - s->counted == s->nslots) return NULL;
    const char *p = s->next, *b = NULL;
    size_t left = (size_t)(s->e - p);
    if (left / 2 >= s->size) {
        if (!s->parity)
            b = reid_guess_boundary(p + s->size, s->e, s->delim, s->nfields, GUESS_WINDOW);
        if (!b) b = reid_next_boundary(p + s->size, s->e, (int)(reid_count_quotes(p, s->size) & 1));
    } else {
        b = reid_last_boundary(p, s->e, 0, reid_count_quotes(p, left));
        s->planned_all = 1;
    }
    if (!b || b == p) {
        s->planned_all = 1;
        return NULL;
    }
    pslot *sl = &s->slots[s->planned++ % s->nslots];
    sl->start = p;
    sl->end = b;
    sl->sniff = s->sniff_open;
    sl->state = SLOT_PARSING;
    s->next = s->end = b;
    return sl;
}

/*
 * Every thread: count the classes of the next chunk when its values are counted and nobody is
 * counting classes, else count the values of the next chunk when it is parsed and nobody is
 * counting values (whoever is free takes either role, so no thread waits for its own chunk's
 * turn), else parse the next chunk, else wait. At most nslots chunks are in flight.
 */
static void *work(void *arg)
{
    pworker *w = arg;
    psection *s = w->sec;
    pthread_mutex_lock(&s->mu);
    while (!s->stop) {
        pslot *v = &s->slots[s->valued % s->nslots];
        if (!s->valuing && !s->vstop && s->valued < s->planned && v->state == SLOT_PARSED) {
            s->valuing = 1;
            pthread_mutex_unlock(&s->mu);
            value_chunk(s, v);
            pthread_mutex_lock(&s->mu);
            if (!v->clean || v->vfail) s->vstop = 1; /* the classes' turn handles it */
            v->state = SLOT_VALUED;
            s->valued++;
            s->valuing = 0;
            pthread_cond_broadcast(&s->cv);
            continue;
        }
        pslot *c = &s->slots[s->counted % s->nslots];
        if (!s->counting && s->counted < s->valued && c->state == SLOT_VALUED) {
            s->counting = 1;
            pthread_mutex_unlock(&s->mu);
            int rc = count_chunk(s, c);
            /* its bytes and those before are done with (after a chunk that was not clean, the
             * rest of the buffer was read on this thread, which released what it read) */
            if (rc == 0) release_to(s->a, &s->released, c->end);
            pthread_mutex_lock(&s->mu);
            if (rc != 0) s->stop = 1;
            c->state = SLOT_FREE;
            s->counted++;
            s->counting = 0;
            pthread_cond_broadcast(&s->cv);
            continue;
        }
        pslot *sl = plan_chunk(s);
        if (sl) {
            pthread_mutex_unlock(&s->mu);
            parse_chunk(w, sl);
            pthread_mutex_lock(&s->mu);
            sl->state = SLOT_PARSED;
            pthread_cond_broadcast(&s->cv);
            continue;
        }
        if (s->planned_all && s->counted == s->planned) break;
        pthread_cond_wait(&s->cv, &s->mu);
    }
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

void reid_parallel_free(reid_analysis *a)
{
    pslot *slots = a->par_slots;
    for (size_t i = 0; slots && i < a->par_nslots; i++)
        slot_free(&slots[i]);
    free(slots);
    a->par_slots = NULL;
    a->par_nslots = 0;
}

int reid_parallel_feed(reid_analysis *a, const char *buf, size_t len)
{
    const char *p = buf, *e = buf + len;
    const char *released = buf; /* the caller was told of the bytes before it (reid_set_release) */
    /* one thread until records may be read out of order and the reader is between records */
    while (p < e && !(ready(a) && reid_reader_between_records(&a->reader))) {
        size_t n = (size_t)(e - p) < SERIAL_PIECE ? (size_t)(e - p) : SERIAL_PIECE;
        if (ready(a)) { /* up to the end of a line: maybe a record's */
            const char *nl = memchr(p, '\n', (size_t)(e - p));
            n = nl ? (size_t)(nl - p) + 1 : (size_t)(e - p);
        }
        if (reid_reader_feed(&a->reader, p, n) != 0) return -1;
        p += n;
        if ((size_t)(p - released) >= RELEASE_PIECE) release_to(a, &released, p);
    }
    const size_t size = a->cfg->chunk_size;
    if (p == e || !ready(a) || (size_t)(e - p) / 2 < size) return feed_reader(a, &released, p, e);
    psection s;
    memset(&s, 0, sizeof s);
    s.a = a;
    s.size = size;
    s.e = e;
    s.next = s.end = p;
    s.released = released;
    s.delim = a->reader.delim;
    s.strict = a->reader.strict;
    s.fast = a->reader.fast;
    s.parity = a->par_parity;
    s.overlap = reid_counter_can_overlap(&a->counter);
    if (a->sniffing && !a->sniff.done) { /* the columns the sniff still looks at */
        s.live = malloc(a->sniff.n * sizeof *s.live);
        s.sptr = calloc(a->ncols, sizeof *s.sptr);
        s.slen = calloc(a->ncols, sizeof *s.slen);
        if (!s.live || !s.sptr || !s.slen) {
            free(s.live);
            free(s.sptr);
            free(s.slen);
            return feed_reader(a, &s.released, p, e); /* on one thread */
        }
        for (size_t i = 0; i < a->sniff.n; i++)
            if (!a->sniff.c[i].out) s.live[s.nlive++] = a->sniff.c[i].col;
        s.sniff_open = 1;
    }
    s.nfields = a->ncols;
    s.max_field = a->reader.max_field;
    s.keep = a->reader.keep;
    s.nkeep = a->reader.nkeep;
    const unsigned nw = a->threads;
    /* the slots and their batches are kept from one buffer to the next: new memory is
     * zeroed by the kernel on first touch, and that cost more than the parsing of a chunk */
    if (!a->par_slots) {
        a->par_slots = calloc((size_t)nw * SLOTS_PER_THREAD, sizeof(pslot));
        if (a->par_slots) a->par_nslots = (size_t)nw * SLOTS_PER_THREAD;
    }
    s.slots = a->par_slots;
    s.nslots = a->par_nslots;
    pworker *w = calloc(nw, sizeof *w);
    int sync = s.slots && w && pthread_mutex_init(&s.mu, NULL) == 0;
    if (sync && pthread_cond_init(&s.cv, NULL) != 0) {
        pthread_mutex_destroy(&s.mu);
        sync = 0;
    }
    if (sync) {
        for (unsigned i = 0; i < nw; i++)
            w[i].sec = &s;
        unsigned started = 0;
        for (unsigned i = 1; i < nw && pthread_create(&w[i].thread, NULL, work, &w[i]) == 0; i++)
            started++;
        work(&w[0]); /* the caller's thread is a worker too */
        for (unsigned i = 1; i <= started; i++)
            pthread_join(w[i].thread, NULL);
        pthread_cond_destroy(&s.cv);
        pthread_mutex_destroy(&s.mu);
    }
    free(w);
    free(s.live);
    free(s.sptr);
    free(s.slen);
    if (!sync) /* no memory for the threads: read it on this thread instead */
        return feed_reader(a, &s.released, p, e);
    if (a->err.status || a->reader.stop) return -1;
    if (s.fell_back) return 0; /* read to its end on one thread */
    /* the chunks ended at a boundary; the rest (a record cut by the end of the buffer) */
    return s.end < e ? reid_reader_feed(&a->reader, s.end, (size_t)(e - s.end)) : 0;
}
