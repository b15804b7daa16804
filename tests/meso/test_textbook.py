"""Hand-solved textbook cases (Miller & Blair 2009) for every core formula, on arrays and frames."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from industrial_brain.errors import InputError, MethodError
from industrial_brain.meso import (
    LeontiefLU,
    ZeroOutputWarning,
    aggregate_matrix,
    allocation_coefficients,
    average_propagation_length,
    chain_position,
    concordance_matrix,
    ghosh_from_leontief,
    ghosh_inverse,
    hypothetical_extraction,
    key_sectors,
    leontief_inverse,
    linkages,
    multipliers,
    output_from_demand,
    output_from_inputs,
    output_multipliers,
    satellite_accounts,
    satellite_multipliers,
    technical_coefficients,
)

# Miller & Blair Table 2.3–2.4: A = Z x̂⁻¹, L = (I − A)⁻¹; det(I − A) = .85·.95 − .25·.2 = .7575
MB_A = np.array([[0.15, 0.25], [0.20, 0.05]])
MB_L = np.array([[0.95, 0.25], [0.20, 0.85]]) / 0.7575  # adj(I − A) / det
MB_L4 = np.array([[1.2541, 0.3300], [0.2640, 1.1221]])
MB_MULT4 = np.array([1.5182, 1.4521])  # column sums of L


def test_mb_A_L_multipliers_arrays(mb_Z, mb_x):
    A = technical_coefficients(mb_Z, mb_x)
    np.testing.assert_allclose(A, MB_A, atol=5e-5)
    L = leontief_inverse(A)
    np.testing.assert_allclose(np.round(L, 4), MB_L4, atol=0)
    np.testing.assert_allclose(L, MB_L, rtol=1e-13)
    np.testing.assert_allclose(np.round(output_multipliers(A), 4), MB_MULT4, atol=0)
    # x = L y with y = x − Z1 = (350, 1700)
    np.testing.assert_allclose(output_from_demand(A, np.array([350.0, 1700.0])), mb_x, rtol=1e-13)


def test_mb_frames_keep_labels(mb_Z, mb_x):
    idx = pd.Index(["agri", "manu"], name="sector")
    Zf = pd.DataFrame(mb_Z, index=idx, columns=idx)
    A = technical_coefficients(Zf, pd.Series(mb_x, index=idx))
    assert isinstance(A, pd.DataFrame) and A.index.equals(idx) and A.columns.equals(idx)
    L = leontief_inverse(A)
    assert isinstance(L, pd.DataFrame) and L.columns.equals(idx)
    np.testing.assert_allclose(L.to_numpy(), MB_L, rtol=1e-13)
    m = output_multipliers(A)
    assert list(m.index) == ["agri", "manu"]
    np.testing.assert_allclose(m.round(4).to_numpy(), MB_MULT4, atol=0)
    # a Series x in another order is aligned on Z's columns
    A2 = technical_coefficients(Zf, pd.Series(mb_x[::-1], index=idx[::-1]))
    np.testing.assert_allclose(A2.to_numpy(), A.to_numpy())


def test_lu_solves_both_directions():
    lu = LeontiefLU(MB_A)
    Y = np.array([[350.0, 1.0], [1700.0, 0.0]])
    np.testing.assert_allclose(lu.solve(Y), MB_L @ Y, rtol=1e-13)
    S = np.array([[0.01, 0.02], [1.0, 0.0]])
    np.testing.assert_allclose(lu.solve_left(S), S @ MB_L, rtol=1e-13)
    np.testing.assert_allclose(lu.inverse(), MB_L, rtol=1e-13)


def test_singular_system_raises():
    with pytest.raises(MethodError):
        leontief_inverse(np.array([[1.0, 0.0], [0.0, 0.5]]))


def test_bad_inputs_raise_input_error():
    with pytest.raises(InputError):
        technical_coefficients(np.ones((2, 3)), [1, 2, 3])
    with pytest.raises(InputError):
        technical_coefficients(np.ones((2, 2)), [1, 2, 3])
    with pytest.raises(InputError):
        leontief_inverse(np.array([[np.nan, 0], [0, 0]]))
    with pytest.raises(InputError):
        linkages(MB_A, forward="sideways")


def test_zero_output_sector_kept_zero_and_named():
    Z = np.array([[10.0, 0.0], [0.0, 0.0]])
    with pytest.warns(ZeroOutputWarning, match="1 sector"):
        A = technical_coefficients(Z, np.array([100.0, 0.0]))
    assert np.isfinite(A).all() and A[1, 1] == 0 and A[0, 1] == 0
    r = multipliers(A, x=np.array([100.0, 0.0]), V=np.array([[90.0, 0.0]]))
    assert any("zero gross output" in n for n in r.notes)
    assert np.isfinite(r.table.to_numpy()).all()


def test_ghosh_three_sector_by_hand():
    # Z = [[10, 20, 0], [0, 0, 30], [10, 0, 0]], x = (100, 100, 100): B = x̂⁻¹Z
    Z = np.array([[10.0, 20.0, 0.0], [0.0, 0.0, 30.0], [10.0, 0.0, 0.0]])
    x = np.full(3, 100.0)
    B = allocation_coefficients(Z, x)
    np.testing.assert_allclose(B, [[0.1, 0.2, 0.0], [0.0, 0.0, 0.3], [0.1, 0.0, 0.0]])
    # det(I − B) = .9·1 + .2·(0 − .03) = .894; adj(I − B) by cofactors:
    adj = np.array([[1.0, 0.2, 0.06], [0.03, 0.9, 0.27], [0.1, 0.02, 0.9]])
    G = ghosh_inverse(B)
    np.testing.assert_allclose(G, adj / 0.894, rtol=1e-13)
    np.testing.assert_allclose(np.round(G[0], 6), [1.118568, 0.223714, 0.067114])
    # v = x − 1'Z = (80, 80, 70); x' = v'G = (89.4, 89.4, 89.4)/.894 = 100
    v = x - Z.sum(axis=0)
    np.testing.assert_allclose(v @ G, x, rtol=1e-13)
    np.testing.assert_allclose(output_from_inputs(B, v), x, rtol=1e-13)
    # G = x̂⁻¹ L x̂ from the Leontief side
    L = leontief_inverse(technical_coefficients(Z, x))
    np.testing.assert_allclose(ghosh_from_leontief(L, x), G, rtol=1e-12)


def test_type_II_multipliers_miller_blair_closed_model():
    # Miller & Blair section 2.5: households closed with h = (.3, .25), c = (.05, .4), a_hh = .05;
    # L̄ = [[1.3651, .4253, .2509], [.5273, 1.3481, .5954], [.5698, .4890, 1.2885]]
    r = multipliers(
        MB_A, income_coefficients=[0.3, 0.25], household_consumption=[0.05, 0.4], household_own=0.05
    )
    t = r.table
    np.testing.assert_allclose(t["output"].round(4), MB_MULT4)
    np.testing.assert_allclose(t["output_typeII"].round(4), [1.3651 + 0.5273, 0.4253 + 1.3481], atol=1.5e-4)
    # simple income multiplier h'L: .3·1.2541 + .25·.2640 = .4422; type I = .4422/.3
    np.testing.assert_allclose(t["income"], np.array([0.3, 0.25]) @ MB_L, rtol=1e-13)
    np.testing.assert_allclose(t["income_typeI"], (np.array([0.3, 0.25]) @ MB_L) / [0.3, 0.25], rtol=1e-13)
    np.testing.assert_allclose(
        t["income_typeII"].round(3), [round(0.5698 / 0.3, 3), round(0.4890 / 0.25, 3)], atol=1.5e-3
    )
    assert (t["output_typeII"] > t["output"]).all()


def test_value_added_and_satellite_multipliers(mb_Z, mb_x):
    A = technical_coefficients(mb_Z, mb_x)
    V = (mb_x - mb_Z.sum(axis=0))[None, :]  # value added 650, 1400
    F = np.array([[10.0, 40.0]])  # emissions; intensities .01, .02
    r = multipliers(A, x=mb_x, V=V, F=F)
    # value added per unit of final demand is 1 in a closed accounting system (all VA, no imports)
    np.testing.assert_allclose(r.table["value_added"], [1.0, 1.0], rtol=1e-13)
    # .01·1.2541 + .02·.2640 = .017822; .01·.3300 + .02·1.1221 = .025743
    np.testing.assert_allclose(r.table["0_total"].round(6), [0.017822, 0.025743])
    np.testing.assert_allclose(satellite_multipliers(A, F / mb_x)[0], r.table["0_total"], rtol=1e-13)
    assert "largest output multiplier" in r.summary()
    assert "产出乘数" in r.summary(lang="zh")


def test_linkages_and_key_sectors():
    r = linkages(MB_A, forward="leontief")
    # BL_j = 2·colsum_j / Σ colsum: 2·1.518152/2.970297 = 1.022222
    np.testing.assert_allclose(r.table["backward"], 2 * MB_L.sum(0) / MB_L.sum(), rtol=1e-13)
    np.testing.assert_allclose(r.table["forward"], 2 * MB_L.sum(1) / MB_L.sum(), rtol=1e-13)
    rg = linkages(MB_A, np.array([1000.0, 2000.0]))
    G = np.diag([1 / 1000, 1 / 2000]) @ MB_L @ np.diag([1000.0, 2000.0])
    np.testing.assert_allclose(rg.table["forward_total"], G.sum(1), rtol=1e-13)
    assert rg.forward_method == "ghosh"
    ks = key_sectors(r)
    assert ks.table["quadrant"].tolist() == ["key", "weak"]
    assert ks.sectors("key") == [0]
    assert "关键部门" in ks.summary(lang="zh")


def _brute_extraction(A, y, j):
    n = len(y)
    keep = [i for i in range(n) if i != j]
    x = np.linalg.solve(np.eye(n) - A, y)
    xr = np.linalg.solve(np.eye(n - 1) - A[np.ix_(keep, keep)], y[keep])
    Ab = A.copy()
    Ab[:, j] = 0
    xb = np.linalg.solve(np.eye(n) - Ab, y)
    B = A * x[None, :] / x[:, None]
    v = x - (A * x[None, :]).sum(0)
    Bf = B.copy()
    Bf[j, :] = 0
    xf = np.linalg.solve((np.eye(n) - Bf).T, v)
    return x.sum() - xr.sum(), x.sum() - xb.sum(), x.sum() - xf.sum()


def test_extraction_closed_form_matches_brute_force():
    rng = np.random.default_rng(12345)
    A = rng.uniform(0, 0.2, (5, 5))
    y = rng.uniform(10, 100, 5)
    x = np.linalg.solve(np.eye(5) - A, y)
    r = hypothetical_extraction(A, x)
    for j in range(5):
        T, Bk, F = _brute_extraction(A, y, j)
        np.testing.assert_allclose(
            r.table[["loss_total", "loss_backward", "loss_forward"]].iloc[j], [T, Bk, F], rtol=1e-10
        )
    # a subset uses column solves only and agrees
    r2 = hypothetical_extraction(A, x, sectors=[3, 1])
    np.testing.assert_allclose(
        r2.table["loss_total"].to_numpy(), r.table["loss_total"].to_numpy()[[3, 1]], rtol=1e-12
    )
    # block extraction of two sectors equals removing both
    rb = hypothetical_extraction(A, x, sectors=[1, 3], block=True)
    keep = [0, 2, 4]
    xr = np.linalg.solve(np.eye(3) - A[np.ix_(keep, keep)], y[keep])
    np.testing.assert_allclose(rb.table["loss_total"].iloc[0], x.sum() - xr.sum(), rtol=1e-10)


def test_mb_extraction_by_hand():
    # removing sector 1 leaves x̄₂ = 1700/.95 = 1789.4737, T₁ = 3000 − 1789.4737
    r = hypothetical_extraction(MB_A, np.array([1000.0, 2000.0]))
    assert r.table["loss_total"].iloc[0] == pytest.approx(3000 - 1700 / 0.95, rel=1e-12)
    assert r.table["share_total"].iloc[0] == pytest.approx((3000 - 1700 / 0.95) / 3000, rel=1e-12)


def test_isolated_sector_extraction_is_its_final_demand():
    Z = np.array([[10.0, 5.0, 0.0], [8.0, 2.0, 0.0], [0.0, 0.0, 0.0]])
    y = np.array([50.0, 30.0, 17.0])
    x = Z.sum(1) + y
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        A = technical_coefficients(Z, x)
    r = hypothetical_extraction(A, x)
    assert r.table["loss_total"].iloc[2] == 17.0
    assert r.table["loss_backward"].iloc[2] == 0.0 and r.table["loss_forward"].iloc[2] == 0.0


def test_upstreamness_downstreamness_apl():
    A = np.array([[0.0, 0.25], [0.0, 0.0]])
    p = chain_position(A, np.array([100.0, 200.0]))
    assert p.table["upstreamness"].tolist() == [1.5, 1.0]  # 1 + .5·1
    assert p.table["downstreamness"].tolist() == [1.0, 1.25]  # 1'L
    # open-economy version with zero net trade is the same
    p2 = chain_position(A, np.array([100.0, 200.0]), net_trade=np.zeros(2))
    np.testing.assert_allclose(p2.table["upstreamness"], [1.5, 1.0])
    chain = np.array([[0, 0.5, 0], [0, 0, 0.5], [0, 0, 0]])
    apl = average_propagation_length(chain)
    assert apl[0, 1] == 1.0 and apl[0, 2] == 2.0 and np.isnan(apl[2, 0])


def test_aggregation_preserves_totals(mb_Z):
    Z = np.arange(9.0).reshape(3, 3)
    C = concordance_matrix({"a": "X", "b": "X", "c": "Y"})
    out = aggregate_matrix(pd.DataFrame(Z, index=list("abc"), columns=list("abc")), C)
    np.testing.assert_allclose(out.to_numpy(), [[8.0, 7.0], [13.0, 8.0]])  # (0+1+3+4, 2+5; 6+7, 8)
    assert out.to_numpy().sum() == Z.sum()
    with pytest.raises(InputError):
        concordance_matrix({"a": "X"}, order=["a", "b"])


def test_accounts_single_region(mb_Z, mb_x):
    Y = np.array([[350.0], [1700.0]])
    acc = satellite_accounts(mb_Z, Y, np.array([[10.0, 40.0]]))
    np.testing.assert_allclose(acc.x, mb_x)
    np.testing.assert_allclose(acc.D_cba.sum(), 50.0, rtol=1e-13)
    np.testing.assert_allclose(acc.D_imp, 0.0, atol=1e-12)  # one region: nothing imported
    np.testing.assert_allclose(acc.M, np.array([[0.01, 0.02]]) @ MB_L, rtol=1e-13)
    Zc = mb_Z.copy()
    acc2 = satellite_accounts(Zc, Y, np.array([[10.0, 40.0]]), overwrite_Z=True)
    np.testing.assert_allclose(acc2.D_cba, acc.D_cba, rtol=1e-14)
    assert not np.allclose(Zc, mb_Z)  # its buffer was reused
