"""Coupling coordination degree (耦合协调度) of two or more subsystems.

Given the development indices ``U_1 … U_n`` (each in [0, 1]) of ``n >= 2`` subsystems for one
observation (a province-year), the model reports

* the coupling degree ``C`` (耦合度) — how evenly the subsystems have developed;
* the comprehensive development index ``T = Σ α_i U_i`` (综合发展指数);
* the coupling coordination degree ``D = sqrt(C · T)`` (耦合协调度);
* a ten-level class of ``D`` (极度失调 … 优质协调) and the lagging subsystem.

Two models of ``C`` are offered; the choice is explicit and recorded in the lineage.

``model="conventional"`` (the capacity-coupling form, Liao 1999; Cong 2019)::

    C = n · (Π U_i)^(1/n) / Σ U_i          (two systems: C = 2 sqrt(U1 U2) / (U1 + U2))

which is the same number as the form written in much of the literature,
``C = [Π U_i / ((Σ U_i)/n)^n]^(1/n)`` (ratio of geometric to arithmetic mean); the tests
check the equality.

``model="corrected"`` (Wang, Kong, Ren, Zhi & Dai 2021), which fixes the conventional ``C``'s
poor discrimination (it stays near 1 for most inputs)::

    C = sqrt{ [1 − Σ_{i>j} |U_i − U_j| / Σ_{m=1}^{n−1} m] · [Π_i (U_i / max_i U_i)]^{1/(n−1)} }

For two systems ``C = sqrt{(1 − |U1 − U2|) · min(U1, U2) / max(U1, U2)}``. Some published code
drops the exponent ``1/(n−1)``; we keep it, as in the paper.

Boundary convention of the classes: level ``k`` (0 … 9) holds ``D`` in ``[k/10, (k+1)/10)``,
left-closed, and ``D = 1`` belongs to level 9 (优质协调). ``D`` is rounded to 12 decimals before
classification so that 0.3 computed as 0.29999999999999999 lands in level 3.

Inputs must lie in [0, 1]; values at most 1e-9 outside (floating-point round-off of a weighted
sum) are clipped silently, anything further out is an :class:`~industrial_brain.errors.InputError`.

Observations where every ``U_i`` is 0 have ``C = 0/0``; we set ``C = 0`` (no development, no
coupling; ``D = 0`` whatever ``C`` is) and list them in ``notes``.

No maintained Python library implements these models, hence this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd

from industrial_brain._shared.i18n import check_lang
from industrial_brain._shared.results import ResultMixin, readonly
from industrial_brain.errors import InputError
from industrial_brain.lineage import Lineage
from industrial_brain.macro._common import unit_matrix

__all__ = [
    "COORDINATION_LEVELS",
    "CouplingResult",
    "coupling_coordination",
    "coordination_level",
]

#: The ten classes of D: (code, lower bound, upper bound, Chinese label, English label).
COORDINATION_LEVELS: tuple[tuple[int, float, float, str, str], ...] = (
    (0, 0.0, 0.1, "极度失调", "extreme disorder"),
    (1, 0.1, 0.2, "严重失调", "serious disorder"),
    (2, 0.2, 0.3, "中度失调", "moderate disorder"),
    (3, 0.3, 0.4, "轻度失调", "mild disorder"),
    (4, 0.4, 0.5, "濒临失调", "verge of disorder"),
    (5, 0.5, 0.6, "勉强协调", "barely coordinated"),
    (6, 0.6, 0.7, "初级协调", "primary coordination"),
    (7, 0.7, 0.8, "中级协调", "intermediate coordination"),
    (8, 0.8, 0.9, "良好协调", "good coordination"),
    (9, 0.9, 1.0, "优质协调", "quality coordination"),
)

_MODELS = ("conventional", "corrected")
_SYNC = {"en": "synchronous", "zh": "同步型"}


def coordination_level(D, lang: str | None = None):
    """Class of the coupling coordination degree ``D`` (0 … 9, or its label).

    Parameters
    ----------
    D : float or array_like
        Coupling coordination degree(s) in [0, 1].
    lang : {'en', 'zh'}, optional
        If given, return the label(s) instead of the integer code(s).

    Returns
    -------
    int, str, or ndarray
        Level code ``floor(10 D)`` clipped to 0 … 9 (``D = 1`` is level 9), or its label.

    Notes
    -----
    Intervals are left-closed ``[k/10, (k+1)/10)``; ``D`` is rounded to 12 decimals first.

    References
    ----------
    Liao Chongbin (廖重斌) (1999). 环境与经济协调发展的定量评判及其分类体系——以珠江三角洲城市群为例.
    热带地理 19(2), 171–177 (the ten-class scheme).

    Examples
    --------
    >>> coordination_level(0.65), coordination_level(0.65, "zh"), coordination_level(1.0, "en")
    (6, '初级协调', 'quality coordination')
    """
    d = np.asarray(D, dtype=float)
    if np.any(~np.isfinite(d)) or np.any((d < 0) | (d > 1)):
        raise InputError.at(
            "coupling coordination degree must lie in [0, 1]",
            column="D",
            value=d[~np.isfinite(d) | (d < 0) | (d > 1)].ravel()[:3].tolist(),
            expected="values in [0, 1]",
        )
    code = np.clip(np.floor(np.round(d * 10.0, 12)), 0, 9).astype(int)
    if lang is None:
        return int(code) if code.ndim == 0 else code
    check_lang(lang)
    col = 3 if lang == "zh" else 4
    labels = np.array([lv[col] for lv in COORDINATION_LEVELS], dtype=object)[code]
    return str(labels) if code.ndim == 0 else labels


def _check_weights(weights: Any, names: Sequence[str]) -> np.ndarray:
    n = len(names)
    if weights is None:
        return np.full(n, 1.0 / n)
    if isinstance(weights, dict):
        missing = [s for s in names if s not in weights]
        if missing:
            raise InputError.at(
                "weights do not name every system",
                column="weights",
                value=missing,
                expected=f"a weight for each of {list(names)}",
            )
        w = np.array([weights[s] for s in names], dtype=float)
    elif isinstance(weights, pd.Series):
        w = weights.reindex(names).to_numpy(dtype=float)
    else:
        w = np.asarray(weights, dtype=float).ravel()
    if w.shape != (n,) or not np.all(np.isfinite(w)):
        raise InputError.at(
            "weights must be one finite number per system",
            column="weights",
            value=w.tolist(),
            expected=f"{n} numbers",
        )
    if np.any(w < 0) or abs(w.sum() - 1.0) > 1e-9:
        raise InputError.at(
            "system weights must be non-negative and sum to 1",
            column="weights",
            value=w.tolist(),
            expected="α_i >= 0, Σ α_i = 1 (e.g. 0.5, 0.5)",
        )
    return w


@dataclass(frozen=True)
class CouplingResult(ResultMixin):
    """Coupling coordination of ``n`` subsystems per observation.

    Attributes
    ----------
    U : ndarray, shape (obs, n)
        Subsystem indices (read-only).
    C, T, D : ndarray, shape (obs,)
        Coupling degree, comprehensive development index, coupling coordination degree.
    level : ndarray of int, shape (obs,)
        Class of ``D``, 0 (极度失调) … 9 (优质协调); see :data:`COORDINATION_LEVELS`.
    lagging : ndarray of object, shape (obs,)
        Name of the lagging (lowest) subsystem, or ``None`` where the spread
        ``max U − min U`` is at most ``sync_tol`` (synchronous development).
    systems : tuple[str, ...]
        Subsystem names (column labels).
    index : pandas.Index
        Observation labels.
    weights : ndarray
        ``α_i`` used in ``T``.
    model : str
        ``"conventional"`` or ``"corrected"``.
    notes : tuple[str, ...]
        What was handled specially (all-zero observations).
    lineage : Lineage
    """

    U: np.ndarray
    C: np.ndarray
    T: np.ndarray
    D: np.ndarray
    level: np.ndarray
    lagging: np.ndarray
    systems: tuple[str, ...]
    index: pd.Index
    weights: np.ndarray
    model: str
    sync_tol: float
    notes: tuple[str, ...] = ()
    lineage: Lineage = field(default_factory=lambda: Lineage.make("macro.coupling_coordination"))

    title_en = "Coupling coordination degree"
    title_zh = "耦合协调度"

    def level_labels(self, lang: str = "en") -> np.ndarray:
        """Labels of :attr:`level` in ``lang``."""
        return coordination_level(self.D, lang)

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """One row per observation: the ``U_i``, ``C``, ``T``, ``D``, ``level`` (label),
        ``level_code`` and ``lagging`` (lagging subsystem, or 'synchronous'/'同步型')."""
        check_lang(lang)
        df = pd.DataFrame(np.asarray(self.U), index=self.index, columns=list(self.systems))
        df["C"] = self.C
        df["T"] = self.T
        df["D"] = self.D
        df["level"] = self.level_labels(lang)
        df["level_code"] = np.asarray(self.level)
        df["lagging"] = [(_SYNC[lang] if s is None else s) for s in self.lagging]
        return df

    def _summary_items(self, lang: str = "en") -> Iterable[tuple[str, Any]]:
        zh = lang == "zh"
        counts = np.bincount(np.asarray(self.level), minlength=10)
        top = int(np.argmax(counts))
        return [
            ("模型" if zh else "model", self.model),
            ("子系统" if zh else "systems", ", ".join(self.systems)),
            ("观测数" if zh else "observations", len(self.D)),
            ("平均 C" if zh else "mean C", float(np.mean(self.C))),
            ("平均 T" if zh else "mean T", float(np.mean(self.T))),
            ("平均 D" if zh else "mean D", float(np.mean(self.D))),
            (
                "最常见等级" if zh else "most common level",
                COORDINATION_LEVELS[top][3 if zh else 4] + f" ({counts[top]})",
            ),
        ] + [("说明" if zh else "note", n) for n in self.notes]


def coupling_coordination(
    U: Any,
    weights: Any = None,
    model: str = "conventional",
    *,
    sync_tol: float = 0.1,
) -> CouplingResult:
    """Coupling degree ``C``, development index ``T`` and coordination degree ``D``.

    Parameters
    ----------
    U : array_like or pandas.DataFrame, shape (obs, n)
        Development index of each of ``n >= 2`` subsystems per observation, each in [0, 1].
        A DataFrame keeps its index (e.g. province × year) and column names (system names).
    weights : array_like, dict or Series, optional
        Contribution ``α_i`` of each system to ``T`` (non-negative, summing to 1). Default equal.
    model : {'conventional', 'corrected'}
        Formula of ``C`` (see Notes).
    sync_tol : float, default 0.1
        Where ``max U − min U <= sync_tol`` the observation is "synchronous" (同步型); otherwise
        the subsystem with the lowest ``U`` is the lagging one (e.g. 数字经济滞后型).

    Returns
    -------
    CouplingResult

    Raises
    ------
    InputError
        Fewer than two systems, a missing value, an index outside [0, 1], bad weights or model.

    Notes
    -----
    conventional: ``C = n (Π U_i)^{1/n} / Σ U_i`` (= ``[Π U_i / (Σ U_i / n)^n]^{1/n}``);
    corrected: ``C = sqrt{[1 − Σ_{i>j}|U_i − U_j| / Σ_{m=1}^{n−1} m] · [Π (U_i / max U)]^{1/(n−1)}}``;
    ``T = Σ α_i U_i``; ``D = sqrt(C T)``. All three lie in [0, 1].

    References
    ----------
    Liao Chongbin (廖重斌) (1999). 环境与经济协调发展的定量评判及其分类体系. 热带地理 19(2), 171–177.
    Cong Xiaonan (丛晓男) (2019). 耦合度模型的形式、性质及在地理学中的若干误用. 经济地理 39(4), 18–25.
    Wang Shujie (王淑佳), Kong Wei, Ren Liang, Zhi Dandan, Dai Bingtao (2021). 国内耦合协调度模型的误区及修正.
    自然资源学报 36(3), 793–810.

    Examples
    --------
    Two systems U = (0.64, 0.36): ``C = 2·sqrt(0.64·0.36)/(0.64 + 0.36) = 2·0.48/1 = 0.96``,
    ``T = 0.5``, ``D = sqrt(0.96·0.5) = sqrt(0.48) = 0.6928…`` → level 6 (初级协调):

    >>> r = coupling_coordination([[0.64, 0.36]])
    >>> round(float(r.C[0]), 4), float(r.T[0]), round(float(r.D[0]), 4), int(r.level[0])
    (0.96, 0.5, 0.6928, 6)

    Corrected model: ``C = sqrt((1 − 0.28)·0.36/0.64) = sqrt(0.405) = 0.6364…``:

    >>> round(float(coupling_coordination([[0.64, 0.36]], model="corrected").C[0]), 4)
    0.6364
    """
    if model not in _MODELS:
        raise InputError.at(
            "unknown coupling model", column="model", value=model, expected="'conventional' or 'corrected'"
        )
    if not (isinstance(sync_tol, (int, float)) and 0 <= sync_tol <= 1):
        raise InputError.at("sync_tol must be a number in [0, 1]", column="sync_tol", value=sync_tol)
    X, index, names = unit_matrix(U)
    w = _check_weights(weights, names)
    n = X.shape[1]
    total = X.sum(axis=1)
    zero = total == 0
    notes: list[str] = []
    with np.errstate(invalid="ignore", divide="ignore"):
        if model == "conventional":
            gm = np.exp(np.log(X).mean(axis=1)) if not (X == 0).any() else np.prod(X, axis=1) ** (1.0 / n)
            C = n * gm / np.where(zero, 1.0, total)
        else:
            umax = X.max(axis=1)
            iu, ju = np.triu_indices(n, k=1)
            spread = np.abs(X[:, iu] - X[:, ju]).sum(axis=1) / (n * (n - 1) / 2.0)
            ratio = np.prod(X / np.where(zero, 1.0, umax)[:, None], axis=1) ** (1.0 / (n - 1))
            C = np.sqrt(np.clip(1.0 - spread, 0.0, None) * ratio)
    C = np.where(zero, 0.0, C)
    C = np.clip(C, 0.0, 1.0)  # remove round-off above 1 (C <= 1 by the AM–GM inequality)
    if zero.any():
        notes.append(
            f"{int(zero.sum())} observation(s) with every U_i = 0: C set to 0 "
            f"(first: {index[np.argmax(zero)]!s})"
        )
    T = X @ w
    D = np.sqrt(C * T)
    level = coordination_level(np.clip(D, 0.0, 1.0))
    spread_abs = X.max(axis=1) - X.min(axis=1)
    low = X.argmin(axis=1)
    lagging = np.array(
        [None if s <= sync_tol + 1e-12 else names[k] for s, k in zip(spread_abs, low)], dtype=object
    )
    return CouplingResult(
        U=readonly(X),
        C=readonly(C),
        T=readonly(T),
        D=readonly(D),
        level=readonly(np.atleast_1d(level)),
        lagging=readonly(lagging),
        systems=tuple(names),
        index=index,
        weights=readonly(w),
        model=model,
        sync_tol=float(sync_tol),
        notes=tuple(notes),
        lineage=Lineage.make(
            "macro.coupling_coordination",
            {
                "model": model,
                "weights": w.tolist(),
                "systems": list(names),
                "sync_tol": sync_tol,
                "n_obs": int(X.shape[0]),
            },
        ),
    )
