"""lttb: the "Learning Through Target Bursts" spiking network, with a compiled core.

Reproduces the model of Capone, Lupo, Muratore and Paolucci (ICML 2022,
arXiv:2201.11717) and the paper's figures.  The package has three wings:

- :mod:`lttb.model`: the science (the network over its engines, the state,
  the learning rule, the training loop);
- :mod:`lttb.experiments`: one folder per figure, and the catalog;
- the machinery: :mod:`lttb.run`, :mod:`lttb.cli`, :mod:`lttb.artifacts`,
  :mod:`lttb.plotting`.

The public API at the top level:

- :func:`load_config` / :class:`ConfigError`: validated configurations
  (presets ``fig1`` and ``fig2``);
- :class:`Network`: one network, its initial state and its trials;
  :class:`ReferenceNetwork`, the same on the NumPy oracle;
  :class:`Example`: a trial's own input sequence, target and contexts;
- :func:`load_network`: a trained network saved by :meth:`Network.save` or
  by a figure run (``seed-NNNN.npz`` beside its artifact);
- :func:`load_results`: a results directory as NumPy arrays (or a pandas
  table); :func:`export_spikes` and :func:`neo_spike_trains`: its spike
  trains for analysis tools.

``import lttb`` is light: the model, and with it the compiled engine, is
loaded when one of its names is first used.
"""

import importlib

from ._version import __version__
from .config import ConfigError, load_config

#: Names loaded on first use (PEP 562): name -> module that defines it.
_LAZY = {
    "Network": "lttb.model.network",
    "ReferenceNetwork": "lttb.model.network",
    "TrialResult": "lttb.model.network",
    "Example": "lttb.model.example",
    "StateError": "lttb.model.state",
    "load_network": "lttb.model.loading",
    "load_results": "lttb.results_io",
    "export_spikes": "lttb.results_io",
    "neo_spike_trains": "lttb.results_io",
}

__all__ = ["__version__", "ConfigError", "load_config", *_LAZY]


def __getattr__(name):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__():
    return sorted({*globals(), *_LAZY})
