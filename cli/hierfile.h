/* hierfile.h - --hierarchy COL=FILE: read the file, hand its bytes to the library. */
#ifndef REID_CLI_HIERFILE_H
#define REID_CLI_HIERFILE_H

#include "reid.h"

/* Largest hierarchy file read, in bytes. */
#define CLI_HIERARCHY_MAX (256u << 20)

/* arg is COL=FILE. 0, or an exit status after printing the error. */
int cli_add_hierarchy(reid_config *cfg, const char *arg);

#endif
