/* options.h - the command line of reid-check, parsed with getopt_long. */
#ifndef REID_CLI_OPTIONS_H
#define REID_CLI_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

#include "input.h"
#include "reid.h"

enum { EXIT_GATE_FAILED = 1, EXIT_USAGE_OR_INPUT = 2, EXIT_INTERNAL = 3 };

typedef struct cli_options {
    const char *input;  /* path, or "-" for standard input */
    const char *output; /* NULL: standard output */
    int json;
    int quiet;
    const char *at_risk;      /* --at-risk FILE: the SUDA2 records' CSV, or NULL */
    int at_risk_values;       /* --at-risk-values: with the records' QI values */
    int suda2;                /* --suda2 */
    const char *suda2_option; /* a --suda2-... option given (for its message) */
    int no_progress;          /* --no-progress: no bar for the NHS-number search */
    cli_io_mode io_mode;      /* --io */
    size_t io_window;         /* --io-window; 0: the default */
} cli_options;

/*
 * Parse argv into opts and cfg. Returns -1 to go on, or an exit status
 * (0 after --help / --version, 2 after a usage error, with the message
 * printed).
 */
int cli_parse(int argc, char **argv, cli_options *opts, reid_config *cfg);

#endif
