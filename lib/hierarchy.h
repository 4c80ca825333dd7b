/*
 * hierarchy.h - generalisation hierarchies: how a QI value is coarsened, level by level
 * (docs/generalisation.md).
 *
 * A hierarchy has levels 0 .. levels-1; level 0 is the value itself (as normalise.c writes it)
 * and every level is a function of the one below it (a value never has two parents), which makes
 * k-anonymity monotone on the lattice of levels. Built-in hierarchies:
 *   postcode  unit "SW1A 1AA" | sector "SW1A 1" | district "SW1A" | area "SW" | suppressed "*"
 *   age       exact "42" | 5y "40-44" | 10y "40-49" | 20y "40-59" | suppressed "*"
 *   dob       day "1970-01-31" | month "1970-01" | year "1970" | 5y "1970-1974"
 *   date      day "1970-01-31" | week "1970-01-W5" (days 29-31) | month "1970-01" | year "1970"
 *   icd10     code "A099" | category "A09" | block "A00-A09" | chapter "A00-B99"
 *   suppress  kept | suppressed "*" (sex and text columns)
 * and user hierarchies in ARX's CSV format (one row per value, one column per level, ';').
 * A value a built-in hierarchy cannot read (an unrecognised postcode, an age that is not a whole
 * number, ...) stays itself at every level below "suppressed" (*parsed = 0). Missing values never
 * reach a hierarchy: the caller keeps them missing at every level.
 */
#ifndef REID_HIERARCHY_H
#define REID_HIERARCHY_H

#include <stddef.h>
#include <stdint.h>

#include "dict.h"
#include "reid.h"

typedef enum reid_hier_kind {
    REID_HIER_SUPPRESS = 0, /* kept | suppressed */
    REID_HIER_POSTCODE,
    REID_HIER_AGE,
    REID_HIER_DOB,
    REID_HIER_DATE,
    REID_HIER_ICD10,
    REID_HIER_USER
} reid_hier_kind;

/* Room a built-in level's output needs. */
#define REID_HIER_BUF 32
/* Most levels a hierarchy may have. */
#define REID_HIER_MAX_LEVELS 32

typedef struct reid_hierarchy {
    reid_hier_kind kind;
    unsigned levels; /* including level 0 */
    char *source;    /* user: the file's name as given */
    /* user hierarchies: the rows, value strings of each level interned per level */
    uint32_t nrows;
    reid_dict *level_values; /* [levels]: the strings of each level */
    uint32_t *row_ids;       /* [nrows * levels]: row r's id at each level */
    reid_dict index;         /* normalised level-0 value -> row + 1 (after reid_hierarchy_bind) */
    uint32_t *index_row;     /* index id -> row */
    int bound;
} reid_hierarchy;

/* The built-in hierarchy for a QI of this type; dob: the column's name reads as a date of birth. */
void reid_hierarchy_builtin(reid_hierarchy *h, reid_qi_type type, int dob);

/* "postcode", "age", "dob", "date", "icd10", "suppress", or "user". */
const char *reid_hierarchy_name(const reid_hierarchy *h);

/* The name of a level ("district", "5y"; a user hierarchy's are "0", "1", ...) into buf (16). */
const char *reid_hierarchy_level_name(const reid_hierarchy *h, unsigned level, char buf[16]);

/* The level named name (a level name or its number). 0 and *level, or -1 if there is none. */
int reid_hierarchy_level_find(const reid_hierarchy *h, const char *name, unsigned *level);

/* The level names joined with '|' into out. */
void reid_hierarchy_level_list(const reid_hierarchy *h, char *out, size_t cap);

/*
 * Generalise the normalised, non-missing value s[0..len) to level: returns the result and its
 * length (*out_len): buf (REID_HIER_BUF bytes) or the hierarchy's own storage, or s itself.
 * *parsed = 0 when the hierarchy could not read the value (then the value is returned unchanged
 * below the top "suppressed" level; a user hierarchy: the value is not in it, and NULL is
 * returned).
 */
const char *reid_hierarchy_apply(const reid_hierarchy *h, unsigned level, const char *s, size_t len,
                                 char *buf, size_t *out_len, int *parsed);

/*
 * Read a user hierarchy in ARX's format from text[0..len): one row per value, one column per
 * level, separated by ';' (no quoting), CR LF or LF line ends; blank lines ignored. Errors
 * (rows with different numbers of levels, a value with two parents at the next level, a value
 * given twice, empty fields, fewer than two levels) go to err (cap bytes) naming source, line and
 * column; returns 0, -1 for such an error, -2 when out of memory.
 */
int reid_hierarchy_parse(reid_hierarchy *h, const char *source, const char *text, size_t len,
                         char *err, size_t cap);

/* Index a user hierarchy's level-0 values as the QI's type normalises them. 0, -1 (out of memory)
 * or -2: two rows' values are the same once normalised (err names the lines). */
int reid_hierarchy_bind(reid_hierarchy *h, reid_qi_type type, char *err, size_t cap);

void reid_hierarchy_free(reid_hierarchy *h);

#endif
