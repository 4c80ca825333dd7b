/*
 * analysis_diff.h - run one input through the whole analysis twice, on one thread in one piece and
 * on several threads in small chunks fed in pieces, and say whether both ended alike: the same
 * status and, on an error, the same message, line and column; on success the same JSON report
 * apart from "run" (timings, threads). Every figure is documented as identical for every thread
 * count, chunk size and way of feeding (reid.h). Shared by the libFuzzer targets fuzz_analysis.c
 * and fuzz_sideinputs.c; report_json by fuzz_link.c too.
 */
#ifndef REID_ANALYSIS_DIFF_H
#define REID_ANALYSIS_DIFF_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#include "reid.h"

/* The JSON report that write(obj, f) prints, parsed, without "run"; aborts when it cannot be
 * written or does not parse. */
json_t *report_json(reid_status (*write)(const void *obj, FILE *f), const void *obj);

/*
 * cfg's threads and chunk size are set by the call: 1 and 0 for the first run, then threads and
 * chunk for the second, whose input is cut at cut1 and cut2 (offsets into buf, clamped to len).
 * Returns 0 when the two runs agree; otherwise 1, after printing both outcomes to stderr.
 */
int analysis_diff(reid_config *cfg, const char *buf, size_t len, unsigned threads, size_t chunk,
                  size_t cut1, size_t cut2);

#endif
