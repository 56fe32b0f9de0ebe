"""Sphinx configuration of the lttb documentation.

Build from the repository root, with the package and its ``docs`` extra
installed (``pip install ".[docs]"``)::

    sphinx-build -W -b html docs docs/_build/html

The API pages are generated from the docstrings of the *installed* package
(the compiled core must import), the gallery runs every script of
``examples/`` during the build, and the artifact-format page is rendered
from ``schemas/*.json`` (``_ext/schema_tables.py``).
"""

import sys
from pathlib import Path

import lttb

try:  # the API pages and the gallery need the compiled core
    import lttb._core  # noqa: F401
except ImportError as exc:
    raise RuntimeError(
        f"lttb imported from {Path(lttb.__file__).parent} has no compiled core ({exc}): "
        "install the package first (pip install \".[docs]\") and run sphinx-build, "
        "not python -m sphinx from the repository root, whose uncompiled lttb/ would "
        "shadow the installed one") from exc

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
# Only the local extension directory goes on the path: the repository root
# must not, or the uncompiled source tree would shadow the installed package.
sys.path.insert(0, str(DOCS / "_ext"))

project = "lttb"
author = "The lttb contributors"
copyright = "the lttb contributors (code, MIT); model and experiments: Capone, Lupo, Muratore, Paolucci (CC BY 4.0)"
version = release = lttb.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.mathjax",
    "sphinx.ext.intersphinx",
    "numpydoc",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
    "schema_tables",
    "summary_tables",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "auto_examples/*.ipynb",
                    "auto_examples/*.py", "auto_examples/*.zip", "auto_examples/*.json",
                    "auto_examples/*.md5", "auto_examples/*.codeobj.json"]

# MyST: $...$ and $$...$$ maths, ::: fences, and anchors for headings so that
# pages can link to each other's sections.
myst_enable_extensions = ["dollarmath", "colon_fence", "deflist"]
myst_heading_anchors = 3

# numpydoc renders the NumPy-style sections; class members are documented by
# autodoc's :members:, not by numpydoc's autosummary tables (which would need
# stub pages for every method).
numpydoc_show_class_members = False
numpydoc_xref_param_type = False
autodoc_member_order = "bysource"
autodoc_typehints = "none"  # the numpydoc Parameters sections say the types

intersphinx_mapping = {}  # no network during the build: links stay local

sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    # Run every script, not only those named plot_*.
    "filename_pattern": r".*\.py$",
    "ignore_pattern": r"__init__\.py",
    "within_subsection_order": "FileNameSortKey",
    "download_all_examples": False,
    "remove_config_comments": True,
    # A failing example fails the build (the default), and so does one that
    # writes a warning to stderr through the warnings module.
    "only_warn_on_example_error": False,
    "matplotlib_animations": False,
    "show_memory": False,
    "plot_gallery": "True",
}

# Curly quotes, but "--" stays two hyphens: schema descriptions and pages
# name options such as --targets.
smartquotes_action = "qe"

html_theme = "furo"
html_title = f"lttb {release}"
html_static_path = []
html_show_sourcelink = False
# Figures are reproducible byte for byte; so is the site, as far as Sphinx
# allows: no build date in the footer.
html_last_updated_fmt = None
