"""Aggregation of normalised indicators: weighted arithmetic and geometric means, TOPSIS, hierarchies.

Inputs are normalised, oriented matrices (observations × indicators; higher is better) and weights
that are non-negative and sum to 1. Written by hand because the panel variants (TOPSIS ideals over
the pooled panel or year by year, hierarchies target → dimensions → indicators) are not in the peers;
``pymcdm.methods.TOPSIS`` is used as a cross-check in the tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from industrial_brain._shared.results import ResultMixin
from industrial_brain.errors import InputError, MethodError
from industrial_brain.lineage import Lineage
from industrial_brain.macro._common import (
    arithmetic_scores,
    check_complete,
    check_panel,
    geometric_scores,
    reference_groups,
    require_non_negative,
    topsis_distances,
)

__all__ = [
    "weighted_arithmetic",
    "weighted_geometric",
    "topsis",
    "TopsisResult",
    "hierarchical_index",
    "HierarchicalIndexResult",
    "AGGREGATIONS",
]

#: Aggregation rules understood by :func:`hierarchical_index` and the composite pipeline.
AGGREGATIONS = ("arithmetic", "geometric", "topsis")


# ----------------------------------------------------------------------------- helpers
def _unwrap_weights(weights: Any) -> Any:
    """A mapping as a Series, a WeightsResult as its ``weights``; anything else as it is."""
    if isinstance(weights, Mapping):
        weights = pd.Series(dict(weights))
    if hasattr(weights, "weights") and not isinstance(weights, (pd.Series, np.ndarray)):
        weights = weights.weights
    return weights


def _check_non_negative(X: pd.DataFrame, A: np.ndarray) -> None:
    """Geometric aggregation needs ``A = X.to_numpy()`` without negative values."""
    require_non_negative(
        X,
        A,
        "geometric aggregation of a negative value at row {row}",
        "non-negative normalised values (min-max, not z-scores)",
    )


def _closeness(Dm: np.ndarray, tot: np.ndarray, index: pd.Index, why: str) -> np.ndarray:
    """TOPSIS closeness ``D⁻ / (D⁺ + D⁻)``; ``MethodError`` (reason ``why``) where D⁺ + D⁻ = 0."""
    if (tot <= 0).any():
        i = int(np.flatnonzero(tot <= 0)[0])
        raise MethodError(f"TOPSIS closeness undefined at row {index[i]!r}: {why}")
    return Dm / tot


def _prep(X: Any, weights: Any) -> tuple[pd.DataFrame, np.ndarray]:
    if isinstance(X, np.ndarray):
        X = pd.DataFrame(np.atleast_2d(X))
    X = check_panel(X, "normalised matrix")
    check_complete(X, "normalised matrix")
    weights = _unwrap_weights(weights)
    if isinstance(weights, pd.Series):
        missing = [c for c in X.columns if c not in weights.index]
        extra = [c for c in weights.index if c not in X.columns]
        if missing or extra:
            raise InputError.at(
                "weights and indicators differ",
                column="weights",
                value={"without weight": missing[:5], "not in data": extra[:5]},
                expected="one weight per indicator column",
            )
        w = weights.reindex(X.columns).to_numpy(dtype="float64")
    else:
        w = np.asarray(weights, dtype="float64").ravel()
        if w.shape[0] != X.shape[1]:
            raise InputError.at(
                "number of weights differs from number of indicators",
                column="weights",
                value=w.shape[0],
                expected=str(X.shape[1]),
            )
    if not np.isfinite(w).all() or (w < 0).any():
        raise InputError.at("weights must be finite and non-negative", column="weights", value=w.tolist())
    if abs(w.sum() - 1.0) > 1e-6:
        raise InputError.at(
            "weights must sum to 1",
            column="weights",
            value=float(w.sum()),
            expected="sum = 1 (rescale them first)",
        )
    return X, w


# ----------------------------------------------------------------------------- aggregators
def weighted_arithmetic(X: Any, weights: Any) -> pd.Series:
    r"""Weighted arithmetic mean (linear additive aggregation).

    Parameters
    ----------
    X : DataFrame or ndarray
        Normalised matrix (observations × indicators).
    weights : Series, mapping, WeightsResult or array
        Non-negative, summing to 1; a Series/mapping is aligned on the indicator codes.

    Returns
    -------
    Series
        :math:`S_i`, indexed like the rows of ``X``.

    Notes
    -----
    :math:`S_i = \sum_j w_j x'_{ij}`. Fully compensatory: a deficit in one indicator is offset by
    a surplus in another at the rate :math:`w_j / w_k`.

    References
    ----------
    OECD/JRC (2008), *Handbook on Constructing Composite Indicators*, section 6.2.1, p. 103.

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame({"a": [0.0, 1.0], "b": [1.0, 0.5]})
    >>> weighted_arithmetic(X, {"a": 0.25, "b": 0.75}).tolist()
    [0.75, 0.625]

    Row 2: 0.25·1 + 0.75·0.5 = 0.625.
    """
    X, w = _prep(X, weights)
    return pd.Series(arithmetic_scores(X.to_numpy(), w), index=X.index, name="score")


def weighted_geometric(X: Any, weights: Any) -> pd.Series:
    r"""Weighted geometric mean (partially compensatory aggregation).

    Parameters
    ----------
    X : DataFrame or ndarray
        Normalised, non-negative matrix. A zero in an indicator with positive weight makes the score
        0 (documented, not an error): use min–max with a ``shift`` to avoid it.
    weights : Series, mapping, WeightsResult or array

    Returns
    -------
    Series

    Raises
    ------
    InputError
        A negative value (e.g. z-scores).

    Notes
    -----
    :math:`S_i = \prod_j (x'_{ij})^{w_j}`, with :math:`0^{w} = 0` for :math:`w > 0` and
    :math:`x^0 = 1`.

    References
    ----------
    OECD/JRC (2008), *Handbook on Constructing Composite Indicators*, section 6.2.2, pp. 103–104.

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame({"a": [1.0, 0.25], "b": [0.5, 1.0]})
    >>> weighted_geometric(X, {"a": 0.5, "b": 0.5}).round(4).tolist()
    [0.7071, 0.5]

    Row 1: √(1·0.5) = 0.7071; row 2: √(0.25·1) = 0.5.
    """
    X, w = _prep(X, weights)
    A = X.to_numpy()
    _check_non_negative(X, A)
    return pd.Series(geometric_scores(A, w), index=X.index, name="score")


@dataclass(frozen=True)
class TopsisResult(ResultMixin):
    """TOPSIS relative closeness.

    Attributes
    ----------
    C : Series
        Relative closeness :math:`C_i = D^-_i/(D^+_i + D^-_i)` in [0, 1].
    D_plus, D_minus : Series
        Distances to the positive and negative ideal solutions.
    ideal, anti_ideal : DataFrame
        Weighted ideal / anti-ideal per reference set (rows) and indicator (columns).
    reference : str
    lineage : Lineage
    """

    C: pd.Series
    D_plus: pd.Series
    D_minus: pd.Series
    ideal: pd.DataFrame
    anti_ideal: pd.DataFrame
    reference: str
    lineage: Lineage

    title_en = "TOPSIS relative closeness"
    title_zh = "TOPSIS 相对贴近度"

    def _summary_items(self, lang: str = "en"):
        yield ("参照集" if lang == "zh" else "reference", self.reference)
        yield ("观测数" if lang == "zh" else "observations", len(self.C))

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """Per observation: closeness ``C = D⁻ / (D⁺ + D⁻)`` and the distances ``D_plus``, ``D_minus``."""
        return pd.DataFrame({"C": self.C, "D_plus": self.D_plus, "D_minus": self.D_minus})


def topsis(X: Any, weights: Any, *, reference: str = "pooled") -> TopsisResult:
    r"""TOPSIS relative closeness to the ideal solution.

    Parameters
    ----------
    X : DataFrame or ndarray
        Normalised, oriented matrix (higher is better for every column).
    weights : Series, mapping, WeightsResult or array
    reference : {"pooled", "by_year"}
        Ideals taken over all rows (default; scores comparable across years) or within each year
        (needs a (region, year) MultiIndex).

    Returns
    -------
    TopsisResult

    Raises
    ------
    MethodError
        A row at equal distance 0 from both ideals (the reference set has no variation).

    Notes
    -----
    :math:`v_{ij} = w_j x'_{ij}`; :math:`v^+_j = \max_i v_{ij}`, :math:`v^-_j = \min_i v_{ij}`
    over the reference set; :math:`D^\pm_i = \sqrt{\sum_j (v_{ij} - v^\pm_j)^2}`;
    :math:`C_i = D^-_i / (D^+_i + D^-_i)`. On a min–max normalised matrix this is exactly
    ``pymcdm.methods.TOPSIS()`` (its default min–max normalisation) applied to the raw data.

    References
    ----------
    Hwang, C.-L., Yoon, K. (1981). *Multiple Attribute Decision Making: Methods and Applications*.
    Springer, Berlin, pp. 128–140.

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame({"a": [0.0, 1.0, 0.5], "b": [1.0, 0.0, 0.5]})
    >>> topsis(X, [0.5, 0.5]).C.round(4).tolist()
    [0.5, 0.5, 0.5]

    Weighted ideal (0.5, 0.5), anti-ideal (0, 0): row 1 has D⁺ = D⁻ = 0.5, row 3 has
    D⁺ = D⁻ = √(2·0.25²) = 0.3536.
    """
    X, w = _prep(X, weights)
    A = X.to_numpy()
    groups = reference_groups(X, reference) if reference in ("pooled", "by_year") else None
    if groups is None:
        raise InputError.at(
            "unknown reference set", column="reference", value=reference, expected="pooled / by_year"
        )
    Dp, Dm, tot = topsis_distances(A, w, groups)
    C = _closeness(
        Dm,
        tot,
        X.index,
        "it coincides with both the ideal and the anti-ideal (no variation in its reference set)",
    )
    V = A * w
    keys = (
        ["pooled"]
        if reference == "pooled"
        else [X.index.get_level_values("year" if "year" in X.index.names else -1)[g[0]] for g in groups]
    )
    ideal = pd.DataFrame([V[g].max(axis=0) for g in groups], index=keys, columns=X.columns)
    anti = pd.DataFrame([V[g].min(axis=0) for g in groups], index=keys, columns=X.columns)
    return TopsisResult(
        C=pd.Series(C, index=X.index, name="C"),
        D_plus=pd.Series(Dp, index=X.index, name="D_plus"),
        D_minus=pd.Series(Dm, index=X.index, name="D_minus"),
        ideal=ideal,
        anti_ideal=anti,
        reference=reference,
        lineage=Lineage.make("macro.topsis", {"reference": reference}),
    )


# ----------------------------------------------------------------------------- hierarchy
@dataclass(frozen=True)
class HierarchicalIndexResult(ResultMixin):
    """Target → dimensions → indicators.

    Attributes
    ----------
    scores : Series
        Overall index per observation.
    dimension_scores : DataFrame
        Observations × dimensions.
    indicator_weights : DataFrame
        Per indicator: ``dimension``, ``within`` (weight inside its dimension, summing to 1 per
        dimension) and ``global`` (= dimension weight × within).
    dimension_weights : Series
    method : str
    lineage : Lineage
    """

    scores: pd.Series
    dimension_scores: pd.DataFrame
    indicator_weights: pd.DataFrame
    dimension_weights: pd.Series
    method: str
    lineage: Lineage

    title_en = "Hierarchical composite index"
    title_zh = "分层综合指数"

    def _summary_items(self, lang: str = "en"):
        yield ("聚合方法" if lang == "zh" else "aggregation", self.method)
        yield ("维度数" if lang == "zh" else "dimensions", len(self.dimension_weights))
        yield ("指标数" if lang == "zh" else "indicators", len(self.indicator_weights))

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """Per observation: the overall ``score`` followed by one column per dimension score."""
        df = self.dimension_scores.copy()
        df.insert(0, "score", self.scores)
        return df


def hierarchical_index(
    X: Any,
    structure: Mapping[Any, Sequence[Any]],
    indicator_weights: Any,
    dimension_weights: Any,
    *,
    method: str = "arithmetic",
    reference: str = "pooled",
) -> HierarchicalIndexResult:
    r"""Two-level index: indicators → dimension scores → overall score.

    Parameters
    ----------
    X : DataFrame
        Normalised, oriented matrix; its columns must be exactly the indicators of ``structure``.
    structure : mapping
        ``{dimension: [indicator, ...]}``; every indicator belongs to exactly one dimension.
    indicator_weights : Series or mapping
        Weights of the indicators **within** their dimension; each dimension's set is rescaled to
        sum to 1 (so global weights from a one-level method, e.g. entropy over all indicators, may be
        passed as they are).
    dimension_weights : Series or mapping
        Weights of the dimensions (rescaled to sum to 1).
    method : {"arithmetic", "geometric", "topsis"}
        The same rule at both levels; for TOPSIS the dimension score is TOPSIS over the dimension's
        indicators, and the overall score is TOPSIS over all indicators with the global weights.
    reference : {"pooled", "by_year"}
        TOPSIS ideal sets.

    Returns
    -------
    HierarchicalIndexResult

    Raises
    ------
    InputError
        An indicator in no or two dimensions, missing weights, negative weights.

    Notes
    -----
    Arithmetic: :math:`S^{(d)}_i = \sum_{j \in d} w_{j|d} x'_{ij}`,
    :math:`S_i = \sum_d W_d S^{(d)}_i = \sum_j W_{d(j)} w_{j|d} x'_{ij}`.
    Geometric: products with the same exponents, so :math:`S_i = \prod_d (S^{(d)}_i)^{W_d}`.
    With global one-level weights :math:`w_j`, :math:`W_d = \sum_{j \in d} w_j` and
    :math:`w_{j|d} = w_j / W_d` reproduce the one-level arithmetic index exactly.

    References
    ----------
    OECD/JRC (2008), *Handbook on Constructing Composite Indicators*, sections 6.1–6.2
    (weights at each level of a theoretical framework).

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame({"a": [1.0, 0.0], "b": [0.0, 1.0], "c": [0.5, 0.5]})
    >>> r = hierarchical_index(X, {"D1": ["a", "b"], "D2": ["c"]},
    ...                        {"a": 0.5, "b": 0.5, "c": 1.0}, {"D1": 0.6, "D2": 0.4})
    >>> r.scores.tolist()
    [0.5, 0.5]

    D1 = 0.5·1 + 0.5·0 = 0.5, D2 = 0.5; S = 0.6·0.5 + 0.4·0.5 = 0.5.
    """
    if method not in AGGREGATIONS:
        raise InputError.at(
            "unknown aggregation", column="aggregation", value=method, expected=" / ".join(AGGREGATIONS)
        )
    if isinstance(X, np.ndarray):
        X = pd.DataFrame(X)
    X = check_panel(X, "normalised matrix")
    check_complete(X, "normalised matrix")
    dim_of: dict[Any, Any] = {}
    for d, inds in structure.items():
        if len(inds) == 0:
            raise InputError.at("dimension has no indicators", column=str(d))
        for j in inds:
            if j in dim_of:
                raise InputError.at(
                    "indicator belongs to two dimensions", column=str(j), value=[dim_of[j], d]
                )
            dim_of[j] = d
    cols = list(X.columns)
    if set(cols) != set(dim_of):
        raise InputError.at(
            "data columns and index-system indicators differ",
            column="structure",
            value={
                "not in system": [c for c in cols if c not in dim_of][:5],
                "not in data": [c for c in dim_of if c not in cols][:5],
            },
        )
    iw = pd.Series(_unwrap_weights(indicator_weights), dtype="float64")
    dw = pd.Series(_unwrap_weights(dimension_weights), dtype="float64")
    checks = (("indicator_weights", iw, list(dim_of)), ("dimension_weights", dw, list(structure)))
    for name, s, need in checks:
        miss = [k for k in need if k not in s.index]
        if miss:
            raise InputError.at(
                f"{name}: missing weight", column=str(miss[0]), expected="a weight for every item"
            )
        vals = s.reindex(need).to_numpy()
        if not np.isfinite(vals).all() or (vals < 0).any():
            raise InputError.at(f"{name} must be finite and non-negative", column=name, value=vals.tolist())
    dw = dw.reindex(list(structure))
    if dw.sum() <= 0:
        raise InputError.at("dimension weights sum to 0", column="dimension_weights")
    dw = dw / dw.sum()
    within = {}
    for d, inds in structure.items():
        s = iw.reindex(list(inds))
        if s.sum() <= 0:
            raise InputError.at("indicator weights of a dimension sum to 0", column=str(d))
        within.update((s / s.sum()).to_dict())
    A = X.to_numpy()
    groups = reference_groups(X, reference) if method == "topsis" else None
    if method == "geometric":
        _check_non_negative(X, A)
    dim_scores = {}
    for d, inds in structure.items():
        idx = [cols.index(j) for j in inds]
        wd = np.array([within[j] for j in inds])
        dim_scores[d] = _score(A[:, idx], wd, method, groups, X.index)
    glob = np.array([dw[dim_of[j]] * within[j] for j in cols])
    if method == "topsis":
        overall = _score(A, glob, method, groups, X.index)
    elif method == "geometric":
        D = np.column_stack([dim_scores[d] for d in structure])
        overall = geometric_scores(D, dw.to_numpy())
    else:
        overall = A @ glob
    ds = pd.DataFrame(dim_scores, index=X.index)
    ds.columns.name = "dimension"
    wtab = pd.DataFrame(
        {"dimension": [dim_of[j] for j in cols], "within": [within[j] for j in cols], "global": glob},
        index=pd.Index(cols, name="indicator"),
    )
    dw.index.name = "dimension"
    return HierarchicalIndexResult(
        scores=pd.Series(overall, index=X.index, name="score"),
        dimension_scores=ds,
        indicator_weights=wtab,
        dimension_weights=dw.rename("weight"),
        method=method,
        lineage=Lineage.make(
            "macro.hierarchical_index",
            {
                "method": method,
                "reference": reference,
                "structure": {str(k): list(map(str, v)) for k, v in structure.items()},
            },
        ),
    )


def _score(A: np.ndarray, w: np.ndarray, method: str, groups, index) -> np.ndarray:
    if method == "arithmetic":
        return arithmetic_scores(A, w)
    if method == "geometric":
        return geometric_scores(A, w)
    _, Dm, tot = topsis_distances(A, w, groups)
    return _closeness(Dm, tot, index, "no variation in its reference set")
