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

__all__ = ["oracle_trial", "sigmoid", "outer_mse", "pin", "READOUTS"]


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


def oracle_trial(c, s, context, apical_factor, plastic, cont_trace, eta=0.0, eta_out=0.0,
                 eta_bias=0.0, pin_weights=True, *, inputs=None, target=None):
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

    Returns
    -------
    S_soma, S_wind : numpy.ndarray of int8, shape (N, T)
    outputs : numpy.ndarray, shape (O, T-3)
    inner_error : float or None
        Variance of ``B_filt_rec - B_filt`` over the trial when `plastic`.
    """
    N, Ne, T = c["N"], c["Ne"], c["T"]
    dt = c["dt"]
    a = dt / c["tau_m"]
    beta_s = math.exp(-dt / c["tau_s"])
    beta_star = math.exp(-dt / c["tau_star"])
    beta_W = math.exp(-dt / c["tau_W"])
    gamma = 1.0 / c["du"]
    h, href, b = c["h"], c["href"], c["b"]
    Vreset, VresetApic = c["Vreset"], c["VresetApic"]
    thr_soma, thr_burst = c["somaticThreshold"], c["burstThreshold"]
    I_burst, soften = c["burst_current"], c["reset_softening"]

    y_targ = s["targets"][context] if target is None else target
    x_in = s["I_clock"] if inputs is None else inputs

    # Every per-time array starts at zero, the potentials at h.
    shape = (N, T)
    VapicRec = np.full(shape, float(h))
    Vapic = np.full(shape, float(h))
    Vsoma = np.full(shape, float(h))
    S_apic_prox = np.zeros(shape)
    S_apic_dist = np.zeros(shape)
    S_soma = np.zeros(shape)
    S_filt = np.zeros(shape)
    S_filt_soma = np.zeros(shape)
    W = np.zeros(shape)
    S_wind_soma = np.zeros(shape)
    B = np.zeros(shape)
    B_rec = np.zeros(shape)
    B_total = np.zeros(shape)
    B_filt = np.zeros(shape)
    B_filt_rec = np.zeros(shape)
    B_filt_total = np.zeros(shape)
    S_wind = np.zeros(shape)

    J, w = s["J"], s["w"]
    readout = {"total": B_filt_total, "recurrent": B_filt_rec, "target": B_filt}[c["readout"]]
    if plastic and pin_weights:
        pin(J, Ne)  # idempotent when J was pinned before, as it always is
    dH = np.zeros(N)

    def step(k):
        cont = cont_trace[:, k]
        VapicRec[:, k] = (((1 - a) * h + a * (J @ S_filt[:, k] + h + href))
                          * (1 - S_apic_prox[:, k]) + VresetApic * S_apic_prox[:, k])
        Vapic[:, k] = (((1 - a) * Vapic[:, k - 1]
                        + a * (apical_factor * (s["j_targ"] @ y_targ[:, k])
                               + c["sigma_apical_cont"] * (s["j_apical_cont"] @ cont)
                               + h + href))
                       * (1 - S_apic_dist[:, k]) + VresetApic * S_apic_dist[:, k])
        Isoma = (w @ S_filt[:, k] + h + s["j_in"] @ x_in[:, k]
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
        inner_error = float(np.var(B_filt_rec - B_filt))
    else:
        inner_error = None
        for k in range(1, T - 1):
            step(k)
        outputs = s["Jout"] @ readout[:, 1:T - 2] + s["Bias"][:, None]

    return S_soma.astype(np.int8), S_wind.astype(np.int8), outputs, inner_error
