"""Type stub of the compiled trial loop (see ``_core.pyx``)."""

import numpy as np
import numpy.typing as npt

_F64 = npt.NDArray[np.float64]
_I8 = npt.NDArray[np.int8]

def sigmoid(z: float) -> float: ...
def select_kernels(name: str | None = ...) -> str: ...
def openmp_enabled() -> bool: ...
def kernels_in_use() -> str: ...
def run_trial(
    params: dict[str, float | int],
    J: _F64,
    wT: _F64,
    JT: _F64,
    Jout: _F64,
    Bias: _F64,
    j_in_T: _F64,
    inputs_T: _F64,
    j_targ_T: _F64,
    y_T: _F64,
    j_apical_cont_T: _F64,
    j_basal_cont_T: _F64,
    cont_T: _F64,
    rec_soma: _I8,
    rec_wind: _I8,
    Y_out: _F64,
    stats: _F64,
    bursts_prev: npt.NDArray[np.int8] | None = ...,
    burst_stats: _F64 | None = ...,
) -> None: ...
def observe(
    env_params: dict[str, float | int], button: _F64, food: _F64, pos: _F64, obs: _F64
) -> None: ...
def env_script(
    env_params: dict[str, float | int],
    button: _F64,
    food: _F64,
    actions: _F64,
    obs: _F64,
    rewards: _F64,
    locked: _I8,
    env_done: _I8,
    done: _I8,
    positions: _F64,
) -> tuple[int, int, int]: ...
def run_closed_loop(
    params_low: dict[str, float | int],
    params_high: dict[str, float | int],
    low: tuple[_F64, ...],
    high: tuple[_F64, ...],
    env_params: dict[str, float | int],
    button: _F64,
    food: _F64,
    readout_lag: int,
    inputs_T: _F64,
    cont_low_T: _F64,
    cont_high_T: _F64,
    Y_low: _F64,
    Y_high: _F64,
    rec_soma: _I8,
    rec_wind: _I8,
    contexts: _I8,
    high_out: _F64,
    actions: _F64,
    positions: _F64,
    rewards: _F64,
) -> tuple[int, int, int]: ...
