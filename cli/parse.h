/* parse.h - the option values every reid-check command reads: counts, sizes, fractions,
 * delimiters. Each returns 0, or -1 when the text is not one (the caller names the option). */
#ifndef REID_CLI_PARSE_H
#define REID_CLI_PARSE_H

#include <stddef.h>
#include <stdint.h>

/* A whole number, 0 or more, digits only. */
int cli_parse_u64(const char *s, uint64_t *out);

/* A size in bytes, at least 1, with an optional K, M or G suffix (powers of 1024). */
int cli_parse_size(const char *s, size_t *out);

/* A fraction from 0 to 1, or a percentage such as "5%". */
int cli_parse_fraction(const char *s, double *out);

/* One byte, or "tab" / "\t". */
int cli_parse_delimiter(const char *s, int *out);

#endif
