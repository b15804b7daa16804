"""Demand-driven (Leontief) quantity model: technical coefficients A, Leontief inverse L, solves with L.

The open Leontief model follows from the row identity x = Z·1 + y = A x + y, so
x = (I − A)⁻¹ y = L y (Miller & Blair 2009, eqs. 2.4–2.10).

Performance: most accounts need only *products* with L (L y, or s'L for multipliers), never L
itself. :class:`LeontiefLU` factorises (I − A)ᵀ once with LAPACK ``getrf`` and answers both
L·Y (``solve``) and S·L (``solve_left``) from the same factors; :func:`leontief_inverse` forms L
explicitly (``getri`` on the same factors, so the matrix is never inverted twice). (I − A)ᵀ rather
than (I − A) is factorised because numpy arrays are row-major: the transpose is a Fortran-ordered
view, so LAPACK can work in place without a copy.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
from scipy.linalg import LinAlgWarning, lapack, lu_factor, lu_solve

from industrial_brain.errors import InputError, MethodError
from industrial_brain.meso._common import (
    as_matrix,
    as_vector,
    divide_by_output,
    labels_of,
    like_matrix,
    like_vector,
)

__all__ = [
    "technical_coefficients",
    "leontief_inverse",
    "LeontiefLU",
    "output_from_demand",
    "flows_from_coefficients",
]


def technical_coefficients(Z: Any, x: Any) -> Any:
    """Technical (input) coefficients A = Z x̂⁻¹.

    Parameters
    ----------
    Z : (n, n) ndarray or DataFrame
        Intermediate flows, rows = selling sector, columns = buying sector.
    x : (n,) ndarray or Series
        Gross output (aligned on Z's columns when labelled).

    Returns
    -------
    ndarray or DataFrame
        A, of the same kind as ``Z`` (labels kept).

    Notes
    -----
    a_ij = z_ij / x_j. A sector with x_j = 0 keeps a zero column (as pymrio does) and a
    :class:`~industrial_brain.meso._common.ZeroOutputWarning` names it, rather than silently
    producing inf/NaN or silently zeroing.

    References
    ----------
    Miller, R. E. & Blair, P. D. (2009). *Input–Output Analysis: Foundations and Extensions*
    (2nd ed.). Cambridge University Press, eq. (2.4), Table 2.3.

    Examples
    --------
    >>> import numpy as np
    >>> technical_coefficients(np.array([[150., 500.], [200., 100.]]), np.array([1000., 2000.]))
    array([[0.15, 0.25],
           [0.2 , 0.05]])
    """
    Zm, _, r, _, idx, cols = divide_by_output(Z, x, "Z", axis=1)
    return like_matrix(Zm * r[None, :], idx, cols)


def flows_from_coefficients(A: Any, x: Any) -> Any:
    """Intermediate flows Z = A x̂ (inverse of :func:`technical_coefficients`).

    Examples
    --------
    >>> import numpy as np
    >>> flows_from_coefficients(np.array([[0.15, 0.25], [0.2, 0.05]]), np.array([1000., 2000.]))
    array([[150., 500.],
           [200., 100.]])
    """
    idx, cols = labels_of(A)
    Am = as_matrix(A, "A", square=True)
    xv = as_vector(x, "x", Am.shape[1], labels=cols)
    return like_matrix(Am * xv[None, :], idx, cols)


class LeontiefLU:
    """LU factors of (I − A)ᵀ, reused for every product with the Leontief inverse L = (I − A)⁻¹.

    Parameters
    ----------
    A : (n, n) ndarray or DataFrame
        Technical coefficients.
    overwrite_a : bool, default False
        If True and ``A`` is a C-contiguous float64 ndarray, its buffer is overwritten with the
        factors (no extra n × n copy): use for very large systems you no longer need A for.

    Notes
    -----
    ``solve(Y)`` returns L·Y (solves (I − A) X = Y), ``solve_left(S)`` returns S·L (solves
    (I − A)ᵀ Mᵀ = Sᵀ). Each solve costs O(n² k) for k right-hand sides after one O(n³/3)
    factorisation, against O(n³) for an explicit inverse.

    Examples
    --------
    >>> import numpy as np
    >>> lu = LeontiefLU(np.array([[0.15, 0.25], [0.2, 0.05]]))
    >>> np.round(lu.solve(np.array([350., 1700.])), 6)   # x = L y, Miller & Blair Table 2.3
    array([1000., 2000.])
    >>> np.round(lu.solve_left(np.ones(2)), 4)            # output multipliers 1'L
    array([1.5182, 1.4521])
    """

    __slots__ = ("lu", "piv", "n", "labels")

    def __init__(self, A: Any, *, overwrite_a: bool = False) -> None:
        idx, cols = labels_of(A)
        self.labels = cols if cols is not None else idx
        if overwrite_a and isinstance(A, np.ndarray) and A.dtype == np.float64 and A.flags.c_contiguous:
            if A.ndim != 2 or A.shape[0] != A.shape[1]:
                raise InputError.at("A must be square", value=f"shape {A.shape}", expected="n × n")
            M = A
            np.negative(M, out=M)
        else:
            Am = as_matrix(A, "A", square=True)
            M = np.negative(Am)  # new C-ordered buffer
        M.flat[:: M.shape[0] + 1] += 1.0  # M = I − A
        self.n = M.shape[0]
        # M.T is the Fortran-ordered (I − A)ᵀ: factorised in place
        with warnings.catch_warnings():  # singularity is reported below as a MethodError
            warnings.simplefilter("ignore", LinAlgWarning)
            lu, piv = lu_factor(M.T, overwrite_a=True, check_finite=False)
        d = np.abs(np.diag(lu))
        if self.n and (d.min() <= np.finfo(np.float64).eps * max(d.max(), 1.0) * self.n):
            raise MethodError(
                "I − A is singular (a sector or block of sectors uses up all of its own "
                "output): the Leontief inverse does not exist"
            )
        self.lu, self.piv = lu, piv

    def solve(self, Y: Any) -> np.ndarray:
        """L·Y: gross output needed for final demand Y (vector or n × k matrix)."""
        Yv = np.asarray(Y, dtype=np.float64)
        return lu_solve((self.lu, self.piv), Yv, trans=1, check_finite=False)

    def solve_left(self, S: Any) -> np.ndarray:
        """S·L for a row vector or k × n matrix S (e.g. multipliers M = S L)."""
        Sv = np.asarray(S, dtype=np.float64)
        if Sv.ndim == 1:
            return lu_solve((self.lu, self.piv), Sv, trans=0, check_finite=False)
        return lu_solve((self.lu, self.piv), Sv.T, trans=0, check_finite=False).T

    def inverse(self, *, overwrite: bool = False) -> np.ndarray:
        """The explicit Leontief inverse L (``getri`` on the stored factors; C-ordered).

        With ``overwrite=True`` the factors' buffer is reused (the object is then unusable).
        """
        # the optimal workspace: scipy's default (lwork = n) makes getri unblocked, ~10× slower at n ≈ 1,300
        lwork, _ = lapack.dgetri_lwork(self.n)
        inv, info = lapack.dgetri(self.lu, self.piv, lwork=max(int(lwork), self.n), overwrite_lu=overwrite)
        if info != 0:  # pragma: no cover - singularity is caught at factorisation
            raise MethodError("I − A is singular: the Leontief inverse does not exist")
        if overwrite:
            self.lu = None  # type: ignore[assignment]
        return inv.T  # inverse of (I − A)ᵀ, transposed: L (C-ordered view)

    def diagonal(self) -> np.ndarray:  # pragma: no cover - convenience
        """diag(L) (forms L)."""
        return np.diag(self.inverse()).copy()


def leontief_inverse(A: Any) -> Any:
    """Leontief inverse L = (I − A)⁻¹.

    Parameters
    ----------
    A : (n, n) ndarray or DataFrame
        Technical coefficients.

    Returns
    -------
    ndarray or DataFrame
        L, of the same kind as ``A`` (labels kept).

    Raises
    ------
    MethodError
        If I − A is singular.

    Notes
    -----
    From x = A x + y: (I − A) x = y, so x = L y. Computed by one LU factorisation of (I − A)ᵀ and
    ``getri`` (one n × n working buffer besides A). Use :class:`LeontiefLU` when only products
    with L are needed.

    References
    ----------
    Miller, R. E. & Blair, P. D. (2009). *Input–Output Analysis* (2nd ed.), eq. (2.10), Table 2.4.

    Examples
    --------
    >>> import numpy as np
    >>> np.round(leontief_inverse(np.array([[0.15, 0.25], [0.2, 0.05]])), 4)
    array([[1.2541, 0.33  ],
           [0.264 , 1.1221]])
    """
    idx, cols = labels_of(A)
    L = LeontiefLU(A).inverse(overwrite=True)
    return like_matrix(np.ascontiguousarray(L), idx, cols)


def output_from_demand(A: Any, y: Any) -> Any:
    """Gross output x = L y that final demand y requires (without forming L).

    Examples
    --------
    >>> import numpy as np
    >>> np.round(output_from_demand(np.array([[0.15, 0.25], [0.2, 0.05]]), np.array([350., 1700.])), 6)
    array([1000., 2000.])
    """
    idx, cols = labels_of(A)
    lu = LeontiefLU(A)
    if isinstance(y, pd.DataFrame):
        Y = y.reindex(cols) if cols is not None else y
        return pd.DataFrame(lu.solve(Y.to_numpy(dtype=np.float64)), index=idx, columns=y.columns)
    yv = as_vector(y, "y", lu.n, labels=cols)
    return like_vector(lu.solve(yv), idx, "x")
