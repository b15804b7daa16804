"""Inequality and dynamics: Dagum Gini, Theil, CV, σ/β-convergence, kernel density."""

from __future__ import annotations

import math
from importlib import resources

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from industrial_brain.errors import InputError, MethodError
from industrial_brain.macro.convergence import beta_convergence, beta_convergence_panel, sigma_convergence
from industrial_brain.macro.gini_decomposition import NBS_REGION4, dagum_gini, gini, nbs_region4
from industrial_brain.macro.kde import kernel_density
from industrial_brain.macro.theil_index import coefficient_of_variation, theil, theil_l, theil_t


def brute_force_dagum(y, g):
    """Dagum (1997) by the literal double sums (the reference implementation for the tests)."""
    y = np.asarray(y, float)
    g = np.asarray(g)
    labels = np.unique(g)
    n, mu = y.size, y.mean()
    G = np.abs(y[:, None] - y[None, :]).sum() / (2 * n * n * mu)
    grp = [y[g == lab] for lab in labels]
    nj = np.array([a.size for a in grp], float)
    Yj = np.array([a.mean() for a in grp])
    p, s = nj / n, nj * Yj / (n * mu)
    Gjj = np.array([np.abs(a[:, None] - a[None, :]).sum() / (2 * a.size**2 * a.mean()) for a in grp])
    Gw = (Gjj * p * s).sum()
    Gnb = Gt = 0.0
    for j in range(len(grp)):
        for h in range(j):
            a, b = grp[j], grp[h]
            Gjh = np.abs(a[:, None] - b[None, :]).sum() / (a.size * b.size * (a.mean() + b.mean()))
            hi, lo = (a, b) if a.mean() >= b.mean() else (b, a)
            diff = hi[:, None] - lo[None, :]
            d = np.where(diff > 0, diff, 0).sum() / diff.size
            pp = np.where(diff < 0, -diff, 0).sum() / diff.size
            D = (d - pp) / (d + pp)
            wgt = p[j] * s[h] + p[h] * s[j]
            Gnb += Gjh * wgt * D
            Gt += Gjh * wgt * (1 - D)
    return G, Gw, Gnb, Gt, Gjj


# ---------------------------------------------------------------- Dagum
def test_dagum_by_hand():
    # A = (1, 3), B = (5, 7); n = 4, μ = 4.
    # G = Σ|yi − yr| / (2 n² μ): pairs (ordered) sum = 2·(2+4+6+2+4+2) = 40 → 40/(2·16·4) = 0.3125
    # G_AA = 4/(2·4·2) = 0.25 ; G_BB = 4/(2·4·6) = 1/12 ; p = (½, ½), s = (2/8, 6/8)
    # G_w = 0.25·½·¼ + (1/12)·½·¾ = 0.03125 + 0.03125 = 0.0625
    # G_AB = (4+6+2+4)/(2·2·(2+6)) = 16/32 = 0.5 ; D_AB = 1 (all b > all a) → G_t = 0
    # G_nb = 0.5·(½·¾ + ½·¼) = 0.25 ; check 0.0625 + 0.25 + 0 = 0.3125
    r = dagum_gini([1, 3, 5, 7], ["A", "A", "B", "B"])
    assert r.gini == pytest.approx(0.3125, abs=1e-15)
    assert r.within == pytest.approx(0.0625, abs=1e-15)
    assert r.net_between == pytest.approx(0.25, abs=1e-15)
    assert r.transvariation == pytest.approx(0.0, abs=1e-15)
    assert r.G_jj["A"] == pytest.approx(0.25) and r.G_jj["B"] == pytest.approx(1 / 12)
    assert r.G_jh.loc["A", "B"] == pytest.approx(0.5)
    assert r.D_jh.loc["A", "B"] == pytest.approx(1.0)
    np.testing.assert_allclose(r.contributions.to_numpy(), [0.2, 0.8, 0.0], atol=1e-12)
    assert (r.G, r.G_w, r.G_nb, r.G_t) == (r.gini, r.within, r.net_between, r.transvariation)


def test_dagum_overlap_by_hand():
    # A = (1, 4), B = (2, 3): means 2.5 each → D_AB = 0 (d = p): all between inequality is transvariation
    # d_AB: pairs a − b: (−1, −2, 2, 1) → positive mean 3/4, negative mean 3/4 → D = 0
    r = dagum_gini([1, 4, 2, 3], ["A", "A", "B", "B"])
    assert r.net_between == pytest.approx(0.0, abs=1e-15)
    assert r.gini == pytest.approx(r.within + r.transvariation, abs=1e-15)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_dagum_parts_sum_and_match_brute_force(seed):
    rng = np.random.default_rng(seed)
    n = 120
    y = rng.lognormal(1.0, 0.6, size=n)
    g = rng.choice(["East", "Central", "West", "Northeast"], size=n, p=[0.35, 0.2, 0.35, 0.1])
    r = dagum_gini(y, g)
    G, Gw, Gnb, Gt, Gjj = brute_force_dagum(y, g)
    assert abs(r.gini - (r.within + r.net_between + r.transvariation)) < 1e-12
    assert r.gini == pytest.approx(G, abs=1e-12)
    assert r.within == pytest.approx(Gw, abs=1e-12)
    assert r.net_between == pytest.approx(Gnb, abs=1e-12)
    assert r.transvariation == pytest.approx(Gt, abs=1e-12)
    np.testing.assert_allclose(r.G_jj.to_numpy(), Gjj, atol=1e-12)
    assert r.contributions.sum() == pytest.approx(1.0, abs=1e-12)


def test_dagum_with_ties_matches_brute_force():
    y = np.array([1, 1, 2, 2, 2, 3, 5, 5, 8, 8], float)
    g = np.array(list("AABBACBCCA"))
    r = dagum_gini(y, g)
    G, Gw, Gnb, Gt, _ = brute_force_dagum(y, g)
    np.testing.assert_allclose(
        [r.gini, r.within, r.net_between, r.transvariation], [G, Gw, Gnb, Gt], atol=1e-12
    )


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.floats(1e-3, 1e4), st.integers(6, 40))
def test_dagum_scale_invariant(seed, c, n):
    rng = np.random.default_rng(seed)
    y = rng.gamma(2.0, 3.0, size=n) + 0.01
    g = rng.integers(0, 3, size=n)
    a, b = dagum_gini(y, g), dagum_gini(c * y, g)
    np.testing.assert_allclose(
        [a.gini, a.within, a.net_between, a.transvariation],
        [b.gini, b.within, b.net_between, b.transvariation],
        rtol=1e-9,
        atol=1e-13,
    )


def test_dagum_default_groups_from_province_codes():
    codes = ["110000", "140000", "510000", "210000", "310000", "420000", "650000", "230000"]
    y = pd.Series([9.0, 4.0, 5.0, 3.0, 10.0, 6.0, 4.5, 2.5], index=codes)
    r = dagum_gini(y)
    assert set(r.G_jj.index) == {"East", "Central", "West", "Northeast"}
    assert r.groups.loc["East", "n"] == 2


def test_nbs_mapping_agrees_with_packaged_reference():
    path = resources.files("industrial_brain") / "data" / "reference" / "provinces_gbt2260.csv"
    if not path.is_file():
        pytest.skip("reference table not embedded")
    ref = pd.read_csv(path, dtype={"adcode": str})
    ref = ref[ref["mainland_31"] == 1]
    assert len(ref) == 31 and len(NBS_REGION4) == 31
    assert list(nbs_region4(ref["adcode"])) == list(ref["region4_en"])
    assert list(nbs_region4(ref["adcode"], "zh")) == [s.replace("地区", "") for s in ref["region4_zh"]]


def test_dagum_all_equal_documented():
    r = dagum_gini([2.0, 2.0, 2.0, 2.0], ["a", "a", "b", "b"])
    assert r.gini == 0.0 and r.within == 0.0 and r.net_between == 0.0 and r.transvariation == 0.0
    assert (r.contributions == 0).all() and any("all values are equal" in n for n in r.notes)


def test_dagum_bad_inputs():
    with pytest.raises(InputError, match="missing"):
        dagum_gini(pd.Series([1.0, np.nan, 3.0], index=["a", "b", "c"]), ["x", "x", "y"])
    with pytest.raises(InputError, match="negative"):
        dagum_gini([1.0, -1.0, 3.0], ["x", "x", "y"])
    with pytest.raises(InputError, match="length"):
        dagum_gini([1.0, 2.0, 3.0], ["x", "y"])
    with pytest.raises(InputError, match="groups not given"):
        dagum_gini([1.0, 2.0, 3.0])
    with pytest.raises(MethodError):
        dagum_gini([0.0, 0.0], ["x", "y"])


def test_dagum_frames_and_summary():
    r = dagum_gini([1, 3, 5, 7, 2, 9], ["A", "A", "B", "B", "C", "C"])
    f = r.to_frame()
    assert list(f.index) == ["G", "G_w", "G_nb", "G_t"]
    assert f["share"].iloc[1:].sum() == pytest.approx(1.0)
    assert r.G_jh.shape == (3, 3) and np.allclose(r.G_jh, r.G_jh.T)
    assert len(r.pair_contributions) == 3
    assert "超变密度" in r.to_frame("zh")["名称"].tolist()
    assert "Dagum" in r.summary()


# ---------------------------------------------------------------- Theil, CV, Gini
def test_theil_by_hand():
    # y = (1, 3), μ = 2: T = ½[½ ln ½ + 1.5 ln 1.5] = ½[−0.346574 + 0.608198] = 0.130812
    #                    L = ½[ln 2 + ln(2/3)] = ½[0.693147 − 0.405465] = 0.143841
    assert theil_t([1, 3]).total == pytest.approx(
        0.5 * (0.5 * math.log(0.5) + 1.5 * math.log(1.5)), abs=1e-15
    )
    assert theil_l([1, 3]).total == pytest.approx(0.5 * (math.log(2) + math.log(2 / 3)), abs=1e-15)


def test_theil_decomposition_by_hand():
    # A = (1, 1), B = (3, 3): no within inequality; between T_b = Σ s_g ln(μ_g/μ)
    # s = (2/8, 6/8), μ = 2: T_b = ¼ ln ½ + ¾ ln 1.5 = −0.173287 + 0.304099 = 0.130812 = T
    r = theil([1, 1, 3, 3], ["A", "A", "B", "B"])
    assert r.within == pytest.approx(0.0, abs=1e-15)
    assert r.between == pytest.approx(0.25 * math.log(0.5) + 0.75 * math.log(1.5), abs=1e-15)
    assert r.total == pytest.approx(r.between + r.within, abs=1e-15)
    rl = theil([1, 1, 3, 3], ["A", "A", "B", "B"], kind="L")
    assert rl.total == pytest.approx(rl.between + rl.within, abs=1e-15)


def test_theil_zero_values_and_L_error():
    assert theil_t([0.0, 2.0]).total == pytest.approx(math.log(2))  # ½·2·ln 2
    with pytest.raises(MethodError, match="strictly positive"):
        theil_l([0.0, 2.0])
    with pytest.raises(InputError):
        theil([1.0, 2.0], kind="X")


def test_cv_by_hand():
    # (2, 4, 6): μ = 4, σ = sqrt(8/3) = 1.632993 → CV = 0.408248 ; sample σ = 2 → 0.5
    assert coefficient_of_variation([2, 4, 6]) == pytest.approx(math.sqrt(8 / 3) / 4)
    assert coefficient_of_variation([2, 4, 6], ddof=1) == pytest.approx(0.5)


@pytest.mark.peer
def test_theil_and_gini_against_pysal_inequality():
    pytest.importorskip("inequality")
    from inequality.gini import Gini
    from inequality.theil import Theil, TheilD

    rng = np.random.default_rng(42)
    y = rng.lognormal(0.5, 0.8, size=200)
    g = rng.integers(0, 4, size=200)
    ours = theil_t(y, g)
    assert ours.total == pytest.approx(float(np.squeeze(Theil(y).T)), rel=1e-12)
    td = TheilD(y, g)
    assert ours.between == pytest.approx(float(np.squeeze(td.bg)), rel=1e-10)
    assert ours.within == pytest.approx(float(np.squeeze(td.wg)), rel=1e-10)
    assert gini(y) == pytest.approx(float(Gini(y).g), rel=1e-12)
    assert dagum_gini(y, g).gini == pytest.approx(float(Gini(y).g), rel=1e-12)
    # also a real data set shipped with libpysal (Mexican state GDP per capita, 1940–2000)
    libpysal = pytest.importorskip("libpysal")
    try:
        f = libpysal.io.open(libpysal.examples.get_path("mexico.csv"))
    except Exception:  # pragma: no cover - example not bundled
        pytest.skip("libpysal mexico example not available offline")
    vnames = [f"pcgdp{d}" for d in range(1940, 2010, 10)]
    Y = np.array([f.by_col[v] for v in vnames]).T
    reg = np.array(f.by_col("hanson98"))
    for k in range(Y.shape[1]):
        t = theil_t(Y[:, k], reg)
        pt = TheilD(Y[:, k], reg)
        assert t.total == pytest.approx(float(np.squeeze(pt.T)), rel=1e-12)
        assert t.between == pytest.approx(float(np.squeeze(pt.bg)), rel=1e-10)
        assert gini(Y[:, k]) == pytest.approx(float(Gini(Y[:, k]).g), rel=1e-12)


# ---------------------------------------------------------------- convergence
def test_sigma_convergence_by_hand():
    # 2000: (1, 3): μ 2, σ 1, CV 0.5 ; 2001: (2, 3): μ 2.5, σ 0.5, CV 0.2 ; 2002: (2.5, 3): CV 0.25/2.75
    df = pd.DataFrame({2000: [1.0, 3.0], 2001: [2.0, 3.0], 2002: [2.5, 3.0]}, index=["a", "b"])
    r = sigma_convergence(df)
    np.testing.assert_allclose(r.by_year["CV"], [0.5, 0.2, 0.25 / 2.75], atol=1e-12)
    np.testing.assert_allclose(
        r.by_year["sd_log"], [math.log(3) / 2, math.log(1.5) / 2, math.log(1.2) / 2], atol=1e-12
    )
    assert r.slope_CV < 0 and r.slope_sd_log < 0


def test_beta_convergence_by_hand():
    # exact line g = 0.02 − 0.01 ln y0 over T = 10: β = −0.01,
    # λ = −ln(1 − 0.1)/10 = 0.0105361 ; half-life = ln 2/λ = 65.788
    y0 = np.array([1.0, 2.0, 4.0, 8.0, 16.0])
    g = 0.02 - 0.01 * np.log(y0)
    yT = y0 * np.exp(10 * g)
    r = beta_convergence(y0, yT, T=10)
    assert r.beta == pytest.approx(-0.01, abs=1e-12)
    assert r.params["const"] == pytest.approx(0.02, abs=1e-12)
    assert r.speed == pytest.approx(-math.log(0.9) / 10, rel=1e-10)
    assert r.half_life == pytest.approx(math.log(2) / (-math.log(0.9) / 10), rel=1e-10)
    assert r.converging


def test_beta_convergence_standard_errors_against_closed_form():
    rng = np.random.default_rng(3)
    y0 = rng.lognormal(1, 0.5, size=40)
    yT = y0 * np.exp(0.3 - 0.05 * np.log(y0) + rng.normal(0, 0.05, size=40))
    r = beta_convergence(y0, yT, T=5)
    x = np.log(y0)
    gg = np.log(yT / y0) / 5
    b = np.polyfit(x, gg, 1)
    e = gg - np.polyval(b, x)
    se = math.sqrt(e @ e / 38 / ((x - x.mean()) ** 2).sum())
    assert r.beta == pytest.approx(b[0], rel=1e-10)
    assert r.std_errors["beta"] == pytest.approx(se, rel=1e-10)
    # conditional: a control uncorrelated by construction leaves the fit valid
    rc = beta_convergence(y0, yT, T=5, controls=pd.DataFrame({"z": rng.normal(size=40)}))
    assert rc.kind == "conditional" and "z" in rc.params.index


def test_panel_fe_equals_dummy_variable_regression_and_cluster_se():
    rng = np.random.default_rng(11)
    G, T = 12, 8
    a = rng.normal(2, 0.5, size=G)
    L = np.empty((G, T))
    L[:, 0] = rng.normal(1, 0.3, size=G)
    for t in range(1, T):
        L[:, t] = L[:, t - 1] - 0.2 * (L[:, t - 1] - a) + rng.normal(0, 0.05, size=G)
    r = beta_convergence_panel(pd.DataFrame(np.exp(L)), backend="numpy")
    # LSDV: growth on ln y and one dummy per region
    gy = (L[:, 1:] - L[:, :-1]).ravel()
    x = L[:, :-1].ravel()
    D = np.kron(np.eye(G), np.ones((T - 1, 1)))
    X = np.column_stack([x, D])
    b, *_ = np.linalg.lstsq(X, gy, rcond=None)
    assert r.beta == pytest.approx(b[0], rel=1e-10)
    # cluster-robust variance by the sandwich on the LSDV residuals (Stata's xtreg, fe small-sample factor)
    e = gy - X @ b
    xw = (L[:, :-1] - L[:, :-1].mean(axis=1, keepdims=True)).ravel()
    scores = np.array([(xw * e).reshape(G, T - 1)[gi].sum() for gi in range(G)])
    N = G * (T - 1)
    V = G / (G - 1) * (N - 1) / (N - 1) * (scores @ scores) / (xw @ xw) ** 2
    assert r.std_errors["beta"] == pytest.approx(math.sqrt(V), rel=1e-10)
    assert r.speed == pytest.approx(-math.log(1 + r.beta))
    assert r.kind == "panel-fe"


def test_convergence_bad_inputs():
    df = pd.DataFrame({2000: [1.0, np.nan], 2001: [2.0, 3.0]}, index=["110000", "120000"])
    with pytest.raises(InputError, match="balanced"):
        sigma_convergence(df)
    with pytest.raises(InputError, match="non-positive"):
        sigma_convergence(pd.DataFrame({2000: [1.0, -1.0], 2001: [2.0, 3.0]}))
    with pytest.raises(InputError, match="T must be positive"):
        beta_convergence([1, 2, 3], [2, 3, 4], T=0)


# ---------------------------------------------------------------- kernel density
def test_kde_matches_formula_and_scipy():
    # values (−1, 1): Scott factor 2^(−1/5); h = factor · sd(ddof=1) = 0.870551 · 1.414214 = 1.231144
    x = np.array([-1.0, 1.0])
    h = 2 ** (-1 / 5) * x.std(ddof=1)
    grid = np.array([-1.0, 0.0, 0.5])
    expected = (np.exp(-0.5 * ((grid[:, None] - x[None, :]) / h) ** 2) / (h * math.sqrt(2 * math.pi))).mean(
        axis=1
    )
    r = kernel_density(pd.DataFrame({2020: x}), grid=grid)
    np.testing.assert_allclose(r.density.loc[2020].to_numpy(), expected, rtol=1e-12)
    assert r.features.loc[2020, "bandwidth"] == pytest.approx(h)


def test_kde_peaks_and_width():
    rng = np.random.default_rng(0)
    uni = rng.normal(0, 1, size=400)
    bi = np.r_[rng.normal(-4, 0.7, size=200), rng.normal(4, 0.7, size=200)]
    r = kernel_density(pd.DataFrame({2019: uni, 2020: bi}), n_grid=512)
    f = r.features
    assert f.loc[2019, "n_peaks"] == 1 and f.loc[2020, "n_peaks"] == 2
    assert abs(f.loc[2019, "peak_x"]) < 0.4
    # FWHM of N(0, 1) smoothed by h ≈ 1.06·400^(−1/5)·1: ≈ 2.355·sqrt(1 + h²) ≈ 2.6
    assert 2.3 < f.loc[2019, "fwhm"] < 3.0
    long = r.to_long()
    assert set(long.columns) == {"year", "x", "density"} and len(long) == 2 * 512
    # densities integrate to ~1 on the common grid
    for yr in (2019, 2020):
        assert np.trapezoid(r.density.loc[yr], r.grid) == pytest.approx(1.0, abs=1e-3)


def test_kde_bad_inputs():
    with pytest.raises(MethodError, match="equal"):
        kernel_density(pd.DataFrame({2020: [1.0, 1.0, 1.0]}))
    with pytest.raises(InputError, match="missing"):
        kernel_density(pd.DataFrame({2020: [1.0, np.nan, 2.0]}))
    with pytest.raises(InputError, match="bandwidth"):
        kernel_density(pd.DataFrame({2020: [1.0, 3.0]}), bw_method="bogus")


def _ar_panel(seed=11, G=12, T=8):
    rng = np.random.default_rng(seed)
    a = rng.normal(2, 0.5, size=G)
    L = np.empty((G, T))
    L[:, 0] = rng.normal(1, 0.3, size=G)
    for t in range(1, T):
        L[:, t] = L[:, t - 1] - 0.2 * (L[:, t - 1] - a) + rng.normal(0, 0.05, size=G)
    return L


@pytest.mark.peer
def test_panel_fe_against_linearmodels():
    lm = pytest.importorskip("linearmodels.panel")
    L = _ar_panel()
    G, T = L.shape
    rows = [(i, t, L[i, t + 1] - L[i, t], L[i, t]) for i in range(G) for t in range(T - 1)]
    df = pd.DataFrame(rows, columns=["id", "t", "g", "ly"]).set_index(["id", "t"])
    ref = lm.PanelOLS(df.g, df[["ly"]], entity_effects=True).fit(
        cov_type="clustered", cluster_entity=True, debiased=True, group_debias=True
    )
    for backend in ("numpy", "linearmodels"):  # the hand-written within estimator and the default
        r = beta_convergence_panel(pd.DataFrame(np.exp(L)), backend=backend)
        assert r.beta == pytest.approx(ref.params["ly"], rel=1e-10)
        assert r.std_errors["beta"] == pytest.approx(ref.std_errors["ly"], rel=1e-10)
        assert r.lineage.params["backend"] == backend


@pytest.mark.peer
def test_conditional_panel_fe_through_linearmodels():
    lm = pytest.importorskip("linearmodels.panel")
    L = _ar_panel(seed=3)
    G, T = L.shape
    ctrl = np.random.default_rng(4).normal(size=(G, T))  # synthetic control
    rows = [(i, t, L[i, t + 1] - L[i, t], L[i, t], ctrl[i, t]) for i in range(G) for t in range(T - 1)]
    df = pd.DataFrame(rows, columns=["id", "t", "g", "ly", "z"]).set_index(["id", "t"])
    ref = lm.PanelOLS(df.g, df[["ly", "z"]], entity_effects=True).fit(
        cov_type="clustered", cluster_entity=True, debiased=True, group_debias=True
    )
    r = beta_convergence_panel(pd.DataFrame(np.exp(L)), controls={"z": pd.DataFrame(ctrl)})
    assert r.kind == "panel-fe-conditional"
    assert r.beta == pytest.approx(ref.params["ly"], rel=1e-10)
    assert r.params["z"] == pytest.approx(ref.params["z"], rel=1e-10)
    assert r.std_errors["z"] == pytest.approx(ref.std_errors["z"], rel=1e-10)
    with pytest.raises(InputError, match="backend='linearmodels'"):
        beta_convergence_panel(pd.DataFrame(np.exp(L)), controls={"z": pd.DataFrame(ctrl)}, backend="numpy")
    with pytest.raises(InputError, match="shape"):
        beta_convergence_panel(pd.DataFrame(np.exp(L)), controls={"z": pd.DataFrame(ctrl[:, :3])})


def test_panel_two_way_equals_lsdv_sandwich():
    # two-way FE: β and its clustered variance equal the LSDV regression with region and year dummies
    # (Frisch–Waugh–Lovell: the β row of (X'X)⁻¹X' is x̃'/x̃'x̃ with x̃ two-way demeaned)
    L = _ar_panel(seed=5)
    G, T = L.shape
    r = beta_convergence_panel(pd.DataFrame(np.exp(L)), time_effects=True, backend="numpy")
    gy = (L[:, 1:] - L[:, :-1]).ravel()
    x = L[:, :-1].ravel()
    X = np.column_stack(
        [x, np.kron(np.eye(G), np.ones((T - 1, 1))), np.kron(np.ones((G, 1)), np.eye(T - 1))[:, 1:]]
    )
    b, *_ = np.linalg.lstsq(X, gy, rcond=None)
    e = gy - X @ b
    XtXi = np.linalg.pinv(X.T @ X)
    meat = sum(
        np.outer(
            X[g * (T - 1) : (g + 1) * (T - 1)].T @ e[g * (T - 1) : (g + 1) * (T - 1)],
            X[g * (T - 1) : (g + 1) * (T - 1)].T @ e[g * (T - 1) : (g + 1) * (T - 1)],
        )
        for g in range(G)
    )
    V = G / (G - 1) * (XtXi @ meat @ XtXi)[0, 0]
    assert r.beta == pytest.approx(b[0], rel=1e-9)
    assert r.std_errors["beta"] == pytest.approx(math.sqrt(V), rel=1e-8)
