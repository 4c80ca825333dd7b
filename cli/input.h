/* input.h - feed a file, a .gz file or standard input to an analysis (input.c says how). */
#ifndef REID_CLI_INPUT_H
#define REID_CLI_INPUT_H

#include "reid.h"

/* How a regular file is read (--io): mapped a window at a time, read(2) into a buffer a
 * window at a time, or mapped until a window turns out mapped in 4 KB pages (input.c). */
typedef enum { CLI_IO_AUTO, CLI_IO_MAP, CLI_IO_READ } cli_io_mode;

/* The window (--io-window): bytes of a regular file given to the library at once. By default
 * the first window, and the size of a buffer read into; a mapped file's rest is one window. */
#define CLI_IO_WINDOW_DEFAULT ((size_t)32 << 20)

/* Set before any cli_feed_*: the mode and the window (a multiple of the page size; 0: the
 * default). */
void cli_input_set(cli_io_mode mode, size_t window);

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
