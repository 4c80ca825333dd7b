/*
 * population.c - population uniques estimated from a sample (docs/population.md).
 *
 * Zayatz (1991) is closed-form. Pitman (1996; Hoshino 2001) and SNB (Chen and
 * Keller-McNulty 1998) are fitted by Newton-Raphson on two equations in two
 * parameters. Dankar, El Emam, Neisa and Roffey (2012) say which to believe.
 *
 * Everything follows ARX 3.9.2 (org.deidentifier.arx.risk and the
 * de.linearbits.newtonraphson solver it uses): the same equations, the same
 * starting points in the same order, the same convergence test and step
 * limits, the same rule. Where ARX stops on a wall-clock limit (100 ms per
 * start, 1 s in all) we do not: only step counts end a fit, so the figures
 * never depend on the machine's speed.
 */
#include "population.h"

#include <math.h>

#define PI 3.14159265358979323846
#define EULER_GAMMA 0.57721566490153286061
#define ZETA3 1.20205690315959428540

/* ---- special functions ---- */

double reid_digamma(double x)
{
    if (isnan(x) || isinf(x)) return NAN;
    if (x == 0) return -INFINITY;
    /* reflection: psi(x) = psi(1 - x) - pi cot(pi x) */
    if (x < 0) return reid_digamma(1 - x) - PI / tan(PI * x);
    if (x <= 1e-6) return -EULER_GAMMA - 1 / x + (PI * PI / 6) * x;
    double r = 0;
    while (x < 12) { /* psi(x) = psi(x + 1) - 1/x */
        r -= 1 / x;
        x += 1;
    }
    /* de Moivre: ln x - 1/(2x) - sum B_2k / (2k x^2k) */
    double i = 1 / x, i2 = i * i;
    r += log(x) - 0.5 * i;
    r -= i2 * (1.0 / 12 - i2 * (1.0 / 120 - i2 * (1.0 / 252 - i2 * (1.0 / 240 - i2 / 132))));
    return r;
}

double reid_trigamma(double x)
{
    if (isnan(x) || isinf(x)) return NAN;
    if (x == 0) return INFINITY;
    /* reflection: psi'(x) = -psi'(1 - x) + (pi / sin(pi x))^2 */
    if (x < 0) {
        double s = PI / sin(PI * x);
        return -reid_trigamma(1 - x) + s * s;
    }
    if (x <= 1e-4) return 1 / (x * x) + PI * PI / 6 - 2 * ZETA3 * x;
    double r = 0;
    while (x < 16) { /* psi'(x) = psi'(x + 1) + 1/x^2 */
        r += 1 / (x * x);
        x += 1;
    }
    /* 1/x + 1/(2x^2) + sum B_2k / x^(2k+1) */
    double i2 = 1 / (x * x);
    r += 0.5 * i2 +
         (1 +
          i2 * (1.0 / 6 + i2 * (-1.0 / 30 + i2 * (1.0 / 42 + i2 * (-1.0 / 30 + i2 * 5.0 / 66))))) /
             x;
    return r;
}

/* ---- the solver ---- */

/* Two equations f(x, y) = 0 and their Jacobian J = (df1/dx, df1/dy, df2/dx, df2/dy). */
typedef void (*nr_fn)(const void *ctx, double x, double y, double f[2], double J[4]);

typedef struct nr_out {
    double x, y;
    int converged;
    unsigned evals;  /* evaluations of f and J, over every start */
    unsigned starts; /* starting points used */
} nr_out;

#define NR_GRID 16

/*
 * Newton-Raphson from (x0, y0), then from each point of ARX's deterministic
 * grid {0, 0.33, 0.66, 0.99}^2 (x outer, y inner) until f is within the
 * accuracy of 0. A start is abandoned after REID_POP_STEPS_PER_START steps,
 * when a coordinate becomes NaN, or (x_nonneg) when x becomes negative. As in
 * ARX's solver, the last grid point is given a single step, and no start
 * begins once 17,000 evaluations have been spent.
 */
static nr_out nr_solve(nr_fn fn, const void *ctx, double x0, double y0, int x_nonneg)
{
    double grid[NR_GRID][2];
    int g = 0;
    for (double d1 = 0; d1 < 1; d1 += 0.33) /* by repeated addition, as ARX builds it */
        for (double d2 = 0; d2 < 1 && g < NR_GRID; d2 += 0.33) {
            grid[g][0] = d1;
            grid[g][1] = d2;
            g++;
        }
    const unsigned max_evals = (NR_GRID + 1) * (REID_POP_STEPS_PER_START - 1);
    nr_out o = {NAN, NAN, 0, 0, 0};
    for (int s = -1; s < g && o.evals <= max_evals; s++) {
        double x = s < 0 ? x0 : grid[s][0];
        double y = s < 0 ? y0 : grid[s][1];
        o.starts++;
        for (unsigned step = 0;; step++) {
            double f[2], J[4];
            fn(ctx, x, y, f, J);
            o.evals++;
            if (fabs(f[0]) <= REID_POP_ACCURACY && fabs(f[1]) <= REID_POP_ACCURACY) {
                o.x = x;
                o.y = y;
                o.converged = 1;
                return o;
            }
            double s1 = 1.0 / (J[0] * J[3] - J[1] * J[2]);
            double i11 = J[3] * s1, i12 = -J[1] * s1, i21 = -J[2] * s1, i22 = J[0] * s1;
            x -= i11 * f[0] + i12 * f[1];
            y -= i21 * f[0] + i22 * f[1];
            if (s == g - 1) return o;
            if (x_nonneg && !(x >= 0)) break;
            if (isnan(x) || isnan(y) || step + 1 >= REID_POP_STEPS_PER_START) break;
        }
    }
    return o;
}

/* ---- Zayatz ---- */

/*
 * Zayatz: P = (c_1/u) h(1) / sum_j (c_j/u) h(j), uniques = c_1 P / pi, where
 * h(j) = j C(N - j, n - 1) / C(N, n) is the hypergeometric probability that a
 * population class of size j shows exactly one member in the sample. Written
 * as h(j) = j (n/N) prod_{i=1}^{j-1} (1 - (n - 1)/(N - i)) and summed in logs
 * (log1p), so that nothing cancels; sizes ascend, so the product is carried
 * from one size to the next.
 */
static void zayatz(const reid_hist_entry *h, size_t nh, double n, double N, double u, double c1,
                   reid_pop_estimate *e)
{
    double pi_ = n / N, sum = 0, logp = 0;
    uint64_t i = 1;
    int zero = 0; /* h(j) is 0 from here on */
    for (size_t k = 0; k < nh; k++) {
        uint64_t j = h[k].size;
        while (!zero && i < j) {
            double q = (n - 1) / (N - (double)i);
            if (q >= 1) zero = 1; /* fewer than n - 1 non-members left: impossible */
            logp += log1p(-q);
            if (logp < -800) zero = 1; /* below the smallest double even times j */
            i++;
        }
        double hj = zero ? 0 : (double)j * pi_ * exp(logp);
        sum += (double)h[k].classes / u * hj;
    }
    double p = (c1 / u * pi_) / sum;
    e->param[0] = p;
    e->param[1] = 0;
    e->uniques = c1 * p / pi_;
}

/* ---- Pitman ---- */

typedef struct pitman_ctx {
    const reid_hist_entry *h;
    size_t nh;
    double n, u;
} pitman_ctx;

/*
 * The score equations of the Pitman sampling formula (Hoshino 2001), theta = t, alpha = a:
 *   dL/dt = sum_{i=1}^{u-1} 1/(t + i a) - sum_{i=1}^{n-1} 1/(t + i)
 *   dL/da = sum_{i=1}^{u-1} i/(t + i a) - sum_{j>=2} c_j sum_{m=1}^{j-1} 1/(m - a)
 * and their derivatives, with the sums in closed form through psi and psi'.
 */
static void pitman_closed(const void *ctx, double t, double a, double f[2], double J[4])
{
    const pitman_ctx *c = ctx;
    double v = t / a, u1 = c->u - 1;
    double s0 = (reid_digamma(v + c->u) - reid_digamma(v + 1)) / a;         /* sum 1/(t+ia) */
    double s1 = (reid_trigamma(v + 1) - reid_trigamma(v + c->u)) / (a * a); /* sum 1/(t+ia)^2 */
    double si = (u1 - t * s0) / a;                                          /* sum i/(t+ia) */
    double si2 = (s0 - t * s1) / a;                                         /* sum i/(t+ia)^2 */
    double sii2 = (u1 - 2 * t * s0 + t * t * s1) / (a * a);                 /* sum i^2/(t+ia)^2 */
    double o2 = reid_digamma(c->n + t) - reid_digamma(t + 1);
    double d2 = reid_trigamma(t + 1) - reid_trigamma(c->n + t);
    double p0 = reid_digamma(1 - a), p1 = reid_trigamma(1 - a), o4 = 0, d4 = 0;
    for (size_t k = 0; k < c->nh; k++) {
        if (c->h[k].size == 1) continue;
        double j = (double)c->h[k].size, w = (double)c->h[k].classes;
        o4 += w * (reid_digamma(j - a) - p0);
        d4 += w * (p1 - reid_trigamma(j - a));
    }
    f[0] = s0 - o2;
    f[1] = si - o4;
    J[0] = d2 - s1;
    J[1] = -si2;
    J[2] = -si2;
    J[3] = -sii2 - d4;
}

/* The same equations with every sum written out (ARX's check of, and fallback for, the closed
 * forms). The sums over m for each size ascend with the sizes, so each is carried on. */
static void pitman_sums(const void *ctx, double t, double a, double f[2], double J[4])
{
    const pitman_ctx *c = ctx;
    double s0 = 0, s1 = 0, si = 0, si2 = 0, sii2 = 0, o2 = 0, d2 = 0, o4 = 0, d4 = 0;
    for (double i = 1; i < c->u; i++) {
        double v = t + i * a, r = 1 / v, r2 = 1 / (v * v);
        s0 += r;
        si += i * r;
        s1 += r2;
        si2 += i * r2;
        sii2 += i * i * r2;
    }
    double m1 = 0, m2 = 0; /* sum_{m=1}^{j-1} 1/(m-a) and 1/(m-a)^2 */
    uint64_t m = 1;
    for (size_t k = 0; k < c->nh; k++) {
        if (c->h[k].size == 1) continue;
        for (; m < c->h[k].size; m++) {
            double w = (double)m - a;
            m2 += 1 / (w * w);
            m1 += 1 / w;
        }
        o4 += (double)c->h[k].classes * m1;
        d4 += (double)c->h[k].classes * m2;
    }
    for (double i = 1; i < c->n; i++) {
        double v = t + i;
        d2 += 1 / (v * v);
        o2 += 1 / v;
    }
    f[0] = s0 - o2;
    f[1] = si - o4;
    J[0] = d2 - s1;
    J[1] = -si2;
    J[2] = -si2;
    J[3] = -sii2 - d4;
}

/* Population uniques under the fitted Pitman model: Gamma(t+1)/Gamma(t+a) N^a (Hoshino 2001).
 * Computed in logs and directly, the larger kept; only values within [0, N] count. */
static double pitman_uniques(double t, double a, double N)
{
    if (isnan(t) || isnan(a) || a == 0) return NAN;
    double v1 = NAN, v2 = NAN;
    if (t + 1 > 0 && t + a > 0) v1 = exp(lgamma(t + 1) - lgamma(t + a)) * pow(N, a);
    v2 = tgamma(t + 1) / tgamma(t + a) * pow(N, a);
    if (!(v1 >= 0 && v1 <= N)) v1 = NAN;
    if (!(v2 >= 0 && v2 <= N)) v2 = NAN;
    if (isnan(v1)) return v2;
    if (isnan(v2)) return v1;
    return v1 > v2 ? v1 : v2;
}

/* The written-out sums cost about u + n + (largest class) operations per evaluation; the fallback
 * runs them at most 17,017 times. Above this many operations per evaluation the fallback is
 * skipped (a run would take minutes), and the closed forms' outcome stands. */
#define PITMAN_SUMS_MAX_COST 250000.0

static void pitman(const reid_hist_entry *h, size_t nh, double n, double N, double u, double c1,
                   double c2, reid_pop_estimate *e)
{
    pitman_ctx ctx = {h, nh, n, u};
    /* starting point: moment estimates from c_1 and c_2 (ARX; c_2 = 0 taken as 1) */
    if (c2 == 0) c2 = 1;
    double c = c1 * (c1 - 1) / c2;
    double t = (n * u * c - c1 * (n - 1) * (2 * u + c)) / ((2 * c1 * u + c1 * c) - n * c);
    double a = (t * (c1 - n) + (n - 1) * c1) / (n * u);

    nr_out r = nr_solve(pitman_closed, &ctx, t, a, 1);
    unsigned evals = r.evals, starts = r.starts;
    /* the check and the fallback only where the fallback may run: above the cost, a failed check
     * would change nothing (and the check alone is a pass of u + n steps, 50 ms at 10 M rows) */
    const double cost = u + n + (double)h[nh - 1].size;
    const int sums_allowed = cost <= PITMAN_SUMS_MAX_COST;
    int retry = !r.converged;
    if (r.converged && sums_allowed) { /* check the closed forms against the sums */
        double f[2], J[4];
        pitman_sums(&ctx, r.x, r.y, f, J);
        retry = !(fabs(f[0]) <= REID_POP_ACCURACY && fabs(f[1]) <= REID_POP_ACCURACY);
    }
    if (retry && sums_allowed) {
        r = nr_solve(pitman_sums, &ctx, t, a, 1);
        evals += r.evals;
        starts += r.starts;
    }
    e->iterations = evals;
    e->starts = starts;
    e->param[0] = r.x;
    e->param[1] = r.y;
    e->uniques = r.converged ? pitman_uniques(r.x, r.y, N) : NAN;
}

/* ---- SNB ---- */

typedef struct snb_ctx {
    double k, f, c1, c2;
} snb_ctx;

/*
 * The SNB equations as ARX states them, a = alpha, b = beta, d = (1 - f)(1 - b), q = 1 - d:
 *   E1 = K f (b/q)^a (1 + a d/q) - c_1
 *   E2 = K a b^a f^2 (1 - b)/2 q^(a+2) (2 - (1 - a) d) - c_2
 * ARX's Jacobian for E2 is that of K a b^a f^2 (1 - b)(2 - (1 - a) d) / (2 q^(a+2)), with q
 * dividing rather than multiplying (docs/population.md); both are kept as ARX has them.
 */
static void snb_eq(const void *ctx, double a, double b, double f[2], double J[4])
{
    const snb_ctx *c = ctx;
    double fr = c->f, k = c->k;
    double d = (1 - fr) * (1 - b), q = 1 - d, w = 2 - (1 - a) * d;
    double ra = pow(b / q, a), g = 1 + a * d / q, ba = pow(b, a);
    f[0] = k * fr * ra * g - c->c1;
    f[1] = k * a * ba * (fr * fr) * (1 - b) / 2 * pow(q, a + 2) * w - c->c2;
    /* dE1/da, dE1/db */
    J[0] = k * fr * ra * (log(b / q) * g + d / q);
    J[1] = k * fr * ra * (a * fr * g / (b * q) - a * (1 - fr) / (q * q));
    /* the derivatives of H = (K a f^2 / 2) b^a (1 - b) w q^-(a+2) */
    double hk = k * fr * fr / 2, qa2 = pow(q, -(a + 2));
    J[2] = hk * ba * (1 - b) * qa2 * (w + a * (log(b) - log(q)) * w + a * d);
    J[3] = hk * a * qa2 *
           (a * pow(b, a - 1) * (1 - b) * w - ba * w + ba * (1 - b) * (1 - a) * (1 - fr) -
            (a + 2) * ba * (1 - b) * w * (1 - fr) / q);
}

/*
 * K, the number of non-empty classes in the population, by the Shlosser-type estimator of Haas
 * and Stokes as ARX computes it: u + c_1 (A/B) (C/D)^2 with, over the histogram entries (j, c_j),
 * A = sum j f^2 (1 - f^2)^(j-1) c_j, B = sum [(1 - f)^j c_j (1 + f)^j - 1],
 * C = sum (1 - f)^j c_j, D = sum j f (1 - f)^(j-1) c_j.
 */
static double snb_classes(const reid_hist_entry *h, size_t nh, double u, double c1, double f)
{
    double A = 0, B = 0, C = 0, D = 0, f2 = f * f;
    for (size_t k = 0; k < nh; k++) {
        double j = (double)h[k].size, cj = (double)h[k].classes;
        double t = pow(1 - f, j) * cj;
        A += j * f2 * pow(1 - f2, j - 1) * cj;
        B += t * pow(1 + f, j) - 1;
        C += t;
        D += j * f * pow(1 - f, j - 1) * cj;
    }
    return u + c1 * (A / B) * (C / D) * (C / D);
}

static void snb(const reid_hist_entry *h, size_t nh, double n, double N, double u, double c1,
                double c2, double *k_out, reid_pop_estimate *e)
{
    snb_ctx ctx = {0, n / N, c1, c2};
    ctx.k = snb_classes(h, nh, u, c1, ctx.f);
    *k_out = ctx.k;
    nr_out r = nr_solve(snb_eq, &ctx, 1, 1, 0);
    e->iterations = r.evals;
    e->starts = r.starts;
    e->param[0] = r.x;
    e->param[1] = r.y;
    e->uniques = r.converged ? ctx.k * pow(r.y, r.x) : NAN;
}

/* ---- the whole ---- */

uint64_t reid_population_size_for(uint64_t n, double F)
{
    double N = floor((double)n / F + 0.5);
    return N < 18446744073709551616.0 ? (uint64_t)N : UINT64_MAX; /* saturates at 2^64 - 1 */
}

static void finish(reid_pop_estimate *e, double N)
{
    /* an estimate must be a number greater than 0 (ARX counts 0 and NaN as "not available") */
    e->available = isfinite(e->uniques) && e->uniques > 0;
    if (!e->available) e->uniques = NAN;
    e->fraction = e->available ? e->uniques / N : NAN;
}

void reid_population_estimate(const reid_hist_entry *h, size_t nh, uint64_t n_, uint64_t N_,
                              reid_population *out)
{
    double n = (double)n_, N = (double)N_, u = 0, c1 = 0, c2 = 0;
    for (size_t k = 0; k < nh; k++) {
        u += (double)h[k].classes;
        if (h[k].size == 1) c1 = (double)h[k].classes;
        if (h[k].size == 2) c2 = (double)h[k].classes;
    }
    *out = (reid_population){0};
    out->size = N_;
    out->sampling_fraction = n / N;
    out->sample_uniques = (uint64_t)c1;
    reid_pop_estimate *z = &out->zayatz, *p = &out->pitman, *s = &out->snb;
    if (c1 == 0) { /* no sample uniques: nothing to estimate, every model says 0 (as ARX) */
        z->available = p->available = s->available = 1;
        out->dankar_model = REID_POP_NONE;
        out->dankar_available = 1;
        return;
    }
    zayatz(h, nh, n, N, u, c1, z);
    pitman(h, nh, n, N, u, c1, c2, p);
    snb(h, nh, n, N, u, c1, c2, &out->snb_classes, s);
    finish(z, N);
    finish(p, N);
    finish(s, N);

    /* Dankar et al. 2012: Pitman for small fractions, else the smaller of Zayatz and SNB */
    const reid_pop_estimate *pick;
    if (out->sampling_fraction <= 0.1) {
        out->dankar_model = p->available ? REID_POP_PITMAN : REID_POP_ZAYATZ;
        pick = p->available ? p : z;
    } else if (s->available && !(z->uniques < s->uniques)) {
        out->dankar_model = REID_POP_SNB;
        pick = s;
    } else {
        out->dankar_model = REID_POP_ZAYATZ;
        pick = z;
    }
    out->dankar_available = pick->available;
    out->dankar_uniques = pick->uniques;
    out->dankar_fraction = pick->fraction;
}

const char *reid_pop_model_name(reid_pop_model m)
{
    switch (m) {
    case REID_POP_NONE:
        return "none";
    case REID_POP_ZAYATZ:
        return "zayatz";
    case REID_POP_PITMAN:
        return "pitman";
    case REID_POP_SNB:
        return "snb";
    }
    return NULL;
}
