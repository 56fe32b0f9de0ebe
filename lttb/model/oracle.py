"""The oracle: a slow, readable NumPy transcription of the model.

Every line here is meant to be read next to the specification (MODEL.md,
sections 4 and 5): one time step is one block of vectorised NumPy with dense
matrix products, exactly as the equations are written, with no attempt at
speed.  It is the second engine behind :class:`lttb.model.Network`
(``engine="oracle"``, or :class:`lttb.model.ReferenceNetwork`), and the
compiled engine is checked against it spike for spike.  It shares nothing
with the compiled path but the configuration and the state arrays.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["oracle_trial", "oracle_burst_metrics", "oracle_closed_loop", "OracleState",
           "sigmoid", "outer_mse", "pin",
           "READOUTS"]


def sigmoid(z):
    """Logistic function evaluated as ``e^z / (e^z + 1)``, without overflow.

    The original evaluates exactly ``e^z / (e^z + 1)``, which turns into
    ``inf / inf = nan`` once ``e^z`` overflows (``z > ~709.78``).  Here the
    same expression is used wherever it is finite, so values agree bit for
    bit with the original there, and the limit 1 is returned beyond.

    Parameters
    ----------
    z : array_like
        Argument(s).

    Returns
    -------
    numpy.ndarray
        ``sigma(z)`` elementwise, in ``[0, 1]``.
    """
    z = np.asarray(z, dtype=np.float64)
    ez = np.exp(np.minimum(z, 709.0))
    return np.where(z > 709.0, 1.0, ez / (ez + 1.0))


def H0(x):
    """Heaviside step, 1 where ``x > 0``."""
    return (x > 0).astype(np.float64)


def H1(x):
    """Heaviside step, 1 where ``x >= 0``."""
    return (x >= 0).astype(np.float64)


def outer_mse(target, outputs):
    """Population variance (ddof 0) of all entries of ``target - outputs``."""
    return float(np.var(target - outputs))


def pin(J, Ne):
    """Sign constraints of the recurrent weights, in place (spec section 5)."""
    J[Ne:, :] = 0.0
    J[:Ne, :Ne] = np.clip(J[:Ne, :Ne], 0.0, 100.0)
    J[:Ne, Ne:] = np.clip(J[:Ne, Ne:], -100.0, 0.0)
    np.fill_diagonal(J, 0.0)


#: Trace the read-out reads, by the configuration's ``readout``.
READOUTS = ("total", "recurrent", "target")


class OracleState:
    """The state of one trial (MODEL.md section 4), stepped one bin at a time.

    Every per-time array is ``N x T``, zero except the potentials, which
    start at ``h``.  :func:`oracle_trial` steps it over a trial; the closed
    loop of Figure 3 (:func:`oracle_closed_loop`) steps two of them bin by
    bin with inputs and contexts known only then.

    Parameters
    ----------
    c : mapping
        A validated configuration.
    s : dict
        The state arrays (read at every step: a learning rule may change
        ``J`` in place between steps).
    T : int
        Bins of the trial.
    apical_factor : float
        Gain of the target on the apical-distal compartment.
    """

    def __init__(self, c, s, T, apical_factor):
        self.c, self.s, self.T = c, s, T
        self.apical_factor = apical_factor
        dt = c["dt"]
        self.a = dt / c["tau_m"]
        self.beta_s = math.exp(-dt / c["tau_s"])
        self.beta_star = math.exp(-dt / c["tau_star"])
        self.beta_W = math.exp(-dt / c["tau_W"])
        self.gamma = 1.0 / c["du"]
        shape = (c["N"], T)
        h = float(c["h"])
        self.VapicRec = np.full(shape, h)
        self.Vapic = np.full(shape, h)
        self.Vsoma = np.full(shape, h)
        for name in ("S_apic_prox", "S_apic_dist", "S_soma", "S_filt", "S_filt_soma", "W",
                     "S_wind_soma", "B", "B_rec", "B_total", "B_filt", "B_filt_rec",
                     "B_filt_total", "S_wind"):
            setattr(self, name, np.zeros(shape))
        #: The trace the read-out reads, by the configuration's ``readout``.
        self.readout = {"total": self.B_filt_total, "recurrent": self.B_filt_rec,
                        "target": self.B_filt}[c["readout"]]

    def step(self, k, x_k, y_k, cont):
        """Step ``k``: potentials at bin ``k``, spikes and traces at bin ``k + 1``.

        Parameters
        ----------
        k : int
            ``1 .. T-2``.
        x_k, y_k, cont : numpy.ndarray
            The input (I), target (O) and context vector (n_contexts) of bin
            ``k``.
        """
        c, s = self.c, self.s
        a, h, href, b = self.a, c["h"], c["href"], c["b"]
        Vreset, VresetApic = c["Vreset"], c["VresetApic"]
        thr_soma, thr_burst = c["somaticThreshold"], c["burstThreshold"]
        I_burst, soften = c["burst_current"], c["reset_softening"]
        beta_s, beta_star, beta_W = self.beta_s, self.beta_star, self.beta_W
        apical_factor = self.apical_factor
        J, w = s["J"], s["w"]
        VapicRec, Vapic, Vsoma = self.VapicRec, self.Vapic, self.Vsoma
        S_apic_prox, S_apic_dist, S_soma = self.S_apic_prox, self.S_apic_dist, self.S_soma
        S_filt, S_filt_soma, W = self.S_filt, self.S_filt_soma, self.W
        S_wind_soma, B, B_rec, B_total = self.S_wind_soma, self.B, self.B_rec, self.B_total
        B_filt, B_filt_rec, B_filt_total = self.B_filt, self.B_filt_rec, self.B_filt_total
        S_wind = self.S_wind

        VapicRec[:, k] = (((1 - a) * h + a * (J @ S_filt[:, k] + h + href))
                          * (1 - S_apic_prox[:, k]) + VresetApic * S_apic_prox[:, k])
        Vapic[:, k] = (((1 - a) * Vapic[:, k - 1]
                        + a * (apical_factor * (s["j_targ"] @ y_k)
                               + c["sigma_apical_cont"] * (s["j_apical_cont"] @ cont)
                               + h + href))
                       * (1 - S_apic_dist[:, k]) + VresetApic * S_apic_dist[:, k])
        Isoma = (w @ S_filt[:, k] + h + s["j_in"] @ x_k
                 + c["sigma_basal_cont"] * (s["j_basal_cont"] @ cont)
                 + I_burst * S_wind[:, k] - b * W[:, k])
        Vsoma[:, k] = (((1 - a) * Vsoma[:, k - 1] + a * Isoma) * (1 - S_soma[:, k])
                       + Vreset * S_soma[:, k] / (1 + soften * S_wind[:, k]))

        S_apic_prox[:, k + 1] = H0(VapicRec[:, k])
        S_apic_dist[:, k + 1] = H0(Vapic[:, k])
        S_soma[:, k + 1] = H0(Vsoma[:, k])
        S_filt[:, k + 1] = beta_s * S_filt[:, k] + (1 - beta_s) * S_soma[:, k + 1]
        S_filt_soma[:, k + 1] = (beta_star * S_filt_soma[:, k]
                                 + (1 - beta_star) * S_soma[:, k + 1])
        W[:, k + 1] = beta_W * W[:, k] + (1 - beta_W) * S_soma[:, k + 1]
        S_wind_soma[:, k + 1] = H0(S_filt_soma[:, k + 1] - thr_soma)
        B[:, k + 1] = S_wind_soma[:, k + 1] * S_apic_dist[:, k + 1]
        B_rec[:, k + 1] = S_wind_soma[:, k + 1] * S_apic_prox[:, k + 1]
        B_total[:, k + 1] = H1(B[:, k + 1] + B_rec[:, k + 1] - 1)
        B_filt[:, k + 1] = beta_star * B_filt[:, k] + (1 - beta_star) * B[:, k + 1]
        B_filt_rec[:, k + 1] = (beta_star * B_filt_rec[:, k]
                                + (1 - beta_star) * B_rec[:, k + 1])
        B_filt_total[:, k + 1] = (beta_star * B_filt_total[:, k]
                                  + (1 - beta_star) * B_total[:, k + 1])
        S_wind[:, k + 1] = H1(H1(B_filt_rec[:, k + 1] - thr_burst)
                              + H1(B_filt[:, k + 1] - thr_burst) - 1)

    def read_out(self, k):
        """``Jout . trace[bin k] + Bias``."""
        return self.s["Jout"] @ self.readout[:, k] + self.s["Bias"]


def oracle_trial(c, s, context, apical_factor, plastic, cont_trace, eta=0.0, eta_out=0.0,
                 eta_bias=0.0, pin_weights=True, *, inputs=None, target=None, traces=None):
    """One trial of MODEL.md sections 4 and 5, as dense NumPy, in place.

    Parameters
    ----------
    c : mapping
        A validated configuration.
    s : dict
        The state arrays (:data:`lttb.model.state.STATE_ARRAYS`); ``J``,
        ``Jout`` and ``Bias`` are updated in place when `plastic`.
    context : int or None
        Index of the trial's target in ``s["targets"]`` (unused when
        `target` is given).
    apical_factor : float
        Gain of the target on the apical-distal compartment.
    plastic : bool
        Apply the learning rules (section 5).
    cont_trace : numpy.ndarray, shape (n_contexts, T)
        The context vector of every bin.
    eta, eta_out, eta_bias : float
        Learning rates; a rule whose rate is 0 is skipped (it would add
        zeros).
    pin_weights : bool
        Pin ``J`` (section 5) before the trial and after every update.
    inputs : numpy.ndarray, shape (I, T), optional
        The trial's input sequence (default: the clock ``s["I_clock"]``).
    target : numpy.ndarray, shape (O, T), optional
        The trial's target (default: ``s["targets"][context]``).
    traces : dict, optional
        Filled with the trial's burst trains ``B``, ``B_rec`` and their
        filtered traces ``B_filt``, ``B_filt_rec`` (N x T), for
        :func:`oracle_burst_metrics`.

    Returns
    -------
    S_soma, S_wind : numpy.ndarray of int8, shape (N, T)
    outputs : numpy.ndarray, shape (O, T-3)
    inner_error : float or None
        Variance of ``B_filt_rec - B_filt`` over the trial when `plastic`.
    """
    T = c["T"]
    y_targ = s["targets"][context] if target is None else target
    x_in = s["I_clock"] if inputs is None else inputs
    run = OracleState(c, s, T, apical_factor)
    J, Ne, a, gamma = s["J"], c["Ne"], run.a, run.gamma
    S_filt, S_apic_dist, S_apic_prox = run.S_filt, run.S_apic_dist, run.S_apic_prox
    S_wind_soma, VapicRec = run.S_wind_soma, run.VapicRec
    readout = run.readout
    if plastic and pin_weights:
        pin(J, Ne)  # idempotent when J was pinned before, as it always is
    dH = np.zeros(c["N"])

    def step(k):
        run.step(k, x_in[:, k], y_targ[:, k], cont_trace[:, k])

    outputs = np.zeros((s["Jout"].shape[0], T - 3))
    if plastic:
        for t in range(T - 2):
            step(t + 1)
            if eta != 0:
                dH = (1 - a) * dH + a * S_filt[:, t]
                u = ((S_apic_dist[:, t + 1] - sigmoid(gamma * VapicRec[:, t]))
                     * (1 - S_apic_prox[:, t]) * S_wind_soma[:, t + 1])
                J += eta * np.outer(u, dH)
                if pin_weights:
                    pin(J, Ne)
            SR = readout[:, t + 1]
            Y = s["Jout"] @ SR + s["Bias"]
            if t + 1 <= T - 3:
                outputs[:, t] = Y  # what the rule saw, before its update
            e = y_targ[:, t + 1] - Y
            if eta_out != 0:
                s["Jout"] += eta_out * np.outer(e, SR)
            if eta_bias != 0:
                s["Bias"] += eta_bias * e
        inner_error = float(np.var(run.B_filt_rec - run.B_filt))
    else:
        inner_error = None
        for k in range(1, T - 1):
            step(k)
        outputs = s["Jout"] @ readout[:, 1:T - 2] + s["Bias"][:, None]

    if traces is not None:
        traces.update(B=run.B, B_rec=run.B_rec, B_filt=run.B_filt, B_filt_rec=run.B_filt_rec)
    return run.S_soma.astype(np.int8), run.S_wind.astype(np.int8), outputs, inner_error


def oracle_burst_metrics(current, previous=None):
    """The burst metrics of SI.md section 3, from the traces of two trials.

    ``D(X, Y)`` is the population variance (ddof 0) of all N x T entries of
    ``X - Y``; ``B*`` is ``B_filt`` (target bursts), ``B`` is ``B_filt_rec``
    (predicted bursts).

    Parameters
    ----------
    current : dict
        The ``traces`` of a trial (:func:`oracle_trial`).
    previous : dict, optional
        Those of the trial before it; ``None`` for the first.

    Returns
    -------
    dict
        ``self_dist_B`` D(B*, B*_previous) and ``self_dist_B_rec`` D(B,
        B_previous) (``None`` without `previous`), ``dist_B`` D(B*, B),
        ``number_B`` and ``number_B_rec``: the (neuron, bin) pairs with a
        target burst, with a predicted burst.
    """
    def D(x, y):
        return float(np.var(x - y))

    return {
        "self_dist_B": None if previous is None else D(current["B_filt"], previous["B_filt"]),
        "self_dist_B_rec": (None if previous is None
                            else D(current["B_filt_rec"], previous["B_filt_rec"])),
        "dist_B": D(current["B_filt"], current["B_filt_rec"]),
        "number_B": int(np.count_nonzero(current["B"] > 0)),
        "number_B_rec": int(np.count_nonzero(current["B_rec"] > 0)),
    }


def oracle_closed_loop(c_low, s_low, c_high, s_high, button, food, env, readout_lag=2):
    """One closed-loop episode of Figure 3 (FIG3.md section 4), plainly in NumPy.

    Both networks step ``max_T`` bins with fixed weights, the teacher off
    and target 0, the environment (:mod:`lttb.model.environment`) between
    their bins.  Iteration ``t``: the high read-out chooses the low
    network's context; the latest observation is both networks' input of
    bin ``t + 1``; the loop's button flag is checked; both step; the low
    read-out moves the agent; the loop stops when the food is reached.

    Parameters
    ----------
    c_low, s_low, c_high, s_high : mapping, dict
        Configurations and state arrays of the two networks.
    button, food : numpy.ndarray, shape (2,)
    env : lttb.model.environment.EnvParams
    readout_lag : {2, 0}
        2 (as published): the context and the action read the traces of bin
        ``t``, two bins older than the step's; 0: the newest, bins ``t + 1``
        (before the step) and ``t + 2``.

    Returns
    -------
    dict
        ``contexts`` (n, int8), ``high_outputs``, ``actions``, ``positions``
        (n x 2), ``rewards`` (n), ``t_button``, ``t_food`` (None when never),
        ``S_soma``, ``S_wind`` (the low network's, N x (n + 2), int8).
    """
    from .environment import env_step, episode_done, observe, reaches_button

    T = env.max_T
    low = OracleState(c_low, s_low, T, 0.0)
    high = OracleState(c_high, s_high, T, 0.0)
    target_low, target_high = np.zeros(c_low["O"]), np.zeros(c_high["O"])
    cont_high = np.zeros(c_high["n_contexts"])
    lag_context, lag_action = (0, 0) if readout_lag == 2 else (1, 2)
    p = np.zeros(2)
    locked, btn_on = True, False
    t_button = t_food = None
    x = observe(p, button, food, env)
    rows = {key: [] for key in ("contexts", "high_outputs", "actions", "positions",
                                "rewards")}
    for t in range(T - 2):
        yH = high.read_out(t + lag_context)
        context = 0 if yH[0] > yH[1] else 1  # ties: the food context
        if not btn_on and reaches_button(p, button, env):  # p before this move
            btn_on, t_button = True, t
        low.step(t + 1, x, target_low, np.eye(2)[context])
        high.step(t + 1, x, target_high, cont_high)
        action = low.read_out(t + lag_action)
        moved = env_step(p, locked, action, button, food, env)
        p, locked, x = moved.position, moved.locked, moved.observation
        done, near = episode_done(moved, btn_on, food, env)
        if near:
            t_food = t
        for key, value in (("contexts", context), ("high_outputs", yH), ("actions", action),
                           ("positions", p), ("rewards", moved.reward)):
            rows[key].append(value)
        if done:
            break
    n = len(rows["positions"])
    out = {key: np.array(value) for key, value in rows.items()}
    out["contexts"] = out["contexts"].astype(np.int8)
    out.update(t_button=t_button, t_food=t_food,
               S_soma=low.S_soma[:, :n + 2].astype(np.int8),
               S_wind=low.S_wind[:, :n + 2].astype(np.int8))
    return out
