/* error.h - an error record: status, message, line and column of the input. */
#ifndef REID_ERROR_H
#define REID_ERROR_H

#include <stdint.h>

#include "reid.h"

#define REID_ERRMSG_MAX 768

typedef struct reid_error {
    reid_status status;
    uint64_t line;   /* 1-based; 0 = not applicable */
    uint64_t column; /* 1-based field number; 0 = not applicable */
    char msg[REID_ERRMSG_MAX];
} reid_error;

/* Record the first error only: later ones are consequences. Returns status. */
reid_status reid_error_set(reid_error *e, reid_status status, uint64_t line, uint64_t column,
                           const char *fmt, ...) __attribute__((format(printf, 5, 6)));

void reid_error_clear(reid_error *e);

#endif
