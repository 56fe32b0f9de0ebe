"""Golden numbers of a small configuration: any change of the results shows here.

The expected values live in ``tests/test_golden/``; regenerate them with
``pytest tests/test_golden.py --force-regen`` only for a change that is meant to
alter the numbers, and say so in the changelog.
"""

import numpy as np

from lttb.model import Network


def test_small_network_numbers(small_config, ndarrays_regression, data_regression):
    cfg = small_config()
    net = Network.from_seed(cfg, np.random.SeedSequence(2024))
    mse, inner, spikes, bursts = [], [], [], []
    for _ in range(4):
        trial = net.train_iteration(record=True)
        mse.append(net.short_test())
        inner.append(net.inner_error())
        spikes.append(int(trial.S_soma.sum()))
        bursts.append(int((trial.S_soma * trial.S_wind).sum()))
    mse = np.array(mse)
    ndarrays_regression.check(
        {
            "outer_mse_context0": mse[:, 0],
            "outer_mse_context1": mse[:, 1],
            "inner_error": np.array(inner),
        },
        basename="small_network_curves",
        default_tolerance=dict(atol=1e-12, rtol=1e-10),
    )
    ndarrays_regression.check(
        {
            "J_row_sums": net.J.sum(axis=1),
            "Jout_0": net.Jout[0],
            "Jout_1": net.Jout[1],
        },
        basename="small_network_weights",
        default_tolerance=dict(atol=1e-10, rtol=1e-10),
    )
    data_regression.check({"spikes_per_trial": spikes, "bursts_per_trial": bursts,
                           "bias": [float(b) for b in net.Bias]})
