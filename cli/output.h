/* output.h - write a report to a file atomically: all of it or nothing. */
#ifndef REID_CLI_OUTPUT_H
#define REID_CLI_OUTPUT_H

#include <stdio.h>

/*
 * Open a temporary file beside path. cli_output_commit flushes, syncs and
 * renames it over path; cli_output_abort removes it. NULL path = stdout.
 */
typedef struct cli_output {
    FILE *f;
    const char *path;
    char *tmp;
} cli_output;

int cli_output_open(cli_output *o, const char *path);
int cli_output_commit(cli_output *o);
void cli_output_abort(cli_output *o);

#endif
