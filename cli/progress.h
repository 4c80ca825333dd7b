/* progress.h - the progress bar of the NHS-number search, on standard error. */
#ifndef REID_CLI_PROGRESS_H
#define REID_CLI_PROGRESS_H

#include <stdint.h>

/* Whether a bar is on the screen, unfinished (its line not yet ended). */
typedef struct cli_progress_state {
    int open;
} cli_progress_state;

/* A reid_progress_fn (user: a cli_progress_state): draws "[#####.....]  45%  ETA 1m20s" over
 * itself on stderr, and ends the line at done == total. */
void cli_progress(uint64_t done, uint64_t total, double seconds, void *user);

/* End the bar's line if it is still open (the search stopped early, having found everything). */
void cli_progress_end(cli_progress_state *st);

#endif
