/* nhsnumber.c - NHS number check digits, parsing and the search order of the number space. */
#include "nhsnumber.h"

#include <stdlib.h>

int reid_nhs_check_digit(uint32_t stem)
{
    unsigned sum = 0;
    for (unsigned w = 2; w <= 10; w++) { /* the last digit weighs 2, the first 10 */
        sum += (stem % 10) * w;
        stem /= 10;
    }
    return reid_nhs_check_of_sum(sum);
}

int reid_nhs_parse(const char *s, size_t len, uint64_t *number)
{
    char sep = 0;
    if (len == 12 && (s[3] == ' ' || s[3] == '-') && s[7] == s[3])
        sep = s[3];
    else if (len != 10)
        return 0;
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (sep && (i == 3 || i == 7)) continue;
        if (s[i] < '0' || s[i] > '9') return 0;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if (reid_nhs_check_digit((uint32_t)(v / 10)) != (int)(v % 10)) return 0;
    if (number) *number = v;
    return 1;
}

int reid_nhs_head_is_date(uint32_t head)
{
    static const unsigned mdays[13] = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    unsigned dd = head / 10000, mm = head / 100 % 100;
    return mm >= 1 && mm <= 12 && dd >= 1 && dd <= mdays[mm];
}

static int in_tier(uint32_t h, int tier)
{
    switch (tier) {
    case 0:
        return reid_nhs_head_is_date(h);
    case 1:
        return (h >= 400000 && h <= 499999) || (h >= 600000 && h <= 799999);
    case 2:
        return h >= 300000 && h <= 399999;
    default:
        return 1;
    }
}

uint32_t *reid_nhs_head_order(uint64_t first, uint64_t last, size_t *count, size_t *likely)
{
    *count = 0;
    if (likely) *likely = 0;
    if (first || last) {
        uint32_t h0 = (uint32_t)(first / 10000), h1 = (uint32_t)(last / 10000);
        if (h1 >= REID_NHS_HEADS) h1 = REID_NHS_HEADS - 1;
        if (h0 > h1) return malloc(1);
        uint32_t *o = malloc((size_t)(h1 - h0 + 1) * sizeof *o);
        if (!o) return NULL;
        for (uint32_t h = h0; h <= h1; h++)
            o[(*count)++] = h;
        return o;
    }
    uint32_t *o = malloc(REID_NHS_HEADS * sizeof *o);
    unsigned char *done = calloc(REID_NHS_HEADS, 1);
    if (!o || !done) {
        free(o);
        free(done);
        return NULL;
    }
    for (int tier = 0; tier < 4; tier++) {
        for (uint32_t h = 0; h < REID_NHS_HEADS; h++)
            if (!done[h] && in_tier(h, tier)) {
                done[h] = 1;
                o[(*count)++] = h;
            }
        if (tier == 2 && likely) *likely = *count;
    }
    free(done);
    return o;
}

uint64_t reid_nhs_valid_total(void)
{
    /* stems by their weighted sum mod 11, digit by digit; the stems with sum = 1 (mod 11) have
     * no check digit (11 - 1 = 10) */
    uint64_t cnt[11] = {1};
    for (unsigned w = 10; w >= 2; w--) {
        uint64_t next[11] = {0};
        for (unsigned r = 0; r < 11; r++)
            for (unsigned d = 0; d < 10; d++)
                next[(r + d * w) % 11] += cnt[r];
        for (unsigned r = 0; r < 11; r++)
            cnt[r] = next[r];
    }
    return 1000000000u - cnt[1];
}
