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

from libc.math cimport exp, INFINITY
from libc.stdlib cimport malloc, free, calloc

cdef extern from "_kernels.h" nogil:
    double _dot "lttb_dot"(const double* x, const double* y, Py_ssize_t n)
    double _update_dot "lttb_update_dot"(double* row, const double* dH, const double* lo,
                                         const double* hi, const double* v, double c_u,
                                         double eta, Py_ssize_t n, Py_ssize_t ne,
                                         Py_ssize_t diag, int pinned)
    void _sum_columns "lttb_sum_columns"(const double* MT, Py_ssize_t N, const int* cols,
                                         Py_ssize_t n_cols, double* out, Py_ssize_t n_out)
    void _update_dot2 "lttb_update_dot2"(double* row_a, double* row_b, const double* dH,
                                         double* lo, double* hi, const double* v,
                                         double c_a, double c_b, double eta, Py_ssize_t n,
                                         Py_ssize_t ne, Py_ssize_t diag_a, Py_ssize_t diag_b,
                                         int pinned, double* out_a, double* out_b)
    int lttb_select_kernels(int requested)
    int lttb_kernel_path
    ctypedef struct lttb_step_consts:
        double a, one_a, c_rec, h, href, b, Vreset, VresetApic
        double thr_soma, thr_burst, burst_current, reset_softening
        double bs, one_bs, bst, one_bst, bW, one_bW
        double apical_factor, gain
        double reset0, reset1
    void lttb_step(const lttb_step_consts* c, Py_ssize_t n,
                   const double* drive, const double* wdrive, const double* x_targ,
                   const double* x_in, const double* apical_cont, const double* basal_cont,
                   double* VapicRec, double* Vapic, double* Vsoma, double* prox,
                   double* prox_prev, double* dist, double* soma, double* wsoma,
                   double* Sf, double* Sf_prev, double* Sfs, double* W, double* Bf,
                   double* Bfr, double* Bft, double* Sw, double* sum_d, double* sum_d2)

_KERNEL_PATHS = {"default": 0, "scalar": 1, "avx": 2, "avx512": 3}


def select_kernels(name=None):
    """Choose the SIMD code path of the inner kernels; return the one in use.

    All paths give bit-identical results (see ``_kernels.h``); the choice only
    changes speed.  ``None`` picks the fastest this processor supports.
    """
    names = {v: k for k, v in _KERNEL_PATHS.items()}
    if name is None:
        return names[lttb_select_kernels(-1)]
    if name not in _KERNEL_PATHS:
        raise ValueError(f"unknown kernel path {name!r}; one of {sorted(_KERNEL_PATHS)}")
    return names[lttb_select_kernels(_KERNEL_PATHS[name])]


select_kernels()

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


def run_trial(dict params,
              double[:, ::1] J,
              const double[:, ::1] wT,
              const double[:, ::1] JT,
              double[:, ::1] Jout,
              double[::1] Bias,
              const double[:, ::1] j_in_T,
              const double[:, ::1] clock_T,
              const double[:, ::1] j_targ_T,
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
    J : (N, N) float64
        Apical-proximal recurrent weights, updated in place when
        ``params['plastic']``.
    wT : (N, N) or (0, 0) float64
        Basal recurrent weights ``w``, transposed (fixed); empty when ``w`` is
        all zero, which skips its drive.
    JT : (N, N) or (0, 0) float64
        ``J`` transposed, for a trial without plasticity: the recurrent drive
        then sums contiguous columns instead of gathering from every row.
        Empty to gather from ``J``.
    Jout, Bias : (O, N), (O,) float64
        Read-out weights and bias, updated in place when plastic.
    j_in_T, clock_T : (I, N), (T, I) float64
        Clock weights and the clock, both transposed.
    j_targ_T, y_T : (O, N), (T, O) float64
        Target weights and the target trajectory, both transposed.
    apical_cont, basal_cont : (N,) float64
        Context drives ``sigma * j_cont @ cont`` of the trial's context.
    cont_gain : (T,) float64
        1 where the context is on at that bin, 0 where it is off.
    rec_soma, rec_wind : (T, N) or (0, N) int8
        Recorded ``S_soma`` and ``S_wind`` (bin-major); empty for none.
    Y_out : (T, O) float64
        Read-out ``Jout . readout[bin] + Bias`` at bins ``1 .. T-3`` (during
        training, also bin ``T-2``; the value the learning rule saw, before
        its update).
    stats : (2,) or (3,) float64
        Receives the sum and the sum of squares of ``B_filt_rec - B_filt``
        over the trial (for the inner error) and, given a third element, the
        number of plastic row updates (a measure of the work done).
    """
    cdef Params p = params
    cdef int N = p.N, Ne = p.Ne, T = p.T
    cdef int n_in = j_in_T.shape[0], O = j_targ_T.shape[0]
    cdef bint record = rec_soma.shape[0] > 0
    cdef int i, j, k, o, t, m, n_spk, n_plastic

    if J.shape[0] != N or J.shape[1] != N:
        raise ValueError("J must be N x N")
    cdef bint use_w = wT.shape[0] > 0
    if use_w and (wT.shape[0] != N or wT.shape[1] != N):
        raise ValueError("wT must be N x N or empty")
    cdef bint use_JT = JT.shape[0] > 0 and not p.plastic
    if JT.shape[0] > 0 and (JT.shape[0] != N or JT.shape[1] != N):
        raise ValueError("JT must be N x N or empty")
    if Jout.shape[0] != O or Jout.shape[1] != N or Bias.shape[0] != O:
        raise ValueError("Jout must be O x N and Bias O")
    if clock_T.shape[0] != T or clock_T.shape[1] != n_in or j_in_T.shape[1] != N:
        raise ValueError("j_in_T must be I x N and clock_T T x I")
    if y_T.shape[0] != T or y_T.shape[1] != O or j_targ_T.shape[1] != N:
        raise ValueError("j_targ_T must be O x N and y_T T x O")
    if apical_cont.shape[0] != N or basal_cont.shape[0] != N or cont_gain.shape[0] != T:
        raise ValueError("context drives must be N and cont_gain T")
    if record and (rec_soma.shape[0] != T or rec_soma.shape[1] != N
                   or rec_wind.shape[0] != T or rec_wind.shape[1] != N):
        raise ValueError("recording arrays must be T x N")
    if Y_out.shape[0] != T or Y_out.shape[1] != O or stats.shape[0] < 2:
        raise ValueError("Y_out must be T x O and stats 2")
    if T < 4 or Ne > N or Ne < 0:
        raise ValueError("inconsistent sizes")

    # The state of the current bin only: one block of N-vectors.
    cdef int n_vec = 27  # the N-vectors laid out below
    cdef double* buf = <double*> calloc(n_vec * <size_t> N, sizeof(double))
    cdef int* spk = <int*> malloc((<size_t> N + 1) * sizeof(int))
    cdef int* rows = <int*> malloc((<size_t> N + 1) * sizeof(int))
    cdef signed char* is_plastic = <signed char*> calloc(<size_t> N + 1, 1)
    if buf == NULL or spk == NULL or rows == NULL or is_plastic == NULL:
        free(buf); free(spk); free(rows); free(is_plastic)
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
    cdef double* x_targ = buf + 15 * N      # j_targ . y_targ[k]
    cdef double* x_in = buf + 16 * N        # j_in . I_clock[k]
    cdef double* prox = buf + 17 * N        # S_apic_prox at the current bin
    cdef double* prox_prev = buf + 18 * N   # S_apic_prox one bin earlier
    cdef double* dist = buf + 19 * N        # S_apic_dist
    cdef double* soma = buf + 20 * N        # S_soma
    cdef double* wsoma = buf + 21 * N       # S_wind_soma
    cdef double* sum_d = buf + 22 * N       # per neuron: sum of B_filt_rec - B_filt
    cdef double* sum_d2 = buf + 23 * N      # per neuron: sum of its square
    cdef double* lo = buf + 24 * N          # per column: bounds of a plastic row
    cdef double* hi = buf + 25 * N
    cdef double* gathered = buf + 26 * N    # sum of the new spikes' columns

    cdef lttb_step_consts c
    c.a = p.a
    c.one_a = 1.0 - p.a
    c.c_rec = (1.0 - p.a) * p.h
    c.h = p.h
    c.href = p.href
    c.b = p.b
    c.Vreset = p.Vreset
    c.VresetApic = p.VresetApic
    c.thr_soma = p.somaticThreshold
    c.thr_burst = p.burstThreshold
    c.burst_current = p.burst_current
    c.reset_softening = p.reset_softening
    c.bs = p.beta_s
    c.one_bs = 1.0 - p.beta_s
    c.bst = p.beta_star
    c.one_bst = 1.0 - p.beta_star
    c.bW = p.beta_W
    c.one_bW = 1.0 - p.beta_W
    c.apical_factor = p.apical_factor
    c.gain = 1.0
    c.reset0 = p.Vreset / (1.0 + p.reset_softening * 0.0)
    c.reset1 = p.Vreset / (1.0 + p.reset_softening * 1.0)

    cdef double acc, e, yk, lo_i = 0.0, hi_i = 0.0, s1 = 0.0, s2 = 0.0
    cdef double* SR
    cdef double* Jp = &J[0, 0]
    cdef const double* wTp = &wT[0, 0] if use_w else NULL
    cdef const double* JTp = &JT[0, 0] if use_JT else NULL
    cdef double* Joutp = &Jout[0, 0]
    cdef const double* jtT = &j_targ_T[0, 0]
    cdef const double* jiT = &j_in_T[0, 0]
    cdef int n_rows_plastic = Ne if p.pin else N
    cdef int n_drive = N
    cdef double n_row_updates = 0.0
    cdef Py_ssize_t idx

    with nogil:
        for i in range(N):
            VapicRec[i] = c.h
            Vapic[i] = c.h
            Vsoma[i] = c.h
        SR = Bfr if p.readout_recurrent else Bft
        for j in range(N):
            if not p.pin:
                lo[j] = -INFINITY
                hi[j] = INFINITY
            elif j < Ne:
                lo[j] = 0.0
                hi[j] = 100.0
            else:
                lo[j] = -100.0
                hi[j] = 0.0

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
            n_drive = Ne  # the rows of inhibitory neurons stay zero

        for t in range(T - 2):
            k = t + 1
            # ---- plasticity, first half: what needs the state before step k
            n_plastic = 0
            if p.plastic:
                for i in range(N):
                    dH[i] = c.one_a * dH[i] + c.a * Sf_prev[i]
                for i in range(n_rows_plastic):
                    if wsoma[i] != 0.0 and prox_prev[i] == 0.0:
                        u[i] = dist[i] - _sigmoid(p.gamma * VapicRec[i])
                        if u[i] != 0.0:
                            rows[n_plastic] = i
                            is_plastic[i] = 1
                            n_plastic += 1
            # read-out at bin k (= t+1) and its learning rule
            if p.plastic or k <= T - 3:
                for o in range(O):
                    acc = _dot(Joutp + <Py_ssize_t> o * N, SR, N)
                    Y_out[k, o] = acc + Bias[o]
                if p.plastic:
                    for o in range(O):
                        e = y_T[k, o] - Y_out[k, o]
                        for j in range(N):
                            Joutp[<Py_ssize_t> o * N + j] = (Joutp[<Py_ssize_t> o * N + j]
                                                             + p.eta_out * (e * SR[j]))
                        Bias[o] = Bias[o] + p.eta_bias * e

            # ---- step k: potentials at bin k, spikes and traces at bin k+1
            c.gain = cont_gain[k]
            for i in range(N):
                x_targ[i] = 0.0
                x_in[i] = 0.0
            if c.apical_factor != 0.0:  # else 0 * x_targ: leaving it 0 is exact
                for o in range(O):
                    yk = y_T[k, o]
                    for i in range(N):
                        x_targ[i] = x_targ[i] + jtT[<Py_ssize_t> o * N + i] * yk
            for m in range(n_in):
                yk = clock_T[k, m]
                if yk != 0.0:  # the clock is one-hot: skipping zeros is exact
                    for i in range(N):
                        x_in[i] = x_in[i] + jiT[<Py_ssize_t> m * N + i] * yk
            lttb_step(&c, N, drive, wdrive, x_targ, x_in, &apical_cont[0], &basal_cont[0],
                      VapicRec, Vapic, Vsoma, prox, prox_prev, dist, soma, wsoma,
                      Sf, Sf_prev, Sfs, W, Bf, Bfr, Bft, Sw, sum_d, sum_d2)
            n_spk = 0
            for i in range(N):
                if soma[i] != 0.0:
                    spk[n_spk] = i
                    n_spk += 1
            if record:
                for i in range(N):
                    rec_soma[k + 1, i] = <signed char> soma[i]
                    rec_wind[k + 1, i] = <signed char> Sw[i]

            # ---- recurrent drives at bin k+1 from the spike events; rows
            # about to change are recomputed whole below.
            if n_spk > 0:
                if use_JT:
                    _sum_columns(JTp, N, spk, n_spk, gathered, n_drive)
                    for i in range(n_drive):
                        drive[i] = c.bs * drive[i] + c.one_bs * gathered[i]
                else:
                    # J changes row by row: gather the spiking columns from
                    # each row that is not about to be recomputed.
                    for i in range(n_drive):
                        if is_plastic[i]:
                            continue
                        acc = 0.0
                        for m in range(n_spk):
                            acc = acc + Jp[<Py_ssize_t> i * N + spk[m]]
                        drive[i] = c.bs * drive[i] + c.one_bs * acc
                if use_w:
                    _sum_columns(wTp, N, spk, n_spk, gathered, N)
                    for i in range(N):
                        wdrive[i] = c.bs * wdrive[i] + c.one_bs * gathered[i]
            else:
                for i in range(n_drive):
                    drive[i] = c.bs * drive[i]
                if use_w:
                    for i in range(N):
                        wdrive[i] = c.bs * wdrive[i]

            # ---- plasticity, second half: J rows (after step k used J)
            n_row_updates = n_row_updates + n_plastic
            m = 0
            while m + 1 < n_plastic:
                i = rows[m]
                j = rows[m + 1]
                _update_dot2(Jp + <Py_ssize_t> i * N, Jp + <Py_ssize_t> j * N, dH, lo, hi,
                             Sf, u[i], u[j], p.eta, N, Ne, i, j, p.pin, &drive[i], &drive[j])
                is_plastic[i] = 0
                is_plastic[j] = 0
                m += 2
            if m < n_plastic:
                i = rows[m]
                if p.pin:  # no self-connection: clip the diagonal to [0, 0]
                    lo_i = lo[i]
                    hi_i = hi[i]
                    lo[i] = 0.0
                    hi[i] = 0.0
                drive[i] = _update_dot(Jp + <Py_ssize_t> i * N, dH, lo, hi, Sf, u[i],
                                       p.eta, N, Ne, i, p.pin)
                if p.pin:
                    lo[i] = lo_i
                    hi[i] = hi_i
                is_plastic[i] = 0

        for i in range(N):
            s1 = s1 + sum_d[i]
            s2 = s2 + sum_d2[i]

    stats[0] = s1
    stats[1] = s2
    if stats.shape[0] > 2:
        stats[2] = n_row_updates
    free(buf)
    free(spk)
    free(rows)
    free(is_plastic)
