/* report_suda2.h - the SUDA2 sections of the text and JSON reports (docs/suda2.md). */
#ifndef REID_REPORT_SUDA2_H
#define REID_REPORT_SUDA2_H

#include <jansson.h>
#include <stdio.h>

#include "reid.h"

/* The text section, when SUDA2 ran (nothing otherwise). */
void reid_suda2_write_text(const reid_analysis *a, FILE *o);

/* The "suda2" object, or NULL when out of memory. */
json_t *reid_suda2_json(const reid_analysis *a);

#endif
