/* parallel.c - a large buffer parsed on several threads, counted in input order (parallel.h). */
#include "parallel.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "chunks.h"
#include "record.h"

/* Bytes fed at once while records must be read one at a time (the header, sniffing). */
#define SERIAL_PIECE 65536

typedef struct pchunk {
    const char *start, *end; /* [start, end): from one guessed boundary to the next */
    int clean;               /* parsed to end between records, no malformed record */
    uint64_t rows, lines;
    size_t nb; /* batches filled (in the worker's pool) */
} pchunk;

struct psection;

typedef struct pworker {
    struct psection *sec;
    reid_batch **pool; /* batches of the chunk being parsed, reused from chunk to chunk */
    size_t npool, cur;
    uint64_t rows; /* records of the chunk so far */
    int bad;       /* a malformed record, or out of memory: the chunk is not clean */
    reid_error err;
    pthread_t thread;
} pworker;

typedef struct psection {
    reid_analysis *a;
    size_t size;          /* nominal bytes per chunk */
    const char *next, *e; /* under mu: where the next chunk starts (NULL: no more), the end */
    size_t planned;       /* under mu: chunks handed out */
    const char *end;      /* under mu: the end of the last chunk handed out */
    int fell_back;        /* the rest, up to e, was read on one thread */
    int delim, strict, fast;
    size_t max_field;
    const unsigned char *keep;
    size_t nkeep;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    size_t next_parse, next_count; /* under mu */
    int stop;                      /* under mu: a fallback or an error; nothing more is counted */
} psection;

/* Ready for parallel parsing: the header is read and nothing needs records one at a time. */
static int ready(const reid_analysis *a)
{
    return a->threads >= 2 && a->cfg->chunk_size && a->have_layout && a->counter_ready &&
           !a->err.status && !a->pcheck && !(a->sniffing && !a->sniff.done);
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

/* The worker's next empty batch. -1 when out of memory. */
static int next_batch(pworker *w)
{
    if (++w->cur == w->npool) {
        reid_batch **p = realloc(w->pool, (w->npool + 1) * sizeof *p);
        if (!p) return -1;
        w->pool = p;
        if (!(p[w->npool] = new_batch(w->sec->a))) return -1;
        w->npool++;
    }
    return 0;
}

static int worker_row(void *user, const reid_row *row)
{
    pworker *w = user;
    const reid_analysis *a = w->sec->a;
    reid_batch *b = w->pool[w->cur];
    reid_bad_record bad;
    if (reid_record_fill(a, b, row, w->rows + 1, &bad) != 0) {
        w->bad = 1; /* read again on one thread, which reports it with its line */
        return -1;
    }
    w->rows++;
    if (++b->n < REID_BATCH) return 0;
    if (reid_counter_prepare(&a->counter, b) != 0 || next_batch(w) != 0) {
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

static void reset_batches(pworker *w)
{
    for (size_t i = 0; i < w->npool; i++) {
        w->pool[i]->n = 0;
        w->pool[i]->blen = 0;
    }
    w->cur = 0;
}

/* Parse one chunk into the worker's batches, prepared for counting. */
static void parse_chunk(pworker *w, pchunk *ch)
{
    const reid_analysis *a = w->sec->a;
    reset_batches(w);
    w->rows = 0;
    w->bad = 0;
    reid_error_clear(&w->err);
    reid_reader r;
    const psection *s = w->sec;
    reid_reader_init(&r, s->delim, s->strict, s->max_field, a->source, &w->err, worker_row,
                     worker_bad, w);
    reid_reader_set_fast(&r, s->fast);
    reid_reader_keep(&r, s->keep, s->nkeep);
    int ok = reid_reader_begin(&r) == 0 &&
             reid_reader_feed(&r, ch->start, (size_t)(ch->end - ch->start)) == 0 && !w->bad &&
             reid_reader_between_records(&r);
    reid_batch *last = w->pool[w->cur];
    if (ok && last->n && reid_counter_prepare(&a->counter, last) != 0) ok = 0;
    ch->clean = ok;
    ch->rows = w->rows;
    ch->lines = r.line - 1;
    ch->nb = w->cur + (last->n > 0);
    reid_reader_free(&r);
}

static void stop_section(psection *s)
{
    pthread_mutex_lock(&s->mu);
    s->stop = 1;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
}

/* Chunk i's turn (every chunk before it is counted): count it, or read the rest of the buffer
 * on this thread with the analysis' reader when the chunk is not clean. */
static void count_chunk(psection *s, pworker *w, const pchunk *ch)
{
    reid_analysis *a = s->a;
    if (!ch->clean) {
        reset_batches(w);
        stop_section(s);
        s->fell_back = 1;
        reid_reader_feed(&a->reader, ch->start, (size_t)(s->e - ch->start));
        return;
    }
    const uint64_t rec_base = a->data_rows + a->skipped, line_base = a->reader.line - 1;
    for (size_t i = 0; i < ch->nb; i++) {
        reid_batch *b = w->pool[i];
        if (b->pos)
            for (size_t r = 0; r < b->n; r++) {
                b->pos[2 * r] += rec_base;
                b->pos[2 * r + 1] += line_base;
            }
        if (reid_counter_count(&a->counter, b) != 0) {
            reid_error_set(&a->err, a->counter.err.status, 0, 0, "%s: %s", a->source,
                           a->counter.err.msg);
            reset_batches(w);
            stop_section(s);
            return;
        }
    }
    uint64_t before = a->data_rows;
    a->data_rows += ch->rows;
    a->parallel_records += ch->rows;
    reid_reader_skip(&a->reader, ch->lines, (uint64_t)(ch->end - ch->start));
    if (before < REID_SIZE_SAMPLE && a->data_rows >= REID_SIZE_SAMPLE && a->cfg->input_size)
        reid_counter_expect(&a->counter, (uint64_t)((double)a->cfg->input_size *
                                                    (double)a->data_rows / (double)a->reader.base));
}

/* Under s->mu: the next chunk, about s->size bytes from the end of the last one to the first
 * boundary after that, guessed by quote parity. Its index, or -1 when there is none (the rest of
 * the buffer is shorter than two chunks, or holds no boundary the guess finds). */
static long take_chunk(psection *s, pchunk *ch)
{
    if (s->stop || !s->next || (size_t)(s->e - s->next) / 2 < s->size) return -1;
    uint64_t quotes = reid_count_quotes(s->next, s->size);
    const char *b = reid_next_boundary(s->next + s->size, s->e, (int)(quotes & 1));
    if (!b) {
        s->next = NULL;
        return -1;
    }
    memset(ch, 0, sizeof *ch);
    ch->start = s->next;
    ch->end = b;
    s->next = b;
    s->end = b;
    return (long)s->planned++;
}

static void *work(void *arg)
{
    pworker *w = arg;
    psection *s = w->sec;
    for (;;) {
        pchunk ch;
        pthread_mutex_lock(&s->mu);
        long got = take_chunk(s, &ch);
        pthread_mutex_unlock(&s->mu);
        if (got < 0) break;
        size_t i = (size_t)got;
        parse_chunk(w, &ch);
        pthread_mutex_lock(&s->mu);
        while (s->next_count != i && !s->stop)
            pthread_cond_wait(&s->cv, &s->mu);
        int stopped = s->stop;
        pthread_mutex_unlock(&s->mu);
        if (stopped) {
            reset_batches(w);
            break;
        }
        count_chunk(s, w, &ch);
        pthread_mutex_lock(&s->mu);
        s->next_count = i + 1;
        pthread_cond_broadcast(&s->cv);
        pthread_mutex_unlock(&s->mu);
    }
    return NULL;
}

int reid_parallel_feed(reid_analysis *a, const char *buf, size_t len)
{
    const char *p = buf, *e = buf + len;
    /* one thread until records may be read out of order and the reader is between records */
    while (p < e && !(ready(a) && reid_reader_between_records(&a->reader))) {
        size_t n = (size_t)(e - p) < SERIAL_PIECE ? (size_t)(e - p) : SERIAL_PIECE;
        if (ready(a)) { /* up to the end of a line: maybe a record's */
            const char *nl = memchr(p, '\n', (size_t)(e - p));
            n = nl ? (size_t)(nl - p) + 1 : (size_t)(e - p);
        }
        if (reid_reader_feed(&a->reader, p, n) != 0) return -1;
        p += n;
    }
    const size_t size = a->cfg->chunk_size;
    if (p == e || !ready(a) || (size_t)(e - p) / 2 < size)
        return p < e ? reid_reader_feed(&a->reader, p, (size_t)(e - p)) : 0;
    if (reid_counter_flush(&a->counter) != 0) {
        reid_error_set(&a->err, a->counter.err.status, 0, 0, "%s: %s", a->source,
                       a->counter.err.msg);
        return -1;
    }
    psection s;
    memset(&s, 0, sizeof s);
    s.a = a;
    s.size = size;
    s.next = p;
    s.e = e;
    s.delim = a->reader.delim;
    s.strict = a->reader.strict;
    s.fast = a->reader.fast;
    s.max_field = a->reader.max_field;
    s.keep = a->reader.keep;
    s.nkeep = a->reader.nkeep;
    s.end = p;
    const unsigned nw = a->threads;
    pworker *w = calloc(nw, sizeof *w);
    int ok = w != NULL;
    for (unsigned i = 0; ok && i < nw; i++) {
        w[i].sec = &s;
        ok = (w[i].pool = calloc(1, sizeof *w[i].pool)) != NULL &&
             (w[i].pool[0] = new_batch(a)) != NULL;
        if (ok) w[i].npool = 1;
    }
    int sync = ok && pthread_mutex_init(&s.mu, NULL) == 0;
    if (sync && pthread_cond_init(&s.cv, NULL) != 0) {
        pthread_mutex_destroy(&s.mu);
        sync = 0;
    }
    if (sync) {
        unsigned started = 0;
        for (unsigned i = 1; i < nw && pthread_create(&w[i].thread, NULL, work, &w[i]) == 0; i++)
            started++;
        work(&w[0]); /* the caller's thread is a worker too */
        for (unsigned i = 1; i <= started; i++)
            pthread_join(w[i].thread, NULL);
        pthread_cond_destroy(&s.cv);
        pthread_mutex_destroy(&s.mu);
    }
    for (unsigned i = 0; w && i < nw; i++) {
        for (size_t k = 0; k < w[i].npool; k++) {
            reid_counter_batch_free(w[i].pool[k]);
            free(w[i].pool[k]);
        }
        free(w[i].pool);
    }
    free(w);
    ok = sync;
    if (!ok) /* no memory for the threads' batches: read it on this thread instead */
        return reid_reader_feed(&a->reader, p, (size_t)(e - p));
    if (a->err.status || a->reader.stop) return -1;
    if (s.fell_back) return 0; /* read to its end on one thread */
    /* the chunks ended at a boundary; the rest on this thread */
    return s.end < e ? reid_reader_feed(&a->reader, s.end, (size_t)(e - s.end)) : 0;
}
