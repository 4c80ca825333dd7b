/*
 * parallel.h - a large buffer parsed on several threads, counted in input order.
 *
 * The buffer is cut into chunks at record boundaries guessed by quote parity (chunks.h). Every
 * thread takes the next chunk, parses it with a reader of its own into batches of its own,
 * checks and prepares them (record.h, reid_counter_prepare: validation, trimming, normalising,
 * hashing), then waits for its turn and counts them (reid_counter_count): chunks are counted
 * strictly in input order, one at a time, so value ids, classes and every figure are the same as
 * with one thread. While one thread counts, the others parse.
 *
 * A chunk is accepted only if its reader, started at the previous chunk's verified end, ends
 * between records exactly at the guessed boundary and met no malformed record; then the guess
 * was right. Otherwise the rest of the buffer is read by the analysis' own reader on one thread,
 * from the last verified boundary, which also gives every message its true line number. Line
 * numbers and record numbers of an accepted chunk are counted from its start and shifted when
 * it is counted.
 */
#ifndef REID_PARALLEL_H
#define REID_PARALLEL_H

#include <stddef.h>

#include "analysis.h"

/* Feed buf to the analysis: the same as reid_reader_feed(&a->reader, buf, len), using the
 * analysis' threads when the buffer is large enough and nothing needs the records one at a time
 * in order (the header, the first records' pseudonym sniffing, the pseudonym sample). 0, or -1
 * after an error (in a->err). */
int reid_parallel_feed(reid_analysis *a, const char *buf, size_t len);

/* Free what reid_parallel_feed keeps from one buffer to the next (the chunks' batches). */
void reid_parallel_free(reid_analysis *a);

#endif
