/*
 * fuzz_normalise.c - libFuzzer target: every QI type's normalisation (lib/normalise.c) is a
 * projection. The first input byte picks the type, the rest is a value (trimmed, as the reader
 * gives it). Its normal form, normalised again, must come back unchanged, byte for byte, and
 * recognised when the first pass recognised the value: the population table, the generalisation
 * hierarchies and reid_merge take values that are already normal and normalise them again, and a
 * value that moved would no longer meet itself. The output is written into exactly the room the
 * header promises (len + REID_NORM_EXTRA), so AddressSanitizer sees any write past it. Run with
 * `make fuzz FUZZ_TARGET=fuzz_normalise`.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "normalise.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    static const reid_qi_type types[] = {REID_TYPE_TEXT, REID_TYPE_POSTCODE, REID_TYPE_DATE,
                                         REID_TYPE_AGE,  REID_TYPE_SEX,      REID_TYPE_CODE};
    const reid_qi_type t = types[data[0] % 6];
    const char *s = (const char *)data + 1;
    size_t len = size - 1;
    reid_trim(&s, &len);
    char *in = malloc(len ? len : 1); /* the value alone in its allocation */
    char *once = malloc(len + REID_NORM_EXTRA);
    if (!in || !once) abort();
    memcpy(in, s, len);
    int ok1 = 0, ok2 = 0;
    size_t n1 = reid_normalise(t, in, len, once, &ok1);
    if (n1 > len + REID_NORM_EXTRA) abort();
    char *twice = malloc(n1 + REID_NORM_EXTRA);
    if (!twice) abort();
    size_t n2 = reid_normalise(t, once, n1, twice, &ok2);
    if (n2 != n1 || memcmp(once, twice, n1) != 0 || (ok1 && !ok2)) {
        fprintf(stderr, "type %s: '%.*s' -> '%.*s' (recognised %d) -> '%.*s' (recognised %d)\n",
                reid_qi_type_name(t), (int)len, in, (int)n1, once, ok1, (int)n2, twice, ok2);
        abort();
    }
    free(in);
    free(once);
    free(twice);
    return 0;
}
