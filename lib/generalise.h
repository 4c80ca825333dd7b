/* generalise.h - each QI's hierarchy, and the levels applied before counting (generalisation.md).
 */
#ifndef REID_GENERALISE_H
#define REID_GENERALISE_H

#include "analysis.h"

/* Once the QIs and the counter are set up: give every QI its hierarchy (a user one from the
 * configuration, or the built-in one for its type), resolve reid_config_set_generalise and hand
 * the levels to the counter. 0, or -1 with a->err set. */
int reid_generalise_setup(reid_analysis *a);

/* After the counting: the records each hierarchy could not read; an input error if a value is
 * missing from a user hierarchy. 0, or -1 with a->err set. */
int reid_generalise_finish(reid_analysis *a);

/* Before reid_merge adds src to dst: both must have applied the same levels (REID_ERR_CONFIG
 * otherwise, -1); then src's unreadable-record counts are added to dst's. 0 or -1. */
int reid_generalise_merge(reid_analysis *dst, const reid_analysis *src);

void reid_generalise_free(reid_analysis *a);

#endif
