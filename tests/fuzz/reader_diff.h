/*
 * reader_diff.h - run one input through the reader twice, with the fast
 * scanner and with libcsv alone, and say whether both gave the same records
 * (fields, start lines) and the same error. Shared by the deterministic
 * differential test (diff_reader.c, in ctest) and the libFuzzer target
 * (fuzz_reader.c).
 */
#ifndef REID_READER_DIFF_H
#define REID_READER_DIFF_H

#include <stddef.h>

/*
 * Returns 0 when the two agree; otherwise 1, with a description in why.
 * chunk: feed size (0 = all at once). strict: RFC 4180 quote checking.
 */
int reader_diff(const char *data, size_t len, int delim, int strict, size_t max_field, size_t chunk,
                char *why, size_t whycap);

#endif
