"""The re-cut of the layers above the engines changes no number: the demo's stored values on the default
data are the same as before it.

``tests/data/demo_values_before.csv`` was written from ``ibrain demo`` at commit 2b27ca3 (before the re-cut):
per run kind and measure, the row count, the nulls and the SHA-256 of every (region, sector, year, value to
9 significant digits, label) row; scored assessments as kind ``assess_result``. Measures added since may
appear; none may change or vanish. The ``macro`` rows were re-baselined when the default index systems
moved from totals to intensities (version 2, issue 14: every index, D and obstacle changes by design);
the other kinds are still those of 2b27ca3.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pandas as pd
import pytest

BEFORE = Path(__file__).parent / "data" / "demo_values_before.csv"


def value_digest(path: Path) -> pd.DataFrame:
    """Per (kind, measure): rows, nulls and a digest of the stored numbers."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        v = con.execute("""SELECT r.kind, v.measure, v.region_code, v.sector_code, v.year, v.value, v.label
                           FROM analysis_value v JOIN analysis_run r USING (run_id)""").df()
        a = con.execute(
            "SELECT uscc, model_code, total_score AS value, level AS label FROM assessment_result"
        ).df()
    finally:
        con.close()
    a = a.assign(
        kind="assess_result",
        measure="total_score",
        region_code=a["uscc"],
        sector_code=a["model_code"],
        year=0,
    )
    # the demo renders its report once per language and may store an identical run twice: values count once
    v = pd.concat([v, a[v.columns]], ignore_index=True).drop_duplicates()
    out = []
    for (kind, measure), g in v.groupby(["kind", "measure"], dropna=False):
        g = g.sort_values(["region_code", "sector_code", "year", "label"], na_position="first")
        text = "\n".join(
            f"{r}|{s}|{y}|{'' if pd.isna(x) else format(x, '.9g')}|{lab}"
            for r, s, y, x, lab in g[["region_code", "sector_code", "year", "value", "label"]].itertuples(
                index=False
            )
        )
        out.append(
            (
                kind,
                measure,
                len(g),
                int(g["value"].isna().sum()),
                hashlib.sha256(text.encode()).hexdigest()[:16],
            )
        )
    return pd.DataFrame(out, columns=["kind", "measure", "rows", "nulls", "sha256"])


@pytest.mark.slow
def test_demo_values_unchanged_by_the_recut(demo_run):
    db, out = demo_run
    assert (out / "report.html").stat().st_size > 10_000
    after = value_digest(db)
    before = pd.read_csv(BEFORE)
    merged = before.merge(after, on=["kind", "measure"], how="left", suffixes=("_before", "_after"))
    missing = merged[merged["sha256_after"].isna()]
    assert missing.empty, f"measures no longer stored: {missing[['kind', 'measure']].values.tolist()}"
    changed = merged[
        (merged["rows_before"] != merged["rows_after"])
        | (merged["nulls_before"] != merged["nulls_after"])
        | (merged["sha256_before"] != merged["sha256_after"])
    ]
    assert changed.empty, f"values changed: {changed[['kind', 'measure']].values.tolist()}"
    assert len(before) == 293
