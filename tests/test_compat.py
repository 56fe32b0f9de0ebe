"""Names of lttb 0.1.0 still import from their old paths, with a warning naming the new one."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

#: Old module -> names the 0.1.0 changelog (or the module's __all__) documented,
#: each with the module that holds it now.
MOVED = {
    "lttb.network": {"Network": "lttb.model.network", "TrialResult": "lttb.model.network",
                     "StateError": "lttb.model.state", "clock": "lttb.model.state",
                     "draw_initial_state": "lttb.model.state",
                     "target_trajectories": "lttb.model.state",
                     "check_arrays": "lttb.model.state", "default_threads": "lttb.model.engines",
                     "THREADS_VARIABLE": "lttb.model.engines",
                     "training_settings": "lttb.model.rule", "pin_weights": "lttb.model.rule"},
    "lttb.reference": {"ReferenceNetwork": "lttb.model.network", "sigmoid": "lttb.model.oracle",
                       "outer_mse": "lttb.model.oracle"},
    "lttb.protocol": {"run_schedule": "lttb.model.training", "full_test": "lttb.model.training",
                      "raster_events": "lttb.model.training",
                      "mse_between": "lttb.model.training", "schedule_of": "lttb.config",
                      "mean_sd": "lttb.stats", "nested_shape": "lttb.stats"},
    "lttb.fig2": {"run_fig2": "lttb.experiments.fig2.protocol",
                  "context_tests": "lttb.experiments.fig2.protocol",
                  "turnoff_windows": "lttb.experiments.fig2.results",
                  "window_mse": "lttb.experiments.fig2.results",
                  "check_config": "lttb.experiments.fig2.results",
                  "context_scores": "lttb.experiments.fig2.results",
                  "summarize_context_tests": "lttb.experiments.fig2.results"},
    "lttb.sweep": {"parse_grid": "lttb.run.sweep", "plan_sweep": "lttb.run.sweep",
                   "run_sweep": "lttb.run.loop", "collect_sweep": "lttb.run.sweep",
                   "summarize_sweep": "lttb.run.sweep", "plot_sweep": "lttb.plotting.sweep"},
    "lttb.backends": {"LocalBackend": "lttb.run.executors", "DaskBackend": "lttb.run.executors",
                      "make_backend": "lttb.run.executors"},
    "lttb.runner": {"run_seeds": "lttb.run.seeds", "plan_resume": "lttb.run.planning",
                    "seed_task": "lttb.run.tasks"},
    "lttb.sweep_cli": {"add_sweep_parser": "lttb.cli.parser",
                       "run_sweep_command": "lttb.cli.sweep"},
    "lttb.plotting": {"plot_panel": "lttb.experiments.fig1.plots",
                      "plot_fig2_bars": "lttb.experiments.fig2.plots",
                      "draw_all": "lttb.plotting.draw"},
}
CASES = [(old, name, new) for old, names in MOVED.items() for name, new in names.items()]


@pytest.mark.parametrize("old, name, new", CASES, ids=[f"{o}.{n}" for o, n, _ in CASES])
def test_old_name_warns_and_is_the_new_object(old, name, new):
    module = importlib.import_module(old)
    new_name = "run" if name == "run_fig2" else name
    with pytest.warns(DeprecationWarning, match=rf"{old}\.{name} is deprecated.*use {new}"):
        value = getattr(module, name)
    assert value is getattr(importlib.import_module(new), new_name)


def test_from_import_of_an_old_name_warns():
    with pytest.warns(DeprecationWarning, match="use lttb.model.training.run_schedule"):
        from lttb.protocol import run_schedule
    from lttb.model.training import run_schedule as new
    assert run_schedule is new


def test_unknown_old_name_is_an_attribute_error():
    import lttb.protocol
    with pytest.raises(AttributeError, match="module 'lttb.protocol' has no attribute 'nope'"):
        lttb.protocol.nope  # noqa: B018
    assert "run_schedule" in dir(lttb.protocol)


def test_cli_figure_table_is_the_catalog():
    import lttb.cli
    from lttb.experiments import catalog
    with pytest.warns(DeprecationWarning, match="lttb.cli.FIGURES is deprecated"):
        figures = lttb.cli.FIGURES
    assert list(figures) == list(catalog.CATALOG)
    assert list(figures)[:2] == ["fig1", "fig2"]
    assert figures["fig2"].preset == "fig2"
    assert figures["fig2"].protocol is importlib.import_module(
        "lttb.experiments.fig2.protocol").run


def test_top_level_names_are_lazy_and_not_deprecated(tmp_path):
    # lttb.Network is the public name: no warning, and the model only loads
    # when it is used (PEP 562).
    code = ("import sys, warnings; warnings.simplefilter('error'); import lttb; "
            "assert 'lttb.model' not in sys.modules; n = lttb.Network; "
            "assert 'lttb.model' in sys.modules; "
            "from lttb.model import Network; assert n is Network; "
            "assert lttb.ReferenceNetwork.default_engine == 'oracle'")
    # From a scratch directory, so that a source checkout does not shadow lttb.
    subprocess.run([sys.executable, "-c", code], check=True, cwd=tmp_path)


def test_nothing_in_the_package_uses_an_old_path():
    """No module of the package imports a deprecated module (static check, every import)."""
    import ast
    from pathlib import Path

    import lttb

    root = Path(lttb.__file__).parent
    shims = {old.rpartition(".")[2] for old in MOVED if old != "lttb.plotting"}
    offenders = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if relative.parent == Path(".") and relative.stem in shims:
            continue
        package = ["lttb", *relative.parent.parts]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = package[:len(package) - node.level + 1] if node.level else []
                module = ".".join([*base, *(node.module.split(".") if node.module else [])])
                targets = [module] + [f"{module}.{alias.name}" for alias in node.names]
            for target in targets:
                if target in {f"lttb.{shim}" for shim in shims}:
                    offenders.append(f"{relative}:{node.lineno} imports {target}")
    assert len(list(root.rglob("*.py"))) > 30
    assert not offenders, "\n".join(offenders)
