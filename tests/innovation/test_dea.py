"""DEA (CCR, BCC; input and output orientation): published worked examples and a brute-force LP."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

from industrial_brain.errors import InputError
from industrial_brain.innovation import dea

# Cooper, Seiford, Tone (2007), Data Envelopment Analysis, 2nd ed., Table 1.1: eight branch stores
# A–H, one input (employees) and one output (sales).
STORES_X = [[2], [3], [3], [4], [5], [5], [6], [8]]
STORES_Y = [[1], [3], [2], [3], [4], [2], [3], [5]]
STORES = list("ABCDEFGH")

# CST (2007), Table 1.5, the hospital case: twelve hospitals A–L, inputs doctors and nurses, outputs
# outpatients and inpatients.
HOSP = pd.DataFrame(
    {
        "doctors": [20, 19, 25, 27, 22, 55, 33, 31, 30, 50, 53, 38],
        "nurses": [151, 131, 160, 168, 158, 255, 235, 206, 244, 268, 306, 284],
        "outpatients": [100, 150, 160, 180, 94, 230, 220, 152, 190, 250, 260, 250],
        "inpatients": [90, 50, 55, 72, 66, 90, 88, 80, 100, 100, 147, 120],
    },
    index=list("ABCDEFGHIJKL"),
)
# CCR scores of the hospital case as CST (2007) report them (ch. 3, hospital example; three decimals)
HOSP_CCR = [1.0, 1.0, 0.883, 1.0, 0.763, 0.835, 0.902, 0.796, 0.960, 0.871, 0.955, 0.958]


def test_stores_ccr_is_productivity_over_best():
    # CST (2007) §1.2: with one input and one output the CCR score is (y/x) / max(y/x), B the best (1.0)
    r = dea(pd.DataFrame(STORES_X, index=STORES), pd.DataFrame(STORES_Y, index=STORES))
    expected = [0.5, 1.0, 2 / 3, 0.75, 0.8, 0.4, 0.5, 0.625]
    np.testing.assert_allclose(r.efficiency.to_numpy(), expected, atol=1e-9)
    assert list(r.efficiency.index) == STORES
    assert r.efficient.tolist() == [s == "B" for s in STORES]
    assert set(r.peers()) == {"B"}


@pytest.mark.parametrize(
    "orientation, expected",
    [
        # BCC frontier A(2,1) – B(3,3) – E(5,4) – H(8,5) (CST 2007, §4.2, Figure 4.1):
        # input: C needs x = 2.5 for y = 2 → 2.5/3; D → 3/4; F → 2.5/5; G → 3/6
        ("input", [1.0, 1.0, 2.5 / 3, 0.75, 1.0, 0.5, 0.5, 1.0]),
        # output: C gets y = 3 at x = 3 → 2/3; D y = 3.5 → 3/3.5; F 4 → 0.5; G 4 + 1/3 → 3/(13/3)
        ("output", [1.0, 1.0, 2 / 3, 3 / 3.5, 1.0, 0.5, 9 / 13, 1.0]),
    ],
)
def test_stores_bcc_on_the_piecewise_frontier(orientation, expected):
    r = dea(STORES_X, STORES_Y, "bcc", orientation)
    np.testing.assert_allclose(r.efficiency.to_numpy(), expected, atol=1e-9)


def test_hospital_ccr_published_scores():
    r = dea(HOSP[["doctors", "nurses"]], HOSP[["outpatients", "inpatients"]], "ccr", "input")
    np.testing.assert_allclose(r.efficiency.to_numpy(), HOSP_CCR, atol=5e-4)
    # CCR: output orientation gives the same scores, φ* = 1/θ* (CST 2007, Theorem 3.8)
    o = dea(HOSP[["doctors", "nurses"]], HOSP[["outpatients", "inpatients"]], "ccr", "output")
    np.testing.assert_allclose(o.efficiency.to_numpy(), r.efficiency.to_numpy(), atol=1e-8)
    np.testing.assert_allclose(o.radial.to_numpy(), 1 / r.radial.to_numpy(), rtol=1e-8)


def _brute(X, Y, vrs, output):
    """One linprog per unit, written plainly: phase I radial score, phase II max slacks."""
    n, m = X.shape
    s = Y.shape[1]
    scores, slacks = [], []
    for o in range(n):
        # variables [t, λ_1..λ_n]
        c = np.zeros(n + 1)
        c[0] = -1.0 if output else 1.0
        if output:
            A = np.vstack([np.hstack([np.zeros((m, 1)), X.T]), np.hstack([Y[o][:, None], -Y.T])])
            b = np.concatenate([X[o], np.zeros(s)])
        else:
            A = np.vstack([np.hstack([-X[o][:, None], X.T]), np.hstack([np.zeros((s, 1)), -Y.T])])
            b = np.concatenate([np.zeros(m), -Y[o]])
        eq = dict(A_eq=np.concatenate([[0.0], np.ones(n)])[None, :], b_eq=[1.0]) if vrs else {}
        t = linprog(c, A_ub=A, b_ub=b, bounds=(0, None), method="highs", **eq).x[0]
        # phase II, variables [λ (n), s⁻ (m), s⁺ (s)]
        Aeq = np.vstack(
            [np.hstack([X.T, np.eye(m), np.zeros((m, s))]), np.hstack([Y.T, np.zeros((s, m)), -np.eye(s)])]
        )
        beq = np.concatenate([X[o], Y[o] * t]) if output else np.concatenate([X[o] * t, Y[o]])
        if vrs:
            Aeq = np.vstack([Aeq, np.concatenate([np.ones(n), np.zeros(m + s)])])
            beq = np.concatenate([beq, [1.0]])
        # the radial score fixed a hair loose, as solvers need (feasible up to rounding)
        beq = beq * np.concatenate(
            [np.full(m, 1 + 1e-9 * (not output)), np.full(s, 1 - 1e-9 * output), [1.0] * vrs]
        )
        cc = np.concatenate([np.zeros(n), -np.ones(m + s)])
        sl = linprog(cc, A_eq=Aeq, b_eq=beq, bounds=(0, None), method="highs").x[n:]
        scores.append(1 / t if output else t)
        slacks.append(sl)
    return np.array(scores), np.array(slacks)


@pytest.mark.parametrize("model", ["ccr", "bcc"])
@pytest.mark.parametrize("orientation", ["input", "output"])
def test_against_brute_force_lp(model, orientation):
    rng = np.random.default_rng(12345)
    n = 60
    X = rng.uniform(1, 10, size=(n, 3))
    Y = rng.uniform(1, 10, size=(n, 2)) * X[:, :2] ** 0.5
    r = dea(X, Y, model, orientation, chunk=16)  # several chunks: the shared column pool is exercised
    scores, slacks = _brute(X, Y, model == "bcc", orientation == "output")
    np.testing.assert_allclose(r.efficiency.to_numpy(), scores, atol=1e-7)
    # max-slack totals are unique even where the slacks themselves are not
    ours = np.hstack([r.slacks_input.to_numpy(), r.slacks_output.to_numpy()]).sum(axis=1)
    np.testing.assert_allclose(ours, slacks.sum(axis=1), atol=1e-5)
    # projections are on the frontier: scored again they are efficient
    again = dea(r.projection_input, r.projection_output, model, orientation)
    np.testing.assert_allclose(again.efficiency.to_numpy(), 1.0, atol=1e-6)
    # λ reproduce the projections: x̂ ≥ Xλ, ŷ ≤ Yλ hold with equality after phase II
    L = np.zeros((n, n))
    L[r.lambdas["unit"].to_numpy(), r.lambdas["peer"].to_numpy()] = r.lambdas["lambda"].to_numpy()
    np.testing.assert_allclose(L @ X, r.projection_input.to_numpy(), rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(L @ Y, r.projection_output.to_numpy(), rtol=1e-6, atol=1e-6)
    if model == "bcc":
        np.testing.assert_allclose(L.sum(axis=1), 1.0, atol=1e-7)


def test_arrays_and_frames_give_the_same_scores():
    a = dea(HOSP[["doctors", "nurses"]].to_numpy(), HOSP[["outpatients", "inpatients"]].to_numpy(), "bcc")
    f = dea(HOSP[["doctors", "nurses"]], HOSP[["outpatients", "inpatients"]], "bcc")
    np.testing.assert_allclose(a.efficiency.to_numpy(), f.efficiency.to_numpy())
    assert list(f.to_frame(lang="zh").columns)[:2] == ["效率", "排名"]
    assert "BCC" in f.summary()


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(model="sbm"), "model"),
        (dict(orientation="both"), "orientation"),
    ],
)
def test_bad_parameters_are_one_line_errors(kwargs, match):
    with pytest.raises(InputError, match=match):
        dea(STORES_X, STORES_Y, **kwargs)


def test_non_positive_inputs_rejected():
    with pytest.raises(InputError, match="inputs"):
        dea([[0], [1]], [[1], [1]])
    with pytest.raises(InputError, match="outputs"):
        dea([[1], [1]], [[0], [1]])
