"""A network's initial state: drawing it from a seed, or checking one given.

Everything a trial reads besides the configuration is one of ten arrays
(:data:`STATE_ARRAYS`).  :func:`draw_initial_state` draws them from a seeded
:class:`numpy.random.Generator` (MODEL.md sections 2 and 3);
:func:`check_arrays` validates arrays given explicitly, e.g. another
implementation's state to replay.
"""

from __future__ import annotations

import math

import numpy as np

from .rule import pin_weights

__all__ = [
    "STATE_ARRAYS",
    "StateError",
    "clock",
    "target_trajectories",
    "draw_initial_state",
    "expected_shapes",
    "check_arrays",
]

#: The arrays of a state, in the order the specification draws them.
STATE_ARRAYS = ("J", "w", "j_in", "j_targ", "Jout", "Bias", "j_basal_cont",
                "j_apical_cont", "I_clock", "targets")

#: Frequencies (Hz) of the four cosines of a target trajectory (spec section 3).
TARGET_FREQUENCIES = (1.0, 2.0, 3.0, 5.0)


class StateError(ValueError):
    """An explicit initial state does not fit the configuration."""


def clock(I, T):
    """Clock input ``I_clock`` (I x T): I consecutive equal blocks of bins.

    As published, block ``floor((t / T) * I)`` is evaluated in double
    precision in that order, which for some ``(I, T)`` (e.g. I=50, T=1000,
    bin 580) gives another block than integer arithmetic would.
    """
    I_clock = np.zeros((I, T))
    for t in range(T):
        I_clock[math.floor((t / T) * I), t] = 1.0
    return I_clock


def target_trajectories(rng, n_contexts, O, T, dt):
    """Random target trajectories, shape (n_contexts, O, T), rows in [-1, 1].

    Each row is a sum of four cosines at 1, 2, 3 and 5 Hz with amplitudes
    from U(0.5, 2) and phases from U(0, 2 pi), min-max rescaled to [-1, 1].
    """
    time = np.arange(T) * dt
    targets = np.empty((n_contexts, O, T))
    for c in range(n_contexts):
        for o in range(O):
            amplitude = rng.uniform(0.5, 2.0, size=len(TARGET_FREQUENCIES))
            phase = rng.uniform(0.0, 2.0 * np.pi, size=len(TARGET_FREQUENCIES))
            y = np.zeros(T)
            for A, f, phi in zip(amplitude, TARGET_FREQUENCIES, phase):
                y += A * np.cos(2.0 * np.pi * f * time + phi)
            lo, hi = y.min(), y.max()
            targets[c, o] = 2.0 * (y - lo) / (hi - lo) - 1.0
    return targets


def draw_initial_state(cfg, seed, *, targets=None, inputs=None):
    """Draw a network's initial state (spec sections 2 and 3).

    Parameters
    ----------
    cfg : dict
        A validated configuration (:func:`lttb.load_config`).
    seed : int, numpy.random.SeedSequence or numpy.random.Generator
        Source of randomness; only this generator is used.
    targets : array_like, shape (n_contexts, O, T), optional
        Target trajectories of one's own, used as given (no rescaling), in
        place of the random ones.  The random ones are still drawn, and
        thrown away, so that every other array is the one the same seed
        gives without `targets` (the sparsification of ``p_sparse_cont``
        is drawn after the targets).
    inputs : array_like, shape (I, T), optional
        Input sequence ``I_clock`` (any real values), in place of the
        published clock; nothing is drawn for it either way.

    Returns
    -------
    dict
        Arrays ``J, w, j_in, j_targ, Jout, Bias, j_basal_cont,
        j_apical_cont, I_clock, targets``.  ``J`` is pinned
        (:func:`pin_weights`: sign constraints, no inhibitory rows, zero
        diagonal) only when ``cfg["pin"]`` is true; with pinning off it is
        the raw draw, diagonal included, as the Figure 2 notebook leaves it.
        Given `targets` and `inputs` are copied as they are; their shapes,
        types and values are checked (and made float64) by
        :func:`check_arrays`, not here.
    """
    rng = np.random.default_rng(seed)
    N, Ne, I, O, T = cfg["N"], cfg["Ne"], cfg["I"], cfg["O"], cfg["T"]
    n_ctx = cfg["n_contexts"]
    state = {
        "J": rng.normal(0.0, cfg["sigma_Jrec"], size=(N, N)),
        "w": rng.normal(0.0, cfg["sigma_wrec"], size=(N, N)),
        "j_in": rng.normal(0.0, cfg["sigma_in"], size=(N, I)),
        "j_targ": rng.normal(0.0, cfg["sigma_targ"], size=(N, O)),
        "Jout": rng.normal(0.0, cfg["sigma_Jout"], size=(O, N)),
        "j_basal_cont": rng.normal(0.0, 1.0, size=(N, n_ctx)),
        "j_apical_cont": rng.normal(0.0, 1.0, size=(N, n_ctx)),
        "Bias": np.zeros(O),
    }
    state["j_targ"][Ne:, :] = 0.0
    if cfg["pin"]:
        pin_weights(state["J"], Ne)
    state["I_clock"] = clock(I, T) if inputs is None else np.array(inputs)
    # Drawn even when targets are given: skipping the draw would shift every
    # later draw of the generator (the p_sparse_cont masks below).
    drawn = target_trajectories(rng, n_ctx, O, T, cfg["dt"])
    state["targets"] = drawn if targets is None else np.array(targets)
    p = cfg["p_sparse_cont"]
    if p > 0:
        # The Figure 2 notebook drops each target and context weight with
        # probability p_sparse_cont.
        for name in ("j_targ", "j_apical_cont", "j_basal_cont"):
            state[name][rng.random(state[name].shape) < p] = 0.0
    return state


def expected_shapes(cfg):
    """Shape of every array of the state, by name, for a configuration."""
    N, I, O, T = cfg["N"], cfg["I"], cfg["O"], cfg["T"]
    n_ctx = cfg["n_contexts"]
    return {
        "J": (N, N),
        "w": (N, N),
        "j_in": (N, I),
        "j_targ": (N, O),
        "Jout": (O, N),
        "Bias": (O,),
        "j_basal_cont": (N, n_ctx),
        "j_apical_cont": (N, n_ctx),
        "I_clock": (I, T),
        "targets": (n_ctx, O, T),
    }


def check_arrays(cfg, arrays):
    """Validate an explicit state and return float64 C-contiguous copies.

    Raises
    ------
    StateError
        Naming every missing, unknown, misshapen, non-real or non-finite
        array.
    """
    shapes = expected_shapes(cfg)
    problems = []
    for name in arrays:
        if name not in shapes:
            problems.append(f"{name}: unknown array (expected one of {', '.join(shapes)})")
    state = {}
    for name, shape in shapes.items():
        if name not in arrays:
            problems.append(f"{name}: missing")
            continue
        value = np.asarray(arrays[name])
        if value.dtype.kind not in "fiu":
            problems.append(f"{name}: dtype {value.dtype} is not a real number type")
            continue
        if value.shape != shape:
            problems.append(f"{name}: shape {value.shape}, expected {shape} for this config")
            continue
        value = np.array(value, dtype=np.float64, order="C", copy=True)
        if not np.all(np.isfinite(value)):
            problems.append(f"{name}: contains NaN or infinity")
            continue
        state[name] = value
    if problems:
        raise StateError("invalid initial state:\n  " + "\n  ".join(problems))
    return state
