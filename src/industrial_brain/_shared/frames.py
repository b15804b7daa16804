"""Long ↔ wide helpers shared by the store readers, the quality screening and the engines.

One home for the pivot from a long flow table (``row_code, col_code, value``) to a labelled matrix:
the store's ``io_flow`` reader, the IO screening and the services all build their matrices with it;
and one home for the checked columns of a long panel (:func:`panel_arrays`), which the quality
screening and the monitor lay out as cubes.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from industrial_brain.errors import InputError

#: Columns of a long panel.
PANEL_COLUMNS: tuple[str, ...] = ("region_code", "indicator_code", "year", "value")


def panel_arrays(obs: pd.DataFrame, name: str = "obs") -> tuple[np.ndarray, np.ndarray]:
    """The years (int64) and values (float64, NaN where missing) of a long panel, checked.

    Raises
    ------
    InputError
        Not a DataFrame (named ``name``), a missing column, a year that is not an integer, a value
        that is not a number (each naming the column and the value found).

    Examples
    --------
    >>> obs = pd.DataFrame({"region_code": "A", "indicator_code": "x", "year": [2020.0, 2021.0],
    ...                     "value": ["1.5", None]})
    >>> panel_arrays(obs)
    (array([2020, 2021]), array([1.5, nan]))
    """
    if not isinstance(obs, pd.DataFrame):
        raise InputError.at(
            "expected a DataFrame",
            column=name,
            value=type(obs).__name__,
            expected="a long frame with " + ", ".join(PANEL_COLUMNS),
        )
    missing = [c for c in PANEL_COLUMNS if c not in obs.columns]
    if missing:
        raise InputError.at(
            "missing column",
            column=missing[0],
            value=", ".join(map(str, obs.columns)),
            expected="columns " + ", ".join(PANEL_COLUMNS),
        )
    if obs["year"].dtype.kind in "iu":
        y = obs["year"].to_numpy(dtype="int64")
    else:
        years = pd.to_numeric(obs["year"], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        bad = ~np.isfinite(years) | (years != np.round(years))
        if bad.any():
            raise InputError.at(
                "year is not an integer",
                column="year",
                value=obs["year"].to_numpy()[bad][0],
                expected="an integer year",
            )
        y = years.astype("int64")
    raw = obs["value"]
    if raw.dtype.kind == "f":
        vals = raw.to_numpy(dtype="float64")
    else:
        vals = pd.to_numeric(raw, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        bad = np.isnan(vals) & raw.notna().to_numpy()
        if bad.any():
            raise InputError.at(
                "value is not a number", column="value", value=raw.to_numpy()[bad][0], expected="a number"
            )
    return y, vals


def long_to_matrix(
    long: pd.DataFrame,
    rows: Sequence[str] | None = None,
    cols: Sequence[str] | None = None,
    *,
    row: str = "row_code",
    col: str = "col_code",
    value: str = "value",
) -> pd.DataFrame:
    """The matrix ``M[r, c] = Σ value`` over the long rows with ``row = r`` and ``col = c``.

    Repeated ``(row, col)`` pairs are summed (a non-competitive table's domestic and imported parts,
    when both are passed); pairs absent from ``long`` are 0. ``rows`` / ``cols`` fix the order (and
    keep codes with no flow); by default the codes in order of first appearance. The result is float64
    with axes named ``row`` and ``col``.
    """
    rows = list(dict.fromkeys(long[row])) if rows is None else list(rows)
    cols = list(dict.fromkeys(long[col])) if cols is None else list(cols)
    mat = (
        long.pivot_table(index=row, columns=col, values=value, aggfunc="sum", sort=False)
        if len(long)
        else pd.DataFrame()
    )
    mat = mat.reindex(index=rows, columns=cols).fillna(0.0).astype("float64")
    mat.index.name, mat.columns.name = "row", "col"
    return mat
