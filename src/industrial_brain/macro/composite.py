"""Composite index pipeline: index system → normalise → weigh → aggregate (by dimension and overall).

``composite_index(panel, system)`` takes a ``(region, year) × indicator`` panel and an index system
(a shipped default name, a YAML path, a mapping or an :class:`IndexSystem`) and returns a
:class:`CompositeIndexResult` with overall and dimension scores, weights at each level, ranks, notes
on what was dropped, and lineage recording every choice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np
import pandas as pd

from industrial_brain._shared.i18n import check_lang
from industrial_brain._shared.results import ResultMixin, readonly
from industrial_brain.errors import InputError, MethodError
from industrial_brain.lineage import Lineage
from industrial_brain.macro._common import check_panel
from industrial_brain.macro.aggregate import AGGREGATIONS, HierarchicalIndexResult, hierarchical_index
from industrial_brain.macro.index_system import IndexSystem, load_index_system
from industrial_brain.macro.normalisation import NormalizationResult, normalize
from industrial_brain.macro.weights import WEIGHTINGS, WeightsResult, objective_weights

__all__ = [
    "composite_index",
    "CompositeIndexResult",
    "rank_agreement",
    "listed_rank_agreement",
    "prepare_panel",
    "index_weights",
]


# ----------------------------------------------------------------------------- result
@dataclass(frozen=True)
class CompositeIndexResult(ResultMixin):
    """A composite index over a regional panel.

    Attributes
    ----------
    scores : DataFrame
        Overall index, regions (rows) × years (columns).
    score : Series
        The same, long, indexed by ``(region, year)``.
    dimension_scores : DataFrame
        ``(region, year)`` × dimension codes.
    weights : DataFrame
        Per indicator: ``dimension``, ``direction``, ``within`` (weight within its dimension) and
        ``global`` (dimension weight × within; sums to 1).
    dimension_weights : Series
    weight_details : dict
        The :class:`~industrial_brain.macro.weights.WeightsResult` objects that produced the weights
        (key ``"all"`` for global scope, a dimension code for within scope).
    normalized : NormalizationResult
    system : IndexSystem
    normalization, weighting, aggregation, reference : str
    notes : tuple of str
        What was dropped, adjusted or should be kept in mind.
    lineage : Lineage
    """

    scores: pd.DataFrame
    score: pd.Series
    dimension_scores: pd.DataFrame
    weights: pd.DataFrame
    dimension_weights: pd.Series
    weight_details: Mapping[str, WeightsResult]
    normalized: NormalizationResult
    system: IndexSystem
    normalization: str
    weighting: str
    aggregation: str
    reference: str
    notes: tuple[str, ...]
    lineage: Lineage

    title_en = "Composite index"
    title_zh = "综合指数"

    def ranks(self) -> pd.DataFrame:
        """Rank of each region within each year (1 = highest score; ties share the lowest rank)."""
        return self.scores.rank(axis=0, ascending=False, method="min")

    def _summary_items(self, lang: str = "en"):
        zh = lang == "zh"
        s = self.system
        name = (s.name_zh or s.name_en) if zh else (s.name_en or s.code)
        yield ("指数体系" if zh else "index system", name)
        yield ("标准化" if zh else "normalisation", self.normalization)
        yield ("赋权" if zh else "weighting", self.weighting)
        yield ("聚合" if zh else "aggregation", self.aggregation)
        yield ("参照集" if zh else "reference", self.reference)
        yield ("地区数" if zh else "regions", self.scores.shape[0])
        years = list(self.scores.columns)
        yield ("年份" if zh else "years", f"{years[0]}–{years[-1]}" if years else "")
        for d, w in self.dimension_weights.items():
            yield (f"W[{d}]", float(w))
        for n in self.notes:
            yield ("说明" if zh else "note", n)

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """Tidy table indexed by ``(region, year)``: ``score``, ``rank`` (within year), dimension scores."""
        check_lang(lang)
        df = self.dimension_scores.copy()
        df.columns = [str(c) for c in df.columns]
        rank = self.score.groupby(level=1).rank(ascending=False, method="min").astype("int64")
        df.insert(0, "rank", rank)
        df.insert(0, "score", self.score)
        if lang == "zh":
            df = df.rename(columns={"score": "得分", "rank": "排名"})
        return df


# ----------------------------------------------------------------------------- helpers
def prepare_panel(panel: Any, system: IndexSystem, years: Any = None) -> tuple[pd.DataFrame, list[str]]:
    """Select the system's indicator columns from a ``(region, year)`` panel (derived intensities are
    computed from their inputs by :meth:`IndexSystem.derive_panel` when absent); check shape; note gaps."""
    if not isinstance(panel, pd.DataFrame):
        raise InputError.at(
            "panel must be a pandas DataFrame",
            value=type(panel).__name__,
            expected="(region, year) MultiIndex rows x indicator columns",
        )
    if not isinstance(panel.index, pd.MultiIndex) or panel.index.nlevels != 2:
        raise InputError.at(
            "panel rows must be a (region, year) MultiIndex",
            value=type(panel.index).__name__,
            expected="e.g. df.set_index(['region', 'year'])",
        )
    codes = system.indicator_codes
    if any(i.derive is not None and i.code not in panel.columns for i in system.indicators):
        panel = system.derive_panel(panel)
    missing = [c for c in codes if c not in panel.columns]
    if missing:
        raise InputError.at(
            f"panel lacks {len(missing)} indicator(s) of index system '{system.code}'",
            column=missing[0],
            value=missing[:8],
            expected="a column for every indicator code of the system",
        )
    P = panel[codes]
    notes: list[str] = []
    if years is not None:
        ys = set(years if not isinstance(years, (int, np.integer)) else [years])
        P = P[P.index.get_level_values(1).isin(ys)]
        if P.empty:
            raise InputError.at("no panel rows in the requested years", column="years", value=sorted(ys))
    P = check_panel(P)
    flagged = system.flagged
    if flagged:
        notes.append("flagged indicator(s) used: " + "; ".join(f"{k} ({v})" for k, v in flagged.items()))
    regions = P.index.get_level_values(0)
    yrs = P.index.get_level_values(1)
    all_years = sorted(pd.unique(yrs))
    counts = pd.Series(1, index=P.index).groupby(level=0).size()
    short = counts[counts < len(all_years)]
    if len(short):
        ex = []
        for r in short.index[:5]:
            have = set(yrs[regions == r])
            ex.append(f"{r} lacks {sorted(set(all_years) - have)}")
        notes.append(
            f"unbalanced panel: {len(short)} region(s) lack some years ({'; '.join(ex)}); "
            "they are scored only in the years they have"
        )
    return P, notes


def _explicit_weights(w: Any, keys: Any, column: str, lack: str, bad: str) -> pd.Series:
    """Explicit weights (Series or mapping) over ``keys``, rescaled to sum 1.

    Every key needs a weight (else :class:`InputError` ``lack`` naming the first missing ones); the
    weights must be finite, non-negative and not all 0 (else ``bad``, at column ``column``).
    """
    w = pd.Series(dict(w) if isinstance(w, Mapping) else w, dtype="float64")
    miss = [k for k in keys if k not in w.index]
    if miss:
        raise InputError.at(lack, column=str(miss[0]), value=miss[:5])
    w = w.reindex(keys)
    if not np.isfinite(w).all() or (w < 0).any() or w.sum() <= 0:
        raise InputError.at(bad, column=column, value=w.tolist())
    return w / w.sum()


def index_weights(
    system: IndexSystem,
    Xw: pd.DataFrame,
    raw: pd.DataFrame,
    weighting: Any,
    scope: str,
    dimension_weights: Any,
) -> tuple[dict[str, float], pd.Series, dict[str, WeightsResult], str]:
    """Within-dimension indicator weights, dimension weights, detail objects and a label.

    ``weighting`` is a method of :data:`~industrial_brain.macro.weights.WEIGHTINGS` computed on the
    normalised ``Xw`` (CV weights on ``raw``), or explicit global weights. With ``scope="global"``
    the indicator weights ``w_j`` give ``W_d = Σ_{j∈d} w_j`` and within weights ``w_j / W_d``; with
    ``"within"`` each dimension is weighted on its own (explicit YAML weights first) and the
    dimension weights come from ``dimension_weights``, the YAML, or are equal. The composite index is
    ``Σ_d W_d Σ_{j∈d} (w_j / W_d) x_j``.
    """
    structure = system.structure
    details: dict[str, WeightsResult] = {}
    explicit_global = not isinstance(weighting, str)
    if explicit_global:
        w = _explicit_weights(
            weighting.weights if isinstance(weighting, WeightsResult) else weighting,
            Xw.columns,
            "weighting",
            "explicit weights lack indicator(s)",
            "explicit weights must be finite, non-negative, not all 0",
        )
        label, scope = "explicit", "global"
    elif weighting not in WEIGHTINGS:
        raise InputError.at(
            "unknown weighting method",
            column="weighting",
            value=weighting,
            expected=" / ".join(WEIGHTINGS) + ", or explicit weights (Series/mapping)",
        )
    if scope == "global":
        if not explicit_global:
            res = objective_weights(Xw, weighting, raw=raw)
            details["all"] = res
            w = res.weights
            label = weighting
        W = pd.Series({d: float(w[inds].sum()) for d, inds in structure.items()}, name="weight")
        if (W <= 0).any():
            d0 = W.index[W <= 0][0]
            raise MethodError(
                f"dimension '{d0}' gets zero total weight under '{label}' weighting; "
                "use weight_scope='within' or another method"
            )
        within = {j: float(w[j] / W[d]) for d, inds in structure.items() for j in inds}
        if dimension_weights is not None:
            raise InputError.at("dimension_weights need weight_scope='within'", column="dimension_weights")
        return within, W, details, label
    # within scope
    within = {}
    for dim in system.dimensions:
        inds = [i.code for i in dim.indicators]
        if dim.indicators[0].weight is not None:
            tot = sum(i.weight for i in dim.indicators)  # type: ignore[misc]
            within.update({i.code: float(i.weight) / tot for i in dim.indicators})  # type: ignore[arg-type]
        elif len(inds) == 1:
            within[inds[0]] = 1.0
        else:
            res = objective_weights(Xw[inds], weighting, raw=raw[inds])
            details[dim.code] = res
            within.update({k: float(v) for k, v in res.weights.items()})
    if dimension_weights is not None and not (
        isinstance(dimension_weights, str) and dimension_weights == "equal"
    ):
        W = _explicit_weights(
            dimension_weights,
            list(structure),
            "dimension_weights",
            "dimension_weights lack dimension(s)",
            "dimension weights must be finite, non-negative, not all 0",
        )
    elif dimension_weights is None and system.dimensions[0].weight is not None:
        W = pd.Series({d.code: float(d.weight) for d in system.dimensions})  # type: ignore[arg-type]
        W = W / W.sum()
    else:
        W = pd.Series(1.0 / len(structure), index=list(structure))
    return within, W.rename("weight"), details, f"{weighting}-within"


# ----------------------------------------------------------------------------- engine
def composite_index(
    panel: pd.DataFrame,
    system: Any,
    *,
    normalization: str = "minmax",
    weighting: Any = None,
    aggregation: str = "arithmetic",
    reference: str = "pooled",
    shift: float | None = None,
    shift_mode: str = "rescale",
    targets: Mapping[str, float] | None = None,
    log_offset: float = 0.0,
    weight_scope: str | None = None,
    dimension_weights: Any = None,
    years: Any = None,
    missing: str = "raise",
) -> CompositeIndexResult:
    r"""Composite index of a regional panel under an index system.

    Parameters
    ----------
    panel : DataFrame
        Rows: a ``(region, year)`` MultiIndex; columns: indicator codes (extra columns are ignored).
    system : str, Path, mapping or IndexSystem
        A shipped default (``"digital_economy"``, ``"real_economy"``,
        ``"new_quality_productive_forces"``), a YAML file, or a validated system.
    normalization : {"minmax", "zscore", "target", "log"}
        See :func:`~industrial_brain.macro.normalisation.normalize`.
    weighting : str or weights, optional
        ``"equal"``, ``"entropy"``, ``"critic"``, ``"cv"``, ``"pca"``, or explicit indicator weights
        (Series/mapping/WeightsResult, e.g. from :func:`ahp_weights` or :func:`combined_weights`);
        default: the system's ``weighting``.
    aggregation : {"arithmetic", "geometric", "topsis"}
    reference : {"pooled", "by_year"}
        Reference set of the normalisation and of the TOPSIS ideals. Pooled (default) keeps scores
        comparable across years; by year scores position within the year.
    shift : float, optional
        Min–max/log shift; default 0, or 0.01 under geometric aggregation (so that the worst
        region on one indicator is not zeroed) — recorded in lineage and notes.
    shift_mode : {"rescale", "add"}, default "rescale"
        ``"rescale"`` maps normalised values to ``[shift, 1]`` (``shift + (1 − shift) x'``) so that
        scores stay in [0, 1], as coupling coordination and the obstacle model require; ``"add"``
        gives the literature's ``x' + shift`` (scores up to ``1 + shift``).
    targets, log_offset
        Passed to :func:`normalize` for ``"target"`` / ``"log"``.
    weight_scope : {"global", "within"}, optional
        ``global``: one weighting over all indicators, dimension weight = sum of its indicators'
        weights (the usual one-level entropy method, whose arithmetic total equals the hierarchy's);
        ``within``: weights derived inside each dimension, dimensions weighted by the system's
        explicit weights, by ``dimension_weights``, or equally. Default: the system's setting.
    dimension_weights : mapping or "equal", optional
        Dimension weights under ``within`` scope.
    years : int or iterable, optional
        Restrict to these years.
    missing : {"raise", "drop"}
        Missing cells raise :class:`InputError` (default) or drop their region-year (noted).

    Returns
    -------
    CompositeIndexResult

    Raises
    ------
    InputError
        Missing indicator columns, missing cells, bad options, invalid system.
    MethodError
        A constant indicator, an undefined weighting (e.g. entropy on a zero column).

    Notes
    -----
    Objective weights are computed once for the whole panel (fixed weights across years) on the
    pooled min–max normalised matrix (the coefficient of variation on the raw data), whatever
    ``normalization`` and ``reference`` are used for the scores. Scores then follow
    :func:`~industrial_brain.macro.aggregate.hierarchical_index`: with global weights
    :math:`w_j`, :math:`W_d = \sum_{j \in d} w_j`, dimension score
    :math:`S^{(d)} = \sum_{j \in d} (w_j/W_d) x'_j` and total :math:`S = \sum_d W_d S^{(d)}`.

    References
    ----------
    OECD/JRC (2008). *Handbook on Constructing Composite Indicators: Methodology and User Guide*.
    OECD Publishing, Paris (steps 5–6: normalisation, weighting and aggregation).

    Examples
    --------
    >>> import pandas as pd
    >>> idx = pd.MultiIndex.from_product([["A", "B"], [2020, 2021]], names=["region", "year"])
    >>> panel = pd.DataFrame({"x": [1.0, 2.0, 3.0, 5.0], "y": [4.0, 3.0, 2.0, 1.0]}, index=idx)
    >>> system = {"code": "toy", "follows": "synthetic example", "weighting": "equal",
    ...           "dimensions": [{"code": "D", "indicators": [{"code": "x", "direction": "+"},
    ...                                                         {"code": "y", "direction": "-"}]}]}
    >>> composite_index(panel, system).scores.round(4).values.tolist()
    [[0.0, 0.2917], [0.5833, 1.0]]

    Pooled min–max: x' = (0, .25, .5, 1), y' (cost) = (0, 1/3, 2/3, 1); equal weights:
    A-2021 = (0.25 + 0.3333)/2 = 0.2917.
    """
    sysobj = load_index_system(system)
    if aggregation not in AGGREGATIONS:
        raise InputError.at(
            "unknown aggregation", column="aggregation", value=aggregation, expected=" / ".join(AGGREGATIONS)
        )
    scope = weight_scope if weight_scope is not None else sysobj.weight_scope
    if scope not in ("global", "within"):
        raise InputError.at(
            "unknown weight scope", column="weight_scope", value=scope, expected="'global' or 'within'"
        )
    has_explicit = (
        any(i.weight is not None for i in sysobj.indicators) or sysobj.dimensions[0].weight is not None
    )
    if has_explicit and weighting is None:
        scope = "within"
    wmethod = weighting if weighting is not None else sysobj.weighting
    if aggregation == "geometric" and normalization == "zscore":
        raise InputError.at(
            "geometric aggregation needs non-negative scores; z-scores are negative",
            column="aggregation",
            value="geometric + zscore",
            expected="minmax, log or target normalisation",
        )
    P, notes = prepare_panel(panel, sysobj, years)
    if shift is None:
        shift = 0.01 if aggregation == "geometric" and normalization in ("minmax", "log") else 0.0
        if shift:
            notes.append(
                "geometric aggregation: min-max scores rescaled to [0.01, 1] (shift 0.01) so that "
                "no score is zeroed"
            )
    norm = normalize(
        P,
        sysobj.directions,
        normalization,
        reference=reference,
        shift=shift,
        targets=targets,
        log_offset=log_offset,
        missing=missing,
        shift_mode=shift_mode,
    )
    notes.extend(norm.notes)
    X = norm.X
    raw = P.loc[X.index]
    if normalization == "minmax" and reference == "pooled":
        Xw = X
    else:
        Xw = normalize(
            raw, sysobj.directions, "minmax", reference="pooled", shift=shift, shift_mode=shift_mode
        ).X
    within, W, details, wlabel = index_weights(sysobj, Xw, raw, wmethod, scope, dimension_weights)
    h: HierarchicalIndexResult = hierarchical_index(
        X, sysobj.structure, within, W, method=aggregation, reference=reference
    )
    score = h.scores.rename("score")
    if not np.isfinite(score.to_numpy()).all():  # pragma: no cover - guarded above
        raise MethodError("composite index produced non-finite scores")
    idx_names = list(P.index.names)
    score.index.names = [idx_names[0] or "region", idx_names[1] or "year"]
    scores = score.unstack(level=1)
    scores.columns.name = "year"
    if scores.isna().any().any():
        notes.append("scores table has blanks where a region lacks a year (see unbalanced-panel note)")
    dims = h.dimension_scores
    dims.index = score.index
    wtab = h.indicator_weights.copy()
    wtab.insert(1, "direction", [sysobj.directions[j] for j in wtab.index])
    for obj in (scores, dims, wtab):
        readonly(obj)
    lin = Lineage.make(
        "macro.composite_index",
        {
            "system": sysobj.code,
            "system_version": sysobj.version,
            "normalization": normalization,
            "weighting": wlabel,
            "weight_scope": scope,
            "aggregation": aggregation,
            "reference": reference,
            "shift": shift,
            "shift_mode": shift_mode,
            "log_offset": log_offset,
            "missing": missing,
            "years": sorted(map(int, pd.unique(P.index.get_level_values(1)))) if years is not None else "all",
            "dimension_weights": {str(k): float(v) for k, v in W.items()},
            "indicator_weights": {str(k): float(v) for k, v in wtab["global"].items()},
        },
    )
    return CompositeIndexResult(
        scores=scores,
        score=readonly(score),
        dimension_scores=dims,
        weights=wtab,
        dimension_weights=readonly(W),
        weight_details=details,
        normalized=norm,
        system=sysobj,
        normalization=normalization,
        weighting=wlabel,
        aggregation=aggregation,
        reference=reference,
        notes=tuple(notes),
        lineage=lin,
    )


def rank_agreement(scores: Any, other: pd.Series) -> pd.DataFrame:
    """Spearman and Kendall rank correlation of an index with another series, per year and pooled.

    An external sanity check (e.g. against a published composite), not a target to match.

    Parameters
    ----------
    scores : CompositeIndexResult or Series indexed by (region, year)
    other : Series indexed by (region, year)

    Returns
    -------
    DataFrame
        Index: years and ``"pooled"``; columns ``n``, ``spearman``, ``kendall``.

    Examples
    --------
    >>> import pandas as pd
    >>> idx = pd.MultiIndex.from_product([["A", "B", "C"], [2020]])
    >>> a = pd.Series([1.0, 2.0, 3.0], index=idx); b = pd.Series([10.0, 30.0, 20.0], index=idx)
    >>> float(round(rank_agreement(a, b).loc["pooled", "spearman"], 4))
    0.5
    """
    from scipy.stats import kendalltau, spearmanr

    s = scores.score if isinstance(scores, CompositeIndexResult) else scores
    if not isinstance(other, pd.Series):
        raise InputError.at(
            "reference must be a pandas Series indexed by (region, year)", value=type(other).__name__
        )
    both = pd.concat([s.rename("a"), other.rename("b")], axis=1, join="inner").dropna()
    if len(both) < 3:
        raise InputError.at("fewer than 3 common (region, year) rows", value=len(both))
    rows = {}
    for y, g in both.groupby(level=1):
        if len(g) >= 3:
            rows[y] = {
                "n": len(g),
                "spearman": float(spearmanr(g.a, g.b).statistic),
                "kendall": float(kendalltau(g.a, g.b).statistic),
            }
    rows["pooled"] = {
        "n": len(both),
        "spearman": float(spearmanr(both.a, both.b).statistic),
        "kendall": float(kendalltau(both.a, both.b).statistic),
    }
    return pd.DataFrame.from_dict(rows, orient="index")


def listed_rank_agreement(scores: pd.Series, published_rank: pd.Series) -> dict[str, float]:
    """Agreement of an index with a published top-k list.

    For the ``k`` provinces a ranking lists, with published ranks ``p_i`` and ranks ``r_i`` among all
    provinces in ``scores`` (1 = highest score):

    - Spearman's ρ and Kendall's τ-b between ``p`` and ``r`` over the listed provinces;
    - ``overlap`` = |our top-k ∩ published top-k| / k.

    Ties in the published list (equal scores) keep their published ranks.

    Parameters
    ----------
    scores : Series indexed by region (one year)
    published_rank : Series indexed by region, the published rank (1 = first)

    Returns
    -------
    dict
        ``n`` (listed provinces found in ``scores``), ``spearman``, ``kendall``, ``overlap``.

    References
    ----------
    Saisana, M., Saltelli, A., Tarantola, S. (2005). Uncertainty and sensitivity analysis techniques as
    tools for the quality assessment of composite indicators. *J. R. Stat. Soc. A* 168(2): 307–323
    (rank comparison of composites with external rankings).

    Examples
    --------
    Four provinces; the published list names A, B, C as its top 3; our order is B, A, D, C:

    >>> s = pd.Series({"A": 0.8, "B": 0.9, "C": 0.1, "D": 0.5})
    >>> out = listed_rank_agreement(s, pd.Series({"A": 1, "B": 2, "C": 3}))
    >>> out["n"], round(out["spearman"], 2), round(out["overlap"], 3)
    (3, 0.5, 0.667)
    """
    from scipy.stats import kendalltau, spearmanr

    ours = scores.dropna().rank(ascending=False, method="min")
    common = published_rank.index.intersection(ours.index)
    if len(common) < 3:
        raise InputError.at("fewer than 3 listed provinces have a score", value=len(common))
    p = published_rank.loc[common].astype(float)
    r = ours.loc[common]
    k = len(published_rank)
    top_ours = set(ours.sort_values(kind="stable").index[:k])
    return {
        "n": int(len(common)),
        "spearman": float(spearmanr(p, r).statistic),
        "kendall": float(kendalltau(p, r).statistic),
        "overlap": len(top_ours & set(published_rank.index)) / k,
    }
