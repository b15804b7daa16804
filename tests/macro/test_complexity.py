"""Economic complexity: hand-solved 3×3 case, invariants, ecomplexity cross-check, bad inputs."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from industrial_brain.errors import InputError, MethodError
from industrial_brain.macro.complexity import economic_complexity, rca


def test_nested_3x3_by_hand():
    # M = [[1,1,1],[1,1,0],[1,0,0]]: diversity k_c = (3,2,1), ubiquity k_p = (3,2,1)
    # M̃^C = D⁻¹ M U⁻¹ Mᵀ = [[11/18, 5/18, 2/18], [5/12, 5/12, 2/12], [1/3, 1/3, 1/3]]
    # trace = 49/36, det = det(M)²/(det D · det U) = 1/36 → λ = 1, and λ² − (13/36)λ + 1/36 = 0
    # → λ2 = 1/4, λ3 = 1/9. (M̃^C − ¼ I) v = 0 gives v = (2, −1, −4) (corr with diversity > 0).
    # mean −1, deviations (3, 0, −3), population sd √6 → ECI = (3, 0, −3)/√6
    # k_p = U⁻¹ Mᵀ k_c / λ = 4·(−3/3, 1/2, 2/1) = (−4, 2, 8); PCI = (k_p + 1)/√6 = (−3, 3, 9)/√6
    M = pd.DataFrame([[1, 1, 1], [1, 1, 0], [1, 0, 0]], index=["c1", "c2", "c3"], columns=["p1", "p2", "p3"])
    r = economic_complexity(M, binary=True)
    s6 = math.sqrt(6)
    np.testing.assert_allclose(r.ECI.to_numpy(), [3 / s6, 0, -3 / s6], atol=1e-12)
    np.testing.assert_allclose(r.PCI.to_numpy(), [-3 / s6, 3 / s6, 9 / s6], atol=1e-12)
    np.testing.assert_allclose(r.eigenvalues, [1.0, 0.25], atol=1e-12)
    assert r.diversity.tolist() == [3, 2, 1] and r.ubiquity.tolist() == [3, 2, 1]
    # proximity φ = MᵀM / max(k_p, k_p'): (MᵀM)_12 = 2, max(3, 2) = 3 → 2/3 ; φ_13 = 1/3 ; φ_23 = 1/2
    np.testing.assert_allclose(
        r.proximity.to_numpy(), [[1, 2 / 3, 1 / 3], [2 / 3, 1, 1 / 2], [1 / 3, 1 / 2, 1]]
    )
    # density ω_cp = Σ_p' M_cp' φ_pp' / Σ_p' φ_pp': c3 (makes p1 only),
    # p2: φ_21/(φ_21+φ_22+φ_23) = (2/3)/(13/6)
    assert r.density.loc["c3", "p2"] == pytest.approx((2 / 3) / (2 / 3 + 1 + 1 / 2))
    # ECI = mean PCI of the products a location makes (Growth Lab normalisation)
    for c in M.index:
        assert r.ECI[c] == pytest.approx(r.PCI[M.loc[c] == 1].mean(), abs=1e-12)
    own = economic_complexity(M, binary=True, pci_scale="own").PCI
    assert own.mean() == pytest.approx(0, abs=1e-12) and own.std(ddof=0) == pytest.approx(1)


def test_rca_by_hand():
    # X = [[10, 30], [30, 30]]: RCA_11 = (10/40)/(40/100) = 0.625, RCA_12 = (30/40)/(60/100) = 1.25
    np.testing.assert_allclose(rca([[10, 30], [30, 30]]).to_numpy(), [[0.625, 1.25], [1.25, 0.5 / 0.6]])


def test_eci_invariants():
    rng = np.random.default_rng(0)
    X = rng.lognormal(0, 1.5, size=(25, 40))
    r = economic_complexity(X)
    assert r.ECI.mean() == pytest.approx(0, abs=1e-12)
    assert r.ECI.std(ddof=0) == pytest.approx(1, abs=1e-12)
    assert np.corrcoef(r.diversity, r.ECI)[0, 1] > 0
    # scaling all activity leaves RCA and so everything unchanged; row order only relabels
    r2 = economic_complexity(7.5 * X[::-1])
    np.testing.assert_allclose(r2.ECI.to_numpy()[::-1], r.ECI.to_numpy(), atol=1e-10)
    np.testing.assert_allclose(r2.PCI.to_numpy(), r.PCI.to_numpy(), atol=1e-10)


@pytest.mark.peer
def test_against_ecomplexity_package():
    ecx = pytest.importorskip("ecomplexity")
    rng = np.random.default_rng(1)
    locs = [f"L{i:02d}" for i in range(20)]
    prods = [f"P{j:02d}" for j in range(30)]
    X = (
        rng.lognormal(0, 1.2, size=(20, 30))
        * np.linspace(1, 3, 20)[:, None] ** np.linspace(0, 2, 30)[None, :]
    )
    long = pd.DataFrame(
        [(2020, c, p, X[i, j]) for i, c in enumerate(locs) for j, p in enumerate(prods)],
        columns=["year", "loc", "prod", "val"],
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = ecx.ecomplexity(
            long,
            {"time": "year", "loc": "loc", "prod": "prod", "val": "val"},
            check_logsupermodularity=False,
            verbose=False,
        )
    ours = economic_complexity(pd.DataFrame(X, index=locs, columns=prods))
    eci = out.groupby("loc")["eci"].first().reindex(locs)
    pci = out.groupby("prod")["pci"].first().reindex(prods)
    np.testing.assert_allclose(ours.ECI.to_numpy(), eci.to_numpy(), atol=1e-8)
    np.testing.assert_allclose(ours.PCI.to_numpy(), pci.to_numpy(), atol=1e-8)
    dens = out.set_index(["loc", "prod"])["density"].unstack().reindex(index=locs, columns=prods)
    np.testing.assert_allclose(ours.density.to_numpy(), dens.to_numpy(), atol=1e-10)
    rca_p = out.set_index(["loc", "prod"])["rca"].unstack().reindex(index=locs, columns=prods)
    np.testing.assert_allclose(ours.RCA.to_numpy(), rca_p.to_numpy(), rtol=1e-12)


def test_complexity_bad_inputs():
    with pytest.raises(InputError, match="not 0/1"):
        economic_complexity([[1, 2], [0, 1]], binary=True)
    with pytest.raises(MethodError, match="diversity 0"):
        economic_complexity([[1, 1, 0], [0, 0, 0], [1, 0, 1]], binary=True)
    with pytest.raises(MethodError, match="total 0"):
        rca([[1.0, 0.0], [2.0, 0.0]])
    with pytest.raises(InputError, match="missing"):
        economic_complexity([[1.0, np.nan], [2.0, 1.0]])
    with pytest.raises(MethodError, match="repeated"):
        economic_complexity(np.eye(3), binary=True)  # three disconnected blocks
