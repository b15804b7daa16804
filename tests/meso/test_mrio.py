"""The 31-province × 42-sector MRIO of 2017 (Chenery–Moses, gravity prior, RAS): hand-solved synthetic
cases, acceptance numbers on the real provincial tables, accounts and a property test."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from industrial_brain._shared.geo import great_circle_km
from industrial_brain.errors import InputError
from industrial_brain.meso.mrio import build_mrio, gravity_prior
from industrial_brain.meso import mrio_accounts, spillover_of_demand
from industrial_brain.store.readers import read_io_table

CATS = ("FU101", "FU102", "FU103", "FU201", "FU202")


def synthetic_province(Z, f, ex, of, im, if_, err=None, sectors=None):
    """A SYNTHETIC single-region competitive table with trade columns (row identity holds by construction)."""
    Z = np.atleast_2d(np.asarray(Z, dtype=float))
    n = Z.shape[0]
    sectors = sectors or [str(i + 1) for i in range(n)]
    f, ex, of, im, if_ = (np.asarray(v, dtype=float).reshape(n) for v in (f, ex, of, im, if_))
    err = np.zeros(n) if err is None else np.asarray(err, dtype=float)
    x = Z.sum(axis=1) + f + ex + of - im - if_ + err
    Y = pd.DataFrame({c: (f if c == "FU101" else np.zeros(n)) for c in CATS}, index=sectors)
    Y["EX"] = ex
    return {
        "Z": pd.DataFrame(Z, index=sectors, columns=sectors),
        "Y": Y,
        "V": pd.DataFrame([x - Z.sum(axis=0)], index=["VA001"], columns=sectors),
        "x": pd.Series(x, index=sectors),
        "trade": pd.DataFrame({"OF": of, "IF": if_, "IM": im, "ERR": err}, index=sectors),
    }


def caps(coords):
    return pd.DataFrame(
        {"capital_lon": [c[0] for c in coords], "capital_lat": [c[1] for c in coords]},
        index=[chr(ord("a") + k) for k in range(len(coords))],
    )


# ---------------------------------------------------------------- hand-solved synthetic cases
def test_two_regions_by_hand():
    # a: z = 20, f = 30, OF = 10 → x = 60; b: z = 20, f = 20, IF = 10 → x = 30.
    # b's use U = 40, of which 10 from a: t_ab = 0.25, own share 0.75.
    m = build_mrio(
        {
            "a": synthetic_province([[20.0]], [30.0], [0.0], [10.0], [0.0], [0.0]),
            "b": synthetic_province([[20.0]], [20.0], [0.0], [0.0], [0.0], [10.0]),
        },
        caps([(0, 0), (1, 0)]),
    )
    Z = m.table.Z
    assert Z.loc[("a", "1"), ("a", "1")] == pytest.approx(20.0)  # a uses only its own product
    assert Z.loc[("a", "1"), ("b", "1")] == pytest.approx(5.0)  # 0.25 · 20
    assert Z.loc[("b", "1"), ("b", "1")] == pytest.approx(15.0)  # 0.75 · 20
    assert Z.loc[("b", "1"), ("a", "1")] == pytest.approx(0.0)
    Y = m.table.Y
    assert Y.loc[("a", "1"), ("b", "FU101")] == pytest.approx(5.0)  # 0.25 · 20
    assert Y.loc[("b", "1"), ("b", "FU101")] == pytest.approx(15.0)
    np.testing.assert_allclose(m.table.x.to_numpy(), [60.0, 30.0])
    assert m.checks["transit_removed"] == 0.0


def test_transit_is_removed_from_both_sides():
    # SYNTHETIC entrepôt region b: uses 10, receives 30 from a and sends 25 to c (transit 20 = 30 − 10).
    # incoming: IF 30 → 10 (factor 1 − 20/30); outgoing: OF 25 → 5 (factor 1 − 20/25).
    a = synthetic_province([[10.0]], [10.0], [0.0], [30.0], [0.0], [0.0])
    b = synthetic_province([[5.0]], [5.0], [0.0], [25.0], [0.0], [30.0])
    c = synthetic_province([[10.0]], [20.0], [0.0], [0.0], [0.0], [25.0])
    m = build_mrio({"a": a, "b": b, "c": c}, caps([(0, 0), (1, 0), (2, 0)]))
    tg = m.targets
    assert tg.loc[("b", "1"), "transit"] == pytest.approx(20.0)
    # after transit: Σ OF = 30 + 5 = 35, Σ IF = 10 + 25 = 35 → no reconciliation needed
    assert tg.loc[("b", "1"), "OF_target"] == pytest.approx(5.0)
    assert tg.loc[("b", "1"), "IF_target"] == pytest.approx(10.0)
    assert tg["OF_target"].sum() == pytest.approx(35.0) and tg["IF_target"].sum() == pytest.approx(35.0)
    # b's own supply share is 0: everything it uses comes from a
    assert m.table.Z.loc[("b", "1"), ("b", "1")] == pytest.approx(0.0, abs=1e-9)
    np.testing.assert_allclose(m.table.x.to_numpy(), [50.0, 5.0, 5.0])
    assert (m.table.Z.to_numpy() >= 0).all()


def test_reconciliation_rules_hand_solved():
    # Σ OF = 12 (a 12), Σ IF = 8 (b 8): mean → 10; 'outflows' → 12; 'inflows' → 8
    a = synthetic_province([[10.0]], [40.0], [0.0], [12.0], [0.0], [0.0])
    b = synthetic_province([[10.0]], [40.0], [0.0], [0.0], [0.0], [8.0])
    cp = caps([(0, 0), (1, 0)])
    for rule, tau in (("mean", 10.0), ("outflows", 12.0), ("inflows", 8.0)):
        m = build_mrio({"a": a, "b": b}, cp, reconcile=rule)
        assert m.checks["interprovincial_trade"] == pytest.approx(tau)
        assert m.table.Z.loc[("a", "1"), ("b", "1")] == pytest.approx(tau / 50.0 * 10.0)  # t_ab z_b
        np.testing.assert_allclose(m.table.x.to_numpy(), a["x"].tolist() + b["x"].tolist())
    with pytest.raises(InputError):
        build_mrio({"a": a, "b": b}, cp, reconcile="max")


def test_gravity_prior_and_distances():
    # Beijing–Shanghai great-circle distance ≈ 1,067 km (capital coordinates of the region table)
    d = great_circle_km([116.405285, 121.472644], [39.904989, 31.231706])
    assert d[0, 1] == pytest.approx(1067.3, abs=1.0) and d[0, 0] == 0.0
    T0 = gravity_prior([1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [[0, 1, 2], [1, 0, 4], [2, 4, 0]], beta=2.0)
    # T0[0, 2] = O_0 I_2 / d² = 1·6/4 = 1.5; T0[1, 2] = 2·6/16 = 0.75; diagonal 0
    assert T0[0, 2] == 1.5 and T0[1, 2] == 0.75 and np.trace(T0) == 0.0


# ---------------------------------------------------------------- acceptance on the real tables
def test_mrio_reproduces_every_province(mrio_result, io_store):
    m = mrio_result
    t = m.table
    assert len(t.regions) == 31 and len(t.sectors) == 42 and t.Z.shape == (1302, 1302)
    c = m.checks
    assert c["max_rel_dev_output_row"] < 1e-6
    assert c["max_rel_dev_output_column"] < 1e-6
    assert c["max_rel_dev_outflows"] < 1e-6
    assert c["max_rel_dev_inflows"] < 1e-6
    # gross output against the stored tables themselves (independent read), every province
    for code in ("110000", "310000", "500000", "540000", "650000"):
        x = read_io_table(io_store, f"cn_prov_io_2017_42_{code}").x.to_numpy()
        np.testing.assert_allclose(t.x.loc[code].to_numpy(), x, rtol=1e-12)
    # no negative flows: intermediate, interprovincial trade, imported intermediate use
    assert (t.Z.to_numpy() >= 0).all() and (m.trade["value"] >= 0).all() and (t.Z_imp.to_numpy() >= 0).all()
    # final demand is negative only in inventory change (FU202) and the discrepancy column
    Y = t.Y
    neg_cols = {c[-1] for c in Y.columns[(Y.to_numpy() < -1e-9).any(axis=0)]}
    assert neg_cols <= {"FU202", "ERR"}


def test_mrio_outflows_inflows_from_the_flows(mrio_result):
    """Recompute outflows and inflows from Z and Y independently of the builder's own checks."""
    t = mrio_result.table
    R, n = 31, 42
    local = [c for c in t.Y.columns if c[1] in CATS]
    use = np.concatenate(
        [
            t.Z.to_numpy().reshape(R, n, R, n).sum(axis=3),
            t.Y[local].to_numpy().reshape(R, n, R, len(CATS)).sum(axis=3),
        ],
        axis=0,
    )
    flows = use[:R] + use[R:]  # origin r, product i, destination s
    out = flows.sum(axis=2) - np.einsum("rir->ri", flows)
    inn = flows.sum(axis=0).T - np.einsum("rir->ri", flows)
    tg = mrio_result.targets
    np.testing.assert_allclose(out.reshape(-1), tg["OF_target"].to_numpy(), rtol=1e-6, atol=1e-3)
    np.testing.assert_allclose(inn.reshape(-1), tg["IF_target"].to_numpy(), rtol=1e-6, atol=1e-3)
    # national totals of every product's interprovincial trade: Σ outflows = Σ inflows
    np.testing.assert_allclose(out.sum(axis=0), inn.sum(axis=0), rtol=1e-6)


def test_mrio_documented_targets(mrio_result):
    c = mrio_result.checks
    # PROVENANCE §5 #12: Σ OF 71.98 trn, Σ IF 78.86 trn (10^4 CNY → trillion: / 1e8)
    assert round(c["published_outflows"] / 1e8, 2) == 71.98
    assert round(c["published_inflows"] / 1e8, 2) == 78.86
    assert round(c["total_output"] / 1e8, 1) == 246.3
    # transit removed 11.01 trn; reconciled ('mean') interprovincial trade 65.73 trn
    assert round(c["transit_removed"] / 1e8, 2) == 11.01
    assert round(c["interprovincial_trade"] / 1e8, 2) == 65.73


def test_mrio_against_national_structure(mrio_result, io_store):
    from industrial_brain.services.io import national_comparison

    comp = national_comparison(io_store, mrio_result)
    # stated tolerance (docs/meso-mrio.md): output +9.1 %; coefficients correlate ≥ 0.93 with the national
    # domestic coefficients, output-weighted mean absolute deviation ≤ 0.03, multipliers within 0.85–1.35 ×
    assert comp["output_ratio"] == pytest.approx(1.091, abs=0.001)
    assert comp["A_correlation"] >= 0.93
    assert comp["A_weighted_abs_dev"] <= 0.03
    assert 0.85 <= comp["multiplier_ratio_min"] and comp["multiplier_ratio_max"] <= 1.35


def test_mrio_accounts_identities(mrio_result):
    t = mrio_result.table
    acc = mrio_accounts(t)
    va = t.V.to_numpy().sum()
    # value added in trade adds up to the value added produced, by origin region
    assert acc.va_trade.to_numpy().sum() == pytest.approx(va, rel=1e-9)
    np.testing.assert_allclose(
        acc.va_trade.sum(axis=1).to_numpy(),
        t.V.sum(axis=0).groupby(level="region").sum().reindex(acc.va_trade.index),
        rtol=1e-8,
    )
    # multiplier decomposition: intra + spillover = 1'L (dense inverse as an independent check)
    L = np.linalg.inv(np.eye(1302) - t.A.to_numpy())
    np.testing.assert_allclose(acc.multiplier_decomposition["total"].to_numpy(), L.sum(axis=0), rtol=1e-9)
    blk = L.reshape(31, 42, 31, 42)
    intra = np.einsum("risj->sj", blk * (np.eye(31)[:, None, :, None]))
    np.testing.assert_allclose(acc.multiplier_decomposition["intra"].to_numpy(), intra.reshape(-1), rtol=1e-9)
    # footprints: consumption-based VA of local demand + VA for exports and ERR = all value added
    cba = acc.footprints.D_cba_reg.to_numpy().sum()
    assert cba + acc.va_trade[["EX", "ERR"]].to_numpy().sum() == pytest.approx(va, rel=1e-9)


def test_spillover_of_digital_demand(mrio_result):
    sp = spillover_of_demand(mrio_result.table, ["20", "31"])
    demand = sp.loc["demand"]
    ind = sp.drop(index="demand")
    assert ind.shape == (31, 31) and (ind.to_numpy() >= -1e-6).all()
    # output induced ≥ the demand itself (L ≥ I) whenever that demand is positive
    pos = demand > 0
    assert (ind.sum(axis=0)[pos] >= demand[pos] * (1 - 1e-9)).all()


# ---------------------------------------------------------------- property test (synthetic)
@settings(max_examples=15, deadline=None)
@given(st.integers(min_value=0, max_value=10_000))
def test_property_random_provinces(seed):
    rng = np.random.default_rng(seed)
    R, n = 4, 3
    provs = {}
    for k in range(R):
        Z = rng.uniform(0, 10, (n, n))
        f = rng.uniform(5, 20, n)
        provs[chr(ord("a") + k)] = synthetic_province(
            Z, f, rng.uniform(0, 5, n), rng.uniform(0.5, 8, n), rng.uniform(0, 5, n), rng.uniform(0.5, 8, n)
        )
    m = build_mrio(
        provs,
        caps([(rng.uniform(80, 120), rng.uniform(20, 45)) for _ in range(R)]),
        beta=float(rng.uniform(0, 2)),
    )
    c = m.checks
    assert max(c["max_rel_dev_output_row"], c["max_rel_dev_output_column"]) < 1e-9
    assert c["max_rel_dev_outflows"] < 1e-6 and c["max_rel_dev_inflows"] < 1e-6
    assert (m.table.Z.to_numpy() >= 0).all() and (m.trade["value"] >= 0).all()
