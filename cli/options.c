/* options.c - reid-check's options: getopt_long, each value checked, each error explained. */
#include "options.h"
#include "parse.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hierfile.h"

static const char usage_text[] =
    "Usage: reid-check [OPTIONS] FILE\n"
    "       reid-check link [OPTIONS] EXTRACT --against REGISTER --on COLUMNS\n"
    "Measure how easily people can be re-identified in a CSV extract.\n"
    "FILE is a CSV file (.gz is read compressed), or - for standard input.\n"
    "\n"
    "Quasi-identifiers and input:\n"
    "      --qi LIST            quasi-identifier columns, comma-separated, each NAME or\n"
    "                           NAME:TYPE (types: text postcode date age sex code);\n"
    "                           column numbers with --no-header. Default: recognised\n"
    "                           from the header (postcode, date of birth, age, sex,\n"
    "                           ethnicity, diagnosis)\n"
    "      --no-header          the first row is data, not column names\n"
    "      --header             the first row is column names even if some read as\n"
    "                           data (numbers, dates, postcodes), which is otherwise\n"
    "                           refused as a forgotten --no-header\n"
    "  -d, --delimiter C        field delimiter: , ; tab | or any one byte\n"
    "                           (default: sniffed from the first lines)\n"
    "      --missing LIST       spellings of a missing value, comma-separated\n"
    "                           (default NA,N/A,NULL,?; an empty field is always missing)\n"
    "      --missing-matches-any[=ALPHA]  a missing value matches any value, as sdcMicro's\n"
    "                           freqCalc (default: a missing value is a value of its own);\n"
    "                           partly-missing matches count ALPHA (0 to 1, default 1)\n"
    "                           (docs/missing-wildcard.md)\n"
    "      --skip-bad-rows      count and skip malformed rows instead of stopping\n"
    "      --lenient-quotes     keep stray quotes in unquoted fields as text\n"
    "      --max-field-size N   longest field accepted, bytes (K, M suffixes; default 1M)\n"
    "  -j, --threads N          threads (default: one per core; results never depend on it)\n"
    "      --chunk-size N       bytes per chunk when a file is parsed on several threads\n"
    "                           (K, M suffixes; default 1M; 0 = parse on one thread)\n"
    "      --io MODE            how a file is read: auto (default), map or read\n"
    "                           (docs/design.md, \"Reading a file\")\n"
    "      --io-window N        bytes of a file given to the parser at once\n"
    "                           (a multiple of 64K; K, M suffixes; default: the first\n"
    "                           32M, then the rest of a mapped file at once)\n"
    "      --max-memory N       stop with a clear error (exit 3) rather than let the tables\n"
    "                           grow past N bytes (K, M, G suffixes)\n"
    "\n"
    "Risk and release gate:\n"
    "  -k, --k K                records in classes smaller than K are at risk (default 5)\n"
    "      --require-k K        exit 1 unless the extract is K-anonymous\n"
    "      --max-uniques F      exit 1 if more than F of the records are unique\n"
    "                           (a fraction such as 0.01, or a percentage such as 1%)\n"
    "      --require-max-risk R  exit 1 if the highest prosecutor risk 1/k is above R\n"
    "                           (0 to 1, or a percentage such as 9%)\n"
    "      --policy NAME        a preset of the thresholds, with its source (docs/policies.md):\n"
    "                           ema (highest risk 0.09 = 1/11: EMA Policy 0070 / Health Canada),\n"
    "                           nhs-small-numbers (k >= 8: NHS HES counts 1-7 suppressed),\n"
    "                           k=K (k >= K). --require-k, --max-uniques and\n"
    "                           --require-max-risk override the policy's value, in any order\n"
    "\n"
    "From the sample to the population (docs/population.md):\n"
    "      --sampling-fraction F  the extract is this share of a population (0 < F <= 1,\n"
    "                           e.g. 0.01 or 1%); population uniques are estimated\n"
    "      --population-size N  the same, given as the population's size in people\n"
    "      --population uk      the UK's population as ARX has it (63,705,000)\n"
    "\n"
    "Population table (docs/population-table.md):\n"
    "      --population-table FILE  a CSV of population counts: one column per QI (or a\n"
    "                           coarser one such as postcode:sector, age:census-band,\n"
    "                           sex:mf) and a column 'count'; reports journalist and\n"
    "                           marketer risk. Built in: uk-census-2011 (England and Wales,\n"
    "                           postcode sector x sex x age band; use --qi postcode,sex,age)\n"
    "\n"
    "Sampling weights (docs/individual-risk.md):\n"
    "      --weight COL         column holding each record's sampling weight (a number > 0:\n"
    "                           the people it stands for); a column number with --no-header.\n"
    "                           Reports each record's risk (Benedetti-Franconi, as sdcMicro)\n"
    "      --risk-threshold T   count the records whose risk is above T (0 to 1, or a\n"
    "                           percentage such as 10%; default 0.1)\n"
    "\n"
    "Sensitive attributes (docs/sensitive.md):\n"
    "      --sensitive COL      a sensitive column (repeatable; not a QI): l-diversity (distinct,\n"
    "                           entropy, recursive), t-closeness, (alpha,k), beta-likeness,\n"
    "                           delta-disclosure, and the records whose value is disclosed\n"
    "                           because everyone in their class shares it\n"
    "      --recursive-c C      the c of recursive (c,l)-diversity (a number > 0; default 2)\n"
    "\n"
    "Special uniques, SUDA2 (docs/suda2.md):\n"
    "      --suda2              find each record's minimal sample uniques (the smallest sets of\n"
    "                           its values no other record shares); SUDA score, DIS-SUDA and\n"
    "                           attribute contributions as sdcMicro's suda2()\n"
    "      --suda2-max-msu-size N  largest set searched (default: all the QIs, as sdcMicro)\n"
    "      --suda2-dis-fraction F  DIS-SUDA's sampling fraction (0 < F <= 1; default 0.01,\n"
    "                           sdcMicro's DisFraction)\n"
    "      --at-risk FILE       with --suda2: write the records with a SUDA score > 0 to FILE\n"
    "                           as CSV (record number, line, score, DIS-SUDA; atomically)\n"
    "      --at-risk-values     also write those records' QI values to FILE (they identify\n"
    "                           people: only when you need them)\n"
    "\n"
    "Which combinations of quasi-identifiers make people unique (docs/attribute-risk.md):\n"
    "      --attribute-risks    classes, k, uniques, distinction and separation for every\n"
    "                           combination of the quasi-identifiers (off by default: it\n"
    "                           re-counts the classes once per combination)\n"
    "      --max-subset-size N  only combinations of at most N columns (default: all of\n"
    "                           them up to 12 quasi-identifiers, 3 above); implies\n"
    "                           --attribute-risks\n"
    "      --subset-threshold F  the text report names the smallest combinations that make\n"
    "                           more than F of the records unique (a fraction, or a\n"
    "                           percentage such as 5%; default 5%); implies\n"
    "                           --attribute-risks\n"
    "\n"
    "Generalisation (docs/generalisation.md):\n"
    "      --generalise LIST    coarsen QIs before counting, COL=LEVEL,... (e.g.\n"
    "                           postcode=district,age=5y); every figure sees the result.\n"
    "                           Levels: postcode unit|sector|district|area|suppressed;\n"
    "                           age exact|5y|10y|20y|suppressed; date of birth\n"
    "                           day|month|year|5y; other dates day|week|month|year;\n"
    "                           ICD-10 code|category|block|chapter; sex and text\n"
    "                           kept|suppressed; a --hierarchy file 0..L\n"
    "      --hierarchy COL=FILE  a hierarchy for COL in ARX's CSV format (one row per value,\n"
    "                           one column per level, ';'); repeatable\n"
    "      --what-if[=all]      the lattice of levels: k, uniques, records at risk and the\n"
    "                           information kept per combination, and the least coarsening\n"
    "                           that reaches -k (pruned search; =all counts every node)\n"
    "      --what-if-max-nodes N  largest lattice searched (default 100000)\n"
    "\n"
    "People (docs/people.md):\n"
    "      --id COL             the pseudonym column: rows with the same value are one person;\n"
    "                           classes then count people: k, uniques, people at risk and risks\n"
    "                           are also given per person, with pseudonyms that have more than\n"
    "                           one sex or date of birth (a row without a pseudonym is a person\n"
    "                           of its own)\n"
    "      --events COL[,COL...]  event columns (needs --id; docs/longitudinal.md): each row's\n"
    "                           values are one event of its person (COL:month cuts a date to\n"
    "                           its month). Reports the share of people unique on p = 1..5\n"
    "                           events of their own trail, alone and with the QIs, and on their\n"
    "                           whole set of events\n"
    "      --events-sample N    people sampled for that estimate (default 10000)\n"
    "      --seed N             seed of its random choices, and of the pseudonym sample below\n"
    "                           (default 1; same seed, same report)\n"
    "\n"
    "Pseudonym reversal check (docs/pseudonyms.md):\n"
    "      --check-pseudonyms COL  test whether the pseudonyms in COL are NHS numbers, encodings\n"
    "                           of them, or unsalted MD5/SHA-1/SHA-256/SHA-512 hashes of them\n"
    "                           (every valid NHS number is hashed, on all cores)\n"
    "      --pseudonym-sample N  distinct pseudonyms sampled (1 to 1000000; default 1000)\n"
    "      --seed N             seed of the pseudonym sample (default 1; the same --seed as\n"
    "                           the unicity estimate's)\n"
    "      --nhs-range FIRST-LAST  search only these 10-digit NHS numbers (default: all)\n"
    "      --reveal             print the NHS numbers found (default: only how many)\n"
    "      --no-progress        no progress bar (drawn on stderr only when it is a terminal)\n"
    "\n"
    "Output:\n"
    "  -f, --format FMT         text (default) or json\n"
    "  -o, --output FILE        write the report to FILE (atomically) instead of stdout\n"
    "  -q, --quiet              no report; only the exit status\n"
    "  -h, --help               this help\n"
    "  -V, --version            the version\n"
    "\n"
    "Exit status:\n"
    "  0  the analysis ran (and every gate given passed)\n"
    "  1  a gate (--require-k, --max-uniques, --require-max-risk, --policy) was not met\n"
    "  2  usage error, or the input could not be read or is malformed\n"
    "  3  internal error (out of memory, report could not be written)\n"
    "\n"
    "Linkage with an identified register (name, postcode, date of birth, sex):\n"
    "  reid-check link --help, and docs/linkage.md.\n"
    "\n"
    "Reports hold aggregates only: no value of any record is printed.\n"
    "Definitions of every figure: docs/metrics.md.\n";

/* The UK's population in ARX's population model (ARXPopulationModel.Region.UK). */
#define UK_POPULATION 63705000u

enum {
    OPT_QI = 256,
    OPT_NO_HEADER,
    OPT_HEADER,
    OPT_MISSING,
    OPT_SKIP_BAD,
    OPT_LENIENT,
    OPT_MAX_FIELD,
    OPT_REQUIRE_K,
    OPT_MAX_UNIQUES,
    OPT_MAX_RISK,
    OPT_POLICY,
    OPT_MAX_MEMORY,
    OPT_CHUNK_SIZE,
    OPT_IO,
    OPT_IO_WINDOW,
    OPT_SAMPLING_FRACTION,
    OPT_POPULATION_SIZE,
    OPT_POPULATION,
    OPT_WEIGHT,
    OPT_RISK_THRESHOLD,
    OPT_MISSING_ANY,
    OPT_SENSITIVE,
    OPT_RECURSIVE_C,
    OPT_SUDA2,
    OPT_SUDA2_MAX,
    OPT_SUDA2_FRACTION,
    OPT_AT_RISK,
    OPT_AT_RISK_VALUES,
    OPT_ATTRIBUTE_RISKS,
    OPT_MAX_SUBSET_SIZE,
    OPT_SUBSET_THRESHOLD,
    OPT_POPULATION_TABLE,
    OPT_GENERALISE,
    OPT_HIERARCHY,
    OPT_WHAT_IF,
    OPT_WHAT_IF_MAX,
    OPT_ID,
    OPT_EVENTS,
    OPT_EVENTS_SAMPLE,
    OPT_SEED,
    OPT_CHECK_PSEUDONYMS,
    OPT_PSEUDONYM_SAMPLE,
    OPT_NHS_RANGE,
    OPT_REVEAL,
    OPT_NO_PROGRESS,
};

static const struct option long_opts[] = {
    {"qi", required_argument, NULL, OPT_QI},
    {"no-header", no_argument, NULL, OPT_NO_HEADER},
    {"header", no_argument, NULL, OPT_HEADER},
    {"delimiter", required_argument, NULL, 'd'},
    {"missing", required_argument, NULL, OPT_MISSING},
    {"missing-matches-any", optional_argument, NULL, OPT_MISSING_ANY},
    {"skip-bad-rows", no_argument, NULL, OPT_SKIP_BAD},
    {"lenient-quotes", no_argument, NULL, OPT_LENIENT},
    {"max-field-size", required_argument, NULL, OPT_MAX_FIELD},
    {"k", required_argument, NULL, 'k'},
    {"require-k", required_argument, NULL, OPT_REQUIRE_K},
    {"max-uniques", required_argument, NULL, OPT_MAX_UNIQUES},
    {"require-max-risk", required_argument, NULL, OPT_MAX_RISK},
    {"policy", required_argument, NULL, OPT_POLICY},
    {"format", required_argument, NULL, 'f'},
    {"output", required_argument, NULL, 'o'},
    {"quiet", no_argument, NULL, 'q'},
    {"threads", required_argument, NULL, 'j'},
    {"max-memory", required_argument, NULL, OPT_MAX_MEMORY},
    {"chunk-size", required_argument, NULL, OPT_CHUNK_SIZE},
    {"io", required_argument, NULL, OPT_IO},
    {"io-window", required_argument, NULL, OPT_IO_WINDOW},
    {"sampling-fraction", required_argument, NULL, OPT_SAMPLING_FRACTION},
    {"population-size", required_argument, NULL, OPT_POPULATION_SIZE},
    {"population", required_argument, NULL, OPT_POPULATION},
    {"weight", required_argument, NULL, OPT_WEIGHT},
    {"risk-threshold", required_argument, NULL, OPT_RISK_THRESHOLD},
    {"sensitive", required_argument, NULL, OPT_SENSITIVE},
    {"recursive-c", required_argument, NULL, OPT_RECURSIVE_C},
    {"suda2", no_argument, NULL, OPT_SUDA2},
    {"suda2-max-msu-size", required_argument, NULL, OPT_SUDA2_MAX},
    {"suda2-dis-fraction", required_argument, NULL, OPT_SUDA2_FRACTION},
    {"at-risk", required_argument, NULL, OPT_AT_RISK},
    {"at-risk-values", no_argument, NULL, OPT_AT_RISK_VALUES},
    {"attribute-risks", no_argument, NULL, OPT_ATTRIBUTE_RISKS},
    {"max-subset-size", required_argument, NULL, OPT_MAX_SUBSET_SIZE},
    {"subset-threshold", required_argument, NULL, OPT_SUBSET_THRESHOLD},
    {"population-table", required_argument, NULL, OPT_POPULATION_TABLE},
    {"generalise", required_argument, NULL, OPT_GENERALISE},
    {"hierarchy", required_argument, NULL, OPT_HIERARCHY},
    {"what-if", optional_argument, NULL, OPT_WHAT_IF},
    {"what-if-max-nodes", required_argument, NULL, OPT_WHAT_IF_MAX},
    {"id", required_argument, NULL, OPT_ID},
    {"events", required_argument, NULL, OPT_EVENTS},
    {"events-sample", required_argument, NULL, OPT_EVENTS_SAMPLE},
    {"seed", required_argument, NULL, OPT_SEED},
    {"check-pseudonyms", required_argument, NULL, OPT_CHECK_PSEUDONYMS},
    {"pseudonym-sample", required_argument, NULL, OPT_PSEUDONYM_SAMPLE},
    {"nhs-range", required_argument, NULL, OPT_NHS_RANGE},
    {"reveal", no_argument, NULL, OPT_REVEAL},
    {"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "reid-check: ");
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'reid-check --help' for more information.\n");
    return EXIT_USAGE_OR_INPUT;
}

/* Built-in population tables are also looked for beside an installed executable:
 * BINDIR/../share/reid-check (a relocated install). */
static int add_exe_data_dir(reid_config *cfg)
{
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 40);
    if (n <= 0) return 0; /* not Linux: the install's and the source tree's directories remain */
    exe[n] = 0;
    char *slash = strrchr(exe, '/');
    if (!slash) return 0;
    strcpy(slash, "/../share/reid-check");
    struct stat st;
    if (stat(exe, &st) != 0 || !S_ISDIR(st.st_mode)) return 0; /* not installed there */
    if (reid_config_add_data_dir(cfg, exe) == REID_OK) return 0;
    fprintf(stderr, "reid-check: out of memory\n");
    return -1;
}

/* "FIRST-LAST", two whole numbers of at most 10 digits, FIRST <= LAST. */
static int parse_nhs_range(const char *s, uint64_t *first, uint64_t *last)
{
    const char *dash = strchr(s, '-');
    if (!dash || dash == s || dash - s > 10 || strlen(dash + 1) > 10) return -1;
    char a[11];
    memcpy(a, s, (size_t)(dash - s));
    a[dash - s] = 0;
    if (cli_parse_u64(a, first) != 0 || cli_parse_u64(dash + 1, last) != 0) return -1;
    return *first <= *last && *last > 0 ? 0 : -1;
}

static int cfg_check(reid_config *cfg, reid_status st)
{
    if (st == REID_OK) return 0;
    fprintf(stderr, "reid-check: %s\n",
            st == REID_ERR_NOMEM ? "out of memory" : reid_config_error(cfg));
    return -1;
}

int cli_parse(int argc, char **argv, cli_options *opts, reid_config *cfg)
{
    memset(opts, 0, sizeof *opts);
    opterr = 0;
    reid_whatif_mode what_if = REID_WHATIF_OFF;
    unsigned long what_if_max = 0;
    int c, has_id = 0, has_events = 0;
    size_t max_subset = 0; /* --max-subset-size, kept for --attribute-risks given after it */
    while ((c = getopt_long(argc, argv, ":d:k:f:o:j:qhV", long_opts, NULL)) != -1) {
        uint64_t u;
        size_t sz;
        double f;
        int d;
        switch (c) {
        case OPT_QI:
            if (cfg_check(cfg, reid_config_set_qis(cfg, optarg))) return EXIT_USAGE_OR_INPUT;
            break;
        case OPT_NO_HEADER:
            reid_config_set_header(cfg, REID_HEADER_NONE);
            break;
        case OPT_HEADER:
            reid_config_set_header(cfg, REID_HEADER_AS_IS);
            break;
        case 'd':
            if (cli_parse_delimiter(optarg, &d) != 0)
                return usage_error("--delimiter takes one character or 'tab', not '%s'", optarg);
            if (cfg_check(cfg, reid_config_set_delimiter(cfg, d))) return EXIT_USAGE_OR_INPUT;
            break;
        case OPT_MISSING:
            if (cfg_check(cfg, reid_config_set_missing(cfg, optarg))) return EXIT_USAGE_OR_INPUT;
            break;
        case OPT_MISSING_ANY:
            f = 1;
            if (optarg && cli_parse_fraction(optarg, &f) != 0)
                return usage_error("--missing-matches-any takes a weight alpha from 0 to 1 "
                                   "(--missing-matches-any=0.5), not '%s'",
                                   optarg);
            if (cfg_check(cfg, reid_config_set_missing_matches_any(cfg, 1, f)))
                return EXIT_USAGE_OR_INPUT;
            break;
        case OPT_SKIP_BAD:
            reid_config_set_skip_bad_rows(cfg, 1);
            break;
        case OPT_LENIENT:
            reid_config_set_strict_quotes(cfg, 0);
            break;
        case OPT_MAX_FIELD:
            if (cli_parse_size(optarg, &sz) != 0)
                return usage_error("--max-field-size takes a size in bytes such as 1M, not '%s'",
                                   optarg);
            reid_config_set_max_field_size(cfg, sz);
            break;
        case 'k':
            if (cli_parse_u64(optarg, &u) != 0 || u < 1)
                return usage_error("-k takes a whole number of at least 1, not '%s'", optarg);
            reid_config_set_k(cfg, u);
            break;
        case OPT_REQUIRE_K:
            if (cli_parse_u64(optarg, &u) != 0 || u < 1)
                return usage_error("--require-k takes a whole number of at least 1, not '%s'",
                                   optarg);
            reid_config_set_require_k(cfg, u);
            break;
        case OPT_MAX_UNIQUES:
            if (cli_parse_fraction(optarg, &f) != 0)
                return usage_error("--max-uniques takes a fraction from 0 to 1 (or a percentage "
                                   "such as 1%%), not '%s'",
                                   optarg);
            reid_config_set_max_uniques(cfg, f);
            break;
        case OPT_MAX_RISK:
            if (cli_parse_fraction(optarg, &f) != 0)
                return usage_error("--require-max-risk takes a risk from 0 to 1 (or a percentage "
                                   "such as 9%%), not '%s'",
                                   optarg);
            reid_config_set_max_risk(cfg, f);
            break;
        case OPT_POLICY:
            if (!*optarg) return usage_error("--policy takes a name: ema, nhs-small-numbers, k=K");
            if (reid_config_set_policy(cfg, optarg) != REID_OK)
                return usage_error("--policy: %s", reid_config_error(cfg));
            break;
        case OPT_SAMPLING_FRACTION:
            if (cli_parse_fraction(optarg, &f) != 0 || f <= 0)
                return usage_error(
                    "--sampling-fraction takes a fraction greater than 0 and at most "
                    "1 (or a percentage such as 1%%), not '%s'",
                    optarg);
            if (cfg_check(cfg, reid_config_set_sampling_fraction(cfg, f)))
                return EXIT_USAGE_OR_INPUT;
            break;
        case OPT_POPULATION_SIZE:
            if (cli_parse_u64(optarg, &u) != 0 || u < 1)
                return usage_error("--population-size takes a whole number of people (at least "
                                   "1), not '%s'",
                                   optarg);
            if (cfg_check(cfg, reid_config_set_population_size(cfg, u))) return EXIT_USAGE_OR_INPUT;
            break;
        case OPT_POPULATION:
            if (strcasecmp(optarg, "uk") != 0)
                return usage_error("--population knows 'uk' (63,705,000 people); for another "
                                   "population give --population-size N, not '%s'",
                                   optarg);
            if (cfg_check(cfg, reid_config_set_population_size(cfg, UK_POPULATION)))
                return EXIT_USAGE_OR_INPUT;
            break;
        case OPT_WEIGHT:
            if (!*optarg) return usage_error("--weight takes a column name (or number)");
            if (cfg_check(cfg, reid_config_set_weight(cfg, optarg))) return EXIT_USAGE_OR_INPUT;
            break;
        case OPT_SENSITIVE:
            if (!*optarg) return usage_error("--sensitive takes a column name (or number)");
            if (cfg_check(cfg, reid_config_add_sensitive(cfg, optarg))) return EXIT_USAGE_OR_INPUT;
            break;
        case OPT_ID:
            if (!*optarg) return usage_error("--id takes a column name (or number)");
            has_id = 1;
            if (cfg_check(cfg, reid_config_set_id(cfg, optarg))) return EXIT_USAGE_OR_INPUT;
            break;
        case OPT_EVENTS:
            if (!*optarg) return usage_error("--events takes column names (COL[,COL...])");
            if (reid_config_set_events(cfg, optarg) != REID_OK)
                return usage_error("--events: %s", reid_config_error(cfg));
            has_events = 1;
            break;
        case OPT_EVENTS_SAMPLE:
            if (cli_parse_u64(optarg, &u) != 0 || u < 1)
                return usage_error("--events-sample takes a whole number of people (at least 1), "
                                   "not '%s'",
                                   optarg);
            reid_config_set_events_sample(cfg, u);
            break;
        case OPT_SEED:
            if (cli_parse_u64(optarg, &u) != 0)
                return usage_error("--seed takes a whole number (0 to 2^64 - 1), not '%s'", optarg);
            reid_config_set_seed(cfg, u);           /* the unicity estimate's draws */
            reid_config_set_pseudonym_seed(cfg, u); /* and the pseudonym sample */
            break;
        case OPT_RECURSIVE_C: {
            char *end;
            double rc = strtod(optarg, &end);
            if (end == optarg || *end || !(rc > 0) || !isfinite(rc))
                return usage_error("--recursive-c takes a number greater than 0 (e.g. 2 or 3.5), "
                                   "not '%s'",
                                   optarg);
            if (cfg_check(cfg, reid_config_set_recursive_c(cfg, rc))) return EXIT_USAGE_OR_INPUT;
            break;
        }
        case OPT_SUDA2:
            reid_config_set_suda2(cfg, 1);
            opts->suda2 = 1;
            break;
        case OPT_SUDA2_MAX:
            if (cli_parse_u64(optarg, &u) != 0 || u < 1 || u > REID_SUDA2_MAX_QIS)
                return usage_error("--suda2-max-msu-size takes a whole number from 1 to %d, not "
                                   "'%s'",
                                   REID_SUDA2_MAX_QIS, optarg);
            reid_config_set_suda2_max_msu_size(cfg, (unsigned)u);
            opts->suda2_option = "--suda2-max-msu-size";
            break;
        case OPT_SUDA2_FRACTION:
            if (cli_parse_fraction(optarg, &f) != 0 || f <= 0)
                return usage_error("--suda2-dis-fraction takes a fraction greater than 0 and at "
                                   "most 1 (or a percentage such as 1%%), not '%s'",
                                   optarg);
            if (cfg_check(cfg, reid_config_set_suda2_dis_fraction(cfg, f)))
                return EXIT_USAGE_OR_INPUT;
            opts->suda2_option = "--suda2-dis-fraction";
            break;
        case OPT_AT_RISK:
            if (!*optarg) return usage_error("--at-risk takes a file name");
            opts->at_risk = optarg;
            reid_config_set_record_positions(cfg, 1);
            break;
        case OPT_AT_RISK_VALUES:
            opts->at_risk_values = 1;
            break;
        case OPT_ATTRIBUTE_RISKS:
            reid_config_set_attribute_risks(cfg, 1, max_subset);
            break;
        case OPT_MAX_SUBSET_SIZE:
            if (cli_parse_u64(optarg, &u) != 0 || u < 1 || u > 1000000)
                return usage_error("--max-subset-size takes a number of columns of at least 1, "
                                   "not '%s'",
                                   optarg);
            max_subset = (size_t)u;
            reid_config_set_attribute_risks(cfg, 1, max_subset);
            break;
        case OPT_SUBSET_THRESHOLD:
            if (cli_parse_fraction(optarg, &f) != 0 || f >= 1)
                return usage_error("--subset-threshold takes a share of the records from 0 to "
                                   "less than 1 (or a percentage such as 5%%), not '%s'",
                                   optarg);
            if (cfg_check(cfg, reid_config_set_subset_threshold(cfg, f)))
                return EXIT_USAGE_OR_INPUT;
            reid_config_set_attribute_risks(cfg, 1, max_subset);
            break;
        case OPT_POPULATION_TABLE:
            if (!*optarg)
                return usage_error("--population-table takes a CSV file or a built-in name "
                                   "(uk-census-2011)");
            if (cfg_check(cfg, reid_config_set_population_table(cfg, optarg)) ||
                add_exe_data_dir(cfg) != 0)
                return EXIT_USAGE_OR_INPUT;
            break;
        case OPT_GENERALISE:
            if (!*optarg) return usage_error("--generalise takes COL=LEVEL,... (e.g. age=5y)");
            if (cfg_check(cfg, reid_config_set_generalise(cfg, optarg))) return EXIT_USAGE_OR_INPUT;
            break;
        case OPT_HIERARCHY: {
            int hr = cli_add_hierarchy(cfg, optarg);
            if (hr) return hr;
            break;
        }
        case OPT_WHAT_IF:
            if (optarg && strcmp(optarg, "all") != 0)
                return usage_error("--what-if takes no value or '=all', not '%s'", optarg);
            what_if = optarg ? REID_WHATIF_ALL : REID_WHATIF_PRUNED;
            break;
        case OPT_WHAT_IF_MAX:
            if (cli_parse_u64(optarg, &u) != 0 || u < 1 || u > 100000000)
                return usage_error("--what-if-max-nodes takes a number from 1 to 100000000, not "
                                   "'%s'",
                                   optarg);
            what_if_max = (unsigned long)u;
            break;
        case OPT_CHECK_PSEUDONYMS:
            if (!*optarg) return usage_error("--check-pseudonyms takes a column name (or number)");
            if (cfg_check(cfg, reid_config_set_pseudonym_check(cfg, optarg)))
                return EXIT_USAGE_OR_INPUT;
            break;
        case OPT_PSEUDONYM_SAMPLE:
            if (cli_parse_u64(optarg, &u) != 0 || u < 1 || u > 1000000)
                return usage_error("--pseudonym-sample takes a number from 1 to 1000000, not '%s'",
                                   optarg);
            reid_config_set_pseudonym_sample(cfg, u);
            break;
        case OPT_NHS_RANGE: {
            uint64_t lo, hi;
            if (parse_nhs_range(optarg, &lo, &hi) != 0)
                return usage_error("--nhs-range takes FIRST-LAST, two NHS numbers of up to 10 "
                                   "digits with FIRST <= LAST (e.g. 9990000000-9990099999), not "
                                   "'%s'",
                                   optarg);
            if (cfg_check(cfg, reid_config_set_nhs_range(cfg, lo, hi))) return EXIT_USAGE_OR_INPUT;
            break;
        }
        case OPT_REVEAL:
            reid_config_set_pseudonym_reveal(cfg, 1);
            break;
        case OPT_NO_PROGRESS:
            opts->no_progress = 1;
            break;
        case OPT_RISK_THRESHOLD:
            if (cli_parse_fraction(optarg, &f) != 0)
                return usage_error("--risk-threshold takes a risk from 0 to 1 (or a percentage "
                                   "such as 10%%), not '%s'",
                                   optarg);
            if (cfg_check(cfg, reid_config_set_risk_threshold(cfg, f))) return EXIT_USAGE_OR_INPUT;
            break;
        case 'f':
            if (strcmp(optarg, "json") == 0)
                opts->json = 1;
            else if (strcmp(optarg, "text") == 0)
                opts->json = 0;
            else
                return usage_error("--format is text or json, not '%s'", optarg);
            break;
        case 'o':
            opts->output = optarg;
            break;
        case OPT_MAX_MEMORY:
            if (cli_parse_size(optarg, &sz) != 0)
                return usage_error("--max-memory takes a size such as 4G or 500M, not '%s'",
                                   optarg);
            reid_config_set_max_memory(cfg, sz);
            break;
        case OPT_CHUNK_SIZE:
            if (strcmp(optarg, "0") == 0)
                sz = 0;
            else if (cli_parse_size(optarg, &sz) != 0)
                return usage_error("--chunk-size takes a size in bytes such as 1M or 0, not '%s'",
                                   optarg);
            reid_config_set_chunk_size(cfg, (size_t)sz);
            break;
        case OPT_IO:
            if (strcmp(optarg, "auto") == 0)
                opts->io_mode = CLI_IO_AUTO;
            else if (strcmp(optarg, "map") == 0)
                opts->io_mode = CLI_IO_MAP;
            else if (strcmp(optarg, "read") == 0)
                opts->io_mode = CLI_IO_READ;
            else
                return usage_error("--io takes auto, map or read, not '%s'", optarg);
            break;
        case OPT_IO_WINDOW:
            if (cli_parse_size(optarg, &sz) != 0 || sz == 0 || sz % 65536 != 0 ||
                sz > ((uint64_t)1 << 40))
                return usage_error(
                    "--io-window takes a size that is a multiple of 64K such as 32M, not '%s'",
                    optarg);
            opts->io_window = (size_t)sz;
            break;
        case 'j':
            if (cli_parse_u64(optarg, &u) != 0 || u < 1 || u > 1024)
                return usage_error("--threads takes a number from 1 to 1024, not '%s'", optarg);
            reid_config_set_threads(cfg, (unsigned)u);
            break;
        case 'q':
            opts->quiet = 1;
            break;
        case 'h':
            fputs(usage_text, stdout);
            return 0;
        case 'V':
            printf("reid-check %s\n", reid_version());
            return 0;
        case ':':
            if (optopt && optopt < 256) return usage_error("option '-%c' needs a value", optopt);
            return usage_error("option '%s' needs a value", argv[optind - 1]);
        default:
            if (optopt) return usage_error("unknown option '-%c'", optopt);
            return usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (opts->at_risk_values && !opts->at_risk)
        return usage_error("--at-risk-values needs --at-risk FILE (the file the values go to)");
    if (opts->at_risk && !opts->suda2)
        return usage_error("--at-risk needs --suda2 (the records listed are those with a SUDA "
                           "score)");
    if (opts->suda2_option && !opts->suda2)
        return usage_error("%s needs --suda2", opts->suda2_option);
    if (what_if_max && !what_if) return usage_error("--what-if-max-nodes needs --what-if");
    reid_config_set_what_if(cfg, what_if, what_if_max);
    if (has_events && !has_id)
        return usage_error("--events needs --id COL, the pseudonym column: a trail is the events "
                           "of one person");
    if (optind >= argc) return usage_error("%s", "no input file given (use - for standard input)");
    if (optind + 1 < argc)
        return usage_error("only one input file is analysed at a time; got also '%s'",
                           argv[optind + 1]);
    opts->input = argv[optind];
    return -1;
}
