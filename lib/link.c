/* link.c - linkage of an extract with an identified register (docs/linkage.md). */
#include "link.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <time.h>

#include "columns.h"

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static const char *side_word(int which)
{
    return which == REID_LINK_EXTRACT ? "extract" : "register";
}

static int on_row(void *user, const reid_row *row);
static int on_reader_bad(void *user, uint64_t line, uint64_t column, const char *what);

reid_link *reid_link_new(const reid_config *cfg, const char *extract_name,
                         const char *register_name)
{
    reid_link *l = calloc(1, sizeof *l);
    if (!l) return NULL;
    l->t0 = now_seconds();
    l->hold = REID_LINK_REGISTER;
    l->max_reid = -1;
    l->cfg = reid_config_copy(cfg);
    const char *names[2] = {extract_name ? extract_name : "<extract>",
                            register_name ? register_name : "<register>"};
    int ok = l->cfg != NULL;
    for (int i = 0; i < 2; i++) {
        l->s[i].l = l;
        l->s[i].which = i;
        if (ok && !(l->s[i].source = strdup(names[i]))) ok = 0;
    }
    if (!ok || reid_missing_set_parse(&l->missing, cfg->missing) != 0 ||
        reid_classtable_init(&l->keys, 1) != 0) {
        reid_link_free(l);
        return NULL;
    }
    for (int i = 0; i < 2; i++)
        reid_reader_init(&l->s[i].reader, cfg->delimiter, cfg->strict_quotes, cfg->max_field_size,
                         l->s[i].source, &l->err, on_row, on_reader_bad, &l->s[i]);
    return l;
}

static void free_on(reid_link *l)
{
    for (size_t i = 0; i < l->non; i++) {
        free(l->on[i].spec[0]);
        free(l->on[i].spec[1]);
        reid_dict_free(&l->on[i].dict);
    }
    free(l->on);
    l->on = NULL;
    l->non = 0;
}

void reid_link_free(reid_link *l)
{
    if (!l) return;
    for (int i = 0; i < 2; i++) {
        link_side *sd = &l->s[i];
        reid_reader_free(&sd->reader);
        for (size_t c = 0; c < sd->ncols; c++)
            free(sd->names[c]);
        free(sd->names);
        free(sd->keep);
        free(sd->source);
    }
    free_on(l);
    free(l->id_spec);
    reid_missing_set_free(&l->missing);
    reid_classtable_free(&l->keys);
    free(l->regcount);
    reid_dict_free(&l->people);
    free(l->best);
    reid_classtable_free(&l->pairs);
    free(l->first_line);
    free(l->first_off);
    reid_arena_free(&l->rows);
    free(l->matches);
    free(l->fields);
    free(l->key);
    free(l->norm);
    free(l->batch.bytes);
    free(l->batch.voff);
    free(l->batch.vlen);
    free(l->batch.vh);
    free(l->batch.keys);
    reid_config_free(l->cfg);
    free(l);
}

/* ---- settings ---- */

static reid_status link_fail(reid_link *l, reid_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static reid_status link_fail(reid_link *l, reid_status st, const char *fmt, ...)
{
    char msg[REID_ERRMSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return reid_error_set(&l->err, st, 0, 0, "%s", msg);
}

static reid_status settings_open(reid_link *l, const char *what)
{
    if (l->err.status) return l->err.status;
    if (l->started)
        return link_fail(l, REID_ERR_STATE, "%s must be called before the first reid_link_feed",
                         what);
    return REID_OK;
}

/* One item of the join list: NAME, or E=R, each optionally ":type". 0, or -1 after an error. */
static int parse_on_item(reid_link *l, const char *item, size_t len)
{
    reid_trim(&item, &len);
    reid_qi_type type = REID_TYPE_AUTO;
    const char *colon = NULL;
    for (size_t i = len; i-- > 0 && !colon;)
        if (item[i] == ':') colon = item + i;
    if (colon) {
        char tname[32];
        size_t tl = len - (size_t)(colon - item) - 1;
        const char *ts = colon + 1;
        reid_trim(&ts, &tl);
        snprintf(tname, sizeof tname, "%.*s", (int)tl, ts);
        if (tl >= sizeof tname || !reid_qi_type_from_name(tname, &type) || type == REID_TYPE_AUTO) {
            link_fail(l, REID_ERR_CONFIG,
                      "unknown type '%.*s' for join column '%.*s' (types: text, postcode, date, "
                      "age, sex, code)",
                      (int)tl, ts, (int)(colon - item), item);
            return -1;
        }
        len = (size_t)(colon - item);
        reid_trim(&item, &len);
    }
    const char *eq = memchr(item, '=', len);
    const char *ename = item, *rname = item;
    size_t elen = len, rlen = len;
    if (eq) {
        elen = (size_t)(eq - item);
        rname = eq + 1;
        rlen = len - elen - 1;
        reid_trim(&ename, &elen);
        reid_trim(&rname, &rlen);
    }
    if (!elen || !rlen) {
        link_fail(l, REID_ERR_CONFIG,
                  "empty column name in the join list ('%.*s'); give NAME or "
                  "EXTRACT_NAME=REGISTER_NAME",
                  (int)len, item);
        return -1;
    }
    link_col *on = realloc(l->on, (l->non + 1) * sizeof *on);
    if (!on) return link_fail(l, REID_ERR_NOMEM, "out of memory"), -1;
    l->on = on;
    link_col *c = &on[l->non];
    memset(c, 0, sizeof *c);
    c->spec[0] = strndup(ename, elen);
    c->spec[1] = strndup(rname, rlen);
    l->non++; /* from here on free_on() releases it */
    if (!c->spec[0] || !c->spec[1] || reid_dict_init(&c->dict) != 0)
        return link_fail(l, REID_ERR_NOMEM, "out of memory"), -1;
    if (type == REID_TYPE_AUTO) {
        type = reid_category_type(reid_category_of(c->spec[0]));
        if (type == REID_TYPE_TEXT) type = reid_category_type(reid_category_of(c->spec[1]));
        if (!l->cfg->has_header) type = REID_TYPE_TEXT; /* column numbers say nothing */
    }
    c->type = type;
    for (size_t i = 0; i + 1 < l->non; i++)
        if (strcasecmp(on[i].spec[0], c->spec[0]) == 0 ||
            strcasecmp(on[i].spec[1], c->spec[1]) == 0) {
            link_fail(l, REID_ERR_CONFIG, "join column '%s' is listed twice",
                      strcasecmp(on[i].spec[0], c->spec[0]) == 0 ? c->spec[0] : c->spec[1]);
            return -1;
        }
    return 0;
}

reid_status reid_link_set_on(reid_link *l, const char *list)
{
    reid_status st = settings_open(l, "reid_link_set_on");
    if (st) return st;
    free_on(l);
    const char *p = list ? list : "";
    size_t n = strlen(p);
    reid_trim(&p, &n);
    if (!n) return link_fail(l, REID_ERR_CONFIG, "no join columns given");
    const char *end = p + n;
    while (p <= end) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        const char *stop = comma ? comma : end;
        if (parse_on_item(l, p, (size_t)(stop - p)) != 0) return l->err.status;
        p = stop + 1;
    }
    if (l->non > 0xFFFF) return link_fail(l, REID_ERR_CONFIG, "too many join columns");
    free(l->key);
    l->key = calloc(l->non, sizeof *l->key);
    reid_classtable_free(&l->keys);
    if (!l->key || reid_classtable_init(&l->keys, (unsigned)l->non) != 0)
        return link_fail(l, REID_ERR_NOMEM, "out of memory");
    return REID_OK;
}

reid_status reid_link_set_id(reid_link *l, const char *column)
{
    reid_status st = settings_open(l, "reid_link_set_id");
    if (st) return st;
    free(l->id_spec);
    l->id_spec = NULL;
    if (!column || !*column) return REID_OK;
    const char *p = column;
    size_t n = strlen(p);
    reid_trim(&p, &n);
    if (!n) return link_fail(l, REID_ERR_CONFIG, "the pseudonym column's name is empty");
    if (!(l->id_spec = strndup(p, n))) return link_fail(l, REID_ERR_NOMEM, "out of memory");
    return REID_OK;
}

reid_status reid_link_set_hold(reid_link *l, reid_link_side held)
{
    reid_status st = settings_open(l, "reid_link_set_hold");
    if (st) return st;
    if (held != REID_LINK_EXTRACT && held != REID_LINK_REGISTER)
        return link_fail(l, REID_ERR_CONFIG,
                         "the held side is REID_LINK_EXTRACT or "
                         "REID_LINK_REGISTER");
    l->hold = held;
    return REID_OK;
}

reid_status reid_link_set_show_matches(reid_link *l, uint64_t max)
{
    reid_status st = settings_open(l, "reid_link_set_show_matches");
    if (st) return st;
    l->show_max = max;
    return REID_OK;
}

reid_status reid_link_set_max_reidentified(reid_link *l, double f)
{
    reid_status st = settings_open(l, "reid_link_set_max_reidentified");
    if (st) return st;
    if (f > 1 || f != f)
        return link_fail(l, REID_ERR_CONFIG, "the largest fraction re-identified is from 0 to 1");
    l->max_reid = f < 0 ? -1 : f;
    return REID_OK;
}

/* The first feed closes the settings: check they fit together and set up the tables. */
static reid_status start(reid_link *l)
{
    l->started = 1;
    if (!l->non)
        return link_fail(l, REID_ERR_CONFIG, "no join columns: give them with reid_link_set_on");
    if (l->show_max && l->hold != REID_LINK_REGISTER)
        return link_fail(l, REID_ERR_CONFIG,
                         "showing the matches needs the register held in memory (its entries "
                         "are printed)");
    link_batch *b = &l->batch;
    b->voff = malloc(LINK_BATCH * l->non * sizeof *b->voff);
    b->vlen = malloc(LINK_BATCH * l->non * sizeof *b->vlen);
    b->vh = malloc(LINK_BATCH * l->non * sizeof *b->vh);
    b->keys = malloc(LINK_BATCH * l->non * sizeof *b->keys);
    if (!b->voff || !b->vlen || !b->vh || !b->keys)
        return link_fail(l, REID_ERR_NOMEM, "out of memory");
    if (l->id_spec) {
        if (reid_dict_init(&l->people) != 0 ||
            (l->hold == REID_LINK_EXTRACT && reid_classtable_init(&l->pairs, 2) != 0))
            return link_fail(l, REID_ERR_NOMEM, "out of memory");
    }
    return REID_OK;
}

/* ---- headers ---- */

static int side_config_error(link_side *sd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int side_config_error(link_side *sd, const char *fmt, ...)
{
    char msg[REID_ERRMSG_MAX - 64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    reid_error_set(&sd->l->err, REID_ERR_CONFIG, 0, 0, "%s: %s", sd->source, msg);
    return -1;
}

int link_nomem(reid_link *l)
{
    link_fail(l, REID_ERR_NOMEM, "out of memory");
    return -1;
}

/* The 0-based column named spec on this side, or -1 after an error. */
static long find_col(link_side *sd, const char *spec, const char *role)
{
    if (sd->l->cfg->has_header) {
        long col = reid_column_find(sd->names, sd->ncols, spec);
        if (col >= 0) return col;
        char cols[400];
        size_t used = 0;
        cols[0] = 0;
        for (size_t i = 0; i < sd->ncols && used + 1 < sizeof cols; i++) {
            int w = snprintf(cols + used, sizeof cols - used, "%s%s", i ? ", " : "", sd->names[i]);
            if (w < 0) break;
            used += (size_t)w;
        }
        if (used >= sizeof cols) memcpy(cols + sizeof cols - 4, "...", 4);
        const char *near = reid_column_nearest(sd->names, sd->ncols, spec);
        if (near)
            return side_config_error(sd,
                                     "no %s column named '%s'; did you mean '%s'? The "
                                     "columns are: %s",
                                     role, spec, near, cols);
        return side_config_error(sd, "no %s column named '%s'. The columns are: %s", role, spec,
                                 cols);
    }
    char *end;
    unsigned long v = strtoul(spec, &end, 10);
    if (*end || end == spec || v < 1 || v > sd->ncols)
        return side_config_error(sd,
                                 "without a header row, the %s column is a number from 1 to "
                                 "%zu; '%s' is not one",
                                 role, sd->ncols, spec);
    return (long)v - 1;
}

static int resolve_columns(link_side *sd)
{
    reid_link *l = sd->l;
    for (size_t i = 0; i < l->non; i++) {
        long col = find_col(sd, l->on[i].spec[sd->which], "join");
        if (col < 0) return -1;
        for (size_t j = 0; j < i; j++)
            if (l->on[j].col[sd->which] == (size_t)col)
                return side_config_error(sd, "column %ld ('%s') is given twice in the join list",
                                         col + 1, sd->names[col]);
        l->on[i].col[sd->which] = (size_t)col;
    }
    if (sd->which == REID_LINK_EXTRACT && l->id_spec) {
        long col = find_col(sd, l->id_spec, "pseudonym");
        if (col < 0) return -1;
        for (size_t j = 0; j < l->non; j++)
            if (l->on[j].col[REID_LINK_EXTRACT] == (size_t)col)
                return side_config_error(sd,
                                         "column %ld ('%s') cannot be both the pseudonym column "
                                         "and a join column",
                                         col + 1, sd->names[col]);
        l->id_col = (size_t)col;
    }
    if (!(sd->keep = calloc(sd->ncols, 1))) return link_nomem(l);
    for (size_t i = 0; i < l->non; i++)
        sd->keep[l->on[i].col[sd->which]] = 1;
    if (sd->which == REID_LINK_EXTRACT && l->id_spec) sd->keep[l->id_col] = 1;
    /* the register's entries are printed whole with reid_link_set_show_matches */
    if (!(sd->which == REID_LINK_REGISTER && l->show_max))
        reid_reader_keep(&sd->reader, sd->keep, sd->ncols);
    if (sd->which == REID_LINK_REGISTER && l->show_max &&
        !(l->fields = calloc(sd->ncols, sizeof *l->fields)))
        return link_nomem(l);
    return 0;
}

static int take_header(link_side *sd, const reid_row *row)
{
    reid_link *l = sd->l;
    sd->ncols = row->nfields;
    if (!(sd->names = calloc(sd->ncols, sizeof *sd->names))) return link_nomem(l);
    for (size_t i = 0; i < sd->ncols; i++) {
        const char *s = row->ptr[i];
        size_t len = row->len[i];
        reid_trim(&s, &len);
        if (l->cfg->has_header && len) {
            size_t bad;
            if (!reid_utf8_valid(s, len, &bad)) {
                reid_error_set(&l->err, REID_ERR_INPUT, row->line, i + 1,
                               "%s: line %llu, column %zu: the header name is not valid UTF-8 "
                               "(byte %zu)",
                               sd->source, (unsigned long long)row->line, i + 1, bad + 1);
                return -1;
            }
            sd->names[i] = strndup(s, len);
        } else {
            char b[32];
            snprintf(b, sizeof b, "column %zu", i + 1);
            sd->names[i] = strdup(b);
        }
        if (!sd->names[i]) return link_nomem(l);
    }
    if (l->cfg->has_header)
        for (size_t i = 0; i < sd->ncols; i++) {
            if (!row->len[i]) continue;
            long j = reid_column_find(sd->names, i, sd->names[i]);
            if (j >= 0) {
                reid_error_set(&l->err, REID_ERR_INPUT, row->line, i + 1,
                               "%s: line %llu, column %zu: duplicate column name '%s' (also "
                               "column %ld); column names must be unique",
                               sd->source, (unsigned long long)row->line, i + 1, sd->names[i],
                               j + 1);
                return -1;
            }
        }
    sd->have_layout = 1;
    reid_reader_names(&sd->reader, sd->names, sd->ncols);
    return resolve_columns(sd);
}

/* ---- records ---- */

/* A malformed row: skipped (counted) with reid_config_set_skip_bad_rows, else the error. */
static int bad_row(link_side *sd, uint64_t line, uint64_t column, const char *what)
{
    reid_link *l = sd->l;
    char msg[REID_ERRMSG_MAX];
    if (column && column <= sd->ncols)
        snprintf(msg, sizeof msg, "%s: line %llu, column %llu (%s): %s", sd->source,
                 (unsigned long long)line, (unsigned long long)column, sd->names[column - 1], what);
    else if (column)
        snprintf(msg, sizeof msg, "%s: line %llu, column %llu: %s", sd->source,
                 (unsigned long long)line, (unsigned long long)column, what);
    else
        snprintf(msg, sizeof msg, "%s: line %llu: %s", sd->source, (unsigned long long)line, what);
    if (l->cfg->skip_bad_rows && sd->have_layout) {
        if (sd->skipped++ == 0) snprintf(sd->first_skip, sizeof sd->first_skip, "%s", msg);
        return 0;
    }
    reid_error_set(&l->err, REID_ERR_INPUT, line, column, "%s%s", msg,
                   sd->have_layout ? " (--skip-bad-rows skips such rows)" : "");
    return -1;
}

static int on_reader_bad(void *user, uint64_t line, uint64_t column, const char *what)
{
    link_side *sd = user;
    if (sd->have_layout) sd->datarows++;
    return bad_row(sd, line, column, what);
}

static int on_row(void *user, const reid_row *row)
{
    link_side *sd = user;
    reid_link *l = sd->l;
    if (!sd->have_layout) {
        if (take_header(sd, row) != 0) return -1;
        if (l->cfg->has_header) return 0;
    }
    sd->datarows++;
    if (row->nfields != sd->ncols) {
        char what[160];
        snprintf(what, sizeof what, "expected %zu fields (as in the %s), found %zu", sd->ncols,
                 l->cfg->has_header ? "header" : "first row", row->nfields);
        return bad_row(sd, row->line, 0, what);
    }
    int is_extract = sd->which == REID_LINK_EXTRACT;
    for (size_t i = 0; i <= l->non; i++) {
        size_t c;
        if (i < l->non)
            c = l->on[i].col[sd->which];
        else if (is_extract && l->id_spec)
            c = l->id_col;
        else
            break;
        size_t bad;
        if (!reid_utf8_valid(row->ptr[c], row->len[c], &bad)) {
            char what[120];
            snprintf(what, sizeof what, "invalid UTF-8 at byte %zu of the field (byte 0x%02X)",
                     bad + 1, (unsigned char)row->ptr[c][bad]);
            return bad_row(sd, row->line, c + 1, what);
        }
    }
    uint32_t person = 0;
    if (is_extract && l->id_spec) {
        const char *s = row->ptr[l->id_col];
        size_t len = row->len[l->id_col];
        reid_trim(&s, &len);
        if (reid_missing_set_has(&l->missing, s, len))
            return bad_row(sd, row->line, l->id_col + 1,
                           "the pseudonym is missing; every record needs one to count people");
        if (reid_dict_intern(&l->people, s, len, &person) != 0 ||
            link_grow_bytes(&l->best, &l->bestcap, person) != 0)
            return link_nomem(l);
    }
    sd->rows++;
    if (sd->which != (int)l->hold) {
        int k = link_batch_add(sd, row, person);
        if (k < 0) return -1;
        return k && l->batch.n == LINK_BATCH ? link_flush_streamed(l, sd) : 0;
    }
    if (l->show_max) return link_held_row(sd, row); /* entries kept whole: one at a time */
    int k = link_batch_add(sd, row, person);
    if (k < 0) return -1;
    return k && l->batch.n == LINK_BATCH ? link_flush_held(l, sd) : 0;
}

/* ---- feeding ---- */

reid_status reid_link_feed(reid_link *l, reid_link_side side, const void *buf, size_t len)
{
    if (l->err.status) return l->err.status;
    if (side != REID_LINK_EXTRACT && side != REID_LINK_REGISTER)
        return link_fail(l, REID_ERR_STATE, "reid_link_feed: unknown side %d", (int)side);
    link_side *sd = &l->s[side];
    if (sd->ended)
        return link_fail(l, REID_ERR_STATE, "%s: reid_link_feed after reid_link_end", sd->source);
    if (side != l->hold && !l->s[l->hold].ended)
        return link_fail(l, REID_ERR_STATE,
                         "%s: the held side (the %s, %s) must be fed and ended before the other",
                         sd->source, side_word(l->hold), l->s[l->hold].source);
    if (!l->started && start(l) != REID_OK) return l->err.status;
    sd->started = 1;
    reid_reader_feed(&sd->reader, buf, len);
    return l->err.status;
}

static void fractions(reid_link_counts *c)
{
    c->missing_key = c->total - c->reidentified - c->narrowed - c->ambiguous - c->unmatched;
    double n = c->total ? (double)c->total : 1;
    c->reidentified_fraction = (double)c->reidentified / n;
    c->narrowed_fraction = (double)c->narrowed / n;
    c->ambiguous_fraction = (double)c->ambiguous / n;
    c->unmatched_fraction = (double)c->unmatched / n;
    c->missing_key_fraction = (double)c->missing_key / n;
}

static void add_to(reid_link_counts *c, int cat, uint64_t n)
{
    if (cat == LINK_CAT_REID) c->reidentified += n;
    if (cat == LINK_CAT_NARROWED) c->narrowed += n;
    if (cat == LINK_CAT_AMBIGUOUS) c->ambiguous += n;
    if (cat == LINK_CAT_UNMATCHED) c->unmatched += n;
}

/* Both sides read: classify what is left, count people, the gate. */
static reid_status compute(reid_link *l)
{
    reid_link_result *r = &l->res;
    link_side *ex = &l->s[REID_LINK_EXTRACT], *rg = &l->s[REID_LINK_REGISTER];
    r->held = l->hold;
    r->held_keys = l->keys.nclasses;
    if (l->hold == REID_LINK_EXTRACT) {
        memset(&r->records, 0, sizeof r->records);
        for (uint64_t c = 0; c < l->keys.nclasses; c++)
            add_to(&r->records, link_category(l->regcount[c]), l->keys.sizes[c]);
        for (uint64_t i = 0; l->id_spec && i < l->pairs.nclasses; i++) {
            const uint32_t *pk = reid_classtable_key(&l->pairs, i);
            int cat = link_category(l->regcount[pk[1]]);
            if (l->best[pk[0]] < cat) l->best[pk[0]] = (uint8_t)cat;
        }
    }
    r->records.total = ex->rows;
    fractions(&r->records);
    r->have_people = l->id_spec != NULL;
    if (r->have_people) {
        uint32_t n = reid_dict_values(&l->people);
        r->people.total = n;
        for (uint32_t p = 1; p <= n; p++)
            add_to(&r->people, l->best[p], 1);
        fractions(&r->people);
    }
    r->register_entries = rg->rows;
    r->register_missing_key = rg->missing_key;
    r->extract_skipped = ex->skipped;
    r->register_skipped = rg->skipped;
    r->matches_kept = l->nmatches;
    r->max_reidentified = l->max_reid;
    r->gate_measured =
        r->have_people ? r->people.reidentified_fraction : r->records.reidentified_fraction;
    r->gate_passed = !(l->max_reid >= 0 && r->gate_measured > l->max_reid);
    uint64_t bytes = reid_classtable_bytes(&l->keys) + l->regcap + l->bestcap;
    for (size_t i = 0; i < l->non; i++)
        bytes += reid_dict_bytes(&l->on[i].dict);
    if (l->id_spec) bytes += reid_dict_bytes(&l->people);
    if (l->pairs.slots) bytes += reid_classtable_bytes(&l->pairs);
    r->table_bytes = bytes;
    r->elapsed_seconds = now_seconds() - l->t0;
    struct rusage ru;
    r->peak_rss_bytes = getrusage(RUSAGE_SELF, &ru) == 0 ? (uint64_t)ru.ru_maxrss * 1024 : 0;
    l->done = 1;
    return REID_OK;
}

reid_status reid_link_end(reid_link *l, reid_link_side side)
{
    if (l->err.status) return l->err.status;
    if (side != REID_LINK_EXTRACT && side != REID_LINK_REGISTER)
        return link_fail(l, REID_ERR_STATE, "reid_link_end: unknown side %d", (int)side);
    link_side *sd = &l->s[side];
    if (sd->ended)
        return link_fail(l, REID_ERR_STATE, "%s: reid_link_end called twice", sd->source);
    if (side != l->hold && !l->s[l->hold].ended)
        return link_fail(l, REID_ERR_STATE,
                         "%s: the held side (the %s, %s) must be fed and ended before the other",
                         sd->source, side_word(l->hold), l->s[l->hold].source);
    if (!l->started && start(l) != REID_OK) return l->err.status;
    sd->ended = 1;
    if (reid_reader_finish(&sd->reader) != 0) return l->err.status;
    if (!sd->have_layout)
        return reid_error_set(&l->err, REID_ERR_INPUT, 0, 0, "%s: the file is empty (no rows)",
                              sd->source);
    if ((side == l->hold ? link_flush_held(l, sd) : link_flush_streamed(l, sd)) != 0)
        return l->err.status;
    if (side == REID_LINK_EXTRACT && sd->rows == 0) {
        if (sd->skipped)
            return reid_error_set(&l->err, REID_ERR_INPUT, 0, 0,
                                  "%s: no valid records: all %llu data rows were malformed and "
                                  "skipped; the first: %s",
                                  sd->source, (unsigned long long)sd->skipped, sd->first_skip);
        return reid_error_set(&l->err, REID_ERR_INPUT, 0, 0,
                              "%s: no data rows: the file has only a header", sd->source);
    }
    if (l->s[0].ended && l->s[1].ended) return compute(l);
    return REID_OK;
}

/* ---- results ---- */

reid_status reid_link_status(const reid_link *l)
{
    return l->err.status;
}

const char *reid_link_error_message(const reid_link *l)
{
    return l->err.msg;
}

const reid_link_result *reid_link_result_get(const reid_link *l)
{
    return l->done && !l->err.status ? &l->res : NULL;
}

size_t reid_link_on_count(const reid_link *l)
{
    return l->s[0].have_layout && l->s[1].have_layout ? l->non : 0;
}

reid_status reid_link_on_get(const reid_link *l, size_t i, reid_link_on_info *out)
{
    if (i >= reid_link_on_count(l)) return REID_ERR_STATE;
    const link_col *c = &l->on[i];
    out->extract_name = l->s[0].names[c->col[0]];
    out->register_name = l->s[1].names[c->col[1]];
    out->extract_column = c->col[0] + 1;
    out->register_column = c->col[1] + 1;
    out->type = c->type;
    out->extract_missing = c->missing[0];
    out->register_missing = c->missing[1];
    return REID_OK;
}

reid_status reid_link_matches_foreach(const reid_link *l, reid_link_match_fn fn, void *user)
{
    if (!reid_link_result_get(l)) return REID_ERR_STATE;
    const link_side *rg = &l->s[REID_LINK_REGISTER];
    for (uint64_t i = 0; i < l->nmatches; i++) {
        const link_match *m = &l->matches[i];
        const char *p = reid_arena_at(&l->rows, l->first_off[m->cls]);
        for (size_t f = 0; f < rg->ncols; f++) {
            l->fields[f] = p;
            p += strlen(p) + 1;
        }
        size_t plen = 0;
        const char *pseudo = m->person ? reid_dict_value(&l->people, m->person, &plen) : NULL;
        char *pcopy = pseudo ? strndup(pseudo, plen) : NULL;
        if (pseudo && !pcopy) return REID_ERR_NOMEM;
        reid_link_match out = {m->row,    m->line,
                               pcopy,     l->first_line[m->cls],
                               rg->ncols, (const char *const *)rg->names,
                               l->fields};
        int stop = fn(&out, user);
        free(pcopy);
        if (stop) break;
    }
    return REID_OK;
}
