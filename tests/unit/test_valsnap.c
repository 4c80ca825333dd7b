/*
 * test_valsnap.c - snapshots of a dictionary's short values (lib/valsnap.h): a snapshot finds
 * each short value's id and nothing else, skips longer values, keeps the ones before it, and
 * counts their bytes; values that differ only by trailing NULs. (The heads they are keyed by:
 * test_dict.c.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "valsnap.h"

static void test_snapshot(void **state)
{
    (void)state;
    reid_dict d;
    assert_int_equal(reid_dict_init(&d), 0);
    char v[32];
    uint32_t id;
    /* 3,000 values: short ones of every length 1 to 8 (some differing only in their last byte,
     * some only in their length through a NUL), and longer ones */
    for (int i = 0; i < 3000; i++) {
        size_t len;
        if (i % 5 == 4) {
            len = (size_t)snprintf(v, sizeof v, "a longer value %d", i);
        } else {
            len = 1 + (size_t)i % 8;
            memset(v, 'x', len);
            v[len - 1] = (char)(i / 8 % 251); /* NUL and high bytes too */
            if (len > 1) v[0] = (char)('0' + i / 2008);
        }
        assert_int_equal(reid_dict_intern(&d, v, len, &id), 0);
    }
    assert_int_equal(reid_dict_intern(&d, "a\0", 2, &id), 0); /* "a" and "a\0": one head */
    assert_int_equal(reid_dict_intern(&d, "a", 1, &id), 0);
    reid_valsnap *s1 = reid_valsnap_build(&d, NULL);
    assert_non_null(s1);
    assert_int_equal(s1->count, d.count);
    size_t shorts = 0;
    for (uint32_t i = 1; i < d.count; i++) {
        size_t len;
        const char *x = reid_dict_value(&d, i, &len);
        uint32_t got =
            len <= REID_VALSNAP_BYTES ? reid_valsnap_find(s1, reid_dict_head(x, len), len) : 0;
        assert_int_equal(got, len <= REID_VALSNAP_BYTES ? i : 0);
        shorts += len <= REID_VALSNAP_BYTES;
        /* the same head at another length is another value: x's bytes followed by NULs
         * (x has none), found only when the dictionary has it */
        if (len > REID_VALSNAP_BYTES || memchr(x, 0, len)) continue;
        for (size_t other = 1; other <= REID_VALSNAP_BYTES; other++) {
            if (other == len) continue;
            char pad[8] = {0};
            memcpy(pad, x, len);
            uint32_t want = 0;
            if (other > len) reid_dict_find(&d, pad, other, &want);
            assert_int_equal(reid_valsnap_find(s1, reid_dict_head(x, len), other), want);
        }
    }
    assert_true(shorts > 1500);
    /* absent values: new bytes, or a known value's bytes at another length */
    assert_int_equal(reid_valsnap_find(s1, reid_dict_head("zzzz", 4), 4), 0);
    assert_int_equal(reid_valsnap_find(s1, reid_dict_head("a", 1), 3), 0);
    /* a value added after the snapshot is not in it, but is in the next, which keeps the first */
    assert_int_equal(reid_dict_intern(&d, "new", 3, &id), 0);
    assert_int_equal(reid_valsnap_find(s1, reid_dict_head("new", 3), 3), 0);
    reid_valsnap *s2 = reid_valsnap_build(&d, s1);
    assert_non_null(s2);
    assert_ptr_equal(s2->prev, s1);
    assert_int_equal(reid_valsnap_find(s2, reid_dict_head("new", 3), 3), id);
    assert_true(reid_valsnap_bytes(s2) > reid_valsnap_bytes(s1));
    assert_true(reid_valsnap_bytes(s1) >= 2 * (uint64_t)d.count * sizeof s1->slots[0] / 2);
    assert_int_equal(reid_valsnap_bytes(NULL), 0);
    reid_valsnap_free(s2); /* and s1 */
    reid_dict_free(&d);
}

/* Values that differ only by trailing NULs have one head: the length tells them apart,
 * whichever of the two a lookup meets first. For 255 bytes c, "c\0" and then "c" after 12 other
 * values, in tables of 32 slots: in some of them (6, with the hash of valsnap.h) the lookup of "c"
 * passes the slot of "c\0" first. */
static void test_trailing_nul(void **state)
{
    (void)state;
    for (int c = 1; c < 256; c++) {
        reid_dict d;
        assert_int_equal(reid_dict_init(&d), 0);
        uint32_t id;
        for (int k = 0; k < 12; k++) {
            char w[16];
            int n = snprintf(w, sizeof w, "%d", c * 100 + k);
            assert_int_equal(reid_dict_intern(&d, w, (size_t)n, &id), 0);
        }
        const char v[2] = {(char)c, 0};
        uint32_t id2, id1;
        assert_int_equal(reid_dict_intern(&d, v, 2, &id2), 0);
        assert_int_equal(reid_dict_intern(&d, v, 1, &id1), 0);
        reid_valsnap *s = reid_valsnap_build(&d, NULL);
        assert_non_null(s);
        assert_int_equal(s->mask, 31);
        assert_int_equal(reid_valsnap_find(s, reid_dict_head(v, 1), 1), id1);
        assert_int_equal(reid_valsnap_find(s, reid_dict_head(v, 2), 2), id2);
        assert_int_equal(reid_valsnap_find(s, reid_dict_head(v, 1), 3), 0);
        reid_valsnap_free(s);
        reid_dict_free(&d);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_snapshot),
        cmocka_unit_test(test_trailing_nul),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
