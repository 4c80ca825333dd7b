/* genconf.h - the generalisation settings held by reid_config (docs/generalisation.md). */
#ifndef REID_GENCONF_H
#define REID_GENCONF_H

#include <stddef.h>

typedef struct reid_gen_spec {
    char *column; /* as given */
    char *level;  /* a level name or number */
} reid_gen_spec;

typedef struct reid_hier_spec {
    char *column; /* as given */
    char *source; /* the file's name, for messages */
    char *text;   /* its bytes (NUL-terminated copy) */
    size_t len;
} reid_hier_spec;

typedef struct reid_genconf {
    reid_gen_spec *gen; /* reid_config_set_generalise */
    size_t ngen;
    reid_hier_spec *hier; /* reid_config_add_hierarchy */
    size_t nhier;
    int what_if;             /* reid_whatif_mode */
    unsigned long max_nodes; /* lattice bound (0 = the default) */
} reid_genconf;

/* A deep copy into dst (zeroed on failure). 0, or -1 when out of memory. */
int reid_genconf_copy(reid_genconf *dst, const reid_genconf *src);
void reid_genconf_free(reid_genconf *g);

#endif
