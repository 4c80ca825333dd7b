/*
 * reader.h - the streaming CSV reader: bytes in, records out.
 *
 * libcsv does the parsing (RFC 4180 quoting, "" escapes, delimiters and line
 * breaks inside quotes, CR / LF / CRLF). Around it the reader adds what a
 * tool needs: delimiter sniffing and BOM removal on the first 64 KiB, the
 * physical line on which each record starts (so that every message names a
 * line), limits on field size and field count, NUL-byte detection, and
 * recovery after a malformed record when the caller chooses to skip it.
 *
 * Records of the common dialect are read by the fast scanner (scan.h), which
 * yields the same fields; libcsv reads every other record. To know the line
 * of each record the bytes are handed to libcsv one line at
 * a time (split at every CR and LF, and at most 64 KiB at once): a record can
 * only begin at the start of such a piece, so the line counter read when
 * libcsv is between records is the record's first line.
 */
#ifndef REID_READER_H
#define REID_READER_H

#include <csv.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "scan.h"

#define REID_READER_SNIFF_BYTES 65536
#define REID_READER_MAX_FIELDS 100000

/*
 * One record. Field i's bytes are ptr[i][0 .. len[i]) when it was kept (see
 * reid_reader_keep; fields read by the fast path are always there). The
 * pointers are valid during the callback only.
 */
typedef struct reid_row {
    size_t nfields;
    uint64_t line; /* physical line where the record starts (1-based) */
    const char *const *ptr;
    const size_t *len;
    int ascii; /* 1: every byte of the record is ASCII (so valid UTF-8); 0: not known */
} reid_row;

/* Return 0 to go on; nonzero to stop (the callee has recorded the error). */
typedef int (*reid_row_fn)(void *user, const reid_row *row);
/* A malformed record: return 0 to skip it and go on, nonzero to stop. */
typedef int (*reid_bad_fn)(void *user, uint64_t line, uint64_t column, const char *what);

typedef struct reid_reader {
    struct csv_parser parser;
    int parser_ready;
    reid_scanner scan; /* the fast path (scan.h); libcsv takes every record it declines */
    int fast;
    int delim; /* 0 until sniffed */
    int strict;
    size_t max_field;
    const char *source;
    reid_error *err;
    reid_row_fn on_row;
    reid_bad_fn on_bad;
    void *user;

    char *pre; /* the first bytes, held until the delimiter is sniffed */
    size_t pre_len;
    int started;

    uint64_t line;     /* physical line of the next byte */
    uint64_t col_base; /* bytes of that line already fed */
    int last_cr;
    uint64_t row_line; /* first line of the record being read */
    int resync;        /* skipping the rest of a line after a malformed record */
    int stop;
    uint64_t base;   /* input bytes handed to the parser before the current chunk */
    uint64_t offset; /* input offset of the record being delivered (about) */

    size_t nf; /* fields so far in this record */
    char *rbuf;
    size_t rlen, rcap;
    size_t *off, *len;
    const char **ptr; /* the row's field pointers, built at the end of a libcsv record */
    size_t fcap;
    const unsigned char *keep; /* keep[i]: copy field i; NULL = keep all */
    size_t nkeep;
    char *const *names; /* column names, for messages (NULL until the header is read) */
    size_t nnames;
} reid_reader;

void reid_reader_init(reid_reader *r, int delim, int strict, size_t max_field, const char *source,
                      reid_error *err, reid_row_fn on_row, reid_bad_fn on_bad, void *user);
void reid_reader_free(reid_reader *r);

/* Only the fields with keep[i] set are copied from now on (others are counted). */
void reid_reader_keep(reid_reader *r, const unsigned char *keep, size_t n);

/* Column names to put in messages ("column 3 (postcode)"); the caller keeps them alive. */
void reid_reader_names(reid_reader *r, char *const *names, size_t n);

/* Use the fast scanner where it applies (default 1); 0 = libcsv for every record (tests). */
void reid_reader_set_fast(reid_reader *r, int fast);

/* A reader for a chunk that starts at a record boundary of an input whose delimiter is known
 * (r->delim set by reid_reader_init): no BOM or sniffing, lines counted from 1. 0 or -1. */
int reid_reader_begin(reid_reader *r);

/* 1 if the bytes fed so far end exactly at the end of a record (or of a skipped line), so that
 * the next byte starts a record. */
int reid_reader_between_records(const reid_reader *r);

/* Another reader read the next `lines` lines (`bytes` bytes), ending between records: go on
 * after them. */
void reid_reader_skip(reid_reader *r, uint64_t lines, uint64_t bytes);

int reid_reader_feed(reid_reader *r, const char *data, size_t len); /* 0 or -1 (see err) */
int reid_reader_finish(reid_reader *r);                             /* 0 or -1 (see err) */

#endif
