"""Ingest never says "ok" to wrong data (issue 13, finding 11): each case is refused in one line naming
file, row, column and what was expected — or read as the file means it where that is unambiguous —
and a refused file leaves every table as it was.

Read as meant: a hidden first sheet is passed over for the first visible one (the sheet a person sees);
blank cells and yearbook marks (-, —, …, NA) in a value column are missing values, counted in the report.
Refused: the text NaN, 2e3 or 2_015 as a year, 1_000, a formula without a saved value, a row of
placeholders where a region or year must be, files above the size limit, binary files.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest

from industrial_brain.errors import InputError
from industrial_brain.ingest import ingest
from industrial_brain.ingest.files import MAX_FILE_MB, read_frame
from industrial_brain.micro.population import simulate_population
from industrial_brain.services.assess import ingest_answers
from industrial_brain.store import Store

from .helpers import prepare_base, run_cli, snapshot

LONG = "region,year,indicator,value\n"  # the long layout: the DuckDB fast path reads it first
WIDE = "region,year,syn_gdp\n"  # wide by indicator: the pandas path
NUMBER = "expected a number, a blank cell or a missing mark (-, —, …, NA))"
YEAR = "expected a four-digit year such as 2015, in digits)"


@pytest.fixture(scope="module")
def base_db(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("truth")
    with Store(tmp / "base.duckdb") as s:
        prepare_base(s, tmp)
    return tmp / "base.duckdb"


@pytest.fixture
def store(base_db, tmp_path):
    db = tmp_path / "s.duckdb"
    shutil.copy(base_db, db)
    with Store(db) as s:
        yield s


def _refused(store: Store, path: Path, kind: str = "panel", **options) -> str:
    """The one-line message of a refused ingest; asserts the store did not change."""
    before = snapshot(store)
    with pytest.raises(InputError) as err:
        ingest(store, path, kind, **options)
    assert snapshot(store) == before
    msg = str(err.value)
    assert "\n" not in msg
    return msg


def _csv(tmp_path: Path, text: str, name: str = "p.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "layout, text, row, column",
    [
        ("long", LONG + "北京,2015,syn_gdp,1\n北京,2016,syn_gdp,NaN\n", 3, "value"),
        ("wide", WIDE + "北京,2015,1\n北京,2016,nan\n", 3, "syn_gdp"),
    ],
)
def test_the_text_nan_is_not_a_number(store, tmp_path, layout, text, row, column):
    p = _csv(tmp_path, text)
    found = "NaN" if layout == "long" else "nan"
    assert _refused(store, p) == (
        f"{p}: row {row}, column '{column}': value is not a number (found '{found}'; {NUMBER}"
    )


@pytest.mark.parametrize("text", [LONG + "北京,2e3,syn_gdp,1\n", WIDE + "北京,2e3,1\n"], ids=["long", "wide"])
def test_2e3_is_not_a_year(store, tmp_path, text):
    p = _csv(tmp_path, text)
    assert _refused(store, p) == f"{p}: row 2, column 'year': year is not an integer (found '2e3'; {YEAR}"


def test_2_015_is_not_a_year(store, tmp_path):
    p = _csv(tmp_path, WIDE + "北京,2_015,1\n")
    assert _refused(store, p) == f"{p}: row 2, column 'year': year is not an integer (found '2_015'; {YEAR}"


@pytest.mark.parametrize(
    "text, column", [(LONG + "北京,2015,syn_gdp,1_000\n", "value"), (WIDE + "北京,2015,1_000\n", "syn_gdp")]
)
def test_1_000_is_not_a_number(store, tmp_path, text, column):
    p = _csv(tmp_path, text)
    assert _refused(store, p) == (
        f"{p}: row 2, column '{column}': value is not a number (found '1_000'; {NUMBER}"
    )


def test_a_decimal_comma_is_not_a_thousands_separator(store, tmp_path):
    p = _csv(tmp_path, WIDE + '北京,2015,"12,345.5"\n天津,2015,"1,5"\n')
    assert _refused(store, p) == f"{p}: row 3, column 'syn_gdp': value is not a number (found '1,5'; {NUMBER}"


def test_scientific_and_grouped_values_are_read_as_written(store, tmp_path):
    p = _csv(tmp_path, WIDE + '北京,2015,2e3\n天津,2015,"12,345.5"\n河北,2015.0,7\n')
    report = ingest(store, p, "panel")
    got = store.query("SELECT region_code, year, value FROM observation WHERE dataset_id = 'p' ORDER BY 1")
    assert got.values.tolist() == [["110000", 2015, 2000.0], ["120000", 2015, 12345.5], ["130000", 2015, 7.0]]
    assert report.message == "stored 3 observations"


@pytest.mark.parametrize("text", [LONG + "北京,2015,syn_gdp,1\n—,—,—,—\n", WIDE + "北京,2015,1\n—,—,—\n"])
def test_a_row_of_placeholders_is_refused_at_its_row(store, tmp_path, text):
    p = _csv(tmp_path, text)
    msg = _refused(store, p)
    assert msg.startswith(f"{p}: row 3, column '"), msg
    assert "(found '—'" in msg


def test_placeholders_in_value_cells_are_missing_and_counted(store, tmp_path):
    p = _csv(tmp_path, WIDE + "北京,2015,1\n北京,2016,—\n北京,2017,…\n北京,2018,NA\n北京,2019,\n")
    report = ingest(store, p, "panel")
    assert report.rows == 1
    assert (
        report.message == "stored 1 observations; 4 blank or missing-marked cell(s) (-, —, …, NA) not stored"
    )
    p2 = _csv(
        tmp_path, LONG + "北京,2015,syn_gdp,1\n北京,2016,syn_gdp,\n", "q.csv"
    )  # the fast path counts too
    assert ingest(store, p2, "panel").message.endswith(
        "; 1 blank or missing-marked cell(s) (-, —, …, NA) not stored"
    )


def _workbook(path: Path, sheets: list[tuple[str, list[list], str]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows, state in sheets:
        ws = wb.create_sheet(title)
        for r in rows:
            ws.append(r)
        ws.sheet_state = state
    wb.save(path)
    return path


def test_a_formula_without_a_saved_value_is_refused(store, tmp_path):
    # openpyxl writes formulas without calculating them: exactly what a program-made workbook holds
    p = _workbook(
        tmp_path / "f.xlsx",
        [("data", [["region", "year", "syn_gdp"], ["北京", 2015, 1.5], ["天津", 2015, "=B3*2"]], "visible")],
    )
    assert _refused(store, p) == (
        f"{p}[data]: row 3, column 'syn_gdp': formula without a saved value (found '=B3*2'; "
        "expected a value: recalculate and save the workbook in Excel or LibreOffice, or paste values)"
    )


def test_a_hidden_first_sheet_is_passed_over_for_the_visible_one(store, tmp_path):
    p = _workbook(
        tmp_path / "h.xlsx",
        [
            ("old", [["region", "year", "syn_gdp"], ["北京", 2015, 999.0]], "hidden"),
            ("data", [["region", "year", "syn_gdp"], ["北京", 2015, 1.5]], "visible"),
        ],
    )
    ingest(store, p, "panel")
    assert store.query("SELECT value FROM observation WHERE dataset_id = 'h'")["value"].tolist() == [1.5]
    assert read_frame(p, sheet="old")["syn_gdp"].tolist() == ["999"]  # named: read as asked


def test_xlsx_rows_are_named_by_their_own_number_in_the_sheet(store, tmp_path):
    rows = [
        ["region", "year", "syn_gdp"],
        ["北京", 2015, 1.5],
        [None, None, None],
        [None, None, None],
        ["天津", 2015, "x"],
    ]
    p = _workbook(tmp_path / "b.xlsx", [("data", rows, "visible")])
    assert _refused(store, p).startswith(f"{p}: row 5, column 'syn_gdp': value is not a number (found 'x'")


def test_a_2_gib_file_is_refused_up_front_in_one_line(store, tmp_path, capsys):
    p = tmp_path / "huge.csv"
    with open(p, "wb") as f:
        f.truncate(2 * 1024**3)  # sparse: no disk used
    assert _refused(store, p) == (
        f"{p}: file too large (found '2,048 MiB'; expected at most {MAX_FILE_MB:,} MiB "
        "($IBRAIN_MAX_FILE_MB); split the file by year or region)"
    )
    store.close()
    code, _, err = run_cli(capsys, "ingest", str(p), "--kind", "panel", "--db", store.path)
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err, err
    assert err.startswith(f"error: {p}: file too large"), err


def test_a_file_of_nul_bytes_is_not_text(store, tmp_path):
    p = tmp_path / "zeros.csv"
    with open(p, "wb") as f:
        f.truncate(1024**2)
    assert _refused(store, p) == (
        f"{p}: row 1: not a text file (found 'NUL bytes'; "
        "expected UTF-8 (with or without BOM) or GBK/GB18030 text)"
    )


def test_rich_markup_in_a_cell_stays_one_plain_line(base_db, tmp_path, capsys):
    db = tmp_path / "m.duckdb"
    shutil.copy(base_db, db)
    for cell in ("[/red]", "[bold]x[/", "\\[/red]"):
        p = _csv(tmp_path, WIDE + f"北京,2015,{cell}\n", "m.csv")
        code, _, err = run_cli(capsys, "ingest", str(p), "--kind", "panel", "--db", str(db))
        assert code == 2
        assert (
            err == f"error: {p}: row 2, column 'syn_gdp': value is not a number (found '{cell}'; {NUMBER}\n"
        )


def test_a_future_taken_on_is_refused_at_ingest(store, tmp_path):
    sheet = simulate_population(5, seed=3).answers.copy()
    future = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=400)
    sheet["taken_on"] = "2024-06-30"
    sheet.loc[sheet.index[3], "taken_on"] = future.isoformat()
    path = tmp_path / "answers.csv"
    sheet.to_csv(path, index=False)
    before = snapshot(store)
    with pytest.raises(InputError) as err:
        ingest_answers(store, path)
    assert snapshot(store) == before
    latest = (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)).isoformat()
    msg = str(err.value)
    assert "\n" not in msg
    assert msg.startswith(f"{path}: row 5, column 'taken_on': enterprise "), msg
    assert (
        f": date of the assessment is in the future (found '{future.isoformat()}'; "
        f"expected a date on or before {latest} (today in UTC, plus one day))"
    ) in msg, msg


def test_csv_rows_are_named_by_their_own_line_after_blank_lines(store, tmp_path):
    p = _csv(tmp_path, "\n" + WIDE + "北京,2015,1\n\n,,\n天津,2015,x\n")  # header on line 2
    assert _refused(store, p) == f"{p}: row 6, column 'syn_gdp': value is not a number (found 'x'; {NUMBER}"
