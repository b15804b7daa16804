"""Ingest of firm annual accounts (企业年度数据: 用地、税收、营收、增加值、能耗、排放、研发 …) from CSV,
XLSX or Parquet, for the per-mu evaluation (亩均效益综合评价) and the 专精特新 SME tier checks.

Columns (issue 18's contract; more allowed, ignored and named in the report): ``uscc, year, land_mu``
required, then any of :data:`NUMBER_UNITS` (units in the names: 万元, mu, tce, kWh, t; shares as
fractions), ``firm_type`` (:data:`FIRM_TYPES`), ``ip_level`` (the highest IP held, as the
innovative-SME points read it) and the yes/no flags
:data:`~industrial_brain.store.firm_accounts.ACCOUNT_FLAGS`.

Validated like every other ingest, all or nothing: the first bad cell is refused with one line
naming the file, the row (the file's own line; the header is line 1), the column, the value found
and what was expected (with its unit). Refused: a missing required column or cell; a USCC that is
not a valid GB 32100 code, or of a firm not in the firm register (register it first with
``ibrain network ingest FIRMS --kind firms``); a year outside 1949–2100; a number that is not one, is
infinite or negative; land of zero mu; a share outside 0–1; tax or main-business revenue above
revenue; an unknown firm type, IP level or flag; a firm twice for one year in the file or already
stored by another dataset. Accounts are firm-level data: graded ``important`` by default, never
``general``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from industrial_brain.errors import InputError
from industrial_brain.ingest.core import DatasetInfo, IngestReport, check_dataset_id_free, commit_dataset
from industrial_brain.ingest.files import BLANK, parse_numbers, parse_years, read_frame, sha256_file
from industrial_brain.reference.uscc import uscc_problem
from industrial_brain.store.connection import Store
from industrial_brain.store.datasets import dataset_by_sha256
from industrial_brain.store.firm_accounts import (
    ACCOUNT_FLAGS,
    ACCOUNT_NUMBERS,
    insert_accounts,
    registered_usccs,
    stored_account_keys,
)

__all__ = ["NUMBER_UNITS", "FIRM_TYPES", "IP_LEVELS", "REQUIRED", "check_accounts", "ingest_firm_accounts"]

REQUIRED = ("uscc", "year", "land_mu")
#: The unit of each numeric column, as the refusals name it.
NUMBER_UNITS = {
    "land_mu": "mu (亩)",
    "tax_10k_cny": "10k CNY (万元)",
    "revenue_10k_cny": "10k CNY (万元)",
    "value_added_10k_cny": "10k CNY (万元)",
    "industrial_output_10k_cny": "10k CNY (万元)",
    "employees": "persons (annual average)",
    "energy_tce": "t of standard coal equivalent (吨标煤)",
    "electricity_kwh": "kWh (度)",
    "water_t": "t (吨)",
    "cod_t": "t (吨)",
    "so2_t": "t (吨)",
    "rd_expenditure_10k_cny": "10k CNY (万元)",
    "invention_patents": "patents",
    "net_profit_10k_cny": "10k CNY (万元)",
    "main_revenue_10k_cny": "10k CNY (万元)",
    "debt_ratio": "a fraction (0.55 = 55 %)",
    "class1_ip_count": "items",
    "equity_financing_2y_10k_cny": "10k CNY (万元)",
    "equity_financing_3y_10k_cny": "10k CNY (万元)",
    "years_in_niche": "years",
    "rd_staff_share": "a fraction (0.5 = 50 %)",
    "zjtx_points": "points (0–100)",
}
assert tuple(NUMBER_UNITS) == ACCOUNT_NUMBERS
#: Columns that may be negative (a loss).
SIGNED = ("net_profit_10k_cny",)
#: Columns bounded to 0–1.
SHARES = ("rd_staff_share",)
#: Firm types the shipped rules branch on (blank: the rule's default).
FIRM_TYPES = ("industrial", "industrial_above", "industrial_below", "services")
#: IP levels of the innovative-SME points (:data:`industrial_brain.micro.sme_tiers.IP_POINTS`).
IP_LEVELS = ("high_value_class1", "own_class1", "class1", "class2", "none")
_TRUE = {"true", "1", "yes", "y", "是", "t"}
_FALSE = {"false", "0", "no", "n", "否", "f"}


def _lines(df: pd.DataFrame) -> np.ndarray:
    return df.attrs["lines"].array if "lines" in df.attrs else np.arange(len(df)) + 2


def _refuse(bad, what: str, *, file: str, lines, column: str, values=None, expected: str) -> None:
    bad = np.asarray(bad, dtype=bool)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        value = None if values is None else values.iat[i] if hasattr(values, "iat") else values[i]
        if isinstance(value, np.generic):
            value = value.item()
        if isinstance(value, float) and np.isnan(value):
            value = None
        n = int(bad.sum())
        more = f" ({n:,} rows like it)" if n > 1 else ""
        raise InputError.at(
            what + more, file=file, row=int(lines[i]), column=column, value=value, expected=expected
        )


def _text(s: pd.Series) -> pd.Series:
    return s.astype("string").str.strip()


def check_accounts(df: pd.DataFrame, file: str) -> pd.DataFrame:
    """The checked accounts of a read file (the store-free checks, see the module docstring): one
    column per stored column present, numbers as floats, flags as booleans. ``attrs['ignored']``
    lists the columns outside the contract."""
    lines = _lines(df)
    df = df.rename(columns=lambda c: str(c).strip().lower())
    for c in REQUIRED:
        if c not in df.columns:
            raise InputError.at(
                "missing column", file=file, row=1, column=c, expected="columns uscc, year, land_mu, …"
            )
    out = pd.DataFrame(index=df.index)
    codes = _text(df["uscc"]).str.upper()
    _refuse(
        codes.isna() | (codes == ""),
        "missing uscc",
        file=file,
        lines=lines,
        column="uscc",
        expected="the firm's unified social credit code (统一社会信用代码)",
    )
    problems = codes.map(uscc_problem)
    bad = problems.notna().to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError.at(
            f"invalid unified social credit code: {problems.iat[i]}",
            file=file,
            row=int(lines[i]),
            column="uscc",
            value=df["uscc"].iat[i],
            expected="an 18-character GB 32100 code with a valid check character",
        )
    out["uscc"] = codes.to_numpy(dtype=object)
    years, bad = parse_years(df["year"])
    bad |= np.isnan(years) | (years < 1949) | (years > 2100) | (years != np.round(years))
    _refuse(
        bad,
        "bad year",
        file=file,
        lines=lines,
        column="year",
        values=df["year"],
        expected="a calendar year such as 2023",
    )
    out["year"] = years.astype(np.int64)
    for c in ACCOUNT_NUMBERS:
        if c not in df.columns:
            continue
        unit = NUMBER_UNITS[c]
        v, bad = parse_numbers(
            _text(df[c]) if not pd.api.types.is_numeric_dtype(df[c]) else df[c], marks=BLANK
        )
        _refuse(
            bad,
            "not a number",
            file=file,
            lines=lines,
            column=c,
            values=df[c],
            expected=f"a number in {unit}, or blank",
        )
        _refuse(
            np.isinf(v),
            "infinite value",
            file=file,
            lines=lines,
            column=c,
            values=v,
            expected=f"a finite number in {unit}",
        )
        if c == "land_mu":
            _refuse(
                np.isnan(v),
                "missing land_mu",
                file=file,
                lines=lines,
                column=c,
                expected="the firm's land in mu (亩), greater than 0",
            )
            _refuse(
                v <= 0,
                "impossible value",
                file=file,
                lines=lines,
                column=c,
                values=v,
                expected="land greater than 0 mu (亩)",
            )
        elif c not in SIGNED:
            with np.errstate(invalid="ignore"):
                _refuse(
                    v < 0,
                    "negative value",
                    file=file,
                    lines=lines,
                    column=c,
                    values=v,
                    expected=f"zero or more {unit}",
                )
        if c in SHARES:
            with np.errstate(invalid="ignore"):
                _refuse(
                    v > 1,
                    "share above 1",
                    file=file,
                    lines=lines,
                    column=c,
                    values=v,
                    expected=f"{unit}, at most 1",
                )
        out[c] = v
    for part in ("tax_10k_cny", "main_revenue_10k_cny"):
        if part in out and "revenue_10k_cny" in out:
            with np.errstate(invalid="ignore"):
                above = out[part].to_numpy() > out["revenue_10k_cny"].to_numpy() + 1e-9
            _refuse(
                above,
                f"{part} above revenue_10k_cny",
                file=file,
                lines=lines,
                column=part,
                values=out[part],
                expected="at most the firm's revenue (10k CNY, 万元)",
            )
    for column, allowed, what in (
        ("firm_type", FIRM_TYPES, "firm type"),
        ("ip_level", IP_LEVELS, "IP level"),
    ):
        if column not in df.columns:
            continue
        t = _text(df[column]).str.lower()
        _refuse(
            t.notna() & ~t.isin(allowed),
            f"unknown {what}",
            file=file,
            lines=lines,
            column=column,
            values=df[column],
            expected=" | ".join(allowed) + ", or blank",
        )
        out[column] = t.to_numpy(dtype=object)
    for c in ACCOUNT_FLAGS:
        if c not in df.columns:
            continue
        col = df[c]
        if pd.api.types.is_bool_dtype(col):
            out[c] = col.to_numpy()
            continue
        t = _text(col).str.lower()
        known = t.isna() | t.isin(_TRUE | _FALSE)
        _refuse(
            ~known,
            "not a yes/no value",
            file=file,
            lines=lines,
            column=c,
            values=col,
            expected="true/false (1/0, yes/no, 是/否), or blank",
        )
        out[c] = t.map(lambda x: None if pd.isna(x) else x in _TRUE).astype(object).to_numpy()
    dup = out.duplicated(["uscc", "year"]).to_numpy()
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        first = int(
            np.flatnonzero((out["uscc"] == out["uscc"].iat[i]) & (out["year"] == out["year"].iat[i]))[0]
        )
        raise InputError.at(
            f"the firm appears twice for one year (also on row {int(lines[first])})",
            file=file,
            row=int(lines[i]),
            column="uscc",
            value=f"{out['uscc'].iat[i]} {out['year'].iat[i]}",
            expected="one row per firm and year",
        )
    known_cols = set(REQUIRED) | set(ACCOUNT_NUMBERS) | set(ACCOUNT_FLAGS) | {"firm_type", "ip_level"}
    out.attrs["ignored"] = [c for c in df.columns if c not in known_cols]
    out.attrs["lines"] = lines
    return out


def ingest_firm_accounts(
    store: Store,
    path: str | Path,
    info: DatasetInfo,
    *,
    replace: bool = False,
    frame: pd.DataFrame | None = None,
    sheet=None,
) -> IngestReport:
    """Check an accounts file (:func:`check_accounts`, then the firm register and the stored years)
    and store it whole as one dataset, or store nothing. ``frame``: the file already read (the
    demo's generated accounts); its sha256 is still the file's."""
    path = Path(path)
    file = str(path)
    sha = sha256_file(path)
    same = dataset_by_sha256(store, sha)
    if same is not None:
        return IngestReport(
            same,
            info.kind,
            file,
            sha,
            0,
            skipped=True,
            message=f"identical file already stored as dataset '{same}'; nothing to do",
        )
    check_dataset_id_free(store, info, file, replace)
    df = frame if frame is not None else read_frame(path, sheet=sheet)
    out = check_accounts(df, file)
    lines = out.attrs["lines"]
    known = registered_usccs(store, out["uscc"].tolist())
    _refuse(
        ~out["uscc"].isin(known).to_numpy(),
        "firm not in the firm register",
        file=file,
        lines=lines,
        column="uscc",
        values=out["uscc"],
        expected="a firm registered first with 'ibrain network ingest FIRMS --kind firms'",
    )
    hit = stored_account_keys(store, out, info.dataset_id if replace else "")
    if hit is not None:
        uscc, year, holder = hit
        i = int(np.flatnonzero((out["uscc"] == uscc).to_numpy() & (out["year"] == year).to_numpy())[0])
        raise InputError.at(
            f"accounts of this firm and year already stored by dataset '{holder}'",
            file=file,
            row=int(lines[i]),
            column="uscc",
            value=f"{uscc} {year}",
            expected=f"a new firm-year, or --replace on dataset '{holder}'",
        )
    rows = out.assign(dataset_id=info.dataset_id).reset_index(drop=True)
    rows.attrs = {}
    ignored = out.attrs.get("ignored", [])
    commit_dataset(
        store,
        info,
        file=file,
        sha=sha,
        rows=len(rows),
        replace=replace,
        write=lambda s: insert_accounts(s, rows),
        detail=f"firms={rows['uscc'].nunique()} years={rows['year'].min()}..{rows['year'].max()}",
    )
    msg = f"stored {len(rows):,} firm-years of {rows['uscc'].nunique():,} firms"
    if ignored:
        msg += f"; columns outside the contract ignored: {', '.join(ignored)}"
    return IngestReport(info.dataset_id, info.kind, file, sha, len(rows), message=msg)
