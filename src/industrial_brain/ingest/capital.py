"""Ingest of the capital chain's files: financing needs, financing sources (fund and bank mandates)
and firm accounts, from CSV, XLSX or Parquet — checked whole, stored whole or not at all.

Columns (amounts CNY, terms months; a blank optional cell is empty):

* ``financing_needs``: ``need_id, uscc, region_code, sector_code, amount, term_months, instrument
  (debt | equity | grant), purpose, stage, size_class`` and optional ``risk_grade`` (1–5, default
  3) and ``collateral`` (default 0);
* ``financing_sources``: ``source_id, kind, instrument, capacity, ticket_min, ticket_max,
  term_min_months, term_max_months`` and optional ``name``, ``sectors``, ``regions`` (provinces),
  ``stages``, ``sizes`` (``a;b`` lists, blank: any), ``risk_appetite`` (1–5, default 3),
  ``collateral_ratio`` (default 0);
* ``financial_statements``: ``uscc, year`` and any of ``revenue, net_profit, net_profit_deducted,
  rd_expense, operating_cash_flow, total_assets, total_liabilities, roe_weighted_pct,
  expected_market_value, neeq_innovation_tier_months``.

A refused file gets one line naming the file, the row (the header is row 1), the column, the value
and what was expected. Firm and fund data: graded ``important`` at least, never ``general``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from industrial_brain.capital import INSTRUMENTS, PURPOSES, SIZE_CLASSES, SOURCE_KINDS, STAGES
from industrial_brain.errors import InputError
from industrial_brain.ingest.core import DatasetInfo, IngestReport, commit_dataset
from industrial_brain.ingest.reference_kinds import (
    _firm_regions,
    _no_duplicates,
    _numbers,
    _prepare,
    _refuse_first,
    _skipped,
)
from industrial_brain.reference.regions import province_table
from industrial_brain.reference.uscc import validate_uscc_column
from industrial_brain.store import capital as store_capital

KINDS = tuple(store_capital.TABLES)
REQUIRED = {
    "financing_needs": ("need_id", "uscc", "region_code", "sector_code", "amount", "term_months",
                        "instrument", "purpose", "stage", "size_class"),
    "financing_sources": ("source_id", "kind", "instrument", "capacity", "ticket_min", "ticket_max",
                          "term_min_months", "term_max_months"),
    "financial_statements": ("uscc", "year"),
}  # fmt: skip


def _require(df: pd.DataFrame, cols, file: str) -> None:
    for c in cols:
        if c not in df.columns:
            raise InputError.at(
                "missing column", file=file, row=1, column=c, expected="columns " + ", ".join(cols)
            )


def _text(df: pd.DataFrame, col: str, file: str, *, required: bool = True) -> np.ndarray:
    if col not in df.columns:
        return np.full(len(df), "", dtype=object)
    s = df[col].astype("string").str.strip()
    if required:
        _refuse_first(
            s.isna() | (s == ""), f"missing {col}", file=file, column=col, expected="a value in every row"
        )
    return s.fillna("").to_numpy(dtype=object)


def _enum(df: pd.DataFrame, col: str, allowed, file: str) -> np.ndarray:
    v = _text(df, col, file)
    _refuse_first(~np.isin(v, list(allowed)), f"unknown {col}", file=file, column=col, values=v,
                  expected=" | ".join(allowed))  # fmt: skip
    return v


def _list(df: pd.DataFrame, col: str, allowed, file: str, what: str) -> np.ndarray:
    v = _text(df, col, file, required=False)
    items = [[x.strip() for x in str(s).split(";") if x.strip()] for s in v]
    bad = np.array([any(x not in allowed for x in xs) for xs in items], dtype=bool)
    _refuse_first(bad, f"unknown entry in {col}", file=file, column=col, values=v,
                  expected=f"{what} separated by ';' (blank: any)")  # fmt: skip
    return np.array([";".join(xs) for xs in items], dtype=object)


def _number(df, col, file, *, required=True, positive=False, default=None, lo=None, hi=None) -> np.ndarray:
    if col not in df.columns and default is not None:
        return np.full(len(df), float(default))
    v = _numbers(df, col, file)
    if default is not None:
        v = np.where(np.isnan(v), default, v)
    elif required:
        _refuse_first(np.isnan(v), f"missing {col}", file=file, column=col, expected="a number in every row")
    ok = np.isnan(v) | np.isfinite(v)
    ok &= np.isnan(v) | ((v > 0) if positive else (v >= 0))
    if lo is not None:
        ok &= np.isnan(v) | (v >= lo)
    if hi is not None:
        ok &= np.isnan(v) | (v <= hi)
    rng = f" from {lo:g} to {hi:g}" if lo is not None and hi is not None else ""
    _refuse_first(~ok, f"bad {col}", file=file, column=col, values=df.get(col),
                  expected=("a number > 0" if positive else "a number ≥ 0") + rng)  # fmt: skip
    return v


def _needs(df: pd.DataFrame, file: str, dataset_id: str) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "need_id": _text(df, "need_id", file),
            "uscc": validate_uscc_column(_text(df, "uscc", file), file=file),
            "region_code": _firm_regions(df["region_code"], file),
            "sector_code": _text(df, "sector_code", file),
            "amount": _number(df, "amount", file, positive=True),
            "term_months": _number(df, "term_months", file, positive=True),
            "instrument": _enum(df, "instrument", INSTRUMENTS, file),
            "purpose": _enum(df, "purpose", PURPOSES, file),
            "stage": _enum(df, "stage", STAGES, file),
            "risk_grade": _number(df, "risk_grade", file, default=3, lo=1, hi=5),
            "collateral": _number(df, "collateral", file, default=0),
            "size_class": _enum(df, "size_class", SIZE_CLASSES, file),
            "dataset_id": dataset_id,
        }
    )
    _no_duplicates(out, ["need_id"], file)
    return out


def _sources(df: pd.DataFrame, file: str, dataset_id: str) -> pd.DataFrame:
    provinces = [c[:2] for c in province_table()["code"]] + list(province_table()["code"])
    out = pd.DataFrame(
        {
            "source_id": _text(df, "source_id", file),
            "name": _text(df, "name", file, required=False),
            "kind": _enum(df, "kind", SOURCE_KINDS, file),
            "instrument": _enum(df, "instrument", INSTRUMENTS, file),
            "capacity": _number(df, "capacity", file, positive=True),
            "ticket_min": _number(df, "ticket_min", file),
            "ticket_max": _number(df, "ticket_max", file, positive=True),
            "term_min_months": _number(df, "term_min_months", file),
            "term_max_months": _number(df, "term_max_months", file, positive=True),
            "sectors": _text(df, "sectors", file, required=False),
            "regions": _list(df, "regions", provinces, file, "province codes (32 or 320000)"),
            "stages": _list(df, "stages", STAGES, file, " | ".join(STAGES)),
            "sizes": _list(df, "sizes", SIZE_CLASSES, file, " | ".join(SIZE_CLASSES)),
            "risk_appetite": _number(df, "risk_appetite", file, default=3, lo=1, hi=5),
            "collateral_ratio": _number(df, "collateral_ratio", file, default=0),
            "dataset_id": dataset_id,
        }
    )
    out["sectors"] = [";".join(x.strip() for x in s.split(";") if x.strip()) for s in out["sectors"]]
    _refuse_first(out["ticket_min"] > out["ticket_max"], "ticket_min above ticket_max", file=file,
                  column="ticket_min", values=out["ticket_min"],
                  expected="ticket_min ≤ ticket_max")  # fmt: skip
    _refuse_first(out["term_min_months"] > out["term_max_months"], "term_min_months above term_max_months",
                  file=file, column="term_min_months", values=out["term_min_months"],
                  expected="term_min_months ≤ term_max_months")  # fmt: skip
    _no_duplicates(out, ["source_id"], file)
    return out


def _accounts(df: pd.DataFrame, file: str, dataset_id: str) -> pd.DataFrame:
    year = _number(df, "year", file, lo=1900, hi=2100)
    _refuse_first(
        year != np.round(year),
        "bad year",
        file=file,
        column="year",
        values=df["year"],
        expected="a year such as 2024",
    )
    out = pd.DataFrame(
        {"uscc": validate_uscc_column(_text(df, "uscc", file), file=file), "year": year.astype(int)}
    )
    signed = ("net_profit", "net_profit_deducted", "operating_cash_flow", "roe_weighted_pct")
    for c in store_capital.ACCOUNT_COLUMNS[2:]:
        if c in signed:
            v = _numbers(df, c, file)
            _refuse_first(~(np.isnan(v) | np.isfinite(v)), f"bad {c}", file=file, column=c, values=df.get(c),
                          expected="a finite number or blank")  # fmt: skip
            out[c] = v
        else:
            out[c] = _number(df, c, file, required=False)
    out["dataset_id"] = dataset_id
    _no_duplicates(out, ["uscc", "year"], file)
    return out


def ingest_capital(
    store, path: str | Path, info: DatasetInfo, *, replace: bool = False, frame: pd.DataFrame | None = None
) -> IngestReport:
    """Check one capital-chain file (``info.kind`` of :data:`KINDS`) and store it whole."""
    if info.kind not in KINDS:
        raise InputError.at("unknown kind", column="kind", value=info.kind, expected=" | ".join(KINDS))
    path, sha, df, same = _prepare(store, path, info, replace, frame)
    if same:
        return _skipped(same, info.kind, path, sha)
    file = str(path)
    _require(df, REQUIRED[info.kind], file)
    if df.empty:
        raise InputError.at("no rows", file=file, expected="at least one row below the header")
    out = {"financing_needs": _needs, "financing_sources": _sources, "financial_statements": _accounts}[
        info.kind
    ](df, file, info.dataset_id)
    keys = (
        list(zip(out["uscc"], out["year"]))
        if info.kind == "financial_statements"
        else out.iloc[:, 0].tolist()
    )
    held = store_capital.stored_keys(store, info.kind, keys, info.dataset_id if replace else None)
    if len(held):
        first = held.iloc[0]
        raise InputError.at(
            f"already stored by dataset '{first['dataset_id']}'",
            file=file,
            column=out.columns[0],
            value=first.iloc[0],
            expected="a key no other dataset holds (or --replace on that dataset)",
        )
    commit_dataset(
        store, info, file=file, sha=sha, rows=len(out), replace=replace,
        write=lambda s: store_capital.insert_rows(s, info.kind, out),
    )  # fmt: skip
    return IngestReport(info.dataset_id, info.kind, file, sha, len(out), message=f"stored {len(out):,} rows")
