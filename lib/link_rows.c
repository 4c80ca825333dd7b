/*
 * link_rows.c - the records of a linkage (docs/linkage.md): keys normalised like the QIs, the
 * held side's counted and the streamed side's looked up, in batches whose cache misses overlap.
 */
#include <stdlib.h>
#include <string.h>

#include "link.h"

/* Categories by the number of register entries with a record's key. */
int link_category(uint64_t entries)
{
    if (entries == 0) return LINK_CAT_UNMATCHED;
    if (entries == 1) return LINK_CAT_REID;
    if (entries < LINK_COUNT_CAP) return LINK_CAT_NARROWED;
    return LINK_CAT_AMBIGUOUS;
}

/* Grow a byte array indexed by class or person to hold index i. 0, or -1. */
int link_grow_bytes(uint8_t **a, uint64_t *cap, uint64_t i)
{
    if (i < *cap) return 0;
    uint64_t n = *cap ? *cap : 1024;
    while (n <= i)
        n *= 2;
    uint8_t *p = realloc(*a, n);
    if (!p) return -1;
    memset(p + *cap, 0, n - *cap);
    *a = p;
    *cap = n;
    return 0;
}

/* The key of a held record into l->key, its values interned. 1 (complete), 0 (a value is
 * missing), or -1 after an error. */
static int make_key(link_side *sd, const reid_row *row)
{
    reid_link *l = sd->l;
    int result = 1;
    for (size_t i = 0; i < l->non; i++) {
        link_col *c = &l->on[i];
        const char *s = row->ptr[c->col[sd->which]];
        size_t len = row->len[c->col[sd->which]];
        reid_trim(&s, &len);
        if (reid_missing_set_has(&l->missing, s, len)) {
            c->missing[sd->which]++;
            result = 0;
            continue;
        }
        if (result != 1) continue; /* the key is already decided; count the other missing */
        if (len + REID_NORM_EXTRA > l->normcap) {
            size_t n = (len + REID_NORM_EXTRA) * 2;
            char *p = realloc(l->norm, n);
            if (!p) return link_nomem(l);
            l->norm = p;
            l->normcap = n;
        }
        int ok;
        size_t out = reid_normalise(c->type, s, len, l->norm, &ok);
        if (reid_dict_intern(&c->dict, l->norm, out, &l->key[i]) != 0) return link_nomem(l);
    }
    return result;
}

/* The first register entry of a new key, whole (reid_link_set_show_matches). */
static int keep_entry(reid_link *l, const reid_row *row, uint64_t cls)
{
    if (cls >= l->firstcap) {
        uint64_t n = l->firstcap ? l->firstcap * 2 : 1024;
        while (n <= cls)
            n *= 2;
        uint64_t *a = realloc(l->first_line, n * sizeof *a);
        if (!a) return link_nomem(l);
        l->first_line = a;
        uint64_t *b = realloc(l->first_off, n * sizeof *b);
        if (!b) return link_nomem(l);
        l->first_off = b;
        l->firstcap = n;
    }
    l->first_line[cls] = row->line;
    l->first_off[cls] = l->rows.used;
    for (size_t i = 0; i < row->nfields; i++) {
        const char *s = row->ptr[i];
        size_t len = row->len[i];
        reid_trim(&s, &len);
        uint64_t off;
        if ((len && reid_arena_append(&l->rows, s, len, &off) != 0) ||
            reid_arena_append(&l->rows, "", 1, &off) != 0)
            return link_nomem(l);
    }
    return 0;
}

/* A register entry held one at a time (with reid_link_set_show_matches): its key counted and, for
 * a new key, the entry kept whole. */
int link_held_row(link_side *sd, const reid_row *row)
{
    reid_link *l = sd->l;
    int k = make_key(sd, row);
    if (k < 0) return -1;
    if (k == 0) {
        sd->missing_key++;
        return 0;
    }
    uint64_t before = l->keys.nclasses;
    int64_t cls =
        reid_classtable_add_indexed(&l->keys, l->key, reid_classtable_hash(&l->keys, l->key), 1, 0);
    if (cls < 0) return link_nomem(l);
    return (uint64_t)cls == before ? keep_entry(l, row, (uint64_t)cls) : 0;
}

/* A looked-up record of the streamed side: cls is its key's class in the table, or -1. */
static int account(reid_link *l, link_side *sd, size_t r, int64_t cls)
{
    link_batch *b = &l->batch;
    if (sd->which == REID_LINK_REGISTER) { /* the extract is held */
        if (cls >= 0 && l->regcount[cls] < LINK_COUNT_CAP) l->regcount[cls]++;
        return 0;
    }
    uint64_t entries = cls >= 0 ? l->keys.sizes[cls] : 0;
    int cat = link_category(entries);
    if (cat == LINK_CAT_REID) l->res.records.reidentified++;
    if (cat == LINK_CAT_NARROWED) l->res.records.narrowed++;
    if (cat == LINK_CAT_AMBIGUOUS) l->res.records.ambiguous++;
    if (cat == LINK_CAT_UNMATCHED) l->res.records.unmatched++;
    uint32_t person = b->person[r];
    if (person && l->best[person] < cat) l->best[person] = (uint8_t)cat;
    if (cat == LINK_CAT_REID && l->nmatches < l->show_max) {
        if (l->nmatches == l->matchcap) {
            uint64_t cap = l->matchcap ? l->matchcap * 2 : 64;
            link_match *m = realloc(l->matches, cap * sizeof *m);
            if (!m) return link_nomem(l);
            l->matches = m;
            l->matchcap = cap;
        }
        l->matches[l->nmatches++] = (link_match){b->row[r], b->line[r], (uint64_t)cls, person};
    }
    return 0;
}

/* Look the batch's records up, in order: values, then keys, with later ones prefetched. */
int link_flush_streamed(reid_link *l, link_side *sd)
{
    link_batch *b = &l->batch;
    const size_t q = l->non, n = b->n, m = n * q;
    for (size_t i = 0; i < m; i++)
        b->vh[i] = reid_dict_hash(b->bytes + b->voff[i], b->vlen[i]);
    for (size_t i = 0; i < m; i++) {
        if (i + 16 < m) reid_dict_prefetch(&l->on[(i + 16) % q].dict, b->vh[i + 16]);
        if (i + 8 < m) reid_dict_prefetch_entry(&l->on[(i + 8) % q].dict, b->vh[i + 8]);
        if (!reid_dict_find_hashed(&l->on[i % q].dict, b->bytes + b->voff[i], b->vlen[i], b->vh[i],
                                   &b->keys[i]))
            b->known[i / q] = 0; /* a value the held side never had: no held key matches */
    }
    for (size_t r = 0; r < n; r++)
        if (b->known[r]) b->kh[r] = reid_classtable_hash(&l->keys, &b->keys[r * q]);
    for (size_t r = 0; r < n; r++) {
        if (r + 8 < n && b->known[r + 8]) reid_classtable_prefetch(&l->keys, b->kh[r + 8]);
        int64_t cls =
            b->known[r] ? reid_classtable_find_hashed(&l->keys, &b->keys[r * q], b->kh[r]) : -1;
        if (account(l, sd, r, cls) != 0) return -1;
    }
    b->n = 0;
    b->blen = 0;
    return 0;
}

/* A record's normalised key into the batch: 1 added, 0 incomplete (counted), -1 after an error. */
int link_batch_add(link_side *sd, const reid_row *row, uint32_t person)
{
    reid_link *l = sd->l;
    link_batch *b = &l->batch;
    const size_t q = l->non, r = b->n, start = b->blen;
    int complete = 1;
    for (size_t j = 0; j < q; j++) {
        link_col *c = &l->on[j];
        const char *s = row->ptr[c->col[sd->which]];
        size_t len = row->len[c->col[sd->which]];
        reid_trim(&s, &len);
        if (reid_missing_set_has(&l->missing, s, len)) {
            c->missing[sd->which]++;
            complete = 0;
            continue;
        }
        if (!complete) continue; /* the key is incomplete; count the other missing values */
        if (b->blen + len + REID_NORM_EXTRA > b->bcap) {
            size_t cap = (b->blen + len + REID_NORM_EXTRA) * 2;
            char *p = realloc(b->bytes, cap);
            if (!p) return link_nomem(l);
            b->bytes = p;
            b->bcap = cap;
        }
        int ok;
        size_t out = reid_normalise(c->type, s, len, b->bytes + b->blen, &ok);
        b->voff[r * q + j] = b->blen;
        b->vlen[r * q + j] = (uint32_t)out;
        b->blen += out;
    }
    if (!complete) {
        b->blen = start;
        sd->missing_key++;
        return 0;
    }
    b->row[r] = sd->datarows;
    b->line[r] = row->line;
    b->person[r] = person;
    b->known[r] = 1;
    b->n++;
    return 1;
}

/* Add the batch's held records, in order: values interned, then keys counted, with later ones
 * prefetched. */
int link_flush_held(reid_link *l, link_side *sd)
{
    link_batch *b = &l->batch;
    const size_t q = l->non, n = b->n, m = n * q;
    for (size_t i = 0; i < m; i++)
        b->vh[i] = reid_dict_hash(b->bytes + b->voff[i], b->vlen[i]);
    for (size_t i = 0; i < m; i++) {
        if (i + 16 < m) reid_dict_prefetch(&l->on[(i + 16) % q].dict, b->vh[i + 16]);
        if (i + 8 < m) reid_dict_prefetch_entry(&l->on[(i + 8) % q].dict, b->vh[i + 8]);
        if (reid_dict_intern_hashed(&l->on[i % q].dict, b->bytes + b->voff[i], b->vlen[i], b->vh[i],
                                    &b->keys[i]) != 0)
            return link_nomem(l);
    }
    for (size_t r = 0; r < n; r++)
        b->kh[r] = reid_classtable_hash(&l->keys, &b->keys[r * q]);
    for (size_t r = 0; r < n; r++) {
        if (r + 8 < n) reid_classtable_prefetch(&l->keys, b->kh[r + 8]);
        int64_t cls = reid_classtable_add_indexed(&l->keys, &b->keys[r * q], b->kh[r], 1, 0);
        if (cls < 0) return link_nomem(l);
        if (sd->which == REID_LINK_REGISTER) continue;
        if (link_grow_bytes(&l->regcount, &l->regcap, (uint64_t)cls) != 0) return link_nomem(l);
        if (b->person[r]) {
            uint32_t pk[2] = {b->person[r], (uint32_t)cls};
            if (reid_classtable_add(&l->pairs, pk, 1) != 0) return link_nomem(l);
        }
    }
    b->n = 0;
    b->blen = 0;
    return 0;
}
