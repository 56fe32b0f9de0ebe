# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Compiled trial loop of the LTTB model (private; use :class:`lttb.Network`).

One call of :func:`run_trial` integrates one trial of ``T`` bins (spec
section 4) and, when ``plastic`` is set, applies the learning rules of
section 5 after every step.  Everything inside runs without the GIL over
plain C arrays: the state of the current bin only (no N x T histories), the
recurrent drives ``J . S_filt`` and ``w . S_filt`` kept up to date from spike
events, and a fused pass over each plastic row that updates it, pins it and
recomputes its drive.  A trial may run on a team of OpenMP threads, each
owning a share of the neurons; the arithmetic of every neuron is the same
whatever the team, so the results are too.
"""

from cython.parallel cimport parallel, threadid
from libc.math cimport exp, sqrt, INFINITY
from libc.stdint cimport uintptr_t
from libc.stdlib cimport calloc, free, malloc
from libc.string cimport memcpy

cdef extern from "_kernels.h" nogil:
    double _dot "lttb_dot"(const double* x, const double* y, Py_ssize_t n)
    double _update_dot "lttb_update_dot"(double* row, const double* dH, const double* lo,
                                         const double* hi, const double* v, double c_u,
                                         double eta, Py_ssize_t n, Py_ssize_t ne,
                                         Py_ssize_t diag, int pinned)
    void lttb_decay_add_columns(const double* MT, Py_ssize_t N, const int* cols,
                                Py_ssize_t n_cols, double bs, double one_bs, double* out,
                                Py_ssize_t n_out)
    void _update_dot2 "lttb_update_dot2"(double* row_a, double* row_b, const double* dH,
                                         double* lo, double* hi, const double* v,
                                         double c_a, double c_b, double eta, Py_ssize_t n,
                                         Py_ssize_t ne, Py_ssize_t diag_a, Py_ssize_t diag_b,
                                         int pinned, double* out_a, double* out_b)
    void lttb_weighted_columns(const double* MT, Py_ssize_t N, const int* cols,
                               const double* vals, Py_ssize_t n_cols, double* out,
                               Py_ssize_t n_out)
    void lttb_input_drives(const double* WT, Py_ssize_t N, const double* X, Py_ssize_t n_in,
                           Py_ssize_t k0, Py_ssize_t k1, double* out, Py_ssize_t ld,
                           Py_ssize_t n_out)
    void lttb_gather_row_list(const double* M, Py_ssize_t N, const int* rows,
                              Py_ssize_t n_rows, const int* cols, Py_ssize_t n_cols,
                              double bs, double one_bs, double* drive)
    int lttb_openmp_enabled()
    int lttb_team_size()
    ctypedef struct lttb_team:
        pass
    void lttb_team_barrier(lttb_team* team, int size)
    int lttb_select_kernels(int requested)
    int lttb_kernel_path
    ctypedef struct lttb_step_consts:
        double a, one_a, c_rec, h, href, b, Vreset, VresetApic
        double thr_soma, thr_burst, burst_current, reset_softening
        double bs, one_bs, bst, one_bst, bW, one_bW
        double apical_factor
        double reset0, reset1
        int stats
    void lttb_step(const lttb_step_consts* c, Py_ssize_t n,
                   const double* drive, const double* wdrive, const double* x_targ,
                   const double* x_in, const double* apical_cont, const double* basal_cont,
                   double* VapicRec, double* Vapic, double* Vsoma, double* prox,
                   double* prox_prev, double* dist, double* soma, double* wsoma,
                   double* Sf, double* Sf_prev, double* Sfs, double* W, double* Bf,
                   double* Bfr, double* Bft, double* Sw, double* sum_d, double* sum_d2)

_KERNEL_PATHS = {"default": 0, "scalar": 1, "avx": 2, "avx512": 3}
_PATH_NAMES = {v: k for k, v in _KERNEL_PATHS.items()}


def select_kernels(name=None):
    """Choose the SIMD code path of the inner kernels; return the one in use.

    All paths give bit-identical results (see ``_kernels.h``); the choice only
    changes speed.  ``None`` picks the fastest this processor supports.
    """
    if name is None:
        return _PATH_NAMES[lttb_select_kernels(-1)]
    if name not in _KERNEL_PATHS:
        raise ValueError(f"unknown kernel path {name!r}; one of {sorted(_KERNEL_PATHS)}")
    return _PATH_NAMES[lttb_select_kernels(_KERNEL_PATHS[name])]


def kernels_in_use():
    """The SIMD code path the inner kernels run on now (changes nothing)."""
    return _PATH_NAMES[lttb_kernel_path]


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
    double sigma_apical_cont
    double sigma_basal_cont
    int plastic
    int pin
    int readout
    int J_zero
    int threads


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


def openmp_enabled():
    """Whether this build can run a trial on several threads (OpenMP)."""
    return bool(lttb_openmp_enabled())


cdef struct Trial:
    # What the threads of one trial share.
    Params p
    lttb_step_consts c
    int N, Ne, T, n_in, O, n_ctx, n_drive, n_rows_plastic
    # The last bin whose read-out is computed (T - 3 in a test, T - 2 in
    # training, T - 1 in the closed loop, whose fix reads the newest trace).
    int last_readout
    bint record, use_w, use_J, use_JT, learn_J, learn_out, learn_bias, dense_in
    # Weights, inputs and outputs.
    double* J
    const double* wT
    const double* JT
    double* Jout
    double* Bias
    const double* j_in_T
    const double* inputs_T
    const double* j_targ_T
    const double* y_T
    const double* j_apical_cont_T
    const double* j_basal_cont_T
    const double* cont_T
    signed char* rec_soma
    signed char* rec_wind
    double* Y
    # The team: the threads the memory below is laid out for, and whether
    # the team that ran had that size.
    int planned
    int ran
    lttb_team* team
    # One block of memory per thread (see _block_layout), page-aligned so
    # that no thread's hardware prefetches pull in another thread's lines.
    double* blocks
    size_t block_size
    # With dense inputs, each thread's input drives of every bin (T rows of
    # in_stride doubles, one area per thread), computed before the first bin.
    double* in_drives
    size_t in_stride
    # The read-out traces of every neuron (each thread copies its own in),
    # the spikes of each thread in this bin (at q * N; count at 16 q) and
    # each thread's count of row updates (at 8 q).
    double* SR
    int* spk_part
    int* n_spk_part
    double* row_updates
    # Burst metrics (SI.md section 3), when asked for: the previous tracked
    # trial's binary bursts B and B_rec (2 x T x N int8, bin-major), which
    # the trial compares with its own and then overwrites, and per neuron
    # BURST_ACC accumulators (see _track_bursts).  NULL when not tracked.
    signed char* bprev
    double* bacc


cdef inline int _split(int n, int q, int nt) noexcept nogil:
    # Start of part q of 0..n in nt parts, on a multiple of 8 elements.
    if q >= nt:
        return n
    return ((<long long> n * q // nt) // 8) * 8


cdef inline int _own_start(Trial* tr, int q, int nt) noexcept nogil:
    # A thread owns a range of neurons holding an equal share of the rows of
    # J that have drives (and can learn); the last thread also owns the rest.
    return _split(tr.n_drive, q, nt)


cdef inline int _own_end(Trial* tr, int q, int nt) noexcept nogil:
    return _split(tr.n_drive, q + 1, nt) if q + 1 < nt else tr.N


# A thread's block: 23 vectors over its own neurons (length L, a multiple of
# 8), then 5 private vectors over all N neurons (length S, a multiple of 8),
# then its spike list and plastic rows (2 S ints), its plastic flags
# (L bytes), the non-zero entries of a bin's input or context vector
# (values, then indices: M doubles and M ints, M a multiple of 8) and a list
# of its rows (L ints), rounded up to whole pages.
cdef enum:
    N_OWN_VECTORS = 23
    N_FULL_VECTORS = 5
    V_SUM_D = 19   # the own vectors that run_trial sums at the end
    V_SUM_D2 = 20
    BURST_ACC = 8  # per neuron: e_B, e_Brec, their sums and sums of squares, # B, # B_rec


cdef inline size_t _round8(size_t n) noexcept nogil:
    return ((n + 7) // 8) * 8


cdef size_t _block_size(int N, int L, int M) noexcept nogil:
    cdef size_t S = _round8(N)
    cdef size_t n = (N_OWN_VECTORS * <size_t> L + N_FULL_VECTORS * S + S + _round8(L) // 8
                     + _round8(M) + _round8(M) // 2 + _round8(L) // 2)
    return ((n + 511) // 512) * 512


cdef void _readout(Trial* tr, int k) noexcept nogil:
    # Read-out at bin k and, in a training trial, its learning rule.
    cdef int N = tr.N, O = tr.O, o, j
    cdef double e, eta_out = tr.p.eta_out, eta_bias = tr.p.eta_bias
    cdef double* SR = tr.SR
    cdef double* Jout = tr.Jout
    cdef double* Bias = tr.Bias
    cdef double* Y = tr.Y + <Py_ssize_t> k * O
    cdef const double* y = tr.y_T + <Py_ssize_t> k * O
    cdef double* row
    for o in range(O):
        Y[o] = _dot(Jout + <Py_ssize_t> o * N, SR, N) + Bias[o]
    # A rate of 0 would add zeros: skipping the update is exact.
    if tr.learn_out:
        for o in range(O):
            e = y[o] - Y[o]
            row = Jout + <Py_ssize_t> o * N
            for j in range(N):
                row[j] = row[j] + eta_out * (e * SR[j])
    if tr.learn_bias:
        for o in range(O):
            Bias[o] = Bias[o] + eta_bias * (y[o] - Y[o])


cdef bint _dense_inputs(const double* X, int T, int n_in) noexcept nogil:
    # Whether some bin 1 .. T-2 of the (T, n_in) inputs is not one input on,
    # at 1 (the clock): then the trial computes every bin's input drive
    # first, in blocks (the same sums; see lttb_input_drives).
    cdef int k, m, n_on
    for k in range(1, T - 1):
        n_on = 0
        for m in range(n_in):
            if X[<Py_ssize_t> k * n_in + m] != 0.0:
                if X[<Py_ssize_t> k * n_in + m] != 1.0:
                    return True
                n_on += 1
        if n_on > 1:
            return True
    return False


cdef inline bint _row_changed(const double* M, int k, int n) noexcept nogil:
    # Whether row k of the row-major (T, n) matrix M differs from row k - 1.
    cdef int m
    for m in range(n):
        if M[<Py_ssize_t> k * n + m] != M[<Py_ssize_t> (k - 1) * n + m]:
            return True
    return False


cdef inline void _track_bursts(Trial* tr, int r0, int n_own, int k, const double* dist,
                               const double* prox, const double* wsoma) noexcept nogil:
    # The bursts of bin k+1 of neurons r0 .. r0+n_own-1 against the previous
    # tracked trial's.  B_filt is a linear filter of B started from 0, so
    # B_filt - B_filt_prev is the same filter applied to B - B_prev: it is
    # run here (e_B, e_Brec), and its sum and sum of squares accumulated for
    # the population variance, without keeping any N x T trace.
    cdef int N = tr.N, i
    cdef Py_ssize_t idx, TN = <Py_ssize_t> tr.T * N
    cdef double b, br, bst = tr.c.bst, one_bst = tr.c.one_bst
    cdef double* acc
    for i in range(n_own):
        idx = <Py_ssize_t> (k + 1) * N + r0 + i
        acc = tr.bacc + <Py_ssize_t> BURST_ACC * (r0 + i)
        b = wsoma[i] * dist[i]      # target burst B[k+1]
        br = wsoma[i] * prox[i]     # predicted burst B_rec[k+1]
        acc[0] = bst * acc[0] + one_bst * (b - <double> tr.bprev[idx])
        acc[1] = bst * acc[1] + one_bst * (br - <double> tr.bprev[TN + idx])
        acc[2] = acc[2] + acc[0]
        acc[3] = acc[3] + acc[0] * acc[0]
        acc[4] = acc[4] + acc[1]
        acc[5] = acc[5] + acc[1] * acc[1]
        acc[6] = acc[6] + b
        acc[7] = acc[7] + br
        tr.bprev[idx] = <signed char> b
        tr.bprev[TN + idx] = <signed char> br


cdef void _run(Trial* tr, int tid, int nt, bint begin, int t0, int t1) noexcept nogil:
    # Loop iterations t0 .. t1-1 (steps k = t+1) of one trial, as thread tid
    # of a team of nt; with `begin`, first the trial's start (state, bounds,
    # input drives, first read-out).  A trial is one call over 0 .. T-3; the
    # closed loop calls it once per bin, on one thread, with the input and
    # context of the bin written in between (everything that lasts from bin
    # to bin lives in the trial's memory, not in locals).
    #
    # Each thread owns a range of neurons: it steps them, updates their
    # drives and their plastic rows of J, all in its own block of memory.
    # What every row update needs from all neurons (S_filt and dH) each
    # thread computes itself, in private copies, from the shared spike list,
    # with the same arithmetic as the step: the copies are equal and no
    # thread waits for another's cache lines.  Threads meet twice per bin:
    # after the step (all spikes known) and at its end.  Every neuron's
    # arithmetic is the same whatever nt is, so results do not depend on it.
    if nt != tr.planned:
        # The team is not the size the memory was laid out for (OpenMP may
        # give fewer threads than asked): run_trial runs again on one.
        if tid == 0:
            tr.ran = 0
        return
    cdef Params p = tr.p
    cdef lttb_step_consts c = tr.c
    cdef int N = tr.N, T = tr.T, O = tr.O, n_in = tr.n_in, n_ctx = tr.n_ctx
    cdef int r0 = _own_start(tr, tid, nt), r1 = _own_end(tr, tid, nt)
    cdef int n_own = r1 - r0
    # rows [r0, d1) have drives from J; rows [r0, p1) can learn
    cdef int d1 = _split(tr.n_drive, tid + 1, nt) if tid + 1 < nt else tr.n_drive
    cdef int p1 = d1 if d1 < tr.n_rows_plastic else tr.n_rows_plastic
    cdef size_t L = _round8(n_own), S = _round8(N)
    # This thread's block.  Own vectors are indexed from 0 (neuron r0 + i);
    # the private full vectors by neuron.  Everything the loop uses is a
    # local: with Python's -fno-strict-aliasing every store through a double*
    # would otherwise reload it from tr.
    cdef double* blk = tr.blocks + <size_t> tid * tr.block_size
    cdef double* VapicRec = blk
    cdef double* Vapic = blk + L
    cdef double* Vsoma = blk + 2 * L
    cdef double* Sfs = blk + 3 * L          # S_filt_soma
    cdef double* W = blk + 4 * L
    cdef double* Bf = blk + 5 * L           # B_filt
    cdef double* Bfr = blk + 6 * L          # B_filt_rec
    cdef double* Bft = blk + 7 * L          # B_filt_total
    cdef double* Sw = blk + 8 * L           # S_wind
    cdef double* drive = blk + 9 * L        # J . S_filt
    cdef double* wdrive = blk + 10 * L      # w . S_filt
    cdef double* u = blk + 11 * L
    cdef double* x_targ = blk + 12 * L      # j_targ . y_targ[k]
    cdef double* x_in = blk + 13 * L        # j_in . inputs[k]
    cdef double* prox = blk + 14 * L        # S_apic_prox at the current bin
    cdef double* prox_prev = blk + 15 * L   # S_apic_prox one bin earlier
    cdef double* dist = blk + 16 * L        # S_apic_dist
    cdef double* soma = blk + 17 * L        # S_soma
    cdef double* wsoma = blk + 18 * L       # S_wind_soma
    cdef double* sum_d = blk + V_SUM_D * L    # per neuron: sum of B_filt_rec - B_filt
    cdef double* sum_d2 = blk + V_SUM_D2 * L  # per neuron: sum of its square
    cdef double* apical_cont = blk + 21 * L   # sigma_apical_cont * j_apical_cont . cont
    cdef double* basal_cont = blk + 22 * L    # sigma_basal_cont * j_basal_cont . cont
    cdef double* Sf = blk + N_OWN_VECTORS * L   # S_filt of every neuron
    cdef double* Sf_prev = Sf + S               # S_filt one bin earlier
    cdef double* dH = Sf + 2 * S
    cdef double* lo = Sf + 3 * S                # bounds of a plastic row, per column
    cdef double* hi = Sf + 4 * S
    cdef int* spk = <int*> (Sf + N_FULL_VECTORS * S)  # all spikes of the bin
    cdef int* rows = spk + S                          # this thread's plastic rows
    cdef signed char* is_plastic = <signed char*> (Sf + (N_FULL_VECTORS + 1) * S)
    cdef size_t M = _round8(n_in if n_in > n_ctx else n_ctx)
    cdef double* nz_val = Sf + (N_FULL_VECTORS + 1) * S + _round8(L) // 8
    cdef int* nz_col = <int*> (nz_val + M)
    cdef int* fixed_rows = nz_col + M   # this thread's rows of J not learning in this bin
    cdef int n_fixed
    # read-out: 0 B_filt_total, 1 B_filt_rec, 2 B_filt
    cdef double* SR_own = Bfr if p.readout == 1 else (Bf if p.readout == 2 else Bft)
    cdef double* SR = tr.SR
    cdef double* Jp = tr.J
    cdef const double* wT = tr.wT
    cdef const double* JT = tr.JT
    cdef const double* j_in_T = tr.j_in_T
    cdef const double* inputs_T = tr.inputs_T
    cdef const double* j_targ_T = tr.j_targ_T
    cdef const double* y_T = tr.y_T
    cdef const double* j_apical_cont_T = tr.j_apical_cont_T
    cdef const double* j_basal_cont_T = tr.j_basal_cont_T
    cdef const double* cont_T = tr.cont_T
    cdef signed char* rec_soma = tr.rec_soma
    cdef signed char* rec_wind = tr.rec_wind
    cdef int* n_spk_part = tr.n_spk_part
    cdef int* spk_part = tr.spk_part
    cdef int* my_spk = tr.spk_part + <Py_ssize_t> tid * N
    cdef bint record = tr.record, use_w = tr.use_w, use_J = tr.use_J, use_JT = tr.use_JT
    cdef bint learn_J = tr.learn_J
    cdef bint cont_apical = p.sigma_apical_cont != 0.0, cont_basal = p.sigma_basal_cont != 0.0
    cdef int Ne = tr.Ne
    cdef int i, j, k, o, t, m, q, n_spk, n_rows, n_on, n_nz
    cdef const double* x_in_k
    cdef bint dense_in = tr.dense_in
    cdef double* in_drives = tr.in_drives + <size_t> tid * T * tr.in_stride if dense_in else NULL
    cdef size_t in_stride = tr.in_stride
    cdef double yk, lo_i, hi_i, n_updates = 0.0
    cdef lttb_team* team = tr.team

    if begin:
        for i in range(n_own):
            VapicRec[i] = c.h
            Vapic[i] = c.h
            Vsoma[i] = c.h
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
        if nt == 1:
            tr.SR = SR_own  # alone, the thread's own traces are every neuron's
        if dense_in:
            lttb_input_drives(j_in_T + r0, N, inputs_T, n_in, 1, T - 1, in_drives, in_stride,
                              n_own)
        if tid == 0 and 1 <= tr.last_readout:
            _readout(tr, 1)
        lttb_team_barrier(team, nt)  # the first step rewrites what read-out reads

    for t in range(t0, t1):
        k = t + 1
        # ---- plasticity, first half: what needs the state before step k
        n_rows = 0
        if learn_J:
            for i in range(N):
                dH[i] = c.one_a * dH[i] + c.a * Sf_prev[i]
            for i in range(r0, p1):
                is_plastic[i - r0] = 0
                if wsoma[i - r0] != 0.0 and prox_prev[i - r0] == 0.0:
                    u[i - r0] = dist[i - r0] - _sigmoid(p.gamma * VapicRec[i - r0])
                    if u[i - r0] != 0.0:
                        rows[n_rows] = i
                        n_rows += 1
                        is_plastic[i - r0] = 1

        # ---- step k (own neurons): potentials at bin k, spikes and traces
        # at bin k+1
        # The context drives sigma * (j_cont . cont[k]), recomputed only when
        # the context vector changes.  A zero gain leaves them 0 (exact, as
        # the weights are finite); so do zero entries of cont, skipped.
        if (cont_apical or cont_basal) and (k == 1 or _row_changed(cont_T, k, n_ctx)):
            n_nz = 0
            for m in range(n_ctx):
                if cont_T[<Py_ssize_t> k * n_ctx + m] != 0.0:
                    nz_col[n_nz] = m
                    nz_val[n_nz] = cont_T[<Py_ssize_t> k * n_ctx + m]
                    n_nz += 1
            if cont_apical:
                lttb_weighted_columns(j_apical_cont_T + r0, N, nz_col, nz_val, n_nz,
                                      apical_cont, n_own)
                for i in range(n_own):
                    apical_cont[i] = p.sigma_apical_cont * apical_cont[i]
            if cont_basal:
                lttb_weighted_columns(j_basal_cont_T + r0, N, nz_col, nz_val, n_nz,
                                      basal_cont, n_own)
                for i in range(n_own):
                    basal_cont[i] = p.sigma_basal_cont * basal_cont[i]
        if c.apical_factor != 0.0:  # else 0 * x_targ: leaving it 0 is exact
            for i in range(n_own):
                x_targ[i] = 0.0
            for o in range(O):
                yk = y_T[<Py_ssize_t> k * O + o]
                for i in range(n_own):
                    x_targ[i] = x_targ[i] + j_targ_T[<Py_ssize_t> o * N + r0 + i] * yk
        # The input drive j_in . x[k] over the non-zero inputs (skipping
        # zeros is exact).  With a single input on, at 1 (the published
        # clock), its weights are the sum itself: 0 + x * 1 is x, so the step
        # reads them in place.
        if dense_in:
            x_in_k = in_drives + <size_t> k * in_stride
        else:
            n_on = 0
            for m in range(n_in):
                yk = inputs_T[<Py_ssize_t> k * n_in + m]
                if yk != 0.0:
                    nz_col[n_on] = m
                    nz_val[n_on] = yk
                    n_on += 1
            if n_on == 1 and nz_val[0] == 1.0:
                x_in_k = j_in_T + <Py_ssize_t> nz_col[0] * N + r0
            else:
                lttb_weighted_columns(j_in_T + r0, N, nz_col, nz_val, n_on, x_in, n_own)
                x_in_k = x_in
        lttb_step(&c, n_own, drive, wdrive, x_targ, x_in_k, apical_cont, basal_cont,
                  VapicRec, Vapic, Vsoma, prox, prox_prev, dist, soma, wsoma,
                  Sf + r0, Sf_prev + r0, Sfs, W, Bf, Bfr, Bft, Sw, sum_d, sum_d2)
        if nt > 1:
            for i in range(n_own):
                SR[r0 + i] = SR_own[i]
        m = 0
        for i in range(n_own):
            if soma[i] != 0.0:
                my_spk[m] = r0 + i
                m += 1
        n_spk_part[16 * tid] = m
        if record:
            for i in range(n_own):
                rec_soma[<Py_ssize_t> (k + 1) * N + r0 + i] = <signed char> soma[i]
                rec_wind[<Py_ssize_t> (k + 1) * N + r0 + i] = <signed char> Sw[i]
        if tr.bprev != NULL:
            _track_bursts(tr, r0, n_own, k, dist, prox, wsoma)

        lttb_team_barrier(team, nt)
        # All spikes of the bin, in ascending order (the order in which a
        # drive adds their columns).
        n_spk = 0
        for q in range(nt):
            for m in range(n_spk_part[16 * q]):
                spk[n_spk] = spk_part[<Py_ssize_t> q * N + m]
                n_spk += 1
        if nt > 1:
            # S_filt of the other threads' neurons, as their step computed it
            for i in range(N):
                if i < r0 or i >= r1:
                    Sf_prev[i] = Sf[i]
                    Sf[i] = c.bs * Sf[i] + c.one_bs * 0.0
            for m in range(n_spk):
                i = spk[m]
                if i < r0 or i >= r1:
                    Sf[i] = c.bs * Sf_prev[i] + c.one_bs * 1.0

        # The read-out of the next bin reads the traces just written and
        # nothing below changes them: it overlaps the drive updates.
        if tid == 0 and k + 1 <= tr.last_readout:
            _readout(tr, k + 1)

        # ---- recurrent drives at bin k+1 from the spike events; rows about
        # to change are recomputed whole below.  A J known to be zero and
        # fixed (use_J false) leaves its drive 0, as the sums would.
        if n_spk > 0:
            if not use_J:
                pass
            elif use_JT:
                lttb_decay_add_columns(JT + r0, N, spk, n_spk, c.bs, c.one_bs, drive,
                                       d1 - r0)
            else:
                # J changes row by row: gather the spiking columns from each
                # row that is not about to be recomputed.
                n_fixed = 0
                for i in range(d1 - r0):
                    if not is_plastic[i]:
                        fixed_rows[n_fixed] = i
                        n_fixed += 1
                lttb_gather_row_list(Jp + <Py_ssize_t> r0 * N, N, fixed_rows, n_fixed, spk,
                                     n_spk, c.bs, c.one_bs, drive)
            if use_w:
                lttb_decay_add_columns(wT + r0, N, spk, n_spk, c.bs, c.one_bs, wdrive, n_own)
        else:
            if use_J:
                for i in range(d1 - r0):
                    drive[i] = c.bs * drive[i]
            if use_w:
                for i in range(n_own):
                    wdrive[i] = c.bs * wdrive[i]

        # ---- plasticity, second half: this thread's plastic rows of J
        # (after step k used J), updated, pinned and their drives recomputed
        if learn_J:
            n_updates = n_updates + n_rows
            m = 0
            while m + 1 < n_rows:
                i = rows[m]
                j = rows[m + 1]
                _update_dot2(Jp + <Py_ssize_t> i * N, Jp + <Py_ssize_t> j * N, dH, lo, hi,
                             Sf, u[i - r0], u[j - r0], p.eta, N, Ne, i, j, p.pin,
                             &drive[i - r0], &drive[j - r0])
                m += 2
            if m < n_rows:
                i = rows[m]
                if p.pin:  # no self-connection: clip the diagonal to [0, 0]
                    lo_i = lo[i]
                    hi_i = hi[i]
                    lo[i] = 0.0
                    hi[i] = 0.0
                drive[i - r0] = _update_dot(Jp + <Py_ssize_t> i * N, dH, lo, hi, Sf,
                                            u[i - r0], p.eta, N, Ne, i, p.pin)
                if p.pin:
                    lo[i] = lo_i
                    hi[i] = hi_i
        lttb_team_barrier(team, nt)
    tr.row_updates[8 * tid] = tr.row_updates[8 * tid] + n_updates


cdef void* _layout(Trial* tr, int n_threads) noexcept nogil:
    # Allocate and lay out the memory of a team of n_threads (zeroed); return
    # the block to free (and free tr.in_drives), NULL when out of memory.
    cdef int N = tr.N, q
    cdef size_t L_max = 0, L, S = _round8(N)
    for q in range(n_threads):
        L = _round8(_own_end(tr, q, n_threads) - _own_start(tr, q, n_threads))
        if L > L_max:
            L_max = L
    tr.block_size = _block_size(N, <int> L_max, tr.n_in if tr.n_in > tr.n_ctx else tr.n_ctx)
    # pages: the team's barrier, SR, the spike lists and counts, then blocks
    cdef size_t head = 512 + ((S + 511) // 512) * 512
    cdef size_t ints = ((<size_t> n_threads * S + 16 * <size_t> n_threads) // 2 + 511) // 512 * 512
    cdef size_t total = head + ints + 512 + <size_t> n_threads * tr.block_size
    cdef void* raw = calloc(total + 512, sizeof(double))
    if raw == NULL:
        return NULL
    tr.in_stride = L_max
    tr.in_drives = NULL
    if tr.dense_in:
        tr.in_drives = <double*> malloc(<size_t> n_threads * tr.T * L_max * sizeof(double))
        if tr.in_drives == NULL:
            free(raw)
            return NULL
    cdef double* base = <double*> ((<uintptr_t> raw + 4095) & ~(<uintptr_t> 4095))
    tr.team = <lttb_team*> base
    tr.row_updates = base + 16
    tr.SR = base + 512
    tr.spk_part = <int*> (base + head)
    tr.n_spk_part = tr.spk_part + <size_t> n_threads * S
    tr.blocks = base + head + ints + 512
    tr.planned = n_threads
    tr.ran = 1
    return raw


cdef int _run_team(Trial* tr, int n_threads, double* stats3) noexcept nogil:
    # Lay out the memory of a team of n_threads, run the trial on it and
    # collect the statistics; return 0 when out of memory, -1 when the team
    # that ran was not that size (nothing was changed then but J's pinning).
    cdef int q, i, r0, n_q
    cdef size_t L
    cdef void* raw = _layout(tr, n_threads)
    if raw == NULL:
        return 0
    with parallel(num_threads=n_threads):
        _run(tr, threadid(), lttb_team_size(), True, 0, tr.T - 2)
    free(tr.in_drives)
    if not tr.ran:
        free(raw)
        return -1
    # the statistics, summed over neurons in ascending order
    stats3[0] = 0.0
    stats3[1] = 0.0
    stats3[2] = 0.0
    for q in range(n_threads):
        r0 = _own_start(tr, q, n_threads)
        n_q = _own_end(tr, q, n_threads) - r0
        L = _round8(n_q)
        for i in range(n_q):
            stats3[0] = stats3[0] + (tr.blocks + <size_t> q * tr.block_size + V_SUM_D * L)[i]
            stats3[1] = stats3[1] + (tr.blocks + <size_t> q * tr.block_size + V_SUM_D2 * L)[i]
        stats3[2] = stats3[2] + tr.row_updates[8 * q]
    free(raw)
    return 1


cdef int _prepare(Trial* trp, dict params,
                  double[:, ::1] J,
                  const double[:, ::1] wT,
                  const double[:, ::1] JT,
                  double[:, ::1] Jout,
                  double[::1] Bias,
                  const double[:, ::1] j_in_T,
                  const double[:, ::1] inputs_T,
                  const double[:, ::1] j_targ_T,
                  const double[:, ::1] y_T,
                  const double[:, ::1] j_apical_cont_T,
                  const double[:, ::1] j_basal_cont_T,
                  const double[:, ::1] cont_T,
                  signed char[:, ::1] rec_soma,
                  signed char[:, ::1] rec_wind,
                  double[:, ::1] Y_out) except -1:
    # Check the arrays of one trial against its parameters (see run_trial)
    # and fill in the Trial that points into them (they must outlive it).
    cdef Params p = params
    cdef int N = p.N, Ne = p.Ne, T = p.T
    cdef int n_in = j_in_T.shape[0], O = j_targ_T.shape[0], n_ctx = cont_T.shape[1]

    if J.shape[0] != N or J.shape[1] != N:
        raise ValueError("J must be N x N")
    cdef bint use_w = wT.shape[0] > 0
    if use_w and (wT.shape[0] != N or wT.shape[1] != N):
        raise ValueError("wT must be N x N or empty")
    cdef bint learn_J = p.plastic and p.eta != 0.0
    cdef bint use_J = learn_J or not p.J_zero
    cdef bint use_JT = JT.shape[0] > 0 and not learn_J and use_J
    if JT.shape[0] > 0 and (JT.shape[0] != N or JT.shape[1] != N):
        raise ValueError("JT must be N x N or empty")
    if Jout.shape[0] != O or Jout.shape[1] != N or Bias.shape[0] != O:
        raise ValueError("Jout must be O x N and Bias O")
    if inputs_T.shape[0] != T or inputs_T.shape[1] != n_in or j_in_T.shape[1] != N:
        raise ValueError("j_in_T must be I x N and inputs_T T x I")
    if y_T.shape[0] != T or y_T.shape[1] != O or j_targ_T.shape[1] != N:
        raise ValueError("j_targ_T must be O x N and y_T T x O")
    if (cont_T.shape[0] != T or n_ctx < 1
            or j_apical_cont_T.shape[0] != n_ctx or j_apical_cont_T.shape[1] != N
            or j_basal_cont_T.shape[0] != n_ctx or j_basal_cont_T.shape[1] != N):
        raise ValueError("context weights must be n_contexts x N and cont_T T x n_contexts")
    cdef bint record = rec_soma.shape[0] > 0
    if record and (rec_soma.shape[0] != T or rec_soma.shape[1] != N
                   or rec_wind.shape[0] != T or rec_wind.shape[1] != N):
        raise ValueError("recording arrays must be T x N")
    if Y_out.shape[0] != T or Y_out.shape[1] != O:
        raise ValueError("Y_out must be T x O")
    if T < 4 or Ne > N or Ne < 0 or N < 1:
        raise ValueError("inconsistent sizes")
    if p.threads < 1:
        raise ValueError("threads must be at least 1")

    trp.p = p
    trp.N = N
    trp.Ne = Ne
    trp.T = T
    trp.n_in = n_in
    trp.O = O
    trp.n_ctx = n_ctx
    trp.record = record
    trp.use_w = use_w
    trp.use_J = use_J
    trp.use_JT = use_JT
    trp.learn_J = learn_J
    trp.learn_out = p.plastic and p.eta_out != 0.0
    trp.learn_bias = p.plastic and p.eta_bias != 0.0
    trp.J = &J[0, 0]
    trp.wT = &wT[0, 0] if use_w else NULL
    trp.JT = &JT[0, 0] if use_JT else NULL
    trp.Jout = &Jout[0, 0]
    trp.Bias = &Bias[0]
    trp.j_in_T = &j_in_T[0, 0] if n_in > 0 else NULL
    trp.inputs_T = &inputs_T[0, 0] if n_in > 0 else NULL
    trp.dense_in = _dense_inputs(trp.inputs_T, T, n_in)
    trp.j_targ_T = &j_targ_T[0, 0]
    trp.y_T = &y_T[0, 0]
    trp.j_apical_cont_T = &j_apical_cont_T[0, 0]
    trp.j_basal_cont_T = &j_basal_cont_T[0, 0]
    trp.cont_T = &cont_T[0, 0]
    trp.rec_soma = &rec_soma[0, 0] if record else NULL
    trp.rec_wind = &rec_wind[0, 0] if record else NULL
    trp.Y = &Y_out[0, 0]
    trp.bprev = NULL
    trp.bacc = NULL

    trp.c.a = p.a
    trp.c.one_a = 1.0 - p.a
    trp.c.c_rec = (1.0 - p.a) * p.h
    trp.c.h = p.h
    trp.c.href = p.href
    trp.c.b = p.b
    trp.c.Vreset = p.Vreset
    trp.c.VresetApic = p.VresetApic
    trp.c.thr_soma = p.somaticThreshold
    trp.c.thr_burst = p.burstThreshold
    trp.c.burst_current = p.burst_current
    trp.c.reset_softening = p.reset_softening
    trp.c.bs = p.beta_s
    trp.c.one_bs = 1.0 - p.beta_s
    trp.c.bst = p.beta_star
    trp.c.one_bst = 1.0 - p.beta_star
    trp.c.bW = p.beta_W
    trp.c.one_bW = 1.0 - p.beta_W
    trp.c.apical_factor = p.apical_factor
    trp.c.reset0 = p.Vreset / (1.0 + p.reset_softening * 0.0)
    trp.c.reset1 = p.Vreset / (1.0 + p.reset_softening * 1.0)
    trp.c.stats = p.plastic  # the inner error is a training trial's
    trp.n_rows_plastic = Ne if p.pin else N  # without pinning every row learns
    trp.n_drive = N
    trp.last_readout = T - 2 if p.plastic else T - 3
    return 0


def run_trial(dict params,
              double[:, ::1] J,
              const double[:, ::1] wT,
              const double[:, ::1] JT,
              double[:, ::1] Jout,
              double[::1] Bias,
              const double[:, ::1] j_in_T,
              const double[:, ::1] inputs_T,
              const double[:, ::1] j_targ_T,
              const double[:, ::1] y_T,
              const double[:, ::1] j_apical_cont_T,
              const double[:, ::1] j_basal_cont_T,
              const double[:, ::1] cont_T,
              signed char[:, ::1] rec_soma,
              signed char[:, ::1] rec_wind,
              double[:, ::1] Y_out,
              double[::1] stats,
              signed char[:, :, ::1] bursts_prev=None,
              double[::1] burst_stats=None):
    """Integrate one trial in place.

    Parameters
    ----------
    params : dict
        Scalars of the :c:type:`Params` struct (sizes, constants, decay
        factors, context gains, learning rates, flags, and ``threads``: how
        many threads run the trial; results do not depend on it).
        ``plastic`` makes it a training trial; within one, a learning rate
        of 0 skips its rule entirely (``eta``: ``J`` is then fixed for the
        trial).  ``readout``: 0 ``B_filt_total``, 1 ``B_filt_rec``, 2
        ``B_filt``.  ``J_zero``: the caller knows ``J`` is all zero, so a
        trial in which it does not learn skips its drive.
    J : (N, N) float64
        Apical-proximal recurrent weights, updated in place when
        ``params['plastic']`` and ``params['eta'] != 0``.
    wT : (N, N) or (0, 0) float64
        Basal recurrent weights ``w``, transposed (fixed); empty when ``w`` is
        all zero, which skips its drive.
    JT : (N, N) or (0, 0) float64
        ``J`` transposed, for a trial in which ``J`` does not learn: the
        recurrent drive then sums contiguous columns instead of gathering
        from every row.  Empty to gather from ``J``.
    Jout, Bias : (O, N), (O,) float64
        Read-out weights and bias, updated in place when plastic (and their
        rate is not 0).
    j_in_T, inputs_T : (I, N), (T, I) float64
        Input weights and the trial's input sequence (dense, or the clock),
        both transposed.
    j_targ_T, y_T : (O, N), (T, O) float64
        Target weights and the trial's target, both transposed.
    j_apical_cont_T, j_basal_cont_T : (n_contexts, N) float64
        Context weights, transposed; the drives of bin ``k`` are
        ``sigma * (j_cont . cont_T[k])``.
    cont_T : (T, n_contexts) float64
        The context vector of every bin.
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
    bursts_prev : (2, T, N) int8, optional
        Track the bursts (SI.md section 3): on entry the binary target and
        predicted bursts ``B`` and ``B_rec`` of the previous tracked trial
        (bin-major; zeros for none), on return this trial's.  The sums of
        ``stats`` are then computed in a test trial too.
    burst_stats : (6,) float64, optional
        With `bursts_prev`: receives the sum and the sum of squares of
        ``B_filt - B_filt_prev`` over the trial, the same of ``B_filt_rec -
        B_filt_rec_prev``, and the numbers of (neuron, bin) pairs with a
        target burst and with a predicted burst.
    """
    cdef Trial tr
    _prepare(&tr, params, J, wT, JT, Jout, Bias, j_in_T, inputs_T, j_targ_T, y_T,
             j_apical_cont_T, j_basal_cont_T, cont_T, rec_soma, rec_wind, Y_out)
    if stats.shape[0] < 2:
        raise ValueError("stats must hold 2 values")
    cdef bint track = bursts_prev is not None
    cdef double* bacc = NULL
    cdef int b
    if track:
        if (burst_stats is None or burst_stats.shape[0] < 6 or bursts_prev.shape[0] != 2
                or bursts_prev.shape[1] != tr.T or bursts_prev.shape[2] != tr.N):
            raise ValueError("bursts_prev must be 2 x T x N and burst_stats hold 6 values")
        bacc = <double*> calloc(<size_t> BURST_ACC * tr.N, sizeof(double))
        if bacc == NULL:
            raise MemoryError()
        tr.bprev = &bursts_prev[0, 0, 0]
        tr.bacc = bacc
        tr.c.stats = 1  # D(B*, B) of every tracked trial, not only training ones
    cdef Params p = tr.p
    cdef int N = tr.N, Ne = tr.Ne, i, j
    cdef bint learn_J = tr.learn_J

    # Threads beyond one per eight rows with drives would have nothing to
    # do; without OpenMP there is one.  (At most 32: their counters share
    # one page.)
    cdef int n_threads = p.threads
    cdef double stats3[3]
    cdef int status
    cdef double* Jp = tr.J
    cdef Py_ssize_t idx
    with nogil:
        if learn_J and p.pin:
            # Pin once at the start: then pinning only the rows that change
            # is the same as pinning the whole matrix after every update.
            # (A training trial in which J does not learn leaves pinning to
            # the caller, which gives JT of the pinned J.)
            for i in range(N):
                for j in range(N):
                    idx = <Py_ssize_t> i * N + j
                    if i >= Ne or i == j:
                        Jp[idx] = 0.0
                    elif j < Ne:
                        Jp[idx] = _clip(Jp[idx], 0.0, 100.0)
                    else:
                        Jp[idx] = _clip(Jp[idx], -100.0, 0.0)
            tr.n_drive = Ne  # the rows of inhibitory neurons stay zero
        if n_threads > (tr.n_drive + 7) // 8:
            n_threads = (tr.n_drive + 7) // 8
        if n_threads > 32:
            n_threads = 32
        if n_threads < 1 or not lttb_openmp_enabled():
            n_threads = 1
        status = _run_team(&tr, n_threads, stats3)
        if status == -1:
            status = _run_team(&tr, 1, stats3)
    if status == 0:
        free(bacc)
        raise MemoryError()

    stats[0] = stats3[0]
    stats[1] = stats3[1]
    if stats.shape[0] > 2:
        stats[2] = stats3[2]
    if track:
        # summed over neurons in ascending order, as the other statistics
        for b in range(6):
            burst_stats[b] = 0.0
        for i in range(N):
            for b in range(6):
                burst_stats[b] = burst_stats[b] + bacc[<Py_ssize_t> BURST_ACC * i + 2 + b]
        free(bacc)



# ------------------------------------------------------------------ Figure 3
# The environment of FIG3.md section 1 and the closed loop of section 4: both
# networks and the environment in lock-step, bin by bin, without the GIL.
# The environment is a few lines of arithmetic; the networks' bins are the
# trial loop's own (_run, one bin per call, on one thread).

cdef struct Env:
    double bx, by, gx, gy    # button and food
    double move              # dt / dx: the agent moves by move * action
    double r_lock, r_targ
    double lo, hi, width     # encoder range per coordinate and bump width
    int res                  # bumps per coordinate


cdef int _env_from(Env* env, dict params, const double[::1] button,
                   const double[::1] food) except -1:
    if button.shape[0] != 2 or food.shape[0] != 2:
        raise ValueError("button and food must be 2-vectors")
    env.bx = button[0]
    env.by = button[1]
    env.gx = food[0]
    env.gy = food[1]
    env.move = <double> params["dt"] / <double> params["dx"]
    env.r_lock = params["r_lock"]
    env.r_targ = params["r_targ"]
    env.res = params["res"]
    env.lo = -<double> params["extent"]
    env.hi = params["extent"]
    if env.res < 2 or not env.hi > 0.0:
        raise ValueError("res must be at least 2 and extent positive")
    env.width = (env.hi - env.lo) / env.res  # not the centre spacing: as published
    return 0


cdef inline void _encode(const Env* env, double v, double* out) noexcept nogil:
    # Gaussian bumps of one coordinate, clipped to the range.
    cdef int i
    cdef double mu, d
    if v < env.lo:
        v = env.lo
    elif v > env.hi:
        v = env.hi
    for i in range(env.res):
        mu = env.lo + (env.hi - env.lo) * i / (env.res - 1)
        d = v - mu
        out[i] = exp(-(d * d) / (2.0 * env.width * env.width))


cdef void _observe(const Env* env, const double* pos, double* obs) noexcept nogil:
    # food-x, food-y, button-x, button-y, relative to the agent
    _encode(env, env.gx - pos[0], obs)
    _encode(env, env.gy - pos[1], obs + env.res)
    _encode(env, env.bx - pos[0], obs + 2 * env.res)
    _encode(env, env.by - pos[1], obs + 3 * env.res)


cdef inline double _norm(double x, double y) noexcept nogil:
    return sqrt(x * x + y * y)


cdef double _env_step(const Env* env, double* pos, int* locked, const double* action,
                      double* obs, int* env_done) noexcept nogil:
    # One move (FIG3.md section 1): position, lock, observation; the reward.
    cdef double d_g, d_b, r
    pos[0] = pos[0] + env.move * action[0]
    pos[1] = pos[1] + env.move * action[1]
    d_g = _norm(env.gx - pos[0], env.gy - pos[1])
    d_b = _norm(env.bx - pos[0], env.by - pos[1])
    locked[0] = 1 if (locked[0] and d_b > env.r_lock) else 0
    if locked[0]:
        r = 0.0
    else:
        r = env.r_targ / d_g
        if r > 1.0:
            r = 1.0
    env_done[0] = 1 if (d_g < env.r_targ and not locked[0]) else 0
    _observe(env, pos, obs)
    return r


cdef inline bint _reaches_button(const Env* env, const double* pos) noexcept nogil:
    # The loop's own flag (btn_on), from the position before the move.
    return _norm(pos[0] - env.bx, pos[1] - env.by) < env.r_lock


cdef inline bint _reaches_food(const Env* env, const double* pos) noexcept nogil:
    return _norm(env.gx - pos[0], env.gy - pos[1]) < env.r_targ


def observe(dict env_params, double[::1] button, double[::1] food, double[::1] pos,
            double[::1] obs):
    """The observation at ``pos`` (FIG3.md section 1) into ``obs``, for tests."""
    cdef Env env
    _env_from(&env, env_params, button, food)
    if pos.shape[0] != 2 or obs.shape[0] != 4 * env.res:
        raise ValueError("pos must be a 2-vector and obs 4 * res values")
    _observe(&env, &pos[0], &obs[0])


def env_script(dict env_params, double[::1] button, double[::1] food,
               const double[:, ::1] actions, double[:, ::1] obs, double[::1] rewards,
               signed char[::1] locked, signed char[::1] env_done, signed char[::1] done,
               double[:, ::1] positions):
    """The compiled environment driven by scripted actions, for tests.

    The same environment step and bookkeeping as :func:`run_closed_loop`,
    with ``actions[t]`` as the action of loop iteration ``t``.  Fills one
    row per iteration run (observation after the move, reward, lock, the
    environment's end flag, the loop's end flag, position) and returns
    ``(iterations, t_button, t_food)``; the times are -1 when never reached.
    """
    cdef Env env
    _env_from(&env, env_params, button, food)
    cdef int n = actions.shape[0], res4 = 4 * env.res, t
    if (actions.shape[1] != 2 or obs.shape[0] < n or obs.shape[1] != res4
            or rewards.shape[0] < n or locked.shape[0] < n or env_done.shape[0] < n
            or done.shape[0] < n or positions.shape[0] < n or positions.shape[1] != 2):
        raise ValueError("output arrays must hold one row per action")
    cdef double pos[2]
    cdef int lock = 1, ended = 0, btn_on = 0, t_button = -1, t_food = -1
    pos[0] = 0.0
    pos[1] = 0.0
    for t in range(n):
        if not btn_on and _reaches_button(&env, pos):
            btn_on = 1
            t_button = t
        rewards[t] = _env_step(&env, pos, &lock, &actions[t, 0], &obs[t, 0], &ended)
        positions[t, 0] = pos[0]
        positions[t, 1] = pos[1]
        locked[t] = lock
        env_done[t] = ended
        done[t] = 1 if ended or (btn_on and _reaches_food(&env, pos)) else 0
        if btn_on and _reaches_food(&env, pos):
            t_food = t
        if done[t]:
            return t + 1, t_button, t_food
    return n, t_button, t_food


def run_closed_loop(dict params_low, dict params_high, tuple low, tuple high,
                    dict env_params, double[::1] button, double[::1] food, int readout_lag,
                    double[:, ::1] inputs_T, double[:, ::1] cont_low_T,
                    const double[:, ::1] cont_high_T,
                    double[:, ::1] Y_low, double[:, ::1] Y_high,
                    signed char[:, ::1] rec_soma, signed char[:, ::1] rec_wind,
                    signed char[::1] contexts, double[:, ::1] high_out,
                    double[:, ::1] actions, double[:, ::1] positions, double[::1] rewards):
    """One closed-loop episode of Figure 3 (FIG3.md section 4), in place.

    Both networks run ``T = params['T']`` bins (``max_T``) without
    plasticity, one bin each per loop iteration, on one thread, with the
    environment stepped between the bins in C.  Iteration ``t``: the high
    read-out chooses the low network's context (the first one when its
    output 0 is strictly larger, else the second); the latest observation
    is the input of bin ``t + 1`` of both networks; both step; the low
    read-out is the action; the environment moves.

    Parameters
    ----------
    params_low, params_high : dict
        As for :func:`run_trial`, with ``T = max_T``, ``plastic = 0`` and
        ``apical_factor = 0`` (the loop checks the first two).
    low, high : tuple
        ``(J, wT, JT, Jout, Bias, j_in_T, j_targ_T, y_T, j_apical_cont_T,
        j_basal_cont_T)`` of each network, as for :func:`run_trial` (``y_T``
        zero, T x O).
    env_params : dict
        ``dt, dx, r_lock, r_targ, res, extent`` (FIG3.md section 1).
    button, food : (2,) float64
    readout_lag : int
        2: the context and the action read the traces of bin ``t`` (as
        published); 0: the newest, bins ``t + 1`` and ``t + 2``.
    inputs_T : (T, 4 res) float64, zero
        Receives the input of every bin (the same for both networks).
    cont_low_T, cont_high_T : (T, 2), (T, n_contexts_high) float64, zero
        The low network's context of every bin is written into the first;
        the second stays as given.
    Y_low, Y_high : (T, 2) float64
        Receive the read-outs of bins ``0 .. T-1`` (bin 0: the bias).
    rec_soma, rec_wind : (T, N_low) or (0, N_low) int8
        The low network's spikes and burst windows, bin-major; empty for none.
    contexts : (T-2,) int8
        Receives the index of the low network's context at each iteration.
    high_out, actions, positions : (T-2, 2) float64
        Receive the high read-out used, the action and the position after it.
    rewards : (T-2,) float64

    Returns
    -------
    tuple of int
        ``(iterations, t_button, t_food)``, the times -1 when never reached.
    """
    cdef Trial tl, th
    if len(low) != 10 or len(high) != 10:
        raise ValueError("low and high must hold 10 arrays each")
    _prepare(&tl, params_low, low[0], low[1], low[2], low[3], low[4], low[5], inputs_T,
             low[6], low[7], low[8], low[9], cont_low_T, rec_soma, rec_wind, Y_low)
    # the high network records nothing
    _prepare(&th, params_high, high[0], high[1], high[2], high[3], high[4], high[5],
             inputs_T, high[6], high[7], high[8], high[9], cont_high_T, rec_soma[0:0],
             rec_wind[0:0], Y_high)
    tl.in_drives = NULL
    th.in_drives = NULL
    cdef Env env
    _env_from(&env, env_params, button, food)
    cdef int T = tl.T, n_max = tl.T - 2, res4 = 4 * env.res
    if th.T != T or tl.p.plastic or th.p.plastic:
        raise ValueError("both networks must run T = max_T bins without plasticity")
    if tl.n_in != res4 or th.n_in != res4 or tl.O != 2 or th.O != 2 or tl.n_ctx != 2:
        raise ValueError("Figure 3 networks: I = 4 res, O = 2, two low contexts")
    if readout_lag != 0 and readout_lag != 2:
        raise ValueError("readout_lag must be 2 (as published) or 0")
    if (contexts.shape[0] < n_max or high_out.shape[0] < n_max or high_out.shape[1] != 2
            or actions.shape[0] < n_max or actions.shape[1] != 2
            or positions.shape[0] < n_max or positions.shape[1] != 2
            or rewards.shape[0] < n_max):
        raise ValueError("output arrays must hold T - 2 rows")
    # The inputs are written bin by bin: never the all-bins input drives.
    tl.dense_in = False
    th.dense_in = False
    # Both read-outs up to bin T-1: the fix reads the action of the last
    # iteration there.
    tl.last_readout = T - 1
    th.last_readout = T - 1
    cdef void* raw_l = NULL
    cdef void* raw_h = NULL
    cdef double pos[2]
    cdef double obs[256]
    cdef double* obs_p = obs
    cdef double* obs_heap = NULL
    cdef const double* yh
    cdef const double* a
    cdef int t, o, lock = 1, ended = 0, btn_on = 0, t_button = -1, t_food = -1
    cdef int n = n_max, ctx, lag_c, lag_a
    cdef bint near
    if res4 > 256:
        obs_heap = <double*> malloc(res4 * sizeof(double))
        if obs_heap == NULL:
            raise MemoryError()
        obs_p = obs_heap
    # lag 2: both read bin t; lag 0: the context bin t+1 (the newest before
    # the step), the action bin t+2 (written by the step)
    lag_c = 0 if readout_lag == 2 else 1
    lag_a = 0 if readout_lag == 2 else 2
    with nogil:
        raw_l = _layout(&tl, 1)
        raw_h = _layout(&th, 1) if raw_l != NULL else NULL
        if raw_h != NULL:
            for o in range(2):
                # bin 0 has zero traces: Jout . 0 + Bias
                Y_low[0, o] = 0.0 + tl.Bias[o]
                Y_high[0, o] = 0.0 + th.Bias[o]
            _run(&tl, 0, 1, True, 0, 0)
            _run(&th, 0, 1, True, 0, 0)
            pos[0] = 0.0
            pos[1] = 0.0
            _observe(&env, pos, obs_p)
            for t in range(n_max):
                yh = &Y_high[t + lag_c, 0]
                ctx = 0 if yh[0] > yh[1] else 1  # ties: the second (food)
                contexts[t] = ctx
                high_out[t, 0] = yh[0]
                high_out[t, 1] = yh[1]
                cont_low_T[t + 1, 0] = 1.0 if ctx == 0 else 0.0
                cont_low_T[t + 1, 1] = 1.0 if ctx == 1 else 0.0
                memcpy(&inputs_T[t + 1, 0], obs_p, res4 * sizeof(double))
                if not btn_on and _reaches_button(&env, pos):
                    btn_on = 1
                    t_button = t
                _run(&tl, 0, 1, False, t, t + 1)
                _run(&th, 0, 1, False, t, t + 1)
                a = &Y_low[t + lag_a, 0]
                actions[t, 0] = a[0]
                actions[t, 1] = a[1]
                rewards[t] = _env_step(&env, pos, &lock, a, obs_p, &ended)
                positions[t, 0] = pos[0]
                positions[t, 1] = pos[1]
                near = btn_on and _reaches_food(&env, pos)
                if near:
                    t_food = t
                if ended or near:
                    n = t + 1
                    break
        free(tl.in_drives)
        free(th.in_drives)
        free(raw_l)
        free(raw_h)
        free(obs_heap)
    if raw_h == NULL:
        raise MemoryError()
    return n, t_button, t_food
