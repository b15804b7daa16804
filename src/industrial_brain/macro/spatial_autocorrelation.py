"""Global and local Moran's I with analytical and permutation inference.

Global Moran's I for a variable ``y`` (deviations ``z = y − ȳ``) and spatial weights ``W``::

    I     = (n / S0) · zᵀ W z / zᵀ z
    EI    = −1 / (n − 1)
    VI_norm = (n² S1 − n S2 + 3 S0²) / ((n² − 1) S0²) − EI²
    VI_rand = [n((n² − 3n + 3) S1 − n S2 + 3 S0²) − b2((n² − n) S1 − 2n S2 + 6 S0²)]
              / ((n − 1)(n − 2)(n − 3) S0²) − EI²
    S0 = Σ_ij w_ij,  S1 = ½ Σ_ij (w_ij + w_ji)²,  S2 = Σ_i (w_i· + w_·i)²,  b2 = n Σ z⁴ / (Σ z²)²

(Cliff & Ord 1981, ch. 1). Local Moran (Anselin 1995) uses ``z`` standardised by its
population standard deviation::

    I_i = (n − 1) z_i Σ_j w_ij z_j / Σ_k z_k²

with the total-randomisation moments of Sokal, Oden & Thomson (1998, eqs. A3–A4*), as esda.
Quadrants: HH (z > 0, lag > 0), LH (z ≤ 0, lag > 0), LL (z ≤ 0, lag ≤ 0), HL (z > 0, lag ≤ 0),
coded 1–4 as in PySAL.

Permutation inference. Global: ``permutations`` random relabellings of ``z``, evaluated in
batches as one sparse (n × n) by dense (n × batch) product. Local (conditional randomisation,
Anselin 1995): unit ``i`` keeps its value, its ``k_i`` neighbours receive ``k_i`` values drawn
without replacement from the other ``n − 1`` units; one draw matrix (permutations × max k) is
shared by all units (as esda does), the gathers and weighted sums run in numpy batches.
Pseudo p-values and the alternatives are those of :mod:`industrial_brain._shared.permutation`.

Why not call esda: esda's global ``Moran`` draws from NumPy's global random state (no seed)
and loops in Python over permutations; its conditional randomisation needs numba to be fast.
Analytical values are checked against esda exactly in the tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

import numpy as np
import pandas as pd
from scipy import sparse, stats

from industrial_brain._shared.i18n import check_lang
from industrial_brain._shared.permutation import (
    RowShuffler,
    batch_sizes,
    check_alternative,
    check_permutations,
    pseudo_p_value,
    sample_without_replacement,
)
from industrial_brain._shared.results import ResultMixin, readonly
from industrial_brain.errors import InputError, MethodError
from industrial_brain.lineage import Lineage
from industrial_brain.macro.spatial_weighting import SpatialWeights, spatial_weights
from industrial_brain.macro._common import numeric_array

__all__ = [
    "MoranResult",
    "LocalMoranResult",
    "moran",
    "moran_local",
    "moran_panel",
    "QUADRANTS",
]

#: PySAL quadrant codes.
QUADRANTS = {1: "HH", 2: "LH", 3: "LL", 4: "HL"}
_QUAD_ZH = {"HH": "高-高", "LH": "低-高", "LL": "低-低", "HL": "高-低", "ns": "不显著"}
#: Batch size target (bytes) for the permutation loops: small enough to stay in cache.
_CACHE_BYTES = 1 << 19


def _y(y: Any) -> tuple[np.ndarray, pd.Index | None]:
    if isinstance(y, pd.DataFrame):
        if y.shape[1] != 1:
            raise InputError.at("y must be one column", column="y", value=y.shape)
        y = y.iloc[:, 0]
    index = y.index if isinstance(y, pd.Series) else None
    arr = numeric_array(y, "y").ravel()
    bad = ~np.isfinite(arr)
    if bad.any():
        where = index[np.argmax(bad)] if index is not None else int(np.argmax(bad))
        raise InputError.at(
            f"missing or non-finite value in y ({int(bad.sum())} unit(s))",
            column="y",
            value=f"{where!s}: {arr[np.argmax(bad)]}",
            expected="a value for every unit (Moran's I needs a complete map; drop the "
            "unit from y and w together, or impute it)",
        )
    if arr.size < 4:
        raise InputError.at(
            "Moran's I needs at least 4 units (VI_rand divides by (n−1)(n−2)(n−3))",
            column="y",
            value=int(arr.size),
        )
    if np.ptp(arr) == 0:
        raise MethodError("y is constant: Moran's I (÷ Σz²) is undefined")
    return arr, index


def _inputs(
    y: Any, w: Any, transformation: str, permutations: int, alternative: str
) -> tuple[np.ndarray, SpatialWeights, int]:
    """Checked ``alternative`` and ``permutations``; ``y`` as floats and its weights aligned to its labels."""
    check_alternative(alternative)
    permutations = check_permutations(permutations)
    arr, index = _y(y)
    sw = spatial_weights(w, ids=index, transformation=transformation)
    return arr, sw, permutations


def _b2(z: np.ndarray, zz: float) -> float:
    """Sample kurtosis ``b2 = m4 / m2²`` of the deviations ``z`` (``zz = zᵀz``)."""
    n = z.size
    return (np.sum(z**4) / n) / (zz / n) ** 2


def _p_norm(z: float, alternative: str) -> float:
    if alternative == "greater":
        return float(stats.norm.sf(z))
    if alternative == "less":
        return float(stats.norm.cdf(z))
    return float(2.0 * stats.norm.sf(abs(z)))


# --------------------------------------------------------------------------- global
@dataclass(frozen=True)
class MoranResult(ResultMixin):
    """Global Moran's I.

    Attributes
    ----------
    I, EI, VI_norm, seI_norm, z_norm, p_norm, VI_rand, seI_rand, z_rand, p_rand : float
        Statistic, expectation, and variance / standard error / z / p under the normality and
        randomisation assumptions (p for ``alternative``).
    p_sim, EI_sim, seI_sim, VI_sim, z_sim, p_z_sim : float or None
        Permutation inference (``None`` when ``permutations=0``).
    sim : ndarray or None
        Simulated I values (read-only).
    n, permutations, seed, alternative, transformation
    lineage : Lineage
    """

    I: float  # noqa: E741
    EI: float
    VI_norm: float
    seI_norm: float
    z_norm: float
    p_norm: float
    VI_rand: float
    seI_rand: float
    z_rand: float
    p_rand: float
    n: int
    permutations: int
    alternative: str
    transformation: str
    seed: int | None = None
    p_sim: float | None = None
    EI_sim: float | None = None
    seI_sim: float | None = None
    VI_sim: float | None = None
    z_sim: float | None = None
    p_z_sim: float | None = None
    sim: np.ndarray | None = None
    notes: tuple[str, ...] = ()
    lineage: Lineage = field(default_factory=lambda: Lineage.make("macro.moran"))

    title_en = "Global Moran's I"
    title_zh = "全局莫兰指数"

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """One row per inference (normality, randomisation, permutation): I, E[I], V[I], z, p."""
        check_lang(lang)
        rows = [
            ("normality", self.I, self.EI, self.VI_norm, self.z_norm, self.p_norm),
            ("randomisation", self.I, self.EI, self.VI_rand, self.z_rand, self.p_rand),
        ]
        if self.p_sim is not None:
            rows.append(("permutation", self.I, self.EI_sim, self.VI_sim, self.z_sim, self.p_sim))
        df = pd.DataFrame(rows, columns=["inference", "I", "EI", "VI", "z", "p"]).set_index("inference")
        if lang == "zh":
            df.index = df.index.map(
                {"normality": "正态假设", "randomisation": "随机化假设", "permutation": "置换检验"}
            )
            df.index.name = "推断"
        return df

    def _summary_items(self, lang: str = "en") -> Iterable[tuple[str, Any]]:
        zh = lang == "zh"
        items = [
            ("单元数" if zh else "n", self.n),
            ("I", self.I),
            ("E[I]", self.EI),
            ("备择假设" if zh else "alternative", self.alternative),
            ("权重变换" if zh else "transformation", self.transformation),
        ]
        if self.p_sim is not None:
            items += [("置换次数" if zh else "permutations", self.permutations), ("p_sim", self.p_sim)]
        return items + [("说明" if zh else "note", n) for n in self.notes]


def moran(
    y: Any,
    w: Any,
    transformation: str = "r",
    permutations: int = 999,
    seed: int | None = None,
    alternative: str = "two-sided",
    keep_simulations: bool = True,
) -> MoranResult:
    """Global Moran's I with analytical and permutation inference.

    Parameters
    ----------
    y : array_like or Series, shape (n,)
        Variable (a Series' index labels the units and aligns dict/DataFrame weights).
    w : matrix, scipy.sparse, DataFrame, dict of neighbours, libpysal W or SpatialWeights
        Spatial weights; see :func:`spatial_weights`.
    transformation : {'r', 'b', 'o'}
        Weights transformation (row-standardised by default, as esda).
    permutations : int, default 999
        Random relabellings for ``p_sim`` (0 to skip).
    seed : int, optional
        Seed of ``np.random.default_rng``; recorded in the result.
    alternative : {'two-sided', 'greater', 'less'}
        For ``p_norm``, ``p_rand``, ``p_sim`` and ``p_z_sim``.
    keep_simulations : bool
        Keep the simulated values in ``sim``.

    Returns
    -------
    MoranResult

    Notes
    -----
    Formulas in the module docstring. ``p_sim = (#{I_sim ≥ I} + 1)/(R + 1)`` for 'greater', etc.

    References
    ----------
    Cliff, A. D. & Ord, J. K. (1981). *Spatial Processes: Models & Applications*. Pion, London,
    ch. 1.
    Moran, P. A. P. (1950). Notes on continuous stochastic phenomena. *Biometrika* 37, 17–23.

    Examples
    --------
    Path of four units a–b–c–d, y = (1, 2, 3, 4), binary weights. z = (−1.5, −0.5, 0.5, 1.5),
    zᵀWz = 2·(0.75 − 0.25 + 0.75) = 2.5, zᵀz = 5, S0 = 6, I = (4/6)·2.5/5 = 1/3:

    >>> r = moran([1, 2, 3, 4], {0: [1], 1: [0, 2], 2: [1, 3], 3: [2]}, transformation="b",
    ...           permutations=0)
    >>> round(r.I, 6), round(r.EI, 6)
    (0.333333, -0.333333)
    """
    arr, sw, permutations = _inputs(y, w, transformation, permutations, alternative)
    if sw.n != arr.size:
        raise InputError.at("weights and y differ in size", column="w", value=f"{sw.n} vs {arr.size}")
    n = arr.size
    z = arr - arr.mean()
    sim = None
    if permutations:
        sim = np.empty(permutations)
        shuffler = RowShuffler(z, min(permutations, max(1, _CACHE_BYTES // (8 * n))), seed)
        for a, b in batch_sizes(permutations, 8 * n, _CACHE_BYTES):
            Zp = shuffler.draw(b - a)  # (batch, n): one relabelling of z per row
            lagT = sw.W @ Zp.T  # (n, batch): spatial lag of every draw in one sparse × dense product
            sim[a:b] = np.einsum("ij,ji->i", Zp, lagT)
    return _moran_result(arr, sw, sim, permutations, seed, alternative, transformation, keep_simulations)


def _moran_result(
    arr: np.ndarray,
    sw: SpatialWeights,
    sim_raw: np.ndarray | None,
    permutations: int,
    seed: int | None,
    alternative: str,
    transformation: str,
    keep_simulations: bool,
    shared: bool = False,
) -> MoranResult:
    """Analytical moments and, from the raw simulated ``z_pᵀ W z_p``, the permutation inference."""
    n = arr.size
    W = sw.W
    z = arr - arr.mean()
    z2ss = float(z @ z)
    s0, s1, s2 = sw.s0, sw.s1, sw.s2
    I = float(n / s0 * (z @ (W @ z)) / z2ss)  # noqa: E741
    EI = -1.0 / (n - 1)
    n2, s02 = n * n, s0 * s0
    VI_norm = (n2 * s1 - n * s2 + 3 * s02) / ((n - 1) * (n + 1) * s02) - EI**2
    k = _b2(z, z2ss)
    A = n * ((n2 - 3 * n + 3) * s1 - n * s2 + 3 * s02)
    B = k * ((n2 - n) * s1 - 2 * n * s2 + 6 * s02)
    VI_rand = (A - B) / ((n - 1) * (n - 2) * (n - 3) * s02) - EI**2
    seI_norm, seI_rand = float(np.sqrt(VI_norm)), float(np.sqrt(max(VI_rand, 0.0)))
    z_norm = (I - EI) / seI_norm
    z_rand = (I - EI) / seI_rand if seI_rand > 0 else 0.0
    notes = (
        [f"{len(sw.islands)} island(s) without neighbours (lag 0): {list(sw.islands)[:5]}"]
        if sw.islands
        else []
    )
    if shared:
        notes.append("permutations shared across the columns of the panel (same relabellings each year)")
    extra: dict[str, Any] = {}
    if sim_raw is not None:
        sim = sim_raw * (n / s0 / z2ss)
        EI_sim = float(sim.mean())
        seI_sim = float(sim.std())
        z_sim = (I - EI_sim) / seI_sim if seI_sim > 0 else 0.0
        extra = dict(
            p_sim=pseudo_p_value(I, sim, alternative),
            EI_sim=EI_sim,
            seI_sim=seI_sim,
            VI_sim=seI_sim**2,
            z_sim=float(z_sim),
            p_z_sim=_p_norm(z_sim, alternative),
            sim=readonly(sim) if keep_simulations else None,
        )
    return MoranResult(
        I=I,
        EI=EI,
        VI_norm=float(VI_norm),
        seI_norm=seI_norm,
        z_norm=float(z_norm),
        p_norm=_p_norm(z_norm, alternative),
        VI_rand=float(VI_rand),
        seI_rand=seI_rand,
        z_rand=float(z_rand),
        p_rand=_p_norm(z_rand, alternative),
        n=n,
        permutations=permutations,
        alternative=alternative,
        transformation=transformation,
        seed=seed,
        notes=tuple(notes),
        **extra,
        lineage=Lineage.make(
            "macro.moran",
            {
                "transformation": transformation,
                "permutations": permutations,
                "alternative": alternative,
                "n": n,
                "shared": shared,
            },
            seed=seed,
        ),
    )


def moran_panel(
    panel: Any,
    w: Any,
    transformation: str = "r",
    permutations: int = 999,
    seed: int | None = None,
    alternative: str = "two-sided",
    keep_simulations: bool = False,
) -> dict[Any, MoranResult]:
    """Global Moran's I of every column (e.g. every year) of a regions × years frame.

    The columns share one set of random relabellings: each batch of permutations is drawn once,
    applied to every column, and all columns' lags come from one sparse × dense product. Each
    column's test is exactly the one :func:`moran` performs (its own ``I``, ``EI``, ``VI``; its
    null distribution from ``permutations`` uniform relabellings); only the draws are common, so
    p-values of different years are not independent of each other.

    Parameters
    ----------
    panel : DataFrame, shape (n, m)
        Units (index, aligned with ``w``) × columns (years or variables); no missing values.
    w, transformation, permutations, seed, alternative, keep_simulations
        As in :func:`moran`.

    Returns
    -------
    dict
        Column label → :class:`MoranResult`.

    References
    ----------
    Cliff, A. D. & Ord, J. K. (1981). *Spatial Processes: Models & Applications*. Pion, ch. 1.

    Examples
    --------
    >>> df = pd.DataFrame({2020: [1.0, 2.0, 3.0, 4.0], 2021: [4.0, 3.0, 2.0, 1.0]})
    >>> res = moran_panel(df, {0: [1], 1: [0, 2], 2: [1, 3], 3: [2]}, transformation="b", seed=1)
    >>> round(res[2020].I, 6) == round(res[2021].I, 6) == 0.333333
    True
    """
    check_alternative(alternative)
    permutations = check_permutations(permutations)
    if not isinstance(panel, pd.DataFrame):
        panel = pd.DataFrame(np.asarray(panel, dtype=float))
    cols = list(panel.columns)
    arrs = [_y(panel[c])[0] for c in cols]
    sw = spatial_weights(
        w, ids=None if isinstance(panel.index, pd.RangeIndex) else panel.index, transformation=transformation
    )
    n, m = panel.shape
    if sw.n != n:
        raise InputError.at("weights and panel differ in size", column="w", value=f"{sw.n} vs {n}")
    Z = np.column_stack([a - a.mean() for a in arrs])  # (n, m)
    sims = np.empty((permutations, m)) if permutations else None
    if permutations:
        per_row = 8 * n * (m + 1)
        shuffler = RowShuffler(
            np.arange(n, dtype=np.intp), min(permutations, max(1, _CACHE_BYTES * 2 // per_row)), seed
        )
        for a, b in batch_sizes(permutations, per_row, _CACHE_BYTES * 2):
            P = shuffler.draw(b - a)  # (batch, n) permuted unit positions
            Zp = Z[P.T]  # (n, batch, m): column k of draw r is Z[P[r], k]
            flat = Zp.reshape(n, -1)
            lag = sw.W @ flat  # one sparse × dense product for every draw and every column
            sims[a:b] = np.einsum("ij,ij->j", flat, lag).reshape(b - a, m)
    return {
        c: _moran_result(
            arrs[k],
            sw,
            None if sims is None else sims[:, k],
            permutations,
            seed,
            alternative,
            transformation,
            keep_simulations,
            shared=True,
        )
        for k, c in enumerate(cols)
    }


# --------------------------------------------------------------------------- local
@dataclass(frozen=True)
class LocalMoranResult(ResultMixin):
    """Local Moran's I (LISA).

    Attributes
    ----------
    Is : ndarray
        Local statistic ``I_i`` per unit.
    q : ndarray of int
        Quadrant code (1 HH, 2 LH, 3 LL, 4 HL).
    EI, VI : ndarray
        Expectation and variance under total randomisation (Sokal et al. 1998).
    p_sim, EI_sim, seI_sim, z_sim : ndarray or None
        Conditional-permutation inference per unit.
    ids : pandas.Index
    significance : float
        Level used for the ``cluster`` labels.
    """

    Is: np.ndarray
    q: np.ndarray
    z: np.ndarray
    lag: np.ndarray
    EI: np.ndarray
    VI: np.ndarray
    ids: pd.Index
    permutations: int
    alternative: str
    transformation: str
    significance: float
    seed: int | None = None
    p_sim: np.ndarray | None = None
    EI_sim: np.ndarray | None = None
    seI_sim: np.ndarray | None = None
    z_sim: np.ndarray | None = None
    notes: tuple[str, ...] = ()
    lineage: Lineage = field(default_factory=lambda: Lineage.make("macro.moran_local"))

    title_en = "Local Moran's I (LISA)"
    title_zh = "局部莫兰指数（LISA）"

    @property
    def quadrant(self) -> np.ndarray:
        """Quadrant labels HH / LH / LL / HL."""
        return np.array([QUADRANTS[int(c)] for c in self.q], dtype=object)

    def cluster(self, significance: float | None = None) -> np.ndarray:
        """Quadrant label where ``p_sim <= significance``, else ``'ns'`` (needs permutations)."""
        alpha = self.significance if significance is None else significance
        if self.p_sim is None:
            raise MethodError("no permutation p-values: run moran_local with permutations > 0")
        return np.where(np.asarray(self.p_sim) <= alpha, self.quadrant, "ns").astype(object)

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """One row per unit: Ii, z, lag, quadrant, EI, VI, p_sim, z_sim, cluster."""
        check_lang(lang)
        df = pd.DataFrame(
            {
                "Ii": self.Is,
                "z": self.z,
                "lag": self.lag,
                "quadrant": self.quadrant,
                "EI": self.EI,
                "VI": self.VI,
            },
            index=self.ids,
        )
        if self.p_sim is not None:
            df["p_sim"] = self.p_sim
            df["z_sim"] = self.z_sim
            df["cluster"] = self.cluster()
        if lang == "zh":
            df["quadrant"] = df["quadrant"].map(_QUAD_ZH)
            if "cluster" in df:
                df["cluster"] = df["cluster"].map(_QUAD_ZH)
        return df

    def _summary_items(self, lang: str = "en") -> Iterable[tuple[str, Any]]:
        zh = lang == "zh"
        items: list[tuple[str, Any]] = [("单元数" if zh else "n", len(self.Is))]
        if self.p_sim is not None:
            cl = pd.Series(self.cluster()).value_counts()
            for key in ("HH", "LL", "HL", "LH", "ns"):
                items.append(((_QUAD_ZH[key] if zh else key), int(cl.get(key, 0))))
        return items + [("说明" if zh else "note", n) for n in self.notes]


def moran_local(
    y: Any,
    w: Any,
    transformation: str = "r",
    permutations: int = 999,
    seed: int | None = None,
    alternative: str = "two-sided",
    significance: float = 0.05,
) -> LocalMoranResult:
    """Local Moran's I with conditional permutation inference.

    Parameters
    ----------
    y : array_like or Series, shape (n,)
    w : weights, see :func:`spatial_weights`
    transformation : {'r', 'b', 'o'}
    permutations : int, default 999
    seed : int, optional
    alternative : {'two-sided', 'greater', 'less'}
    significance : float, default 0.05
        Level for the ``cluster`` labels (HH/LL/HL/LH where ``p_sim`` is at most it, else 'ns').

    Returns
    -------
    LocalMoranResult

    Notes
    -----
    ``z = (y − ȳ)/σ_y`` (population σ), ``I_i = (n − 1) z_i (Wz)_i / Σ z²``;
    ``E[I_i] = −w_i / (n − 1)``,
    ``V[I_i] = w_i(2) (n − b2)/(n − 1) + (w_i² − w_i(2)) (2 b2 − n)/((n − 1)(n − 2)) − E[I_i]²``
    with ``w_i = Σ_j w_ij``, ``w_i(2) = Σ_j w_ij²``, ``b2 = m4/m2²``.

    References
    ----------
    Anselin, L. (1995). Local indicators of spatial association — LISA. *Geographical Analysis*
    27(2), 93–115.
    Sokal, R. R., Oden, N. L. & Thomson, B. A. (1998). Local spatial autocorrelation in a
    biological model. *Geographical Analysis* 30(4), 331–354, eqs. A3–A4*.

    Examples
    --------
    Path of four, y = (1, 2, 3, 4), binary weights: σ_y = √1.25, z = (−1.342, −0.447, 0.447, 1.342),
    Σz² = 4; I_1 = 3 · z_1 · z_2 / 4 = 3 · 0.6 / 4 = 0.45 and
    I_2 = 3 · z_2 · (z_1 + z_3) / 4 = 3 · (−0.447)(−0.894) / 4 = 3 · 0.4 / 4 = 0.3:

    >>> r = moran_local([1, 2, 3, 4], {0: [1], 1: [0, 2], 2: [1, 3], 3: [2]}, transformation="b",
    ...                 permutations=0)
    >>> [round(float(v), 4) for v in r.Is], r.quadrant.tolist()
    ([0.45, 0.3, 0.3, 0.45], ['LL', 'LL', 'HH', 'HH'])
    """
    arr, sw, permutations = _inputs(y, w, transformation, permutations, alternative)
    n = arr.size
    W = sw.W
    z = (arr - arr.mean()) / arr.std()
    den = float(z @ z)
    lag = W @ z
    Is = (n - 1) * z * lag / den
    q = np.where(z > 0, np.where(lag > 0, 1, 4), np.where(lag > 0, 2, 3))
    wi = np.asarray(W.sum(axis=1)).ravel()
    wi2 = np.asarray(W.multiply(W).sum(axis=1)).ravel()
    b2 = _b2(z, den)
    EI = -wi / (n - 1)
    VI = wi2 * (n - b2) / (n - 1) + (wi**2 - wi2) * (2 * b2 - n) / ((n - 1) * (n - 2)) - EI**2
    notes = [f"{len(sw.islands)} island(s) without neighbours (I_i = 0)"] if sw.islands else []
    extra: dict[str, Any] = {}
    if permutations:
        rng = np.random.default_rng(seed)
        diag = W.diagonal()
        Woff = (W - sparse.diags(diag)).tocsr()
        Woff.eliminate_zeros()
        card = np.diff(Woff.indptr)
        kmax = int(card.max())
        if kmax > n - 1:
            raise InputError.at("a unit has more neighbours than other units", column="w", value=kmax)
        # padded neighbour weights (n, kmax); padding weight 0
        Wpad = np.zeros((n, kmax))
        rows_pos = np.arange(Woff.nnz) - np.repeat(Woff.indptr[:-1], card)
        Wpad[np.repeat(np.arange(n), card), rows_pos] = Woff.data
        draws = sample_without_replacement(rng, permutations, n - 1, kmax)  # (R, kmax) in 0..n-2
        ge = np.zeros(n)
        le = np.zeros(n)
        s1 = np.zeros(n)
        s2 = np.zeros(n)
        scale = (n - 1) / den
        # Unit u takes draw d (0..n-2) as unit d if d < u, else d + 1 (it never draws itself):
        # lag = Σ_k w_uk z[d_k] + Σ_k w_uk [d_k >= u] (z[d_k + 1] − z[d_k]); the first sum is one
        # BLAS product for all units, the second a masked correction done in small batches.
        zd = z[draws]  # (R, kmax)
        delta = z[np.minimum(draws + 1, n - 1)] - zd
        for a, b in batch_sizes(n, permutations * kmax * 8, _CACHE_BYTES):
            u = np.arange(a, b)
            Wu = Wpad[u]
            corr = np.where(draws[None, :, :] >= u[:, None, None], delta[None, :, :], 0.0) @ Wu[:, :, None]
            lag_sim = Wu @ zd.T + corr[..., 0] + (diag[u] * z[u])[:, None]  # (batch, R)
            Isim = (scale * z[u])[:, None] * lag_sim
            obs = Is[u][:, None]
            ge[a:b] = (Isim >= obs).sum(axis=1)
            le[a:b] = (Isim <= obs).sum(axis=1)
            s1[a:b] = Isim.sum(axis=1)
            s2[a:b] = (Isim * Isim).sum(axis=1)
        pg = (ge + 1.0) / (permutations + 1.0)
        pl = (le + 1.0) / (permutations + 1.0)
        p_sim = (
            pg
            if alternative == "greater"
            else pl
            if alternative == "less"
            else np.minimum(1.0, 2 * np.minimum(pg, pl))
        )
        EI_sim = s1 / permutations
        seI_sim = np.sqrt(np.maximum(s2 / permutations - EI_sim**2, 0.0))
        with np.errstate(divide="ignore", invalid="ignore"):
            z_sim = np.where(seI_sim > 0, (Is - EI_sim) / np.where(seI_sim > 0, seI_sim, 1.0), 0.0)
        if sw.islands:
            isl = card == 0
            p_sim[isl] = 1.0
        extra = dict(
            p_sim=readonly(p_sim), EI_sim=readonly(EI_sim), seI_sim=readonly(seI_sim), z_sim=readonly(z_sim)
        )
    if not (0 < significance < 1):
        raise InputError.at("significance must be in (0, 1)", column="significance", value=significance)
    return LocalMoranResult(
        Is=readonly(Is),
        q=readonly(q),
        z=readonly(z),
        lag=readonly(lag),
        EI=readonly(EI),
        VI=readonly(VI),
        ids=sw.ids,
        permutations=permutations,
        alternative=alternative,
        transformation=transformation,
        significance=significance,
        seed=seed,
        notes=tuple(notes),
        **extra,
        lineage=Lineage.make(
            "macro.moran_local",
            {
                "transformation": transformation,
                "permutations": permutations,
                "alternative": alternative,
                "n": n,
            },
            seed=seed,
        ),
    )
