"""What one trial is given: its input sequence, its target and its contexts.

A network's own trials (:meth:`lttb.model.Network.train_iteration` without
examples, Figures 1 and 2) take the published clock as input, one of the
network's target trajectories and one context held for the whole trial.  An
:class:`Example` gives a trial its own: a dense input sequence ``I x T`` in
place of the clock, a target ``O x T`` and a context vector for every bin,
``n_contexts x T`` (Figure 3: 80 real-valued inputs per bin, a target per
example, a context that switches inside the trial; or a trajectory of one's
own).  Nothing is added to the equations (MODEL.md section 4): bin ``k``
reads ``inputs[:, k]`` where the clock's column ``k`` was, ``target[:, k]``
and ``context_trace[:, k]``.

An example is checked and laid out once, when it is made, so that the
thousands of trials that reuse it pay nothing for it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cached_property
from typing import Any

import numpy as np

__all__ = ["Example", "one_hot_contexts"]


def _frozen_copy(name: str, value: Any) -> np.ndarray:
    array = np.asarray(value)
    if array.dtype.kind not in "fiub":
        raise ValueError(f"{name}: dtype {array.dtype} is not a real number type")
    if array.ndim != 2:
        raise ValueError(f"{name}: expected a 2-D array, got shape {array.shape}")
    array = np.array(array, dtype=np.float64, order="C", copy=True)
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name}: contains NaN or infinity")
    array.flags.writeable = False
    return array


class Example:
    """One trial's own input sequence, target and context trace.

    The arrays are copied (float64, read-only), so an example can be shared
    by any number of trials and networks of matching sizes.

    Parameters
    ----------
    inputs : array_like, shape (I, T)
        Input of every bin; ``inputs[:, k]`` drives the soma through
        ``j_in`` at step ``k`` (column 0 is never read, as the clock's).
    target : array_like, shape (O, T)
        Target of every bin: it drives the apical-distal compartment
        through ``j_targ`` (times the trial's apical factor) and is what
        the read-out learns and is compared with.
    context_trace : array_like, shape (n_contexts, T)
        Context vector of every bin (any real values; one-hot for the
        papers' figures, see :func:`one_hot_contexts`).

    Raises
    ------
    ValueError
        When an array is not 2-D, not real, not finite, or the three do not
        have the same number of bins.

    Notes
    -----
    Outputs and the outer MSE of a trial on an example cover bins ``1 ..
    T-3`` (MODEL.md section 6), so a target's columns 0, ``T-2`` and
    ``T-1`` are never compared.
    """

    def __init__(self, inputs: Any, target: Any, context_trace: Any) -> None:
        arrays = {"inputs": _frozen_copy("inputs", inputs),
                  "target": _frozen_copy("target", target),
                  "context_trace": _frozen_copy("context_trace", context_trace)}
        bins = {name: a.shape[1] for name, a in arrays.items()}
        if len(set(bins.values())) != 1:
            raise ValueError("inputs, target and context_trace must have the same number "
                             f"of bins (columns), got {bins}")
        for name, array in arrays.items():
            object.__setattr__(self, name, array)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("an Example is immutable; make a new one")

    def __reduce__(self):
        # Rebuilt through the constructor: checked, copied and read-only again.
        return (type(self), (self.inputs, self.target, self.context_trace))

    def __repr__(self) -> str:
        I, O, n_ctx, T = self.sizes
        return f"Example(I={I}, O={O}, n_contexts={n_ctx}, T={T})"

    @property
    def sizes(self) -> tuple[int, int, int, int]:
        """``(I, O, n_contexts, T)``."""
        return (self.inputs.shape[0], self.target.shape[0], self.context_trace.shape[0],
                self.inputs.shape[1])

    def check(self, cfg: Mapping[str, Any]) -> None:
        """Raise ValueError unless the sizes fit the configuration `cfg`."""
        expected = (cfg["I"], cfg["O"], cfg["n_contexts"], cfg["T"])
        if self.sizes != expected:
            names = ("I", "O", "n_contexts", "T")
            wrong = [f"{n} = {got} (config: {want})"
                     for n, got, want in zip(names, self.sizes, expected) if got != want]
            raise ValueError("example does not fit the network: " + ", ".join(wrong))

    # Bin-major copies, the layout the compiled engine reads bin by bin;
    # made on first use and kept, as the arrays never change.
    @cached_property
    def inputs_by_bin(self) -> np.ndarray:
        """``inputs`` transposed, shape (T, I), C-contiguous."""
        return self._bin_major(self.inputs)

    @cached_property
    def target_by_bin(self) -> np.ndarray:
        """``target`` transposed, shape (T, O), C-contiguous."""
        return self._bin_major(self.target)

    @cached_property
    def context_by_bin(self) -> np.ndarray:
        """``context_trace`` transposed, shape (T, n_contexts), C-contiguous."""
        return self._bin_major(self.context_trace)

    @staticmethod
    def _bin_major(array: np.ndarray) -> np.ndarray:
        out = np.ascontiguousarray(array.T)
        out.flags.writeable = False
        return out


def one_hot_contexts(contexts: Sequence[int] | np.ndarray, n_contexts: int) -> np.ndarray:
    """Context trace from the index of the context on at every bin.

    Parameters
    ----------
    contexts : sequence of int, length T
        Context on at each bin; -1 for none.
    n_contexts : int
        Number of contexts.

    Returns
    -------
    numpy.ndarray, shape (n_contexts, T)
        1 at ``(contexts[k], k)``, 0 elsewhere.

    Examples
    --------
    Figure 3's low network: context 0 up to bin 60, context 1 after.

    >>> trace = one_hot_contexts(np.where(np.arange(120) <= 60, 0, 1), 2)
    """
    index = np.asarray(contexts)
    if index.ndim != 1 or index.dtype.kind not in "iu":
        raise ValueError("contexts must be a 1-D sequence of integers")
    if np.any(index < -1) or np.any(index >= n_contexts):
        raise ValueError(f"contexts must lie in -1 .. {n_contexts - 1}")
    trace = np.zeros((n_contexts, index.size))
    on = index >= 0
    trace[index[on], np.nonzero(on)[0]] = 1.0
    return trace
