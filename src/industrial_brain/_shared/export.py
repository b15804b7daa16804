"""Writing tables for people: CSV and XLSX exports with spreadsheet formula injection neutralised.

A spreadsheet opening a CSV or XLSX file runs a text cell that starts with ``=``, ``+``, ``-`` or
``@`` as a formula (``=HYPERLINK(...)``, ``=cmd|' /C calc'!A0``); a leading tab or carriage return
can hide the same. OWASP's rule ("CSV Injection", owasp.org/www-community/attacks/CSV_Injection):
prefix such a cell with a single quote ``'`` so it is shown as text, and leave numbers alone (a
negative number stays a number). Every CSV or XLSX a user receives from the API, the CLI or a
report is written through :func:`safe_cells` (:func:`write_csv`, :func:`csv_text`,
:func:`write_xlsx`).

Written by hand: six lines; no maintained library does only this.
"""

from __future__ import annotations

import io
import os
from typing import Any

import pandas as pd

#: First characters that make a spreadsheet read a text cell as a formula (OWASP).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value: Any) -> Any:
    """``value`` with a ``'`` in front when it is text starting with one of :data:`FORMULA_START`;
    anything else (numbers, dates, None) unchanged.

    >>> escape_cell("=1+2"), escape_cell("-3"), escape_cell(-3), escape_cell("ok")
    ("'=1+2", "'-3", -3, 'ok')
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells (and column names) are escaped by :func:`escape_cell`;
    numeric columns are untouched.

    >>> safe_cells(pd.DataFrame({"name": ["=HYPERLINK(1)", "firm"], "v": [-1.5, 2.0]})).to_dict("list")
    {'name': ["'=HYPERLINK(1)", 'firm'], 'v': [-1.5, 2.0]}
    """
    out = frame.copy()
    for i in range(out.shape[1]):
        col = out.iloc[:, i]
        if isinstance(col.dtype, pd.CategoricalDtype):
            col = col.astype(object)
        if pd.api.types.is_object_dtype(col.dtype) or pd.api.types.is_string_dtype(col.dtype):
            out.isetitem(i, col.map(escape_cell))
    out.columns = [escape_cell(c) if isinstance(c, str) else c for c in out.columns]
    if out.index.dtype == object:
        out.index = out.index.map(escape_cell)
    return out


def csv_text(frame: pd.DataFrame, **kw) -> str:
    """``frame`` as CSV text with formula cells escaped (keywords go to :meth:`DataFrame.to_csv`).

    >>> csv_text(pd.DataFrame({"name": ["@SUM(A1)"], "v": [1]}), index=False)
    "name,v\\n'@SUM(A1),1\\n"
    """
    buf = io.StringIO()
    safe_cells(frame).to_csv(buf, **kw)
    return buf.getvalue()


def write_csv(frame: pd.DataFrame, path: str | os.PathLike, **kw) -> None:
    """Write ``frame`` to ``path`` as UTF-8 CSV with formula cells escaped (keywords: ``to_csv``)."""
    kw.setdefault("encoding", "utf-8")
    safe_cells(frame).to_csv(path, **kw)


def write_xlsx(frame: pd.DataFrame, target, **kw) -> None:
    """Write ``frame`` to an XLSX path or an open ``pandas.ExcelWriter`` (``sheet_name=`` …) with
    formula cells escaped: a cell text starting with ``=`` would otherwise be stored as a formula."""
    safe_cells(frame).to_excel(target, **kw)
