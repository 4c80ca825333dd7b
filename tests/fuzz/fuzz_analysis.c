/*
 * fuzz_analysis.c - libFuzzer target: the whole analysis through the public API, twice.
 *
 * The input's first 5 bytes choose the configuration: the QIs' types (columns 1 to 3, read by
 * number, no header), the delimiter, strict or lenient quotes, skipping bad rows, "missing matches
 * anything", column 4 as a sensitive column, column 5 as a weight, SUDA2, the population models
 * and the attribute risks, column 6 as the pseudonym with columns 7 and 8 as events, built-in
 * generalisation of columns 1 and 2, the threads and chunk size of the second run and where its
 * input is cut into pieces. The rest is the CSV. The first run reads it on one thread in
 * one piece; the second on 2 or 3 threads, in small chunks, fed in 1 to 3 pieces; the two must
 * end alike (analysis_diff.h). The sanitizers of the fuzz build (the top-level CMakeLists.txt,
 * REID_FUZZ) check the rest. Run with `make fuzz
 * FUZZ_TARGET=fuzz_analysis`.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "analysis_diff.h"
#include "reid.h"

static const char *const types[] = {"text", "postcode", "date", "age",
                                    "sex",  "code",     "date", "text"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 5) return 0;
    const uint8_t b0 = data[0], b1 = data[1], b2 = data[2], b3 = data[3], b4 = data[4];
    const char *buf = (const char *)data + 5;
    const size_t len = size - 5;

    char qis[64];
    snprintf(qis, sizeof qis, "1:%s,2:%s,3:%s", types[b1 & 7], types[(b1 >> 3) & 7],
             types[((b1 >> 6) | (b2 << 2)) & 7]);
    static const int delims[] = {',', ';', '\t', '|'};
    reid_config *cfg = reid_config_new();
    if (!cfg) abort();
    reid_config_set_header(cfg, REID_HEADER_NONE);
    if (reid_config_set_qis(cfg, (b2 & 0x08) ? "1:text,2:age" : qis) != REID_OK) abort();
    reid_config_set_delimiter(cfg, delims[b0 & 3]);
    reid_config_set_strict_quotes(cfg, (b0 >> 2) & 1);
    reid_config_set_skip_bad_rows(cfg, (b0 >> 3) & 1);
    if (b0 & 0x10) reid_config_set_missing_matches_any(cfg, 1, (b0 & 0x20) ? 0.5 : 1.0);
    if (b0 & 0x40) reid_config_add_sensitive(cfg, "4");
    if (b0 & 0x80) reid_config_set_suda2(cfg, 1);
    if (b2 & 0x02) reid_config_set_weight(cfg, "5");
    if (b2 & 0x04) {
        reid_config_set_sampling_fraction(cfg, 0.1);
        reid_config_set_attribute_risks(cfg, 1, 2);
    }
    if (b4 & 1) { /* people, and trails of events */
        reid_config_set_id(cfg, "6");
        if (b4 & 2) reid_config_set_events(cfg, (b4 & 4) ? "7:month,8" : "7");
    }
    if (b4 & 8) reid_config_set_generalise(cfg, (b4 & 16) ? "1=1,2=2" : "2=1");
    const unsigned threads = (b2 & 0x10) ? 3 : 2;
    const size_t chunk = 1 + (b3 & 63);
    if (analysis_diff(cfg, buf, len, threads, chunk, len * ((b2 >> 5) & 7) / 8,
                      len * (b3 >> 6) / 3))
        abort();
    reid_config_free(cfg);
    return 0;
}
