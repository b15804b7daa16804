"""Matchmaking on a hand case with a known optimum (capacities binding), chain gaps on a hand 3-sector
case, link scores on the 6-firm network."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

from industrial_brain.errors import InputError, MethodError
from industrial_brain.network import chain_gaps, chain_link_scores, firm_graph, match_suppliers

REGIONS = ["11", "65", "54", "12", "13"]
#: km from region 11 to 65, 54, 12, 13: 1,000, 800, 100, 300 (other pairs 500)
KM = pd.DataFrame(500.0, index=REGIONS, columns=REGIONS)
for r, d in zip(REGIONS, [0.0, 1000.0, 800.0, 100.0, 300.0]):
    KM.loc["11", r] = KM.loc[r, "11"] = d
for r in REGIONS:
    KM.loc[r, r] = 0.0


@pytest.fixture
def far_buyers():
    firms = pd.DataFrame(
        {
            "uscc": ["b1", "b2", "F1", "F2", "k1", "k2"],
            "region_code": ["11", "11", "65", "54", "12", "13"],
            "sector_code": ["t", "t", "s", "s", "s", "s"],
        }
    )
    edges = pd.DataFrame({"seller": ["F1", "F2"], "buyer": ["b1", "b2"], "amount": [100.0, 100.0]})
    return firm_graph(firms, edges)


def test_matching_reaches_the_known_optimum_with_binding_capacities(far_buyers):
    """b1 buys 100 of s from 1,000 km, b2 100 from 800 km. k1 (100 km) has 120 spare, k2 (300 km) 50.
    Every move saves distance, so both capacities fill (170 moved); the 30 left stay with the nearer
    current supplier (b2's, 800 km): b1 moves all 100, b2 moves 70.
    Cost after = 120·100 + 50·300 + 30·800 = 51,000; before = 100·1000 + 100·800 = 180,000."""
    r = match_suppliers(far_buyers, "11", KM, capacity={"k1": 120, "k2": 50}, unit=1.0)
    assert r.cost_before == pytest.approx(180_000)
    assert r.cost_after == pytest.approx(51_000)
    assert r.matches.groupby("supplier")["amount"].sum().to_dict() == {"k1": 120.0, "k2": 50.0}
    assert r.demand["matched"].to_dict() == {("b1", "s"): 100.0, ("b2", "s"): 70.0}
    assert r.matches["km_saved"].sum() == pytest.approx(129_000)
    assert r.matches["explanation_en"].str.contains("spare capacity").all()
    assert "富余产能" in r.to_frame("zh")["说明"].iloc[0]


def test_matching_optimum_equals_the_transportation_lp(far_buyers):
    """The same problem as a linear programme (HiGHS): min Σ f δ + Σ (d − Σ f) c."""
    c = np.array([100, 300, 100, 300]) - np.array([1000, 1000, 800, 800])  # f_b1k1, f_b1k2, f_b2k1, f_b2k2
    A = [[1, 1, 0, 0], [0, 0, 1, 1], [1, 0, 1, 0], [0, 1, 0, 1]]
    lp = linprog(c, A_ub=A, b_ub=[100, 100, 120, 50], bounds=(0, None), method="highs")
    r = match_suppliers(far_buyers, "11", KM, capacity={"k1": 120, "k2": 50}, unit=1.0)
    assert r.cost_after == pytest.approx(180_000 + lp.fun)


def test_no_match_when_no_supplier_is_near(far_buyers):
    r = match_suppliers(far_buyers, "11", KM, capacity={"k1": 120}, far_km=50.0, unit=1.0)
    assert r.matches.empty and r.cost_after == r.cost_before
    with pytest.raises(InputError, match="no firm in this region"):
        match_suppliers(far_buyers, "99", KM)


#: national technical coefficients: c needs 0.3 of s; d needs 0.2 of c and 0.1 of s
A3 = pd.DataFrame([[0, 0.3, 0.1], [0, 0, 0.2], [0, 0, 0]], index=list("scd"), columns=list("scd"))
X3 = pd.Series({"s": 1000.0, "c": 2000.0, "d": 4000.0})


@pytest.fixture
def three_sectors():
    firms = pd.DataFrame(
        {
            "uscc": ["C1", "C2", "S1", "S2", "S3", "D1"],
            "region_code": ["11", "11", "11", "31", "44", "31"],
            "sector_code": ["c", "c", "s", "s", "s", "d"],
            "revenue": [100.0, 50.0, 40.0, 200.0, 80.0, 300.0],
        }
    )
    edges = pd.DataFrame(
        {
            "seller": ["S1", "S2", "S2", "S3", "S3", "C1"],
            "buyer": ["C1", "C2", "C2", "D1", "D1", "D1"],
            "amount": [15.0, 20.0, 20.0, 10.0, 30.0, 30.0],
            "year": [2021, 2020, 2021, 2020, 2021, 2021],
        }
    )
    return firm_graph(firms, edges)


def test_gaps_on_three_sectors(three_sectors):
    """Region 11 makes X_c = 100 + 50 = 150 of the core c.
    Upstream s: ā_s = 0.3 → need 45; local supply in 2021 (S1 → C1) 15 → coverage 1/3 < 0.5: weak, 强链.
    Downstream d: b_cd = 0.2 · 4000 / 2000 = 0.4 → expected 60; no firm of d in region 11: missing, 延链.
    (d is no upstream link: a_dc = 0; s no downstream one: a_cs = 0.)"""
    r = chain_gaps(three_sectors, "11", ["c"], A3, x=X3)
    L = r.links
    assert list(L.index) == [("core", "c"), ("upstream", "s"), ("downstream", "d")]
    assert L.loc[("upstream", "s"), ["coefficient", "need", "local_supply"]].tolist() == pytest.approx(
        [0.3, 45, 15]
    )
    assert L.loc[("upstream", "s"), "coverage"] == pytest.approx(1 / 3)
    assert L.loc[("downstream", "d"), ["coefficient", "need"]].tolist() == pytest.approx([0.4, 60])
    assert L["status"].tolist() == ["core", "weak", "missing"]
    assert L["action"].tolist() == ["", "强链", "延链"]
    assert list(r.gaps.index) == [("upstream", "s"), ("downstream", "d")]
    assert r.candidates.empty and "no distance table" in " ".join(r.notes)


def test_gap_candidates_are_ranked_with_reasons(three_sectors):
    """Candidates for s outside region 11: S2 (31, 1,000 km) and S3 (44, 500 km).
    size: ln 200 > ln 80 → S2 1, S3 0; reliability: S2 sells 20, 20 (CV 0 → 1), S3 10, 30 (CV 0.5 → 0.5)
    → S2 1, S3 0; distance → S2 0, S3 1; sector fit: S2 sells all to the core, S3 nothing → S2 1, S3 0.
    Equal weights: S2 75, S3 25. For d, D1 is the lone candidate: its score is undefined (NaN)."""
    km = pd.DataFrame(
        [[0, 1000, 500], [1000, 0, 800], [500, 800, 0]], index=["11", "31", "44"], columns=["11", "31", "44"]
    )
    r = chain_gaps(three_sectors, "11", ["c"], A3, x=X3, distance=km)
    s = r.candidates.loc["s"]
    assert s["candidate"].tolist() == ["S2", "S3"]
    assert s["score"].tolist() == pytest.approx([75.0, 25.0])
    assert s["reliability"].tolist() == pytest.approx([1.0, 0.5])
    assert s["sector_fit"].tolist() == pytest.approx([1.0, 0.0])
    assert "CV 0.50 over 2 years" in s["reasons_en"].iloc[1] and "500 km from 11" in s["reasons_en"].iloc[1]
    d = r.candidates.loc["d"]
    assert d["candidate"].tolist() == ["D1"] and np.isnan(d["score"].iloc[0])
    assert d["sector_fit"].iloc[0] == pytest.approx(30 / 70)  # purchases from the core
    only_distance = chain_gaps(three_sectors, "11", ["c"], A3, distance=km, weights={"distance": 1.0})
    assert only_distance.candidates.loc["s", "candidate"].tolist() == ["S3", "S2"]
    assert "理由" in r.to_frame("zh", level="candidates").columns


def test_gaps_refuse_a_region_without_the_chain(three_sectors):
    with pytest.raises(MethodError, match="no output in the chain's core sectors"):
        chain_gaps(three_sectors, "31", ["c"], A3)
    with pytest.raises(InputError, match="core sector not in A"):
        chain_gaps(three_sectors, "11", ["zz"], A3)


def test_link_scores_on_the_six_firm_network(six):
    """Output by link: (11, m) 5,475, (31, p) 10,950, (44, e) 21,900 (each region holds one sector: LQ
    = X / X_r ÷ X_s / X = 1 / (X_s / X) … = 38,325 / X_s: 7, 3.5, 1.75). Size on ln output: 0, ½, 1.
    Clustering: (7 − 1.75)/(7 − 1.75) = 1 for (11, m), (3.5 − 1.75)/5.25 = 1/3, 0.
    Operations: one year (no growth); supplier HHI (11, m) NaN, (31, p) 37/49, (44, e) .515 → the lower
    HHI scores 1: (31, p) 0, (44, e) 1. Innovation: no data. Equal weights over the three aspects."""
    r = chain_link_scores(six)
    t = r.table
    assert t.loc[("11", "m"), "lq"] == pytest.approx(7.0)
    assert t.loc[("31", "p"), "lq"] == pytest.approx(3.5)
    assert t["size_score"].to_dict() == pytest.approx({("44", "e"): 100, ("31", "p"): 50, ("11", "m"): 0})
    assert t.loc[("31", "p"), "clustering_score"] == pytest.approx(100 / 3)
    assert t.loc[("44", "e"), "operations_score"] == pytest.approx(100)
    assert t.loc[("31", "p"), "score"] == pytest.approx((50 + 100 / 3 + 0) / 3)
    assert t.loc[("11", "m"), "score"] == pytest.approx((0 + 100) / 2)  # no HHI: scored on the two others
    assert t.loc[("44", "e"), "score"] == pytest.approx((100 + 0 + 100) / 3)
    assert list(t.index)[0] == ("44", "e")
    assert set(r.weights) == {"size", "clustering", "operations"}


def test_link_scores_weights_are_checked(six):
    with pytest.raises(InputError, match="unknown aspect"):
        chain_link_scores(six, weights={"beauty": 1.0})
    only = chain_link_scores(six, sectors=["p", "e"], weights={"size": 1.0})
    assert only.table["score"].tolist() == pytest.approx([100.0, 0.0])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_matching_equals_the_lp_optimum_on_random_cases(seed):
    """Random buyers in R0 sourcing from far regions (R4, R5), suppliers with random capacities in near
    regions: the min-cost flow's cost equals the transportation LP's optimum (HiGHS) — the LP of a
    transportation problem with integer data has an integral optimum, so rounding costs nothing."""
    rng = np.random.default_rng(seed)
    regions = [f"R{i}" for i in range(6)]
    to_r0 = np.array([0, 120, 260, 410, 900, 1500])
    km = pd.DataFrame(700.0, index=regions, columns=regions)
    for i, r in enumerate(regions):
        km.loc["R0", r] = km.loc[r, "R0"] = float(to_r0[i])
        km.loc[r, r] = 0.0
    nb, nf, ns = 8, 3, 5
    firms = pd.DataFrame(
        {
            "uscc": [f"b{i}" for i in range(nb)]
            + [f"f{i}" for i in range(nf)]
            + [f"k{i}" for i in range(ns)],
            "region_code": ["R0"] * nb
            + list(rng.choice(["R4", "R5"], nf))
            + list(rng.choice(regions[1:4], ns)),
            "sector_code": ["t"] * nb + ["s"] * (nf + ns),
        }
    )
    sellers = rng.integers(0, nf, nb)
    d = rng.integers(10, 100, nb).astype(float)
    edges = pd.DataFrame(
        {"seller": [f"f{i}" for i in sellers], "buyer": [f"b{i}" for i in range(nb)], "amount": d}
    )
    q = rng.integers(10, 80, ns).astype(float)
    r = match_suppliers(
        firm_graph(firms, edges), "R0", km, capacity={f"k{i}": q[i] for i in range(ns)}, unit=1.0
    )
    c = r.demand["current_km"].to_numpy()
    delta = to_r0[[regions.index(x) for x in firms["region_code"].iloc[nb + nf :]]]
    cost = (delta[None, :] - c[:, None]).ravel()  # f_jk, buyer-major
    A_ub = np.vstack([np.kron(np.eye(nb), np.ones(ns)), np.kron(np.ones(nb), np.eye(ns))])
    bounds = [(0, None) if delta[k] < c[j] else (0, 0) for j in range(nb) for k in range(ns)]
    lp = linprog(cost, A_ub=A_ub, b_ub=np.r_[d, q], bounds=bounds, method="highs")
    assert r.cost_after == pytest.approx(r.cost_before + lp.fun)
    assert len(r.matches) and r.cost_after < r.cost_before
    used = r.matches.groupby("supplier")["amount"].sum().reindex([f"k{i}" for i in range(ns)], fill_value=0.0)
    assert (used.to_numpy() <= q + 1e-9).all()
    assert (r.demand["matched"] <= r.demand["amount"] + 1e-9).all()
