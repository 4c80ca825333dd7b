/*
 * people.h - person-level risk with a pseudonym column (--id; docs/people.md).
 *
 * When several rows belong to one person (one pseudonym), a class's size is the
 * number of distinct people with at least one row in it, not its number of
 * rows. Counting (on the counter's thread, in record order) interns each row's
 * pseudonym in a dictionary of its own (person ids 1, 2, ...) and records the
 * distinct (class, person) pairs: the first person of each class inline (one
 * uint32 per class), and a pair table (key = class index, person id) for the
 * other people of the class. A class's person count is then 1 + its pairs, and
 * a person's risk comes from the smallest person count over their classes.
 * Memory: 4 bytes per class, about 40 bytes per distinct (class, person) pair
 * beyond a class's first, and 16 bytes per person.
 *
 * A row whose pseudonym is missing (empty or a missing spelling) is a person of
 * its own: it cannot be linked to any other row. Such rows get person ids
 * counting down from REID_PEOPLE_ANON_TOP, never stored per person.
 *
 * Linkage inconsistencies: when the input has a sex or a date-of-birth column
 * (recognised by name), each person's first non-missing normalised value is
 * kept, and a person with a second, different one is counted (never named).
 */
#ifndef REID_PEOPLE_H
#define REID_PEOPLE_H

#include <stddef.h>
#include <stdint.h>

#include "classtable.h"
#include "dict.h"
#include "normalise.h"
#include "reid.h"

/* Person ids of rows without a pseudonym count down from here. */
#define REID_PEOPLE_ANON_TOP (UINT32_MAX - 1u)

typedef struct reid_people_counter {
    reid_dict ids;   /* pseudonym -> person id (0 unused: missing ids are anonymous) */
    uint32_t *first; /* [nfirst]: the first person of each class */
    uint64_t nfirst, capfirst;
    reid_classtable pairs; /* (class index, person id): people other than a class's first */
    uint64_t anon;         /* rows without a pseudonym so far */
    uint32_t *rows;        /* [capp]: rows per person id */
    uint32_t *sex, *dob;   /* [capp]: the person's first non-missing value id (0 = none yet) */
    uint8_t *flags;        /* [capp]: PEOPLE_MULTI_SEX | PEOPLE_MULTI_DOB */
    uint64_t capp;
    int have_sex, have_dob; /* the input has such a column */
    reid_dict sexd, dobd;   /* their normalised values */
    char *norm;             /* room to normalise a value */
    size_t normcap;
} reid_people_counter;

/* 0, or -1 when out of memory. */
int reid_people_counter_init(reid_people_counter *pc, int have_sex, int have_dob);
void reid_people_counter_free(reid_people_counter *pc);

/*
 * One record: its class index cls (classes are numbered in the order they first appear, so a
 * class new to the counter is the next number), its trimmed pseudonym (id_missing: it is
 * missing) and, when the input has them, its trimmed sex and date-of-birth values (NULL when
 * the column does not exist). 0, or -1 when out of memory (or more than 2^32 - 2 people).
 */
int reid_people_add(reid_people_counter *pc, const reid_missing_set *missing, uint32_t cls,
                    const char *id, size_t idlen, int id_missing, const char *sex, size_t sexlen,
                    const char *dob, size_t doblen);

/* The same with h = reid_dict_hash(id, idlen) computed beforehand (batched lookups: the counter
 * prefetches the ids dictionary's slots and entries ahead, reid_dict_prefetch). */
int reid_people_add_hashed(reid_people_counter *pc, const reid_missing_set *missing, uint32_t cls,
                           const char *id, size_t idlen, int id_missing, uint64_t h,
                           const char *sex, size_t sexlen, const char *dob, size_t doblen,
                           uint32_t *person_out);

/* Memory held, in bytes. */
uint64_t reid_people_bytes(const reid_people_counter *pc);

/*
 * The person-level figures (reid_people in reid.h) from the counted pairs and the class table
 * (for the number of classes and rows); k is the "at risk" threshold. Fills every field but
 * id_column. 0, or -1 when out of memory.
 */
int reid_people_compute(const reid_people_counter *pc, const reid_classtable *classes, uint64_t k,
                        reid_people *out);

#endif
