/* analysis.c - one input's life: header, QI choice, per-row normalisation and counting. */
#include "analysis.h"

#include "bigmem.h"

#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "columns.h"
#include "generalise.h"
#include "indivrisk.h"
#include "metrics.h"
#include "numfmt.h"
#include "parallel.h"
#include "population.h"
#include "poptable.h"
#include "record.h"
#include "sensitive.h"
#include "whatif.h"
#include "wildcard.h"

const char *reid_version(void)
{
    return REID_VERSION_STRING;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int on_row(void *user, const reid_row *row);
static int on_bad(void *user, uint64_t line, uint64_t column, const char *what);

reid_analysis *reid_analysis_new(const reid_config *cfg, const char *source_name)
{
    reid_analysis *a = calloc(1, sizeof *a);
    if (!a) return NULL;
    a->t0 = now_seconds();
    a->cfg = reid_config_copy(cfg);
    if (a->cfg) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        a->threads = cfg->threads ? cfg->threads : (cores > 0 ? (unsigned)cores : 1);
    }
    a->source = strdup(source_name ? source_name : "<input>");
    if (!a->cfg || !a->source || reid_missing_set_parse(&a->missing, cfg->missing) != 0) {
        reid_analysis_free(a);
        return NULL;
    }
    reid_reader_init(&a->reader, cfg->delimiter, cfg->strict_quotes, cfg->max_field_size, a->source,
                     &a->err, on_row, on_bad, a);
    return a;
}

void reid_analysis_free(reid_analysis *a)
{
    if (!a) return;
    if (a->pt_reading) pthread_join(a->pt_thread, NULL);
    if (a->counter_ready) reid_counter_free(&a->counter); /* stops its thread first */
    reid_parallel_free(a);
    a->counter_ready = 0;
    reid_reader_free(&a->reader);
    reid_missing_set_free(&a->missing);
    for (size_t i = 0; i < a->ncols; i++)
        free(a->names[i]);
    free(a->names);
    for (size_t i = 0; i < a->nq; i++) {
        free(a->qi[i].name);
        reid_dict_free(&a->qi[i].dict);
    }
    free(a->qi);
    for (size_t i = 0; i < a->nsens; i++) {
        free(a->sens[i].name);
        reid_dict_free(&a->sens[i].dict);
        reid_pairlog_free(&a->sens[i].pairs);
    }
    free(a->sens);
    reid_pcheck_free(a->pcheck);
    free(a->sdicts);
    free(a->spairs);
    for (size_t i = 0; i < a->nnotes; i++)
        free(a->notes[i].name);
    free(a->notes);
    free(a->keep);
    reid_classtable_free(&a->table);
    free(a->dicts);
    free(a->types);
    free(a->hist);
    reid_big_free(a->fk, a->fk_bytes);
    reid_big_free(a->Fk, a->fk_bytes);
    free(a->fk_hist);
    reid_suda2_result_free(&a->suda2);
    reid_subsets_free(&a->subsets);
    reid_pt_free(a->poptable);
    free(a->poptable);
    reid_generalise_free(a);
    if (a->people_ready) reid_people_counter_free(&a->people_c);
    if (a->events_ready) reid_events_counter_free(&a->events_c);
    reid_events_cols_free(a->evcols, a->nevcols);
    reid_pseudo_sniff_free(&a->sniff);
    free(a->warnings);
    reid_config_free(a->cfg);
    free(a->source);
    free(a);
}

static int nomem(reid_analysis *a)
{
    reid_error_set(&a->err, REID_ERR_NOMEM, 0, 0, "%s: out of memory", a->source);
    return -1;
}

/* ---- the header and the choice of quasi-identifiers ---- */

static int add_qi(reid_analysis *a, size_t col, reid_qi_type type, const char *reason)
{
    reid_qi *q = &a->qi[a->nq];
    memset(q, 0, sizeof *q);
    q->col = col;
    q->type = type;
    snprintf(q->reason, sizeof q->reason, "%s", reason);
    if (!(q->name = strdup(a->names[col])) || reid_dict_init(&q->dict) != 0) {
        free(q->name);
        return nomem(a);
    }
    a->nq++;
    return 0;
}

static int add_note(reid_analysis *a, size_t col, const char *note)
{
    reid_note *n = realloc(a->notes, (a->nnotes + 1) * sizeof *n);
    if (!n) return nomem(a);
    a->notes = n;
    n[a->nnotes].note[0] = 0;
    snprintf(n[a->nnotes].note, sizeof n[a->nnotes].note, "%s", note);
    if (!(n[a->nnotes].name = strdup(a->names[col]))) return nomem(a);
    a->nnotes++;
    return 0;
}

static void list_columns(const reid_analysis *a, char *out, size_t cap)
{
    size_t used = 0;
    out[0] = 0;
    for (size_t i = 0; i < a->ncols && used + 1 < cap; i++) {
        int w = snprintf(out + used, cap - used, "%s%s", i ? ", " : "", a->names[i]);
        if (w < 0) break;
        used += (size_t)w;
    }
    if (used >= cap && cap > 4) memcpy(out + cap - 4, "...", 4);
}

static int config_error(reid_analysis *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int config_error(reid_analysis *a, const char *fmt, ...)
{
    char msg[REID_ERRMSG_MAX - 64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    reid_error_set(&a->err, REID_ERR_CONFIG, 0, 0, "%s: %s", a->source, msg);
    return -1;
}

/*
 * The column a setting names: by header name (case-insensitive, with a suggestion when
 * unknown), or by 1-based number without a header. role: "" / "weight " / "sensitive " in
 * "no %scolumn named"; numbers: how the no-header rule reads for this role. -1 after an error.
 */
static long find_column(reid_analysis *a, const char *name, const char *role, const char *numbers)
{
    if (a->cfg->has_header) {
        long col = reid_column_find(a->names, a->ncols, name);
        if (col >= 0) return col;
        char cols[400];
        list_columns(a, cols, sizeof cols);
        const char *near = reid_column_nearest(a->names, a->ncols, name);
        if (near)
            return config_error(a, "no %scolumn named '%s'; did you mean '%s'? The columns are: %s",
                                role, name, near, cols);
        return config_error(a, "no %scolumn named '%s'. The columns are: %s", role, name, cols);
    }
    char *end;
    unsigned long v = strtoul(name, &end, 10);
    if (*end || end == name || v < 1 || v > a->ncols)
        return config_error(a, "without a header row, %s from 1 to %zu; '%s' is not one", numbers,
                            a->ncols, name);
    return (long)v - 1;
}

static int resolve_given(reid_analysis *a)
{
    const reid_config *cfg = a->cfg;
    for (size_t i = 0; i < cfg->nqis; i++) {
        const reid_qi_spec *s = &cfg->qis[i];
        long col = find_column(a, s->name, "", "quasi-identifiers are column numbers");
        if (col < 0) return -1;
        for (size_t j = 0; j < a->nq; j++)
            if (a->qi[j].col == (size_t)col)
                return config_error(a, "column %ld ('%s') is listed twice as a quasi-identifier",
                                    col + 1, a->names[col]);
        reid_qi_type type = s->type;
        char reason[200];
        if (type == REID_TYPE_AUTO) {
            type = cfg->has_header ? reid_category_type(reid_category_of(a->names[col]))
                                   : REID_TYPE_TEXT;
            snprintf(reason, sizeof reason, "given with --qi");
        } else {
            snprintf(reason, sizeof reason, "given with --qi as type %s", reid_qi_type_name(type));
        }
        if (add_qi(a, (size_t)col, type, reason) != 0) return -1;
    }
    return 0;
}

/* The weight column (reid_config_set_weight): found like a QI, never a QI itself. */
static int resolve_weight(reid_analysis *a)
{
    const char *w = a->cfg->weight;
    long col = find_column(a, w, "weight ", "the weight column is a column number");
    if (col < 0) return -1;
    for (size_t j = 0; j < a->nq; j++)
        if (a->qi[j].col == (size_t)col)
            return config_error(a,
                                "column %ld ('%s') cannot be both the weight column and a "
                                "quasi-identifier",
                                col + 1, a->names[col]);
    a->weighted = 1;
    a->weight_col = (size_t)col;
    a->indiv.weight_column = a->names[col];
    return 0;
}

/* The sensitive columns (reid_config_add_sensitive): found like a QI, never a QI or the weight. */
static int resolve_sensitive(reid_analysis *a)
{
    const reid_config *cfg = a->cfg;
    if (!cfg->nsensitive) return 0;
    a->sens = calloc(cfg->nsensitive, sizeof *a->sens);
    a->sdicts = calloc(cfg->nsensitive, sizeof *a->sdicts);
    a->spairs = calloc(cfg->nsensitive, sizeof *a->spairs);
    if (!a->sens || !a->sdicts || !a->spairs) return nomem(a);
    for (size_t i = 0; i < cfg->nsensitive; i++) {
        const char *w = cfg->sensitive[i];
        long col = find_column(a, w, "sensitive ", "a sensitive column is a column number");
        if (col < 0) return -1;
        for (size_t j = 0; j < a->nq; j++)
            if (a->qi[j].col == (size_t)col)
                return config_error(a,
                                    "column %ld ('%s') cannot be both a sensitive column and a "
                                    "quasi-identifier",
                                    col + 1, a->names[col]);
        if (a->weighted && a->weight_col == (size_t)col)
            return config_error(a,
                                "column %ld ('%s') cannot be both a sensitive column and the "
                                "weight column",
                                col + 1, a->names[col]);
        for (size_t j = 0; j < a->nsens; j++)
            if (a->sens[j].col == (size_t)col)
                return config_error(a, "column %ld ('%s') is listed twice as a sensitive column",
                                    col + 1, a->names[col]);
        reid_sens *sv = &a->sens[a->nsens];
        sv->col = (size_t)col;
        if (!(sv->name = strdup(a->names[col]))) return nomem(a);
        a->nsens++; /* from here on free() releases what init allocated */
        reid_pairlog_init(&sv->pairs);
        if (reid_dict_init(&sv->dict) != 0) return nomem(a);
        a->sdicts[i] = &sv->dict;
        a->spairs[i] = &sv->pairs;
    }
    return 0;
}

/* Attribute risks (docs/attribute-risk.md): refused with "matches_any", and bounded in number. */
static int check_attribute_risks(reid_analysis *a)
{
    const reid_config *cfg = a->cfg;
    if (!cfg->attr_risks) return 0;
    if (cfg->missing_any)
        return config_error(a, "the attribute risks (--attribute-risks) count exact matches and "
                               "cannot be combined with \"a missing value matches any value\" "
                               "(--missing-matches-any); drop one of the two");
    size_t m = reid_subsets_max_size(a->nq, cfg->max_subset_size);
    uint64_t total = reid_subsets_number(a->nq, m);
    if (total > REID_MAX_SUBSETS)
        return config_error(a,
                            "the attribute risks of %zu quasi-identifiers with subsets of up to "
                            "%zu would need %llu subsets, more than the %u allowed; give a "
                            "smaller --max-subset-size",
                            a->nq, m, (unsigned long long)total, REID_MAX_SUBSETS);
    return 0;
}

static void *pt_read_thread(void *arg)
{
    reid_analysis *a = arg;
    a->pt_rc = reid_pt_read(a->poptable);
    return NULL;
}

/* Wait for the population table's rows, if they are being read; its error becomes the analysis's,
 * in place of any error the extract gave since: on one thread the rows are read as soon as the
 * extract's header is, before any record, so their error comes first there, and the messages are
 * the same for every thread count. 0, or -1 with a->err set. */
static int pt_join(reid_analysis *a)
{
    if (!a->pt_reading) return 0;
    pthread_join(a->pt_thread, NULL);
    a->pt_reading = 0;
    a->poptable->err = &a->err;
    if (a->pt_rc == 0) return 0;
    reid_error_clear(&a->err);
    if (a->pt_err.status)
        reid_error_set(&a->err, a->pt_err.status, a->pt_err.line, a->pt_err.column, "%s",
                       a->pt_err.msg);
    else
        nomem(a);
    return -1;
}

/* The population table (docs/population-table.md), opened once the QIs are known: its header
 * now, so that a table that does not fit the QIs stops the run before the extract is read; its
 * rows on a thread of their own beside the counting (with two threads or more), joined before
 * the figures. */
static int load_poptable(reid_analysis *a)
{
    char *path = NULL;
    const reid_pt_builtin *builtin = NULL;
    char **names = calloc(a->nq, sizeof *names);
    if (!names || !(a->poptable = calloc(1, sizeof *a->poptable))) {
        free(names);
        return nomem(a);
    }
    for (size_t i = 0; i < a->nq; i++)
        names[i] = a->qi[i].name;
    int rc = reid_pt_resolve(a->cfg->population_table, a->cfg->data_dirs, a->cfg->ndata_dirs, &path,
                             &builtin, &a->err);
    if (rc == 0)
        rc = reid_pt_open(a->poptable, a->cfg->population_table, path, builtin, names, a->types,
                          a->nq, &a->missing, &a->err);
    free(path);
    free(names);
    /* a QI the table maps itself (postcode -> sector, age -> band) must reach it as it is: a
     * generalised value ("30-39", "SW1A") cannot be mapped, and every record would be left out */
    for (size_t i = 0; rc == 0 && a->gen_level && i < a->nq; i++)
        if (a->gen_level[i] && a->poptable->level[i] != REID_PT_EXACT)
            rc = config_error(a,
                              "--generalise coarsens '%s', which the population table maps to "
                              "its own level ('%s'); drop the column from --generalise, or give "
                              "a table at the generalised level",
                              a->qi[i].name, a->poptable->header[i]);
    if (rc != 0) return rc;
    if (a->threads >= 2) {
        reid_error_clear(&a->pt_err);
        a->poptable->err = &a->pt_err;
        if (pthread_create(&a->pt_thread, NULL, pt_read_thread, a) == 0) {
            a->pt_reading = 1;
            return 0;
        }
        a->poptable->err = &a->err;
    }
    return reid_pt_read(a->poptable);
}

/* The pseudonym column (reid_config_set_id): found like a QI, never a QI, the weight or a
 * sensitive column. The sex and date-of-birth columns are found by name for the linkage checks. */
static int resolve_id(reid_analysis *a)
{
    a->sex_col = a->dob_col = -1;
    const char *w = a->cfg->id_column;
    if (!w) return 0;
    long col = find_column(a, w, "id ", "the id column is a column number");
    if (col < 0) return -1;
    const char *other = NULL;
    for (size_t j = 0; j < a->nq; j++)
        if (a->qi[j].col == (size_t)col) other = "a quasi-identifier";
    if (a->weighted && a->weight_col == (size_t)col) other = "the weight column";
    for (size_t j = 0; j < a->nsens; j++)
        if (a->sens[j].col == (size_t)col) other = "a sensitive column";
    if (other)
        return config_error(a, "column %ld ('%s') cannot be both the id (pseudonym) column and %s",
                            col + 1, a->names[col], other);
    a->have_id = 1;
    a->id_col = (size_t)col;
    for (size_t i = 0; i < a->nnotes; i++) /* noted as a pseudonym: now it is the id */
        if (strcmp(a->notes[i].name, a->names[col]) == 0)
            snprintf(a->notes[i].note, sizeof a->notes[i].note,
                     "the pseudonym column (--id): rows with the same value are one person");
    a->people.id_column = a->names[col];
    for (size_t i = 0; a->cfg->has_header && i < a->ncols; i++) {
        reid_category cat = reid_category_of(a->names[i]);
        if (cat == REID_CAT_SEX && a->sex_col < 0) a->sex_col = (long)i;
        if (cat == REID_CAT_DOB && a->dob_col < 0) a->dob_col = (long)i;
    }
    if (reid_people_counter_init(&a->people_c, a->sex_col >= 0, a->dob_col >= 0) != 0)
        return nomem(a);
    a->people_ready = 1;
    return 0;
}

/* Is column col one of the event columns (--events), by name? */
static int is_event_column(const reid_analysis *a, size_t col)
{
    for (size_t i = 0; i < a->nevcols; i++)
        if (reid_column_find(a->names + col, 1, a->evcols[i].name) == 0) return 1;
    return 0;
}

/* The event columns (reid_config_set_events): parsed before the QIs are chosen (an event column
 * is not an auto-detected QI), found like a QI after; they need the pseudonym column. */
static int parse_events(reid_analysis *a)
{
    if (!a->cfg->events) return 0;
    char err[200];
    int rc = reid_events_parse(a->cfg->events, &a->evcols, &a->nevcols, err, sizeof err);
    if (rc == -2) return nomem(a);
    if (rc != 0) return config_error(a, "%s", err);
    if (a->nevcols > 64) return config_error(a, "at most 64 event columns");
    return 0;
}

static int resolve_events(reid_analysis *a)
{
    if (!a->nevcols) return 0;
    if (!a->have_id)
        return config_error(a, "event columns need the pseudonym column (--id): a trail is the "
                               "events of one person");
    for (size_t i = 0; i < a->nevcols; i++) {
        reid_event_col *e = &a->evcols[i];
        long col = find_column(a, e->name, "event ", "an event column is a column number");
        if (col < 0) return -1;
        if ((size_t)col == a->id_col)
            return config_error(a,
                                "column %ld ('%s') cannot be both the id (pseudonym) column and "
                                "an event column",
                                col + 1, a->names[col]);
        for (size_t j = 0; j < i; j++)
            if (a->evcols[j].col == (size_t)col)
                return config_error(a, "column %ld ('%s') is listed twice as an event column",
                                    col + 1, a->names[col]);
        e->col = (size_t)col;
        if (e->type == REID_TYPE_AUTO)
            e->type = a->cfg->has_header ? reid_category_type(reid_category_of(a->names[col]))
                                         : REID_TYPE_TEXT;
    }
    reid_event_col *cols = a->evcols;
    size_t n = a->nevcols;
    a->evcols = NULL; /* the counter owns them from here on, also when its init fails */
    a->nevcols = 0;
    if (reid_events_counter_init(&a->events_c, cols, n) != 0) return nomem(a);
    a->events_ready = 1;
    return 0;
}

/* The pseudonym column to check (reid_config_set_pseudonym_check): found like a QI. */
static int resolve_pseudonym(reid_analysis *a)
{
    const reid_config *cfg = a->cfg;
    if (!cfg->pseudonym_col) return 0;
    long col =
        find_column(a, cfg->pseudonym_col, "pseudonym ", "the pseudonym column is a column number");
    if (col < 0) return -1;
    a->pcheck = reid_pcheck_new(a->names[col], (size_t)col, (size_t)cfg->pseudonym_sample,
                                cfg->pseudonym_seed);
    return a->pcheck ? 0 : nomem(a);
}

static int choose_qis(reid_analysis *a)
{
    const reid_config *cfg = a->cfg;
    size_t want = cfg->nqis ? cfg->nqis : a->ncols;
    a->qi = calloc(want ? want : 1, sizeof *a->qi);
    reid_detected *det = cfg->has_header ? calloc(a->ncols, sizeof *det) : NULL;
    if (!a->qi || (cfg->has_header && !det)) {
        free(det);
        return nomem(a);
    }
    size_t nd = cfg->has_header ? reid_autodetect(a->names, a->ncols, det) : 0;
    int rc = parse_events(a);
    for (size_t i = 0; rc == 0 && !cfg->nqis && i < nd; i++)
        if (det[i].use && is_event_column(a, det[i].column)) {
            det[i].use = 0;
            snprintf(det[i].why, sizeof det[i].why,
                     "an event column (--events): part of each person's trail, not a "
                     "quasi-identifier");
        }
    if (cfg->nqis) {
        rc = resolve_given(a);
        for (size_t i = 0; rc == 0 && i < nd; i++)
            if (det[i].cat == REID_CAT_PSEUDONYM || det[i].cat == REID_CAT_DIRECT_ID)
                rc = add_note(a, det[i].column, det[i].why);
    } else if (!cfg->has_header) {
        rc = config_error(a, "without a header row, give the quasi-identifiers by column number "
                             "with --qi (e.g. --qi 2,3,5)");
    } else {
        for (size_t i = 0; rc == 0 && i < nd; i++) {
            if (det[i].use)
                rc = add_qi(a, det[i].column, reid_category_type(det[i].cat), det[i].why);
            else
                rc = add_note(a, det[i].column, det[i].why);
        }
        if (rc == 0 && a->nq == 0) {
            char cols[400];
            list_columns(a, cols, sizeof cols);
            rc = config_error(a,
                              "no quasi-identifier recognised among the columns (%s); name them "
                              "with --qi, e.g. --qi '%s'",
                              cols, a->ncols ? a->names[0] : "");
        }
    }
    free(det);
    if (rc == 0 && cfg->weight) rc = resolve_weight(a);
    if (rc == 0) rc = resolve_sensitive(a);
    if (rc == 0) rc = check_attribute_risks(a);
    if (rc == 0) rc = resolve_id(a);
    if (rc == 0) rc = resolve_events(a);
    if (rc == 0) rc = resolve_pseudonym(a);
    if (rc != 0) return -1;
    a->keep = calloc(a->ncols, 1);
    a->dicts = calloc(a->nq, sizeof *a->dicts);
    if (!a->keep || !a->dicts || reid_classtable_init(&a->table, (unsigned)a->nq) != 0)
        return nomem(a);
    if (a->weighted && reid_classtable_use_weights(&a->table) != 0) return nomem(a);
    if (a->nsens && reid_classtable_use_sensitive(&a->table, (unsigned)a->nsens) != 0)
        return nomem(a);
    if (a->cfg->positions && reid_classtable_use_positions(&a->table) != 0) return nomem(a);
    /* the wildcard rule reads the classes with a missing value from a list kept while counting */
    if (a->cfg->missing_any && reid_classtable_track_missing(&a->table) != 0) return nomem(a);
    for (size_t i = 0; i < a->nq; i++)
        a->dicts[i] = &a->qi[i].dict;
    a->counter_ready = 1; /* even when init fails half-way: free() undoes what it did */
    a->types = calloc(a->nq, sizeof *a->types);
    if (!a->types) return nomem(a);
    for (size_t i = 0; i < a->nq; i++)
        a->types[i] = a->qi[i].type;
    if (reid_counter_init(&a->counter, a->nq, a->types, &a->missing, a->dicts, &a->table,
                          a->threads) != 0)
        return nomem(a);
    a->counter.max_memory = a->cfg->max_memory;
    if (a->weighted && reid_counter_use_weights(&a->counter) != 0) return nomem(a);
    if (reid_counter_use_sensitive(&a->counter, a->nsens, a->sdicts, a->spairs) != 0)
        return nomem(a);
    if (a->cfg->positions && reid_counter_use_positions(&a->counter) != 0) return nomem(a);
    if (reid_generalise_setup(a) != 0) return -1;
    for (size_t i = 0; i < a->nq; i++)
        a->keep[a->qi[i].col] = 1;
    if (a->weighted) a->keep[a->weight_col] = 1;
    for (size_t i = 0; i < a->nsens; i++)
        a->keep[a->sens[i].col] = 1;
    if (a->have_id) {
        if (reid_counter_use_people(&a->counter, &a->people_c) != 0) return nomem(a);
        a->keep[a->id_col] = 1;
        if (a->sex_col >= 0) a->keep[a->sex_col] = 1;
        if (a->dob_col >= 0) a->keep[a->dob_col] = 1;
        if (a->events_ready) {
            if (reid_counter_use_events(&a->counter, &a->events_c) != 0) return nomem(a);
            for (size_t i = 0; i < a->events_c.ne; i++)
                a->keep[a->events_c.cols[i].col] = 1;
        }
    } else {
        /* no pseudonym column given: look at the others for one (pseudosniff.h) */
        if (reid_pseudo_sniff_init(&a->sniff, a->names, a->ncols, a->keep) != 0) return nomem(a);
        a->sniffing = 1;
        for (size_t i = 0; i < a->sniff.n; i++)
            a->keep[a->sniff.c[i].col] = 1;
    }
    if (a->pcheck) a->keep[a->pcheck->col] = 1;
    reid_reader_keep(&a->reader, a->keep, a->ncols);
    return a->cfg->population_table ? load_poptable(a) : 0;
}

/* Whether a header name reads as a data value: a number, a date or a full UK postcode. */
static int looks_like_data(const char *s, size_t len)
{
    if (!len) return 0;
    size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0, digits = 0, dots = 0;
    for (; i < len && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.'); i++) {
        digits += s[i] != '.';
        dots += s[i] == '.';
    }
    if (i == len && digits && dots <= 1) return 1;
    if (len > 32) return 0;
    char out[32 + REID_NORM_EXTRA];
    int ok;
    reid_normalise(REID_TYPE_DATE, s, len, out, &ok);
    if (ok) return 1;
    reid_normalise(REID_TYPE_POSTCODE, s, len, out, &ok);
    return ok;
}

/*
 * A forgotten --no-header would make the first record's values column names, which messages
 * and reports print: a header with a name that reads as data is refused (without naming it)
 * unless the caller said the header is to be taken as it is.
 */
static int check_header(reid_analysis *a, const reid_row *row)
{
    size_t n = 0, first = 0;
    for (size_t i = 0; i < row->nfields; i++) {
        const char *s = row->ptr[i];
        size_t len = row->len[i];
        reid_trim(&s, &len);
        if (looks_like_data(s, len) && n++ == 0) first = i + 1;
    }
    if (!n) return 0;
    reid_error_set(&a->err, REID_ERR_INPUT, row->line, first,
                   "%s: line %llu: the first row looks like data, not a header (%zu of its %zu "
                   "fields read as a number, a date or a postcode, the first in column %zu); if "
                   "the file has no header, say so (--no-header); to use the row as column "
                   "names anyway, --header",
                   a->source, (unsigned long long)row->line, n, row->nfields, first);
    return -1;
}

static int take_header(reid_analysis *a, const reid_row *row)
{
    if (a->cfg->has_header && !a->cfg->header_as_is && check_header(a, row) != 0) return -1;
    a->ncols = row->nfields;
    a->names = calloc(a->ncols, sizeof *a->names);
    if (!a->names) return nomem(a);
    for (size_t i = 0; i < a->ncols; i++) {
        const char *s = row->ptr[i];
        size_t len = row->len[i];
        reid_trim(&s, &len);
        if (a->cfg->has_header && len) {
            size_t bad;
            if (!reid_utf8_valid(s, len, &bad)) {
                reid_error_set(&a->err, REID_ERR_INPUT, row->line, i + 1,
                               "%s: line %llu, column %zu: the header name is not valid UTF-8 "
                               "(byte %zu)",
                               a->source, (unsigned long long)row->line, i + 1, bad + 1);
                return -1;
            }
            a->names[i] = strndup(s, len);
        } else {
            char b[32];
            snprintf(b, sizeof b, "column %zu", i + 1);
            a->names[i] = strdup(b);
        }
        if (!a->names[i]) return nomem(a);
    }
    if (a->cfg->has_header) {
        for (size_t i = 0; i < a->ncols; i++) {
            if (!row->len[i]) continue;
            long j = reid_column_find(a->names, i, a->names[i]);
            if (j >= 0) {
                reid_error_set(&a->err, REID_ERR_INPUT, row->line, i + 1,
                               "%s: line %llu, column %zu: duplicate column name '%s' (also "
                               "column %ld); column names must be unique",
                               a->source, (unsigned long long)row->line, i + 1, a->names[i], j + 1);
                return -1;
            }
        }
    }
    a->have_layout = 1;
    reid_reader_names(&a->reader, a->names, a->ncols);
    return choose_qis(a);
}

/* ---- records ---- */

static int on_bad(void *user, uint64_t line, uint64_t column, const char *what)
{
    reid_analysis *a = user;
    char msg[REID_ERRMSG_MAX];
    if (column && column <= a->ncols)
        snprintf(msg, sizeof msg, "%s: line %llu, column %llu (%s): %s", a->source,
                 (unsigned long long)line, (unsigned long long)column, a->names[column - 1], what);
    else if (column)
        snprintf(msg, sizeof msg, "%s: line %llu, column %llu: %s", a->source,
                 (unsigned long long)line, (unsigned long long)column, what);
    else
        snprintf(msg, sizeof msg, "%s: line %llu: %s", a->source, (unsigned long long)line, what);
    if (a->cfg->skip_bad_rows && a->have_layout) {
        if (a->skipped++ == 0) snprintf(a->first_skip, sizeof a->first_skip, "%s", msg);
        return 0;
    }
    reid_error_set(&a->err, REID_ERR_INPUT, line, column, "%s%s", msg,
                   a->have_layout && !a->cfg->skip_bad_rows ? " (--skip-bad-rows skips such rows)"
                                                            : "");
    return -1;
}

/* The counter's error (out of memory) becomes the analysis' error. */
static int counter_failed(reid_analysis *a)
{
    reid_error_set(&a->err, a->counter.err.status, 0, 0, "%s: %s", a->source, a->counter.err.msg);
    return -1;
}

static int on_row(void *user, const reid_row *row)
{
    reid_analysis *a = user;
    int first = !a->have_layout;
    if (first) {
        if (take_header(a, row) != 0) return -1;
        if (a->cfg->has_header) return 0;
    }
    reid_batch *b = reid_counter_batch(&a->counter);
    reid_bad_record bad;
    int rc = reid_record_fill(a, b, row, a->data_rows + a->skipped + 1, &bad);
    if (rc < 0) return nomem(a);
    if (rc > 0) return on_bad(a, row->line, bad.column, bad.what);
    if (a->sniffing && !a->sniff.done)
        reid_pseudo_sniff_row(&a->sniff, row->ptr, row->len, &a->missing);
    if (a->pcheck) { /* the pseudonym sample: trimmed, missing values left out */
        const char *s = row->ptr[a->pcheck->col];
        size_t len = row->len[a->pcheck->col];
        reid_trim(&s, &len);
        if (!reid_missing_set_has(&a->missing, s, len) && reid_pcheck_offer(a->pcheck, s, len))
            return nomem(a);
    }
    if (++a->data_rows == REID_SIZE_SAMPLE && a->cfg->input_size && a->reader.offset)
        reid_counter_expect(&a->counter, (uint64_t)((double)a->cfg->input_size * REID_SIZE_SAMPLE /
                                                    (double)a->reader.offset));
    return reid_counter_record_done(&a->counter) == 0 ? 0 : counter_failed(a);
}

void reid_set_release(reid_analysis *a, reid_release_fn fn, void *user)
{
    a->release = fn;
    a->release_user = user;
}

reid_status reid_feed(reid_analysis *a, const void *buf, size_t len)
{
    if (a->err.status) return a->err.status;
    if (a->finished)
        return reid_error_set(&a->err, REID_ERR_STATE, 0, 0, "%s: reid_feed after reid_finish",
                              a->source);
    reid_parallel_feed(a, buf, len);
    if (a->err.status) pt_join(a); /* the table's error, if it has one, comes first */
    return a->err.status;
}

/* The person-level figures (--id) and the warnings (docs/people.md). 0, or -1 after an error. */
static int people_figures(reid_analysis *a)
{
    a->have_people = 0;
    if (a->have_id) {
        const char *col = a->people.id_column;
        if (reid_people_compute(&a->people_c, &a->table, a->cfg->k, &a->people) != 0)
            return nomem(a);
        a->people.id_column = col;
        a->have_people = 1;
    }
    if (a->events_ready && !a->have_lon) {
        if (reid_longitudinal_compute(&a->events_c, a->people_c.ids.count, a->people_c.anon,
                                      a->cfg->seed, a->cfg->events_sample, &a->lon) != 0)
            return nomem(a);
        a->lon.columns = a->cfg->events;
        a->have_lon = 1;
    }
    free(a->warnings);
    a->warnings = NULL;
    a->nwarnings = 0;
    for (size_t i = 0; a->sniffing && i < a->sniff.n; i++) {
        if (!reid_pseudo_sniff_hit(&a->sniff, i)) continue;
        const reid_sniff_col *c = &a->sniff.c[i];
        reid_warn *w = realloc(a->warnings, (a->nwarnings + 1) * sizeof *w);
        if (!w) return nomem(a);
        a->warnings = w;
        w += a->nwarnings++;
        w->code = "pseudonym_without_id";
        char n1[32], n2[32];
        snprintf(w->message, sizeof w->message,
                 "column '%s' looks like a pseudonym (%s; %s distinct values in %s, some "
                 "repeated): a person may have several rows, and every figure counts rows, not "
                 "people; give --id '%s' to count people",
                 a->names[c->col], c->byname ? "its name" : "its values are tokens",
                 reid_fmt_count(reid_dict_values(&c->seen), n1), reid_fmt_count(c->values, n2),
                 a->names[c->col]);
    }
    return 0;
}

/* The sensitive columns' measures: they read the class table and their own pair tables and
 * dictionaries only, so they can run beside the wildcard frequencies and the population models.
 * Each column's classes are shared by `threads` threads. 0, or -1 when out of memory. */
static int compute_sensitive(reid_analysis *a, size_t first, size_t step, unsigned threads)
{
    for (size_t m = first; m < a->nsens; m += step) {
        reid_sens *sv = &a->sens[m];
        /* the records per value counted while reading, unless records were merged in since */
        const uint64_t *counts = a->merged || !a->counter.svcount ? NULL : a->counter.svcount[m];
        /* the pairs added since the last fold (all of them, in most runs) sorted in, within what
         * the memory limit left them at the end of the counting (pairs.budget) */
        if (reid_pairlog_fold(&sv->pairs) != 0) return -1;
        if (reid_sensitive_compute(&a->table, (unsigned)m, &sv->pairs, &sv->dict,
                                   a->cfg->recursive_c, counts, threads, &sv->res) != 0)
            return -1;
        sv->res.column = sv->name;
        sv->res.missing = sv->missing;
    }
    return 0;
}

typedef struct sens_job {
    reid_analysis *a;
    pthread_t thread;
    int started;
    int split; /* the thread takes the odd columns, the caller the even ones */
    int rc;
} sens_job;

static void *sens_thread(void *arg)
{
    sens_job *j = arg;
    j->rc = j->split ? compute_sensitive(j->a, 1, 2, 1) : compute_sensitive(j->a, 0, 1, 1);
    return NULL;
}

/* Wait for the sensitive measures (computing them, or their share, here; with nothing beside
 * them, a column's classes shared by every thread). */
static int sens_join(sens_job *j)
{
    if (!j->started) return compute_sensitive(j->a, 0, 1, j->a->threads);
    int rc = j->split ? compute_sensitive(j->a, 0, 2, 1) : 0;
    pthread_join(j->thread, NULL);
    j->started = 0;
    return rc ? rc : j->rc;
}

static reid_status compute_models(reid_analysis *a, sens_job *sj);

/* The sensitive measures failed: the memory limit refused to sort a column's pairs, or memory ran
 * out. */
static void sens_failed(reid_analysis *a)
{
    for (size_t m = 0; m < a->nsens; m++)
        if (a->sens[m].pairs.over_budget) {
            reid_error_set(&a->err, REID_ERR_NOMEM, 0, 0,
                           "%s: sorting the pairs of sensitive column '%s' would need more than "
                           "the memory limit of %.1f MiB (--max-memory); raise the limit, or use "
                           "fewer or coarser quasi-identifiers",
                           a->source, a->sens[m].name, (double)a->cfg->max_memory / 1048576.0);
            return;
        }
    nomem(a);
}

static reid_status compute(reid_analysis *a)
{
    /* with 2 threads or more, the sensitive measures (a pass over every class per column) run on a
     * second thread beside the other models, or share two threads between their columns; each
     * column's results are computed as on one thread */
    sens_job sj = {a, 0, 0, 0, 0};
    a->have_sens = 0;
    int others = a->cfg->missing_any || a->cfg->population_size || a->cfg->sampling_fraction > 0 ||
                 a->weighted || a->poptable || a->cfg->suda2 || a->cfg->attr_risks;
    sj.split = !others && a->nsens >= 2; /* nothing else to do: the columns share the threads */
    if (a->nsens && a->threads >= 2 && (others || sj.split))
        sj.started = pthread_create(&sj.thread, NULL, sens_thread, &sj) == 0;
    reid_status st = compute_models(a, &sj);
    if (sj.started) sens_join(&sj); /* an early failure: still wait for the thread */
    return st;
}

static reid_status compute_models(reid_analysis *a, sens_job *sj)
{
    free(a->hist);
    a->hist = NULL;
    if (reid_metrics_compute(&a->table, a->cfg->k, &a->sum, &a->hist, &a->nhist) != 0) {
        nomem(a);
        return a->err.status;
    }
    a->sum.skipped_rows = a->skipped;
    reid_big_free(a->fk, a->fk_bytes);
    reid_big_free(a->Fk, a->fk_bytes);
    free(a->fk_hist);
    a->fk = a->Fk = NULL;
    a->fk_hist = NULL;
    a->nfk_hist = 0;
    if (a->cfg->missing_any) {
        /* the population models below keep the exact-match histogram (docs/missing-wildcard.md) */
        int rc;
        if (a->weighted) {
            /* the individual risks need each class's fk and Fk: arrays, in huge pages (an array
             * per class is tens of MB, and 4 KiB pages cost a fault each) */
            uint64_t u = a->table.nclasses ? a->table.nclasses : 1;
            a->fk_bytes = u * sizeof *a->fk;
            a->fk = reid_big_alloc(a->fk_bytes);
            a->Fk = reid_big_alloc(a->fk_bytes);
            rc =
                !a->fk || !a->Fk ||
                reid_wildcard_fk(&a->table, a->cfg->missing_alpha, a->fk, a->Fk, a->threads) != 0 ||
                reid_metrics_wildcard(&a->table, a->fk, a->cfg->k, &a->sum, &a->fk_hist,
                                      &a->nfk_hist) != 0;
        } else {
            /* only the figures: the distinct fk values gathered, no array per class */
            reid_fk_agg g = {0};
            rc = reid_wildcard_fk_agg(&a->table, a->cfg->missing_alpha, &g, a->threads) != 0;
            if (rc)
                reid_fk_agg_free(&g);
            else
                rc = reid_metrics_wildcard_agg(&a->table, &g, a->cfg->k, &a->sum, &a->fk_hist,
                                               &a->nfk_hist) != 0;
        }
        if (rc) {
            nomem(a);
            return a->err.status;
        }
    }
    a->have_pop = 0;
    if (a->cfg->population_size || a->cfg->sampling_fraction > 0) {
        uint64_t n = a->sum.records;
        uint64_t N = a->cfg->population_size
                         ? a->cfg->population_size
                         : reid_population_size_for(n, a->cfg->sampling_fraction);
        if (N < n) {
            char bn[32], bs[32];
            return reid_error_set(&a->err, REID_ERR_CONFIG, 0, 0,
                                  "%s: the population size %s is smaller than the %s records "
                                  "read; the extract must be a sample of the population",
                                  a->source, reid_fmt_count(N, bn), reid_fmt_count(n, bs));
        }
        reid_population_estimate(a->hist, a->nhist, n, N, &a->pop);
        a->have_pop = 1;
    }
    if (a->weighted)
        reid_indivrisk_compute(&a->table, a->fk, a->Fk, a->cfg->risk_threshold, &a->indiv);
    reid_suda2_result_free(&a->suda2);
    a->have_suda2 = 0;
    if (a->cfg->suda2) {
        if (a->nq > REID_SUDA2_MAX_QIS)
            return reid_error_set(&a->err, REID_ERR_CONFIG, 0, 0,
                                  "%s: SUDA2 takes at most %d quasi-identifiers; %zu were chosen",
                                  a->source, REID_SUDA2_MAX_QIS, a->nq);
        if (a->table.nclasses >= 0x80000000u)
            return reid_error_set(&a->err, REID_ERR_CONFIG, 0, 0,
                                  "%s: SUDA2 takes at most 2^31 - 1 classes", a->source);
        uint32_t nvals[REID_SUDA2_MAX_QIS];
        for (size_t i = 0; i < a->nq; i++)
            nvals[i] = a->qi[i].dict.count;
        if (reid_suda2_compute(&a->table, nvals, a->cfg->suda2_max_size, a->cfg->suda2_fraction,
                               a->cfg->positions, &a->suda2) != 0) {
            nomem(a);
            return a->err.status;
        }
        a->have_suda2 = 1;
    }
    reid_subsets_free(&a->subsets);
    if (a->cfg->attr_risks) {
        uint32_t *card = malloc((a->nq ? a->nq : 1) * sizeof *card);
        int rc = card ? 0 : -1;
        for (size_t i = 0; card && i < a->nq; i++)
            card[i] = a->qi[i].dict.count;
        double t0 = now_seconds();
        if (rc == 0)
            rc = reid_subsets_compute(&a->table, card,
                                      reid_subsets_max_size(a->nq, a->cfg->max_subset_size),
                                      &a->subsets);
        a->subsets.seconds = now_seconds() - t0;
        free(card);
        if (rc != 0) {
            nomem(a);
            return a->err.status;
        }
    }
    a->have_poptable = 0;
    if (a->poptable) {
        if (reid_pt_compute(a->poptable, &a->table, a->dicts, a->cfg->k) != 0) {
            nomem(a);
            return a->err.status;
        }
        a->have_poptable = 1;
    }
    /* the sensitive measures ran beside everything above (which only reads the class table) */
    if (sens_join(sj) != 0) {
        sens_failed(a);
        return a->err.status;
    }
    a->have_sens = 1;
    if (reid_whatif_compute(a) != 0) return a->err.status;
    if (people_figures(a) != 0) return a->err.status;
    uint64_t bytes = reid_classtable_bytes(&a->table);
    if (a->have_id) bytes += reid_people_bytes(&a->people_c);
    if (a->events_ready) bytes += reid_events_bytes(&a->events_c);
    for (size_t i = 0; i < a->nq; i++)
        bytes += reid_dict_bytes(&a->qi[i].dict);
    a->sum.table_bytes = bytes;
    a->sum.elapsed_seconds = now_seconds() - a->t0;
    struct rusage ru;
    a->sum.peak_rss_bytes = getrusage(RUSAGE_SELF, &ru) == 0 ? (uint64_t)ru.ru_maxrss * 1024 : 0;
    return REID_OK;
}

/* The pseudonym reversal check, once the records are read (docs/pseudonyms.md). */
static reid_status check_pseudonyms(reid_analysis *a)
{
    const reid_config *c = a->cfg;
    char msg[200] = "";
    int rc = reid_pcheck_run(a->pcheck, a->threads, c->nhs_first, c->nhs_last, c->progress,
                             c->progress_user, msg, sizeof msg);
    if (rc == -1) {
        nomem(a);
        return a->err.status;
    }
    if (rc != 0)
        return reid_error_set(&a->err, REID_ERR_NOMEM, 0, 0, "%s: pseudonym check: %s", a->source,
                              msg);
    a->have_pcheck = 1;
    return REID_OK;
}

/* The end of the extract: its last record, the counting, and an extract without records. */
static reid_status finish_input(reid_analysis *a)
{
    if (reid_reader_finish(&a->reader) != 0) return a->err.status;
    if (a->counter_ready) {
        if (reid_counter_drain(&a->counter) != 0) {
            counter_failed(a);
            return a->err.status;
        }
        /* the batches are done with: their pages (tens of MB of a large input) go back before
         * the models after the counting allocate theirs, which then reuse them instead of pages
         * the kernel must find and zero anew (docs/design.md, "Counting") */
        reid_parallel_free(a);
        reid_counter_drop_batches(&a->counter);
        for (size_t i = 0; i < a->nq; i++) {
            a->qi[i].missing += a->counter.missing_count[i];
            a->qi[i].unrecognised += a->counter.unrecognised_count[i];
        }
        for (size_t m = 0; m < a->nsens; m++)
            a->sens[m].missing += a->counter.svcap[m] ? a->counter.svcount[m][0] : 0;
        if (reid_generalise_finish(a) != 0) return a->err.status;
    }
    if (!a->have_layout)
        return reid_error_set(&a->err, REID_ERR_INPUT, 0, 0, "%s: the file is empty (no rows)",
                              a->source);
    if (a->table.records == 0) {
        if (a->skipped)
            return reid_error_set(&a->err, REID_ERR_INPUT, 0, 0,
                                  "%s: no valid records: all %llu data rows were malformed and "
                                  "skipped; the first: %s",
                                  a->source, (unsigned long long)a->skipped, a->first_skip);
        return reid_error_set(&a->err, REID_ERR_INPUT, 0, 0,
                              "%s: no data rows: the file has only a header", a->source);
    }
    return REID_OK;
}

reid_status reid_finish(reid_analysis *a)
{
    if (a->err.status) return a->err.status;
    if (a->finished)
        return reid_error_set(&a->err, REID_ERR_STATE, 0, 0, "%s: reid_finish called twice",
                              a->source);
    a->finished = 1;
    finish_input(a);
    /* the population table's error, if it has one, comes first (pt_join) */
    if (pt_join(a) != 0 || a->err.status) return a->err.status;
    reid_status st = compute(a);
    if (st == REID_OK && a->pcheck) st = check_pseudonyms(a);
    return st;
}

reid_status reid_status_of(const reid_analysis *a)
{
    return a->err.status;
}
const char *reid_error_message(const reid_analysis *a)
{
    return a->err.msg;
}
uint64_t reid_error_line(const reid_analysis *a)
{
    return a->err.line;
}
uint64_t reid_error_column(const reid_analysis *a)
{
    return a->err.column;
}

/* ---- merging ---- */

/*
 * Sensitive column m's pairs of src into dst, after the class tables were merged. Per class, dst
 * counts in its pairs only the values other than its first (dst->table.sfirst), so src's first
 * value goes there with its count (src's class size minus its pairs) when it differs from dst's,
 * before src's pairs (keeping the order the values first appeared in), and a src pair of dst's
 * first value is left out: the class size already holds it. Both analyses' pairs are folded
 * (finished), and dst's are folded again here. 0, or -1 when out of memory.
 */
static int merge_pairs(reid_analysis *dst, const reid_analysis *src, size_t m,
                       const uint32_t *const *remap)
{
    const reid_classtable *sc = &src->table;
    const reid_pairlog *sp = &src->sens[m].pairs;
    const reid_classtable *dc = &dst->table;
    reid_pairlog *dp = &dst->sens[m].pairs;
    const size_t q = src->nq;
    const uint64_t U = sc->nclasses;
    uint32_t *to = malloc((U ? U : 1) * sizeof *to); /* src class index -> dst's */
    uint32_t *key = malloc((q ? q : 1) * sizeof *key);
    int rc = to && key && sp->nlog == 0 ? 0 : -1;
    dp->budget = 0; /* merging is not under the limit of either reading */
    /* the first values, class by class, with the records no pair of theirs holds */
    for (uint64_t c = 0, e = 0; rc == 0 && c < U; c++) {
        const uint32_t *k = reid_classtable_key(sc, c);
        for (size_t j = 0; j < q; j++)
            key[j] = remap[j][k[j]];
        int64_t d = reid_classtable_find(dc, key);
        if (d < 0) {
            rc = -1; /* cannot happen: the classes were merged */
            break;
        }
        to[c] = (uint32_t)d;
        uint64_t rest = 0;
        for (; e < sp->n && reid_pairlog_class(sp, e) == c; e++)
            rest += sp->cnt[e];
        uint64_t n0 = sc->sizes[c] - rest;
        uint32_t f = remap[q + m][reid_classtable_first(sc, c, (unsigned)m)];
        if (n0 && f != reid_classtable_first(dc, (uint64_t)d, (unsigned)m))
            rc = reid_pairlog_add_count(dp, (uint32_t)d, f, n0);
    }
    /* then the pairs, each class's in the order its values first appeared */
    for (uint64_t i = 0; rc == 0 && i < sp->n; i++) {
        const uint32_t d = to[reid_pairlog_class(sp, i)],
                       v = remap[q + m][reid_pairlog_value(sp, i)];
        if (v != reid_classtable_first(dc, d, (unsigned)m))
            rc = reid_pairlog_add_count(dp, d, v, sp->cnt[i]);
    }
    if (rc == 0) rc = reid_pairlog_fold(dp);
    free(to);
    free(key);
    return rc;
}

reid_status reid_merge(reid_analysis *dst, const reid_analysis *src)
{
    if (dst->err.status) return dst->err.status;
    if (!dst->finished || !src->finished || src->err.status || !dst->hist || !src->hist)
        return reid_error_set(&dst->err, REID_ERR_STATE, 0, 0,
                              "reid_merge needs two finished analyses without errors");
    int same = dst->nq == src->nq;
    for (size_t i = 0; same && i < dst->nq; i++)
        same = strcmp(dst->qi[i].name, src->qi[i].name) == 0 && dst->qi[i].type == src->qi[i].type;
    if (!same)
        return reid_error_set(&dst->err, REID_ERR_CONFIG, 0, 0,
                              "%s and %s: cannot merge analyses over different quasi-identifiers",
                              dst->source, src->source);
    if (dst->weighted != src->weighted)
        return reid_error_set(&dst->err, REID_ERR_CONFIG, 0, 0,
                              "%s and %s: cannot merge an analysis with sampling weights and one "
                              "without",
                              dst->source, src->source);
    if (dst->cfg->positions || src->cfg->positions)
        return reid_error_set(&dst->err, REID_ERR_CONFIG, 0, 0,
                              "%s and %s: cannot merge analyses that keep record positions: the "
                              "record numbers would refer to two inputs",
                              dst->source, src->source);
    if (dst->have_id || src->have_id)
        return reid_error_set(&dst->err, REID_ERR_CONFIG, 0, 0,
                              "%s and %s: analyses with a pseudonym column (--id) cannot be "
                              "merged: a person may have rows in both",
                              dst->source, src->source);
    int same_sens = dst->nsens == src->nsens;
    for (size_t m = 0; same_sens && m < dst->nsens; m++)
        same_sens = strcmp(dst->sens[m].name, src->sens[m].name) == 0;
    if (!same_sens)
        return reid_error_set(&dst->err, REID_ERR_CONFIG, 0, 0,
                              "%s and %s: cannot merge analyses with different sensitive columns",
                              dst->source, src->source);
    if (reid_generalise_merge(dst, src) != 0) return dst->err.status;
    const size_t nr = src->nq + src->nsens;
    uint32_t **remap = calloc(nr ? nr : 1, sizeof *remap);
    int rc = remap ? 0 : -1;
    /* the QI columns' value ids, then each sensitive column's, by their own dictionaries */
    for (size_t i = 0; rc == 0 && i < nr; i++) {
        const reid_dict *sd = i < src->nq ? &src->qi[i].dict : &src->sens[i - src->nq].dict;
        reid_dict *dd = i < src->nq ? &dst->qi[i].dict : &dst->sens[i - src->nq].dict;
        remap[i] = malloc((size_t)sd->count * sizeof **remap);
        if (!remap[i]) {
            rc = -1;
            break;
        }
        remap[i][REID_DICT_MISSING] = REID_DICT_MISSING;
        for (uint32_t id = 1; rc == 0 && id < sd->count; id++) {
            size_t len;
            const char *v = reid_dict_value(sd, id, &len);
            rc = reid_dict_intern(dd, v, len, &remap[i][id]);
        }
    }
    /* the classes: a class new to dst takes src's first sensitive values */
    if (rc == 0)
        rc = reid_classtable_merge(&dst->table, &src->table, (const uint32_t *const *)remap);
    for (size_t m = 0; rc == 0 && m < src->nsens; m++) {
        rc = merge_pairs(dst, src, m, (const uint32_t *const *)remap);
        if (rc == 0) dst->sens[m].missing += src->sens[m].missing;
    }
    for (size_t i = 0; remap && i < nr; i++)
        free(remap[i]);
    free(remap);
    if (rc != 0) {
        nomem(dst);
        return dst->err.status;
    }
    for (size_t i = 0; i < dst->nq; i++) {
        dst->qi[i].missing += src->qi[i].missing;
        dst->qi[i].unrecognised += src->qi[i].unrecognised;
    }
    if (dst->skipped == 0 && src->skipped)
        memcpy(dst->first_skip, src->first_skip, sizeof dst->first_skip);
    dst->skipped += src->skipped;
    dst->merged = 1; /* the per-value counts kept while reading are dst's alone */
    return compute(dst);
}

/* ---- results ---- */

const reid_summary *reid_summary_get(const reid_analysis *a)
{
    return a->hist && !a->err.status ? &a->sum : NULL;
}

const reid_population *reid_population_get(const reid_analysis *a)
{
    return a->have_pop && a->hist && !a->err.status ? &a->pop : NULL;
}

const reid_individual_risk *reid_individual_risk_get(const reid_analysis *a)
{
    return a->weighted && a->hist && !a->err.status ? &a->indiv : NULL;
}

const reid_population_table *reid_population_table_get(const reid_analysis *a)
{
    return a->have_poptable && a->hist && !a->err.status ? &a->poptable->res : NULL;
}

const reid_poptable_mapping *reid_population_table_mapping(const reid_analysis *a, size_t i)
{
    return reid_population_table_get(a) && i < a->nq ? &a->poptable->maps[i] : NULL;
}

const char *reid_population_table_summed(const reid_analysis *a, size_t i)
{
    return reid_population_table_get(a) && i < a->poptable->nsummed ? a->poptable->summed[i] : NULL;
}

size_t reid_sensitive_count(const reid_analysis *a)
{
    return a->nsens;
}

const reid_sensitive *reid_sensitive_get(const reid_analysis *a, size_t i)
{
    return i < a->nsens && a->have_sens && a->hist && !a->err.status ? &a->sens[i].res : NULL;
}

size_t reid_attribute_risk_count(const reid_analysis *a)
{
    return a->hist && !a->err.status ? a->subsets.count : 0;
}

const reid_attribute_risk *reid_attribute_risk_get(const reid_analysis *a, size_t i)
{
    return i < reid_attribute_risk_count(a) ? &a->subsets.risks[i] : NULL;
}

size_t reid_attribute_risk_max_size(const reid_analysis *a)
{
    return reid_attribute_risk_count(a) ? a->subsets.max_size : 0;
}

const reid_pseudonyms *reid_pseudonyms_get(const reid_analysis *a)
{
    return a->have_pcheck && a->hist && !a->err.status ? &a->pcheck->res : NULL;
}

reid_status reid_pseudonym_reversal(const reid_analysis *a, size_t i, const char **token,
                                    uint64_t *nhs_number, const char **how)
{
    const reid_pseudonyms *r = reid_pseudonyms_get(a);
    if (!r || i >= r->reversed) return REID_ERR_STATE;
    size_t k = a->pcheck->reversal[i];
    if (token) *token = a->pcheck->sample.v[k];
    if (nhs_number) *nhs_number = a->pcheck->number[k];
    if (how) *how = a->pcheck->how[k];
    return REID_OK;
}

const reid_hist_entry *reid_histogram(const reid_analysis *a, size_t *count)
{
    if (!a->hist || a->err.status) {
        *count = 0;
        return NULL;
    }
    *count = a->nhist;
    return a->hist;
}

int reid_input_delimiter(const reid_analysis *a)
{
    return a->reader.delim;
}
size_t reid_input_columns(const reid_analysis *a)
{
    return a->ncols;
}
size_t reid_qi_count(const reid_analysis *a)
{
    return a->nq;
}

reid_status reid_qi_get(const reid_analysis *a, size_t i, reid_qi_info *out)
{
    if (i >= a->nq) return REID_ERR_STATE;
    const reid_qi *q = &a->qi[i];
    out->name = q->name;
    out->column = q->col + 1;
    out->type = q->type;
    out->reason = q->reason;
    out->distinct = reid_dict_values(&q->dict);
    out->missing = q->missing;
    out->unrecognised = q->unrecognised;
    return REID_OK;
}

size_t reid_noted_count(const reid_analysis *a)
{
    return a->nnotes;
}
const char *reid_noted_name(const reid_analysis *a, size_t i)
{
    return i < a->nnotes ? a->notes[i].name : NULL;
}
const char *reid_noted_note(const reid_analysis *a, size_t i)
{
    return i < a->nnotes ? a->notes[i].note : NULL;
}

unsigned reid_threads(const reid_analysis *a)
{
    return a->threads;
}

uint64_t reid_parallel_records(const reid_analysis *a)
{
    return a->parallel_records;
}

const char *reid_missing_rule(const reid_analysis *a)
{
    return a->cfg->missing_any ? "matches_any" : "own_value";
}

double reid_missing_alpha(const reid_analysis *a)
{
    return a->cfg->missing_any ? a->cfg->missing_alpha : 1;
}

const reid_fk_entry *reid_fk_histogram(const reid_analysis *a, size_t *count)
{
    if (!a->fk_hist || !a->hist || a->err.status) {
        *count = 0;
        return NULL;
    }
    *count = a->nfk_hist;
    return a->fk_hist;
}

const char *reid_first_skip_message(const reid_analysis *a)
{
    return a->first_skip;
}

reid_status reid_classes_foreach(const reid_analysis *a, reid_class_fn fn, void *user)
{
    if (!a->hist || a->err.status) return REID_ERR_STATE;
    for (uint64_t c = 0; c < a->table.nclasses; c++)
        if (fn(reid_classtable_key(&a->table, c), a->table.sizes[c], user)) break;
    return REID_OK;
}

const char *reid_value(const reid_analysis *a, size_t qi, uint32_t id, size_t *len)
{
    if (qi >= a->nq) return NULL;
    return reid_dict_value(&a->qi[qi].dict, id, len);
}

int reid_gate_per_person(const reid_analysis *a)
{
    return reid_people_get(a) != NULL;
}

/* What the gate compares: the people's figures with a pseudonym column (docs/people.md: rows of
 * one person would otherwise make classes look larger than they are), else the records'. 0, or
 * -1 before the figures exist. */
static int gate_figures(const reid_analysis *a, uint64_t *k, double *uniques, double *risk)
{
    const reid_summary *s = reid_summary_get(a);
    if (!s) return -1;
    const reid_people *p = reid_people_get(a);
    *k = p ? p->k_anonymity : s->min_size;
    *uniques = p ? p->unique_fraction : s->uniques_fraction;
    *risk = p ? p->prosecutor_highest : s->prosecutor_highest;
    return 0;
}

int reid_gate_passed(const reid_analysis *a)
{
    uint64_t k;
    double uf, risk;
    if (gate_figures(a, &k, &uf, &risk) != 0) return 0;
    if (a->cfg->require_k && k < a->cfg->require_k) return 0;
    if (a->cfg->max_uniques >= 0 && uf > a->cfg->max_uniques) return 0;
    if (a->cfg->max_risk >= 0 && risk > a->cfg->max_risk) return 0;
    return 1;
}

static const char *gate_from_name(const reid_analysis *a, reid_gate_from from, const char *option)
{
    return from == REID_GATE_POLICY ? a->cfg->policy_from : option;
}

size_t reid_gate_checks(const reid_analysis *a, reid_gate_check *out, size_t max)
{
    uint64_t k;
    double uf, risk;
    if (gate_figures(a, &k, &uf, &risk) != 0) return 0;
    const reid_config *c = a->cfg;
    reid_gate_check all[3];
    size_t n = 0;
    if (c->require_k)
        all[n++] = (reid_gate_check){"k",
                                     (double)c->require_k,
                                     (double)k,
                                     k >= c->require_k,
                                     c->require_k_from,
                                     gate_from_name(a, c->require_k_from, "--require-k")};
    if (c->max_uniques >= 0)
        all[n++] = (reid_gate_check){"max_uniques",
                                     c->max_uniques,
                                     uf,
                                     uf <= c->max_uniques,
                                     c->max_uniques_from,
                                     gate_from_name(a, c->max_uniques_from, "--max-uniques")};
    if (c->max_risk >= 0)
        all[n++] = (reid_gate_check){"max_risk",
                                     c->max_risk,
                                     risk,
                                     risk <= c->max_risk,
                                     c->max_risk_from,
                                     gate_from_name(a, c->max_risk_from, "--require-max-risk")};
    for (size_t i = 0; i < n && i < max; i++)
        out[i] = all[i];
    return n;
}

const char *reid_gate_policy(const reid_analysis *a)
{
    return a->cfg->policy[0] ? a->cfg->policy : NULL;
}

const char *reid_gate_policy_source(const reid_analysis *a)
{
    return a->cfg->policy[0] ? a->cfg->policy_source : NULL;
}

const reid_people *reid_people_get(const reid_analysis *a)
{
    return a->have_people && a->hist && !a->err.status ? &a->people : NULL;
}

size_t reid_warning_count(const reid_analysis *a)
{
    return a->hist && !a->err.status ? a->nwarnings : 0;
}

const char *reid_warning_code(const reid_analysis *a, size_t i)
{
    return i < reid_warning_count(a) ? a->warnings[i].code : NULL;
}

const char *reid_warning_message(const reid_analysis *a, size_t i)
{
    return i < reid_warning_count(a) ? a->warnings[i].message : NULL;
}

const reid_longitudinal *reid_longitudinal_get(const reid_analysis *a)
{
    return a->have_lon && a->hist && !a->err.status ? &a->lon : NULL;
}
