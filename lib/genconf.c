/* genconf.c - the settings of generalisation, user hierarchies and the what-if lattice. */
#include "genconf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "hierarchy.h"
#include "normalise.h"

static reid_status fail(reid_config *cfg, reid_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static reid_status fail(reid_config *cfg, reid_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cfg->error, sizeof cfg->error, fmt, ap);
    va_end(ap);
    return st;
}

static void free_gen(reid_genconf *g)
{
    for (size_t i = 0; i < g->ngen; i++) {
        free(g->gen[i].column);
        free(g->gen[i].level);
    }
    free(g->gen);
    g->gen = NULL;
    g->ngen = 0;
}

void reid_genconf_free(reid_genconf *g)
{
    free_gen(g);
    for (size_t i = 0; i < g->nhier; i++) {
        free(g->hier[i].column);
        free(g->hier[i].source);
        free(g->hier[i].text);
    }
    free(g->hier);
    memset(g, 0, sizeof *g);
}

static char *dupn(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        if (n) memcpy(d, s, n);
        d[n] = 0;
    }
    return d;
}

int reid_genconf_copy(reid_genconf *dst, const reid_genconf *src)
{
    memset(dst, 0, sizeof *dst);
    dst->what_if = src->what_if;
    dst->max_nodes = src->max_nodes;
    if (src->ngen && !(dst->gen = calloc(src->ngen, sizeof *dst->gen))) goto oom;
    for (size_t i = 0; i < src->ngen; i++) {
        dst->ngen = i + 1;
        if (!(dst->gen[i].column = strdup(src->gen[i].column)) ||
            !(dst->gen[i].level = strdup(src->gen[i].level)))
            goto oom;
    }
    if (src->nhier && !(dst->hier = calloc(src->nhier, sizeof *dst->hier))) goto oom;
    for (size_t i = 0; i < src->nhier; i++) {
        const reid_hier_spec *s = &src->hier[i];
        reid_hier_spec *d = &dst->hier[i];
        dst->nhier = i + 1;
        d->len = s->len;
        if (!(d->column = strdup(s->column)) || !(d->source = strdup(s->source)) ||
            !(d->text = dupn(s->text, s->len)))
            goto oom;
    }
    return 0;
oom:
    reid_genconf_free(dst);
    return -1;
}

reid_status reid_config_set_generalise(reid_config *cfg, const char *list)
{
    reid_genconf *g = &cfg->gen;
    free_gen(g);
    if (!list) return REID_OK;
    const char *p = list;
    for (;;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *item = p;
        reid_trim(&item, &len);
        if (len) {
            const char *eq = memchr(item, '=', len);
            const char *col = item, *lev = eq ? eq + 1 : NULL;
            size_t cl = eq ? (size_t)(eq - item) : len, ll = eq ? len - cl - 1 : 0;
            if (eq) {
                reid_trim(&col, &cl);
                reid_trim(&lev, &ll);
            }
            if (!eq || !cl || !ll) {
                reid_status st = fail(cfg, REID_ERR_CONFIG,
                                      "'%.*s' is not COLUMN=LEVEL (e.g. postcode=district,age=5y)",
                                      (int)len, item);
                free_gen(g);
                return st;
            }
            for (size_t i = 0; i < g->ngen; i++)
                if (strlen(g->gen[i].column) == cl && memcmp(g->gen[i].column, col, cl) == 0) {
                    reid_status st = fail(cfg, REID_ERR_CONFIG,
                                          "the column '%s' is given two generalisation levels",
                                          g->gen[i].column);
                    free_gen(g);
                    return st;
                }
            reid_gen_spec *v = realloc(g->gen, (g->ngen + 1) * sizeof *v);
            if (!v) {
                free_gen(g);
                return REID_ERR_NOMEM;
            }
            g->gen = v;
            v[g->ngen].column = dupn(col, cl);
            v[g->ngen].level = dupn(lev, ll);
            g->ngen++;
            if (!v[g->ngen - 1].column || !v[g->ngen - 1].level) {
                free_gen(g);
                return REID_ERR_NOMEM;
            }
        }
        if (!end) break;
        p = end + 1;
    }
    return REID_OK;
}

reid_status reid_config_add_hierarchy(reid_config *cfg, const char *column, const char *source,
                                      const char *text, size_t len)
{
    reid_genconf *g = &cfg->gen;
    const char *c = column ? column : "";
    size_t cl = strlen(c);
    reid_trim(&c, &cl);
    if (!cl) return fail(cfg, REID_ERR_CONFIG, "a hierarchy needs a column name (COLUMN=FILE)");
    if (!source) source = "<hierarchy>";
    for (size_t i = 0; i < g->nhier; i++)
        if (strlen(g->hier[i].column) == cl && memcmp(g->hier[i].column, c, cl) == 0)
            return fail(cfg, REID_ERR_CONFIG, "the column '%s' is given two hierarchies",
                        g->hier[i].column);
    /* checked now, so that a broken file is reported before the data is read */
    reid_hierarchy h;
    char err[sizeof cfg->error];
    int rc = reid_hierarchy_parse(&h, source, text ? text : "", text ? len : 0, err, sizeof err);
    if (rc == -2) return REID_ERR_NOMEM;
    if (rc != 0) return fail(cfg, REID_ERR_INPUT, "%s", err);
    reid_hierarchy_free(&h);
    reid_hier_spec *v = realloc(g->hier, (g->nhier + 1) * sizeof *v);
    if (!v) return REID_ERR_NOMEM;
    g->hier = v;
    reid_hier_spec *d = &v[g->nhier];
    d->column = dupn(c, cl);
    d->source = strdup(source);
    d->text = dupn(text ? text : "", text ? len : 0);
    d->len = text ? len : 0;
    g->nhier++;
    if (!d->column || !d->source || !d->text) return REID_ERR_NOMEM;
    return REID_OK;
}

reid_status reid_config_set_what_if(reid_config *cfg, reid_whatif_mode mode,
                                    unsigned long max_nodes)
{
    if (mode != REID_WHATIF_OFF && mode != REID_WHATIF_PRUNED && mode != REID_WHATIF_ALL)
        return fail(cfg, REID_ERR_CONFIG, "unknown what-if mode %d", (int)mode);
    cfg->gen.what_if = mode;
    cfg->gen.max_nodes = max_nodes;
    return REID_OK;
}
