"""Shared fixtures: the conformance vectors and small configurations."""

import json
import pathlib

import numpy as np
import pytest

import lttb

DATA = pathlib.Path(__file__).parent / "data"
STATE_KEYS = ("J", "w", "j_in", "j_targ", "Jout", "Bias", "j_basal_cont",
              "j_apical_cont", "I_clock", "targets")


def load_vector(name):
    """A conformance case: (config, initial arrays, the whole npz)."""
    data = np.load(DATA / f"{name}.npz")
    original = json.loads(str(data["config"]))
    cfg = lttb.load_config("fig1", **original)
    arrays = {key: data[f"init_{key}"] for key in STATE_KEYS}
    return cfg, arrays, data


@pytest.fixture(params=["small_fig1", "tiny_all_terms"])
def vector(request):
    return load_vector(request.param)


def all_terms_config(**overrides):
    """A small network in which every term of the equations is non-zero."""
    settings = dict(N=40, Ne=32, Ni=8, I=4, O=2, T=120, n_contexts=2, sigma_targ=15.0,
                    sigma_apical_cont=3.0, sigma_basal_cont=1.0, sigma_Jrec=0.5,
                    sigma_wrec=0.2, eta_bias=0.01)
    settings.update(overrides)
    return lttb.load_config("fig1", **settings)


# Test modules cannot import conftest under --import-mode=importlib: hand the
# helpers out as fixtures.
@pytest.fixture
def get_vector():
    return load_vector


@pytest.fixture
def small_config():
    return all_terms_config


class _Interrupted(Exception):
    """Raised from a progress callback to stop a run, as an interruption would."""


def _interrupt_fig3(cfg, seed, checkpoint, after_epoch=2):
    """Run a Figure 3 task keeping `checkpoint`, and stop it after `after_epoch` epochs."""
    from lttb.experiments.fig3 import protocol

    def stop(iteration, total, mse):
        if iteration == after_epoch * cfg["schedule"]["iters_per_epoch"]:
            raise _Interrupted

    with pytest.raises(_Interrupted):
        protocol.run(cfg, seed, stop, checkpoint=checkpoint)


@pytest.fixture
def interrupt_fig3():
    return _interrupt_fig3
