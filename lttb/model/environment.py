"""Figure 3's world: the button-and-food environment and the expert.

Small pure functions of FIG3.md sections 1 and 2 (Capone et al. 2022, and
the authors' ``env.py``, CC BY 4.0): the observation encoder, one move of
the agent with its reward, unlocking and end of episode, the positions of an
episode, and the expert's demonstration (positions, velocities, the
networks' inputs and the high network's target).  Nothing here keeps state:
a step takes the state and returns the next one, so the functions are the
specification a reader checks and the reference the compiled loop is tested
against.

Quirks of the published code are kept (FIG3.md section 6): the encoder's
width is 2/res, not the spacing of its centres; relative positions are
clipped to the encoder's range; the expert's positions advance by 1/58 of a
segment per bin while its velocities cover 1/59; the first velocity of each
segment is 0; the loop's own button flag lags the environment's unlock by
one iteration, and an episode ends on either of two equivalent conditions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "EnvParams",
    "StepResult",
    "EpisodeResult",
    "Expert",
    "encode",
    "observe",
    "env_step",
    "reaches_button",
    "episode_done",
    "positions_from_angles",
    "expert",
    "high_targets",
    "run_script",
]


@dataclass(frozen=True)
class EnvParams:
    """The environment's constants (FIG3.md section 1).

    Attributes
    ----------
    dt, dx : float
        The agent moves by ``(dt / dx) * action`` per step.
    r_lock : float
        Unlock radius around the button.
    r_targ : float
        Success radius around the food, also the reward scale.
    res : int
        Encoding units per coordinate (the networks get ``I = 4 res``).
    extent : float
        The encoder covers ``[-extent, extent]`` per coordinate.
    max_T : int
        Test length: an episode runs ``max_T - 2`` loop iterations at most.
    """

    dt: float = 0.001
    dx: float = 0.1
    r_lock: float = 0.15
    r_targ: float = 0.15
    res: int = 20
    extent: float = 1.0
    max_T: int = 1500

    def __post_init__(self):
        if not (self.dt > 0 and self.dx > 0 and self.r_lock > 0 and self.r_targ > 0
                and self.extent > 0):
            raise ValueError("dt, dx, r_lock, r_targ and extent must be positive")
        if int(self.res) != self.res or self.res < 2:
            raise ValueError(f"res must be an integer >= 2, got {self.res!r}")
        if int(self.max_T) != self.max_T or self.max_T < 4:
            raise ValueError(f"max_T must be an integer >= 4, got {self.max_T!r}")

    @property
    def n_inputs(self) -> int:
        """Size of an observation, ``4 res``: the networks' ``I``."""
        return 4 * self.res

    def as_dict(self) -> dict:
        """The constants as a plain dict (what the compiled loop reads)."""
        return {"dt": float(self.dt), "dx": float(self.dx), "r_lock": float(self.r_lock),
                "r_targ": float(self.r_targ), "res": int(self.res),
                "extent": float(self.extent), "max_T": int(self.max_T)}


def encode(v, res=20, extent=1.0):
    """Gaussian population code of a relative position (FIG3.md section 1).

    Each coordinate is clipped to ``[-extent, extent]`` and read by ``res``
    bumps with centres ``-extent + 2 extent i / (res - 1)`` and width
    ``2 extent / res`` (not the centre spacing: as published).

    Parameters
    ----------
    v : array_like, shape (2,)
        A relative position ``(v_x, v_y)``.
    res : int
        Bumps per coordinate.
    extent : float
        Half-width of the encoded range.

    Returns
    -------
    numpy.ndarray, shape (2 res,)
        The x bumps, then the y bumps.
    """
    v = np.clip(np.asarray(v, dtype=np.float64), -extent, extent)
    lo, hi = -float(extent), float(extent)
    centres = lo + (hi - lo) * np.arange(res) / (res - 1)
    width = (hi - lo) / res
    d = v[:, None] - centres[None, :]
    return np.exp(-(d * d) / (2.0 * width * width)).ravel()


def observe(position, button, food, env=EnvParams()):
    """What the networks see at ``position``: ``[E(food - p), E(button - p)]``.

    Returns
    -------
    numpy.ndarray, shape (4 res,)
        Food-x, food-y, button-x, button-y bumps (a new array).
    """
    p = np.asarray(position, dtype=np.float64)
    return np.concatenate([encode(np.asarray(food) - p, env.res, env.extent),
                           encode(np.asarray(button) - p, env.res, env.extent)])


@dataclass(frozen=True)
class StepResult:
    """The environment after one move (:func:`env_step`).

    Attributes
    ----------
    position : numpy.ndarray, shape (2,)
        The agent after the move (a new array).
    locked : bool
        Whether the food is still locked (the button never reached).
    reward : float
        0 while locked, else ``min(1, r_targ / |food - position|)``.
    env_done : bool
        The environment's end: the food reached after unlocking.
    observation : numpy.ndarray, shape (4 res,)
        :func:`observe` at the new position.
    """

    position: np.ndarray
    locked: bool
    reward: float
    env_done: bool
    observation: np.ndarray


def env_step(position, locked, action, button, food, env=EnvParams()):
    """One move of the agent (FIG3.md section 1); pure: nothing is modified.

    Parameters
    ----------
    position : array_like, shape (2,)
        The agent before the move.
    locked : bool
        The lock before the move (True at reset).
    action : array_like, shape (2,)
        A velocity: the agent moves by ``(dt / dx) * action``.
    button, food : array_like, shape (2,)
    env : EnvParams

    Returns
    -------
    StepResult
        Distances are Euclidean, after the move; once unlocked the food
        stays unlocked.
    """
    p = np.asarray(position, dtype=np.float64) + (env.dt / env.dx) * np.asarray(
        action, dtype=np.float64)
    d_g = float(np.hypot(*(np.asarray(food) - p)))
    d_b = float(np.hypot(*(np.asarray(button) - p)))
    locked = bool(locked and d_b > env.r_lock)
    reward = 0.0 if locked else min(1.0, env.r_targ / d_g)
    return StepResult(position=p, locked=locked, reward=reward,
                      env_done=bool(d_g < env.r_targ and not locked),
                      observation=observe(p, button, food, env))


def reaches_button(position, button, env=EnvParams()):
    """The loop's button flag: ``position`` (before a move) within ``r_lock``.

    It turns on one iteration after the environment unlocks (as published);
    it only feeds the bookkeeping (``t_button`` and the end condition).
    """
    return bool(np.hypot(*(np.asarray(position) - np.asarray(button))) < env.r_lock)


def episode_done(step, btn_on, food, env=EnvParams()):
    """The loop's end: the environment's, or the food reached with the flag on.

    Both conditions say the same (the food is 1 from the button); both are
    kept, as published.

    Returns
    -------
    tuple of bool
        ``(done, food_reached)``: whether the episode ends, and whether by
        the second condition (which sets ``t_food``).
    """
    near = bool(btn_on and np.hypot(*(np.asarray(food) - step.position)) < env.r_targ)
    return bool(step.env_done or near), near


def positions_from_angles(alpha, beta, button_distance=1.0, food_distance=1.0):
    """An episode's button and food from their angles (FIG3.md sections 1, 2).

    ``button = d_b (cos alpha, sin alpha)``, ``food = button + d_f (cos beta,
    sin beta)``.

    Returns
    -------
    tuple of numpy.ndarray, shape (2,)
        ``(button, food)``.
    """
    button = button_distance * np.array([np.cos(alpha), np.sin(alpha)])
    food = button + food_distance * np.array([np.cos(beta), np.sin(beta)])
    return button, food


@dataclass(frozen=True)
class Expert:
    """The expert's demonstration of one episode (FIG3.md section 2).

    Attributes
    ----------
    positions : numpy.ndarray, shape (2, T)
        Where the expert is at each bin.
    velocities : numpy.ndarray, shape (2, T)
        Its velocities: the low network's target.
    inputs : numpy.ndarray, shape (4 res, T)
        The observations at its positions: both networks' input.
    """

    positions: np.ndarray
    velocities: np.ndarray
    inputs: np.ndarray


def expert(button, food, env=EnvParams(), tb=60, tf=60):
    """Straight to the button, then straight to the food (FIG3.md section 2).

    Column ``j`` of the first segment (``j < tb``) is at ``button *
    max(j - 1, 0) / (tb - 2)``; of the second at ``button + (food - button) *
    max(j - tb - 1, 0) / (tf - 2)``.  The velocities are 0 at the first bin of
    each segment and ``segment * (dx / dt) / (tb - 1)`` after: 59 moves cover a
    segment while the positions step by 1/58 of it (as published).

    Parameters
    ----------
    button, food : array_like, shape (2,)
    env : EnvParams
    tb, tf : int
        Bins of the two segments (``T = tb + tf``).

    Returns
    -------
    Expert
    """
    b = np.asarray(button, dtype=np.float64)
    g = np.asarray(food, dtype=np.float64)
    T = tb + tf
    P = np.empty((2, T))
    Y = np.zeros((2, T))
    speed = env.dx / env.dt
    for j in range(T):
        if j < tb:
            P[:, j] = b * (max(j - 1, 0) / (tb - 2))
            if j > 0:
                Y[:, j] = b * (speed / (tb - 1))
        else:
            P[:, j] = b + (g - b) * (max(j - tb - 1, 0) / (tf - 2))
            if j > tb:
                Y[:, j] = (g - b) * (speed / (tf - 1))
    X = np.stack([observe(P[:, j], b, g, env) for j in range(T)], axis=1)
    return Expert(positions=P, velocities=Y, inputs=X)


def high_targets(tb=60, tf=60):
    """The high network's target: "go to the button" then "go to the food".

    Returns
    -------
    numpy.ndarray, shape (2, tb + tf)
        Row 0 is 1 at bins ``j < tb``, row 1 is its complement.
    """
    Z = np.zeros((2, tb + tf))
    Z[0, :tb] = 1.0
    Z[1, tb:] = 1.0
    return Z


@dataclass
class EpisodeResult:
    """One episode: the agent's path and what it earned (FIG3.md sections 1, 4).

    Rows are loop iterations ``t = 0 .. n_steps - 1``.

    Attributes
    ----------
    button, food : numpy.ndarray, shape (2,)
    actions : numpy.ndarray, shape (n_steps, 2)
        The velocity of each move (the low network's read-out).
    positions : numpy.ndarray, shape (n_steps, 2)
        The agent after each move.
    rewards : numpy.ndarray, shape (n_steps,)
    R : float
        ``max(0, max rewards)``: 0 iff the button was never reached, 1 iff
        the food was reached after it.
    min_btn_dist, min_food_dist : float
        Closest approach to the button and to the food over the positions
        after each move.
    t_button, t_food : int
        Iterations at which the loop saw the button and the food; ``max_T``
        when never (as the authors record them).
    n_steps : int
        Loop iterations run (``max_T - 2`` unless the food was reached).
    contexts : numpy.ndarray of int8, shape (n_steps,), or None
        The low network's context at each iteration (0 "button", 1
        "food"); ``None`` for a scripted episode.
    high_outputs : numpy.ndarray, shape (n_steps, 2), or None
        The high read-out that chose it.
    S_soma, S_wind : numpy.ndarray of int8, shape (N_low, n_steps + 2), or None
        The low network's spikes and burst windows, bins ``0 .. n_steps +
        1``, when recorded.
    readout_lag : int or None
        2 as published, 0 with the fix; ``None`` for a scripted episode.
    """

    button: np.ndarray
    food: np.ndarray
    actions: np.ndarray
    positions: np.ndarray
    rewards: np.ndarray
    R: float
    min_btn_dist: float
    min_food_dist: float
    t_button: int
    t_food: int
    n_steps: int
    contexts: np.ndarray | None = None
    high_outputs: np.ndarray | None = None
    S_soma: np.ndarray | None = None
    S_wind: np.ndarray | None = None
    readout_lag: int | None = None

    @property
    def contexts_one_hot(self):
        """``contexts`` as one row per iteration, ``(n_steps, 2)`` (the authors' form)."""
        if self.contexts is None:
            return None
        return np.eye(2, dtype=np.int64)[self.contexts]

    @classmethod
    def build(cls, button, food, actions, positions, rewards, t_button, t_food, env,
              **extra):
        """Fill in the measures every engine derives the same way from a path.

        ``t_button`` and ``t_food`` are -1 (or None) when never reached.
        """
        button = np.array(button, dtype=np.float64)
        food = np.array(food, dtype=np.float64)
        positions = np.asarray(positions, dtype=np.float64)
        n = len(positions)
        rewards = np.asarray(rewards, dtype=np.float64)
        never = (None, -1)
        return cls(
            button=button, food=food, actions=np.asarray(actions, dtype=np.float64),
            positions=positions, rewards=rewards,
            R=float(max(0.0, rewards.max())) if n else 0.0,
            min_btn_dist=float(np.min(np.linalg.norm(positions - button, axis=1))),
            min_food_dist=float(np.min(np.linalg.norm(positions - food, axis=1))),
            t_button=env.max_T if t_button in never else int(t_button),
            t_food=env.max_T if t_food in never else int(t_food),
            n_steps=n, **extra)


def run_script(actions, button, food, env=EnvParams()):
    """The environment alone under scripted actions, with the loop's bookkeeping.

    Iteration ``t`` (at most ``max_T - 2``): the button flag from the
    position before the move, the move with ``actions[t]``, then the end
    conditions (:func:`episode_done`), as in the closed loop (FIG3.md
    section 4) with the networks' action replaced by the script.

    Returns
    -------
    result : EpisodeResult
    trace : dict of numpy.ndarray
        Per iteration: ``observations`` (after the move, ``(n, 4 res)``),
        ``locked``, ``env_done`` and ``done`` (the loop's end).
    """
    actions = np.asarray(actions, dtype=np.float64)
    p = np.zeros(2)
    locked, btn_on = True, False
    t_button = t_food = None
    trace = {"observations": [], "locked": [], "env_done": [], "done": []}
    positions, rewards = [], []
    for t in range(min(len(actions), env.max_T - 2)):
        if not btn_on and reaches_button(p, button, env):
            btn_on, t_button = True, t
        step = env_step(p, locked, actions[t], button, food, env)
        p, locked = step.position, step.locked
        done, near = episode_done(step, btn_on, food, env)
        if near:
            t_food = t
        positions.append(p)
        rewards.append(step.reward)
        for key, value in (("observations", step.observation), ("locked", locked),
                           ("env_done", step.env_done), ("done", done)):
            trace[key].append(value)
        if done:
            break
    n = len(positions)
    result = EpisodeResult.build(button, food, actions[:n], np.reshape(positions, (n, 2)),
                                 rewards, t_button, t_food, env)
    return result, {key: np.array(value) for key, value in trace.items()}
