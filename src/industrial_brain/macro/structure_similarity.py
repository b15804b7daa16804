"""Industrial-structure similarity coefficient (产业结构相似系数) between regions, and its time path.

For regions i and j with sector shares ``x_ik`` (the share of sector k in region i's output, value
added or employment; ``Σ_k x_ik = 1``)::

    S_ij = Σ_k x_ik x_jk / sqrt(Σ_k x_ik² · Σ_k x_jk²)

the cosine of the two share vectors (UNIDO 1979): 1 when the structures are identical, 0 when the
regions share no sector. Values near 1 between many pairs of regions are read in the Chinese
literature as "industrial isomorphism" (产业同构) — regions duplicating each other's structure rather
than dividing labour (the homogeneous competition the seeds speak of). A pair at or above
``threshold`` (default 0.9, a common cut-off in that literature) is listed as a near-duplicate.

:func:`similarity_coefficient` computes one matrix; :func:`similarity_panel` one per year and the
path of the mean coefficient, of the number of near-duplicate pairs and of each such pair.

The coefficient is a few lines of numpy (no maintained library ships it under this definition:
``scipy.spatial.distance.cosine`` gives ``1 − S_ij`` for one pair and is used in the tests as the
peer).

References
----------
UNIDO (1979), *World Industry since 1960: Progress and Prospects*, United Nations, New York
(the structural similarity coefficient). 陈耀 (1998), 产业结构趋同的度量及合意与非合意性, 《中国
工业经济》 1998(4): 37–43 (its use for Chinese provinces and the 0.9 reading).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from industrial_brain._shared.i18n import check_lang
from industrial_brain._shared.results import ResultMixin, readonly
from industrial_brain.errors import InputError
from industrial_brain.lineage import Lineage
from industrial_brain.macro._common import as_number, pair_table, share_matrix, structure_notes

__all__ = [
    "SimilarityPanelResult",
    "StructureSimilarityResult",
    "similarity_coefficient",
    "similarity_panel",
]

_PAIR_ZH = {"region_i": "地区i", "region_j": "地区j", "S": "结构相似系数S", "near_duplicate": "近似重复"}


def _check_threshold(threshold: Any) -> float:
    t = as_number(threshold, "threshold")
    if not 0.0 < t <= 1.0:
        raise InputError.at("threshold must lie in (0, 1]", column="threshold", value=threshold)
    return t


@dataclass(frozen=True)
class StructureSimilarityResult(ResultMixin):
    """Structure similarity coefficients of every pair of regions.

    Attributes
    ----------
    S : pandas.DataFrame
        Regions × regions, symmetric, 1 on the diagonal.
    shares : pandas.DataFrame
        Regions × sectors shares the coefficients were computed from (rows sum to 1).
    threshold : float
        Pairs with ``S_ij >= threshold`` are near-duplicates.
    notes : tuple of str
        What the data or the caller want a reader to know (empty sectors, provinces left out …).
    lineage : Lineage
    """

    S: pd.DataFrame
    shares: pd.DataFrame
    threshold: float
    notes: tuple[str, ...] = ()
    lineage: Lineage = field(default_factory=lambda: Lineage.make("macro.similarity_coefficient"))

    title_en = "Industrial-structure similarity coefficient"
    title_zh = "产业结构相似系数"

    def __post_init__(self) -> None:
        readonly(self.S)
        readonly(self.shares)

    @property
    def pairs(self) -> pd.DataFrame:
        """Every pair i < j: ``region_i``, ``region_j``, ``S``, most similar first."""
        return pair_table(self.S, "S", descending=True)

    @property
    def near_duplicates(self) -> pd.DataFrame:
        """The pairs with ``S >= threshold``, most similar first."""
        p = self.pairs
        return p[p["S"] >= self.threshold].reset_index(drop=True)

    @property
    def mean(self) -> float:
        """Mean coefficient over the n(n − 1)/2 pairs."""
        return float(self.pairs["S"].mean())

    @property
    def by_region(self) -> pd.Series:
        """Each region's mean coefficient with the other regions (how typical its structure is)."""
        A = self.S.to_numpy()
        n = A.shape[0]
        return pd.Series((A.sum(axis=1) - 1.0) / (n - 1), index=self.S.index, name="mean_S")

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """Every pair with its coefficient and whether it is a near-duplicate, most similar first."""
        check_lang(lang)
        f = self.pairs.assign(near_duplicate=lambda d: d["S"] >= self.threshold)
        return f.rename(columns=_PAIR_ZH) if lang == "zh" else f

    def _summary_items(self, lang: str = "en") -> Iterable[tuple[str, Any]]:
        zh = lang == "zh"
        p = self.pairs
        top = p.iloc[0]
        return [
            ("地区数" if zh else "regions", self.S.shape[0]),
            ("部门数" if zh else "sectors", self.shares.shape[1]),
            ("平均相似系数" if zh else "mean S", self.mean),
            ("相似系数中位数" if zh else "median S", float(p["S"].median())),
            (
                f"S≥{self.threshold:g} 的地区对" if zh else f"pairs with S >= {self.threshold:g}",
                f"{int((p['S'] >= self.threshold).sum())} / {len(p)}",
            ),
            ("最相似地区对" if zh else "most similar pair", f"{top.region_i}–{top.region_j} ({top.S:.4f})"),
        ] + [("说明" if zh else "note", n) for n in self.notes]


def similarity_coefficient(X: Any, threshold: float = 0.9) -> StructureSimilarityResult:
    """Structure similarity coefficient ``S_ij = Σ_k x_ik x_jk / sqrt(Σ_k x_ik² Σ_k x_jk²)``.

    Parameters
    ----------
    X : DataFrame or array_like, shape (regions, sectors)
        Non-negative activity by sector (output, value added, employment); turned into row shares
        (the coefficient is the same on levels or on shares, being scale-free per row).
    threshold : float in (0, 1], default 0.9
        Pairs at or above it are near-duplicates.

    Returns
    -------
    StructureSimilarityResult

    Raises
    ------
    InputError
        Missing or negative cells, a region with total 0, fewer than two regions or sectors, a
        threshold outside (0, 1].

    Notes
    -----
    With ``x̂_i = x_i / ‖x_i‖₂`` the unit share vectors, ``S = X̂ X̂ᵀ``.

    References
    ----------
    UNIDO (1979), *World Industry since 1960: Progress and Prospects*; see the module docstring.

    Examples
    --------
    Three regions, three sectors (shares): A = (.5, .3, .2), B = (.4, .4, .2), C = (.1, .2, .7).
    S_AB = (.20 + .12 + .04) / sqrt(.38 · .36) = .36 / .369865 = 0.9733:

    >>> r = similarity_coefficient([[5, 3, 2], [4, 4, 2], [1, 2, 7]])
    >>> r.S.round(4).to_numpy().tolist()
    [[1.0, 0.9733, 0.5519], [0.9733, 1.0, 0.5897], [0.5519, 0.5897, 1.0]]
    >>> r.near_duplicates[["region_i", "region_j"]].to_numpy().tolist()
    [['0', '1']]
    """
    t = _check_threshold(threshold)
    sh = share_matrix(X, "X")
    A = sh.to_numpy()
    U = A / np.linalg.norm(A, axis=1, keepdims=True)
    S = np.clip(U @ U.T, 0.0, 1.0)
    np.fill_diagonal(S, 1.0)
    idx = sh.index.astype(str)
    sh.index = idx
    return StructureSimilarityResult(
        S=pd.DataFrame(S, index=idx, columns=idx),
        shares=sh,
        threshold=t,
        notes=structure_notes(sh),
        lineage=Lineage.make("macro.similarity_coefficient", {"threshold": t, "sectors": sh.shape[1]}),
    )


@dataclass(frozen=True)
class SimilarityPanelResult(ResultMixin):
    """Structure similarity by year.

    Attributes
    ----------
    by_year : Mapping[int, StructureSimilarityResult]
    trend : pandas.DataFrame
        By year: ``mean_S``, ``median_S``, ``min_S``, ``max_S``, ``near_duplicates`` (pairs at or
        above the threshold), ``pairs``.
    pair_paths : pandas.DataFrame
        Pairs that are near-duplicates in at least one year: ``region_i``, ``region_j`` and one
        column per year with ``S_ij``; then ``first`` / ``last`` (near-duplicate in the first / last
        year) and ``change`` (last − first year's S).
    threshold : float
    notes : tuple of str
    lineage : Lineage
    """

    by_year: Mapping[int, StructureSimilarityResult]
    trend: pd.DataFrame
    pair_paths: pd.DataFrame
    threshold: float
    notes: tuple[str, ...] = ()
    lineage: Lineage = field(default_factory=lambda: Lineage.make("macro.similarity_panel"))

    title_en = "Industrial-structure similarity over time"
    title_zh = "产业结构相似系数的演变"

    @property
    def changes(self) -> pd.DataFrame:
        """Pairs that became near-duplicates between the first and the last year (``status``
        ``"entered"``) or stopped being ones (``"left"``): ``region_i``, ``region_j``, ``S_first``,
        ``S_last``, ``change``, ``status``; largest change first within each status."""
        y0, y1 = self.trend.index[0], self.trend.index[-1]
        p = self.pair_paths
        moved = p[p["first"] != p["last"]]
        f = pd.DataFrame(
            {
                "region_i": moved["region_i"],
                "region_j": moved["region_j"],
                "S_first": moved[y0],
                "S_last": moved[y1],
                "change": moved["change"],
                "status": np.where(moved["last"], "entered", "left"),
            }
        )
        f["order"] = f["change"].abs()
        f = f.sort_values(["status", "order"], ascending=[True, False]).drop(columns="order")
        return f.reset_index(drop=True)

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """The yearly trend (mean, median, extremes, number of near-duplicate pairs)."""
        check_lang(lang)
        f = self.trend.reset_index()
        if lang == "zh":
            f = f.rename(
                columns={
                    "year": "年份",
                    "mean_S": "平均相似系数",
                    "median_S": "相似系数中位数",
                    "min_S": "最小值",
                    "max_S": "最大值",
                    "near_duplicates": "近似重复地区对",
                    "pairs": "地区对数",
                }
            )
        return f

    def _summary_items(self, lang: str = "en") -> Iterable[tuple[str, Any]]:
        zh = lang == "zh"
        y0, y1 = self.trend.index[0], self.trend.index[-1]
        t = self.trend
        return [
            ("年份" if zh else "years", f"{y0}–{y1}"),
            (f"平均相似系数 {y0}" if zh else f"mean S {y0}", float(t.loc[y0, "mean_S"])),
            (f"平均相似系数 {y1}" if zh else f"mean S {y1}", float(t.loc[y1, "mean_S"])),
            (
                f"S≥{self.threshold:g} 的地区对 {y0}→{y1}"
                if zh
                else f"pairs S >= {self.threshold:g}, {y0}→{y1}",
                f"{int(t.loc[y0, 'near_duplicates'])} → {int(t.loc[y1, 'near_duplicates'])}",
            ),
        ] + [("说明" if zh else "note", n) for n in self.notes]


def similarity_panel(panels: Mapping[int, Any], threshold: float = 0.9) -> SimilarityPanelResult:
    """:func:`similarity_coefficient` for each year of ``panels`` and how it changes.

    Parameters
    ----------
    panels : mapping year → regions × sectors matrix
        One matrix per year; every year must hold the same regions (the trend compares like with
        like).
    threshold : float in (0, 1], default 0.9

    Returns
    -------
    SimilarityPanelResult

    Raises
    ------
    InputError
        No year, or years with different regions; anything :func:`similarity_coefficient` refuses.

    Notes
    -----
    ``mean_S_t = 2 / (n(n − 1)) Σ_{i<j} S_ij,t``; a pair's path is ``S_ij,t`` over t.

    References
    ----------
    UNIDO (1979); 陈耀 (1998); see the module docstring.

    Examples
    --------
    Two years of three regions; in the second, region 2 moves towards the others:

    >>> r = similarity_panel({2010: [[5, 3, 2], [4, 4, 2], [1, 2, 7]],
    ...                       2020: [[5, 3, 2], [4, 4, 2], [4, 3, 3]]})
    >>> r.trend["mean_S"].round(4).tolist()
    [0.705, 0.973]
    >>> r.trend["near_duplicates"].tolist()
    [1, 3]
    """
    t = _check_threshold(threshold)
    if not panels:
        raise InputError.at("no year given", column="panels", expected="a mapping year → regions × sectors")
    years = sorted(int(y) for y in panels)
    res = {int(y): similarity_coefficient(panels[y], t) for y in sorted(panels, key=int)}
    ref = res[years[0]].S.index
    for y in years[1:]:
        if not res[y].S.index.equals(ref):
            missing = sorted(set(ref) ^ set(res[y].S.index))
            raise InputError.at(
                f"year {y} has other regions than {years[0]}",
                column="panels",
                value=missing[:5],
                expected="the same regions in every year",
            )
    rows = {}
    paths = {}
    for y in years:
        p = res[y].pairs
        rows[y] = {
            "mean_S": float(p["S"].mean()),
            "median_S": float(p["S"].median()),
            "min_S": float(p["S"].min()),
            "max_S": float(p["S"].max()),
            "near_duplicates": int((p["S"] >= t).sum()),
            "pairs": len(p),
        }
        paths[y] = p.set_index(["region_i", "region_j"])["S"]
    trend = pd.DataFrame.from_dict(rows, orient="index")
    trend.index.name = "year"
    wide = pd.DataFrame(paths)
    keep = (wide >= t).any(axis=1)
    pp = wide[keep].copy()
    pp["first"] = pp[years[0]] >= t
    pp["last"] = pp[years[-1]] >= t
    pp["change"] = pp[years[-1]] - pp[years[0]]
    pp = pp.sort_values(years[-1], ascending=False).reset_index()
    return SimilarityPanelResult(
        by_year=res,
        trend=trend,
        pair_paths=pp,
        threshold=t,
        notes=tuple(dict.fromkeys(n for r in res.values() for n in r.notes)),
        lineage=Lineage.make("macro.similarity_panel", {"threshold": t, "years": [years[0], years[-1]]}),
    )
