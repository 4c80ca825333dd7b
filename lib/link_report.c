/* link_report.c - the linkage report in words and in JSON: counts only, never a value. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonbuild.h"
#include "link.h"
#include "numfmt.h"

/* ---- text ---- */

static void count_line(FILE *o, const char *label, uint64_t n, double f, const char *what)
{
    char c[32], p[32];
    fprintf(o, "  %-19s %10s %8s  %s\n", label, reid_fmt_count(n, c),
            reid_fmt_percent(f, p, sizeof p), what);
}

static void counts(FILE *o, const reid_link_counts *c)
{
    count_line(o, "re-identified", c->reidentified, c->reidentified_fraction,
               "exactly 1 entry: the intruder can put a name on them");
    count_line(o, "narrowed", c->narrowed, c->narrowed_fraction,
               "2 to 4 entries: a short list of names to try");
    count_line(o, "ambiguous", c->ambiguous, c->ambiguous_fraction, "5 or more entries");
    count_line(o, "unmatched", c->unmatched, c->unmatched_fraction, "no entry in this register");
    count_line(o, "missing join value", c->missing_key, c->missing_key_fraction,
               "cannot be matched: a join value is missing");
}

reid_status reid_link_write_text(const reid_link *l, FILE *o)
{
    const reid_link_result *r = reid_link_result_get(l);
    if (!r) return REID_ERR_STATE;
    const link_side *ex = &l->s[REID_LINK_EXTRACT], *rg = &l->s[REID_LINK_REGISTER];
    char n1[32], n2[32], n3[32];
    fprintf(o, "reid-check %s: linkage with an identified register (docs/linkage.md)\n",
            reid_version());
    fprintf(o, "  Extract:  %s, %s records", ex->source, reid_fmt_count(r->records.total, n1));
    if (r->extract_skipped)
        fprintf(o, " (%s malformed rows skipped)", reid_fmt_count(r->extract_skipped, n2));
    fprintf(o, "\n  Register: %s, %s entries", rg->source, reid_fmt_count(r->register_entries, n1));
    if (r->register_missing_key)
        fprintf(o, ", %s of them with a missing join value",
                reid_fmt_count(r->register_missing_key, n2));
    if (r->register_skipped)
        fprintf(o, " (%s malformed rows skipped)", reid_fmt_count(r->register_skipped, n3));
    fprintf(o, "\n  Joined on: ");
    for (size_t i = 0; i < reid_link_on_count(l); i++) {
        reid_link_on_info c;
        reid_link_on_get(l, i, &c);
        if (strcmp(c.extract_name, c.register_name) == 0)
            fprintf(o, "%s%s (%s)", i ? ", " : "", c.extract_name, reid_qi_type_name(c.type));
        else
            fprintf(o, "%s%s = %s (%s)", i ? ", " : "", c.extract_name, c.register_name,
                    reid_qi_type_name(c.type));
    }
    fprintf(o, "\n  Values are compared after normalisation (postcodes, dates, sex as everywhere "
               "in reid-check).\n");
    char p1[32];
    fprintf(o,
            "\n%s of the %s records (%s) match exactly one register entry: whoever holds this\n"
            "register can put a name on them.\n",
            reid_fmt_count(r->records.reidentified, n1), reid_fmt_count(r->records.total, n2),
            reid_fmt_percent(r->records.reidentified_fraction, p1, sizeof p1));
    if (r->have_people)
        fprintf(o,
                "%s of the %s people (%s) have such a record, and with it a name on all of "
                "their records.\n",
                reid_fmt_count(r->people.reidentified, n1), reid_fmt_count(r->people.total, n2),
                reid_fmt_percent(r->people.reidentified_fraction, p1, sizeof p1));

    fprintf(o, "\nExtract records, by the number of register entries with the same join "
               "values\n");
    counts(o, &r->records);
    if (r->have_people) {
        fprintf(o, "\nPeople (%s distinct pseudonyms in '%s')\n",
                reid_fmt_count(r->people.total, n1), ex->names[l->id_col]);
        counts(o, &r->people);
        fprintf(o, "  A person counts in the first line above that any of their records reaches: "
                   "one re-identified\n  record is enough to put a name on all of that person's "
                   "records.\n");
    }
    if (r->max_reidentified >= 0) {
        char p2[32];
        fprintf(o, "\nGate: at most %s of the %s may be re-identified: %s (%s)\n",
                reid_fmt_percent(r->max_reidentified, p1, sizeof p1),
                r->have_people ? "people" : "records", r->gate_passed ? "passed" : "FAILED",
                reid_fmt_percent(r->gate_measured, p2, sizeof p2));
    }
    fprintf(o, "\nHeld in memory: the %s's %s distinct keys; the %s was streamed.\n",
            r->held == REID_LINK_REGISTER ? "register" : "extract",
            reid_fmt_count(r->held_keys, n1),
            r->held == REID_LINK_REGISTER ? "extract" : "register");
    fprintf(o, "The report holds counts only; --show-matches prints the re-identified pairs.\n");
    return ferror(o) ? REID_ERR_IO : REID_OK;
}

/* ---- JSON ---- */

static void put_counts(jb *b, json_t *o, const reid_link_counts *c)
{
    jb_put(b, o, "reidentified", json_u64(c->reidentified));
    jb_put(b, o, "narrowed", json_u64(c->narrowed));
    jb_put(b, o, "ambiguous", json_u64(c->ambiguous));
    jb_put(b, o, "unmatched", json_u64(c->unmatched));
    jb_put(b, o, "missing_key", json_u64(c->missing_key));
    jb_put(b, o, "reidentified_fraction", json_real(c->reidentified_fraction));
    jb_put(b, o, "narrowed_fraction", json_real(c->narrowed_fraction));
    jb_put(b, o, "ambiguous_fraction", json_real(c->ambiguous_fraction));
    jb_put(b, o, "unmatched_fraction", json_real(c->unmatched_fraction));
    jb_put(b, o, "missing_key_fraction", json_real(c->missing_key_fraction));
}

static json_t *build(const reid_link *l, const reid_link_result *r, jb *b)
{
    const link_side *ex = &l->s[REID_LINK_EXTRACT], *rg = &l->s[REID_LINK_REGISTER];
    json_t *root = json_object();
    jb_put_tool(b, root);

    json_t *lk = json_object();
    jb_put(b, lk, "extract", json_str_lossy(ex->source));
    jb_put(b, lk, "register", json_str_lossy(rg->source));
    json_t *on = json_array();
    for (size_t i = 0; i < reid_link_on_count(l); i++) {
        reid_link_on_info c;
        reid_link_on_get(l, i, &c);
        json_t *o = json_object();
        jb_put(b, o, "extract_column", json_string(c.extract_name));
        jb_put(b, o, "register_column", json_string(c.register_name));
        jb_put(b, o, "type", json_string(reid_qi_type_name(c.type)));
        jb_put(b, o, "extract_missing", json_u64(c.extract_missing));
        jb_put(b, o, "register_missing", json_u64(c.register_missing));
        jb_push(b, on, o);
    }
    jb_put(b, lk, "on", on);
    jb_put(b, lk, "records", json_u64(r->records.total));
    put_counts(b, lk, &r->records);
    jb_put(b, lk, "extract_skipped_rows", json_u64(r->extract_skipped));
    jb_put(b, lk, "register_entries", json_u64(r->register_entries));
    jb_put(b, lk, "register_missing_key", json_u64(r->register_missing_key));
    jb_put(b, lk, "register_skipped_rows", json_u64(r->register_skipped));
    if (r->have_people) {
        json_t *pp = json_object();
        jb_put(b, pp, "id_column", json_string(ex->names[l->id_col]));
        jb_put(b, pp, "count", json_u64(r->people.total));
        put_counts(b, pp, &r->people);
        jb_put(b, lk, "people", pp);
    } else {
        jb_put(b, lk, "people", json_null());
    }
    json_t *gate = json_object();
    jb_put(b, gate, "max_reidentified",
           r->max_reidentified >= 0 ? json_real(r->max_reidentified) : json_null());
    jb_put(b, gate, "of", json_string(r->have_people ? "people" : "records"));
    jb_put(b, gate, "measured", json_real(r->gate_measured));
    jb_put(b, gate, "passed", json_boolean(r->gate_passed));
    jb_put(b, lk, "gate", gate);
    jb_put(b, lk, "held", json_string(r->held == REID_LINK_REGISTER ? "register" : "extract"));
    jb_put(b, lk, "held_keys", json_u64(r->held_keys));
    jb_put(b, lk, "matches_shown", json_u64(r->matches_kept));
    jb_put(b, root, "link", lk);

    json_t *run = json_object();
    jb_put(b, run, "elapsed_seconds", json_real(r->elapsed_seconds));
    jb_put(b, run, "peak_rss_bytes", json_u64(r->peak_rss_bytes));
    jb_put(b, run, "table_bytes", json_u64(r->table_bytes));
    jb_put(b, root, "run", run);
    return root;
}

reid_status reid_link_write_json(const reid_link *l, FILE *out)
{
    const reid_link_result *r = reid_link_result_get(l);
    if (!r) return REID_ERR_STATE;
    jb b = {0};
    json_t *root = build(l, r, &b);
    if (!root || b.failed) {
        json_decref(root);
        return REID_ERR_NOMEM;
    }
    int rc = json_dumpf(root, out, JSON_INDENT(2) | JSON_REAL_PRECISION(17) | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (rc != 0 || fputc('\n', out) == EOF || ferror(out)) return REID_ERR_IO;
    return REID_OK;
}
