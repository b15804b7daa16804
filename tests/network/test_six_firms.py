"""HHI, chain leaders, single points of failure and the cascade on the hand-made 6-firm network
(conftest.py draws it); every expected number is solved by hand in the test's docstring."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from industrial_brain.errors import InputError, MethodError
from industrial_brain.network import (
    chain_leaders,
    eigenvector_centrality,
    firm_cascade,
    firm_graph,
    hhi_concentration,
    pagerank,
    single_points_of_failure,
)

from .conftest import EDGES, FIRMS


def test_supplier_and_customer_hhi_per_firm(six):
    """Supplier HHI: C buys 0.8 / 0.2 → 0.68; D one supplier → 1; E 0.625 / 0.3125 / 0.0625 →
    0.390625 + 0.09765625 + 0.00390625 = 0.4921875; F 0.75 / 0.25 → 0.625.
    Customer HHI: A 2/3, 1/3 → 5/9; B ½, ½ → 0.5; C 10/13, 3/13 → 109/169; D 5/6, 1/6 → 13/18.
    Equivalent numbers 1/H: C 1/0.68, E 1/0.4921875 = 2.031746…"""
    f = hhi_concentration(six).firms
    assert f["supplier_hhi"].to_dict() == pytest.approx(
        {"A": np.nan, "B": np.nan, "C": 0.68, "D": 1.0, "E": 0.4921875, "F": 0.625}, nan_ok=True
    )
    assert f["customer_hhi"].to_dict() == pytest.approx(
        {"A": 5 / 9, "B": 0.5, "C": 109 / 169, "D": 13 / 18, "E": np.nan, "F": np.nan}, nan_ok=True
    )
    assert f.loc["E", "supplier_equivalent"] == pytest.approx(1 / 0.4921875)
    assert f["suppliers"].tolist() == [0, 0, 2, 1, 3, 2]
    assert f["purchases"].tolist() == [0.0, 0.0, 1825.0, 730.0, 5840.0, 1460.0]


def test_hhi_per_region_sector(six):
    """(31, p) buys 2,190 from A and 365 from B: 6/7, 1/7 → 37/49. (44, e) buys C 4,745, D 2,190,
    B 365 of 7,300: .65, .3, .05 → .515. (11, m) sells C 1,825, D 730, E 365 of 2,920:
    .625, .25, .125 → .46875. (31, p) sells E 5,475, F 1,460: 15/19, 4/19 → 241/361."""
    links = hhi_concentration(six).links
    assert links.loc[("31", "p"), "supplier_hhi"] == pytest.approx(37 / 49)
    assert links.loc[("44", "e"), "supplier_hhi"] == pytest.approx(0.515)
    assert links.loc[("11", "m"), "customer_hhi"] == pytest.approx(0.46875)
    assert links.loc[("31", "p"), "customer_hhi"] == pytest.approx(241 / 361)
    assert links["firms"].tolist() == [2, 2, 2]


def test_output_at_risk_ranks_the_leaders(six):
    """OaR_k = Σ_j z_kj / m_j · x_j:
    A: 1460/1825 · 7300 + 730/730 · 3650 = 5840 + 3650 = 9490;
    B: 365/1825 · 7300 + 365/5840 · 14600 = 1460 + 912.5 = 2372.5;
    C: 3650/5840 · 14600 + 1095/1460 · 7300 = 9125 + 5475 = 14600;
    D: 1825/5840 · 14600 + 365/1460 · 7300 = 4562.5 + 1825 = 6387.5; E, F: 0.
    Total output 38,325: C's share 14600 / 38325."""
    r = chain_leaders(six)
    t = r.table
    assert list(t.index) == ["C", "A", "D", "B", "E", "F"]
    assert t["output_at_risk"].tolist() == pytest.approx([14600, 9490, 6387.5, 2372.5, 0, 0])
    assert t.loc["C", "output_at_risk_share"] == pytest.approx(14600 / 38325)
    assert t["rank"].tolist() == [1, 2, 3, 4, 5, 6]


def _nx_graph(edges: pd.DataFrame) -> nx.DiGraph:
    G = nx.DiGraph()
    G.add_nodes_from(FIRMS["uscc"])
    for s, b, a in edges[["seller", "buyer", "amount"]].itertuples(index=False):
        G.add_edge(s, b, weight=G.get_edge_data(s, b, {"weight": 0})["weight"] + a)
    return G


def test_pagerank_matches_networkx_both_ways(six):
    """pagerank_buyer is networkx's PageRank of the sales graph, pagerank_supplier that of the reversed
    graph (same damping, dangling rule and tolerance): equal to 1e-9."""
    t = chain_leaders(six, tol=1e-13).table
    G = _nx_graph(EDGES)
    buyer = nx.pagerank(G, alpha=0.85, weight="weight", tol=1e-13, max_iter=1000)
    supplier = nx.pagerank(G.reverse(), alpha=0.85, weight="weight", tol=1e-13, max_iter=1000)
    for u in FIRMS["uscc"]:
        assert t.loc[u, "pagerank_buyer"] == pytest.approx(buyer[u], abs=1e-9)
        assert t.loc[u, "pagerank_supplier"] == pytest.approx(supplier[u], abs=1e-9)
    # the supplier view puts the materials and parts makers first, the buyer view the assemblers
    assert t["pagerank_supplier"].idxmax() == "A" and t["pagerank_buyer"].idxmax() == "E"
    assert t["pagerank_buyer"].sum() == pytest.approx(1.0)


def test_pagerank_on_a_random_weighted_graph_matches_networkx():
    rng = np.random.default_rng(7)
    W = rng.random((40, 40)) * (rng.random((40, 40)) < 0.1)
    np.fill_diagonal(W, 0)
    G = nx.from_numpy_array(W, create_using=nx.DiGraph)
    ref = nx.pagerank(G, alpha=0.9, weight="weight", tol=1e-13)
    ours = pagerank(W, alpha=0.9, tol=1e-13)
    assert ours == pytest.approx([ref[i] for i in range(40)], abs=1e-10)


def test_eigenvector_centrality_matches_networkx_on_a_cyclic_graph():
    """A strongly connected weighted graph (a cycle with chords): networkx's in-edge centrality."""
    W = np.zeros((5, 5))
    for i in range(5):
        W[i, (i + 1) % 5] = 1.0 + i
    W[0, 2], W[3, 1] = 0.5, 2.0
    G = nx.from_numpy_array(W, create_using=nx.DiGraph)
    ref = nx.eigenvector_centrality(G, weight="weight", tol=1e-12, max_iter=5000)
    ours = eigenvector_centrality(W, tol=1e-12, max_iter=5000)
    assert ours == pytest.approx([ref[i] for i in range(5)], abs=1e-8)


def test_eigenvector_on_an_acyclic_chain_is_refused(six):
    with pytest.raises(MethodError, match="did not converge"):
        chain_leaders(six, eigenvector=True, max_iter=50)


def test_single_points_of_failure(six):
    """(31, p) buys input m from A 2,190 and B 365: top-1 6/7 = .857 < .9, top-2 1 ≥ .9 → two firms.
    (44, e) buys input p from C 4,745 and D 2,190 (13/19 = .684; both 1) → two firms, input share
    6,935 / 7,300 = .95. (44, e) buys input m from B alone (365 of 7,300 = 5 %): one firm, kept only
    when the minimum input share is below 5 %."""
    t = single_points_of_failure(six, min_input_share=0.1).table
    assert list(t.index) == [("44", "e", "p"), ("31", "p", "m")]
    assert t["through"].tolist() == [2, 2]
    assert t["top1"].tolist() == ["C", "A"] and t["top2"].tolist() == ["D", "B"]
    assert t["top1_share"].tolist() == pytest.approx([13 / 19, 6 / 7])
    assert t["input_share"].tolist() == pytest.approx([0.95, 1.0])
    low = single_points_of_failure(six, min_input_share=0.01).table
    assert low.loc[("44", "e", "m"), "through"] == 1 and low.loc[("44", "e", "m"), "top1"] == "B"
    assert pd.isna(low.loc[("44", "e", "m"), "top2"])
    strict = single_points_of_failure(six, bound=0.85, min_input_share=0.1).table
    assert strict.loc[("31", "p", "m"), "through"] == 1  # A alone passes 85 %


def test_cascade_of_A_stopping(six):
    """A stops from day 1; every firm holds 3 days of each input. Daily flows: A→C 4, B→C 1, A→D 2,
    B→E 1, C→E 10, D→E 5, C→F 3, D→F 1; daily output A 10, C 20, D 10, E 40, F 20.
    Deliveries follow yesterday's production.

    * days 1–4: only A is down (loss 10 a day). D (stock 6, no delivery from day 2) has 6, 4, 2 left
      on days 2–4; C (stock 15, B still delivers 1) 11, 7, 3.
    * day 5: C has 3 + 1 = 4 of its daily 5 → r_C = 0.8; D has 0 → stops. Loss 10 + 4 + 10 = 24.
    * days 6–8: C has only B's 1 → 0.2 (loss 16 a day); loss 36. E's parts: 45 + 8 = 53 → 38 on day 6,
      38 + 2 − 15 = 25, 12; F's: 12 + 2.4 − 4 = 10.4, 7, 3.6.
    * day 9: E has 12 + 2 = 14 of 15 → r_E = 14/15, loss 40/15; F 3.6 + 0.6 = 4.2 ≥ 4 → full. Loss 38.667.
    * day 10: E has 2 of 15 → 2/15 (loss 34.667); F has 0.2 + 0.6 = 0.8 of 4 → 0.2 (loss 16). 86.667.

    Total 297.333: A 100 (direct), C 84, D 60, E 37.333, F 16; regions 11: 100, 31: 144, 44: 53.333."""
    r = firm_cascade(six, ["A"], days=10, inventory_days=3)
    assert r.daily["output_lost"].tolist() == pytest.approx(
        [10, 10, 10, 10, 24, 36, 36, 36, 36 + 40 / 15, 36 + 40 * 13 / 15 + 16]
    )
    assert r.total_output_lost == pytest.approx(297 + 1 / 3)
    assert r.direct_output_lost == pytest.approx(100)
    assert r.indirect_output_lost == pytest.approx(197 + 1 / 3)
    f = r.firms
    assert f["output_lost"].to_dict() == pytest.approx({"A": 100, "D": 60, "C": 84, "E": 37 + 1 / 3, "F": 16})
    assert f["first_hit_day"].to_dict() == {"A": 1, "C": 5, "D": 5, "E": 9, "F": 10}
    assert f.loc["C", "min_production_ratio"] == pytest.approx(0.2)
    assert "B" not in f.index
    assert r.regions["output_lost"].to_dict() == pytest.approx({"11": 100, "31": 144, "44": 53 + 1 / 3})
    assert r.daily["firms_hit"].tolist() == [1, 1, 1, 1, 3, 3, 3, 3, 4, 5]
    assert r.by_region.loc[5].to_dict() == pytest.approx({"11": 10, "31": 14, "44": 0})


def test_a_short_stop_is_buffered(six):
    """A stops for two days and is back on day 3: D misses A's deliveries of days 2–3 (4 of its 6 in
    stock) and is full again on day 4; only A's own 2 × 10 are lost."""
    r = firm_cascade(six, {"A": 1.0}, days=10, inventory_days=3, duration=2)
    assert r.total_output_lost == pytest.approx(20)
    assert list(r.firms.index) == ["A"]


def test_recovery_follows_the_ario_curve(six):
    """Half of A's capacity lost for 1 day, then linear recovery over 2 days: capacity 0.5, 0.75, 1 on
    days 1–3 (recovery_curve("linear", t, 2) = 1 − t/2): A loses 5 + 2.5 = 7.5, nobody else."""
    r = firm_cascade(six, {"A": 0.5}, days=6, inventory_days=3, duration=1, recovery_tau=2)
    assert r.daily["output_lost"].tolist()[:3] == pytest.approx([5.0, 2.5, 0.0])
    assert r.total_output_lost == pytest.approx(7.5)


def test_cascade_refuses_bad_input(six):
    with pytest.raises(InputError, match="unknown shocked firm"):
        firm_cascade(six, ["Z"])
    with pytest.raises(InputError, match="capacity loss is a share"):
        firm_cascade(six, {"A": 1.5})
    two_years = firm_graph(FIRMS, EDGES.assign(year=[2020, 2021] * 4))
    with pytest.raises(InputError, match="needs one year's flows"):
        firm_cascade(two_years, ["A"])


def test_summaries_and_labels(six):
    r = firm_cascade(six, ["A"], days=10, inventory_days=3)
    assert "总产出损失" in r.summary("zh") and "Lineage: method=network.firm_cascade" in r.summary()
    assert "产出损失" in r.to_frame("zh").columns
    assert "供应商集中度HHI" in hhi_concentration(six).to_frame("zh").columns
    assert "风险产出" in chain_leaders(six).to_frame("zh").columns


@pytest.mark.parametrize(
    "edges, message",
    [
        (
            EDGES.assign(buyer=["C", "C", "D", "E", "E", "E", "F", "X"]),
            "edges: row 8, column 'buyer': unknown buyer",
        ),
        (EDGES.assign(buyer=["A"] + list(EDGES["buyer"][1:])), "self-trade"),
        (EDGES.assign(amount=[0.0] + list(EDGES["amount"][1:])), "row 1, column 'amount'"),
        (EDGES.drop(columns="amount"), "edges lacks column 'amount'"),
    ],
)
def test_firm_graph_refuses_bad_edges_in_one_line(edges, message):
    with pytest.raises(InputError, match=message) as e:
        firm_graph(FIRMS, edges)
    assert "\n" not in str(e.value)


def test_firm_graph_refuses_duplicate_firms():
    with pytest.raises(InputError, match="duplicate uscc"):
        firm_graph(pd.concat([FIRMS, FIRMS.iloc[:1]]), EDGES)


def test_a_minor_input_limits_only_when_it_is_critical(six):
    """B stops. E buys 1 a day of materials from B (365 of its 5,840 purchases: 6.25 %) and holds 3
    days: it has 3, 2, 1 left on days 2–4 and stops on day 5 (Leontief: every input limits), losing
    6 × 40 = 240 over days 5–10; C still gets A's 4 of its 5 a day and has 15 days in stock, so it
    is not hit within 10 days. With critical_share = 0.1 the 6.25 % input never limits E: only B's own
    10 × 5 = 50 is lost."""
    r = firm_cascade(six, ["B"], days=10, inventory_days=3)
    assert r.firms["output_lost"].to_dict() == pytest.approx({"E": 240.0, "B": 50.0})
    assert r.firms.loc["E", "first_hit_day"] == 5
    minor = firm_cascade(six, ["B"], days=10, inventory_days=3, critical_share=0.1)
    assert minor.total_output_lost == pytest.approx(50.0) and list(minor.firms.index) == ["B"]


def test_inventory_days_by_input_sector(six):
    """Materials held 10 days, parts 3: when A stops, D runs to day 11 and nobody downstream is hit within
    10 days; C falls only when its 50 in stock run out (not within 10 days either): A's 100 alone."""
    r = firm_cascade(six, ["A"], days=10, inventory_days={"m": 10, "p": 3, "e": 3})
    assert r.total_output_lost == pytest.approx(100.0)
    with pytest.raises(InputError, match="lacks an input sector"):
        firm_cascade(six, ["A"], inventory_days={"m": 10})


def test_a_year_is_chosen_and_an_absent_one_refused():
    """With the edges split over 2020 and 2021, ``year=2021`` keeps the four 2021 records; gaps and
    matching read the last year by default (``year_mask``)."""
    both = EDGES.assign(year=[2020, 2021] * 4)
    g21 = firm_graph(FIRMS, both, year=2021)
    assert g21.years == (2021,) and g21.Z.sum() == pytest.approx(EDGES["amount"][1::2].sum())
    g = firm_graph(FIRMS, both)
    mask, year = g.year_mask()
    assert year == 2021 and mask.tolist() == [False, True] * 4
    with pytest.raises(InputError, match="no edge in this year"):
        firm_graph(FIRMS, both, year=2019)
    with pytest.raises(InputError, match="edges have no year column"):
        firm_graph(FIRMS, EDGES, year=2021)
