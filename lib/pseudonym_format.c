/* pseudonym_format.c - encodings of pseudonym tokens, decoding, and the cheap cases. */
#include "pseudonym_format.h"

#include <string.h>

#include "nhsnumber.h"

static const char *const enc_names[REID_ENC_COUNT] = {"other",     "hex-lower", "hex-upper",
                                                      "hex-mixed", "base64",    "base64url"};

const char *reid_enc_name(reid_enc e)
{
    return (unsigned)e < REID_ENC_COUNT ? enc_names[e] : "other";
}

static const char *const md_names[REID_MD_COUNT] = {"md5", "sha1", "sha256", "sha512"};
static const char *const md_ossl[REID_MD_COUNT] = {"MD5", "SHA1", "SHA256", "SHA512"};
static const unsigned md_bytes[REID_MD_COUNT] = {16, 20, 32, 64};

const char *reid_md_name(reid_md m)
{
    return md_names[m];
}
const char *reid_md_openssl_name(reid_md m)
{
    return md_ossl[m];
}
unsigned reid_md_bytes(reid_md m)
{
    return md_bytes[m];
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* 6-bit value of a base64 character of either alphabet; *alpha gets 1 (standard: + /),
 * 2 (url: - _) or 0 (common to both). -1 if not base64. */
static int b64val(char c, int *alpha)
{
    *alpha = 0;
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '/') {
        *alpha = 1;
        return c == '+' ? 62 : 63;
    }
    if (c == '-' || c == '_') {
        *alpha = 2;
        return c == '-' ? 62 : 63;
    }
    return -1;
}

/* The length of s without its '=' padding (at most 2), or -1 if its shape is not base64. */
static long b64_body(const char *s, size_t len)
{
    size_t pad = 0;
    while (pad < len && pad < 2 && s[len - 1 - pad] == '=')
        pad++;
    size_t body = len - pad;
    if (body == 0 || body % 4 == 1) return -1;
    if (pad && len % 4) return -1;
    return (long)body;
}

reid_enc reid_token_encoding(const char *s, size_t len)
{
    if (!len) return REID_ENC_OTHER;
    int lower = 0, upper = 0, hex = 1;
    for (size_t i = 0; i < len && hex; i++) {
        int v = hexval(s[i]);
        if (v < 0)
            hex = 0;
        else if (s[i] >= 'a')
            lower = 1;
        else if (s[i] >= 'A')
            upper = 1;
    }
    if (hex)
        return lower && upper ? REID_ENC_HEX_MIXED
               : upper        ? REID_ENC_HEX_UPPER
                              : REID_ENC_HEX_LOWER;
    long body = b64_body(s, len);
    if (body < 0) return REID_ENC_OTHER;
    int seen = 0;
    for (long i = 0; i < body; i++) {
        int alpha;
        if (b64val(s[i], &alpha) < 0) return REID_ENC_OTHER;
        if (alpha && seen && alpha != seen) return REID_ENC_OTHER;
        if (alpha) seen = alpha;
    }
    /* neither '+' '/' nor '-' '_': padded (or a multiple of 4) reads as standard, else url */
    if (seen == 2 || (!seen && len % 4)) return REID_ENC_BASE64URL;
    return REID_ENC_BASE64;
}

long reid_hex_decode(const char *s, size_t len, unsigned char *out)
{
    for (size_t i = 0; i < len; i++) {
        int v = hexval(s[i]);
        if (v < 0) return -1;
        if (i % 2 == 0)
            out[i / 2] = (unsigned char)(v << 4);
        else
            out[i / 2] |= (unsigned char)v;
    }
    return (long)((len + 1) / 2);
}

long reid_base64_decode(const char *s, size_t len, unsigned char *out)
{
    long body = b64_body(s, len);
    if (body < 0) return -1;
    uint32_t acc = 0;
    int bits = 0, seen = 0;
    long n = 0;
    for (long i = 0; i < body; i++) {
        int alpha, v = b64val(s[i], &alpha);
        if (v < 0 || (alpha && seen && alpha != seen)) return -1;
        if (alpha) seen = alpha;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[n++] = (unsigned char)(acc >> bits);
        }
    }
    return n;
}

static const char *const cheap_names[REID_CHEAP_COUNT] = {NULL, "nhs_number", "base64_of_number",
                                                          "hex_of_number"};

const char *reid_cheap_name(reid_cheap c)
{
    return (unsigned)c < REID_CHEAP_COUNT ? cheap_names[c] : NULL;
}

reid_cheap reid_token_cheap(const char *s, size_t len, uint64_t *number)
{
    if (reid_nhs_parse(s, len, number)) return REID_CHEAP_NUMBER;
    unsigned char buf[32];
    if (len <= sizeof buf) {
        long n = reid_base64_decode(s, len, buf);
        if (n > 0 && reid_nhs_parse((const char *)buf, (size_t)n, number)) return REID_CHEAP_BASE64;
        if (len % 2 == 0) {
            n = reid_hex_decode(s, len, buf);
            if (n > 0 && reid_nhs_parse((const char *)buf, (size_t)n, number))
                return REID_CHEAP_HEX;
        }
    }
    return REID_CHEAP_NONE;
}

int reid_token_digest(reid_enc e, size_t len, int *truncated)
{
    *truncated = 0;
    if (e == REID_ENC_HEX_LOWER || e == REID_ENC_HEX_UPPER || e == REID_ENC_HEX_MIXED) {
        for (int m = 0; m < REID_MD_COUNT; m++)
            if (len == 2 * md_bytes[m]) return m;
        if (len >= REID_TRUNCATED_MIN_HEX && len < 2 * md_bytes[REID_MD_SHA512]) *truncated = 1;
        return -1;
    }
    if (e == REID_ENC_BASE64 || e == REID_ENC_BASE64URL) {
        for (int m = 0; m < REID_MD_COUNT; m++) {
            size_t padded = (md_bytes[m] + 2) / 3 * 4, bare = (md_bytes[m] * 4 + 2) / 3;
            if (len == padded || len == bare) return m;
        }
    }
    return -1;
}
