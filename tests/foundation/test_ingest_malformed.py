"""Malformed inputs: each gives one clear line naming file/row/column, and leaves every table as it was."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from industrial_brain.errors import InputError
from industrial_brain.ingest import ingest

from .helpers import io_matrix_csv, long_panel_frame, make_uscc, prepare_base, snapshot

GOOD_USCC = make_uscc("91110000000000010")
FIRM_HEADER = "uscc,name,region,sector_code,size_class\n"
LONG = "region,year,indicator,value\n"  # the long layout's header


def _xlsx_bytes() -> bytes:
    buf = io.BytesIO()
    with pd.ExcelWriter(buf) as xw:
        long_panel_frame().to_excel(xw, sheet_name="data", index=False)
    return buf.getvalue()


def _io(replace_from: str, replace_to: str) -> str:
    return io_matrix_csv().replace(replace_from, replace_to, 1)


# (case id, file name, content (str → UTF-8, bytes as is), kind, options, text the message must contain)
CASES = [
    ("empty-file", "p.csv", b"", "panel", {}, "file is empty"),
    ("header-only", "p.csv", "region,year,indicator,value\n", "panel", {}, "no data rows"),
    ("blank-lines-only", "p.csv", "\n\n\n", "panel", {}, "no header line"),
    (
        "no-region-column",
        "p.csv",
        "province_x,year,indicator,value\n北京,2015,syn_gdp,1\n",
        "panel",
        {},
        "column 'region'",
    ),
    (
        "long-without-value",
        "p.csv",
        "region,year,indicator\n北京,2015,syn_gdp\n",
        "panel",
        {},
        "missing column",
    ),
    ("year-not-integer", "p.csv", LONG + "北京,20x5,syn_gdp,1\n", "panel", {}, "row 2, column 'year'"),
    ("year-fractional", "p.csv", LONG + "北京,2015.5,syn_gdp,1\n", "panel", {}, "year is not an integer"),
    ("year-too-old", "p.csv", LONG + "北京,1850,syn_gdp,1\n", "panel", {}, "impossible year"),
    ("year-too-new", "p.csv", LONG + "北京,2015,syn_gdp,1\n天津,2300,syn_gdp,1\n", "panel", {}, "row 3"),
    ("year-five-digits", "p.csv", LONG + "北京,20155,syn_gdp,1\n", "panel", {}, "impossible year"),
    ("value-text", "p.csv", LONG + "北京,2015,syn_gdp,abc\n", "panel", {}, "value is not a number"),
    ("value-infinite", "p.csv", LONG + "北京,2015,syn_gdp,inf\n", "panel", {}, "infinite"),
    (
        "unknown-region",
        "p.csv",
        LONG + "北京,2015,syn_gdp,1\nAtlantis,2015,syn_gdp,1\n",
        "panel",
        {},
        "row 3, column 'region': unknown region (found 'Atlantis'",
    ),
    ("aggregate-row-as-region", "p.csv", LONG + "National,2015,syn_gdp,1\n", "panel", {}, "unknown region"),
    ("missing-region-cell", "p.csv", LONG + ",2015,syn_gdp,1\n", "panel", {}, "missing region"),
    ("unknown-indicator", "p.csv", LONG + "北京,2015,no_such,1\n", "panel", {}, "unknown indicator"),
    ("missing-indicator-cell", "p.csv", LONG + "北京,2015,,1\n", "panel", {}, "missing indicator"),
    (
        "duplicate-key",
        "p.csv",
        LONG + "北京,2015,syn_gdp,1\n北京,2015,syn_gdp,2\n",
        "panel",
        {},
        "duplicate key",
    ),
    (
        "duplicate-two-spellings",
        "p.csv",
        LONG + "北京,2015,syn_gdp,1\n天津,2015,syn_gdp,1\nBeijing,2015,syn_gdp,2\n",
        "panel",
        {},
        "'北京' and 'Beijing'",
    ),
    (
        "duplicate-wide-rows",
        "p.csv",
        "region,year,syn_gdp\n内蒙古,2015,1\nInner Mongolia,2015,2\n",
        "panel",
        {},
        "row 3",
    ),
    ("below-domain", "p.csv", LONG + "北京,2015,syn_gdp,-5\n", "panel", {}, "outside the domain"),
    (
        "above-domain",
        "p.csv",
        "region,year,syn_share\n北京,2015,0.5\n天津,2015,1.5\n",
        "panel",
        {},
        "row 3, column 'syn_share'",
    ),
    (
        "bad-encoding",
        "p.csv",
        b"region,year,indicator,value\n\xff\xfe\xff,2015,syn_gdp,1\n",
        "panel",
        {},
        "cannot decode",
    ),
    (
        "truncated-in-quote",
        "p.csv",
        LONG + '北京,2015,syn_gdp,1\n"天津,2015,syn_g',
        "panel",
        {},
        "malformed CSV",
    ),
    ("truncated-row", "p.csv", LONG + "北京,2015,syn_gdp,1\n天津,20", "panel", {}, "row 3"),
    ("too-many-fields", "p.csv", LONG + "北京,2015,syn_gdp,1,9,9\n", "panel", {}, "malformed CSV"),
    ("unsupported-suffix", "p.json", '{"a": 1}', "panel", {}, "unsupported file type"),
    ("wrong-sheet-name", "p.xlsx", _xlsx_bytes(), "panel", {"sheet": "Sheet9"}, "no such sheet"),
    ("sheet-index-out-of-range", "p.xlsx", _xlsx_bytes(), "panel", {"sheet": 5}, "no such sheet"),
    ("corrupt-xlsx", "p.xlsx", b"PK\x03\x04 not really a zip", "panel", {}, "cannot read XLSX"),
    ("corrupt-parquet", "p.parquet", b"PAR1garbage", "panel", {}, "cannot read Parquet"),
    (
        "wide-year-bad-header",
        "p.csv",
        "region,indicator,2015,20a6\n北京,syn_gdp,1,2\n",
        "panel",
        {},
        "column is not a year",
    ),
    ("blank-header-cell", "p.csv", "region,year,,syn_gdp\n北京,2015,1,2\n", "panel", {}, "blank column name"),
    (
        "duplicate-header",
        "p.csv",
        "region,year,syn_gdp,syn_gdp\n北京,2015,1,2\n",
        "panel",
        {},
        "duplicate column name",
    ),
    ("all-values-blank", "p.csv", "region,year,syn_gdp\n北京,2015,\n", "panel", {}, "no values"),
    (
        "bad-layout-option",
        "p.csv",
        "region,year,syn_gdp\n北京,2015,1\n",
        "panel",
        {"layout": "diagonal"},
        "unknown layout",
    ),
    (
        "io-unbalanced-row",
        "io.csv",
        _io("A,Agri,10,20,5,40", "A,Agri,10,20,5,45"),
        "io",
        {"year": 2020},
        "row does not balance",
    ),
    (
        "io-unbalanced-column",
        "io.csv",
        _io("VA001,Compensation,20", "VA001,Compensation,27"),
        "io",
        {"year": 2020},
        "column does not balance",
    ),
    ("io-unknown-column-code", "io.csv", _io("IM,GO", "XYZ,GO"), "io", {"year": 2020}, "unknown column code"),
    (
        "io-unknown-row-code",
        "io.csv",
        _io("VA004,Surplus", "VAXX,Surplus"),
        "io",
        {"year": 2020},
        "unknown row code",
    ),
    (
        "io-non-numeric-cell",
        "io.csv",
        _io("M,Manu,15", "M,Manu,fifteen"),
        "io",
        {"year": 2020},
        "value is not a number",
    ),
    ("io-missing-year", "io.csv", io_matrix_csv(), "io", {}, "--year"),
    ("io-impossible-year", "io.csv", io_matrix_csv(), "io", {"year": 1066}, "impossible year"),
    (
        "io-duplicate-row-code",
        "io.csv",
        io_matrix_csv().replace("VA004,Surplus", "VA001,Surplus"),
        "io",
        {"year": 2020},
        "duplicate row code",
    ),
    ("io-no-code-column", "io.csv", "Sector,A,B\nA,1,2\n", "io", {"year": 2020}, "row-code column"),
    ("io-no-shared-sectors", "io.csv", "Code,X1,GO\nY1,1,1\n", "io", {"year": 2020}, "no sector codes"),
    (
        "enterprise-bad-check-char",
        "f.csv",
        FIRM_HEADER + GOOD_USCC[:-1] + ("0" if GOOD_USCC[-1] != "0" else "1") + ",甲,北京,A,small\n",
        "enterprise",
        {"scheme": "syn3"},
        "check character",
    ),
    (
        "enterprise-short-uscc",
        "f.csv",
        FIRM_HEADER + "9111000000000001,甲,北京,A,small\n",
        "enterprise",
        {"scheme": "syn3"},
        "16 characters",
    ),
    (
        "enterprise-unknown-sector",
        "f.csv",
        FIRM_HEADER + GOOD_USCC + ",甲,北京,Q,small\n",
        "enterprise",
        {"scheme": "syn3"},
        "unknown sector",
    ),
    (
        "enterprise-duplicate",
        "f.csv",
        FIRM_HEADER + (GOOD_USCC + ",甲,北京,A,small\n") * 2,
        "enterprise",
        {"scheme": "syn3"},
        "duplicate uscc",
    ),
    (
        "enterprise-size-class",
        "f.csv",
        FIRM_HEADER + GOOD_USCC + ",甲,北京,A,giant\n",
        "enterprise",
        {"scheme": "syn3"},
        "unknown size class",
    ),
    (
        "enterprise-graded-general",
        "f.csv",
        FIRM_HEADER + GOOD_USCC + ",甲,北京,A,small\n",
        "enterprise",
        {"scheme": "syn3", "grade": "general"},
        "cannot be graded general",
    ),
    (
        "enterprise-missing-column",
        "f.csv",
        "uscc,name,region\n" + GOOD_USCC + ",甲,北京\n",
        "enterprise",
        {"scheme": "syn3"},
        "missing column",
    ),
    (
        "indicator-bad-direction",
        "i.csv",
        "code,unit,direction\nnew_x,%,up\n",
        "indicators",
        {},
        "bad direction",
    ),
    (
        "indicator-min-above-max",
        "i.csv",
        "code,unit,direction,min_value,max_value\nnew_x,%,+,5,1\n",
        "indicators",
        {},
        "min_value above max_value",
    ),
    (
        "indicator-duplicate",
        "i.csv",
        "code,unit,direction\nnew_x,%,+\nnew_x,%,-\n",
        "indicators",
        {},
        "duplicate code",
    ),
    (
        "indicator-already-registered",
        "i.csv",
        "code,unit,direction\nsyn_gdp,%,+\n",
        "indicators",
        {},
        "already stored by dataset 'syn_indicators'",
    ),
    ("indicator-missing-unit", "i.csv", "code,unit,direction\nnew_x,,+\n", "indicators", {}, "missing unit"),
    ("sectors-without-scheme", "s.csv", "code,name_en\nX,Thing\n", "sectors", {}, "scheme"),
    (
        "bad-grade",
        "p.csv",
        "region,year,syn_gdp\n北京,2015,1\n",
        "panel",
        {"grade": "secret"},
        "unknown data grade",
    ),
    (
        "dataset-id-taken",
        "syn_sectors_other.csv",
        "region,year,syn_gdp\n北京,2015,1\n",
        "panel",
        {"dataset_id": "syn_indicators"},
        "dataset id already used",
    ),
    (
        "bad-dataset-id",
        "p.csv",
        "region,year,syn_gdp\n北京,2015,1\n",
        "panel",
        {"dataset_id": "a b/c"},
        "bad dataset id",
    ),
]


@pytest.fixture(scope="module")
def base_db(tmp_path_factory):
    from industrial_brain.store import Store

    tmp = tmp_path_factory.mktemp("base")
    with Store(tmp / "base.duckdb") as s:
        prepare_base(s, tmp)
    return tmp / "base.duckdb"


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_malformed_input(case, base_db, tmp_path):
    import shutil

    from industrial_brain.store import Store

    name, fname, content, kind, options, expected = case
    db = tmp_path / "s.duckdb"
    shutil.copy(base_db, db)
    path = tmp_path / fname
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    with Store(db) as store:
        before = snapshot(store)
        with pytest.raises(InputError) as err:
            ingest(store, path, kind, **options)
        after = snapshot(store)
    msg = str(err.value)
    assert "\n" not in msg
    assert expected in msg, msg
    if name not in ("bad-grade", "bad-layout-option", "bad-dataset-id", "enterprise-graded-general"):
        assert fname in msg, msg  # the file is named
    assert after == before


def test_at_least_forty_cases():
    assert len(CASES) >= 40


def test_missing_file_and_directory(store, tmp_path):
    with pytest.raises(InputError, match="file not found"):
        ingest(store, tmp_path / "nope.csv", "panel")
    with pytest.raises(InputError, match="is a directory"):
        ingest(store, tmp_path, "panel", dataset_id="d")
    with pytest.raises(InputError, match="unknown kind"):
        ingest(store, tmp_path / "x.csv", "spreadsheet")


def test_error_names_the_right_line_on_the_fast_path_too(base_db, tmp_path):
    """A 3,000-row long CSV with one bad cell: the DuckDB fast path defers to the exact report."""
    import shutil

    from industrial_brain.store import Store

    years = range(1901, 2101)
    df = pd.DataFrame(
        [
            (r, y, i, 1.0)
            for y in years
            for r in ("110000", "120000", "130000")
            for i in ("syn_gdp", "syn_share")
        ],
        columns=["region", "year", "indicator", "value"],
    )
    df.loc[1000, "value"] = -1.0
    path = tmp_path / "big.csv"
    df.to_csv(path, index=False)
    db = tmp_path / "s.duckdb"
    shutil.copy(base_db, db)
    with Store(db) as store, pytest.raises(InputError) as err:
        ingest(store, path, "panel")
    assert "row 1002, column 'value'" in str(err.value)
