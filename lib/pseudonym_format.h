/*
 * pseudonym_format.h - what a pseudonym token looks like (docs/pseudonyms.md): an NHS number
 * itself, a reversible encoding of one (base64 or hex of its digits), or a digest written in hex
 * or base64 whose length says which hash made it.
 */
#ifndef REID_PSEUDONYM_FORMAT_H
#define REID_PSEUDONYM_FORMAT_H

#include <stddef.h>
#include <stdint.h>

/* How a token is written. */
typedef enum reid_enc {
    REID_ENC_OTHER = 0,
    REID_ENC_HEX_LOWER, /* [0-9a-f] (digits only count as lower case) */
    REID_ENC_HEX_UPPER, /* [0-9A-F], at least one letter */
    REID_ENC_HEX_MIXED, /* both cases */
    REID_ENC_BASE64,    /* [A-Za-z0-9+/], '=' padding (RFC 4648 section 4) */
    REID_ENC_BASE64URL, /* [A-Za-z0-9-_], '=' padding optional (RFC 4648 section 5) */
    REID_ENC_COUNT
} reid_enc;

/* "hex-lower", "hex-upper", "hex-mixed", "base64", "base64url", "other". */
const char *reid_enc_name(reid_enc e);

/* The hash functions searched. */
typedef enum reid_md {
    REID_MD_MD5 = 0,
    REID_MD_SHA1,
    REID_MD_SHA256,
    REID_MD_SHA512,
    REID_MD_COUNT
} reid_md;

/* "md5", "sha1", "sha256", "sha512"; and the OpenSSL name ("MD5", "SHA1", ...); digest bytes. */
const char *reid_md_name(reid_md m);
const char *reid_md_openssl_name(reid_md m);
unsigned reid_md_bytes(reid_md m);

/* The encoding of s[0..len): hex before base64 (a hex token is also valid base64). */
reid_enc reid_token_encoding(const char *s, size_t len);

/*
 * Decode: hex (even or odd length; an odd one's last nibble fills the high half of its byte) or
 * base64 (either alphabet, padding optional). The number of bytes written to out (room for
 * len bytes), or -1 when s is not in that encoding.
 */
long reid_hex_decode(const char *s, size_t len, unsigned char *out);
long reid_base64_decode(const char *s, size_t len, unsigned char *out);

/* The cheap cases: how a token gives its NHS number away without any hashing. */
typedef enum reid_cheap {
    REID_CHEAP_NONE = 0,
    REID_CHEAP_NUMBER, /* the token is the NHS number ("9434765919", "943 476 5919") */
    REID_CHEAP_BASE64, /* base64 of the number's digits ("OTQzNDc2NTkxOQ==") */
    REID_CHEAP_HEX,    /* hex of the number's digits' ASCII codes ("39343334...") */
    REID_CHEAP_COUNT
} reid_cheap;

/* "nhs_number", "base64_of_number", "hex_of_number" (NULL for none). */
const char *reid_cheap_name(reid_cheap c);

/* The cheap case s[0..len) falls in, *number getting the NHS number; REID_CHEAP_NONE if none. */
reid_cheap reid_token_cheap(const char *s, size_t len, uint64_t *number);

/* Shortest hex token taken for a truncated digest: 12 hex digits, 48 bits (docs/pseudonyms.md). */
#define REID_TRUNCATED_MIN_HEX 12

/*
 * The digest a token of this encoding and length is (the hash whose full digest it is), or -1.
 * *truncated = 1 for a hex token of REID_TRUNCATED_MIN_HEX or more characters that is not a
 * full digest's length (then -1 is returned and every hash longer than it may have made it).
 */
int reid_token_digest(reid_enc e, size_t len, int *truncated);

#endif
