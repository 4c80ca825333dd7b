/*
 * chunks.h - record boundaries by quote parity, for splitting an input into chunks that can be
 * parsed on different threads.
 *
 * In RFC 4180 CSV every quote opens or closes a quoted field ("" inside one is two of them), so
 * a byte is inside quotes when an odd number of quotes precede it since a known record boundary,
 * and a line break outside quotes ends a record. This is a guess, not a parse: a quote inside an
 * unquoted field (kept by --lenient-quotes) breaks the parity. Counting needs a pass over every
 * byte; reid_guess_boundary instead looks only near the boundary, at what follows a line break. The
 * caller therefore checks every guessed boundary by parsing up to it (parallel.c) and falls back to
 * one thread when one is wrong.
 */
#ifndef REID_CHUNKS_H
#define REID_CHUNKS_H

#include <stddef.h>
#include <stdint.h>

/* How many bytes of p[0 .. n) equal '"'. */
uint64_t reid_count_quotes(const char *p, size_t n);

/*
 * A guess that needs no pass over the bytes before p: the byte after the first '\n' in
 * [p, p + window) (and before end) that is followed by one whole record of nfields fields in the
 * strict RFC 4180 grammar (fields unquoted, or quoted with "" and line breaks inside; separated by
 * delim; ended by LF or CRLF), itself ending before p + window. NULL if there is none.
 *
 * A line break inside a quoted field is rejected unless what follows it happens to read as such a
 * record: the rest of a quoted field ends with a quote inside what would be an unquoted field, and
 * a line of free text rarely has exactly nfields - 1 delimiters. Records with spaces around
 * quotes and the like are passed over (the next one is tried). Like parity, it is a guess that
 * the caller must check.
 */
const char *reid_guess_boundary(const char *p, const char *end, int delim, size_t nfields,
                                size_t window);

/* The byte after the first '\n' in [p, end) that is outside quotes, given whether p is inside
 * quotes; NULL if there is none. */
const char *reid_next_boundary(const char *p, const char *end, int in_quotes);

/* The byte after the last '\n' in [p, end) that is outside quotes, given whether p is inside
 * quotes and the number of quotes in [p, end); NULL if there is none. */
const char *reid_last_boundary(const char *p, const char *end, int in_quotes, uint64_t quotes);

#endif
