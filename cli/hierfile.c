/* hierfile.c - --hierarchy COL=FILE. */
#include "hierfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

int cli_add_hierarchy(reid_config *cfg, const char *arg)
{
    const char *eq = strrchr(arg, '=');
    if (!eq || eq == arg || !eq[1]) {
        fprintf(stderr,
                "reid-check: --hierarchy takes COLUMN=FILE (a CSV file in ARX's format), not "
                "'%s'\nTry 'reid-check --help' for more information.\n",
                arg);
        return EXIT_USAGE_OR_INPUT;
    }
    const char *path = eq + 1;
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "reid-check: --hierarchy: cannot open '%s': %s\n", path, strerror(errno));
        return EXIT_USAGE_OR_INPUT;
    }
    char *text = NULL;
    size_t len = 0, cap = 0;
    int rc = 0;
    for (;;) {
        if (len == cap) {
            cap = cap ? cap * 2 : 65536;
            char *t = realloc(text, cap);
            if (!t) {
                fprintf(stderr, "reid-check: out of memory\n");
                rc = EXIT_INTERNAL;
                break;
            }
            text = t;
        }
        size_t n = fread(text + len, 1, cap - len, f);
        len += n;
        if (len > CLI_HIERARCHY_MAX) {
            fprintf(stderr, "reid-check: --hierarchy: '%s' is larger than %u MiB\n", path,
                    CLI_HIERARCHY_MAX >> 20);
            rc = EXIT_USAGE_OR_INPUT;
            break;
        }
        if (n == 0) {
            if (ferror(f)) {
                fprintf(stderr, "reid-check: --hierarchy: cannot read '%s': %s\n", path,
                        strerror(errno));
                rc = EXIT_USAGE_OR_INPUT;
            }
            break;
        }
    }
    fclose(f);
    if (rc == 0) {
        char *col = strndup(arg, (size_t)(eq - arg));
        reid_status st =
            col ? reid_config_add_hierarchy(cfg, col, path, text, len) : REID_ERR_NOMEM;
        free(col);
        if (st != REID_OK) {
            fprintf(stderr, "reid-check: %s\n",
                    st == REID_ERR_NOMEM ? "out of memory" : reid_config_error(cfg));
            rc = st == REID_ERR_NOMEM ? EXIT_INTERNAL : EXIT_USAGE_OR_INPUT;
        }
    }
    free(text);
    return rc;
}
