/* report_suda2.c - SUDA2 results: accessors, the report sections and the records' CSV. */
#include "report_suda2.h"

#include <math.h>
#include <string.h>

#include "analysis.h"
#include "jsonbuild.h"
#include "numfmt.h"

const reid_suda2 *reid_suda2_get(const reid_analysis *a)
{
    return a->have_suda2 && a->hist && !a->err.status ? &a->suda2.pub : NULL;
}

const reid_suda2_score *reid_suda2_scores(const reid_analysis *a, size_t *count)
{
    if (!reid_suda2_get(a)) {
        *count = 0;
        return NULL;
    }
    *count = a->suda2.nscores;
    return a->suda2.scores;
}

reid_status reid_suda2_records(const reid_analysis *a, reid_suda2_record_fn fn, void *user)
{
    const reid_classtable *t = &a->table;
    if (!reid_suda2_get(a) || !t->pos || !a->suda2.class_score) return REID_ERR_STATE;
    /* classes are in the order of their first record: a class of one is in file order */
    for (uint64_t c = 0; c < t->nclasses; c++) {
        double sc = a->suda2.class_score[c];
        if (!(sc > 0)) continue;
        if (fn(t->pos[2 * c], t->pos[2 * c + 1], sc, reid_suda2_dis_of(&a->suda2, sc),
               reid_classtable_key(t, c), user))
            break;
    }
    return REID_OK;
}

/* A CSV field, quoted when it holds a delimiter, quote or line break (RFC 4180). */
static void csv_field(FILE *o, const char *s, size_t len)
{
    int quote = 0;
    for (size_t i = 0; i < len; i++)
        if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r') quote = 1;
    if (!quote) {
        fwrite(s, 1, len, o);
        return;
    }
    fputc('"', o);
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"') fputc('"', o);
        fputc(s[i], o);
    }
    fputc('"', o);
}

typedef struct csv_ctx {
    const reid_analysis *a;
    FILE *o;
    int values;
} csv_ctx;

static int csv_row(uint64_t record, uint64_t line, double score, double dis, const uint32_t *ids,
                   void *user)
{
    csv_ctx *c = user;
    fprintf(c->o, "%llu,%llu,%.17g,%.17g", (unsigned long long)record, (unsigned long long)line,
            score, dis);
    for (size_t j = 0; c->values && j < c->a->nq; j++) {
        size_t len = 0;
        const char *v = ids[j] ? reid_value(c->a, j, ids[j], &len) : "";
        fputc(',', c->o);
        csv_field(c->o, v ? v : "", v ? len : 0);
    }
    fputc('\n', c->o);
    return ferror(c->o) ? 1 : 0;
}

reid_status reid_write_suda2_csv(const reid_analysis *a, FILE *out, int values)
{
    if (!reid_suda2_get(a) || !a->table.pos || !a->suda2.class_score) return REID_ERR_STATE;
    fputs("record,line,suda_score,dis_suda", out);
    for (size_t j = 0; values && j < a->nq; j++) {
        fputc(',', out);
        csv_field(out, a->qi[j].name, strlen(a->qi[j].name));
    }
    fputc('\n', out);
    csv_ctx c = {a, out, values};
    reid_status st = reid_suda2_records(a, csv_row, &c);
    if (st != REID_OK) return st;
    return ferror(out) ? REID_ERR_IO : REID_OK;
}

static const char *const band_names[REID_SUDA2_NDIS_BANDS] = {
    "== 0",       "(0, 0.1]",   "(0.1, 0.2]", "(0.2, 0.3]", "(0.3, 0.4]",
    "(0.4, 0.5]", "(0.5, 0.6]", "(0.6, 0.7]", "> 0.7"};

/* A score: whole numbers with thousands separators, others with 6 significant digits. */
static const char *score_str(double v, char *out, size_t cap)
{
    if (v == floor(v) && v >= 0 && v < 1e18)
        reid_fmt_count((uint64_t)v, out);
    else
        snprintf(out, cap, "%.6g", v);
    return out;
}

/* One plain sentence per figure (docs/suda2.md). */
void reid_suda2_write_text(const reid_analysis *a, FILE *o)
{
    const reid_suda2 *s = reid_suda2_get(a);
    if (!s) return;
    char n1[32], n2[32], p1[32], s1[32], s2[32];
    uint64_t n = a->sum.records;
    fprintf(o, "\nSpecial uniques, SUDA2 (docs/suda2.md)\n");
    fprintf(
        o,
        "  %s record%s (%s) can be singled out by a small set of their values that no\n"
        "  other record shares (a minimal sample unique, MSU, of up to %u quasi-identifiers).\n",
        reid_fmt_count(s->records_with_msu, n1), s->records_with_msu == 1 ? "" : "s",
        reid_fmt_percent(n ? (double)s->records_with_msu / (double)n : 0, p1, sizeof p1),
        s->max_msu_size);
    fprintf(o, "  They have %s such set%s in all; by the number of quasi-identifiers in the set:\n",
            reid_fmt_count(s->msus, n1), s->msus == 1 ? "" : "s");
    for (unsigned k = 1; k <= s->max_msu_size; k++)
        fprintf(o, "    %2u: %s\n", k, reid_fmt_count(s->msu_by_size[k], n1));
    fprintf(o,
            "  A record's SUDA score adds (%u - size)! for each of its sets, so fewer values make "
            "a higher\n  score: highest %s, total %s, mean per record %.4g.\n",
            s->columns, score_str(s->score_max, s1, sizeof s1),
            score_str(s->score_sum, s2, sizeof s2), s->score_mean);
    size_t ns;
    const reid_suda2_score *sc = reid_suda2_scores(a, &ns);
    if (ns) {
        fprintf(o, "\n  %-12s %14s %12s\n", "SUDA score", "records", "DIS-SUDA");
        for (size_t i = ns; i-- > 0;) {
            if (ns > 12 && i + 12 < ns && i > 0) {
                if (i + 13 == ns) fprintf(o, "  %-12s\n", "...");
                continue;
            }
            fprintf(o, "  %-12s %14s %12.6g\n", score_str(sc[i].score, s1, sizeof s1),
                    reid_fmt_count(sc[i].records, n1), sc[i].dis);
        }
    }
    fprintf(o,
            "\n  DIS-SUDA estimates, from the scores, the chance that an intruder who finds a "
            "record unique in the\n  extract has found the right person (the extract being %g of "
            "the population): mean %.6g,\n  highest %.6g.\n",
            s->dis_fraction, s->dis_mean, s->dis_max);
    fprintf(o, "\n  %-12s %14s %10s\n", "DIS-SUDA", "records", "of records");
    for (int b = 0; b < REID_SUDA2_NDIS_BANDS; b++)
        fprintf(
            o, "  %-12s %14s %10s\n", band_names[b], reid_fmt_count(s->dis_band_records[b], n2),
            reid_fmt_percent(n ? (double)s->dis_band_records[b] / (double)n : 0, p1, sizeof p1));
    fprintf(o, "\n  Share of the total score from the sets that hold each quasi-identifier (a set "
               "counts for each\n  of its quasi-identifiers, so these add up to more than "
               "100%%):\n");
    for (unsigned j = 0; j < s->qis; j++) {
        double c = s->attribute_contributions[j];
        if (isnan(c))
            fprintf(o, "    %-20s no record has an MSU\n", a->qi[j].name);
        else
            fprintf(o, "    %-20s %.2f%%\n", a->qi[j].name, c);
    }
}

json_t *reid_suda2_json(const reid_analysis *a)
{
    const reid_suda2 *s = reid_suda2_get(a);
    if (!s) return json_null();
    jb b = {0};
    json_t *o = json_object();
    jb_put(&b, o, "columns", json_integer(s->columns));
    jb_put(&b, o, "max_msu_size", json_integer(s->max_msu_size));
    jb_put(&b, o, "records_with_msu", json_integer((json_int_t)s->records_with_msu));
    jb_put(&b, o, "records_with_msu_fraction",
           json_real(a->sum.records ? (double)s->records_with_msu / (double)a->sum.records : 0));
    jb_put(&b, o, "msus", json_integer((json_int_t)s->msus));
    json_t *by = json_object();
    for (unsigned k = 1; k <= s->max_msu_size; k++) {
        char key[16];
        snprintf(key, sizeof key, "%u", k);
        jb_put(&b, by, key, json_integer((json_int_t)s->msu_by_size[k]));
    }
    jb_put(&b, o, "msu_by_size", by);
    json_t *score = json_object(), *hist = json_array();
    jb_put(&b, score, "max", json_real(s->score_max));
    jb_put(&b, score, "sum", json_real(s->score_sum));
    jb_put(&b, score, "mean", json_real(s->score_mean));
    size_t ns;
    const reid_suda2_score *sc = reid_suda2_scores(a, &ns);
    for (size_t i = 0; i < ns; i++) {
        json_t *e = json_object();
        jb_put(&b, e, "score", json_real(sc[i].score));
        jb_put(&b, e, "records", json_integer((json_int_t)sc[i].records));
        jb_put(&b, e, "dis_suda", json_real(sc[i].dis));
        jb_push(&b, hist, e);
    }
    jb_put(&b, score, "histogram", hist);
    jb_put(&b, o, "score", score);
    json_t *dis = json_object(), *bands = json_array();
    jb_put(&b, dis, "fraction", json_real(s->dis_fraction));
    jb_put(&b, dis, "mean", json_real(s->dis_mean));
    jb_put(&b, dis, "max", json_real(s->dis_max));
    jb_put(&b, dis, "unique_records", json_integer((json_int_t)s->unique_records));
    jb_put(&b, dis, "pair_records", json_integer((json_int_t)s->pair_records));
    for (int i = 0; i < REID_SUDA2_NDIS_BANDS; i++) {
        json_t *e = json_object();
        jb_put(&b, e, "interval", json_string(band_names[i]));
        jb_put(&b, e, "records", json_integer((json_int_t)s->dis_band_records[i]));
        jb_push(&b, bands, e);
    }
    jb_put(&b, dis, "bands", bands);
    jb_put(&b, o, "dis_suda", dis);
    json_t *contrib = json_object();
    for (unsigned j = 0; j < s->qis; j++) {
        double c = s->attribute_contributions[j];
        jb_put(&b, contrib, a->qi[j].name, isnan(c) ? json_null() : json_real(c));
    }
    jb_put(&b, o, "attribute_contributions", contrib);
    if (b.failed) {
        json_decref(o);
        return NULL;
    }
    return o;
}
