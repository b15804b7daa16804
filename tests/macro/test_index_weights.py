"""Weights: hand-solved cases, pymcdm cross-checks, Saaty's published AHP example, properties."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from industrial_brain.errors import InputError, MethodError
from industrial_brain.macro.weights import (
    ahp_weights,
    combined_weights,
    critic_weights,
    cv_weights,
    entropy_weights,
    equal_weights,
    pca_weights,
)


def test_entropy_hand_solved():
    # synthetic 3 x 2 matrix
    X = pd.DataFrame({"a": [1.0, 1.0, 2.0], "b": [1.0, 2.0, 3.0]})
    # a: p = (1/4, 1/4, 1/2); -sum p ln p = 2*(1/4)ln4 + (1/2)ln2 = 1.5 ln 2; e_a = 1.5 ln2 / ln3
    # b: p = (1/6, 1/3, 1/2); -sum p ln p = (1/6)ln6 + (1/3)ln3 + (1/2)ln2
    ea = 1.5 * np.log(2) / np.log(3)
    eb = (np.log(6) / 6 + np.log(3) / 3 + np.log(2) / 2) / np.log(3)
    da, db = 1 - ea, 1 - eb
    r = entropy_weights(X)
    np.testing.assert_allclose(r.e, [ea, eb], rtol=1e-14)
    np.testing.assert_allclose(r.d, [da, db], rtol=1e-12)
    np.testing.assert_allclose(r.weights, [da / (da + db), db / (da + db)], rtol=1e-12)
    assert set(r.to_frame().columns) == {"weight", "e", "d"}


def test_entropy_zero_share_convention():
    # 0 ln 0 = 0: column (0, 1) has entropy 0, column (1, 1) has entropy 1
    r = entropy_weights(np.array([[0.0, 1.0], [1.0, 1.0]]))
    assert r.e.tolist() == [0.0, 1.0] and r.weights.tolist() == [1.0, 0.0]


@pytest.mark.peer
def test_entropy_against_pymcdm():
    pw = pytest.importorskip("pymcdm.weights")
    rng = np.random.default_rng(12345)
    X = rng.uniform(0.1, 10.0, size=(40, 6))  # strictly positive: pymcdm's sum normalisation needs it
    np.testing.assert_allclose(entropy_weights(X).weights, pw.entropy_weights(X), rtol=1e-12)


@pytest.mark.peer
def test_critic_against_pymcdm():
    pw = pytest.importorskip("pymcdm.weights")
    from industrial_brain.macro.normalisation import normalize

    rng = np.random.default_rng(12345)
    X = rng.normal(size=(30, 5))
    X[:, 1] += 0.8 * X[:, 0]
    Xn = normalize(pd.DataFrame(X), None).X  # pymcdm min-max normalises (profit) internally
    np.testing.assert_allclose(critic_weights(Xn).weights, pw.critic_weights(X), rtol=1e-12)


def test_critic_hand_solved():
    # synthetic: a = (0, 1, 2), b = (0, 2, 1); both sd = 1; r_ab = 0.5 (cov 0.5 / 1)
    X = pd.DataFrame({"a": [0.0, 1.0, 2.0], "b": [0.0, 2.0, 1.0], "c": [2.0, 1.0, 0.0]})
    # r_ac = -1, r_bc = -0.5; conflict_a = (1-1)+(1-.5)+(1+1) = 2.5; b: 0.5+0+1.5 = 2; c: 2+1.5+0 = 3.5
    r = critic_weights(X)
    np.testing.assert_allclose(r.conflict, [2.5, 2.0, 3.5], atol=1e-12)
    np.testing.assert_allclose(r.sigma, [1.0, 1.0, 1.0])
    np.testing.assert_allclose(r.weights, [2.5 / 8, 2.0 / 8, 3.5 / 8], atol=1e-12)


def test_cv_hand_solved():
    X = pd.DataFrame({"a": [1.0, 3.0], "b": [10.0, 14.0]})
    # V_a = sqrt(2)/2, V_b = 2 sqrt(2)/12 -> w_a = (1/2)/(1/2 + 1/6) = 0.75
    np.testing.assert_allclose(cv_weights(X).weights, [0.75, 0.25], rtol=1e-12)
    with pytest.raises(MethodError, match="mean"):
        cv_weights(pd.DataFrame({"a": [-1.0, -3.0], "b": [1.0, 2.0]}))


def test_pca_hand_solved_two_indicators():
    # r = 0.8 -> eigenvalues 1.8, 0.2; one factor (Kaiser, 90 % variance), equal loadings -> 0.5 / 0.5
    X = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "b": [1.0, 3.0, 2.0, 4.0]})
    r = pca_weights(X)
    np.testing.assert_allclose(r.eigenvalues, [1.8, 0.2], atol=1e-12)
    assert r.n_factors == 1 and not r.rotated
    np.testing.assert_allclose(r.weights, [0.5, 0.5], atol=1e-12)


def test_pca_two_blocks():
    # synthetic: two uncorrelated blocks of two identical-ish indicators -> two factors, each block 1/2
    rng = np.random.default_rng(1)
    f1, f2 = rng.normal(size=200), rng.normal(size=200)
    X = pd.DataFrame(
        {"a": f1, "b": f1 + 0.01 * rng.normal(size=200), "c": f2, "d": f2 + 0.01 * rng.normal(size=200)}
    )
    r = pca_weights(X)
    assert r.n_factors == 2 and r.rotated
    np.testing.assert_allclose(r.weights, [0.25] * 4, atol=0.02)
    assert r.factor["a"] == r.factor["b"] != r.factor["c"] == r.factor["d"]


def test_ahp_consistent_hand_solved():
    r = ahp_weights([[1, 2, 4], [1 / 2, 1, 2], [1 / 4, 1 / 2, 1]], labels=["x", "y", "z"])
    np.testing.assert_allclose(r.weights, [4 / 7, 2 / 7, 1 / 7], rtol=1e-12)
    assert r.lambda_max == pytest.approx(3.0, abs=1e-12) and r.CR == pytest.approx(0.0, abs=1e-12)
    assert list(r.weights.index) == ["x", "y", "z"] and r.RI == 0.58


SAATY_HOUSE = [  # Saaty (1990), EJOR 48, "choosing a house": eight criteria
    [1, 5, 3, 7, 6, 6, 1 / 3, 1 / 4],
    [1 / 5, 1, 1 / 3, 5, 3, 3, 1 / 5, 1 / 7],
    [1 / 3, 3, 1, 6, 3, 4, 6, 1 / 5],
    [1 / 7, 1 / 5, 1 / 6, 1, 1 / 3, 1 / 4, 1 / 7, 1 / 8],
    [1 / 6, 1 / 3, 1 / 3, 3, 1, 1 / 2, 1 / 5, 1 / 6],
    [1 / 6, 1 / 3, 1 / 4, 4, 2, 1, 1 / 5, 1 / 6],
    [3, 5, 1 / 6, 7, 5, 5, 1, 1 / 2],
    [4, 7, 5, 8, 6, 6, 2, 1],
]


def test_ahp_saaty_published_example():
    # Saaty (1990) reports lambda_max = 9.669, CI = 0.238, CR = 0.169 (> 0.1: inconsistent)
    with pytest.raises(MethodError, match="CR = 0.169"):
        ahp_weights(SAATY_HOUSE)
    r = ahp_weights(SAATY_HOUSE, force=True)
    assert r.lambda_max == pytest.approx(9.669, abs=5e-4)
    assert r.CI == pytest.approx(0.238, abs=5e-4)
    assert r.CR == pytest.approx(0.169, abs=5e-4)
    assert r.RI == 1.41 and r.forced and not r.consistent
    # the principal eigenvector satisfies A w = lambda_max w
    A = np.array(SAATY_HOUSE)
    np.testing.assert_allclose(A @ r.weights.to_numpy(), r.lambda_max * r.weights.to_numpy(), rtol=1e-10)


def test_ahp_bad_inputs():
    with pytest.raises(InputError, match="square"):
        ahp_weights([[1, 2, 3]])
    with pytest.raises(InputError, match="reciprocal"):
        ahp_weights([[1, 2], [2, 1]])
    with pytest.raises(InputError, match="positive"):
        ahp_weights([[1, -2], [-0.5, 1]])
    with pytest.raises(InputError, match="diagonal"):
        ahp_weights([[2, 2], [0.5, 1]])


def test_combined_hand_solved():
    s = pd.Series({"a": 0.6, "b": 0.4})
    o = pd.Series({"b": 0.8, "a": 0.2})  # order differs: aligned on codes
    lin = combined_weights(s, o, alpha=0.5)
    np.testing.assert_allclose(lin.weights, [0.4, 0.6])  # 0.5*.6+0.5*.2, 0.5*.4+0.5*.8
    mul = combined_weights(s, o, rule="multiplicative")
    np.testing.assert_allclose(mul.weights, [0.12 / 0.44, 0.32 / 0.44])
    with pytest.raises(InputError, match="alpha"):
        combined_weights(s, o, alpha=1.5)
    with pytest.raises(InputError, match="different indicators"):
        combined_weights(s, pd.Series({"a": 0.5, "c": 0.5}))


def test_bad_matrices():
    with pytest.raises(MethodError, match="constant"):
        critic_weights(pd.DataFrame({"a": [1.0, 2.0], "c": [3.0, 3.0]}))
    with pytest.raises(InputError, match="non-negative"):
        entropy_weights(pd.DataFrame({"a": [-1.0, 2.0]}))
    with pytest.raises(MethodError, match="sums to 0"):
        entropy_weights(pd.DataFrame({"a": [0.0, 0.0], "b": [1.0, 2.0]}))
    with pytest.raises(InputError, match="missing"):
        entropy_weights(pd.DataFrame({"a": [1.0, np.nan, 2.0]}))
    with pytest.raises(InputError, match="missing in every row"):
        entropy_weights(pd.DataFrame({"a": [np.nan, np.nan], "b": [1.0, 2.0]}))
    assert equal_weights(["a", "b"]).weights.tolist() == [0.5, 0.5]


mats = arrays(
    np.float64,
    st.tuples(st.integers(3, 12), st.integers(2, 6)),
    elements=st.floats(0.0, 100.0, allow_nan=False, allow_subnormal=False),
)


@settings(max_examples=60, deadline=None)
@given(mats)
def test_weights_non_negative_sum_to_one(A):
    for f in (entropy_weights, critic_weights, cv_weights, pca_weights):
        try:
            w = f(A).weights.to_numpy()
        except MethodError:
            continue  # constant columns etc. are refused, never NaN
        assert np.isfinite(w).all() and (w >= 0).all()
        assert w.sum() == pytest.approx(1.0, abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(mats, st.randoms(use_true_random=False))
def test_weights_invariant_to_row_order(A, rnd):
    perm = list(range(A.shape[0]))
    rnd.shuffle(perm)
    for f in (entropy_weights, critic_weights, cv_weights):
        try:
            w1 = f(A).weights.to_numpy()
        except MethodError:
            continue
        assert np.isfinite(w1).all()
        np.testing.assert_allclose(f(A[perm]).weights.to_numpy(), w1, rtol=1e-9, atol=1e-12)


def test_cv_weights_refuse_float_underflow_instead_of_nan():
    # found by the row-order property test: a column of 0s and one 1e-300 has a positive mean but its
    # sd underflows to 0 (squares of 1e-300), so every CV is 0 and w = 0/0 — now a MethodError
    A = np.array([[0.0, 0.0], [1e-300, 1e-250], [0.0, 0.0]])
    with pytest.raises(MethodError, match="not finite at this scale"):
        cv_weights(A)
