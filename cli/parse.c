/* parse.c - option values shared by the commands (parse.h). */
#include "parse.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int cli_parse_u64(const char *s, uint64_t *out)
{
    char *end;
    if (!*s || *s == '-') return -1;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end) return -1;
    *out = v;
    return 0;
}

int cli_parse_size(const char *s, size_t *out)
{
    char *end;
    if (!*s || *s == '-') return -1;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s) return -1;
    unsigned long long mult = 1;
    if (*end == 'K' || *end == 'k')
        mult = 1ull << 10, end++;
    else if (*end == 'M' || *end == 'm')
        mult = 1ull << 20, end++;
    else if (*end == 'G' || *end == 'g')
        mult = 1ull << 30, end++;
    if (*end || v == 0 || v > SIZE_MAX / mult) return -1;
    *out = (size_t)(v * mult);
    return 0;
}

int cli_parse_fraction(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s) return -1;
    if (*end == '%') {
        v /= 100;
        end++;
    }
    if (*end || !(v >= 0 && v <= 1)) return -1;
    *out = v;
    return 0;
}

int cli_parse_delimiter(const char *s, int *out)
{
    if (strcasecmp(s, "tab") == 0 || strcmp(s, "\\t") == 0)
        *out = '\t';
    else if (strlen(s) == 1)
        *out = (unsigned char)s[0];
    else
        return -1;
    return 0;
}
