/* config.c - settings, validated as they are set. */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "longitudinal.h"
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
    cfg->max_risk = -1;
    cfg->max_field_size = (size_t)1 << 20;
    cfg->chunk_size = (size_t)1 << 20;
    cfg->strict_quotes = 1;
    cfg->risk_threshold = REID_DEFAULT_RISK_THRESHOLD;
    cfg->missing_alpha = 1;
    cfg->recursive_c = REID_DEFAULT_RECURSIVE_C;
    cfg->suda2_fraction = REID_DEFAULT_SUDA2_DIS_FRACTION;
    cfg->subset_threshold = REID_DEFAULT_SUBSET_THRESHOLD;
    cfg->seed = 1;
    cfg->events_sample = REID_DEFAULT_EVENTS_SAMPLE;
    cfg->pseudonym_sample = REID_DEFAULT_PSEUDONYM_SAMPLE;
    cfg->pseudonym_seed = 1;
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
    for (size_t i = 0; i < cfg->nsensitive; i++)
        free(cfg->sensitive[i]);
    free(cfg->sensitive);
    free(cfg->population_table);
    for (size_t i = 0; i < cfg->ndata_dirs; i++)
        free(cfg->data_dirs[i]);
    free(cfg->data_dirs);
    reid_genconf_free(&cfg->gen);
    free(cfg->id_column);
    free(cfg->events);
    free(cfg->pseudonym_col);
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
    c->sensitive = NULL;
    c->nsensitive = 0;
    c->population_table = NULL;
    c->data_dirs = NULL;
    c->ndata_dirs = 0;
    memset(&c->gen, 0, sizeof c->gen);
    c->id_column = NULL;
    c->events = NULL;
    c->pseudonym_col = NULL;
    c->missing = strdup(cfg->missing);
    if (reid_genconf_copy(&c->gen, &cfg->gen) != 0) goto oom;
    if (cfg->nqis) c->qis = calloc(cfg->nqis, sizeof *c->qis);
    if (!c->missing || (cfg->nqis && !c->qis)) goto oom;
    if (cfg->weight && !(c->weight = strdup(cfg->weight))) goto oom;
    if (cfg->id_column && !(c->id_column = strdup(cfg->id_column))) goto oom;
    if (cfg->events && !(c->events = strdup(cfg->events))) goto oom;
    if (cfg->pseudonym_col && !(c->pseudonym_col = strdup(cfg->pseudonym_col))) goto oom;
    if (cfg->nsensitive && !(c->sensitive = calloc(cfg->nsensitive, sizeof *c->sensitive)))
        goto oom;
    for (size_t i = 0; i < cfg->nsensitive; i++) {
        if (!(c->sensitive[i] = strdup(cfg->sensitive[i]))) goto oom;
        c->nsensitive = i + 1;
    }
    if (cfg->population_table && !(c->population_table = strdup(cfg->population_table))) goto oom;
    if (cfg->ndata_dirs && !(c->data_dirs = calloc(cfg->ndata_dirs, sizeof *c->data_dirs)))
        goto oom;
    for (size_t i = 0; i < cfg->ndata_dirs; i++) {
        if (!(c->data_dirs[i] = strdup(cfg->data_dirs[i]))) goto oom;
        c->ndata_dirs = i + 1;
    }
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
    if (has_header < REID_HEADER_NONE || has_header > REID_HEADER_AS_IS)
        return cfg_fail(cfg, "the header setting must be 0 (none), 1 (checked) or 2 (as is)");
    cfg->has_header = has_header != REID_HEADER_NONE;
    cfg->header_as_is = has_header == REID_HEADER_AS_IS;
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
    cfg->require_k_from = k ? REID_GATE_OPTION : REID_GATE_NONE;
    return REID_OK;
}

reid_status reid_config_set_max_uniques(reid_config *cfg, double f)
{
    if (f > 1 || f != f) return cfg_fail(cfg, "the maximum fraction of uniques must be in 0..1");
    cfg->max_uniques = f < 0 ? -1 : f;
    cfg->max_uniques_from = f < 0 ? REID_GATE_NONE : REID_GATE_OPTION;
    return REID_OK;
}

reid_status reid_config_set_max_risk(reid_config *cfg, double r)
{
    if (r > 1 || r != r) return cfg_fail(cfg, "the maximum risk must be in 0..1");
    cfg->max_risk = r < 0 ? -1 : r;
    cfg->max_risk_from = r < 0 ? REID_GATE_NONE : REID_GATE_OPTION;
    return REID_OK;
}

/* The presets (docs/policies.md). k=K is parsed apart. */
/* 0.09 as the guidance writes it is 1/11 rounded: its minimum cell size is 11 */
#define EMA_MAX_RISK (1.0 / 11.0)
#define NHS_SMALL_NUMBERS_K 8
static const char EMA_SOURCE[] =
    "EMA Policy 0070 external guidance (EMA/90915/2016) and Health Canada's guidance on the "
    "public release of clinical information: highest re-identification risk 0.09, i.e. "
    "classes of at least 11 (risk 1/11)";
static const char NHS_SOURCE[] =
    "NHS Digital HES Analysis Guide, disclosure control: counts of 1 to 7 are suppressed";
#define POLICY_NAMES "ema, nhs-small-numbers, k=K (K a whole number, at least 1)"

/* Drop the thresholds the previous policy set; those set directly stay. */
static void clear_policy(reid_config *cfg)
{
    if (cfg->require_k_from == REID_GATE_POLICY) {
        cfg->require_k = 0;
        cfg->require_k_from = REID_GATE_NONE;
    }
    if (cfg->max_uniques_from == REID_GATE_POLICY) {
        cfg->max_uniques = -1;
        cfg->max_uniques_from = REID_GATE_NONE;
    }
    if (cfg->max_risk_from == REID_GATE_POLICY) {
        cfg->max_risk = -1;
        cfg->max_risk_from = REID_GATE_NONE;
    }
    cfg->policy[0] = 0;
    cfg->policy_from[0] = 0;
    cfg->policy_source = NULL;
}

/* "k=K": 1 and *k set if name has that form with a whole K >= 1. */
static int parse_policy_k(const char *name, uint64_t *k)
{
    if ((name[0] != 'k' && name[0] != 'K') || name[1] != '=') return 0;
    const char *p = name + 2;
    uint64_t v = 0;
    if (!*p) return 0;
    for (; *p; p++) {
        if (*p < '0' || *p > '9') return 0;
        unsigned d = (unsigned)(*p - '0');
        if (v > (UINT64_MAX - d) / 10) return 0;
        v = v * 10 + d;
    }
    if (v < 1) return 0;
    *k = v;
    return 1;
}

reid_status reid_config_set_policy(reid_config *cfg, const char *name)
{
    uint64_t k = 0;
    double risk = -1;
    const char *source = NULL;
    char canon[32];
    if (!name || !*name) {
        clear_policy(cfg);
        return REID_OK;
    }
    if (strcasecmp(name, "ema") == 0) {
        risk = EMA_MAX_RISK;
        source = EMA_SOURCE;
        snprintf(canon, sizeof canon, "ema");
    } else if (strcasecmp(name, "nhs-small-numbers") == 0) {
        k = NHS_SMALL_NUMBERS_K;
        source = NHS_SOURCE;
        snprintf(canon, sizeof canon, "nhs-small-numbers");
    } else if (parse_policy_k(name, &k)) {
        snprintf(canon, sizeof canon, "k=%llu", (unsigned long long)k);
    } else {
        return cfg_fail(cfg, "unknown policy '%.64s'; the policies are " POLICY_NAMES, name);
    }
    clear_policy(cfg);
    snprintf(cfg->policy, sizeof cfg->policy, "%s", canon);
    snprintf(cfg->policy_from, sizeof cfg->policy_from, "policy %s", canon);
    cfg->policy_source = source;
    if (k && cfg->require_k_from != REID_GATE_OPTION) {
        cfg->require_k = k;
        cfg->require_k_from = REID_GATE_POLICY;
    }
    if (risk >= 0 && cfg->max_risk_from != REID_GATE_OPTION) {
        cfg->max_risk = risk;
        cfg->max_risk_from = REID_GATE_POLICY;
    }
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

reid_status reid_config_set_chunk_size(reid_config *cfg, size_t bytes)
{
    cfg->chunk_size = bytes;
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

/* *field = a copy of value trimmed, or NULL when that is empty. */
static reid_status set_trimmed(char **field, const char *value)
{
    const char *s = value ? value : "";
    size_t len = strlen(s);
    reid_trim(&s, &len);
    char *v = NULL;
    if (len && !(v = strndup(s, len))) return REID_ERR_NOMEM;
    free(*field);
    *field = v;
    return REID_OK;
}

reid_status reid_config_set_weight(reid_config *cfg, const char *column)
{
    return set_trimmed(&cfg->weight, column);
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

reid_status reid_config_add_sensitive(reid_config *cfg, const char *column)
{
    const char *s = column ? column : "";
    size_t len = strlen(s);
    reid_trim(&s, &len);
    if (!len)
        return cfg_fail(cfg, "a sensitive column needs a name (or a number without a header)");
    for (size_t i = 0; i < cfg->nsensitive; i++)
        if (strlen(cfg->sensitive[i]) == len && memcmp(cfg->sensitive[i], s, len) == 0)
            return cfg_fail(cfg, "the sensitive column '%s' is given twice", cfg->sensitive[i]);
    char **v = realloc(cfg->sensitive, (cfg->nsensitive + 1) * sizeof *v);
    if (!v) return REID_ERR_NOMEM;
    cfg->sensitive = v;
    if (!(v[cfg->nsensitive] = strndup(s, len))) return REID_ERR_NOMEM;
    cfg->nsensitive++;
    return REID_OK;
}

reid_status reid_config_set_recursive_c(reid_config *cfg, double c)
{
    if (!(c > 0) || !isfinite(c))
        return cfg_fail(cfg, "the c of recursive (c, l)-diversity must be a number greater than 0");
    cfg->recursive_c = c;
    return REID_OK;
}

reid_status reid_config_set_suda2(reid_config *cfg, int on)
{
    cfg->suda2 = on != 0;
    return REID_OK;
}

reid_status reid_config_set_suda2_max_msu_size(reid_config *cfg, unsigned n)
{
    cfg->suda2_max_size = n;
    return REID_OK;
}

reid_status reid_config_set_suda2_dis_fraction(reid_config *cfg, double f)
{
    if (!(f > 0 && f <= 1))
        return cfg_fail(cfg, "the DIS-SUDA sampling fraction must be greater than 0 and at most 1");
    cfg->suda2_fraction = f;
    return REID_OK;
}

reid_status reid_config_set_record_positions(reid_config *cfg, int on)
{
    cfg->positions = on != 0;
    return REID_OK;
}

reid_status reid_config_set_attribute_risks(reid_config *cfg, int on, size_t max_size)
{
    cfg->attr_risks = on != 0;
    cfg->max_subset_size = on ? max_size : 0;
    return REID_OK;
}

reid_status reid_config_set_subset_threshold(reid_config *cfg, double f)
{
    if (!(f >= 0 && f < 1))
        return cfg_fail(cfg, "the share of unique records for the attribute risks must be from 0 "
                             "to less than 1");
    cfg->subset_threshold = f;
    return REID_OK;
}

reid_status reid_config_set_population_table(reid_config *cfg, const char *file)
{
    return set_trimmed(&cfg->population_table, file);
}

reid_status reid_config_add_data_dir(reid_config *cfg, const char *dir)
{
    if (!dir || !*dir) return cfg_fail(cfg, "a data directory needs a path");
    char **v = realloc(cfg->data_dirs, (cfg->ndata_dirs + 1) * sizeof *v);
    if (!v) return REID_ERR_NOMEM;
    cfg->data_dirs = v;
    if (!(v[cfg->ndata_dirs] = strdup(dir))) return REID_ERR_NOMEM;
    cfg->ndata_dirs++;
    return REID_OK;
}

reid_status reid_config_set_id(reid_config *cfg, const char *column)
{
    return set_trimmed(&cfg->id_column, column);
}

reid_status reid_config_set_events(reid_config *cfg, const char *list)
{
    const char *s = list ? list : "";
    size_t len = strlen(s);
    reid_trim(&s, &len);
    if (!len) {
        free(cfg->events);
        cfg->events = NULL;
        return REID_OK;
    }
    char *copy = strndup(s, len);
    if (!copy) return REID_ERR_NOMEM;
    reid_event_col *cols;
    size_t n;
    char err[200];
    int rc = reid_events_parse(copy, &cols, &n, err, sizeof err);
    if (rc != 0) {
        free(copy);
        return rc == -2 ? REID_ERR_NOMEM : cfg_fail(cfg, "%s", err);
    }
    reid_events_cols_free(cols, n);
    free(cfg->events);
    cfg->events = copy;
    return REID_OK;
}

reid_status reid_config_set_seed(reid_config *cfg, uint64_t seed)
{
    cfg->seed = seed;
    return REID_OK;
}

reid_status reid_config_set_events_sample(reid_config *cfg, uint64_t n)
{
    if (n < 1) return cfg_fail(cfg, "the unicity sample must hold at least 1 person");
    cfg->events_sample = n;
    return REID_OK;
}

reid_status reid_config_set_pseudonym_check(reid_config *cfg, const char *column)
{
    return set_trimmed(&cfg->pseudonym_col, column);
}

reid_status reid_config_set_pseudonym_sample(reid_config *cfg, uint64_t n)
{
    if (n < 1 || n > 1000000)
        return cfg_fail(cfg, "the pseudonym sample must be from 1 to 1,000,000 values");
    cfg->pseudonym_sample = n;
    return REID_OK;
}

reid_status reid_config_set_pseudonym_seed(reid_config *cfg, uint64_t seed)
{
    cfg->pseudonym_seed = seed;
    return REID_OK;
}

reid_status reid_config_set_nhs_range(reid_config *cfg, uint64_t first, uint64_t last)
{
    if ((first || last) && (first > last || last > 9999999999ull))
        return cfg_fail(cfg, "the NHS-number range must be FIRST-LAST with FIRST <= LAST <= "
                             "9999999999");
    cfg->nhs_first = first;
    cfg->nhs_last = last;
    return REID_OK;
}

reid_status reid_config_set_pseudonym_progress(reid_config *cfg, reid_progress_fn fn, void *user)
{
    cfg->progress = fn;
    cfg->progress_user = user;
    return REID_OK;
}

reid_status reid_config_set_pseudonym_reveal(reid_config *cfg, int reveal)
{
    cfg->pseudonym_reveal = reveal != 0;
    return REID_OK;
}
