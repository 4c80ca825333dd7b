/* test_classtable.c - the class table: QI tuple -> class size (lib/classtable.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classtable.h"
#include "unit_helpers.h"

static uint64_t const_hash(const void *key, size_t len)
{
    (void)key;
    (void)len;
    return 0x9E3779B97F4A7C15ull;
}

/* Only two hash values, chosen by the first key byte: long runs of equal tags. */
static uint64_t two_hash(const void *key, size_t len)
{
    (void)len;
    return (*(const unsigned char *)key & 1) ? 0xAAAAAAAA00000001ull : 0x5555555500000002ull;
}

/* Every key starts probing at the same slot (low bits constant); keys differ only in the top 32
 * bits, where a slot keeps its tag: the tags alone tell them apart until the table is large
 * enough that its slots keep fewer tag bits than the keys differ in. */
static uint64_t top_hash(const void *key, size_t len)
{
    (void)len;
    uint32_t k;
    memcpy(&k, key, sizeof k);
    return ((uint64_t)(k * 0x9E3779B1u) << 32) | 7u;
}

static void add(reid_classtable *t, const uint32_t *key, uint64_t count)
{
    assert_int_equal(reid_classtable_add(t, key, count), 0);
}

static uint64_t size_of(const reid_classtable *t, const uint32_t *key)
{
    int64_t c = reid_classtable_find(t, key);
    if (c < 0) return 0;
    assert_memory_equal(reid_classtable_key(t, (uint64_t)c), key, t->q * sizeof *key);
    return t->sizes[c];
}

/* Same classes with the same sizes, whatever the order. */
static void assert_tables_equal(const reid_classtable *x, const reid_classtable *y)
{
    assert_int_equal(x->q, y->q);
    assert_int_equal(x->nclasses, y->nclasses);
    assert_int_equal(x->records, y->records);
    for (uint64_t c = 0; c < x->nclasses; c++) {
        const uint32_t *k = reid_classtable_key(x, c);
        assert_int_equal(size_of(y, k), x->sizes[c]);
    }
}

static void test_counts_and_find(void **state)
{
    (void)state;
    reid_classtable t;
    assert_int_equal(reid_classtable_init(&t, 3), 0);
    const uint32_t a[3] = {1, 2, 3}, b[3] = {1, 2, 4}, c[3] = {0, 0, 0}, d[3] = {3, 2, 1};
    add(&t, a, 1);
    add(&t, b, 1);
    add(&t, a, 1);
    add(&t, c, 5);
    add(&t, a, 2);
    assert_int_equal(t.nclasses, 3);
    assert_int_equal(t.records, 10);
    assert_int_equal(size_of(&t, a), 4);
    assert_int_equal(size_of(&t, b), 1);
    assert_int_equal(size_of(&t, c), 5);
    assert_int_equal(reid_classtable_find(&t, d), -1);
    /* classes are stored in insertion order */
    assert_int_equal(reid_classtable_find(&t, a), 0);
    assert_int_equal(reid_classtable_find(&t, b), 1);
    assert_int_equal(reid_classtable_find(&t, c), 2);
    assert_memory_equal(reid_classtable_key(&t, 1), b, sizeof b);
    assert_true(reid_classtable_bytes(&t) > 0);
    /* the hashed form adds to the same class */
    add(&t, d, 1);
    assert_int_equal(reid_classtable_add_hashed(&t, d, reid_classtable_hash(&t, d), 2), 0);
    assert_int_equal(size_of(&t, d), 3);
    assert_int_equal(t.nclasses, 4);
    assert_int_equal(t.records, 13);
    reid_classtable_free(&t);
}

static void test_growth_random_keys(void **state)
{
    (void)state;
    enum { A = 1000, B = 2000, N = 1000000 };
    uint32_t *ref = calloc((size_t)A * B, sizeof *ref);
    assert_non_null(ref);
    reid_classtable t;
    assert_int_equal(reid_classtable_init(&t, 2), 0);
    uint64_t seed = 0x1234567u;
    for (uint32_t i = 0; i < N; i++) {
        uint64_t r = unit_rng_next(&seed);
        uint32_t key[2] = {(uint32_t)(r % A), (uint32_t)((r >> 32) % B)};
        add(&t, key, 1);
        ref[(size_t)key[0] * B + key[1]]++;
    }
    uint64_t distinct = 0;
    for (size_t i = 0; i < (size_t)A * B; i++)
        distinct += ref[i] != 0;
    assert_int_equal(t.records, N);
    assert_int_equal(t.nclasses, distinct);
    assert_true(distinct > 300000); /* the table really grew */
    uint64_t sum = 0;
    for (uint64_t c = 0; c < t.nclasses; c++) {
        const uint32_t *k = reid_classtable_key(&t, c);
        assert_int_equal(t.sizes[c], ref[(size_t)k[0] * B + k[1]]);
        sum += t.sizes[c];
    }
    assert_int_equal(sum, N);
    /* every key: found exactly when counted */
    for (uint32_t x = 0; x < A; x += 7) {
        for (uint32_t y = 0; y < B; y++) {
            uint32_t key[2] = {x, y};
            int64_t c = reid_classtable_find(&t, key);
            if (ref[(size_t)x * B + y] == 0) {
                assert_int_equal(c, -1);
            } else {
                assert_true(c >= 0);
                assert_int_equal(t.sizes[c], ref[(size_t)x * B + y]);
            }
        }
    }
    reid_classtable_free(&t);
    free(ref);
}

/* Key i of q ids: 0x77 everywhere but in position i % q, which holds i; so two keys differ in one
 * or two positions, anywhere in the key (the compare of keys of up to 16 bytes reads them as two
 * overlapping words: every byte must count). */
static void collision_key(uint32_t *key, unsigned q, uint32_t i)
{
    for (unsigned j = 0; j < q; j++)
        key[j] = j == i % q ? i : 0x77;
}

static void collisions_with(reid_hash_fn fn, unsigned q)
{
    enum { K = 5000 };
    reid_classtable t;
    uint32_t key[8];
    assert_int_equal(reid_classtable_init(&t, q), 0);
    reid_classtable_set_hash(&t, fn);
    /* key i is added (i % 7) + 1 times, interleaved */
    for (uint32_t round = 0; round < 7; round++)
        for (uint32_t i = 0; i < K; i++)
            if (round <= i % 7) {
                collision_key(key, q, i);
                add(&t, key, 1);
            }
    assert_int_equal(t.nclasses, K);
    uint64_t want_records = 0;
    for (uint32_t i = 0; i < K; i++) {
        collision_key(key, q, i);
        assert_int_equal(size_of(&t, key), i % 7 + 1);
        assert_memory_equal(reid_classtable_key(&t, reid_classtable_find(&t, key)), key,
                            q * sizeof *key);
        want_records += i % 7 + 1;
    }
    assert_int_equal(t.records, want_records);
    /* keys that were never added, with the same hash */
    for (uint32_t i = K; i < K + 50; i++) {
        collision_key(key, q, i);
        assert_int_equal(reid_classtable_find(&t, key), -1);
    }
    reid_classtable_free(&t);
}

static void test_forced_collisions(void **state)
{
    (void)state;
    for (unsigned q = 1; q <= 6; q++) { /* keys of 4 to 24 bytes */
        collisions_with(const_hash, q);
        collisions_with(two_hash, q);
    }
}

/* Slots are 4 bytes: the class index + 1 in the low log2(slots) bits, the top bits of the hash
 * above it. Every slot must point at a class whose hash has that tag, and the counts must survive
 * the tag shrinking as the table grows. */
static void check_slots(const reid_classtable *t)
{
    uint64_t nslots = t->mask + 1, used = 0;
    assert_true(nslots < ((uint64_t)1 << 32));
    assert_int_equal(t->tagmask, (uint32_t) ~(nslots - 1));
    for (uint64_t i = 0; i < nslots; i++) {
        uint32_t s = t->slots[i];
        if (!s) continue;
        used++;
        uint64_t c = (uint64_t)(s & ~t->tagmask) - 1;
        assert_true(c < t->nclasses);
        uint64_t h = t->hash(reid_classtable_key(t, c), t->q * sizeof(uint32_t));
        assert_int_equal(s & t->tagmask, (uint32_t)(h >> 32) & t->tagmask);
    }
    assert_int_equal(used, t->nclasses);
}

static void test_slot_tags(void **state)
{
    (void)state;
    enum { K = 3000 };
    reid_classtable t;
    assert_int_equal(reid_classtable_init(&t, 1), 0);
    reid_classtable_set_hash(&t, top_hash);
    for (uint32_t round = 0; round < 3; round++)
        for (uint32_t i = 0; i < K; i++) {
            add(&t, &i, i + 1);
            if (i == 700 && round == 0) check_slots(&t); /* 1,024 slots: 22 tag bits */
        }
    check_slots(&t); /* 4,096 slots: 20 tag bits */
    assert_int_equal(t.nclasses, K);
    for (uint32_t i = 0; i < K; i++)
        assert_int_equal(size_of(&t, &i), 3 * (uint64_t)(i + 1));
    uint32_t absent = K + 1;
    assert_int_equal(reid_classtable_find(&t, &absent), -1);
    reid_classtable_free(&t);
    /* the default hash, 2^20 slots and more: 12 tag bits and fewer */
    assert_int_equal(reid_classtable_init(&t, 1), 0);
    for (uint32_t i = 0; i < 1000000; i++)
        add(&t, &i, 1);
    check_slots(&t);
    assert_true(t.mask + 1 >= ((uint64_t)1 << 20));
    reid_classtable_free(&t);
}

static void test_reserve(void **state)
{
    (void)state;
    enum { N = 5000 };
    reid_classtable t;
    assert_int_equal(reid_classtable_init(&t, 1), 0);
    uint32_t k0 = 424242;
    add(&t, &k0, 3);
    assert_int_equal(reid_classtable_reserve(&t, N), 0);
    assert_true(t.cap >= N);
    assert_true((t.mask + 1) * 3 >= (uint64_t)N * 4);
    /* the class added before is still there */
    assert_int_equal(size_of(&t, &k0), 3);
    const uint32_t *keys = t.keys;
    const uint64_t *sizes = t.sizes;
    const uint32_t *slots = t.slots;
    uint64_t mask = t.mask;
    for (uint32_t i = 1; i < N; i++)
        add(&t, &i, i);
    /* room for N classes: nothing was reallocated or rehashed */
    assert_int_equal(t.nclasses, N);
    assert_ptr_equal(t.keys, keys);
    assert_ptr_equal(t.sizes, sizes);
    assert_ptr_equal(t.slots, slots);
    assert_int_equal(t.mask, mask);
    for (uint32_t i = 1; i < N; i++)
        assert_int_equal(size_of(&t, &i), i);
    /* reserving less than there is changes nothing */
    assert_int_equal(reid_classtable_reserve(&t, 10), 0);
    assert_ptr_equal(t.keys, keys);
    assert_int_equal(t.mask, mask);
    /* and more than the maximum is refused */
    assert_int_equal(reid_classtable_reserve(&t, REID_CLASSTABLE_MAX_CLASSES + 1), -1);
    reid_classtable_free(&t);
}

/* Two random inputs over ids 0..V (0 = missing), q = 3. */
enum { Q = 3, V = 40, NA_ = 20000, NB_ = 15000 };

static void gen_key(uint64_t *seed, uint32_t *key)
{
    for (int j = 0; j < Q; j++)
        key[j] = (uint32_t)(unit_rng_next(seed) % (V + 1));
}

static void test_merge_without_remap(void **state)
{
    (void)state;
    reid_classtable a, b, both;
    assert_int_equal(reid_classtable_init(&a, Q), 0);
    assert_int_equal(reid_classtable_init(&b, Q), 0);
    assert_int_equal(reid_classtable_init(&both, Q), 0);
    uint64_t seed = 99;
    uint32_t key[Q];
    for (int i = 0; i < NA_; i++) {
        gen_key(&seed, key);
        add(&a, key, 1);
        add(&both, key, 1);
    }
    for (int i = 0; i < NB_; i++) {
        gen_key(&seed, key);
        add(&b, key, 1);
        add(&both, key, 1);
    }
    uint64_t b_classes = b.nclasses, b_records = b.records;
    assert_int_equal(reid_classtable_merge(&a, &b, NULL), 0);
    assert_tables_equal(&a, &both);
    assert_tables_equal(&both, &a);
    assert_int_equal(a.records, NA_ + NB_);
    /* the source is unchanged */
    assert_int_equal(b.nclasses, b_classes);
    assert_int_equal(b.records, b_records);

    /* merging into an empty table copies */
    reid_classtable e;
    assert_int_equal(reid_classtable_init(&e, Q), 0);
    assert_int_equal(reid_classtable_merge(&e, &b, NULL), 0);
    assert_tables_equal(&e, &b);
    reid_classtable_free(&e);

    /* different q: refused */
    reid_classtable other;
    assert_int_equal(reid_classtable_init(&other, Q + 1), 0);
    assert_int_equal(reid_classtable_merge(&other, &b, NULL), -1);
    reid_classtable_free(&other);

    reid_classtable_free(&a);
    reid_classtable_free(&b);
    reid_classtable_free(&both);
}

static void test_merge_with_remap(void **state)
{
    (void)state;
    /* b was built with its own dictionaries: its id v' means dst's id (V + 1 - v') for
     * column 0, (v' + 7) % V + 1 for column 1, and the same id for column 2; 0 stays 0 */
    uint32_t r0[V + 1], r1[V + 1], r2[V + 1];
    for (uint32_t v = 1; v <= V; v++) {
        r0[v] = V + 1 - v;
        r1[v] = (v + 7) % V + 1;
        r2[v] = v;
    }
    r0[0] = r1[0] = r2[0] = 0;
    /* and the inverse, to write b's keys */
    uint32_t inv0[V + 1], inv1[V + 1];
    for (uint32_t v = 0; v <= V; v++) {
        inv0[r0[v]] = v;
        inv1[r1[v]] = v;
    }
    const uint32_t *const remap[Q] = {r0, r1, r2};

    reid_classtable a, b, both;
    assert_int_equal(reid_classtable_init(&a, Q), 0);
    assert_int_equal(reid_classtable_init(&b, Q), 0);
    assert_int_equal(reid_classtable_init(&both, Q), 0);
    uint64_t seed = 7;
    uint32_t key[Q];
    for (int i = 0; i < NA_; i++) {
        gen_key(&seed, key);
        add(&a, key, 1);
        add(&both, key, 1);
    }
    for (int i = 0; i < NB_; i++) {
        gen_key(&seed, key);
        add(&both, key, 1);
        uint32_t bkey[Q] = {inv0[key[0]], inv1[key[1]], key[2]};
        add(&b, bkey, 1);
    }
    assert_int_equal(reid_classtable_merge(&a, &b, remap), 0);
    assert_tables_equal(&a, &both);
    assert_tables_equal(&both, &a);

    /* without the remap the result differs: the test can tell */
    reid_classtable wrong;
    assert_int_equal(reid_classtable_init(&wrong, Q), 0);
    uint64_t s2 = 7;
    for (int i = 0; i < NA_; i++) {
        gen_key(&s2, key);
        add(&wrong, key, 1);
    }
    assert_int_equal(reid_classtable_merge(&wrong, &b, NULL), 0);
    assert_int_equal(wrong.records, both.records);
    int differs = wrong.nclasses != both.nclasses;
    for (uint64_t c = 0; !differs && c < both.nclasses; c++)
        differs = size_of(&wrong, reid_classtable_key(&both, c)) != both.sizes[c];
    assert_true(differs);
    reid_classtable_free(&wrong);

    reid_classtable_free(&a);
    reid_classtable_free(&b);
    reid_classtable_free(&both);
}

/* The expected first value of class c, column m, in test_first_values: column 0 stays below 255,
 * column 1 passes 255 at class 700, column 2 passes 65,535 at class 1,500; every 7th class leaves
 * column 2 unset. */
static uint32_t expected_first(uint64_t c, unsigned m)
{
    if (m == 0) return (uint32_t)(c % 250);
    if (m == 1) return (uint32_t)(c < 700 ? c % 200 : 300 + c);
    if (c % 7 == 3) return REID_CLASSTABLE_UNSET;
    return (uint32_t)(c < 1500 ? c % 180 : 70000 + c);
}

static void check_firsts(const reid_classtable *t, uint64_t upto)
{
    for (uint64_t c = 0; c < upto; c++)
        for (unsigned m = 0; m < 3; m++)
            assert_int_equal(reid_classtable_first(t, c, m), expected_first(c, m));
}

/* First values stored in 1, then 2, then 4 bytes, widened without losing one, unset ones
 * included; the classes made after a widening start unset; a merge carries them into a table of
 * another width. */
static void test_first_values(void **state)
{
    (void)state;
    reid_classtable t;
    assert_int_equal(reid_classtable_init(&t, 1), 0);
    assert_int_equal(reid_classtable_use_sensitive(&t, 3), 0);
    assert_int_equal(t.sfw, 1);
    for (uint32_t c = 0; c < 3000; c++) {
        uint32_t key = c + 1;
        add(&t, &key, 1);
        for (unsigned m = 0; m < 3; m++)
            assert_int_equal(reid_classtable_first(&t, c, m), REID_CLASSTABLE_UNSET);
        for (unsigned m = 0; m < 3; m++) {
            uint32_t v = expected_first(c, m);
            if (v != REID_CLASSTABLE_UNSET)
                assert_int_equal(reid_classtable_set_first(&t, c, m, v), 0);
        }
        if (c == 699 || c == 1499) check_firsts(&t, c + 1);
        assert_int_equal(t.sfw, c < 700 ? 1u : c < 1500 ? 2u : 4u);
    }
    check_firsts(&t, 3000);
    /* 254 is the largest id of 1 byte (255 means unset), 65,534 of 2 */
    reid_classtable n;
    assert_int_equal(reid_classtable_init(&n, 1), 0);
    assert_int_equal(reid_classtable_use_sensitive(&n, 1), 0);
    uint32_t key = 9;
    add(&n, &key, 1);
    assert_int_equal(reid_classtable_set_first(&n, 0, 0, 254), 0);
    assert_int_equal(n.sfw, 1);
    assert_int_equal(reid_classtable_first(&n, 0, 0), 254);
    assert_int_equal(reid_classtable_set_first(&n, 0, 0, 255), 0);
    assert_int_equal(n.sfw, 2);
    assert_int_equal(reid_classtable_set_first(&n, 0, 0, 65534), 0);
    assert_int_equal(n.sfw, 2);
    assert_int_equal(reid_classtable_set_first(&n, 0, 0, 65535), 0);
    assert_int_equal(n.sfw, 4);
    assert_int_equal(reid_classtable_first(&n, 0, 0), 65535);
    reid_classtable_free(&n);
    /* into an empty table (1 byte): widened by the merge itself */
    reid_classtable d;
    assert_int_equal(reid_classtable_init(&d, 1), 0);
    assert_int_equal(reid_classtable_use_sensitive(&d, 3), 0);
    assert_int_equal(reid_classtable_merge(&d, &t, NULL), 0);
    assert_int_equal(d.sfw, 4);
    for (uint64_t c = 0; c < 3000; c++) {
        uint32_t k = (uint32_t)c + 1;
        int64_t i = reid_classtable_find(&d, &k);
        assert_true(i >= 0);
        for (unsigned m = 0; m < 3; m++)
            assert_int_equal(reid_classtable_first(&d, (uint64_t)i, m), expected_first(c, m));
    }
    reid_classtable_free(&d);
    reid_classtable_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts_and_find),   cmocka_unit_test(test_growth_random_keys),
        cmocka_unit_test(test_forced_collisions), cmocka_unit_test(test_slot_tags),
        cmocka_unit_test(test_reserve),           cmocka_unit_test(test_merge_without_remap),
        cmocka_unit_test(test_merge_with_remap),  cmocka_unit_test(test_first_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
