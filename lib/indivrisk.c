/* indivrisk.c - Benedetti-Franconi individual risk per class, as sdcMicro (indivrisk.h). */
#include "indivrisk.h"

#include <math.h>
#include <string.h>

static const double band_low[REID_RISK_NBANDS] = {0, 0.01, 0.05, 0.1, 0.2, 0.5};

double reid_risk_band_low(int i)
{
    return i >= 0 && i < REID_RISK_NBANDS ? band_low[i] : NAN;
}

double reid_risk_band_high(int i)
{
    if (i < 0 || i >= REID_RISK_NBANDS) return NAN;
    return i + 1 < REID_RISK_NBANDS ? band_low[i + 1] : INFINITY;
}

/* (x - ln(1 + x)) / x^2 for x > -1, x != 0: 1/2 - x/3 + x^2/4 - ... near 0, where the
 * direct form loses every digit to cancellation. */
static double pair_risk(double x)
{
    if (fabs(x) < 0.05) {
        /* sum_{k>=2} (-1)^k x^(k-2) / k; |x|^24 < 1e-31 */
        double s = 0, xp = 1;
        for (int k = 2; k < 28; k++) {
            s += (k % 2 ? -xp : xp) / k;
            xp *= x;
        }
        return s;
    }
    return (x - log1p(x)) / (x * x);
}

double reid_indivrisk_class(uint64_t f, double F)
{
    double fd = (double)f;
    if (F == fd) return 1 / fd; /* sdcMicro: r = 1/fk wherever fk == Fk */
    if (f == 1) {
        double x = F - 1; /* p/(1-p) = 1/x, ln(1/p) = ln(1+x) */
        return log1p(x) / x;
    }
    if (f == 2) return pair_risk((F - 2) / 2); /* p/(1-p) = 1/x, ln(1/p) = ln(1+x) */
    return fd / (F * (fd - 1) + fd);           /* p / (f - (1 - p)) with p = f / F */
}

double reid_indivrisk_real(double fk, double Fk)
{
    if (Fk == fk) return 1 / fk;
    if (fk == 1 || fk == 2 || fk > 2) {
        if (fk == 1 || fk == 2) return reid_indivrisk_class((uint64_t)fk, Fk);
        return fk / (Fk * (fk - 1) + fk);
    }
    return 0; /* sdcMicro: no branch for 1 < fk < 2 */
}

void reid_indivrisk_compute(const reid_classtable *t, const double *fk, const double *Fk, double T,
                            reid_individual_risk *out)
{
    const char *name = out->weight_column;
    memset(out, 0, sizeof *out);
    out->weight_column = name;
    out->threshold = T;
    /* Neumaier's compensated sums: millions of small terms */
    double er = 0, erc = 0, w = 0, wc = 0;
    double max = -1;
    for (uint64_t c = 0; c < t->nclasses; c++) {
        uint64_t f = t->sizes[c];
        double F = t->wsum[c];
        double r = fk ? reid_indivrisk_real(fk[c], Fk[c]) : reid_indivrisk_class(f, F);
        double term = (double)f * r, s = er + term;
        erc += fabs(er) >= fabs(term) ? (er - s) + term : (term - s) + er;
        er = s;
        s = w + F;
        wc += fabs(w) >= fabs(F) ? (w - s) + F : (F - s) + w;
        w = s;
        if (r > max) {
            max = r;
            out->max_records = f;
        } else if (r == max) {
            out->max_records += f;
        }
        if (r > T) out->records_above_threshold += f;
        int b = REID_RISK_NBANDS - 1;
        while (b > 0 && !(r >= band_low[b]))
            b--;
        out->band_records[b] += f;
    }
    uint64_t n = t->records;
    out->expected_reidentifications = er + erc;
    out->total_weight = w + wc;
    out->global_risk = n ? out->expected_reidentifications / (double)n : 0;
    out->max = max < 0 ? 0 : max;
    out->records_above_threshold_fraction =
        n ? (double)out->records_above_threshold / (double)n : 0;
}
