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
#include "jsonbuild.h"
#include "report_suda2.h"
#include "report_whatif.h"

/* pseudonyms (docs/pseudonyms.md): only with --check-pseudonyms; the numbers only with --reveal. */
static json_t *pseudonyms(jb *b, const reid_analysis *a, const reid_pseudonyms *r)
{
    json_t *o = json_object();
    jb_put(b, o, "column", json_string(r->column));
    jb_put(b, o, "format", json_string(r->format));
    jb_put(b, o, "encoding", json_string(r->encoding));
    jb_put(b, o, "digest", r->digest ? json_string(r->digest) : json_null());
    jb_put(b, o, "token_length", json_u64(r->token_length));
    jb_put(b, o, "values", json_u64(r->values));
    jb_put(b, o, "sample_size", json_u64(a->cfg->pseudonym_sample));
    jb_put(b, o, "seed", json_u64(a->cfg->pseudonym_seed));
    jb_put(b, o, "sampled", json_u64(r->sampled));
    jb_put(b, o, "in_format", json_u64(r->in_format));
    jb_put(b, o, "reversed", json_u64(r->reversed));
    json_t *cheap = json_object();
    jb_put(b, cheap, "nhs_number", json_u64(r->cheap[0]));
    jb_put(b, cheap, "base64_of_number", json_u64(r->cheap[1]));
    jb_put(b, cheap, "hex_of_number", json_u64(r->cheap[2]));
    jb_put(b, o, "cheap", cheap);
    jb_put(b, o, "cheap_case", r->cheap_case ? json_string(r->cheap_case) : json_null());
    jb_put(b, o, "searched", json_boolean(r->searched));
    jb_put(b, o, "algorithms", r->algorithms ? json_string(r->algorithms) : json_null());
    jb_put(b, o, "reversed_by_hash", json_u64(r->reversed_by_hash));
    jb_put(b, o, "stems_searched", json_u64(r->stems_searched));
    jb_put(b, o, "stems_total", json_u64(r->stems_total));
    jb_put(b, o, "candidates", json_u64(r->candidates));
    jb_put(b, o, "hashes", json_u64(r->hashes));
    jb_put(b, o, "exhausted", json_boolean(r->exhausted));
    if (r->range_first || r->range_last) {
        json_t *range = json_object();
        jb_put(b, range, "first", json_u64(r->range_first));
        jb_put(b, range, "last", json_u64(r->range_last));
        jb_put(b, o, "range", range);
    } else {
        jb_put(b, o, "range", json_null());
    }
    jb_put(b, o, "threads", json_u64(r->threads));
    jb_put(b, o, "seconds", json_real(r->seconds));
    jb_put(b, o, "search_seconds", json_real(r->search_seconds));
    jb_put(b, o, "hashes_per_second", json_real_or_null(r->hashes_per_second));
    jb_put(b, o, "full_space_seconds", json_real_or_null(r->full_space_seconds));
    if (a->cfg->pseudonym_reveal) {
        json_t *arr = json_array();
        for (size_t i = 0; i < r->reversed; i++) {
            const char *tok, *how;
            uint64_t num;
            if (reid_pseudonym_reversal(a, i, &tok, &num, &how) != REID_OK) break;
            json_t *e = json_object();
            jb_put(b, e, "pseudonym", json_str_lossy(tok));
            char d[16];
            snprintf(d, sizeof d, "%010llu", (unsigned long long)num);
            jb_put(b, e, "nhs_number", json_string(d));
            jb_put(b, e, "how", json_string(how));
            jb_push(b, arr, e);
        }
        jb_put(b, o, "reversals", arr);
    }
    return o;
}

/* One model's object: available, uniques, fraction (null when not available), then its own. */
static json_t *pop_model(jb *b, const reid_population *p, const reid_pop_estimate *e)
{
    json_t *o = json_object();
    jb_put(b, o, "available", json_boolean(e->available));
    jb_put(b, o, "uniques", json_real_or_null(e->uniques));
    jb_put(b, o, "fraction", json_real_or_null(e->fraction));
    int fitted = p->sample_uniques > 0;
    if (e == &p->zayatz) {
        jb_put(b, o, "unique_probability", fitted ? json_real_or_null(e->param[0]) : json_null());
        return o;
    }
    const char *k1 = e == &p->pitman ? "theta" : "alpha", *k2 = e == &p->pitman ? "alpha" : "beta";
    jb_put(b, o, k1, fitted && e->available ? json_real_or_null(e->param[0]) : json_null());
    jb_put(b, o, k2, fitted && e->available ? json_real_or_null(e->param[1]) : json_null());
    if (e == &p->snb)
        jb_put(b, o, "population_classes",
               fitted ? json_real_or_null(p->snb_classes) : json_null());
    jb_put(b, o, "iterations", json_u64(e->iterations));
    jb_put(b, o, "starts", json_u64(e->starts));
    return o;
}

static json_t *population(jb *b, const reid_population *p)
{
    if (!p) return json_null();
    json_t *o = json_object(), *models = json_object(), *dk = json_object();
    jb_put(b, o, "size", json_u64(p->size));
    jb_put(b, o, "sampling_fraction", json_real(p->sampling_fraction));
    jb_put(b, models, "zayatz", pop_model(b, p, &p->zayatz));
    jb_put(b, models, "pitman", pop_model(b, p, &p->pitman));
    jb_put(b, models, "snb", pop_model(b, p, &p->snb));
    jb_put(b, o, "models", models);
    jb_put(b, dk, "model", json_string(reid_pop_model_name(p->dankar_model)));
    jb_put(b, dk, "uniques", json_real_or_null(p->dankar_uniques));
    jb_put(b, dk, "fraction", json_real_or_null(p->dankar_fraction));
    jb_put(b, o, "dankar", dk);
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
        jb_put(b, c, "values", json_u64(r->values));
        jb_put(b, c, "missing_records", json_u64(r->missing));
        jb_put(b, c, "numeric", json_boolean(r->numeric));
        jb_put(b, c, "l_distinct", json_u64(r->l_distinct));
        jb_put(b, c, "l_entropy", json_real_or_null(r->l_entropy));
        jb_put(b, rec, "c", json_real(r->recursive_c));
        jb_put(b, rec, "l", json_u64(r->recursive_l));
        jb_put(b, c, "recursive_c_l", rec);
        jb_put(b, c, "t_closeness", json_real_or_null(r->t_closeness));
        jb_put(b, c, "alpha", json_real_or_null(r->alpha));
        jb_put(b, c, "beta_basic", json_real_or_null(r->beta_basic));
        jb_put(b, c, "beta_enhanced", json_real_or_null(r->beta_enhanced));
        jb_put(b, c, "delta", json_real_or_null(r->delta));
        jb_put(b, c, "homogeneous_classes", json_u64(r->homogeneous_classes));
        jb_put(b, c, "homogeneous_records", json_u64(r->homogeneous_records));
        jb_put(b, c, "homogeneous_fraction", json_real(r->homogeneous_fraction));
        jb_put(b, o, r->column, c);
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
            jb_push(b, qis, json_string(a->qi[r->qis[j]].name));
        jb_put(b, o, "qis", qis);
        jb_put(b, o, "classes", json_u64(r->classes));
        jb_put(b, o, "k", json_u64(r->k));
        jb_put(b, o, "uniques", json_u64(r->uniques));
        jb_put(b, o, "uniques_fraction", json_real(r->uniques_fraction));
        jb_put(b, o, "distinction", json_real(r->distinction));
        jb_put(b, o, "separation", json_real_or_null(r->separation));
        jb_push(b, arr, o);
    }
    return arr;
}

/* attribute_risks_summary: how many subsets, up to which size, and the text report's threshold. */
static json_t *attribute_risks_summary(jb *b, const reid_analysis *a)
{
    json_t *o = json_object();
    size_t m = reid_attribute_risk_max_size(a);
    jb_put(b, o, "subsets", json_u64(reid_attribute_risk_count(a)));
    jb_put(b, o, "max_subset_size", json_u64(m));
    jb_put(b, o, "all_subsets", json_boolean(m == a->nq));
    jb_put(b, o, "threshold", json_real(a->cfg->subset_threshold));
    size_t *idx =
        malloc((reid_attribute_risk_count(a) ? reid_attribute_risk_count(a) : 1) * sizeof *idx);
    long found = idx ? reid_subsets_minimal(&a->subsets, a->cfg->subset_threshold, idx) : -1;
    json_t *min = json_array();
    if (found < 0) b->failed = 1;
    for (long i = 0; i < found; i++) {
        const reid_attribute_risk *r = reid_attribute_risk_get(a, idx[i]);
        json_t *qis = json_array();
        for (size_t j = 0; j < r->nqis; j++)
            jb_push(b, qis, json_string(a->qi[r->qis[j]].name));
        jb_push(b, min, qis);
    }
    free(idx);
    jb_put(b, o, "smallest_above_threshold", min);
    return o;
}

/* risk.individual (docs/individual-risk.md): only when a weight column was given. */
static json_t *individual(jb *b, const reid_individual_risk *r, uint64_t n)
{
    json_t *o = json_object(), *dist = json_array();
    jb_put(b, o, "weight_column", json_string(r->weight_column));
    jb_put(b, o, "total_weight", json_real_or_null(r->total_weight));
    jb_put(b, o, "expected_reidentifications", json_real_or_null(r->expected_reidentifications));
    jb_put(b, o, "global_risk", json_real_or_null(r->global_risk));
    jb_put(b, o, "max", json_real_or_null(r->max));
    jb_put(b, o, "max_records", json_u64(r->max_records));
    jb_put(b, o, "threshold", json_real(r->threshold));
    jb_put(b, o, "records_above_threshold", json_u64(r->records_above_threshold));
    jb_put(b, o, "records_above_threshold_fraction",
           json_real(r->records_above_threshold_fraction));
    for (int i = 0; i < REID_RISK_NBANDS; i++) {
        json_t *band = json_object();
        jb_put(b, band, "min_risk", json_real(reid_risk_band_low(i)));
        jb_put(b, band, "max_risk", json_real_or_null(reid_risk_band_high(i)));
        jb_put(b, band, "records", json_u64(r->band_records[i]));
        jb_put(b, band, "records_fraction", json_real((double)r->band_records[i] / (double)n));
        jb_push(b, dist, band);
    }
    jb_put(b, o, "distribution", dist);
    return o;
}

/* population_table (docs/population-table.md): only with a population table. */
static json_t *population_table(jb *b, const reid_analysis *a, const reid_population_table *t)
{
    json_t *o = json_object(), *maps = json_array();
    jb_put(b, o, "source", json_str_lossy(t->source));
    jb_put(b, o, "file", json_str_lossy(t->file));
    jb_put(b, o, "title", t->title ? json_string(t->title) : json_null());
    jb_put(b, o, "attribution", t->attribution ? json_string(t->attribution) : json_null());
    jb_put(b, o, "assumption", t->assumption ? json_string(t->assumption) : json_null());
    jb_put(b, o, "cells", json_u64(t->cells));
    jb_put(b, o, "people", json_u64(t->people));
    for (size_t i = 0; i < reid_qi_count(a); i++) {
        const reid_poptable_mapping *m = reid_population_table_mapping(a, i);
        json_t *mo = json_object();
        jb_put(b, mo, "qi", json_str_lossy(m->qi));
        jb_put(b, mo, "column", json_str_lossy(m->column));
        jb_put(b, mo, "level", json_string(m->level));
        jb_put(b, mo, "description", json_string(m->description));
        jb_put(b, mo, "unmatched_records", json_u64(m->unmatched_records));
        jb_push(b, maps, mo);
    }
    jb_put(b, o, "mapping", maps);
    json_t *summed = json_array();
    for (size_t i = 0; reid_population_table_summed(a, i); i++)
        jb_push(b, summed, json_str_lossy(reid_population_table_summed(a, i)));
    jb_put(b, o, "summed_over", summed);
    jb_put(b, o, "coarser", json_boolean(t->coarser));
    jb_put(b, o, "records_placed", json_u64(t->records_placed));
    jb_put(b, o, "cells_used", json_u64(t->cells_used));
    jb_put(b, o, "threshold_k", json_u64(t->threshold_k));
    json_t *j = json_object();
    jb_put(b, j, "highest", json_real_or_null(t->journalist_highest));
    jb_put(b, j, "highest_risk_records", json_u64(t->journalist_highest_records));
    jb_put(b, j, "average", json_real_or_null(t->journalist_average));
    jb_put(b, j, "records_at_risk", json_u64(t->records_at_risk));
    jb_put(b, j, "records_at_risk_fraction", json_real_or_null(t->records_at_risk_fraction));
    jb_put(b, o, "journalist", j);
    jb_put(b, o, "marketer", json_real_or_null(t->marketer));
    jb_put(b, o, "population_uniques_in_sample", json_u64(t->population_uniques_in_sample));
    json_t *un = json_object(), *ab = json_object(), *be = json_object();
    jb_put(b, un, "classes", json_u64(t->unmatched_classes));
    jb_put(b, un, "records", json_u64(t->unmatched_records));
    jb_put(b, o, "unmatched", un);
    jb_put(b, ab, "classes", json_u64(t->absent_classes));
    jb_put(b, ab, "records", json_u64(t->absent_records));
    jb_put(b, o, "sample_classes_not_in_table", ab);
    jb_put(b, be, "cells", json_u64(t->below_sample_cells));
    jb_put(b, be, "records", json_u64(t->below_sample_records));
    jb_put(b, o, "cells_below_sample", be);
    return o;
}

/* people (docs/people.md): only with a pseudonym column (--id). */
static json_t *people(jb *b, const reid_people *p)
{
    json_t *o = json_object(), *pros = json_object(), *dist = json_array(), *inc = json_object();
    double P = p->count ? (double)p->count : 1;
    jb_put(b, o, "id_column", json_string(p->id_column));
    jb_put(b, o, "count", json_u64(p->count));
    jb_put(b, o, "k_anonymity", json_u64(p->k_anonymity));
    jb_put(b, o, "unique", json_u64(p->unique));
    jb_put(b, o, "unique_fraction", json_real(p->unique_fraction));
    jb_put(b, o, "threshold_k", json_u64(p->threshold_k));
    jb_put(b, o, "at_risk", json_u64(p->at_risk));
    jb_put(b, o, "records_at_risk_fraction", json_real(p->at_risk_fraction));
    jb_put(b, o, "rows", json_u64(p->rows));
    jb_put(b, o, "anonymous_rows", json_u64(p->anonymous_rows));
    jb_put(b, o, "max_rows_per_person", json_u64(p->max_rows));
    jb_put(b, o, "people_with_several_rows", json_u64(p->several_rows));
    jb_put(b, o, "people_in_several_classes", json_u64(p->several_classes));
    jb_put(b, o, "classes", json_u64(p->classes));
    jb_put(b, o, "class_person_pairs", json_u64(p->pairs));
    jb_put(b, o, "max_size", json_u64(p->max_size));
    jb_put(b, o, "mean_size", json_real(p->mean_size));
    jb_put(b, pros, "highest", json_real(p->prosecutor_highest));
    jb_put(b, pros, "highest_risk_people", json_u64(p->highest_risk_people));
    jb_put(b, pros, "average", json_real(p->prosecutor_average));
    jb_put(b, o, "prosecutor", pros);
    for (int k = 0; k < REID_NBUCKETS; k++) {
        json_t *e = json_object();
        jb_put(b, e, "min_size", json_u64(reid_bucket_low(k)));
        jb_put(b, e, "max_size",
               k == REID_NBUCKETS - 1 ? json_null() : json_u64(reid_bucket_high(k)));
        jb_put(b, e, "classes", json_u64(p->bucket_classes[k]));
        jb_put(b, e, "people", json_u64(p->bucket_people[k]));
        jb_put(b, e, "people_fraction", json_real((double)p->bucket_people[k] / P));
        jb_push(b, dist, e);
    }
    jb_put(b, o, "size_distribution", dist);
    jb_put(b, inc, "sex", p->sex_checked ? json_u64(p->sex_inconsistent) : json_null());
    jb_put(b, inc, "date_of_birth", p->dob_checked ? json_u64(p->dob_inconsistent) : json_null());
    jb_put(b, o, "inconsistent_pseudonyms", inc);
    return o;
}

static json_t *unicity(jb *b, const reid_unicity *u)
{
    json_t *arr = json_array();
    for (int p = 0; p < REID_UNICITY_MAX_P; p++) {
        json_t *e = json_object();
        jb_put(b, e, "p", json_u64(u[p].p));
        jb_put(b, e, "sampled", json_u64(u[p].sampled));
        jb_put(b, e, "unique", json_u64(u[p].unique));
        jb_put(b, e, "fraction", json_real_or_null(u[p].fraction));
        jb_put(b, e, "ci_low", json_real_or_null(u[p].ci_low));
        jb_put(b, e, "ci_high", json_real_or_null(u[p].ci_high));
        jb_push(b, arr, e);
    }
    return arr;
}

/* longitudinal (docs/longitudinal.md): only with --events. */
static json_t *longitudinal(jb *b, const reid_longitudinal *l)
{
    json_t *o = json_object(), *un = json_object(), *set = json_object();
    json_t *s1 = json_object(), *s2 = json_object();
    jb_put(b, o, "columns", json_str_lossy(l->columns));
    jb_put(b, o, "seed", json_u64(l->seed));
    jb_put(b, o, "sample_requested", json_u64(l->sample_requested));
    jb_put(b, o, "sampled", json_u64(l->sampled));
    jb_put(b, o, "people", json_u64(l->people));
    jb_put(b, o, "people_without_events", json_u64(l->people_without));
    jb_put(b, o, "rows_without_event", json_u64(l->rows_without_event));
    jb_put(b, o, "distinct_events", json_u64(l->distinct_events));
    jb_put(b, o, "points", json_u64(l->points));
    jb_put(b, o, "points_with_qis", json_u64(l->points_with_qis));
    jb_put(b, o, "max_points_per_person", json_u64(l->max_points));
    jb_put(b, un, "events", unicity(b, l->events));
    jb_put(b, un, "events_and_qis", unicity(b, l->with_qis));
    jb_put(b, o, "unicity", un);
    jb_put(b, s1, "people", json_u64(l->set_unique));
    jb_put(b, s1, "fraction", json_real_or_null(l->set_unique_fraction));
    jb_put(b, s2, "people", json_u64(l->set_unique_with_qis));
    jb_put(b, s2, "fraction", json_real_or_null(l->set_unique_with_qis_fraction));
    jb_put(b, set, "events", s1);
    jb_put(b, set, "events_and_qis", s2);
    jb_put(b, o, "set_unique", set);
    return o;
}

static json_t *build(const reid_analysis *a, jb *b)
{
    const reid_summary *s = reid_summary_get(a);
    json_t *root = json_object();

    jb_put_tool(b, root);

    json_t *in = json_object();
    jb_put(b, in, "source", json_str_lossy(a->source));
    jb_put(b, in, "records", json_u64(s->records));
    jb_put(b, in, "skipped_rows", json_u64(s->skipped_rows));
    if (s->skipped_rows) jb_put(b, in, "first_skipped_row", json_str_lossy(a->first_skip));
    jb_put(b, in, "columns", json_u64(a->ncols));
    char d[2] = {(char)a->reader.delim, 0};
    jb_put(b, in, "delimiter", json_string(d));
    jb_put(b, in, "header", json_boolean(a->cfg->has_header));
    jb_put(b, root, "input", in);

    json_t *names = json_array(), *details = json_array();
    for (size_t i = 0; i < a->nq; i++) {
        const reid_qi *q = &a->qi[i];
        jb_push(b, names, json_string(q->name));
        json_t *o = json_object();
        jb_put(b, o, "name", json_string(q->name));
        jb_put(b, o, "column", json_u64(q->col + 1));
        jb_put(b, o, "type", json_string(reid_qi_type_name(q->type)));
        jb_put(b, o, "reason", json_string(q->reason));
        jb_put(b, o, "distinct_values", json_u64(reid_dict_values(&q->dict)));
        jb_put(b, o, "missing", json_u64(q->missing));
        jb_put(b, o, "missing_fraction", json_real((double)q->missing / (double)s->records));
        jb_put(b, o, "unrecognised", json_u64(q->unrecognised));
        jb_push(b, details, o);
    }
    jb_put(b, root, "quasi_identifiers", names);
    jb_put(b, root, "quasi_identifier_details", details);

    json_t *noted = json_array();
    for (size_t i = 0; i < a->nnotes; i++) {
        json_t *o = json_object();
        jb_put(b, o, "name", json_string(a->notes[i].name));
        jb_put(b, o, "note", json_string(a->notes[i].note));
        jb_push(b, noted, o);
    }
    jb_put(b, root, "columns_noted", noted);

    json_t *mv = json_object(), *tokens = json_array();
    jb_put(b, mv, "rule", json_string(reid_missing_rule(a)));
    if (a->cfg->missing_any) jb_put(b, mv, "alpha", json_real(a->cfg->missing_alpha));
    jb_push(b, tokens, json_string(""));
    for (size_t i = 0; i < a->missing.count; i++)
        jb_push(b, tokens, json_string(a->missing.tokens[i]));
    jb_put(b, mv, "tokens", tokens);
    jb_put(b, root, "missing_values", mv);

    json_t *ec = json_object();
    jb_put(b, ec, "count", json_u64(s->classes));
    jb_put(b, ec, "min_size", json_u64(s->min_size));
    jb_put(b, ec, "max_size", json_u64(s->max_size));
    jb_put(b, ec, "mean_size", json_real(s->mean_size));
    json_t *hist = json_array();
    for (size_t i = 0; a->fk_hist && i < a->nfk_hist; i++) { /* "matches_any": by fk */
        const reid_fk_entry *e = &a->fk_hist[i];
        json_t *o = json_object();
        jb_put(b, o, "size",
               e->fk == floor(e->fk) && e->fk < 9e15 ? json_u64((uint64_t)e->fk)
                                                     : json_real(e->fk));
        jb_put(b, o, "classes", json_u64(e->patterns));
        jb_put(b, o, "records", json_u64(e->records));
        jb_push(b, hist, o);
    }
    for (size_t i = 0; !a->fk_hist && i < a->nhist; i++) {
        json_t *o = json_object();
        jb_put(b, o, "size", json_u64(a->hist[i].size));
        jb_put(b, o, "classes", json_u64(a->hist[i].classes));
        jb_push(b, hist, o);
    }
    jb_put(b, ec, "histogram", hist);
    json_t *dist = json_array();
    for (int k = 0; k < REID_NBUCKETS; k++) {
        json_t *o = json_object();
        jb_put(b, o, "min_size", json_u64(reid_bucket_low(k)));
        jb_put(b, o, "max_size",
               k == REID_NBUCKETS - 1 ? json_null() : json_u64(reid_bucket_high(k)));
        jb_put(b, o, "classes", json_u64(s->bucket_classes[k]));
        jb_put(b, o, "records", json_u64(s->bucket_records[k]));
        jb_put(b, o, "records_fraction",
               json_real((double)s->bucket_records[k] / (double)s->records));
        jb_push(b, dist, o);
    }
    jb_put(b, ec, "size_distribution", dist);
    jb_put(b, root, "equivalence_classes", ec);

    jb_put(b, root, "k_anonymity", json_u64(s->min_size));

    json_t *su = json_object();
    jb_put(b, su, "records", json_u64(s->uniques));
    jb_put(b, su, "fraction", json_real(s->uniques_fraction));
    jb_put(b, root, "sample_uniques", su);

    json_t *rar = json_object();
    jb_put(b, rar, "threshold_k", json_u64(s->threshold_k));
    jb_put(b, rar, "records", json_u64(s->records_at_risk));
    jb_put(b, rar, "fraction", json_real(s->records_at_risk_fraction));
    jb_put(b, root, "records_at_risk", rar);

    json_t *risk = json_object(), *pros = json_object();
    jb_put(b, risk, "threshold_k", json_u64(s->threshold_k));
    jb_put(b, pros, "highest", json_real(s->prosecutor_highest));
    jb_put(b, pros, "highest_risk_records", json_u64(s->highest_risk_records));
    jb_put(b, pros, "average", json_real(s->prosecutor_average));
    jb_put(b, pros, "records_at_risk_fraction", json_real(s->records_at_risk_fraction));
    jb_put(b, risk, "prosecutor", pros);
    const reid_individual_risk *ir = reid_individual_risk_get(a);
    if (ir) jb_put(b, risk, "individual", individual(b, ir, s->records));
    jb_put(b, root, "risk", risk);

    jb_put(b, root, "population", population(b, reid_population_get(a)));

    if (reid_sensitive_count(a)) jb_put(b, root, "sensitive_attributes", sensitive(b, a));
    if (reid_suda2_get(a)) jb_put(b, root, "suda2", reid_suda2_json(a));

    if (a->cfg->attr_risks) {
        jb_put(b, root, "attribute_risks_summary", attribute_risks_summary(b, a));
        jb_put(b, root, "attribute_risks", attribute_risks(b, a));
    }

    const reid_population_table *pt = reid_population_table_get(a);
    if (pt) jb_put(b, root, "population_table", population_table(b, a, pt));
    if (reid_generalisation_count(a))
        jb_put(b, root, "generalisation", reid_json_generalisation(a, &b->failed));
    if (reid_whatif_get(a)) jb_put(b, root, "what_if", reid_json_whatif(a, &b->failed));

    const reid_people *pp = reid_people_get(a);
    if (pp) jb_put(b, root, "people", people(b, pp));
    const reid_longitudinal *lon = reid_longitudinal_get(a);
    if (lon) jb_put(b, root, "longitudinal", longitudinal(b, lon));
    json_t *warns = json_array();
    for (size_t i = 0; i < reid_warning_count(a); i++) {
        json_t *w = json_object();
        jb_put(b, w, "code", json_string(reid_warning_code(a, i)));
        jb_put(b, w, "message", json_str_lossy(reid_warning_message(a, i)));
        jb_push(b, warns, w);
    }
    jb_put(b, root, "warnings", warns);

    const reid_pseudonyms *ps = reid_pseudonyms_get(a);
    if (ps) jb_put(b, root, "pseudonyms", pseudonyms(b, a, ps));

    json_t *gate = json_object();
    jb_put(b, gate, "require_k", a->cfg->require_k ? json_u64(a->cfg->require_k) : json_null());
    jb_put(b, gate, "max_uniques",
           a->cfg->max_uniques >= 0 ? json_real(a->cfg->max_uniques) : json_null());
    jb_put(b, gate, "max_risk", a->cfg->max_risk >= 0 ? json_real(a->cfg->max_risk) : json_null());
    const char *policy = reid_gate_policy(a), *source = reid_gate_policy_source(a);
    jb_put(b, gate, "policy", policy ? json_string(policy) : json_null());
    jb_put(b, gate, "policy_source", source ? json_string(source) : json_null());
    reid_gate_check checks[3];
    size_t nchecks = reid_gate_checks(a, checks, 3);
    json_t *arr = json_array();
    for (size_t i = 0; i < nchecks; i++) {
        json_t *c = json_object();
        int is_k = strcmp(checks[i].threshold, "k") == 0;
        jb_put(b, c, "threshold", json_string(checks[i].threshold));
        jb_put(b, c, "required",
               is_k ? json_u64(a->cfg->require_k) : json_real(checks[i].required));
        jb_put(b, c, "measured",
               is_k ? json_u64((uint64_t)checks[i].measured)
                    : json_real_or_null(checks[i].measured));
        jb_put(b, c, "met", json_boolean(checks[i].met));
        jb_put(b, c, "from", json_string(checks[i].from_name));
        jb_push(b, arr, c);
    }
    jb_put(b, gate, "checks", arr);
    jb_put(b, gate, "passed", json_boolean(reid_gate_passed(a)));
    jb_put(b, gate, "counts", json_string(reid_gate_per_person(a) ? "people" : "records"));
    jb_put(b, root, "gate", gate);

    json_t *run = json_object();
    jb_put(b, run, "elapsed_seconds", json_real(s->elapsed_seconds));
    jb_put(b, run, "peak_rss_bytes", json_u64(s->peak_rss_bytes));
    jb_put(b, run, "table_bytes", json_u64(s->table_bytes));
    jb_put(b, run, "threads", json_u64(reid_threads(a)));
    jb_put(b, run, "parallel_records", json_u64(reid_parallel_records(a)));
    if (a->cfg->attr_risks)
        jb_put(b, run, "attribute_risks_seconds", json_real(a->subsets.seconds));
    jb_put(b, root, "run", run);
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
