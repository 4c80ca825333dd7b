/*
 * test_cli_pseudonyms.c - reid-check --check-pseudonyms (docs/pseudonyms.md): pseudonyms made here
 * from known valid NHS numbers (SHA-256 and MD5, salted and unsalted), the JSON keys and the text
 * sentence, the cheap cases, privacy (no number or pseudonym printed without --reveal), and the
 * option errors.
 */
#include "cli_test.h"

#include <openssl/evp.h>

/* The search range of these tests: one head, 1,000 stems (999 000 000 .. 999 000 999). */
#define RANGE "9990000000-9990009999"

/* The check digit, written again here from its definition (docs/pseudonyms.md): the nine digits
 * weighted 10 down to 2, 11 minus the sum mod 11, 11 -> 0, 10 -> no number. */
static int check_digit(uint32_t stem)
{
    int sum = 0;
    for (int w = 2; w <= 10; w++, stem /= 10)
        sum += (int)(stem % 10) * w;
    int c = 11 - sum % 11;
    return c == 11 ? 0 : c == 10 ? -1 : c;
}

/* The k-th valid NHS number from 999 000 0000 (k < 900), as 10 digits. */
static void number_k(unsigned k, char out[16])
{
    for (uint32_t stem = 999000000u;; stem++) {
        int c = check_digit(stem);
        if (c >= 0 && k-- == 0) {
            snprintf(out, 16, "%09u%u", stem % 1000000000u, (unsigned)c % 10u);
            return;
        }
    }
}

static void hex_digest(const char *alg, const char *msg, char *out)
{
    unsigned char md[64];
    unsigned len = 0;
    assert_int_equal(EVP_Digest(msg, strlen(msg), md, &len, EVP_get_digestbyname(alg), NULL), 1);
    for (unsigned i = 0; i < len; i++)
        sprintf(out + 2 * i, "%02x", md[i]);
}

/* pseudonym,sex,age: tokens 0..n-1 of alg; the first `unsalted` unsalted, the rest salted. */
static const char *make_csv(const char *name, const char *alg, unsigned n, unsigned unsalted)
{
    static char csv[65536];
    char *p = csv;
    p += sprintf(p, "pseudonym,sex,age\n");
    for (unsigned k = 0; k < n; k++) {
        char num[16], msg[64], tok[160];
        number_k(k, num);
        snprintf(msg, sizeof msg, "%s%s", k < unsalted ? "" : "NaCl", num);
        hex_digest(alg, msg, tok);
        for (int r = 0; r < 3; r++) /* three rows per person */
            p += sprintf(p, "%s,%s,%u\n", tok, k % 2 ? "F" : "M", 30 + k % 4);
    }
    return scratch_file(name, csv, (size_t)(p - csv));
}

static void test_pseudonyms_json(void **state)
{
    (void)state;
    const char *f = make_csv("sha.csv", "SHA256", 20, 12);
    RUN("--qi", "sex,age", "--check-pseudonyms", "pseudonym", "--nhs-range", RANGE, "-f", "json",
        f);
    EXPECT_STATUS(0);
    PARSE_JSON();
    JSTR("pseudonyms.column", "pseudonym");
    JSTR("pseudonyms.format", "sha256-hex-lower");
    JSTR("pseudonyms.encoding", "hex-lower");
    JSTR("pseudonyms.digest", "sha256");
    JINT("pseudonyms.token_length", 64);
    JINT("pseudonyms.values", 60); /* 20 people x 3 rows */
    JINT("pseudonyms.sampled", 20);
    JINT("pseudonyms.sample_size", 1000);
    JINT("pseudonyms.seed", 1);
    JINT("pseudonyms.in_format", 20);
    JINT("pseudonyms.reversed", 12); /* the unsalted ones, never the salted */
    JINT("pseudonyms.reversed_by_hash", 12);
    JBOOL("pseudonyms.searched", 1);
    JSTR("pseudonyms.algorithms", "sha256");
    JNULL("pseudonyms.cheap_case");
    JINT("pseudonyms.cheap.nhs_number", 0);
    JBOOL("pseudonyms.exhausted", 1);
    JINT("pseudonyms.range.first", 9990000000);
    JINT("pseudonyms.range.last", 9990009999);
    JINT("pseudonyms.stems_total", 1000);
    JINT("pseudonyms.stems_searched", 1000);
    long long valid = 0;
    for (uint32_t s = 999000000u; s < 999001000u; s++)
        valid += check_digit(s) >= 0;
    JINT("pseudonyms.candidates", valid);
    JINT("pseudonyms.hashes", 2 * valid); /* two forms, one algorithm */
    JTYPE("pseudonyms.seconds", JSON_REAL);
    JTYPE("pseudonyms.hashes_per_second", JSON_REAL);
    if (json_real_value(jget(J, "pseudonyms.hashes_per_second")) <= 0) fail_msg("rate");
    /* the projection: 909,090,910 numbers x 2 forms / rate */
    JREAL("pseudonyms.full_space_seconds",
          909090910.0 * 2 / json_real_value(jget(J, "pseudonyms.hashes_per_second")), 1e-6);
    if (json_object_get(json_object_get(J, "pseudonyms"), "reversals")) fail_msg("reversals");
    /* without the option: no pseudonyms key */
    RUN("--qi", "sex,age", "-f", "json", f);
    EXPECT_STATUS(0);
    PARSE_JSON();
    if (json_object_get(J, "pseudonyms")) fail_msg("pseudonyms without --check-pseudonyms");
}

static void test_pseudonyms_text(void **state)
{
    (void)state;
    const char *f = make_csv("md5.csv", "MD5", 10, 7);
    RUN("--qi", "sex,age", "--check-pseudonyms", "pseudonym", "--nhs-range", RANGE, f);
    EXPECT_STATUS(0);
    OUT_HAS("Pseudonyms in column 'pseudonym' (docs/pseudonyms.md)");
    OUT_HAS("10 distinct values sampled (seed 1) from 30 non-missing values; 10 of them look like "
            "md5-hex-lower (32 characters).");
    OUT_HAS("7 of 10 sampled pseudonyms are unsalted MD5 hashes of NHS numbers: anyone can reverse "
            "them in ");
    OUT_HAS("written \"nnnnnnnnnn\" and \"nnn nnn nnnn\"");
    OUT_HAS("The NHS numbers found are not shown (--reveal shows them).");
    ERR_EMPTY(); /* no progress bar: stderr is not a terminal */
    /* all salted: none found, and the warning that this proves nothing */
    f = make_csv("salted.csv", "MD5", 5, 0);
    RUN("--qi", "sex,age", "--check-pseudonyms", "pseudonym", "--nhs-range", RANGE, f);
    EXPECT_STATUS(0);
    OUT_HAS("None of the 5 sampled pseudonyms is an unsalted MD5 hash of an NHS number from "
            "999 000 0000 to 999 000 9999; the rest of the space was not searched");
    OUT_HAS("a salted or keyed hash (HMAC), or a random token, cannot be tested this way");
}

/* Privacy: no NHS number (either form) and no pseudonym in any output without --reveal. */
static void test_pseudonyms_privacy(void **state)
{
    (void)state;
    const char *f = make_csv("priv.csv", "SHA256", 6, 6);
    char num[16], spaced[16], tok[160];
    number_k(0, num);
    snprintf(spaced, sizeof spaced, "%.3s %.3s %.4s", num, num + 3, num + 6);
    hex_digest("SHA256", num, tok);
    const char *fmts[] = {"text", "json"};
    for (int i = 0; i < 2; i++) {
        RUN("--qi", "sex,age", "--check-pseudonyms", "pseudonym", "--nhs-range", RANGE, "-f",
            fmts[i], f);
        EXPECT_STATUS(0);
        OUT_HAS(i ? "\"reversed\": 6" : "6 of 6 sampled pseudonyms");
        OUT_LACKS(num);
        OUT_LACKS(spaced);
        OUT_LACKS(tok);
        ERR_LACKS(num);
        ERR_LACKS(tok);
    }
    RUN("--qi", "sex,age", "--check-pseudonyms", "pseudonym", "--nhs-range", RANGE, "--reveal", f);
    EXPECT_STATUS(0);
    OUT_HAS(spaced);
    OUT_HAS(tok);
    RUN("--qi", "sex,age", "--check-pseudonyms", "pseudonym", "--nhs-range", RANGE, "--reveal",
        "-f", "json", f);
    EXPECT_STATUS(0);
    PARSE_JSON();
    json_t *rev = jget(J, "pseudonyms.reversals");
    if (!json_is_array(rev) || json_array_size(rev) != 6) fail_msg("reversals");
    int seen = 0;
    for (size_t i = 0; i < json_array_size(rev); i++) {
        json_t *e = json_array_get(rev, i);
        const char *n = json_string_value(json_object_get(e, "nhs_number"));
        if (n && strcmp(n, num) == 0) {
            seen = 1;
            if (strcmp(json_string_value(json_object_get(e, "pseudonym")), tok) != 0)
                fail_msg("token");
            if (strcmp(json_string_value(json_object_get(e, "how")), "sha256") != 0)
                fail_msg("how");
        }
    }
    if (!seen) fail_msg("%s not revealed", num);
}

/* The cheap cases: the numbers themselves (and the seed and sample options). */
static void test_pseudonyms_cheap(void **state)
{
    (void)state;
    const char *f = SCRATCH_CSV("plain.csv", "nhs,sex,age\n"
                                             "943 476 5919,M,30\n"
                                             "9434765919,M,30\n"
                                             "9990000379,F,31\n"
                                             "OTQzNDc2NTkxOQ==,F,31\n"
                                             "9876544321,M,32\n");
    RUN("--qi", "sex,age", "--check-pseudonyms", "nhs", "--pseudonym-sample", "10", "--seed", "7",
        "-f", "json", f);
    EXPECT_STATUS(0);
    PARSE_JSON();
    JSTR("pseudonyms.format", "nhs-number");
    JINT("pseudonyms.sampled", 5);
    JINT("pseudonyms.seed", 7);
    JINT("pseudonyms.sample_size", 10);
    JINT("pseudonyms.reversed", 4); /* 9876544321 has the wrong check digit */
    JINT("pseudonyms.cheap.nhs_number", 3);
    JINT("pseudonyms.cheap.base64_of_number", 1);
    JSTR("pseudonyms.cheap_case", "nhs_number");
    JBOOL("pseudonyms.searched", 0);
    JNULL("pseudonyms.algorithms");
    JNULL("pseudonyms.full_space_seconds");
    RUN("--qi", "sex,age", "--check-pseudonyms", "nhs", "--pseudonym-sample", "2", "-f", "json", f);
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("pseudonyms.sampled", 2);
    RUN("--qi", "sex,age", "--check-pseudonyms", "nhs", f);
    EXPECT_STATUS(0);
    OUT_HAS("4 of 5 sampled pseudonyms are NHS numbers in plain sight (3 the number itself, 1 "
            "base64 of it, 0 hex of it): anyone can read them.");
    OUT_LACKS("9434765919");
    OUT_LACKS("943 476 5919");
}

static void test_pseudonyms_errors(void **state)
{
    (void)state;
    const char *f = make_csv("err.csv", "MD5", 2, 2);
    RUN("--qi", "sex,age", "--check-pseudonyms", "pseudonim", f);
    EXPECT_STATUS(2);
    ERR_HAS("no pseudonym column named 'pseudonim'; did you mean 'pseudonym'?");
    RUN("--qi", "sex,age", "--check-pseudonyms", "", f);
    EXPECT_STATUS(2);
    ERR_HAS("--check-pseudonyms takes a column name");
    RUN("--qi", "sex,age", "--check-pseudonyms", "pseudonym", "--pseudonym-sample", "0", f);
    EXPECT_STATUS(2);
    ERR_HAS("--pseudonym-sample takes a number from 1 to 1000000, not '0'");
    RUN("--qi", "sex,age", "--check-pseudonyms", "pseudonym", "--seed", "-1", f);
    EXPECT_STATUS(2);
    ERR_HAS("--seed takes a whole number");
    const char *bad[] = {"5-4", "abc", "1-99999999999", "9990000000", "-5", "0-0"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        RUN("--qi", "sex,age", "--check-pseudonyms", "pseudonym", "--nhs-range", bad[i], f);
        EXPECT_STATUS(2);
        ERR_HAS("--nhs-range takes FIRST-LAST");
    }
    RUN("--help");
    EXPECT_STATUS(0);
    OUT_HAS("--check-pseudonyms COL");
    OUT_HAS("--nhs-range FIRST-LAST");
    OUT_HAS("--reveal");
    OUT_HAS("--no-progress");
    /* --no-progress is accepted (the bar is only drawn on a terminal anyway) */
    RUN("--qi", "sex,age", "--check-pseudonyms", "pseudonym", "--nhs-range", RANGE, "--no-progress",
        "-q", f);
    EXPECT_STATUS(0);
    ERR_EMPTY();
}

/* The README's demonstration: data/sample-pseudonyms.csv, 200 people (400 rows) whose
 * pseudonyms are unsalted SHA-256 of NHS numbers with stems 400000000-400099999
 * (bench/gen_pseudonyms.py); all 200 are in the range searched. */
static void test_pseudonyms_readme_demo(void **state)
{
    (void)state;
    char path[4096];
    snprintf(path, sizeof path, "%s/../data/sample-pseudonyms.csv", g_tests);
    RUN("-f", "json", "--no-progress", "--check-pseudonyms", "pseudonym", "--nhs-range",
        "4000000000-4000999999", path);
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("pseudonyms.values", 400);
    JINT("pseudonyms.sampled", 200);
    JINT("pseudonyms.reversed", 200);
    JSTR("pseudonyms.format", "sha256-hex-lower");
}

static const struct CMUnitTest pseudonyms_tests[] = {
    T(test_pseudonyms_readme_demo), T(test_pseudonyms_json),  T(test_pseudonyms_text),
    T(test_pseudonyms_privacy),     T(test_pseudonyms_cheap), T(test_pseudonyms_errors),
};

static const cli_group groups[] = {
    CLI_GROUP("pseudonyms", pseudonyms_tests),
};

CLI_MAIN(groups)
