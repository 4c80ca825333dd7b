/*
 * pseudosniff.h - does a column look like a pseudonym? (docs/people.md, "Warning")
 *
 * Without a pseudonym column (--id), every row is counted as a person. When
 * some column holds pseudonyms and a person has several rows, that overstates
 * the classes' sizes. The first REID_SNIFF_ROWS rows of each candidate column
 * (the columns not otherwise used, at most REID_SNIFF_MAX_COLUMNS) are looked
 * at: a column looks like a pseudonym when its name says so or all its
 * non-missing values are tokens (8 or more hex digits, or 12 or more base64
 * characters with both letters and digits), and its values repeat (fewer
 * distinct values than values) while being many (at least one distinct value
 * in five).
 */
#ifndef REID_PSEUDOSNIFF_H
#define REID_PSEUDOSNIFF_H

#include <stddef.h>
#include <stdint.h>

#include "dict.h"
#include "normalise.h"

#define REID_SNIFF_ROWS 65536
#define REID_SNIFF_MAX_COLUMNS 16

typedef struct reid_sniff_col {
    size_t col; /* 0-based */
    int byname; /* the name looks like a pseudonym */
    reid_dict seen;
    uint64_t values; /* non-missing values looked at */
    uint64_t tokens; /* ... that look like tokens */
    int out;         /* ruled out (a name that does not say so, and a value that is no token):
                      * no longer looked at, so the sniffing costs little on ordinary columns */
} reid_sniff_col;

typedef struct reid_pseudo_sniff {
    reid_sniff_col *c;
    size_t n;
    uint64_t rows;
    int done; /* REID_SNIFF_ROWS rows seen, or out of memory: no more looking */
} reid_pseudo_sniff;

/* Candidates: the columns with used[i] == 0 (at most REID_SNIFF_MAX_COLUMNS, the ones whose name
 * looks like a pseudonym first). 0, or -1 when out of memory. */
int reid_pseudo_sniff_init(reid_pseudo_sniff *s, char *const *names, size_t ncols,
                           const unsigned char *used);
void reid_pseudo_sniff_free(reid_pseudo_sniff *s);

/* A data row's fields (every candidate's field present). */
void reid_pseudo_sniff_row(reid_pseudo_sniff *s, const char *const *ptr, const size_t *len,
                           const reid_missing_set *missing);

/* 1 if candidate i looks like a pseudonym column. */
int reid_pseudo_sniff_hit(const reid_pseudo_sniff *s, size_t i);

/* 1 if the trimmed value looks like a hex or base64 token. */
int reid_looks_like_token(const char *s, size_t len);

#endif
