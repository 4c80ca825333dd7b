/* run.h - run a program, capturing its standard output, standard error and exit status. */
#ifndef REID_TEST_RUN_H
#define REID_TEST_RUN_H

#include <stddef.h>

typedef struct run_result {
    int status; /* exit status; 128 + signal number if it was killed; -1 if it never ran */
    char *out;  /* standard output, NUL-terminated (may hold other NULs) */
    size_t out_len;
    char *err; /* standard error, NUL-terminated */
    size_t err_len;
} run_result;

/*
 * Run argv[0] (a path, not searched in PATH) with argv (NULL-terminated),
 * standard input from stdin_path (NULL: /dev/null). Standard output and
 * standard error go to files in scratch_dir (which must exist), then are read
 * back into r. Returns 0, or -1 if the program could not be started or
 * waited for (r->status is then -1). Free r with run_result_free.
 */
int run_program(run_result *r, const char *scratch_dir, const char *stdin_path, char *const argv[]);

void run_result_free(run_result *r);

/* Read a whole file into a NUL-terminated malloc'd buffer; NULL if it cannot be read. */
char *read_whole_file(const char *path, size_t *len);

/* Write len bytes to path (created or truncated); 0 or -1. */
int write_whole_file(const char *path, const void *data, size_t len);

/* Remove dir and everything under it (files and subdirectories). */
void remove_tree(const char *dir);

#endif
