/*
 * fuzz_analysis.c - libFuzzer target: the whole analysis through the public API, twice.
 *
 * The input's first 4 bytes choose the configuration: the QIs' types (columns 1 to 3, read by
 * number, no header), the delimiter, strict or lenient quotes, skipping bad rows, "missing matches
 * anything", column 4 as a sensitive column, column 5 as a weight, SUDA2, the population models
 * and the attribute risks, the threads and chunk size of the second run and where its input is
 * cut into pieces. The rest is the CSV. The first run reads it on one thread in
 * one piece; the second on 2 or 3 threads, in small chunks, fed in 1 to 3 pieces. The two must
 * end alike (the same status; on an error the same message, line and column) and, on success,
 * write the same JSON report apart from "run" (timings, threads). Every figure is documented as
 * identical for every thread count, chunk size and way of feeding (reid.h); the sanitizers of the
 * fuzz build (the top-level CMakeLists.txt, REID_FUZZ) check the rest. Run with `make fuzz
 * FUZZ_TARGET=fuzz_analysis`.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reid.h"

static const char *const types[] = {"text", "postcode", "date", "age",
                                    "sex",  "code",     "date", "text"};

typedef struct outcome {
    reid_status st;
    char *msg;
    uint64_t line, column;
    json_t *json; /* the report without "run", on success */
} outcome;

static void outcome_free(outcome *o)
{
    free(o->msg);
    json_decref(o->json);
}

/* One run: the buffer fed in pieces at the cut points (sorted, within len). */
static void run(const reid_config *cfg, const char *buf, size_t len, const size_t *cuts,
                size_t ncuts, outcome *o)
{
    memset(o, 0, sizeof *o);
    reid_analysis *a = reid_analysis_new(cfg, "fuzz.csv");
    if (!a) abort();
    reid_status st = reid_status_of(a);
    size_t at = 0;
    for (size_t i = 0; st == REID_OK && i <= ncuts; i++) {
        size_t end = i < ncuts ? cuts[i] : len;
        if (end < at) end = at;
        st = reid_feed(a, buf + at, end - at);
        at = end;
    }
    if (st == REID_OK) st = reid_finish(a);
    o->st = st;
    if (st != REID_OK) {
        o->msg = strdup(reid_error_message(a));
        o->line = reid_error_line(a);
        o->column = reid_error_column(a);
    } else {
        char *text = NULL;
        size_t tlen = 0;
        FILE *f = open_memstream(&text, &tlen);
        if (!f) abort();
        if (reid_write_json(a, f) != REID_OK) abort();
        fclose(f);
        json_error_t err;
        o->json = json_loadb(text, tlen, 0, &err);
        if (!o->json) {
            fprintf(stderr, "the JSON report does not parse: %s (line %d)\n", err.text, err.line);
            abort();
        }
        json_object_del(o->json, "run");
        free(text);
    }
    reid_analysis_free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4) return 0;
    const uint8_t b0 = data[0], b1 = data[1], b2 = data[2], b3 = data[3];
    const char *buf = (const char *)data + 4;
    const size_t len = size - 4;

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
    reid_config_set_threads(cfg, 1);
    reid_config_set_chunk_size(cfg, 0);

    outcome one, many;
    run(cfg, buf, len, NULL, 0, &one);

    reid_config_set_threads(cfg, (b2 & 0x10) ? 3 : 2);
    reid_config_set_chunk_size(cfg, 1 + (b3 & 63));
    size_t cuts[2] = {len * ((b2 >> 5) & 7) / 8, len * (b3 >> 6) / 3};
    if (cuts[0] > cuts[1]) {
        size_t t = cuts[0];
        cuts[0] = cuts[1];
        cuts[1] = t;
    }
    run(cfg, buf, len, cuts, 2, &many);

    int same = one.st == many.st;
    if (same && one.st != REID_OK)
        same = strcmp(one.msg, many.msg) == 0 && one.line == many.line && one.column == many.column;
    if (same && one.st == REID_OK) same = json_equal(one.json, many.json);
    if (!same) {
        fprintf(stderr, "one thread: status %d %s\nthreads %u, chunks of %zu: status %d %s\n",
                (int)one.st, one.msg ? one.msg : "", (b2 & 0x10) ? 3u : 2u, (size_t)(1 + (b3 & 63)),
                (int)many.st, many.msg ? many.msg : "");
        if (one.json && many.json) {
            char *x = json_dumps(one.json, JSON_SORT_KEYS | JSON_INDENT(1));
            char *y = json_dumps(many.json, JSON_SORT_KEYS | JSON_INDENT(1));
            fprintf(stderr, "--- one thread\n%s\n--- threads\n%s\n", x, y);
            free(x);
            free(y);
        }
        abort();
    }
    outcome_free(&one);
    outcome_free(&many);
    reid_config_free(cfg);
    return 0;
}
