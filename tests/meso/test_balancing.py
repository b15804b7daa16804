"""RAS and GRAS: hand-solved cases, margins, signs, fixed cells and diagnostics."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from industrial_brain.errors import InputError, MethodError
from industrial_brain.meso import gras, ras


def test_ras_by_hand():
    # prior of ones, rows (3, 1), columns (2, 2): r = (1.5, .5), s = (1, 1) after one sweep
    res = ras(np.ones((2, 2)), [3.0, 1.0], [2.0, 2.0])
    np.testing.assert_allclose(res.Z, [[1.5, 1.5], [0.5, 0.5]], rtol=1e-12)
    assert res.converged and res.iterations <= 3
    assert res.history[-1] == res.max_residual


def test_ras_miller_blair_margins():
    # Miller & Blair (2009) section 7.4.2 style: update Z⁰ to new margins; zeros stay zero
    Z0 = np.array([[120.0, 40.0, 0.0], [30.0, 250.0, 60.0], [70.0, 10.0, 150.0]])
    u = np.array([200.0, 400.0, 250.0])
    v = np.array([250.0, 330.0, 270.0])
    res = ras(Z0, u, v)
    np.testing.assert_allclose(res.Z.sum(1), u, rtol=1e-9)
    np.testing.assert_allclose(res.Z.sum(0), v, rtol=1e-9)
    assert res.Z[0, 2] == 0.0
    # biproportional: Z = r̂ Z⁰ ŝ
    np.testing.assert_allclose(res.Z, res.r[:, None] * Z0 * res.s[None, :], rtol=1e-12)


def test_gras_by_hand_and_signs():
    res = gras(np.array([[3.0, -1.0]]), [4.0], [5.0, -1.0])
    np.testing.assert_allclose(res.Z, [[5.0, -1.0]], rtol=1e-10)
    rng = np.random.default_rng(7)
    Z0 = rng.normal(10, 8, (6, 5))
    Zt = Z0 * rng.uniform(0.8, 1.3, Z0.shape)
    u, v = Zt.sum(1), Zt.sum(0)
    res = gras(pd.DataFrame(Z0), u, v)
    Z = res.Z.to_numpy()
    np.testing.assert_allclose(Z.sum(1), u, rtol=1e-8, atol=1e-8)
    np.testing.assert_allclose(Z.sum(0), v, rtol=1e-8, atol=1e-8)
    assert (np.sign(Z) == np.sign(Z0)).all()
    # GRAS on a non-negative matrix is RAS
    P = np.abs(Z0)
    Pt = P * rng.uniform(0.8, 1.3, P.shape)
    np.testing.assert_allclose(gras(P, Pt.sum(1), Pt.sum(0)).Z, ras(P, Pt.sum(1), Pt.sum(0)).Z, rtol=1e-8)


def test_fixed_cells_are_kept():
    Z0 = np.array([[10.0, 20.0], [30.0, 40.0]])
    fixed = np.array([[True, False], [False, False]])
    res = ras(Z0, [40.0, 80.0], [50.0, 70.0], fixed=fixed)
    assert res.Z[0, 0] == 10.0
    np.testing.assert_allclose(res.Z.sum(1), [40.0, 80.0], rtol=1e-9)
    np.testing.assert_allclose(res.Z.sum(0), [50.0, 70.0], rtol=1e-9)


def test_diagnostics_and_errors():
    with pytest.raises(InputError, match="different totals"):
        ras(np.ones((2, 2)), [1.0, 1.0], [1.0, 2.0])
    with pytest.raises(InputError, match="non-negative"):
        ras(np.array([[1.0, -1.0], [1.0, 1.0]]), [0.0, 2.0], [2.0, 0.0])
    # a zero row with a positive target cannot be balanced
    Z0 = np.array([[1.0, 1.0], [0.0, 0.0]])
    with pytest.raises(MethodError, match="did not converge"):
        ras(Z0, [1.0, 1.0], [1.0, 1.0], max_iter=50)
    res = ras(Z0, [1.0, 1.0], [1.0, 1.0], max_iter=50, strict=False)
    assert not res.converged and res.notes and len(res.history) == 50
    assert "RAS" in res.summary()
