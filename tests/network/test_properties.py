"""Invariants of the network engines on random graphs (hypothesis)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from industrial_brain.network import chain_leaders, firm_cascade, firm_graph, hhi_concentration


@st.composite
def graphs(draw):
    n = draw(st.integers(3, 12))
    seed = draw(st.integers(0, 10_000))
    rng = np.random.default_rng(seed)
    m = draw(st.integers(2, 30))
    s, b = rng.integers(0, n, m), rng.integers(0, n, m)
    keep = s != b
    if not keep.any():
        s, b = np.array([0]), np.array([1])
    else:
        s, b = s[keep], b[keep]
    firms = pd.DataFrame(
        {
            "uscc": [f"F{i}" for i in range(n)],
            "region_code": [f"R{i % 3}" for i in range(n)],
            "sector_code": [f"S{i % 4}" for i in range(n)],
        }
    )
    edges = pd.DataFrame(
        {"seller": [f"F{i}" for i in s], "buyer": [f"F{i}" for i in b], "amount": rng.uniform(1, 100, len(s))}
    )
    return firm_graph(firms, edges)


@settings(max_examples=40, deadline=None)
@given(graphs())
def test_hhi_bounds_and_equivalent_number(g):
    f = hhi_concentration(g).firms
    has = f["suppliers"] > 0
    h = f.loc[has, "supplier_hhi"]
    assert ((h > 0) & (h <= 1 + 1e-12)).all()
    # 1/H lies between 1 and the number of suppliers
    eq = f.loc[has, "supplier_equivalent"]
    assert (eq >= 1 - 1e-9).all() and (eq <= f.loc[has, "suppliers"] + 1e-9).all()


@settings(max_examples=40, deadline=None)
@given(graphs())
def test_pagerank_is_a_distribution_and_output_at_risk_is_bounded(g):
    t = chain_leaders(g).table
    assert abs(t["pagerank_supplier"].sum() - 1) < 1e-9 and abs(t["pagerank_buyer"].sum() - 1) < 1e-9
    # shares of each customer's inputs sum to 1: total output at risk = output of the firms that buy
    assert np.isclose(t["output_at_risk"].sum(), g.output[g.purchases > 0].sum())


@settings(max_examples=30, deadline=None)
@given(graphs(), st.floats(0, 10))
def test_cascade_losses_are_bounded(g, days_of_stock):
    first = g.uscc[0]
    r = firm_cascade(g, [first], days=8, inventory_days=days_of_stock)
    daily = g.output / 365
    assert r.direct_output_lost <= daily[0] * 8 + 1e-9
    assert -1e-9 <= r.total_output_lost <= daily.sum() * 8 + 1e-9
    assert r.total_output_lost >= r.direct_output_lost - 1e-9
    assert (np.diff(r.daily["output_lost"].to_numpy()) >= -1e-9).all()  # a permanent stop: no firm recovers
