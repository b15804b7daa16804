"""Inoperability input–output model (IIM), static and dynamic (Santos & Haimes 2004; Lian & Haimes 2006).

Inoperability q_i ∈ [0, 1] is the share of sector i's planned output that is lost. With the
interdependency matrix A* = x̂⁻¹ A x̂ (a*_ij = a_ij x_j / x_i) and the demand-side perturbation
c*_i = Δc_i / x_i (share of output lost through final demand), the static IIM is
q = A* q + c*, so q = (I − A*)⁻¹ c*; the economic loss of sector i is q_i x_i (= (L Δc)_i).

The dynamic IIM lets each sector recover at its own speed k_i (resilience coefficient):
q(t + 1) = q(t) + K [A* q(t) + c*(t) − q(t)], K = diag(k). Lian & Haimes (2006) calibrate
k_i = ln(q_i(0) / q_i(T_i)) / (T_i (1 − a*_ii)) from a recovery time T_i to a residual q_i(T_i).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

import numpy as np
import pandas as pd

from industrial_brain._shared.results import ResultMixin, readonly
from industrial_brain.errors import InputError, MethodError
from industrial_brain.lineage import Lineage
from industrial_brain.meso._common import as_matrix, as_vector, labels_of, sector_labels
from industrial_brain.meso.leontief import LeontiefLU

__all__ = [
    "IIMResult",
    "DynamicIIMResult",
    "interdependency_matrix",
    "inoperability",
    "dynamic_inoperability",
    "recovery_coefficients",
]


def interdependency_matrix(A: Any, x: Any) -> np.ndarray:
    """A* = x̂⁻¹ A x̂ (a*_ij = a_ij x_j / x_i; rows of zero-output sectors are 0).

    Examples
    --------
    >>> import numpy as np
    >>> interdependency_matrix(np.array([[0.15, 0.25], [0.2, 0.05]]), [1000.0, 2000.0])
    array([[0.15, 0.5 ],
           [0.1 , 0.05]])
    """
    Am = as_matrix(A, "A", square=True)
    xv = as_vector(x, "x", Am.shape[0])
    inv = np.zeros_like(xv)
    np.divide(1.0, xv, out=inv, where=xv != 0)
    return inv[:, None] * Am * xv[None, :]


@dataclass(frozen=True)
class IIMResult(ResultMixin):
    """Static inoperability.

    Attributes
    ----------
    table : DataFrame
        Index = sector; ``c_star`` (perturbation), ``q`` (inoperability), ``loss`` (q·x, table units).
    A_star : ndarray
        Interdependency matrix x̂⁻¹ A x̂ (read-only).
    total_loss : float
    lineage : Lineage
    """

    table: pd.DataFrame
    A_star: np.ndarray
    total_loss: float
    lineage: Lineage

    title_en = "Inoperability input–output model"
    title_zh = "不可操作性投入产出模型"

    @property
    def q(self) -> pd.Series:
        """Inoperability q (share of output lost) by sector."""
        return self.table["q"]

    def _summary_items(self, lang: str = "en") -> Iterable[tuple[str, Any]]:
        zh = lang == "zh"
        yield ("经济损失合计" if zh else "total economic loss", self.total_loss)
        yield (
            "最大不可操作性" if zh else "highest inoperability",
            f"{self.table['q'].idxmax()} ({self.table['q'].max():.4%})",
        )
        yield ("损失最大部门" if zh else "largest loss", str(self.table["loss"].idxmax()))

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """One row per sector."""
        return self.table.sort_values("loss", ascending=False)


def inoperability(A: Any, x: Any, c_star: Any) -> IIMResult:
    """Static IIM: q = (I − A*)⁻¹ c* with A* = x̂⁻¹ A x̂; economic loss q ∘ x.

    Parameters
    ----------
    A : (n, n) array or DataFrame
        Technical coefficients.
    x : (n,) array
        Planned (as-planned) gross output.
    c_star : (n,) array
        Demand-side perturbation: final demand lost as a share of output, c*_i = Δc_i / x_i.

    Returns
    -------
    IIMResult

    Notes
    -----
    q solves (I − A*) q = c* (one LU solve). Since A* = x̂⁻¹ A x̂, q ∘ x = L (c* ∘ x): the loss
    equals the Leontief demand-shock result for Δc = c* ∘ x.

    References
    ----------
    Santos, J. R. & Haimes, Y. Y. (2004). Modeling the demand reduction input–output (I–O)
    inoperability due to terrorism of interconnected infrastructures. *Risk Analysis* 24(6), 1437–1451.
    Haimes, Y. Y. & Jiang, P. (2001). Leontief-based model of risk in complex interconnected
    infrastructures. *Journal of Infrastructure Systems* 7(1), 1–12.

    Examples
    --------
    Miller & Blair's two sectors, x = (1000, 2000); final demand of sector 1 falls by 10 % of its
    final demand (350 → 315): c* = (35/1000, 0). A* = [[.15, .5], [.1, .05]];
    q = (I − A*)⁻¹ c* = (0.043894, 0.004620), losses (43.89, 9.24) = L·(35, 0).

    >>> import numpy as np
    >>> r = inoperability(np.array([[0.15, 0.25], [0.2, 0.05]]), [1000.0, 2000.0], [0.035, 0.0])
    >>> np.round(r.q.to_numpy(), 6), round(r.total_loss, 2)
    (array([0.043894, 0.00462 ]), 53.14)
    """
    Am = as_matrix(A, "A", square=True)
    n = Am.shape[0]
    idx, cols = labels_of(A)
    labels = sector_labels(n, cols, idx)
    xv = as_vector(x, "x", n, labels=cols)
    cs = as_vector(c_star, "c_star", n, labels=cols)
    if (xv < 0).any():
        raise InputError.at("x must be non-negative", value=float(xv.min()))
    A_star = interdependency_matrix(Am, xv)
    q = LeontiefLU(A_star).solve(cs)
    loss = q * xv
    table = pd.DataFrame({"x": xv, "c_star": cs, "q": q, "loss": loss}, index=labels)
    return IIMResult(
        table=readonly(table),
        A_star=readonly(A_star),
        total_loss=float(loss.sum()),
        lineage=Lineage.make("meso.resilience.inoperability", {"n": n, "c_star_max": float(cs.max())}),
    )


def recovery_coefficients(A_star: Any, recovery_time: Any, q0: Any, qT: Any = 0.01) -> np.ndarray:
    """Resilience coefficients k_i = ln(q_i(0)/q_i(T_i)) / (T_i (1 − a*_ii)) (Lian & Haimes 2006).

    Parameters
    ----------
    A_star : (n, n) array
    recovery_time : float or (n,) array
        T_i, days for sector i to fall from q_i(0) to q_i(T_i).
    q0 : float or (n,) array
        Initial inoperability.
    qT : float or (n,) array, default 0.01
        Inoperability counted as recovered.

    Examples
    --------
    >>> import numpy as np
    >>> k = recovery_coefficients(np.zeros((1, 1)), 100.0, 0.5, 0.005)   # ln(100)/100
    >>> round(float(k[0]), 6)
    0.046052
    """
    As = as_matrix(A_star, "A_star", square=True)
    n = As.shape[0]
    T = np.broadcast_to(np.asarray(recovery_time, dtype=np.float64), (n,))
    a, b = (np.broadcast_to(np.asarray(v, dtype=np.float64), (n,)) for v in (q0, qT))
    if (T <= 0).any() or (a <= 0).any() or (b <= 0).any() or (b >= a).any():
        raise InputError.at(
            "need T > 0 and 0 < q(T) < q(0)", value=(float(T.min()), float(a.min()), float(b.max()))
        )
    d = 1.0 - np.diag(As)
    if (d <= 0).any():
        raise MethodError("a*_ii ≥ 1: the sector cannot recover")
    return np.log(a / b) / (T * d)


@dataclass(frozen=True)
class DynamicIIMResult(ResultMixin):
    """Dynamic inoperability trajectories.

    Attributes
    ----------
    q : DataFrame
        Day × sector inoperability q(t), t = 0 … days.
    loss : DataFrame
        Day × sector economic loss q_i(t) x_i / period (table units per day).
    recovery_time : Series
        First day from which q_i stays below ``tol`` × its peak (NaN = not recovered in the run).
    total_loss : float
    lineage : Lineage
    """

    q: pd.DataFrame
    loss: pd.DataFrame
    recovery_time: pd.Series
    total_loss: float
    lineage: Lineage

    title_en = "Dynamic inoperability input–output model"
    title_zh = "动态不可操作性投入产出模型"

    def _summary_items(self, lang: str = "en") -> Iterable[tuple[str, Any]]:
        zh = lang == "zh"
        yield ("天数" if zh else "days", len(self.q) - 1)
        yield ("累计经济损失" if zh else "cumulative economic loss", self.total_loss)
        yield ("最长恢复时间" if zh else "longest recovery (days)", float(self.recovery_time.max()))

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """One row per sector."""
        return pd.DataFrame(
            {"peak_q": self.q.max(), "cumulative_loss": self.loss.sum(), "recovery_time": self.recovery_time}
        )


def dynamic_inoperability(
    A: Any,
    x: Any,
    k: Any,
    *,
    q0: Any | None = None,
    c_star: Any | None = None,
    days: int = 365,
    period: float = 365.0,
    tol: float = 0.01,
) -> DynamicIIMResult:
    """Dynamic IIM: q(t+1) = q(t) + K [A* q(t) + c*(t) − q(t)] (Lian & Haimes 2006).

    Parameters
    ----------
    A, x : technical coefficients and planned output.
    k : float or (n,) array
        Resilience (recovery) coefficients per day, 0 < k_i ≤ 1 (see :func:`recovery_coefficients`).
    q0 : (n,) array, optional
        Initial inoperability (default 0).
    c_star : (n,) array or (days, n) array, optional
        Perturbation, constant or one row per day (default 0).
    days : int
        Steps to simulate.
    period : float
        Days in the period of x (365 for annual output): the daily loss is q_i x_i / period.
    tol : float
        Recovery when q_i(t) < tol × max_t q_i(t) for good.

    Returns
    -------
    DynamicIIMResult

    Notes
    -----
    With constant c* and 0 < k_i ≤ 1 the path converges to the static q = (I − A*)⁻¹ c*.

    References
    ----------
    Lian, C. & Haimes, Y. Y. (2006). Managing the risk of terrorism to interdependent infrastructure
    systems through the dynamic inoperability input–output model. *Systems Engineering* 9(3), 241–258.

    Examples
    --------
    One sector without interdependency, q(0) = 0.5, k = 0.1: q(t) = 0.5 · 0.9ᵗ.

    >>> import numpy as np
    >>> r = dynamic_inoperability(np.zeros((1, 1)), [365.0], 0.1, q0=[0.5], days=2)
    >>> np.round(r.q.iloc[:, 0].to_numpy(), 4)
    array([0.5  , 0.45 , 0.405])
    """
    Am = as_matrix(A, "A", square=True)
    n = Am.shape[0]
    idx, cols = labels_of(A)
    labels = sector_labels(n, cols, idx)
    xv = as_vector(x, "x", n)
    kv = np.broadcast_to(np.asarray(k, dtype=np.float64), (n,)).copy()
    if (kv <= 0).any() or (kv > 1).any():
        raise InputError.at("resilience coefficients must be in (0, 1]", value=float(kv.min()))
    q = np.zeros(n) if q0 is None else as_vector(q0, "q0", n).copy()
    if c_star is None:
        cs = np.zeros((days, n))
    else:
        c = np.asarray(c_star, dtype=np.float64)
        cs = np.broadcast_to(c, (days, n)) if c.ndim == 1 else c
        if cs.shape != (days, n):
            raise InputError.at(
                "c_star has the wrong shape", value=cs.shape, expected=f"({n},) or ({days}, {n})"
            )
    As = interdependency_matrix(Am, xv)
    out = np.empty((days + 1, n))
    out[0] = q
    for t in range(days):
        q = q + kv * (As @ q + cs[t] - q)
        out[t + 1] = q
    loss = out * xv[None, :] / period
    peak = np.abs(out).max(axis=0)
    below = np.abs(out) < tol * np.where(peak > 0, peak, 1.0)
    not_below = ~below
    last_off = np.where(not_below.any(axis=0), out.shape[0] - 1 - np.argmax(not_below[::-1], axis=0), -1)
    rec = (last_off + 1).astype(float)
    rec[last_off == out.shape[0] - 1] = np.nan
    rec[peak == 0] = 0.0
    qf = pd.DataFrame(out, index=pd.RangeIndex(days + 1, name="day"), columns=labels)
    lf = pd.DataFrame(loss, index=qf.index, columns=labels)
    return DynamicIIMResult(
        q=readonly(qf),
        loss=readonly(lf),
        recovery_time=pd.Series(rec, index=labels),
        total_loss=float(loss[1:].sum()),
        lineage=Lineage.make(
            "meso.resilience.dynamic_inoperability", {"n": n, "days": days, "period": period, "tol": tol}
        ),
    )
