"""Monte Carlo rank uncertainty and first-order sensitivity (synthetic and real data)."""

import numpy as np
import pandas as pd
import pytest

from industrial_brain.errors import InputError
from industrial_brain.macro import index_uncertainty
from industrial_brain.macro.uncertainty import first_order_indices

from _index_data import provincial_panel

TWO = {
    "code": "toy",
    "follows": "synthetic",
    "weighting": "equal",
    "dimensions": [
        {"code": "D1", "indicators": [{"code": "x", "direction": "+"}]},
        {"code": "D2", "indicators": [{"code": "y", "direction": "+"}]},
    ],
}


def _toy():
    idx = pd.MultiIndex.from_product([list("ABCD"), [2020, 2021]], names=["region", "year"])
    # synthetic: A leads everywhere; B/C trade places depending on the weight of D1 vs D2
    return pd.DataFrame(
        {"x": [10.0, 10.0, 6.0, 6.5, 2.0, 2.5, 1.0, 1.0], "y": [10.0, 10.0, 2.0, 2.5, 6.0, 6.5, 1.0, 1.0]},
        index=idx,
    )


def test_first_order_hand_solved():
    x = np.array([0, 0, 1, 1])
    # E[Y|x=0] = 1, E[Y|x=1] = 3, overall mean 2, V(E[Y|X]) = 1 = V(Y) -> S = 1
    assert first_order_indices(np.array([1.0, 1.0, 3.0, 3.0]), x, discrete=True)[0] == 1.0
    # Y independent of x: group means equal -> S = 0
    assert first_order_indices(np.array([1.0, 3.0, 1.0, 3.0]), x, discrete=True)[0] == 0.0
    # constant output: 0 by convention (not NaN)
    assert first_order_indices(np.ones(4), x, discrete=True)[0] == 0.0


def test_dominant_region_and_weight_sensitivity():
    r = index_uncertainty(
        _toy(),
        TWO,
        n_draws=2000,
        seed=7,
        weightings=("equal",),
        normalizations=("minmax",),
        aggregations=("arithmetic",),
        weight_perturbation=0.5,
    )
    st = r.rank_stats
    assert (st.xs("A", level="region")[["p05", "p95", "median"]] == 1.0).all().all()
    assert (st.xs("D", level="region")["median"] == 4.0).all()
    # B (x'=5/9, y'=1/9) beats C (1/9, 5/9) iff m1 > m2, m1, m2 iid U(0.5, 1.5), so
    # rank_B = 2 + 1{m1 < m2}: V(rank) = 1/4, E[rank | m1] = 2 + (1.5 - m1), V(E[rank | m1]) = V(m1) = 1/12,
    # hence S_w:D1 = S_w:D2 = (1/12)/(1/4) = 1/3 (the rest is interaction); binning adds ~ 9/2000
    s = r.sensitivity.loc[("B", 2020)]
    assert s["w:D1"] == pytest.approx(1 / 3, abs=0.04) and s["w:D2"] == pytest.approx(1 / 3, abs=0.04)
    assert s["normalization"] == 0.0  # a single option cannot explain anything
    assert r.draws.shape == (2000, 6) and np.isfinite(r.ranks).all()


def test_seeded_reproducible_and_summary():
    a = index_uncertainty(_toy(), TWO, n_draws=50, seed=3)
    b = index_uncertainty(_toy(), TWO, n_draws=50, seed=3)
    np.testing.assert_array_equal(a.ranks, b.ranks)
    assert a.lineage.seed == 3 and "draws" in a.summary()
    c = index_uncertainty(_toy(), TWO, n_draws=50, seed=4)
    assert not np.array_equal(a.draws["w:D1"], c.draws["w:D1"])


def test_inapplicable_option_dropped_with_note():
    p = _toy().assign(y=lambda d: d.y - 1.0)  # a zero -> log impossible
    r = index_uncertainty(p, TWO, n_draws=20, seed=1)
    assert any("'log' dropped" in n for n in r.notes)
    assert set(r.draws["normalization"]) <= {"minmax", "zscore"}


def test_bad_options():
    with pytest.raises(InputError, match="n_draws"):
        index_uncertainty(_toy(), TWO, n_draws=5)
    with pytest.raises(InputError, match="unknown option"):
        index_uncertainty(_toy(), TWO, aggregations=("median",))
    with pytest.raises(InputError, match="weight_perturbation"):
        index_uncertainty(_toy(), TWO, weight_perturbation=1.5)


def test_real_data_digital_economy():
    r = index_uncertainty(provincial_panel(), "digital_economy", n_draws=200, seed=12345)
    st = r.rank_stats
    assert st.shape == (310, 5)
    assert ((st.p05 <= st["median"]) & (st["median"] <= st.p95)).all()
    assert ((st.p05 >= 1) & (st.p95 <= 31)).all()
    assert ((r.sensitivity >= 0) & (r.sensitivity <= 1)).all().all()
    assert set(r.sensitivity_overall.index) >= {"normalization", "weighting", "aggregation"}
