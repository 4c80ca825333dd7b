/*
 * make_census_table.c - builds data/reference/uk-census-2011.csv, the population table behind
 * `--population-table uk-census-2011` (docs/population-table.md), from two ONS Census 2011 tables
 * by postcode sector, England and Wales:
 *
 *   KS102EW  residents per sector in 16 age bands (columns 6 to 21)
 *   KS101EW  residents per sector: males (column 6) and females (column 7)
 *
 * The census gives age and sex separately, so the table assumes that a sector's sex ratio holds in
 * every age band: of the B residents of a band in a sector with M males and F females,
 * males = round(B * M / (M + F)) (halves rounded up, in exact integer arithmetic) and
 * females = B - males. Every band keeps its census total exactly; a sector's males and females
 * add up to the census figures only approximately. Cells with a count of 0 are left out.
 * Sector codes ("AL1  1") are written with one space ("AL1 1").
 *
 * Usage: make_census_table KS102EW.csv KS101EW.csv OUT.csv
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NBANDS 16
#define MAXF 32

static const char *const bands[NBANDS] = {"0-4",   "5-7",   "8-9",   "10-14", "15",    "16-17",
                                          "18-19", "20-24", "25-29", "30-44", "45-59", "60-64",
                                          "65-74", "75-84", "85-89", "90+"};

/* Split a line of the Nomis CSV (no commas inside fields) and drop the quotes. */
static int split(char *line, char **f)
{
    int n = 0;
    char *save = NULL;
    for (char *t = strtok_r(line, ",\r\n", &save); t && n < MAXF;
         t = strtok_r(NULL, ",\r\n", &save)) {
        size_t len = strlen(t);
        if (len >= 2 && t[0] == '"' && t[len - 1] == '"') {
            t[len - 1] = 0;
            t++;
        }
        f[n++] = t;
    }
    return n;
}

static int number(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end) return -1;
    *out = v;
    return 0;
}

/* "AL1  1" -> "AL1 1" */
static void sector(const char *s, char *out, size_t cap)
{
    size_t n = 0;
    for (; *s && n + 1 < cap; s++) {
        if (*s == ' ') {
            if (n && out[n - 1] != ' ') out[n++] = ' ';
        } else {
            out[n++] = *s;
        }
    }
    while (n && out[n - 1] == ' ')
        n--;
    out[n] = 0;
}

typedef struct sex_row {
    char code[16];
    uint64_t males, females;
} sex_row;

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: make_census_table KS102EW.csv KS101EW.csv OUT.csv\n");
        return 2;
    }
    FILE *age = fopen(argv[1], "r"), *sexf = fopen(argv[2], "r");
    if (!age || !sexf) {
        fprintf(stderr, "make_census_table: cannot open %s\n", !age ? argv[1] : argv[2]);
        return 2;
    }
    char line[4096], *f[MAXF];
    sex_row *rows = NULL;
    size_t nrows = 0, cap = 0;
    int lineno = 0;
    while (fgets(line, sizeof line, sexf)) {
        if (++lineno == 1) continue;
        int n = split(line, f);
        sex_row r;
        if (n < 7 || number(f[5], &r.males) || number(f[6], &r.females)) {
            fprintf(stderr, "make_census_table: %s: line %d is not a KS101EW row\n", argv[2],
                    lineno);
            return 2;
        }
        sector(f[2], r.code, sizeof r.code);
        if (nrows == cap) {
            cap = cap ? 2 * cap : 1024;
            rows = realloc(rows, cap * sizeof *rows);
            if (!rows) return 3;
        }
        rows[nrows++] = r;
    }
    fclose(sexf);
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", argv[3]);
    FILE *out = fopen(tmp, "w");
    if (!out) {
        fprintf(stderr, "make_census_table: cannot write %s\n", tmp);
        return 2;
    }
    fprintf(out, "postcode:sector,sex:mf,age:census-band,count\n");
    lineno = 0;
    size_t next = 0;
    while (fgets(line, sizeof line, age)) {
        if (++lineno == 1) continue;
        int n = split(line, f);
        uint64_t b[NBANDS];
        int ok = n >= 5 + NBANDS;
        for (int i = 0; ok && i < NBANDS; i++)
            ok = number(f[5 + i], &b[i]) == 0;
        if (!ok) {
            fprintf(stderr, "make_census_table: %s: line %d is not a KS102EW row\n", argv[1],
                    lineno);
            return 2;
        }
        char code[16];
        sector(f[2], code, sizeof code);
        /* both files list the sectors in the same order; look further only if not */
        size_t k = next < nrows && strcmp(rows[next].code, code) == 0 ? next : nrows;
        for (size_t j = 0; k == nrows && j < nrows; j++)
            if (strcmp(rows[j].code, code) == 0) k = j;
        if (k == nrows) {
            fprintf(stderr, "make_census_table: sector %s is not in %s\n", code, argv[2]);
            return 2;
        }
        next = k + 1;
        uint64_t m = rows[k].males, t = rows[k].males + rows[k].females;
        if (t == 0) continue;
        uint64_t males[NBANDS];
        for (int i = 0; i < NBANDS; i++)
            males[i] = (2 * b[i] * m + t) / (2 * t);
        for (int i = 0; i < NBANDS; i++)
            if (males[i]) fprintf(out, "%s,M,%s,%" PRIu64 "\n", code, bands[i], males[i]);
        for (int i = 0; i < NBANDS; i++)
            if (b[i] - males[i])
                fprintf(out, "%s,F,%s,%" PRIu64 "\n", code, bands[i], b[i] - males[i]);
    }
    fclose(age);
    free(rows);
    if (fclose(out) != 0 || rename(tmp, argv[3]) != 0) {
        fprintf(stderr, "make_census_table: cannot write %s\n", argv[3]);
        remove(tmp);
        return 2;
    }
    return 0;
}
