"""Chain graph: significance rules, tolerable limits (checked by brute force), trees, centralities,
structural hubs (formerly "chokepoints") and export — hand-solved small cases and the 2020 national table."""

from __future__ import annotations

import json

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from industrial_brain.errors import InputError
from industrial_brain.meso.chain_network import chain_graph, significant_links, tolerable_limits

MB_A = np.array([[0.15, 0.25], [0.2, 0.05]])  # Miller & Blair (2009) Table 2.3
MB_X = np.array([1000.0, 2000.0])


def test_rules_hand_solved():
    A = np.array([[0.0, 0.3, 0.0], [0.02, 0.0, 0.4], [0.0, 0.0, 0.0]])
    assert significant_links(A, rule="absolute", threshold=0.05).astype(int).tolist() == [
        [0, 1, 0],
        [0, 0, 1],
        [0, 0, 0],
    ]
    # relative: input shares of each buyer: column 0 = [0, .02/.02 = 1, 0], column 1 = [1, 0, 0],
    # column 2 = [0, 1, 0]
    assert significant_links(A, rule="relative", threshold=0.5).astype(int).tolist() == [
        [0, 1, 0],
        [1, 0, 1],
        [0, 0, 0],
    ]
    with pytest.raises(InputError):
        significant_links(A, rule="strong")
    with pytest.raises(InputError):
        significant_links(A, rule="important")  # needs x


def test_tolerable_limits_hand_solved():
    # L = [[1.2541, .33], [.264, 1.1221]] (M&B Table 2.4); r_12 = 100 / (.25 (l_21 + 100 l_11 x_2/x_1))
    r = tolerable_limits(MB_A, MB_X)
    L = np.linalg.inv(np.eye(2) - MB_A)
    assert r[0, 1] == pytest.approx(100 / (0.25 * (L[1, 0] + 100 * L[0, 0] * 2)))
    assert r[0, 1] == pytest.approx(1.5931, abs=1e-4)
    # r_11 = 100 / (.15 (l_11 + 100 l_11)) = 100 / (.15 · 101 · 1.2541) ≈ 5.263
    assert r[0, 0] == pytest.approx(100 / (0.15 * 101 * L[0, 0]))


def test_tolerable_limits_by_brute_force():
    """Changing a_ij by r_ij(p) % changes x_i by exactly p % (final demand fixed)."""
    rng = np.random.default_rng(7)
    A = rng.uniform(0, 0.15, (4, 4))
    x = rng.uniform(50, 150, 4)
    y = (np.eye(4) - A) @ x
    for p in (1.0, 5.0):
        r = tolerable_limits(A, x, p=p)
        for i in range(4):
            for j in range(4):
                A2 = A.copy()
                A2[i, j] *= 1 + r[i, j] / 100
                x2 = np.linalg.solve(np.eye(4) - A2, y)
                assert (x2[i] - x[i]) / x[i] == pytest.approx(p / 100, rel=1e-9)


def test_chain_betweenness_and_tree_hand_solved():
    # synthetic chain 0 → 1 → 2: sector 1 lies on the only path 0 → 2: betweenness 1 / ((3−1)(3−2)) = 0.5
    A = np.array([[0.0, 0.3, 0.0], [0.0, 0.0, 0.4], [0.0, 0.0, 0.0]])
    g = chain_graph(A, rule="absolute", threshold=0.1)
    assert sorted(g.graph.edges()) == [(0, 1), (1, 2)]
    assert g.nodes["betweenness"].tolist() == [0.0, 0.5, 0.0]
    up = g.tree(2, depth=3)
    assert up[["depth", "sector", "parent"]].to_numpy().tolist() == [[1, 1, 2], [2, 0, 1]]
    assert up["path_weight"].tolist() == pytest.approx([0.4, 0.12])  # 0.4, then 0.4 · 0.3
    down = g.tree(0, depth=1, direction="downstream")
    assert down[["sector", "parent"]].to_numpy().tolist() == [[1, 0]]


def test_tree_diamond_keeps_strongest_parent():
    # synthetic diamond: 0 → 1 (.1), 0 → 2 (.5), 1 → 3 (.4), 2 → 3 (.2): sector 0 reaches 3 via 1 (.04)
    # or 2 (.10)
    A = np.zeros((4, 4))
    A[0, 1], A[0, 2], A[1, 3], A[2, 3] = 0.1, 0.5, 0.4, 0.2
    g = chain_graph(A, rule="absolute", threshold=0.05)
    t = g.tree(3, depth=2).set_index("sector")
    assert t.loc[1, "depth"] == 1 and t.loc[2, "depth"] == 1
    assert (
        t.loc[0, "depth"] == 2 and t.loc[0, "parent"] == 2 and t.loc[0, "path_weight"] == pytest.approx(0.1)
    )
    with pytest.raises(InputError):
        g.tree(9)
    with pytest.raises(InputError):
        g.tree(3, depth=0)


def test_pagerank_symmetric_and_dependency_direction():
    g = chain_graph(np.array([[0.0, 0.2], [0.2, 0.0]]), rule="absolute", threshold=0.1)
    assert g.nodes["pagerank"].tolist() == pytest.approx([0.5, 0.5])
    # star: sectors 1, 2, 3 all buy from 0 → on the dependency graph 0 is the sink of every link
    A = np.zeros((4, 4))
    A[0, 1:] = 0.3
    g = chain_graph(A, rule="absolute", threshold=0.1)
    assert g.nodes["pagerank"].idxmax() == 0
    # networkx on the reversed graph directly
    ref = nx.pagerank(g.graph.reverse(), weight="weight")
    assert g.nodes["pagerank"].tolist() == pytest.approx([ref[k] for k in range(4)])


def test_structural_hubs_rank_the_hub_first():
    # synthetic: hub 1 (x = 100) supplies the small sectors 2 and 3 (x = 10) and buys from 0; 4 is isolated.
    # total extraction losses: hub 100 + .3·100 = 130; sector 2: 10 + .4·10 + .3·.4·10 = 15.2; 0 and 4: 100
    A = np.zeros((5, 5))
    A[0, 1], A[1, 2], A[1, 3] = 0.3, 0.4, 0.4
    x = np.array([100.0, 100.0, 10.0, 10.0, 100.0])
    g = chain_graph(A, x, rule="absolute", threshold=0.1)
    cp = g.structural_hubs()
    pd.testing.assert_frame_equal(g.chokepoints(), cp)  # the old name stays as an alias for scripts
    assert cp.index[0] == 1
    assert cp.loc[1, "rank_extraction"] == 1 and cp.loc[1, "rank_betweenness"] == 1
    assert cp.loc[1, "loss_total"] == pytest.approx(130.0) and cp.loc[2, "loss_total"] == pytest.approx(15.2)
    # the isolated sector: extraction loses exactly its own output (its final demand = x = 100)
    assert cp.loc[4, "loss_total"] == pytest.approx(100.0)
    assert cp.loc[4, "betweenness"] == 0.0


def test_export_graphml_and_json_roundtrip():
    A = pd.DataFrame(MB_A, index=["01", "02"], columns=["01", "02"])
    g = chain_graph(
        A, MB_X, rule="absolute", threshold=0.1, names={"01": "agriculture", "02": "manufacturing"}
    )
    back = nx.parse_graphml(g.to_graphml())
    assert sorted(back.edges()) == [("01", "02"), ("02", "01")]  # self-loops are dropped
    assert back.nodes["01"]["name"] == "agriculture"
    js = json.loads(g.to_json())
    assert {n["id"] for n in js["nodes"]} == {"01", "02"} and len(js["links"]) == 2
    assert {(lk["source"], lk["target"], lk["weight"]) for lk in js["links"]} == {
        ("01", "02", 0.25),
        ("02", "01", 0.2),
    }


def test_graph_from_flows_equals_graph_from_coefficients():
    Z = MB_A * MB_X[None, :]
    gz = chain_graph(Z, MB_X, coefficients=False, rule="relative", threshold=0.3)
    ga = chain_graph(MB_A, MB_X, rule="relative", threshold=0.3)
    assert sorted(gz.graph.edges()) == sorted(ga.graph.edges())
    np.testing.assert_allclose(gz.A.to_numpy(), MB_A)
    with pytest.raises(InputError):
        chain_graph(Z, coefficients=False)


def test_national_2020_graph(io_store):
    from industrial_brain.services.io import chain

    g = chain(io_store, "cn_nbs_io_2020_42", rule="important")
    assert g.graph.number_of_nodes() == 42 and g.graph.number_of_edges() == 102
    cp = g.structural_hubs(5)
    assert cp.index[0] == "12"  # chemical products: 2nd largest extraction loss, 4th betweenness
    assert cp.loc["12", "share_total"] == pytest.approx(0.0982, abs=5e-5)
    up = g.tree("31", depth=1)
    # leasing & business services, real estate, electronics
    assert up["sector"].tolist()[:3] == ["34", "33", "20"]
