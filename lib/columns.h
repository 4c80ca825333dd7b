/*
 * columns.h - the header: matching names, recognising quasi-identifiers.
 *
 * Names are matched case-insensitively after trimming spaces. Auto-detection
 * recognises columns by name (docs/input.md, "Auto-detection", lists every name): a
 * postcode, a date of birth, an age, sex, ethnicity and a diagnosis are used
 * as QIs; event dates, pseudonyms and direct identifiers are noted but not
 * used.
 */
#ifndef REID_COLUMNS_H
#define REID_COLUMNS_H

#include <stddef.h>

#include "reid.h"

typedef enum reid_category {
    REID_CAT_NONE = 0,
    REID_CAT_POSTCODE,
    REID_CAT_DOB,
    REID_CAT_BIRTH_YEAR,
    REID_CAT_AGE,
    REID_CAT_AGE_BAND,
    REID_CAT_SEX,
    REID_CAT_ETHNICITY,
    REID_CAT_DIAGNOSIS,
    REID_CAT_EVENT_DATE,
    REID_CAT_PSEUDONYM,
    REID_CAT_DIRECT_ID
} reid_category;

/* What a column name is, and the normaliser its values get. */
reid_category reid_category_of(const char *name);
reid_qi_type reid_category_type(reid_category c);
const char *reid_category_label(reid_category c); /* "a postcode", "a date of birth", ... */

/* Index of the column with this name (case-insensitive, trimmed), or -1. */
long reid_column_find(char *const *names, size_t n, const char *name);

/* The column name nearest to name (edit distance), or NULL if none is close. */
const char *reid_column_nearest(char *const *names, size_t n, const char *name);

/* A recognised column: used as a QI (use = 1) or only noted (use = 0), with why. */
typedef struct reid_detected {
    size_t column; /* 0-based */
    reid_category cat;
    int use;
    char why[200];
} reid_detected;

/*
 * Recognise the columns of a header. out gets at most n entries; returns how
 * many. Columns not recognised at all are not listed.
 */
size_t reid_autodetect(char *const *names, size_t n, reid_detected *out);

#endif
