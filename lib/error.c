/* error.c - the first error of an analysis, with where in the input it happened. */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

reid_status reid_error_set(reid_error *e, reid_status status, uint64_t line, uint64_t column,
                           const char *fmt, ...)
{
    if (e->status != REID_OK) return e->status;
    e->status = status;
    e->line = line;
    e->column = column;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    return status;
}

void reid_error_clear(reid_error *e)
{
    memset(e, 0, sizeof *e);
}

const char *reid_status_name(reid_status s)
{
    switch (s) {
    case REID_OK:
        return "ok";
    case REID_ERR_INPUT:
        return "input error";
    case REID_ERR_CONFIG:
        return "configuration error";
    case REID_ERR_NOMEM:
        return "out of memory";
    case REID_ERR_IO:
        return "write error";
    case REID_ERR_STATE:
        return "call out of order";
    }
    return "unknown status";
}
