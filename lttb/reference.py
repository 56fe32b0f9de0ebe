"""Slow, readable NumPy transcription of the model, used as the test oracle.

Every line here is meant to be read next to the specification (MODEL.md,
sections 3 to 6): one time step is one block of vectorised NumPy with dense
matrix products, exactly as the equations are written, with no attempt at
speed.  :class:`lttb.Network` (the compiled core) is checked against
:class:`ReferenceNetwork` spike for spike.

The oracle shares nothing with the compiled path but the configuration, the
initial-state drawing and checking (:func:`lttb.network.draw_initial_state`,
:func:`lttb.network.check_arrays`), so that both start from one identical
state, and the result type.
"""

from __future__ import annotations

import math

import numpy as np

from .network import TrialResult, check_arrays, draw_initial_state, training_settings

__all__ = ["ReferenceNetwork", "sigmoid", "outer_mse"]


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


class ReferenceNetwork:
    """NumPy oracle with the same constructors and methods as :class:`lttb.Network`."""

    def __init__(self, cfg, state):
        self.config = dict(cfg)
        for name, value in state.items():
            setattr(self, name, value)
        self._last_inner_error = math.nan

    # -- construction --------------------------------------------------------
    @classmethod
    def from_seed(cls, cfg, seed):
        """Draw the initial state exactly as :meth:`lttb.Network.from_seed` does."""
        return cls(cfg, draw_initial_state(cfg, seed))

    @classmethod
    def from_arrays(cls, cfg, **arrays):
        """Start from an explicit state (see :meth:`lttb.Network.from_arrays`)."""
        return cls(cfg, check_arrays(cfg, arrays))

    # -- one trial -----------------------------------------------------------
    def _trial(self, context, apical_factor, plastic, eta=0.0, eta_out=0.0,
               eta_bias=0.0, pin_weights=True, context_off_after=None):
        c = self.config
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

        y_targ = self.targets[context]
        cont_trace = np.zeros((c["n_contexts"], T))
        cont_trace[context, :] = 1.0
        if context_off_after is not None:
            cont_trace[:, context_off_after + 1:] = 0.0

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

        J, w = self.J, self.w
        readout = B_filt_rec if c["readout"] == "recurrent" else B_filt_total
        if plastic and pin_weights:
            pin(J, Ne)  # idempotent when J was pinned before, as it always is
        dH = np.zeros(N)

        def step(k):
            cont = cont_trace[:, k]
            VapicRec[:, k] = (((1 - a) * h + a * (J @ S_filt[:, k] + h + href))
                              * (1 - S_apic_prox[:, k]) + VresetApic * S_apic_prox[:, k])
            Vapic[:, k] = (((1 - a) * Vapic[:, k - 1]
                            + a * (apical_factor * (self.j_targ @ y_targ[:, k])
                                   + c["sigma_apical_cont"] * (self.j_apical_cont @ cont)
                                   + h + href))
                           * (1 - S_apic_dist[:, k]) + VresetApic * S_apic_dist[:, k])
            Isoma = (w @ S_filt[:, k] + h + self.j_in @ self.I_clock[:, k]
                     + c["sigma_basal_cont"] * (self.j_basal_cont @ cont)
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

        outputs = np.zeros((self.Jout.shape[0], T - 3))
        if plastic:
            for t in range(T - 2):
                step(t + 1)
                dH = (1 - a) * dH + a * S_filt[:, t]
                u = ((S_apic_dist[:, t + 1] - sigmoid(gamma * VapicRec[:, t]))
                     * (1 - S_apic_prox[:, t]) * S_wind_soma[:, t + 1])
                J += eta * np.outer(u, dH)
                if pin_weights:
                    pin(J, Ne)
                SR = readout[:, t + 1]
                Y = self.Jout @ SR + self.Bias
                if t + 1 <= T - 3:
                    outputs[:, t] = Y  # what the rule saw, before its update
                e = y_targ[:, t + 1] - Y
                self.Jout += eta_out * np.outer(e, SR)
                self.Bias += eta_bias * e
            self._last_inner_error = float(np.var(B_filt_rec - B_filt))
        else:
            for k in range(1, T - 1):
                step(k)
            outputs = self.Jout @ readout[:, 1:T - 2] + self.Bias[:, None]

        return TrialResult(
            context=int(context),
            apical_factor=float(apical_factor),
            S_soma=S_soma.astype(np.int8),
            S_wind=S_wind.astype(np.int8),
            outputs=outputs,
            mse=outer_mse(y_targ[:, 1:T - 2], outputs),
            context_trace=cont_trace,
        )

    # -- public API (mirrors lttb.Network) -----------------------------------
    def train_iteration(self, eta=None, eta_out=None, eta_bias=None, *, pin=None,
                        record=False):
        """One training trial per context (spec section 5); see :class:`lttb.Network`."""
        c = self.config
        eta, eta_out, eta_bias, pin = training_settings(c, eta, eta_out, eta_bias, pin)
        last = None
        for context in range(c["n_contexts"]):
            last = self._trial(context, 1.0, True, eta, eta_out, eta_bias, pin)
        return last if record else None

    def short_test(self):
        """Outer MSE per context with the teacher off (spec section 6)."""
        return np.array([self._trial(ctx, 0.0, False).mse
                         for ctx in range(self.config["n_contexts"])])

    def inner_error(self):
        """Variance of ``B_filt_rec - B_filt`` over the last training trial."""
        return self._last_inner_error

    def run_trial(self, context, apical_factor=0.0, *, context_off_after=None):
        """One trial without plasticity; see :meth:`lttb.Network.run_trial`."""
        return self._trial(context, apical_factor, False,
                           context_off_after=context_off_after)
