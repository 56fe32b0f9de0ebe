"""The package's import rules, read from its static import graph, and its light face.

The package has a heavy half -- :mod:`lttb.model`, which drives the compiled
extension ``lttb._core`` -- and a light half that only reads and draws
finished results.  Replotting committed artifacts, ``import lttb`` and
``lttb-reproduce --help`` must work on a machine where the compiled core
cannot load (a wheel built for another platform, a broken build) and must not
pay for loading it.  That only stays true if the import graph keeps its
shape, so these rules are checked on every import statement of the installed
package:

1. **No cycles.**  A cycle makes the import order (and so what is defined
   when) depend on which module happens to be imported first.
2. **The light modules never reach the model.**  No module
   ``lttb/experiments/*/plots.py``, ``lttb/experiments/*/results.py`` or of
   ``lttb/plotting`` reaches ``lttb.model`` or ``lttb._core`` through any
   chain of imports.  Importing a module also runs the ``__init__`` of each
   of its parent packages, so a chain may pass through package ``__init__``
   files (the module's own ones included).
3. **Only the model touches the core.**  Only modules of ``lttb.model``
   import ``lttb._core`` directly: one place knows the extension's API.
4. **argparse belongs to the command line.**  No module outside ``lttb.cli``
   imports :mod:`argparse`: the library is usable without it and the command
   line is one place.
5. **No drawing code in the engine.**  No module under ``lttb.model`` or
   ``lttb.run`` has "plot", "results" or "figures" in its name.

"Every import statement" is meant literally: imports inside functions and
under ``if TYPE_CHECKING:`` count as much as top-level ones (a function-level
import is still a dependency, just a later one; a TYPE_CHECKING import is
what a type checker and a reader follow).  What is *not* an import statement
is a string handed to :func:`importlib.import_module`: that is how the light
face (``lttb.__getattr__``, the experiment catalog, the deprecated shims)
defers the heavy modules on purpose, and the runtime tests at the end check
that the deferral really keeps them out of ``sys.modules``.

The graph is built from the ``.py`` files of the *installed* package (the
tests run against a wheel, from a directory holding only ``tests/`` and
``pyproject.toml``), found without importing it.  The ``test_selftest_*``
functions run the same checker on a small synthetic package that breaks
every rule, so that a checker that finds nothing cannot pass silently.
"""

from __future__ import annotations

import ast
import importlib.machinery
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import textwrap
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

HERE = Path(__file__).parent

PACKAGE = "lttb"
CORE = "lttb._core"
MODEL = "lttb.model"
CLI = "lttb.cli"
#: Words no module name under lttb.model or lttb.run may contain.
FORBIDDEN_NAME_PARTS = ("plot", "results", "figures")
#: The real package has ~45 modules; the old flat layout had 17.  A walk that
#: finds fewer than this looked in the wrong place.
MIN_MODULES = 30
#: Modules the new layout must have, so that no rule below holds vacuously
#: (e.g. the light rule with no light module found).
REQUIRED_MODULES = (
    "lttb", CORE, "lttb.config", MODEL, "lttb.model.engines", "lttb.experiments",
    "lttb.experiments.catalog", "lttb.experiments.fig1.plots",
    "lttb.experiments.fig1.results", "lttb.experiments.fig2.plots",
    "lttb.experiments.fig2.results", "lttb.plotting", "lttb.run", CLI,
)


# --------------------------------------------------------------------------- the import graph

@dataclass
class ImportGraph:
    """The static imports between the modules of one package.

    Attributes
    ----------
    package : str
        Top-level package name (the directory's name).
    modules : set of str
        Dotted names of every module: one per ``.py`` file, plus each
        compiled extension module (which has no source to parse).
    packages : set of str
        The modules that are packages (an ``__init__.py``).
    edges : dict
        ``module -> {imported module of the package: line of the first
        import statement}``.
    external : dict
        ``module -> {top-level name of each module imported from outside the
        package}`` (``argparse``, ``numpy``, ...).
    files : dict
        ``module -> path relative to the package's parent`` (for messages).
    """

    package: str
    modules: set[str] = field(default_factory=set)
    packages: set[str] = field(default_factory=set)
    edges: dict[str, dict[str, int]] = field(default_factory=dict)
    external: dict[str, set[str]] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)

    def __repr__(self) -> str:
        # Short: pytest prints the fixture's repr with every failure.
        return f"<ImportGraph of {self.package}: {len(self.modules)} modules>"

    def imports(self, module: str) -> list[str]:
        """Modules of the package that ``module`` imports, sorted."""
        return sorted(self.edges.get(module, {}))

    def parent_package(self, module: str) -> str | None:
        """The package whose ``__init__`` runs before ``module`` is imported."""
        parent = module.rpartition(".")[0]
        return parent if parent in self.packages else None

    def where(self, source: str, target: str) -> str:
        """``file:line`` of the import statement of ``target`` in ``source``."""
        return f"{self.files.get(source, source)}:{self.edges[source][target]}"


def is_within(name: str, prefix: str) -> bool:
    """``name`` is the module ``prefix`` or one of its submodules."""
    return name == prefix or name.startswith(prefix + ".")


def extension_module_name(filename: str) -> str | None:
    """``"_core"`` for ``_core.cpython-311-x86_64-linux-gnu.so``; None if not compiled."""
    # Longest suffix first: ".so" is also the tail of ".abi3.so".
    for suffix in sorted(importlib.machinery.EXTENSION_SUFFIXES, key=len, reverse=True):
        if filename.endswith(suffix):
            return filename[: -len(suffix)]
    return None


def module_name(relative: Path) -> str:
    """``lttb/model/__init__.py`` -> ``lttb.model``; ``lttb/config.py`` -> ``lttb.config``."""
    parts = list(relative.with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(graph: ImportGraph, name: str) -> str:
    """The module a dotted name of the package lands in.

    A name that is not a module (a function, a class, a module that does not
    exist) counts as an import of the longest module prefix: importing
    ``lttb.model.Network`` runs ``lttb.model`` at least.
    """
    while name not in graph.modules and "." in name:
        name = name.rpartition(".")[0]
    return name


def _import_targets(graph: ImportGraph, module: str, node: ast.AST) -> Iterable[str]:
    """Absolute names one ``import``/``from ... import`` statement brings in.

    Yields the dotted names as written (resolved for relative imports), not
    yet mapped to modules of the package.
    """
    if isinstance(node, ast.Import):
        for alias in node.names:
            yield alias.name
        return
    assert isinstance(node, ast.ImportFrom)
    if node.level:
        # The package a relative import starts from: the module itself for
        # an __init__.py, else its parent; each extra dot goes one level up.
        package = module if module in graph.packages else module.rpartition(".")[0]
        parts = package.split(".")
        if node.level - 1 >= len(parts):
            raise ValueError(f"{graph.files[module]}:{node.lineno}: relative import "
                             f"beyond the top-level package")
        base = ".".join(parts[: len(parts) - (node.level - 1)])
        if node.module:
            base = f"{base}.{node.module}"
    else:
        base = node.module or ""
    for alias in node.names:
        candidate = f"{base}.{alias.name}"
        # `from X import y` imports the submodule X.y when there is one, else
        # takes the name y from X.
        if alias.name != "*" and candidate in graph.modules:
            yield candidate
        else:
            yield base


def build_graph(package_dir: Path) -> ImportGraph:
    """Parse every ``.py`` file under ``package_dir`` into an :class:`ImportGraph`."""
    package_dir = Path(package_dir)
    graph = ImportGraph(package=package_dir.name)
    root = package_dir.parent
    sources: dict[str, Path] = {}
    for path in sorted(package_dir.rglob("*")):
        if "__pycache__" in path.parts or not path.is_file():
            continue
        relative = path.relative_to(root)
        if path.suffix == ".py":
            name = module_name(relative)
            sources[name] = path
            if path.name == "__init__.py":
                graph.packages.add(name)
        else:
            stem = extension_module_name(path.name)
            if stem is None:
                continue  # data, .pyi stubs, .pyx sources: not importable modules
            name = module_name(relative.with_name(stem + ".py"))
        graph.modules.add(name)
        graph.files[name] = relative.as_posix()
    # The core is compiled: a source tree (or a wheel for another platform)
    # may hold only its .pyx/.pyi, yet imports of it are edges like any other.
    graph.modules.add(f"{graph.package}._core")

    for name, path in sources.items():
        edges = graph.edges.setdefault(name, {})
        external = graph.external.setdefault(name, set())
        tree = ast.parse(path.read_bytes(), filename=str(path))
        # ast.walk visits every node: imports in functions, methods, class
        # bodies, try/except and `if TYPE_CHECKING:` blocks all count.
        for node in ast.walk(tree):
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            for target in _import_targets(graph, name, node):
                if is_within(target, graph.package):
                    edges.setdefault(_resolve(graph, target), node.lineno)
                elif target:
                    external.add(target.partition(".")[0])
    return graph


# --------------------------------------------------------------------------- the rules

def find_cycles(graph: ImportGraph) -> list[list[str]]:
    """One cycle ``[a, b, ..., a]`` per import cycle of the package.

    A cycle is a strongly connected component of the explicit import edges
    with more than one module, or a module that imports itself.
    """
    cycles = []
    for component in strongly_connected_components(graph):
        if len(component) > 1 or component[0] in graph.edges.get(component[0], {}):
            start = min(component)
            members = set(component)
            path = shortest_path(start, lambda m: [t for t in graph.imports(m) if t in members],
                                 lambda m: m == start, include_start=False)
            assert path is not None, component  # a strongly connected component
            cycles.append([start, *path])
    return sorted(cycles)


def strongly_connected_components(graph: ImportGraph) -> list[list[str]]:
    """Tarjan's algorithm over the explicit edges (iterative: no recursion limit)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(graph.imports(root)))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            for successor in successors:
                if successor not in index:
                    index[successor] = low[successor] = len(index)
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(graph.imports(successor))))
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index[successor])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    components.append(sorted(component))
    return components


def shortest_path(start, successors, is_goal, include_start=True):
    """Breadth-first path from ``start`` to the first node with ``is_goal``; None if none.

    With ``include_start=False`` the path leaves ``start`` before the goal is
    tested, so ``start`` itself can be the goal (a cycle back to it).
    """
    parents: dict[str, str | None] = {start: None}
    queue = deque([start])
    if include_start and is_goal(start):
        return [start]
    while queue:
        node = queue.popleft()
        for successor in successors(node):
            if is_goal(successor):
                path = [successor, node]
                while parents[path[-1]] is not None:
                    path.append(parents[path[-1]])
                path.reverse()
                return path if include_start else path[1:]
            if successor not in parents:
                parents[successor] = node
                queue.append(successor)
    return None


def runs_when_imported(graph: ImportGraph, module: str) -> list[str]:
    """What importing ``module`` runs next: its imports and its parent package's ``__init__``.

    Following the parent step repeatedly covers every ancestor, both for the
    module itself and for each module it imports.
    """
    following = graph.imports(module)
    parent = graph.parent_package(module)
    if parent is not None and parent not in following:
        following.append(parent)
    return following


def is_heavy(graph: ImportGraph, name: str) -> bool:
    """``lttb.model`` (or a submodule of it) or ``lttb._core``."""
    return is_within(name, f"{graph.package}.model") or name == f"{graph.package}._core"


def is_light(graph: ImportGraph, name: str) -> bool:
    """A module that reads or draws results: experiments' plots/results, lttb.plotting."""
    parts = name.split(".")
    in_experiment = parts[:2] == [graph.package, "experiments"] and len(parts) >= 4
    return ((in_experiment and parts[-1] in ("plots", "results"))
            or is_within(name, f"{graph.package}.plotting"))


def heavy_chains(graph: ImportGraph) -> dict[str, list[str]]:
    """``light module -> shortest import chain from it to the model or the core``."""
    chains = {}
    for module in sorted(m for m in graph.modules if is_light(graph, m)):
        path = shortest_path(module, lambda m: runs_when_imported(graph, m),
                             lambda m: is_heavy(graph, m))
        if path is not None:
            chains[module] = path
    return chains


def core_importers(graph: ImportGraph) -> list[str]:
    """Modules outside ``lttb.model`` with an import statement of ``lttb._core``."""
    core, model = f"{graph.package}._core", f"{graph.package}.model"
    return sorted(m for m, targets in graph.edges.items()
                  if core in targets and not is_within(m, model))


def argparse_importers(graph: ImportGraph) -> list[str]:
    """Modules outside ``lttb.cli`` that import :mod:`argparse`."""
    cli = f"{graph.package}.cli"
    return sorted(m for m, names in graph.external.items()
                  if "argparse" in names and not is_within(m, cli))


def badly_named(graph: ImportGraph) -> list[str]:
    """Modules under ``lttb.model``/``lttb.run`` whose name mentions plots, results or figures."""
    bad = []
    for module in sorted(graph.modules):
        for prefix in (f"{graph.package}.model", f"{graph.package}.run"):
            if module.startswith(prefix + "."):
                # Every component below the prefix: a subpackage's name counts.
                below = module[len(prefix) + 1:].lower().split(".")
                if any(word in part for part in below for word in FORBIDDEN_NAME_PARTS):
                    bad.append(module)
    return bad


def format_chain(graph: ImportGraph, chain: list[str]) -> str:
    """One step per line, each with the import statement (or package) that takes it."""
    lines = [f"    {chain[0]}"]
    for source, target in zip(chain, chain[1:]):
        if target in graph.edges.get(source, {}):
            lines.append(f"      -> {target}  ({graph.where(source, target)})")
        else:
            lines.append(f"      -> {target}  (package __init__, runs before {source})")
    return "\n".join(lines)


# --------------------------------------------------------------------------- the installed package

def installed_package_dir() -> Path:
    """Directory of the installed ``lttb``, found without running its ``__init__``."""
    spec = importlib.util.find_spec(PACKAGE)
    assert spec is not None and spec.origin, f"{PACKAGE} is not installed"
    return Path(spec.origin).resolve().parent


@pytest.fixture(scope="module")
def graph():
    package_dir = installed_package_dir()
    assert (package_dir / "__init__.py").is_file(), package_dir
    return build_graph(package_dir)


def test_the_graph_is_the_whole_package(graph):
    # Without this, an empty or wrong walk would pass every rule below.  All
    # problems at once: a half-built layout shows what it still lacks.
    problems = []
    if len(graph.modules) < MIN_MODULES:
        problems.append(f"only {len(graph.modules)} modules (< {MIN_MODULES}): "
                        f"{sorted(graph.modules)}")
    missing = [m for m in REQUIRED_MODULES if m not in graph.modules]
    if missing:
        problems.append(f"modules of the layout not found: {missing}")
    if CORE not in graph.edges.get("lttb.model.engines", {}):
        problems.append("lttb.model.engines does not import lttb._core")
    if not any("argparse" in graph.external.get(m, set()) for m in graph.modules
               if is_within(m, CLI)):
        problems.append("no module of lttb.cli imports argparse")
    # The light face defers the model by string: no import statement of it.
    heavy = [t for t in graph.imports(PACKAGE) if is_heavy(graph, t)]
    if heavy:
        problems.append(f"lttb/__init__.py imports {heavy}")
    assert not problems, "\n".join(problems)


def test_no_import_cycles(graph):
    cycles = find_cycles(graph)
    assert not cycles, "import cycles:\n" + "\n".join(format_chain(graph, c) for c in cycles)


def test_plots_results_and_plotting_never_reach_the_model(graph):
    chains = heavy_chains(graph)
    assert not chains, ("modules that must not reach lttb.model or lttb._core do:\n"
                        + "\n".join(format_chain(graph, c) for c in chains.values()))


def test_only_the_model_imports_the_core(graph):
    offenders = core_importers(graph)
    assert not offenders, "lttb._core imported outside lttb.model:\n" + "\n".join(
        f"    {m}  ({graph.where(m, CORE)})" for m in offenders)


def test_only_the_command_line_imports_argparse(graph):
    offenders = argparse_importers(graph)
    assert not offenders, f"argparse imported outside lttb.cli: {offenders}"


def test_model_and_run_have_no_plot_results_or_figures_modules(graph):
    offenders = badly_named(graph)
    assert not offenders, f"modules named after plots, results or figures: {offenders}"


# --------------------------------------------------------------------------- self-tests

#: A package that breaks every rule once, each in a way a naive checker
#: would miss.  Named lttb so that the rules apply to it unchanged; it is
#: only parsed, never imported.
SYNTHETIC = {
    # PEP 562 laziness by string: must not be an edge.
    "__init__.py": """
        import importlib
        from ._version import __version__

        def __getattr__(name):
            return getattr(importlib.import_module("lttb.model"), name)
    """,
    "_version.py": "__version__ = '0'\n",
    "_core.pyi": "def step() -> None: ...\n",
    # A relative import two levels up; allowed (inside the model).
    "model/__init__.py": "from .engines import Engine\n",
    "model/engines.py": "from .. import _core\n\nclass Engine: ...\n",
    "model/plot_utils.py": "",                      # bad name
    # Function-level import closing a cycle: run.a -> run.b -> run.a.
    "run/__init__.py": "from lttb.model.engines import Engine\n",
    "run/a.py": "def go():\n    from . import b\n",
    "run/b.py": "from lttb.run import a\n",
    "run/results.py": "",                           # bad name
    "run/seeds.py": "SEEDS = 1\n",
    # argparse inside a function, outside the command line.
    "run/sweep.py": "def parser():\n    import argparse\n    return argparse.ArgumentParser()\n",
    "cli/__init__.py": "import argparse\n",
    # The core imported outside the model, absolutely; and a self-import.
    "stats.py": "import lttb._core as core\n\ndef f():\n    from .stats import f\n",
    "experiments/__init__.py": "",
    # `from . import x` in a package __init__: the submodule x.
    "experiments/fig1/__init__.py": "from . import protocol\n",
    "experiments/fig1/protocol.py": "from lttb.model import Engine\n",
    # Clean itself: reaches the model only through its own package's __init__.
    "experiments/fig1/plots.py": "import matplotlib\n",
    # Reaches the model only under TYPE_CHECKING.
    "experiments/fig2/__init__.py": "",
    "experiments/fig2/results.py": """
        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            from lttb.model.engines import Engine
    """,
    "experiments/fig2/plots.py": "from . import results\n",
    # Clean itself: reaches the model through the __init__ of an imported
    # module's package (lttb.run).
    "plotting/__init__.py": "STYLE = {}\n",
    "plotting/draw.py": "from lttb.run.seeds import SEEDS\nfrom . import STYLE\n",
}


@pytest.fixture
def synthetic(tmp_path):
    package = tmp_path / "site" / PACKAGE
    for relative, text in SYNTHETIC.items():
        path = package / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return package


def test_selftest_edges(synthetic):
    graph = build_graph(synthetic)
    assert len(graph.modules) == 23  # 22 .py files and the core
    assert graph.imports("lttb") == ["lttb._version"]  # import_module("lttb.model") is no edge
    assert graph.imports("lttb.model.engines") == ["lttb._core"]
    assert graph.imports("lttb.model") == ["lttb.model.engines"]
    assert graph.imports("lttb.run.a") == ["lttb.run.b"]  # inside a function
    assert graph.imports("lttb.experiments.fig1") == ["lttb.experiments.fig1.protocol"]
    assert graph.imports("lttb.experiments.fig1.protocol") == ["lttb.model"]  # a name: X
    assert graph.imports("lttb.experiments.fig2.results") == ["lttb.model.engines"]
    assert graph.imports("lttb.plotting.draw") == ["lttb.plotting", "lttb.run.seeds"]
    assert graph.external["lttb.run.sweep"] == {"argparse"}
    assert graph.external["lttb.experiments.fig2.results"] == {"typing"}
    assert graph.where("lttb.stats", "lttb.stats") == "lttb/stats.py:4"


def test_selftest_compiled_extension_is_a_module(synthetic):
    suffix = importlib.machinery.EXTENSION_SUFFIXES[0]
    (synthetic / "model" / f"_fast{suffix}").write_bytes(b"")
    (synthetic / "model" / "engines.py").write_text("from ._fast import go\n")
    graph = build_graph(synthetic)
    assert "lttb.model._fast" in graph.modules
    assert graph.imports("lttb.model.engines") == ["lttb.model._fast"]


def test_selftest_cycles(synthetic):
    graph = build_graph(synthetic)
    assert find_cycles(graph) == [["lttb.run.a", "lttb.run.b", "lttb.run.a"],
                                  ["lttb.stats", "lttb.stats"]]
    assert "lttb/run/b.py:1" in format_chain(graph, find_cycles(graph)[0])


def test_selftest_components_match_their_definition():
    # Two modules share a component iff each reaches the other: checked by
    # brute force on random graphs, denser and deeper than the package's.
    import random

    rng = random.Random(0)
    for _ in range(50):
        graph = ImportGraph(package="p", modules={f"p.m{i}" for i in range(12)})
        for module in graph.modules:
            graph.edges[module] = {t: 1 for t in rng.sample(sorted(graph.modules), 2)}

        def reach(start):
            seen, todo = {start}, [start]
            while todo:
                for target in graph.imports(todo.pop()):
                    if target not in seen:
                        seen.add(target)
                        todo.append(target)
            return seen

        reaches = {m: reach(m) for m in graph.modules}
        expected = {frozenset(n for n in graph.modules if m in reaches[n] and n in reaches[m])
                    for m in graph.modules}
        assert {frozenset(c) for c in strongly_connected_components(graph)} == expected
        for cycle in find_cycles(graph):
            assert cycle[0] == cycle[-1]
            assert all(b in graph.edges[a] for a, b in zip(cycle, cycle[1:]))


def test_selftest_light_modules_reaching_the_model(synthetic):
    graph = build_graph(synthetic)
    chains = heavy_chains(graph)
    assert chains == {
        # via its own package's __init__
        "lttb.experiments.fig1.plots": ["lttb.experiments.fig1.plots", "lttb.experiments.fig1",
                                        "lttb.experiments.fig1.protocol", "lttb.model"],
        # via a TYPE_CHECKING import, one step away
        "lttb.experiments.fig2.plots": ["lttb.experiments.fig2.plots",
                                        "lttb.experiments.fig2.results", "lttb.model.engines"],
        "lttb.experiments.fig2.results": ["lttb.experiments.fig2.results",
                                          "lttb.model.engines"],
        # via the __init__ of the imported module's package
        "lttb.plotting.draw": ["lttb.plotting.draw", "lttb.run.seeds", "lttb.run",
                               "lttb.model.engines"],
    }
    text = format_chain(graph, chains["lttb.plotting.draw"])
    assert "lttb/plotting/draw.py:1" in text and "package __init__" in text


def test_selftest_light_rule_sees_a_heavy_top_level_init(synthetic):
    # An eager `from .model import Network` in lttb/__init__.py makes every
    # module reach the model: the lazy face is what the rule protects.
    (synthetic / "__init__.py").write_text("from .model import Engine\n")
    chains = heavy_chains(build_graph(synthetic))
    assert "lttb.plotting" in chains
    assert chains["lttb.plotting"] == ["lttb.plotting", "lttb", "lttb.model"]


def test_selftest_core_argparse_and_names(synthetic):
    graph = build_graph(synthetic)
    assert core_importers(graph) == ["lttb.stats"]
    assert argparse_importers(graph) == ["lttb.run.sweep"]
    assert badly_named(graph) == ["lttb.model.plot_utils", "lttb.run.results"]


def test_selftest_a_clean_package_passes(tmp_path):
    package = tmp_path / "site" / PACKAGE
    files = {"__init__.py": "from ._version import __version__\n", "_version.py": "",
             "model/__init__.py": "", "model/engines.py": "from lttb import _core\n",
             "plotting/__init__.py": "from lttb import _version\n",
             "cli/__init__.py": "import argparse\nfrom lttb.model import engines\n"}
    for relative, text in files.items():
        (package / relative).parent.mkdir(parents=True, exist_ok=True)
        (package / relative).write_text(text)
    graph = build_graph(package)
    assert find_cycles(graph) == []
    assert heavy_chains(graph) == {}
    assert core_importers(graph) == argparse_importers(graph) == badly_named(graph) == []


# --------------------------------------------------------------------------- light face

#: Child-side expression: the heavy modules loaded so far.
HEAVY_MODULES = ("[m for m in sys.modules"
                 " if m == 'lttb._core' or m.split('.')[:2] == ['lttb', 'model']]")
RESULT = "RESULT:"


def run_python(code: str, *args: str, cwd: Path) -> dict:
    """Run ``code`` in a fresh interpreter; return the JSON it printed after ``RESULT:``.

    The child imports the same lttb as this process, from an empty working
    directory and with no other PYTHONPATH entries, so no source tree can
    stand in for the installed package.
    """
    package_dir = installed_package_dir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(package_dir.parent)
    env["MPLBACKEND"] = "Agg"
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code), *args], cwd=cwd,
                            env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, (f"child failed:\n{result.stdout[-3000:]}\n"
                                    f"{result.stderr[-3000:]}")
    lines = [line for line in result.stdout.splitlines() if line.startswith(RESULT)]
    assert lines, result.stdout[-3000:]
    found = json.loads(lines[-1][len(RESULT):])
    assert Path(found.pop("lttb_file")).resolve().parent == package_dir, "another lttb imported"
    return found


def test_import_lttb_is_light_and_the_model_comes_on_demand(tmp_path):
    found = run_python(f"""
        import json, sys
        import lttb
        eager = sorted(name for name in ("__version__", "load_config", "ConfigError")
                       if name in vars(lttb))
        before = {HEAVY_MODULES}
        network = lttb.Network  # PEP 562: this, not `import lttb`, loads the model
        after = {HEAVY_MODULES}
        print("{RESULT}" + json.dumps(dict(lttb_file=lttb.__file__, eager=eager, before=before,
                                             after=after)))
    """, cwd=tmp_path)
    assert found["before"] == [], "import lttb loaded the model"
    assert found["eager"] == ["ConfigError", "__version__", "load_config"]
    assert "lttb.model" in found["after"] and "lttb._core" in found["after"]


def test_command_line_help_is_light(tmp_path):
    found = run_python(f"""
        import contextlib, io, json, sys
        import lttb
        from lttb.cli import main
        with contextlib.redirect_stdout(io.StringIO()) as text:
            try:
                status = main(["--help"])
            except SystemExit as exc:
                status = exc.code or 0
        print("{RESULT}" + json.dumps(dict(lttb_file=lttb.__file__, status=status,
                                             help=text.getvalue(), heavy={HEAVY_MODULES})))
    """, cwd=tmp_path)
    assert found["status"] == 0
    assert "replot" in found["help"]
    assert found["heavy"] == [], "lttb-reproduce --help loaded the model"


#: Refuses every compiled extension module of lttb, as on a machine where
#: the core cannot load.  It asks the ordinary path finder where the module
#: would come from and raises instead of loading a compiled file.
BLOCK_COMPILED_EXTENSIONS = """
    import importlib.machinery, sys

    class BlockCompiledExtensions:
        @staticmethod
        def find_spec(fullname, path=None, target=None):
            if not fullname.startswith("lttb."):
                return None
            spec = importlib.machinery.PathFinder.find_spec(fullname, path)
            origin = (spec.origin or "") if spec is not None else ""
            if origin.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES)):
                raise ImportError(f"compiled extension blocked: {fullname}", name=fullname)
            return None

    sys.meta_path.insert(0, BlockCompiledExtensions)
"""


def test_replot_works_with_every_compiled_extension_blocked(tmp_path):
    committed = {"fig1": HERE / "test_artifacts" / "artifact-v1-seed-0000.json",
                 "fig2": HERE / "test_fig2" / "pinned-0.1.0-seed-0000.json"}
    dirs = []
    for figure, source in committed.items():
        directory = tmp_path / figure
        directory.mkdir()
        shutil.copy(source, directory / "seed-0000.json")
        dirs.append(directory)
    found = run_python(textwrap.dedent(BLOCK_COMPILED_EXTENSIONS) + f"""
import json
import lttb
from lttb.cli import main

# --jobs 1: drawn in this process, where the blocker is installed
statuses = [main(["replot", directory, "--quiet", "--jobs", "1"]) for directory in sys.argv[1:]]
heavy = {HEAVY_MODULES}
# The blocker must really block, or this test could not fail.
try:
    import lttb._core
except ImportError as exc:
    blocked = str(exc)
else:
    blocked = None
print("{RESULT}" + json.dumps(dict(lttb_file=lttb.__file__, statuses=statuses, heavy=heavy,
                                     blocked=blocked)))
""", *map(str, dirs), cwd=tmp_path)
    assert found["blocked"] and "compiled extension blocked" in found["blocked"], found
    assert found["statuses"] == [0, 0]
    for directory in dirs:
        assert list((directory / "figures").glob("*.png")), f"no PNG drawn in {directory}"
    assert found["heavy"] == [], "replot loaded the model"
