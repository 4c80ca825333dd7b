/* generalise.c - hierarchies per QI, and generalisation before counting. */
#include "generalise.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "columns.h"
#include "whatif.h"

/* The QI a setting names (header name, or number without a header), or -1 after an error. */
static long qi_named(reid_analysis *a, const char *name, const char *option)
{
    long col = -1;
    if (a->cfg->has_header) {
        col = reid_column_find(a->names, a->ncols, name);
    } else {
        char *end;
        unsigned long v = strtoul(name, &end, 10);
        if (!*end && end != name && v >= 1 && v <= a->ncols) col = (long)v - 1;
    }
    if (col < 0) {
        reid_error_set(&a->err, REID_ERR_CONFIG, 0, 0, "%s: %s names no column '%s'", a->source,
                       option, name);
        return -1;
    }
    for (size_t j = 0; j < a->nq; j++)
        if (a->qi[j].col == (size_t)col) return (long)j;
    reid_error_set(&a->err, REID_ERR_CONFIG, 0, 0,
                   "%s: %s names '%s', which is not a quasi-identifier (add it with --qi)",
                   a->source, option, a->names[col]);
    return -1;
}

int reid_generalise_setup(reid_analysis *a)
{
    const reid_genconf *g = &a->cfg->gen;
    a->hier = calloc(a->nq ? a->nq : 1, sizeof *a->hier);
    a->gen_level = calloc(a->nq ? a->nq : 1, sizeof *a->gen_level);
    a->level_names = calloc((a->nq ? a->nq : 1) * REID_HIER_MAX_LEVELS, sizeof *a->level_names);
    a->gens = calloc(g->ngen ? g->ngen : 1, sizeof *a->gens);
    a->gen_qi = calloc(g->ngen ? g->ngen : 1, sizeof *a->gen_qi);
    if (!a->hier || !a->gen_level || !a->level_names || !a->gens || !a->gen_qi) goto oom;
    for (size_t j = 0; j < a->nq; j++) {
        int dob = a->cfg->has_header && reid_category_of(a->qi[j].name) == REID_CAT_DOB;
        reid_hierarchy_builtin(&a->hier[j], a->qi[j].type, dob);
    }
    for (size_t i = 0; i < g->nhier; i++) {
        const reid_hier_spec *s = &g->hier[i];
        long j = qi_named(a, s->column, "--hierarchy");
        if (j < 0) return -1;
        reid_hierarchy_free(&a->hier[j]);
        char err[REID_ERRMSG_MAX - 64];
        int rc = reid_hierarchy_parse(&a->hier[j], s->source, s->text, s->len, err, sizeof err);
        if (rc == -2) goto oom;
        if (rc == 0) {
            rc = reid_hierarchy_bind(&a->hier[j], a->qi[j].type, err, sizeof err);
            if (rc == -1) goto oom;
        }
        if (rc != 0) return reid_error_set(&a->err, REID_ERR_INPUT, 0, 0, "%s", err), -1;
    }
    for (size_t j = 0; j < a->nq; j++)
        for (unsigned l = 0; l < a->hier[j].levels; l++) {
            char b[16];
            snprintf(a->level_names[j * REID_HIER_MAX_LEVELS + l], 16, "%s",
                     reid_hierarchy_level_name(&a->hier[j], l, b));
        }
    if (g->ngen && g->what_if)
        return reid_error_set(&a->err, REID_ERR_CONFIG, 0, 0,
                              "%s: --generalise and --what-if cannot be combined (the what-if "
                              "lattice starts from the values as they are)",
                              a->source),
               -1;
    for (size_t i = 0; i < g->ngen; i++) {
        long j = qi_named(a, g->gen[i].column, "--generalise");
        if (j < 0) return -1;
        const reid_hierarchy *h = &a->hier[j];
        unsigned level;
        if (reid_hierarchy_level_find(h, g->gen[i].level, &level) != 0) {
            char list[300];
            reid_hierarchy_level_list(h, list, sizeof list);
            return reid_error_set(&a->err, REID_ERR_CONFIG, 0, 0,
                                  "%s: --generalise: '%s' has no level '%s'; the levels of its %s "
                                  "hierarchy are %s",
                                  a->source, a->qi[j].name, g->gen[i].level,
                                  h->kind == REID_HIER_USER ? h->source : reid_hierarchy_name(h),
                                  list),
                   -1;
        }
        for (size_t k = 0; k < a->ngens; k++)
            if (a->gen_qi[k] == (size_t)j)
                return reid_error_set(&a->err, REID_ERR_CONFIG, 0, 0,
                                      "%s: --generalise names '%s' twice", a->source,
                                      a->qi[j].name),
                       -1;
        a->gen_level[j] = level;
        a->gen_qi[a->ngens] = (size_t)j;
        reid_generalisation *r = &a->gens[a->ngens++];
        r->qi = a->qi[j].name;
        r->hierarchy = h->kind == REID_HIER_USER ? h->source : reid_hierarchy_name(h);
        r->level = a->level_names[j * REID_HIER_MAX_LEVELS + level];
        r->level_number = level;
        r->levels = h->levels;
    }
    if (a->ngens && reid_counter_use_generalise(&a->counter, a->hier, a->gen_level) != 0) goto oom;
    return 0;
oom:
    reid_error_set(&a->err, REID_ERR_NOMEM, 0, 0, "%s: out of memory", a->source);
    return -1;
}

int reid_generalise_finish(reid_analysis *a)
{
    for (size_t i = 0; i < a->ngens; i++) {
        size_t j = a->gen_qi[i];
        uint64_t n = a->counter.gen_unparsed ? a->counter.gen_unparsed[j] : 0;
        a->gens[i].unparsed_records = n;
        if (n && a->hier[j].kind == REID_HIER_USER)
            return reid_error_set(&a->err, REID_ERR_INPUT, 0, 0,
                                  "%s: %llu record%s of column '%s' ha%s a value that is not in "
                                  "the hierarchy %s (the values are not shown)",
                                  a->source, (unsigned long long)n, n == 1 ? "" : "s",
                                  a->qi[j].name, n == 1 ? "s" : "ve", a->hier[j].source),
                   -1;
    }
    return 0;
}

int reid_generalise_merge(reid_analysis *dst, const reid_analysis *src)
{
    int same = dst->ngens == src->ngens && dst->nq == src->nq;
    for (size_t j = 0; same && j < dst->nq; j++)
        same = dst->gen_level[j] == src->gen_level[j] && dst->hier[j].kind == src->hier[j].kind;
    if (!same)
        return reid_error_set(&dst->err, REID_ERR_CONFIG, 0, 0,
                              "%s and %s: cannot merge analyses generalised to different levels",
                              dst->source, src->source),
               -1;
    for (size_t i = 0; i < dst->ngens; i++)
        dst->gens[i].unparsed_records += src->gens[i].unparsed_records;
    return 0;
}

void reid_generalise_free(reid_analysis *a)
{
    for (size_t j = 0; a->hier && j < a->nq; j++)
        reid_hierarchy_free(&a->hier[j]);
    free(a->hier);
    free(a->gen_level);
    free(a->gens);
    free(a->gen_qi);
    free(a->level_names);
    reid_whatif_free(a);
}

size_t reid_generalisation_count(const reid_analysis *a)
{
    return a->ngens;
}

const reid_generalisation *reid_generalisation_get(const reid_analysis *a, size_t i)
{
    return i < a->ngens ? &a->gens[i] : NULL;
}

const char *reid_level_name(const reid_analysis *a, size_t qi, unsigned level)
{
    if (!a->hier || qi >= a->nq || level >= a->hier[qi].levels) return NULL;
    return a->level_names[qi * REID_HIER_MAX_LEVELS + level];
}
