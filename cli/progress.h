/* progress.h - the progress bar of the NHS-number search, on standard error. */
#ifndef REID_CLI_PROGRESS_H
#define REID_CLI_PROGRESS_H

#include <stdint.h>

/* A reid_progress_fn: draws "[#####.....]  45%  ETA 1m20s" over itself on stderr; user unused.
 * At done == total it ends the line. */
void cli_progress(uint64_t done, uint64_t total, double seconds, void *user);

#endif
