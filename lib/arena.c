/* arena.c - append-only byte store; grows geometrically, offsets stay valid. */
#include "arena.h"

#include <stdlib.h>
#include <string.h>

int reid_arena_append(reid_arena *a, const void *bytes, size_t len, uint64_t *off)
{
    if (a->used + len > a->cap) {
        uint64_t cap = a->cap ? a->cap : 4096;
        while (cap < a->used + len)
            cap *= 2;
        char *p = realloc(a->data, (size_t)cap);
        if (!p) return -1;
        a->data = p;
        a->cap = cap;
    }
    if (len) memcpy(a->data + a->used, bytes, len);
    *off = a->used;
    a->used += len;
    return 0;
}

void reid_arena_free(reid_arena *a)
{
    free(a->data);
    memset(a, 0, sizeof *a);
}
