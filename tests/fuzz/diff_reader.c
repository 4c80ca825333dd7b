/*
 * diff_reader.c - differential test: on many random inputs, built from the
 * pieces that make CSV hard (quotes, "" escapes, delimiters and line breaks
 * inside quotes, CR / LF / CRLF, spaces and tabs around fields, stray quotes,
 * NUL bytes, control bytes, long fields), fed in random chunk sizes, the
 * reader with the fast scanner yields exactly the records, start lines and
 * errors of the reader with libcsv alone.
 *
 * A third of the inputs are longer runs of mostly well-formed records (up to
 * about 2 KB, fields up to 90 bytes), so that the scanner's 64-byte blocks
 * meet every kind of byte at every offset, records end exactly at the end of
 * a piece, and one piece holds many records. Every input is read twice: with
 * the scanner's AVX2 block path (where the CPU has it) and with its SSE2 one.
 *
 * diff_reader [N]: N random inputs per instruction set (default 20,000).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader_diff.h"
#include "scan.h"

static uint64_t rng_state;
static uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static const char *const atoms[] = {
    "a", "bc", "SW1A 1AA", " ", "\t", ",", ";", "|", "\"", "\"\"", "\n", "\r\n", "\r", "\"x,y\"",
    "\"q\"\"q\"", "\"line\nbreak\"", "  \"sp\"  ", "\"a\" b", "x\"y", "42", "\xC3\xA9", "\"\r\"",
    "\"\r\n\"", ",,", "\n\n", " \n", "\"\"\"\"", "\"end", "\xFF", "\"\xE2\x82\xAC 5\"",
    "caf\xC3\xA9 au lait, long enough to cross a block", "\"\xC3\"\"\"",
    /* long runs, so the 16-byte vector loops meet every special byte at every offset */
    "abcdefghijklmnopqrstuvwxyz0123456789", "0123456789abcdef", "0123456789abcde",
    "\"a long quoted field, with a comma; a semicolon | a pipe\"",
    "\"sixteen bytes..\"\"then an escaped quote and more text\"",
    "\"a quoted field that runs over\r\na CRLF and\nan LF and\ra CR\"", "padding-padding-padding-",
    "trailing spaces and tabs \t \t ",
    /* bytes <= 13 that are only text: the block path stops at them and reads on */
    "\x0B",
    "a\x0C"
    "b",
    "\x01x", "\"\x0B\"", "\x08", ", ", " ,", "\t,", ",\t"};
#define NATOMS (sizeof atoms / sizeof *atoms)

static const int delims[] = {',', ';', '\t', '|'};

/* the hard atoms mixed into mostly well-formed records */
static size_t gen_atoms(char *buf)
{
    size_t len = 0, target = rnd() % 400;
    while (len < target) {
        const char *a;
        if (rnd() % 4 == 0)
            a = atoms[rnd() % NATOMS];
        else
            a = (const char *[]){"ab", ",", "\"c,d\"", "\n", "x y", "\"e\"\"f\""}[rnd() % 6];
        size_t n = strlen(a);
        memcpy(buf + len, a, n);
        len += n;
    }
    return len;
}

/* one field for gen_records: mostly plain or quoted text of any length, sometimes an edge case */
static size_t gen_field(char *b, int delim)
{
    static const char text[] = "abcdefghij KLMNOP 0123456789-./:";
    size_t n = 0, flen = rnd() % 8 == 0 ? 0 : rnd() % (rnd() % 4 == 0 ? 90 : 20);
    int quoted = rnd() % 4 == 0;
    unsigned odd = (unsigned)(rnd() % 64);
    if (odd == 0) b[n++] = ' ';  /* a space before the field */
    if (odd == 1) b[n++] = '\t'; /* or a tab (the delimiter when it is a tab) */
    if (quoted) b[n++] = '"';
    for (size_t i = 0; i < flen; i++) {
        char c = text[rnd() % (sizeof text - 1)];
        if (quoted && rnd() % 16 == 0) c = (char)delim; /* a delimiter inside quotes */
        b[n++] = c;
    }
    if (quoted && odd == 2) b[n++] = '"', b[n++] = '"'; /* an escaped quote */
    if (quoted && odd == 3) b[n++] = '\n';              /* a line break inside quotes */
    if (odd == 4) b[n++] = '\x0B';                      /* a control byte that is text */
    if (odd == 5) b[n++] = '\0';                        /* a NUL */
    if (odd == 6) b[n++] = '"';                         /* a stray quote */
    if (quoted) b[n++] = '"';
    if (odd == 7) b[n++] = ' '; /* a space after the field */
    return n;
}

/* records of a few fields each, ended by LF, CRLF or CR, sometimes blank lines */
static size_t gen_records(char *buf, int delim)
{
    size_t len = 0, target = rnd() % 2000;
    size_t nf = 1 + rnd() % 12;
    while (len < target) {
        size_t k = rnd() % 16 == 0 ? 1 + rnd() % 12 : nf; /* sometimes another field count */
        for (size_t i = 0; i < k; i++) {
            if (i) buf[len++] = (char)delim;
            len += gen_field(buf + len, delim);
        }
        unsigned end = (unsigned)(rnd() % 16);
        if (end == 0)
            buf[len++] = '\r', buf[len++] = '\n';
        else if (end == 1)
            buf[len++] = '\r';
        else if (end == 2)
            buf[len++] = '\n', buf[len++] = '\n'; /* a blank line */
        else if (end == 3 && len >= target)
            ; /* the last record without a line break */
        else
            buf[len++] = '\n';
    }
    return len;
}

static int run(unsigned long long n)
{
    char *buf = malloc(1 << 16);
    char why[1024];
    int failures = 0, cases = 0;
    for (uint64_t seed = 1; seed <= n; seed++) {
        rng_state = seed;
        int delim = delims[rnd() % 4];
        size_t len = rnd() % 3 == 0 ? gen_records(buf, delim) : gen_atoms(buf);
        if (rnd() % 50 == 0 && len) buf[rnd() % len] = 0; /* a NUL byte */
        int strict = rnd() % 4 != 0;
        size_t max_field = rnd() % 8 == 0   ? 1 + rnd() % 6
                           : rnd() % 8 == 0 ? 20 + rnd() % 70
                                            : 1 << 20;
        unsigned how = (unsigned)(rnd() % 4);
        size_t chunk = how == 0 ? 0 : how == 1 ? 1 + rnd() % 17 : 1 + rnd() % 400;
        cases++;
        if (reader_diff(buf, len, delim, strict, max_field, chunk, why, sizeof why)) {
            if (failures++ < 5) {
                printf("seed %llu (delim %d, strict %d, max_field %zu, chunk %zu): %s\n  input: ",
                       (unsigned long long)seed, delim, strict, max_field, chunk, why);
                for (size_t i = 0; i < len; i++) {
                    unsigned char c = (unsigned char)buf[i];
                    if (c >= 32 && c < 127)
                        putchar(c);
                    else
                        printf("\\x%02X", c);
                }
                putchar('\n');
            }
        }
    }
    free(buf);
    printf("%d passed, %d failed\n", cases - failures, failures);
    return failures;
}

/* Long inputs whose records the block path keeps declining for a while (a space after the
 * last field, a line break inside quotes), so that it stands aside and comes back. */
static int run_declined(void)
{
    size_t cap = 1 << 20, len = 0;
    char *buf = malloc(cap);
    char why[1024];
    int failures = 0;
    if (!buf) return 1;
    rng_state = 7;
    for (int part = 0; part < 6; part++) {
        /* declined parts long enough to send the block path aside, clean ones long enough
         * for it to come back (it stands aside for 4,096 records) */
        int declined = part % 2 == 0 ? 1 + part / 2 % 2 : 0;
        size_t n = declined ? 300 + rnd() % 100 : 4000 + rnd() % 1000;
        for (size_t r = 0; r < n && len + 200 < cap; r++) {
            len += (size_t)sprintf(buf + len, "id%zu,\"q, %zu\",%zu", r, r % 7, r % 13);
            if (declined == 1) buf[len++] = ' '; /* a space after the last field */
            if (declined == 2) len += (size_t)sprintf(buf + len, ",\"two\nlines\"");
            buf[len++] = '\n';
        }
    }
    static const size_t chunks[] = {0, 1000, 4096, 65536};
    for (size_t i = 0; i < sizeof chunks / sizeof *chunks; i++)
        if (reader_diff(buf, len, ',', 1, 1 << 20, chunks[i], why, sizeof why)) {
            printf("declined records, chunk %zu: %s\n", chunks[i], why);
            failures++;
        }
    free(buf);
    return failures;
}

int main(int argc, char **argv)
{
    unsigned long long n = argc > 1 ? strtoull(argv[1], NULL, 10) : 20000;
    printf("block path as the CPU allows: ");
    int failures = run(n) + run_declined();
    reid_scan_use_avx2(0);
    printf("SSE2 block path: ");
    failures += run(n) + run_declined();
    return failures ? 1 : 0;
}
