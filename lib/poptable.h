/*
 * poptable.h - journalist and marketer risk from a population table (docs/population-table.md).
 *
 * The table (a CSV: one column per QI, possibly coarser, and a count) is read once, when the
 * extract's QIs are known: its values, mapped to each column's level, go into one dictionary per
 * QI and its cells into a class table keyed like the extract's (QI order), the size being the
 * count. After counting, each extract value is mapped once per distinct value (remap arrays),
 * each extract class is placed in its cell, and the cells are summed. Memory: the table's cells
 * and values, plus one cell table no larger than the extract's class table.
 */
#ifndef REID_POPTABLE_H
#define REID_POPTABLE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "classtable.h"
#include "dict.h"
#include "error.h"
#include "normalise.h"
#include "reader.h"
#include "reid.h"

typedef enum reid_pt_level {
    REID_PT_EXACT = 0,   /* compared after the QI type's normalisation */
    REID_PT_SECTOR,      /* postcode -> sector */
    REID_PT_DISTRICT,    /* postcode -> district */
    REID_PT_CENSUS_BAND, /* age -> Census 2011 band */
    REID_PT_SEX_MF       /* sex -> M / F */
} reid_pt_level;

/* One built-in table: its name, file name and what the reports say of it. */
typedef struct reid_pt_builtin {
    const char *name;
    const char *file;
    const char *title;
    const char *attribution;
    const char *assumption;
} reid_pt_builtin;

/* The built-in table called name (case-insensitive), or NULL. */
const reid_pt_builtin *reid_pt_builtin_find(const char *name);

typedef struct reid_poptable {
    char *source; /* as given */
    char *file;   /* the file read */
    const reid_pt_builtin *builtin;
    size_t nq;
    char **qi_names;
    reid_qi_type *qi_types;
    reid_pt_level *level; /* per QI */
    char **header;        /* per QI: the table's header cell */
    size_t *col_of_qi;    /* per QI: the table's column (0-based) */
    size_t ncols;         /* the table's columns */
    size_t *qi_of_col;    /* per table column: the QI, SIZE_MAX for the count, SIZE_MAX - 1 for a
                           * column that is no QI (summed over) */
    char **summed;        /* the header cells of the columns summed over */
    size_t nsummed;
    size_t count_col;
    reid_dict *dicts;      /* per QI: the table's values at its level */
    reid_classtable cells; /* mapped key (QI order) -> count */
    uint64_t people;
    const reid_missing_set *missing;
    reid_error *err;
    char *buf; /* scratch for normalised values */
    size_t bufcap;
    uint32_t *key;
    char (*last)[16]; /* per QI: the previous row's value (when shorter than 16 bytes) */
    size_t *last_len; /* its length, SIZE_MAX = not kept */
    int have_last;    /* key[] holds the previous row's ids */
    int have_header;
    uint64_t dense_max; /* most codes for the dense placement (0 = automatic; tests set 1) */
    reid_population_table res;
    reid_poptable_mapping *maps; /* per QI */
    /* the file between reid_pt_open and reid_pt_read */
    FILE *f;
    reid_reader reader;
    int reader_ready;
    char *chunk, *disp;
    uint64_t size, fed; /* the file's size (0 if unknown), bytes fed so far */
    int sized;          /* the cells table was sized for the whole file */
} reid_poptable;

/*
 * Find the file for spec (a path, or a built-in name looked for in dirs[], then in the install's
 * and the source tree's data directories). 0 and *path (malloc'd) and *builtin (NULL for a
 * path), or -1 with err set.
 */
int reid_pt_resolve(const char *spec, char *const *dirs, size_t ndirs, char **path,
                    const reid_pt_builtin **builtin, reid_error *err);

/*
 * Read the table at path for the QIs given (names and types, in QI order). err gets the first
 * error: REID_ERR_CONFIG (cannot open, a QI without a column, a column without a QI, no count
 * column), REID_ERR_INPUT (a bad count or value: line and column), REID_ERR_NOMEM. 0 or -1.
 * The table keeps pointers to missing and err; free it with reid_pt_free even after a failure.
 */
int reid_pt_load(reid_poptable *pt, const char *spec, const char *path,
                 const reid_pt_builtin *builtin, char *const *qi_names,
                 const reid_qi_type *qi_types, size_t nq, const reid_missing_set *missing,
                 reid_error *err);

/*
 * reid_pt_load in two steps, so that the rows can be read on another thread while the extract is
 * counted. reid_pt_open opens the file and reads its header (and the rows of the first 64 KiB):
 * the errors of the QIs' mapping come now, and pt->level is set. reid_pt_read reads the rest,
 * with the errors of the rows and the checks of the whole table; it touches nothing but pt and
 * *pt->err (which the caller may point at an error record of that thread's own in between) and
 * reads *missing. 0 or -1 each; reid_pt_free closes the file whatever happened.
 */
int reid_pt_open(reid_poptable *pt, const char *spec, const char *path,
                 const reid_pt_builtin *builtin, char *const *qi_names,
                 const reid_qi_type *qi_types, size_t nq, const reid_missing_set *missing,
                 reid_error *err);
int reid_pt_read(reid_poptable *pt);
void reid_pt_free(reid_poptable *pt);

/*
 * The figures for the extract's classes (keys in QI order, value ids of dicts[j]); K is the
 * records-at-risk threshold. Fills pt->res and pt->maps. 0, or -1 when out of memory.
 */
int reid_pt_compute(reid_poptable *pt, const reid_classtable *sample, reid_dict *const *dicts,
                    uint64_t K);

#endif
