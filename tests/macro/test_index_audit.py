"""The index audit (macro.audit): hand-solved 3-province cases, pandas / scikit-learn cross-checks,
and the Monte Carlo rank intervals of index_uncertainty reused as they are."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from _index_data import provincial_panel
from industrial_brain.errors import InputError
from industrial_brain.macro import composite_index, cronbach_alpha, index_audit, index_uncertainty
from industrial_brain.macro.audit import POOLED, correlation_eigenvalues
from industrial_brain.macro.weights import WEIGHTINGS

IDX = pd.MultiIndex.from_product([["A", "B", "C"], [2020]], names=["region", "year"])


def _system(*codes, dims=None, weighting="equal"):
    dims = dims or {"D": list(codes)}
    return {
        "code": "toy",
        "follows": "synthetic example",
        "weighting": weighting,
        "dimensions": [
            {"code": d, "indicators": [{"code": c, "direction": "+"} for c in inds]}
            for d, inds in dims.items()
        ],
    }


@pytest.fixture(scope="module")
def toy():
    panel = pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": [1.0, 3.0, 2.0]}, index=IDX)
    return index_audit(panel, _system("x", "y"), draws=0, methods=("equal", "entropy"))


def test_contributions_by_hand(toy):
    # x' = (0, .5, 1), y' = (0, 1, .5); equal weights 1/2
    assert toy.contributions.to_numpy().tolist() == [[0.0, 0.0], [0.25, 0.5], [0.5, 0.25]]
    assert toy.contributions.sum(axis=1).tolist() == pytest.approx(toy.score.tolist())
    assert toy.score.tolist() == pytest.approx([0.0, 0.75, 0.75])
    assert toy.shares().loc[("B", 2020)].tolist() == pytest.approx([1 / 3, 2 / 3])


def test_alpha_correlations_and_pca_by_hand(toy):
    # item variances 1/4 each, row sums (0, 1.5, 1.5) with variance 3/4: alpha = 2 (1 - 0.5/0.75)
    assert toy.alpha.loc[(POOLED, "D"), "alpha"] == pytest.approx(2 / 3)
    assert toy.alpha.loc[("2020", "D"), "k"] == 2 and toy.alpha.loc[("2020", "D"), "n"] == 3
    R = toy.correlation_matrix()
    assert R.loc["x", "y"] == pytest.approx(0.5)  # cov 1/8 over sd 1/2 · 1/2
    assert R.loc["x", "D"] == pytest.approx(np.sqrt(3) / 2)  # D = (0, .75, .75)
    assert R.loc["D", "index"] == pytest.approx(1.0)
    pca = toy.pca()
    # eigenvalues of [[1, .5], [.5, 1]]: 1.5 and 0.5
    assert pca.loc["D", "PC1"] == pytest.approx(1.5)
    assert pca.loc["D", "pc1_share"] == pytest.approx(0.75)
    assert pca.loc["D", "n_eig_gt1"] == 1
    assert toy.flags().empty


def test_weights_by_method(toy):
    assert list(toy.weights.columns) == ["nominal", "equal", "entropy"]
    assert toy.weights.sum().tolist() == pytest.approx([1.0, 1.0, 1.0])
    assert toy.weights["equal"].tolist() == [0.5, 0.5]
    # x' and y' hold the same values (0, .5, 1): entropy cannot tell them apart
    assert toy.weights["entropy"].tolist() == pytest.approx([0.5, 0.5])
    assert toy.dimension_weights.loc["D"].tolist() == pytest.approx([1.0, 1.0, 1.0])


def test_flags_negative_and_collinear():
    panel = pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": [3.0, 1.0, 2.0], "z": [2.0, 4.1, 6.0]}, index=IDX)
    a = index_audit(panel, _system("x", "y", "z"), draws=0, methods=("equal",))
    f = a.flags()
    pairs = {(r.flag, r.a, r.b): r.r for r in f.itertuples()}
    assert pairs[("negative", "x", "y")] == pytest.approx(-0.5)  # y' = (1, 0, .5)
    assert pairs[("collinear", "x", "z")] > 0.99
    assert ("collinear", "x", "y") not in pairs
    # a flag from a stricter threshold is absent with a looser one
    loose = index_audit(panel, _system("x", "y", "z"), draws=0, methods=("equal",), collinear=1.0)
    assert "collinear" not in set(loose.flags()["flag"])


def test_cronbach_alpha_standardised_items_spearman_brown():
    # on standardised items alpha = k r̄ / (1 + (k - 1) r̄) (Cronbach 1951, eq. for equal variances)
    X = provincial_panel()[["rd_personnel", "digital_infra_fiber_length", "population_10k"]].dropna()
    Z = (X - X.mean()) / X.std(ddof=1)
    R = np.corrcoef(Z.to_numpy(), rowvar=False)
    k = 3
    rbar = R[np.triu_indices(k, 1)].mean()
    assert cronbach_alpha(Z) == pytest.approx(k * rbar / (1 + (k - 1) * rbar))
    assert np.isnan(cronbach_alpha(Z.iloc[:, :1]))


@pytest.fixture(scope="module")
def digital():
    return index_audit(provincial_panel(), "digital_economy", draws=100, seed=7)


def test_correlations_equal_pandas_on_the_normalised_panel(digital):
    ci = composite_index(provincial_panel(), "digital_economy")
    X = ci.normalized.X
    X19 = X[X.index.get_level_values(1) == 2019]
    R = digital.correlation_matrix(2019)
    codes = list(X.columns)
    np.testing.assert_allclose(
        R.loc[codes, codes].to_numpy(), np.corrcoef(X19.to_numpy(), rowvar=False), atol=1e-12
    )
    s19 = ci.score[ci.score.index.get_level_values(1) == 2019]
    assert R.loc[codes[0], "index"] == pytest.approx(X19[codes[0]].corr(s19.set_axis(X19.index)))
    assert digital.periods[-1] == POOLED and digital.periods[0] == "2013"


def test_pca_against_scikit_learn(digital):
    from sklearn.decomposition import PCA
    from sklearn.preprocessing import StandardScaler

    ci = composite_index(provincial_panel(), "digital_economy")
    X = ci.normalized.X
    share = PCA().fit(StandardScaler().fit_transform(X.to_numpy())).explained_variance_ratio_
    assert digital.pca().loc["index", "pc1_share"] == pytest.approx(share[0], abs=1e-10)
    assert digital.pca().loc["index", "n_eig_gt1"] == int((share * X.shape[1] > 1).sum())
    lam = correlation_eigenvalues(X)
    assert lam.sum() == pytest.approx(X.shape[1])


def test_contributions_sum_to_score_and_weights_sum_to_one(digital):
    np.testing.assert_allclose(
        digital.contributions.sum(axis=1), digital.score.reindex(digital.contributions.index)
    )
    assert set(digital.weights.columns) == {"nominal", *WEIGHTINGS}
    np.testing.assert_allclose(digital.weights.sum(), 1.0)
    np.testing.assert_allclose(digital.dimension_weights.sum(), 1.0)
    assert digital.framework.loc["rd_intensity", "published"].startswith("R&D")


def test_geometric_contributions_sum_to_log_score():
    a = index_audit(
        provincial_panel(), "digital_economy", draws=0, aggregation="geometric", methods=("equal",)
    )
    np.testing.assert_allclose(a.contributions.sum(axis=1), np.log(a.score.reindex(a.contributions.index)))
    assert "ln" in a.contribution_kind


def test_rank_intervals_are_index_uncertainty(digital):
    u = index_uncertainty(provincial_panel(), "digital_economy", n_draws=100, seed=7)
    pd.testing.assert_frame_equal(digital.rank_intervals, u.rank_stats)
    nominal = composite_index(provincial_panel(), "digital_economy").to_frame()["rank"]
    assert (digital.rank_intervals["nominal"] == nominal.reindex(digital.rank_intervals.index)).all()
    w = digital.widest(2022, 3)
    assert (w["width"].diff().dropna() <= 0).all() and len(w) == 3


def test_one_year_and_views(digital):
    one = index_audit(provincial_panel(), "digital_economy", year=2019, draws=0, methods=("equal",))
    assert one.periods == ["2019"]
    pd.testing.assert_frame_equal(one.correlation_matrix(2019), digital.correlation_matrix(2019))
    assert one.rank_intervals.empty
    t = digital.to_frame("zh")
    assert "与总指数的相关" in t.columns and len(t) == len(digital.system.indicators)
    text = digital.summary()
    assert "PC1 share (pooled)" in text and "widest rank intervals 2022" in text


@pytest.mark.parametrize(
    "kw, column",
    [
        ({"draws": 5}, "draws"),
        ({"methods": ("magic",)}, "methods"),
        ({"year": 1999}, "year"),
        ({"collinear": 0}, "collinear"),
    ],
)
def test_bad_options(kw, column):
    panel = pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": [1.0, 3.0, 2.0]}, index=IDX)
    with pytest.raises(InputError, match=column):
        index_audit(panel, _system("x", "y"), **kw)
    with pytest.raises(InputError, match="period"):
        index_audit(panel, _system("x", "y"), draws=0).correlation_matrix(2019)
