/* record.c - one parsed row into a batch: checks and trimmed copies (record.h). */
#include "record.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A sampling weight: a finite decimal number > 0, nothing else (no hex, inf, nan, sign games).
 * 0 and the weight, or -1 and what is wrong in what[]. */
static int parse_weight(const char *s, size_t len, const reid_missing_set *missing, double *out,
                        char *what, size_t cap)
{
    reid_trim(&s, &len);
    if (len == 0 || reid_missing_set_has(missing, s, len)) {
        snprintf(what, cap, "the weight is missing; every record needs a sampling weight");
        return -1;
    }
    char buf[64];
    int ok = len < sizeof buf;
    for (size_t i = 0; ok && i < len; i++) {
        char ch = s[i];
        ok = (ch >= '0' && ch <= '9') || ch == '.' || ch == 'e' || ch == 'E' || ch == '+' ||
             ch == '-';
    }
    double v = 0;
    if (ok) {
        memcpy(buf, s, len);
        buf[len] = 0;
        char *end;
        v = strtod(buf, &end);
        ok = end == buf + len && end != buf;
    }
    if (!ok) {
        snprintf(what, cap, "the weight is not a number (a decimal such as 1, 25.5 or 1e3)");
        return -1;
    }
    if (!isfinite(v) || !(v > 0)) {
        snprintf(what, cap,
                 "the weight is not a finite number greater than 0 (a sampled record stands for "
                 "at least itself)");
        return -1;
    }
    *out = v;
    return 0;
}

/* Field col of the row, trimmed, copied into the batch's bytes; its offset and length stored. */
static inline int batch_field(reid_batch *b, const reid_row *row, size_t col, size_t *off,
                              size_t *len)
{
    const char *s = row->ptr[col];
    size_t n = row->len[col];
    reid_trim(&s, &n);
    char *out = reid_batch_room(b, n);
    if (!out) return -1;
    reid_copy_short(out, s, n);
    *off = b->blen;
    *len = n;
    b->blen += n;
    return 0;
}

int reid_record_fill(const reid_analysis *a, reid_batch *b, const reid_row *row, uint64_t recno,
                     reid_bad_record *bad)
{
    if (row->nfields != a->ncols) {
        bad->column = 0;
        snprintf(bad->what, sizeof bad->what, "expected %zu fields (as in the %s), found %zu",
                 a->ncols, a->cfg->has_header ? "header" : "first row", row->nfields);
        return 1;
    }
    /* validate every QI field before anything is counted (ASCII, the usual case, is valid UTF-8:
     * known from the scanner for the whole record, or told apart inline) */
    for (size_t i = 0; !row->ascii && i < a->nq; i++) {
        size_t c = a->qi[i].col;
        size_t at;
        if (!reid_is_ascii(row->ptr[c], row->len[c]) &&
            !reid_utf8_valid(row->ptr[c], row->len[c], &at)) {
            bad->column = c + 1;
            snprintf(bad->what, sizeof bad->what,
                     "invalid UTF-8 at byte %zu of the field (byte 0x%02X)", at + 1,
                     (unsigned char)row->ptr[c][at]);
            return 1;
        }
    }
    if (a->weighted) {
        size_t c = a->weight_col;
        if (parse_weight(row->ptr[c], row->len[c], &a->missing, &b->weight[b->n], bad->what,
                         sizeof bad->what) != 0) {
            bad->column = c + 1;
            return 1;
        }
    }
    for (size_t i = 0; i < a->nq; i++) { /* QI values: trimmed, missing or normalised */
        const char *s = row->ptr[a->qi[i].col];
        size_t n = row->len[a->qi[i].col];
        reid_trim(&s, &n);
        if (reid_counter_put(&a->counter, b, i, s, n) != 0) return -1;
    }
    for (size_t m = 0; m < a->nsens; m++) { /* sensitive values: trimmed, compared as bytes */
        const char *s = row->ptr[a->sens[m].col];
        size_t n = row->len[a->sens[m].col];
        reid_trim(&s, &n);
        if (reid_counter_put_sensitive(&a->counter, b, m, s, n) != 0) return -1;
    }
    if (b->pos) { /* record number (skipped rows included) and first line, for SUDA2 */
        b->pos[2 * b->n] = recno;
        b->pos[2 * b->n + 1] = row->line;
    }
    if (a->have_id) { /* pseudonym, sex, date of birth: trimmed, for people.c */
        const long cols[3] = {(long)a->id_col, a->sex_col, a->dob_col};
        for (size_t i = 0; i < 3; i++) {
            if (cols[i] < 0) {
                b->pvlen[b->n * 3 + i] = REID_VALUE_MISSING;
                continue;
            }
            if (batch_field(b, row, (size_t)cols[i], &b->pvoff[b->n * 3 + i],
                            &b->pvlen[b->n * 3 + i]) != 0)
                return -1;
        }
    }
    for (size_t m = 0; a->events_ready && m < a->events_c.ne; m++) { /* event values, trimmed */
        size_t v = b->n * a->events_c.ne + m;
        if (batch_field(b, row, a->events_c.cols[m].col, &b->evoff[v], &b->evlen[v]) != 0)
            return -1;
    }
    return 0;
}
