/*
 * scan.h - the fast path of the CSV reader: one record of the common dialect.
 *
 * libcsv is the parser of record. This scanner reads, faster, the records
 * whose every field is either unquoted (no quote inside) or quoted with
 * only "" escapes inside, and yields exactly the fields libcsv would yield
 * for them (same trimming of spaces and tabs around unquoted fields and
 * after a closing quote, same CR / LF / CRLF handling, blank lines skipped).
 * Anything else - a quote inside an unquoted field, text after a closing
 * quote, a NUL byte, a field over the size limit, too many fields, or a
 * record that does not end inside the buffer - is left to libcsv
 * (REID_SCAN_FALLBACK / REID_SCAN_INCOMPLETE).
 *
 * Two paths (scan.c): the block path takes the commonest records (no line
 * break inside quotes, no spaces at the edges of fields) from a bit mask
 * of the special bytes of 64 bytes at a time (SSE2, or AVX2 where the CPU has
 * it), kept across calls; the general path, a byte-class scanner, takes the
 * rest and decides what goes to libcsv. tests/fuzz/diff_reader.c checks that
 * the reader yields the same records, lines and errors with and without this
 * scanner on 20,000 random inputs for each block path (a differential test,
 * run by ctest), and tests/fuzz/fuzz_reader.c does the same under libFuzzer.
 */
#ifndef REID_SCAN_H
#define REID_SCAN_H

#include <stddef.h>
#include <stdint.h>

typedef enum reid_scan_result {
    REID_SCAN_RECORD,     /* one record: fields set, *next after its terminator */
    REID_SCAN_BLANK,      /* a blank line (only spaces/tabs): no record, *next after it */
    REID_SCAN_INCOMPLETE, /* the record does not end within [p, end): more bytes needed */
    REID_SCAN_FALLBACK    /* not the common dialect: parse this record with libcsv */
} reid_scan_result;

typedef struct reid_scanner {
    unsigned char delim;
    unsigned char
        blocks;        /* the block path: 0 for a quote, CR, LF or NUL delimiter, 1 SSE2, 2 AVX2 */
    size_t max_field;  /* longer fields fall back (libcsv reports them) */
    size_t max_fields; /* more fields fall back */
    unsigned char cls[256];    /* byte classes for this delimiter */
    unsigned char sp[256];     /* 1 for libcsv's spaces: space and tab, unless the delimiter */
    unsigned char fstart[256]; /* what a field starting with this byte is (scan.c) */
    /*
     * The block path's cache: bit i of bmask is set when blk[i] may be special
     * (delimiter, quote, or a byte <= 13: CR, LF, NUL and a few that are only
     * text; or a byte >= 0x80, text that tells the record is not all ASCII), for
     * blk + i < blk_end. The bytes under it must not change while it
     * is kept: reid_scanner_forget() before scanning a new buffer.
     */
    const unsigned char *blk, *blk_end;
    uint64_t bmask;
    unsigned block_miss, block_skip; /* declined records (+4 each, -1 per record read); calls
                                        left with the general path alone */
    /* output of the last REID_SCAN_RECORD */
    size_t nfields;
    const char **ptr; /* field i: ptr[i][0 .. len[i]) */
    size_t *len;      /* 2 x cap entries: lengths, then offsets of unescaped fields */
    size_t cap;
    char *unesc; /* storage for quoted fields that held "" */
    size_t unesc_len, unesc_cap;
    uint64_t breaks; /* line breaks (CR, LF, CRLF = 1) consumed by the last call */
    int ascii;       /* the last record's bytes are all ASCII (1), or not known to be (0) */
    const unsigned char *keep; /* fields read by the caller (NULL = all): only they are */
    size_t nkeep;              /* unescaped by the block path */
} reid_scanner;

void reid_scanner_init(reid_scanner *s, unsigned char delim, size_t max_field, size_t max_fields);
void reid_scanner_free(reid_scanner *s);

/* Only fields i < n with keep[i] are read by the caller (NULL: all): the block path leaves the
 * others' "" escapes as they are. keep must outlive the scanner. */
void reid_scanner_keep(reid_scanner *s, const unsigned char *keep, size_t n);

/* Drop what the scanner remembers of the bytes it read: call before each new buffer (the same
 * addresses may hold other bytes). */
void reid_scanner_forget(reid_scanner *s);

/* 0: scanners initialised from now on use the SSE2 block path even on a CPU with AVX2 (so that
 * tests cover both); 1: AVX2 where the CPU has it (the default). Not thread-safe: tests only. */
void reid_scan_use_avx2(int on);

/*
 * Scan the record starting at p (libcsv between records). at_eof: end is the
 * end of the input, so a last record without a line break is complete.
 * Returns -1 on out of memory. The scanner remembers what it read of [p, end)
 * for the next call with the same end: reid_scanner_forget() first when the
 * bytes there may have changed (a new buffer).
 */
int reid_scan_record(reid_scanner *s, const char *p, const char *end, int at_eof,
                     const char **next);

#endif
