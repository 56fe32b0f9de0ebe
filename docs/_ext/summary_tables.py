"""Tables of a committed run's numbers, read from its summary at build time.

``.. lttb-summary:: fig1/summary.json`` (a path under the repository's
``artifacts/``) renders what that summary holds as a table, in the layout
of the figure it belongs to, so that the experiment pages quote the
committed numbers rather than copies of them:

- a Figure 1 or Figure 2 summary: the final teacher-off outer MSE of each
  seed, with mean and s.d.; a Figure 2 summary adds its context tests;
- a sweep summary (``sweep-summary.json``): one row per grid point;
- a Figure 3 summary: per variant the final and last-epochs reward and
  success rates, beside the paper's values;
- an S1 or S2 summary: per scan value the final ``dist_B`` and the number of
  bursts, beside the authors' runs.
"""

from __future__ import annotations

import json
from pathlib import Path

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from schema_tables import table

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


def pm(stats: dict, digits: int = 3) -> str:
    """``mean ± s.d.`` of a stats block (``n`` = 1 has no s.d.)."""
    if stats.get("sd") is None:
        return f"{stats['mean']:.{digits}g}"
    return f"{stats['mean']:.{digits}g} ± {stats['sd']:.{digits - 1}g}"


def figure_rows(summary: dict) -> list[nodes.Node]:
    seeds = ", ".join(str(s) for s in summary["seeds"])
    per_seed = [[str(e["seed"]), "diverged" if e["final_outer_mse"] is None else f"{e['final_outer_mse']:.4f}"]
                for e in summary["final_outer_mse"]]
    result = [nodes.paragraph(text=(
        f"Final teacher-off outer MSE over seeds {seeds}: "
        f"{summary['mean']:.4f} ± {summary['sd']:.4f} (mean ± s.d., n = {summary['n']}); "
        f"lttb {summary['lttb_version']}."))]
    result.append(table(per_seed, ["seed", "final outer MSE"], [10, 20]))
    tests = summary.get("context_tests")
    if tests:
        labels = {
            "on_diagonal": "full context, against the right target",
            "off_diagonal": "full context, against the wrong target",
            "before_right": "turn-off test, before, right target",
            "before_wrong": "turn-off test, before, wrong target",
            "after_right": "turn-off test, after, right target",
            "after_wrong": "turn-off test, after, wrong target",
        }
        rows = [[key, label, pm(tests[key])] for key, label in labels.items() if key in tests]
        result.append(nodes.rubric(text="Context tests (teacher off), MSE mean ± s.d. over seeds"))
        result.append(table(rows, ["score", "what", "MSE"], [16, 50, 20]))
    return result


def sweep_rows(summary: dict) -> list[nodes.Node]:
    keys = summary["swept"]
    rows = []
    for point in summary["points"]:
        values = [str(point["point"].get(k)) for k in keys]
        rows.append([point["dir"], *values, ", ".join(str(s) for s in point["seeds"]),
                     f"{point['mean']:.4f} ± {point['sd']:.4f}"])
    return [nodes.paragraph(text=(
                f"Final teacher-off outer MSE per grid point of the committed {summary['figure']} "
                f"sweep (mean ± s.d. over seeds; lttb {summary['lttb_version']}).")),
            table(rows, ["point", *keys, "seeds", "final outer MSE"],
                  [18] + [8] * len(keys) + [12, 24])]


def fig3_rows(summary: dict) -> list[nodes.Node]:
    block = summary["fig3"]
    last = block["last_epochs"]
    names = {"R_mean": "reward", "button_rate": "button rate", "food_rate": "food rate"}
    theirs = (block.get("published") or {}).get("variants", {})
    rows = []
    for variant, data in block["variants"].items():
        for key, name in names.items():
            authors = theirs.get(variant)
            rows.append([f"{variant}: {name}", pm(data["final"][key]),
                         pm(data["last_epochs"][key]),
                         pm(authors["last_epochs"][key]) if authors else "",
                         f"{block['paper'][variant][key]:.2f}" if variant in block["paper"] else ""])
    windows = sorted({f"{v['epochs'][0]}-{v['epochs'][1]}" for v in theirs.values()})
    authors_text = (f"; the authors' ten published runs (cosimolupo/LTTB, CC BY 4.0) over the "
                    f"same epochs ({', '.join(windows)}), mean ± s.d. over runs" if windows else "")
    per_seed = [[variant, str(seed)] + [f"{data['last_epochs'][key]['per_seed'][i]:.3f}"
                                        for key in names]
                for variant, data in block["variants"].items()
                for i, seed in enumerate(data["seeds"])]
    return [nodes.paragraph(text=(
                f"Per variant, mean ± s.d. over seeds at the last epoch and averaged over the "
                f"last {last} epochs{authors_text}; and the value the paper reports after its "
                f"full training (lttb {summary['lttb_version']}).")),
            table(rows, ["variant: measure", "last epoch", f"last {last} epochs",
                         "authors' runs", "paper"],
                  [22, 18, 18, 18, 8]),
            nodes.rubric(text=f"Per seed, averaged over the last {last} epochs"),
            table(per_seed, ["variant", "seed", *names.values()], [12, 8, 12, 14, 12])]


def bursts_rows(summary: dict) -> list[nodes.Node]:
    """An S1 or S2 summary: per scan value the final dist_B and number_B, beside the authors'."""
    block = summary["bursts"]
    rows = []
    for point in block["points"]:
        paper = point.get("paper") or {}
        rows.append([point["variant"], str(len(point["seeds"])),
                     pm(point["final_dist_B"]),
                     f"{paper['final_dist_B']:.3g}" if paper.get("final_dist_B") else "",
                     pm(point["number_B"], 4),
                     f"{paper['number_B']:.4g}" if paper.get("number_B") else ""])
    return [nodes.paragraph(text=(
                f"Per value of {block['key']}: the last iteration's dist_B and the number of "
                f"target bursts after it, mean ± s.d. over the runs, beside the means of the "
                f"authors' runs (C. Capone, C. Lupo, P. Muratore, P. S. Paolucci, "
                f"cosimolupo/LTTB, CC BY 4.0; lttb {summary['lttb_version']}).")),
            table(rows, ["value", "runs", "final dist_B", "authors", "number_B", "authors"],
                  [18, 6, 22, 12, 16, 10])]


class SummaryDirective(SphinxDirective):
    """``.. lttb-summary:: RUN/summary.json``, a path under ``artifacts/``."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        path = ARTIFACTS / self.arguments[0]
        self.env.note_dependency(str(path))
        summary = json.loads(path.read_text(encoding="utf-8"))
        if "points" in summary:
            return sweep_rows(summary)
        if "fig3" in summary:
            return fig3_rows(summary)
        if "bursts" in summary:
            return bursts_rows(summary)
        return figure_rows(summary)


def setup(app):
    app.add_directive("lttb-summary", SummaryDirective)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
