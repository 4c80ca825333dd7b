/* config.c - settings, validated as they are set. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "normalise.h"

#define DEFAULT_MISSING "NA,N/A,NULL,?"

static const char *const type_names[] = {"auto", "text", "postcode", "date", "age", "sex", "code"};

const char *reid_qi_type_name(reid_qi_type t)
{
    if ((unsigned)t < sizeof type_names / sizeof *type_names) return type_names[t];
    return NULL;
}

int reid_qi_type_from_name(const char *name, reid_qi_type *out)
{
    for (size_t i = 0; i < sizeof type_names / sizeof *type_names; i++) {
        if (strcasecmp(name, type_names[i]) == 0) {
            *out = (reid_qi_type)i;
            return 1;
        }
    }
    *out = REID_TYPE_AUTO;
    return 0;
}

static reid_status cfg_fail(reid_config *cfg, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static reid_status cfg_fail(reid_config *cfg, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cfg->error, sizeof cfg->error, fmt, ap);
    va_end(ap);
    return REID_ERR_CONFIG;
}

reid_config *reid_config_new(void)
{
    reid_config *cfg = calloc(1, sizeof *cfg);
    if (!cfg) return NULL;
    cfg->has_header = 1;
    cfg->k = 5;
    cfg->max_uniques = -1;
    cfg->max_field_size = (size_t)1 << 20;
    cfg->strict_quotes = 1;
    cfg->risk_threshold = REID_DEFAULT_RISK_THRESHOLD;
    cfg->missing_alpha = 1;
    cfg->missing = strdup(DEFAULT_MISSING);
    if (!cfg->missing) {
        free(cfg);
        return NULL;
    }
    return cfg;
}

static void free_qis(reid_config *cfg)
{
    for (size_t i = 0; i < cfg->nqis; i++)
        free(cfg->qis[i].name);
    free(cfg->qis);
    cfg->qis = NULL;
    cfg->nqis = 0;
}

void reid_config_free(reid_config *cfg)
{
    if (!cfg) return;
    free_qis(cfg);
    free(cfg->missing);
    free(cfg->weight);
    free(cfg);
}

const char *reid_config_error(const reid_config *cfg)
{
    return cfg->error;
}

reid_config *reid_config_copy(const reid_config *cfg)
{
    reid_config *c = malloc(sizeof *c);
    if (!c) return NULL;
    *c = *cfg;
    c->qis = NULL;
    c->nqis = 0;
    c->weight = NULL;
    c->missing = strdup(cfg->missing);
    if (cfg->nqis) c->qis = calloc(cfg->nqis, sizeof *c->qis);
    if (!c->missing || (cfg->nqis && !c->qis)) goto oom;
    if (cfg->weight && !(c->weight = strdup(cfg->weight))) goto oom;
    for (size_t i = 0; i < cfg->nqis; i++) {
        c->qis[i].type = cfg->qis[i].type;
        if (!(c->qis[i].name = strdup(cfg->qis[i].name))) goto oom;
        c->nqis = i + 1;
    }
    return c;
oom:
    reid_config_free(c);
    return NULL;
}

reid_status reid_config_set_qis(reid_config *cfg, const char *list)
{
    free_qis(cfg);
    if (!list) return REID_OK;
    const char *p = list;
    for (;;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *item = p;
        reid_trim(&item, &len);
        if (len == 0) {
            if (!end && cfg->nqis == 0 && p == list) return REID_OK; /* "" = auto-detect */
            free_qis(cfg);
            return cfg_fail(cfg, "empty name in the quasi-identifier list '%s'", list);
        }
        reid_qi_type type = REID_TYPE_AUTO;
        const char *colon = memchr(item, ':', len);
        size_t nlen = len;
        if (colon) {
            char tname[32];
            size_t tl = len - (size_t)(colon - item) - 1;
            const char *ts = colon + 1;
            reid_trim(&ts, &tl);
            snprintf(tname, sizeof tname, "%.*s", (int)(tl < 31 ? tl : 31), ts);
            if (tl >= 31 || !reid_qi_type_from_name(tname, &type) || type == REID_TYPE_AUTO) {
                free_qis(cfg);
                return cfg_fail(cfg,
                                "unknown type '%.*s' for quasi-identifier '%.*s' (types: text, "
                                "postcode, date, age, sex, code)",
                                (int)tl, ts, (int)(colon - item), item);
            }
            nlen = (size_t)(colon - item);
            const char *ns = item;
            reid_trim(&ns, &nlen);
            item = ns;
        }
        reid_qi_spec *q = realloc(cfg->qis, (cfg->nqis + 1) * sizeof *q);
        if (!q) return REID_ERR_NOMEM;
        cfg->qis = q;
        q[cfg->nqis].type = type;
        if (!(q[cfg->nqis].name = strndup(item, nlen))) return REID_ERR_NOMEM;
        cfg->nqis++;
        for (size_t i = 0; i + 1 < cfg->nqis; i++) {
            if (strcasecmp(cfg->qis[i].name, cfg->qis[cfg->nqis - 1].name) == 0) {
                reid_status s =
                    cfg_fail(cfg, "quasi-identifier '%s' is listed twice", cfg->qis[i].name);
                free_qis(cfg);
                return s;
            }
        }
        if (!end) break;
        p = end + 1;
    }
    return REID_OK;
}

reid_status reid_config_set_header(reid_config *cfg, int has_header)
{
    cfg->has_header = has_header != 0;
    return REID_OK;
}

reid_status reid_config_set_delimiter(reid_config *cfg, int d)
{
    if (d < 0 || d > 255 || d == '"' || d == '\r' || d == '\n')
        return cfg_fail(cfg, "the delimiter must be one byte other than a quote or a line break");
    cfg->delimiter = d;
    return REID_OK;
}

reid_status reid_config_set_missing(reid_config *cfg, const char *list)
{
    char *m = strdup(list ? list : "");
    if (!m) return REID_ERR_NOMEM;
    free(cfg->missing);
    cfg->missing = m;
    return REID_OK;
}

reid_status reid_config_set_k(reid_config *cfg, uint64_t k)
{
    if (k < 1) return cfg_fail(cfg, "k must be at least 1");
    cfg->k = k;
    return REID_OK;
}

reid_status reid_config_set_require_k(reid_config *cfg, uint64_t k)
{
    cfg->require_k = k;
    return REID_OK;
}

reid_status reid_config_set_max_uniques(reid_config *cfg, double f)
{
    if (f > 1 || f != f) return cfg_fail(cfg, "the maximum fraction of uniques must be in 0..1");
    cfg->max_uniques = f;
    return REID_OK;
}

reid_status reid_config_set_skip_bad_rows(reid_config *cfg, int skip)
{
    cfg->skip_bad_rows = skip != 0;
    return REID_OK;
}

reid_status reid_config_set_max_field_size(reid_config *cfg, size_t bytes)
{
    if (bytes < 1) return cfg_fail(cfg, "the field size limit must be at least 1 byte");
    cfg->max_field_size = bytes;
    return REID_OK;
}

reid_status reid_config_set_threads(reid_config *cfg, unsigned threads)
{
    if (threads > 1024) return cfg_fail(cfg, "at most 1024 threads");
    cfg->threads = threads;
    return REID_OK;
}

reid_status reid_config_set_max_memory(reid_config *cfg, uint64_t bytes)
{
    cfg->max_memory = bytes;
    return REID_OK;
}

reid_status reid_config_set_input_size(reid_config *cfg, uint64_t bytes)
{
    cfg->input_size = bytes;
    return REID_OK;
}

reid_status reid_config_set_strict_quotes(reid_config *cfg, int strict)
{
    cfg->strict_quotes = strict != 0;
    return REID_OK;
}

reid_status reid_config_set_population_size(reid_config *cfg, uint64_t N)
{
    if (N < 1) return cfg_fail(cfg, "the population size must be at least 1");
    cfg->population_size = N;
    cfg->sampling_fraction = 0;
    return REID_OK;
}

reid_status reid_config_set_sampling_fraction(reid_config *cfg, double F)
{
    if (!(F > 0 && F <= 1))
        return cfg_fail(cfg, "the sampling fraction must be greater than 0 and at most 1");
    cfg->sampling_fraction = F;
    cfg->population_size = 0;
    return REID_OK;
}

reid_status reid_config_set_weight(reid_config *cfg, const char *column)
{
    const char *s = column ? column : "";
    size_t len = strlen(s);
    reid_trim(&s, &len);
    char *w = NULL;
    if (len && !(w = strndup(s, len))) return REID_ERR_NOMEM;
    free(cfg->weight);
    cfg->weight = w;
    return REID_OK;
}

reid_status reid_config_set_risk_threshold(reid_config *cfg, double t)
{
    if (!(t >= 0 && t <= 1)) return cfg_fail(cfg, "the risk threshold must be from 0 to 1");
    cfg->risk_threshold = t;
    return REID_OK;
}

reid_status reid_config_set_missing_matches_any(reid_config *cfg, int on, double alpha)
{
    if (on && !(alpha >= 0 && alpha <= 1))
        return cfg_fail(cfg, "the weight alpha of partly-missing matches must be from 0 to 1");
    cfg->missing_any = on != 0;
    cfg->missing_alpha = on ? alpha : 1;
    return REID_OK;
}
