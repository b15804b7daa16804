"""Aggregation: hand-solved arithmetic/geometric/TOPSIS/hierarchy, pymcdm TOPSIS cross-check, properties."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from industrial_brain.errors import InputError, MethodError
from industrial_brain.macro.aggregate import (
    hierarchical_index,
    topsis,
    weighted_arithmetic,
    weighted_geometric,
)
from industrial_brain.macro.normalisation import normalize


def test_arithmetic_hand_solved():
    X = pd.DataFrame({"a": [0.0, 1.0, 0.5], "b": [1.0, 0.5, 0.5]}, index=["r1", "r2", "r3"])
    s = weighted_arithmetic(X, {"b": 0.75, "a": 0.25})
    # r1: .25*0 + .75*1 = .75 ; r2: .25 + .375 = .625 ; r3: .125 + .375 = .5
    assert s.tolist() == [0.75, 0.625, 0.5] and list(s.index) == ["r1", "r2", "r3"]


def test_geometric_hand_solved():
    X = pd.DataFrame({"a": [1.0, 0.25, 0.0], "b": [0.5, 1.0, 1.0]})
    s = weighted_geometric(X, [0.5, 0.5])
    # sqrt(1 * .5) = .70711 ; sqrt(.25 * 1) = .5 ; 0^.5 * 1 = 0 (documented: a zero zeroes the score)
    np.testing.assert_allclose(s, [np.sqrt(0.5), 0.5, 0.0])
    with pytest.raises(InputError, match="negative"):
        weighted_geometric(pd.DataFrame({"a": [-1.0, 1.0]}), [1.0])


def test_topsis_hand_solved():
    X = pd.DataFrame({"a": [0.0, 1.0, 1.0], "b": [1.0, 0.0, 1.0]})
    r = topsis(X, [0.5, 0.5])
    # weighted ideal (.5, .5), anti-ideal (0, 0)
    # row1 (0, .5): D+ = .5, D- = .5 -> C = .5 ; row3 (.5, .5): D+ = 0, D- = sqrt(.5) -> C = 1
    np.testing.assert_allclose(r.D_plus, [0.5, 0.5, 0.0])
    np.testing.assert_allclose(r.D_minus, [0.5, 0.5, np.sqrt(0.5)])
    np.testing.assert_allclose(r.C, [0.5, 0.5, 1.0])


@pytest.mark.peer
def test_topsis_against_pymcdm():
    methods = pytest.importorskip("pymcdm.methods")
    rng = np.random.default_rng(12345)
    raw = rng.uniform(1.0, 50.0, size=(25, 5))
    types = np.array([1, -1, 1, 1, -1])
    w = np.array([0.3, 0.1, 0.2, 0.25, 0.15])
    # pymcdm TOPSIS() defaults to min-max normalisation per column with cost columns reversed,
    # then ideals = column max/min of the weighted matrix: exactly our min-max + topsis
    expected = methods.TOPSIS()(raw, w, types)
    Xn = normalize(pd.DataFrame(raw), {j: ("+" if t > 0 else "-") for j, t in enumerate(types)}).X
    np.testing.assert_allclose(topsis(Xn, w).C, expected, rtol=1e-12)


def test_topsis_by_year_and_degenerate():
    idx = pd.MultiIndex.from_product([["A", "B"], [2020, 2021]], names=["region", "year"])
    X = pd.DataFrame({"a": [0.0, 0.2, 1.0, 0.4]}, index=idx)
    r = topsis(X, [1.0], reference="by_year")
    # within each year the best gets 1, the worst 0
    assert r.C.tolist() == [0.0, 0.0, 1.0, 1.0]
    with pytest.raises(MethodError, match="no variation"):
        topsis(pd.DataFrame({"a": [0.5, 0.5]}), [1.0])


def test_hierarchical_hand_solved_and_global_equivalence():
    X = pd.DataFrame({"a": [1.0, 0.0], "b": [0.0, 1.0], "c": [0.2, 0.6]})
    r = hierarchical_index(
        X, {"D1": ["a", "b"], "D2": ["c"]}, {"a": 0.25, "b": 0.75, "c": 1.0}, {"D1": 0.6, "D2": 0.4}
    )
    # D1 = (.25, .75); D2 = (.2, .6); S = .6*D1 + .4*D2 = (.15 + .08, .45 + .24) = (.23, .69)
    np.testing.assert_allclose(r.dimension_scores["D1"], [0.25, 0.75])
    np.testing.assert_allclose(r.scores, [0.23, 0.69])
    np.testing.assert_allclose(r.indicator_weights["global"], [0.15, 0.45, 0.4])
    # one-level global weights give the same total as the flat weighted sum
    g = pd.Series({"a": 0.1, "b": 0.3, "c": 0.6})
    h = hierarchical_index(X, {"D1": ["a", "b"], "D2": ["c"]}, g, {"D1": 0.4, "D2": 0.6})
    np.testing.assert_allclose(h.scores, weighted_arithmetic(X, g), rtol=1e-14)
    geo = hierarchical_index(
        X + 0.5, {"D1": ["a", "b"], "D2": ["c"]}, g, {"D1": 0.4, "D2": 0.6}, method="geometric"
    )
    np.testing.assert_allclose(geo.scores, weighted_geometric(X + 0.5, g), rtol=1e-12)


def test_weight_errors():
    X = pd.DataFrame({"a": [0.0, 1.0], "b": [1.0, 0.0]})
    with pytest.raises(InputError, match="sum to 1"):
        weighted_arithmetic(X, [0.5, 0.6])
    with pytest.raises(InputError, match="differ"):
        weighted_arithmetic(X, {"a": 1.0})
    with pytest.raises(InputError, match="two dimensions"):
        hierarchical_index(X, {"D1": ["a", "b"], "D2": ["a"]}, {"a": 1, "b": 1}, {"D1": 1, "D2": 1})


mats = arrays(
    np.float64,
    st.tuples(st.integers(2, 10), st.integers(1, 5)),
    elements=st.floats(0.0, 1.0, allow_nan=False, allow_subnormal=False),
)


@settings(max_examples=50, deadline=None)
@given(mats, st.randoms(use_true_random=False))
def test_aggregates_invariant_to_row_order(A, rnd):
    m = A.shape[1]
    w = np.full(m, 1.0 / m)
    X = pd.DataFrame(A, index=[f"r{i}" for i in range(len(A))])
    perm = list(X.index)
    rnd.shuffle(perm)
    for f in (weighted_arithmetic, weighted_geometric):
        pd.testing.assert_series_equal(f(X, w), f(X.loc[perm], w).loc[X.index], rtol=1e-12)
    try:
        c = topsis(X, w).C
    except MethodError:
        return
    pd.testing.assert_series_equal(c, topsis(X.loc[perm], w).C.loc[X.index], rtol=1e-12)
    assert ((c >= 0) & (c <= 1)).all()
