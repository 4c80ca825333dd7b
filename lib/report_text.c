/* report_text.c - the human-readable report: headline first, aggregates only. */
#include <stdio.h>
#include <string.h>

#include "analysis.h"
#include "numfmt.h"

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

reid_status reid_write_text(const reid_analysis *a, FILE *o)
{
    const reid_summary *s = reid_summary_get(a);
    if (!s) return REID_ERR_STATE;
    char n1[32], n2[32], n3[32], p1[32], qis[1024];
    qi_list(a, qis, sizeof qis);

    fprintf(o, "reid-check %s: %s\n\n", reid_version(), a->source);
    fprintf(o, "%s of %s records (%s) are unique on %s; the extract is %s-anonymous.\n",
            reid_fmt_count(s->uniques, n1), reid_fmt_count(s->records, n2),
            reid_fmt_percent(s->uniques_fraction, p1, sizeof p1), qis,
            reid_fmt_count(s->min_size, n3));
    fprintf(o, "%s records (%s) are in classes smaller than k = %s.\n",
            reid_fmt_count(s->records_at_risk, n1),
            reid_fmt_percent(s->records_at_risk_fraction, p1, sizeof p1),
            reid_fmt_count(s->threshold_k, n2));

    if (a->cfg->require_k || a->cfg->max_uniques >= 0) {
        fprintf(o, "\nRelease gate: %s\n", reid_gate_passed(a) ? "PASSED" : "FAILED");
        if (a->cfg->require_k)
            fprintf(o, "  k >= %s required: k = %s (%s)\n", reid_fmt_count(a->cfg->require_k, n1),
                    reid_fmt_count(s->min_size, n2),
                    s->min_size >= a->cfg->require_k ? "met" : "NOT met");
        if (a->cfg->max_uniques >= 0) {
            char p2[32];
            fprintf(o, "  at most %s unique required: %s (%s)\n",
                    reid_fmt_percent(a->cfg->max_uniques, p1, sizeof p1),
                    reid_fmt_percent(s->uniques_fraction, p2, sizeof p2),
                    s->uniques_fraction <= a->cfg->max_uniques ? "met" : "NOT met");
        }
    }

    fprintf(o, "\nInput\n");
    fprintf(o, "  records            %s read", reid_fmt_count(s->records, n1));
    if (s->skipped_rows)
        fprintf(o, ", %s malformed rows skipped (first: %s)", reid_fmt_count(s->skipped_rows, n2),
                a->first_skip);
    fprintf(o, "\n  delimiter          %s\n",
            a->reader.delim == '\t' ? "TAB" : (char[]){'\'', (char)a->reader.delim, '\'', 0});

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
        char label[32];
        uint64_t lo = reid_bucket_low(b), hi = reid_bucket_high(b);
        if (lo == hi)
            snprintf(label, sizeof label, "%llu", (unsigned long long)lo);
        else if (hi == UINT64_MAX)
            snprintf(label, sizeof label, "%llu+", (unsigned long long)lo);
        else
            snprintf(label, sizeof label, "%llu-%llu", (unsigned long long)lo,
                     (unsigned long long)hi);
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

    fprintf(o, "\nRun: %.2f s on %u thread%s, peak memory %.1f MiB (tables %.1f MiB)\n",
            s->elapsed_seconds, reid_threads(a), reid_threads(a) == 1 ? "" : "s",
            (double)s->peak_rss_bytes / 1048576.0, (double)s->table_bytes / 1048576.0);
    fprintf(o, "Definitions: docs/metrics.md\n");
    return ferror(o) ? REID_ERR_IO : REID_OK;
}
