"""Malmquist index (MI = EC × TC, hand-solved distances) and Kao–Hwang two-stage DEA on hand cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from industrial_brain.innovation import dea, malmquist, two_stage


def test_malmquist_hand_case():
    # one input, one output; period t: A (1, 2), B (1, 1), C (2, 1); period t+1: A (1, 3), B (1, 2), C (2, 4)
    # CRS frontiers: y/x = 2 at t, 3 at t+1 (A both times); D^a(b) = (y/x of unit at b) / (best at a)
    X0 = pd.DataFrame({"x": [1, 1, 2]}, index=list("ABC"))
    Y0 = pd.DataFrame({"y": [2, 1, 1]}, index=list("ABC"))
    X1 = pd.DataFrame({"x": [1, 1, 2]}, index=list("ABC"))
    Y1 = pd.DataFrame({"y": [3, 2, 4]}, index=list("ABC"))
    r = malmquist(X0, Y0, X1, Y1, periods=(2020, 2021))
    D = {  # hand-solved
        "D_t_t": [1.0, 0.5, 0.25],
        "D_t_t1": [1.5, 1.0, 1.0],
        "D_t1_t": [2 / 3, 1 / 3, 1 / 6],
        "D_t1_t1": [1.0, 2 / 3, 2 / 3],
    }
    for k, v in D.items():
        np.testing.assert_allclose(r.D[k].to_numpy(), v, rtol=1e-9)
    EC = np.array(D["D_t1_t1"]) / np.array(D["D_t_t"])
    TC = np.sqrt(
        np.array(D["D_t_t1"]) / np.array(D["D_t1_t1"]) * np.array(D["D_t_t"]) / np.array(D["D_t1_t"])
    )
    np.testing.assert_allclose(r.EC.to_numpy(), EC, rtol=1e-9)
    np.testing.assert_allclose(r.TC.to_numpy(), TC, rtol=1e-9)
    np.testing.assert_allclose(r.MI.to_numpy(), [1.5, 2.0, 4.0], rtol=1e-9)
    np.testing.assert_allclose(r.MI.to_numpy(), (r.EC * r.TC).to_numpy(), rtol=1e-12)
    assert r.periods == (2020, 2021)
    assert "Malmquist" in r.summary()


@pytest.mark.parametrize("orientation", ["input", "output"])
def test_malmquist_identity_and_own_period_scores_on_random_data(orientation):
    rng = np.random.default_rng(12345)
    n = 40
    X0 = rng.uniform(1, 10, size=(n, 2))
    Y0 = rng.uniform(1, 10, size=(n, 2))
    X1 = X0 * rng.uniform(0.8, 1.2, size=(n, 2))
    Y1 = Y0 * rng.uniform(0.9, 1.4, size=(n, 2))
    r = malmquist(X0, Y0, X1, Y1, orientation=orientation)
    np.testing.assert_allclose(r.MI.to_numpy(), (r.EC * r.TC).to_numpy(), rtol=1e-12)
    # own-period distances are the CCR scores
    np.testing.assert_allclose(r.D["D_t_t"].to_numpy(), dea(X0, Y0).efficiency.to_numpy(), atol=1e-8)
    np.testing.assert_allclose(r.D["D_t1_t1"].to_numpy(), dea(X1, Y1).efficiency.to_numpy(), atol=1e-8)
    # MI from the four distances by its definition (Färe et al. 1994, eq. 4)
    D = r.D
    mi = np.sqrt(D["D_t_t1"] / D["D_t_t"] * D["D_t1_t1"] / D["D_t1_t"])
    np.testing.assert_allclose(r.MI.to_numpy(), mi.to_numpy(), rtol=1e-12)


def test_two_stage_hand_case():
    # one measure per stage: E1 = (z/x)/max(z/x), E2 = (y/z)/max(y/z), E = E1·E2
    x, z, y = np.array([1.0, 2, 4, 5]), np.array([2.0, 2, 4, 4]), np.array([1.0, 2, 1, 3])
    r = two_stage(x[:, None], z[:, None], y[:, None])
    e1 = (z / x) / (z / x).max()
    e2 = (y / z) / (y / z).max()
    np.testing.assert_allclose(r.stage1.to_numpy(), e1, atol=1e-8)
    np.testing.assert_allclose(r.stage2.to_numpy(), e2, atol=1e-8)
    np.testing.assert_allclose(r.overall.to_numpy(), e1 * e2, atol=1e-8)
    np.testing.assert_allclose(r.stage1_independent.to_numpy(), e1, atol=1e-8)


def test_two_stage_product_and_bounds_on_random_data():
    rng = np.random.default_rng(7)
    n = 30
    X = rng.uniform(1, 10, size=(n, 2))
    Z = rng.uniform(1, 10, size=(n, 2))
    Y = rng.uniform(1, 10, size=(n, 1))
    r = two_stage(X, Z, Y)
    np.testing.assert_allclose(r.overall.to_numpy(), (r.stage1 * r.stage2).to_numpy(), rtol=1e-7)
    # the relational overall score is at most the black-box CCR score X → Y, and each stage at most
    # its independent CCR score (Kao & Hwang 2008, §3)
    assert (r.overall.to_numpy() <= dea(X, Y).efficiency.to_numpy() + 1e-7).all()
    assert (r.stage1.to_numpy() <= r.stage1_independent.to_numpy() + 1e-7).all()
    assert (r.stage2.to_numpy() <= r.stage2_independent.to_numpy() + 1e-7).all()
