/* columns.c - name matching, nearest-name suggestions and quasi-identifier recognition. */
#include "columns.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "normalise.h"

typedef struct name_rule {
    reid_category cat;
    const char *const *exact; /* canonical names (lower case, '_' between words) */
    const char *const *contains;
} name_rule;

static const char *const postcode_exact[] = {
    "postcode",         "post_code",     "postal_code", "postalcode", "zip",
    "zipcode",          "zip_code",      "pcode",       "pc",         "postcode_unit",
    "patient_postcode", "home_postcode", "outcode",     NULL};
static const char *const postcode_contains[] = {"postcode", "post_code", "postal_code", NULL};
static const char *const dob_exact[] = {
    "dob",      "date_of_birth", "birth_date", "birthdate", "dateofbirth",
    "birth_dt", "d_o_b",         "dob_date",   "birthday",  NULL};
static const char *const dob_contains[] = {"date_of_birth", "birth_date", "birthdate", NULL};
static const char *const yob_exact[] = {
    "yob", "year_of_birth", "birth_year", "mydob", "month_year_of_birth", "birthyear", NULL};
static const char *const age_exact[] = {
    "age",     "age_years",      "startage",     "age_at_admission", "age_on_admission",
    "admiage", "age_at_episode", "age_at_start", "patient_age",      "endage",
    NULL};
static const char *const ageband_exact[] = {"age_band",  "ageband",       "age_group", "agegroup",
                                            "age_range", "startage_band", NULL};
static const char *const sex_exact[] = {"sex",     "gender",      "sex_code",       "gender_code",
                                        "sexcode", "patient_sex", "patient_gender", NULL};
static const char *const eth_exact[] = {"ethnicity", "ethnic_group",   "ethnic_category",
                                        "ethnos",    "ethnic",         "ethnic_origin",
                                        "race",      "ethnicity_code", NULL};
static const char *const eth_contains[] = {"ethnic", NULL};
static const char *const diag_exact[] = {"diagnosis",
                                         "diag",
                                         "primary_diagnosis",
                                         "diag_01",
                                         "diag_4_01",
                                         "diag_3_01",
                                         "icd10",
                                         "icd_10",
                                         "icd10_code",
                                         "diagnosis_code",
                                         "main_diagnosis",
                                         "primary_diag",
                                         "diag_code",
                                         "primary_diagnosis_code",
                                         "icd",
                                         NULL};
static const char *const diag_contains[] = {"diag", "icd10", "icd_10", NULL};
static const char *const event_exact[] = {"admission_date",     "admidate",
                                          "discharge_date",     "disdate",
                                          "epistart",           "epiend",
                                          "date_of_admission",  "admission_dt",
                                          "episode_start_date", "episode_end_date",
                                          "attendance_date",    "appointment_date",
                                          "date_of_death",      "dod",
                                          "procedure_date",     "opdate",
                                          "arrival_date",       NULL};
static const char *const event_contains[] = {"_date", "date_", NULL};
static const char *const pseudo_exact[] = {"pseudonym",
                                           "token",
                                           "patient_id",
                                           "person_id",
                                           "hesid",
                                           "pseudo_id",
                                           "patient_pseudonym",
                                           "pseudo_nhs_number",
                                           "tokenised_nhs_number",
                                           "study_id",
                                           "subject_id",
                                           NULL};
static const char *const pseudo_contains[] = {"pseudo", "token", NULL};
static const char *const direct_exact[] = {"nhs_number",
                                           "nhsno",
                                           "nhs_no",
                                           "nhsnumber",
                                           "name",
                                           "forename",
                                           "first_name",
                                           "surname",
                                           "last_name",
                                           "full_name",
                                           "address",
                                           "address_line_1",
                                           "phone",
                                           "telephone",
                                           "email",
                                           "email_address",
                                           "hospital_number",
                                           "mrn",
                                           "national_insurance_number",
                                           "nino",
                                           NULL};

static const name_rule rules[] = {
    {REID_CAT_PSEUDONYM, pseudo_exact, NULL},
    {REID_CAT_DIRECT_ID, direct_exact, NULL},
    {REID_CAT_POSTCODE, postcode_exact, NULL},
    {REID_CAT_DOB, dob_exact, NULL},
    {REID_CAT_BIRTH_YEAR, yob_exact, NULL},
    {REID_CAT_AGE, age_exact, NULL},
    {REID_CAT_AGE_BAND, ageband_exact, NULL},
    {REID_CAT_SEX, sex_exact, NULL},
    {REID_CAT_ETHNICITY, eth_exact, NULL},
    {REID_CAT_DIAGNOSIS, diag_exact, NULL},
    {REID_CAT_EVENT_DATE, event_exact, NULL},
    /* then the looser rules, in order */
    {REID_CAT_PSEUDONYM, NULL, pseudo_contains},
    {REID_CAT_POSTCODE, NULL, postcode_contains},
    {REID_CAT_DOB, NULL, dob_contains},
    {REID_CAT_EVENT_DATE, NULL, event_contains}, /* "diagnosis_date" is a date */
    {REID_CAT_ETHNICITY, NULL, eth_contains},
    {REID_CAT_DIAGNOSIS, NULL, diag_contains},
};

/* lower case, runs of non-alphanumerics as one '_', none at the ends */
static void canonical(const char *name, char *out, size_t cap)
{
    size_t n = 0;
    int sep = 0;
    for (const unsigned char *p = (const unsigned char *)name; *p && n + 2 < cap; p++) {
        if (isalnum(*p)) {
            if (sep && n) out[n++] = '_';
            out[n++] = (char)tolower(*p);
            sep = 0;
        } else {
            sep = 1;
        }
    }
    out[n] = 0;
}

reid_category reid_category_of(const char *name)
{
    char c[128];
    canonical(name, c, sizeof c);
    if (!c[0]) return REID_CAT_NONE;
    for (size_t r = 0; r < sizeof rules / sizeof *rules; r++) {
        if (rules[r].exact)
            for (const char *const *e = rules[r].exact; *e; e++)
                if (strcmp(c, *e) == 0) return rules[r].cat;
        if (rules[r].contains)
            for (const char *const *e = rules[r].contains; *e; e++)
                if (strstr(c, *e)) return rules[r].cat;
    }
    return REID_CAT_NONE;
}

reid_qi_type reid_category_type(reid_category c)
{
    switch (c) {
    case REID_CAT_POSTCODE:
        return REID_TYPE_POSTCODE;
    case REID_CAT_DOB:
    case REID_CAT_EVENT_DATE:
        return REID_TYPE_DATE;
    case REID_CAT_AGE:
        return REID_TYPE_AGE;
    case REID_CAT_SEX:
        return REID_TYPE_SEX;
    case REID_CAT_DIAGNOSIS:
        return REID_TYPE_CODE;
    default:
        return REID_TYPE_TEXT;
    }
}

const char *reid_category_label(reid_category c)
{
    switch (c) {
    case REID_CAT_POSTCODE:
        return "a postcode";
    case REID_CAT_DOB:
        return "a date of birth";
    case REID_CAT_BIRTH_YEAR:
        return "a year of birth";
    case REID_CAT_AGE:
        return "an age";
    case REID_CAT_AGE_BAND:
        return "an age band";
    case REID_CAT_SEX:
        return "sex or gender";
    case REID_CAT_ETHNICITY:
        return "an ethnicity";
    case REID_CAT_DIAGNOSIS:
        return "a diagnosis code";
    case REID_CAT_EVENT_DATE:
        return "the date of an event";
    case REID_CAT_PSEUDONYM:
        return "a pseudonym";
    case REID_CAT_DIRECT_ID:
        return "a direct identifier";
    case REID_CAT_NONE:
        break;
    }
    return "not recognised";
}

static int name_eq(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    reid_trim(&a, &la);
    reid_trim(&b, &lb);
    if (la != lb) return 0;
    for (size_t i = 0; i < la; i++)
        if (tolower((unsigned char)a[i]) != tolower((unsigned char)b[i])) return 0;
    return 1;
}

long reid_column_find(char *const *names, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (name_eq(names[i], name)) return (long)i;
    return -1;
}

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64) return (size_t)-1;
    size_t row[65];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
            size_t best = diag + cost;
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

const char *reid_column_nearest(char *const *names, size_t n, const char *name)
{
    const char *best = NULL;
    size_t bestd = (size_t)-1;
    char want[128];
    canonical(name, want, sizeof want);
    for (size_t i = 0; i < n; i++) {
        char have[128];
        canonical(names[i], have, sizeof have);
        size_t d = edit_distance(want, have);
        if (strlen(want) >= 3 && strlen(have) >= 3 && (strstr(have, want) || strstr(want, have)))
            d = 1; /* one name inside the other counts as close */
        if (d < bestd) {
            bestd = d;
            best = names[i];
        }
    }
    /* close enough to be a typo: about one edit in three characters, at least one */
    size_t limit = strlen(want) / 3;
    if (limit < 1) limit = 1;
    if (strlen(want) >= 6 && limit < 2) limit = 2;
    return bestd <= limit ? best : NULL;
}

size_t reid_autodetect(char *const *names, size_t n, reid_detected *out)
{
    size_t m = 0;
    long first[REID_CAT_DIRECT_ID + 1];
    for (size_t c = 0; c <= REID_CAT_DIRECT_ID; c++)
        first[c] = -1;
    for (size_t i = 0; i < n; i++) {
        reid_category cat = reid_category_of(names[i]);
        if (cat == REID_CAT_NONE) continue;
        reid_detected *d = &out[m++];
        d->column = i;
        d->cat = cat;
        d->use = 0;
        if (cat == REID_CAT_EVENT_DATE) {
            snprintf(d->why, sizeof d->why,
                     "the date of an event: not used by default; add it with --qi if an intruder "
                     "could know it");
        } else if (cat == REID_CAT_PSEUDONYM) {
            snprintf(d->why, sizeof d->why,
                     "looks like a pseudonym: not a quasi-identifier; every row counts as a "
                     "record, so a person with several rows is counted several times");
        } else if (cat == REID_CAT_DIRECT_ID) {
            snprintf(d->why, sizeof d->why,
                     "looks like a direct identifier: it identifies people by itself and should "
                     "not be in a pseudonymised extract");
        } else if (first[cat] >= 0) {
            snprintf(d->why, sizeof d->why,
                     "another column that looks like %s (the first, '%s', is used); add it with "
                     "--qi",
                     reid_category_label(cat), names[first[cat]]);
        } else {
            first[cat] = (long)i;
            d->use = 1;
            snprintf(d->why, sizeof d->why, "name looks like %s", reid_category_label(cat));
        }
    }
    /* an age or a birth year adds nothing to a full date of birth */
    if (first[REID_CAT_DOB] >= 0) {
        for (size_t k = 0; k < m; k++) {
            reid_detected *d = &out[k];
            if (d->use && (d->cat == REID_CAT_AGE || d->cat == REID_CAT_AGE_BAND ||
                           d->cat == REID_CAT_BIRTH_YEAR)) {
                d->use = 0;
                snprintf(d->why, sizeof d->why,
                         "%s, implied by the date of birth '%s': not used; add it with --qi",
                         reid_category_label(d->cat), names[first[REID_CAT_DOB]]);
            }
        }
    } else if (first[REID_CAT_AGE] >= 0 && first[REID_CAT_AGE_BAND] >= 0) {
        for (size_t k = 0; k < m; k++) {
            reid_detected *d = &out[k];
            if (d->use && d->cat == REID_CAT_AGE_BAND) {
                d->use = 0;
                snprintf(d->why, sizeof d->why,
                         "an age band, implied by the exact age '%s': not used; add it with --qi",
                         names[first[REID_CAT_AGE]]);
            }
        }
    }
    return m;
}
