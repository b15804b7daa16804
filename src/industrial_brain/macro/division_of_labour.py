"""Regional division-of-labour index (地区分工指数) of Fan Fuzhuo (樊福卓 2007).

For regions i and sectors k with activity ``x_ik``, ``x_i = Σ_k x_ik``, ``x_k = Σ_i x_ik`` and
``x = Σ_ik x_ik``, region i's specialisation coefficient (地区专业化系数) compares its structure with
the national one (region i included)::

    FI_i = ½ Σ_k |x_ik / x_i − x_k / x|

and the division-of-labour index of the whole set of regions is their size-weighted mean::

    FI = Σ_i (x_i / x) FI_i = ½ Σ_i Σ_k |x_ik / x − (x_i / x)(x_k / x)|

FI is 0 when every region has the national structure (no division of labour) and tends to 1 when
each region holds sectors no other holds. The double sum splits FI by sector as well as by region:
``FI = Σ_k FI_k`` with ``FI_k = ½ Σ_i |x_ik / x − x_i x_k / x²|`` (sector k's contribution). Unlike
the mean of the Krugman indices it weights regions by size, so a small region's extreme structure
does not dominate the national measure.

Hand-written (a double sum): no maintained library computes it.

References
----------
樊福卓 (2007), 地区专业化的度量, 《经济研究》 2007(9): 71–83 (the 地区分工指数 FI and its
decomposition). Krugman (1991), *Geography and Trade*, appendix D (the dissimilarity it rests on).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

import numpy as np
import pandas as pd

from industrial_brain._shared.i18n import check_lang
from industrial_brain._shared.results import ResultMixin, readonly
from industrial_brain.lineage import Lineage
from industrial_brain.macro._common import nonneg_matrix, share_matrix, structure_notes

__all__ = ["DivisionOfLabourResult", "division_of_labour_index"]


@dataclass(frozen=True)
class DivisionOfLabourResult(ResultMixin):
    """Regional division-of-labour index and its parts.

    Attributes
    ----------
    FI : float
        The division-of-labour index of the set of regions, in [0, 1).
    FI_i : pandas.Series
        Each region's specialisation coefficient against the national structure.
    weight : pandas.Series
        Each region's share of the total, ``x_i / x``.
    FI_k : pandas.Series
        Each sector's contribution (``Σ_k FI_k = FI``).
    notes : tuple of str
    lineage : Lineage
    """

    FI: float
    FI_i: pd.Series
    weight: pd.Series
    FI_k: pd.Series
    notes: tuple[str, ...] = ()
    lineage: Lineage = field(default_factory=lambda: Lineage.make("macro.division_of_labour_index"))

    title_en = "Regional division-of-labour index"
    title_zh = "地区分工指数"

    def __post_init__(self) -> None:
        for a in (self.FI_i, self.weight, self.FI_k):
            readonly(a)

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """By region: ``FI_i``, ``weight`` and ``contribution`` (``weight · FI_i``, summing to FI),
        most specialised first."""
        check_lang(lang)
        f = pd.DataFrame({"FI_i": self.FI_i, "weight": self.weight, "contribution": self.FI_i * self.weight})
        f.index.name = "region"
        f = f.sort_values("FI_i", ascending=False)
        if lang == "zh":
            f = f.rename(columns={"FI_i": "地区专业化系数", "weight": "规模权重", "contribution": "贡献"})
            f = f.rename_axis("地区")
        return f

    def _summary_items(self, lang: str = "en") -> Iterable[tuple[str, Any]]:
        zh = lang == "zh"
        return [
            ("地区分工指数FI" if zh else "division-of-labour index FI", self.FI),
            ("地区数" if zh else "regions", len(self.FI_i)),
            ("部门数" if zh else "sectors", len(self.FI_k)),
            ("最专业化地区" if zh else "most specialised", f"{self.FI_i.idxmax()} ({self.FI_i.max():.4f})"),
            (
                "贡献最大的部门" if zh else "largest sector part",
                f"{self.FI_k.idxmax()} ({self.FI_k.max():.4f})",
            ),
        ] + [("说明" if zh else "note", n) for n in self.notes]


def division_of_labour_index(X: Any) -> DivisionOfLabourResult:
    """Division-of-labour index ``FI = ½ Σ_i Σ_k |x_ik/x − (x_i/x)(x_k/x)|`` (樊福卓 2007).

    Parameters
    ----------
    X : DataFrame or array_like, shape (regions, sectors)
        Non-negative activity by sector (output, value added, employment).

    Returns
    -------
    DivisionOfLabourResult

    Raises
    ------
    InputError
        Missing or negative cells, a region with total 0, fewer than two regions or sectors.

    Notes
    -----
    ``FI_i = ½ Σ_k |s_ik − s_k|`` with ``s_k = x_k / x``; ``FI = Σ_i (x_i/x) FI_i = Σ_k FI_k``.

    References
    ----------
    樊福卓 (2007), 地区专业化的度量, 《经济研究》 2007(9): 71–83.

    Examples
    --------
    Three regions of 100 each, A = (50, 30, 20), B = (40, 40, 20), C = (10, 20, 70): the national
    structure is (100, 90, 110)/300 = (.3333, .3, .3667). FI_A = ½(.1667 + 0 + .1667) = 0.1667,
    FI_B = ½(.0667 + .1 + .1667) = 0.1667, FI_C = ½(.2333 + .1 + .3333) = 0.3333, FI = 0.2222:

    >>> r = division_of_labour_index([[50, 30, 20], [40, 40, 20], [10, 20, 70]])
    >>> r.FI_i.round(4).tolist(), round(r.FI, 4)
    ([0.1667, 0.1667, 0.3333], 0.2222)
    >>> round(float(r.FI_k.sum()), 4)
    0.2222
    """
    df = nonneg_matrix(X, "X")
    sh = share_matrix(df, "X")
    idx = sh.index.astype(str)
    A = df.to_numpy()
    x = A.sum()
    xi = A.sum(axis=1)
    xk = A.sum(axis=0)
    dev = np.abs(A / x - np.outer(xi, xk) / x**2)
    FI_k = 0.5 * dev.sum(axis=0)
    FI_i = 0.5 * np.abs(sh.to_numpy() - xk / x).sum(axis=1)
    return DivisionOfLabourResult(
        FI=float(FI_k.sum()),
        FI_i=pd.Series(FI_i, index=idx, name="FI_i"),
        weight=pd.Series(xi / x, index=idx, name="weight"),
        FI_k=pd.Series(FI_k, index=df.columns.astype(str), name="FI_k"),
        notes=structure_notes(df),
        lineage=Lineage.make("macro.division_of_labour_index", {"sectors": int(A.shape[1])}),
    )
