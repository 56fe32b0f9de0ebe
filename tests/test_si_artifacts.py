"""The committed S1 and S2 results against the authors' published runs.

Criteria (issue #18): per scan value, every value present with the
published number of runs, the mean final ``dist_B`` within a factor 3 of the
authors' mean (S1: every value; S2: N >= 250, where their runs converge)
and the mean ``number_B`` within 35 % of theirs.  The authors' values
(Capone, Lupo, Muratore, Paolucci, ICML 2022; cosimolupo/LTTB, CC BY 4.0)
are in ``lttb/experiments/si1/paper.py`` and ``si2/paper.py``.

A figure's results are committed only once its full run has finished; until
then its directory holds no artifacts and its test is skipped, saying so (a
directory with only some of the runs fails).
"""

from __future__ import annotations

import pathlib
from statistics import mean

import pytest

from lttb import artifacts as A
from lttb.experiments.catalog import experiment
from lttb.experiments.si1.paper import PAPER as PAPER_SI1
from lttb.experiments.si2.paper import PAPER as PAPER_SI2

ROOT = pathlib.Path(__file__).resolve().parents[1] / "artifacts"
CASES = {
    "si1": (PAPER_SI1, lambda value: True),
    "si2": (PAPER_SI2, lambda value: value >= 250),
}


@pytest.mark.parametrize("figure", sorted(CASES))
def test_committed_results_match_the_published_runs(figure):
    directory = ROOT / figure
    if not directory.is_dir() or not any(directory.rglob("seed-*.json")):
        pytest.skip(f"artifacts/{figure} holds no results yet (its full run has not finished)")
    paper, dist_checked = CASES[figure]
    spec = experiment(figure)
    key = spec.variants["key"]
    problems = []
    for variant in spec.variants["choices"]:
        files = A.find_artifacts(directory / variant)
        runs = [A.read_artifact(path) for path in files]
        expected = spec.variants["seeds"][variant]
        if len(runs) != expected:
            problems.append(f"{variant}: {len(runs)} runs, expected {expected}")
            continue
        assert all(r["variant"] == variant and r["schedule"]["n_iterations"] == 1000
                   for r in runs)
        value = runs[0]["config"][key]
        dist = mean(r["dist_B"][-1] for r in runs)
        bursts = mean(r["number_B"] for r in runs)
        ref = paper[variant]
        if dist_checked(value) and not ref["final_dist_B"] / 3 <= dist <= 3 * ref["final_dist_B"]:
            problems.append(f"{variant}: mean final dist_B {dist:.3g}, authors "
                            f"{ref['final_dist_B']:.3g} (more than a factor 3 apart)")
        if abs(bursts - ref["number_B"]) > 0.35 * ref["number_B"]:
            problems.append(f"{variant}: mean number_B {bursts:.1f}, authors "
                            f"{ref['number_B']:.1f} (more than 35 % apart)")
    assert not problems, "\n".join(problems)
