/* sniff.c - delimiter sniffing: consistent per-line field counts, quote-aware. */
#include "sniff.h"

#include <string.h>

#define SNIFF_LINES 100

static const char candidates[] = {',', ';', '\t', '|'};
#define NCAND (sizeof candidates)

int reid_sniff_delimiter(const char *buf, size_t len)
{
    size_t first[NCAND] = {0}, cur[NCAND] = {0}, ref[NCAND] = {0};
    int consistent[NCAND];
    for (size_t c = 0; c < NCAND; c++)
        consistent[c] = 1;
    int quoted = 0;
    size_t lines = 0;
    for (size_t i = 0; i < len && lines < SNIFF_LINES; i++) {
        char ch = buf[i];
        if (ch == '"') {
            quoted = !quoted;
            continue;
        }
        if (quoted) continue;
        if (ch == '\n' || ch == '\r') {
            if (ch == '\r' && i + 1 < len && buf[i + 1] == '\n') i++;
            int blank = 1;
            for (size_t c = 0; c < NCAND; c++)
                blank &= cur[c] == 0;
            for (size_t c = 0; c < NCAND; c++) {
                if (lines == 0)
                    first[c] = ref[c] = cur[c];
                else if (cur[c] != ref[c] && !blank)
                    consistent[c] = 0;
                cur[c] = 0;
            }
            lines++;
            continue;
        }
        for (size_t c = 0; c < NCAND; c++)
            if (ch == candidates[c]) cur[c]++;
    }
    if (lines == 0) /* one incomplete line: judge it alone */
        for (size_t c = 0; c < NCAND; c++)
            first[c] = ref[c] = cur[c];
    int best = -1;
    for (size_t c = 0; c < NCAND; c++)
        if (consistent[c] && ref[c] > 0 && (best < 0 || ref[c] > ref[best])) best = (int)c;
    if (best >= 0) return candidates[best];
    for (size_t c = 0; c < NCAND; c++)
        if (first[c] > 0 && (best < 0 || first[c] > first[best])) best = (int)c;
    return best >= 0 ? candidates[best] : ',';
}
