/*
 * fuzz_link.c - libFuzzer target: the linkage demonstration (reid_link, docs/linkage.md) holds
 * either side in memory with the same results.
 *
 * The input is the register's records, a NUL byte, then the extract's records, after headers the
 * target writes ("a,b,c" for the register, "a,b,c,id" for the extract). The first byte chooses the
 * join columns and their types, whether the extract's id column names people, how many matches
 * are shown, the feed size and skipping of malformed rows. The linkage runs twice, holding the
 * register, then the extract (the register again when matches are shown), fed in other piece
 * sizes, and the two must end alike: both with an error, or the same JSON report apart from
 * "run" and the held side's name and distinct keys (reid.h: "Results never depend on it"). The
 * sanitizers of the fuzz build check the rest. Run with `make fuzz FUZZ_TARGET=fuzz_link`.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis_diff.h"
#include "reid.h"

static const char *const ons[] = {
    "a",      "a,b",   "a:postcode,b:date", "a:text,b:age,c:sex", "a:code,c",
    "b:date", "a,b,c", "c:sex,a:postcode"};

static reid_status write_link(const void *l, FILE *f)
{
    return reid_link_write_json(l, f);
}

/* Feed text to one side in pieces of `piece` bytes (0: at once). */
static reid_status feed(reid_link *l, reid_link_side side, const char *head, const char *text,
                        size_t len, size_t piece)
{
    reid_status st = reid_link_feed(l, side, head, strlen(head));
    for (size_t at = 0; st == REID_OK && at < len;) {
        size_t n = piece && len - at > piece ? piece : len - at;
        st = reid_link_feed(l, side, text + at, n);
        at += n;
    }
    return st == REID_OK ? reid_link_end(l, side) : st;
}

/* One linkage holding `held`; the JSON report without "run" (NULL after an error, *msg set). */
static json_t *run(const reid_config *cfg, uint8_t b0, reid_link_side held, const char *reg,
                   size_t rlen, const char *ext, size_t elen, size_t piece, char **msg)
{
    reid_link *l = reid_link_new(cfg, "extract.csv", "register.csv");
    if (!l) abort();
    reid_status st = reid_link_set_on(l, ons[b0 & 7]);
    if (st == REID_OK && (b0 & 8)) st = reid_link_set_id(l, "id");
    if (st == REID_OK) st = reid_link_set_show_matches(l, (b0 >> 4) & 3);
    if (st == REID_OK) st = reid_link_set_hold(l, held);
    const reid_link_side other =
        held == REID_LINK_REGISTER ? REID_LINK_EXTRACT : REID_LINK_REGISTER;
    const char *rh = "a,b,c\n", *eh = "a,b,c,id\n";
    for (int i = 0; i < 2 && st == REID_OK; i++) {
        reid_link_side side = i == 0 ? held : other;
        st = side == REID_LINK_REGISTER ? feed(l, side, rh, reg, rlen, piece)
                                        : feed(l, side, eh, ext, elen, piece);
    }
    json_t *j = NULL;
    if (st != REID_OK) {
        *msg = strdup(reid_link_error_message(l));
    } else {
        j = report_json(write_link, l);
        /* which side was held, and its distinct keys: how the run went, not what it found */
        json_t *link = json_object_get(j, "link");
        json_object_del(link, "held");
        json_object_del(link, "held_keys");
    }
    reid_link_free(l);
    return j;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    const uint8_t b0 = data[0];
    const char *reg = (const char *)data + 1;
    const char *nul = memchr(reg, 0, size - 1);
    const size_t rlen = nul ? (size_t)(nul - reg) : size - 1;
    const char *ext = nul ? nul + 1 : reg + rlen;
    const size_t elen = (size_t)((const char *)data + size - ext);
    reid_config *cfg = reid_config_new();
    if (!cfg) abort();
    reid_config_set_header(cfg, REID_HEADER_AS_IS);
    reid_config_set_delimiter(cfg, ',');
    reid_config_set_skip_bad_rows(cfg, (b0 >> 6) & 1);
    char *m1 = NULL, *m2 = NULL;
    json_t *j1 = run(cfg, b0, REID_LINK_REGISTER, reg, rlen, ext, elen, 0, &m1);
    /* showing matches prints register entries, so it needs the register held (docs/linkage.md):
     * then only the feed sizes differ */
    const reid_link_side second = (b0 >> 4) & 3 ? REID_LINK_REGISTER : REID_LINK_EXTRACT;
    json_t *j2 = run(cfg, b0, second, reg, rlen, ext, elen, (b0 & 0x80) ? 1 : 7, &m2);
    /* both failing is agreement: with errors in both files, each run reports the first it reads,
     * and the held side is read first (documented in docs/linkage.md) */
    int same = (j1 && j2) ? json_equal(j1, j2) : (!j1 && !j2);
    if (!same) {
        fprintf(stderr, "holding the register: %s\nholding the extract: %s\n",
                m1 ? m1 : "(a report)", m2 ? m2 : "(a report)");
        if (j1 && j2) {
            char *x = json_dumps(j1, JSON_SORT_KEYS | JSON_INDENT(1));
            char *y = json_dumps(j2, JSON_SORT_KEYS | JSON_INDENT(1));
            fprintf(stderr, "--- register held\n%s\n--- extract held\n%s\n", x, y);
            free(x);
            free(y);
        }
        abort();
    }
    json_decref(j1);
    json_decref(j2);
    free(m1);
    free(m2);
    reid_config_free(cfg);
    return 0;
}
