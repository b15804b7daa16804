"""Coupling coordination degree and obstacle degree: hand-solved cases, properties, bad inputs."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from industrial_brain.errors import InputError
from industrial_brain.macro.coupling import COORDINATION_LEVELS, coordination_level, coupling_coordination
from industrial_brain.macro.obstacle import obstacle_degree


# ---------------------------------------------------------------- hand-solved coupling
def test_two_systems_conventional_by_hand():
    # U = (0.64, 0.36): C = 2·sqrt(0.64·0.36)/(0.64+0.36) = 2·0.48/1.00 = 0.96
    # T = 0.5·0.64 + 0.5·0.36 = 0.5 ; D = sqrt(0.96·0.5) = sqrt(0.48) = 0.69282 → [0.6, 0.7) 初级协调
    r = coupling_coordination(pd.DataFrame({"digital": [0.64], "real": [0.36]}, index=["Beijing-2020"]))
    assert r.C[0] == pytest.approx(0.96, abs=1e-12)
    assert r.T[0] == pytest.approx(0.5, abs=1e-12)
    assert r.D[0] == pytest.approx(math.sqrt(0.48), abs=1e-12)
    f = r.to_frame()
    assert list(f.columns[:2]) == ["digital", "real"]
    assert {"C", "T", "D", "level", "level_code", "lagging"} <= set(f.columns)
    assert f.loc["Beijing-2020", "level"] == "primary coordination"
    assert r.to_frame("zh").loc["Beijing-2020", "level"] == "初级协调"
    # spread 0.28 > 0.1 → the real economy lags
    assert f.loc["Beijing-2020", "lagging"] == "real"


def test_two_systems_corrected_by_hand():
    # corrected (Wang et al. 2021), n = 2: C = sqrt((1 − |0.64 − 0.36|) · 0.36/0.64)
    #                                       = sqrt(0.72 · 0.5625) = sqrt(0.405) = 0.636396
    r = coupling_coordination([[0.64, 0.36]], model="corrected")
    assert r.C[0] == pytest.approx(math.sqrt(0.405), abs=1e-12)
    assert r.D[0] == pytest.approx(math.sqrt(math.sqrt(0.405) * 0.5), abs=1e-12)


def test_three_systems_both_models_by_hand():
    # U = (0.2, 0.4, 0.8), equal weights.
    # conventional: Π = 0.064, (Π)^(1/3) = 0.4, Σ = 1.4 → C = 3·0.4/1.4 = 0.857142857
    # corrected: Σ_{i>j}|Ui−Uj| = 0.2 + 0.6 + 0.4 = 1.2 ; Σ_{m=1}^{2} m = 3 → 1 − 1.2/3 = 0.6
    #            Π(U/max) = 0.25·0.5·1 = 0.125, ^(1/(n−1)) = 0.125^(1/2) = 0.353553
    #            C = sqrt(0.6·0.353553) = sqrt(0.212132) = 0.460578
    # T = 1.4/3 = 0.466667
    U = [[0.2, 0.4, 0.8]]
    conv = coupling_coordination(U)
    corr = coupling_coordination(U, model="corrected")
    assert conv.C[0] == pytest.approx(3 * 0.4 / 1.4, abs=1e-12)
    assert corr.C[0] == pytest.approx(math.sqrt(0.6 * math.sqrt(0.125)), abs=1e-12)
    assert conv.T[0] == pytest.approx(1.4 / 3, abs=1e-12)
    assert conv.lagging[0] == "U1"


def test_weights_enter_T_only():
    # T = 0.3·0.64 + 0.7·0.36 = 0.192 + 0.252 = 0.444
    r = coupling_coordination([[0.64, 0.36]], weights=[0.3, 0.7])
    assert r.T[0] == pytest.approx(0.444, abs=1e-12)
    assert r.C[0] == pytest.approx(0.96, abs=1e-12)
    r2 = coupling_coordination(pd.DataFrame({"a": [0.64], "b": [0.36]}), weights={"b": 0.7, "a": 0.3})
    assert r2.T[0] == pytest.approx(0.444, abs=1e-12)


def test_two_forms_of_conventional_C_are_equal():
    rng = np.random.default_rng(5)
    for n in (2, 3, 5):
        U = rng.uniform(0.01, 1, size=(50, n))
        C1 = coupling_coordination(U).C
        # widely used form: C = [Π U_i / ((Σ U_i)/n)^n]^(1/n)
        C2 = (np.prod(U, axis=1) / (U.sum(axis=1) / n) ** n) ** (1.0 / n)
        np.testing.assert_allclose(C1, C2, rtol=1e-12)


def test_equal_systems_give_C_one_and_synchronous():
    r = coupling_coordination([[0.5, 0.5], [0.5, 0.45]])
    assert r.C[0] == pytest.approx(1.0)
    assert list(r.to_frame()["lagging"]) == ["synchronous", "synchronous"]
    assert list(r.to_frame("zh")["lagging"]) == ["同步型", "同步型"]


def test_all_zero_observation_is_documented_not_nan():
    r = coupling_coordination([[0.0, 0.0], [0.5, 0.5]])
    assert r.C[0] == 0.0 and r.D[0] == 0.0
    assert not np.isnan(r.C).any()
    assert any("every U_i = 0" in n for n in r.notes)


@pytest.mark.parametrize(
    ("D", "code", "zh"),
    [
        (0.0, 0, "极度失调"),
        (0.0999, 0, "极度失调"),
        (0.1, 1, "严重失调"),
        (0.3, 3, "轻度失调"),
        (0.1 + 0.2, 3, "轻度失调"),  # 0.30000000000000004 — round-off lands in the intended class
        (0.5, 5, "勉强协调"),
        (0.7, 7, "中级协调"),
        (0.8999, 8, "良好协调"),
        (0.9, 9, "优质协调"),
        (1.0, 9, "优质协调"),
    ],
)
def test_level_boundaries_left_closed(D, code, zh):
    assert coordination_level(D) == code
    assert coordination_level(D, "zh") == zh


def test_levels_table_is_complete_and_bilingual():
    assert [lv[0] for lv in COORDINATION_LEVELS] == list(range(10))
    assert COORDINATION_LEVELS[0][3:] == ("极度失调", "extreme disorder")
    assert COORDINATION_LEVELS[9][3:] == ("优质协调", "quality coordination")
    assert all(abs(lv[2] - lv[1] - 0.1) < 1e-12 for lv in COORDINATION_LEVELS)


# ---------------------------------------------------------------- properties
unit = st.floats(0, 1, allow_nan=False)


@settings(max_examples=150, deadline=None)
@given(
    arrays(np.float64, st.tuples(st.integers(1, 6), st.integers(2, 5)), elements=unit),
    st.sampled_from(["conventional", "corrected"]),
)
def test_C_T_D_in_unit_interval(U, model):
    r = coupling_coordination(U, model=model)
    for a in (r.C, r.T, r.D):
        assert np.all(np.isfinite(a))
        assert np.all((a >= 0) & (a <= 1))
    assert np.all((r.level >= 0) & (r.level <= 9))


@settings(max_examples=60, deadline=None)
@given(
    arrays(np.float64, st.tuples(st.integers(2, 8), st.integers(2, 4)), elements=st.floats(0.01, 1)),
    st.randoms(use_true_random=False),
)
def test_row_order_invariance(U, rnd):
    perm = list(range(U.shape[0]))
    rnd.shuffle(perm)
    a = coupling_coordination(U).D
    b = coupling_coordination(U[perm]).D
    np.testing.assert_allclose(a[perm], b, rtol=0, atol=0)


# ---------------------------------------------------------------- bad inputs
def test_fewer_than_two_systems():
    with pytest.raises(InputError, match="at least 2 systems"):
        coupling_coordination(pd.DataFrame({"digital": [0.3, 0.4]}))
    with pytest.raises(InputError, match="at least two systems"):
        coupling_coordination([0.3, 0.4])


@pytest.mark.parametrize("bad", [1.2, -0.1])
def test_U_outside_unit_interval(bad):
    with pytest.raises(InputError, match=r"outside \[0, 1\]"):
        coupling_coordination([[0.3, bad]])


def test_missing_value_names_the_region():
    U = pd.DataFrame({"digital": [0.3, np.nan], "real": [0.2, 0.4]}, index=["110000", "120000"])
    with pytest.raises(InputError, match="120000"):
        coupling_coordination(U)


def test_bad_weights_and_model():
    with pytest.raises(InputError, match="sum to 1"):
        coupling_coordination([[0.3, 0.4]], weights=[0.5, 0.6])
    with pytest.raises(InputError, match="unknown coupling model"):
        coupling_coordination([[0.3, 0.4]], model="modified")


def test_summary_and_lineage():
    r = coupling_coordination([[0.64, 0.36]], model="corrected")
    s = r.summary()
    assert "Coupling coordination degree" in s and "corrected" in s and "Lineage" in s
    assert r.lineage.params["model"] == "corrected"
    assert "耦合协调度" in r.summary("zh")
    with pytest.raises(ValueError):
        r.C[0] = 1.0  # read-only


# ---------------------------------------------------------------- obstacle degree
def test_obstacle_by_hand():
    # x' = (0.2, 0.6, 1.0), w = (0.5, 0.3, 0.2)
    # I = (0.8, 0.4, 0.0); F·I = (0.40, 0.12, 0.00); Σ = 0.52
    # O = (0.40/0.52, 0.12/0.52, 0) = (0.769231, 0.230769, 0)
    X = pd.DataFrame({"x1": [0.2], "x2": [0.6], "x3": [1.0]}, index=["110000"])
    r = obstacle_degree(X, [0.5, 0.3, 0.2], dimensions={"x1": "A", "x2": "B", "x3": "B"}, top_k=2)
    np.testing.assert_allclose(r.O.loc["110000"].to_numpy(), [0.40 / 0.52, 0.12 / 0.52, 0.0], atol=1e-12)
    np.testing.assert_allclose(r.dimensions.loc["110000"].to_numpy(), [0.40 / 0.52, 0.12 / 0.52], atol=1e-12)
    top = r.top()
    assert list(top["indicator"]) == ["x1", "x2"]
    assert r.top(1, level="dimension")["dimension"].tolist() == ["A"]


def test_obstacle_rows_sum_to_one_and_perfect_row_documented():
    rng = np.random.default_rng(1)
    X = rng.uniform(size=(30, 6))
    X[3] = 1.0
    w = rng.dirichlet(np.ones(6))
    r = obstacle_degree(X, w)
    s = r.O.sum(axis=1).to_numpy()
    np.testing.assert_allclose(np.delete(s, 3), 1.0, atol=1e-12)
    assert s[3] == 0.0 and r.notes
    assert not r.O.isna().any().any()


def test_obstacle_bad_inputs():
    with pytest.raises(InputError, match="sum"):
        obstacle_degree([[0.2, 0.5]], [0.5, 0.6])
    with pytest.raises(InputError, match="missing"):
        obstacle_degree([[0.2, np.nan]], [0.5, 0.5])
    with pytest.raises(InputError, match="dimension"):
        obstacle_degree(pd.DataFrame({"a": [0.1], "b": [0.2]}), [0.5, 0.5], dimensions={"a": "A"})


def test_roundoff_above_one_is_clipped_but_real_excess_is_refused():
    # a weighted sum of scores in [0, 1] can exceed 1 by ~1e-16 (weights add to 1 ± eps): clipped
    r = coupling_coordination([[1.0 + 2e-16, 1.0], [0.5, 0.5 - 1e-13]])
    assert r.U.max() == 1.0 and r.D[0] == pytest.approx(1.0)
    # the min–max "+ 1e-4" shift of the literature leaves values up to 1.0001: refused, with a hint
    with pytest.raises(InputError, match=r"outside \[0, 1\]"):
        coupling_coordination([[1.0001, 0.5]])


def test_composite_scores_with_shift_stay_in_unit_interval_for_coupling():
    # synthetic panel; C-2021 is best on x and y. shift 1e-4 rescales (shift + (1 − shift)·x') by
    # default, so C-2021 scores exactly 1; with shift_mode="add" it scores 1.0001 and coupling refuses it
    from industrial_brain.macro.composite import composite_index

    idx = pd.MultiIndex.from_product([["A", "B", "C"], [2020, 2021]], names=["region", "year"])
    panel = pd.DataFrame(
        {"x": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], "y": [2.0, 1.0, 3.0, 4.0, 5.0, 6.0]}, index=idx
    )
    system = {
        "code": "toy",
        "follows": "synthetic",
        "weighting": "equal",
        "dimensions": [
            {"code": "d", "indicators": [{"code": "x", "direction": "+"}, {"code": "y", "direction": "+"}]}
        ],
    }
    r = composite_index(panel, system, shift=1e-4)
    assert r.score.max() == pytest.approx(1.0) and r.score.min() >= 1e-4
    U = pd.DataFrame({"a": r.score, "b": r.score[::-1].to_numpy()})
    assert (coupling_coordination(U).D <= 1).all()
    added = composite_index(panel, system, shift=1e-4, shift_mode="add")
    assert added.score.max() == pytest.approx(1.0001)
    with pytest.raises(InputError, match=r"outside \[0, 1\]"):
        coupling_coordination(pd.DataFrame({"a": added.score, "b": added.score}))
