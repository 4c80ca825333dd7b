/* pseudosniff.c - columns that look like pseudonyms (pseudosniff.h). */
#include "pseudosniff.h"

#include <stdlib.h>
#include <string.h>

#include "columns.h"

int reid_looks_like_token(const char *s, size_t len)
{
    if (len < 8 || len > 128) return 0;
    int hex = 1, b64 = 1, letters = 0, digits = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        int dig = ch >= '0' && ch <= '9';
        int alpha = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
        int hexl = (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
        if (!dig && !hexl) hex = 0;
        if (!dig && !alpha && ch != '+' && ch != '/' && ch != '-' && ch != '_' &&
            !(ch == '=' && i + 2 >= len))
            b64 = 0;
        letters += alpha;
        digits += dig;
    }
    return hex || (b64 && len >= 12 && letters && digits);
}

int reid_pseudo_sniff_init(reid_pseudo_sniff *s, char *const *names, size_t ncols,
                           const unsigned char *used)
{
    memset(s, 0, sizeof *s);
    s->c = calloc(REID_SNIFF_MAX_COLUMNS, sizeof *s->c);
    if (!s->c) return -1;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < ncols && s->n < REID_SNIFF_MAX_COLUMNS; i++) {
            int byname = reid_category_of(names[i]) == REID_CAT_PSEUDONYM;
            if (used[i] || byname != (pass == 0)) continue;
            reid_sniff_col *c = &s->c[s->n];
            c->col = i;
            c->byname = byname;
            if (reid_dict_init(&c->seen) != 0) return -1;
            s->n++;
        }
    }
    return 0;
}

void reid_pseudo_sniff_free(reid_pseudo_sniff *s)
{
    for (size_t i = 0; i < s->n; i++)
        reid_dict_free(&s->c[i].seen);
    free(s->c);
    memset(s, 0, sizeof *s);
}

void reid_pseudo_sniff_row(reid_pseudo_sniff *s, const char *const *ptr, const size_t *len,
                           const reid_missing_set *missing)
{
    if (s->done) return;
    size_t live = 0;
    for (size_t i = 0; i < s->n; i++) {
        reid_sniff_col *c = &s->c[i];
        if (c->out) continue;
        const char *v = ptr[c->col];
        size_t n = len[c->col];
        reid_trim(&v, &n);
        if (reid_missing_set_has(missing, v, n)) {
            live++;
            continue;
        }
        c->values++;
        if (!c->byname) { /* only then do the tokens decide (reid_pseudo_sniff_hit) */
            if (!reid_looks_like_token(v, n)) {
                c->out = 1;
                continue;
            }
            c->tokens++;
        }
        live++;
        uint32_t id;
        if (reid_dict_intern(&c->seen, v, n, &id) != 0) {
            s->done = 1; /* out of memory: stop looking; the warning is a courtesy */
            return;
        }
    }
    if (++s->rows >= REID_SNIFF_ROWS || !live) s->done = 1;
}

int reid_pseudo_sniff_hit(const reid_pseudo_sniff *s, size_t i)
{
    const reid_sniff_col *c = &s->c[i];
    uint64_t distinct = reid_dict_values(&c->seen);
    if (c->out || c->values < 2 || distinct >= c->values || distinct * 5 < c->values) return 0;
    return c->byname || c->tokens == c->values;
}
