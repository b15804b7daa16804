"""Ingest of reference lists: indicators, sectors, enterprises and the firm register.

Indicators: ``code, name_zh, name_en, unit, direction (+/−), dimension, source, min_value, max_value,
price_basis`` (code, unit and direction required). Sectors: ``code, name_zh, name_en`` and ``scheme``
(column or ``--scheme``). Enterprises: ``uscc, name, region, sector_code, size_class`` with the
unified social credit code checked (GB 32100) and the region and sector known to the store. Firms
(the production network's register, :func:`ingest_firms`): ``uscc, name, region_code, sector_code,
size_class`` and optional ``sector_scheme, founding_year, employees, revenue_cny``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

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
from industrial_brain.reference.gbt4754 import GBT4754_SCHEMES, gbt4754_to_io
from industrial_brain.reference.regions import province_table, region_code, region_codes
from industrial_brain.reference.uscc import validate_uscc_column
from industrial_brain.store.connection import Store
from industrial_brain.store.datasets import dataset_by_sha256
from industrial_brain.store.enterprises import insert_enterprises
from industrial_brain.store.firms import insert_firms
from industrial_brain.store.reference import (
    held_elsewhere,
    insert_indicators,
    insert_sectors,
    sectors as stored_sectors,
)

#: Writer of each keyed list.
_WRITERS = {
    "indicator": insert_indicators,
    "sector": insert_sectors,
    "enterprise": insert_enterprises,
    "firm": insert_firms,
}
#: The IO sector scheme of the embedded tables: a firm's ``sector_code`` is read in it by default.
FIRM_SECTOR_SCHEME = "nbs2017_42"

SIZE_CLASSES = {
    "large": "large",
    "medium": "medium",
    "small": "small",
    "micro": "micro",
    "大型": "large",
    "中型": "medium",
    "小型": "small",
    "微型": "micro",
}
_DIRECTIONS = {
    "+": "+",
    "-": "-",
    "−": "-",
    "positive": "+",
    "negative": "-",
    "正": "+",
    "负": "-",
    "正向": "+",
    "负向": "-",
}


def _require(df: pd.DataFrame, cols: list[str], file: str) -> None:
    for c in cols:
        if c not in df.columns:
            raise InputError.at(
                "missing column", file=file, row=1, column=c, expected=f"columns {', '.join(cols)}"
            )


def _refuse_first(
    bad: Any, what: str, *, file: str, column: str, values: Any = None, expected: str | None = None
) -> None:
    """Refuse the first row flagged in ``bad`` (its file line: position + 2, the header being line 1),
    showing that row's entry of ``values``; nothing when no row is flagged."""
    bad = np.asarray(bad, dtype=bool)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        value = None if values is None else (values.iat[i] if hasattr(values, "iat") else values[i])
        raise InputError.at(what, file=file, row=i + 2, column=column, value=value, expected=expected)


def _no_blank(df: pd.DataFrame, col: str, file: str, expected: str) -> None:
    blank = df[col].isna() | (df[col].astype("string").str.strip() == "")
    _refuse_first(blank, f"missing {col}", file=file, column=col, expected=expected)


def _no_duplicates(df: pd.DataFrame, cols: list[str], file: str) -> None:
    dup = df.duplicated(cols, keep=False).to_numpy()
    if dup.any():
        idx = np.flatnonzero(dup)
        first = df.iloc[idx[0]][cols].tolist()
        twin = next(j for j in idx[1:] if df.iloc[j][cols].tolist() == first)
        raise InputError.at(
            f"duplicate {'/'.join(cols)} (also on row {idx[0] + 2})",
            file=file,
            row=twin + 2,
            column=cols[0],
            value="/".join(map(str, first)),
            expected="each key once",
        )


def _numbers(df: pd.DataFrame, col: str, file: str) -> np.ndarray:
    if col not in df.columns:
        return np.full(len(df), np.nan)
    s = df[col].astype("string").str.strip()
    num, bad = parse_numbers(s, marks=BLANK)  # strict: no NaN, 1_000 or 1,5
    _refuse_first(bad, "not a number", file=file, column=col, values=s, expected="a number or blank")
    return num


def _prepare(
    store: Store, path: str | Path, info: DatasetInfo, replace: bool, frame: pd.DataFrame | None, sheet=None
):
    path = Path(path)
    check_readable(path)
    sha = sha256_file(path)
    same = dataset_by_sha256(store, sha)
    if same is not None:
        return path, sha, None, same
    check_dataset_id_free(store, info, str(path), replace)
    df = frame if frame is not None else read_frame(path, sheet=sheet)
    df = df.copy()
    df.columns = [c.strip().lower() for c in df.columns]
    return path, sha, df, None


def _skipped(same: str, kind: str, path: Path, sha: str) -> IngestReport:
    return IngestReport(
        same,
        kind,
        str(path),
        sha,
        0,
        skipped=True,
        message=f"identical file already stored as dataset '{same}'; nothing to do",
    )


def _store_rows(
    store: Store,
    info: DatasetInfo,
    file: str,
    sha: str,
    replace: bool,
    table: str,
    out: pd.DataFrame,
    key: list[str],
    what: str,
    noun: str,
) -> IngestReport:
    """Check keys (unique in the file, not stored by another dataset), then commit ``out`` into ``table``."""
    _no_duplicates(out, key, file)
    _taken_elsewhere(store, table, out[key], info, file, what, key)
    commit_dataset(
        store,
        info,
        file=file,
        sha=sha,
        rows=len(out),
        replace=replace,
        write=lambda s: _WRITERS[table](s, out),
    )
    return IngestReport(
        info.dataset_id, info.kind, file, sha, len(out), message=f"registered {len(out)} {noun}"
    )


def _taken_elsewhere(
    store: Store, table: str, keys: pd.DataFrame, info: DatasetInfo, file: str, what: str, cols: list[str]
) -> None:
    hit = held_elsewhere(store, table, keys, info.dataset_id)
    if hit:
        (first, *_), owner = hit
        pos = int(np.flatnonzero((keys[cols[0]] == first).to_numpy())[0])
        raise InputError.at(
            f"{what} already stored by dataset '{owner}'",
            file=file,
            row=pos + 2,
            column=cols[0],
            value=first,
            expected=f"a new {what}, or --replace on dataset '{owner}'",
        )


def ingest_indicators(
    store: Store,
    path,
    info: DatasetInfo,
    *,
    replace: bool = False,
    frame: pd.DataFrame | None = None,
    sheet=None,
) -> IngestReport:
    """Register indicators (code, labels, unit, direction, domain) as one dataset."""
    path, sha, df, same = _prepare(store, path, info, replace, frame, sheet)
    if same:
        return _skipped(same, "indicators", path, sha)
    file = str(path)
    _require(df, ["code", "unit", "direction"], file)
    for c in ("code", "unit", "direction"):
        _no_blank(
            df,
            c,
            file,
            {
                "code": "an indicator code",
                "unit": "a unit such as '10^8 CNY' or '%'",
                "direction": "'+' (more is better) or '-'",
            }[c],
        )
    codes = df["code"].astype(str).str.strip()
    bad = ~codes.str.fullmatch(r"[A-Za-z][A-Za-z0-9_.]{0,63}")
    _refuse_first(
        bad,
        "bad indicator code",
        file=file,
        column="code",
        values=codes,
        expected="a letter then letters, digits, '_' or '.' (up to 64)",
    )
    direction = df["direction"].astype(str).str.strip().str.lower().map(_DIRECTIONS)
    _refuse_first(
        direction.isna(),
        "bad direction",
        file=file,
        column="direction",
        values=df["direction"],
        expected="'+' or '-'",
    )
    lo, hi = _numbers(df, "min_value", file), _numbers(df, "max_value", file)
    crossed = ~np.isnan(lo) & ~np.isnan(hi) & (lo > hi)
    if crossed.any():
        i = int(np.flatnonzero(crossed)[0])
        raise InputError.at(
            "min_value above max_value",
            file=file,
            row=i + 2,
            column="min_value",
            value=lo[i],
            expected=f"a value ≤ {hi[i]:g}",
        )
    out = pd.DataFrame(
        {
            "code": codes,
            "name_zh": df.get("name_zh"),
            "name_en": df.get("name_en"),
            "unit": df["unit"].astype(str).str.strip(),
            "direction": direction,
            "dimension": df.get("dimension"),
            "source": df.get("source"),
            "min_value": lo,
            "max_value": hi,
            "price_basis": df.get("price_basis"),
            "dataset_id": info.dataset_id,
        }
    )
    return _store_rows(
        store, info, file, sha, replace, "indicator", out, ["code"], "indicator code", "indicators"
    )


def ingest_sectors(
    store: Store,
    path,
    info: DatasetInfo,
    *,
    scheme: str | None = None,
    replace: bool = False,
    frame: pd.DataFrame | None = None,
    sheet=None,
) -> IngestReport:
    """Register a sector classification (codes with Chinese and English names) under a scheme."""
    path, sha, df, same = _prepare(store, path, info, replace, frame, sheet)
    if same:
        return _skipped(same, "sectors", path, sha)
    file = str(path)
    _require(df, ["code"], file)
    _no_blank(df, "code", file, "a sector code")
    if "scheme" not in df.columns:
        if not scheme:
            raise InputError.at(
                "missing column",
                file=file,
                row=1,
                column="scheme",
                expected="a 'scheme' column or the --scheme option",
            )
        df["scheme"] = scheme
    _no_blank(df, "scheme", file, "a classification scheme name")
    out = pd.DataFrame(
        {
            "code": df["code"].astype(str).str.strip(),
            "scheme": df["scheme"].astype(str).str.strip(),
            "name_zh": df.get("name_zh"),
            "name_en": df.get("name_en"),
            "dataset_id": info.dataset_id,
        }
    )
    return _store_rows(
        store, info, file, sha, replace, "sector", out, ["code", "scheme"], "sector code", "sectors"
    )


def ingest_enterprises(
    store: Store,
    path,
    info: DatasetInfo,
    *,
    scheme: str | None = None,
    replace: bool = False,
    frame: pd.DataFrame | None = None,
    sheet=None,
) -> IngestReport:
    """Register enterprises: USCC checked, region mapped to GB/T 2260, sector known, size class valid."""
    path, sha, df, same = _prepare(store, path, info, replace, frame, sheet)
    if same:
        return _skipped(same, "enterprise", path, sha)
    file = str(path)
    uscc, size = _register_basics(df, file, "region", "a province", "a registered sector code")
    regions = region_codes(df["region"].to_numpy(), file=file, column="region")
    schemes = (
        df["sector_scheme"].astype(str).str.strip()
        if "sector_scheme" in df.columns
        else pd.Series([scheme] * len(df), dtype=object)
    )
    if schemes.isna().any() or (schemes == "None").any():
        raise InputError.at(
            "missing column",
            file=file,
            row=1,
            column="sector_scheme",
            expected="a 'sector_scheme' column or the --scheme option",
        )
    sectors = _known_sectors(store, df, schemes, file)
    out = pd.DataFrame(
        {
            "uscc": uscc,
            "name": df["name"],
            "region_code": regions.to_numpy(),
            "sector_code": sectors,
            "size_class": size,
            "dataset_id": info.dataset_id,
            "sector_scheme": schemes.to_numpy(),
        }
    )
    return _store_rows(
        store, info, file, sha, replace, "enterprise", out, ["uscc"], "enterprise", "enterprises"
    )


def _register_basics(
    df: pd.DataFrame, file: str, region_column: str, region_expected: str, sector_expected: str
) -> tuple[np.ndarray, pd.Series]:
    """The checks an enterprise and a firm register share: required columns, no blank key cell, the
    USCC (GB 32100) and the size class; returns the codes (upper-cased) and the size classes."""
    _require(df, ["uscc", "name", region_column, "sector_code", "size_class"], file)
    for c, expected in (
        ("uscc", "an 18-character unified social credit code"),
        (region_column, region_expected),
        ("sector_code", sector_expected),
        ("size_class", "large|medium|small|micro"),
    ):
        _no_blank(df, c, file, expected)
    uscc = validate_uscc_column(df["uscc"].tolist(), file=file)
    size = df["size_class"].astype(str).str.strip().str.lower().map(SIZE_CLASSES)
    _refuse_first(
        size.isna(),
        "unknown size class",
        file=file,
        column="size_class",
        values=df["size_class"],
        expected="large | medium | small | micro (大型/中型/小型/微型)",
    )
    return uscc, size


def _known_sectors(store: Store, df: pd.DataFrame, schemes: pd.Series, file: str) -> pd.Series:
    """The ``sector_code`` column, trimmed; raises at the first code not registered in its scheme."""
    sectors = df["sector_code"].astype(str).str.strip()
    known = stored_sectors(store)
    known_keys = pd.MultiIndex.from_arrays([known["scheme"], known["code"]])
    unknown = ~pd.MultiIndex.from_arrays([schemes.to_numpy(), sectors.to_numpy()]).isin(known_keys)
    if unknown.any():
        i = int(np.flatnonzero(unknown)[0])
        raise InputError.at(
            "unknown sector",
            file=file,
            row=i + 2,
            column="sector_code",
            value=sectors.iat[i],
            expected=f"a code of scheme '{schemes.iat[i]}' registered with --kind sectors",
        )
    return sectors


def _firm_regions(values: pd.Series, file: str) -> np.ndarray:
    """GB/T 2260 codes of a ``region_code`` column: a 6-digit code whose province is known (county
    level kept), or a province name mapped to its code."""
    text = values.astype("string").str.strip()
    digits = text.str.fullmatch(r"[0-9]{6}").fillna(False).to_numpy(dtype=bool)
    provinces = set(province_table()["code"])
    out = text.to_numpy(dtype=object)
    bad = digits & ~np.isin((text.str[:2] + "0000").to_numpy(dtype=object), list(provinces))
    _refuse_first(
        bad,
        "unknown region",
        file=file,
        column="region_code",
        values=text,
        expected="a GB/T 2260 code of a known province (e.g. 320506) or a province name",
    )
    if (~digits).any():  # province names: mapped, the first unknown one refused at its row
        rows = np.flatnonzero(~digits)
        mapping = {u: region_code(u) for u in pd.unique(out[rows])}
        for i in rows:
            if mapping[out[i]] is None:
                raise InputError.at(
                    "unknown region",
                    file=file,
                    row=int(i) + 2,
                    column="region_code",
                    value=out[i],
                    expected="a GB/T 2260 code (e.g. 320506) or a province name (e.g. '江苏', 'Jiangsu')",
                )
            out[i] = mapping[out[i]]
    return out


def _years(df: pd.DataFrame, file: str) -> np.ndarray:
    years = _numbers(df, "founding_year", file)
    bad = ~np.isnan(years) & ((years != np.round(years)) | (years < 1800) | (years > 2100))
    _refuse_first(
        bad,
        "bad founding year",
        file=file,
        column="founding_year",
        values=df.get("founding_year"),
        expected="a year such as 2008, or blank",
    )
    return years


def _non_negative(df: pd.DataFrame, col: str, file: str) -> np.ndarray:
    v = _numbers(df, col, file)
    bad = ~np.isnan(v) & ~(np.isfinite(v) & (v >= 0))
    _refuse_first(bad, f"bad {col}", file=file, column=col, values=df.get(col), expected="≥ 0 or blank")
    return v


def _gbt4754_mapped(df: pd.DataFrame, schemes: pd.Series, file: str) -> tuple[pd.DataFrame, pd.Series]:
    """Rows whose ``sector_scheme`` is GB/T 4754 (:data:`GBT4754_SCHEMES`) get the IO sector of their
    industry code (:func:`industrial_brain.reference.gbt4754.gbt4754_to_io`, division level) and the
    scheme :data:`FIRM_SECTOR_SCHEME`; the first unknown code is refused at its row."""
    gbt = schemes.astype(str).str.strip().str.lower().isin(GBT4754_SCHEMES).to_numpy(dtype=bool)
    if not gbt.any():
        return df, schemes
    rows = np.flatnonzero(gbt)
    codes = df["sector_code"].astype(str).to_numpy(dtype=object)
    codes[rows] = gbt4754_to_io(codes[rows], file=file, rows=rows + 2)
    df = df.assign(sector_code=codes)
    schemes = schemes.copy()
    schemes.iloc[rows] = FIRM_SECTOR_SCHEME
    return df, schemes


def ingest_firms(
    store: Store,
    path,
    info: DatasetInfo,
    *,
    scheme: str | None = None,
    replace: bool = False,
    frame: pd.DataFrame | None = None,
    sheet=None,
) -> IngestReport:
    """Register the firms of the production network: USCC checked (GB 32100), region a GB/T 2260
    code (county level kept) or a province name, sector an IO sector code (scheme
    :data:`FIRM_SECTOR_SCHEME` unless a ``sector_scheme`` column or ``scheme`` says otherwise),
    size class valid, founding year, employees and revenue (CNY) optional."""
    path, sha, df, same = _prepare(store, path, info, replace, frame, sheet)
    if same:
        return _skipped(same, "firms", path, sha)
    file = str(path)
    uscc, size = _register_basics(df, file, "region_code", "a GB/T 2260 code or province", "an IO sector")
    regions = _firm_regions(df["region_code"], file)
    schemes = (
        df["sector_scheme"].astype("string").str.strip().fillna(scheme or FIRM_SECTOR_SCHEME)
        if "sector_scheme" in df.columns
        else pd.Series([scheme or FIRM_SECTOR_SCHEME] * len(df), dtype=object)
    ).astype(object)
    df, schemes = _gbt4754_mapped(df, schemes, file)
    sectors = _known_sectors(store, df, schemes, file)
    out = pd.DataFrame(
        {
            "uscc": uscc,
            "name": df["name"].to_numpy(dtype=object),
            "region_code": regions,
            "sector_code": sectors.to_numpy(dtype=object),
            "sector_scheme": schemes.to_numpy(dtype=object),
            "size_class": size.to_numpy(dtype=object),
            "founding_year": _years(df, file),
            "employees": _non_negative(df, "employees", file),
            "revenue_cny": _non_negative(df, "revenue_cny", file),
            "dataset_id": info.dataset_id,
        }
    )
    return _store_rows(store, info, file, sha, replace, "firm", out, ["uscc"], "firm", "firms")
