/* jsonbuild.c - the JSON reports' builder (jsonbuild.h). */
#include "jsonbuild.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reid.h"

void jb_put(jb *b, json_t *obj, const char *key, json_t *v)
{
    if (!obj || !v || json_object_set_new(obj, key, v) != 0) b->failed = 1;
}

void jb_push(jb *b, json_t *arr, json_t *v)
{
    if (!arr || !v || json_array_append_new(arr, v) != 0) b->failed = 1;
}

json_t *json_u64(uint64_t v)
{
    return json_integer((json_int_t)v);
}

json_t *json_str_lossy(const char *s)
{
    json_t *v = json_string(s);
    if (v || !s) return v;
    char *c = strdup(s);
    if (!c) return NULL;
    for (char *p = c; *p; p++)
        if ((unsigned char)*p >= 0x80) *p = '?';
    v = json_string(c);
    free(c);
    return v;
}

json_t *json_real_or_null(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

void jb_put_tool(jb *b, json_t *root)
{
    json_t *tool = json_object();
    jb_put(b, tool, "name", json_string("reid-check"));
    jb_put(b, tool, "version", json_string(reid_version()));
    jb_put(b, root, "tool", tool);
}
