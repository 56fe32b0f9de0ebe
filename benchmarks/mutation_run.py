"""Mutation run: does the test suite catch small, realistic bugs?

Copies the git-tracked files of this checkout (as they are in the working
tree) to a scratch directory, then for each named mutation below changes one
snippet of one file, rebuilds the compiled core when the change is in it,
runs the test suite against the mutated copy and records whether some test
failed (the mutant is *killed*) or every test passed (it *survived*).  Prints
one line per mutant and the score.

Not part of the suite or of CI: a full run rebuilds the core once per compiled
mutant (about 35 s each on 2 cores) and runs the suite up to once per mutant.

Usage (from anywhere; needs the package's test dependencies and its build
requirements, ``pip install -e ".[test]" "Cython>=3" "setuptools>=77"``)::

    python benchmarks/mutation_run.py              # every mutation
    python benchmarks/mutation_run.py --list       # names and what they break
    python benchmarks/mutation_run.py --only soma-threshold-inclusive --only ...
    python benchmarks/mutation_run.py --only NAME --pytest-args "tests/test_core.py -x -q"

Exit status: 0 when every mutant was killed, 1 when one survived, 2 when the
list no longer matches the sources (a snippet not found exactly once), the
unmutated copy fails its own suite, or the suite would not import the copy.

Each mutation names the exact original text; the run refuses to start when a
snippet is missing or ambiguous, so the list is kept in step with the code.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
#: Files whose change needs the extension rebuilt.
COMPILED_SUFFIXES = (".pyx", ".pxd", ".h")
DEFAULT_PYTEST_ARGS = "tests -x -q -p no:cacheprovider"


@dataclass(frozen=True)
class Mutation:
    """One single-point change: in ``path``, ``original`` becomes ``replacement``."""

    name: str
    path: str
    original: str
    replacement: str
    breaks: str

    @property
    def compiled(self) -> bool:
        return self.path.endswith(COMPILED_SUFFIXES)


M = Mutation
MUTATIONS = [
    # ---- the seven of issue 23 -------------------------------------------------------
    M("soma-threshold-inclusive", "lttb/_kernels.h",
      "s = vs > 0.0 ? 1.0 : 0.0;", "s = vs >= 0.0 ? 1.0 : 0.0;",
      "a somatic potential exactly at 0 spikes"),
    M("initial-pin-clip-99", "lttb/_core.pyx",
      "Jp[idx] = _clip(Jp[idx], 0.0, 100.0)", "Jp[idx] = _clip(Jp[idx], 0.0, 99.0)",
      "the pinning before training clips E->E weights at 99"),
    M("learned-upper-bound-99", "lttb/_core.pyx",
      "            hi[j] = 100.0", "            hi[j] = 99.0",
      "learned E->E weights stop at 99"),
    M("initial-pin-keeps-diagonal", "lttb/_core.pyx",
      "if i >= Ne or i == j:", "if i >= Ne:",
      "the pinning before training leaves self-connections"),
    M("summary-drops-lttb-version", "lttb/artifacts.py",
      '        "lttb_version": __version__,\n        "created": utc_now(),\n'
      '        "figure_names"',
      '        "created": utc_now(),\n        "figure_names"',
      "summary.json has no lttb_version"),
    M("raster-bin-off-by-one", "lttb/experiments/fig1/results.py",
      "pair[1] >= T", "pair[1] > T",
      "an artifact with a spike at bin T reads"),
    M("resume-compares-schedule-only", "lttb/run/planning.py",
      "differences = _artifacts.same_run(artifact, figure, cfg, data_sha256)",
      'differences = [d for d in _artifacts.same_run(artifact, figure, cfg, data_sha256)\n'
      '                       if d == "schedule"]',
      "--resume keeps artifacts of another configuration with the same schedule"),
    # ---- compiled core -----------------------------------------------------------------
    M("apical-proximal-threshold-inclusive", "lttb/_kernels.h",
      "prox[i] = vr > 0.0 ? 1.0 : 0.0;", "prox[i] = vr >= 0.0 ? 1.0 : 0.0;",
      "VapicRec exactly at 0 spikes"),
    M("apical-distal-threshold-inclusive", "lttb/_kernels.h",
      "dist[i] = va > 0.0 ? 1.0 : 0.0;", "dist[i] = va >= 0.0 ? 1.0 : 0.0;",
      "Vapic exactly at 0 spikes"),
    M("burst-window-strict", "lttb/_kernels.h",
      "(Bf[i] - c->thr_burst >= 0.0 ? 1.0 : 0.0)", "(Bf[i] - c->thr_burst > 0.0 ? 1.0 : 0.0)",
      "B_filt exactly at burstThreshold opens no window"),
    M("somatic-window-inclusive", "lttb/_kernels.h",
      "wsom = Sfs[i] - c->thr_soma > 0.0", "wsom = Sfs[i] - c->thr_soma >= 0.0",
      "S_filt_soma exactly at somaticThreshold opens the window"),
    M("learned-lower-bound-99", "lttb/_core.pyx",
      "            lo[j] = -100.0", "            lo[j] = -99.0",
      "learned I->E weights stop at -99"),
    M("pinning-ignores-pin-off", "lttb/_core.pyx",
      "if learn_J and p.pin:", "if learn_J:",
      "a state is pinned although pinning is off"),
    M("sigmoid-overflow-limit-0", "lttb/_core.pyx",
      "    if z > 709.0:\n        return 1.0", "    if z > 709.0:\n        return 0.0",
      "the core's sigmoid beyond overflow"),
    M("soft-reset-ignored", "lttb/_core.pyx",
      "p.Vreset / (1.0 + p.reset_softening * 1.0)", "p.Vreset / (1.0 + p.reset_softening * 0.0)",
      "the somatic reset inside a burst window"),
    # ---- NumPy oracle --------------------------------------------------------------------
    M("oracle-H0-inclusive", "lttb/model/oracle.py",
      "return (x > 0).astype(np.float64)", "return (x >= 0).astype(np.float64)",
      "the oracle spikes exactly at threshold"),
    M("oracle-pin-clip-99", "lttb/model/oracle.py",
      "J[:Ne, :Ne] = np.clip(J[:Ne, :Ne], 0.0, 100.0)",
      "J[:Ne, :Ne] = np.clip(J[:Ne, :Ne], 0.0, 99.0)",
      "the oracle's E->E bound"),
    M("oracle-keeps-diagonal", "lttb/model/oracle.py",
      "    np.fill_diagonal(J, 0.0)\n", "",
      "the oracle's pinning leaves self-connections"),
    M("oracle-dH-lag", "lttb/model/oracle.py",
      "dH = (1 - a) * dH + a * S_filt[:, t]", "dH = (1 - a) * dH + a * S_filt[:, t + 1]",
      "the one-bin lag of dH"),
    # ---- network, protocol -----------------------------------------------------------------
    M("drawn-state-not-pinned", "lttb/model/state.py",
      '        pin_weights(state["J"], Ne)\n', "        pass\n",
      "a drawn J is not pinned before training"),
    M("eta-out-not-decayed", "lttb/model/training.py",
      'eta_out *= schedule["lr_decay"]', "eta_out *= 1.0",
      "the read-out learning rate does not decay"),
    M("raster-bursts-as-spikes", "lttb/model/training.py",
      "spikes = np.argwhere(soma & ~window)", "spikes = np.argwhere(soma)",
      "bursts are listed as plain spikes too"),
    # ---- artifacts, config -------------------------------------------------------------------
    M("same-run-ignores-config-keys", "lttb/artifacts.py",
      "keys = [key for key in dict.fromkeys([*cfg, *old]) if old.get(key) != cfg.get(key)]",
      "keys = []",
      "same_run names no configuration key (sweeps and runs resume over other configs)"),
    M("raster-neuron-off-by-one", "lttb/experiments/fig1/results.py",
      "pair[0] >= N", "pair[0] > N",
      "an artifact with a spike of neuron N reads"),
    M("newer-schema-version-read", "lttb/artifacts.py",
      "version > SCHEMA_VERSION:", "version > SCHEMA_VERSION + 1:",
      "an artifact of a newer layout is read"),
    M("config-sizes-unchecked", "lttb/config.py",
      "ne + ni != n:", "ne + ni != n and False:",
      "Ne + Ni != N is accepted"),
    # ---- resume, CLI ---------------------------------------------------------------------------
    M("resume-keeps-other-lttb-version", "lttb/run/planning.py",
      'elif artifact["lttb_version"] != __version__:', "elif False:",
      "--resume keeps artifacts of another lttb version"),
    M("resume-overwrites-conflicts", "lttb/cli/execute.py",
      "    if conflicts:\n", "    if False:\n",
      "--resume reruns seeds of another configuration instead of refusing"),
    M("interrupt-exit-status-1", "lttb/cli/common.py",
      "EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130",
      "EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 1",
      "Ctrl-C exits with status 1"),
    # ---- plotting ------------------------------------------------------------------------------
    M("panel-output-one-bin-early", "lttb/experiments/fig1/plots.py",
      "    out_bins = np.arange(first, first + outputs.shape[1])\n    target_bins",
      "    out_bins = np.arange(0, outputs.shape[1])\n    target_bins",
      "outputs drawn one bin before their targets (the original's misalignment)"),
    M("fig2-output-one-bin-early", "lttb/experiments/fig2/plots.py",
      "        out_bins = np.arange(first, first + outputs.shape[1])\n        for o",
      "        out_bins = np.arange(0, outputs.shape[1])\n        for o",
      "Figure 2 outputs drawn one bin early"),
    M("context-trace-one-bin-late", "lttb/experiments/fig1/plots.py",
      "ax.plot(bins, trace[k] + 1.2 * k", "ax.plot(bins + 1, trace[k] + 1.2 * k",
      "the context signal of the three-row figures drawn one bin late"),
    M("across-seeds-sd-ddof-0", "lttb/experiments/fig1/plots.py",
      "np.nanstd(curves, axis=0, ddof=1)", "np.nanstd(curves, axis=0, ddof=0)",
      "the across-seed band uses the population s.d."),
]


# --------------------------------------------------------------------------- scratch copy

def tracked_files(repo: Path) -> list[str]:
    """Paths of the files git tracks in a checkout.

    Parameters
    ----------
    repo : pathlib.Path
        Root of the git checkout.

    Returns
    -------
    list of str
        Relative POSIX paths, as ``git ls-files`` lists them.
    """
    out = subprocess.run(["git", "-C", str(repo), "ls-files", "-z"], check=True,
                         capture_output=True).stdout
    return [name for name in out.decode().split("\0") if name]


def copy_checkout(repo: Path, scratch: Path) -> None:
    """Copy the working-tree state of every tracked file.

    Parameters
    ----------
    repo : pathlib.Path
        Root of the git checkout.
    scratch : pathlib.Path
        Where the copy goes (created as needed); untracked files, build
        products and caches are not copied.
    """
    for name in tracked_files(repo):
        source = repo / name
        if not source.is_file():  # deleted in the working tree
            continue
        target = scratch / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)


def check_snippets(root: Path, mutations: list[Mutation]) -> list[str]:
    """Check that every mutation applies to the sources at ``root``.

    Parameters
    ----------
    root : pathlib.Path
        An unmutated copy of the checkout.
    mutations : list of Mutation

    Returns
    -------
    list of str
        One line per problem: a name used twice, a missing file, a snippet
        not found exactly once, a replacement equal to its original.
    """
    problems = []
    seen = set()
    for m in mutations:
        if m.name in seen:
            problems.append(f"{m.name}: name used twice")
        seen.add(m.name)
        path = root / m.path
        if not path.is_file():
            problems.append(f"{m.name}: no file {m.path}")
            continue
        count = path.read_text(encoding="utf-8").count(m.original)
        if count != 1:
            problems.append(f"{m.name}: snippet found {count} times in {m.path} "
                            f"(expected exactly once): {m.original!r}")
        if m.original == m.replacement:
            problems.append(f"{m.name}: the replacement equals the original")
    return problems


# --------------------------------------------------------------------------- build and test

def _default_sigint() -> None:
    # A run started in the background (nohup ... &) ignores SIGINT, and its
    # children would inherit that: the suite's Ctrl-C test needs it back.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _env(scratch: Path) -> dict[str, str]:
    env = dict(os.environ)
    # The copy comes first on sys.path, before any installed (or editable) lttb.
    env["PYTHONPATH"] = os.pathsep.join([str(scratch), *filter(None, [env.get("PYTHONPATH")])])
    env.setdefault("OPENBLAS_NUM_THREADS", "1")
    env.setdefault("OMP_NUM_THREADS", "1")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def build(scratch: Path, log: Path) -> None:
    """Compile the extension in place in the scratch copy.

    Forced, because a change to ``_kernels.h`` alone does not make
    setuptools rebuild.

    Parameters
    ----------
    scratch : pathlib.Path
        Root of the copy.
    log : pathlib.Path
        File the compiler output is appended to.

    Raises
    ------
    RuntimeError
        When the build fails.
    """
    with open(log, "a") as handle:
        result = subprocess.run([sys.executable, "setup.py", "build_ext", "--inplace", "--force"],
                                cwd=scratch, env=_env(scratch), stdout=handle,
                                stderr=subprocess.STDOUT)
    if result.returncode != 0:
        raise RuntimeError(f"build failed (see {log})")


def check_imports_copy(scratch: Path) -> None:
    """Make sure the suite would test the copy, not an installed lttb.

    Parameters
    ----------
    scratch : pathlib.Path
        Root of the copy.

    Raises
    ------
    RuntimeError
        When a Python started like the suite imports ``lttb`` or
        ``lttb._core`` from anywhere else.
    """
    code = ("import lttb, lttb._core, sys; "
            "print(lttb.__file__); print(lttb._core.__file__)")
    # Started from tests/, as pytest puts tests/ (not the root) on sys.path.
    out = subprocess.run([sys.executable, "-c", code], cwd=scratch / "tests", env=_env(scratch),
                         check=True, capture_output=True, text=True).stdout.split()
    for where in out:
        if Path(where).resolve().parents[1] != scratch.resolve():
            raise RuntimeError(f"the suite would import {where}, not the scratch copy {scratch}")


def run_suite(scratch: Path, pytest_args: list[str], timeout: float,
              log: Path) -> tuple[str, float]:
    """Run the test suite against the copy.

    Parameters
    ----------
    scratch : pathlib.Path
        Root of the copy (the working directory of pytest).
    pytest_args : list of str
    timeout : float
        Seconds before the run and every process it started are killed.
    log : pathlib.Path
        File that receives pytest's output.

    Returns
    -------
    outcome : str
        ``"passed"``, ``"failed"`` (tests failed or did not collect) or
        ``"timeout"``.
    seconds : float
        Wall-clock time of the run.

    Raises
    ------
    RuntimeError
        When pytest ends in any other way (interrupted, internal error).
    """
    start = time.monotonic()
    pytest = [sys.executable, "-c", "import sys, pytest; sys.exit(pytest.main())"]
    with open(log, "w") as handle:
        process = subprocess.Popen([*pytest, *pytest_args], cwd=scratch, env=_env(scratch),
                                   stdout=handle, stderr=subprocess.STDOUT,
                                   start_new_session=True, preexec_fn=_default_sigint)
        try:
            status = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            # The suite's own worker processes share its session: end them all.
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            return "timeout", time.monotonic() - start
    seconds = time.monotonic() - start
    if status == 0:
        return "passed", seconds
    if status in (1, 2):  # tests failed, or collection errors
        return "failed", seconds
    raise RuntimeError(f"pytest exited with status {status} (see {log})")


def first_failure(log: Path) -> str:
    """The first failing test named in a pytest log (its FAILED or ERROR line), or ""."""
    for line in log.read_text(errors="replace").splitlines():
        if line.startswith(("FAILED ", "ERROR ")):
            return line.split(" ", 1)[1].split(" - ")[0]
    return ""


# --------------------------------------------------------------------------- main

def main(argv: list[str] | None = None) -> int:
    """Run the mutation run; see the module docstring.

    Parameters
    ----------
    argv : list of str, optional
        Command-line arguments (default ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit status: 0 every mutant killed, 1 some survived, 2 the list does
        not match the sources or the unmutated copy fails its suite.
    """
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--list", action="store_true", help="list the mutations and exit")
    parser.add_argument("--only", action="append", default=[], metavar="NAME",
                        help="run only this mutation (repeatable)")
    parser.add_argument("--timeout", type=float, default=900.0, metavar="S",
                        help="seconds per suite run; a mutant that times out counts as "
                             "killed (default 900)")
    parser.add_argument("--pytest-args", default=DEFAULT_PYTEST_ARGS, metavar="ARGS",
                        help=f"arguments of each suite run (default {DEFAULT_PYTEST_ARGS!r})")
    parser.add_argument("--no-baseline", action="store_true",
                        help="skip the run of the unmutated copy (which must pass)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the scratch directory (its path is printed)")
    args = parser.parse_args(argv)

    if args.list:
        for m in MUTATIONS:
            kind = "compiled" if m.compiled else "python"
            print(f"{m.name:40s} {m.path:20s} {kind:8s} {m.breaks}")
        return 0
    unknown = [name for name in args.only if name not in {m.name for m in MUTATIONS}]
    if unknown:
        parser.error(f"unknown mutation(s): {', '.join(unknown)} (see --list)")
    chosen = [m for m in MUTATIONS if not args.only or m.name in args.only]
    # Python mutants first, on the unmutated build; then one build per compiled mutant.
    chosen.sort(key=lambda m: m.compiled)
    pytest_args = shlex.split(args.pytest_args)

    scratch = Path(tempfile.mkdtemp(prefix="lttb-mutants-"))
    logs = scratch / "_mutation_logs"
    try:
        copy_checkout(REPO, scratch / "src")
        root = scratch / "src"
        problems = check_snippets(root, MUTATIONS)
        if problems:
            print("the mutation list does not match the sources:\n  " + "\n  ".join(problems),
                  file=sys.stderr)
            return 2
        logs.mkdir()
        print(f"scratch copy: {root}", flush=True)
        print("building the unmutated core ...", flush=True)
        build(root, logs / "build.log")
        check_imports_copy(root)
        if not args.no_baseline:
            outcome, seconds = run_suite(root, pytest_args, args.timeout, logs / "baseline.log")
            print(f"unmutated suite: {outcome} in {seconds:.0f} s", flush=True)
            if outcome != "passed":
                print(f"the unmutated copy must pass its suite (see {logs / 'baseline.log'})",
                      file=sys.stderr)
                return 2

        rows = []
        for m in chosen:
            path = root / m.path
            original = path.read_text(encoding="utf-8")
            path.write_text(original.replace(m.original, m.replacement), encoding="utf-8")
            log = logs / f"{m.name}.log"
            try:
                if m.compiled:
                    build(root, logs / "build.log")
                check_imports_copy(root)
                outcome, seconds = run_suite(root, pytest_args, args.timeout, log)
            finally:
                path.write_text(original, encoding="utf-8")
            killed = outcome != "passed"
            by = first_failure(log) if outcome == "failed" else outcome
            rows.append((m, killed, seconds, by))
            print(f"{m.name:40s} {'killed' if killed else 'SURVIVED':8s} {seconds:6.0f} s  {by}",
                  flush=True)
        if any(m.compiled for m in chosen):
            build(root, logs / "build.log")  # leave the copy unmutated (with --keep)

        n_killed = sum(1 for _, killed, _, _ in rows if killed)
        print()
        print(f"{'mutation':40s} {'file':20s} {'result':8s} first failing test")
        for m, killed, _, by in rows:
            print(f"{m.name:40s} {m.path:20s} {'killed' if killed else 'SURVIVED':8s} "
                  f"{by if killed else ''}")
        print(f"\nscore: {n_killed}/{len(rows)} killed"
              + (f" ({100 * n_killed / len(rows):.0f} %)" if rows else ""))
        return 0 if n_killed == len(rows) else 1
    finally:
        if args.keep:
            print(f"kept {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
