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

/* Lengths around the 8 bytes kept inline in a slot: 0, 1, 7, 8, 9 and every length up to 17, and
 * values that differ only in trailing NUL bytes (the same zero-padded head: the length in the
 * slot's tag tells them apart). */
static void test_inline_lengths(void **state)
{
    (void)state;
    static const char base[] = "SW1A 1AAxyzABCDEFG"; /* 18 bytes */
    static const struct {
        const char *s;
        size_t len;
    } nul[] = {
        {"", 0},
        {"\0", 1},
        {"\0\0\0\0\0\0\0", 7},
        {"\0\0\0\0\0\0\0\0", 8},
        {"a", 1},
        {"a\0", 2},
        {"a\0\0\0\0\0\0", 7},
        {"a\0\0\0\0\0\0\0", 8},
        {"a\0\0\0\0\0\0\0\0", 9},
        {"1234567", 7},
        {"1234567\0", 8},
        {"12345678\0", 9},
        {"12345678", 8},
        {"1234", 4},
    };
    const size_t nn = sizeof nul / sizeof *nul;
    reid_dict d;
    assert_int_equal(reid_dict_init(&d), 0);
    uint32_t next = 1;
    for (size_t len = 0; len <= 17; len++)
        assert_int_equal(intern(&d, base, len), next++); /* every prefix of "SW1A 1AA..." */
    for (size_t i = 0; i < nn; i++) {
        /* "" is the prefix of length 0 above; "1234..." are new */
        uint32_t want = nul[i].len == 0 ? 1 : next++;
        assert_int_equal(intern(&d, nul[i].s, nul[i].len), want);
    }
    assert_int_equal(reid_dict_values(&d), next - 1);
    for (size_t len = 0; len <= 17; len++) {
        uint32_t id = 0;
        assert_int_equal(reid_dict_find(&d, base, len, &id), 1);
        assert_int_equal(id, len + 1);
        assert_value(&d, id, base, len);
    }
    for (size_t i = 0, id = 19; i < nn; i++) {
        if (!nul[i].len) continue;
        uint32_t got = 0;
        assert_int_equal(reid_dict_find(&d, nul[i].s, nul[i].len, &got), 1);
        assert_int_equal(got, id);
        assert_value(&d, got, nul[i].s, nul[i].len);
        id++;
    }
    /* a value is read only within its length: no bytes past it are compared or copied */
    char *heap = malloc(5);
    assert_non_null(heap);
    memcpy(heap, "SW1A ", 5);
    assert_int_equal(intern(&d, heap, 5), 6);
    assert_int_equal(intern(&d, heap + 4, 1), next); /* " " */
    free(heap);
    reid_dict_free(&d);
}

/* Many values with the same first 8 bytes and different tails (the slot's head matches, the arena
 * decides), through several growths. */
static void test_same_head(void **state)
{
    (void)state;
    const uint32_t n = 5000;
    reid_dict d;
    assert_int_equal(reid_dict_init(&d), 0);
    char buf[64];
    assert_int_equal(intern(&d, "ABCDEFGH", 8), 1);
    for (uint32_t i = 0; i < n; i++) {
        int len = snprintf(buf, sizeof buf, "ABCDEFGH%u", i);
        assert_int_equal(intern(&d, buf, (size_t)len), i + 2);
    }
    for (uint32_t i = 0; i < n; i++) {
        int len = snprintf(buf, sizeof buf, "ABCDEFGH%u", i);
        uint32_t id = 0;
        assert_int_equal(reid_dict_find(&d, buf, (size_t)len, &id), 1);
        assert_int_equal(id, i + 2);
        assert_value(&d, id, buf, (size_t)len);
    }
    uint32_t id = 0;
    assert_int_equal(reid_dict_find(&d, "ABCDEFGH", 8, &id), 1);
    assert_int_equal(id, 1);
    assert_int_equal(reid_dict_find(&d, "ABCDEFGH5000", 12, &id), 0);
    assert_int_equal(reid_dict_find(&d, "ABCDEFGX1", 9, &id), 0);
    reid_dict_free(&d);
}

/* Forced hash collisions: every value passed with the same hash h, so all share one home slot and
 * one tag, and only the exact comparison (length and head in the slot, then the arena) separates
 * them. 31 values stay within the first table of 64 slots (the table grows at 32 values, and its
 * growth rehashes with the real hash), so the whole probe chain is the collision. */
static void test_forced_collisions(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        size_t len;
    } vals[] = {
        {"", 0},
        {"a", 1},
        {"a\0", 2},
        {"b", 1},
        {"abcdefg", 7},
        {"abcdefh", 7},
        {"abcdefgh", 8},
        {"abcdefgi", 8},
        {"abcdefgh\0", 9},
        {"abcdefghi", 9},
        {"abcdefghj", 9},
        {"abcdefghij", 10},
        {"abcdefghik", 10},
        {"SW1A 1AA", 8},
        {"SW1A 1AB", 8},
        {"SW1A1AA", 7},
        {"abcdefghijklmnopq", 17},
        {"abcdefghijklmnopr", 17},
    };
    const size_t n = sizeof vals / sizeof *vals;
    const uint64_t hs[] = {0, 0xFFFFFFFFFFFFFFFFull, 0x123456789ABCDEF0ull};
    for (size_t k = 0; k < sizeof hs / sizeof *hs; k++) {
        const uint64_t h = hs[k];
        reid_dict d;
        assert_int_equal(reid_dict_init(&d), 0);
        uint32_t id = 0;
        for (size_t i = 0; i < n; i++) {
            assert_int_equal(reid_dict_intern_hashed(&d, vals[i].s, vals[i].len, h, &id), 0);
            assert_int_equal(id, i + 1);
        }
        assert_int_equal(reid_dict_values(&d), n);
        for (size_t i = n; i-- > 0;) {
            reid_dict_prefetch(&d, h);
            reid_dict_prefetch_entry(&d, h);
            assert_int_equal(reid_dict_intern_hashed(&d, vals[i].s, vals[i].len, h, &id), 0);
            assert_int_equal(id, i + 1);
            assert_int_equal(reid_dict_find_hashed(&d, vals[i].s, vals[i].len, h, &id), 1);
            assert_int_equal(id, i + 1);
            assert_value(&d, id, vals[i].s, vals[i].len);
        }
        assert_int_equal(reid_dict_find_hashed(&d, "abcdefghijklmnops", 17, h, &id), 0);
        assert_int_equal(reid_dict_find_hashed(&d, "c", 1, h, &id), 0);
        assert_int_equal(reid_dict_values(&d), n);
        reid_dict_free(&d);
    }
}

/* Growth: the memory reported follows the table (16-byte slots at load <= 3/4, 12-byte entries),
 * and the slots double just past the load. */
static void test_bytes_per_value(void **state)
{
    (void)state;
    reid_dict d;
    assert_int_equal(reid_dict_init(&d), 0);
    char buf[16];
    uint64_t before = reid_dict_bytes(&d);
    for (uint32_t i = 0; i < 98303; i++) {
        int len = snprintf(buf, sizeof buf, "%07u", i); /* 7 bytes: inline, no arena */
        assert_int_equal(intern(&d, buf, (size_t)len), i + 1);
    }
    uint64_t after = reid_dict_bytes(&d);
    assert_true(after > before);
    /* 98,304 ids (with missing): exactly 3/4 of 131,072 slots, and 131,072 entries */
    assert_int_equal(after, 131072u * sizeof(reid_dict_slot) + 131072u * sizeof(reid_dict_entry));
    /* one more passes the load: twice the slots */
    assert_int_equal(intern(&d, "x", 1), 98304);
    assert_int_equal(reid_dict_bytes(&d),
                     262144u * sizeof(reid_dict_slot) + 131072u * sizeof(reid_dict_entry));
    for (uint32_t i = 0; i < 98303; i++) { /* every value still found after the move */
        int len = snprintf(buf, sizeof buf, "%07u", i);
        assert_int_equal(intern(&d, buf, (size_t)len), i + 1);
    }
    reid_dict_free(&d);
}

/* A value's head (reid_dict_head, the slots' key and valsnap.h's) is its bytes in memory order
 * followed by zeros: for every value of up to 3 bytes over an alphabet with NUL and a high byte,
 * and for random values of 4 to 8 bytes; and reid_dict_head_bytes gives the bytes back. */
static void test_head_bytes(void **state)
{
    (void)state;
    static const char alpha[] = {'\0', 'a', 'b', '\xff'};
    char buf[8], back[8];
    uint64_t want;
    assert_int_equal(reid_dict_head("", 0), 0);
    for (size_t len = 1; len <= 8; len++)
        for (unsigned x = 0; x < 4096; x++) {
            memset(buf, 0, sizeof buf);
            for (size_t i = 0; i < len; i++) /* 2 bits a byte, then a mix for the longer ones */
                buf[i] =
                    i < 6 ? alpha[(x >> (2 * i)) & 3] : (char)(x * 2654435761u >> (8 * i % 24));
            memcpy(&want, buf, 8);
            assert_int_equal(reid_dict_head(buf, len), want);
            reid_dict_head_bytes(reid_dict_head(buf, len), back);
            assert_memory_equal(back, buf, 8);
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_intern_and_find),
        cmocka_unit_test(test_prefixes_and_nul_bytes),
        cmocka_unit_test(test_growth_keeps_every_id),
        cmocka_unit_test(test_inline_lengths),
        cmocka_unit_test(test_same_head),
        cmocka_unit_test(test_head_bytes),
        cmocka_unit_test(test_forced_collisions),
        cmocka_unit_test(test_bytes_per_value),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
