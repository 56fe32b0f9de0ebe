"""lttb: the "Learning Through Target Bursts" spiking network, with a compiled core.

Reproduces the model of Capone, Lupo, Muratore and Paolucci (ICML 2022,
arXiv:2201.11717) and the paper's figures.  The public API:

- :func:`load_config` / :class:`ConfigError`: validated configurations
  (presets ``fig1`` and ``fig2``);
- :class:`Network`: one network, its initial state and its trials.
"""

from ._version import __version__
from .config import ConfigError, load_config
from .network import Network, StateError, TrialResult

__all__ = ["__version__", "ConfigError", "load_config", "Network", "StateError",
           "TrialResult"]
