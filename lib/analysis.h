/* analysis.h - the state behind reid_analysis (internal). */
#ifndef REID_ANALYSIS_H
#define REID_ANALYSIS_H

#include "classtable.h"
#include "counter.h"
#include "config.h"
#include "dict.h"
#include "error.h"
#include "hierarchy.h"
#include "longitudinal.h"
#include "normalise.h"
#include "people.h"
#include "pseudosniff.h"
#include "pseudonym.h"
#include "reader.h"
#include "subsets.h"
#include "reid.h"
#include "suda2.h"

/* After this many records the input's size gives the number of records to size the table for. */
#define REID_SIZE_SAMPLE 65536

typedef struct reid_qi {
    char *name;
    size_t col; /* 0-based */
    reid_qi_type type;
    char reason[200];
    uint64_t missing;
    uint64_t unrecognised;
    reid_dict dict;
} reid_qi;

/* A sensitive column (docs/sensitive.md). */
typedef struct reid_sens {
    char *name;
    size_t col; /* 0-based */
    uint64_t missing;
    reid_dict dict;     /* its values -> ids (0 = missing) */
    reid_pairlog pairs; /* (class index, value id) -> records, for the values not first */
    reid_sensitive res;
} reid_sens;

/* A warning about how to read the figures (reid_warning_count). */
typedef struct reid_warn {
    const char *code;
    char message[400];
} reid_warn;

typedef struct reid_note {
    char *name;
    char note[200];
} reid_note;

struct reid_analysis {
    reid_config *cfg;
    char *source;
    reid_error err;
    reid_reader reader;
    reid_missing_set missing;
    int finished;

    int have_layout;
    char **names; /* the header (trimmed), or "column N" */
    size_t ncols;

    reid_qi *qi;
    size_t nq;
    unsigned char *keep;
    reid_note *notes;
    size_t nnotes;

    reid_classtable table;
    reid_dict **dicts;   /* &qi[j].dict, for the counter */
    reid_qi_type *types; /* qi[j].type, for the counter */
    reid_counter counter;
    int counter_ready;
    unsigned threads; /* resolved: the configured number, or the number of cores */
    uint64_t skipped;
    uint64_t data_rows;        /* records handed to the counter */
    uint64_t parallel_records; /* ... of which read in chunks on several threads (parallel.c) */
    void *par_slots;           /* parallel.c: chunks in flight and their batches, kept */
    size_t par_nslots;
    int par_parity; /* parallel.c: chunk boundaries by quote parity (once a chunk was not clean) */
    reid_release_fn release; /* told of the bytes of a fed buffer parallel.c is done with */
    void *release_user;
    char first_skip[REID_ERRMSG_MAX];

    reid_summary sum;
    reid_population pop;
    int have_pop;      /* pop is computed (a population size or sampling fraction was given) */
    int weighted;      /* a weight column was given */
    size_t weight_col; /* its 0-based index */
    reid_individual_risk indiv;
    reid_hist_entry *hist; /* exact-match classes by size */
    size_t nhist;
    double *fk;             /* "matches_any": per class, the wildcard frequencies (wildcard.h) */
    double *Fk;             /* ... and weighted ones (with weights only) */
    size_t fk_bytes;        /* the size of fk and of Fk (reid_big_alloc) */
    reid_fk_entry *fk_hist; /* ... and the histogram of fk */
    size_t nfk_hist;
    reid_sens *sens; /* the sensitive columns, in the order given */
    size_t nsens;
    reid_dict **sdicts;      /* &sens[m].dict, for the counter */
    reid_pairlog **spairs;   /* &sens[m].pairs */
    int have_sens;           /* sens[m].res are computed */
    int merged;              /* another analysis was merged in (reid_merge) */
    reid_suda2_result suda2; /* SUDA2 (docs/suda2.md) */
    int have_suda2;          /* suda2 is computed */
    reid_subsets subsets;    /* attribute risks (docs/attribute-risk.md), when asked for */

    struct reid_poptable *poptable; /* the population table (docs/population-table.md), or NULL */
    int have_poptable;              /* poptable->res is computed */
    pthread_t pt_thread;            /* reads the table's rows while the extract is counted */
    int pt_reading;                 /* pt_thread runs (until joined) */
    int pt_rc;                      /* its result, and its error: */
    reid_error pt_err;

    /* generalisation and the what-if lattice (generalise.c, whatif.c) */
    reid_hierarchy *hier;      /* [nq]: each QI's hierarchy (generalise.c) */
    unsigned *gen_level;       /* [nq]: the level applied before counting (0 = none) */
    reid_generalisation *gens; /* those given (reid_config_set_generalise), in order */
    size_t *gen_qi;            /* [ngens]: their QI */
    size_t ngens;
    char (*level_names)[16];          /* [nq * REID_HIER_MAX_LEVELS]: for reid_level_name */
    struct reid_whatif_state *whatif; /* whatif.c */
    reid_pcheck *pcheck; /* the pseudonym reversal check (docs/pseudonyms.md), or NULL */
    int have_pcheck;     /* pcheck->res is computed */
    double t0;
    /* people (--id; docs/people.md) */
    int have_id;                  /* a pseudonym column was given */
    size_t id_col;                /* its 0-based index */
    long sex_col, dob_col;        /* 0-based sex / date-of-birth columns by name, or -1 */
    reid_people_counter people_c; /* counted on the counter's thread */
    int people_ready;             /* people_c is initialised */
    reid_people people;
    int have_people;         /* people is computed */
    reid_pseudo_sniff sniff; /* without --id: columns that look like pseudonyms */
    int sniffing;
    reid_warn *warnings;
    size_t nwarnings;
    /* trails of events (--events; docs/longitudinal.md) */
    reid_event_col *evcols; /* parsed from the configuration, until the counter takes them */
    size_t nevcols;
    reid_events_counter events_c;
    int events_ready; /* events_c is initialised */
    reid_longitudinal lon;
    int have_lon; /* lon is computed (once: the triples are sorted in place) */
};

#endif
