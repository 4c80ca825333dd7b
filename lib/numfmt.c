/* numfmt.c - thousands separators and honest percentages. */
#include "numfmt.h"

#include <stdio.h>
#include <string.h>

char *reid_fmt_count(uint64_t v, char *out)
{
    char digits[24];
    int n = snprintf(digits, sizeof digits, "%llu", (unsigned long long)v);
    int j = 0;
    for (int i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0) out[j++] = ',';
        out[j++] = digits[i];
    }
    out[j] = 0;
    return out;
}

char *reid_fmt_percent(double f, char *out, size_t cap)
{
    double p = f * 100;
    if (f > 0 && p < 0.01)
        snprintf(out, cap, "<0.01%%");
    else if (f < 1 && p > 99.99)
        snprintf(out, cap, ">99.99%%");
    else
        snprintf(out, cap, "%.2f%%", p);
    return out;
}
