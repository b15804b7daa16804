"""Theil indices (Theil T and Theil L / mean log deviation) with the between/within-group
decomposition, and the coefficient of variation.

For values ``y_i`` (``i = 1 … n``) with mean ``μ`` and groups ``g`` of size ``n_g``, mean ``μ_g``,
population share ``p_g = n_g / n`` and value share ``s_g = n_g μ_g / (n μ)``::

    T   = (1/n) Σ_i (y_i/μ) ln(y_i/μ)            (0 ln 0 = 0)
    T_b = Σ_g s_g ln(μ_g / μ),       T_w = Σ_g s_g T_g,        T = T_b + T_w
    L   = (1/n) Σ_i ln(μ / y_i)                   (needs y_i > 0)
    L_b = Σ_g p_g ln(μ / μ_g),       L_w = Σ_g p_g L_g,        L = L_b + L_w
    CV  = σ / μ                                   (σ with ``ddof`` degrees of freedom)

PySAL's ``inequality.theil.TheilD`` decomposes Theil T (it replaces zeros by the smallest float;
we use the limit 0 ln 0 = 0) but has no Theil L and returns bare attributes; this module returns
labelled results and is cross-checked against it in the tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

import numpy as np
import pandas as pd

from industrial_brain._shared.i18n import check_lang
from industrial_brain._shared.results import ResultMixin
from industrial_brain.errors import InputError, MethodError
from industrial_brain.lineage import Lineage
from industrial_brain.macro._common import group_labels, value_vector
from industrial_brain.macro.gini_decomposition import nbs_region4

__all__ = ["TheilResult", "theil", "theil_t", "theil_l", "coefficient_of_variation"]


def _groups(groups: Any, index: pd.Index, values: Any) -> np.ndarray | None:
    """Group labels of the values: none, the NBS four regions (``"nbs"``) or :func:`group_labels`."""
    if groups is None:
        return None
    if isinstance(groups, str) and groups == "nbs":
        return nbs_region4(index)
    return group_labels(groups, values, index)


def _t(y: np.ndarray) -> float:
    r = y / y.mean()
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(r > 0, r * np.log(np.where(r > 0, r, 1.0)), 0.0)
    return float(term.mean())


def _l(y: np.ndarray) -> float:
    return float(np.mean(np.log(y.mean() / y)))


@dataclass(frozen=True)
class TheilResult(ResultMixin):
    """A Theil index and its decomposition.

    Attributes
    ----------
    kind : str
        ``"T"`` (Theil T, GE(1)) or ``"L"`` (Theil L, mean log deviation, GE(0)).
    total, between, within : float
        The index and its parts (``total = between + within``); ``between``/``within`` are
        ``nan``-free zeros when no groups were given.
    by_group : pandas.DataFrame
        Per group: ``n``, ``mean``, ``p`` (population share), ``s`` (value share), the group's own
        index, and its contribution to ``within``.
    lineage : Lineage
    """

    kind: str
    total: float
    between: float
    within: float
    by_group: pd.DataFrame
    lineage: Lineage = field(default_factory=lambda: Lineage.make("macro.theil"))

    title_en = "Theil index decomposition"
    title_zh = "泰尔指数分解"

    @property
    def between_share(self) -> float:
        """Share of the index due to differences between groups, ``between / total`` (0 when total is 0)."""
        return self.between / self.total if self.total > 0 else 0.0

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """Rows total / between / within with value and share."""
        check_lang(lang)
        tot = self.total
        share = [1.0, self.between / tot if tot > 0 else 0.0, self.within / tot if tot > 0 else 0.0]
        df = pd.DataFrame(
            {"value": [tot, self.between, self.within], "share": share},
            index=pd.Index([self.kind, f"{self.kind}_b", f"{self.kind}_w"], name="component"),
        )
        if lang == "zh":
            df.columns = ["数值", "贡献率"]
        return df

    def _summary_items(self, lang: str = "en") -> Iterable[tuple[str, Any]]:
        zh = lang == "zh"
        return [
            ("指数" if zh else "index", "Theil " + self.kind),
            ("组数" if zh else "groups", len(self.by_group)),
        ]


def theil(values: Any, groups: Any = None, kind: str = "T") -> TheilResult:
    """Theil T or L index with its between/within-group decomposition.

    Parameters
    ----------
    values : array_like or Series, shape (n,)
        Non-negative values (``kind="L"``: strictly positive).
    groups : array_like, Series or 'nbs', optional
        Group label per value; ``'nbs'`` maps GB/T 2260 codes in the Series index to the NBS
        four regions. Without groups the decomposition has one group (between = 0).
    kind : {'T', 'L'}

    Returns
    -------
    TheilResult

    Raises
    ------
    InputError
        Missing or negative values, bad groups or kind.
    MethodError
        ``kind="L"`` with a zero value (ln 0).

    Notes
    -----
    ``T = (1/n) Σ (y/μ) ln(y/μ)``, ``T_b = Σ_g s_g ln(μ_g/μ)``, ``T_w = Σ_g s_g T_g``;
    ``L = (1/n) Σ ln(μ/y)``, ``L_b = Σ_g p_g ln(μ/μ_g)``, ``L_w = Σ_g p_g L_g``.

    References
    ----------
    Theil, H. (1967). *Economics and Information Theory*. North-Holland, ch. 4.
    Shorrocks, A. F. (1980). The class of additively decomposable inequality measures.
    *Econometrica* 48(3), 613–625.

    Examples
    --------
    y = (1, 3): μ = 2, T = ½[(½) ln ½ + (3/2) ln(3/2)] = ½(−0.34657 + 0.60820) = 0.1308

    >>> round(theil([1, 3]).total, 4)
    0.1308
    """
    if kind not in ("T", "L"):
        raise InputError.at("unknown Theil index", column="kind", value=kind, expected="'T' or 'L'")
    y, index = value_vector(values)
    if kind == "L" and (y <= 0).any():
        raise MethodError(
            "Theil L (mean log deviation) needs strictly positive values; "
            f"found a zero at {index[int(np.argmax(y <= 0))]!s} — use kind='T'"
        )
    g = _groups(groups, index, values)
    if g is None:
        g = np.array(["all"] * y.size)
    f = _t if kind == "T" else _l
    total = f(y)
    mu, n = y.mean(), y.size
    rows = []
    between = within = 0.0
    for lab in np.unique(g):
        yg = y[g == lab]
        pg, mg = yg.size / n, yg.mean()
        sg = yg.size * mg / (n * mu)
        ig = f(yg) if mg > 0 else 0.0
        if kind == "T":
            b = sg * np.log(mg / mu) if mg > 0 else 0.0
            wc = sg * ig
        else:
            b = pg * np.log(mu / mg)
            wc = pg * ig
        between += b
        within += wc
        rows.append((lab, yg.size, mg, pg, sg, ig, wc))
    by_group = pd.DataFrame(rows, columns=["group", "n", "mean", "p", "s", kind, "within_part"])
    by_group = by_group.set_index("group")
    return TheilResult(
        kind=kind,
        total=total,
        between=float(between),
        within=float(within),
        by_group=by_group,
        lineage=Lineage.make("macro.theil", {"kind": kind, "n": int(n), "groups": int(len(by_group))}),
    )


def theil_t(values: Any, groups: Any = None) -> TheilResult:
    """Theil T index (GE(1)) with decomposition; see :func:`theil`.

    Examples
    --------
    >>> round(theil_t([1, 3]).total, 4)
    0.1308
    """
    return theil(values, groups, kind="T")


def theil_l(values: Any, groups: Any = None) -> TheilResult:
    """Theil L index (mean log deviation, GE(0)) with decomposition; see :func:`theil`.

    Examples
    --------
    y = (1, 3): L = ½[ln(2/1) + ln(2/3)] = ½(0.69315 − 0.40547) = 0.1438

    >>> round(theil_l([1, 3]).total, 4)
    0.1438
    """
    return theil(values, groups, kind="L")


def coefficient_of_variation(values: Any, ddof: int = 0) -> float:
    """Coefficient of variation ``CV = σ / μ``.

    Parameters
    ----------
    values : array_like or Series
        Non-negative values with a positive mean.
    ddof : int, default 0
        Delta degrees of freedom of σ (0: population, 1: sample).

    Returns
    -------
    float

    References
    ----------
    Barro, R. J. & Sala-i-Martin, X. (2004). *Economic Growth*, 2nd ed., MIT Press, §11.1 (σ-convergence).

    Examples
    --------
    (1, 3): μ = 2, σ = 1, CV = 0.5

    >>> coefficient_of_variation([1, 3])
    0.5
    """
    y, _ = value_vector(values)
    return float(y.std(ddof=ddof) / y.mean())
