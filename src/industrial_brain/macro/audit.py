"""Statistical audit of a composite index: how it was built and how far its structure holds.

``index_audit(panel, system)`` follows the audit steps of the JRC's COINr (``get_corr``,
``get_corr_flags``, ``get_cronbach``, ``get_PCA``) and of the JRC/OECD handbook: the framework
(dimension → indicators, direction, unit, the published indicator each one stands for), the weights
every objective method gives (:data:`~industrial_brain.macro.weights.WEIGHTINGS`), each indicator's
contribution to each region's score, correlations within and across dimensions with COINr's flags,
Cronbach's alpha per dimension, a principal-component check of dimensionality, and Monte Carlo rank
intervals under alternative normalisation, weighting and aggregation
(:func:`~industrial_brain.macro.uncertainty.index_uncertainty`, reused as is).

Written here rather than called from a library: COINr is R; Cronbach's alpha and the eigenvalues of a
correlation matrix are one line of numpy each (pingouin and scikit-learn give the same numbers, which
the tests check against scikit-learn's PCA); what is new is assembling them per dimension and per year
on the index's own normalised data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from industrial_brain._shared.i18n import check_lang
from industrial_brain._shared.results import ResultMixin, readonly
from industrial_brain.errors import IndustrialBrainError, InputError
from industrial_brain.lineage import Lineage
from industrial_brain.macro.composite import composite_index, prepare_panel
from industrial_brain.macro.index_system import IndexSystem, load_index_system
from industrial_brain.macro.uncertainty import index_uncertainty
from industrial_brain.macro.weights import WEIGHTINGS

__all__ = [
    "IndexAuditResult",
    "index_audit",
    "cronbach_alpha",
    "correlation_eigenvalues",
    "COLLINEAR",
    "POOLED",
    "CONTRIBUTION_KINDS",
]

#: |r| above which two indicators of one dimension are flagged collinear (the JRC audits' 0.92).
COLLINEAR = 0.92
#: Period label of the statistics over all region-years together.
POOLED = "pooled"
#: What a contribution is under each aggregation rule.
CONTRIBUTION_KINDS: Mapping[str, str] = {
    "arithmetic": "w_j·x'_ij (sums to the score)",
    "geometric": "w_j·ln x'_ij (sums to ln of the score)",
    "topsis": "w_j·x'_ij (TOPSIS weighted matrix; the closeness is not their sum)",
}


# ----------------------------------------------------------------------------- small pure functions
def cronbach_alpha(X: Any) -> float:
    r"""Cronbach's alpha of a set of items (columns).

    Parameters
    ----------
    X : DataFrame or ndarray
        Observations × items (k ≥ 2), complete.

    Returns
    -------
    float
        :math:`\alpha = \frac{k}{k-1}\left(1 - \frac{\sum_j \sigma^2_j}{\sigma^2_T}\right)` with item
        variances :math:`\sigma^2_j` and the variance :math:`\sigma^2_T` of the row sums (ddof 1); NaN
        when k < 2 or the row sums do not vary.

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests. *Psychometrika*
    16(3): 297–334. COINr ``get_cronbach`` (Becker et al. 2022, *JOSS* 7(78): 4567).

    Examples
    --------
    >>> round(cronbach_alpha([[0.0, 0.0], [0.5, 1.0], [1.0, 0.5]]), 4)
    0.6667

    Item variances 0.25 and 0.25, row sums 0, 1.5, 1.5 with variance 0.75:
    α = 2 · (1 − 0.5 / 0.75) = 2/3.
    """
    A = np.asarray(X, dtype="float64")
    if A.ndim != 2 or A.shape[1] < 2 or A.shape[0] < 2:
        return float("nan")
    total = A.sum(axis=1).var(ddof=1)
    if not total > 0:
        return float("nan")
    k = A.shape[1]
    return float(k / (k - 1) * (1.0 - A.var(axis=0, ddof=1).sum() / total))


def correlation_eigenvalues(X: Any) -> np.ndarray:
    r"""Eigenvalues of the Pearson correlation matrix of the columns, largest first.

    Standardised principal components: eigenvalue :math:`\lambda_k` is the variance of the k-th
    component, :math:`\lambda_k / p` its share; Kaiser's rule keeps components with
    :math:`\lambda_k > 1`. Columns that do not vary are left out (they carry no variance).

    References
    ----------
    Jolliffe, I. T. (2002). *Principal Component Analysis*, 2nd ed., Springer, ch. 6.1; OECD/JRC
    (2008), *Handbook on Constructing Composite Indicators*, section 3.1.

    Examples
    --------
    >>> correlation_eigenvalues([[1.0, 1.0], [2.0, 3.0], [3.0, 2.0]]).round(4).tolist()
    [1.5, 0.5]

    r = 0.5: the eigenvalues of [[1, r], [r, 1]] are 1 ± r.
    """
    A = np.asarray(X, dtype="float64")
    if A.ndim != 2 or A.shape[0] < 2:
        return np.array([])
    A = A[:, A.std(axis=0) > 0]
    if A.shape[1] == 0:
        return np.array([])
    if A.shape[1] == 1:
        return np.array([1.0])
    lam = np.linalg.eigvalsh(np.corrcoef(A, rowvar=False))[::-1]
    return np.clip(lam, 0.0, None)


# ----------------------------------------------------------------------------- result
@dataclass(frozen=True)
class IndexAuditResult(ResultMixin):
    """The audit of one composite index (see :func:`index_audit`).

    Attributes
    ----------
    system : IndexSystem
    normalization, aggregation, weighting : str
        The choices of the audited (nominal) index.
    weights : DataFrame
        Indicator × weighting method: global weights (each column sums to 1); ``nominal`` is the
        index's own.
    dimension_weights : DataFrame
        Dimension × weighting method.
    score : Series
        The nominal index, indexed by ``(region, year)``.
    contributions : DataFrame
        ``(region, year)`` × indicator: see :data:`CONTRIBUTION_KINDS` for ``aggregation``.
    correlations : DataFrame
        Indexed by ``(period, code)``, columns: indicator codes, dimension codes and ``index``;
        Pearson r over the period's region-years (a year, or :data:`POOLED`) of the normalised
        indicators, the dimension scores and the index.
    alpha : DataFrame
        Indexed by ``(period, block)`` (a dimension, or ``index`` for all indicators): ``alpha``,
        ``k`` indicators, ``n`` observations.
    eigenvalues : DataFrame
        Columns ``period``, ``block``, ``component`` (1…), ``eigenvalue`` of the block's correlation
        matrix.
    rank_intervals : DataFrame
        ``(region, year)``: ``nominal``, ``median``, ``p05``, ``p95``, ``mean`` rank over the draws.
    sensitivity : Series
        First-order indices of the mean absolute rank shift to each uncertain input.
    draws, seed : int
    collinear : float
    notes : tuple of str
    lineage : Lineage
    """

    system: IndexSystem
    normalization: str
    aggregation: str
    weighting: str
    weights: pd.DataFrame
    dimension_weights: pd.DataFrame
    score: pd.Series
    contributions: pd.DataFrame
    correlations: pd.DataFrame
    alpha: pd.DataFrame
    eigenvalues: pd.DataFrame
    rank_intervals: pd.DataFrame
    sensitivity: pd.Series
    draws: int
    seed: int | None
    collinear: float
    notes: tuple[str, ...]
    lineage: Lineage

    title_en = "Composite index: audit"
    title_zh = "综合指数审计"

    # -------------------------------------------------------------- views
    @property
    def framework(self) -> pd.DataFrame:
        """One row per indicator: dimension, names, direction, unit, derivation, published counterpart."""
        f = self.system.to_frame("en")
        f.insert(2, "name_zh", [i.name_zh for i in self.system.indicators])
        return f.drop(columns=["weight"])

    @property
    def periods(self) -> list[str]:
        """Periods of the statistical checks: years (as text) and :data:`POOLED`."""
        return list(dict.fromkeys(self.correlations.index.get_level_values(0)))

    def _period(self, period: Any) -> str:
        p = POOLED if period is None else str(period)
        if p not in self.periods:
            raise InputError.at(
                "no audit statistics for this period",
                column="year",
                value=p,
                expected=", ".join(self.periods),
            )
        return p

    def correlation_matrix(self, period: Any = None) -> pd.DataFrame:
        """The correlation matrix of one period (default :data:`POOLED`)."""
        return self.correlations.xs(self._period(period), level=0)

    @property
    def contribution_kind(self) -> str:
        return CONTRIBUTION_KINDS[self.aggregation]

    def shares(self) -> pd.DataFrame:
        """Contributions as shares of their row sum (arithmetic: of the score; geometric: of ln score)."""
        tot = self.contributions.sum(axis=1)
        return self.contributions.div(tot.where(tot != 0), axis=0)

    def flags(self, period: Any = None) -> pd.DataFrame:
        """COINr-style flags of one period: pairs of one dimension with r < 0 (``negative``) or
        |r| > :attr:`collinear` (``collinear``), and indicators correlating negatively with their
        dimension or with the index. Columns ``flag, dimension, a, b, r``."""
        R = self.correlation_matrix(period)
        rows = []
        for d, inds in self.system.structure.items():
            for i, a in enumerate(inds):
                for b in inds[i + 1 :]:
                    r = float(R.loc[a, b])
                    if r < 0:
                        rows.append(("negative", d, a, b, r))
                    if abs(r) > self.collinear:
                        rows.append(("collinear", d, a, b, r))
                for other, what in ((d, "negative with its dimension"), ("index", "negative with the index")):
                    r = float(R.loc[a, other])
                    if r < 0:
                        rows.append((what, d, a, other, r))
        return pd.DataFrame(rows, columns=["flag", "dimension", "a", "b", "r"])

    def pca(self, period: Any = None) -> pd.DataFrame:
        """Per block (each dimension, then ``index``): ``k``, ``PC1`` eigenvalue, ``pc1_share``
        (λ₁ / k), ``n_eig_gt1`` (Kaiser's rule) in one period."""
        p = self._period(period)
        e = self.eigenvalues[self.eigenvalues["period"] == p]
        rows = []
        for block, g in e.groupby("block", sort=False):
            lam = g.sort_values("component")["eigenvalue"].to_numpy()
            rows.append(
                {
                    "block": block,
                    "k": len(lam),
                    "PC1": float(lam[0]),
                    "pc1_share": float(lam[0] / lam.sum()) if lam.sum() > 0 else float("nan"),
                    "n_eig_gt1": int((lam > 1.0).sum()),
                }
            )
        return pd.DataFrame(rows).set_index("block")

    def widest(self, year: int, n: int = 5) -> pd.DataFrame:
        """The ``n`` regions with the widest 5–95 % rank interval in ``year`` (``width`` = p95 − p05)."""
        ri = self.rank_intervals.xs(int(year), level=1)
        return (
            ri.assign(width=ri["p95"] - ri["p05"])
            .sort_values(["width", "median"], ascending=[False, True], kind="stable")
            .head(n)
        )

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """One row per indicator: dimension, direction, unit, published counterpart, weight under each
        method, mean contribution share and the pooled r with its dimension and with the index."""
        check_lang(lang)
        zh = lang == "zh"
        f = self.system.to_frame(lang)[["dimension", "name", "direction", "unit", "published"]]
        f = f.join(self.weights.add_prefix("w:"))
        f["share"] = self.shares().mean()
        R = self.correlation_matrix(POOLED if POOLED in self.periods else self.periods[-1])
        f["r_dimension"] = [float(R.loc[j, self.system.dimension_of[j]]) for j in f.index]
        f["r_index"] = [float(R.loc[j, "index"]) for j in f.index]
        if zh:
            f = f.rename(
                columns={
                    "dimension": "维度",
                    "name": "名称",
                    "direction": "方向",
                    "unit": "单位",
                    "published": "对应的已发布指标",
                    "share": "平均贡献份额",
                    "r_dimension": "与所属维度的相关",
                    "r_index": "与总指数的相关",
                }
            )
        return f

    def _summary_items(self, lang: str = "en"):
        zh = lang == "zh"
        s = self.system
        yield ("指数体系" if zh else "index system", (s.name_zh or s.code) if zh else (s.name_en or s.code))
        yield (
            "标准化/赋权/聚合" if zh else "normalisation / weighting / aggregation",
            f"{self.normalization} / {self.weighting} / {self.aggregation}",
        )
        yield ("贡献" if zh else "contribution", self.contribution_kind)
        period = POOLED if POOLED in self.periods else self.periods[-1]
        pca = self.pca(period)
        if "index" in pca.index:
            yield (
                f"PC1 份额 ({period})" if zh else f"PC1 share ({period})",
                float(pca.loc["index", "pc1_share"]),
            )
            yield (
                "特征值>1 的主成分数" if zh else "components with eigenvalue > 1",
                int(pca.loc["index", "n_eig_gt1"]),
            )
        for d in s.structure:
            a = self.alpha.loc[(period, d), "alpha"] if (period, d) in self.alpha.index else float("nan")
            yield (f"α[{d}]", float(a))
        fl = self.flags(period)
        yield (
            "标记" if zh else "flags",
            ", ".join(f"{k} {v}" for k, v in fl["flag"].value_counts().items()) or ("无" if zh else "none"),
        )
        yield ("蒙特卡洛次数" if zh else "Monte Carlo draws", self.draws)
        if len(self.rank_intervals):
            y = int(self.rank_intervals.index.get_level_values(1).max())
            w = self.widest(y, 3)
            yield (
                f"{y} 排名区间最宽" if zh else f"widest rank intervals {y}",
                "; ".join(f"{r} {int(v.p05)}–{int(v.p95)}" for r, v in w.iterrows()),
            )
        for n in self.notes:
            yield ("说明" if zh else "note", n)


# ----------------------------------------------------------------------------- engine
def _contributions(X: pd.DataFrame, w: pd.Series, aggregation: str) -> pd.DataFrame:
    """Contribution of each indicator to each score (see :data:`CONTRIBUTION_KINDS`)."""
    W = w.reindex(X.columns).to_numpy()
    if aggregation == "geometric":
        with np.errstate(divide="ignore"):
            C = np.log(X.to_numpy()) * W
    else:
        C = X.to_numpy() * W
    return pd.DataFrame(C, index=X.index, columns=X.columns)


def _checks(sample: pd.DataFrame, system: IndexSystem, period: str) -> tuple[pd.DataFrame, list, list]:
    """Correlations, alpha rows and eigenvalue rows of one period's sample (indicators, dims, index)."""
    R = sample.corr(method="pearson")
    R.index = pd.MultiIndex.from_product([[period], R.index], names=["period", "code"])
    alpha_rows, eig_rows = [], []
    blocks = {**system.structure, "index": system.indicator_codes}
    for block, inds in blocks.items():
        X = sample[inds]
        alpha_rows.append(
            {
                "period": period,
                "block": block,
                "alpha": cronbach_alpha(X) if len(inds) > 1 else float("nan"),
                "k": len(inds),
                "n": len(X),
            }
        )
        for k, lam in enumerate(correlation_eigenvalues(X), start=1):
            eig_rows.append({"period": period, "block": block, "component": k, "eigenvalue": float(lam)})
    return R, alpha_rows, eig_rows


def index_audit(
    panel: pd.DataFrame,
    system: Any,
    *,
    year: int | None = None,
    draws: int = 200,
    seed: int | None = 0,
    normalization: str = "minmax",
    aggregation: str = "arithmetic",
    methods: Sequence[str] = WEIGHTINGS,
    collinear: float = COLLINEAR,
    uncertainty: Mapping[str, Any] | None = None,
) -> IndexAuditResult:
    r"""Audit a composite index: framework, weights by method, contributions, correlations, alpha,
    PCA and Monte Carlo rank intervals.

    Parameters
    ----------
    panel : DataFrame
        ``(region, year)`` × indicator panel, as for
        :func:`~industrial_brain.macro.composite.composite_index`.
    system : str, Path, mapping or IndexSystem
    year : int, optional
        Compute the statistical checks (correlations, alpha, PCA) on this year's cross-section only;
        default: on every year and on all region-years pooled. Weights, scores, contributions and rank
        intervals always use the whole panel (weights are fixed across years).
    draws : int, default 200
        Monte Carlo draws of :func:`~industrial_brain.macro.uncertainty.index_uncertainty`
        (0: no rank intervals).
    seed : int, optional
        Seed of the draws.
    normalization, aggregation : str
        The audited (nominal) index; its weighting is the system's.
    methods : sequence of str
        Weighting methods to compare (default all of :data:`~industrial_brain.macro.weights.WEIGHTINGS`);
        one that cannot apply to the data is left out and noted.
    collinear : float, default 0.92
        |r| above which two indicators of one dimension are flagged.
    uncertainty : mapping, optional
        Further options of ``index_uncertainty`` (``normalizations``, ``weightings``,
        ``aggregations``, ``weight_perturbation``).

    Returns
    -------
    IndexAuditResult

    Notes
    -----
    Contributions (arithmetic aggregation): :math:`c_{ij} = w_j x'_{ij}` with global weights
    :math:`w_j = W_{d(j)} w_{j|d}`, so :math:`\sum_j c_{ij} = S_i`; geometric:
    :math:`c_{ij} = w_j \ln x'_{ij}`, :math:`\sum_j c_{ij} = \ln S_i`; TOPSIS has no additive
    decomposition and ``c_ij`` is its weighted normalised matrix :math:`v_{ij}`. Correlations are
    Pearson's on the normalised, oriented indicators (COINr's ``get_corr`` on the normalised data set),
    the dimension scores and the index; flags follow COINr's ``get_corr_flags`` within each dimension
    (negative pairs; |r| > ``collinear``, the 0.92 of the JRC statistical audits). Cronbach's alpha per
    dimension (:func:`cronbach_alpha`); PCA on each block's correlation matrix
    (:func:`correlation_eigenvalues`): a dimension whose PC1 carries most of the variance and that has
    one eigenvalue > 1 is statistically one-dimensional.

    References
    ----------
    Becker, W., Caperna, G., Del Sorbo, M., Norlén, H., Papadimitriou, E., Saisana, M. (2022). COINr: An
    R package for developing composite indicators. *JOSS* 7(78): 4567 (``get_corr``,
    ``get_corr_flags``, ``get_cronbach``, ``get_PCA``). OECD/JRC (2008), *Handbook on Constructing
    Composite Indicators*, steps 4 (multivariate analysis) and 7 (uncertainty). Saisana, M., Saltelli,
    A., Tarantola, S. (2005), *JRSS A* 168(2): 307–323.

    Examples
    --------
    >>> import pandas as pd
    >>> idx = pd.MultiIndex.from_product([["A", "B", "C"], [2020]], names=["region", "year"])
    >>> panel = pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": [1.0, 3.0, 2.0]}, index=idx)
    >>> system = {"code": "toy", "follows": "synthetic", "weighting": "equal",
    ...           "dimensions": [{"code": "D", "indicators": [{"code": "x", "direction": "+"},
    ...                                                         {"code": "y", "direction": "+"}]}]}
    >>> a = index_audit(panel, system, draws=0, methods=("equal",))
    >>> a.contributions.round(3).values.tolist()
    [[0.0, 0.0], [0.25, 0.5], [0.5, 0.25]]
    >>> round(float(a.alpha.loc[("pooled", "D"), "alpha"]), 4)
    0.6667

    x' = (0, .5, 1), y' = (0, 1, .5), equal weights ½: B's contributions ¼ and ½ sum to its score ¾.
    """
    sysobj = load_index_system(system)
    if not isinstance(draws, (int, np.integer)) or draws < 0 or 0 < draws < 10:
        raise InputError.at("draws must be 0 or an integer >= 10", column="draws", value=draws)
    if not 0.0 < float(collinear) <= 1.0:
        raise InputError.at("collinear must lie in (0, 1]", column="collinear", value=collinear)
    bad = [m for m in methods if m not in WEIGHTINGS]
    if bad:
        raise InputError.at(
            "unknown weighting method", column="methods", value=bad, expected=" / ".join(WEIGHTINGS)
        )
    P, _ = prepare_panel(panel, sysobj)
    ci = composite_index(P, sysobj, normalization=normalization, aggregation=aggregation)
    notes = list(ci.notes)
    wcols = {"nominal": ci.weights["global"]}
    dcols = {"nominal": ci.dimension_weights}
    for m in methods:
        try:
            r = composite_index(P, sysobj, weighting=m, normalization=normalization, aggregation=aggregation)
        except IndustrialBrainError as e:
            notes.append(f"weighting '{m}' left out: {e}")
            continue
        wcols[m] = r.weights["global"]
        dcols[m] = r.dimension_weights
    weights = pd.DataFrame(wcols).reindex(sysobj.indicator_codes)
    weights.index.name = "indicator"
    dim_weights = pd.DataFrame(dcols).reindex(list(sysobj.structure))
    dim_weights.index.name = "dimension"
    X = ci.normalized.X
    contrib = _contributions(X, ci.weights["global"], aggregation)
    if aggregation == "arithmetic":
        gap = float(np.abs(contrib.sum(axis=1) - ci.score.reindex(X.index).to_numpy()).max())
        if gap > 1e-9:  # pragma: no cover - the identity of hierarchical_index
            notes.append(f"contributions differ from the score by up to {gap:.2e}")
    sample = pd.concat(
        [X, ci.dimension_scores.set_axis(X.index), ci.score.rename("index").set_axis(X.index)], axis=1
    )
    years = sample.index.get_level_values(1)
    if year is not None:
        if int(year) not in set(years):
            raise InputError.at(
                "no panel rows in this year",
                column="year",
                value=year,
                expected=f"{years.min()}–{years.max()}",
            )
        periods = [(str(int(year)), sample[years == int(year)])]
    else:
        periods = [(str(int(y)), sample[years == y]) for y in sorted(pd.unique(years))]
        periods.append((POOLED, sample))
    corr_parts, alpha_rows, eig_rows = [], [], []
    for label, s in periods:
        R, a, e = _checks(s, sysobj, label)
        corr_parts.append(R)
        alpha_rows += a
        eig_rows += e
    correlations = pd.concat(corr_parts)
    alpha = pd.DataFrame(alpha_rows).set_index(["period", "block"])
    eig = pd.DataFrame(eig_rows, columns=["period", "block", "component", "eigenvalue"])
    if draws:
        u = index_uncertainty(
            P,
            sysobj,
            n_draws=int(draws),
            seed=seed,
            **dict(uncertainty or {}),
            baseline={"normalization": normalization, "aggregation": aggregation},
        )
        ranks, sens = u.rank_stats, u.sensitivity_overall
        notes.extend(f"uncertainty: {n}" for n in u.notes)
        mc = dict(u.lineage.params)
    else:
        ranks = pd.DataFrame(
            columns=["nominal", "median", "p05", "p95", "mean"],
            index=pd.MultiIndex.from_arrays([[], []], names=X.index.names),
            dtype=float,
        )
        sens, mc = pd.Series(dtype=float, name="S_i"), {}
    for obj in (weights, dim_weights, contrib, correlations, alpha, eig):
        readonly(obj)
    lin = Lineage.make(
        "macro.index_audit",
        {
            "system": sysobj.code,
            "system_version": sysobj.version,
            "normalization": normalization,
            "aggregation": aggregation,
            "weighting": ci.weighting,
            "methods": list(weights.columns),
            "year": None if year is None else int(year),
            "draws": int(draws),
            "collinear": float(collinear),
            "uncertainty": mc,
        },
        seed=seed,
    )
    return IndexAuditResult(
        system=sysobj,
        normalization=normalization,
        aggregation=aggregation,
        weighting=ci.weighting,
        weights=weights,
        dimension_weights=dim_weights,
        score=readonly(ci.score),
        contributions=contrib,
        correlations=correlations,
        alpha=alpha,
        eigenvalues=eig,
        rank_intervals=ranks,
        sensitivity=sens,
        draws=int(draws),
        seed=seed,
        collinear=float(collinear),
        notes=tuple(notes),
        lineage=lin,
    )
