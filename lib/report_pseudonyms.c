/* report_pseudonyms.c - the pseudonym check in the text report (docs/pseudonyms.md). */
#include "report_pseudonyms.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "analysis.h"
#include "numfmt.h"
#include "pseudonym_search.h"

/* "SHA-256" from "sha256" (also "sha256 spaced"). */
static const char *md_title(const char *name)
{
    if (!name) return "hash";
    if (strncmp(name, "md5", 3) == 0) return "MD5";
    if (strncmp(name, "sha1", 4) == 0) return "SHA-1";
    if (strncmp(name, "sha256", 6) == 0) return "SHA-256";
    if (strncmp(name, "sha512", 6) == 0) return "SHA-512";
    return name;
}

/* "less than a minute", "about 3 minutes", "about 2.5 hours". */
static const char *duration(double s, char *out, size_t cap)
{
    if (!isfinite(s))
        snprintf(out, cap, "an unknown time");
    else if (s < 60)
        snprintf(out, cap, "less than a minute");
    else if (s < 5400)
        snprintf(out, cap, "about %.0f minute%s", s / 60, s < 90 ? "" : "s");
    else
        snprintf(out, cap, "about %.1f hours", s / 3600);
    return out;
}

/* "943 476 5919" */
static const char *nhs_spaced(uint64_t v, char *out, size_t cap)
{
    char d[16];
    snprintf(d, sizeof d, "%010llu", (unsigned long long)v);
    snprintf(out, cap, "%.3s %.3s %.4s", d, d + 3, d + 6);
    return out;
}

/* "SHA-256 hash" / "MD5, SHA-1 or SHA-256 hash, cut to 16 hex digits," (plural with s = "es"). */
static const char *hash_phrase(const reid_pseudonyms *r, const char *es, char *out, size_t cap)
{
    if (r->digest && strcmp(r->digest, "truncated") == 0) {
        char list[64] = "";
        size_t used = 0;
        const char *p = r->algorithms ? r->algorithms : "";
        int n = 0, total = 1;
        for (const char *q = p; *q; q++)
            total += *q == ',';
        while (*p && used < sizeof list) {
            const char *e = strchr(p, ',');
            size_t len = e ? (size_t)(e - p) : strlen(p);
            char name[16];
            snprintf(name, sizeof name, "%.*s", (int)len, p);
            n++;
            used += (size_t)snprintf(list + used, sizeof list - used, "%s%s",
                                     n == 1       ? ""
                                     : n == total ? " or "
                                                  : ", ",
                                     md_title(name));
            p += len + (e != NULL);
        }
        snprintf(out, cap, "%s hash%s, cut to %llu hex digits,", list, es,
                 (unsigned long long)r->token_length);
    } else {
        snprintf(out, cap, "%s hash%s", md_title(r->digest), es);
    }
    return out;
}

static void headline(const reid_pseudonyms *r, FILE *o)
{
    char n1[32], n2[32], n3[32], n4[32], n5[32], t[64], lo[16], hi[16], what[128];
    uint64_t cheap = r->cheap[0] + r->cheap[1] + r->cheap[2];
    if (cheap)
        fprintf(o,
                "  %s of %s sampled pseudonyms are NHS numbers in plain sight (%s the number "
                "itself, %s base64 of it, %s hex of it): anyone can read them.\n",
                reid_fmt_count(cheap, n1), reid_fmt_count(r->sampled, n2),
                reid_fmt_count(r->cheap[0], n3), reid_fmt_count(r->cheap[1], n4),
                reid_fmt_count(r->cheap[2], n5));
    if (!r->searched) {
        if (!cheap)
            fprintf(o,
                    "  The pseudonyms (format %s) are not NHS numbers, encodings of them or hash "
                    "digests of a known length: no search was run.\n",
                    r->format);
        return;
    }
    if (r->reversed_by_hash)
        fprintf(o,
                "  %s of %s sampled pseudonyms are unsalted %s of NHS numbers: anyone can "
                "reverse them in %s.\n",
                reid_fmt_count(r->reversed_by_hash, n1), reid_fmt_count(r->sampled, n2),
                hash_phrase(r, "es", what, sizeof what),
                duration(r->full_space_seconds, t, sizeof t));
    else if (r->range_first || r->range_last)
        fprintf(o,
                "  None of the %s sampled pseudonyms is an unsalted %s of an NHS number from "
                "%s to %s; the rest of the space was not searched (--nhs-range).\n",
                reid_fmt_count(r->in_format, n1), hash_phrase(r, "", what, sizeof what),
                nhs_spaced(r->range_first, lo, sizeof lo),
                nhs_spaced(r->range_last, hi, sizeof hi));
    else
        fprintf(o,
                "  None of the %s sampled pseudonyms is an unsalted %s of a valid NHS number "
                "(all %s searched, with and without spaces).\n",
                reid_fmt_count(r->in_format, n1), hash_phrase(r, "", what, sizeof what),
                reid_fmt_count(r->candidates, n2));
    if (!r->reversed_by_hash)
        fprintf(o, "  That does not make them safe: a salted or keyed hash (HMAC), or a random "
                   "token, cannot be tested this way.\n");
}

void reid_write_pseudonyms_text(const reid_analysis *a, const reid_pseudonyms *r, FILE *o)
{
    char n1[32], n2[32], t[64];
    fprintf(o, "\nPseudonyms in column '%s' (docs/pseudonyms.md)\n", r->column);
    fprintf(o,
            "  %s distinct values sampled (seed %llu) from %s non-missing values; %s of them look "
            "like %s",
            reid_fmt_count(r->sampled, n1), (unsigned long long)a->cfg->pseudonym_seed,
            reid_fmt_count(r->values, n2), reid_fmt_count(r->in_format, t), r->format);
    if (r->token_length) fprintf(o, " (%llu characters)", (unsigned long long)r->token_length);
    fprintf(o, ".\n");
    headline(r, o);
    if (r->searched) {
        fprintf(o,
                "  The search hashed %s valid NHS numbers (%s digests: %s, written \"nnnnnnnnnn\" "
                "and \"nnn nnn nnnn\")\n  in %.2f s on %u thread%s",
                reid_fmt_count(r->candidates, n1), reid_fmt_count(r->hashes, n2), r->algorithms,
                r->search_seconds, r->threads, r->threads == 1 ? "" : "s");
        if (r->hashes < REID_RATE_MIN_HASHES) /* too few to time: a timing run measured it */
            fprintf(o, "; a 0.25 s timing run hashed %.3g million per second.\n",
                    r->hashes_per_second / 1e6);
        else
            fprintf(o, ": %.3g million hashes per second.\n", r->hashes_per_second / 1e6);
        if (!r->exhausted && r->reversed_by_hash)
            fprintf(o, "  It stopped once every sampled digest was found.\n");
        fprintf(o,
                "  At that rate all 909,090,910 valid NHS numbers take %s to hash (most likely "
                "ranges first).\n",
                duration(r->full_space_seconds, t, sizeof t));
    }
    if (!r->reversed) return;
    if (!a->cfg->pseudonym_reveal) {
        fprintf(o, "  The NHS numbers found are not shown (--reveal shows them).\n");
        return;
    }
    fprintf(o, "  The NHS numbers found (--reveal):\n");
    for (size_t i = 0; i < r->reversed; i++) {
        const char *tok, *how;
        uint64_t num;
        if (reid_pseudonym_reversal(a, i, &tok, &num, &how) != REID_OK) break;
        fprintf(o, "    %s -> %s (%s)\n", tok, nhs_spaced(num, t, sizeof t), how);
    }
}
