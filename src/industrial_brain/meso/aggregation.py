"""Aggregation of sectors and regions through a concordance matrix.

A concordance (bridge) matrix C (m × n, 0/1 with one 1 per column for a plain aggregation, or
shares summing to 1 per column for a split) maps n detailed sectors onto m aggregates:
Z* = C Z C', Y* = C Y, V* = V C', x* = C x, F* = F C' (Miller & Blair 2009, section 4.3).
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from industrial_brain.errors import InputError
from industrial_brain.meso._common import as_matrix, labels_of

__all__ = [
    "concordance_matrix",
    "aggregate_matrix",
    "aggregate_rows",
    "aggregate_columns",
    "aggregate_vector",
]


def concordance_matrix(
    mapping: Mapping[Any, Any] | pd.Series,
    order: Sequence[Any] | None = None,
    *,
    targets: Sequence[Any] | None = None,
) -> pd.DataFrame:
    """The 0/1 concordance matrix C from a detailed → aggregate mapping.

    Parameters
    ----------
    mapping : dict or Series
        Detailed code → aggregate code.
    order : sequence, optional
        Order of the detailed codes (columns of C); default the mapping's order. Every code must be mapped.
    targets : sequence, optional
        Order of the aggregate codes (rows of C); default order of first appearance.

    Returns
    -------
    DataFrame
        C, index = aggregate codes, columns = detailed codes.

    Examples
    --------
    >>> concordance_matrix({"a": "X", "b": "Y", "c": "X"}).to_numpy()
    array([[1., 0., 1.],
           [0., 1., 0.]])
    """
    m = pd.Series(mapping) if not isinstance(mapping, pd.Series) else mapping
    cols = list(order) if order is not None else list(m.index)
    missing = [c for c in cols if c not in m.index]
    if missing:
        raise InputError.at(
            "detailed code without an aggregate",
            column="mapping",
            value=missing[:5],
            expected="every detailed code mapped",
        )
    agg = m.loc[cols]
    rows = list(targets) if targets is not None else list(dict.fromkeys(agg.tolist()))
    unknown = sorted(set(agg) - set(rows), key=str)
    if unknown:
        raise InputError.at("aggregate code not in targets", column="targets", value=unknown[:5])
    C = np.zeros((len(rows), len(cols)))
    pos = {r: i for i, r in enumerate(rows)}
    C[[pos[a] for a in agg], np.arange(len(cols))] = 1.0
    return pd.DataFrame(
        C, index=pd.Index(rows, name="sector"), columns=pd.Index(cols, name=m.index.name or "sector")
    )


def _C(C: Any) -> tuple[np.ndarray, pd.Index | None, pd.Index | None]:
    idx, cols = labels_of(C)
    Cm = as_matrix(C, "C")
    if (Cm < 0).any():
        raise InputError.at("concordance matrix has a negative entry", column="C", expected="shares ≥ 0")
    return Cm, idx, cols


def _check(name: str, labels: pd.Index | None, ccols: pd.Index | None, n: int, Cn: int) -> None:
    if n != Cn:
        raise InputError.at(
            f"{name} does not match the concordance", value=n, expected=f"{Cn} detailed codes"
        )
    if labels is not None and ccols is not None and not labels.equals(ccols):
        raise InputError.at(
            f"{name} labels differ from the concordance's columns",
            value=list(labels[:3]),
            expected=f"{list(ccols[:3])}…",
        )


def aggregate_matrix(Z: Any, C: Any, C_cols: Any | None = None) -> Any:
    """Z* = C Z C'_cols (C_cols defaults to C: the same classification on both axes).

    Examples
    --------
    >>> import numpy as np
    >>> C = np.array([[1., 1., 0.], [0., 0., 1.]])
    >>> aggregate_matrix(np.arange(9.).reshape(3, 3), C)
    array([[ 8.,  7.],
           [13.,  8.]])
    """
    Cm, ci, cc = _C(C)
    Dm, di, dc = _C(C_cols) if C_cols is not None else (Cm, ci, cc)
    idx, cols = labels_of(Z)
    Zm = as_matrix(Z, "Z")
    _check("Z rows", idx, cc, Zm.shape[0], Cm.shape[1])
    _check("Z columns", cols, dc, Zm.shape[1], Dm.shape[1])
    out = Cm @ Zm @ Dm.T
    if ci is None and isinstance(Z, np.ndarray):
        return out
    return pd.DataFrame(out, index=ci, columns=di)


def aggregate_rows(Y: Any, C: Any) -> Any:
    """Y* = C Y (aggregate the rows; e.g. final demand, intermediate-use rows)."""
    Cm, ci, cc = _C(C)
    idx, cols = labels_of(Y)
    Ym = as_matrix(Y, "Y")
    _check("rows", idx, cc, Ym.shape[0], Cm.shape[1])
    out = Cm @ Ym
    return out if not isinstance(Y, pd.DataFrame) else pd.DataFrame(out, index=ci, columns=cols)


def aggregate_columns(V: Any, C: Any) -> Any:
    """V* = V C' (aggregate the columns; e.g. value-added rows, satellite F)."""
    Cm, ci, cc = _C(C)
    idx, cols = labels_of(V)
    Vm = as_matrix(V, "V")
    _check("columns", cols, cc, Vm.shape[1], Cm.shape[1])
    out = Vm @ Cm.T
    return out if not isinstance(V, pd.DataFrame) else pd.DataFrame(out, index=idx, columns=ci)


def aggregate_vector(x: Any, C: Any) -> Any:
    """x* = C x."""
    Cm, ci, cc = _C(C)
    if isinstance(x, pd.Series):
        _check("x", x.index, cc, len(x), Cm.shape[1])
        return pd.Series(Cm @ x.to_numpy(dtype=np.float64), index=ci, name=x.name)
    xv = np.asarray(x, dtype=np.float64).reshape(-1)
    _check("x", None, None, len(xv), Cm.shape[1])
    return Cm @ xv
