# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Compiled trial loop of the LTTB model (private; use :class:`lttb.Network`).

One call of :func:`run_trial` integrates one trial of ``T`` bins (spec
section 4) and, when ``plastic`` is set, applies the learning rules of
section 5 after every step.  Everything inside runs without the GIL over
plain C arrays: the state of the current bin only (no N x T histories), the
recurrent drives ``J . S_filt`` and ``w . S_filt`` kept up to date from spike
events, and a fused pass over each plastic row that updates it, pins it and
recomputes its drive.
"""

from libc.math cimport exp
from libc.stdlib cimport malloc, free, calloc

cdef extern from *:
    """
    #if defined(__GNUC__) || defined(__clang__)
    #define LTTB_RESTRICT __restrict__
    #elif defined(_MSC_VER)
    #define LTTB_RESTRICT __restrict
    #else
    #define LTTB_RESTRICT
    #endif
    """


cdef struct Params:
    int N
    int Ne
    int T
    double a
    double h
    double href
    double b
    double Vreset
    double VresetApic
    double somaticThreshold
    double burstThreshold
    double burst_current
    double reset_softening
    double beta_s
    double beta_star
    double beta_W
    double gamma
    double apical_factor
    double eta
    double eta_out
    double eta_bias
    int plastic
    int pin
    int readout_recurrent


cdef inline double _sigmoid(double z) noexcept nogil:
    # Same expression as the original, e^z / (e^z + 1), so values agree
    # wherever the original is finite; beyond the overflow point the limit.
    cdef double ez
    if z > 709.0:
        return 1.0
    ez = exp(z)
    return ez / (ez + 1.0)


def sigmoid(double z):
    """Overflow-safe logistic function of the core (scalar), for tests."""
    return _sigmoid(z)


cdef inline double _clip(double x, double lo, double hi) noexcept nogil:
    if x < lo:
        return lo
    if x > hi:
        return hi
    return x


cdef void _update_row(double* Jrow, const double* dH, const double* Sf,
                      double c_u, double eta, int i, int N, int Ne, int pin,
                      double* drive_i) noexcept nogil:
    """J[i] += eta * u_i * dH, pinned, and the new drive J[i] . S_filt."""
    cdef int j
    cdef double x
    cdef double acc0 = 0.0, acc1 = 0.0
    if pin:
        # excitatory presynaptic columns: [0, 100]
        for j in range(Ne):
            x = Jrow[j] + eta * (c_u * dH[j])
            x = _clip(x, 0.0, 100.0)
            Jrow[j] = x
        # inhibitory presynaptic columns: [-100, 0]
        for j in range(Ne, N):
            x = Jrow[j] + eta * (c_u * dH[j])
            x = _clip(x, -100.0, 0.0)
            Jrow[j] = x
        Jrow[i] = 0.0
    else:
        for j in range(N):
            Jrow[j] = Jrow[j] + eta * (c_u * dH[j])
    # two accumulators halve the dependency chain of the sum
    j = 0
    while j + 1 < N:
        acc0 = acc0 + Jrow[j] * Sf[j]
        acc1 = acc1 + Jrow[j + 1] * Sf[j + 1]
        j += 2
    if j < N:
        acc0 = acc0 + Jrow[j] * Sf[j]
    drive_i[0] = acc0 + acc1


cdef double _row_dot(const double* row, const double* v, int n) noexcept nogil:
    cdef int j = 0
    cdef double acc0 = 0.0, acc1 = 0.0
    while j + 1 < n:
        acc0 = acc0 + row[j] * v[j]
        acc1 = acc1 + row[j + 1] * v[j + 1]
        j += 2
    if j < n:
        acc0 = acc0 + row[j] * v[j]
    return acc0 + acc1


def run_trial(dict params,
              double[:, ::1] J,
              const double[:, ::1] w,
              double[:, ::1] Jout,
              double[::1] Bias,
              const double[:, ::1] j_in,
              const double[:, ::1] clock_T,
              const double[:, ::1] j_targ,
              const double[:, ::1] y_T,
              const double[::1] apical_cont,
              const double[::1] basal_cont,
              const double[::1] cont_gain,
              signed char[:, ::1] rec_soma,
              signed char[:, ::1] rec_wind,
              double[:, ::1] Y_out,
              double[::1] stats):
    """Integrate one trial in place.

    Parameters
    ----------
    params : dict
        Scalars of the :c:type:`Params` struct (sizes, constants, decay
        factors, learning rates, flags).
    J, w : (N, N) float64
        Apical-proximal and basal recurrent weights; ``J`` is updated in
        place when ``params['plastic']``.
    Jout, Bias : (O, N), (O,) float64
        Read-out weights and bias, updated in place when plastic.
    j_in, clock_T : (N, I), (T, I) float64
        Clock weights and the clock, transposed (bin-major).
    j_targ, y_T : (N, O), (T, O) float64
        Target weights and the target trajectory, transposed.
    apical_cont, basal_cont : (N,) float64
        Context drives ``sigma * j_cont @ cont`` of the trial's context.
    cont_gain : (T,) float64
        1 where the context is on at that bin, 0 where it is off.
    rec_soma, rec_wind : (T, N) or (0, N) int8
        Recorded ``S_soma`` and ``S_wind`` (bin-major); empty for none.
    Y_out : (T, O) float64
        Read-out ``Jout . readout[bin] + Bias`` at bins ``1 .. T-3`` (during
        training, the value used by the learning rule before its update).
    stats : (2,) float64
        Receives the sum and the sum of squares of ``B_filt_rec - B_filt``
        over the trial (for the inner error).
    """
    cdef Params p = params
    cdef int N = p.N, Ne = p.Ne, T = p.T
    cdef int n_in = j_in.shape[1], O = j_targ.shape[1]
    cdef bint record = rec_soma.shape[0] > 0
    cdef bint use_w = False
    cdef int i, j, k, o, t, m, n_spk, n_plastic
    cdef Py_ssize_t idx

    if J.shape[0] != N or J.shape[1] != N or w.shape[0] != N or w.shape[1] != N:
        raise ValueError("J and w must be N x N")
    if Jout.shape[0] != O or Jout.shape[1] != N or Bias.shape[0] != O:
        raise ValueError("Jout must be O x N and Bias O")
    if clock_T.shape[0] != T or clock_T.shape[1] != n_in or j_in.shape[0] != N:
        raise ValueError("j_in must be N x I and clock_T T x I")
    if y_T.shape[0] != T or y_T.shape[1] != O or j_targ.shape[0] != N:
        raise ValueError("j_targ must be N x O and y_T T x O")
    if apical_cont.shape[0] != N or basal_cont.shape[0] != N or cont_gain.shape[0] != T:
        raise ValueError("context drives must be N and cont_gain T")
    if record and (rec_soma.shape[0] != T or rec_soma.shape[1] != N
                   or rec_wind.shape[0] != T or rec_wind.shape[1] != N):
        raise ValueError("recording arrays must be T x N")
    if Y_out.shape[0] != T or Y_out.shape[1] != O or stats.shape[0] < 2:
        raise ValueError("Y_out must be T x O and stats 2")
    if T < 4 or Ne > N or Ne < 0:
        raise ValueError("inconsistent sizes")

    for i in range(N):
        for j in range(N):
            if w[i, j] != 0.0:
                use_w = True
                break
        if use_w:
            break

    # One block of N-vectors for the state of the current bin.
    cdef double* buf = <double*> calloc(15 * <size_t> N, sizeof(double))
    cdef int* spk = <int*> malloc((<size_t> N + 1) * sizeof(int))
    cdef int* rows = <int*> malloc((<size_t> N + 1) * sizeof(int))
    if buf == NULL or spk == NULL or rows == NULL:
        free(buf); free(spk); free(rows)
        raise MemoryError()
    cdef double* VapicRec = buf
    cdef double* Vapic = buf + N
    cdef double* Vsoma = buf + 2 * N
    cdef double* Sf = buf + 3 * N           # S_filt at the current bin
    cdef double* Sf_prev = buf + 4 * N      # S_filt one bin earlier
    cdef double* Sfs = buf + 5 * N          # S_filt_soma
    cdef double* W = buf + 6 * N
    cdef double* Bf = buf + 7 * N           # B_filt
    cdef double* Bfr = buf + 8 * N          # B_filt_rec
    cdef double* Bft = buf + 9 * N          # B_filt_total
    cdef double* Sw = buf + 10 * N          # S_wind
    cdef double* drive = buf + 11 * N       # J . S_filt
    cdef double* wdrive = buf + 12 * N      # w . S_filt
    cdef double* dH = buf + 13 * N
    cdef double* u = buf + 14 * N
    # Spike flags of the current bin, one byte each.
    cdef signed char* fl = <signed char*> malloc(5 * <size_t> N)
    if fl == NULL:
        free(buf); free(spk); free(rows)
        raise MemoryError()
    cdef signed char* prox = fl             # S_apic_prox at the current bin
    cdef signed char* prox_prev = fl + N    # S_apic_prox one bin earlier
    cdef signed char* dist = fl + 2 * N     # S_apic_dist
    cdef signed char* soma = fl + 3 * N     # S_soma
    cdef signed char* wsoma = fl + 4 * N    # S_wind_soma

    cdef double a = p.a, one_a = 1.0 - p.a
    cdef double c_rec = (1.0 - p.a) * p.h
    cdef double bs = p.beta_s, one_bs = 1.0 - p.beta_s
    cdef double bst = p.beta_star, one_bst = 1.0 - p.beta_star
    cdef double bW = p.beta_W, one_bW = 1.0 - p.beta_W
    cdef double h = p.h, href = p.href
    cdef double thr_s = p.somaticThreshold, thr_b = p.burstThreshold
    cdef double x_in, x_targ, vr, va, vs, isoma, s_new, sum_d = 0.0, sum_d2 = 0.0, d
    cdef double bv, brec, btot, gk, acc, e, sr_j, g_in
    cdef double* SR
    cdef double* Jp = &J[0, 0]
    cdef const double* wp = &w[0, 0]
    cdef double* Joutp = &Jout[0, 0]
    cdef int n_rows_plastic = Ne if p.pin else N

    with nogil:
        for i in range(N):
            VapicRec[i] = h
            Vapic[i] = h
            Vsoma[i] = h
        for i in range(5 * N):
            fl[i] = 0
        SR = Bfr if p.readout_recurrent else Bft

        if p.plastic and p.pin:
            # Pin once at the start: then pinning only the rows that change
            # is the same as pinning the whole matrix after every update.
            for i in range(N):
                for j in range(N):
                    idx = <Py_ssize_t> i * N + j
                    if i >= Ne or i == j:
                        Jp[idx] = 0.0
                    elif j < Ne:
                        Jp[idx] = _clip(Jp[idx], 0.0, 100.0)
                    else:
                        Jp[idx] = _clip(Jp[idx], -100.0, 0.0)

        for t in range(T - 2):
            k = t + 1
            # ---- plasticity, first half: what needs the state before step k
            n_plastic = 0
            if p.plastic:
                for i in range(N):
                    dH[i] = one_a * dH[i] + a * Sf_prev[i]
                for i in range(n_rows_plastic):
                    if wsoma[i] and not prox_prev[i]:
                        u[i] = <double> dist[i] - _sigmoid(p.gamma * VapicRec[i])
                        if u[i] != 0.0:
                            rows[n_plastic] = i
                            n_plastic += 1
            # read-out at bin k (= t+1) and its learning rule
            if p.plastic or k <= T - 3:
                for o in range(O):
                    acc = _row_dot(Joutp + <Py_ssize_t> o * N, SR, N)
                    Y_out[k, o] = acc + Bias[o]
                if p.plastic:
                    for o in range(O):
                        e = y_T[k, o] - Y_out[k, o]
                        for j in range(N):
                            Joutp[<Py_ssize_t> o * N + j] = (Joutp[<Py_ssize_t> o * N + j]
                                                             + p.eta_out * (e * SR[j]))
                        Bias[o] = Bias[o] + p.eta_bias * e

            # ---- step k: potentials at bin k, spikes and traces at bin k+1
            gk = cont_gain[k]
            n_spk = 0
            for i in range(N):
                x_targ = 0.0
                for o in range(O):
                    x_targ = x_targ + j_targ[i, o] * y_T[k, o]
                g_in = 0.0
                for m in range(n_in):
                    g_in = g_in + j_in[i, m] * clock_T[k, m]

                if prox[i]:
                    vr = p.VresetApic
                else:
                    vr = c_rec + a * (drive[i] + h + href)
                if dist[i]:
                    va = p.VresetApic
                else:
                    va = one_a * Vapic[i] + a * (p.apical_factor * x_targ
                                                 + gk * apical_cont[i] + h + href)
                if soma[i]:
                    vs = p.Vreset / (1.0 + p.reset_softening * Sw[i])
                else:
                    isoma = (wdrive[i] + h + g_in + gk * basal_cont[i]
                             + p.burst_current * Sw[i] - p.b * W[i])
                    vs = one_a * Vsoma[i] + a * isoma
                VapicRec[i] = vr
                Vapic[i] = va
                Vsoma[i] = vs

                prox_prev[i] = prox[i]
                prox[i] = vr > 0.0
                dist[i] = va > 0.0
                soma[i] = vs > 0.0
                s_new = <double> soma[i]
                if soma[i]:
                    spk[n_spk] = i
                    n_spk += 1
                Sf_prev[i] = Sf[i]
                Sf[i] = bs * Sf[i] + one_bs * s_new
                Sfs[i] = bst * Sfs[i] + one_bst * s_new
                W[i] = bW * W[i] + one_bW * s_new
                wsoma[i] = Sfs[i] - thr_s > 0.0
                bv = <double> (wsoma[i] * dist[i])
                brec = <double> (wsoma[i] * prox[i])
                btot = 1.0 if bv + brec - 1.0 >= 0.0 else 0.0
                Bf[i] = bst * Bf[i] + one_bst * bv
                Bfr[i] = bst * Bfr[i] + one_bst * brec
                Bft[i] = bst * Bft[i] + one_bst * btot
                Sw[i] = 1.0 if (Bfr[i] - thr_b >= 0.0) or (Bf[i] - thr_b >= 0.0) else 0.0
                d = Bfr[i] - Bf[i]
                sum_d = sum_d + d
                sum_d2 = sum_d2 + d * d
                if record:
                    rec_soma[k + 1, i] = soma[i]
                    rec_wind[k + 1, i] = <signed char> Sw[i]

            # ---- recurrent drives at bin k+1 from the spike events
            for i in range(N):
                acc = 0.0
                for m in range(n_spk):
                    acc = acc + Jp[<Py_ssize_t> i * N + spk[m]]
                drive[i] = bs * drive[i] + one_bs * acc
            if use_w:
                for i in range(N):
                    acc = 0.0
                    for m in range(n_spk):
                        acc = acc + wp[<Py_ssize_t> i * N + spk[m]]
                    wdrive[i] = bs * wdrive[i] + one_bs * acc

            # ---- plasticity, second half: J rows (after step k used J)
            for m in range(n_plastic):
                i = rows[m]
                _update_row(Jp + <Py_ssize_t> i * N, dH, Sf, u[i], p.eta,
                            i, N, Ne, p.pin, &drive[i])

    stats[0] = sum_d
    stats[1] = sum_d2
    free(buf)
    free(spk)
    free(rows)
    free(fl)
