"""Ingest of input–output tables, as published (matrix layout) or long (row_code, col_code, value).

Matrix layout: a row-code column (``Code``/``row_code``/``代码``), optional label columns
(``Description``, ``DescriptionInChinese``, ``name_en``, ``name_zh``), an optional ``Origin`` column
(``Domestic``/``Imports``/``TOT`` in non-competitive-import tables), an optional region column
(``adcode``/``region``: several single-region tables stacked, one per region), then one column per
column code. Every code gets a role (sector, final demand, value added, imports, inter-regional
outflow/inflow, discrepancy, subtotal, output); a code no role fits is an error.

Balance (checked before anything is written), for every product row i and every sector column j:

* row:    Σ_j Z_ij + Σ_k Y_ik + OF_i − IM_i − IF_i + ERR_i = GO_i
* column: Σ_i Z_ij (all origins) + Σ_r V_rj = TI_j = GO_j

within ``|difference| ≤ atol + rtol·|GO|`` (defaults: one table unit, 1e-4).
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from industrial_brain.errors import InputError
from industrial_brain.ingest.core import (
    DatasetInfo,
    IngestReport,
    check_dataset_id_free,
    commit_dataset,
)
from industrial_brain.ingest.files import BLANK, check_readable, parse_numbers, read_frame, sha256_file
from industrial_brain.quality import screen_io_flows
from industrial_brain.reference.regions import region_code
from industrial_brain.store.connection import Store
from industrial_brain.store.datasets import dataset_by_sha256
from industrial_brain.store.io_tables import insert_io_tables, table_ids_held_elsewhere

NATIONAL = "100000"

COL_ROLES = {
    **{
        c: "final_demand"
        for c in (
            "FU101",
            "FU102",
            "FU103",
            "FU201",
            "FU202",
            "EX",
            "HFCE",
            "NPISH",
            "GGFC",
            "GFCF",
            "INVNT",
            "CONS_ABR",
            "CONS_NONRES",
            "EXPO",
            "IMPO",
        )
    },
    **{c: "subtotal" for c in ("TIU", "THC", "TC", "GCF", "TFU")},
    "IM": "imports",
    "OF": "trade_out",
    "IF": "trade_in",
    "ERR": "discrepancy",
    "GO": "output",
}
ROW_ROLES = {
    **{c: "value_added" for c in ("VA001", "VA002", "VA003", "VA004", "VALU", "TXS_IMP_FNL", "TXS_INT_FNL")},
    **{c: "subtotal" for c in ("TII", "TVA", "TTL_INT_FNL")},
    "TI": "input_total",
    "OUTPUT": "input_total",
}
#: A subtotal column whose parts are absent is itself a final-demand category (e.g. TC in the 42-sector
#: tables).
SUBTOTAL_PARTS = {
    "THC": ("FU101", "FU102"),
    "TC": ("FU101", "FU102", "FU103", "THC"),
    "GCF": ("FU201", "FU202"),
}
_SIGN = {"final_demand": 1.0, "trade_out": 1.0, "discrepancy": 1.0, "imports": -1.0, "trade_in": -1.0}
NAMES = {  # labels of the non-sector codes (PROVENANCE glossary)
    "FU101": ("农村居民消费支出", "rural household consumption"),
    "FU102": ("城镇居民消费支出", "urban household consumption"),
    "FU103": ("政府消费支出", "government consumption"),
    "FU201": ("固定资本形成总额", "gross fixed capital formation"),
    "FU202": ("存货变动", "changes in inventories"),
    "EX": ("出口", "exports"),
    "TC": ("最终消费支出合计", "final consumption"),
    "IM": ("进口", "imports"),
    "OF": ("国内省外流出", "outflow to other provinces"),
    "IF": ("国内省外流入", "inflow from other provinces"),
    "ERR": ("其他", "statistical discrepancy"),
    "GO": ("总产出", "gross output"),
    "VA001": ("劳动者报酬", "compensation of employees"),
    "VA002": ("生产税净额", "net taxes on production"),
    "VA003": ("固定资产折旧", "depreciation of fixed assets"),
    "VA004": ("营业盈余", "operating surplus"),
    "TVA": ("增加值合计", "total value added"),
    "TI": ("总投入", "total input"),
    "TII": ("中间投入合计", "total intermediate input"),
    "TIU": ("中间使用合计", "total intermediate use"),
    "THC": ("居民消费支出合计", "household consumption"),
    "GCF": ("资本形成总额", "gross capital formation"),
    "TFU": ("最终使用合计", "total final use"),
}
_CODE_COLS = ("code", "row_code", "代码", "sec")
_LABEL_COLS = {
    "description": "name_en",
    "name_en": "name_en",
    "descriptioninchinese": "name_zh",
    "name_zh": "name_zh",
    "名称": "name_zh",
    "province_zh": None,
}
_REGION_COLS = ("adcode", "region", "region_code", "地区")
_ORIGINS = {
    "domestic": "domestic",
    "imports": "imported",
    "imported": "imported",
    "tot": "all",
    "total": "all",
    "all": "all",
}


def _split_columns(df: pd.DataFrame, file: str):
    low = {c.lower(): c for c in df.columns}
    code_col = next((low[c] for c in _CODE_COLS if c in low), None)
    if code_col is None:
        raise InputError.at(
            "missing column",
            file=file,
            row=1,
            column="Code",
            expected="a row-code column named Code, row_code or 代码",
        )
    labels = {low[k]: v for k, v in _LABEL_COLS.items() if k in low}
    origin_col = low.get("origin")
    region_col = next((low[c] for c in _REGION_COLS if c in low), None)
    meta = {code_col, origin_col, region_col, *labels}
    value_cols = [c for c in df.columns if c not in meta]
    if not value_cols:
        raise InputError.at("no value columns", file=file, row=1, expected="one column per column code")
    return code_col, labels, origin_col, region_col, value_cols


def _reject_first(
    mask: np.ndarray,
    message: str,
    file: str,
    lines: np.ndarray,
    column: str,
    expected: str,
    values: pd.Series | None = None,
) -> None:
    """Raise :class:`InputError` ``message`` at the first row of ``mask`` (if any), on its file line
    ``lines[i]``, with ``values.iat[i]`` as the value when given."""
    if not mask.any():
        return
    i = int(np.flatnonzero(mask)[0])
    value = {} if values is None else {"value": values.iat[i]}
    raise InputError.at(message, file=file, row=int(lines[i]), column=column, expected=expected, **value)


def _role_map(
    codes: list[str], sectors: set[str], roles: dict[str, str], unknown: Callable[[str], InputError]
) -> dict[str, str]:
    """Role of each code of one axis: ``"sector"`` for a code of ``sectors``, else its entry in ``roles``;
    the error ``unknown(code)`` is raised at the first code that is neither."""
    out = {}
    for c in codes:
        if c in sectors:
            out[c] = "sector"
        elif c in roles:
            out[c] = roles[c]
        else:
            raise unknown(c)
    return out


def _roles(row_codes: list[str], col_codes: list[str], file: str) -> tuple[dict, dict]:
    sectors = [c for c in col_codes if c in set(row_codes) and c not in COL_ROLES and c not in ROW_ROLES]
    if not sectors:
        raise InputError.at(
            "no sector codes shared by rows and columns",
            file=file,
            row=1,
            expected="the same product codes as row codes and column headers",
        )
    sec = set(sectors)
    col_role = _role_map(
        col_codes,
        sec,
        COL_ROLES,
        lambda c: InputError.at(
            "unknown column code",
            file=file,
            row=1,
            column=c,
            expected="a sector code that is also a row code, or one of " + ", ".join(COL_ROLES),
        ),
    )
    for sub, parts in SUBTOTAL_PARTS.items():
        if sub in col_role and not any(p in col_role for p in parts):
            col_role[sub] = "final_demand"
    row_role = _role_map(
        row_codes,
        sec,
        ROW_ROLES,
        lambda r: InputError.at(
            "unknown row code",
            file=file,
            column="Code",
            value=r,
            expected="a sector code that is also a column header, or one of " + ", ".join(ROW_ROLES),
        ),
    )
    return col_role, row_role


def _numeric_block(df: pd.DataFrame, cols: list[str], file: str, line0: np.ndarray) -> np.ndarray:
    block = df[cols]
    if all(pd.api.types.is_numeric_dtype(block[c]) for c in cols):
        return block.to_numpy(dtype="float64")
    text = block.astype("string").apply(lambda s: s.str.strip())
    parsed = [parse_numbers(text[c], marks=BLANK) for c in cols]  # strict: no NaN, 1_000 or 1,5
    num = pd.DataFrame({c: v for c, (v, _) in zip(cols, parsed)}, index=text.index)
    bad = np.column_stack([b for _, b in parsed])
    if bad.any():
        i, j = map(int, np.argwhere(bad)[0])
        raise InputError.at(
            "value is not a number",
            file=file,
            row=int(line0[i]),
            column=cols[j],
            value=text.iat[i, j],
            expected="a number or a blank cell",
        )
    arr = num.to_numpy(dtype="float64", na_value=np.nan)
    if np.isinf(arr).any():
        i, j = map(int, np.argwhere(np.isinf(arr))[0])
        raise InputError.at(
            "value is infinite", file=file, row=int(line0[i]), column=cols[j], expected="a finite number"
        )
    return arr


def check_balance(
    codes: np.ndarray,
    origins: np.ndarray,
    values: np.ndarray,
    col_codes: list[str],
    col_role: dict,
    row_role: dict,
    *,
    file: str,
    lines: np.ndarray,
    rtol: float,
    atol: float,
    label: str = "",
) -> dict:
    """Check the row and column identities of one table; raise naming the worst row/column."""
    cidx = {c: k for k, c in enumerate(col_codes)}
    v = np.nan_to_num(values)
    sector_cols = [cidx[c] for c in col_codes if col_role[c] == "sector"]
    is_prod = np.array([row_role[c] == "sector" for c in codes])
    x_col = cidx.get("GO")
    report = {"max_row_gap": 0.0, "max_col_gap": 0.0}
    where = f" in table {label}" if label else ""
    if x_col is not None:
        lhs = v[:, sector_cols].sum(axis=1)
        for c in col_codes:
            s = _SIGN.get(col_role[c])
            if s is not None:
                lhs = lhs + s * v[:, cidx[c]]
        gap = np.where(is_prod, lhs - v[:, x_col], 0.0)
        tol = atol + rtol * np.abs(v[:, x_col])
        viol = np.abs(gap) > tol
        report["max_row_gap"] = float(np.abs(gap).max()) if len(gap) else 0.0
        if viol.any():
            i = int(np.argmax(np.where(viol, np.abs(gap) / np.maximum(tol, 1e-300), 0)))
            raise InputError.at(
                f"row does not balance{where}: intermediate use + final use + outflows − imports − inflows "
                f"+ discrepancy = {lhs[i]:.6g} but GO = {v[i, x_col]:.6g}",
                file=file,
                row=int(lines[i]),
                column="GO",
                value=codes[i],
                expected=f"equality within {atol:g} + {rtol:g}·GO",
            )
    total_rows = [k for k, c in enumerate(codes) if row_role[c] == "input_total"]
    if total_rows:
        t = total_rows[0]
        va = np.array([row_role[c] == "value_added" for c in codes])
        cols_in = np.array(sector_cols)
        inputs = v[is_prod][:, cols_in].sum(axis=0) + v[va][:, cols_in].sum(axis=0)
        ti = v[t, cols_in]
        gap = inputs - ti
        tol = atol + rtol * np.abs(ti)
        report["max_col_gap"] = float(np.abs(gap).max())
        if (np.abs(gap) > tol).any():
            j = int(np.argmax(np.abs(gap) / np.maximum(tol, 1e-300)))
            raise InputError.at(
                f"column does not balance{where}: intermediate inputs + value added = {inputs[j]:.6g} "
                f"but total input = {ti[j]:.6g}",
                file=file,
                row=int(lines[t]),
                column=col_codes[cols_in[j]],
                expected=f"equality within {atol:g} + {rtol:g}·total input",
            )
        if x_col is not None:
            dom = is_prod & np.array([o != "imported" for o in origins])
            go = {c: v[k, x_col] for k, c in enumerate(codes) if dom[k]}
            for jj, j in enumerate(cols_in):
                c = col_codes[j]
                if c in go and abs(go[c] - ti[jj]) > atol + rtol * abs(ti[jj]):
                    raise InputError.at(
                        f"total input of sector {c} differs from its gross output{where}",
                        file=file,
                        row=int(lines[t]),
                        column=c,
                        value=float(ti[jj]),
                        expected=f"GO = {go[c]:.6g}",
                    )
    return report


def ingest_io(
    store: Store,
    path,
    info: DatasetInfo,
    *,
    year: int,
    table_id: str | None = None,
    region: str | None = None,
    scheme: str = "",
    unit: str = "10^4 CNY",
    kind: str | None = None,
    rtol: float = 1e-4,
    atol: float = 1.0,
    replace: bool = False,
    sheet=None,
    frame: pd.DataFrame | None = None,
    screen: bool = True,
) -> IngestReport:
    """Validate and store one (or several stacked) input–output tables atomically."""
    path = Path(path)
    file = str(path)
    check_readable(path)
    sha = sha256_file(path)
    if (same := dataset_by_sha256(store, sha)) is not None:
        return IngestReport(
            same,
            "io",
            file,
            sha,
            0,
            skipped=True,
            message=f"identical file already stored as dataset '{same}'; nothing to do",
        )
    check_dataset_id_free(store, info, file, replace)
    if not isinstance(year, (int, np.integer)) or not 1900 <= int(year) <= 2100:
        raise InputError.at(
            "impossible year", file=file, column="year", value=year, expected="a year in 1900–2100"
        )
    df = frame if frame is not None else read_frame(path, sheet=sheet)
    lines = np.arange(2, len(df) + 2)
    low = {c.lower(): c for c in df.columns}
    if {"row_code", "col_code", "value"} <= low.keys():  # long layout → matrix
        df = _long_to_matrix(df, low, file)
        lines = df.pop("_line").to_numpy()
    code_col, labels, origin_col, region_col, value_cols = _split_columns(df, file)
    codes_all = df[code_col].astype("string").str.strip()
    _reject_first(codes_all.isna().to_numpy(), "missing row code", file, lines, code_col, "a row code")
    if origin_col is not None:
        origins = df[origin_col].astype("string").str.strip().str.lower().map(_ORIGINS)
        _reject_first(
            origins.isna().to_numpy(),
            "unknown origin",
            file,
            lines,
            origin_col,
            "Domestic, Imports or TOT",
            df[origin_col],
        )
        origins = origins.to_numpy(dtype=object)
        kind = kind or "noncompetitive"
    else:
        origins = np.full(len(df), "all", dtype=object)
        kind = kind or "competitive"
    if region_col is not None:
        regs = df[region_col].map(region_code)
        _reject_first(
            regs.isna().to_numpy(),
            "unknown region",
            file,
            lines,
            region_col,
            "a province name or GB/T 2260 code",
            df[region_col],
        )
        groups = list(dict.fromkeys(regs))
    else:
        one = NATIONAL if region is None else region_code(region)
        if one is None:
            raise InputError.at(
                "unknown region", column="region", value=region, expected="a province name or code"
            )
        regs = pd.Series([one] * len(df))
        groups = [one]
    values = _numeric_block(df, value_cols, file, lines)
    col_codes = [c.strip() for c in value_cols]

    tables, flows, codes_rows, reports = [], [], [], {}
    for g in groups:
        m = (regs == g).to_numpy()
        codes = codes_all[m].to_numpy(dtype=object)
        orig = origins[m]
        dup = pd.Series(list(zip(orig, codes))).duplicated().to_numpy()
        if dup.any():
            i = int(np.flatnonzero(dup)[0])
            raise InputError.at(
                "duplicate row code",
                file=file,
                row=int(lines[m][i]),
                column=code_col,
                value=codes[i],
                expected="each row code once per origin and table",
            )
        col_role, row_role = _roles(list(codes), col_codes, file)
        tid = table_id or info.dataset_id
        if len(groups) > 1:
            tid = f"{tid}_{g}"
        reports[tid] = check_balance(
            codes,
            orig,
            values[m],
            col_codes,
            col_role,
            row_role,
            file=file,
            lines=lines[m],
            rtol=rtol,
            atol=atol,
            label=tid,
        )
        tables.append((tid, int(year), g, scheme, unit, kind, info.dataset_id))
        vals = values[m]
        ii, jj = np.nonzero(~np.isnan(vals))
        flows.append(
            pd.DataFrame(
                {
                    "table_id": tid,
                    "row_code": codes[ii],
                    "col_code": np.asarray(col_codes)[jj],
                    "value": vals[ii, jj],
                    "origin": orig[ii],
                }
            )
        )
        names = {}
        for lab_col, key in labels.items():
            if key:
                for c, n in zip(codes, df.loc[m, lab_col]):
                    names.setdefault(c, {})[key] = n
        axes = (("row", row_role, list(dict.fromkeys(codes))), ("col", col_role, col_codes))
        for axis, roles, order in axes:
            for pos, c in enumerate(order):
                zh, en = names.get(c, {}).get("name_zh"), names.get(c, {}).get("name_en")
                if c in NAMES:
                    zh, en = zh or NAMES[c][0], en or NAMES[c][1]
                codes_rows.append((tid, axis, c, roles[c], zh, en, pos))
    taken = table_ids_held_elsewhere(store, [t[0] for t in tables], info.dataset_id)
    if taken:
        raise InputError.at(
            "table id already stored",
            file=file,
            column="table_id",
            value=taken[0],
            expected="a new --table-id, or --replace on the dataset that holds it",
        )
    flow = pd.concat(flows, ignore_index=True)
    table_frame = pd.DataFrame(
        tables, columns=["table_id", "year", "region_code", "scheme", "unit", "kind", "dataset_id"]
    )
    code_frame = pd.DataFrame(
        codes_rows, columns=["table_id", "axis", "code", "role", "name_zh", "name_en", "position"]
    )
    notes = _screen_io(flow, code_frame, table_frame, info.dataset_id) if screen else None

    commit_dataset(
        store,
        info,
        file=file,
        sha=sha,
        rows=len(flow),
        notes=notes,
        replace=replace,
        write=lambda s: insert_io_tables(s, table_frame, code_frame, flow),
        detail=f"tables={len(tables)}",
    )
    return IngestReport(
        info.dataset_id,
        "io",
        file,
        sha,
        len(flow),
        notes=notes if notes is not None else pd.DataFrame(),
        message=f"stored {len(tables)} table(s), {len(flow):,} cells",
        details=reports,
    )


def _long_to_matrix(df: pd.DataFrame, low: dict, file: str) -> pd.DataFrame:
    rc, cc, vc = low["row_code"], low["col_code"], low["value"]
    oc = low.get("origin")
    key = [rc] + ([oc] if oc else [])
    d = df.copy()
    d["_line"] = np.arange(2, len(d) + 2)
    dup = d.duplicated(key + [cc], keep="first").to_numpy()
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        raise InputError.at(
            "duplicate cell",
            file=file,
            row=i + 2,
            column=cc,
            value=f"{d[rc].iat[i]}/{d[cc].iat[i]}",
            expected="each (row_code, col_code) once",
        )
    wide = d.pivot(index=key, columns=cc, values=vc).reset_index()
    first_line = d.groupby(key, sort=False)["_line"].min()
    wide["_line"] = wide.set_index(key).index.map(first_line).to_numpy()
    wide = wide.sort_values("_line").reset_index(drop=True)
    wide.columns = [str(c) for c in wide.columns]
    return wide.rename(columns={rc: "Code"})


def _screen_io(
    flow: pd.DataFrame, codes: pd.DataFrame, tables: pd.DataFrame, dataset_id: str
) -> pd.DataFrame | None:
    """Quality screening of every table: zero-output sectors (A undefined), negative value added…

    Imported rows of non-competitive tables are left out so that ``x`` is domestic output.
    """
    notes = []
    for t in tables.itertuples():
        f = flow[(flow.table_id == t.table_id) & (flow.origin != "imported")]
        mine = codes[codes.table_id == t.table_id]
        sectors = mine[(mine.axis == "col") & (mine.role == "sector")]["code"]
        notes.append(
            screen_io_flows(
                f, dataset_id=dataset_id, region_code=t.region_code, year=t.year, sectors=list(sectors)
            )
        )
    return pd.concat(notes, ignore_index=True) if notes else None
