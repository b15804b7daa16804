"""The macro report opens on the run's default year and marks values whose inputs carry a quality note."""

from __future__ import annotations

import re
import shutil

import pandas as pd
import pytest

from industrial_brain.quality.notes import note, notes_frame
from industrial_brain.report.sections_macro import section_macro_indices, section_macro_map
from industrial_brain.services.catalog import indicators
from industrial_brain.services.macro import run_macro
from industrial_brain.services.quality import macro_default_year
from industrial_brain.store import Store
from industrial_brain.store.quality_notes import insert_notes


@pytest.fixture(scope="module")
def marked_db(default_db, tmp_path_factory):
    """The default store with a macro run, a level break on one digital-index input (Zhejiang 2020) and
    2022 marked a partial year of that input's dataset (hand-made notes on a copy)."""
    path = tmp_path_factory.mktemp("marks") / "marks.duckdb"
    shutil.copy(default_db, path)
    with Store(path) as s:
        run = run_macro(s, permutations=0)
        code = next(c for c in run.systems["digital"].input_codes if c not in run.systems["real"].input_codes)
        cov = indicators(s)
        ds = cov.loc[cov["code"] == code, "dataset_id"].iloc[0]
        with s.transaction():
            insert_notes(
                s,
                notes_frame(
                    [
                        note(
                            ds,
                            "level_break",
                            "warning",
                            "test break",
                            "t",
                            indicator=code,
                            region="330000",
                            year=2020,
                        ),
                        note(ds, "partial_year", "warning", "test partial year", "t", year=2022),
                    ]
                ),
            )
    return path


def _table_after(parts: list[str], marker: str) -> str:
    i = next(i for i, p in enumerate(parts) if marker in p)
    return parts[i + 1]


def _row(table: str, code: str) -> list[str]:
    tr = next(t for t in re.findall(r"<tr>(.*?)</tr>", table, re.S) if f"<td>{code}</td>" in t)
    return re.findall(r"<td>(.*?)</td>", tr, re.S)


def test_report_opens_on_the_clean_year_and_marks_the_noted_value(marked_db):
    with Store(marked_db) as s:
        clean = macro_default_year(s)
        # 2022: the hand-made partial year; 2021: Yunnan's SO2 (a real-economy input) is a screening error
        assert (clean.year, clean.skipped_years) == (2020, [2022, 2021])
        assert clean.reasons() == {2022: "partial year", 2021: "error: outlier in 1 region (530000)"}
        sec = section_macro_indices(s, "en")
        zh = section_macro_indices(s, "zh")
        title = section_macro_map(s, "en").title
    assert (
        "The table below: year 2020 (the latest without an error or partial-year note; skipped: 2022 "
        in "".join(sec.parts)
    )
    table = _table_after(sec.parts, "The table below")
    header = re.findall(r"<th>(.*?)</th>", table)
    row = dict(zip(header[-len(_row(table, "330000")) :], _row(table, "330000")))
    assert row["year"] == "2020"
    assert row["digital"].endswith(" †") and re.fullmatch(r"0\.\d{3} †", row["digital"])
    assert not row["real"].endswith("†")  # the disjoint real-economy system does not read the input
    assert row["D"].endswith(" †")  # D couples the digital index
    other = dict(zip(header[-len(_row(table, "110000")) :], _row(table, "110000")))
    assert not other["digital"].endswith("†")
    foot = sec.parts[sec.parts.index(table) + 1]
    assert "† an input of this value carries a quality note in that year (level break)" in foot
    assert any("† 该数值所用的投入数据在该年有质量提示（水平断点）" in p for p in zh.parts)
    assert title.startswith("Map of D, 2020")  # the same inputs skip the same years


def test_without_notes_in_the_window_the_report_keeps_its_last_year(default_db, tmp_path):
    path = tmp_path / "plain.duckdb"
    shutil.copy(default_db, path)
    with Store(path) as s:
        run = run_macro(s, permutations=0)
        clean = macro_default_year(s, run.run_id)
    assert (clean.year, clean.latest) == (2022, 2022) and clean.skipped.empty
    assert isinstance(clean.to_frame(), pd.DataFrame)
