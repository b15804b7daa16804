"""Differential privacy (OpenDP's Laplace mechanism): unbiased noisy sums, the published noise scale
matches the mechanism, the privacy map of OpenDP gives the ε spent.

OpenDP draws its noise from the operating system's CSPRNG and cannot be seeded (seeded noise is not
private), so the statistical checks use wide fixed bounds on large samples: each fails by chance with
probability below 1e-6 (5 standard errors) or 1e-4 (the KS test).
"""

from __future__ import annotations

import numpy as np
import opendp.prelude as dp
import pandas as pd
import pytest
from scipy import stats

from industrial_brain.errors import InputError
from industrial_brain.governance import laplace_scale, laplace_vector, noisy_aggregate

N = 20000


def test_laplace_scale_is_sensitivity_over_epsilon():
    assert laplace_scale(100.0, 0.5) == 200.0
    assert laplace_scale(1.0, 2.0) == 0.5
    with pytest.raises(InputError, match="epsilon"):
        laplace_scale(1.0, 0.0)


def test_noisy_sums_are_unbiased_and_spread_as_published():
    true_sum, delta, eps = 1234.0, 100.0, 0.5
    noisy, scale = laplace_vector([true_sum] * N, delta, eps)
    assert scale == pytest.approx(200.0)  # Δ / ε
    noise = noisy - true_sum
    se = np.sqrt(2.0) * scale / np.sqrt(N)  # sd of the mean of N Laplace(b) draws
    assert abs(noise.mean()) < 5 * se
    # the spread matches the published scale: sd = √2·b, and the mean absolute deviation is b
    assert noise.std() == pytest.approx(np.sqrt(2.0) * scale, rel=0.04)
    assert np.abs(noise).mean() == pytest.approx(scale, rel=0.03)
    assert stats.kstest(noise, stats.laplace(scale=scale).cdf).pvalue > 1e-4
    assert stats.kstest(noise, stats.laplace(scale=2 * scale).cdf).pvalue < 1e-6  # the test can fail


def test_opendp_privacy_map_gives_the_epsilon_spent():
    b = laplace_scale(100.0, 0.5)
    space = dp.vector_domain(dp.atom_domain(T=float, nan=False)), dp.l1_distance(T=float)
    meas = space >> dp.m.then_laplace(scale=b)
    assert meas.map(d_in=100.0) == pytest.approx(0.5)


def test_grouped_release_scales_and_no_exact_figure():
    f = pd.DataFrame({"sector": ["C39"] * 5 + ["C13"] * 4, "score": [50, 55, 60, 65, 70, 30, 34, 38, 42.0]})
    r = noisy_aggregate(f, "sector", "sum", 1.0, measure="score", bounds=(0, 100), keys=["C13", "C26", "C39"])
    assert r.keys == ("C13", "C26", "C39")  # a public key with no firm is released too (a noisy zero)
    assert r.scale == {"sum": 100.0} and r.sensitivity == {"sum": 100.0}
    m = noisy_aggregate(f, "sector", "mean", 1.0, measure="score", bounds=(0, 100), keys=["C13", "C39"])
    assert m.scale == {"sum": 200.0, "count": 2.0}  # ε/2 each
    assert all(0 <= v <= 100 for v in m.value)
    c = noisy_aggregate(f, "sector", "count", 0.1, keys=["C13", "C39"])
    assert c.scale == {"count": 10.0}
    pub = r.to_public()
    assert pub["noise_scale"] == {"sum": 100.0} and pub["noise_sd"]["sum"] == pytest.approx(141.4213562)
    assert set(c.to_frame().columns) == {"sector", "count", "noise_scale_count"}


def test_grouped_noisy_sums_unbiased_per_cell():
    """Many releases of one grouping: every cell's mean is its exact sum within 5 standard errors."""
    f = pd.DataFrame({"g": ["a"] * 3 + ["b"] * 2, "v": [10.0, 20.0, 30.0, 5.0, 150.0]})  # 150 clamps to 100
    draws = np.array(
        [noisy_aggregate(f, "g", "sum", 2.0, measure="v", bounds=(0, 100)).value for _ in range(400)]
    )
    b = 100.0 / 2.0
    se = np.sqrt(2.0) * b / np.sqrt(len(draws))
    assert np.all(np.abs(draws.mean(axis=0) - np.array([60.0, 105.0])) < 5 * se)


def test_bad_requests_are_one_line():
    f = pd.DataFrame({"g": ["a"], "v": [1.0]})
    with pytest.raises(InputError, match="statistic"):
        noisy_aggregate(f, "g", "median", 1.0)
    with pytest.raises(InputError, match="bounds"):
        noisy_aggregate(f, "g", "sum", 1.0, measure="v")
