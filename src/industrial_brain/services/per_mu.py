"""Per-mu efficiency evaluation on files (亩均效益综合评价): read firm accounts, evaluate, write scores.

The orchestration behind ``ibrain mu evaluate`` and ``ibrain mu rules``: a firms file (CSV, XLSX or
Parquet with the annual-account columns of :data:`~industrial_brain.micro.per_mu_rules.ACCOUNT_COLUMNS`)
is read and validated here (numbers, no negative values, positive land, each problem named by its
line and column), then scored by :func:`~industrial_brain.micro.per_mu.evaluate_per_mu`. No store
yet: firm registers and stored annual accounts come with the accounts ingest.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from industrial_brain._shared.export import write_csv
from industrial_brain.errors import InputError
from industrial_brain.ingest.files import LineNumbers, parse_numbers, parse_years, read_frame
from industrial_brain.micro.per_mu import PerMuResult, evaluate_per_mu
from industrial_brain.micro.per_mu_rules import (
    ACCOUNT_COLUMNS,
    PerMuRules,
    load_per_mu_rules,
    shipped_per_mu_rules,
)

__all__ = [
    "rule_list",
    "read_firm_accounts",
    "evaluate_file",
    "write_scores",
    "SCORE_COLUMNS",
]

#: The columns ``ibrain mu evaluate`` writes first (the CLI contract: at least ``uscc, year, score, class``).
SCORE_COLUMNS = (
    "uscc",
    "year",
    "score",
    "class",
    "branch",
    "rank",
    "group_size",
    "prev_class",
    "class_change",
)
#: Text columns kept as codes (never parsed as numbers).
TEXT_COLUMNS = ("uscc", "name", "county", "province", "sector", "firm_type")


def rule_list() -> pd.DataFrame:
    """The shipped rule sets: ``code, version, name_zh, name_en, effective_from, effective_to,
    branches, classes, source``."""
    rows = []
    for name in shipped_per_mu_rules():
        r = load_per_mu_rules(name)
        rows.append(
            {
                "code": r.code,
                "version": r.version,
                "name_zh": r.name_zh,
                "name_en": r.name_en,
                "effective_from": r.effective_from.isoformat(),
                "effective_to": r.effective_to.isoformat() if r.effective_to else "",
                "branches": ", ".join(b.code for b in r.branches),
                "classes": r.classes.method,
                "source": r.source,
            }
        )
    return pd.DataFrame(rows)


def read_firm_accounts(path: str | os.PathLike) -> pd.DataFrame:
    """Read a firms file: text codes kept, account columns parsed as numbers (negative values refused),
    ``land_mu`` positive, ``year`` an integer. ``attrs["lines"].array`` holds each row's line in the file."""
    path = Path(path)
    df = read_frame(path)
    lines = df.attrs["lines"].array if "lines" in df.attrs else np.arange(len(df)) + 2
    for c in ("uscc", "year", "land_mu"):
        if c not in df:
            raise InputError.at(
                "missing column", file=str(path), column=c, expected=", ".join(ACCOUNT_COLUMNS)
            )
    out = pd.DataFrame(index=df.index)
    for c in df.columns:
        if c in TEXT_COLUMNS:
            out[c] = df[c].astype("string").str.strip().astype(object)
            continue
        if c == "year":
            values, bad = parse_years(df[c])
            bad |= np.isnan(values)
        elif c in ACCOUNT_COLUMNS:
            values, bad = parse_numbers(df[c])
        else:
            out[c] = df[c]
            continue
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise InputError.at(
                "not a number",
                file=str(path),
                row=int(lines[i]),
                column=c,
                value=df[c].iloc[i],
                expected="a year" if c == "year" else "a number (units as the column name says)",
            )
        with np.errstate(invalid="ignore"):
            neg = values < 0 if c != "land_mu" else ~(values > 0)
        if neg.any():
            i = int(np.flatnonzero(neg)[0])
            cell = df[c].iloc[i]
            raise InputError.at(
                "impossible value",
                file=str(path),
                row=int(lines[i]),
                column=c,
                value=cell if isinstance(cell, str) else float(values[i]),
                expected="a positive area in mu" if c == "land_mu" else "zero or more",
            )
        out[c] = values.astype(np.int64) if c == "year" else values
    if out["uscc"].isna().any():
        i = int(np.flatnonzero(out["uscc"].isna().to_numpy())[0])
        raise InputError.at(
            "missing firm code",
            file=str(path),
            row=int(lines[i]),
            column="uscc",
            expected="the firm's unified social credit code (统一社会信用代码)",
        )
    dup = out.duplicated(["uscc", "year"]).to_numpy()
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        raise InputError.at(
            "the firm appears twice for one year",
            file=str(path),
            row=int(lines[i]),
            column="uscc",
            value=f"{out['uscc'].iloc[i]} {out['year'].iloc[i]}",
            expected="one row per firm and year",
        )
    out.attrs["lines"] = LineNumbers(lines)
    return out


def evaluate_file(
    firms_file: str | os.PathLike, rules: str | os.PathLike | PerMuRules, *, year: int | None = None
) -> PerMuResult:
    """Evaluate a firms file under a rule set (a shipped name, a YAML path or a loaded rule set)."""
    rule_set = rules if isinstance(rules, PerMuRules) else load_per_mu_rules(rules)
    firms = read_firm_accounts(firms_file)
    if year is not None and not (firms["year"] == year).any():
        raise InputError.at(
            "no firm has accounts for this year",
            file=str(firms_file),
            column="year",
            value=year,
            expected=f"one of {sorted(set(firms['year'].tolist()))[:10]}",
        )
    return evaluate_per_mu(
        firms, rule_set, year=year, source=str(firms_file), lines=firms.attrs["lines"].array
    )


def write_scores(result: PerMuResult, out: str | os.PathLike) -> pd.DataFrame:
    """Write the scores (``uscc, year, score, class`` first, then rank, change and each indicator's
    value and points) to CSV; returns the frame written."""
    s = result.scores
    first = [c for c in SCORE_COLUMNS if c in s]
    extra = [c for c in ("name", "county", "sector") if c in s]
    ind = [c for c in s.columns if c.startswith(("value__", "score__"))]
    frame = s[first + extra + ind]
    write_csv(frame, out, index=False)
    return frame
