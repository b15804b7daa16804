"""Moran's I (global, local), spatial weights, permutation machinery, location quotient."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

from industrial_brain._shared.permutation import check_alternative, pseudo_p_value, sample_without_replacement
from industrial_brain.errors import InputError, MethodError
from industrial_brain.macro.spatial_autocorrelation import moran, moran_local, moran_panel
from industrial_brain.macro.spatial_weighting import spatial_weights
from industrial_brain.macro.specialisation import location_quotient

SEED = 12345
PATH4 = {0: [1], 1: [0, 2], 2: [1, 3], 3: [2]}


def rook_dict(r, c):
    """Rook contiguity of an r × c lattice as a neighbour dict (synthetic)."""
    d = {}
    for i in range(r):
        for j in range(c):
            k = i * c + j
            d[k] = [
                a * c + b
                for a, b in ((i - 1, j), (i + 1, j), (i, j - 1), (i, j + 1))
                if 0 <= a < r and 0 <= b < c
            ]
    return d


# ---------------------------------------------------------------- hand-solved
def test_global_moran_by_hand():
    # path a–b–c–d, y = (1,2,3,4), binary W: z = (−1.5, −0.5, 0.5, 1.5)
    # zᵀWz = 2·(z1z2 + z2z3 + z3z4) = 2·(0.75 − 0.25 + 0.75) = 2.5 ; zᵀz = 5 ; S0 = 6
    # I = (n/S0)·zᵀWz/zᵀz = (4/6)·(2.5/5) = 1/3 ; EI = −1/3
    # S1 = ½ Σ (w_ij + w_ji)² = ½·6·4 = 12 ; S2 = Σ (2 w_i·)² = 4 + 16 + 16 + 4 = 40
    # VI_norm = (n² S1 − n S2 + 3 S0²)/((n²−1) S0²) − EI² = (192 − 160 + 108)/(15·36) − 1/9 = 140/540 − 1/9
    r = moran([1, 2, 3, 4], PATH4, transformation="b", permutations=0)
    assert r.I == pytest.approx(1 / 3, abs=1e-15)
    assert r.EI == pytest.approx(-1 / 3, abs=1e-15)
    assert r.VI_norm == pytest.approx(140 / 540 - 1 / 9, abs=1e-15)
    assert r.p_sim is None and len(r.to_frame()) == 2


def test_weights_forms_agree_and_row_standardise():
    d = rook_dict(3, 3)
    sw = spatial_weights(d)
    A = sw.W.toarray()
    np.testing.assert_allclose(A.sum(axis=1), 1.0)
    assert sw.W[4].nnz == 4 and A[4, 1] == pytest.approx(0.25)
    B = (spatial_weights(d, transformation="b").W.toarray() > 0).astype(float)
    y = np.arange(9.0) ** 1.5
    ref = moran(y, d, permutations=0)
    for w in (B, sparse.csr_matrix(B), pd.DataFrame(B)):
        assert moran(y, w, permutations=0).I == pytest.approx(ref.I, abs=1e-14)
    # weighted dict (neighbour → weight) and label alignment with a Series
    labels = [f"r{k}" for k in range(9)]
    dl = {f"r{k}": {f"r{j}": 2.0 for j in v} for k, v in d.items()}
    ys = pd.Series(y, index=labels)[::-1]  # reversed order: weights must follow the labels
    assert moran(ys, dl, permutations=0).I == pytest.approx(ref.I, abs=1e-14)


def test_local_moran_by_hand():
    # z = (y − ȳ)/σ with σ = sqrt(1.25): z = (−1.3416, −0.4472, 0.4472, 1.3416), Σz² = 4
    # I_1 = (n−1) z1 (z2) / Σz² = 3·0.6/4 = 0.45 ; I_2 = 3·z2(z1 + z3)/4 = 3·0.4/4 = 0.3
    r = moran_local([1, 2, 3, 4], PATH4, transformation="b", permutations=0)
    np.testing.assert_allclose(r.Is, [0.45, 0.3, 0.3, 0.45], atol=1e-12)
    assert r.quadrant.tolist() == ["LL", "LL", "HH", "HH"]


# ---------------------------------------------------------------- esda cross-checks (exact)
def _esda_inputs():
    libpysal = pytest.importorskip("libpysal")
    esda = pytest.importorskip("esda")
    return libpysal, esda


@pytest.mark.peer
@pytest.mark.parametrize("transformation", ["r", "b"])
def test_global_moran_exact_against_esda_lattice(transformation):
    libpysal, esda = _esda_inputs()
    w = libpysal.weights.lat2W(6, 7)
    rng = np.random.default_rng(SEED)
    y = rng.normal(size=42) + np.repeat(np.arange(6), 7) * 0.3
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = esda.Moran(y, w, transformation=transformation, permutations=0)
    for wf in (w, libpysal.weights.lat2W(6, 7).sparse, {k: list(v) for k, v in w.neighbors.items()}):
        r = moran(y, wf, transformation=transformation, permutations=0)
        for a in ("I", "EI", "VI_norm", "VI_rand", "z_norm", "z_rand", "p_norm", "p_rand"):
            assert getattr(r, a) == pytest.approx(getattr(m, a), rel=1e-12, abs=1e-15), a


@pytest.mark.peer
def test_local_moran_exact_against_esda_lattice():
    libpysal, esda = _esda_inputs()
    w = libpysal.weights.lat2W(6, 7)
    y = np.random.default_rng(SEED).normal(size=42)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = esda.Moran_Local(y, w, permutations=0)
    r = moran_local(y, w, permutations=0)
    np.testing.assert_allclose(r.Is, m.Is, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(r.EI, m.EI, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(r.VI, m.VI, rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(r.q, m.q)


@pytest.mark.peer
def test_moran_exact_against_esda_on_real_example_st_louis():
    """St Louis region county homicide rates (libpysal bundled example, no download)."""
    libpysal, esda = _esda_inputs()
    try:
        f = libpysal.io.open(libpysal.examples.get_path("stl_hom.txt"))
        w = libpysal.io.open(libpysal.examples.get_path("stl.gal")).read()
    except Exception:  # pragma: no cover - example not bundled
        pytest.skip("libpysal St Louis example not available offline")
    y = np.array(f.by_col["HR8893"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = esda.Moran(y, w, permutations=0)
        ml = esda.Moran_Local(y, w, permutations=0)
    r = moran(y, w, permutations=999, seed=SEED)
    # esda's documented value for this example: I = 0.24365582621771659
    assert r.I == pytest.approx(0.24365582621771659, rel=1e-12)
    for a in ("I", "EI", "VI_norm", "VI_rand"):
        assert getattr(r, a) == pytest.approx(getattr(m, a), rel=1e-12), a
    assert r.p_sim < 0.01  # clear positive autocorrelation
    rl = moran_local(y, w, permutations=0)
    np.testing.assert_allclose(rl.Is, ml.Is, rtol=1e-12)
    np.testing.assert_array_equal(rl.q, ml.q)


@pytest.mark.peer
def test_permutation_inference_agrees_with_esda_in_distribution():
    libpysal, esda = _esda_inputs()
    w = libpysal.weights.lat2W(8, 8)
    y = np.random.default_rng(7).normal(size=64) + 0.15 * np.arange(64) % 8
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = esda.Moran(y, w, permutations=1999)
        ml = esda.Moran_Local(y, w, permutations=1999, seed=SEED)
    r = moran(y, w, permutations=1999, seed=SEED)
    assert r.EI_sim == pytest.approx(m.EI_sim, abs=0.01)
    assert r.seI_sim == pytest.approx(m.seI_sim, rel=0.1)
    rl = moran_local(y, w, permutations=1999, seed=SEED)
    # esda's legacy p_sim is the smaller one-sided count ("directed"): about half our two-sided value
    np.testing.assert_allclose(rl.p_sim / 2, ml.p_sim, atol=0.05)
    np.testing.assert_allclose(rl.EI_sim, ml.EI_sim, atol=0.05)


# ---------------------------------------------------------------- permutation behaviour
def test_permutations_are_seeded_and_recorded():
    d = rook_dict(5, 5)
    y = np.random.default_rng(1).normal(size=25)
    a = moran(y, d, permutations=199, seed=SEED)
    b = moran(y, d, permutations=199, seed=SEED)
    c = moran(y, d, permutations=199, seed=SEED + 1)
    np.testing.assert_array_equal(a.sim, b.sim)
    assert not np.array_equal(a.sim, c.sim)
    assert a.seed == SEED and a.lineage.seed == SEED
    la = moran_local(y, d, permutations=99, seed=SEED)
    lb = moran_local(y, d, permutations=99, seed=SEED)
    np.testing.assert_array_equal(la.p_sim, lb.p_sim)


def test_global_null_distribution_matches_analytic_randomisation_moments():
    # under random relabelling E[I] = −1/(n−1) and Var[I] = VI_rand exactly; 4000 draws agree
    d = rook_dict(6, 6)
    y = np.random.default_rng(2).lognormal(size=36)
    r = moran(y, d, permutations=4000, seed=SEED)
    assert r.EI_sim == pytest.approx(r.EI, abs=4 * r.seI_rand / np.sqrt(4000))
    assert r.VI_sim == pytest.approx(r.VI_rand, rel=0.08)


def test_local_conditional_null_moments_match_sokal():
    # conditional randomisation: E[I_i] = −z_i² w_i/((n−1) m2) (Sokal et al. 1998, eq. A7)
    d = rook_dict(6, 6)
    y = np.random.default_rng(4).normal(size=36)
    r = moran_local(y, d, permutations=4000, seed=SEED)
    z = np.asarray(r.z)
    # our I_i = (n−1) z_i lag_i / Σz²; given z_i the others average −z_i/(n−1), so with w_i = 1
    # E[I_i | z_i] = −z_i² / Σz² = −z_i² / 36. Monte Carlo tolerance: 5 standard errors.
    EIc = -(z**2) / 36.0
    assert np.all(np.abs(np.asarray(r.EI_sim) - EIc) < 5 * np.asarray(r.seI_sim) / np.sqrt(4000) + 1e-12)


def test_sample_without_replacement_rows_distinct_and_uniform():
    rng = np.random.default_rng(0)
    for pool, k in ((1000, 8), (10, 6)):
        d = sample_without_replacement(rng, 5000, pool, k)
        assert d.shape == (5000, k) and d.min() >= 0 and d.max() < pool
        s = np.sort(d, axis=1)
        assert not (s[:, 1:] == s[:, :-1]).any()
    counts = np.bincount(sample_without_replacement(rng, 20000, 10, 3)[:, 0], minlength=10)
    assert counts.min() > 1800 and counts.max() < 2200


def test_pseudo_p_values_by_hand():
    sim = np.array([1, 2, 3, 4, 5, 6, 0, 1, 2.0])
    # ≥ 5: {5, 6} → (2+1)/10 = 0.3 ; ≤ 5: 8 → 0.9 ; two-sided 2·0.3 = 0.6
    assert pseudo_p_value(5.0, sim, "greater") == pytest.approx(0.3)
    assert pseudo_p_value(5.0, sim, "less") == pytest.approx(0.9)
    assert pseudo_p_value(5.0, sim) == pytest.approx(0.6)


def test_alternative_validated_with_listing():
    with pytest.raises(InputError, match="'two-sided', 'greater', 'less'"):
        check_alternative("lesser")
    with pytest.raises(InputError, match="alternative"):
        moran([1, 2, 3, 4], PATH4, alternative="directed")


# ---------------------------------------------------------------- properties
@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000))
def test_moran_invariant_to_relabelling(seed):
    rng = np.random.default_rng(seed)
    n = 16
    d = rook_dict(4, 4)
    y = rng.normal(size=n)
    perm = rng.permutation(n)
    inv = np.argsort(perm)
    # unit k is renamed perm[k]: new y'[perm[k]] = y[k]; neighbours renamed likewise
    y2 = np.empty(n)
    y2[perm] = y
    d2 = {int(perm[k]): [int(perm[j]) for j in v] for k, v in d.items()}
    d2 = {k: d2[k] for k in range(n)}
    a, b = moran(y, d, permutations=0), moran(y2, d2, permutations=0)
    assert a.I == pytest.approx(b.I, abs=1e-12)
    assert a.VI_rand == pytest.approx(b.VI_rand, abs=1e-12)
    la, lb = moran_local(y, d, permutations=0), moran_local(y2, d2, permutations=0)
    np.testing.assert_allclose(np.asarray(la.Is), np.asarray(lb.Is)[perm], atol=1e-12)
    assert inv.shape == (n,)


# ---------------------------------------------------------------- bad inputs and islands
def test_moran_bad_inputs():
    with pytest.raises(InputError, match="missing"):
        moran(pd.Series([1.0, np.nan, 3.0, 4.0], index=list("abcd")), {k: [] for k in "abcd"})
    with pytest.raises(MethodError, match="constant"):
        moran([2.0, 2.0, 2.0, 2.0], PATH4)
    with pytest.raises(InputError, match="size"):
        moran([1.0, 2.0, 3.0, 4.0, 5.0], np.ones((4, 4)) - np.eye(4))
    with pytest.raises(InputError, match="transformation"):
        moran([1.0, 2.0, 3.0, 4.0], PATH4, transformation="v")
    with pytest.raises(InputError, match="non-negative"):
        moran([1.0, 2.0, 3.0, 4.0], -(np.ones((4, 4)) - np.eye(4)))
    with pytest.raises(InputError, match="permutations"):
        moran([1.0, 2.0, 3.0, 4.0], PATH4, permutations=-1)


def test_islands_are_reported():
    d = {0: [1], 1: [0, 2], 2: [1], 3: [], 4: [0]}
    d[0] = [1, 4]
    r = moran([1.0, 2.0, 3.0, 4.0, 0.5], d, permutations=9, seed=1)
    assert r.notes and "island" in r.notes[0]
    rl = moran_local([1.0, 2.0, 3.0, 4.0, 0.5], d, permutations=9, seed=1)
    assert rl.Is[3] == 0.0 and rl.p_sim[3] == 1.0
    assert set(rl.to_frame()["cluster"]) <= {"HH", "LL", "HL", "LH", "ns"}
    assert "高-高" in set(rl.to_frame("zh")["quadrant"]) | {"高-高"}


# ---------------------------------------------------------------- location quotient
def test_location_quotient_by_hand():
    # e = [[10, 30], [30, 30]]; E = 100, E_j = (40, 60)
    # LQ_11 = (10/40)/(40/100) = 0.625 ; LQ_12 = (30/40)/(60/100) = 1.25
    # LQ_21 = (30/60)/(0.4) = 1.25 ; LQ_22 = (30/60)/(0.6) = 0.8333
    E = pd.DataFrame([[10, 30], [30, 30]], index=["r1", "r2"], columns=["manufacturing", "services"])
    r = location_quotient(E)
    np.testing.assert_allclose(r.LQ.to_numpy(), [[0.625, 1.25], [1.25, 0.5 / 0.6]], atol=1e-12)
    assert r.specialised.loc["r1", "services"] and not r.specialised.loc["r1", "manufacturing"]
    # national reference totals (1, 1): LQ_11 = (10/40)/(0.5) = 0.5
    assert location_quotient(E, reference=[1.0, 1.0]).LQ.iloc[0, 0] == pytest.approx(0.5)


def test_location_quotient_bad_inputs():
    with pytest.raises(InputError, match="missing"):
        location_quotient([[1.0, np.nan], [1.0, 2.0]])
    with pytest.raises(InputError, match="negative"):
        location_quotient([[1.0, -2.0], [1.0, 2.0]])
    with pytest.raises(MethodError, match="total 0"):
        location_quotient([[0.0, 0.0], [1.0, 2.0]])


def test_moran_panel_matches_single_calls_and_null():
    d = rook_dict(6, 6)
    rng = np.random.default_rng(8)
    grad = np.repeat(np.arange(6.0), 6)
    panel = pd.DataFrame({2018 + k: grad * (0.2 * k) + rng.normal(size=36) for k in range(4)})
    res = moran_panel(panel, d, permutations=2000, seed=SEED, keep_simulations=True)
    assert list(res) == [2018, 2019, 2020, 2021]
    for c, r in res.items():
        one = moran(panel[c].to_numpy(), d, permutations=0)
        for a in ("I", "EI", "VI_norm", "VI_rand", "z_rand"):
            assert getattr(r, a) == pytest.approx(getattr(one, a), rel=1e-12, abs=1e-15)
        # each column's null distribution: mean −1/(n−1), variance VI_rand (Monte Carlo tolerance)
        assert r.EI_sim == pytest.approx(r.EI, abs=5 * r.seI_rand / np.sqrt(2000))
        assert r.VI_sim == pytest.approx(r.VI_rand, rel=0.12)
        assert "shared" in r.notes[-1]
    assert res[2021].p_sim < 0.01  # strong gradient in the last year
    again = moran_panel(panel, d, permutations=2000, seed=SEED, keep_simulations=True)
    np.testing.assert_array_equal(res[2020].sim, again[2020].sim)
    with pytest.raises(InputError, match="missing"):
        moran_panel(panel.assign(**{"2022": [np.nan] + [1.0] * 35}), d)
