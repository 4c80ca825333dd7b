/* link.c - `reid-check link`: the linkage demonstration's command line (docs/linkage.md). */
#include "link.h"
#include "parse.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "input.h"
#include "options.h"
#include "output.h"
#include "reid.h"

static const char link_usage[] =
    "Usage: reid-check link [OPTIONS] EXTRACT --against REGISTER --on COLUMNS\n"
    "Play the motivated intruder: join the extract to an identified register (an\n"
    "electoral-roll-like list of names with postcode, date of birth, sex) and count\n"
    "the extract's records that match exactly one register entry (re-identified),\n"
    "2 to 4 (narrowed), 5 or more (ambiguous), none (unmatched), or cannot be matched\n"
    "because a join value is missing. Files are CSV (.gz read compressed), or - for\n"
    "standard input (one of the two at most).\n"
    "\n"
    "The join:\n"
    "      --against FILE       the identified register (required)\n"
    "      --on LIST            join columns, comma-separated (required): NAME when both\n"
    "                           files call it so, EXTRACT_NAME=REGISTER_NAME otherwise,\n"
    "                           each optionally :TYPE (text postcode date age sex code;\n"
    "                           default from the name). Values are normalised as in\n"
    "                           reid-check FILE: postcodes, dates, sex, missing values\n"
    "      --id COL             the extract's pseudonym column: also count people (a\n"
    "                           person is re-identified if any of their records is)\n"
    "      --hold SIDE          which file is held in memory: auto (default: the one with\n"
    "                           fewer rows, estimated from its size), register or extract.\n"
    "                           The figures never depend on it\n"
    "\n"
    "Reading (as for reid-check FILE; both files):\n"
    "      --no-header          the first rows are data; columns are numbers (--on 2,3)\n"
    "  -d, --delimiter C        field delimiter (default: sniffed per file)\n"
    "      --missing LIST       spellings of a missing value (default NA,N/A,NULL,?)\n"
    "      --skip-bad-rows      count and skip malformed rows instead of stopping\n"
    "      --lenient-quotes     keep stray quotes in unquoted fields as text\n"
    "      --max-field-size N   longest field accepted, bytes (K, M suffixes; default 1M)\n"
    "\n"
    "Gate and output:\n"
    "      --max-reidentified F exit 1 if more than F of the records (of the people with\n"
    "                           --id) are re-identified (a fraction, or a percentage: 1%)\n"
    "      --show-matches[=N]   also print the re-identified pairs (the first N; default\n"
    "                           all): extract row and the register's entry. This NAMES\n"
    "                           PEOPLE; text format only; holds the register in memory\n"
    "  -f, --format FMT         text (default) or json\n"
    "  -o, --output FILE        write the report to FILE (atomically) instead of stdout\n"
    "  -q, --quiet              no report; only the exit status\n"
    "  -h, --help               this help\n"
    "\n"
    "Exit status: 0 ran (and the gate, if given, passed); 1 the gate failed;\n"
    "2 usage error or bad input; 3 internal error (out of memory, write failure).\n"
    "\n"
    "Reports hold counts only unless --show-matches is given. Definitions:\n"
    "docs/linkage.md.\n";

enum {
    L_AGAINST = 256,
    L_ON,
    L_ID,
    L_HOLD,
    L_NO_HEADER,
    L_MISSING,
    L_SKIP_BAD,
    L_LENIENT,
    L_MAX_FIELD,
    L_MAX_REID,
    L_SHOW,
};

static const struct option link_opts[] = {
    {"against", required_argument, NULL, L_AGAINST},
    {"on", required_argument, NULL, L_ON},
    {"id", required_argument, NULL, L_ID},
    {"hold", required_argument, NULL, L_HOLD},
    {"no-header", no_argument, NULL, L_NO_HEADER},
    {"delimiter", required_argument, NULL, 'd'},
    {"missing", required_argument, NULL, L_MISSING},
    {"skip-bad-rows", no_argument, NULL, L_SKIP_BAD},
    {"lenient-quotes", no_argument, NULL, L_LENIENT},
    {"max-field-size", required_argument, NULL, L_MAX_FIELD},
    {"max-reidentified", required_argument, NULL, L_MAX_REID},
    {"show-matches", optional_argument, NULL, L_SHOW},
    {"format", required_argument, NULL, 'f'},
    {"output", required_argument, NULL, 'o'},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

typedef struct link_args {
    const char *extract, *reg, *on, *id, *output;
    int hold; /* -1 auto, else reid_link_side */
    uint64_t show;
    double max_reid;
    int json, quiet;
} link_args;

static int link_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int link_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "reid-check link: ");
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'reid-check link --help' for more information.\n");
    return EXIT_USAGE_OR_INPUT;
}

/* -1 to go on, or an exit status. */
static int parse_link(int argc, char **argv, link_args *a, reid_config *cfg)
{
    memset(a, 0, sizeof *a);
    a->hold = -1;
    a->max_reid = -1;
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":d:f:o:qh", link_opts, NULL)) != -1) {
        size_t sz;
        switch (c) {
        case L_AGAINST:
            a->reg = optarg;
            break;
        case L_ON:
            a->on = optarg;
            break;
        case L_ID:
            if (!*optarg) return link_usage_error("--id takes the pseudonym column's name");
            a->id = optarg;
            break;
        case L_HOLD:
            if (strcmp(optarg, "auto") == 0)
                a->hold = -1;
            else if (strcmp(optarg, "register") == 0)
                a->hold = REID_LINK_REGISTER;
            else if (strcmp(optarg, "extract") == 0)
                a->hold = REID_LINK_EXTRACT;
            else
                return link_usage_error("--hold is auto, register or extract, not '%s'", optarg);
            break;
        case L_NO_HEADER:
            reid_config_set_header(cfg, 0);
            break;
        case 'd': {
            int d;
            if (cli_parse_delimiter(optarg, &d) != 0)
                return link_usage_error("--delimiter takes one character or 'tab', not '%s'",
                                        optarg);
            if (reid_config_set_delimiter(cfg, d) != REID_OK)
                return link_usage_error("--delimiter: %s", reid_config_error(cfg));
            break;
        }
        case L_MISSING:
            if (reid_config_set_missing(cfg, optarg) != REID_OK)
                return link_usage_error("--missing: %s", reid_config_error(cfg));
            break;
        case L_SKIP_BAD:
            reid_config_set_skip_bad_rows(cfg, 1);
            break;
        case L_LENIENT:
            reid_config_set_strict_quotes(cfg, 0);
            break;
        case L_MAX_FIELD:
            if (cli_parse_size(optarg, &sz) != 0)
                return link_usage_error("--max-field-size takes a size in bytes such as 1M, "
                                        "not '%s'",
                                        optarg);
            reid_config_set_max_field_size(cfg, sz);
            break;
        case L_MAX_REID:
            if (cli_parse_fraction(optarg, &a->max_reid) != 0)
                return link_usage_error("--max-reidentified takes a fraction from 0 to 1 (or a "
                                        "percentage such as 1%%), not '%s'",
                                        optarg);
            break;
        case L_SHOW:
            a->show = UINT64_MAX;
            if (optarg) {
                uint64_t v;
                if (cli_parse_u64(optarg, &v) != 0 || v == 0)
                    return link_usage_error("--show-matches takes a number of pairs of at least "
                                            "1 (--show-matches=20), not '%s'",
                                            optarg);
                a->show = v;
            }
            break;
        case 'f':
            if (strcmp(optarg, "json") == 0)
                a->json = 1;
            else if (strcmp(optarg, "text") == 0)
                a->json = 0;
            else
                return link_usage_error("--format is text or json, not '%s'", optarg);
            break;
        case 'o':
            a->output = optarg;
            break;
        case 'q':
            a->quiet = 1;
            break;
        case 'h':
            fputs(link_usage, stdout);
            return 0;
        case ':':
            if (optopt && optopt < 256)
                return link_usage_error("option '-%c' needs a value", optopt);
            return link_usage_error("option '%s' needs a value", argv[optind - 1]);
        default:
            if (optopt) return link_usage_error("unknown option '-%c'", optopt);
            return link_usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc) return link_usage_error("no extract given (use - for standard input)");
    if (optind + 1 < argc)
        return link_usage_error("one extract at a time; got also '%s' (the register is given "
                                "with --against)",
                                argv[optind + 1]);
    a->extract = argv[optind];
    if (!a->reg) return link_usage_error("no register given: --against REGISTER");
    if (!a->on) return link_usage_error("no join columns given: --on COLUMNS");
    if (strcmp(a->extract, "-") == 0 && strcmp(a->reg, "-") == 0)
        return link_usage_error("only one of the two files can be standard input");
    if (a->show && a->json)
        return link_usage_error("--show-matches prints text: leave out --format json");
    if (a->show && a->hold == REID_LINK_EXTRACT)
        return link_usage_error("--show-matches holds the register in memory (its entries are "
                                "printed): leave out --hold extract");
    return -1;
}

/*
 * About how many rows a file has: its size times the line breaks in its first 64 KiB per byte.
 * 0 when unknown (standard input, .gz, not a regular file).
 */
static double estimate_rows(const char *path)
{
    unsigned long long size = cli_input_size(path);
    if (!size) return 0;
    int fd = open(path, O_RDONLY);
    if (fd < 0) return 0;
    static char head[65536];
    ssize_t n = read(fd, head, sizeof head);
    close(fd);
    if (n <= 0) return 0;
    size_t lines = 1;
    for (ssize_t i = 0; i < n; i++)
        lines += head[i] == '\n';
    return (double)lines * ((double)size / (double)n);
}

static int choose_hold(const link_args *a)
{
    if (a->show || a->hold == REID_LINK_REGISTER) return REID_LINK_REGISTER;
    if (a->hold == REID_LINK_EXTRACT) return REID_LINK_EXTRACT;
    double e = estimate_rows(a->extract), r = estimate_rows(a->reg);
    if (!e || !r) return r || !e ? REID_LINK_REGISTER : REID_LINK_EXTRACT; /* hold a known one */
    return e < r ? REID_LINK_EXTRACT : REID_LINK_REGISTER;
}

typedef struct side_ctx {
    reid_link *l;
    reid_link_side side;
} side_ctx;

static int feed_side(void *user, const void *buf, size_t len)
{
    side_ctx *c = user;
    return reid_link_feed(c->l, c->side, buf, len) == REID_OK ? 0 : -1;
}

/* Feed and end one side. 0; -1 after an I/O error (printed); 1 after a linkage error. */
static int read_side(reid_link *l, reid_link_side side, const char *path)
{
    side_ctx c = {l, side};
    if (cli_feed_path(path, feed_side, &c) != 0) return -1;
    if (reid_link_status(l) == REID_OK) reid_link_end(l, side);
    return reid_link_status(l) == REID_OK ? 0 : 1;
}

typedef struct show_ctx {
    FILE *f;
    int failed;
} show_ctx;

static int show_one(const reid_link_match *m, void *user)
{
    show_ctx *s = user;
    fprintf(s->f, "  extract row %llu (line %llu)", (unsigned long long)m->extract_row,
            (unsigned long long)m->extract_line);
    if (m->pseudonym) fprintf(s->f, ", pseudonym %s", m->pseudonym);
    fprintf(s->f, " = register line %llu:", (unsigned long long)m->register_line);
    for (size_t i = 0; i < m->register_fields; i++)
        fprintf(s->f, "%s %s=%s", i ? "," : "", m->register_names[i], m->register_values[i]);
    if (fputc('\n', s->f) == EOF) s->failed = 1;
    return s->failed;
}

static int show_matches(const reid_link *l, FILE *f)
{
    const reid_link_result *r = reid_link_result_get(l);
    fprintf(f, "\nWARNING: the lines below NAME PEOPLE. Each is an extract record matched to the "
               "only register\nentry with its join values. Keep them private; do not publish or "
               "share them.\n");
    if (r->matches_kept < r->records.reidentified)
        fprintf(f, "  (the first %llu of %llu re-identified records)\n",
                (unsigned long long)r->matches_kept, (unsigned long long)r->records.reidentified);
    show_ctx s = {f, 0};
    reid_link_matches_foreach(l, show_one, &s);
    return s.failed || ferror(f) ? -1 : 0;
}

static int exit_for(reid_status st)
{
    return st == REID_ERR_INPUT || st == REID_ERR_CONFIG ? EXIT_USAGE_OR_INPUT : EXIT_INTERNAL;
}

int cli_link_main(int argc, char **argv)
{
    reid_config *cfg = reid_config_new();
    if (!cfg) {
        fprintf(stderr, "reid-check: out of memory\n");
        return EXIT_INTERNAL;
    }
    link_args a;
    int rc = parse_link(argc, argv, &a, cfg);
    if (rc >= 0) {
        reid_config_free(cfg);
        return rc;
    }
    reid_link *l = reid_link_new(cfg, cli_input_name(a.extract), cli_input_name(a.reg));
    reid_config_free(cfg);
    if (!l) {
        fprintf(stderr, "reid-check: out of memory\n");
        return EXIT_INTERNAL;
    }
    int hold = choose_hold(&a);
    reid_status st = reid_link_set_on(l, a.on);
    if (st == REID_OK && a.id) st = reid_link_set_id(l, a.id);
    if (st == REID_OK) st = reid_link_set_hold(l, (reid_link_side)hold);
    if (st == REID_OK && a.show) st = reid_link_set_show_matches(l, a.show);
    if (st == REID_OK && a.max_reid >= 0) st = reid_link_set_max_reidentified(l, a.max_reid);
    if (st != REID_OK) {
        fprintf(stderr,
                "reid-check link: --on: %s\nTry 'reid-check link --help' for more "
                "information.\n",
                reid_link_error_message(l));
        reid_link_free(l);
        return exit_for(st);
    }
    const char *first = hold == REID_LINK_REGISTER ? a.reg : a.extract;
    const char *second = hold == REID_LINK_REGISTER ? a.extract : a.reg;
    int r = read_side(l, (reid_link_side)hold, first);
    if (r == 0) r = read_side(l, (reid_link_side)(1 - hold), second);
    if (r != 0) {
        st = reid_link_status(l);
        if (r > 0) fprintf(stderr, "reid-check: %s\n", reid_link_error_message(l));
        reid_link_free(l);
        return r < 0 ? EXIT_USAGE_OR_INPUT : exit_for(st);
    }
    rc = reid_link_result_get(l)->gate_passed ? 0 : EXIT_GATE_FAILED;
    if (!a.quiet) {
        cli_output out;
        if (cli_output_open(&out, a.output) != 0) {
            reid_link_free(l);
            return EXIT_INTERNAL;
        }
        st = a.json ? reid_link_write_json(l, out.f) : reid_link_write_text(l, out.f);
        if (st == REID_OK && a.show && show_matches(l, out.f) != 0) st = REID_ERR_IO;
        if (st != REID_OK) {
            fprintf(stderr, "reid-check: cannot write the report: %s\n", reid_status_name(st));
            cli_output_abort(&out);
            rc = EXIT_INTERNAL;
        } else if (cli_output_commit(&out) != 0) {
            rc = EXIT_INTERNAL;
        }
    }
    reid_link_free(l);
    return rc;
}
