/*
 * record.h - one parsed row into a batch: the checks every record must pass (field count, UTF-8 of
 * the QI values, the sampling weight) and the trimmed copies of the fields the counter needs.
 *
 * Used by the reader's callback (analysis.c) and by the threads that parse chunks of the input
 * in parallel (parallel.c): it reads the analysis' settings and writes only into the batch.
 */
#ifndef REID_RECORD_H
#define REID_RECORD_H

#include <stdint.h>

#include "analysis.h"

/* What is wrong with a record: its column (1-based, 0 = the record) and a message. */
typedef struct reid_bad_record {
    uint64_t column;
    char what[200];
} reid_bad_record;

/*
 * Record `recno` (its number counting skipped rows, 1-based; kept when the batch keeps positions)
 * into the next slot of b (b->n is not advanced). 0; 1 when the record is malformed (*bad says
 * why; nothing was added); -1 when out of memory.
 */
int reid_record_fill(const reid_analysis *a, reid_batch *b, const reid_row *row, uint64_t recno,
                     reid_bad_record *bad);

#endif
