/* poptable.c - a population table: reading it, placing the extract's classes in its cells, and
 * the journalist and marketer risks (docs/population-table.md). */
#include "poptable.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <strings.h>

#include "bigmem.h"
#include "censusmap.h"
#include "columns.h"
#include "reader.h"
#include "valsnap.h"

static const reid_pt_builtin builtins[] = {
    {"uk-census-2011", "uk-census-2011.csv",
     "UK Census 2011, England and Wales: usual residents by postcode sector x sex x age band",
     "Office for National Statistics, Census 2011, tables KS101EW and KS102EW by postcode sector "
     "(nomisweb.co.uk). Crown copyright, Open Government Licence v3.0",
     "The census gives each sector's residents by age band and by sex separately; the table "
     "assumes the sector's sex ratio holds in every age band (males = the band's residents x the "
     "sector's share of males, rounded to the nearest whole person; females = the rest)"},
};

const reid_pt_builtin *reid_pt_builtin_find(const char *name)
{
    for (size_t i = 0; i < sizeof builtins / sizeof *builtins; i++)
        if (strcasecmp(name, builtins[i].name) == 0) return &builtins[i];
    return NULL;
}

static const char *const level_names[] = {"exact", "sector", "district", "census-band", "mf"};

static const char *const level_descriptions[] = {
    "compared as it is (after the column type's normalisation)",
    "postcode -> postcode sector (SW1A 1AA -> SW1A 1)",
    "postcode -> postcode district (SW1A 1AA -> SW1A)",
    ("age -> Census 2011 age band (0-4, 5-7, 8-9, 10-14, 15, 16-17, 18-19, 20-24, 25-29, 30-44, "
     "45-59, 60-64, 65-74, 75-84, 85-89, 90+)"),
    "sex -> M or F (M, Male, 1 -> M; F, Female, 2 -> F; anything else is unmatched)"};

/* Each level's QI type (the exact level takes any). */
static const reid_qi_type level_type[] = {REID_TYPE_AUTO, REID_TYPE_POSTCODE, REID_TYPE_POSTCODE,
                                          REID_TYPE_AGE, REID_TYPE_SEX};

#ifndef REID_DATADIR
#define REID_DATADIR ""
#endif
#ifndef REID_SOURCE_DATADIR
#define REID_SOURCE_DATADIR ""
#endif

static int readable(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    fclose(f);
    return 1;
}

int reid_pt_resolve(const char *spec, char *const *dirs, size_t ndirs, char **path,
                    const reid_pt_builtin **builtin, reid_error *err)
{
    *path = NULL;
    *builtin = reid_pt_builtin_find(spec);
    if (!*builtin) {
        if (!(*path = strdup(spec)))
            return reid_error_set(err, REID_ERR_NOMEM, 0, 0, "out of memory"), -1;
        return 0;
    }
    const char *fixed[] = {REID_DATADIR, REID_SOURCE_DATADIR};
    char tried[512] = "";
    size_t used = 0;
    for (size_t i = 0; i < ndirs + 2; i++) {
        const char *dir = i < ndirs ? dirs[i] : fixed[i - ndirs];
        if (!dir || !*dir) continue;
        size_t len = strlen(dir) + strlen((*builtin)->file) + 2;
        char *p = malloc(len);
        if (!p) return reid_error_set(err, REID_ERR_NOMEM, 0, 0, "out of memory"), -1;
        snprintf(p, len, "%s/%s", dir, (*builtin)->file);
        if (readable(p)) {
            *path = p;
            return 0;
        }
        if (used < sizeof tried) {
            int w = snprintf(tried + used, sizeof tried - used, "%s%s", used ? ", " : "", p);
            if (w > 0) used += (size_t)w;
        }
        free(p);
    }
    reid_error_set(err, REID_ERR_CONFIG, 0, 0,
                   "the built-in population table '%s' (%s) was not found; looked for: %s",
                   (*builtin)->name, (*builtin)->file, tried);
    return -1;
}

/* ---- reading the table ---- */

static int pt_nomem(reid_poptable *pt)
{
    reid_error_set(pt->err, REID_ERR_NOMEM, 0, 0, "%s: out of memory", pt->file);
    return -1;
}

/* Values from the table are shown at most this long in messages. */
#define CAP(len) ((int)((len) > 40 ? 40 : (len)))

static int cell_error(reid_poptable *pt, const reid_row *row, size_t col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int cell_error(reid_poptable *pt, const reid_row *row, size_t col, const char *fmt, ...)
{
    char what[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    reid_error_set(pt->err, REID_ERR_INPUT, row->line, col + 1,
                   "population table %s: line %llu, column %zu (%s): %s", pt->file,
                   (unsigned long long)row->line, col + 1,
                   pt->qi_of_col[col] == SIZE_MAX ? "count" : pt->header[pt->qi_of_col[col]], what);
    return -1;
}

static int header_error(reid_poptable *pt, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int header_error(reid_poptable *pt, const char *fmt, ...)
{
    char msg[REID_ERRMSG_MAX - 100];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    reid_error_set(pt->err, REID_ERR_CONFIG, 1, 0, "population table %s: %s", pt->file, msg);
    return -1;
}

static void qi_names_list(const reid_poptable *pt, char *out, size_t cap)
{
    size_t used = 0;
    out[0] = 0;
    for (size_t i = 0; i < pt->nq && used < cap; i++) {
        int w = snprintf(out + used, cap - used, "%s%s", i ? ", " : "", pt->qi_names[i]);
        if (w < 0) break;
        used += (size_t)w;
    }
}

/* The QI a table column's name stands for: by name, else by the kind of data it suggests. */
static size_t match_qi(const reid_poptable *pt, const char *name)
{
    for (size_t j = 0; j < pt->nq; j++)
        if (strcasecmp(pt->qi_names[j], name) == 0) return j;
    reid_qi_type t = reid_category_type(reid_category_of(name));
    if (t == REID_TYPE_TEXT || t == REID_TYPE_AUTO) return SIZE_MAX;
    size_t found = SIZE_MAX, n = 0;
    for (size_t j = 0; j < pt->nq; j++)
        if (pt->qi_types[j] == t) found = j, n++;
    return n == 1 ? found : SIZE_MAX;
}

static int take_header(reid_poptable *pt, const reid_row *row)
{
    char qis[400];
    qi_names_list(pt, qis, sizeof qis);
    pt->ncols = row->nfields;
    pt->qi_of_col = malloc(pt->ncols * sizeof *pt->qi_of_col);
    if (!pt->qi_of_col) return pt_nomem(pt);
    pt->count_col = SIZE_MAX;
    for (size_t c = 0; c < pt->ncols; c++) {
        const char *s = row->ptr[c];
        size_t len = row->len[c];
        reid_trim(&s, &len);
        char cell[200];
        snprintf(cell, sizeof cell, "%.*s", (int)(len < 199 ? len : 199), s);
        char *colon = strrchr(cell, ':');
        const char *lv = "";
        if (colon) {
            *colon = 0;
            lv = colon + 1;
        }
        if (!colon && strcasecmp(cell, "count") == 0) {
            if (pt->count_col != SIZE_MAX)
                return header_error(pt, "columns %zu and %zu are both named 'count'",
                                    pt->count_col + 1, c + 1);
            pt->count_col = c;
            pt->qi_of_col[c] = SIZE_MAX;
            continue;
        }
        int level = -1;
        for (int l = 0; l < (int)(sizeof level_names / sizeof *level_names); l++)
            if (strcasecmp(lv, l ? level_names[l] : "") == 0) level = l;
        if (level < 0)
            return header_error(pt,
                                "column %zu ('%s:%s'): unknown level '%s'; the levels are sector "
                                "and district (postcodes), census-band (ages) and mf (sex)",
                                c + 1, cell, lv, lv);
        size_t j = match_qi(pt, cell);
        if (j == SIZE_MAX) { /* not a QI here: the counts are added up over it */
            char **v = realloc(pt->summed, (pt->nsummed + 1) * sizeof *v);
            if (!v) return pt_nomem(pt);
            pt->summed = v;
            if (!(v[pt->nsummed] = strndup(s, len))) return pt_nomem(pt);
            pt->nsummed++;
            pt->qi_of_col[c] = SIZE_MAX - 1;
            continue;
        }
        if (pt->header[j])
            return header_error(pt, "columns %zu and %zu both stand for the quasi-identifier '%s'",
                                pt->col_of_qi[j] + 1, c + 1, pt->qi_names[j]);
        if (level && pt->qi_types[j] != level_type[level])
            return header_error(pt,
                                "column %zu ('%s:%s'): the level %s needs a quasi-identifier of "
                                "type %s, and '%s' is of type %s",
                                c + 1, cell, lv, level_names[level],
                                reid_qi_type_name(level_type[level]), pt->qi_names[j],
                                reid_qi_type_name(pt->qi_types[j]));
        pt->qi_of_col[c] = j;
        pt->col_of_qi[j] = c;
        pt->level[j] = (reid_pt_level)level;
        if (!(pt->header[j] = strndup(s, len))) return pt_nomem(pt);
    }
    for (size_t j = 0; j < pt->nq; j++)
        if (!pt->header[j])
            return header_error(pt,
                                "no column for the quasi-identifier '%s'; the table needs one "
                                "column per quasi-identifier (%s) and a column 'count' (its "
                                "other columns are added up over)",
                                pt->qi_names[j], qis);
    if (pt->count_col == SIZE_MAX)
        return header_error(pt, "no column 'count' (the number of people in each cell)");
    pt->have_header = 1;
    return 0;
}

/* The count: a whole number from 0 up, digits only. */
static int parse_count(reid_poptable *pt, const reid_row *row, uint64_t *out)
{
    size_t c = pt->count_col;
    const char *s = row->ptr[c];
    size_t len = row->len[c];
    reid_trim(&s, &len);
    if (len == 0) return cell_error(pt, row, c, "the count is empty");
    uint64_t v = 0;
    int digits = 1;
    for (size_t i = 0; i < len && digits; i++) {
        if (s[i] < '0' || s[i] > '9')
            digits = 0;
        else if (v > (UINT64_MAX - 9) / 10)
            return cell_error(pt, row, c, "the count '%.*s' is too large", CAP(len), s);
        else
            v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if (digits) {
        *out = v;
        return 0;
    }
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%.*s", (int)(len < 63 ? len : 63), s);
    char *end;
    errno = 0;
    double d = strtod(tmp, &end);
    if (end != tmp && *end == 0 && d < 0)
        return cell_error(pt, row, c,
                          "the count '%.*s' is negative; a count of people is a whole number "
                          "from 0 up",
                          CAP(len), s);
    if (end != tmp && *end == 0)
        return cell_error(pt, row, c,
                          "the count '%.*s' is not a whole number; a count of people is a whole "
                          "number from 0 up (round expected counts before use)",
                          CAP(len), s);
    return cell_error(pt, row, c, "the count '%.*s' is not a number", CAP(len), s);
}

/* Table value of QI j at its level into pt->buf: 0 and *olen, or -1 with the error set. */
static int table_value(reid_poptable *pt, const reid_row *row, size_t j, size_t *olen)
{
    size_t c = pt->col_of_qi[j];
    const char *s = row->ptr[c];
    size_t len = row->len[c];
    reid_trim(&s, &len);
    if (len + REID_NORM_EXTRA + 8 > pt->bufcap) {
        size_t cap = len + REID_NORM_EXTRA + 64;
        char *b = realloc(pt->buf, cap);
        if (!b) return pt_nomem(pt);
        pt->buf = b;
        pt->bufcap = cap;
    }
    if (reid_missing_set_has(pt->missing, s, len))
        return cell_error(pt, row, c,
                          "the value '%.*s' is missing; every cell of a population table needs "
                          "a value in each column",
                          CAP(len), s);
    char *out = pt->buf;
    int ok = 1, b;
    size_t n = 0;
    switch (pt->level[j]) {
    case REID_PT_EXACT:
        n = reid_normalise(pt->qi_types[j], s, len, out, &ok);
        break;
    case REID_PT_SECTOR:
        n = reid_sector_canonical(s, len, out);
        ok = n >= 4 && n <= 6 && out[n - 2] == ' ' && out[n - 1] >= '0' && out[n - 1] <= '9';
        if (!ok)
            return cell_error(pt, row, c, "'%.*s' is not a postcode sector (such as SW1A 1)",
                              CAP(len), s);
        break;
    case REID_PT_DISTRICT:
        n = reid_sector_canonical(s, len, out);
        ok = n >= 2 && n <= 4 && !memchr(out, ' ', n);
        if (!ok)
            return cell_error(pt, row, c, "'%.*s' is not a postcode district (such as SW1A)",
                              CAP(len), s);
        break;
    case REID_PT_CENSUS_BAND:
        b = reid_census_band_of_label(s, len);
        if (b < 0)
            return cell_error(pt, row, c,
                              "'%.*s' is not a Census 2011 age band (0-4, 5-7, 8-9, 10-14, 15, "
                              "16-17, 18-19, 20-24, 25-29, 30-44, 45-59, 60-64, 65-74, 75-84, "
                              "85-89, 90+)",
                              CAP(len), s);
        n = strlen(reid_census_band_label(b));
        memcpy(out, reid_census_band_label(b), n);
        break;
    case REID_PT_SEX_MF:
        b = reid_sex_mf(s, len);
        if (!b)
            return cell_error(pt, row, c, "'%.*s' is not a sex (M, F, Male, Female, 1 or 2)",
                              CAP(len), s);
        out[0] = (char)b;
        n = 1;
        break;
    }
    *olen = n;
    return 0;
}

static int on_row(void *user, const reid_row *row)
{
    reid_poptable *pt = user;
    if (!pt->have_header) return take_header(pt, row);
    if (row->nfields != pt->ncols) {
        char what[120];
        snprintf(what, sizeof what, "expected %zu fields (as in the header), found %zu", pt->ncols,
                 row->nfields);
        reid_error_set(pt->err, REID_ERR_INPUT, row->line, 0, "population table %s: line %llu: %s",
                       pt->file, (unsigned long long)row->line, what);
        return -1;
    }
    uint64_t count = 0;
    if (parse_count(pt, row, &count) != 0) return -1;
    for (size_t j = 0; j < pt->nq; j++) {
        size_t n = 0;
        if (table_value(pt, row, j, &n) != 0) return -1;
        /* tables are often sorted: a value like the row before's keeps its id */
        if (pt->have_last && n == pt->last_len[j] && memcmp(pt->buf, pt->last[j], n) == 0) continue;
        if (reid_dict_intern(&pt->dicts[j], pt->buf, n, &pt->key[j]) != 0) return pt_nomem(pt);
        pt->last_len[j] = n < sizeof pt->last[j] ? n : SIZE_MAX;
        if (n < sizeof pt->last[j]) memcpy(pt->last[j], pt->buf, n);
    }
    pt->have_last = 1;
    if (count == 0) return 0;
    if (pt->people > UINT64_MAX - count)
        return cell_error(pt, row, pt->count_col, "the counts add up to more than 2^64");
    pt->people += count;
    return reid_classtable_add(&pt->cells, pt->key, count) == 0 ? 0 : pt_nomem(pt);
}

static int on_bad(void *user, uint64_t line, uint64_t column, const char *what)
{
    reid_poptable *pt = user;
    if (column)
        reid_error_set(pt->err, REID_ERR_INPUT, line, column,
                       "population table %s: line %llu, column %llu: %s", pt->file,
                       (unsigned long long)line, (unsigned long long)column, what);
    else
        reid_error_set(pt->err, REID_ERR_INPUT, line, 0, "population table %s: line %llu: %s",
                       pt->file, (unsigned long long)line, what);
    return -1;
}

/* Feed the next 64 KiB of the file; 1 at its end, 0 for more, -1 on error. */
static int feed_chunk(reid_poptable *pt)
{
    size_t n = fread(pt->chunk, 1, 1 << 16, pt->f);
    if (n == 0) {
        if (ferror(pt->f))
            return reid_error_set(pt->err, REID_ERR_CONFIG, 0, 0,
                                  "cannot read the population table %s", pt->file),
                   -1;
        return 1;
    }
    if (reid_reader_feed(&pt->reader, pt->chunk, n) != 0) return -1;
    pt->fed += n;
    /* the cells table sized once for the whole file, from the cells per byte of its first 256 KiB
     * (growing by doubling rehashes every cell each time: a third of the load time of the
     * built-in table) */
    if (!pt->sized && pt->fed >= ((uint64_t)1 << 18) && pt->cells.nclasses && pt->size > pt->fed) {
        pt->sized = 1;
        double want = (double)pt->cells.nclasses / (double)pt->fed * (double)pt->size * 1.05;
        if (want < (double)REID_CLASSTABLE_MAX_CLASSES)
            (void)reid_classtable_reserve(&pt->cells, (uint64_t)want); /* else grow as before */
    }
    return 0;
}

int reid_pt_open(reid_poptable *pt, const char *spec, const char *path,
                 const reid_pt_builtin *builtin, char *const *qi_names,
                 const reid_qi_type *qi_types, size_t nq, const reid_missing_set *missing,
                 reid_error *err)
{
    memset(pt, 0, sizeof *pt);
    pt->err = err;
    pt->missing = missing;
    pt->builtin = builtin;
    pt->nq = nq;
    pt->source = strdup(spec);
    pt->file = strdup(path);
    pt->qi_names = calloc(nq, sizeof *pt->qi_names);
    pt->qi_types = calloc(nq, sizeof *pt->qi_types);
    pt->level = calloc(nq, sizeof *pt->level);
    pt->header = calloc(nq, sizeof *pt->header);
    pt->col_of_qi = calloc(nq, sizeof *pt->col_of_qi);
    pt->dicts = calloc(nq, sizeof *pt->dicts);
    pt->key = calloc(nq, sizeof *pt->key);
    pt->maps = calloc(nq, sizeof *pt->maps);
    pt->last = calloc(nq, sizeof *pt->last);
    pt->last_len = calloc(nq, sizeof *pt->last_len);
    if (!pt->last || !pt->last_len || !pt->source || !pt->file || !pt->qi_names || !pt->qi_types ||
        !pt->level || !pt->header || !pt->col_of_qi || !pt->dicts || !pt->key || !pt->maps)
        return pt_nomem(pt);
    for (size_t j = 0; j < nq; j++) {
        pt->qi_types[j] = qi_types[j];
        if (!(pt->qi_names[j] = strdup(qi_names[j])) || reid_dict_init(&pt->dicts[j]) != 0)
            return pt_nomem(pt);
    }
    if (reid_classtable_init(&pt->cells, (unsigned)nq) != 0) return pt_nomem(pt);
    if (!(pt->f = fopen(path, "rb"))) {
        reid_error_set(err, REID_ERR_CONFIG, 0, 0, "cannot open the population table %s: %s", path,
                       strerror(errno));
        return -1;
    }
    size_t dlen = strlen(path) + 32;
    if (!(pt->disp = malloc(dlen)) || !(pt->chunk = malloc(1 << 16))) return pt_nomem(pt);
    snprintf(pt->disp, dlen, "population table %s", path);
    /* the reader reports through pt->err as it is when called: reid_pt_read may repoint it */
    reid_reader_init(&pt->reader, 0, 1, (size_t)1 << 20, pt->disp, err, on_row, on_bad, pt);
    pt->reader_ready = 1;
    struct stat st;
    pt->size = fstat(fileno(pt->f), &st) == 0 && S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
    int rc = 0;
    while (rc == 0 && !pt->have_header)
        rc = feed_chunk(pt);
    if (rc < 0 || err->status) return -1;
    return 0;
}

int reid_pt_read(reid_poptable *pt)
{
    reid_error *err = pt->err;
    pt->reader.err = err; /* the record the caller chose for this step */
    int rc = 0;
    while (rc == 0)
        rc = feed_chunk(pt);
    if (rc < 0 || err->status) return -1;
    if (reid_reader_finish(&pt->reader) != 0 || err->status) return -1;
    if (!pt->have_header)
        return reid_error_set(err, REID_ERR_CONFIG, 0, 0, "the population table %s is empty",
                              pt->file),
               -1;
    if (pt->cells.nclasses == 0)
        return reid_error_set(err, REID_ERR_CONFIG, 0, 0,
                              "the population table %s has no cell with a count above 0", pt->file),
               -1;
    return 0;
}

int reid_pt_load(reid_poptable *pt, const char *spec, const char *path,
                 const reid_pt_builtin *builtin, char *const *qi_names,
                 const reid_qi_type *qi_types, size_t nq, const reid_missing_set *missing,
                 reid_error *err)
{
    if (reid_pt_open(pt, spec, path, builtin, qi_names, qi_types, nq, missing, err) != 0) return -1;
    return reid_pt_read(pt);
}

void reid_pt_free(reid_poptable *pt)
{
    if (!pt) return;
    if (pt->reader_ready) reid_reader_free(&pt->reader);
    if (pt->f) fclose(pt->f);
    free(pt->chunk);
    free(pt->disp);
    for (size_t j = 0; j < pt->nq; j++) {
        if (pt->qi_names) free(pt->qi_names[j]);
        if (pt->header) free(pt->header[j]);
        if (pt->dicts) reid_dict_free(&pt->dicts[j]);
    }
    free(pt->qi_names);
    free(pt->qi_types);
    free(pt->level);
    free(pt->header);
    free(pt->col_of_qi);
    free(pt->qi_of_col);
    for (size_t i = 0; i < pt->nsummed; i++)
        free(pt->summed[i]);
    free(pt->summed);
    free(pt->dicts);
    free(pt->key);
    free(pt->maps);
    free(pt->last);
    free(pt->last_len);
    free(pt->buf);
    free(pt->source);
    free(pt->file);
    reid_classtable_free(&pt->cells);
    memset(pt, 0, sizeof *pt);
}

/* ---- the figures ---- */

#define UNMAPPED UINT32_MAX

/* The extract's value v of QI j at the table's level: its bytes at *out (v itself, or buf) and
 * its length; 0 when it has none (unmapped). */
static size_t level_value(const reid_poptable *pt, size_t j, const char *v, size_t len,
                          char buf[REID_SECTOR_MAX + 8], const char **out)
{
    size_t n = 0;
    int b;
    *out = buf;
    switch (pt->level[j]) {
    case REID_PT_EXACT:
        *out = v;
        n = len;
        break;
    case REID_PT_SECTOR:
        n = reid_postcode_sector(v, len, buf);
        break;
    case REID_PT_DISTRICT:
        n = reid_postcode_district(v, len, buf);
        break;
    case REID_PT_CENSUS_BAND:
        b = reid_census_age_band(v, len);
        if (b >= 0) {
            *out = reid_census_band_label(b);
            n = strlen(*out);
        }
        break;
    case REID_PT_SEX_MF:
        b = reid_sex_mf(v, len);
        buf[0] = (char)b;
        n = b ? 1 : 0;
        break;
    }
    return n;
}

/* remap[id] for every id of the extract's dictionary d of QI j: the id of its value at the
 * table's level in the table's dictionary (interned there if new), or UNMAPPED. Short mapped
 * values (a postcode's sector, at most 8 bytes) are looked up first in a snapshot of the table's
 * dictionary (valsnap.h: no hashing of the bytes, one slot compare); the 1.4 M postcodes of a
 * large extract cost one of those each instead of a dictionary look-up. */
static int remap_column(reid_poptable *pt, size_t j, const reid_dict *d, uint32_t *remap)
{
    reid_dict *pd = &pt->dicts[j];
    reid_valsnap *snap = d->count >= 4096 && pd->count <= REID_VALSNAP_MAX_VALUES
                             ? reid_valsnap_build(pd, NULL)
                             : NULL; /* without one (few values, or no memory): the dictionary */
    int rc = 0;
    remap[REID_DICT_MISSING] = UNMAPPED;
    for (uint32_t id = 1; rc == 0 && id < d->count; id++) {
        size_t len;
        const char *v = reid_dict_value(d, id, &len), *m;
        char buf[REID_SECTOR_MAX + 8];
        size_t n = level_value(pt, j, v, len, buf, &m);
        uint32_t got = 0;
        if (n == 0)
            got = UNMAPPED;
        else if (snap && n <= REID_VALSNAP_BYTES)
            got = reid_valsnap_find(snap, reid_dict_head(m, n), n);
        if (!got) rc = reid_dict_intern(pd, m, n, &got);
        remap[id] = got;
    }
    reid_valsnap_free(snap);
    return rc;
}

/* Running sums over the cells holding records (docs/population-table.md). */
typedef struct pt_sums {
    double ratio, people;
    uint64_t minF;
} pt_sums;

static void add_cell(reid_population_table *r, pt_sums *z, uint64_t f, uint64_t F, uint64_t K)
{
    if (F > 0 && F < f) {
        r->below_sample_cells++;
        r->below_sample_records += f;
    }
    uint64_t Fe = F > f ? F : f;
    r->records_placed += f;
    r->cells_used++;
    z->ratio += (double)f / (double)Fe;
    z->people += (double)Fe;
    if (Fe < z->minF) {
        z->minF = Fe;
        r->journalist_highest_records = 0;
    }
    if (Fe == z->minF) r->journalist_highest_records += f;
    if (Fe < K) r->records_at_risk += f;
    if (F == 1 && f == 1) r->population_uniques_in_sample++;
}

/* Classes placed per batch: the lookups of a batch are prefetched before they are used. */
#define PT_BATCH 16

/* Where the classes go: per cell of the table (fcell, by its index) or per absent cell. */
typedef struct pt_place {
    reid_poptable *pt;
    const reid_classtable *sample;
    uint32_t *const *remap;
    uint64_t *fcell;
    reid_classtable *absent;
} pt_place;

/* The mapped key of class c into key; 0 (and the unmatched counts) if a value cannot be mapped. */
static int map_class(pt_place *p, uint64_t c, uint32_t *key)
{
    const uint32_t *k = reid_classtable_key(p->sample, c);
    int placed = 1;
    for (size_t j = 0; j < p->pt->nq; j++) {
        key[j] = p->remap[j][k[j]];
        if (key[j] == UNMAPPED) {
            placed = 0;
            p->pt->maps[j].unmatched_records += p->sample->sizes[c];
        }
    }
    if (!placed) {
        p->pt->res.unmatched_classes++;
        p->pt->res.unmatched_records += p->sample->sizes[c];
    }
    return placed;
}

/* f records of `classes` classes in the cell with this key, which the table does not have. */
static int add_absent(pt_place *p, const uint32_t *key, uint64_t f, uint64_t classes)
{
    p->pt->res.absent_classes += classes;
    p->pt->res.absent_records += f;
    return reid_classtable_add(p->absent, key, f);
}

/* Each class's cell looked up in the table's hash table. */
static int place_hashed(pt_place *p)
{
    const size_t q = p->pt->nq;
    const reid_classtable *cells = &p->pt->cells, *sample = p->sample;
    uint32_t keys[PT_BATCH * 8], *kp = q <= 8 ? keys : malloc(PT_BATCH * q * sizeof *kp);
    int rc = kp ? 0 : -1;
    for (uint64_t c0 = 0; rc == 0 && c0 < sample->nclasses; c0 += PT_BATCH) {
        uint64_t nb = sample->nclasses - c0 < PT_BATCH ? sample->nclasses - c0 : PT_BATCH;
        uint64_t h[PT_BATCH];
        int placed[PT_BATCH];
        for (uint64_t b = 0; b < nb; b++) {
            if (!(placed[b] = map_class(p, c0 + b, kp + b * q))) continue;
            h[b] = reid_classtable_hash(cells, kp + b * q);
            reid_classtable_prefetch(cells, h[b]);
        }
        for (uint64_t b = 0; rc == 0 && b < nb; b++) {
            if (!placed[b]) continue;
            uint64_t f = sample->sizes[c0 + b];
            int64_t cell = reid_classtable_find_hashed(cells, kp + b * q, h[b]);
            if (cell >= 0)
                p->fcell[cell] += f;
            else
                rc = add_absent(p, kp + b * q, f, 1);
        }
    }
    if (kp != keys) free(kp);
    return rc;
}

/*
 * The same through a dense array: with n_j values of QI j at the table's level (the table's and
 * the extract's mapped values), a cell is the number sum_j id_j x prod_{i>j} n_i < prod n_j; the
 * records and classes of each such code are added up in an array of that size, and only the codes
 * that hold records are looked up in the table. Used when the product is small (the census table:
 * about 8,500 sectors x 3 x 17).
 *
 * The classes are read in order, but their values' remapped ids (1.4 M postcodes: 5.5 MB) and
 * their codes' sums (MBs) are at random places: a software pipeline reads class i + PT_AHEAD's
 * key and prefetches its remapped ids, maps class i + PT_AHEAD / 2 and prefetches its code's sums,
 * and adds class i, so that neither miss is waited for.
 */
#define PT_AHEAD 32

/* Records and classes of a code, on one cache line. */
typedef struct pt_code {
    uint64_t f;
    uint64_t classes;
} pt_code;

static int place_dense(pt_place *p, uint64_t ncodes)
{
    const size_t q = p->pt->nq;
    const reid_classtable *cells = &p->pt->cells, *sample = p->sample;
    const uint64_t n = sample->nclasses;
    /* zeroed, in huge pages (bigmem.h): MBs of 4 KiB pages cost a fault each */
    pt_code *sums = reid_big_alloc(ncodes * sizeof *sums);
    uint32_t *key = malloc(q * sizeof *key);
    uint64_t code[PT_AHEAD]; /* by class index mod PT_AHEAD: its code, or UINT64_MAX (unmapped) */
    int rc = sums && key ? 0 : -1;
    for (uint64_t i = 0; rc == 0 && i < n + PT_AHEAD; i++) {
        if (i < n) { /* its remapped ids fetched */
            const uint32_t *k = reid_classtable_key(sample, i);
            for (size_t j = 0; j < q; j++)
                __builtin_prefetch(&p->remap[j][k[j]]);
        }
        if (i >= PT_AHEAD / 2 && i - PT_AHEAD / 2 < n) { /* mapped, its code's sums fetched */
            const uint64_t c = i - PT_AHEAD / 2;
            uint64_t v = UINT64_MAX;
            if (map_class(p, c, key)) {
                v = 0;
                for (size_t j = 0; j < q; j++)
                    v = v * p->pt->dicts[j].count + key[j];
                __builtin_prefetch(&sums[v], 1);
            }
            code[c % PT_AHEAD] = v;
        }
        if (i >= PT_AHEAD) { /* added */
            const uint64_t c = i - PT_AHEAD, v = code[c % PT_AHEAD];
            if (v == UINT64_MAX) continue;
            sums[v].f += sample->sizes[c];
            sums[v].classes++;
        }
    }
    for (uint64_t v = 0; rc == 0 && v < ncodes; v++) {
        if (!sums[v].f) continue;
        uint64_t r = v;
        for (size_t j = q; j-- > 0;) {
            key[j] = (uint32_t)(r % p->pt->dicts[j].count);
            r /= p->pt->dicts[j].count;
        }
        int64_t cell = reid_classtable_find(cells, key);
        if (cell >= 0)
            p->fcell[cell] += sums[v].f;
        else
            rc = add_absent(p, key, sums[v].f, sums[v].classes);
    }
    reid_big_free(sums, ncodes * sizeof *sums);
    free(key);
    return rc;
}

int reid_pt_compute(reid_poptable *pt, const reid_classtable *sample, reid_dict *const *dicts,
                    uint64_t K)
{
    const size_t q = pt->nq;
    const reid_classtable *cells = &pt->cells;
    uint32_t **remap = calloc(q, sizeof *remap);
    const size_t fcell_bytes = (cells->nclasses ? cells->nclasses : 1) * sizeof(uint64_t);
    uint64_t *fcell = reid_big_alloc(fcell_bytes);
    reid_classtable absent; /* cells the table does not have, keyed like it */
    int rc = reid_classtable_init(&absent, (unsigned)q);
    if (!remap || !fcell) rc = -1;
    for (size_t j = 0; rc == 0 && j < q; j++) {
        const reid_dict *d = dicts[j];
        /* an id per value (1.4 M postcodes: 5.5 MB), in huge pages like the tables */
        if (!(remap[j] = reid_big_alloc((size_t)d->count * sizeof **remap))) {
            rc = -1;
            break;
        }
        rc = remap_column(pt, j, d, remap[j]);
    }
    reid_population_table *r = &pt->res;
    memset(r, 0, sizeof *r);
    for (size_t j = 0; j < q; j++) {
        pt->maps[j] =
            (reid_poptable_mapping){pt->qi_names[j], pt->header[j], level_names[pt->level[j]],
                                    level_descriptions[pt->level[j]], 0};
        if (pt->level[j] != REID_PT_EXACT) r->coarser = 1;
    }
    /* the dense codes when there are not many more of them than cells and classes */
    uint64_t ncodes = 1,
             most = pt->dense_max ? pt->dense_max : 2 * (cells->nclasses + sample->nclasses) + 4096;
    for (size_t j = 0; j < q && ncodes <= most; j++)
        ncodes = pt->dicts[j].count > most / ncodes + 1 ? most + 1 : ncodes * pt->dicts[j].count;
    pt_place place = {pt, sample, remap, fcell, &absent};
    if (rc == 0) rc = ncodes <= most ? place_dense(&place, ncodes) : place_hashed(&place);
    pt_sums z = {0, 0, UINT64_MAX};
    for (uint64_t i = 0; rc == 0 && i < cells->nclasses; i++)
        if (fcell[i]) add_cell(r, &z, fcell[i], cells->sizes[i], K);
    for (uint64_t i = 0; rc == 0 && i < absent.nclasses; i++)
        add_cell(r, &z, absent.sizes[i], 0, K);
    if (rc == 0) {
        r->source = pt->source;
        r->file = pt->file;
        if (pt->builtin) {
            r->title = pt->builtin->title;
            r->attribution = pt->builtin->attribution;
            r->assumption = pt->builtin->assumption;
        }
        r->cells = cells->nclasses;
        r->people = pt->people;
        r->threshold_k = K;
        if (r->cells_used) {
            double np = (double)r->records_placed;
            r->journalist_highest = 1.0 / (double)z.minF;
            r->marketer = z.ratio / np;
            r->records_at_risk_fraction = (double)r->records_at_risk / np;
            /* ARX's journalist "success rate": the larger of the two averages */
            double per_person = (double)r->cells_used / z.people;
            r->journalist_average = per_person > r->marketer ? per_person : r->marketer;
        } else { /* no record could be placed: no figure */
            r->journalist_highest = r->journalist_average = r->marketer = NAN;
            r->records_at_risk_fraction = NAN;
        }
    }
    for (size_t j = 0; remap && j < q; j++)
        reid_big_free(remap[j], (size_t)dicts[j]->count * sizeof **remap);
    free(remap);
    reid_big_free(fcell, fcell_bytes);
    reid_classtable_free(&absent);
    return rc;
}
