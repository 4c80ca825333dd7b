/*
 * unit_helpers.h - small helpers shared by the cmocka unit tests.
 *
 * Include after <cmocka.h>. Everything is static inline so that a test file
 * that uses only some helpers compiles without unused-function warnings.
 */
#ifndef REID_UNIT_HELPERS_H
#define REID_UNIT_HELPERS_H

#include <math.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reid.h"

/* The tests' seeded pseudo-random numbers (xorshift64*): the same sequence on every platform. The
 * state must start non-zero. */
static inline uint64_t unit_rng_next(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545F4914F6CDD1Dull;
}

/* Fail with both strings shown when needle is not in hay. */
#define assert_contains(hay, needle)                                                               \
    do {                                                                                           \
        const char *hay_ = (hay);                                                                  \
        const char *needle_ = (needle);                                                            \
        if (!hay_ || !strstr(hay_, needle_)) {                                                     \
            print_error("expected \"%s\" in \"%s\"\n", needle_, hay_ ? hay_ : "(null)");           \
            fail();                                                                                \
        }                                                                                          \
    } while (0)

#define assert_not_contains(hay, needle)                                                           \
    do {                                                                                           \
        const char *hay_ = (hay);                                                                  \
        const char *needle_ = (needle);                                                            \
        if (strstr(hay_, needle_)) {                                                               \
            print_error("did not expect \"%s\" in \"%s\"\n", needle_, hay_);                       \
            fail();                                                                                \
        }                                                                                          \
    } while (0)

/* Doubles: exact figures are computed as one division, so a tight tolerance is enough. */
#define assert_double_near(a, b)                                                                   \
    do {                                                                                           \
        double a_ = (a), b_ = (b);                                                                 \
        double d_ = a_ > b_ ? a_ - b_ : b_ - a_;                                                   \
        if (!(d_ <= 1e-12 * (1.0 + (b_ < 0 ? -b_ : b_)))) {                                        \
            print_error("%.17g != %.17g\n", a_, b_);                                               \
            fail();                                                                                \
        }                                                                                          \
    } while (0)

/* A configuration with these QIs (NULL or "" = auto-detection); the setter must succeed. */
/* |got - want| <= tol; otherwise print both with 17 digits and fail. */
#define assert_near(got, want, tol)                                                                \
    do {                                                                                           \
        double g_ = (got), w_ = (want);                                                            \
        if (!(fabs(g_ - w_) <= (tol))) {                                                           \
            print_error("%s = %.17g, expected %.17g (difference %.3g > %.3g)\n", #got, g_, w_,     \
                        fabs(g_ - w_), (double)(tol));                                             \
            fail();                                                                                \
        }                                                                                          \
    } while (0)

static inline reid_config *cfg_qis(const char *qis)
{
    reid_config *cfg = reid_config_new();
    assert_non_null(cfg);
    assert_int_equal(reid_config_set_qis(cfg, qis), REID_OK);
    return cfg;
}

/*
 * Run an analysis over data: fed in chunks of `chunk` bytes (0 = all at once),
 * then finished if no error stopped it. The caller checks reid_status_of and frees.
 */
static inline reid_analysis *run_csv_chunked(const reid_config *cfg, const char *source,
                                             const void *data, size_t len, size_t chunk)
{
    reid_analysis *a = reid_analysis_new(cfg, source);
    assert_non_null(a);
    const char *p = data;
    size_t step = chunk ? chunk : (len ? len : 1);
    for (size_t off = 0; off < len; off += step) {
        size_t n = len - off < step ? len - off : step;
        if (reid_feed(a, p + off, n) != REID_OK) break;
    }
    if (reid_status_of(a) == REID_OK) reid_finish(a);
    return a;
}

static inline reid_analysis *run_csv(const reid_config *cfg, const char *text)
{
    return run_csv_chunked(cfg, "t.csv", text, strlen(text), 0);
}

/* The analysis must have succeeded; show its message otherwise. */
#define assert_analysis_ok(a)                                                                      \
    do {                                                                                           \
        if (reid_status_of(a) != REID_OK) {                                                        \
            print_error("analysis failed: %s\n", reid_error_message(a));                           \
            fail();                                                                                \
        }                                                                                          \
    } while (0)

/* A report written to memory; NUL-terminated, free() it. */
static inline char *report_to_string(const reid_analysis *a, int json, reid_status *st)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    *st = json ? reid_write_json(a, f) : reid_write_text(a, f);
    assert_int_equal(fclose(f), 0);
    return buf;
}

#endif
