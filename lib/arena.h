/* arena.h - append-only byte store for dictionary values, addressed by offset. */
#ifndef REID_ARENA_H
#define REID_ARENA_H

#include <stddef.h>
#include <stdint.h>

typedef struct reid_arena {
    char *data;
    uint64_t used;
    uint64_t cap;
} reid_arena;

/* Append len bytes; *off receives their offset. Returns 0, or -1 when out of memory. */
int reid_arena_append(reid_arena *a, const void *bytes, size_t len, uint64_t *off);
void reid_arena_free(reid_arena *a);

static inline const char *reid_arena_at(const reid_arena *a, uint64_t off)
{
    return a->data + off;
}

#endif
