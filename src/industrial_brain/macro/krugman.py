"""Krugman specialisation index (克鲁格曼专业化指数) and bilateral Krugman dissimilarity.

With ``s_ik = x_ik / Σ_k x_ik`` the share of sector k in region i::

    K_i  = Σ_k |s_ik − s̄_k(−i)|,   s̄_k(−i) = Σ_{j≠i} x_jk / Σ_{j≠i} Σ_k x_jk
    K_ij = Σ_k |s_ik − s_jk|

``K_i`` compares a region with the rest of the country (the other regions pooled, the region itself
left out so that a large region is not compared with itself); ``K_ij`` compares two regions. Both lie
in [0, 2]: 0 for identical structures, 2 when the regions share no sector. A falling ``K_i`` over
time is convergence of structures (less division of labour); in Chinese studies the index is read
as the degree of regional specialisation (地区专业化) and its complement as structural convergence.

A few lines of numpy: no maintained Python library computes these indices.

References
----------
Krugman, P. (1991), *Geography and Trade*, MIT Press, ch. 3 and appendix D (the bilateral index).
Midelfart-Knarvik, K. H., Overman, H. G., Redding, S. J. & Venables, A. J. (2000), *The location
of European industry*, European Commission, Economic Papers 142, §3 (K_i against the rest of the EU).
范剑勇 (2004), 市场一体化、地区专业化与产业集聚趋势——兼谈对地区差距的影响, 《中国社会科学》
2004(6): 39–51 (the index on Chinese provinces).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

import numpy as np
import pandas as pd

from industrial_brain._shared.i18n import check_lang
from industrial_brain._shared.results import ResultMixin, readonly
from industrial_brain.lineage import Lineage
from industrial_brain.macro._common import nonneg_matrix, pair_table, share_matrix, structure_notes

__all__ = ["KrugmanResult", "krugman_index"]


@dataclass(frozen=True)
class KrugmanResult(ResultMixin):
    """Krugman indices of regions.

    Attributes
    ----------
    K : pandas.Series
        ``K_i`` of each region against the rest of the country (the other regions pooled).
    K_ij : pandas.DataFrame
        Regions × regions bilateral dissimilarity (symmetric, 0 on the diagonal).
    shares : pandas.DataFrame
        Regions × sectors shares ``s_ik``.
    notes : tuple of str
    lineage : Lineage
    """

    K: pd.Series
    K_ij: pd.DataFrame
    shares: pd.DataFrame
    notes: tuple[str, ...] = ()
    lineage: Lineage = field(default_factory=lambda: Lineage.make("macro.krugman_index"))

    title_en = "Krugman specialisation index"
    title_zh = "克鲁格曼专业化指数"

    def __post_init__(self) -> None:
        readonly(self.K)
        readonly(self.K_ij)
        readonly(self.shares)

    @property
    def pairs(self) -> pd.DataFrame:
        """Every pair i < j with ``K_ij``, least dissimilar first."""
        return pair_table(self.K_ij, "K_ij", descending=False)

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """By region: ``K`` (against the rest) and ``mean_K_ij`` (mean bilateral index), most
        specialised first."""
        check_lang(lang)
        A = self.K_ij.to_numpy()
        n = A.shape[0]
        f = pd.DataFrame({"K": self.K, "mean_K_ij": A.sum(axis=1) / (n - 1)}, index=self.K.index)
        f.index.name = "region"
        f = f.sort_values("K", ascending=False)
        if lang == "zh":
            f = f.rename(columns={"K": "专业化指数K", "mean_K_ij": "平均双边指数"}).rename_axis("地区")
        return f

    def _summary_items(self, lang: str = "en") -> Iterable[tuple[str, Any]]:
        zh = lang == "zh"
        p = self.pairs
        return [
            ("地区数" if zh else "regions", len(self.K)),
            ("部门数" if zh else "sectors", self.shares.shape[1]),
            ("平均专业化指数" if zh else "mean K", float(self.K.mean())),
            ("最专业化地区" if zh else "most specialised", f"{self.K.idxmax()} ({self.K.max():.4f})"),
            ("最不专业化地区" if zh else "least specialised", f"{self.K.idxmin()} ({self.K.min():.4f})"),
            (
                "结构最接近的地区对" if zh else "closest pair",
                f"{p.iloc[0].region_i}–{p.iloc[0].region_j} ({p.iloc[0].K_ij:.4f})",
            ),
        ] + [("说明" if zh else "note", n) for n in self.notes]


def krugman_index(X: Any) -> KrugmanResult:
    """Krugman specialisation ``K_i = Σ_k |s_ik − s̄_k(−i)|`` and dissimilarity ``K_ij = Σ_k |s_ik − s_jk|``.

    Parameters
    ----------
    X : DataFrame or array_like, shape (regions, sectors)
        Non-negative activity by sector (output, value added, employment), at least three regions
        would make ``K_i`` meaningful but two are accepted.

    Returns
    -------
    KrugmanResult

    Raises
    ------
    InputError
        Missing or negative cells, a region with total 0, fewer than two regions or sectors.

    Notes
    -----
    ``s̄_k(−i) = (X_k − x_ik) / (X − x_i)`` with ``X_k`` the column totals and ``X`` the grand total.

    References
    ----------
    Krugman (1991), *Geography and Trade*; Midelfart-Knarvik et al. (2000); 范剑勇 (2004).

    Examples
    --------
    Three regions, three sectors: A = (50, 30, 20), B = (40, 40, 20), C = (10, 20, 70). The rest of
    the country for A is B + C = (50, 60, 90)/200 = (.25, .30, .45); K_A = .25 + 0 + .25 = 0.5;
    for B the rest is (60, 50, 90)/200 and K_B = .1 + .15 + .25 = 0.5. K_AB = .1 + .1 + 0 = 0.2:

    >>> r = krugman_index([[50, 30, 20], [40, 40, 20], [10, 20, 70]])
    >>> r.K.round(4).tolist()
    [0.5, 0.5, 1.0]
    >>> r.K_ij.round(4).to_numpy().tolist()
    [[0.0, 0.2, 1.0], [0.2, 0.0, 1.0], [1.0, 1.0, 0.0]]
    """
    df = nonneg_matrix(X, "X")
    sh = share_matrix(df, "X")
    idx = sh.index.astype(str)
    A = df.to_numpy()
    s = sh.to_numpy()
    rest = A.sum(axis=0)[None, :] - A
    rest_tot = rest.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        rest_sh = np.where(rest_tot > 0, rest / rest_tot, 0.0)
    K = np.abs(s - rest_sh).sum(axis=1)
    Kij = np.abs(s[:, None, :] - s[None, :, :]).sum(axis=2)
    sh.index = idx
    return KrugmanResult(
        K=pd.Series(K, index=idx, name="K"),
        K_ij=pd.DataFrame(Kij, index=idx, columns=idx),
        shares=sh,
        notes=structure_notes(sh)
        + (
            ("two regions: each one's rest of the country is the other, so K_i = K_ij",)
            if len(idx) == 2
            else ()
        ),
        lineage=Lineage.make("macro.krugman_index", {"sectors": sh.shape[1]}),
    )
