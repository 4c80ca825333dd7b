/* test_bigmem.c - the tables' large arrays (lib/bigmem.h): zeroed, grown with their contents, and
 * from 64 KiB on made of whole 2 MiB pages at 2 MiB boundaries (Linux). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "bigmem.h"

#define MIB ((size_t)1 << 20)

static void assert_zero(const unsigned char *p, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++)
        if (p[i]) fail_msg("byte %zu is %u, not 0", i, p[i]);
}

static void fill(unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)(i * 7 + 1);
}

static void assert_filled(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != (unsigned char)(i * 7 + 1)) fail_msg("byte %zu lost", i);
}

static void assert_huge_aligned(const void *p)
{
#if defined(__linux__)
    assert_int_equal((uintptr_t)p % (2 * MIB), 0);
#else
    (void)p;
#endif
}

static void test_small_array(void **state)
{
    (void)state;
    unsigned char *p = reid_big_alloc(1000);
    assert_non_null(p);
    assert_zero(p, 0, 1000);
    fill(p, 1000);
    /* growing within its page keeps it where it is */
    assert_ptr_equal(reid_big_grow(p, 1000, 4000), p);
    assert_filled(p, 1000);
    assert_zero(p, 1000, 4000);
    reid_big_free(p, 4000);
}

static void test_large_array_is_aligned(void **state)
{
    (void)state;
    size_t sizes[] = {64 << 10, 2 * MIB, 3 * MIB + 5};
    for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
        unsigned char *p = reid_big_alloc(sizes[k]);
        assert_non_null(p);
        assert_huge_aligned(p);
        assert_zero(p, 0, sizes[k]);
        fill(p, sizes[k]);
        reid_big_free(p, sizes[k]);
    }
}

static void test_growth_across_the_threshold(void **state)
{
    (void)state;
    /* 4 KiB pages, then huge pages: moved to an aligned mapping with its contents */
    size_t n = 40 << 10;
    unsigned char *p = reid_big_alloc(n);
    assert_non_null(p);
    fill(p, n);
    size_t m = 300 << 10;
    unsigned char *q = reid_big_grow(p, n, m);
    assert_non_null(q);
    assert_huge_aligned(q);
    assert_filled(q, n);
    assert_zero(q, n, m);
    /* within the same 2 MiB: no move */
    assert_ptr_equal(reid_big_grow(q, m, MIB), q);
    /* beyond it: contents kept, the new part zeroed */
    fill(q, MIB);
    unsigned char *r = reid_big_grow(q, MIB, 9 * MIB);
    assert_non_null(r);
    assert_filled(r, MIB);
    assert_zero(r, MIB, 9 * MIB);
    /* shrinking is a no-op */
    assert_ptr_equal(reid_big_grow(r, 9 * MIB, MIB), r);
    reid_big_free(r, 9 * MIB);
    /* growing NULL allocates */
    unsigned char *s = reid_big_grow(NULL, 0, 100 << 10);
    assert_non_null(s);
    assert_zero(s, 0, 100 << 10);
    reid_big_free(s, 100 << 10);
}

/* Shrinking gives back the pages beyond the new size and keeps the rest; the array is then freed
 * with its new size. */
static void test_shrink(void **state)
{
    (void)state;
    const size_t n = 9 * MIB;
    unsigned char *p = reid_big_alloc(n);
    assert_non_null(p);
    fill(p, 3 * MIB + 5);
    assert_ptr_equal(reid_big_shrink(p, n, 3 * MIB + 5), p);
    assert_filled(p, 3 * MIB + 5);
#if defined(__linux__)
    /* the last 5 MiB are no longer mapped: msync says so (ENOMEM) */
    assert_int_equal(msync(p + 4 * MIB, 4096, MS_ASYNC), -1);
    assert_int_equal(errno, ENOMEM);
    assert_int_equal(msync(p + 2 * MIB, 4096, MS_ASYNC), 0);
#endif
    /* below 64 KiB: whole 4 KiB pages */
    assert_ptr_equal(reid_big_shrink(p, 3 * MIB + 5, 40000), p);
    assert_filled(p, 40000);
#if defined(__linux__)
    assert_int_equal(msync(p + 40960, 4096, MS_ASYNC), -1);
#endif
    /* to nothing: freed */
    assert_null(reid_big_shrink(p, 40000, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small_array),
        cmocka_unit_test(test_large_array_is_aligned),
        cmocka_unit_test(test_growth_across_the_threshold),
        cmocka_unit_test(test_shrink),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
