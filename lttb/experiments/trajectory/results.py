"""What an artifact of a trajectory of one's own holds, its checks and its summary.

Figure 1's keys and summary, plus ``inputs`` (``I x T``) when the run had
an input file.  Every such artifact records ``data_sha256``, the digest of
each file's array (:func:`lttb.arrays_io.array_sha256`), so that a resumed
run knows whether its files changed.  No model here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...config import ConfigError
from ...stats import nested_shape
from ..fig1 import results as fig1_results
from ..fig1.results import summarize

__all__ = ["RESULT_KEYS", "problems", "summarize", "check_config"]

#: Keys a seed's result gives its artifact, in artifact order.
RESULT_KEYS = (*fig1_results.RESULT_KEYS, "inputs")


def check_config(cfg: Mapping[str, Any]) -> None:
    """Refuse a configuration the command cannot run: it trains one trajectory.

    Raises
    ------
    ConfigError
        Naming ``n_contexts`` when it is not 1.
    """
    if cfg["n_contexts"] != 1:
        raise ConfigError([("n_contexts", f"must be 1: the trajectory command trains one "
                                          f"trajectory (got {cfg['n_contexts']}); train "
                                          f"several contexts from Python with run_schedule")])


def problems(artifact: Mapping[str, Any], cfg: Mapping[str, Any]) -> list[str]:
    """Figure 1's checks, then the shape of ``inputs`` and the files recorded.

    Returns
    -------
    list of str
        Problems found (empty when consistent).
    """
    found = fig1_results.problems(artifact, cfg)
    digests = artifact.get("data_sha256") or {}
    if "targets" not in digests:
        found.append("data_sha256 has no digest of the targets file")
    if ("inputs" in artifact) != ("inputs" in digests):
        found.append("inputs and data_sha256 disagree on whether an inputs file was given")
    if "inputs" in artifact:
        got = nested_shape(artifact["inputs"])
        if got != (cfg["I"], cfg["T"]):
            found.append(f"inputs: shape {got if got is not None else 'ragged'}, expected "
                         f"{(cfg['I'], cfg['T'])} for its config")
    return found
