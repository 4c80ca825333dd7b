/*
 * test_pseudonyms.c - the pseudonym reversal check (docs/pseudonyms.md): NHS check digits on
 * hand-computed examples, the size of the valid space, the search order, token formats and
 * decoding, the cheap cases, the bottom-k sample, and whole analyses over pseudonyms made here
 * from known valid NHS numbers (MD5 and SHA-256, salted and unsalted, hex of either case, base64,
 * the spaced form, truncated, HMAC): only the unsalted ones may be reversed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "nhsnumber.h"
#include "pseudonym_format.h"
#include "pseudonym_sample.h"
#include "reid.h"
#include "unit_helpers.h"

/* ---- check digits (by hand) ---- */

static void test_check_digit(void **state)
{
    (void)state;
    /* 943 476 5919, the documented example: 9*10+4*9+3*8+4*7+7*6+6*5+5*4+9*3+1*2 = 299;
     * 299 = 27*11 + 2; 11 - 2 = 9 */
    assert_int_equal(reid_nhs_check_digit(943476591), 9);
    /* 987 654 4321, the syntax example, is NOT valid: 90+72+56+42+30+20+16+9+4 = 339;
     * 339 = 30*11 + 9; 11 - 9 = 2, not 1 */
    assert_int_equal(reid_nhs_check_digit(987654432), 2);
    /* 999 000 037: 90+81+72+0+0+0+0+9+14 = 266 = 24*11 + 2 -> 9: 999 000 0379 */
    assert_int_equal(reid_nhs_check_digit(999000037), 9);
    /* 000 000 000: sum 0, 11 - 0 = 11 -> 0 */
    assert_int_equal(reid_nhs_check_digit(0), 0);
    /* 000 000 006: 6*2 = 12 = 11 + 1; 11 - 1 = 10: no valid number */
    assert_int_equal(reid_nhs_check_digit(6), -1);
    /* 000 000 001: 2 -> 9 */
    assert_int_equal(reid_nhs_check_digit(1), 9);
}

static void test_parse(void **state)
{
    (void)state;
    uint64_t v = 0;
    assert_int_equal(reid_nhs_parse("9434765919", 10, &v), 1);
    assert_int_equal(v, 9434765919ull);
    assert_int_equal(reid_nhs_parse("943 476 5919", 12, &v), 1);
    assert_int_equal(reid_nhs_parse("943-476-5919", 12, &v), 1);
    assert_int_equal(reid_nhs_parse("9434765918", 10, &v), 0);   /* wrong check digit */
    assert_int_equal(reid_nhs_parse("9876544321", 10, &v), 0);   /* see above */
    assert_int_equal(reid_nhs_parse("943 4765919", 11, &v), 0);  /* wrong grouping */
    assert_int_equal(reid_nhs_parse("943 476-5919", 12, &v), 0); /* mixed separators */
    assert_int_equal(reid_nhs_parse("94347659190", 11, &v), 0);
    assert_int_equal(reid_nhs_parse("94347659a9", 10, &v), 0);
    assert_int_equal(reid_nhs_parse("0000000000", 10, &v), 1);
    assert_int_equal(v, 0);
}

/*
 * The valid space, counted a second way: for an 8-digit prefix with weighted sum S, the ninth
 * digit d (weight 2) leaves no check digit when S + 2d = 1 (mod 11), i.e. d = 6(1 - S) mod 11
 * (2 * 6 = 12 = 1 mod 11); the prefix loses one stem when that d is 0..9 (not 10).
 */
static void test_valid_total(void **state)
{
    (void)state;
    /* the prefix is two halves of four digits: weights 10, 9, 8, 7 and 6, 5, 4, 3 */
    static unsigned hi[10000], lo[10000];
    for (unsigned x = 0; x < 10000; x++) {
        hi[x] = x / 1000 * 10 + x / 100 % 10 * 9 + x / 10 % 10 * 8 + x % 10 * 7;
        lo[x] = x / 1000 * 6 + x / 100 % 10 * 5 + x / 10 % 10 * 4 + x % 10 * 3;
    }
    uint64_t invalid = 0;
    for (unsigned h = 0; h < 10000; h++)
        for (unsigned l = 0; l < 10000; l++) {
            unsigned d = (6 * (1 + 11 * 20 - (hi[h] + lo[l]) % 11)) % 11;
            invalid += d <= 9;
        }
    assert_int_equal(1000000000ull - invalid, 909090910ull);
    assert_int_equal(reid_nhs_valid_total(), 909090910ull);
}

/* The order: CHI dates, then England/Wales/IoM, then 3xx, then the rest (counts by hand). */
static void test_head_order(void **state)
{
    (void)state;
    size_t n, likely;
    uint32_t *o = reid_nhs_head_order(0, 0, &n, &likely);
    assert_non_null(o);
    assert_int_equal(n, REID_NHS_HEADS);
    /* 366 days (29/02 kept) x 100 years = 36,600 CHI heads; 300,000 England/Wales/IoM heads;
     * the 3xx heads (100,000) less the dates among them (DD 30: 11 months, DD 31: 7 months,
     * x 100 years = 1,800): 434,800 */
    assert_int_equal(likely, 36600 + 300000 + 100000 - 1800);
    assert_int_equal(o[0], 10100); /* 01/01/00 */
    assert_int_equal(o[36599], 311299);
    assert_int_equal(o[36600], 400000);
    assert_int_equal(o[36600 + 300000], 300000);
    unsigned char *seen = calloc(REID_NHS_HEADS, 1);
    assert_non_null(seen);
    for (size_t i = 0; i < n; i++) {
        assert_true(o[i] < REID_NHS_HEADS);
        assert_int_equal(seen[o[i]], 0);
        seen[o[i]] = 1;
        if (i < 36600) assert_true(reid_nhs_head_is_date(o[i]));
    }
    free(seen);
    free(o);
    o = reid_nhs_head_order(9990000000ull, 9990029999ull, &n, NULL);
    assert_non_null(o);
    assert_int_equal(n, 3);
    assert_int_equal(o[0], 999000);
    assert_int_equal(o[2], 999002);
    free(o);
    assert_int_equal(reid_nhs_head_is_date(290200), 1);
    assert_int_equal(reid_nhs_head_is_date(300200), 0);
    assert_int_equal(reid_nhs_head_is_date(311100), 0); /* 31 November */
    assert_int_equal(reid_nhs_head_is_date(1300), 0);   /* day 00 */
}

/* ---- token formats ---- */

static void test_encoding(void **state)
{
    (void)state;
#define ENC(s) reid_token_encoding((s), strlen(s))
    assert_int_equal(ENC("9e107d9d372bb6826bd81d3542a419d6"), REID_ENC_HEX_LOWER);
    assert_int_equal(ENC("9E107D9D372BB6826BD81D3542A419D6"), REID_ENC_HEX_UPPER);
    assert_int_equal(ENC("9e107D9D"), REID_ENC_HEX_MIXED);
    assert_int_equal(ENC("0123"), REID_ENC_HEX_LOWER);
    assert_int_equal(ENC("Yo+2BzMdA/M5ms3mTD6t+w=="), REID_ENC_BASE64);
    assert_int_equal(ENC("m4Y32gn-bEZERuBZjHeVWFbr16uZw1a9UEFW1J2OuLY="), REID_ENC_BASE64URL);
    assert_int_equal(ENC("m4Y32gn-bEZERuBZjHeVWFbr16uZw1a9UEFW1J2OuLY"), REID_ENC_BASE64URL);
    assert_int_equal(ENC("abc+def-"), REID_ENC_OTHER); /* both alphabets */
    assert_int_equal(ENC("P-000123!"), REID_ENC_OTHER);
    assert_int_equal(ENC("ghijk"), REID_ENC_OTHER); /* 5 = 1 mod 4: not base64 */
    assert_int_equal(ENC("ab=c"), REID_ENC_OTHER);
#undef ENC
    int tr;
    assert_int_equal(reid_token_digest(REID_ENC_HEX_LOWER, 32, &tr), REID_MD_MD5);
    assert_int_equal(reid_token_digest(REID_ENC_HEX_UPPER, 40, &tr), REID_MD_SHA1);
    assert_int_equal(reid_token_digest(REID_ENC_HEX_LOWER, 64, &tr), REID_MD_SHA256);
    assert_int_equal(reid_token_digest(REID_ENC_HEX_MIXED, 128, &tr), REID_MD_SHA512);
    assert_int_equal(tr, 0);
    /* base64 of 16 bytes: 24 characters padded, 22 bare; of 32 bytes: 44 or 43 */
    assert_int_equal(reid_token_digest(REID_ENC_BASE64, 24, &tr), REID_MD_MD5);
    assert_int_equal(reid_token_digest(REID_ENC_BASE64URL, 22, &tr), REID_MD_MD5);
    assert_int_equal(reid_token_digest(REID_ENC_BASE64, 44, &tr), REID_MD_SHA256);
    assert_int_equal(reid_token_digest(REID_ENC_BASE64URL, 43, &tr), REID_MD_SHA256);
    assert_int_equal(reid_token_digest(REID_ENC_BASE64, 88, &tr), REID_MD_SHA512);
    assert_int_equal(reid_token_digest(REID_ENC_HEX_LOWER, 16, &tr), -1);
    assert_int_equal(tr, 1);
    assert_int_equal(reid_token_digest(REID_ENC_HEX_LOWER, 12, &tr), -1);
    assert_int_equal(tr, 1);
    assert_int_equal(reid_token_digest(REID_ENC_HEX_LOWER, 11, &tr), -1);
    assert_int_equal(tr, 0);
    assert_int_equal(reid_token_digest(REID_ENC_OTHER, 32, &tr), -1);
    assert_int_equal(tr, 0);
}

static void test_decode_and_cheap(void **state)
{
    (void)state;
    unsigned char b[64];
    /* base64("9434765919") = "OTQzNDc2NTkxOQ==" (RFC 4648: "943" -> OTQz, "476" -> NDc2,
     * "591" -> NTkx, "9" -> OQ==) */
    assert_int_equal(reid_base64_decode("OTQzNDc2NTkxOQ==", 16, b), 10);
    assert_memory_equal(b, "9434765919", 10);
    assert_int_equal(reid_base64_decode("OTQzNDc2NTkxOQ", 14, b), 10);
    assert_int_equal(reid_base64_decode("OTQzNDc2NTkxO", 13, b), -1); /* 13 = 1 mod 4 */
    assert_int_equal(reid_hex_decode("39343334373635393139", 20, b), 10);
    assert_memory_equal(b, "9434765919", 10);
    assert_int_equal(reid_hex_decode("abc", 3, b), 2); /* odd: the last nibble is high */
    assert_int_equal(b[0], 0xab);
    assert_int_equal(b[1], 0xc0);
    assert_int_equal(reid_hex_decode("0g", 2, b), -1);
    uint64_t v = 0;
    assert_int_equal(reid_token_cheap("943 476 5919", 12, &v), REID_CHEAP_NUMBER);
    assert_int_equal(v, 9434765919ull);
    v = 0;
    assert_int_equal(reid_token_cheap("OTQzNDc2NTkxOQ==", 16, &v), REID_CHEAP_BASE64);
    assert_int_equal(v, 9434765919ull);
    v = 0;
    assert_int_equal(reid_token_cheap("39343334373635393139", 20, &v), REID_CHEAP_HEX);
    assert_int_equal(v, 9434765919ull);
    /* base64 of "943 476 5919" */
    assert_int_equal(reid_token_cheap("OTQzIDQ3NiA1OTE5", 16, &v), REID_CHEAP_BASE64);
    /* base64 and hex of an invalid number are not cheap cases */
    assert_int_equal(reid_token_cheap("OTg3NjU0NDMyMQ==", 16, &v), REID_CHEAP_NONE);
    assert_int_equal(reid_token_cheap("9876544321", 10, &v), REID_CHEAP_NONE);
    assert_string_equal(reid_cheap_name(REID_CHEAP_HEX), "hex_of_number");
}

/* ---- the sample ---- */

static int cmp_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return (a > b) - (a < b);
}

static void test_sample(void **state)
{
    (void)state;
    enum { D = 1000, CAP = 10 };
    char v[32];
    reid_psample s1, s2;
    assert_int_equal(reid_psample_init(&s1, CAP, 7), 0);
    assert_int_equal(reid_psample_init(&s2, CAP, 7), 0);
    uint64_t h[D];
    for (int i = 0; i < D; i++) {
        int n = snprintf(v, sizeof v, "tok%d", i);
        h[i] = XXH3_64bits_withSeed(v, (size_t)n, 7);
        for (int r = 0; r < 3; r++) /* each value three times, as one person's rows */
            assert_int_equal(reid_psample_offer(&s1, v, (size_t)n), 0);
    }
    for (int i = D - 1; i >= 0; i--) { /* the other order */
        int n = snprintf(v, sizeof v, "tok%d", i);
        assert_int_equal(reid_psample_offer(&s2, v, (size_t)n), 0);
    }
    assert_int_equal(s1.offered, 3 * D);
    assert_int_equal(s1.n, CAP);
    assert_int_equal(reid_psample_sort(&s1), 0);
    assert_int_equal(reid_psample_sort(&s2), 0);
    /* the sample is the CAP smallest hashes, whatever the order of the rows */
    qsort(h, D, sizeof *h, cmp_u64);
    for (int i = 0; i < CAP; i++) {
        assert_int_equal(s1.h[i], h[i]);
        assert_string_equal(s1.v[i], s2.v[i]);
        assert_int_equal(XXH3_64bits_withSeed(s1.v[i], s1.len[i], 7), h[i]);
    }
    reid_psample_free(&s1);
    reid_psample_free(&s2);
    /* fewer distinct values than the cap: all of them, once each */
    assert_int_equal(reid_psample_init(&s1, 100, 1), 0);
    for (int r = 0; r < 5; r++)
        for (int i = 0; i < 20; i++) {
            int n = snprintf(v, sizeof v, "x%d", i);
            assert_int_equal(reid_psample_offer(&s1, v, (size_t)n), 0);
        }
    assert_int_equal(s1.n, 20);
    reid_psample_free(&s1);
}

/* ---- whole analyses over pseudonyms made here ---- */

#define FIRST 9990000000ull
#define LAST 9990099999ull

/* The valid NHS number of stem 999 000 000 + 997 k (k < 100: all in the range above). */
static uint64_t number_k(unsigned k)
{
    for (uint32_t stem = 999000000u + 997u * k;; stem++) {
        int c = reid_nhs_check_digit(stem);
        if (c >= 0) return (uint64_t)stem * 10 + (uint64_t)c;
    }
}

typedef enum { F_HEX_LOWER, F_HEX_UPPER, F_BASE64, F_BASE64URL_BARE, F_BASE64_BARE } fmt;

/* The pseudonym of a number: the digest of (salt + the number, plain or "nnn nnn nnnn"),
 * or its HMAC with key salt when hmac; written in fmt, truncated to trunc hex digits (0: all). */
static void make_token(char *out, const char *alg, const char *salt, int hmac, uint64_t num,
                       int spaced, fmt f, unsigned trunc)
{
    char d[16], msg[64];
    snprintf(d, sizeof d, "%010llu", (unsigned long long)num);
    if (spaced)
        snprintf(msg, sizeof msg, "%s%.3s %.3s %.4s", hmac ? "" : salt, d, d + 3, d + 6);
    else
        snprintf(msg, sizeof msg, "%s%s", hmac ? "" : salt, d);
    unsigned char md[64];
    unsigned mdlen = 0;
    if (hmac)
        assert_non_null(HMAC(EVP_get_digestbyname(alg), salt, (int)strlen(salt),
                             (const unsigned char *)msg, strlen(msg), md, &mdlen));
    else
        assert_int_equal(EVP_Digest(msg, strlen(msg), md, &mdlen, EVP_get_digestbyname(alg), NULL),
                         1);
    if (f == F_HEX_LOWER || f == F_HEX_UPPER) {
        for (unsigned i = 0; i < mdlen; i++)
            sprintf(out + 2 * i, f == F_HEX_LOWER ? "%02x" : "%02X", md[i]);
        if (trunc) out[trunc] = 0;
        return;
    }
    int n = EVP_EncodeBlock((unsigned char *)out, md, (int)mdlen);
    if (f == F_BASE64URL_BARE)
        for (int i = 0; i < n; i++)
            out[i] = out[i] == '+' ? '-' : out[i] == '/' ? '_' : out[i];
    if (f == F_BASE64URL_BARE || f == F_BASE64_BARE)
        while (n && out[n - 1] == '=')
            out[--n] = 0;
}

/* A CSV "pseudonym,age" of these tokens, each twice (two rows per person). */
static char *csv_of(char tokens[][160], size_t n)
{
    size_t cap = 32 + n * 2 * 180;
    char *csv = malloc(cap), *p = csv;
    assert_non_null(csv);
    p += sprintf(p, "pseudonym,age\n");
    for (size_t i = 0; i < n; i++)
        for (int r = 0; r < 2; r++)
            p += sprintf(p, "%s,%u\n", tokens[i], 20 + (unsigned)i % 7);
    return csv;
}

static reid_analysis *check(const char *csv, int reveal, unsigned threads)
{
    reid_config *cfg = cfg_qis("age");
    assert_int_equal(reid_config_set_pseudonym_check(cfg, "pseudonym"), REID_OK);
    assert_int_equal(reid_config_set_nhs_range(cfg, FIRST, LAST), REID_OK);
    assert_int_equal(reid_config_set_pseudonym_reveal(cfg, reveal), REID_OK);
    if (threads) assert_int_equal(reid_config_set_threads(cfg, threads), REID_OK);
    reid_analysis *a = run_csv(cfg, csv);
    reid_config_free(cfg);
    assert_analysis_ok(a);
    assert_non_null(reid_pseudonyms_get(a));
    return a;
}

/* Every reversal names one of the first `unsalted` numbers, with its token, found by `how`. */
static void expect_reversals(const reid_analysis *a, char tokens[][160], const uint64_t *nums,
                             size_t unsalted, const char *how)
{
    const reid_pseudonyms *r = reid_pseudonyms_get(a);
    assert_int_equal(r->reversed, unsalted);
    for (size_t i = 0; i < r->reversed; i++) {
        const char *tok, *h;
        uint64_t num;
        assert_int_equal(reid_pseudonym_reversal(a, i, &tok, &num, &h), REID_OK);
        size_t j = 0;
        while (j < unsalted && strcmp(tokens[j], tok) != 0)
            j++;
        assert_true(j < unsalted); /* an unsalted token, never a salted one */
        assert_int_equal(num, nums[j]);
        assert_string_equal(h, how);
    }
    assert_int_equal(reid_pseudonym_reversal(a, r->reversed, NULL, NULL, NULL), REID_ERR_STATE);
}

/* 10 unsalted and 5 salted tokens of one algorithm and format; the unsalted ones are reversed. */
static void one_format(const char *alg, fmt f, int spaced, unsigned trunc, const char *format,
                       const char *how, const char *algorithms)
{
    enum { U = 10, S = 5 };
    char tokens[U + S][160];
    uint64_t nums[U + S];
    for (unsigned k = 0; k < U + S; k++) {
        nums[k] = number_k(k);
        make_token(tokens[k], alg, k < U ? "" : "s3cret-salt", 0, nums[k], spaced, f, trunc);
    }
    char *csv = csv_of(tokens, U + S);
    reid_analysis *a = check(csv, 0, 0);
    const reid_pseudonyms *r = reid_pseudonyms_get(a);
    assert_string_equal(r->format, format);
    assert_int_equal(r->sampled, U + S);
    assert_int_equal(r->values, 2 * (U + S));
    assert_int_equal(r->in_format, U + S);
    assert_int_equal(r->searched, 1);
    assert_string_equal(r->algorithms, algorithms);
    assert_int_equal(r->reversed_by_hash, U);
    assert_int_equal(r->exhausted, 1); /* the salted ones are never found: the range is done */
    /* 10 heads of 1,000 stems; per head 1,000 - 91 or 92 stems lack a check digit: the
     * candidates are counted against reid_nhs_check_digit over the same stems */
    uint64_t valid = 0;
    for (uint32_t st = 999000000u; st < 999010000u; st++)
        valid += reid_nhs_check_digit(st) >= 0;
    assert_int_equal(r->stems_total, 10000);
    assert_int_equal(r->stems_searched, 10000);
    assert_int_equal(r->candidates, valid);
    unsigned nmd = 1 + (unsigned)(strchr(algorithms, ',') != NULL) * 2;
    assert_int_equal(r->hashes, valid * 2 * nmd);
    assert_null(r->cheap_case);
    expect_reversals(a, tokens, nums, U, how);
    reid_analysis_free(a);
    free(csv);
}

static void test_sha256_hex_lower(void **state)
{
    (void)state;
    one_format("SHA256", F_HEX_LOWER, 0, 0, "sha256-hex-lower", "sha256", "sha256");
}

static void test_md5_hex_upper_spaced(void **state)
{
    (void)state;
    one_format("MD5", F_HEX_UPPER, 1, 0, "md5-hex-upper", "md5 spaced", "md5");
}

static void test_md5_base64(void **state)
{
    (void)state;
    one_format("MD5", F_BASE64, 0, 0, "md5-base64", "md5", "md5");
}

static void test_sha256_base64url(void **state)
{
    (void)state;
    one_format("SHA256", F_BASE64URL_BARE, 1, 0, "sha256-base64url", "sha256 spaced", "sha256");
}

static void test_sha1_base64(void **state)
{
    (void)state;
    one_format("SHA1", F_BASE64, 1, 0, "sha1-base64", "sha1 spaced", "sha1");
}

static void test_sha512_hex_upper(void **state)
{
    (void)state;
    one_format("SHA512", F_HEX_UPPER, 0, 0, "sha512-hex-upper", "sha512", "sha512");
}

/* Standard base64 without padding: a token without '+' or '/' reads as base64url on its own
 * (the alphabets agree on it); the class still holds every token (here 3 of the 15 have neither).
 */
static void test_sha256_base64_bare(void **state)
{
    (void)state;
    one_format("SHA256", F_BASE64_BARE, 0, 0, "sha256-base64", "sha256", "sha256");
}

static void test_truncated(void **state)
{
    (void)state;
    /* SHA-256 cut to 16 hex digits: MD5, SHA-1 and SHA-256 are all tried */
    one_format("SHA256", F_HEX_LOWER, 0, 16, "truncated-hex-lower", "sha256", "md5,sha1,sha256");
}

/* Keyed hashes (HMAC-SHA256) of the same numbers: nothing is found, the range is exhausted. */
static void test_hmac_not_reversed(void **state)
{
    (void)state;
    char tokens[8][160];
    for (unsigned k = 0; k < 8; k++)
        make_token(tokens[k], "SHA256", "a-secret-key", 1, number_k(k), 0, F_HEX_LOWER, 0);
    char *csv = csv_of(tokens, 8);
    reid_analysis *a = check(csv, 1, 1);
    const reid_pseudonyms *r = reid_pseudonyms_get(a);
    assert_string_equal(r->format, "sha256-hex-lower");
    assert_int_equal(r->reversed, 0);
    assert_int_equal(r->exhausted, 1);
    assert_int_equal(r->threads, 1);
    reid_status st;
    char *text = report_to_string(a, 0, &st);
    assert_int_equal(st, REID_OK);
    assert_contains(text, "None of the 8 sampled pseudonyms is an unsalted SHA-256 hash of an NHS "
                          "number from 999 000 0000 to 999 009 9999");
    assert_contains(text, "HMAC");
    free(text);
    reid_analysis_free(a);
    free(csv);
}

/* The cheap cases: the numbers themselves, base64 and hex of them; no search runs. */
static void test_cheap_cases(void **state)
{
    (void)state;
    const char *csv = "pseudonym,age\n"
                      "9434765919,30\n"           /* the number */
                      "943 476 5919,31\n"         /* spaced: another distinct value, same number */
                      "9990000379,32\n"           /* 999 000 0379 (check digit above) */
                      "OTQzNDc2NTkxOQ==,33\n"     /* base64 of 9434765919 */
                      "39343334373635393139,34\n" /* hex of 9434765919 */
                      "9876544321,35\n"           /* not valid: not a cheap case */
                      "NA,36\n";                  /* missing: not sampled */
    reid_analysis *a = check(csv, 0, 0);
    const reid_pseudonyms *r = reid_pseudonyms_get(a);
    assert_int_equal(r->values, 6);
    assert_int_equal(r->sampled, 6);
    assert_int_equal(r->cheap[0], 3);
    assert_int_equal(r->cheap[1], 1);
    assert_int_equal(r->cheap[2], 1);
    assert_int_equal(r->reversed, 5);
    assert_string_equal(r->cheap_case, "nhs_number");
    assert_string_equal(r->format, "nhs-number");
    assert_int_equal(r->in_format, 3);
    assert_int_equal(r->searched, 0);
    assert_null(r->algorithms);
    reid_analysis_free(a);
}

/* Reports: the numbers only with reveal. */
static void test_reveal(void **state)
{
    (void)state;
    char tokens[3][160];
    uint64_t nums[3];
    for (unsigned k = 0; k < 3; k++) {
        nums[k] = number_k(k);
        make_token(tokens[k], "MD5", "", 0, nums[k], 0, F_HEX_LOWER, 0);
    }
    char *csv = csv_of(tokens, 3);
    char d[3][16];
    for (int k = 0; k < 3; k++)
        snprintf(d[k], sizeof d[k], "%010llu", (unsigned long long)nums[k]);
    for (int reveal = 0; reveal <= 1; reveal++) {
        reid_analysis *a = check(csv, reveal, 0);
        for (int json = 0; json <= 1; json++) {
            reid_status st;
            char *rep = report_to_string(a, json, &st);
            assert_int_equal(st, REID_OK);
            char spaced[16];
            snprintf(spaced, sizeof spaced, "%.3s %.3s %.4s", d[0], d[0] + 3, d[0] + 6);
            if (reveal) {
                assert_contains(rep, json ? d[0] : spaced);
                assert_contains(rep, tokens[0]);
            } else {
                for (int k = 0; k < 3; k++) {
                    assert_not_contains(rep, d[k]);
                    assert_not_contains(rep, tokens[k]);
                }
                assert_not_contains(rep, spaced);
                assert_not_contains(rep, "reversals");
            }
            free(rep);
        }
        reid_analysis_free(a);
    }
    free(csv);
}

static pthread_t g_caller;
static int g_calls, g_wrong_thread, g_backwards;
static uint64_t g_last_done, g_last_total;

static void on_progress(uint64_t done, uint64_t total, double seconds, void *user)
{
    (void)seconds;
    assert_ptr_equal(user, &g_calls);
    if (!pthread_equal(pthread_self(), g_caller)) g_wrong_thread++;
    if (done < g_last_done) g_backwards++;
    g_calls++;
    g_last_done = done;
    g_last_total = total;
}

/* The callback runs on the caller's thread, never goes back, ends at done == total. */
static void test_progress(void **state)
{
    (void)state;
    char tokens[2][160];
    for (unsigned k = 0; k < 2; k++)
        make_token(tokens[k], "SHA256", "salt", 0, number_k(k), 0, F_HEX_LOWER, 0);
    char *csv = csv_of(tokens, 2);
    reid_config *cfg = cfg_qis("age");
    assert_int_equal(reid_config_set_pseudonym_check(cfg, "pseudonym"), REID_OK);
    assert_int_equal(reid_config_set_nhs_range(cfg, FIRST, LAST), REID_OK);
    assert_int_equal(reid_config_set_pseudonym_progress(cfg, on_progress, &g_calls), REID_OK);
    g_caller = pthread_self();
    reid_analysis *a = run_csv(cfg, csv);
    reid_config_free(cfg);
    assert_analysis_ok(a);
    assert_true(g_calls >= 1);
    assert_int_equal(g_wrong_thread, 0);
    assert_int_equal(g_backwards, 0);
    assert_int_equal(g_last_total, 10000);
    assert_int_equal(g_last_done, 10000);
    reid_analysis_free(a);
    free(csv);
}

/* Results do not depend on the number of threads; the same seed gives the same sample. */
static void test_threads_and_seed(void **state)
{
    (void)state;
    char tokens[30][160];
    for (unsigned k = 0; k < 30; k++)
        make_token(tokens[k], "SHA256", k % 3 ? "" : "pepper", 0, number_k(k), 0, F_HEX_LOWER, 0);
    char *csv = csv_of(tokens, 30);
    reid_config *cfg = cfg_qis("age");
    assert_int_equal(reid_config_set_pseudonym_check(cfg, "pseudonym"), REID_OK);
    assert_int_equal(reid_config_set_nhs_range(cfg, FIRST, LAST), REID_OK);
    assert_int_equal(reid_config_set_pseudonym_sample(cfg, 12), REID_OK);
    uint64_t rev[3];
    const char *first_tok[3];
    reid_analysis *as[3];
    for (unsigned t = 1; t <= 3; t++) {
        assert_int_equal(reid_config_set_threads(cfg, t), REID_OK);
        as[t - 1] = run_csv(cfg, csv);
        assert_analysis_ok(as[t - 1]);
        const reid_pseudonyms *r = reid_pseudonyms_get(as[t - 1]);
        assert_int_equal(r->sampled, 12);
        assert_int_equal(r->threads, t);
        rev[t - 1] = r->reversed;
        assert_int_equal(reid_pseudonym_reversal(as[t - 1], 0, &first_tok[t - 1], NULL, NULL),
                         REID_OK);
    }
    assert_int_equal(rev[0], rev[1]);
    assert_int_equal(rev[0], rev[2]);
    assert_string_equal(first_tok[0], first_tok[2]);
    /* 12 of 30 sampled; the unsalted are 20 of 30, so some but not all are reversed */
    assert_true(rev[0] > 0 && rev[0] < 12);
    for (int i = 0; i < 3; i++)
        reid_analysis_free(as[i]);
    reid_config_free(cfg);
    free(csv);
}

/*
 * The whole space, in its order: numbers of 01/01/00 (head 010100, a CHI date: the first head
 * searched) are found in the first heads and the search stops there (not exhausted), long before
 * the 10^9 stems; the text then projects the whole space.
 */
static void test_whole_space_stops_early(void **state)
{
    (void)state;
    char tokens[5][160];
    uint64_t nums[5];
    unsigned found = 0;
    for (uint32_t stem = 10100000u; found < 5; stem += 7) {
        int c = reid_nhs_check_digit(stem);
        if (c < 0) continue;
        nums[found] = (uint64_t)stem * 10 + (uint64_t)c;
        make_token(tokens[found], "SHA256", "", 0, nums[found], 0, F_HEX_LOWER, 0);
        found++;
    }
    char *csv = csv_of(tokens, 5);
    reid_config *cfg = cfg_qis("age");
    assert_int_equal(reid_config_set_pseudonym_check(cfg, "pseudonym"), REID_OK);
    reid_analysis *a = run_csv(cfg, csv);
    reid_config_free(cfg);
    assert_analysis_ok(a);
    const reid_pseudonyms *r = reid_pseudonyms_get(a);
    assert_int_equal(r->reversed, 5);
    assert_int_equal(r->exhausted, 0);
    assert_int_equal(r->stems_total, 1000000000ull);
    assert_true(r->stems_searched >= 16000); /* at least the first take of 16 heads */
    assert_true(r->stems_searched <= 16000ull * 4 * r->threads); /* a take or two per thread */
    assert_null(reid_pseudonyms_get(a)->cheap_case);
    expect_reversals(a, tokens, nums, 5, "sha256");
    reid_analysis_free(a);
    free(csv);
}

static void test_config_errors(void **state)
{
    (void)state;
    reid_config *cfg = reid_config_new();
    assert_int_equal(reid_config_set_pseudonym_sample(cfg, 0), REID_ERR_CONFIG);
    assert_contains(reid_config_error(cfg), "from 1 to 1,000,000");
    assert_int_equal(reid_config_set_pseudonym_sample(cfg, 1000001), REID_ERR_CONFIG);
    assert_int_equal(reid_config_set_nhs_range(cfg, 5, 4), REID_ERR_CONFIG);
    assert_int_equal(reid_config_set_nhs_range(cfg, 1, 10000000000ull), REID_ERR_CONFIG);
    assert_int_equal(reid_config_set_nhs_range(cfg, 0, 0), REID_OK);
    /* an unknown column: the message names it and the columns */
    assert_int_equal(reid_config_set_qis(cfg, "age"), REID_OK);
    assert_int_equal(reid_config_set_pseudonym_check(cfg, "pseudonim"), REID_OK);
    reid_analysis *a = run_csv(cfg, "pseudonym,age\nabc,3\n");
    assert_int_equal(reid_status_of(a), REID_ERR_CONFIG);
    assert_contains(reid_error_message(a), "no pseudonym column named 'pseudonim'; did you mean "
                                           "'pseudonym'?");
    assert_null(reid_pseudonyms_get(a));
    reid_analysis_free(a);
    /* without the setting: no result */
    assert_int_equal(reid_config_set_pseudonym_check(cfg, ""), REID_OK);
    a = run_csv(cfg, "pseudonym,age\nabc,3\n");
    assert_analysis_ok(a);
    assert_null(reid_pseudonyms_get(a));
    reid_analysis_free(a);
    reid_config_free(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_digit),
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_valid_total),
        cmocka_unit_test(test_head_order),
        cmocka_unit_test(test_encoding),
        cmocka_unit_test(test_decode_and_cheap),
        cmocka_unit_test(test_sample),
        cmocka_unit_test(test_sha256_hex_lower),
        cmocka_unit_test(test_md5_hex_upper_spaced),
        cmocka_unit_test(test_md5_base64),
        cmocka_unit_test(test_sha256_base64url),
        cmocka_unit_test(test_sha1_base64),
        cmocka_unit_test(test_sha512_hex_upper),
        cmocka_unit_test(test_sha256_base64_bare),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_hmac_not_reversed),
        cmocka_unit_test(test_cheap_cases),
        cmocka_unit_test(test_reveal),
        cmocka_unit_test(test_progress),
        cmocka_unit_test(test_threads_and_seed),
        cmocka_unit_test(test_whole_space_stops_early),
        cmocka_unit_test(test_config_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
