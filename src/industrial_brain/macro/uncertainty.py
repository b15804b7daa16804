"""Uncertainty and sensitivity analysis of composite-index ranks (Monte Carlo).

Each draw picks a normalisation, a weighting method and an aggregation rule, and perturbs the
dimension weights; the index is recomputed and regions are ranked within each year. The result
gives per region-year rank intervals (median, 5th and 95th percentile) and first-order sensitivity
indices of the ranks to each uncertain input, following the JRC/OECD handbook.

Written by hand: no maintained library runs composite-indicator Monte Carlo on panels (SALib
estimators need their own sampling designs; here the inputs are discrete choices plus weights,
and the given-data first-order estimator below needs no special design).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
import pandas as pd

from industrial_brain._shared.results import ResultMixin, readonly
from industrial_brain.errors import IndustrialBrainError, InputError, MethodError
from industrial_brain.lineage import Lineage
from industrial_brain.macro._common import (
    arithmetic_scores,
    check_complete,
    geometric_scores,
    reference_groups,
    topsis_distances,
    topsis_gaps,
)
from industrial_brain.macro.aggregate import AGGREGATIONS
from industrial_brain.macro.composite import index_weights, prepare_panel
from industrial_brain.macro.index_system import load_index_system
from industrial_brain.macro.normalisation import NORMALIZATIONS, normalize
from industrial_brain.macro.weights import WEIGHTINGS

__all__ = ["index_uncertainty", "RankUncertaintyResult", "first_order_indices"]


@dataclass(frozen=True)
class RankUncertaintyResult(ResultMixin):
    """Monte Carlo rank intervals and first-order sensitivity indices.

    Attributes
    ----------
    rank_stats : DataFrame
        Indexed by ``(region, year)``: ``nominal`` (rank under the baseline choices), ``median``,
        ``p05``, ``p95``, ``mean`` rank over the draws (1 = best within the year).
    sensitivity : DataFrame
        First-order indices :math:`S_i` of each region-year's rank (rows) to each input (columns:
        ``normalization``, ``weighting``, ``aggregation``, ``w:<dimension>``).
    sensitivity_overall : Series
        First-order indices of the average absolute rank shift :math:`\\bar R_S` per draw.
    draws : DataFrame
        The inputs of each draw (one row per draw).
    ranks : ndarray
        Draws × observations rank matrix (read-only).
    n_draws, seed : int
    notes : tuple of str
    lineage : Lineage
    """

    rank_stats: pd.DataFrame
    sensitivity: pd.DataFrame
    sensitivity_overall: pd.Series
    draws: pd.DataFrame
    ranks: np.ndarray
    n_draws: int
    seed: int | None
    notes: tuple[str, ...]
    lineage: Lineage

    title_en = "Composite index: rank uncertainty and sensitivity"
    title_zh = "综合指数排名的不确定性与敏感性分析"

    def _summary_items(self, lang: str = "en"):
        zh = lang == "zh"
        yield ("模拟次数" if zh else "draws", self.n_draws)
        yield ("随机种子" if zh else "seed", self.seed if self.seed is not None else "none")
        yield ("平均排名变动" if zh else "mean |rank shift|", float(self.draws["rank_shift"].mean()))
        for k, v in self.sensitivity_overall.items():
            yield (f"S[{k}]", float(v))
        for n in self.notes:
            yield ("说明" if zh else "note", n)

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """Per region-year rank statistics (:attr:`rank_stats`: median and the 5th/95th percentiles)."""
        return self.rank_stats


def first_order_indices(Y: np.ndarray, factor: np.ndarray, *, discrete: bool, bins: int = 10) -> np.ndarray:
    r"""Given-data first-order sensitivity indices :math:`S_i = V(E[Y|X_i]) / V(Y)`.

    Parameters
    ----------
    Y : ndarray (n_draws,) or (n_draws, k)
        Model outputs per draw (each column an output).
    factor : ndarray (n_draws,)
        The input's value per draw.
    discrete : bool
        Group by the input's levels; otherwise by ``bins`` equal-count bins of its values.
    bins : int

    Returns
    -------
    ndarray (k,)
        :math:`S_i` per output; 0 where the output does not vary (convention, not NaN).

    Notes
    -----
    :math:`\hat S_i = \sum_g \frac{n_g}{N} (\bar Y_g - \bar Y)^2 / \hat V(Y)` over the groups g
    (levels or bins) of :math:`X_i`. Binning biases :math:`\hat S_i` upwards by about
    (groups − 1)/N for an irrelevant input.

    References
    ----------
    Saltelli, A. et al. (2008). *Global Sensitivity Analysis: The Primer*. Wiley, ch. 4;
    Plischke, E., Borgonovo, E., Smith, C. L. (2013). Global sensitivity measures from given data.
    *European Journal of Operational Research* 226(3), 536–550.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([0, 0, 1, 1]); y = np.array([1.0, 1.0, 3.0, 3.0])
    >>> float(first_order_indices(y, x, discrete=True)[0])
    1.0
    """
    Y = np.asarray(Y, dtype="float64")
    if Y.ndim == 1:
        Y = Y[:, None]
    n = Y.shape[0]
    if discrete:
        _, g = np.unique(factor, return_inverse=True)
    else:
        order = np.argsort(factor, kind="stable")
        g = np.empty(n, dtype="int64")
        g[order] = (np.arange(n) * bins) // n
    G = int(g.max()) + 1
    counts = np.bincount(g, minlength=G).astype("float64")
    sums = np.stack([Y[g == k].sum(axis=0) for k in range(G)])
    means = sums / np.where(counts > 0, counts, 1.0)[:, None]
    mu = Y.mean(axis=0)
    between = (counts[:, None] * (means - mu) ** 2).sum(axis=0) / n
    var = Y.var(axis=0)
    out = np.zeros(Y.shape[1])
    ok = var > 1e-15
    out[ok] = np.clip(between[ok] / var[ok], 0.0, 1.0)
    return out


def _rank_within(scores: np.ndarray, groups: Sequence[np.ndarray]) -> np.ndarray:
    """Rank within each group, 1 = highest; ties get the average rank (vectorised over draws)."""
    from scipy.stats import rankdata

    S = np.atleast_2d(scores)
    R = np.empty_like(S)
    for g in groups:
        R[:, g] = rankdata(-S[:, g], axis=1, method="average")
    return R


def index_uncertainty(
    panel: pd.DataFrame,
    system: Any,
    *,
    n_draws: int = 1000,
    seed: int | None = 0,
    normalizations: Sequence[str] = ("minmax", "zscore", "log"),
    weightings: Sequence[str] = ("equal", "entropy", "critic"),
    aggregations: Sequence[str] = ("arithmetic", "geometric", "topsis"),
    weight_perturbation: float = 0.25,
    baseline: dict[str, str] | None = None,
    reference: str = "pooled",
    shift: float = 0.01,
    years: Any = None,
    bins: int = 10,
) -> RankUncertaintyResult:
    r"""Monte Carlo uncertainty and sensitivity analysis of composite-index ranks.

    Parameters
    ----------
    panel : DataFrame
        ``(region, year)`` × indicator panel (as for :func:`composite_index`).
    system : str, Path, mapping or IndexSystem
    n_draws : int, default 1000
    seed : int, optional
        Seed of ``numpy.random.default_rng``; fixed seed → identical result.
    normalizations, weightings, aggregations : sequences of str
        The alternatives sampled with equal probability. Geometric aggregation of z-scores is
        excluded (negative values); options that cannot be applied to these data (e.g. ``log`` with a
        non-positive value) are dropped and noted.
    weight_perturbation : float in [0, 1), default 0.25
        Each dimension weight is multiplied by an independent U(1 − δ, 1 + δ) factor, then all
        are rescaled to sum 1 (0 disables it).
    baseline : dict, optional
        The nominal choice ``{"normalization", "weighting", "aggregation"}``; default min–max, the
        system's weighting, arithmetic.
    reference : {"pooled", "by_year"}
    shift : float, default 0.01
        Min–max/log shift (keeps geometric scores positive; does not change arithmetic or TOPSIS ranks).
    years : optional
        Restrict to these years.
    bins : int, default 10
        Bins of the continuous inputs for the first-order indices.

    Returns
    -------
    RankUncertaintyResult

    Raises
    ------
    InputError
        Unknown options, ``n_draws`` < 10, bad perturbation.
    MethodError
        No applicable combination.

    Notes
    -----
    Ranks are within each year (1 = best). Output of interest per draw, besides each rank, is the
    average shift in rank with respect to the nominal ranking
    :math:`\bar R_S = \frac{1}{M}\sum_c |Rank_{ref}(c) - Rank(c)|`. First-order indices use the
    given-data estimator :func:`first_order_indices`. Because geometric × z-score is excluded, the
    normalisation and aggregation draws are not exactly independent; the indices then describe the
    sampled design, as in Saisana et al. (2005).

    References
    ----------
    OECD/JRC (2008). *Handbook on Constructing Composite Indicators*, section 7 "Uncertainty and
    sensitivity analysis", pp. 117–131. Saisana, M., Saltelli, A., Tarantola, S. (2005). Uncertainty
    and sensitivity analysis techniques as tools for the quality assessment of composite indicators.
    *Journal of the Royal Statistical Society A* 168(2), 307–323.

    Examples
    --------
    >>> import pandas as pd
    >>> idx = pd.MultiIndex.from_product([["A", "B", "C"], [2020]], names=["region", "year"])
    >>> panel = pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": [1.0, 2.0, 4.0]}, index=idx)
    >>> system = {"code": "toy", "follows": "synthetic", "dimensions": [
    ...     {"code": "D1", "indicators": [{"code": "x", "direction": "+"}]},
    ...     {"code": "D2", "indicators": [{"code": "y", "direction": "+"}]}]}
    >>> r = index_uncertainty(panel, system, n_draws=50, seed=1, weightings=("equal",))
    >>> r.rank_stats["median"].tolist()
    [3.0, 2.0, 1.0]

    C leads on both indicators, so it ranks first in every draw whatever the choices.
    """
    sysobj = load_index_system(system)
    for name, opts, allowed in (
        ("normalizations", normalizations, NORMALIZATIONS),
        ("weightings", weightings, WEIGHTINGS),
        ("aggregations", aggregations, AGGREGATIONS),
    ):
        if len(opts) == 0:
            raise InputError.at(f"{name} is empty", column=name, expected="at least one option")
        bad = [o for o in opts if o not in allowed or o == "target"]
        if bad:
            raise InputError.at(
                f"unknown option in {name}",
                column=name,
                value=bad,
                expected=" / ".join(a for a in allowed if a != "target"),
            )
    if not isinstance(n_draws, (int, np.integer)) or n_draws < 10:
        raise InputError.at("n_draws must be an integer >= 10", column="n_draws", value=n_draws)
    if not 0.0 <= float(weight_perturbation) < 1.0:
        raise InputError.at(
            "weight_perturbation must lie in [0, 1)", column="weight_perturbation", value=weight_perturbation
        )
    base = {"normalization": "minmax", "weighting": sysobj.weighting, "aggregation": "arithmetic"}
    base.update(baseline or {})
    P, notes = prepare_panel(panel, sysobj, years)
    notes = list(notes)
    if P.isna().any().any():
        check_complete(P)
    structure = sysobj.structure
    cols = list(P.columns)
    dims = list(structure)
    dim_cols = [np.array([cols.index(j) for j in structure[d]]) for d in dims]

    # precompute normalised matrices
    mats: dict[str, np.ndarray] = {}
    for nm in dict.fromkeys(list(normalizations) + [base["normalization"]]):
        try:
            r = normalize(
                P, sysobj.directions, nm, reference=reference, shift=shift if nm in ("minmax", "log") else 0.0
            )
            mats[nm] = r.X.to_numpy()
        except IndustrialBrainError as e:
            if nm == base["normalization"]:
                raise
            notes.append(f"normalisation '{nm}' dropped: {e}")
    # weights on the matrix composite_index weighs for the baseline (unshifted unless geometric), so
    # that the nominal ranks are those of the index the baseline names
    w_shift = shift if base["aggregation"] == "geometric" else 0.0
    Xw = normalize(P, sysobj.directions, "minmax", reference="pooled", shift=w_shift).X
    # precompute weights (within-dimension weights and dimension weights per method)
    wsets: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    scope = sysobj.weight_scope
    for wm in dict.fromkeys(list(weightings) + [base["weighting"]]):
        try:
            within, W, _, _ = index_weights(sysobj, Xw, P, wm, scope, None)
            wsets[wm] = (np.array([within[c] for c in cols]), W.reindex(dims).to_numpy())
        except IndustrialBrainError as e:
            if wm == base["weighting"]:
                raise
            notes.append(f"weighting '{wm}' dropped: {e}")
    norms = [n for n in normalizations if n in mats]
    wms = [w for w in weightings if w in wsets]
    combos = [(n, a) for n in norms for a in aggregations if not (n == "zscore" and a == "geometric")]
    if not combos or not wms:
        raise MethodError("no applicable combination of normalisation, weighting and aggregation")
    groups = reference_groups(P, "by_year")  # ranks are always within year
    tgroups = reference_groups(P, reference)
    # reusable pieces: logs for geometric means of positive matrices, squared distances for TOPSIS
    logs = {nm: np.log(A) for nm, A in mats.items() if (A > 0).all()}
    tq = {nm: topsis_gaps(A, tgroups) for nm, A in mats.items()} if "topsis" in aggregations else {}
    dim_of_col = np.array([dims.index(sysobj.dimension_of[c]) for c in cols])

    def run(nm: str, wm: str, ag: str, mult: np.ndarray) -> np.ndarray:
        A = mats[nm]
        within, W = wsets[wm]
        Wp = W * mult
        Wp = Wp / Wp.sum()
        if ag == "arithmetic":
            return arithmetic_scores(A, within * Wp[dim_of_col])
        if ag == "geometric":
            if nm in logs:
                return np.exp(sum(Wp[k] * (logs[nm][:, ix] @ within[ix]) for k, ix in enumerate(dim_cols)))
            D = np.column_stack([geometric_scores(A[:, ix], within[ix]) for ix in dim_cols])
            return geometric_scores(D, Wp)
        Dp, Dm, tot = topsis_distances(A, within * Wp[dim_of_col], Q=tq.get(nm) or topsis_gaps(A, tgroups))
        return np.where(tot > 0, Dm / np.where(tot > 0, tot, 1.0), 0.5)

    nominal_scores = run(base["normalization"], base["weighting"], base["aggregation"], np.ones(len(dims)))
    nominal = _rank_within(nominal_scores, groups)[0]
    rng = np.random.default_rng(seed)
    ci = rng.integers(0, len(combos), size=n_draws)
    wi = rng.integers(0, len(wms), size=n_draws)
    delta = float(weight_perturbation)
    mult = (
        rng.uniform(1.0 - delta, 1.0 + delta, size=(n_draws, len(dims)))
        if delta > 0
        else np.ones((n_draws, len(dims)))
    )
    S = np.empty((n_draws, len(P)))
    for k in range(n_draws):
        nm, ag = combos[ci[k]]
        S[k] = run(nm, wms[wi[k]], ag, mult[k])
    R = _rank_within(S, groups)
    shift_bar = np.abs(R - nominal).mean(axis=1)
    draws = pd.DataFrame(
        {
            "normalization": [combos[c][0] for c in ci],
            "weighting": [wms[w] for w in wi],
            "aggregation": [combos[c][1] for c in ci],
        }
    )
    for j, d in enumerate(dims):
        draws[f"w:{d}"] = mult[:, j]
    draws["rank_shift"] = shift_bar
    factors: dict[str, tuple[np.ndarray, bool]] = {
        "normalization": (draws["normalization"].to_numpy(), True),
        "weighting": (draws["weighting"].to_numpy(), True),
        "aggregation": (draws["aggregation"].to_numpy(), True),
    }
    if delta > 0:
        for j, d in enumerate(dims):
            factors[f"w:{d}"] = (mult[:, j], False)
    sens = {}
    overall = {}
    for name, (vals, disc) in factors.items():
        sens[name] = first_order_indices(R, vals, discrete=disc, bins=bins)
        overall[name] = float(first_order_indices(shift_bar, vals, discrete=disc, bins=bins)[0])
    idx = P.index
    stats = pd.DataFrame(
        {
            "nominal": nominal,
            "median": np.median(R, axis=0),
            "p05": np.percentile(R, 5, axis=0),
            "p95": np.percentile(R, 95, axis=0),
            "mean": R.mean(axis=0),
        },
        index=idx,
    )
    sens_df = pd.DataFrame(sens, index=idx)
    for obj in (stats, sens_df, draws):
        readonly(obj)
    lin = Lineage.make(
        "macro.index_uncertainty",
        {
            "system": sysobj.code,
            "n_draws": int(n_draws),
            "normalizations": norms,
            "weightings": wms,
            "aggregations": list(aggregations),
            "weight_perturbation": delta,
            "baseline": base,
            "reference": reference,
            "shift": shift,
            "bins": bins,
        },
        seed=seed,
    )
    return RankUncertaintyResult(
        rank_stats=stats,
        sensitivity=sens_df,
        sensitivity_overall=readonly(pd.Series(overall, name="S_i")),
        draws=draws,
        ranks=readonly(R),
        n_draws=int(n_draws),
        seed=seed,
        notes=tuple(notes),
        lineage=lin,
    )
