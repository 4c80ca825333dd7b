/* report_whatif.h - the report sections of generalisation and the what-if lattice. */
#ifndef REID_REPORT_WHATIF_H
#define REID_REPORT_WHATIF_H

#include <jansson.h>
#include <stdio.h>

#include "reid.h"

/* Text: the levels applied before counting (nothing when none). */
void reid_text_generalisation(const reid_analysis *a, FILE *o);
/* Text: the what-if lattice (nothing without --what-if). */
void reid_text_whatif(const reid_analysis *a, FILE *o);

/* JSON: "generalisation" (an array) and "what_if" (an object); NULL when there is none, and
 * *failed set when out of memory. */
json_t *reid_json_generalisation(const reid_analysis *a, int *failed);
json_t *reid_json_whatif(const reid_analysis *a, int *failed);

#endif
