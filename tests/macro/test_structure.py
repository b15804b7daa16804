"""Structure similarity, Krugman indices and the division-of-labour index: hand-solved 3-province
cases, a peer (scipy's cosine distance), invariants and the errors a user can cause."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial.distance import cosine

from industrial_brain.errors import InputError
from industrial_brain.macro import (
    division_of_labour_index,
    krugman_index,
    similarity_coefficient,
    similarity_panel,
)

# three provinces × three sectors (SYNTHETIC), solved by hand below
X = pd.DataFrame(
    [[50.0, 30.0, 20.0], [40.0, 40.0, 20.0], [10.0, 20.0, 70.0]],
    index=["A", "B", "C"],
    columns=["s1", "s2", "s3"],
)


def test_similarity_hand_solved():
    r = similarity_coefficient(X)
    # S_AB = (.5·.4 + .3·.4 + .2·.2) / sqrt((.25+.09+.04)(.16+.16+.04)) = .36 / sqrt(.38·.36)
    assert r.S.loc["A", "B"] == pytest.approx(0.36 / np.sqrt(0.38 * 0.36), abs=1e-12)
    # S_AC = (.05 + .06 + .14) / sqrt(.38 · .54); S_BC = (.04 + .08 + .14) / sqrt(.36 · .54)
    assert r.S.loc["A", "C"] == pytest.approx(0.25 / np.sqrt(0.38 * 0.54), abs=1e-12)
    assert r.S.loc["B", "C"] == pytest.approx(0.26 / np.sqrt(0.36 * 0.54), abs=1e-12)
    assert r.S.loc["A", "B"] == pytest.approx(0.973329, abs=1e-6)
    assert np.allclose(np.diag(r.S), 1.0) and np.allclose(r.S, r.S.T)
    assert r.near_duplicates[["region_i", "region_j"]].to_numpy().tolist() == [["A", "B"]]
    assert r.mean == pytest.approx((0.973329 + 0.551888 + 0.589692) / 3, abs=1e-6)
    assert r.by_region["C"] == pytest.approx((0.551888 + 0.589692) / 2, abs=1e-6)
    assert similarity_coefficient(X, threshold=0.5).near_duplicates.shape[0] == 3


def test_similarity_matches_scipy_cosine_and_is_scale_free():
    rng = np.random.default_rng(7)
    M = pd.DataFrame(rng.gamma(2.0, size=(6, 9)), index=list("abcdef"))
    r = similarity_coefficient(M)
    for i in M.index:
        for j in M.index:
            assert r.S.loc[i, j] == pytest.approx(1 - cosine(M.loc[i], M.loc[j]), abs=1e-12)
    scaled = similarity_coefficient(M.mul([1, 10, 100, 2, 3, 4], axis=0))
    assert np.allclose(scaled.S, r.S)
    perm = similarity_coefficient(M.iloc[::-1, ::-1])
    assert np.allclose(perm.S.loc[M.index, M.index], r.S)


def test_similarity_panel_trend_and_paths():
    later = X.copy()
    later.loc["C"] = [40.0, 30.0, 30.0]  # C converges on A and B
    r = similarity_panel({2010: X, 2020: later})
    assert r.trend.loc[2010, "near_duplicates"] == 1 and r.trend.loc[2020, "near_duplicates"] == 3
    # S_AC(2020) = (.2 + .09 + .06) / sqrt(.38 · .34)
    s_ac = 0.35 / np.sqrt(0.38 * 0.34)
    paths = r.pair_paths.set_index(["region_i", "region_j"])
    assert paths.loc[("A", "C"), 2020] == pytest.approx(s_ac, abs=1e-12)
    assert bool(paths.loc[("A", "C"), "last"]) and not bool(paths.loc[("A", "C"), "first"])
    assert paths.loc[("A", "B"), "change"] == pytest.approx(0.0, abs=1e-12)
    assert r.trend.loc[2020, "mean_S"] > r.trend.loc[2010, "mean_S"]
    ch = r.changes
    assert ch[["region_i", "region_j", "status"]].to_numpy().tolist() == [
        ["A", "C", "entered"],
        ["B", "C", "entered"],
    ]
    assert ch.loc[0, "S_last"] == pytest.approx(s_ac, abs=1e-12)


def test_krugman_hand_solved():
    r = krugman_index(X)
    # rest of A = B + C = (50, 60, 90)/200 → |.5−.25| + |.3−.3| + |.2−.45| = .5
    # rest of B = A + C = (60, 50, 90)/200 → .1 + .15 + .25 = .5; rest of C = (90, 70, 40)/200 → 1.0
    assert r.K.round(12).tolist() == [0.5, 0.5, 1.0]
    assert r.K_ij.loc["A", "B"] == pytest.approx(0.2) and r.K_ij.loc["A", "C"] == pytest.approx(1.0)
    assert r.K_ij.loc["B", "C"] == pytest.approx(1.0)
    assert np.allclose(r.K_ij, r.K_ij.T) and np.allclose(np.diag(r.K_ij), 0)
    f = r.to_frame()
    assert f.index[0] == "C" and f.loc["A", "mean_K_ij"] == pytest.approx(0.6)
    # disjoint structures reach the upper bound 2
    assert krugman_index([[1, 0], [0, 1]]).K_ij.iloc[0, 1] == pytest.approx(2.0)


def test_division_of_labour_hand_solved():
    r = division_of_labour_index(X)
    # national structure (100, 90, 110)/300
    assert r.FI_i.tolist() == pytest.approx([1 / 6, 1 / 6, 1 / 3])
    assert r.FI == pytest.approx(2 / 9)
    assert r.FI_k.sum() == pytest.approx(r.FI)
    # FI_k = ½ Σ_i |x_ik/x − x_i x_k/x²|; sector s3 (x_k = 110): ½(2·|20 − 36.67| + |70 − 36.67|)/300
    assert r.FI_k["s3"] == pytest.approx(0.5 * (2 * (110 / 3 - 20) + (70 - 110 / 3)) / 300)
    assert r.to_frame()["contribution"].sum() == pytest.approx(r.FI)
    # identical structures: no division of labour; weights follow size
    same = division_of_labour_index([[1, 2], [10, 20]])
    assert same.FI == pytest.approx(0.0) and same.weight.tolist() == pytest.approx([1 / 11, 10 / 11])


@pytest.mark.parametrize(
    "fn", [similarity_coefficient, krugman_index, division_of_labour_index], ids=lambda f: f.__name__
)
def test_errors_name_the_problem(fn):
    with pytest.raises(InputError, match="total 0"):
        fn(pd.DataFrame([[1.0, 2.0], [0.0, 0.0]], index=["x", "y"]))
    with pytest.raises(InputError, match="negative"):
        fn([[1.0, -2.0], [1.0, 1.0]])
    with pytest.raises(InputError, match="two regions"):
        fn([[1.0, 2.0]])


def test_similarity_parameter_errors():
    with pytest.raises(InputError, match="threshold"):
        similarity_coefficient(X, threshold=1.5)
    with pytest.raises(InputError, match="other regions"):
        similarity_panel({2010: X, 2011: X.drop(index="C")})
    with pytest.raises(InputError, match="no year"):
        similarity_panel({})


def test_notes_say_what_a_reader_should_know():
    r = similarity_coefficient(X.assign(s4=0.0))
    assert r.notes == ("1 sector(s) with no activity in any region: s4",)
    assert "note" in r.summary() and "s4" in r.summary()
    assert krugman_index([[1, 2], [2, 1]]).notes[0].startswith("two regions")
    assert division_of_labour_index(X).notes == ()


_matrices = st.integers(2, 6).flatmap(
    lambda n: st.integers(2, 6).flatmap(
        lambda k: st.lists(
            st.lists(st.floats(0.0, 1e6, allow_nan=False), min_size=k, max_size=k).filter(
                lambda r: sum(r) > 1e-3
            ),
            min_size=n,
            max_size=n,
        )
    )
)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(_matrices)
def test_bounds_symmetry_and_decompositions(rows):
    M = pd.DataFrame(rows)
    S = similarity_coefficient(M).S.to_numpy()
    assert ((S >= 0) & (S <= 1 + 1e-12)).all() and np.allclose(S, S.T)
    k = krugman_index(M)
    assert ((k.K >= -1e-12) & (k.K <= 2 + 1e-9)).all() and np.allclose(k.K_ij, k.K_ij.T)
    fi = division_of_labour_index(M)
    assert -1e-12 <= fi.FI < 1
    assert fi.FI == pytest.approx(float(fi.FI_k.sum()), abs=1e-9)
    assert fi.FI == pytest.approx(float((fi.FI_i * fi.weight).sum()), abs=1e-9)
    # relabelling regions and sectors changes no value
    P = M.iloc[::-1, ::-1]
    assert np.allclose(krugman_index(P).K.loc[k.K.index], k.K)
    assert division_of_labour_index(P).FI == pytest.approx(fi.FI, abs=1e-12)
