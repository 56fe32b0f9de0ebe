"""The committed S1 and S2 results against the authors' published runs.

Criteria (issue #18): per scan value, every value present with the
published number of runs, the mean final ``dist_B`` within a factor 3 of the
authors' mean (S1: every value; S2: N >= 250, where their runs converge)
and the mean ``number_B`` within 35 % of theirs.  The authors' values
(Capone, Lupo, Muratore, Paolucci, ICML 2022; cosimolupo/LTTB, CC BY 4.0)
are in ``lttb/experiments/si1/paper.py`` and ``si2/paper.py``.

The numbers come from ``tests/data/committed_results.json`` (tests read only
``tests/``), which ``tests/data/committed_results.py`` copies from the
committed artifacts, with each file's SHA-256.
"""

from __future__ import annotations

import json
import pathlib
from statistics import mean

import pytest

from lttb.experiments.catalog import experiment
from lttb.experiments.si1.paper import PAPER as PAPER_SI1
from lttb.experiments.si2.paper import PAPER as PAPER_SI2

RESULTS = json.loads((pathlib.Path(__file__).with_name("data")
                      / "committed_results.json").read_text())
#: The figures whose full runs are committed.
COMMITTED = ("si1", "si2")
CASES = {
    "si1": (PAPER_SI1, lambda value: True),
    "si2": (PAPER_SI2, lambda value: value >= 250),
}


@pytest.mark.parametrize("figure", COMMITTED)
def test_committed_results_match_the_published_runs(figure):
    paper, dist_checked = CASES[figure]
    spec = experiment(figure)
    key = spec.variants["key"]
    problems = []
    for variant in spec.variants["choices"]:
        runs = [r for r in RESULTS[figure] if r["variant"] == variant]
        expected = spec.variants["seeds"][variant]
        if sorted(r["seed"] for r in runs) != list(range(expected)):
            problems.append(f"{variant}: seeds {sorted(r['seed'] for r in runs)}, expected "
                            f"0..{expected - 1}")
            continue
        assert all(r["n_iterations"] == 1000 and r["file"].startswith(f"artifacts/{figure}/")
                   for r in runs)
        value = runs[0][key]
        assert float(variant.partition("=")[2]) == value
        dist = mean(r["final_dist_B"] for r in runs)
        bursts = mean(r["number_B"] for r in runs)
        ref = paper[variant]
        if dist_checked(value) and not ref["final_dist_B"] / 3 <= dist <= 3 * ref["final_dist_B"]:
            problems.append(f"{variant}: mean final dist_B {dist:.3g}, authors "
                            f"{ref['final_dist_B']:.3g} (more than a factor 3 apart)")
        if abs(bursts - ref["number_B"]) > 0.35 * ref["number_B"]:
            problems.append(f"{variant}: mean number_B {bursts:.1f}, authors "
                            f"{ref['number_B']:.1f} (more than 35 % apart)")
    assert not problems, "\n".join(problems)
