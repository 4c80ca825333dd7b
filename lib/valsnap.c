/* valsnap.c - read-only snapshots of a dictionary's short values (valsnap.h). */
#include "valsnap.h"

#include <stdlib.h>

/* log2 of the slots of a snapshot of count ids: at least twice as many, at least 16. */
static unsigned slot_bits(uint32_t count)
{
    unsigned bits = 4;
    while (((uint64_t)1 << bits) < 2 * (uint64_t)count)
        bits++;
    return bits;
}

uint64_t reid_valsnap_size_for(uint32_t count)
{
    return sizeof(reid_valsnap) + ((uint64_t)1 << slot_bits(count)) * sizeof(reid_valsnap_slot);
}

reid_valsnap *reid_valsnap_build(const reid_dict *d, reid_valsnap *prev)
{
    const unsigned bits = slot_bits(d->count);
    const uint64_t slots = (uint64_t)1 << bits;
    reid_valsnap *s = calloc(1, reid_valsnap_size_for(d->count));
    if (!s) return NULL;
    s->prev = prev;
    s->bytes = reid_valsnap_size_for(d->count) + (prev ? prev->bytes : 0);
    s->count = d->count;
    s->shift = 64 - bits;
    s->mask = slots - 1;
    for (uint32_t id = 1; id < d->count; id++) {
        size_t len;
        const char *v = reid_dict_value(d, id, &len);
        if (len > REID_VALSNAP_BYTES) continue;
        const uint64_t head = reid_dict_head(v, len);
        uint64_t i = reid_valsnap_home(s, head, len);
        while (s->slots[i].id)
            i = (i + 1) & s->mask;
        s->slots[i] = (reid_valsnap_slot){head, (uint32_t)len, id};
    }
    return s;
}

uint64_t reid_valsnap_bytes(const reid_valsnap *s)
{
    return s ? s->bytes : 0;
}

void reid_valsnap_free(reid_valsnap *s)
{
    while (s) {
        reid_valsnap *p = s->prev;
        free(s);
        s = p;
    }
}
