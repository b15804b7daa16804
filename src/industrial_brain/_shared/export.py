"""Writing tables for people: CSV and XLSX exports with spreadsheet formula injection neutralised.

A spreadsheet opening a CSV or XLSX file runs a text cell that starts with ``=``, ``+``, ``-`` or
``@`` as a formula (``=HYPERLINK(...)``, ``=cmd|' /C calc'!A0``); a leading tab or carriage return
can hide the same. OWASP's rule ("CSV Injection", owasp.org/www-community/attacks/CSV_Injection):
prefix such a cell with a single quote ``'`` so it is shown as text, and leave numbers alone (a
negative number stays a number). Every CSV or XLSX a user receives from the API, the CLI or a
report is written through :func:`safe_cells` (:func:`write_csv`, :func:`csv_text`,
:func:`write_xlsx`, :func:`xlsx_bytes` — the API's ``format=xlsx`` with source and units in header rows).

Written by hand: six lines; no maintained library does only this.
"""

from __future__ import annotations

import io
import os
from typing import Any, Mapping

import pandas as pd

from industrial_brain._shared.i18n import unit_label

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


#: Media type of an XLSX workbook.
XLSX_MEDIA = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Rows above the column names in :func:`xlsx_bytes` (source, units): data start on row HEADER_ROWS + 2.
HEADER_ROWS = 2


def units_line(units: Mapping[str, str] | None) -> str:
    """The units of a table's columns as one line, each unit in English and Chinese
    (:func:`~industrial_brain._shared.i18n.unit_label`).

    >>> units_line({"grp_100m_cny": "10^8 CNY", "year": "year"})
    'grp_100m_cny: 100 million CNY 亿元; year: year 年'
    """
    if not units:
        return "—"
    return "; ".join(
        u if c == "*" else f"{c}: {unit_label(u, 'en')} {unit_label(u, 'zh')}" for c, u in units.items()
    )


def xlsx_bytes(frame: pd.DataFrame, *, source: str = "", units: Mapping[str, str] | None = None) -> bytes:
    """``frame`` as an XLSX workbook: row 1 the source (``来源 source: …``), row 2 the units of the
    columns (:func:`units_line`), row 3 the column names (as in the CSV), then one row per frame row;
    text cells escaped (:func:`safe_cells`), numbers kept as numbers, the header rows frozen."""
    from openpyxl import Workbook  # a dependency; imported here to keep module import light
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "data"
    ws.append([f"来源 source: {source or '—'}"])
    ws.append([f"单位 units: {units_line(units)}"])
    safe = safe_cells(frame)
    ws.append([str(c) for c in safe.columns])
    for cell in ws[HEADER_ROWS + 1]:
        cell.font = Font(bold=True)
    for row in safe.itertuples(index=False, name=None):
        ws.append([_cell(v) for v in row])
    ws.freeze_panes = ws.cell(row=HEADER_ROWS + 2, column=1)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _cell(v: Any) -> Any:
    """A frame value as an openpyxl cell value: missing → empty, numpy scalars → Python, lists → text."""
    if isinstance(v, (list, tuple, dict, set)):
        return str(v)
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return None
    if getattr(v, "tzinfo", None) is not None:
        return v.isoformat()  # a spreadsheet has no time zones: the ISO text keeps the offset
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    return v.item() if hasattr(v, "item") else v
