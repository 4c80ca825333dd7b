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
        put(b, c, "measured", is_k ? u64(s->min_size) : real_or_null(checks[i].measured));
        put(b, c, "met", json_boolean(checks[i].met));
        put(b, c, "from", json_string(checks[i].from_name));
        push(b, arr, c);
    }
    put(b, gate, "checks", arr);
    put(b, gate, "passed", json_boolean(reid_gate_passed(a)));
    put(b, root, "gate", gate);

    json_t *run = json_object();
    put(b, run, "elapsed_seconds", json_real(s->elapsed_seconds));
    put(b, run, "peak_rss_bytes", u64(s->peak_rss_bytes));
    put(b, run, "table_bytes", u64(s->table_bytes));
    put(b, run, "threads", u64(reid_threads(a)));
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
