/* test_dict.c - the per-column value dictionary (lib/dict.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dict.h"

static uint32_t intern(reid_dict *d, const char *s, size_t len)
{
    uint32_t id = 0xDEADBEEF;
    assert_int_equal(reid_dict_intern(d, s, len, &id), 0);
    return id;
}

static void assert_value(const reid_dict *d, uint32_t id, const char *want, size_t wlen)
{
    size_t len = 999;
    const char *v = reid_dict_value(d, id, &len);
    assert_non_null(v);
    assert_int_equal(len, wlen);
    if (wlen) assert_memory_equal(v, want, wlen);
}

static void test_empty(void **state)
{
    (void)state;
    reid_dict d;
    assert_int_equal(reid_dict_init(&d), 0);
    assert_int_equal(reid_dict_values(&d), 0);
    uint32_t id = 77;
    assert_int_equal(reid_dict_find(&d, "x", 1, &id), 0);
    assert_int_equal(id, 77); /* untouched when not found */
    /* id 0 is the missing value: it exists, with no bytes */
    assert_value(&d, REID_DICT_MISSING, "", 0);
    size_t len;
    assert_null(reid_dict_value(&d, 1, &len));
    assert_true(reid_dict_bytes(&d) > 0);
    reid_dict_free(&d);
}

static void test_intern_and_find(void **state)
{
    (void)state;
    reid_dict d;
    assert_int_equal(reid_dict_init(&d), 0);
    assert_int_equal(intern(&d, "apple", 5), 1);
    assert_int_equal(intern(&d, "banana", 6), 2);
    assert_int_equal(intern(&d, "apple", 5), 1);
    assert_int_equal(intern(&d, "cherry", 6), 3);
    assert_int_equal(intern(&d, "banana", 6), 2);
    assert_int_equal(reid_dict_values(&d), 3);

    uint32_t id = 0;
    assert_int_equal(reid_dict_find(&d, "banana", 6, &id), 1);
    assert_int_equal(id, 2);
    assert_int_equal(reid_dict_find(&d, "cherry", 6, &id), 1);
    assert_int_equal(id, 3);
    assert_int_equal(reid_dict_find(&d, "Apple", 5, &id), 0); /* exact bytes */
    assert_int_equal(reid_dict_find(&d, "banan", 5, &id), 0);
    assert_value(&d, 1, "apple", 5);
    assert_value(&d, 2, "banana", 6);
    assert_value(&d, 3, "cherry", 6);
    size_t len;
    assert_null(reid_dict_value(&d, 4, &len));

    /* the pre-hashed form gives the same ids */
    assert_int_not_equal(reid_dict_hash("banana", 6), reid_dict_hash("banane", 6));
    assert_int_equal(reid_dict_intern_hashed(&d, "banana", 6, reid_dict_hash("banana", 6), &id), 0);
    assert_int_equal(id, 2);
    assert_int_equal(reid_dict_intern_hashed(&d, "date", 4, reid_dict_hash("date", 4), &id), 0);
    assert_int_equal(id, 4);
    assert_int_equal(intern(&d, "date", 4), 4);
    reid_dict_free(&d);
}

static void test_prefixes_and_nul_bytes(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        size_t len;
    } vals[] = {
        {"a", 1},         {"ab", 2},           {"ab\0", 3}, {"ab\0c", 4}, {"abc", 3},
        {"\0", 1},        {"\0\0", 2},         {"a\0b", 3}, {"a\0c", 3},  {"abcdefghij", 10},
        {"abcdefghi", 9}, {"abcdefghijk", 11}, {"b", 1},
    };
    const size_t n = sizeof vals / sizeof *vals;
    reid_dict d;
    assert_int_equal(reid_dict_init(&d), 0);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(intern(&d, vals[i].s, vals[i].len), i + 1);
    assert_int_equal(reid_dict_values(&d), n);
    /* again, in reverse: the same ids, nothing new */
    for (size_t i = n; i-- > 0;)
        assert_int_equal(intern(&d, vals[i].s, vals[i].len), i + 1);
    assert_int_equal(reid_dict_values(&d), n);
    for (size_t i = 0; i < n; i++) {
        uint32_t id = 0;
        assert_int_equal(reid_dict_find(&d, vals[i].s, vals[i].len, &id), 1);
        assert_int_equal(id, i + 1);
        assert_value(&d, (uint32_t)(i + 1), vals[i].s, vals[i].len);
    }
    reid_dict_free(&d);
}

static void test_growth_keeps_every_id(void **state)
{
    (void)state;
    const uint32_t n = 150000;
    reid_dict d;
    assert_int_equal(reid_dict_init(&d), 0);
    char buf[32];
    for (uint32_t i = 0; i < n; i++) {
        int len = snprintf(buf, sizeof buf, "value-%u", i);
        assert_int_equal(intern(&d, buf, (size_t)len), i + 1);
        /* every so often, an earlier value again: no new id */
        if (i % 1000 == 999) {
            len = snprintf(buf, sizeof buf, "value-%u", i / 2);
            assert_int_equal(intern(&d, buf, (size_t)len), i / 2 + 1);
        }
    }
    assert_int_equal(reid_dict_values(&d), n);
    for (uint32_t i = 0; i < n; i++) {
        int len = snprintf(buf, sizeof buf, "value-%u", i);
        uint32_t id = 0;
        if (reid_dict_find(&d, buf, (size_t)len, &id) != 1 || id != i + 1) {
            print_error("value-%u: found id %u, expected %u\n", i, id, i + 1);
            fail();
        }
        assert_value(&d, i + 1, buf, (size_t)len);
    }
    uint32_t id;
    assert_int_equal(reid_dict_find(&d, "value-150000", 12, &id), 0);
    reid_dict_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_intern_and_find),
        cmocka_unit_test(test_prefixes_and_nul_bytes),
        cmocka_unit_test(test_growth_keeps_every_id),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
