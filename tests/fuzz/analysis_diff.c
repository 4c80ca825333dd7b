/* analysis_diff.c - see analysis_diff.h. */
#include "analysis_diff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct outcome {
    reid_status st;
    char *msg;
    unsigned long long line, column;
    json_t *json; /* the report without "run", on success */
} outcome;

static void outcome_free(outcome *o)
{
    free(o->msg);
    json_decref(o->json);
}

json_t *report_json(reid_status (*write)(const void *obj, FILE *f), const void *obj)
{
    char *text = NULL;
    size_t tlen = 0;
    FILE *f = open_memstream(&text, &tlen);
    if (!f) abort();
    if (write(obj, f) != REID_OK) abort();
    fclose(f);
    json_error_t err;
    json_t *j = json_loadb(text, tlen, 0, &err);
    if (!j) {
        fprintf(stderr, "the JSON report does not parse: %s (line %d)\n", err.text, err.line);
        abort();
    }
    json_object_del(j, "run");
    free(text);
    return j;
}

static reid_status write_analysis(const void *a, FILE *f)
{
    return reid_write_json(a, f);
}

/* One run: the buffer fed in pieces at the cut points (ascending, within len). */
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
        o->json = report_json(write_analysis, a);
    }
    reid_analysis_free(a);
}

static void print(const char *what, const outcome *o)
{
    fprintf(stderr, "--- %s: status %d, line %llu, column %llu: %s\n", what, (int)o->st, o->line,
            o->column, o->msg ? o->msg : "");
    if (o->json) {
        char *x = json_dumps(o->json, JSON_SORT_KEYS | JSON_INDENT(1));
        fprintf(stderr, "%s\n", x ? x : "");
        free(x);
    }
}

int analysis_diff(reid_config *cfg, const char *buf, size_t len, unsigned threads, size_t chunk,
                  size_t cut1, size_t cut2)
{
    outcome one, many;
    reid_config_set_threads(cfg, 1);
    reid_config_set_chunk_size(cfg, 0);
    run(cfg, buf, len, NULL, 0, &one);
    reid_config_set_threads(cfg, threads);
    reid_config_set_chunk_size(cfg, chunk);
    size_t cuts[2] = {cut1 < cut2 ? cut1 : cut2, cut1 < cut2 ? cut2 : cut1};
    for (size_t i = 0; i < 2; i++)
        cuts[i] = cuts[i] < len ? cuts[i] : len;
    run(cfg, buf, len, cuts, 2, &many);
    int same = one.st == many.st;
    if (same && one.st != REID_OK)
        same = strcmp(one.msg, many.msg) == 0 && one.line == many.line && one.column == many.column;
    if (same && one.st == REID_OK) same = json_equal(one.json, many.json);
    if (!same) {
        fprintf(stderr, "the runs differ (the second: %u threads, chunks of %zu bytes)\n", threads,
                chunk);
        print("one thread", &one);
        print("threads", &many);
    }
    outcome_free(&one);
    outcome_free(&many);
    return !same;
}
