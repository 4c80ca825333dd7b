/*
 * fuzz_reader.c - libFuzzer target: the fast scanner and libcsv must read
 * every input identically (records, start lines, errors). Build with
 * cmake -DREID_FUZZ=ON -DCMAKE_C_COMPILER=clang, run build/tests/fuzz/fuzz_reader.
 * The first input byte picks the delimiter, strictness and chunk size.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "reader_diff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    static const int delims[] = {',', ';', '\t', '|'};
    int delim = delims[data[0] & 3];
    int strict = (data[0] >> 2) & 1;
    size_t chunk = (data[0] >> 3) & 15;
    size_t max_field = (data[0] & 0x80) ? 8 : 1 << 20;
    char why[1024];
    if (reader_diff((const char *)data + 1, size - 1, delim, strict, max_field, chunk, why,
                    sizeof why)) {
        fprintf(stderr, "%s\n", why);
        abort();
    }
    return 0;
}
