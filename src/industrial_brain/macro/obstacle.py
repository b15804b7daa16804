"""Obstacle degree model (障碍度模型): which indicators and dimensions hold a region back.

For observation ``i`` (a region-year), normalised indicator values ``x'_ij`` in [0, 1] (1 = best)
and indicator weights ``w_j``::

    F_j  = w_j                                   factor contribution (因子贡献度)
    I_ij = 1 − x'_ij                             indicator deviation (指标偏离度)
    O_ij = F_j I_ij / Σ_j F_j I_ij               obstacle degree (障碍度), Σ_j O_ij = 1
    U_id = Σ_{j ∈ d} O_ij                        obstacle degree of dimension d

An observation with every ``x'_ij = 1`` (no deviation at all) has ``0/0``; its obstacle degrees
are set to 0 and it is listed in ``notes``. No maintained Python library implements the model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from industrial_brain._shared.i18n import check_lang
from industrial_brain._shared.results import ResultMixin
from industrial_brain.errors import InputError
from industrial_brain.lineage import Lineage
from industrial_brain.macro._common import unit_matrix

__all__ = ["ObstacleResult", "obstacle_degree"]


@dataclass(frozen=True)
class ObstacleResult(ResultMixin):
    """Obstacle degrees per observation.

    Attributes
    ----------
    O : pandas.DataFrame
        Observations × indicators obstacle degrees (rows sum to 1, or 0 for no-deviation rows).
    I : pandas.DataFrame
        Indicator deviations ``1 − x'``.
    F : pandas.Series
        Factor contributions (the weights).
    dimensions : pandas.DataFrame or None
        Observations × dimensions obstacle degrees.
    top_k : int
    notes : tuple[str, ...]
    lineage : Lineage
    """

    O: pd.DataFrame  # noqa: E741
    I: pd.DataFrame  # noqa: E741
    F: pd.Series
    dimensions: pd.DataFrame | None
    top_k: int
    notes: tuple[str, ...] = ()
    lineage: Lineage = field(default_factory=lambda: Lineage.make("macro.obstacle_degree"))

    title_en = "Obstacle degree"
    title_zh = "障碍度"

    def top(self, k: int | None = None, level: str = "indicator") -> pd.DataFrame:
        """The ``k`` largest obstacles per observation (long frame: observation, rank, factor, O)."""
        k = self.top_k if k is None else int(k)
        M = self.O if level == "indicator" else self.dimensions
        if M is None:
            raise InputError.at("no dimensions were given", column="level", value=level)
        vals = M.to_numpy()
        order = np.argsort(-vals, axis=1, kind="stable")[:, :k]
        rows = []
        for r, obs in enumerate(M.index):
            for rank, c in enumerate(order[r], start=1):
                rows.append((obs, rank, M.columns[c], vals[r, c]))
        out = pd.DataFrame(rows, columns=["observation", "rank", level, "O"])
        return out.set_index(["observation", "rank"])

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """Top-k indicator obstacles per observation."""
        check_lang(lang)
        df = self.top()
        if lang == "zh":
            df.columns = ["指标", "障碍度"]
        return df

    def _summary_items(self, lang: str = "en") -> Iterable[tuple[str, Any]]:
        zh = lang == "zh"
        mean = self.O.mean().sort_values(ascending=False)
        items = [
            ("观测数" if zh else "observations", len(self.O)),
            (
                "平均障碍度最大的指标" if zh else "largest mean obstacle",
                f"{mean.index[0]} ({mean.iloc[0]:.4f})",
            ),
        ]
        return items + [("说明" if zh else "note", n) for n in self.notes]


def obstacle_degree(
    X: Any,
    weights: Any,
    dimensions: Mapping[str, str] | None = None,
    top_k: int = 3,
) -> ObstacleResult:
    """Obstacle degree of each indicator (and dimension) for each observation.

    Parameters
    ----------
    X : DataFrame or array_like, shape (obs, m)
        Normalised indicator values in [0, 1], larger = better (direction already applied).
    weights : array_like, Series or dict, shape (m,)
        Indicator weights ``w_j`` (non-negative, sum to 1; a Series/dict is matched to columns).
    dimensions : mapping indicator → dimension, optional
        Assigns indicators to dimensions for the dimension-level obstacle degrees.
    top_k : int, default 3

    Returns
    -------
    ObstacleResult

    Raises
    ------
    InputError
        Missing values, values outside [0, 1], bad weights, unmapped indicators.

    Notes
    -----
    ``O_ij = w_j (1 − x'_ij) / Σ_j w_j (1 − x'_ij)``; ``U_id = Σ_{j∈d} O_ij``.

    References
    ----------
    The three-step model (因子贡献度 F_j, 指标偏离度 I_ij, 障碍度 O_ij) is used throughout the Chinese
    regional-development literature without one canonical source; the formulas above are the
    common form. (Reference to be pinned to a specific paper and page by the maintainers —
    not invented here.)

    Examples
    --------
    x' = (0.2, 0.6), w = (0.5, 0.5): deviations (0.8, 0.4), weighted (0.4, 0.2), total 0.6,
    O = (0.4/0.6, 0.2/0.6) = (2/3, 1/3):

    >>> r = obstacle_degree([[0.2, 0.6]], [0.5, 0.5])
    >>> [round(v, 4) for v in r.O.iloc[0]]
    [0.6667, 0.3333]
    """
    Xv, index, names = unit_matrix(X, what="X", min_cols=1)
    m = Xv.shape[1]
    if isinstance(weights, Mapping):
        weights = pd.Series(weights)
    if isinstance(weights, pd.Series):
        missing = [c for c in names if c not in weights.index]
        if missing:
            raise InputError.at("weights do not name every indicator", column="weights", value=missing[:3])
        w = weights.reindex(names).to_numpy(dtype=float)
    else:
        w = np.asarray(weights, dtype=float).ravel()
    if w.shape != (m,) or not np.all(np.isfinite(w)) or (w < 0).any() or abs(w.sum() - 1) > 1e-6:
        raise InputError.at(
            "indicator weights must be m non-negative numbers summing to 1",
            column="weights",
            value=w.tolist()[:5],
            expected=f"{m} weights, Σ = 1",
        )
    if not isinstance(top_k, (int, np.integer)) or top_k < 1:
        raise InputError.at("top_k must be a positive integer", column="top_k", value=top_k)
    I = 1.0 - Xv  # noqa: E741
    FI = I * w
    tot = FI.sum(axis=1)
    zero = tot <= 0
    O = FI / np.where(zero, 1.0, tot)[:, None]  # noqa: E741
    O[zero] = 0.0
    notes = []
    if zero.any():
        notes.append(
            f"{int(zero.sum())} observation(s) at the best value of every weighted indicator: "
            f"obstacle degrees set to 0 (first: {index[np.argmax(zero)]!s})"
        )
    Odf = pd.DataFrame(O, index=index, columns=names)
    dims = None
    if dimensions is not None:
        unmapped = [c for c in names if c not in dimensions]
        if unmapped:
            raise InputError.at("indicator without a dimension", column="dimensions", value=unmapped[:3])
        dims = Odf.T.groupby(pd.Index([dimensions[c] for c in names], name="dimension"), sort=False).sum().T
    return ObstacleResult(
        O=Odf,
        I=pd.DataFrame(I, index=index, columns=names),
        F=pd.Series(w, index=names, name="F"),
        dimensions=dims,
        top_k=int(top_k),
        notes=tuple(notes),
        lineage=Lineage.make("macro.obstacle_degree", {"indicators": list(names), "top_k": int(top_k)}),
    )
