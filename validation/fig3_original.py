"""Figure 3 against the authors' original code, side by side, at the published size.

The conformance vectors in ``tests/data/fig3`` are small (N = 60, three
examples, two training iterations, closed loops of at most 398 iterations).
This script checks the full-size setting instead: it runs the authors' own
code -- ``lttb.py``, ``env.py`` and the training, short-test and closed-loop
functions of ``Figure_3.ipynb`` from a checkout of their repository
(cosimolupo/LTTB, by C. Capone, C. Lupo, P. Muratore and P. S. Paolucci,
CC BY 4.0; it is not part of this package and is loaded from the given
folder at run time) -- next to the package.  Both start from the same
initial weights and training set (drawn by the package for ``--seed``),
train for ``--epochs`` epochs of the joint protocol (FIG3.md 5.1: 10
iterations of each network, a short test, the 0.95 decay) and then run
``--tests`` closed-loop episodes at the same positions.

Usage::

    git clone https://github.com/cosimolupo/LTTB /path/to/LTTB
    python validation/fig3_original.py --original /path/to/LTTB \\
        [--variant apical] [--seed 2] [--epochs 1] [--tests 5]

It prints, per epoch and network, the largest difference of the weights
and of the 120 short-test MSEs, and per episode the reward, the iterations
at which the button and the food were reached, the number of iterations
and the largest difference of the agent's positions.  Exit status 0 when
everything agrees within ``--tolerance`` (default 1e-9, that of the
conformance vectors) and the discrete outcomes are equal, 1 when not, 2 for
bad input.  One epoch of the original takes a few minutes on one
core, an episode up to a few seconds.
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import inspect
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")  # the notebook's functions import pyplot

import numpy as np

from lttb.experiments.fig3 import protocol
from lttb.experiments.fig3.config import VARIANTS, load_fig3_config
from lttb.model import Network, closed_loop
from lttb.model.environment import positions_from_angles

#: The notebook's functions this script calls (and ``f``, the sigmoid they use).
NOTEBOOK_FUNCTIONS = ("f", "short_test_low", "short_test_high", "training_low",
                      "training_high", "make_test")
WEIGHTS = ("J", "w", "j_in", "j_targ", "Jout", "Bias", "j_basal_cont", "j_apical_cont")


class BadInput(Exception):
    """A missing or unreadable file of the original checkout."""


def _load_module(name: str, path: Path):
    # Under a private name: the original's ``lttb.py`` would clash with this package.
    if not path.is_file():
        raise BadInput(f"--original: {path} not found")
    spec = importlib.util.spec_from_file_location(f"_original_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _notebook_functions(path: Path, namespace: dict) -> None:
    """Define the notebook's :data:`NOTEBOOK_FUNCTIONS` in `namespace`.

    Only the ``def`` statements are taken from the code cells (the last
    definition of a name wins, as when the cells run in order); nothing
    else of the notebook runs.
    """
    if not path.is_file():
        raise BadInput(f"--original: {path} not found")
    try:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    except (ValueError, KeyError) as exc:
        raise BadInput(f"--original: {path} is not a notebook ({exc})") from None
    found = {}
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        try:
            tree = ast.parse("".join(cell["source"]))
        except SyntaxError:  # IPython magics
            continue
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name in NOTEBOOK_FUNCTIONS:
                found[node.name] = node
    missing = [name for name in NOTEBOOK_FUNCTIONS if name not in found]
    if missing:
        raise BadInput(f"--original: {path} defines no {', '.join(missing)}")
    for name, node in found.items():
        code = compile(ast.Module(body=[node], type_ignores=[]), str(path), "exec")
        exec(code, namespace)  # noqa: S102 - the user's checkout of the authors' code


def _call(function, **kwargs):
    # The notebook's signatures changed between versions: pass what it takes.
    accepted = inspect.signature(function).parameters
    return function(**{k: v for k, v in kwargs.items() if k in accepted})


class Original:
    """The authors' two networks, their environment and notebook functions."""

    def __init__(self, folder: Path, cfg: dict, low0: dict, high0: dict,
                 buttons: np.ndarray, foods: np.ndarray) -> None:
        lttb_module = _load_module("lttb", folder / "lttb.py")
        env_module = _load_module("env", folder / "env.py")
        from tqdm import trange
        import matplotlib.pyplot as plt
        import random

        env_cfg, task = cfg["env"], cfg["task"]
        self.low_par = dict(cfg["low"])
        self.high_par = dict(cfg["high"])
        self.env_par = {"dt": env_cfg["dt"], "dx": env_cfg["dx"], "r_lock": env_cfg["r_lock"],
                        "r_targ": env_cfg["r_targ"], "max_T": env_cfg["max_T"],
                        "T": task["tb"] + task["tf"], "tb": task["tb"], "tf": task["tf"]}
        init = np.array((0.0, 0.0))
        env = env_module.Unlock(init=init, targ=np.array((0.0, 1.0)), btn=np.array((0.0, 0.0)),
                                unit=(env_cfg["dt"], env_cfg["dx"]), max_T=env_cfg["max_T"],
                                res=env_cfg["res"], rs=(env_cfg["r_lock"], env_cfg["r_targ"]))
        tb, tf = task["tb"], task["tf"]
        expert = [env.build_expert(g, init, b, offT=(1, 1), steps=(tb - 1, tf - 1), T=(tb, tf))
                  for b, g in zip(buttons, foods)]
        self.expert_inputs = np.array([e[0] for e in expert])
        self.expert_velocities = np.array([e[1] for e in expert])
        high_target = np.array([[1.0 if t < tb else 0.0 for t in range(tb + tf)],
                                [0.0 if t < tb else 1.0 for t in range(tb + tf)]])
        nets = {}
        for name, par, arrays, targets in (
                ("low", self.low_par, low0, [e[1] for e in expert]),
                ("high", self.high_par, high0, [high_target] * len(expert))):
            net = lttb_module.LTTB(par)
            for key in WEIGHTS:
                value = np.array(arrays[key], dtype=np.float64)
                if getattr(net, key).shape != value.shape:
                    raise BadInput(f"--original: {key} of the {name} network has shape "
                                   f"{getattr(net, key).shape}, the package's {value.shape}")
                setattr(net, key, value)
            net.y_targ_collection = list(targets)
            net.I_clock_collection = [e[0] for e in expert]
            nets[name] = net
        self.low, self.high = nets["low"], nets["high"]
        self.ns = {"np": np, "random": random, "trange": trange, "plt": plt,
                   "low_lttb": self.low, "high_lttb": self.high, "low_par": self.low_par,
                   "high_par": self.high_par, "env": env, "env_par": self.env_par,
                   "n_examples": len(expert), "tb": tb, "tf": tf, "init": init,
                   "max_T": env_cfg["max_T"], "total_training_T": tb + tf,
                   "dt": self.low_par["dt"], "tau_m": self.low_par["tau_m"],
                   "gamma": 1.0 / self.low_par["du"], "btn_theta": 0.0}
        _notebook_functions(folder / "Figure_3.ipynb", self.ns)

    def _reset_T(self) -> None:
        # The joint protocol's epoch start: make_test leaves T at max_T.
        for net, par in ((self.low, self.low_par), (self.high, self.high_par)):
            net.T = par["T"] = self.ns["total_training_T"]
            net.initialize(par)

    def train_epoch(self, rates: dict, use_low_rec: bool) -> tuple[np.ndarray, np.ndarray]:
        self._reset_T()
        eta, eta_out, _ = rates["low"]
        low = _call(self.ns["training_low"], nIterRec=10, test_every=10, eta=eta,
                    eta_out=eta_out, eta_bias=0, verbose=False, use_low_rec=use_low_rec)
        eta, eta_out, eta_bias = rates["high"]
        high = _call(self.ns["training_high"], nIterRec=10, test_every=10, eta=eta,
                     eta_out=eta_out, eta_bias=eta_bias, verbose=False)
        return np.asarray(low)[-1], np.asarray(high)[-1]

    def episode(self, button, food, use_low_rec: bool) -> dict:
        res = _call(self.ns["make_test"], btn=tuple(button), targ=np.array(food),
                    max_T=self.env_par["max_T"], use_low_rec=use_low_rec, show_plot=False,
                    use_HighNetwork=True, verbose=False)
        return {"R": float(res["R"]), "t_button": int(res["t_reach_btn"]),
                "t_food": int(res["t_reach_targ"]), "positions": np.array(res["POSITION"])}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--original", required=True, type=Path,
                        help="a checkout of cosimolupo/LTTB (lttb.py, env.py, Figure_3.ipynb)")
    parser.add_argument("--variant", default="apical", choices=VARIANTS)
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--tests", type=int, default=5)
    parser.add_argument("--tolerance", type=float, default=1e-9)
    args = parser.parse_args(argv)
    if args.seed < 0 or args.epochs < 0 or args.tests < 0:
        parser.error("--seed, --epochs and --tests must be non-negative")

    cfg = load_fig3_config(args.variant)
    use_low_rec = cfg["low"]["readout"] != "target"
    rngs = protocol._generators(args.seed)
    buttons, foods = protocol.draw_training_set(cfg, rngs["training_set"])
    low0, high0 = protocol.draw_networks(cfg, rngs["low"], rngs["high"])
    low_examples, high_examples = protocol.make_examples(cfg, buttons, foods)
    low = Network.from_arrays(cfg["low"], **low0)
    high = Network.from_arrays(cfg["high"], **high0)
    try:
        original = Original(args.original, cfg, low0, high0, buttons, foods)
    except BadInput as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    worst = 0.0
    discrete_ok = True

    def report(label: str, value: float) -> None:
        nonlocal worst
        worst = max(worst, value)
        print(f"  {label:<34s} {value:.2e}")

    print(f"fig3 {args.variant}, seed {args.seed}: the package against {args.original}")
    report("expert inputs", np.abs(original.expert_inputs
                                   - np.array([e.inputs for e in low_examples])).max())
    report("expert velocities", np.abs(original.expert_velocities
                                       - np.array([e.target for e in low_examples])).max())
    rates = protocol.initial_rates(cfg)
    decay = cfg["schedule"]["lr_decay"]
    for epoch in range(1, args.epochs + 1):
        started = time.perf_counter()
        theirs_low, theirs_high = original.train_epoch(rates, use_low_rec)
        middle = time.perf_counter()
        for name, net, examples in (("low", low, low_examples), ("high", high, high_examples)):
            for _ in range(cfg["schedule"]["iters_per_epoch"]):
                net.train_iteration(*rates[name], examples=examples)
            mse = net.short_test(examples)
            print(f"epoch {epoch}, {name} network (short-test MSE {mse.mean():.6f}):")
            report("short-test MSEs", np.abs(mse - (theirs_low if name == "low"
                                                    else theirs_high)).max())
            theirs = original.low if name == "low" else original.high
            for key in ("J", "Jout", "Bias"):
                report(key, np.abs(getattr(net, key) - getattr(theirs, key)).max())
            rates[name][0] *= decay
            rates[name][1] *= decay
        print(f"  (original {middle - started:.0f} s, package "
              f"{time.perf_counter() - middle:.1f} s)")

    env = protocol.env_params(cfg)
    angles = np.random.default_rng(args.seed).uniform(0.0, 2.0 * np.pi, size=(args.tests, 2))
    if args.tests:
        print("closed-loop episodes: R, t_button, t_food, iterations (package | original), "
              "largest position difference")
    for alpha, beta in angles:
        button, food = positions_from_angles(alpha, beta)
        ours = closed_loop(high, low, button, food, env=env,
                           readout_lag=cfg["task"]["readout_lag"])
        theirs = original.episode(button, food, use_low_rec)
        same = (ours.t_button == theirs["t_button"] and ours.t_food == theirs["t_food"]
                and ours.n_steps == len(theirs["positions"])
                and abs(ours.R - theirs["R"]) <= args.tolerance)
        discrete_ok &= same
        n = min(ours.n_steps, len(theirs["positions"]))
        gap = np.abs(np.asarray(ours.positions)[:n] - theirs["positions"][:n]).max()
        worst = max(worst, gap)
        print(f"  {ours.R:.4f} {ours.t_button:5d} {ours.t_food:5d} {ours.n_steps:5d} | "
              f"{theirs['R']:.4f} {theirs['t_button']:5d} {theirs['t_food']:5d} "
              f"{len(theirs['positions']):5d}   {gap:.2e}{'' if same else '   DIFFERENT'}")
    agree = worst <= args.tolerance and discrete_ok
    print(f"largest difference {worst:.2e} (tolerance {args.tolerance:g}); "
          f"{'the package agrees with the original' if agree else 'THE PACKAGE DIFFERS'}")
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
