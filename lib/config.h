/* config.h - the configuration object behind reid_config. */
#ifndef REID_CONFIG_H
#define REID_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "genconf.h"
#include "reid.h"

typedef struct reid_qi_spec {
    char *name;        /* as given (trimmed); a column number without a header */
    reid_qi_type type; /* REID_TYPE_AUTO: from the name */
} reid_qi_spec;

struct reid_config {
    reid_qi_spec *qis;
    size_t nqis;
    int has_header;
    int header_as_is; /* take the first row as names even if it looks like data */
    int delimiter;
    char *missing; /* comma-separated */
    uint64_t k;
    uint64_t require_k;
    double max_uniques; /* < 0: none */
    double max_risk;    /* highest prosecutor risk 1/k allowed; < 0: none */
    /* where each gate threshold came from (reid_gate_from) */
    reid_gate_from require_k_from, max_uniques_from, max_risk_from;
    char policy[32];           /* the policy's name, "" = none */
    char policy_from[40];      /* "policy NAME" */
    const char *policy_source; /* its citation (static), NULL for k=K or none */
    int skip_bad_rows;
    size_t max_field_size;
    int strict_quotes;
    unsigned threads;         /* 0 = one per core */
    size_t chunk_size;        /* parallel parsing: bytes per chunk (0 = never split) */
    uint64_t input_size;      /* bytes, 0 = unknown */
    uint64_t max_memory;      /* bytes, 0 = no limit */
    uint64_t population_size; /* N, 0 = not given */
    double sampling_fraction; /* F, 0 = not given (N = n / F at the end) */
    char *weight;             /* the sampling-weight column (name, or number without a header) */
    double risk_threshold;    /* individual risk above which a record is counted (default 0.1) */
    int missing_any;          /* a missing value matches anything (sdcMicro's freqCalc rule) */
    double missing_alpha;     /* with missing_any: weight of the partly-missing matches (0..1) */
    char **sensitive;         /* sensitive columns (names, or numbers without a header) */
    size_t nsensitive;
    double recursive_c; /* c of recursive (c, l)-diversity (default 2) */

    int suda2;               /* SUDA2 special uniques (docs/suda2.md) */
    unsigned suda2_max_size; /* largest MSU size searched, 0 = all */
    double suda2_fraction;   /* DIS-SUDA's sampling fraction (default 0.01) */
    int positions;           /* keep each class' first record number and line */
    int attr_risks;          /* attribute risks: every subset of the QIs (docs/attribute-risk.md) */
    size_t max_subset_size;  /* largest subset; 0 = all up to 12 QIs, else 3 */
    double subset_threshold; /* text report: subsets making more than this fraction unique */

    char *population_table; /* a file or a built-in name (docs/population-table.md); NULL = none */
    char **data_dirs;       /* where built-in population tables are looked for first */
    size_t ndata_dirs;
    reid_genconf gen; /* --generalise, --hierarchy, --what-if (genconf.h) */

    char *id_column;           /* the pseudonym column (--id; name, or number without a header) */
    char *events;              /* event columns "COL[:TYPE],..." (--events), NULL = none */
    uint64_t seed;             /* of the unicity estimate's random choices (default 1) */
    uint64_t events_sample;    /* people sampled for it (default REID_DEFAULT_EVENTS_SAMPLE) */
    char *pseudonym_col;       /* the pseudonym column to check (docs/pseudonyms.md), or NULL */
    uint64_t pseudonym_sample; /* distinct values sampled */
    uint64_t pseudonym_seed;   /* the sample's seed */
    uint64_t nhs_first, nhs_last; /* the NHS numbers searched; 0, 0 = all */
    int pseudonym_reveal;         /* the writers print the numbers found */
    reid_progress_fn progress;    /* the search's progress, or NULL */
    void *progress_user;
    char error[256];
};

/* A deep copy, or NULL when out of memory. */
reid_config *reid_config_copy(const reid_config *cfg);

#endif
