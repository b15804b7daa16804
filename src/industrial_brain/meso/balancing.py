"""Matrix balancing to new margins: RAS (biproportional) and GRAS (with negative cells).

RAS finds Z = r̂ Z⁰ ŝ with given row sums u and column sums v (Stone 1961; Bacharach 1970).
GRAS (Junius & Oosterhaven 2003, with the correction of Lenzen, Wood & Gallego 2007) splits
Z⁰ = P − N into its positive and negative parts and finds Z = r̂ P ŝ − r̂⁻¹ N ŝ⁻¹, which keeps every
cell's sign and minimises an information-loss (entropy) measure. Cells can be held fixed (known
flows), which the 31-province MRIO construction needs: their values are subtracted from the
targets and only the free cells are scaled.

Written here rather than taken from a library because no maintained Python package offers GRAS
with fixed cells and convergence diagnostics (pymrio has neither RAS nor GRAS).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

import numpy as np
import pandas as pd

from industrial_brain.errors import InputError, MethodError
from industrial_brain.lineage import Lineage
from industrial_brain._shared.results import ResultMixin, readonly
from industrial_brain.meso._common import as_matrix, as_vector, labels_of, like_matrix

__all__ = ["BalancingResult", "ras", "gras"]


@dataclass(frozen=True)
class BalancingResult(ResultMixin):
    """A balanced matrix with its convergence diagnostics.

    Attributes
    ----------
    Z : ndarray or DataFrame
        The balanced matrix (same kind and labels as the prior).
    r, s : ndarray
        Row and column multipliers (Z = r̂ P ŝ − r̂⁻¹ N ŝ⁻¹; N = 0 for RAS).
    converged : bool
    iterations : int
    max_residual : float
        Largest |sum − target| over rows and columns at the end (table units).
    history : ndarray
        Largest residual after each iteration (read-only).
    row_residual, col_residual : ndarray
        Final Z·1 − u and 1'Z − v.
    method : str
        ``"ras"`` or ``"gras"``.
    notes : tuple of str
    lineage : Lineage
    """

    Z: Any
    r: np.ndarray
    s: np.ndarray
    converged: bool
    iterations: int
    max_residual: float
    history: np.ndarray
    row_residual: np.ndarray
    col_residual: np.ndarray
    method: str
    notes: tuple[str, ...]
    lineage: Lineage

    title_en = "Matrix balancing"
    title_zh = "矩阵平衡（RAS/GRAS）"

    def _summary_items(self, lang: str = "en") -> Iterable[tuple[str, Any]]:
        zh = lang == "zh"
        yield ("方法" if zh else "method", self.method.upper())
        yield ("是否收敛" if zh else "converged", str(self.converged))
        yield ("迭代次数" if zh else "iterations", self.iterations)
        yield ("最大残差" if zh else "max residual", self.max_residual)
        for n in self.notes:
            yield ("说明" if zh else "note", n)

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """Residuals by row and column (``axis``, ``position``, ``residual``)."""
        f = pd.DataFrame(
            {
                "axis": ["row"] * len(self.row_residual) + ["column"] * len(self.col_residual),
                "position": list(range(len(self.row_residual))) + list(range(len(self.col_residual))),
                "residual": np.concatenate([self.row_residual, self.col_residual]),
            }
        )
        if lang == "zh":
            f["axis"] = f["axis"].map({"row": "行", "column": "列"})
            f = f.rename(columns={"axis": "方向", "position": "位置", "residual": "残差"})
        return f


def _prepare(Z0: Any, u: Any, v: Any, fixed: Any | None, rtol: float, atol: float | None):
    idx, cols = labels_of(Z0)
    Z = as_matrix(Z0, "Z0")
    m, n = Z.shape
    uv = as_vector(u, "u", m, labels=idx)
    vv = as_vector(v, "v", n, labels=cols)
    scale = max(np.abs(uv).max(initial=0.0), np.abs(vv).max(initial=0.0), 1.0)
    atol_ = 1e-12 * scale if atol is None else float(atol)
    if abs(uv.sum() - vv.sum()) > max(rtol, 1e-9) * max(abs(uv.sum()), abs(vv.sum()), 1.0) + atol_ * (m + n):
        raise InputError.at(
            "row and column targets have different totals",
            column="u, v",
            value=f"Σu={uv.sum():.6g}, Σv={vv.sum():.6g}",
            expected="equal totals",
        )
    fixed_m = None
    if fixed is not None:
        fixed_m = np.asarray(fixed.to_numpy() if isinstance(fixed, pd.DataFrame) else fixed, dtype=bool)
        if fixed_m.shape != Z.shape:
            raise InputError.at("fixed mask has the wrong shape", value=fixed_m.shape, expected=str(Z.shape))
        Zfix = np.where(fixed_m, Z, 0.0)
        uv = uv - Zfix.sum(axis=1)
        vv = vv - Zfix.sum(axis=0)
        Z = np.where(fixed_m, 0.0, Z)
    return idx, cols, Z, uv, vv, fixed_m, atol_


def _residuals(
    Zb: np.ndarray, u_: np.ndarray, v_: np.ndarray, rtol: float, atol_: float
) -> tuple[np.ndarray, np.ndarray, float, bool]:
    """Row and column residuals of ``Zb`` against the targets, the largest one, and whether both
    margins hold (every |sum − target| ≤ atol + rtol·|target|)."""
    row_res = Zb.sum(axis=1) - u_
    col_res = Zb.sum(axis=0) - v_
    maxres = float(max(np.abs(row_res).max(initial=0.0), np.abs(col_res).max(initial=0.0)))
    ok = bool(
        np.all(np.abs(row_res) <= atol_ + rtol * np.abs(u_))
        and np.all(np.abs(col_res) <= atol_ + rtol * np.abs(v_))
    )
    return row_res, col_res, maxres, ok


def _finish(
    method, idx, cols, Z0full, Zfree, fixed_m, u_free, v_free, r, s, it, hist, rtol, atol_, strict, notes
) -> BalancingResult:
    Zout = Zfree if fixed_m is None else np.where(fixed_m, Z0full, Zfree)
    row_res, col_res, maxres, ok = _residuals(Zfree, u_free, v_free, rtol, atol_)
    if not ok:
        worst_r = int(np.argmax(np.abs(row_res))) if len(row_res) else -1
        worst_c = int(np.argmax(np.abs(col_res))) if len(col_res) else -1
        msg = (
            f"{method.upper()} did not converge in {it} iterations: largest residual {maxres:.3g} "
            f"(row {worst_r + 1}: {row_res[worst_r]:.3g}; column {worst_c + 1}: {col_res[worst_c]:.3g}); "
            "check for rows/columns of zeros with non-zero targets or sign-infeasible targets"
        )
        if strict:
            raise MethodError(msg)
        notes.append(msg)
    hist_a = np.asarray(hist, dtype=np.float64)
    return BalancingResult(
        Z=like_matrix(Zout, idx, cols),
        r=readonly(r),
        s=readonly(s),
        converged=ok,
        iterations=it,
        max_residual=maxres,
        history=readonly(hist_a),
        row_residual=readonly(row_res),
        col_residual=readonly(col_res),
        method=method,
        notes=tuple(notes),
        lineage=Lineage.make(
            f"meso.{method}",
            {
                "shape": list(Zout.shape),
                "rtol": rtol,
                "atol": atol_,
                "fixed_cells": 0 if fixed_m is None else int(fixed_m.sum()),
            },
        ),
    )


def ras(
    Z0: Any,
    u: Any,
    v: Any,
    *,
    fixed: Any | None = None,
    rtol: float = 1e-10,
    atol: float | None = None,
    max_iter: int = 10_000,
    strict: bool = True,
) -> BalancingResult:
    """Biproportional (RAS) balancing of a non-negative matrix to row sums u and column sums v.

    Parameters
    ----------
    Z0 : (m, n) ndarray or DataFrame
        Prior, all cells ≥ 0 (use :func:`gras` for negative cells).
    u, v : arrays
        Target row sums (m) and column sums (n); Σu must equal Σv.
    fixed : (m, n) bool array, optional
        Cells to keep at their prior value.
    rtol, atol : float
        Converged when every |sum − target| ≤ atol + rtol·|target| (atol defaults to
        1e-12 × the largest target).
    max_iter : int
    strict : bool, default True
        Raise :class:`MethodError` if not converged (else report it in ``notes``).

    Returns
    -------
    BalancingResult

    Notes
    -----
    Alternately r_i = u_i / Σ_j z⁰_ij s_j and s_j = v_j / Σ_i r_i z⁰_ij until both margins hold.
    Zero cells stay zero; a zero row or column with a non-zero target cannot be balanced.

    References
    ----------
    Bacharach, M. (1970). *Biproportional Matrices and Input-Output Change*. Cambridge UP.
    Miller & Blair (2009), section 7.4.2 (the RAS technique), Tables 7.8–7.9.

    Examples
    --------
    >>> import numpy as np
    >>> res = ras(np.array([[1., 1.], [1., 1.]]), [3., 1.], [2., 2.])
    >>> np.round(res.Z, 6)
    array([[1.5, 1.5],
           [0.5, 0.5]])
    """
    idx, cols, Z, u_, v_, fixed_m, atol_ = _prepare(Z0, u, v, fixed, rtol, atol)
    if (Z < 0).any():
        raise InputError.at(
            "RAS needs a non-negative prior",
            column="Z0",
            value=float(Z.min()),
            expected="cells ≥ 0 (use gras for negative cells)",
        )
    Z0full = as_matrix(Z0, "Z0")
    m, n = Z.shape
    r = np.ones(m)
    s = np.ones(n)
    hist: list[float] = []
    it = 0
    for it in range(1, max_iter + 1):
        cs = r @ Z
        s = np.divide(v_, cs, out=np.ones(n), where=cs > 0)
        rs = Z @ s
        r = np.divide(u_, rs, out=np.ones(m), where=rs > 0)
        Zb = r[:, None] * Z * s[None, :]
        _, _, err, ok = _residuals(Zb, u_, v_, rtol, atol_)
        hist.append(err)
        if ok:
            break
    Zb = r[:, None] * Z * s[None, :]
    return _finish("ras", idx, cols, Z0full, Zb, fixed_m, u_, v_, r, s, it, hist, rtol, atol_, strict, [])


def gras(
    Z0: Any,
    u: Any,
    v: Any,
    *,
    fixed: Any | None = None,
    rtol: float = 1e-10,
    atol: float | None = None,
    max_iter: int = 10_000,
    strict: bool = True,
) -> BalancingResult:
    """Generalised RAS (GRAS) for matrices with positive and negative cells.

    Parameters
    ----------
    Z0 : (m, n) ndarray or DataFrame
        Prior (any signs).
    u, v : arrays
        Target row and column sums (may be negative).
    fixed, rtol, atol, max_iter, strict :
        As in :func:`ras`.

    Returns
    -------
    BalancingResult

    Notes
    -----
    With P = max(Z⁰, 0), N = max(−Z⁰, 0) and Z = r̂Pŝ − r̂⁻¹Nŝ⁻¹, each column multiplier solves
    p_j(r) s_j − n_j(r)/s_j = v_j, i.e. s_j = (v_j + √(v_j² + 4 p_j n_j)) / (2 p_j), where
    p_j(r) = Σ_i p_ij r_i and n_j(r) = Σ_i n_ij / r_i; if p_j = 0, s_j = −n_j / v_j (Lenzen et al.
    2007, eq. 8). Row multipliers likewise; iterate until both margins hold. Signs are preserved.

    References
    ----------
    Junius, T. & Oosterhaven, J. (2003). The solution of updating or regionalizing a matrix with
    both positive and negative entries. *Economic Systems Research* 15(1), 87–96.
    Lenzen, M., Wood, R. & Gallego, B. (2007). Some comments on the GRAS method. *Economic Systems
    Research* 19(4), 461–465.
    Temurshoev, U., Miller, R. E. & Bouwmeester, M. C. (2013). A note on the GRAS method.
    *Economic Systems Research* 25(3), 361–367.

    Examples
    --------
    A 1 × 2 prior [3, −1] to row sum 4 and column sums [5, −1]: only s moves, s = (5/3, 1).

    >>> import numpy as np
    >>> res = gras(np.array([[3., -1.]]), [4.], [5., -1.])
    >>> np.round(res.Z, 6)
    array([[ 5., -1.]])
    """
    idx, cols, Z, u_, v_, fixed_m, atol_ = _prepare(Z0, u, v, fixed, rtol, atol)
    Z0full = as_matrix(Z0, "Z0")
    P = np.maximum(Z, 0.0)
    N = np.maximum(-Z, 0.0)
    has_neg = bool(N.any())
    m, n = Z.shape
    r = np.ones(m)
    s = np.ones(n)
    hist: list[float] = []
    it = 0

    def _solve(p: np.ndarray, q: np.ndarray, t: np.ndarray) -> np.ndarray:
        out = np.ones_like(t)
        pos = p > 0
        disc = np.sqrt(np.maximum(t * t + 4.0 * p * q, 0.0))
        out[pos] = (t[pos] + disc[pos]) / (2.0 * p[pos])
        onlyneg = ~pos & (q > 0) & (t < 0)
        out[onlyneg] = -q[onlyneg] / t[onlyneg]
        return out

    def _inv(a: np.ndarray) -> np.ndarray:
        return np.divide(1.0, a, out=np.zeros_like(a), where=a > 0)

    def _compose(r: np.ndarray, s: np.ndarray) -> np.ndarray:
        Zb = r[:, None] * P * s[None, :]
        if has_neg:
            Zb -= _inv(r)[:, None] * N * _inv(s)[None, :]
        return Zb

    for it in range(1, max_iter + 1):
        s = _solve(r @ P, _inv(r) @ N if has_neg else np.zeros(n), v_)
        r = _solve(P @ s, N @ _inv(s) if has_neg else np.zeros(m), u_)
        Zb = _compose(r, s)
        _, _, err, ok = _residuals(Zb, u_, v_, rtol, atol_)
        hist.append(err)
        if ok:
            break
    Zb = _compose(r, s)
    return _finish("gras", idx, cols, Z0full, Zb, fixed_m, u_, v_, r, s, it, hist, rtol, atol_, strict, [])
