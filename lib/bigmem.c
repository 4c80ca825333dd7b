/* bigmem.c - mmap / mremap arrays with huge-page advice (Linux); malloc elsewhere. */
#if defined(__linux__)
#define _GNU_SOURCE /* mremap */
#endif
#include "bigmem.h"

#include <stdlib.h>
#include <string.h>

#if defined(__linux__)
#include <sys/mman.h>

#define HUGE_BYTES ((size_t)2 << 20)

static size_t round_pages(size_t bytes)
{
    const size_t page = 4096;
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

void *reid_big_alloc(size_t bytes)
{
    size_t n = round_pages(bytes);
    void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return NULL;
    advise(p, n);
    return p;
}

void *reid_big_grow(void *p, size_t old_bytes, size_t new_bytes)
{
    if (!p) return reid_big_alloc(new_bytes);
    size_t o = round_pages(old_bytes), n = round_pages(new_bytes);
    if (n <= o) return p;
    void *q = mremap(p, o, n, MREMAP_MAYMOVE);
    if (q == MAP_FAILED) return NULL;
    advise(q, n);
    return q;
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

void reid_big_free(void *p, size_t bytes)
{
    (void)bytes;
    free(p);
}
#endif
