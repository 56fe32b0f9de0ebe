"""Copy what the tests check of the committed full runs into ``committed_results.json``.

Tests read only ``tests/`` (CI runs them from a copy of that folder), so the
numbers that ``tests/test_si_artifacts.py`` compares with the authors' come
from this file, not from ``artifacts/``.  Run it from the repository root
after committing a full run::

    python tests/data/committed_results.py

For every artifact of ``artifacts/si1`` and ``artifacts/si2`` it keeps the
variant, seed, scan value, iterations, the last ``dist_B``, ``number_B``,
``number_B_rec``; for every artifact of ``artifacts/fig3`` the variant, seed,
epochs and the per-epoch ``R_mean``, ``button_rate`` and ``food_rate``; and
each file's SHA-256 (so a changed artifact shows in the diff of this file).
"""

from __future__ import annotations

import hashlib
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = pathlib.Path(__file__).with_name("committed_results.json")
FIGURES = {"si1": "sigma_targ", "si2": "N"}
FIG3_CURVES = ("R_mean", "button_rate", "food_rate")


def extract() -> dict:
    results: dict = {}
    for figure, key in FIGURES.items():
        runs = []
        for path in sorted((ROOT / "artifacts" / figure).glob("*/seed-*.json")):
            data = path.read_bytes()
            artifact = json.loads(data)
            runs.append({"variant": artifact["variant"], "seed": artifact["seed"],
                         key: artifact["config"][key],
                         "n_iterations": artifact["schedule"]["n_iterations"],
                         "final_dist_B": artifact["dist_B"][-1],
                         "number_B": artifact["number_B"],
                         "number_B_rec": artifact["number_B_rec"],
                         "file": path.relative_to(ROOT).as_posix(),
                         "sha256": hashlib.sha256(data).hexdigest()})
        if runs:
            results[figure] = runs
    runs = []
    for path in sorted((ROOT / "artifacts" / "fig3").glob("*/seed-*.json")):
        data = path.read_bytes()
        artifact = json.loads(data)
        runs.append({"variant": artifact["variant"], "seed": artifact["seed"],
                     "epochs": artifact["schedule"]["epochs"],
                     **{key: artifact[key] for key in FIG3_CURVES},
                     "file": path.relative_to(ROOT).as_posix(),
                     "sha256": hashlib.sha256(data).hexdigest()})
    if runs:
        results["fig3"] = runs
    return results


if __name__ == "__main__":
    OUT.write_text(json.dumps(extract(), indent=1) + "\n")
    print(f"wrote {OUT.relative_to(ROOT)}")
