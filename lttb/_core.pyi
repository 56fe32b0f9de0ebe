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
) -> None: ...
