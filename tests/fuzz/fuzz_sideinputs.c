/*
 * fuzz_sideinputs.c - libFuzzer target: the files a user gives beside the extract, a generalisation
 * hierarchy (ARX's CSV format) and a population table, each read into a whole analysis.
 *
 * The input is the side file's text, a NUL byte, then the extract's records (after a header
 * "a,b,c" the target writes). The first byte before them chooses: a hierarchy for column a with
 * a = LEVEL generalised (level 0 to 3), or a population table (written to a temporary file, behind
 * one of four headers: every QI exact, coarser levels, or fewer columns); the delimiter, and the
 * threads and chunk size of the second run. The analysis runs twice and the two runs must end
 * alike (analysis_diff.h); the sanitizers of the fuzz build check the rest. Run with
 * `make fuzz FUZZ_TARGET=fuzz_sideinputs`.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis_diff.h"
#include "reid.h"

static const char *const pt_headers[] = {"a,b,c,count\n", "a:sector,b:mf,c:census-band,count\n",
                                         "a:district,count\n", "c,b,people\n"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) return 0;
    const uint8_t b0 = data[0], b1 = data[1];
    const char *side = (const char *)data + 2;
    const char *nul = memchr(side, 0, size - 2);
    const size_t slen = nul ? (size_t)(nul - side) : size - 2;
    const char *rest = nul ? nul + 1 : side + slen;
    const size_t rlen = (size_t)((const char *)data + size - rest);

    static const char head[] = "a,b,c\n";
    char *extract = malloc(sizeof head - 1 + rlen);
    if (!extract) abort();
    memcpy(extract, head, sizeof head - 1);
    memcpy(extract + sizeof head - 1, rest, rlen);
    const size_t elen = sizeof head - 1 + rlen;

    reid_config *cfg = reid_config_new();
    if (!cfg) abort();
    reid_config_set_header(cfg, REID_HEADER_AS_IS);
    reid_config_set_delimiter(cfg, ',');
    char path[64] = "";
    if (!(b0 & 1)) {
        if (reid_config_set_qis(cfg, "a:text,b:sex,c:age") != REID_OK) abort();
        char level[16];
        snprintf(level, sizeof level, "a=%u", (unsigned)((b0 >> 1) & 3));
        /* a hierarchy that does not parse is refused here, as the CLI refuses it */
        if (reid_config_add_hierarchy(cfg, "a", "fuzz-hierarchy", side, slen) == REID_OK)
            reid_config_set_generalise(cfg, level);
    } else {
        if (reid_config_set_qis(cfg, "a:postcode,b:sex,c:age") != REID_OK) abort();
        snprintf(path, sizeof path, "/tmp/reid-fuzz-pt-%ld.csv", (long)getpid());
        FILE *f = fopen(path, "wb");
        if (!f) abort();
        fputs(pt_headers[(b0 >> 1) & 3], f);
        fwrite(side, 1, slen, f);
        if (fclose(f) != 0) abort();
        reid_config_set_population_table(cfg, path);
        reid_config_set_k(cfg, 1 + ((b0 >> 3) & 7));
    }
    const unsigned threads = (b1 & 1) ? 3 : 2;
    const size_t chunk = 1 + ((b1 >> 1) & 31);
    if (analysis_diff(cfg, extract, elen, threads, chunk, elen * ((b1 >> 6) & 3) / 4, elen / 2))
        abort();
    reid_config_free(cfg);
    free(extract);
    if (path[0]) unlink(path);
    return 0;
}
