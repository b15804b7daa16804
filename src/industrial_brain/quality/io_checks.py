"""Quality screening of one input–output table: cells that break the technical coefficients.

:func:`screen_io` takes Z, x and the value-added rows; :func:`screen_io_flows` the table in the
store's long ``io_flow`` form (through :func:`io_matrices_from_flows`). The notes
(:data:`~industrial_brain.quality.notes.NOTE_COLUMNS`):

==========================  ========================  ========  ================================
check                       kind                      severity  flags
==========================  ========================  ========  ================================
:func:`screen_io`           io_undefined_coefficient  warning   zero-output sectors (A = Z/x
                                                                undefined)
                            io_negative_value_added   warning   negative total value added (a
                                                                column of A sums to more than 1)
                            negative                  warning / negative value-added components
                                                      info
==========================  ========================  ========  ================================

References
----------
.. [2] Miller, R. E., & Blair, P. D. (2009). *Input–Output Analysis: Foundations and Extensions*,
   2nd ed., Cambridge University Press, §2.3 (A = Z x̂⁻¹) and §2.6 (Hawkins–Simon conditions).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from industrial_brain._shared.frames import long_to_matrix
from industrial_brain.errors import InputError
from industrial_brain.quality.notes import check_dataset_id, check_params, fmt, note, notes_frame


class IOMatrices(NamedTuple):
    """One table's matrices in Miller & Blair's symbols: Z (n × n), x (n), V (value-added rows × n)."""

    Z: pd.DataFrame
    x: pd.Series
    V: pd.DataFrame | None


_TOTAL_CODES = {"TII", "TIU", "TVA", "TI", "GO", "TFU", "TC", "THC", "GCF", "TOTAL"}


def io_matrices_from_flows(
    flows: pd.DataFrame,
    *,
    sectors: Sequence[str] | None = None,
    output_col: str = "GO",
    total_input_row: str = "TI",
    va_rows: Sequence[str] | None = None,
    total_va_row: str = "TVA",
) -> IOMatrices:
    """Build Z, x and V of one table from the long ``io_flow`` form (``row_code, col_code, value``).

    Parameters
    ----------
    flows : DataFrame
        Columns ``row_code, col_code, value`` (an ``origin`` column, if present, is summed over:
        domestic plus imported use).
    sectors : sequence of str, optional
        Sector codes in order; default: codes that are both a row and a column, other than totals and
        value-added rows, in order of first appearance.
    output_col : str
        Column holding gross output (``GO``); if absent, the ``total_input_row`` row is used, and
        failing that column sums of Z plus total value added.
    total_input_row : str
    va_rows : sequence of str, optional
        Value-added component rows; default every row code starting with ``VA``. The total
        ``total_va_row`` (``TVA``) is kept as the last row of V when present.
    total_va_row : str

    Returns
    -------
    IOMatrices
        ``Z`` (sectors × sectors), ``x`` (sectors), ``V`` (VA rows × sectors, or None).

    Examples
    --------
    >>> flows = pd.DataFrame({"row_code": ["s1", "s1", "s2", "s2", "TVA", "TVA", "s1", "s2"],
    ...                       "col_code": ["s1", "s2", "s1", "s2", "s1", "s2", "GO", "GO"],
    ...                       "value": [10, 20, 30, 40, 60, 40, 100, 100]})
    >>> m = io_matrices_from_flows(flows)
    >>> float(m.Z.loc["s2", "s1"]), float(m.x["s2"]), float(m.V.loc["TVA", "s1"])
    (30.0, 100.0, 60.0)
    """
    need = ("row_code", "col_code", "value")
    if not isinstance(flows, pd.DataFrame) or any(c not in flows.columns for c in need):
        cols = ", ".join(map(str, getattr(flows, "columns", [])))
        raise InputError.at(
            "missing column", column="row_code, col_code, value", value=cols, expected="a long io_flow frame"
        )
    f = flows.loc[:, list(need)].copy()
    f["row_code"] = f["row_code"].astype(str)
    f["col_code"] = f["col_code"].astype(str)
    f["value"] = pd.to_numeric(f["value"], errors="coerce")
    rows = list(dict.fromkeys(f["row_code"]))
    cols = set(f["col_code"])
    if sectors is None:
        sectors = [
            c for c in rows if c in cols and c.upper() not in _TOTAL_CODES and not c.upper().startswith("VA")
        ]
    sectors = [str(s) for s in sectors]
    if not sectors:
        raise InputError.at(
            "no sector codes found in the flows",
            column="row_code, col_code",
            expected="codes that appear both as a row and as a column",
        )
    # Σ value per (row, col) (an origin column summed over); a cell with no number stays NaN, so that
    # an absent GO or TVA cell is told apart from a zero one
    wide = long_to_matrix(f)
    wide = wide.where(long_to_matrix(f.assign(value=f["value"].notna().astype("float64"))) > 0)
    missing = [s for s in sectors if s not in wide.index or s not in wide.columns]
    if missing:
        raise InputError.at(
            "sector missing from rows or columns",
            column="row_code, col_code",
            value=missing[0],
            expected="every sector as both a row and a column",
        )
    Z = wide.loc[sectors, sectors].fillna(0.0).astype("float64")
    if va_rows is None:
        va_rows = [r for r in rows if r.upper().startswith("VA")]
    va = [r for r in va_rows if r in wide.index]
    if total_va_row in wide.index:
        va = va + [total_va_row]
    V = wide.loc[va, sectors].astype("float64") if va else None
    if output_col in wide.columns and wide.loc[sectors, output_col].notna().all():
        x = wide.loc[sectors, output_col].astype("float64")
    elif total_input_row in wide.index and wide.loc[total_input_row, sectors].notna().all():
        x = wide.loc[total_input_row, sectors].astype("float64")
    elif V is not None and total_va_row in V.index:
        x = Z.sum(axis=0) + V.loc[total_va_row]
    else:
        raise InputError.at(
            "cannot find gross output",
            column=output_col,
            expected=f"a '{output_col}' column, a '{total_input_row}' row or a '{total_va_row}' row",
        )
    x.name = "x"
    return IOMatrices(Z, x, V)


def screen_io(
    Z: pd.DataFrame | np.ndarray,
    x: pd.Series | np.ndarray,
    V: pd.DataFrame | None = None,
    *,
    dataset_id: str,
    region_code: str | None = None,
    year: int | None = None,
    zero_tol: float = 1e-6,
    total_va_row: str = "TVA",
    strict_va_rows: Sequence[str] = ("VA001", "VA003"),
) -> pd.DataFrame:
    """Screen one input–output table for cells that break the technical coefficients.

    Parameters
    ----------
    Z : DataFrame or ndarray (n × n)
        Intermediate flows, columns = purchasing sectors.
    x : Series or ndarray (n)
        Gross output.
    V : DataFrame, optional
        Value-added rows × sectors (components, and the total ``total_va_row``; if the total is
        absent it is taken as :math:`x - \\mathbf 1^\\top Z`).
    dataset_id : str
    region_code, year : optional
        Stored on every note.
    zero_tol : float
        Output at or below this (in the table's unit; default 1e-6, i.e. 0.01 CNY in 10⁴ CNY) counts
        as zero: the source's ~1e-9 values are rounding residue of an empty sector.
    total_va_row : str
    strict_va_rows : sequence of str
        Components that cannot be negative by definition (compensation of employees ``VA001``,
        depreciation ``VA003``): negatives are ``'warning'``; other components (net taxes ``VA002``
        with subsidies, operating surplus ``VA004`` with losses) are ``'info'``.

    Returns
    -------
    DataFrame
        Quality notes with ``indicator_code`` the sector code (column), or ``"<VA row>:<sector>"``
        for a component cell:

        * ``io_undefined_coefficient`` (``'warning'``) — :math:`x_j \\le` ``zero_tol``: column
          :math:`j` of :math:`A = Z\\hat x^{-1}` is undefined (engines set it to 0 and list the sector);
        * ``io_negative_value_added`` (``'warning'``) — total value added :math:`v_j < 0`, so
          :math:`\\sum_i a_{ij} = 1 - v_j/x_j > 1` and the sector's multipliers are implausible;
        * ``negative`` — a negative value-added component (see ``strict_va_rows``).

    Notes
    -----
    Column identity: :math:`x_j = \\sum_i z_{ij} + v_j`, so :math:`\\sum_i a_{ij} = 1 - v_j / x_j`; the
    Hawkins–Simon condition for a productive economy asks every column sum of A to be below 1
    (Miller & Blair 2009, §2.6).

    References
    ----------
    Miller, R. E., & Blair, P. D. (2009). *Input–Output Analysis: Foundations and Extensions*,
    2nd ed., Cambridge University Press, eq. (2.4) and §2.6.

    Examples
    --------
    Sector s2 produces nothing; s1 buys 70 of intermediates for an output of 60, so
    :math:`v_1 = 60 - 70 = -10` and its column of A sums to :math:`70/60 = 1.167`:

    >>> Z = pd.DataFrame([[30.0, 0.0], [40.0, 0.0]], index=["s1", "s2"], columns=["s1", "s2"])
    >>> x = pd.Series([60.0, 0.0], index=["s1", "s2"])
    >>> screen_io(Z, x, dataset_id="demo")[["indicator_code", "kind"]].values.tolist()
    [['s1', 'io_negative_value_added'], ['s2', 'io_undefined_coefficient']]
    """
    dataset_id = check_dataset_id(dataset_id)
    check_params(zero_tol=zero_tol)
    Zf = Z if isinstance(Z, pd.DataFrame) else pd.DataFrame(np.asarray(Z, dtype="float64"))
    n = Zf.shape[1]
    if Zf.shape[0] != n:
        raise InputError.at("Z must be square", column="Z", value=Zf.shape, expected="n × n")
    aligned = isinstance(x, pd.Series) and set(x.index) == set(Zf.columns)
    xv = np.asarray(x.reindex(Zf.columns) if aligned else x, dtype="float64").ravel()
    if xv.size != n:
        raise InputError.at("x must have one entry per sector", column="x", value=xv.size, expected=str(n))
    xs = pd.Series(xv, index=Zf.columns)
    Zv = Zf.to_numpy(dtype="float64")
    inputs = np.nansum(Zv, axis=0)
    region = None if region_code is None else str(region_code)
    records = []
    if V is not None and total_va_row in V.index:
        tva = V.loc[total_va_row].reindex(Zf.columns).to_numpy(dtype="float64")
    else:
        tva = xs.to_numpy() - inputs
    for j, code in enumerate(map(str, Zf.columns)):
        xj = xs.iloc[j]
        if not np.isfinite(xj) or abs(xj) <= zero_tol:
            use = float(np.nansum(Zv[j, :]))
            how = "0/0" if inputs[j] == 0 else f"{fmt(inputs[j])} of inputs over zero output"
            detail = (
                f"output x = {xj:.3g}: column {code} of A = Z/x is undefined ({how}); engines set it "
                "to 0 "
                f"and list the sector; the product's intermediate use {fmt(use)} is supplied by "
                "imports or inflows"
            )
            records.append(
                note(
                    dataset_id,
                    "io_undefined_coefficient",
                    "warning",
                    detail,
                    "io_zero_output",
                    indicator=code,
                    region=region,
                    year=year,
                )
            )
            continue
        if np.isfinite(tva[j]) and tva[j] < 0:
            colsum = inputs[j] / xj
            detail = (
                f"total value added {fmt(tva[j])} < 0 (output {fmt(xj)}): the column of A sums to "
                f"{colsum:.3f} > 1, breaking the Hawkins–Simon condition for this sector; its "
                "multipliers are not meaningful"
            )
            records.append(
                note(
                    dataset_id,
                    "io_negative_value_added",
                    "warning",
                    detail,
                    "io_negative_value_added",
                    indicator=code,
                    region=region,
                    year=year,
                )
            )
    if V is not None:
        comps = V.drop(index=[total_va_row], errors="ignore")
        for row in comps.index:
            vals = comps.loc[row].reindex(Zf.columns).to_numpy(dtype="float64")
            for j in np.flatnonzero(np.isfinite(vals) & (vals < 0)):
                code = str(Zf.columns[j])
                strict = str(row) in set(strict_va_rows)
                why = (
                    "cannot be negative by definition"
                    if strict
                    else "possible (subsidies exceeding taxes, operating losses)"
                )
                records.append(
                    note(
                        dataset_id,
                        "negative",
                        "warning" if strict else "info",
                        f"value-added component {row} = {fmt(vals[j])} < 0 in sector {code}: {why}",
                        "io_negative_va_component",
                        indicator=f"{row}:{code}",
                        region=region,
                        year=year,
                    )
                )
    return notes_frame(records)


def screen_io_flows(
    flows: pd.DataFrame,
    *,
    dataset_id: str,
    region_code: str | None = None,
    year: int | None = None,
    **kwargs: Any,
) -> pd.DataFrame:
    """:func:`screen_io` on a table in the long ``io_flow`` form (via :func:`io_matrices_from_flows`).

    Examples
    --------
    One sector buying 120 of itself for an output of 100 (value added −20):

    >>> flows = pd.DataFrame({"row_code": ["s1", "TVA", "s1"], "col_code": ["s1", "s1", "GO"],
    ...                       "value": [120.0, -20.0, 100.0]})
    >>> screen_io_flows(flows, dataset_id="demo")["kind"].tolist()
    ['io_negative_value_added']
    """
    build = {k: kwargs.pop(k) for k in ("sectors", "output_col", "total_input_row", "va_rows") if k in kwargs}
    total_va_row = kwargs.get("total_va_row", "TVA")
    m = io_matrices_from_flows(flows, total_va_row=total_va_row, **build)
    return screen_io(m.Z, m.x, m.V, dataset_id=dataset_id, region_code=region_code, year=year, **kwargs)
