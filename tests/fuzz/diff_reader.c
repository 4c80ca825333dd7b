/*
 * diff_reader.c - differential test: on many random inputs, built from the
 * pieces that make CSV hard (quotes, "" escapes, delimiters and line breaks
 * inside quotes, CR / LF / CRLF, spaces and tabs around fields, stray quotes,
 * NUL bytes, long fields), fed in random chunk sizes, the reader with the
 * fast scanner yields exactly the records, start lines and errors of the
 * reader with libcsv alone.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader_diff.h"

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
    "\"\r\n\"", ",,", "\n\n", " \n", "\"\"\"\"", "\"end",
    /* long runs, so the 16-byte vector loops meet every special byte at every offset */
    "abcdefghijklmnopqrstuvwxyz0123456789", "0123456789abcdef", "0123456789abcde",
    "\"a long quoted field, with a comma; a semicolon | a pipe\"",
    "\"sixteen bytes..\"\"then an escaped quote and more text\"",
    "\"a quoted field that runs over\r\na CRLF and\nan LF and\ra CR\"", "padding-padding-padding-",
    "trailing spaces and tabs \t \t "};
#define NATOMS (sizeof atoms / sizeof *atoms)

int main(void)
{
    const int delims[] = {',', ';', '\t', '|'};
    char *buf = malloc(1 << 16);
    char why[1024];
    int failures = 0, cases = 0;
    for (uint64_t seed = 1; seed <= 20000; seed++) {
        rng_state = seed;
        size_t len = 0, target = rnd() % 400;
        /* mostly well-formed records, with the hard atoms mixed in */
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
        if (rnd() % 50 == 0 && len) buf[rnd() % len] = 0; /* a NUL byte */
        int delim = delims[rnd() % 4];
        int strict = rnd() % 4 != 0;
        size_t max_field = rnd() % 8 == 0 ? 1 + rnd() % 6 : 1 << 20;
        size_t chunk = rnd() % 3 == 0 ? 0 : 1 + rnd() % 17;
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
    return failures ? 1 : 0;
}
