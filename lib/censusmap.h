/*
 * censusmap.h - mapping a record's values onto the coarser categories of a
 * census table (docs/population-table.md): a postcode to its sector or
 * district, an age to a Census 2011 age band (KS102EW), a sex to M or F.
 */
#ifndef REID_CENSUSMAP_H
#define REID_CENSUSMAP_H

#include <stddef.h>

/* Longest output of reid_postcode_sector / reid_postcode_district ("SW1A 1" is 6 bytes). */
#define REID_SECTOR_MAX 8

/*
 * The sector of a postcode: "SW1A 1AA" -> "SW1A 1" (the outward code, one space, the first
 * character of the inward code). The value is first read as a postcode (lib/normalise.c: case and
 * spaces do not matter, "sw1a1aa" works). Writes at most REID_SECTOR_MAX bytes to out and returns
 * the length, or 0 when the value is not a full UK postcode.
 */
size_t reid_postcode_sector(const char *s, size_t len, char *out);

/* The district (outward code): "SW1A 1AA" -> "SW1A"; 0 when not a full UK postcode. */
size_t reid_postcode_district(const char *s, size_t len, char *out);

/*
 * A sector as a census table writes it, in the same form as reid_postcode_sector: upper case,
 * white space trimmed and every run of inner white space made one space ("AL1  1" -> "AL1 1").
 * Writes at most len bytes; returns the length.
 */
size_t reid_sector_canonical(const char *s, size_t len, char *out);

/* Number of Census 2011 age bands (KS102EW). */
#define REID_CENSUS_NBANDS 16

/* Label of band i: "0-4", "5-7", "8-9", "10-14", "15", "16-17", "18-19", "20-24", "25-29",
 * "30-44", "45-59", "60-64", "65-74", "75-84", "85-89", "90+"; NULL if out of range. */
const char *reid_census_band_label(int i);

/* The band of an age in whole years (digits only, leading zeros allowed: "042"), or -1 when the
 * value is not a whole number of years from 0 to 150. */
int reid_census_age_band(const char *s, size_t len);

/* The band a label names (as reid_census_band_label, white space trimmed), or -1. */
int reid_census_band_of_label(const char *s, size_t len);

/* 'M' for M / Male / 1, 'F' for F / Female / 2 (case-insensitive, trimmed), else 0. */
int reid_sex_mf(const char *s, size_t len);

#endif
