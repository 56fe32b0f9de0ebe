"""What a Figure 1 artifact holds beyond the common fields, its checks and its summary.

No model here: these functions read artifacts (plain data) only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ...artifacts import artifact_name
from ...stats import finite_or_none, mean_sd, nested_shape

__all__ = ["RESULT_KEYS", "problems", "summarize"]

#: Keys a seed's result gives its artifact, in artifact order.
RESULT_KEYS = ("targets", "contexts", "context_trace", "output_first_bin", "outputs",
               "test_iterations", "outer_mse", "inner_error", "diverged_at", "full_test_mse",
               "final_outer_mse", "raster_context", "spikes", "bursts")


def problems(artifact: Mapping[str, Any], cfg: Mapping[str, Any]) -> list[str]:
    """Rules of an artifact that its schema cannot express (shapes from its config).

    Parameters
    ----------
    artifact : mapping
        An artifact that matches the artifact schema.
    cfg : mapping
        Its validated configuration.

    Returns
    -------
    list of str
        Problems found (empty when consistent): array shapes that do not
        follow from the configuration, test points off the schedule, a raster
        context out of range, raster events outside the network or the trial.
    """
    found = []
    n_ctx, O, T, N = cfg["n_contexts"], cfg["O"], cfg["T"], cfg["N"]
    schedule = artifact["schedule"]
    every = schedule["test_every"]
    diverged_at = artifact.get("diverged_at")
    if diverged_at is None:
        n_tests = schedule["n_tests"]
    elif diverged_at > schedule["n_iterations"]:
        found.append(f"diverged_at {diverged_at} is after the last iteration "
                     f"({schedule['n_iterations']})")
        n_tests = schedule["n_tests"]
    else:
        # A run that diverged stopped there: its tests end before that iteration.
        n_tests = (diverged_at - 1) // every if every > 0 else 0
    width = T - 3
    expected = {
        "targets": (n_ctx, O, T),
        "context_trace": (n_ctx, n_ctx, T),
        "outputs/teacher_on": (n_ctx, O, width),
        "outputs/teacher_off": (n_ctx, O, width),
        "full_test_mse/teacher_on": (n_ctx, n_ctx),
        "full_test_mse/teacher_off": (n_ctx, n_ctx),
        "outer_mse": (n_tests, n_ctx) if n_tests else (0,),
        "inner_error": (n_tests,),
        "test_iterations": (n_tests,),
        "contexts": (n_ctx,),
    }
    for where, shape in expected.items():
        value = artifact
        for part in where.split("/"):
            value = value[part]
        got = nested_shape(value)
        if got != shape:
            found.append(f"{where}: shape {got if got is not None else 'ragged'}, "
                         f"expected {shape} for its config")
    if artifact["test_iterations"] != [every * (i + 1) for i in range(n_tests)]:
        found.append("test_iterations do not follow the schedule")
    if not 0 <= artifact["raster_context"] < n_ctx:
        found.append(f"raster_context {artifact['raster_context']} out of range")
    for key in ("spikes", "bursts"):
        bad = [pair for pair in artifact[key] if pair[0] >= N or pair[1] >= T]
        if bad:
            found.append(f"{key}: [neuron, bin] {bad[0]} outside {N} neurons x {T} bins")
    return found


def summarize(artifacts: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Final outer MSE (teacher off) of each seed, with mean and s.d. over seeds.

    Parameters
    ----------
    artifacts : iterable of mapping
        Valid artifacts, sorted as the summary lists them.

    Returns
    -------
    dict
        ``final_outer_mse`` (one entry per seed: ``seed``,
        ``final_outer_mse``, ``wall_seconds``, ``file``), ``mean``, ``sd``
        (sample s.d., ``ddof=1``; ``None`` below two seeds), ``n`` and
        ``diverged`` (``seed`` and ``diverged_at`` of every seed whose run
        diverged).  Seeds whose final MSE is ``null`` are listed but left out
        of the statistics.
    """
    artifacts = list(artifacts)
    per_seed = [{"seed": a["seed"], "final_outer_mse": finite_or_none(a["final_outer_mse"]),
                 "wall_seconds": a["wall_seconds"], "file": artifact_name(a["seed"])}
                for a in artifacts]
    mean, sd, n = mean_sd(p["final_outer_mse"] for p in per_seed)
    diverged = [{"seed": a["seed"], "diverged_at": a["diverged_at"]}
                for a in artifacts if a.get("diverged_at") is not None]
    return {"final_outer_mse": per_seed, "mean": mean, "sd": sd, "n": n, "diverged": diverged}
