"""Shared helpers of the input–output engine: array/frame handling, zero-output bookkeeping.

Every public function of :mod:`industrial_brain.meso` accepts numpy arrays or labelled pandas
objects and returns the same kind: these helpers strip labels on the way in (float64, no copy when
possible) and put them back on the way out.
"""

from __future__ import annotations

import warnings
from typing import Any, Sequence

import numpy as np
import pandas as pd

from industrial_brain.errors import InputError


class ZeroOutputWarning(UserWarning):
    """Some sectors have zero gross output: their coefficients are kept at 0 (not inf/NaN)."""


def as_matrix(M: Any, name: str, *, square: bool = False, copy: bool = False) -> np.ndarray:
    """``M`` as a 2-D float64 ndarray (labels dropped), checked for shape and finiteness."""
    if isinstance(M, pd.DataFrame):
        arr = M.to_numpy(dtype=np.float64, copy=copy)
    else:
        try:
            arr = np.array(M, dtype=np.float64, copy=copy) if copy else np.asarray(M, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise InputError.at(
                f"{name} is not numeric", value=type(M).__name__, expected="a 2-D array of numbers"
            ) from exc
    if arr.ndim != 2:
        raise InputError.at(f"{name} must be a matrix", value=f"{arr.ndim}-D array", expected="2-D")
    if square and arr.shape[0] != arr.shape[1]:
        raise InputError.at(f"{name} must be square", value=f"shape {arr.shape}", expected="n × n")
    if not np.isfinite(arr).all():
        bad = np.argwhere(~np.isfinite(arr))[0]
        raise InputError.at(
            f"{name} has a non-finite cell",
            row=int(bad[0]) + 1,
            column=str(bad[1] + 1),
            value=float(arr[tuple(bad)]),
            expected="a finite number",
        )
    return arr


def as_vector(v: Any, name: str, n: int | None = None, *, labels: pd.Index | None = None) -> np.ndarray:
    """``v`` as a 1-D float64 ndarray; a Series/1-column frame is aligned on ``labels`` if given."""
    if isinstance(v, pd.DataFrame):
        if v.shape[1] != 1 and v.shape[0] != 1:
            raise InputError.at(
                f"{name} must be a vector", value=f"shape {v.shape}", expected="one row or column"
            )
        v = v.iloc[:, 0] if v.shape[1] == 1 else v.iloc[0, :]
    if isinstance(v, pd.Series):
        if labels is not None and not v.index.equals(labels):
            missing = labels.difference(v.index)
            if len(missing):
                raise InputError.at(
                    f"{name} lacks labels", value=list(missing[:5]), expected="the same labels as the matrix"
                )
            v = v.reindex(labels)
        arr = v.to_numpy(dtype=np.float64)
    else:
        try:
            arr = np.asarray(v, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise InputError.at(f"{name} is not numeric", value=type(v).__name__, expected="numbers") from exc
        if arr.ndim == 2 and 1 in arr.shape:
            arr = arr.reshape(-1)
    if arr.ndim != 1:
        raise InputError.at(f"{name} must be a vector", value=f"shape {arr.shape}", expected="1-D")
    if n is not None and arr.shape[0] != n:
        raise InputError.at(f"{name} has the wrong length", value=arr.shape[0], expected=str(n))
    if not np.isfinite(arr).all():
        i = int(np.argmax(~np.isfinite(arr)))
        raise InputError.at(
            f"{name} has a non-finite entry", row=i + 1, value=float(arr[i]), expected="a finite number"
        )
    return arr


def labels_of(M: Any) -> tuple[pd.Index | None, pd.Index | None]:
    """Row and column labels of a frame, ``(None, None)`` for an ndarray."""
    if isinstance(M, pd.DataFrame):
        return M.index, M.columns
    return None, None


def like_matrix(arr: np.ndarray, index: pd.Index | None, columns: pd.Index | None) -> Any:
    """Wrap ``arr`` in a DataFrame when labels are given, else return it."""
    if index is None and columns is None:
        return arr
    return pd.DataFrame(arr, index=index, columns=columns)


def like_vector(arr: np.ndarray, index: pd.Index | None, name: str | None = None) -> Any:
    """Wrap ``arr`` in a Series when labels are given, else return it."""
    if index is None:
        return arr
    return pd.Series(arr, index=index, name=name)


def sector_labels(n: int, *candidates: pd.Index | None) -> pd.Index:
    """The first non-None label index among ``candidates``, else ``0 … n-1``."""
    for c in candidates:
        if c is not None:
            return c
    return pd.RangeIndex(n, name="sector")


def safe_reciprocal(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``1/x`` with 0 where ``x == 0``, and the positions of the zeros."""
    zero = np.flatnonzero(x == 0)
    with np.errstate(divide="ignore"):
        r = 1.0 / x
    r[zero] = 0.0
    return r, zero


def zero_output_note(zero: np.ndarray, labels: Sequence[Any] | pd.Index | None) -> str | None:
    """One readable note listing zero-output sectors (None if there are none)."""
    if len(zero) == 0:
        return None
    names = [str(labels[i]) if labels is not None else str(i) for i in zero[:20]]
    more = f" and {len(zero) - 20} more" if len(zero) > 20 else ""
    return (
        f"{len(zero)} sector(s) with zero gross output ({', '.join(names)}{more}): "
        "their coefficients were set to 0 instead of inf/NaN"
    )


def warn_zero_output(zero: np.ndarray, labels: Sequence[Any] | pd.Index | None, stacklevel: int = 3) -> None:
    """Warn (:class:`ZeroOutputWarning`) naming the zero-output sectors, if there are any."""
    note = zero_output_note(zero, labels)
    if note:
        warnings.warn(note, ZeroOutputWarning, stacklevel=stacklevel)


def divide_by_output(
    M: Any, x: Any, name: str, *, axis: int, square: bool = True
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, pd.Index | None, pd.Index | None]:
    """Read a matrix and the gross output that divides it along one axis.

    ``axis=1`` aligns ``x`` on the columns of ``M`` (coefficients z_ij / x_j: A = Z x̂⁻¹, S = F x̂⁻¹);
    ``axis=0`` on its rows (z_ij / x_i: B = x̂⁻¹ Z, G = x̂⁻¹ L x̂). A ``ZeroOutputWarning`` names the
    sectors with x = 0, pointing at the caller of the public function.

    Returns
    -------
    tuple
        ``(Mm, xv, r, zero, index, columns)``: ``M`` as float64, ``x`` as a vector, ``r = 1/x`` with 0
        where x = 0 (:func:`safe_reciprocal`), the positions of those zeros, and ``M``'s labels.
    """
    idx, cols = labels_of(M)
    Mm = as_matrix(M, name, square=square)
    labels = cols if axis == 1 else idx
    xv = as_vector(x, "x", Mm.shape[axis], labels=labels)
    r, zero = safe_reciprocal(xv)
    warn_zero_output(zero, labels, stacklevel=4)
    return Mm, xv, r, zero, idx, cols
