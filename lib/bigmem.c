/* bigmem.c - mmap / mremap arrays with huge-page advice (Linux); malloc elsewhere. */
#if defined(__linux__)
#define _GNU_SOURCE /* mremap */
#endif
#include "bigmem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__linux__)
#include <sys/mman.h>

#define HUGE_BYTES ((size_t)2 << 20)

/* From this size on, an array takes whole 2 MiB huge pages. On the VMs we measure on, each 4 KiB
 * page fault costs ~10 us (the fault itself, even when the memory is warm) while a 2 MiB fault
 * costs ~0.1 ms warm: a table that doubles its way to a few MB through 4 KiB pages paid
 * thousands of faults, ~15% of the CPU time of a 1 M-row run (docs/design.md, "Class table and
 * bytes per class"). Below it, small arrays (a column of a few values) keep 4 KiB pages and cost
 * no more than they use. */
#define HUGE_FROM ((size_t)64 << 10)

/* The bytes a mapping of `bytes` takes: whole 4 KiB pages, or whole huge pages from HUGE_FROM. */
static size_t round_pages(size_t bytes)
{
    const size_t page = bytes >= HUGE_FROM ? HUGE_BYTES : 4096;
    return bytes ? (bytes + page - 1) / page * page : page;
}

static void advise(void *p, size_t bytes)
{
#ifdef MADV_HUGEPAGE
    if (bytes >= HUGE_BYTES) madvise(p, bytes, MADV_HUGEPAGE);
#else
    (void)p, (void)bytes;
#endif
}

/* n bytes (a multiple of 4 KiB), mapped at a 2 MiB boundary when n is a multiple of 2 MiB, so that
 * every 2 MiB of it can be one huge page: a larger range is mapped and its ends cut off. */
static void *map_aligned(size_t n)
{
    size_t extra = n % HUGE_BYTES == 0 ? HUGE_BYTES : 0;
    char *p = mmap(NULL, n + extra, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return NULL;
    if (extra) {
        size_t head = (HUGE_BYTES - (uintptr_t)p % HUGE_BYTES) % HUGE_BYTES;
        if (head) munmap(p, head);
        if (extra - head) munmap(p + head + n, extra - head);
        p += head;
    }
    advise(p, n);
    return p;
}

void *reid_big_alloc(size_t bytes)
{
    return map_aligned(round_pages(bytes));
}

void *reid_big_grow(void *p, size_t old_bytes, size_t new_bytes)
{
    if (!p) return reid_big_alloc(new_bytes);
    size_t o = round_pages(old_bytes), n = round_pages(new_bytes);
    if (n <= o) return p;
    if (o % HUGE_BYTES != 0) { /* from 4 KiB pages to huge pages: a new aligned mapping */
        void *q = map_aligned(n);
        if (!q) return NULL;
        memcpy(q, p, old_bytes);
        munmap(p, o);
        return q;
    }
    /* stays aligned when it grows in place or moves: the kernel aligns large anonymous
     * ranges, and if not, the new part still works, with some 4 KiB pages */
    void *q = mremap(p, o, n, MREMAP_MAYMOVE);
    if (q == MAP_FAILED) return NULL;
    advise(q, n);
    return q;
}

void *reid_big_shrink(void *p, size_t old_bytes, size_t new_bytes)
{
    if (!p || !new_bytes) {
        reid_big_free(p, old_bytes);
        return NULL;
    }
    size_t o = round_pages(old_bytes), n = round_pages(new_bytes);
    if (n < o) munmap((char *)p + n, o - n); /* n is a whole number of 4 KiB pages */
    return p;
}

void reid_big_free(void *p, size_t bytes)
{
    if (p) munmap(p, round_pages(bytes));
}

#else /* portable fallback */

void *reid_big_alloc(size_t bytes)
{
    return calloc(1, bytes ? bytes : 1);
}

void *reid_big_grow(void *p, size_t old_bytes, size_t new_bytes)
{
    char *q = realloc(p, new_bytes);
    if (q && new_bytes > old_bytes) memset(q + old_bytes, 0, new_bytes - old_bytes);
    return q;
}

void *reid_big_shrink(void *p, size_t old_bytes, size_t new_bytes)
{
    (void)old_bytes;
    if (!new_bytes) {
        free(p);
        return NULL;
    }
    char *q = realloc(p, new_bytes);
    return q ? q : p;
}

void reid_big_free(void *p, size_t bytes)
{
    (void)bytes;
    free(p);
}
#endif
