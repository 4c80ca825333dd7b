/* people.c - distinct people per class and person-level risk (people.h, docs/people.md). */
#include "people.h"

#include <stdlib.h>
#include <string.h>

#include "metrics.h"

#define PEOPLE_MULTI_SEX 1u
#define PEOPLE_MULTI_DOB 2u

int reid_people_counter_init(reid_people_counter *pc, int have_sex, int have_dob)
{
    memset(pc, 0, sizeof *pc);
    pc->have_sex = have_sex;
    pc->have_dob = have_dob;
    if (reid_dict_init(&pc->ids) != 0 || reid_classtable_init(&pc->pairs, 2) != 0 ||
        reid_dict_init(&pc->sexd) != 0 || reid_dict_init(&pc->dobd) != 0) {
        reid_people_counter_free(pc);
        return -1;
    }
    return 0;
}

void reid_people_counter_free(reid_people_counter *pc)
{
    reid_dict_free(&pc->ids);
    reid_classtable_free(&pc->pairs);
    reid_dict_free(&pc->sexd);
    reid_dict_free(&pc->dobd);
    free(pc->first);
    free(pc->rows);
    free(pc->sex);
    free(pc->dob);
    free(pc->flags);
    free(pc->norm);
    memset(pc, 0, sizeof *pc);
}

/* Room for person ids up to id. -1 when out of memory. */
static int grow_people(reid_people_counter *pc, uint32_t id)
{
    if (id < pc->capp) return 0;
    uint64_t cap = pc->capp ? pc->capp : 1024;
    while (cap <= id)
        cap *= 2;
    uint32_t *rows = realloc(pc->rows, cap * sizeof *rows);
    if (!rows) return -1;
    pc->rows = rows;
    uint32_t *sex = realloc(pc->sex, cap * sizeof *sex);
    if (!sex) return -1;
    pc->sex = sex;
    uint32_t *dob = realloc(pc->dob, cap * sizeof *dob);
    if (!dob) return -1;
    pc->dob = dob;
    uint8_t *flags = realloc(pc->flags, cap * sizeof *flags);
    if (!flags) return -1;
    pc->flags = flags;
    size_t n = (size_t)(cap - pc->capp);
    memset(pc->rows + pc->capp, 0, n * sizeof *rows);
    memset(pc->sex + pc->capp, 0, n * sizeof *sex);
    memset(pc->dob + pc->capp, 0, n * sizeof *dob);
    memset(pc->flags + pc->capp, 0, n * sizeof *flags);
    pc->capp = cap;
    return 0;
}

/* A value of the sex or date-of-birth column, normalised, as an id of d (0 = missing). */
static int value_id(reid_people_counter *pc, const reid_missing_set *missing, reid_dict *d,
                    reid_qi_type type, const char *s, size_t len, uint32_t *id)
{
    *id = 0;
    if (reid_missing_set_has(missing, s, len)) return 0;
    if (len + REID_NORM_EXTRA > pc->normcap) {
        size_t cap = len + REID_NORM_EXTRA + 64;
        char *p = realloc(pc->norm, cap);
        if (!p) return -1;
        pc->norm = p;
        pc->normcap = cap;
    }
    int ok;
    size_t n = reid_normalise(type, s, len, pc->norm, &ok);
    return reid_dict_intern(d, pc->norm, n, id);
}

/* Keep a person's first value; flag a second, different one. */
static void check_value(uint32_t *first, uint8_t *flags, uint8_t bit, uint32_t v)
{
    if (!v) return;
    if (!*first)
        *first = v;
    else if (*first != v)
        *flags |= bit;
}

int reid_people_add(reid_people_counter *pc, const reid_missing_set *missing, uint32_t cls,
                    const char *id, size_t idlen, int id_missing, const char *sex, size_t sexlen,
                    const char *dob, size_t doblen)
{
    uint64_t h = id_missing ? 0 : reid_dict_hash(id, idlen);
    uint32_t person;
    return reid_people_add_hashed(pc, missing, cls, id, idlen, id_missing, h, sex, sexlen, dob,
                                  doblen, &person);
}

int reid_people_add_hashed(reid_people_counter *pc, const reid_missing_set *missing, uint32_t cls,
                           const char *id, size_t idlen, int id_missing, uint64_t h,
                           const char *sex, size_t sexlen, const char *dob, size_t doblen,
                           uint32_t *person_out)
{
    uint32_t person;
    if (id_missing) {
        if (pc->anon + pc->ids.count >= REID_PEOPLE_ANON_TOP) return -1;
        person = REID_PEOPLE_ANON_TOP - (uint32_t)pc->anon++;
    } else {
        if (reid_dict_intern_hashed(&pc->ids, id, idlen, h, &person) != 0) return -1;
        if (person >= REID_PEOPLE_ANON_TOP - pc->anon) return -1;
        if (grow_people(pc, person) != 0) return -1;
        if (pc->rows[person] < UINT32_MAX) pc->rows[person]++;
        uint32_t v;
        if (sex && pc->have_sex) {
            if (value_id(pc, missing, &pc->sexd, REID_TYPE_SEX, sex, sexlen, &v) != 0) return -1;
            check_value(&pc->sex[person], &pc->flags[person], PEOPLE_MULTI_SEX, v);
        }
        if (dob && pc->have_dob) {
            if (value_id(pc, missing, &pc->dobd, REID_TYPE_DATE, dob, doblen, &v) != 0) return -1;
            check_value(&pc->dob[person], &pc->flags[person], PEOPLE_MULTI_DOB, v);
        }
    }
    *person_out = person;
    if (cls >= pc->nfirst) { /* a new class: the next number */
        if (cls != pc->nfirst) return -1;
        if (pc->nfirst == pc->capfirst) {
            uint64_t cap = pc->capfirst ? pc->capfirst * 2 : 1024;
            uint32_t *f = realloc(pc->first, cap * sizeof *f);
            if (!f) return -1;
            pc->first = f;
            pc->capfirst = cap;
        }
        pc->first[pc->nfirst++] = person;
        return 0;
    }
    if (pc->first[cls] == person) return 0;
    uint32_t key[2] = {cls, person};
    return reid_classtable_add(&pc->pairs, key, 1);
}

uint64_t reid_people_bytes(const reid_people_counter *pc)
{
    return reid_dict_bytes(&pc->ids) + reid_classtable_bytes(&pc->pairs) +
           pc->capfirst * sizeof *pc->first + pc->capp * (3 * sizeof(uint32_t) + 1) +
           reid_dict_bytes(&pc->sexd) + reid_dict_bytes(&pc->dobd);
}

/* One person whose smallest class holds m people. */
static void tally(reid_people *o, uint64_t m)
{
    if (m == 1) o->unique++;
    if (m < o->threshold_k) o->at_risk++;
    if (m == o->k_anonymity) o->highest_risk_people++;
    o->bucket_people[reid_bucket_of(m)]++;
    o->prosecutor_average += 1.0 / (double)m;
}

int reid_people_compute(const reid_people_counter *pc, const reid_classtable *classes, uint64_t k,
                        reid_people *o)
{
    const uint64_t U = pc->nfirst, NP = pc->pairs.nclasses;
    const uint32_t D = pc->ids.count; /* person ids 1 .. D-1 */
    memset(o, 0, sizeof *o);
    o->threshold_k = k;
    o->rows = classes->records;
    o->classes = U;
    o->anonymous_rows = pc->anon;
    o->count = (uint64_t)(D - 1) + pc->anon;
    o->sex_checked = pc->have_sex;
    o->dob_checked = pc->have_dob;
    if (U != classes->nclasses) return -1;               /* every class has its first person */
    uint32_t *size = malloc((U ? U : 1) * sizeof *size); /* m_c */
    uint32_t *least = malloc((size_t)D * sizeof *least); /* m_p, real people */
    uint32_t *ncls = calloc((size_t)D, sizeof *ncls);    /* classes per real person */
    if (!size || !least || !ncls) {
        free(size);
        free(least);
        free(ncls);
        return -1;
    }
    for (uint64_t c = 0; c < U; c++)
        size[c] = 1;
    for (uint64_t i = 0; i < NP; i++)
        size[reid_classtable_key(&pc->pairs, i)[0]]++;
    o->pairs = U + NP;
    for (uint64_t c = 0; c < U; c++) {
        if (c == 0 || size[c] < o->k_anonymity) o->k_anonymity = size[c];
        if (size[c] > o->max_size) o->max_size = size[c];
        o->bucket_classes[reid_bucket_of(size[c])]++;
    }
    o->mean_size = U ? (double)o->pairs / (double)U : 0;
    for (uint32_t p = 0; p < D; p++)
        least[p] = UINT32_MAX;
    /* every (class, person) pair: the first person of each class, then the table */
    for (uint64_t i = 0; i < U + NP; i++) {
        uint32_t c, p;
        if (i < U) {
            c = (uint32_t)i;
            p = pc->first[i];
        } else {
            const uint32_t *key = reid_classtable_key(&pc->pairs, i - U);
            c = key[0];
            p = key[1];
        }
        if (p >= D) { /* a row without a pseudonym: a person with this one class */
            tally(o, size[c]);
            continue;
        }
        if (size[c] < least[p]) least[p] = size[c];
        ncls[p]++;
    }
    for (uint32_t p = 1; p < D; p++) {
        tally(o, least[p]);
        if (ncls[p] > 1) o->several_classes++;
        if (pc->rows[p] > 1) o->several_rows++;
        if (pc->rows[p] > o->max_rows) o->max_rows = pc->rows[p];
        if (pc->flags[p] & PEOPLE_MULTI_SEX) o->sex_inconsistent++;
        if (pc->flags[p] & PEOPLE_MULTI_DOB) o->dob_inconsistent++;
    }
    if (pc->anon && o->max_rows < 1) o->max_rows = 1;
    double P = (double)o->count;
    o->unique_fraction = P > 0 ? (double)o->unique / P : 0;
    o->at_risk_fraction = P > 0 ? (double)o->at_risk / P : 0;
    o->prosecutor_average = P > 0 ? o->prosecutor_average / P : 0;
    o->prosecutor_highest = o->k_anonymity ? 1.0 / (double)o->k_anonymity : 0;
    free(size);
    free(least);
    free(ncls);
    return 0;
}
