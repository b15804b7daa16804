"""Ingest of regional panels: long, wide-by-indicator and wide-by-year layouts, reshaped to long.

Long:               ``region, year, indicator, value``
Wide by indicator:  ``region, year, <indicator code>, <indicator code>, …``
Wide by year:       ``region, indicator, 2015, 2016, …``

Headers are matched case-insensitively and in Chinese (地区/省份, 年份, 指标, 数值). Blank cells and
the usual yearbook missing marks (``-``, ``—``, ``…``, ``NA``) in value cells are missing values: not
stored, and counted in the report. The text ``NaN``, years such as ``2e3`` and numbers such as
``1_000`` are refused (see :data:`industrial_brain.ingest.files.MISSING_MARKS` and ``parse_numbers``).

Two paths, one set of rules: a long UTF-8 CSV is staged and checked inside DuckDB (millions of
rows a second); everything else — and any file the fast path rejects — goes through the pandas
path, whose messages name the line and column of the first bad cell.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd

from industrial_brain.errors import InputError
from industrial_brain.ingest.core import (
    DatasetInfo,
    IngestReport,
    check_dataset_id_free,
    commit_dataset,
)
from industrial_brain.ingest.files import (
    LineNumbers,
    check_readable,
    file_format,
    parse_numbers,
    parse_years,
    read_frame,
    sha256_file,
)
from industrial_brain.quality import screen_panel
from industrial_brain.reference.regions import region_code, region_codes
from industrial_brain.store.connection import Store
from industrial_brain.store.datasets import dataset_by_sha256
from industrial_brain.store.observations import (
    BulkLoadFailed,
    bulk_load,
    delete_missing,
    duplicate_years,
    insert_observations,
    load_long_csv,
    observations,
    recode_regions,
    series_check,
)
from industrial_brain.store.reference import indicators as stored_indicators

LAYOUTS = ("auto", "long", "wide-indicator", "wide-year")
YEAR_MIN, YEAR_MAX = 1900, 2100

_HEADER_ALIASES = {
    "region": {"region", "province", "region_code", "adcode", "地区", "省份", "省", "地区代码"},
    "year": {"year", "年份", "年"},
    "indicator": {"indicator", "indicator_code", "variable", "指标", "指标代码"},
    "value": {"value", "数值", "值"},
}


def _canon(columns: list[str]) -> dict[str, str]:
    """Map canonical names (region, year, indicator, value) to the file's column names."""
    found: dict[str, str] = {}
    for col in columns:
        low = col.strip().lower()
        for canon, aliases in _HEADER_ALIASES.items():
            if low in aliases and canon not in found:
                found[canon] = col
    return found


def _is_year_header(c: str) -> bool:
    return bool(re.fullmatch(r"\d{4}(\.0)?", c.strip()))


def detect_layout(columns: list[str], *, file: str) -> str:
    """Which of the three layouts a header describes; InputError naming what is missing otherwise."""
    found = _canon(columns)
    if "region" not in found:
        raise InputError.at(
            "missing column",
            file=file,
            row=1,
            column="region",
            expected="a 'region' (地区) column in every panel layout",
        )
    if {"year", "indicator", "value"} <= found.keys():
        return "long"
    if "year" in found and "indicator" not in found and "value" not in found:
        return "wide-indicator"
    if "indicator" in found and "year" not in found:
        return "wide-year"
    missing = [c for c in ("year", "indicator", "value") if c not in found]
    raise InputError.at(
        "missing column",
        file=file,
        row=1,
        column=missing[0],
        expected="long (region, year, indicator, value), "
        "wide by indicator (region, year, <codes>…) "
        "or wide by year (region, indicator, <years>…)",
    )


# --------------------------------------------------------------------------------------------------
# pandas path
# --------------------------------------------------------------------------------------------------
def _to_long(df: pd.DataFrame, layout: str, file: str) -> pd.DataFrame:
    """Reshape to long with ``_line`` (file line) and ``_col`` (source column of the value)."""
    cols = _canon(list(df.columns))
    lines = df.attrs.get("lines")  # a sheet's own row numbers (blank rows skipped), else the file's
    line = lines.array if isinstance(lines, LineNumbers) else np.arange(2, len(df) + 2)
    if layout == "long":
        out = pd.DataFrame(
            {
                "region": df[cols["region"]].to_numpy(),
                "year": df[cols["year"]].to_numpy(),
                "indicator": df[cols["indicator"]].to_numpy(),
                "value": df[cols["value"]].to_numpy(),
                "_line": line,
            }
        )
        out["_col"] = cols["value"]
        out.attrs["cols"] = cols
        return out
    if layout == "wide-indicator":
        value_cols = [c for c in df.columns if c not in (cols["region"], cols["year"])]
        if not value_cols:
            raise InputError.at(
                "no indicator columns",
                file=file,
                row=1,
                expected="one column per indicator code after region and year",
            )
        n, k = len(df), len(value_cols)
        out = pd.DataFrame(
            {
                "region": np.repeat(df[cols["region"]].to_numpy(), k),
                "year": np.repeat(df[cols["year"]].to_numpy(), k),
                "indicator": np.tile(np.asarray(value_cols, dtype=object), n),
                "value": df[value_cols].to_numpy().reshape(-1),
                "_line": np.repeat(line, k),
                "_col": np.tile(np.asarray(value_cols, dtype=object), n),
            }
        )
        out.attrs["cols"] = {**cols, "indicator": None, "value": None}
        return out
    # wide-year
    year_cols = [c for c in df.columns if c not in (cols["region"], cols["indicator"])]
    bad = [c for c in year_cols if not _is_year_header(c)]
    if bad:
        raise InputError.at(
            "column is not a year",
            file=file,
            row=1,
            column=bad[0],
            expected="four-digit year columns after region and indicator",
        )
    if not year_cols:
        raise InputError.at("no year columns", file=file, row=1, expected="columns 2015, 2016, …")
    n, k = len(df), len(year_cols)
    out = pd.DataFrame(
        {
            "region": np.repeat(df[cols["region"]].to_numpy(), k),
            "year": np.tile(np.asarray([c.strip()[:4] for c in year_cols], dtype=object), n),
            "indicator": np.repeat(df[cols["indicator"]].to_numpy(), k),
            "value": df[year_cols].to_numpy().reshape(-1),
            "_line": np.repeat(line, k),
            "_col": np.tile(np.asarray(year_cols, dtype=object), n),
        }
    )
    out.attrs["cols"] = {**cols, "year": None, "value": None}
    return out


def validate_long(long: pd.DataFrame, indicators: pd.DataFrame, *, file: str) -> pd.DataFrame:
    """Check a long panel (with ``_line``/``_col``) and return ``region_code, indicator_code, year, value``.

    Raises :class:`InputError` at the first bad cell: unknown region or indicator, a year that is not an
    integer in [1900, 2100], a value that is not a number or lies outside the indicator's domain, or a
    duplicated (region, indicator, year) — including two spellings of one province.
    """
    cols = long.attrs.get("cols", {})

    def where(mask: np.ndarray, col_key: str) -> tuple[int, str]:
        i = int(np.flatnonzero(mask)[0])
        col = cols.get(col_key) or long["_col"].iat[i]
        return int(long["_line"].iat[i]), col

    def reject(
        mask: np.ndarray,
        col_key: str,
        message: str,
        expected: str,
        value_at: Callable[[int], Any] | None = None,
    ) -> None:
        """Raise :class:`InputError` ``message`` at the first row of ``mask`` (if any), its file line and
        column, with ``value_at(i)`` of that row ``i`` as the value when given."""
        if not mask.any():
            return
        r, c = where(mask, col_key)
        value = {} if value_at is None else {"value": value_at(int(np.flatnonzero(mask)[0]))}
        raise InputError.at(message, file=file, row=r, column=c, expected=expected, **value)

    # indicator codes
    ind = long["indicator"].astype("string").str.strip()
    reject(ind.isna().to_numpy(), "indicator", "missing indicator code", "an indicator code")
    reject(
        ~ind.isin(set(indicators["code"])).to_numpy(),
        "indicator",
        "unknown indicator",
        "a code registered with 'ibrain ingest FILE --kind indicators'",
        lambda i: ind.iat[i],
    )
    # years: digits only (2e3 and 2_015 are not years)
    yr, bad = parse_years(long["year"])
    nan_year = np.isnan(yr)
    frac = ~nan_year & (yr != np.floor(np.where(nan_year, 0, yr)))
    reject(
        bad | nan_year | frac,
        "year",
        "year is not an integer",
        "a four-digit year such as 2015, in digits",
        lambda i: long["year"].iat[i],
    )
    reject(
        (yr < YEAR_MIN) | (yr > YEAR_MAX),
        "year",
        "impossible year",
        f"a year in {YEAR_MIN}–{YEAR_MAX}",
        lambda i: int(yr[i]),
    )
    # values
    val, bad = parse_numbers(long["value"])
    reject(
        bad,
        "value",
        "value is not a number",
        "a number, a blank cell or a missing mark (-, —, …, NA)",
        lambda i: long["value"].iat[i],
    )
    reject(np.isinf(val), "value", "value is infinite", "a finite number")
    # regions (mapped on unique spellings, errors at the first unknown one)
    reg = long["region"]
    reject(reg.isna().to_numpy(), "region", "missing region", "a province name or code")
    try:
        codes = region_codes(reg.to_numpy(), file=file, column=cols.get("region") or "region")
    except InputError:
        uniq = {u: region_code(u) for u in pd.unique(reg)}
        bad_mask = reg.map(lambda u: uniq[u] is None).to_numpy(dtype=bool)
        r, c = where(bad_mask, "region")
        raise InputError.at(
            "unknown region",
            file=file,
            row=r,
            column=c,
            value=reg.iat[int(np.flatnonzero(bad_mask)[0])],
            expected="a province name (e.g. '北京', 'Beijing') or a GB/T 2260 code (e.g. '110000')",
        ) from None
    present = ~np.isnan(val)
    frame = pd.DataFrame(
        {
            "region_code": codes.to_numpy(),
            "indicator_code": ind.to_numpy(dtype=object),
            "year": yr.astype("int64"),
            "value": val,
        }
    )
    # duplicates, including two spellings of one province
    dup = frame.duplicated(["region_code", "indicator_code", "year"], keep=False).to_numpy()
    if dup.any():
        first = frame[dup].iloc[0]
        same = np.flatnonzero(
            dup
            & (frame["region_code"] == first.region_code).to_numpy()
            & (frame["indicator_code"] == first.indicator_code).to_numpy()
            & (frame["year"] == first.year).to_numpy()
        )
        a, b = same[0], same[1]
        spell = f"'{reg.iat[a]}'" + (f" and '{reg.iat[b]}'" if reg.iat[a] != reg.iat[b] else "")
        raise InputError.at(
            f"duplicate key: region {first.region_code} ({spell}), indicator '{first.indicator_code}', "
            f"year {first.year} also on row {int(long['_line'].iat[a])}",
            file=file,
            row=int(long["_line"].iat[b]),
            column=cols.get("region") or "region",
            expected="one value per region, indicator and year",
        )
    # domains
    dom = indicators.set_index("code")[["min_value", "max_value"]]
    lo = frame["indicator_code"].map(dom["min_value"]).to_numpy(dtype="float64")
    hi = frame["indicator_code"].map(dom["max_value"]).to_numpy(dtype="float64")
    outside = present & ((~np.isnan(lo) & (val < lo)) | (~np.isnan(hi) & (val > hi)))
    if outside.any():
        i = int(np.flatnonzero(outside)[0])
        r, c = where(outside, "value")
        rng = f"[{'' if np.isnan(lo[i]) else f'{lo[i]:g}'}, {'' if np.isnan(hi[i]) else f'{hi[i]:g}'}]"
        raise InputError.at(
            f"value outside the domain of indicator '{frame['indicator_code'].iat[i]}'",
            file=file,
            row=r,
            column=c,
            value=float(val[i]),
            expected=f"a value in {rng}",
        )
    out = frame[present].reset_index(drop=True)
    out.attrs["missing"] = int((~present).sum())
    return out


# --------------------------------------------------------------------------------------------------
# DuckDB fast path (long UTF-8 CSV)
# --------------------------------------------------------------------------------------------------
class _FastPathRejected(Exception):
    """The fast path found something to report; the pandas path will say exactly where."""


def _fast_columns(path: Path) -> dict[str, str] | None:
    with open(path, "rb") as fh:
        header = fh.readline().decode("utf-8-sig", errors="replace").strip()
    names = [h.strip().strip('"') for h in header.split(",")]
    cols = _canon(names)
    if len(names) != 4 or set(cols) != {"region", "year", "indicator", "value"}:
        return None
    return cols


def _fast_insert(
    store: Store, path: Path, cols: dict[str, str], indicators: pd.DataFrame, dataset_id: str
) -> tuple[int, int]:
    """Load a long UTF-8 CSV straight into the store inside the caller's open transaction.

    One pass reads and writes; the checks then run on the inserted rows (one grouped scan), region
    spellings are mapped to codes and looked at again for duplicates (two spellings, one province).
    Returns (observations stored, rows without a value).
    Any problem raises :class:`_FastPathRejected` (or the store's :class:`BulkLoadFailed`) so that
    the caller rolls back (nothing is ever committed) and re-reads the file on the pandas path, whose
    message names the exact cell.
    """
    years = (YEAR_MIN, YEAR_MAX)
    with bulk_load(store):
        load_long_csv(store, path, cols, dataset_id, years=years)
        check = series_check(store, dataset_id, indicators, years=years)
        mapping = {sp: region_code(sp) for sp in check.spellings}
        if not mapping or any(c is None for c in mapping.values()):
            raise _FastPathRejected
        dup = check.duplicates
        renamed = {sp: c for sp, c in mapping.items() if sp != c}
        if renamed:  # names, not codes: map them, then look again for duplicates
            recode_regions(store, dataset_id, renamed)
            dup = duplicate_years(store, dataset_id, years=years)
        if check.missing:
            delete_missing(store, dataset_id)
    stored = check.rows - check.missing
    if check.unknown or check.outside or dup or stored == 0:
        raise _FastPathRejected
    return stored, check.missing


# --------------------------------------------------------------------------------------------------
def ingest_panel(
    store: Store,
    path: str | Path,
    info: DatasetInfo,
    *,
    layout: str = "auto",
    sheet: str | int | None = None,
    replace: bool = False,
    screen: bool = True,
    identities: list[dict] | None = None,
    frame: pd.DataFrame | None = None,
) -> IngestReport:
    """Validate a panel file and store it atomically as observations of one dataset.

    Parameters
    ----------
    store : Store
    path : path of the file (CSV UTF-8/GBK/GB18030, XLSX, Parquet)
    info : DatasetInfo
        Provenance; ``info.kind`` must be ``"panel"``.
    layout : {'auto', 'long', 'wide-indicator', 'wide-year'}
    sheet : XLSX sheet name or index
    replace : replace an existing dataset of the same id
    screen : run the automatic quality screening and store its notes
    identities : accounting identities (parts vs totals) for the screening
    frame : an already-read file (used by the default loader); skips reading ``path``
    """
    path = Path(path)
    file = str(path)
    if layout not in LAYOUTS:
        raise InputError.at("unknown layout", column="layout", value=layout, expected=" | ".join(LAYOUTS))
    check_readable(path)
    sha = sha256_file(path)
    if (same := dataset_by_sha256(store, sha)) is not None:
        return IngestReport(
            same,
            "panel",
            file,
            sha,
            0,
            skipped=True,
            message=f"identical file already stored as dataset '{same}'; nothing to do",
        )
    check_dataset_id_free(store, info, file, replace)
    indicators = stored_indicators(store)[["code", "unit", "direction", "min_value", "max_value"]]
    result: dict = {}

    def screen_rows(s: Store) -> pd.DataFrame | None:
        if not screen:
            return None
        return screen_observations(s, info.dataset_id, indicators, identities)

    fast_cols = None
    if frame is None and layout in ("auto", "long") and file_format(path) == "csv":
        fast_cols = _fast_columns(path)  # DuckDB rejects invalid UTF-8; such files take the pandas path
    if fast_cols is not None:

        def write_fast(s: Store) -> None:
            result["rows"], result["missing"] = _fast_insert(s, path, fast_cols, indicators, info.dataset_id)
            result["notes"] = screen_rows(s)

        try:
            commit_dataset(
                store,
                info,
                file=file,
                sha=sha,
                rows=0,
                write=write_fast,
                replace=replace,
                notes_from=lambda: result.get("notes"),
                rows_from=lambda: result["rows"],
            )
        except (_FastPathRejected, BulkLoadFailed):
            fast_cols = None  # rolled back; the pandas path below reports the exact cell
    if fast_cols is None:
        df = frame if frame is not None else read_frame(path, sheet=sheet)
        lay = detect_layout(list(df.columns), file=file) if layout == "auto" else layout
        long = validate_long(_to_long(df, lay, file), indicators, file=file)
        if long.empty:
            raise InputError.at("no values", file=file, expected="at least one non-blank value")

        def write(s: Store) -> None:
            insert_observations(s, info.dataset_id, long)
            result["notes"] = screen_rows(s)

        result["rows"], result["missing"] = len(long), long.attrs.get("missing", 0)
        commit_dataset(
            store,
            info,
            file=file,
            sha=sha,
            rows=len(long),
            write=write,
            replace=replace,
            notes_from=lambda: result.get("notes"),
        )
    notes = result.get("notes")
    return IngestReport(
        info.dataset_id,
        "panel",
        file,
        sha,
        result["rows"],
        notes=notes if notes is not None else pd.DataFrame(),
        message=f"stored {result['rows']:,} observations"
        + (
            f"; {result['missing']:,} blank or missing-marked cell(s) (-, —, …, NA) not stored"
            if result.get("missing")
            else ""
        ),
    )


def screen_observations(
    store: Store, dataset_id: str, indicators: pd.DataFrame, identities: list[dict] | None
) -> pd.DataFrame | None:
    """Run the automatic quality screening over a dataset's observations (inside its transaction)."""
    return screen_panel(observations(store, dataset_id), dataset_id, indicators, identities=identities)
