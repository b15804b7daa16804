"""Chokepoints as import dependence × output at risk: a hand-solved 3-sector table, the supply-driven
(Ghosh) model by brute force, the competitive-table route, and the 2020 national tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from industrial_brain.errors import InputError
from industrial_brain.meso import IOTable, import_dependence, import_share, output_at_risk, use_concentration

# Hand-made 3-sector table (synthetic). Domestic flows Z_d, imported intermediate use Z_m (product ×
# user), gross output x:
#
#   Z_d = [[0, 40, 10],     Z_m = [[ 0, 30,  0],     x = (100, 200, 100)
#          [0,  0, 25],            [ 0,  0, 20],
#          [0,  0,  0]]            [10,  0,  0]]
#
# A_d = Z_d x̂⁻¹ = [[0, .2, .1], [0, 0, .25], [0, 0, 0]] is strictly upper triangular, so
# L = I + A + A² with A² = [[0, 0, .2·.25 = .05], 0, 0]:  L = [[1, .2, .15], [0, 1, .25], [0, 0, 1]].
# L x = (100 + 40 + 15, 200 + 25, 100) = (155, 225, 100); Ghosh multipliers γ = L x / x = (1.55, 1.125, 1).
# Output at risk OAR_ij = z^m_ij γ_j: product 0 → 30 · 1.125 = 33.75 (user 1); product 1 → 20 · 1 = 20
# (user 2); product 2 → 10 · 1.55 = 15.5 (user 0). Total output 1'x = 400.
# Imports (intermediate + final): (30, 20 + 30, 10) = (30, 50, 10); supply x + IM = (130, 250, 110);
# import shares s = (30/130, 50/250, 10/110) = (.230769, .2, .090909).
# Scores s_i · OAR_i / 400: .230769 · .084375 = .019471; .2 · .05 = .01; .090909 · .03875 = .003523.
# Product 1 has the largest imports but 30 of its 50 go to final use: it ranks second.
# Concentration of intermediate use (Z_d + Z_m rows): product 0 (0, 70, 10) → .875² + .125² = .78125;
# products 1 (0, 0, 45) and 2 (10, 0, 0) → 1.
Z_D = np.array([[0.0, 40, 10], [0, 0, 25], [0, 0, 0]])
Z_M = np.array([[0.0, 30, 0], [0, 0, 20], [10, 0, 0]])
X = np.array([100.0, 200, 100])
IM = np.array([30.0, 50, 10])
A_D = Z_D / X[None, :]


def test_hand_solved_three_sectors():
    r = import_dependence(A_D, X, IM, Z_M, exports=[0.0, 0.0, 5.0])
    t = r.table.sort_index()
    np.testing.assert_allclose(r.gamma.to_numpy(), [1.55, 1.125, 1.0])
    np.testing.assert_allclose(t["output_at_risk"], [33.75, 20.0, 15.5])
    np.testing.assert_allclose(t["output_at_risk_share"], [33.75 / 400, 20 / 400, 15.5 / 400])
    np.testing.assert_allclose(t["output_at_risk_per_unit"], [1.125, 1.0, 1.55])
    np.testing.assert_allclose(t["import_share"], [30 / 130, 0.2, 10 / 110])
    np.testing.assert_allclose(t["import_penetration"], [30 / 130, 0.2, 10 / 105])
    np.testing.assert_allclose(t["use_hhi"], [0.78125, 1.0, 1.0])
    np.testing.assert_allclose(t["score"], [0.019471, 0.01, 0.003523], atol=5e-7)
    assert r.table.index.tolist() == [0, 1, 2] and r.table["rank"].tolist() == [1, 2, 3]
    assert t["top_user"].tolist() == [1, 2, 0]
    # by using sector: one user per product here
    np.testing.assert_allclose(r.by_user.to_numpy(), Z_M * np.array([1.55, 1.125, 1.0])[None, :])


def test_output_at_risk_is_the_ghosh_loss_by_brute_force():
    """Remove the imports of product i from the primary inputs and re-solve x' = p'(I − B_d)⁻¹."""
    rng = np.random.default_rng(11)
    n = 5
    Zd = rng.uniform(0, 20, (n, n))
    Zm = rng.uniform(0, 8, (n, n))
    x = Zd.sum(axis=1) + rng.uniform(50, 150, n)
    A = Zd / x[None, :]
    B = Zd / x[:, None]
    p = x - Zd.sum(axis=0)  # primary inputs of the domestic table (imports + value added)
    G = np.linalg.inv(np.eye(n) - B)
    np.testing.assert_allclose(p @ G, x)
    oar = output_at_risk(A, x, Zm)
    for i in range(n):
        x_new = (p - Zm[i]) @ G
        assert oar[i].sum() == pytest.approx(x.sum() - x_new.sum(), rel=1e-10)


def test_competitive_table_through_iotable_domestic():
    # the same economy published as a competitive table: Z = Z_d + Z_m, imports as a negative column
    Z = Z_D + Z_M
    f_local = np.array([50.0, 175 + 30, 100])  # domestic final use + imported final use (0, 30, 0)
    Y = pd.DataFrame({"C": f_local, "IM": -IM})
    x = Z.sum(axis=1) + Y.sum(axis=1).to_numpy()
    np.testing.assert_allclose(x, X)
    tab = IOTable(Z, Y, x=X, check=False).domestic()
    # import-share assumption: s = 1 − IM/(Σ_j z_ij + f_i) = (1 − 30/130, 1 − 50/250, 1 − 10/110)
    s = 1 - IM / (Z.sum(axis=1) + f_local)
    np.testing.assert_allclose(tab.Z_imp.to_numpy(), Z * (1 - s)[:, None])
    r = tab.import_dependence()
    np.testing.assert_allclose(r.table.sort_index()["imports"], IM)
    np.testing.assert_allclose(r.table.sort_index()["import_share"], [30 / 130, 0.2, 10 / 110])
    ref = import_dependence(tab.A, X, IM, tab.Z_imp.to_numpy())
    np.testing.assert_allclose(r.table.sort_index()["score"], ref.table.sort_index()["score"])
    with pytest.raises(InputError, match="imported intermediate use"):
        IOTable(Z, Y, x=X, check=False).import_dependence()


def test_labels_names_and_errors():
    codes = pd.Index(["01", "02", "03"])
    A = pd.DataFrame(A_D, index=codes, columns=codes)
    names = pd.DataFrame(
        {"name_en": ["chips", "steel", "food"], "name_zh": ["芯片", "钢铁", "食品"]}, index=codes
    )
    r = import_dependence(
        A, pd.Series(X, index=codes), IM, pd.DataFrame(Z_M, index=codes, columns=codes), names=names
    )
    assert r.to_frame().index.tolist() == ["01", "02", "03"]
    assert r.to_frame("zh")["名称"].iloc[0] == "芯片" and "卡脖子得分" in r.to_frame("zh").columns
    u = r.users("01")
    assert u.index.tolist() == ["02"] and u["output_at_risk"].iloc[0] == pytest.approx(33.75)
    assert u["imported_use"].iloc[0] == pytest.approx(30.0) and u["share_of_product"].iloc[0] == 1.0
    assert "first chokepoint" in r.summary() and "首位卡脖子产品" in r.summary("zh")
    assert r.units["output_at_risk"] == "table units" and r.units["import_share"] == "share"
    with pytest.raises(InputError, match="unknown sector"):
        r.users("99")
    with pytest.raises(InputError, match="imports must be positive"):
        import_share(X, [-1.0, 0, 0])
    with pytest.raises(InputError, match="Z_imp"):
        import_dependence(A_D, X, IM, np.zeros((2, 2)))
    assert np.isnan(use_concentration(np.zeros((1, 3))))[0]


def test_national_2020_153_puts_electronic_components_among_the_first(io_store):
    from industrial_brain.services.io import chokepoint_users, chokepoints_frame, import_chokepoints

    res = import_chokepoints(io_store, "cn_nbs_io_2020_153")
    t = res.table
    # 094 electronic components (incl. integrated circuits): the largest import of the table
    assert t["imports"].idxmax() == "094"
    assert t.loc["094", "import_share"] == pytest.approx(0.37796, abs=5e-5)  # 278.66 / (458.62 + 278.66)
    assert t.loc["094", "rank"] == 2
    assert t.index[:5].tolist() == ["007", "094", "008", "009", "096"]  # oil & gas, ICs, ores, instruments
    assert t.loc["094", "output_at_risk_share"] == pytest.approx(0.020894, abs=5e-6)
    assert t.loc["094", "score"] == pytest.approx(0.007897, abs=5e-6)
    f = chokepoints_frame(res, 15)
    assert f.columns[0] == "sector" and f["sector"].tolist()[:2] == ["007", "094"] and len(f) == 15
    u = chokepoint_users(res, "094", top=None)
    assert u["output_at_risk"].sum() == pytest.approx(t.loc["094", "output_at_risk"], rel=1e-9)
    assert u["user"].tolist()[:3] == ["094", "090", "091"]  # components, computers, communication equipment
    # the 42-sector non-competitive table: import matrices as published
    r42 = import_chokepoints(io_store, "cn_nbs_io_2020_42")
    assert r42.table.index[:3].tolist() == ["03", "04", "20"]
    assert r42.table.loc["20", "import_share"] == pytest.approx(0.24717, abs=5e-5)
    with pytest.raises(InputError, match="national or provincial"):
        import_chokepoints(io_store, "cn_mrio_2017")
