/*
 * jsonbuild.h - building a JSON report with jansson without checking every call: a failed
 * insertion (out of memory, a NULL value) is remembered in the builder, and the writer checks it
 * once at the end. Shared by the analysis report (report_json.c) and the linkage report
 * (link_report.c).
 */
#ifndef REID_JSONBUILD_H
#define REID_JSONBUILD_H

#include <jansson.h>
#include <stdint.h>

typedef struct jb {
    int failed;
} jb;

/* obj[key] = v (v's reference is taken), or remember the failure. */
void jb_put(jb *b, json_t *obj, const char *key, json_t *v);
/* arr += v (v's reference is taken), or remember the failure. */
void jb_push(jb *b, json_t *arr, json_t *v);

json_t *json_u64(uint64_t v);
/* A string that need not be UTF-8 (a file name): bytes from 0x80 up become '?' if it is not
 * (json_string refuses invalid UTF-8). */
json_t *json_str_lossy(const char *s);
/* A real, or null when it is not a number (jansson refuses NaN and infinities). */
json_t *json_real_or_null(double v);
/* root.tool = {"name": "reid-check", "version": ...}, the first key of every report. */
void jb_put_tool(jb *b, json_t *root);

#endif
