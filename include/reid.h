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
    REID_TYPE_AUTO = 0, /**< decide from the column name (see docs/input.md) */
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

/**
 * Whether the first row is a header: REID_HEADER_NONE (0: it is data; QIs must then be column
 * numbers), REID_HEADER_CHECKED (1, the default: it is a header, unless it looks like data) or
 * REID_HEADER_AS_IS (2: it is a header, whatever it looks like). A checked header in which a
 * name is a number, a date or a full UK postcode is taken for a forgotten "no header" and the
 * analysis fails (REID_ERR_INPUT) before any name is used: column names appear in messages and
 * reports, and a first record's values must not (docs/input.md).
 */
#define REID_HEADER_NONE 0
#define REID_HEADER_CHECKED 1
#define REID_HEADER_AS_IS 2
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
 * a second thread while the caller's thread parses; a large buffer given to
 * reid_feed is split into chunks at record boundaries and parsed on all the
 * threads, the chunks counted in input order (docs/design.md). Every figure is
 * identical for every thread count.
 */
REID_API reid_status reid_config_set_threads(reid_config *cfg, unsigned threads);

/**
 * Size of the chunks a large buffer is split into for parallel parsing
 * (default 1 MiB; 0 = never split, parse on the caller's thread). A buffer
 * given to reid_feed is split when it holds at least two chunks: map the
 * input and feed it in pieces of tens of MiB to use every thread. Results do
 * not depend on it; small values are for tests.
 */
REID_API reid_status reid_config_set_chunk_size(reid_config *cfg, size_t bytes);

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
 * Journalist and marketer risk from a population table (docs/population-table.md). file names a
 * CSV file whose header has one column per quasi-identifier and a column "count": each row is a
 * cell of the population (a combination of QI values) and how many people it holds (a whole
 * number >= 0; rows of the same cell add up). A column that matches no QI is added up over
 * (reid_population_table_summed). A table column matches a QI by its name
 * (case-insensitively) or, when no QI has that name, by the kind of data its name suggests
 * ("postcode", "sex", "age", ...) if exactly one QI is of that type. A column may be coarser than
 * the QI, written NAME:LEVEL: "postcode:sector" (SW1A 1), "postcode:district" (SW1A),
 * "age:census-band" (the 16 bands of Census 2011 table KS102EW: 0-4, 5-7, ..., 90+) or "sex:mf"
 * (M / F, from M, F, Male, Female, 1, 2); the records' values are then mapped to that level.
 * A built-in name may be given instead of a file: "uk-census-2011", England and Wales 2011 by
 * postcode sector x sex x age band (data/reference/uk-census-2011.csv), looked for in the
 * directories of reid_config_add_data_dir, then the install's and the source tree's.
 * The table is read when the extract's header has been read: a table that cannot be read, or
 * misses a column for some QI, stops the analysis (REID_ERR_CONFIG); a malformed count
 * (negative, not a whole number) is REID_ERR_INPUT naming the table's line and column.
 * NULL or "" = none (the default).
 */
REID_API reid_status reid_config_set_population_table(reid_config *cfg, const char *file);

/** A directory to look for built-in population tables in, before the install's and the source
 * tree's (e.g. one relative to the executable). May be called more than once. */
REID_API reid_status reid_config_add_data_dir(reid_config *cfg, const char *dir);

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
 * SUDA2 special uniques (docs/suda2.md). on = 1: after counting, find every
 * record's minimal sample uniques (MSUs: smallest sets of QIs on which its
 * values are present and shared by no other record) by the SUDA2 search, and
 * compute the SUDA score, DIS-SUDA and the attribute contributions as
 * sdcMicro's suda2() does (without its hash-bucket quirk). At most
 * REID_SUDA2_MAX_QIS (32) QIs; more make reid_finish fail with
 * REID_ERR_CONFIG. reid_suda2_get() gives the figures.
 */
REID_API reid_status reid_config_set_suda2(reid_config *cfg, int on);

/** Most QIs SUDA2 takes (an MSU is a set of QIs kept as a 32-bit mask). */
#define REID_SUDA2_MAX_QIS 32

/** Largest MSU size searched, 1 or more; 0 (the default, as sdcMicro) = every size up to the
 * number of QIs. */
REID_API reid_status reid_config_set_suda2_max_msu_size(reid_config *cfg, unsigned n);

/** Default of reid_config_set_suda2_dis_fraction (sdcMicro's DisFraction). */
#define REID_DEFAULT_SUDA2_DIS_FRACTION 0.01

/** DIS-SUDA's sampling fraction f, 0 < f <= 1 (sdcMicro's DisFraction, default 0.01). */
REID_API reid_status reid_config_set_suda2_dis_fraction(reid_config *cfg, double f);

/**
 * on = 1: keep, for every class, the record number and the line of its first
 * record (16 bytes per class), so that reid_suda2_records() can say which
 * records have special uniques. Off by default: the counting then does no
 * per-record work for it. An analysis that keeps positions cannot be merged.
 */
REID_API reid_status reid_config_set_record_positions(reid_config *cfg, int on);

/**
 * Attribute risks (docs/attribute-risk.md): which combinations of the QIs make
 * people unique. on = 1 computes, for every non-empty subset S of the QIs of
 * at most max_size QIs, the classes, k, sample uniques, distinction and
 * separation of the extract grouped by S alone (reid_attribute_risk_get).
 * max_size 0 (the default) means every subset when there are at most
 * REID_ALL_SUBSETS_MAX_QIS QIs, and subsets of at most
 * REID_DEFAULT_MAX_SUBSET_SIZE QIs above that. Off by default: it costs a
 * re-count of the class table per subset. Not available with "missing
 * matches anything" (reid_config_set_missing_matches_any): the analysis then
 * fails with REID_ERR_CONFIG once the header is read; so it does when the
 * QIs would give more than REID_MAX_SUBSETS subsets.
 */
REID_API reid_status reid_config_set_attribute_risks(reid_config *cfg, int on, size_t max_size);

/** Every subset is computed up to this many QIs (unless a max_size is given). */
#define REID_ALL_SUBSETS_MAX_QIS 12
/** Largest subset computed above REID_ALL_SUBSETS_MAX_QIS QIs (unless a max_size is given). */
#define REID_DEFAULT_MAX_SUBSET_SIZE 3
/** Most subsets one analysis computes. */
#define REID_MAX_SUBSETS 1000000u

/** Default of reid_config_set_subset_threshold. */
#define REID_DEFAULT_SUBSET_THRESHOLD 0.05

/**
 * The text report names the smallest QI combinations that make more than this
 * fraction (0 <= f < 1) of the records unique. Default 0.05.
 */
REID_API reid_status reid_config_set_subset_threshold(reid_config *cfg, double f);

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

/**
 * Told which bytes of a buffer being fed the analysis is done with.
 *
 * While reid_feed reads a buffer, fn(user, p, len) is called with
 * consecutive ranges [p, p + len) from the buffer's start, in order, as the
 * analysis is done with them (on several threads: as each chunk's records are
 * counted; on one thread: every 2 MiB): it will not read those bytes again.
 * Calls come from any of the analysis' threads, one at a time, and only during
 * reid_feed. A buffer's last bytes may get none (those of a record it cuts, and
 * up to 2 MiB read on one thread), and a small buffer none at all. A caller
 * that fed a read-only mapping of a file can drop the pages (madvise
 * MADV_DONTNEED), so that one mapping of a whole file costs the memory of the
 * part being read, not of the file. fn must not call into the analysis. NULL
 * (the default) = no calls.
 */
typedef void (*reid_release_fn)(void *user, const void *p, size_t len);
REID_API void reid_set_release(reid_analysis *a, reid_release_fn fn, void *user);

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
 * Records read in chunks parsed on several threads (reid_config_set_chunk_size);
 * the others were read in order on one thread (the header and first records,
 * small inputs, streams fed in small pieces, and the rest of a buffer after a
 * guessed record boundary proved wrong). For information: no figure depends on it.
 */
REID_API uint64_t reid_parallel_records(const reid_analysis *a);

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
/* Journalist and marketer risk from a population table                      */
/* (docs/population-table.md)                                               */
/* ========================================================================= */

/** How one QI is matched to the population table. */
typedef struct reid_poptable_mapping {
    const char *qi;             /**< the QI's name */
    const char *column;         /**< the table's column header (e.g. "postcode:sector") */
    const char *level;          /**< "exact", "sector", "district", "census-band" or "mf" */
    const char *description;    /**< e.g. "postcode -> postcode sector (SW1A 1AA -> SW1A 1)" */
    uint64_t unmatched_records; /**< records whose value could not be mapped to that level
                                     (missing, not a postcode, not an age, a sex other than M/F) */
} reid_poptable_mapping;

/**
 * The population table's figures. Notation: a record is placed in the population cell its
 * (mapped) QI values name; per cell, f = the extract's records in it, F = the table's count, and
 * F' = max(F, f) (the extract proves the cell holds at least f people). Records whose values
 * cannot be mapped are left out of every figure (unmatched_records); records placed in a cell
 * with F = 0 or F < f are kept with F' and counted below. n' = records placed. When no record
 * can be placed (n' = 0) the risks and records_at_risk_fraction are NaN.
 * Fields may be added at the end in later versions; the struct is owned by the analysis.
 */
typedef struct reid_population_table {
    const char *source;        /**< as given: a file name, or the built-in name */
    const char *file;          /**< the file read */
    const char *title;         /**< the built-in table's description; NULL for a user's file */
    const char *attribution;   /**< the built-in table's source and licence; NULL otherwise */
    const char *assumption;    /**< how the built-in table was derived; NULL otherwise */
    uint64_t cells;            /**< cells in the table with a count > 0 */
    uint64_t people;           /**< sum of the table's counts */
    int coarser;               /**< 1 if some QI was mapped to a coarser level */
    uint64_t records_placed;   /**< n' */
    uint64_t cells_used;       /**< cells holding at least one record */
    uint64_t threshold_k;      /**< K (reid_config_set_k) */
    double journalist_highest; /**< 1 / min F' over the cells used */
    uint64_t journalist_highest_records; /**< records in the cells with that F' */
    double journalist_average;       /**< max(cells used / sum of F' over them, marketer), as ARX's
                                          journalist "success rate" (El Emam's Guide) */
    uint64_t records_at_risk;        /**< records in cells with F' < K (risk 1/F' > 1/K) */
    double records_at_risk_fraction; /**< records_at_risk / n' */
    double marketer; /**< (1/n') sum over cells of f / F' (Dankar and El Emam 2010) */
    uint64_t population_uniques_in_sample; /**< records alone in a cell with F = 1 */
    uint64_t unmatched_classes;            /**< classes with a value that could not be mapped */
    uint64_t unmatched_records;            /**< their records (left out of the figures) */
    uint64_t absent_classes;       /**< classes placed in a cell the table does not have (F = 0) */
    uint64_t absent_records;       /**< their records */
    uint64_t below_sample_cells;   /**< cells with 0 < F < f */
    uint64_t below_sample_records; /**< their records */
} reid_population_table;

/** The population table's figures, or NULL when none was configured or before a successful
 * reid_finish. */
REID_API const reid_population_table *reid_population_table_get(const reid_analysis *a);

/** Mapping of QI i (0-based, in QI order), or NULL (no table, i out of range, before finish). */
REID_API const reid_poptable_mapping *reid_population_table_mapping(const reid_analysis *a,
                                                                    size_t i);

/** The header of the table's i-th column that is no quasi-identifier here, whose counts were added
 * up over (e.g. "sex:mf" with --qi postcode,age); NULL past the last (or no table). */
REID_API const char *reid_population_table_summed(const reid_analysis *a, size_t i);

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
/* SUDA2 special uniques (docs/suda2.md)                                     */
/* ========================================================================= */

/**
 * Number of DIS-SUDA bands in reid_suda2.dis_band_records, as sdcMicro's
 * print.suda2: DIS = 0, (0, 0.1], (0.1, 0.2], ..., (0.6, 0.7], > 0.7.
 */
#define REID_SUDA2_NDIS_BANDS 9

/** One distinct SUDA score > 0: the records that have it and their DIS-SUDA. */
typedef struct reid_suda2_score {
    double score;
    uint64_t records;
    double dis;
} reid_suda2_score;

/**
 * Special uniques. An MSU of a record is a set S of QIs on which its values
 * are all present (a missing value is never part of an MSU) and no other
 * record has the same values, while every proper subset of S is shared with
 * another record. M = max(QIs, 3) (sdcMicro adds constant columns up to 3).
 * A record's SUDA score is the sum over its MSUs of (M - |S|)!; its DIS-SUDA
 * is 1 / (1 + (U/Dis - U) / (score^Q A)) with Dis = U f / (U f + P (1 - f)),
 * Q = 1 + (8 - M) / 20 and A the sum over records with a score of score^-Q
 * (U: records unique on all QIs; P: records in classes of exactly 2). Fields
 * may be added at the end in later versions; the struct is owned by the
 * analysis.
 */
typedef struct reid_suda2 {
    unsigned qis;                /**< QIs searched */
    unsigned columns;            /**< M = max(qis, 3) */
    unsigned max_msu_size;       /**< largest MSU size searched (1..qis) */
    double dis_fraction;         /**< f */
    uint64_t records_with_msu;   /**< records with at least one MSU (score > 0) */
    uint64_t msus;               /**< MSUs over all records */
    const uint64_t *msu_by_size; /**< [qis + 1]: msu_by_size[k] = MSUs of size k ([0] = 0) */
    double score_sum;            /**< sum of the records' SUDA scores */
    double score_max;            /**< the highest score */
    double score_mean;           /**< score_sum / records (every record, 0s included) */
    size_t scores;               /**< distinct scores > 0 (reid_suda2_scores) */
    double dis_mean;             /**< mean DIS-SUDA over every record (0s included) */
    double dis_max;              /**< the highest DIS-SUDA */
    uint64_t dis_band_records[REID_SUDA2_NDIS_BANDS]; /**< records per DIS band */
    const double *attribute_contributions; /**< [qis]: percent of the score sum that comes from
                                              MSUs holding QI j (they add up to more than 100);
                                              NaN when no record has an MSU */
    uint64_t unique_records;               /**< U: records unique on all QIs (missing = missing) */
    uint64_t pair_records;                 /**< P: records in classes of exactly 2 */
} reid_suda2;

/** The SUDA2 figures, or NULL when SUDA2 was not asked for (or before a successful finish). */
REID_API const reid_suda2 *reid_suda2_get(const reid_analysis *a);

/** The distinct scores > 0 ascending, with their records and DIS; *count gets how many. NULL
 * (and 0) when reid_suda2_get() is NULL. */
REID_API const reid_suda2_score *reid_suda2_scores(const reid_analysis *a, size_t *count);

/**
 * Call fn once per record with a SUDA score > 0, in file order: its 1-based
 * record number (data rows counted from 1 after the header, malformed rows
 * skipped with reid_config_set_skip_bad_rows included), the line where it
 * starts, its score and DIS-SUDA, and its QI value ids (reid_value gives
 * their text: these identify the person, handle them with care). Stops early
 * if fn returns nonzero. REID_ERR_STATE unless SUDA2 ran with
 * reid_config_set_record_positions on.
 */
typedef int (*reid_suda2_record_fn)(uint64_t record, uint64_t line, double score, double dis,
                                    const uint32_t *ids, void *user);
REID_API reid_status reid_suda2_records(const reid_analysis *a, reid_suda2_record_fn fn,
                                        void *user);

/**
 * The records with a SUDA score > 0 as CSV (header record,line,suda_score,
 * dis_suda; with values = 1 also one column per QI holding the record's
 * values: only when the user asks for them). REID_ERR_STATE as
 * reid_suda2_records, REID_ERR_IO if writing fails.
 */
REID_API reid_status reid_write_suda2_csv(const reid_analysis *a, FILE *out, int values);

/* ========================================================================= */
/* Attribute risks: every combination of QIs (docs/attribute-risk.md)       */
/* ========================================================================= */

/**
 * The extract grouped by a subset S of the QIs alone (as ARX's "attribute
 * risks"). n records; u_S classes of sizes f_c. Fields may be added at the
 * end in later versions; the struct is owned by the analysis.
 */
typedef struct reid_attribute_risk {
    const size_t *qis;       /**< the QIs of S: 0-based indices in QI order, ascending */
    size_t nqis;             /**< |S| */
    uint64_t classes;        /**< u_S */
    uint64_t k;              /**< min f_c */
    uint64_t uniques;        /**< records alone in their class (classes of size 1) */
    double uniques_fraction; /**< uniques / n */
    double distinction;      /**< u_S / n (ARX) */
    double separation;       /**< 1 - sum_c C(f_c, 2) / C(n, 2) (ARX): the share of pairs of
                                  records that S tells apart; NaN when n = 1 */
} reid_attribute_risk;

/**
 * Number of subsets computed (0 when reid_config_set_attribute_risks is off,
 * or before a successful reid_finish). They are ordered by size, then by
 * their QI indices (lexicographically).
 */
REID_API size_t reid_attribute_risk_count(const reid_analysis *a);

/** Subset i (0..count-1), or NULL. */
REID_API const reid_attribute_risk *reid_attribute_risk_get(const reid_analysis *a, size_t i);

/** The largest subset size computed (the max_size in use; 0 when off). */
REID_API size_t reid_attribute_risk_max_size(const reid_analysis *a);

/* ========================================================================= */
/* People: several rows per person (docs/people.md)                          */
/* ========================================================================= */

/**
 * The pseudonym column (docs/people.md): rows with the same value belong to
 * one person (name, matched like the QIs; a 1-based number without a header).
 * NULL or "" (the default) = none: every row is counted as a person. The
 * column must not also be a QI, the weight or a sensitive column
 * (reid_analysis_new's first rows then fail with REID_ERR_CONFIG). Values are
 * trimmed and compared as bytes. A row whose pseudonym is missing (empty or a
 * missing spelling) is a person of its own. reid_people_get() then gives every
 * figure of the summary over people.
 */
REID_API reid_status reid_config_set_id(reid_config *cfg, const char *column);

/**
 * Person-level figures. A class's size m_c is the number of distinct people
 * with at least one row in it; a person's smallest class m_p is the least m_c
 * over the classes of their rows, and their risk is 1 / m_p (the largest
 * 1 / m_c over their rows). K is reid_config_set_k. Fields may be added at the
 * end in later versions; the struct is owned by the analysis.
 */
typedef struct reid_people {
    const char *id_column;        /**< the pseudonym column's name */
    uint64_t count;               /**< P: people (distinct pseudonyms + rows without one) */
    uint64_t rows;                /**< n: records counted */
    uint64_t anonymous_rows;      /**< rows without a pseudonym (each counted as a person) */
    uint64_t max_rows;            /**< the most rows of one person */
    uint64_t several_rows;        /**< people with more than one row */
    uint64_t several_classes;     /**< people whose rows lie in more than one class */
    uint64_t classes;             /**< u: classes (as in reid_summary) */
    uint64_t pairs;               /**< distinct (class, person) pairs = sum of m_c */
    uint64_t k_anonymity;         /**< min m_c: the extract is k-anonymous over people */
    uint64_t max_size;            /**< max m_c */
    double mean_size;             /**< pairs / u */
    uint64_t unique;              /**< people with m_p = 1: a row in a class of one person */
    double unique_fraction;       /**< unique / P */
    uint64_t threshold_k;         /**< K */
    uint64_t at_risk;             /**< people with m_p < K */
    double at_risk_fraction;      /**< at_risk / P */
    double prosecutor_highest;    /**< 1 / k_anonymity */
    uint64_t highest_risk_people; /**< people with m_p = k_anonymity */
    double prosecutor_average;    /**< mean over people of 1 / m_p */
    uint64_t bucket_classes[REID_NBUCKETS]; /**< classes per bucket of m_c (reid_bucket_low) */
    uint64_t bucket_people[REID_NBUCKETS];  /**< people per bucket of m_p */
    int sex_checked;                        /**< the input has a sex column (recognised by name) */
    uint64_t sex_inconsistent; /**< pseudonyms with more than one distinct non-missing sex */
    int dob_checked;           /**< the input has a date-of-birth column (by name) */
    uint64_t dob_inconsistent; /**< pseudonyms with more than one distinct date of birth */
} reid_people;

/** The person-level figures, or NULL without a pseudonym column or before a successful
 * reid_finish. */
REID_API const reid_people *reid_people_get(const reid_analysis *a);

/* ========================================================================= */
/* Longitudinal unicity: trails of events (docs/longitudinal.md)             */
/* ========================================================================= */

/**
 * The event columns (docs/longitudinal.md), "COL[:TYPE],...": each row's
 * values of them make one event of its person (e.g. "admission_date,diagnosis";
 * TYPE as for the QIs, or "month": a date cut to year and month). Needs a
 * pseudonym column (reid_config_set_id; reid_analysis_new's first rows fail
 * with REID_ERR_CONFIG without one). An event column is not used as an
 * auto-detected QI. NULL or "" = none. REID_ERR_CONFIG for an empty entry or
 * an unknown type.
 */
REID_API reid_status reid_config_set_events(reid_config *cfg, const char *list);

/** The seed of the random choices of the unicity estimate (default 1). */
REID_API reid_status reid_config_set_seed(reid_config *cfg, uint64_t seed);

/** Default of reid_config_set_events_sample. */
#define REID_DEFAULT_EVENTS_SAMPLE 10000

/** People sampled for the unicity estimate (at least 1; default 10,000; all when fewer). */
REID_API reid_status reid_config_set_events_sample(reid_config *cfg, uint64_t n);

/** Largest number of events drawn per person: p = 1 .. REID_UNICITY_MAX_P. */
#define REID_UNICITY_MAX_P 5

/** The unicity of p events drawn from the sampled people's own trails. */
typedef struct reid_unicity {
    uint64_t p;       /**< events drawn */
    uint64_t sampled; /**< sampled people with at least p distinct events (points) */
    uint64_t unique;  /**< ... whom no one else's trail matches on all p */
    double fraction;  /**< unique / sampled (NaN when sampled = 0) */
    double ci_low;    /**< Wilson 95% interval of the fraction (NaN when sampled = 0) */
    double ci_high;
} reid_unicity;

/**
 * Longitudinal unicity (de Montjoye et al., Sci. Rep. 2013). "events": the
 * points are the events alone; "with_qis": the points are (event, the row's QI
 * class): the intruder also knows the static QIs. Fields may be added at the
 * end in later versions; the struct is owned by the analysis.
 */
typedef struct reid_longitudinal {
    const char *columns;                     /**< the event columns, as given */
    uint64_t seed;                           /**< reid_config_set_seed */
    uint64_t sample_requested;               /**< reid_config_set_events_sample */
    uint64_t people;                         /**< people with at least one event */
    uint64_t people_without;                 /**< people with no complete event */
    uint64_t rows_without_event;             /**< rows with a missing event value (no event) */
    uint64_t distinct_events;                /**< distinct events (tuples of values) */
    uint64_t points;                         /**< distinct (person, event) pairs */
    uint64_t points_with_qis;                /**< distinct (person, event, class) triples */
    uint64_t max_points;                     /**< most distinct events of one person */
    uint64_t sampled;                        /**< people sampled (min(sample_requested, people)) */
    reid_unicity events[REID_UNICITY_MAX_P]; /**< p = 1..5, events alone */
    reid_unicity with_qis[REID_UNICITY_MAX_P]; /**< p = 1..5, events with the QIs */
    uint64_t set_unique;                       /**< people whose set of events is unique */
    double set_unique_fraction;                /**< set_unique / people */
    uint64_t set_unique_with_qis;              /**< ... set of (event, class) points */
    double set_unique_with_qis_fraction;       /**< set_unique_with_qis / people */
} reid_longitudinal;

/** The longitudinal figures, or NULL without event columns or before a successful reid_finish. */
REID_API const reid_longitudinal *reid_longitudinal_get(const reid_analysis *a);

/**
 * Warnings about the input that change how the figures must be read, e.g. a
 * column that looks like a pseudonym when no pseudonym column was given (code
 * "pseudonym_without_id"). For i in 0..reid_warning_count()-1: a stable code
 * and a sentence. Valid after a successful reid_finish.
 */
REID_API size_t reid_warning_count(const reid_analysis *a);
REID_API const char *reid_warning_code(const reid_analysis *a, size_t i);
REID_API const char *reid_warning_message(const reid_analysis *a, size_t i);

/* ========================================================================= */
/* Pseudonym reversal check (docs/pseudonyms.md)                             */
/* ========================================================================= */

/**
 * Whether the sampled pseudonyms are NHS numbers in disguise: the number
 * itself, a reversible encoding of it, or an unkeyed hash of it. Fields may
 * be added at the end in later versions; the struct is owned by the analysis.
 */
typedef struct reid_pseudonyms {
    const char *column;        /**< the column's name */
    const char *format;        /**< the sample's most common format: "nhs-number",
                                    "base64-of-nhs-number", "hex-of-nhs-number", DIGEST-ENCODING
                                    ("sha256-hex-lower", "md5-base64", ...), "truncated-ENCODING"
                                    or "unknown-ENCODING" */
    const char *encoding;      /**< "hex-lower", "hex-upper", "hex-mixed", "base64",
                                    "base64url" or "other" */
    const char *digest;        /**< "md5", "sha1", "sha256", "sha512", "truncated", or NULL */
    uint64_t token_length;     /**< characters of a token of that format */
    uint64_t values;           /**< non-missing values read in the column */
    uint64_t sampled;          /**< distinct values sampled */
    uint64_t in_format;        /**< sampled values of that format */
    uint64_t reversed;         /**< sampled values whose NHS number was found, either way */
    uint64_t cheap[3];         /**< found without hashing: the number itself, base64 of it,
                                    hex of it */
    const char *cheap_case;    /**< "nhs_number", "base64_of_number", "hex_of_number" (the
                                    most common), or NULL when none hit */
    int searched;              /**< 1 if NHS numbers were hashed (the format is a digest) */
    const char *algorithms;    /**< the hashes tried, e.g. "sha256" or "md5,sha1,sha256" */
    uint64_t reversed_by_hash; /**< sampled digests matched by the search */
    uint64_t stems_searched;   /**< 9-digit stems covered (every 10-digit number is a stem and
                                    its check digit) */
    uint64_t stems_total;      /**< stems in scope: 1,000,000,000, or 1,000 per six-digit
                                    head that overlaps the range */
    uint64_t candidates;       /**< valid NHS numbers hashed */
    uint64_t hashes;           /**< digests computed: candidates x 2 forms x algorithms */
    int exhausted;             /**< 1 if every stem in scope was searched */
    uint64_t range_first;      /**< reid_config_set_nhs_range (0, 0: the whole space) */
    uint64_t range_last;
    unsigned threads;          /**< threads that hashed */
    double seconds;            /**< wall time of the check (sorting, cheap cases, search,
                                    timing run) */
    double search_seconds;     /**< wall time of the search alone */
    double hashes_per_second;  /**< hashes / search_seconds, all threads; after a search of
                                    fewer than 2,000,000 digests, measured by a 0.25 s timing
                                    run instead */
    double full_space_seconds; /**< projected time to hash all 909,090,910 valid numbers in
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

/**
 * 1 if every configured gate holds (or none is set), 0 if one fails. With a pseudonym column
 * (reid_config_set_id) the gate compares the people's figures (reid_people: k over people, the
 * fraction of unique people, the highest risk of a person), since rows of one person make classes
 * look larger than they are; otherwise the records'.
 */
REID_API int reid_gate_passed(const reid_analysis *a);

/** 1 if the gate counts people (a pseudonym column was given), 0 if records. */
REID_API int reid_gate_per_person(const reid_analysis *a);

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
/* Generalisation and the what-if lattice (docs/generalisation.md)            */
/* ========================================================================= */

/*
 * Every QI has a generalisation hierarchy: levels 0 (the value as normalised) to L, each a
 * coarsening of the one before. Built in, by the QI's type (level names in order):
 *   postcode  unit | sector | district | area | suppressed  ("SW1A 1AA" "SW1A 1" "SW1A" "SW" "*")
 *   age       exact | 5y | 10y | 20y | suppressed           ("42" "40-44" "40-49" "40-59" "*")
 *   date      of birth (the column's name reads as one): day | month | year | 5y
 *             other dates: day | week | month | year (week: days 1-7, 8-14, 15-21, 22-28,
 *             29-31 of the month, "2023-06-W5")
 *   code      ICD-10: code | category | block | chapter   ("A099" "A09" "A00-A09" "A00-B99")
 *   sex, text kept | suppressed
 * A value a hierarchy cannot read (an unrecognised postcode, an age that is not a whole number,
 * an ICD-10 category outside the block table) stays itself, a group of its own, at every level
 * below "suppressed"; such records are counted (unparsed_records). A missing value stays missing
 * at every level. A user hierarchy (reid_config_add_hierarchy) replaces the built-in one; its
 * levels are named by number, "0" to "L".
 */

/**
 * Generalise QIs before they are counted: a comma-separated list of COLUMN=LEVEL, e.g.
 * "postcode=district,age=5y" (a level name or number of the column's hierarchy). Every figure and
 * model then sees the generalised values. The columns must be QIs and the levels must exist
 * (checked when the header is read: REID_ERR_CONFIG). NULL or "" removes it.
 */
REID_API reid_status reid_config_set_generalise(reid_config *cfg, const char *list);

/**
 * A user hierarchy for a column, in ARX's CSV format (text[0..len): one row per value, one column
 * per level, ';' between them, no quoting). source names it in messages (e.g. the file name).
 * Checked now: REID_ERR_INPUT (message in reid_config_error, naming source, line and column) for
 * rows with different numbers of levels, a value with two parents at the next level, a value
 * given twice or an empty value. A value of the data missing from the hierarchy is an input
 * error at reid_finish naming the column, the source and the number of such records (not the
 * values). REID_ERR_CONFIG if the column is given a hierarchy twice.
 */
REID_API reid_status reid_config_add_hierarchy(reid_config *cfg, const char *column,
                                               const char *source, const char *text, size_t len);

/** What-if modes (reid_config_set_what_if). */
typedef enum reid_whatif_mode {
    REID_WHATIF_OFF = 0,
    REID_WHATIF_PRUNED, /**< Flash-style search: only the nodes needed to find the minimal ones */
    REID_WHATIF_ALL     /**< every node of the lattice */
} reid_whatif_mode;

/** Largest lattice searched by default (reid_config_set_what_if). */
#define REID_WHATIF_MAX_NODES 100000

/**
 * The what-if lattice: after counting, every combination of hierarchy levels (one per QI) is a
 * node; its classes are the counted classes with each value generalised, re-counted (never
 * re-reading the input). max_nodes bounds the lattice (0 = REID_WHATIF_MAX_NODES; reid_finish
 * fails with REID_ERR_CONFIG naming the size if it is larger). Cannot be combined with
 * reid_config_set_generalise.
 */
REID_API reid_status reid_config_set_what_if(reid_config *cfg, reid_whatif_mode mode,
                                             unsigned long max_nodes);

/** A generalisation applied before counting. */
typedef struct reid_generalisation {
    const char *qi;            /**< the QI's name */
    const char *hierarchy;     /**< "postcode", "age", "dob", "date", "icd10", "suppress", or the
                                    user hierarchy's source */
    const char *level;         /**< the level's name */
    unsigned level_number;     /**< 0..levels-1 */
    unsigned levels;           /**< levels of the hierarchy */
    uint64_t unparsed_records; /**< records whose value the hierarchy could not read (kept) */
} reid_generalisation;

/** Number of generalisations applied (reid_config_set_generalise), in the order given. */
REID_API size_t reid_generalisation_count(const reid_analysis *a);
/** Generalisation i, or NULL (out of range, or before the header was read). */
REID_API const reid_generalisation *reid_generalisation_get(const reid_analysis *a, size_t i);

/** One node of the what-if lattice. */
typedef struct reid_whatif_node {
    const unsigned *levels;   /**< [q]: the level of each QI */
    unsigned height;          /**< the sum of the levels */
    int evaluated;            /**< 1: the figures below were counted; 0: only `passes` is known,
                                   inferred from another node by monotonicity */
    int passes;               /**< 1 if k >= the target */
    uint64_t classes;         /**< equivalence classes */
    uint64_t k;               /**< the smallest class */
    uint64_t uniques;         /**< records in classes of size 1 */
    uint64_t records_at_risk; /**< records in classes smaller than the target */
    const uint64_t *distinct; /**< [q]: distinct non-missing values of each QI at its level */
    double precision;         /**< Sweeney's Prec: 1 - mean over QIs of level / top level */
} reid_whatif_node;

/** The what-if lattice's results. */
typedef struct reid_whatif {
    size_t q;                        /**< QIs */
    const char *const *qi;           /**< [q] their names */
    const char *const *hierarchy;    /**< [q] their hierarchies' names */
    const unsigned *levels;          /**< [q] levels of each hierarchy */
    const uint64_t *unparsed_values; /**< [q] distinct values the hierarchy could not read */
    uint64_t target_k;               /**< the k to reach (reid_config_set_k) */
    reid_whatif_mode mode;
    uint64_t lattice_size;         /**< nodes in the lattice (product of the levels) */
    uint64_t evaluated;            /**< nodes counted */
    uint64_t passing;              /**< nodes that reach the target (counted or inferred) */
    const reid_whatif_node *nodes; /**< [lattice_size], in mixed-radix order of the levels (the
                                        last QI's level changes fastest) */
    const uint64_t *minimal;       /**< indices into nodes of the minimal passing nodes: no node
                                        one level finer in one QI passes */
    size_t nminimal;
} reid_whatif;

/** The what-if results, or NULL when not asked for or before a successful reid_finish. */
REID_API const reid_whatif *reid_whatif_get(const reid_analysis *a);

/** The name of level `level` of QI qi's hierarchy ("district", "5y", "2"), or NULL. */
REID_API const char *reid_level_name(const reid_analysis *a, size_t qi, unsigned level);

/* ========================================================================= */
/* Reports                                                                   */
/* ========================================================================= */

/** The human-readable report (aggregates only). REID_ERR_IO if writing fails. */
REID_API reid_status reid_write_text(const reid_analysis *a, FILE *out);

/** The JSON report, one object, schema in docs/json-report.md. REID_ERR_IO if writing fails. */
REID_API reid_status reid_write_json(const reid_analysis *a, FILE *out);

/* ========================================================================= */
/* Linkage demonstration (docs/linkage.md)                                   */
/* ========================================================================= */

/*
 * The motivated intruder with an identified register: an electoral-roll-like
 * list of people (name, postcode, date of birth, sex). For each extract record
 * the join key is the tuple of its join columns, normalised as the QIs are
 * (postcode canonical form, dates to ISO, sex case-insensitive, ...); the
 * number of register entries with the same key decides the record's category:
 * exactly 1 = re-identified, 2 to 4 = narrowed, 5 or more = ambiguous, 0 =
 * unmatched. A record with a missing join value (an empty field or one of the
 * missing spellings) cannot be matched and is counted as missing_key; a
 * register entry with one matches nothing.
 *
 * Both inputs are streamed. One side is held in memory as key -> count (the
 * smaller one, chosen by the caller with reid_link_set_hold); the other is
 * read once and only looked up:
 *   held register: register key -> entries; each extract record looks its
 *                  key up and is classified at once;
 *   held extract:  extract key -> records, plus a register count per key;
 *                  each register entry adds 1 to its key (if the extract has
 *                  it); the records are classified at the end, per key.
 * Both give identical figures. Memory: the held side's distinct keys (and,
 * with an id column, the distinct pseudonyms; holding the extract, the
 * distinct (pseudonym, key) pairs too). Time: one pass over each file.
 *
 *     reid_link *l = reid_link_new(cfg, "extract.csv", "register.csv");
 *     reid_link_set_on(l, "postcode,dob=date_of_birth,sex");
 *     reid_link_set_hold(l, REID_LINK_REGISTER);
 *     ... reid_link_feed(l, REID_LINK_REGISTER, buf, n) ...;  reid_link_end(l, REID_LINK_REGISTER);
 *     ... reid_link_feed(l, REID_LINK_EXTRACT, buf, n) ...;   reid_link_end(l, REID_LINK_EXTRACT);
 *     if (reid_link_status(l) == REID_OK) reid_link_write_text(l, stdout);
 *     reid_link_free(l);
 */

/** Opaque linkage: two inputs, one held as key -> count, one streamed. */
typedef struct reid_link reid_link;

/** The two inputs of a linkage. */
typedef enum reid_link_side {
    REID_LINK_EXTRACT = 0, /**< the pseudonymised extract */
    REID_LINK_REGISTER = 1 /**< the identified register */
} reid_link_side;

/**
 * A new linkage using a copy of cfg for how both files are read: header,
 * delimiter (sniffed per file when 0), missing spellings, quotes, field size,
 * skipping of malformed rows. Other settings of cfg are not used. The names
 * are used in messages (NULL: "<extract>", "<register>"). NULL when out of
 * memory.
 */
REID_API reid_link *reid_link_new(const reid_config *cfg, const char *extract_name,
                                  const char *register_name);
REID_API void reid_link_free(reid_link *l);

/**
 * The join columns (before the first feed): a comma-separated list of items,
 * each NAME (a column of that name in both files), or EXTRACT_NAME=REGISTER_NAME
 * when the names differ, optionally followed by ":type" (text postcode date age
 * sex code). Without a type, it comes from the extract column's name, or the
 * register column's when the extract's is not recognised (docs/linkage.md).
 * Names match headers case-insensitively; without a header they are 1-based
 * column numbers. REID_ERR_CONFIG for an empty list, an empty name or an
 * unknown type (reid_link_error_message says which).
 */
REID_API reid_status reid_link_set_on(reid_link *l, const char *list);

/**
 * The extract's pseudonym column (before the first feed; NULL or "" = none).
 * With one, the figures are also given per person (distinct pseudonyms): a
 * person is re-identified if at least one of their records with a complete key
 * matches exactly one register entry; otherwise narrowed if one matches 2-4;
 * otherwise ambiguous if one matches 5 or more; otherwise unmatched if they
 * have a record with a complete key; otherwise (every record has a missing join
 * value) missing_key. An empty or missing pseudonym makes the row malformed.
 */
REID_API reid_status reid_link_set_id(reid_link *l, const char *column);

/** Which side is held in memory (before the first feed; default REID_LINK_REGISTER). The held
 * side must be fed, and ended, before the other. Results never depend on it. */
REID_API reid_status reid_link_set_hold(reid_link *l, reid_link_side held);

/**
 * Keep the re-identified pairs, at most max of them (before the first feed;
 * 0, the default, = none). Needs the register held (REID_ERR_CONFIG
 * otherwise): the first register entry of every key is then kept whole (all
 * its fields), so memory grows with the register. The pairs identify people.
 */
REID_API reid_status reid_link_set_show_matches(reid_link *l, uint64_t max);

/** Release gate: fail (reid_link_result.gate_passed = 0) if the fraction re-identified exceeds f
 * (0..1): of people with an id column, of extract records otherwise. < 0 (the default) = none. */
REID_API reid_status reid_link_set_max_reidentified(reid_link *l, double f);

/** Feed the next len bytes of one side (any chunk size). */
REID_API reid_status reid_link_feed(reid_link *l, reid_link_side side, const void *buf, size_t len);

/** End of one side's input. After both sides have ended, the figures are computed. */
REID_API reid_status reid_link_end(reid_link *l, reid_link_side side);

/** REID_OK, or the error that stopped the linkage. */
REID_API reid_status reid_link_status(const reid_link *l);

/** The message of that error ("" when none), naming the file, line and column for bad data. */
REID_API const char *reid_link_error_message(const reid_link *l);

/** Counts by category; each *_fraction is the count divided by the total it is a part of. */
typedef struct reid_link_counts {
    uint64_t total;        /**< extract records (or people) */
    uint64_t reidentified; /**< matching exactly 1 register entry */
    uint64_t narrowed;     /**< matching 2 to 4 */
    uint64_t ambiguous;    /**< matching 5 or more */
    uint64_t unmatched;    /**< matching none */
    uint64_t missing_key;  /**< a join value missing: cannot be matched */
    double reidentified_fraction, narrowed_fraction, ambiguous_fraction, unmatched_fraction,
        missing_key_fraction;
} reid_link_counts;

/** The figures (after both sides ended). Owned by the linkage; fields may be added at the end. */
typedef struct reid_link_result {
    reid_link_side held;           /**< the side held in memory */
    uint64_t held_keys;            /**< its distinct complete keys */
    reid_link_counts records;      /**< per extract record */
    int have_people;               /**< 1 with an id column */
    reid_link_counts people;       /**< per person (distinct pseudonym), with an id column */
    uint64_t register_entries;     /**< register rows read (not the header, not skipped) */
    uint64_t register_missing_key; /**< of which with a missing join value */
    uint64_t extract_skipped;      /**< malformed rows skipped (reid_config_set_skip_bad_rows) */
    uint64_t register_skipped;
    uint64_t matches_kept;   /**< re-identified pairs kept (reid_link_set_show_matches) */
    double max_reidentified; /**< the gate's threshold, < 0 = none */
    double gate_measured;    /**< the fraction it was compared with */
    int gate_passed;         /**< 1 unless the gate is set and failed */
    double elapsed_seconds;  /**< from reid_link_new to the end */
    uint64_t peak_rss_bytes; /**< the process' peak resident memory at the end (0 unknown) */
    uint64_t table_bytes;    /**< memory of the dictionaries and tables */
} reid_link_result;

/** The figures, or NULL before both sides ended without error. */
REID_API const reid_link_result *reid_link_result_get(const reid_link *l);

/** Number of join columns (0 before the headers are read). */
REID_API size_t reid_link_on_count(const reid_link *l);

/** Facts about join column i, after the headers were read. */
typedef struct reid_link_on_info {
    const char *extract_name;  /**< header name in the extract ("column N" without a header) */
    const char *register_name; /**< header name in the register */
    size_t extract_column;     /**< 1-based */
    size_t register_column;    /**< 1-based */
    reid_qi_type type;         /**< normaliser used on both sides */
    uint64_t extract_missing;  /**< extract records where it is missing */
    uint64_t register_missing; /**< register entries where it is missing */
} reid_link_on_info;

/** Fill *out for join column i; REID_ERR_STATE if out of range. */
REID_API reid_status reid_link_on_get(const reid_link *l, size_t i, reid_link_on_info *out);

/**
 * One re-identified pair (reid_link_set_show_matches): the extract record
 * and the only register entry with its key. The strings are valid during the
 * callback only. This identifies a person: handle with care.
 */
typedef struct reid_link_match {
    uint64_t extract_row;   /**< 1-based data row of the extract (the header not counted) */
    uint64_t extract_line;  /**< physical line where it starts */
    const char *pseudonym;  /**< its pseudonym with an id column, else NULL */
    uint64_t register_line; /**< physical line of the register entry */
    size_t register_fields; /**< the entry's number of fields */
    const char *const *register_names;  /**< the register's column names */
    const char *const *register_values; /**< the entry's fields, as in the file (trimmed) */
} reid_link_match;

/** Call fn for each kept pair in extract order; stops early if fn returns nonzero. */
typedef int (*reid_link_match_fn)(const reid_link_match *m, void *user);
REID_API reid_status reid_link_matches_foreach(const reid_link *l, reid_link_match_fn fn,
                                               void *user);

/** The linkage report in words (counts only, never a value). REID_ERR_IO if writing fails. */
REID_API reid_status reid_link_write_text(const reid_link *l, FILE *out);

/** The linkage report as JSON (docs/json-report.md, "link"); counts only. */
REID_API reid_status reid_link_write_json(const reid_link *l, FILE *out);

#ifdef __cplusplus
}
#endif
#endif /* REID_H */
