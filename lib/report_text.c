/* report_text.c - the human-readable report: headline first, aggregates only. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "report_pseudonyms.h"
#include "numfmt.h"
#include "report_suda2.h"
#include "report_whatif.h"

static void qi_list(const reid_analysis *a, char *out, size_t cap)
{
    size_t used = 0;
    out[0] = 0;
    for (size_t i = 0; i < a->nq && used < cap; i++) {
        int w = snprintf(out + used, cap - used, "%s%s", i ? ", " : "", a->qi[i].name);
        if (w < 0) break;
        used += (size_t)w;
    }
}

/* "age, sex and race": the QI names for a sentence. */
static void qi_phrase(const reid_analysis *a, char *out, size_t cap)
{
    size_t used = 0;
    out[0] = 0;
    for (size_t i = 0; i < a->nq && used < cap; i++) {
        const char *sep = i == 0 ? "" : (i + 1 == a->nq ? " and " : ", ");
        int w = snprintf(out + used, cap - used, "%s%s", sep, a->qi[i].name);
        if (w < 0) break;
        used += (size_t)w;
    }
}

/* "about 94 people" / "about 1 person" / "less than one person", for an estimate > 0. */
static const char *people(double v, char *out, size_t cap)
{
    char n[32];
    if (v < 0.5) {
        snprintf(out, cap, "less than one person");
        return out;
    }
    double r = floor(v + 0.5);
    reid_fmt_count(r >= 1.8e19 ? UINT64_MAX : (uint64_t)r, n);
    snprintf(out, cap, "about %s %s", n, r == 1 ? "person" : "people");
    return out;
}

/* A share of the population, small ones with two significant digits: "0.0031%". */
static const char *share(double f, char *out, size_t cap)
{
    double pc = f * 100;
    if (pc >= 0.01 || pc <= 0)
        reid_fmt_percent(f, out, cap);
    else if (pc >= 0.0001)
        snprintf(out, cap, "%.2g%%", pc);
    else
        snprintf(out, cap, "less than 0.0001%%");
    return out;
}

static const char *model_title(reid_pop_model m)
{
    switch (m) {
    case REID_POP_ZAYATZ:
        return "Zayatz";
    case REID_POP_PITMAN:
        return "Pitman";
    case REID_POP_SNB:
        return "SNB";
    default:
        return "no";
    }
}

/* Why Dankar et al.'s rule chose what it chose, in one sentence. */
static void dankar_why(FILE *o, const reid_population *p)
{
    if (p->sampling_fraction <= 0.1) {
        if (p->dankar_model == REID_POP_PITMAN)
            fprintf(o,
                    "  This is the Pitman model's estimate: Dankar et al.'s rule prefers it when "
                    "the extract\n  holds at most 10%% of the population.\n");
        else
            fprintf(o, "  This is the Zayatz model's estimate: Dankar et al.'s rule prefers Pitman "
                       "when the extract\n  holds at most 10%% of the population, but the Pitman "
                       "fit did not converge.\n");
    } else if (p->dankar_model == REID_POP_SNB) {
        fprintf(o, "  This is the SNB model's estimate: when the extract holds more than 10%% of "
                   "the population,\n  Dankar et al.'s rule takes the smaller of the Zayatz and "
                   "SNB estimates.\n");
    } else if (p->snb.available) {
        fprintf(o,
                "  This is the Zayatz model's estimate: when the extract holds more than 10%% of "
                "the population,\n  Dankar et al.'s rule takes the smaller of the Zayatz and SNB "
                "estimates.\n");
    } else {
        fprintf(o,
                "  This is the Zayatz model's estimate: when the extract holds more than 10%% of "
                "the population,\n  Dankar et al.'s rule takes the smaller of the Zayatz and SNB "
                "estimates, but the SNB fit\n  did not converge.\n");
    }
}

static void write_population(const reid_analysis *a, const reid_population *p, FILE *o)
{
    char n1[32], n2[32], p1[32], qis[1024], ppl[64];
    qi_phrase(a, qis, sizeof qis);
    fprintf(o, "\nFrom the sample to the population (docs/population.md)\n");
    fprintf(o, "  The population is %s people; the extract's %s records are %s of it.\n",
            reid_fmt_count(p->size, n1), reid_fmt_count(a->sum.records, n2),
            reid_fmt_percent(p->sampling_fraction, p1, sizeof p1));
    if (p->sample_uniques == 0) {
        fprintf(o,
                "  No record is unique in the extract, so no one is estimated to be unique in "
                "the population\n  on %s; no model is needed.\n",
                qis);
        return;
    }
    if (p->dankar_available) {
        people(p->dankar_uniques, ppl, sizeof ppl);
        ppl[0] = (char)(ppl[0] - 'a' + 'A');
        fprintf(o, "  %s in the population %s estimated to be unique on %s.\n", ppl,
                strstr(ppl, "person") ? "is" : "are", qis);
        dankar_why(o, p);
    } else {
        fprintf(o,
                "  No estimate is available: the %s model chosen by Dankar et al.'s rule gave "
                "none.\n",
                model_title(p->dankar_model));
    }
    const reid_pop_estimate *m[3] = {&p->zayatz, &p->pitman, &p->snb};
    const reid_pop_model ids[3] = {REID_POP_ZAYATZ, REID_POP_PITMAN, REID_POP_SNB};
    for (int i = 0; i < 3; i++) {
        const reid_pop_estimate *e = m[i];
        fprintf(o, "\n  %s model\n", model_title(ids[i]));
        if (!e->available) {
            fprintf(o,
                    "    Not available: the fit did not converge (%u iterations from %u starting "
                    "points), so this\n    model gives no estimate.\n",
                    e->iterations, e->starts);
            continue;
        }
        people(e->uniques, ppl, sizeof ppl);
        fprintf(o,
                "    It estimates that %s in the population %s unique on %s\n    (%.4g, %s of "
                "the population).\n",
                ppl, strstr(ppl, "person") ? "is" : "are", qis, e->uniques,
                share(e->fraction, p1, sizeof p1));
        if (ids[i] == REID_POP_ZAYATZ)
            fprintf(o,
                    "    Each of the %s records unique in the extract has a %s chance of being "
                    "unique in\n    the population too.\n",
                    reid_fmt_count(p->sample_uniques, n1),
                    reid_fmt_percent(e->param[0], p1, sizeof p1));
        else
            fprintf(o, "    Fitted in %u iterations from %u starting point%s (%s %.6g, %s %.6g).\n",
                    e->iterations, e->starts, e->starts == 1 ? "" : "s",
                    ids[i] == REID_POP_PITMAN ? "theta" : "alpha", e->param[0],
                    ids[i] == REID_POP_PITMAN ? "alpha" : "beta", e->param[1]);
    }
}

/* "0.0316" / "3.16%": a risk as a percentage a campaigner reads, with 3 significant digits. */
static const char *risk_pct(double r, char *out, size_t cap)
{
    double pc = r * 100;
    if (pc == 0)
        snprintf(out, cap, "0%%");
    else if (pc >= 0.001)
        snprintf(out, cap, "%.3g%%", pc);
    else
        snprintf(out, cap, "less than 0.001%%");
    return out;
}

static void write_individual(const reid_analysis *a, const reid_individual_risk *r, FILE *o)
{
    char n1[32], n2[32], p1[32], p2[32];
    uint64_t n = a->sum.records;
    fprintf(o, "\nIndividual risk with sampling weights (docs/individual-risk.md)\n");
    fprintf(o, "  The weights in column '%s' say the %s records stand for about %.6g people.\n",
            r->weight_column, reid_fmt_count(n, n1), r->total_weight);
    fprintf(o,
            "  An intruder who tries to match every record to the right person would be right "
            "about %.4g times\n  (expected re-identifications).\n",
            r->expected_reidentifications);
    fprintf(o,
            "  That is a global risk of %s: the chance that a record picked at random is "
            "re-identified.\n",
            risk_pct(r->global_risk, p1, sizeof p1));
    fprintf(o, "  The most exposed records (%s of them) have a %s chance of being re-identified.\n",
            reid_fmt_count(r->max_records, n1), risk_pct(r->max, p1, sizeof p1));
    fprintf(o, "  %s records (%s) have a risk above %s (--risk-threshold).\n",
            reid_fmt_count(r->records_above_threshold, n1),
            reid_fmt_percent(r->records_above_threshold_fraction, p2, sizeof p2),
            risk_pct(r->threshold, p1, sizeof p1));
    fprintf(o, "\n  %-14s %14s %10s\n", "risk", "records", "of records");
    for (int i = 0; i < REID_RISK_NBANDS; i++) {
        char label[80], lo[32], hi[32];
        risk_pct(reid_risk_band_low(i), lo, sizeof lo);
        if (i + 1 < REID_RISK_NBANDS)
            snprintf(label, sizeof label, "%s to <%s", lo,
                     risk_pct(reid_risk_band_high(i), hi, sizeof hi));
        else
            snprintf(label, sizeof label, "%s or more", lo);
        fprintf(o, "  %-14s %14s %10s\n", label, reid_fmt_count(r->band_records[i], n2),
                reid_fmt_percent((double)r->band_records[i] / (double)n, p1, sizeof p1));
    }
}

/* One plain sentence per figure (docs/sensitive.md). */
static void write_sensitive(const reid_analysis *a, const reid_sensitive *r, FILE *o)
{
    char n1[32], p1[32];
    const char *col = r->column;
    fprintf(o, "\nSensitive column '%s' (docs/sensitive.md)\n", col);
    fprintf(o, "  It holds %s distinct values%s.\n", reid_fmt_count(r->values, n1),
            r->numeric ? ", all numbers" : "");
    if (r->missing)
        fprintf(o, "  %s records have no value; they count as one value \"missing\".\n",
                reid_fmt_count(r->missing, n1));
    fprintf(o,
            "  %s records (%s) are in classes where everyone has the same %s: their %s is "
            "disclosed whatever k is.\n",
            reid_fmt_count(r->homogeneous_records, n1),
            reid_fmt_percent(r->homogeneous_fraction, p1, sizeof p1), col, col);
    fprintf(o, "  Every class has at least %s distinct %s value%s (distinct l-diversity).\n",
            reid_fmt_count(r->l_distinct, n1), col, r->l_distinct == 1 ? "" : "s");
    fprintf(o,
            "  The least varied class has as much variety as %.4g equally common value%s "
            "(entropy l-diversity).\n",
            r->l_entropy, r->l_entropy == 1 ? "" : "s");
    fprintf(o,
            "  With c = %g, recursive (c,l)-diversity holds up to l = %s: in every class the most "
            "common value is rarer than c times the l-th most common and all rarer ones "
            "together.\n",
            r->recursive_c, reid_fmt_count(r->recursive_l, n1));
    fprintf(o,
            "  No class's spread of %s is further than %.4g from the whole extract's "
            "(t-closeness, %s distance).\n",
            col, r->t_closeness, r->numeric ? "ordered" : "equal");
    fprintf(o,
            "  In the worst class, %s of the records share one %s ((alpha,k)-anonymity: "
            "alpha = %.4g).\n",
            reid_fmt_percent(r->alpha, p1, sizeof p1), col, r->alpha);
    fprintf(o,
            "  Knowing the class raises the share of a %s value by at most %.4g times its share "
            "overall (basic beta-likeness).\n",
            col, r->beta_basic);
    if (isfinite(r->beta_enhanced))
        fprintf(o, "  Enhanced beta-likeness holds with the same beta, %.4g.\n", r->beta_enhanced);
    else
        fprintf(o, "  No beta gives enhanced beta-likeness: some class raises a value's share by "
                   "more than -ln of its share overall.\n");
    fprintf(o,
            "  Knowing the class changes the odds of a %s value present in it by a factor of "
            "at most e^%.4g = %.4g (delta-disclosure).\n",
            col, r->delta, exp(r->delta));
    (void)a;
}

/* Most rows of the attribute-risk table in the text report (all of them are in the JSON). */
#define SUBSET_ROWS 20

/* Which combinations of QIs make people unique (docs/attribute-risk.md). 0, or -1 (no memory). */
static int write_attribute_risks(const reid_analysis *a, FILE *o)
{
    const reid_subsets *ss = &a->subsets;
    char n1[32], n2[32], n3[32], p1[32];
    size_t m = ss->max_size;
    fprintf(o, "\nWhich combinations of quasi-identifiers make people unique "
               "(docs/attribute-risk.md)\n");
    if (m == a->nq)
        fprintf(o, "  %s combinations of the %s quasi-identifiers were counted (all of them).\n",
                reid_fmt_count(ss->count, n1), reid_fmt_count(a->nq, n2));
    else
        fprintf(o,
                "  %s combinations of up to %s of the %s quasi-identifiers were counted "
                "(--max-subset-size).\n",
                reid_fmt_count(ss->count, n1), reid_fmt_count(m, n2), reid_fmt_count(a->nq, n3));
    size_t *idx = malloc((ss->count ? ss->count : 1) * sizeof *idx);
    long found = idx ? reid_subsets_minimal(ss, a->cfg->subset_threshold, idx) : -1;
    if (found < 0) {
        free(idx);
        return -1;
    }
    reid_fmt_percent(a->cfg->subset_threshold, p1, sizeof p1);
    if (found == 0) {
        const reid_attribute_risk *best = NULL;
        for (size_t i = 0; i < ss->count; i++)
            if (!best || ss->risks[i].uniques > best->uniques) best = &ss->risks[i];
        fprintf(o,
                "  No combination makes more than %s of the records unique (--subset-threshold).\n",
                p1);
        if (best) {
            fprintf(o, "  The most is %s of the records (",
                    reid_fmt_percent(best->uniques_fraction, n1, sizeof n1));
            for (size_t j = 0; j < best->nqis; j++)
                fprintf(o, "%s%s", j ? ", " : "", a->qi[best->qis[j]].name);
            fprintf(o, ").\n");
        }
        free(idx);
        return 0;
    }
    fprintf(o,
            "  The smallest combinations that make more than %s of the records unique "
            "(--subset-threshold):\n\n",
            p1);
    fprintf(o, "  %12s %10s %12s %8s %11s  %s\n", "unique", "of records", "classes", "k",
            "separation", "columns");
    for (long i = 0; i < found && i < SUBSET_ROWS; i++) {
        const reid_attribute_risk *r = &ss->risks[idx[i]];
        fprintf(o, "  %12s %10s %12s %8s %11.6f  ", reid_fmt_count(r->uniques, n1),
                reid_fmt_percent(r->uniques_fraction, p1, sizeof p1),
                reid_fmt_count(r->classes, n2), reid_fmt_count(r->k, n3), r->separation);
        for (size_t j = 0; j < r->nqis; j++)
            fprintf(o, "%s%s", j ? ", " : "", a->qi[r->qis[j]].name);
        fprintf(o, "\n");
    }
    if (found > SUBSET_ROWS)
        fprintf(o, "  ... and %s more in the JSON report.\n",
                reid_fmt_count((uint64_t)(found - SUBSET_ROWS), n1));
    fprintf(o, "\n  Unique: no other record has the same values in these columns alone.\n"
               "  Classes: the groups of records that share their values in these columns;\n"
               "  k: the size of the smallest group.\n"
               "  Separation: the share of all pairs of records that these columns tell apart\n"
               "  (1 = every pair).\n"
               "  Adding a column to a combination can only single out more people.\n"
               "  Every combination is in the JSON report.\n");
    free(idx);
    return 0;
}

/* One plain sentence per figure (docs/population-table.md). */
static void write_poptable(const reid_analysis *a, const reid_population_table *t, FILE *o)
{
    char n1[32], n2[32], p1[32];
    uint64_t n = a->sum.records;
    fprintf(o, "\nPopulation table (docs/population-table.md)\n");
    if (t->title)
        fprintf(o, "  Table: %s (%s, read from %s).\n  Source: %s.\n", t->title, t->source, t->file,
                t->attribution);
    else
        fprintf(o, "  Table: %s.\n", t->file);
    fprintf(o, "  It counts %s people in %s cells.\n", reid_fmt_count(t->people, n1),
            reid_fmt_count(t->cells, n2));
    if (t->assumption) fprintf(o, "  Assumption: %s.\n", t->assumption);
    for (size_t i = 0; i < a->nq; i++) {
        const reid_poptable_mapping *m = reid_population_table_mapping(a, i);
        if (strcmp(m->level, "exact") == 0)
            fprintf(o, "  Column '%s' is matched to the table's '%s' as it is.\n", m->qi,
                    m->column);
        else
            fprintf(o, "  Column '%s' was mapped to the table's '%s': %s.\n", m->qi, m->column,
                    m->description);
        if (m->unmatched_records)
            fprintf(o,
                    "  %s records have a %s that could not be mapped (missing or not readable).\n",
                    reid_fmt_count(m->unmatched_records, n1), m->qi);
    }
    for (size_t i = 0; reid_population_table_summed(a, i); i++)
        fprintf(o,
                "  The table's column '%s' is not a quasi-identifier here: its counts were added "
                "up over it.\n",
                reid_population_table_summed(a, i));
    if (t->coarser)
        fprintf(o, "  The table is coarser than the extract, so each risk below is worked out for "
                   "the record's population cell; a record's true risk can only be higher.\n");
    if (t->unmatched_records)
        fprintf(o,
                "  %s records (%s) could not be placed in the table and are left out of the "
                "figures below.\n",
                reid_fmt_count(t->unmatched_records, n1),
                reid_fmt_percent((double)t->unmatched_records / (double)n, p1, sizeof p1));
    if (!t->records_placed) {
        fprintf(o, "  No record could be placed in the table, so there are no figures.\n");
        return;
    }
    char qp[1024];
    qi_phrase(a, qp, sizeof qp);
    fprintf(o,
            "  Someone who knows a person's %s and picks the matching record is right with a "
            "chance of at most %s (journalist risk; %s %s that exposed).\n",
            qp, risk_pct(t->journalist_highest, p1, sizeof p1),
            reid_fmt_count(t->journalist_highest_records, n1),
            t->journalist_highest_records == 1 ? "record is" : "records are");
    fprintf(o,
            "  On average the chance is %s (journalist average: the larger of the mean over the "
            "people who match some record and the marketer risk below).\n",
            risk_pct(t->journalist_average, p1, sizeof p1));
    fprintf(o,
            "  %s records (%s) are in population cells of fewer than k = %s people: each is one "
            "of fewer than %s people in the whole population with those values.\n",
            reid_fmt_count(t->records_at_risk, n1),
            reid_fmt_percent(t->records_at_risk_fraction, p1, sizeof p1),
            reid_fmt_count(t->threshold_k, n2), n2);
    fprintf(o,
            "  %s records belong to someone who is the only person in the population with "
            "those values (population uniques in the extract).\n",
            reid_fmt_count(t->population_uniques_in_sample, n1));
    fprintf(o,
            "  Someone who matches every record to a person in the population would get about %s "
            "of them right (marketer risk).\n",
            risk_pct(t->marketer, p1, sizeof p1));
    if (t->absent_classes)
        fprintf(o,
                "  Warning: %s classes (%s records) fall in cells the table does not have; the "
                "extract's own count is used for them.\n",
                reid_fmt_count(t->absent_classes, n1), reid_fmt_count(t->absent_records, n2));
    if (t->below_sample_cells)
        fprintf(o,
                "  Warning: %s cells hold more records of the extract than the table has people "
                "(%s records); the extract's own count is used for them. The table may be of "
                "another population or year.\n",
                reid_fmt_count(t->below_sample_cells, n1),
                reid_fmt_count(t->below_sample_records, n2));
}

/* Person-level figures (--id; docs/people.md), one plain sentence each. */

/* A size bucket's label: "1", "5-9", "100+". */
static void bucket_label(int b, char *label, size_t cap)
{
    uint64_t lo = reid_bucket_low(b), hi = reid_bucket_high(b);
    if (lo == hi)
        snprintf(label, cap, "%llu", (unsigned long long)lo);
    else if (hi == UINT64_MAX)
        snprintf(label, cap, "%llu+", (unsigned long long)lo);
    else
        snprintf(label, cap, "%llu-%llu", (unsigned long long)lo, (unsigned long long)hi);
}
static void write_people(const reid_people *p, FILE *o)
{
    char n1[32], n2[32], n3[32], p1[32];
    fprintf(o, "\nPeople (pseudonym column '%s'; docs/people.md)\n", p->id_column);
    fprintf(o, "  The %s rows belong to %s people (%.3g rows per person on average, at most %s);\n",
            reid_fmt_count(p->rows, n1), reid_fmt_count(p->count, n2),
            p->count ? (double)p->rows / (double)p->count : 0.0, reid_fmt_count(p->max_rows, n3));
    fprintf(o, "  %s people have more than one row, and %s have rows in more than one class.\n",
            reid_fmt_count(p->several_rows, n1), reid_fmt_count(p->several_classes, n2));
    if (p->anonymous_rows)
        fprintf(o, "  %s rows have no pseudonym; each is counted as a person of its own.\n",
                reid_fmt_count(p->anonymous_rows, n1));
    fprintf(o,
            "  %s of %s people (%s) are unique: at least one of their rows is in a class of one "
            "person.\n",
            reid_fmt_count(p->unique, n1), reid_fmt_count(p->count, n2),
            reid_fmt_percent(p->unique_fraction, p1, sizeof p1));
    fprintf(o,
            "  Counting people, not rows, the extract is %s-anonymous: the smallest class holds "
            "%s %s.\n",
            reid_fmt_count(p->k_anonymity, n1), reid_fmt_count(p->k_anonymity, n2),
            p->k_anonymity == 1 ? "person" : "people");
    fprintf(o, "  %s people (%s) have a row in a class of fewer than k = %s people.\n",
            reid_fmt_count(p->at_risk, n1), reid_fmt_percent(p->at_risk_fraction, p1, sizeof p1),
            reid_fmt_count(p->threshold_k, n2));
    fprintf(o,
            "  The most exposed people (%s of them) have a risk of %.6g; the average person's "
            "risk is %.6g.\n",
            reid_fmt_count(p->highest_risk_people, n1), p->prosecutor_highest,
            p->prosecutor_average);
    fprintf(o, "  A class holds %.3g %s on average, at most %s.\n", p->mean_size,
            p->mean_size == 1 ? "person" : "people", reid_fmt_count(p->max_size, n1));
    fprintf(o, "\n  %-10s %14s %14s %10s\n", "people", "classes", "people with", "of people");
    fprintf(o, "  %-10s %14s %14s %10s\n", "in class", "", "this smallest", "");
    for (int b = 0; b < REID_NBUCKETS; b++) {
        char label[48];
        bucket_label(b, label, sizeof label);
        fprintf(o, "  %-10s %14s %14s %10s\n", label, reid_fmt_count(p->bucket_classes[b], n1),
                reid_fmt_count(p->bucket_people[b], n2),
                reid_fmt_percent(p->count ? (double)p->bucket_people[b] / (double)p->count : 0, p1,
                                 sizeof p1));
    }
    if (p->sex_checked || p->dob_checked) fprintf(o, "\n  Linkage checks (counts, not values):\n");
    if (p->sex_checked)
        fprintf(o, "  %s pseudonyms have more than one sex.\n",
                reid_fmt_count(p->sex_inconsistent, n1));
    if (p->dob_checked)
        fprintf(o, "  %s pseudonyms have more than one date of birth.\n",
                reid_fmt_count(p->dob_inconsistent, n1));
    fprintf(o, "  The figures below count rows (records), not people.\n");
}

/* "95.1% (94.5-95.6%)": a unicity and its interval, or "no one sampled has p events". */
static const char *unicity_cell(const reid_unicity *u, char *out, size_t cap)
{
    if (!u->sampled) {
        snprintf(out, cap, "(no one with %llu)", (unsigned long long)u->p);
        return out;
    }
    char f[32], lo[32], hi[32], n[32];
    snprintf(out, cap, "%s (%s to %s) of %s", reid_fmt_percent(u->fraction, f, sizeof f),
             reid_fmt_percent(u->ci_low, lo, sizeof lo),
             reid_fmt_percent(u->ci_high, hi, sizeof hi), reid_fmt_count(u->sampled, n));
    return out;
}

/* Trails of events (--events; docs/longitudinal.md). */
static void write_longitudinal(const reid_analysis *a, const reid_longitudinal *l, FILE *o)
{
    char n1[32], n2[32], n3[32], p1[32], p2[32], qis[1024];
    qi_list(a, qis, sizeof qis);
    fprintf(o, "\nTrails of events (%s; docs/longitudinal.md)\n", l->columns);
    fprintf(o,
            "  %s people have at least one event: %s distinct events, %s (person, event) points, "
            "at most %s per person.\n",
            reid_fmt_count(l->people, n1), reid_fmt_count(l->distinct_events, n2),
            reid_fmt_count(l->points, n3), reid_fmt_count(l->max_points, p1));
    if (l->rows_without_event)
        fprintf(o, "  %s rows have a missing event value and give no event.\n",
                reid_fmt_count(l->rows_without_event, n1));
    fprintf(o,
            "  An intruder who knows p of a person's events (alone, or with their %s):\n"
            "  the share of people no one else matches, from %s people drawn at random (seed "
            "%llu),\n  with a 95%% interval:\n",
            qis, reid_fmt_count(l->sampled, n1), (unsigned long long)l->seed);
    fprintf(o, "  %-3s %-38s %s\n", "p", "events alone", "events and quasi-identifiers");
    for (int p = 0; p < REID_UNICITY_MAX_P; p++) {
        char c1[96], c2[96];
        fprintf(o, "  %-3d %-38s %s\n", p + 1, unicity_cell(&l->events[p], c1, sizeof c1),
                unicity_cell(&l->with_qis[p], c2, sizeof c2));
    }
    fprintf(o,
            "  %s of the people (%s) have a set of events no one else has; with the "
            "quasi-identifiers, %s (%s).\n",
            reid_fmt_percent(l->set_unique_fraction, p1, sizeof p1),
            reid_fmt_count(l->set_unique, n1),
            reid_fmt_percent(l->set_unique_with_qis_fraction, p2, sizeof p2),
            reid_fmt_count(l->set_unique_with_qis, n2));
}

reid_status reid_write_text(const reid_analysis *a, FILE *o)
{
    const reid_summary *s = reid_summary_get(a);
    if (!s) return REID_ERR_STATE;
    char n1[32], n2[32], n3[32], p1[32], qis[1024];
    qi_list(a, qis, sizeof qis);

    fprintf(o, "reid-check %s: %s\n\n", reid_version(), a->source);
    const reid_people *hp = reid_people_get(a);
    if (hp) /* people first (--id); the row figures follow, labelled "records" */
        fprintf(o,
                "%s of %s people (%s) are unique on %s; counting people, the extract is "
                "%s-anonymous.\n",
                reid_fmt_count(hp->unique, n1), reid_fmt_count(hp->count, n2),
                reid_fmt_percent(hp->unique_fraction, p1, sizeof p1), qis,
                reid_fmt_count(hp->k_anonymity, n3));
    fprintf(o, "%s of %s records (%s) are unique on %s; the extract is %s-anonymous.\n",
            reid_fmt_count(s->uniques, n1), reid_fmt_count(s->records, n2),
            reid_fmt_percent(s->uniques_fraction, p1, sizeof p1), qis,
            reid_fmt_count(s->min_size, n3));
    fprintf(o, "%s records (%s) are in classes smaller than k = %s.\n",
            reid_fmt_count(s->records_at_risk, n1),
            reid_fmt_percent(s->records_at_risk_fraction, p1, sizeof p1),
            reid_fmt_count(s->threshold_k, n2));
    for (size_t i = 0; i < reid_warning_count(a); i++)
        fprintf(o, "\nWarning: %s.\n", reid_warning_message(a, i));
    const reid_people *pp = reid_people_get(a);
    if (pp) write_people(pp, o);
    const reid_longitudinal *lon = reid_longitudinal_get(a);
    if (lon) write_longitudinal(a, lon, o);

    reid_gate_check checks[3];
    size_t nchecks = reid_gate_checks(a, checks, 3);
    const char *policy = reid_gate_policy(a);
    if (nchecks || policy) {
        fprintf(o, "\nRelease gate: %s%s\n", reid_gate_passed(a) ? "PASSED" : "FAILED",
                reid_gate_per_person(a) ? " (counting people, not rows: --id)" : "");
        if (policy) {
            const char *src = reid_gate_policy_source(a);
            fprintf(o, "  Policy %s: %s.\n", policy, src ? src : "k-anonymity with the K given");
        }
        for (size_t i = 0; i < nchecks; i++) {
            const reid_gate_check *c = &checks[i];
            char p2[32];
            const char *met = c->met ? "met" : "NOT met";
            if (strcmp(c->threshold, "k") == 0)
                fprintf(o, "  k >= %s required: k = %s (%s), set by %s.\n",
                        reid_fmt_count(a->cfg->require_k, n1),
                        reid_fmt_count((uint64_t)c->measured, n2), met, c->from_name);
            else if (strcmp(c->threshold, "max_uniques") == 0)
                fprintf(o, "  at most %s unique required: %s (%s), set by %s.\n",
                        reid_fmt_percent(c->required, p1, sizeof p1),
                        reid_fmt_percent(c->measured, p2, sizeof p2), met, c->from_name);
            else
                fprintf(o,
                        "  highest risk at most %.6g required: highest risk %.6g (%s), set by "
                        "%s.\n",
                        c->required, c->measured, met, c->from_name);
        }
    }

    fprintf(o, "\nInput\n");
    fprintf(o, "  records            %s read", reid_fmt_count(s->records, n1));
    if (s->skipped_rows)
        fprintf(o, ", %s malformed rows skipped (first: %s)", reid_fmt_count(s->skipped_rows, n2),
                a->first_skip);
    fprintf(o, "\n  delimiter          %s\n",
            a->reader.delim == '\t' ? "TAB" : (char[]){'\'', (char)a->reader.delim, '\'', 0});

    if (a->cfg->missing_any)
        fprintf(o,
                "\nQuasi-identifiers (a missing value matches any value, as sdcMicro's freqCalc;"
                " alpha %g)\n",
                a->cfg->missing_alpha);
    else
        fprintf(o, "\nQuasi-identifiers (missing values count as a value of their own)\n");
    fprintf(o, "  %-20s %-9s %12s %12s %9s  %s\n", "column", "type", "distinct", "missing", "",
            "why");
    for (size_t i = 0; i < a->nq; i++) {
        const reid_qi *q = &a->qi[i];
        fprintf(o, "  %-20s %-9s %12s %12s %9s  %s\n", q->name, reid_qi_type_name(q->type),
                reid_fmt_count(reid_dict_values(&q->dict), n1), reid_fmt_count(q->missing, n2),
                reid_fmt_percent((double)q->missing / (double)s->records, p1, sizeof p1),
                q->reason);
        if (q->unrecognised)
            fprintf(o, "  %-20s %s values not read as %s (kept as text)\n", "",
                    reid_fmt_count(q->unrecognised, n1), reid_qi_type_name(q->type));
    }
    reid_text_generalisation(a, o);
    if (a->nnotes) {
        fprintf(o, "\nOther columns noticed\n");
        for (size_t i = 0; i < a->nnotes; i++)
            fprintf(o, "  %-20s %s\n", a->notes[i].name, a->notes[i].note);
    }

    fprintf(o, "\nEquivalence classes\n");
    fprintf(o, "  classes            %s\n", reid_fmt_count(s->classes, n1));
    fprintf(o, "  size               smallest %s (k), largest %s, mean %.2f\n",
            reid_fmt_count(s->min_size, n1), reid_fmt_count(s->max_size, n2), s->mean_size);
    fprintf(o, "\n  %-10s %14s %14s %10s\n", "class size", "classes", "records", "of records");
    for (int b = 0; b < REID_NBUCKETS; b++) {
        char label[48];
        bucket_label(b, label, sizeof label);
        fprintf(o, "  %-10s %14s %14s %10s\n", label, reid_fmt_count(s->bucket_classes[b], n1),
                reid_fmt_count(s->bucket_records[b], n2),
                reid_fmt_percent((double)s->bucket_records[b] / (double)s->records, p1, sizeof p1));
    }

    fprintf(o, "\nProsecutor risk (an intruder knows the person is in the extract)\n");
    fprintf(o, "  highest            %.6g (1/k; %s records at this risk)\n", s->prosecutor_highest,
            reid_fmt_count(s->highest_risk_records, n1));
    fprintf(o, "  average            %.6g (classes / records)\n", s->prosecutor_average);
    fprintf(o, "  records at risk    %s (risk above 1/%s)\n",
            reid_fmt_percent(s->records_at_risk_fraction, p1, sizeof p1),
            reid_fmt_count(s->threshold_k, n1));

    const reid_individual_risk *ir = reid_individual_risk_get(a);
    if (ir) write_individual(a, ir, o);

    const reid_population *pop = reid_population_get(a);
    if (pop) write_population(a, pop, o);

    for (size_t i = 0; i < reid_sensitive_count(a); i++) {
        const reid_sensitive *r = reid_sensitive_get(a, i);
        if (r) write_sensitive(a, r, o);
    }

    reid_suda2_write_text(a, o);

    if (a->cfg->attr_risks && write_attribute_risks(a, o) != 0) return REID_ERR_NOMEM;

    const reid_population_table *popt = reid_population_table_get(a);
    if (popt) write_poptable(a, popt, o);

    reid_text_whatif(a, o);

    const reid_pseudonyms *ps = reid_pseudonyms_get(a);
    if (ps) reid_write_pseudonyms_text(a, ps, o);

    fprintf(o, "\nRun: %.2f s on %u thread%s, peak memory %.1f MiB (tables %.1f MiB)\n",
            s->elapsed_seconds, reid_threads(a), reid_threads(a) == 1 ? "" : "s",
            (double)s->peak_rss_bytes / 1048576.0, (double)s->table_bytes / 1048576.0);
    fprintf(o, "Definitions: docs/metrics.md\n");
    return ferror(o) ? REID_ERR_IO : REID_OK;
}
