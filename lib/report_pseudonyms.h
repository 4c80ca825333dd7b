/* report_pseudonyms.h - the pseudonym check's section of the text report. */
#ifndef REID_REPORT_PSEUDONYMS_H
#define REID_REPORT_PSEUDONYMS_H

#include <stdio.h>

#include "reid.h"

void reid_write_pseudonyms_text(const reid_analysis *a, const reid_pseudonyms *r, FILE *o);

#endif
