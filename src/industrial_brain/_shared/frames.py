"""Long ↔ wide helpers shared by the store readers, the quality screening and the engines.

One home for the pivot from a long flow table (``row_code, col_code, value``) to a labelled matrix:
the store's ``io_flow`` reader, the IO screening and the services all build their matrices with it.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd


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
