/*
 * nhsnumber.h - NHS numbers: the modulus-11 check digit, parsing, and the
 * order in which the valid numbers are searched (docs/pseudonyms.md).
 *
 * An NHS number is ten digits d1..d10: d10 = 11 - (sum of d_i * (11 - i), i = 1..9) mod 11,
 * where 11 becomes 0 and 10 means the nine digits have no valid number. Of the 10^9
 * nine-digit stems, about 10/11 (909,090,910) have one.
 */
#ifndef REID_NHSNUMBER_H
#define REID_NHSNUMBER_H

#include <stddef.h>
#include <stdint.h>

/* Digits of the search: a "head" is the first six digits (000000..999999); each head holds the
 * 1,000 stems head*1000 .. head*1000+999. */
#define REID_NHS_HEADS 1000000u

/* The check digit of the 9-digit stem (0..999,999,999), or -1 when the stem has no valid number. */
int reid_nhs_check_digit(uint32_t stem);

/* The check digit from the weighted sum of the nine digits (sum d_i * (11 - i)), or -1. */
static inline int reid_nhs_check_of_sum(unsigned sum)
{
    unsigned c = 11 - sum % 11;
    return c == 11 ? 0 : c == 10 ? -1 : (int)c;
}

/*
 * 1 if s[0..len) is a valid NHS number written "nnnnnnnnnn", "nnn nnn nnnn" or "nnn-nnn-nnnn"
 * (the check digit right); *number (if not NULL) gets it as a 10-digit integer. 0 otherwise.
 */
int reid_nhs_parse(const char *s, size_t len, uint64_t *number);

/*
 * The heads in the order they are searched: Scotland's CHI numbers (heads that are a date
 * DDMMYY), then England, Wales and the Isle of Man (400000-499999, 600000-799999), then the
 * 3xx heads (England's newer numbers and Northern Ireland's 320000-399999), then every other
 * head. With a range [first, last] of 10-digit numbers (both not 0), only the heads that
 * overlap it, in ascending order. Returns a malloc'd array and its length in *count, or NULL
 * when out of memory. *likely (if not NULL) gets how many of the leading heads are in the
 * issued ranges (CHI, England/Wales/IoM, 3xx).
 */
uint32_t *reid_nhs_head_order(uint64_t first, uint64_t last, size_t *count, size_t *likely);

/* 1 if the six digits of head are a date DDMMYY (day valid for the month; 29/02 always). */
int reid_nhs_head_is_date(uint32_t head);

/* Valid NHS numbers in the whole space (stems with a check digit): 909,090,910. */
uint64_t reid_nhs_valid_total(void);

#endif
