/* main.c - reid-check: parse options, stream the input, write the report, exit with a status. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "input.h"
#include "link.h"
#include "options.h"
#include "output.h"
#include "progress.h"
#include "reid.h"

static int exit_for(reid_status st)
{
    return st == REID_ERR_INPUT || st == REID_ERR_CONFIG ? EXIT_USAGE_OR_INPUT : EXIT_INTERNAL;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "link") == 0) return cli_link_main(argc - 1, argv + 1);
    reid_config *cfg = reid_config_new();
    if (!cfg) {
        fprintf(stderr, "reid-check: out of memory\n");
        return EXIT_INTERNAL;
    }
    cli_options opts;
    int rc = cli_parse(argc, argv, &opts, cfg);
    if (rc >= 0) {
        reid_config_free(cfg);
        return rc;
    }
    cli_input_set(opts.io_mode, opts.io_window);
    const char *name = cli_input_name(opts.input);
    reid_config_set_input_size(cfg, cli_input_size(opts.input));
    cli_progress_state bar = {0};
    if (!opts.no_progress && isatty(STDERR_FILENO))
        reid_config_set_pseudonym_progress(cfg, cli_progress, &bar);
    reid_analysis *a = reid_analysis_new(cfg, name);
    reid_config_free(cfg);
    if (!a) {
        fprintf(stderr, "reid-check: out of memory\n");
        return EXIT_INTERNAL;
    }
    if (cli_feed_file(a, opts.input) != 0) {
        reid_analysis_free(a);
        return EXIT_USAGE_OR_INPUT;
    }
    if (reid_status_of(a) == REID_OK) reid_finish(a);
    cli_progress_end(&bar);
    reid_status st = reid_status_of(a);
    if (st != REID_OK) {
        fprintf(stderr, "reid-check: %s\n", reid_error_message(a));
        reid_analysis_free(a);
        return exit_for(st);
    }
    rc = reid_gate_passed(a) ? 0 : EXIT_GATE_FAILED;
    if (opts.at_risk) { /* the SUDA2 records' CSV, whole or not at all */
        cli_output risk;
        if (cli_output_open(&risk, opts.at_risk) != 0) {
            reid_analysis_free(a);
            return EXIT_INTERNAL;
        }
        st = reid_write_suda2_csv(a, risk.f, opts.at_risk_values);
        if (st != REID_OK) {
            fprintf(stderr, "reid-check: cannot write %s: %s\n", opts.at_risk,
                    reid_status_name(st));
            cli_output_abort(&risk);
            reid_analysis_free(a);
            return EXIT_INTERNAL;
        }
        if (cli_output_commit(&risk) != 0) {
            reid_analysis_free(a);
            return EXIT_INTERNAL;
        }
    }
    if (!opts.quiet) {
        cli_output out;
        if (cli_output_open(&out, opts.output) != 0) {
            reid_analysis_free(a);
            return EXIT_INTERNAL;
        }
        st = opts.json ? reid_write_json(a, out.f) : reid_write_text(a, out.f);
        if (st != REID_OK) {
            fprintf(stderr, "reid-check: cannot write the report: %s\n", reid_status_name(st));
            cli_output_abort(&out);
            rc = EXIT_INTERNAL;
        } else if (cli_output_commit(&out) != 0) {
            rc = EXIT_INTERNAL;
        }
    }
    reid_analysis_free(a);
    return rc;
}
