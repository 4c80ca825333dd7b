/* report_whatif.c - generalisation and what-if sections of the text and JSON reports.
 * Aggregates only: level names and counts, never a value. */
#include "report_whatif.h"

#include <string.h>

#include "numfmt.h"

void reid_text_generalisation(const reid_analysis *a, FILE *o)
{
    size_t n = reid_generalisation_count(a);
    if (!n) return;
    char n1[32];
    fprintf(o, "\nGeneralised before counting (docs/generalisation.md)\n");
    fprintf(o, "  Every figure in this report is for the coarsened values below.\n");
    for (size_t i = 0; i < n; i++) {
        const reid_generalisation *g = reid_generalisation_get(a, i);
        fprintf(o, "  %-20s to level %s (%u of %u, %s hierarchy)", g->qi, g->level, g->level_number,
                g->levels - 1, g->hierarchy);
        if (g->unparsed_records)
            fprintf(o, "; %s records hold a value it cannot read%s",
                    reid_fmt_count(g->unparsed_records, n1),
                    strcmp(g->level, "suppressed") == 0 ? " (suppressed all the same)"
                                                        : ", kept as it is, a group of its own");
        fprintf(o, "\n");
    }
}

static void node_levels(const reid_analysis *a, const reid_whatif *w, const reid_whatif_node *nd,
                        char *out, size_t cap)
{
    size_t used = 0;
    out[0] = 0;
    for (size_t j = 0; j < w->q && used < cap; j++) {
        int k = snprintf(out + used, cap - used, "%s%s=%s", j ? ", " : "", w->qi[j],
                         reid_level_name(a, j, nd->levels[j]));
        if (k < 0) break;
        used += (size_t)k;
    }
}

void reid_text_whatif(const reid_analysis *a, FILE *o)
{
    const reid_whatif *w = reid_whatif_get(a);
    if (!w) return;
    char n1[32], n2[32], n3[32], buf[1024];
    fprintf(o, "\nWhat-if: coarsening the quasi-identifiers (docs/generalisation.md)\n");
    fprintf(o, "  Each QI can be kept or coarsened step by step:\n");
    for (size_t j = 0; j < w->q; j++) {
        size_t used = 0;
        buf[0] = 0;
        for (unsigned l = 0; l < w->levels[j] && used < sizeof buf; l++) {
            int k = snprintf(buf + used, sizeof buf - used, "%s%s", l ? " > " : "",
                             reid_level_name(a, j, l));
            if (k < 0) break;
            used += (size_t)k;
        }
        fprintf(o, "    %-18s %s (%s hierarchy)", w->qi[j], buf, w->hierarchy[j]);
        if (w->unparsed_values[j])
            fprintf(o, "; %s values it cannot read stay as they are",
                    reid_fmt_count(w->unparsed_values[j], n1));
        fprintf(o, "\n");
    }
    fprintf(o,
            "  That makes %s combinations. %s of them were counted; for the others it follows "
            "whether they reach k = %s, because coarsening never makes a class smaller.\n",
            reid_fmt_count(w->lattice_size, n1), reid_fmt_count(w->evaluated, n2),
            reid_fmt_count(w->target_k, n3));
    fprintf(o, "  %s combinations make every class hold at least %s records.\n",
            reid_fmt_count(w->passing, n1), reid_fmt_count(w->target_k, n2));
    if (!w->nminimal) {
        fprintf(o,
                "  None reaches k = %s, not even suppressing every quasi-identifier that can "
                "be suppressed.\n",
                reid_fmt_count(w->target_k, n1));
    } else {
        fprintf(o, "  The least coarsening that reaches k = %s (no single step finer does):\n",
                reid_fmt_count(w->target_k, n1));
        for (size_t i = 0; i < w->nminimal; i++) {
            const reid_whatif_node *nd = &w->nodes[w->minimal[i]];
            node_levels(a, w, nd, buf, sizeof buf);
            fprintf(o, "    %s\n      k = %s, %s classes, precision %.4f; values kept:", buf,
                    reid_fmt_count(nd->k, n1), reid_fmt_count(nd->classes, n2), nd->precision);
            for (size_t j = 0; j < w->q; j++)
                fprintf(o, "%s %s %s", j ? "," : "", w->qi[j], reid_fmt_count(nd->distinct[j], n1));
            fprintf(o, "\n");
        }
    }
    fprintf(o,
            "  k is the smallest class; uniques are records alone in their class; at risk are "
            "records in classes smaller than %s; precision is the share of detail kept (1 = "
            "nothing coarsened, 0 = every QI at its top level).\n",
            reid_fmt_count(w->target_k, n1));
    fprintf(o, "\n  ");
    for (size_t j = 0; j < w->q; j++)
        fprintf(o, "%-11.11s ", w->qi[j]);
    fprintf(o, "%10s %12s %12s %12s %9s  %s\n", "k", "classes", "uniques", "at risk", "precision",
            "reaches k");
    unsigned maxh = 0;
    for (uint64_t n = 0; n < w->lattice_size; n++)
        if (w->nodes[n].height > maxh) maxh = w->nodes[n].height;
    for (unsigned h = 0; h <= maxh; h++)
        for (uint64_t n = 0; n < w->lattice_size; n++) {
            const reid_whatif_node *nd = &w->nodes[n];
            if (nd->height != h || !nd->evaluated) continue;
            char n4[32];
            fprintf(o, "  ");
            for (size_t j = 0; j < w->q; j++)
                fprintf(o, "%-11.11s ", reid_level_name(a, j, nd->levels[j]));
            fprintf(o, "%10s %12s %12s %12s %9.4f  %s\n", reid_fmt_count(nd->k, n1),
                    reid_fmt_count(nd->classes, n2), reid_fmt_count(nd->uniques, n3),
                    reid_fmt_count(nd->records_at_risk, n4), nd->precision,
                    nd->passes ? "yes" : "no");
        }
}

json_t *reid_json_generalisation(const reid_analysis *a, int *failed)
{
    size_t n = reid_generalisation_count(a);
    if (!n) return NULL;
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++) {
        const reid_generalisation *g = reid_generalisation_get(a, i);
        json_t *o =
            json_pack("{s:s, s:s, s:s, s:I, s:I, s:I}", "qi", g->qi, "hierarchy", g->hierarchy,
                      "level", g->level, "level_number", (json_int_t)g->level_number, "levels",
                      (json_int_t)g->levels, "unparsed_records", (json_int_t)g->unparsed_records);
        if (!o || json_array_append_new(arr, o) != 0) *failed = 1;
    }
    if (!arr) *failed = 1;
    return arr;
}

static json_t *node_json(const reid_analysis *a, const reid_whatif *w, const reid_whatif_node *nd,
                         int *failed)
{
    json_t *lv = json_object(), *nums = json_array(), *dist = json_object();
    for (size_t j = 0; lv && nums && dist && j < w->q; j++) {
        if (json_object_set_new(lv, w->qi[j], json_string(reid_level_name(a, j, nd->levels[j]))) ||
            json_array_append_new(nums, json_integer(nd->levels[j])) ||
            json_object_set_new(dist, w->qi[j], json_integer((json_int_t)nd->distinct[j])))
            *failed = 1;
    }
    json_t *o = json_pack(
        "{s:o, s:o, s:I, s:b, s:I, s:I, s:I, s:I, s:o, s:f}", "levels", lv, "level_numbers", nums,
        "height", (json_int_t)nd->height, "passes", nd->passes, "classes", (json_int_t)nd->classes,
        "k", (json_int_t)nd->k, "uniques", (json_int_t)nd->uniques, "records_at_risk",
        (json_int_t)nd->records_at_risk, "distinct", dist, "precision", nd->precision);
    if (!o) *failed = 1;
    return o;
}

json_t *reid_json_whatif(const reid_analysis *a, int *failed)
{
    const reid_whatif *w = reid_whatif_get(a);
    if (!w) return NULL;
    json_t *qis = json_array(), *nodes = json_array(), *minimal = json_array();
    if (!qis || !nodes || !minimal) *failed = 1;
    for (size_t j = 0; qis && j < w->q; j++) {
        json_t *names = json_array();
        for (unsigned l = 0; names && l < w->levels[j]; l++)
            if (json_array_append_new(names, json_string(reid_level_name(a, j, l)))) *failed = 1;
        json_t *q =
            json_pack("{s:s, s:s, s:o, s:I}", "name", w->qi[j], "hierarchy", w->hierarchy[j],
                      "levels", names, "unparsed_values", (json_int_t)w->unparsed_values[j]);
        if (!q || json_array_append_new(qis, q)) *failed = 1;
    }
    unsigned maxh = 0;
    for (uint64_t n = 0; n < w->lattice_size; n++)
        if (w->nodes[n].height > maxh) maxh = w->nodes[n].height;
    for (unsigned h = 0; nodes && h <= maxh; h++)
        for (uint64_t n = 0; n < w->lattice_size; n++)
            if (w->nodes[n].height == h && w->nodes[n].evaluated)
                if (json_array_append_new(nodes, node_json(a, w, &w->nodes[n], failed)))
                    *failed = 1;
    for (size_t i = 0; minimal && i < w->nminimal; i++)
        if (json_array_append_new(minimal, node_json(a, w, &w->nodes[w->minimal[i]], failed)))
            *failed = 1;
    json_t *o = json_pack(
        "{s:I, s:s, s:I, s:I, s:I, s:o, s:o, s:o}", "target_k", (json_int_t)w->target_k, "mode",
        w->mode == REID_WHATIF_ALL ? "all" : "pruned", "lattice_size", (json_int_t)w->lattice_size,
        "nodes_evaluated", (json_int_t)w->evaluated, "nodes_passing", (json_int_t)w->passing, "qis",
        qis, "nodes", nodes, "minimal_nodes", minimal);
    if (!o) *failed = 1;
    return o;
}
