/* input.h - feed a file, a .gz file or standard input to an analysis, in 1 MiB reads. */
#ifndef REID_CLI_INPUT_H
#define REID_CLI_INPUT_H

#include "reid.h"

/*
 * Stream path ("-" = standard input) into a. Returns 0 when every byte was
 * fed; -1 after printing why reading failed (an I/O error, not a CSV error:
 * those are left in a for the caller).
 */
int cli_feed_file(reid_analysis *a, const char *path);

/* A consumer of bytes: 0 to go on, nonzero to stop (its own error is kept by the callee). */
typedef int (*cli_feed_fn)(void *user, const void *buf, size_t len);

/* The same for any consumer (e.g. one side of a linkage): path's bytes go to fn(user, ...). */
int cli_feed_path(const char *path, cli_feed_fn fn, void *user);

/* The size of a regular, uncompressed input file in bytes; 0 for pipes, .gz and errors. */
unsigned long long cli_input_size(const char *path);

/* The name an input has in messages: "<stdin>" for "-", else its path. */
const char *cli_input_name(const char *path);

#endif
