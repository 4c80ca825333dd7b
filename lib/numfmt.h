/* numfmt.h - numbers for people: thousands separators, percentages. */
#ifndef REID_NUMFMT_H
#define REID_NUMFMT_H

#include <stddef.h>
#include <stdint.h>

/* "30,162" into out (at least 27 bytes); returns out. */
char *reid_fmt_count(uint64_t v, char *out);

/* A percentage with enough digits to not read as 0 or 100 when it is not: "0.21%", "<0.01%". */
char *reid_fmt_percent(double fraction, char *out, size_t cap);

#endif
