/*
 * longitudinal.h - unicity of people's trails of events (--events; docs/longitudinal.md).
 *
 * An event is the tuple of a row's event-column values (e.g. admission date and diagnosis),
 * normalised by type; a row whose event values are not all present gives no event. Counting
 * interns each event column's values in a dictionary and each tuple in a table (event ids 0,
 * 1, ... in order of appearance), and keeps one (person, event, class) triple per row. After
 * counting the triples are sorted (radix sort) and deduplicated into each person's trail (CSR:
 * the person's distinct (event, class) points, ordered by event), and an inverted index gives
 * each event's people (posting lists, ascending).
 *
 * Unicity (de Montjoye et al., "Unique in the Crowd", Sci. Rep. 3:1376, 2013): for a seeded
 * random sample of the people with events, and p = 1..REID_UNICITY_MAX_P, draw p of the person's
 * distinct events (or, "with the QIs", p of their distinct (event, class) points: the event and
 * the static quasi-identifiers of the row it is on) and check whether anyone else's trail holds
 * all p: the candidates are the posting list of the drawn event with the fewest people, each
 * checked against its own trail by binary search. No all-pairs scan.
 *
 * Set uniqueness: a person's set of distinct events (or points) is unique when no other person
 * has exactly the same set; found by hashing each set, sorting the hashes and comparing the sets
 * of equal hashes exactly.
 */
#ifndef REID_LONGITUDINAL_H
#define REID_LONGITUDINAL_H

#include <stddef.h>
#include <stdint.h>

#include "classtable.h"
#include "dict.h"
#include "normalise.h"
#include "reid.h"

/* One event column. */
typedef struct reid_event_col {
    char *name;
    size_t col; /* 0-based */
    reid_qi_type type;
    int month; /* a date cut to its month (YYYY-MM) */
    reid_dict dict;
} reid_event_col;

typedef struct reid_event_triple {
    uint32_t person, event, cls;
} reid_event_triple;

typedef struct reid_events_counter {
    reid_event_col *cols;
    size_t ne;
    reid_classtable events; /* tuple of ne value ids -> event id (class index) */
    reid_event_triple *rows;
    uint64_t nrows, caprows;
    uint64_t no_event; /* rows with a missing event value */
    uint32_t *key;     /* ne ids being built */
    char *norm;
    size_t normcap;
} reid_events_counter;

/*
 * Parse "COL[:TYPE],..." into cols (names and types only; TYPE is one of the QI types or "month":
 * a date cut to year and month). 0, or -1 with the reason in err when the list is empty, an entry
 * is empty or a type unknown; -2 when out of memory.
 */
int reid_events_parse(const char *list, reid_event_col **cols, size_t *n, char *err, size_t cap);
void reid_events_cols_free(reid_event_col *cols, size_t n);

/* Takes cols (resolved: col and type set); 0, or -1 when out of memory (cols is then freed). */
int reid_events_counter_init(reid_events_counter *ec, reid_event_col *cols, size_t n);
void reid_events_counter_free(reid_events_counter *ec);

/* One record: person id (as in people.c), its class, and its ne trimmed event values. 0 or -1. */
int reid_events_add(reid_events_counter *ec, const reid_missing_set *missing, uint32_t person,
                    uint32_t cls, const char *const *vals, const size_t *lens);

/* The same in two steps, for batches: a record's event key (ne value ids) into key: 1, or 0
 * when one of its values is missing (no event; counted), -1 when out of memory; then, with
 * h = reid_classtable_hash(&ec->events, key) (its slot prefetched), the record's triple. */
int reid_events_key(reid_events_counter *ec, const reid_missing_set *missing,
                    const char *const *vals, const size_t *lens, uint32_t *key);
int reid_events_add_key(reid_events_counter *ec, uint32_t person, uint32_t cls, const uint32_t *key,
                        uint64_t h);

uint64_t reid_events_bytes(const reid_events_counter *ec);

/*
 * The figures (reid_longitudinal): people is the number of people (ids 1..ids_count-1 are the
 * pseudonyms, REID_PEOPLE_ANON_TOP - m the anonymous rows, anon of them). Sorts ec's triples in
 * place. Fills every field but columns. 0, or -1 when out of memory.
 */
int reid_longitudinal_compute(reid_events_counter *ec, uint32_t ids_count, uint64_t anon,
                              uint64_t seed, uint64_t sample, reid_longitudinal *out);

/* Wilson's 95% score interval for x successes in n trials (n > 0). */
void reid_wilson95(uint64_t x, uint64_t n, double *lo, double *hi);

#endif
