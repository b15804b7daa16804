"""Dagum (1997) decomposition of the Gini coefficient by groups (Dagum 基尼系数分解).

With ``k`` groups, group ``j`` holding ``n_j`` values ``y_ji`` with mean ``Ȳ_j``, overall mean ``μ``
and ``n = Σ n_j``::

    G    = Σ_j Σ_h Σ_i Σ_r |y_ji − y_hr| / (2 n² μ)
    G_jj = Σ_i Σ_r |y_ji − y_jr| / (2 n_j² Ȳ_j)                     within-group Gini
    G_jh = Σ_i Σ_r |y_ji − y_hr| / (n_j n_h (Ȳ_j + Ȳ_h))            between-group Gini
    p_j = n_j / n,   s_j = n_j Ȳ_j / (n μ)
    D_jh = (d_jh − p_jh) / (d_jh + p_jh)                            relative economic affluence
    d_jh = mean over pairs of (y_ji − y_hr)_+ ,  p_jh = mean of (y_hr − y_ji)_+   (Ȳ_j >= Ȳ_h)
    G_w  = Σ_j G_jj p_j s_j
    G_nb = Σ_{j>h} G_jh (p_j s_h + p_h s_j) D_jh
    G_t  = Σ_{j>h} G_jh (p_j s_h + p_h s_j) (1 − D_jh)
    G    = G_w + G_nb + G_t

Sums of absolute differences are computed exactly in ``O(n log n)`` from sorted values and
cumulative sums (not by the ``n²`` double sum); the tests compare with the double sum.

Conventions. Values must be finite and non-negative with a positive mean (a Gini of incomes,
outputs, indices). When every value is equal, ``G = 0`` and every part is 0; the contribution
shares (0/0) are then reported as 0 and a note says so. ``D_jh`` of two groups whose pairwise
absolute differences are all zero is 0 (their ``G_jh`` is 0 as well).

PySAL's ``inequality`` package gives the overall Gini and a within/between split
(``Gini_Spatial``), not Dagum's three-way decomposition; no maintained Python library does,
hence this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from industrial_brain._shared.i18n import check_lang
from industrial_brain._shared.results import ResultMixin
from industrial_brain.errors import InputError
from industrial_brain.lineage import Lineage
from industrial_brain.macro._common import group_labels, value_vector
from industrial_brain.reference.regions import province_table

__all__ = ["NBS_REGION4", "DagumGiniResult", "dagum_gini", "gini", "nbs_region4"]

#: NBS four-region grouping (东部/中部/西部/东北) keyed by the first two digits of the GB/T 2260 code,
#: as recorded in the provinces reference table (``region4_en``/``region4_zh``) of
#: :func:`industrial_brain.reference.regions.province_table`.
_PROVINCES = province_table().dropna(subset=["region4_en"])
NBS_REGION4: Mapping[str, str] = MappingProxyType(
    dict(zip(_PROVINCES["code"].str[:2], _PROVINCES["region4_en"]))
)
_REGION4_ZH = dict(zip(_PROVINCES["region4_en"], _PROVINCES["region4_zh"]))


def nbs_region4(codes: Iterable[Any], lang: str = "en") -> np.ndarray:
    """NBS East/Central/West/Northeast group of each GB/T 2260 province (or lower-level) code.

    The grouping is the one of the provinces reference table (:data:`NBS_REGION4`); ``lang="zh"``
    gives 东部/中部/西部/东北.

    Examples
    --------
    >>> nbs_region4(["110000", 440000, "650000", "210000"]).tolist()
    ['East', 'East', 'West', 'Northeast']
    """
    check_lang(lang)
    out = []
    for c in codes:
        key = str(c).strip()[:2]
        if key not in NBS_REGION4:
            raise InputError.at(
                "not a mainland GB/T 2260 province code; pass groups= explicitly",
                column="region_code",
                value=c,
                expected="e.g. 110000 (Beijing)",
            )
        g = NBS_REGION4[key]
        out.append(_REGION4_ZH[g] if lang == "zh" else g)
    return np.array(out, dtype=object)


def _abs_diff_sum(a: np.ndarray, b_sorted: np.ndarray, b_cumsum: np.ndarray) -> float:
    """Σ_i Σ_r |a_i − b_r| in O((len a + len b) log len b), b sorted with its cumulative sum."""
    m = b_sorted.size
    total_b = b_cumsum[-1]
    k = np.searchsorted(b_sorted, a, side="right")  # number of b_r <= a_i
    below = np.where(k > 0, b_cumsum[np.maximum(k - 1, 0)], 0.0)
    return float(np.sum(a * k - below) + np.sum((total_b - below) - a * (m - k)))


def _pos_diff_sum(a: np.ndarray, b_sorted: np.ndarray, b_cumsum: np.ndarray) -> float:
    """Σ_i Σ_r (a_i − b_r)_+ (the same sorted-cumsum trick, one side only)."""
    k = np.searchsorted(b_sorted, a, side="right")
    below = np.where(k > 0, b_cumsum[np.maximum(k - 1, 0)], 0.0)
    return float(np.sum(a * k - below))


def gini(values: Any) -> float:
    """Gini coefficient ``G = Σ_i Σ_r |y_i − y_r| / (2 n² μ)``.

    Parameters
    ----------
    values : array_like or Series
        Non-negative values, positive mean.

    Returns
    -------
    float

    Notes
    -----
    The population form (divisor ``n²``), as in ``inequality.gini.Gini`` and Dagum (1997).

    References
    ----------
    Dagum, C. (1997). A new approach to the decomposition of the Gini income inequality ratio.
    *Empirical Economics* 22(4), 515–531.

    Examples
    --------
    (1, 2, 3): Σ|y_i − y_r| = 2·(1 + 2 + 1) = 8, μ = 2, G = 8 / (2·9·2) = 0.2222…

    >>> round(gini([1, 2, 3]), 4)
    0.2222
    """
    y, _ = value_vector(values)
    ys = np.sort(y)
    return float(_abs_diff_sum(ys, ys, np.cumsum(ys)) / (2.0 * y.size**2 * y.mean()))


@dataclass(frozen=True)
class DagumGiniResult(ResultMixin):
    """Dagum Gini decomposition.

    Attributes
    ----------
    gini, within, net_between, transvariation : float
        ``G``, ``G_w``, ``G_nb``, ``G_t`` (also available under those symbols).
    G_jj : pandas.Series
        Within-group Gini per group.
    G_jh : pandas.DataFrame
        Between-group Ginis (k × k, symmetric, diagonal = ``G_jj``).
    D_jh : pandas.DataFrame
        Relative economic affluence of each pair (k × k, symmetric, diagonal 0).
    groups : pandas.DataFrame
        Per group: ``n``, ``mean``, ``p`` (population share), ``s`` (value share).
    contributions : pandas.Series
        Shares of ``G`` from within, net between and transvariation (sum to 1).
    pair_contributions : pandas.DataFrame
        Per pair ``(j, h)``: ``G_jh``, ``D_jh``, weight ``p_j s_h + p_h s_j`` and its net-between and
        transvariation parts.
    notes : tuple[str, ...]
    lineage : Lineage
    """

    gini: float
    within: float
    net_between: float
    transvariation: float
    G_jj: pd.Series
    G_jh: pd.DataFrame
    D_jh: pd.DataFrame
    groups: pd.DataFrame
    contributions: pd.Series
    pair_contributions: pd.DataFrame
    notes: tuple[str, ...] = ()
    lineage: Lineage = field(default_factory=lambda: Lineage.make("macro.dagum_gini"))

    title_en = "Dagum Gini decomposition"
    title_zh = "Dagum 基尼系数分解"

    @property
    def G(self) -> float:
        """``G``, the overall Gini (:attr:`gini`)."""
        return self.gini

    @property
    def G_w(self) -> float:
        """``G_w``, the within-group part (:attr:`within`)."""
        return self.within

    @property
    def G_nb(self) -> float:
        """``G_nb``, the net between-group part (:attr:`net_between`)."""
        return self.net_between

    @property
    def G_t(self) -> float:
        """``G_t``, the transvariation part (:attr:`transvariation`)."""
        return self.transvariation

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """Components table: rows G, G_w, G_nb, G_t; columns value and share of G."""
        check_lang(lang)
        zh = lang == "zh"
        names = (
            ["总体基尼系数", "组内差异", "组间净差异", "超变密度"]
            if zh
            else ["overall Gini", "within", "net between", "transvariation"]
        )
        df = pd.DataFrame(
            {
                "name": names,
                "value": [self.gini, self.within, self.net_between, self.transvariation],
                "share": [1.0, *self.contributions.to_numpy()],
            },
            index=pd.Index(["G", "G_w", "G_nb", "G_t"], name="component"),
        )
        if zh:
            df.columns = ["名称", "数值", "贡献率"]
        return df

    def _summary_items(self, lang: str = "en") -> Iterable[tuple[str, Any]]:
        zh = lang == "zh"
        items: list[tuple[str, Any]] = [
            ("组数" if zh else "groups", len(self.G_jj)),
            ("观测数" if zh else "observations", int(self.groups["n"].sum())),
        ]
        items += [(("组内基尼 " if zh else "G_jj ") + str(g), float(v)) for g, v in self.G_jj.items()]
        return items + [("说明" if zh else "note", n) for n in self.notes]


def dagum_gini(values: Any, groups: Any = None) -> DagumGiniResult:
    """Dagum (1997) Gini decomposition into within, net between and transvariation parts.

    Parameters
    ----------
    values : array_like or pandas.Series, shape (n,)
        Non-negative values (e.g. an index per province for one year).
    groups : array_like or Series, shape (n,), optional
        Group label of each value. Default: the NBS four regions (East, Central, West, Northeast)
        from the GB/T 2260 codes in the Series index of ``values``.

    Returns
    -------
    DagumGiniResult

    Raises
    ------
    InputError
        Missing or negative values, misaligned groups.
    MethodError
        All values are zero.

    Notes
    -----
    See the module docstring for the formulas. ``gini == within + net_between + transvariation``
    up to round-off (tests: 1e-12).

    References
    ----------
    Dagum, C. (1997). A new approach to the decomposition of the Gini income inequality ratio.
    *Empirical Economics* 22(4), 515–531.

    Examples
    --------
    Groups A = (1, 3), B = (5, 7). Within A: Σ|·| = 2·2 = 4, G_AA = 4/(2·4·2) = 0.25;
    within B: G_BB = 4/(2·4·6) = 1/12. Between: Σ|a − b| = 4+6+2+4 = 16, G_AB = 16/(4·(2+6)) = 0.5.
    p = (½, ½), s = (2/8, 6/8) = (¼, ¾). G_w = 0.25·½·¼ + (1/12)·½·¾ = 0.0625. D_AB = 1 (every
    b exceeds every a), so G_t = 0 and G_nb = 0.5·(½·¼ + ½·¾) = 0.25. G = 40/(2·16·4) = 0.3125:

    >>> r = dagum_gini([1, 3, 5, 7], ["A", "A", "B", "B"])
    >>> [round(v, 12) for v in (r.gini, r.within, r.net_between, r.transvariation)]
    [0.3125, 0.0625, 0.25, 0.0]
    """
    y, index = value_vector(values)
    if groups is None:
        if isinstance(index, pd.RangeIndex):
            raise InputError.at(
                "groups not given and values carry no region codes",
                column="groups",
                expected="groups=… or a Series indexed by GB/T 2260 codes",
            )
        g = nbs_region4(index).astype(str)
    else:
        g = group_labels(groups, values, index)

    labels, codes = np.unique(g, return_inverse=True)
    k = len(labels)
    n = y.size
    mu = y.mean()
    sorted_groups = []
    for j in range(k):
        yj = np.sort(y[codes == j])
        sorted_groups.append((yj, np.cumsum(yj)))
    nj = np.array([s[0].size for s in sorted_groups], dtype=float)
    Yj = np.array([s[0].mean() for s in sorted_groups])
    p = nj / n
    s = nj * Yj / (n * mu)

    # pairwise sums of absolute differences
    S = np.zeros((k, k))
    for j in range(k):
        for h in range(j, k):
            S[j, h] = S[h, j] = _abs_diff_sum(sorted_groups[j][0], sorted_groups[h][0], sorted_groups[h][1])
    ys = np.sort(y)
    G = _abs_diff_sum(ys, ys, np.cumsum(ys)) / (2.0 * n * n * mu)

    Gjj = np.array([S[j, j] / (2.0 * nj[j] ** 2 * Yj[j]) if Yj[j] > 0 else 0.0 for j in range(k)])
    Gjh = np.zeros((k, k))
    Djh = np.zeros((k, k))
    rows = []
    Gnb = Gt = 0.0
    for j in range(k):
        Gjh[j, j] = Gjj[j]
        for h in range(j):
            den = nj[j] * nj[h] * (Yj[j] + Yj[h])
            Gjh[j, h] = Gjh[h, j] = S[j, h] / den
            hi, lo = (j, h) if Yj[j] >= Yj[h] else (h, j)
            d = _pos_diff_sum(sorted_groups[hi][0], sorted_groups[lo][0], sorted_groups[lo][1])
            pp = S[j, h] - d  # Σ (y_lo − y_hi)_+
            D = (d - pp) / S[j, h] if S[j, h] > 0 else 0.0
            Djh[j, h] = Djh[h, j] = D
            wgt = p[j] * s[h] + p[h] * s[j]
            nb = Gjh[j, h] * wgt * D
            t = Gjh[j, h] * wgt * (1.0 - D)
            Gnb += nb
            Gt += t
            rows.append((labels[j], labels[h], Gjh[j, h], D, wgt, nb, t))
    Gw = float(np.sum(Gjj * p * s))
    notes: list[str] = []
    if G > 0:
        contrib = np.array([Gw, Gnb, Gt]) / G
    else:
        contrib = np.zeros(3)
        notes.append("all values are equal: G = 0 and every part is 0; contribution shares set to 0")
    if k == 1:
        notes.append("one group only: G = G_w, no between-group parts")
    lab = pd.Index(labels, name="group")
    pair_cols = ["group_j", "group_h", "G_jh", "D_jh", "weight", "G_nb", "G_t"]
    return DagumGiniResult(
        gini=float(G),
        within=Gw,
        net_between=float(Gnb),
        transvariation=float(Gt),
        G_jj=pd.Series(Gjj, index=lab, name="G_jj"),
        G_jh=pd.DataFrame(Gjh, index=lab, columns=lab),
        D_jh=pd.DataFrame(Djh, index=lab, columns=lab),
        groups=pd.DataFrame({"n": nj.astype(int), "mean": Yj, "p": p, "s": s}, index=lab),
        contributions=pd.Series(contrib, index=["within", "net_between", "transvariation"], name="share"),
        pair_contributions=pd.DataFrame(rows, columns=pair_cols),
        notes=tuple(notes),
        lineage=Lineage.make("macro.dagum_gini", {"n": int(n), "groups": [str(x) for x in labels]}),
    )
