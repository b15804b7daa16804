"""Turn the published NBS input–output layouts into :class:`~industrial_brain.meso.iotable.IOTable` objects.

Pure: a pandas DataFrame of the CSV in, an IOTable out (the store readers return the same frames).
Three layouts (PROVENANCE.md §2, §5):

* **national 42-sector non-competitive** (2017/2018/2020): ``Origin`` = ``Domestic`` rows are the
  domestic block Z (used for domestic multipliers), ``Imports`` rows the imported use (kept as
  ``Z_imp``/``Y_imp``, a leakage); final use ``TC, FU201, FU202, EX``; the ``TII`` row (whose
  ``GO`` cell is output *plus imports*, finding §5.8) and all total rows/columns are not read.
* **national 149/153-sector competitive**: products × products, final use ``FU101 … EX`` and
  ``IM`` (stored as a negative ``import`` column so x = Z·1 + Y·1); use
  :meth:`IOTable.domestic` for the import-share assumption.
* **provincial 2017, 42 sectors, 31 provinces** (competitive; one province per IOTable):
  final use ``FU101 … EX``, outflows ``OF`` (export), imports ``IM`` and inflows ``IF`` (both
  stored negative, kind ``import``), ``ERR`` (the province's own balancing item, kind ``other``).

Zero-output sectors (§5.9) are kept with zero coefficients and named in ``notes``; negative value
added (§5.7, §5.10) and negative inventory change are legitimate and kept.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from industrial_brain.errors import InputError
from industrial_brain.meso.iotable import IOTable

__all__ = ["from_nbs_frame", "detect_layout", "VA_ROWS", "provinces"]

VA_ROWS = ("VA001", "VA002", "VA003", "VA004")
_NAT_FINAL_COMPETITIVE = ("FU101", "FU102", "FU103", "FU201", "FU202", "EX")
_NAT_FINAL_NONCOMP = ("TC", "FU201", "FU202", "EX")
_PROV_FINAL = ("FU101", "FU102", "FU103", "FU201", "FU202", "EX", "OF")
UNIT = "10^4 CNY (current producer prices)"


def detect_layout(df: pd.DataFrame) -> str:
    """``"noncompetitive"``, ``"competitive"`` or ``"provincial"`` from the columns of a published table."""
    cols = set(map(str, df.columns))
    if {"row_code", "adcode"} <= cols or {"row_code", "province_zh"} <= cols:
        return "provincial"
    if "Origin" in cols:
        return "noncompetitive"
    if {"Code", "IM", "GO"} <= cols:
        return "competitive"
    raise InputError.at("not a known NBS input–output layout", value=sorted(cols)[:8],
                        expected="columns Code/Origin/GO (national) or row_code/adcode (provincial)")


def _need(df: pd.DataFrame, cols: tuple[str, ...] | list[str], what: str) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise InputError.at(f"{what}: column(s) missing", column=",".join(missing), expected="the published layout")


def _codes(series: pd.Series, width: int) -> pd.Index:
    out = []
    for v in series:
        if isinstance(v, (int, np.integer)) or (isinstance(v, float) and float(v).is_integer()):
            out.append(str(int(v)).zfill(width))
        else:
            s = str(v).strip()
            out.append(s.zfill(width) if s.isdigit() else s)
    return pd.Index(out, name="sector")


def _num(df: pd.DataFrame, what: str) -> pd.DataFrame:
    out = df.apply(pd.to_numeric, errors="coerce").astype(np.float64)
    if out.isna().to_numpy().any():
        r, c = np.argwhere(out.isna().to_numpy())[0]
        raise InputError.at(f"{what}: missing or non-numeric cell", row=None, column=str(out.columns[c]),
                            value=str(df.iloc[r, c]), expected=f"a number (row code {out.index[r]})")
    return out


def provinces(df: pd.DataFrame) -> pd.DataFrame:
    """The provinces of a provincial table frame: ``adcode``, ``province_zh``."""
    return df[["adcode", "province_zh"]].drop_duplicates().reset_index(drop=True)


def from_nbs_frame(df: pd.DataFrame, *, layout: str = "auto", province: Any = None, name: str = "",
                   rtol: float = 1e-4) -> IOTable:
    """An :class:`IOTable` from a published NBS table read into a DataFrame.

    Parameters
    ----------
    df : DataFrame
        The CSV as read by ``pandas.read_csv`` (codes may be str or int).
    layout : {"auto", "noncompetitive", "competitive", "provincial"}
    province : int or str, optional
        Provincial tables only: adcode (e.g. 110000) or Chinese name (e.g. "北京").
    name : str
        Table name for messages and summaries.
    rtol : float
        Balance tolerance relative to output.

    Returns
    -------
    IOTable
        Non-competitive: domestic Z/Y with ``Z_imp``/``Y_imp``. Competitive and provincial: Z and
        Y including imports (negative ``import`` columns); call ``.domestic()`` for the
        import-share split.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"Code": ["01", "02", "TII", "VA001", "TVA", "TI"],
    ...     "Description": "", "DescriptionInChinese": "",
    ...     "01": [150., 200., 350., 650., 650., 1000.], "02": [500., 100., 600., 1400., 1400., 2000.],
    ...     "FU101": [300., 1700., None, None, None, None], "FU102": 0., "FU103": 0.,
    ...     "FU201": 0., "FU202": 0., "EX": [100., 0., None, None, None, None],
    ...     "IM": [50., 0., None, None, None, None], "GO": [1000., 2000., None, None, None, None]})
    >>> t = from_nbs_frame(df, name="synthetic")
    >>> t.A.round(2).to_numpy()
    array([[0.15, 0.25],
           [0.2 , 0.05]])
    """
    kind = detect_layout(df) if layout == "auto" else layout
    if kind == "noncompetitive":
        return _noncompetitive(df, name, rtol)
    if kind == "competitive":
        return _competitive(df, name, rtol)
    if kind == "provincial":
        return _provincial(df, province, name, rtol)
    raise InputError.at("unknown layout", column="layout", value=layout,
                        expected="'auto', 'noncompetitive', 'competitive' or 'provincial'")


def _sector_columns(df: pd.DataFrame) -> list[str]:
    return [c for c in map(str, df.columns) if c.isdigit()]


def _names(df: pd.DataFrame, rows: pd.Series, codes: pd.Index) -> pd.DataFrame | None:
    if "Description" in df.columns and "DescriptionInChinese" in df.columns:
        return pd.DataFrame({"name_zh": df.loc[rows, "DescriptionInChinese"].to_numpy(),
                             "name_en": df.loc[rows, "Description"].to_numpy()}, index=codes)
    return None


def _noncompetitive(df: pd.DataFrame, name: str, rtol: float) -> IOTable:
    df = df.rename(columns=str)
    sec = _sector_columns(df)
    _need(df, ["Code", "Origin", "GO", *_NAT_FINAL_NONCOMP], "non-competitive table")
    width = len(sec[0])
    code = _codes(df["Code"], width)
    dom = (df["Origin"] == "Domestic").to_numpy()
    imp = (df["Origin"] == "Imports").to_numpy()
    cz = code[dom]
    if list(cz) != sec:
        raise InputError.at("domestic rows and sector columns differ", column="Code", value=list(cz[:5]),
                            expected=f"{sec[:5]}…")
    Z = _num(df.loc[dom, sec].set_axis(cz, axis=0), "domestic block")
    Z.columns = pd.Index(sec, name="sector")
    Y = _num(df.loc[dom, list(_NAT_FINAL_NONCOMP)].set_axis(cz, axis=0), "domestic final use")
    x = _num(df.loc[dom, ["GO"]].set_axis(cz, axis=0), "gross output")["GO"]
    ci = code[imp]
    Zi = _num(df.loc[imp, sec].set_axis(ci, axis=0), "imported block")
    Zi.columns = Z.columns
    Yi = _num(df.loc[imp, list(_NAT_FINAL_NONCOMP)].set_axis(ci, axis=0), "imported final use")
    va = pd.Series(code).isin(VA_ROWS).to_numpy()
    V = _num(df.loc[va, sec].set_axis(code[va], axis=0), "value added")
    V.columns = Z.columns
    V.index.name = "value_added"
    notes = ["non-competitive table: domestic block used for A and multipliers; imported intermediate and "
             "final use kept as leakage (Z_imp, Y_imp)",
             "the TII row (its GO cell is output plus imports) and total rows/columns were not read"]
    t = IOTable(Z, Y, V, x, Z_imp=Zi, Y_imp=Yi, name=name or "NBS non-competitive", unit=UNIT, notes=notes, rtol=rtol)
    t.sector_names = _names(df, dom, cz)
    return t


def _competitive(df: pd.DataFrame, name: str, rtol: float) -> IOTable:
    df = df.rename(columns=str)
    sec = _sector_columns(df)
    _need(df, ["Code", "IM", "GO", *_NAT_FINAL_COMPETITIVE], "competitive table")
    code = _codes(df["Code"], len(sec[0]))
    rows = pd.Series(code).isin(sec).to_numpy()
    cz = code[rows]
    if list(cz) != sec:
        raise InputError.at("product rows and columns differ", column="Code", value=list(cz[:5]), expected=f"{sec[:5]}…")
    Z = _num(df.loc[rows, sec].set_axis(cz, axis=0), "intermediate use")
    Z.columns = pd.Index(sec, name="sector")
    Y = _num(df.loc[rows, list(_NAT_FINAL_COMPETITIVE)].set_axis(cz, axis=0), "final use")
    Y["IM"] = -_num(df.loc[rows, ["IM"]].set_axis(cz, axis=0), "imports")["IM"]
    x = _num(df.loc[rows, ["GO"]].set_axis(cz, axis=0), "gross output")["GO"]
    va = pd.Series(code).isin(VA_ROWS).to_numpy()
    V = _num(df.loc[va, sec].set_axis(code[va], axis=0), "value added")
    V.columns = Z.columns
    V.index.name = "value_added"
    notes = ["competitive-import table: Z and final use include imports (IM stored as a negative column); "
             "use .domestic() for domestic multipliers (import-share assumption)"]
    t = IOTable(Z, Y, V, x, name=name or "NBS competitive", unit=UNIT, notes=notes, rtol=rtol)
    t.sector_names = _names(df, rows, cz)
    return t


def _provincial(df: pd.DataFrame, province: Any, name: str, rtol: float) -> IOTable:
    df = df.rename(columns=str)
    _need(df, ["row_code", "IM", "IF", "ERR", "GO", *_PROV_FINAL], "provincial table")
    if province is None:
        if "adcode" in df.columns and df["adcode"].nunique() > 1:
            raise InputError.at("the frame holds several provinces: pass province=", column="province",
                                expected="an adcode such as 110000 or a name such as '北京'")
        sub = df
    else:
        key = "adcode" if isinstance(province, (int, np.integer)) or str(province).isdigit() else "province_zh"
        if key not in df.columns:
            raise InputError.at("column missing to select a province", column=key)
        val = int(province) if key == "adcode" else str(province)
        sub = df[(df[key].astype(int) if key == "adcode" else df[key]) == val]
        if sub.empty:
            raise InputError.at("province not in the table", column=key, value=province,
                                expected="one of " + ", ".join(map(str, df[key].unique()[:5])) + "…")
    sec_cols = [c for c in sub.columns if c.startswith("sec") and c[3:].isdigit()]
    codes = pd.Index([c[3:] for c in sec_cols], name="sector")
    rc = sub["row_code"].astype(str).to_numpy()
    rows = np.isin(rc, sec_cols)
    if list(rc[rows]) != sec_cols:
        raise InputError.at("sector rows and columns differ", column="row_code", value=list(rc[rows][:5]))
    Z = _num(sub.loc[rows, sec_cols].set_axis(codes, axis=0).set_axis(codes, axis=1), "intermediate use")
    Y = _num(sub.loc[rows, list(_PROV_FINAL)].set_axis(codes, axis=0), "final use")
    Y["IM"] = -_num(sub.loc[rows, ["IM"]].set_axis(codes, axis=0), "imports")["IM"]
    Y["IF"] = -_num(sub.loc[rows, ["IF"]].set_axis(codes, axis=0), "inflows")["IF"]
    Y["ERR"] = _num(sub.loc[rows, ["ERR"]].set_axis(codes, axis=0), "discrepancy")["ERR"]
    x = _num(sub.loc[rows, ["GO"]].set_axis(codes, axis=0), "gross output")["GO"]
    va = np.isin(rc, VA_ROWS)
    V = _num(sub.loc[va, sec_cols].set_axis(pd.Index(rc[va], name="value_added"), axis=0), "value added")
    V.columns = codes
    pname = str(sub["province_zh"].iloc[0]) if "province_zh" in sub.columns else ""
    notes = ["provincial competitive-import table: Z and final use include imports (IM) and inflows from other "
             "provinces (IF), both stored as negative columns; ERR is the province's balancing item; use "
             ".domestic() for local multipliers"]
    t = IOTable(Z, Y, V, x, name=name or f"2017 provincial IO {pname}".strip(), unit=UNIT, notes=notes, rtol=rtol)
    t.sector_names = None
    return t
