/* analysis.h - the state behind reid_analysis (internal). */
#ifndef REID_ANALYSIS_H
#define REID_ANALYSIS_H

#include "classtable.h"
#include "config.h"
#include "dict.h"
#include "error.h"
#include "normalise.h"
#include "reader.h"
#include "reid.h"

typedef struct reid_qi {
    char *name;
    size_t col; /* 0-based */
    reid_qi_type type;
    char reason[200];
    uint64_t missing;
    uint64_t unrecognised;
    reid_dict dict;
} reid_qi;

typedef struct reid_note {
    char *name;
    char note[200];
} reid_note;

/*
 * Records are counted in batches: the normalised QI values of up to
 * REID_BATCH records are collected, then each column's values are hashed and
 * their dictionary slots prefetched before they are interned, and the keys'
 * class-table slots likewise before they are added. Most lookups then find
 * their cache line already loaded instead of waiting ~100 ns each for memory.
 */
#define REID_BATCH 256
#define REID_PREFETCH_AHEAD 16

typedef struct reid_batch {
    size_t n;      /* records collected */
    char *bytes;   /* their normalised values */
    size_t blen, bcap;
    size_t *voff;  /* [n * q]: value of record r, QI j at bytes + voff[r*q+j] */
    size_t *vlen;  /* SIZE_MAX = missing */
    uint64_t *hash; /* [n * q] value hashes, then [n] key hashes */
    uint32_t *keys; /* [n * q] */
} reid_batch;

struct reid_analysis {
    reid_config *cfg;
    char *source;
    reid_error err;
    reid_reader reader;
    reid_missing_set missing;
    int finished;

    int have_layout;
    char **names; /* the header (trimmed), or "column N" */
    size_t ncols;

    reid_qi *qi;
    size_t nq;
    unsigned char *keep;
    reid_note *notes;
    size_t nnotes;

    reid_classtable table;
    reid_batch batch;
    uint64_t skipped;
    char first_skip[REID_ERRMSG_MAX];

    reid_summary sum;
    reid_hist_entry *hist;
    size_t nhist;
    double t0;
};

#endif
