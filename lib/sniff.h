/* sniff.h - guess the field delimiter from the first lines of a CSV. */
#ifndef REID_SNIFF_H
#define REID_SNIFF_H

#include <stddef.h>

/*
 * Among ',' ';' TAB '|': the delimiter that appears, outside quotes, the same
 * non-zero number of times on every complete line of the sample (at most 100
 * lines); among several, the one with most fields; if none is consistent, the
 * one most frequent on the first line; ',' if none appears at all.
 */
int reid_sniff_delimiter(const char *buf, size_t len);

#endif
