/*
 * link.h - the state behind reid_link (internal): the linkage of an extract
 * with an identified register (docs/linkage.md).
 *
 * The held side's keys live in one class table (key = the join columns' value
 * ids, size = the held side's count). Dictionaries are filled by the held side
 * only: a value of the streamed side that is not in them cannot be part of a
 * held key, so it is looked up, never added, and memory does not grow with the
 * streamed side.
 */
#ifndef REID_LINK_H
#define REID_LINK_H

#include "arena.h"
#include "classtable.h"
#include "config.h"
#include "dict.h"
#include "error.h"
#include "normalise.h"
#include "reader.h"
#include "reid.h"

/* A record's category; a person's is the largest over their records (0 = no complete key). */
enum {
    LINK_CAT_MISSING = 0,
    LINK_CAT_UNMATCHED = 1,
    LINK_CAT_AMBIGUOUS = 2, /* 5 or more register entries */
    LINK_CAT_NARROWED = 3,  /* 2 to 4 */
    LINK_CAT_REID = 4       /* exactly 1 */
};

/* Register counts held per extract key saturate here: 5 already means "ambiguous". */
#define LINK_COUNT_CAP 5

/* Streamed records are looked up in batches, so that the cache misses of many records overlap
 * (hash everything, then probe with the slots and entries of later records prefetched). */
#define LINK_BATCH 256

typedef struct link_batch {
    size_t n;
    char *bytes; /* the normalised values of the batch */
    size_t blen, bcap;
    uint64_t *voff; /* [LINK_BATCH * q]: value j of record r at r * q + j */
    uint32_t *vlen;
    uint64_t *vh;   /* their hashes */
    uint32_t *keys; /* their value ids */
    uint64_t kh[LINK_BATCH];
    uint64_t row[LINK_BATCH], line[LINK_BATCH];
    uint32_t person[LINK_BATCH];
    uint8_t known[LINK_BATCH]; /* every value is in the held side's dictionaries */
} link_batch;

/* One join column. */
typedef struct link_col {
    char *spec[2];     /* the names as given, per side (reid_link_side) */
    reid_qi_type type; /* the normaliser, for both sides */
    size_t col[2];     /* 0-based column per side, once that side's header is read */
    uint64_t missing[2];
    reid_dict dict; /* normalised value -> id, filled by the held side */
} link_col;

/* One input. */
typedef struct link_side {
    struct reid_link *l;
    int which; /* reid_link_side */
    char *source;
    reid_reader reader;
    int have_layout;
    char **names; /* the header (trimmed), or "column N" */
    size_t ncols;
    unsigned char *keep;
    uint64_t datarows;    /* data rows met, malformed ones included (row numbers) */
    uint64_t rows;        /* data rows used */
    uint64_t missing_key; /* of which with a missing join value */
    uint64_t skipped;
    char first_skip[REID_ERRMSG_MAX];
    int started, ended;
} link_side;

/* A re-identified pair kept for reid_link_matches_foreach. */
typedef struct link_match {
    uint64_t row, line;
    uint64_t cls;    /* the key's class in the table */
    uint32_t person; /* pseudonym id, 0 = none */
} link_match;

struct reid_link {
    reid_config *cfg;
    reid_error err;
    reid_missing_set missing;
    link_side s[2];
    link_col *on;
    size_t non;
    char *id_spec; /* the extract's pseudonym column as given, or NULL */
    size_t id_col; /* its 0-based column */
    reid_link_side hold;
    uint64_t show_max;
    double max_reid;
    int started; /* a side was fed: settings are closed */
    double t0;

    reid_classtable keys; /* held key -> held side's count */
    uint8_t *regcount;    /* holding the extract: register entries per key, up to LINK_COUNT_CAP */
    uint64_t regcap;

    reid_dict people; /* pseudonym -> id (with an id column) */
    uint8_t *best;    /* per pseudonym id: the best category so far */
    uint64_t bestcap;
    reid_classtable pairs; /* holding the extract: (pseudonym id, key index) */

    /* reid_link_set_show_matches: the first register entry of every key, whole */
    uint64_t *first_line, *first_off;
    uint64_t firstcap;
    reid_arena rows;
    link_match *matches;
    uint64_t nmatches, matchcap;
    const char **fields; /* scratch for the foreach */

    link_batch batch; /* the streamed side's records waiting to be looked up */
    uint32_t *key;    /* scratch: the current record's key */
    char *norm;       /* scratch: a normalised value */
    size_t normcap;

    reid_link_result res;
    int done;
};

/* link.c */
int link_nomem(reid_link *l); /* records "out of memory"; -1 */

/* link_rows.c */
int link_category(uint64_t entries); /* LINK_CAT_* of a record matching this many entries */
int link_grow_bytes(uint8_t **a, uint64_t *cap, uint64_t i); /* room for a[i], zeroed; 0 / -1 */
/* A register entry held one at a time (reid_link_set_show_matches): counted, kept whole if new. */
int link_held_row(link_side *sd, const reid_row *row);
/* A record's key into the batch: 1 added, 0 incomplete (counted as missing_key), -1 error. */
int link_batch_add(link_side *sd, const reid_row *row, uint32_t person);
/* The batch's records added to the held table / looked up in it, in order. 0, or -1. */
int link_flush_held(reid_link *l, link_side *sd);
int link_flush_streamed(reid_link *l, link_side *sd);

#endif
