/* hierarchy.c - built-in generalisation hierarchies and ARX-format user hierarchies. */
#include "hierarchy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "normalise.h"

static const char *const POSTCODE_LEVELS[] = {"unit", "sector", "district", "area", "suppressed"};
static const char *const AGE_LEVELS[] = {"exact", "5y", "10y", "20y", "suppressed"};
static const char *const DOB_LEVELS[] = {"day", "month", "year", "5y"};
static const char *const DATE_LEVELS[] = {"day", "week", "month", "year"};
static const char *const ICD10_LEVELS[] = {"code", "category", "block", "chapter"};
static const char *const SUPPRESS_LEVELS[] = {"kept", "suppressed"};

static const char *const *level_names(reid_hier_kind k)
{
    switch (k) {
    case REID_HIER_POSTCODE:
        return POSTCODE_LEVELS;
    case REID_HIER_AGE:
        return AGE_LEVELS;
    case REID_HIER_DOB:
        return DOB_LEVELS;
    case REID_HIER_DATE:
        return DATE_LEVELS;
    case REID_HIER_ICD10:
        return ICD10_LEVELS;
    case REID_HIER_SUPPRESS:
        return SUPPRESS_LEVELS;
    case REID_HIER_USER:
        break;
    }
    return NULL;
}

void reid_hierarchy_builtin(reid_hierarchy *h, reid_qi_type type, int dob)
{
    memset(h, 0, sizeof *h);
    switch (type) {
    case REID_TYPE_POSTCODE:
        h->kind = REID_HIER_POSTCODE, h->levels = 5;
        break;
    case REID_TYPE_AGE:
        h->kind = REID_HIER_AGE, h->levels = 5;
        break;
    case REID_TYPE_DATE:
        h->kind = dob ? REID_HIER_DOB : REID_HIER_DATE, h->levels = 4;
        break;
    case REID_TYPE_CODE:
        h->kind = REID_HIER_ICD10, h->levels = 4;
        break;
    default:
        h->kind = REID_HIER_SUPPRESS, h->levels = 2;
        break;
    }
}

const char *reid_hierarchy_name(const reid_hierarchy *h)
{
    static const char *const names[] = {"suppress", "postcode", "age", "dob",
                                        "date",     "icd10",    "user"};
    return names[h->kind];
}

const char *reid_hierarchy_level_name(const reid_hierarchy *h, unsigned level, char buf[16])
{
    const char *const *n = level_names(h->kind);
    if (n && level < h->levels) return n[level];
    snprintf(buf, 16, "%u", level);
    return buf;
}

int reid_hierarchy_level_find(const reid_hierarchy *h, const char *name, unsigned *level)
{
    const char *const *n = level_names(h->kind);
    for (unsigned l = 0; n && l < h->levels; l++)
        if (strcasecmp(n[l], name) == 0) {
            *level = l;
            return 0;
        }
    char *end;
    unsigned long v = strtoul(name, &end, 10);
    if (end == name || *end || v >= h->levels || name[0] == '-' || name[0] == '+') return -1;
    *level = (unsigned)v;
    return 0;
}

void reid_hierarchy_level_list(const reid_hierarchy *h, char *out, size_t cap)
{
    size_t used = 0;
    out[0] = 0;
    for (unsigned l = 0; l < h->levels && used < cap; l++) {
        char b[16];
        int w = snprintf(out + used, cap - used, "%s%s", l ? "|" : "",
                         reid_hierarchy_level_name(h, l, b));
        if (w < 0) break;
        used += (size_t)w;
    }
}

/* ---- built-in levels ---- */

static int digit(char c)
{
    return c >= '0' && c <= '9';
}

/* "lo-hi" into buf. */
static size_t band(unsigned lo, unsigned hi, char *buf)
{
    return (size_t)snprintf(buf, REID_HIER_BUF, "%u-%u", lo, hi);
}

static const char *postcode(unsigned level, const char *s, size_t len, char *buf, size_t *n,
                            int *parsed)
{
    char tmp[REID_HIER_BUF];
    int ok = 0;
    /* the canonical form is what the normaliser writes back unchanged */
    if (len + REID_NORM_EXTRA <= sizeof tmp) {
        size_t m = reid_normalise(REID_TYPE_POSTCODE, s, len, tmp, &ok);
        ok = ok && m == len && memcmp(tmp, s, len) == 0;
    }
    *parsed = ok;
    if (!ok) {
        *n = len;
        return s;
    }
    size_t out = len - 4; /* the outward code, before the space */
    switch (level) {
    case 1:
        *n = len - 2; /* "SW1A 1" */
        return s;
    case 2:
        *n = out;
        return s;
    case 3: {
        size_t a = 0;
        while (a < out && !digit(s[a]))
            a++;
        *n = a;
        return s;
    }
    default:
        break;
    }
    (void)buf;
    *n = len;
    return s;
}

static const char *age(unsigned level, const char *s, size_t len, char *buf, size_t *n, int *parsed)
{
    unsigned v = 0;
    int ok = len > 0 && len <= 6;
    for (size_t i = 0; ok && i < len; i++) {
        ok = digit(s[i]);
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    *parsed = ok;
    if (!ok || level == 0) {
        *n = len;
        return s;
    }
    static const unsigned width[] = {1, 5, 10, 20};
    unsigned w = width[level];
    *n = band(v / w * w, v / w * w + w - 1, buf);
    return buf;
}

/* An ISO date "YYYY-MM-DD" as normalise.c writes it. */
static int iso_date(const char *s, size_t len, int *y, int *m, int *d)
{
    if (len != 10 || s[4] != '-' || s[7] != '-') return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !digit(s[i])) return 0;
    *y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    *m = (s[5] - '0') * 10 + (s[6] - '0');
    *d = (s[8] - '0') * 10 + (s[9] - '0');
    return *m >= 1 && *m <= 12 && *d >= 1 && *d <= 31;
}

static const char *date(int dob, unsigned level, const char *s, size_t len, char *buf, size_t *n,
                        int *parsed)
{
    int y, m, d;
    *parsed = iso_date(s, len, &y, &m, &d);
    if (!*parsed || level == 0) {
        *n = len;
        return s;
    }
    if (dob) { /* day | month | year | 5y */
        if (level == 1) *n = 7;
        if (level == 2) *n = 4;
        if (level <= 2) return s;
        *n = band((unsigned)(y / 5 * 5), (unsigned)(y / 5 * 5 + 4), buf);
        return buf;
    }
    /* day | week of the month | month | year */
    if (level == 1) {
        memcpy(buf, s, 7);
        *n = 7 + (size_t)snprintf(buf + 7, REID_HIER_BUF - 7, "-W%d", (d - 1) / 7 + 1);
        return buf;
    }
    *n = level == 2 ? 7 : 4;
    return s;
}

/* ---- ICD-10 ---- */

/* The blocks with admissions in NHS England's HES APC 2023-24 primary diagnosis summary
 * (data/reference/hes_apc_primary_diagnosis_summary_2023_24.csv, column 1). */
static const char BLOCKS[][8] = {
    "A00-A09", "A15-A19", "A20-A28", "A30-A49", "A50-A64", "A65-A69", "A70-A74", "A75-A79",
    "A80-A89", "A92-A99", "B00-B09", "B15-B19", "B20-B24", "B25-B34", "B35-B49", "B50-B64",
    "B65-B83", "B85-B89", "B95-B98", "B99-B99", "C00-C14", "C15-C26", "C30-C39", "C40-C41",
    "C43-C44", "C45-C49", "C50-C50", "C51-C58", "C60-C63", "C64-C68", "C69-C72", "C73-C75",
    "C76-C80", "C81-C96", "C97-C97", "D00-D09", "D10-D36", "D37-D48", "D50-D53", "D55-D59",
    "D60-D64", "D65-D69", "D70-D77", "D80-D89", "E00-E07", "E10-E14", "E15-E16", "E20-E35",
    "E40-E46", "E50-E64", "E65-E68", "E70-E90", "F00-F09", "F10-F19", "F20-F29", "F30-F39",
    "F40-F48", "F50-F59", "F60-F69", "F70-F79", "F80-F89", "F90-F98", "F99-F99", "G00-G09",
    "G10-G14", "G20-G26", "G30-G32", "G35-G37", "G40-G47", "G50-G59", "G60-G64", "G70-G73",
    "G80-G83", "G90-G99", "H00-H06", "H10-H13", "H15-H22", "H25-H28", "H30-H36", "H40-H42",
    "H43-H45", "H46-H48", "H49-H52", "H53-H54", "H55-H59", "H60-H62", "H65-H75", "H80-H83",
    "H90-H95", "I00-I02", "I05-I09", "I10-I15", "I20-I25", "I26-I28", "I30-I52", "I60-I69",
    "I70-I79", "I80-I89", "I95-I99", "J00-J06", "J09-J18", "J20-J22", "J30-J39", "J40-J47",
    "J60-J70", "J80-J84", "J85-J86", "J90-J94", "J95-J99", "K00-K14", "K20-K31", "K35-K38",
    "K40-K46", "K50-K52", "K55-K64", "K65-K67", "K70-K77", "K80-K87", "K90-K93", "L00-L08",
    "L10-L14", "L20-L30", "L40-L45", "L50-L54", "L55-L59", "L60-L75", "L80-L99", "M00-M25",
    "M30-M36", "M40-M54", "M60-M79", "M80-M94", "M95-M99", "N00-N08", "N10-N16", "N17-N19",
    "N20-N23", "N25-N29", "N30-N39", "N40-N51", "N60-N64", "N70-N77", "N80-N98", "N99-N99",
    "O00-O08", "O10-O16", "O20-O29", "O30-O48", "O60-O75", "O80-O84", "O85-O92", "O94-O99",
    "P00-P04", "P05-P08", "P10-P15", "P20-P29", "P35-P39", "P50-P61", "P70-P74", "P75-P78",
    "P80-P83", "P90-P96", "Q00-Q07", "Q10-Q18", "Q20-Q28", "Q30-Q34", "Q35-Q37", "Q38-Q45",
    "Q50-Q56", "Q60-Q64", "Q65-Q79", "Q80-Q89", "Q90-Q99", "R00-R09", "R10-R19", "R20-R23",
    "R25-R29", "R30-R39", "R40-R46", "R47-R49", "R50-R69", "R70-R79", "R80-R82", "R83-R89",
    "R90-R94", "R95-R99", "S00-S09", "S10-S19", "S20-S29", "S30-S39", "S40-S49", "S50-S59",
    "S60-S69", "S70-S79", "S80-S89", "S90-S99", "T00-T07", "T08-T14", "T15-T19", "T20-T32",
    "T33-T35", "T36-T50", "T51-T65", "T66-T78", "T79-T79", "T80-T88", "T90-T98", "U00-U49",
    "U82-U85", "Z00-Z13", "Z20-Z29", "Z30-Z39", "Z40-Z54", "Z55-Z65", "Z70-Z76", "Z80-Z99"};

/* ICD-10 (WHO 2019) chapters I to XXII, by their ranges of 3-character categories. */
static const char CHAPTERS[][8] = {"A00-B99", "C00-D48", "D50-D89", "E00-E90", "F00-F99", "G00-G99",
                                   "H00-H59", "H60-H95", "I00-I99", "J00-J99", "K00-K93", "L00-L99",
                                   "M00-M99", "N00-N99", "O00-O99", "P00-P96", "Q00-Q99", "R00-R99",
                                   "S00-T98", "V01-Y98", "Z00-Z99", "U00-U85"};

/* The range among n sorted (except the last chapter) ranges holding category c, or NULL. */
static const char *range_of(const char (*r)[8], size_t n, const char *c)
{
    for (size_t i = 0; i < n; i++)
        if (memcmp(c, r[i], 3) >= 0 && memcmp(c, r[i] + 4, 3) <= 0) return r[i];
    return NULL;
}

static const char *icd10(unsigned level, const char *s, size_t len, size_t *n, int *parsed)
{
    *parsed = len >= 3 && s[0] >= 'A' && s[0] <= 'Z' && digit(s[1]) && digit(s[2]);
    if (!*parsed || level == 0) {
        *n = len;
        return s;
    }
    *n = 3;
    if (level == 1) return s;
    const char *b = range_of(BLOCKS, sizeof BLOCKS / sizeof BLOCKS[0], s);
    if (level == 2) {
        if (!b) { /* a category in no block: kept as its own group */
            *parsed = 0;
            return s;
        }
        *n = 7; /* always a range, "N99-N99" too (the HES file writes that one "N99") */
        return b;
    }
    const char *c = range_of(CHAPTERS, sizeof CHAPTERS / sizeof CHAPTERS[0], s);
    if (!c) { /* in no chapter: what the block level gave */
        *parsed = 0;
        if (b) *n = 7;
        return b ? b : s;
    }
    *n = 7;
    return c;
}

/* ---- applying a level ---- */

static const char *user_apply(const reid_hierarchy *h, unsigned level, const char *s, size_t len,
                              size_t *n, int *parsed)
{
    uint32_t id;
    if (!h->bound || !reid_dict_find(&h->index, s, len, &id)) {
        *parsed = 0;
        *n = 0;
        return NULL;
    }
    *parsed = 1;
    if (level == 0) {
        *n = len;
        return s;
    }
    uint32_t row = h->index_row[id];
    return reid_dict_value(&h->level_values[level], h->row_ids[(size_t)row * h->levels + level], n);
}

const char *reid_hierarchy_apply(const reid_hierarchy *h, unsigned level, const char *s, size_t len,
                                 char *buf, size_t *out_len, int *parsed)
{
    if (h->kind == REID_HIER_USER) return user_apply(h, level, s, len, out_len, parsed);
    int top_suppressed =
        h->kind == REID_HIER_POSTCODE || h->kind == REID_HIER_AGE || h->kind == REID_HIER_SUPPRESS;
    if (top_suppressed && level == h->levels - 1) {
        if (h->kind != REID_HIER_SUPPRESS) {
            /* still say whether the value could be read */
            size_t n;
            reid_hierarchy_apply(h, 0, s, len, buf, &n, parsed);
        } else {
            *parsed = 1;
        }
        *out_len = 1;
        return "*";
    }
    switch (h->kind) {
    case REID_HIER_POSTCODE:
        return postcode(level, s, len, buf, out_len, parsed);
    case REID_HIER_AGE:
        return age(level, s, len, buf, out_len, parsed);
    case REID_HIER_DOB:
    case REID_HIER_DATE:
        return date(h->kind == REID_HIER_DOB, level, s, len, buf, out_len, parsed);
    case REID_HIER_ICD10:
        return icd10(level, s, len, out_len, parsed);
    default:
        break;
    }
    *parsed = 1;
    *out_len = len;
    return s;
}

/* ---- user hierarchies ---- */

void reid_hierarchy_free(reid_hierarchy *h)
{
    if (h->level_values)
        for (unsigned l = 0; l < h->levels; l++)
            reid_dict_free(&h->level_values[l]);
    free(h->level_values);
    free(h->row_ids);
    if (h->bound) reid_dict_free(&h->index);
    free(h->index_row);
    free(h->source);
    memset(h, 0, sizeof *h);
}

/* Fields of the line p[0..n) split at ';' into f/fl (at most max); returns how many. */
static size_t split(const char *p, size_t n, const char **f, size_t *fl, size_t max)
{
    size_t k = 0, start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || p[i] == ';') {
            if (k < max) {
                f[k] = p + start;
                fl[k] = i - start;
            }
            k++;
            start = i + 1;
        }
    }
    return k;
}

int reid_hierarchy_parse(reid_hierarchy *h, const char *source, const char *text, size_t len,
                         char *err, size_t cap)
{
    memset(h, 0, sizeof *h);
    h->kind = REID_HIER_USER;
    if (!(h->source = strdup(source))) return -2;
    const char *f[REID_HIER_MAX_LEVELS];
    size_t fl[REID_HIER_MAX_LEVELS];
    uint32_t *parent[REID_HIER_MAX_LEVELS] = {0}; /* level l id -> level l+1 id (+1; 0 = none) */
    uint32_t *pline[REID_HIER_MAX_LEVELS] = {0};  /* ... and the line that set it */
    size_t pcap[REID_HIER_MAX_LEVELS] = {0};
    size_t rcap = 0;
    int rc = 0;
    uint64_t line = 0;
    size_t pos = 0;
    while (rc == 0 && pos < len) {
        line++;
        size_t e = pos;
        while (e < len && text[e] != '\n')
            e++;
        size_t n = e - pos;
        const char *p = text + pos;
        pos = e + 1;
        if (n && p[n - 1] == '\r') n--;
        if (n == 0) continue;
        size_t k = split(p, n, f, fl, REID_HIER_MAX_LEVELS);
        if (k > REID_HIER_MAX_LEVELS || k < 2) {
            snprintf(err, cap,
                     "%s: line %llu: %zu level%s; a hierarchy has 2 to %d (one column per level, "
                     "separated by ';')",
                     source, (unsigned long long)line, k, k == 1 ? "" : "s", REID_HIER_MAX_LEVELS);
            rc = -1;
            break;
        }
        if (!h->levels) {
            h->levels = (unsigned)k;
            if (!(h->level_values = calloc(k, sizeof *h->level_values))) return -2;
            for (size_t l = 0; l < k; l++)
                if (reid_dict_init(&h->level_values[l]) != 0) rc = -2;
            if (rc) break;
        } else if (k != h->levels) {
            /* the column where the row first differs: the first one missing, or the first extra */
            snprintf(err, cap,
                     "%s: line %llu, column %zu: %zu levels, but the first row has %u; every row "
                     "needs one column per level",
                     source, (unsigned long long)line, (k < h->levels ? k : h->levels) + 1, k,
                     h->levels);
            rc = -1;
            break;
        }
        if ((size_t)h->nrows + 1 > rcap) {
            rcap = rcap ? rcap * 2 : 256;
            uint32_t *r = realloc(h->row_ids, rcap * h->levels * sizeof *r);
            if (!r) {
                rc = -2;
                break;
            }
            h->row_ids = r;
        }
        uint32_t *ids = h->row_ids + (size_t)h->nrows * h->levels;
        for (size_t l = 0; rc == 0 && l < k; l++) {
            const char *v = f[l];
            size_t vl = fl[l];
            reid_trim(&v, &vl);
            if (vl == 0) {
                snprintf(err, cap, "%s: line %llu, column %zu: empty value", source,
                         (unsigned long long)line, l + 1);
                rc = -1;
            } else if (l == 0 && reid_dict_find(&h->level_values[0], v, vl, &ids[0])) {
                snprintf(err, cap, "%s: line %llu, column 1: the value is given twice", source,
                         (unsigned long long)line);
                rc = -1;
            } else if (reid_dict_intern(&h->level_values[l], v, vl, &ids[l]) != 0) {
                rc = -2;
            }
        }
        /* each value has one parent at the next level */
        for (size_t l = 0; rc == 0 && l + 1 < k; l++) {
            if (ids[l] >= pcap[l]) {
                size_t c = pcap[l] ? pcap[l] : 256;
                while (c <= ids[l])
                    c *= 2;
                uint32_t *np = realloc(parent[l], c * sizeof *np);
                uint32_t *nl = np ? realloc(pline[l], c * sizeof *nl) : NULL;
                if (np) parent[l] = np;
                if (!nl) {
                    rc = -2;
                    break;
                }
                pline[l] = nl;
                memset(parent[l] + pcap[l], 0, (c - pcap[l]) * sizeof *np);
                pcap[l] = c;
            }
            uint32_t *pp = &parent[l][ids[l]];
            if (*pp == 0) {
                *pp = ids[l + 1] + 1;
                pline[l][ids[l]] = (uint32_t)line;
            } else if (*pp != ids[l + 1] + 1) {
                snprintf(err, cap,
                         "%s: line %llu, column %zu: this value of level %zu has a different "
                         "parent at level %zu (column %zu) than on line %u; a value must have one "
                         "parent",
                         source, (unsigned long long)line, l + 1, l, l + 1, l + 2,
                         (unsigned)pline[l][ids[l]]);
                rc = -1;
            }
        }
        if (rc == 0) h->nrows++;
    }
    if (rc == 0 && h->nrows == 0) {
        snprintf(err, cap, "%s: the hierarchy is empty (no rows)", source);
        rc = -1;
    }
    for (size_t l = 0; l < REID_HIER_MAX_LEVELS; l++) {
        free(parent[l]);
        free(pline[l]);
    }
    if (rc == -2) snprintf(err, cap, "%s: out of memory", source);
    if (rc) reid_hierarchy_free(h);
    return rc;
}

int reid_hierarchy_bind(reid_hierarchy *h, reid_qi_type type, char *err, size_t cap)
{
    if (h->kind != REID_HIER_USER || h->bound) return 0;
    if (reid_dict_init(&h->index) != 0) return -1;
    h->bound = 1;
    if (!(h->index_row = malloc(((size_t)h->nrows + 1) * sizeof *h->index_row))) return -1;
    char *tmp = NULL;
    size_t tcap = 0;
    int rc = 0;
    for (uint32_t r = 0; rc == 0 && r < h->nrows; r++) {
        size_t len;
        const char *v =
            reid_dict_value(&h->level_values[0], h->row_ids[(size_t)r * h->levels], &len);
        if (len + REID_NORM_EXTRA > tcap) {
            tcap = (len + REID_NORM_EXTRA) * 2;
            char *t = realloc(tmp, tcap);
            if (!t) {
                rc = -1;
                break;
            }
            tmp = t;
        }
        int ok;
        size_t m = reid_normalise(type, v, len, tmp, &ok);
        uint32_t before = h->index.count, id;
        if (reid_dict_intern(&h->index, tmp, m, &id) != 0) {
            rc = -1;
        } else if (h->index.count == before) {
            snprintf(err, cap,
                     "%s: two rows' first values are the same once normalised as %s values "
                     "(rows %u and %u)",
                     h->source, reid_qi_type_name(type), (unsigned)h->index_row[id] + 1,
                     (unsigned)r + 1);
            rc = -2;
        } else {
            h->index_row[id] = r;
        }
    }
    free(tmp);
    return rc;
}
