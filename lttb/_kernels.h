/*
 * Inner kernels of the trial loop: the neuron step, the plastic-row update and
 * dot products.
 *
 * Every kernel gives bit-identical results on every code path (scalar, SSE2,
 * AVX, NEON), so a build produces the same numbers on any processor:
 *   - element-wise work uses the same IEEE operations in the same order
 *     (no fused multiply-add: the build turns contraction off);
 *   - a dot product always uses eight partial sums, element j going to sum
 *     j mod 8 (the first n - n mod 8 elements; the rest to sum 0), combined
 *     as ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)).
 * Eight partial sums also break the addition dependency chain, which is what
 * limits a one-accumulator loop.
 */
#ifndef LTTB_KERNELS_H
#define LTTB_KERNELS_H

#include <stddef.h>

#if defined(__SSE2__) || defined(_M_X64) || (defined(_M_IX86_FP) && _M_IX86_FP >= 2)
#include <emmintrin.h>
#define LTTB_SSE2 1
#elif defined(__aarch64__) || defined(_M_ARM64)
#include <arm_neon.h>
#define LTTB_NEON 1
#endif

#if (defined(__GNUC__) || defined(__clang__)) && (defined(__x86_64__) || defined(__i386__)) \
    && defined(LTTB_SSE2) && !defined(LTTB_NO_AVX)
#include <immintrin.h>
#define LTTB_AVX_DISPATCH 1
#define LTTB_TARGET_AVX __attribute__((target("avx")))
#define LTTB_TARGET_AVX512 __attribute__((target("avx512f")))
#endif

/* ------------------------------------------------------------------ scalar */

static double lttb_dot_scalar(const double *x, const double *y, ptrdiff_t n)
{
    double s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    ptrdiff_t j = 0, l;
    for (; j + 8 <= n; j += 8)
        for (l = 0; l < 8; l++)
            s[l] = s[l] + x[j + l] * y[j + l];
    for (; j < n; j++)
        s[0] = s[0] + x[j] * y[j];
    return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
}


/* -------------------------------------------------------------------- SSE2 */
#if defined(LTTB_SSE2)
static double lttb_dot_sse2(const double *x, const double *y, ptrdiff_t n)
{
    __m128d a0 = _mm_setzero_pd(), a1 = _mm_setzero_pd();
    __m128d a2 = _mm_setzero_pd(), a3 = _mm_setzero_pd();
    double s[8];
    ptrdiff_t j = 0;
    for (; j + 8 <= n; j += 8) {
        a0 = _mm_add_pd(a0, _mm_mul_pd(_mm_loadu_pd(x + j), _mm_loadu_pd(y + j)));
        a1 = _mm_add_pd(a1, _mm_mul_pd(_mm_loadu_pd(x + j + 2), _mm_loadu_pd(y + j + 2)));
        a2 = _mm_add_pd(a2, _mm_mul_pd(_mm_loadu_pd(x + j + 4), _mm_loadu_pd(y + j + 4)));
        a3 = _mm_add_pd(a3, _mm_mul_pd(_mm_loadu_pd(x + j + 6), _mm_loadu_pd(y + j + 6)));
    }
    _mm_storeu_pd(s, a0);
    _mm_storeu_pd(s + 2, a1);
    _mm_storeu_pd(s + 4, a2);
    _mm_storeu_pd(s + 6, a3);
    for (; j < n; j++)
        s[0] = s[0] + x[j] * y[j];
    return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
}

#endif

/* --------------------------------------------------------------------- AVX */
#if defined(LTTB_AVX_DISPATCH)
LTTB_TARGET_AVX
static double lttb_dot_avx(const double *x, const double *y, ptrdiff_t n)
{
    __m256d a0 = _mm256_setzero_pd(), a1 = _mm256_setzero_pd();
    double s[8];
    ptrdiff_t j = 0;
    for (; j + 8 <= n; j += 8) {
        a0 = _mm256_add_pd(a0, _mm256_mul_pd(_mm256_loadu_pd(x + j), _mm256_loadu_pd(y + j)));
        a1 = _mm256_add_pd(a1, _mm256_mul_pd(_mm256_loadu_pd(x + j + 4),
                                             _mm256_loadu_pd(y + j + 4)));
    }
    _mm256_storeu_pd(s, a0);
    _mm256_storeu_pd(s + 4, a1);
    for (; j < n; j++)
        s[0] = s[0] + x[j] * y[j];
    return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
}

#endif

/* -------------------------------------------------------------------- NEON */
#if defined(LTTB_NEON)
static double lttb_dot_neon(const double *x, const double *y, ptrdiff_t n)
{
    float64x2_t a0 = vdupq_n_f64(0.0), a1 = vdupq_n_f64(0.0);
    float64x2_t a2 = vdupq_n_f64(0.0), a3 = vdupq_n_f64(0.0);
    double s[8];
    ptrdiff_t j = 0;
    for (; j + 8 <= n; j += 8) {
        /* vmulq then vaddq, never vfmaq: the result must match the other paths */
        a0 = vaddq_f64(a0, vmulq_f64(vld1q_f64(x + j), vld1q_f64(y + j)));
        a1 = vaddq_f64(a1, vmulq_f64(vld1q_f64(x + j + 2), vld1q_f64(y + j + 2)));
        a2 = vaddq_f64(a2, vmulq_f64(vld1q_f64(x + j + 4), vld1q_f64(y + j + 4)));
        a3 = vaddq_f64(a3, vmulq_f64(vld1q_f64(x + j + 6), vld1q_f64(y + j + 6)));
    }
    vst1q_f64(s, a0);
    vst1q_f64(s + 2, a1);
    vst1q_f64(s + 4, a2);
    vst1q_f64(s + 6, a3);
    for (; j < n; j++)
        s[0] = s[0] + x[j] * y[j];
    return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
}

#endif

/* ------------------------------------------------------ fused plastic row */
/*
 * row[j] = min(max(row[j] + eta * (c_u * dH[j]), lo[j]), hi[j]) for every j,
 * and return the new row's dot product with v, in one pass over the row.
 * Per-column bounds carry the sign constraints (and [0, 0] on the diagonal).
 * Without pinning there are none: lo and hi are NULL and no kernel clips
 * (clipping at -inf and +inf left every finite value unchanged, and the
 * bounds' loads were a fifth of an unpinned row's memory traffic).
 * The dot product uses the canonical eight partial sums of lttb_dot.
 */
#define LTTB_FUSED_SCALAR_ELEM(j, lane)                                        \
    do {                                                                       \
        double x_ = row[j] + eta * (c_u * dH[j]);                              \
        if (lo != NULL) {                                                      \
            x_ = x_ > lo[j] ? x_ : lo[j];                                      \
            x_ = x_ < hi[j] ? x_ : hi[j];                                      \
        }                                                                      \
        row[j] = x_;                                                           \
        s[lane] = s[lane] + x_ * v[j];                                         \
    } while (0)

static double lttb_update_dot_scalar(double *row, const double *dH, const double *lo,
                                     const double *hi, const double *v, double c_u,
                                     double eta, ptrdiff_t n)
{
    double s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    ptrdiff_t j = 0, l;
    for (; j + 8 <= n; j += 8)
        for (l = 0; l < 8; l++)
            LTTB_FUSED_SCALAR_ELEM(j + l, l);
    for (; j < n; j++)
        LTTB_FUSED_SCALAR_ELEM(j, 0);
    return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
}

static double lttb_update_dot_tail(double *row, const double *dH, const double *lo,
                                   const double *hi, const double *v, double c_u,
                                   double eta, ptrdiff_t j, ptrdiff_t n, double *s)
{
    for (; j < n; j++)
        LTTB_FUSED_SCALAR_ELEM(j, 0);
    return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
}

#if defined(LTTB_SSE2)
static double lttb_update_dot_sse2(double *row, const double *dH, const double *lo,
                                   const double *hi, const double *v, double c_u,
                                   double eta, ptrdiff_t n)
{
    const __m128d vu = _mm_set1_pd(c_u), veta = _mm_set1_pd(eta);
    __m128d a[4];
    double s[8];
    ptrdiff_t j = 0;
    int q;
    for (q = 0; q < 4; q++)
        a[q] = _mm_setzero_pd();
    for (; j + 8 <= n; j += 8) {
        for (q = 0; q < 4; q++) {
            const ptrdiff_t jj = j + 2 * q;
            __m128d x = _mm_add_pd(_mm_loadu_pd(row + jj),
                                   _mm_mul_pd(veta, _mm_mul_pd(vu, _mm_loadu_pd(dH + jj))));
            if (lo != NULL)
                x = _mm_min_pd(_mm_max_pd(x, _mm_loadu_pd(lo + jj)), _mm_loadu_pd(hi + jj));
            _mm_storeu_pd(row + jj, x);
            a[q] = _mm_add_pd(a[q], _mm_mul_pd(x, _mm_loadu_pd(v + jj)));
        }
    }
    for (q = 0; q < 4; q++)
        _mm_storeu_pd(s + 2 * q, a[q]);
    return lttb_update_dot_tail(row, dH, lo, hi, v, c_u, eta, j, n, s);
}
#endif

#if defined(LTTB_AVX_DISPATCH)
LTTB_TARGET_AVX
static double lttb_update_dot_avx(double *row, const double *dH, const double *lo,
                                  const double *hi, const double *v, double c_u,
                                  double eta, ptrdiff_t n, ptrdiff_t ne, ptrdiff_t diag,
                                  int pinned)
{
    /* With pinning, a chunk of eight columns that lies wholly among the
     * excitatory (and holds no diagonal element) or wholly among the
     * inhibitory columns has constant bounds: keep them in registers rather
     * than load them.  The bounds are the same values either way. */
    const __m256d vu = _mm256_set1_pd(c_u), veta = _mm256_set1_pd(eta);
    const __m256d e_lo = _mm256_set1_pd(0.0), e_hi = _mm256_set1_pd(100.0);
    const __m256d i_lo = _mm256_set1_pd(-100.0), i_hi = _mm256_set1_pd(0.0);
    __m256d a0 = _mm256_setzero_pd(), a1 = _mm256_setzero_pd();
    /* see lttb_update_dot2_avx512: one-sided clip of a pinned row */
    const int up = eta * c_u >= 0.0;
    double s[8];
    ptrdiff_t j = 0;
    for (; j + 8 <= n; j += 8) {
        __m256d lo0, lo1, hi0, hi1;
        __m256d x0 = _mm256_add_pd(_mm256_loadu_pd(row + j),
                                   _mm256_mul_pd(veta, _mm256_mul_pd(vu, _mm256_loadu_pd(dH + j))));
        __m256d x1 = _mm256_add_pd(_mm256_loadu_pd(row + j + 4),
                                   _mm256_mul_pd(veta, _mm256_mul_pd(vu, _mm256_loadu_pd(dH + j + 4))));
        if (pinned && j + 8 <= ne && (diag < j || diag >= j + 8)) {
            lo0 = lo1 = e_lo;
            hi0 = hi1 = e_hi;
        } else if (pinned && j >= ne) {
            lo0 = lo1 = i_lo;
            hi0 = hi1 = i_hi;
        } else if (!pinned) {
            lo0 = lo1 = hi0 = hi1 = e_lo;  /* unused: no bounds */
        } else {
            lo0 = _mm256_loadu_pd(lo + j);
            lo1 = _mm256_loadu_pd(lo + j + 4);
            hi0 = _mm256_loadu_pd(hi + j);
            hi1 = _mm256_loadu_pd(hi + j + 4);
        }
        if (!pinned) {
            /* no bounds */
        } else if (up) {
            x0 = _mm256_min_pd(x0, hi0);
            x1 = _mm256_min_pd(x1, hi1);
        } else {
            x0 = _mm256_max_pd(x0, lo0);
            x1 = _mm256_max_pd(x1, lo1);
        }
        _mm256_storeu_pd(row + j, x0);
        _mm256_storeu_pd(row + j + 4, x1);
        a0 = _mm256_add_pd(a0, _mm256_mul_pd(x0, _mm256_loadu_pd(v + j)));
        a1 = _mm256_add_pd(a1, _mm256_mul_pd(x1, _mm256_loadu_pd(v + j + 4)));
    }
    _mm256_storeu_pd(s, a0);
    _mm256_storeu_pd(s + 4, a1);
    return lttb_update_dot_tail(row, dH, lo, hi, v, c_u, eta, j, n, s);
}
#endif

#if defined(LTTB_AVX_DISPATCH)
/* One 512-bit register holds exactly the eight canonical partial sums. */
LTTB_TARGET_AVX512
static double lttb_update_dot_avx512(double *row, const double *dH, const double *lo,
                                     const double *hi, const double *v, double c_u,
                                     double eta, ptrdiff_t n, ptrdiff_t ne, ptrdiff_t diag,
                                     int pinned)
{
    const __m512d vu = _mm512_set1_pd(c_u), veta = _mm512_set1_pd(eta);
    const __m512d e_lo = _mm512_set1_pd(0.0), e_hi = _mm512_set1_pd(100.0);
    const __m512d i_lo = _mm512_set1_pd(-100.0), i_hi = _mm512_set1_pd(0.0);
    __m512d acc = _mm512_setzero_pd();
    double s[8];
    ptrdiff_t j = 0;
    for (; j + 8 <= n; j += 8) {
        __m512d b_lo, b_hi;
        __m512d x = _mm512_add_pd(_mm512_loadu_pd(row + j),
                                  _mm512_mul_pd(veta, _mm512_mul_pd(vu, _mm512_loadu_pd(dH + j))));
        if (pinned && j + 8 <= ne && (diag < j || diag >= j + 8)) {
            b_lo = e_lo;
            b_hi = e_hi;
        } else if (pinned && j >= ne) {
            b_lo = i_lo;
            b_hi = i_hi;
        } else if (pinned) {
            b_lo = _mm512_loadu_pd(lo + j);
            b_hi = _mm512_loadu_pd(hi + j);
        }
        /* vmaxpd/vminpd: same "x > lo ? x : lo" semantics as SSE and AVX */
        if (pinned)
            x = _mm512_min_pd(_mm512_max_pd(x, b_lo), b_hi);
        _mm512_storeu_pd(row + j, x);
        acc = _mm512_add_pd(acc, _mm512_mul_pd(x, _mm512_loadu_pd(v + j)));
    }
    _mm512_storeu_pd(s, acc);
    return lttb_update_dot_tail(row, dH, lo, hi, v, c_u, eta, j, n, s);
}
#endif

#if defined(LTTB_AVX_DISPATCH)
/* Two rows per pass: dH, v and the bounds are loaded once for both, which
 * relieves the load ports that limit the one-row kernel.  Each row keeps its
 * own canonical partial sums, so the results equal two one-row calls. */
LTTB_TARGET_AVX512
static void lttb_update_dot2_avx512(double *row_a, double *row_b, const double *dH,
                                    const double *lo, const double *hi, const double *v,
                                    double c_a, double c_b, double eta, ptrdiff_t n,
                                    ptrdiff_t ne, ptrdiff_t diag_a, ptrdiff_t diag_b,
                                    int pinned, double *out_a, double *out_b)
{
    const __m512d ua = _mm512_set1_pd(c_a), ub = _mm512_set1_pd(c_b);
    const __m512d veta = _mm512_set1_pd(eta);
    const __m512d e_lo = _mm512_set1_pd(0.0), e_hi = _mm512_set1_pd(100.0);
    const __m512d i_lo = _mm512_set1_pd(-100.0), i_hi = _mm512_set1_pd(0.0);
    __m512d acc_a = _mm512_setzero_pd(), acc_b = _mm512_setzero_pd();
    /* A pinned row lies within its bounds and dH >= 0, so an increment of
     * the sign of eta * c can only cross one bound: clip on that side alone. */
    const int up_a = eta * c_a >= 0.0, up_b = eta * c_b >= 0.0;
    double s_a[8], s_b[8];
    ptrdiff_t j = 0;
    for (; j + 8 <= n; j += 8) {
        __m512d lo_a, hi_a, lo_b, hi_b;
        const __m512d d = _mm512_loadu_pd(dH + j), vv = _mm512_loadu_pd(v + j);
        __m512d xa = _mm512_add_pd(_mm512_loadu_pd(row_a + j),
                                   _mm512_mul_pd(veta, _mm512_mul_pd(ua, d)));
        __m512d xb = _mm512_add_pd(_mm512_loadu_pd(row_b + j),
                                   _mm512_mul_pd(veta, _mm512_mul_pd(ub, d)));
        if (pinned && j + 8 <= ne && (diag_a < j || diag_a >= j + 8)
            && (diag_b < j || diag_b >= j + 8)) {
            lo_a = lo_b = e_lo;
            hi_a = hi_b = e_hi;
        } else if (pinned && j >= ne) {
            lo_a = lo_b = i_lo;
            hi_a = hi_b = i_hi;
        } else if (!pinned) {
            lo_a = lo_b = hi_a = hi_b = e_lo;  /* unused: no bounds */
        } else {
            /* the per-column bounds, with each row's own diagonal at [0, 0] */
            lo_a = lo_b = _mm512_loadu_pd(lo + j);
            hi_a = hi_b = _mm512_loadu_pd(hi + j);
            if (pinned && diag_a >= j && diag_a < j + 8) {
                const __mmask8 k = (__mmask8)(1u << (diag_a - j));
                lo_a = _mm512_mask_mov_pd(lo_a, k, _mm512_setzero_pd());
                hi_a = _mm512_mask_mov_pd(hi_a, k, _mm512_setzero_pd());
            }
            if (pinned && diag_b >= j && diag_b < j + 8) {
                const __mmask8 k = (__mmask8)(1u << (diag_b - j));
                lo_b = _mm512_mask_mov_pd(lo_b, k, _mm512_setzero_pd());
                hi_b = _mm512_mask_mov_pd(hi_b, k, _mm512_setzero_pd());
            }
        }
        if (pinned) {
            xa = up_a ? _mm512_min_pd(xa, hi_a) : _mm512_max_pd(xa, lo_a);
            xb = up_b ? _mm512_min_pd(xb, hi_b) : _mm512_max_pd(xb, lo_b);
        }
        _mm512_storeu_pd(row_a + j, xa);
        _mm512_storeu_pd(row_b + j, xb);
        acc_a = _mm512_add_pd(acc_a, _mm512_mul_pd(xa, vv));
        acc_b = _mm512_add_pd(acc_b, _mm512_mul_pd(xb, vv));
    }
    _mm512_storeu_pd(s_a, acc_a);
    _mm512_storeu_pd(s_b, acc_b);
    if (j < n) {
        /* the tail reads per-column bounds: give each row its diagonal */
        double la = 0, ha = 0, lb = 0, hb = 0;
        double *lo_w = (double *)lo, *hi_w = (double *)hi;
        if (pinned && diag_a >= j) { la = lo_w[diag_a]; ha = hi_w[diag_a]; lo_w[diag_a] = hi_w[diag_a] = 0.0; }
        *out_a = lttb_update_dot_tail(row_a, dH, lo, hi, v, c_a, eta, j, n, s_a);
        if (pinned && diag_a >= j) { lo_w[diag_a] = la; hi_w[diag_a] = ha; }
        if (pinned && diag_b >= j) { lb = lo_w[diag_b]; hb = hi_w[diag_b]; lo_w[diag_b] = hi_w[diag_b] = 0.0; }
        *out_b = lttb_update_dot_tail(row_b, dH, lo, hi, v, c_b, eta, j, n, s_b);
        if (pinned && diag_b >= j) { lo_w[diag_b] = lb; hi_w[diag_b] = hb; }
    } else {
        *out_a = lttb_update_dot_tail(row_a, dH, lo, hi, v, c_a, eta, j, n, s_a);
        *out_b = lttb_update_dot_tail(row_b, dH, lo, hi, v, c_b, eta, j, n, s_b);
    }
}
#endif

#if defined(LTTB_NEON)
static double lttb_update_dot_neon(double *row, const double *dH, const double *lo,
                                   const double *hi, const double *v, double c_u,
                                   double eta, ptrdiff_t n)
{
    const float64x2_t vu = vdupq_n_f64(c_u), veta = vdupq_n_f64(eta);
    float64x2_t a[4];
    double s[8];
    ptrdiff_t j = 0;
    int q;
    for (q = 0; q < 4; q++)
        a[q] = vdupq_n_f64(0.0);
    for (; j + 8 <= n; j += 8) {
        for (q = 0; q < 4; q++) {
            const ptrdiff_t jj = j + 2 * q;
            float64x2_t x = vaddq_f64(vld1q_f64(row + jj),
                                      vmulq_f64(veta, vmulq_f64(vu, vld1q_f64(dH + jj))));
            if (lo != NULL)
                x = vminq_f64(vmaxq_f64(x, vld1q_f64(lo + jj)), vld1q_f64(hi + jj));
            vst1q_f64(row + jj, x);
            a[q] = vaddq_f64(a[q], vmulq_f64(x, vld1q_f64(v + jj)));
        }
    }
    for (q = 0; q < 4; q++)
        vst1q_f64(s + 2 * q, a[q]);
    return lttb_update_dot_tail(row, dH, lo, hi, v, c_u, eta, j, n, s);
}
#endif

/* -------------------------------------------------------------------- step */
/*
 * One time step for every neuron (spec section 4): potentials at bin k from
 * the state at bin k, then spikes and traces at bin k+1, in place.  Spike
 * flags are doubles (0 or 1) so that the loop is pure arithmetic and
 * selects, which compilers vectorise; a reset "x (1 - s) + V s" is written
 * as the select "s ? V : x", equal for every finite x.
 */
#if defined(_MSC_VER)
#define LTTB_RESTRICT __restrict
#else
#define LTTB_RESTRICT __restrict__
#endif

typedef struct {
    double a, one_a, c_rec, h, href, b, Vreset, VresetApic;
    double thr_soma, thr_burst, burst_current, reset_softening;
    double bs, one_bs, bst, one_bst, bW, one_bW;
    double apical_factor;
    double reset0, reset1;  /* Vreset / (1 + reset_softening * S_wind), S_wind = 0, 1 */
    int stats;              /* accumulate sum_d and sum_d2 (training trials only) */
} lttb_step_consts;

#define LTTB_STEP_BODY                                                                   \
    ptrdiff_t i;                                                                         \
    for (i = 0; i < n; i++) {                                                            \
        double vr = c->c_rec + c->a * ((drive[i] + c->h) + c->href);                     \
        double va = c->one_a * Vapic[i]                                                  \
                    + c->a * (((c->apical_factor * x_targ[i] + apical_cont[i])         \
                               + c->h) + c->href);                                       \
        double isoma = ((((wdrive[i] + c->h) + x_in[i]) + basal_cont[i])                \
                        + c->burst_current * Sw[i]) - c->b * W[i];                       \
        double vs = c->one_a * Vsoma[i] + c->a * isoma;                                  \
        double vs_reset = Sw[i] != 0.0 ? c->reset1 : c->reset0;                          \
        double s, bv, brec, btot, wsom, d;                                               \
        vr = prox[i] != 0.0 ? c->VresetApic : vr;                                        \
        va = dist[i] != 0.0 ? c->VresetApic : va;                                        \
        vs = soma[i] != 0.0 ? vs_reset : vs;                                             \
        VapicRec[i] = vr;                                                                \
        Vapic[i] = va;                                                                   \
        Vsoma[i] = vs;                                                                   \
        prox_prev[i] = prox[i];                                                          \
        prox[i] = vr > 0.0 ? 1.0 : 0.0;                                                  \
        dist[i] = va > 0.0 ? 1.0 : 0.0;                                                  \
        s = vs > 0.0 ? 1.0 : 0.0;                                                        \
        soma[i] = s;                                                                     \
        Sf_prev[i] = Sf[i];                                                              \
        Sf[i] = c->bs * Sf[i] + c->one_bs * s;                                           \
        Sfs[i] = c->bst * Sfs[i] + c->one_bst * s;                                       \
        W[i] = c->bW * W[i] + c->one_bW * s;                                             \
        wsom = Sfs[i] - c->thr_soma > 0.0 ? 1.0 : 0.0;                                   \
        wsoma[i] = wsom;                                                                 \
        bv = wsom * dist[i];                                                             \
        brec = wsom * prox[i];                                                           \
        btot = (bv + brec) - 1.0 >= 0.0 ? 1.0 : 0.0;                                     \
        Bf[i] = c->bst * Bf[i] + c->one_bst * bv;                                        \
        Bfr[i] = c->bst * Bfr[i] + c->one_bst * brec;                                    \
        Bft[i] = c->bst * Bft[i] + c->one_bst * btot;                                    \
        Sw[i] = ((Bfr[i] - c->thr_burst >= 0.0 ? 1.0 : 0.0)                              \
                 + (Bf[i] - c->thr_burst >= 0.0 ? 1.0 : 0.0)) - 1.0 >= 0.0 ? 1.0 : 0.0;  \
        if (c->stats) {                                                                  \
            d = Bfr[i] - Bf[i];                                                          \
            sum_d[i] = sum_d[i] + d;                                                     \
            sum_d2[i] = sum_d2[i] + d * d;                                               \
        }                                                                                \
    }

#define LTTB_STEP_ARGS                                                                   \
    const lttb_step_consts *LTTB_RESTRICT c, ptrdiff_t n,                                \
    const double *LTTB_RESTRICT drive, const double *LTTB_RESTRICT wdrive,               \
    const double *LTTB_RESTRICT x_targ, const double *LTTB_RESTRICT x_in,                \
    const double *LTTB_RESTRICT apical_cont, const double *LTTB_RESTRICT basal_cont,     \
    double *LTTB_RESTRICT VapicRec, double *LTTB_RESTRICT Vapic,                         \
    double *LTTB_RESTRICT Vsoma, double *LTTB_RESTRICT prox,                             \
    double *LTTB_RESTRICT prox_prev, double *LTTB_RESTRICT dist,                         \
    double *LTTB_RESTRICT soma, double *LTTB_RESTRICT wsoma,                             \
    double *LTTB_RESTRICT Sf, double *LTTB_RESTRICT Sf_prev,                             \
    double *LTTB_RESTRICT Sfs, double *LTTB_RESTRICT W, double *LTTB_RESTRICT Bf,        \
    double *LTTB_RESTRICT Bfr, double *LTTB_RESTRICT Bft, double *LTTB_RESTRICT Sw,      \
    double *LTTB_RESTRICT sum_d, double *LTTB_RESTRICT sum_d2

static void lttb_step_default(LTTB_STEP_ARGS) { LTTB_STEP_BODY }
#if defined(LTTB_AVX_DISPATCH)
LTTB_TARGET_AVX static void lttb_step_avx(LTTB_STEP_ARGS) { LTTB_STEP_BODY }
LTTB_TARGET_AVX512 static void lttb_step_avx512(LTTB_STEP_ARGS) { LTTB_STEP_BODY }
#endif

/* ------------------------------------------------------- drive from columns */
/*
 * out[i] = bs * out[i] + one_bs * (sum over m of M[i, cols[m]]) for i < n_out,
 * from MT = M transposed (row-major), so each column is contiguous.  The
 * terms are added in the order of cols, as the row-wise gather of the trial
 * loop adds them; the sums of a block of 64 rows stay in the first-level
 * cache until they are folded into out.
 */
#define LTTB_DECAY_ADD_COLUMNS_ARGS                                                      \
    const double *MT, ptrdiff_t N, const int *cols, ptrdiff_t n_cols,                    \
    double bs, double one_bs, double *LTTB_RESTRICT out, ptrdiff_t n_out
#define LTTB_DECAY_ADD_COLUMNS_BODY                                                      \
    ptrdiff_t i0, i, m, n;                                                               \
    double s[64];                                                                        \
    for (i0 = 0; i0 < n_out; i0 += 64) {                                                 \
        n = n_out - i0 < 64 ? n_out - i0 : 64;                                           \
        for (i = 0; i < n; i++)                                                          \
            s[i] = 0.0;                                                                  \
        for (m = 0; m < n_cols; m++) {                                                   \
            const double *LTTB_RESTRICT col = MT + (ptrdiff_t)cols[m] * N + i0;          \
            for (i = 0; i < n; i++)                                                      \
                s[i] = s[i] + col[i];                                                    \
        }                                                                                \
        for (i = 0; i < n; i++)                                                          \
            out[i0 + i] = bs * out[i0 + i] + one_bs * s[i];                              \
    }

static void lttb_decay_add_columns_default(LTTB_DECAY_ADD_COLUMNS_ARGS)
{
    LTTB_DECAY_ADD_COLUMNS_BODY
}
#if defined(LTTB_AVX_DISPATCH)
LTTB_TARGET_AVX static void lttb_decay_add_columns_avx(LTTB_DECAY_ADD_COLUMNS_ARGS)
{
    LTTB_DECAY_ADD_COLUMNS_BODY
}
/* The same sums, 32 rows at a time in four registers: compilers keep the
 * array of the portable version on the stack, and every addition then waits
 * for the store before it. */
LTTB_TARGET_AVX512 static void lttb_decay_add_columns_avx512(LTTB_DECAY_ADD_COLUMNS_ARGS)
{
    const __m512d vb = _mm512_set1_pd(bs), vo = _mm512_set1_pd(one_bs);
    ptrdiff_t i0 = 0, i, m;
    for (; i0 + 32 <= n_out; i0 += 32) {
        __m512d a0 = _mm512_setzero_pd(), a1 = _mm512_setzero_pd();
        __m512d a2 = _mm512_setzero_pd(), a3 = _mm512_setzero_pd();
        for (m = 0; m < n_cols; m++) {
            const double *col = MT + (ptrdiff_t)cols[m] * N + i0;
            a0 = _mm512_add_pd(a0, _mm512_loadu_pd(col));
            a1 = _mm512_add_pd(a1, _mm512_loadu_pd(col + 8));
            a2 = _mm512_add_pd(a2, _mm512_loadu_pd(col + 16));
            a3 = _mm512_add_pd(a3, _mm512_loadu_pd(col + 24));
        }
        _mm512_storeu_pd(out + i0, _mm512_add_pd(_mm512_mul_pd(vb, _mm512_loadu_pd(out + i0)),
                                                 _mm512_mul_pd(vo, a0)));
        _mm512_storeu_pd(out + i0 + 8,
                         _mm512_add_pd(_mm512_mul_pd(vb, _mm512_loadu_pd(out + i0 + 8)),
                                       _mm512_mul_pd(vo, a1)));
        _mm512_storeu_pd(out + i0 + 16,
                         _mm512_add_pd(_mm512_mul_pd(vb, _mm512_loadu_pd(out + i0 + 16)),
                                       _mm512_mul_pd(vo, a2)));
        _mm512_storeu_pd(out + i0 + 24,
                         _mm512_add_pd(_mm512_mul_pd(vb, _mm512_loadu_pd(out + i0 + 24)),
                                       _mm512_mul_pd(vo, a3)));
    }
    for (; i0 < n_out; i0 += 8) {
        const ptrdiff_t n = n_out - i0 < 8 ? n_out - i0 : 8;
        double s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
        for (m = 0; m < n_cols; m++) {
            const double *col = MT + (ptrdiff_t)cols[m] * N + i0;
            for (i = 0; i < n; i++)
                s[i] = s[i] + col[i];
        }
        for (i = 0; i < n; i++)
            out[i0 + i] = bs * out[i0 + i] + one_bs * s[i];
    }
}
#endif

/* ---------------------------------------------------- weighted columns */
/*
 * out[i] = sum over m of MT[cols[m] * N + i] * vals[m] for i < n_out: a
 * matrix-vector product from the transposed matrix, over the non-zero
 * entries of the vector (cols, vals).  Each out[i] starts at 0 and adds its
 * terms in the order of cols, one multiplication and one addition each, on
 * every code path (the dense input drive of a bin: j_in . x).
 */
#define LTTB_WEIGHTED_COLUMNS_ARGS                                                       \
    const double *MT, ptrdiff_t N, const int *cols, const double *vals,                  \
    ptrdiff_t n_cols, double *LTTB_RESTRICT out, ptrdiff_t n_out
#define LTTB_WEIGHTED_COLUMNS_BODY                                                       \
    ptrdiff_t i0, i, m, n;                                                               \
    double s[64];                                                                        \
    for (i0 = 0; i0 < n_out; i0 += 64) {                                                 \
        n = n_out - i0 < 64 ? n_out - i0 : 64;                                           \
        for (i = 0; i < n; i++)                                                          \
            s[i] = 0.0;                                                                  \
        for (m = 0; m < n_cols; m++) {                                                   \
            const double *LTTB_RESTRICT col = MT + (ptrdiff_t)cols[m] * N + i0;          \
            const double x = vals[m];                                                    \
            for (i = 0; i < n; i++)                                                      \
                s[i] = s[i] + col[i] * x;                                                \
        }                                                                                \
        for (i = 0; i < n; i++)                                                          \
            out[i0 + i] = s[i];                                                          \
    }

static void lttb_weighted_columns_default(LTTB_WEIGHTED_COLUMNS_ARGS)
{
    LTTB_WEIGHTED_COLUMNS_BODY
}
#if defined(LTTB_AVX_DISPATCH)
LTTB_TARGET_AVX static void lttb_weighted_columns_avx(LTTB_WEIGHTED_COLUMNS_ARGS)
{
    LTTB_WEIGHTED_COLUMNS_BODY
}
/* 32 rows at a time in four registers, as lttb_decay_add_columns_avx512. */
LTTB_TARGET_AVX512 static void lttb_weighted_columns_avx512(LTTB_WEIGHTED_COLUMNS_ARGS)
{
    ptrdiff_t i0 = 0, i, m;
    for (; i0 + 32 <= n_out; i0 += 32) {
        __m512d a0 = _mm512_setzero_pd(), a1 = _mm512_setzero_pd();
        __m512d a2 = _mm512_setzero_pd(), a3 = _mm512_setzero_pd();
        for (m = 0; m < n_cols; m++) {
            const double *col = MT + (ptrdiff_t)cols[m] * N + i0;
            const __m512d x = _mm512_set1_pd(vals[m]);
            a0 = _mm512_add_pd(a0, _mm512_mul_pd(_mm512_loadu_pd(col), x));
            a1 = _mm512_add_pd(a1, _mm512_mul_pd(_mm512_loadu_pd(col + 8), x));
            a2 = _mm512_add_pd(a2, _mm512_mul_pd(_mm512_loadu_pd(col + 16), x));
            a3 = _mm512_add_pd(a3, _mm512_mul_pd(_mm512_loadu_pd(col + 24), x));
        }
        _mm512_storeu_pd(out + i0, a0);
        _mm512_storeu_pd(out + i0 + 8, a1);
        _mm512_storeu_pd(out + i0 + 16, a2);
        _mm512_storeu_pd(out + i0 + 24, a3);
    }
    for (; i0 < n_out; i0 += 8) {
        const ptrdiff_t n = n_out - i0 < 8 ? n_out - i0 : 8;
        double s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
        for (m = 0; m < n_cols; m++) {
            const double *col = MT + (ptrdiff_t)cols[m] * N + i0;
            const double x = vals[m];
            for (i = 0; i < n; i++)
                s[i] = s[i] + col[i] * x;
        }
        for (i = 0; i < n; i++)
            out[i0 + i] = s[i];
    }
}
#endif

/* ----------------------------------------------------- input drives */
/*
 * The input drives of bins k0 .. k1-1 at once: out[k * ld + i] = sum over m
 * of WT[m * N + i] * X[k * n_in + m], for i < n_out, over the non-zero
 * X[k * n_in + m] in ascending m, starting at 0: the same sums, term by
 * term, as lttb_weighted_columns bin by bin.  A block of rows keeps its
 * n_in weights in the first-level cache while every bin is summed, where
 * bin by bin the whole of WT streams through once per bin.
 */
#define LTTB_INPUT_DRIVES_ARGS                                                           \
    const double *WT, ptrdiff_t N, const double *X, ptrdiff_t n_in, ptrdiff_t k0,        \
    ptrdiff_t k1, double *LTTB_RESTRICT out, ptrdiff_t ld, ptrdiff_t n_out

static void lttb_input_drives_tail(LTTB_INPUT_DRIVES_ARGS, ptrdiff_t i0)
{
    ptrdiff_t k, m, i;
    for (; i0 < n_out; i0 += 8) {
        const ptrdiff_t n = n_out - i0 < 8 ? n_out - i0 : 8;
        for (k = k0; k < k1; k++) {
            double s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
            const double *x = X + k * n_in;
            for (m = 0; m < n_in; m++) {
                const double xm = x[m];
                const double *col = WT + m * N + i0;
                if (xm == 0.0)
                    continue;
                for (i = 0; i < n; i++)
                    s[i] = s[i] + col[i] * xm;
            }
            for (i = 0; i < n; i++)
                out[k * ld + i0 + i] = s[i];
        }
    }
}

/* Eight rows at a time, with a constant trip count that compilers unroll
 * into registers (SSE2, NEON); the rest as the tail. */
static void lttb_input_drives_default(LTTB_INPUT_DRIVES_ARGS)
{
    ptrdiff_t i0 = 0, k, m;
    for (; i0 + 8 <= n_out; i0 += 8) {
        for (k = k0; k < k1; k++) {
            double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
            double s4 = 0.0, s5 = 0.0, s6 = 0.0, s7 = 0.0;
            const double *x = X + k * n_in;
            double *o = out + k * ld + i0;
            for (m = 0; m < n_in; m++) {
                const double xm = x[m];
                const double *col = WT + m * N + i0;
                if (xm == 0.0)
                    continue;
                s0 = s0 + col[0] * xm;
                s1 = s1 + col[1] * xm;
                s2 = s2 + col[2] * xm;
                s3 = s3 + col[3] * xm;
                s4 = s4 + col[4] * xm;
                s5 = s5 + col[5] * xm;
                s6 = s6 + col[6] * xm;
                s7 = s7 + col[7] * xm;
            }
            o[0] = s0; o[1] = s1; o[2] = s2; o[3] = s3;
            o[4] = s4; o[5] = s5; o[6] = s6; o[7] = s7;
        }
    }
    lttb_input_drives_tail(WT, N, X, n_in, k0, k1, out, ld, n_out, i0);
}

#if defined(LTTB_AVX_DISPATCH)
/* 16 rows in four registers. */
LTTB_TARGET_AVX static void lttb_input_drives_avx(LTTB_INPUT_DRIVES_ARGS)
{
    ptrdiff_t i0 = 0, k, m;
    for (; i0 + 16 <= n_out; i0 += 16) {
        for (k = k0; k < k1; k++) {
            __m256d a0 = _mm256_setzero_pd(), a1 = _mm256_setzero_pd();
            __m256d a2 = _mm256_setzero_pd(), a3 = _mm256_setzero_pd();
            const double *x = X + k * n_in;
            double *o = out + k * ld + i0;
            for (m = 0; m < n_in; m++) {
                const double *col = WT + m * N + i0;
                __m256d xm;
                if (x[m] == 0.0)
                    continue;
                xm = _mm256_set1_pd(x[m]);
                a0 = _mm256_add_pd(a0, _mm256_mul_pd(_mm256_loadu_pd(col), xm));
                a1 = _mm256_add_pd(a1, _mm256_mul_pd(_mm256_loadu_pd(col + 4), xm));
                a2 = _mm256_add_pd(a2, _mm256_mul_pd(_mm256_loadu_pd(col + 8), xm));
                a3 = _mm256_add_pd(a3, _mm256_mul_pd(_mm256_loadu_pd(col + 12), xm));
            }
            _mm256_storeu_pd(o, a0);
            _mm256_storeu_pd(o + 4, a1);
            _mm256_storeu_pd(o + 8, a2);
            _mm256_storeu_pd(o + 12, a3);
        }
    }
    lttb_input_drives_tail(WT, N, X, n_in, k0, k1, out, ld, n_out, i0);
}

/* 32 rows in four registers. */
LTTB_TARGET_AVX512 static void lttb_input_drives_avx512(LTTB_INPUT_DRIVES_ARGS)
{
    ptrdiff_t i0 = 0, k, m;
    for (; i0 + 32 <= n_out; i0 += 32) {
        for (k = k0; k < k1; k++) {
            __m512d a0 = _mm512_setzero_pd(), a1 = _mm512_setzero_pd();
            __m512d a2 = _mm512_setzero_pd(), a3 = _mm512_setzero_pd();
            const double *x = X + k * n_in;
            double *o = out + k * ld + i0;
            for (m = 0; m < n_in; m++) {
                const double *col = WT + m * N + i0;
                __m512d xm;
                if (x[m] == 0.0)
                    continue;
                xm = _mm512_set1_pd(x[m]);
                a0 = _mm512_add_pd(a0, _mm512_mul_pd(_mm512_loadu_pd(col), xm));
                a1 = _mm512_add_pd(a1, _mm512_mul_pd(_mm512_loadu_pd(col + 8), xm));
                a2 = _mm512_add_pd(a2, _mm512_mul_pd(_mm512_loadu_pd(col + 16), xm));
                a3 = _mm512_add_pd(a3, _mm512_mul_pd(_mm512_loadu_pd(col + 24), xm));
            }
            _mm512_storeu_pd(o, a0);
            _mm512_storeu_pd(o + 8, a1);
            _mm512_storeu_pd(o + 16, a2);
            _mm512_storeu_pd(o + 24, a3);
        }
    }
    lttb_input_drives_tail(WT, N, X, n_in, k0, k1, out, ld, n_out, i0);
}
#endif

/* --------------------------------------------------------------- row gather */
/*
 * For the rows listed in rows[0 .. n_rows) (ascending; the rows of J that do
 * not learn in this bin, whose drives follow the spikes): drive[i] = bs *
 * drive[i] + one_bs * (sum over m of M[i, cols[m]]), M row-major with N
 * columns.  Four rows are summed side by side so that four independent
 * chains of additions are in flight; each row still adds its terms in the
 * order of cols, the same sum as a row-by-row loop.  The rows about to be
 * recomputed whole are not in the list (neither gathered nor read).
 */
static void lttb_gather_row_list(const double *M, ptrdiff_t N, const int *rows,
                                 ptrdiff_t n_rows, const int *cols, ptrdiff_t n_cols,
                                 double bs, double one_bs, double *drive)
{
    ptrdiff_t q = 0, m;
    for (; q + 4 <= n_rows; q += 4) {
        const ptrdiff_t ia = rows[q], ib = rows[q + 1], ic = rows[q + 2], id = rows[q + 3];
        const double *a = M + ia * N, *b = M + ib * N, *c = M + ic * N, *d = M + id * N;
        double sa = 0.0, sb = 0.0, sc = 0.0, sd = 0.0;
        for (m = 0; m < n_cols; m++) {
            const ptrdiff_t j = cols[m];
            sa = sa + a[j];
            sb = sb + b[j];
            sc = sc + c[j];
            sd = sd + d[j];
        }
        drive[ia] = bs * drive[ia] + one_bs * sa;
        drive[ib] = bs * drive[ib] + one_bs * sb;
        drive[ic] = bs * drive[ic] + one_bs * sc;
        drive[id] = bs * drive[id] + one_bs * sd;
    }
    for (; q < n_rows; q++) {
        const ptrdiff_t ia = rows[q];
        const double *a = M + ia * N;
        double sa = 0.0;
        for (m = 0; m < n_cols; m++)
            sa = sa + a[cols[m]];
        drive[ia] = bs * drive[ia] + one_bs * sa;
    }
}

/* ----------------------------------------------------------------- threads */
/*
 * The trial loop may run as a team of OpenMP threads that meet twice per bin.
 * OpenMP's own barrier costs a few hundred nanoseconds here, a sizeable part
 * of a bin; with GCC or Clang a barrier of two atomic counters (alone on
 * their cache line) does the same in tens.  It spins briefly (64 pauses,
 * about a microsecond), then yields the processor: a team whose threads share
 * cores with other work then loses about half its speed, not ten times as
 * it did when spinning for 4096 pauses.
 * Built without OpenMP, a team is one thread and the barrier does nothing.
 */
typedef struct {
    int count;      /* threads arrived at the current barrier */
    int generation; /* barriers completed */
} lttb_team;

#if defined(_OPENMP)
#include <omp.h>
static int lttb_openmp_enabled(void) { return 1; }
static int lttb_team_size(void) { return omp_get_num_threads(); }
#else
static int lttb_openmp_enabled(void) { return 0; }
static int lttb_team_size(void) { return 1; }
#endif

#if defined(_OPENMP) && (defined(__GNUC__) || defined(__clang__)) && !defined(_WIN32)
#include <sched.h>
#if defined(__x86_64__) || defined(__i386__)
#define LTTB_PAUSE() __builtin_ia32_pause()
#elif defined(__aarch64__)
#define LTTB_PAUSE() __asm__ __volatile__("yield")
#else
#define LTTB_PAUSE() ((void)0)
#endif
static void lttb_team_barrier(lttb_team *team, int size)
{
    int gen;
    unsigned spins = 0;
    if (size <= 1)
        return;
    gen = __atomic_load_n(&team->generation, __ATOMIC_ACQUIRE);
    if (__atomic_add_fetch(&team->count, 1, __ATOMIC_ACQ_REL) == size) {
        __atomic_store_n(&team->count, 0, __ATOMIC_RELAXED);
        __atomic_store_n(&team->generation, gen + 1, __ATOMIC_RELEASE);
        return;
    }
    while (__atomic_load_n(&team->generation, __ATOMIC_ACQUIRE) == gen) {
        LTTB_PAUSE();
        if (++spins >= 64) {
            sched_yield();
            spins = 0;
        }
    }
}
#else
static void lttb_team_barrier(lttb_team *team, int size)
{
    (void)team;
    (void)size;
#if defined(_OPENMP)
#pragma omp barrier
#endif
}
#endif

/* ---------------------------------------------------------------- dispatch */

/* 0: portable default of this build, 1: scalar, 2: AVX, 3: AVX-512 (the dot
 * product of path 3 is the AVX one). */
static int lttb_kernel_path = -1;

static int lttb_select_kernels(int requested)
{
#if defined(LTTB_AVX_DISPATCH)
    __builtin_cpu_init();
    if (requested < 0)
        requested = __builtin_cpu_supports("avx512f") ? 3 : __builtin_cpu_supports("avx") ? 2 : 0;
    if (requested == 3 && !__builtin_cpu_supports("avx512f"))
        requested = __builtin_cpu_supports("avx") ? 2 : 0;
    if (requested == 2 && !__builtin_cpu_supports("avx"))
        requested = 0;
#else
    if (requested < 0 || requested >= 2)
        requested = 0;
#endif
    lttb_kernel_path = requested;
    return requested;
}

static double lttb_dot(const double *x, const double *y, ptrdiff_t n)
{
#if defined(LTTB_AVX_DISPATCH)
    if (lttb_kernel_path >= 2)
        return lttb_dot_avx(x, y, n);
#endif
    if (lttb_kernel_path == 1)
        return lttb_dot_scalar(x, y, n);
#if defined(LTTB_SSE2)
    return lttb_dot_sse2(x, y, n);
#elif defined(LTTB_NEON)
    return lttb_dot_neon(x, y, n);
#else
    return lttb_dot_scalar(x, y, n);
#endif
}


static void lttb_step(LTTB_STEP_ARGS)
{
#if defined(LTTB_AVX_DISPATCH)
    if (lttb_kernel_path == 3) {
        lttb_step_avx512(c, n, drive, wdrive, x_targ, x_in, apical_cont, basal_cont, VapicRec,
                         Vapic, Vsoma, prox, prox_prev, dist, soma, wsoma, Sf, Sf_prev, Sfs, W,
                         Bf, Bfr, Bft, Sw, sum_d, sum_d2);
        return;
    }
    if (lttb_kernel_path == 2) {
        lttb_step_avx(c, n, drive, wdrive, x_targ, x_in, apical_cont, basal_cont, VapicRec,
                      Vapic, Vsoma, prox, prox_prev, dist, soma, wsoma, Sf, Sf_prev, Sfs, W,
                      Bf, Bfr, Bft, Sw, sum_d, sum_d2);
        return;
    }
#endif
    lttb_step_default(c, n, drive, wdrive, x_targ, x_in, apical_cont, basal_cont, VapicRec,
                      Vapic, Vsoma, prox, prox_prev, dist, soma, wsoma, Sf, Sf_prev, Sfs, W,
                      Bf, Bfr, Bft, Sw, sum_d, sum_d2);
}

/* ne: number of excitatory columns; diag: the row's own column; pinned: the
 * bounds are the sign constraints (else they are infinite). */
static double lttb_update_dot(double *row, const double *dH, const double *lo,
                              const double *hi, const double *v, double c_u, double eta,
                              ptrdiff_t n, ptrdiff_t ne, ptrdiff_t diag, int pinned)
{
    if (!pinned)
        lo = hi = NULL;  /* no bounds: no kernel clips (see the fused plastic row) */
#if defined(LTTB_AVX_DISPATCH)
    if (lttb_kernel_path == 3)
        return lttb_update_dot_avx512(row, dH, lo, hi, v, c_u, eta, n, ne, diag, pinned);
    if (lttb_kernel_path == 2)
        return lttb_update_dot_avx(row, dH, lo, hi, v, c_u, eta, n, ne, diag, pinned);
#endif
    (void)ne;
    (void)diag;
    (void)pinned;
    if (lttb_kernel_path == 1)
        return lttb_update_dot_scalar(row, dH, lo, hi, v, c_u, eta, n);
#if defined(LTTB_SSE2)
    return lttb_update_dot_sse2(row, dH, lo, hi, v, c_u, eta, n);
#elif defined(LTTB_NEON)
    return lttb_update_dot_neon(row, dH, lo, hi, v, c_u, eta, n);
#else
    return lttb_update_dot_scalar(row, dH, lo, hi, v, c_u, eta, n);
#endif
}

/* Two plastic rows at once; bounds carry no diagonal (pass it as diag_a and
 * diag_b), lo and hi are restored before returning. */
static void lttb_update_dot2(double *row_a, double *row_b, const double *dH, double *lo,
                             double *hi, const double *v, double c_a, double c_b, double eta,
                             ptrdiff_t n, ptrdiff_t ne, ptrdiff_t diag_a, ptrdiff_t diag_b,
                             int pinned, double *out_a, double *out_b)
{
    double l, h;
    if (!pinned)
        lo = hi = NULL;  /* no bounds: no kernel clips (see the fused plastic row) */
#if defined(LTTB_AVX_DISPATCH)
    if (lttb_kernel_path == 3) {
        lttb_update_dot2_avx512(row_a, row_b, dH, lo, hi, v, c_a, c_b, eta, n, ne, diag_a,
                                diag_b, pinned, out_a, out_b);
        return;
    }
#endif
    if (pinned) { l = lo[diag_a]; h = hi[diag_a]; lo[diag_a] = hi[diag_a] = 0.0; }
    *out_a = lttb_update_dot(row_a, dH, lo, hi, v, c_a, eta, n, ne, diag_a, pinned);
    if (pinned) { lo[diag_a] = l; hi[diag_a] = h; l = lo[diag_b]; h = hi[diag_b]; lo[diag_b] = hi[diag_b] = 0.0; }
    *out_b = lttb_update_dot(row_b, dH, lo, hi, v, c_b, eta, n, ne, diag_b, pinned);
    if (pinned) { lo[diag_b] = l; hi[diag_b] = h; }
}

static void lttb_decay_add_columns(LTTB_DECAY_ADD_COLUMNS_ARGS)
{
#if defined(LTTB_AVX_DISPATCH)
    if (lttb_kernel_path == 3) {
        lttb_decay_add_columns_avx512(MT, N, cols, n_cols, bs, one_bs, out, n_out);
        return;
    }
    if (lttb_kernel_path == 2) {
        lttb_decay_add_columns_avx(MT, N, cols, n_cols, bs, one_bs, out, n_out);
        return;
    }
#endif
    lttb_decay_add_columns_default(MT, N, cols, n_cols, bs, one_bs, out, n_out);
}

static void lttb_weighted_columns(LTTB_WEIGHTED_COLUMNS_ARGS)
{
#if defined(LTTB_AVX_DISPATCH)
    if (lttb_kernel_path == 3) {
        lttb_weighted_columns_avx512(MT, N, cols, vals, n_cols, out, n_out);
        return;
    }
    if (lttb_kernel_path == 2) {
        lttb_weighted_columns_avx(MT, N, cols, vals, n_cols, out, n_out);
        return;
    }
#endif
    lttb_weighted_columns_default(MT, N, cols, vals, n_cols, out, n_out);
}

static void lttb_input_drives(LTTB_INPUT_DRIVES_ARGS)
{
#if defined(LTTB_AVX_DISPATCH)
    if (lttb_kernel_path == 3) {
        lttb_input_drives_avx512(WT, N, X, n_in, k0, k1, out, ld, n_out);
        return;
    }
    if (lttb_kernel_path == 2) {
        lttb_input_drives_avx(WT, N, X, n_in, k0, k1, out, ld, n_out);
        return;
    }
#endif
    lttb_input_drives_default(WT, N, X, n_in, k0, k1, out, ld, n_out);
}

#endif /* LTTB_KERNELS_H */
