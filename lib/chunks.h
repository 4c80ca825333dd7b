/*
 * chunks.h - record boundaries by quote parity, for splitting an input into chunks that can be
 * parsed on different threads.
 *
 * In RFC 4180 CSV every quote opens or closes a quoted field ("" inside one is two of them), so
 * a byte is inside quotes when an odd number of quotes precede it since a known record boundary,
 * and a line break outside quotes ends a record. This is a guess, not a parse: a quote inside an
 * unquoted field (kept by --lenient-quotes) breaks the parity. The caller therefore checks every
 * guessed boundary by parsing up to it (parallel.c) and falls back to one thread when one is
 * wrong.
 */
#ifndef REID_CHUNKS_H
#define REID_CHUNKS_H

#include <stddef.h>
#include <stdint.h>

/* How many bytes of p[0 .. n) equal '"'. When high is not NULL, *high is or-ed with every
 * byte's top bit (0x80: some byte of p[0 .. n) is not ASCII), in the same pass. */
uint64_t reid_count_quotes(const char *p, size_t n, unsigned char *high);

/* The byte after the first '\n' in [p, end) that is outside quotes, given whether p is inside
 * quotes; NULL if there is none. */
const char *reid_next_boundary(const char *p, const char *end, int in_quotes);

/* The byte after the last '\n' in [p, end) that is outside quotes, given whether p is inside
 * quotes and the number of quotes in [p, end); NULL if there is none. */
const char *reid_last_boundary(const char *p, const char *end, int in_quotes, uint64_t quotes);

#endif
