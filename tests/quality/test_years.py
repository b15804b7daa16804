"""Default years: hand cases for latest_clean_year, value_notes and year_flags."""

from __future__ import annotations

import pandas as pd
import pytest

from industrial_brain.quality.notes import note, notes_frame
from industrial_brain.quality.years import applicable, latest_clean_year, value_notes, year_flags

YEARS = range(2018, 2026)


def _notes(*records) -> pd.DataFrame:
    return notes_frame(records)


def test_no_notes_gives_the_latest_year():
    c = latest_clean_year(YEARS, _notes())
    assert (c.year, c.latest, c.default, c.skipped_years) == (2025, 2025, 2025, [])
    assert c.years == tuple(YEARS)


def test_partial_years_and_errors_are_skipped_warnings_are_not():
    n = _notes(
        note("d", "partial_year", "warning", "partial year: 8 of 14", "partial_year", year=2025),
        note(
            "d",
            "outlier",
            "error",
            "625.5 out of line",
            "outliers",
            indicator="gdp",
            region="340000",
            year=2024,
        ),
        note(
            "d",
            "level_break",
            "warning",
            "jumps ×1.6",
            "level_breaks",
            indicator="gdp",
            region="540000",
            year=2023,
        ),
        note(
            "d",
            "repeated_value",
            "warning",
            "carried forward",
            "repeated",
            indicator="gdp",
            region="110000",
            year=2023,
        ),
        note("d", "outlier", "error", "old error", "outliers", indicator="gdp", region="110000", year=2019),
    )
    c = latest_clean_year(YEARS, n, indicators=["gdp"])
    assert c.year == 2023  # the warnings of 2023 do not skip it
    assert c.skipped_years == [2025, 2024]  # only the years later than the default; 2019 is not listed
    assert c.reasons() == {2025: "partial year", 2024: "error: outlier in 1 region (340000)"}
    assert c.reasons("zh")[2025] == "不完整年份"
    assert c.line().startswith("year 2023 (the latest without an error or partial-year note; skipped: 2025")


def test_notes_of_another_indicator_or_dataset_do_not_apply():
    n = _notes(
        note("d", "outlier", "error", "x", "outliers", indicator="so2", region="110000", year=2025),
        note("other", "partial_year", "warning", "p", "partial_year", year=2025),
    )
    assert latest_clean_year(YEARS, n, datasets=["d"], indicators=["gdp"]).year == 2025
    # the dataset-wide partial-year note applies to every indicator of its dataset
    assert latest_clean_year(YEARS, n, datasets=["other"], indicators=["gdp"]).year == 2024
    assert len(applicable(n, datasets=["d"], indicators=["so2", "gdp"])) == 1


def test_notes_without_a_year_do_not_move_the_default():
    n = _notes(note("d", "duplicate_column", "error", "identical to x", "duplicates", indicator="gdp"))
    assert latest_clean_year(YEARS, n).year == 2025


def test_no_clean_year_opens_on_the_latest_and_lists_every_skipped_year():
    n = _notes(*[note("d", "partial_year", "warning", "p", "partial_year", year=y) for y in (2021, 2022)])
    c = latest_clean_year([2021, 2022], n)
    assert c.year is None and c.default == 2022 and c.skipped_years == [2022, 2021]
    assert "no clean year" in c.line()
    assert latest_clean_year([], n).default is None


def test_skipped_years_outside_the_data_are_not_listed():
    n = _notes(note("d", "partial_year", "warning", "p", "partial_year", year=2030))
    c = latest_clean_year(YEARS, n)
    assert c.year == 2025 and c.skipped_years == []


def test_value_notes_and_year_flags():
    n = _notes(
        note(
            "d",
            "level_break",
            "warning",
            "jumps",
            "level_breaks",
            indicator="gdp",
            region="110000",
            year=2018,
        ),
        note("d", "outlier", "error", "off", "outliers", indicator="pop", region="110000", year=2018),
        note("d", "partial_year", "warning", "p", "partial_year", year=2025),
        note("d", "provenance", "warning", "vintage", "provenance", indicator="gdp"),
    )
    v = value_notes(n)
    assert v.to_dict("records") == [
        {"region_code": "110000", "year": 2018, "quality_note": "gdp: jumps | pop: off"}
    ]
    assert year_flags(n) == {2025: ["partial_year"]}


@pytest.mark.parametrize("years", [[2020, 2020, 2019], (y for y in [2019, 2020])])
def test_years_any_iterable(years):
    assert latest_clean_year(years, _notes()).years == (2019, 2020)
