/*
 * bigmem.h - large arrays for the tables: anonymous mappings that grow
 * without copying (mremap), start zeroed, cost memory only for the pages
 * touched, and ask for transparent huge pages (fewer TLB misses on the
 * random accesses of a hash table; PERF-NOTES: ~245 ns instead of ~340 ns
 * per dependent miss).
 */
#ifndef REID_BIGMEM_H
#define REID_BIGMEM_H

#include <stddef.h>

/* A zeroed array of at least bytes (rounded up to 4 KiB pages, or from 64 KiB on to whole 2 MiB
 * pages at a 2 MiB boundary); NULL when out of memory. Free it with the same byte count. */
void *reid_big_alloc(size_t bytes);

/* Grow p from old to new bytes, keeping its contents (the new part is zeroed); NULL on failure
 * (p is then unchanged). */
void *reid_big_grow(void *p, size_t old_bytes, size_t new_bytes);

/* Give back what lies beyond new bytes of p (old bytes long); free it with new bytes from then on.
 * Returns p (NULL, p freed, when new_bytes is 0). */
void *reid_big_shrink(void *p, size_t old_bytes, size_t new_bytes);

void reid_big_free(void *p, size_t bytes);

#endif
