/*
 * reid.h - libreid, the library behind reid-check: how easily can people be
 * re-identified in a "pseudonymised" data extract?
 *
 * This header is the library's only public interface and its manual.
 *
 * ---------------------------------------------------------------------------
 * What it does
 * ---------------------------------------------------------------------------
 * libreid reads a CSV extract as a stream of bytes, takes the chosen
 * quasi-identifier (QI) columns of every record, normalises their values
 * (trimming, UK postcode canonical form, dates to ISO 8601, missing values),
 * and counts identical QI tuples. Each distinct tuple is an *equivalence
 * class*; from the class sizes it derives k-anonymity, sample uniques and the
 * prosecutor-model risk measures, and, when the extract is a sample of a
 * population of known size, estimates of the population uniques. Definitions
 * of every figure, with formulas and references: docs/metrics.md and
 * docs/population.md.
 *
 * Memory grows with the number of distinct values and classes, never with the
 * number of records: a 100 M-record file is read in constant memory apart
 * from the tables.
 *
 * ---------------------------------------------------------------------------
 * Typical use
 * ---------------------------------------------------------------------------
 *
 *     reid_config *cfg = reid_config_new();
 *     if (reid_config_set_qis(cfg, "postcode,age,diagnosis") != REID_OK)
 *         fprintf(stderr, "%s\n", reid_config_error(cfg));
 *     reid_analysis *a = reid_analysis_new(cfg, "extract.csv");
 *     while ((n = read(fd, buf, sizeof buf)) > 0)
 *         if (reid_feed(a, buf, (size_t)n) != REID_OK) break;
 *     if (reid_status_of(a) == REID_OK) reid_finish(a);
 *     if (reid_status_of(a) != REID_OK)
 *         fprintf(stderr, "%s\n", reid_error_message(a));
 *     else
 *         reid_write_json(a, stdout);
 *     reid_analysis_free(a);
 *     reid_config_free(cfg);
 *
 * ---------------------------------------------------------------------------
 * Rules
 * ---------------------------------------------------------------------------
 * - No global state. A handle is used by one thread at a time; different
 *   handles may be used by different threads at once.
 * - The library never prints, never exits and never touches the network.
 *   Every function that can fail returns a reid_status and leaves a
 *   human-readable message naming the source, line and column
 *   (reid_error_message). Once an analysis has failed, every later call on it
 *   returns the same status.
 * - Privacy: the report writers print aggregates only. The values of small
 *   classes are never written by them. reid_classes_foreach gives a caller
 *   the tuples; what it does with them is its own responsibility.
 */
#ifndef REID_H
#define REID_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(REID_BUILDING_LIBRARY) && defined(__GNUC__)
#define REID_API __attribute__((visibility("default")))
#else
#define REID_API
#endif

#define REID_VERSION_MAJOR 0
#define REID_VERSION_MINOR 1
#define REID_VERSION_PATCH 0
#define REID_VERSION_STRING "0.1.0"

/** The library's version string, e.g. "0.1.0" (may differ from the header's at run time). */
REID_API const char *reid_version(void);

/* ========================================================================= */
/* Status                                                                    */
/* ========================================================================= */

typedef enum reid_status {
    REID_OK = 0,
    REID_ERR_INPUT = 1,  /**< the input data is malformed (message names line and column) */
    REID_ERR_CONFIG = 2, /**< a setting is invalid, or names a column that does not exist */
    REID_ERR_NOMEM = 3,  /**< out of memory (or over the configured memory limit) */
    REID_ERR_IO = 4,     /**< a report could not be written */
    REID_ERR_STATE = 5   /**< a call made in the wrong order (e.g. reid_feed after reid_finish) */
} reid_status;

/** A short English name for a status ("input error", ...). Never NULL. */
REID_API const char *reid_status_name(reid_status s);

/* ========================================================================= */
/* Configuration                                                             */
/* ========================================================================= */

/** Opaque configuration. Create, set, pass to reid_analysis_new (which copies it), free. */
typedef struct reid_config reid_config;

/** How a QI column's values are normalised before they are compared. */
typedef enum reid_qi_type {
    REID_TYPE_AUTO = 0, /**< decide from the column name (see docs/normalisation.md) */
    REID_TYPE_TEXT,     /**< trimmed, compared exactly (case-sensitive) */
    REID_TYPE_POSTCODE, /**< UK postcode: upper case, canonical "SW1A 1AA" form */
    REID_TYPE_DATE,     /**< date: 31/01/1970, 1970-01-31, 31-Jan-1970 ... read as ISO 1970-01-31 */
    REID_TYPE_AGE,      /**< whole number: leading zeros dropped ("042" = "42") */
    REID_TYPE_SEX,      /**< trimmed, case-insensitive ("male" = "Male") */
    REID_TYPE_CODE /**< classification code (ICD-10): upper case, dots removed ("a09.9" = "A099") */
} reid_qi_type;

/** Name of a type ("text", "postcode", ...) or NULL; and the reverse (REID_TYPE_AUTO if unknown).
 */
REID_API const char *reid_qi_type_name(reid_qi_type t);
REID_API int reid_qi_type_from_name(const char *name, reid_qi_type *out);

/** A new configuration with the defaults below, or NULL when out of memory. */
REID_API reid_config *reid_config_new(void);
REID_API void reid_config_free(reid_config *cfg);

/** Message of the last failed setter on cfg ("" if none). */
REID_API const char *reid_config_error(const reid_config *cfg);

/**
 * The quasi-identifiers, as a comma-separated list of column names, each
 * optionally followed by ":type" (e.g. "postcode,dob:date,diag:code").
 * Names match the header case-insensitively after trimming spaces. Without a
 * header, give 1-based column numbers ("2,4,5"). An empty or NULL list (the
 * default) asks for auto-detection from the header names.
 */
REID_API reid_status reid_config_set_qis(reid_config *cfg, const char *list);

/** Whether the first row is a header (default 1). Without one, QIs must be column numbers. */
REID_API reid_status reid_config_set_header(reid_config *cfg, int has_header);

/**
 * The field delimiter; 0 (the default) sniffs it from the first lines among
 * ',' ';' TAB and '|'. Any single byte other than '"', CR, LF and NUL.
 */
REID_API reid_status reid_config_set_delimiter(reid_config *cfg, int delimiter);

/**
 * Values that mean "missing", a comma-separated list compared
 * case-insensitively after trimming. The default is "NA,N/A,NULL,?". An empty
 * field is always missing. A missing value is counted as one value of its own
 * (all spellings alike), unless reid_config_set_missing_matches_any makes it
 * a wildcard, and reported per column.
 */
REID_API reid_status reid_config_set_missing(reid_config *cfg, const char *list);

/**
 * "Missing matches anything" (docs/missing-wildcard.md): with on != 0, a
 * missing QI value is a wildcard, by sdcMicro's freqCalc() rule
 * (PEER-FORMULAS.md 1.1). Each record's frequency fk counts the records its
 * key could be: a complete record counts the records that agree with it
 * wherever they have a value (partly-missing ones times alpha, all-missing
 * ones not at all); a partly-missing record counts the complete records that
 * agree with it in full and the other missing-holding records that agree
 * wherever both have a value times alpha; an all-missing record gets fk = n.
 * With a single QI, a complete value counts the missing records times alpha.
 * alpha is in [0, 1] (1 in sdcMicro by default); with alpha < 1, fk can be
 * fractional. k-anonymity, uniques, the histogram, the prosecutor risks and
 * the individual risk are then computed from fk (docs/metrics.md). Off (the
 * default): a missing value is a value of its own ("own_value").
 */
REID_API reid_status reid_config_set_missing_matches_any(reid_config *cfg, int on, double alpha);

/** The k threshold for "records at risk" (records in classes smaller than k). Default 5. */
REID_API reid_status reid_config_set_k(reid_config *cfg, uint64_t k);

/**
 * Release gate: fail (reid_gate_passed() == 0) unless k-anonymity >= k. 0 = no such gate.
 * A value set here overrides a policy's (reid_config_set_policy), whatever the order.
 */
REID_API reid_status reid_config_set_require_k(reid_config *cfg, uint64_t k);

/** Release gate: fail if the fraction of sample-unique records exceeds f (0..1). <0 = none.
 * Overrides a policy's value, whatever the order. */
REID_API reid_status reid_config_set_max_uniques(reid_config *cfg, double f);

/**
 * Release gate: fail if the highest prosecutor risk 1/k exceeds r (0..1). <0 = none.
 * Overrides a policy's value, whatever the order.
 */
REID_API reid_status reid_config_set_max_risk(reid_config *cfg, double r);

/**
 * A release policy: a named set of gate thresholds (docs/policies.md).
 *   "ema"               highest prosecutor risk <= 1/11, the guidance's 0.09: classes of 11 or more
 *                       (EMA Policy 0070 / Health Canada)
 *   "nhs-small-numbers" k >= 8 (NHS Digital HES disclosure control: counts 1 to 7 suppressed)
 *   "k=K"               k >= K (K a whole number, at least 1)
 * The names are case-insensitive. A threshold set by reid_config_set_require_k,
 * reid_config_set_max_uniques or reid_config_set_max_risk (before or after) keeps its
 * value; the policy sets the others. A second policy replaces the first; NULL or ""
 * removes it. An unknown name is REID_ERR_CONFIG (the message lists the names).
 */
REID_API reid_status reid_config_set_policy(reid_config *cfg, const char *name);

/** Where a gate threshold came from. */
typedef enum reid_gate_from {
    REID_GATE_NONE = 0, /**< not set */
    REID_GATE_OPTION,   /**< set directly (reid_config_set_require_k & co., --require-k & co.) */
    REID_GATE_POLICY    /**< set by the policy (reid_config_set_policy, --policy) */
} reid_gate_from;

/**
 * Malformed rows (wrong number of fields, bad quoting, invalid UTF-8 in a QI
 * column) are an error by default; with skip set they are counted in
 * skipped_rows and left out of every figure.
 */
REID_API reid_status reid_config_set_skip_bad_rows(reid_config *cfg, int skip);

/** Largest field accepted, in bytes (default 1 MiB). A longer field is an input error. */
REID_API reid_status reid_config_set_max_field_size(reid_config *cfg, size_t bytes);

/**
 * Quote handling. Strict (the default, RFC 4180): a quote inside an unquoted
 * field or text after a closing quote is an input error. Lenient: such
 * quotes are kept as ordinary characters.
 */
REID_API reid_status reid_config_set_strict_quotes(reid_config *cfg, int strict);

/**
 * Threads (default 0 = one per core). With 2 or more, records are counted on
 * a second thread while the caller's thread parses (docs/design.md). Every
 * figure is identical for every thread count.
 */
REID_API reid_status reid_config_set_threads(reid_config *cfg, unsigned threads);

/**
 * The input's size in bytes, when known (a regular file). Used only to size
 * the class table ahead: after the first 65,536 records the number of
 * records, and from them of classes, is estimated, and the table is made
 * that large at once instead of doubling its way there. 0 (the default) =
 * unknown. Never changes a result.
 */
REID_API reid_status reid_config_set_input_size(reid_config *cfg, uint64_t bytes);

/**
 * Most bytes the dictionaries and the class table may hold (0, the default,
 * = no limit). The table refuses to grow past it, and the analysis stops with
 * REID_ERR_NOMEM and a message naming the limit, instead of letting the
 * machine run out of memory.
 */
REID_API reid_status reid_config_set_max_memory(reid_config *cfg, uint64_t bytes);

/**
 * From the sample to the population (docs/population.md). When the extract
 * is a sample of a larger population, say how large: either the population
 * size N, or the sampling fraction F (the share of the population the
 * extract holds; then N = n / F rounded to the nearest whole number, as ARX
 * does). reid_population_get() then estimates how many people are unique in
 * the population on the QIs (models of Zayatz, Pitman and SNB, and Dankar et
 * al.'s choice among them). Each setter replaces the other.
 *
 * The population size must be at least 1; reid_finish fails with
 * REID_ERR_CONFIG when it is smaller than the number of records read.
 */
REID_API reid_status reid_config_set_population_size(reid_config *cfg, uint64_t N);

/** The sampling fraction F, 0 < F <= 1 (F = 1: the extract is the whole population). */
REID_API reid_status reid_config_set_sampling_fraction(reid_config *cfg, double F);

/**
 * Sampling weights (docs/individual-risk.md). column names the column that
 * holds each record's sampling weight: the number of people in the
 * population the record stands for (name, matched like the QIs; a 1-based
 * number without a header). NULL or "" (the default) = no weights. The
 * column must not also be a QI (reid_analysis_new's first rows then fail with
 * REID_ERR_CONFIG). A weight must be a finite decimal number greater than 0
 * ("1", "25.5", "1e3"); anything else, an empty or missing one included, makes
 * the row malformed (an input error naming line and column, or a skipped row
 * with reid_config_set_skip_bad_rows). reid_individual_risk_get() then gives
 * the per-record risks of Benedetti and Franconi, as sdcMicro computes them.
 */
REID_API reid_status reid_config_set_weight(reid_config *cfg, const char *column);

/** Default of reid_config_set_risk_threshold. */
#define REID_DEFAULT_RISK_THRESHOLD 0.1

/**
 * With weights: records whose individual risk is strictly above t (0..1) are
 * counted in reid_individual_risk.records_above_threshold. Default 0.1.
 */
REID_API reid_status reid_config_set_risk_threshold(reid_config *cfg, double t);

/**
 * Sensitive-attribute disclosure (docs/sensitive.md). Adds a sensitive column
 * (name, matched like the QIs; a 1-based number without a header); call once
 * per column. For each, reid_sensitive_get() gives over the QI classes:
 * distinct l, entropy l, recursive (c, l), t-closeness, (alpha, k), basic and
 * enhanced beta-likeness, delta-disclosure, and the records in classes whose
 * sensitive value is the same for everyone. A sensitive column must not also
 * be a QI or the weight column (reid_analysis_new's first rows then fail with
 * REID_ERR_CONFIG). Values are trimmed and compared as bytes; every missing
 * spelling is one category "missing". REID_ERR_CONFIG if the name is empty or
 * given twice.
 */
REID_API reid_status reid_config_add_sensitive(reid_config *cfg, const char *column);

/** Default of reid_config_set_recursive_c. */
#define REID_DEFAULT_RECURSIVE_C 2.0

/** The c of recursive (c, l)-diversity (Machanavajjhala et al.), a number > 0. Default 2. */
REID_API reid_status reid_config_set_recursive_c(reid_config *cfg, double c);

/**
 * Pseudonym reversal check (docs/pseudonyms.md). column names the column of
 * pseudonyms (name, matched like the QIs; a 1-based number without a header);
 * NULL or "" (the default) = no check. While the file is read, a seeded
 * uniform sample of the column's distinct values is kept (bottom-k: the values
 * with the smallest seeded hashes; missing values are left out). At
 * reid_finish the sample's format is detected (an NHS number, base64 or hex of
 * one, or an MD5, SHA-1, SHA-256 or SHA-512 digest in hex or base64, or a
 * truncated hex digest) and, for digests, every valid NHS number (ten digits,
 * modulus-11 check digit) is hashed, written "nnnnnnnnnn" and "nnn nnn nnnn",
 * on reid_config_set_threads threads, most likely ranges first, until every
 * sampled digest is found or the space is exhausted. reid_pseudonyms_get()
 * gives the result. Without this setting nothing is sampled and nothing costs.
 * reid_merge does not combine samples: the merged analysis keeps dst's result.
 */
REID_API reid_status reid_config_set_pseudonym_check(reid_config *cfg, const char *column);

/** Default of reid_config_set_pseudonym_sample. */
#define REID_DEFAULT_PSEUDONYM_SAMPLE 1000

/** Distinct pseudonyms sampled, 1 to 1,000,000 (default 1,000). */
REID_API reid_status reid_config_set_pseudonym_sample(reid_config *cfg, uint64_t n);

/** Seed of the pseudonym sample (default 1): the same seed, the same sample. */
REID_API reid_status reid_config_set_pseudonym_seed(reid_config *cfg, uint64_t seed);

/**
 * Search only the NHS numbers from first to last (10-digit numbers, both
 * inclusive, first <= last <= 9,999,999,999), in ascending order, instead of
 * the whole space; 0, 0 (the default) = the whole space. For tests and for a
 * quick look at one range.
 */
REID_API reid_status reid_config_set_nhs_range(reid_config *cfg, uint64_t first, uint64_t last);

/**
 * Progress of the NHS-number search: called on the thread that called
 * reid_finish, about ten times a second while it runs and once at its end, with
 * the 9-digit stems searched so far (done) out of those in scope (total) and
 * the seconds since it began. NULL (the default) = no calls. The library draws
 * nothing: the caller decides (reid-check draws a bar on a terminal).
 */
typedef void (*reid_progress_fn)(uint64_t done, uint64_t total, double seconds, void *user);
REID_API reid_status reid_config_set_pseudonym_progress(reid_config *cfg, reid_progress_fn fn,
                                                        void *user);

/**
 * Whether the report writers print the NHS numbers found (default 0: never;
 * only how many). reid_pseudonym_reversal gives them to the caller either way.
 */
REID_API reid_status reid_config_set_pseudonym_reveal(reid_config *cfg, int reveal);

/* ========================================================================= */
/* Analysis                                                                  */
/* ========================================================================= */

/** Opaque analysis: the reader, the dictionaries and the class table of one input. */
typedef struct reid_analysis reid_analysis;

/**
 * A new analysis using a copy of cfg. source_name is used in messages only
 * (e.g. the file name, or "<stdin>"); NULL means "<input>". NULL when out of
 * memory.
 */
REID_API reid_analysis *reid_analysis_new(const reid_config *cfg, const char *source_name);
REID_API void reid_analysis_free(reid_analysis *a);

/**
 * Feed the next len bytes of the CSV. Any chunk size works, down to one byte:
 * the bytes may come from a file, a pipe, a socket or a decompressor.
 */
REID_API reid_status reid_feed(reid_analysis *a, const void *buf, size_t len);

/** End of input: flushes the last record, checks the input was complete, computes the figures. */
REID_API reid_status reid_finish(reid_analysis *a);

/** The analysis' status: REID_OK, or the error that stopped it. */
REID_API reid_status reid_status_of(const reid_analysis *a);

/**
 * The message of the error that stopped the analysis, e.g.
 * "extract.csv: line 12, column 3 (postcode): invalid UTF-8"; "" when none.
 */
REID_API const char *reid_error_message(const reid_analysis *a);

/** Line (1-based) and column (1-based field number) of the error; 0 when not applicable. */
REID_API uint64_t reid_error_line(const reid_analysis *a);
REID_API uint64_t reid_error_column(const reid_analysis *a);

/**
 * Add src's records to dst. Both must be finished, without error, over the
 * same QIs (same names and types, in the same order). Values are matched
 * through the dictionaries, so the two may have been built independently (two
 * shards of one extract, or two threads). dst's figures are recomputed; src
 * is unchanged.
 */
REID_API reid_status reid_merge(reid_analysis *dst, const reid_analysis *src);

/* ========================================================================= */
/* Results (valid after a successful reid_finish)                            */
/* ========================================================================= */

/** Number of class-size buckets in reid_summary.buckets: 1, 2, 3, 4, 5-9, 10-19, 20-49, 50-99,
 * 100+. */
#define REID_NBUCKETS 9

/**
 * The headline figures. Notation (docs/metrics.md): n records, u classes,
 * f_c the size of class c, K the threshold (reid_config_set_k).
 * With "missing matches anything" (reid_config_set_missing_matches_any) every
 * record i has a frequency fk_i instead (docs/metrics.md, "Missing values"):
 * classes counts the distinct QI tuples; min_size = floor(min fk_i);
 * max_size = floor(max fk_i); mean_size = mean of fk_i over the records;
 * uniques = #{fk_i < 2}; records_at_risk = #{fk_i < K}; prosecutor_highest
 * = 1 / min fk_i, held by highest_risk_records; prosecutor_average = mean of
 * 1 / fk_i; the buckets hold the tuples (and their records) by floor(fk).
 * Fields may be added at the end in later versions; the struct is owned by
 * the analysis.
 */
typedef struct reid_summary {
    uint64_t records;                /**< n: records counted (data rows, not the header) */
    uint64_t skipped_rows;           /**< malformed rows skipped (reid_config_set_skip_bad_rows) */
    uint64_t classes;                /**< u: equivalence classes (distinct QI tuples) */
    uint64_t min_size;               /**< k = min f_c: the extract is k-anonymous */
    uint64_t max_size;               /**< max f_c */
    double mean_size;                /**< n / u */
    uint64_t uniques;                /**< sample uniques: records in classes of size 1 (= c_1) */
    double uniques_fraction;         /**< uniques / n */
    uint64_t threshold_k;            /**< K */
    uint64_t records_at_risk;        /**< records in classes smaller than K (risk 1/f_c > 1/K) */
    double records_at_risk_fraction; /**< records_at_risk / n */
    double prosecutor_highest;       /**< 1 / k */
    uint64_t highest_risk_records;   /**< records in classes of size k: k x (classes of size k) */
    double prosecutor_average;       /**< u / n: average risk, = marketer risk if the extract is the
                                        population */
    uint64_t bucket_classes[REID_NBUCKETS]; /**< classes per size bucket */
    uint64_t bucket_records[REID_NBUCKETS]; /**< records per size bucket */
    double elapsed_seconds;                 /**< wall time from reid_analysis_new to reid_finish */
    uint64_t peak_rss_bytes; /**< the process' peak resident memory at reid_finish (0 if unknown) */
    uint64_t table_bytes;    /**< memory held by the dictionaries and the class table */
} reid_summary;

/** The figures, or NULL before a successful reid_finish. */
REID_API const reid_summary *reid_summary_get(const reid_analysis *a);

/** Lower bound of bucket i (1, 2, 3, 4, 5, 10, 20, 50, 100) and its upper bound (UINT64_MAX for
 * 100+). */
REID_API uint64_t reid_bucket_low(int i);
REID_API uint64_t reid_bucket_high(int i);

/** One entry of the exact class-size histogram: classes of exactly `size` records. */
typedef struct reid_hist_entry {
    uint64_t size;
    uint64_t classes;
} reid_hist_entry;

/** The exact histogram, ascending by size; *count receives its length. NULL before finish. */
REID_API const reid_hist_entry *reid_histogram(const reid_analysis *a, size_t *count);

/** The delimiter in use (sniffed or given), or 0 before it is known. */
REID_API int reid_input_delimiter(const reid_analysis *a);

/** Number of columns in the input (the header's, or the first row's without a header). */
REID_API size_t reid_input_columns(const reid_analysis *a);

/** Number of quasi-identifiers chosen. */
REID_API size_t reid_qi_count(const reid_analysis *a);

/** Facts about QI i (0-based, in the order of the key tuple). */
typedef struct reid_qi_info {
    const char *name;  /**< the header name (or "column N" without a header) */
    size_t column;     /**< 1-based column number in the input */
    reid_qi_type type; /**< normaliser in use */
    const char
        *reason; /**< why it was chosen, e.g. "given with --qi", "name looks like a postcode" */
    uint64_t distinct; /**< distinct non-missing values */
    uint64_t missing;  /**< records where it is missing */
    uint64_t
        unrecognised; /**< values the type's normaliser could not read (kept as trimmed text) */
} reid_qi_info;

/** Fill *out for QI i; REID_ERR_STATE if i is out of range or the QIs are not known yet. */
REID_API reid_status reid_qi_get(const reid_analysis *a, size_t i, reid_qi_info *out);

/**
 * Columns recognised by name but not used as QIs (e.g. admission dates, which
 * are event data, or a direct identifier such as an NHS number). For i in
 * 0..reid_noted_count()-1: name and note. Reports list them so the user can
 * decide.
 */
REID_API size_t reid_noted_count(const reid_analysis *a);
REID_API const char *reid_noted_name(const reid_analysis *a, size_t i);
REID_API const char *reid_noted_note(const reid_analysis *a, size_t i);

/** Threads the analysis uses (the configured number, or the number of cores). */
REID_API unsigned reid_threads(const reid_analysis *a);

/**
 * Rule used for missing values: "own_value" (a missing value is one value of
 * its own, the default) or "matches_any" (reid_config_set_missing_matches_any).
 */
REID_API const char *reid_missing_rule(const reid_analysis *a);

/** With "matches_any": the weight alpha of partly-missing matches; 1 otherwise. */
REID_API double reid_missing_alpha(const reid_analysis *a);

/**
 * One entry of the histogram of the wildcard frequencies ("matches_any"):
 * the patterns (distinct QI tuples) whose frequency is exactly fk, and the
 * records they hold. fk is a whole number unless alpha < 1.
 */
typedef struct reid_fk_entry {
    double fk;
    uint64_t patterns;
    uint64_t records;
} reid_fk_entry;

/**
 * The histogram of the wildcard frequencies, ascending by fk; *count gets its
 * length. NULL (and 0) unless the rule is "matches_any", or before finish.
 * (reid_histogram keeps giving the exact-match classes, which the population
 * models use.)
 */
REID_API const reid_fk_entry *reid_fk_histogram(const reid_analysis *a, size_t *count);

/** The first skipped row's message ("" if none skipped): tells the user what was wrong. */
REID_API const char *reid_first_skip_message(const reid_analysis *a);

/**
 * Call fn once per equivalence class with the QI value ids of the class (one
 * per QI, in QI order) and its size. Stops early if fn returns nonzero.
 * Value id 0 is always "missing". reid_value gives the text of an id.
 * The values of a small class identify people: handle them with care.
 */
typedef int (*reid_class_fn)(const uint32_t *ids, uint64_t size, void *user);
REID_API reid_status reid_classes_foreach(const reid_analysis *a, reid_class_fn fn, void *user);

/** The normalised text of value id of QI qi, or NULL if out of range; *len gets its length. */
REID_API const char *reid_value(const reid_analysis *a, size_t qi, uint32_t id, size_t *len);

/* ========================================================================= */
/* Population uniqueness (docs/population.md)                                */
/* ========================================================================= */

/** The models that estimate population uniques from a sample. */
typedef enum reid_pop_model {
    REID_POP_NONE = 0, /**< no model needed: the sample has no uniques, so 0 are estimated */
    REID_POP_ZAYATZ,   /**< Zayatz (1991): closed form */
    REID_POP_PITMAN,   /**< Pitman (1996) / Hoshino (2001): maximum-likelihood fit */
    REID_POP_SNB       /**< slide negative binomial, Chen and Keller-McNulty (1998): fit */
} reid_pop_model;

/** "none", "zayatz", "pitman", "snb" (NULL for an unknown value). */
REID_API const char *reid_pop_model_name(reid_pop_model m);

/** One model's estimate. */
typedef struct reid_pop_estimate {
    int available;       /**< 1 if the model gave an estimate; 0 if its fit did not converge
                              (or gave no number > 0) */
    double uniques;      /**< estimated population uniques; NaN when not available (never 0),
                              0 for every model when the sample has no uniques */
    double fraction;     /**< uniques / N; NaN when not available */
    double param[2];     /**< fitted parameters: Pitman (theta, alpha), SNB (alpha, beta);
                              Zayatz: (P(population-unique | sample-unique), 0) */
    unsigned iterations; /**< Newton-Raphson evaluations, over every start (0 for Zayatz) */
    unsigned starts;     /**< starting points tried (0 for Zayatz) */
} reid_pop_estimate;

/**
 * Population uniqueness. Notation: n records, N the population size,
 * pi = n / N the sampling fraction, c_1 the sample uniques. Fields may be
 * added at the end in later versions; the struct is owned by the analysis.
 */
typedef struct reid_population {
    uint64_t size;               /**< N */
    double sampling_fraction;    /**< pi = n / N */
    uint64_t sample_uniques;     /**< c_1 */
    reid_pop_estimate zayatz;    /**< Zayatz's model */
    reid_pop_estimate pitman;    /**< Pitman's model */
    reid_pop_estimate snb;       /**< the SNB model */
    double snb_classes;          /**< K: non-empty classes in the population estimated for SNB */
    reid_pop_model dankar_model; /**< Dankar et al.'s choice (REID_POP_NONE when c_1 = 0) */
    int dankar_available;        /**< 1 unless the chosen model itself failed */
    double dankar_uniques;       /**< the chosen model's estimate (0 when c_1 = 0; NaN if none) */
    double dankar_fraction;      /**< dankar_uniques / N */
} reid_population;

/**
 * The population estimates, or NULL when neither a population size nor a
 * sampling fraction was configured, or before a successful reid_finish.
 */
REID_API const reid_population *reid_population_get(const reid_analysis *a);

/* ========================================================================= */
/* Individual risk with sampling weights (docs/individual-risk.md)           */
/* ========================================================================= */

/** Number of risk bands in reid_individual_risk.band_records. */
#define REID_RISK_NBANDS 6

/**
 * Lower and upper bound of risk band i: [0, 0.01), [0.01, 0.05), [0.05, 0.1),
 * [0.1, 0.2), [0.2, 0.5), [0.5, inf). A band holds low <= r < high. The last
 * band's upper bound is INFINITY: a risk is at most 1 unless some class'
 * weights add up to less than its number of records (see the docs).
 */
REID_API double reid_risk_band_low(int i);
REID_API double reid_risk_band_high(int i);

/**
 * Per-record re-identification risk from sampling weights, by Benedetti and
 * Franconi's approximation exactly as sdcMicro's measure_risk()/indivRisk()
 * compute it. For a record in a class of f records whose weights add up to
 * F: p = f / F; r = p/(1-p) ln(1/p) when f = 1, p/(1-p) - (p/(1-p))^2 ln(1/p)
 * when f = 2, p / (f - (1 - p)) when f > 2, and 1/f wherever F = f. Fields may
 * be added at the end in later versions; the struct is owned by the analysis.
 */
typedef struct reid_individual_risk {
    const char *weight_column;         /**< the weight column's name */
    double total_weight;               /**< sum of the weights: the population they stand for */
    double threshold;                  /**< reid_config_set_risk_threshold */
    double expected_reidentifications; /**< sum of r over the records (sdcMicro global_risk_ER) */
    double global_risk;                /**< expected_reidentifications / n (sdcMicro global_risk) */
    double max;                        /**< the highest r of any record */
    uint64_t max_records;              /**< records at that highest risk */
    uint64_t records_above_threshold;  /**< records with r > threshold (strictly) */
    double records_above_threshold_fraction; /**< records_above_threshold / n */
    uint64_t band_records[REID_RISK_NBANDS]; /**< records per risk band (reid_risk_band_low) */
} reid_individual_risk;

/** The individual risks, or NULL when no weight column was configured or before a successful
 * reid_finish. */
REID_API const reid_individual_risk *reid_individual_risk_get(const reid_analysis *a);

/* ========================================================================= */
/* Sensitive-attribute disclosure (docs/sensitive.md)                        */
/* ========================================================================= */

/**
 * The disclosure measures of one sensitive column over the QI classes (exact
 * matches, also with "matches_any"). For a class E and value s: q_s(E) =
 * n_s(E) / |E|; p_s = the share of s in the whole extract. Fields may be added
 * at the end in later versions; the struct is owned by the analysis.
 */
typedef struct reid_sensitive {
    const char *column;           /**< the column's name */
    uint64_t values;              /**< distinct values (the "missing" category included) */
    uint64_t missing;             /**< records whose value is missing (one category "missing") */
    int numeric;                  /**< 1: every value is a number (t uses the ordered distance) */
    uint64_t l_distinct;          /**< min over classes of the number of distinct values */
    double l_entropy;             /**< min over classes of exp(-sum q ln q) (a real number) */
    double recursive_c;           /**< the c used (reid_config_set_recursive_c) */
    uint64_t recursive_l;         /**< the largest l for which every class is (c, l)-diverse */
    double t_closeness;           /**< max over classes of the EMD between q(E) and p */
    double alpha;                 /**< (alpha, k): max over classes and values of q_s(E) */
    double beta_basic;            /**< max over classes and values of (q_s - p_s) / p_s */
    double beta_enhanced;         /**< the least beta of enhanced beta-likeness; NaN if none */
    double delta;                 /**< max over classes and values with q_s > 0 of |ln(q_s/p_s)| */
    uint64_t homogeneous_classes; /**< classes where everyone has the same value */
    uint64_t homogeneous_records; /**< records in those classes */
    double homogeneous_fraction;  /**< homogeneous_records / n */
} reid_sensitive;

/** Number of sensitive columns (reid_config_add_sensitive), in the order given. */
REID_API size_t reid_sensitive_count(const reid_analysis *a);

/** The measures of sensitive column i, or NULL (i out of range, or before a successful
 * reid_finish). */
REID_API const reid_sensitive *reid_sensitive_get(const reid_analysis *a, size_t i);

/* ========================================================================= */
/* Pseudonym reversal check (docs/pseudonyms.md)                             */
/* ========================================================================= */

/**
 * Whether the sampled pseudonyms are NHS numbers in disguise: the number
 * itself, a reversible encoding of it, or an unkeyed hash of it. Fields may
 * be added at the end in later versions; the struct is owned by the analysis.
 */
typedef struct reid_pseudonyms {
    const char *column;          /**< the column's name */
    const char *format;          /**< the sample's most common format: "nhs-number",
                                      "base64-of-nhs-number", "hex-of-nhs-number", DIGEST-ENCODING
                                      ("sha256-hex-lower", "md5-base64", ...), "truncated-ENCODING"
                                      or "unknown-ENCODING" */
    const char *encoding;        /**< "hex-lower", "hex-upper", "hex-mixed", "base64",
                                      "base64url" or "other" */
    const char *digest;          /**< "md5", "sha1", "sha256", "sha512", "truncated", or NULL */
    uint64_t token_length;       /**< characters of a token of that format */
    uint64_t values;             /**< non-missing values read in the column */
    uint64_t sampled;            /**< distinct values sampled */
    uint64_t in_format;          /**< sampled values of that format */
    uint64_t reversed;           /**< sampled values whose NHS number was found, either way */
    uint64_t cheap[3];           /**< found without hashing: the number itself, base64 of it,
                                      hex of it */
    const char *cheap_case;      /**< "nhs_number", "base64_of_number", "hex_of_number" (the
                                      most common), or NULL when none hit */
    int searched;                /**< 1 if NHS numbers were hashed (the format is a digest) */
    const char *algorithms;      /**< the hashes tried, e.g. "sha256" or "md5,sha1,sha256" */
    uint64_t reversed_by_hash;   /**< sampled digests matched by the search */
    uint64_t stems_searched;     /**< 9-digit stems covered (every 10-digit number is a stem and
                                      its check digit) */
    uint64_t stems_total;        /**< stems in scope: 1,000,000,000, or 1,000 per six-digit
                                      head that overlaps the range */
    uint64_t candidates;         /**< valid NHS numbers hashed */
    uint64_t hashes;             /**< digests computed: candidates x 2 forms x algorithms */
    int exhausted;               /**< 1 if every stem in scope was searched */
    uint64_t range_first;        /**< reid_config_set_nhs_range (0, 0: the whole space) */
    uint64_t range_last;
    unsigned threads;            /**< threads that hashed */
    double seconds;              /**< wall time of the check (sorting, cheap cases, search,
                                      timing run) */
    double search_seconds;       /**< wall time of the search alone */
    double hashes_per_second;    /**< hashes / search_seconds, all threads; after a search of
                                      fewer than 2,000,000 digests, measured by a 0.25 s timing
                                      run instead */
    double full_space_seconds;   /**< projected time to hash all 909,090,910 valid numbers in
                                      both forms with these algorithms at that rate; NaN if no
                                      search ran */
} reid_pseudonyms;

/** The check's result, or NULL when no check was configured or before a successful
 * reid_finish. */
REID_API const reid_pseudonyms *reid_pseudonyms_get(const reid_analysis *a);

/**
 * Sampled pseudonym i (0 .. reversed - 1, in the sample's order) that was
 * reversed: its token, its NHS number and how it was found ("nhs_number",
 * "base64_of_number", "hex_of_number", or the hash, e.g. "sha256" or
 * "sha256 spaced" for the "nnn nnn nnnn" form). REID_ERR_STATE if i is out of
 * range. These identify people: the report writers print them only with
 * reid_config_set_pseudonym_reveal.
 */
REID_API reid_status reid_pseudonym_reversal(const reid_analysis *a, size_t i, const char **token,
                                             uint64_t *nhs_number, const char **how);

/* ========================================================================= */
/* Release gate                                                              */
/* ========================================================================= */

/** 1 if every configured gate holds (or none is set), 0 if one fails. */
REID_API int reid_gate_passed(const reid_analysis *a);

/** One threshold of the gate, checked. */
typedef struct reid_gate_check {
    const char *threshold; /**< "k", "max_uniques" or "max_risk" */
    double required;       /**< the threshold: K, a fraction of records, or a risk */
    double measured;       /**< k-anonymity, the fraction of uniques, or the highest risk 1/k */
    int met;               /**< 1 if the threshold holds */
    reid_gate_from from;   /**< REID_GATE_OPTION or REID_GATE_POLICY */
    const char *from_name; /**< "--require-k", "--max-uniques", "--require-max-risk", or
                                "policy NAME" */
} reid_gate_check;

/**
 * The gate's checks, in the order k, max_uniques, max_risk (only those set): writes at
 * most max into out and returns how many there are (0..3). 0 before a successful
 * reid_finish. The strings live as long as the analysis.
 */
REID_API size_t reid_gate_checks(const reid_analysis *a, reid_gate_check *out, size_t max);

/** The policy's name ("ema", "nhs-small-numbers", "k=5"), or NULL when none was set. */
REID_API const char *reid_gate_policy(const reid_analysis *a);

/** The policy's source (a citation), or NULL (no policy, or k=K which has none). */
REID_API const char *reid_gate_policy_source(const reid_analysis *a);

/* ========================================================================= */
/* Reports                                                                   */
/* ========================================================================= */

/** The human-readable report (aggregates only). REID_ERR_IO if writing fails. */
REID_API reid_status reid_write_text(const reid_analysis *a, FILE *out);

/** The JSON report, one object, schema in docs/json-report.md. REID_ERR_IO if writing fails. */
REID_API reid_status reid_write_json(const reid_analysis *a, FILE *out);

#ifdef __cplusplus
}
#endif
#endif /* REID_H */
