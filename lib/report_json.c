/*
 * report_json.c - the JSON report (docs/json-report.md), built with jansson.
 *
 * Integers are written as JSON integers (jansson's json_int_t is 64-bit);
 * reals with 17 significant digits, so every double reads back exactly.
 * Aggregates only: no value of any class is written.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "report_suda2.h"
#include "report_whatif.h"

/* json_object_set_new that remembers a failure instead of returning it each time */
typedef struct jb {
    int failed;
} jb;

static void put(jb *b, json_t *obj, const char *key, json_t *v)
{
    if (!obj || !v || json_object_set_new(obj, key, v) != 0) b->failed = 1;
}

static void push(jb *b, json_t *arr, json_t *v)
{
    if (!arr || !v || json_array_append_new(arr, v) != 0) b->failed = 1;
}

static json_t *u64(uint64_t v)
{
    return json_integer((json_int_t)v);
}

/* A string that need not be UTF-8 (it holds the file name): if it is not, its bytes from
 * 0x80 up become '?' (json_string refuses invalid UTF-8). */
static json_t *str_lossy(const char *s)
{
    json_t *v = json_string(s);
    if (v || !s) return v;
    char *c = strdup(s);
    if (!c) return NULL;
    for (char *p = c; *p; p++)
        if ((unsigned char)*p >= 0x80) *p = '?';
    v = json_string(c);
    free(c);
    return v;
}

/* A real, or null when it is not a number (jansson refuses NaN and infinities). */
static json_t *real_or_null(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

/* pseudonyms (docs/pseudonyms.md): only with --check-pseudonyms; the numbers only with --reveal. */
static json_t *pseudonyms(jb *b, const reid_analysis *a, const reid_pseudonyms *r)
{
    json_t *o = json_object();
    put(b, o, "column", json_string(r->column));
    put(b, o, "format", json_string(r->format));
    put(b, o, "encoding", json_string(r->encoding));
    put(b, o, "digest", r->digest ? json_string(r->digest) : json_null());
    put(b, o, "token_length", u64(r->token_length));
    put(b, o, "values", u64(r->values));
    put(b, o, "sample_size", u64(a->cfg->pseudonym_sample));
    put(b, o, "seed", u64(a->cfg->pseudonym_seed));
    put(b, o, "sampled", u64(r->sampled));
    put(b, o, "in_format", u64(r->in_format));
    put(b, o, "reversed", u64(r->reversed));
    json_t *cheap = json_object();
    put(b, cheap, "nhs_number", u64(r->cheap[0]));
    put(b, cheap, "base64_of_number", u64(r->cheap[1]));
    put(b, cheap, "hex_of_number", u64(r->cheap[2]));
    put(b, o, "cheap", cheap);
    put(b, o, "cheap_case", r->cheap_case ? json_string(r->cheap_case) : json_null());
    put(b, o, "searched", json_boolean(r->searched));
    put(b, o, "algorithms", r->algorithms ? json_string(r->algorithms) : json_null());
    put(b, o, "reversed_by_hash", u64(r->reversed_by_hash));
    put(b, o, "stems_searched", u64(r->stems_searched));
    put(b, o, "stems_total", u64(r->stems_total));
    put(b, o, "candidates", u64(r->candidates));
    put(b, o, "hashes", u64(r->hashes));
    put(b, o, "exhausted", json_boolean(r->exhausted));
    if (r->range_first || r->range_last) {
        json_t *range = json_object();
        put(b, range, "first", u64(r->range_first));
        put(b, range, "last", u64(r->range_last));
        put(b, o, "range", range);
    } else {
        put(b, o, "range", json_null());
    }
    put(b, o, "threads", u64(r->threads));
    put(b, o, "seconds", json_real(r->seconds));
    put(b, o, "search_seconds", json_real(r->search_seconds));
    put(b, o, "hashes_per_second", real_or_null(r->hashes_per_second));
    put(b, o, "full_space_seconds", real_or_null(r->full_space_seconds));
    if (a->cfg->pseudonym_reveal) {
        json_t *arr = json_array();
        for (size_t i = 0; i < r->reversed; i++) {
            const char *tok, *how;
            uint64_t num;
            if (reid_pseudonym_reversal(a, i, &tok, &num, &how) != REID_OK) break;
            json_t *e = json_object();
            put(b, e, "pseudonym", str_lossy(tok));
            char d[16];
            snprintf(d, sizeof d, "%010llu", (unsigned long long)num);
            put(b, e, "nhs_number", json_string(d));
            put(b, e, "how", json_string(how));
            push(b, arr, e);
        }
        put(b, o, "reversals", arr);
    }
    return o;
}

/* One model's object: available, uniques, fraction (null when not available), then its own. */
static json_t *pop_model(jb *b, const reid_population *p, const reid_pop_estimate *e)
{
    json_t *o = json_object();
    put(b, o, "available", json_boolean(e->available));
    put(b, o, "uniques", real_or_null(e->uniques));
    put(b, o, "fraction", real_or_null(e->fraction));
    int fitted = p->sample_uniques > 0;
    if (e == &p->zayatz) {
        put(b, o, "unique_probability", fitted ? real_or_null(e->param[0]) : json_null());
        return o;
    }
    const char *k1 = e == &p->pitman ? "theta" : "alpha", *k2 = e == &p->pitman ? "alpha" : "beta";
    put(b, o, k1, fitted && e->available ? real_or_null(e->param[0]) : json_null());
    put(b, o, k2, fitted && e->available ? real_or_null(e->param[1]) : json_null());
    if (e == &p->snb)
        put(b, o, "population_classes", fitted ? real_or_null(p->snb_classes) : json_null());
    put(b, o, "iterations", u64(e->iterations));
    put(b, o, "starts", u64(e->starts));
    return o;
}

static json_t *population(jb *b, const reid_population *p)
{
    if (!p) return json_null();
    json_t *o = json_object(), *models = json_object(), *dk = json_object();
    put(b, o, "size", u64(p->size));
    put(b, o, "sampling_fraction", json_real(p->sampling_fraction));
    put(b, models, "zayatz", pop_model(b, p, &p->zayatz));
    put(b, models, "pitman", pop_model(b, p, &p->pitman));
    put(b, models, "snb", pop_model(b, p, &p->snb));
    put(b, o, "models", models);
    put(b, dk, "model", json_string(reid_pop_model_name(p->dankar_model)));
    put(b, dk, "uniques", real_or_null(p->dankar_uniques));
    put(b, dk, "fraction", real_or_null(p->dankar_fraction));
    put(b, o, "dankar", dk);
    return o;
}

/* sensitive_attributes (docs/sensitive.md): an object keyed by column, only with --sensitive. */
static json_t *sensitive(jb *b, const reid_analysis *a)
{
    json_t *o = json_object();
    for (size_t i = 0; i < reid_sensitive_count(a); i++) {
        const reid_sensitive *r = reid_sensitive_get(a, i);
        if (!r) continue;
        json_t *c = json_object(), *rec = json_object();
        put(b, c, "values", u64(r->values));
        put(b, c, "missing_records", u64(r->missing));
        put(b, c, "numeric", json_boolean(r->numeric));
        put(b, c, "l_distinct", u64(r->l_distinct));
        put(b, c, "l_entropy", real_or_null(r->l_entropy));
        put(b, rec, "c", json_real(r->recursive_c));
        put(b, rec, "l", u64(r->recursive_l));
        put(b, c, "recursive_c_l", rec);
        put(b, c, "t_closeness", real_or_null(r->t_closeness));
        put(b, c, "alpha", real_or_null(r->alpha));
        put(b, c, "beta_basic", real_or_null(r->beta_basic));
        put(b, c, "beta_enhanced", real_or_null(r->beta_enhanced));
        put(b, c, "delta", real_or_null(r->delta));
        put(b, c, "homogeneous_classes", u64(r->homogeneous_classes));
        put(b, c, "homogeneous_records", u64(r->homogeneous_records));
        put(b, c, "homogeneous_fraction", json_real(r->homogeneous_fraction));
        put(b, o, r->column, c);
    }
    return o;
}

/* attribute_risks (docs/attribute-risk.md): one object per subset of the QIs, with
 * --attribute-risks only. */
static json_t *attribute_risks(jb *b, const reid_analysis *a)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < reid_attribute_risk_count(a); i++) {
        const reid_attribute_risk *r = reid_attribute_risk_get(a, i);
        json_t *o = json_object(), *qis = json_array();
        for (size_t j = 0; j < r->nqis; j++)
            push(b, qis, json_string(a->qi[r->qis[j]].name));
        put(b, o, "qis", qis);
        put(b, o, "classes", u64(r->classes));
        put(b, o, "k", u64(r->k));
        put(b, o, "uniques", u64(r->uniques));
        put(b, o, "uniques_fraction", json_real(r->uniques_fraction));
        put(b, o, "distinction", json_real(r->distinction));
        put(b, o, "separation", real_or_null(r->separation));
        push(b, arr, o);
    }
    return arr;
}

/* attribute_risks_summary: how many subsets, up to which size, and the text report's threshold. */
static json_t *attribute_risks_summary(jb *b, const reid_analysis *a)
{
    json_t *o = json_object();
    size_t m = reid_attribute_risk_max_size(a);
    put(b, o, "subsets", u64(reid_attribute_risk_count(a)));
    put(b, o, "max_subset_size", u64(m));
    put(b, o, "all_subsets", json_boolean(m == a->nq));
    put(b, o, "threshold", json_real(a->cfg->subset_threshold));
    size_t *idx =
        malloc((reid_attribute_risk_count(a) ? reid_attribute_risk_count(a) : 1) * sizeof *idx);
    long found = idx ? reid_subsets_minimal(&a->subsets, a->cfg->subset_threshold, idx) : -1;
    json_t *min = json_array();
    if (found < 0) b->failed = 1;
    for (long i = 0; i < found; i++) {
        const reid_attribute_risk *r = reid_attribute_risk_get(a, idx[i]);
        json_t *qis = json_array();
        for (size_t j = 0; j < r->nqis; j++)
            push(b, qis, json_string(a->qi[r->qis[j]].name));
        push(b, min, qis);
    }
    free(idx);
    put(b, o, "smallest_above_threshold", min);
    return o;
}

/* risk.individual (docs/individual-risk.md): only when a weight column was given. */
static json_t *individual(jb *b, const reid_individual_risk *r, uint64_t n)
{
    json_t *o = json_object(), *dist = json_array();
    put(b, o, "weight_column", json_string(r->weight_column));
    put(b, o, "total_weight", real_or_null(r->total_weight));
    put(b, o, "expected_reidentifications", real_or_null(r->expected_reidentifications));
    put(b, o, "global_risk", real_or_null(r->global_risk));
    put(b, o, "max", real_or_null(r->max));
    put(b, o, "max_records", u64(r->max_records));
    put(b, o, "threshold", json_real(r->threshold));
    put(b, o, "records_above_threshold", u64(r->records_above_threshold));
    put(b, o, "records_above_threshold_fraction", json_real(r->records_above_threshold_fraction));
    for (int i = 0; i < REID_RISK_NBANDS; i++) {
        json_t *band = json_object();
        put(b, band, "min_risk", json_real(reid_risk_band_low(i)));
        put(b, band, "max_risk", real_or_null(reid_risk_band_high(i)));
        put(b, band, "records", u64(r->band_records[i]));
        put(b, band, "records_fraction", json_real((double)r->band_records[i] / (double)n));
        push(b, dist, band);
    }
    put(b, o, "distribution", dist);
    return o;
}

/* population_table (docs/population-table.md): only with a population table. */
static json_t *population_table(jb *b, const reid_analysis *a, const reid_population_table *t)
{
    json_t *o = json_object(), *maps = json_array();
    put(b, o, "source", str_lossy(t->source));
    put(b, o, "file", str_lossy(t->file));
    put(b, o, "title", t->title ? json_string(t->title) : json_null());
    put(b, o, "attribution", t->attribution ? json_string(t->attribution) : json_null());
    put(b, o, "assumption", t->assumption ? json_string(t->assumption) : json_null());
    put(b, o, "cells", u64(t->cells));
    put(b, o, "people", u64(t->people));
    for (size_t i = 0; i < reid_qi_count(a); i++) {
        const reid_poptable_mapping *m = reid_population_table_mapping(a, i);
        json_t *mo = json_object();
        put(b, mo, "qi", str_lossy(m->qi));
        put(b, mo, "column", str_lossy(m->column));
        put(b, mo, "level", json_string(m->level));
        put(b, mo, "description", json_string(m->description));
        put(b, mo, "unmatched_records", u64(m->unmatched_records));
        push(b, maps, mo);
    }
    put(b, o, "mapping", maps);
    json_t *summed = json_array();
    for (size_t i = 0; reid_population_table_summed(a, i); i++)
        push(b, summed, str_lossy(reid_population_table_summed(a, i)));
    put(b, o, "summed_over", summed);
    put(b, o, "coarser", json_boolean(t->coarser));
    put(b, o, "records_placed", u64(t->records_placed));
    put(b, o, "cells_used", u64(t->cells_used));
    put(b, o, "threshold_k", u64(t->threshold_k));
    json_t *j = json_object();
    put(b, j, "highest", real_or_null(t->journalist_highest));
    put(b, j, "highest_risk_records", u64(t->journalist_highest_records));
    put(b, j, "average", real_or_null(t->journalist_average));
    put(b, j, "records_at_risk", u64(t->records_at_risk));
    put(b, j, "records_at_risk_fraction", real_or_null(t->records_at_risk_fraction));
    put(b, o, "journalist", j);
    put(b, o, "marketer", real_or_null(t->marketer));
    put(b, o, "population_uniques_in_sample", u64(t->population_uniques_in_sample));
    json_t *un = json_object(), *ab = json_object(), *be = json_object();
    put(b, un, "classes", u64(t->unmatched_classes));
    put(b, un, "records", u64(t->unmatched_records));
    put(b, o, "unmatched", un);
    put(b, ab, "classes", u64(t->absent_classes));
    put(b, ab, "records", u64(t->absent_records));
    put(b, o, "sample_classes_not_in_table", ab);
    put(b, be, "cells", u64(t->below_sample_cells));
    put(b, be, "records", u64(t->below_sample_records));
    put(b, o, "cells_below_sample", be);
    return o;
}

/* people (docs/people.md): only with a pseudonym column (--id). */
static json_t *people(jb *b, const reid_people *p)
{
    json_t *o = json_object(), *pros = json_object(), *dist = json_array(), *inc = json_object();
    double P = p->count ? (double)p->count : 1;
    put(b, o, "id_column", json_string(p->id_column));
    put(b, o, "count", u64(p->count));
    put(b, o, "k_anonymity", u64(p->k_anonymity));
    put(b, o, "unique", u64(p->unique));
    put(b, o, "unique_fraction", json_real(p->unique_fraction));
    put(b, o, "threshold_k", u64(p->threshold_k));
    put(b, o, "at_risk", u64(p->at_risk));
    put(b, o, "records_at_risk_fraction", json_real(p->at_risk_fraction));
    put(b, o, "rows", u64(p->rows));
    put(b, o, "anonymous_rows", u64(p->anonymous_rows));
    put(b, o, "max_rows_per_person", u64(p->max_rows));
    put(b, o, "people_with_several_rows", u64(p->several_rows));
    put(b, o, "people_in_several_classes", u64(p->several_classes));
    put(b, o, "classes", u64(p->classes));
    put(b, o, "class_person_pairs", u64(p->pairs));
    put(b, o, "max_size", u64(p->max_size));
    put(b, o, "mean_size", json_real(p->mean_size));
    put(b, pros, "highest", json_real(p->prosecutor_highest));
    put(b, pros, "highest_risk_people", u64(p->highest_risk_people));
    put(b, pros, "average", json_real(p->prosecutor_average));
    put(b, o, "prosecutor", pros);
    for (int k = 0; k < REID_NBUCKETS; k++) {
        json_t *e = json_object();
        put(b, e, "min_size", u64(reid_bucket_low(k)));
        put(b, e, "max_size", k == REID_NBUCKETS - 1 ? json_null() : u64(reid_bucket_high(k)));
        put(b, e, "classes", u64(p->bucket_classes[k]));
        put(b, e, "people", u64(p->bucket_people[k]));
        put(b, e, "people_fraction", json_real((double)p->bucket_people[k] / P));
        push(b, dist, e);
    }
    put(b, o, "size_distribution", dist);
    put(b, inc, "sex", p->sex_checked ? u64(p->sex_inconsistent) : json_null());
    put(b, inc, "date_of_birth", p->dob_checked ? u64(p->dob_inconsistent) : json_null());
    put(b, o, "inconsistent_pseudonyms", inc);
    return o;
}

static json_t *unicity(jb *b, const reid_unicity *u)
{
    json_t *arr = json_array();
    for (int p = 0; p < REID_UNICITY_MAX_P; p++) {
        json_t *e = json_object();
        put(b, e, "p", u64(u[p].p));
        put(b, e, "sampled", u64(u[p].sampled));
        put(b, e, "unique", u64(u[p].unique));
        put(b, e, "fraction", real_or_null(u[p].fraction));
        put(b, e, "ci_low", real_or_null(u[p].ci_low));
        put(b, e, "ci_high", real_or_null(u[p].ci_high));
        push(b, arr, e);
    }
    return arr;
}

/* longitudinal (docs/longitudinal.md): only with --events. */
static json_t *longitudinal(jb *b, const reid_longitudinal *l)
{
    json_t *o = json_object(), *un = json_object(), *set = json_object();
    json_t *s1 = json_object(), *s2 = json_object();
    put(b, o, "columns", str_lossy(l->columns));
    put(b, o, "seed", u64(l->seed));
    put(b, o, "sample_requested", u64(l->sample_requested));
    put(b, o, "sampled", u64(l->sampled));
    put(b, o, "people", u64(l->people));
    put(b, o, "people_without_events", u64(l->people_without));
    put(b, o, "rows_without_event", u64(l->rows_without_event));
    put(b, o, "distinct_events", u64(l->distinct_events));
    put(b, o, "points", u64(l->points));
    put(b, o, "points_with_qis", u64(l->points_with_qis));
    put(b, o, "max_points_per_person", u64(l->max_points));
    put(b, un, "events", unicity(b, l->events));
    put(b, un, "events_and_qis", unicity(b, l->with_qis));
    put(b, o, "unicity", un);
    put(b, s1, "people", u64(l->set_unique));
    put(b, s1, "fraction", real_or_null(l->set_unique_fraction));
    put(b, s2, "people", u64(l->set_unique_with_qis));
    put(b, s2, "fraction", real_or_null(l->set_unique_with_qis_fraction));
    put(b, set, "events", s1);
    put(b, set, "events_and_qis", s2);
    put(b, o, "set_unique", set);
    return o;
}

static json_t *build(const reid_analysis *a, jb *b)
{
    const reid_summary *s = reid_summary_get(a);
    json_t *root = json_object();

    json_t *tool = json_object();
    put(b, tool, "name", json_string("reid-check"));
    put(b, tool, "version", json_string(reid_version()));
    put(b, root, "tool", tool);

    json_t *in = json_object();
    put(b, in, "source", str_lossy(a->source));
    put(b, in, "records", u64(s->records));
    put(b, in, "skipped_rows", u64(s->skipped_rows));
    if (s->skipped_rows) put(b, in, "first_skipped_row", str_lossy(a->first_skip));
    put(b, in, "columns", u64(a->ncols));
    char d[2] = {(char)a->reader.delim, 0};
    put(b, in, "delimiter", json_string(d));
    put(b, in, "header", json_boolean(a->cfg->has_header));
    put(b, root, "input", in);

    json_t *names = json_array(), *details = json_array();
    for (size_t i = 0; i < a->nq; i++) {
        const reid_qi *q = &a->qi[i];
        push(b, names, json_string(q->name));
        json_t *o = json_object();
        put(b, o, "name", json_string(q->name));
        put(b, o, "column", u64(q->col + 1));
        put(b, o, "type", json_string(reid_qi_type_name(q->type)));
        put(b, o, "reason", json_string(q->reason));
        put(b, o, "distinct_values", u64(reid_dict_values(&q->dict)));
        put(b, o, "missing", u64(q->missing));
        put(b, o, "missing_fraction", json_real((double)q->missing / (double)s->records));
        put(b, o, "unrecognised", u64(q->unrecognised));
        push(b, details, o);
    }
    put(b, root, "quasi_identifiers", names);
    put(b, root, "quasi_identifier_details", details);

    json_t *noted = json_array();
    for (size_t i = 0; i < a->nnotes; i++) {
        json_t *o = json_object();
        put(b, o, "name", json_string(a->notes[i].name));
        put(b, o, "note", json_string(a->notes[i].note));
        push(b, noted, o);
    }
    put(b, root, "columns_noted", noted);

    json_t *mv = json_object(), *tokens = json_array();
    put(b, mv, "rule", json_string(reid_missing_rule(a)));
    if (a->cfg->missing_any) put(b, mv, "alpha", json_real(a->cfg->missing_alpha));
    push(b, tokens, json_string(""));
    for (size_t i = 0; i < a->missing.count; i++)
        push(b, tokens, json_string(a->missing.tokens[i]));
    put(b, mv, "tokens", tokens);
    put(b, root, "missing_values", mv);

    json_t *ec = json_object();
    put(b, ec, "count", u64(s->classes));
    put(b, ec, "min_size", u64(s->min_size));
    put(b, ec, "max_size", u64(s->max_size));
    put(b, ec, "mean_size", json_real(s->mean_size));
    json_t *hist = json_array();
    for (size_t i = 0; a->fk_hist && i < a->nfk_hist; i++) { /* "matches_any": by fk */
        const reid_fk_entry *e = &a->fk_hist[i];
        json_t *o = json_object();
        put(b, o, "size",
            e->fk == floor(e->fk) && e->fk < 9e15 ? u64((uint64_t)e->fk) : json_real(e->fk));
        put(b, o, "classes", u64(e->patterns));
        put(b, o, "records", u64(e->records));
        push(b, hist, o);
    }
    for (size_t i = 0; !a->fk_hist && i < a->nhist; i++) {
        json_t *o = json_object();
        put(b, o, "size", u64(a->hist[i].size));
        put(b, o, "classes", u64(a->hist[i].classes));
        push(b, hist, o);
    }
    put(b, ec, "histogram", hist);
    json_t *dist = json_array();
    for (int k = 0; k < REID_NBUCKETS; k++) {
        json_t *o = json_object();
        put(b, o, "min_size", u64(reid_bucket_low(k)));
        put(b, o, "max_size", k == REID_NBUCKETS - 1 ? json_null() : u64(reid_bucket_high(k)));
        put(b, o, "classes", u64(s->bucket_classes[k]));
        put(b, o, "records", u64(s->bucket_records[k]));
        put(b, o, "records_fraction", json_real((double)s->bucket_records[k] / (double)s->records));
        push(b, dist, o);
    }
    put(b, ec, "size_distribution", dist);
    put(b, root, "equivalence_classes", ec);

    put(b, root, "k_anonymity", u64(s->min_size));

    json_t *su = json_object();
    put(b, su, "records", u64(s->uniques));
    put(b, su, "fraction", json_real(s->uniques_fraction));
    put(b, root, "sample_uniques", su);

    json_t *rar = json_object();
    put(b, rar, "threshold_k", u64(s->threshold_k));
    put(b, rar, "records", u64(s->records_at_risk));
    put(b, rar, "fraction", json_real(s->records_at_risk_fraction));
    put(b, root, "records_at_risk", rar);

    json_t *risk = json_object(), *pros = json_object();
    put(b, risk, "threshold_k", u64(s->threshold_k));
    put(b, pros, "highest", json_real(s->prosecutor_highest));
    put(b, pros, "highest_risk_records", u64(s->highest_risk_records));
    put(b, pros, "average", json_real(s->prosecutor_average));
    put(b, pros, "records_at_risk_fraction", json_real(s->records_at_risk_fraction));
    put(b, risk, "prosecutor", pros);
    const reid_individual_risk *ir = reid_individual_risk_get(a);
    if (ir) put(b, risk, "individual", individual(b, ir, s->records));
    put(b, root, "risk", risk);

    put(b, root, "population", population(b, reid_population_get(a)));

    if (reid_sensitive_count(a)) put(b, root, "sensitive_attributes", sensitive(b, a));
    if (reid_suda2_get(a)) put(b, root, "suda2", reid_suda2_json(a));

    if (a->cfg->attr_risks) {
        put(b, root, "attribute_risks_summary", attribute_risks_summary(b, a));
        put(b, root, "attribute_risks", attribute_risks(b, a));
    }

    const reid_population_table *pt = reid_population_table_get(a);
    if (pt) put(b, root, "population_table", population_table(b, a, pt));
    if (reid_generalisation_count(a))
        put(b, root, "generalisation", reid_json_generalisation(a, &b->failed));
    if (reid_whatif_get(a)) put(b, root, "what_if", reid_json_whatif(a, &b->failed));

    const reid_people *pp = reid_people_get(a);
    if (pp) put(b, root, "people", people(b, pp));
    const reid_longitudinal *lon = reid_longitudinal_get(a);
    if (lon) put(b, root, "longitudinal", longitudinal(b, lon));
    json_t *warns = json_array();
    for (size_t i = 0; i < reid_warning_count(a); i++) {
        json_t *w = json_object();
        put(b, w, "code", json_string(reid_warning_code(a, i)));
        put(b, w, "message", str_lossy(reid_warning_message(a, i)));
        push(b, warns, w);
    }
    put(b, root, "warnings", warns);

    const reid_pseudonyms *ps = reid_pseudonyms_get(a);
    if (ps) put(b, root, "pseudonyms", pseudonyms(b, a, ps));

    json_t *gate = json_object();
    put(b, gate, "require_k", a->cfg->require_k ? u64(a->cfg->require_k) : json_null());
    put(b, gate, "max_uniques",
        a->cfg->max_uniques >= 0 ? json_real(a->cfg->max_uniques) : json_null());
    put(b, gate, "max_risk", a->cfg->max_risk >= 0 ? json_real(a->cfg->max_risk) : json_null());
    const char *policy = reid_gate_policy(a), *source = reid_gate_policy_source(a);
    put(b, gate, "policy", policy ? json_string(policy) : json_null());
    put(b, gate, "policy_source", source ? json_string(source) : json_null());
    reid_gate_check checks[3];
    size_t nchecks = reid_gate_checks(a, checks, 3);
    json_t *arr = json_array();
    for (size_t i = 0; i < nchecks; i++) {
        json_t *c = json_object();
        int is_k = strcmp(checks[i].threshold, "k") == 0;
        put(b, c, "threshold", json_string(checks[i].threshold));
        put(b, c, "required", is_k ? u64(a->cfg->require_k) : json_real(checks[i].required));
        put(b, c, "measured",
            is_k ? u64((uint64_t)checks[i].measured) : real_or_null(checks[i].measured));
        put(b, c, "met", json_boolean(checks[i].met));
        put(b, c, "from", json_string(checks[i].from_name));
        push(b, arr, c);
    }
    put(b, gate, "checks", arr);
    put(b, gate, "passed", json_boolean(reid_gate_passed(a)));
    put(b, gate, "counts", json_string(reid_gate_per_person(a) ? "people" : "records"));
    put(b, root, "gate", gate);

    json_t *run = json_object();
    put(b, run, "elapsed_seconds", json_real(s->elapsed_seconds));
    put(b, run, "peak_rss_bytes", u64(s->peak_rss_bytes));
    put(b, run, "table_bytes", u64(s->table_bytes));
    put(b, run, "threads", u64(reid_threads(a)));
    if (a->cfg->attr_risks) put(b, run, "attribute_risks_seconds", json_real(a->subsets.seconds));
    put(b, root, "run", run);
    return root;
}

reid_status reid_write_json(const reid_analysis *a, FILE *out)
{
    if (!reid_summary_get(a)) return REID_ERR_STATE;
    jb b = {0};
    json_t *root = build(a, &b);
    if (!root || b.failed) {
        json_decref(root);
        return REID_ERR_NOMEM;
    }
    int rc = json_dumpf(root, out, JSON_INDENT(2) | JSON_REAL_PRECISION(17) | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (rc != 0 || fputc('\n', out) == EOF || ferror(out)) return REID_ERR_IO;
    return REID_OK;
}
